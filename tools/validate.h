/*
 * validate.h: the parts of `virtc validate`, the CI linter.
 *
 *   cmd_validate.c     options, the run, the summary and the exit status
 *   validate_paths.c   PATH arguments -> the ordered list of files
 *   validate_check.c   one file: read, parse, kind, schema, domain lowering;
 *                      and the pool of threads that checks files in parallel
 *   validate_network.c a network's checks beyond its schema (libvirt's
 *                      network parser's rules)
 *   validate_rules.c   the checks beyond the schema of node devices
 *                      (validate_nodedev.c), interfaces
 *                      (validate_interface.c) and secrets
 *                      (validate_secret.c), and what they share
 *   validate_report.c  the output formats (gcc, github, junit via
 *                      tools/junit.xsl, sarif)
 *
 * A file's result is written by exactly one worker and read by the printer
 * only after the worker has published it (val_pool), so results need no
 * locks of their own.
 */
#ifndef VIRTC_VALIDATE_H
#define VIRTC_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../translators/error.h"
#include "../translators/util.h"
#include "../translators/schema.h"

/* Documents larger than this are refused unread. libvirt documents are a few
 * kilobytes; the cap keeps memory bounded (a DOM costs tens of bytes per
 * byte of tiny elements) whatever a CI job is pointed at. */
#define VAL_MAX_BYTES VC_READ_MAX

typedef enum val_status {
    VAL_PASSED,
    VAL_FAILED,       /* the document is wrong */
    VAL_NOT_CHECKED,  /* its schema could not be loaded (our fault, exit 3) */
} val_status;

typedef struct val_file {
    char *name;        /* as reported; "<stdin>" for "-" */
    char *path;        /* what to open; NULL for standard input */
    bool listed_bad;   /* listing already found it unreadable: diags hold why */
    /* results */
    val_status status;
    const vc_schema_kind *kind;   /* NULL when not known */
    vc_diags diags;
} val_file;

typedef struct val_files {
    val_file *v;
    size_t n, cap;
} val_files;

/* validate_paths.c */
void val_files_init(val_files *fs);
void val_files_free(val_files *fs);
/* Appends what PATH names: a file, standard input ("-"), or the *.xml files
 * under a directory (recursively, sorted bytewise). Returns false when a
 * directory argument holds no *.xml file (a warning is on stderr). */
bool val_files_add_path(val_files *fs, const char *path);

/* validate_check.c */
typedef struct val_options {
    const vc_schema_kind *type;   /* --type, or NULL to detect per file */
} val_options;

/* Checks every file with nthreads workers and hands each result, in input
 * order, to done() as soon as it and all before it are ready. */
void val_check_all(val_files *fs, const val_options *opt, int nthreads,
                   void (*done)(val_file *f, void *user), void *user);

/* validate_report.c */
typedef enum val_format {
    VAL_FMT_GCC,
    VAL_FMT_GITHUB,
    VAL_FMT_JUNIT,
    VAL_FMT_SARIF,
} val_format;

typedef struct val_report val_report;

bool val_format_by_name(const char *name, val_format *out);
val_report *val_report_new(val_format fmt);
/* One file's result, in input order. */
void val_report_file(val_report *r, const val_file *f);
/* Writes what the format keeps for the end (the JUnit document) and
 * returns 0, or 3 after reporting why it could not. */
int val_report_finish(val_report *r);
void val_report_free(val_report *r);

#endif
