/*
 * native_sxpr.c: the xen-sxpr row of the native-format table: XenD's
 * S-expressions, both directions, for the XenD protocol version of
 * --xend-version (1 to 4; translators/xen/sxpr.h says what each changes).
 */
#include "native_formats.h"
#include "../translators/xen/sxpr.h"

/* The version is checked once, before any document is read. */
static bool ns_prepare(const native_opts *o, native_ctx *ctx, vc_diags *d)
{
    (void)ctx;
    if (o->xend_version && (o->xend_version < XEN_SXPR_VERSION_MIN ||
                            o->xend_version > XEN_SXPR_VERSION_MAX)) {
        vc_diag_add(d, VC_ERR_USAGE, VC_SEV_ERROR, (vc_loc){ 0 },
                    "--xend-version %d: XenD protocol versions are %d to %d", o->xend_version,
                    XEN_SXPR_VERSION_MIN, XEN_SXPR_VERSION_MAX);
        return false;
    }
    return true;
}

static char *ns_to_native(const ir_domain *dom, const native_opts *o, native_ctx *ctx,
                          vc_diags *d)
{
    (void)ctx;
    return xen_sxpr_from_domain(dom, o->xend_version, o->file, d);
}

static ir_domain *ns_from_native(const char *text, size_t len, const native_opts *o,
                                 vc_diags *d)
{
    return xen_sxpr_to_domain(text, len, o->file, o->xend_version, d);
}

const native_format native_xen_sxpr = {
    .name = "xen-sxpr",
    .ext = "sxpr",
    .prepare = ns_prepare,
    .release = NULL,
    .to_native = ns_to_native,
    .from_native = ns_from_native,
};
