/*
 * paths.h: where virtc finds its data files.
 *
 * Schemas and QEMU profiles live in the checkout (schemas/,
 * translators/qemu/profiles/) when virtc runs from there, and under
 * $(datadir)/virtc/ once installed. An environment variable overrides each.
 */
#ifndef VIRTC_PATHS_H
#define VIRTC_PATHS_H

/* VIRTC_SCHEMA_DIR, else <checkout>/schemas, else VIRTC_DATADIR/schemas. */
const char *vc_schema_dir(void);
/* VIRTC_PROFILE_DIR, else <checkout>/translators/qemu/profiles,
 * else VIRTC_DATADIR/qemu-profiles. */
const char *vc_profile_dir(void);
/* VIRTC_XSL_DIR, else <checkout>/tools, else VIRTC_DATADIR/xsl: the report
 * stylesheets (e.g. junit.xsl). */
const char *vc_xsl_dir(void);
/* The directory of the running executable; NULL when unknown. */
const char *vc_exe_dir(void);

#endif
