/*
 * fuzz_argv.c: the qemu-argv emitter on every document the front end
 * accepts.
 *
 * Domain XML -> IR -> qemu_argv_build with the `legacy` and `qemu-7.2`
 * profiles -> qemu_launch_render. A valid document may be one that a QEMU
 * cannot express (then there must be an error), but never one that crashes
 * the emitter. Mostly the fuzzer will be rejected by the schema; seeds that
 * are valid domains get it past that into the emitter.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"
#include "fuzz.h"
#include "qemu/argv.h"
#include "qemu/caps.h"

/* Each profile with the options a caller of it would pass: the converter's
 * (monitor on a pty, default VNC listen) and the runtime's. */
typedef struct fuzz_profile {
    const char *name;
    qemu_argv_opts opts;
    qemu_caps *caps;
} fuzz_profile;

static fuzz_profile fuzz_profiles[] = {
    { "legacy", { .file = "fuzz.xml", .test_env = true }, NULL },
    { "qemu-7.2",
      { .file = "fuzz.xml", .test_env = true, .vnc_listen = "",
        .monitor_socket = "/run/virtc/fuzz.monitor" },
      NULL },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_paths();
    for (size_t i = 0; i < sizeof(fuzz_profiles) / sizeof(fuzz_profiles[0]); i++) {
        vc_diags d;
        vc_diags_init(&d);
        fuzz_profiles[i].caps = qemu_caps_load_profile(fuzz_profiles[i].name, &d);
        if (!fuzz_profiles[i].caps) {
            vc_diags_print(stderr, &d);
            abort();
        }
        vc_diags_free(&d);
    }
    return 0;
}

static void fuzz_emit(const ir_domain *dom, const fuzz_profile *p)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = qemu_argv_build(dom, p->caps, &p->opts, &d);
    FUZZ_REQUIRE(l || d.nerrors > 0, "a failed build has no error");
    if (l) {
        FUZZ_REQUIRE(d.nerrors == 0, "a build that succeeded reported an error");
        FUZZ_REQUIRE(l->argv.n > 0 && l->argv.v[0] && l->argv.v[l->argv.n] == NULL,
                     "argv is empty or not NULL-terminated");
        for (size_t i = 0; i < l->nres; i++)
            FUZZ_REQUIRE(l->res[i].path && l->res[i].kind < QEMU_RES_LAST,
                         "a resource without a path or with a bad kind");
        char *line = qemu_launch_render(l);
        FUZZ_REQUIRE(line != NULL, "qemu_launch_render returned NULL");
        free(line);
        qemu_launch_free(l);
    }
    vc_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = xml_domain_parse("fuzz.xml", (const char *)data, size, &d);
    vc_diags_free(&d);
    if (!dom)
        return 0;
    for (size_t i = 0; i < sizeof(fuzz_profiles) / sizeof(fuzz_profiles[0]); i++)
        fuzz_emit(dom, &fuzz_profiles[i]);
    ir_domain_free(dom);
    return 0;
}
