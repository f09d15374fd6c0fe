/* guest.c: the running guests of an instance (see guest.h). */
#include "guest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "../translators/util.h"

/* Beyond the stop timeout: the supervisor's "quit", the SIGKILL after it,
 * and its cleanup. */
#define RT_STOP_GRACE_MS 15000

void rt_guest_info_free(rt_guest_info *g)
{
    free(g->name);
    free(g->uuid);
    free(g->state);
    memset(g, 0, sizeof(*g));
}

char *rt_guest_file(const char *run_dir, const char *name, const char *ext)
{
    return vc_xasprintf("%s/%s.%s", run_dir, name, ext);
}

bool rt_guest_running(const char *run_dir, const char *name)
{
    char *path = rt_guest_file(run_dir, name, "lock");
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    free(path);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

static void rt_guest_set(rt_guest_info *g, const char *key, const char *value)
{
    long long n = 0;
    bool num = vc_parse_ll(value, 10, &n);
    if (strcmp(key, "name") == 0) {
        free(g->name);
        g->name = vc_xstrdup(value);
    } else if (strcmp(key, "uuid") == 0) {
        free(g->uuid);
        g->uuid = vc_xstrdup(value);
    } else if (strcmp(key, "state") == 0) {
        free(g->state);
        g->state = vc_xstrdup(value);
    } else if (strcmp(key, "pid") == 0 && num) {
        g->pid = (pid_t)n;
    } else if (strcmp(key, "supervisor") == 0 && num) {
        g->supervisor = (pid_t)n;
    } else if (strcmp(key, "started") == 0 && num) {
        g->started = n;
    }
}

bool rt_guest_read(const char *run_dir, const char *name, rt_guest_info *out, vc_diags *d)
{
    memset(out, 0, sizeof(*out));
    if (!rt_guest_running(run_dir, name))
        return false;
    char *path = rt_guest_file(run_dir, name, "state");
    char *text = vc_read_file(path, NULL);
    if (!text) {
        /* between taking the lock and writing its state: starting */
        vc_runtime_error(d, "guest '%s' is starting or stopping (no %s yet)", name, path);
        free(path);
        return false;
    }
    free(path);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *colon = strstr(line, ": ");
        if (colon) {
            *colon = '\0';
            rt_guest_set(out, line, colon + 2);
        }
    }
    free(text);
    if (!out->name)
        out->name = vc_xstrdup(name);
    return true;
}

bool rt_guest_write(const char *run_dir, const rt_guest_info *g, vc_diags *d)
{
    char *path = rt_guest_file(run_dir, g->name, "state");
    char *tmp = vc_xasprintf("%s.tmp", path);
    char *text = vc_xasprintf("name: %s\nuuid: %s\nstate: %s\npid: %ld\nsupervisor: %ld\n"
                              "started: %lld\n", g->name, g->uuid, g->state, (long)g->pid,
                              (long)g->supervisor, g->started);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
    size_t len = strlen(text);
    bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok) {
        vc_runtime_error(d, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(text);
    free(tmp);
    free(path);
    return ok;
}

static int rt_guest_cmp(const void *a, const void *b)
{
    return strcmp(((const rt_guest_info *)a)->name, ((const rt_guest_info *)b)->name);
}

rt_guest_info *rt_guest_list(const char *run_dir, size_t *n)
{
    *n = 0;
    rt_guest_info *v = NULL;
    size_t cap = 0;
    DIR *dir = opendir(run_dir);
    if (!dir)
        return NULL;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".lock") != 0)
            continue;
        char *name = vc_xstrndup(e->d_name, len - 5);
        rt_guest_info g;
        vc_diags tmp;
        vc_diags_init(&tmp);
        if (rt_guest_read(run_dir, name, &g, &tmp)) {
            vc_xgrow((void **)&v, &cap, *n + 1, sizeof(*v));
            v[(*n)++] = g;
        }
        vc_diags_free(&tmp);
        free(name);
    }
    closedir(dir);
    if (*n > 1)
        qsort(v, *n, sizeof(*v), rt_guest_cmp);
    return v;
}

void rt_guest_list_free(rt_guest_info *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rt_guest_info_free(&v[i]);
    free(v);
}

static long long rt_guest_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool rt_guest_stop(const char *run_dir, const char *name, bool force, int timeout_ms,
                   vc_diags *d)
{
    rt_guest_info g;
    if (!rt_guest_read(run_dir, name, &g, d)) {
        if (d->nerrors == 0)
            vc_runtime_error(d, "guest '%s' is not running", name);
        return false;
    }
    union sigval v = { .sival_int = timeout_ms };
    int sig = force ? SIGUSR1 : SIGTERM;
    if (g.supervisor <= 1 || sigqueue(g.supervisor, sig, v) != 0) {
        vc_runtime_error(d, "cannot signal the supervisor of '%s' (pid %ld): %s", name,
                         (long)g.supervisor, strerror(errno));
        rt_guest_info_free(&g);
        return false;
    }
    long long deadline = rt_guest_now_ms() + (force ? 0 : timeout_ms) + RT_STOP_GRACE_MS;
    while (rt_guest_running(run_dir, name)) {
        if (rt_guest_now_ms() > deadline) {
            vc_runtime_error(d, "guest '%s' did not stop: its supervisor (pid %ld) still runs",
                             name, (long)g.supervisor);
            rt_guest_info_free(&g);
            return false;
        }
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
    rt_guest_info_free(&g);
    return true;
}
