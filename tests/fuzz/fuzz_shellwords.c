/*
 * fuzz_shellwords.c: the shell-word lexer (grammar/shellwords.l) on any
 * bytes. Accepted: every byte of every word maps to an offset inside the
 * input, in increasing order; refused: a message at an offset inside it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../grammar/shellwords.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shw_words w;
    shw_error e;
    if (!shw_split((const char *)data, size, &w, &e)) {
        FUZZ_REQUIRE(e.msg && e.off <= size, "a refusal without a message or out of the input");
        free(e.msg);
        return 0;
    }
    size_t last = 0;
    for (size_t i = 0; i < w.n; i++) {
        const shw_word *wd = &w.v[i];
        FUZZ_REQUIRE(wd->text && wd->text[wd->len] == '\0', "a word is not NUL-terminated");
        for (size_t k = 0; k < wd->len; k++) {
            FUZZ_REQUIRE(wd->src[k] < size, "a byte maps outside the input");
            FUZZ_REQUIRE(wd->src[k] >= last, "source offsets go backwards");
            last = wd->src[k];
        }
        int line, col;
        shw_locate((const char *)data, size, wd->start, &line, &col);
        FUZZ_REQUIRE(line >= 1 && col >= 1, "a location before the start");
    }
    shw_words_free(&w);
    return 0;
}
