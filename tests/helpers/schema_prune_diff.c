/*
 * schema_prune_diff.c: the pruned schema's verdict next to the whole
 * schema's (translators/schema_prune.c), document by document.
 *
 *   schema_prune_diff NAME FILE...
 *
 * Each FILE is a domain document (valid or not). Prints one FAIL line per
 * document the two verdicts differ on, whose schema the pruning gave up
 * on, or whose pruned schema from the one the build flattened
 * (vc_schema_flat, which `virtc start` uses) is not byte for byte the one
 * from the schema files; a FAIL line when that flattened schema is not
 * current for the schema directory (it would not be used); then one line "PASS schema-prune/NAME: N/N agree (V valid, I
 * invalid)" or "FAIL schema-prune/NAME: ...". Files that are not
 * well-formed XML are counted apart (no verdict to compare). Exit status 0
 * when all agree.
 */
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

#include "paths.h"
#include "schema.h"
#include "util.h"
#include "xmldoc.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: schema_prune_diff NAME FILE...\n");
        return 2;
    }
    const vc_schema_kind *kind = vc_schema_kind_by_name("domain");
    const vc_schema_flat *flat = vc_schema_flat_of(kind);
    bool current = flat && vc_schema_flat_current(flat, vc_schema_dir());
    if (!current)
        printf("FAIL schema-prune/%s: the flattened domain schema is not current for %s (make)\n",
               argv[1], vc_schema_dir());
    size_t n = 0, agree = 0, valid = 0, unparsed = 0;
    for (int i = 2; i < argc; i++) {
        vc_diags d;
        vc_diags_init(&d);
        xmlDocPtr doc = xml_doc_read_file(argv[i], &d);
        if (!doc || !xmlDocGetRootElement(doc)) {
            unparsed++;
            xmlFreeDoc(doc);
            vc_diags_free(&d);
            continue;
        }
        const char *why = NULL, *why_flat = NULL;
        char *text = vc_schema_pruned_text_from(kind, doc, NULL, &why);
        char *text_flat = vc_schema_pruned_text_from(kind, doc, flat, &why_flat);
        bool same_text = text && text_flat && strcmp(text, text_flat) == 0;
        free(text);
        free(text_flat);
        bool pruned = vc_schema_valid_pruned(kind, doc);
        bool full = vc_schema_validate(kind, doc, argv[i], &d);
        n++;
        valid += full;
        if (why)
            printf("FAIL schema-prune/%s: the pruning gave up on the schema: %s\n", argv[1], why);
        else if (!same_text)
            printf("FAIL schema-prune/%s: %s: the flattened schema prunes to another text than "
                   "the schema files\n", argv[1], argv[i]);
        else if (pruned != full)
            printf("FAIL schema-prune/%s: %s: the pruned schema says %s, the whole one %s\n",
                   argv[1], argv[i], pruned ? "valid" : "invalid", full ? "valid" : "invalid");
        else
            agree++;
        xmlFreeDoc(doc);
        vc_diags_free(&d);
    }
    printf("%s schema-prune/%s: %zu/%zu agree (%zu valid, %zu invalid; %zu not well-formed, "
           "not judged)\n",
           agree == n && n > 0 && current ? "PASS" : "FAIL", argv[1], agree, n, valid, n - valid,
           unparsed);
    return agree == n && n > 0 && current ? 0 : 1;
}
