/*
 * argv_read_dev.c: today's -device, mapped by driver onto the device
 * families of the model, with the backends it names (-blockdev graphs or
 * -drive if=none, -netdev, -chardev, -object); and what becomes of backends
 * no device named.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv_props.h"
#include "argv_read_priv.h"

/* Properties every -device may carry that virtc derives itself. */
static const char *const qr_dev_implied[] = { "id", "driver" };

/* The backend a device property names (-device DRIVER,KEY=ID with
 * -OPTNAME ...,id=ID), marked used; NULL after a located error when the
 * property or the backend is missing. */
qr_opt *qr_named_backend(qemu_reader *r, qr_opt *o, const char *key, const char *optname)
{
    qopt_item *it = qr_item(o, key);
    if (!it || !it->value) {
        qr_error(r, o->arg, 0, "-device %s: no %s= names its backend", qr_str(o, "driver"), key);
        return NULL;
    }
    qr_opt *b = qr_backend(r, optname, it->value);
    if (!b) {
        qr_error(r, o->arg, it->val_off, "no -%s has the id '%s'", optname, it->value);
        return NULL;
    }
    b->used = true;
    return b;
}

/* The properties of argv_props.c the -device gives, onto the device's
 * element, where the 7.2 emitter reads them; called once the device's
 * fields are final (the element is written from them first). */
static bool qr_dev_props(qemu_reader *r, qr_opt *o, const char *driver, ir_device *d)
{
    unsigned fam = qemu_prop_family(driver);
    for (size_t i = 0; fam && i < qemu_nprop_maps; i++) {
        const qemu_prop_map *m = &qemu_prop_maps[i];
        qopt_item *it = m->families & fam ? qr_item(o, m->prop) : NULL;
        if (!it)
            continue;
        char *v = qemu_prop_to_domain(m, it->value);
        if (!v)
            return qr_error(r, o->arg, it->val_off, "-device %s: '%s' is not a value for %s",
                            driver, it->value ? it->value : "", m->prop);
        if (m->attr) {
            qr_device_amend_at(r, d, m->path, m->attr, v, NULL);
        } else {
            vc_buf x;
            vc_buf_init(&x);
            vc_buf_printf(&x, "<%s>", m->path);
            vc_buf_xml_escape(&x, v, 0, false);
            vc_buf_printf(&x, "</%s>", m->path);
            qr_device_amend_at(r, d, NULL, NULL, NULL, vc_buf_str(&x));
            vc_buf_free(&x);
        }
        free(v);
    }
    return true;
}

/* ---- the device families ---- */

typedef bool (*qr_devfn)(qemu_reader *r, qr_opt *o, const char *driver, const char *arg);

int qr_id_index(const char *id)
{
    if (!id)
        return 0;
    size_t n = strlen(id);
    while (n > 0 && id[n - 1] >= '0' && id[n - 1] <= '9')
        n--;
    int v;
    return id[n] && vc_parse_int(id + n, &v) ? v : 0;
}

static bool qr_q35(const qemu_reader *r)
{
    const char *m = r->dom->os.machine;
    return m && (strstr(m, "q35") != NULL);
}

static char *qr_free_target(const ir_domain *dom, const char *prefix, int from)
{
    for (int i = from;; i++) {
        char suffix[8], tmp[8];
        int n = 0, k = i;
        do {
            tmp[n++] = (char)('a' + k % 26);
            k = k / 26 - 1;
        } while (k >= 0 && n < 7);
        for (int j = 0; j < n; j++)
            suffix[j] = tmp[n - 1 - j];
        suffix[n] = '\0';
        char *t = vc_xasprintf("%s%s", prefix, suffix);
        bool taken = false;
        for (size_t d = 0; d < dom->ndevices && !taken; d++)
            taken = dom->devices[d].kind == IR_DEV_DISK &&
                    vc_streq(dom->devices[d].u.disk.target_dev, t);
        if (!taken)
            return t;
        free(t);
    }
}

/* libvirt's device ids carry the target's index: virtio-disk2 -> vdc,
 * usb-disk1 -> sdb; -1 when the id says nothing. */
static int qr_id_target(qr_opt *o, const char *prefix)
{
    const char *id = qr_str(o, "id");
    int v;
    if (!id || !vc_str_has_prefix(id, prefix) || !vc_parse_int(id + strlen(prefix), &v) ||
        v < 0 || v > 10000)
        return -1;
    return v;
}

static char *qr_target_for(const ir_domain *dom, const char *prefix, qr_opt *o,
                           const char *id_prefix)
{
    int want = id_prefix ? qr_id_target(o, id_prefix) : -1;
    return qr_free_target(dom, prefix, want < 0 ? 0 : want);
}

/* The SCSI controller of that index is an LSI one (address = unit). */
static bool qr_scsi_lsi(const ir_domain *dom, unsigned index)
{
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, "scsi") &&
            d->u.controller.index == (int)index)
            return vc_streq(d->u.controller.model, "lsilogic");
    }
    return false;
}

bool qr_bootindex(qemu_reader *r, qr_opt *o, int *order)
{
    unsigned long long b = 0;
    if (!qr_num(r, o, "bootindex", &b))
        return false;
    if (b > 0 && b < 1000) {
        *order = (int)b;
        r->has_bootindex = true;
    }
    return true;
}

/* "ide.1" -> 1; "scsi0.0" -> controller 0 ... */
static bool qr_bus_index(const char *bus, const char *prefix, unsigned *ctl, unsigned *sub)
{
    if (!bus || !vc_str_has_prefix(bus, prefix))
        return false;
    const char *p = bus + strlen(prefix);
    const char *dot = strchr(p, '.');
    int c = 0, s = 0;
    char *head = dot ? vc_xstrndup(p, (size_t)(dot - p)) : vc_xstrdup(p);
    bool ok = (!*head || vc_parse_int(head, &c)) && (!dot || vc_parse_int(dot + 1, &s));
    free(head);
    *ctl = (unsigned)c;
    *sub = (unsigned)s;
    return ok && c >= 0 && s >= 0;
}

static bool qr_dev_disk(qemu_reader *r, qr_opt *o, const char *driver, const char *kind)
{
    qopt_item *drive = qr_item(o, "drive");
    r->cache_direct = -1;
    r->cache_noflush = false;
    r->copy_on_read = false;
    qr_blk_reset(r);
    ir_device *dev = qr_add_device(r, IR_DEV_DISK, o->flag);
    ir_disk *disk = &dev->u.disk;
    disk->device = strstr(driver, "-cd") ? IR_DISK_DEV_CDROM
                 : strcmp(driver, "floppy") == 0 ? IR_DISK_DEV_FLOPPY
                 : strcmp(driver, "scsi-block") == 0 ? IR_DISK_DEV_LUN : IR_DISK_DEV_DISK;
    if (drive && drive->value) {
        if (!qr_disk_from_node(r, o->arg, drive->val_off, drive->value, disk))
            return false;
    } else if (strcmp(driver, "vhost-user-blk-pci") == 0) {
        if (!qr_blk_vhost_user(r, o, disk))
            return false;
    } else if (disk->device != IR_DISK_DEV_CDROM && disk->device != IR_DISK_DEV_FLOPPY) {
        return qr_error(r, o->arg, 0, "-device %s: no drive= names its image", driver);
    }
    if (disk->device == IR_DISK_DEV_CDROM)
        disk->readonly = true;
    if (!disk->type)
        disk->type = IR_DISK_TYPE_FILE;
    const char *bus = qr_str(o, "bus");
    unsigned c = 0, b = 0;
    unsigned long long unit = 0;
    if (!qr_num(r, o, "unit", &unit) || !qr_bootindex(r, o, &disk->boot_order))
        return false;
    if (strcmp(kind, "ide") == 0 && (qr_bus_index(bus, "sata", &c, &b) || qr_q35(r))) {
        if (!vc_str_has_prefix(bus, "sata")) {   /* q35's own AHCI is "ide" */
            qr_bus_index(bus, "ide.", &b, &c);
            c = 0;
        }
        disk->target_bus = IR_BUS_SATA;
        disk->target_dev = qr_free_target(r->dom, "sd", (int)(c * 6 + b));
        disk->addr = (ir_address){ .type = IR_ADDR_DRIVE, .controller = c, .bus = 0,
                                   .unit = b, .has_bus = true };
    } else if (strcmp(kind, "ide") == 0) {
        qr_bus_index(bus, "ide.", &b, &c);
        disk->target_bus = IR_BUS_IDE;
        disk->target_dev = qr_free_target(r->dom, "hd", (int)(b * 2 + unit));
        disk->addr = (ir_address){ .type = IR_ADDR_DRIVE, .controller = 0, .bus = b,
                                   .unit = (unsigned)unit, .has_bus = true };
    } else if (strcmp(kind, "scsi") == 0) {
        unsigned long long id = 0, lun = 0, chan = 0;
        if (!qr_num(r, o, "scsi-id", &id) || !qr_num(r, o, "lun", &lun) ||
            !qr_num(r, o, "channel", &chan))
            return false;
        qr_bus_index(bus, "scsi", &c, &b);
        disk->target_bus = IR_BUS_SCSI;
        disk->target_dev = qr_free_target(r->dom, "sd", 0);
        if (qr_scsi_lsi(r->dom, c))
            disk->addr = (ir_address){ .type = IR_ADDR_DRIVE, .controller = c, .bus = 0,
                                       .target = 0, .unit = (unsigned)id, .has_bus = true };
        else
            disk->addr = (ir_address){ .type = IR_ADDR_DRIVE, .controller = c,
                                       .bus = (unsigned)chan, .target = (unsigned)id,
                                       .unit = (unsigned)lun, .has_bus = true };
    } else if (strcmp(kind, "virtio") == 0) {
        disk->target_bus = IR_BUS_VIRTIO;
        disk->target_dev = qr_target_for(r->dom, "vd", o, "virtio-disk");
        if (!qr_device_addr(r, o, &disk->addr))
            return false;
    } else if (strcmp(kind, "usb") == 0) {
        disk->target_bus = IR_BUS_USB;
        disk->target_dev = qr_target_for(r->dom, "sd", o, "usb-disk");
        if (!qr_usb_addr(r, o, &disk->addr))
            return false;
    } else {   /* floppy */
        disk->target_bus = IR_BUS_FDC;
        disk->target_dev = qr_free_target(r->dom, "fd", (int)unit);
    }
    const char *serial = qr_str(o, "serial");
    if (serial)
        disk->serial = qr_unescape_serial(serial);
    bool share = false;
    if (!qr_bool(r, o, "share-rw", &share))
        return false;
    disk->shareable = share;
    if (!qr_disk_errors(r, o, disk))
        return false;
    qr_disk_cache(r, o, disk);
    qr_implied(o, QR_KEYS("bus", "drive"));
    /* what the model's fields do not hold: the element carries it */
    if (vc_str_has_suffix(driver, "-non-transitional"))
        qr_device_amend(r, dev, NULL, "model", "virtio-non-transitional");
    else if (vc_str_has_suffix(driver, "-transitional"))
        qr_device_amend(r, dev, NULL, "model", "virtio-transitional");
    qr_blk_apply(r, dev);
    return qr_dev_props(r, o, driver, dev);
}

static ir_device *qr_controller(qemu_reader *r, qr_opt *o, const char *type, const char *model)
{
    ir_device *d = qr_add_device(r, IR_DEV_CONTROLLER, o->flag);
    d->u.controller.type = vc_xstrdup(type);
    d->u.controller.index = qr_id_index(qr_str(o, "id"));
    d->u.controller.model = vc_xstrdup(model);
    return d;
}

/* Controllers: driver -> type and model (libvirt's names). */
static const struct { const char *driver, *type, *model; } qr_ctl_drivers[] = {
    { "piix3-usb-uhci", "usb", "piix3-uhci" }, { "piix4-usb-uhci", "usb", "piix4-uhci" },
    { "usb-ehci", "usb", "ehci" }, { "ich9-usb-ehci1", "usb", "ich9-ehci1" },
    { "ich9-usb-uhci1", "usb", "ich9-uhci1" }, { "ich9-usb-uhci2", "usb", "ich9-uhci2" },
    { "ich9-usb-uhci3", "usb", "ich9-uhci3" }, { "nec-usb-xhci", "usb", "nec-xhci" },
    { "qemu-xhci", "usb", "qemu-xhci" }, { "pci-ohci", "usb", "pci-ohci" },
    { "lsi", "scsi", "lsilogic" }, { "lsi53c895a", "scsi", "lsilogic" },
    { "virtio-scsi-pci", "scsi", "virtio-scsi" },
    { "virtio-scsi-pci-transitional", "scsi", "virtio-transitional" },
    { "virtio-scsi-pci-non-transitional", "scsi", "virtio-non-transitional" },
    { "megasas", "scsi", "megasas" }, { "mptsas1068", "scsi", "lsisas1068" },
    { "pvscsi", "scsi", "vmpvscsi" },
    { "virtio-serial-pci", "virtio-serial", NULL },
    { "virtio-serial-pci-transitional", "virtio-serial", "virtio-transitional" },
    { "virtio-serial-pci-non-transitional", "virtio-serial", "virtio-non-transitional" },
    { "ich9-ahci", "sata", NULL }, { "ahci", "sata", NULL }, { "pci-bridge", "pci", "pci-bridge" },
    { "pcie-root-port", "pci", "pcie-root-port" }, { "i82801b11-bridge", "pci", "dmi-to-pci-bridge" },
    { "pcie-pci-bridge", "pci", "pcie-to-pci-bridge" }, { "pxb", "pci", "pci-expander-bus" },
    { "pxb-pcie", "pci", "pcie-expander-bus" }, { "x3130-upstream", "pci", "pcie-switch-upstream-port" },
    { "xio3130-downstream", "pci", "pcie-switch-downstream-port" },
    /* a model's later rows are other devices of it: its <model name=> */
    { "ioh3420", "pci", "pcie-root-port" },
};

/* A <target> number of PCI controller c (chassis, chassis_nr, port: QEMU's
 * uint8) into *field, given only when it differs from derived, what the
 * 7.2 emitter writes when it is absent (-1: nothing is derived), so that a
 * line virtc wrote reads back without it. One QEMU would refuse is kept
 * as written. */
static bool qr_ctl_number(qemu_reader *r, qr_opt *o, const char *key, int derived, int *field)
{
    unsigned long long v = 0;
    if (!qr_last(o, key))
        return true;
    if (!qr_num(r, o, key, &v))
        return false;
    if (v > 255)
        qr_item(o, key)->used = false;
    else if ((int)v != derived)
        *field = (int)v;
    return true;
}

/* A PCI controller's settings libvirt models as <model name=> (another
 * device of the model: row i of qr_ctl_drivers is not the model's first)
 * and <target>: the emitter derives the chassis from the index and a root
 * port's port from its own address (slot * 8 + function). */
static bool qr_ctl_pci(qemu_reader *r, qr_opt *o, size_t i, ir_controller *c)
{
    size_t first = 0;
    while (!vc_streq(qr_ctl_drivers[first].model, qr_ctl_drivers[i].model))
        first++;
    if (first != i)
        c->model_name = vc_xstrdup(qr_ctl_drivers[i].driver);
    int port = c->addr.type == IR_ADDR_PCI ? (int)(c->addr.slot * 8 + c->addr.function) : -1;
    bool hotplug = true;
    if (qr_last(o, "hotplug")) {
        if (!qr_bool(r, o, "hotplug", &hotplug))
            return false;
        c->hotplug = hotplug ? IR_TRI_YES : IR_TRI_NO;
    }
    /* an expander's bus number is given always (libvirt's default depends
     * on the other expanders), its NUMA node is <node> (QEMU's uint16) */
    unsigned long long node = 0;
    if (qr_last(o, "numa_node")) {
        if (!qr_num(r, o, "numa_node", &node))
            return false;
        if (node > 0xffff)
            qr_item(o, "numa_node")->used = false;
        else
            c->node = (int)node;
    }
    return qr_ctl_number(r, o, "chassis", c->index, &c->chassis) &&
           qr_ctl_number(r, o, "chassis_nr", c->index, &c->chassis_nr) &&
           qr_ctl_number(r, o, "port", port, &c->port) &&
           qr_ctl_number(r, o, "bus_nr", -1, &c->bus_nr);
}

/* The ICH9's UHCI companions take two ports each of their EHCI's six, in
 * order: the first port the 7.2 emitter writes when <master startport=>
 * is absent. */
static const struct { const char *model; int firstport; } qr_ctl_companions[] = {
    { "ich9-uhci1", 0 }, { "ich9-uhci2", 2 }, { "ich9-uhci3", 4 },
};

/* A USB companion's firstport: <master startport=> when it is not its
 * model's own (another controller keeps a firstport as written). */
static bool qr_ctl_companion(qemu_reader *r, qr_opt *o, ir_device *d)
{
    ir_controller *c = &d->u.controller;
    size_t k = 0;
    if (!vc_streq(c->type, "usb"))
        return true;
    while (k < VC_ARRAY_SIZE(qr_ctl_companions) && !vc_streq(qr_ctl_companions[k].model, c->model))
        k++;
    if (k == VC_ARRAY_SIZE(qr_ctl_companions))
        return true;
    return qr_ctl_number(r, o, "firstport", qr_ctl_companions[k].firstport, &c->startport);
}

/* The ids the 7.2 emitter writes for controllers (argv_modern_ctl.c), as
 * libvirt names them: a prefix and the index. */
static const struct { const char *type, *prefix; } qr_ctl_ids[] = {
    { "scsi", "scsi" }, { "virtio-serial", "virtio-serial" }, { "sata", "sata" },
    { "pci", "pci." }, { "ccid", "ccid" },
};

char *qr_ctl_written_id(const qemu_reader *r, const ir_controller *c)
{
    int i = c->index;
    if (vc_streq(c->type, "usb")) {
        char *usb = i == 0 ? vc_xstrdup("usb") : vc_xasprintf("usb%d", i);
        if (!vc_str_has_prefix(c->model, "ich9-uhci"))
            return usb;
        /* a companion is named after its EHCI: usb-uhci1 */
        char *id = vc_xasprintf("%s-uhci%s", usb, c->model + strlen("ich9-uhci"));
        free(usb);
        return id;
    }
    /* the machine's own have no -device: the PCI root, q35's AHCI */
    if (i == 0 && (vc_streq(c->type, "pci") || (vc_streq(c->type, "sata") && qr_q35(r))))
        return NULL;
    for (size_t k = 0; k < VC_ARRAY_SIZE(qr_ctl_ids); k++)
        if (vc_streq(c->type, qr_ctl_ids[k].type))
            return vc_xasprintf("%s%d", qr_ctl_ids[k].prefix, i);
    return NULL;
}

static bool qr_usb_index_used(const ir_domain *dom, int index)
{
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, "usb") &&
            d->u.controller.index == index)
            return true;
    }
    return false;
}

/* The index libvirt's id of a USB controller says (usb: 0, usbN: N), or
 * -1 when the id is not of that form. */
static int qr_usb_libvirt_index(const char *id)
{
    const char *digits = id && vc_str_has_prefix(id, "usb") ? id + 3 : NULL;
    if (!digits || strspn(digits, "0123456789") != strlen(digits))
        return -1;
    return qr_id_index(id);
}

/* Whether a USB controller of the line (not a companion) has libvirt's id
 * for index n, wherever it is. */
static bool qr_usb_index_named(const qemu_reader *r, int n)
{
    for (size_t i = 0; i < r->nopts; i++) {
        const qr_opt *o = &r->opts[i];
        if (strcmp(o->def->name, "device") != 0 || qr_last(o, "masterbus") ||
            qr_usb_libvirt_index(qr_last(o, "id")) != n)
            continue;
        for (size_t k = 0; k < VC_ARRAY_SIZE(qr_ctl_drivers); k++)
            if (vc_streq(qr_last(o, "driver"), qr_ctl_drivers[k].driver) &&
                strcmp(qr_ctl_drivers[k].type, "usb") == 0)
                return true;
    }
    return false;
}

/* The index of a new USB controller (not a companion) with this id.
 * libvirt names them after their index (usb, usb1, usb2, ...); a script's
 * own id (xhci, ehci) says nothing, so such a controller takes the lowest
 * index that no USB controller read before it has and no libvirt id of the
 * line names, in the line's order, which is the order QEMU creates them in. */
static int qr_usb_ctl_index(qemu_reader *r, const char *id)
{
    int n = qr_usb_libvirt_index(id);
    if (n >= 0)
        return n;
    n = 0;
    while (qr_usb_index_used(r->dom, n) || qr_usb_index_named(r, n))
        n++;
    return n;
}

int qr_usb_bus_index(qemu_reader *r, const char *id)
{
    for (size_t i = 0; i < r->nopts; i++) {
        qr_opt *o = &r->opts[i];
        if (strcmp(o->def->name, "device") != 0 || !vc_streq(qr_last(o, "id"), id))
            continue;
        ir_device *d = qr_made_device(r, o);
        if (d && d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, "usb"))
            return d->u.controller.index;
    }
    return qr_id_index(id);
}

static bool qr_dev_controller(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_ctl_drivers); i++)
        if (strcmp(driver, qr_ctl_drivers[i].driver) == 0) {
            bool usb = strcmp(qr_ctl_drivers[i].type, "usb") == 0;
            const char *master = qr_str(o, "masterbus");
            int index = usb && !master ? qr_usb_ctl_index(r, qr_last(o, "id")) : -1;
            ir_device *d = qr_controller(r, o, qr_ctl_drivers[i].type, qr_ctl_drivers[i].model);
            if (index >= 0)
                d->u.controller.index = index;
            if (master) {   /* a companion belongs to its EHCI's controller index */
                char *head = vc_xstrndup(master, strcspn(master, "."));
                d->u.controller.index = usb ? qr_usb_bus_index(r, head) : qr_id_index(head);
                free(head);
            }
            if (usb)
                r->saw_usb_ctl = true;
            qr_implied(o, QR_KEYS("masterbus"));
            if (!qr_device_addr(r, o, &d->u.controller.addr) || !qr_ctl_companion(r, o, d))
                return false;
            return !vc_streq(qr_ctl_drivers[i].type, "pci") ||
                   qr_ctl_pci(r, o, i, &d->u.controller);
        }
    return false;
}

static bool qr_dev_disk_family(qemu_reader *r, qr_opt *o, const char *driver, const char *kind)
{
    return qr_dev_disk(r, o, driver, kind);
}

/* Multiqueue: -netdev tap|vhost-user,queues=N with -device virtio-net-pci,
 * mq=on[,vectors=2N+2] is <driver queues='N'/>, which the 7.2 emitter
 * writes back so; *queues is N for a tap to write there (0: nothing). A
 * combination it would not write back (mq=on with one queue, other
 * vectors, queues without mq) is left unused: kept as written. */
static bool qr_nic_queues(qemu_reader *r, qr_opt *o, qr_opt *b, unsigned long long *queues)
{
    *queues = 0;
    const char *t = qr_last(b, "type"), *qs = qr_last(b, "queues"), *vs = qr_last(o, "vectors");
    bool mq = false;
    unsigned long long q = 0, v = 0;
    if (qr_last(o, "mq") && !qr_bool(r, o, "mq", &mq))
        return false;
    if (!mq)   /* off is QEMU's default, what a single queue gets */
        return true;
    if (!qs || !vc_parse_ull(qs, 10, &q) || q < 2 || q > 1024 ||
        (vs && (!vc_parse_ull(vs, 0, &v) || v != 2 * q + 2)) ||
        !(vc_streq(t, "tap") || vc_streq(t, "bridge") || vc_streq(t, "vhost-user"))) {
        qr_item(o, "mq")->used = false;   /* kept as written */
        return true;
    }
    qr_implied(o, QR_KEYS("vectors"));
    if (!vc_streq(t, "vhost-user")) {   /* vhost-user's queues are read with its socket */
        qr_implied(b, QR_KEYS("queues"));
        *queues = q;
    }
    return true;
}

static bool qr_dev_nic(qemu_reader *r, qr_opt *o, const char *driver, const char *model)
{
    ir_device *d = qr_add_device(r, IR_DEV_INTERFACE, o->flag);
    ir_net *n = &d->u.net;
    qopt_item *nd = qr_item(o, "netdev");
    if (!nd || !nd->value)
        return qr_error(r, o->arg, 0, "-device %s: no netdev= names its host side", driver);
    qr_opt *b = qr_backend(r, "netdev", nd->value);
    if (!b)
        return qr_error(r, o->arg, nd->val_off, "no -netdev has the id '%s'", nd->value);
    b->used = true;
    bool vhost = false, done = false;
    unsigned long long queues = 0;
    if (!qr_nic_queues(r, o, b, &queues) || !qr_nic_host(r, b, n, &done))
        return false;
    if (done) {
        qr_implied(b, QR_KEYS("id"));
        qr_leftovers(r, b, NULL);
    } else if (!qr_bool(r, b, "vhost", &vhost)) {
        return false;
    }
    if (vhost)
        n->driver_name = vc_xstrdup("vhost");
    if (!done && !qr_net_backend(r, b, n))
        return false;
    char *what = vc_xasprintf("-device %s", driver);
    bool mac_ok = qr_nic_mac(r, o, "mac", what, n);
    free(what);
    if (!mac_ok)
        return false;
    n->model = vc_xstrdup(model ? model : driver);
    if (!qr_bootindex(r, o, &n->boot_order) || !qr_device_addr(r, o, &n->addr))
        return false;
    if (done && !r->keep_reason)
        qr_nic_host_amend(r, b, d);
    if (queues) {
        char *q = vc_xasprintf("%llu", queues);
        qr_device_amend(r, d, "driver", "queues", q);
        free(q);
    }
    return qr_dev_props(r, o, driver, d);
}

static bool qr_dev_input(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    ir_device *d = qr_add_device(r, IR_DEV_INPUT, o->flag);
    const char *type = strstr(driver, "tablet") ? "tablet"
                     : strstr(driver, "kbd") || strstr(driver, "keyboard") ? "keyboard" : "mouse";
    d->u.input.type = vc_xstrdup(type);
    d->u.input.bus = vc_xstrdup(arg);
    if (strcmp(arg, "usb") == 0)
        return qr_usb_addr(r, o, &d->u.input.addr);
    return qr_device_addr(r, o, &d->u.input.addr);
}

void qr_pci_addr_xml(vc_buf *b, const ir_address *a)
{
    if (a->type == IR_ADDR_USB) {
        vc_buf_printf(b, "  <address type='usb' bus='%u' port='%s'/>\n", a->bus,
                      a->usb_port ? a->usb_port : "1");
        return;
    }
    if (a->type != IR_ADDR_PCI)
        return;
    vc_buf_printf(b, "  <address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                  "function='0x%x'%s/>\n", a->domain, a->bus, a->slot, a->function,
                  a->multifunction == IR_TRI_YES ? " multifunction='on'" : "");
}

void qr_xml_attr(vc_buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    vc_buf_printf(b, " %s='", name);
    vc_buf_xml_escape(b, value, '\'', true);
    vc_buf_putc(b, '\'');
}

/* virtio-input-host-pci,evdev=PATH: a host input device passed through
 * (<input type='passthrough' bus='virtio'><source evdev=>, an element the
 * model keeps whole). */
static bool qr_dev_input_host(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    const char *path = qr_str(o, "evdev");
    if (!path)
        return qr_error(r, o->arg, 0, "-device %s: no evdev= names the host device", driver);
    ir_device *d = qr_add_device(r, IR_DEV_INPUT, o->flag);
    d->u.input.type = vc_xstrdup("passthrough");
    d->u.input.bus = vc_xstrdup("virtio");
    if (!qr_device_addr(r, o, &d->u.input.addr))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<input type='passthrough' bus='virtio'>\n  <source");
    qr_xml_attr(&b, "evdev", path);
    vc_buf_puts(&b, "/>\n");
    qr_pci_addr_xml(&b, &d->u.input.addr);
    vc_buf_puts(&b, "</input>");
    d->xml = vc_buf_steal(&b);
    return true;
}

/* -object input-linux,id=,evdev=PATH[,repeat=][,grab_all=][,grab-toggle=]:
 * the host's keyboard or mouse fed to the guest's own (<input type='evdev'>). */
static bool qr_input_linux(qemu_reader *r, qr_opt *o)
{
    const char *path = qr_str(o, "evdev");
    if (!path)
        return qr_error(r, o->arg, 0, "-object input-linux: no evdev= names the host device");
    bool repeat = false, grab_all = false, has_repeat = qr_item(o, "repeat") != NULL;
    if (!qr_bool(r, o, "repeat", &repeat) || !qr_bool(r, o, "grab_all", &grab_all))
        return false;
    o->used = true;
    ir_device *d = qr_add_device(r, IR_DEV_INPUT, o->flag);
    d->u.input.type = vc_xstrdup("evdev");
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<input type='evdev'>\n  <source");
    qr_xml_attr(&b, "dev", path);
    if (grab_all)
        vc_buf_puts(&b, " grab='all'");
    if (has_repeat)
        qr_xml_attr(&b, "repeat", repeat ? "on" : "off");
    qr_xml_attr(&b, "grabToggle", qr_str(o, "grab-toggle"));
    vc_buf_puts(&b, "/>\n</input>");
    d->xml = vc_buf_steal(&b);
    qr_implied(o, QR_KEYS("id", "qom-type"));
    qr_leftovers(r, o, NULL);
    return true;
}

/* Video drivers: the model, and what the driver itself says of it: 3D
 * acceleration (the -gl variants), a vhost-user GPU process (<driver
 * name='vhostuser'/>). */
static const struct {
    const char *driver, *model;
    bool accel3d, vhostuser;
} qr_video_drivers[] = {
    { "VGA", "vga", false, false }, { "cirrus-vga", "cirrus", false, false },
    { "vmware-svga", "vmvga", false, false }, { "qxl-vga", "qxl", false, false },
    { "qxl", "qxl", false, false }, { "virtio-vga", "virtio", false, false },
    { "virtio-gpu-pci", "virtio", false, false }, { "bochs-display", "bochs", false, false },
    { "ramfb", "ramfb", false, false },
    { "virtio-vga-gl", "virtio", true, false }, { "virtio-gpu-gl-pci", "virtio", true, false },
    { "vhost-user-vga", "virtio", false, true }, { "vhost-user-gpu-pci", "virtio", false, true },
};

/* The <video> element, when the driver says more than the model's fields
 * hold (3D acceleration, vhost-user, the packed ring). */
static void qr_video_xml(ir_device *d, bool accel3d, bool vhostuser, const char *packed)
{
    const ir_video *v = &d->u.video;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<video>\n");
    if (vhostuser || packed) {
        vc_buf_puts(&b, "  <driver");
        if (vhostuser)
            vc_buf_puts(&b, " name='vhostuser'");
        if (packed)
            vc_buf_printf(&b, " packed='%s'", packed);
        vc_buf_puts(&b, "/>\n");
    }
    vc_buf_printf(&b, "  <model type='%s'", v->model);
    if (v->vram)
        vc_buf_printf(&b, " vram='%llu'", v->vram);
    if (v->heads)
        vc_buf_printf(&b, " heads='%d'", v->heads);
    if (accel3d)
        vc_buf_puts(&b, ">\n    <acceleration accel3d='yes'/>\n  </model>\n");
    else
        vc_buf_puts(&b, "/>\n");
    qr_pci_addr_xml(&b, &v->addr);
    vc_buf_puts(&b, "</video>");
    free(d->xml);
    d->xml = vc_buf_steal(&b);
}

/* chardev=ID of a vhost-user device: the socket to its process. One
 * handed over as a descriptor is the manager's own; a path has no place
 * in the model (the manager starts the process). */
static bool qr_vhost_user_chardev(qemu_reader *r, qr_opt *o, const char *driver)
{
    qr_opt *ch = qr_named_backend(r, o, "chardev", "chardev");
    if (!ch)
        return false;
    if (qr_str(ch, "path"))
        qr_warn(r, ch->arg, 0, "-device %s: the vhost-user socket '%s' is not kept: the "
                "domain's manager starts the GPU process and names its socket", driver,
                qr_str(ch, "path"));
    for (size_t i = 0; i < ch->props.n; i++)
        ch->props.v[i].used = true;
    return true;
}

/* QXL's other memories (<model ram= vram64= vgamem=>, KiB): ram_size in
 * bytes, vram64_size_mb and vgamem_mb (already read) in MiB. */
static bool qr_qxl_sizes(qemu_reader *r, qr_opt *o, ir_device *d, unsigned long long vgamem)
{
    unsigned long long ram = 0, vram64 = 0;
    if (!qr_num(r, o, "ram_size", &ram) || !qr_num(r, o, "vram64_size_mb", &vram64))
        return false;
    /* vram64_size_mb=0 is what the emitter writes for a vram64 under 1 MiB
     * (libvirt too): kept as vram64='0', which it writes back the same */
    const struct { const char *attr; unsigned long long kib; bool given; } sizes[] = {
        { "ram", ram / 1024, false }, { "vram64", vram64 * 1024, qr_last(o, "vram64_size_mb") },
        { "vgamem", vgamem * 1024, false },
    };
    for (size_t k = 0; k < VC_ARRAY_SIZE(sizes); k++) {
        if (!sizes[k].kib && !sizes[k].given)
            continue;
        char *v = vc_xasprintf("%llu", sizes[k].kib);
        qr_device_amend_at(r, d, "model", sizes[k].attr, v, NULL);
        free(v);
    }
    return true;
}

static bool qr_dev_video(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_video_drivers); i++)
        if (strcmp(driver, qr_video_drivers[i].driver) == 0) {
            ir_device *d = qr_add_device(r, IR_DEV_VIDEO, o->flag);
            d->u.video.model = vc_xstrdup(qr_video_drivers[i].model);
            d->u.video.primary = false;
            unsigned long long heads = 0, vgamem = 0, vram = 0;
            bool packed = false, has_packed = qr_item(o, "packed") != NULL;
            if (!qr_num(r, o, "max_outputs", &heads) || !qr_num(r, o, "vgamem_mb", &vgamem) ||
                !qr_num(r, o, "vram_size", &vram) || !qr_bool(r, o, "packed", &packed))
                return false;
            d->u.video.heads = (int)heads;
            bool qxl = strcmp(qr_video_drivers[i].model, "qxl") == 0;
            d->u.video.vram = vram ? vram / 1024 : qxl ? 0 : vgamem * 1024;
            if (qr_video_drivers[i].vhostuser && !qr_vhost_user_chardev(r, o, driver))
                return false;
            if (!qr_device_addr(r, o, &d->u.video.addr))
                return false;
            if (qr_video_drivers[i].accel3d)
                d->u.video.accel3d = IR_TRI_YES;
            if (qr_video_drivers[i].vhostuser || has_packed)
                qr_video_xml(d, qr_video_drivers[i].accel3d, qr_video_drivers[i].vhostuser,
                             has_packed ? (packed ? "on" : "off") : NULL);
            return !qxl || qr_qxl_sizes(r, o, d, vgamem);
        }
    return false;
}

static const struct { const char *driver, *model; } qr_sound_drivers[] = {
    { "sb16", "sb16" }, { "ES1370", "es1370" }, { "AC97", "ac97" }, { "intel-hda", "ich6" },
    { "ich9-intel-hda", "ich9" }, { "usb-audio", "usb" }, { "cs4231a", "cs4231a" },
    { "pcspk", "pcspk" },
};

static bool qr_dev_sound(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_sound_drivers); i++)
        if (strcmp(driver, qr_sound_drivers[i].driver) == 0) {
            ir_device *d = qr_add_device(r, IR_DEV_SOUND, o->flag);
            d->u.sound.model = vc_xstrdup(qr_sound_drivers[i].model);
            qr_note_audio(r, d, qr_str(o, "audiodev"));
            if (strcmp(driver, "usb-audio") == 0)
                return qr_usb_addr(r, o, &d->u.sound.addr);
            return qr_device_addr(r, o, &d->u.sound.addr);
        }
    return false;
}

/* The codecs of an HDA card are <codec type=> children of its <sound>;
 * the 7.2 emitter gives a card without any one hda-duplex at cad 0, so
 * that codec alone adds nothing. cad is the codec's place on the card,
 * what the emitter writes; another is left to be kept as written. */
static void qr_codec_add(qemu_reader *r, ir_device *card, const char *type)
{
    char *xml = vc_xasprintf("<codec type='%s'/>", type);
    qr_device_amend_at(r, card, NULL, NULL, NULL, xml);
    free(xml);
}

static bool qr_dev_codec(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    ir_device *card = NULL;
    size_t ci = 0;
    for (size_t i = r->dom->ndevices; i-- > 0 && !card;)
        if (r->dom->devices[i].kind == IR_DEV_SOUND) {
            card = &r->dom->devices[i];
            ci = i;
        }
    qr_implied(o, QR_KEYS("bus", "audiodev"));
    if (!card)
        return qr_error(r, o->arg, 0, "-device %s: no HDA card before it", driver);
    /* the card's backend is its codecs' (they follow their card) */
    qr_note_audio(r, card, qr_last(o, "audiodev"));
    unsigned long long cad = 0;
    if (!qr_num(r, o, "cad", &cad))
        return false;
    size_t have = 0;
    for (const char *p = card->xml; p && (p = strstr(p, "<codec")); p++)
        have++;
    bool pending = r->hda_duplex_card == ci + 1;
    have += pending;
    if (qr_last(o, "cad") && cad != have)
        qr_item(o, "cad")->used = false;   /* kept as written */
    const char *type = driver + strlen("hda-");
    if (!have && strcmp(type, "duplex") == 0) {
        r->hda_duplex_card = ci + 1;
        return true;
    }
    if (pending)
        qr_codec_add(r, card, "duplex");
    r->hda_duplex_card = 0;
    qr_codec_add(r, card, type);
    return true;
}

static bool qr_dev_watchdog(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    ir_device *d = qr_add_device(r, IR_DEV_WATCHDOG, o->flag);
    d->u.watchdog.model = vc_xstrdup(driver);
    return qr_device_addr(r, o, &d->u.watchdog.addr);
}

static bool qr_dev_balloon(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    ir_device *d = qr_add_device(r, IR_DEV_MEMBALLOON, o->flag);
    d->u.memballoon.model = vc_xstrdup(arg);
    return qr_device_addr(r, o, &d->u.memballoon.addr) && qr_dev_props(r, o, driver, d);
}

static bool qr_dev_rng(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    ir_device *d = qr_add_device(r, IR_DEV_RNG, o->flag);
    ir_rng *g = &d->u.rng;
    g->model = vc_xstrdup(arg);
    qr_opt *ob = qr_named_backend(r, o, "rng", "object");
    if (!ob)
        return false;
    const char *type = qr_str(ob, "qom-type");
    qr_implied(ob, QR_KEYS("id"));
    if (vc_streq(type, "rng-random")) {
        g->backend_model = vc_xstrdup("random");
        g->backend_path = vc_xstrdup(qr_str(ob, "filename"));
    } else if (vc_streq(type, "rng-builtin")) {
        g->backend_model = vc_xstrdup("builtin");
    } else {
        return qr_error(r, ob->arg, 0, "-object %s: not an entropy source virtc reads",
                        type ? type : "");
    }
    qr_leftovers(r, ob, NULL);
    return qr_device_addr(r, o, &g->addr) && qr_dev_props(r, o, driver, d);
}

/* The serial ports that are not isa-serial: pci-serial, usb-serial, and
 * the ISA debug console (isa-debugcon[,iobase=N]); arg is the model's
 * target type. */
static bool qr_dev_serial_kind(qemu_reader *r, qr_opt *o, ir_device *d, const char *arg)
{
    ir_chr *c = &d->u.chr;
    c->kind = IR_CHRDEV_SERIAL;
    c->target_type = vc_xstrdup(arg);
    c->target_port = r->serial_ports++;
    if (strcmp(arg, "usb-serial") == 0)
        return qr_usb_addr(r, o, &c->addr);
    if (strcmp(arg, "pci-serial") == 0)
        return qr_device_addr(r, o, &c->addr);
    unsigned long long iobase = 0;
    qopt_item *io = qr_item(o, "iobase");
    if (!qr_num(r, o, "iobase", &iobase))
        return false;
    if (iobase > 0xffff)
        return qr_error(r, o->arg, io->val_off, "-device isa-debugcon: iobase=%llu is not an I/O "
                        "port", iobase);
    if (io)
        c->addr = (ir_address){ .type = IR_ADDR_ISA, .port = (unsigned)iobase, .has_port = true };
    return true;
}

/* A qemu-vdagent channel with its <source> settings: the element whole. */
static void qr_vdagent_xml(ir_device *d, const char *clipboard, const char *mouse)
{
    const ir_chr *c = &d->u.chr;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<channel type='qemu-vdagent'>\n  <source>\n");
    if (clipboard)
        vc_buf_printf(&b, "    <clipboard copypaste='%s'/>\n", vc_streq(clipboard, "on") ? "yes" : "no");
    if (mouse)
        vc_buf_printf(&b, "    <mouse mode='%s'/>\n", vc_streq(mouse, "on") ? "client" : "server");
    vc_buf_puts(&b, "  </source>\n  <target type='virtio'");
    qr_xml_attr(&b, "name", c->target_name);
    vc_buf_puts(&b, "/>\n");
    if (c->addr.type == IR_ADDR_VIRTIO_SERIAL) {
        vc_buf_printf(&b, "  <address type='virtio-serial' controller='%u' bus='%u'",
                      c->addr.controller, c->addr.bus);
        if (c->addr.has_port)
            vc_buf_printf(&b, " port='%u'", c->addr.port);
        vc_buf_puts(&b, "/>\n");
    }
    vc_buf_puts(&b, "</channel>");
    free(d->xml);
    d->xml = vc_buf_steal(&b);
}

/* A -device naming a -chardev: isa-serial, isa-parallel, virtserialport ... */
static bool qr_dev_chr_read(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)driver;
    qr_opt *ch = qr_named_backend(r, o, "chardev", "chardev");
    if (!ch)
        return false;
    ir_device *d = qr_add_device(r, IR_DEV_CHR, o->flag);
    ir_chr *c = &d->u.chr;
    c->target_port = -1;
    /* qemu-vdagent's clipboard sharing and client mouse (<source> children) */
    const char *clipboard = qr_str(ch, "clipboard"), *mouse = qr_str(ch, "mouse");
    if (!qr_chr_backend(r, ch, c))
        return false;
    if (strcmp(arg, "serial") != 0 && strcmp(arg, "parallel") != 0 &&
        strcmp(arg, "channel") != 0 && strcmp(arg, "console") != 0)
        return qr_dev_serial_kind(r, o, d, arg);
    if (c->type == IR_CHR_SPICEPORT && strcmp(arg, "serial") != 0) {
        r->keep_reason = "a spiceport channel has no place in the domain model yet";
        return true;
    }
    if (strcmp(arg, "serial") == 0) {
        unsigned long long idx = (unsigned long long)r->serial_ports;
        if (!qr_num(r, o, "index", &idx))
            return false;
        c->kind = IR_CHRDEV_SERIAL;
        c->target_port = (int)idx;
        r->serial_ports = (int)idx + 1;
        if (c->type == IR_CHR_SPICEPORT)
            qr_chr_spiceport_xml(d, r->spice_channel);
    } else if (strcmp(arg, "parallel") == 0) {
        c->kind = IR_CHRDEV_PARALLEL;
        c->target_port = r->parallel_ports++;
        qr_item(o, "index");
    } else {
        unsigned long long nr = 0;
        if (!qr_num(r, o, "nr", &nr))
            return false;
        const char *bus = qr_str(o, "bus");
        unsigned ctl = 0, sub = 0;
        qr_bus_index(bus, "virtio-serial", &ctl, &sub);
        c->addr = (ir_address){ .type = IR_ADDR_VIRTIO_SERIAL, .controller = ctl, .bus = sub,
                                .port = (unsigned)nr, .has_bus = true, .has_port = nr != 0 };
        if (strcmp(arg, "console") == 0) {
            c->kind = IR_CHRDEV_CONSOLE;
            c->target_type = vc_xstrdup("virtio");
            c->target_port = 0;
        } else {
            c->kind = IR_CHRDEV_CHANNEL;
            c->target_type = vc_xstrdup("virtio");
            const char *name = qr_str(o, "name");
            if (name)
                c->target_name = vc_xstrdup(name);
            if (c->type == IR_CHR_QEMU_VDAGENT && (clipboard || mouse))
                qr_vdagent_xml(d, clipboard, mouse);
        }
    }
    return true;
}

/* A -chardev dbus,name=CHANNEL is a channel of the D-Bus display: the
 * device's <source channel=>, set once its element is complete. */
static bool qr_dev_chr(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    size_t n = r->dom->ndevices;
    const char *id = qr_str(o, "chardev");
    qr_opt *ch = id ? qr_backend(r, "chardev", id) : NULL;
    const char *dbus = ch && vc_streq(qr_str(ch, "backend"), "dbus") ? qr_str(ch, "name") : NULL;
    if (!qr_dev_chr_read(r, o, driver, arg))
        return false;
    if (dbus && r->dom->ndevices > n && !r->keep_reason)
        qr_device_amend(r, &r->dom->devices[n], "source", "channel", dbus);
    return true;
}

/* virtio-9p-pci[-transitional|-non-transitional],fsdev=ID,mount_tag=TAG with
 * -fsdev local,path=,security_model=; arg: the virtio model of the flavour. */
/* 9p security models and the <filesystem accessmode=> of each;
 * mapped-file (credentials in hidden files) has none. */
static const struct { const char *qemu, *ir; } qr_fs_models[] = {
    { "passthrough", "passthrough" }, { "mapped-xattr", "mapped" }, { "mapped", "mapped" },
    { "none", "squash" },
};

/* A local share whose security model the domain can say (or none given). */
static bool qr_fs_modelled(qr_opt *b)
{
    const char *model = NULL;
    for (size_t i = 0; i < b->props.n; i++)
        if (strcmp(b->props.v[i].key, "security_model") == 0)
            model = b->props.v[i].value ? b->props.v[i].value : "";
    if (!vc_streq(qr_str(b, "fsdriver"), "local"))
        return false;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_fs_models) && model; i++)
        if (strcmp(model, qr_fs_models[i].qemu) == 0)
            return true;
    return !model;
}

/* The host side of a 9p share, local,path=,security_model=[,readonly=on]
 * of -fsdev or -virtfs (qr_fs_modelled): a <filesystem type='mount'>. */
static bool qr_fs_local(qemu_reader *r, qr_opt *b, ir_filesystem *fs)
{
    fs->type = vc_xstrdup("mount");
    const char *model = qr_str(b, "security_model");
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_fs_models) && model; i++)
        if (strcmp(model, qr_fs_models[i].qemu) == 0)
            fs->accessmode = vc_xstrdup(qr_fs_models[i].ir);
    fs->source = vc_xstrdup(qr_str(b, "path"));
    bool ro = false;
    if (!qr_bool(r, b, "readonly", &ro))
        return false;
    fs->readonly = ro;
    qr_implied(b, QR_KEYS("id"));
    return true;
}

static bool qr_dev_fs(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)driver;
    qr_opt *b = qr_named_backend(r, o, "fsdev", "fsdev");
    if (!b)
        return false;
    if (!qr_fs_modelled(b)) {
        r->keep_reason = "only a local -fsdev with security_model passthrough, mapped-xattr "
                         "or none has a place in the domain model";
        return true;
    }
    ir_device *d = qr_add_device(r, IR_DEV_FILESYSTEM, o->flag);
    ir_filesystem *fs = &d->u.fs;
    if (!qr_fs_local(r, b, fs))
        return false;
    fs->target = vc_xstrdup(qr_str(o, "mount_tag"));
    qr_leftovers(r, b, NULL);
    if (!qr_device_addr(r, o, &fs->addr))
        return false;
    if (!vc_streq(arg, "virtio"))   /* the flavour: the element's model= */
        qr_device_amend(r, d, NULL, "model", arg);
    return true;
}

/* -virtfs local,path=P,mount_tag=T,security_model=M[,id=ID][,readonly=on]:
 * QEMU's shorthand for -fsdev local,... and the virtio-9p-pci exporting
 * it (qemu-options). Another fsdriver, or a property the model has no
 * place for, keeps the whole option. */
bool qr_opt_virtfs(qemu_reader *r, qr_opt *o)
{
    if (!qr_fs_modelled(o))
        return qr_keep_option(r, o, "only a local share with security_model passthrough, "
                              "mapped-xattr or none has a place in the domain model");
    const char *tag = qr_str(o, "mount_tag");
    if (!tag)
        return qr_error(r, o->arg, 0, "-virtfs: no mount_tag= names the share");
    ir_device *d = qr_add_device(r, IR_DEV_FILESYSTEM, o->flag);
    ir_filesystem *fs = &d->u.fs;
    if (!qr_fs_local(r, o, fs))
        return false;
    fs->target = vc_xstrdup(tag);
    qr_leftovers(r, o, NULL);
    return true;
}

/* vhost-user-fs-pci,chardev=ID,tag=TAG[,queue-size=N]: a virtiofs share
 * served by a virtiofsd listening on the chardev's socket (<source
 * socket=>: a daemon the host runs itself). */
static bool qr_dev_virtiofs(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    const char *tag = qr_str(o, "tag");
    if (!tag)
        return qr_error(r, o->arg, 0, "-device %s: no tag= names the share", driver);
    qr_opt *ch = qr_named_backend(r, o, "chardev", "chardev");
    if (!ch)
        return false;
    const char *path = qr_str(ch, "path");
    if (!path) {
        r->keep_reason = "a virtiofs socket handed over as a descriptor names no daemon";
        return true;
    }
    qr_implied(ch, QR_KEYS("id", "backend"));
    qr_leftovers(r, ch, NULL);
    unsigned long long queue = 0;
    if (!qr_num(r, o, "queue-size", &queue))
        return false;
    ir_device *d = qr_add_device(r, IR_DEV_FILESYSTEM, o->flag);
    ir_filesystem *fs = &d->u.fs;
    fs->type = vc_xstrdup("mount");
    fs->target = vc_xstrdup(tag);
    if (!qr_device_addr(r, o, &fs->addr))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<filesystem type='mount'>\n  <driver type='virtiofs'");
    if (queue)
        vc_buf_printf(&b, " queue='%llu'", queue);
    vc_buf_puts(&b, "/>\n  <source");
    qr_xml_attr(&b, "socket", path);
    vc_buf_puts(&b, "/>\n  <target");
    qr_xml_attr(&b, "dir", tag);
    vc_buf_puts(&b, "/>\n");
    qr_pci_addr_xml(&b, &fs->addr);
    vc_buf_puts(&b, "</filesystem>");
    d->xml = vc_buf_steal(&b);
    return true;
}

static bool qr_dev_hostdev(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    ir_device *d = qr_add_device(r, IR_DEV_HOSTDEV, o->flag);
    ir_hostdev *h = &d->u.hostdev;
    h->mode = vc_xstrdup("subsystem");
    if (strcmp(arg, "pci") == 0) {
        const char *host = qr_str(o, "host");
        if (!host)
            return qr_vfio_sysfs(r, o, driver, d);
        unsigned dom = 0, b, s, f;
        char tail;
        /* DOMAIN:BUS:SLOT.FN, or BUS:SLOT.FN in domain 0 (a failed first
         * scan has already stored its first fields) */
        if (sscanf(host, "%4x:%2x:%2x.%1x%c", &dom, &b, &s, &f, &tail) != 4) {
            dom = 0;
            if (sscanf(host, "%2x:%2x.%1x%c", &b, &s, &f, &tail) != 3)
                return qr_error(r, o->arg, 0, "-device %s: host= is not a PCI address", driver);
        }
        h->type = IR_HOSTDEV_PCI;
        h->managed = IR_TRI_YES;
        h->driver_name = vc_xstrdup("vfio");
        h->source_addr = (ir_address){ .type = IR_ADDR_PCI, .domain = dom, .bus = b, .slot = s,
                                       .function = f, .has_bus = true, .has_slot = true,
                                       .has_function = true };
        return qr_bootindex(r, o, &h->boot_order) && qr_device_addr(r, o, &d->u.hostdev.addr);
    }
    h->type = IR_HOSTDEV_USB;
    unsigned long long bus = 0, addr = 0, vid = 0, pid = 0;
    bool has_addr = qr_item(o, "hostaddr") != NULL;
    if (!qr_num(r, o, "hostbus", &bus) || !qr_num(r, o, "hostaddr", &addr) ||
        !qr_num(r, o, "vendorid", &vid) || !qr_num(r, o, "productid", &pid))
        return false;
    if (has_addr) {
        h->usb_bus = (unsigned)bus;
        h->usb_device = (unsigned)addr;
        h->has_usb_addr = true;
    } else {
        h->vendor = vc_xasprintf("0x%04llx", vid);
        h->product = vc_xasprintf("0x%04llx", pid);
    }
    return qr_usb_addr(r, o, &h->addr) && qr_bootindex(r, o, &h->boot_order);
}

/* isa-fdc,bootindexA=N,bootindexB=N: the floppies' boot order. */
static bool qr_dev_fdc(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)driver, (void)arg;
    static const char *const keys[] = { "bootindexA", "bootindexB" };
    for (int i = 0; i < 2; i++) {
        unsigned long long v = 0;
        if (!qr_num(r, o, keys[i], &v))
            return false;
        if (v > 0 && v < 1000)
            r->fdc_bootindex[i] = (int)v;
    }
    qr_implied(o, QR_KEYS("driveA", "driveB"));
    return true;
}

/* Driver -> family, with the family's argument (disk kind, model, bus). */
static const struct {
    const char *driver;
    qr_devfn fn;
    const char *arg;
} qr_devices[] = {
    { "ide-hd", qr_dev_disk_family, "ide" }, { "ide-cd", qr_dev_disk_family, "ide" },
    { "ide-drive", qr_dev_disk_family, "ide" },
    { "scsi-hd", qr_dev_disk_family, "scsi" }, { "scsi-cd", qr_dev_disk_family, "scsi" },
    { "scsi-disk", qr_dev_disk_family, "scsi" }, { "scsi-block", qr_dev_disk_family, "scsi" },
    { "virtio-blk-pci", qr_dev_disk_family, "virtio" },
    { "virtio-blk-pci-transitional", qr_dev_disk_family, "virtio" },
    { "virtio-blk-pci-non-transitional", qr_dev_disk_family, "virtio" },
    { "vhost-user-blk-pci", qr_dev_disk_family, "virtio" },
    { "scsi-generic", qr_dev_scsi_hostdev, NULL },
    { "usb-storage", qr_dev_disk_family, "usb" }, { "floppy", qr_dev_disk_family, "floppy" },
    { "virtio-net-pci", qr_dev_nic, "virtio" },
    { "virtio-net-pci-transitional", qr_dev_nic, "virtio-transitional" },
    { "virtio-net-pci-non-transitional", qr_dev_nic, "virtio-non-transitional" },
    { "e1000", qr_dev_nic, NULL }, { "e1000e", qr_dev_nic, NULL }, { "rtl8139", qr_dev_nic, NULL },
    { "ne2k_pci", qr_dev_nic, NULL }, { "pcnet", qr_dev_nic, NULL }, { "vmxnet3", qr_dev_nic, NULL },
    { "i82559er", qr_dev_nic, NULL }, { "ne2k_isa", qr_dev_nic, NULL },
    { "usb-mouse", qr_dev_input, "usb" }, { "usb-tablet", qr_dev_input, "usb" },
    { "usb-kbd", qr_dev_input, "usb" }, { "virtio-mouse-pci", qr_dev_input, "virtio" },
    { "virtio-tablet-pci", qr_dev_input, "virtio" },
    { "virtio-keyboard-pci", qr_dev_input, "virtio" },
    { "virtio-input-host-pci", qr_dev_input_host, NULL },
    { "hda-duplex", qr_dev_codec, NULL }, { "hda-micro", qr_dev_codec, NULL },
    { "hda-output", qr_dev_codec, NULL },
    { "i6300esb", qr_dev_watchdog, NULL }, { "ib700", qr_dev_watchdog, NULL },
    { "diag288", qr_dev_watchdog, NULL },
    { "virtio-balloon-pci", qr_dev_balloon, "virtio" },
    { "virtio-balloon-pci-transitional", qr_dev_balloon, "virtio-transitional" },
    { "virtio-balloon-pci-non-transitional", qr_dev_balloon, "virtio-non-transitional" },
    { "virtio-rng-pci", qr_dev_rng, "virtio" },
    { "virtio-rng-pci-transitional", qr_dev_rng, "virtio-transitional" },
    { "virtio-rng-pci-non-transitional", qr_dev_rng, "virtio-non-transitional" },
    { "isa-serial", qr_dev_chr, "serial" }, { "isa-parallel", qr_dev_chr, "parallel" },
    { "virtserialport", qr_dev_chr, "channel" }, { "virtconsole", qr_dev_chr, "console" },
    { "pci-serial", qr_dev_chr, "pci-serial" }, { "usb-serial", qr_dev_chr, "usb-serial" },
    { "isa-debugcon", qr_dev_chr, "isa-debug" },
    { "virtio-9p-pci", qr_dev_fs, "virtio" },
    { "virtio-9p-pci-transitional", qr_dev_fs, "virtio-transitional" },
    { "virtio-9p-pci-non-transitional", qr_dev_fs, "virtio-non-transitional" }, { "vhost-user-fs-pci", qr_dev_virtiofs, NULL },
    { "isa-fdc", qr_dev_fdc, NULL },
    { "vfio-pci", qr_dev_hostdev, "pci" }, { "usb-host", qr_dev_hostdev, "usb" },
    { "vfio-pci-nohotplug", qr_dev_hostdev, "pci" },
    { "vhost-scsi-pci", qr_dev_vhost_scsi, "virtio" },
    { "vhost-scsi-pci-transitional", qr_dev_vhost_scsi, "virtio-transitional" },
    { "vhost-scsi-pci-non-transitional", qr_dev_vhost_scsi, "virtio-non-transitional" },
    { "pc-dimm", qr_dev_memory, NULL }, { "nvdimm", qr_dev_memory, NULL },
    { "virtio-mem-pci", qr_dev_memory, NULL }, { "virtio-pmem-pci", qr_dev_memory, NULL },
};

/* The virtio transport switches every virtio PCI device has (QEMU's
 * virtio-pci properties) -> the device's <driver> attributes, and the
 * model's fields where it has them (disks, NICs). */
/* -nic TYPE[,model=M][,mac=MAC][,HOST SIDE...]: QEMU's shorthand for a
 * -netdev TYPE and the -device M naming it (qemu-options: "-nic ... is a
 * shortcut for configuring both the on-board (default) guest NIC hardware
 * and the host network backend"). M is a NIC driver (virtio-net-pci) or
 * -net nic's model name (virtio); without it, the machine's on-board NIC
 * (e1000, on q35 e1000e). A host side the model has no place for (a
 * user network's hostfwd=) keeps the whole -nic (qr_keep_leftovers). */
bool qr_opt_nic(qemu_reader *r, qr_opt *o)
{
    static const char *const hosts[] = { "user", "tap", "bridge", "socket" };
    const char *type = qr_str(o, "type");
    if (vc_streq(type, "none"))
        return true;
    bool known = false;
    for (size_t i = 0; i < VC_ARRAY_SIZE(hosts) && type; i++)
        known = known || strcmp(type, hosts[i]) == 0;
    if (!known)
        return qr_keep_option(r, o, "this network backend has no place in the domain model");
    const char *model = qr_str(o, "model");
    const char *m = model ? model : qr_q35(r) ? "e1000e" : "e1000";
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_devices); i++)
        if (qr_devices[i].fn == qr_dev_nic && strcmp(m, qr_devices[i].driver) == 0 &&
            qr_devices[i].arg)
            m = qr_devices[i].arg;
    ir_device *d = qr_add_device(r, IR_DEV_INTERFACE, o->flag);
    ir_net *n = &d->u.net;
    n->model = vc_xstrdup(m);
    return qr_nic_mac(r, o, "mac", "-nic", n) && qr_net_backend(r, o, n);
}

static const struct { const char *prop, *attr; size_t off; } qr_virtio_switches[] = {
    { "iommu_platform", "iommu", offsetof(ir_virtio_opts, iommu) },
    { "ats", "ats", offsetof(ir_virtio_opts, ats) },
    { "packed", "packed", offsetof(ir_virtio_opts, packed) },
    { "page-per-vq", "page_per_vq", offsetof(ir_virtio_opts, page_per_vq) },
};

/* The item named key no reader has consumed yet, or NULL. */
static qopt_item *qr_unused(qr_opt *o, const char *key)
{
    qopt_item *found = NULL;
    for (size_t i = 0; i < o->props.n; i++)
        if (strcmp(o->props.v[i].key, key) == 0)
            found = &o->props.v[i];   /* the last one wins, as in QEMU */
    return found && !found->used ? found : NULL;
}

/* iommu_platform=, ats=, packed=, page-per-vq= of a virtio device into its
 * <driver> (d: the device the option became). disable-legacy=on is what an
 * IOMMU needs on a conventional PCI bus, where the plain driver is
 * transitional: with iommu_platform=on there it is implied; alone it asks
 * for another device model and stays a leftover. */
static bool qr_virtio_switches_read(qemu_reader *r, qr_opt *o, const char *driver, ir_device *d)
{
    /* the elements whose <driver> holds them (a host device's does not) */
    static const ir_device_kind kinds[] = {
        IR_DEV_DISK, IR_DEV_CONTROLLER, IR_DEV_FILESYSTEM, IR_DEV_INTERFACE, IR_DEV_INPUT,
        IR_DEV_VIDEO, IR_DEV_RNG, IR_DEV_MEMBALLOON, IR_DEV_VSOCK,
    };
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(kinds) && kinds[k] != d->kind)
        k++;
    if (k == VC_ARRAY_SIZE(kinds))
        return true;   /* leftovers: kept as -global */
    bool iommu = false;
    ir_virtio_opts *fields = d->kind == IR_DEV_DISK ? &d->u.disk.virtio
                           : d->kind == IR_DEV_INTERFACE ? &d->u.net.virtio : NULL;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_virtio_switches); i++) {
        qopt_item *it = qr_unused(o, qr_virtio_switches[i].prop);
        bool v = false;
        if (!it)
            continue;
        if (!qr_bool(r, o, qr_virtio_switches[i].prop, &v))
            return false;
        if (fields)
            *(ir_tristate *)((char *)fields + qr_virtio_switches[i].off) = v ? IR_TRI_YES
                                                                               : IR_TRI_NO;
        /* an element kept whole says it too */
        if (!fields || d->xml)
            qr_device_amend(r, d, "driver", qr_virtio_switches[i].attr, v ? "on" : "off");
        iommu = iommu || (v && i == 0);
    }
    qopt_item *legacy = qr_unused(o, "disable-legacy");
    if (legacy && iommu && vc_streq(legacy->value, "on") && !qr_q35(r) &&
        !vc_str_has_suffix(driver, "transitional"))
        legacy->used = true;
    return true;
}

bool qr_opt_device(qemu_reader *r, qr_opt *o)
{
    const char *driver = qr_str(o, "driver");
    if (!driver || !*driver)
        return qr_error(r, o->arg, 0, "-device: no driver");
    qr_implied(o, qr_dev_implied, VC_ARRAY_SIZE(qr_dev_implied));
    size_t ndev = r->dom->ndevices;
    bool *used = qr_blk_mark(r);
    r->keep_reason = NULL;
    bool ok = false;
    bool matched = false;
    r->in_device = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_devices) && !matched; i++)
        if (strcmp(driver, qr_devices[i].driver) == 0) {
            matched = true;
            ok = qr_devices[i].fn(r, o, driver, qr_devices[i].arg);
        }
    if (!matched)
        ok = qr_dev_platform(r, o, driver, &matched);
    if (!matched) {
        size_t before = r->dom->ndevices;
        ok = qr_dev_controller(r, o, driver, NULL) || qr_dev_video(r, o, driver, NULL) ||
             qr_dev_sound(r, o, driver, NULL);
        matched = r->dom->ndevices > before || ok;
    }
    r->in_device = false;
    if (ok && r->keep_reason) {
        /* undo: the device and the backends it named are kept as written,
         * the backends first, in order */
        while (r->dom->ndevices > ndev)
            ir_device_clear(&r->dom->devices[--r->dom->ndevices]);
        qr_blk_keep_named(r, used);
        for (size_t i = 0; i < o->props.n; i++)
            o->props.v[i].used = true;
        const char *why = r->keep_reason;
        r->keep_reason = NULL;
        return qr_keep_option(r, o, why);
    }
    free(used);
    if (!matched) {
        for (size_t i = 0; i < o->props.n; i++)
            o->props.v[i].used = true;
        return qr_keep_option(r, o, "no device of the domain model is this driver");
    }
    if (!ok)
        return false;
    if (r->dom->ndevices > ndev && !qr_virtio_switches_read(r, o, driver, &r->dom->devices[ndev]))
        return false;
    qr_device_alias(r, o, false);
    qr_leftovers(r, o, driver);
    return true;
}

/* Backends are read when a device names them (qr_check_backends decides
 * about the others). */
bool qr_opt_backend(qemu_reader *r, qr_opt *o)
{
    /* a user network that only forwards to chardevs: guestfwd channels, in
     * the order of the options (as channels are numbered) */
    if (strcmp(o->def->name, "netdev") == 0)
        qr_guestfwd(r, o);
    /* input-linux is an object, but it is a device of the guest: in order */
    if (strcmp(o->def->name, "object") == 0 && vc_streq(qr_str(o, "qom-type"), "input-linux"))
        return qr_input_linux(r, o);
    return true;
}

/* The monitor of a running domain lives in its state directory,
 * .../domain-ID-NAME/monitor.sock (libvirt's and virtc's layout): a
 * non-negative ID there is the domain's id. */
static void qr_monitor_id(qemu_reader *r, const char *path)
{
    const char *dir = path ? strstr(path, "/domain-") : NULL;
    if (!dir)
        return;
    const char *num = dir + strlen("/domain-");
    size_t digits = strspn(num, "0123456789");
    int id;
    char *n = vc_xstrndup(num, digits);
    bool ok = digits > 0 && digits < 10 && num[digits] == '-' && vc_parse_int(n, &id) &&
              strchr(num + digits, '/') && strcmp(strchr(num + digits, '/'), "/monitor.sock") == 0;
    free(n);
    if (ok)
        r->dom->id = id;
}

/* -mon chardev=ID,mode=control: virtc's own monitor. */
bool qr_opt_mon(qemu_reader *r, qr_opt *o)
{
    const char *id = qr_str(o, "chardev");
    qr_opt *ch = id ? qr_backend(r, "chardev", id) : NULL;
    if (!ch)
        return qr_error(r, o->arg, 0, "-mon: no -chardev has the id '%s'", id ? id : "");
    ch->used = true;
    /* the managed monitor is a QMP one (mode=control); an HMP one
     * (readline, QEMU's default mode) is the command line's own */
    if (!vc_streq(qr_str(o, "mode"), "control")) {
        for (size_t i = 0; i < ch->props.n; i++)
            ch->props.v[i].used = true;
        for (size_t i = 0; i < o->props.n; i++)
            o->props.v[i].used = true;
        return qr_keep_option(r, ch, "the character device of a human monitor") &&
               qr_keep_option(r, o, "a human monitor (mode=readline) has no place in the "
                              "domain model (the managing side runs the guest's monitor)");
    }
    qr_monitor_id(r, qr_str(ch, "path"));
    r->managed_monitor = true;
    return true;
}

/* -audiodev driver -> <audio type=> */
static const struct { const char *driver, *type; } qr_audio_drivers[] = {
    { "none", "none" }, { "alsa", "alsa" }, { "coreaudio", "coreaudio" }, { "jack", "jack" },
    { "oss", "oss" }, { "pa", "pulseaudio" }, { "sdl", "sdl" }, { "spice", "spice" },
    { "wav", "file" }, { "dbus", "dbus" }, { "pipewire", "pipewire" },
};

static bool qr_tri(qemu_reader *r, qr_opt *o, const char *key, ir_tristate *t)
{
    bool v = false, has = qr_item(o, key) != NULL;
    if (!qr_bool(r, o, key, &v))
        return false;
    if (has)
        *t = v ? IR_TRI_YES : IR_TRI_NO;
    return true;
}

static bool qr_uint(qemu_reader *r, qr_opt *o, const char *key, unsigned *out)
{
    unsigned long long v = 0;
    if (!qr_num(r, o, key, &v))
        return false;
    if (v > 0xffffffffULL)
        return qr_error(r, o->arg, qr_item(o, key)->val_off, "%s: %s=%llu is too large",
                        o->flag->text, key, v);
    if (qr_item(o, key))
        *out = (unsigned)v;
    return true;
}

/* in.* / out.* of one direction. */
static bool qr_audio_io(qemu_reader *r, qr_opt *o, const char *dir, ir_audio_io *io)
{
    static const struct { const char *key; size_t off; } tris[] = {
        { "mixing-engine", offsetof(ir_audio_io, mixing_engine) },
        { "fixed-settings", offsetof(ir_audio_io, fixed_settings) },
        { "exact-name", offsetof(ir_audio_io, exact_name) },
        { "try-poll", offsetof(ir_audio_io, try_poll) },
    }, uints[] = {
        { "voices", offsetof(ir_audio_io, voices) },
        { "buffer-length", offsetof(ir_audio_io, buffer_length) },
        { "frequency", offsetof(ir_audio_io, frequency) },
        { "channels", offsetof(ir_audio_io, channels) },
        { "latency", offsetof(ir_audio_io, latency) },
        { "buffer-count", offsetof(ir_audio_io, buffer_count) },
    }, strs[] = {
        { "format", offsetof(ir_audio_io, format) }, { "dev", offsetof(ir_audio_io, dev) },
        { "name", offsetof(ir_audio_io, name) },
        { "stream-name", offsetof(ir_audio_io, stream_name) },
        { "server-name", offsetof(ir_audio_io, server_name) },
        { "client-name", offsetof(ir_audio_io, client_name) },
        { "connect-ports", offsetof(ir_audio_io, connect_ports) },
    };
    char key[64];
    size_t before = 0;
    for (size_t i = 0; i < o->props.n; i++)
        before += vc_str_has_prefix(o->props.v[i].key, dir);
    if (!before)
        return true;
    io->given = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(tris); i++) {
        snprintf(key, sizeof(key), "%s.%s", dir, tris[i].key);
        if (!qr_tri(r, o, key, (ir_tristate *)((char *)io + tris[i].off)))
            return false;
    }
    for (size_t i = 0; i < VC_ARRAY_SIZE(uints); i++) {
        snprintf(key, sizeof(key), "%s.%s", dir, uints[i].key);
        if (!qr_uint(r, o, key, (unsigned *)((char *)io + uints[i].off)))
            return false;
    }
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++) {
        snprintf(key, sizeof(key), "%s.%s", dir, strs[i].key);
        const char *v = qr_str(o, key);
        if (v)
            qr_set((char **)((char *)io + strs[i].off), v);
    }
    return true;
}

/* N of an id "audioN" (N > 0), else 0. */
static unsigned qr_audio_n(const char *id)
{
    unsigned long long n;
    if (!id || !vc_str_has_prefix(id, "audio") || !vc_parse_ull(id + 5, 10, &n) || n == 0 ||
        n > 0xffffffffULL || id[5] == '+' || id[5] == ' ')
        return 0;
    return (unsigned)n;
}

static bool qr_audio_taken(qemu_reader *r, unsigned n)
{
    for (size_t i = 0; i < r->nopts; i++)
        if (strcmp(r->opts[i].def->name, "audiodev") == 0 &&
            qr_audio_n(qr_last(&r->opts[i], "id")) == n)
            return true;
    return false;
}

/* The <audio id=> an -audiodev id stands for: N of "audioN"; another id
 * (QEMU takes any) the smallest number no audioN of the line takes, given
 * in the order of the -audiodev options; 0 when no -audiodev has the id. */
static unsigned qr_audio_number(qemu_reader *r, const char *id)
{
    unsigned n = qr_audio_n(id), next = 0;
    if (n)
        return n;
    for (size_t i = 0; i < r->nopts; i++) {
        const char *other = qr_last(&r->opts[i], "id");
        if (strcmp(r->opts[i].def->name, "audiodev") != 0 || !other || qr_audio_n(other))
            continue;
        do
            next++;
        while (qr_audio_taken(r, next));
        if (strcmp(other, id) == 0)
            return next;
    }
    return 0;
}

/* A kept option's text with its audiodev= naming the id virtc writes for
 * that backend (audioN of its <audio id=N>): the domain has no place for
 * another id (<audio> ids are numbers, an audiodev has no alias and no
 * -set), so a kept device naming a script's own id ("snd0") would name no
 * backend. NULL when there is nothing to change. */
char *qr_audio_rewrite(qemu_reader *r, const qr_opt *o)
{
    const char *text = o->arg ? o->arg->text : NULL;
    for (size_t i = 0; text && i < o->props.n; i++) {
        const qopt_item *it = &o->props.v[i];
        const char *dot = strrchr(it->key, '.');   /* -global DRIVER.audiodev= */
        if (strcmp(dot ? dot + 1 : it->key, "audiodev") != 0 || !it->value ||
            qr_audio_n(it->value))
            continue;
        unsigned n = qr_audio_number(r, it->value);
        size_t len = strlen(it->value), at = it->val_off;
        if (o->props.json) {   /* the value's quoted string after the key */
            char *q = vc_xasprintf("\"%s\"", it->value);
            const char *k = strstr(text, "\"audiodev\"");
            const char *v = k ? strstr(k, q) : NULL;
            free(q);
            if (!v)
                continue;
            at = (size_t)(v - text) + 1;
        }
        if (!n || at + len > strlen(text) || strncmp(text + at, it->value, len) != 0)
            continue;
        return vc_xasprintf("%.*saudio%u%s", (int)at, text, n, text + at + len);
    }
    return NULL;
}

/* What the <audio> element has no place for (ALSA's threshold and
 * period-length, JACK's start-server, D-Bus's nsamples, ...): the whole
 * -audiodev is kept, with one warning naming them; false when there is
 * nothing of that kind. */
static bool qr_audiodev_unused(qemu_reader *r, qr_opt *o)
{
    vc_buf keys;
    vc_buf_init(&keys);
    size_t first = o->props.n;
    for (size_t i = 0; i < o->props.n; i++)
        if (!o->props.v[i].used) {
            vc_buf_printf(&keys, "%s'%s'", keys.len ? ", " : "", o->props.v[i].key);
            first = first < i ? first : i;
            o->props.v[i].used = true;
        }
    if (first == o->props.n) {
        vc_buf_free(&keys);
        return false;
    }
    /* the devices naming it say audiodev=audioN (qr_audio_number): an id
     * of another form is written so, the rest as it was */
    const char *id = qr_last(o, "id");
    vc_buf text;
    vc_buf_init(&text);
    if (id && !qr_audio_n(id)) {
        for (size_t i = 0; i < o->props.n; i++) {
            const qopt_item *it = &o->props.v[i];
            vc_buf_printf(&text, "%s%s=", text.len ? "," : "", it->key);
            if (strcmp(it->key, "id") == 0)
                vc_buf_printf(&text, "audio%u", qr_audio_number(r, id));
            else
                for (const char *c = it->value ? it->value : "on"; *c; c++) {
                    if (*c == ',')
                        vc_buf_putc(&text, ',');   /* key=value escapes a comma so */
                    vc_buf_putc(&text, *c);
                }
        }
    }
    const char *args[2] = { o->flag->text, text.len ? vc_buf_str(&text) : o->arg->text };
    qr_passthrough(r, args, 2);
    qr_warn(r, o->arg, o->props.v[first].key_off, "-audiodev: %s ha%s no place in the domain "
            "model; the whole -audiodev is kept as <qemu:commandline>%s%s", vc_buf_str(&keys),
            strchr(vc_buf_str(&keys), ',') ? "ve" : "s", text.len ? " as " : "",
            text.len ? vc_buf_str(&text) : "");
    vc_buf_free(&text);
    vc_buf_free(&keys);
    return true;
}

/* -audiodev [driver=]DRIVER,id=audioN,...: an <audio> element. */
static bool qr_audiodev(qemu_reader *r, qr_opt *o)
{
    const char *drv = qr_str(o, "driver");
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(qr_audio_drivers) && !vc_streq(drv, qr_audio_drivers[k].driver))
        k++;
    if (k == VC_ARRAY_SIZE(qr_audio_drivers)) {
        qr_keep_option(r, o, "this audio driver has no place in the domain model");
        return true;
    }
    ir_device *d = qr_add_device(r, IR_DEV_AUDIO, o->flag);
    ir_audio *a = &d->u.audio;
    a->type = vc_xstrdup(qr_audio_drivers[k].type);
    const char *id = qr_str(o, "id");
    if (id)
        a->id = qr_audio_number(r, id);
    const char *path = qr_str(o, "path"), *server = qr_str(o, "server");
    if (path)
        a->path = vc_xstrdup(path);
    if (server)
        a->server_name = vc_xstrdup(server);
    if (!qr_uint(r, o, "timer-period", &a->timer_period) || !qr_tri(r, o, "try-mmap", &a->try_mmap) ||
        !qr_tri(r, o, "exclusive", &a->exclusive))
        return false;
    if (qr_item(o, "dsp-policy")) {
        a->has_dsp_policy = true;
        if (!qr_uint(r, o, "dsp-policy", &a->dsp_policy))
            return false;
    }
    if (!qr_audio_io(r, o, "in", &a->in) || !qr_audio_io(r, o, "out", &a->out))
        return false;
    if (vc_streq(a->type, "sdl") && r->env_sdl_audio)
        a->driver = vc_xstrdup(r->env_sdl_audio);
    if (qr_audiodev_unused(r, o)) {
        /* kept whole instead: the sound cards and displays naming it keep
         * their audiodev= (<audio id='N'/>, qr_audio_finish), which the
         * kept -audiodev then answers */
        ir_device_clear(&r->dom->devices[--r->dom->ndevices]);
        return true;
    }
    return true;
}

void qr_note_audio(qemu_reader *r, const ir_device *d, const char *audiodev)
{
    unsigned n = audiodev ? qr_audio_number(r, audiodev) : 0;
    if (!n)
        return;   /* no such backend: the default one */
    size_t i = (size_t)(d - r->dom->devices);
    size_t cap = r->cap_audio_of;
    vc_xgrow((void **)&r->audio_of, &r->cap_audio_of, i + 1, sizeof(unsigned));
    memset(r->audio_of + cap, 0, (r->cap_audio_of - cap) * sizeof(unsigned));
    r->audio_of[i] = (unsigned)n;
}

/* The model's default backend of a sound card or a display is the first
 * <audio>; one on another backend says which (<audio id=>). */
void qr_audio_finish(qemu_reader *r)
{
    unsigned first = 0;
    for (size_t i = 0; i < r->dom->ndevices && !first; i++)
        if (r->dom->devices[i].kind == IR_DEV_AUDIO)
            first = r->dom->devices[i].u.audio.id ? r->dom->devices[i].u.audio.id : 1;
    for (size_t i = 0; i < r->dom->ndevices && i < r->cap_audio_of; i++) {
        ir_device *d = &r->dom->devices[i];
        unsigned n = r->audio_of[i];
        /* the D-Bus display carries sound only when it names a backend */
        bool dbus = d->kind == IR_DEV_GRAPHICS && d->u.graphics.type == IR_GFX_DBUS;
        if (!n || (n == first && !dbus))
            continue;
        bool vnc = d->kind == IR_DEV_GRAPHICS && (d->u.graphics.type == IR_GFX_VNC || dbus);
        if (d->kind != IR_DEV_SOUND && !vnc)
            continue;
        if (d->xml) {   /* kept as its element (an HDA card's codecs) */
            char *id = vc_xasprintf("%u", n);
            qr_device_amend_at(r, d, "audio", "id", id, NULL);
            free(id);
        } else if (d->kind == IR_DEV_SOUND) {
            d->u.sound.audio_id = n;
        } else {
            d->u.graphics.audio_id = n;
        }
    }
}

/* Backends virtc writes itself when no device names them. */
static bool qr_backend_implied(qr_opt *o)
{
    const char *n = o->def->name;
    if (strcmp(n, "object") == 0) {
        const char *type = qr_str(o, "qom-type"), *id = qr_str(o, "id");
        return vc_streq(type, "secret") && vc_str_has_prefix(id, "masterKey");
    }
    return false;
}

bool qr_check_backends(qemu_reader *r)
{
    for (size_t i = 0; i < r->nopts; i++) {
        qr_opt *o = &r->opts[i];
        if (o->def->fn != qr_opt_backend || o->used)
            continue;
        if (strcmp(o->def->name, "audiodev") == 0) {
            if (!qr_audiodev(r, o))
                return false;
            continue;
        }
        if (strcmp(o->def->name, "drive") == 0)
            continue;
        if (qr_backend_implied(o))
            continue;
        if (strcmp(o->def->name, "object") == 0 && qr_mem_object(r, o))
            continue;
        qr_keep_option(r, o, "no device of the domain model uses it");
    }
    for (size_t i = 0; i < r->nopts; i++) {
        qr_opt *o = &r->opts[i];
        if (strcmp(o->def->name, "drive") == 0 && !o->used && vc_streq(qr_str(o, "if"), "none"))
            qr_keep_option(r, o, "no device uses this drive");
    }
    return true;
}
