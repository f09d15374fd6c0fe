/*
 * sup_security.h: the supervisor's side of the security models that are
 * not ownership or capabilities: the LSM checks, the guest's cgroup
 * (device ACL and limits), SELinux labels and the AppArmor profile
 * (runtime/security/ does the work; this is the order and the plan's data),
 * and the host resources chosen at start (a vsock context ID: vsock.h).
 */
#ifndef VIRTC_RT_SUP_SECURITY_H
#define VIRTC_RT_SUP_SECURITY_H

#include "../translators/error.h"
#include "plan.h"
#include "spawn.h"

typedef struct rt_sup_sec rt_sup_sec;

/* Before fork: checks that the LSMs the plan names are enabled, creates
 * the cgroup, relabels, loads the profile. NULL with the reason (and
 * nothing left applied) on failure. */
rt_sup_sec *rt_sup_sec_apply(const rt_plan *p, vc_diags *d);
/* The guest's cgroup2 directory to create QEMU in (rt_spawn_hook's
 * cgroup_fd), or -1. */
int rt_sup_sec_spawn_cgroup(const rt_sup_sec *s);
/* In the child before exec: joins the cgroup (placed: what is left to
 * join before the exec of a child created in rt_sup_sec_spawn_cgroup's),
 * sets the exec labels. 0 or an errno with *what the step. */
int rt_sup_sec_child(const rt_sup_sec *s, bool placed, const char **what);
/* Right after the exec, before the guest runs: QEMU moved into the cgroups
 * it joins after the exec (rt_cg_join_after). False with the reason. */
bool rt_sup_sec_spawned(rt_sup_sec *s, pid_t pid, bool placed, vc_diags *d);
/* Whether rt_sup_sec_child may run in a vfork child (rt_spawn_hook): yes
 * unless it sets an exec label, as libselinux and libapparmor keep state
 * of their own in the caller's memory (libselinux skips writing a label
 * it believes set, which a second QEMU of a restart would then lack). */
bool rt_sup_sec_vfork_safe(const rt_sup_sec *s);
/* The argv to run when something of it was chosen at start (the vsock
 * CID of a plan that leaves it to the host); NULL: the plan's own. */
char *const *rt_sup_sec_argv(const rt_sup_sec *s);
/* The descriptors QEMU is handed at the plan's numbers (the vhost-vsock
 * device holding the CID, vsock.h): *n of them, for the spawn hook. */
const rt_spawn_fd *rt_sup_sec_fds(const rt_sup_sec *s, size_t *n);
/* Once QEMU has its copies (or failed to start): the supervisor's are
 * closed, so that the host resource lives exactly as long as QEMU. */
void rt_sup_sec_close_fds(rt_sup_sec *s);
/* Before QEMU is started again (a restart): what was chosen at start
 * chosen afresh for it (a vsock CID on a new descriptor, the same CID
 * when still free). False with the reason. */
bool rt_sup_sec_renew(rt_sup_sec *s, const rt_plan *p, vc_diags *d);
/* After QEMU has ended: undoes everything, frees s (NULL allowed). */
bool rt_sup_sec_undo(rt_sup_sec *s, vc_diags *d);

#endif
