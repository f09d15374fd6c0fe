/* spawn.c: a clean child for QEMU, and reaping it (see spawn.h). */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../translators/util.h"

/* Where the child stopped, sent back through the error pipe. */
enum { RT_STEP_EXEC, RT_STEP_SESSION, RT_STEP_FDS, RT_STEP_HOOK };

static const char *const rt_step_names[] = {
    [RT_STEP_EXEC] = "execve",
    [RT_STEP_SESSION] = "setsid",
    [RT_STEP_FDS] = "setting up its standard descriptors",
    [RT_STEP_HOOK] = "preparing its process",
};

typedef struct rt_spawn_report {
    int step;
    int err;
    const char *what;         /* RT_STEP_HOOK: the hook's static step name */
} rt_spawn_report;

/* Everything the child needs, prepared before fork: after it only
 * async-signal-safe calls are made (no allocation, no stdio, no locks). */
typedef struct rt_child_plan {
    char *const *argv;
    char *const *envp;
    int nullfd, logfd, errfd;
    int passfd;               /* -1, or moved to RT_SPAWN_PASS_FD */
    const rt_spawn_fd *fds;   /* the hook's other descriptors, sorted by at */
    int *lifted;              /* nfds slots: their copies above top */
    size_t nfds;
    int top;                  /* the highest number the child keeps for them */
    pid_t parent;
    long maxfd;               /* bound of the close() loop fallback */
    const rt_spawn_hook *hook;
    bool placed;              /* made in hook->cgroup_fd's cgroup */
    const char *call;         /* how the child was made, for an error */
} rt_child_plan;

/* ---- the child (async-signal-safe only) ----------------------------------- */

static __attribute__((noreturn)) void rt_child_fail(int errfd, int step)
{
    rt_spawn_report rep = { step, errno, NULL };
    ssize_t n = write(errfd, &rep, sizeof(rep));
    (void)n;
    _exit(127);
}

/* dup2, except that a descriptor already in place keeps its number and only
 * loses FD_CLOEXEC (dup2(fd, fd) changes nothing, so an O_CLOEXEC log that
 * open() put on 2 would be closed by the exec). */
static int rt_dup_to(int from, int to)
{
    if (from != to)
        return dup2(from, to);
    int flags = fcntl(to, F_GETFD);
    return flags < 0 ? -1 : fcntl(to, F_SETFD, flags & ~FD_CLOEXEC);
}

/* A source on 0-2 that is not already where it belongs would be overwritten
 * by another dup_to: it moves above 2 first (close-on-exec, so it goes). */
static int rt_lift(int fd, int home1, int home2)
{
    if (fd > 2 || fd == home1 || fd == home2)
        return fd;
    return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* Closes [lo, hi]; close_range when the kernel has it, else one by one. */
static void rt_close_span(unsigned lo, unsigned hi, long maxfd)
{
    if (lo > hi || close_range(lo, hi, 0) == 0)
        return;
    for (long fd = lo; fd <= (long)hi && fd < maxfd; fd++)
        close((int)fd);
}

/* Every descriptor from 3 up closed but RT_SPAWN_PASS_FD (pass), the
 * passed ones (p->fds, sorted) and the error pipe, which is above them. */
static void rt_close_others(const rt_child_plan *p, bool pass, int errfd)
{
    unsigned lo = pass ? RT_SPAWN_PASS_FD + 1 : 3;
    for (size_t i = 0; i < p->nfds; i++) {
        if ((unsigned)p->fds[i].at > lo)
            rt_close_span(lo, (unsigned)p->fds[i].at - 1, p->maxfd);
        lo = (unsigned)p->fds[i].at + 1;
    }
    if ((unsigned)errfd > lo)
        rt_close_span(lo, (unsigned)errfd - 1, p->maxfd);
    rt_close_span((unsigned)errfd + 1, ~0U, p->maxfd);
}

static __attribute__((noreturn)) void rt_spawn_child(const rt_child_plan *p)
{
    /* The error pipe and the passed descriptors move above every number
     * the child keeps, so that setting 0-2, RT_SPAWN_PASS_FD and the
     * passed numbers overwrites none of them. */
    int errfd = p->errfd <= p->top ? fcntl(p->errfd, F_DUPFD_CLOEXEC, p->top + 1) : p->errfd;
    if (errfd < 0)
        _exit(127);
    for (size_t i = 0; i < p->nfds; i++)
        if ((p->lifted[i] = fcntl(p->fds[i].fd, F_DUPFD_CLOEXEC, p->top + 1)) < 0)
            rt_child_fail(errfd, RT_STEP_FDS);
    /* Every signal back to its default while all are still blocked (the
     * parent blocked them around fork): exec keeps an ignored signal
     * ignored, and QEMU must die of SIGPIPE/SIGTERM like any program. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int s = 1; s < NSIG; s++)
        sigaction(s, &dfl, NULL);   /* SIGKILL, SIGSTOP, libc's own: refused, fine */
    /* Its own session: a terminal's ^C is for virtc, which then stops QEMU. */
    if (setsid() < 0)
        rt_child_fail(errfd, RT_STEP_SESSION);
    if (p->hook && p->hook->fn) {
        const char *what = "?";
        int e = p->hook->fn(p->hook->opaque, p->placed, &what);
        if (e != 0) {
            rt_spawn_report rep = { RT_STEP_HOOK, e, what };
            ssize_t n = write(errfd, &rep, sizeof(rep));
            (void)n;
            _exit(127);
        }
    }
    /* Killed with us: a virtc that dies leaves no QEMU behind. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != p->parent)
        _exit(127);
    int nullfd = rt_lift(p->nullfd, 0, 0);
    int logfd = rt_lift(p->logfd, 1, 2);
    int passfd = p->passfd >= 0 ? rt_lift(p->passfd, RT_SPAWN_PASS_FD, RT_SPAWN_PASS_FD) : -1;
    if (nullfd < 0 || logfd < 0 || (p->passfd >= 0 && passfd < 0) || rt_dup_to(nullfd, 0) < 0 ||
        rt_dup_to(logfd, 1) < 0 || rt_dup_to(logfd, 2) < 0 ||
        (passfd >= 0 && rt_dup_to(passfd, RT_SPAWN_PASS_FD) < 0))
        rt_child_fail(errfd, RT_STEP_FDS);
    for (size_t i = 0; i < p->nfds; i++)
        if (dup2(p->lifted[i], p->fds[i].at) < 0)
            rt_child_fail(errfd, RT_STEP_FDS);
    /* Nothing of virtc's leaks into QEMU: only 0-2, the passed descriptors
     * and the error pipe, which the exec closes. */
    rt_close_others(p, passfd >= 0, errfd);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(p->argv[0], p->argv, p->envp);
    rt_child_fail(errfd, RT_STEP_EXEC);
}

/* ---- the parent ----------------------------------------------------------- */

static bool rt_no_clone3;

void rt_spawn_test_no_clone3(bool off)
{
    rt_no_clone3 = off;
}

/* A child made directly in the cgroup2 directory cgroup_fd, with fork's
 * semantics (no CLONE_VM: the raw system call returns in the child on the
 * caller's stack, which only a copy survives). The kernel then charges
 * the new task to that cgroup as it is made, taking the cgroup locks for
 * reading only: no migration, no wait for an RCU grace period. */
static pid_t rt_clone_into(int cgroup_fd)
{
    if (rt_no_clone3) {
        errno = ENOSYS;
        return -1;
    }
    struct clone_args a;
    memset(&a, 0, sizeof(a));
    a.flags = CLONE_INTO_CGROUP;
    a.exit_signal = SIGCHLD;
    a.cgroup = (__u64)cgroup_fd;
    return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

/* The kernel has no clone3 (before 5.3: ENOSYS) or no CLONE_INTO_CGROUP
 * (5.3 to 5.6: EINVAL for the flag, E2BIG for the longer struct): the
 * child is then made the old way and joins its cgroup itself. */
static bool rt_clone3_missing(int err)
{
    return err == ENOSYS || err == EINVAL || err == E2BIG;
}

/* The child: created in the hook's cgroup by clone3 when it names one
 * (rt_clone_into), else, and where the kernel cannot, started with vfork
 * when what it runs before its exec allows it (no hook, or one marked
 * vfork_safe): it borrows the caller's memory
 * and stack while the caller waits for its exec or _exit, so the caller's
 * page tables are not copied and neither process takes copy-on-write
 * faults afterwards (some ms on a VM, with virtc's libraries mapped). What
 * the child does suits shared memory: system calls, changes to its own
 * signal table (vfork shares memory, not handlers), the hook's steps; all
 * signals stay blocked until just before the exec, when every handler is
 * the default one, so none runs on the borrowed stack. rt_spawn_child
 * never returns. */
static pid_t rt_spawn_fork(rt_child_plan *plan)
{
    const rt_spawn_hook *h = plan->hook;
    if (h && h->into_cgroup) {
        plan->placed = true;
        plan->call = "clone3 into the cgroup";
        pid_t pid = rt_clone_into(h->cgroup_fd);
        if (pid == 0)
            rt_spawn_child(plan);
        if (pid > 0 || !rt_clone3_missing(errno))
            return pid;
        plan->placed = false;
    }
    plan->call = "fork";
    pid_t pid = !h || !h->fn || h->vfork_safe ? vfork() : fork();
    if (pid == 0)
        rt_spawn_child(plan);
    return pid;
}


/* An ignored SIGCHLD (or SA_NOCLDWAIT), inherited from whoever started
 * virtc, makes the kernel reap our children: their status would be lost
 * and a crashed QEMU could not be told from a clean exit. */
static void rt_spawn_default_sigchld(void)
{
    struct sigaction sa;
    if (sigaction(SIGCHLD, NULL, &sa) != 0)
        return;
    if (sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDWAIT)) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof(dfl));
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGCHLD, &dfl, NULL);
    }
}

/* What the child reported through the pipe before exiting; false when the
 * pipe closed empty (the exec succeeded). */
static bool rt_read_report(int fd, rt_spawn_report *rep)
{
    ssize_t n;
    do {
        n = read(fd, rep, sizeof(*rep));
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(*rep);
}

pid_t rt_spawn(char *const argv[], char *const envp[], int log_fd, vc_diags *d)
{
    return rt_spawn_hooked(argv, envp, log_fd, NULL, d);
}

pid_t rt_spawn_hooked(char *const argv[], char *const envp[], int log_fd,
                      const rt_spawn_hook *hook, vc_diags *d)
{
    return rt_spawn_pass(argv, envp, log_fd, -1, hook, d);
}

static int rt_fd_cmp(const void *a, const void *b)
{
    const rt_spawn_fd *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

/* The hook's descriptors sorted by their number in the child, and the
 * highest number the child keeps; NULL (and *nfds 0) when there are none,
 * or with an error when a number is taken twice or not above
 * RT_SPAWN_PASS_FD. */
static rt_spawn_fd *rt_fds_sorted(const rt_spawn_hook *hook, size_t *nfds, int *top, bool *ok,
                                  vc_diags *d)
{
    *nfds = hook ? hook->nfds : 0;
    *top = RT_SPAWN_PASS_FD;
    *ok = true;
    if (*nfds == 0)
        return NULL;
    rt_spawn_fd *v = vc_xcalloc(*nfds, sizeof(*v));
    memcpy(v, hook->fds, *nfds * sizeof(*v));
    qsort(v, *nfds, sizeof(*v), rt_fd_cmp);
    for (size_t i = 0; i < *nfds && *ok; i++) {
        if (v[i].fd < 0 || v[i].at <= RT_SPAWN_PASS_FD || (i > 0 && v[i].at == v[i - 1].at))
            *ok = vc_runtime_error(d, "cannot pass descriptor %d to the child as %d: the "
                                   "number must be unique and above %d", v[i].fd, v[i].at,
                                   RT_SPAWN_PASS_FD);
        *top = v[i].at;
    }
    return v;
}

pid_t rt_spawn_pass(char *const argv[], char *const envp[], int log_fd, int pass_fd,
                    const rt_spawn_hook *hook, vc_diags *d)
{
    if (!argv || !argv[0] || argv[0][0] != '/') {
        /* execve takes a path; a search through PATH is a shell's job. */
        vc_runtime_error(d, "the program to run must be an absolute path, not '%s'",
                         argv && argv[0] ? argv[0] : "");
        return -1;
    }
    size_t nfds;
    int top;
    bool fds_ok;
    rt_spawn_fd *fds = rt_fds_sorted(hook, &nfds, &top, &fds_ok, d);
    if (!fds_ok) {
        free(fds);
        return -1;
    }
    rt_spawn_default_sigchld();
    int nullfd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (nullfd < 0) {
        vc_runtime_error(d, "cannot open /dev/null: %s", strerror(errno));
        free(fds);
        return -1;
    }
    int errpipe[2];
    if (pipe2(errpipe, O_CLOEXEC) != 0) {
        vc_runtime_error(d, "pipe: %s", strerror(errno));
        close(nullfd);
        free(fds);
        return -1;
    }
    /* An empty environment is still an environment: envp must not be NULL. */
    static char *const empty_env[] = { NULL };
    long maxfd = sysconf(_SC_OPEN_MAX);
    rt_child_plan plan = {
        .argv = argv,
        .envp = envp ? envp : empty_env,
        .nullfd = nullfd,
        .logfd = log_fd >= 0 ? log_fd : nullfd,
        .errfd = errpipe[1],
        .passfd = pass_fd,
        .fds = fds,
        .lifted = nfds ? vc_xcalloc(nfds, sizeof(int)) : NULL,
        .nfds = nfds,
        .top = top,
        .parent = getpid(),
        .maxfd = maxfd > 0 ? maxfd : 65536,
        .hook = hook,
    };
    /* No handler of ours may run in the child before its dispositions are
     * reset: everything is blocked across the fork. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = rt_spawn_fork(&plan);
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(nullfd);
    close(errpipe[1]);
    free(plan.lifted);
    free(fds);
    if (pid < 0) {
        close(errpipe[0]);
        vc_runtime_error(d, "%s: %s", plan.call, strerror(fork_errno));
        return -1;
    }
    rt_spawn_report rep;
    bool failed = rt_read_report(errpipe[0], &rep);
    close(errpipe[0]);
    int status;
    if (!failed) {
        if (!hook || !hook->spawned || hook->spawned(hook->opaque, pid, plan.placed, d))
            return pid;
        rt_spawn_kill(pid);
        rt_spawn_reap(pid, true, &status);
        return -1;
    }
    rt_spawn_reap(pid, true, &status);
    if (rep.step == RT_STEP_EXEC)
        vc_runtime_error(d, "cannot execute %s: %s", argv[0], strerror(rep.err));
    else if (rep.step == RT_STEP_HOOK)
        vc_runtime_error(d, "cannot start %s: %s: %s", argv[0], rep.what ? rep.what : "?",
                         strerror(rep.err));
    else
        vc_runtime_error(d, "cannot start %s: %s: %s", argv[0],
                         rep.step > 0 && rep.step < (int)VC_ARRAY_SIZE(rt_step_names)
                             ? rt_step_names[rep.step] : "?",
                         strerror(rep.err));
    return -1;
}

rt_spawn_state rt_spawn_reap(pid_t pid, bool block, int *status)
{
    for (;;) {
        pid_t p = waitpid(pid, status, block ? 0 : WNOHANG);
        if (p == pid)
            return RT_SPAWN_EXITED;
        if (p == 0)
            return RT_SPAWN_RUNNING;
        if (errno != EINTR)
            /* ECHILD: not our child any more (reaped by someone else, or
             * by the kernel under an ignored SIGCHLD); how it ended is
             * not known, which is not the same as a clean exit. */
            return RT_SPAWN_UNKNOWN;
    }
}

void rt_spawn_kill(pid_t pid)
{
    if (pid <= 1)
        return;
    if (kill(-pid, SIGKILL) != 0)
        kill(pid, SIGKILL);
}

char *rt_spawn_status_text(rt_spawn_state state, int status)
{
    if (state != RT_SPAWN_EXITED)
        return vc_xstrdup("ended with an unknown status");
    if (WIFEXITED(status))
        return vc_xasprintf("exited with status %d", WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return vc_xasprintf("was killed by signal %d (%s)", WTERMSIG(status),
                            strsignal(WTERMSIG(status)));
    return vc_xstrdup("stopped");
}

char *rt_spawn_read_tail(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    off_t start = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)max)
        start = st.st_size - (off_t)max;
    if (start > 0 && lseek(fd, start, SEEK_SET) < 0) {
        close(fd);
        return NULL;
    }
    char *buf = vc_xmalloc(max + 1);
    size_t n = 0;
    while (n < max) {
        ssize_t got = read(fd, buf + n, max - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            close(fd);
            free(buf);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    /* Cut mid-file: the first line is a fragment, dropped when a whole
     * line follows it. */
    char *nl = start > 0 ? memchr(buf, '\n', n) : NULL;
    if (nl && (size_t)(nl + 1 - buf) < n) {
        size_t skip = (size_t)(nl + 1 - buf);
        memmove(buf, buf + skip, n - skip);
        n -= skip;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}
