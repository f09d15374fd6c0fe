/*
 * argv_priv.h: what the parts of the qemu-argv emitter share.
 *
 * argv.c owns the launch object, rendering, the environment, the driver
 * that walks a list of sections, and every piece both generations use;
 * argv_legacy.c holds the sections and per-device-kind emitters of the
 * pre-device syntax generation (-drive/-hda, -net nic/-net tap, -serial
 * strings, -usbdevice, -soundhw, -pcidevice). The -device/-blockdev/-netdev/
 * -chardev generation (argv_modern*.c, see argv_modern_priv.h) sits beside
 * it and is picked by capability flags, never by profile name.
 */
#ifndef VIRTC_QEMU_ARGV_PRIV_H
#define VIRTC_QEMU_ARGV_PRIV_H

#include "argv.h"

typedef struct qemu_ctx {
    const ir_domain *dom;
    const qemu_caps *caps;
    const qemu_argv_opts *opts;
    qemu_launch *launch;
    vc_diags diags;           /* errors and warnings, in order */
    char *caps_desc;          /* "profile legacy" or the binary path, for messages */
    /* state of the legacy generation */
    int vlan;                 /* next -net vlan number */
    int nconsole;             /* consoles seen so far */
    bool drive_boot_done;     /* boot=on given to a disk already */
    vc_buf soundhw;           /* the -soundhw list being gathered */
    /* state of the -device generation (argv_modern.c) */
    struct qemu_modern *modern;
    size_t *res_slots;        /* index of launch->res: position + 1, 0 empty */
    size_t res_cap;           /* a power of two, or 0 */
} qemu_ctx;

/* A step of the command line. A domain-wide step has `domain`; a device step
 * runs the per-kind emitter over the devices of `kind` (for IR_DEV_CHR only
 * those of element `chr`), then `none` when there was no such device. */
typedef struct qemu_section {
    bool (*domain)(qemu_ctx *);
    ir_device_kind kind;
    int chr;                  /* an ir_chr_kind, or -1 for every element */
    bool (*none)(qemu_ctx *);
} qemu_section;

typedef bool (*qemu_dev_fn)(qemu_ctx *, const ir_device *);

/* Entries of a section list: a domain-wide step, the devices of a kind, the
 * character devices of one element. */
#define QEMU_SEC(fn) { fn, 0, -1, NULL }
#define QEMU_DEV(kind, none) { NULL, kind, -1, none }
#define QEMU_CHR(which, none) { NULL, IR_DEV_CHR, which, none }

/* The legacy generation: its sections in command-line order, and one
 * emitter per device kind (NULL: the kind has no form at all). */
extern const qemu_section qemu_legacy_sections[];
extern const size_t qemu_legacy_nsections;
extern const qemu_dev_fn qemu_legacy_dev[IR_DEV_LAST];

/* The -device generation (argv_modern.c), picked by QEMU_CAP_DEVICE; its
 * first section allocates x->modern, which qemu_modern_free releases. */
typedef struct qemu_modern qemu_modern;
extern const qemu_section qemu_modern_sections[];
extern const size_t qemu_modern_nsections;
extern const qemu_dev_fn qemu_modern_dev[IR_DEV_LAST];
void qemu_modern_free(qemu_modern *m);

/* ---- helpers for the sections ---------------------------------------- */

void qemu_arg(qemu_ctx *x, const char *a);
void qemu_arg2(qemu_ctx *x, const char *opt, const char *value);
void qemu_arg2_take(qemu_ctx *x, const char *opt, char *value);
void qemu_argf(qemu_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qemu_env(qemu_ctx *x, const char *name, const char *value);
void qemu_resource_add(qemu_ctx *x, const char *path, qemu_res_kind kind, bool readonly);

vc_loc qemu_loc(const qemu_ctx *x, ir_pos pos);
/* A located error; always returns false. */
bool qemu_error(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "<what> not supported by this QEMU (<caps>)"; always returns false. */
bool qemu_unsupported(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qemu_warn(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

bool qemu_has(const qemu_ctx *x, qemu_cap_flag f);
/* Devices of a kind (and chr element, -1 for any) in document order. */
size_t qemu_count_devices(const qemu_ctx *x, ir_device_kind kind, int chr);

/* ---- what both generations share ---------------------------------------- */

const char *qemu_str_or(const char *s, const char *dflt);
/* True when s is one of the n strings of list. */
bool qemu_str_in(const char *s, const char *const *list, size_t n);
/* The index of the first row of a table of structs whose string member at
 * offset off equals key (NULL matches NULL); -1 when none does. */
int qemu_table_find(const void *table, size_t n, size_t size, size_t off, const char *key);
#define QEMU_TABLE_FIND(table, member, key)                                              \
    qemu_table_find((table), VC_ARRAY_SIZE(table), sizeof((table)[0]),                  \
                    (size_t)((const char *)&(table)[0].member - (const char *)&(table)[0]), \
                    (key))

/* The bus of a disk: the document's, else the one its target name implies. */
ir_disk_bus qemu_disk_bus(const ir_disk *disk);
/* <boot order=> of a disk, interface or host device; 0 for the others. */
int qemu_dev_boot_order(const ir_device *dev);
/* A console on a serial target is the first serial port seen from the host
 * side: it repeats <serial> when there is one, and stands for it when not. */
bool qemu_console_is_serial(const ir_chr *c);
/* vCPUs at most and at start; whether the document gives a topology. */
void qemu_vcpus(const ir_domain *dom, unsigned *max, unsigned *cur);
bool qemu_topology_given(const ir_cpu_topology *t);

/* Sections and emitters whose form did not change between the generations. */
/* argv[0]: <emulator>, the capabilities' binary, or dir + qemu-system-ARCH. */
bool qemu_emulator(qemu_ctx *x, const char *dir);
/* -cpu MODEL of a custom CPU (or none); other CPU modes are unsupported. */
bool qemu_cpu_custom(qemu_ctx *x);
/* Whether s (a document's string) may be one component of a path built
 * from it: no '/', not "." or ".."; a located error otherwise. */
bool qemu_path_part_ok(qemu_ctx *x, ir_pos pos, const char *what, const char *s);
/* -no-acpi when the document leaves ACPI out. */
void qemu_vnc_share_opts(const ir_graphics *g, vc_buf *b);
void qemu_pm_globals(qemu_ctx *x, const char *dev);
bool qemu_no_acpi(qemu_ctx *x);
/* -kernel, -initrd, -dtb and -append of a direct kernel boot. */
void qemu_kernel_boot(qemu_ctx *x);
/* Warnings for the device elements and the domain children not modelled. */
bool qemu_other(qemu_ctx *x, const ir_device *dev);
bool qemu_extra(qemu_ctx *x);
/* The same, quiet about the elements a generation reads itself. */
bool qemu_extra_except(qemu_ctx *x, const char *const *read, size_t nread);
/* <qemu:commandline>, passed through as written. */
bool qemu_cmdline(qemu_ctx *x);
/* Whether an option value names id (its first n characters) as its own:
 * id=ID as a key=value item, or "id":"ID" in JSON. */
bool qemu_value_has_id(const char *v, const char *id, size_t n);

/* Checks both generations make of a disk, a character device, an interface
 * and a host device; each reports its own error and returns false. */
bool qemu_disk_type_ok(qemu_ctx *x, const ir_device *dev, bool network);
bool qemu_disk_driver_ok(qemu_ctx *x, const ir_device *dev);
bool qemu_disk_encryption_ok(qemu_ctx *x, const ir_device *dev);
bool qemu_chr_path_ok(qemu_ctx *x, const ir_device *dev);
bool qemu_chr_tcp_ok(qemu_ctx *x, const ir_device *dev);
bool qemu_chr_udp_ok(qemu_ctx *x, const ir_device *dev);
bool qemu_net_socket_ok(qemu_ctx *x, const ir_device *dev);
bool qemu_hostdev_mode_ok(qemu_ctx *x, const ir_device *dev);

/* ",ifname=TAP" of a tap backend, with the host resources a tap needs. */
void qemu_net_tap_ifname(qemu_ctx *x, const ir_net *net, vc_buf *b);

/* Displays: the VNC display number of a port, the listen address of a
 * display that names none, "HOST:DISPLAY" (an IPv6 host bracketed), and the
 * X11 environment of SDL. */
bool qemu_vnc_display(qemu_ctx *x, const ir_device *dev, int *display);
const char *qemu_display_listen(const qemu_ctx *x, const ir_graphics *g);
void qemu_vnc_addr(vc_buf *b, const char *listen, int display);
void qemu_sdl_env(qemu_ctx *x, const ir_graphics *g);

/* The host USB device a <hostdev type='usb'> names: by vendor and product,
 * or by bus and device number; its resource is added. */
typedef struct qemu_usb_source {
    bool by_id;
    unsigned long long vendor, product;
    unsigned bus, device;
} qemu_usb_source;
bool qemu_usb_host_source(qemu_ctx *x, const ir_device *dev, qemu_usb_source *src);

#endif
