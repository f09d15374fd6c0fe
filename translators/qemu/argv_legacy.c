/*
 * argv_legacy.c: the pre-device command-line generation of QEMU (0.x):
 * -drive (or -hda/-cdrom/-fda), -net nic + -net user|tap|socket with vlan=,
 * -serial/-parallel strings, -usbdevice, -soundhw, -pcidevice, -vga.
 *
 * Sections follow the order in which the management tools of that era wrote
 * the line (the seeds' domxml-to-native output): machine and memory, then
 * -nographic before any -serial/-monitor (QEMU moves both to stdio when
 * -nographic comes later), boot, disks, network, serial, parallel, USB,
 * graphics, sound, host devices. Each form is chosen by a capability flag;
 * what a flag set cannot express is a located error, never dropped.
 */
#include "argv_priv.h"

#include <stdlib.h>
#include <string.h>

/* ---- name tables --------------------------------------------------------- */

/* -boot letters of the <boot dev=> values. */
static const char legacy_boot_letter[IR_BOOT_LAST] = {
    [IR_BOOT_FD] = 'a', [IR_BOOT_HD] = 'c', [IR_BOOT_CDROM] = 'd', [IR_BOOT_NETWORK] = 'n',
};

/* -drive if= of each disk bus; NULL: no -drive interface (usb is -usbdevice). */
static const char *const legacy_drive_if[IR_BUS_LAST] = {
    [IR_BUS_IDE] = "ide", [IR_BUS_FDC] = "floppy", [IR_BUS_SCSI] = "scsi",
    [IR_BUS_VIRTIO] = "virtio", [IR_BUS_XEN] = "xen", [IR_BUS_SD] = "sd",
};

/* cache= values: the first generation only knew on/off (writethrough had no
 * equivalent, so it maps to the safe "off"); NULL: not expressible. */
static const struct {
    const char *mode;
    const char *v1;
    const char *v2;
} legacy_cache_modes[] = {
    { "none", "off", "none" },
    { "writethrough", "off", "writethrough" },
    { "writeback", "on", "writeback" },
    { "directsync", NULL, "directsync" },
    { "unsafe", NULL, "unsafe" },
};

/* -soundhw names; NULL: the model needs -device. */
static const struct {
    const char *model;
    const char *soundhw;
} legacy_sound_models[] = {
    { "sb16", "sb16" }, { "es1370", "es1370" }, { "ac97", "ac97" }, { "pcspk", "pcspk" },
    { "ich6", NULL }, { "ich7", NULL }, { "ich9", NULL }, { "usb", NULL },
};

/* -vga names, and the switches of binaries without -vga ("" : the default
 * adapter, nothing to say; NULL: not expressible). */
static const struct {
    const char *model;
    const char *vga;
    const char *novga;
} legacy_video_models[] = {
    { "vga", "std", "-std-vga" },
    { "cirrus", "cirrus", "" },
    { "vmvga", "vmware", "-vmwarevga" },
    { "xen", "", "" },          /* Xen's framebuffer: -vga has no say in it */
    { "none", "none", NULL },
};

/* -usbdevice names of USB input devices. */
static const struct {
    const char *type;
    const char *usbdevice;
} legacy_usb_inputs[] = {
    { "mouse", "mouse" }, { "tablet", "tablet" }, { "keyboard", "keyboard" },
};

/* -serial / -parallel forms of each character device type. */
typedef enum legacy_chr_form {
    LEGACY_CHR_WORD = 1,     /* a fixed word: "pty" */
    LEGACY_CHR_PATH,         /* prefix + path, verbatim: "file:/x" */
    LEGACY_CHR_TCP,          /* tcp:/telnet:host:port[,server,nowait] */
    LEGACY_CHR_UDP,          /* udp:host:port[@bindhost:bindport] */
    LEGACY_CHR_UNIX,         /* unix:path[,server,nowait] */
} legacy_chr_form;

static const struct {
    legacy_chr_form form;
    const char *word;        /* the word or the prefix */
    qemu_res_kind res;       /* for PATH and UNIX forms */
} legacy_chr_forms[IR_CHR_LAST] = {
    [IR_CHR_PTY] = { LEGACY_CHR_WORD, "pty", 0 },
    [IR_CHR_NULL] = { LEGACY_CHR_WORD, "null", 0 },
    [IR_CHR_STDIO] = { LEGACY_CHR_WORD, "stdio", 0 },
    [IR_CHR_VC] = { LEGACY_CHR_WORD, "vc", 0 },
    [IR_CHR_FILE] = { LEGACY_CHR_PATH, "file:", QEMU_RES_FILE },
    [IR_CHR_PIPE] = { LEGACY_CHR_PATH, "pipe:", QEMU_RES_FILE },
    [IR_CHR_DEV] = { LEGACY_CHR_PATH, "", QEMU_RES_CHARDEV },
    [IR_CHR_TCP] = { LEGACY_CHR_TCP, "tcp:", 0 },
    [IR_CHR_UDP] = { LEGACY_CHR_UDP, "udp:", 0 },
    [IR_CHR_UNIX] = { LEGACY_CHR_UNIX, "unix:", QEMU_RES_SOCKET },
};

/* Features QEMU of any era gives a PC guest without being asked; acpi is
 * the one a flag turns off (-no-acpi). */
static const char *const legacy_implicit_features[] = { "acpi", "apic", "pae" };

/* ---- small helpers -------------------------------------------------------- */

/* Model names go into option lists unescaped in QEMU of this era. */
static bool legacy_name_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
            return false;
    return true;
}

/* This generation parses its option strings with no escape: a value holding
 * one of seps ends the value there and starts options of the document's
 * making (tcp:127.0.0.1:4555,server,nowait listens instead of connecting).
 * Such a value is refused, located, never written. */
static bool legacy_plain(qemu_ctx *x, ir_pos pos, const char *what, const char *value,
                         const char *seps)
{
    if (!value || !value[strcspn(value, seps)])
        return true;
    return qemu_error(x, pos, "%s '%s' holds '%c', which this QEMU (%s) cannot take inside "
                      "an option", what, value, value[strcspn(value, seps)], x->caps_desc);
}

/* QEMU of this era places devices itself; an address in the document cannot
 * be honoured (a drive address is the target name again: nothing lost). */
static void legacy_addr_check(qemu_ctx *x, const ir_device *dev, const ir_address *a)
{
    if (a->type == IR_ADDR_NONE || a->type == IR_ADDR_DRIVE)
        return;
    qemu_warn(x, a->pos.line ? a->pos : dev->pos,
              "device address (type '%s') not supported by this QEMU (%s); QEMU picks it",
              qemu_str_or(ir_addr_type_name(a->type), "?"), x->caps_desc);
}

/* ---- domain-wide sections ------------------------------------------------- */

/* emulator -> argv[0]; then -S: a launched guest waits for the monitor. */
static bool legacy_emulator(qemu_ctx *x)
{
    qemu_emulator(x, "");
    qemu_arg(x, "-S");
    return true;
}

static bool legacy_machine(qemu_ctx *x)
{
    const char *machine = x->dom->os.machine;
    if (machine) {
        if (x->caps->nmachines && !qemu_caps_machine_lookup(x->caps, machine))
            return qemu_unsupported(x, x->dom->os.pos, "machine type '%s'", machine);
    } else {
        const qemu_caps_machine *m = qemu_caps_machine_lookup(x->caps, NULL);
        machine = m ? m->name : NULL;
    }
    if (!legacy_plain(x, x->dom->os.pos, "machine type", machine, ","))
        return false;
    if (machine)
        qemu_arg2(x, "-M", machine);
    return true;
}


/* The accelerator follows the domain type: a kqemu-capable binary runs a
 * type='qemu' guest with kqemu off, a kvm-capable one with kvm off. */
static bool legacy_accel(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    switch (dom->type) {
    case IR_VIRT_NONE:
    case IR_VIRT_QEMU:
        if (qemu_has(x, QEMU_CAP_KQEMU))
            qemu_arg(x, "-no-kqemu");
        if (qemu_has(x, QEMU_CAP_KVM) && !qemu_has(x, QEMU_CAP_ENABLE_KVM))
            qemu_arg(x, "-no-kvm");
        return true;
    case IR_VIRT_KQEMU:
        /* kqemu is on by default in a binary that has it. */
        return qemu_has(x, QEMU_CAP_KQEMU) ||
               qemu_unsupported(x, dom->pos, "domain type 'kqemu'");
    case IR_VIRT_KVM:
        if (qemu_has(x, QEMU_CAP_ENABLE_KVM))
            qemu_arg(x, "-enable-kvm");
        else if (!qemu_has(x, QEMU_CAP_KVM))
            return qemu_unsupported(x, dom->pos, "domain type 'kvm'");
        qemu_resource_add(x, "/dev/kvm", QEMU_RES_CHARDEV, false);
        return true;
    case IR_VIRT_XEN:
        /* xenner: a QEMU that runs Xen guests, recognised by -domid. */
        return qemu_has(x, QEMU_CAP_DOMID) ||
               qemu_unsupported(x, dom->pos, "domain type 'xen'");
    default:
        return qemu_unsupported(x, dom->pos, "domain type '%s'",
                                qemu_str_or(ir_virt_type_name(dom->type), "?"));
    }
}

/* -m takes MiB; a KiB remainder is dropped, as QEMU could not take it. */
static bool legacy_memory(qemu_ctx *x)
{
    unsigned long long mib = x->dom->memory_kib / 1024;
    if (mib == 0)
        return qemu_error(x, x->dom->pos, "memory of %llu KiB is below QEMU's 1 MiB unit",
                          x->dom->memory_kib);
    qemu_arg(x, "-m");
    qemu_argf(x, "%llu", mib);
    return true;
}

static bool legacy_smp(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    unsigned max, cur;
    qemu_vcpus(dom, &max, &cur);
    const ir_cpu_topology *t = &dom->topology;
    bool topo = qemu_topology_given(t);
    if (!qemu_has(x, QEMU_CAP_SMP_TOPOLOGY)) {
        if (topo)
            qemu_warn(x, dom->pos, "CPU topology not supported by this QEMU (%s); the guest "
                      "sees %u single-core sockets", x->caps_desc, max);
        if (cur != max)
            qemu_warn(x, dom->pos, "CPU hotplug not supported by this QEMU (%s); the guest "
                      "starts with all %u vCPUs", x->caps_desc, max);
        qemu_arg(x, "-smp");
        qemu_argf(x, "%u", max);
        return true;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%u", cur);
    if (cur != max || topo)
        vc_buf_printf(&b, ",maxcpus=%u", max);
    if (t->sockets)
        vc_buf_printf(&b, ",sockets=%u", t->sockets);
    if (t->dies)
        vc_buf_printf(&b, ",dies=%u", t->dies);
    if (t->cores)
        vc_buf_printf(&b, ",cores=%u", t->cores);
    if (t->threads)
        vc_buf_printf(&b, ",threads=%u", t->threads);
    qemu_arg2_take(x, "-smp", vc_buf_steal(&b));
    return true;
}

static bool legacy_identity(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    /* -name NAME[,process=...] */
    if (qemu_has(x, QEMU_CAP_NAME) && !legacy_plain(x, dom->pos, "domain name", dom->name, ","))
        return false;
    if (qemu_has(x, QEMU_CAP_NAME) && dom->name)
        qemu_arg2(x, "-name", dom->name);
    if (qemu_has(x, QEMU_CAP_UUID)) {
        char uuid[37];
        ir_uuid_format(dom->uuid, uuid);
        qemu_arg2(x, "-uuid", uuid);
    }
    if (qemu_has(x, QEMU_CAP_DOMID) && dom->type == IR_VIRT_XEN) {
        if (dom->id >= 0)
            qemu_arg2_take(x, "-domid", vc_xasprintf("%d", dom->id));
        else
            qemu_warn(x, dom->pos, "the domain has no id; -domid is left to the caller");
    }
    return true;
}

/* Must precede -monitor and -serial: see the header comment. */
static bool legacy_nographic(qemu_ctx *x)
{
    if (qemu_count_devices(x, IR_DEV_GRAPHICS, -1) == 0)
        qemu_arg(x, "-nographic");
    return true;
}

static bool legacy_monitor(qemu_ctx *x)
{
    const char *sock = x->opts->monitor_socket;
    if (!sock) {
        qemu_arg2(x, "-monitor", "pty");
        return true;
    }
    if (!legacy_plain(x, x->dom->pos, "monitor socket path", sock, ","))
        return false;
    qemu_arg2_take(x, "-monitor", vc_xasprintf("unix:%s,server,nowait", sock));
    qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
    return true;
}

static bool legacy_clock(qemu_ctx *x)
{
    const ir_clock *clk = &x->dom->clock;
    bool ok = true;
    switch (clk->offset) {
    case IR_CLOCK_NONE:
    case IR_CLOCK_UTC:
        break;
    case IR_CLOCK_LOCALTIME:
        qemu_arg(x, "-localtime");
        break;
    default:
        ok = qemu_unsupported(x, x->dom->pos, "clock offset '%s'",
                              qemu_str_or(ir_clock_offset_name(clk->offset), "?"));
    }
    for (size_t i = 0; i < clk->timers.n; i++)
        qemu_warn(x, clk->timers.v[i].pos, "clock timers not supported by this QEMU (%s); "
                  "ignored", x->caps_desc);
    return ok;
}

static bool legacy_lifecycle(qemu_ctx *x)
{
    ir_lifecycle r = x->dom->on_reboot;
    if (r == IR_LIFE_NONE || r == IR_LIFE_RESTART)
        return true;
    if (!qemu_has(x, QEMU_CAP_NO_REBOOT))
        return qemu_unsupported(x, x->dom->pos, "on_reboot '%s'",
                                qemu_str_or(ir_lifecycle_name(r), "?"));
    qemu_arg(x, "-no-reboot");
    return true;
}

static bool legacy_features(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    bool ok = qemu_no_acpi(x);
    for (size_t i = 0; i < dom->nfeatures; i++) {
        if (!qemu_str_in(dom->features[i].name, legacy_implicit_features,
                         VC_ARRAY_SIZE(legacy_implicit_features)))
            qemu_warn(x, dom->pos, "feature '%s' not supported by this QEMU (%s); ignored",
                      dom->features[i].name, x->caps_desc);
    }
    /* -global came with qdev (-device); mem-merge with -machine properties */
    if (qemu_has(x, QEMU_CAP_DEVICE))
        qemu_pm_globals(x, "PIIX4_PM");
    else if (dom->pm_suspend_to_mem || dom->pm_suspend_to_disk)
        qemu_warn(x, dom->pos, "<pm> not supported by this QEMU (%s); ignored", x->caps_desc);
    if (dom->nosharepages || dom->keywrap_aes || dom->keywrap_dea)
        qemu_warn(x, dom->pos, "<%s> not supported by this QEMU (%s); ignored",
                  dom->nosharepages ? "nosharepages/" : "keywrap", x->caps_desc);
    return ok;
}

static bool legacy_boot(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    const ir_os *os = &dom->os;
    bool ok = true;
    for (size_t i = 0; i < dom->ndevices; i++)
        if (qemu_dev_boot_order(&dom->devices[i]) > 0)
            ok = qemu_unsupported(x, dom->devices[i].pos, "per-device boot order");
    if (os->type && strcmp(os->type, "hvm") != 0 &&
        !(dom->type == IR_VIRT_XEN && qemu_has(x, QEMU_CAP_DOMID)))
        ok = qemu_unsupported(x, os->pos, "OS type '%s'", os->type);
    if (os->init)
        ok = qemu_unsupported(x, os->pos, "container init");
    if (os->dtb)
        ok = qemu_unsupported(x, os->pos, "device tree");
    if (os->nvram || vc_streq(os->loader_type, "pflash"))
        ok = qemu_unsupported(x, os->pos, "pflash firmware");
    if (os->bootmenu == IR_TRI_YES)
        qemu_warn(x, os->pos, "boot menu not supported by this QEMU (%s); ignored",
                  x->caps_desc);

    if (dom->bootloader) {
        qemu_arg2(x, "-bootloader", dom->bootloader);
        if (dom->bootloader_args)
            qemu_warn(x, dom->pos, "bootloader arguments not supported by this QEMU (%s); "
                      "ignored", x->caps_desc);
        return ok;
    }
    char letters[IR_BOOT_LAST + 1];
    size_t n = 0;
    for (size_t i = 0; i < os->nboot && n < IR_BOOT_LAST; i++)
        if (legacy_boot_letter[os->boot[i]])
            letters[n++] = legacy_boot_letter[os->boot[i]];
    if (n == 0)
        letters[n++] = 'c';         /* the default boot device: the first disk */
    letters[n] = '\0';
    qemu_arg2(x, "-boot", letters);
    if (os->loader) {
        qemu_arg2(x, "-bios", os->loader);
        qemu_resource_add(x, os->loader, QEMU_RES_FILE, true);
    }
    qemu_kernel_boot(x);
    return ok;
}

/* ---- controllers ---------------------------------------------------------- */

/* The controllers a PC of this era has without being asked; the document
 * may name them (libvirt adds them), but nothing else. */
static const struct {
    const char *type;
    const char *model;     /* NULL: no model given */
} legacy_implicit_controllers[] = {
    { "ide", NULL }, { "ide", "piix3" }, { "ide", "piix4" },
    { "fdc", NULL },
    { "pci", NULL }, { "pci", "pci-root" },
    { "usb", NULL }, { "usb", "piix3-uhci" }, { "usb", "none" },
    { "scsi", NULL }, { "scsi", "lsilogic" },
};

static bool legacy_controller(qemu_ctx *x, const ir_device *dev)
{
    const ir_controller *c = &dev->u.controller;
    if (c->index <= 0) {
        for (size_t i = 0; i < VC_ARRAY_SIZE(legacy_implicit_controllers); i++) {
            if (vc_streq(c->type, legacy_implicit_controllers[i].type) &&
                vc_streq(c->model, legacy_implicit_controllers[i].model)) {
                legacy_addr_check(x, dev, &c->addr);
                return true;
            }
        }
    }
    if (c->model)
        return qemu_unsupported(x, dev->pos, "controller '%s' (model '%s', index %d)",
                                qemu_str_or(c->type, "?"), c->model, c->index);
    return qemu_unsupported(x, dev->pos, "controller '%s' (index %d)",
                            qemu_str_or(c->type, "?"), c->index);
}

/* -usb, unless the document turned the USB controller off. */
static bool legacy_usb_controller_off(const qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *dev = &x->dom->devices[i];
        if (dev->kind == IR_DEV_CONTROLLER && vc_streq(dev->u.controller.type, "usb") &&
            vc_streq(dev->u.controller.model, "none"))
            return true;
    }
    return false;
}

static bool legacy_usb(qemu_ctx *x)
{
    if (qemu_has(x, QEMU_CAP_USB_OPT) && !legacy_usb_controller_off(x))
        qemu_arg(x, "-usb");
    return true;
}

/* A -usbdevice needs the USB bus and the option. */
static bool legacy_usbdevice(qemu_ctx *x, const ir_device *dev, char *what)
{
    if (!qemu_has(x, QEMU_CAP_USBDEVICE) || !qemu_has(x, QEMU_CAP_USB_OPT)) {
        qemu_unsupported(x, dev->pos, "USB device '%s'", what);
        free(what);
        return false;
    }
    if (legacy_usb_controller_off(x)) {
        qemu_error(x, dev->pos, "USB device '%s' needs a USB controller, but its model is "
                   "'none'", what);
        free(what);
        return false;
    }
    qemu_arg2_take(x, "-usbdevice", what);
    return true;
}

/* ---- disks ---------------------------------------------------------------- */

static bool legacy_disk_cache(qemu_ctx *x, const ir_device *dev, vc_buf *opt)
{
    const ir_disk *disk = &dev->u.disk;
    bool v2 = qemu_has(x, QEMU_CAP_DRIVE_CACHE_V2);
    const char *mode = disk->driver_cache;
    if (!mode || strcmp(mode, "default") == 0) {
        /* A disk shared between hosts must not sit in one host's cache. */
        if (disk->shareable && !disk->readonly)
            qemu_opt_add(opt, "cache", v2 ? "none" : "off");
        return true;
    }
    int i = QEMU_TABLE_FIND(legacy_cache_modes, mode, mode);
    const char *q = i < 0 ? NULL : v2 ? legacy_cache_modes[i].v2 : legacy_cache_modes[i].v1;
    if (!q)
        return qemu_unsupported(x, dev->pos, "disk cache mode '%s'", mode);
    qemu_opt_add(opt, "cache", q);
    return true;
}

/* -drive file=...,if=...[,media=cdrom],index=N[,boot=on][,format=][,cache=] */
static bool legacy_drive(qemu_ctx *x, const ir_device *dev, const char *iface, int index)
{
    const ir_disk *disk = &dev->u.disk;
    vc_buf opt;
    vc_buf_init(&opt);
    qemu_opt_add(&opt, "file", qemu_str_or(disk->source, ""));
    qemu_opt_add(&opt, "if", iface);
    if (disk->device == IR_DISK_DEV_CDROM)
        qemu_opt_add(&opt, "media", "cdrom");
    vc_buf_printf(&opt, ",index=%d", index);
    if (qemu_has(x, QEMU_CAP_DRIVE_BOOT) && disk->device == IR_DISK_DEV_DISK &&
        !x->drive_boot_done) {
        for (size_t i = 0; i < x->dom->os.nboot; i++) {
            if (x->dom->os.boot[i] == IR_BOOT_HD) {
                vc_buf_puts(&opt, ",boot=on");
                x->drive_boot_done = true;
                break;
            }
        }
    }
    if (disk->driver_type) {
        if (qemu_has(x, QEMU_CAP_DRIVE_FORMAT))
            qemu_opt_add(&opt, "format", disk->driver_type);
        else
            qemu_warn(x, dev->pos, "disk format not supported by this QEMU (%s); it probes "
                      "the format of '%s' (declared '%s')", x->caps_desc,
                      qemu_str_or(disk->source, ""), disk->driver_type);
    }
    if (!legacy_disk_cache(x, dev, &opt)) {
        vc_buf_free(&opt);
        return false;
    }
    qemu_arg2_take(x, "-drive", vc_buf_steal(&opt));
    return true;
}

/* Binaries without -drive: -hda..-hdd, -cdrom (the third IDE slot) and
 * -fda/-fdb; any other disk has no form there. */
static bool legacy_disk_switch(qemu_ctx *x, const ir_device *dev, ir_disk_bus bus, int index)
{
    const ir_disk *disk = &dev->u.disk;
    const char *target = qemu_str_or(disk->target_dev, "?");
    if (disk->device == IR_DISK_DEV_CDROM) {
        if (bus != IR_BUS_IDE || index != 2)
            return qemu_unsupported(x, dev->pos, "CD-ROM '%s' other than hdc", target);
        if (!disk->source) {
            qemu_warn(x, dev->pos, "CD-ROM '%s' has no medium; QEMU gives hdc an empty "
                      "drive", target);
            return true;
        }
        /* QEMU turns -cdrom/-hdX/-fdX into a -drive string of its own. */
        if (!legacy_plain(x, dev->pos, "disk source", disk->source, ","))
            return false;
        qemu_arg2(x, "-cdrom", disk->source);
        return true;
    }
    if (bus == IR_BUS_IDE && index < 4)
        qemu_argf(x, "-hd%c", 'a' + index);
    else if (bus == IR_BUS_FDC && index < 2)
        qemu_argf(x, "-fd%c", 'a' + index);
    else
        return qemu_unsupported(x, dev->pos, "disk '%s' on bus '%s'", target,
                                qemu_str_or(ir_disk_bus_name(bus), "?"));
    if (!disk->source)
        return qemu_error(x, dev->pos, "disk '%s' has no source", target);
    if (!legacy_plain(x, dev->pos, "disk source", disk->source, ","))
        return false;
    qemu_arg(x, disk->source);
    return true;
}

static bool legacy_disk_checks(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    bool ok = qemu_disk_type_ok(x, dev, false);
    if (disk->device == IR_DISK_DEV_LUN)
        ok = qemu_unsupported(x, dev->pos, "disk device 'lun'");
    ok = qemu_disk_driver_ok(x, dev) && ok;
    if (disk->readonly && disk->device != IR_DISK_DEV_CDROM)
        ok = qemu_unsupported(x, dev->pos, "read-only disk");
    if (disk->serial)
        ok = qemu_unsupported(x, dev->pos, "disk serial number");
    ok = qemu_disk_encryption_ok(x, dev) && ok;
    if (disk->driver_io)
        qemu_warn(x, dev->pos, "disk I/O mode not supported by this QEMU (%s); ignored",
                  x->caps_desc);
    if (disk->driver_error_policy || disk->driver_rerror_policy)
        qemu_warn(x, dev->pos, "disk error policy (werror=/rerror=) not supported by this "
                  "QEMU (%s); ignored", x->caps_desc);
    if (!disk->source && disk->device == IR_DISK_DEV_DISK)
        ok = qemu_error(x, dev->pos, "disk '%s' has no source",
                        qemu_str_or(disk->target_dev, "?"));
    return ok;
}

static bool legacy_disk(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    if (!legacy_disk_checks(x, dev))
        return false;
    legacy_addr_check(x, dev, &disk->addr);
    bool ro = disk->readonly || disk->device == IR_DISK_DEV_CDROM;
    if (disk->source)
        qemu_resource_add(x, disk->source,
                          disk->type == IR_DISK_TYPE_BLOCK ? QEMU_RES_BLOCK : QEMU_RES_FILE, ro);

    ir_disk_bus bus = qemu_disk_bus(disk);
    if (bus == IR_BUS_USB) {
        if (disk->device != IR_DISK_DEV_DISK)
            return qemu_unsupported(x, dev->pos, "USB disk device '%s'",
                                    qemu_str_or(ir_disk_device_name(disk->device), "?"));
        /* disk:[format=FMT:]PATH */
        if (!legacy_plain(x, dev->pos, "USB disk source", disk->source, ",:"))
            return false;
        return legacy_usbdevice(x, dev, vc_xasprintf("disk:%s", disk->source));
    }
    int index = ir_disk_target_index(disk->target_dev);
    if (index < 0)
        return qemu_error(x, dev->pos, "disk target '%s' is not a valid device name",
                          qemu_str_or(disk->target_dev, ""));
    if (!qemu_has(x, QEMU_CAP_DRIVE))
        return legacy_disk_switch(x, dev, bus, index);
    const char *iface = (unsigned)bus < IR_BUS_LAST ? legacy_drive_if[bus] : NULL;
    if (!iface)
        return qemu_unsupported(x, dev->pos, "disk bus '%s'",
                                qemu_str_or(ir_disk_bus_name(bus), "?"));
    return legacy_drive(x, dev, iface, index);
}

/* ---- network -------------------------------------------------------------- */

static bool legacy_net_none(qemu_ctx *x)
{
    qemu_arg2(x, "-net", "none");
    return true;
}

/* "addr:port" of a socket backend; the port is required. */
static bool legacy_net_socket(qemu_ctx *x, const ir_device *dev, vc_buf *b, const char *mode)
{
    const ir_net *net = &dev->u.net;
    if (!qemu_net_socket_ok(x, dev))
        return false;
    vc_buf_printf(b, "socket,%s=", mode);
    qemu_opt_escape(b, qemu_str_or(net->source_address, ""));
    vc_buf_putc(b, ':');
    qemu_opt_escape(b, net->source_port);
    return true;
}

/* tap[,ifname=][,script=]: the host side of network, bridge and ethernet. */
static void legacy_net_tap(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_net *net = &dev->u.net;
    vc_buf_puts(b, "tap");
    qemu_net_tap_ifname(x, net, b);
    if (net->script)
        qemu_opt_add(b, "script", net->script);
    qemu_resource_add(x, "/dev/net/tun", QEMU_RES_CHARDEV, false);
    /* A converter cannot create the tap device nor learn a network's bridge;
     * QEMU then runs its default /etc/qemu-ifup on the new tap. */
    if (net->type == IR_NET_NETWORK)
        qemu_warn(x, dev->pos, "interface on network '%s': its bridge is known only to a "
                  "running host; the tap device is left for the caller to attach",
                  qemu_str_or(net->source_network, ""));
    else if (net->type == IR_NET_BRIDGE && !net->script)
        qemu_warn(x, dev->pos, "interface on bridge '%s': this QEMU cannot join a bridge; "
                  "the tap device is left for the caller (or QEMU's default script) to "
                  "attach", qemu_str_or(net->source_bridge, ""));
}

static bool legacy_net_host(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_net *net = &dev->u.net;
    switch (net->type) {
    case IR_NET_USER:
        vc_buf_puts(b, "user");
        return true;
    case IR_NET_NETWORK:
    case IR_NET_BRIDGE:
    case IR_NET_ETHERNET:
        legacy_net_tap(x, dev, b);
        return true;
    case IR_NET_SERVER:
        return legacy_net_socket(x, dev, b, "listen");
    case IR_NET_CLIENT:
        return legacy_net_socket(x, dev, b, "connect");
    case IR_NET_MCAST:
        return legacy_net_socket(x, dev, b, "mcast");
    default:
        return qemu_unsupported(x, dev->pos, "interface type '%s'",
                                qemu_str_or(ir_net_type_name(net->type), "?"));
    }
}

static bool legacy_interface(qemu_ctx *x, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    if (!qemu_has(x, QEMU_CAP_NET_LEGACY))
        return qemu_unsupported(x, dev->pos, "network interface");
    if (net->model && !legacy_name_ok(net->model))
        return qemu_error(x, dev->pos, "interface model '%s' is not a valid QEMU NIC name",
                          net->model);
    if (vc_streq(net->driver_name, "vhost"))
        qemu_warn(x, dev->pos, "vhost not supported by this QEMU (%s); ignored", x->caps_desc);
    legacy_addr_check(x, dev, &net->addr);

    vc_buf host;
    vc_buf_init(&host);
    if (!legacy_net_host(x, dev, &host)) {
        vc_buf_free(&host);
        return false;
    }
    int vlan = x->vlan++;
    vc_buf nic;
    vc_buf_init(&nic);
    vc_buf_puts(&nic, "nic");
    if (net->mac)
        vc_buf_printf(&nic, ",macaddr=%s", net->mac);
    vc_buf_printf(&nic, ",vlan=%d", vlan);
    if (net->model)
        vc_buf_printf(&nic, ",model=%s", net->model);
    qemu_arg2_take(x, "-net", vc_buf_steal(&nic));
    vc_buf_printf(&host, ",vlan=%d", vlan);
    qemu_arg2_take(x, "-net", vc_buf_steal(&host));
    return true;
}

/* ---- character devices ---------------------------------------------------- */

/* tcp:, telnet:, unix: listen when the document binds. */
static bool legacy_chr_listens(const ir_chr *c)
{
    return vc_streq(c->mode, "bind");
}

static char *legacy_chr_str(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    const char *what = ir_chr_kind_name(c->kind);
    legacy_chr_form form = (unsigned)c->type < IR_CHR_LAST ? legacy_chr_forms[c->type].form : 0;
    if (!form) {
        qemu_unsupported(x, dev->pos, "%s of type '%s'", what,
                         qemu_str_or(ir_chr_type_name(c->type), "?"));
        return NULL;
    }
    const char *word = legacy_chr_forms[c->type].word;
    vc_buf b;
    vc_buf_init(&b);
    switch (form) {
    case LEGACY_CHR_WORD:
        vc_buf_puts(&b, word);
        break;
    case LEGACY_CHR_PATH:
        /* The rest of file:PATH is the path, commas and all; a device path
         * that is not absolute could read as another backend (tcp:...). */
        if (!qemu_chr_path_ok(x, dev)) {
            vc_buf_free(&b);
            return NULL;
        }
        if (c->type == IR_CHR_DEV && c->path[0] != '/') {
            qemu_error(x, dev->pos, "%s device path '%s' is not absolute", what, c->path);
            vc_buf_free(&b);
            return NULL;
        }
        vc_buf_printf(&b, "%s%s", word, c->path);
        qemu_resource_add(x, c->path, legacy_chr_forms[c->type].res, false);
        break;
    case LEGACY_CHR_TCP:
        /* tcp:HOST:PORT[,server,nowait]: no ':' in a host (no IPv6 here). */
        if (!qemu_chr_tcp_ok(x, dev) || !legacy_plain(x, dev->pos, "host", c->host, ",:@") ||
            !legacy_plain(x, dev->pos, "service", c->service, ",:@")) {
            vc_buf_free(&b);
            return NULL;
        }
        vc_buf_printf(&b, "%s%s:%s", vc_streq(c->protocol, "telnet") ? "telnet:" : word,
                      qemu_str_or(c->host, ""), c->service);
        if (legacy_chr_listens(c))
            vc_buf_puts(&b, ",server,nowait");
        break;
    case LEGACY_CHR_UDP:
        /* udp:HOST:PORT[@BINDHOST:BINDPORT] */
        if (!qemu_chr_udp_ok(x, dev) || !legacy_plain(x, dev->pos, "host", c->host, ",:@") ||
            !legacy_plain(x, dev->pos, "service", c->service, ",:@") ||
            !legacy_plain(x, dev->pos, "bind host", c->bind_host, ",:@") ||
            !legacy_plain(x, dev->pos, "bind service", c->bind_service, ",:@")) {
            vc_buf_free(&b);
            return NULL;
        }
        vc_buf_printf(&b, "%s%s:%s", word, qemu_str_or(c->host, ""), c->service);
        if (c->bind_host || c->bind_service)
            vc_buf_printf(&b, "@%s:%s", qemu_str_or(c->bind_host, ""),
                          qemu_str_or(c->bind_service, ""));
        break;
    case LEGACY_CHR_UNIX:
        /* unix:PATH[,server,nowait]: the path ends at the first comma. */
        if (!qemu_chr_path_ok(x, dev) || !legacy_plain(x, dev->pos, "socket path", c->path, ",")) {
            vc_buf_free(&b);
            return NULL;
        }
        vc_buf_puts(&b, word);
        vc_buf_puts(&b, c->path);
        if (legacy_chr_listens(c))
            vc_buf_puts(&b, ",server,nowait");
        qemu_resource_add(x, c->path, QEMU_RES_SOCKET, false);
        break;
    }
    return vc_buf_steal(&b);
}

static bool legacy_chr_emit(qemu_ctx *x, const ir_device *dev, const char *opt)
{
    legacy_addr_check(x, dev, &dev->u.chr.addr);
    char *s = legacy_chr_str(x, dev);
    if (!s)
        return false;
    qemu_arg2_take(x, opt, s);
    return true;
}

static const ir_device *legacy_first_console(const qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *dev = &x->dom->devices[i];
        if (dev->kind == IR_DEV_CHR && dev->u.chr.kind == IR_CHRDEV_CONSOLE)
            return dev;
    }
    return NULL;
}

static bool legacy_serial_none(qemu_ctx *x)
{
    const ir_device *con = legacy_first_console(x);
    if (con && qemu_console_is_serial(&con->u.chr))
        return legacy_chr_emit(x, con, "-serial");
    qemu_arg2(x, "-serial", "none");
    return true;
}

static bool legacy_parallel_none(qemu_ctx *x)
{
    qemu_arg2(x, "-parallel", "none");
    return true;
}

static bool legacy_chr(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    switch (c->kind) {
    case IR_CHRDEV_SERIAL:
        if (c->target_type && strcmp(c->target_type, "isa-serial") != 0)
            return qemu_unsupported(x, dev->pos, "serial target '%s'", c->target_type);
        return legacy_chr_emit(x, dev, "-serial");
    case IR_CHRDEV_PARALLEL:
        return legacy_chr_emit(x, dev, "-parallel");
    case IR_CHRDEV_CONSOLE:
        /* The first one was written with the serial ports. */
        if (x->nconsole++ == 0 && qemu_console_is_serial(c))
            return true;
        if (!qemu_console_is_serial(c))
            return qemu_unsupported(x, dev->pos, "console target '%s'", c->target_type);
        return qemu_unsupported(x, dev->pos, "a second console");
    default:
        /* A channel needs -chardev and -device. */
        return qemu_unsupported(x, dev->pos, "%s",
                                qemu_str_or(ir_chr_kind_name(c->kind), "character device"));
    }
}

/* ---- input, graphics, video, sound ---------------------------------------- */

static bool legacy_input(qemu_ctx *x, const ir_device *dev)
{
    const ir_input *in = &dev->u.input;
    const char *bus = qemu_str_or(in->bus, "ps2");
    legacy_addr_check(x, dev, &in->addr);
    /* The PC's PS/2 mouse and keyboard, and Xen's, exist without being asked. */
    if ((strcmp(bus, "ps2") == 0 || strcmp(bus, "xen") == 0) &&
        (vc_streq(in->type, "mouse") || vc_streq(in->type, "keyboard")))
        return true;
    int i = strcmp(bus, "usb") == 0 ? QEMU_TABLE_FIND(legacy_usb_inputs, type, in->type) : -1;
    if (i >= 0)
        return legacy_usbdevice(x, dev, vc_xstrdup(legacy_usb_inputs[i].usbdevice));
    return qemu_unsupported(x, dev->pos, "input device '%s' on bus '%s'",
                            qemu_str_or(in->type, "?"), bus);
}

static bool legacy_vnc(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    vc_buf b;
    vc_buf_init(&b);
    int display = 0;
    if (g->socket) {
        if (!qemu_has(x, QEMU_CAP_VNC_COLON))
            return qemu_unsupported(x, dev->pos, "VNC on a unix socket");
        if (!legacy_plain(x, dev->pos, "VNC socket path", g->socket, ","))
            return false;
        vc_buf_puts(&b, "unix:");
        vc_buf_puts(&b, g->socket);
        qemu_resource_add(x, g->socket, QEMU_RES_SOCKET, false);
    } else if (!qemu_vnc_display(x, dev, &display)) {
        return false;
    } else if (qemu_has(x, QEMU_CAP_VNC_COLON)) {
        /* HOST:DISPLAY[,password]: a comma in the address would add options. */
        if (!legacy_plain(x, dev->pos, "VNC listen address", qemu_display_listen(x, g), ","))
            return false;
        qemu_vnc_addr(&b, qemu_display_listen(x, g), display);
    } else {
        if (g->listen)
            qemu_warn(x, dev->pos, "VNC listen address not supported by this QEMU (%s); it "
                      "listens on every address", x->caps_desc);
        vc_buf_printf(&b, "%d", display);
    }
    if (g->websocket || g->share_policy)
        qemu_warn(x, dev->pos, "VNC websocket and sharePolicy not supported by this QEMU (%s); "
                  "ignored", x->caps_desc);
    if (g->passwd) {
        /* The password itself never goes on a command line (any user can read
         * it there); it is set over the monitor once QEMU runs. */
        vc_buf_puts(&b, ",password");
        qemu_warn(x, dev->pos, "the VNC password is not on the command line; set it over "
                  "the monitor (change vnc password) before starting the guest");
    }
    qemu_arg2_take(x, "-vnc", vc_buf_steal(&b));
    if (g->keymap)
        qemu_arg2(x, "-k", g->keymap);
    return true;
}

static bool legacy_sdl(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    qemu_sdl_env(x, g);
    if (g->fullscreen == IR_TRI_YES)
        qemu_arg(x, "-full-screen");
    /* Without -sdl, SDL is what such a QEMU shows when not told otherwise. */
    if (qemu_has(x, QEMU_CAP_SDL))
        qemu_arg(x, "-sdl");
    if (g->keymap)
        qemu_arg2(x, "-k", g->keymap);
    return true;
}

/* True when dev is the first device of its kind: this generation has one
 * display and one video adapter per guest. */
static bool legacy_first_of_kind(const qemu_ctx *x, const ir_device *dev)
{
    for (size_t i = 0; i < x->dom->ndevices && &x->dom->devices[i] != dev; i++)
        if (x->dom->devices[i].kind == dev->kind)
            return false;
    return true;
}

static bool legacy_graphics(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    if (!legacy_first_of_kind(x, dev))
        return qemu_unsupported(x, dev->pos, "a second graphics device");
    switch (g->type) {
    case IR_GFX_VNC:
        return legacy_vnc(x, dev);
    case IR_GFX_SDL:
        return legacy_sdl(x, dev);
    default:
        return qemu_unsupported(x, dev->pos, "graphics type '%s'",
                                qemu_str_or(ir_graphics_type_name(g->type), "?"));
    }
}

static bool legacy_video(qemu_ctx *x, const ir_device *dev)
{
    const ir_video *v = &dev->u.video;
    const char *model = qemu_str_or(v->model, "cirrus");
    if (!legacy_first_of_kind(x, dev))
        return qemu_unsupported(x, dev->pos, "a second video adapter");
    legacy_addr_check(x, dev, &v->addr);
    int i = QEMU_TABLE_FIND(legacy_video_models, model, model);
    const char *form = i < 0 ? NULL
                       : qemu_has(x, QEMU_CAP_VGA) ? legacy_video_models[i].vga
                                                   : legacy_video_models[i].novga;
    if (!form)
        return qemu_unsupported(x, dev->pos, "video model '%s'", model);
    if (!*form)
        return true;
    if (qemu_has(x, QEMU_CAP_VGA))
        qemu_arg2(x, "-vga", form);
    else
        qemu_arg(x, form);
    return true;
}

static bool legacy_sound(qemu_ctx *x, const ir_device *dev)
{
    const char *model = qemu_str_or(dev->u.sound.model, "?");
    if (!qemu_has(x, QEMU_CAP_SOUNDHW))
        return qemu_unsupported(x, dev->pos, "sound device");
    legacy_addr_check(x, dev, &dev->u.sound.addr);
    int i = QEMU_TABLE_FIND(legacy_sound_models, model, model);
    if (i < 0 || !legacy_sound_models[i].soundhw)
        return qemu_unsupported(x, dev->pos, "sound model '%s'", model);
    if (x->soundhw.len)
        vc_buf_putc(&x->soundhw, ',');
    vc_buf_puts(&x->soundhw, legacy_sound_models[i].soundhw);
    return true;
}

/* One -soundhw for every sound device. */
static bool legacy_soundhw(qemu_ctx *x)
{
    if (x->soundhw.len)
        qemu_arg2(x, "-soundhw", vc_buf_str(&x->soundhw));
    return true;
}

/* ---- host devices --------------------------------------------------------- */

static bool legacy_hostdev_usb(qemu_ctx *x, const ir_device *dev)
{
    qemu_usb_source src;
    if (!qemu_usb_host_source(x, dev, &src))
        return false;
    if (src.by_id)
        return legacy_usbdevice(x, dev, vc_xasprintf("host:%.4llx:%.4llx", src.vendor,
                                                     src.product));
    return legacy_usbdevice(x, dev, vc_xasprintf("host:%u.%u", src.bus, src.device));
}

static bool legacy_hostdev_pci(qemu_ctx *x, const ir_device *dev)
{
    const ir_address *a = &dev->u.hostdev.source_addr;
    if (!qemu_has(x, QEMU_CAP_PCIDEVICE))
        return qemu_unsupported(x, dev->pos, "PCI device assignment");
    if (a->domain != 0)
        return qemu_unsupported(x, dev->pos, "PCI device assignment from domain %04x",
                                a->domain);
    if (a->bus > 0xff || a->slot > 0x1f || a->function > 7)
        return qemu_error(x, dev->pos, "PCI address %x:%x.%x is out of range",
                          a->bus, a->slot, a->function);
    char *sys = vc_xasprintf("0000:%.2x:%.2x.%x", a->bus, a->slot, a->function);
    qemu_resource_add(x, sys, QEMU_RES_PCI, false);
    free(sys);
    qemu_arg2_take(x, "-pcidevice",
                   vc_xasprintf("host=%.2x:%.2x.%x", a->bus, a->slot, a->function));
    return true;
}

static bool legacy_hostdev(qemu_ctx *x, const ir_device *dev)
{
    const ir_hostdev *h = &dev->u.hostdev;
    if (!qemu_hostdev_mode_ok(x, dev))
        return false;
    legacy_addr_check(x, dev, &h->addr);
    switch (h->type) {
    case IR_HOSTDEV_USB:
        return legacy_hostdev_usb(x, dev);
    case IR_HOSTDEV_PCI:
        if (h->driver_name && strcmp(h->driver_name, "kvm") != 0)
            return qemu_unsupported(x, dev->pos, "PCI assignment driver '%s'", h->driver_name);
        return legacy_hostdev_pci(x, dev);
    default:
        return qemu_unsupported(x, dev->pos, "host device type '%s'",
                                qemu_str_or(ir_hostdev_type_name(h->type), "?"));
    }
}

/* ---- what this generation has no form for --------------------------------- */

static bool legacy_filesystem(qemu_ctx *x, const ir_device *dev)
{
    return qemu_unsupported(x, dev->pos, "filesystem passthrough");
}

static bool legacy_watchdog(qemu_ctx *x, const ir_device *dev)
{
    return qemu_unsupported(x, dev->pos, "watchdog '%s'",
                            qemu_str_or(dev->u.watchdog.model, "?"));
}

static bool legacy_rng(qemu_ctx *x, const ir_device *dev)
{
    return qemu_unsupported(x, dev->pos, "random number generator");
}

static bool legacy_memballoon(qemu_ctx *x, const ir_device *dev)
{
    const char *model = dev->u.memballoon.model;
    if (!model || strcmp(model, "none") == 0)
        return true;
    return qemu_unsupported(x, dev->pos, "memory balloon '%s'", model);
}

/* ---- the tables --------------------------------------------------------------- */

const qemu_dev_fn qemu_legacy_dev[IR_DEV_LAST] = {
    [IR_DEV_DISK] = legacy_disk,
    [IR_DEV_CONTROLLER] = legacy_controller,
    [IR_DEV_FILESYSTEM] = legacy_filesystem,
    [IR_DEV_INTERFACE] = legacy_interface,
    [IR_DEV_CHR] = legacy_chr,
    [IR_DEV_INPUT] = legacy_input,
    [IR_DEV_GRAPHICS] = legacy_graphics,
    [IR_DEV_SOUND] = legacy_sound,
    [IR_DEV_VIDEO] = legacy_video,
    [IR_DEV_HOSTDEV] = legacy_hostdev,
    [IR_DEV_WATCHDOG] = legacy_watchdog,
    [IR_DEV_MEMBALLOON] = legacy_memballoon,
    [IR_DEV_RNG] = legacy_rng,
    [IR_DEV_OTHER] = qemu_other,
};

const qemu_section qemu_legacy_sections[] = {
    QEMU_SEC(legacy_emulator),
    QEMU_SEC(legacy_machine),
    QEMU_SEC(qemu_cpu_custom),
    QEMU_SEC(legacy_accel),
    QEMU_SEC(legacy_memory),
    QEMU_SEC(legacy_smp),
    QEMU_SEC(legacy_identity),
    QEMU_SEC(legacy_nographic),
    QEMU_SEC(legacy_monitor),
    QEMU_SEC(legacy_clock),
    QEMU_SEC(legacy_lifecycle),
    QEMU_SEC(legacy_features),
    QEMU_SEC(legacy_boot),
    QEMU_DEV(IR_DEV_CONTROLLER, NULL),
    QEMU_DEV(IR_DEV_DISK, NULL),
    QEMU_DEV(IR_DEV_FILESYSTEM, NULL),
    QEMU_DEV(IR_DEV_INTERFACE, legacy_net_none),
    QEMU_CHR(IR_CHRDEV_SERIAL, legacy_serial_none),
    QEMU_CHR(IR_CHRDEV_PARALLEL, legacy_parallel_none),
    QEMU_CHR(IR_CHRDEV_CONSOLE, NULL),
    QEMU_CHR(IR_CHRDEV_CHANNEL, NULL),
    QEMU_SEC(legacy_usb),
    QEMU_DEV(IR_DEV_INPUT, NULL),
    QEMU_DEV(IR_DEV_GRAPHICS, NULL),
    QEMU_DEV(IR_DEV_VIDEO, NULL),
    QEMU_DEV(IR_DEV_SOUND, NULL),
    QEMU_SEC(legacy_soundhw),
    QEMU_DEV(IR_DEV_HOSTDEV, NULL),
    QEMU_DEV(IR_DEV_WATCHDOG, NULL),
    QEMU_DEV(IR_DEV_MEMBALLOON, NULL),
    QEMU_DEV(IR_DEV_RNG, NULL),
    QEMU_DEV(IR_DEV_OTHER, NULL),
    QEMU_SEC(qemu_extra),
    QEMU_SEC(qemu_cmdline),
};

const size_t qemu_legacy_nsections = VC_ARRAY_SIZE(qemu_legacy_sections);
