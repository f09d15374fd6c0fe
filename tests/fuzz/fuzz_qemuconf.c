/*
 * fuzz_qemuconf.c: the qemu.conf reader on any text.
 *
 * Property: a rejected file says why with a located error (file:line);
 * an accepted one has no error, and every list it set holds strings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/qemuconf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    rt_qemuconf c;
    rt_qemuconf_defaults(&c);
    vc_diags d;
    vc_diags_init(&d);
    bool ok = rt_qemuconf_parse(&c, "fuzz.conf", text, size, &d);
    if (ok) {
        FUZZ_REQUIRE(d.nerrors == 0, "an accepted qemu.conf carries an error");
        for (size_t i = 0; i < c.cgroup_device_acl.n; i++)
            FUZZ_REQUIRE(c.cgroup_device_acl.v[i][0] == '/', "an ACL entry is not a path");
    } else {
        FUZZ_REQUIRE(d.nerrors > 0, "a rejected qemu.conf has no error");
        for (size_t i = 0; i < d.n; i++)
            FUZZ_REQUIRE(d.v[i].line > 0 && d.v[i].file, "an error without file:line");
    }
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
    free(text);
    return 0;
}
