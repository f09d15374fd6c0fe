/* sec_priv.h: what the files of runtime/security share and the supervisor
 * does not need. */
#ifndef VIRTC_RT_SEC_PRIV_H
#define VIRTC_RT_SEC_PRIV_H

/* s for a diagnostic: one line whatever it holds (a control character or a
 * backslash becomes \xNN); NULL is "". The caller frees it. */
char *rt_sec_printable(const char *s);

#endif
