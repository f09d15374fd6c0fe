/* test_security_cgroup.c: runtime/security's device allow-list and cgroups:
 * paths resolved to rules, the rule text, the BPF program's verdicts, the
 * hierarchy lookup (against a mountinfo written here), and, as root, real
 * cgroups on cgroup v1 (devices.list, limits) and cgroup v2 (the BPF
 * program attached): a child inside opens an allowed device and is refused
 * a denied one. Each run uses its own prefix virtc-t-rtsec-PID and removes
 * everything it made. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <stdio.h>
#include <unistd.h>

#include "../../runtime/security/security.h"
#include "check.h"
#include "util.h"

static char *rule_text_at(const rt_dev_rules *r, size_t i)
{
    return i < r->n ? rt_dev_rule_text(&r->v[i]) : vc_xstrdup("(none)");
}

static bool rules_are(const rt_dev_rules *r, const char *const *want)
{
    size_t n = 0;
    bool ok = true;
    for (; want[n]; n++) {
        char *t = rule_text_at(r, n);
        if (strcmp(t, want[n]) != 0) {
            printf("  rule %zu: got '%s', want '%s'\n", n, t, want[n]);
            ok = false;
        }
        free(t);
    }
    if (n != r->n) {
        printf("  %zu rules, want %zu\n", r->n, n);
        ok = false;
    }
    return ok;
}

static void test_rules(void)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_dev_rules r;
    rt_dev_rules_init(&r);
    char tmp[] = "/tmp/virtc-t-rtsec-XXXXXX";
    int fd = mkstemp(tmp);
    close(fd);
    bool ok = rt_dev_rules_add_path(&r, "/dev/null", RT_DEV_READ, &d) &&
              rt_dev_rules_add_path(&r, "/dev/nonexistent-virtc", RT_DEV_READ, &d) &&
              rt_dev_rules_add_path(&r, tmp, RT_DEV_READ | RT_DEV_WRITE, &d) &&
              rt_dev_rules_add_path(&r, "/dev/zero", RT_DEV_READ | RT_DEV_WRITE, &d) &&
              rt_dev_rules_add_path(&r, "/dev/null", RT_DEV_WRITE, &d);
    unlink(tmp);
    CHECK(ok && d.n == 0, "rules: missing paths and plain files are skipped, not errors");
    CHECK(rules_are(&r, (const char *const[]){ "c 1:3 rw", "c 1:5 rw", NULL }),
          "rules: /dev/null and /dev/zero resolved, the second /dev/null widened the first");
    rt_dev_rules_free(&r);

    char *notdir = vc_xasprintf("%s/x", "/dev/null");
    CHECK(rt_dev_rules_add_path(&r, notdir, RT_DEV_READ, &d) && r.n == 0,
          "rules: a path through a non-directory is skipped like a missing one");
    free(notdir);
    rt_dev_rules_free(&r);

    /* The default list: what this host has of it, in the seed's order. */
    rt_dev_rules_init(&r);
    for (const char *const *p = rt_cg_default_acl; *p; p++)
        rt_dev_rules_add_path(&r, *p, RT_DEV_READ | RT_DEV_WRITE, &d);
    char *first = rule_text_at(&r, 0);
    CHECK(strcmp(first, "c 1:3 rw") == 0 && r.n >= 5, "rules: the default ACL starts with /dev/null");
    free(first);
    size_t want = 0;
    for (const char *const *p = rt_cg_default_acl; *p; p++) {
        struct stat st;
        want += stat(*p, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
    }
    CHECK(r.n == want, "rules: the default ACL has one rule per device present");
    rt_dev_rules_free(&r);
    vc_diags_free(&d);

    rt_dev_rule x;
    CHECK(rt_dev_rule_parse("c 1:3 rwm", &x) && x.type == 'c' && x.major == 1 && x.minor == 3 &&
              x.access == (RT_DEV_READ | RT_DEV_WRITE | RT_DEV_MKNOD),
          "rule parse: c 1:3 rwm");
    CHECK(rt_dev_rule_parse("a *:* rwm\n", &x) && x.type == 'a' && x.major == RT_DEV_ANY &&
              x.minor == RT_DEV_ANY,
          "rule parse: a *:* rwm (devices.list of an unrestricted cgroup)");
    CHECK(rt_dev_rule_parse("b 8:* r", &x) && x.major == 8 && x.minor == RT_DEV_ANY &&
              x.access == RT_DEV_READ,
          "rule parse: b 8:* r");
    const char *bad[] = { "", "c 1:3", "c 1:3 ", "x 1:3 r", "c 1 r", "c 1:3 rr", "c 1:3 rx",
                          "c -1:3 r", "c 1:3  r", "c 1:3 r\nc", NULL };
    bool none = true;
    for (const char **b = bad; *b; b++)
        if (rt_dev_rule_parse(*b, &x)) {
            printf("  accepted '%s'\n", *b);
            none = false;
        }
    CHECK(none, "rule parse: malformed rules are refused");
    rt_dev_rule pts = { 'c', 136, RT_DEV_ANY, RT_DEV_READ | RT_DEV_WRITE };
    char *t = rt_dev_rule_text(&pts);
    CHECK(strcmp(t, "c 136:* rw") == 0, "rule text: c 136:* rw");
    free(t);
}

/* ---- the BPF program ----------------------------------------------------- */

static void test_bpf_verdicts(void)
{
    rt_dev_rules r;
    rt_dev_rules_init(&r);
    const char *texts[] = { "c 1:3 rw", "b 8:* r", "c 136:* rw", "c 10:200 rwm", NULL };
    for (const char **s = texts; *s; s++) {
        vc_xgrow((void **)&r.v, &r.cap, r.n + 1, sizeof(*r.v));
        rt_dev_rule_parse(*s, &r.v[r.n++]);
    }
    size_t n;
    struct bpf_insn *p = rt_bpfdev_build(&r, &n);
    /* 6 loads/shifts, then per rule: its tests, mov, and, jne, mov, exit;
     * then mov, exit. */
    CHECK(n == 6 + (3 + 5) + (2 + 5) + (2 + 5) + (3 + 5) + 2, "bpf: instruction count");
    CHECK(p[n - 1].code == (BPF_JMP | BPF_EXIT) && p[n - 2].imm == 0,
          "bpf: ends with r0 = 0; exit (deny)");
    struct {
        char type;
        long major, minor;
        unsigned access;
        int want;
        const char *what;
    } cases[] = {
        { 'c', 1, 3, RT_DEV_READ, 1, "c 1:3 read allowed" },
        { 'c', 1, 3, RT_DEV_READ | RT_DEV_WRITE, 1, "c 1:3 read+write allowed" },
        { 'c', 1, 3, RT_DEV_MKNOD, 0, "c 1:3 mknod denied" },
        { 'c', 1, 5, RT_DEV_READ, 0, "c 1:5 (/dev/zero) denied" },
        { 'b', 1, 3, RT_DEV_READ, 0, "b 1:3 denied (type differs)" },
        { 'b', 8, 0, RT_DEV_READ, 1, "b 8:0 read allowed (any minor)" },
        { 'b', 8, 17, RT_DEV_READ, 1, "b 8:17 read allowed (any minor)" },
        { 'b', 8, 17, RT_DEV_WRITE, 0, "b 8:17 write denied" },
        { 'b', 8, 17, RT_DEV_READ | RT_DEV_WRITE, 0, "b 8:17 read+write denied" },
        { 'c', 8, 0, RT_DEV_READ, 0, "c 8:0 denied" },
        { 'c', 136, 4, RT_DEV_READ | RT_DEV_WRITE, 1, "c 136:4 (a pty) allowed" },
        { 'c', 10, 200, RT_DEV_MKNOD, 1, "c 10:200 mknod allowed" },
        { 'c', 10, 201, RT_DEV_READ, 0, "c 10:201 denied" },
        { 'c', 0x7fffffff, 3, RT_DEV_READ, 0, "a large major denied" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(cases); i++) {
        int got = rt_bpfdev_run(p, n, cases[i].type, cases[i].major, cases[i].minor,
                                cases[i].access);
        char *name = vc_xasprintf("bpf verdict: %s", cases[i].what);
        CHECK(got == cases[i].want, name);
        free(name);
    }
    free(p);

    /* "a *:* m": every device may be created, none opened. */
    rt_dev_rules_free(&r);
    vc_xgrow((void **)&r.v, &r.cap, 1, sizeof(*r.v));
    rt_dev_rule_parse("a *:* m", &r.v[r.n++]);
    p = rt_bpfdev_build(&r, &n);
    CHECK(n == 6 + 5 + 2 && rt_bpfdev_run(p, n, 'b', 3, 4, RT_DEV_MKNOD) == 1 &&
              rt_bpfdev_run(p, n, 'c', 1, 3, RT_DEV_READ) == 0,
          "bpf: a rule on every device has no type or number test");
    free(p);
    rt_dev_rules_free(&r);
    p = rt_bpfdev_build(&r, &n);
    CHECK(n == 8 && rt_bpfdev_run(p, n, 'c', 1, 3, RT_DEV_READ) == 0,
          "bpf: an empty list denies everything");
    free(p);
}

/* ---- hierarchies from a mountinfo of our own ----------------------------- */

static char *write_tmp(const char *dir, const char *name, const char *text)
{
    char *path = vc_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static bool dir_empty(const char *path)
{
    char *cmd = vc_xasprintf("[ -z \"$(ls -A '%s')\" ]", path);
    int rc = system(cmd);
    free(cmd);
    return rc == 0;
}

static bool dir_has(const char *dir, const char *name)
{
    char *path = vc_xasprintf("%s/%s", dir, name);
    struct stat st;
    bool has = stat(path, &st) == 0;
    free(path);
    return has;
}

static void test_fake_hierarchies(void)
{
    char tmp[] = "/tmp/virtc-t-rtsec-XXXXXX";
    if (!mkdtemp(tmp)) {
        CHECK(false, "fake hierarchies: mkdtemp");
        return;
    }
    /* A "devices" v1 hierarchy mounted (root /sub) at "TMP/dev ices"; we
     * sit in /sub/me. It is a plain directory, so the first cgroup file
     * cannot be opened: the error names the path that was computed, and
     * the directories made are gone again. */
    char *mnt = vc_xasprintf("%s/dev ices", tmp);
    mkdir(mnt, 0755);
    char *me = vc_xasprintf("%s/me", mnt);
    mkdir(me, 0755);
    char *mi_text = vc_xasprintf(
        "22 1 0:20 / /proc rw - proc proc rw\n"
        "30 22 0:25 /sub %s/dev\\040ices rw,relatime shared:9 - cgroup cgroup rw,devices\n",
        tmp);
    char *mi = write_tmp(tmp, "mountinfo", mi_text);
    char *self = write_tmp(tmp, "cgroup", "3:memory:/elsewhere\n2:devices:/sub/me\n0::/\n");
    rt_cg_host host = { .mountinfo = mi, .self_cgroup = self, .prefix = "virtc/qemu" };
    rt_cg_spec spec = { .name = "guest1", .acl = (const char *const[]){ "/dev/null", NULL } };
    vc_diags d;
    vc_diags_init(&d);
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    char *want = vc_xasprintf("cannot open %s/me/virtc/qemu/guest1/cgroup.procs", mnt);
    bool named = !cg && d.n == 1 && vc_str_has_prefix(d.v[0].message, want);
    if (!named && d.n)
        printf("  %s\n", d.v[0].message);
    CHECK(named, "fake hierarchy: the guest's cgroup is PREFIX/NAME under our own (escapes decoded)");
    CHECK(dir_empty(me), "fake hierarchy: a failed create removes the directories it made");
    free(want);

    /* cgroup2 whose memory controller reaches our cgroup (/me) but is not
     * enabled below it, and /me holds a process: a memory limit is refused
     * before anything is made, saying why. With the controller enabled in
     * /me, or /me empty, it would be used. */
    char *v2 = vc_xasprintf("%s/unified", tmp);
    char *v2me = vc_xasprintf("%s/me", v2);
    mkdir(v2, 0755);
    mkdir(v2me, 0755);
    free(write_tmp(v2me, "cgroup.controllers", "cpu memory pids\n"));
    free(write_tmp(v2me, "cgroup.subtree_control", "\n"));
    free(write_tmp(v2me, "cgroup.procs", "4242\n"));
    char *mi2_text = vc_xasprintf("31 1 0:26 / %s rw - cgroup2 cgroup2 rw\n", v2);
    free(write_tmp(tmp, "mountinfo", mi2_text));
    free(write_tmp(tmp, "cgroup", "0::/me\n"));
    rt_cg_spec lim = spec;
    lim.limits.hard_limit_kib = 1024;
    vc_diags_clear(&d);
    CHECK(!rt_cg_create(&lim, &host, &d) && d.n == 1 &&
              strcmp(d.v[0].message, "<memtune> needs the cgroup 'memory' controller, which "
                                     "cgroup2 does not enable below the supervisor's own "
                                     "cgroup (it holds processes, so it cannot be enabled "
                                     "there)") == 0 && !dir_has(v2me, "virtc"),
          "cgroup2: a controller that cannot be enabled below us is refused, nothing made");
    free(write_tmp(v2me, "cgroup.controllers", "cpu pids\n"));
    vc_diags_clear(&d);
    CHECK(!rt_cg_create(&lim, &host, &d) && d.n == 1 &&
              strcmp(d.v[0].message, "<memtune> needs the cgroup 'memory' controller, which "
                                     "this host does not offer") == 0,
          "cgroup2: a controller that does not reach us is refused");
    free(mi2_text);
    free(v2me);
    free(v2);

    /* No cgroup mounts at all: not supported here. */
    vc_diags_clear(&d);
    free(write_tmp(tmp, "mountinfo", "22 1 0:20 / /proc rw - proc proc rw\n"));
    cg = rt_cg_create(&spec, &host, &d);
    CHECK(!cg && d.n == 1 && d.v[0].code == VC_ERR_RUNTIME &&
              strstr(d.v[0].message, "cgroup device ACLs are not supported on this host") &&
              strstr(d.v[0].message, "neither a cgroup v1 'devices' hierarchy nor a cgroup2"),
          "no cgroup hierarchy: 'not supported on this host'");

    static const struct {
        rt_cg_limits l;
        const char *want;
    } bad_limits[] = {
        { { .hard_limit_kib = 1048576, .swap_hard_limit_kib = 524288 },
          "memtune: swap_hard_limit (memory + swap) is below hard_limit" },
        { { .hard_limit_kib = ~0ULL }, "memtune: a limit is too large" },
        { { .shares = 1 }, "cputune: shares must be 2 to 262144" },
        { { .shares = 262145 }, "cputune: shares must be 2 to 262144" },
        { { .period_us = 999 }, "cputune: period must be 1000 to 1000000 microseconds" },
        { { .period_us = 1000001 }, "cputune: period must be 1000 to 1000000 microseconds" },
        { { .quota_us = 999 }, "cputune: quota must be at least 1000 microseconds (or negative: unlimited)" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(bad_limits); i++) {
        vc_diags_clear(&d);
        rt_cg_spec s = spec;
        s.limits = bad_limits[i].l;
        char *name = vc_xasprintf("limits refused before anything is made: %s", bad_limits[i].want);
        CHECK(!rt_cg_create(&s, &host, &d) && d.n == 1 && d.v[0].code == VC_ERR_INVALID &&
                  strcmp(d.v[0].message, bad_limits[i].want) == 0,
              name);
        free(name);
    }
    vc_diags_clear(&d);
    spec.name = "../x";
    cg = rt_cg_create(&spec, &host, &d);
    CHECK(!cg && d.n == 1 && d.v[0].code == VC_ERR_INVALID, "a name with a slash is refused");
    vc_diags_clear(&d);
    CHECK(!rt_cg_remove_name("", &host, &d) && d.n == 1, "an empty name is refused");
    vc_diags_clear(&d);
    spec.name = "a\nb\\c";
    CHECK(!rt_cg_create(&spec, &host, &d) && d.n == 1 &&
              strcmp(d.v[0].message, "'a\\x0ab\\x5cc' cannot name a cgroup") == 0,
          "a name with a newline is refused, shown on one line");
    vc_diags_free(&d);
    char *rm = vc_xasprintf("rm -rf '%s'", tmp);
    CHECK(system(rm) == 0, "fake hierarchy: cleaned up");
    free(rm);
    free(mi_text);
    free(mi);
    free(self);
    free(me);
    free(mnt);
}

/* ---- real cgroups (root) ------------------------------------------------- */

/* A pty, its slave opened by its path /dev/pts/N (as a console client
 * would): the slave's fd, or -1 with errno. */
static int open_pty_slave(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0)
        return -1;
    const char *name = grantpt(m) == 0 && unlockpt(m) == 0 ? ptsname(m) : NULL;
    int fd = name ? open(name, O_RDWR | O_NOCTTY) : -1;
    int err = errno;
    close(m);
    errno = err;
    return fd;
}

/* What a child in the cgroup could open: pairs of mode ("r", "rw", "pty":
 * a new pty's slave by path, or "mknod": make PATH a node c 1:3) and path;
 * "PATH:ok PATH:EPERM ...". */
static char *probe_in(rt_cgroup *cg, const char *const *opens)
{
    int pfd[2];
    if (pipe(pfd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        int rc = rt_cg_attach_self(cg, false);
        vc_buf b;
        vc_buf_init(&b);
        if (rc != 0)
            vc_buf_printf(&b, "attach:%s", strerror(-rc));
        for (const char *const *o = opens; *o; o += 2) {
            int fd = strcmp(o[0], "pty") == 0     ? open_pty_slave()
                     : strcmp(o[0], "mknod") == 0 ? mknod(o[1], S_IFCHR | 0600, makedev(1, 3))
                                                  : open(o[1], strcmp(o[0], "r") == 0 ? O_RDONLY : O_RDWR);
            vc_buf_printf(&b, "%s%s:%s", b.len ? " " : "", o[1],
                          fd >= 0 ? "ok" : errno == EPERM ? "EPERM" : strerror(errno));
            if (fd >= 0)
                close(fd);
        }
        ssize_t w = write(pfd[1], b.data, b.len);
        _exit(w == (ssize_t)b.len ? 0 : 1);
    }
    close(pfd[1]);
    vc_buf b;
    vc_buf_init(&b);
    char chunk[256];
    ssize_t n;
    while ((n = read(pfd[0], chunk, sizeof(chunk))) > 0)
        vc_buf_add(&b, chunk, (size_t)n);
    close(pfd[0]);
    waitpid(pid, NULL, 0);
    return vc_buf_steal(&b);
}

static bool str_is(char *got, const char *want)
{
    bool ok = got && strcmp(got, want) == 0;
    if (!ok)
        printf("  got '%s', want '%s'\n", got ? got : "(null)", want);
    free(got);
    return ok;
}

static char *read_trimmed(const char *dir, const char *file)
{
    char *path = vc_xasprintf("%s/%s", dir, file);
    char *text = vc_read_file(path, NULL);
    free(path);
    if (text) {
        size_t n = strlen(text);
        while (n && text[n - 1] == '\n')
            text[--n] = '\0';
    }
    return text;
}

static bool exists(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0;
}

static const char *const opens[] = { "rw", "/dev/null", "r", "/dev/zero", "r", "/dev/urandom",
                                     "rw", "/dev/urandom", NULL };
static const char *const want_open =
    "/dev/null:ok /dev/zero:EPERM /dev/urandom:ok /dev/urandom:EPERM";

/* The devices the real tests allow: /dev/null, /dev/full, /dev/urandom read-only. */
static rt_cg_spec real_spec(const char *name)
{
    static const char *const acl[] = { "/dev/null", "/dev/full", "/dev/kqemu-virtc-none", NULL };
    static const rt_cg_device devs[] = { { "/dev/urandom", true } };
    rt_cg_spec s = { .name = name, .acl = acl, .devices = devs, .ndevices = 1 };
    return s;
}

/* rt_cg_create, checked to have used mode; NULL when it failed. */
static rt_cgroup *create_in_mode(const rt_cg_spec *spec, const rt_cg_host *host,
                                 rt_cg_dev_mode mode, const char *name)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_cgroup *cg = rt_cg_create(spec, host, &d);
    vc_diags_print(stdout, &d);
    vc_diags_free(&d);
    CHECK(cg && rt_cg_device_mode(cg) == mode, name);
    return cg;
}

static void test_v1(const char *prefix)
{
    rt_cg_host host = { .prefix = prefix };
    rt_cg_spec spec = real_spec("g1");
    spec.limits = (rt_cg_limits){ .hard_limit_kib = 262144, .soft_limit_kib = 131072,
                                  .swap_hard_limit_kib = 524288, .shares = 512,
                                  .period_us = 50000, .quota_us = 25000 };
    rt_cgroup *cg = create_in_mode(&spec, &host, RT_CG_DEV_V1,
                                   "v1: created, devices controller used");
    if (!cg)
        return;
    vc_diags d;
    vc_diags_init(&d);
    const char *dev = rt_cg_dir(cg, "devices"), *mem = rt_cg_dir(cg, "memory"),
               *cpu = rt_cg_dir(cg, "cpu");
    char *suffix = vc_xasprintf("/%s/g1", prefix);
    CHECK(dev && vc_str_has_suffix(dev, suffix) && exists(dev), "v1: devices cgroup PREFIX/NAME");
    free(suffix);
    CHECK(str_is(read_trimmed(dev, "devices.list"), "c 1:3 rw\nc 1:7 rw\nc 1:9 r"),
          "v1: devices.list holds exactly the ACL and the devices");
    CHECK(mem && str_is(read_trimmed(mem, "memory.limit_in_bytes"), "268435456") &&
              str_is(read_trimmed(mem, "memory.soft_limit_in_bytes"), "134217728"),
          "v1: memtune hard and soft limits");
    char *memsw = vc_xasprintf("%s/memory.memsw.limit_in_bytes", mem ? mem : "");
    if (exists(memsw))
        CHECK(str_is(read_trimmed(mem, "memory.memsw.limit_in_bytes"), "536870912"),
              "v1: memtune swap_hard_limit");
    free(memsw);
    CHECK(cpu && str_is(read_trimmed(cpu, "cpu.shares"), "512") &&
              str_is(read_trimmed(cpu, "cpu.cfs_period_us"), "50000") &&
              str_is(read_trimmed(cpu, "cpu.cfs_quota_us"), "25000"),
          "v1: cputune shares, period, quota");
    CHECK(str_is(probe_in(cg, opens), want_open),
          "v1: a child in the cgroup opens what is allowed and gets EPERM for the rest");

    vc_diags_clear(&d);
    rt_cgroup *again = rt_cg_create(&spec, &host, &d);
    CHECK(!again && d.n >= 1 && strstr(d.v[0].message, "exists already"),
          "v1: a second cgroup of the same name is refused");
    CHECK(exists(dev), "v1: ... and the refusal left the first one alone");

    /* A process still inside: removing is an error, nothing is hidden. */
    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    vc_diags_clear(&d);
    CHECK(rt_cg_add_pid(cg, pid, &d), "v1: rt_cg_add_pid");
    char *procs = read_trimmed(dev, "cgroup.procs");
    char *pidtext = vc_xasprintf("%ld", (long)pid);
    CHECK(str_is(procs, pidtext), "v1: cgroup.procs lists the pid");
    CHECK(!rt_cg_remove_name("g1", &host, &d) && d.n >= 1 &&
              strstr(d.v[0].message, "still holds processes"),
          "v1: a cgroup with a process in it is not removed");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    free(pidtext);
    vc_diags_clear(&d);
    char *devcopy = vc_xstrdup(dev);
    CHECK(rt_cg_remove(cg, &d) && d.n == 0, "v1: removed after its process ended");
    CHECK(!exists(devcopy), "v1: nothing left of the cgroup");
    free(devcopy);
    vc_diags_free(&d);
}

/* A cgroup2 to test on: the host's, else one mounted in a private mount
 * namespace (this process's own from then on). */
static bool have_cgroup2(void)
{
    char *mi = vc_read_file("/proc/self/mountinfo", NULL);
    bool has = mi && strstr(mi, " - cgroup2 ");
    free(mi);
    if (has)
        return true;
    char dir[] = "/tmp/virtc-t-rtsec-cg2-XXXXXX";
    if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        !mkdtemp(dir))
        return false;
    if (mount("cgroup2", dir, "cgroup2", 0, NULL) != 0) {
        rmdir(dir);
        return false;
    }
    return true;
}

/* The program judges device numbers, not paths: nodes the test makes
 * itself, outside /dev, with the numbers of /dev/null (allowed) and
 * /dev/zero (not), and a node made from inside (no 'm' access). */
static void test_v2_nodes(rt_cgroup *cg)
{
    char dir[] = "/tmp/virtc-t-rtsec-nodes-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(false, "v2 nodes: a directory for them");
        return;
    }
    char *null = vc_xasprintf("%s/null-copy", dir), *zero = vc_xasprintf("%s/zero-copy", dir);
    char *made = vc_xasprintf("%s/made-inside", dir);
    bool ok = mknod(null, S_IFCHR | 0666, makedev(1, 3)) == 0 &&
              mknod(zero, S_IFCHR | 0666, makedev(1, 5)) == 0;
    CHECK(ok, "v2 nodes: c 1:3 and c 1:5 made outside /dev");
    const char *const probe[] = { "rw", null, "r", zero, "mknod", made, NULL };
    char *want = vc_xasprintf("%s:ok %s:EPERM %s:EPERM", null, zero, made);
    CHECK(ok && str_is(probe_in(cg, probe), want),
          "v2 nodes: a copy of /dev/null opens, a copy of /dev/zero and mknod are EPERM");
    CHECK(!exists(made), "v2 nodes: nothing was made from inside");
    free(want);
    unlink(null);
    unlink(zero);
    unlink(made);
    rmdir(dir);
    free(null);
    free(zero);
    free(made);
}

static void test_v2(const char *prefix)
{
    rt_cg_host host = { .prefix = prefix, .no_v1 = true };
    rt_cg_spec spec = real_spec("g2");
    rt_cgroup *cg = create_in_mode(&spec, &host, RT_CG_DEV_BPF,
                                   "v2: created with a BPF device program");
    if (!cg)
        return;
    vc_diags d;
    vc_diags_init(&d);
    const char *dir = rt_cg_dir(cg, "");
    CHECK(dir && dir == rt_cg_dir(cg, "devices") && !rt_cg_dir(cg, "memory"),
          "v2: one cgroup2 directory holds the device program");
    CHECK(rules_are(rt_cg_rules(cg),
                    (const char *const[]){ "c 1:3 rw", "c 1:7 rw", "c 1:9 r", NULL }),
          "v2: the program's rules");
    CHECK(str_is(probe_in(cg, opens), want_open),
          "v2: a child in the cgroup opens what is allowed and gets EPERM for the rest");
    test_v2_nodes(cg);
    char *copy = vc_xstrdup(dir);
    vc_diags_clear(&d);
    CHECK(rt_cg_remove(cg, &d) && !exists(copy), "v2: removed, nothing left");
    free(copy);

    /* Limits on cgroup2 need its controllers; where the host does not hand
     * them to us the error says which. */
    spec.limits.hard_limit_kib = 262144;
    vc_diags_clear(&d);
    cg = rt_cg_create(&spec, &host, &d);
    if (cg) {
        const char *mem = rt_cg_dir(cg, "memory");
        CHECK(mem && str_is(read_trimmed(mem, "memory.max"), "268435456"), "v2: memory.max");
        CHECK(rt_cg_remove(cg, &d), "v2: removed with its memory limit");
    } else {
        CHECK(d.n == 1 && strstr(d.v[0].message,
                                 "<memtune> needs the cgroup 'memory' controller"),
              "v2: a memory limit without the memory controller is an error naming it");
    }
    vc_diags_free(&d);
}

/* The directory PARENT of our own cgroup in the hierarchy mounted with
 * fstype/option (as rt_cg_create finds it), made here. */
static char *make_parent(const char *fstype, const char *option, const char *parent)
{
    char *mi = vc_read_file("/proc/self/mountinfo", NULL), *self = vc_read_file("/proc/self/cgroup", NULL);
    char *found = NULL, *save = NULL;
    for (char *l = mi ? strtok_r(mi, "\n", &save) : NULL; l && !found; l = strtok_r(NULL, "\n", &save)) {
        char *sep = strstr(l, " - ");
        char type[32], root[256], mnt[256], super[256];
        if (!sep || sscanf(l, "%*s %*s %*s %255s %255s", root, mnt) != 2 ||
            sscanf(sep, " - %31s %*s %255s", type, super) != 2 || strcmp(type, fstype) != 0 ||
            (option && !strstr(super, option)))
            continue;
        /* our path in it, relative to the mount's root */
        const char *want = option ? option : "";
        char *s2 = NULL, *copy = vc_xstrdup(self ? self : "");
        const char *rel = "/";
        for (char *c = strtok_r(copy, "\n", &s2); c; c = strtok_r(NULL, "\n", &s2)) {
            char *c1 = strchr(c, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (c2 && (option ? strstr(c1, want) != NULL && c1 + 1 < c2 : c1 + 1 == c2)) {
                rel = c2 + 1;
                break;
            }
        }
        size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
        found = vc_xasprintf("%s%s/%s", mnt, strncmp(rel, root, rl) == 0 ? rel + rl : "", parent);
        free(copy);
    }
    free(mi);
    free(self);
    if (found && mkdir(found, 0755) != 0) {
        free(found);
        found = NULL;
    }
    return found;
}

/* v1: a device the supervisor's own cgroup denies is left out, with a
 * warning, instead of failing the start. */
static void test_v1_parent_denies(const char *parent)
{
    char *dir = make_parent("cgroup", "devices", parent);
    int fd = -1;
    char *deny = dir ? vc_xasprintf("%s/devices.deny", dir) : NULL;
    bool ok = deny && (fd = open(deny, O_WRONLY)) >= 0 && write(fd, "c 1:7 rwm", 9) == 9;
    if (fd >= 0)
        close(fd);
    free(deny);
    CHECK(ok, "v1 restricted parent: made, /dev/full denied there");
    if (!ok)
        return;
    char *prefix = vc_xasprintf("%s/qemu", parent);
    rt_cg_host host = { .prefix = prefix };
    rt_cg_spec spec = real_spec("g3");
    vc_diags d;
    vc_diags_init(&d);
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    CHECK(cg && d.n == 1 && d.v[0].severity == VC_SEV_WARNING &&
              strcmp(d.v[0].message, "device c 1:7 rw is not allowed to the supervisor's own "
                                     "cgroup: left out of the guest's") == 0,
          "v1 restricted parent: the denied device is a warning");
    CHECK(cg && str_is(read_trimmed(rt_cg_dir(cg, "devices"), "devices.list"), "c 1:3 rw\nc 1:9 r") &&
              rules_are(rt_cg_rules(cg), (const char *const[]){ "c 1:3 rw", "c 1:9 r", NULL }),
          "v1 restricted parent: devices.list and the rules agree without it");
    vc_diags_clear(&d);
    CHECK(rt_cg_remove(cg, &d) && !exists(dir), "v1 restricted parent: all removed");
    vc_diags_free(&d);
    free(prefix);
    free(dir);
}

/* v2: the programs of the ancestors still run: a device the parent's
 * program denies stays denied whatever the guest's allows. */
/* A directory that is no cgroup cannot take the program. */
static void test_bpf_attach_error(void)
{
    int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    rt_dev_rules r;
    rt_dev_rules_init(&r);
    vc_diags d;
    vc_diags_init(&d);
    CHECK(rt_bpfdev_attach(&r, fd, &d) == -1 && d.n == 1 && d.v[0].code == VC_ERR_RUNTIME &&
              vc_str_has_prefix(d.v[0].message, "cannot attach the cgroup device program "
                                                "(bpf BPF_PROG_ATTACH): "),
          "bpf: attaching to a directory that is not a cgroup is an error");
    close(fd);
    vc_diags_free(&d);
}

static void test_v2_parent_denies(const char *parent)
{
    char *dir = make_parent("cgroup2", NULL, parent);
    int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
    rt_dev_rules r;
    rt_dev_rules_init(&r);
    vc_diags d;
    vc_diags_init(&d);
    /* the parent allows /dev/full and /dev/urandom, not /dev/null */
    rt_dev_rules_add_path(&r, "/dev/full", RT_DEV_READ | RT_DEV_WRITE, &d);
    rt_dev_rules_add_path(&r, "/dev/urandom", RT_DEV_READ, &d);
    int prog = dfd >= 0 ? rt_bpfdev_attach(&r, dfd, &d) : -1;
    rt_dev_rules_free(&r);
    if (dfd >= 0)
        close(dfd);
    CHECK(prog >= 0, "v2 restricted parent: made, its own program attached");
    if (prog < 0) {
        vc_diags_print(stdout, &d);
        if (dir)
            rmdir(dir);
        free(dir);
        vc_diags_free(&d);
        return;
    }
    char *prefix = vc_xasprintf("%s/qemu", parent);
    rt_cg_host host = { .prefix = prefix, .no_v1 = true };
    rt_cg_spec spec = real_spec("g4");
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    CHECK(cg && str_is(probe_in(cg, opens),
                       "/dev/null:EPERM /dev/zero:EPERM /dev/urandom:ok /dev/urandom:EPERM"),
          "v2 restricted parent: the parent's denial holds inside the guest's cgroup");
    CHECK(rt_cg_remove(cg, &d) && !exists(dir), "v2 restricted parent: all removed");
    close(prog);
    free(prefix);
    free(dir);
    vc_diags_free(&d);
}

/* Four supervisors creating and removing guests of their own under one
 * prefix at once: the shared parents come and go between them, and every
 * create still succeeds, every remove leaves nothing. */
static void test_concurrent(const char *prefix, bool no_v1)
{
    enum { KIDS = 4, ROUNDS = 15 };
    pid_t kids[KIDS];
    fflush(stdout);   /* the children's exit would print it again */
    for (int k = 0; k < KIDS; k++) {
        kids[k] = fork();
        if (kids[k] != 0)
            continue;
        rt_cg_host host = { .prefix = prefix, .no_v1 = no_v1 };
        int failures = 0;
        for (int i = 0; i < ROUNDS; i++) {
            char *name = vc_xasprintf("c%d-%d", k, i);
            rt_cg_spec spec = real_spec(name);
            vc_diags d;
            vc_diags_init(&d);
            rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
            if (!cg || !rt_cg_remove(cg, &d)) {
                vc_diags_print(stdout, &d);
                failures++;
            }
            vc_diags_free(&d);
            free(name);
        }
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int bad = 0;
    for (int k = 0; k < KIDS; k++) {
        int st = 0;
        waitpid(kids[k], &st, 0);
        bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    CHECK(bad == 0, no_v1 ? "v2: concurrent creates and removes under one prefix"
                          : "v1: concurrent creates and removes under one prefix");
}

/* /dev/ptmx in the ACL brings the pty slaves: a child makes a pty and
 * opens its slave by path; without ptmx it cannot make one. */
static void test_pty(const char *prefix, bool no_v1)
{
    static const char *const pty_open[] = { "pty", "/dev/pts/N", NULL };
    rt_cg_host host = { .prefix = prefix, .no_v1 = no_v1 };
    rt_cg_spec spec = { .name = "pty", .acl = (const char *const[]){ "/dev/null", "/dev/ptmx", NULL } };
    vc_diags d;
    vc_diags_init(&d);
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    CHECK(cg && rules_are(rt_cg_rules(cg),
                          (const char *const[]){ "c 1:3 rw", "c 5:2 rw", "c 136:* rw", NULL }),
          no_v1 ? "v2: /dev/ptmx brings c 136:* rw" : "v1: /dev/ptmx brings c 136:* rw");
    if (cg && !no_v1)
        CHECK(str_is(read_trimmed(rt_cg_dir(cg, "devices"), "devices.list"),
                     "c 1:3 rw\nc 5:2 rw\nc 136:* rw"),
              "v1: devices.list with the pty slaves");
    CHECK(cg && str_is(probe_in(cg, pty_open), "/dev/pts/N:ok"),
          no_v1 ? "v2: a pty's slave opens by path" : "v1: a pty's slave opens by path");
    rt_cg_remove(cg, &d);
    spec.acl = (const char *const[]){ "/dev/null", NULL };
    cg = rt_cg_create(&spec, &host, &d);
    CHECK(cg && str_is(probe_in(cg, pty_open), "/dev/pts/N:EPERM"),
          no_v1 ? "v2: no pty without /dev/ptmx" : "v1: no pty without /dev/ptmx");
    rt_cg_remove(cg, &d);
    vc_diags_free(&d);
}

static void test_real(void)
{
    if (geteuid() != 0) {
        printf("SKIP %s:real cgroups: not root\n", __FILE__);
        return;
    }
    char *prefix = vc_xasprintf("virtc-t-rtsec-%ld/qemu", (long)getpid());
    char *mi = vc_read_file("/proc/self/mountinfo", NULL);
    bool v1 = false;
    for (char *l = mi; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        if (strstr(l, " - cgroup ") && strstr(l, "devices"))
            v1 = true;
        l = nl ? nl + 1 : NULL;
    }
    free(mi);
    char *parent = vc_xasprintf("virtc-t-rtsec-%ld-par", (long)getpid());
    if (v1) {
        test_v1(prefix);
        test_v1_parent_denies(parent);
        test_concurrent(prefix, false);
        test_pty(prefix, false);
    } else {
        printf("SKIP %s:v1: no cgroup v1 devices hierarchy on this host\n", __FILE__);
    }
    if (have_cgroup2()) {
        test_v2(prefix);
        test_v2_parent_denies(parent);
        test_concurrent(prefix, true);
        test_pty(prefix, true);
        test_bpf_attach_error();
    } else {
        printf("SKIP %s:v2: no cgroup2 hierarchy and none could be mounted\n", __FILE__);
    }
    free(parent);
    free(prefix);
}

int main(void)
{
    /* Line-buffered: a forked child never holds (and repeats) our output. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_rules();
    test_bpf_verdicts();
    test_fake_hierarchies();
    test_real();
    return check_done();
}
