/* test_qemu_read.c: the grammars of domxml-from-native qemu-argv: shell
 * words with their source offsets, QEMU option values, and locations that
 * point into the original text through quotes and continuations. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../grammar/qemuopt.h"
#include "../../grammar/shellwords.h"
#include "qemu/argv_read.h"
#include "util.h"

static bool split(const char *src, shw_words *w, shw_error *e)
{
    return shw_split(src, strlen(src), w, e);
}

static void test_words(void)
{
    shw_words w;
    shw_error e;
    const char *src = "A=1 qemu 'a b'\"c\\\"d\"e\\ f \\\n  -x\n# comment\n";
    CHECK(split(src, &w, &e) && w.n == 4, "four words");
    CHECK(strcmp(w.v[0].text, "A=1") == 0 && strcmp(w.v[1].text, "qemu") == 0, "plain words");
    CHECK(strcmp(w.v[2].text, "a bc\"de f") == 0, "quotes and escapes glue one word");
    CHECK(w.v[2].src[0] == 10 && w.v[2].src[3] == 15 && w.v[2].src[4] == 17 &&
          w.v[2].src[7] == 22,
          "every byte knows its source offset");
    CHECK(strcmp(w.v[3].text, "-x") == 0, "continuation joins the lines");
    int line, col;
    shw_locate(src, strlen(src), w.v[3].src[0], &line, &col);
    CHECK(line == 2 && col == 3, "offset to line and column");
    shw_words_free(&w);

    CHECK(split("q ''", &w, &e) && w.n == 2 && w.v[1].len == 0, "an empty quoted word");
    shw_words_free(&w);
    CHECK(split("q a#b", &w, &e) && w.n == 2 && strcmp(w.v[1].text, "a#b") == 0,
          "# inside a word is literal");
    shw_words_free(&w);

    static const struct { const char *src, *name; } bad[] = {
        { "q 'abc", "unterminated '" }, { "q \"abc", "unterminated \"" },
        { "q $(ls)", "$(...)" }, { "q `ls`", "backticks" }, { "q $HOME", "$VAR" },
        { "q ${X}", "${...}" }, { "q | x", "pipe" }, { "q ; x", "semicolon" },
        { "q && x", "&&" }, { "q > x", "redirection" }, { "q 2>x", "fd redirection" },
        { "q (x)", "subshell" }, { "q\nr", "second command" }, { "q \\", "lone backslash" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(bad); i++) {
        bool ok = split(bad[i].src, &w, &e);
        CHECK(!ok && e.off == 2 && e.msg, bad[i].name);
        free(e.msg);
    }
    const char nul[] = { 'q', ' ', 'a', '\0', 'b' };
    CHECK(!shw_split(nul, sizeof(nul), &w, &e) && e.off == 3, "a NUL byte is refused");
    free(e.msg);
}

static void test_opts(void)
{
    qopt_list l;
    qopt_err e;
    const char *v = "tap,id=n0,,x,script=/a=b,vhost,x.y.z=1,e=";
    CHECK(qopt_read(v, strlen(v), "type", &l, &e) && l.n == 6, "six parameters");
    CHECK(l.v[0].implicit && strcmp(l.v[0].key, "type") == 0 && strcmp(l.v[0].value, "tap") == 0,
          "implicit first key");
    CHECK(strcmp(l.v[1].value, "n0,x") == 0 && l.v[1].val_off == 7, ",, is a comma; offsets");
    CHECK(strcmp(l.v[2].value, "/a=b") == 0, "a value may hold '='");
    CHECK(l.v[3].value == NULL && strcmp(l.v[3].key, "vhost") == 0, "a flag");
    CHECK(strcmp(l.v[4].key, "x.y.z") == 0 && strcmp(l.v[5].value, "") == 0, "dotted key, empty");
    qopt_list_free(&l);
    CHECK(qopt_read("a", 1, NULL, &l, &e) && l.n == 1 && !l.v[0].implicit && !l.v[0].value,
          "no implicit key: a flag");
    qopt_list_free(&l);
    CHECK(!qopt_read("a,=b", 4, NULL, &l, &e) && e.off == 2, "empty name located");
    free(e.msg);
    CHECK(!qopt_read("a,", 2, NULL, &l, &e) && e.off == 2, "trailing comma located");
    free(e.msg);
    char deep[64] = "k";
    for (int i = 0; i < QOPT_MAX_DEPTH; i++)
        strcat(deep, ".k");
    strcat(deep, "=1");
    CHECK(!qopt_read(deep, strlen(deep), NULL, &l, &e), "nesting is bounded");
    free(e.msg);
}

/* An option value inside quotes on line 3 reports line 3's column. */
static void test_located(void)
{
    const char *src = "/usr/bin/qemu \\\n  -name q \\\n  -drive 'file=/a,if=ide,bogus=1'\n";
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = qemu_read_argv(src, strlen(src), "t.args", &d);
    CHECK(!dom && d.nerrors == 1 && d.v[0].line == 3 && d.v[0].column == 26,
          "error inside a quoted value on line 3");
    vc_diags_free(&d);
    const char *json = "/usr/bin/qemu-system-x86_64 -device \\\n"
                       "  '{\"driver\":\"virtio-blk-pci\",\"drive\":\"nope\"}'\n";
    dom = qemu_read_argv(json, strlen(json), "t.args", &d);
    CHECK(!dom && d.nerrors == 1 && d.v[0].line == 2 && d.v[0].column == 40,
          "a JSON member's value is located (at the value, not the key)");
    vc_diags_free(&d);
}

int main(void)
{
    test_words();
    test_opts();
    test_located();
    return check_done();
}
