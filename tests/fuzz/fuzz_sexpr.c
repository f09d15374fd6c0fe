/*
 * fuzz_sexpr.c: the S-expression grammar and the xen-sxpr converter on
 * arbitrary bytes.
 *
 * Each input is read as an S-expression tree (written back and put in
 * normal form) and as a xen-sxpr domain for every XenD version; a domain
 * that comes out is written back as xen-sxpr and formatted as XML. Errors
 * are fine (but a refusal must say why), crashes, leaks and undefined
 * behaviour are not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"
#include "fuzz.h"
#include "util.h"
#include "xen/sexpr.h"
#include "xen/sxpr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = vc_xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    vc_diags d;
    vc_diags_init(&d);
    sexpr_node *root = sexpr_parse(text, size, "fuzz.sxpr", &d);
    if (root) {
        vc_buf b;
        vc_buf_init(&b);
        sexpr_write(&b, root);
        free(sexpr_canonical(root));
        vc_buf_free(&b);
        sexpr_free(root);
    } else if (!d.nerrors) {
        abort();   /* a refusal says why */
    }
    vc_diags_free(&d);
    for (int v = XEN_SXPR_VERSION_MIN; v <= XEN_SXPR_VERSION_MAX; v++) {
        vc_diags_init(&d);
        ir_domain *dom = xen_sxpr_to_domain(text, size, "fuzz.sxpr", v, &d);
        if (dom) {
            free(xen_sxpr_from_domain(dom, v, "fuzz.sxpr", &d));
            free(xml_domain_format(dom));
            ir_domain_free(dom);
        } else if (!d.nerrors) {
            abort();
        }
        vc_diags_free(&d);
    }
    free(text);
    return 0;
}
