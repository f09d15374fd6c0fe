/* test_rt_restart_limit.c: the restart limit of runtime/guest.h (at most
 * RT_RESTART_BURST restarts within RT_RESTART_WINDOW_S seconds), on a clock
 * the test moves. */
#include <stdlib.h>
#include <string.h>

#include "../../runtime/guest.h"
#include "check.h"

static void test_burst(void)
{
    rt_restart_limit l = { 0 };
    bool all = true;
    for (int i = 0; i < RT_RESTART_BURST; i++)
        all = rt_restart_allowed(&l, 1000 + i * 100) && all;
    CHECK(all, "the first 5 restarts at once are allowed");
    CHECK(!rt_restart_allowed(&l, 1600), "a 6th within the window is refused");
    CHECK(!rt_restart_allowed(&l, 1000 + RT_RESTART_WINDOW_S * 1000 - 1),
          "... up to the window's end after the first of the 5");
    CHECK(rt_restart_allowed(&l, 1000 + RT_RESTART_WINDOW_S * 1000),
          "once the first has left the window, one more is allowed");
    CHECK(!rt_restart_allowed(&l, 1000 + RT_RESTART_WINDOW_S * 1000 + 1),
          "... and then the limit holds again (5 in the window)");
}

static void test_slow(void)
{
    /* a guest that runs 13 s between power-offs: 4.6 per minute, never 6 */
    rt_restart_limit l = { 0 };
    bool all = true;
    for (int i = 0; i < 100; i++)
        all = rt_restart_allowed(&l, 5000 + (long long)i * 13000) && all;
    CHECK(all, "restarts 13 s apart are never refused");
    rt_restart_limit m = { 0 };
    all = true;
    for (int i = 0; i < 6; i++)
        all = rt_restart_allowed(&m, (long long)i * 11000) && all;
    CHECK(!all, "6 restarts 11 s apart (55 s) are refused at the 6th");
}

static void test_reason(void)
{
    char *r = rt_restart_limit_reason();
    CHECK(r && strcmp(r, "restarted 5 times within 60 s (the restart limit)") == 0,
          "the reason names the limit");
    free(r);
}

int main(void)
{
    test_burst();
    test_slow();
    test_reason();
    return check_done();
}
