/*
 * xen_cfg.h: the xm/xl configuration language (grammar/xencfg.y, .l) and
 * the xen-xm / xen-xl converters built on it and on xen_map.h.
 *
 * The language: `key = value` lines; a value is a string (single or double
 * quotes, backslash escapes), an integer, or a list `[ v, v, ]` that may
 * span lines and end with a comma; `#` starts a comment; `;` may end a
 * statement. xl mode adds nested lists (vnuma = [ [ "a" ], [ "b" ] ]).
 * Every node of the syntax tree carries its location.
 */
#ifndef VIRTC_XEN_CFG_H
#define VIRTC_XEN_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"
#include "../ir.h"

/* Lists nested deeper than this are an error (xl itself uses two levels);
 * it also bounds the parser's stack. */
#define XCFG_MAX_DEPTH 64

typedef enum xcfg_kind { XCFG_STRING, XCFG_INT, XCFG_LIST } xcfg_kind;

typedef struct xcfg_value {
    xcfg_kind kind;
    int line, column;           /* the value's first character (a string's quote) */
    char *text;                 /* string: unescaped content; int: the digits */
    struct xcfg_value **items;  /* list */
    size_t n, cap;
} xcfg_value;

typedef struct xcfg_entry {
    char *key;
    int line, column;
    xcfg_value *value;
} xcfg_entry;

typedef struct xcfg_file {
    xcfg_entry *v;
    size_t n, cap;
} xcfg_file;

/* Parses a whole file. NULL with located errors (file:line:column) in d. */
xcfg_file *xcfg_parse(const char *file, const char *text, size_t len, bool xl, vc_diags *d);
void xcfg_file_free(xcfg_file *f);
/* Tree building (used by the grammar). */
xcfg_value *xcfg_value_new(xcfg_kind kind, int line, int column, char *text);
void xcfg_list_add(xcfg_value *list, xcfg_value *item);
void xcfg_value_free(xcfg_value *v);
void xcfg_file_add(xcfg_file *f, char *key, int line, int column, xcfg_value *v);
/* The value in native syntax again (kept keys). Owned. */
char *xcfg_value_text(const xcfg_value *v);
/* A string quoted for the config language (double quotes, escapes). */
char *xcfg_quote(const char *s);

/* ---- the converters ------------------------------------------------------ */

/* True for a key the xm (xl false) or xl reader interprets. */
bool xen_cfg_key_known(const char *key, bool xl);

/* native text -> domain; NULL with located errors. Warnings may be added. */
ir_domain *xen_xm_read(const char *file, const char *text, size_t len, vc_diags *d);
ir_domain *xen_xl_read(const char *file, const char *text, size_t len, vc_diags *d);
/* domain -> native text (newline-terminated); warnings (located at the IR
 * element, in file) for what the format cannot express. */
char *xen_xm_write(const ir_domain *dom, const char *file, vc_diags *d);
char *xen_xl_write(const ir_domain *dom, const char *file, vc_diags *d);

#endif
