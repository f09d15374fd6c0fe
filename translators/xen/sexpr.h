/*
 * sexpr.h: the S-expression tree of the xen-sxpr format (XenD's RPC).
 *
 * grammar/sexpr.l and grammar/sexpr.y read text into this tree; the xen-sxpr
 * translator (sxpr.h) lifts it to the IR and builds it back from the IR.
 * A node is an atom (bare or quoted, escapes resolved) or a list; every node
 * carries where it starts in the input. What the reader tolerates is
 * documented in grammar/README.md.
 */
#ifndef VIRTC_XEN_SEXPR_H
#define VIRTC_XEN_SEXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"
#include "../ir.h"
#include "../util.h"

/* Lists nested deeper than this are refused (a located error), so neither the
 * parser's stack nor the tree's recursive walks can exhaust the C stack. */
#define SEXPR_MAX_DEPTH 1000

typedef struct sexpr_node sexpr_node;
struct sexpr_node {
    bool is_list;
    char *atom;            /* atoms: the text, escapes resolved; NULL for lists */
    size_t len;            /* atoms: bytes in atom (may hold NUL from \000) */
    bool quoted;           /* atoms: written between quotes */
    sexpr_node **kids;     /* lists: the elements */
    size_t n, cap;
    ir_pos pos;            /* first character of the node */
};

/* Parses a whole document (one list; see grammar/README.md for what is
 * tolerated with a warning). file names the input in diagnostics. NULL with
 * located errors in d when the input is not an S-expression. */
sexpr_node *sexpr_parse(const char *text, size_t len, const char *file, vc_diags *d);
void sexpr_free(sexpr_node *n);

sexpr_node *sexpr_atom_new(const char *s, size_t len, bool quoted, ir_pos pos);
sexpr_node *sexpr_list_new(ir_pos pos);
void sexpr_append(sexpr_node *list, sexpr_node *kid);   /* takes kid */

/* The head atom of a list ("(vbd ...)" -> "vbd"); NULL if none. */
const char *sexpr_head(const sexpr_node *n);
/* The first element of list that is a list headed by key, or NULL. */
const sexpr_node *sexpr_find(const sexpr_node *list, const char *key);
/* "(key value)" in list: value's atom text; NULL when absent or not an atom. */
const char *sexpr_value(const sexpr_node *list, const char *key);

/* Text form: atoms quoted with single quotes when they need it, lists
 * written on one line (the layout libvirt's converter wrote). */
void sexpr_write(vc_buf *b, const sexpr_node *n);
/* The normal form used to compare meaning: every atom unquoted or quoted
 * the same way, and the elements of each list after its head sorted; a
 * list holding lists is written one element a line, indented, its ')' on
 * a line of its own. */
char *sexpr_canonical(const sexpr_node *n);

#endif
