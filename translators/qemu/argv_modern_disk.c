/*
 * argv_modern_disk.c: disks of the -device generation: the storage and
 * format nodes (-blockdev, or -drive if=none where QEMU lacks it) and the
 * disk device on its bus (IDE, SATA, SCSI, floppy, virtio, USB).
 */
#include "argv_modern_priv.h"

#include <json-c/json.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../xmldoc.h"

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
    const char *props;        /* the device whose properties it has (a virtio
                               * flavour has its base device's); NULL: type */
    char *bus_opts;           /* ",bus=...,unit=..." */
    char *id;
} modern_disk_dev;

/* The PIIX3 has one IDE controller of two buses, two units each; QEMU
 * refuses "ide.2" and unit 2. libvirt writes a bus or unit the document
 * gives all the same, and so does a conversion (with a warning: it is
 * what libvirt runs); a launch (a runtime drives the guest: opts name its
 * monitor) refuses it before QEMU would. A second controller is refused
 * always: nothing names it. The diagnostic points at the <address> that
 * asks for it, or at the disk whose target name implies it. */
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
        if (a.controller != 0 || ((a.bus > 1 || a.unit > 1) && x->opts->monitor_socket))
            return modern_ide_beyond(x, dev, &a);
        if (a.bus > 1 || a.unit > 1)
            qemu_warn(x, disk->addr.pos.line ? disk->addr.pos : dev->pos,
                      "IDE disk '%s' at bus %u unit %u is written as the document says, but "
                      "the PIIX3's buses are 0 and 1, of units 0 and 1: QEMU will refuse it",
                      target, a.bus, a.unit);
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
    case IR_BUS_VIRTIO: {
        if (cd)
            return qemu_unsupported(x, dev->pos, "CD-ROM '%s' on bus 'virtio'", target);
        /* <disk model='virtio-transitional|virtio-non-transitional'> */
        char *model = dev->xml ? modern_xml_attr(dev, "", "model") : NULL;
        out->type = modern_virtio_type("virtio-blk-pci", model);
        out->props = "virtio-blk-pci";
        if (!out->type)
            qemu_error(x, dev->pos, "disk '%s': model '%s' is not a virtio model", target,
                       model);
        free(model);
        if (!out->type)
            return false;
        out->bus_opts = vc_xstrdup("");
        out->id = vc_xasprintf("virtio-disk%d", ir_disk_target_index(disk->target_dev));
        return true;
    }
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

/* <source><reservations managed='yes|no'>[<source type='unix' path=
 * mode='client'/>]</reservations>: SCSI persistent reservations of a lun
 * go through qemu-pr-helper, a privileged process on the host. A managed
 * helper is the host's, one for the guest at DOMDIR/pr-helper0.sock; an
 * unmanaged one listens where the document says. The object goes before
 * the node; *id names it (NULL: no reservations). */
static bool modern_reservations(qemu_ctx *x, const ir_device *dev, int node, char **id)
{
    *id = NULL;
    if (!dev->xml || !strstr(dev->xml, "<reservations"))
        return true;
    char *managed = modern_xml_attr(dev, "source/reservations", "managed");
    char *type = modern_xml_attr(dev, "source/reservations/source", "type");
    char *path = modern_xml_attr(dev, "source/reservations/source", "path");
    char *mode = modern_xml_attr(dev, "source/reservations/source", "mode");
    bool ok = true;
    bool yes = vc_streq(managed, "yes");
    if (!yes && !vc_streq(managed, "no"))
        ok = qemu_error(x, dev->pos, "<reservations managed='%s'>: expected 'yes' or 'no'",
                        qemu_str_or(managed, ""));
    else if (!yes && (!vc_streq(type, "unix") || !path || !*path ||
                      !vc_streq(qemu_str_or(mode, "client"), "client")))
        ok = qemu_error(x, dev->pos, "unmanaged <reservations> need <source type='unix' "
                        "path= mode='client'/>: the helper listens, QEMU connects");
    else if (dev->u.disk.device != IR_DISK_DEV_LUN)
        ok = qemu_unsupported(x, dev->pos, "persistent reservations on a disk that is not "
                              "device='lun'");
    if (ok) {
        char *sock = yes ? vc_xasprintf("%s/pr-helper0.sock", x->modern->domdir)
                         : vc_xstrdup(path);
        *id = yes ? vc_xstrdup("pr-helper0") : vc_xasprintf("pr-helper-libvirt-%d-storage", node);
        if (!yes || x->modern->pr_managed_first == modern_devidx(x, dev) + 1) {
            vc_buf b;
            vc_buf_init(&b);
            vc_buf_printf(&b, "pr-manager-helper,id=%s", *id);
            qemu_opt_add(&b, "path", sock);
            qemu_arg2_take(x, "-object", vc_buf_steal(&b));
            qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
            if (yes)
                qemu_warn(x, dev->pos, "persistent reservations go through a helper process "
                          "of the host: start qemu-pr-helper -k %s before the guest", sock);
        }
        free(sock);
    }
    free(managed);
    free(type);
    free(path);
    free(mode);
    return ok;
}

/* The storage node's driver and its own options, by disk type. */
static bool modern_storage_opts(qemu_ctx *x, const ir_device *dev, int node, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    switch (disk->type) {
    case IR_DISK_TYPE_NETWORK: {
        char *storage = vc_xasprintf("libvirt-%d-storage", node);
        bool ok = modern_disk_network(x, dev, storage, b);
        free(storage);
        return ok;
    }
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
        char *pr;
        if (!modern_reservations(x, dev, node, &pr))
            return false;
        vc_buf_printf(b, "driver=%s", drv);
        qemu_opt_add(b, "filename", disk->source);
        if (pr)
            vc_buf_printf(b, ",pr-manager=%s", pr);
        free(pr);
        return true;
    }
    }
}

static void modern_cache_opts(vc_buf *b, int cm)
{
    if (cm >= 0)
        vc_buf_printf(b, ",cache.direct=%s,cache.no-flush=%s",
                      modern_cache_modes[cm].direct ? "on" : "off",
                      modern_cache_modes[cm].no_flush ? "on" : "off");
}

/* The text of the element at path below an image's verbatim element
 * (NULL when absent), and its unit attribute. */
static char *modern_image_text(const ir_device *img, const char *path, char **unit)
{
    xmlDocPtr doc = modern_xml_parse(img->xml);
    xmlNodePtr n = doc ? xmlDocGetRootElement(doc) : NULL;
    for (const char *p = path; n && *p;) {
        size_t len = strcspn(p, "/");
        char *name = vc_xstrndup(p, len);
        n = xml_child(n, name);
        free(name);
        p += len + (p[len] == '/');
    }
    char *text = n ? xml_text(n) : NULL;
    *unit = n ? xml_prop(n, "unit") : NULL;
    xmlFreeDoc(doc);
    return text;
}

/* <metadata_cache><max_size unit=>N</max_size></metadata_cache>, under a
 * disk's <driver> or a backing image's <format>: qcow2's cache-size, in
 * bytes (a size's unit defaults to bytes). */
static bool modern_metadata_cache(qemu_ctx *x, const ir_device *img, const char *fmt, vc_buf *b)
{
    bool top = img->xml && strncmp(img->xml, "<disk", 5) == 0;
    char *unit = NULL;
    char *text = img->xml ? modern_image_text(img, top ? "driver/metadata_cache/max_size"
                                                       : "format/metadata_cache/max_size", &unit)
                          : NULL;
    unsigned long long v, scale;
    bool ok = true;
    if (text && (!vc_parse_ull(text, 10, &v) || !ir_unit_scale(unit, 1, &scale) ||
                 (scale && v > ULLONG_MAX / scale)))
        ok = qemu_error(x, img->pos, "disk '%s': metadata cache size '%s%s%s' is not a size",
                        qemu_str_or(img->u.disk.target_dev, "?"), text, unit ? " " : "",
                        qemu_str_or(unit, ""));
    else if (text && strcmp(fmt, "qcow2") != 0)
        ok = qemu_error(x, img->pos, "disk '%s': only a qcow2 image has a metadata cache (this one is '%s')",
                        qemu_str_or(img->u.disk.target_dev, "?"), fmt);
    else if (text)
        vc_buf_printf(b, ",cache-size=%llu", v * scale);
    free(text);
    free(unit);
    return ok;
}

/* <source><slices><slice type='storage' offset= size=/></slices>: the part of
 * the storage the image lives in; false when there is none. */
static bool modern_slice(qemu_ctx *x, const ir_device *img, unsigned long long *off,
                         unsigned long long *size, bool *ok)
{
    if (!img->xml || !strstr(img->xml, "<slices"))
        return false;
    char *type = modern_xml_attr(img, "source/slices/slice", "type");
    char *o = modern_xml_attr(img, "source/slices/slice", "offset");
    char *z = modern_xml_attr(img, "source/slices/slice", "size");
    bool have = o || z;
    if (have && (!vc_streq(qemu_str_or(type, "storage"), "storage") || !o || !z ||
                 !vc_parse_ull(o, 10, off) || !vc_parse_ull(z, 10, size)))
        *ok = qemu_error(x, img->pos, "disk '%s': a storage <slice> needs a numeric offset "
                         "and size", qemu_str_or(img->u.disk.target_dev, "?"));
    free(type);
    free(o);
    free(z);
    return have && *ok;
}

/* A -blockdev of ours in key=value form as QEMU's JSON form, for a node
 * that must say null (key=value has no null: "backing=null" names a node
 * "null"). Our values: on/off are booleans, digits integers, the rest
 * strings; a dotted key is a member of a nested object. */
static char *modern_keyval_json(const char *kv, const char *null_key)
{
    json_object *root = json_object_new_object();
    vc_buf val;
    vc_buf_init(&val);
    for (const char *p = kv; *p;) {
        size_t klen = strcspn(p, "=,");
        char *key = vc_xstrndup(p, klen);
        p += klen + (p[klen] == '=');
        val.len = 0;
        while (*p && !(p[0] == ',' && p[1] != ',')) {
            vc_buf_putc(&val, *p);
            p += p[0] == ',' ? 2 : 1;
        }
        p += *p == ',';
        json_object *o = root;
        char *leaf = key;
        for (char *dot; (dot = strchr(leaf, '.'));) {
            *dot = '\0';
            json_object *sub;
            if (!json_object_object_get_ex(o, leaf, &sub)) {
                sub = json_object_new_object();
                json_object_object_add(o, leaf, sub);
            }
            o = sub;
            leaf = dot + 1;
        }
        const char *v = vc_buf_str(&val);
        unsigned long long n;
        json_object *jv = strcmp(v, "on") == 0    ? json_object_new_boolean(1)
                          : strcmp(v, "off") == 0 ? json_object_new_boolean(0)
                          : vc_parse_ull(v, 10, &n) && n <= INT64_MAX
                              ? json_object_new_int64((int64_t)n)
                              : json_object_new_string(v);
        json_object_object_add(o, leaf, jv);
        free(key);
    }
    json_object_object_add(root, null_key, NULL);
    char *out = vc_xstrdup(json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    vc_buf_free(&val);
    return out;
}

/* The nodes of one image, a disk's or a backing image's: the storage node,
 * a raw slice node when the image is a slice its format node cannot cut
 * itself (any format but plain raw), then the format node. backing names
 * the format node below ("" for none said: QEMU opens none; NULL: the
 * image's own header decides). The secrets they name go first. */
static bool modern_image_nodes(qemu_ctx *x, const ir_device *img, const char *fmt, int cm,
                               bool ro, int node, const char *backing)
{
    vc_buf b;
    vc_buf_init(&b);
    if (!modern_storage_opts(x, img, node, &b)) {
        vc_buf_free(&b);
        return false;
    }
    vc_buf_printf(&b, ",node-name=libvirt-%d-storage", node);
    modern_cache_opts(&b, cm);
    vc_buf_puts(&b, ",auto-read-only=on");
    vc_buf enc;
    vc_buf_init(&enc);
    fmt = modern_disk_encryption(x, img, fmt, node, &enc);
    qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));

    bool ok = true;
    unsigned long long off = 0, size = 0;
    bool slice = modern_slice(x, img, &off, &size, &ok);
    char *file = vc_xasprintf("libvirt-%d-storage", node);
    if (slice && strcmp(fmt, "raw") != 0) {
        char *sl = vc_xasprintf("libvirt-%d-slice-sto", node);
        vc_buf_init(&b);
        vc_buf_printf(&b, "driver=raw,node-name=%s,offset=%llu,size=%llu,file=%s", sl, off,
                      size, file);
        vc_buf_puts(&b, ",auto-read-only=on");
        modern_cache_opts(&b, cm);
        qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));
        free(file);
        file = sl;
        slice = false;
    }

    vc_buf_init(&b);
    vc_buf_printf(&b, "node-name=libvirt-%d-format,read-only=%s", node, ro ? "on" : "off");
    modern_cache_opts(&b, cm);
    vc_buf_printf(&b, ",driver=%s", fmt);
    ok = modern_metadata_cache(x, img, fmt, &b) && ok;
    vc_buf_puts(&b, enc.len ? enc.data : "");
    vc_buf_free(&enc);
    if (slice)
        vc_buf_printf(&b, ",offset=%llu,size=%llu", off, size);
    vc_buf_printf(&b, ",file=%s", file);
    free(file);
    if (backing && *backing && modern_format_has_backing(fmt))
        vc_buf_printf(&b, ",backing=%s", backing);
    if (ok && backing && !*backing && modern_format_has_backing(fmt))
        qemu_arg2_take(x, "-blockdev", modern_keyval_json(vc_buf_str(&b), "backing"));
    else if (ok)
        qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));
    vc_buf_free(&b);
    return ok;
}

/* A disk's images from the deepest up, each format node naming the one
 * below; every image below the disk's is read-only. */
static bool modern_blockdev(qemu_ctx *x, const ir_device *dev, const char *fmt, int cm,
                            bool ro, int node)
{
    const modern_chain *c = &x->modern->chains[modern_devidx(x, dev)];
    bool ok = true;
    for (size_t k = c->n; ok && k-- > 0;) {
        const modern_backing *b = &c->v[k];
        char *below = k + 1 < c->n ? vc_xasprintf("libvirt-%d-format", c->v[k + 1].node)
                                   : vc_xstrdup(c->closed ? "" : NULL);
        if (b->dev.u.disk.type != IR_DISK_TYPE_NETWORK)
            qemu_resource_add(x, b->dev.u.disk.source,
                              b->dev.u.disk.type == IR_DISK_TYPE_BLOCK ? QEMU_RES_BLOCK
                                                                       : QEMU_RES_FILE, true);
        const char *bf = b->dev.u.disk.driver_type;
        if (!qemu_str_in(bf, modern_formats, VC_ARRAY_SIZE(modern_formats)))
            ok = qemu_error(x, dev->pos, "backing image format '%s' of disk '%s' is not an "
                            "image format QEMU knows", bf,
                            qemu_str_or(dev->u.disk.target_dev, "?"));
        else
            ok = modern_image_nodes(x, &b->dev, bf, cm, true, b->node, below);
        free(below);
    }
    char *below = c->n ? vc_xasprintf("libvirt-%d-format", c->v[0].node)
                       : vc_xstrdup(c->closed ? "" : NULL);
    ok = ok && modern_image_nodes(x, dev, fmt, cm, ro, node, below);
    free(below);
    return ok;
}

/* <driver copy_on_read='on'>: a copy-on-read filter above the format node,
 * "libvirt-CoR-TARGET", which the device then reads; *drive is the node the
 * device reads. */
static bool modern_copy_on_read(qemu_ctx *x, const ir_device *dev, int node, char **drive)
{
    char *cor = modern_xml_attr(dev, "driver", "copy_on_read");
    bool ok = true;
    if (cor && strcmp(cor, "on") != 0 && strcmp(cor, "off") != 0)
        ok = qemu_error(x, dev->pos, "copy_on_read='%s': expected 'on' or 'off'", cor);
    if (ok && vc_streq(cor, "on")) {
        *drive = vc_xasprintf("libvirt-CoR-%s", qemu_str_or(dev->u.disk.target_dev, "?"));
        qemu_arg2_take(x, "-blockdev", vc_xasprintf("driver=copy-on-read,node-name=%s,"
                                                    "file=libvirt-%d-format", *drive, node));
    } else {
        *drive = vc_xasprintf("libvirt-%d-format", node);
    }
    free(cor);
    return ok;
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


/* <driver error_policy= rerror_policy=> as the device's werror=/rerror=:
 * reads follow the write policy unless told otherwise, except enospace,
 * which has no read form (libvirt's rule). */
static bool modern_disk_errors(qemu_ctx *x, const ir_device *dev, const char *type, vc_buf *b)
{
    const char *w = dev->u.disk.driver_error_policy, *r = dev->u.disk.driver_rerror_policy;
    if (!w && !r)
        return true;
    if (!modern_has_prop(x, type, "werror"))
        return qemu_unsupported(x, dev->pos, "a disk error policy on '%s'", type);
    bool enospc = vc_streq(w, "enospace");
    if (w)
        qemu_opt_add(b, "werror", enospc ? "enospc" : w);
    if (!r && !enospc)
        r = w;
    if (r)
        qemu_opt_add(b, "rerror", r);
    return true;
}

static bool modern_disk_checks(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    bool ok = disk->type == IR_DISK_TYPE_DIR || disk->type == IR_DISK_TYPE_NVME ||
              disk->type == IR_DISK_TYPE_VOLUME || qemu_disk_type_ok(x, dev, true);
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

/* Whether a virtio PCI device keeps its legacy (0.9) interface: QEMU turns
 * it off only behind a PCI Express downstream port (a root port or a
 * switch's downstream port); on a root bus or a conventional PCI bus the
 * device is transitional. */
static bool modern_virtio_legacy(const qemu_ctx *x, const ir_device *dev)
{
    const modern_slot *s = modern_slot_of(x, dev);
    if (!s || s->bus == 0 || !x->modern->q35)
        return true;
    const ir_controller *c = modern_find_controller(x, "pci", (int)s->bus);
    return c && !vc_streq(c->model, "pcie-root-port") &&
           !vc_streq(c->model, "pcie-switch-downstream-port");
}

/* The virtio transport switches of a disk's <driver> (modern_virtio_opts
 * writes them), checked: QEMU refuses the IOMMU feature on a transitional
 * device, so a conversion writes it as libvirt does with a warning and a
 * launch refuses it first. */
static bool modern_virtio_driver_opts(qemu_ctx *x, const ir_device *dev, const char *type,
                                      vc_buf *b)
{
    modern_virtio_opts(x, dev, type, b);
    char *v = modern_virtio_attr(dev, "iommu");
    bool ok = true;
    if (vc_streq(v, "on") && modern_virtio_legacy(x, dev)) {
        if (x->opts->monitor_socket)
            ok = qemu_error(x, dev->pos, "disk '%s': QEMU refuses iommu='on' on a "
                            "transitional virtio device (one not behind a PCI Express "
                            "port)", qemu_str_or(dev->u.disk.target_dev, "?"));
        else
            qemu_warn(x, dev->pos, "disk '%s': iommu='on' is written as libvirt writes it, "
                      "but the device is transitional (not behind a PCI Express port): "
                      "QEMU will refuse it", qemu_str_or(dev->u.disk.target_dev, "?"));
    }
    free(v);
    return ok;
}

/* Whether all guest RAM is shared with other processes (what a vhost-user
 * back end maps): the one RAM backend, or every NUMA cell's. */
static bool modern_ram_shared(const qemu_modern *m)
{
    if (!m->ncells)
        return m->pc_ram.type && m->pc_ram.share == 1;
    for (size_t i = 0; i < m->ncells; i++)
        if (m->cells[i].ram.share != 1)
            return false;
    return true;
}

/* <disk type='vhostuser'><source type='unix' path=>[<reconnect enabled=
 * timeout=/>]</source>: the disk is served by another process over a
 * vhost-user socket (vhost-user-blk-pci); it maps guest RAM, so RAM must
 * be shared. No block nodes: QEMU never sees the image. */
static bool modern_disk_vhostuser(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    const char *target = qemu_str_or(disk->target_dev, "?");
    char *type = modern_xml_attr(dev, "source", "type");
    char *path = modern_xml_attr(dev, "source", "path");
    char *rec = modern_xml_attr(dev, "source/reconnect", "enabled");
    char *tmo = modern_xml_attr(dev, "source/reconnect", "timeout");
    char *queues = modern_xml_attr(dev, "driver", "queues");
    unsigned long long t = 0, q = 0;
    bool ok = modern_need_device(x, dev->pos, "vhost-user-blk-pci");
    if (qemu_disk_bus(disk) != IR_BUS_VIRTIO || disk->device != IR_DISK_DEV_DISK)
        ok = qemu_unsupported(x, dev->pos, "a vhost-user disk '%s' that is not a virtio disk",
                              target);
    else if (!vc_streq(type, "unix") || !path || !*path)
        ok = qemu_error(x, dev->pos, "vhost-user disk '%s' needs <source type='unix' path=>",
                        target);
    else if (vc_streq(rec, "yes") && (!tmo || !vc_parse_ull(tmo, 10, &t) || !t))
        ok = qemu_error(x, dev->pos, "vhost-user disk '%s': <reconnect enabled='yes'> needs "
                        "a timeout of 1 second or more", target);
    else if (queues && (!vc_parse_ull(queues, 10, &q) || !q || q > 65535))
        ok = qemu_error(x, dev->pos, "vhost-user disk '%s': queues='%s' is not 1..65535",
                        target, queues);
    else if (disk->readonly)
        ok = qemu_unsupported(x, dev->pos, "a read-only vhost-user disk '%s'", target);
    else if (!modern_ram_shared(x->modern))
        ok = qemu_error(x, dev->pos, "vhost-user disk '%s' needs shared guest memory "
                        "(<memoryBacking><access mode='shared'/> or memAccess='shared' on "
                        "every NUMA cell)", target);
    char *id = modern_dev_id(dev, vc_xasprintf("virtio-disk%d",
                                               ir_disk_target_index(disk->target_dev)));
    if (ok) {
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "socket,id=chr-vu-%s", id);
        qemu_opt_add(&b, "path", path);
        if (vc_streq(rec, "yes"))
            vc_buf_printf(&b, ",reconnect=%llu", t);
        qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
        qemu_resource_add(x, path, QEMU_RES_SOCKET, false);
        vc_buf_init(&b);
        vc_buf_puts(&b, "vhost-user-blk-pci");
        ok = modern_virtio_driver_opts(x, dev, "vhost-user-blk-pci", &b);
        if (q)
            vc_buf_printf(&b, ",num-queues=%llu", q);
        modern_dev_pci(x, dev, &b);
        vc_buf_printf(&b, ",chardev=chr-vu-%s,id=%s", id, id);
        int bi = x->modern->bootindex[modern_devidx(x, dev)];
        if (bi)
            vc_buf_printf(&b, ",bootindex=%d", bi);
        if (ok)
            qemu_arg2_take(x, "-device", vc_buf_steal(&b));
        vc_buf_free(&b);
    }
    free(id);
    free(type);
    free(path);
    free(rec);
    free(tmo);
    free(queues);
    return ok;
}

/* bus='sd': an SD card, which QEMU attaches only as -drive if=sd (there is
 * no -device for it); its index is the target's number. A PC has no SD
 * controller, so QEMU refuses the drive on x86: a conversion writes it as
 * libvirt does, with a warning, and a launch refuses it first. */
static bool modern_disk_sd(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    const char *target = qemu_str_or(disk->target_dev, "?");
    if (x->opts->monitor_socket && modern_is_x86(x))
        return qemu_unsupported(x, dev->pos, "SD card '%s' on an x86 machine (it has no SD "
                                "controller)", target);
    if (disk->type != IR_DISK_TYPE_FILE && disk->type != IR_DISK_TYPE_BLOCK)
        return qemu_unsupported(x, dev->pos, "an SD card of type '%s'",
                                qemu_str_or(ir_disk_type_name(disk->type), "?"));
    if (!disk->source)
        return qemu_error(x, dev->pos, "SD card '%s' has no source", target);
    const char *fmt = qemu_str_or(disk->driver_type, "raw");
    if (!qemu_str_in(fmt, modern_formats, VC_ARRAY_SIZE(modern_formats)))
        return qemu_error(x, dev->pos, "disk format '%s' is not an image format QEMU knows",
                          fmt);
    if (modern_is_x86(x))
        qemu_warn(x, dev->pos, "SD card '%s' is written as libvirt writes it, but an x86 "
                  "machine has no SD controller: QEMU will refuse it", target);
    vc_buf b;
    vc_buf_init(&b);
    qemu_opt_add(&b, "file", disk->source);
    vc_buf_printf(&b, ",format=%s,if=sd,index=%d", fmt, ir_disk_target_index(disk->target_dev));
    if (disk->readonly)
        vc_buf_puts(&b, ",readonly=on");
    qemu_arg2_take(x, "-drive", vc_buf_steal(&b));
    qemu_resource_add(x, disk->source,
                      disk->type == IR_DISK_TYPE_BLOCK ? QEMU_RES_BLOCK : QEMU_RES_FILE,
                      disk->readonly);
    return true;
}

/* <disk type='volume'><source pool= volume=/>: libvirt asks its storage
 * driver for the volume's path and kind (a file, a block device, a
 * directory, an iSCSI LUN), which depend on the pool's definition and on
 * the volume as the host has it now. A conversion has no storage driver:
 * the disk is refused, saying which volume and what to write instead. A
 * CD-ROM or floppy of type 'volume' without a <source> is an empty drive. */
static bool modern_disk_volume(qemu_ctx *x, const ir_device *dev)
{
    char *pool = modern_xml_attr(dev, "source", "pool");
    char *vol = modern_xml_attr(dev, "source", "volume");
    bool ok = qemu_error(x, dev->pos, "disk '%s' is volume '%s' of storage pool '%s': a pool "
                         "volume is resolved by a storage driver, which a conversion does not "
                         "have; write the volume's path (<disk type='file'> or 'block')",
                         qemu_str_or(dev->u.disk.target_dev, "?"), qemu_str_or(vol, ""),
                         qemu_str_or(pool, ""));
    free(pool);
    free(vol);
    return ok;
}

/* A virtio or USB disk's device id (virtio-diskN, usb-diskN: a user
 * alias stands instead) and an SD card's index are its target's index: a
 * name without one (xvdJP, which the front end takes with an <address>)
 * has none to give. */
static bool modern_disk_index_ok(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    ir_disk_bus bus = qemu_disk_bus(disk);
    bool by_id = !dev->alias && (bus == IR_BUS_VIRTIO || bus == IR_BUS_USB ||
                                 disk->type == IR_DISK_TYPE_VHOSTUSER);
    if ((!by_id && bus != IR_BUS_SD) || ir_disk_target_index(disk->target_dev) >= 0)
        return true;
    return qemu_error(x, dev->pos, "disk target '%s' has no index (a prefix then letters a-z, "
                      "e.g. vda) to number its %s with", qemu_str_or(disk->target_dev, ""),
                      bus == IR_BUS_SD ? "SD card" : "device id");
}

bool modern_disk(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    if (!modern_disk_index_ok(x, dev))
        return false;
    bool removable = disk->device == IR_DISK_DEV_CDROM || disk->device == IR_DISK_DEV_FLOPPY;
    if (disk->type == IR_DISK_TYPE_VOLUME && (!removable || (dev->xml &&
                                                             strstr(dev->xml, "<source"))))
        return modern_disk_volume(x, dev);
    if (disk->type == IR_DISK_TYPE_VHOSTUSER)
        return modern_disk_vhostuser(x, dev);
    if (qemu_disk_bus(disk) == IR_BUS_SD)
        return modern_disk_sd(x, dev);
    if (!modern_disk_checks(x, dev))
        return false;
    modern_disk_dev where = { 0 };
    if (!modern_disk_where(x, dev, &where))
        return false;
    where.id = modern_dev_id(dev, where.id);
    bool ok = modern_need_device(x, dev->pos, where.type);
    const char *props = where.props ? where.props : where.type;
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
    char *drive = NULL;
    if (ok && node) {
        if (disk->source && (disk->type == IR_DISK_TYPE_FILE ||
                             disk->type == IR_DISK_TYPE_BLOCK || disk->type == IR_DISK_TYPE_NONE))
            qemu_resource_add(x, disk->source,
                              disk->type == IR_DISK_TYPE_BLOCK ? QEMU_RES_BLOCK : QEMU_RES_FILE,
                              ro);
        if (qemu_has(x, QEMU_CAP_BLOCKDEV))
            ok = modern_blockdev(x, dev, fmt, cm, ro, node) &&
                 modern_copy_on_read(x, dev, node, &drive);
        else if (x->modern->chains[modern_devidx(x, dev)].n)
            ok = qemu_unsupported(x, dev->pos, "backing images without -blockdev");
        else
            ok = modern_drive(x, dev, fmt, cm, ro, where.id);
    }
    if (ok) {
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_puts(&b, where.type);
        if (qemu_disk_bus(disk) == IR_BUS_VIRTIO)
            ok = modern_virtio_driver_opts(x, dev, props, &b);
        vc_buf_puts(&b, where.bus_opts);
        modern_dev_pci(x, dev, &b);
        if (node && qemu_has(x, QEMU_CAP_BLOCKDEV))
            qemu_opt_add(&b, "drive", drive);
        else if (node)
            vc_buf_printf(&b, ",drive=drive-%s", where.id);
        vc_buf_printf(&b, ",id=%s", where.id);
        int bi = x->modern->bootindex[modern_devidx(x, dev)];
        if (bi && modern_has_prop(x, props, "bootindex"))
            vc_buf_printf(&b, ",bootindex=%d", bi);
        if (disk->serial) {
            if (!modern_has_prop(x, props, "serial"))
                ok = qemu_unsupported(x, dev->pos, "a serial number on '%s'", where.type);
            qemu_opt_add(&b, "serial", disk->serial);
        }
        if (cm >= 0 && node && modern_has_prop(x, props, "write-cache"))
            vc_buf_printf(&b, ",write-cache=%s", modern_cache_modes[cm].write_cache ? "on" : "off");
        if (disk->shareable && modern_has_prop(x, props, "share-rw"))
            vc_buf_puts(&b, ",share-rw=on");
        ok = modern_device_props(x, dev, where.type, &b) && ok;
        ok = modern_disk_errors(x, dev, where.type, &b) && ok;
        if (ok)
            qemu_arg2_take(x, "-device", vc_buf_steal(&b));
        else
            vc_buf_free(&b);
    }
    free(where.bus_opts);
    free(where.id);
    free(drive);
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

