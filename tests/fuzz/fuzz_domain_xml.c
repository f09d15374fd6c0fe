/*
 * fuzz_domain_xml.c: the domain XML front end and formatter.
 *
 * Any input: xml_domain_parse must not crash, leak or hang. A document it
 * accepts must format, and the formatted text must parse back (the formatter
 * never writes what the front end rejects) and format to the same text again
 * (the canonical form is a fixed point).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_paths();
    return 0;
}

/* Shows what went wrong before aborting, so a crash log is self-contained. */
static void fuzz_report(const char *what, const char *text, const vc_diags *d)
{
    fprintf(stderr, "fuzz: %s\n--- formatted ---\n%s--- diagnostics ---\n", what, text);
    vc_diags_print(stderr, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = xml_domain_parse("fuzz.xml", (const char *)data, size, &d);
    FUZZ_REQUIRE(dom || d.nerrors > 0, "a rejected document has no error");
    fuzz_check_located(&d);
    if (!dom) {
        vc_diags_free(&d);
        return 0;
    }
    char *text = xml_domain_format(dom);
    FUZZ_REQUIRE(text != NULL, "xml_domain_format returned NULL");

    vc_diags d2;
    vc_diags_init(&d2);
    ir_domain *again = xml_domain_parse("formatted.xml", text, strlen(text), &d2);
    if (!again) {
        fuzz_report("the formatted document does not parse back", text, &d2);
        abort();
    }
    char *text2 = xml_domain_format(again);
    if (strcmp(text, text2) != 0) {
        fprintf(stderr, "--- second format ---\n%s", text2);
        fuzz_report("formatting is not a fixed point", text, &d2);
        abort();
    }
    free(text2);
    ir_domain_free(again);
    vc_diags_free(&d2);
    free(text);
    ir_domain_free(dom);
    vc_diags_free(&d);
    return 0;
}
