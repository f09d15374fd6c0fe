/* test_rt_launch.c: runtime/launch without a QEMU: the failure paths of a
 * start (no binary, an exit, a message on stderr, a hang), what is left
 * behind (nothing), the last-line reader and the host classification;
 * the state a child starts in (this program run as "--child-state").
 * Starting the real QEMU is tests/runtime/launch-qemu.sh's part. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/launch.h"
#include "../helpers/launch_glue.h"
#include "../../runtime/spawn.h"
#include "check.h"
#include "child_state.h"
#include "util.h"

static qemu_launch *launch_of(const char *const *words)
{
    qemu_launch *l = vc_xcalloc(1, sizeof(*l));
    vc_strv_init(&l->env);
    vc_strv_init(&l->argv);
    vc_diags_init(&l->warnings);
    vc_strv_add(&l->env, "LC_ALL=C");
    for (; *words; words++)
        vc_strv_add(&l->argv, *words);
    return l;
}

/* Starts words; returns the first error's message (owned) or NULL when the
 * start succeeded (it never should here). */
static char *start_fails(const char *const *words, int timeout_ms)
{
    qemu_launch *l = launch_of(words);
    rt_launch_opts o = { .start_timeout_ms = timeout_ms };
    vc_diags d;
    vc_diags_init(&d);
    rt_launch *r = glue_launch_start(l, &o, &d);
    char *msg = NULL;
    if (!r && d.n > 0)
        msg = vc_xstrdup(d.v[0].message);
    if (!r && d.n > 0 && d.v[0].code != VC_ERR_RUNTIME) {
        free(msg);
        msg = vc_xstrdup("wrong error code");
    }
    rt_launch_free(r);
    vc_diags_free(&d);
    qemu_launch_free(l);
    return msg;
}

static bool msg_is(char *msg, const char *want)
{
    bool ok = msg && strcmp(msg, want) == 0;
    if (!ok)
        printf("  got '%s', want '%s'\n", msg ? msg : "(started)", want);
    free(msg);
    return ok;
}

static bool msg_has(char *msg, const char *want)
{
    bool ok = msg && strstr(msg, want);
    if (!ok)
        printf("  got '%s', want it to contain '%s'\n", msg ? msg : "(started)", want);
    free(msg);
    return ok;
}

/* No run directory of ours is left under TMPDIR. */
static bool no_run_dirs(const char *tmp)
{
    char *cmd = vc_xasprintf("ls %s | grep -q virtc-", tmp);
    int rc = system(cmd);
    free(cmd);
    return rc != 0;
}

static void test_start_failures(void)
{
    char tmpl[] = "/tmp/rt-launch-test-XXXXXX";
    if (!mkdtemp(tmpl)) {
        CHECK(0, "mkdtemp");
        return;
    }
    setenv("TMPDIR", tmpl, 1);

    static const char *const relative[] = { "qemu-system-x86_64", NULL };
    CHECK(msg_is(start_fails(relative, 0),
                 "the emulator must be an absolute path, not 'qemu-system-x86_64'"),
          "a relative emulator is refused (no PATH search)");

    static const char *const missing[] = { "/nonexistent/qemu", NULL };
    CHECK(msg_is(start_fails(missing, 0),
                 "cannot execute /nonexistent/qemu: No such file or directory"),
          "execve's error is the message");

    static const char *const fails[] = { "/bin/false", NULL };
    CHECK(msg_is(start_fails(fails, 0), "/bin/false exited with status 1 before its monitor answered"),
          "a silent exit says how it ended");

    /* QEMU's last words are the message, whatever came before them. */
    static const char *const says[] = {
        "/bin/sh", "-c",
        "echo 'warning: something' >&2; echo 'qemu-system-x86_64: -device x: it broke' >&2; "
        "echo >&2; exit 1",
        NULL
    };
    CHECK(msg_is(start_fails(says, 0), "qemu-system-x86_64: -device x: it broke"),
          "the last non-blank stderr line is the message");

    static const char *const stamped[] = {
        "/bin/sh", "-c",
        "echo '2026-11-22T03:02:08.177570Z qemu-system-x86_64: -m 1T: no memory' >&2; exit 1",
        NULL
    };
    CHECK(msg_is(start_fails(stamped, 0), "qemu-system-x86_64: -m 1T: no memory"),
          "the time stamp of -msg timestamp=on is not part of the message");

    /* The environment is exactly the launch's: nothing of ours leaks in. */
    setenv("RT_LAUNCH_TEST_LEAK", "leaked", 1);
    static const char *const env[] = {
        "/bin/sh", "-c", "echo \"env:${RT_LAUNCH_TEST_LEAK:-none}:$LC_ALL\" >&2; exit 3", NULL
    };
    CHECK(msg_is(start_fails(env, 0), "env:none:C"), "the child gets exactly the launch's env");

    /* Standard input is /dev/null: a read sees end of file at once. */
    static const char *const stdin_null[] = {
        "/bin/sh", "-c", "if read x; then echo has-input >&2; else echo eof >&2; fi; exit 1", NULL
    };
    CHECK(msg_is(start_fails(stdin_null, 0), "eof"), "stdin is /dev/null");

    static const char *const hangs[] = { "/bin/sh", "-c", "sleep 30.0137; exit 0", NULL };
    CHECK(msg_has(start_fails(hangs, 300), "no answer on its monitor"), "a hang is bounded");
    CHECK(system("pgrep -f 'sleep 30[.]0137' >/dev/null") != 0,
          "the hung child and its own child are gone");

    CHECK(no_run_dirs(tmpl), "failed starts leave no run directory");
    rmdir(tmpl);
    unsetenv("TMPDIR");
}

/* ---- the child's starting state --------------------------------------- */

/* Run as the child: its descriptors, where 0-2 lead, its signal mask and
 * ignored signals, its session, and whether descriptor 3 is the monitor
 * socket, listening (the launch binds it and passes it), on one line of
 * stderr; then exit 1. */
static int child_state_main(void)
{
    vc_buf b;
    vc_buf_init(&b);
    child_state_line(&b);
    int listening = 0;
    socklen_t len = sizeof(listening);
    if (getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0)
        listening = 0;
    b.data[--b.len] = '\0';   /* the line goes on */
    vc_buf_printf(&b, " fd3:%s\n", listening ? "listening" : "no");
    if (write(1, "to stdout\n", 10) < 0 || write(2, b.data, b.len) < 0)
        return 2;
    vc_buf_free(&b);
    return 1;
}

static const char child_state[] =
    "fds: 0 1 2 3 stdin:/dev/null out:log blocked:0 ignored:0 leader:yes fd3:listening";

static void test_child_state(void)
{
    char tmpl[] = "/tmp/rt-launch-test-XXXXXX";
    if (!mkdtemp(tmpl)) {
        CHECK(0, "mkdtemp");
        return;
    }
    setenv("TMPDIR", tmpl, 1);
    char *self = realpath("/proc/self/exe", NULL);
    const char *const words[] = { self, "--child-state", NULL };

    /* A parent in a hostile state: signals ignored and blocked, a stray
     * descriptor without close-on-exec. None of it reaches the child. */
    signal(SIGUSR2, SIG_IGN);
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    int stray = open("/dev/null", O_RDONLY);
    CHECK(stray >= 0 && dup2(stray, 41) == 41, "a stray descriptor");
    CHECK(msg_is(start_fails(words, 0), child_state),
          "child: only 0-2 (stdin /dev/null, out+err the log) and the monitor's listening "
          "socket, no signal blocked or ignored, its own session");
    close(stray);
    close(41);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);

    /* virtc started with 1 and 2 (or 0-2) closed: /dev/null and the log are
     * opened onto them, and must still end up as the child's 0-2. */
    for (int first = 1; first >= 0; first--) {
        fflush(stdout);
        fflush(stderr);
        int saved[3];
        for (int i = first; i < 3; i++) {
            saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 100);
            close(i);
        }
        char *msg = start_fails(words, 0);
        for (int i = first; i < 3; i++) {
            dup2(saved[i], i);
            close(saved[i]);
        }
        CHECK(msg_is(msg, child_state), first ? "child: 0-2 in place when virtc has 1 and 2 closed"
                                              : "child: 0-2 in place when virtc has 0-2 closed");
    }

    /* An inherited SIGCHLD=SIG_IGN has the kernel reap children: a crash
     * must still read as a crash, not as "exited with status 0". */
    signal(SIGCHLD, SIG_IGN);
    static const char *const crash[] = { "/bin/sh", "-c", "kill -SEGV $$", NULL };
    CHECK(msg_is(start_fails(crash, 0),
                 "/bin/sh was killed by signal 11 (Segmentation fault) before its monitor answered"),
          "a crash is reported under an inherited SIGCHLD=SIG_IGN");
    struct sigaction sa;
    CHECK(sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL,
          "SIGCHLD is back to its default after a spawn");

    /* A status that was lost is not a clean exit. */
    int status = 0;
    CHECK(rt_spawn_reap(getpid(), false, &status) == RT_SPAWN_UNKNOWN, "ECHILD reads as unknown");
    char *text = rt_spawn_status_text(RT_SPAWN_UNKNOWN, 0);
    CHECK(strcmp(text, "ended with an unknown status") == 0, "an unknown status says so");
    free(text);

    /* Only "no socket yet" and "nobody listening yet" are waited out. */
    qemu_launch *l = launch_of((const char *const[]){ "/bin/sh", "-c", "sleep 30.0141", NULL });
    rt_launch_opts o = { .qmp_socket = "/etc/passwd/qmp.sock", .start_timeout_ms = 20000 };
    vc_diags d;
    vc_diags_init(&d);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rt_launch *r = glue_launch_start(l, &o, &d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(!r && d.n == 1 && strstr(d.v[0].message, "cannot connect to its monitor") &&
              strstr(d.v[0].message, "Not a directory") && t1.tv_sec - t0.tv_sec < 5,
          "a connect error other than ENOENT/ECONNREFUSED fails at once");
    rt_launch_free(r);
    vc_diags_free(&d);
    qemu_launch_free(l);
    CHECK(system("pgrep -f 'sleep 30[.]0141' >/dev/null") != 0, "and its child is gone");

    CHECK(no_run_dirs(tmpl), "no run directory left");
    rmdir(tmpl);
    unsetenv("TMPDIR");
    free(self);
}

/* A long log is read from its end: the last line of a log larger than the
 * window, and only the window in memory. */
static void test_long_log(void)
{
    char path[] = "/tmp/rt-launch-log-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "a long log");
    static const char noise[] = "qemu: warning: something noisy, again and again\n";
    bool ok = true;
    for (int i = 0; i < 4000 && ok; i++)   /* ~200 KiB */
        ok = write(fd, noise, sizeof(noise) - 1) == (ssize_t)sizeof(noise) - 1;
    static const char last[] = "qemu: the reason\n";
    ok = ok && write(fd, last, sizeof(last) - 1) == (ssize_t)sizeof(last) - 1;
    close(fd);
    char *line = rt_launch_last_line(path);
    CHECK(ok && line && strcmp(line, "qemu: the reason") == 0, "last line of a 200 KiB log");
    free(line);
    size_t len = 0;
    char *tail = rt_spawn_read_tail(path, RT_SPAWN_LOG_TAIL, &len);
    CHECK(tail && len <= RT_SPAWN_LOG_TAIL && len > RT_SPAWN_LOG_TAIL - sizeof(noise) &&
              strncmp(tail, noise, sizeof(noise) - 1) == 0,
          "only the last 64 KiB are read, from a line boundary");
    free(tail);
    tail = rt_spawn_read_tail(path, 10, &len);
    CHECK(tail && len == 10 && strcmp(tail, "he reason\n") == 0,
          "a window inside one line keeps the fragment");
    free(tail);
    unlink(path);
}

static void test_last_line(void)
{
    char path[] = "/tmp/rt-launch-log-XXXXXX";
    int fd = mkstemp(path);
    const char text[] = "first\r\nqemu: the reason  \r\nqemu: info: a hint\n\n   \n";
    CHECK(fd >= 0 && write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1,
          "write a log");
    close(fd);
    char *line = rt_launch_last_line(path);
    CHECK(line && strcmp(line, "qemu: the reason") == 0, "last line: trailing blanks, CR and hints go");
    free(line);
    fd = open(path, O_WRONLY | O_TRUNC);
    close(fd);
    CHECK(rt_launch_last_line(path) == NULL, "last line of an empty log is NULL");
    unlink(path);
    CHECK(rt_launch_last_line(path) == NULL, "last line of no file is NULL");
}

static void test_classify(void)
{
    static const struct {
        const char *msg;
        const char *want;   /* NULL: QEMU rejected the command line */
    } cases[] = {
        { "qemu-system-x86_64: -netdev tap,id=hostnet0,ifname=vnet0: could not configure "
          "/dev/net/tun (vnet0): Operation not permitted", "tap device" },
        { "qemu-system-x86_64: -netdev bridge,br=br0,id=hostnet0: bridge helper failed", "bridge" },
        { "qemu-system-x86_64: -device vfio-pci,host=0000:06:12.5: vfio 0000:06:12.5: "
          "no such host device: No such file or directory", "host PCI device (vfio)" },
        { "qemu-system-x86_64: can't open backing store /dev/hugepages/libvirt/qemu for guest "
          "RAM: No such file or directory", "hugepages" },
        { "qemu-system-x86_64: -object memory-backend-file,mem-path=/dev/hugepages2M: "
          "No such file or directory", "hugepages" },
        { "qemu-system-x86_64: -usbdevice host:14.6: could not add USB device 'host:14.6'",
          "host USB device" },
        { "qemu-system-x86_64: -chardev socket,id=c,path=/x.sock: Failed to connect to "
          "'/x.sock': No such file or directory", "socket peer" },
        { "qemu-system-x86_64: -vnc 2001:1:2::1:5903: Failed to bind socket: Cannot assign "
          "requested address", "listen address" },
        { "qemu-system-x86_64: -chardev tty,id=c,path=/dev/ttyS9: Could not open '/dev/ttyS9': "
          "Permission denied", "permission" },
        { "Could not access KVM kernel module: No such file or directory", "KVM" },
        { "qemu-system-x86_64: -device no-such-device: 'no-such-device' is not a valid device "
          "model name", NULL },
        { "qemu-system-x86_64: -net nic,vlan=0: Invalid parameter 'vlan'", NULL },
        { "qemu-system-x86_64: -no-kqemu: invalid option", NULL },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(cases); i++) {
        const char *got = rt_launch_classify(cases[i].msg);
        bool ok = cases[i].want ? vc_streq(got, cases[i].want) : got == NULL;
        if (!ok)
            printf("  classify(%s) = %s\n", cases[i].msg, got ? got : "(rejected)");
        char *name = vc_xasprintf("classify: %s", cases[i].want ? cases[i].want : "rejected option");
        CHECK(ok, name);
        free(name);
    }
    CHECK(rt_launch_classify(NULL) == NULL, "classify(NULL)");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--child-state") == 0)
        return child_state_main();
    signal(SIGPIPE, SIG_IGN);
    test_start_failures();
    test_child_state();
    test_long_log();
    test_last_line();
    test_classify();
    return check_done();
}
