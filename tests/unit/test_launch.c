/* test_launch.c: the qemu-argv emitter: quoting, rendering, environment,
 * the forms each capability flag selects, resources and located errors. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "domain_xml.h"
#include "ir.h"
#include "qemu/argv.h"
#include "qemu/caps.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------- */

static char *quoted(const char *w)
{
    vc_buf b;
    vc_buf_init(&b);
    qemu_shell_quote(&b, w);
    return vc_buf_steal(&b);
}

static bool quote_is(const char *w, const char *want)
{
    char *q = quoted(w);
    bool ok = strcmp(q, want) == 0;
    if (!ok)
        printf("  quote(%s) = %s, want %s\n", w, q, want);
    free(q);
    return ok;
}

/* The argv joined by spaces, without the environment. */
static char *joined(const qemu_launch *l)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < l->argv.n; i++)
        vc_buf_printf(&b, "%s%s", i ? " " : "", l->argv.v[i]);
    return vc_buf_steal(&b);
}

static bool argv_has(const qemu_launch *l, const char *fragment)
{
    char *s = joined(l);
    bool ok = strstr(s, fragment) != NULL;
    if (!ok)
        printf("  argv lacks '%s': %s\n", fragment, s);
    free(s);
    return ok;
}

static bool argv_lacks(const qemu_launch *l, const char *fragment)
{
    char *s = joined(l);
    bool ok = strstr(s, fragment) == NULL;
    free(s);
    return ok;
}

static const qemu_resource *res_find(const qemu_launch *l, const char *path)
{
    for (size_t i = 0; i < l->nres; i++)
        if (strcmp(l->res[i].path, path) == 0)
            return &l->res[i];
    return NULL;
}

static qemu_caps *legacy_caps(void)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = qemu_caps_load_profile("legacy", &d);
    vc_diags_free(&d);
    return c;
}

static ir_pos at(int line, int col)
{
    ir_pos p = { line, col };
    return p;
}

/* The seed's domain, built by hand: QEMUGuest1 with one IDE block disk. */
static ir_domain *seed_domain(void)
{
    ir_domain *dom = ir_domain_new();
    dom->type = IR_VIRT_QEMU;
    dom->name = vc_xstrdup("QEMUGuest1");
    ir_uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db1809", dom->uuid);
    dom->uuid_given = true;
    dom->memory_kib = dom->current_memory_kib = 219200;
    dom->vcpus = 1;
    dom->os.type = vc_xstrdup("hvm");
    dom->os.arch = vc_xstrdup("i686");
    dom->os.machine = vc_xstrdup("pc");
    dom->os.boot[dom->os.nboot++] = IR_BOOT_HD;
    dom->clock.offset = IR_CLOCK_UTC;
    dom->on_poweroff = IR_LIFE_DESTROY;
    dom->on_reboot = IR_LIFE_RESTART;
    dom->on_crash = IR_LIFE_DESTROY;
    dom->emulator = vc_xstrdup("/usr/bin/qemu");
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_DISK, at(17, 5));
    dev->u.disk.type = IR_DISK_TYPE_BLOCK;
    dev->u.disk.device = IR_DISK_DEV_DISK;
    dev->u.disk.source = vc_xstrdup("/dev/HostVG/QEMUGuest1");
    dev->u.disk.target_dev = vc_xstrdup("hda");
    dev->u.disk.target_bus = IR_BUS_IDE;
    return dom;
}

static ir_device *add_disk(ir_domain *dom, ir_disk_device device, const char *src,
                           const char *target, ir_pos pos)
{
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_DISK, pos);
    dev->u.disk.type = IR_DISK_TYPE_FILE;
    dev->u.disk.device = device;
    dev->u.disk.source = vc_xstrdup(src);
    dev->u.disk.target_dev = vc_xstrdup(target);
    return dev;
}

static const qemu_argv_opts test_opts = { .file = "t.xml", .test_env = true };

static qemu_launch *build(const ir_domain *dom, const qemu_caps *c, vc_diags *d)
{
    return qemu_argv_build(dom, c, &test_opts, d);
}

/* ---- tests ------------------------------------------------------------ */

static void test_quoting(void)
{
    CHECK(quote_is("abc", "abc"), "plain word unquoted");
    CHECK(quote_is("/usr/bin:/bin", "/usr/bin:/bin"), "path unquoted");
    CHECK(quote_is("file=/a,b@c+%", "file=/a,b@c+%"), "option string unquoted");
    CHECK(quote_is("", "''"), "empty word quoted");
    CHECK(quote_is("a b", "'a b'"), "space quoted");
    CHECK(quote_is("it's", "'it'\\''s'"), "embedded quote");
    CHECK(quote_is("~root", "'~root'"), "tilde quoted");
    CHECK(quote_is("#x", "'#x'"), "hash quoted");
    CHECK(quote_is("$HOME", "'$HOME'"), "dollar quoted");
    CHECK(quote_is("a\nb", "'a\nb'"), "newline quoted");
    CHECK(quote_is("[::1]:0", "'[::1]:0'"), "brackets quoted");

    vc_buf b;
    vc_buf_init(&b);
    qemu_opt_add(&b, "file", "/a,b");
    qemu_opt_add(&b, "if", "ide");
    CHECK(strcmp(vc_buf_str(&b), "file=/a,,b,if=ide") == 0, "option value commas doubled");
    vc_buf_free(&b);
    vc_buf_init(&b);
    qemu_opt_escape(&b, ",,x,");
    CHECK(strcmp(vc_buf_str(&b), ",,,,x,,") == 0, "every comma doubled");
    vc_buf_free(&b);
}

static void test_render(void)
{
    qemu_caps *c = legacy_caps();
    ir_domain *dom = seed_domain();
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = build(dom, c, &d);
    CHECK(l && d.n == 0, "seed domain builds");
    if (!l)
        return;
    char *line = qemu_launch_render(l);
    CHECK(strcmp(line, "LC_ALL=C PATH=/usr/bin:/bin HOME=/home/test USER=test LOGNAME=test "
                       "/usr/bin/qemu -S -M pc -no-kqemu -m 214 -smp 1 -name QEMUGuest1 "
                       "-nographic -monitor pty -no-acpi -boot c -drive "
                       "file=/dev/HostVG/QEMUGuest1,if=ide,index=0 -net none -serial none "
                       "-parallel none -usb") == 0, "seed line");
    free(line);
    CHECK(l->env.n == 5 && strcmp(l->argv.v[0], "/usr/bin/qemu") == 0, "env and argv[0]");
    CHECK(l->argv.v[l->argv.n] == NULL, "argv NULL-terminated");
    const qemu_resource *r = res_find(l, "/dev/HostVG/QEMUGuest1");
    CHECK(r && r->kind == QEMU_RES_BLOCK && !r->readonly, "block disk is a writable resource");
    CHECK(strcmp(qemu_res_kind_name(QEMU_RES_BLOCK), "block") == 0, "resource kind name");

    /* Rendering only quotes what needs it, and only the value of NAME=VALUE. */
    vc_strv_add(&l->env, "EXTRA=a b");
    free(l->argv.v[0]);
    l->argv.v[0] = vc_xstrdup("/opt/a=b/qemu");
    line = qemu_launch_render(l);
    CHECK(strstr(line, " EXTRA='a b' '/opt/a=b/qemu' -S ") != NULL,
          "env value and '=' in argv[0] quoted");
    free(line);
    qemu_launch_free(l);
    ir_domain_free(dom);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

static void test_real_env(void)
{
    qemu_caps *c = legacy_caps();
    ir_domain *dom = seed_domain();
    vc_diags d;
    vc_diags_init(&d);
    setenv("PATH", "/sbin:/bin", 1);
    setenv("HOME", "/root", 1);
    unsetenv("USER");
    setenv("LOGNAME", "op", 1);
    setenv("LC_ALL", "de_DE.UTF-8", 1);
    qemu_argv_opts o = { .file = "t.xml" };
    qemu_launch *l = qemu_argv_build(dom, c, &o, &d);
    CHECK(l && l->env.n == 4 && strcmp(l->env.v[0], "LC_ALL=C") == 0 &&
          strcmp(l->env.v[1], "PATH=/sbin:/bin") == 0 && strcmp(l->env.v[2], "HOME=/root") == 0 &&
          strcmp(l->env.v[3], "LOGNAME=op") == 0, "real environment: LC_ALL=C, others copied");
    qemu_launch_free(l);
    ir_domain_free(dom);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

static void test_errors_located(void)
{
    qemu_caps *c = legacy_caps();
    ir_domain *dom = seed_domain();
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_SOUND, at(21, 7));
    dev->u.sound.model = vc_xstrdup("ich6");
    dev = ir_domain_add_device(dom, IR_DEV_FILESYSTEM, at(22, 5));
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = build(dom, c, &d);
    CHECK(!l, "unsupported devices fail the build");
    CHECK(d.nerrors == 2, "every unsupported device reported");
    bool located = d.nerrors == 2;
    for (size_t i = 0; i < d.n; i++)
        located = located && d.v[i].file && strcmp(d.v[i].file, "t.xml") == 0;
    CHECK(located && d.v[0].line == 22 && d.v[0].column == 5 && d.v[1].line == 21 &&
          d.v[1].column == 7, "errors carry file:line:column");
    CHECK(strstr(d.v[1].message, "sound model 'ich6' not supported by this QEMU (profile legacy)"),
          "message names the profile");
    vc_diags_free(&d);
    ir_domain_free(dom);

    /* A probed caps is named by its binary. */
    free(c->binary);
    free(c->name);
    c->binary = vc_xstrdup("/usr/bin/qemu-old");
    c->name = vc_xstrdup("/usr/bin/qemu-old");
    dom = seed_domain();
    dom->type = IR_VIRT_LXC;
    vc_diags_init(&d);
    l = build(dom, c, &d);
    CHECK(!l && d.nerrors == 1 && strstr(d.v[0].message, "(/usr/bin/qemu-old)"),
          "probed caps named by binary");
    vc_diags_free(&d);
    ir_domain_free(dom);

    qemu_caps_free(c);

    /* The device flag picks the -device generation: none of the legacy
     * forms, which such a QEMU rejects, may appear. */
    vc_diags_init(&d);
    c = qemu_caps_load_profile("qemu-7.2", &d);
    dom = seed_domain();
    l = c ? build(dom, c, &d) : NULL;
    char *line = l ? qemu_launch_render(l) : NULL;
    CHECK(line && strstr(line, " -blockdev ") && strstr(line, " -device ") &&
          !strstr(line, "-no-kqemu") && !strstr(line, "-net none") && !strstr(line, " -drive "),
          "the device flag selects the -device generation");
    free(line);
    qemu_launch_free(l);
    vc_diags_free(&d);
    ir_domain_free(dom);
    qemu_caps_free(c);
}

static void test_warnings(void)
{
    qemu_caps *c = legacy_caps();
    ir_domain *dom = seed_domain();
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_INTERFACE, at(30, 5));
    dev->u.net.type = IR_NET_NETWORK;
    dev->u.net.source_network = vc_xstrdup("default");
    dev->u.net.mac = vc_xstrdup("52:54:00:00:00:01");
    dev = ir_domain_add_device(dom, IR_DEV_OTHER, at(31, 5));
    dev->u.other.xml = vc_xstrdup("<shmem name='x'/>");
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = build(dom, c, &d);
    CHECK(l && d.n == 0, "warnings do not fail the build, nor go to d");
    CHECK(l && l->warnings.n == 2 && l->warnings.nerrors == 0, "warnings kept in the launch");
    CHECK(l && l->warnings.v[0].line == 30 && strstr(l->warnings.v[0].message, "'default'"),
          "network warning located");
    CHECK(l && strstr(l->warnings.v[1].message, "<shmem>"), "unmodelled device warned");
    CHECK(l && argv_has(l, "-net nic,macaddr=52:54:00:00:00:01,vlan=0 -net tap,vlan=0"),
          "network interface as an unscripted tap");
    CHECK(l && res_find(l, "/dev/net/tun"), "tap needs /dev/net/tun");
    qemu_launch_free(l);
    ir_domain_free(dom);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

/* Binaries without -drive: -hda, -cdrom, -fda. */
static void test_no_drive(void)
{
    qemu_caps *c = legacy_caps();
    qemu_caps_set(c, QEMU_CAP_DRIVE, false);
    ir_domain *dom = seed_domain();
    add_disk(dom, IR_DISK_DEV_CDROM, "/iso/a.iso", "hdc", at(20, 5));
    add_disk(dom, IR_DISK_DEV_FLOPPY, "/tmp/f.img", "fdb", at(21, 5));
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = build(dom, c, &d);
    CHECK(l && argv_has(l, "-boot c -hda /dev/HostVG/QEMUGuest1 -cdrom /iso/a.iso "
                           "-fdb /tmp/f.img -net none"), "-hda/-cdrom/-fdb forms");
    const qemu_resource *r = l ? res_find(l, "/iso/a.iso") : NULL;
    CHECK(r && r->readonly && r->kind == QEMU_RES_FILE, "cdrom image is read-only");
    qemu_launch_free(l);
    add_disk(dom, IR_DISK_DEV_DISK, "/x.img", "vda", at(22, 5));
    l = build(dom, c, &d);
    CHECK(!l && d.nerrors == 1 && d.v[0].line == 22, "virtio disk has no -hdX form");
    qemu_launch_free(l);
    ir_domain_free(dom);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

/* Later flags of the -drive generation. */
static void test_newer_flags(void)
{
    qemu_caps *c = legacy_caps();
    qemu_caps_set(c, QEMU_CAP_KQEMU, false);
    qemu_caps_set(c, QEMU_CAP_KVM, true);
    qemu_caps_set(c, QEMU_CAP_ENABLE_KVM, true);
    qemu_caps_set(c, QEMU_CAP_UUID, true);
    qemu_caps_set(c, QEMU_CAP_DRIVE_CACHE_V2, true);
    qemu_caps_set(c, QEMU_CAP_DRIVE_FORMAT, true);
    qemu_caps_set(c, QEMU_CAP_DRIVE_BOOT, true);
    qemu_caps_set(c, QEMU_CAP_SMP_TOPOLOGY, true);
    ir_domain *dom = seed_domain();
    dom->type = IR_VIRT_KVM;
    dom->vcpus = 4;
    dom->vcpus_current = 2;
    dom->topology.sockets = 2;
    dom->topology.cores = 2;
    dom->topology.threads = 1;
    ir_device *dev = add_disk(dom, IR_DISK_DEV_DISK, "/img/b.qcow2", "vda", at(20, 5));
    dev->u.disk.driver_type = vc_xstrdup("qcow2");
    dev->u.disk.driver_cache = vc_xstrdup("none");
    vc_diags d;
    vc_diags_init(&d);
    qemu_argv_opts o = test_opts;
    o.monitor_socket = "/run/virtc/demo.monitor";
    qemu_launch *l = qemu_argv_build(dom, c, &o, &d);
    CHECK(l && d.n == 0, "newer flags build");
    if (l) {
        CHECK(argv_has(l, "-M pc -enable-kvm -m 214 -smp 2,maxcpus=4,sockets=2,cores=2,threads=1 "
                          "-name QEMUGuest1 -uuid c7a5fdbd-edaf-9455-926a-d65c16db1809"),
              "-enable-kvm, -smp topology, -uuid");
        CHECK(argv_has(l, "-monitor unix:/run/virtc/demo.monitor,server,nowait"),
              "monitor on a unix socket");
        CHECK(argv_has(l, "file=/dev/HostVG/QEMUGuest1,if=ide,index=0,boot=on -drive "
                          "file=/img/b.qcow2,if=virtio,index=0,format=qcow2,cache=none"),
              "boot=on once, format=, cache v2");
        CHECK(res_find(l, "/dev/kvm") && res_find(l, "/run/virtc/demo.monitor"),
              "kvm and monitor resources");
        CHECK(l->warnings.n == 0, "no warnings");
    }
    qemu_launch_free(l);
    ir_domain_free(dom);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

static void test_xenner_and_old_display(void)
{
    qemu_caps *c = legacy_caps();
    qemu_caps_set(c, QEMU_CAP_DOMID, true);
    qemu_caps_set(c, QEMU_CAP_VNC_COLON, false);
    qemu_caps_set(c, QEMU_CAP_VGA, false);
    ir_domain *dom = seed_domain();
    dom->type = IR_VIRT_XEN;
    dom->id = 5;
    free(dom->os.type);
    dom->os.type = vc_xstrdup("xen");
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_GRAPHICS, at(20, 5));
    dev->u.graphics.type = IR_GFX_VNC;
    dev->u.graphics.port = 5902;
    dev = ir_domain_add_device(dom, IR_DEV_VIDEO, at(21, 5));
    dev->u.video.model = vc_xstrdup("vga");
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = build(dom, c, &d);
    CHECK(l && argv_lacks(l, "-no-kqemu"), "no -no-kqemu for a xen guest");
    CHECK(l && argv_has(l, "-name QEMUGuest1 -domid 5 -monitor pty"), "-domid for xenner");
    CHECK(l && argv_has(l, "-vnc 2 -std-vga"), "display number only, -std-vga");
    qemu_launch_free(l);
    ir_domain_free(dom);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

static void test_bootloader_and_cmdline(void)
{
    qemu_caps *c = legacy_caps();
    ir_domain *dom = seed_domain();
    dom->bootloader = vc_xstrdup("/usr/bin/pygrub");
    dom->qemu_cmdline = vc_xcalloc(1, sizeof(ir_qemu_cmdline));
    dom->qemu_cmdline->args = vc_xcalloc(2, sizeof(char *));
    dom->qemu_cmdline->args[0] = vc_xstrdup("-debugcon");
    dom->qemu_cmdline->args[1] = vc_xstrdup("stdio");
    dom->qemu_cmdline->nargs = dom->qemu_cmdline->capargs = 2;
    dom->qemu_cmdline->env = vc_xcalloc(1, sizeof(ir_qemu_env));
    dom->qemu_cmdline->env[0].name = vc_xstrdup("BAD-NAME");
    dom->qemu_cmdline->env[0].value = vc_xstrdup("1");
    dom->qemu_cmdline->nenv = dom->qemu_cmdline->capenv = 1;
    dom->qemu_cmdline->pos = at(40, 3);
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = build(dom, c, &d);
    CHECK(!l && d.nerrors == 1 && d.v[0].line == 40, "bad qemu:env name located");
    vc_diags_clear(&d);
    free(dom->qemu_cmdline->env[0].name);
    dom->qemu_cmdline->env[0].name = vc_xstrdup("GOOD_NAME");
    l = build(dom, c, &d);
    CHECK(l && argv_has(l, "-no-acpi -bootloader /usr/bin/pygrub -drive") &&
          argv_lacks(l, "-boot c"), "-bootloader instead of -boot");
    CHECK(l && strcmp(l->argv.v[l->argv.n - 2], "-debugcon") == 0 &&
          strcmp(l->env.v[l->env.n - 1], "GOOD_NAME=1") == 0, "pass-through at the end");
    qemu_launch_free(l);
    ir_domain_free(dom);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

/* Through the XML front end: positions come from the document. */
static void test_end_to_end(void)
{
    static const char doc[] =
        "<domain type='qemu'>\n"
        "  <name>e2e</name>\n"
        "  <memory>65536</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  <os>\n"
        "    <type arch='i686' machine='pc'>hvm</type>\n"
        "  </os>\n"
        "  <devices>\n"
        "    <emulator>/usr/bin/qemu</emulator>\n"
        "    <disk type='file' device='disk'>\n"
        "      <source file='/a,b.img'/>\n"
        "      <target dev='hda'/>\n"
        "    </disk>\n"
        "      <watchdog model='ib700'/>\n"
        "  </devices>\n"
        "</domain>\n";
    qemu_caps *c = legacy_caps();
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = xml_domain_parse("e2e.xml", doc, sizeof(doc) - 1, &d);
    CHECK(dom != NULL, "front end parses the test document");
    if (!dom) {
        vc_diags_print(stdout, &d);
        qemu_caps_free(c);
        vc_diags_free(&d);
        return;
    }
    qemu_argv_opts o = { .file = "e2e.xml", .test_env = true };
    qemu_launch *l = qemu_argv_build(dom, c, &o, &d);
    CHECK(!l && d.nerrors == 1 && d.v[0].line == 14 && d.v[0].column == 7 &&
          strcmp(d.v[0].file, "e2e.xml") == 0, "watchdog error at 14:7");
    ir_domain_free(dom);
    vc_diags_clear(&d);

    char *fixed = vc_xstrdup(doc);
    char *w = strstr(fixed, "      <watchdog model='ib700'/>\n");
    memmove(w, w + strlen("      <watchdog model='ib700'/>\n"),
            strlen(w + strlen("      <watchdog model='ib700'/>\n")) + 1);
    dom = xml_domain_parse("e2e.xml", fixed, strlen(fixed), &d);
    l = dom ? qemu_argv_build(dom, c, &o, &d) : NULL;
    CHECK(l && argv_has(l, "-m 64 ") && argv_has(l, "-drive file=/a,,b.img,if=ide,index=0"),
          "comma in a path doubled end to end");
    qemu_launch_free(l);
    ir_domain_free(dom);
    free(fixed);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

static int run_status(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = vc_read_file(a, &la), *y = vc_read_file(b, &lb);
    bool ok = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return ok;
}

/* The command line's batch mode: one process, every file reported. */
static void test_cli_batch(void)
{
    if (access("tools/virtc", X_OK) != 0) {
        printf("SKIP %s:cli batch (no tools/virtc)\n", __FILE__);
        return;
    }
    char dir[] = "/tmp/virtc-argv-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temporary directory");
    const char *g = "tests/golden/qemu-legacy";
    char *cmd = vc_xasprintf("tools/virtc domxml-to-native qemu-argv --caps legacy --test-env "
                             "--output-dir %s %s/net-user.xml %s/bad-watchdog.xml "
                             "%s/disk-file.xml 2>/dev/null", dir, g, g, g);
    CHECK(run_status(cmd) == 1, "batch with a bad file exits 1");
    free(cmd);
    char *a = vc_xasprintf("%s/net-user.args", dir), *ga = vc_xasprintf("%s/net-user.args", g);
    char *b = vc_xasprintf("%s/disk-file.args", dir), *gb = vc_xasprintf("%s/disk-file.args", g);
    char *bad = vc_xasprintf("%s/bad-watchdog.args", dir);
    CHECK(same_file(a, ga) && same_file(b, gb), "good files converted around the bad one");
    CHECK(access(bad, F_OK) != 0, "nothing written for the bad file");
    cmd = vc_xasprintf("tools/virtc domxml-to-native qemu-argv --caps legacy -o %s "
                       "%s/bad-watchdog.xml 2>/dev/null", bad, g);
    CHECK(run_status(cmd) == 1 && access(bad, F_OK) != 0, "-o: no output file on failure");
    free(cmd);
    unlink(a);
    unlink(b);
    rmdir(dir);
    free(a); free(ga); free(b); free(gb); free(bad);
    /* without --caps the domain's emulator is probed; this one is absent */
    CHECK(run_status("tools/virtc domxml-to-native qemu-argv tests/golden/qemu-legacy/"
                     "disk-file.xml 2>/dev/null") == 1, "no --caps and no such emulator: error");
    CHECK(run_status("tools/virtc domxml-to-native vmware-vmx --caps legacy tests/golden/"
                     "qemu-legacy/disk-file.xml 2>/dev/null") == 2, "unknown format: usage error");
    CHECK(run_status("tools/virtc domxml-to-native --help >/dev/null") == 0, "--help");
    CHECK(run_status("tools/virtc domxml-to-native qemu-argv --caps legacy --output-dir /tmp "
                     "tests/golden/qemu-legacy/disk-file.xml ./tests/golden/qemu-legacy/"
                     "disk-file.xml 2>/dev/null") == 2, "--output-dir: two inputs, one output");
}

int main(void)
{
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    test_quoting();
    test_render();
    test_real_env();
    test_errors_located();
    test_warnings();
    test_no_drive();
    test_newer_flags();
    test_xenner_and_old_display();
    test_bootloader_and_cmdline();
    test_end_to_end();
    test_cli_batch();
    return check_done();
}
