/*
 * sexpr_canon: prints an S-expression document in its normal form
 * (sexpr_canonical: atoms unquoted where they can be, each list's elements
 * after its head sorted), so that two documents can be compared by meaning
 * with cmp/diff. Used by tests/conformance-sxpr.sh.
 *
 *   sexpr_canon FILE|-
 *
 * Diagnostics (the reader's warnings too) go to stderr; exit 1 when FILE is
 * not an S-expression, 2 on wrong usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"
#include "xen/sexpr.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: sexpr_canon FILE|-\n", stderr);
        return 2;
    }
    size_t len;
    char *text = vc_read_file(argv[1], &len);
    if (!text) {
        perror(argv[1]);
        return 1;
    }
    vc_diags d;
    vc_diags_init(&d);
    sexpr_node *root = sexpr_parse(text, len, argv[1], &d);
    vc_diags_print(stderr, &d);
    int rc = root ? 0 : 1;
    if (root) {
        char *s = sexpr_canonical(root);
        fputs(s, stdout);
        free(s);
    }
    sexpr_free(root);
    vc_diags_free(&d);
    free(text);
    return rc;
}
