/* cmd_plan.c: `virtc plan DOMAIN.xml`: the launch plan of a domain. */
#include <stdlib.h>

#include "cli.h"
#include "rt_cli.h"

static void plan_help(void)
{
    fputs("usage: virtc plan [options] DOMAIN.xml|-\n\n"
          "Compiles a domain, with the QEMU's capabilities and the host's qemu.conf, into\n"
          "a launch plan (schemas/plan.rng) and prints it: the emulator, environment and\n"
          "argv, the uid/gid/groups and capabilities QEMU runs with, its cgroup and device\n"
          "allow-list, each host resource with what each security driver does to it, the\n"
          "monitor socket, pid and log files, and the lifecycle actions.\n"
          "'virtc start PLAN.xml' runs a plan as it is.\n\n"
          "options:\n"
          "  --config FILE      qemu.conf to use (default: $VIRTC_QEMU_CONF, else\n"
          "                     /etc/virtc/qemu.conf as root, $XDG_CONFIG_HOME/virtc/qemu.conf\n"
          "                     otherwise)\n"
          "  --caps NAME|PATH   the QEMU's capabilities (default: probe the emulator)\n"
          "  --test-env         the fixed environment of the tests\n"
          "  -h, --help         this text\n\n"
          "Exit status: 0 ok, 1 invalid input, 2 wrong usage, 3 host failure.\n", stdout);
}

int cmd_plan(int argc, char **argv)
{
    rt_cli_opts o;
    rt_qemuconf conf;
    int rc;
    if (!rt_cli_begin(argc, argv, plan_help, "cae", true, &o, &conf, &rc))
        return rc;
    vc_diags d;
    vc_diags_init(&d);
    rt_plan *p = rt_cli_plan(o.arg, &o, &conf, &d);
    rc = cli_report(&d);
    vc_diags_free(&d);
    if (p) {
        char *text = rt_plan_format(p);
        rc = cli_write_output(NULL, text);
        free(text);
        rt_plan_free(p);
    }
    rt_qemuconf_free(&conf);
    return rc;
}
