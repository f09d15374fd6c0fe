/*
 * fuzz_qemu_read.c: the whole qemu-argv reader (domxml-from-native) on any
 * text: either a domain that formats, or errors, each located in the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"
#include "fuzz.h"
#include "qemu/argv_read.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the verb hands the reader a NUL-terminated copy */
    char *text = vc_xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = qemu_read_argv(text, size, "fuzz.args", &d);
    if (!dom) {
        FUZZ_REQUIRE(d.nerrors > 0, "a failed read has no error");
        for (size_t i = 0; i < d.n; i++)
            FUZZ_REQUIRE(d.v[i].severity != VC_SEV_ERROR || d.v[i].line > 0,
                         "an error without a line");
    } else {
        FUZZ_REQUIRE(d.nerrors == 0, "a read that succeeded reported an error");
        FUZZ_REQUIRE(dom->name && dom->uuid_given, "a domain without name or uuid");
        char *xml = xml_domain_format(dom);
        FUZZ_REQUIRE(xml != NULL, "the domain does not format");
        free(xml);
        ir_domain_free(dom);
    }
    vc_diags_free(&d);
    free(text);
    return 0;
}
