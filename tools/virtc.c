/* virtc.c: the command line: `virtc <verb> [options] <args>`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_verb verbs[] = {
    { "validate", cmd_validate, "check documents against their schemas" },
    { "format", cmd_format, "print a domain document in canonical form" },
    { "domxml-to-native", cmd_domxml_to_native, "convert a domain to a native format" },
    { "domxml-from-native", cmd_domxml_from_native, "read a native format back into a domain" },
    { "capabilities", cmd_capabilities, "print the host capabilities document" },
    { "plan", cmd_plan, "compile a domain into a launch plan" },
    { "start", cmd_start, "start a guest from a domain or a plan" },
    { "stop", cmd_stop, "stop a running guest" },
    { "status", cmd_status, "print a guest's state" },
    { "list", cmd_list, "list the running guests" },
};

static void usage(FILE *f)
{
    fputs("usage: virtc <verb> [options] <args>\n"
          "       virtc --help | --version\n\n"
          "verbs:\n", f);
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        fprintf(f, "  %-20s %s\n", verbs[i].name, verbs[i].summary);
    fputs("\n'virtc <verb> --help' describes a verb. Exit status: 0 ok, 1 invalid input,\n"
          "2 wrong usage, 3 runtime failure.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("virtc %s\n", VIRTC_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(argv[1], verbs[i].name) == 0)
            return verbs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "virtc: unknown verb '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
