/*
 * check.h: the unit tests' only machinery. CHECK prints one line per check,
 * "PASS file:name" or "FAIL file:name (at line N)", which tests/run-tests.sh
 * counts; check_done() is the exit status.
 */
#ifndef VIRTC_CHECK_H
#define VIRTC_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond, name)                                                      \
    do {                                                                       \
        if (cond) {                                                            \
            printf("PASS %s:%s\n", __FILE__, name);                            \
        } else {                                                               \
            printf("FAIL %s:%s (at line %d: %s)\n", __FILE__, name, __LINE__, #cond); \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

static inline int check_done(void)
{
    return check_failures ? 1 : 0;
}

#endif
