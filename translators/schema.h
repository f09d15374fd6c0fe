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
#include <stdint.h>

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

/* A schema flattened at build time (tools/gen/schema_flatten.c, run by
 * the Makefile whenever a schema changes): its start and every define it
 * reaches in one grammar, without include, annotation or comment, with
 * the marks the pruning needs (where each element pattern's content is,
 * which define each ref names), and the files it was made from with
 * their lengths and fingerprints. vc_schema_pruned_text prunes it,
 * copying text, instead of reading and scanning those files, while each
 * of them is unchanged in the schema directory; the text it gives is the
 * same, byte for byte. Offsets, not pointers: the generated tables need
 * no relocation. */
typedef struct vc_schema_source {
    const char *file;       /* in the schema directory */
    size_t len;
    uint64_t hash;
} vc_schema_source;

/* The start (tops[0]) or a define: its text, its marks [first, last). */
typedef struct vc_schema_flat_top {
    uint32_t begin, end, first, last;
} vc_schema_flat_top;

/* In text order. An element pattern with a plain name: its content
 * [at, end), its name [name, name + len), next the first mark after its
 * content. A ref: at = end, len 0, next the top it names. */
typedef struct vc_schema_flat_mark {
    uint32_t at, end, name, len, next;
} vc_schema_flat_mark;

typedef struct vc_schema_flat {
    const char *text;
    size_t len;
    const vc_schema_flat_top *tops;
    size_t ntops;
    const vc_schema_flat_mark *marks;
    size_t nmarks;
    const vc_schema_source *sources;
    size_t nsources;
} vc_schema_flat;

/* The kind's flattened schema, NULL when the build made none
 * (schema_flat.c). */
const vc_schema_flat *vc_schema_flat_of(const vc_schema_kind *kind);
/* Whether every file flat was made from is in dir as it was. */
bool vc_schema_flat_current(const vc_schema_flat *flat, const char *dir);
/* Flattens dir/file into *out (what the build step runs; free it with
 * vc_schema_flat_free); false with *why when the pruning does not handle
 * the schema. */
bool vc_schema_flatten(const char *dir, const char *file, vc_schema_flat *out, const char **why);
void vc_schema_flat_free(vc_schema_flat *flat);
/* vc_schema_pruned_text from flat when it is current, else from the
 * schema files (flat NULL: always from the files). */
char *vc_schema_pruned_text_from(const vc_schema_kind *kind, xmlDocPtr doc,
                                 const vc_schema_flat *flat, const char **why);

#endif
