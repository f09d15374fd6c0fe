/* test_util.c: strict number parsing, buffers, XML escaping. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

static void test_numbers(void)
{
    unsigned long long u;
    long long l;
    int i;
    CHECK(vc_parse_ull("42", 10, &u) && u == 42, "plain number");
    CHECK(vc_parse_ull("0x1f", 0, &u) && u == 31, "hex with base 0");
    CHECK(!vc_parse_ull("\t-1", 10, &u), "leading white space and a sign rejected");
    CHECK(!vc_parse_ull(" 1", 10, &u) && !vc_parse_ull("+1", 10, &u), "space, plus rejected");
    CHECK(!vc_parse_ull("-1", 10, &u), "negative rejected for unsigned");
    CHECK(!vc_parse_ull("1 ", 10, &u) && !vc_parse_ull("", 10, &u), "trailing junk, empty");
    CHECK(!vc_parse_ull("18446744073709551616", 10, &u), "overflow rejected");
    CHECK(vc_parse_ll("-5", 10, &l) && l == -5, "negative signed");
    CHECK(!vc_parse_ll("\n-5", 10, &l) && !vc_parse_ll("--5", 10, &l), "signed: junk rejected");
    CHECK(!vc_parse_int("2147483648", &i) && vc_parse_int("-2147483648", &i), "int range");
}

static void test_escape(void)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_xml_escape(&b, "a<b>&'\"\n\t", '\'', true);
    CHECK(strcmp(vc_buf_str(&b), "a&lt;b&gt;&amp;&apos;&quot;&#10;&#9;") == 0,
          "attribute escaping keeps white space");
    vc_buf_free(&b);
    vc_buf_xml_escape(&b, "x'\n", '\'', false);
    CHECK(strcmp(vc_buf_str(&b), "x&apos;\n") == 0, "text keeps newlines");
    vc_buf_free(&b);
}

static void test_strv(void)
{
    vc_strv sv;
    vc_strv_init(&sv);
    for (int i = 0; i < 100; i++)
        vc_strv_addf(&sv, "arg%d", i);
    CHECK(sv.n == 100 && sv.v[100] == NULL && strcmp(sv.v[99], "arg99") == 0,
          "strv grows and stays NULL-terminated");
    vc_strv_free(&sv);
}

int main(void)
{
    test_numbers();
    test_escape();
    test_strv();
    return check_done();
}
