/* cmd_format.c: `virtc format`: a domain document in canonical form. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../translators/domain_xml.h"
#include "../translators/util.h"

static void format_help(void)
{
    fputs("usage: virtc format [-o FILE] FILE|-\n\n"
          "Reads a domain document, validates it against the domain schema, and\n"
          "prints it in canonical form: libvirt's element order and layout, memory\n"
          "in KiB, today's spellings of old forms. Elements the model does not\n"
          "cover are kept as written.\n\n"
          "  -o FILE   write to FILE (replaced only when the whole document is ready)\n"
          "  -h, --help\n", stdout);
}

static ir_domain *format_stdin(vc_diags *d)
{
    size_t len;
    char *data = vc_read_doc("-", "<stdin>", 0, &len, d);
    if (!data)
        return NULL;
    ir_domain *dom = xml_domain_parse("<stdin>", data, len, d);
    free(data);
    return dom;
}

int cmd_format(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        format_help();
        return 0;
    }
    const char *out = NULL, *in = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (++i >= argc)
                return cli_usage_error("format", "%s needs a file name", a);
            out = argv[i];
        } else if (strncmp(a, "--output=", 9) == 0) {
            out = a + 9;
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && !in && i + 2 == argc) {
            in = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("format", "unknown option '%s'", a);
        } else if (in) {
            return cli_usage_error("format", "one input file only");
        } else {
            in = a;
        }
    }
    if (!in)
        return cli_usage_error("format", "no input file (use - for standard input)");

    vc_diags d;
    vc_diags_init(&d);
    /* diagnostics name standard input as GCC does */
    ir_domain *dom = strcmp(in, "-") == 0 ? format_stdin(&d) : xml_domain_parse_file(in, &d);
    int rc;
    if (!dom) {
        rc = cli_report(&d);
        if (rc == 0)
            rc = VC_ERR_INVALID;
    } else {
        vc_diags_print(stderr, &d);   /* warnings, if any */
        char *xml = xml_domain_format(dom);
        rc = cli_write_output(out, xml);
        free(xml);
        ir_domain_free(dom);
    }
    vc_diags_free(&d);
    return rc;
}
