/*
 * fuzz_plan.c: the plan reader on any XML.
 *
 * Property: a rejected document says why; an accepted plan formats, the
 * text parses back, and formats to the same text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/plan.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_paths();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_plan *p = rt_plan_parse("fuzz.xml", (const char *)data, size, &d);
    if (!p) {
        FUZZ_REQUIRE(d.nerrors > 0, "a rejected plan has no error");
        vc_diags_free(&d);
        return 0;
    }
    char *text = rt_plan_format(p);
    vc_diags d2;
    vc_diags_init(&d2);
    rt_plan *again = rt_plan_parse("formatted.xml", text, strlen(text), &d2);
    if (!again) {
        vc_diags_print(stderr, &d2);
        fprintf(stderr, "%s", text);
    }
    FUZZ_REQUIRE(again != NULL, "a formatted plan does not parse back");
    char *text2 = rt_plan_format(again);
    FUZZ_REQUIRE(strcmp(text, text2) == 0, "formatting a plan is not a fixed point");
    free(text2);
    rt_plan_free(again);
    vc_diags_free(&d2);
    free(text);
    rt_plan_free(p);
    vc_diags_free(&d);
    return 0;
}
