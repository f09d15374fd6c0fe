/* schema.c: compiling and applying the RelaxNG schemas. */
#include "schema.h"

#include <libxml/relaxng.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
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
} schema_slot;

static schema_slot schema_slots[SCHEMA_NKINDS];
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;

/* Validation contexts, one per kind and thread, kept from one document to
 * the next: a context pools its validation states, so a reused one
 * allocates far less (a linter validates hundreds of files per thread). */
static pthread_key_t schema_vctx_key;
static pthread_once_t schema_vctx_once = PTHREAD_ONCE_INIT;

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

/* This thread's context for schema i; NULL when it cannot be created. */
static xmlRelaxNGValidCtxtPtr schema_vctx(size_t i, xmlRelaxNGPtr rng)
{
    pthread_once(&schema_vctx_once, schema_vctx_init);
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

/* RelaxNG errors name the node they are about; take the position of that
 * node, which xmldoc recorded when parsing. */
static void schema_valid_error(void *user, xmlErrorPtr err)
{
    schema_collect *c = user;
    if (err->level < XML_ERR_ERROR)
        return;
    /* libxml2 follows a real error with summaries of the enclosing
     * elements; keep a bounded number so a broken file stays readable. */
    if (c->nerrors++ >= 20)
        return;
    xmlNodePtr node = schema_error_node(err);
    vc_loc loc = { c->file, err->line, 0 };
    if (node) {
        loc = xml_node_loc(c->file, node);
        if (loc.line == 0)
            loc.line = err->line;
    }
    if (loc.line <= 0)
        loc.line = 1;
    if (loc.column <= 0)
        loc.column = 1;
    char *msg = schema_message(err->message);
    vc_error_at(c->d, loc, "%s", msg);
    free(msg);
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
    schema_collect c = { d, file, 0 };
    xmlRelaxNGSetValidStructuredErrors(vctx, schema_valid_error, &c);
    int rc = xmlRelaxNGValidateDoc(vctx, doc);
    xmlRelaxNGSetValidStructuredErrors(vctx, NULL, NULL);   /* c dies here */
    if (rc != 0 && c.nerrors == 0) {
        vc_loc loc = xml_node_loc(file, xmlDocGetRootElement(doc));
        vc_error_at(d, loc, "document does not validate against the %s schema", kind->name);
    }
    return rc == 0;
}
