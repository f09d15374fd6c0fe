/*
 * schema_flatten.c: a build step (Makefile), not part of virtc.
 *
 *   schema-flatten DIR FILE SYMBOL > OUT.c
 *
 * Writes C source defining `const vc_schema_flat SYMBOL`: DIR/FILE and
 * the files it includes flattened into one grammar (vc_schema_flatten),
 * with the name, length and fingerprint of each of those files, so that
 * `virtc start` scans one small text instead of the schema files, and
 * only while each of them is still what it was (schema_prune.c). Exit
 * status 1, nothing written, when the schema cannot be flattened.
 */
#include <stdio.h>
#include <stdlib.h>

#include "schema.h"
#include "util.h"

/* The build has no flattened schema yet: this program makes them. */
const vc_schema_flat *vc_schema_flat_of(const vc_schema_kind *kind)
{
    (void)kind;
    return NULL;
}

/* text as C string literals, a line each 100 characters or so; '?' is
 * escaped so that no trigraph forms. */
static void sf_put_literal(vc_buf *b, const char *text)
{
    size_t col = 0;
    vc_buf_puts(b, "    \"");
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?')
            vc_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            vc_buf_printf(b, "\\%03o", *p);
        else
            vc_buf_putc(b, (char)*p);
        if (++col >= 100 && p[1]) {
            vc_buf_puts(b, "\"\n    \"");
            col = 0;
        }
    }
    vc_buf_puts(b, "\"");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: schema-flatten DIR FILE SYMBOL\n");
        return 2;
    }
    const char *sym = argv[3];
    vc_schema_flat f;
    const char *why;
    if (!vc_schema_flatten(argv[1], argv[2], &f, &why)) {
        fprintf(stderr, "schema-flatten: %s/%s: %s\n", argv[1], argv[2], why);
        return 1;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "/* %s flattened (with the files it includes) by schema-flatten, a build\n"
                      " * step of the Makefile: do not edit. */\n#include \"schema.h\"\n\n",
                  argv[2]);
    vc_buf_printf(&b, "static const vc_schema_source %s_sources[] = {\n", sym);
    for (size_t i = 0; i < f.nsources; i++)
        vc_buf_printf(&b, "    { \"%s\", %zu, UINT64_C(0x%016llx) },\n", f.sources[i].file,
                      f.sources[i].len, (unsigned long long)f.sources[i].hash);
    vc_buf_printf(&b, "};\n\nstatic const vc_schema_flat_top %s_tops[] = {\n", sym);
    for (size_t i = 0; i < f.ntops; i++)
        vc_buf_printf(&b, "    { %u, %u, %u, %u },\n", f.tops[i].begin, f.tops[i].end,
                      f.tops[i].first, f.tops[i].last);
    vc_buf_printf(&b, "};\n\nstatic const vc_schema_flat_mark %s_marks[] = {\n", sym);
    for (size_t i = 0; i < f.nmarks; i++)
        vc_buf_printf(&b, "    { %u, %u, %u, %u, %u },\n", f.marks[i].at, f.marks[i].end,
                      f.marks[i].name, f.marks[i].len, f.marks[i].next);
    vc_buf_printf(&b, "};\n\nconst vc_schema_flat %s = {\n", sym);
    sf_put_literal(&b, f.text);
    vc_buf_printf(&b, ",\n    %zu, %s_tops, %zu, %s_marks, %zu, %s_sources, %zu,\n};\n", f.len, sym,
                  f.ntops, sym, f.nmarks, sym, f.nsources);
    fwrite(b.data, 1, b.len, stdout);
    int rc = fflush(stdout) == 0 ? 0 : 1;
    vc_schema_flat_free(&f);
    vc_buf_free(&b);
    return rc;
}
