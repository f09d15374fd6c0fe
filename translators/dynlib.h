/*
 * dynlib.h: libraries only one command or one configuration needs, opened
 * (dlopen) the first time one of their functions is wanted.
 *
 * Every library virtc is linked with is mapped and relocated by the
 * dynamic loader before main, at every start of every command: `virtc
 * start` pays it on its way to QEMU. libxslt serves the JUnit report
 * alone, libselinux and libapparmor their security drivers alone, and
 * between them they made a quarter of the loader's symbol lookups (with
 * libpcre2, which libselinux brings) and ran libselinux's constructor at
 * each start. A library is described by a table of the functions wanted
 * from it, each looked up into a function pointer of its own type:
 *
 *     static struct { __typeof__(setfilecon) *setfilecon; } se;
 *     static const vc_dl_sym se_syms[] = { VC_DL_SYM(se, setfilecon) };
 *     static vc_dl_lib se_lib = VC_DL_LIB("libselinux.so.1", "libselinux1", se_syms);
 *     if (!vc_dl_load(&se_lib, d)) ...   then se.setfilecon(...)
 *
 * Nothing is opened in a child between fork and exec: a function wanted
 * there is loaded before the fork (its pointer is NULL otherwise).
 */
#ifndef VIRTC_DYNLIB_H
#define VIRTC_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct vc_dl_sym {
    const char *name;
    void *slot;               /* the address of a function pointer */
} vc_dl_sym;

typedef struct vc_dl_lib {
    const char *soname;       /* what dlopen is given: "libselinux.so.1" */
    const char *package;      /* Debian's package of it, for the error */
    const vc_dl_sym *syms;
    size_t nsyms;
    int state;                /* vc_dl_load's: 0 not tried, 1 loaded, -1 failed */
    char *why;                /* the failure, said again at each later call */
} vc_dl_lib;

#define VC_DL_SYM(table, fn) { #fn, &(table).fn }
#define VC_DL_LIB(soname, package, syms) \
    { (soname), (package), (syms), sizeof(syms) / sizeof((syms)[0]), 0, NULL }

/* Opens lib and fills each slot, once per process (thread-safe). False
 * with an error naming the library and its package when it or one of its
 * functions cannot be found; the slots are then left NULL. */
bool vc_dl_load(vc_dl_lib *lib, vc_diags *d);

#endif
