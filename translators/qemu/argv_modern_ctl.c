/*
 * argv_modern_ctl.c: controllers of the -device generation (PCI bridges and
 * root ports, USB, SCSI, SATA, virtio-serial, floppy) and the USB bus the
 * USB devices sit on.
 */
#include "argv_modern_priv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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
        /* a root port's port number is its own address, slot * 8 + function */
        vc_buf_printf(&b, "pcie-root-port,port=0x%x,chassis=%u,id=pci.%u,bus=pcie.0",
                      slot * 8 + fn, idx, idx);
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
        /* a companion's first port: <master startport=>, else its
         * function's two ports on from the EHCI's first */
        int first = dev && dev->u.controller.startport >= 0 ? dev->u.controller.startport
                                                            : (int)modern_usb_models[mi].fn * 2;
        vc_buf_printf(&b, ",masterbus=%s.0,firstport=%d", id, first);
        vc_buf_printf(&b, ",id=%s-uhci%u", id, modern_usb_models[mi].fn + 1);
    } else {
        vc_buf_printf(&b, ",id=%s", id);
    }
    free(id);
    modern_device_at(x, &b, s);
    return true;
}

static bool modern_scsi_controller(qemu_ctx *x, const ir_device *dev, const char *model,
                                   int index, const modern_slot *s)
{
    ir_pos pos = dev ? dev->pos : x->dom->pos;
    const char *type = modern_scsi_type(model);
    if (!type)
        return qemu_unsupported(x, pos, "SCSI controller model '%s'", model);
    if (!modern_need_device(x, pos, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=scsi%d", modern_written_type(type), index);
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
    vc_buf_printf(&b, "%s,id=%s", modern_written_type(type), id);
    modern_device_at(x, &b, s);
    return true;
}

/* The QEMU device a PCI controller is written as: its <model name=> when
 * it gives one the model has, else the model's own. */
static const char *modern_pci_type(qemu_ctx *x, ir_pos pos, const modern_pci_model_def *md,
                                   const ir_controller *c)
{
    const char *name = c ? c->model_name : NULL;
    if (!name || strcmp(name, md->type) == 0 || vc_streq(name, md->alt))
        return name ? name : md->type;
    qemu_error(x, pos, "a '%s' controller cannot be of model name '%s'", md->model, name);
    return NULL;
}

/* The <target> settings the model's device has no property for: libvirt
 * refuses them rather than drop them, and so does virtc. */
static bool modern_pci_target_fits(qemu_ctx *x, ir_pos pos, const modern_pci_model_def *md,
                                   const ir_controller *c)
{
    if (!c)
        return true;
    const struct { unsigned flag; const char *attr; bool given; } t[] = {
        { MODERN_TGT_CHASSIS_NR, "chassisNr", c->chassis_nr >= 0 },
        { MODERN_TGT_CHASSIS, "chassis", c->chassis >= 0 },
        { MODERN_TGT_PORT, "port", c->port >= 0 },
        { MODERN_TGT_HOTPLUG, "hotplug", c->hotplug != IR_TRI_ABSENT },
        { MODERN_TGT_BUS_NR, "busNr", c->bus_nr >= 0 },
        { 0, "index", c->target_index >= 0 },
        { MODERN_TGT_NODE, "node", c->node >= 0 },
    };
    for (size_t k = 0; k < VC_ARRAY_SIZE(t); k++)
        if (t[k].given && !(md->target & t[k].flag))
            return qemu_error(x, pos, "<target %s> is not a setting of a '%s' controller",
                              t[k].attr, md->model);
    return true;
}

/* The bus number of an expander bus without <target busNr=>: as libvirt
 * picks it, two below the lowest any PCI controller has (254 for the
 * first), leaving one for a bridge behind it; the expanders before it in
 * the document took theirs the same way. -1 when none is left. */
static int modern_pci_bus_nr(qemu_ctx *x, const ir_controller *c)
{
    int lowest = 256;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        const ir_controller *o = &d->u.controller;
        if (d->kind != IR_DEV_CONTROLLER || !vc_streq(o->type, "pci"))
            continue;
        if (o->bus_nr >= 0 && o->bus_nr < lowest)
            lowest = o->bus_nr;
    }
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind != IR_DEV_CONTROLLER || !vc_streq(d->u.controller.type, "pci") ||
            d->u.controller.bus_nr >= 0)
            continue;
        const modern_pci_model_def *md = modern_pci_model(d->u.controller.model);
        if (!md || !(md->target & MODERN_TGT_BUS_NR))
            continue;
        if (lowest <= 2)
            return -1;
        lowest -= 2;
        if (&d->u.controller == c)
            return lowest;
    }
    return -1;
}

/* An expander bus's NUMA node must be one of the guest's (QEMU checks
 * only its number). */
static bool modern_pci_node_fits(qemu_ctx *x, ir_pos pos, int node)
{
    for (size_t i = 0; i < x->modern->ncells; i++)
        if (x->modern->cells[i].id == (unsigned)node)
            return true;
    return qemu_error(x, pos, "this controller's NUMA node %d is not a cell of the guest's "
                      "<cpu><numa>", node);
}

/* Whether the model's device plugs into this machine's root bus. */
static bool modern_pci_machine_fits(qemu_ctx *x, ir_pos pos, const modern_pci_model_def *md)
{
    if (md->machine == MODERN_ON_ANY || (md->machine == MODERN_ON_Q35) == x->modern->q35)
        return true;
    return qemu_error(x, pos, "a '%s' controller needs %s machine, not '%s'", md->model,
                      md->machine == MODERN_ON_Q35 ? "a q35" : "an i440fx",
                      qemu_str_or(x->modern->machine, "?"));
}

/* The -device of PCI controller `index` of a model past the root, at its
 * planned slot: the document's (c), or a pci-bridge placement added (c
 * NULL). Its <target> numbers are written as given; absent, derived as
 * libvirt derives them: the chassis from the index, a root port's port
 * from its own address (slot * 8 + function). */
static bool modern_pci_bus_device(qemu_ctx *x, ir_pos pos, const char *model,
                                  const ir_controller *c, int index, const modern_slot *s)
{
    const modern_pci_model_def *md = modern_pci_model(model);
    if (!md)
        return qemu_unsupported(x, pos, "PCI controller model '%s'", qemu_str_or(model, "?"));
    const char *type = modern_pci_type(x, pos, md, c);
    if (!type || !modern_pci_target_fits(x, pos, md, c) || !modern_pci_machine_fits(x, pos, md) ||
        !modern_need_device(x, pos, type))
        return false;
    int bus_nr = !(md->target & MODERN_TGT_BUS_NR) ? -1
                 : c && c->bus_nr >= 0                 ? c->bus_nr
                 : c                                   ? modern_pci_bus_nr(x, c)
                                                       : -1;
    if ((md->target & MODERN_TGT_BUS_NR) && bus_nr < 0)
        return qemu_error(x, pos, "no bus number is left for this '%s': give it <target "
                          "busNr=>", md->model);
    if (c && c->node >= 0 && !modern_pci_node_fits(x, pos, c->node))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, type);
    if (md->target & MODERN_TGT_PORT)
        vc_buf_printf(&b, ",port=0x%x", c && c->port >= 0 ? (unsigned)c->port
                                        : s ? s->slot * 8 + s->fn : 0x8 + (unsigned)index);
    if (md->target & MODERN_TGT_CHASSIS)
        vc_buf_printf(&b, ",chassis=%d", c && c->chassis >= 0 ? c->chassis : index);
    if (md->target & MODERN_TGT_CHASSIS_NR)
        vc_buf_printf(&b, ",chassis_nr=%d", c && c->chassis_nr >= 0 ? c->chassis_nr : index);
    if (md->target & MODERN_TGT_BUS_NR)
        vc_buf_printf(&b, ",bus_nr=%d", bus_nr);
    vc_buf_printf(&b, ",id=pci.%d", index);
    if (c && c->node >= 0)
        vc_buf_printf(&b, ",numa_node=%d", c->node);
    if (c && c->hotplug)
        vc_buf_printf(&b, ",hotplug=%s", c->hotplug == IR_TRI_YES ? "on" : "off");
    modern_device_at(x, &b, s);
    return true;
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
    return modern_pci_bus_device(x, dev->pos, model, c, index, modern_slot_of(x, dev));
}

/* A CCID smartcard reader on the USB bus (usb-ccid); dev NULL is the one
 * smartcards get when the document names none. */
static bool modern_ccid_controller(qemu_ctx *x, const ir_device *dev, int index)
{
    const char *type = "usb-ccid";
    ir_pos pos = dev ? dev->pos : x->dom->pos;
    if (!modern_need_device(x, pos, type))
        return false;
    if (x->modern->usb_none)
        return qemu_error(x, pos, "smartcards need a USB controller, but its model is 'none'");
    if (dev && !modern_usb_needed(x, dev, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=ccid%d", type, index);
    if (dev)
        modern_usb_opts(&dev->u.controller.addr, &b);
    else
        vc_buf_puts(&b, ",bus=usb.0");
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
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
        const char *vtype = modern_virtio_type("virtio-serial-pci", c->model);
        if (!vtype)
            return qemu_unsupported(x, dev->pos, "virtio-serial controller model '%s'",
                                    c->model);
        char *id = vc_xasprintf("virtio-serial%d", index);
        bool ok = modern_simple_controller(x, dev, vtype, id, s);
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
    if (strcmp(type, "ccid") == 0)
        return true;                        /* after the USB controllers */
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
    /* the pci-bridges placement added follow the document's, in index
     * order, as libvirt appends them to the controllers */
    for (size_t i = 0; i < x->modern->nslots; i++) {
        const modern_slot *s = &x->modern->slots[i];
        if (!s->dev && s->imp == MODERN_IMP_BRIDGE)
            ok = modern_pci_bus_device(x, x->dom->pos, "pci-bridge", NULL, s->index, s) && ok;
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
    /* the CCID readers sit on the USB bus: after every USB controller */
    for (size_t k = 0; k < m->nctls; k++) {
        const ir_device *d = &x->dom->devices[m->ctls[k]];
        if (vc_streq(d->u.controller.type, "ccid"))
            ok = modern_ccid_controller(x, d, m->ctl_index[m->ctls[k]]) && ok;
    }
    if (m->ccid_implicit)
        ok = modern_ccid_controller(x, NULL, 0) && ok;
    return ok;
}

