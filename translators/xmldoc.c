/* xmldoc.c: libxml2 parsing with element positions and located errors. */
#include "xmldoc.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlsave.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Positions are packed into node->_private: line in the high half, column in
 * the low half. On a 32-bit host only the column fits; the line then comes
 * from libxml2's own node->line. */
#define XML_POS_WIDE (sizeof(uintptr_t) >= 8)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

void xml_init(void)
{
    pthread_once(&xml_once, xml_init_once);
}

typedef struct xml_read_state {
    const char *file;
    vc_diags *diags;
    int nerrors;
    size_t first;          /* d->n when the parse began */
} xml_read_state;

/* libxml2 reports some errors again at each level it unwinds (an entity
 * loop three times, at the DTD and at each reference): a message this
 * parse already gave is not given twice. */
static bool xml_error_repeated(const xml_read_state *st, const char *msg)
{
    for (size_t i = st->first; i < st->diags->n; i++)
        if (vc_streq(st->diags->v[i].message, msg))
            return true;
    return false;
}

/* The position of the '<' that opened the element whose start tag the
 * parser has just read. libxml2 calls startElementNs with input->cur at the
 * tag's closing '>' (or '/>'); attribute values cannot hold a raw '<', so the
 * nearest '<' before cur is the tag's start. */
/* Characters (not bytes) in [from, to): libxml2 counts columns in
 * characters, and its own parse errors must agree with ours. */
static int xml_chars(const xmlChar *from, const xmlChar *to)
{
    int n = 0;
    for (; from < to; from++)
        if ((*from & 0xC0) != 0x80)
            n++;
    return n;
}

static const xmlChar *xml_tag_start(xmlParserInputPtr in, int *line, int *col)
{
    const xmlChar *p = in->cur;
    int newlines = 0;
    while (p > in->base && *p != '<') {
        p--;
        if (*p == '\n')
            newlines++;
    }
    *line = in->line - newlines;
    if (newlines == 0) {
        *col = in->col - xml_chars(p, in->cur);
        return p;
    }
    const xmlChar *q = p;
    while (q > in->base && q[-1] != '\n')
        q--;
    *col = xml_chars(q, p) + 1;
    return p;
}

static uintptr_t xml_pos_pack(int line, int col)
{
    uintptr_t packed = (uintptr_t)(unsigned)(col < 1 ? 1 : col);
    if (XML_POS_WIDE && line > 0)
        packed |= (uintptr_t)(unsigned)line << (sizeof(uintptr_t) * 4);
    return packed;
}

static bool xml_is_space(xmlChar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether the name [name, name + n) in a start tag is a's qualified name
 * (prefix:local). */
static bool xml_attr_named(xmlAttrPtr a, const xmlChar *name, size_t n)
{
    const char *pre = a->ns && a->ns->prefix ? (const char *)a->ns->prefix : NULL;
    size_t plen = pre ? strlen(pre) : 0, llen = strlen((const char *)a->name);
    return pre ? n == plen + 1 + llen && memcmp(name, pre, plen) == 0 && name[plen] == ':' &&
                     memcmp(name + plen + 1, a->name, llen) == 0
               : n == llen && memcmp(name, a->name, llen) == 0;
}

/* Steps over one character of a tag, counting the line it may end. */
static void xml_pass(const xmlChar **p, int *line, const xmlChar **bol)
{
    if (**p == '\n') {
        (*line)++;
        *bol = *p + 1;
    }
    (*p)++;
}

/* Gives each attribute of node its own position (in attr->_private, packed
 * as for elements), so a finding about a value points at the value's
 * attribute. tag is the '<' at line/col, end the parser's place at the
 * tag's end. libxml2 keeps no attribute positions, so the tag's own text is
 * scanned, once, forward: each name is looked up among the node's
 * attributes, and lines are counted as the scan passes them (a value may
 * hold a newline). */
static void xml_attr_positions(xmlNodePtr node, const xmlChar *tag, const xmlChar *end, int line,
                               int col)
{
    const xmlChar *p = tag + 1, *bol = NULL;    /* bol: the line's start, once past one */
    while (p < end && !xml_is_space(*p) && *p != '>' && *p != '/')
        p++;                                           /* the element's name */
    while (p < end) {
        while (p < end && xml_is_space(*p))
            xml_pass(&p, &line, &bol);
        const xmlChar *name = p;
        while (p < end && *p != '=' && !xml_is_space(*p) && *p != '>')
            p++;
        for (xmlAttrPtr a = node->properties; a; a = a->next)
            if (!a->_private && xml_attr_named(a, name, (size_t)(p - name))) {
                int c = bol ? xml_chars(bol, name) + 1 : col + xml_chars(tag, name);
                a->_private = (void *)xml_pos_pack(line, c);
                break;
            }
        while (p < end && *p != '"' && *p != '\'')
            xml_pass(&p, &line, &bol);
        if (p >= end)
            return;
        xmlChar q = *p++;
        while (p < end && *p != q)
            xml_pass(&p, &line, &bol);
        p++;
    }
}

static void xml_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                              const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                              int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
                          nb_attributes, nb_defaulted, attributes);
    if (!ctxt->node || !ctxt->input)
        return;
    int line, col;
    const xmlChar *tag = xml_tag_start(ctxt->input, &line, &col);
    if (col < 1)
        col = 1;
    ctxt->node->_private = (void *)xml_pos_pack(line, col);
    if (nb_attributes > 0 && *tag == '<')
        xml_attr_positions(ctxt->node, tag, ctxt->input->cur, line, col);
}

/* libxml2's message as one line: it ends some with a newline and adds
 * lines to others ("...indicate encoding !\nBytes: 0xC0 0xAF"). */
static char *xml_one_line(const char *m)
{
    char *s = vc_xstrdup(m), *out = s;
    for (const char *in = s; *in; in++) {
        bool blank = *in == '\n' || *in == '\r' || *in == '\t';
        if (blank && (out == s || out[-1] == ' '))
            continue;
        *out++ = blank ? ' ' : *in;
    }
    while (out > s && out[-1] == ' ')
        out--;
    *out = '\0';
    return s;
}

static void xml_error_handler(void *user, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user;
    xml_read_state *st = ctxt->_private;
    if (!st || err->level == XML_ERR_NONE)
        return;
    /* libxml2 reports one fatal error and then often cascades; keep the first
     * few, which are the ones that point at the cause. */
    if (err->level == XML_ERR_WARNING) {
        vc_loc loc = { st->file, err->line, err->int2 };
        char *msg = xml_one_line(err->message ? err->message : "warning");
        vc_warn_at(st->diags, loc, "%s", msg);
        free(msg);
        return;
    }
    if (st->nerrors >= 3)
        return;
    vc_loc loc = { st->file, err->line > 0 ? err->line : 1, err->int2 > 0 ? err->int2 : 1 };
    char *msg = xml_one_line(err->message ? err->message : "malformed XML");
    if (!xml_error_repeated(st, msg)) {
        st->nerrors++;
        vc_error_at(st->diags, loc, "%s", msg);
    }
    free(msg);
}

/* UTF-16 (XML's other required encoding) holds NUL bytes: recognized by its
 * byte order mark, or by "<?" in either byte order; libxml2 decodes it. */
static bool xml_utf16(const char *data, size_t len)
{
    static const char *const starts[] = { "\xff\xfe", "\xfe\xff", "<\0?\0", "\0<\0?" };
    static const size_t lens[] = { 2, 2, 4, 4 };
    for (size_t i = 0; i < VC_ARRAY_SIZE(starts); i++)
        if (len >= lens[i] && memcmp(data, starts[i], lens[i]) == 0)
            return true;
    return false;
}

xmlDocPtr xml_doc_read(const char *file, const char *data, size_t len, vc_diags *d)
{
    return xml_doc_read_opts(file, data, len, 0, d);
}

xmlDocPtr xml_doc_read_opts(const char *file, const char *data, size_t len, unsigned flags,
                            vc_diags *d)
{
    xml_init();
    xml_read_state st = { file, d, 0, d->n };
    vc_loc top = { file, 1, 1 };
    if (len == 0)
        return vc_error_at(d, top, "empty document"), NULL;
    if (!xml_utf16(data, len) && memchr(data, '\0', len))
        return vc_error_at(d, top, "not an XML document (binary data)"), NULL;
    if (len > INT32_MAX)
        return vc_error_at(d, top, "document too large"), NULL;

    /* the tree and its validation take about 20 times the text */
    vc_heap_expect(len * 32);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return vc_error_at(d, top, "cannot create XML parser"), NULL;
    ctxt->_private = &st;
    ctxt->sax->startElementNs = xml_start_element;
    ctxt->sax->serror = xml_error_handler;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;
    if (flags & XML_DOC_NOBLANKS)
        options |= XML_PARSE_NOBLANKS;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, file, NULL, options);
    bool ok = doc && ctxt->wellFormed && st.nerrors == 0;
    if (!ok && st.nerrors == 0)
        vc_error_at(d, top, "malformed XML document");
    xmlFreeParserCtxt(ctxt);
    if (!ok) {
        xmlFreeDoc(doc);
        return NULL;
    }
    /* libvirt's documents have no DTD. One that declares entities would
     * otherwise fail later with a schema error that says nothing of why;
     * external subsets are never loaded (no DTDLOAD), so say it here. */
    if (doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        vc_error_at(d, top, "document type declarations (<!DOCTYPE>) are not supported");
        return NULL;
    }
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        vc_error_at(d, top, "document has no root element");
        return NULL;
    }
    return doc;
}

xmlDocPtr xml_doc_read_file(const char *file, vc_diags *d)
{
    size_t len;
    char *data = vc_read_doc(file, NULL, 0, &len, d);
    if (!data)
        return NULL;
    xmlDocPtr doc = xml_doc_read(file, data, len, d);
    free(data);
    return doc;
}

/* Elements, and attributes whose position the reader found. */
static bool xml_has_pos(xmlNodePtr n)
{
    return n->type == XML_ELEMENT_NODE || (n->type == XML_ATTRIBUTE_NODE && n->_private);
}

int xml_node_line(xmlNodePtr n)
{
    if (!n)
        return 0;
    uintptr_t packed = (uintptr_t)n->_private;
    if (XML_POS_WIDE && xml_has_pos(n) && (packed >> (sizeof(uintptr_t) * 4)))
        return (int)(packed >> (sizeof(uintptr_t) * 4));
    return (int)xmlGetLineNo(n);
}

int xml_node_column(xmlNodePtr n)
{
    if (!n || !xml_has_pos(n))
        return 0;
    uintptr_t mask = XML_POS_WIDE ? (((uintptr_t)1 << (sizeof(uintptr_t) * 4)) - 1) : UINTPTR_MAX;
    return (int)((uintptr_t)n->_private & mask);
}

vc_loc xml_node_loc(const char *file, xmlNodePtr n)
{
    /* text, and attributes of unknown position: point at their element */
    while (n && !xml_has_pos(n) && n->parent)
        n = n->parent;
    vc_loc loc = { file, xml_node_line(n), xml_node_column(n) };
    return loc;
}

char *xml_attr_value(xmlAttrPtr a)
{
    if (!a || a->type != XML_ATTRIBUTE_NODE)
        return NULL;
    /* The usual attribute is one text node: copied once, without libxml2's
     * own copy in between (lowering reads every attribute of a document).
     * Otherwise as xmlGetProp() joins them. */
    xmlNodePtr t = a->children;
    if (t && !t->next && (t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE))
        return vc_xstrdup((const char *)t->content);
    xmlChar *v = t ? xmlNodeListGetString(a->doc, t, 1) : NULL;
    char *s = vc_xstrdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

char *xml_prop(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)name);
    if (!a || a->type == XML_ATTRIBUTE_NODE)
        return xml_attr_value(a);
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);    /* a DTD's default */
    char *s = v ? vc_xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

char *xml_text(xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return NULL;
    char *s = NULL;
    if (*v)
        s = vc_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

xmlNodePtr xml_child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* Whether n or anything under it is in a namespace or declares one. */
static bool xml_uses_ns(xmlNodePtr n)
{
    if (n->ns || n->nsDef)
        return true;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->ns)
            return true;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xml_uses_ns(c))
            return true;
    return false;
}

char *xml_node_dump(xmlNodePtr n)
{
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf) {
        fputs("virtc: out of memory\n", stderr);
        abort();
    }
    /* xmlNodeDump keeps the element's in-scope namespace declarations only if
     * they are on the element itself; copying the node declares, on the
     * copy's root, each namespace it uses from outside. (xmlReconciliateNs
     * would also hoist declarations the children make themselves.) */
    if (!xml_uses_ns(n)) {
        /* Nothing to declare: dump in place, without the copy. */
        xmlNodeDump(buf, n->doc, n, 0, 0);
        char *s = vc_xstrdup((const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
        return s;
    }
    xmlNodePtr copy = xmlDocCopyNode(n, n->doc, 1);
    if (!copy) {
        fputs("virtc: out of memory\n", stderr);
        abort();
    }
    xmlNodeDump(buf, n->doc, copy, 0, 0);
    char *s = vc_xstrdup((const char *)xmlBufferContent(buf));
    xmlFreeNode(copy);
    xmlBufferFree(buf);
    return s;
}
