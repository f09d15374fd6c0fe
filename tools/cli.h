/*
 * cli.h: what the verbs of the virtc command share.
 *
 * Each verb is a function in its own file (tools/cmd_*.c) taking the
 * arguments after the verb name (argv[0] is the verb). It returns the exit
 * status: 0 ok, 1 invalid input, 2 wrong usage, 3 runtime failure.
 * Diagnostics go to stderr; stdout is written only once a result is complete.
 */
#ifndef VIRTC_CLI_H
#define VIRTC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../translators/error.h"

typedef struct cli_verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_verb;

int cmd_validate(int argc, char **argv);
int cmd_format(int argc, char **argv);
int cmd_domxml_to_native(int argc, char **argv);
int cmd_domxml_from_native(int argc, char **argv);
int cmd_capabilities(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_list(int argc, char **argv);

/* True when argv holds -h / --help; the verb then prints its help, exits 0. */
bool cli_wants_help(int argc, char **argv);
/* "virtc VERB: message" on stderr and the usage hint; returns 2. */
int cli_usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the diagnostics to stderr; returns the exit status they imply. */
int cli_report(const vc_diags *d);
/* Writes the whole of s to stdout (or to path, atomically, when path is not
 * NULL). Returns 0, or 3 after reporting an I/O error. */
int cli_write_output(const char *path, const char *s);

#endif
