/* xen_cfg_tree.c: the syntax tree of the xm/xl configuration language. */
#include "xen_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"

xcfg_value *xcfg_value_new(xcfg_kind kind, int line, int column, char *text)
{
    xcfg_value *v = vc_xcalloc(1, sizeof(*v));
    v->kind = kind;
    v->line = line;
    v->column = column;
    v->text = text;
    return v;
}

void xcfg_list_add(xcfg_value *list, xcfg_value *item)
{
    vc_xgrow((void **)&list->items, &list->cap, list->n + 1, sizeof(*list->items));
    list->items[list->n++] = item;
}

/* Iterative: a list is freed with its items without recursion, so that no
 * tree shape can exhaust the stack. */
void xcfg_value_free(xcfg_value *v)
{
    xcfg_value **stack = NULL;
    size_t n = 0, cap = 0;
    if (v) {
        vc_xgrow((void **)&stack, &cap, 1, sizeof(*stack));
        stack[n++] = v;
    }
    while (n) {
        xcfg_value *cur = stack[--n];
        vc_xgrow((void **)&stack, &cap, n + cur->n, sizeof(*stack));
        for (size_t i = 0; i < cur->n; i++)
            stack[n++] = cur->items[i];
        free(cur->items);
        free(cur->text);
        free(cur);
    }
    free(stack);
}

void xcfg_file_add(xcfg_file *f, char *key, int line, int column, xcfg_value *v)
{
    vc_xgrow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v));
    f->v[f->n++] = (xcfg_entry){ key, line, column, v };
}

void xcfg_file_free(xcfg_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].key);
        xcfg_value_free(f->v[i].value);
    }
    free(f->v);
    free(f);
}

/* Nothing a single-quoted string would have to escape, and a double quote
 * that a double-quoted one would (libvirt writes such a value in single
 * quotes). */
static bool xcfg_single_quoted(const char *s)
{
    if (!strchr(s, '"'))
        return false;
    for (; *s; s++)
        if (*s == '\'' || *s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

char *xcfg_quote(const char *s)
{
    if (xcfg_single_quoted(s))
        return vc_xasprintf("'%s'", s);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_putc(&b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            vc_buf_printf(&b, "\\%c", c);
        else if (c == '\n')
            vc_buf_puts(&b, "\\n");
        else if (c == '\t')
            vc_buf_puts(&b, "\\t");
        else if (c == '\r')
            vc_buf_puts(&b, "\\r");
        else if (c < 0x20 || c == 0x7f)
            vc_buf_printf(&b, "\\x%02x", c);
        else
            vc_buf_putc(&b, (char)c);
    }
    vc_buf_putc(&b, '"');
    return vc_buf_steal(&b);
}

static void xcfg_text_add(vc_buf *b, const xcfg_value *v, int depth)
{
    if (v->kind == XCFG_INT) {
        vc_buf_puts(b, v->text);
    } else if (v->kind == XCFG_STRING) {
        char *q = xcfg_quote(v->text);
        vc_buf_puts(b, q);
        free(q);
    } else {
        /* depth is bounded by XCFG_MAX_DEPTH (the parser refuses deeper) */
        vc_buf_puts(b, "[ ");
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                vc_buf_puts(b, ", ");
            xcfg_text_add(b, v->items[i], depth + 1);
        }
        vc_buf_puts(b, v->n ? " ]" : "]");
    }
}

char *xcfg_value_text(const xcfg_value *v)
{
    vc_buf b;
    vc_buf_init(&b);
    xcfg_text_add(&b, v, 0);
    return vc_buf_steal(&b);
}
