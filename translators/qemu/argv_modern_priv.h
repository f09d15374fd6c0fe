/*
 * argv_modern_priv.h: what the files of the -device generation share.
 *
 * The generation runs in two phases, and calls run one way only
 * (tests/check-qemu-layers.sh fails `make check` on a cycle):
 *
 *   argv_modern.c          the section list and the domain-wide options
 *        |  calls
 *        v
 *   emission               one file per device family, each reading the IR
 *                          and the placement and appending arguments:
 *                          argv_modern_ctl.c (controllers), _disk.c (disks),
 *                          _net.c, _chr.c, _devices.c (filesystems, input,
 *                          audio, graphics, video, sound, host devices,
 *                          watchdog, balloon, rng); _storage.c is the block-
 *                          node layer below disks and SCSI host devices
 *        |
 *        v
 *   argv_modern_place.c    placement: machine, PCI slots and functions,
 *                          implicit controllers, boot indexes, block node
 *                          names, USB ports, all decided before anything
 *                          is written, kept in struct qemu_modern
 *        |
 *        v
 *   argv_modern_base.c     lookups and device-model tables both phases read
 */
#ifndef VIRTC_QEMU_ARGV_MODERN_PRIV_H
#define VIRTC_QEMU_ARGV_MODERN_PRIV_H

#include "argv_priv.h"

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
    MODERN_IMP_BRIDGE,        /* a pci-bridge added (i440fx), index = its bus */
} modern_implicit;

/* What a bus of an i440fx machine is, for the devices placed on it. */
typedef enum modern_bus_kind {
    MODERN_BUS_NONE = 0,      /* no such bus (yet) */
    MODERN_BUS_ROOT,          /* pci.0: slots 1..31 */
    MODERN_BUS_BRIDGE,        /* a pci-bridge of the document: slots 1..31 */
    MODERN_BUS_ADDED,         /* a pci-bridge placement added */
    MODERN_BUS_OTHER,         /* another model of the document: no device is
                               * placed there unless its address says so */
} modern_bus_kind;

typedef struct modern_slot {
    const ir_device *dev;     /* NULL for an implicit device */
    modern_implicit imp;
    int index;                /* controller index of an implicit controller */
    bool fixed;               /* placed by the document or the machine */
    unsigned bus, slot, fn;
    bool multifunction;
} modern_slot;

/* A RAM backend placement chose: guest RAM, a NUMA cell's, a memory
 * device's. */
typedef struct modern_ram {
    const char *type;         /* "memory-backend-ram|file|memfd"; NULL: none */
    char *mem_path;           /* file: the file, or the hugetlbfs directory */
    bool hugetlb_dir;         /* mem_path is a directory (hugepages) */
    int share;                /* 1: share=on, -1: share=off, 0: unsaid */
    unsigned long long hugetlb_kib;  /* memfd on hugepages of this size */
    bool prealloc, reserve_off, pmem, discard;
    unsigned long long kib, align_kib;
    char *host_nodes;         /* host NUMA nodes, "1-2,5,7"; NULL: any */
    const char *policy;       /* "bind", "preferred", "interleave" */
    unsigned prealloc_threads;   /* <allocation threads=>; 0: QEMU's one thread */
} modern_ram;

typedef struct modern_cell {
    unsigned id;
    char *cpus;               /* "0-1,4" */
    modern_ram ram;
    char *mem_access;         /* the cell's memAccess; NULL: unsaid */
} modern_cell;

typedef struct modern_memdev {
    unsigned slot;            /* dimm, nvdimm: the slot (given or the first free) */
    unsigned alias;           /* dimmN / nvdimmN: the slot; virtio: per model */
    modern_ram ram;
} modern_memdev;

/* One image below a disk (its <backingStore> chain), as a disk of its own
 * for the block layer: kind DISK, read-only; xml is the <backingStore>
 * element (its <source> and <format> read as a disk's). */
typedef struct modern_backing {
    ir_device dev;
    int node;                 /* libvirt-NODE-storage / -format */
} modern_backing;

typedef struct modern_chain {
    modern_backing *v;        /* from the image right below the disk's down */
    size_t n;
    bool closed;              /* an empty <backingStore/> ends it: nothing below */
} modern_chain;

/* The firmware placement chose from the host's descriptors (<os
 * firmware='efi'> without a <loader> path). */
typedef struct modern_firmware {
    char *code;               /* the executable: pflash0, read-only; NULL: none chosen */
    char *nvram;              /* the guest's variables: pflash1; NULL: stateless */
    char *nvram_template;     /* what a new NVRAM file is copied from */
    bool smm;                 /* "requires-smm": -machine smm=on, secure flash */
    bool secure;              /* "secure-boot" */
    char *descriptor;         /* the descriptor chosen, for messages */
} modern_firmware;

/* <launchSecurity type='sev'> as placement read it. */
typedef struct modern_sev {
    bool on;                  /* -machine confidential-guest-support=lsec0 */
    unsigned long long cbitpos, reduced_phys_bits, policy;
    char *dh_cert, *session;  /* base64 texts; NULL: none */
    bool kernel_hashes;
} modern_sev;

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
    unsigned *doc_rp;         /* the document's pcie-root-ports (their buses) */
    size_t ndoc_rp, doc_rp_next;
    bool bus_busy[256];       /* a device sits on this bus (a root port's) */
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
    int nbackend;             /* block nodes of SCSI host devices, after the disks' */
    int ntpm;
    int primary_video;        /* device index of the primary video; -1 none */
    const ir_device *devices0; /* the document's devices (slot_ix is per device) */
    int *ctl_index;           /* per device: a controller's index (libvirt's
                               * numbering when the document gives none) */
    size_t *ctls, nctls;      /* the devices that are controllers */
    size_t *slot_ix;          /* per device: its position in slots + 1; 0 none */
    unsigned *usb_ord;        /* per device on the USB bus: 1, 2, ... */
    unsigned usb_ports;       /* ports of USB bus 0; 0 when unknown */
    unsigned char fnmask[256 * 32]; /* functions taken per bus*32+slot (placed slots) */
    unsigned long long ram_kib;  /* -m size: memory less the memory devices */
    modern_ram pc_ram;        /* all RAM in one backend (no NUMA cells) */
    modern_cell *cells;       /* guest NUMA cells */
    size_t ncells;
    modern_memdev *memdevs;   /* per device (memory devices only) */
    size_t nmemdevs;          /* entries of memdevs (the devices) */
    bool nvdimm;              /* -machine nvdimm=on */
    int pflash;               /* -machine pflash0= (1), and pflash1= (2) */
    bool hv_crash;            /* a Hyper-V panic notifier: -cpu ...,hv-crash */
    bool irqchip_split;       /* an IOMMU remaps interrupts: kernel_irqchip=split */
    unsigned default_audio;   /* the backend sound devices and displays use
                               * when they name none; 0: no backend */
    const char *implicit_audio; /* the backend's driver when the document has
                                 * no <audio> (libvirt's default); NULL: none */
    int nredir, nsmartcard;   /* ids of redirected USB devices, smartcards */
    char *redir_filter;       /* usb-redir filter= of <redirfilter>; NULL: none */
    bool ccid_implicit;       /* smartcards without a ccid controller: usb-ccid ccid0 */
    bool numa_mem_legacy;     /* cells as -numa node,mem=MiB (old machine types,
                               * plain RAM): no backends */
    bool mem_prealloc;        /* -mem-prealloc: preallocation without backends */
    int *serial_port;         /* per device: a serial port's number (its target
                               * port, else the lowest one left); -1 others */
    modern_chain *chains;     /* per device: a disk's backing images */
    size_t nchains;
    modern_firmware fw;
    modern_sev sev;
    size_t pr_managed_first;  /* device index + 1 of the first disk whose
                               * persistent reservations go through the
                               * helper the host manages; 0: none */
    /* i440fx: the PCI buses (pci.0, the document's bridges, the ones added
     * as libvirt adds them when the slots run out) */
    unsigned char bus_kind[256];  /* modern_bus_kind per bus index */
    unsigned nbuses;          /* buses pci.0 .. pci.<nbuses - 1> */
    unsigned bus_cursor;      /* no bus below it has a free slot left */
    bool plan_dry;            /* the first pass: counts the bridges needed */
    bool pci_full;            /* 256 buses were not enough (reported once) */
};

struct _xmlNode;

/* ---- argv_modern_base.c: lookups and tables every phase uses --------------- */

size_t modern_devidx(const qemu_ctx *x, const ir_device *dev);
/* A located error unless the capabilities know the device type. */
bool modern_need_device(qemu_ctx *x, ir_pos pos, const char *type);
bool modern_has_prop(const qemu_ctx *x, const char *type, const char *prop);
const ir_controller *modern_find_controller(const qemu_ctx *x, const char *type, int index);
int modern_ctl_index(const qemu_ctx *x, const ir_controller *c);
bool modern_is_x86(const qemu_ctx *x);
/* What the model leaves in a device's verbatim copy (dev->xml, kept when
 * the element holds more than the fields cover): attribute attr of the
 * element at path below the device element ("source/auth"; "" is the
 * device element; the first child of each name), NULL when absent; and
 * whether that element is there. */
char *modern_xml_attr(const ir_device *dev, const char *path, const char *attr);
/* XML kept verbatim, parsed (xmlFreeDoc it); NULL when unreadable. */
struct _xmlDoc *modern_xml_parse(const char *xml);
/* A top-level element kept verbatim (dom->extra) by name, NULL when none;
 * the text it holds (allocated, NULL when empty or unreadable). */
const ir_fragment *modern_extra_find(const qemu_ctx *x, const char *name);
char *modern_fragment_text(const ir_fragment *f);
/* Attribute attr of the element at path below a fragment's root. */
char *modern_fragment_attr(const ir_fragment *f, const char *path, const char *attr);
bool modern_xml_has(const ir_device *dev, const char *path);
/* The text (attr NULL) or an attribute of the element at path in dev->xml. */
char *modern_xml_value(const ir_device *dev, const char *path, const char *attr);
/* Whether an image of this format can have a backing file (the
 * copy-on-write formats). */
bool modern_format_has_backing(const char *fmt);
/* The base type whose properties a virtio flavour (-transitional,
 * -non-transitional) has; other types are their own. */
const char *modern_virtio_base(const char *type);
/* The -device properties of argv_props.c the element says, for type. */
bool modern_device_props(qemu_ctx *x, const ir_device *dev, const char *type, vc_buf *b);
/* Whether the capabilities were probed from this host's binary (they then
 * describe this host), not read from a named profile. */
bool modern_caps_are_probed(const qemu_ctx *x);
/* The domain's NVRAM file as the document names it (allocated); NULL: none. */
char *modern_nvram_path(const qemu_ctx *x);
void modern_firmware_clear(modern_firmware *f);

/* USB controller models; a companion shares its EHCI's bus and slot. */
typedef enum modern_usb_role {
    MODERN_USB_ALONE = 0,
    MODERN_USB_EHCI,          /* function 7 of the shared slot */
    MODERN_USB_UHCI,          /* function `fn` of the shared slot, port `fn`*2 */
} modern_usb_role;

typedef struct modern_usb_model {
    const char *model;
    const char *type;
    modern_usb_role role;
    unsigned fn;
    unsigned ports;           /* ports a USB 1/2 device can take */
} modern_usb_model;

extern const modern_usb_model modern_usb_models[];
/* The row of a model in modern_usb_models; -1 when unknown. */
int modern_usb_model_index(const char *model);
/* The model a USB controller without one gets (libvirt's defaults). */
const char *modern_usb_default(const qemu_ctx *x);
/* Whether SCSI controller N addresses channels, targets and LUNs. */
bool modern_scsi_ctl_luns(const qemu_ctx *x, unsigned controller);
/* The name a device type is written by on the command line: its alias
 * where libvirt writes that ("lsi", "ahci"), else the type itself. */
const char *modern_written_type(const char *type);
/* Whether a host path is a CD-ROM drive (host_cdrom rather than
 * host_device for a block disk). */
bool modern_host_is_cdrom(const char *path);
/* "usb" for USB controller 0, "usbN" for the others (allocated). */
char *modern_usb_id(int index);
/* The QEMU device of a SCSI controller model (NULL: the default); NULL
 * when unknown. */
const char *modern_scsi_type(const char *model);
/* ",bus=usb.0[,port=P]" of a USB device. */
void modern_usb_opts(const ir_address *a, vc_buf *b);
/* A PCI controller model past the root that has a QEMU device (it takes a
 * slot of its own). */
bool modern_pci_model_known(const char *model);
/* Such a model: its QEMU device (type; alt: the other <model name=> it
 * takes, NULL: none) and the <target> numbers that device has. */
enum {
    MODERN_TGT_CHASSIS_NR = 1, MODERN_TGT_CHASSIS = 2, MODERN_TGT_PORT = 4,
    MODERN_TGT_HOTPLUG = 8, MODERN_TGT_BUS_NR = 16, MODERN_TGT_NODE = 32
};
/* The machines a model's device plugs into (PCIe ones need q35's pcie.0). */
typedef enum { MODERN_ON_ANY, MODERN_ON_PC, MODERN_ON_Q35 } modern_pci_machine;
typedef struct modern_pci_model_def {
    const char *model, *type, *alt;
    unsigned target;
    modern_pci_machine machine;
} modern_pci_model_def;
/* NULL when unknown. */
const modern_pci_model_def *modern_pci_model(const char *model);
/* The QEMU device of a sound model, whether it is PCI and carries an HDA
 * codec; NULL when unknown. */
const char *modern_sound_type(const char *model, bool *pci, bool *hda);

/* ",iommu_platform=on,packed=off,..." from the device's <driver> virtio
 * options, each where the device type has the property. */
void modern_virtio_opts(qemu_ctx *x, const ir_device *dev, const char *type, vc_buf *b);
/* A virtio switch of the device's <driver> ("iommu", "ats", "packed",
 * "page_per_vq"): "on", "off" or NULL; from the model's fields for disks
 * and NICs, from the element for the other kinds. Free it. */
char *modern_virtio_attr(const ir_device *dev, const char *attr);

/* The QEMU type of a virtio PCI device by libvirt's model: base for
 * 'virtio' (or none), base-transitional, base-non-transitional; NULL for
 * another model. */
const char *modern_virtio_type(const char *base, const char *model);

typedef struct modern_drive_addr {
    unsigned controller, bus, target, unit;
} modern_drive_addr;

/* libvirt's drive address of a disk (the document's, or its numbering of
 * the target name); false when the name has no number. */
bool modern_drive_addr_of(const ir_disk *disk, ir_disk_bus bus, modern_drive_addr *a);

/* ---- argv_modern_place.c: placement ------------------------------------------ */

/* The placement pass (the first section): allocates x->modern and decides
 * every address; later sections only read it. */
bool modern_place(qemu_ctx *x);
bool modern_is_primary_video(const qemu_ctx *x, const ir_device *dev);
modern_slot *modern_slot_of(const qemu_ctx *x, const ir_device *dev);
modern_slot *modern_slot_imp(const qemu_ctx *x, modern_implicit imp, int index);
/* ",bus=...,addr=..." of a planned slot (nothing for NULL), of a device. */
void modern_pci_opts(const qemu_ctx *x, const modern_slot *s, vc_buf *b);
void modern_dev_pci(const qemu_ctx *x, const ir_device *dev, vc_buf *b);
/* The id of the audio backend a sound device or display uses (its
 * <audio id=> or the default); 0 when there is no backend. */
unsigned modern_audio_id(const qemu_ctx *x, const ir_device *dev);
/* A USB device needs a controller that is not 'none' and a free port
 * (placement counted the ports; this reports what it found). */
bool modern_usb_needed(qemu_ctx *x, const ir_device *dev, const char *what);

/* argv_modern_chain.c (placement of the images below disks): reads each
 * disk's <backingStore> chain and numbers the block nodes of the disks
 * has_node marks (per device) and of their chains into x->modern->node
 * and ->chains. */
bool modern_place_chains(qemu_ctx *x, const bool *has_node);
/* The <host name= port= transport= socket=/> children of a <source>
 * element (an xmlNodePtr) into d->hosts. */
void modern_xml_hosts(struct _xmlNode *src, ir_disk *d);

/* argv_modern_firmware.c (placement): the firmware descriptor that fits an
 * <os firmware='efi'> without a loader, into x->modern->fw. */
bool modern_place_firmware(qemu_ctx *x);
/* <launchSecurity>, into x->modern->sev. */
bool modern_place_launch_security(qemu_ctx *x);

/* ---- emission: one entry a device family ---------------------------------------- */

/* argv_modern_ctl.c: controllers (PCI buses first, then implicit ones) */
bool modern_controller(qemu_ctx *x, const ir_device *dev);
bool modern_controllers_pre(qemu_ctx *x);
bool modern_controllers_implicit(qemu_ctx *x);

/* argv_modern_storage.c (the block-node layer under disks and SCSI host
 * devices): the storage node of a network, 'dir' (vvfat) or 'nvme' disk
 * into b (the secrets an <auth> needs go before it), and LUKS encryption:
 * its checks, then its secret and the format node's options (returns the
 * format node's driver). */
bool modern_disk_network(qemu_ctx *x, const ir_device *dev, const char *storage, vc_buf *b);
bool modern_disk_dir(qemu_ctx *x, const ir_device *dev, vc_buf *b);
bool modern_disk_nvme(qemu_ctx *x, const ir_device *dev, vc_buf *b);
/* The -blockdev of a SCSI host device (a local adapter's /dev/sgN, or an
 * iSCSI LUN), node "libvirt-NODE-backend". */
bool modern_hostdev_scsi_backend(qemu_ctx *x, const ir_device *dev, int node);
bool modern_disk_encryption_ok(qemu_ctx *x, const ir_device *dev);
const char *modern_disk_encryption(qemu_ctx *x, const ir_device *dev, const char *fmt,
                                   int node, vc_buf *opts);

/* argv_modern_disk.c */
bool modern_disk(qemu_ctx *x, const ir_device *dev);
bool modern_fdc(qemu_ctx *x);

/* argv_modern_net.c, argv_modern_chr.c */
bool modern_interface(qemu_ctx *x, const ir_device *dev);
bool modern_chr(qemu_ctx *x, const ir_device *dev);
bool modern_redirdev(qemu_ctx *x, const ir_device *dev);
bool modern_smartcard(qemu_ctx *x, const ir_device *dev);

/* argv_modern_memory.c */
bool modern_mem_locked(const qemu_ctx *x);
bool modern_numa_hmat(const qemu_ctx *x);
bool modern_ram_whole(qemu_ctx *x);
bool modern_numa(qemu_ctx *x);
bool modern_memory_dev(qemu_ctx *x, const ir_device *dev);
bool modern_iothreads(qemu_ctx *x);

/* argv_modern_platform.c */
/* The pflash pair (or the one stateless image) of the chosen firmware. */
bool modern_firmware_pflash(qemu_ctx *x);
/* A pflash image as -blockdev file + raw nodes "libvirt-pflashN-storage/
 * -format", which -machine pflashN= names. */
void modern_pflash_nodes(qemu_ctx *x, int unit, const char *path, bool ro);
/* <nvram type='network'>: the variables on a network block device, as
 * pflash1's nodes (with the secret its <auth> needs). -1: an error was
 * reported; 0: the NVRAM is not a network one; 1: written. */
int modern_nvram_network(qemu_ctx *x);
/* The launch security object (-object sev-guest,id=lsec0). */
bool modern_launch_security(qemu_ctx *x);
bool modern_iommu_intel(qemu_ctx *x);
bool modern_iommu(qemu_ctx *x, const ir_device *dev);
bool modern_tpm(qemu_ctx *x, const ir_device *dev);
bool modern_panic(qemu_ctx *x, const ir_device *dev);
bool modern_genid(qemu_ctx *x);
/* ,hv-... for <features><hyperv> (false: an error was reported) and
 * ,kvm... for <features><kvm>, appended to the -cpu value in b. */
bool modern_cpu_hyperv(qemu_ctx *x, vc_buf *b);
void modern_cpu_kvm(qemu_ctx *x, vc_buf *b);
/* -accel's value for <kvm><dirty-ring>, or NULL (argv_modern_platform.c). */
char *modern_accel_kvm(qemu_ctx *x);
char *modern_accel_tcg(qemu_ctx *x);
bool modern_vsock(qemu_ctx *x, const ir_device *dev);

/* argv_modern_devices.c */
bool modern_filesystem(qemu_ctx *x, const ir_device *dev);
bool modern_input(qemu_ctx *x, const ir_device *dev);
bool modern_audio(qemu_ctx *x, const ir_device *dev);
bool modern_audio_implicit(qemu_ctx *x);
bool modern_graphics(qemu_ctx *x, const ir_device *dev);
bool modern_video(qemu_ctx *x, const ir_device *dev);
bool modern_videos(qemu_ctx *x);
bool modern_sound(qemu_ctx *x, const ir_device *dev);
bool modern_hostdev(qemu_ctx *x, const ir_device *dev);
bool modern_watchdog(qemu_ctx *x, const ir_device *dev);
bool modern_memballoon(qemu_ctx *x, const ir_device *dev);
bool modern_memballoon_none(qemu_ctx *x);
bool modern_rng(qemu_ctx *x, const ir_device *dev);
/* Elements the model keeps verbatim: warned about, except the ones
 * placement read (<redirfilter>). */
bool modern_other(qemu_ctx *x, const ir_device *dev);

/* argv_modern_base.c: whether the document's <qemu:commandline> gives an
 * option opt ("-object") whose id is id (key=value or JSON; NULL: any
 * such option). The reader keeps there, whole, what has properties the
 * model has no place for while the model keeps what it is (an I/O thread,
 * the accelerator): virtc then writes none of its own, as QEMU refuses
 * a second object of one id and takes the first -accel. */
bool modern_passthrough_defines(const ir_domain *dom, const char *opt, const char *id);
/* The id of a device's -device: its user alias (<alias name='ua-NAME'>)
 * when it has one (dev may be NULL: a device virtc adds), else numbered,
 * the id virtc would give it (taken). The
 * backends' ids derive from it as libvirt's do (char+ID, host+ID,
 * drive-ID), so a user alias names the same objects in every conversion. */
char *modern_dev_id(const ir_device *dev, char *numbered);
/* Appends that id: the user alias, else PREFIXn. */
void modern_put_dev_id(vc_buf *b, const ir_device *dev, const char *prefix, int n);

#endif
