/*
 * fuzz.h: what the libFuzzer harnesses share.
 *
 * The harnesses live in build/fuzz/, where paths.c cannot recognise the
 * checkout (it looks one level up), so each one points VIRTC_SCHEMA_DIR and
 * VIRTC_PROFILE_DIR at the checkout two levels above its own executable
 * before the library first asks for them. A directory already named in the
 * environment wins, so a harness can be run against an installed tree.
 */
#ifndef VIRTC_FUZZ_H
#define VIRTC_FUZZ_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

static void fuzz_set_dir(const char *env, const char *root, const char *rel)
{
    const char *cur = getenv(env);
    if (cur && *cur)
        return;
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    setenv(env, path, 1);
}

/* <root> from <root>/build/fuzz/<harness>; "." when /proc is missing. */
static inline void fuzz_init_paths(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    const char *root = ".";
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        root = exe;
    }
    fuzz_set_dir("VIRTC_SCHEMA_DIR", root, "schemas");
    fuzz_set_dir("VIRTC_PROFILE_DIR", root, "translators/qemu/profiles");
}

/* A property of the code under test does not hold: say which, and let
 * libFuzzer record the input (abort is a crash to it). */
#define FUZZ_REQUIRE(cond, what)                                               \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz: property violated: %s\n", what);            \
            abort();                                                           \
        }                                                                      \
    } while (0)

/*
 * DESIGN.md: bad input always gets a located error. Off by default, since a
 * run stops at its first finding and an unlocated message is a lesser bug
 * than a crash; FUZZ_STRICT_LOC=1 in the environment makes it fatal.
 */
static inline void fuzz_check_located(const vc_diags *d)
{
    static int strict = -1;
    if (strict < 0) {
        const char *e = getenv("FUZZ_STRICT_LOC");
        strict = e && *e == '1';
    }
    if (!strict)
        return;
    for (size_t i = 0; i < d->n; i++) {
        const vc_error *e = &d->v[i];
        if (e->severity == VC_SEV_ERROR && (!e->file || e->line <= 0)) {
            fputs("fuzz: an error without a location: ", stderr);
            vc_error_print(stderr, e);
            abort();
        }
    }
}

#endif
