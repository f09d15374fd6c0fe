/*
 * fuzz_xencfg.c: the xm/xl grammar and converters on arbitrary bytes.
 *
 * Each input is read as xen-xm and as xen-xl; a domain that comes out is
 * written back in both formats and formatted as XML. Errors are fine,
 * crashes, leaks and undefined behaviour are not; a rejection must say why
 * at a line of the input, and what the xl writer writes must read back.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"
#include "fuzz.h"
#include "util.h"
#include "xen/xen_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = vc_xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    ir_domain *(*readers[])(const char *, const char *, size_t, vc_diags *) = { xen_xm_read,
                                                                                 xen_xl_read };
    for (size_t i = 0; i < 2; i++) {
        vc_diags d;
        vc_diags_init(&d);
        ir_domain *dom = readers[i]("fuzz.cfg", text, size, &d);
        if (!dom && (!d.nerrors || d.v[d.n - 1].line <= 0))
            abort();   /* a rejection without a located reason */
        if (dom) {
            free(xen_xm_write(dom, "fuzz.cfg", &d));
            char *xl = xen_xl_write(dom, "fuzz.cfg", &d);
            free(xml_domain_format(dom));
            ir_domain_free(dom);
            vc_diags back;
            vc_diags_init(&back);
            ir_domain *again = xen_xl_read("fuzz-out.cfg", xl, strlen(xl), &back);
            if (!again) {
                vc_diags_print(stderr, &back);
                fprintf(stderr, "%s", xl);
                abort();   /* the writer wrote what the reader refuses */
            }
            ir_domain_free(again);
            vc_diags_free(&back);
            free(xl);
        }
        vc_diags_free(&d);
    }
    free(text);
    return 0;
}
