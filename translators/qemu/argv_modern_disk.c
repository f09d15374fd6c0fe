/*
 * argv_modern_disk.c: disks of the -device generation: the storage and
 * format nodes (-blockdev, or -drive if=none where QEMU lacks it) and the
 * disk device on its bus (IDE, SATA, SCSI, floppy, virtio, USB).
 */
#include "argv_modern_priv.h"

#include <stdlib.h>
#include <string.h>

/* Image formats a format node may name. */
static const char *const modern_formats[] = {
    "raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx", "cloop", "dmg",
    "parallels", "bochs", "luks",
};

/* cache= modes as the three switches QEMU has for them. */
static const struct {
    const char *mode;
    bool direct, no_flush, write_cache;
} modern_cache_modes[] = {
    { "none", true, false, true },
    { "writethrough", false, false, false },
    { "writeback", false, false, true },
    { "directsync", true, false, false },
    { "unsafe", false, true, true },
};

/* ---- SCSI and drive addresses of disks -------------------------------------- */

/* ---- disks ------------------------------------------------------------------------ */

typedef struct modern_disk_dev {
    const char *type;         /* QEMU device */
    char *bus_opts;           /* ",bus=...,unit=..." */
    char *id;
} modern_disk_dev;

/* The PIIX3 has one IDE controller of two buses, two units each; QEMU
 * refuses "ide.2" and unit 2 (libvirt writes them all the same). The error
 * points at the <address> that asks for it, or at the disk whose target
 * name implies it. */
static bool modern_ide_beyond(qemu_ctx *x, const ir_device *dev, const modern_drive_addr *a)
{
    const ir_disk *disk = &dev->u.disk;
    bool given = disk->addr.type == IR_ADDR_DRIVE;
    ir_pos pos = given && disk->addr.pos.line ? disk->addr.pos : dev->pos;
    return qemu_error(x, pos, "IDE disk '%s' at controller %u bus %u unit %u: the PIIX3 has "
                      "one IDE controller of buses 0 and 1, units 0 and 1 each%s",
                      qemu_str_or(disk->target_dev, "?"), a->controller, a->bus, a->unit,
                      given ? "" : " (use bus='sata' or 'scsi' for more disks)");
}

/* Which device and where, by bus and device kind. */

/* The virtio-blk-pci flavour a disk's model= names (NULL: another model). */
static const char *modern_disk_virtio_type(const ir_device *dev)
{
    char *model = modern_xml_attr(dev, "", "model");
    const char *type = modern_virtio_type("virtio-blk-pci", model);
    free(model);
    return type;
}
static bool modern_disk_where(qemu_ctx *x, const ir_device *dev, modern_disk_dev *out)
{
    const ir_disk *disk = &dev->u.disk;
    ir_disk_bus bus = qemu_disk_bus(disk);
    bool cd = disk->device == IR_DISK_DEV_CDROM;
    const char *target = qemu_str_or(disk->target_dev, "?");
    modern_drive_addr a;
    if (bus != IR_BUS_VIRTIO && bus != IR_BUS_USB && !modern_drive_addr_of(disk, bus, &a))
        return qemu_error(x, dev->pos, "disk target '%s' is not a valid device name", target);
    switch (bus) {
    case IR_BUS_IDE:
        if (x->modern->q35)
            return qemu_unsupported(x, dev->pos, "IDE disk '%s' on machine '%s' (use "
                                    "bus='sata')", target, x->modern->machine);
        if (a.controller != 0 || a.bus > 1 || a.unit > 1)
            return modern_ide_beyond(x, dev, &a);
        out->type = cd ? "ide-cd" : "ide-hd";
        out->bus_opts = vc_xasprintf(",bus=ide.%u,unit=%u", a.bus, a.unit);
        out->id = vc_xasprintf("ide%u-%u-%u", a.controller, a.bus, a.unit);
        return true;
    case IR_BUS_SATA:
        out->type = cd ? "ide-cd" : "ide-hd";
        if (x->modern->q35 && a.controller == 0)
            out->bus_opts = vc_xasprintf(",bus=ide.%u", a.unit);
        else
            out->bus_opts = vc_xasprintf(",bus=sata%u.%u", a.controller, a.unit);
        out->id = vc_xasprintf("sata%u-0-%u", a.controller, a.unit);
        return true;
    case IR_BUS_SCSI: {
        bool lun = modern_scsi_ctl_luns(x, a.controller);
        out->type = cd ? "scsi-cd" : disk->device == IR_DISK_DEV_LUN ? "scsi-block" : "scsi-hd";
        /* A bus with LUNs addresses channel, target and LUN; the LSI's one
         * target a unit. */
        if (lun) {
            out->bus_opts = vc_xasprintf(",bus=scsi%u.0,channel=%u,scsi-id=%u,lun=%u",
                                         a.controller, a.bus, a.target, a.unit);
            out->id = vc_xasprintf("scsi%u-%u-%u-%u", a.controller, a.bus, a.target, a.unit);
        } else {
            if (a.bus || a.target)
                return qemu_unsupported(x, dev->pos, "SCSI disk '%s' on bus %u target %u of "
                                        "an LSI controller", target, a.bus, a.target);
            out->bus_opts = vc_xasprintf(",bus=scsi%u.0,scsi-id=%u", a.controller, a.unit);
            out->id = vc_xasprintf("scsi%u-0-%u", a.controller, a.unit);
        }
        return true;
    }
    case IR_BUS_FDC:
        if (a.unit > 1)
            return qemu_error(x, dev->pos, "floppy '%s': a controller has units 0 and 1",
                              target);
        out->type = "floppy";
        out->bus_opts = vc_xasprintf(",unit=%u", a.unit);
        out->id = vc_xasprintf("fdc0-0-%u", a.unit);
        return true;
    case IR_BUS_VIRTIO:
        if (cd)
            return qemu_unsupported(x, dev->pos, "CD-ROM '%s' on bus 'virtio'", target);
        /* model='virtio-transitional' etc.: the flavour of virtio-blk-pci */
        if (!(out->type = modern_disk_virtio_type(dev)))
            return qemu_unsupported(x, dev->pos, "disk model of '%s'", target);
        out->bus_opts = vc_xstrdup("");
        out->id = vc_xasprintf("virtio-disk%d", ir_disk_target_index(disk->target_dev));
        return true;
    case IR_BUS_USB:
        if (cd)
            return qemu_unsupported(x, dev->pos, "CD-ROM '%s' on bus 'usb'", target);
        if (x->modern->usb_none)
            return qemu_error(x, dev->pos, "USB disk '%s' needs a USB controller, but its "
                              "model is 'none'", target);
        if (!modern_usb_needed(x, dev, "usb-storage"))
            return false;
        out->type = "usb-storage";
        out->bus_opts = vc_xstrdup(",bus=usb.0");
        out->id = vc_xasprintf("usb-disk%d", ir_disk_target_index(disk->target_dev));
        return true;
    default:
        return qemu_unsupported(x, dev->pos, "disk bus '%s'",
                                qemu_str_or(ir_disk_bus_name(bus), "?"));
    }
}

static int modern_cache_mode(const char *mode)
{
    return QEMU_TABLE_FIND(modern_cache_modes, mode, mode);
}

/* The storage node's driver and its own options, by disk type. */
static bool modern_storage_opts(qemu_ctx *x, const ir_device *dev, int node, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    switch (disk->type) {
    case IR_DISK_TYPE_NETWORK:
        return modern_disk_network(x, dev, node, b);
    case IR_DISK_TYPE_DIR:
        return modern_disk_dir(x, dev, b);
    case IR_DISK_TYPE_NVME:
        return modern_disk_nvme(x, dev, b);
    default: {
        bool blk = disk->type == IR_DISK_TYPE_BLOCK;
        const char *drv = !blk ? "file"
                          : disk->device == IR_DISK_DEV_CDROM && modern_host_is_cdrom(disk->source)
                              ? "host_cdrom"
                              : "host_device";
        vc_buf_printf(b, "driver=%s", drv);
        qemu_opt_add(b, "filename", disk->source);
        return true;
    }
    }
}

/* -blockdev storage node + format node; the secrets they name go first. */
static bool modern_blockdev(qemu_ctx *x, const ir_device *dev, const char *fmt, int cm,
                            bool ro, int node)
{
    vc_buf b;
    vc_buf_init(&b);
    if (!modern_storage_opts(x, dev, node, &b)) {
        vc_buf_free(&b);
        return false;
    }
    vc_buf_printf(&b, ",node-name=libvirt-%d-storage", node);
    if (cm >= 0)
        vc_buf_printf(&b, ",cache.direct=%s,cache.no-flush=%s",
                      modern_cache_modes[cm].direct ? "on" : "off",
                      modern_cache_modes[cm].no_flush ? "on" : "off");
    vc_buf_puts(&b, ",auto-read-only=on");
    vc_buf enc;
    vc_buf_init(&enc);
    fmt = modern_disk_encryption(x, dev, fmt, node, &enc);
    qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));

    vc_buf_init(&b);
    vc_buf_printf(&b, "node-name=libvirt-%d-format,read-only=%s", node, ro ? "on" : "off");
    if (cm >= 0)
        vc_buf_printf(&b, ",cache.direct=%s,cache.no-flush=%s",
                      modern_cache_modes[cm].direct ? "on" : "off",
                      modern_cache_modes[cm].no_flush ? "on" : "off");
    vc_buf_printf(&b, ",driver=%s", fmt);
    vc_buf_puts(&b, enc.len ? enc.data : "");
    vc_buf_free(&enc);
    vc_buf_printf(&b, ",file=libvirt-%d-storage", node);
    qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));
    return true;
}

/* QEMU without -blockdev: the same disk as -drive if=none. */
static bool modern_drive(qemu_ctx *x, const ir_device *dev, const char *fmt, int cm, bool ro,
                         const char *id)
{
    const ir_disk *disk = &dev->u.disk;
    if (disk->type != IR_DISK_TYPE_FILE && disk->type != IR_DISK_TYPE_BLOCK &&
        disk->type != IR_DISK_TYPE_NONE)
        return qemu_unsupported(x, dev->pos, "disk type '%s' without -blockdev",
                                ir_disk_type_name(disk->type));
    vc_buf b;
    vc_buf_init(&b);
    qemu_opt_add(&b, "file", disk->source);
    vc_buf_printf(&b, ",format=%s,if=none,id=drive-%s", fmt, id);
    if (ro)
        vc_buf_puts(&b, ",readonly=on");
    if (cm >= 0)
        vc_buf_printf(&b, ",cache=%s", modern_cache_modes[cm].mode);
    qemu_arg2_take(x, "-drive", vc_buf_steal(&b));
    return true;
}

static bool modern_disk_checks(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    bool ok = disk->type == IR_DISK_TYPE_DIR || disk->type == IR_DISK_TYPE_NVME ||
              qemu_disk_type_ok(x, dev, true);
    ok = qemu_disk_driver_ok(x, dev) && ok;
    ok = modern_disk_encryption_ok(x, dev) && ok;
    if (disk->type == IR_DISK_TYPE_DIR && disk->device != IR_DISK_DEV_FLOPPY &&
        disk->device != IR_DISK_DEV_DISK && disk->device != IR_DISK_DEV_NONE)
        ok = qemu_unsupported(x, dev->pos, "a '%s' of type 'dir'",
                              ir_disk_device_name(disk->device));
    if (disk->driver_io && strcmp(disk->driver_io, "threads") != 0)
        qemu_warn(x, dev->pos, "disk I/O mode '%s' is not converted", disk->driver_io);
    if (!disk->source && !disk->nhosts && disk->type != IR_DISK_TYPE_NVME &&
        disk->device != IR_DISK_DEV_CDROM &&
        disk->device != IR_DISK_DEV_FLOPPY)
        ok = qemu_error(x, dev->pos, "disk '%s' has no source",
                        qemu_str_or(disk->target_dev, "?"));
    if (disk->device == IR_DISK_DEV_LUN && qemu_disk_bus(disk) != IR_BUS_SCSI)
        ok = qemu_error(x, dev->pos, "a 'lun' disk must be on bus 'scsi'");
    /* An ATA hard disk cannot refuse writes; QEMU rejects a read-only one. */
    ir_disk_bus bus = qemu_disk_bus(disk);
    if (disk->readonly && disk->device != IR_DISK_DEV_CDROM &&
        (bus == IR_BUS_IDE || bus == IR_BUS_SATA))
        ok = qemu_unsupported(x, dev->pos, "read-only disk '%s' on bus '%s'",
                              qemu_str_or(disk->target_dev, "?"), ir_disk_bus_name(bus));
    return ok;
}

bool modern_disk(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    if (!modern_disk_checks(x, dev))
        return false;
    modern_disk_dev where = { 0 };
    if (!modern_disk_where(x, dev, &where))
        return false;
    bool ok = modern_need_device(x, dev->pos, where.type);
    const char *fmt = disk->driver_type ? disk->driver_type : "raw";
    if (strcmp(fmt, "aio") == 0)
        fmt = "raw";                        /* Xen's name for a raw image */
    if (strcmp(fmt, "fat") == 0 && disk->type == IR_DISK_TYPE_DIR)
        fmt = "raw";                        /* vvfat presents a raw FAT image */
    if (!qemu_str_in(fmt, modern_formats, VC_ARRAY_SIZE(modern_formats)))
        ok = qemu_error(x, dev->pos, "disk format '%s' is not an image format QEMU knows",
                        fmt);
    int cm = -1;
    if (disk->driver_cache && strcmp(disk->driver_cache, "default") != 0) {
        cm = modern_cache_mode(disk->driver_cache);
        if (cm < 0)
            ok = qemu_error(x, dev->pos, "disk cache mode '%s' is unknown", disk->driver_cache);
    } else if (disk->shareable && !disk->readonly) {
        cm = modern_cache_mode("none");     /* shared between hosts: no host cache */
    }
    bool ro = disk->readonly || disk->device == IR_DISK_DEV_CDROM;
    int node = x->modern->node[modern_devidx(x, dev)];
    if (ok && node) {
        if (disk->source && (disk->type == IR_DISK_TYPE_FILE ||
                             disk->type == IR_DISK_TYPE_BLOCK || disk->type == IR_DISK_TYPE_NONE))
            qemu_resource_add(x, disk->source,
                              disk->type == IR_DISK_TYPE_BLOCK ? QEMU_RES_BLOCK : QEMU_RES_FILE,
                              ro);
        if (qemu_has(x, QEMU_CAP_BLOCKDEV))
            ok = modern_blockdev(x, dev, fmt, cm, ro, node);
        else
            ok = modern_drive(x, dev, fmt, cm, ro, where.id);
    }
    if (ok) {
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_puts(&b, where.type);
        vc_buf_puts(&b, where.bus_opts);
        modern_dev_pci(x, dev, &b);
        if (node && qemu_has(x, QEMU_CAP_BLOCKDEV))
            vc_buf_printf(&b, ",drive=libvirt-%d-format", node);
        else if (node)
            vc_buf_printf(&b, ",drive=drive-%s", where.id);
        vc_buf_printf(&b, ",id=%s", where.id);
        int bi = x->modern->bootindex[modern_devidx(x, dev)];
        if (bi && modern_has_prop(x, where.type, "bootindex"))
            vc_buf_printf(&b, ",bootindex=%d", bi);
        if (disk->serial) {
            if (!modern_has_prop(x, where.type, "serial"))
                ok = qemu_unsupported(x, dev->pos, "a serial number on '%s'", where.type);
            qemu_opt_add(&b, "serial", disk->serial);
        }
        if (cm >= 0 && node && modern_has_prop(x, where.type, "write-cache"))
            vc_buf_printf(&b, ",write-cache=%s", modern_cache_modes[cm].write_cache ? "on" : "off");
        if (disk->shareable && modern_has_prop(x, where.type, "share-rw"))
            vc_buf_puts(&b, ",share-rw=on");
        if (ok)
            qemu_arg2_take(x, "-device", vc_buf_steal(&b));
        else
            vc_buf_free(&b);
    }
    free(where.bus_opts);
    free(where.id);
    return ok;
}

/* Floppies boot through the controller's properties. */
static bool modern_floppy_boot(qemu_ctx *x)
{
    const qemu_modern *m = x->modern;
    for (unsigned u = 0; u < 2; u++)
        if (m->fd_bootindex[u])
            qemu_arg2_take(x, "-global", vc_xasprintf("isa-fdc.bootindex%c=%d", 'A' + u,
                                                      m->fd_bootindex[u]));
    return true;
}

/* q35 has no floppy controller of its own. */
bool modern_fdc(qemu_ctx *x)
{
    bool any = false;
    for (size_t i = 0; i < x->dom->ndevices; i++)
        any = any || (x->dom->devices[i].kind == IR_DEV_DISK &&
                      qemu_disk_bus(&x->dom->devices[i].u.disk) == IR_BUS_FDC);
    if (!any)
        return true;
    if (!x->modern->q35)
        return modern_floppy_boot(x);
    if (!modern_need_device(x, x->dom->pos, "isa-fdc"))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "isa-fdc,id=fdc0");
    for (unsigned u = 0; u < 2; u++)
        if (x->modern->fd_bootindex[u])
            vc_buf_printf(&b, ",bootindex%c=%d", 'A' + u, x->modern->fd_bootindex[u]);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

