/*
 * xen_cfg_write.c: IR -> xm/xl configuration (domxml-to-native xen-xm,
 * xen-xl).
 *
 * Keys are written in the order libvirt's converter writes them (general,
 * cpu features, clock, lifecycle, device model and framebuffer, network,
 * PCI, chardevs, boot, disks, USB, pass-through), one `key = value` a line.
 * What the format cannot say is a warning naming the element; devices that
 * Xen adds on its own (libvirt's defaults, xen_device_is_implicit) are not
 * written.
 */
#include "xen_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "xen_map.h"

typedef struct xw_ctx {
    vc_buf out;
    const ir_domain *dom;
    const char *file;
    xen_dialect dl;
    xen_kind kind;
    vc_diags *d;
} xw_ctx;

static vc_loc xw_loc(const xw_ctx *c, ir_pos pos)
{
    vc_loc l = { c->file, pos.line, pos.column };
    return l;
}

static void xw_str(xw_ctx *c, const char *key, const char *v)
{
    if (!v)
        return;
    char *q = xcfg_quote(v);
    vc_buf_printf(&c->out, "%s = %s\n", key, q);
    free(q);
}

static void xw_int(xw_ctx *c, const char *key, long long v)
{
    vc_buf_printf(&c->out, "%s = %lld\n", key, v);
}

/* key = [ "a", "b" ] */
static void xw_list(xw_ctx *c, const char *key, const vc_strv *items)
{
    if (!items->n)
        return;
    vc_buf_printf(&c->out, "%s = [ ", key);
    for (size_t i = 0; i < items->n; i++) {
        char *q = xcfg_quote(items->v[i]);
        vc_buf_printf(&c->out, "%s%s", i ? ", " : "", q);
        free(q);
    }
    vc_buf_puts(&c->out, " ]\n");
}

static void xw_general(xw_ctx *c)
{
    const ir_domain *dom = c->dom;
    xw_str(c, "name", dom->name);
    char uuid[37];
    ir_uuid_format(dom->uuid, uuid);
    xw_str(c, "uuid", uuid);
    unsigned long long cur = dom->current_memory_kib ? dom->current_memory_kib : dom->memory_kib;
    xw_int(c, "maxmem", (long long)xen_kib_to_mib(dom->memory_kib));
    xw_int(c, "memory", (long long)xen_kib_to_mib(cur));
    unsigned max = dom->vcpus ? dom->vcpus : 1;
    unsigned now = dom->vcpus_current ? dom->vcpus_current : max;
    if (c->dl == XEN_XL) {
        xw_int(c, "vcpus", now);
        if (now != max)
            xw_int(c, "maxvcpus", max);
    } else {
        xw_int(c, "vcpus", max);
        if (now != max)
            xw_int(c, "vcpu_avail", (long long)((1ULL << (now < 63 ? now : 63)) - 1));
    }
    xw_str(c, "cpus", dom->cpuset);
}

static bool xw_feature_on(const ir_domain *dom, const char *name)
{
    const ir_feature *f = ir_domain_feature(dom, name);
    return f && !vc_streq(f->state, "off");
}

static void xw_features(xw_ctx *c)
{
    const ir_domain *dom = c->dom;
    if (c->kind == XEN_KIND_HVM) {
        static const char *const flags[] = { "pae", "acpi", "apic" };
        for (size_t i = 0; i < VC_ARRAY_SIZE(flags); i++)
            xw_int(c, flags[i], xw_feature_on(dom, flags[i]));
        const ir_feature *hap = ir_domain_feature(dom, "hap");
        if (hap)
            xw_int(c, "hap", !vc_streq(hap->state, "off"));
        xw_int(c, "viridian", xw_feature_on(dom, "viridian"));
        int hpet = xen_timer_present(dom, "hpet");
        if (hpet >= 0)
            xw_int(c, "hpet", hpet);
        xw_str(c, "tsc_mode", xen_tsc_mode_from_dom(dom));
    }
    bool localtime;
    long long offset;
    xen_clock_from_ir(dom, &localtime, &offset);
    if (dom->clock.offset == IR_CLOCK_TIMEZONE || dom->clock.offset == IR_CLOCK_ABSOLUTE)
        vc_warn_at(c->d, xw_loc(c, dom->clock.pos), "clock offset '%s' has no Xen form; "
                   "written as utc", ir_clock_offset_name(dom->clock.offset));
    if (c->kind == XEN_KIND_HVM)
        xw_int(c, "rtc_timeoffset", offset);
    if (c->dl == XEN_XL) {
        if (xen_feature_xen_on(dom, "e820_host"))
            xw_int(c, "e820_host", 1);
        if (xen_feature_xen_on(dom, "passthrough"))
            xw_str(c, "passthrough", "enabled");
    } else if (xen_feature_xen_on(dom, "e820_host") || xen_feature_xen_on(dom, "passthrough")) {
        vc_warn_at(c->d, xw_loc(c, dom->pos), "<features><xen> has no xm form; dropped");
    }
    xw_int(c, "localtime", localtime);
}

static void xw_lifecycle(xw_ctx *c)
{
    /* absent: Xen's defaults, written so that reading back changes nothing */
    const ir_domain *dom = c->dom;
    xw_str(c, "on_poweroff", ir_lifecycle_name(dom->on_poweroff ? dom->on_poweroff : IR_LIFE_DESTROY));
    xw_str(c, "on_reboot", ir_lifecycle_name(dom->on_reboot ? dom->on_reboot : IR_LIFE_RESTART));
    xw_str(c, "on_crash", ir_lifecycle_name(dom->on_crash ? dom->on_crash : IR_LIFE_RESTART));
}

static const ir_device *xw_first(const ir_domain *dom, ir_device_kind kind, size_t *from)
{
    for (size_t i = from ? *from : 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == kind) {
            if (from)
                *from = i + 1;
            return &dom->devices[i];
        }
    return NULL;
}

static void xw_kvs_lines(xw_ctx *c, const xen_kvs *kv)
{
    for (size_t i = 0; i < kv->n; i++) {
        if (strcmp(kv->v[i].key, "type") == 0)
            continue;
        long long n;
        if (vc_parse_ll(kv->v[i].value, 10, &n) && strcmp(kv->v[i].key, "vncpasswd") != 0)
            xw_int(c, kv->v[i].key, n);
        else
            xw_str(c, kv->v[i].key, kv->v[i].value);
    }
}

/* device model and framebuffer: hvm at the top level, pv as vfb */
static void xw_graphics(xw_ctx *c)
{
    const ir_domain *dom = c->dom;
    if (c->kind == XEN_KIND_HVM)
        xw_str(c, "device_model_override", dom->emulator);
    vc_strv vfbs;
    vc_strv_init(&vfbs);
    const ir_graphics *vnc = NULL, *sdl = NULL;
    size_t at = 0;
    for (const ir_device *g; (g = xw_first(dom, IR_DEV_GRAPHICS, &at));) {
        const ir_graphics *gr = &g->u.graphics;
        if (gr->type == IR_GFX_VNC && !vnc)
            vnc = gr;
        else if (gr->type == IR_GFX_SDL && !sdl)
            sdl = gr;
        else if (gr->type == IR_GFX_SPICE && c->dl == XEN_XL && c->kind == XEN_KIND_HVM) {
            xw_int(c, "spice", 1);
            xw_str(c, "spicehost", gr->listen);
            if (gr->port > 0)
                xw_int(c, "spiceport", gr->port);
            xw_str(c, "spicepasswd", gr->passwd);
            if (!gr->passwd)
                xw_int(c, "spicedisable_ticketing", 1);
        } else
            vc_warn_at(c->d, xw_loc(c, g->pos), "<graphics type='%s'> has no %s form; dropped",
                       ir_graphics_type_name(gr->type), c->dl == XEN_XL ? "xl" : "xm");
    }
    if (c->kind == XEN_KIND_HVM) {
        if (!vnc && !sdl)
            goto done;
        xw_int(c, "sdl", sdl != NULL);
        xw_int(c, "vnc", vnc != NULL);
        xen_kvs kv = { 0 };
        if (sdl)
            xen_vfb_from_ir(sdl, &kv);
        if (vnc)
            xen_vfb_from_ir(vnc, &kv);
        xw_kvs_lines(c, &kv);
        xen_kvs_free(&kv);
        goto done;
    }
    const ir_graphics *gs[] = { vnc, sdl };
    for (size_t i = 0; i < 2; i++) {
        if (!gs[i])
            continue;
        xen_kvs kv = { 0 };
        xen_vfb_from_ir(gs[i], &kv);
        vc_strv_take(&vfbs, xen_spec_join(&kv));
        xen_kvs_free(&kv);
    }
    xw_list(c, "vfb", &vfbs);
done:
    vc_strv_free(&vfbs);
}

static void xw_vifs(xw_ctx *c)
{
    vc_strv vifs;
    vc_strv_init(&vifs);
    size_t at = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_INTERFACE, &at));) {
        xen_kvs kv = { 0 };
        xen_vif_from_ir(dev, c->kind, c->dl, xw_loc(c, dev->pos), &kv, c->d);
        vc_strv_take(&vifs, xen_spec_join(&kv));
        xen_kvs_free(&kv);
    }
    xw_list(c, "vif", &vifs);
    vc_strv_free(&vifs);
}

static void xw_pci(xw_ctx *c)
{
    vc_strv pci;
    vc_strv_init(&pci);
    size_t at = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_HOSTDEV, &at));)
        if (dev->u.hostdev.type == IR_HOSTDEV_PCI)
            vc_strv_take(&pci, xen_pci_format(&dev->u.hostdev));
    xw_list(c, "pci", &pci);
    vc_strv_free(&pci);
}

/* serial/parallel: the strings of the devices of that kind, indexed by
 * their port ("none" for a port without a device). */
static void xw_chrs(xw_ctx *c, ir_chr_kind kind, vc_strv *out)
{
    size_t at = 0;
    int next = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_CHR, &at));) {
        if (dev->u.chr.kind != kind)
            continue;
        char *s = xen_chr_format(&dev->u.chr);
        int port = dev->u.chr.target_port >= 0 ? dev->u.chr.target_port : next;
        if (!s || port > 255) {
            vc_warn_at(c->d, xw_loc(c, dev->pos), "%s of type '%s' has no Xen form; dropped",
                       ir_chr_kind_name(kind), ir_chr_type_name(dev->u.chr.type));
            free(s);
            continue;
        }
        next = port + 1;
        while (out->n <= (size_t)port)
            vc_strv_add(out, "none");
        free(out->v[port]);
        out->v[port] = s;
    }
}

static void xw_chardevs(xw_ctx *c)
{
    vc_strv par, ser;
    vc_strv_init(&par);
    vc_strv_init(&ser);
    xw_chrs(c, IR_CHRDEV_PARALLEL, &par);
    xw_chrs(c, IR_CHRDEV_SERIAL, &ser);
    if (c->kind == XEN_KIND_HVM) {
        if (par.n > 1)
            vc_warn_at(c->d, xw_loc(c, c->dom->pos), "only the first parallel port has a Xen "
                                                      "form; the others are dropped");
        xw_str(c, "parallel", par.n ? par.v[0] : "none");
        if (ser.n > 1)
            xw_list(c, "serial", &ser);
        else
            xw_str(c, "serial", ser.n ? ser.v[0] : "none");
    } else if (par.n || ser.n) {
        vc_warn_at(c->d, xw_loc(c, c->dom->pos), "a paravirtual guest's serial and parallel "
                   "ports have no Xen form (its console is Xen's own); dropped");
    }
    vc_strv_free(&par);
    vc_strv_free(&ser);
    size_t at = 0;
    vc_strv ch;
    vc_strv_init(&ch);
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_CHR, &at));) {
        if (dev->u.chr.kind != IR_CHRDEV_CHANNEL)
            continue;
        char *s = c->dl == XEN_XL ? xen_channel_format(&dev->u.chr) : NULL;
        if (s)
            vc_strv_take(&ch, s);
        else
            vc_warn_at(c->d, xw_loc(c, dev->pos), "channel has no %s form; dropped",
                       c->dl == XEN_XL ? "xl" : "xm");
    }
    xw_list(c, "channel", &ch);
    vc_strv_free(&ch);
}

static void xw_boot(xw_ctx *c)
{
    const ir_domain *dom = c->dom;
    const ir_os *os = &dom->os;
    if (c->kind == XEN_KIND_HVM) {
        xw_str(c, "builder", "hvm");
        if (c->dl == XEN_XM)
            xw_str(c, "kernel", os->loader ? os->loader : XEN_HVMLOADER);
        else if (os->loader && !vc_streq(os->loader, XEN_HVMLOADER))
            xw_str(c, "firmware_override", os->loader);
        if (c->dl == XEN_XL) {
            xw_str(c, "kernel", os->kernel);
            xw_str(c, "ramdisk", os->initrd);
            xw_str(c, "cmdline", os->cmdline);
        } else if (os->kernel) {
            vc_warn_at(c->d, xw_loc(c, os->pos), "an hvm guest's direct kernel boot has no xm "
                                                 "form; <kernel>, <initrd>, <cmdline> dropped");
        }
        char *boot = xen_boot_format(os);
        xw_str(c, "boot", boot ? boot : "c");
        free(boot);
    } else {
        if (c->kind == XEN_KIND_PVH)
            xw_str(c, "type", "pvh");
        xw_str(c, "bootloader", dom->bootloader);
        xw_str(c, c->dl == XEN_XL ? "bootloader_args" : "bootargs", dom->bootloader_args);
        xw_str(c, "kernel", os->kernel);
        xw_str(c, "ramdisk", os->initrd);
        xw_str(c, c->dl == XEN_XL ? "cmdline" : "extra", os->cmdline);
    }
}

static void xw_cpu(xw_ctx *c)
{
    int nested;
    char *cpuid = xen_cpuid_from_dom(c->dom, &nested);
    if (c->dl == XEN_XL) {
        if (nested >= 0 && c->kind == XEN_KIND_HVM)
            xw_int(c, "nestedhvm", nested);
        xw_str(c, "cpuid", cpuid);
    } else if (cpuid || nested >= 0) {
        vc_warn_at(c->d, xw_loc(c, c->dom->pos), "<cpu mode='host-passthrough'> and its "
                                                 "features have no xm form; dropped");
    }
    free(cpuid);
    xen_vnode *v;
    size_t n = xen_vnuma_get(c->dom, &v);
    if (n && c->dl != XEN_XL)
        vc_warn_at(c->d, xw_loc(c, c->dom->pos), "vNUMA cells have no xm form; dropped");
    for (size_t i = 0; c->dl == XEN_XL && i < n; i++)
        if (!v[i].given)
            vc_warn_at(c->d, xw_loc(c, c->dom->pos), "vNUMA cell %zu has no distances; written "
                       "as Xen's defaults", i);
    if (n && c->dl == XEN_XL) {
        vc_buf_puts(&c->out, "vnuma = [ ");
        for (size_t i = 0; i < n; i++) {
            vc_buf_printf(&c->out, "%s[ \"pnode=%zu\", \"size=%llu\", \"vcpus=%s\", "
                          "\"vdistances=", i ? ", " : "", i, v[i].mib, v[i].vcpus ? v[i].vcpus : "");
            for (size_t j = 0; j < n; j++)
                vc_buf_printf(&c->out, "%s%u", j ? "," : "", v[i].dist[j]);
            vc_buf_puts(&c->out, "\" ]");
        }
        vc_buf_puts(&c->out, " ]\n");
    }
    xen_vnuma_free(v, n);
    unsigned long long gf = xen_xenbus_attr(c->dom, "maxGrantFrames");
    unsigned long long ec = xen_xenbus_attr(c->dom, "maxEventChannels");
    if ((gf || ec) && c->dl != XEN_XL)
        vc_warn_at(c->d, xw_loc(c, c->dom->pos), "xenbus limits have no xm form; dropped");
    if (gf && c->dl == XEN_XL)
        xw_int(c, "max_grant_frames", (long long)gf);
    if (ec && c->dl == XEN_XL)
        xw_int(c, "max_event_channels", (long long)ec);
}

static void xw_disks(xw_ctx *c)
{
    vc_strv disks;
    vc_strv_init(&disks);
    size_t at = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_DISK, &at));) {
        char *s = xen_disk_format(&dev->u.disk, c->dl, c->kind, xw_loc(c, dev->pos), c->d);
        if (s)
            vc_strv_take(&disks, s);
    }
    xw_list(c, "disk", &disks);
    vc_strv_free(&disks);
}

/* A USB input: on the USB bus, or a tablet without a bus (a tablet is
 * only ever a USB device). */
static bool xw_usb_input(const ir_device *dev)
{
    return vc_streq(dev->u.input.bus, "usb") ||
           (!dev->u.input.bus && vc_streq(dev->u.input.type, "tablet"));
}

static void xw_usb(xw_ctx *c)
{
    vc_strv inputs, hostdevs;
    vc_strv_init(&inputs);
    vc_strv_init(&hostdevs);
    size_t at = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_INPUT, &at));)
        if (xw_usb_input(dev))
            vc_strv_add(&inputs, dev->u.input.type);
    at = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_HOSTDEV, &at));) {
        const ir_hostdev *h = &dev->u.hostdev;
        if (h->type != IR_HOSTDEV_USB)
            continue;
        if (!h->has_usb_addr)
            vc_warn_at(c->d, xw_loc(c, dev->pos), "a USB host device by vendor/product has no "
                                                  "Xen form; dropped");
        else if (c->dl == XEN_XL)
            vc_strv_addf(&hostdevs, "hostbus=%u,hostaddr=%u", h->usb_bus, h->usb_device);
        else
            vc_strv_addf(&inputs, "host:%u.%u", h->usb_bus, h->usb_device);
    }
    if (inputs.n) {
        xw_int(c, "usb", 1);
        if (inputs.n == 1)
            xw_str(c, "usbdevice", inputs.v[0]);
        else
            xw_list(c, "usbdevice", &inputs);
    }
    xw_list(c, "usbdev", &hostdevs);
    vc_strv_free(&inputs);
    vc_strv_free(&hostdevs);
    vc_strv ctl;
    vc_strv_init(&ctl);
    at = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_CONTROLLER, &at));) {
        const ir_controller *k = &dev->u.controller;
        if (!vc_streq(k->type, "usb"))
            continue;
        if (c->dl == XEN_XL && (vc_streq(k->model, "qusb1") || vc_streq(k->model, "qusb2")))
        {
            /* ports= is kept in the controller's verbatim copy */
            unsigned long long ports = xen_dev_attr(dev, "ports");
            if (ports)
                vc_strv_addf(&ctl, "version=%c,ports=%llu", k->model[4], ports);
            else
                vc_strv_addf(&ctl, "version=%c", k->model[4]);
        }
        else
            vc_warn_at(c->d, xw_loc(c, dev->pos), "USB controller model '%s' has no %s form; "
                       "dropped", k->model ? k->model : "default", c->dl == XEN_XL ? "xl" : "xm");
    }
    xw_list(c, "usbctrl", &ctl);
    vc_strv_free(&ctl);
}

static void xw_sound(xw_ctx *c)
{
    vc_buf b;
    vc_buf_init(&b);
    size_t at = 0;
    for (const ir_device *dev; (dev = xw_first(c->dom, IR_DEV_SOUND, &at));) {
        const char *m = dev->u.sound.model;
        vc_buf_printf(&b, "%s%s", b.len ? "," : "", vc_streq(m, "ich6") ? "hda" : m ? m : "");
    }
    if (b.len)
        xw_str(c, "soundhw", b.data);
    vc_buf_free(&b);
}

static void xw_dm_args(xw_ctx *c)
{
    size_t n;
    char **args = xen_dm_args_get(c->dom, &n);
    if (n && c->dl != XEN_XL)
        vc_warn_at(c->d, xw_loc(c, c->dom->pos), "<xen:commandline> has no xm form; dropped");
    if (n && c->dl == XEN_XL) {
        vc_strv sv = { args, n, n };
        xw_list(c, "device_model_args", &sv);
    }
    for (size_t i = 0; i < n; i++)
        free(args[i]);
    free(args);
}

static void xw_kept_one(void *ctx, const char *key, const char *value)
{
    xw_ctx *c = ctx;
    /* kept where it meant nothing (an xl key read as xm, an hvm key of a pv
     * guest): under this name the reader would now interpret it */
    if (xen_cfg_key_known(key, c->dl == XEN_XL)) {
        vc_warn_at(c->d, xw_loc(c, c->dom->pos), "kept key '%s' would mean something else "
                   "in %s; dropped", key, c->dl == XEN_XL ? "xl" : "xm");
        return;
    }
    vc_buf_printf(&c->out, "%s = %s\n", key, value);
}

/* Devices nothing above writes: a warning each. */
static void xw_unwritten(xw_ctx *c)
{
    for (size_t i = 0; i < c->dom->ndevices; i++) {
        const ir_device *dev = &c->dom->devices[i];
        const char *what = NULL;
        switch (dev->kind) {
        case IR_DEV_FILESYSTEM: what = "filesystem"; break;
        case IR_DEV_WATCHDOG: what = "watchdog"; break;
        case IR_DEV_RNG: what = "rng"; break;
        case IR_DEV_OTHER: what = "an element the model does not cover"; break;
        case IR_DEV_INPUT:
            if (!xw_usb_input(dev) && !xen_device_is_implicit(c->dom, dev))
                what = "input";
            break;
        case IR_DEV_VIDEO:
            if (!xen_device_is_implicit(c->dom, dev))
                what = "video";
            break;
        case IR_DEV_CONTROLLER:
            if (!vc_streq(dev->u.controller.type, "usb") && !xen_device_is_implicit(c->dom, dev))
                what = "controller";
            break;
        case IR_DEV_MEMBALLOON:
            if (!xen_device_is_implicit(c->dom, dev))
                what = "memballoon";
            break;
        case IR_DEV_CHR:
            if (dev->u.chr.kind == IR_CHRDEV_CONSOLE && !xen_device_is_implicit(c->dom, dev))
                what = "console";
            break;
        default:
            break;
        }
        if (what)
            vc_warn_at(c->d, xw_loc(c, dev->pos), "%s has no %s form; dropped", what,
                       c->dl == XEN_XL ? "xl" : "xm");
    }
    if (c->dom->qemu_cmdline)
        vc_warn_at(c->d, xw_loc(c, c->dom->qemu_cmdline->pos), "<qemu:commandline> has no Xen "
                                                               "form; dropped");
}

static char *xw_write(const ir_domain *dom, const char *file, xen_dialect dl, vc_diags *d)
{
    if (!xen_hostdevs_ok(dom, dl == XEN_XL ? "xen-xl" : "xen-xm", file, d))
        return NULL;
    xw_ctx c = { .dom = dom, .file = file, .dl = dl, .kind = xen_domain_kind(dom), .d = d };
    vc_buf_init(&c.out);
    if (dom->type != IR_VIRT_XEN)
        vc_warn_at(d, xw_loc(&c, dom->pos), "domain type '%s' is not xen; converting anyway",
                   ir_virt_type_name(dom->type) ? ir_virt_type_name(dom->type) : "");
    if (dom->id >= 0)
        vc_warn_at(d, xw_loc(&c, dom->pos), "a running domain's id (%d) has no place in a "
                                            "config file; dropped", dom->id);
    if (c.kind == XEN_KIND_PVH && dl == XEN_XM)
        vc_warn_at(d, xw_loc(&c, dom->os.pos), "xm has no pvh guests; written as pv");
    xw_general(&c);
    xw_features(&c);
    xw_lifecycle(&c);
    xw_graphics(&c);
    xw_vifs(&c);
    xw_pci(&c);
    if (c.kind == XEN_KIND_HVM)
        xw_chardevs(&c);
    xw_boot(&c);
    if (c.kind != XEN_KIND_HVM)
        xw_chardevs(&c);
    xw_cpu(&c);
    xw_disks(&c);
    xw_usb(&c);
    xw_sound(&c);
    xw_dm_args(&c);
    xen_kept_keys(dom, xw_kept_one, &c);
    xw_unwritten(&c);
    return vc_buf_steal(&c.out);
}

char *xen_xm_write(const ir_domain *dom, const char *file, vc_diags *d)
{
    return xw_write(dom, file, XEN_XM, d);
}

char *xen_xl_write(const ir_domain *dom, const char *file, vc_diags *d)
{
    return xw_write(dom, file, XEN_XL, d);
}
