/* paths.c: locating data files (see paths.h). */
#include "paths.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#ifndef VIRTC_DATADIR
#define VIRTC_DATADIR "/usr/local/share/virtc"
#endif

static pthread_once_t paths_once = PTHREAD_ONCE_INIT;
static char *paths_exe_dir;
static char *paths_schema_dir;
static char *paths_profile_dir;
static char *paths_xsl_dir;

/* The checkout root when the executable sits in <root>/tools (or in
 * <root>/tests for test programs) and <root>/schemas exists. */
static char *paths_checkout_root(void)
{
    if (!paths_exe_dir)
        return NULL;
    char *root = vc_xasprintf("%s/..", paths_exe_dir);
    char *probe = vc_xasprintf("%s/schemas/domain.rng", root);
    char *dirs = vc_xasprintf("%s/translators/ir.h", root);
    bool ok = access(probe, R_OK) == 0 && access(dirs, R_OK) == 0;
    free(probe);
    free(dirs);
    if (!ok) {
        free(root);
        return NULL;
    }
    return root;
}

static char *paths_pick(const char *env, const char *checkout_rel, const char *installed_rel,
                        const char *root)
{
    const char *e = getenv(env);
    if (e && *e)
        return vc_xstrdup(e);
    if (root)
        return vc_xasprintf("%s/%s", root, checkout_rel);
    return vc_xasprintf("%s/%s", VIRTC_DATADIR, installed_rel);
}

static void paths_init(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n > 0) {
        buf[n] = '\0';
        char *slash = strrchr(buf, '/');
        if (slash) {
            *slash = '\0';
            paths_exe_dir = vc_xstrdup(buf);
        }
    }
    char *root = paths_checkout_root();
    paths_schema_dir = paths_pick("VIRTC_SCHEMA_DIR", "schemas", "schemas", root);
    paths_profile_dir = paths_pick("VIRTC_PROFILE_DIR", "translators/qemu/profiles",
                                   "qemu-profiles", root);
    paths_xsl_dir = paths_pick("VIRTC_XSL_DIR", "tools", "xsl", root);
    free(root);
}

const char *vc_exe_dir(void)
{
    pthread_once(&paths_once, paths_init);
    return paths_exe_dir;
}

const char *vc_schema_dir(void)
{
    pthread_once(&paths_once, paths_init);
    return paths_schema_dir;
}

const char *vc_profile_dir(void)
{
    pthread_once(&paths_once, paths_init);
    return paths_profile_dir;
}

const char *vc_xsl_dir(void)
{
    pthread_once(&paths_once, paths_init);
    return paths_xsl_dir;
}
