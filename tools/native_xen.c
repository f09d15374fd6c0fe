/*
 * native_xen.c: the xen-xm and xen-xl rows of the native-format table
 * (thin calls into translators/xen/xen_cfg.h).
 */
#include "native_formats.h"
#include "../translators/xen/xen_cfg.h"

static char *nx_xm_to(const ir_domain *dom, const native_opts *o, native_ctx *ctx, vc_diags *d)
{
    (void)ctx;
    return xen_xm_write(dom, o->file, d);
}

static char *nx_xl_to(const ir_domain *dom, const native_opts *o, native_ctx *ctx, vc_diags *d)
{
    (void)ctx;
    return xen_xl_write(dom, o->file, d);
}

static ir_domain *nx_xm_from(const char *text, size_t len, const native_opts *o, vc_diags *d)
{
    return xen_xm_read(o->file, text, len, d);
}

static ir_domain *nx_xl_from(const char *text, size_t len, const native_opts *o, vc_diags *d)
{
    return xen_xl_read(o->file, text, len, d);
}

const native_format native_xen_xm = { "xen-xm", "cfg", NULL, NULL, nx_xm_to, nx_xm_from };
const native_format native_xen_xl = { "xen-xl", "cfg", NULL, NULL, nx_xl_to, nx_xl_from };
