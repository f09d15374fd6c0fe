/*
 * rt_cli.h: what the runtime verbs (plan, start, stop, status, list) share:
 * their common options, qemu.conf, and turning a domain or a plan document
 * into a plan.
 */
#ifndef VIRTC_RT_CLI_H
#define VIRTC_RT_CLI_H

#include <stdbool.h>

#include "../runtime/plan.h"
#include "../runtime/qemuconf.h"

typedef struct rt_cli_opts {
    const char *config;       /* --config FILE */
    const char *caps;         /* --caps NAME|PATH (plan, start) */
    bool test_env;            /* --test-env (plan, start) */
    bool paused;              /* --paused (start) */
    bool force;               /* --force (stop) */
    int timeout_ms;           /* --timeout SECONDS (start, stop); 0: default */
    const char *arg;          /* the one positional argument (FILE or NAME) */
} rt_cli_opts;

/* Parses argv (argv[0] the verb) with the options flags allows (a string of
 * letters: c config, a caps, e test-env, p paused, f force, t timeout).
 * need_arg: one positional argument is required; otherwise none is taken.
 * 0, or the usage exit status after the message. */
int rt_cli_parse(int argc, char **argv, const char *flags, bool need_arg, rt_cli_opts *o);

/* What every runtime verb does first: --help (help() printed), the
 * options, qemu.conf. False when the verb is done, *rc its exit status. */
bool rt_cli_begin(int argc, char **argv, void (*help)(void), const char *flags, bool need_arg,
                  rt_cli_opts *o, rt_qemuconf *conf, int *rc);

/* qemu.conf for this run (defaults, then the file); false after printing
 * the diagnostics (warnings are printed too). */
bool rt_cli_conf(const rt_cli_opts *o, rt_qemuconf *conf, int *status);

/* The plan a file holds (<plan>) or compiles to (<domain>); NULL with the
 * diagnostics in d. */
rt_plan *rt_cli_plan(const char *file, const rt_cli_opts *o, const rt_qemuconf *conf,
                     vc_diags *d);

/* The current instance's run directory (caller frees). */
char *rt_cli_run_dir(const rt_qemuconf *conf);

#endif
