/*
 * fuzz_security.c: the text runtime/security reads or writes from plan data.
 *
 * Byte 0 picks the target, the rest is its input (NUL-terminated copy):
 *   0  a device rule ("c 1:3 rw"): accepted -> its text parses back equal
 *   1  an MCS pair ("c34,c44"): accepted -> its text is the input
 *   2  a static SELinux label: accepted -> the process label is the input,
 *      one line, no spaces (it goes to setexeccon and into the plan)
 *   3  a path in an AppArmor .files: accepted -> exactly one rule line, and
 *      undoing the escapes inside its quotes gives the path back (a path
 *      cannot end the quote early or start a second rule)
 * Every refusal must be an error in the diagnostics.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runtime/security/security.h"
#include "util.h"

static void fuzz_rule(const char *s)
{
    rt_dev_rule r, back;
    if (!rt_dev_rule_parse(s, &r))
        return;
    char *t = rt_dev_rule_text(&r);
    FUZZ_REQUIRE(rt_dev_rule_parse(t, &back), "a rule's text does not parse");
    FUZZ_REQUIRE(back.type == r.type && back.major == r.major && back.minor == r.minor &&
                     back.access == r.access, "a rule's text parses to another rule");
    free(t);
}

static void fuzz_mcs(const char *s)
{
    rt_mcs_pair p;
    if (!rt_mcs_parse(s, &p))
        return;
    FUZZ_REQUIRE(p.c1 < p.c2 && p.c2 <= 1023, "an accepted pair is out of range");
    char *t = rt_mcs_text(p);
    rt_mcs_pair q;
    FUZZ_REQUIRE(rt_mcs_parse(t, &q) && q.c1 == p.c1 && q.c2 == p.c2,
                 "a pair's text parses to another pair");
    free(t);
}

static void fuzz_label(const char *s)
{
    rt_se_spec spec = { .model = RT_SE_STATIC, .static_label = s };
    rt_se_labels l;
    vc_diags d;
    vc_diags_init(&d);
    if (rt_se_labels_compute(&spec, &l, &d)) {
        FUZZ_REQUIRE(strcmp(l.process, s) == 0, "a static label was changed");
        FUZZ_REQUIRE(!strpbrk(l.process, " \t\r\n"), "an accepted label holds white space");
        FUZZ_REQUIRE(!l.relabel, "a static label relabels");
    } else {
        FUZZ_REQUIRE(d.nerrors > 0, "a refused label has no error");
    }
    rt_se_labels_free(&l);
    vc_diags_free(&d);
}

/* The quoted path of the one rule line, escapes undone; NULL when the line
 * is not '  "PATH" rwk,'. */
static char *fuzz_unquote(const char *line)
{
    if (strncmp(line, "  \"", 3) != 0)
        return NULL;
    vc_buf b;
    vc_buf_init(&b);
    const char *p = line + 3;
    for (; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1])
            p++;
        vc_buf_putc(&b, *p);
    }
    if (strcmp(p, "\" rwk,\n") != 0) {
        vc_buf_free(&b);
        return NULL;
    }
    return vc_buf_steal(&b);
}

static void fuzz_aa_path(const char *s)
{
    rt_aa_file f = { s, RT_AA_DISK };
    rt_aa_spec spec = { .uuid = "c7a5fdbd-edaf-9455-926a-d65c16db1809", .name = s,
                        .emulator = "/usr/bin/qemu-system-x86_64", .files = &f, .nfiles = 1 };
    vc_diags d;
    vc_diags_init(&d);
    char *text = rt_aa_files_text(&spec, &d);
    if (text) {
        char *nl = strchr(text, '\n');
        FUZZ_REQUIRE(nl && strchr(nl + 1, '\n') == text + strlen(text) - 1,
                     "the .files of one path is not a comment and one rule");
        char *path = fuzz_unquote(nl + 1);
        FUZZ_REQUIRE(path && strcmp(path, s) == 0, "the rule does not quote the path exactly");
        free(path);
    } else {
        FUZZ_REQUIRE(d.nerrors > 0, "a refused path has no error");
    }
    free(text);
    vc_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 1)
        return 0;
    char *s = vc_xstrndup((const char *)data + 1, len - 1);
    switch (data[0] % 4) {
    case 0: fuzz_rule(s); break;
    case 1: fuzz_mcs(s); break;
    case 2: fuzz_label(s); break;
    default: fuzz_aa_path(s); break;
    }
    free(s);
    return 0;
}
