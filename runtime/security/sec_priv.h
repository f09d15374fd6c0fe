/* sec_priv.h: what the files of runtime/security share and the supervisor
 * does not need. */
#ifndef VIRTC_RT_SEC_PRIV_H
#define VIRTC_RT_SEC_PRIV_H

/* s for a diagnostic: one line whatever it holds (a control character or a
 * backslash becomes \xNN); NULL is "". The caller frees it. */
char *rt_sec_printable(const char *s);

#include <stdbool.h>

#include "../../translators/error.h"

/* Removes the cgroup directory DIR (BASE/PREFIX/NAME, as the undo journal
 * recorded it) and its empty parents up to BASE; gone already is fine. */
bool rt_cg_remove_recorded(const char *prefix, const char *dir, vc_diags *d);

/* libselinux and libapparmor, opened when a driver first needs them
 * (translators/dynlib.h): false with the reason in d when they cannot be;
 * then whether the library sees its LSM enabled (> 0). */
bool rt_se_lib_load(vc_diags *d);
int rt_se_lib_enabled(void);
bool rt_aa_lib_load(vc_diags *d);
int rt_aa_lib_enabled(void);

/* setfilecon(path, label) through the backend; a file gone is fine. */
bool rt_se_restore_one(const char *path, const char *label, vc_diags *d);

#endif
