/* launch.c: start QEMU from a launch, wait for QMP, stop it (see launch.h). */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../translators/util.h"
#include "spawn.h"
#include "trace.h"

#define RT_START_TIMEOUT_MS 30000
#define RT_QMP_TIMEOUT_MS 60000
#define RT_STOP_TIMEOUT_MS 10000
/* After QEMU closes its monitor during start-up it is on its way out; this
 * long is given to it to exit so its message can be read. */
#define RT_EXIT_GRACE_MS 5000

struct rt_launch {
    pid_t pid;
    bool reaped;
    int status;               /* waitpid status once reaped */
    bool status_known;        /* false: reaped elsewhere (ECHILD), status lost */
    char *run_dir;
    bool own_dir;             /* made here: removed by rt_launch_free */
    char *qmp_path;
    bool own_socket;          /* the -chardev/-mon pair was added here */
    char *log_path;
    bool own_log;
    bool log_append;          /* opened O_APPEND rather than truncated */
    vc_strv argv;
    size_t mon_arg;           /* argv index of the monitor's -chardev; 0: none */
    int listen_fd;            /* the monitor bound here, until QEMU has it; -1 */
    rt_qmp *qmp;
};

static long long rt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void rt_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the child ---------------------------------------------------------- */

/* Reaps the child if it has exited (block: wait for it). True once reaped. */
static bool rt_reap(rt_launch *r, bool block)
{
    if (r->reaped)
        return true;
    rt_spawn_state st = rt_spawn_reap(r->pid, block, &r->status);
    if (st == RT_SPAWN_RUNNING)
        return false;
    r->reaped = true;
    r->status_known = st == RT_SPAWN_EXITED;
    return true;
}

/* Waits up to ms for the child to exit on its own. */
static bool rt_wait_exit(rt_launch *r, long long ms)
{
    long long deadline = rt_now_ms() + ms;
    long step = 1;
    while (!rt_reap(r, false)) {
        long long left = deadline - rt_now_ms();
        if (left <= 0)
            return false;
        rt_sleep_ms(step < left ? step : (long)left);
        if (step < 50)
            step *= 2;
    }
    return true;
}

/* The child leads its own process group (setsid), so the group takes
 * with it whatever QEMU started (a bridge helper, a network script). */
static void rt_kill(rt_launch *r)
{
    if (r->reaped || r->pid <= 1)
        return;
    rt_spawn_kill(r->pid);
    rt_reap(r, true);
}

static char *rt_status_text(const rt_launch *r)
{
    return rt_spawn_status_text(r->status_known ? RT_SPAWN_EXITED : RT_SPAWN_UNKNOWN, r->status);
}

/* ---- start --------------------------------------------------------------- */

static char *rt_mkdtemp(vc_diags *d)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = vc_xasprintf("%s/virtc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        vc_runtime_error(d, "cannot make a run directory %s: %s", dir, strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

/* ---- the monitor socket, bound before QEMU starts ------------------------- */

/* The next item of a QEMU option string ("a=b,c,,d": ',' escaped as ",,")
 * at *s, unescaped (caller frees); *end is where its text ends, and *s
 * moves past it and its comma. */
static char *rt_opt_item(const char **s, const char **end)
{
    vc_buf b;
    vc_buf_init(&b);
    const char *c = *s;
    for (; *c; c++) {
        if (*c == ',' && c[1] == ',')
            c++;
        else if (*c == ',')
            break;
        vc_buf_putc(&b, *c);
    }
    *end = c;
    *s = *c ? c + 1 : c;
    vc_buf_putc(&b, '\0');
    return vc_buf_steal(&b);
}

/* A -chardev value that serves a UNIX socket at path ("socket,...,
 * path=PATH,server=on"): its text with "path=PATH" made "fd=N" (caller
 * frees), or NULL. */
static char *rt_chardev_fd_form(const char *value, const char *path, int fd)
{
    bool socket = false, at_path = false, server = false;
    size_t path_at = 0, path_end = 0;
    for (const char *s = value; *s;) {
        size_t start = (size_t)(s - value);
        const char *end;
        char *item = rt_opt_item(&s, &end);
        if (start == 0)
            socket = strcmp(item, "socket") == 0 || strcmp(item, "backend=socket") == 0;
        else if (strncmp(item, "path=", 5) == 0 && strcmp(item + 5, path) == 0) {
            at_path = true;
            path_at = start;
            path_end = (size_t)(end - value);
        } else if (strcmp(item, "server=on") == 0 || strcmp(item, "server") == 0)
            server = true;
        free(item);
    }
    if (!socket || !at_path || !server)
        return NULL;
    return vc_xasprintf("%.*sfd=%d%s", (int)path_at, value, fd, value + path_end);
}

/* The listening socket at path for QEMU, mode 0600 (its owner's only), or
 * -1 when it cannot be bound here (QEMU then binds the path itself and says
 * why when it cannot either). */
static int rt_listen_unix(const char *path, const rt_launch_opts *o)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t n = strlen(path);
    if (n >= sizeof(sa.sun_path))
        return -1;
    memcpy(sa.sun_path, path, n + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    unlink(path);   /* a stale socket of an earlier QEMU */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    if (chmod(path, 0600) != 0 || (o->socket_chown && chown(path, o->socket_uid, o->socket_gid) != 0) ||
        listen(fd, 8) != 0) {
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

/* QEMU's argv: the caller's, the monitor added when it is ours, and the
 * monitor's socket bound here when that can be done (r->listen_fd). */
static void rt_build_argv(rt_launch *r, char *const *argv, const rt_launch_opts *o)
{
    size_t mon = 0;
    for (size_t i = 0; argv[i]; i++) {
        vc_strv_add(&r->argv, i == 0 && o->emulator ? o->emulator : argv[i]);
        if (!r->own_socket && !mon && i > 0 && strcmp(argv[i - 1], "-chardev") == 0) {
            char *probe = rt_chardev_fd_form(argv[i], r->qmp_path, RT_SPAWN_PASS_FD);
            mon = probe ? i : 0;
            free(probe);
        }
    }
    if (r->own_socket) {
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_puts(&b, "socket,id=virtcqmp,path=");
        /* a ',' in a QEMU option value is written twice */
        for (const char *c = r->qmp_path; *c; c++) {
            if (*c == ',')
                vc_buf_putc(&b, ',');
            vc_buf_putc(&b, *c);
        }
        vc_buf_puts(&b, ",server=on,wait=off");
        vc_strv_add(&r->argv, "-chardev");
        mon = r->argv.n;
        vc_strv_take(&r->argv, vc_buf_steal(&b));
        vc_strv_add(&r->argv, "-mon");
        vc_strv_add(&r->argv, "chardev=virtcqmp,mode=control");
    }
    for (const char *const *a = o->extra_args; a && *a; a++)
        vc_strv_add(&r->argv, *a);
    if (mon && (r->listen_fd = rt_listen_unix(r->qmp_path, o)) >= 0) {
        char *fd_form = rt_chardev_fd_form(r->argv.v[mon], r->qmp_path, RT_SPAWN_PASS_FD);
        free(r->argv.v[mon]);
        r->argv.v[mon] = fd_form;
        r->mon_arg = mon;
    }
}

/* Forks and execs; false (the child reaped) when the exec itself failed. */
static bool rt_start_child(rt_launch *r, char *const *env, const rt_spawn_hook *hook,
                           vc_diags *d)
{
    int logfd = open(r->log_path, O_WRONLY | O_CREAT | (r->log_append ? O_APPEND : O_TRUNC) |
                                      O_CLOEXEC | O_NOCTTY, 0600);
    if (logfd < 0)
        return vc_runtime_error(d, "cannot open the log %s: %s", r->log_path, strerror(errno));
    pid_t pid = rt_spawn_pass(r->argv.v, env, logfd, r->listen_fd, hook, d);
    close(logfd);
    /* QEMU holds the monitor now: once it ends, a connection it never
     * accepted is reset instead of waiting for the deadline */
    if (r->listen_fd >= 0)
        close(r->listen_fd);
    r->listen_fd = -1;
    if (pid < 0)
        return false;
    r->pid = pid;
    r->reaped = false;
    return true;
}

/* What follows the "2026-01-31T12:34:56.789012Z " that "-msg timestamp=on"
 * puts before each of QEMU's messages (the line itself when there is none):
 * a message is compared and grouped, a time stamp makes each one unique. */
static const char *rt_skip_timestamp(const char *line)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    const char *s = line;
    for (const char *p = shape; *p; p++, s++)
        if (*p == 'd' ? !(*s >= '0' && *s <= '9') : *s != *p)
            return line;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    return s[0] == 'Z' && s[1] == ' ' ? s + 2 : line;
}

/* The message of a QEMU that exited during start-up: its last words, or
 * how it ended when it said nothing. */
static bool rt_fail_exited(rt_launch *r, vc_diags *d)
{
    char *line = rt_launch_last_line(r->log_path);
    if (line) {
        vc_runtime_error(d, "%s", rt_skip_timestamp(line));
        free(line);
        return false;
    }
    char *how = rt_status_text(r);
    vc_runtime_error(d, "%s %s before its monitor answered", r->argv.v[0], how);
    free(how);
    return false;
}

/* A negotiated session (the guest set running when resume), or NULL:
 * *refused tells "no one listens yet" (keep polling) from a monitor that
 * answered badly, *no_cont a QEMU that answered cont with an error. */
static rt_qmp *rt_try_qmp(const char *path, int timeout_ms, bool resume, bool *refused,
                          bool *no_cont, vc_diags *d)
{
    vc_diags tmp;
    vc_diags_init(&tmp);
    rt_qmp *m = rt_qmp_connect_unix(path, timeout_ms, &tmp);
    *refused = m == NULL;
    *no_cont = false;
    if (m && !(resume ? rt_qmp_handshake_resume(m, no_cont, &tmp) : rt_qmp_handshake(m, &tmp))) {
        rt_qmp_free(m);
        m = NULL;
    }
    if (!m && !*refused)
        vc_diags_append(d, &tmp);
    vc_diags_free(&tmp);
    return m;
}

/* Why connecting to path fails right now; 0 when something listens. */
static int rt_connect_errno(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t n = strlen(path);
    if (n >= sizeof(sa.sun_path))
        return ENAMETOOLONG;
    memcpy(sa.sun_path, path, n + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    int e = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno;
    close(fd);
    return e;
}

/* Only "not there yet" (ENOENT) and "not listening yet" (ECONNREFUSED) are
 * worth waiting out; any other reason (a path too long, a directory that is
 * a file, no permission) will not change before the deadline. */
static bool rt_connect_pending(int e)
{
    return e == 0 || e == ENOENT || e == ECONNREFUSED || e == EINTR;
}

/* A QEMU that did not answer in time: killed. What it said last goes
 * along: a QEMU that waits for a client on a server socket before it
 * answers ("info: QEMU waiting for connection on: ...", a vhost-user
 * back end that never came) is not a QEMU that hangs. */
static bool rt_fail_hang(rt_launch *r, int start_ms, vc_diags *d)
{
    rt_kill(r);
    char *last = rt_launch_last_line(r->log_path);
    if (last)
        vc_runtime_error(d, "%s: no answer on its monitor %s within %d ms; its last message: %s",
                         r->argv.v[0], r->qmp_path, start_ms, rt_skip_timestamp(last));
    else
        vc_runtime_error(d, "%s: no answer on its monitor %s within %d ms", r->argv.v[0],
                         r->qmp_path, start_ms);
    free(last);
    return false;
}

/* Polls the socket until QMP answers, the child exits or time runs out. */
static bool rt_wait_ready(rt_launch *r, int start_ms, int qmp_ms, bool resume, vc_diags *d)
{
    long long deadline = rt_now_ms() + start_ms;
    long step = 1;
    for (;;) {
        if (rt_reap(r, false))
            return rt_fail_exited(r, d);
        long long left = deadline - rt_now_ms();
        if (left <= 0)
            return rt_fail_hang(r, start_ms, d);
        bool refused, no_cont;
        vc_diags why;
        vc_diags_init(&why);
        rt_qmp *probe = rt_try_qmp(r->qmp_path, (int)left, resume, &refused, &no_cont, &why);
        if (probe) {
            rt_trace("launch: qmp ready");
            vc_diags_free(&why);
            /* The session that answered is the caller's, with a deadline
             * of its own: a slow start does not shorten it, and a second
             * connection would cost QEMU another round trip. */
            rt_qmp_set_timeout(probe, qmp_ms);
            r->qmp = probe;
            return true;
        }
        if (no_cont) {
            /* QEMU runs and says why its guest cannot */
            vc_diags_append(d, &why);
            vc_diags_free(&why);
            rt_kill(r);
            return false;
        }
        if (!refused && rt_now_ms() >= deadline && !rt_reap(r, false)) {
            /* the socket was there (bound before the fork), the greeting
             * was not */
            vc_diags_free(&why);
            return rt_fail_hang(r, start_ms, d);
        }
        if (!refused) {
            /* The monitor hung up or timed out: a QEMU that failed after
             * creating its socket; its own message says why. */
            if (rt_wait_exit(r, RT_EXIT_GRACE_MS)) {
                vc_diags_free(&why);
                return rt_fail_exited(r, d);
            }
            vc_diags_append(d, &why);
            vc_diags_free(&why);
            rt_kill(r);
            return false;
        }
        vc_diags_free(&why);
        int e = rt_connect_errno(r->qmp_path);
        if (!rt_connect_pending(e)) {
            rt_kill(r);
            return vc_runtime_error(d, "%s: cannot connect to its monitor %s: %s", r->argv.v[0],
                                    r->qmp_path, strerror(e));
        }
        /* A connect is cheap and QEMU's start is short: polling every
         * millisecond or two costs nothing and keeps the wait tight. */
        rt_sleep_ms(step);
        step = 2;
    }
}

static void rt_launch_release(rt_launch *r)
{
    if (r->qmp) {
        rt_qmp_free(r->qmp);
        r->qmp = NULL;
    }
    rt_kill(r);
    if (r->listen_fd >= 0)
        close(r->listen_fd);
    r->listen_fd = -1;
    /* a socket bound here is ours to remove, as QEMU removes its own */
    if ((r->own_socket || r->mon_arg) && r->qmp_path)
        unlink(r->qmp_path);
    if (r->own_log && r->log_path)
        unlink(r->log_path);
    if (r->own_dir && r->run_dir)
        rmdir(r->run_dir);
}

rt_launch *rt_launch_start_argv(char *const *argv, char *const *env, const rt_launch_opts *opts,
                                vc_diags *d)
{
    static const rt_launch_opts defaults;
    const rt_launch_opts *o = opts ? opts : &defaults;
    if (!argv || !argv[0]) {
        vc_runtime_error(d, "the launch has no command");
        return NULL;
    }
    const char *emulator = o->emulator ? o->emulator : argv[0];
    if (emulator[0] != '/') {
        /* execve takes a path; a search through PATH is a shell's job. */
        vc_runtime_error(d, "the emulator must be an absolute path, not '%s'", emulator);
        return NULL;
    }
    rt_launch *r = vc_xcalloc(1, sizeof(*r));
    r->reaped = true;   /* nothing to reap until the fork */
    r->listen_fd = -1;
    vc_strv_init(&r->argv);
    if (o->run_dir) {
        r->run_dir = vc_xstrdup(o->run_dir);
    } else if ((r->run_dir = rt_mkdtemp(d)) != NULL) {
        r->own_dir = true;
    } else {
        rt_launch_free(r);
        return NULL;
    }
    r->own_socket = o->qmp_socket == NULL;
    r->qmp_path = o->qmp_socket ? vc_xstrdup(o->qmp_socket)
                                : vc_xasprintf("%s/qmp.sock", r->run_dir);
    r->own_log = o->log_path == NULL && r->own_dir;
    r->log_append = o->log_append;
    r->log_path = o->log_path ? vc_xstrdup(o->log_path)
                              : vc_xasprintf("%s/qemu.log", r->run_dir);
    rt_build_argv(r, argv, o);
    /* A stale socket would answer "connection refused" until QEMU replaces
     * it; one we name is ours to remove. */
    if (r->own_socket && r->listen_fd < 0)
        unlink(r->qmp_path);
    rt_trace("launch: argv");
    if (!rt_start_child(r, env, o->hook, d)) {
        rt_launch_free(r);
        return NULL;
    }
    rt_trace("launch: exec done");
    int start_ms = o->start_timeout_ms > 0 ? o->start_timeout_ms : RT_START_TIMEOUT_MS;
    int qmp_ms = o->qmp_timeout_ms > 0 ? o->qmp_timeout_ms : RT_QMP_TIMEOUT_MS;
    if (!rt_wait_ready(r, start_ms, qmp_ms, o->resume, d)) {
        rt_launch_free(r);
        return NULL;
    }
    return r;
}

/* ---- accessors ----------------------------------------------------------- */

rt_qmp *rt_launch_qmp(rt_launch *r)
{
    return r->qmp;
}

pid_t rt_launch_pid(const rt_launch *r)
{
    return r->pid;
}

const char *rt_launch_log_path(const rt_launch *r)
{
    return r->log_path;
}

const char *rt_launch_qmp_path(const rt_launch *r)
{
    return r->qmp_path;
}

bool rt_launch_exited(rt_launch *r, bool block)
{
    return rt_reap(r, block);
}

char *const *rt_launch_argv(const rt_launch *r)
{
    return r->argv.v;
}

/* ---- stop ---------------------------------------------------------------- */

/* "quit" over the session, or over a fresh one when the session is spent
 * (its deadline passed). False when QEMU could not be asked. */
static bool rt_send_quit(rt_launch *r)
{
    vc_diags tmp;
    vc_diags_init(&tmp);
    json_object *ret = r->qmp ? rt_qmp_command(r->qmp, "quit", NULL, NULL, &tmp) : NULL;
    if (r->qmp) {
        rt_qmp_free(r->qmp);
        r->qmp = NULL;
    }
    if (!ret && !r->reaped) {
        bool refused, no_cont;
        rt_qmp *m = rt_try_qmp(r->qmp_path, 2000, false, &refused, &no_cont, &tmp);
        if (m) {
            ret = rt_qmp_command(m, "quit", NULL, NULL, &tmp);
            rt_qmp_free(m);
        }
    }
    vc_diags_free(&tmp);
    if (!ret)
        return false;
    json_object_put(ret);
    return true;
}

bool rt_launch_stop(rt_launch *r, int timeout_ms, vc_diags *d)
{
    if (!r->reaped || r->qmp) {
        int ms = timeout_ms > 0 ? timeout_ms : RT_STOP_TIMEOUT_MS;
        /* QEMU may hang up before its reply to quit is read: whatever
         * the reply, it gets its time to exit before the SIGKILL. */
        bool asked = !r->reaped && rt_send_quit(r);
        if (!r->reaped && !rt_wait_exit(r, asked ? ms : RT_EXIT_GRACE_MS)) {
            rt_kill(r);
            return vc_runtime_error(d, "%s did not exit %s; killed", r->argv.v[0],
                           asked ? "after quit" : "(its monitor did not take quit)");
        }
    }
    if (r->status_known && WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0)
        return true;
    char *how = rt_status_text(r);
    vc_runtime_error(d, "%s %s", r->argv.v[0], how);
    free(how);
    return false;
}

void rt_launch_free(rt_launch *r)
{
    if (!r)
        return;
    rt_launch_release(r);
    free(r->run_dir);
    free(r->qmp_path);
    free(r->log_path);
    vc_strv_free(&r->argv);
    free(r);
}

/* ---- messages ------------------------------------------------------------ */

/* QEMU follows some errors with hints ("qemu-system-x86_64: info: its size
 * must be ..."); the error is the line before. */
static bool rt_is_hint(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    return colon && (size_t)(colon - s) + 8 <= n && strncmp(colon, ": info: ", 8) == 0;
}

char *rt_launch_last_line(const char *path)
{
    size_t len;
    char *text = rt_spawn_read_tail(path, RT_SPAWN_LOG_TAIL, &len);
    if (!text)
        return NULL;
    char *end = text + len;
    char *line = NULL;
    for (char *s = text; s < end;) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        char *e = nl ? nl : end;
        char *t = e;
        while (t > s && (t[-1] == '\r' || t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (t > s && !(line && rt_is_hint(s, (size_t)(t - s)))) {
            free(line);
            line = vc_xstrndup(s, (size_t)(t - s));
        }
        s = nl ? nl + 1 : end;
    }
    free(text);
    return line;
}

/*
 * What QEMU says when the host, not the command line, is the problem. The
 * first pattern found in the message wins, so the specific ones come before
 * the general ones ("Permission denied" on /dev/vfio is vfio).
 */
static const struct {
    const char *pattern;
    const char *resource;
} rt_host_reasons[] = {
    /* a server socket QEMU waits on before it answers (wait=on, the
     * default of a listening -chardev socket): a vhost-user back end */
    { "QEMU waiting for connection on", "socket peer" },
    { "/dev/net/tun", "tap device" },
    { "could not configure tap", "tap device" },
    { "bridge helper", "bridge" },
    { "bridge.conf", "bridge" },
    { "qemu-bridge-helper", "bridge" },
    { "/dev/vfio", "host PCI device (vfio)" },
    { "vfio", "host PCI device (vfio)" },
    { "/sys/bus/pci", "host PCI device" },
    { "hugepage", "hugepages" },
    { "hugetlbfs", "hugepages" },
    { "host usb device", "host USB device" },
    { "/dev/bus/usb", "host USB device" },
    { "could not add USB device 'host:", "host USB device" },
    { "libusb", "host USB device" },
    { "/dev/sg", "host SCSI device" },
    { "Is this a SCSI device", "host SCSI device" },
    { "vhost-scsi", "vhost-scsi" },
    { "/dev/vhost-vsock", "vhost-vsock" },
    { "vhost-vsock", "vhost-vsock" },
    { "/dev/vhost-net", "vhost-net" },
    { "vhost-vdpa", "vdpa device" },
    { "/dev/tpm", "host TPM" },
    { "tpm-emulator", "TPM emulator (swtpm)" },
    { "/dev/sev", "AMD SEV" },
    { "sev-guest", "AMD SEV" },
    { "SEV:", "AMD SEV" },
    { "Could not access KVM", "KVM" },
    { "failed to initialize kvm", "KVM" },
    { "/dev/kvm", "KVM" },
    { "host doesn't support requested feature", "host CPU feature" },
    /* Hyper-V enlightenments are KVM's: TCG and old kernels refuse them */
    { "kernel doesn't allow setting HyperV", "KVM Hyper-V enlightenments" },
    /* memory bound to host NUMA nodes this host does not have */
    { "cannot bind memory to host NUMA nodes", "host NUMA nodes" },
    { "The nodes select no CPUs", "host NUMA nodes" },
    /* intel-iommu eim=on: interrupt remapping of x2APIC needs KVM's irqchip */
    { "requires kernel irqchip", "KVM" },
    /* block drivers Debian ships as modules (qemu-block-extra) */
    { "Unknown driver 'rbd'", "QEMU block module" },
    { "Unknown driver 'gluster'", "QEMU block module" },
    { "Unknown driver 'http'", "QEMU block module" },
    { "Unknown driver 'https'", "QEMU block module" },
    { "Unknown driver 'iscsi'", "QEMU block module" },
    /* maxMemory beyond what the CPU's physical address bits reach */
    { "phys-bits too low", "CPU physical address bits" },
    { "not supported by the host", "host CPU feature" },
    { "locking memory failed", "locked memory limit" },
    { "mlock", "locked memory limit" },
    { "Cannot allocate memory", "host memory" },
    { "cannot set up guest memory", "host memory" },
    { "Address already in use", "port in use" },
    { "Failed to find an available port", "port in use" },
    { "Cannot assign requested address", "listen address" },
    /* storage clusters and GPUs the sandbox has none of */
    { "render node", "DRM render node" },
    { "egl: ", "DRM render node" },
    { "error connecting", "Ceph cluster" },
    { "gluster logs", "Gluster server" },
    /* spice_server_init() fails when it cannot listen where it was told */
    { "failed to initialize spice server", "SPICE listen address" },
    { "Could not resolve", "name resolution" },
    { "Name or service not known", "name resolution" },
    { "Temporary failure in name resolution", "name resolution" },
    { "Connection refused", "socket peer" },
    { "Failed to connect", "socket peer" },
    { "Network is unreachable", "network" },
    { "No route to host", "network" },
    { "could not load kernel", "kernel image" },
    { "linux kernel too old", "kernel image" },
    { "Linux kernel", "kernel image" },
    { "could not load PC BIOS", "firmware" },
    { "pflash", "firmware" },
    { "audio driver", "audio backend" },
    { "credentials", "TLS credentials" },
    { "x509", "TLS credentials" },
    { "SASL", "SASL" },
    { "Permission denied", "permission" },
    { "Operation not permitted", "permission" },
    { "'/dev/", "host device" },
    { "No such device", "host device" },
    { "No such file or directory", "host file" },
    /* smartcards emulated from the host's NSS certificate database */
    { "failed to initialize vcard", "NSS certificate database" },
    /* virgl devices are a QEMU module of their own (qemu-system-modules-opengl) */
    { "missing object type 'virtio-gpu-gl", "QEMU OpenGL module" },
    { "vhost-user", "vhost-user back end" },
    { "/sys/bus/mdev", "mediated device" },
};

const char *rt_launch_classify(const char *msg)
{
    if (!msg)
        return NULL;
    for (size_t i = 0; i < VC_ARRAY_SIZE(rt_host_reasons); i++)
        if (strcasestr(msg, rt_host_reasons[i].pattern))
            return rt_host_reasons[i].resource;
    return NULL;
}
