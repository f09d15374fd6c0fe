/* guest.c: the running guests of an instance (see guest.h). */
#include "guest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "../translators/util.h"
#include "dac.h"
#include "security/security.h"

/* Beyond the stop timeout: the supervisor's "quit", the SIGKILL after it,
 * and its cleanup. */
#define RT_STOP_GRACE_MS 15000

void rt_guest_info_free(rt_guest_info *g)
{
    free(g->name);
    free(g->uuid);
    free(g->state);
    free(g->state_dir);
    free(g->pid_file);
    free(g->reason);
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

/* The state file's text keys and where they go. */
static const struct {
    const char *key;
    size_t offset;
} rt_guest_text_keys[] = {
    { "name", offsetof(rt_guest_info, name) },
    { "uuid", offsetof(rt_guest_info, uuid) },
    { "state", offsetof(rt_guest_info, state) },
    { "dir", offsetof(rt_guest_info, state_dir) },
    { "pidfile", offsetof(rt_guest_info, pid_file) },
    { "reason", offsetof(rt_guest_info, reason) },
};

static void rt_guest_set(rt_guest_info *g, const char *key, const char *value)
{
    long long n = 0;
    bool num = vc_parse_ll(value, 10, &n);
    for (size_t i = 0; i < VC_ARRAY_SIZE(rt_guest_text_keys); i++) {
        if (strcmp(key, rt_guest_text_keys[i].key) == 0) {
            char **field = (char **)((char *)g + rt_guest_text_keys[i].offset);
            free(*field);
            *field = vc_xstrdup(value);
            return;
        }
    }
    if (strcmp(key, "pid") == 0 && num) {
        g->pid = (pid_t)n;
    } else if (strcmp(key, "supervisor") == 0 && num) {
        g->supervisor = (pid_t)n;
    } else if (strcmp(key, "started") == 0 && num) {
        g->started = n;
    }
}

/* The state file into out; false when there is none. */
static bool rt_guest_parse_state(const char *run_dir, const char *name, rt_guest_info *out)
{
    memset(out, 0, sizeof(*out));
    char *path = rt_guest_file(run_dir, name, "state");
    char *text = vc_read_file(path, NULL);
    free(path);
    if (!text)
        return false;
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

bool rt_guest_read(const char *run_dir, const char *name, rt_guest_info *out, vc_diags *d)
{
    memset(out, 0, sizeof(*out));
    if (!rt_guest_running(run_dir, name))
        return false;
    if (!rt_guest_parse_state(run_dir, name, out)) {
        /* between taking the lock and writing its state: starting */
        vc_runtime_error(d, "guest '%s' is starting or stopping (no state file yet)", name);
        return false;
    }
    return true;
}

static bool rt_guest_file_exists(const char *run_dir, const char *name, const char *ext)
{
    char *path = rt_guest_file(run_dir, name, ext);
    bool there = access(path, F_OK) == 0;
    free(path);
    return there;
}

bool rt_guest_lost(const char *run_dir, const char *name)
{
    return !rt_guest_running(run_dir, name) && rt_guest_file_exists(run_dir, name, "lock") &&
           (rt_guest_file_exists(run_dir, name, "state") ||
            rt_guest_file_exists(run_dir, name, "owners") ||
            rt_guest_file_exists(run_dir, name, "undo"));
}

bool rt_guest_read_lost(const char *run_dir, const char *name, rt_guest_info *out)
{
    memset(out, 0, sizeof(*out));
    if (!rt_guest_lost(run_dir, name))
        return false;
    if (!rt_guest_parse_state(run_dir, name, out))
        out->name = vc_xstrdup(name);
    free(out->state);
    out->state = vc_xstrdup("lost");
    return true;
}

bool rt_guest_write(const char *run_dir, const rt_guest_info *g, vc_diags *d)
{
    char *path = rt_guest_file(run_dir, g->name, "state");
    char *tmp = vc_xasprintf("%s.tmp", path);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "name: %s\nuuid: %s\nstate: %s\npid: %ld\nsupervisor: %ld\nstarted: %lld\n",
                  g->name, g->uuid, g->state, (long)g->pid, (long)g->supervisor, g->started);
    /* what a cleanup after a lost supervisor needs to find */
    if (g->state_dir)
        vc_buf_printf(&b, "dir: %s\n", g->state_dir);
    if (g->pid_file)
        vc_buf_printf(&b, "pidfile: %s\n", g->pid_file);
    if (g->reason)
        vc_buf_printf(&b, "reason: %s\n", g->reason);
    char *text = vc_buf_steal(&b);
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
        if (rt_guest_read(run_dir, name, &g, &tmp) || rt_guest_read_lost(run_dir, name, &g)) {
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
        if (d->nerrors == 0 && rt_guest_lost(run_dir, name))
            return rt_guest_cleanup(run_dir, name, d);
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

void rt_guest_remove_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dirfd(dh), e->d_name, 0);
        closedir(dh);
    }
    rmdir(dir);
}

/* True when /proc/PID/cmdline has the argument "guest=NAME" or
 * "guest=NAME,...": the lost guest's QEMU, not a process that got its
 * pid since. */
static bool rt_guest_is_qemu_of(pid_t pid, const char *name)
{
    char *path = vc_xasprintf("/proc/%ld/cmdline", (long)pid);
    size_t len = 0;
    char *args = vc_read_file(path, &len);
    free(path);
    if (!args)
        return false;
    char *want = vc_xasprintf("guest=%s", name);
    size_t wl = strlen(want);
    bool found = false;
    for (size_t off = 0; off < len && !found; off += strlen(args + off) + 1)
        found = strncmp(args + off, want, wl) == 0 &&
                (args[off + wl] == '\0' || args[off + wl] == ',');
    free(want);
    free(args);
    return found;
}

/* QEMU dies with its supervisor (PR_SET_PDEATHSIG); one that has not yet
 * is killed, and waited for, so that its cgroup can go. */
static void rt_guest_end_qemu(pid_t pid, const char *name)
{
    if (pid <= 1 || !rt_guest_is_qemu_of(pid, name))
        return;
    kill(pid, SIGKILL);
    long long deadline = rt_guest_now_ms() + 5000;
    while (kill(pid, 0) == 0 && rt_guest_is_qemu_of(pid, name) && rt_guest_now_ms() < deadline) {
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
}

bool rt_guest_cleanup(const char *run_dir, const char *name, vc_diags *d)
{
    char *lock = rt_guest_file(run_dir, name, "lock");
    int fd = open(lock, O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        free(lock);
        return vc_runtime_error(d, "guest '%s' is not running", name);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        free(lock);
        return vc_runtime_error(d, "guest '%s' has a supervisor again: stop it instead", name);
    }
    rt_guest_info g;
    if (!rt_guest_parse_state(run_dir, name, &g))
        memset(&g, 0, sizeof(g));
    rt_guest_end_qemu(g.pid, name);
    /* only what the supervisor recorded: its journal (cgroup directories
     * by absolute path, labels, profiles), the owners, the state file's
     * paths; nothing is looked up from the caller's own place */
    char *journal = rt_guest_file(run_dir, name, "undo");
    bool ok = rt_undo_replay(journal, d);
    free(journal);
    char *owners = rt_guest_file(run_dir, name, "owners");
    ok = rt_dac_recover(owners, d) && ok;
    free(owners);
    if (g.state_dir && g.state_dir[0] == '/')
        rt_guest_remove_dir(g.state_dir);
    char *pid = g.pid_file ? vc_xstrdup(g.pid_file) : rt_guest_file(run_dir, name, "pid");
    unlink(pid);
    free(pid);
    /* what could not be undone stays journaled, and the guest lost, so
     * that another stop tries again; otherwise the state, the lock last,
     * as a supervisor's cleanup does */
    if (ok) {
        char *state = rt_guest_file(run_dir, name, "state");
        unlink(state);
        free(state);
        unlink(lock);
    }
    close(fd);
    free(lock);
    rt_guest_info_free(&g);
    return ok;
}

void rt_restart_limit_init(rt_restart_limit *l, unsigned burst, unsigned window_s)
{
    memset(l, 0, sizeof(*l));
    l->burst = burst > 0 ? burst : 1;
    l->window_s = window_s;
    l->at_ms = vc_xcalloc(l->burst, sizeof(*l->at_ms));
}

void rt_restart_limit_free(rt_restart_limit *l)
{
    free(l->at_ms);
    l->at_ms = NULL;
}

bool rt_restart_allowed(rt_restart_limit *l, long long now_ms)
{
    if (l->window_s == 0)
        return true;
    /* the oldest of the last burst restarts: within the window, one more
     * would make burst + 1 */
    if (l->n == l->burst && now_ms - l->at_ms[l->next] < l->window_s * 1000LL)
        return false;
    l->at_ms[l->next] = now_ms;
    l->next = (l->next + 1) % l->burst;
    if (l->n < l->burst)
        l->n++;
    return true;
}

char *rt_restart_limit_reason(const rt_restart_limit *l)
{
    return vc_xasprintf("restarted %u time%s within %u s (the restart limit)", l->burst,
                        l->burst == 1 ? "" : "s", l->window_s);
}
