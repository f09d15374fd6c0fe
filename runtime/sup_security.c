/* sup_security.c: the cgroup and the LSMs around a launch (see
 * sup_security.h): the plan's data handed to runtime/security/. */
#include "sup_security.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "security/security.h"

struct rt_sup_sec {
    rt_cgroup *cg;
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
    rt_cg_spec spec = { .name = p->name, .acl = no_acl, .devices = devs, .ndevices = p->ndevs };
    sec_limits(p, &spec.limits);
    s->cg = rt_cg_create(&spec, NULL, d);
    free(devs);
    return s->cg != NULL;
}

rt_sup_sec *rt_sup_sec_apply(const rt_plan *p, vc_diags *d)
{
    static const char *const lsms[] = { "selinux", "apparmor" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(lsms); i++)
        if (rt_plan_has_driver(p, lsms[i])) {
            vc_runtime_error(d, "security driver '%s': this virtc cannot apply %s labels yet",
                             lsms[i], lsms[i]);
            return NULL;
        }
    rt_sup_sec *s = vc_xcalloc(1, sizeof(*s));
    if (p->cgroup && !sec_cgroup(s, p, d)) {
        free(s);
        return NULL;
    }
    return s;
}

int rt_sup_sec_child(const rt_sup_sec *s, const char **what)
{
    if (s->cg) {
        int e = rt_cg_attach_self(s->cg);
        if (e != 0) {
            *what = "joining the guest's cgroup";
            return -e;
        }
    }
    return 0;
}

bool rt_sup_sec_undo(rt_sup_sec *s, vc_diags *d)
{
    if (!s)
        return true;
    bool ok = rt_cg_remove(s->cg, d);
    free(s);
    return ok;
}
