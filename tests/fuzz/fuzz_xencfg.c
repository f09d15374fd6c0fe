/*
 * fuzz_xencfg.c: the xm/xl grammar and converters on arbitrary bytes.
 *
 * Each input is read as xen-xm and as xen-xl; a domain that comes out is
 * written back in both formats and formatted as XML. Errors are fine,
 * crashes, leaks and undefined behaviour are not.
 */
#include <stddef.h>
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
        if (dom) {
            free(xen_xm_write(dom, "fuzz.cfg", &d));
            free(xen_xl_write(dom, "fuzz.cfg", &d));
            free(xml_domain_format(dom));
            ir_domain_free(dom);
        }
        vc_diags_free(&d);
    }
    free(text);
    return 0;
}
