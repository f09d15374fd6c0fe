/* instance.c: the directories of the system and session instances. */
#include "instance.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

rt_instance rt_instance_current(void)
{
    return geteuid() == 0 ? RT_INSTANCE_SYSTEM : RT_INSTANCE_SESSION;
}

/* $VAR when it is an absolute path, else ~/fallback. */
static char *rt_xdg(const char *var, const char *fallback)
{
    const char *v = getenv(var);
    if (v && v[0] == '/')
        return vc_xstrdup(v);
    const char *home = getenv("HOME");
    return vc_xasprintf("%s/%s", home && home[0] == '/' ? home : "/", fallback);
}

void rt_dirs_get(rt_instance inst, const char *log_dir, rt_dirs *out)
{
    if (inst == RT_INSTANCE_SYSTEM) {
        out->run = vc_xstrdup("/run/virtc/qemu");
        out->lib = vc_xstrdup("/var/lib/virtc/qemu");
        out->cache = vc_xstrdup("/var/cache/virtc/qemu");
        out->log = vc_xstrdup(log_dir ? log_dir : "/var/log/virtc/qemu");
        return;
    }
    char *data = rt_xdg("XDG_DATA_HOME", ".local/share");
    char *cache = rt_xdg("XDG_CACHE_HOME", ".cache");
    const char *rt = getenv("XDG_RUNTIME_DIR");
    out->run = rt && rt[0] == '/' ? vc_xasprintf("%s/virtc/qemu", rt)
                                  : vc_xasprintf("%s/virtc/run/qemu", cache);
    out->lib = vc_xasprintf("%s/virtc/qemu", data);
    out->cache = vc_xasprintf("%s/virtc/qemu", cache);
    out->log = log_dir ? vc_xstrdup(log_dir) : vc_xasprintf("%s/virtc/qemu/log", cache);
    free(data);
    free(cache);
}

void rt_dirs_free(rt_dirs *d)
{
    free(d->run);
    free(d->lib);
    free(d->cache);
    free(d->log);
    memset(d, 0, sizeof(*d));
}

bool rt_mkdirs(const char *path, unsigned mode, vc_diags *d)
{
    char *p = vc_xstrdup(path);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
            ok = vc_runtime_error(d, "cannot create the directory %s: %s", p, strerror(errno));
        if (end)
            break;
        *s = '/';
    }
    free(p);
    return ok;
}
