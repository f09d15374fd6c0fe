/* error.c: collecting and printing located diagnostics. */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "util.h"

static const char *const vc_severity_names[] = {
    [VC_SEV_ERROR] = "error",
    [VC_SEV_WARNING] = "warning",
    [VC_SEV_NOTE] = "note",
};

const char *vc_severity_name(vc_severity s)
{
    return vc_severity_names[s];
}

void vc_diags_init(vc_diags *d)
{
    d->v = NULL;
    d->n = d->cap = d->nerrors = 0;
}

void vc_diags_clear(vc_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].message);
    }
    d->n = d->nerrors = 0;
}

void vc_diags_free(vc_diags *d)
{
    vc_diags_clear(d);
    free(d->v);
    vc_diags_init(d);
}

static void vc_diag_vadd(vc_diags *d, vc_code code, vc_severity sev, vc_loc loc,
                         const char *fmt, va_list ap)
{
    vc_xgrow((void **)&d->v, &d->cap, d->n + 1, sizeof(vc_error));
    vc_error *e = &d->v[d->n++];
    e->code = code;
    e->severity = sev;
    e->file = vc_xstrdup(loc.file);
    e->line = loc.line;
    e->column = loc.column;
    e->message = vc_xvasprintf(fmt, ap);
    if (sev == VC_SEV_ERROR)
        d->nerrors++;
}

void vc_diag_add(vc_diags *d, vc_code code, vc_severity sev, vc_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_diag_vadd(d, code, sev, loc, fmt, ap);
    va_end(ap);
}

bool vc_error_at(vc_diags *d, vc_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_diag_vadd(d, VC_ERR_INVALID, VC_SEV_ERROR, loc, fmt, ap);
    va_end(ap);
    return false;
}

bool vc_verror_at(vc_diags *d, vc_loc loc, const char *fmt, va_list ap)
{
    vc_diag_vadd(d, VC_ERR_INVALID, VC_SEV_ERROR, loc, fmt, ap);
    return false;
}

bool vc_read_error(vc_diags *d, const char *name, int err)
{
    vc_loc loc = { name, 1, 1 };
    if (err == EFBIG)
        return vc_error_at(d, loc, "%s", vc_read_strerror(err));
    return vc_error_at(d, loc, "cannot read: %s", vc_read_strerror(err));
}

char *vc_read_doc(const char *path, const char *name, unsigned flags, size_t *len, vc_diags *d)
{
    int err;
    char *s = vc_read_input(path, flags, len, &err);
    if (!s)
        vc_read_error(d, name ? name : path, err);
    return s;
}

bool vc_runtime_error(vc_diags *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_loc none = { NULL, 0, 0 };
    vc_diag_vadd(d, VC_ERR_RUNTIME, VC_SEV_ERROR, none, fmt, ap);
    va_end(ap);
    return false;
}

void vc_warn_at(vc_diags *d, vc_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_diag_vadd(d, VC_OK, VC_SEV_WARNING, loc, fmt, ap);
    va_end(ap);
}

void vc_diags_append(vc_diags *dst, const vc_diags *src)
{
    for (size_t i = 0; i < src->n; i++) {
        const vc_error *e = &src->v[i];
        vc_loc loc = { e->file, e->line, e->column };
        vc_diag_add(dst, e->code, e->severity, loc, "%s", e->message);
    }
}

vc_code vc_diags_code(const vc_diags *d)
{
    vc_code worst = VC_OK;
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == VC_SEV_ERROR && d->v[i].code > worst)
            worst = d->v[i].code;
    return worst;
}

/* "file:line:column: severity: message\n" */
static void vc_error_format(vc_buf *b, const vc_error *e)
{
    if (e->file) {
        vc_buf_puts(b, e->file);
        if (e->line > 0) {
            vc_buf_printf(b, ":%d", e->line);
            if (e->column > 0)
                vc_buf_printf(b, ":%d", e->column);
        }
        vc_buf_puts(b, ": ");
    } else {
        vc_buf_puts(b, "virtc: ");
    }
    vc_buf_puts(b, vc_severity_name(e->severity));
    vc_buf_puts(b, ": ");
    vc_buf_puts(b, e->message);
    vc_buf_putc(b, '\n');
}

/* stderr is unbuffered: a line written in pieces is a write() per piece,
 * and a document of thousands of findings would be hundreds of thousands of
 * them. So lines are written whole, and a list of them in blocks. */
#define VC_DIAG_BLOCK 65536

void vc_error_print(FILE *f, const vc_error *e)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_error_format(&b, e);
    fwrite(b.data, 1, b.len, f);
    vc_buf_free(&b);
}

void vc_diags_print(FILE *f, const vc_diags *d)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < d->n; i++) {
        vc_error_format(&b, &d->v[i]);
        if (b.len >= VC_DIAG_BLOCK || i + 1 == d->n) {
            fwrite(b.data, 1, b.len, f);
            b.len = 0;
        }
    }
    vc_buf_free(&b);
}
