/*
 * argv_modern.c: the -device generation of QEMU's command line (QEMU 7.2):
 * -machine with properties, -blockdev (or -drive if=none) + -device,
 * -netdev + -device, -chardev + -device, -audiodev, QMP over -chardev/-mon.
 *
 * The line follows the order in which libvirt 9.0 writes it for the same
 * document (its qemuxml2argv test data were the guide): identity and
 * machine, memory and CPUs, the monitor, clock and boot, then controllers,
 * disks, filesystems, NICs, character devices, input, audio, graphics,
 * video, sound, host devices, watchdog, balloon, rng, and last the sandbox
 * and the <qemu:commandline> pass-through.
 *
 * Devices get the PCI addresses the document gives them; the others get one
 * in a pre-pass (modern_plan) that walks the device families in libvirt's
 * assignment order, so the same document always gives the same line: on
 * i440fx slot 1 is the PIIX3 (IDE 1.1, UHCI 1.2), slot 2 the primary video,
 * then the rest from slot 2 or 3 up; on q35 the primary video sits at
 * pcie.0 slot 1 and every other device gets its own pcie-root-port.
 *
 * The devices libvirt adds to a document it reads (a USB controller, the
 * SCSI, SATA and virtio-serial controllers the disks and channels need, a
 * memory balloon, a video adapter for a display) are added here as well.
 * Device types and properties are checked against the capabilities; what
 * they lack is a located error.
 */
#include "argv_priv.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- name tables --------------------------------------------------------- */

/* NIC models whose QEMU device has another name; the others are the same
 * word (e1000, rtl8139, ne2k_pci, pcnet, vmxnet3, e1000e, i82559er, ...). */
static const struct {
    const char *model;
    const char *type;
} modern_nic_models[] = {
    { "virtio", "virtio-net-pci" },
    { "virtio-transitional", "virtio-net-pci-transitional" },
    { "virtio-non-transitional", "virtio-net-pci-non-transitional" },
};

/* Video models: the primary adapter's QEMU type and a secondary one's
 * (NULL: cannot be secondary); which property takes the vram size. */
static const struct {
    const char *model;
    const char *primary;
    const char *secondary;
    const char *vram_prop;    /* "vgamem_mb" (MiB) or NULL */
} modern_video_models[] = {
    { "vga", "VGA", NULL, "vgamem_mb" },
    { "cirrus", "cirrus-vga", NULL, NULL },
    { "vmvga", "vmware-svga", NULL, "vgamem_mb" },
    { "qxl", "qxl-vga", "qxl", NULL },
    { "virtio", "virtio-vga", "virtio-gpu-pci", NULL },
    { "bochs", "bochs-display", "bochs-display", NULL },
    { "ramfb", "ramfb", NULL, NULL },
};

/* Sound models: the QEMU device, whether it is a PCI device, and the HDA
 * codec it carries (NULL: none). */
static const struct {
    const char *model;
    const char *type;
    bool pci;
    bool hda;
} modern_sound_models[] = {
    { "ac97", "AC97", true, false },
    { "es1370", "ES1370", true, false },
    { "sb16", "sb16", false, false },
    { "ich6", "intel-hda", true, true },
    { "ich9", "ich9-intel-hda", true, true },
    { "usb", "usb-audio", false, false },
};

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

/* USB controller models; a companion shares its EHCI's bus and slot. */
typedef enum modern_usb_role {
    MODERN_USB_ALONE = 0,
    MODERN_USB_EHCI,          /* function 7 of the shared slot */
    MODERN_USB_UHCI,          /* function `fn` of the shared slot, port `fn`*2 */
} modern_usb_role;

static const struct {
    const char *model;
    const char *type;
    modern_usb_role role;
    unsigned fn;
    unsigned ports;           /* ports a USB 1/2 device can take */
} modern_usb_models[] = {
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

/* USB input devices, and virtio ones (PCI). */
static const struct {
    const char *type;
    const char *bus;
    const char *device;
} modern_input_models[] = {
    { "mouse", "usb", "usb-mouse" },
    { "tablet", "usb", "usb-tablet" },
    { "keyboard", "usb", "usb-kbd" },
    { "mouse", "virtio", "virtio-mouse-pci" },
    { "tablet", "virtio", "virtio-tablet-pci" },
    { "keyboard", "virtio", "virtio-keyboard-pci" },
};

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

/* Watchdog actions QEMU knows; libvirt's 'dump' has no QEMU form. */
static const char *const modern_watchdog_actions[] = {
    "reset", "shutdown", "poweroff", "pause", "none", "inject-nmi", "debug",
};

/* Security models of a 9p export by the document's accessmode. */
static const struct {
    const char *accessmode;
    const char *model;
} modern_fs_modes[] = {
    { "passthrough", "passthrough" }, { "mapped", "mapped-xattr" }, { "squash", "none" },
};

/* ---- state ---------------------------------------------------------------- */

/* What needs a PCI slot: a device of the document, or one added here. */
typedef enum modern_implicit {
    MODERN_IMP_NONE = 0,
    MODERN_IMP_USB,           /* the USB controller of a document that names none */
    MODERN_IMP_SCSI,          /* a SCSI controller the disks refer to */
    MODERN_IMP_SATA,          /* an AHCI controller (i440fx) the disks refer to */
    MODERN_IMP_VSERIAL,       /* the virtio-serial controller of channels */
    MODERN_IMP_BALLOON,       /* the balloon of a document that names none */
    MODERN_IMP_VIDEO,         /* the video adapter of a display */
} modern_implicit;

typedef struct modern_slot {
    const ir_device *dev;     /* NULL for an implicit device */
    modern_implicit imp;
    int index;                /* controller index of an implicit controller */
    bool fixed;               /* placed by the document or the machine */
    unsigned bus, slot, fn;
    bool multifunction;
} modern_slot;

struct qemu_modern {
    bool q35;
    const char *machine;      /* canonical machine type */
    char *domdir;             /* libvirt-style per-domain directory */
    modern_slot *slots;
    size_t nslots, capslots;
    unsigned used[256];       /* bus 0..255: bitmap of slots in use (any function) */
    unsigned nrootports;      /* auto pcie-root-ports, ids pci.<first+k> */
    unsigned first_rootport;
    unsigned rp_slot[32];     /* the pcie.0 slots holding them, 8 a slot */
    unsigned nrp_slots;
    int *bootindex;           /* per device of the document; 0: none */
    int fd_bootindex[2];      /* floppies boot through the controller */
    int *node;                /* per disk: libvirt-N; 0: no node */
    bool boot_used;
    bool usb_none;            /* <controller type='usb' model='none'/> */
    bool has_usb;
    int nchan_vserial;        /* virtio-serial ports handed out */
    int nserial;              /* ids of serial ports */
    int nconsole;
    int nsound, ninput, nhostdev, nnet, nvideo, nchannel, nparallel, nrng, nfs;
    int primary_video;        /* device index of the primary video; -1 none */
};

void qemu_modern_free(qemu_modern *m)
{
    if (!m)
        return;
    free(m->domdir);
    free(m->slots);
    free(m->bootindex);
    free(m->node);
    free(m);
}

/* ---- small helpers ---------------------------------------------------------- */

static const char *modern_str_or(const char *s, const char *dflt)
{
    return s ? s : dflt;
}

static size_t modern_devidx(const qemu_ctx *x, const ir_device *dev)
{
    return (size_t)(dev - x->dom->devices);
}

static bool modern_need_device(qemu_ctx *x, ir_pos pos, const char *type)
{
    if (qemu_caps_has_device(x->caps, type))
        return true;
    return qemu_unsupported(x, pos, "device '%s'", type);
}

/* Optional properties are added only when the device has them. */
static bool modern_has_prop(const qemu_ctx *x, const char *type, const char *prop)
{
    return qemu_caps_device_has_prop(x->caps, type, prop);
}

static ir_disk_bus modern_disk_bus(const ir_disk *disk)
{
    return disk->target_bus ? disk->target_bus : ir_disk_bus_from_target(disk->target_dev);
}

static int modern_ctl_index(const qemu_ctx *x, const ir_controller *c);

static const ir_controller *modern_find_controller(const qemu_ctx *x, const char *type,
                                                   int index)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, type) &&
            modern_ctl_index(x, &d->u.controller) == index)
            return &d->u.controller;
    }
    return NULL;
}

/* A controller without an index gets the next of its type, as libvirt
 * numbers them: its position among the controllers of that type. */
static int modern_ctl_index(const qemu_ctx *x, const ir_controller *c)
{
    if (c->index >= 0)
        return c->index;
    int n = 0;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (&d->u.controller == c)
            break;
        n += d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, c->type);
    }
    return n;
}

static bool modern_is_x86(const qemu_ctx *x)
{
    const char *a = x->dom->os.arch ? x->dom->os.arch : x->caps->arch;
    return !a || strcmp(a, "x86_64") == 0 || strcmp(a, "i686") == 0;
}

/* "<name>" of a verbatim fragment, for messages. */
static char *modern_fragment_name(const char *xml)
{
    const char *s = xml && *xml == '<' ? xml + 1 : "";
    size_t n = strcspn(s, " \t\r\n/>");
    return vc_xstrndup(s, n);
}

/* A chardev or device id derived from the document must not break the
 * option list it sits in; names are the document's, so they are escaped. */
static void modern_opt(vc_buf *b, const char *key, const char *value)
{
    qemu_opt_add(b, key, value);
}

static bool modern_usb_needed(qemu_ctx *x, const ir_device *dev, const char *what);
static ir_disk_bus modern_disk_bus(const ir_disk *disk);

/* ---- SCSI and drive addresses of disks -------------------------------------- */

typedef struct modern_drive_addr {
    unsigned controller, bus, target, unit;
} modern_drive_addr;

/* libvirt's numbering of a target name when the document gives no drive
 * address: IDE two units a bus, SCSI seven units a controller, SATA six. */
static bool modern_drive_addr_of(const ir_disk *disk, ir_disk_bus bus, modern_drive_addr *a)
{
    if (disk->addr.type == IR_ADDR_DRIVE) {
        *a = (modern_drive_addr){ disk->addr.controller, disk->addr.bus, disk->addr.target,
                                  disk->addr.unit };
        return true;
    }
    int idx = ir_disk_target_index(disk->target_dev);
    if (idx < 0)
        return false;
    unsigned u = (unsigned)idx;
    switch (bus) {
    case IR_BUS_IDE:
        *a = (modern_drive_addr){ u / 4, (u % 4) / 2, 0, u % 2 };
        break;
    case IR_BUS_SCSI:
        *a = (modern_drive_addr){ u / 7, 0, 0, u % 7 };
        break;
    case IR_BUS_SATA:
        *a = (modern_drive_addr){ u / 6, 0, 0, u % 6 };
        break;
    default:
        *a = (modern_drive_addr){ 0, 0, 0, u };
    }
    return true;
}

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
    return s;
}

static modern_slot *modern_slot_of(const qemu_ctx *x, const ir_device *dev)
{
    for (size_t i = 0; i < x->modern->nslots; i++)
        if (x->modern->slots[i].dev == dev && dev)
            return &x->modern->slots[i];
    return NULL;
}

static modern_slot *modern_slot_imp(const qemu_ctx *x, modern_implicit imp, int index)
{
    for (size_t i = 0; i < x->modern->nslots; i++)
        if (!x->modern->slots[i].dev && x->modern->slots[i].imp == imp &&
            x->modern->slots[i].index == index)
            return &x->modern->slots[i];
    return NULL;
}

/* The next free slot: i440fx fills bus 0 from slot 2 (slot 1 is the PIIX3);
 * q35 gives the device a root port of its own, on bus 0 slot 0. */
static bool modern_slot_auto(qemu_ctx *x, modern_slot *s, ir_pos pos, bool direct)
{
    qemu_modern *m = x->modern;
    if (m->q35 && !direct) {
        if (m->nrootports % 8 == 0) {
            unsigned slot = 2;
            while (slot < 32 && modern_slot_used(m, 0, slot))
                slot++;
            if (slot == 32)
                return qemu_error(x, pos, "no free PCI slot left on pcie.0 for a root port");
            modern_slot_take(m, 0, slot);
            m->rp_slot[m->nrp_slots++] = slot;
        }
        s->bus = m->first_rootport + m->nrootports++;
        s->slot = 0;
        s->fn = 0;
        return true;
    }
    for (unsigned slot = 2; slot < 32; slot++) {
        if (!modern_slot_used(m, 0, slot)) {
            modern_slot_take(m, 0, slot);
            s->bus = 0;
            s->slot = slot;
            s->fn = 0;
            return true;
        }
    }
    return qemu_error(x, pos, "no free PCI slot left on bus 0 for this device");
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
    default: return NULL;
    }
}

static const char *modern_sound_type(const char *model, bool *pci, bool *hda)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_sound_models); i++) {
        if (vc_streq(model, modern_sound_models[i].model)) {
            *pci = modern_sound_models[i].pci;
            *hda = modern_sound_models[i].hda;
            return modern_sound_models[i].type;
        }
    }
    return NULL;
}

static int modern_usb_model(const char *model)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_usb_models); i++)
        if (vc_streq(model, modern_usb_models[i].model))
            return (int)i;
    return -1;
}

/* The model a USB controller without one gets (libvirt's defaults). */
static const char *modern_usb_default(const qemu_ctx *x)
{
    return x->modern->q35 ? "qemu-xhci" : "piix3-uhci";
}

/* Whether the device wants a PCI slot at all. */
static bool modern_wants_pci(const qemu_ctx *x, const ir_device *dev)
{
    switch (dev->kind) {
    case IR_DEV_DISK:
        return modern_disk_bus(&dev->u.disk) == IR_BUS_VIRTIO;
    case IR_DEV_CONTROLLER: {
        const ir_controller *c = &dev->u.controller;
        if (vc_streq(c->type, "usb"))
            return !vc_streq(c->model, "none");
        if (vc_streq(c->type, "scsi") || vc_streq(c->type, "virtio-serial"))
            return true;
        if (vc_streq(c->type, "sata"))
            return !(x->modern->q35 && modern_ctl_index(x, c) == 0);
        if (vc_streq(c->type, "pci"))
            return vc_streq(c->model, "pci-bridge") || vc_streq(c->model, "pcie-root-port");
        return false;
    }
    case IR_DEV_FILESYSTEM:
    case IR_DEV_INTERFACE:
        return true;
    case IR_DEV_SOUND: {
        bool pci = false, hda = false;
        modern_sound_type(dev->u.sound.model, &pci, &hda);
        return pci;
    }
    case IR_DEV_VIDEO:
        return !vc_streq(dev->u.video.model, "none") && !vc_streq(dev->u.video.model, "ramfb");
    case IR_DEV_HOSTDEV:
        return dev->u.hostdev.type == IR_HOSTDEV_PCI;
    case IR_DEV_WATCHDOG:
        return vc_streq(dev->u.watchdog.model, "i6300esb");
    case IR_DEV_MEMBALLOON:
        return vc_streq(dev->u.memballoon.model, "virtio");
    case IR_DEV_RNG:
        return true;
    case IR_DEV_INPUT:
        return vc_streq(dev->u.input.bus, "virtio");
    case IR_DEV_CHR:
        return vc_streq(dev->u.chr.target_type, "pci-serial");
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
        for (size_t k = 0; k + 1 < m->nslots; k++) {
            const modern_slot *o = &m->slots[k];
            if (o->fixed && o->bus == s->bus && o->slot == s->slot && o->fn == s->fn)
                ok = qemu_error(x, a->pos.line ? a->pos : dev->pos, "PCI address "
                                "%.2x:%.2x.%x is given to two devices", s->bus, s->slot,
                                s->fn);
        }
        modern_slot_take(m, s->bus, s->slot);
    }
    return ok;
}

static void modern_plan_usb(qemu_ctx *x, const ir_device *dev, modern_slot *s)
{
    const ir_controller *c = &dev->u.controller;
    qemu_modern *m = x->modern;
    int mi = modern_usb_model(c->model ? c->model : modern_usb_default(x));
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
    if (!x->modern->q35) {
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
    IR_DEV_INPUT, IR_DEV_CHR,
};

static bool modern_is_primary_video(const qemu_ctx *x, const ir_device *dev)
{
    return x->modern->primary_video >= 0 &&
           modern_devidx(x, dev) == (size_t)x->modern->primary_video;
}

/* Implicit controllers, in the order they are planned and written. */
static void modern_plan_implicit_ctls(qemu_ctx *x, bool *ok);

static bool modern_plan(qemu_ctx *x)
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
    return ok;
}

/* ---- implicit controllers ---------------------------------------------------- */

static bool modern_has_virtio_serial_user(const qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind != IR_DEV_CHR)
            continue;
        const ir_chr *c = &d->u.chr;
        if ((c->kind == IR_CHRDEV_CHANNEL && vc_streq(c->target_type, "virtio")) ||
            (c->kind == IR_CHRDEV_CONSOLE && vc_streq(c->target_type, "virtio")))
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
        if (d->kind == IR_DEV_DISK && modern_disk_bus(&d->u.disk) == bus &&
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
    if (modern_has_virtio_serial_user(x) && !modern_find_controller(x, "virtio-serial", 0))
        modern_plan_add(x, NULL, MODERN_IMP_VSERIAL, 0, ok);
}

/* ",bus=pci.N,addr=0xS[.0xF][,multifunction=on]" of a planned device. */
static void modern_pci_opts(const qemu_ctx *x, const modern_slot *s, vc_buf *b)
{
    if (!s)
        return;
    if (s->bus == 0)
        vc_buf_printf(b, ",bus=%s", x->modern->q35 ? "pcie.0" : "pci.0");
    else
        vc_buf_printf(b, ",bus=pci.%u", s->bus);
    /* Function 0 of a slot shared with other functions must say so. */
    bool mf = s->multifunction;
    for (size_t i = 0; i < x->modern->nslots && !mf && s->fn == 0; i++) {
        const modern_slot *o = &x->modern->slots[i];
        mf = o != s && o->bus == s->bus && o->slot == s->slot && o->fn != 0 &&
             (o->fixed || o->bus || o->slot);
    }
    if (mf)
        vc_buf_puts(b, ",multifunction=on");
    if (s->fn)
        vc_buf_printf(b, ",addr=0x%x.0x%x", s->slot, s->fn);
    else
        vc_buf_printf(b, ",addr=0x%x", s->slot);
}

static void modern_dev_pci(const qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    modern_pci_opts(x, modern_slot_of(x, dev), b);
}

/* ---- boot order ---------------------------------------------------------------- */

static int *modern_dev_boot_order(const ir_device *dev, int *scratch)
{
    switch (dev->kind) {
    case IR_DEV_DISK: *scratch = dev->u.disk.boot_order; break;
    case IR_DEV_INTERFACE: *scratch = dev->u.net.boot_order; break;
    case IR_DEV_HOSTDEV: *scratch = dev->u.hostdev.boot_order; break;
    default: *scratch = 0;
    }
    return scratch;
}

/* The device <boot dev=X/> names: the first of its family. */
static const ir_device *modern_boot_target(const qemu_ctx *x, ir_boot_dev b)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (b == IR_BOOT_NETWORK && d->kind == IR_DEV_INTERFACE)
            return d;
        if (d->kind != IR_DEV_DISK)
            continue;
        ir_disk_device dd = d->u.disk.device ? d->u.disk.device : IR_DISK_DEV_DISK;
        if ((b == IR_BOOT_HD && (dd == IR_DISK_DEV_DISK || dd == IR_DISK_DEV_LUN)) ||
            (b == IR_BOOT_CDROM && dd == IR_DISK_DEV_CDROM) ||
            (b == IR_BOOT_FD && dd == IR_DISK_DEV_FLOPPY))
            return d;
    }
    return NULL;
}

static void modern_plan_boot(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    bool per_device = false;
    int scratch;
    for (size_t i = 0; i < dom->ndevices; i++)
        if (*modern_dev_boot_order(&dom->devices[i], &scratch) > 0) {
            m->bootindex[i] = scratch;
            per_device = true;
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
    for (size_t i = 0; i < dom->ndevices; i++) {
        if (!m->bootindex[i])
            continue;
        m->boot_used = true;
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_DISK && modern_disk_bus(&d->u.disk) == IR_BUS_FDC) {
            modern_drive_addr a;
            if (modern_drive_addr_of(&d->u.disk, IR_BUS_FDC, &a) && a.unit < 2)
                m->fd_bootindex[a.unit] = m->bootindex[i];
        }
    }
}

/* ---- preparation ------------------------------------------------------------------ */

static bool modern_prepare(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    qemu_modern *m = vc_xcalloc(1, sizeof(*m));
    x->modern = m;
    m->primary_video = -1;
    m->bootindex = vc_xcalloc(dom->ndevices + 1, sizeof(int));
    m->node = vc_xcalloc(dom->ndevices + 1, sizeof(int));
    m->domdir = vc_xasprintf("/var/lib/libvirt/qemu/domain-%d-%s", dom->id,
                             modern_str_or(dom->name, "unnamed"));

    const qemu_caps_machine *mach = qemu_caps_machine_lookup(x->caps, dom->os.machine);
    bool ok = true;
    if (!mach && dom->os.machine && x->caps->nmachines)
        ok = qemu_unsupported(x, dom->os.pos, "machine type '%s'", dom->os.machine);
    m->machine = mach ? mach->name : dom->os.machine;
    m->q35 = m->machine && strstr(m->machine, "q35") != NULL;

    int nodes = 0;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_DISK && (d->u.disk.source || d->u.disk.hosts))
            nodes++;
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
    }
    if (m->first_rootport == 0)
        m->first_rootport = 1;
    /* libvirt numbers its block nodes from the last disk up. */
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_DISK && (d->u.disk.source || d->u.disk.hosts))
            m->node[i] = nodes--;
    }
    modern_plan_boot(x);
    return modern_plan(x) && ok;
}

/* ---- domain-wide sections ------------------------------------------------------- */

static const char *modern_qemu_arch(const char *arch)
{
    return (!arch || strcmp(arch, "i686") == 0 || strcmp(arch, "i586") == 0 ||
            strcmp(arch, "i486") == 0 || strcmp(arch, "i386") == 0) ? "i386" : arch;
}

static bool modern_emulator(qemu_ctx *x)
{
    const char *emu = x->dom->emulator ? x->dom->emulator : x->caps->binary;
    if (emu) {
        qemu_arg(x, emu);
    } else {
        qemu_argf(x, "/usr/bin/qemu-system-%s", modern_qemu_arch(x->dom->os.arch));
        qemu_warn(x, x->dom->pos, "the domain names no <emulator>; using '%s'",
                  x->launch->argv.v[x->launch->argv.n - 1]);
    }
    return true;
}

static bool modern_name(qemu_ctx *x)
{
    if (x->dom->name) {
        vc_buf b;
        vc_buf_init(&b);
        modern_opt(&b, "guest", x->dom->name);
        vc_buf_puts(&b, ",debug-threads=on");
        qemu_arg2_take(x, "-name", vc_buf_steal(&b));
    }
    /* A launched guest waits for the monitor's "cont". */
    qemu_arg(x, "-S");
    return true;
}

/* The value of a <timer name=NAME> attribute in the verbatim fragment. */
static char *modern_timer_attr(const char *xml, const char *attr)
{
    char *key = vc_xasprintf(" %s=", attr);
    const char *p = strstr(xml, key);
    free(key);
    if (!p)
        return NULL;
    p = strchr(p, '=') + 1;
    char q = *p;
    if (q != '\'' && q != '"')
        return NULL;
    const char *e = strchr(p + 1, q);
    return e ? vc_xstrndup(p + 1, (size_t)(e - p - 1)) : NULL;
}

/* A timer's setting: name, present, tickpolicy. */
static bool modern_timer_is(const ir_fragment *f, const char *name, const char *attr,
                            const char *value)
{
    char *n = modern_timer_attr(f->xml, "name");
    char *v = modern_timer_attr(f->xml, attr);
    bool r = vc_streq(n, name) && vc_streq(v, value);
    free(n);
    free(v);
    return r;
}

static bool modern_hpet_off(const qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->clock.timers.n; i++)
        if (modern_timer_is(&x->dom->clock.timers.v[i], "hpet", "present", "no"))
            return true;
    return false;
}

static bool modern_machine(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    qemu_modern *m = x->modern;
    vc_buf b;
    vc_buf_init(&b);
    if (m->machine)
        qemu_opt_escape(&b, m->machine);
    else
        vc_buf_puts(&b, "pc");
    vc_buf_puts(&b, ",usb=off");
    const ir_feature *vmport = ir_domain_feature(dom, "vmport");
    if (vmport && vmport->state)
        vc_buf_printf(&b, ",vmport=%s", strcmp(vmport->state, "off") == 0 ? "off" : "on");
    vc_buf_puts(&b, ",dump-guest-core=off");
    if (modern_hpet_off(x))
        vc_buf_puts(&b, ",hpet=off");
    bool ok = true;
    switch (dom->type) {
    case IR_VIRT_KVM:
        if (!x->caps->accel_kvm)
            ok = qemu_unsupported(x, dom->pos, "domain type 'kvm' (no KVM accelerator)");
        vc_buf_puts(&b, ",accel=kvm");
        qemu_resource_add(x, "/dev/kvm", QEMU_RES_CHARDEV, false);
        break;
    case IR_VIRT_QEMU:
    case IR_VIRT_NONE:
        if (!x->caps->accel_tcg)
            ok = qemu_unsupported(x, dom->pos, "domain type 'qemu' (no TCG accelerator)");
        vc_buf_puts(&b, ",accel=tcg");
        break;
    default:
        ok = qemu_unsupported(x, dom->pos, "domain type '%s'",
                              modern_str_or(ir_virt_type_name(dom->type), "?"));
    }
    qemu_arg2_take(x, "-machine", vc_buf_steal(&b));
    return ok;
}

static bool modern_cpu(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    bool kvm = dom->type == IR_VIRT_KVM;
    const char *mode = dom->cpu_mode;
    if (mode && (strcmp(mode, "host-passthrough") == 0 || strcmp(mode, "host-model") == 0 ||
                 strcmp(mode, "maximum") == 0)) {
        /* TCG has no host CPU to pass through; "max" is its nearest. */
        const char *model = kvm && strcmp(mode, "maximum") != 0 ? "host" : "max";
        if (!kvm && strcmp(mode, "maximum") != 0)
            qemu_warn(x, dom->pos, "CPU mode '%s' needs KVM; a TCG guest gets the 'max' CPU",
                      mode);
        qemu_arg2(x, "-cpu", model);
        return true;
    }
    if (mode && strcmp(mode, "custom") != 0)
        return qemu_unsupported(x, dom->pos, "CPU mode '%s'", mode);
    if (!dom->cpu_model)
        return true;
    if (!qemu_caps_has_cpu(x->caps, dom->cpu_model))
        return qemu_unsupported(x, dom->pos, "CPU model '%s'", dom->cpu_model);
    qemu_arg2(x, "-cpu", dom->cpu_model);
    return true;
}

/* Memory in KiB rounded up to a MiB, as libvirt aligns it. */
static unsigned long long modern_mib_align(unsigned long long kib)
{
    return (kib + 1023) / 1024 * 1024;
}

static bool modern_memory(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    if (dom->memory_kib == 0)
        return qemu_error(x, dom->pos, "the domain has no memory size");
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "size=%lluk", modern_mib_align(dom->memory_kib));
    if (dom->max_memory_kib) {
        if (dom->max_memory_kib < dom->memory_kib) {
            vc_buf_free(&b);
            return qemu_error(x, dom->pos, "maxMemory (%llu KiB) is below memory (%llu KiB)",
                              dom->max_memory_kib, dom->memory_kib);
        }
        vc_buf_printf(&b, ",slots=%u,maxmem=%lluk", dom->max_memory_slots,
                      modern_mib_align(dom->max_memory_kib));
    }
    qemu_arg2_take(x, "-m", vc_buf_steal(&b));
    qemu_arg2(x, "-overcommit", "mem-lock=off");
    return true;
}

static bool modern_smp(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    unsigned max = dom->vcpus ? dom->vcpus : 1;
    unsigned cur = dom->vcpus_current && dom->vcpus_current < max ? dom->vcpus_current : max;
    const ir_cpu_topology *t = &dom->topology;
    bool topo = t->sockets || t->cores || t->threads || t->dies;
    unsigned sockets = topo ? (t->sockets ? t->sockets : 1) : max;
    unsigned dies = t->dies ? t->dies : 1;
    unsigned cores = t->cores ? t->cores : 1;
    unsigned threads = t->threads ? t->threads : 1;
    if ((unsigned long long)sockets * dies * cores * threads != max)
        return qemu_error(x, dom->pos, "CPU topology %u sockets x %u dies x %u cores x %u "
                          "threads does not make the %u vCPUs", sockets, dies, cores,
                          threads, max);
    const qemu_caps_machine *mach = qemu_caps_machine_lookup(x->caps, x->modern->machine);
    if (mach && mach->max_cpus && max > mach->max_cpus)
        return qemu_unsupported(x, dom->pos, "%u vCPUs on machine '%s' (at most %u)", max,
                                mach->name, mach->max_cpus);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%u", cur);
    if (cur != max)
        vc_buf_printf(&b, ",maxcpus=%u", max);
    vc_buf_printf(&b, ",sockets=%u", sockets);
    if (t->dies)
        vc_buf_printf(&b, ",dies=%u", dies);
    vc_buf_printf(&b, ",cores=%u,threads=%u", cores, threads);
    qemu_arg2_take(x, "-smp", vc_buf_steal(&b));
    return true;
}

static bool modern_uuid(qemu_ctx *x)
{
    char uuid[37];
    ir_uuid_format(x->dom->uuid, uuid);
    qemu_arg2(x, "-uuid", uuid);
    if (qemu_count_devices(x, IR_DEV_GRAPHICS, -1) == 0)
        qemu_arg2(x, "-display", "none");
    if (qemu_has(x, QEMU_CAP_NODEFCONFIG))
        qemu_arg(x, "-no-user-config");
    if (qemu_has(x, QEMU_CAP_NODEFAULTS))
        qemu_arg(x, "-nodefaults");
    return true;
}

static bool modern_monitor(qemu_ctx *x)
{
    const char *given = x->opts->monitor_socket;
    char *sock = given ? vc_xstrdup(given) : vc_xasprintf("%s/monitor.sock", x->modern->domdir);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "socket,id=charmonitor");
    modern_opt(&b, "path", sock);
    vc_buf_puts(&b, ",server=on,wait=off");
    qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    qemu_arg2(x, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
    free(sock);
    return true;
}

/* offset='variable' is a start time: now plus the adjustment. */
static char *modern_clock_variable(qemu_ctx *x)
{
    const ir_clock *clk = &x->dom->clock;
    long long adj = 0;
    if (clk->adjustment && !vc_parse_ll(clk->adjustment, 10, &adj)) {
        qemu_error(x, x->dom->pos, "clock adjustment '%s' is not a number", clk->adjustment);
        return NULL;
    }
    time_t t = time(NULL) + (time_t)adj;
    struct tm tm;
    if (vc_streq(clk->basis, "localtime"))
        localtime_r(&t, &tm);
    else
        gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    return vc_xstrdup(buf);
}

static bool modern_clock(qemu_ctx *x)
{
    const ir_clock *clk = &x->dom->clock;
    vc_buf b;
    vc_buf_init(&b);
    switch (clk->offset) {
    case IR_CLOCK_NONE:
    case IR_CLOCK_UTC:
        vc_buf_puts(&b, "base=utc");
        break;
    case IR_CLOCK_LOCALTIME:
        vc_buf_puts(&b, "base=localtime");
        break;
    case IR_CLOCK_TIMEZONE:
        if (!clk->timezone) {
            vc_buf_free(&b);
            return qemu_error(x, x->dom->pos, "clock offset 'timezone' needs a timezone");
        }
        qemu_env(x, "TZ", clk->timezone);
        vc_buf_puts(&b, "base=localtime");
        break;
    case IR_CLOCK_VARIABLE: {
        char *when = modern_clock_variable(x);
        if (!when) {
            vc_buf_free(&b);
            return false;
        }
        vc_buf_printf(&b, "base=%s", when);
        free(when);
        break;
    }
    default:
        vc_buf_free(&b);
        return qemu_unsupported(x, x->dom->pos, "clock offset '%s'",
                                modern_str_or(ir_clock_offset_name(clk->offset), "?"));
    }
    bool pit_delay = false;
    for (size_t i = 0; i < clk->timers.n; i++) {
        const ir_fragment *f = &clk->timers.v[i];
        if (modern_timer_is(f, "rtc", "tickpolicy", "catchup"))
            vc_buf_puts(&b, ",driftfix=slew");
        else if (modern_timer_is(f, "pit", "tickpolicy", "delay"))
            pit_delay = true;
        else if (!modern_timer_is(f, "hpet", "present", "no"))
            qemu_warn(x, f->pos, "this clock timer setting is not converted");
    }
    qemu_arg2_take(x, "-rtc", vc_buf_steal(&b));
    if (pit_delay && x->dom->type == IR_VIRT_KVM)
        qemu_arg2(x, "-global", "kvm-pit.lost_tick_policy=delay");
    return true;
}

static bool modern_lifecycle(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    if (qemu_has(x, QEMU_CAP_NO_SHUTDOWN))
        qemu_arg(x, "-no-shutdown");
    if (dom->on_reboot == IR_LIFE_DESTROY)
        qemu_arg(x, "-no-reboot");
    else if (dom->on_reboot != IR_LIFE_NONE && dom->on_reboot != IR_LIFE_RESTART)
        return qemu_unsupported(x, dom->pos, "on_reboot '%s'",
                                modern_str_or(ir_lifecycle_name(dom->on_reboot), "?"));
    return true;
}

/* Features a PC has without being asked; acpi is turned off by a switch. */
static const char *const modern_quiet_features[] = { "acpi", "apic", "pae", "vmport" };

static bool modern_features(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    if (modern_is_x86(x) && !ir_domain_feature(dom, "acpi")) {
        if (qemu_has(x, QEMU_CAP_NO_ACPI))
            qemu_arg(x, "-no-acpi");
        else
            return qemu_unsupported(x, dom->pos, "turning ACPI off");
    }
    for (size_t i = 0; i < dom->nfeatures; i++) {
        bool quiet = false;
        for (size_t k = 0; k < VC_ARRAY_SIZE(modern_quiet_features); k++)
            quiet = quiet || strcmp(dom->features[i].name, modern_quiet_features[k]) == 0;
        if (!quiet)
            qemu_warn(x, dom->pos, "feature '%s' is not converted", dom->features[i].name);
    }
    return true;
}

static bool modern_boot(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    const ir_os *os = &dom->os;
    bool ok = true;
    if (os->type && strcmp(os->type, "hvm") != 0)
        ok = qemu_unsupported(x, os->pos, "OS type '%s'", os->type);
    if (os->init)
        ok = qemu_unsupported(x, os->pos, "container init");
    if (dom->bootloader)
        ok = qemu_unsupported(x, dom->pos, "a host-side bootloader");
    if (x->modern->boot_used || os->bootmenu == IR_TRI_YES) {
        vc_buf b;
        vc_buf_init(&b);
        if (os->bootmenu == IR_TRI_YES)
            vc_buf_puts(&b, "menu=on,");
        vc_buf_puts(&b, "strict=on");
        qemu_arg2_take(x, "-boot", vc_buf_steal(&b));
    }
    if (os->loader) {
        if (vc_streq(os->loader_type, "pflash")) {
            vc_buf b;
            vc_buf_init(&b);
            modern_opt(&b, "file", os->loader);
            vc_buf_puts(&b, ",if=pflash,format=raw,unit=0");
            if (!vc_streq(os->loader_readonly, "no"))
                vc_buf_puts(&b, ",readonly=on");
            qemu_arg2_take(x, "-drive", vc_buf_steal(&b));
            qemu_resource_add(x, os->loader, QEMU_RES_FILE, !vc_streq(os->loader_readonly, "no"));
            if (os->nvram) {
                vc_buf_init(&b);
                modern_opt(&b, "file", os->nvram);
                vc_buf_puts(&b, ",if=pflash,format=raw,unit=1");
                qemu_arg2_take(x, "-drive", vc_buf_steal(&b));
                qemu_resource_add(x, os->nvram, QEMU_RES_FILE, false);
            }
        } else {
            qemu_arg2(x, "-bios", os->loader);
            qemu_resource_add(x, os->loader, QEMU_RES_FILE, true);
        }
    } else if (os->nvram) {
        ok = qemu_error(x, os->pos, "an NVRAM file needs a pflash <loader>");
    }
    static const struct {
        const char *opt;
        size_t off;
    } files[] = {
        { "-kernel", offsetof(ir_os, kernel) },
        { "-initrd", offsetof(ir_os, initrd) },
        { "-dtb", offsetof(ir_os, dtb) },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(files); i++) {
        const char *path = *(char *const *)((const char *)os + files[i].off);
        if (path) {
            qemu_arg2(x, files[i].opt, path);
            qemu_resource_add(x, path, QEMU_RES_FILE, true);
        }
    }
    if (os->cmdline)
        qemu_arg2(x, "-append", os->cmdline);
    return ok;
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

static char *modern_usb_id(int index)
{
    return index == 0 ? vc_xstrdup("usb") : vc_xasprintf("usb%d", index);
}

static bool modern_usb_controller(qemu_ctx *x, const ir_device *dev, const char *model,
                                  int index, const modern_slot *s)
{
    ir_pos pos = dev ? dev->pos : x->dom->pos;
    int mi = modern_usb_model(model);
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
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

static int modern_scsi_model(const char *model)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_scsi_models); i++)
        if (vc_streq(model, modern_scsi_models[i].model))
            return (int)i;
    return -1;
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
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
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
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
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
    const modern_slot *s = modern_slot_of(x, dev);
    vc_buf b;
    vc_buf_init(&b);
    if (vc_streq(model, "pci-bridge")) {
        if (!modern_need_device(x, dev->pos, "pci-bridge")) {
            vc_buf_free(&b);
            return false;
        }
        vc_buf_printf(&b, "pci-bridge,chassis_nr=%d,id=pci.%d", index, index);
    } else if (vc_streq(model, "pcie-root-port")) {
        if (!modern_need_device(x, dev->pos, "pcie-root-port")) {
            vc_buf_free(&b);
            return false;
        }
        vc_buf_printf(&b, "pcie-root-port,port=0x%x,chassis=%d,id=pci.%d", 0x8 + index, index,
                      index);
    } else {
        vc_buf_free(&b);
        return qemu_unsupported(x, dev->pos, "PCI controller model '%s'",
                                modern_str_or(model, "?"));
    }
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

static bool modern_controller(qemu_ctx *x, const ir_device *dev)
{
    const ir_controller *c = &dev->u.controller;
    int index = modern_ctl_index(x, c);
    const modern_slot *s = modern_slot_of(x, dev);
    const char *type = modern_str_or(c->type, "?");
    if (strcmp(type, "pci") == 0)
        return true;                        /* written before the others */
    if (strcmp(type, "usb") == 0) {
        int mi = modern_usb_model(c->model);
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
                                modern_str_or(x->modern->machine, "?"));
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
static bool modern_controllers_pre(qemu_ctx *x)
{
    bool ok = true;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_CONTROLLER && vc_streq(d->u.controller.type, "pci"))
            ok = modern_pci_controller(x, d) && ok;
    }
    return modern_rootports(x) && ok;
}

static bool modern_controllers_implicit(qemu_ctx *x)
{
    qemu_modern *m = x->modern;
    bool ok = true;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind != IR_DEV_CONTROLLER || !vc_streq(d->u.controller.type, "usb"))
            continue;
        int mi = modern_usb_model(d->u.controller.model);
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

/* ---- disks ------------------------------------------------------------------------ */

typedef struct modern_disk_dev {
    const char *type;         /* QEMU device */
    char *bus_opts;           /* ",bus=...,unit=..." */
    char *id;
} modern_disk_dev;

static int modern_scsi_ctl_model(const qemu_ctx *x, unsigned controller)
{
    const ir_controller *c = modern_find_controller(x, "scsi", (int)controller);
    return modern_scsi_model(c ? c->model : NULL);
}

/* Which device and where, by bus and device kind. */
static bool modern_disk_where(qemu_ctx *x, const ir_device *dev, modern_disk_dev *out)
{
    const ir_disk *disk = &dev->u.disk;
    ir_disk_bus bus = modern_disk_bus(disk);
    bool cd = disk->device == IR_DISK_DEV_CDROM;
    const char *target = modern_str_or(disk->target_dev, "?");
    modern_drive_addr a;
    if (bus != IR_BUS_VIRTIO && bus != IR_BUS_USB && !modern_drive_addr_of(disk, bus, &a))
        return qemu_error(x, dev->pos, "disk target '%s' is not a valid device name", target);
    switch (bus) {
    case IR_BUS_IDE:
        if (x->modern->q35)
            return qemu_unsupported(x, dev->pos, "IDE disk '%s' on machine '%s' (use "
                                    "bus='sata')", target, x->modern->machine);
        if (a.controller != 0 || a.bus > 1 || a.unit > 1)
            return qemu_unsupported(x, dev->pos, "IDE disk '%s' beyond the PIIX3's two buses",
                                    target);
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
        int mi = modern_scsi_ctl_model(x, a.controller);
        bool lun = mi >= 0 && modern_scsi_models[mi].lun;
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
        out->type = "virtio-blk-pci";
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
                                modern_str_or(ir_disk_bus_name(bus), "?"));
    }
}

static bool modern_format_known(const char *fmt)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_formats); i++)
        if (strcmp(fmt, modern_formats[i]) == 0)
            return true;
    return false;
}

static int modern_cache_mode(const char *mode)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_cache_modes); i++)
        if (vc_streq(mode, modern_cache_modes[i].mode))
            return (int)i;
    return -1;
}

/* The protocol part of a network disk's storage node. */
static bool modern_disk_network(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    const char *proto = modern_str_or(disk->source_protocol, "?");
    const ir_host *h = disk->nhosts ? &disk->hosts[0] : NULL;
    if (strcmp(proto, "nbd") == 0) {
        vc_buf_puts(b, "driver=nbd");
        if (h && h->socket) {
            vc_buf_puts(b, ",server.type=unix");
            modern_opt(b, "server.path", h->socket);
            qemu_resource_add(x, h->socket, QEMU_RES_SOCKET, false);
        } else if (h && h->name) {
            vc_buf_puts(b, ",server.type=inet");
            modern_opt(b, "server.host", h->name);
            modern_opt(b, "server.port", modern_str_or(h->port, "10809"));
        } else {
            return qemu_error(x, dev->pos, "NBD disk needs a <host>");
        }
        if (disk->source)
            modern_opt(b, "export", disk->source);
        return true;
    }
    static const char *const urls[] = { "http", "https", "ftp", "ftps" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(urls); i++) {
        if (strcmp(proto, urls[i]) != 0)
            continue;
        if (!h || !h->name)
            return qemu_error(x, dev->pos, "%s disk needs a <host>", proto);
        vc_buf_printf(b, "driver=%s", proto);
        char *url = vc_xasprintf("%s://%s%s%s/%s", proto, h->name, h->port ? ":" : "",
                                 modern_str_or(h->port, ""),
                                 disk->source ? disk->source + (*disk->source == '/') : "");
        modern_opt(b, "url", url);
        free(url);
        return true;
    }
    return qemu_unsupported(x, dev->pos, "network disk protocol '%s'", proto);
}

/* -blockdev storage node + format node. */
static bool modern_blockdev(qemu_ctx *x, const ir_device *dev, const char *fmt, int cm,
                            bool ro, int node)
{
    const ir_disk *disk = &dev->u.disk;
    vc_buf b;
    vc_buf_init(&b);
    if (disk->type == IR_DISK_TYPE_NETWORK) {
        if (!modern_disk_network(x, dev, &b)) {
            vc_buf_free(&b);
            return false;
        }
    } else {
        bool blk = disk->type == IR_DISK_TYPE_BLOCK;
        const char *drv = !blk ? "file"
                          : disk->device == IR_DISK_DEV_CDROM ? "host_cdrom" : "host_device";
        vc_buf_printf(&b, "driver=%s", drv);
        modern_opt(&b, "filename", disk->source);
    }
    vc_buf_printf(&b, ",node-name=libvirt-%d-storage", node);
    if (cm >= 0)
        vc_buf_printf(&b, ",cache.direct=%s,cache.no-flush=%s",
                      modern_cache_modes[cm].direct ? "on" : "off",
                      modern_cache_modes[cm].no_flush ? "on" : "off");
    vc_buf_puts(&b, ",auto-read-only=on");
    qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));

    vc_buf_init(&b);
    vc_buf_printf(&b, "node-name=libvirt-%d-format,read-only=%s", node, ro ? "on" : "off");
    if (cm >= 0)
        vc_buf_printf(&b, ",cache.direct=%s,cache.no-flush=%s",
                      modern_cache_modes[cm].direct ? "on" : "off",
                      modern_cache_modes[cm].no_flush ? "on" : "off");
    vc_buf_printf(&b, ",driver=%s,file=libvirt-%d-storage", fmt, node);
    qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));
    return true;
}

/* QEMU without -blockdev: the same disk as -drive if=none. */
static bool modern_drive(qemu_ctx *x, const ir_device *dev, const char *fmt, int cm, bool ro,
                         const char *id)
{
    const ir_disk *disk = &dev->u.disk;
    if (disk->type == IR_DISK_TYPE_NETWORK)
        return qemu_unsupported(x, dev->pos, "network disk without -blockdev");
    vc_buf b;
    vc_buf_init(&b);
    modern_opt(&b, "file", disk->source);
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
    bool ok = true;
    if (disk->type != IR_DISK_TYPE_NONE && disk->type != IR_DISK_TYPE_FILE &&
        disk->type != IR_DISK_TYPE_BLOCK && disk->type != IR_DISK_TYPE_NETWORK)
        ok = qemu_unsupported(x, dev->pos, "disk type '%s'",
                              modern_str_or(ir_disk_type_name(disk->type), "?"));
    if (disk->driver_name && strcmp(disk->driver_name, "qemu") != 0)
        ok = qemu_error(x, dev->pos, "disk driver '%s' is not QEMU's (use <driver "
                        "name='qemu'/>)", disk->driver_name);
    if (disk->encryption)
        ok = qemu_unsupported(x, disk->encryption->pos.line ? disk->encryption->pos : dev->pos,
                              "disk encryption");
    if (disk->driver_io && strcmp(disk->driver_io, "threads") != 0)
        qemu_warn(x, dev->pos, "disk I/O mode '%s' is not converted", disk->driver_io);
    if (!disk->source && !disk->nhosts && disk->device != IR_DISK_DEV_CDROM &&
        disk->device != IR_DISK_DEV_FLOPPY)
        ok = qemu_error(x, dev->pos, "disk '%s' has no source",
                        modern_str_or(disk->target_dev, "?"));
    if (disk->device == IR_DISK_DEV_LUN && modern_disk_bus(disk) != IR_BUS_SCSI)
        ok = qemu_error(x, dev->pos, "a 'lun' disk must be on bus 'scsi'");
    /* An ATA hard disk cannot refuse writes; QEMU rejects a read-only one. */
    ir_disk_bus bus = modern_disk_bus(disk);
    if (disk->readonly && disk->device != IR_DISK_DEV_CDROM &&
        (bus == IR_BUS_IDE || bus == IR_BUS_SATA))
        ok = qemu_unsupported(x, dev->pos, "read-only disk '%s' on bus '%s'",
                              modern_str_or(disk->target_dev, "?"), ir_disk_bus_name(bus));
    return ok;
}

static bool modern_disk(qemu_ctx *x, const ir_device *dev)
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
    if (!modern_format_known(fmt))
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
        if (disk->source && disk->type != IR_DISK_TYPE_NETWORK)
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
            modern_opt(&b, "serial", disk->serial);
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
static bool modern_fdc(qemu_ctx *x)
{
    bool any = false;
    for (size_t i = 0; i < x->dom->ndevices; i++)
        any = any || (x->dom->devices[i].kind == IR_DEV_DISK &&
                      modern_disk_bus(&x->dom->devices[i].u.disk) == IR_BUS_FDC);
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

/* ---- filesystems ------------------------------------------------------------------- */

static bool modern_filesystem(qemu_ctx *x, const ir_device *dev)
{
    const ir_filesystem *fs = &dev->u.fs;
    if (fs->type && strcmp(fs->type, "mount") != 0)
        return qemu_unsupported(x, dev->pos, "filesystem type '%s'", fs->type);
    if (!fs->source || !fs->target)
        return qemu_error(x, dev->pos, "filesystem needs a source dir and a target dir");
    const char *model = NULL;
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_fs_modes); i++)
        if (vc_streq(modern_str_or(fs->accessmode, "passthrough"), modern_fs_modes[i].accessmode))
            model = modern_fs_modes[i].model;
    if (!model)
        return qemu_unsupported(x, dev->pos, "filesystem accessmode '%s'", fs->accessmode);
    if (!modern_need_device(x, dev->pos, "virtio-9p-pci"))
        return false;
    int n = x->modern->nfs++;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "local,security_model=%s,id=fsdev-fs%d", model, n);
    modern_opt(&b, "path", fs->source);
    if (fs->readonly)
        vc_buf_puts(&b, ",readonly=on");
    qemu_arg2_take(x, "-fsdev", vc_buf_steal(&b));
    vc_buf_init(&b);
    vc_buf_printf(&b, "virtio-9p-pci,id=fs%d,fsdev=fsdev-fs%d", n, n);
    modern_opt(&b, "mount_tag", fs->target);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    qemu_resource_add(x, fs->source, QEMU_RES_DIR, fs->readonly);
    return true;
}

/* ---- network ------------------------------------------------------------------------ */

static bool modern_netdev_socket(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_net *net = &dev->u.net;
    const char *tname = ir_net_type_name(net->type);
    if (!net->source_port)
        return qemu_error(x, dev->pos, "interface of type '%s' needs a source port", tname);
    if ((net->type == IR_NET_MCAST || net->type == IR_NET_UDP) && !net->source_address)
        return qemu_error(x, dev->pos, "interface of type '%s' needs a source address", tname);
    static const struct {
        ir_net_type type;
        const char *key;
    } keys[] = {
        { IR_NET_SERVER, "listen" }, { IR_NET_CLIENT, "connect" },
        { IR_NET_MCAST, "mcast" }, { IR_NET_UDP, "udp" },
    };
    const char *key = "connect";
    for (size_t i = 0; i < VC_ARRAY_SIZE(keys); i++)
        if (keys[i].type == net->type)
            key = keys[i].key;
    char *hp = vc_xasprintf("%s:%s", modern_str_or(net->source_address,
                                                   net->type == IR_NET_CLIENT ? "127.0.0.1"
                                                                              : ""),
                            net->source_port);
    vc_buf_puts(b, "socket");
    modern_opt(b, key, hp);
    free(hp);
    if (net->type == IR_NET_UDP) {
        if (!net->local_port) {
            return qemu_error(x, dev->pos, "interface of type 'udp' needs a <local> port");
        }
        hp = vc_xasprintf("%s:%s", modern_str_or(net->local_address, "127.0.0.1"),
                          net->local_port);
        modern_opt(b, "localaddr", hp);
        free(hp);
    }
    return true;
}

static bool modern_netdev(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_net *net = &dev->u.net;
    switch (net->type) {
    case IR_NET_USER:
        vc_buf_puts(b, "user");
        return true;
    case IR_NET_NETWORK:
    case IR_NET_BRIDGE:
    case IR_NET_ETHERNET:
        vc_buf_puts(b, "tap");
        if (net->target_dev) {
            modern_opt(b, "ifname", net->target_dev);
            qemu_resource_add(x, net->target_dev, QEMU_RES_TAP, false);
        }
        if (net->type == IR_NET_ETHERNET && net->script)
            modern_opt(b, "script", net->script);
        else
            vc_buf_puts(b, ",script=no");
        vc_buf_puts(b, ",downscript=no");
        if (vc_streq(net->driver_name, "vhost")) {
            vc_buf_puts(b, ",vhost=on");
            qemu_resource_add(x, "/dev/vhost-net", QEMU_RES_CHARDEV, false);
        }
        qemu_resource_add(x, "/dev/net/tun", QEMU_RES_CHARDEV, false);
        /* A converter cannot create the tap device nor join it to a bridge. */
        if (net->type == IR_NET_NETWORK)
            qemu_warn(x, dev->pos, "interface on network '%s': the tap device is left for "
                      "the caller to create and attach",
                      modern_str_or(net->source_network, ""));
        else if (net->type == IR_NET_BRIDGE)
            qemu_warn(x, dev->pos, "interface on bridge '%s': the tap device is left for the "
                      "caller to create and attach", modern_str_or(net->source_bridge, ""));
        return true;
    case IR_NET_SERVER:
    case IR_NET_CLIENT:
    case IR_NET_MCAST:
    case IR_NET_UDP:
        return modern_netdev_socket(x, dev, b);
    default:
        return qemu_unsupported(x, dev->pos, "interface type '%s'",
                                modern_str_or(ir_net_type_name(net->type), "?"));
    }
}

static const char *modern_nic_type(const char *model)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_nic_models); i++)
        if (strcmp(model, modern_nic_models[i].model) == 0)
            return modern_nic_models[i].type;
    return model;
}

static bool modern_interface(qemu_ctx *x, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    /* libvirt's default NIC on a PC. */
    const char *type = modern_nic_type(net->model ? net->model : "rtl8139");
    /* A model outside the table must at least be a NIC (take a netdev). */
    bool known = type != net->model || !net->model;
    if (!qemu_caps_has_device(x->caps, type) || (!known && !modern_has_prop(x, type, "netdev")))
        return qemu_unsupported(x, dev->pos, "interface model '%s'",
                                modern_str_or(net->model, type));
    int n = x->modern->nnet++;
    vc_buf host;
    vc_buf_init(&host);
    if (!modern_netdev(x, dev, &host)) {
        vc_buf_free(&host);
        return false;
    }
    vc_buf_printf(&host, ",id=hostnet%d", n);
    qemu_arg2_take(x, "-netdev", vc_buf_steal(&host));
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,netdev=hostnet%d,id=net%d", type, n, n);
    if (net->mac)
        vc_buf_printf(&b, ",mac=%s", net->mac);
    int bi = x->modern->bootindex[modern_devidx(x, dev)];
    if (bi && modern_has_prop(x, type, "bootindex"))
        vc_buf_printf(&b, ",bootindex=%d", bi);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

/* ---- character devices --------------------------------------------------------------- */

/* -chardev BACKEND,id=ID,... */
static bool modern_chardev(qemu_ctx *x, const ir_device *dev, const char *id)
{
    const ir_chr *c = &dev->u.chr;
    const char *what = ir_chr_kind_name(c->kind);
    vc_buf b;
    vc_buf_init(&b);
    bool ok = true;
    bool listen = vc_streq(c->mode, "bind");
    switch (c->type) {
    case IR_CHR_PTY:
    case IR_CHR_NULL:
    case IR_CHR_VC:
        vc_buf_printf(&b, "%s,id=%s", ir_chr_type_name(c->type), id);
        break;
    case IR_CHR_STDIO:
        vc_buf_printf(&b, "stdio,id=%s", id);
        break;
    case IR_CHR_FILE:
    case IR_CHR_PIPE:
    case IR_CHR_DEV:
        if (!c->path) {
            ok = qemu_error(x, dev->pos, "%s of type '%s' needs a source path", what,
                            ir_chr_type_name(c->type));
            break;
        }
        vc_buf_printf(&b, "%s,id=%s",
                      c->type != IR_CHR_DEV ? ir_chr_type_name(c->type)
                      : c->kind == IR_CHRDEV_PARALLEL ? "parallel" : "serial", id);
        modern_opt(&b, "path", c->path);
        qemu_resource_add(x, c->path, c->type == IR_CHR_DEV ? QEMU_RES_CHARDEV : QEMU_RES_FILE,
                          false);
        break;
    case IR_CHR_TCP:
        if (c->protocol && strcmp(c->protocol, "raw") != 0 && strcmp(c->protocol, "telnet") != 0) {
            ok = qemu_unsupported(x, dev->pos, "%s protocol '%s'", what, c->protocol);
            break;
        }
        if (!c->service) {
            ok = qemu_error(x, dev->pos, "%s of type 'tcp' needs a source service (port)", what);
            break;
        }
        vc_buf_printf(&b, "socket,id=%s", id);
        modern_opt(&b, "host", modern_str_or(c->host, listen ? "0.0.0.0" : "127.0.0.1"));
        modern_opt(&b, "port", c->service);
        if (vc_streq(c->protocol, "telnet"))
            vc_buf_puts(&b, ",telnet=on");
        if (listen)
            vc_buf_puts(&b, ",server=on,wait=off");
        break;
    case IR_CHR_UDP:
        if (!c->service) {
            ok = qemu_error(x, dev->pos, "%s of type 'udp' needs a connect service (port)", what);
            break;
        }
        vc_buf_printf(&b, "udp,id=%s", id);
        modern_opt(&b, "host", modern_str_or(c->host, "127.0.0.1"));
        modern_opt(&b, "port", c->service);
        if (c->bind_host)
            modern_opt(&b, "localaddr", c->bind_host);
        if (c->bind_service)
            modern_opt(&b, "localport", c->bind_service);
        break;
    case IR_CHR_UNIX: {
        /* A channel without a path gets libvirt's per-domain one. */
        char *path = c->path ? vc_xstrdup(c->path)
                     : vc_xasprintf("/var/lib/libvirt/qemu/channel/target/domain-%d-%s/%s",
                                    x->dom->id, modern_str_or(x->dom->name, "unnamed"),
                                    modern_str_or(c->target_name, id));
        if (!c->path)
            listen = true;
        vc_buf_printf(&b, "socket,id=%s", id);
        modern_opt(&b, "path", path);
        if (listen)
            vc_buf_puts(&b, ",server=on,wait=off");
        qemu_resource_add(x, path, QEMU_RES_SOCKET, false);
        free(path);
        break;
    }
    default:
        ok = qemu_unsupported(x, dev->pos, "%s of type '%s'", what,
                              modern_str_or(ir_chr_type_name(c->type), "?"));
    }
    if (ok)
        qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    else
        vc_buf_free(&b);
    return ok;
}

static bool modern_serial_emit(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    const char *tt = c->target_type;
    int n = x->modern->nserial++;
    const char *type = "isa-serial";
    if (tt && strcmp(tt, "isa-serial") != 0 && strcmp(tt, "serial") != 0) {
        if (strcmp(tt, "pci-serial") == 0)
            type = "pci-serial";
        else if (strcmp(tt, "usb-serial") == 0)
            type = "usb-serial";
        else
            return qemu_unsupported(x, dev->pos, "serial target '%s'", tt);
    }
    if (!modern_need_device(x, dev->pos, type))
        return false;
    int port = c->target_port >= 0 && c->kind == IR_CHRDEV_SERIAL ? c->target_port : n;
    if (strcmp(type, "isa-serial") == 0 && port > 3)
        return qemu_unsupported(x, dev->pos, "ISA serial port %d (a PC has 0 to 3)", port);
    char *id = vc_xasprintf("charserial%d", n);
    if (!modern_chardev(x, dev, id)) {
        free(id);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,chardev=%s,id=serial%d", type, id, n);
    free(id);
    if (strcmp(type, "isa-serial") == 0 && modern_has_prop(x, type, "index"))
        vc_buf_printf(&b, ",index=%d", port);
    if (strcmp(type, "usb-serial") == 0)
        vc_buf_puts(&b, ",bus=usb.0");
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

static bool modern_console_is_serial(const ir_chr *c)
{
    return !c->target_type || strcmp(c->target_type, "serial") == 0;
}

static bool modern_virtio_port(qemu_ctx *x, const ir_device *dev, const char *type,
                               const char *idprefix, int n)
{
    const ir_chr *c = &dev->u.chr;
    if (!modern_need_device(x, dev->pos, type))
        return false;
    char *id = vc_xasprintf("char%s%d", idprefix, n);
    if (!modern_chardev(x, dev, id)) {
        free(id);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    unsigned ctl = c->addr.type == IR_ADDR_VIRTIO_SERIAL ? c->addr.controller : 0;
    vc_buf_printf(&b, "%s,bus=virtio-serial%u.0", type, ctl);
    if (c->addr.type == IR_ADDR_VIRTIO_SERIAL && c->addr.has_port)
        vc_buf_printf(&b, ",nr=%u", c->addr.port);
    vc_buf_printf(&b, ",chardev=%s,id=%s%d", id, idprefix, n);
    free(id);
    if (c->target_name)
        modern_opt(&b, "name", c->target_name);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

static bool modern_chr(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    switch (c->kind) {
    case IR_CHRDEV_SERIAL:
        return modern_serial_emit(x, dev);
    case IR_CHRDEV_PARALLEL: {
        if (!modern_need_device(x, dev->pos, "isa-parallel"))
            return false;
        int n = x->modern->nparallel++;
        char *id = vc_xasprintf("charparallel%d", n);
        bool ok = modern_chardev(x, dev, id);
        if (ok)
            qemu_arg2_take(x, "-device",
                           vc_xasprintf("isa-parallel,chardev=%s,id=parallel%d", id, n));
        free(id);
        return ok;
    }
    case IR_CHRDEV_CONSOLE: {
        int n = x->modern->nconsole++;
        if (modern_console_is_serial(c)) {
            /* The first one repeats the first serial port, or stands for it. */
            if (n == 0 && qemu_count_devices(x, IR_DEV_CHR, IR_CHRDEV_SERIAL) > 0)
                return true;
            if (n == 0)
                return modern_serial_emit(x, dev);
            return qemu_unsupported(x, dev->pos, "a second serial console");
        }
        if (vc_streq(c->target_type, "virtio"))
            return modern_virtio_port(x, dev, "virtconsole", "console", n);
        return qemu_unsupported(x, dev->pos, "console target '%s'", c->target_type);
    }
    case IR_CHRDEV_CHANNEL:
        if (vc_streq(c->target_type, "virtio"))
            return modern_virtio_port(x, dev, "virtserialport", "channel",
                                      x->modern->nchannel++);
        return qemu_unsupported(x, dev->pos, "channel target '%s'",
                                modern_str_or(c->target_type, "?"));
    default:
        return qemu_unsupported(x, dev->pos, "character device");
    }
}

/* ---- input, audio, graphics, video, sound ---------------------------------------------- */

/* Whether a device sits on the USB bus. */
static bool modern_on_usb(const ir_device *d)
{
    switch (d->kind) {
    case IR_DEV_DISK: return modern_disk_bus(&d->u.disk) == IR_BUS_USB;
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
    int mi = modern_usb_model(c && c->model ? c->model : modern_usb_default(x));
    return mi >= 0 ? modern_usb_models[mi].ports : 0;
}

static bool modern_usb_needed(qemu_ctx *x, const ir_device *dev, const char *what)
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
static void modern_usb_opts(const ir_address *a, vc_buf *b)
{
    if (a->type == IR_ADDR_USB) {
        char *id = modern_usb_id((int)a->bus);
        vc_buf_printf(b, ",bus=%s.0", id);
        free(id);
        if (a->usb_port)
            modern_opt(b, "port", a->usb_port);
    } else {
        vc_buf_puts(b, ",bus=usb.0");
    }
}

static bool modern_input(qemu_ctx *x, const ir_device *dev)
{
    const ir_input *in = &dev->u.input;
    const char *bus = modern_str_or(in->bus, "ps2");
    /* The PC's PS/2 mouse and keyboard exist without being asked. */
    if (strcmp(bus, "ps2") == 0 && (vc_streq(in->type, "mouse") || vc_streq(in->type, "keyboard")))
        return true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_input_models); i++) {
        if (!vc_streq(in->type, modern_input_models[i].type) ||
            strcmp(bus, modern_input_models[i].bus) != 0)
            continue;
        const char *type = modern_input_models[i].device;
        if (!modern_need_device(x, dev->pos, type))
            return false;
        bool usb = strcmp(bus, "usb") == 0;
        if (usb && !modern_usb_needed(x, dev, type))
            return false;
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "%s,id=input%d", type, x->modern->ninput++);
        if (usb)
            modern_usb_opts(&in->addr, &b);
        else
            modern_dev_pci(x, dev, &b);
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
        return true;
    }
    return qemu_unsupported(x, dev->pos, "input device '%s' on bus '%s'",
                            modern_str_or(in->type, "?"), bus);
}

/* One audio backend, "none": sound devices and VNC refer to it. */
static bool modern_audiodev(qemu_ctx *x)
{
    if (!qemu_has(x, QEMU_CAP_AUDIODEV))
        return qemu_count_devices(x, IR_DEV_SOUND, -1) == 0 ||
               qemu_unsupported(x, x->dom->pos, "sound without -audiodev");
    qemu_arg2(x, "-audiodev", "id=audio1,driver=none");
    return true;
}

static bool modern_vnc(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    vc_buf b;
    vc_buf_init(&b);
    if (g->socket) {
        vc_buf_puts(&b, "vnc=unix:");
        qemu_opt_escape(&b, g->socket);
        qemu_resource_add(x, g->socket, QEMU_RES_SOCKET, false);
    } else {
        int display = 0;
        if (g->autoport != IR_TRI_YES && g->port > 0) {
            if (g->port < 5900) {
                vc_buf_free(&b);
                return qemu_error(x, dev->pos, "VNC port %d is below 5900 (display 0)",
                                  g->port);
            }
            display = g->port - 5900;
        }
        const char *listen = g->listen ? g->listen
                             : x->opts->vnc_listen ? x->opts->vnc_listen : "127.0.0.1";
        /* An IPv6 address is bracketed so that its colons are not the display's. */
        if (strchr(listen, ':'))
            vc_buf_printf(&b, "[%s]:%d", listen, display);
        else
            vc_buf_printf(&b, "%s:%d", listen, display);
    }
    if (g->passwd) {
        /* The password never goes on a command line (any user can read it
         * there); it is set over the monitor once QEMU runs. */
        vc_buf_puts(&b, ",password=on");
        qemu_warn(x, dev->pos, "the VNC password is not on the command line; set it over "
                  "QMP (set_password) before starting the guest");
    }
    if (qemu_has(x, QEMU_CAP_AUDIODEV))
        vc_buf_puts(&b, ",audiodev=audio1");
    qemu_arg2_take(x, "-vnc", vc_buf_steal(&b));
    if (g->keymap)
        qemu_arg2(x, "-k", g->keymap);
    return true;
}

static bool modern_sdl(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    if (g->xauth) {
        qemu_env(x, "XAUTHORITY", g->xauth);
        qemu_resource_add(x, g->xauth, QEMU_RES_FILE, true);
    }
    if (g->display)
        qemu_env(x, "DISPLAY", g->display);
    qemu_arg2(x, "-display", "sdl");
    if (g->fullscreen == IR_TRI_YES)
        qemu_arg(x, "-full-screen");
    if (g->keymap)
        qemu_arg2(x, "-k", g->keymap);
    return true;
}

static bool modern_spice(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    if (!qemu_caps_has_option(x->caps, "spice"))
        return qemu_unsupported(x, dev->pos, "graphics type 'spice'");
    vc_buf b;
    vc_buf_init(&b);
    if (g->socket) {
        vc_buf_puts(&b, "unix=on");
        modern_opt(&b, "addr", g->socket);
        qemu_resource_add(x, g->socket, QEMU_RES_SOCKET, false);
    } else {
        vc_buf_printf(&b, "port=%d", g->autoport != IR_TRI_YES && g->port > 0 ? g->port : 5900);
        modern_opt(&b, "addr", g->listen ? g->listen
                               : x->opts->vnc_listen ? x->opts->vnc_listen : "127.0.0.1");
    }
    if (g->passwd)
        qemu_warn(x, dev->pos, "the SPICE password is not on the command line; set it over "
                  "QMP (set_password) before starting the guest");
    else
        vc_buf_puts(&b, ",disable-ticketing=on");
    vc_buf_puts(&b, ",seamless-migration=on");
    qemu_arg2_take(x, "-spice", vc_buf_steal(&b));
    return true;
}

static bool modern_graphics(qemu_ctx *x, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    switch (g->type) {
    case IR_GFX_VNC:
        return modern_vnc(x, dev);
    case IR_GFX_SDL:
        return modern_sdl(x, dev);
    case IR_GFX_SPICE:
        return modern_spice(x, dev);
    default:
        return qemu_unsupported(x, dev->pos, "graphics type '%s'",
                                modern_str_or(ir_graphics_type_name(g->type), "?"));
    }
}

static int modern_video_model(const char *model)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_video_models); i++)
        if (vc_streq(model, modern_video_models[i].model))
            return (int)i;
    return -1;
}

/* A video adapter; dev NULL is the one a display gets by default. */
static bool modern_video_emit(qemu_ctx *x, const ir_device *dev, const modern_slot *s)
{
    ir_pos pos = dev ? dev->pos : x->dom->pos;
    const ir_video *v = dev ? &dev->u.video : NULL;
    const char *model = v && v->model ? v->model : "cirrus";
    if (strcmp(model, "none") == 0)
        return true;
    int mi = modern_video_model(model);
    if (mi < 0)
        return qemu_unsupported(x, pos, "video model '%s'", model);
    bool primary = !dev || modern_is_primary_video(x, dev);
    const char *type = primary ? modern_video_models[mi].primary
                               : modern_video_models[mi].secondary;
    if (!type)
        return qemu_unsupported(x, pos, "video model '%s' as a secondary adapter", model);
    if (!modern_need_device(x, pos, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=video%d", type, x->modern->nvideo++);
    const char *vp = modern_video_models[mi].vram_prop;
    if (v && v->vram && vp && modern_has_prop(x, type, vp)) {
        /* VGA memory is a power of two of MiB, 1 to 256. */
        unsigned long long mb = 1;
        while (mb < v->vram / 1024 && mb < 256)
            mb *= 2;
        vc_buf_printf(&b, ",%s=%llu", vp, mb);
    }
    if (v && v->vram && strncmp(type, "qxl", 3) == 0 && modern_has_prop(x, type, "vram_size"))
        vc_buf_printf(&b, ",vram_size=%llu", v->vram * 1024);
    if (v && v->heads > 0 && modern_has_prop(x, type, "max_outputs"))
        vc_buf_printf(&b, ",max_outputs=%d", v->heads);
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

static bool modern_video(qemu_ctx *x, const ir_device *dev)
{
    return modern_video_emit(x, dev, modern_slot_of(x, dev));
}

static bool modern_video_none(qemu_ctx *x)
{
    if (qemu_count_devices(x, IR_DEV_GRAPHICS, -1) == 0 ||
        qemu_count_devices(x, IR_DEV_VIDEO, -1) > 0)
        return true;
    return modern_video_emit(x, NULL, modern_slot_imp(x, MODERN_IMP_VIDEO, 0));
}

/* The primary adapter comes first: QEMU's firmware takes the first VGA. */
static bool modern_videos(qemu_ctx *x)
{
    bool ok = true;
    if (x->modern->primary_video >= 0)
        ok = modern_video(x, &x->dom->devices[x->modern->primary_video]);
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_VIDEO && !modern_is_primary_video(x, d))
            ok = modern_video(x, d) && ok;
    }
    return modern_video_none(x) && ok;
}

static bool modern_sound(qemu_ctx *x, const ir_device *dev)
{
    const char *model = modern_str_or(dev->u.sound.model, "?");
    bool pci = false, hda = false;
    const char *type = modern_sound_type(model, &pci, &hda);
    int n = x->modern->nsound++;
    if (strcmp(model, "pcspk") == 0) {
        /* The PC speaker is the machine's; it only needs a backend. */
        qemu_arg2(x, "-global", "isa-pcspk.audiodev=audio1");
        return true;
    }
    if (!type)
        return qemu_unsupported(x, dev->pos, "sound model '%s'", model);
    if (!modern_need_device(x, dev->pos, type))
        return false;
    if (strcmp(type, "usb-audio") == 0 && !modern_usb_needed(x, dev, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=sound%d", type, n);
    if (modern_has_prop(x, type, "audiodev") || strcmp(type, "usb-audio") == 0)
        vc_buf_puts(&b, ",audiodev=audio1");
    if (pci)
        modern_dev_pci(x, dev, &b);
    else if (strcmp(type, "usb-audio") == 0)
        vc_buf_puts(&b, ",bus=usb.0");
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    if (hda) {
        if (!modern_need_device(x, dev->pos, "hda-duplex"))
            return false;
        qemu_arg2_take(x, "-device", vc_xasprintf("hda-duplex,id=sound%d-codec0,bus=sound%d.0,"
                                                  "cad=0,audiodev=audio1", n, n));
    }
    return true;
}

/* ---- host devices ------------------------------------------------------------------------ */

static bool modern_hostdev_usb(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_hostdev *h = &dev->u.hostdev;
    if (!modern_need_device(x, dev->pos, "usb-host") || !modern_usb_needed(x, dev, "usb-host"))
        return false;
    vc_buf_puts(b, "usb-host");
    if (h->vendor || h->product) {
        unsigned long long vendor, product;
        if (!vc_parse_ull(h->vendor, 16, &vendor) || vendor > 0xffff ||
            !vc_parse_ull(h->product, 16, &product) || product > 0xffff)
            return qemu_error(x, dev->pos, "USB host device needs a vendor and a product id "
                              "of 16 bits (got '%s', '%s')", modern_str_or(h->vendor, ""),
                              modern_str_or(h->product, ""));
        vc_buf_printf(b, ",vendorid=0x%.4llx,productid=0x%.4llx", vendor, product);
        char *id = vc_xasprintf("%.4llx:%.4llx", vendor, product);
        qemu_resource_add(x, id, QEMU_RES_USB_ID, false);
        free(id);
    } else if (h->has_usb_addr) {
        vc_buf_printf(b, ",hostbus=%u,hostaddr=%u", h->usb_bus, h->usb_device);
        char *node = vc_xasprintf("/dev/bus/usb/%03u/%03u", h->usb_bus, h->usb_device);
        qemu_resource_add(x, node, QEMU_RES_USB, false);
        free(node);
    } else {
        return qemu_error(x, dev->pos, "USB host device needs a vendor/product or a "
                          "bus/device address");
    }
    vc_buf_printf(b, ",id=hostdev%d", x->modern->nhostdev++);
    modern_usb_opts(&h->addr, b);
    return true;
}

static bool modern_hostdev_pci(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_hostdev *h = &dev->u.hostdev;
    const ir_address *a = &h->source_addr;
    if (h->driver_name && strcmp(h->driver_name, "vfio") != 0)
        return qemu_unsupported(x, dev->pos, "PCI assignment driver '%s'", h->driver_name);
    if (!modern_need_device(x, dev->pos, "vfio-pci"))
        return false;
    if (a->domain > 0xffff || a->bus > 0xff || a->slot > 0x1f || a->function > 7)
        return qemu_error(x, dev->pos, "PCI address %x:%x:%x.%x is out of range", a->domain,
                          a->bus, a->slot, a->function);
    char *sys = vc_xasprintf("%.4x:%.2x:%.2x.%x", a->domain, a->bus, a->slot, a->function);
    vc_buf_printf(b, "vfio-pci,host=%s,id=hostdev%d", sys, x->modern->nhostdev++);
    qemu_resource_add(x, sys, QEMU_RES_PCI, false);
    qemu_resource_add(x, "/dev/vfio/vfio", QEMU_RES_CHARDEV, false);
    free(sys);
    modern_dev_pci(x, dev, b);
    return true;
}

static bool modern_hostdev(qemu_ctx *x, const ir_device *dev)
{
    const ir_hostdev *h = &dev->u.hostdev;
    if (h->mode && strcmp(h->mode, "subsystem") != 0)
        return qemu_unsupported(x, dev->pos, "host device mode '%s'", h->mode);
    vc_buf b;
    vc_buf_init(&b);
    bool ok;
    const char *type = "usb-host";
    switch (h->type) {
    case IR_HOSTDEV_USB:
        ok = modern_hostdev_usb(x, dev, &b);
        break;
    case IR_HOSTDEV_PCI:
        type = "vfio-pci";
        ok = modern_hostdev_pci(x, dev, &b);
        break;
    default:
        ok = qemu_unsupported(x, dev->pos, "host device type '%s'",
                              modern_str_or(ir_hostdev_type_name(h->type), "?"));
    }
    int bi = x->modern->bootindex[modern_devidx(x, dev)];
    if (ok && bi && modern_has_prop(x, type, "bootindex"))
        vc_buf_printf(&b, ",bootindex=%d", bi);
    if (ok)
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    else
        vc_buf_free(&b);
    return ok;
}

/* ---- watchdog, balloon, rng ------------------------------------------------------------ */

static bool modern_watchdog(qemu_ctx *x, const ir_device *dev)
{
    const ir_watchdog *w = &dev->u.watchdog;
    const char *model = modern_str_or(w->model, "?");
    bool ok = true;
    if (strcmp(model, "i6300esb") == 0 || strcmp(model, "ib700") == 0) {
        if (!modern_need_device(x, dev->pos, model))
            return false;
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "%s,id=watchdog0", model);
        modern_dev_pci(x, dev, &b);
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    } else if (strcmp(model, "itco") == 0) {
        if (!x->modern->q35)
            return qemu_unsupported(x, dev->pos, "watchdog 'itco' on machine '%s'",
                                    modern_str_or(x->modern->machine, "?"));
        qemu_arg2(x, "-global", "ICH9-LPC.noreboot=off");
    } else {
        return qemu_unsupported(x, dev->pos, "watchdog '%s'", model);
    }
    if (w->action) {
        const char *act = w->action;
        if (strcmp(act, "dump") == 0) {
            qemu_warn(x, dev->pos, "watchdog action 'dump' needs a management tool; the "
                      "guest is paused instead");
            act = "pause";
        }
        bool known = false;
        for (size_t i = 0; i < VC_ARRAY_SIZE(modern_watchdog_actions); i++)
            known = known || strcmp(act, modern_watchdog_actions[i]) == 0;
        if (!known)
            ok = qemu_unsupported(x, dev->pos, "watchdog action '%s'", act);
        else
            qemu_arg2(x, "-watchdog-action", act);
    }
    return ok;
}

static bool modern_balloon_emit(qemu_ctx *x, const ir_device *dev, const modern_slot *s)
{
    if (!modern_need_device(x, dev ? dev->pos : x->dom->pos, "virtio-balloon-pci"))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "virtio-balloon-pci,id=balloon0");
    modern_pci_opts(x, s, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

static bool modern_memballoon(qemu_ctx *x, const ir_device *dev)
{
    const char *model = dev->u.memballoon.model;
    if (!model || strcmp(model, "none") == 0)
        return true;
    if (strcmp(model, "virtio") != 0)
        return qemu_unsupported(x, dev->pos, "memory balloon '%s'", model);
    return modern_balloon_emit(x, dev, modern_slot_of(x, dev));
}

/* libvirt gives a guest without <memballoon> a virtio one. */
static bool modern_memballoon_none(qemu_ctx *x)
{
    const modern_slot *s = modern_slot_imp(x, MODERN_IMP_BALLOON, 0);
    return !s || modern_balloon_emit(x, NULL, s);
}

static bool modern_rng(qemu_ctx *x, const ir_device *dev)
{
    const ir_rng *r = &dev->u.rng;
    if (r->model && strcmp(r->model, "virtio") != 0)
        return qemu_unsupported(x, dev->pos, "rng model '%s'", r->model);
    if (!modern_need_device(x, dev->pos, "virtio-rng-pci"))
        return false;
    int n = x->modern->nrng++;
    const char *backend = modern_str_or(r->backend_model, "random");
    vc_buf b;
    vc_buf_init(&b);
    if (strcmp(backend, "random") == 0) {
        const char *path = modern_str_or(r->backend_path, "/dev/urandom");
        vc_buf_printf(&b, "rng-random,id=objrng%d", n);
        modern_opt(&b, "filename", path);
        qemu_resource_add(x, path, QEMU_RES_CHARDEV, true);
    } else if (strcmp(backend, "builtin") == 0) {
        vc_buf_printf(&b, "rng-builtin,id=objrng%d", n);
    } else {
        vc_buf_free(&b);
        return qemu_unsupported(x, dev->pos, "rng backend '%s'", backend);
    }
    qemu_arg2_take(x, "-object", vc_buf_steal(&b));
    vc_buf_init(&b);
    vc_buf_printf(&b, "virtio-rng-pci,rng=objrng%d,id=rng%d", n, n);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

/* ---- the rest ------------------------------------------------------------------------------ */

static bool modern_other(qemu_ctx *x, const ir_device *dev)
{
    char *name = modern_fragment_name(dev->u.other.xml);
    qemu_warn(x, dev->pos, "device <%s> is not modelled; not converted", name);
    free(name);
    return true;
}

static bool modern_extra(qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->extra.n; i++) {
        char *name = modern_fragment_name(x->dom->extra.v[i].xml);
        qemu_warn(x, x->dom->extra.v[i].pos, "element <%s> is not modelled; not converted",
                  name);
        free(name);
    }
    return true;
}

static bool modern_sandbox(qemu_ctx *x)
{
    if (qemu_has(x, QEMU_CAP_SANDBOX))
        qemu_arg2(x, "-sandbox",
                  "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    if (qemu_caps_has_option(x->caps, "msg"))
        qemu_arg2(x, "-msg", "timestamp=on");
    return true;
}

static bool modern_env_name_ok(const char *s)
{
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Passed through as written: arguments at the end, variables after ours. */
static bool modern_qemu_cmdline(qemu_ctx *x)
{
    const ir_qemu_cmdline *q = x->dom->qemu_cmdline;
    if (!q)
        return true;
    bool ok = true;
    for (size_t i = 0; i < q->nenv; i++) {
        if (!modern_env_name_ok(q->env[i].name))
            ok = qemu_error(x, q->pos, "qemu:env name '%s' is not a valid variable name",
                            modern_str_or(q->env[i].name, ""));
        else
            qemu_env(x, q->env[i].name, modern_str_or(q->env[i].value, ""));
    }
    for (size_t i = 0; i < q->nargs; i++)
        qemu_arg(x, q->args[i]);
    return ok;
}

/* ---- the tables -------------------------------------------------------------------------- */

const qemu_dev_fn qemu_modern_dev[IR_DEV_LAST] = {
    [IR_DEV_DISK] = modern_disk,
    [IR_DEV_CONTROLLER] = modern_controller,
    [IR_DEV_FILESYSTEM] = modern_filesystem,
    [IR_DEV_INTERFACE] = modern_interface,
    [IR_DEV_CHR] = modern_chr,
    [IR_DEV_INPUT] = modern_input,
    [IR_DEV_GRAPHICS] = modern_graphics,
    [IR_DEV_SOUND] = modern_sound,
    [IR_DEV_VIDEO] = modern_video,      /* run by modern_videos: primary first */
    [IR_DEV_HOSTDEV] = modern_hostdev,
    [IR_DEV_WATCHDOG] = modern_watchdog,
    [IR_DEV_MEMBALLOON] = modern_memballoon,
    [IR_DEV_RNG] = modern_rng,
    [IR_DEV_OTHER] = modern_other,
};

#define SEC(fn) { fn, 0, -1, NULL }
#define DEV(kind, none) { NULL, kind, -1, none }
#define CHR(which, none) { NULL, IR_DEV_CHR, which, none }

const qemu_section qemu_modern_sections[] = {
    SEC(modern_prepare),
    SEC(modern_emulator),
    SEC(modern_name),
    SEC(modern_machine),
    SEC(modern_cpu),
    SEC(modern_memory),
    SEC(modern_smp),
    SEC(modern_uuid),
    SEC(modern_monitor),
    SEC(modern_clock),
    SEC(modern_lifecycle),
    SEC(modern_features),
    SEC(modern_boot),
    SEC(modern_controllers_pre),
    DEV(IR_DEV_CONTROLLER, NULL),
    SEC(modern_controllers_implicit),
    SEC(modern_fdc),
    DEV(IR_DEV_DISK, NULL),
    DEV(IR_DEV_FILESYSTEM, NULL),
    DEV(IR_DEV_INTERFACE, NULL),
    CHR(IR_CHRDEV_SERIAL, NULL),
    CHR(IR_CHRDEV_PARALLEL, NULL),
    CHR(IR_CHRDEV_CONSOLE, NULL),
    CHR(IR_CHRDEV_CHANNEL, NULL),
    DEV(IR_DEV_INPUT, NULL),
    SEC(modern_audiodev),
    DEV(IR_DEV_GRAPHICS, NULL),
    SEC(modern_videos),
    DEV(IR_DEV_SOUND, NULL),
    DEV(IR_DEV_HOSTDEV, NULL),
    DEV(IR_DEV_WATCHDOG, NULL),
    DEV(IR_DEV_MEMBALLOON, modern_memballoon_none),
    DEV(IR_DEV_RNG, NULL),
    DEV(IR_DEV_OTHER, NULL),
    SEC(modern_extra),
    SEC(modern_sandbox),
    SEC(modern_qemu_cmdline),
};

const size_t qemu_modern_nsections = VC_ARRAY_SIZE(qemu_modern_sections);
