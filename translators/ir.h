/*
 * ir.h: the intermediate model of a domain.
 *
 * Plain C data: no libxml2, bison or json type appears here. Front ends
 * (XML, native formats) produce an ir_domain, back ends (XML formatter,
 * qemu-argv, xen) consume one, and no back end calls another.
 *
 * Conventions:
 *  - Strings are owned, NUL-terminated, NULL when absent.
 *  - Enumerations whose values are names in the XML have a name table in
 *    ir.c (ir_<enum>_name / ir_<enum>_from_name); value 0 is always "absent"
 *    so that a zeroed struct means "not given".
 *  - Tristates (yes/no/absent) use ir_tristate.
 *  - Every element that a later phase may want to complain about carries
 *    its source position (ir_pos) so errors point at the input.
 *  - What the model does not cover yet is not dropped: unmodelled top-level
 *    elements and devices are kept as verbatim XML (ir_fragment) and the
 *    formatter writes them back; emitters warn about them.
 */
#ifndef VIRTC_IR_H
#define VIRTC_IR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ir_pos {
    int line;
    int column;
} ir_pos;

typedef enum ir_tristate {
    IR_TRI_ABSENT = 0,
    IR_TRI_YES,
    IR_TRI_NO,
} ir_tristate;

/* A piece of XML kept verbatim (metadata, unmodelled elements). */
typedef struct ir_fragment {
    char *xml;          /* serialized element, without trailing newline */
    ir_pos pos;
} ir_fragment;

typedef struct ir_fragments {
    ir_fragment *v;
    size_t n, cap;
} ir_fragments;

/* ---- enumerations (name tables in ir.c) ---------------------------- */

typedef enum ir_virt_type {
    IR_VIRT_NONE = 0,
    IR_VIRT_QEMU, IR_VIRT_KQEMU, IR_VIRT_KVM, IR_VIRT_XEN, IR_VIRT_LXC,
    IR_VIRT_UML, IR_VIRT_OPENVZ, IR_VIRT_TEST, IR_VIRT_VMWARE, IR_VIRT_HYPERV,
    IR_VIRT_VBOX, IR_VIRT_PHYP, IR_VIRT_VZ, IR_VIRT_BHYVE, IR_VIRT_LAST
} ir_virt_type;

typedef enum ir_lifecycle {
    IR_LIFE_NONE = 0,
    IR_LIFE_DESTROY, IR_LIFE_RESTART, IR_LIFE_PRESERVE, IR_LIFE_RENAME_RESTART,
    IR_LIFE_COREDUMP_DESTROY, IR_LIFE_COREDUMP_RESTART, IR_LIFE_LAST
} ir_lifecycle;

typedef enum ir_boot_dev {
    IR_BOOT_NONE = 0,
    IR_BOOT_FD, IR_BOOT_HD, IR_BOOT_CDROM, IR_BOOT_NETWORK, IR_BOOT_LAST
} ir_boot_dev;

typedef enum ir_clock_offset {
    IR_CLOCK_NONE = 0,
    IR_CLOCK_UTC, IR_CLOCK_LOCALTIME, IR_CLOCK_TIMEZONE, IR_CLOCK_VARIABLE,
    IR_CLOCK_ABSOLUTE, IR_CLOCK_LAST
} ir_clock_offset;

typedef enum ir_disk_type {
    IR_DISK_TYPE_NONE = 0,
    IR_DISK_TYPE_FILE, IR_DISK_TYPE_BLOCK, IR_DISK_TYPE_DIR, IR_DISK_TYPE_NETWORK,
    IR_DISK_TYPE_VOLUME, IR_DISK_TYPE_NVME, IR_DISK_TYPE_VHOSTUSER, IR_DISK_TYPE_LAST
} ir_disk_type;

typedef enum ir_disk_device {
    IR_DISK_DEV_NONE = 0,
    IR_DISK_DEV_DISK, IR_DISK_DEV_CDROM, IR_DISK_DEV_FLOPPY, IR_DISK_DEV_LUN,
    IR_DISK_DEV_LAST
} ir_disk_device;

typedef enum ir_disk_bus {
    IR_BUS_NONE = 0,
    IR_BUS_IDE, IR_BUS_FDC, IR_BUS_SCSI, IR_BUS_VIRTIO, IR_BUS_XEN, IR_BUS_USB,
    IR_BUS_UML, IR_BUS_SATA, IR_BUS_SD, IR_BUS_LAST
} ir_disk_bus;

typedef enum ir_net_type {
    IR_NET_NONE = 0,
    IR_NET_USER, IR_NET_NETWORK, IR_NET_BRIDGE, IR_NET_ETHERNET, IR_NET_MCAST,
    IR_NET_SERVER, IR_NET_CLIENT, IR_NET_UDP, IR_NET_DIRECT, IR_NET_HOSTDEV,
    IR_NET_VHOSTUSER, IR_NET_VDPA, IR_NET_NULL, IR_NET_VDS, IR_NET_LAST
} ir_net_type;

typedef enum ir_chr_type {
    IR_CHR_NONE = 0,
    IR_CHR_PTY, IR_CHR_FILE, IR_CHR_NULL, IR_CHR_STDIO, IR_CHR_PIPE, IR_CHR_TCP,
    IR_CHR_UDP, IR_CHR_UNIX, IR_CHR_DEV, IR_CHR_VC, IR_CHR_SPICEVMC,
    IR_CHR_SPICEPORT, IR_CHR_NMDM, IR_CHR_QEMU_VDAGENT, IR_CHR_DBUS, IR_CHR_LAST
} ir_chr_type;

typedef enum ir_chr_kind {     /* which element: <serial>, <parallel>, ... */
    IR_CHRDEV_SERIAL = 0,
    IR_CHRDEV_PARALLEL, IR_CHRDEV_CONSOLE, IR_CHRDEV_CHANNEL, IR_CHRDEV_LAST
} ir_chr_kind;

typedef enum ir_graphics_type {
    IR_GFX_NONE = 0,
    IR_GFX_SDL, IR_GFX_VNC, IR_GFX_RDP, IR_GFX_DESKTOP, IR_GFX_SPICE,
    IR_GFX_EGL_HEADLESS, IR_GFX_DBUS, IR_GFX_LAST
} ir_graphics_type;

typedef enum ir_hostdev_type {
    IR_HOSTDEV_NONE = 0,
    IR_HOSTDEV_PCI, IR_HOSTDEV_USB, IR_HOSTDEV_SCSI, IR_HOSTDEV_SCSI_HOST,
    IR_HOSTDEV_MDEV,
    /* mode='capabilities': a host block device, character device or network
     * interface handed to a container (libvirt's LXC driver runs them; its
     * QEMU and Xen drivers do not) */
    IR_HOSTDEV_STORAGE, IR_HOSTDEV_MISC, IR_HOSTDEV_NET,
    IR_HOSTDEV_LAST
} ir_hostdev_type;

/* The device elements, in the order libvirt's formatter writes them. */
typedef enum ir_device_kind {
    IR_DEV_DISK = 0,
    IR_DEV_CONTROLLER,
    IR_DEV_FILESYSTEM,
    IR_DEV_INTERFACE,
    IR_DEV_CHR,          /* serial, parallel, console, channel (see ir_chr_kind) */
    IR_DEV_INPUT,
    IR_DEV_GRAPHICS,
    IR_DEV_SOUND,
    IR_DEV_VIDEO,
    IR_DEV_HOSTDEV,
    IR_DEV_WATCHDOG,
    IR_DEV_MEMBALLOON,
    IR_DEV_RNG,
    IR_DEV_OTHER,        /* an element the model does not cover: kept verbatim */
    /* added for the QEMU 7.2 device families; their lowering keeps the
     * element as written in ir_device.xml too (the fields hold what the
     * emitters read, not every attribute libvirt knows) */
    IR_DEV_AUDIO,        /* <audio>: an audio backend */
    IR_DEV_TPM,
    IR_DEV_MEMORY,       /* <memory model=...>: a memory device */
    IR_DEV_IOMMU,
    IR_DEV_VSOCK,
    IR_DEV_PANIC,
    IR_DEV_SMARTCARD,
    IR_DEV_REDIRDEV,
    IR_DEV_LAST
} ir_device_kind;

/* ---- device address (libvirt's <address>) --------------------------- */

typedef enum ir_addr_type {
    IR_ADDR_NONE = 0,
    IR_ADDR_PCI, IR_ADDR_DRIVE, IR_ADDR_VIRTIO_SERIAL, IR_ADDR_CCID, IR_ADDR_USB,
    IR_ADDR_SPAPR_VIO, IR_ADDR_CCW, IR_ADDR_VIRTIO_MMIO, IR_ADDR_ISA,
    IR_ADDR_DIMM, IR_ADDR_UNASSIGNED, IR_ADDR_LAST
} ir_addr_type;

typedef struct ir_address {
    ir_addr_type type;
    /* pci */
    unsigned domain, bus, slot, function;
    ir_tristate multifunction;
    /* drive, virtio-serial, ccid */
    unsigned controller, target, unit;   /* also drive's bus (in 'bus') */
    unsigned port;                       /* virtio-serial port, isa iobase */
    char *usb_port;                      /* usb: "1.2" */
    bool has_bus, has_slot, has_function, has_port;
    ir_pos pos;
} ir_address;

/* ---- devices --------------------------------------------------------- */

typedef struct ir_secret_ref {
    char *type;       /* "passphrase", "ceph", "iscsi", ... */
    char *uuid;
    char *usage;
} ir_secret_ref;

typedef struct ir_encryption {
    char *format;     /* "default", "qcow", "luks" */
    ir_secret_ref *secrets;
    size_t nsecrets;
    ir_pos pos;
} ir_encryption;

typedef struct ir_host {      /* a network host: <host name= port= transport=/> */
    char *name;
    char *port;
    char *transport;
    char *socket;
} ir_host;

/* The virtio transport switches of a device's <driver iommu= ats= packed=
 * page_per_vq=> (on/off; absent: QEMU's default). */
typedef struct ir_virtio_opts {
    ir_tristate iommu, ats, packed, page_per_vq;
} ir_virtio_opts;

typedef struct ir_disk {
    ir_disk_type type;
    ir_disk_device device;
    char *driver_name;        /* "qemu", "tap", "file", "phy" */
    char *driver_type;        /* "raw", "qcow2", "aio", ... */
    char *driver_cache;       /* "none", "writethrough", "writeback", "default", ... */
    char *driver_io;
    char *source;             /* file / dev / dir path, or network name */
    char *source_protocol;    /* network disks: "nbd", "iscsi", "http", ... */
    ir_host *hosts;
    size_t nhosts;
    char *target_dev;         /* "hda", "vdb", ... */
    ir_disk_bus target_bus;   /* NONE: derived from target_dev by the consumer */
    bool readonly;
    bool shareable;
    bool transient;
    char *serial;
    int boot_order;           /* <boot order=N/>; 0 when absent */
    ir_encryption *encryption;
    ir_address addr;
    /* added for the command-line reader (issue 9): settings a native
     * form carries that the verbatim copy alone could say before */
    char *driver_error_policy;   /* <driver error_policy=>: "stop", "report", "ignore", "enospace" */
    char *driver_rerror_policy;  /* <driver rerror_policy=> */
    char *source_snapshot;       /* network <source><snapshot name=> (rbd) */
    char *source_config;         /* network <source><config file=> (rbd) */
    char *auth_username;         /* <auth username=>; NULL: no <auth> */
    ir_secret_ref auth_secret;   /* its <secret type= uuid=|usage=> */
    bool auth_in_source;         /* written inside <source> (libvirt's later place) */
    ir_virtio_opts virtio;       /* <driver iommu= ats= packed= page_per_vq=> */
} ir_disk;

typedef struct ir_controller {
    char *type;               /* "ide", "scsi", "usb", "pci", "virtio-serial", ... */
    int index;                /* -1 when absent */
    char *model;
    ir_address addr;
    /* added for the command-line reader (issue 9): a PCI controller's
     * <model name=> (the QEMU device, e.g. "ioh3420" for a pcie-root-port)
     * and <target chassisNr= chassis= port= busNr= index= hotplug=>
     * <node>N</node>, which the 7.2 emitter writes when given and derives
     * when absent, as libvirt does; a number is -1 when absent. */
    char *model_name;
    int chassis_nr, chassis, port, bus_nr, target_index, node;
    ir_tristate hotplug;
    /* a USB companion's <master startport=>, its first port on the EHCI's
     * bus (QEMU's firstport); -1 when absent */
    int startport;
} ir_controller;

typedef struct ir_filesystem {
    char *type;               /* "mount", ... */
    char *accessmode;
    char *source;
    char *target;
    bool readonly;
    ir_address addr;
} ir_filesystem;

typedef struct ir_net {
    ir_net_type type;
    char *mac;                /* canonical lowercase "aa:bb:cc:dd:ee:ff" */
    char *source_network;     /* type=network */
    char *source_bridge;      /* type=bridge */
    char *source_dev;         /* type=direct, ethernet */
    char *source_mode;        /* type=direct */
    char *source_address;     /* mcast/server/client/udp */
    char *source_port;
    char *local_address;      /* udp <local/> */
    char *local_port;
    char *target_dev;
    char *script;
    char *model;              /* "virtio", "e1000", "ne2k_pci", ... */
    char *driver_name;        /* "qemu", "vhost" */
    char *ip_address;         /* <ip address=/> (xen) */
    int boot_order;
    ir_address addr;
    ir_virtio_opts virtio;    /* <driver iommu= ats= packed= page_per_vq=> */
} ir_net;

typedef struct ir_chr {
    ir_chr_kind kind;
    ir_chr_type type;
    char *path;               /* file, pipe, dev, unix, pty: source path */
    char *mode;               /* tcp/unix: "bind" / "connect" */
    char *host;               /* tcp/udp connect host */
    char *service;            /* tcp/udp connect port */
    char *bind_host;          /* udp bind */
    char *bind_service;
    char *protocol;           /* tcp: "raw" / "telnet" / "telnets" / "tls" */
    char *tty;                /* legacy <console tty='/dev/pts/5'/> */
    char *target_type;        /* console: "serial", "virtio", "xen"; channel: "virtio", "guestfwd" */
    char *target_name;        /* channel virtio name */
    char *target_address;     /* guestfwd */
    char *target_port_str;    /* guestfwd port */
    int target_port;          /* -1 when absent */
    ir_address addr;
} ir_chr;

typedef struct ir_input {
    char *type;               /* "mouse", "tablet", "keyboard", "passthrough", "evdev" */
    char *bus;                /* "ps2", "usb", "xen", "virtio" */
    ir_address addr;
} ir_input;

typedef struct ir_graphics {
    ir_graphics_type type;
    int port;                 /* -1 = autoport (the seed's port='-1'), 0 = absent */
    ir_tristate autoport;
    char *listen;
    char *keymap;
    char *passwd;
    char *display;            /* sdl */
    char *xauth;              /* sdl */
    ir_tristate fullscreen;   /* sdl */
    char *socket;             /* vnc over a unix socket */
    char *share_policy;       /* vnc sharePolicy= */
    int websocket;            /* vnc websocket= port, -1 = auto; 0 when absent */
    unsigned audio_id;        /* <audio id='N'/>: the backend it plays on; 0 when absent */
    ir_tristate gl;           /* <gl enable=>: OpenGL (spice, dbus) */
    char *gl_rendernode;      /* <gl rendernode=>: the host's DRM render node */
    ir_tristate p2p;          /* dbus p2p=: peer to peer, no bus */
    char *bus_address;        /* dbus address=: the bus to join */
    char *passwd_valid_to;    /* passwdValidTo=, as written (xsd:dateTime) */
} ir_graphics;

typedef struct ir_sound {
    char *model;              /* "sb16", "es1370", "pcspk", "ac97", "ich6", ... */
    ir_address addr;
    unsigned audio_id;        /* <audio id='N'/>: the backend it plays on; 0 when absent */
} ir_sound;

typedef struct ir_video {
    char *model;              /* "vga", "cirrus", "vmvga", "xen", "qxl", "virtio", "none" */
    unsigned long long vram;  /* KiB, 0 when absent */
    int heads;                /* 0 when absent */
    bool primary;
    ir_address addr;
    ir_tristate accel3d;      /* <model><acceleration accel3d=> */
    ir_tristate accel2d;      /* <acceleration accel2d=> */
    char *rendernode;         /* <acceleration rendernode=>: a vhost-user GPU's render node */
} ir_video;

typedef struct ir_hostdev {
    ir_hostdev_type type;
    char *mode;               /* "subsystem" or "capabilities" (storage, misc, net) */
    ir_tristate managed;
    /* usb: by vendor/product or by bus/device */
    char *vendor;             /* "0x1234" as written */
    char *product;
    unsigned usb_bus, usb_device;
    bool has_usb_addr;
    /* pci: the host address (source) */
    ir_address source_addr;
    char *driver_name;        /* "vfio", "kvm", "xen" */
    /* capabilities: <block> (storage) or <char> (misc) path, <interface>
     * name (net) */
    char *caps_source;
    int boot_order;
    ir_address addr;          /* guest address */
} ir_hostdev;

typedef struct ir_watchdog {
    char *model;              /* "i6300esb", "ib700", "diag288", "itco" */
    char *action;
    ir_address addr;
} ir_watchdog;

typedef struct ir_memballoon {
    char *model;              /* "virtio", "xen", "none" */
    ir_address addr;
} ir_memballoon;

typedef struct ir_rng {
    char *model;              /* "virtio" */
    char *backend_model;      /* "random", "egd", "builtin" */
    char *backend_path;       /* /dev/urandom */
    ir_address addr;
} ir_rng;

/* One direction of an audio backend (<input>/<output>); 0 / NULL: absent. */
typedef struct ir_audio_io {
    ir_tristate mixing_engine;
    ir_tristate fixed_settings;
    unsigned voices;
    unsigned buffer_length;   /* microseconds */
    char *dev;                /* alsa, oss: the host device */
    unsigned frequency;       /* <settings frequency=> */
    unsigned channels;
    char *format;             /* "s16", "f32", ... */
    char *name;               /* pulseaudio sink/source; jack port pattern */
    char *stream_name;        /* pulseaudio */
    unsigned latency;         /* pulseaudio, pipewire */
    char *client_name;        /* jack */
    char *connect_ports;      /* jack */
    ir_tristate exact_name;   /* jack */
    ir_tristate try_poll;     /* oss */
    unsigned buffer_count;    /* oss, coreaudio, sdl */
    bool given;               /* the element was written */
    char *server_name;        /* jack: serverName= */
} ir_audio_io;

typedef struct ir_audio {
    unsigned id;              /* id='N', 1-based; 0 when absent */
    char *type;               /* "none", "alsa", "coreaudio", "jack", "oss",
                               * "pulseaudio", "sdl", "spice", "file", "dbus",
                               * "pipewire" */
    unsigned timer_period;    /* microseconds; 0 when absent */
    char *path;               /* file: the wav file */
    char *server_name;        /* pulseaudio, jack: <audio serverName=> */
    char *runtime_dir;        /* pipewire */
    char *driver;             /* sdl: driver= (SDL's own audio driver) */
    ir_audio_io in, out;
    ir_tristate try_mmap;     /* oss: tryMMap= */
    ir_tristate exclusive;    /* oss */
    unsigned dsp_policy;      /* oss: dspPolicy= */
    bool has_dsp_policy;
} ir_audio;

typedef struct ir_tpm {
    char *model;              /* "tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy" */
    char *backend_type;       /* "passthrough", "emulator", "external" */
    char *backend_version;    /* "1.2", "2.0" */
    char *device_path;        /* passthrough: <device path=> (default /dev/tpm0) */
    char *source_path;        /* external: the emulator's socket */
    ir_tristate persistent_state;
    bool encrypted;           /* emulator: <encryption secret=> given */
    ir_address addr;
} ir_tpm;

typedef struct ir_memory_dev {
    char *model;              /* "dimm", "nvdimm", "virtio-mem", "virtio-pmem", "sgx-epc" */
    char *access;             /* "shared", "private" */
    ir_tristate discard;
    char *source_path;        /* nvdimm, virtio-pmem: the backing file */
    unsigned long long pagesize_kib;   /* <source><pagesize>; 0 when absent */
    char *nodemask;           /* <source><nodemask> */
    unsigned long long alignsize_kib;
    ir_tristate pmem;         /* <source><pmem/> */
    unsigned long long size_kib;       /* <target><size> */
    int node;                 /* <target><node>; -1 when absent */
    unsigned long long label_kib;      /* nvdimm <label><size> */
    unsigned long long block_kib;      /* virtio-mem <block> */
    unsigned long long requested_kib;  /* virtio-mem <requested> */
    bool readonly;            /* nvdimm <target><readonly/> */
    ir_address addr;          /* dimm: type='dimm' slot= base= */
    unsigned long long dimm_base;      /* <address base=> */
    bool has_dimm_base;
} ir_memory_dev;

typedef struct ir_iommu {
    char *model;              /* "intel", "smmuv3", "virtio" */
    ir_tristate intremap, caching_mode, eim, iotlb;
    unsigned aw_bits;         /* 0 when absent */
    ir_address addr;
} ir_iommu;

typedef struct ir_vsock {
    char *model;              /* "virtio", "virtio-transitional", ... */
    ir_tristate auto_cid;
    unsigned cid;             /* 0 when absent */
    ir_address addr;
} ir_vsock;

typedef struct ir_panic {
    char *model;              /* "isa", "pseries", "hyperv", "s390", "pvpanic" */
    ir_address addr;          /* isa: iobase in addr.port */
} ir_panic;

typedef struct ir_smartcard {
    char *mode;               /* "host", "host-certificates", "passthrough" */
    char **certificates;      /* host-certificates: three names */
    size_t ncertificates;
    char *database;           /* host-certificates: <database> */
    ir_chr_type type;         /* passthrough: the character device */
    char *host, *service;     /* passthrough tcp source */
    ir_address addr;          /* ccid: controller, slot */
} ir_smartcard;

typedef struct ir_redirdev {
    char *bus;                /* "usb" */
    ir_chr_type type;         /* "spicevmc", "tcp" */
    char *host, *service;     /* tcp source */
    int boot_order;
    ir_address addr;
} ir_redirdev;

typedef struct ir_device {
    ir_device_kind kind;
    ir_pos pos;               /* the device element */
    union {
        ir_disk disk;
        ir_controller controller;
        ir_filesystem fs;
        ir_net net;
        ir_chr chr;
        ir_input input;
        ir_graphics graphics;
        ir_sound sound;
        ir_video video;
        ir_hostdev hostdev;
        ir_watchdog watchdog;
        ir_memballoon memballoon;
        ir_rng rng;
        ir_fragment other;
        ir_audio audio;
        ir_tpm tpm;
        ir_memory_dev memory;
        ir_iommu iommu;
        ir_vsock vsock;
        ir_panic panic;
        ir_smartcard smartcard;
        ir_redirdev redirdev;
    } u;
    /* The whole element as written, when it holds more than the model covers
     * (an attribute or child the fields above have no place for); NULL
     * otherwise. The fields are still filled; the formatter writes this. */
    char *xml;
    /* <alias name='ua-NAME'/>: a user alias, the only alias an inactive
     * definition keeps (libvirt's rule: it starts with "ua-"); the 7.2
     * emitter writes it as the device's id and derives its backend's id
     * from it, so what names the device by id (-set device.ID, QMP) stays
     * exact. NULL when none. */
    char *alias;
} ir_device;

/* ---- the domain ------------------------------------------------------ */

typedef struct ir_os {
    char *type;               /* "hvm", "linux", "xen", "exe" */
    char *arch;               /* "i686", "x86_64", ... */
    char *machine;            /* "pc", "pc-i440fx-7.2", "xenpv", ... */
    char *loader;
    char *loader_readonly;    /* "yes"/"no" as written */
    char *loader_type;        /* "rom", "pflash" */
    char *nvram;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *dtb;
    char *init;               /* containers */
    ir_boot_dev boot[IR_BOOT_LAST];   /* boot devices in order */
    size_t nboot;
    ir_tristate bootmenu;
    ir_pos pos;
} ir_os;

/* A child of <features><hyperv> or <features><kvm>:
 * <NAME state='on|off' [ATTR='VALUE']/>, e.g. <spinlocks state='on'
 * retries='4095'/>, <vendor_id state='on' value='KVM Hv'/>. */
typedef struct ir_subfeature {
    char *name;
    char *state;
    char *attr;               /* "retries", "value"; NULL when none */
    char *value;
    struct ir_subfeature *kids;   /* <stimer><direct state=/>: its own children */
    size_t nkids;
} ir_subfeature;

typedef struct ir_feature {
    char *name;               /* "pae", "acpi", "apic", "hap", ... */
    char *state;              /* state='on'/'off' when written, else NULL */
    ir_subfeature *subs;      /* hyperv, kvm: their children, in document order */
    size_t nsubs;
    char *mode;               /* hyperv mode= ("custom", "passthrough") */
} ir_feature;

typedef struct ir_clock {
    ir_clock_offset offset;
    bool legacy_sync;         /* written as <clock sync=.../> (2007 form) */
    char *timezone;           /* offset='timezone' */
    char *adjustment;         /* offset='variable' */
    char *basis;              /* offset='variable' */
    char *start;              /* offset='absolute': seconds since the epoch, as written */
    ir_pos pos;               /* the <clock> element; 0:0 when absent */
    ir_fragments timers;      /* <timer> elements, verbatim */
} ir_clock;

typedef struct ir_qemu_env {
    char *name;
    char *value;
} ir_qemu_env;

/* <qemu:commandline>: passed through to the QEMU command line. */
typedef struct ir_qemu_cmdline {
    char **args;
    size_t nargs, capargs;
    ir_qemu_env *env;
    size_t nenv, capenv;
    ir_pos pos;
} ir_qemu_cmdline;

typedef struct ir_cpu_topology {
    unsigned sockets, dies, cores, threads;   /* 0 when absent */
} ir_cpu_topology;

typedef struct ir_domain {
    ir_virt_type type;
    int id;                   /* -1 when absent */
    char *name;
    unsigned char uuid[16];
    bool uuid_given;          /* false: generated */
    char *title;
    char *description;
    char *metadata;           /* the <metadata> element, verbatim */
    unsigned long long memory_kib;         /* <memory> */
    unsigned long long current_memory_kib; /* <currentMemory>; 0 when absent */
    unsigned long long max_memory_kib;     /* <maxMemory>; 0 when absent */
    unsigned max_memory_slots;
    unsigned vcpus;           /* <vcpu>; 0 when absent */
    unsigned vcpus_current;   /* current='N'; 0 when absent */
    char *cpuset;
    char *cpu_mode;           /* <cpu mode=...> */
    char *cpu_model;
    ir_cpu_topology topology;
    char *bootloader;
    char *bootloader_args;
    ir_os os;
    ir_feature *features;
    size_t nfeatures, capfeatures;
    bool has_features;        /* <features/> written, even if empty */
    ir_clock clock;
    ir_lifecycle on_poweroff, on_reboot, on_crash;
    ir_device *devices;       /* in document order */
    size_t ndevices, capdevices;
    char *emulator;           /* <devices><emulator> */
    ir_qemu_cmdline *qemu_cmdline;  /* NULL when absent */
    ir_fragments extra;       /* unmodelled top-level elements, verbatim; also the
                               * copy of a modelled one (os, cpu, ...) holding more
                               * than the fields cover: the formatter writes the
                               * copy in its place */
    ir_pos pos;
    /* added for the command-line reader (issue 9) */
    ir_tristate pm_suspend_to_mem;   /* <pm><suspend-to-mem enabled=> */
    ir_tristate pm_suspend_to_disk;  /* <pm><suspend-to-disk enabled=> */
    bool nosharepages;               /* <memoryBacking><nosharepages/> */
    char *keywrap_aes;               /* <keywrap><cipher name='aes' state=>: "on"/"off" */
    char *keywrap_dea;               /* the same for dea (s390) */
    unsigned long long tcg_tb_cache_kib;   /* <features><tcg><tb-cache>; 0: QEMU's default */
} ir_domain;

/* ---- functions ------------------------------------------------------- */

ir_domain *ir_domain_new(void);
void ir_domain_free(ir_domain *dom);
/* Appends a zeroed device of the given kind and returns it. */
ir_device *ir_domain_add_device(ir_domain *dom, ir_device_kind kind, ir_pos pos);
void ir_domain_add_feature(ir_domain *dom, const char *name, const char *state);
/* Appends a child to a feature (hyperv, kvm); attr/value may be NULL. */
void ir_feature_add_sub(ir_feature *f, const char *name, const char *state, const char *attr,
                        const char *value);
/* Appends a child to a subfeature (<stimer><direct/>). */
void ir_subfeature_add_kid(ir_subfeature *sf, const char *name, const char *state);
const ir_feature *ir_domain_feature(const ir_domain *dom, const char *name);
void ir_fragments_add(ir_fragments *f, char *xml, ir_pos pos);   /* takes xml */
void ir_address_clear(ir_address *a);
void ir_device_clear(ir_device *dev);
/* Whether <boot dev=KIND> means this device: a NIC for network, a disk or
 * LUN for hd, a cdrom, a floppy (a disk without device= is a disk). */
bool ir_device_boots_as(const ir_device *d, ir_boot_dev kind);

/* uuid: parse the 36-character form or the 32 hex digits form. */
bool ir_uuid_parse(const char *s, unsigned char out[16]);
void ir_uuid_format(const unsigned char uuid[16], char out[37]);
void ir_uuid_generate(unsigned char out[16]);
/* MAC: accepts "a:b:c:d:e:f" with 1-2 hex digits per byte; writes lowercase
 * canonical form into out[18]. */
bool ir_mac_parse(const char *s, unsigned char out[6]);
void ir_mac_format(const unsigned char mac[6], char out[18]);

/* Name tables. *_name returns NULL for 0/out of range; *_from_name returns
 * 0 (the NONE value) for an unknown name. */
#define IR_ENUM_DECL(type, prefix) \
    const char *prefix##_name(type v); \
    type prefix##_from_name(const char *s);

IR_ENUM_DECL(ir_virt_type, ir_virt_type)
IR_ENUM_DECL(ir_lifecycle, ir_lifecycle)
IR_ENUM_DECL(ir_boot_dev, ir_boot_dev)
IR_ENUM_DECL(ir_clock_offset, ir_clock_offset)
IR_ENUM_DECL(ir_disk_type, ir_disk_type)
IR_ENUM_DECL(ir_disk_device, ir_disk_device)
IR_ENUM_DECL(ir_disk_bus, ir_disk_bus)
IR_ENUM_DECL(ir_net_type, ir_net_type)
IR_ENUM_DECL(ir_chr_type, ir_chr_type)
IR_ENUM_DECL(ir_chr_kind, ir_chr_kind)
IR_ENUM_DECL(ir_graphics_type, ir_graphics_type)
IR_ENUM_DECL(ir_hostdev_type, ir_hostdev_type)
IR_ENUM_DECL(ir_addr_type, ir_addr_type)
IR_ENUM_DECL(ir_tristate, ir_tristate)

/* A host device of mode='capabilities' (storage, misc, net): a container's. */
bool ir_hostdev_is_caps(ir_hostdev_type t);

/* libvirt's scaled integers: the multiplier a unit names, in any case
 * ("KiB", "k" -> 1024, "MB" -> 1000000, "b"/"bytes" -> 1); NULL or "" gives
 * dflt. False when the unit is unknown. */
bool ir_unit_scale(const char *unit, unsigned long long dflt, unsigned long long *scale);
/* value * scale bytes in KiB, rounded up; false when value * scale does not
 * fit in 64 bits. */
bool ir_bytes_to_kib(unsigned long long value, unsigned long long scale,
                     unsigned long long *kib);

/* The bus a target name implies when <target bus=> is absent:
 * hd* -> ide, sd* -> scsi, vd* -> virtio, xvd* -> xen, fd* -> fdc, ubd* -> uml. */
ir_disk_bus ir_disk_bus_from_target(const char *dev);
/* The index of a target name: "hda" -> 0, "sdb" -> 1, "vdaa" -> 26; -1 if malformed. */
int ir_disk_target_index(const char *dev);

#endif
