/* test_rt_restart_limit.c: the restart limit of runtime/guest.h (at most
 * burst restarts within a window of seconds, 5 within 60 by default, from
 * qemu.conf through the plan), on a clock the test moves. */
#include <stdlib.h>
#include <string.h>

#include "../../runtime/guest.h"
#include "../../runtime/plan.h"
#include "../../runtime/qemuconf.h"
#include "../../translators/domain_xml.h"
#include "../../translators/qemu/plan.h"
#include "check.h"

static void test_burst(void)
{
    rt_restart_limit l;
    rt_restart_limit_init(&l, RT_RESTART_BURST, RT_RESTART_WINDOW_S);
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
    rt_restart_limit_free(&l);
}

static void test_slow(void)
{
    /* a guest that runs 13 s between power-offs: 4.6 per minute, never 6 */
    rt_restart_limit l;
    rt_restart_limit_init(&l, 5, 60);
    bool all = true;
    for (int i = 0; i < 100; i++)
        all = rt_restart_allowed(&l, 5000 + (long long)i * 13000) && all;
    CHECK(all, "restarts 13 s apart are never refused");
    rt_restart_limit_free(&l);
    rt_restart_limit m;
    rt_restart_limit_init(&m, 5, 60);
    all = true;
    for (int i = 0; i < 6; i++)
        all = rt_restart_allowed(&m, (long long)i * 11000) && all;
    CHECK(!all, "6 restarts 11 s apart (55 s) are refused at the 6th");
    rt_restart_limit_free(&m);
}

/* Other limits, as qemu.conf's restart_limit_burst / _interval set them. */
static void test_configured(void)
{
    rt_restart_limit l;
    rt_restart_limit_init(&l, 1, 10);
    CHECK(rt_restart_allowed(&l, 0) && !rt_restart_allowed(&l, 9999) &&
              rt_restart_allowed(&l, 10000),
          "burst 1, 10 s: one restart, the next only 10 s later");
    char *r = rt_restart_limit_reason(&l);
    CHECK(r && strcmp(r, "restarted 1 time within 10 s (the restart limit)") == 0,
          "the reason names the configured limit (1 time, 10 s)");
    free(r);
    rt_restart_limit_free(&l);
    rt_restart_limit_init(&l, 20, 3600);
    bool all = true;
    for (int i = 0; i < 20; i++)
        all = rt_restart_allowed(&l, (long long)i * 1000) && all;
    CHECK(all && !rt_restart_allowed(&l, 3599000) && rt_restart_allowed(&l, 3600000),
          "burst 20 within an hour: 20 allowed, the 21st only once the first is an hour old");
    rt_restart_limit_free(&l);
    rt_restart_limit_init(&l, 5, 0);
    all = true;
    for (int i = 0; i < 1000; i++)
        all = rt_restart_allowed(&l, i) && all;
    CHECK(all, "an interval of 0 is no limit: 1000 restarts in a second are allowed");
    rt_restart_limit_free(&l);
}

static void test_reason(void)
{
    rt_restart_limit l;
    rt_restart_limit_init(&l, RT_RESTART_BURST, RT_RESTART_WINDOW_S);
    char *r = rt_restart_limit_reason(&l);
    CHECK(r && strcmp(r, "restarted 5 times within 60 s (the restart limit)") == 0,
          "the default reason names the limit");
    free(r);
    rt_restart_limit_free(&l);
}

/* text with its first from replaced by to (caller frees); NULL without one. */
static char *replace_once(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    return at ? vc_xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) : NULL;
}

/* The limit goes from qemu.conf into the plan, and from the plan document
 * back; a plan without one has the defaults. */
static void test_plan(void)
{
    static const char xml[] =
        "<domain type='qemu'><name>rl</name><uuid>6f2b4e1c-6a53-4c1e-9c9e-3a2b1c0d9e8f</uuid>"
        "<memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<on_poweroff>restart</on_poweroff>"
        "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
        "<memballoon model='none'/></devices></domain>";
    static const char conf_text[] = "restart_limit_burst = 2\nrestart_limit_interval = 30\n";
    vc_diags d;
    vc_diags_init(&d);
    rt_qemuconf conf;
    rt_qemuconf_defaults(&conf);
    CHECK(conf.restart_limit_burst == 5 && conf.restart_limit_interval == 60,
          "qemu.conf: by default 5 restarts within 60 s");
    bool ok = rt_qemuconf_parse(&conf, "q.conf", conf_text, strlen(conf_text), &d);
    ir_domain *dom = xml_domain_parse("rl.xml", xml, strlen(xml), &d);
    qemu_caps *caps = qemu_caps_load_profile("qemu-7.2", &d);
    rt_plan *p = ok && dom && caps ? qemu_plan_build(dom, caps, &conf, RT_INSTANCE_SYSTEM, true,
                                                     "rl.xml", &d)
                                   : NULL;
    CHECK(p && p->restart_burst == 2 && p->restart_window_s == 30,
          "plan: qemu.conf's limit (2 within 30 s)");
    char *text = p ? rt_plan_format(p) : NULL;
    CHECK(text && strstr(text, "  <lifecycle on_poweroff='restart' on_reboot='restart' "
                               "on_crash='destroy'>\n    <restart_limit burst='2' "
                               "interval='30'/>\n  </lifecycle>\n"),
          "plan: the document carries <restart_limit burst='2' interval='30'/>");
    rt_plan *q = text ? rt_plan_parse("p.xml", text, strlen(text), &d) : NULL;
    CHECK(q && q->restart_burst == 2 && q->restart_window_s == 30, "plan: read back");
    rt_plan_free(q);
    char *old = text ? replace_once(text, "    <restart_limit burst='2' interval='30'/>\n", "")
                     : NULL;
    q = old ? rt_plan_parse("old.xml", old, strlen(old), &d) : NULL;
    CHECK(q && q->restart_burst == 5 && q->restart_window_s == 60,
          "plan: a plan without <restart_limit> has the defaults");
    rt_plan_free(q);
    free(old);
    vc_diags_clear(&d);
    old = text ? replace_once(text, "burst='2'", "burst='0'") : NULL;
    q = old ? rt_plan_parse("bad.xml", old, strlen(old), &d) : NULL;
    CHECK(old && !q && d.nerrors > 0, "plan: burst='0' is refused by plan.rng");
    free(old);
    vc_diags_clear(&d);
    old = text ? replace_once(text, "interval='30'", "interval='86401'") : NULL;
    q = old ? rt_plan_parse("bad.xml", old, strlen(old), &d) : NULL;
    CHECK(old && !q && d.nerrors > 0, "plan: interval='86401' is refused by plan.rng");
    free(old);
    free(text);
    rt_plan_free(p);
    qemu_caps_free(caps);
    ir_domain_free(dom);
    rt_qemuconf_free(&conf);
    vc_diags_free(&d);
}

int main(void)
{
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    test_burst();
    test_slow();
    test_configured();
    test_reason();
    test_plan();
    return check_done();
}
