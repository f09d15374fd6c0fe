/*
 * mcs.c: a unique MCS category pair per sVirt guest.
 *
 * A guest holds the pair "cA,cB" while a file of that name exists in a
 * directory every supervisor of the instance shares (hold.c).
 *
 * Pairs are drawn at random, as sVirt does (a label says nothing about
 * which guest had it before); after many misses every pair is tried in
 * order, so a nearly full range still finds its last free pair.
 */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <dirent.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../translators/util.h"

enum { RT_MCS_DEFAULT_MAX = 1024, RT_MCS_RANDOM_TRIES = 1000 };

char *rt_mcs_text(rt_mcs_pair pair)
{
    return vc_xasprintf("c%u,c%u", pair.c1, pair.c2);
}

/* "c" digits; *s advanced. */
static bool rt_mcs_category(const char **s, unsigned *out)
{
    if (**s != 'c' || (*s)[1] < '0' || (*s)[1] > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(*s + 1, &end, 10);
    if (errno || v > 1023)
        return false;
    *out = (unsigned)v;
    *s = end;
    return true;
}

/* pair -> category ',' category, the first below the second */
bool rt_mcs_parse(const char *text, rt_mcs_pair *out)
{
    const char *s = text;
    rt_mcs_pair p;
    if (!rt_mcs_category(&s, &p.c1) || *s++ != ',' || !rt_mcs_category(&s, &p.c2) || *s ||
        p.c1 >= p.c2)
        return false;
    *out = p;
    return true;
}

static unsigned rt_mcs_getrandom(void *ctx)
{
    (void)ctx;
    unsigned v = 0;
    while (getrandom(&v, sizeof(v), 0) < 0 && errno == EINTR) {
    }
    return v;
}

static bool rt_mcs_in(const rt_mcs_pair *used, size_t n, rt_mcs_pair p)
{
    for (size_t i = 0; i < n; i++)
        if (used[i].c1 == p.c1 && used[i].c2 == p.c2)
            return true;
    return false;
}

/* Takes pair p when it is free (or stale); 1 taken, 0 busy, -1 error. */
static int rt_mcs_take(const char *dir, rt_mcs_pair p, vc_diags *d)
{
    char *name = rt_mcs_text(p);
    int rc = rt_hold_take(dir, name, d);
    free(name);
    return rc;
}

/* Draws pairs until one is taken: random first, then in order. */
static int rt_mcs_search(const char *dir, const rt_mcs_pair *used, size_t nused, unsigned max,
                         rt_mcs_rand_fn rand_fn, void *ctx, rt_mcs_pair *out, vc_diags *d)
{
    for (int i = 0; i < RT_MCS_RANDOM_TRIES; i++) {
        unsigned a = rand_fn(ctx) % max, b = rand_fn(ctx) % max;
        if (a == b)
            continue;
        rt_mcs_pair p = { a < b ? a : b, a < b ? b : a };
        if (rt_mcs_in(used, nused, p))
            continue;
        int rc = rt_mcs_take(dir, p, d);
        if (rc != 0) {
            *out = p;
            return rc;
        }
    }
    for (unsigned a = 0; a < max; a++)
        for (unsigned b = a + 1; b < max; b++) {
            rt_mcs_pair p = { a, b };
            int rc = rt_mcs_in(used, nused, p) ? 0 : rt_mcs_take(dir, p, d);
            if (rc != 0) {
                *out = p;
                return rc;
            }
        }
    return 0;
}

bool rt_mcs_reserve(const char *dir, const rt_mcs_pair *used, size_t nused,
                    unsigned max_category, rt_mcs_rand_fn rand_fn, void *ctx,
                    rt_mcs_pair *out, vc_diags *d)
{
    unsigned max = max_category ? max_category : RT_MCS_DEFAULT_MAX;
    if (max < 2 || max > RT_MCS_DEFAULT_MAX) {
        vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 },
                    "MCS categories: %u is not a number of categories (2 to %d)", max,
                    RT_MCS_DEFAULT_MAX);
        return false;
    }
    int lfd = rt_hold_lock(dir, d);
    if (lfd < 0)
        return false;
    int rc = rt_mcs_search(dir, used, nused, max, rand_fn ? rand_fn : rt_mcs_getrandom, ctx,
                           out, d);
    close(lfd);   /* releases the lock */
    if (rc == 0)
        return vc_runtime_error(d, "no free MCS category pair: all %u pairs of c0..c%u are "
                                "held by running guests", max * (max - 1) / 2, max - 1);
    return rc > 0;
}

bool rt_mcs_release(const char *dir, rt_mcs_pair pair, vc_diags *d)
{
    char *name = rt_mcs_text(pair);
    bool ok = rt_hold_release(dir, name, d);
    free(name);
    return ok;
}

/* The pair of a context whose level is exactly "s0:cA,cB". */
static bool rt_mcs_of_context(const char *ctx, rt_mcs_pair *out)
{
    const char *level = ctx;
    for (int i = 0; i < 3 && level; i++) {
        level = strchr(level, ':');
        level = level ? level + 1 : NULL;
    }
    return level && strncmp(level, "s0:", 3) == 0 && rt_mcs_parse(level + 3, out);
}

size_t rt_mcs_scan_running(const char *proc_dir, rt_mcs_pair **out)
{
    const char *proc = proc_dir ? proc_dir : "/proc";
    *out = NULL;
    size_t n = 0, cap = 0;
    DIR *dir = opendir(proc);
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char *path = vc_xasprintf("%s/%s/attr/current", proc, e->d_name);
        char *ctx = vc_read_file(path, NULL);
        free(path);
        rt_mcs_pair p;
        /* The kernel ends the context with a NUL, sometimes a newline too. */
        if (ctx)
            ctx[strcspn(ctx, "\n")] = '\0';
        if (ctx && rt_mcs_of_context(ctx, &p) && !rt_mcs_in(*out, n, p)) {
            vc_xgrow((void **)out, &cap, n + 1, sizeof(**out));
            (*out)[n++] = p;
        }
        free(ctx);
    }
    if (dir)
        closedir(dir);
    return n;
}
