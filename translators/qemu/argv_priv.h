/*
 * argv_priv.h: what the parts of the qemu-argv emitter share.
 *
 * argv.c owns the launch object, rendering, the environment and the driver
 * that walks a list of sections; argv_legacy.c holds the sections and
 * per-device-kind emitters of the pre-device syntax generation (-drive/-hda,
 * -net nic/-net tap, -serial strings, -usbdevice, -soundhw, -pcidevice).
 * A section list for the -device/-blockdev/-netdev/-chardev generation sits
 * beside it and is picked by capability flags, never by profile name.
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

#endif
