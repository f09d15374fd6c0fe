/* caps.c: identity and capabilities of the QEMU process (see caps.h). */
#include "caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool rt_caps_prepare(const rt_plan *p, rt_caps_spec *out, vc_diags *d)
{
    memset(out, 0, sizeof(*out));
    out->uid = (uid_t)p->user.id;
    out->gid = (gid_t)p->group.id;
    /* Only a privileged supervisor can become someone else; the session
     * instance runs QEMU as its caller and attempts no privileged step. */
    out->change_id = p->instance == RT_INSTANCE_SYSTEM && geteuid() == 0;
    if (p->instance == RT_INSTANCE_SESSION && (out->uid != geteuid() || out->gid != getegid()))
        return vc_runtime_error(d, "a session plan runs QEMU as its caller (uid %ld), not as "
                                "uid %ld", (long)geteuid(), p->user.id);
    out->groups = vc_xcalloc(p->ngroups + 1, sizeof(gid_t));
    for (size_t i = 0; i < p->ngroups; i++)
        out->groups[out->ngroups++] = (gid_t)p->groups[i].id;
    out->clear = p->clear_caps;
    out->keep = vc_xcalloc(p->keep_caps.n + 1, sizeof(int));
    for (size_t i = 0; i < p->keep_caps.n; i++) {
        int c = capng_name_to_capability(p->keep_caps.v[i]);
        if (c < 0) {
            rt_caps_spec_free(out);
            return vc_runtime_error(d, "unknown capability '%s' in the plan", p->keep_caps.v[i]);
        }
        out->keep[out->nkeep++] = c;
    }
    return true;
}

void rt_caps_spec_free(rt_caps_spec *s)
{
    free(s->groups);
    free(s->keep);
    memset(s, 0, sizeof(*s));
}

/* The capabilities QEMU keeps, in libcap-ng's state (nothing applied yet). */
static void rt_caps_select(const rt_caps_spec *s)
{
    capng_clear(CAPNG_SELECT_BOTH | CAPNG_SELECT_BOUNDS);
    for (size_t i = 0; i < s->nkeep; i++)
        capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
                     (unsigned)s->keep[i]);
}

int rt_caps_enter(const rt_caps_spec *s, const char **what)
{
    /* libcap-ng keeps the thread it works on in its (thread-local) state,
     * set the first time it is used and reset by its fork handler only. In
     * a vfork child that state is the caller's: a second child (a restart)
     * would find the first one's id there. Pid 0 is "the calling thread"
     * for the kernel and for libcap-ng, whoever set the state up. */
    capng_setpid(0);
    if (s->change_id) {
        if (setgroups(s->ngroups, s->groups) != 0) {
            *what = "setgroups";
            return errno;
        }
        if (s->uid != 0) {
            /* setresgid, setresuid, and only the kept capabilities left,
             * the bounding set cleared: a set-uid program cannot give
             * back what was dropped. */
            rt_caps_select(s);
            if (capng_change_id((int)s->uid, (int)s->gid, CAPNG_CLEAR_BOUNDING) != 0) {
                *what = "capng_change_id";
                return errno ? errno : EPERM;
            }
            return 0;
        }
        if (setresgid(s->gid, s->gid, s->gid) != 0) {
            *what = "setresgid";
            return errno;
        }
    }
    if (!s->clear)
        return 0;
    capng_get_caps_process();
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
        return 0;
    rt_caps_select(s);
    /* Only a process holding CAP_SETPCAP may shrink the bounding set. */
    int sel = geteuid() == 0 ? CAPNG_SELECT_BOTH | CAPNG_SELECT_BOUNDS : CAPNG_SELECT_BOTH;
    if (capng_apply((capng_select_t)sel) != 0) {
        *what = "capng_apply";
        return errno ? errno : EPERM;
    }
    return 0;
}
