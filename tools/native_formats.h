/*
 * native_formats.h: the hypervisors' native formats, one table for both
 * directions of conversion.
 *
 * `virtc domxml-to-native FORMAT` and `virtc domxml-from-native FORMAT`
 * find FORMAT here. Everything the two verbs share (options, -o,
 * --output-dir, standard input, reading with one size limit, writing only
 * complete results) is done once by the verbs; a format contributes two
 * callbacks that convert one document, each a thin call into its
 * translator (translators/qemu/, translators/xen/).
 */
#ifndef VIRTC_NATIVE_FORMATS_H
#define VIRTC_NATIVE_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

#include "../translators/error.h"
#include "../translators/ir.h"

/* What the command line says, for every document of the run. */
typedef struct native_opts {
    const char *file;          /* input name for diagnostics ("<stdin>" for -) */
    const char *caps;          /* --caps NAME|PATH, or NULL */
    const char *state_dir;     /* --state-dir, or NULL */
    bool test_env;             /* --test-env */
    int xend_version;          /* --xend-version N (xen-sxpr), 0 when not given */
    const char *directory;     /* --directory DIR (qemu-argv from-native), or NULL */
} native_opts;

/* Per-run state of one format (QEMU: the named capabilities, the probe
 * cache), made by its prepare callback and freed by its release one. */
typedef struct native_ctx {
    void *state;
} native_ctx;

typedef struct native_format {
    const char *name;          /* "qemu-argv", "xen-xm", "xen-xl", "xen-sxpr" */
    const char *ext;           /* --output-dir extension of the native files */
    /* Once per run, before the first document; NULL when there is nothing
     * to prepare. False with diagnostics stops the run. */
    bool (*prepare)(const native_opts *o, native_ctx *ctx, vc_diags *d);
    void (*release)(native_ctx *ctx);
    /* domain -> native text (complete, newline-terminated), or NULL with
     * diagnostics. Warnings may be added on success too. NULL callback:
     * the direction is not offered. */
    char *(*to_native)(const ir_domain *dom, const native_opts *o, native_ctx *ctx,
                       vc_diags *d);
    /* native text -> domain, or NULL with diagnostics. text is the whole
     * input (len bytes, NUL-terminated), already read and size-checked. */
    ir_domain *(*from_native)(const char *text, size_t len, const native_opts *o,
                              vc_diags *d);
} native_format;

/* The format of that name; NULL when there is none. */
const native_format *native_format_find(const char *name);
/* "qemu-argv, xen-xm, ..." of the formats offering the direction
 * (to_native when to is true); the caller frees it. */
char *native_format_names(bool to);

/* The rows of the formats, each defined in its tools/native_<fmt>.c. */
extern const native_format native_qemu_argv;
extern const native_format native_xen_xm, native_xen_xl;
extern const native_format native_xen_sxpr;

#endif
