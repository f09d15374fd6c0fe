/* test_xmldoc.c: element positions and located parse errors. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "error.h"
#include "util.h"
#include "xmldoc.h"

static void test_positions(void)
{
    const char *src =
        "<domain type='qemu'>\n"
        "  <name>x</name>\n"
        "\t<devices><disk\n"
        "     type='file'/></devices>\n"
        "</domain>\n";
    vc_diags d;
    vc_diags_init(&d);
    xmlDocPtr doc = xml_doc_read("t.xml", src, strlen(src), &d);
    CHECK(doc != NULL && d.nerrors == 0, "parses");
    if (!doc)
        return;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    CHECK(xml_node_line(root) == 1 && xml_node_column(root) == 1, "root at 1:1");
    xmlNodePtr name = xml_child(root, "name");
    CHECK(xml_node_line(name) == 2 && xml_node_column(name) == 3, "name at 2:3");
    xmlNodePtr devices = xml_child(root, "devices");
    CHECK(xml_node_line(devices) == 3 && xml_node_column(devices) == 2, "devices at 3:2");
    xmlNodePtr disk = xml_child(devices, "disk");
    /* a start tag that spans lines is located at its '<' */
    CHECK(xml_node_line(disk) == 3 && xml_node_column(disk) == 11, "multi-line tag at its '<'");
    /* an attribute is located at its own name, on its own line */
    vc_loc loc = xml_node_loc("t.xml", disk->properties ? (xmlNodePtr)disk->properties : disk);
    CHECK(loc.line == 4 && loc.column == 6, "attribute located at its name");
    loc = xml_node_loc("t.xml", root->properties ? (xmlNodePtr)root->properties : root);
    CHECK(loc.line == 1 && loc.column == 9, "attribute on the tag's line");
    /* text is located at its element */
    loc = xml_node_loc("t.xml", name->children ? name->children : name);
    CHECK(loc.line == 2 && loc.column == 3, "text located at its element");
    char *text = xml_text(name);
    CHECK(text && strcmp(text, "x") == 0, "text content");
    free(text);
    xmlFreeDoc(doc);
    vc_diags_free(&d);
}

static void expect_error(const char *what, const char *src, size_t len, int line, int col)
{
    vc_diags d;
    vc_diags_init(&d);
    xmlDocPtr doc = xml_doc_read("bad.xml", src, len, &d);
    CHECK(doc == NULL, what);
    CHECK(d.nerrors >= 1 && d.v[0].line == line && d.v[0].column == col &&
          strcmp(d.v[0].file, "bad.xml") == 0, what);
    xmlFreeDoc(doc);
    vc_diags_free(&d);
}

static void test_errors(void)
{
    expect_error("empty document", "", 0, 1, 1);
    expect_error("binary data", "<a>\0</a>", 8, 1, 1);
    expect_error("unclosed element", "<a>\n  <b>\n</a>\n", 15, 3, 5);
    expect_error("not XML", "hello world\n", 12, 1, 1);
    const char *dtd = "<!DOCTYPE d [<!ENTITY e 'x'>]>\n<d>&e;</d>\n";
    expect_error("a DTD is refused", dtd, strlen(dtd), 1, 1);
}

/* Columns count characters, whether or not the start tag spans lines. */
static void test_utf8_columns(void)
{
    const char *one = "<a x='\xc3\xa9\xc3\xa9'><b/></a>";
    const char *two = "<a x='\xc3\xa9\xc3\xa9'\n><b/></a>";
    vc_diags d;
    vc_diags_init(&d);
    xmlDocPtr d1 = xml_doc_read("1.xml", one, strlen(one), &d);
    xmlDocPtr d2 = xml_doc_read("2.xml", two, strlen(two), &d);
    CHECK(d1 && d2, "UTF-8 documents parse");
    if (d1 && d2) {
        xmlNodePtr b1 = xml_child(xmlDocGetRootElement(d1), "b");
        xmlNodePtr b2 = xml_child(xmlDocGetRootElement(d2), "b");
        CHECK(xml_node_column(b1) == 11, "column in characters after UTF-8 text");
        CHECK(xml_node_line(b2) == 2 && xml_node_column(b2) == 2, "next line, column 2");
    }
    xmlFreeDoc(d1);
    xmlFreeDoc(d2);
    vc_diags_free(&d);
}

static void test_diags(void)
{
    vc_diags d;
    vc_diags_init(&d);
    vc_loc loc = { "f.xml", 3, 7 };
    vc_warn_at(&d, loc, "w");
    CHECK(vc_diags_code(&d) == VC_OK, "a warning is not an error");
    vc_error_at(&d, loc, "bad %d", 42);
    CHECK(d.nerrors == 1 && vc_diags_code(&d) == VC_ERR_INVALID, "error counted");
    CHECK(strcmp(d.v[1].message, "bad 42") == 0, "message formatted");
    vc_diags_free(&d);
}

int main(void)
{
    test_positions();
    test_errors();
    test_utf8_columns();
    test_diags();
    return check_done();
}
