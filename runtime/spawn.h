/*
 * spawn.h: starting a helper program (QEMU) as a clean child, and reaping it.
 *
 * The one place between fork and execve, shared by the launcher and the
 * capabilities probe so both children start the same way:
 *   - execve only: argv[0] is the path run (no PATH search, no shell) and
 *     the environment is exactly envp;
 *   - standard input is /dev/null, standard output and error the log fd
 *     (even when virtc itself was started with 0, 1 or 2 closed);
 *   - every other descriptor is closed, whatever virtc inherited;
 *   - an empty signal mask and every signal at its default disposition;
 *   - its own session and process group (a terminal's ^C is for virtc, and
 *     killing the group takes along whatever the child started);
 *   - killed when virtc dies (PR_SET_PDEATHSIG);
 *   - an exec that fails is an error of the spawn, with its errno, not a
 *     child that silently exits 127.
 *
 * A child is only ours to reap when SIGCHLD is not ignored: a virtc started
 * with SIGCHLD=SIG_IGN (or SA_NOCLDWAIT) would have its children reaped by
 * the kernel, and their status lost. rt_spawn puts SIGCHLD back to its
 * default before its first fork.
 */
#ifndef VIRTC_RT_SPAWN_H
#define VIRTC_RT_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../translators/error.h"

/* Starts argv[0] (an absolute path) with argv and envp (NULL: an empty
 * environment), standard output and error going to log_fd (-1: /dev/null).
 * log_fd stays open in the caller. The child's pid, or -1 with an error
 * (VC_ERR_RUNTIME) in d, the child then already reaped: "cannot execute
 * PATH: REASON" when the exec failed. */
pid_t rt_spawn(char *const argv[], char *const envp[], int log_fd, vc_diags *d);

/* Run in the child after its session and signals are set up and before its
 * inherited descriptors are closed and the exec: where the supervisor
 * applies the security models (cgroup, labels, identity, capabilities).
 * placed: the child was created in the hook's cgroup (into_cgroup, below).
 * Returns 0, or an errno with *what naming the step (a static string). The
 * parent-death signal is set after it (a change of credentials clears it). */
typedef struct rt_spawn_fd {
    int fd;                   /* open in the caller (stays open there) */
    int at;                   /* its number in the child: above RT_SPAWN_PASS_FD */
} rt_spawn_fd;

typedef struct rt_spawn_hook {
    int (*fn)(void *opaque, bool placed, const char **what);   /* NULL: none */
    void *opaque;
    /* Descriptors the child keeps besides 0-2 and RT_SPAWN_PASS_FD (e.g.
     * a vhost device that holds what the caller set on it, named
     * "vhostfd=AT" in the argv): each fds[i].fd becomes fds[i].at, not
     * closed by the exec; the numbers at are distinct. */
    const rt_spawn_fd *fds;
    size_t nfds;
    /* fn may run in a child that shares the caller's memory until its exec
     * (vfork): it only makes system calls, or library calls whose state
     * the caller does not rely on afterwards. The child then costs no copy
     * of the caller's page tables and no copy-on-write faults after. */
    bool vfork_safe;
    /* into_cgroup: the child is created directly in the cgroup2 directory
     * open as cgroup_fd (O_DIRECTORY), by clone3 with CLONE_INTO_CGROUP
     * (Linux 5.7): no migration, so none of the RCU grace period a write
     * to cgroup.procs waits for (see runtime/security/README.md). Such a
     * child is a fork, not a vfork (clone3 through syscall() cannot share
     * the caller's stack). Where the kernel lacks clone3 or the flag
     * (ENOSYS, E2BIG, EINVAL) the child is made as without it and fn is
     * told placed = false; any other refusal (a bad descriptor, a cgroup
     * that takes no processes) is an error of the spawn. */
    bool into_cgroup;
    int cgroup_fd;
    /* Run in the caller once the child has exec'd (NULL: none): false
     * with an error in d kills and reaps the child, and the spawn fails. */
    bool (*spawned)(void *opaque, pid_t pid, bool placed, vc_diags *d);
} rt_spawn_hook;

/* For tests: as if the kernel had no clone3 (the fallback of into_cgroup). */
void rt_spawn_test_no_clone3(bool off);

/* rt_spawn with a hook (NULL: none). A failed hook is "cannot start PATH:
 * WHAT: REASON". */
pid_t rt_spawn_hooked(char *const argv[], char *const envp[], int log_fd,
                      const rt_spawn_hook *hook, vc_diags *d);

/* The descriptor number a passed descriptor has in the child. */
#define RT_SPAWN_PASS_FD 3

/* rt_spawn_hooked, and pass_fd (-1: none) handed to the child as
 * descriptor RT_SPAWN_PASS_FD, the one kept beside 0-2 (e.g. the monitor's
 * listening socket, named "fd=3" in its argv). pass_fd stays open in the
 * caller. */
pid_t rt_spawn_pass(char *const argv[], char *const envp[], int log_fd, int pass_fd,
                    const rt_spawn_hook *hook, vc_diags *d);

typedef enum rt_spawn_state {
    RT_SPAWN_RUNNING,   /* not exited yet (non-blocking check) */
    RT_SPAWN_EXITED,    /* reaped; the status is valid */
    RT_SPAWN_UNKNOWN,   /* gone, but its status was lost (ECHILD) */
} rt_spawn_state;

/* waitpid for pid (block: until it exits), retrying on EINTR. */
rt_spawn_state rt_spawn_reap(pid_t pid, bool block, int *status);

/* SIGKILLs pid's process group (pid itself when it leads none). */
void rt_spawn_kill(pid_t pid);

/* "exited with status N", "was killed by signal N (NAME)", or, when the
 * status is not known, "ended with an unknown status"; free() it. */
char *rt_spawn_status_text(rt_spawn_state state, int status);

/* The end of the file at path, at most max bytes of it, starting at a line
 * boundary when the file is longer (a log can be as large as QEMU made it;
 * only its last words matter). NUL-terminated, *len (may be NULL) its
 * length; NULL when the file cannot be read. */
char *rt_spawn_read_tail(const char *path, size_t max, size_t *len);

/* How much of QEMU's log is read to find its last message. */
#define RT_SPAWN_LOG_TAIL (64 * 1024)

#endif
