/*
 * cmd_to_native.c: `virtc domxml-to-native FORMAT FILE|-`: a domain
 * document to a hypervisor's native configuration (native_formats.h).
 */
#include <stdlib.h>

#include "native_cli.h"

static void to_native_help(void)
{
    char *names = native_format_names(true);
    printf("usage: virtc domxml-to-native FORMAT [options] FILE|-\n"
           "       virtc domxml-to-native FORMAT [options] --output-dir DIR FILE...\n\n"
           "Converts a domain document to a native configuration and prints it.\n"
           "FORMAT is one of: %s.\n"
           "qemu-argv is one shell line, the environment then the QEMU command.\n\n"
           "options:\n"
           "  --caps NAME|PATH   qemu-argv: what the QEMU accepts: a profile name\n"
           "                     (e.g. legacy, qemu-7.2) or a capabilities XML file;\n"
           "                     default: probe the domain's <emulator> (or\n"
           "                     /usr/bin/qemu-system-ARCH)\n"
           "  --test-env         qemu-argv: the fixed environment of the tests (LC_ALL=C\n"
           "                     PATH=/usr/bin:/bin HOME=/home/test USER=test LOGNAME=test)\n"
           "  --state-dir DIR    qemu-argv: the guest's state directory: the monitor\n"
           "                     socket and the sockets of channels without a path go\n"
           "                     there (default: /var/lib/libvirt/qemu/domain-ID-NAME)\n"
           "  --config FILE      qemu-argv: a qemu.conf (default: $VIRTC_QEMU_CONF, else\n"
           "                     none): its vnc_listen and spice_listen are the listen\n"
           "                     addresses of displays that name none\n"
           "  --xend-version N   xen-sxpr: the XenD protocol version (1 to 4)\n"
           "  -o FILE            write to FILE instead of standard output\n"
           "  --output-dir DIR   convert every FILE, writing DIR/NAME.EXT for NAME.xml\n"
           "                     (DIR is created if missing); each file's errors are\n"
           "                     reported and the others go on\n"
           "  -h, --help         this text\n\n"
           "Exit status: 0 ok, 1 invalid input, 2 wrong usage, 3 I/O failure.\n", names);
    free(names);
}

int cmd_domxml_to_native(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        to_native_help();
        return 0;
    }
    return native_cli("domxml-to-native", true, argc, argv);
}
