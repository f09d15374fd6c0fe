/*
 * argv_read_priv.h: what the files of the qemu-argv reader share
 * (argv_read.c: words -> options -> dispatch; argv_read_opts.c: option
 * values; argv_read_sys.c: machine-wide options; argv_read_legacy.c: QEMU
 * 0.x device options; argv_read_chr.c: character devices in both spellings;
 * argv_read_dev.c: -device and its backends).
 */
#ifndef VIRTC_QEMU_ARGV_READ_PRIV_H
#define VIRTC_QEMU_ARGV_READ_PRIV_H

#include <stdbool.h>

#include "../../grammar/qemuopt.h"
#include "../../grammar/shellwords.h"
#include "../error.h"
#include "../ir.h"
#include "../util.h"

struct qemu_reader;
struct qr_opt;
typedef bool (*qr_handler)(struct qemu_reader *r, struct qr_opt *o);

/* How an option's value is read. */
typedef enum qr_form {
    QR_NOARG = 0,    /* a flag: -S, -no-acpi */
    QR_WORD,         /* one word taken as is: -hda FILE, -append TEXT */
    QR_KV,           /* key=value,...: the definition names the implicit key */
    QR_KV_JSON,      /* key=value or a JSON object: -device, -blockdev, ... */
} qr_form;

typedef struct qr_optdef {
    const char *name;        /* without the dash */
    qr_form form;
    const char *implicit;    /* QR_KV*: name of an implicit first key, or NULL */
    qr_handler fn;           /* NULL: QEMU has it, the model has no place for it */
} qr_optdef;

typedef struct qr_opt {
    const qr_optdef *def;
    const shw_word *flag;    /* "-hda" */
    const shw_word *arg;     /* its value word; NULL for QR_NOARG */
    qopt_list props;         /* QR_KV*: the parsed value */
    bool used;               /* a -device consumed this backend */
    /* -set device.ID.KEY=VALUE (argv_read_opts.c): on the -set, the -device
     * it was joined to and the index of its item there; on a -device, the
     * index of its first item that came from a -set (0: none) */
    struct qr_opt *set_dev;
    size_t set_item;
    size_t set_first;
} qr_opt;

typedef struct qemu_reader {
    const char *file;
    const char *src;
    size_t len;
    vc_diags *d;
    shw_words words;
    qr_opt *opts;
    size_t nopts;
    ir_domain *dom;
    const char *emulator_base;   /* basename of argv[0] */
    char *boot_order;            /* -boot's order letters, applied at the end */
    bool has_bootindex;          /* some -device gave bootindex= */
    bool nographic;
    bool nodefaults;
    bool no_acpi;
    bool has_display;            /* -vnc, -display, -spice: no implicit SDL window */
    bool display_none;
    char *keymap;                /* -k, applied to every display */
    char *watchdog_action;       /* -watchdog-action, applied to the watchdog */
    qr_opt **nets;               /* -net options, paired by vlan at the end */
    size_t nnets, capnets;
    bool saw_balloon, saw_usb_opt, saw_usb_ctl;
    /* Set by a -device reader when the device, though read, has no faithful
     * place in the model (an NVMe disk, a vhost-user NIC): the -device and
     * its backends are then kept as <qemu:commandline> instead. */
    const char *keep_reason;
    int cache_direct;            /* the disk being read: cache.direct (-1 unsaid) */
    bool cache_noflush;
    int fdc_bootindex[2];        /* -global isa-fdc.bootindexA/B */
    char *env_display, *env_xauth;   /* DISPLAY, XAUTHORITY: an SDL window's */
    char *spice_channel;         /* the last spiceport chardev's name */
    char *env_sdl_audio;         /* SDL_AUDIODRIVER */
    int vlan_nics;               /* -net nic seen (legacy) */
    int serial_ports, parallel_ports, video_heads;
    struct qr_mem *mem;          /* argv_read_mem.c: RAM backends, cells, I/O threads */
    const shw_word *irqchip_split;   /* -machine kernel_irqchip=split's word */
    unsigned *audio_of;          /* by device index: the audioN its audiodev= names */
    size_t cap_audio_of;
    bool copy_on_read;           /* the disk being read: a copy-on-read filter node */
    /* argv_read_blk.c: the disk being read: what its graph says beyond the
     * model's fields, as amendments of its element (qr_blk_apply) */
    struct qr_blk_note *blk_notes;
    size_t nblk_notes;
    char *keep_note;             /* owned text of a keep_reason naming a property */
    char *nvram_xml;             /* <nvram type='network'> of pflash1 (qr_blk_finish) */
    const shw_word *loader_secure;   /* -global cfi.pflash01.secure=on (qr_blk_finish) */
    bool mem_prealloc;           /* -mem-prealloc: all guest RAM allocated at start */
    const shw_word *boot_strict; /* -boot strict=on: its value */
    char *env_path;              /* the command line's PATH= */
    shw_word **joined;           /* -device words with their -set items (qr_apply_sets) */
    size_t njoined, capjoined;
    const char *dir;             /* the directory QEMU runs in (--directory), or NULL */
    bool in_device;              /* a -device is being read (qr_opt_device) */
    char *keep_netdev;           /* keep_reason naming a -netdev's leftovers */
    int pflash_units;            /* -drive if=pflash seen: the next one's unit */
    size_t hda_duplex_card;      /* 1 + index of the HDA card whose only codec so far is
                                    hda-duplex at cad 0: the default, no <codec> yet */
    bool mem_locked;             /* -overcommit mem-lock=on: <memoryBacking><locked/> */
    struct qr_backend_set *backend_sets;   /* -set GROUP.ID.KEY=VALUE of backends, kept
                                              last (qr_backend_sets) */
    size_t nbackend_sets, capbackend_sets;
    const shw_word *paused;      /* -S: warned at the end unless a managed monitor resumes */
    bool managed_monitor;        /* the monitor of a managing side (QMP, libvirt's pty/socket) */
} qemu_reader;

/* ---- locations and diagnostics (argv_read.c) ---- */
vc_loc qr_loc(const qemu_reader *r, const shw_word *w, size_t off);
bool qr_error(qemu_reader *r, const shw_word *w, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void qr_warn(qemu_reader *r, const shw_word *w, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Keeps args (n words) as <qemu:commandline> arguments. */
void qr_passthrough(qemu_reader *r, const char *const *args, size_t n);
/* Keeps NAME=VALUE as <qemu:env>. */
void qr_env_add(qemu_reader *r, const char *name, const char *value);
/* Adds a <timer> of the clock (the model keeps timers verbatim). */
void qr_timer(qemu_reader *r, const char *xml);
/* Keeps the whole option as pass-through arguments, with a warning. */
bool qr_keep_option(qemu_reader *r, qr_opt *o, const char *why);
/* The option with this id among the backends of this option name, or NULL. */
qr_opt *qr_backend(qemu_reader *r, const char *optname, const char *id);

/* ---- option values (argv_read_opts.c) ---- */
/* Parses o's value into o->props (JSON when the form allows and it is one). */
bool qr_parse_value(qemu_reader *r, qr_opt *o);
/* The last item named key (QEMU: the last one wins), marked used; NULL if absent. */
qopt_item *qr_item(qr_opt *o, const char *key);
const char *qr_str(qr_opt *o, const char *key);
/* The value of the last item named key, not marked used; NULL if absent. */
const char *qr_last(const qr_opt *o, const char *key);
/* on/off/yes/no/true/false (a flag is on); *out untouched when absent.
 * False (located error) when the value is not a boolean. */
bool qr_bool(qemu_reader *r, qr_opt *o, const char *key, bool *out);
/* A number (base 0) into *out; *out untouched when absent. */
bool qr_num(qemu_reader *r, qr_opt *o, const char *key, unsigned long long *out);
/* A size with QEMU's suffixes (k M G T, default unit dflt bytes) in KiB. */
bool qr_size_kib(qemu_reader *r, const char *opt, const shw_word *w, size_t off,
                 const char *s, unsigned long long dflt, unsigned long long *kib);
/* Marks these keys used: values virtc derives itself (ids, node names, ...). */
void qr_implied(qr_opt *o, const char *const *keys, size_t n);
/* A literal key list and its length, for qr_implied and the like:
 * qr_implied(o, QR_KEYS("id", "bus")). */
#define QR_KEYS(...) (const char *const[]){ __VA_ARGS__ }, \
    VC_ARRAY_SIZE(((const char *const[]){ __VA_ARGS__ }))
/* Warns about every item nothing consumed. For a -device, each is kept as
 * -global DRIVER.KEY=VALUE; otherwise the option is kept whole (keep=true)
 * or the items are reported as dropped. */
void qr_leftovers(qemu_reader *r, qr_opt *o, const char *driver);
/* The PCI (bus=pci.N / pcie.0, addr=S[.F]) or USB (port=) or drive
 * (bus=ide.N, unit=U) address of a -device. */
bool qr_device_addr(qemu_reader *r, qr_opt *o, ir_address *a);
bool qr_usb_addr(qemu_reader *r, qr_opt *o, ir_address *a);
/* Joins each -set device.ID.KEY=VALUE to the key=value -device before it
 * with that id (as QEMU does when it reads the line), so the device is read
 * with it; a located error when there is no such -device. */
bool qr_apply_sets(qemu_reader *r);
/* -set GROUP.ID.KEY=VALUE split as QEMU splits it (GROUP and ID end at the
 * first two dots, KEY at the '=' after them), with where the option is said
 * (w, off: what a diagnostic about it points at). */
typedef struct qr_set_text {
    char *group, *id, *key, *value;      /* owned */
    size_t id_off, key_off, value_off;   /* where ID, KEY, VALUE start in the text */
    const shw_word *w;
    size_t off;
} qr_set_text;
/* False (nothing owned) when text is not GROUP.ID.KEY=VALUE with GROUP, ID
 * and KEY not empty and no '=' before KEY. */
bool qr_set_split(const char *text, const shw_word *w, size_t off, qr_set_text *s);
void qr_set_text_free(qr_set_text *s);
/* -set: a joined one keeps, at its own place, what its device did not take;
 * another is kept whole. */
bool qr_opt_set(qemu_reader *r, qr_opt *o);
void qr_joined_free(qemu_reader *r);

/* ---- option handlers ---- */
const qr_optdef *qr_optdef_find(const char *name);   /* argv_read.c */

/* argv_read_sys.c */
bool qr_opt_name(qemu_reader *r, qr_opt *o);
bool qr_opt_uuid(qemu_reader *r, qr_opt *o);
bool qr_opt_memory(qemu_reader *r, qr_opt *o);
bool qr_opt_smp(qemu_reader *r, qr_opt *o);
bool qr_opt_machine(qemu_reader *r, qr_opt *o);
bool qr_opt_accel(qemu_reader *r, qr_opt *o);
bool qr_opt_cpu(qemu_reader *r, qr_opt *o);
bool qr_opt_boot(qemu_reader *r, qr_opt *o);
bool qr_opt_rtc(qemu_reader *r, qr_opt *o);
bool qr_opt_simple(qemu_reader *r, qr_opt *o);        /* flags: -no-acpi, -localtime, ... */
bool qr_opt_os_path(qemu_reader *r, qr_opt *o);       /* -kernel -initrd -append -bios -dtb */
bool qr_opt_vnc(qemu_reader *r, qr_opt *o);
bool qr_opt_display(qemu_reader *r, qr_opt *o);
bool qr_opt_spice(qemu_reader *r, qr_opt *o);
bool qr_opt_keymap(qemu_reader *r, qr_opt *o);
bool qr_opt_implied(qemu_reader *r, qr_opt *o);       /* virtc writes it itself */
bool qr_opt_sandbox(qemu_reader *r, qr_opt *o);
bool qr_opt_msg(qemu_reader *r, qr_opt *o);
bool qr_opt_overcommit(qemu_reader *r, qr_opt *o);
bool qr_mem_hmat(qemu_reader *r, qr_opt *o);           /* -machine hmat= */
/* A kept option's text with audiodev= naming virtc's audioN; NULL: as is. */
char *qr_audio_rewrite(qemu_reader *r, const qr_opt *o);
bool qr_opt_paused(qemu_reader *r, qr_opt *o);        /* -S */
bool qr_opt_mem_prealloc(qemu_reader *r, qr_opt *o);
bool qr_opt_watchdog_action(qemu_reader *r, qr_opt *o);
bool qr_opt_global(qemu_reader *r, qr_opt *o);
void qr_finish(qemu_reader *r);
/* argv_read_path.c: relative paths read against the directory QEMU runs in */
bool qr_abs_paths(qemu_reader *r);
ir_device *qr_graphics(qemu_reader *r, ir_graphics_type type, const shw_word *w);

/* argv_read_legacy.c */
bool qr_opt_hdx(qemu_reader *r, qr_opt *o);
bool qr_opt_drive(qemu_reader *r, qr_opt *o);
bool qr_opt_net(qemu_reader *r, qr_opt *o);
bool qr_opt_usb(qemu_reader *r, qr_opt *o);
bool qr_opt_usbdevice(qemu_reader *r, qr_opt *o);
bool qr_opt_soundhw(qemu_reader *r, qr_opt *o);
bool qr_opt_vga(qemu_reader *r, qr_opt *o);
bool qr_opt_pcidevice(qemu_reader *r, qr_opt *o);
void qr_net_finish(qemu_reader *r);
/* The host side of a NIC (-net user|tap|socket|bridge or a -netdev) into n. */
bool qr_net_backend(qemu_reader *r, qr_opt *h, ir_net *n);
/* werror= / rerror= of a -drive or a disk's -device into its error policies. */
bool qr_disk_errors(qemu_reader *r, qr_opt *o, ir_disk *disk);
/* The image of a -drive (file, format, cache, readonly, ...) into disk. */
bool qr_drive_image(qemu_reader *r, qr_opt *o, ir_disk *disk);
char *qr_unescape_serial(const char *s);
/* Controllers and balloon QEMU or virtc would add unless told not to. */
void qr_apply_defaults(qemu_reader *r);

/* argv_read_feat.c */
/* The domain's <features> child NAME, added (no state) when absent. */
ir_feature *qr_feature(ir_domain *dom, const char *name);
/* -cpu MODEL,flags: Hyper-V/KVM flags and kvmclock into the model. */
bool qr_opt_cpu_flags(qemu_reader *r, qr_opt *o);
/* The -cpu model name: host/max as the CPU mode, another as the model
 * (argv_read_sys.c). */
void qr_cpu_model(qemu_reader *r, const char *model);
/* -machine aes-key-wrap= / dea-key-wrap= into <keywrap>. */
bool qr_machine_keywrap(qemu_reader *r, qr_opt *o);
/* -global PIIX4_PM|ICH9-LPC.disable_s3|s4=0|1 into <pm>; false: not one. */
bool qr_global_pm(qemu_reader *r, const char *text);
/* -vnc unix:PATH-with-'=': QEMU 0.x's display string, as the implicit item. */
void qr_vnc_display_item(qr_opt *o);
/* -vnc share=, websocket= into g. */
bool qr_vnc_extras(qemu_reader *r, qr_opt *o, ir_graphics *g);
/* Keeps o's unused properties as <qemu:commandline> in a form QEMU reads
 * the same way, with warnings: another -OPT of a merged option, -set of an
 * option with an id, the device being read kept whole, else the whole
 * option. */
void qr_keep_leftovers(qemu_reader *r, qr_opt *o);
/* The user alias of the device the -device o made (ua-ID from its id=ID),
 * set on the device when its id is one already or when needed (a kept
 * -set names it); NULL when neither, or o made no device of the model. */
const char *qr_device_alias(qemu_reader *r, const qr_opt *o, bool needed);
/* The same, the alias made from id when the device has none of its own. */
const char *qr_device_alias_as(qemu_reader *r, const qr_opt *o, const char *id, bool needed);
/* The device of the model the -device o made; NULL when none. */
ir_device *qr_made_device(qemu_reader *r, const qr_opt *o);
/* A -set of a backend's property (text: GROUP.ID.KEY=VALUE; said at w,
 * off by option flag, why it has no place, NULL: the usual): kept at its place, its id settled once every
 * option is read (qr_backend_sets): the id the 7.2 emitter gives the
 * backend when a device of the model uses it. False when GROUP is no such
 * backend's (argv_read_opts.c). */
typedef struct qr_backend_set {
    qr_set_text set;             /* the -set's parts and where it is said */
    const char *flag, *why;
    size_t arg;                  /* its text's index in <qemu:commandline> */
} qr_backend_set;
bool qr_backend_set_later(qemu_reader *r, const shw_word *w, size_t off, const char *flag,
                          const char *why, const char *text);
void qr_backend_sets(qemu_reader *r);
void qr_backend_sets_free(qemu_reader *r);
/* The names of o's properties nothing read ('a', 'b'), or NULL; *n: how many. */
char *qr_unused_keys(const qr_opt *o, size_t *n);

/* argv_read_chr.c */
bool qr_opt_serial(qemu_reader *r, qr_opt *o);        /* -serial -parallel -monitor */
/* A legacy character device spec ("pty", "tcp:h:p,server,nowait", ...). */
bool qr_chr_spec(qemu_reader *r, const shw_word *w, ir_chr *c);
/* A -chardev's backend into c. */
bool qr_chr_backend(qemu_reader *r, qr_opt *ch, ir_chr *c);
void qr_chr_spiceport_xml(ir_device *d, const char *channel);
/* -netdev user,guestfwd=... no NIC uses: guestfwd channels (true: read). */
bool qr_guestfwd(qemu_reader *r, qr_opt *nd);

/* argv_read_dev.c */
bool qr_opt_device(qemu_reader *r, qr_opt *o);
bool qr_opt_nic(qemu_reader *r, qr_opt *o);            /* -nic: -netdev and -device in one */
/* KEY=MAC of a NIC option: n->mac, canonical; what names the option in errors */
bool qr_nic_mac(qemu_reader *r, qr_opt *o, const char *key, const char *what, ir_net *n);
bool qr_opt_virtfs(qemu_reader *r, qr_opt *o);         /* -virtfs: -fsdev and -device in one */
bool qr_opt_backend(qemu_reader *r, qr_opt *o);        /* -blockdev -netdev -chardev ... */
bool qr_opt_mon(qemu_reader *r, qr_opt *o);
/* The backend -device KEY=ID names among the -OPTNAME options, marked used;
 * NULL after a located error. */
qr_opt *qr_named_backend(qemu_reader *r, qr_opt *o, const char *key, const char *optname);
bool qr_check_backends(qemu_reader *r);
/* audiodev=audioN of the device just added (a sound card, a VNC display). */
void qr_note_audio(qemu_reader *r, const ir_device *d, const char *audiodev);
/* Sound cards and displays on another backend than the first: <audio id=>. */
void qr_audio_finish(qemu_reader *r);
/* A disk from a -blockdev graph rooted at node (format or protocol). */
bool qr_disk_from_node(qemu_reader *r, const shw_word *w, size_t off, const char *node,
                       ir_disk *disk);
/* <driver cache=> from the nodes' cache.* read by qr_disk_from_node and
 * the device's write-cache. */
void qr_disk_cache(qemu_reader *r, qr_opt *dev, ir_disk *disk);
/* Before a disk's graph is read: no notes, no kept reason of an earlier one. */
void qr_blk_reset(qemu_reader *r);
/* What the reader holds for disks, at its end. */
void qr_blk_free(qemu_reader *r);
/* Writes what the graph said beyond the fields onto the disk's element. */
void qr_blk_apply(qemu_reader *r, ir_device *dev);
/* The options' used flags, before a device or firmware reads its backends. */
bool *qr_blk_mark(const qemu_reader *r);
/* Keeps, in order, the options read since qr_blk_mark (the backends of a
 * device kept as written); frees used. */
void qr_blk_keep_named(qemu_reader *r, bool *used);
/* vhost-user-blk-pci's chardev= into a vhostuser disk. */
bool qr_blk_vhost_user(qemu_reader *r, qr_opt *o, ir_disk *disk);
/* The id the 7.2 emitter writes for controller c (controllers have no
 * user alias: their ids follow type and index), or NULL when it writes no
 * -device for it (the machine's own). */
char *qr_ctl_written_id(const qemu_reader *r, const ir_controller *c);
/* The index of the USB controller whose -device id is id (what a bus=ID.0
 * or masterbus=ID.0 names); the id's trailing number when none is. */
int qr_usb_bus_index(qemu_reader *r, const char *id);
/* -device scsi-generic: an iSCSI LUN as <hostdev type='scsi'>. */
bool qr_dev_scsi_hostdev(qemu_reader *r, qr_opt *o, const char *driver, const char *arg);
/* -machine pflash0=/pflash1= (it, unit 0 or 1): the loader and NVRAM. */
bool qr_blk_pflash(qemu_reader *r, qr_opt *o, qopt_item *it, int unit);
/* The <os> copy a network NVRAM needs, once the fields are final. */
void qr_blk_finish(qemu_reader *r);


/* argv_read_mem.c */
bool qr_opt_numa(qemu_reader *r, qr_opt *o);
/* -machine memory-backend=ID (it: that item). */
bool qr_mem_machine(qemu_reader *r, qr_opt *o, qopt_item *it);
bool qr_dev_memory(qemu_reader *r, qr_opt *o, const char *driver, const char *arg);
/* An -object no device named that is this file's (I/O threads, ...). */
bool qr_mem_object(qemu_reader *r, qr_opt *o);
void qr_mem_finish(qemu_reader *r);
void qr_mem_free(qemu_reader *r);

/* argv_read_plat.c */
/* TPM, IOMMU, panic, vmgenid, vsock drivers; *matched when it is one. */
bool qr_dev_platform(qemu_reader *r, qr_opt *o, const char *driver, bool *matched);
void qr_plat_finish(qemu_reader *r);
/* -machine confidential-guest-support= (an -object sev-guest): <launchSecurity>. */
bool qr_machine_cgs(qemu_reader *r, qr_opt *o);
/* -machine smm= into <features><smm state=>. */
bool qr_machine_smm(qemu_reader *r, qr_opt *o);
/* -global cfi.pflash01.secure=on: <loader secure='yes'>; false: not it. */
bool qr_global_pflash_secure(qemu_reader *r, qr_opt *o);

/* argv_read_vdev.c */
/* usb-redir filter= into the domain's <redirfilter> (one for all devices;
 * a device with another filter sets keep_reason). */
bool qr_redir_filter(qemu_reader *r, qr_opt *o);
/* server=on,wait=off of the TCP -chardev a device stands on: *bind, its
 * <source mode='bind'> (set once the device's fields are read). */
bool qr_stand_listen(qemu_reader *r, qr_opt *ch, bool *bind);
/* vfio-pci[-nohotplug] without host=: by sysfsdev= (a mediated device or a
 * PCI function) into d, the host device being read. */
bool qr_vfio_sysfs(qemu_reader *r, qr_opt *o, const char *driver, ir_device *d);
/* The host side of a NIC that is vhost-user, vhost-vdpa or a stream socket
 * (*done; otherwise qr_net_backend reads it), and what its element holds
 * beyond the fields, set once the NIC's fields are read (amend). */
bool qr_nic_host(qemu_reader *r, qr_opt *h, ir_net *n, bool *done);
void qr_nic_host_amend(qemu_reader *r, qr_opt *h, ir_device *d);
/* vhost-scsi-pci*: a scsi_host host device (arg: the virtio model). */
bool qr_dev_vhost_scsi(qemu_reader *r, qr_opt *o, const char *driver, const char *arg);

/* argv_read_xml.c: sets NAME='VALUE' on the device's element (child: a
 * child element such as "driver" or a path "source/reconnect", each made
 * when absent; NULL: the element),
 * which is then kept as written. */
void qr_device_amend(qemu_reader *r, ir_device *d, const char *child, const char *name,
                     const char *value);
/* The element el with, at path ("source/slices"; elements made when
 * absent), the attribute name=value (name given) and the fragment xml as
 * the last child (xml given); a new string. */
char *qr_xml_amend(const char *el, const char *path, const char *name, const char *value,
                   const char *xml);
/* qr_xml_amend on the device's element, which is then kept as written. */
void qr_device_amend_at(qemu_reader *r, ir_device *d, const char *path, const char *name,
                        const char *value, const char *xml);
/* A disk's element without what only a guest's disk has, under another
 * name: <backingStore type=><format type=/><source/></backingStore> of a
 * backing image, <nvram type=><source/></nvram> of a network NVRAM. */
char *qr_disk_element_as(const ir_domain *dom, const ir_disk *img, const char *root_name);
/* The <os> element the formatter writes for the domain's fields. */
char *qr_os_element(const ir_domain *dom);

/* Small shared helpers. */
/* The trailing number of an id ("scsi0" -> 0, "pci.3" -> 3, "usb" -> 0). */
int qr_id_index(const char *id);
/* bootindex=N (1..999) into *order; noted for -boot. */
bool qr_bootindex(qemu_reader *r, qr_opt *o, int *order);
/* <address type='pci' .../> (or a USB one) of a device kept as its element. */
void qr_pci_addr_xml(vc_buf *b, const ir_address *a);
/* " NAME='VALUE'" with the value escaped (nothing when value is NULL). */
void qr_xml_attr(vc_buf *b, const char *name, const char *value);
char *qr_strdup_word(const shw_word *w);
/* Replaces an owned string field (an option given twice: the last wins). */
void qr_set(char **field, const char *value);
ir_device *qr_add_device(qemu_reader *r, ir_device_kind kind, const shw_word *w);
void qr_boot_dev_add(ir_os *os, ir_boot_dev b);

#endif
