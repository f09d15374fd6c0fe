/*
 * argv_modern_ctl.c: controllers of the -device generation (PCI bridges and
 * root ports, USB, SCSI, SATA, virtio-serial, floppy) and the USB bus the
 * USB devices sit on.
 */
#include "argv_modern_priv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* SCSI controller models (NULL model: the default). */
static const struct {
    const char *model;
    const char *type;
    bool lun;                 /* the bus has channels and LUNs */
} modern_scsi_models[] = {
    { NULL, "lsi53c895a", false },
    { "auto", "lsi53c895a", false },
    { "lsilogic", "lsi53c895a", false },
    { "virtio-scsi", "virtio-scsi-pci", true },
    { "virtio-transitional", "virtio-scsi-pci-transitional", true },
    { "virtio-non-transitional", "virtio-scsi-pci-non-transitional", true },
    { "megasas", "megasas", true },
    { "lsisas1068", "mptsas1068", true },
    { "vmpvscsi", "pvscsi", true },
};

/* USB controller models; the rows of a companion group share one slot. */
const modern_usb_model modern_usb_models[] = {
    { "piix3-uhci", "piix3-usb-uhci", MODERN_USB_ALONE, 0, 2 },
    { "piix4-uhci", "piix4-usb-uhci", MODERN_USB_ALONE, 0, 2 },
    { "ehci", "usb-ehci", MODERN_USB_ALONE, 0, 6 },
    { "ich9-ehci1", "ich9-usb-ehci1", MODERN_USB_EHCI, 7, 6 },
    { "ich9-uhci1", "ich9-usb-uhci1", MODERN_USB_UHCI, 0, 0 },
    { "ich9-uhci2", "ich9-usb-uhci2", MODERN_USB_UHCI, 1, 0 },
    { "ich9-uhci3", "ich9-usb-uhci3", MODERN_USB_UHCI, 2, 0 },
    { "nec-xhci", "nec-usb-xhci", MODERN_USB_ALONE, 0, 4 },
    { "qemu-xhci", "qemu-xhci", MODERN_USB_ALONE, 0, 4 },
    { "pci-ohci", "pci-ohci", MODERN_USB_ALONE, 0, 3 },
};

static const size_t modern_nusb_models = sizeof(modern_usb_models) / sizeof(modern_usb_models[0]);

int modern_usb_model_index(const char *model)
{
    return qemu_table_find(modern_usb_models, modern_nusb_models, sizeof(modern_usb_models[0]),
                           offsetof(modern_usb_model, model), model);
}

/* The model a USB controller without one gets (libvirt's defaults). */
const char *modern_usb_default(const qemu_ctx *x)
{
    return x->modern->q35 ? "qemu-xhci" : "piix3-uhci";
}

/* ---- controllers ------------------------------------------------------------------ */

/* The auto pcie-root-ports of q35, eight functions a slot from slot 2. */
static bool modern_rootports(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    bool ok = true;
    for (unsigned k = 0; k < m->nrootports; k++) {
        unsigned idx = m->first_rootport + k;
        unsigned slot = m->rp_slot[k / 8], fn = k % 8;
        if (!modern_need_device(x, x->dom->pos, "pcie-root-port"))
            return false;
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "pcie-root-port,port=0x%x,chassis=%u,id=pci.%u,bus=pcie.0", 0x10 + idx,
                      idx, idx);
        if (fn == 0)
            vc_buf_printf(&b, ",multifunction=on,addr=0x%x", slot);
        else
            vc_buf_printf(&b, ",addr=0x%x.0x%x", slot, fn);
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    }
    return ok;
}

/* A controller's -device ends with its planned PCI address. */
static void modern_device_at(qemu_ctx *x, vc_buf *b, const modern_slot *s)
{
    modern_pci_opts(x, s, b);
    qemu_arg2_take(x, "-device", vc_buf_steal(b));
}

static char *modern_usb_id(int index)
{
    return index == 0 ? vc_xstrdup("usb") : vc_xasprintf("usb%d", index);
}

static bool modern_usb_controller(qemu_ctx *x, const ir_device *dev, const char *model,
                                  int index, const modern_slot *s)
{
    ir_pos pos = dev ? dev->pos : x->dom->pos;
    int mi = modern_usb_model_index(model);
    if (mi < 0)
        return qemu_unsupported(x, pos, "USB controller model '%s'", model);
    const char *type = modern_usb_models[mi].type;
    if (!modern_need_device(x, pos, type))
        return false;
    /* PIIX3's UHCI at 1.2 is part of the machine on i440fx, but QEMU builds it
     * only when asked, with -nodefaults. */
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, type);
    char *id = modern_usb_id(index);
    if (modern_usb_models[mi].role == MODERN_USB_UHCI) {
        vc_buf_printf(&b, ",masterbus=%s.0,firstport=%u", id, modern_usb_models[mi].fn * 2);
        vc_buf_printf(&b, ",id=%s-uhci%u", id, modern_usb_models[mi].fn + 1);
    } else {
        vc_buf_printf(&b, ",id=%s", id);
    }
    free(id);
    modern_device_at(x, &b, s);
    return true;
}

static int modern_scsi_model(const char *model)
{
    return QEMU_TABLE_FIND(modern_scsi_models, model, model);
}

bool modern_scsi_ctl_luns(const qemu_ctx *x, unsigned controller)
{
    const ir_controller *c = modern_find_controller(x, "scsi", (int)controller);
    int mi = modern_scsi_model(c ? c->model : NULL);
    return mi >= 0 && modern_scsi_models[mi].lun;
}

static bool modern_scsi_controller(qemu_ctx *x, const ir_device *dev, const char *model,
                                   int index, const modern_slot *s)
{
    ir_pos pos = dev ? dev->pos : x->dom->pos;
    int mi = modern_scsi_model(model);
    if (mi < 0)
        return qemu_unsupported(x, pos, "SCSI controller model '%s'", model);
    const char *type = modern_scsi_models[mi].type;
    if (!modern_need_device(x, pos, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=scsi%d", type, index);
    modern_device_at(x, &b, s);
    return true;
}

static bool modern_simple_controller(qemu_ctx *x, const ir_device *dev, const char *type,
                                     const char *id, const modern_slot *s)
{
    if (!modern_need_device(x, dev ? dev->pos : x->dom->pos, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=%s", type, id);
    modern_device_at(x, &b, s);
    return true;
}

/* PCI controller models past the root: the QEMU device and the options
 * that make its bus "pci.INDEX" (%1$d: the index). */
static const struct {
    const char *model;
    const char *type;
    const char *opts;
} modern_pci_models[] = {
    { "pci-bridge", "pci-bridge", "chassis_nr=%1$d,id=pci.%1$d" },
    { "pcie-root-port", "pcie-root-port", "port=0x%2$x,chassis=%1$d,id=pci.%1$d" },
    { "dmi-to-pci-bridge", "i82801b11-bridge", "id=pci.%1$d" },
    { "pcie-to-pci-bridge", "pcie-pci-bridge", "id=pci.%1$d" },
};

bool modern_pci_model_known(const char *model)
{
    return QEMU_TABLE_FIND(modern_pci_models, model, model) >= 0;
}

static bool modern_pci_controller(qemu_ctx *x, const ir_device *dev)
{
    const ir_controller *c = &dev->u.controller;
    int index = modern_ctl_index(x, c);
    const char *model = c->model;
    if (index == 0) {
        bool root = vc_streq(model, x->modern->q35 ? "pcie-root" : "pci-root") || !model;
        return root || qemu_unsupported(x, dev->pos, "PCI controller 0 of model '%s' on "
                                        "machine '%s'", model, x->modern->machine);
    }
    int mi = QEMU_TABLE_FIND(modern_pci_models, model, model);
    if (mi < 0)
        return qemu_unsupported(x, dev->pos, "PCI controller model '%s'",
                                qemu_str_or(model, "?"));
    const char *type = modern_pci_models[mi].type;
    if (!modern_need_device(x, dev->pos, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,", type);
    vc_buf_printf(&b, modern_pci_models[mi].opts, index, 0x8 + index);
    const modern_slot *s = modern_slot_of(x, dev);
    modern_device_at(x, &b, s);
    return true;
}

bool modern_controller(qemu_ctx *x, const ir_device *dev)
{
    const ir_controller *c = &dev->u.controller;
    int index = modern_ctl_index(x, c);
    const modern_slot *s = modern_slot_of(x, dev);
    const char *type = qemu_str_or(c->type, "?");
    if (strcmp(type, "pci") == 0)
        return true;                        /* written before the others */
    if (strcmp(type, "usb") == 0) {
        int mi = modern_usb_model_index(c->model);
        if (vc_streq(c->model, "none") ||
            (mi >= 0 && modern_usb_models[mi].role == MODERN_USB_UHCI))
            return true;                    /* companions follow their EHCI */
        return modern_usb_controller(x, dev, c->model ? c->model : modern_usb_default(x),
                                     index, s);
    }
    if (strcmp(type, "scsi") == 0)
        return modern_scsi_controller(x, dev, c->model, index, s);
    if (strcmp(type, "virtio-serial") == 0) {
        char *id = vc_xasprintf("virtio-serial%d", index);
        bool ok = modern_simple_controller(x, dev, "virtio-serial-pci", id, s);
        free(id);
        return ok;
    }
    if (strcmp(type, "sata") == 0) {
        if (x->modern->q35 && index == 0)
            return true;                    /* the ICH9's own AHCI, bus "ide" */
        char *id = vc_xasprintf("sata%d", index);
        bool ok = modern_simple_controller(x, dev, "ich9-ahci", id, s);
        free(id);
        return ok;
    }
    if (strcmp(type, "ide") == 0) {
        if (!x->modern->q35 && index == 0)
            return true;                    /* the PIIX3's own IDE */
        return qemu_unsupported(x, dev->pos, "IDE controller %d on machine '%s'", index,
                                qemu_str_or(x->modern->machine, "?"));
    }
    if (strcmp(type, "fdc") == 0)
        return index == 0 || qemu_unsupported(x, dev->pos, "floppy controller %d", index);
    if (strcmp(type, "ccid") == 0 || strcmp(type, "xenbus") == 0 ||
        strcmp(type, "virtio-serial") == 0)
        return qemu_unsupported(x, dev->pos, "controller '%s'", type);
    return qemu_unsupported(x, dev->pos, "controller '%s'", type);
}

/* pci controllers first (buses before what sits on them), then the q35
 * root ports, then the implicit controllers planned in modern_plan. */
bool modern_controllers_pre(qemu_ctx *x)
{
    bool ok = true;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, "pci"))
            ok = modern_pci_controller(x, d) && ok;
    }
    return modern_rootports(x) && ok;
}

bool modern_controllers_implicit(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    bool ok = true;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind != IR_DEV_CONTROLLER || !vc_streq(d->u.controller.type, "usb"))
            continue;
        int mi = modern_usb_model_index(d->u.controller.model);
        if (mi >= 0 && modern_usb_models[mi].role == MODERN_USB_UHCI)
            ok = modern_usb_controller(x, d, d->u.controller.model,
                                       modern_ctl_index(x, &d->u.controller),
                                       modern_slot_of(x, d)) && ok;
    }
    for (size_t i = 0; i < m->nslots; i++) {
        const modern_slot *s = &m->slots[i];
        if (s->dev)
            continue;
        char *id;
        switch (s->imp) {
        case MODERN_IMP_USB:
            ok = modern_usb_controller(x, NULL, modern_usb_default(x), 0, s) && ok;
            break;
        case MODERN_IMP_SCSI:
            ok = modern_scsi_controller(x, NULL, NULL, s->index, s) && ok;
            break;
        case MODERN_IMP_SATA:
            id = vc_xasprintf("sata%d", s->index);
            ok = modern_simple_controller(x, NULL, "ich9-ahci", id, s) && ok;
            free(id);
            break;
        case MODERN_IMP_VSERIAL:
            ok = modern_simple_controller(x, NULL, "virtio-serial-pci", "virtio-serial0", s) &&
                 ok;
            break;
        default:
            break;
        }
    }
    return ok;
}

/* Whether a device sits on the USB bus. */
static bool modern_on_usb(const ir_device *d)
{
    switch (d->kind) {
    case IR_DEV_DISK: return qemu_disk_bus(&d->u.disk) == IR_BUS_USB;
    case IR_DEV_INPUT: return vc_streq(d->u.input.bus, "usb");
    case IR_DEV_HOSTDEV: return d->u.hostdev.type == IR_HOSTDEV_USB;
    case IR_DEV_SOUND: return vc_streq(d->u.sound.model, "usb");
    case IR_DEV_CHR: return vc_streq(d->u.chr.target_type, "usb-serial");
    default: return false;
    }
}

/* The ports of USB bus 0; 0 when unknown (a model outside the table). */
static unsigned modern_usb_ports(const qemu_ctx *x)
{
    const ir_controller *c = modern_find_controller(x, "usb", 0);
    int mi = modern_usb_model_index(c && c->model ? c->model : modern_usb_default(x));
    return mi >= 0 ? modern_usb_models[mi].ports : 0;
}

bool modern_usb_needed(qemu_ctx *x, const ir_device *dev, const char *what)
{
    if (x->modern->usb_none)
        return qemu_error(x, dev->pos, "%s needs a USB controller, but its model is 'none'",
                          what);
    /* QEMU adds no hub by itself: more devices than ports do not start. */
    unsigned ports = modern_usb_ports(x), n = 0;
    bool counted = false;
    for (size_t i = 0; i < x->dom->ndevices && ports; i++) {
        const ir_device *d = &x->dom->devices[i];
        n += modern_on_usb(d);
        if (d == dev)
            counted = n > ports;
    }
    if (counted)
        return qemu_unsupported(x, dev->pos, "a USB device beyond the %u ports of the USB "
                                "controller (use model='qemu-xhci' or 'ich9-ehci1')", ports);
    return true;
}

/* ",bus=usb.0[,port=P]" of a USB device. */
void modern_usb_opts(const ir_address *a, vc_buf *b)
{
    if (a->type == IR_ADDR_USB) {
        char *id = modern_usb_id((int)a->bus);
        vc_buf_printf(b, ",bus=%s.0", id);
        free(id);
        if (a->usb_port)
            qemu_opt_add(b, "port", a->usb_port);
    } else {
        vc_buf_puts(b, ",bus=usb.0");
    }
}

