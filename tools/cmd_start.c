/* cmd_start.c: `virtc start [--paused] DOMAIN.xml|PLAN.xml`. */
#include <stdio.h>
#include <unistd.h>

#include "../runtime/supervisor.h"
#include "../runtime/trace.h"
#include "cli.h"
#include "rt_cli.h"

static void start_help(void)
{
    fputs("usage: virtc start [options] DOMAIN.xml|PLAN.xml\n\n"
          "Starts a guest under its own supervisor process and returns once its QMP\n"
          "monitor answers and it runs (or is paused). A domain is compiled into a plan\n"
          "first (see 'virtc plan'); a plan is run as it is, after validation against\n"
          "plan.rng. The supervisor applies the security models (DAC ownership,\n"
          "capabilities, the cgroup device ACL, labels), follows the guest, applies\n"
          "on_poweroff / on_reboot / on_crash, and undoes everything when QEMU ends.\n"
          "It keeps none of the caller's descriptors.\n\n"
          "options:\n"
          "  --paused           leave the guest paused (resume it over QMP)\n"
          "  --timeout SECONDS  how long QEMU may take to answer QMP (default 60)\n"
          "  --config FILE      qemu.conf to use (see 'virtc plan --help')\n"
          "  --caps NAME|PATH   the QEMU's capabilities (default: probe the emulator)\n"
          "  -h, --help         this text\n\n"
          "Exit status: 0 started, 1 invalid input, 2 wrong usage, 3 the guest did not\n"
          "start (already running, a resource its user cannot reach, QEMU's refusal...).\n",
          stdout);
}

int cmd_start(int argc, char **argv)
{
    rt_cli_opts o;
    rt_qemuconf conf;
    int rc;
    rt_trace("start: main");
    if (!rt_cli_begin(argc, argv, start_help, "capt", true, &o, &conf, &rc))
        return rc;
    vc_diags d;
    vc_diags_init(&d);
    rt_trace("start: conf read");
    /* The supervisor first, while this process is small and has one
     * thread: forked later, with the compiled schema in its heap, it cost
     * 2-3 ms more on the way to QEMU (page tables copied, then
     * copy-on-write faults in both processes). */
    rt_sup_early *sup = rt_sup_fork();
    rt_plan *p = rt_cli_plan(o.arg, &o, &conf, &d);
    rt_trace("start: plan ready");
    if (p) {
        rt_sup_opts so = { .paused = o.paused, .start_timeout_ms = o.timeout_ms };
        rt_sup_run(sup, p, &so, &d);
    } else {
        rt_sup_cancel(sup);
    }
    rt_trace("start: supervisor reported");
    rc = cli_report(&d);
    /* The caller waits for this process to end, and what is left (the
     * plan, the diagnostics, qemu.conf) ends with it: freeing it would
     * only copy the heap pages the fork left shared with the supervisor,
     * and exit's handlers only free too (libxml2's destructor spends 2-3
     * ms on the datatype tables of the schema compile). */
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
}
