/*
 * argv_modern_devices.c: the other device families of the -device
 * generation: filesystems, input, audio, graphics, video, sound, host
 * devices, watchdog, memory balloon and rng.
 */
#include "argv_modern_priv.h"
#include "../xmldoc.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

/* Video models: the primary adapter's QEMU type and a secondary one's
 * (NULL: cannot be secondary); which property takes the vram size. */
static const struct {
    const char *model;
    const char *primary;
    const char *secondary;
    const char *vram_prop;    /* "vgamem_mb" (MiB) or NULL */
} modern_video_models[] = {
    { "vga", "VGA", NULL, "vgamem_mb" },
    { "cirrus", "cirrus-vga", NULL, NULL },
    { "vmvga", "vmware-svga", NULL, "vgamem_mb" },
    { "qxl", "qxl-vga", "qxl", NULL },
    { "virtio", "virtio-vga", "virtio-gpu-pci", NULL },
    { "bochs", "bochs-display", "bochs-display", NULL },
    { "ramfb", "ramfb", NULL, NULL },
};

/* USB input devices, and virtio ones (PCI). */
static const struct {
    const char *type;
    const char *bus;
    const char *device;
} modern_input_models[] = {
    { "mouse", "usb", "usb-mouse" },
    { "tablet", "usb", "usb-tablet" },
    { "keyboard", "usb", "usb-kbd" },
    { "mouse", "virtio", "virtio-mouse-pci" },
    { "tablet", "virtio", "virtio-tablet-pci" },
    { "keyboard", "virtio", "virtio-keyboard-pci" },
};

/* Watchdog actions QEMU knows; libvirt's 'dump' has no QEMU form. */
static const char *const modern_watchdog_actions[] = {
    "reset", "shutdown", "poweroff", "pause", "none", "inject-nmi", "debug",
};

/* Security models of a 9p export by the document's accessmode. */
static const struct {
    const char *accessmode;
    const char *model;
} modern_fs_modes[] = {
    { "passthrough", "passthrough" }, { "mapped", "mapped-xattr" }, { "squash", "none" },
};

/* ---- filesystems ------------------------------------------------------------------- */

/* A virtiofs export: vhost-user-fs-pci talking to virtiofsd over a unix
 * socket. <source socket=> names the socket of a virtiofsd started by
 * someone else; otherwise the daemon is the host's to start for <source
 * dir=> on a socket in the domain's directory (where libvirt starts it). */
static bool modern_virtiofs(qemu_ctx *x, const ir_device *dev)
{
    const ir_filesystem *fs = &dev->u.fs;
    const char *type = "vhost-user-fs-pci";
    if (!fs->target)
        return qemu_error(x, dev->pos, "a virtiofs filesystem needs a <target dir=>");
    if (!modern_need_device(x, dev->pos, type))
        return false;
    char *given = modern_xml_attr(dev, "source", "socket");
    if (!given && !fs->source) {
        return qemu_error(x, dev->pos, "a virtiofs filesystem needs a <source dir=> or "
                          "<source socket=>");
    }
    /* the device's id names its socket and chardev too, as libvirt's do */
    char *id = modern_dev_id(dev, vc_xasprintf("fs%d", x->modern->nfs++));
    char *sock = given ? given : vc_xasprintf("%s/%s-fs.sock", x->modern->domdir, id);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "socket,id=chr-vu-%s", id);
    qemu_opt_add(&b, "path", sock);
    qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
    if (!given) {
        char *bin = modern_xml_attr(dev, "binary", "path");
        qemu_warn(x, dev->pos, "virtiofsd is a process of the host: start %s "
                  "--socket-path=%s -o source=%s before the guest",
                  bin ? bin : "virtiofsd", sock, fs->source);
        qemu_resource_add(x, fs->source, QEMU_RES_DIR, fs->readonly);
        free(bin);
    }
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=%s,chardev=chr-vu-%s", type, id, id);
    free(id);
    char *queue = modern_xml_attr(dev, "driver", "queue");
    unsigned long long q;
    if (queue && vc_parse_ull(queue, 10, &q) && q > 0 && q <= 0xffff)
        vc_buf_printf(&b, ",queue-size=%llu", q);
    else if (queue)
        qemu_warn(x, dev->pos, "virtiofs queue size '%s' is not a number of 1 to 65535; "
                  "QEMU's default is used", queue);
    free(queue);
    qemu_opt_add(&b, "tag", fs->target);
    modern_virtio_opts(x, dev, type, &b);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    free(sock);
    return true;
}

bool modern_filesystem(qemu_ctx *x, const ir_device *dev)
{
    const ir_filesystem *fs = &dev->u.fs;
    if (fs->type && strcmp(fs->type, "mount") != 0)
        return qemu_unsupported(x, dev->pos, "filesystem type '%s'", fs->type);
    char *driver = modern_xml_attr(dev, "driver", "type");
    bool virtiofs = vc_streq(driver, "virtiofs");
    free(driver);
    if (virtiofs)
        return modern_virtiofs(x, dev);
    if (!fs->source || !fs->target)
        return qemu_error(x, dev->pos, "filesystem needs a source dir and a target dir");
    int mi = QEMU_TABLE_FIND(modern_fs_modes, accessmode,
                             qemu_str_or(fs->accessmode, "passthrough"));
    const char *model = mi >= 0 ? modern_fs_modes[mi].model : NULL;
    if (!model)
        return qemu_unsupported(x, dev->pos, "filesystem accessmode '%s'", fs->accessmode);
    char *fsmodel = modern_xml_attr(dev, "", "model");
    const char *type = modern_virtio_type("virtio-9p-pci", fsmodel);
    if (!type) {
        qemu_unsupported(x, dev->pos, "filesystem model '%s'", fsmodel);
        free(fsmodel);
        return false;
    }
    free(fsmodel);
    if (!modern_need_device(x, dev->pos, type))
        return false;
    char *id = modern_dev_id(dev, vc_xasprintf("fs%d", x->modern->nfs++));
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "local,security_model=%s,id=fsdev-%s", model, id);
    qemu_opt_add(&b, "path", fs->source);
    if (fs->readonly)
        vc_buf_puts(&b, ",readonly=on");
    qemu_arg2_take(x, "-fsdev", vc_buf_steal(&b));
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=%s,fsdev=fsdev-%s", type, id, id);
    free(id);
    qemu_opt_add(&b, "mount_tag", fs->target);
    modern_virtio_opts(x, dev, type, &b);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    qemu_resource_add(x, fs->source, QEMU_RES_DIR, fs->readonly);
    return true;
}

/* ---- input, audio, graphics, video, sound ---------------------------------------------- */

/* A host evdev device fed to the guest's own keyboard and mouse: an
 * input-linux object (<source dev= grab= grabToggle= repeat=>). */
static bool modern_input_evdev(qemu_ctx *x, const ir_device *dev)
{
    char *path = modern_xml_attr(dev, "source", "dev");
    if (!path)
        return qemu_error(x, dev->pos, "an 'evdev' input needs a <source dev=>");
    char *grab = modern_xml_attr(dev, "source", "grab");
    char *toggle = modern_xml_attr(dev, "source", "grabToggle");
    char *repeat = modern_xml_attr(dev, "source", "repeat");
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "input-linux,id=");
    modern_put_dev_id(&b, dev, "input", x->modern->ninput++);
    qemu_opt_add(&b, "evdev", path);
    if (repeat)
        vc_buf_printf(&b, ",repeat=%s", vc_streq(repeat, "on") ? "on" : "off");
    if (vc_streq(grab, "all"))
        vc_buf_puts(&b, ",grab_all=on");
    if (toggle)
        qemu_opt_add(&b, "grab-toggle", toggle);
    qemu_arg2_take(x, "-object", vc_buf_steal(&b));
    qemu_resource_add(x, path, QEMU_RES_CHARDEV, false);
    free(path);
    free(grab);
    free(toggle);
    free(repeat);
    return true;
}

/* A host evdev device passed through to the guest as a virtio input. */
static bool modern_input_passthrough(qemu_ctx *x, const ir_device *dev)
{
    const char *type = "virtio-input-host-pci";
    char *path = modern_xml_attr(dev, "source", "evdev");
    if (!path)
        return qemu_error(x, dev->pos, "a 'passthrough' input needs a <source evdev=>");
    if (!modern_need_device(x, dev->pos, type)) {
        free(path);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=", type);
    modern_put_dev_id(&b, dev, "input", x->modern->ninput++);
    qemu_opt_add(&b, "evdev", path);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    qemu_resource_add(x, path, QEMU_RES_CHARDEV, false);
    free(path);
    return true;
}

bool modern_input(qemu_ctx *x, const ir_device *dev)
{
    const ir_input *in = &dev->u.input;
    const char *bus = qemu_str_or(in->bus, "ps2");
    if (vc_streq(in->type, "evdev"))
        return modern_input_evdev(x, dev);
    if (vc_streq(in->type, "passthrough") && strcmp(bus, "virtio") == 0)
        return modern_input_passthrough(x, dev);
    /* The PC's PS/2 mouse and keyboard exist without being asked. */
    if (strcmp(bus, "ps2") == 0 && (vc_streq(in->type, "mouse") || vc_streq(in->type, "keyboard")))
        return true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_input_models); i++) {
        if (!vc_streq(in->type, modern_input_models[i].type) ||
            strcmp(bus, modern_input_models[i].bus) != 0)
            continue;
        const char *type = modern_input_models[i].device;
        if (!modern_need_device(x, dev->pos, type))
            return false;
        bool usb = strcmp(bus, "usb") == 0;
        if (usb && !modern_usb_needed(x, dev, type))
            return false;
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "%s,id=", type);
        modern_put_dev_id(&b, dev, "input", x->modern->ninput++);
        if (usb)
            modern_usb_opts(&in->addr, &b);
        else
            modern_dev_pci(x, dev, &b);
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
        return true;
    }
    return qemu_unsupported(x, dev->pos, "input device '%s' on bus '%s'",
                            qemu_str_or(in->type, "?"), bus);
}

/* Audio backends: libvirt's type names and QEMU's drivers. */
static const struct {
    const char *type;
    const char *driver;
} modern_audio_drivers[] = {
    { "none", "none" }, { "alsa", "alsa" }, { "coreaudio", "coreaudio" },
    { "jack", "jack" }, { "oss", "oss" }, { "pulseaudio", "pa" }, { "sdl", "sdl" },
    { "spice", "spice" }, { "file", "wav" }, { "dbus", "dbus" }, { "pipewire", "pipewire" },
};

static void modern_opt_tri(vc_buf *b, const char *key, ir_tristate t)
{
    if (t)
        vc_buf_printf(b, ",%s=%s", key, t == IR_TRI_YES ? "on" : "off");
}

static void modern_opt_uint(vc_buf *b, const char *key, unsigned long long v)
{
    if (v)
        vc_buf_printf(b, ",%s=%llu", key, v);
}

/* The in.* / out.* options of one direction (-audiodev's dotted keys). */
static void modern_audio_io(vc_buf *b, const char *dir, const ir_audio_io *io)
{
    if (!io->given)
        return;
    char key[64];
#define MODERN_KEY(k) (snprintf(key, sizeof(key), "%s.%s", dir, (k)), key)
    modern_opt_tri(b, MODERN_KEY("mixing-engine"), io->mixing_engine);
    modern_opt_tri(b, MODERN_KEY("fixed-settings"), io->fixed_settings);
    modern_opt_uint(b, MODERN_KEY("voices"), io->voices);
    modern_opt_uint(b, MODERN_KEY("buffer-length"), io->buffer_length);
    modern_opt_uint(b, MODERN_KEY("frequency"), io->frequency);
    modern_opt_uint(b, MODERN_KEY("channels"), io->channels);
    if (io->format)
        qemu_opt_add(b, MODERN_KEY("format"), io->format);
    if (io->dev)
        qemu_opt_add(b, MODERN_KEY("dev"), io->dev);
    if (io->name)
        qemu_opt_add(b, MODERN_KEY("name"), io->name);
    if (io->stream_name)
        qemu_opt_add(b, MODERN_KEY("stream-name"), io->stream_name);
    modern_opt_uint(b, MODERN_KEY("latency"), io->latency);
    if (io->server_name)
        qemu_opt_add(b, MODERN_KEY("server-name"), io->server_name);
    if (io->client_name)
        qemu_opt_add(b, MODERN_KEY("client-name"), io->client_name);
    if (io->connect_ports)
        qemu_opt_add(b, MODERN_KEY("connect-ports"), io->connect_ports);
    modern_opt_tri(b, MODERN_KEY("exact-name"), io->exact_name);
    modern_opt_uint(b, MODERN_KEY("buffer-count"), io->buffer_count);
    modern_opt_tri(b, MODERN_KEY("try-poll"), io->try_poll);
#undef MODERN_KEY
}

/* -audiodev id=audioN,driver=...: one <audio> element. */
bool modern_audio(qemu_ctx *x, const ir_device *dev)
{
    const ir_audio *a = &dev->u.audio;
    if (!qemu_has(x, QEMU_CAP_AUDIODEV))
        return qemu_unsupported(x, dev->pos, "<audio> (-audiodev)");
    int k = QEMU_TABLE_FIND(modern_audio_drivers, type, a->type);
    if (k < 0)
        return qemu_unsupported(x, dev->pos, "audio type '%s'", qemu_str_or(a->type, "?"));
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "id=audio%u,driver=%s", a->id ? a->id : 1, modern_audio_drivers[k].driver);
    modern_opt_uint(&b, "timer-period", a->timer_period);
    if (a->path)
        qemu_opt_add(&b, "path", a->path);
    if (a->server_name)
        qemu_opt_add(&b, "server", a->server_name);
    modern_opt_tri(&b, "try-mmap", a->try_mmap);
    modern_opt_tri(&b, "exclusive", a->exclusive);
    if (a->has_dsp_policy)
        vc_buf_printf(&b, ",dsp-policy=%u", a->dsp_policy);
    modern_audio_io(&b, "in", &a->in);
    modern_audio_io(&b, "out", &a->out);
    qemu_arg2_take(x, "-audiodev", vc_buf_steal(&b));
    /* SDL picks its own output by environment, PipeWire finds its socket so */
    if (a->driver && vc_streq(a->type, "sdl"))
        qemu_env(x, "SDL_AUDIODRIVER", a->driver);
    if (a->runtime_dir && vc_streq(a->type, "pipewire"))
        qemu_env(x, "PIPEWIRE_RUNTIME_DIR", a->runtime_dir);
    return true;
}

/* The backend libvirt adds to a document without <audio> (placement chose
 * its driver). */
bool modern_audio_implicit(qemu_ctx *x)
{
    const char *drv = x->modern->implicit_audio;
    if (!drv)
        return true;
    if (!qemu_has(x, QEMU_CAP_AUDIODEV))
        return qemu_count_devices(x, IR_DEV_SOUND, -1) == 0 ||
               qemu_unsupported(x, x->dom->pos, "sound without -audiodev");
    qemu_arg2_take(x, "-audiodev", vc_xasprintf("id=audio1,driver=%s", drv));
    return true;
}

/* The UNIX socket a display listens on: socket= as given, or for a
 * <listen type='socket'/> without one, FILE in the domain's directory (as
 * libvirt places it); NULL for a network listen. */
static char *modern_listen_socket(qemu_ctx *x, const ir_device *dev, const char *file)
{
    const ir_graphics *g = &dev->u.graphics;
    if (g->socket)
        return vc_xstrdup(g->socket);
    char *type = modern_xml_attr(dev, "listen", "type");
    bool socket = vc_streq(type, "socket");
    free(type);
    return socket ? vc_xasprintf("%s/%s", x->modern->domdir, file) : NULL;
}

static bool modern_vnc(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    vc_buf b;
    vc_buf_init(&b);
    char *socket = modern_listen_socket(x, dev, "vnc.sock");
    if (socket) {
        vc_buf_puts(&b, "vnc=unix:");
        qemu_opt_escape(&b, socket);
        qemu_resource_add(x, socket, QEMU_RES_SOCKET, false);
        free(socket);
    } else {
        int display;
        if (!qemu_vnc_display(x, dev, &display)) {
            vc_buf_free(&b);
            return false;
        }
        qemu_vnc_addr(&b, qemu_display_listen(x, g), display);
    }
    qemu_vnc_share_opts(g, &b);
    if (g->passwd) {
        /* The password never goes on a command line (any user can read it
         * there); it is set over the monitor once QEMU runs. */
        vc_buf_puts(&b, ",password=on");
        qemu_warn(x, dev->pos, "the VNC password is not on the command line; set it over "
                  "QMP (set_password) before starting the guest");
    }
    unsigned audio = modern_audio_id(x, dev);
    if (qemu_has(x, QEMU_CAP_AUDIODEV) && audio)
        vc_buf_printf(&b, ",audiodev=audio%u", audio);
    qemu_arg2_take(x, "-vnc", vc_buf_steal(&b));
    if (g->keymap)
        qemu_arg2(x, "-k", g->keymap);
    return true;
}

static bool modern_sdl(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    qemu_sdl_env(x, g);
    qemu_arg2(x, "-display", "sdl");
    if (g->fullscreen == IR_TRI_YES)
        qemu_arg(x, "-full-screen");
    if (g->keymap)
        qemu_arg2(x, "-k", g->keymap);
    return true;
}

/* ,rendernode=PATH: the DRM node OpenGL renders on (QEMU picks one when
 * not told); the launch opens it for the guest. */
static void modern_rendernode(qemu_ctx *x, const ir_graphics *g, vc_buf *b)
{
    if (!g->gl_rendernode)
        return;
    qemu_opt_add(b, "rendernode", g->gl_rendernode);
    qemu_resource_add(x, g->gl_rendernode, QEMU_RES_CHARDEV, false);
}

/* <gl enable='yes' rendernode=>: ,gl=on[,rendernode=PATH] */
static void modern_gl_opts(qemu_ctx *x, const ir_graphics *g, vc_buf *b)
{
    vc_buf_puts(b, ",gl=on");
    modern_rendernode(x, g, b);
}

static bool modern_spice(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    if (!qemu_caps_has_option(x->caps, "spice"))
        return qemu_unsupported(x, dev->pos, "graphics type 'spice'");
    vc_buf b;
    vc_buf_init(&b);
    char *socket = modern_listen_socket(x, dev, "spice.sock");
    if (socket) {
        vc_buf_puts(&b, "unix=on");
        qemu_opt_add(&b, "addr", socket);
        qemu_resource_add(x, socket, QEMU_RES_SOCKET, false);
        free(socket);
    } else {
        vc_buf_printf(&b, "port=%d", g->autoport != IR_TRI_YES && g->port > 0 ? g->port : 5900);
        qemu_opt_add(&b, "addr", qemu_display_listen(x, g));
    }
    if (g->passwd)
        qemu_warn(x, dev->pos, "the SPICE password is not on the command line; set it over "
                  "QMP (set_password) before starting the guest");
    else
        vc_buf_puts(&b, ",disable-ticketing=on");
    if (g->gl == IR_TRI_YES)
        modern_gl_opts(x, g, &b);
    vc_buf_puts(&b, ",seamless-migration=on");
    qemu_arg2_take(x, "-spice", vc_buf_steal(&b));
    return true;
}

/* OpenGL without a window: the rendering of a virtio-gpu or vfio display
 * for the other displays (VNC, SPICE) to show. */
static bool modern_egl_headless(qemu_ctx *x, const ir_device *dev)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "egl-headless");
    modern_rendernode(x, &dev->u.graphics, &b);
    qemu_arg2_take(x, "-display", vc_buf_steal(&b));
    return true;
}

/* The D-Bus display (QEMU 7.0): on the session bus, on a bus at
 * <graphics address=>, or peer to peer (p2p='yes', clients get a socket
 * pair over QMP); OpenGL with <gl enable='yes' rendernode=>. */
static bool modern_dbus(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "dbus");
    if (g->p2p == IR_TRI_YES)
        vc_buf_puts(&b, ",p2p=on");
    if (g->bus_address)
        qemu_opt_add(&b, "addr", g->bus_address);
    if (g->gl == IR_TRI_YES)
        modern_gl_opts(x, g, &b);
    /* its sound goes over the bus when it names an <audio> */
    if (g->audio_id && qemu_has(x, QEMU_CAP_AUDIODEV))
        vc_buf_printf(&b, ",audiodev=audio%u", modern_audio_id(x, dev));
    qemu_arg2_take(x, "-display", vc_buf_steal(&b));
    return true;
}

/* QEMU has one VNC server, one SPICE server and one SDL window (a second
 * -vnc / -spice replaces the first): a second of the kind is refused, as
 * libvirt does, rather than written and lost. */
static bool modern_graphics_once(qemu_ctx *x, const ir_device *dev)
{
    ir_graphics_type t = dev->u.graphics.type;
    if (t != IR_GFX_VNC && t != IR_GFX_SPICE && t != IR_GFX_SDL)
        return true;
    for (const ir_device *d = x->dom->devices; d < dev; d++)
        if (d->kind == IR_DEV_GRAPHICS && d->u.graphics.type == t)
            return qemu_error(x, dev->pos, "only one <graphics type='%s'> per domain: QEMU "
                              "runs one", ir_graphics_type_name(t));
    return true;
}

bool modern_graphics(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    if (!modern_graphics_once(x, dev))
        return false;
    switch (g->type) {
    case IR_GFX_VNC:
        return modern_vnc(x, dev);
    case IR_GFX_SDL:
        return modern_sdl(x, dev);
    case IR_GFX_SPICE:
        return modern_spice(x, dev);
    case IR_GFX_EGL_HEADLESS:
        return modern_egl_headless(x, dev);
    case IR_GFX_DBUS:
        return modern_dbus(x, dev);
    default:
        return qemu_unsupported(x, dev->pos, "graphics type '%s'",
                                qemu_str_or(ir_graphics_type_name(g->type), "?"));
    }
}

/* virtio-gpu's other back ends: a vhost-user process serving the GPU (the
 * vhost-user-gpu helper), or virglrenderer in QEMU (3D acceleration). */
static const struct {
    const char *type;
    const char *vhost_user;
    const char *gl;
} modern_video_backends[] = {
    { "virtio-vga", "vhost-user-vga", "virtio-vga-gl" },
    { "virtio-gpu-pci", "vhost-user-gpu-pci", "virtio-gpu-gl-pci" },
};

static bool modern_is_virtio_video(const char *type)
{
    return strncmp(type, "virtio-", 7) == 0 || strncmp(type, "vhost-user-", 11) == 0;
}

/* The socket of a vhost-user GPU: a helper of the host (QEMU's
 * vhost-user-gpu) serves it; QEMU connects. libvirt starts the helper and
 * hands QEMU its end; a command line names a socket in the domain's
 * directory and the launch records it. */
static void modern_video_vhost_user(qemu_ctx *x, const ir_device *dev, const char *id,
                                    bool gl)
{
    char *sock = vc_xasprintf("%s/%s-vhost-user-gpu.sock", x->modern->domdir, id);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "socket,id=chr-vu-%s", id);
    qemu_opt_add(&b, "path", sock);
    qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
    const char *node = dev->u.video.rendernode;
    qemu_warn(x, dev->pos, "the vhost-user GPU is a process of the host: start "
              "vhost-user-gpu --socket-path=%s%s%s%s before the guest", sock,
              gl ? " --virgl" : "", node ? " --render-node=" : "", node ? node : "");
    if (node)
        qemu_resource_add(x, node, QEMU_RES_CHARDEV, false);
    free(sock);
}

/* QXL's other memories, <model ram= vram64= vgamem=> in KiB: ram_size in
 * bytes, the others in MiB. */
static void modern_qxl_sizes(qemu_ctx *x, const ir_device *dev, const char *type, vc_buf *b)
{
    static const struct { const char *attr, *prop; unsigned long long div, mul; } sizes[] = {
        { "ram", "ram_size", 1, 1024 }, { "vram64", "vram64_size_mb", 1024, 1 },
        { "vgamem", "vgamem_mb", 1024, 1 },
    };
    for (size_t k = 0; k < VC_ARRAY_SIZE(sizes); k++) {
        char *v = modern_xml_attr(dev, "model", sizes[k].attr);
        unsigned long long kib;
        /* vram64='0' (under 1 MiB, or read back from vram64_size_mb=0) is
         * written as 0: QEMU then sizes the 64-bit BAR itself */
        bool zero_ok = strcmp(sizes[k].attr, "vram64") == 0;
        if (v && vc_parse_ull(v, 10, &kib) && (kib || zero_ok) &&
            modern_has_prop(x, type, sizes[k].prop))
            vc_buf_printf(b, ",%s=%llu", sizes[k].prop, kib / sizes[k].div * sizes[k].mul);
        free(v);
    }
}

/* A video adapter; dev NULL is the one a display gets by default. */
static bool modern_video_emit(qemu_ctx *x, const ir_device *dev, const modern_slot *s)
{
    ir_pos pos = dev ? dev->pos : x->dom->pos;
    const ir_video *v = dev ? &dev->u.video : NULL;
    const char *model = v && v->model ? v->model : "cirrus";
    if (strcmp(model, "none") == 0)
        return true;
    int mi = QEMU_TABLE_FIND(modern_video_models, model, model);
    if (mi < 0)
        return qemu_unsupported(x, pos, "video model '%s'", model);
    bool primary = !dev || modern_is_primary_video(x, dev);
    const char *type = primary ? modern_video_models[mi].primary
                               : modern_video_models[mi].secondary;
    if (!type)
        return qemu_unsupported(x, pos, "video model '%s' as a secondary adapter", model);
    /* virtio-gpu has two other back ends: an external vhost-user process,
     * and 3D rendering by virglrenderer inside QEMU. */
    char *drv = dev ? modern_xml_attr(dev, "driver", "name") : NULL;
    bool vhost_user = vc_streq(drv, "vhostuser");
    bool gl = v && v->accel3d == IR_TRI_YES;
    free(drv);
    const char *base = type;
    if (vhost_user || gl) {
        int vi = QEMU_TABLE_FIND(modern_video_backends, type, type);
        if (vi < 0)
            return qemu_unsupported(x, pos, "video model '%s' with %s", model,
                                    vhost_user ? "a vhost-user driver" : "3D acceleration");
        type = vhost_user ? modern_video_backends[vi].vhost_user : modern_video_backends[vi].gl;
    }
    if (!modern_need_device(x, pos, type))
        return false;
    char *id = modern_dev_id(dev, vc_xasprintf("video%d", x->modern->nvideo++));
    if (vhost_user)
        modern_video_vhost_user(x, dev, id, gl);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=%s", type, id);
    if (vhost_user)
        vc_buf_printf(&b, ",chardev=chr-vu-%s", id);
    free(id);
    const char *vp = modern_video_models[mi].vram_prop;
    if (v && v->vram && vp && modern_has_prop(x, type, vp)) {
        /* VGA memory is a power of two of MiB, 1 to 256. */
        unsigned long long mb = 1;
        while (mb < v->vram / 1024 && mb < 256)
            mb *= 2;
        vc_buf_printf(&b, ",%s=%llu", vp, mb);
    }
    if (v && v->vram && strncmp(type, "qxl", 3) == 0 && modern_has_prop(x, type, "vram_size"))
        vc_buf_printf(&b, ",vram_size=%llu", v->vram * 1024);
    if (dev && strncmp(type, "qxl", 3) == 0)
        modern_qxl_sizes(x, dev, type, &b);
    /* the GL variants are virtio-vga / virtio-gpu-pci with virgl: their
     * properties are the base type's */
    if (v && v->heads > 0 && modern_has_prop(x, gl && !vhost_user ? base : type, "max_outputs"))
        vc_buf_printf(&b, ",max_outputs=%d", v->heads);
    if (dev && modern_is_virtio_video(type))
        modern_virtio_opts(x, dev, type, &b);
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

bool modern_video(qemu_ctx *x, const ir_device *dev)
{
    return modern_video_emit(x, dev, modern_slot_of(x, dev));
}

static bool modern_video_none(qemu_ctx *x)
{
    if (qemu_count_devices(x, IR_DEV_GRAPHICS, -1) == 0 ||
        qemu_count_devices(x, IR_DEV_VIDEO, -1) > 0)
        return true;
    return modern_video_emit(x, NULL, modern_slot_imp(x, MODERN_IMP_VIDEO, 0));
}

/* The primary adapter comes first: QEMU's firmware takes the first VGA. */
bool modern_videos(qemu_ctx *x)
{
    bool ok = true;
    if (x->modern->primary_video >= 0)
        ok = modern_video(x, &x->dom->devices[x->modern->primary_video]);
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_VIDEO && !modern_is_primary_video(x, d))
            ok = modern_video(x, d) && ok;
    }
    return modern_video_none(x) && ok;
}

/* A codec of the HDA card whose id is card: CARD-codecN on its bus CARD.0. */
static bool modern_hda_codec(qemu_ctx *x, const ir_device *dev, const char *type,
                             const char *card, int cad, unsigned audio)
{
    char *drv = vc_xasprintf("hda-%s", type);
    bool ok = modern_need_device(x, dev->pos, drv);
    if (ok)
        qemu_arg2_take(x, "-device", vc_xasprintf("%s,id=%s-codec%d,bus=%s.0,cad=%d,"
                                                  "audiodev=audio%u", drv, card, cad, card, cad,
                                                  audio));
    free(drv);
    return ok;
}

/* The codecs of an HDA card: its <codec type=> children in order, each
 * hda-TYPE at the next codec address; a card without any gets a duplex. */
static bool modern_hda_codecs(qemu_ctx *x, const ir_device *dev, const char *card,
                              unsigned audio)
{
    static const char *const types[] = { "duplex", "micro", "output" };
    xmlDocPtr doc = dev->xml ? modern_xml_parse(dev->xml) : NULL;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    int cad = 0;
    bool ok = true;
    for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, (const xmlChar *)"codec"))
            continue;
        char *type = xml_prop(c, "type");
        if (!qemu_str_in(type, types, VC_ARRAY_SIZE(types)))
            ok = qemu_unsupported(x, dev->pos, "sound codec '%s'", qemu_str_or(type, "?"));
        else
            ok = modern_hda_codec(x, dev, type, card, cad++, audio) && ok;
        free(type);
    }
    xmlFreeDoc(doc);
    return cad || !ok ? ok : modern_hda_codec(x, dev, "duplex", card, 0, audio);
}

bool modern_sound(qemu_ctx *x, const ir_device *dev)
{
    const char *model = qemu_str_or(dev->u.sound.model, "?");
    bool pci = false, hda = false;
    const char *type = modern_sound_type(model, &pci, &hda);
    int n = x->modern->nsound++;
    unsigned audio = modern_audio_id(x, dev);
    if (strcmp(model, "pcspk") == 0) {
        /* The PC speaker is the machine's; it only needs a backend. */
        qemu_arg2_take(x, "-global", vc_xasprintf("isa-pcspk.audiodev=audio%u", audio));
        return true;
    }
    if (!type)
        return qemu_unsupported(x, dev->pos, "sound model '%s'", model);
    if (!modern_need_device(x, dev->pos, type))
        return false;
    if (strcmp(type, "usb-audio") == 0 && !modern_usb_needed(x, dev, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    char *id = modern_dev_id(dev, vc_xasprintf("sound%d", n));
    vc_buf_printf(&b, "%s,id=%s", type, id);
    if (modern_has_prop(x, type, "audiodev") || strcmp(type, "usb-audio") == 0)
        vc_buf_printf(&b, ",audiodev=audio%u", audio);
    if (pci)
        modern_dev_pci(x, dev, &b);
    else if (strcmp(type, "usb-audio") == 0)
        vc_buf_puts(&b, ",bus=usb.0");
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    bool ok = !hda || modern_hda_codecs(x, dev, id, audio);
    free(id);
    return ok;
}

/* ---- host devices ------------------------------------------------------------------------ */

static bool modern_hostdev_usb(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_hostdev *h = &dev->u.hostdev;
    if (!modern_need_device(x, dev->pos, "usb-host") || !modern_usb_needed(x, dev, "usb-host"))
        return false;
    vc_buf_puts(b, "usb-host");
    qemu_usb_source src;
    if (!qemu_usb_host_source(x, dev, &src))
        return false;
    if (src.by_id)
        vc_buf_printf(b, ",vendorid=0x%.4llx,productid=0x%.4llx", src.vendor, src.product);
    else
        vc_buf_printf(b, ",hostbus=%u,hostaddr=%u", src.bus, src.device);
    vc_buf_puts(b, ",id=");
    modern_put_dev_id(b, dev, "hostdev", x->modern->nhostdev++);
    modern_usb_opts(&h->addr, b);
    return true;
}

static bool modern_hostdev_pci(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_hostdev *h = &dev->u.hostdev;
    const ir_address *a = &h->source_addr;
    if (h->driver_name && strcmp(h->driver_name, "vfio") != 0)
        return qemu_unsupported(x, dev->pos, "PCI assignment driver '%s'", h->driver_name);
    if (!modern_need_device(x, dev->pos, "vfio-pci"))
        return false;
    if (a->domain > 0xffff || a->bus > 0xff || a->slot > 0x1f || a->function > 7)
        return qemu_error(x, dev->pos, "PCI address %x:%x:%x.%x is out of range", a->domain,
                          a->bus, a->slot, a->function);
    char *sys = vc_xasprintf("%.4x:%.2x:%.2x.%x", a->domain, a->bus, a->slot, a->function);
    vc_buf_printf(b, "vfio-pci,host=%s,id=", sys);
    modern_put_dev_id(b, dev, "hostdev", x->modern->nhostdev++);
    qemu_resource_add(x, sys, QEMU_RES_PCI, false);
    qemu_resource_add(x, "/dev/vfio/vfio", QEMU_RES_CHARDEV, false);
    free(sys);
    modern_dev_pci(x, dev, b);
    return true;
}

/* A mediated device (a slice of a host GPU, NIC, ...) created in sysfs
 * beforehand, given to the guest by vfio-pci through its sysfs path. */
static bool modern_hostdev_mdev(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    char *model = modern_xml_attr(dev, "", "model");
    char *uuid = modern_xml_attr(dev, "source/address", "uuid");
    char *display = modern_xml_attr(dev, "", "display");
    char *ramfb = modern_xml_attr(dev, "", "ramfb");
    /* the boot display (ramfb) is only on the kind that cannot be unplugged */
    const char *type = vc_streq(ramfb, "on") ? "vfio-pci-nohotplug" : "vfio-pci";
    bool ok = false;
    if (!vc_streq(model, "vfio-pci"))
        qemu_unsupported(x, dev->pos, "mediated device model '%s'", qemu_str_or(model, "?"));
    else if (!uuid)
        qemu_error(x, dev->pos, "a mediated device needs <source><address uuid=/></source>");
    else if (modern_need_device(x, dev->pos, type))
        ok = true;
    if (ok) {
        /* sysfs names the device by its dashed UUID; the format takes both */
        unsigned char raw[16];
        char dashed[37];
        if (ir_uuid_parse(uuid, raw))
            ir_uuid_format(raw, dashed);
        else
            snprintf(dashed, sizeof(dashed), "%s", uuid);
        char *sys = vc_xasprintf("/sys/bus/mdev/devices/%s", dashed);
        vc_buf_printf(b, "%s,id=", type);
        modern_put_dev_id(b, dev, "hostdev", x->modern->nhostdev++);
        qemu_opt_add(b, "sysfsdev", sys);
        if (display && (vc_streq(display, "on") || vc_streq(display, "off")))
            vc_buf_printf(b, ",display=%s", display);
        if (vc_streq(ramfb, "on"))
            vc_buf_puts(b, ",ramfb=on");
        modern_dev_pci(x, dev, b);
        qemu_resource_add(x, sys, QEMU_RES_DIR, false);
        qemu_resource_add(x, "/dev/vfio/vfio", QEMU_RES_CHARDEV, false);
        free(sys);
    }
    free(model);
    free(uuid);
    free(display);
    free(ramfb);
    return ok;
}

/* A host SCSI target of the kernel's vhost-scsi (LIO) by its WWPN: QEMU
 * opens /dev/vhost-scsi itself (libvirt opens it and passes vhostfd). */
static bool modern_hostdev_vhost_scsi(qemu_ctx *x, const ir_device *dev, vc_buf *b,
                                      const char **type)
{
    char *protocol = modern_xml_attr(dev, "source", "protocol");
    char *wwpn = modern_xml_attr(dev, "source", "wwpn");
    char *model = modern_xml_attr(dev, "", "model");
    const char *vtype = modern_virtio_type("vhost-scsi-pci", model);
    bool ok = false;
    if (!vc_streq(protocol, "vhost") || !wwpn)
        qemu_error(x, dev->pos, "a scsi_host host device needs <source protocol='vhost' "
                   "wwpn=>");
    else if (!vtype)
        qemu_unsupported(x, dev->pos, "scsi_host host device model '%s'", model);
    else if (modern_need_device(x, dev->pos, vtype))
        ok = true;
    if (ok) {
        *type = vtype;
        vc_buf_puts(b, *type);
        qemu_opt_add(b, "wwpn", wwpn);
        vc_buf_puts(b, ",id=");
        modern_put_dev_id(b, dev, "hostdev", x->modern->nhostdev++);
        modern_dev_pci(x, dev, b);
        qemu_resource_add(x, "/dev/vhost-scsi", QEMU_RES_CHARDEV, false);
    }
    free(protocol);
    free(wwpn);
    free(model);
    return ok;
}

/* The block nodes of SCSI host devices follow the disks' (libvirt-N). */
static int modern_backend_node(qemu_ctx *x)
{
    int disks = 0;
    for (size_t i = 0; i < x->dom->ndevices; i++)
        if (x->modern->node[i] > disks)
            disks = x->modern->node[i];
    return disks + ++x->modern->nbackend;
}

/* A host SCSI LUN as scsi-generic on the guest's SCSI bus, where its
 * <address type='drive'> puts it. */
static bool modern_hostdev_scsi(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_hostdev *h = &dev->u.hostdev;
    const char *type = "scsi-generic";
    if (!modern_need_device(x, dev->pos, type))
        return false;
    if (h->addr.type != IR_ADDR_DRIVE && h->addr.type != IR_ADDR_NONE)
        return qemu_error(x, dev->pos, "a SCSI host device takes a drive address");
    modern_drive_addr a = { h->addr.controller, h->addr.bus, h->addr.target, h->addr.unit };
    int node = modern_backend_node(x);
    if (!modern_hostdev_scsi_backend(x, dev, node))
        return false;
    vc_buf_printf(b, "%s,drive=libvirt-%d-backend,id=", type, node);
    modern_put_dev_id(b, dev, "hostdev", x->modern->nhostdev++);
    if (modern_scsi_ctl_luns(x, a.controller))
        vc_buf_printf(b, ",bus=scsi%u.0,channel=%u,scsi-id=%u,lun=%u", a.controller, a.bus,
                      a.target, a.unit);
    else if (a.bus || a.target)
        return qemu_unsupported(x, dev->pos, "SCSI host device on bus %u target %u of an LSI "
                                "controller", a.bus, a.target);
    else
        vc_buf_printf(b, ",bus=scsi%u.0,scsi-id=%u", a.controller, a.unit);
    return true;
}

bool modern_hostdev(qemu_ctx *x, const ir_device *dev)
{
    const ir_hostdev *h = &dev->u.hostdev;
    if (!qemu_hostdev_mode_ok(x, dev))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    bool ok;
    const char *type = "usb-host";
    switch (h->type) {
    case IR_HOSTDEV_USB:
        ok = modern_hostdev_usb(x, dev, &b);
        break;
    case IR_HOSTDEV_PCI:
        type = "vfio-pci";
        ok = modern_hostdev_pci(x, dev, &b);
        break;
    case IR_HOSTDEV_SCSI:
        type = "scsi-generic";
        ok = modern_hostdev_scsi(x, dev, &b);
        break;
    case IR_HOSTDEV_MDEV:
        type = "vfio-pci";
        ok = modern_hostdev_mdev(x, dev, &b);
        break;
    case IR_HOSTDEV_SCSI_HOST:
        ok = modern_hostdev_vhost_scsi(x, dev, &b, &type);
        break;
    default:
        ok = qemu_unsupported(x, dev->pos, "host device type '%s'",
                              qemu_str_or(ir_hostdev_type_name(h->type), "?"));
    }
    int bi = x->modern->bootindex[modern_devidx(x, dev)];
    if (ok && bi && modern_has_prop(x, type, "bootindex"))
        vc_buf_printf(&b, ",bootindex=%d", bi);
    if (ok)
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    else
        vc_buf_free(&b);
    return ok;
}

/* ---- watchdog, balloon, rng ------------------------------------------------------------ */

bool modern_watchdog(qemu_ctx *x, const ir_device *dev)
{
    const ir_watchdog *w = &dev->u.watchdog;
    const char *model = qemu_str_or(w->model, "?");
    bool ok = true;
    if (strcmp(model, "i6300esb") == 0 || strcmp(model, "ib700") == 0) {
        if (!modern_need_device(x, dev->pos, model))
            return false;
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "%s,id=", model);
        modern_put_dev_id(&b, dev, "watchdog", 0);
        modern_dev_pci(x, dev, &b);
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    } else if (strcmp(model, "itco") == 0) {
        if (!x->modern->q35)
            return qemu_unsupported(x, dev->pos, "watchdog 'itco' on machine '%s'",
                                    qemu_str_or(x->modern->machine, "?"));
        qemu_arg2(x, "-global", "ICH9-LPC.noreboot=off");
    } else {
        return qemu_unsupported(x, dev->pos, "watchdog '%s'", model);
    }
    if (w->action) {
        const char *act = w->action;
        if (strcmp(act, "dump") == 0) {
            qemu_warn(x, dev->pos, "watchdog action 'dump' needs a management tool; the "
                      "guest is paused instead");
            act = "pause";
        }
        if (!qemu_str_in(act, modern_watchdog_actions, VC_ARRAY_SIZE(modern_watchdog_actions)))
            ok = qemu_unsupported(x, dev->pos, "watchdog action '%s'", act);
        else
            qemu_arg2(x, "-watchdog-action", act);
    }
    return ok;
}

static bool modern_balloon_emit(qemu_ctx *x, const ir_device *dev, const modern_slot *s)
{
    const char *type = modern_virtio_type("virtio-balloon-pci",
                                          dev ? dev->u.memballoon.model : NULL);
    if (!modern_need_device(x, dev ? dev->pos : x->dom->pos, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=", type);
    modern_put_dev_id(&b, dev, "balloon", 0);
    if (dev)
        modern_virtio_opts(x, dev, type, &b);
    bool ok = modern_device_props(x, dev, type, &b);
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return ok;
}

bool modern_memballoon(qemu_ctx *x, const ir_device *dev)
{
    const char *model = dev->u.memballoon.model;
    if (!model || strcmp(model, "none") == 0)
        return true;
    if (!modern_virtio_type("virtio-balloon-pci", model))
        return qemu_unsupported(x, dev->pos, "memory balloon '%s'", model);
    return modern_balloon_emit(x, dev, modern_slot_of(x, dev));
}

/* libvirt gives a guest without <memballoon> a virtio one. */
bool modern_memballoon_none(qemu_ctx *x)
{
    const modern_slot *s = modern_slot_imp(x, MODERN_IMP_BALLOON, 0);
    return !s || modern_balloon_emit(x, NULL, s);
}

bool modern_rng(qemu_ctx *x, const ir_device *dev)
{
    const ir_rng *r = &dev->u.rng;
    const char *type = modern_virtio_type("virtio-rng-pci", r->model);
    if (!type)
        return qemu_unsupported(x, dev->pos, "rng model '%s'", r->model);
    if (!modern_need_device(x, dev->pos, type))
        return false;
    char *id = modern_dev_id(dev, vc_xasprintf("rng%d", x->modern->nrng++));
    const char *backend = qemu_str_or(r->backend_model, "random");
    vc_buf b;
    vc_buf_init(&b);
    if (strcmp(backend, "random") == 0) {
        const char *path = qemu_str_or(r->backend_path, "/dev/urandom");
        vc_buf_printf(&b, "rng-random,id=obj%s", id);
        qemu_opt_add(&b, "filename", path);
        qemu_resource_add(x, path, QEMU_RES_CHARDEV, true);
    } else if (strcmp(backend, "builtin") == 0) {
        vc_buf_printf(&b, "rng-builtin,id=obj%s", id);
    } else {
        vc_buf_free(&b);
        free(id);
        return qemu_unsupported(x, dev->pos, "rng backend '%s'", backend);
    }
    qemu_arg2_take(x, "-object", vc_buf_steal(&b));
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,rng=obj%s,id=%s", type, id, id);
    free(id);
    modern_virtio_opts(x, dev, type, &b);
    bool ok = modern_device_props(x, dev, type, &b);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return ok;
}


/* ---- elements kept verbatim ------------------------------------------------------------ */

bool modern_other(qemu_ctx *x, const ir_device *dev)
{
    /* <redirfilter> is the usb-redir devices' filter= (placement) */
    if (dev->kind == IR_DEV_OTHER && x->modern->redir_filter &&
        strncmp(dev->u.other.xml, "<redirfilter", 12) == 0)
        return true;
    return qemu_other(x, dev);
}
