/* schema_flat.c: the schemas the build flattens (see vc_schema_flat in
 * schema.h). Only the domain's: `virtc start DOMAIN.xml` judges a
 * document on it, pruned, at every start; the generated data is
 * build/gen/schema_flat_domain.c. */
#include "schema.h"

#include <string.h>

extern const vc_schema_flat vc_schema_flat_domain;

const vc_schema_flat *vc_schema_flat_of(const vc_schema_kind *kind)
{
    return strcmp(kind->file, "domain.rng") == 0 ? &vc_schema_flat_domain : NULL;
}
