/*
 * schema.h: the RelaxNG schemas of the document kinds.
 *
 * Each kind is compiled at most once per process (thread-safe), and the
 * compiled schema is shared read-only by validating threads, each of which
 * uses its own validation context.
 */
#ifndef VIRTC_SCHEMA_H
#define VIRTC_SCHEMA_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "error.h"

typedef struct vc_schema_kind {
    const char *name;       /* "domain", "network", ... (what --type takes) */
    const char *file;       /* schema file in the schema directory */
    const char *root;       /* the root element that identifies it */
} vc_schema_kind;

/* The known kinds; *n receives their count. */
const vc_schema_kind *vc_schema_kinds(size_t *n);
const vc_schema_kind *vc_schema_kind_by_name(const char *name);
/* The kind a document's root element names; NULL when none does. */
const vc_schema_kind *vc_schema_kind_by_root(xmlNodePtr root);

/* Validates doc against the kind's schema. Errors are located in file.
 * Returns false with errors in d when invalid, or when the schema itself
 * cannot be loaded (then the error has code VC_ERR_RUNTIME). */
bool vc_schema_validate(const vc_schema_kind *kind, xmlDocPtr doc, const char *file,
                        vc_diags *d);
/* Compiles the schema now (e.g. before starting threads); false if it fails. */
bool vc_schema_preload(const vc_schema_kind *kind, vc_diags *d);

/* Whether doc is valid against the kind's schema, decided on that schema
 * pruned to the element names doc has, which gives the same verdict for
 * doc (schema_prune.c says why) at a fraction of the compile. True only
 * when doc is valid; false when it is not, or when the pruning cannot be
 * done (then vc_schema_validate decides, and says why). Reports nothing;
 * thread-safe (it compiles its own schema). */
bool vc_schema_valid_pruned(const vc_schema_kind *kind, xmlDocPtr doc);
/* The pruned schema's RelaxNG text (free it); NULL with *why (a static
 * string) when the schema has something the pruning does not handle. */
char *vc_schema_pruned_text(const vc_schema_kind *kind, xmlDocPtr doc, const char **why);

#endif
