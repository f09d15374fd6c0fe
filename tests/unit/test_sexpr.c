/*
 * test_sexpr.c: the S-expression reader (grammar/sexpr.*) and tree
 * (translators/xen/sxpr_tree.c): tokens, escapes, locations, what is
 * tolerated with a warning, what is refused, the writer reading back, and
 * the xen-sxpr golden round trips being round trips.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"
#include "xen/sexpr.h"

/* Parses s; *warnings and *errors say what the reader reported. */
static sexpr_node *parse(const char *s, size_t *warnings, size_t *errors, vc_diags *d)
{
    vc_diags_init(d);
    sexpr_node *n = sexpr_parse(s, strlen(s), "t.sxpr", d);
    *errors = d->nerrors;
    *warnings = d->n - d->nerrors;
    return n;
}

static bool first_at(const vc_diags *d, int line, int column, const char *text)
{
    return d->n && d->v[0].line == line && d->v[0].column == column &&
           strstr(d->v[0].message, text) != NULL;
}

static void test_tokens(void)
{
    vc_diags d;
    size_t w, e;
    sexpr_node *n = parse("(vm (name 'a b')\n (args \"it's \\\"x\\\"\\n\")(n 12) (x 'o\\101\\x42'))",
                          &w, &e, &d);
    CHECK(n && w == 0 && e == 0, "a document reads cleanly");
    CHECK(n && vc_streq(sexpr_head(n), "vm") && n->n == 5, "head and elements");
    CHECK(n && vc_streq(sexpr_value(n, "name"), "a b"), "single-quoted string");
    CHECK(n && vc_streq(sexpr_value(n, "args"), "it's \"x\"\n"), "double quotes and escapes");
    CHECK(n && vc_streq(sexpr_value(n, "x"), "oAB"), "octal and hex escapes");
    CHECK(n && sexpr_find(n, "n") && sexpr_find(n, "n")->pos.line == 2 &&
          sexpr_find(n, "n")->pos.column == 23, "a list knows where it starts");
    sexpr_free(n);
    vc_diags_free(&d);

    n = parse("(a (b 'x\\\ny')\\\n(c d))", &w, &e, &d);
    CHECK(n && e == 0 && vc_streq(sexpr_value(n, "b"), "xy") && vc_streq(sexpr_value(n, "c"), "d"),
          "backslash-newline is removed, in strings and between tokens");
    sexpr_free(n);
    vc_diags_free(&d);

    n = parse("(a \xc3\xa9t\xc3\xa9 'z\n')(", &w, &e, &d);
    CHECK(n && w == 1 && first_at(&d, 2, 3, "ignored"), "columns count characters");
    sexpr_free(n);
    vc_diags_free(&d);
}

static void test_tolerated(void)
{
    vc_diags d;
    size_t w, e;
    sexpr_node *n = parse("(domain (name x)) (trailing", &w, &e, &d);
    CHECK(n && e == 0 && w == 1 && first_at(&d, 1, 19, "ignored"), "trailing text: a warning");
    sexpr_free(n);
    vc_diags_free(&d);

    n = parse("(domain (name x)(memory 2)\n", &w, &e, &d);
    CHECK(n && e == 0 && w == 1 && first_at(&d, 2, 1, "missing ')'") && n->n == 3,
          "one missing ')' after a complete element: closed with a warning");
    sexpr_free(n);
    vc_diags_free(&d);
}

static void test_refused(void)
{
    static const struct { const char *text; int line, column; const char *what; } bad[] = {
        { "(domain (name x)(mem", 1, 21, "truncated" },
        { "(domain (name x) y", 1, 19, "truncated" },
        { "(domain (name (x)\n", 2, 1, "truncated" },
        { "(domain (name 'x)", 1, 15, "unterminated string" },
        { "(a 'b\\q')", 1, 6, "unknown escape" },
        { "(a '\\777')", 1, 5, "octal" },
        { "(a \x01)", 1, 4, "not text" },
        { "", 1, 1, "empty input" },
        { "atom", 1, 1, "expected '('" },
        { ")", 1, 1, "closes no list" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vc_diags d;
        size_t w, e;
        sexpr_node *n = parse(bad[i].text, &w, &e, &d);
        char name[64];
        snprintf(name, sizeof(name), "refused %zu (%s)", i, bad[i].what);
        CHECK(!n && e >= 1 && first_at(&d, bad[i].line, bad[i].column, bad[i].what), name);
        if (n || !first_at(&d, bad[i].line, bad[i].column, bad[i].what))
            vc_diags_print(stdout, &d);
        sexpr_free(n);
        vc_diags_free(&d);
    }
    /* 100,000 nested lists: an error at the list that goes too deep */
    size_t depth = 100000;
    char *deep = vc_xmalloc(2 * depth + 1);
    memset(deep, '(', depth);
    memset(deep + depth, ')', depth);
    deep[2 * depth] = '\0';
    vc_diags d;
    size_t w, e;
    sexpr_node *n = parse(deep, &w, &e, &d);
    CHECK(!n && first_at(&d, 1, SEXPR_MAX_DEPTH + 1, "nested"), "100,000 nested lists: located error");
    free(deep);
    vc_diags_free(&d);
    (void)n;
}

static void test_write_canonical(void)
{
    vc_diags d;
    size_t w, e;
    sexpr_node *n = parse("(vm (b 'x y')(a \"it's\")(c (d 1)(e '')))", &w, &e, &d);
    vc_buf b;
    vc_buf_init(&b);
    sexpr_write(&b, n);
    CHECK(vc_streq(vc_buf_str(&b), "(vm (b 'x y')(a 'it\\'s')(c (d 1)(e '')))"),
          "written in libvirt's layout, quotes escaped");
    vc_diags d2;
    sexpr_node *back = parse(vc_buf_str(&b), &w, &e, &d2);
    char *c1 = sexpr_canonical(n), *c2 = back ? sexpr_canonical(back) : NULL;
    CHECK(c2 && strcmp(c1, c2) == 0, "what is written reads back the same");
    CHECK(strncmp(c1, "(vm\n  (a 'it\\'s')\n  (b 'x y')\n", 26) == 0,
          "the normal form sorts the keys");
    free(c1);
    free(c2);
    sexpr_free(back);
    sexpr_free(n);
    vc_buf_free(&b);
    vc_diags_free(&d);
    vc_diags_free(&d2);
}

static bool same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = vc_read_file(a, &la), *y = vc_read_file(b, &lb);
    bool same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

/* The golden round trips: the sxpr written for rt-NAME.xml is the input
 * read back, and what it reads back as is rt-NAME.xml again. */
static void test_golden_round_trips(void)
{
    static const char *const names[] = { "rt-hvm-full", "rt-pv-vfb" };
    const char *g = "tests/golden/xen-sxpr";
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *a = vc_xasprintf("%s/to-native/%s.sxpr", g, names[i]);
        char *b = vc_xasprintf("%s/from-native/%s.sxpr", g, names[i]);
        char *c = vc_xasprintf("%s/to-native/%s.xml", g, names[i]);
        char *e = vc_xasprintf("%s/from-native/%s.xml", g, names[i]);
        char *name = vc_xasprintf("golden round trip %s", names[i]);
        CHECK(same_file(a, b) && same_file(c, e), name);
        free(a);
        free(b);
        free(c);
        free(e);
        free(name);
    }
}

int main(void)
{
    test_tokens();
    test_tolerated();
    test_refused();
    test_write_canonical();
    test_golden_round_trips();
    return check_done();
}
