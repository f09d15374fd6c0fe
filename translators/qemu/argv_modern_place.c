/*
 * argv_modern_place.c: placement, the first phase of the -device
 * generation. Before anything is written it decides the machine, every
 * controller (the document's and the implicit ones), PCI slot and
 * function, boot index, block node number and USB port, and keeps them in
 * struct qemu_modern; emission only reads them. Each step is linear in the
 * devices (lookups go through per-device arrays, not scans).
 *
 * Devices get the PCI addresses the document gives them; the others get one
 * in a pre-pass (modern_plan) that walks the device families in libvirt's
 * assignment order, so the same document always gives the same line: on
 * i440fx slot 1 is the PIIX3 (IDE 1.1, UHCI 1.2), slot 2 the primary video,
 * then the rest from slot 2 or 3 up; on q35 the primary video sits at
 * pcie.0 slot 1 and every other device gets its own pcie-root-port.
 */
#include "argv_modern_priv.h"
#include "../xmldoc.h"

#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- PCI address plan ------------------------------------------------------- */

static bool modern_slot_used(const qemu_modern *m, unsigned bus, unsigned slot)
{
    return bus < 256 && slot < 32 && (m->used[bus] >> slot) & 1u;
}

static void modern_slot_take(qemu_modern *m, unsigned bus, unsigned slot)
{
    if (bus < 256 && slot < 32)
        m->used[bus] |= 1u << slot;
}

static modern_slot *modern_slot_new(qemu_modern *m, const ir_device *dev, modern_implicit imp,
                                    int index)
{
    vc_xgrow((void **)&m->slots, &m->capslots, m->nslots + 1, sizeof(modern_slot));
    modern_slot *s = &m->slots[m->nslots++];
    *s = (modern_slot){ .dev = dev, .imp = imp, .index = index };
    if (dev)
        m->slot_ix[dev - m->devices0] = m->nslots;
    return s;
}

modern_slot *modern_slot_of(const qemu_ctx *x, const ir_device *dev)
{
    size_t k = dev ? x->modern->slot_ix[modern_devidx(x, dev)] : 0;
    return k ? &x->modern->slots[k - 1] : NULL;
}

modern_slot *modern_slot_imp(const qemu_ctx *x, modern_implicit imp, int index)
{
    for (size_t i = 0; i < x->modern->nslots; i++)
        if (!x->modern->slots[i].dev && x->modern->slots[i].imp == imp &&
            x->modern->slots[i].index == index)
            return &x->modern->slots[i];
    return NULL;
}

/* The first free slot of pcie.0 from `from`; 32 when none is left. */
static unsigned modern_free_root_slot(const qemu_modern *m, unsigned from)
{
    unsigned slot = from;
    while (slot < 32 && modern_slot_used(m, 0, slot))
        slot++;
    return slot;
}

/* A pcie-root-port virtc adds (q35): eight functions a slot of pcie.0 from
 * the first free one; its bus is pci.<first_rootport + k>. */
static bool modern_rootport_new(qemu_ctx *x, ir_pos pos, unsigned *bus)
{
    qemu_modern *m = x->modern;
    if (m->nrootports % 8 == 0) {
        unsigned slot = modern_free_root_slot(m, 1);
        if (slot == 32 || m->nrp_slots == VC_ARRAY_SIZE(m->rp_slot))
            return qemu_error(x, pos, "no free PCI slot left on pcie.0 for a root port");
        modern_slot_take(m, 0, slot);
        m->rp_slot[m->nrp_slots++] = slot;
    }
    *bus = m->first_rootport + m->nrootports++;
    return true;
}

/* A root port of the document no device sits on yet, in document order
 * (the cursor only moves forward: a port once taken stays taken). */
static bool modern_doc_rootport(qemu_modern *m, unsigned *bus)
{
    while (m->doc_rp_next < m->ndoc_rp) {
        unsigned b = m->doc_rp[m->doc_rp_next++];
        if (b < 256 && !m->bus_busy[b]) {
            m->bus_busy[b] = true;
            *bus = b;
            return true;
        }
    }
    return false;
}

static const ir_address *modern_dev_addr(const ir_device *dev);
static bool modern_wants_pci(const qemu_ctx *x, const ir_device *dev);

/* ---- i440fx buses ---------------------------------------------------------- */

static bool modern_bus_takes_devices(const qemu_modern *m, unsigned bus)
{
    return m->bus_kind[bus] == MODERN_BUS_ROOT || m->bus_kind[bus] == MODERN_BUS_BRIDGE ||
           m->bus_kind[bus] == MODERN_BUS_ADDED;
}

static void modern_bus_set(qemu_modern *m, unsigned bus, modern_bus_kind kind)
{
    m->bus_kind[bus] = (unsigned char)kind;
    /* slot 0 of a pci-bridge's bus is the bridge's own (its hotplug
     * controller): devices go on slots 1..31 */
    if (kind == MODERN_BUS_BRIDGE || kind == MODERN_BUS_ADDED)
        modern_slot_take(m, bus, 0);
    if (bus >= m->nbuses)
        m->nbuses = bus + 1;
}

/* Adds a pci-bridge as the next bus, as libvirt does when every bus that
 * takes the device is full. Bus numbers are 8 bits: pci.255 is the last. */
static bool modern_bus_grow(qemu_ctx *x, ir_pos pos)
{
    qemu_modern *m = x->modern;
    if (m->nbuses >= 256) {
        if (!m->pci_full)         /* once, not for every device after it */
            qemu_error(x, pos, "no free PCI slot left: pci.0 and 255 pci-bridges are full "
                       "(a PCI domain has 256 buses)");
        m->pci_full = true;
        return false;
    }
    modern_bus_set(m, m->nbuses, MODERN_BUS_ADDED);
    return true;
}

/* Moves the cursor to the first bus that takes devices and has a free
 * slot; false when there is none. Slots are only ever taken, so a bus
 * once full stays full: each device costs O(1) amortized, not a scan of
 * every bus. */
static bool modern_bus_next(qemu_modern *m)
{
    while (m->bus_cursor < m->nbuses &&
           (!modern_bus_takes_devices(m, m->bus_cursor) || m->used[m->bus_cursor] == 0xffffffffu))
        m->bus_cursor++;
    return m->bus_cursor < m->nbuses;
}

/* The lowest free slot of a bus that has one. */
static unsigned modern_free_slot(const qemu_modern *m, unsigned bus)
{
    unsigned slot = 0;
    while (modern_slot_used(m, bus, slot))
        slot++;
    return slot;
}

/* i440fx: the first free slot of the first bus that takes devices (pci.0,
 * then the pci-bridges in index order), adding a pci-bridge when every one
 * is full. */
static bool modern_slot_pci(qemu_ctx *x, modern_slot *s, ir_pos pos)
{
    qemu_modern *m = x->modern;
    while (!modern_bus_next(m))
        if (!modern_bus_grow(x, pos))
            return false;
    unsigned bus = m->bus_cursor, slot = modern_free_slot(m, bus);
    modern_slot_take(m, bus, slot);
    s->bus = bus;
    s->slot = slot;
    s->fn = 0;
    return true;
}

/* The buses a pass starts with: pci.0, the document's PCI controllers,
 * and pci-bridges for every other bus below `want` (the buses an earlier
 * pass needed) or named by a device's address (libvirt adds those too). */
static void modern_buses_init(qemu_ctx *x, unsigned want)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    modern_bus_set(m, 0, MODERN_BUS_ROOT);
    for (size_t k = 0; k < m->nctls; k++) {
        const ir_controller *c = &dom->devices[m->ctls[k]].u.controller;
        int idx = m->ctl_index[m->ctls[k]];
        if (vc_streq(c->type, "pci") && idx > 0 && idx < 256)
            modern_bus_set(m, (unsigned)idx, vc_streq(c->model, "pci-bridge")
                                                 ? MODERN_BUS_BRIDGE : MODERN_BUS_OTHER);
    }
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_address *a = modern_dev_addr(&dom->devices[i]);
        if (a && a->type == IR_ADDR_PCI && a->bus < 256 && a->bus + 1 > want &&
            modern_wants_pci(x, &dom->devices[i]))
            want = a->bus + 1;
    }
    for (unsigned b = 1; b < want && b < 256; b++)
        if (m->bus_kind[b] == MODERN_BUS_NONE)
            modern_bus_set(m, b, MODERN_BUS_ADDED);
}

/* The next free slot: i440fx fills the buses in order (above); q35 gives
 * the device a root port of its own, on its slot 0: a free one of the
 * document's, else one added. */
static bool modern_slot_auto(qemu_ctx *x, modern_slot *s, ir_pos pos, bool direct)
{
    qemu_modern *m = x->modern;
    if (!m->q35)
        return modern_slot_pci(x, s, pos);
    if (!direct) {
        unsigned bus;
        if (!modern_doc_rootport(m, &bus) && !modern_rootport_new(x, pos, &bus))
            return false;
        s->bus = bus;
        s->slot = 0;
        s->fn = 0;
        return true;
    }
    unsigned slot = modern_free_root_slot(m, 2);
    if (slot == 32)
        return qemu_error(x, pos, "no free PCI slot left on bus 0 for this device");
    modern_slot_take(m, 0, slot);
    s->bus = 0;
    s->slot = slot;
    s->fn = 0;
    return true;
}

static bool modern_slot_fixed(qemu_ctx *x, modern_slot *s, const ir_address *a, ir_pos pos)
{
    if (a->domain != 0)
        return qemu_unsupported(x, a->pos.line ? a->pos : pos, "PCI domain %u", a->domain);
    if (a->bus > 255 || a->slot > 31 || a->function > 7)
        return qemu_error(x, a->pos.line ? a->pos : pos, "PCI address %x:%x.%x is out of "
                          "range", a->bus, a->slot, a->function);
    s->fixed = true;
    s->bus = a->bus;
    s->slot = a->slot;
    s->fn = a->function;
    s->multifunction = a->multifunction == IR_TRI_YES;
    return true;
}

static const ir_address *modern_dev_addr(const ir_device *dev)
{
    switch (dev->kind) {
    case IR_DEV_DISK: return &dev->u.disk.addr;
    case IR_DEV_CONTROLLER: return &dev->u.controller.addr;
    case IR_DEV_FILESYSTEM: return &dev->u.fs.addr;
    case IR_DEV_INTERFACE: return &dev->u.net.addr;
    case IR_DEV_CHR: return &dev->u.chr.addr;
    case IR_DEV_INPUT: return &dev->u.input.addr;
    case IR_DEV_SOUND: return &dev->u.sound.addr;
    case IR_DEV_VIDEO: return &dev->u.video.addr;
    case IR_DEV_HOSTDEV: return &dev->u.hostdev.addr;
    case IR_DEV_WATCHDOG: return &dev->u.watchdog.addr;
    case IR_DEV_MEMBALLOON: return &dev->u.memballoon.addr;
    case IR_DEV_RNG: return &dev->u.rng.addr;
    case IR_DEV_IOMMU: return &dev->u.iommu.addr;
    case IR_DEV_VSOCK: return &dev->u.vsock.addr;
    case IR_DEV_PANIC: return &dev->u.panic.addr;
    case IR_DEV_MEMORY: return &dev->u.memory.addr;
    default: return NULL;
    }
}

/* Whether the device wants a PCI slot at all. */
static bool modern_wants_pci(const qemu_ctx *x, const ir_device *dev)
{
    switch (dev->kind) {
    case IR_DEV_DISK:
        return qemu_disk_bus(&dev->u.disk) == IR_BUS_VIRTIO;
    case IR_DEV_CONTROLLER: {
        const ir_controller *c = &dev->u.controller;
        if (vc_streq(c->type, "usb"))
            return !vc_streq(c->model, "none");
        if (vc_streq(c->type, "scsi") || vc_streq(c->type, "virtio-serial"))
            return true;
        if (vc_streq(c->type, "sata"))
            return !(x->modern->q35 && modern_ctl_index(x, c) == 0);
        if (vc_streq(c->type, "pci"))
            return modern_pci_model_known(c->model);
        return false;
    }
    case IR_DEV_FILESYSTEM:
        return true;
    case IR_DEV_INTERFACE:
        /* QEMU's ISA NIC (isapc's default) sits at its I/O port, not in a slot */
        return !vc_streq(dev->u.net.model, "ne2k_isa");
    case IR_DEV_SOUND: {
        bool pci = false, hda = false;
        modern_sound_type(dev->u.sound.model, &pci, &hda);
        return pci;
    }
    case IR_DEV_VIDEO:
        return !vc_streq(dev->u.video.model, "none") && !vc_streq(dev->u.video.model, "ramfb");
    case IR_DEV_HOSTDEV:
        return dev->u.hostdev.type == IR_HOSTDEV_PCI || dev->u.hostdev.type == IR_HOSTDEV_MDEV ||
               dev->u.hostdev.type == IR_HOSTDEV_SCSI_HOST;
    case IR_DEV_WATCHDOG:
        return vc_streq(dev->u.watchdog.model, "i6300esb");
    case IR_DEV_MEMBALLOON:
        return dev->u.memballoon.model &&
               modern_virtio_type("virtio-balloon-pci", dev->u.memballoon.model);
    case IR_DEV_RNG:
        return true;
    case IR_DEV_INPUT:
        return vc_streq(dev->u.input.bus, "virtio");
    case IR_DEV_CHR:
        return vc_streq(dev->u.chr.target_type, "pci-serial");
    case IR_DEV_VSOCK:
        return true;
    case IR_DEV_IOMMU:
        return vc_streq(dev->u.iommu.model, "virtio");
    case IR_DEV_PANIC:
        return vc_streq(dev->u.panic.model, "pvpanic");
    case IR_DEV_MEMORY:
        return vc_streq(dev->u.memory.model, "virtio-mem") ||
               vc_streq(dev->u.memory.model, "virtio-pmem");
    default:
        return false;
    }
}

/* Places the fixed ones first: the document's addresses, the PIIX3's
 * functions, the primary video's slot. */
static bool modern_plan_fixed(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    bool ok = true;
    if (!m->q35)
        modern_slot_take(m, 0, 1);          /* PIIX3: ISA, IDE, UHCI, PM */
    else {
        modern_slot_take(m, 0, 0x1f);       /* ICH9: LPC, SATA, SMBus */
        modern_slot_take(m, 0, 0x1b);       /* where ich9-intel-hda goes */
    }
    modern_slot_take(m, 0, 0);              /* the host bridge */
    /* functions the document gave, per bus*32+slot (checked in range) */
    unsigned char *taken = vc_xcalloc(256 * 32, 1);
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *dev = &dom->devices[i];
        const ir_address *a = modern_dev_addr(dev);
        if (!a || a->type != IR_ADDR_PCI || !modern_wants_pci(x, dev))
            continue;
        modern_slot *s = modern_slot_new(m, dev, MODERN_IMP_NONE, 0);
        if (!modern_slot_fixed(x, s, a, dev->pos)) {
            ok = false;
            continue;
        }
        /* Functions of one slot may be shared; a slot taken twice at the same
         * function is the document's mistake. */
        unsigned char *fns = &taken[s->bus * 32 + s->slot];
        if (*fns & (1u << s->fn))
            ok = qemu_error(x, a->pos.line ? a->pos : dev->pos, "PCI address "
                            "%.2x:%.2x.%x is given to two devices", s->bus, s->slot, s->fn);
        *fns |= (unsigned char)(1u << s->fn);
        modern_slot_take(m, s->bus, s->slot);
        if (s->bus > 0 && s->bus < 256)
            m->bus_busy[s->bus] = true;
    }
    free(taken);
    return ok;
}

static void modern_plan_usb(qemu_ctx *x, const ir_device *dev, modern_slot *s)
{
    const ir_controller *c = &dev->u.controller;
    qemu_modern *m = x->modern;
    int mi = modern_usb_model_index(c->model ? c->model : modern_usb_default(x));
    if (mi < 0)
        return;
    if (!m->q35 && modern_ctl_index(x, c) == 0 &&
        (mi == 0 || modern_usb_models[mi].role == MODERN_USB_ALONE) &&
        strcmp(modern_usb_models[mi].type, "piix3-usb-uhci") == 0) {
        s->fixed = true;
        s->bus = 0, s->slot = 1, s->fn = 2;   /* the PIIX3's own UHCI */
        return;
    }
    if (modern_usb_models[mi].role == MODERN_USB_ALONE)
        return;
    /* EHCI with its UHCI companions: one slot, the functions by role. */
    for (size_t k = 0; k < m->nslots; k++) {
        const modern_slot *o = &m->slots[k];
        if (o == s || !o->dev || o->dev->kind != IR_DEV_CONTROLLER ||
            !vc_streq(o->dev->u.controller.type, "usb") ||
            modern_ctl_index(x, &o->dev->u.controller) != modern_ctl_index(x, c) ||
            !(o->fixed || o->slot))
            continue;
        s->fixed = true;
        s->bus = o->bus, s->slot = o->slot, s->fn = modern_usb_models[mi].fn;
        return;
    }
    s->fn = modern_usb_models[mi].fn;
    s->multifunction = true;
}

static void modern_plan_add(qemu_ctx *x, const ir_device *dev, modern_implicit imp,
                            int index, bool *ok)
{
    modern_slot *s = dev ? modern_slot_of(x, dev) : NULL;
    if (s)
        return;                             /* fixed already */
    s = modern_slot_new(x->modern, dev, imp, index);
    if (dev && dev->kind == IR_DEV_CONTROLLER && vc_streq(dev->u.controller.type, "usb"))
        modern_plan_usb(x, dev, s);
    else if (imp == MODERN_IMP_USB && !x->modern->q35) {
        s->fixed = true;
        s->bus = 0, s->slot = 1, s->fn = 2;
    }
    if (s->fixed)
        return;
    unsigned fn = s->fn;
    bool mf = s->multifunction;
    /* PCI controllers themselves sit on the root bus. */
    bool direct = dev && dev->kind == IR_DEV_CONTROLLER && vc_streq(dev->u.controller.type, "pci");
    if (!modern_slot_auto(x, s, dev ? dev->pos : x->dom->pos, direct))
        *ok = false;
    /* an auto-placed EHCI keeps its function (7) on q35 too, so that its
     * companions can share the slot by role */
    if (!x->modern->q35 || fn) {
        s->fn = fn;
        s->multifunction = mf && fn == 0;
    }
    /* The companions after an auto-placed EHCI share its slot. */
    if (fn)
        s->fixed = true;
}

/* Which device families are walked, in libvirt's assignment order. */
static const ir_device_kind modern_plan_order[] = {
    IR_DEV_FILESYSTEM, IR_DEV_INTERFACE, IR_DEV_SOUND, IR_DEV_CONTROLLER, IR_DEV_DISK,
    IR_DEV_HOSTDEV, IR_DEV_MEMBALLOON, IR_DEV_RNG, IR_DEV_WATCHDOG, IR_DEV_VIDEO,
    IR_DEV_INPUT, IR_DEV_CHR, IR_DEV_IOMMU, IR_DEV_VSOCK, IR_DEV_MEMORY, IR_DEV_PANIC,
};

bool modern_is_primary_video(const qemu_ctx *x, const ir_device *dev)
{
    return x->modern->primary_video >= 0 &&
           modern_devidx(x, dev) == (size_t)x->modern->primary_video;
}

/* Implicit controllers, in the order they are planned and written. */
static void modern_plan_implicit_ctls(qemu_ctx *x, bool *ok);

/* q35: the document's PCI controllers go first, so devices find them: its
 * pcie-root-ports eight functions a slot of pcie.0 from the first free
 * slot, a dmi-to-pci-bridge at 0x1e (the ICH9's place for it), the others
 * on the first free slot; then the root ports are listed for the devices. */
static void modern_plan_q35_ctls(qemu_ctx *x, bool *ok)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    unsigned rp_slot = 0, rp_fn = 8;
    int pci_bus = -1;                       /* the first PCIe-to-PCI bridge's bus */
    m->doc_rp = vc_xcalloc(m->nctls + 1, sizeof(unsigned));
    for (size_t k = 0; k < m->nctls; k++) {
        const ir_device *dev = &dom->devices[m->ctls[k]];
        const ir_controller *c = &dev->u.controller;
        if (!vc_streq(c->type, "pci") || !modern_pci_model_known(c->model))
            continue;
        bool rp = vc_streq(c->model, "pcie-root-port");
        bool to_pci = vc_streq(c->model, "dmi-to-pci-bridge") ||
                      vc_streq(c->model, "pcie-to-pci-bridge");
        if (rp)
            m->doc_rp[m->ndoc_rp++] = (unsigned)modern_ctl_index(x, c);
        if (to_pci && pci_bus < 0)
            pci_bus = modern_ctl_index(x, c);
        if (modern_slot_of(x, dev))
            continue;                       /* the document placed it */
        modern_slot *s = modern_slot_new(m, dev, MODERN_IMP_NONE, 0);
        if (vc_streq(c->model, "pci-bridge") && pci_bus > 0 && pci_bus < 256) {
            /* a conventional PCI bridge goes behind the PCIe-to-PCI one */
            unsigned slot = 0;
            while (slot < 32 && modern_slot_used(m, (unsigned)pci_bus, slot))
                slot++;
            if (slot < 32) {
                modern_slot_take(m, (unsigned)pci_bus, slot);
                s->bus = (unsigned)pci_bus;
                s->slot = slot;
                continue;
            }
        }
        if (rp) {
            if (rp_fn == 8) {
                rp_slot = modern_free_root_slot(m, 1);
                if (rp_slot == 32) {
                    *ok = qemu_error(x, dev->pos, "no free PCI slot left on pcie.0 for a "
                                     "root port");
                    continue;
                }
                modern_slot_take(m, 0, rp_slot);
                rp_fn = 0;
            }
            s->slot = rp_slot;
            s->fn = rp_fn++;
            continue;
        }
        unsigned slot = vc_streq(c->model, "dmi-to-pci-bridge") && !modern_slot_used(m, 0, 0x1e)
                            ? 0x1e
                            : modern_free_root_slot(m, 1);
        if (slot == 32) {
            *ok = qemu_error(x, dev->pos, "no free PCI slot left on pcie.0 for this controller");
            continue;
        }
        modern_slot_take(m, 0, slot);
        s->slot = slot;
    }
}

/* i440fx: the PCI controllers go first, as libvirt places them: the
 * document's, then the pci-bridges added (in index order), each on the
 * first free slot of the first bus. The first pass instead keeps one slot
 * free, where libvirt reserves one for a bridge added later. */
static void modern_plan_pc_ctls(qemu_ctx *x, bool *ok)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    if (m->plan_dry && modern_bus_next(m))
        modern_slot_take(m, m->bus_cursor, modern_free_slot(m, m->bus_cursor));
    for (size_t k = 0; k < m->nctls; k++) {
        const ir_device *dev = &dom->devices[m->ctls[k]];
        if (vc_streq(dev->u.controller.type, "pci") && modern_wants_pci(x, dev))
            modern_plan_add(x, dev, MODERN_IMP_NONE, 0, ok);
    }
    if (m->plan_dry)
        return;
    unsigned nbuses = m->nbuses;
    for (unsigned b = 1; b < nbuses; b++)
        if (m->bus_kind[b] == MODERN_BUS_ADDED)
            modern_plan_add(x, NULL, MODERN_IMP_BRIDGE, (int)b, ok);
}

static bool modern_plan_pass(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    bool ok = modern_plan_fixed(x);

    /* The primary video: slot 2 on i440fx, slot 1 on q35. */
    bool imp_video = m->primary_video < 0 && qemu_count_devices(x, IR_DEV_GRAPHICS, -1) > 0 &&
                     qemu_count_devices(x, IR_DEV_VIDEO, -1) == 0;
    const ir_device *pv = m->primary_video >= 0 ? &dom->devices[m->primary_video] : NULL;
    if ((pv && modern_wants_pci(x, pv) && !modern_slot_of(x, pv)) || imp_video) {
        unsigned slot = m->q35 ? 1 : 2;
        if (!modern_slot_used(m, 0, slot)) {
            modern_slot *s = modern_slot_new(m, pv, pv ? MODERN_IMP_NONE : MODERN_IMP_VIDEO, 0);
            s->fixed = true;
            s->bus = 0, s->slot = slot, s->fn = 0;
            modern_slot_take(m, 0, slot);
        }
    }
    if (m->q35)
        modern_plan_q35_ctls(x, &ok);
    else
        modern_plan_pc_ctls(x, &ok);
    for (size_t o = 0; o < VC_ARRAY_SIZE(modern_plan_order); o++) {
        ir_device_kind kind = modern_plan_order[o];
        for (size_t i = 0; i < dom->ndevices; i++) {
            const ir_device *dev = &dom->devices[i];
            if (dev->kind != kind || !modern_wants_pci(x, dev))
                continue;
            if (kind == IR_DEV_SOUND && m->q35 &&
                vc_streq(dev->u.sound.model, "ich9") && !modern_slot_of(x, dev)) {
                modern_slot *s = modern_slot_new(m, dev, MODERN_IMP_NONE, 0);
                s->fixed = true;
                s->bus = 0, s->slot = 0x1b, s->fn = 0;
                continue;
            }
            modern_plan_add(x, dev, MODERN_IMP_NONE, 0, &ok);
        }
        if (kind == IR_DEV_CONTROLLER)
            modern_plan_implicit_ctls(x, &ok);
        if (kind == IR_DEV_MEMBALLOON && qemu_count_devices(x, IR_DEV_MEMBALLOON, -1) == 0 &&
            modern_is_x86(x))
            modern_plan_add(x, NULL, MODERN_IMP_BALLOON, 0, &ok);
    }
    /* Where it added root ports, libvirt adds one more, free, so a device
     * can be hotplugged. */
    unsigned spare;
    if (m->q35 && m->nrootports > 0 && !modern_rootport_new(x, dom->pos, &spare))
        ok = false;
    return ok;
}

/* Forgets the slots a pass planned, for the next pass. */
static void modern_plan_reset(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    m->nslots = 0;
    memset(m->slot_ix, 0, (x->dom->ndevices + 1) * sizeof(*m->slot_ix));
    memset(m->used, 0, sizeof(m->used));
    memset(m->bus_kind, 0, sizeof(m->bus_kind));
    memset(m->bus_busy, 0, sizeof(m->bus_busy));
    m->nbuses = 0;
    m->bus_cursor = 0;
}

/* q35 plans in one pass (root ports are added as devices need them). On
 * i440fx, libvirt's two passes: the first places every device, adding a
 * pci-bridge whenever the buses are full, to learn how many buses there
 * must be; the second adds those bridges and places them before the
 * devices. The bridges take slots the first pass gave devices, so the
 * second may need still more: then it runs again with those. */
static bool modern_plan(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    if (m->q35)
        return modern_plan_pass(x);
    m->plan_dry = true;
    modern_buses_init(x, 1);
    if (!modern_plan_pass(x))
        return false;
    m->plan_dry = false;
    unsigned want;
    do {
        want = m->nbuses;
        modern_plan_reset(x);
        modern_buses_init(x, want);
        if (!modern_plan_pass(x))
            return false;
    } while (m->nbuses > want);
    return true;
}

/* ---- implicit controllers ---------------------------------------------------- */

/* Whether a virtio-serial port needs controller 0: one names it in its
 * address, or one has none (libvirt puts those on controller 0, adding it
 * even when the document has other virtio-serial controllers). */
static bool modern_needs_virtio_serial0(const qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind != IR_DEV_CHR)
            continue;
        const ir_chr *c = &d->u.chr;
        if ((c->kind != IR_CHRDEV_CHANNEL && c->kind != IR_CHRDEV_CONSOLE) ||
            !vc_streq(c->target_type, "virtio"))
            continue;
        if (c->addr.type != IR_ADDR_VIRTIO_SERIAL || c->addr.controller == 0)
            return true;
    }
    return false;
}

/* The highest SCSI / SATA controller index a disk refers to; -1: none. */
static int modern_max_disk_ctl(const qemu_ctx *x, ir_disk_bus bus)
{
    int max = -1;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        modern_drive_addr a;
        if (d->kind == IR_DEV_DISK && qemu_disk_bus(&d->u.disk) == bus &&
            modern_drive_addr_of(&d->u.disk, bus, &a) && (int)a.controller > max)
            max = (int)a.controller;
        if (bus == IR_BUS_SCSI && d->kind == IR_DEV_HOSTDEV &&
            d->u.hostdev.type == IR_HOSTDEV_SCSI && max < 0)
            max = 0;
    }
    return max;
}

static void modern_plan_implicit_ctls(qemu_ctx *x, bool *ok)
{
    qemu_modern *m = x->modern;
    if (!m->has_usb && modern_is_x86(x))
        modern_plan_add(x, NULL, MODERN_IMP_USB, 0, ok);
    int nscsi = modern_max_disk_ctl(x, IR_BUS_SCSI);
    for (int i = 0; i <= nscsi; i++)
        if (!modern_find_controller(x, "scsi", i))
            modern_plan_add(x, NULL, MODERN_IMP_SCSI, i, ok);
    int nsata = modern_max_disk_ctl(x, IR_BUS_SATA);
    for (int i = 0; i <= nsata; i++)
        if (!modern_find_controller(x, "sata", i) && !(m->q35 && i == 0))
            modern_plan_add(x, NULL, MODERN_IMP_SATA, i, ok);
    if (!modern_find_controller(x, "virtio-serial", 0) && modern_needs_virtio_serial0(x))
        modern_plan_add(x, NULL, MODERN_IMP_VSERIAL, 0, ok);
}

/* ",bus=pci.N,addr=0xS[.0xF][,multifunction=on]" of a planned device. */
void modern_pci_opts(const qemu_ctx *x, const modern_slot *s, vc_buf *b)
{
    if (!s)
        return;
    if (s->bus == 0)
        vc_buf_printf(b, ",bus=%s", x->modern->q35 ? "pcie.0" : "pci.0");
    else
        vc_buf_printf(b, ",bus=pci.%u", s->bus);
    /* Function 0 of a slot shared with other functions must say so. */
    bool mf = s->multifunction ||
              (s->fn == 0 && s->bus < 256 && s->slot < 32 &&
               (x->modern->fnmask[s->bus * 32 + s->slot] & ~1u));
    if (mf)
        vc_buf_puts(b, ",multifunction=on");
    if (s->fn)
        vc_buf_printf(b, ",addr=0x%x.0x%x", s->slot, s->fn);
    else
        vc_buf_printf(b, ",addr=0x%x", s->slot);
}

void modern_dev_pci(const qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    modern_pci_opts(x, modern_slot_of(x, dev), b);
}

/* ---- boot order, block nodes, USB ports ------------------------------------------ */

/* The device <boot dev=X/> names: the first of its family. */
static const ir_device *modern_boot_target(const qemu_ctx *x, ir_boot_dev b)
{
    for (size_t i = 0; i < x->dom->ndevices; i++)
        if (ir_device_boots_as(&x->dom->devices[i], b))
            return &x->dom->devices[i];
    return NULL;
}

static void modern_plan_boot(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    bool per_device = false;
    for (size_t i = 0; i < dom->ndevices; i++) {
        int order = qemu_dev_boot_order(&dom->devices[i]);
        if (order > 0) {
            m->bootindex[i] = order;
            per_device = true;
        }
    }
    if (!per_device && !dom->os.kernel) {
        ir_boot_dev dflt[1] = { IR_BOOT_HD };
        const ir_boot_dev *list = dom->os.nboot ? dom->os.boot : dflt;
        size_t n = dom->os.nboot ? dom->os.nboot : 1;
        int next = 1;
        for (size_t k = 0; k < n; k++) {
            const ir_device *d = modern_boot_target(x, list[k]);
            if (d && !m->bootindex[modern_devidx(x, d)])
                m->bootindex[modern_devidx(x, d)] = next++;
        }
    }
    /* <boot dev=> lists devices the guest has none of (network without a
     * NIC): -boot strict=on with no bootindex, so the firmware boots
     * nothing, as libvirt writes it, not its own default order */
    if (!per_device && !dom->os.kernel && dom->os.nboot)
        m->boot_used = true;
    for (size_t i = 0; i < dom->ndevices; i++) {
        if (!m->bootindex[i])
            continue;
        m->boot_used = true;
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_DISK && qemu_disk_bus(&d->u.disk) == IR_BUS_FDC) {
            modern_drive_addr a;
            if (modern_drive_addr_of(&d->u.disk, IR_BUS_FDC, &a) && a.unit < 2)
                m->fd_bootindex[a.unit] = m->bootindex[i];
        }
    }
}

/* A disk has block nodes when it has a medium: a source, hosts, or an NVMe
 * namespace (its address is in the verbatim copy). */
static bool modern_disk_has_node(const ir_disk *disk)
{
    if (qemu_disk_bus(disk) == IR_BUS_SD)
        return false;         /* an SD card is a -drive if=sd of its own */
    return disk->source || disk->hosts || disk->type == IR_DISK_TYPE_NVME;
}

/* Controllers first: everything after looks them up by type and index. A
 * controller without an index gets the next of its type, as libvirt
 * numbers them: its position among the controllers of that type. */
static void modern_place_ctls(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    m->ctl_index = vc_xcalloc(dom->ndevices + 1, sizeof(int));
    m->ctls = vc_xcalloc(dom->ndevices + 1, sizeof(size_t));
    /* the types seen so far and how many of each (a handful of types) */
    const char **types = vc_xcalloc(dom->ndevices + 1, sizeof(*types));
    int *count = vc_xcalloc(dom->ndevices + 1, sizeof(int));
    size_t ntypes = 0;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        m->ctl_index[i] = -1;
        if (d->kind != IR_DEV_CONTROLLER)
            continue;
        m->ctls[m->nctls++] = i;
        size_t t = 0;
        while (t < ntypes && !vc_streq(types[t], d->u.controller.type))
            t++;
        if (t == ntypes)
            types[ntypes++] = d->u.controller.type;
        m->ctl_index[i] = d->u.controller.index >= 0 ? d->u.controller.index : count[t];
        count[t]++;
    }
    free(types);
    free(count);
}

static bool modern_on_usb(const ir_device *d);
static void modern_place_usb(qemu_ctx *x);
static void modern_place_redir_filter(qemu_ctx *x);
static void modern_place_chr_buses(qemu_ctx *x);
static void modern_place_serial_ports(qemu_ctx *x);
static void modern_place_audio(qemu_ctx *x);
static void modern_place_memory(qemu_ctx *x);

/* The functions in use per slot, so function 0 knows it shares its slot. */
static void modern_place_fns(qemu_modern *m)
{
    for (size_t i = 0; i < m->nslots; i++) {
        const modern_slot *o = &m->slots[i];
        if ((o->fixed || o->bus || o->slot) && o->bus < 256 && o->slot < 32 && o->fn < 8)
            m->fnmask[o->bus * 32 + o->slot] |= (unsigned char)(1u << o->fn);
    }
}

bool modern_place(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    qemu_modern *m = vc_xcalloc(1, sizeof(*m));
    x->modern = m;
    m->primary_video = -1;
    m->devices0 = dom->devices;
    m->bootindex = vc_xcalloc(dom->ndevices + 1, sizeof(int));
    m->node = vc_xcalloc(dom->ndevices + 1, sizeof(int));
    m->slot_ix = vc_xcalloc(dom->ndevices + 1, sizeof(size_t));
    m->usb_ord = vc_xcalloc(dom->ndevices + 1, sizeof(unsigned));
    modern_place_ctls(x);
    m->domdir = x->opts->state_dir
                    ? vc_xstrdup(x->opts->state_dir)
                    : vc_xasprintf("/var/lib/libvirt/qemu/domain-%d-%s", dom->id,
                                   qemu_str_or(dom->name, "unnamed"));

    const qemu_caps_machine *mach = qemu_caps_machine_lookup(x->caps, dom->os.machine);
    bool ok = true;
    if (!mach && dom->os.machine && x->caps->nmachines)
        ok = qemu_unsupported(x, dom->os.pos, "machine type '%s'", dom->os.machine);
    m->machine = mach ? mach->name : dom->os.machine;
    m->q35 = m->machine && strstr(m->machine, "q35") != NULL;

    bool *has_node = vc_xcalloc(dom->ndevices + 1, sizeof(bool));
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        has_node[i] = d->kind == IR_DEV_DISK && modern_disk_has_node(&d->u.disk);
        if (d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, "usb")) {
            m->has_usb = true;
            if (vc_streq(d->u.controller.model, "none"))
                m->usb_none = true;
        }
        if (d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, "pci") &&
            modern_ctl_index(x, &d->u.controller) >= (int)m->first_rootport)
            m->first_rootport = (unsigned)modern_ctl_index(x, &d->u.controller) + 1;
        if (d->kind == IR_DEV_VIDEO && m->primary_video < 0 &&
            !vc_streq(d->u.video.model, "none"))
            m->primary_video = (int)i;
        if (d->kind == IR_DEV_VIDEO && d->u.video.primary)
            m->primary_video = (int)i;
        if (d->kind == IR_DEV_IOMMU && d->u.iommu.intremap == IR_TRI_YES)
            m->irqchip_split = true;
        if (d->kind == IR_DEV_PANIC && vc_streq(d->u.panic.model, "hyperv"))
            m->hv_crash = true;
    }
    if (m->first_rootport == 0)
        m->first_rootport = 1;
    /* libvirt numbers its block nodes from the last disk up. */
    ok = modern_place_chains(x, has_node) && ok;
    ok = modern_place_firmware(x) && ok;
    ok = modern_place_launch_security(x) && ok;
    free(has_node);
    modern_plan_boot(x);
    ok = modern_plan(x) && ok;
    modern_place_fns(m);
    modern_place_usb(x);
    modern_place_redir_filter(x);
    modern_place_chr_buses(x);
    modern_place_serial_ports(x);
    modern_place_audio(x);
    modern_place_memory(x);
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
    case IR_DEV_REDIRDEV: return true;
    case IR_DEV_CONTROLLER: return vc_streq(d->u.controller.type, "ccid");
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

/* USB ports in document order: QEMU adds no hub by itself, so a device past
 * the controller's ports would not start. */
static void modern_place_usb(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    unsigned n = 0;
    m->usb_ports = modern_usb_ports(x);
    for (size_t i = 0; i < x->dom->ndevices; i++)
        if (modern_on_usb(&x->dom->devices[i]))
            m->usb_ord[i] = ++n;
}

bool modern_usb_needed(qemu_ctx *x, const ir_device *dev, const char *what)
{
    const qemu_modern *m = x->modern;
    if (m->usb_none)
        return qemu_error(x, dev->pos, "%s needs a USB controller, but its model is 'none'",
                          what);
    if (m->usb_ports && m->usb_ord[modern_devidx(x, dev)] > m->usb_ports)
        return qemu_unsupported(x, dev->pos, "a USB device beyond the %u ports of the USB "
                                "controller (use model='qemu-xhci' or 'ich9-ehci1')",
                                m->usb_ports);
    return true;
}

/* ---- CCID readers -------------------------------------------------------------------- */

/* Smartcards sit in a CCID reader: the document's ccid controller, or one
 * added (usb-ccid "ccid0"). */
/* Serial port numbers: the ones the documents give, then the lowest free
 * one for each port that names none, in document order. */
static void modern_place_serial_ports(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    m->serial_port = vc_xcalloc(dom->ndevices + 1, sizeof(int));
    unsigned char *taken = vc_xcalloc(dom->ndevices + 1, 1);
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        bool serial = d->kind == IR_DEV_CHR && d->u.chr.kind == IR_CHRDEV_SERIAL;
        m->serial_port[i] = serial ? d->u.chr.target_port : -1;
        if (serial && d->u.chr.target_port >= 0 && (size_t)d->u.chr.target_port <= dom->ndevices)
            taken[d->u.chr.target_port] = 1;
    }
    int next = 0;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind != IR_DEV_CHR || d->u.chr.kind != IR_CHRDEV_SERIAL || d->u.chr.target_port >= 0)
            continue;
        while ((size_t)next <= dom->ndevices && taken[next])
            next++;
        m->serial_port[i] = next;
        if ((size_t)next <= dom->ndevices)
            taken[next] = 1;
    }
    free(taken);
}

static void modern_place_chr_buses(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    bool ccid = false;
    for (size_t k = 0; k < m->nctls; k++)
        ccid = ccid || vc_streq(x->dom->devices[m->ctls[k]].u.controller.type, "ccid");
    m->ccid_implicit = !ccid && qemu_count_devices(x, IR_DEV_SMARTCARD, -1) > 0;
}

/* <redirfilter><usbdev class= vendor= product= version= allow=/>...: QEMU's
 * usb-redir filter "class:vendor:product:version:allow|...", -1 for any;
 * the version "M.mm" in BCD (0xMMmm). */
static char *modern_redir_rule(xmlNodePtr u)
{
    static const char *const keys[] = { "class", "vendor", "product" };
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < VC_ARRAY_SIZE(keys); i++) {
        char *v = xml_prop(u, keys[i]);
        vc_buf_printf(&b, "%s:", v ? v : "-1");
        free(v);
    }
    /* "M.mm" is a decimal fraction: "9.4" is 9.40, BCD 0x0940 */
    char *ver = xml_prop(u, "version");
    char minor[3] = "00";
    const char *dot = ver ? strchr(ver, '.') : NULL;
    size_t jlen = dot ? strspn(ver, "0123456789") : 0;
    size_t mlen = dot ? strspn(dot + 1, "0123456789") : 0;
    if (dot && jlen >= 1 && jlen <= 2 && ver + jlen == dot && mlen >= 1 && mlen <= 2 &&
        !dot[1 + mlen]) {
        memcpy(minor, dot + 1, mlen);
        vc_buf_printf(&b, "0x%02u%s:", (unsigned)atoi(ver), minor);
    } else {
        vc_buf_puts(&b, "-1:");
    }
    char *allow = xml_prop(u, "allow");
    vc_buf_puts(&b, vc_streq(allow, "yes") ? "1" : "0");
    free(ver);
    free(allow);
    return vc_buf_steal(&b);
}

static void modern_place_redir_filter(qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind != IR_DEV_OTHER || strncmp(d->u.other.xml, "<redirfilter", 12) != 0)
            continue;
        xmlDocPtr doc = modern_xml_parse(d->u.other.xml);
        vc_buf f;
        vc_buf_init(&f);
        for (xmlNodePtr u = doc ? xmlDocGetRootElement(doc)->children : NULL; u; u = u->next) {
            if (u->type != XML_ELEMENT_NODE || strcmp((const char *)u->name, "usbdev") != 0)
                continue;
            char *rule = modern_redir_rule(u);
            vc_buf_printf(&f, f.len ? "|%s" : "%s", rule);
            free(rule);
        }
        xmlFreeDoc(doc);
        free(x->modern->redir_filter);
        x->modern->redir_filter = f.len ? vc_buf_steal(&f) : (vc_buf_free(&f), NULL);
    }
}

/* ---- audio backends ---------------------------------------------------------------- */

/* Without <audio>, libvirt gives a domain one backend after its displays,
 * the last of VNC, SPICE and SDL deciding: SPICE plays sound to the
 * client, SDL to the host; VNC (host audio not allowed, qemu.conf's
 * default) and no display at all get the silent one; other displays
 * (egl-headless, ...) none unless a sound device needs one. */
static const struct {
    ir_graphics_type type;
    const char *driver;
} modern_audio_defaults[] = {
    { IR_GFX_SPICE, "spice" },
    { IR_GFX_SDL, "sdl" },
    { IR_GFX_VNC, "none" },
};

/* The N of the first -audiodev id=audioN the document passes through in
 * <qemu:commandline> (key=value or JSON), 0 when none: the reader keeps
 * there a backend the <audio> element cannot say, and the devices naming it
 * keep <audio id='N'/>. */
static unsigned modern_kept_audiodev(const ir_domain *dom)
{
    const ir_qemu_cmdline *q = dom->qemu_cmdline;
    for (size_t i = 0; q && i + 1 < q->nargs; i++) {
        if (strcmp(q->args[i], "-audiodev") != 0)
            continue;
        const char *v = q->args[i + 1], *at = v;
        while ((at = strstr(at, "audio")) != NULL) {
            size_t k = (size_t)(at - v);
            bool kv = k >= 3 && strncmp(at - 3, "id=", 3) == 0 && (k == 3 || at[-4] == ',');
            bool js = k >= 6 && strncmp(at - 6, "\"id\":\"", 6) == 0;
            unsigned long long n = 0;
            size_t len = strspn(at + 5, "0123456789");
            char *num = vc_xstrndup(at + 5, len);
            bool ok = (kv || js) && len && vc_parse_ull(num, 10, &n) && n > 0 && n < 1000000;
            free(num);
            if (ok)
                return (unsigned)n;
            at += 5;
        }
    }
    return 0;
}

static void modern_place_audio(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    bool graphics = false;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_AUDIO && !m->default_audio)
            m->default_audio = d->u.audio.id ? d->u.audio.id : 1;
        if (d->kind != IR_DEV_GRAPHICS)
            continue;
        graphics = true;
        for (size_t k = 0; k < VC_ARRAY_SIZE(modern_audio_defaults); k++)
            if (modern_audio_defaults[k].type == d->u.graphics.type)
                m->implicit_audio = modern_audio_defaults[k].driver;
    }
    if (!m->default_audio)
        m->default_audio = modern_kept_audiodev(x->dom);
    if (m->default_audio) {
        m->implicit_audio = NULL;
        return;
    }
    if (!graphics)
        m->implicit_audio = "none";
    if (!m->implicit_audio && qemu_count_devices(x, IR_DEV_SOUND, -1) > 0)
        m->implicit_audio = "none";
    if (m->implicit_audio)
        m->default_audio = 1;
}

unsigned modern_audio_id(const qemu_ctx *x, const ir_device *dev)
{
    unsigned id = dev->kind == IR_DEV_SOUND      ? dev->u.sound.audio_id
                  : dev->kind == IR_DEV_GRAPHICS ? dev->u.graphics.audio_id : 0;
    return id ? id : x->modern->default_audio;
}

/* ---- guest memory ------------------------------------------------------------------- */

/* The top-level element kept verbatim, parsed; NULL when absent. */
static xmlDocPtr modern_extra_doc(const qemu_ctx *x, const char *name)
{
    const ir_fragment *f = modern_extra_find(x, name);
    return f ? modern_xml_parse(f->xml) : NULL;
}

/* A nodeset ("1-2,5-7,^6") as QEMU's ranges ("1-2,5,7"); NULL when empty
 * or malformed. Nodes past 1023 are beyond any host. */
static char *modern_nodeset(const char *s)
{
    enum { MAXN = 1024 };
    unsigned char on[MAXN] = { 0 };
    char *copy = vc_xstrdup(s), *save = NULL;
    bool ok = s != NULL;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && ok;
         t = strtok_r(NULL, ",", &save)) {
        bool neg = *t == '^';
        unsigned long long a, b;
        char *dash = strchr(t + neg, '-');
        if (dash) {
            *dash = '\0';
            ok = vc_parse_ull(t + neg, 10, &a) && vc_parse_ull(dash + 1, 10, &b) && a <= b;
        } else {
            ok = vc_parse_ull(t + neg, 10, &a);
            b = a;
        }
        ok = ok && b < MAXN;
        for (unsigned long long n = a; ok && n <= b; n++)
            on[n] = !neg;
    }
    free(copy);
    if (!ok)
        return NULL;
    vc_buf out;
    vc_buf_init(&out);
    for (unsigned n = 0; n < MAXN; n++) {
        if (!on[n])
            continue;
        unsigned e = n;
        while (e + 1 < MAXN && on[e + 1])
            e++;
        vc_buf_printf(&out, out.len ? ",%u" : "%u", n);
        if (e > n)
            vc_buf_printf(&out, "-%u", e);
        n = e;
    }
    return out.len ? vc_buf_steal(&out) : (vc_buf_free(&out), NULL);
}

static bool modern_nodeset_has(const char *nodeset, unsigned id)
{
    char *set = modern_nodeset(nodeset);
    bool has = false;
    char *save = NULL;
    for (char *t = set ? strtok_r(set, ",", &save) : NULL; t && !has;
         t = strtok_r(NULL, ",", &save)) {
        unsigned a = 0, b = 0;
        if (sscanf(t, "%u-%u", &a, &b) != 2)
            b = a;
        has = id >= a && id <= b;
    }
    free(set);
    return has;
}

/* numatune modes as QEMU's backend policies (restrictive: the host's
 * cgroup does it, no policy on the backend). */
static const char *modern_numa_policy(const char *mode)
{
    if (!mode || strcmp(mode, "strict") == 0)
        return "bind";
    if (strcmp(mode, "preferred") == 0)
        return "preferred";
    if (strcmp(mode, "interleave") == 0)
        return "interleave";
    return NULL;
}

/* The hugepage size (KiB; 1 when the default) <memoryBacking> gives the
 * cell `cell` (-1: RAM without cells); 0 when its RAM is not on hugepages. */
static unsigned long long modern_hugepages(xmlNodePtr mb, int cell)
{
    xmlNodePtr hp = mb ? xml_child(mb, "hugepages") : NULL;
    if (!hp)
        return 0;
    unsigned long long dflt = 0, pick = 0;
    bool any = false;
    for (xmlNodePtr p = hp->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE || strcmp((const char *)p->name, "page") != 0)
            continue;
        any = true;
        char *size = xml_prop(p, "size"), *unit = xml_prop(p, "unit"), *ns = xml_prop(p, "nodeset");
        unsigned long long v = 0, scale = 1024, kib = 1;
        if (size && vc_parse_ull(size, 10, &v) && ir_unit_scale(unit, 1024, &scale))
            ir_bytes_to_kib(v, scale, &kib);
        if (!ns && !dflt)
            dflt = kib;
        else if (ns && cell >= 0 && !pick && modern_nodeset_has(ns, (unsigned)cell))
            pick = kib;
        free(size);
        free(unit);
        free(ns);
    }
    if (!any)
        return 1;
    unsigned long long kib = pick ? pick : dflt;
    /* a "hugepage" of the host's own page size is ordinary memory */
    long base = sysconf(_SC_PAGESIZE);
    return base > 0 && kib == (unsigned long long)base / 1024 ? 0 : kib;
}

/* A size with a K/M/G suffix ("2M", "1G", "2048k") in KiB; 0 when not one. */
static unsigned long long modern_kib_suffixed(const char *s)
{
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s)
        return 0;
    switch (*end) {
    case 'k': case 'K': return v;
    case 'm': case 'M': return v * 1024;
    case 'g': case 'G': return v * 1024 * 1024;
    default: return 0;
    }
}

/* This host's default hugepage size (KiB); 2048 when it does not say. */
static unsigned long long modern_default_hugepage(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    unsigned long long kib = 0;
    char line[128];
    while (f && !kib && fgets(line, sizeof(line), f))
        if (sscanf(line, "Hugepagesize: %llu kB", &kib) != 1)
            kib = 0;
    if (f)
        fclose(f);
    return kib ? kib : 2048;
}

/* The hugetlbfs mount of this host that serves pages of `kib` KiB (1: the
 * default size), as qemu.conf's hugetlbfs_mount would name it; the
 * conventional /dev/hugepages when none is mounted, and always under
 * --test-env, so a conversion does not depend on the host there. */
static char *modern_hugetlbfs_dir(const qemu_ctx *x, unsigned long long kib)
{
    if (x->opts->test_env)
        return vc_xstrdup("/dev/hugepages");
    unsigned long long want = kib > 1 ? kib : modern_default_hugepage();
    FILE *f = setmntent("/proc/mounts", "r");
    char *dir = NULL;
    for (struct mntent *e; f && !dir && (e = getmntent(f));) {
        if (strcmp(e->mnt_type, "hugetlbfs") != 0)
            continue;
        const char *ps = strstr(e->mnt_opts, "pagesize=");
        unsigned long long size = ps ? modern_kib_suffixed(ps + 9) : modern_default_hugepage();
        if (size == want)
            dir = vc_xstrdup(e->mnt_dir);
    }
    if (f)
        endmntent(f);
    return dir ? dir : vc_xstrdup("/dev/hugepages");
}

/* libvirt's directory for a domain's hugepage files on that mount. */
static char *modern_hugepage_path(const qemu_ctx *x, unsigned long long kib)
{
    char *mnt = modern_hugetlbfs_dir(x, kib);
    char *path = vc_xasprintf("%s/libvirt/qemu/%d-%s", mnt, x->dom->id,
                              qemu_str_or(x->dom->name, "unnamed"));
    free(mnt);
    return path;
}

/* <allocation threads='N'>: how many threads preallocate (0: unsaid). */
static unsigned modern_alloc_threads(xmlNodePtr alloc)
{
    char *t = alloc ? xml_prop(alloc, "threads") : NULL;
    unsigned long long n = 0;
    bool ok = t && vc_parse_ull(t, 10, &n) && n <= 0xffffffffULL;
    free(t);
    return ok ? (unsigned)n : 0;
}

/* The backend of a stretch of RAM from <memoryBacking>: hugepages (a
 * hugetlbfs directory, preallocated), memfd, a file under the domain's
 * directory; plain memory otherwise, or a file when it must be shared. */
static void modern_ram_backing(qemu_ctx *x, xmlNodePtr mb, int cell, bool shared,
                               const char *file, modern_ram *r)
{
    const qemu_modern *m = x->modern;
    xmlNodePtr src = mb ? xml_child(mb, "source") : NULL;
    char *src_type = src ? xml_prop(src, "type") : NULL;
    xmlNodePtr alloc = mb ? xml_child(mb, "allocation") : NULL;
    char *alloc_mode = alloc ? xml_prop(alloc, "mode") : NULL;
    unsigned long long huge = modern_hugepages(mb, cell);
    r->discard = mb && xml_child(mb, "discard");
    r->prealloc = vc_streq(alloc_mode, "immediate");
    r->prealloc_threads = modern_alloc_threads(alloc);
    if (vc_streq(src_type, "memfd")) {
        r->type = "memory-backend-memfd";
        r->hugetlb_kib = huge > 1 ? huge : 0;
        r->share = shared ? 1 : 0;
    } else if (huge) {
        r->type = "memory-backend-file";
        r->mem_path = modern_hugepage_path(x, huge);
        r->hugetlb_dir = true;
        r->prealloc = true;
        r->share = shared ? 1 : 0;
    } else if (vc_streq(src_type, "file") || shared) {
        r->type = "memory-backend-file";
        r->mem_path = vc_xasprintf("%s/%s", m->domdir, file);
        r->share = shared ? 1 : 0;
    } else if (r->discard || r->prealloc || cell >= 0) {
        r->type = "memory-backend-ram";
    }
    free(src_type);
    free(alloc_mode);
}

/* <memoryBacking><access mode='shared'/> or a cell's memAccess. */
static bool modern_shared(xmlNodePtr mb, const char *mem_access)
{
    if (mem_access)
        return strcmp(mem_access, "shared") == 0;
    xmlNodePtr a = mb ? xml_child(mb, "access") : NULL;
    char *mode = a ? xml_prop(a, "mode") : NULL;
    bool shared = vc_streq(mode, "shared");
    free(mode);
    return shared;
}

/* numatune for a cell: its <memnode>, else <memory> when any memnode is
 * given (alone, <memory> is the host's business: cgroups, not QEMU). */
static void modern_cell_tune(xmlNodePtr nt, unsigned cell, modern_ram *r)
{
    if (!nt)
        return;
    xmlNodePtr pick = NULL;
    bool memnodes = false;
    for (xmlNodePtr k = nt->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "memnode") != 0)
            continue;
        memnodes = true;
        char *id = xml_prop(k, "cellid");
        unsigned long long v;
        if (id && vc_parse_ull(id, 10, &v) && v == cell)
            pick = k;
        free(id);
    }
    if (!pick && memnodes)
        pick = xml_child(nt, "memory");
    if (!pick)
        return;
    char *mode = xml_prop(pick, "mode"), *ns = xml_prop(pick, "nodeset");
    r->policy = modern_numa_policy(mode);
    if (r->policy)
        r->host_nodes = modern_nodeset(ns);
    free(mode);
    free(ns);
}

static void modern_place_cells(qemu_ctx *x, xmlNodePtr mb, xmlNodePtr nt)
{
    qemu_modern *m = x->modern;
    xmlDocPtr cpu = modern_extra_doc(x, "cpu");
    xmlNodePtr numa = cpu ? xml_child(xmlDocGetRootElement(cpu), "numa") : NULL;
    size_t n = 0;
    for (xmlNodePtr k = numa ? numa->children : NULL; k; k = k->next)
        n += k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, "cell") == 0;
    m->cells = vc_xcalloc(n, sizeof(*m->cells));
    for (xmlNodePtr k = numa ? numa->children : NULL; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "cell") != 0)
            continue;
        modern_cell *c = &m->cells[m->ncells];
        char *id = xml_prop(k, "id"), *mem = xml_prop(k, "memory"), *unit = xml_prop(k, "unit");
        char *access = xml_prop(k, "memAccess"), *discard = xml_prop(k, "discard");
        unsigned long long v = m->ncells, size = 0, scale = 1024;
        if (id)
            vc_parse_ull(id, 10, &v);
        c->id = (unsigned)v;
        c->cpus = xml_prop(k, "cpus");
        if (mem && vc_parse_ull(mem, 10, &size) && ir_unit_scale(unit, 1024, &scale))
            ir_bytes_to_kib(size, scale, &c->ram.kib);
        char *file = vc_xasprintf("ram-node%u", c->id);
        modern_ram_backing(x, mb, (int)c->id, modern_shared(mb, access), file, &c->ram);
        free(file);
        if (vc_streq(discard, "yes"))
            c->ram.discard = true;
        modern_cell_tune(nt, c->id, &c->ram);
        c->mem_access = access;
        m->ncells++;
        free(id);
        free(mem);
        free(unit);
        free(discard);
    }
    xmlFreeDoc(cpu);
}

/* Memory devices: dimm slots (the document's, then the first free), the
 * aliases, and each one's backend. */
/* The memAccess of guest NUMA cell `id` (placed before the memory
 * devices); NULL when it says none or there is no such cell. */
static const char *modern_cell_access(const qemu_modern *m, int id)
{
    for (size_t i = 0; id >= 0 && i < m->ncells; i++)
        if (m->cells[i].id == (unsigned)id)
            return m->cells[i].mem_access;
    return NULL;
}

static void modern_place_memdevs(qemu_ctx *x, xmlNodePtr mb, xmlNodePtr nt)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    m->memdevs = vc_xcalloc(dom->ndevices + 1, sizeof(*m->memdevs));
    m->nmemdevs = dom->ndevices;
    unsigned slots = dom->max_memory_slots ? dom->max_memory_slots : 256;
    unsigned char *taken = vc_xcalloc(slots + 1, 1);
    unsigned nvirtio_mem = 0, nvirtio_pmem = 0, next = 0;
    unsigned long long devices_kib = 0;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_MEMORY && d->u.memory.addr.type == IR_ADDR_DIMM &&
            d->u.memory.addr.has_slot && d->u.memory.addr.slot < slots)
            taken[d->u.memory.addr.slot] = 1;
    }
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind != IR_DEV_MEMORY)
            continue;
        const ir_memory_dev *md = &d->u.memory;
        modern_memdev *pd = &m->memdevs[i];
        modern_ram *r = &pd->ram;
        devices_kib += md->size_kib;
        r->kib = md->size_kib;
        bool virtio = vc_str_has_prefix(qemu_str_or(md->model, ""), "virtio-");
        if (!virtio) {
            if (md->addr.type == IR_ADDR_DIMM && md->addr.has_slot) {
                pd->slot = md->addr.slot;
            } else {
                while (next < slots && taken[next])
                    next++;
                pd->slot = next < slots ? next : slots;
                if (next < slots)
                    taken[next] = 1;
            }
            pd->alias = pd->slot;
        } else {
            pd->alias = vc_streq(md->model, "virtio-mem") ? nvirtio_mem++ : nvirtio_pmem++;
        }
        if (vc_streq(md->model, "nvdimm") || vc_streq(md->model, "virtio-pmem")) {
            m->nvdimm = m->nvdimm || vc_streq(md->model, "nvdimm");
            r->type = "memory-backend-file";
            r->mem_path = vc_xstrdup(md->source_path);
            r->share = vc_streq(md->model, "virtio-pmem") || vc_streq(md->access, "shared") ? 1 : -1;
            r->prealloc = vc_streq(md->model, "nvdimm") && md->pmem != IR_TRI_YES;
            r->align_kib = md->alignsize_kib;
            r->pmem = md->pmem == IR_TRI_YES;
        } else {
            if (md->pagesize_kib) {
                r->type = "memory-backend-file";
                r->mem_path = modern_hugepage_path(x, md->pagesize_kib);
                r->hugetlb_dir = true;
                r->prealloc = !virtio;
            } else {
                /* a device's memory is like its guest node's: that cell's
                 * access mode when it says none of its own */
                char *file = vc_xasprintf("mem%s%u", qemu_str_or(md->model, "dimm"), pd->alias);
                const char *access = md->access ? md->access
                                                : modern_cell_access(m, md->node);
                modern_ram_backing(x, mb, md->node, modern_shared(mb, access), file, r);
                free(file);
                if (!r->type)
                    r->type = "memory-backend-ram";
            }
            r->reserve_off = vc_streq(md->model, "virtio-mem");
            if (md->nodemask) {
                r->host_nodes = modern_nodeset(md->nodemask);
                r->policy = "bind";
            } else if (md->node >= 0) {
                /* else the host nodes numatune gives its guest node */
                modern_cell_tune(nt, (unsigned)md->node, r);
            }
        }
        r->discard = r->discard || md->discard == IR_TRI_YES;
    }
    free(taken);
    m->ram_kib = dom->memory_kib > devices_kib ? dom->memory_kib - devices_kib : dom->memory_kib;
}

/* The version of a versioned PC machine type ("pc-i440fx-5.0",
 * "pc-q35-4.2", "pc-1.3") as major * 100 + minor; 0 when not versioned. */
static unsigned modern_machine_version(const char *machine)
{
    const char *dash = machine && vc_str_has_prefix(machine, "pc-") ? strrchr(machine, '-') : NULL;
    unsigned major, minor;
    char end;
    if (!dash || sscanf(dash + 1, "%u.%u%c", &major, &minor, &end) != 2)
        return 0;
    return major * 100 + minor;
}

/* Machine types up to 5.0 still take a cell's size as -numa node,mem=
 * (QEMU removed it from 5.1 on); libvirt writes that form when no cell
 * needs a backend of its own (plain RAM on any host node), and
 * preallocation then is the global -mem-prealloc. */
static void modern_place_numa_legacy(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    unsigned v = modern_machine_version(m->machine);
    if (!m->ncells || !v || v > 500)
        return;
    bool prealloc = false;
    for (size_t i = 0; i < m->ncells; i++) {
        const modern_ram *r = &m->cells[i].ram;
        if ((r->type && strcmp(r->type, "memory-backend-ram") != 0) || r->host_nodes ||
            r->share > 0)
            return;
        prealloc = prealloc || r->prealloc;
    }
    m->numa_mem_legacy = true;
    m->mem_prealloc = prealloc;
}

static void modern_place_memory(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    xmlDocPtr mbdoc = modern_extra_doc(x, "memoryBacking");
    xmlDocPtr ntdoc = modern_extra_doc(x, "numatune");
    xmlNodePtr mb = mbdoc ? xmlDocGetRootElement(mbdoc) : NULL;
    xmlNodePtr nt = ntdoc ? xmlDocGetRootElement(ntdoc) : NULL;
    modern_place_cells(x, mb, nt);
    modern_place_memdevs(x, mb, nt);
    modern_place_numa_legacy(x);
    /* Cells are whole MiB (as libvirt aligns them), and with cells the
     * initial RAM is theirs: QEMU wants the sum to be -m exactly. */
    if (m->ncells) {
        m->ram_kib = 0;
        for (size_t i = 0; i < m->ncells; i++) {
            m->cells[i].ram.kib = (m->cells[i].ram.kib + 1023) / 1024 * 1024;
            m->ram_kib += m->cells[i].ram.kib;
        }
    }
    if (!m->ncells) {
        modern_ram_backing(x, mb, -1, modern_shared(mb, NULL), "pc.ram", &m->pc_ram);
        if (m->pc_ram.type && strcmp(m->pc_ram.type, "memory-backend-ram") == 0 &&
            !m->pc_ram.discard && !m->pc_ram.prealloc)
            m->pc_ram.type = NULL;      /* plain memory: -m says it all */
        m->pc_ram.kib = m->ram_kib;
    }
    xmlFreeDoc(mbdoc);
    xmlFreeDoc(ntdoc);
}
