/*
 * schema_prune.c: a document's verdict from the schema pruned to the
 * elements the document has (see vc_schema_valid_pruned in schema.h).
 *
 * Compiling all of domain.rng costs libxml2 some 50 million instructions
 * (reading 260 KB of RelaxNG, simplifying it, building its automata);
 * `virtc start DOMAIN.xml` pays that on every start, for a document that
 * uses a dozen of its 580 element patterns. Yet a pattern <element
 * name="X"> can only ever match an element named X: in any derivation of a
 * document, every element pattern used matches one of its elements. So the
 * content of each element pattern whose name the document does not use is
 * replaced by <empty/>: the pattern still matches no element of the
 * document, so the verdict on that document cannot change, and the
 * defines only such contents used are left out. Nothing else changes:
 * every group, interleave, choice, repetition and element name stays
 * where it was. That is load-bearing: libxml2's <interleave> is not
 * RelaxNG's (it relinks the children after a nested interleave part, see
 * tests/schema-order/README), so its verdict on an order depends on the
 * shape of the patterns, and an earlier version that replaced absent
 * elements by <notAllowed/> and simplified (an interleave of one member
 * became that member) accepted orders the whole schema refuses. libxml2
 * looks into an element pattern's content only for an element of that
 * name, and whether a parent is compiled to an automaton does not depend
 * on its element children's content (xmlRelaxNGIsCompilable), so the
 * stubs are never consulted. Only what the start still reaches is given
 * to libxml2: some tens of kilobytes instead of 260.
 *
 * Left alone: element and attribute patterns with a name class instead of
 * a name (anyName, nsName, choices of names), every attribute pattern,
 * data, values and their excepts. The schema files are read by a small
 * scanner that knows only what RelaxNG files written by hand use
 * (elements, attributes, comments, the XML declaration, character
 * references); anything else (a DOCTYPE, CDATA, an externalRef, a nested
 * grammar, a combine or an include that overrides) makes it give up, and
 * the caller validates with the whole schema as before. It also decides
 * only "valid": a document the pruned schema refuses is validated again in
 * full, so that its errors are the ones `virtc validate` gives.
 * tests/unit/test_schema_prune.c and tests/schema-prune-diff.sh compare
 * both verdicts on the corpus and on generated documents.
 *
 * Scanning the files was still most of the work, and none of it depends
 * on the document: the build does it (vc_schema_flatten, run by
 * tools/gen/schema_flatten.c) and keeps, for domain.rng, the flattened
 * text with a mark at each element pattern's content and at each ref. At
 * start, once every file it came from is found unchanged, pruning is
 * walking those marks and copying text (sp_flat_prune), and gives the
 * text the scan gives, byte for byte: the same rule on the same
 * patterns, in the same order.
 */
#include <libxml/relaxng.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "schema.h"
#include "util.h"
#include "xmldoc.h"

#define SP_RNG_NS "http://relaxng.org/ns/structure/1.0"

/* The RelaxNG elements. */
typedef enum sp_kind {
    SP_GRAMMAR, SP_START, SP_DEFINE, SP_DIV, SP_INCLUDE,
    SP_ELEMENT, SP_ATTRIBUTE,
    SP_GROUP, SP_INTERLEAVE, SP_ONE_OR_MORE, SP_LIST, SP_MIXED,
    SP_CHOICE,
    SP_OPTIONAL, SP_ZERO_OR_MORE,
    SP_REF,
    SP_EMPTY, SP_NOT_ALLOWED,
    SP_LEAF,   /* text, data, value, param, except, name classes: copied as they are */
} sp_kind;

static const struct {
    const char *tag;
    size_t len;
    sp_kind kind;
} sp_tags[] = {
    { "grammar", 7, SP_GRAMMAR },
    { "start", 5, SP_START },
    { "define", 6, SP_DEFINE },
    { "div", 3, SP_DIV },
    { "include", 7, SP_INCLUDE },
    { "element", 7, SP_ELEMENT },
    { "attribute", 9, SP_ATTRIBUTE },
    { "group", 5, SP_GROUP },
    { "interleave", 10, SP_INTERLEAVE },
    { "oneOrMore", 9, SP_ONE_OR_MORE },
    { "list", 4, SP_LIST },
    { "mixed", 5, SP_MIXED },
    { "choice", 6, SP_CHOICE },
    { "optional", 8, SP_OPTIONAL },
    { "zeroOrMore", 10, SP_ZERO_OR_MORE },
    { "ref", 3, SP_REF },
    { "empty", 5, SP_EMPTY },
    { "notAllowed", 10, SP_NOT_ALLOWED },
    { "text", 4, SP_LEAF },
    { "data", 4, SP_LEAF },
    { "value", 5, SP_LEAF },
    { "param", 5, SP_LEAF },
    { "except", 6, SP_LEAF },
    { "name", 4, SP_LEAF },
    { "anyName", 7, SP_LEAF },
    { "nsName", 6, SP_LEAF },
};

/* A slice of a schema file's text (kept raw: escaped as in the file). */
typedef struct sp_str {
    const char *s;
    size_t n;
} sp_str;

typedef struct sp_attr {
    sp_str name, value;
} sp_attr;

typedef struct sp_node {
    sp_kind kind;
    sp_str tag;
    size_t attr, nattr;        /* in sp_schema.attrs */
    sp_str text;               /* the raw text of a leaf's content */
    size_t first, next;        /* children; SIZE_MAX: none */
    size_t grammar;            /* the root of the file it came from */
    size_t def;                /* a ref's or define's index in sp_schema.defines */
    sp_str name;               /* the name attribute; .s NULL when none */
    /* where it is in its file: its start tag's '<', its content, from
     * after that tag to its end tag's '<' (both NULL when it has no end
     * tag), and the end of it all */
    const char *begin, *content, *close, *end;
} sp_node;

#define SP_NONE ((size_t)-1)

typedef struct sp_schema {
    sp_node *nodes;
    size_t n, cap;
    sp_attr *attrs;
    size_t nattrs, attrs_cap;
    char **files;              /* the texts read; nodes point into them */
    size_t nfiles;
    vc_schema_source *sources; /* what each was read from: name, length, hash */
    const char *why;           /* why it gave up; NULL while all is well */
    /* the pattern's definitions, in file order */
    size_t *defines, ndefines, defines_cap;
    size_t start;
    bool *stub;                /* per node: an element pattern the document cannot use */
} sp_schema;

static bool sp_fail(sp_schema *s, const char *why)
{
    if (!s->why)
        s->why = why;
    return false;
}

static bool sp_eq(sp_str a, const char *b)
{
    return a.n == strlen(b) && memcmp(a.s, b, a.n) == 0;
}

static bool sp_same(sp_str a, sp_str b)
{
    return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

/* The attribute of node named name; .s NULL when absent. */
static sp_str sp_attr_of(const sp_schema *s, const sp_node *node, const char *name)
{
    for (size_t i = 0; i < node->nattr; i++)
        if (sp_eq(s->attrs[node->attr + i].name, name))
            return s->attrs[node->attr + i].value;
    return (sp_str){ NULL, 0 };
}

/* A file's fingerprint: its length and FNV-1a over 8-byte words, mixed
 * down after each. Not a defence against a crafted schema (whoever can
 * write one can write the flattened copy too): what it tells apart is a
 * schema edited after the build, which it misses with odds of 2^-64. */
static uint64_t sp_hash(const char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * UINT64_C(0x100000001b3);
    return h ^ (h >> 32);
}

/* ---- the scanner ----------------------------------------------------------- */

typedef struct sp_scan {
    const char *p, *end;
} sp_scan;

/* 1: blank, 2: ends a name; 0: in a name. */
static const unsigned char sp_class[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
    ['='] = 2, ['>'] = 2, ['/'] = 2, ['<'] = 2, ['\''] = 2, ['"'] = 2,
};

static bool sp_space(char c)
{
    return sp_class[(unsigned char)c] == 1;
}

static bool sp_name_char(char c)
{
    return sp_class[(unsigned char)c] == 0;
}

static void sp_skip_space(sp_scan *sc)
{
    while (sc->p < sc->end && sp_space(*sc->p))
        sc->p++;
}

/* Comments, the XML declaration and blanks before the next tag or text. */
static bool sp_skip_misc(sp_schema *s, sp_scan *sc)
{
    for (;;) {
        sp_skip_space(sc);
        size_t left = (size_t)(sc->end - sc->p);
        if (left >= 4 && memcmp(sc->p, "<!--", 4) == 0) {
            const char *e = memmem(sc->p + 4, left - 4, "-->", 3);
            if (!e)
                return sp_fail(s, "unterminated comment");
            sc->p = e + 3;
        } else if (left >= 5 && memcmp(sc->p, "<?xml", 5) == 0) {
            const char *e = memmem(sc->p, left, "?>", 2);
            if (!e)
                return sp_fail(s, "unterminated declaration");
            sc->p = e + 2;
        } else if (left >= 2 && (memcmp(sc->p, "<!", 2) == 0 || memcmp(sc->p, "<?", 2) == 0)) {
            return sp_fail(s, "a DOCTYPE, CDATA section or processing instruction");
        } else {
            return true;
        }
    }
}

static sp_str sp_name(sp_scan *sc)
{
    const char *b = sc->p;
    while (sc->p < sc->end && sp_name_char(*sc->p))
        sc->p++;
    return (sp_str){ b, (size_t)(sc->p - b) };
}

static size_t sp_new_node(sp_schema *s)
{
    vc_xgrow((void **)&s->nodes, &s->cap, s->n + 1, sizeof(*s->nodes));
    s->nodes[s->n] = (sp_node){ .kind = SP_LEAF, .attr = s->nattrs, .first = SP_NONE,
                                .next = SP_NONE, .grammar = SP_NONE, .def = SP_NONE };
    return s->n++;
}

/* The attributes of a start tag, up to its '>' or '/>'; *empty: '/>'. */
static bool sp_scan_attrs(sp_schema *s, sp_scan *sc, size_t node, bool *empty)
{
    for (;;) {
        sp_skip_space(sc);
        if (sc->p >= sc->end)
            return sp_fail(s, "unterminated tag");
        if (*sc->p == '>' || (*sc->p == '/' && sc->p + 1 < sc->end && sc->p[1] == '>')) {
            *empty = *sc->p == '/';
            sc->p += *empty ? 2 : 1;
            return true;
        }
        sp_str name = sp_name(sc);
        sp_skip_space(sc);
        if (!name.n || sc->p >= sc->end || *sc->p != '=')
            return sp_fail(s, "malformed attribute");
        sc->p++;
        sp_skip_space(sc);
        if (sc->p >= sc->end || (*sc->p != '"' && *sc->p != '\''))
            return sp_fail(s, "unquoted attribute");
        char q = *sc->p++;
        const char *v = memchr(sc->p, q, (size_t)(sc->end - sc->p));
        if (!v)
            return sp_fail(s, "unterminated attribute");
        sp_str value = { sc->p, (size_t)(v - sc->p) };
        sc->p = v + 1;
        /* A value with a raw newline or tab would be normalized by a parser;
         * such values are not copied verbatim: give up on them (those of
         * annotations, which are dropped, do not matter). */
        if (!memchr(name.s, ':', name.n) && (memchr(value.s, '\n', value.n) || memchr(value.s, '\t', value.n) ||
            memchr(value.s, '\r', value.n) || (q == '"' && memchr(value.s, '\'', value.n))))
            return sp_fail(s, "an attribute value this scanner does not copy");
        vc_xgrow((void **)&s->attrs, &s->attrs_cap, s->nattrs + 1, sizeof(*s->attrs));
        s->attrs[s->nattrs++] = (sp_attr){ name, value };
        if (sp_eq(name, "name"))
            s->nodes[node].name = value;
        s->nodes[node].nattr++;
    }
}

static size_t sp_scan_element(sp_schema *s, sp_scan *sc, size_t grammar, int depth);

/* Children and text up to the end tag of node. */
static bool sp_scan_content(sp_schema *s, sp_scan *sc, size_t node, int depth)
{
    size_t last = SP_NONE;
    sp_node *self = &s->nodes[node];
    if (sp_eq(self->tag, "value") || sp_eq(self->tag, "param") || sp_eq(self->tag, "name")) {
        /* text alone, every character of it significant */
        const char *lt = memchr(sc->p, '<', (size_t)(sc->end - sc->p));
        if (!lt || sc->end - lt < 2 || lt[1] != '/')
            return sp_fail(s, "a value that is not plain text");
        self->text = (sp_str){ sc->p, (size_t)(lt - sc->p) };
        sc->p = lt;
    }
    for (;;) {
        if (!sp_skip_misc(s, sc))
            return false;
        if (sc->p >= sc->end)
            return sp_fail(s, "unterminated element");
        if (*sc->p != '<')
            return sp_fail(s, "text where RelaxNG has elements");
        if (sc->p + 1 < sc->end && sc->p[1] == '/') {
            s->nodes[node].close = sc->p;
            sc->p += 2;
            sp_str end = sp_name(sc);
            sp_skip_space(sc);
            if (!sp_same(end, s->nodes[node].tag) || sc->p >= sc->end || *sc->p != '>')
                return sp_fail(s, "mismatched end tag");
            sc->p++;
            s->nodes[node].end = sc->p;
            return true;
        }
        size_t kid = sp_scan_element(s, sc, s->nodes[node].grammar, depth + 1);
        if (kid == SP_NONE) {
            if (s->why)
                return false;
            continue;   /* a foreign element (an annotation): skipped */
        }
        if (s->nodes[node].text.s)
            return sp_fail(s, "text beside elements");
        if (last == SP_NONE)
            s->nodes[node].first = kid;
        else
            s->nodes[last].next = kid;
        last = kid;
    }
}

/* Skips a foreign element (after its start tag) and what it holds. */
static bool sp_skip_foreign(sp_schema *s, sp_scan *sc, sp_str tag)
{
    int open = 1;
    while (open > 0) {
        const char *lt = memchr(sc->p, '<', (size_t)(sc->end - sc->p));
        if (!lt)
            return sp_fail(s, "unterminated annotation");
        sc->p = lt;
        if (!sp_skip_misc(s, sc))
            return false;
        if (sc->p >= sc->end || *sc->p != '<')
            continue;
        bool closing = sc->p + 1 < sc->end && sc->p[1] == '/';
        sc->p += closing ? 2 : 1;
        sp_str name = sp_name(sc);
        const char *gt = memchr(sc->p, '>', (size_t)(sc->end - sc->p));
        if (!gt)
            return sp_fail(s, "unterminated annotation");
        bool selfclosed = gt[-1] == '/';
        sc->p = gt + 1;
        if (closing)
            open -= sp_same(name, tag) ? 1 : 0;
        else if (!selfclosed && sp_same(name, tag))
            open++;
    }
    return true;
}

/* One element at sc->p ('<'): its index, or SP_NONE (s->why set, or a
 * foreign element skipped). */
static size_t sp_scan_element(sp_schema *s, sp_scan *sc, size_t grammar, int depth)
{
    if (depth > 200) {
        sp_fail(s, "nested too deep");
        return SP_NONE;
    }
    const char *begin = sc->p++;
    sp_str tag = sp_name(sc);
    if (memchr(tag.s, ':', tag.n)) {
        /* prefixed: an annotation (a:documentation, vc:...) */
        const char *gt = memchr(sc->p, '>', (size_t)(sc->end - sc->p));
        if (!gt) {
            sp_fail(s, "unterminated annotation");
            return SP_NONE;
        }
        sc->p = gt + 1;
        if (gt[-1] != '/')
            sp_skip_foreign(s, sc, tag);
        return SP_NONE;
    }
    size_t node = sp_new_node(s);
    s->nodes[node].tag = tag;
    s->nodes[node].begin = begin;
    s->nodes[node].grammar = grammar == SP_NONE ? node : grammar;
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(sp_tags) &&
           (tag.n != sp_tags[k].len || memcmp(tag.s, sp_tags[k].tag, tag.n) != 0))
        k++;
    if (k == VC_ARRAY_SIZE(sp_tags)) {
        sp_fail(s, "an element RelaxNG does not have");
        return SP_NONE;
    }
    s->nodes[node].kind = sp_tags[k].kind;
    bool empty = false;
    if (!sp_scan_attrs(s, sc, node, &empty))
        return SP_NONE;
    for (size_t a = 0; a < s->nodes[node].nattr; a++) {
        const sp_attr *at = &s->attrs[s->nodes[node].attr + a];
        if (at->name.n > 6 && memcmp(at->name.s, "xmlns:", 6) == 0 && sp_eq(at->value, SP_RNG_NS)) {
            sp_fail(s, "a prefix for RelaxNG's namespace");
            return SP_NONE;
        }
    }
    sp_str xmlns = sp_attr_of(s, &s->nodes[node], "xmlns");
    if (xmlns.s && !sp_eq(xmlns, SP_RNG_NS)) {
        sp_fail(s, "a default namespace other than RelaxNG's");
        return SP_NONE;
    }
    if (grammar == SP_NONE && !xmlns.s) {
        sp_fail(s, "a root not in RelaxNG's namespace");
        return SP_NONE;
    }
    if (empty)
        s->nodes[node].end = sc->p;
    else
        s->nodes[node].content = sc->p;
    if (!empty && !sp_scan_content(s, sc, node, depth))
        return SP_NONE;
    return node;
}

/* ---- reading a schema and its includes ----------------------------------- */

static size_t sp_read_file(sp_schema *s, const char *dir, const char *file, int depth);

/* Gathers the start and defines under a grammar (or div) node; reads the
 * files it includes. */
static bool sp_collect(sp_schema *s, size_t g, const char *dir, int depth)
{
    for (size_t k = s->nodes[g].first; k != SP_NONE && !s->why; k = s->nodes[k].next) {
        sp_node *n = &s->nodes[k];
        if (sp_attr_of(s, n, "combine").s)
            return sp_fail(s, "a combine");
        if ((n->kind == SP_DIV || n->kind == SP_INCLUDE) &&
            (sp_attr_of(s, n, "ns").s || sp_attr_of(s, n, "datatypeLibrary").s))
            return sp_fail(s, "a div or include that sets ns or datatypeLibrary");
        if (n->kind == SP_DIV) {
            sp_collect(s, k, dir, depth);
        } else if (n->kind == SP_START) {
            if (s->start != SP_NONE)
                return sp_fail(s, "two starts");
            s->start = k;
        } else if (n->kind == SP_DEFINE) {
            if (!n->name.s)
                return sp_fail(s, "a define without a name");
            vc_xgrow((void **)&s->defines, &s->defines_cap, s->ndefines + 1, sizeof(size_t));
            n->def = s->ndefines;
            s->defines[s->ndefines++] = k;
        } else if (n->kind == SP_INCLUDE) {
            sp_str href = sp_attr_of(s, n, "href");
            if (n->first != SP_NONE || !href.s || memchr(href.s, '&', href.n) ||
                memchr(href.s, '/', href.n))
                return sp_fail(s, "an include that overrides, or one outside the directory");
            char *file = vc_xstrndup(href.s, href.n);
            size_t root = sp_read_file(s, dir, file, depth + 1);
            free(file);
            if (root == SP_NONE)
                return false;
            size_t start = s->start;
            s->start = SP_NONE;
            sp_collect(s, root, dir, depth + 1);
            if (s->start != SP_NONE)
                return sp_fail(s, "an included start");
            s->start = start;
        } else {
            return sp_fail(s, "a grammar member RelaxNG does not have");
        }
    }
    return !s->why;
}

/* Scans a schema file's text (which outlives s); the index of its
 * <grammar>, or SP_NONE. */
static size_t sp_scan_text(sp_schema *s, const char *text, size_t len)
{
    sp_scan sc = { text, text + len };
    if (!sp_skip_misc(s, &sc) || sc.p >= sc.end || *sc.p != '<')
        return sp_fail(s, "no root element"), SP_NONE;
    size_t root = sp_scan_element(s, &sc, SP_NONE, 0);
    if (root == SP_NONE || s->nodes[root].kind != SP_GRAMMAR)
        return sp_fail(s, "the root is not a grammar"), SP_NONE;
    if (!sp_skip_misc(s, &sc) || sc.p != sc.end)
        return sp_fail(s, "content after the root"), SP_NONE;
    return root;
}

/* Reads and scans dir/file; the index of its <grammar>, or SP_NONE. */
static size_t sp_read_file(sp_schema *s, const char *dir, const char *file, int depth)
{
    if (depth > 8) {
        sp_fail(s, "includes nested too deep");
        return SP_NONE;
    }
    size_t len;
    char *path = vc_xasprintf("%s/%s", dir, file);
    char *text = vc_read_file(path, &len);
    free(path);
    if (!text) {
        sp_fail(s, "a schema file cannot be read");
        return SP_NONE;
    }
    s->files = vc_xrealloc(s->files, (s->nfiles + 1) * sizeof(char *));
    s->files[s->nfiles] = text;
    s->sources = vc_xrealloc(s->sources, (s->nfiles + 1) * sizeof(*s->sources));
    s->sources[s->nfiles++] = (vc_schema_source){ vc_xstrdup(file), len, sp_hash(text, len) };
    return sp_scan_text(s, text, len);
}

static void sp_schema_free(sp_schema *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        free(s->files[i]);
        if (s->sources)
            free((char *)s->sources[i].file);
    }
    free(s->files);
    free(s->sources);
    free(s->nodes);
    free(s->attrs);
    free(s->defines);
    free(s->stub);
}

/* ---- pruning and simplification ------------------------------------------- */

/* The element names of a document (local names, in any namespace). */
typedef struct sp_names {
    const xmlChar **v;
    size_t n, cap;
} sp_names;

static void sp_names_of(xmlNodePtr n, sp_names *names)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        size_t i = 0;
        while (i < names->n && names->v[i] != n->name && !xmlStrEqual(names->v[i], n->name))
            i++;
        if (i == names->n) {
            vc_xgrow((void **)&names->v, &names->cap, names->n + 1, sizeof(*names->v));
            names->v[names->n++] = n->name;
        }
        sp_names_of(n->children, names);
    }
}

static bool sp_names_have(const sp_names *names, sp_str name)
{
    for (size_t i = 0; i < names->n; i++)
        if (sp_eq(name, (const char *)names->v[i]))
            return true;
    return false;
}

/* Whether an element pattern can match none of the document's elements:
 * it has a plain name (no prefix, no character reference) the document
 * does not use. */
static bool sp_plain_name(const sp_node *n)
{
    sp_str name = n->name;
    if (!name.s || !name.n)
        return false;
    for (size_t i = 0; i < name.n; i++)
        if (!sp_name_char(name.s[i]) || name.s[i] == ':' || name.s[i] == '&')
            return false;   /* not a plain local name: kept */
    return true;
}

static bool sp_element_unused(const sp_node *n, const sp_names *names)
{
    return sp_plain_name(n) && !sp_names_have(names, n->name);
}

static const sp_schema *sp_sorting;

static int sp_define_cmp(const void *a, const void *b)
{
    const sp_schema *s = sp_sorting;
    sp_str x = s->nodes[*(const size_t *)a].name;
    sp_str y = s->nodes[*(const size_t *)b].name;
    int c = memcmp(x.s, y.s, x.n < y.n ? x.n : y.n);
    return c ? c : (x.n > y.n) - (x.n < y.n);
}

/* Whether the subtree at i holds only patterns (no grammar members) and
 * each of its refs names a define; sets each ref's define. by_name: the
 * defines' node indices sorted by name. */
static bool sp_resolve(sp_schema *s, size_t i, const size_t *by_name)
{
    sp_node *n = &s->nodes[i];
    if (n->kind == SP_GRAMMAR || n->kind == SP_START || n->kind == SP_DEFINE ||
        n->kind == SP_DIV || n->kind == SP_INCLUDE)
        return sp_fail(s, "a grammar member inside a pattern");
    if (n->kind == SP_REF) {
        sp_str name = n->name;
        size_t lo = 0, hi = s->ndefines;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            sp_str m = s->nodes[by_name[mid]].name;
            int c = memcmp(m.s, name.s, m.n < name.n ? m.n : name.n);
            c = c ? c : (m.n > name.n) - (m.n < name.n);
            if (c == 0)
                lo = hi = mid;
            else if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (!name.s || lo >= s->ndefines || !sp_same(s->nodes[by_name[lo]].name, name))
            return sp_fail(s, "a ref to no define");
        n->def = s->nodes[by_name[lo]].def;
    }
    for (size_t k = n->first; k != SP_NONE && !s->why; k = s->nodes[k].next)
        sp_resolve(s, k, by_name);
    return !s->why;
}

/* Every define named once, every ref resolved. */
static bool sp_resolve_all(sp_schema *s)
{
    size_t *by_name = vc_xcalloc(s->ndefines + 1, sizeof(size_t));
    memcpy(by_name, s->defines, s->ndefines * sizeof(size_t));
    sp_sorting = s;
    qsort(by_name, s->ndefines, sizeof(size_t), sp_define_cmp);
    for (size_t d = 0; d + 1 < s->ndefines; d++)
        if (sp_define_cmp(&by_name[d], &by_name[d + 1]) == 0)
            sp_fail(s, "a define named twice");
    for (size_t d = 0; d < s->ndefines && !s->why; d++)
        for (size_t k = s->nodes[s->defines[d]].first; k != SP_NONE && !s->why; k = s->nodes[k].next)
            sp_resolve(s, k, by_name);
    for (size_t k = s->nodes[s->start].first; k != SP_NONE && !s->why; k = s->nodes[k].next)
        sp_resolve(s, k, by_name);
    free(by_name);
    return !s->why;
}

/* Marks the element patterns of the subtree at i that match none of the
 * document's elements. */
static void sp_mark(sp_schema *s, size_t i, const sp_names *names)
{
    const sp_node *n = &s->nodes[i];
    if (n->kind == SP_ELEMENT && sp_element_unused(n, names)) {
        s->stub[i] = true;
        return;
    }
    for (size_t k = n->first; k != SP_NONE; k = s->nodes[k].next)
        sp_mark(s, k, names);
}

static void sp_mark_all(sp_schema *s, const sp_names *names)
{
    s->stub = vc_xcalloc(s->n + 1, sizeof(bool));
    for (size_t i = 0; i < s->ndefines; i++)
        sp_mark(s, s->defines[i], names);
    sp_mark(s, s->start, names);
}

/* ---- writing the pruned grammar ------------------------------------------- */

static void sp_put(vc_buf *b, sp_str x)
{
    vc_buf_add(b, x.s, x.n);
}

/* Marks the defines the subtree at i refers to (through what it keeps). */
static void sp_reach(sp_schema *s, size_t i, bool *reached)
{
    const sp_node *n = &s->nodes[i];
    if (s->stub[i])
        return;
    if (n->kind == SP_REF) {
        if (!reached[n->def]) {
            reached[n->def] = true;
            sp_reach(s, s->defines[n->def], reached);
        }
        return;
    }
    for (size_t k = n->first; k != SP_NONE; k = s->nodes[k].next)
        sp_reach(s, k, reached);
}

/* top: a define or the start, which gets the inherited attributes of its
 * file's grammar (its ns and datatypeLibrary) written out. A stub keeps
 * its name and attributes and holds <empty/>. */
static void sp_emit(const sp_schema *s, size_t i, bool top, vc_buf *b)
{
    const sp_node *n = &s->nodes[i];
    vc_buf_putc(b, '<');
    sp_put(b, n->tag);
    for (size_t a = 0; a < n->nattr; a++) {
        const sp_attr *at = &s->attrs[n->attr + a];
        if (memchr(at->name.s, ':', at->name.n) || sp_eq(at->name, "xmlns"))
            continue;   /* annotations and namespace declarations */
        vc_buf_putc(b, ' ');
        sp_put(b, at->name);
        vc_buf_puts(b, "='");
        sp_put(b, at->value);
        vc_buf_putc(b, '\'');
    }
    if (top) {
        const sp_node *g = &s->nodes[n->grammar];
        static const char *const inherited[] = { "ns", "datatypeLibrary" };
        for (size_t k = 0; k < VC_ARRAY_SIZE(inherited); k++) {
            sp_str v = sp_attr_of(s, g, inherited[k]);
            if (v.s && !sp_attr_of(s, n, inherited[k]).s) {
                vc_buf_printf(b, " %s='", inherited[k]);
                sp_put(b, v);
                vc_buf_putc(b, '\'');
            }
        }
    }
    if (s->stub[i]) {
        vc_buf_puts(b, "><empty/></");
    } else if (n->first == SP_NONE && !n->text.s) {
        vc_buf_puts(b, "/>");
        return;
    } else {
        vc_buf_putc(b, '>');
        if (n->text.s)
            sp_put(b, n->text);
        for (size_t k = n->first; k != SP_NONE; k = s->nodes[k].next)
            sp_emit(s, k, false, b);
        vc_buf_puts(b, "</");
    }
    sp_put(b, n->tag);
    vc_buf_putc(b, '>');
}

/* The grammar pruned to names, as RelaxNG text. */
static char *sp_write(sp_schema *s, size_t *len)
{
    bool *reached = vc_xcalloc(s->ndefines + 1, sizeof(bool));
    sp_reach(s, s->start, reached);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<grammar xmlns='" SP_RNG_NS "'>");
    sp_emit(s, s->start, true, &b);
    for (size_t d = 0; d < s->ndefines; d++)
        if (reached[d])
            sp_emit(s, s->defines[d], true, &b);
    vc_buf_puts(&b, "</grammar>");
    free(reached);
    *len = b.len;
    return vc_buf_steal(&b);
}

/* ---- the verdict ---------------------------------------------------------- */

static void sp_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void sp_quiet_structured(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

bool vc_schema_flat_current(const vc_schema_flat *flat, const char *dir)
{
    bool same = flat->nsources > 0;
    for (size_t i = 0; i < flat->nsources && same; i++) {
        char *path = vc_xasprintf("%s/%s", dir, flat->sources[i].file);
        size_t len;
        char *text = vc_read_file(path, &len);
        same = text && len == flat->sources[i].len && sp_hash(text, len) == flat->sources[i].hash;
        free(text);
        free(path);
    }
    return same;
}

/* The grammar at root (SP_NONE: its scan failed) gathered into s, the
 * files it includes read from dir, its refs resolved; false with s->why. */
static bool sp_gather(sp_schema *s, size_t root, const char *dir)
{
    if (root != SP_NONE)
        sp_collect(s, root, dir, 0);
    if (!s->why && s->start == SP_NONE)
        sp_fail(s, "no start");
    if (!s->why)
        sp_resolve_all(s);
    return !s->why;
}

/* dir/file scanned into s with its includes, its refs resolved; false
 * with s->why. */
static bool sp_load(sp_schema *s, const char *dir, const char *file)
{
    s->start = SP_NONE;
    return sp_gather(s, sp_read_file(s, dir, file, 0), dir);
}

/* ---- the flattened schema ------------------------------------------------- */

typedef struct sp_marks {
    vc_schema_flat_mark *v;
    size_t n, cap;
} sp_marks;

/* The marks of the subtree at i, in text order (base: the text). A ref
 * names top def + 1 (the start is top 0). */
static bool sp_flat_marks(sp_schema *s, size_t i, const char *base, sp_marks *m)
{
    const sp_node *n = &s->nodes[i];
    size_t self = SP_NONE;
    if (n->kind == SP_REF || (n->kind == SP_ELEMENT && sp_plain_name(n))) {
        if (n->kind == SP_ELEMENT && !n->content)
            return sp_fail(s, "an element pattern without content");
        vc_xgrow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v));
        self = m->n++;
        m->v[self] = n->kind == SP_REF
            ? (vc_schema_flat_mark){ (uint32_t)(n->begin - base), (uint32_t)(n->begin - base), 0, 0,
                                     (uint32_t)(n->def + 1) }
            : (vc_schema_flat_mark){ (uint32_t)(n->content - base), (uint32_t)(n->close - base),
                                     (uint32_t)(n->name.s - base), (uint32_t)n->name.n, 0 };
    }
    for (size_t k = n->first; k != SP_NONE; k = s->nodes[k].next)
        if (!sp_flat_marks(s, k, base, m))
            return false;
    if (self != SP_NONE && n->kind == SP_ELEMENT)
        m->v[self].next = (uint32_t)m->n;
    return true;
}

/* The flattened text scanned again: its tops and marks into out. */
static bool sp_flat_index(sp_schema *s, const char *text, size_t len, vc_schema_flat *out)
{
    s->start = SP_NONE;
    if (!sp_gather(s, sp_scan_text(s, text, len), "."))
        return false;
    vc_schema_flat_top *tops = vc_xcalloc(s->ndefines + 1, sizeof(*tops));
    sp_marks m = { 0 };
    for (size_t t = 0; t <= s->ndefines && !s->why; t++) {
        const sp_node *n = &s->nodes[t ? s->defines[t - 1] : s->start];
        tops[t] = (vc_schema_flat_top){ (uint32_t)(n->begin - text), (uint32_t)(n->end - text),
                                        (uint32_t)m.n, 0 };
        for (size_t k = n->first; k != SP_NONE && !s->why; k = s->nodes[k].next)
            sp_flat_marks(s, k, text, &m);
        tops[t].last = (uint32_t)m.n;
    }
    out->tops = tops;
    out->ntops = s->ndefines + 1;
    out->marks = m.v;
    out->nmarks = m.n;
    return !s->why;
}

bool vc_schema_flatten(const char *dir, const char *file, vc_schema_flat *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    sp_schema s = { 0 };
    if (sp_load(&s, dir, file)) {
        s.stub = vc_xcalloc(s.n + 1, sizeof(bool));   /* nothing pruned */
        out->text = sp_write(&s, &out->len);
        out->sources = s.sources;
        out->nsources = s.nfiles;
        s.sources = NULL;   /* out's now */
        sp_schema f = { 0 };
        if (out->len >= UINT32_MAX)
            sp_fail(&f, "a flattened schema of 4 GB");
        else
            sp_flat_index(&f, out->text, out->len, out);
        s.why = f.why;
        sp_schema_free(&f);
    }
    *why = s.why;
    sp_schema_free(&s);
    if (*why)
        vc_schema_flat_free(out);
    return !*why;
}

void vc_schema_flat_free(vc_schema_flat *flat)
{
    for (size_t i = 0; i < flat->nsources; i++)
        free((char *)flat->sources[i].file);
    free((void *)flat->sources);
    free((void *)flat->text);
    free((void *)flat->tops);
    free((void *)flat->marks);
    memset(flat, 0, sizeof(*flat));
}

/* Whether the element pattern of mark k matches none of names. */
static bool sp_flat_unused(const vc_schema_flat *f, const vc_schema_flat_mark *k,
                           const sp_names *names)
{
    return k->len > 0 && !sp_names_have(names, (sp_str){ f->text + k->name, k->len });
}

/* Marks the tops top refers to through what it keeps (as sp_reach). */
static void sp_flat_reach(const vc_schema_flat *f, size_t top, const sp_names *names, bool *reached)
{
    const vc_schema_flat_top *t = &f->tops[top];
    for (size_t m = t->first; m < t->last;) {
        const vc_schema_flat_mark *k = &f->marks[m];
        if (sp_flat_unused(f, k, names)) {
            m = k->next;
            continue;
        }
        if (k->len == 0 && !reached[k->next]) {
            reached[k->next] = true;
            sp_flat_reach(f, k->next, names, reached);
        }
        m++;
    }
}

/* A top's text with the content of each element pattern names cannot
 * use replaced by <empty/>: what sp_emit writes from the files. */
static void sp_flat_emit(const vc_schema_flat *f, size_t top, const sp_names *names, vc_buf *b)
{
    const vc_schema_flat_top *t = &f->tops[top];
    size_t pos = t->begin;
    for (size_t m = t->first; m < t->last;) {
        const vc_schema_flat_mark *k = &f->marks[m];
        if (!sp_flat_unused(f, k, names)) {
            m++;
            continue;
        }
        vc_buf_add(b, f->text + pos, k->at - pos);
        vc_buf_puts(b, "<empty/>");
        pos = k->end;
        m = k->next;
    }
    vc_buf_add(b, f->text + pos, t->end - pos);
}

/* The flattened schema pruned to names: the text sp_write gives. */
static char *sp_flat_prune(const vc_schema_flat *f, const sp_names *names)
{
    bool *reached = vc_xcalloc(f->ntops, sizeof(bool));
    reached[0] = true;
    sp_flat_reach(f, 0, names, reached);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<grammar xmlns='" SP_RNG_NS "'>");
    for (size_t t = 0; t < f->ntops; t++)
        if (reached[t])
            sp_flat_emit(f, t, names, &b);
    vc_buf_puts(&b, "</grammar>");
    free(reached);
    return vc_buf_steal(&b);
}

char *vc_schema_pruned_text_from(const vc_schema_kind *kind, xmlDocPtr doc,
                                 const vc_schema_flat *flat, const char **why)
{
    sp_names names = { 0 };
    sp_names_of(xmlDocGetRootElement(doc), &names);
    char *text = NULL;
    *why = NULL;
    if (flat && vc_schema_flat_current(flat, vc_schema_dir())) {
        text = sp_flat_prune(flat, &names);
    } else {
        sp_schema s = { 0 };
        if (sp_load(&s, vc_schema_dir(), kind->file)) {
            sp_mark_all(&s, &names);
            size_t len;
            text = sp_write(&s, &len);
        }
        *why = s.why;
        sp_schema_free(&s);
    }
    free(names.v);
    return text;
}

char *vc_schema_pruned_text(const vc_schema_kind *kind, xmlDocPtr doc, const char **why)
{
    return vc_schema_pruned_text_from(kind, doc, vc_schema_flat_of(kind), why);
}

bool vc_schema_valid_pruned(const vc_schema_kind *kind, xmlDocPtr doc)
{
    const char *why;
    char *text = vc_schema_pruned_text(kind, doc, &why);
    if (!text)
        return false;
    xml_init();
    /* Nothing of this schema or of the validation is reported: a refusal
     * is explained by the full validation the caller then runs. */
    xmlGenericErrorFunc saved_generic = xmlGenericError;
    void *saved_generic_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, sp_quiet);
    bool valid = false;
    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewMemParserCtxt(text, (int)strlen(text));
    if (pctx) {
        xmlRelaxNGSetParserStructuredErrors(pctx, sp_quiet_structured, NULL);
        xmlRelaxNGPtr rng = xmlRelaxNGParse(pctx);
        xmlRelaxNGFreeParserCtxt(pctx);
        xmlRelaxNGValidCtxtPtr v = rng ? xmlRelaxNGNewValidCtxt(rng) : NULL;
        if (v) {
            xmlRelaxNGSetValidStructuredErrors(v, sp_quiet_structured, NULL);
            valid = xmlRelaxNGValidateDoc(v, doc) == 0;
            xmlRelaxNGFreeValidCtxt(v);
        }
        xmlRelaxNGFree(rng);
    }
    xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
    free(text);
    return valid;
}
