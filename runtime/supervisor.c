/* supervisor.c: a guest's own supervisor process (see supervisor.h). */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../translators/xmldoc.h"
#include "caps.h"
#include "dac.h"
#include "guest.h"
#include "instance.h"
#include "launch.h"
#include "spawn.h"
#include "trace.h"
#include "sup_security.h"

#define SUP_START_TIMEOUT_MS 60000
#define SUP_QMP_TIMEOUT_MS 10000
#define SUP_POLL_MS 200
/* After "quit" (or a guest that powered off), QEMU gets this long to exit
 * before it is killed. */
#define SUP_QUIT_GRACE_MS 5000

typedef struct sup {
    const rt_plan *p;
    rt_sup_opts o;
    int lockfd;
    int reportfd;
    rt_caps_spec caps;
    rt_dac_saved *dac;
    rt_sup_sec *sec;
    rt_launch *launch;
    rt_guest_info info;
    bool restart;            /* start QEMU again once this one has ended */
    rt_restart_limit restarts;
} sup;

/* ---- signals: stop requests from `virtc stop` ------------------------------- */

static volatile sig_atomic_t sup_stop_req, sup_force_req, sup_stop_ms;

static void sup_on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig == SIGUSR1) {
        sup_force_req = 1;
        return;
    }
    sup_stop_req = 1;
    /* the caller's timeout rides on sigqueue's value */
    if (si && si->si_code == SI_QUEUE && si->si_value.sival_int > 0)
        sup_stop_ms = si->si_value.sival_int;
}

static void sup_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_sigaction = sup_on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static long long sup_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the report to `virtc start` -------------------------------------------- */

/* One line a diagnostic: "error CODE MESSAGE" / "warning 0 MESSAGE", then
 * "ok" or "failed". Messages are single lines (newlines become spaces). */
static void sup_report(sup *s, const vc_diags *d, bool ok)
{
    if (s->reportfd < 0)
        return;
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < d->n; i++) {
        const vc_error *e = &d->v[i];
        vc_buf_printf(&b, "%s %d ", e->severity == VC_SEV_ERROR ? "error" : "warning", e->code);
        for (const char *c = e->message; *c; c++)
            vc_buf_putc(&b, *c == '\n' ? ' ' : *c);
        vc_buf_putc(&b, '\n');
    }
    vc_buf_puts(&b, ok ? "ok\n" : "failed\n");
    size_t off = 0;
    while (off < b.len) {
        ssize_t n = write(s->reportfd, b.data + off, b.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    vc_buf_free(&b);
    close(s->reportfd);
    s->reportfd = -1;
}

/* Reads fd to its end into b. */
static void sup_read_all(int fd, vc_buf *b)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        vc_buf_add(b, chunk, (size_t)n);
    }
}

/* What the caller makes of the report; false when the start failed. */
static bool sup_read_report(int fd, vc_diags *d)
{
    vc_buf b;
    vc_buf_init(&b);
    sup_read_all(fd, &b);
    bool ok = false, ended = false;
    for (char *line = b.data, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        int code;
        int used = 0;
        if (strcmp(line, "ok") == 0) {
            ok = ended = true;
        } else if (strcmp(line, "failed") == 0) {
            ended = true;
        } else if (sscanf(line, "error %d %n", &code, &used) == 1 && used > 0) {
            vc_loc none = { NULL, 0, 0 };
            vc_diag_add(d, code == VC_ERR_INVALID ? VC_ERR_INVALID : VC_ERR_RUNTIME, VC_SEV_ERROR,
                        none, "%s", line + used);
        } else if (sscanf(line, "warning %d %n", &code, &used) == 1 && used > 0) {
            vc_loc none = { NULL, 0, 0 };
            vc_warn_at(d, none, "%s", line + used);
        }
    }
    vc_buf_free(&b);
    if (!ended)
        vc_runtime_error(d, "the guest's supervisor ended without saying whether the guest "
                         "started");
    else if (!ok && d->nerrors == 0)
        vc_runtime_error(d, "the guest did not start");
    return ok;
}

/* ---- preparing ----------------------------------------------------------------- */

/* The guest's state directory, its QEMU's own (the monitor socket is made
 * there by QEMU, as that user). */
static bool sup_state_dir(sup *s, vc_diags *d)
{
    const rt_plan *p = s->p;
    char *parent = vc_xstrdup(p->state_dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent)
        *slash = '\0';
    bool ok = rt_mkdirs(parent, 0755, d);
    free(parent);
    if (!ok)
        return false;
    rt_guest_remove_dir(p->state_dir);   /* a lost supervisor's leftovers */
    if (mkdir(p->state_dir, 0750) != 0)
        return vc_runtime_error(d, "cannot create %s: %s", p->state_dir, strerror(errno));
    if (s->caps.change_id && chown(p->state_dir, s->caps.uid, s->caps.gid) != 0)
        return vc_runtime_error(d, "cannot give %s to uid %ld: %s", p->state_dir,
                                (long)s->caps.uid, strerror(errno));
    return true;
}

static bool sup_prepare(sup *s, vc_diags *d)
{
    const rt_plan *p = s->p;
    /* first, what a cleanup needs should this supervisor be lost */
    s->info.state = vc_xstrdup("starting");
    s->info.state_dir = vc_xstrdup(p->state_dir);
    s->info.pid_file = vc_xstrdup(p->pid_file);
    if (!rt_guest_write(p->run_dir, &s->info, d))
        return false;
    rt_trace("sup: state written");
    if (access(p->emulator, X_OK) != 0)
        return vc_runtime_error(d, "the emulator %s cannot be run: %s", p->emulator,
                                strerror(errno));
    if (!rt_caps_prepare(p, &s->caps, d))
        return false;
    char *logdir = vc_xstrdup(p->log_file);
    char *slash = strrchr(logdir, '/');
    if (slash && slash != logdir)
        *slash = '\0';
    bool ok = rt_mkdirs(logdir, 0755, d);
    free(logdir);
    if (!ok || !sup_state_dir(s, d))
        return false;
    rt_trace("sup: dirs");
    /* owners a lost supervisor of this name could not give back */
    char *record = rt_guest_file(p->run_dir, p->name, "owners");
    ok = rt_dac_recover(record, d);
    if (ok && (rt_plan_has_driver(p, "dac") || p->instance == RT_INSTANCE_SESSION))
        ok = rt_dac_take(p, record, &s->dac, d);
    free(record);
    if (!ok)
        return false;
    rt_trace("sup: dac");
    s->sec = rt_sup_sec_apply(p, d);
    rt_trace("sup: cgroup and labels");
    return s->sec != NULL;
}

/* ---- in the child, before exec --------------------------------------------------- */

static int sup_child_hook(void *opaque, bool placed, const char **what)
{
    sup *s = opaque;
    /* the monitor socket (0600) and whatever else QEMU creates: its own */
    umask(0177);
    int e = rt_sup_sec_child(s->sec, placed, what);
    return e ? e : rt_caps_enter(&s->caps, what);
}

/* In the supervisor, right after QEMU's exec: the cgroups it joins while
 * it starts (the migration's grace period overlaps QEMU's own start-up).
 * Done before rt_launch sends cont: QEMU runs with -S, so no guest code
 * runs before QEMU is in all of them. */
static bool sup_spawned(void *opaque, pid_t pid, bool placed, vc_diags *d)
{
    sup *s = opaque;
    rt_trace("sup: exec done");
    bool ok = rt_sup_sec_spawned(s->sec, pid, placed, d);
    rt_trace("sup: cgroups joined");
    return ok;
}

/* ---- running ------------------------------------------------------------------- */

static bool sup_has_arg(const rt_plan *p, const char *arg)
{
    for (size_t i = 0; i < p->argv.n; i++)
        if (strcmp(p->argv.v[i], arg) == 0)
            return true;
    return false;
}

static json_object *sup_qmp(sup *s, const char *cmd, vc_diags *d)
{
    rt_qmp *m = rt_launch_qmp(s->launch);
    if (!m)
        return NULL;
    rt_qmp_set_timeout(m, SUP_QMP_TIMEOUT_MS);
    return rt_qmp_command(m, cmd, NULL, NULL, d);
}

static bool sup_qmp_ok(sup *s, const char *cmd, vc_diags *d)
{
    json_object *r = sup_qmp(s, cmd, d);
    if (r)
        json_object_put(r);
    return r != NULL;
}

static void sup_set_state(sup *s, const char *state)
{
    if (vc_streq(s->info.state, state))
        return;
    free(s->info.state);
    s->info.state = vc_xstrdup(state);
    vc_diags tmp;
    vc_diags_init(&tmp);
    rt_guest_write(s->p->run_dir, &s->info, &tmp);
    vc_diags_free(&tmp);
}

static bool sup_write_pid(const char *path, pid_t pid, vc_diags *d)
{
    char *text = vc_xasprintf("%ld\n", (long)pid);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
    size_t len = strlen(text);
    bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    free(text);
    if (!ok)
        return vc_runtime_error(d, "cannot write %s: %s", path, strerror(errno));
    return true;
}

static bool sup_launch(sup *s, vc_diags *d)
{
    const rt_plan *p = s->p;
    static const char *const paused[] = { "-S", NULL };
    rt_spawn_hook hook = { .fn = sup_child_hook, .opaque = s, .spawned = sup_spawned };
    hook.fds = rt_sup_sec_fds(s->sec, &hook.nfds);
    /* created in its cgroup2 directory: no migration before the exec */
    hook.cgroup_fd = rt_sup_sec_spawn_cgroup(s->sec);
    hook.into_cgroup = hook.cgroup_fd >= 0;
    /* the cgroup join and rt_caps_enter (see there) suit a vfork child */
    hook.vfork_safe = rt_sup_sec_vfork_safe(s->sec);
    rt_launch_opts lo = {
        .run_dir = p->state_dir,
        .qmp_socket = p->monitor,
        .log_path = p->log_file,
        .extra_args = sup_has_arg(p, "-S") ? NULL : paused,
        .start_timeout_ms = s->o.start_timeout_ms > 0 ? s->o.start_timeout_ms
                                                      : SUP_START_TIMEOUT_MS,
        .qmp_timeout_ms = SUP_QMP_TIMEOUT_MS,
        .hook = &hook,
        .log_append = s->info.pid > 0,   /* a restart: the log goes on */
        /* the monitor is bound here and handed over: QEMU's user's, as if
         * QEMU had made it */
        .socket_chown = s->caps.change_id,
        .socket_uid = s->caps.uid,
        .socket_gid = s->caps.gid,
        /* -S is always given: cont goes with the handshake */
        .resume = !s->o.paused,
    };
    vc_diags why;
    vc_diags_init(&why);
    /* the plan's argv, or its copy with what was chosen at start (a vsock CID) */
    char *const *argv = rt_sup_sec_argv(s->sec);
    s->launch = rt_launch_start_argv(argv ? argv : p->argv.v, p->env.v, &lo, &why);
    /* QEMU has its copies of the passed descriptors, or is gone */
    rt_sup_sec_close_fds(s->sec);
    if (!s->launch) {
        const char *msg = why.n > 0 ? why.v[0].message : "no reason given";
        const char *host = rt_launch_classify(msg);
        if (host)
            vc_runtime_error(d, "guest '%s' did not start: %s (the host lacks: %s)", p->name, msg,
                             host);
        else
            vc_runtime_error(d, "guest '%s' did not start: %s", p->name, msg);
        vc_diags_free(&why);
        return false;
    }
    vc_diags_free(&why);
    s->info.pid = rt_launch_pid(s->launch);
    free(s->info.state);
    s->info.state = vc_xstrdup(s->o.paused ? "paused" : "running");
    return sup_write_pid(p->pid_file, s->info.pid, d) && rt_guest_write(p->run_dir, &s->info, d);
}

/* What the plan says for a guest that powered off, rebooted or crashed
 * (what: "poweroff", "reboot", "crash"); said in the guest's log.
 *
 * restart is what libvirt's domain format documents it as: "the domain
 * will be terminated and then restarted with the same configuration".
 * For a reboot that is QEMU's own reset (it resets the machine itself
 * unless -no-reboot made the reboot a SHUTDOWN, when it is asked to); for
 * a power-off or a crash, this QEMU ends and a new one is started from the
 * same plan, under the same supervisor, ownership, cgroup and labels.
 * preserve keeps QEMU, stopped: "shut off" after a power-off, "crashed"
 * after a crash. */
/* A restart the restart limit refuses (guest.h): the guest is left as
 * preserve leaves it, and says why. */
static void sup_restart_refused(sup *s, const char *what)
{
    const char *state = strcmp(what, "crash") == 0 ? "crashed" : "shut off";
    free(s->info.reason);
    s->info.reason = rt_restart_limit_reason(&s->restarts);
    fprintf(stderr, "virtc: guest '%s': not restarted: %s; left %s\n", s->p->name,
            s->info.reason, state);
    sup_set_state(s, state);
}

static void sup_life(sup *s, const char *what, rt_life_action a, bool *quit)
{
    fprintf(stderr, "virtc: guest '%s': %s, on_%s=%s\n", s->p->name, what, what,
            rt_life_action_name(a));
    fflush(stderr);
    bool reboot = strcmp(what, "reboot") == 0;
    vc_diags tmp;
    vc_diags_init(&tmp);
    switch (a) {
    case RT_LIFE_DESTROY:
        *quit = true;
        break;
    case RT_LIFE_RESTART:
        if (!reboot && !rt_restart_allowed(&s->restarts, sup_now_ms())) {
            sup_restart_refused(s, what);
        } else if (!reboot) {
            s->restart = true;
            *quit = true;
        } else if (sup_qmp_ok(s, "system_reset", &tmp)) {
            sup_qmp_ok(s, "cont", &tmp);
        }
        break;
    case RT_LIFE_PRESERVE:
        sup_set_state(s, strcmp(what, "crash") == 0 ? "crashed" : "shut off");
        break;
    }
    vc_diags_free(&tmp);
}

static const char *sup_event_str(json_object *ev, const char *key)
{
    json_object *data, *v;
    if (!json_object_object_get_ex(ev, "data", &data) ||
        !json_object_object_get_ex(data, key, &v))
        return NULL;
    return json_object_get_string(v);
}

/* One QMP event; *quit when the guest is to end. */
static void sup_event(sup *s, json_object *ev, bool stopping, bool *quit)
{
    json_object *name;
    if (!json_object_object_get_ex(ev, "event", &name))
        return;
    const char *e = json_object_get_string(name);
    const char *reason = sup_event_str(ev, "reason");
    const char *guest = sup_event_str(ev, "guest");
    if (strcmp(e, "SHUTDOWN") == 0) {
        if (stopping || !vc_streq(guest, "true"))
            *quit = true;
        else if (vc_streq(reason, "guest-reset"))
            sup_life(s, "reboot", s->p->on_reboot, quit);
        else if (vc_streq(reason, "guest-panic"))
            sup_life(s, "crash", s->p->on_crash, quit);
        else
            sup_life(s, "poweroff", s->p->on_poweroff, quit);
    } else if (strcmp(e, "RESET") == 0) {
        /* QEMU resets by itself unless -no-reboot made it a SHUTDOWN */
        if (vc_streq(guest, "true") && s->p->on_reboot == RT_LIFE_DESTROY)
            sup_life(s, "reboot", s->p->on_reboot, quit);
    } else if (strcmp(e, "GUEST_PANICKED") == 0) {
        sup_life(s, "crash", s->p->on_crash, quit);
    } else if (strcmp(e, "STOP") == 0) {
        /* a preserved guest is stopped too, but says why */
        if (!vc_streq(s->info.state, "shut off") && !vc_streq(s->info.state, "crashed"))
            sup_set_state(s, "paused");
    } else if (strcmp(e, "RESUME") == 0) {
        sup_set_state(s, "running");
    }
}

/* Follows QEMU until it has exited. */
static void sup_loop(sup *s)
{
    bool stopping = false, quit = false, quit_sent = false;
    long long powerdown_deadline = 0, kill_deadline = 0;
    for (;;) {
        if (rt_launch_exited(s->launch, false))
            return;
        long long now = sup_now_ms();
        if (sup_force_req || (kill_deadline && now > kill_deadline)) {
            rt_spawn_kill(rt_launch_pid(s->launch));
            rt_launch_exited(s->launch, true);
            return;
        }
        vc_diags tmp;
        vc_diags_init(&tmp);
        if (sup_stop_req && !stopping) {
            stopping = true;
            powerdown_deadline = now + (sup_stop_ms > 0 ? sup_stop_ms : 10000);
            if (!sup_qmp_ok(s, "system_powerdown", &tmp))
                quit = true;
        }
        if (stopping && !quit && now > powerdown_deadline)
            quit = true;
        if (quit && !quit_sent) {
            quit_sent = true;
            kill_deadline = now + SUP_QUIT_GRACE_MS;
            sup_qmp_ok(s, "quit", &tmp);
        }
        rt_qmp *m = rt_launch_qmp(s->launch);
        json_object *ev = m && !rt_qmp_closed(m) ? rt_qmp_event(m, SUP_POLL_MS, &tmp) : NULL;
        if (ev) {
            sup_event(s, ev, stopping, &quit);
            json_object_put(ev);
        } else if (!m || rt_qmp_closed(m) || tmp.nerrors > 0) {
            /* the monitor is gone: QEMU is exiting (or was killed) */
            if (!kill_deadline)
                kill_deadline = sup_now_ms() + SUP_QUIT_GRACE_MS;
            struct timespec ts = { 0, 20 * 1000000L };
            nanosleep(&ts, NULL);
        }
        vc_diags_free(&tmp);
    }
}

/* QEMU has ended for a restart (sup_life): a new one from the same plan,
 * running. False (said in the log) when it did not start. */
static bool sup_restart(sup *s)
{
    s->restart = false;
    s->o.paused = false;
    rt_launch_free(s->launch);
    s->launch = NULL;
    unlink(s->p->monitor);
    vc_diags d;
    vc_diags_init(&d);
    bool ok = rt_sup_sec_renew(s->sec, s->p, &d) && sup_launch(s, &d);
    if (!ok)
        vc_diags_print(stderr, &d);
    else
        fprintf(stderr, "virtc: guest '%s': started again, QEMU pid %ld\n", s->p->name,
                (long)s->info.pid);
    fflush(stderr);
    vc_diags_free(&d);
    return ok;
}

/* ---- the end ----------------------------------------------------------------- */

/* Whatever happened: QEMU reaped, every model undone, every file removed,
 * the lock released last. Messages go to the guest's log. */
static void sup_undo(sup *s, vc_diags *d)
{
    const rt_plan *p = s->p;
    rt_launch_free(s->launch);
    s->launch = NULL;
    rt_sup_sec_undo(s->sec, d);
    s->sec = NULL;
    rt_dac_restore(s->dac, d);
    s->dac = NULL;
    rt_guest_remove_dir(p->state_dir);
    unlink(p->pid_file);
    char *state = rt_guest_file(p->run_dir, p->name, "state");
    unlink(state);
    free(state);
    char *lock = rt_guest_file(p->run_dir, p->name, "lock");
    unlink(lock);
    free(lock);
    close(s->lockfd);
    rt_caps_spec_free(&s->caps);
    rt_guest_info_free(&s->info);
    rt_restart_limit_free(&s->restarts);
}

/* Undoes everything, its words to the guest's log (stderr by now). */
static void sup_cleanup(sup *s)
{
    vc_diags d;
    vc_diags_init(&d);
    sup_undo(s, &d);
    if (d.n > 0)
        vc_diags_print(stderr, &d);
    vc_diags_free(&d);
}

/* ---- the supervisor process ---------------------------------------------------- */

/* Closes every descriptor but keep1 and keep2; 0-2 on /dev/null. */
static void sup_detach_fds(int keep1, int keep2)
{
    int lo = keep1 < keep2 ? keep1 : keep2, hi = keep1 < keep2 ? keep2 : keep1;
    close_range(3, (unsigned)lo - 1, 0);
    if (hi > lo + 1)
        close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
    close_range((unsigned)hi + 1, ~0U, 0);
    int null = open("/dev/null", O_RDWR | O_NOCTTY);
    for (int i = 0; i < 3; i++)
        if (null != i)
            dup2(null, i);
    if (null > 2)
        close(null);
}

/* Its guest's lock held, the supervisor prepares, starts QEMU, reports,
 * and follows the guest to its end. */
static __attribute__((noreturn)) void sup_main(sup *s)
{
    vc_diags d;
    vc_diags_init(&d);
    bool ok = sup_prepare(s, &d) && sup_launch(s, &d);
    rt_trace("sup: pid and state written");
    if (!ok) {
        /* A start that failed has left nothing behind, lock file
         * included, by the time `virtc start` hears of it; the undo's own
         * errors are part of the report. */
        sup_undo(s, &d);
        sup_report(s, &d, false);
        vc_diags_free(&d);
        _exit(1);
    }
    sup_report(s, &d, true);
    vc_diags_free(&d);
    /* the supervisor's own words from now on go to the guest's log */
    int log = open(s->p->log_file, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
    if (log >= 0 && log != 2) {
        dup2(log, 2);
        close(log);
    }
    sup_loop(s);
    while (s->restart && !sup_stop_req && !sup_force_req && sup_restart(s))
        sup_loop(s);
    sup_cleanup(s);
    _exit(0);
}

/* The guest's lock, held; -1 with the reason when another holds it. A lock
 * file replaced between open and flock (its supervisor ended and removed
 * it) is opened again. */
static int sup_lock(const rt_plan *p, vc_diags *d)
{
    char *path = rt_guest_file(p->run_dir, p->name, "lock");
    for (int tries = 0; tries < 5; tries++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0) {
            vc_runtime_error(d, "cannot open %s: %s", path, strerror(errno));
            break;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            rt_guest_info g;
            vc_diags tmp;
            vc_diags_init(&tmp);
            bool known = rt_guest_read(p->run_dir, p->name, &g, &tmp);
            if (known && g.pid > 0)
                vc_runtime_error(d, "guest '%s' is already running (QEMU pid %ld, supervisor "
                                 "pid %ld)", p->name, (long)g.pid, (long)g.supervisor);
            else
                vc_runtime_error(d, "guest '%s' is already running (starting or stopping)",
                                 p->name);
            if (known)
                rt_guest_info_free(&g);
            vc_diags_free(&tmp);
            break;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            free(path);
            return fd;
        }
        close(fd);
    }
    free(path);
    return -1;
}

/* Another running guest with the same uuid. */
static bool sup_uuid_free(const rt_plan *p, vc_diags *d)
{
    size_t n;
    rt_guest_info *v = rt_guest_list(p->run_dir, &n);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        if (!vc_streq(v[i].name, p->name) && !vc_streq(v[i].state, "lost") && v[i].uuid &&
            strcasecmp(v[i].uuid, p->uuid) == 0)
            ok = vc_runtime_error(d, "a guest with uuid %s is already running as '%s'", p->uuid,
                                  v[i].name);
    rt_guest_list_free(v, n);
    return ok;
}

/* The guest's name and uuid claimed: its lock taken (s->lockfd), no other
 * guest of that uuid running. False with the reason; nothing is left. */
static bool sup_claim(sup *s, vc_diags *d)
{
    const rt_plan *p = s->p;
    if (!rt_mkdirs(p->run_dir, p->instance == RT_INSTANCE_SESSION ? 0700 : 0755, d))
        return false;
    rt_trace("start: run dir");
    if ((s->lockfd = sup_lock(p, d)) < 0)
        return false;
    if (!sup_uuid_free(p, d)) {
        char *lock = rt_guest_file(p->run_dir, p->name, "lock");
        unlink(lock);
        free(lock);
        close(s->lockfd);
        s->lockfd = -1;
        return false;
    }
    rt_trace("start: locked, uuid free");
    return true;
}

/* The message `virtc start` hands its supervisor (rt_sup_run): one line
 * "PAUSED TIMEOUT-MS", then the plan as rt_plan_format writes it. */
static rt_plan *sup_receive(int fd, rt_sup_opts *o, vc_diags *d)
{
    vc_buf b;
    vc_buf_init(&b);
    sup_read_all(fd, &b);
    int paused = 0, timeout_ms = 0, used = 0;
    rt_plan *p = NULL;
    if (b.len > 0 && sscanf(b.data, "%d %d\n%n", &paused, &timeout_ms, &used) == 2 && used > 0) {
        *o = (rt_sup_opts){ .paused = paused != 0, .start_timeout_ms = timeout_ms };
        p = rt_plan_parse_formatted(b.data + used, b.len - (size_t)used, d);
    }
    vc_buf_free(&b);
    return p;
}

/* The supervisor, forked by rt_sup_fork: a session of its own, without a
 * controlling terminal, and no second fork to give up leading it: what
 * the supervisor opens is state, cgroup and proc files and the guest's log
 * (O_NOCTTY, in case it names a terminal), and QEMU gets a session of its
 * own. It is init's child once `virtc start` exits, right after the
 * report. A middle child would cost a fork, and a wakeup, on the way to
 * QEMU. Without a plan (the document was refused) it ends, having made
 * nothing. */
static __attribute__((noreturn)) void sup_early_main(int planfd, int reportfd)
{
    if (setsid() < 0)
        _exit(1);
    sup_signals();
    rt_trace("sup: forked");
    prctl(PR_SET_NAME, "virtc-sup");
    sup_detach_fds(planfd, reportfd);
    sup s = { .lockfd = -1, .reportfd = reportfd };
    vc_diags d;
    vc_diags_init(&d);
    /* libxml2's one-time set-up while the plan is being compiled, not
     * once it has come */
    xml_init();
    rt_plan *p = sup_receive(planfd, &s.o, &d);
    close(planfd);
    if (!p) {
        if (d.n > 0)
            sup_report(&s, &d, false);
        _exit(1);
    }
    rt_trace("sup: plan received");
    s.p = p;
    if (!sup_claim(&s, &d)) {
        sup_report(&s, &d, false);
        _exit(1);
    }
    vc_diags_free(&d);
    s.info.name = vc_xstrdup(p->name);
    s.info.uuid = vc_xstrdup(p->uuid);
    s.info.supervisor = getpid();
    s.info.started = (long long)time(NULL);
    rt_restart_limit_init(&s.restarts, p->restart_burst, p->restart_window_s);
    sup_main(&s);
}

/* ---- in `virtc start` ---------------------------------------------------------- */

struct rt_sup_early {
    pid_t pid;                /* -1: the fork failed (fork_errno) */
    int fork_errno;
    int planfd;               /* the plan goes here; -1 once sent */
    int reportfd;             /* the supervisor's report comes here */
};

rt_sup_early *rt_sup_fork(void)
{
    rt_sup_early *e = vc_xcalloc(1, sizeof(*e));
    int plan[2], rep[2];
    e->pid = -1;
    e->planfd = e->reportfd = -1;
    if (pipe2(plan, O_CLOEXEC) != 0) {
        e->fork_errno = errno;
        return e;
    }
    if (pipe2(rep, O_CLOEXEC) != 0) {
        e->fork_errno = errno;
        close(plan[0]);
        close(plan[1]);
        return e;
    }
    fflush(stdout);
    fflush(stderr);
    e->pid = fork();
    if (e->pid == 0) {
        close(plan[1]);
        close(rep[0]);
        sup_early_main(plan[0], rep[1]);
    }
    e->fork_errno = errno;
    close(plan[0]);
    close(rep[1]);
    if (e->pid < 0) {
        close(plan[1]);
        close(rep[0]);
    } else {
        e->planfd = plan[1];
        e->reportfd = rep[0];
    }
    return e;
}

static void sup_early_free(rt_sup_early *e)
{
    if (e->planfd >= 0)
        close(e->planfd);
    if (e->reportfd >= 0)
        close(e->reportfd);
    free(e);
}

void rt_sup_cancel(rt_sup_early *e)
{
    if (!e)
        return;
    /* the plan's pipe closed empty: the supervisor ends at once, and is
     * reaped here so that nothing of the start outlives it */
    close(e->planfd);
    e->planfd = -1;
    if (e->pid > 0)
        while (waitpid(e->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    sup_early_free(e);
}

/* Writes all of text to fd; false when the reader has gone. */
static bool sup_write_all(int fd, const char *text, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        off += (size_t)n;
    }
    return true;
}

bool rt_sup_run(rt_sup_early *e, const rt_plan *p, const rt_sup_opts *o, vc_diags *d)
{
    if (e->pid < 0) {
        vc_runtime_error(d, "fork: %s", strerror(e->fork_errno));
        sup_early_free(e);
        return false;
    }
    static const rt_sup_opts none;
    if (!o)
        o = &none;
    char *plan = rt_plan_format(p);
    char *msg = vc_xasprintf("%d %d\n%s", o->paused ? 1 : 0, o->start_timeout_ms, plan);
    free(plan);
    /* a supervisor gone before reading it (killed) closed its end: the
     * write fails with EPIPE, not a signal, and the report says the rest */
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    sup_write_all(e->planfd, msg, strlen(msg));
    sigaction(SIGPIPE, &old, NULL);
    free(msg);
    close(e->planfd);
    e->planfd = -1;
    /* never reaped here once the guest runs: the supervisor lives as long
     * as its guest; after a failed start it has ended, and goes with it */
    bool ok = sup_read_report(e->reportfd, d);
    if (!ok)
        while (waitpid(e->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    sup_early_free(e);
    return ok;
}
