/* sup_security.c: the cgroup and the LSMs around a launch (see
 * sup_security.h): the plan's data handed to runtime/security/. */
#include "sup_security.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"
#include "security/security.h"
#include "vsock.h"

struct rt_sup_sec {
    rt_undo *undo;            /* RUN/NAME.undo: what a lost supervisor left */
    rt_cgroup *cg;
    /* SELinux */
    bool mcs_held;
    rt_mcs_pair mcs;
    char *mcs_dir;
    rt_se_labels labels;
    bool labelled;
    rt_se_saved *se_saved;
    /* AppArmor */
    char *aa_profile;         /* loaded: "libvirt-UUID" */
    char *aa_uuid;
    /* a vsock CID chosen at start, held by vsock_fd (/dev/vhost-vsock) until
     * QEMU has its own copy, and the argv with it */
    int vsock_fd;             /* -1: none open */
    unsigned vsock_cid;       /* 0: none chosen yet */
    rt_spawn_fd pass;         /* vsock_fd as the plan's number in QEMU */
    vc_strv argv;
};

/* <memtune> / <cputune> names, as the plan carries them, to the limits. */
static void sec_limits(const rt_plan *p, rt_cg_limits *l)
{
    static const struct {
        const char *controller, *name;
        size_t offset;
    } map[] = {
        { "memory", "hard_limit", offsetof(rt_cg_limits, hard_limit_kib) },
        { "memory", "soft_limit", offsetof(rt_cg_limits, soft_limit_kib) },
        { "memory", "swap_hard_limit", offsetof(rt_cg_limits, swap_hard_limit_kib) },
        { "cpu", "shares", offsetof(rt_cg_limits, shares) },
        { "cpu", "period", offsetof(rt_cg_limits, period_us) },
    };
    memset(l, 0, sizeof(*l));
    for (size_t i = 0; i < p->nlimits; i++) {
        const rt_plan_limit *lim = &p->limits[i];
        if (strcmp(lim->controller, "cpu") == 0 && strcmp(lim->name, "quota") == 0) {
            l->quota_us = lim->value;
            continue;
        }
        for (size_t k = 0; k < VC_ARRAY_SIZE(map); k++)
            if (strcmp(lim->controller, map[k].controller) == 0 &&
                strcmp(lim->name, map[k].name) == 0 && lim->value > 0)
                *(unsigned long long *)((char *)l + map[k].offset) =
                    (unsigned long long)lim->value;
    }
}

static bool sec_cgroup(rt_sup_sec *s, const rt_plan *p, vc_diags *d)
{
    /* every entry of the plan's allow-list is a device of the guest; the
     * ACL of qemu.conf is already among them */
    static const char *const no_acl[] = { NULL };
    rt_cg_device *devs = vc_xcalloc(p->ndevs + 1, sizeof(*devs));
    for (size_t i = 0; i < p->ndevs; i++)
        devs[i] = (rt_cg_device){ p->devs[i].path, strchr(p->devs[i].perms, 'w') == NULL };
    rt_cg_spec spec = { .name = p->name, .acl = no_acl, .devices = devs, .ndevices = p->ndevs,
                        .undo = s->undo };
    sec_limits(p, &spec.limits);
    s->cg = rt_cg_create(&spec, NULL, d);
    free(devs);
    return s->cg != NULL;
}

/* sVirt: the process and image labels (a fresh MCS pair for a dynamic
 * model), then the resources the plan marks relabelled. */
static bool sec_selinux(rt_sup_sec *s, const rt_plan *p, vc_diags *d)
{
    rt_se_spec spec = { .model = RT_SE_DYNAMIC };
    if (vc_streq(p->selinux_model, "basic")) {
        spec.model = RT_SE_BASIC;
    } else if (vc_streq(p->selinux_model, "static")) {
        spec.model = RT_SE_STATIC;
        spec.static_label = p->selinux_label;
        spec.static_imagelabel = p->selinux_image_label;
    } else {
        s->mcs_dir = vc_xstrdup(p->run_dir);
        if (!rt_mcs_reserve(s->mcs_dir, NULL, 0, 0, NULL, NULL, &s->mcs, d))
            return false;
        s->mcs_held = true;
        char *cats = rt_mcs_text(s->mcs);
        bool noted = rt_undo_note(s->undo, "mcs", cats, s->mcs_dir, d);
        free(cats);
        if (!noted)
            return false;
        spec.pair = s->mcs;
    }
    if (!rt_se_labels_compute(&spec, &s->labels, d))
        return false;
    s->labelled = true;
    rt_se_file *files = vc_xcalloc(p->nres + 1, sizeof(*files));
    size_t n = 0;
    for (size_t i = 0; i < p->nres; i++) {
        const char *use = p->res[i].selinux;
        if (!use)
            continue;
        files[n].path = p->res[i].path;
        files[n++].use = strcmp(use, "shared") == 0     ? RT_SE_SHARED
                         : strcmp(use, "readonly") == 0 ? RT_SE_READONLY
                                                        : RT_SE_EXCLUSIVE;
    }
    bool ok = rt_se_relabel_noted(&s->labels, files, n, s->undo, &s->se_saved, d);
    free(files);
    return ok;
}

static const struct {
    const char *name;
    rt_aa_use use;
} sec_aa_uses[] = {
    { "disk", RT_AA_DISK }, { "disk-ro", RT_AA_DISK_RO }, { "socket", RT_AA_SOCKET },
    { "log", RT_AA_LOG }, { "pidfile", RT_AA_PIDFILE }, { "device", RT_AA_DEVICE },
};

/* The guest's profile: its resources, its monitor and its log. */
static bool sec_apparmor(rt_sup_sec *s, const rt_plan *p, vc_diags *d)
{
    rt_aa_file *files = vc_xcalloc(p->nres + 2, sizeof(*files));
    size_t n = 0;
    for (size_t i = 0; i < p->nres; i++)
        for (size_t k = 0; p->res[i].apparmor && k < VC_ARRAY_SIZE(sec_aa_uses); k++)
            if (strcmp(p->res[i].apparmor, sec_aa_uses[k].name) == 0)
                files[n++] = (rt_aa_file){ p->res[i].path, sec_aa_uses[k].use };
    files[n++] = (rt_aa_file){ p->monitor, RT_AA_SOCKET };
    files[n++] = (rt_aa_file){ p->log_file, RT_AA_LOG };
    rt_aa_spec spec = { p->uuid, p->name, p->emulator, files, n, s->undo };
    bool ok = rt_aa_profile_load(&spec, NULL, NULL, d);
    free(files);
    if (ok) {
        s->aa_uuid = vc_xstrdup(p->uuid);
        s->aa_profile = rt_aa_profile_name(p->uuid, d);
    }
    return ok;
}

/* <vsock cid='auto'>: a free CID on a descriptor of the device, which QEMU
 * gets (vhostfd=), and the argv with it. A QEMU started again gets a fresh
 * descriptor (a vhost device stays bound to the process that first used
 * it), with the same CID when it is still free. Nothing to journal: the
 * kernel frees the CID when the last copy of the descriptor closes,
 * whoever dies. */
static bool sec_vsock(rt_sup_sec *s, const rt_plan *p, vc_diags *d)
{
    rt_sup_sec_close_fds(s);
    unsigned prefer = s->vsock_cid;
    s->vsock_fd = rt_vsock_open(NULL, NULL, NULL, prefer, &s->vsock_cid, d);
    if (s->vsock_fd < 0)
        return false;
    s->pass = (rt_spawn_fd){ s->vsock_fd, p->vsock_fd };
    vc_strv_free(&s->argv);
    return rt_vsock_set_cid(&p->argv, p->vsock_auto, s->vsock_cid, p->vsock_fd, &s->argv, d);
}

void rt_sup_sec_close_fds(rt_sup_sec *s)
{
    if (s && s->vsock_fd >= 0) {
        close(s->vsock_fd);
        s->vsock_fd = -1;
    }
}

bool rt_sup_sec_renew(rt_sup_sec *s, const rt_plan *p, vc_diags *d)
{
    return !p->vsock_auto || sec_vsock(s, p, d);
}

const rt_spawn_fd *rt_sup_sec_fds(const rt_sup_sec *s, size_t *n)
{
    *n = s && s->vsock_fd >= 0 ? 1 : 0;
    return *n ? &s->pass : NULL;
}

rt_sup_sec *rt_sup_sec_apply(const rt_plan *p, vc_diags *d)
{
    /* an LSM the host does not run cannot confine anything: an error */
    for (size_t i = 0; i < p->drivers.n; i++)
        if (!rt_sec_lsm_check(p->drivers.v[i], NULL, d))
            return NULL;
    /* The guest's lock is ours: a journal of its name is a lost
     * supervisor's (its QEMU died with it), undone before anything of ours
     * is made; then ours, noted before each change. */
    char *journal = rt_guest_file(p->run_dir, p->name, "undo");
    bool ok = rt_undo_replay(journal, d);
    rt_sup_sec *s = vc_xcalloc(1, sizeof(*s));
    s->vsock_fd = -1;
    s->undo = ok ? rt_undo_open(journal, d) : NULL;
    free(journal);
    ok = s->undo && (!p->cgroup || sec_cgroup(s, p, d));
    if (ok && p->selinux_model && rt_plan_has_driver(p, "selinux"))
        ok = sec_selinux(s, p, d);
    if (ok && p->apparmor_profile && rt_plan_has_driver(p, "apparmor"))
        ok = sec_apparmor(s, p, d);
    if (ok && p->vsock_auto)
        ok = sec_vsock(s, p, d);
    if (!ok) {
        rt_sup_sec_undo(s, NULL);
        return NULL;
    }
    return s;
}

int rt_sup_sec_child(const rt_sup_sec *s, bool placed, const char **what)
{
    if (s->cg) {
        int e = rt_cg_attach_self(s->cg, placed);
        if (e != 0) {
            *what = "joining the guest's cgroup";
            return -e;
        }
    }
    if (s->labelled && s->labels.process && rt_se_exec_label(s->labels.process) != 0) {
        *what = "setexeccon";
        return errno;
    }
    if (s->aa_profile && rt_aa_exec_profile(s->aa_profile) != 0) {
        *what = "aa_change_onexec";
        return errno;
    }
    return 0;
}

int rt_sup_sec_spawn_cgroup(const rt_sup_sec *s)
{
    return s->cg ? rt_cg_spawn_fd(s->cg) : -1;
}

bool rt_sup_sec_spawned(rt_sup_sec *s, pid_t pid, bool placed, vc_diags *d)
{
    return !s->cg || rt_cg_join_after(s->cg, pid, placed, d);
}

bool rt_sup_sec_vfork_safe(const rt_sup_sec *s)
{
    return !(s->labelled && s->labels.process) && !s->aa_profile;
}

char *const *rt_sup_sec_argv(const rt_sup_sec *s)
{
    return s && s->argv.v ? s->argv.v : NULL;
}

bool rt_sup_sec_undo(rt_sup_sec *s, vc_diags *d)
{
    if (!s)
        return true;
    vc_diags quiet;
    vc_diags_init(&quiet);
    vc_diags *out = d ? d : &quiet;
    bool ok = true;
    if (s->aa_uuid)
        ok = rt_aa_profile_unload(s->aa_uuid, NULL, out) && ok;
    ok = rt_se_restore(s->se_saved, out) && ok;
    if (s->mcs_held)
        ok = rt_mcs_release(s->mcs_dir, s->mcs, out) && ok;
    if (s->labelled)
        rt_se_labels_free(&s->labels);
    ok = rt_cg_remove(s->cg, out) && ok;
    rt_sup_sec_close_fds(s);
    /* all undone: the journal goes; otherwise it stays for `virtc stop` */
    rt_undo_close(s->undo, ok);
    vc_diags_free(&quiet);
    free(s->mcs_dir);
    free(s->aa_profile);
    free(s->aa_uuid);
    vc_strv_free(&s->argv);
    free(s);
    return ok;
}
