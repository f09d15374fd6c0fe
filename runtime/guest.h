/*
 * guest.h: the running guests of an instance, as the files in its run
 * directory show them (instance.h):
 *
 *   NAME.lock   flock()ed by the guest's supervisor for its whole life: a
 *               guest runs exactly when its lock is held, whatever files a
 *               crash left behind
 *   NAME.state  "key: value" lines, rewritten (atomically) by the
 *               supervisor: name, uuid, state, pid, supervisor, started
 *   NAME.pid    QEMU's pid
 *   NAME.owners the owners DAC took over (dac.h), until they are given back
 *   NAME.undo   the journal of the other models' changes (the cgroup's
 *               absolute directories, old SELinux labels, the MCS pair, the
 *               AppArmor profile: security.h), until they are undone
 *
 * A supervisor killed with SIGKILL takes its QEMU with it but leaves these
 * files (and the guest's cgroup, state directory, disk owners): the guest
 * is then "lost" (files, no lock holder) until the next start of its name
 * or rt_guest_cleanup (`virtc stop NAME`) puts everything back.
 *
 * Stopping goes through the supervisor, which owns QMP: SIGTERM (queued
 * with the time QEMU gets before "quit") for a shutdown, SIGUSR1 for
 * --force; the caller then waits for the lock to be released, which is the
 * supervisor's last act after its cleanup.
 */
#ifndef VIRTC_RT_GUEST_H
#define VIRTC_RT_GUEST_H

#include <stdbool.h>
#include <sys/types.h>

#include "../translators/error.h"

typedef struct rt_guest_info {
    char *name;
    char *uuid;
    char *state;             /* "running", "paused", "shut off" */
    pid_t pid;               /* QEMU's */
    pid_t supervisor;
    long long started;       /* seconds since the epoch */
    char *state_dir;         /* the guest's own directory (its sockets); NULL: unknown */
    char *pid_file;          /* where QEMU's pid is written; NULL: RUN/NAME.pid */
    char *reason;            /* why the state is what it is (e.g. a restart
                                refused by the restart limit); NULL: none */
} rt_guest_info;

void rt_guest_info_free(rt_guest_info *g);

/* RUN/NAME.lock etc. (caller frees). */
char *rt_guest_file(const char *run_dir, const char *name, const char *ext);

/* True when NAME's supervisor holds its lock. */
bool rt_guest_running(const char *run_dir, const char *name);

/* The state file of a running guest; false (d untouched) when it does not
 * run, false with an error when its files cannot be read. */
bool rt_guest_read(const char *run_dir, const char *name, rt_guest_info *out, vc_diags *d);
/* Writes the state file atomically. */
bool rt_guest_write(const char *run_dir, const rt_guest_info *g, vc_diags *d);

/* A guest whose supervisor ended without its cleanup: no lock holder, but
 * its state or owners file is still there. */
bool rt_guest_lost(const char *run_dir, const char *name);
/* A lost guest's state file (state "lost"); false when it is not lost.
 * Only name (and state) are set when the state file was not written yet. */
bool rt_guest_read_lost(const char *run_dir, const char *name, rt_guest_info *out);
/* Puts back what a lost supervisor left, from its records alone: takes
 * the guest's lock (refused while a supervisor holds it), kills what
 * remains of its QEMU, replays the undo journal (cgroup, labels, profile),
 * gives the recorded owners back, removes the state directory, the pid,
 * state and lock files. What fails to be undone keeps the guest lost (its
 * journal, state and lock stay) so that a second stop tries again. */
bool rt_guest_cleanup(const char *run_dir, const char *name, vc_diags *d);
/* Empties (one level: its sockets) and removes a guest's state directory. */
void rt_guest_remove_dir(const char *dir);

/* Every running guest and every lost one (state "lost"), sorted by name;
 * *n their count. */
rt_guest_info *rt_guest_list(const char *run_dir, size_t *n);
void rt_guest_list_free(rt_guest_info *v, size_t n);

/* Asks NAME's supervisor to stop the guest (force: kill QEMU at once;
 * otherwise system_powerdown, then quit after timeout_ms) and waits until
 * it is gone, at most timeout_ms plus a grace period. */
bool rt_guest_stop(const char *run_dir, const char *name, bool force, int timeout_ms,
                   vc_diags *d);

/* The restart limit: a guest whose on_poweroff / on_crash is "restart"
 * and that ends again at once would be started forever. As systemd's
 * StartLimitBurst / StartLimitIntervalSec: at most burst restarts within
 * window_s seconds (the plan's <restart_limit>, from qemu.conf's
 * restart_limit_burst / restart_limit_interval; 5 within 60 s by default);
 * the next power-off or crash in that window leaves the guest as
 * "preserve" would (shut off or crashed, QEMU kept, stopped), with the
 * reason in its log and in `virtc status`. A window of 0 is no limit. */
typedef struct rt_restart_limit {
    unsigned burst, window_s;
    long long *at_ms;        /* the last burst restarts, a ring */
    size_t n, next;
} rt_restart_limit;

/* burst >= 1. */
void rt_restart_limit_init(rt_restart_limit *l, unsigned burst, unsigned window_s);
void rt_restart_limit_free(rt_restart_limit *l);
/* True (and the restart counted) when a restart at now_ms (a monotonic
 * clock) stays within the limit. */
bool rt_restart_allowed(rt_restart_limit *l, long long now_ms);
/* "restarted 5 times within 60 s (the restart limit)" (caller frees). */
char *rt_restart_limit_reason(const rt_restart_limit *l);

#endif
