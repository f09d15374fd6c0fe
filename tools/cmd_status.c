/* cmd_status.c: `virtc status NAME`: key: value lines. */
#include <stdlib.h>
#include <time.h>

#include "../runtime/guest.h"
#include "../translators/util.h"
#include "cli.h"
#include "rt_cli.h"

static void status_help(void)
{
    fputs("usage: virtc status [options] NAME\n\n"
          "Prints a guest's state as 'key: value' lines: name, uuid, state (starting,\n"
          "running, paused, shut off, crashed: on_poweroff / on_crash 'preserve'),\n"
          "pid (QEMU's), supervisor (its pid), uptime (seconds), and reason when the\n"
          "state has one (a guest the restart limit left shut off or crashed: more than\n"
          "5 restarts on power-off or crash within 60 s).\n"
          "A guest that does not run prints its name and 'state: shut off'. A guest\n"
          "whose supervisor was killed (SIGKILL) before it could clean up is 'lost':\n"
          "its QEMU is gone but what it held is not given back (disk owners, cgroup,\n"
          "sockets, pid file) until 'virtc stop NAME' or the next start of NAME.\n\n"
          "options:\n"
          "  --config FILE      qemu.conf to use (its log_dir)\n"
          "  -h, --help         this text\n", stdout);
}

int cmd_status(int argc, char **argv)
{
    rt_cli_opts o;
    rt_qemuconf conf;
    int rc;
    if (!rt_cli_begin(argc, argv, status_help, "c", true, &o, &conf, &rc))
        return rc;
    char *run = rt_cli_run_dir(&conf);
    vc_diags d;
    vc_diags_init(&d);
    rt_guest_info g;
    char *out = NULL;
    bool running = rt_guest_read(run, o.arg, &g, &d);
    if (running || (d.nerrors == 0 && rt_guest_read_lost(run, o.arg, &g))) {
        long long up = (long long)time(NULL) - g.started;
        out = vc_xasprintf("name: %s\nuuid: %s\nstate: %s\npid: %ld\nsupervisor: %ld\n"
                           "uptime: %lld\n", g.name, g.uuid ? g.uuid : "", g.state ? g.state : "",
                           (long)g.pid, (long)g.supervisor, !running || up < 0 ? 0 : up);
        if (g.reason) {
            char *with = vc_xasprintf("%sreason: %s\n", out, g.reason);
            free(out);
            out = with;
        }
        rt_guest_info_free(&g);
    } else if (d.nerrors == 0) {
        out = vc_xasprintf("name: %s\nstate: shut off\n", o.arg);
    }
    rc = cli_report(&d);
    if (out)
        rc = cli_write_output(NULL, out);
    free(out);
    vc_diags_free(&d);
    free(run);
    rt_qemuconf_free(&conf);
    return rc;
}
