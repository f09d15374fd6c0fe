/*
 * start_bench.c: launch latency of `virtc start` (make bench, through
 * tests/bench-runtime.sh).
 *
 *   start_bench N VIRTC PLAN.xml
 *
 * Times N runs of `VIRTC start PLAN.xml|DOMAIN.xml` (a compiled plan is
 * what a host runs; the bench script also passes the domain itself): from
 * the exec of virtc to its exit, i.e. the guest's supervisor started, the
 * security models applied (DAC, capabilities, cgroup), QEMU started,
 * QMP answering and the guest running ("cont"). Next to it, the same argv
 * (the plan's, monitor included) started by hand: fork, execve, connect to
 * the monitor every millisecond, greeting and qmp_capabilities answered.
 * Starts alternate; each guest is stopped (stop --force / SIGKILL) between
 * runs. Prints one row: the medians and their ratio, and the fastest run
 * of each (START_BENCH_EACH=1: every run too); then the CPU time
 * the start took (not waits: less disturbed by other load than the wall
 * clock): `virtc start` itself (its rusage) and its supervisor's until the
 * start returned (/proc/PID/schedstat), medians.
 *
 *   start_bench --profile N VIRTC NAME FILE-TO-START
 *
 * Where the time goes: N more starts, untimed by the row above, with
 * VIRTC_TRACE set (runtime/trace.h); for each step of the start path, the
 * median of its time since the exec of virtc, and the median of the whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/guest.h"
#include "../../runtime/plan.h"
#include "../../runtime/qmp.h"
#include "util.h"

static double sb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Runs argv to its end, output discarded; its exit status or -1, and
 * (cpu_ms not NULL) the CPU time it used, user and system. */
static int sb_run_cpu(char *const argv[], double *cpu_ms)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
        return -1;
    if (cpu_ms)
        *cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                  (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int sb_run(char *const argv[])
{
    return sb_run_cpu(argv, NULL);
}

/* The CPU time the guest's supervisor has used so far (ms), -1 when it
 * cannot be read: the first field of /proc/PID/schedstat, in ns. */
static double sb_sup_cpu(const char *run_dir, const char *name)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_guest_info g;
    double ms = -1;
    if (run_dir && rt_guest_read(run_dir, name, &g, &d)) {
        char *path = vc_xasprintf("/proc/%ld/schedstat", (long)g.supervisor);
        char *text = vc_read_file(path, NULL);
        if (text)
            ms = strtod(text, NULL) / 1e6;
        free(text);
        free(path);
        rt_guest_info_free(&g);
    }
    vc_diags_free(&d);
    return ms;
}

/* CPU ms of one start: `virtc start`, and its supervisor until then. */
typedef struct sb_cpu {
    double virtc, sup;
} sb_cpu;

/* ms from the exec of `virtc start file` to its exit (-1: it failed), the
 * guest stopped after; *start_ms (may be NULL): when it was started; *cpu
 * (may be NULL; run_dir names the plan's run directory): its CPU time. */
static double sb_virtc(const char *virtc, const char *file, const char *name, double *start_ms,
                       const char *run_dir, sb_cpu *cpu)
{
    char *start[] = { (char *)virtc, "start", (char *)file, NULL };
    char *stop[] = { (char *)virtc, "stop", "--force", (char *)name, NULL };
    double t0 = sb_now_ms();
    if (start_ms)
        *start_ms = t0;
    double vcpu = -1;
    int rc = sb_run_cpu(start, &vcpu);
    double ms = sb_now_ms() - t0;
    if (cpu)
        *cpu = (sb_cpu){ vcpu, rc == 0 ? sb_sup_cpu(run_dir, name) : -1 };
    sb_run(stop);
    return rc == 0 ? ms : -1;
}

/* The plan's argv by hand, to QMP-ready on the plan's monitor. */
static double sb_hand(const rt_plan *p)
{
    mkdir(p->state_dir, 0700);
    unlink(p->monitor);
    double t0 = sb_now_ms(), ms = -1;
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
        execve(p->argv.v[0], p->argv.v, p->env.v);
        _exit(127);
    }
    while (pid > 0 && sb_now_ms() - t0 < 60000 && waitpid(pid, NULL, WNOHANG) == 0) {
        vc_diags d;
        vc_diags_init(&d);
        rt_qmp *m = rt_qmp_connect_unix(p->monitor, 30000, &d);
        bool ready = m && rt_qmp_handshake(m, &d);
        if (ready)
            ms = sb_now_ms() - t0;
        rt_qmp_free(m);
        vc_diags_free(&d);
        if (m)
            break;
        usleep(1000);
    }
    if (pid > 0 && kill(pid, SIGKILL) == 0)
        waitpid(pid, NULL, 0);
    unlink(p->monitor);
    rmdir(p->state_dir);
    return ms;
}

static int sb_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double sb_median(double *v, size_t n)
{
    qsort(v, n, sizeof(double), sb_cmp);
    return v[n / 2];
}

/* The least of v (after sb_median: sorted). */
static double sb_min(const double *v)
{
    return v[0];
}

/* ---- --profile: the traced steps ---------------------------------------- */

typedef struct sb_step {
    char *name;
    double *ms;               /* since the exec, one per run that reached it */
    size_t n;
    size_t run;               /* the last run that reached it */
    double median;
} sb_step;

typedef struct sb_steps {
    sb_step *v;
    size_t n, cap;
} sb_steps;

static sb_step *sb_step_get(sb_steps *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    vc_xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
    sb_step *st = &s->v[s->n++];
    *st = (sb_step){ vc_xstrdup(name), NULL, 0, 0, 0 };
    return st;
}

/* The trace of run number run ("PID MS STEP" lines): each step's first
 * time, less t0. */
static void sb_read_trace(const char *path, double t0, size_t run, sb_steps *s)
{
    char *text = vc_read_file(path, NULL);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *end;
        strtol(line, &end, 10);
        double ms = strtod(end, &end);
        if (*end != ' ')
            continue;
        sb_step *st = sb_step_get(s, end + 1);
        if (st->run == run)
            continue;   /* one time a run (a second QEMU is not the start) */
        st->run = run;
        st->ms = vc_xrealloc(st->ms, (st->n + 1) * sizeof(double));
        st->ms[st->n++] = ms - t0;
    }
    free(text);
}

static int sb_by_median(const void *a, const void *b)
{
    const sb_step *x = a, *y = b;
    return (x->median > y->median) - (x->median < y->median);
}

static int sb_profile(int n, const char *virtc, const char *file, const char *name)
{
    char *trace = vc_xasprintf("/tmp/start_bench-trace-%ld", (long)getpid());
    setenv("VIRTC_TRACE", trace, 1);
    sb_steps s = { 0 };
    double *total = vc_xcalloc((size_t)n, sizeof(double));
    size_t ok = 0;
    for (int i = 0; i < n; i++) {
        unlink(trace);
        double t0;
        double ms = sb_virtc(virtc, file, name, &t0, NULL, NULL);
        if (ms < 0)
            continue;
        total[ok++] = ms;
        sb_read_trace(trace, t0, ok, &s);
    }
    unlink(trace);
    unsetenv("VIRTC_TRACE");
    free(trace);
    if (ok == 0) {
        fprintf(stderr, "start_bench: no traced start succeeded\n");
        free(total);
        return 1;
    }
    for (size_t i = 0; i < s.n; i++)
        s.v[i].median = sb_median(s.v[i].ms, s.v[i].n);
    qsort(s.v, s.n, sizeof(*s.v), sb_by_median);
    printf("  where the time of 'virtc start %s' goes (VIRTC_TRACE, medians of %zu traced runs):\n",
           strstr(file, ".plan") ? "PLAN.xml" : "DOMAIN.xml", ok);
    printf("  %10s %9s  %s\n", "since exec", "+ms", "step reached");
    double prev = 0;
    for (size_t i = 0; i < s.n; i++) {
        printf("  %10.1f %+9.1f  %s\n", s.v[i].median, s.v[i].median - prev, s.v[i].name);
        prev = s.v[i].median;
        free(s.v[i].name);
        free(s.v[i].ms);
    }
    double end = sb_median(total, ok);
    printf("  %10.1f %+9.1f  virtc start has exited\n", end, end - prev);
    free(s.v);
    free(total);
    return 0;
}

int main(int argc, char **argv)
{
    int n;
    signal(SIGPIPE, SIG_IGN);
    if (argc == 6 && strcmp(argv[1], "--profile") == 0 && vc_parse_int(argv[2], &n) && n > 0)
        return sb_profile(n, argv[3], argv[5], argv[4]);
    if (argc != 5 || !vc_parse_int(argv[1], &n) || n <= 0) {
        fprintf(stderr, "usage: start_bench N VIRTC PLAN.xml FILE-TO-START\n"
                        "       start_bench --profile N VIRTC NAME FILE-TO-START\n");
        return 2;
    }
    vc_diags d;
    vc_diags_init(&d);
    rt_plan *p = rt_plan_parse_file(argv[3], &d);
    if (!p) {
        vc_diags_print(stderr, &d);
        return 1;
    }
    double *a = vc_xcalloc((size_t)n, sizeof(double)), *b = vc_xcalloc((size_t)n, sizeof(double));
    double *cv = vc_xcalloc((size_t)n, sizeof(double)), *cs = vc_xcalloc((size_t)n, sizeof(double));
    int ok = 0;
    /* START_BENCH_EACH=1: every run's pair too, to tell noise (a run the
     * machine slowed) from a pattern (one order always slower) */
    const char *each_env = getenv("START_BENCH_EACH");
    bool each = each_env && strcmp(each_env, "1") == 0;
    for (int i = 0; i < n; i++) {
        /* alternate who goes first: a start right after a killed QEMU pays
         * for its teardown */
        if (i % 2)
            b[ok] = sb_hand(p);
        sb_cpu c;
        a[ok] = sb_virtc(argv[2], argv[4], p->name, NULL, p->run_dir, &c);
        cv[ok] = c.virtc;
        cs[ok] = c.sup;
        if (i % 2 == 0)
            b[ok] = sb_hand(p);
        if (each)
            printf("  run %d: virtc start %.1f ms, by hand %.1f ms (%s first)\n", i + 1, a[ok],
                   b[ok], i % 2 ? "by hand" : "virtc");
        if (a[ok] >= 0 && b[ok] >= 0 && c.virtc >= 0 && c.sup >= 0)
            ok++;
    }
    int rc = 1;
    if (ok > 0) {
        double ma = sb_median(a, (size_t)ok), mb = sb_median(b, (size_t)ok);
        printf("%-34s %9.1f ms %9.1f ms   x%.2f (median of %d)\n",
               strstr(argv[4], ".plan") ? "virtc start PLAN.xml" : "virtc start DOMAIN.xml",
               ma, mb, ma / mb, ok);
        /* the least of each: what the start costs when nothing else on the
         * machine got in its way (a shared machine adds to the median) */
        printf("  fastest of each: %.1f ms, by hand %.1f ms, x%.2f\n", sb_min(a), sb_min(b),
               sb_min(a) / sb_min(b));
        double mv = sb_median(cv, (size_t)ok), ms = sb_median(cs, (size_t)ok);
        printf("  CPU time of that start: virtc start %.1f ms + its supervisor to then %.1f ms"
               " (medians)\n", mv, ms);
        rc = 0;
    } else {
        fprintf(stderr, "start_bench: no start succeeded\n");
    }
    free(a);
    free(b);
    free(cv);
    free(cs);
    rt_plan_free(p);
    vc_diags_free(&d);
    return rc;
}
