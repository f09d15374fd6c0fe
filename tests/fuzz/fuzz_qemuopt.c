/*
 * fuzz_qemuopt.c: the QEMU option-value grammar (grammar/qemuopt.y) on any
 * bytes, with and without an implicit first key. Accepted: every item has
 * a name and offsets inside the text; refused: a message inside it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../grammar/qemuopt.h"
#include "fuzz.h"

static void fuzz_read(const uint8_t *data, size_t size, const char *implicit)
{
    qopt_list l;
    qopt_err e;
    if (!qopt_read((const char *)data, size, implicit, &l, &e)) {
        FUZZ_REQUIRE(e.msg && e.off <= size, "a refusal without a message or out of the text");
        FUZZ_REQUIRE(l.n == 0, "a refusal left items behind");
        free(e.msg);
        return;
    }
    for (size_t i = 0; i < l.n; i++) {
        FUZZ_REQUIRE(l.v[i].key && *l.v[i].key, "an item without a name");
        FUZZ_REQUIRE(l.v[i].key_off <= size && l.v[i].val_off <= size, "an offset out of the text");
        FUZZ_REQUIRE(!l.v[i].implicit || (i == 0 && implicit), "an implicit key not first");
    }
    qopt_list_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read(data, size, NULL);
    fuzz_read(data, size, "driver");
    return 0;
}
