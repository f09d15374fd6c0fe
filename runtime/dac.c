/* dac.c: reachability and ownership of a guest's resources (see dac.h). */
#include "dac.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rt_dac_saved {
    char **paths;
    uid_t *uids;
    gid_t *gids;
    size_t n, cap, capu, capg;
};

/* The permission class a process falls in for st: owner, group or other. */
static bool rt_dac_can_search(const struct stat *st, uid_t uid, gid_t gid, const gid_t *groups,
                              size_t n)
{
    if (st->st_uid == uid)
        return st->st_mode & S_IXUSR;
    bool in_group = st->st_gid == gid;
    for (size_t i = 0; i < n && !in_group; i++)
        in_group = st->st_gid == groups[i];
    if (in_group)
        return st->st_mode & S_IXGRP;
    return st->st_mode & S_IXOTH;
}

bool rt_dac_reachable(const char *path, uid_t uid, gid_t gid, const gid_t *groups, size_t n,
                      const char *who, vc_diags *d)
{
    if (path[0] != '/')
        return true;
    char *dir = vc_xstrdup(path);
    bool ok = true;
    /* every directory from / down to the file's own */
    for (char *s = dir + 1; ok && (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        const char *p = s == dir ? "/" : dir;
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
            !rt_dac_can_search(&st, uid, gid, groups, n))
            ok = vc_runtime_error(d, "%s cannot reach %s: the directory %s denies it search "
                                  "permission; allow it with 'chmod o+x %s' (or make the "
                                  "directory its own)", who, path, p, p);
        *s = '/';
    }
    if (ok) {
        struct stat st;
        if (stat("/", &st) == 0 && !rt_dac_can_search(&st, uid, gid, groups, n))
            ok = vc_runtime_error(d, "%s cannot reach %s: the directory / denies it search "
                                  "permission; allow it with 'chmod o+x /'", who, path);
    }
    free(dir);
    return ok;
}

static void rt_dac_record(rt_dac_saved *s, const char *path, uid_t uid, gid_t gid)
{
    vc_xgrow((void **)&s->paths, &s->cap, s->n + 1, sizeof(char *));
    vc_xgrow((void **)&s->uids, &s->capu, s->n + 1, sizeof(uid_t));
    vc_xgrow((void **)&s->gids, &s->capg, s->n + 1, sizeof(gid_t));
    s->paths[s->n] = vc_xstrdup(path);
    s->uids[s->n] = uid;
    s->gids[s->n++] = gid;
}

/* Only what QEMU opens by path needs reaching; a tap or a PCI address
 * is not a file. */
static bool rt_dac_is_path(const rt_plan_res *r)
{
    static const char *const kinds[] = { "file", "block", "dir", "chardev", "socket", "usb" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(kinds); i++)
        if (strcmp(r->kind, kinds[i]) == 0)
            return true;
    return false;
}

/* "uid 64055 (libvirt-qemu)": who QEMU is, for messages. */
static char *rt_dac_who(const rt_plan *p)
{
    if (p->user.name)
        return vc_xasprintf("QEMU, running as user %s (uid %ld),", p->user.name, p->user.id);
    return vc_xasprintf("QEMU, running as uid %ld,", p->user.id);
}

bool rt_dac_take(const rt_plan *p, rt_dac_saved **saved, vc_diags *d)
{
    *saved = NULL;
    uid_t uid = (uid_t)p->user.id;
    gid_t gid = (gid_t)p->group.id;
    gid_t *groups = vc_xcalloc(p->ngroups + 1, sizeof(gid_t));
    for (size_t i = 0; i < p->ngroups; i++)
        groups[i] = (gid_t)p->groups[i].id;
    /* root keeping CAP_DAC_OVERRIDE (clear_emulator_capabilities = 0)
     * reaches everything */
    bool check = !(uid == 0 && !p->clear_caps);
    char *who = rt_dac_who(p);
    bool ok = true;
    for (size_t i = 0; ok && check && i < p->nres; i++)
        if (rt_dac_is_path(&p->res[i]))
            ok = rt_dac_reachable(p->res[i].path, uid, gid, groups, p->ngroups, who, d);
    free(who);
    free(groups);
    if (!ok || !p->dynamic_ownership)
        return ok;
    rt_dac_saved *s = vc_xcalloc(1, sizeof(*s));
    for (size_t i = 0; ok && i < p->nres; i++) {
        const rt_plan_res *r = &p->res[i];
        struct stat st;
        if (!r->dac || r->shared || r->readonly)
            continue;
        if (stat(r->path, &st) != 0) {
            if (errno == ENOENT)
                continue;   /* QEMU creates it (a serial log) */
            ok = vc_runtime_error(d, "cannot read the owner of %s: %s", r->path, strerror(errno));
            break;
        }
        if (st.st_uid == uid && st.st_gid == gid)
            continue;
        if (chown(r->path, uid, gid) != 0) {
            ok = vc_runtime_error(d, "cannot give %s to uid %ld, gid %ld: %s", r->path, (long)uid,
                                  (long)gid, strerror(errno));
            break;
        }
        rt_dac_record(s, r->path, st.st_uid, st.st_gid);
    }
    if (!ok) {
        rt_dac_restore(s, NULL);
        return false;
    }
    *saved = s;
    return true;
}

bool rt_dac_restore(rt_dac_saved *s, vc_diags *d)
{
    if (!s)
        return true;
    bool ok = true;
    for (size_t i = s->n; i-- > 0;) {
        if (chown(s->paths[i], s->uids[i], s->gids[i]) != 0 && errno != ENOENT && d)
            ok = vc_runtime_error(d, "cannot give %s back to uid %ld, gid %ld: %s", s->paths[i],
                                  (long)s->uids[i], (long)s->gids[i], strerror(errno));
        free(s->paths[i]);
    }
    free(s->paths);
    free(s->uids);
    free(s->gids);
    free(s);
    return ok;
}
