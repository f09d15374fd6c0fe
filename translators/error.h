/*
 * error.h: the one error type of the library.
 *
 * A vc_error is a code, a message and a location. Functions that can fail take
 * a vc_diags *, append what they find (several findings per document where the
 * source allows it, e.g. RelaxNG), and return false. The command line prints
 * the list GCC-style and maps the worst code to its exit status.
 */
#ifndef VIRTC_ERROR_H
#define VIRTC_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The values are the exit codes of the command line (DESIGN.md, Errors). */
typedef enum vc_code {
    VC_OK = 0,
    VC_ERR_INVALID = 1,   /* the input is wrong */
    VC_ERR_USAGE = 2,     /* the command was called wrongly */
    VC_ERR_RUNTIME = 3,   /* a host operation failed (I/O, a guest that won't start) */
} vc_code;

typedef enum vc_severity {
    VC_SEV_ERROR,
    VC_SEV_WARNING,
    VC_SEV_NOTE,
} vc_severity;

typedef struct vc_error {
    vc_code code;
    vc_severity severity;
    char *file;      /* NULL when there is no file (e.g. a usage error) */
    int line;        /* 1-based; 0 when unknown */
    int column;      /* 1-based; 0 when unknown */
    char *message;
} vc_error;

typedef struct vc_diags {
    vc_error *v;
    size_t n;
    size_t cap;
    size_t nerrors;  /* entries with VC_SEV_ERROR */
} vc_diags;

/* A location within a named input; the IR carries line/column only. */
typedef struct vc_loc {
    const char *file;
    int line;
    int column;
} vc_loc;

void vc_diags_init(vc_diags *d);
void vc_diags_free(vc_diags *d);
void vc_diags_clear(vc_diags *d);
void vc_diag_add(vc_diags *d, vc_code code, vc_severity sev, vc_loc loc,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Shorthands: an error of code VC_ERR_INVALID / a warning, at loc. */
bool vc_error_at(vc_diags *d, vc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));   /* always returns false */
void vc_warn_at(vc_diags *d, vc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* vc_error_at for a module's own located-error helper, which hands its
 * format and arguments on to here. Always returns false. */
bool vc_verror_at(vc_diags *d, vc_loc loc, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* A host operation failed (VC_ERR_RUNTIME), with no input to point at.
 * Always returns false. */
/* Why an input could not be read (err from vc_read_into), at name:1:1,
 * the same words for every input: "cannot read: REASON", or "document too
 * large (the limit is 10 MiB)". Returns false. */
bool vc_read_error(vc_diags *d, const char *name, int err);
/* vc_read_input (util.h) reporting its failure with vc_read_error; name
 * NULL names the input by its path. */
char *vc_read_doc(const char *path, const char *name, unsigned flags, size_t *len,
                  vc_diags *d);
bool vc_runtime_error(vc_diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_diags_append(vc_diags *dst, const vc_diags *src);
/* The worst code among the errors; VC_OK when there are none. */
vc_code vc_diags_code(const vc_diags *d);
/* GCC style: "file:line:column: error: message", omitting what is unknown. */
void vc_error_print(FILE *f, const vc_error *e);
void vc_diags_print(FILE *f, const vc_diags *d);
const char *vc_severity_name(vc_severity s);

#endif
