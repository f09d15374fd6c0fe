/*
 * sxpr_write.c: IR -> xen-sxpr (domxml-to-native xen-sxpr).
 *
 * Builds the (vm ...) tree a XenD client sends, in the layout of the XenD
 * protocol version asked for (sxpr.h), and writes it on one line as
 * libvirt did. What the format cannot say is a warning naming it; the
 * devices libvirt's Xen driver implies (the paravirtual console, the
 * console on the first serial port, a framebuffer's mouse and keyboard)
 * are not written, because reading them back implies them again. Keys the
 * reader kept in <metadata> go back where they came from.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sxpr_priv.h"

typedef struct sw_ctx {
    const ir_domain *dom;
    int version;
    bool hvm;
    const char *file;
    vc_diags *d;
    sexpr_node *root;
    sexpr_node *image;         /* the body of (image (linux|hvm ...)), or NULL */
    sexpr_node **vifs;         /* the bodies of the (vif ...) written, in order */
    size_t nvifs, capvifs;
    sexpr_node *pci;           /* the body of (pci ...) */
    sexpr_node *vfb;
} sw_ctx;

static ir_pos sw_nopos(void)
{
    return (ir_pos){ 0, 0 };
}

/* (head) appended to parent; returns it. */
static sexpr_node *sw_list(sexpr_node *parent, const char *head)
{
    sexpr_node *l = sexpr_list_new(sw_nopos());
    sexpr_append(l, sexpr_atom_new(head, strlen(head), false, sw_nopos()));
    sexpr_append(parent, l);
    return l;
}

/* (key 'value'), quoted as libvirt quoted it; nothing when value is NULL. */
static void sw_kv(sexpr_node *parent, const char *key, const char *value, bool quoted)
{
    if (!value || !parent)
        return;
    sexpr_node *l = sw_list(parent, key);
    sexpr_append(l, sexpr_atom_new(value, strlen(value), quoted, sw_nopos()));
}

static void sw_kvf(sexpr_node *parent, const char *key, bool quoted, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void sw_kvf(sexpr_node *parent, const char *key, bool quoted, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = vc_xvasprintf(fmt, ap);
    va_end(ap);
    sw_kv(parent, key, v, quoted);
    free(v);
}

static void sw_warn(sw_ctx *c, ir_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void sw_warn(sw_ctx *c, ir_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = vc_xvasprintf(fmt, ap);
    va_end(ap);
    vc_warn_at(c->d, (vc_loc){ c->file, pos.line, pos.column }, "xen-sxpr cannot express %s",
               m);
    free(m);
}

/* ---- the domain's own keys ---------------------------------------------- */

static void sw_memory(sw_ctx *c)
{
    const ir_domain *dom = c->dom;
    unsigned long long max = dom->memory_kib;
    unsigned long long cur = dom->current_memory_kib ? dom->current_memory_kib : max;
    if (max % 1024 || cur % 1024)
        sw_warn(c, dom->pos, "memory in KiB that is not whole MiB: rounded down to MiB");
    sw_kvf(c->root, "memory", false, "%llu", cur >> 10);
    sw_kvf(c->root, "maxmem", false, "%llu", max >> 10);
    sw_kvf(c->root, "vcpus", false, "%u", dom->vcpus ? dom->vcpus : 1);
    if (dom->vcpus_current && dom->vcpus_current < dom->vcpus) {
        if (dom->vcpus_current >= 64)
            sw_warn(c, dom->pos, "more than 63 vCPUs online at boot (vcpu_avail is a 64-bit mask)");
        else
            sw_kvf(c->root, "vcpu_avail", false, "%llu", (1ULL << dom->vcpus_current) - 1);
    }
    sw_kv(c->root, "cpus", dom->cpuset, true);
}

static void sw_lifecycle(sw_ctx *c)
{
    sw_kv(c->root, "on_poweroff", ir_lifecycle_name(c->dom->on_poweroff), true);
    sw_kv(c->root, "on_reboot", ir_lifecycle_name(c->dom->on_reboot), true);
    sw_kv(c->root, "on_crash", ir_lifecycle_name(c->dom->on_crash), true);
}

/* What the domain says that XenD's document has no key for. */
static void sw_domain_unsaid(sw_ctx *c)
{
    const ir_domain *dom = c->dom;
    if (dom->type != IR_VIRT_XEN)
        sw_warn(c, dom->pos, "a domain of type '%s' (written as a Xen guest)",
                ir_virt_type_name(dom->type));
    if (dom->title)
        sw_warn(c, dom->pos, "<title>");
    if (dom->description)
        sw_warn(c, dom->pos, "<description>");
    if (dom->cpu_mode || dom->cpu_model || dom->topology.sockets || dom->topology.cores ||
        dom->topology.threads)
        sw_warn(c, dom->pos, "<cpu>");
    if (dom->max_memory_kib)
        sw_warn(c, dom->pos, "<maxMemory>");
    if (dom->qemu_cmdline)
        sw_warn(c, dom->qemu_cmdline->pos, "<qemu:commandline>");
    for (size_t i = 0; i < dom->extra.n; i++)
        sw_warn(c, dom->extra.v[i].pos, "an element it does not know: %.60s",
                dom->extra.v[i].xml);
    if (dom->os.arch)
        sw_warn(c, dom->os.pos, "<type arch='%s'> (XenD takes it from the kernel)",
                dom->os.arch);
    if (dom->os.machine)
        sw_warn(c, dom->os.pos, "<type machine='%s'>", dom->os.machine);
    if (dom->os.nvram || dom->os.dtb || dom->os.bootmenu)
        sw_warn(c, dom->os.pos, "<nvram>, <dtb> or <bootmenu>");
    if (!c->hvm && dom->os.loader)
        sw_warn(c, dom->os.pos, "<loader> for a paravirtual guest");
    if (!c->hvm && dom->os.nboot)
        sw_warn(c, dom->os.pos, "<boot> for a paravirtual guest");
}

/* ---- the image ------------------------------------------------------------ */

/* hvm: acpi, apic, pae, hap and viridian are keys; nothing else is. */
static void sw_features(sw_ctx *c)
{
    static const char *const keys[] = { "acpi", "apic", "pae", "hap", "viridian" };
    for (size_t i = 0; i < c->dom->nfeatures; i++) {
        const ir_feature *f = &c->dom->features[i];
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(keys) && strcmp(keys[k], f->name) != 0)
            k++;
        if (k == VC_ARRAY_SIZE(keys) || !c->hvm) {
            sw_warn(c, c->dom->pos, "the feature <%s/>%s", f->name,
                    c->hvm ? "" : " for a paravirtual guest");
            continue;
        }
        sw_kv(c->image, f->name, vc_streq(f->state, "off") ? "0" : "1", false);
    }
}

static void sw_boot(sw_ctx *c)
{
    static const char letters[IR_BOOT_LAST] = {
        [IR_BOOT_FD] = 'a', [IR_BOOT_HD] = 'c', [IR_BOOT_CDROM] = 'd', [IR_BOOT_NETWORK] = 'n',
    };
    char boot[IR_BOOT_LAST + 1] = "";
    size_t n = 0;
    for (size_t i = 0; i < c->dom->os.nboot && n < IR_BOOT_LAST; i++)
        if (letters[c->dom->os.boot[i]])
            boot[n++] = letters[c->dom->os.boot[i]];
    boot[n] = '\0';
    sw_kv(c->image, "boot", n ? boot : NULL, false);
}

/* hpet is a key; the other timers are not. */
static void sw_timers(sw_ctx *c)
{
    for (size_t i = 0; i < c->dom->clock.timers.n; i++) {
        const ir_fragment *t = &c->dom->clock.timers.v[i];
        bool hpet = strstr(t->xml, "name='hpet'") || strstr(t->xml, "name=\"hpet\"");
        bool no = strstr(t->xml, "present='no'") || strstr(t->xml, "present=\"no\"");
        if (hpet && c->hvm)
            sw_kv(c->image, "hpet", no ? "0" : "1", false);
        else
            sw_warn(c, t->pos, "the timer %s", t->xml);
    }
}

/* The clock: (localtime 0|1) at the top (and, from version 4, in the HVM
 * image with rtc_timeoffset); a variable clock is rtc_timeoffset seconds
 * from its basis. */
static void sw_clock(sw_ctx *c, sexpr_node *where, bool with_offset)
{
    const ir_clock *clk = &c->dom->clock;
    bool lt = clk->offset == IR_CLOCK_LOCALTIME ||
              (clk->offset == IR_CLOCK_VARIABLE && vc_streq(clk->basis, "localtime"));
    if (with_offset || clk->offset == IR_CLOCK_VARIABLE)
        sw_kv(where, "rtc_timeoffset",
              clk->offset == IR_CLOCK_VARIABLE && clk->adjustment ? clk->adjustment : "0", false);
    sw_kv(where, "localtime", lt ? "1" : "0", false);
}

static void sw_clock_unsaid(sw_ctx *c)
{
    const ir_clock *clk = &c->dom->clock;
    if (clk->offset == IR_CLOCK_TIMEZONE || clk->offset == IR_CLOCK_ABSOLUTE)
        sw_warn(c, clk->pos, "<clock offset='%s'>", ir_clock_offset_name(clk->offset));
    if (clk->offset == IR_CLOCK_VARIABLE && !c->hvm)
        sw_warn(c, clk->pos, "<clock offset='variable'> for a paravirtual guest");
}

static void sw_gfx_old(sw_ctx *c, sexpr_node *where, const ir_graphics *g);

static const ir_device *sw_first(const sw_ctx *c, ir_device_kind kind)
{
    for (size_t i = 0; i < c->dom->ndevices; i++)
        if (c->dom->devices[i].kind == kind)
            return &c->dom->devices[i];
    return NULL;
}

/* Paravirtual framebuffers moved out of the image in XenD 3.0.4 (3). */
static bool sw_gfx_in_image(const sw_ctx *c)
{
    return c->hvm || c->version < 3;
}

static void sw_image(sw_ctx *c)
{
    const ir_os *os = &c->dom->os;
    const ir_device *gfx = sw_first(c, IR_DEV_GRAPHICS);
    if (!c->hvm && !os->kernel && !os->initrd && !os->cmdline &&
        !(gfx && sw_gfx_in_image(c)))
        return;
    sexpr_node *image = sw_list(c->root, "image");
    c->image = sw_list(image, c->hvm ? "hvm" : "linux");
    if (c->hvm && !os->kernel)
        sw_kv(c->image, "kernel", os->loader, true);
    else
        sw_kv(c->image, "kernel", os->kernel, true);
    sw_kv(c->image, "ramdisk", os->initrd, true);
    sw_kv(c->image, "args", os->cmdline, true);
    if (!c->hvm)
        return;
    if (os->kernel)
        sw_kv(c->image, "loader", os->loader, true);
    sw_kvf(c->image, "vcpus", false, "%u", c->dom->vcpus ? c->dom->vcpus : 1);
    sw_boot(c);
}

/* ---- devices ----------------------------------------------------------------- */

static const char *sw_uname_prefix(sw_ctx *c, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    const char *drv = disk->driver_name;
    if (vc_streq(drv, "tap") || vc_streq(drv, "tap2") || vc_streq(drv, "phy") ||
        vc_streq(drv, "file"))
        return drv;
    if (drv)
        sw_warn(c, dev->pos, "the disk driver '%s' (disk %s written for XenD's own backend)",
                drv, disk->target_dev);
    return disk->type == IR_DISK_TYPE_BLOCK ? "phy" : "file";
}

/* The (dev ...) of a disk: HVM disks are emulated ("ioemu:" in XenD
 * 3.0.2, ":disk"/":cdrom" after it). */
static char *sw_vbd_dev(const sw_ctx *c, const ir_disk *disk)
{
    bool cdrom = disk->device == IR_DISK_DEV_CDROM;
    if (c->hvm && c->version < 2)
        return vc_xasprintf("ioemu:%s%s", disk->target_dev, cdrom ? ":cdrom" : "");
    if (c->hvm)
        return vc_xasprintf("%s:%s", disk->target_dev, cdrom ? "cdrom" : "disk");
    return vc_xasprintf("%s%s", disk->target_dev, cdrom ? ":cdrom" : "");
}

static bool sw_disk_unsaid(sw_ctx *c, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    if (disk->type != IR_DISK_TYPE_FILE && disk->type != IR_DISK_TYPE_BLOCK) {
        sw_warn(c, dev->pos, "a disk of type '%s' (disk %s not written)",
                ir_disk_type_name(disk->type), disk->target_dev);
        return true;
    }
    if (disk->driver_cache || disk->driver_io || disk->serial || disk->encryption ||
        disk->transient || disk->boot_order || disk->addr.type)
        sw_warn(c, dev->pos, "the driver cache/io, serial, encryption, transient, boot order "
                "or address of disk %s", disk->target_dev);
    if (disk->target_bus && disk->target_bus != ir_disk_bus_from_target(disk->target_dev))
        sw_warn(c, dev->pos, "bus '%s' for disk %s (XenD derives it from the name)",
                ir_disk_bus_name(disk->target_bus), disk->target_dev);
    return false;
}

static void sw_disk(sw_ctx *c, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    if (sw_disk_unsaid(c, dev))
        return;
    bool cdrom = disk->device == IR_DISK_DEV_CDROM;
    /* XenD 3.0.2 knew the HVM cdrom and floppies as image keys */
    if (c->hvm && c->image && disk->source &&
        ((cdrom && c->version < 2 && vc_streq(disk->target_dev, "hdc")) ||
         (disk->device == IR_DISK_DEV_FLOPPY &&
          (vc_streq(disk->target_dev, "fda") || vc_streq(disk->target_dev, "fdb"))))) {
        sw_kv(c->image, cdrom ? "cdrom" : disk->target_dev, disk->source, true);
        return;
    }
    const char *prefix = sw_uname_prefix(c, dev);
    bool tap = vc_str_has_prefix(prefix, "tap");
    const char *kind = vc_streq(prefix, "tap") ? "tap" : vc_streq(prefix, "tap2") ? "tap2" : "vbd";
    sexpr_node *body = sw_list(sw_list(c->root, "device"), kind);
    char *name = sw_vbd_dev(c, disk);
    sw_kv(body, "dev", name, true);
    free(name);
    if (disk->source && tap)
        sw_kvf(body, "uname", true, "%s:%s:%s", prefix,
               disk->driver_type ? disk->driver_type : "aio", disk->source);
    else if (disk->source)
        sw_kvf(body, "uname", true, "%s:%s", prefix, disk->source);
    if (!tap && disk->driver_type && !vc_streq(disk->driver_type, "raw"))
        sw_warn(c, dev->pos, "the image format '%s' of disk %s without tap", disk->driver_type,
                disk->target_dev);
    sw_kv(body, "mode", disk->readonly || cdrom ? "r" : disk->shareable ? "w!" : "w", true);
}

/* Interface names XenD makes itself (vifD.N) are not asked for. */
static bool sw_auto_vifname(const char *name)
{
    unsigned a, b;
    int n = 0;
    return name && sscanf(name, "vif%u.%u%n", &a, &b, &n) == 2 && name[n] == '\0';
}

static void sw_net(sw_ctx *c, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    if (net->type != IR_NET_BRIDGE && net->type != IR_NET_ETHERNET) {
        sw_warn(c, dev->pos, "an interface of type '%s' (not written)",
                ir_net_type_name(net->type));
        return;
    }
    sexpr_node *body = sw_list(sw_list(c->root, "device"), "vif");
    vc_xgrow((void **)&c->vifs, &c->capvifs, c->nvifs + 1, sizeof(*c->vifs));
    c->vifs[c->nvifs++] = body;
    sw_kv(body, "mac", net->mac, true);
    sw_kv(body, "bridge", net->type == IR_NET_BRIDGE ? net->source_bridge : NULL, true);
    sw_kv(body, "script", net->script, true);
    sw_kv(body, "ip", net->ip_address, true);
    if (!sw_auto_vifname(net->target_dev))
        sw_kv(body, "vifname", net->target_dev, true);
    if (c->hvm && vc_streq(net->model, "netfront")) {
        sw_kv(body, "type", "netfront", false);
    } else if (c->hvm) {
        sw_kv(body, "model", net->model, true);
        sw_kv(body, "type", "ioemu", false);
    } else {
        sw_kv(body, "model", net->model, true);
    }
    if (net->source_dev || net->driver_name || net->boot_order || net->addr.type ||
        net->local_address)
        sw_warn(c, dev->pos, "the source device, driver, boot order or address of "
                "interface %s", net->mac ? net->mac : "");
}

static void sw_hostdev(sw_ctx *c, const ir_device *dev)
{
    const ir_hostdev *h = &dev->u.hostdev;
    if (h->type != IR_HOSTDEV_PCI) {
        sw_warn(c, dev->pos, "a <hostdev> of type '%s'", ir_hostdev_type_name(h->type));
        return;
    }
    if (!c->pci) {
        c->pci = sw_list(sw_list(c->root, "device"), "pci");
    }
    sexpr_node *d = sw_list(c->pci, "dev");
    const ir_address *a = &h->source_addr;
    sw_kvf(d, "domain", false, "0x%04x", a->domain);
    sw_kvf(d, "bus", false, "0x%02x", a->bus);
    sw_kvf(d, "slot", false, "0x%02x", a->slot);
    sw_kvf(d, "func", false, "0x%x", a->function);
}

/* The VNC display: "pick one" or a port from 5900. */
static bool sw_vnc_display(sw_ctx *c, const ir_graphics *g, sexpr_node *where)
{
    if (g->port == -1 || g->port == 0 || g->autoport == IR_TRI_YES) {
        sw_kv(where, "vncunused", "1", false);
        return true;
    }
    if (g->port < 5900) {
        sw_warn(c, (ir_pos){ 0, 0 }, "VNC port %d (XenD counts displays from 5900)", g->port);
        return false;
    }
    sw_kv(where, "vncunused", "0", false);
    sw_kvf(where, "vncdisplay", false, "%d", g->port - 5900);
    return true;
}

/* The keys inside the image (before XenD 3.0.4 for PV, always for HVM). */
static void sw_gfx_old(sw_ctx *c, sexpr_node *where, const ir_graphics *g)
{
    if (g->type == IR_GFX_SDL) {
        sw_kv(where, "sdl", "1", false);
        sw_kv(where, "display", g->display, true);
        sw_kv(where, "xauthority", g->xauth, true);
        return;
    }
    sw_kv(where, "vnc", "1", false);
    /* XenD 3.0.2 took nothing but (vnc 1): the display was the domain id */
    if (c->version < 2)
        return;
    sw_vnc_display(c, g, where);
    sw_kv(where, "vnclisten", g->listen, true);
    sw_kv(where, "vncpasswd", g->passwd, true);
    sw_kv(where, "keymap", g->keymap, true);
}

static void sw_gfx_new(sw_ctx *c, const ir_graphics *g)
{
    sw_list(sw_list(c->root, "device"), "vkbd");
    sexpr_node *body = sw_list(sw_list(c->root, "device"), "vfb");
    c->vfb = body;
    if (g->type == IR_GFX_SDL) {
        sw_kv(body, "type", "sdl", false);
        sw_kv(body, "display", g->display, true);
        sw_kv(body, "xauthority", g->xauth, true);
        return;
    }
    sw_kv(body, "type", "vnc", false);
    sw_vnc_display(c, g, body);
    sw_kv(body, "vnclisten", g->listen, true);
    sw_kv(body, "vncpasswd", g->passwd, true);
    sw_kv(body, "keymap", g->keymap, true);
}

static void sw_graphics(sw_ctx *c)
{
    bool done = false;
    for (size_t i = 0; i < c->dom->ndevices; i++) {
        const ir_device *dev = &c->dom->devices[i];
        if (dev->kind != IR_DEV_GRAPHICS)
            continue;
        const ir_graphics *g = &dev->u.graphics;
        if (done || (g->type != IR_GFX_VNC && g->type != IR_GFX_SDL)) {
            sw_warn(c, dev->pos, "%s <graphics type='%s'>", done ? "a second" : "",
                    ir_graphics_type_name(g->type));
            continue;
        }
        if (g->socket || g->fullscreen)
            sw_warn(c, dev->pos, "a VNC socket or SDL fullscreen");
        done = true;
        if (sw_gfx_in_image(c))
            sw_gfx_old(c, c->image, g);
        else
            sw_gfx_new(c, g);
    }
}

/* A serial port, or a console mirroring the first one (HVM), or the
 * paravirtual console: the last two are implied. */
static bool sw_console_implied(const sw_ctx *c, const ir_chr *chr)
{
    if (!c->hvm)
        return chr->type == IR_CHR_PTY &&
               (!chr->target_type || vc_streq(chr->target_type, "xen")) &&
               chr->target_port <= 0;
    return !chr->target_type || vc_streq(chr->target_type, "serial");
}

/* (serial SPEC) for one port 0; (serial (SPEC|none ...)) otherwise. */
static void sw_chardevs(sw_ctx *c, ir_chr_kind kind, const char *key)
{
    const ir_chr *ports[16] = { 0 };
    size_t n = 0;
    for (size_t i = 0; i < c->dom->ndevices; i++) {
        const ir_device *dev = &c->dom->devices[i];
        if (dev->kind != IR_DEV_CHR || dev->u.chr.kind != kind)
            continue;
        int port = dev->u.chr.target_port >= 0 ? dev->u.chr.target_port : (int)n;
        if (!c->hvm || port >= (int)VC_ARRAY_SIZE(ports) || ports[port]) {
            sw_warn(c, dev->pos, "<%s> port %d%s", key, port,
                    c->hvm ? "" : " for a paravirtual guest");
            continue;
        }
        ports[port] = &dev->u.chr;
        if ((size_t)port + 1 > n)
            n = (size_t)port + 1;
    }
    if (!c->hvm)
        return;
    char **specs = vc_xcalloc(n + 1, sizeof(*specs));
    for (size_t i = 0; i < n; i++) {
        const char *why;
        specs[i] = ports[i] ? xen_sxpr_chr_format(ports[i], &why) : NULL;
        if (ports[i] && !specs[i])
            sw_warn(c, (ir_pos){ 0, 0 }, "<%s> port %zu: %s", key, i, why);
    }
    if (n <= 1) {
        sw_kv(c->image, key, n && specs[0] ? specs[0] : "none", false);
    } else {
        sexpr_node *v = sexpr_list_new(sw_nopos());
        for (size_t i = 0; i < n; i++) {
            const char *s = specs[i] ? specs[i] : "none";
            sexpr_append(v, sexpr_atom_new(s, strlen(s), false, sw_nopos()));
        }
        sexpr_append(sw_list(c->image, key), v);
    }
    for (size_t i = 0; i < n; i++)
        free(specs[i]);
    free(specs);
}

/* usb inputs are (usbdevice X); the ps2 (HVM) or xen (PV) mouse and
 * keyboard come with the framebuffer. */
static void sw_inputs(sw_ctx *c)
{
    bool usb = false;
    for (size_t i = 0; i < c->dom->ndevices; i++) {
        const ir_device *dev = &c->dom->devices[i];
        if (dev->kind != IR_DEV_INPUT)
            continue;
        const ir_input *in = &dev->u.input;
        if (vc_streq(in->bus, c->hvm ? "ps2" : "xen") &&
            (vc_streq(in->type, "mouse") || vc_streq(in->type, "keyboard")))
            continue;
        if (c->hvm && vc_streq(in->bus, "usb") && !usb &&
            (vc_streq(in->type, "mouse") || vc_streq(in->type, "tablet") ||
             vc_streq(in->type, "keyboard"))) {
            sw_kv(c->image, "usbdevice", in->type, false);
            usb = true;
            continue;
        }
        sw_warn(c, dev->pos, "<input type='%s' bus='%s'>", in->type ? in->type : "",
                in->bus ? in->bus : "");
    }
}

static void sw_sound(sw_ctx *c)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < c->dom->ndevices; i++) {
        const ir_device *dev = &c->dom->devices[i];
        if (dev->kind != IR_DEV_SOUND)
            continue;
        if (!c->hvm || !dev->u.sound.model) {
            sw_warn(c, dev->pos, "<sound>%s", c->hvm ? " without a model" : " for a paravirtual guest");
            continue;
        }
        vc_buf_printf(&b, "%s%s", b.len ? "," : "", dev->u.sound.model);
    }
    if (b.len)
        sw_kv(c->image, "soundhw", vc_buf_str(&b), true);
    vc_buf_free(&b);
}

/* Devices with no key that XenD implies are fine; others are warned about. */
static void sw_other_devices(sw_ctx *c)
{
    for (size_t i = 0; i < c->dom->ndevices; i++) {
        const ir_device *dev = &c->dom->devices[i];
        switch (dev->kind) {
        case IR_DEV_CONTROLLER:
            if (!vc_streq(dev->u.controller.type, "ide") &&
                !vc_streq(dev->u.controller.type, "usb") &&
                !vc_streq(dev->u.controller.type, "xenbus"))
                sw_warn(c, dev->pos, "<controller type='%s'>", dev->u.controller.type);
            break;
        case IR_DEV_VIDEO:
            if (c->hvm && vc_streq(dev->u.video.model, "vga"))
                sw_kv(c->image, "stdvga", "1", false);
            else if (!vc_streq(dev->u.video.model, c->hvm ? "cirrus" : "xen"))
                sw_warn(c, dev->pos, "<video> model '%s'", dev->u.video.model);
            break;
        case IR_DEV_MEMBALLOON:
            if (!vc_streq(dev->u.memballoon.model, "xen"))
                sw_warn(c, dev->pos, "<memballoon model='%s'>", dev->u.memballoon.model);
            break;
        case IR_DEV_CHR:
            if (dev->u.chr.kind == IR_CHRDEV_CONSOLE && !sw_console_implied(c, &dev->u.chr))
                sw_warn(c, dev->pos, "this <console>");
            else if (dev->u.chr.kind == IR_CHRDEV_CHANNEL)
                sw_warn(c, dev->pos, "<channel>");
            break;
        case IR_DEV_FILESYSTEM:
        case IR_DEV_WATCHDOG:
        case IR_DEV_RNG:
        case IR_DEV_OTHER:
            sw_warn(c, dev->pos, "the device <%s>",
                    dev->kind == IR_DEV_FILESYSTEM ? "filesystem" :
                    dev->kind == IR_DEV_WATCHDOG ? "watchdog" :
                    dev->kind == IR_DEV_RNG ? "rng" : "(unmodelled)");
            break;
        default:
            break;
        }
    }
}

/* ---- keys kept by the reader ---------------------------------------------- */

static sexpr_node *sw_kept_parent(sw_ctx *c, const char *path)
{
    unsigned n;
    if (!*path || strcmp(path, "device") == 0)
        return c->root;
    if (strcmp(path, "image/hvm") == 0 || strcmp(path, "image/linux") == 0)
        return c->image && vc_streq(path + 6, c->hvm ? "hvm" : "linux") ? c->image : NULL;
    if (strcmp(path, "pci") == 0)
        return c->pci;
    if (strcmp(path, "vfb") == 0)
        return c->vfb;
    if (sscanf(path, "vif/%u", &n) == 1 && n < c->nvifs)
        return c->vifs[n];
    return NULL;
}

static void sw_kept_one(sw_ctx *c, xmlNodePtr el)
{
    xmlChar *path = xmlGetProp(el, (const xmlChar *)"path");
    xmlChar *text = xmlNodeGetContent(el);
    vc_diags tmp;
    vc_diags_init(&tmp);
    sexpr_node *kv = text ? sexpr_parse((const char *)text, strlen((const char *)text),
                                        c->file, &tmp) : NULL;
    sexpr_node *parent = sw_kept_parent(c, path ? (const char *)path : "");
    if (kv && parent)
        sexpr_append(parent, kv);
    else {
        vc_warn_at(c->d, (vc_loc){ c->file, xmlGetLineNo(el), 0 },
                   "kept xen-sxpr key '%s' at '%s' has no place in this document: not written",
                   text ? (const char *)text : "", path ? (const char *)path : "");
        sexpr_free(kv);
    }
    vc_diags_free(&tmp);
    xmlFree(path);
    xmlFree(text);
}

static void sw_kept(sw_ctx *c)
{
    const char *md = c->dom->metadata;
    if (!md || !strstr(md, XEN_SXPR_NS))
        return;
    xmlDocPtr doc = xmlReadMemory(md, (int)strlen(md), "metadata.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr el = root ? root->children : NULL; el; el = el->next)
        if (el->type == XML_ELEMENT_NODE && el->ns &&
            xmlStrEqual(el->ns->href, (const xmlChar *)XEN_SXPR_NS) &&
            xmlStrEqual(el->name, (const xmlChar *)"key"))
            sw_kept_one(c, el);
    xmlFreeDoc(doc);
}

/* ---- the document ----------------------------------------------------------- */

static void sw_devices(sw_ctx *c)
{
    for (size_t i = 0; i < c->dom->ndevices; i++)
        if (c->dom->devices[i].kind == IR_DEV_DISK)
            sw_disk(c, &c->dom->devices[i]);
    for (size_t i = 0; i < c->dom->ndevices; i++)
        if (c->dom->devices[i].kind == IR_DEV_INTERFACE)
            sw_net(c, &c->dom->devices[i]);
    for (size_t i = 0; i < c->dom->ndevices; i++)
        if (c->dom->devices[i].kind == IR_DEV_HOSTDEV)
            sw_hostdev(c, &c->dom->devices[i]);
}

char *xen_sxpr_from_domain(const ir_domain *dom, int version, const char *file, vc_diags *d)
{
    sw_ctx c = { .dom = dom, .version = version ? version : XEN_SXPR_VERSION_DEFAULT,
                 .file = file, .d = d };
    c.hvm = vc_streq(dom->os.type, "hvm");
    if (!c.hvm && dom->os.type && !vc_streq(dom->os.type, "linux") &&
        !vc_streq(dom->os.type, "xen")) {
        vc_error_at(d, (vc_loc){ file, dom->os.pos.line, dom->os.pos.column },
                    "xen-sxpr: an <os> of type '%s' is neither hvm nor linux (xen)",
                    dom->os.type);
        return NULL;
    }
    if (!dom->name) {
        vc_error_at(d, (vc_loc){ file, dom->pos.line, dom->pos.column },
                    "xen-sxpr: the domain has no name");
        return NULL;
    }
    c.root = sexpr_list_new(sw_nopos());
    sexpr_append(c.root, sexpr_atom_new("vm", 2, false, sw_nopos()));
    char uuid[37];
    /* the id of a running domain, as XenD reports it */
    if (dom->id >= 0)
        sw_kvf(c.root, "domid", false, "%d", dom->id);
    sw_kv(c.root, "name", dom->name, true);
    sw_memory(&c);
    if (dom->uuid_given) {
        ir_uuid_format(dom->uuid, uuid);
        sw_kv(c.root, "uuid", uuid, true);
    }
    sw_kv(c.root, "bootloader", dom->bootloader, true);
    sw_kv(c.root, "bootloader_args", dom->bootloader_args, true);
    sw_lifecycle(&c);
    /* the image's keys in libvirt's order; for a paravirtual guest the
     * HVM-only ones are warnings */
    sw_image(&c);
    sw_features(&c);
    sw_kv(c.image, "usb", c.hvm ? "1" : NULL, false);
    sw_inputs(&c);
    sw_chardevs(&c, IR_CHRDEV_PARALLEL, "parallel");
    sw_chardevs(&c, IR_CHRDEV_SERIAL, "serial");
    sw_sound(&c);
    sw_kv(c.image, "device_model", dom->emulator, true);
    if (!c.image && dom->emulator)
        sw_warn(&c, dom->pos, "<emulator> for a paravirtual guest without an image");
    sw_timers(&c);
    sw_devices(&c);
    sw_graphics(&c);
    if (c.hvm && c.version >= 4)
        sw_clock(&c, c.image, true);
    sw_clock(&c, c.root, false);
    sw_other_devices(&c);
    sw_clock_unsaid(&c);
    sw_domain_unsaid(&c);
    sw_kept(&c);
    vc_buf b;
    vc_buf_init(&b);
    sexpr_write(&b, c.root);
    vc_buf_putc(&b, '\n');
    sexpr_free(c.root);
    free(c.vifs);
    return vc_buf_steal(&b);
}
