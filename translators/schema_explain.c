/*
 * schema_explain.c: saying what a schema expected.
 *
 * libxml2's RelaxNG validator decides well but speaks in the schema's
 * terms ("Invalid sequence in interleave", "Invalid attribute slot for
 * element address"). When a document fails, this walks it together with the
 * schema's own .rng text: for each element, the <element> patterns that may
 * describe it (those of its name that its parent's patterns allow), and from
 * them the attributes, values, data types with their facets, and child
 * elements allowed, and the ones required. Each finding names the offending
 * thing and what the schema allows in its place.
 *
 * It is an approximation that errs towards silence: an element with several
 * patterns gets the union of what they allow and the intersection of what
 * they require, and a choice requires only what all its branches require.
 * So what it reports is wrong in every reading of the schema; when it finds
 * nothing (a wrong combination of individually allowed parts), the caller
 * reports the validator's own findings.
 *
 * The schema model is built from the .rng files on the first failure of a
 * kind and kept read-only for the process; valid documents never pay for
 * it.
 */
#include "schema_priv.h"

#include <libxml/parser.h>
#include <libxml/xmlschemastypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmldoc.h"

#define SX_RNG_NS "http://relaxng.org/ns/structure/1.0"
#define SX_XSD_NS "http://www.w3.org/2001/XMLSchema"
#define SX_ANNOT_NS "urn:virtc:schema-annotations"
#define SX_MAX_DEPTH 200
#define SX_MAX_LISTED 16        /* names listed in one "expected one of" */
#define SX_MAX_FINDINGS 40

/* ---- the model: defines and start of one schema, includes resolved ---- */

typedef struct sx_define {
    xmlChar *name;
    xmlNodePtr *v;              /* the <define> elements of that name */
    size_t n, cap;
} sx_define;

/* A grammar an <externalRef> names: its start (its defines join the
 * model's, as the schemas share basictypes.rng). */
typedef struct sx_ext {
    char *path;
    xmlNodePtr *start;
    size_t nstart, capstart;
} sx_ext;

struct sx_model {
    xmlDocPtr *docs;
    size_t ndocs, capdocs;
    sx_ext *ext;
    size_t next, capext;
    sx_ext *loading;            /* where a <start> goes while loading */
    sx_define *defs;            /* sorted by name after loading */
    size_t ndefs, capdefs;
    xmlNodePtr *start;          /* the <start> elements */
    size_t nstart, capstart;
};

static bool sx_is(xmlNodePtr p, const char *name)
{
    return p && p->type == XML_ELEMENT_NODE && p->ns &&
           strcmp((const char *)p->ns->href, SX_RNG_NS) == 0 &&
           (!name || strcmp((const char *)p->name, name) == 0);
}

static void sx_add_define(sx_model *m, xmlNodePtr d)
{
    xmlChar *name = xmlGetProp(d, BAD_CAST "name");
    if (!name)
        return;
    sx_define *def = NULL;
    for (size_t i = 0; i < m->ndefs && !def; i++)
        if (xmlStrEqual(m->defs[i].name, name))
            def = &m->defs[i];
    if (def) {
        xmlFree(name);
    } else {
        vc_xgrow((void **)&m->defs, &m->capdefs, m->ndefs + 1, sizeof(*m->defs));
        def = &m->defs[m->ndefs++];
        memset(def, 0, sizeof(*def));
        def->name = name;
    }
    vc_xgrow((void **)&def->v, &def->cap, def->n + 1, sizeof(*def->v));
    def->v[def->n++] = d;
}

static void sx_load_grammar(sx_model *m, xmlNodePtr g, const char *dir, int depth);
static void sx_load_external_refs(sx_model *m, xmlNodePtr p, const char *dir, int depth);

static bool sx_loaded(const sx_model *m, const char *path)
{
    for (size_t i = 0; i < m->ndocs; i++)
        if (m->docs[i]->URL && strcmp((const char *)m->docs[i]->URL, path) == 0)
            return true;
    return false;
}

static char *sx_resolve(const char *dir, const xmlChar *href)
{
    return href[0] == '/' ? vc_xstrdup((const char *)href)
                          : vc_xasprintf("%s/%s", dir, (const char *)href);
}

static void sx_load_file(sx_model *m, const char *path, int depth)
{
    if (depth > 16 || sx_loaded(m, path))
        return;
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                                                XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return;
    vc_xgrow((void **)&m->docs, &m->capdocs, m->ndocs + 1, sizeof(*m->docs));
    m->docs[m->ndocs++] = doc;
    char *dir = vc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    sx_load_grammar(m, xmlDocGetRootElement(doc), dir, depth);
    free(dir);
}

/* grammar -> (start | define | include | div)* */
static void sx_load_grammar(sx_model *m, xmlNodePtr g, const char *dir, int depth)
{
    for (xmlNodePtr c = g ? g->children : NULL; c; c = c->next) {
        if (sx_is(c, "define")) {
            sx_add_define(m, c);
        } else if (sx_is(c, "start") && m->loading) {
            sx_ext *x = m->loading;
            vc_xgrow((void **)&x->start, &x->capstart, x->nstart + 1, sizeof(*x->start));
            x->start[x->nstart++] = c;
        } else if (sx_is(c, "start")) {
            vc_xgrow((void **)&m->start, &m->capstart, m->nstart + 1, sizeof(*m->start));
            m->start[m->nstart++] = c;
        } else if (sx_is(c, "div")) {
            sx_load_grammar(m, c, dir, depth);
        } else if (sx_is(c, "include")) {
            xmlChar *href = xmlGetProp(c, BAD_CAST "href");
            if (href) {
                char *path = sx_resolve(dir, href);
                sx_load_file(m, path, depth + 1);
                free(path);
                xmlFree(href);
            }
            sx_load_grammar(m, c, dir, depth);   /* its own defines and start */
        }
        sx_load_external_refs(m, c, dir, depth);
    }
}

/* Loads the grammars the <externalRef>s at or below p name. */
static void sx_load_external_refs(sx_model *m, xmlNodePtr p, const char *dir, int depth)
{
    if (sx_is(p, "externalRef")) {
        xmlChar *href = xmlGetProp(p, BAD_CAST "href");
        char *path = href ? sx_resolve(dir, href) : NULL;
        xmlFree(href);
        bool have = !path;
        for (size_t i = 0; !have && i < m->next; i++)
            have = strcmp(m->ext[i].path, path) == 0;
        if (!have) {
            vc_xgrow((void **)&m->ext, &m->capext, m->next + 1, sizeof(*m->ext));
            size_t at = m->next++;
            memset(&m->ext[at], 0, sizeof(m->ext[at]));
            m->ext[at].path = vc_xstrdup(path);
            sx_ext *saved = m->loading;
            m->loading = &m->ext[at];
            sx_load_file(m, path, depth + 1);
            m->loading = saved;
        }
        free(path);
        return;
    }
    for (xmlNodePtr c = p->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !sx_is(c, "include"))
            sx_load_external_refs(m, c, dir, depth);
}

/* The grammar externalRef p names, or NULL. */
static const sx_ext *sx_external(const sx_model *m, xmlNodePtr p)
{
    xmlChar *href = xmlGetProp(p, BAD_CAST "href");
    if (!href)
        return NULL;
    char *dir = vc_xstrdup(p->doc->URL ? (const char *)p->doc->URL : ".");
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    char *path = sx_resolve(dir, href);
    const sx_ext *x = NULL;
    for (size_t i = 0; !x && i < m->next; i++)
        if (strcmp(m->ext[i].path, path) == 0)
            x = &m->ext[i];
    free(path);
    free(dir);
    xmlFree(href);
    return x;
}

static const sx_define *sx_lookup(const sx_model *m, const xmlChar *name)
{
    for (size_t i = 0; name && i < m->ndefs; i++)
        if (xmlStrEqual(m->defs[i].name, name))
            return &m->defs[i];
    return NULL;
}

/* The define(s) a <ref> or <parentRef> pattern p names; NULL when none. */
static const sx_define *sx_ref_target(const sx_model *m, xmlNodePtr p)
{
    xmlChar *name = xmlGetProp(p, BAD_CAST "name");
    const sx_define *d = sx_lookup(m, name);
    xmlFree(name);
    return d;
}

sx_model *sx_model_load(const char *path)
{
    sx_model *m = vc_xcalloc(1, sizeof(*m));
    sx_load_file(m, path, 0);
    if (m->nstart == 0) {
        sx_model_free(m);
        return NULL;
    }
    return m;
}

void sx_model_free(sx_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ndefs; i++) {
        xmlFree(m->defs[i].name);
        free(m->defs[i].v);
    }
    free(m->defs);
    free(m->start);
    for (size_t i = 0; i < m->next; i++) {
        free(m->ext[i].path);
        free(m->ext[i].start);
    }
    free(m->ext);
    for (size_t i = 0; i < m->ndocs; i++)
        xmlFreeDoc(m->docs[i]);
    free(m->docs);
    free(m);
}

/* ---- node vectors ---------------------------------------------------- */

typedef struct sx_vec {
    xmlNodePtr *v;
    size_t n, cap;
} sx_vec;

static void sx_push(sx_vec *s, xmlNodePtr p)
{
    vc_xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
    s->v[s->n++] = p;
}

/* sx_push, once per pattern: a define referred to from two places (the
 * two Xen PV forms of booting) gives one candidate, not two. */
static void sx_push_once(sx_vec *s, xmlNodePtr p)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == p)
            return;
    sx_push(s, p);
}

/* ---- walking patterns -------------------------------------------------- */

/* The first child of an <element> or <attribute> that is not its name. */
static xmlNodePtr sx_content(xmlNodePtr p)
{
    xmlNodePtr c = p->children;
    while (c && !sx_is(c, NULL))
        c = c->next;
    if (!xmlHasProp(p, BAD_CAST "name") && c)    /* the name class */
        for (c = c->next; c && !sx_is(c, NULL); c = c->next)
            ;
    return c;
}

static void sx_select(const sx_model *m, xmlNodePtr p, xmlNodePtr inst, bool *sel, size_t n);
static size_t sx_nchildren(xmlNodePtr p);

/* The leaves of pattern p's content: the element, attribute and value
 * patterns (element, attribute, data, value, text, list, empty,
 * notAllowed, mixed) it holds, not looking inside elements and attributes.
 * A ref to a define stands for the define's content. */
static void sx_leaves(const sx_model *m, xmlNodePtr p, int depth, xmlNodePtr inst, sx_vec *out)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH)
        return;
    const char *t = (const char *)p->name;
    if (strcmp(t, "element") == 0 || strcmp(t, "attribute") == 0 || strcmp(t, "data") == 0 ||
        strcmp(t, "value") == 0 || strcmp(t, "text") == 0 || strcmp(t, "list") == 0 ||
        strcmp(t, "empty") == 0 || strcmp(t, "notAllowed") == 0) {
        sx_push(out, p);
        return;
    }
    if (strcmp(t, "ref") == 0 || strcmp(t, "parentRef") == 0) {
        const sx_define *d = sx_ref_target(m, p);
        for (size_t i = 0; d && i < d->n; i++)
            for (xmlNodePtr c = d->v[i]->children; c; c = c->next)
                sx_leaves(m, c, depth + 1, inst, out);
        return;
    }
    if (strcmp(t, "mixed") == 0)
        sx_push(out, p);
    if (strcmp(t, "choice") == 0 && inst) {
        /* Only the branches the element's attributes select (<disk
         * type='file'> takes the file branch), when any does. */
        size_t n = sx_nchildren(p), i = 0;
        bool *sel = vc_xcalloc(n ? n : 1, sizeof(*sel));
        sx_select(m, p, inst, sel, n);
        for (xmlNodePtr c = p->children; c; c = c->next, i++)
            if (sel[i])
                sx_leaves(m, c, depth + 1, inst, out);
        free(sel);
        return;
    }
    if (strcmp(t, "externalRef") == 0) {
        const sx_ext *x = sx_external(m, p);
        for (size_t i = 0; x && i < x->nstart; i++)
            for (xmlNodePtr c = x->start[i]->children; c; c = c->next)
                sx_leaves(m, c, depth + 1, inst, out);
        return;
    }
    for (xmlNodePtr c = p->children; c; c = c->next)
        sx_leaves(m, c, depth + 1, inst, out);
}

/* The content leaves of the element patterns in cands, for inst. */
static void sx_content_leaves(const sx_model *m, const sx_vec *cands, xmlNodePtr inst,
                              sx_vec *out)
{
    for (size_t i = 0; i < cands->n; i++)
        for (xmlNodePtr c = sx_content(cands->v[i]); c; c = c->next)
            sx_leaves(m, c, 0, inst, out);
}

/* ---- names ------------------------------------------------------------- */

/* The namespace a pattern's names are in: the nearest ns attribute. */
static xmlChar *sx_inherited_ns(xmlNodePtr p)
{
    for (; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (xmlHasProp(p, BAD_CAST "ns"))
            return xmlGetProp(p, BAD_CAST "ns");
    return NULL;
}

/* Whether the name 'qname' written at pattern p (for an element, ns
 * inherited; for an attribute, only its own) is local in uri. */
static bool sx_qname_match(xmlNodePtr p, const xmlChar *qname, bool attr, const xmlChar *local,
                           const xmlChar *uri)
{
    const xmlChar *colon = xmlStrchr(qname, ':');
    bool ok;
    if (colon) {
        xmlChar *prefix = xmlStrndup(qname, (int)(colon - qname));
        xmlNsPtr ns = xmlSearchNs(p->doc, p, prefix);
        xmlFree(prefix);
        ok = xmlStrEqual(colon + 1, local) && ns && xmlStrEqual(ns->href, uri ? uri : BAD_CAST "");
        return ok;
    }
    if (!xmlStrEqual(qname, local))
        return false;
    xmlChar *ns = attr ? xmlGetProp(p, BAD_CAST "ns") : sx_inherited_ns(p);
    ok = xmlStrEqual(ns ? ns : BAD_CAST "", uri ? uri : BAD_CAST "");
    xmlFree(ns);
    return ok;
}

/* Whether name class nc (name, anyName, nsName, choice) admits the name. */
static bool sx_class_match(xmlNodePtr nc, bool attr, const xmlChar *local, const xmlChar *uri)
{
    if (sx_is(nc, "anyName"))
        return true;
    if (sx_is(nc, "nsName")) {
        xmlChar *ns = sx_inherited_ns(nc);
        bool ok = xmlStrEqual(ns ? ns : BAD_CAST "", uri ? uri : BAD_CAST "");
        xmlFree(ns);
        return ok;
    }
    if (sx_is(nc, "name")) {
        xmlChar *text = xmlNodeGetContent(nc);
        bool ok = text && sx_qname_match(nc, text, attr, local, uri);
        xmlFree(text);
        return ok;
    }
    if (sx_is(nc, "choice"))
        for (xmlNodePtr c = nc->children; c; c = c->next)
            if (sx_is(c, NULL) && sx_class_match(c, attr, local, uri))
                return true;
    return false;
}

/* Whether element or attribute pattern p admits the name. */
static bool sx_name_match(xmlNodePtr p, const xmlChar *local, const xmlChar *uri)
{
    bool attr = sx_is(p, "attribute");
    xmlChar *name = xmlGetProp(p, BAD_CAST "name");
    if (name) {
        bool ok = sx_qname_match(p, name, attr, local, uri);
        xmlFree(name);
        return ok;
    }
    xmlNodePtr nc = p->children;
    while (nc && !sx_is(nc, NULL))
        nc = nc->next;
    return nc && sx_class_match(nc, attr, local, uri);
}

/* A wildcard: a pattern without a fixed name (anyName, nsName). */
static bool sx_is_wild(xmlNodePtr p)
{
    return !xmlHasProp(p, BAD_CAST "name");
}

static const xmlChar *sx_node_uri(xmlNodePtr n)
{
    return n->ns ? n->ns->href : NULL;
}

/* ---- values -------------------------------------------------------------- */

static xmlChar *sx_inherited_lib(xmlNodePtr p)
{
    for (; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (xmlHasProp(p, BAD_CAST "datatypeLibrary"))
            return xmlGetProp(p, BAD_CAST "datatypeLibrary");
    return NULL;
}

/* s with leading and trailing white space dropped and inner runs made one
 * space (the token type's comparison). */
static char *sx_collapse(const char *s)
{
    char *out = vc_xmalloc(strlen(s) + 1), *o = out;
    bool space = false;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            space = o != out;
            continue;
        }
        if (space)
            *o++ = ' ';
        space = false;
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

static const struct {
    const char *name;
    xmlSchemaTypeType type;
} sx_facets[] = {
    { "minInclusive", XML_SCHEMA_FACET_MININCLUSIVE },
    { "maxInclusive", XML_SCHEMA_FACET_MAXINCLUSIVE },
    { "minExclusive", XML_SCHEMA_FACET_MINEXCLUSIVE },
    { "maxExclusive", XML_SCHEMA_FACET_MAXEXCLUSIVE },
    { "length", XML_SCHEMA_FACET_LENGTH },
    { "minLength", XML_SCHEMA_FACET_MINLENGTH },
    { "maxLength", XML_SCHEMA_FACET_MAXLENGTH },
    { "pattern", XML_SCHEMA_FACET_PATTERN },
    { "totalDigits", XML_SCHEMA_FACET_TOTALDIGITS },
    { "fractionDigits", XML_SCHEMA_FACET_FRACTIONDIGITS },
};

/* Whether value satisfies one <param> of a data pattern of type t. */
static bool sx_facet_ok(xmlSchemaTypePtr t, const xmlChar *tname, xmlNodePtr param,
                        const xmlChar *value, xmlSchemaValPtr val)
{
    xmlChar *name = xmlGetProp(param, BAD_CAST "name");
    int kind = -1;
    for (size_t i = 0; name && i < VC_ARRAY_SIZE(sx_facets); i++)
        if (strcmp((const char *)name, sx_facets[i].name) == 0)
            kind = (int)sx_facets[i].type;
    xmlFree(name);
    if (kind < 0)
        return true;
    xmlSchemaFacetPtr f = xmlSchemaNewFacet();
    if (!f)
        return true;
    xmlChar *fv = xmlNodeGetContent(param);
    f->type = (xmlSchemaTypeType)kind;
    f->value = fv;
    bool ok = true;
    if (xmlSchemaCheckFacet(f, t, NULL, tname) == 0)
        ok = xmlSchemaValidateFacet(t, f, value, val) == 0;
    xmlSchemaFreeFacet(f);
    xmlFree(fv);
    return ok;
}

/* Whether value is of data pattern p's type and meets its facets. */
static bool sx_data_ok(xmlNodePtr p, const xmlChar *value)
{
    xmlChar *lib = sx_inherited_lib(p);
    xmlChar *tname = xmlGetProp(p, BAD_CAST "type");
    bool xsd = lib && xmlStrstr(lib, BAD_CAST "XMLSchema-datatypes");
    xmlFree(lib);
    xmlSchemaTypePtr t = xsd && tname ? xmlSchemaGetPredefinedType(tname, BAD_CAST SX_XSD_NS)
                                      : NULL;
    if (!t) {
        xmlFree(tname);
        return true;     /* RelaxNG's own string and token: any text */
    }
    xmlSchemaValPtr val = NULL;
    bool ok = xmlSchemaValPredefTypeNode(t, value, &val, NULL) == 0;
    for (xmlNodePtr c = p->children; ok && c; c = c->next)
        if (sx_is(c, "param"))
            ok = sx_facet_ok(t, tname, c, value, val);
    if (val)
        xmlSchemaFreeValue(val);
    xmlFree(tname);
    return ok;
}

static bool sx_value_ok(const sx_model *m, xmlNodePtr p, const char *value, int depth);

/* Whether the patterns from first on, read as one group, admit value. A
 * group of several value patterns (rare) is not judged. */
static bool sx_group_ok(const sx_model *m, xmlNodePtr first, const char *value, int depth)
{
    xmlNodePtr only = NULL;
    int n = 0;
    for (xmlNodePtr c = first; c; c = c->next)
        if (sx_is(c, NULL)) {
            only = c;
            n++;
        }
    if (n == 0)
        return true;
    return n > 1 || sx_value_ok(m, only, value, depth + 1);
}

static bool sx_value_ok(const sx_model *m, xmlNodePtr p, const char *value, int depth)
{
    if (depth > SX_MAX_DEPTH)
        return true;
    const char *t = (const char *)p->name;
    if (strcmp(t, "value") == 0) {
        xmlChar *type = xmlGetProp(p, BAD_CAST "type");
        xmlChar *want = xmlNodeGetContent(p);
        bool ok;
        if (type && strcmp((const char *)type, "string") == 0) {
            ok = strcmp((const char *)(want ? want : BAD_CAST ""), value) == 0;
        } else {
            char *a = sx_collapse(want ? (const char *)want : ""), *b = sx_collapse(value);
            ok = strcmp(a, b) == 0;
            free(a);
            free(b);
        }
        xmlFree(type);
        xmlFree(want);
        return ok;
    }
    if (strcmp(t, "data") == 0) {
        if (!sx_data_ok(p, BAD_CAST value))
            return false;
        for (xmlNodePtr c = p->children; c; c = c->next)
            if (sx_is(c, "except"))
                for (xmlNodePtr e = c->children; e; e = e->next)
                    if (sx_is(e, NULL) && sx_value_ok(m, e, value, depth + 1))
                        return false;
        return true;
    }
    if (strcmp(t, "empty") == 0)
        return value[0] == '\0';
    if (strcmp(t, "notAllowed") == 0)
        return false;
    if (strcmp(t, "ref") == 0) {
        const sx_define *d = sx_ref_target(m, p);
        for (size_t i = 0; d && i < d->n; i++)
            if (sx_group_ok(m, d->v[i]->children, value, depth))
                return true;
        return !d;
    }
    if (strcmp(t, "choice") == 0) {
        for (xmlNodePtr c = p->children; c; c = c->next)
            if (sx_is(c, NULL) && sx_value_ok(m, c, value, depth + 1))
                return true;
        return false;
    }
    if (strcmp(t, "group") == 0 || strcmp(t, "interleave") == 0)
        return sx_group_ok(m, p->children, value, depth);
    return true;     /* text, list, mixed, optional...: not judged here */
}

/* Whether attribute pattern a admits value. */
static bool sx_attr_value_ok(const sx_model *m, xmlNodePtr a, const char *value)
{
    xmlNodePtr c = sx_content(a);
    return !c || sx_group_ok(m, c, value, 0);
}

/* The attribute (want "attribute") or element (want "element") patterns
 * pattern p requires at its own level, outside choices. */
static void sx_required_pats(const sx_model *m, xmlNodePtr p, const char *want, int depth,
                             sx_vec *out)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH)
        return;
    const char *t = (const char *)p->name;
    if (strcmp(t, want) == 0) {
        sx_push(out, p);
    } else if (strcmp(t, "ref") == 0) {
        const sx_define *d = sx_ref_target(m, p);
        if (d && d->n == 1)
            for (xmlNodePtr c = d->v[0]->children; c; c = c->next)
                sx_required_pats(m, c, want, depth + 1, out);
    } else if (strcmp(t, "group") == 0 || strcmp(t, "interleave") == 0 ||
               strcmp(t, "oneOrMore") == 0) {
        for (xmlNodePtr c = p->children; c; c = c->next)
            sx_required_pats(m, c, want, depth + 1, out);
    }
}

/* Whether every leaf of pattern content from first on (attributes aside
 * when skip_attrs) is a <value>: an enumeration. */
static bool sx_is_enum_content(const sx_model *m, xmlNodePtr first, bool skip_attrs)
{
    sx_vec leaves = { NULL, 0, 0 };
    for (xmlNodePtr c = first; c; c = c->next)
        sx_leaves(m, c, 0, NULL, &leaves);
    size_t n = 0;
    bool all = true;
    for (size_t i = 0; i < leaves.n && all; i++) {
        if (skip_attrs && sx_is(leaves.v[i], "attribute"))
            continue;
        n++;
        all = sx_is(leaves.v[i], "value");
    }
    free(leaves.v);
    return all && n > 0;
}

/* Whether attribute pattern a's content is an enumeration of values. */
static bool sx_is_enum(const sx_model *m, xmlNodePtr a)
{
    return sx_is_enum_content(m, sx_content(a), false);
}

/* inst's first child element that element pattern p names, or NULL. */
static xmlNodePtr sx_inst_child(xmlNodePtr inst, xmlNodePtr p)
{
    for (xmlNodePtr c = inst->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && sx_name_match(p, c->name, sx_node_uri(c)))
            return c;
    return NULL;
}

static char *sx_own_text(xmlNodePtr e);

/* Whether the text of child (an element that element pattern p, whose
 * content is an enumeration, describes) is one of p's values: <type>hvm
 * </type> tells an hvm guest's <os> from a container's. */
static bool sx_child_value_fits(const sx_model *m, xmlNodePtr p, xmlNodePtr child)
{
    sx_vec leaves = { NULL, 0, 0 };
    for (xmlNodePtr c = sx_content(p); c; c = c->next)
        sx_leaves(m, c, 0, NULL, &leaves);
    char *text = sx_own_text(child);
    bool ok = false;
    for (size_t i = 0; i < leaves.n && !ok; i++)
        ok = sx_is(leaves.v[i], "value") && sx_value_ok(m, leaves.v[i], text ? text : "", 0);
    free(text);
    free(leaves.v);
    return ok;
}

static bool sx_fits_content(const sx_model *m, xmlNodePtr e, xmlNodePtr inst, bool strict,
                            int depth);

/* Whether each child element of inst that pattern p names at its level
 * fits one of p's patterns of that name: a branch whose <os> cannot be the
 * document's is not the document's. */
static bool sx_children_fit(const sx_model *m, xmlNodePtr p, xmlNodePtr inst, int depth)
{
    sx_vec leaves = { NULL, 0, 0 };
    sx_leaves(m, p, depth + 1, inst, &leaves);
    bool fits = true;
    for (xmlNodePtr c = inst->children; c && fits; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        bool named = false, one = false;
        for (size_t i = 0; i < leaves.n && !one; i++)
            if (sx_is(leaves.v[i], "element") && !sx_is_wild(leaves.v[i]) &&
                sx_name_match(leaves.v[i], c->name, sx_node_uri(c))) {
                named = true;
                one = sx_fits_content(m, leaves.v[i], c, true, depth + 1);
            }
        fits = !named || one;
    }
    free(leaves.v);
    return fits;
}

/* How many of inst's attributes branch p refuses by value: those that p
 * names at its own level (required or optional, in any of its choices)
 * only with enumerations that do not hold the value. <disk type='network'>
 * is not the file branch's disk (whose type, optional, can only be
 * 'file'), however badly its <source> fits the network branch. */
static size_t sx_mismatches(const sx_model *m, xmlNodePtr p, xmlNodePtr inst)
{
    sx_vec leaves = { NULL, 0, 0 };
    sx_leaves(m, p, 0, NULL, &leaves);
    size_t bad = 0;
    for (xmlAttrPtr a = inst->properties; a; a = a->next) {
        bool named = false, ok = false;
        xmlChar *v = NULL;
        for (size_t i = 0; i < leaves.n && !ok; i++) {
            if (!sx_is(leaves.v[i], "attribute") || sx_is_wild(leaves.v[i]) ||
                !sx_name_match(leaves.v[i], a->name, a->ns ? a->ns->href : NULL))
                continue;
            named = true;
            if (!v)
                v = xmlNodeGetContent((xmlNodePtr)a);
            ok = !sx_is_enum(m, leaves.v[i]) ||
                 sx_attr_value_ok(m, leaves.v[i], v ? (const char *)v : "");
        }
        xmlFree(v);
        bad += named && !ok;
    }
    free(leaves.v);
    return bad;
}

/* Whether the branch p (a choice's alternative) can be the one element
 * inst took. Lenient: the value of each attribute the branch requires that
 * is an enumeration is one of it, and so is the text of each child element
 * it requires whose content is one, and it refuses none of inst's
 * attribute values (sx_mismatches). Strict, also: inst has each attribute
 * and child element the branch requires, and each child the branch names
 * fits it. A choice fits when one of its branches does. */
static bool sx_fits_level(const sx_model *m, xmlNodePtr p, xmlNodePtr inst, bool strict,
                          int depth)
{
    if (depth > SX_MAX_DEPTH)
        return true;
    if (sx_is(p, "choice")) {
        for (xmlNodePtr c = p->children; c; c = c->next)
            if (sx_is(c, NULL) && sx_fits_level(m, c, inst, strict, depth + 1))
                return true;
        return false;
    }
    sx_vec req = { NULL, 0, 0 };
    sx_required_pats(m, p, "attribute", 0, &req);
    bool fits = true;
    for (size_t i = 0; i < req.n && fits; i++) {
        xmlAttrPtr a = NULL;
        for (a = inst->properties; a; a = a->next)
            if (sx_name_match(req.v[i], a->name, a->ns ? a->ns->href : NULL))
                break;
        if (!a) {
            fits = !strict;
        } else if (sx_is_enum(m, req.v[i])) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            fits = sx_attr_value_ok(m, req.v[i], v ? (const char *)v : "");
            xmlFree(v);
        }
    }
    req.n = 0;
    if (fits)
        sx_required_pats(m, p, "element", 0, &req);
    for (size_t i = 0; i < req.n && fits; i++) {
        xmlNodePtr child = sx_is_wild(req.v[i]) ? NULL : sx_inst_child(inst, req.v[i]);
        if (!child)
            fits = !strict || sx_is_wild(req.v[i]);
        else if (sx_is_enum_content(m, sx_content(req.v[i]), true))
            fits = sx_child_value_fits(m, req.v[i], child);
    }
    free(req.v);
    fits = fits && sx_mismatches(m, p, inst) == 0;
    return fits && (!strict || sx_children_fit(m, p, inst, depth));
}

/* Whether inst meets a vc:when mark: "ATTR" (inst carries ATTR) or
 * "ATTR=VALUE" (ATTR has that value). */
static bool sx_when_met(xmlNodePtr inst, const char *when)
{
    const char *eq = strchr(when, '=');
    if (!eq)
        return xmlHasProp(inst, BAD_CAST when) != NULL;
    char *name = vc_xstrndup(when, (size_t)(eq - when));
    xmlChar *v = xmlGetNoNsProp(inst, BAD_CAST name);
    bool met = v && strcmp((const char *)v, eq + 1) == 0;
    xmlFree(v);
    free(name);
    return met;
}

/* The branches of choice p the schema marks vc:when="ATTR" (or
 * "ATTR=VALUE") for an element that carries ATTR (with that value): a
 * form of an element one attribute names whatever the rest says (a
 * <mirror> with file= is the old form, so that its job='active-commit' is
 * refused there, not its file= in the typed form; a <seclabel> with
 * relabel='yes' the form with labels). sel[i] for the i-th child; false
 * when no branch is marked so. */
static bool sx_select_marked(xmlNodePtr p, xmlNodePtr inst, bool *sel, size_t n)
{
    bool any = false;
    size_t i = 0;
    for (xmlNodePtr c = p->children; c && i < n; c = c->next, i++) {
        xmlChar *when = sx_is(c, NULL) ? xmlGetNsProp(c, BAD_CAST "when", BAD_CAST SX_ANNOT_NS)
                                       : NULL;
        sel[i] = when && sx_when_met(inst, (const char *)when);
        any = any || sel[i];
        xmlFree(when);
    }
    return any;
}

/* The branches of choice p that inst selects: those the schema marks for
 * one of inst's attributes (sx_select_marked), else among those refusing
 * the fewest of inst's attribute values (sx_mismatches), those that fit
 * strictly, else those that fit leniently, else all of them. A repeated
 * choice (<devices>' devices) is taken once per repetition, each time
 * another branch maybe: those that fit leniently. sel[i] for the i-th
 * child. */
static void sx_select(const sx_model *m, xmlNodePtr p, xmlNodePtr inst, bool *sel, size_t n)
{
    if (sx_select_marked(p, inst, sel, n))
        return;
    size_t *bad = vc_xcalloc(n ? n : 1, sizeof(*bad)), least = (size_t)-1, i = 0;
    for (xmlNodePtr c = p->children; c && i < n; c = c->next, i++)
        if (sx_is(c, NULL) && (bad[i] = sx_mismatches(m, c, inst)) < least)
            least = bad[i];
    bool repeated = sx_is(p->parent, "zeroOrMore") || sx_is(p->parent, "oneOrMore");
    for (int strict = !repeated; strict >= 0; strict--) {
        bool any = false;
        i = 0;
        for (xmlNodePtr c = p->children; c && i < n; c = c->next, i++) {
            sel[i] = sx_is(c, NULL) && bad[i] == least && sx_fits_level(m, c, inst, strict, 0);
            any = any || sel[i];
        }
        if (any) {
            free(bad);
            return;
        }
    }
    i = 0;
    for (xmlNodePtr c = p->children; c && i < n; c = c->next, i++)
        sel[i] = sx_is(c, NULL) && bad[i] == least;
    free(bad);
}

static size_t sx_nchildren(xmlNodePtr p)
{
    size_t n = 0;
    for (xmlNodePtr c = p->children; c; c = c->next)
        n++;
    return n;
}

/* sx_fits_level for every part of element pattern e's content. */
static bool sx_fits_content(const sx_model *m, xmlNodePtr e, xmlNodePtr inst, bool strict,
                            int depth)
{
    for (xmlNodePtr c = sx_content(e); c; c = c->next)
        if (sx_is(c, NULL) && !sx_fits_level(m, c, inst, strict, depth + 1))
            return false;
    return true;
}

/* ---- describing what a pattern admits ------------------------------------ */

typedef struct sx_desc {
    vc_strv values;     /* the <value>s */
    vc_strv others;     /* "a number 0..31", ... */
} sx_desc;

static void sx_desc_add(vc_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return;
    vc_strv_add(sv, s);
}

/* The schema's own words for a pattern or define (vc:expect), or NULL. */
static xmlChar *sx_annotation(xmlNodePtr p)
{
    return xmlGetNsProp(p, BAD_CAST "expect", BAD_CAST SX_ANNOT_NS);
}

static const struct {
    const char *type;
    const char *words;
} sx_type_words[] = {
    { "int", "an integer" },          { "integer", "an integer" },
    { "long", "an integer" },         { "short", "an integer" },
    { "byte", "an integer" },         { "unsignedInt", "a non-negative integer" },
    { "unsignedLong", "a non-negative integer" },
    { "unsignedShort", "a non-negative integer" },
    { "unsignedByte", "a non-negative integer" },
    { "nonNegativeInteger", "a non-negative integer" },
    { "positiveInteger", "a positive integer" },
    { "double", "a number" },         { "float", "a number" },
    { "decimal", "a number" },        { "boolean", "true or false" },
    { "dateTime", "a date and time (YYYY-MM-DDThh:mm:ss)" },
    { "anyURI", "a URI" },            { "NCName", "a name without ':'" },
    { "string", "text" },             { "token", "text" },
};

/* The bounds of the integer types, said as a range when a facet gives
 * only one end, or for the types up to 32 bits (a short's 0..65535 or an
 * unsignedInt's 0..4294967295 is news to a reader whose value is past it,
 * a lease offset of 4294967296; an unsignedLong's upper end is not). */
static const struct {
    const char *type, *lo, *hi;
} sx_type_range[] = {
    { "unsignedByte", "0", "255" },
    { "unsignedShort", "0", "65535" },
    { "byte", "-128", "127" },
    { "short", "-32768", "32767" },
    { "unsignedInt", "0", "4294967295" },
    { "int", "-2147483648", "2147483647" },
    { "unsignedLong", "0", NULL },
    { "nonNegativeInteger", "0", NULL },
    { "positiveInteger", "1", NULL },
};

static char *sx_param(xmlNodePtr data, const char *name)
{
    for (xmlNodePtr c = data->children; c; c = c->next) {
        if (!sx_is(c, "param"))
            continue;
        xmlChar *n = xmlGetProp(c, BAD_CAST "name");
        bool hit = n && strcmp((const char *)n, name) == 0;
        xmlFree(n);
        if (hit) {
            xmlChar *v = xmlNodeGetContent(c);
            char *s = vc_xstrdup((const char *)v);
            xmlFree(v);
            return s;
        }
    }
    return NULL;
}

/* "a number 0..31", "text matching '[a-z]+'", "text of at most 8 characters" */
static char *sx_data_words(xmlNodePtr p)
{
    xmlChar *tname = xmlGetProp(p, BAD_CAST "type");
    const char *words = "text";
    for (size_t i = 0; tname && i < VC_ARRAY_SIZE(sx_type_words); i++)
        if (strcmp((const char *)tname, sx_type_words[i].type) == 0)
            words = sx_type_words[i].words;
    char *lo = sx_param(p, "minInclusive"), *hi = sx_param(p, "maxInclusive");
    for (size_t i = 0; tname && i < VC_ARRAY_SIZE(sx_type_range); i++)
        if (strcmp((const char *)tname, sx_type_range[i].type) == 0) {
            if (!lo)
                lo = vc_xstrdup(sx_type_range[i].lo);
            if (!hi && sx_type_range[i].hi)
                hi = vc_xstrdup(sx_type_range[i].hi);
        }
    xmlFree(tname);
    char *pat = sx_param(p, "pattern"), *maxlen = sx_param(p, "maxLength");
    char *minlen = sx_param(p, "minLength");
    vc_buf b;
    vc_buf_init(&b);
    if (lo && hi)
        vc_buf_printf(&b, "a number %s..%s", lo, hi);
    else if (hi)
        vc_buf_printf(&b, "a number <= %s", hi);
    else
        vc_buf_puts(&b, words);     /* a lower bound alone is in the words */
    /* on a number type a pattern only keeps out signs and spaces */
    if (pat && strcmp(words, "text") == 0)
        vc_buf_printf(&b, " matching '%s'", pat);
    if (minlen && maxlen)
        vc_buf_printf(&b, " of %s to %s characters", minlen, maxlen);
    else if (maxlen)
        vc_buf_printf(&b, " of at most %s characters", maxlen);
    else if (minlen)
        vc_buf_printf(&b, " of at least %s characters", minlen);
    free(lo);
    free(hi);
    free(pat);
    free(maxlen);
    free(minlen);
    return vc_buf_steal(&b);
}

static void sx_describe(const sx_model *m, xmlNodePtr p, sx_desc *d, int depth)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH)
        return;
    xmlChar *words = sx_annotation(p);
    if (words) {
        sx_desc_add(&d->others, (const char *)words);
        xmlFree(words);
        return;
    }
    const char *t = (const char *)p->name;
    if (strcmp(t, "value") == 0) {
        xmlChar *v = xmlNodeGetContent(p);
        sx_desc_add(&d->values, (const char *)(v ? v : BAD_CAST ""));
        xmlFree(v);
    } else if (strcmp(t, "data") == 0) {
        char *s = sx_data_words(p);
        sx_desc_add(&d->others, s);
        free(s);
    } else if (strcmp(t, "text") == 0 || strcmp(t, "list") == 0) {
        sx_desc_add(&d->others, "text");
    } else if (strcmp(t, "empty") == 0) {
        sx_desc_add(&d->others, "an empty value");
    } else if (strcmp(t, "ref") == 0) {
        const sx_define *def = sx_ref_target(m, p);
        for (size_t i = 0; def && i < def->n; i++) {
            xmlChar *dw = sx_annotation(def->v[i]);
            if (dw) {
                sx_desc_add(&d->others, (const char *)dw);
                xmlFree(dw);
                continue;
            }
            for (xmlNodePtr c = def->v[i]->children; c; c = c->next)
                sx_describe(m, c, d, depth + 1);
        }
    } else if (strcmp(t, "notAllowed") != 0) {
        for (xmlNodePtr c = p->children; c; c = c->next)
            sx_describe(m, c, d, depth + 1);
    }
}

/* "one of a, b, c", "'a'", "a number 0..31", joined with " or ". */
static char *sx_desc_text(sx_desc *d)
{
    vc_buf b;
    vc_buf_init(&b);
    if (d->values.n == 1) {
        vc_buf_printf(&b, "'%s'", d->values.v[0]);
    } else if (d->values.n > 1) {
        vc_buf_puts(&b, "one of ");
        for (size_t i = 0; i < d->values.n; i++)
            vc_buf_printf(&b, "%s%s", i ? ", " : "", d->values.v[i]);
    }
    for (size_t i = 0; i < d->others.n; i++)
        vc_buf_printf(&b, "%s%s", b.len ? " or " : "", d->others.v[i]);
    if (b.len == 0)
        vc_buf_puts(&b, "nothing");
    vc_strv_free(&d->values);
    vc_strv_free(&d->others);
    return vc_buf_steal(&b);
}

/* What the value patterns in leaves admit. */
static char *sx_expected_value(const sx_model *m, const sx_vec *pats, bool attrs)
{
    sx_desc d;
    vc_strv_init(&d.values);
    vc_strv_init(&d.others);
    for (size_t i = 0; i < pats->n; i++) {
        if (attrs) {
            xmlNodePtr c = sx_content(pats->v[i]);
            if (!c)
                sx_desc_add(&d.others, "text");
            for (; c; c = c->next)
                sx_describe(m, c, &d, 0);
        } else {
            sx_describe(m, pats->v[i], &d, 0);
        }
    }
    return sx_desc_text(&d);
}

/* ---- what a pattern requires ---------------------------------------------- */

/* A set of names; all == true stands for every name (notAllowed: a branch
 * that can never be taken must not weaken a choice's intersection). */
typedef struct sx_names {
    vc_strv v;
    bool all;
} sx_names;

static bool sx_names_has(const sx_names *s, const char *n)
{
    for (size_t i = 0; i < s->v.n; i++)
        if (strcmp(s->v.v[i], n) == 0)
            return true;
    return false;
}

static void sx_names_add(sx_names *s, const char *n)
{
    if (!sx_names_has(s, n))
        vc_strv_add(&s->v, n);
}

static void sx_names_union(sx_names *into, sx_names *from)
{
    into->all = into->all || from->all;
    for (size_t i = 0; i < from->v.n; i++)
        sx_names_add(into, from->v.v[i]);
    vc_strv_free(&from->v);
}

/* into := into ∩ from (first: into is still the neutral "all") */
static void sx_names_intersect(sx_names *into, sx_names *from)
{
    if (from->all) {
        vc_strv_free(&from->v);
        return;
    }
    if (into->all) {
        vc_strv_free(&into->v);
        *into = *from;
        return;
    }
    sx_names keep = { { NULL, 0, 0 }, false };
    vc_strv_init(&keep.v);
    for (size_t i = 0; i < into->v.n; i++)
        if (sx_names_has(from, into->v.v[i]))
            vc_strv_add(&keep.v, into->v.v[i]);
    vc_strv_free(&into->v);
    vc_strv_free(&from->v);
    *into = keep;
}

/* The names of the elements (want "element") or attributes (want
 * "attribute") that every match of p must have, at p's level. */
static void sx_required(const sx_model *m, xmlNodePtr p, const char *want, int depth,
                        xmlNodePtr inst, sx_names *out);

/* Whether inst has a child element (want "element") or attribute named n;
 * "a|b" is had when one of them is. */
static bool sx_inst_has(xmlNodePtr inst, const char *want, const char *n)
{
    const char *bar = strchr(n, '|');
    if (bar) {
        char *first = vc_xstrndup(n, (size_t)(bar - n));
        bool has = sx_inst_has(inst, want, first) || sx_inst_has(inst, want, bar + 1);
        free(first);
        return has;
    }
    if (strcmp(want, "attribute") == 0)
        return xmlHasProp(inst, BAD_CAST n) != NULL;
    for (xmlNodePtr c = inst->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, n) == 0)
            return true;
    return false;
}

static bool sx_names_had(const sx_names *s, xmlNodePtr inst, const char *want)
{
    for (size_t i = 0; i < s->v.n; i++)
        if (!sx_inst_has(inst, want, s->v.v[i]))
            return false;
    return true;
}

/* What a choice requires of inst: what all the branches inst selects
 * require, taking only the branches inst satisfies when there are any.
 * When it satisfies none and each needs something, it needs one of them:
 * "a|b" (the first need of each branch). */
static void sx_required_choice(const sx_model *m, xmlNodePtr p, const char *want, int depth,
                               xmlNodePtr inst, sx_names *out)
{
    size_t n = sx_nchildren(p), i = 0;
    bool *sel = vc_xcalloc(n ? n : 1, sizeof(*sel));
    sx_names *sets = vc_xcalloc(n ? n : 1, sizeof(*sets));
    if (inst)
        sx_select(m, p, inst, sel, n);
    bool satisfied = false, all_need = true;
    for (xmlNodePtr c = p->children; c; c = c->next, i++) {
        vc_strv_init(&sets[i].v);
        if (!sx_is(c, NULL) || (inst && !sel[i])) {
            sets[i].all = true;
            continue;
        }
        sx_required(m, c, want, depth + 1, inst, &sets[i]);
        if (inst && !sets[i].all && sx_names_had(&sets[i], inst, want))
            satisfied = true;
        all_need = all_need && (sets[i].all || sets[i].v.n > 0);
    }
    sx_names acc = { { NULL, 0, 0 }, true };
    vc_buf alt;
    vc_buf_init(&alt);
    for (i = 0; i < n; i++) {
        if (satisfied && !sets[i].all && !sx_names_had(&sets[i], inst, want)) {
            vc_strv_free(&sets[i].v);
            continue;
        }
        if (!sets[i].all && sets[i].v.n && !strstr(alt.len ? alt.data : "", sets[i].v.v[0]))
            vc_buf_printf(&alt, "%s%s", alt.len ? "|" : "", sets[i].v.v[0]);
        sx_names_intersect(&acc, &sets[i]);
    }
    if (inst && !satisfied && all_need && !acc.all && acc.v.n == 0 && strchr(vc_buf_str(&alt), '|'))
        sx_names_add(&acc, vc_buf_str(&alt));
    vc_buf_free(&alt);
    sx_names_union(out, &acc);
    free(sets);
    free(sel);
}

static void sx_required(const sx_model *m, xmlNodePtr p, const char *want, int depth,
                        xmlNodePtr inst, sx_names *out)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH)
        return;
    const char *t = (const char *)p->name;
    if (strcmp(t, "element") == 0 || strcmp(t, "attribute") == 0) {
        xmlChar *name = xmlGetProp(p, BAD_CAST "name");
        if (name && strcmp(t, want) == 0) {
            const xmlChar *colon = xmlStrchr(name, ':');
            sx_names_add(out, (const char *)(colon ? colon + 1 : name));
        }
        xmlFree(name);
        return;
    }
    if (strcmp(t, "notAllowed") == 0) {
        out->all = true;
        return;
    }
    if (strcmp(t, "optional") == 0 || strcmp(t, "zeroOrMore") == 0) {
        /* optional, but once begun whole: <inituser> needs <initgroup> */
        sx_names part = { { NULL, 0, 0 }, false };
        for (xmlNodePtr c = p->children; inst && c; c = c->next)
            sx_required(m, c, want, depth + 1, inst, &part);
        bool begun = false;
        for (size_t i = 0; !part.all && i < part.v.n && !begun; i++)
            begun = sx_inst_has(inst, want, part.v.v[i]);
        if (begun && part.v.n > 1)
            sx_names_union(out, &part);
        else
            vc_strv_free(&part.v);
        return;
    }
    if (strcmp(t, "choice") == 0) {
        sx_required_choice(m, p, want, depth, inst, out);
        return;
    }
    if (strcmp(t, "ref") == 0) {
        const sx_define *d = sx_ref_target(m, p);
        /* several defines of one name combine as a choice */
        sx_names acc = { { NULL, 0, 0 }, true };
        for (size_t i = 0; d && i < d->n; i++) {
            sx_names one = { { NULL, 0, 0 }, false };
            for (xmlNodePtr c = d->v[i]->children; c; c = c->next)
                sx_required(m, c, want, depth + 1, inst, &one);
            sx_names_intersect(&acc, &one);
        }
        if (d)
            sx_names_union(out, &acc);
        return;
    }
    if (strcmp(t, "data") == 0 || strcmp(t, "value") == 0 || strcmp(t, "text") == 0 ||
        strcmp(t, "list") == 0 || strcmp(t, "empty") == 0)
        return;
    if (strcmp(t, "externalRef") == 0) {
        const sx_ext *x = sx_external(m, p);
        for (size_t i = 0; x && i < x->nstart; i++)
            for (xmlNodePtr c = x->start[i]->children; c; c = c->next)
                sx_required(m, c, want, depth + 1, inst, out);
        return;
    }
    for (xmlNodePtr c = p->children; c; c = c->next)   /* group, interleave, ... */
        sx_required(m, c, want, depth + 1, inst, out);
}

/* What every pattern in cands requires. */
static void sx_cands_required(const sx_model *m, const sx_vec *cands, const char *want,
                              xmlNodePtr inst, sx_names *out)
{
    sx_names acc = { { NULL, 0, 0 }, true };
    for (size_t i = 0; i < cands->n; i++) {
        sx_names one = { { NULL, 0, 0 }, false };
        for (xmlNodePtr c = sx_content(cands->v[i]); c; c = c->next)
            sx_required(m, c, want, 0, inst, &one);
        sx_names_intersect(&acc, &one);
    }
    if (acc.all)
        vc_strv_free(&acc.v);
    else
        *out = acc;
}

/* ---- walking the document ---------------------------------------------- */

typedef struct sx_run {
    const sx_model *m;
    const char *file;
    vc_diags *d;
    size_t nfound;
} sx_run;

static void sx_report(sx_run *r, xmlNodePtr at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void sx_report(sx_run *r, xmlNodePtr at, const char *fmt, ...)
{
    if (r->nfound >= SX_MAX_FINDINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = vc_xvasprintf(fmt, ap);
    va_end(ap);
    vc_loc loc = xml_node_loc(r->file, at);
    if (loc.line <= 0)
        loc.line = 1;
    if (loc.column <= 0)
        loc.column = 1;
    vc_error_at(r->d, loc, "%s", msg);
    free(msg);
    r->nfound++;
}

/* "a, b, c" of the distinct names of the element or attribute patterns
 * (kind) in leaves, at most SX_MAX_LISTED of them. */
static char *sx_names_list(const sx_vec *leaves, const char *kind)
{
    sx_names seen = { { NULL, 0, 0 }, false };
    vc_strv_init(&seen.v);
    for (size_t i = 0; i < leaves->n; i++) {
        if (!sx_is(leaves->v[i], kind))
            continue;
        xmlChar *name = xmlGetProp(leaves->v[i], BAD_CAST "name");
        if (name) {
            const xmlChar *colon = xmlStrchr(name, ':');
            sx_names_add(&seen, (const char *)(colon ? colon + 1 : name));
        }
        xmlFree(name);
    }
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < seen.v.n && i < SX_MAX_LISTED; i++)
        vc_buf_printf(&b, "%s%s", i ? ", " : "", seen.v.v[i]);
    if (seen.v.n > SX_MAX_LISTED)
        vc_buf_printf(&b, ", ... (%zu more)", seen.v.n - SX_MAX_LISTED);
    vc_strv_free(&seen.v);
    return vc_buf_steal(&b);
}

static bool sx_any_wild(const sx_vec *leaves, const char *kind)
{
    for (size_t i = 0; i < leaves->n; i++)
        if (sx_is(leaves->v[i], kind) && sx_is_wild(leaves->v[i]))
            return true;
    return false;
}

/* "a|b" as "<a> or <b>" (open "<", close ">"). */
static char *sx_alternatives(const char *names, const char *open, const char *close)
{
    vc_buf b;
    vc_buf_init(&b);
    const char *p = names;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        vc_buf_printf(&b, "%s%s%.*s%s", p == names ? "" : " or ", open, (int)n, p, close);
        if (!bar)
            break;
        p = bar + 1;
    }
    return vc_buf_steal(&b);
}

/* ---- attributes that exclude or need each other --------------------------
 *
 * Each attribute can be allowed on its own and the combination not: a
 * <choice> whose branches hold different attributes (a VNC server on a
 * socket= or on TCP with port=, listen=, ...) or an <optional> that holds
 * several (a CCW address: cssid=, ssid= and devno= all or none). libxml2
 * says "Invalid attribute port for element graphics"; this names both. */

/* How often attribute a of the instance is among the attribute leaves. */
static size_t sx_attr_count(const sx_vec *leaves, xmlAttrPtr a)
{
    size_t n = 0;
    for (size_t i = 0; i < leaves->n; i++)
        n += sx_is(leaves->v[i], "attribute") &&
             sx_name_match(leaves->v[i], a->name, a->ns ? a->ns->href : NULL);
    return n;
}

static bool sx_combine_walk(sx_run *r, xmlNodePtr e, const char *where, xmlNodePtr p,
                            const sx_vec *all, int depth);

static void sx_report_pair(sx_run *r, xmlAttrPtr a, xmlAttrPtr b, const char *where)
{
    xmlChar *av = xmlNodeGetContent((xmlNodePtr)a), *bv = xmlNodeGetContent((xmlNodePtr)b);
    sx_report(r, (xmlNodePtr)b, "%s='%s': cannot be combined with %s='%s' on %s",
              (const char *)b->name, bv ? (const char *)bv : "", (const char *)a->name,
              av ? (const char *)av : "", where);
    xmlFree(av);
    xmlFree(bv);
}

/* A choice among attributes: the instance's attributes that only the
 * choice holds must all be in one branch; the first pair that no branch
 * holds together is reported. Goes on into the one branch that holds
 * them all. */
static bool sx_combine_choice(sx_run *r, xmlNodePtr e, const char *where, xmlNodePtr p,
                              const sx_vec *all, int depth)
{
    size_t n = sx_nchildren(p), i = 0, nb = 0;
    bool *sel = vc_xcalloc(n ? n : 1, sizeof(*sel));
    sx_select(r->m, p, e, sel, n);
    xmlNodePtr *br = vc_xcalloc(n ? n : 1, sizeof(*br));
    sx_vec *lv = vc_xcalloc(n ? n : 1, sizeof(*lv));
    for (xmlNodePtr c = p->children; c; c = c->next, i++)
        if (sel[i] && sx_is(c, NULL)) {
            br[nb] = c;
            sx_leaves(r->m, c, 0, e, &lv[nb++]);
        }
    /* in[k][a]: branch k holds attribute a; only attributes no other part
     * of the element's content holds count */
    size_t na = 0;
    for (xmlAttrPtr a = e->properties; a; a = a->next)
        na++;
    xmlAttrPtr *mine = vc_xcalloc(na ? na : 1, sizeof(*mine));
    size_t nm = 0;
    for (xmlAttrPtr a = e->properties; a; a = a->next) {
        size_t inside = 0;
        for (size_t k = 0; k < nb; k++)
            inside += sx_attr_count(&lv[k], a);
        if (inside > 0 && inside == sx_attr_count(all, a))
            mine[nm++] = a;
    }
    long fit = -1;
    size_t nfit = 0;
    for (size_t k = 0; k < nb; k++) {
        bool holds = true;
        for (size_t j = 0; j < nm && holds; j++)
            holds = sx_attr_count(&lv[k], mine[j]) > 0;
        if (holds) {
            fit = (long)k;
            nfit++;
        }
    }
    bool found = false;
    for (size_t x = 0; nfit == 0 && x < nm && !found; x++)
        for (size_t y = x + 1; y < nm && !found; y++) {
            bool together = false;
            for (size_t k = 0; k < nb && !together; k++)
                together = sx_attr_count(&lv[k], mine[x]) && sx_attr_count(&lv[k], mine[y]);
            if (!together) {
                sx_report_pair(r, mine[x], mine[y], where);
                found = true;
            }
        }
    if (!found && nfit == 1)
        found = sx_combine_walk(r, e, where, br[fit], all, depth + 1);
    for (size_t k = 0; k < nb; k++)
        free(lv[k].v);
    free(lv);
    free(br);
    free(sel);
    free(mine);
    return found;
}

/* An optional part of attributes (and nothing else): all or none of them.
 * The first one present says which are missing. */
static bool sx_combine_optional(sx_run *r, xmlNodePtr e, const char *where, xmlNodePtr p)
{
    xmlNodePtr first = p->children;
    while (first && !sx_is(first, NULL))
        first = first->next;
    if (first && sx_is(first, "group"))
        first = first->children;
    size_t total = 0;
    xmlAttrPtr present = NULL;
    vc_buf miss;
    vc_buf_init(&miss);
    size_t nmiss = 0;
    for (xmlNodePtr c = first; c; c = c->next) {
        if (!sx_is(c, NULL))
            continue;
        if (!sx_is(c, "attribute") || !xmlHasProp(c, BAD_CAST "name")) {
            vc_buf_free(&miss);
            return false;
        }
        total++;
        xmlAttrPtr a = NULL;
        for (xmlAttrPtr x = e->properties; x && !a; x = x->next)
            if (sx_name_match(c, x->name, x->ns ? x->ns->href : NULL))
                a = x;
        if (a && !present)
            present = a;
        if (!a) {
            xmlChar *name = xmlGetProp(c, BAD_CAST "name");
            vc_buf_printf(&miss, "%s%s=", nmiss++ ? " and " : "", (const char *)name);
            xmlFree(name);
        }
    }
    bool found = total > 1 && present && nmiss > 0;
    if (found) {
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)present);
        sx_report(r, (xmlNodePtr)present, "%s='%s': needs %s too on %s",
                  (const char *)present->name, v ? (const char *)v : "", miss.data, where);
        xmlFree(v);
    }
    vc_buf_free(&miss);
    return found;
}

/* Pattern p of element e's content (not inside elements): reports the
 * first combination of attributes it does not allow. */
static bool sx_combine_walk(sx_run *r, xmlNodePtr e, const char *where, xmlNodePtr p,
                            const sx_vec *all, int depth)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH || sx_is(p, "element") || sx_is(p, "attribute"))
        return false;
    if (sx_is(p, "choice"))
        return sx_combine_choice(r, e, where, p, all, depth);
    if (sx_is(p, "optional") && sx_combine_optional(r, e, where, p))
        return true;
    if (sx_is(p, "ref")) {
        const sx_define *d = sx_ref_target(r->m, p);
        for (size_t i = 0; d && i < d->n; i++)
            for (xmlNodePtr c = d->v[i]->children; c; c = c->next)
                if (sx_combine_walk(r, e, where, c, all, depth + 1))
                    return true;
        return false;
    }
    for (xmlNodePtr c = p->children; c; c = c->next)
        if (sx_combine_walk(r, e, where, c, all, depth + 1))
            return true;
    return false;
}

static void sx_check_combinations(sx_run *r, xmlNodePtr e, const char *where,
                                  const sx_vec *cands, const sx_vec *leaves)
{
    if (cands->n != 1 || !e->properties)
        return;
    for (xmlNodePtr c = sx_content(cands->v[0]); c; c = c->next)
        if (sx_combine_walk(r, e, where, c, leaves, 0))
            return;
}

static void sx_check_attrs(sx_run *r, xmlNodePtr e, const char *where, const sx_vec *cands,
                           const sx_vec *leaves)
{
    size_t before = r->nfound;
    for (xmlAttrPtr a = e->properties; a; a = a->next) {
        sx_vec pats = { NULL, 0, 0 };
        for (size_t i = 0; i < leaves->n; i++)
            if (sx_is(leaves->v[i], "attribute") &&
                sx_name_match(leaves->v[i], a->name, a->ns ? a->ns->href : NULL))
                sx_push(&pats, leaves->v[i]);
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
        const char *value = v ? (const char *)v : "";
        if (pats.n == 0) {
            char *allowed = sx_names_list(leaves, "attribute");
            if (*allowed)
                sx_report(r, (xmlNodePtr)a, "attribute '%s' is not allowed on %s; expected one of %s",
                          (const char *)a->name, where, allowed);
            else
                sx_report(r, (xmlNodePtr)a, "attribute '%s' is not allowed on %s, which has no attributes",
                          (const char *)a->name, where);
            free(allowed);
        } else {
            bool ok = false;
            for (size_t i = 0; i < pats.n && !ok; i++)
                ok = sx_is_wild(pats.v[i]) || sx_attr_value_ok(r->m, pats.v[i], value);
            if (!ok) {
                char *want = sx_expected_value(r->m, &pats, true);
                sx_report(r, (xmlNodePtr)a, "%s='%s': expected %s", (const char *)a->name, value,
                          want);
                free(want);
            }
        }
        xmlFree(v);
        free(pats.v);
    }
    /* each attribute is allowed: is their combination? (then what it
     * lacks is said there) */
    size_t found = r->nfound;
    if (found == before)
        sx_check_combinations(r, e, where, cands, leaves);
    if (r->nfound > found)
        return;
    sx_names req = { { NULL, 0, 0 }, false };
    sx_cands_required(r->m, cands, "attribute", e, &req);
    for (size_t i = 0; i < req.v.n; i++)
        if (!sx_inst_has(e, "attribute", req.v.v[i])) {
            char *names = sx_alternatives(req.v.v[i], "'", "'");
            sx_report(r, e, "missing attribute %s on %s", names, where);
            free(names);
        }
    vc_strv_free(&req.v);
}

/* The element's own text (its text children, joined), or NULL when it has
 * none but white space. */
static char *sx_own_text(xmlNodePtr e)
{
    vc_buf b;
    vc_buf_init(&b);
    bool any = false;
    for (xmlNodePtr c = e->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!xmlIsBlankNode(c))
                any = true;
            vc_buf_puts(&b, (const char *)c->content);
        }
    if (!any) {
        vc_buf_free(&b);
        return NULL;
    }
    return vc_buf_steal(&b);
}

static void sx_check_text(sx_run *r, xmlNodePtr e, const sx_vec *leaves)
{
    char *text = sx_own_text(e);
    bool has_elems = false;
    for (xmlNodePtr c = e->children; c; c = c->next)
        has_elems = has_elems || c->type == XML_ELEMENT_NODE;
    if (has_elems) {
        free(text);
        return;
    }
    if (!text) {
        /* an empty element whose content is a value: '' is that value */
        bool valued = false, other = false;
        for (size_t i = 0; i < leaves->n; i++) {
            xmlNodePtr p = leaves->v[i];
            if (sx_is(p, "data") || sx_is(p, "value"))
                valued = true;
            else if (!sx_is(p, "attribute"))
                other = true;
        }
        if (!valued || other)
            return;
        text = vc_xstrdup("");
    }
    sx_vec pats = { NULL, 0, 0 };
    bool free_text = false;
    for (size_t i = 0; i < leaves->n; i++) {
        xmlNodePtr p = leaves->v[i];
        if (sx_is(p, "text") || sx_is(p, "list") || sx_is(p, "mixed"))
            free_text = true;
        else if (sx_is(p, "data") || sx_is(p, "value"))
            sx_push(&pats, p);
    }
    bool ok = free_text;
    for (size_t i = 0; i < pats.n && !ok; i++)
        ok = sx_value_ok(r->m, pats.v[i], text, 0);
    if (!ok && pats.n) {
        char *want = sx_expected_value(r->m, &pats, false);
        sx_report(r, e, "<%s>: '%s': expected %s", (const char *)e->name, text, want);
        free(want);
    } else if (!ok) {
        sx_report(r, e, "<%s>: text is not allowed here", (const char *)e->name);
    }
    free(pats.v);
    free(text);
}

/* The variant of element pattern e that inst is (the schema's vc:variant
 * words on the element or on the one branch of a choice in its content
 * that inst selects: "of type hvm" for an <os>), or NULL. Messages name
 * it, as what is allowed depends on it. */
static xmlChar *sx_variant_in(const sx_model *m, xmlNodePtr p, xmlNodePtr inst, int depth)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH || sx_is(p, "element") || sx_is(p, "attribute"))
        return NULL;
    xmlChar *words = NULL;
    if (sx_is(p, "choice")) {
        size_t n = sx_nchildren(p), i = 0, nsel = 0;
        bool *sel = vc_xcalloc(n ? n : 1, sizeof(*sel));
        sx_select(m, p, inst, sel, n);
        xmlNodePtr one = NULL;
        for (xmlNodePtr c = p->children; c; c = c->next, i++)
            if (sel[i] && sx_is(c, NULL)) {
                one = c;
                nsel++;
            }
        free(sel);
        if (nsel == 1 && !(words = xmlGetNsProp(one, BAD_CAST "variant", BAD_CAST SX_ANNOT_NS)))
            words = sx_variant_in(m, one, inst, depth + 1);
        return words;
    }
    if (sx_is(p, "ref")) {
        const sx_define *d = sx_ref_target(m, p);
        for (xmlNodePtr c = d && d->n == 1 ? d->v[0]->children : NULL; c && !words; c = c->next)
            words = sx_variant_in(m, c, inst, depth + 1);
        return words;
    }
    for (xmlNodePtr c = p->children; c && !words; c = c->next)
        words = sx_variant_in(m, c, inst, depth + 1);
    return words;
}

static xmlChar *sx_variant(const sx_model *m, xmlNodePtr e, xmlNodePtr inst)
{
    xmlChar *words = xmlGetNsProp(e, BAD_CAST "variant", BAD_CAST SX_ANNOT_NS);
    for (xmlNodePtr c = sx_content(e); c && !words; c = c->next)
        words = sx_variant_in(m, c, inst, 0);
    return words;
}

static void sx_visit(sx_run *r, xmlNodePtr e, const sx_vec *cands, int depth);

/* The first pattern of the form of element pattern e that inst takes:
 * e's content, or, where that is a lone <choice> of forms (a storage
 * pool's, one per type=), the first pattern of the one branch inst's
 * attributes select (sx_select; through its <ref> or <group>), so that
 * the order checks below see the parts of that form: a pool's type=, its
 * interleave, an fs pool's <fs:mount_opts> after it. */
static xmlNodePtr sx_form(const sx_model *m, xmlNodePtr e, xmlNodePtr inst)
{
    xmlNodePtr first = sx_content(e);
    for (xmlNodePtr c = first ? first->next : NULL; c; c = c->next)
        if (sx_is(c, NULL))
            return first;       /* a sequence already */
    if (!first || !sx_is(first, "choice"))
        return first;
    size_t n = sx_nchildren(first), i = 0, nsel = 0;
    bool *sel = vc_xcalloc(n ? n : 1, sizeof(*sel));
    xmlNodePtr pick = NULL;
    sx_select(m, first, inst, sel, n);
    for (xmlNodePtr c = first->children; c; c = c->next, i++)
        if (sel[i] && nsel++ == 0)
            pick = c;
    free(sel);
    if (nsel != 1)
        return first;
    if (sx_is(pick, "ref")) {
        const sx_define *d = sx_ref_target(m, pick);
        pick = d && d->n == 1 ? d->v[0] : NULL;
    } else if (!sx_is(pick, "group")) {
        return first;
    }
    xmlNodePtr c = pick ? pick->children : NULL;
    while (c && !sx_is(c, NULL))
        c = c->next;
    return c ? c : first;
}

/* The parts of element pattern e's content that are in sequence (the
 * form inst takes, sx_form): its content patterns, or the children of a
 * lone <group>. */
static void sx_sequence(const sx_model *m, xmlNodePtr e, xmlNodePtr inst, sx_vec *parts)
{
    xmlNodePtr first = sx_form(m, e, inst);
    if (first && sx_is(first, "group")) {
        bool alone = true;
        for (xmlNodePtr c = first->next; c; c = c->next)
            alone = alone && !sx_is(c, NULL);
        if (alone)
            first = first->children;
    }
    for (xmlNodePtr c = first; c; c = c->next)
        if (sx_is(c, NULL))
            sx_push(parts, c);
}

/* Which part of parts names element child c (an index), or -1 when none
 * or more than one does. */
static long sx_part_of(const sx_model *m, const sx_vec *parts, xmlNodePtr c)
{
    long found = -1;
    for (size_t i = 0; i < parts->n; i++) {
        sx_vec leaves = { NULL, 0, 0 };
        sx_leaves(m, parts->v[i], 0, NULL, &leaves);
        bool names = false;
        for (size_t j = 0; j < leaves.n && !names; j++)
            names = sx_is(leaves.v[j], "element") && !sx_is_wild(leaves.v[j]) &&
                    sx_name_match(leaves.v[j], c->name, sx_node_uri(c));
        free(leaves.v);
        if (names && found >= 0)
            return -1;
        if (names)
            found = (long)i;
    }
    return found;
}

/* A sequence the schema fixes (a Xen PV <os>: <type> first; <resource>:
 * <partition> before <fibrechannel>): the first child that comes after
 * one its pattern puts later. */
static void sx_check_order(sx_run *r, xmlNodePtr e, const char *where, const sx_vec *cands)
{
    sx_vec parts = { NULL, 0, 0 };
    if (cands->n == 1)
        sx_sequence(r->m, cands->v[0], e, &parts);
    long high = -1;
    xmlNodePtr after = NULL;
    for (xmlNodePtr c = parts.n > 1 ? e->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        long at = sx_part_of(r->m, &parts, c);
        if (at >= 0 && at < high) {
            sx_report(r, c, "<%s>: must come before <%s> in %s", (const char *)c->name,
                      (const char *)after->name, where);
            break;
        }
        if (at > high) {
            high = at;
            after = c;
        }
    }
    free(parts.v);
}

/* ---- libxml2's order rule for an interleave ------------------------------
 *
 * libxml2 validates an <interleave> by sorting the children into its
 * parts, linking each part's children into a chain (through the nodes'
 * own next pointers), and matching the parts in the schema's order. A part
 * that is itself an interleave over the same children relinks, when done,
 * every child from its first to its last in document order. A part matched
 * after it then follows document order from those of its children that
 * stood in that span, meets a child of another part and fails. A part that
 * also holds an attribute the element carries is matched twice, the second
 * time along the relinked chain, so its children must stand together.
 * libvirt's verdict on <domain> (name, uuid and genid one part; memory,
 * vcpu and their tuning another; the on_* elements a third) comes from
 * this, and virtc's schema has the same parts; this replays the rule on
 * the document to say which child is out of place. */

/* Whether pattern p holds an <interleave> among its element's children
 * (refs followed, elements and attributes not entered). */
static bool sx_relinks(const sx_model *m, xmlNodePtr p, int depth)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH || sx_is(p, "element") || sx_is(p, "attribute"))
        return false;
    if (sx_is(p, "interleave"))
        return true;
    if (sx_is(p, "ref")) {
        const sx_define *d = sx_ref_target(m, p);
        for (size_t i = 0; d && i < d->n; i++)
            for (xmlNodePtr c = d->v[i]->children; c; c = c->next)
                if (sx_relinks(m, c, depth + 1))
                    return true;
        return false;
    }
    for (xmlNodePtr c = p->children; c; c = c->next)
        if (sx_relinks(m, c, depth + 1))
            return true;
    return false;
}

/* The name of an attribute of element e that part p holds, or NULL. */
static const xmlChar *sx_part_attr(const sx_model *m, xmlNodePtr p, xmlNodePtr e)
{
    sx_vec leaves = { NULL, 0, 0 };
    sx_leaves(m, p, 0, NULL, &leaves);
    const xmlChar *has = NULL;
    for (size_t i = 0; i < leaves.n && !has; i++)
        for (xmlAttrPtr a = e->properties; a && !has; a = a->next)
            if (sx_is(leaves.v[i], "attribute") &&
                sx_name_match(leaves.v[i], a->name, a->ns ? a->ns->href : NULL))
                has = a->name;
    free(leaves.v);
    return has;
}

/* The <interleave> that is the content of element pattern e (in the form
 * inst takes, sx_form), or NULL. */
static xmlNodePtr sx_interleave_of(const sx_model *m, xmlNodePtr e, xmlNodePtr inst)
{
    for (xmlNodePtr c = sx_form(m, e, inst); c; c = c->next)
        if (sx_is(c, "interleave"))
            return c;
    return NULL;
}

/* The children of one element, each with its part of the interleave and
 * its next in the chain libxml2 follows (-1: none). */
typedef struct sx_chain {
    xmlNodePtr *kid;
    long *part, *next, *orig, *by;
    size_t n;
    const xmlChar *attr;        /* the attribute that makes a part match twice */
} sx_chain;

/* "<a>, <b> and <c>": the children of part p. */
static char *sx_part_names(const sx_chain *c, long p)
{
    vc_buf b;
    vc_buf_init(&b);
    size_t total = 0, done = 0;
    for (size_t k = 0; k < c->n; k++)
        total += c->part[k] == p;
    for (size_t k = 0; k < c->n; k++)
        if (c->part[k] == p) {
            done++;
            vc_buf_printf(&b, "%s<%s>", done == 1 ? "" : done == total ? " and " : ", ",
                          (const char *)c->kid[k]->name);
        }
    return vc_buf_steal(&b);
}

/* Part p's chain from its first child: the child of another part it runs
 * into (its index), or -1. *at: the last child of p before it. */
static long sx_chain_walk(const sx_chain *c, long first, long p, long *at)
{
    for (long k = first, prev = -1; k >= 0; prev = k, k = c->next[k])
        if (c->part[k] != p) {
            *at = prev;
            return k;
        }
    return -1;
}

static void sx_report_split(sx_run *r, const sx_chain *c, long a, long f, const char *where)
{
    const char *an = (const char *)c->kid[a]->name, *fn = (const char *)c->kid[f]->name;
    long j = c->by[a], b = c->orig[a];
    if (j == c->part[a]) {
        char *names = sx_part_names(c, j);
        sx_report(r, c->kid[f], "<%s>: out of order: with %s= on %s, %s must stand together",
                  fn, (const char *)c->attr, where, names);
        free(names);
        return;
    }
    long lo = -1, hi = -1;
    for (long k = 0; k < (long)c->n; k++)
        if (c->part[k] == j) {
            lo = lo < 0 ? k : lo;
            hi = k;
        }
    const char *lon = (const char *)c->kid[lo]->name, *hin = (const char *)c->kid[hi]->name,
               *bn = (const char *)c->kid[b]->name;
    const char *the = strcmp(an, bn) == 0 ? "the next " : "";
    sx_report(r, c->kid[a], "<%s>: out of order: placed between <%s> and <%s>, it must come "
              "right before %s<%s> (here <%s> follows it); put <%s> and <%s> together, or <%s> "
              "right before %s<%s>", an, lon, hin, the, bn, fn, lon, hin, an, the, bn);
}

/* Replays libxml2's matching of e's children against the interleave
 * il's parts (in order) and reports the first child it loses. */
static void sx_replay(sx_run *r, xmlNodePtr e, const char *where, xmlNodePtr il, sx_chain *c)
{
    sx_vec parts = { NULL, 0, 0 };
    for (xmlNodePtr p = il->children; p; p = p->next)
        if (sx_is(p, NULL))
            sx_push(&parts, p);
    for (size_t k = 0; k < c->n; k++)
        c->by[k] = -1;
    for (long p = 0; p < (long)parts.n; p++) {
        long first = -1, last = -1, at = -1, f;
        for (long k = 0; k < (long)c->n; k++)
            if (c->part[k] == p) {
                first = first < 0 ? k : first;
                last = k;
            }
        if (first < 0)
            continue;
        long saved = c->next[last];
        c->next[last] = -1;
        bool relinks = first != last && sx_relinks(r->m, parts.v[p], 0);
        c->attr = relinks ? sx_part_attr(r->m, parts.v[p], e) : NULL;
        int passes = c->attr ? 2 : 1;
        for (int pass = 0; pass < passes; pass++) {
            if ((f = sx_chain_walk(c, first, p, &at)) >= 0) {
                sx_report_split(r, c, at, f, where);
                free(parts.v);
                return;
            }
            for (long k = first; relinks && k < last; k++) {
                c->next[k] = k + 1;
                c->by[k] = p;
            }
        }
        c->next[last] = saved;
    }
    free(parts.v);
}

/* The order check for an element whose content is an interleave with
 * parts that relink (see above). */
static void sx_check_interleave(sx_run *r, xmlNodePtr e, const char *where, const sx_vec *cands)
{
    xmlNodePtr il = cands->n == 1 ? sx_interleave_of(r->m, cands->v[0], e) : NULL;
    if (!il)
        return;
    sx_vec parts = { NULL, 0, 0 };
    bool any = false;
    for (xmlNodePtr p = il->children; p; p = p->next)
        if (sx_is(p, NULL)) {
            sx_push(&parts, p);
            any = any || sx_relinks(r->m, p, 0);
        }
    sx_chain c = { NULL, NULL, NULL, NULL, NULL, 0, NULL };
    for (xmlNodePtr k = any ? e->children : NULL; k; k = k->next)
        c.n += k->type == XML_ELEMENT_NODE;
    if (c.n > 1) {
        c.kid = vc_xcalloc(c.n, sizeof(*c.kid));
        c.part = vc_xcalloc(c.n, sizeof(*c.part));
        c.next = vc_xcalloc(c.n, sizeof(*c.next));
        c.orig = vc_xcalloc(c.n, sizeof(*c.orig));
        c.by = vc_xcalloc(c.n, sizeof(*c.by));
        bool known = true;
        size_t i = 0;
        for (xmlNodePtr k = e->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE) {
                c.kid[i] = k;
                c.part[i] = sx_part_of(r->m, &parts, k);
                known = known && c.part[i] >= 0;
                i++;
            }
        /* each child's chain successor: the next child of its part */
        for (long k = (long)c.n - 1; k >= 0; k--) {
            c.next[k] = -1;
            for (long l = k + 1; l < (long)c.n && c.next[k] < 0; l++)
                if (c.part[l] == c.part[k])
                    c.next[k] = l;
            c.orig[k] = c.next[k];
        }
        if (known)     /* a child no part names is reported elsewhere */
            sx_replay(r, e, where, il, &c);
        free(c.kid);
        free(c.part);
        free(c.next);
        free(c.orig);
        free(c.by);
    }
    free(parts.v);
}

/* How many elements named like child pattern p lets stand in inst:
 * SIZE_MAX when a repetition holds one. Choices count the branches inst
 * selects (sx_select), the most of them. */
static size_t sx_max_count(const sx_model *m, xmlNodePtr p, xmlNodePtr inst, xmlNodePtr child,
                           int depth)
{
    if (!sx_is(p, NULL) || depth > SX_MAX_DEPTH || sx_is(p, "attribute"))
        return 0;
    if (sx_is(p, "element"))
        return sx_name_match(p, child->name, sx_node_uri(child)) ? 1 : 0;
    size_t n = 0, i = 0;
    if (sx_is(p, "choice")) {
        size_t k = sx_nchildren(p);
        bool *sel = vc_xcalloc(k ? k : 1, sizeof(*sel));
        sx_select(m, p, inst, sel, k);
        for (xmlNodePtr c = p->children; c; c = c->next, i++) {
            size_t b = sel[i] ? sx_max_count(m, c, inst, child, depth + 1) : 0;
            n = b > n ? b : n;
        }
        free(sel);
        return n;
    }
    const sx_define *d = sx_is(p, "ref") || sx_is(p, "parentRef") ? sx_ref_target(m, p) : NULL;
    for (size_t j = 0; d && j < d->n; j++)
        for (xmlNodePtr c = d->v[j]->children; c && n != SIZE_MAX; c = c->next) {
            size_t b = sx_max_count(m, c, inst, child, depth + 1);
            n = b == SIZE_MAX ? b : n + b;
        }
    for (xmlNodePtr c = d ? NULL : p->children; c && n != SIZE_MAX; c = c->next) {
        size_t b = sx_max_count(m, c, inst, child, depth + 1);
        n = b == SIZE_MAX ? b : n + b;
    }
    if (n > 0 && (sx_is(p, "oneOrMore") || sx_is(p, "zeroOrMore")))
        return SIZE_MAX;
    return n;
}

/* Whether child is one too many of its name in e (whose patterns are
 * cands): more stand before it, counting it, than any pattern lets. */
static bool sx_one_too_many(const sx_model *m, xmlNodePtr e, const sx_vec *cands,
                            xmlNodePtr child, size_t *most)
{
    size_t k = 0;
    for (xmlNodePtr c = e->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, child->name) &&
            sx_node_uri(c) == sx_node_uri(child) && ++k && c == child)
            break;
    *most = 0;
    for (size_t i = 0; i < cands->n && *most != SIZE_MAX; i++)
        for (xmlNodePtr c = sx_content(cands->v[i]); c; c = c->next) {
            size_t b = sx_max_count(m, c, e, child, 0);
            if (b == SIZE_MAX || b > *most)
                *most = b;
        }
    return *most > 0 && *most != SIZE_MAX && k == *most + 1;
}

/* Says so when child is the first of its name beyond what e allows. */
static void sx_check_count(sx_run *r, xmlNodePtr e, const char *where, const sx_vec *cands,
                           xmlNodePtr child)
{
    size_t most = 0;
    if (!sx_one_too_many(r->m, e, cands, child, &most))
        return;
    if (most == 1)
        sx_report(r, child, "<%s>: only one is allowed in %s", (const char *)child->name, where);
    else
        sx_report(r, child, "<%s>: at most %zu are allowed in %s", (const char *)child->name,
                  most, where);
}

static void sx_check_children(sx_run *r, xmlNodePtr e, const char *where, const sx_vec *cands,
                              const sx_vec *leaves, int depth)
{
    bool wild = sx_any_wild(leaves, "element");
    for (xmlNodePtr c = e->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        sx_vec cc = { NULL, 0, 0 };
        for (size_t i = 0; i < leaves->n; i++)
            if (sx_is(leaves->v[i], "element") &&
                sx_name_match(leaves->v[i], c->name, sx_node_uri(c)))
                sx_push_once(&cc, leaves->v[i]);
        sx_vec fit = { NULL, 0, 0 };
        for (int strict = 1; cc.n > 1 && strict >= 0 && fit.n == 0; strict--)
            for (size_t i = 0; i < cc.n; i++)
                if (sx_fits_content(r->m, cc.v[i], c, strict, 0))
                    sx_push(&fit, cc.v[i]);
        if (fit.n) {
            free(cc.v);
            cc = fit;
        } else {
            free(fit.v);
        }
        if (cc.n == 0 && !wild) {
            char *allowed = sx_names_list(leaves, "element");
            if (*allowed)
                sx_report(r, c, "<%s>: not allowed in %s; expected one of %s",
                          (const char *)c->name, where, allowed);
            else
                sx_report(r, c, "<%s>: not allowed in %s, which has no child elements",
                          (const char *)c->name, where);
            free(allowed);
        } else if (cc.n) {
            sx_check_count(r, e, where, cands, c);
            sx_visit(r, c, &cc, depth + 1);
        }
        free(cc.v);
    }
    sx_names req = { { NULL, 0, 0 }, false };
    sx_cands_required(r->m, cands, "element", e, &req);
    for (size_t i = 0; i < req.v.n; i++)
        if (!sx_inst_has(e, "element", req.v.v[i])) {
            char *names = sx_alternatives(req.v.v[i], "<", ">");
            sx_report(r, e, "missing %s in %s", names, where);
            free(names);
        }
    vc_strv_free(&req.v);
}

/* For an element pattern p marked vc:key="ATTR" (one of several forms of
 * an element told apart by ATTR's value: a network disk's <source> by its
 * protocol), "<NAME ATTR='VALUE'>" with inst's value: what p allows is
 * what that form allows. NULL without the mark or the attribute. */
static char *sx_keyed_where(xmlNodePtr p, xmlNodePtr inst)
{
    xmlChar *key = xmlGetNsProp(p, BAD_CAST "key", BAD_CAST SX_ANNOT_NS);
    xmlChar *v = key ? xmlGetNoNsProp(inst, key) : NULL;
    char *where = v ? vc_xasprintf("<%s %s='%s'>", (const char *)inst->name, (const char *)key,
                                   (const char *)v)
                    : NULL;
    xmlFree(v);
    xmlFree(key);
    return where;
}

static void sx_visit(sx_run *r, xmlNodePtr e, const sx_vec *cands, int depth)
{
    if (depth > SX_MAX_DEPTH || r->nfound >= SX_MAX_FINDINGS)
        return;
    for (size_t i = 0; i < cands->n; i++)
        if (sx_is_wild(cands->v[i]))
            return;        /* free-form content (metadata): anything goes */
    sx_vec leaves = { NULL, 0, 0 };
    sx_content_leaves(r->m, cands, e, &leaves);
    xmlChar *variant = cands->n == 1 ? sx_variant(r->m, cands->v[0], e) : NULL;
    char *keyed = cands->n == 1 ? sx_keyed_where(cands->v[0], e) : NULL;
    char *where = keyed     ? keyed
                  : variant ? vc_xasprintf("<%s> %s", (const char *)e->name, (const char *)variant)
                            : vc_xasprintf("<%s>", (const char *)e->name);
    sx_check_attrs(r, e, where, cands, &leaves);
    sx_check_text(r, e, &leaves);
    sx_check_children(r, e, where, cands, &leaves, depth);
    sx_check_order(r, e, where, cands);
    sx_check_interleave(r, e, where, cands);
    free(where);
    xmlFree(variant);
    free(leaves.v);
}

size_t sx_explain(const sx_model *m, xmlDocPtr doc, const char *file, vc_diags *d)
{
    sx_run r = { m, file, d, 0 };
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root)
        return 0;
    sx_vec leaves = { NULL, 0, 0 }, cands = { NULL, 0, 0 };
    for (size_t i = 0; i < m->nstart; i++)
        for (xmlNodePtr c = m->start[i]->children; c; c = c->next)
            sx_leaves(m, c, 0, NULL, &leaves);
    for (size_t i = 0; i < leaves.n; i++)
        if (sx_is(leaves.v[i], "element") &&
            sx_name_match(leaves.v[i], root->name, sx_node_uri(root)))
            sx_push_once(&cands, leaves.v[i]);
    if (cands.n == 0) {
        char *allowed = sx_names_list(&leaves, "element");
        sx_report(&r, root, "<%s>: not a document of this kind; expected <%s>",
                  (const char *)root->name, allowed);
        free(allowed);
    } else {
        sx_visit(&r, root, &cands, 0);
    }
    free(leaves.v);
    free(cands.v);
    return r.nfound;
}
