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

#include "sexpr.h"
#include "sxpr.h"
#include "xen_map.h"

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

/* All three, always: an absent element means the domain model's default
 * (destroy, restart, destroy), and XenD's own defaults differ (it restarts
 * a crashed guest), so leaving the key out would change what the guest
 * does on a crash. */
static void sw_lifecycle(sw_ctx *c)
{
    const ir_domain *dom = c->dom;
    sw_kv(c->root, "on_poweroff",
          ir_lifecycle_name(dom->on_poweroff ? dom->on_poweroff : IR_LIFE_DESTROY), true);
    sw_kv(c->root, "on_reboot",
          ir_lifecycle_name(dom->on_reboot ? dom->on_reboot : IR_LIFE_RESTART), true);
    sw_kv(c->root, "on_crash",
          ir_lifecycle_name(dom->on_crash ? dom->on_crash : IR_LIFE_DESTROY), true);
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
    /* the mapping reads every guest back as x86_64 on xenpv / xenfv */
    if (dom->os.arch && !vc_streq(dom->os.arch, "x86_64"))
        sw_warn(c, dom->os.pos, "<type arch='%s'> (XenD takes it from the kernel)",
                dom->os.arch);
    if (dom->os.machine && !vc_streq(dom->os.machine, c->hvm ? "xenfv" : "xenpv"))
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
    char *boot = xen_boot_format(&c->dom->os);
    sw_kv(c->image, "boot", boot, false);
    free(boot);
}

/* hpet is a key; the other timers are not. */
static void sw_timers(sw_ctx *c)
{
    int hpet = xen_timer_present(c->dom, "hpet");
    if (hpet >= 0 && c->hvm)
        sw_kv(c->image, "hpet", hpet ? "1" : "0", false);
    for (size_t i = 0; i < c->dom->clock.timers.n; i++) {
        const ir_fragment *t = &c->dom->clock.timers.v[i];
        if (!c->hvm || !(strstr(t->xml, "name='hpet'") || strstr(t->xml, "name=\"hpet\"")))
            sw_warn(c, t->pos, "the timer %s", t->xml);
    }
}

/* The clock: (localtime 0|1) at the top (and, from version 4, in the HVM
 * image with rtc_timeoffset); a variable clock is rtc_timeoffset seconds
 * from its basis. */
static void sw_clock(sw_ctx *c, sexpr_node *where, bool with_offset)
{
    bool lt;
    long long offset;
    xen_clock_from_ir(c->dom, &lt, &offset);
    if (with_offset || offset)
        sw_kvf(where, "rtc_timeoffset", false, "%lld", offset);
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
    if (!c->hvm && !os->cmdline && !(gfx && sw_gfx_in_image(c)) &&
        (c->dom->bootloader || (!os->kernel && !os->initrd)))
        return;
    sexpr_node *image = sw_list(c->root, "image");
    c->image = sw_list(image, c->hvm ? "hvm" : "linux");
    /* a bootloader picks the kernel itself: what it picked is not config */
    bool picked = !c->hvm && c->dom->bootloader;
    if (picked && (os->kernel || os->initrd))
        sw_warn(c, os->pos, "<kernel>/<initrd> next to a <bootloader> (it picks them)");
    if (c->hvm && !os->kernel)
        sw_kv(c->image, "kernel", os->loader, true);
    else if (!picked)
        sw_kv(c->image, "kernel", os->kernel, true);
    if (!picked)
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

/* XenD's back ends: phy, file, tap:FORMAT, tap2:FORMAT (the mapping's
 * uname); another driver is written as the back end its type needs. */
static void sw_driver_unsaid(sw_ctx *c, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    const char *drv = disk->driver_name;
    bool tap = vc_streq(drv, "tap") || vc_streq(drv, "tap2");
    if (drv && !tap && !vc_streq(drv, "phy") && !vc_streq(drv, "file"))
        sw_warn(c, dev->pos, "the disk driver '%s' (disk %s written for XenD's %s back end)",
                drv, disk->target_dev, disk->type == IR_DISK_TYPE_BLOCK ? "phy" : "file");
    else if (!tap && disk->driver_type && !vc_streq(disk->driver_type, "raw"))
        sw_warn(c, dev->pos, "the image format '%s' of disk %s without tap", disk->driver_type,
                disk->target_dev);
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
    /* a disk without a type is a file (libvirt's default) */
    if (disk->type && disk->type != IR_DISK_TYPE_FILE && disk->type != IR_DISK_TYPE_BLOCK) {
        sw_warn(c, dev->pos, "a disk of type '%s' (disk %s not written)",
                ir_disk_type_name(disk->type), disk->target_dev);
        return true;
    }
    /* a drive address is what the target name says (the mapping's default) */
    if (disk->driver_cache || disk->driver_io || disk->serial || disk->encryption ||
        disk->transient || disk->boot_order ||
        (disk->addr.type && disk->addr.type != IR_ADDR_DRIVE))
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
    sw_driver_unsaid(c, dev);
    const char *kind = vc_streq(disk->driver_name, "tap") ? "tap" :
                       vc_streq(disk->driver_name, "tap2") ? "tap2" : "vbd";
    sexpr_node *body = sw_list(sw_list(c->root, "device"), kind);
    char *name = sw_vbd_dev(c, disk);
    sw_kv(body, "dev", name, true);
    free(name);
    /* an empty drive: (uname '') when a driver says its back end */
    char *uname = xen_disk_uname(disk);
    sw_kv(body, "uname", *uname || disk->driver_name ? uname : NULL, true);
    free(uname);
    sw_kv(body, "mode", cdrom ? "r" : xen_disk_mode(disk), true);
}

/* Interface names XenD makes itself (vifD.N) are not asked for. */
static bool sw_auto_vifname(const char *name)
{
    unsigned a, b;
    int n = 0;
    return name && sscanf(name, "vif%u.%u%n", &a, &b, &n) == 2 && name[n] == '\0';
}

/* The mapping's vif pairs, as (key 'value'); XenD says netfront where
 * xm/xl say vif, and an emulated card of an HVM guest is (type ioemu). */
static void sw_net(sw_ctx *c, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    xen_kvs kv = { 0 };
    xen_vif_from_ir(dev, c->hvm ? XEN_KIND_HVM : XEN_KIND_PV, XEN_SXPR,
                    (vc_loc){ c->file, dev->pos.line, dev->pos.column }, &kv, c->d);
    sexpr_node *body = sw_list(sw_list(c->root, "device"), "vif");
    vc_xgrow((void **)&c->vifs, &c->capvifs, c->nvifs + 1, sizeof(*c->vifs));
    c->vifs[c->nvifs++] = body;
    bool typed = false;
    for (size_t i = 0; i < kv.n; i++) {
        const char *k = kv.v[i].key, *v = kv.v[i].value;
        if (strcmp(k, "vifname") == 0 && sw_auto_vifname(v))
            continue;
        if (strcmp(k, "type") == 0) {
            typed = true;
            if (vc_streq(v, "vif"))
                v = "netfront";
            else if (vc_streq(v, "ioemu") && c->version >= 4)
                continue;
        }
        sw_kv(body, k, v, strcmp(k, "type") != 0);
    }
    /* XenD before 3.1 wanted an emulated card said; libvirt's last code
     * (version 4) left it to the model */
    if (c->hvm && !typed && c->version < 4)
        sw_kv(body, "type", "ioemu", false);
    xen_kvs_free(&kv);
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

/* The mapping's vfb pairs: a (device (vfb ...)) from XenD 3.0.4 on for a
 * paravirtual guest, keys of the image otherwise ((type vnc) becoming
 * (vnc 1)); XenD 3.0.2 took nothing but (vnc 1) for an HVM guest. */
static void sw_gfx(sw_ctx *c, const ir_graphics *g)
{
    xen_kvs kv = { 0 };
    xen_vfb_from_ir(g, &kv);
    sexpr_node *where = c->image;
    if (!sw_gfx_in_image(c)) {
        sw_list(sw_list(c->root, "device"), "vkbd");
        where = c->vfb = sw_list(sw_list(c->root, "device"), "vfb");
    }
    for (size_t i = 0; i < kv.n; i++) {
        const char *k = kv.v[i].key, *v = kv.v[i].value;
        bool unquoted = strcmp(k, "type") == 0 || strcmp(k, "vncunused") == 0 ||
                        strcmp(k, "vncdisplay") == 0;
        if (where == c->image && strcmp(k, "type") == 0) {
            sw_kv(where, v, "1", false);
            if (c->version < 2)
                break;
            continue;
        }
        sw_kv(where, k, v, !unquoted);
    }
    if (g->port > 0 && g->port < 5900 && g->autoport != IR_TRI_YES)
        sw_warn(c, (ir_pos){ 0, 0 }, "VNC port %d (XenD counts displays from 5900)", g->port);
    xen_kvs_free(&kv);
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
        sw_gfx(c, g);
    }
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
    /* an HVM guest's console with no serial port is its serial port 0
     * (the 2007 documents' <console tty=.../>) */
    const ir_device *con = NULL;
    for (size_t i = 0; kind == IR_CHRDEV_SERIAL && !n && i < c->dom->ndevices; i++)
        if (c->dom->devices[i].kind == IR_DEV_CHR &&
            c->dom->devices[i].u.chr.kind == IR_CHRDEV_CONSOLE)
            con = &c->dom->devices[i];
    if (con) {
        ports[0] = &con->u.chr;
        n = 1;
    }
    char **specs = vc_xcalloc(n + 1, sizeof(*specs));
    for (size_t i = 0; i < n; i++) {
        /* a device of no type (<console tty=.../>) is a pty in libvirt */
        specs[i] = !ports[i] ? NULL : ports[i]->type == IR_CHR_NONE ? vc_xstrdup("pty")
                                                                      : xen_chr_format(ports[i]);
        if (ports[i] && !specs[i])
            sw_warn(c, (ir_pos){ 0, 0 }, "<%s> port %zu of type '%s'", key, i,
                    ir_chr_type_name(ports[i]->type));
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
        if (xen_device_is_implicit(c->dom, dev))
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

/* Devices the mapping implies are not written; the others with no key
 * are warned about. */
static void sw_other_devices(sw_ctx *c)
{
    for (size_t i = 0; i < c->dom->ndevices; i++) {
        const ir_device *dev = &c->dom->devices[i];
        if (xen_device_is_implicit(c->dom, dev))
            continue;
        switch (dev->kind) {
        case IR_DEV_CONTROLLER:
            /* (usb 1) says the HVM guest's USB controller */
            if (!c->hvm || !vc_streq(dev->u.controller.type, "usb") || dev->u.controller.model)
                sw_warn(c, dev->pos, "<controller type='%s'>", dev->u.controller.type);
            break;
        case IR_DEV_VIDEO:
            if (c->hvm && vc_streq(dev->u.video.model, "vga"))
                sw_kv(c->image, "stdvga", "1", false);
            else
                sw_warn(c, dev->pos, "<video> model '%s'", dev->u.video.model);
            break;
        case IR_DEV_MEMBALLOON:
            sw_warn(c, dev->pos, "<memballoon model='%s'>", dev->u.memballoon.model);
            break;
        case IR_DEV_CHR:
            if (dev->u.chr.kind == IR_CHRDEV_CONSOLE)
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
    if (!xen_hostdevs_ok(dom, "xen-sxpr", file, d))
        return NULL;
    c.root = sexpr_list_new(sw_nopos());
    sexpr_append(c.root, sexpr_atom_new("vm", 2, false, sw_nopos()));
    char uuid[37];
    /* the id of a running domain, as XenD reports it */
    if (dom->id >= 0)
        sw_kvf(c.root, "domid", false, "%d", dom->id);
    sw_kv(c.root, "name", dom->name, true);
    sw_memory(&c);
    ir_uuid_format(dom->uuid, uuid);
    sw_kv(c.root, "uuid", uuid, true);
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
