/*
 * launch.h: starting QEMU from an emitted launch, and stopping it.
 *
 * An argument vector (a plan's) is run with execve, never through a shell,
 * with exactly its environment; standard input is /dev/null, standard
 * output and error go to a log file. QEMU is ready when its QMP monitor, a
 * UNIX socket in a private directory, answers the handshake. When it exits
 * before that, the failure's message is QEMU's last line on standard error
 * ("qemu-system-x86_64: -device ...: ...", without the time stamp of
 * "-msg timestamp=on"), which is what rt_launch_classify reads.
 *
 * No path leaves a QEMU behind: a failed start kills and reaps it, stop asks
 * with "quit" and falls back to SIGKILL, and the child is set to be killed
 * if the process that launched it dies first.
 *
 * The child is started by rt_spawn (spawn.h), shared with the capabilities
 * probe: only 0-2 open, clean signal state, its own session. That is where
 * the security models (DAC, capabilities, cgroups, labels) will be applied,
 * between fork and execve. Only the last RT_SPAWN_LOG_TAIL bytes of the log
 * are read.
 */
#ifndef VIRTC_RT_LAUNCH_H
#define VIRTC_RT_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "../translators/error.h"
#include "qmp.h"
#include "spawn.h"

typedef struct rt_launch_opts {
    /* A private directory (mode 0700) for the QMP socket and the log; NULL
     * makes a fresh one under $TMPDIR, removed by rt_launch_free. */
    const char *run_dir;
    /* The UNIX socket the argv already serves QMP on (a plan's monitor);
     * NULL adds "-chardev socket ... -mon ..." for
     * RUN_DIR/qmp.sock. */
    const char *qmp_socket;
    /* Where QEMU's output goes; NULL means RUN_DIR/qemu.log. */
    const char *log_path;
    /* Appended to the argument vector (e.g. "-S"); NULL-terminated, may be NULL. */
    const char *const *extra_args;
    /* Replaces argv[0] when not NULL. */
    const char *emulator;
    /* From execve until QMP answers; 0 means 30 s. */
    int start_timeout_ms;
    /* Lifetime of the session rt_launch_qmp returns; 0 means 60 s. */
    int qmp_timeout_ms;
    /* Run in the child before the exec (spawn.h); NULL: none. */
    const rt_spawn_hook *hook;
    /* Append to the log instead of starting it afresh (a guest's QEMU
     * started again keeps what its predecessor said). */
    bool log_append;
    /* The owner the monitor socket is given when it is bound here (see
     * rt_launch_start_argv); socket_chown false: the caller's. */
    bool socket_chown;
    uid_t socket_uid;
    gid_t socket_gid;
    /* Set the guest running with the handshake (rt_qmp_handshake_resume):
     * the start returns once it runs (for an argv started paused, -S). */
    bool resume;
} rt_launch_opts;

typedef struct rt_launch rt_launch;

/* Starts QEMU from an argument vector and environment (NULL-terminated;
 * env NULL: empty), as a plan holds them, and waits until QMP answers.
 * The monitor's socket (the one added, or the argv's "-chardev
 * socket,...,path=QMP_SOCKET,server=on") is bound and listening before the
 * fork, mode 0600, and handed to QEMU as "fd=3" in place of its path, as
 * libvirt does: the connection is made at once and the greeting read the
 * moment QEMU's main loop runs, with no polling for the socket to appear.
 * When it cannot be bound here, QEMU binds the path itself and the socket
 * is polled for.
 * NULL with an error in d (code VC_ERR_RUNTIME) when it cannot: the child
 * is then gone and reaped. */
rt_launch *rt_launch_start_argv(char *const *argv, char *const *env, const rt_launch_opts *opts,
                                vc_diags *d);

/* The negotiated QMP session (borrowed; one client at a time). */
rt_qmp *rt_launch_qmp(rt_launch *r);
pid_t rt_launch_pid(const rt_launch *r);
const char *rt_launch_log_path(const rt_launch *r);
const char *rt_launch_qmp_path(const rt_launch *r);
/* True once QEMU has exited and been reaped (block: wait for it). */
bool rt_launch_exited(rt_launch *r, bool block);
/* The argument vector that was executed (argv[0] first), NULL-terminated. */
char *const *rt_launch_argv(const rt_launch *r);

/* Sends "quit", waits up to timeout_ms (0: 10 s) for QEMU to exit, then
 * SIGKILLs it; always reaps. False (with the reason in d) when QEMU had to
 * be killed or exited with a failure status. Idempotent. */
bool rt_launch_stop(rt_launch *r, int timeout_ms, vc_diags *d);

/* Kills (when still running) and reaps QEMU, removes what rt_launch made.
 * NULL is allowed. */
void rt_launch_free(rt_launch *r);

/* The last non-blank line of a file (QEMU's log), hints ("PROG: info: ...")
 * after an error not counted; NULL when there is none. */
char *rt_launch_last_line(const char *path);

/* When a QEMU failure message says the host lacks something (a tap device,
 * a bridge, /dev/vfio, hugepages, a host device, a permission, a peer on a
 * socket, ...), a short name of that resource; NULL when the message
 * reads as QEMU rejecting the command line itself. */
const char *rt_launch_classify(const char *qemu_message);

#endif
