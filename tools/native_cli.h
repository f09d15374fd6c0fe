/* native_cli.h: the driver both conversion verbs share (native_cli.c). */
#ifndef VIRTC_NATIVE_CLI_H
#define VIRTC_NATIVE_CLI_H

#include "cli.h"
#include "native_formats.h"

/* Runs `virtc VERB FORMAT [options] FILE...` (argv[0] is the verb):
 * to true for domxml-to-native, false for domxml-from-native. Returns the
 * exit status. */
int native_cli(const char *verb, bool to, int argc, char **argv);

#endif
