/* cgroup_run.c: runs a command inside a guest cgroup of runtime/security,
 * for tests/runtime/security-qemu.sh:
 *
 *   cgroup_run [--v2] [--acl PATH]... [--dev PATH]... -- PROGRAM ARG...
 *
 * Creates virtc-t-rtsec-run-PID/qemu/guest (cgroup v1 devices, or the
 * cgroup2 BPF program with --v2) with the ACL given (the default ACL when
 * none) and the devices, runs PROGRAM (an absolute path) in it the way the
 * supervisor does (rt_cg_attach_self between fork and execve), waits,
 * removes the cgroup, and exits with PROGRAM's status (125 when the
 * cgroup could not be made or removed). Standard input and output are the
 * program's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../runtime/security/security.h"
#include "util.h"

int main(int argc, char **argv)
{
    rt_cg_host host = { 0 };
    vc_strv acl, devpaths;
    vc_strv_init(&acl);
    vc_strv_init(&devpaths);
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--v2") == 0)
            host.no_v1 = true;
        else if (strcmp(argv[i], "--acl") == 0 && i + 1 < argc)
            vc_strv_add(&acl, argv[++i]);
        else if (strcmp(argv[i], "--dev") == 0 && i + 1 < argc)
            vc_strv_add(&devpaths, argv[++i]);
        else {
            fprintf(stderr, "usage: cgroup_run [--v2] [--acl PATH]... [--dev PATH]... -- PROGRAM ARG...\n");
            return 125;
        }
    }
    if (i + 1 >= argc || argv[i + 1][0] != '/') {
        fprintf(stderr, "cgroup_run: PROGRAM must be an absolute path\n");
        return 125;
    }
    char *prefix = vc_xasprintf("virtc-t-rtsec-run-%ld/qemu", (long)getpid());
    host.prefix = prefix;
    rt_cg_device *devs = vc_xcalloc(devpaths.n + 1, sizeof(*devs));
    for (size_t k = 0; k < devpaths.n; k++)
        devs[k] = (rt_cg_device){ devpaths.v[k], false };
    rt_cg_spec spec = { .name = "guest", .acl = acl.n ? (const char *const *)acl.v : NULL,
                        .devices = devs, .ndevices = devpaths.n };
    vc_diags d;
    vc_diags_init(&d);
    rt_cgroup *cg = rt_cg_create(&spec, &host, &d);
    if (!cg) {
        vc_diags_print(stderr, &d);
        return 125;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (rt_cg_attach_self(cg, false) != 0)
            _exit(126);
        execv(argv[i + 1], argv + i + 1);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (!rt_cg_remove(cg, &d)) {
        vc_diags_print(stderr, &d);
        rc = 125;
    }
    vc_diags_free(&d);
    free(devs);
    free(prefix);
    vc_strv_free(&acl);
    vc_strv_free(&devpaths);
    return rc;
}
