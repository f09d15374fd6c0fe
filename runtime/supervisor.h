/*
 * supervisor.h: one small process per guest, as podman's conmon is per
 * container: no daemon, so a crash of one touches no other.
 *
 * rt_sup_start (in `virtc start`) takes the guest's lock, then forks a
 * supervisor in a session of its own (setsid, no controlling terminal)
 * that keeps none of the caller's descriptors (standard ones on /dev/null)
 * and so outlives it without holding a pipe of a script that captures its
 * output. The supervisor:
 *
 *   1. checks and applies the security models in order: the LSMs named,
 *      DAC (reachability of each resource by the QEMU user, chown of the
 *      exclusive ones), the cgroup (device ACL, limits), labels;
 *   2. starts QEMU (runtime/launch.h) with, between fork and exec, the
 *      cgroup joined, the labels set, groups/gid/uid switched and the
 *      capabilities cleared (caps.h), the monitor's socket bound and
 *      handed over; waits for QMP, with "cont" sent along unless paused;
 *   3. reports success or the reason of the failure to rt_sup_start (which
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

/* Starts the plan's guest under its own supervisor and returns once QMP
 * answers and the guest runs (or is paused). False with the reason in d
 * (a second start of a running name or uuid, a resource its user cannot
 * reach, QEMU's own message...); nothing is then left behind. */
bool rt_sup_start(const rt_plan *p, const rt_sup_opts *o, vc_diags *d);

#endif
