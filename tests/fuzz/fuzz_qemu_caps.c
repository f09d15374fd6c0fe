/*
 * fuzz_qemu_caps.c: the QEMU capabilities loader (profiles, probe caches).
 *
 * A cache file is read back from disk, so it is input like any other. What
 * qemu_caps_parse accepts must format, parse back, and format to the same
 * text (a recorded probe is a profile: save and load must be inverses).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "qemu/caps.h"

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
    qemu_caps *c = qemu_caps_parse("fuzz.xml", (const char *)data, size, &d);
    FUZZ_REQUIRE(c || d.nerrors > 0, "rejected capabilities have no error");
    fuzz_check_located(&d);
    if (!c) {
        vc_diags_free(&d);
        return 0;
    }
    char *text = qemu_caps_format(c);
    FUZZ_REQUIRE(text != NULL, "qemu_caps_format returned NULL");

    vc_diags d2;
    vc_diags_init(&d2);
    qemu_caps *again = qemu_caps_parse("formatted.xml", text, strlen(text), &d2);
    if (!again) {
        fprintf(stderr, "fuzz: formatted capabilities do not parse back\n%s", text);
        vc_diags_print(stderr, &d2);
        abort();
    }
    char *text2 = qemu_caps_format(again);
    if (strcmp(text, text2) != 0) {
        fprintf(stderr, "fuzz: formatting is not a fixed point\n--- first ---\n%s"
                        "--- second ---\n%s", text, text2);
        abort();
    }
    free(text2);
    qemu_caps_free(again);
    vc_diags_free(&d2);
    free(text);
    qemu_caps_free(c);
    vc_diags_free(&d);
    return 0;
}
