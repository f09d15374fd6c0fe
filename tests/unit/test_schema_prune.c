/*
 * test_schema_prune.c: the schema pruned to a document (schema_prune.c) on
 * small schemas of our own, written to a temporary schema directory as
 * domain.rng: what is pruned and simplified, what is left alone, and the
 * schemas it gives up on. Its agreement with the whole schema on real
 * documents is tests/schema-prune-diff.sh's.
 */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "schema.h"
#include "util.h"

static char dir[] = "/tmp/virtc-test-prune-XXXXXX";

static void put(const char *name, const char *text)
{
    char *path = vc_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(path);
}

#define HEAD "<?xml version='1.0'?>\n<!-- a schema -->\n" \
             "<grammar xmlns='http://relaxng.org/ns/structure/1.0' " \
             "xmlns:vc='urn:virtc:schema-annotations' " \
             "datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'>\n"

/* The schema (domain.rng) and the document; the pruned text, or NULL with
 * *why. */
static char *pruned(const char *schema, const char *doc, const char **why, bool *valid)
{
    put("domain.rng", schema);
    xmlDocPtr d = xmlReadMemory(doc, (int)strlen(doc), "t.xml", NULL, 0);
    char *text = vc_schema_pruned_text(vc_schema_kind_by_name("domain"), d, why);
    *valid = vc_schema_valid_pruned(vc_schema_kind_by_name("domain"), d);
    xmlFreeDoc(d);
    return text;
}

static void test_pruning(void)
{
    const char *schema =
        HEAD
        "<include href='types.rng'/>\n"
        "<start><ref name='domain'/></start>\n"
        "<define name='domain'><element name='domain'>\n"
        "  <attribute name='type'><ref name='word'/></attribute>\n"
        "  <interleave>\n"
        "    <optional><element name='name'><text/></element></optional>\n"
        "    <optional><ref name='big'/></optional>\n"
        "    <zeroOrMore><choice><ref name='disk'/><ref name='nic'/></choice></zeroOrMore>\n"
        "    <optional><element name='meta'><zeroOrMore><ref name='any'/></zeroOrMore></element></optional>\n"
        "  </interleave>\n"
        "</element></define>\n"
        "<define name='big' vc:expect='something'><element name='big'>\n"
        "  <a:documentation xmlns:a='urn:x'>skipped <b>too</b></a:documentation>\n"
        "  <element name='inner'><empty/></element></element></define>\n"
        "<define name='disk'><element name='disk'><ref name='word'/></element></define>\n"
        "<define name='nic'><element name='nic'><ref name='onlynic'/></element></define>\n"
        "<define name='onlynic'><element name='model'><value> a&amp;b </value></element></define>\n"
        "<define name='any'><element><anyName/><zeroOrMore><choice>\n"
        "  <attribute><anyName/></attribute><text/><ref name='any'/></choice></zeroOrMore>\n"
        "</element></define>\n"
        "</grammar>\n";
    put("types.rng", HEAD "<define name='word'><data type='token'/></define></grammar>\n");
    const char *why = NULL;
    bool valid;
    char *t = pruned(schema, "<domain type='x'><name>n</name><disk>d</disk>"
                             "<meta><x:y xmlns:x='urn:y' k='v'>z</x:y></meta></domain>", &why, &valid);
    CHECK(t && !why, "a schema with an include, comments and annotations is pruned");
    CHECK(t && strstr(t, "<element name='big'><empty/></element></define>") &&
              strstr(t, "<element name='nic'><empty/></element>"),
          "an element the document lacks keeps its name, its content is <empty/>");
    CHECK(t && !strstr(t, "'inner'") && !strstr(t, "onlynic"),
          "what only the content of such elements uses is gone");
    CHECK(t && strstr(t, "<define name='disk'") && strstr(t, "<define name='word'"),
          "what the document's elements use is kept, includes too");
    CHECK(t && strstr(t, "<interleave><optional><element name='name'><text/></element></optional>"
                         "<optional><ref name='big'/></optional>"
                         "<zeroOrMore><choice><ref name='disk'/><ref name='nic'/></choice></zeroOrMore>"),
          "every group, interleave, choice and repetition stays as it is (libxml2's order verdicts "
          "depend on them)");
    CHECK(t && !strstr(t, "vc:") && !strstr(t, "documentation"), "annotations are dropped");
    CHECK(t && strstr(t, "<anyName/>") && strstr(t, "<attribute><anyName/></attribute>"),
          "name classes are left alone (an attribute's content stays text)");
    CHECK(valid, "the document is valid against the pruned schema");
    free(t);

    t = pruned(schema, "<domain type='x'><nic><model> a&amp;b </model></nic></domain>", &why, &valid);
    CHECK(t && strstr(t, "<value> a&amp;b </value>"), "a value is copied as it is written");
    CHECK(valid, "its document is valid");
    free(t);

    t = pruned(schema, "<domain type='x'><nic><model>ab</model></nic></domain>", &why, &valid);
    CHECK(t && !valid, "a wrong value is refused");
    free(t);
    t = pruned(schema, "<domain type='x'><big/></domain>", &why, &valid);
    CHECK(t && !valid, "an element whose content was pruned away refuses its document");
    free(t);
    t = pruned(schema, "<domain type='x'><unknown/></domain>", &why, &valid);
    CHECK(t && !valid, "an element the schema does not have is refused");
    free(t);
    t = pruned(schema, "<other/>", &why, &valid);
    CHECK(t && !valid, "another root is refused");
    free(t);
}

/* The schema flattened as the build does (vc_schema_flatten) gives, for
 * each document, the text the files give; it is used only while each
 * file it came from is unchanged. */
static void test_flat(void)
{
    put("domain.rng",
        HEAD "<include href='types.rng'/>\n<!-- c -->\n"
        "<start><ref name='domain'/></start>\n"
        "<define name='domain'><element name='domain' vc:expect='x'>\n"
        "  <interleave><optional><element name='name'><ref name='word'/></element></optional>\n"
        "  <zeroOrMore><element name='disk'><ref name='target'/></element></zeroOrMore>\n"
        "  <optional><element><anyName/><ref name='word'/></element></optional></interleave>\n"
        "</element></define>\n"
        "<define name='target'><element name='target'><attribute name='dev'><ref name='word'/>"
        "</attribute></element></define>\n"
        "<define name='unused'><element name='x'><empty/></element></define>\n"
        "</grammar>\n");
    put("types.rng", HEAD "<define name='word' ns=''><data type='token'/></define></grammar>\n");
    vc_schema_flat f;
    const char *why = NULL;
    CHECK(vc_schema_flatten(dir, "domain.rng", &f, &why) && !why, "a schema is flattened");
    CHECK(f.nsources == 2 && strcmp(f.sources[1].file, "types.rng") == 0,
          "the flattened schema names the files it came from");
    CHECK(f.text && !strstr(f.text, "unused") && !strstr(f.text, "include") && !strstr(f.text, "vc:"),
          "one grammar: no include, no annotation, no define the start does not reach");
    CHECK(vc_schema_flat_current(&f, dir), "it is current while its files are unchanged");
    static const char *const docs[] = {
        "<domain/>", "<domain><name>n</name></domain>",
        "<domain><disk><target dev='a'/></disk><foo>x</foo></domain>", "<other/>",
    };
    const vc_schema_kind *kind = vc_schema_kind_by_name("domain");
    for (size_t i = 0; i < VC_ARRAY_SIZE(docs); i++) {
        xmlDocPtr d = xmlReadMemory(docs[i], (int)strlen(docs[i]), "t.xml", NULL, 0);
        const char *w1, *w2;
        char *a = vc_schema_pruned_text_from(kind, d, NULL, &w1);
        char *b = vc_schema_pruned_text_from(kind, d, &f, &w2);
        char *name = vc_xasprintf("%s: the flattened schema prunes to the files' text", docs[i]);
        CHECK(a && b && strcmp(a, b) == 0, name);
        free(name);
        free(a);
        free(b);
        xmlFreeDoc(d);
    }
    put("types.rng", HEAD "<define name='word' ns=''><data type='token'/></define></grammar>\n\n");
    CHECK(!vc_schema_flat_current(&f, dir), "an included file changed: not current");
    char *path = vc_xasprintf("%s/types.rng", dir);
    unlink(path);
    free(path);
    CHECK(!vc_schema_flat_current(&f, dir), "an included file gone: not current");
    vc_schema_flat_free(&f);
    CHECK(!vc_schema_flat_current(vc_schema_flat_of(kind), dir),
          "the build's flattened domain schema is not used for another schema directory");
}

static void test_gives_up(void)
{
    static const struct {
        const char *schema, *what;
    } cases[] = {
        { HEAD "<start combine='choice'><element name='domain'><empty/></element></start></grammar>",
          "a combine" },
        { "<!DOCTYPE grammar>" HEAD "<start><element name='domain'><empty/></element></start></grammar>",
          "a DOCTYPE" },
        { HEAD "<start><element name='domain'><externalRef href='x.rng'/></element></start></grammar>",
          "an externalRef" },
        { HEAD "<start><element name='domain'><grammar><start><empty/></start></grammar></element>"
               "</start></grammar>", "a nested grammar" },
        { HEAD "<start><ref name='nowhere'/></start></grammar>", "a ref to no define" },
        { HEAD "<include href='types.rng'><define name='word'><text/></define></include>"
               "<start><element name='domain'><empty/></element></start></grammar>",
          "an include that overrides" },
        { HEAD "<start><element name='domain'><value><![CDATA[x]]></value></element></start></grammar>",
          "CDATA" },
        { HEAD "<start><element name='domain'><attribute name='a'><value>x\ny</value>"
               "</attribute></element></start></grammar>", "" },
    };
    for (size_t i = 0; i + 1 < VC_ARRAY_SIZE(cases); i++) {
        const char *why = NULL;
        bool valid;
        char *t = pruned(cases[i].schema, "<domain/>", &why, &valid);
        char *name = vc_xasprintf("gives up on %s", cases[i].what);
        CHECK(!t && why && !valid, name);
        free(name);
        free(t);
    }
    /* a newline inside a value is text, copied as it is: kept */
    const char *why = NULL;
    bool valid;
    char *t = pruned(cases[VC_ARRAY_SIZE(cases) - 1].schema, "<domain a='x\ny'/>", &why, &valid);
    CHECK(t && strstr(t, "x\ny"), "a value's newline is kept");
    free(t);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "temporary directory");
    setenv("VIRTC_SCHEMA_DIR", dir, 1);
    test_pruning();
    test_flat();
    test_gives_up();
    char *cmd = vc_xasprintf("rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "temporary directory removed");
    free(cmd);
    return check_done();
}
