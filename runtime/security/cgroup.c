/*
 * cgroup.c: one cgroup per guest, for its device allow-list and its memory
 * and CPU limits (see security.h).
 *
 * Where: PREFIX/NAME (default virtc/qemu/NAME) under the supervisor's own
 * cgroup in each hierarchy used, the way the seed places guests under the
 * daemon's hierarchy ("libvirt/qemu/$VMNAME"). Starting from our own
 * cgroup rather than the root keeps a guest inside whatever limits and
 * delegation the supervisor was given (a systemd unit, a container).
 *
 * Which hierarchies: the one enforcing devices (cgroup v1 "devices" where
 * it is mounted, else the cgroup2 one with a BPF program: bpfdev.c), and,
 * only when limits are asked, the ones with the "memory" and "cpu"
 * controllers (v1 first, else cgroup2 with those controllers enabled).
 * Hierarchies are read from /proc/self/mountinfo, our place in them from
 * /proc/self/cgroup.
 */
#include "security.h"
#include "sec_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../translators/util.h"
#include "../trace.h"

/* ---- the host's hierarchies ---------------------------------------------- */

typedef struct rt_cg_hier {
    char *mount;         /* where it is mounted */
    char *root;          /* the mount's root inside the hierarchy */
    char *opts;          /* v1: the super options, controllers among them */
    bool v2;
} rt_cg_hier;

typedef struct rt_cg_hiers {
    rt_cg_hier *v;
    size_t n, cap;
} rt_cg_hiers;

static void rt_cg_hiers_free(rt_cg_hiers *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].mount);
        free(h->v[i].root);
        free(h->v[i].opts);
    }
    free(h->v);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *rt_cg_unescape(const char *s)
{
    char *out = vc_xmalloc(strlen(s) + 1), *o = out;
    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 4;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* True when the comma-separated list has item. */
static bool rt_cg_list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

/* One mountinfo line: ID PARENT MAJ:MIN ROOT MOUNT OPTS [TAGS...] - TYPE SRC SUPEROPTS */
static void rt_cg_mountinfo_line(rt_cg_hiers *h, char *line)
{
    char *f[6], *save = NULL, *tok = strtok_r(line, " \n", &save);
    size_t nf = 0;
    for (; tok && nf < 6; tok = strtok_r(NULL, " \n", &save))
        f[nf++] = tok;
    while (tok && strcmp(tok, "-") != 0)
        tok = strtok_r(NULL, " \n", &save);
    char *type = strtok_r(NULL, " \n", &save);
    char *src = strtok_r(NULL, " \n", &save);
    char *super = strtok_r(NULL, " \n", &save);
    if (nf < 6 || !type || !src || !super)
        return;
    bool v2 = strcmp(type, "cgroup2") == 0;
    if (!v2 && strcmp(type, "cgroup") != 0)
        return;
    vc_xgrow((void **)&h->v, &h->cap, h->n + 1, sizeof(*h->v));
    h->v[h->n++] = (rt_cg_hier){ rt_cg_unescape(f[4]), rt_cg_unescape(f[3]),
                                 v2 ? NULL : vc_xstrdup(super), v2 };
}

static bool rt_cg_read_hiers(const char *mountinfo, rt_cg_hiers *h, vc_diags *d)
{
    memset(h, 0, sizeof(*h));
    char *text = vc_read_file(mountinfo, NULL);
    if (!text)
        return vc_runtime_error(d, "cannot read %s: %s", mountinfo, strerror(errno));
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        rt_cg_mountinfo_line(h, line);
    free(text);
    return true;
}

/* The v1 hierarchy with controller, or the cgroup2 one (controller NULL). */
static const rt_cg_hier *rt_cg_find(const rt_cg_hiers *h, const char *controller, bool no_v1)
{
    for (size_t i = 0; i < h->n; i++) {
        const rt_cg_hier *x = &h->v[i];
        if (controller ? !x->v2 && !no_v1 && rt_cg_list_has(x->opts, controller) : x->v2)
            return x;
    }
    return NULL;
}

/* The text of /proc/self/cgroup (or the host's stand-in), read once per
 * call of the API rather than once per hierarchy; "" when unreadable. */
static char *rt_cg_self_read(const char *path)
{
    char *text = vc_read_file(path, NULL);
    return text ? text : vc_xstrdup("");
}

/* Our cgroup in hierarchy x, from the text of /proc/self/cgroup
 * ("ID:CONTROLLERS:PATH"; cgroup2 is "0::PATH"). */
static char *rt_cg_self_path(const char *self_cgroup, const rt_cg_hier *x)
{
    char *text = vc_xstrdup(self_cgroup);
    char *found = NULL, *save = NULL;
    for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
         line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        char *ctrls = c1 + 1;
        bool match = x->v2 && *ctrls == '\0';
        /* A v1 line ("cpu,cpuacct", "name=systemd") is this hierarchy's
         * when its controllers are among the mount's super options. */
        char *s2 = NULL;
        for (char *c = x->v2 ? NULL : strtok_r(ctrls, ",", &s2); c && !match;
             c = strtok_r(NULL, ",", &s2))
            match = rt_cg_list_has(x->opts, c);
        if (match)
            found = vc_xstrdup(c2 + 1);
    }
    free(text);
    return found;
}

/* BASE: the directory of our own cgroup in hierarchy x. */
static char *rt_cg_base(const char *self_cgroup, const rt_cg_hier *x)
{
    char *self = rt_cg_self_path(self_cgroup, x);
    const char *rel = "";
    size_t rootlen = strcmp(x->root, "/") == 0 ? 0 : strlen(x->root);
    /* Our cgroup may lie outside what this mount shows (a container's
     * namespace); then the mount's top is the nearest we can reach. */
    if (self && strncmp(self, x->root, rootlen) == 0 &&
        (self[rootlen] == '/' || self[rootlen] == '\0'))
        rel = self + rootlen;
    while (*rel == '/')
        rel++;
    char *base = *rel ? vc_xasprintf("%s/%s", x->mount, rel) : vc_xstrdup(x->mount);
    free(self);
    return base;
}

/* ---- the guest's cgroup -------------------------------------------------- */

/* RT_CG_ROLE_GUARD: on a hybrid host, the cgroup2 directory QEMU is
 * created in, holding the BPF program that enforces the ACL until QEMU
 * has joined its v1 devices cgroup (see "when QEMU joins" below). */
enum { RT_CG_ROLE_DEVICES = 1, RT_CG_ROLE_MEMORY = 2, RT_CG_ROLE_CPU = 4, RT_CG_ROLE_GUARD = 8 };

/* When QEMU enters a place: created in it (the cgroup2 one, by clone3
 * with CLONE_INTO_CGROUP), by its child before the exec, or by the
 * supervisor writing its pid right after the exec, while QEMU starts. */
typedef enum rt_cg_join {
    RT_CG_JOIN_CLONE,
    RT_CG_JOIN_EXEC,
    RT_CG_JOIN_AFTER,
} rt_cg_join;

/* The guest's directory in one hierarchy. */
typedef struct rt_cg_place {
    char *base;          /* our own cgroup: parents are made and removed below it */
    char *dir;           /* BASE/PREFIX/NAME */
    const rt_cg_hier *hier;  /* during rt_cg_create only */
    unsigned roles;
    bool v2;
    bool made;
    rt_cg_join join;
    int procs_fd;
    int dir_fd;          /* the cgroup2 place: O_DIRECTORY, for CLONE_INTO_CGROUP */
} rt_cg_place;

struct rt_cgroup {
    char *prefix;
    rt_cg_place places[4];   /* devices, the hybrid cgroup2 guard, memory, cpu */
    size_t nplaces;
    rt_cg_dev_mode mode;
    rt_dev_rules rules;
    int bpf_fd;
};

static const char *rt_cg_or(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

/* The Unix98 pty slaves (/dev/pts/N) are major 136. A pty QEMU makes for
 * a <serial type='pty'> starts at /dev/ptmx; its slave is opened by path
 * where the C library's openpty does so (without TIOCGPTPEER), and by
 * whatever else in the guest's cgroup reopens it: allowing ptmx allows
 * them. */
enum { RT_CG_PTY_MAJOR = 136 };

static bool rt_cg_resolve(const rt_cg_spec *spec, rt_dev_rules *rules, vc_diags *d)
{
    const char *const *acl = spec->acl ? spec->acl : rt_cg_default_acl;
    for (; *acl; acl++)
        if (!rt_dev_rules_add_path(rules, *acl, RT_DEV_READ | RT_DEV_WRITE, d))
            return false;
    for (size_t i = 0; i < spec->ndevices; i++) {
        unsigned acc = RT_DEV_READ | (spec->devices[i].readonly ? 0 : RT_DEV_WRITE);
        if (!rt_dev_rules_add_path(rules, spec->devices[i].path, acc, d))
            return false;
    }
    rt_dev_rules ptmx;
    rt_dev_rules_init(&ptmx);
    bool has_ptmx = rt_dev_rules_add_path(&ptmx, "/dev/ptmx", RT_DEV_READ, d) && ptmx.n == 1;
    for (size_t i = 0; has_ptmx && i < rules->n; i++)
        if (rules->v[i].type == 'c' && rules->v[i].major == ptmx.v[0].major &&
            rules->v[i].minor == ptmx.v[0].minor) {
            rt_dev_rule pts = { 'c', RT_CG_PTY_MAJOR, RT_DEV_ANY, RT_DEV_READ | RT_DEV_WRITE };
            vc_xgrow((void **)&rules->v, &rules->cap, rules->n + 1, sizeof(*rules->v));
            rules->v[rules->n++] = pts;
            break;
        }
    rt_dev_rules_free(&ptmx);
    return true;
}

static bool rt_cg_write(const char *dir, const char *file, const char *value, vc_diags *d)
{
    char *path = vc_xasprintf("%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(value);
    bool ok = fd >= 0 && write(fd, value, len) == (ssize_t)len;
    if (!ok)
        vc_runtime_error(d, "cannot write '%s' to %s: %s", value, path, strerror(errno));
    if (fd >= 0)
        close(fd);
    free(path);
    return ok;
}

static void rt_cg_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* rmdir, retried briefly on EBUSY: a cgroup2 whose last task was just
 * reaped can still count as populated for a moment. */
static int rt_cg_rmdir(const char *dir)
{
    /* 1, 2, 4, 8, then 10 ms steps: about a second in all. */
    for (long waited = 0, step = 1; waited < 1000; waited += step, step = step < 8 ? step * 2 : 10) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            return -1;
        rt_cg_sleep_ms(step);
    }
    errno = EBUSY;
    return -1;
}

/* Removes the empty parents PREFIX/... up to (not including) base; another
 * guest's cgroup keeps them (ENOTEMPTY, EBUSY: fine). */
static void rt_cg_rmdir_parents(const char *base, const char *prefix)
{
    char *rel = vc_xstrdup(prefix);
    for (;;) {
        char *dir = vc_xasprintf("%s/%s", base, rel);
        int rc = rmdir(dir);
        free(dir);
        char *slash = strrchr(rel, '/');
        if (rc != 0 || !slash)
            break;
        *slash = '\0';
    }
    free(rel);
}

/* mkdir of each level of BASE/PREFIX (existing ones are fine) and of the
 * guest's own (which must be new). A concurrent rt_cg_remove of another
 * guest may remove an empty parent between two of our mkdirs (ENOENT):
 * then again from the top. */
static bool rt_cg_mkdirs(rt_cg_place *p, const char *prefix, vc_diags *d)
{
    char *rel = vc_xasprintf("%s/", prefix);
    int err = 0;
    for (int attempt = 0; attempt < 5; attempt++) {
        err = 0;
        for (char *s = rel; *s && !err; s++) {
            if (*s != '/')
                continue;
            *s = '\0';
            char *dir = vc_xasprintf("%s/%s", p->base, rel);
            if (mkdir(dir, 0755) != 0 && errno != EEXIST)
                err = errno;
            free(dir);
            *s = '/';
        }
        if (!err && mkdir(p->dir, 0755) == 0) {
            p->made = true;
            break;
        }
        err = err ? err : errno;
        if (err != ENOENT)
            break;
    }
    free(rel);
    if (p->made)
        return true;
    if (err == EEXIST)
        return vc_runtime_error(d, "cgroup %s exists already (is a guest of that name "
                                "running?)", p->dir);
    return vc_runtime_error(d, "cannot create cgroup %s: %s", p->dir, strerror(err));
}

/* The place for hierarchy x, shared by the roles it serves. */
static rt_cg_place *rt_cg_place_for(rt_cgroup *cg, const rt_cg_hier *x, const char *self_cgroup,
                                    const char *name, unsigned role)
{
    for (size_t i = 0; i < cg->nplaces; i++)
        if (cg->places[i].hier == x) {
            cg->places[i].roles |= role;
            return &cg->places[i];
        }
    rt_cg_place *p = &cg->places[cg->nplaces++];
    p->base = rt_cg_base(self_cgroup, x);
    p->dir = vc_xasprintf("%s/%s/%s", p->base, cg->prefix, name);
    p->hier = x;
    p->roles = role;
    p->v2 = x->v2;
    p->procs_fd = -1;
    p->dir_fd = -1;
    return p;
}

/* Whether the words of DIR/FILE include word ("" for an empty file). */
static bool rt_cg_file_has(const char *dir, const char *file, const char *word)
{
    char *path = vc_xasprintf("%s/%s", dir, file);
    char *text = vc_read_file(path, NULL);
    bool has = false;
    char *save = NULL;
    if (text && !*word)
        has = strspn(text, " \n") == strlen(text);
    for (char *w = text && *word ? strtok_r(text, " \n", &save) : NULL; w && !has;
         w = strtok_r(NULL, " \n", &save))
        has = strcmp(w, word) == 0;
    free(text);
    free(path);
    return has;
}

/* Why cgroup2 cannot give controller to a child of our cgroup, or NULL
 * when it can: the controller must reach our cgroup (cgroup.controllers)
 * and be enabled for its children (cgroup.subtree_control), which we can
 * do ourselves only where no process sits (the root is exempt). */
static const char *rt_cg_v2_lacks(const rt_cg_hier *x, const char *self_cgroup,
                                  const char *controller)
{
    char *base = rt_cg_base(self_cgroup, x);
    const char *why = NULL;
    if (!rt_cg_file_has(base, "cgroup.controllers", controller))
        why = "which this host does not offer";
    else if (!rt_cg_file_has(base, "cgroup.subtree_control", controller) &&
             strcmp(base, x->mount) != 0 && !rt_cg_file_has(base, "cgroup.procs", ""))
        why = "which cgroup2 does not enable below the supervisor's own cgroup (it holds "
              "processes, so it cannot be enabled there)";
    free(base);
    return why;
}

/* The hierarchy for a limit's controller: v1, else cgroup2 offering it. */
static const rt_cg_hier *rt_cg_limit_hier(const rt_cg_hiers *h, const rt_cg_host *host,
                                          const char *self_cgroup, const char *controller,
                                          const char *what, vc_diags *d)
{
    const rt_cg_hier *x = rt_cg_find(h, controller, host->no_v1);
    if (x)
        return x;
    x = rt_cg_find(h, NULL, false);
    const char *why = x ? rt_cg_v2_lacks(x, self_cgroup, controller)
                        : "which this host does not offer";
    if (!why)
        return x;
    vc_runtime_error(d, "%s needs the cgroup '%s' controller, %s", what, controller, why);
    return NULL;
}

static bool rt_cg_has_memory(const rt_cg_limits *l)
{
    return l->hard_limit_kib || l->soft_limit_kib || l->swap_hard_limit_kib;
}

static bool rt_cg_has_cpu(const rt_cg_limits *l)
{
    return l->shares || l->period_us || l->quota_us;
}

/* Picks the hierarchies: devices first (it decides the mode), then limits. */
static bool rt_cg_plan_places(rt_cgroup *cg, const rt_cg_spec *spec, const rt_cg_hiers *h,
                              const rt_cg_host *host, const char *self_cgroup, vc_diags *d)
{
    const char *mountinfo = rt_cg_or(host->mountinfo, "/proc/self/mountinfo");
    const rt_cg_hier *x = rt_cg_find(h, "devices", host->no_v1);
    cg->mode = RT_CG_DEV_V1;
    if (!x) {
        x = rt_cg_find(h, NULL, false);
        cg->mode = RT_CG_DEV_BPF;
    }
    if (!x)
        return vc_runtime_error(d, "cgroup device ACLs are not supported on this host: %s "
                                "shows neither a cgroup v1 'devices' hierarchy nor a cgroup2 "
                                "one", mountinfo);
    rt_cg_place_for(cg, x, self_cgroup, spec->name, RT_CG_ROLE_DEVICES);
    /* v1 devices with a cgroup2 hierarchy beside it: a cgroup2 directory
     * too, made first so that QEMU can be created in it (no migration);
     * its program holds QEMU to the ACL until it is in the v1 one. */
    const rt_cg_hier *v2 = cg->mode == RT_CG_DEV_V1 ? rt_cg_find(h, NULL, false) : NULL;
    if (v2)
        rt_cg_place_for(cg, v2, self_cgroup, spec->name, RT_CG_ROLE_GUARD);
    if (rt_cg_has_memory(&spec->limits)) {
        x = rt_cg_limit_hier(h, host, self_cgroup, "memory", "<memtune>", d);
        if (!x)
            return false;
        rt_cg_place_for(cg, x, self_cgroup, spec->name, RT_CG_ROLE_MEMORY);
    }
    if (rt_cg_has_cpu(&spec->limits)) {
        x = rt_cg_limit_hier(h, host, self_cgroup, "cpu", "<cputune>", d);
        if (!x)
            return false;
        rt_cg_place_for(cg, x, self_cgroup, spec->name, RT_CG_ROLE_CPU);
    }
    return true;
}

/* cgroup2 hands a controller to a child only when each ancestor lists it
 * in cgroup.subtree_control: enable it from BASE down to the guest's parent. */
static bool rt_cg_v2_enable(const rt_cg_place *p, const char *prefix, vc_diags *d)
{
    const char *what = (p->roles & RT_CG_ROLE_MEMORY) && (p->roles & RT_CG_ROLE_CPU)
                           ? "+memory +cpu"
                       : (p->roles & RT_CG_ROLE_MEMORY) ? "+memory"
                       : (p->roles & RT_CG_ROLE_CPU)    ? "+cpu"
                                                        : NULL;
    if (!what)
        return true;
    bool ok = rt_cg_write(p->base, "cgroup.subtree_control", what, d);
    char *rel = vc_xstrdup(prefix);
    for (char *s = rel; ok; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        char *dir = vc_xasprintf("%s/%s", p->base, rel);
        ok = rt_cg_write(dir, "cgroup.subtree_control", what, d);
        free(dir);
        *s = c;
        if (!c)
            break;
    }
    free(rel);
    return ok;
}

static bool rt_cg_write_ull(const char *dir, const char *file, unsigned long long v,
                            vc_diags *d)
{
    char *s = vc_xasprintf("%llu", v);
    bool ok = rt_cg_write(dir, file, s, d);
    free(s);
    return ok;
}

static bool rt_cg_memory_limits(const rt_cg_place *p, const rt_cg_limits *l, vc_diags *d)
{
    unsigned long long hard = l->hard_limit_kib * 1024, soft = l->soft_limit_kib * 1024,
                       swap = l->swap_hard_limit_kib * 1024;
    if (!p->v2)   /* v1: memsw is memory + swap, written after the memory limit */
        return (!hard || rt_cg_write_ull(p->dir, "memory.limit_in_bytes", hard, d)) &&
               (!soft || rt_cg_write_ull(p->dir, "memory.soft_limit_in_bytes", soft, d)) &&
               (!swap || rt_cg_write_ull(p->dir, "memory.memsw.limit_in_bytes", swap, d));
    /* v2: a soft limit is memory.high (reclaimed above it, throttled; v1's
     * soft limit is where reclaim pushes back under pressure), and swap is
     * counted on its own, so swap.max is what memtune allows beyond hard. */
    return (!hard || rt_cg_write_ull(p->dir, "memory.max", hard, d)) &&
           (!soft || rt_cg_write_ull(p->dir, "memory.high", soft, d)) &&
           (!swap || rt_cg_write_ull(p->dir, "memory.swap.max", swap - (hard ? hard : 0), d));
}

/* cgroup v1 cpu.shares (2..262144, default 1024) as cgroup2 cpu.weight
 * (1..10000, default 100), the kernel documentation's linear mapping. */
static unsigned long long rt_cg_shares_to_weight(unsigned long long shares)
{
    if (shares < 2)
        shares = 2;
    if (shares > 262144)
        shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

static bool rt_cg_cpu_limits(const rt_cg_place *p, const rt_cg_limits *l, vc_diags *d)
{
    if (!p->v2) {
        char *quota = vc_xasprintf("%lld", l->quota_us < 0 ? -1 : l->quota_us);
        /* The period first: a quota is checked against the period in place. */
        bool ok = (!l->shares || rt_cg_write_ull(p->dir, "cpu.shares", l->shares, d)) &&
                  (!l->period_us || rt_cg_write_ull(p->dir, "cpu.cfs_period_us", l->period_us, d)) &&
                  (!l->quota_us || rt_cg_write(p->dir, "cpu.cfs_quota_us", quota, d));
        free(quota);
        return ok;
    }
    bool ok = !l->shares ||
              rt_cg_write_ull(p->dir, "cpu.weight", rt_cg_shares_to_weight(l->shares), d);
    if (ok && (l->period_us || l->quota_us)) {
        unsigned long long period = l->period_us ? l->period_us : 100000;
        char *max = l->quota_us > 0 ? vc_xasprintf("%lld %llu", l->quota_us, period)
                                    : vc_xasprintf("max %llu", period);
        ok = rt_cg_write(p->dir, "cpu.max", max, d);
        free(max);
    }
    return ok;
}

/* A v1 cgroup can only allow what its parent allows (EPERM otherwise):
 * under a supervisor whose own cgroup lacks a device (a container without
 * /dev/kvm, say) the rule is dropped with a warning, and QEMU gets the
 * same answer for it as the supervisor would. */
static bool rt_cg_devices_v1(rt_cgroup *cg, const rt_cg_place *p, vc_diags *d)
{
    if (!rt_cg_write(p->dir, "devices.deny", "a", d))
        return false;
    size_t kept = 0;
    for (size_t i = 0; i < cg->rules.n; i++) {
        char *rule = rt_dev_rule_text(&cg->rules.v[i]);
        char *path = vc_xasprintf("%s/devices.allow", p->dir);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        size_t len = strlen(rule);
        bool ok = fd >= 0 && write(fd, rule, len) == (ssize_t)len;
        int err = errno;
        if (fd >= 0)
            close(fd);
        if (ok)
            cg->rules.v[kept++] = cg->rules.v[i];
        else if (err == EPERM)
            vc_warn_at(d, (vc_loc){ 0 }, "device %s is not allowed to the supervisor's own "
                       "cgroup: left out of the guest's", rule);
        else
            vc_runtime_error(d, "cannot write '%s' to %s: %s", rule, path, strerror(err));
        free(path);
        free(rule);
        if (!ok && err != EPERM)
            return false;
    }
    cg->rules.n = kept;
    return true;
}

/* The program goes on the cgroup2 place's directory, kept open for
 * CLONE_INTO_CGROUP. On a hybrid host it runs after the v1 rules were
 * written (the v1 place comes first), so it allows exactly what
 * devices.list shows. */
static bool rt_cg_devices_bpf(rt_cgroup *cg, rt_cg_place *p, vc_diags *d)
{
    cg->bpf_fd = rt_bpfdev_attach(&cg->rules, p->dir_fd, d);
    return cg->bpf_fd >= 0;
}

/* Makes place p's directory and fills it in. */
static bool rt_cg_setup_place(rt_cgroup *cg, rt_cg_place *p, const rt_cg_spec *spec,
                              vc_diags *d)
{
    if (!rt_undo_note(spec->undo, "cgroup", cg->prefix, p->dir, d) ||
        !rt_cg_mkdirs(p, cg->prefix, d))
        return false;
    if (p->v2 && !rt_cg_v2_enable(p, cg->prefix, d))
        return false;
    char *procs = vc_xasprintf("%s/cgroup.procs", p->dir);
    p->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (p->procs_fd < 0)
        vc_runtime_error(d, "cannot open %s: %s", procs, strerror(errno));
    free(procs);
    if (p->procs_fd < 0)
        return false;
    if (p->v2 && (p->dir_fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return vc_runtime_error(d, "cannot open cgroup %s: %s", p->dir, strerror(errno));
    bool v1dev = cg->mode == RT_CG_DEV_V1 && (p->roles & RT_CG_ROLE_DEVICES);
    bool bpf = (cg->mode == RT_CG_DEV_BPF && (p->roles & RT_CG_ROLE_DEVICES)) ||
               (p->roles & RT_CG_ROLE_GUARD);
    if ((v1dev && !rt_cg_devices_v1(cg, p, d)) || (bpf && !rt_cg_devices_bpf(cg, p, d)))
        return false;
    if ((p->roles & RT_CG_ROLE_MEMORY) && !rt_cg_memory_limits(p, &spec->limits, d))
        return false;
    return !(p->roles & RT_CG_ROLE_CPU) || rt_cg_cpu_limits(p, &spec->limits, d);
}

static void rt_cg_place_free(rt_cg_place *p)
{
    if (p->procs_fd >= 0)
        close(p->procs_fd);
    if (p->dir_fd >= 0)
        close(p->dir_fd);
    free(p->base);
    free(p->dir);
}

/* Removes place i (its directory, if made here) and takes it out of cg. */
static bool rt_cg_drop_place(rt_cgroup *cg, size_t i, vc_diags *d)
{
    rt_cg_place *p = &cg->places[i];
    if (p->made && rt_cg_rmdir(p->dir) != 0)
        return vc_runtime_error(d, "cannot remove cgroup %s: %s", p->dir, strerror(errno));
    if (p->made)
        rt_cg_rmdir_parents(p->base, cg->prefix);
    rt_cg_place_free(p);
    memmove(p, p + 1, (cg->nplaces - i - 1) * sizeof(*p));
    cg->nplaces--;
    return true;
}

/* The hybrid host's cgroup2 place, when it serves nothing but the guard,
 * only saves QEMU a migration before its exec: a cgroup2 that cannot take
 * it (read-only or foreign in a container, no BPF, a kernel without
 * CONFIG_CGROUP_BPF) must not fail a start that v1 alone serves. Then it
 * is removed, its journal line dropped (the mark is from before its note),
 * and with no cgroup2 place left every v1 one is joined before the exec
 * (rt_cg_plan_joins). *kept: whether place i is still there; *why: the
 * failure, for the trace. False only when what was made cannot go. */
static bool rt_cg_setup_guard(rt_cgroup *cg, size_t i, const rt_cg_spec *spec, bool *kept,
                              char **why, vc_diags *d)
{
    off_t mark = rt_undo_mark(spec->undo);
    vc_diags own;
    vc_diags_init(&own);
    *kept = rt_cg_setup_place(cg, &cg->places[i], spec, &own);
    bool ok = true;
    if (!*kept) {
        const char *msg = own.n ? own.v[0].message : "no reason given";
        *why = vc_xstrndup(msg, strcspn(msg, "\n"));
        ok = rt_cg_drop_place(cg, i, d) && rt_undo_rewind(spec->undo, mark, d);
    }
    if (!ok || *kept)
        vc_diags_append(d, &own);
    vc_diags_free(&own);
    return ok;
}

/* Limits no controller would take, refused before anything is made. */
static bool rt_cg_limits_ok(const rt_cg_limits *l, vc_diags *d)
{
    const char *why = NULL;
    unsigned long long max_kib = ~0ULL / 1024;
    if (l->hard_limit_kib > max_kib || l->soft_limit_kib > max_kib ||
        l->swap_hard_limit_kib > max_kib)
        why = "memtune: a limit is too large";
    else if (l->swap_hard_limit_kib && l->hard_limit_kib &&
             l->swap_hard_limit_kib < l->hard_limit_kib)
        why = "memtune: swap_hard_limit (memory + swap) is below hard_limit";
    else if (l->shares && (l->shares < 2 || l->shares > 262144))
        why = "cputune: shares must be 2 to 262144";
    else if (l->period_us && (l->period_us < 1000 || l->period_us > 1000000))
        why = "cputune: period must be 1000 to 1000000 microseconds";
    else if (l->quota_us > 0 && l->quota_us < 1000)
        why = "cputune: quota must be at least 1000 microseconds (or negative: unlimited)";
    if (why)
        vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 }, "%s", why);
    return !why;
}

/* A cgroup name is one path component; false with an error when not. */
static bool rt_cg_name_check(const char *name, vc_diags *d)
{
    if (name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
        strcmp(name, "..") != 0 && !strchr(name, '\n'))
        return true;
    char *shown = rt_sec_printable(name);
    vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 }, "'%s' cannot name a cgroup",
                shown);
    free(shown);
    return false;
}

/* When QEMU joins each place. The cgroup2 one (if any) it is created in.
 * Every other join is a migration, and the first migration after a quiet
 * spell waits for an RCU grace period (12-20 ms here: the threadgroup
 * rwsem's writer, percpu_down_write -> rcu_sync_enter); done after the
 * exec it overlaps QEMU's own start-up, and the cgroup2 program already
 * enforces the ACL. A v1 memory place is joined before the exec: v1
 * leaves the charges of pages QEMU touched before it moved (preallocated
 * guest RAM) with the cgroup they were made in, so the limit would not
 * hold them. Then everything is joined there: the grace period is paid
 * by that first write anyway. No cgroup2 place (pure v1): all before the
 * exec, as ever. */
static void rt_cg_plan_joins(rt_cgroup *cg)
{
    bool target = false, early = false;
    for (size_t i = 0; i < cg->nplaces; i++) {
        target = target || cg->places[i].v2;
        early = early || (!cg->places[i].v2 && (cg->places[i].roles & RT_CG_ROLE_MEMORY));
    }
    for (size_t i = 0; i < cg->nplaces; i++)
        cg->places[i].join = cg->places[i].v2 ? RT_CG_JOIN_CLONE
                             : early || !target ? RT_CG_JOIN_EXEC
                                                : RT_CG_JOIN_AFTER;
}

/* VIRTC_TRACE: which way QEMU enters its cgroup (why: the hybrid cgroup2
 * place's failure, when it fell back to the v1-only way). */
static void rt_cg_trace_way(const rt_cgroup *cg, const char *why)
{
    bool clone = false, after = false, exec = false;
    for (size_t i = 0; i < cg->nplaces; i++) {
        clone = clone || cg->places[i].join == RT_CG_JOIN_CLONE;
        after = after || cg->places[i].join == RT_CG_JOIN_AFTER;
        exec = exec || cg->places[i].join == RT_CG_JOIN_EXEC;
    }
    char *step = why ? vc_xasprintf("cgroup: every place joined before the exec (the cgroup2 "
                                    "directory is unusable: %s)", why)
                     : vc_xasprintf("cgroup: %s%s", clone ? "created in cgroup2" : "",
                                    after  ? ", v1 joined after the exec"
                                    : exec ? (clone ? ", v1 joined before the exec"
                                                    : "every place joined before the exec")
                                           : "");
    rt_trace(step);
    free(step);
}

rt_cgroup *rt_cg_create(const rt_cg_spec *spec, const rt_cg_host *host, vc_diags *d)
{
    static const rt_cg_host none = { 0 };
    host = host ? host : &none;
    if (!rt_cg_name_check(spec->name, d))
        return NULL;
    if (!rt_cg_limits_ok(&spec->limits, d))
        return NULL;
    rt_cgroup *cg = vc_xcalloc(1, sizeof(*cg));
    cg->prefix = vc_xstrdup(rt_cg_or(host->prefix, "virtc/qemu"));
    cg->bpf_fd = -1;
    rt_dev_rules_init(&cg->rules);
    rt_cg_hiers h;
    bool ok = rt_cg_resolve(spec, &cg->rules, d) &&
              rt_cg_read_hiers(rt_cg_or(host->mountinfo, "/proc/self/mountinfo"), &h, d);
    if (!ok) {
        rt_cg_free(cg);
        return NULL;
    }
    char *self = rt_cg_self_read(rt_cg_or(host->self_cgroup, "/proc/self/cgroup"));
    ok = rt_cg_plan_places(cg, spec, &h, host, self, d);
    free(self);
    char *why = NULL;
    for (size_t i = 0; ok && i < cg->nplaces;) {
        bool kept = true;
        ok = cg->places[i].roles == RT_CG_ROLE_GUARD
                 ? rt_cg_setup_guard(cg, i, spec, &kept, &why, d)
                 : rt_cg_setup_place(cg, &cg->places[i], spec, d);
        i += kept;
    }
    for (size_t i = 0; i < cg->nplaces; i++)
        cg->places[i].hier = NULL;
    rt_cg_plan_joins(cg);
    if (ok)
        rt_cg_trace_way(cg, why);
    free(why);
    rt_cg_hiers_free(&h);
    if (!ok) {
        vc_diags ignore;
        vc_diags_init(&ignore);
        rt_cg_remove(cg, &ignore);
        vc_diags_free(&ignore);
        return NULL;
    }
    return cg;
}

int rt_cg_attach_self(const rt_cgroup *cg, bool placed)
{
    for (size_t i = 0; i < cg->nplaces; i++)
        if ((!placed || cg->places[i].join == RT_CG_JOIN_EXEC) &&
            write(cg->places[i].procs_fd, "0", 1) != 1)
            return -errno;
    return 0;
}

int rt_cg_spawn_fd(const rt_cgroup *cg)
{
    for (size_t i = 0; i < cg->nplaces; i++)
        if (cg->places[i].join == RT_CG_JOIN_CLONE)
            return cg->places[i].dir_fd;
    return -1;
}

/* Writes pid to the cgroup.procs of each place joined as when says (-1:
 * every place); a process already gone (ESRCH) is fine when gone_ok. */
static bool rt_cg_write_pid(rt_cgroup *cg, pid_t pid, int when, bool gone_ok, vc_diags *d)
{
    char buf[32];
    int len = snprintf(buf, sizeof(buf), "%ld", (long)pid);
    for (size_t i = 0; i < cg->nplaces; i++) {
        if (when >= 0 && cg->places[i].join != (rt_cg_join)when)
            continue;
        if (write(cg->places[i].procs_fd, buf, (size_t)len) == len)
            continue;
        if (errno == ESRCH && gone_ok)
            return true;
        return vc_runtime_error(d, "cannot move process %ld into cgroup %s: %s", (long)pid,
                                cg->places[i].dir, strerror(errno));
    }
    return true;
}

bool rt_cg_join_after(rt_cgroup *cg, pid_t pid, bool placed, vc_diags *d)
{
    return !placed || rt_cg_write_pid(cg, pid, RT_CG_JOIN_AFTER, true, d);
}

bool rt_cg_add_pid(rt_cgroup *cg, pid_t pid, vc_diags *d)
{
    return rt_cg_write_pid(cg, pid, -1, false, d);
}

rt_cg_dev_mode rt_cg_device_mode(const rt_cgroup *cg)
{
    return cg->mode;
}

const char *rt_cg_dir(const rt_cgroup *cg, const char *controller)
{
    unsigned role = strcmp(controller, "devices") == 0  ? RT_CG_ROLE_DEVICES
                    : strcmp(controller, "memory") == 0 ? RT_CG_ROLE_MEMORY
                    : strcmp(controller, "cpu") == 0    ? RT_CG_ROLE_CPU
                                                        : 0;
    for (size_t i = 0; i < cg->nplaces; i++) {
        const rt_cg_place *p = &cg->places[i];
        if (role ? (p->roles & role) != 0 : (p->v2 && *controller == '\0'))
            return p->dir;
    }
    return NULL;
}

const rt_dev_rules *rt_cg_rules(const rt_cgroup *cg)
{
    return &cg->rules;
}

void rt_cg_free(rt_cgroup *cg)
{
    if (!cg)
        return;
    for (size_t i = 0; i < cg->nplaces; i++)
        rt_cg_place_free(&cg->places[i]);
    if (cg->bpf_fd >= 0)
        close(cg->bpf_fd);
    rt_dev_rules_free(&cg->rules);
    free(cg->prefix);
    free(cg);
}

bool rt_cg_remove(rt_cgroup *cg, vc_diags *d)
{
    if (!cg)
        return true;
    bool ok = true;
    for (size_t i = 0; i < cg->nplaces; i++) {
        rt_cg_place *p = &cg->places[i];
        if (!p->made)
            continue;
        if (rt_cg_rmdir(p->dir) != 0)
            ok = vc_runtime_error(d, "cannot remove cgroup %s: %s", p->dir,
                                  errno == EBUSY ? "it still holds processes" : strerror(errno));
        else
            rt_cg_rmdir_parents(p->base, cg->prefix);
    }
    rt_cg_free(cg);
    return ok;
}

bool rt_cg_remove_recorded(const char *prefix, const char *dir, vc_diags *d)
{
    /* DIR is BASE/PREFIX/NAME: only that shape is ours to remove */
    const char *name = strrchr(dir, '/');
    size_t plen = strlen(prefix);
    bool shaped = name && dir[0] == '/' && name[1] && (size_t)(name - dir) > plen + 1 &&
                  strncmp(name - plen, prefix, plen) == 0 && name[-(long)plen - 1] == '/' &&
                  rt_cg_name_check(name + 1, d);
    if (!shaped)
        return vc_runtime_error(d, "the recorded cgroup %s is not a guest's (PREFIX %s/NAME)",
                                dir, prefix);
    if (rt_cg_rmdir(dir) != 0)
        return vc_runtime_error(d, "cannot remove cgroup %s: %s", dir,
                                errno == EBUSY ? "it still holds processes" : strerror(errno));
    char *base = vc_xstrndup(dir, (size_t)(name - dir) - plen - 1);
    rt_cg_rmdir_parents(base, prefix);
    free(base);
    return true;
}

bool rt_cg_remove_name(const char *name, const rt_cg_host *host, vc_diags *d)
{
    static const rt_cg_host none = { 0 };
    host = host ? host : &none;
    if (!rt_cg_name_check(name, d))
        return false;
    rt_cg_hiers h;
    if (!rt_cg_read_hiers(rt_cg_or(host->mountinfo, "/proc/self/mountinfo"), &h, d))
        return false;
    char *self = rt_cg_self_read(rt_cg_or(host->self_cgroup, "/proc/self/cgroup"));
    const char *prefix = rt_cg_or(host->prefix, "virtc/qemu");
    bool ok = true;
    for (size_t i = 0; i < h.n; i++) {
        char *base = rt_cg_base(self, &h.v[i]);
        char *dir = vc_xasprintf("%s/%s/%s", base, prefix, name);
        struct stat st;
        if (stat(dir, &st) == 0) {
            if (rt_cg_rmdir(dir) != 0)
                ok = vc_runtime_error(d, "cannot remove cgroup %s: %s", dir,
                                      errno == EBUSY ? "it still holds processes"
                                                     : strerror(errno));
            else
                rt_cg_rmdir_parents(base, prefix);
        }
        free(dir);
        free(base);
    }
    free(self);
    rt_cg_hiers_free(&h);
    return ok;
}
