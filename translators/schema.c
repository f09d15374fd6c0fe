/* schema.c: compiling and applying the RelaxNG schemas. */
#include "schema.h"

#include <libxml/relaxng.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "schema_priv.h"
#include "util.h"
#include "xmldoc.h"

static const vc_schema_kind schema_kinds[] = {
    { "domain", "domain.rng", "domain" },
    { "network", "network.rng", "network" },
    { "storagepool", "storagepool.rng", "pool" },
    { "storagevol", "storagevol.rng", "volume" },
    { "storageencryption", "storageencryption.rng", "encryption" },
    { "nodedev", "nodedev.rng", "device" },
    { "secret", "secret.rng", "secret" },
    { "capability", "capability.rng", "capabilities" },
    { "interface", "interface.rng", "interface" },
    { "plan", "plan.rng", "plan" },
};

#define SCHEMA_NKINDS VC_ARRAY_SIZE(schema_kinds)

typedef struct schema_slot {
    bool tried;
    xmlRelaxNGPtr rng;
    vc_diags load_errors;
    bool model_tried;       /* the .rng read as a document, for diagnostics */
    sx_model *model;
} schema_slot;

static schema_slot schema_slots[SCHEMA_NKINDS];
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;

/* Validation contexts, one per kind and thread, kept from one document to
 * the next: a context pools its validation states, so a reused one
 * allocates far less (a linter validates hundreds of files per thread).
 * The key is made by the first schema_get, under schema_lock, which every
 * validating thread takes before it uses the key: a pthread_once would be
 * as correct, but its lock-free fast path is an ordering helgrind cannot
 * see (validate-valgrind/helgrind reported the key's creation by one
 * checking thread and its read by the other as a race, 2 runs in 10). */
static pthread_key_t schema_vctx_key;
static bool schema_vctx_ready;    /* under schema_lock */

static void schema_vctx_free(void *p)
{
    xmlRelaxNGValidCtxtPtr *v = p;
    for (size_t i = 0; i < SCHEMA_NKINDS; i++)
        xmlRelaxNGFreeValidCtxt(v[i]);
    free(v);
}

static void schema_vctx_init(void)
{
    if (pthread_key_create(&schema_vctx_key, schema_vctx_free) != 0) {
        fputs("virtc: cannot create a thread key\n", stderr);
        abort();
    }
}

/* This thread's context for schema i (after a schema_get); NULL when it
 * cannot be created. */
static xmlRelaxNGValidCtxtPtr schema_vctx(size_t i, xmlRelaxNGPtr rng)
{
    xmlRelaxNGValidCtxtPtr *v = pthread_getspecific(schema_vctx_key);
    if (!v) {
        v = vc_xcalloc(SCHEMA_NKINDS, sizeof(*v));
        pthread_setspecific(schema_vctx_key, v);
    }
    if (!v[i])
        v[i] = xmlRelaxNGNewValidCtxt(rng);
    return v[i];
}

const vc_schema_kind *vc_schema_kinds(size_t *n)
{
    *n = SCHEMA_NKINDS;
    return schema_kinds;
}

const vc_schema_kind *vc_schema_kind_by_name(const char *name)
{
    for (size_t i = 0; name && i < SCHEMA_NKINDS; i++)
        if (strcmp(schema_kinds[i].name, name) == 0)
            return &schema_kinds[i];
    return NULL;
}

const vc_schema_kind *vc_schema_kind_by_root(xmlNodePtr root)
{
    for (size_t i = 0; root && i < SCHEMA_NKINDS; i++)
        if (strcmp(schema_kinds[i].root, (const char *)root->name) == 0)
            return &schema_kinds[i];
    return NULL;
}

typedef struct schema_collect {
    vc_diags *d;
    const char *file;
    int nerrors;
} schema_collect;

static char *schema_message(const char *m)
{
    char *msg = vc_xstrdup(m ? m : "invalid");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    return msg;
}

/* Schema compile errors: these are our own files' faults, so they carry
 * VC_ERR_RUNTIME and the schema file's location. */
static void schema_parse_error(void *user, xmlErrorPtr err)
{
    schema_collect *c = user;
    if (err->level < XML_ERR_ERROR)
        return;
    vc_loc loc = { err->file ? err->file : c->file, err->line, err->int2 };
    char *msg = schema_message(err->message);
    vc_diag_add(c->d, VC_ERR_RUNTIME, VC_SEV_ERROR, loc, "schema: %s", msg);
    free(msg);
}

/* libxml2 reports a schema file it cannot open (and what an <include> cannot
 * open) twice: as a structured error, which we keep, and as an "I/O warning"
 * on its generic channel, which would reach stderr unformatted. */
static void schema_generic_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void schema_load_slot(size_t i)
{
    schema_slot *s = &schema_slots[i];
    s->tried = true;
    char *path = vc_xasprintf("%s/%s", vc_schema_dir(), schema_kinds[i].file);
    schema_collect c = { &s->load_errors, path, 0 };
    /* The generic handler is per thread in libxml2; restore the caller's. */
    xmlGenericErrorFunc saved_generic = xmlGenericError;
    void *saved_generic_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, schema_generic_quiet);
    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(path);
    if (pctx) {
        xmlRelaxNGSetParserStructuredErrors(pctx, schema_parse_error, &c);
        s->rng = xmlRelaxNGParse(pctx);
        xmlRelaxNGFreeParserCtxt(pctx);
    }
    xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
    if (!s->rng && s->load_errors.nerrors == 0) {
        vc_loc loc = { path, 0, 0 };
        vc_diag_add(&s->load_errors, VC_ERR_RUNTIME, VC_SEV_ERROR, loc,
                    "cannot load the %s schema (set VIRTC_SCHEMA_DIR?)", schema_kinds[i].name);
    }
    free(path);
}

static xmlRelaxNGPtr schema_get(const vc_schema_kind *kind, vc_diags *d)
{
    size_t i = (size_t)(kind - schema_kinds);
    xml_init();
    pthread_mutex_lock(&schema_lock);
    if (!schema_vctx_ready) {
        schema_vctx_init();
        schema_vctx_ready = true;
    }
    if (!schema_slots[i].tried)
        schema_load_slot(i);
    xmlRelaxNGPtr rng = schema_slots[i].rng;
    if (!rng)
        vc_diags_append(d, &schema_slots[i].load_errors);
    pthread_mutex_unlock(&schema_lock);
    return rng;
}

bool vc_schema_preload(const vc_schema_kind *kind, vc_diags *d)
{
    return schema_get(kind, d) != NULL;
}

/* "Element X failed to validate content" comes with the child of X where
 * matching stopped. When that is X's first child, matching failed at the
 * start of X's content and the child says nothing about why: point at X. */
static xmlNodePtr schema_error_node(xmlErrorPtr err)
{
    xmlNodePtr node = err->node;
    if (err->code != XML_RELAXNG_ERR_CONTENTVALID || !err->str1 || !node ||
        node->type != XML_ELEMENT_NODE)
        return node;
    xmlNodePtr parent = node->parent;
    if (!parent || parent->type != XML_ELEMENT_NODE ||
        strcmp((const char *)parent->name, err->str1) != 0)
        return node;
    for (xmlNodePtr p = node->prev; p; p = p->prev)
        if (p->type == XML_ELEMENT_NODE)
            return node;
    return parent;
}

/* The first element named name at or below n, breadth first. */
static xmlNodePtr schema_find_element(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
        xmlNodePtr f = c->type == XML_ELEMENT_NODE ? schema_find_element(c, name) : NULL;
        if (f)
            return f;
    }
    return NULL;
}

/* "Extra element X in interleave" comes without a node in libxml2 2.9;
 * it names X, so take the first element of that name. When X occurs more
 * than once this may point at a sibling of the culprit, which is still
 * closer than the document's start. */
static xmlNodePtr schema_extra_node(xmlErrorPtr err, xmlNodePtr node, xmlDocPtr doc)
{
    if (node || err->code != XML_RELAXNG_ERR_INTEREXTRA || !err->str1)
        return node;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root && strcmp((const char *)root->name, err->str1) == 0)
        return root;
    return schema_find_element(root, err->str1);
}

/* One validation finding, kept until the whole document has been seen. */
typedef struct schema_finding {
    xmlNodePtr node;
    int code;
    int line;
    char *msg;
} schema_finding;

typedef struct schema_findings {
    schema_finding *v;
    size_t n, cap;
    xmlDocPtr doc;
} schema_findings;

/* libxml2 follows a real validation error with summaries of the elements
 * that enclose it ("Element domain failed to validate content", "Invalid
 * sequence in interleave", "Extra element devices in interleave" for the
 * devices that hold the bad element). They point away from the cause. */
static bool schema_is_summary(int code)
{
    return code == XML_RELAXNG_ERR_CONTENTVALID || code == XML_RELAXNG_ERR_INTERSEQ;
}

/* Messages of libxml2 said in the document's terms rather than the
 * schema's; each format takes the element name (str1). "Extra element X in
 * interleave" is said both of an element that may not appear there and of
 * one whose own attributes or content are wrong. */
static const struct {
    int code;
    const char *fmt;
} schema_rewrites[] = {
    { XML_RELAXNG_ERR_INTEREXTRA,
      "element <%s> is not allowed here, or its attributes or content are invalid" },
    { XML_RELAXNG_ERR_NOELEM, "missing element <%s>" },
};

static void schema_valid_error(void *user, xmlErrorPtr err)
{
    schema_findings *f = user;
    /* keep a bounded number so a broken file stays readable */
    if (err->level < XML_ERR_ERROR || f->n >= 40)
        return;
    vc_xgrow((void **)&f->v, &f->cap, f->n + 1, sizeof(*f->v));
    schema_finding *x = &f->v[f->n++];
    x->node = schema_extra_node(err, schema_error_node(err), f->doc);
    x->code = err->code;
    x->line = err->line;
    x->msg = NULL;
    for (size_t i = 0; err->str1 && i < VC_ARRAY_SIZE(schema_rewrites); i++)
        if (schema_rewrites[i].code == err->code)
            x->msg = vc_xasprintf(schema_rewrites[i].fmt, err->str1);
    if (!x->msg)
        x->msg = schema_message(err->message);
}

static bool schema_is_ancestor(xmlNodePtr a, xmlNodePtr n)
{
    for (n = n ? n->parent : NULL; a && n; n = n->parent)
        if (n == a)
            return true;
    return false;
}

/* A finding is a cascade when another one is about an element inside its
 * own, or when it is a summary and a specific finding exists. */
static bool schema_is_cascade(const schema_findings *f, size_t i, bool have_specific)
{
    if (have_specific && schema_is_summary(f->v[i].code))
        return true;
    for (size_t j = 0; j < f->n; j++) {
        if (j == i)
            continue;
        if (schema_is_ancestor(f->v[i].node, f->v[j].node))
            return true;
        /* "Extra element X" for the X that holds a more specific finding */
        if (f->v[i].code == XML_RELAXNG_ERR_INTEREXTRA && f->v[j].node == f->v[i].node &&
            f->v[j].code != XML_RELAXNG_ERR_INTEREXTRA && !schema_is_summary(f->v[j].code))
            return true;
    }
    return false;
}

static void schema_report(const schema_findings *f, const char *file, vc_diags *d)
{
    bool have_specific = false;
    for (size_t i = 0; i < f->n; i++)
        have_specific = have_specific || !schema_is_summary(f->v[i].code);
    for (size_t i = 0; i < f->n; i++) {
        if (schema_is_cascade(f, i, have_specific))
            continue;
        vc_loc loc = { file, f->v[i].line, 0 };
        if (f->v[i].node) {
            loc = xml_node_loc(file, f->v[i].node);
            if (loc.line == 0)
                loc.line = f->v[i].line;
        }
        if (loc.line <= 0)
            loc.line = 1;
        if (loc.column <= 0)
            loc.column = 1;
        vc_error_at(d, loc, "%s", f->v[i].msg);
    }
}

/* The kind's schema as a document (schema_explain.c), read on the first
 * document that fails; NULL when it cannot be read. */
static const sx_model *schema_model(size_t i)
{
    pthread_mutex_lock(&schema_lock);
    if (!schema_slots[i].model_tried) {
        schema_slots[i].model_tried = true;
        char *path = vc_xasprintf("%s/%s", vc_schema_dir(), schema_kinds[i].file);
        schema_slots[i].model = sx_model_load(path);
        free(path);
    }
    const sx_model *m = schema_slots[i].model;
    pthread_mutex_unlock(&schema_lock);
    return m;
}

/* ---- many devices ---------------------------------------------------------
 * libxml2 compiles an element's content into an automaton only when every
 * element above it can be compiled too; under the domain's <interleave>
 * none is, and the fallback it validates <devices> with keeps one state per
 * child seen, comparing each new one with all before: n devices cost n^2/2
 * comparisons (50,000 disks: seconds). So a <devices> of many children is
 * validated on its own, against domain.rng with <devices> as the start
 * (compiled: linear), and the domain with that element emptied; both
 * verdicts together are the one document's. */
#define SCHEMA_SPLIT_MIN 512

static bool schema_devices_tried;
static xmlRelaxNGPtr schema_devices;
/* The elements <devices> holds at most once (the interleave's <optional>
 * members), which the flattened content below no longer counts. */
static char **schema_devices_once;
static size_t schema_devices_nonce, schema_devices_cap;

/* The element name a pattern of the devices interleave stands for: its own
 * name, or the name of the element its <ref>'s define holds; NULL when it
 * is neither. */
static xmlChar *schema_pattern_element(xmlNodePtr pat, xmlNodePtr grammar)
{
    if (xmlStrEqual(pat->name, BAD_CAST "element"))
        return xmlGetProp(pat, BAD_CAST "name");
    xmlChar *ref = xmlStrEqual(pat->name, BAD_CAST "ref") ? xmlGetProp(pat, BAD_CAST "name") : NULL;
    xmlChar *name = NULL;
    for (xmlNodePtr d = ref ? grammar->children : NULL; d && !name; d = d->next) {
        xmlChar *dn = d->type == XML_ELEMENT_NODE && xmlStrEqual(d->name, BAD_CAST "define")
                      ? xmlGetProp(d, BAD_CAST "name") : NULL;
        if (dn && xmlStrEqual(dn, ref))
            for (xmlNodePtr e = d->children; e && !name; e = e->next)
                if (e->type == XML_ELEMENT_NODE && xmlStrEqual(e->name, BAD_CAST "element"))
                    name = xmlGetProp(e, BAD_CAST "name");
        xmlFree(dn);
    }
    xmlFree(ref);
    return name;
}

/* The <interleave> of the devices define in domain-devices.rng, written as
 * one <zeroOrMore><choice> of its members: the same language but for how
 * often each <optional> member may appear (counted in C afterwards), and
 * one libxml2 compiles into an automaton, so validation is linear. NULL
 * when the schema does not have that shape. */
static char *schema_devices_flat(vc_buf *g)
{
    char *path = vc_xasprintf("%s/domain-devices.rng", vc_schema_dir());
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    free(path);
    xmlNodePtr grammar = doc ? xmlDocGetRootElement(doc) : NULL, inter = NULL;
    for (xmlNodePtr d = grammar ? grammar->children : NULL; d && !inter; d = d->next) {
        xmlChar *dn = d->type == XML_ELEMENT_NODE ? xmlGetProp(d, BAD_CAST "name") : NULL;
        xmlNodePtr el = dn && xmlStrEqual(dn, BAD_CAST "devices") ? xmlFirstElementChild(d) : NULL;
        xmlNodePtr in = el ? xmlFirstElementChild(el) : NULL;
        if (in && xmlStrEqual(in->name, BAD_CAST "interleave"))
            inter = in;
        xmlFree(dn);
    }
    bool ok = inter != NULL;
    vc_buf_puts(g, "<element name='devices'><zeroOrMore><choice>");
    for (xmlNodePtr m = inter ? inter->children : NULL; m && ok; m = m->next) {
        if (m->type != XML_ELEMENT_NODE)
            continue;
        bool once = xmlStrEqual(m->name, BAD_CAST "optional");
        ok = once || xmlStrEqual(m->name, BAD_CAST "zeroOrMore");
        xmlNodePtr inner = ok ? xmlFirstElementChild(m) : NULL;
        ok = ok && inner && !xmlNextElementSibling(inner);
        if (!ok)
            break;
        xmlBufferPtr buf = xmlBufferCreate();
        if (xmlStrEqual(inner->name, BAD_CAST "choice"))
            for (xmlNodePtr c = inner->children; c; c = c->next)
                xmlNodeDump(buf, doc, c, 0, 0);
        else
            xmlNodeDump(buf, doc, inner, 0, 0);
        vc_buf_puts(g, (const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
        if (once) {
            xmlChar *name = schema_pattern_element(inner, grammar);
            ok = name != NULL;
            if (name) {
                vc_xgrow((void **)&schema_devices_once, &schema_devices_cap,
                         schema_devices_nonce + 1, sizeof(char *));
                schema_devices_once[schema_devices_nonce++] = vc_xstrdup((const char *)name);
            }
            xmlFree(name);
        }
    }
    vc_buf_puts(g, "</choice></zeroOrMore></element>");
    xmlFreeDoc(doc);
    return ok ? g->data : NULL;
}

/* domain.rng with <devices>, flattened, as its start; NULL when it does
 * not load (the caller then validates the usual way, which reports why). */
static xmlRelaxNGPtr schema_devices_rng(void)
{
    pthread_mutex_lock(&schema_lock);
    if (!schema_devices_tried) {
        schema_devices_tried = true;
        vc_buf g, flat;
        vc_buf_init(&g);
        vc_buf_init(&flat);
        char *path = vc_xasprintf("%s/domain.rng", vc_schema_dir());
        vc_buf_puts(&g, "<grammar xmlns='http://relaxng.org/ns/structure/1.0' "
                    "xmlns:vc='urn:virtc:schema-annotations' "
                    "datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'><include href='");
        vc_buf_xml_escape(&g, path, '\'', true);
        vc_buf_puts(&g, "'><start>");
        const char *content = schema_devices_flat(&flat);
        vc_buf_puts(&g, content ? content : "<ref name='devices'/>");
        vc_buf_puts(&g, "</start></include></grammar>");
        xmlGenericErrorFunc saved_generic = xmlGenericError;
        void *saved_generic_ctx = xmlGenericErrorContext;
        xmlSetGenericErrorFunc(NULL, schema_generic_quiet);
        xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewMemParserCtxt(g.data, (int)g.len);
        if (pctx) {
            vc_diags quiet;
            vc_diags_init(&quiet);
            schema_collect c = { &quiet, path, 0 };
            xmlRelaxNGSetParserStructuredErrors(pctx, schema_parse_error, &c);
            schema_devices = xmlRelaxNGParse(pctx);
            xmlRelaxNGFreeParserCtxt(pctx);
            vc_diags_free(&quiet);
        }
        xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
        free(path);
        vc_buf_free(&g);
        vc_buf_free(&flat);
    }
    xmlRelaxNGPtr rng = schema_devices;
    pthread_mutex_unlock(&schema_lock);
    return rng;
}

/* The second of two children of a member the interleave allows once, or
 * NULL: the flattened content accepts that, so the whole document is then
 * validated the usual (slow, exact) way, which refuses it. */
static xmlNodePtr schema_devices_twice(xmlNodePtr devices)
{
    size_t *seen = vc_xcalloc(schema_devices_nonce + 1, sizeof(size_t));
    xmlNodePtr twice = NULL;
    for (xmlNodePtr k = devices->children; k && !twice; k = k->next)
        for (size_t i = 0; k->type == XML_ELEMENT_NODE && i < schema_devices_nonce; i++)
            if (xmlStrEqual(k->name, BAD_CAST schema_devices_once[i]) && ++seen[i] > 1)
                twice = k;
    free(seen);
    return twice;
}

/* The domain's <devices> when it has enough children to split on. */
static xmlNodePtr schema_big_devices(const vc_schema_kind *kind, xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (strcmp(kind->name, "domain") != 0 || !root)
        return NULL;
    xmlNodePtr devices = xml_child(root, "devices");
    size_t n = 0;
    for (xmlNodePtr k = devices ? devices->children : NULL; k && n < SCHEMA_SPLIT_MIN; k = k->next)
        n += k->type == XML_ELEMENT_NODE;
    return n >= SCHEMA_SPLIT_MIN && !devices->ns ? devices : NULL;
}

/* Validates devices as the root of a document of its own against drng;
 * the tree is as it was on return. */
static int schema_validate_alone(xmlRelaxNGPtr drng, xmlNodePtr devices, schema_findings *f)
{
    xmlRelaxNGValidCtxtPtr dv = xmlRelaxNGNewValidCtxt(drng);
    xmlDocPtr alone = xmlNewDoc(BAD_CAST "1.0");
    if (!dv || !alone) {
        xmlRelaxNGFreeValidCtxt(dv);
        xmlFreeDoc(alone);
        return -1;
    }
    xmlNodePtr parent = devices->parent, prev = devices->prev, next = devices->next;
    alone->children = alone->last = devices;
    devices->parent = (xmlNodePtr)alone;
    devices->prev = devices->next = NULL;
    xmlRelaxNGSetValidStructuredErrors(dv, schema_valid_error, f);
    int rc = xmlRelaxNGValidateDoc(dv, alone);
    devices->parent = parent;
    devices->prev = prev;
    devices->next = next;
    alone->children = alone->last = NULL;
    xmlFreeDoc(alone);
    xmlRelaxNGFreeValidCtxt(dv);
    return rc;
}

/* Validates doc with devices emptied, then devices as the root of a
 * document of its own; the tree is as it was on return. */
static int schema_validate_split(xmlRelaxNGValidCtxtPtr vctx, xmlRelaxNGPtr drng,
                                 xmlDocPtr doc, xmlNodePtr devices, schema_findings *f)
{
    xmlNodePtr kids = devices->children, last = devices->last;
    devices->children = devices->last = NULL;
    int rc = xmlRelaxNGValidateDoc(vctx, doc);
    devices->children = kids;
    devices->last = last;
    int rc2 = schema_validate_alone(drng, devices, f);
    if (rc2 < 0)
        return xmlRelaxNGValidateDoc(vctx, doc);
    return rc != 0 ? rc : rc2;
}

/* Whether libxml2 said nothing below the root's children. It keeps the
 * errors of one of its ways through <domain>'s interleave only, and after
 * a part that is itself an interleave (the memory and CPU elements, see
 * domain.rng) that is often just "Extra element devices in interleave". */
static bool schema_shallow(const schema_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        xmlNodePtr n = f->v[i].node;
        if (n && n->parent && n->parent->parent && n->parent->parent->type == XML_ELEMENT_NODE)
            return false;
    }
    return true;
}

/* What libxml2 says of a domain's <devices> validated alone, when it said
 * nothing below it in the whole document (schema_shallow); else f's. */
static void schema_report_detail(const vc_schema_kind *kind, xmlDocPtr doc,
                                 const schema_findings *f, const char *file, vc_diags *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr devices = strcmp(kind->name, "domain") == 0 && root && schema_shallow(f)
                         ? xml_child(root, "devices") : NULL;
    xmlRelaxNGPtr drng = devices && !devices->ns ? schema_devices_rng() : NULL;
    schema_findings g = { NULL, 0, 0, doc };
    int rc = drng ? schema_validate_alone(drng, devices, &g) : -1;
    xmlNodePtr twice = rc == 0 ? schema_devices_twice(devices) : NULL;
    if (rc > 0 && g.n > 0) {
        schema_report(&g, file, d);
    } else if (twice) {
        vc_loc loc = xml_node_loc(file, twice);
        vc_error_at(d, loc, "<%s>: only one is allowed in <devices>", (const char *)twice->name);
    } else {
        schema_report(f, file, d);
    }
    for (size_t i = 0; i < g.n; i++)
        free(g.v[i].msg);
    free(g.v);
}

bool vc_schema_validate(const vc_schema_kind *kind, xmlDocPtr doc, const char *file,
                        vc_diags *d)
{
    xmlRelaxNGPtr rng = schema_get(kind, d);
    if (!rng)
        return false;
    xmlRelaxNGValidCtxtPtr vctx = schema_vctx((size_t)(kind - schema_kinds), rng);
    if (!vctx) {
        vc_loc loc = { file, 0, 0 };
        vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_ERROR, loc, "cannot create a validation context");
        return false;
    }
    size_t before = d->nerrors;
    schema_findings f = { NULL, 0, 0, doc };
    xmlRelaxNGSetValidStructuredErrors(vctx, schema_valid_error, &f);
    xmlNodePtr devices = schema_big_devices(kind, doc);
    xmlRelaxNGPtr drng = devices ? schema_devices_rng() : NULL;
    if (drng && schema_devices_twice(devices))
        drng = NULL;
    int rc = drng ? schema_validate_split(vctx, drng, doc, devices, &f)
                  : xmlRelaxNGValidateDoc(vctx, doc);
    xmlRelaxNGSetValidStructuredErrors(vctx, NULL, NULL);   /* f dies here */
    /* Say what the schema expected where we can; the validator's own
     * findings otherwise. */
    const sx_model *model = rc != 0 ? schema_model((size_t)(kind - schema_kinds)) : NULL;
    if (rc != 0 && !(model && sx_explain(model, doc, file, d) > 0))
        schema_report_detail(kind, doc, &f, file, d);
    for (size_t i = 0; i < f.n; i++)
        free(f.v[i].msg);
    free(f.v);
    if (rc != 0 && d->nerrors == before) {
        vc_loc loc = xml_node_loc(file, xmlDocGetRootElement(doc));
        vc_error_at(d, loc, "document does not validate against the %s schema", kind->name);
    }
    return rc == 0;
}
