/* cmd_list.c: `virtc list`: the running guests, like `virsh list`. */
#include <stdlib.h>

#include "../runtime/guest.h"
#include "../translators/util.h"
#include "cli.h"
#include "rt_cli.h"

static void list_help(void)
{
    fputs("usage: virtc list [options]\n\n"
          "Lists the guests of this instance that run, one line each: the QEMU pid as\n"
          "Id, the name and the state (starting, running, paused, shut off), and those\n"
          "whose supervisor was lost (Id '-', state 'lost': 'virtc stop NAME' cleans\n"
          "up after them).\n\n"
          "options:\n"
          "  --config FILE      qemu.conf to use (its log_dir)\n"
          "  -h, --help         this text\n", stdout);
}

int cmd_list(int argc, char **argv)
{
    rt_cli_opts o;
    rt_qemuconf conf;
    int rc;
    if (!rt_cli_begin(argc, argv, list_help, "c", false, &o, &conf, &rc))
        return rc;
    char *run = rt_cli_run_dir(&conf);
    size_t n;
    rt_guest_info *v = rt_guest_list(run, &n);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, " %-8s %-30s %s\n", "Id", "Name", "State");
    vc_buf_puts(&b, "------------------------------------------------\n");
    for (size_t i = 0; i < n; i++) {
        bool gone = vc_streq(v[i].state, "lost") || v[i].pid <= 0;
        char *id = gone ? vc_xstrdup("-") : vc_xasprintf("%ld", (long)v[i].pid);
        vc_buf_printf(&b, " %-8s %-30s %s\n", id, v[i].name, v[i].state ? v[i].state : "");
        free(id);
    }
    rc = cli_write_output(NULL, vc_buf_str(&b));
    vc_buf_free(&b);
    rt_guest_list_free(v, n);
    free(run);
    rt_qemuconf_free(&conf);
    return rc;
}
