/*
 * supervisor.h: one small process per guest, as podman's conmon is per
 * container: no daemon, so a crash of one touches no other.
 *
 * `virtc start` forks a supervisor (rt_sup_fork) in a session of its own
 * (setsid, no controlling terminal) that keeps none of the caller's
 * descriptors (standard ones on /dev/null) and so outlives it without
 * holding a pipe of a script that captures its output; then hands it the
 * plan (rt_sup_run). The supervisor:
 *
 *   0. takes the guest's lock (a second start of its name is refused) and
 *      checks that no other guest runs with its uuid;
 *   1. checks and applies the security models in order: the LSMs named,
 *      DAC (reachability of each resource by the QEMU user, chown of the
 *      exclusive ones), the cgroup (device ACL, limits), labels;
 *   2. starts QEMU (runtime/launch.h) with, between fork and exec, the
 *      cgroup joined, the labels set, groups/gid/uid switched and the
 *      capabilities cleared (caps.h), the monitor's socket bound and
 *      handed over; waits for QMP, with "cont" sent along unless paused;
 *   3. reports success or the reason of the failure to rt_sup_run (which
 *      returns only then), through a pipe it closes right after;
 *   4. follows QMP events: SHUTDOWN / RESET / GUEST_PANICKED get the
 *      plan's on_poweroff / on_reboot / on_crash; STOP / RESUME are the
 *      state in NAME.state;
 *   5. when QEMU has ended for any reason (a quit, a crash, a SIGKILL):
 *      restores labels and owners, removes the cgroup, the guest's state
 *      directory (its sockets), the pid and state files, and last the lock.
 */
#ifndef VIRTC_RT_SUPERVISOR_H
#define VIRTC_RT_SUPERVISOR_H

#include <stdbool.h>

#include "../translators/error.h"
#include "plan.h"

typedef struct rt_sup_opts {
    bool paused;             /* leave the guest paused (--paused) */
    int start_timeout_ms;    /* from exec to QMP-ready; 0: 60 s */
} rt_sup_opts;

/* A supervisor forked before its plan exists, waiting for it: `virtc
 * start` forks it first, while the process is small and has one thread
 * (a cheap fork; the supervisor inherits no compiled schema), and hands
 * it the plan once the document is judged and compiled. Never NULL; a
 * failed fork is reported by rt_sup_run. */
typedef struct rt_sup_early rt_sup_early;
rt_sup_early *rt_sup_fork(void);

/* Hands the plan to e's supervisor, which takes the guest's lock, starts
 * the guest, and reports: returns once QMP answers and the guest runs (or
 * is paused). False with the reason in d (a second start of a running
 * name or uuid, a resource its user cannot reach, QEMU's own message...);
 * nothing is then left behind. Frees e. */
bool rt_sup_run(rt_sup_early *e, const rt_plan *p, const rt_sup_opts *o, vc_diags *d);

/* No plan after all (the document was refused): e's supervisor ends
 * without having made anything, and is reaped. Frees e (NULL: nothing). */
void rt_sup_cancel(rt_sup_early *e);

#endif
