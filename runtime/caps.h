/*
 * caps.h: the identity and Linux capabilities QEMU starts with (the seed's
 * "POSIX users/groups" and "Linux process capabilities").
 *
 * Prepared in the supervisor (names resolved, lists built), entered in the
 * child between fork and execve (rt_caps_enter; the supervisor is single-
 * threaded, so libcap-ng's calls are safe there):
 *   - QEMU as root: every capability cleared with libcap-ng (effective,
 *     permitted, inheritable and the bounding set), but the ones kept;
 *   - QEMU as another user: supplementary groups set to exactly the
 *     configured ones, then gid and uid switched with nothing kept (the
 *     bounding set cleared too);
 *   - the same user (session): nothing to switch; a root caller's
 *     capabilities are still cleared.
 */
#ifndef VIRTC_RT_CAPS_H
#define VIRTC_RT_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../translators/error.h"
#include "plan.h"

typedef struct rt_caps_spec {
    bool change_id;          /* setgroups/setgid/setuid to the fields below */
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
    bool clear;              /* clear capabilities (clear_emulator_capabilities) */
    int *keep;               /* capability numbers kept */
    size_t nkeep;
} rt_caps_spec;

/* From the plan: false with an error for an unknown capability name. */
bool rt_caps_prepare(const rt_plan *p, rt_caps_spec *out, vc_diags *d);
void rt_caps_spec_free(rt_caps_spec *s);

/* In the child: 0, or an errno with *what naming the step that failed. */
int rt_caps_enter(const rt_caps_spec *s, const char **what);

#endif
