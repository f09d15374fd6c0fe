/* cmd_stop.c: `virtc stop [--force] NAME`. */
#include <stdlib.h>

#include "../runtime/guest.h"
#include "cli.h"
#include "rt_cli.h"

#define STOP_TIMEOUT_MS 10000

static void stop_help(void)
{
    fputs("usage: virtc stop [options] NAME\n\n"
          "Stops a running guest through its supervisor: system_powerdown over QMP, then\n"
          "quit when the guest has not powered off within the timeout, then SIGKILL.\n"
          "Returns once the supervisor has cleaned up (owners, labels, cgroup, sockets,\n"
          "pid file) and ended. For a guest whose supervisor was lost (killed with\n"
          "SIGKILL; 'virtc status' says 'state: lost'), stop does that cleanup itself:\n"
          "it gives the recorded owners back and removes the cgroup, the sockets, the\n"
          "pid and state files.\n\n"
          "options:\n"
          "  --force            kill QEMU at once\n"
          "  --timeout SECONDS  how long the guest gets to power off (default 10)\n"
          "  --config FILE      qemu.conf to use (its log_dir)\n"
          "  -h, --help         this text\n\n"
          "Exit status: 0 stopped, 2 wrong usage, 3 not running or not stopped.\n", stdout);
}

int cmd_stop(int argc, char **argv)
{
    rt_cli_opts o;
    rt_qemuconf conf;
    int rc;
    if (!rt_cli_begin(argc, argv, stop_help, "cft", true, &o, &conf, &rc))
        return rc;
    char *run = rt_cli_run_dir(&conf);
    vc_diags d;
    vc_diags_init(&d);
    rt_guest_stop(run, o.arg, o.force, o.timeout_ms ? o.timeout_ms : STOP_TIMEOUT_MS, &d);
    rc = cli_report(&d);
    vc_diags_free(&d);
    free(run);
    rt_qemuconf_free(&conf);
    return rc;
}
