/* test_rt_qemuconf.c: qemu.conf: values, defaults, located errors, unknown
 * keys, the file chosen (--config, VIRTC_QEMU_CONF, system, session). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../runtime/qemuconf.h"
#include "check.h"

/* Parses text over the defaults; the diagnostics in d. */
static bool parse(rt_qemuconf *c, const char *text, vc_diags *d)
{
    rt_qemuconf_defaults(c);
    vc_diags_init(d);
    return rt_qemuconf_parse(c, "q.conf", text, strlen(text), d);
}

static bool first_is(const vc_diags *d, vc_severity sev, int line, int col, const char *msg)
{
    bool ok = d->n > 0 && d->v[0].severity == sev && d->v[0].line == line &&
              d->v[0].column == col && strcmp(d->v[0].message, msg) == 0;
    if (!ok && d->n > 0)
        printf("  got %d:%d: %s\n", d->v[0].line, d->v[0].column, d->v[0].message);
    return ok;
}

static void test_values(void)
{
    rt_qemuconf c;
    vc_diags d;
    bool ok = parse(&c,
                    "# a comment\n"
                    "user = \"qemu\"   # trailing\n"
                    "group=\"kvm\"\n"
                    "\n"
                    "dynamic_ownership = 0\n"
                    "security_driver = [ \"selinux\", \"apparmor\" ]\n"
                    "cgroup_device_acl = [\n"
                    "    \"/dev/null\",   # multi-line\n"
                    "    \"/dev/kvm\",\n"
                    "]\n"
                    "clear_emulator_capabilities = 0\n"
                    "vnc_listen = \"0.0.0.0\"\n"
                    "log_dir = \"/srv/log\"\n"
                    "cgroup_controllers = [ \"devices\", \"memory\" ]\n",
                    &d);
    CHECK(ok && d.n == 0, "a full file parses without a word");
    CHECK(vc_streq(c.user, "qemu") && vc_streq(c.group, "kvm"), "user, group");
    CHECK(!c.dynamic_ownership && !c.clear_emulator_capabilities, "0 turns booleans off");
    CHECK(c.security_drivers_set && c.security_drivers.n == 2 &&
              strcmp(c.security_drivers.v[1], "apparmor") == 0, "security_driver as a list");
    CHECK(c.cgroup_device_acl.n == 2 && strcmp(c.cgroup_device_acl.v[1], "/dev/kvm") == 0,
          "a list over several lines replaces the default ACL");
    CHECK(vc_streq(c.vnc_listen, "0.0.0.0") && vc_streq(c.log_dir, "/srv/log"), "strings");
    CHECK(c.cgroup_controllers_set && c.cgroup_controllers.n == 2, "cgroup_controllers");
    CHECK(vc_streq(c.path, "q.conf"), "the file read is recorded");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);

    ok = parse(&c, "security_driver = \"none\"\n", &d);
    CHECK(ok && c.security_drivers.n == 1 && strcmp(c.security_drivers.v[0], "none") == 0,
          "security_driver as one string");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
}

/* virtc's own keys: the restart limit (runtime/guest.h), carried in the plan. */
static void test_restart_limit(void)
{
    rt_qemuconf c;
    vc_diags d;
    bool ok = parse(&c, "restart_limit_burst = 3\nrestart_limit_interval = 600\n", &d);
    CHECK(ok && d.n == 0 && c.restart_limit_burst == 3 && c.restart_limit_interval == 600,
          "restart_limit_burst, restart_limit_interval");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
    ok = parse(&c, "restart_limit_burst = 1000\nrestart_limit_interval = 0\n", &d);
    CHECK(ok && d.n == 0 && c.restart_limit_burst == 1000 && c.restart_limit_interval == 0,
          "the bounds are taken (interval 0: no limit)");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
    ok = parse(&c, "user = \"qemu\"\n", &d);
    CHECK(ok && c.restart_limit_burst == 5 && c.restart_limit_interval == 60,
          "not given: 5 restarts within 60 s");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
}

static void test_defaults(void)
{
    rt_qemuconf c;
    rt_qemuconf_defaults(&c);
    CHECK(c.dynamic_ownership && c.clear_emulator_capabilities && c.security_default_confined,
          "defaults: ownership, capabilities cleared, confined");
    CHECK(!c.user && !c.group && !c.security_drivers_set && vc_streq(c.vnc_listen, "127.0.0.1"),
          "defaults: no user/group (the instance's), drivers auto, VNC on loopback");
    static const char *const seed[] = { "/dev/null", "/dev/full", "/dev/zero", "/dev/random",
                                        "/dev/urandom", "/dev/ptmx", "/dev/kvm", "/dev/kqemu",
                                        "/dev/rtc", "/dev/hpet", "/dev/net/tun" };
    bool same = c.cgroup_device_acl.n >= 11;
    for (size_t i = 0; same && i < 11; i++)
        same = strcmp(c.cgroup_device_acl.v[i], seed[i]) == 0;
    bool ufd = access("/dev/userfaultfd", F_OK) == 0;
    CHECK(same && c.cgroup_device_acl.n == (ufd ? 12u : 11u),
          "default ACL: the seed's list, plus /dev/userfaultfd where it exists");
    rt_qemuconf_free(&c);
}

static void test_errors(void)
{
    static const struct {
        const char *text;
        int line, col;
        const char *msg;
    } cases[] = {
        { "user = qemu\n", 1, 8, "expected a string, an integer or a list" },
        { "\n\nuser = \"qemu\n", 3, 13, "unterminated string" },
        { "user \"qemu\"\n", 1, 6, "expected '=' after the key" },
        { "= 1\n", 1, 1, "expected a key name" },
        { "user =\n", 1, 7, "missing value after '='" },
        { "dynamic_ownership = 2\n", 1, 21, "dynamic_ownership: expected 0 or 1, not 2" },
        { "dynamic_ownership = \"yes\"\n", 1, 21,
          "dynamic_ownership: expected 0 or 1, not a string" },
        { "user = [ \"a\" ]\n", 1, 8, "user: expected a double-quoted string, not a list" },
        { "cgroup_device_acl = \"/dev/null\"\n", 1, 21,
          "cgroup_device_acl: expected a list of strings, not a string" },
        { "security_driver = \"smack\"\n", 1, 19,
          "security_driver: unknown driver 'smack' (none, dac, selinux, apparmor)" },
        { "security_driver = [ \"none\", \"dac\" ]\n", 1, 19,
          "security_driver: 'none' cannot be combined with other drivers" },
        { "cgroup_device_acl = [ \"dev/null\" ]\n", 1, 21,
          "cgroup_device_acl: 'dev/null' is not an absolute path" },
        { "cgroup_device_acl = [ \"/dev/null\" \"/dev/zero\" ]\n", 1, 35,
          "expected ',' or ']' in a list" },
        { "cgroup_device_acl = [\n \"/dev/null\",\n", 3, 1,
          "unterminated list: expected ']'" },
        { "vnc_listen = \"::\" extra\n", 1, 19, "unexpected text after the value" },
        { "cgroup_controllers = [ \"gpu\" ]\n", 1, 22,
          "cgroup_controllers: unknown controller 'gpu'" },
        { "# restart\n\nrestart_limit_burst = 0\n", 3, 23,
          "restart_limit_burst: expected 1 to 1000, not 0" },
        { "restart_limit_burst = 1001\n", 1, 23,
          "restart_limit_burst: expected 1 to 1000, not 1001" },
        { "restart_limit_burst = \"5\"\n", 1, 23,
          "restart_limit_burst: expected an integer, not a string" },
        { "restart_limit_interval = -1\n", 1, 26,
          "restart_limit_interval: expected 0 to 86400, not -1" },
        { "restart_limit_interval = 86401\n", 1, 26,
          "restart_limit_interval: expected 0 to 86400, not 86401" },
        { "restart_limit_interval = [ \"60\" ]\n", 1, 26,
          "restart_limit_interval: expected an integer, not a list" },
        { "restart_limit_interval = 99999999999999999999\n", 1, 26,
          "expected a string, an integer or a list" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(cases); i++) {
        rt_qemuconf c;
        vc_diags d;
        bool ok = parse(&c, cases[i].text, &d);
        char *name = vc_xasprintf("error: %s", cases[i].msg);
        CHECK(!ok && d.nerrors == 1 && vc_streq(d.v[0].file, "q.conf") &&
                  first_is(&d, VC_SEV_ERROR, cases[i].line, cases[i].col, cases[i].msg),
              name);
        free(name);
        rt_qemuconf_free(&c);
        vc_diags_free(&d);
    }

    /* every bad line is reported, not only the first */
    rt_qemuconf c;
    vc_diags d;
    bool ok = parse(&c, "user = 1\ngroup = \"g\"\ndynamic_ownership = 7\n", &d);
    CHECK(!ok && d.nerrors == 2 && d.v[1].line == 3, "each bad line has its own error");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);

    ok = parse(&c, "spice_listen = \"0.0.0.0\"\nuser = \"qemu\"\n", &d);
    CHECK(ok && d.n == 1 && first_is(&d, VC_SEV_WARNING, 1, 1, "unknown key 'spice_listen' ignored") &&
              vc_streq(c.user, "qemu"),
          "an unknown key is a warning, the rest is read");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
}

static void test_paths(void)
{
    bool must;
    unsetenv("VIRTC_QEMU_CONF");
    char *p = rt_qemuconf_path("/x/my.conf", true, &must);
    CHECK(strcmp(p, "/x/my.conf") == 0 && must, "--config wins and must exist");
    free(p);
    setenv("VIRTC_QEMU_CONF", "/env/q.conf", 1);
    p = rt_qemuconf_path(NULL, true, &must);
    CHECK(strcmp(p, "/env/q.conf") == 0 && must, "then VIRTC_QEMU_CONF");
    free(p);
    unsetenv("VIRTC_QEMU_CONF");
    p = rt_qemuconf_path(NULL, true, &must);
    CHECK(strcmp(p, "/etc/virtc/qemu.conf") == 0 && !must, "system: /etc/virtc/qemu.conf");
    free(p);
    setenv("XDG_CONFIG_HOME", "/cfg", 1);
    p = rt_qemuconf_path(NULL, false, &must);
    CHECK(strcmp(p, "/cfg/virtc/qemu.conf") == 0 && !must, "session: $XDG_CONFIG_HOME");
    free(p);
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/u", 1);
    p = rt_qemuconf_path(NULL, false, &must);
    CHECK(strcmp(p, "/home/u/.config/virtc/qemu.conf") == 0, "session: ~/.config without XDG");
    free(p);

    rt_qemuconf c;
    vc_diags d;
    vc_diags_init(&d);
    CHECK(!rt_qemuconf_load(&c, "/nonexistent/virtc.conf", true, &d) && d.nerrors == 1 &&
              strstr(d.v[0].message, "cannot read the configuration /nonexistent/virtc.conf"),
          "a named file that does not exist is an error");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
    vc_diags_init(&d);
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    CHECK(rt_qemuconf_load(&c, NULL, false, &d) && d.n == 0 && c.dynamic_ownership,
          "a default file that does not exist means the defaults");
    rt_qemuconf_free(&c);
    vc_diags_free(&d);
}

int main(void)
{
    test_values();
    test_defaults();
    test_errors();
    test_restart_limit();
    test_paths();
    return check_done();
}
