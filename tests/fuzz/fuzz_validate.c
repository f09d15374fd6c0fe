/*
 * fuzz_validate.c: what `virtc validate` does with a file of unknown kind:
 * read it, pick the schema by its root element, validate.
 *
 * Any input: no crash, no leak, no hang, and every rejection is an error in
 * the diagnostics. The schemas are compiled once in LLVMFuzzerInitialize, so
 * the fuzzer spends its time in reading and validating, not compiling.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "schema.h"
#include "xmldoc.h"

/* The kinds whose schema compiled; at most 64 kinds. */
static const vc_schema_kind *fuzz_kinds;
static uint64_t fuzz_loaded;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_paths();
    size_t n;
    const vc_schema_kind *kinds = vc_schema_kinds(&n);
    fuzz_kinds = kinds;
    for (size_t i = 0; i < n && i < 64; i++) {
        vc_diags d;
        vc_diags_init(&d);
        /* A kind whose schema is not written yet is only not fuzzed. */
        if (vc_schema_preload(&kinds[i], &d))
            fuzz_loaded |= UINT64_C(1) << i;
        else
            fprintf(stderr, "fuzz_validate: schema '%s' not loaded; its documents are skipped\n",
                    kinds[i].name);
        vc_diags_free(&d);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vc_diags d;
    vc_diags_init(&d);
    xmlDocPtr doc = xml_doc_read("fuzz.xml", (const char *)data, size, &d);
    FUZZ_REQUIRE(doc || d.nerrors > 0, "an unreadable document has no error");
    if (doc) {
        xmlNodePtr root = xmlDocGetRootElement(doc);
        FUZZ_REQUIRE(root != NULL, "a document read without a root element");
        const vc_schema_kind *kind = vc_schema_kind_by_root(root);
        if (kind && (fuzz_loaded >> (kind - fuzz_kinds) & 1)) {
            bool ok = vc_schema_validate(kind, doc, "fuzz.xml", &d);
            FUZZ_REQUIRE(ok || d.nerrors > 0, "an invalid document has no error");
        }
        xmlFreeDoc(doc);
    }
    fuzz_check_located(&d);
    vc_diags_free(&d);
    return 0;
}
