/*
 * sxpr_tree.c: the S-expression tree (sexpr.h): building, looking up,
 * writing, and the normal form that compares two documents by meaning.
 * The reader is grammar/sexpr.y.
 */
#include <stdlib.h>
#include <string.h>

#include "sexpr.h"

sexpr_node *sexpr_atom_new(const char *s, size_t len, bool quoted, ir_pos pos)
{
    sexpr_node *n = vc_xcalloc(1, sizeof(*n));
    n->atom = vc_xstrndup(s, len);
    n->len = len;
    n->quoted = quoted;
    n->pos = pos;
    return n;
}

sexpr_node *sexpr_list_new(ir_pos pos)
{
    sexpr_node *n = vc_xcalloc(1, sizeof(*n));
    n->is_list = true;
    n->pos = pos;
    return n;
}

void sexpr_append(sexpr_node *list, sexpr_node *kid)
{
    vc_xgrow((void **)&list->kids, &list->cap, list->n + 1, sizeof(*list->kids));
    list->kids[list->n++] = kid;
}

/* Recursion is bounded: the reader refuses lists deeper than
 * SEXPR_MAX_DEPTH and the writer builds trees a few levels deep. */
void sexpr_free(sexpr_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        sexpr_free(n->kids[i]);
    free(n->kids);
    free(n->atom);
    free(n);
}

const char *sexpr_head(const sexpr_node *n)
{
    if (!n || !n->is_list || n->n == 0 || n->kids[0]->is_list)
        return NULL;
    return n->kids[0]->atom;
}

const sexpr_node *sexpr_find(const sexpr_node *list, const char *key)
{
    if (!list || !list->is_list)
        return NULL;
    for (size_t i = 0; i < list->n; i++)
        if (vc_streq(sexpr_head(list->kids[i]), key))
            return list->kids[i];
    return NULL;
}

const char *sexpr_value(const sexpr_node *list, const char *key)
{
    const sexpr_node *kv = sexpr_find(list, key);
    if (!kv || kv->n < 2 || kv->kids[1]->is_list)
        return NULL;
    return kv->kids[1]->atom;
}

/* An atom that would not read back as one bare atom must be quoted. */
static bool sexpr_needs_quotes(const sexpr_node *a)
{
    if (a->len == 0)
        return true;
    for (size_t i = 0; i < a->len; i++) {
        unsigned char c = (unsigned char)a->atom[i];
        if (c <= ' ' || c == 0x7f || strchr("()'\"\\", c))
            return true;
    }
    return false;
}

static void sexpr_write_atom(vc_buf *b, const sexpr_node *a, bool keep_quotes)
{
    if (!(keep_quotes && a->quoted) && !sexpr_needs_quotes(a)) {
        vc_buf_add(b, a->atom, a->len);
        return;
    }
    vc_buf_putc(b, '\'');
    for (size_t i = 0; i < a->len; i++) {
        unsigned char c = (unsigned char)a->atom[i];
        if (c == '\'' || c == '\\') {
            vc_buf_putc(b, '\\');
            vc_buf_putc(b, (char)c);
        } else if (c == '\n') {
            vc_buf_puts(b, "\\n");
        } else if (c == '\t') {
            vc_buf_puts(b, "\\t");
        } else if (c < ' ' || c == 0x7f) {
            vc_buf_printf(b, "\\%03o", c);
        } else {
            vc_buf_putc(b, (char)c);
        }
    }
    vc_buf_putc(b, '\'');
}

void sexpr_write(vc_buf *b, const sexpr_node *n)
{
    if (!n->is_list) {
        sexpr_write_atom(b, n, true);
        return;
    }
    vc_buf_putc(b, '(');
    for (size_t i = 0; i < n->n; i++) {
        /* a space follows an atom; lists need none: "(vm (name 'x')(memory 8))" */
        if (i > 0 && (!n->kids[i]->is_list || !n->kids[i - 1]->is_list))
            vc_buf_putc(b, ' ');
        sexpr_write(b, n->kids[i]);
    }
    vc_buf_putc(b, ')');
}

static int sexpr_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The normal form of n at depth indent (see sexpr.h). */
static char *sexpr_canon(const sexpr_node *n, int indent)
{
    vc_buf b;
    vc_buf_init(&b);
    if (!n->is_list) {
        sexpr_write_atom(&b, n, false);
        return vc_buf_steal(&b);
    }
    bool flat = true;
    char **kids = vc_xcalloc(n->n + 1, sizeof(*kids));
    for (size_t i = 0; i < n->n; i++) {
        kids[i] = sexpr_canon(n->kids[i], indent + 1);
        flat = flat && !n->kids[i]->is_list;
    }
    size_t first = sexpr_head(n) ? 1 : 0;
    if (n->n > first)
        qsort(kids + first, n->n - first, sizeof(*kids), sexpr_strcmp);
    vc_buf_putc(&b, '(');
    for (size_t i = 0; i < n->n; i++) {
        if (i > 0 && flat) {
            vc_buf_putc(&b, ' ');
        } else if (i > 0) {
            vc_buf_putc(&b, '\n');
            vc_buf_indent(&b, 2 * (indent + 1));
        }
        vc_buf_puts(&b, kids[i]);
        free(kids[i]);
    }
    /* a closing parenthesis of its own, so that a line is a whole element */
    if (!flat) {
        vc_buf_putc(&b, '\n');
        vc_buf_indent(&b, 2 * indent);
    }
    vc_buf_putc(&b, ')');
    free(kids);
    return vc_buf_steal(&b);
}

char *sexpr_canonical(const sexpr_node *n)
{
    char *s = sexpr_canon(n, 0);
    char *r = vc_xasprintf("%s\n", s);
    free(s);
    return r;
}
