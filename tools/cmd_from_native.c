/*
 * cmd_from_native.c: `virtc domxml-from-native FORMAT FILE|-`: a native
 * configuration (a QEMU command line, a Xen config file) read back into a
 * domain document, printed in canonical form (native_formats.h).
 */
#include <stdlib.h>

#include "native_cli.h"

static void from_native_help(void)
{
    char *names = native_format_names(false);
    printf("usage: virtc domxml-from-native FORMAT [options] FILE|-\n"
           "       virtc domxml-from-native FORMAT [options] --output-dir DIR FILE...\n\n"
           "Reads a native configuration and prints the domain document it describes,\n"
           "in canonical form; the result always validates against the domain schema.\n"
           "What the domain model has no place for is kept (for QEMU as\n"
           "<qemu:commandline> arguments) and warned about, never dropped.\n"
           "FORMAT is one of: %s.\n\n"
           "options:\n"
           "  --xend-version N   xen-sxpr: the XenD protocol version (1 to 4)\n"
           "  --directory DIR    qemu-argv: the directory QEMU runs in, against which\n"
           "                     relative paths are read (default: the current one)\n"
           "  -o FILE            write to FILE instead of standard output\n"
           "  --output-dir DIR   convert every FILE, writing DIR/NAME.xml (DIR is\n"
           "                     created if missing); each file's errors are reported\n"
           "                     and the others go on\n"
           "  -h, --help         this text\n\n"
           "Exit status: 0 ok, 1 invalid input, 2 wrong usage, 3 I/O failure.\n",
           *names ? names : "(none yet)");
    free(names);
}

int cmd_domxml_from_native(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        from_native_help();
        return 0;
    }
    return native_cli("domxml-from-native", false, argc, argv);
}
