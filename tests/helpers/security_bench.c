/* security_bench.c: what the cgroup part of a guest's security setup costs
 * (make bench, tests/bench-rtsec.sh): rt_cg_create with the default ACL and
 * one disk device, a child joining it, rt_cg_remove; on cgroup v1 (devices
 * controller) and cgroup2 (the BPF program). Medians of RUNS cycles, in
 * milliseconds. Needs root; says so otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/security/security.h"
#include "util.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One cycle; its duration in ms, or a negative number on failure. */
static double cycle(const rt_cg_host *host, int i)
{
    static const rt_cg_device disk[] = { { "/dev/null", false } };
    char *name = vc_xasprintf("b%d", i);
    rt_cg_spec spec = { .name = name, .devices = disk, .ndevices = 1 };
    vc_diags d;
    vc_diags_init(&d);
    double t0 = now_ms();
    rt_cgroup *cg = rt_cg_create(&spec, host, &d);
    bool ok = cg != NULL;
    if (ok) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(rt_cg_attach_self(cg, false) == 0 ? 0 : 1);
        int st = 0;
        waitpid(pid, &st, 0);
        ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        ok = rt_cg_remove(cg, &d) && ok;
    }
    double t = now_ms() - t0;
    if (!ok)
        vc_diags_print(stderr, &d);
    vc_diags_free(&d);
    free(name);
    return ok ? t : -1;
}

static void bench(const char *label, bool no_v1, int runs)
{
    char *prefix = vc_xasprintf("virtc-t-rtsec-bench-%ld/qemu", (long)getpid());
    rt_cg_host host = { .prefix = prefix, .no_v1 = no_v1 };
    double *t = vc_xcalloc((size_t)runs, sizeof(*t));
    for (int i = 0; i < runs; i++)
        if ((t[i] = cycle(&host, i)) < 0) {
            printf("%-46s failed\n", label);
            free(t);
            free(prefix);
            return;
        }
    qsort(t, (size_t)runs, sizeof(*t), cmp_double);
    printf("%-46s %8.2f ms  (median of %d; min %.2f, max %.2f)\n", label, t[runs / 2], runs,
           t[0], t[runs - 1]);
    free(t);
    free(prefix);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1)
        runs = 1;
    if (geteuid() != 0) {
        printf("cgroup setup: skipped (needs root)\n");
        return 0;
    }
    bench("cgroup create + join + remove (host's choice)", false, runs);
    bench("cgroup create + join + remove (cgroup2 BPF)", true, runs);
    return 0;
}
