/* test_qemu_caps.c: the capabilities object, its XML form and the profiles. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "qemu/caps.h"
#include "util.h"

static bool diags_have(const vc_diags *d, int line, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if ((line < 0 || d->v[i].line == line) && strstr(d->v[i].message, needle))
            return true;
    return false;
}

static void test_flag_names(void)
{
    bool all = true, round = true;
    for (int f = 0; f < QEMU_CAP_LAST; f++) {
        const char *n = qemu_caps_flag_name((qemu_cap_flag)f);
        all = all && n && *n;
        round = round && n && qemu_caps_flag_from_name(n) == (qemu_cap_flag)f;
    }
    CHECK(all, "every flag has a name");
    CHECK(round, "flag name -> flag -> name");
    CHECK(qemu_caps_flag_from_name("drive") == QEMU_CAP_DRIVE, "drive flag by name");
    CHECK(qemu_caps_flag_from_name("no-kqemu") == QEMU_CAP_LAST, "unknown flag name");
    CHECK(qemu_caps_flag_from_name(NULL) == QEMU_CAP_LAST, "NULL flag name");
    CHECK(qemu_caps_flag_name(QEMU_CAP_LAST) == NULL, "out-of-range flag has no name");
}

/* A caps with something of every kind, added out of order and repeated. */
static qemu_caps *build_sample(void)
{
    qemu_caps *c = qemu_caps_new();
    c->name = vc_xstrdup("sample");
    c->binary = vc_xstrdup("/usr/bin/qemu-system-x86_64");
    c->binary_size = 123456789;
    c->binary_mtime = 1700000000;
    c->version = 7002000;
    c->package = vc_xstrdup("Debian 1:7.2+dfsg-7 <&'\">");
    c->arch = vc_xstrdup("x86_64");
    qemu_caps_set(c, QEMU_CAP_DEVICE, true);
    qemu_caps_set(c, QEMU_CAP_BLOCKDEV, true);
    qemu_caps_set(c, QEMU_CAP_KQEMU, true);
    qemu_caps_set(c, QEMU_CAP_KQEMU, false);
    c->accel_kvm = c->accel_tcg = true;
    qemu_caps_add_machine(c, "pc-i440fx-7.2", "pc", true, 255);
    qemu_caps_add_machine(c, "pc-q35-7.2", "q35", false, 288);
    qemu_caps_add_machine(c, "none", NULL, false, 0);
    qemu_caps_add_cpu(c, "qemu64");
    qemu_caps_add_cpu(c, "EPYC");
    qemu_caps_add_cpu(c, "host");
    qemu_caps_add_cpu(c, "qemu64");
    qemu_caps_device *d = qemu_caps_add_device(c, "virtio-net-pci");
    qemu_caps_device_add_prop(d, "mac");
    qemu_caps_device_add_prop(d, "bootindex");
    qemu_caps_add_device(c, "e1000");
    d = qemu_caps_add_device(c, "virtio-blk-pci");
    qemu_caps_device_add_prop(d, "drive");
    d = qemu_caps_add_device(c, "virtio-net-pci");   /* again: props merge */
    qemu_caps_device_add_prop(d, "netdev");
    qemu_caps_add_option(c, "blockdev");
    qemu_caps_add_option(c, "audiodev");
    qemu_caps_finish(c);
    return c;
}

static void test_queries(void)
{
    qemu_caps *c = build_sample();
    CHECK(qemu_caps_has(c, QEMU_CAP_DEVICE), "flag set");
    CHECK(!qemu_caps_has(c, QEMU_CAP_KQEMU), "flag cleared");
    CHECK(!qemu_caps_has(c, QEMU_CAP_LAST), "out-of-range flag is false");
    CHECK(!qemu_caps_has(NULL, QEMU_CAP_DEVICE), "NULL caps has nothing");
    CHECK(c->ncpus == 3, "duplicate cpu dropped");
    CHECK(strcmp(c->cpus[0], "EPYC") == 0 && strcmp(c->cpus[2], "qemu64") == 0, "cpus sorted");
    CHECK(qemu_caps_has_cpu(c, "host") && !qemu_caps_has_cpu(c, "pentium"), "cpu lookup");
    CHECK(c->ndevices == 3, "duplicate device merged");
    CHECK(qemu_caps_has_device(c, "e1000") && !qemu_caps_has_device(c, "rtl8139"),
          "device lookup");
    CHECK(qemu_caps_device_has_prop(c, "virtio-net-pci", "netdev") &&
          qemu_caps_device_has_prop(c, "virtio-net-pci", "bootindex"), "props of both listings");
    CHECK(!qemu_caps_device_has_prop(c, "virtio-net-pci", "drive"), "missing prop");
    CHECK(!qemu_caps_device_has_prop(c, "nodev", "drive"), "prop of missing device");
    CHECK(qemu_caps_has_option(c, "audiodev") && !qemu_caps_has_option(c, "spice"),
          "option lookup");
    const qemu_caps_machine *m = qemu_caps_machine_lookup(c, "q35");
    CHECK(m && strcmp(m->name, "pc-q35-7.2") == 0, "machine by alias");
    m = qemu_caps_machine_lookup(c, "pc-i440fx-7.2");
    CHECK(m && m->max_cpus == 255, "machine by name");
    m = qemu_caps_machine_lookup(c, NULL);
    CHECK(m && strcmp(m->name, "pc-i440fx-7.2") == 0, "default machine");
    CHECK(!qemu_caps_machine_lookup(c, "isapc"), "missing machine");
    qemu_caps_free(c);
}

static void test_round_trip(void)
{
    qemu_caps *c = build_sample();
    char *x1 = qemu_caps_format(c);
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c2 = qemu_caps_parse("sample.xml", x1, strlen(x1), &d);
    CHECK(c2 && d.n == 0, "formatted caps parse");
    char *x2 = c2 ? qemu_caps_format(c2) : NULL;
    CHECK(x2 && strcmp(x1, x2) == 0, "format -> parse -> format is identical");
    CHECK(c2 && c2->version == 7002000 && c2->binary_mtime == 1700000000 &&
          c2->binary_size == 123456789, "numbers survive");
    CHECK(c2 && strcmp(c2->package, c->package) == 0, "escaped text survives");
    CHECK(strstr(x1, "<flag name='device'/>") && !strstr(x1, "name='kqemu'"), "flags written");
    free(x2);
    qemu_caps_free(c2);
    free(x1);

    /* An empty caps is a valid document too. */
    qemu_caps *e = qemu_caps_new();
    x1 = qemu_caps_format(e);
    c2 = qemu_caps_parse("empty.xml", x1, strlen(x1), &d);
    x2 = c2 ? qemu_caps_format(c2) : NULL;
    CHECK(x2 && strcmp(x1, x2) == 0 && strcmp(x1, "<qemuCaps>\n</qemuCaps>\n") == 0,
          "empty caps round trip");
    free(x1);
    free(x2);
    qemu_caps_free(c2);
    qemu_caps_free(e);
    qemu_caps_free(c);

    /* Found by fuzzing: whitespace in attribute values must survive. */
    e = qemu_caps_new();
    qemu_caps_add_cpu(e, "a\nb\tc");
    qemu_caps_finish(e);
    x1 = qemu_caps_format(e);
    c2 = qemu_caps_parse("ws.xml", x1, strlen(x1), &d);
    CHECK(c2 && c2->ncpus == 1 && strcmp(c2->cpus[0], "a\nb\tc") == 0,
          "newline and tab in an attribute survive a round trip");
    free(x1);
    qemu_caps_free(c2);
    qemu_caps_free(e);
    vc_diags_free(&d);
}

static void test_profiles(void)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = qemu_caps_load_profile("legacy", &d);
    CHECK(c && d.n == 0, "legacy profile loads");
    if (!c)
        return;
    CHECK(strcmp(c->name, "legacy") == 0 && !c->binary, "profile named, no binary");
    CHECK(qemu_caps_has(c, QEMU_CAP_DRIVE) && qemu_caps_has(c, QEMU_CAP_KQEMU) &&
          qemu_caps_has(c, QEMU_CAP_NAME) && !qemu_caps_has(c, QEMU_CAP_UUID) &&
          !qemu_caps_has(c, QEMU_CAP_DEVICE), "legacy flags");
    const qemu_caps_machine *m = qemu_caps_machine_lookup(c, NULL);
    CHECK(m && strcmp(m->name, "pc") == 0, "legacy default machine");
    char *x1 = qemu_caps_format(c);
    qemu_caps *c2 = qemu_caps_parse("legacy.xml", x1, strlen(x1), &d);
    char *x2 = c2 ? qemu_caps_format(c2) : NULL;
    CHECK(x2 && strcmp(x1, x2) == 0, "legacy profile round trip");
    free(x1);
    free(x2);
    qemu_caps_free(c2);
    qemu_caps_free(c);

    c = qemu_caps_load_profile("no-such-profile", &d);
    CHECK(!c && vc_diags_code(&d) == VC_ERR_USAGE, "unknown profile is a usage error");
    CHECK(diags_have(&d, -1, "unknown QEMU profile 'no-such-profile'") &&
          diags_have(&d, -1, "legacy"), "unknown profile lists the available ones");
    vc_diags_clear(&d);
    c = qemu_caps_load_profile("../profiles/legacy", &d);
    CHECK(!c && vc_diags_code(&d) == VC_ERR_USAGE, "a path is not a profile name");
    vc_diags_clear(&d);
    c = qemu_caps_load_profile("", &d);
    CHECK(!c && d.nerrors == 1, "empty profile name");
    vc_diags_free(&d);
}

static void expect_bad(const char *name, const char *xml, int line, const char *needle)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = qemu_caps_parse("bad.xml", xml, strlen(xml), &d);
    bool ok = !c && d.nerrors > 0 && diags_have(&d, line, needle) &&
              d.v[0].file && strcmp(d.v[0].file, "bad.xml") == 0 && d.v[0].column > 0;
    if (!ok)
        for (size_t i = 0; i < d.n; i++)
            vc_error_print(stdout, &d.v[i]);
    CHECK(ok, name);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

static void test_parse_errors(void)
{
    expect_bad("unknown flag", "<qemuCaps>\n  <flag name='drive'/>\n  <flag name='warp'/>\n</qemuCaps>\n",
               3, "unknown capability flag 'warp'");
    expect_bad("unknown element", "<qemuCaps>\n  <flags/>\n</qemuCaps>\n", 2,
               "unexpected element <flags>");
    expect_bad("wrong root", "<domain/>\n", 1, "expected <qemuCaps>");
    expect_bad("flag without name", "<qemuCaps>\n  <flag/>\n</qemuCaps>\n", 2, "'name'");
    expect_bad("bad number", "<qemuCaps>\n  <version major='7' minor='x'/>\n</qemuCaps>\n", 2,
               "'x' is not a number");
    expect_bad("bad mtime", "<qemuCaps>\n  <emulator path='/q' mtime='soon'/>\n</qemuCaps>\n", 2,
               "mtime");
    expect_bad("two defaults",
               "<qemuCaps>\n  <machine name='a' default='yes'/>\n  <machine name='b' default='yes'/>\n"
               "</qemuCaps>\n", 1, "more than one default machine");
    expect_bad("bad default", "<qemuCaps>\n  <machine name='a' default='maybe'/>\n</qemuCaps>\n",
               2, "yes or no");
    expect_bad("unknown accel", "<qemuCaps>\n\n  <accel name='hax'/>\n</qemuCaps>\n", 3,
               "unknown accelerator 'hax'");
    expect_bad("bad prop", "<qemuCaps>\n  <device name='e1000'>\n    <property name='mac'/>\n"
               "  </device>\n</qemuCaps>\n", 3, "<property>");
    expect_bad("malformed", "<qemuCaps>\n  <flag name='drive'>\n</qemuCaps>\n", 3, "");
}

static void test_save_load(void)
{
    char dir[] = "/tmp/virtc-caps-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temporary directory");
    char *path = vc_xasprintf("%s/caps.xml", dir);
    qemu_caps *c = build_sample();
    vc_diags d;
    vc_diags_init(&d);
    CHECK(qemu_caps_save_file(c, path, &d), "save caps");
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644, "saved file is 0644");
    qemu_caps *c2 = qemu_caps_load_file(path, &d);
    char *x1 = qemu_caps_format(c), *x2 = c2 ? qemu_caps_format(c2) : NULL;
    CHECK(x2 && strcmp(x1, x2) == 0, "save -> load is identical");
    free(x1);
    free(x2);
    qemu_caps_free(c2);

    char *bad = vc_xasprintf("%s/missing/caps.xml", dir);
    CHECK(!qemu_caps_save_file(c, bad, &d) && vc_diags_code(&d) == VC_ERR_RUNTIME,
          "save into a missing directory is a runtime error");
    vc_diags_clear(&d);
    CHECK(!qemu_caps_load_file(bad, &d) && d.nerrors == 1 && d.v[0].file &&
          strcmp(d.v[0].file, bad) == 0, "load of a missing file names it");
    free(bad);
    qemu_caps_free(c);
    vc_diags_free(&d);
    unlink(path);
    rmdir(dir);
    free(path);
}

int main(void)
{
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    test_flag_names();
    test_queries();
    test_round_trip();
    test_profiles();
    test_parse_errors();
    test_save_load();
    return check_done();
}
