/* test_rt_spawn_cgroup.c: a child created directly in its cgroup2
 * directory (runtime/spawn.c: clone3 with CLONE_INTO_CGROUP) and the
 * fallback when the kernel lacks it, and, as root, the joins of a guest's
 * cgroup on a hybrid host (runtime/security/cgroup.c): created in the
 * cgroup2 directory, v1 joined right after the exec (before it when memory
 * limits sit in v1), a child already gone no error; a cgroup2 that cannot
 * take the guest's directory falls back to v1 alone on a hybrid host and
 * is an error on a pure cgroup2 one. Each run uses its own
 * prefix virtc-t-spawncg-PID and removes everything it made. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../runtime/security/security.h"
#include "../../runtime/spawn.h"
#include "check.h"
#include "util.h"

/* What the hooks saw: the child's "placed" ('P' or 'u', through a pipe),
 * and the caller's hook after the exec. */
typedef struct seen {
    int fd;                   /* the pipe the child reports on */
    rt_cgroup *cg;            /* NULL: the child joins nothing itself */
    int spawned_calls;
    bool spawned_placed;
    pid_t spawned_pid;
    char *cgroup_before;      /* /proc/PID/cgroup before rt_cg_join_after */
    bool refuse;              /* the caller's hook fails */
} seen;

static int hook_child(void *opaque, bool placed, const char **what)
{
    seen *s = opaque;
    char c = placed ? 'P' : 'u';
    if (write(s->fd, &c, 1) != 1) {
        *what = "reporting";
        return errno;
    }
    int e = s->cg ? rt_cg_attach_self(s->cg, placed) : 0;
    *what = "joining";
    return -e;
}

static char *read_or_empty(const char *path)
{
    char *text = vc_read_file(path, NULL);
    return text ? text : vc_xstrdup("");
}

static char *proc_cgroup(pid_t pid)
{
    char *path = vc_xasprintf("/proc/%ld/cgroup", (long)pid);
    char *text = read_or_empty(path);
    free(path);
    return text;
}

static bool hook_spawned(void *opaque, pid_t pid, bool placed, vc_diags *d)
{
    seen *s = opaque;
    s->spawned_calls++;
    s->spawned_placed = placed;
    s->spawned_pid = pid;
    if (s->refuse)
        return vc_runtime_error(d, "refused by the test");
    if (!s->cg)
        return true;
    free(s->cgroup_before);
    s->cgroup_before = proc_cgroup(pid);
    return rt_cg_join_after(s->cg, pid, placed, d);
}

/* /bin/sleep 30 spawned into cgfd; *child: what the child's hook was told
 * (0: it did not run). */
static pid_t spawn_in(int cgfd, seen *s, char *child, vc_diags *d)
{
    int p[2];
    *child = 0;
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    s->fd = p[1];
    s->spawned_calls = 0;
    rt_spawn_hook hook = { .fn = hook_child, .opaque = s, .into_cgroup = cgfd >= 0,
                           .cgroup_fd = cgfd, .spawned = hook_spawned };
    char *const argv[] = { "/bin/sleep", "30", NULL };
    pid_t pid = rt_spawn_hooked(argv, NULL, -1, &hook, d);
    close(p[1]);
    if (read(p[0], child, 1) != 1)
        *child = 0;
    close(p[0]);
    return pid;
}

static void end_child(pid_t pid)
{
    int status;
    if (pid > 0) {
        rt_spawn_kill(pid);
        rt_spawn_reap(pid, true, &status);
    }
}

/* The cgroup2 line of /proc/PID/cgroup ("0::PATH"): PATH. */
static char *v2_path(const char *text)
{
    const char *l = strstr(text, "0::");
    while (l && l != text && l[-1] != '\n')
        l = strstr(l + 1, "0::");
    if (!l)
        return vc_xstrdup("");
    const char *nl = strchr(l, '\n');
    return vc_xstrndup(l + 3, nl ? (size_t)(nl - l - 3) : strlen(l + 3));
}

/* The v1 line of controller in the text of /proc/PID/cgroup: its path. */
static char *v1_path(const char *text, const char *controller)
{
    char *key = vc_xasprintf(":%s:", controller);
    const char *at = strstr(text, key);
    char *path = vc_xstrdup("");
    if (at) {
        const char *p = at + strlen(key), *nl = strchr(p, '\n');
        free(path);
        path = vc_xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
    }
    free(key);
    return path;
}

static bool kernel_has_into_cgroup(void)
{
    struct utsname u;
    int major = 0, minor = 0;
    return uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
           (major > 5 || (major == 5 && minor >= 7));
}

/* A directory that is no cgroup2 one: the kernel's refusal is the
 * spawn's error (no child, no hook run); with clone3 "missing" the child
 * is made the old way and told so. */
static void test_fallback(void)
{
    int tmpfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    seen s = { 0 };
    char child;
    vc_diags d;
    vc_diags_init(&d);
    if (kernel_has_into_cgroup()) {
        pid_t pid = spawn_in(tmpfd, &s, &child, &d);
        CHECK(pid < 0 && child == 0 && s.spawned_calls == 0 && d.n == 1 &&
                  strcmp(d.v[0].message, "clone3 into the cgroup: Bad file descriptor") == 0,
              "clone3: a directory that is no cgroup2 one is the spawn's error, no child");
        if (pid >= 0 || d.n != 1)
            vc_diags_print(stdout, &d);
        end_child(pid);
    } else {
        printf("SKIP %s:clone3: this kernel has no CLONE_INTO_CGROUP\n", __FILE__);
    }
    rt_spawn_test_no_clone3(true);
    vc_diags_clear(&d);
    pid_t pid = spawn_in(tmpfd, &s, &child, &d);
    CHECK(pid > 0 && d.n == 0 && child == 'u' && s.spawned_calls == 1 && !s.spawned_placed &&
              s.spawned_pid == pid,
          "no clone3: the child is made the old way and its hooks hear it was not placed");
    end_child(pid);
    rt_spawn_test_no_clone3(false);
    vc_diags_free(&d);
    close(tmpfd);
}

static char *mount_of(const char *fstype, const char *option)
{
    char *mi = vc_read_file("/proc/self/mountinfo", NULL), *found = NULL, *save = NULL;
    for (char *l = mi ? strtok_r(mi, "\n", &save) : NULL; l && !found;
         l = strtok_r(NULL, "\n", &save)) {
        char *sep = strstr(l, " - ");
        char type[32], mnt[256], super[256];
        if (sep && sscanf(l, "%*s %*s %*s %*s %255s", mnt) == 1 &&
            sscanf(sep, " - %31s %*s %255s", type, super) == 2 && strcmp(type, fstype) == 0 &&
            (!option || strstr(super, option)))
            found = vc_xstrdup(mnt);
    }
    free(mi);
    return found;
}

static rt_cg_spec spec_of(const char *name)
{
    static const char *const acl[] = { "/dev/null", NULL };
    rt_cg_spec s = { .name = name, .acl = acl };
    return s;
}

/* Pure cgroup2 (the host's cgroup2 alone): the child is created in the
 * guest's directory, nothing to join after. */
static void test_v2_created_in(const char *prefix)
{
    rt_cg_host host = { .prefix = prefix, .no_v1 = true };
    rt_cg_spec spec = spec_of("s2");
    vc_diags d;
    vc_diags_init(&d);
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    CHECK(cg && rt_cg_spawn_fd(cg) >= 0, "v2: the guest's directory is there to create QEMU in");
    if (!cg) {
        vc_diags_print(stdout, &d);
        vc_diags_free(&d);
        return;
    }
    seen s = { .cg = cg };
    char child;
    pid_t pid = spawn_in(rt_cg_spawn_fd(cg), &s, &child, &d);
    char *text = pid > 0 ? proc_cgroup(pid) : vc_xstrdup("");
    char *path = v2_path(text);
    CHECK(pid > 0 && child == 'P' && s.spawned_placed && *path &&
              vc_str_has_suffix(rt_cg_dir(cg, ""), path) && vc_str_has_suffix(path, "/s2"),
          "v2: the child is created in the guest's cgroup2 directory");
    free(path);
    free(text);
    end_child(pid);
    rt_spawn_test_no_clone3(true);
    pid = spawn_in(rt_cg_spawn_fd(cg), &s, &child, &d);
    text = pid > 0 ? proc_cgroup(pid) : vc_xstrdup("");
    path = v2_path(text);
    CHECK(pid > 0 && child == 'u' && vc_str_has_suffix(path, "/s2"),
          "v2, no clone3: the child joins the directory itself before its exec");
    free(path);
    free(text);
    end_child(pid);
    rt_spawn_test_no_clone3(false);
    s.refuse = true;
    vc_diags_clear(&d);
    pid = spawn_in(rt_cg_spawn_fd(cg), &s, &child, &d);
    CHECK(pid < 0 && s.spawned_calls == 1 && d.n == 1 &&
              strcmp(d.v[0].message, "refused by the test") == 0 &&
              kill(s.spawned_pid, 0) != 0 && errno == ESRCH,
          "a refusal after the exec kills and reaps the child and fails the spawn");
    vc_diags_clear(&d);
    CHECK(rt_cg_remove(cg, &d), "v2: removed");
    free(s.cgroup_before);
    vc_diags_free(&d);
}

/* Hybrid: created in the cgroup2 directory, in the v1 devices cgroup only
 * once the caller has moved it, right after the exec; with a v1 memory
 * limit, in every v1 place before the exec already. */
static void test_hybrid(const char *prefix, const char *v1mnt)
{
    rt_cg_host host = { .prefix = prefix };
    rt_cg_spec spec = spec_of("h1");
    vc_diags d;
    vc_diags_init(&d);
    char *trace = vc_xasprintf("/tmp/virtc-t-spawncg-trace-%ld", (long)getpid());
    setenv("VIRTC_TRACE", trace, 1);
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    unsetenv("VIRTC_TRACE");
    char *traced = read_or_empty(trace);
    unlink(trace);
    free(trace);
    CHECK(cg && rt_cg_device_mode(cg) == RT_CG_DEV_V1 && rt_cg_dir(cg, "") &&
              rt_cg_spawn_fd(cg) >= 0 &&
              strstr(traced, " cgroup: created in cgroup2, v1 joined after the exec\n"),
          "hybrid: v1 devices and a cgroup2 directory to create QEMU in (the trace says so)");
    free(traced);
    if (!cg) {
        vc_diags_print(stdout, &d);
        vc_diags_free(&d);
        return;
    }
    char *devdir = vc_xstrdup(rt_cg_dir(cg, "devices")), *v2dir = vc_xstrdup(rt_cg_dir(cg, ""));
    seen s = { .cg = cg };
    char child;
    pid_t pid = spawn_in(rt_cg_spawn_fd(cg), &s, &child, &d);
    char *before = v1_path(s.cgroup_before ? s.cgroup_before : "", "devices");
    char *text = pid > 0 ? proc_cgroup(pid) : vc_xstrdup("");
    char *after = v1_path(text, "devices"), *v2 = v2_path(text);
    bool in_v1 = *after && vc_str_has_suffix(devdir, after) && strncmp(devdir, v1mnt, strlen(v1mnt)) == 0;
    CHECK(pid > 0 && child == 'P' && !vc_str_has_suffix(before, "/h1") && in_v1 &&
              *v2 && vc_str_has_suffix(v2dir, v2),
          "hybrid: created in the cgroup2 directory, in the v1 devices one only after the exec");
    if (!in_v1)
        printf("  before '%s', after '%s'\n", before, after);
    free(before);
    free(after);
    free(v2);
    free(text);
    end_child(pid);

    /* a QEMU gone before the supervisor moves it: no error of the join */
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    int status;
    waitpid(gone, &status, 0);
    vc_diags_clear(&d);
    CHECK(rt_cg_join_after(cg, gone, true, &d) && d.n == 0,
          "hybrid: a child already gone is no error of the join (its own message is)");
    vc_diags_clear(&d);
    CHECK(rt_cg_remove(cg, &d) && access(devdir, F_OK) != 0 && access(v2dir, F_OK) != 0,
          "hybrid: both directories removed");
    free(devdir);
    free(v2dir);

    spec.limits.hard_limit_kib = 262144;
    cg = rt_cg_create(&spec, &host, &d);
    CHECK(cg != NULL, "hybrid with a v1 memory limit: created");
    if (cg) {
        s.cg = cg;
        pid = spawn_in(rt_cg_spawn_fd(cg), &s, &child, &d);
        before = s.cgroup_before ? vc_xstrdup(s.cgroup_before) : vc_xstrdup("");
        char *mem = v1_path(before, "memory"), *dev = v1_path(before, "devices");
        CHECK(pid > 0 && child == 'P' && vc_str_has_suffix(mem, "/h1") &&
                  vc_str_has_suffix(dev, "/h1"),
              "hybrid with a v1 memory limit: every v1 cgroup joined before the exec");
        free(mem);
        free(dev);
        free(before);
        end_child(pid);
        vc_diags_clear(&d);
        CHECK(rt_cg_remove(cg, &d), "hybrid with a v1 memory limit: removed");
    }
    free(s.cgroup_before);
    vc_diags_free(&d);
}

/* The lines of text that do (keep) or do not contain needle, then tail. */
static char *lines_with(const char *text, const char *needle, bool keep, const char *tail)
{
    char *copy = vc_xstrdup(text), *save = NULL, *out = vc_xstrdup("");
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if ((strstr(l, needle) != NULL) == keep) {
            char *more = vc_xasprintf("%s%s\n", out, l);
            free(out);
            out = more;
        }
    char *all = vc_xasprintf("%s%s", out, tail);
    free(out);
    free(copy);
    return all;
}

static char *write_in(const char *dir, const char *name, const char *text)
{
    char *path = vc_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static bool dir_is_empty(const char *path)
{
    char *sub = vc_xasprintf("%s/virtc-t-spawncg-%ld", path, (long)getpid());
    struct stat st;
    bool empty = stat(sub, &st) != 0;
    free(sub);
    return empty;
}

/* The host's cgroup mounts, but "cgroup2" is a plain directory of ours
 * (a foreign or unusable cgroup2, as in a container): the guest's
 * directory can be made there, its cgroup.procs cannot be opened. */
static void test_unusable_v2(const char *prefix, bool hybrid)
{
    char tmp[] = "/tmp/virtc-t-spawncg-v2-XXXXXX";
    if (!mkdtemp(tmp)) {
        CHECK(false, "unusable cgroup2: mkdtemp");
        return;
    }
    char *fake = vc_xasprintf("%s/unified", tmp);
    mkdir(fake, 0755);
    char *mi_real = read_or_empty("/proc/self/mountinfo");
    char *self_real = read_or_empty("/proc/self/cgroup");
    char *v2line = vc_xasprintf("99 1 0:99 / %s rw - cgroup2 cgroup2 rw\n", fake);
    char *mi_text = lines_with(mi_real, " - cgroup ", true, v2line);
    char *self_text = lines_with(self_real, "0::", false, "0::/\n");
    char *mi = write_in(tmp, "mountinfo", mi_text), *self = write_in(tmp, "cgroup", self_text);
    char *journal = vc_xasprintf("%s/undo", tmp), *trace = vc_xasprintf("%s/trace", tmp);
    vc_diags d;
    vc_diags_init(&d);
    rt_undo *undo = rt_undo_open(journal, &d);
    rt_cg_host host = { .mountinfo = mi, .self_cgroup = self, .prefix = prefix,
                        .no_v1 = !hybrid };
    rt_cg_spec spec = spec_of("f1");
    spec.undo = undo;
    setenv("VIRTC_TRACE", trace, 1);
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    unsetenv("VIRTC_TRACE");
    char *lines = read_or_empty(journal), *traced = read_or_empty(trace);
    if (!hybrid) {
        char *want = vc_xasprintf("cannot open %s/%s/f1/cgroup.procs", fake, prefix);
        CHECK(!cg && d.n == 1 && strstr(d.v[0].message, want) && dir_is_empty(fake),
              "pure cgroup2 that cannot take the guest's directory: an error, nothing left");
        free(want);
    } else {
        CHECK(cg && d.n == 0 && rt_cg_device_mode(cg) == RT_CG_DEV_V1 &&
                  rt_cg_spawn_fd(cg) < 0 && !rt_cg_dir(cg, "") && dir_is_empty(fake),
              "hybrid, cgroup2 unusable: the start goes on with v1 alone, its directory removed");
        char *want = vc_xasprintf("cgroup %s %s\n", prefix, cg ? rt_cg_dir(cg, "devices") : "");
        CHECK(strcmp(lines, want) == 0, "hybrid, cgroup2 unusable: the journal has v1's line alone");
        if (strcmp(lines, want) != 0)
            printf("  journal:\n%s", lines);
        free(want);
        CHECK(strstr(traced, " cgroup: every place joined before the exec (the cgroup2 "
                             "directory is unusable: cannot open ") != NULL,
              "hybrid, cgroup2 unusable: the trace says which way and why");
    }
    if (cg) {
        seen s = { .cg = cg };
        char child;
        char *devdir = vc_xstrdup(rt_cg_dir(cg, "devices"));
        pid_t pid = spawn_in(rt_cg_spawn_fd(cg), &s, &child, &d);
        char *before = v1_path(s.cgroup_before ? s.cgroup_before : "", "devices");
        CHECK(pid > 0 && child == 'u' && !s.spawned_placed && *before &&
                  vc_str_has_suffix(devdir, before) && vc_str_has_suffix(before, "/f1"),
              "hybrid, cgroup2 unusable: the child is in the v1 devices cgroup before its exec");
        end_child(pid);
        vc_diags_clear(&d);
        CHECK(rt_cg_remove(cg, &d) && access(devdir, F_OK) != 0, "hybrid, cgroup2 unusable: removed");
        free(before);
        free(devdir);
        free(s.cgroup_before);
    }
    rt_undo_close(undo, true);
    vc_diags_free(&d);
    unlink(trace);
    unlink(mi);
    unlink(self);
    rmdir(fake);
    rmdir(tmp);
    free(lines);
    free(traced);
    free(journal);
    free(trace);
    free(mi);
    free(self);
    free(mi_text);
    free(self_text);
    free(v2line);
    free(mi_real);
    free(self_real);
    free(fake);
}

static void test_real(void)
{
    if (geteuid() != 0) {
        printf("SKIP %s:real cgroups: not root\n", __FILE__);
        return;
    }
    char *v2mnt = mount_of("cgroup2", NULL), *v1mnt = mount_of("cgroup", "devices");
    char *prefix = vc_xasprintf("virtc-t-spawncg-%ld/qemu", (long)getpid());
    if (v2mnt && kernel_has_into_cgroup())
        test_v2_created_in(prefix);
    else
        printf("SKIP %s:v2: no cgroup2 hierarchy or no CLONE_INTO_CGROUP\n", __FILE__);
    if (v2mnt && v1mnt && kernel_has_into_cgroup())
        test_hybrid(prefix, v1mnt);
    else
        printf("SKIP %s:hybrid: not a host with cgroup v1 devices and cgroup2 beside it\n",
               __FILE__);
    test_unusable_v2(prefix, false);
    if (v1mnt)
        test_unusable_v2(prefix, true);
    else
        printf("SKIP %s:hybrid, cgroup2 unusable: no cgroup v1 devices\n", __FILE__);
    free(prefix);
    free(v1mnt);
    free(v2mnt);
}

int main(void)
{
    /* Line-buffered: a forked child never holds (and repeats) our output. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_fallback();
    test_real();
    return check_done();
}
