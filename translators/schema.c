/* schema.c: compiling and applying the RelaxNG schemas. */
#include "schema.h"

#include <libxml/relaxng.h>
#include <pthread.h>
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

static void schema_load_slot(size_t i)
{
    schema_slot *s = &schema_slots[i];
    s->tried = true;
    char *path = vc_xasprintf("%s/%s", vc_schema_dir(), schema_kinds[i].file);
    schema_collect c = { &s->load_errors, path, 0 };
    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(path);
    if (pctx) {
        xmlRelaxNGSetParserStructuredErrors(pctx, schema_parse_error, &c);
        s->rng = xmlRelaxNGParse(pctx);
        xmlRelaxNGFreeParserCtxt(pctx);
    }
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
    xmlNodePtr node = err->node;
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
    xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(rng);
    if (!vctx) {
        vc_loc loc = { file, 0, 0 };
        vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_ERROR, loc, "cannot create a validation context");
        return false;
    }
    schema_collect c = { d, file, 0 };
    xmlRelaxNGSetValidStructuredErrors(vctx, schema_valid_error, &c);
    int rc = xmlRelaxNGValidateDoc(vctx, doc);
    xmlRelaxNGFreeValidCtxt(vctx);
    if (rc != 0 && c.nerrors == 0) {
        vc_loc loc = xml_node_loc(file, xmlDocGetRootElement(doc));
        vc_error_at(d, loc, "document does not validate against the %s schema", kind->name);
    }
    return rc == 0;
}
