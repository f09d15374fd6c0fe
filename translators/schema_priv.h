/*
 * schema_priv.h: inside the schema module (schema.c, schema_explain.c).
 */
#ifndef VIRTC_SCHEMA_PRIV_H
#define VIRTC_SCHEMA_PRIV_H

#include <libxml/tree.h>
#include <stddef.h>

#include "error.h"

/* A schema read as a document: its defines and start, includes resolved. */
typedef struct sx_model sx_model;

/* Reads the .rng file at path and what it includes; NULL when unreadable. */
sx_model *sx_model_load(const char *path);
void sx_model_free(sx_model *m);

/* Walks doc (which the schema refused) along the schema and adds to d one
 * located error per finding, each naming what the schema expected there.
 * Returns the number of findings; 0 when it could not tell what is wrong
 * (the caller then reports the validator's own findings). */
size_t sx_explain(const sx_model *m, xmlDocPtr doc, const char *file, vc_diags *d);

#endif
