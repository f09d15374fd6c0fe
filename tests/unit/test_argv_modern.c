/* test_argv_modern.c: the -device generation of the qemu-argv emitter
 * (translators/qemu/argv_modern.c), driven with the qemu-7.2 profile and
 * with capability objects built here to show that flags and device lists,
 * not profile names, decide the forms. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../translators/domain_xml.h"
#include "../../translators/qemu/argv.h"
#include "../../translators/qemu/caps.h"

static const char *const head =
    "<domain type='qemu'><name>t</name>"
    "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
    "<memory unit='KiB'>131072</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
    "<features><acpi/></features><devices>"
    "<emulator>/usr/bin/qemu-system-x86_64</emulator>";

static qemu_launch *build(const qemu_caps *caps, const char *devices, vc_diags *d)
{
    char *xml = vc_xasprintf("%s%s</devices></domain>", head, devices);
    ir_domain *dom = xml_domain_parse("t.xml", xml, strlen(xml), d);
    free(xml);
    if (!dom)
        return NULL;
    qemu_argv_opts opts = { .file = "t.xml", .test_env = true };
    qemu_launch *l = qemu_argv_build(dom, caps, &opts, d);
    ir_domain_free(dom);
    return l;
}

/* The argument after opt whose text starts with prefix, or NULL. */
static const char *arg_after(const qemu_launch *l, const char *opt, const char *prefix)
{
    for (size_t i = 0; l && i + 1 < l->argv.n; i++)
        if (strcmp(l->argv.v[i], opt) == 0 &&
            strncmp(l->argv.v[i + 1], prefix, strlen(prefix)) == 0)
            return l->argv.v[i + 1];
    return NULL;
}

static bool has_res(const qemu_launch *l, const char *path, qemu_res_kind kind)
{
    for (size_t i = 0; l && i < l->nres; i++)
        if (l->res[i].kind == kind && strcmp(l->res[i].path, path) == 0)
            return true;
    return false;
}

static bool diags_have(const vc_diags *d, const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->v[i].message, text))
            return true;
    return false;
}

static void test_profile(void)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = qemu_caps_load_profile("qemu-7.2", &d);
    CHECK(c != NULL, "qemu-7.2 profile loads");
    if (!c)
        return;

    qemu_launch *l = build(c, "", &d);
    CHECK(l && d.nerrors == 0, "empty domain builds");
    CHECK(arg_after(l, "-machine", "pc-i440fx-7.2,usb=off,dump-guest-core=off,accel=tcg"),
          "machine alias resolved, tcg for type qemu");
    CHECK(arg_after(l, "-name", "guest=t,debug-threads=on"), "-name guest=");
    CHECK(arg_after(l, "-device", "piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2"),
          "implicit UHCI at 1.2");
    CHECK(arg_after(l, "-device", "virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x2"),
          "implicit balloon at slot 2");
    CHECK(arg_after(l, "-display", "none"), "no graphics: -display none");
    CHECK(has_res(l, "/var/lib/libvirt/qemu/domain--1-t/monitor.sock", QEMU_RES_SOCKET),
          "default monitor socket recorded");
    qemu_launch_free(l);

    l = build(c, "<disk type='block' device='disk'><source dev='/dev/sdz'/>"
                 "<target dev='vda' bus='virtio'/></disk>"
                 "<interface type='user'><mac address='52:54:00:00:00:01'/></interface>"
                 "<graphics type='vnc' port='5901' autoport='no'/>", &d);
    CHECK(l && d.nerrors == 0, "disk, nic, vnc build");
    CHECK(arg_after(l, "-blockdev", "driver=host_device,filename=/dev/sdz,"
                                    "node-name=libvirt-1-storage"), "block device node");
    CHECK(has_res(l, "/dev/sdz", QEMU_RES_BLOCK), "block device recorded");
    CHECK(arg_after(l, "-device", "cirrus-vga,id=video0,bus=pci.0,addr=0x2"),
          "display gets the default video at slot 2");
    CHECK(arg_after(l, "-device", "rtl8139,netdev=hostnet0,id=net0,mac=52:54:00:00:00:01,"
                                  "bus=pci.0,addr=0x3"), "NIC first after video");
    CHECK(arg_after(l, "-device", "virtio-blk-pci,bus=pci.0,addr=0x4,drive=libvirt-1-format"),
          "virtio disk after the NIC");
    CHECK(arg_after(l, "-vnc", "127.0.0.1:1,audiodev=audio1"), "vnc display 1");
    qemu_launch_free(l);

    vc_diags_free(&d);
    vc_diags_init(&d);
    l = build(c, "<watchdog model='diag288'/><sound model='ich7'/>", &d);
    CHECK(!l && d.nerrors == 2, "two unsupported devices, two errors, no launch");
    CHECK(diags_have(&d, "watchdog 'diag288'") && diags_have(&d, "sound model 'ich7'"),
          "each named");
    CHECK(d.n && d.v[0].line == 1 && d.v[0].file && strcmp(d.v[0].file, "t.xml") == 0,
          "errors located");
    vc_diags_free(&d);
    qemu_caps_free(c);
}

/* A hand-made QEMU: -device without -blockdev, and a device list without
 * virtio-net-pci: the forms follow. */
static void test_built_caps(void)
{
    qemu_caps *c = qemu_caps_new();
    c->name = vc_xstrdup("hand-made");
    c->accel_tcg = true;
    qemu_caps_set(c, QEMU_CAP_DEVICE, true);
    qemu_caps_add_machine(c, "pc-i440fx-2.0", "pc", true, 255);
    static const char *const devs[] = { "piix3-usb-uhci", "virtio-balloon-pci", "ide-hd",
                                        "e1000" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(devs); i++)
        qemu_caps_add_device(c, devs[i]);
    qemu_caps_device_add_prop(qemu_caps_add_device(c, "e1000"), "netdev");
    qemu_caps_finish(c);

    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = build(c, "<disk type='file' device='disk'><source file='/i.img'/>"
                              "<target dev='hda' bus='ide'/></disk>", &d);
    CHECK(l && d.nerrors == 0, "hand-made caps build");
    CHECK(arg_after(l, "-drive", "file=/i.img,format=raw,if=none,id=drive-ide0-0-0"),
          "no blockdev flag: -drive if=none");
    CHECK(arg_after(l, "-device", "ide-hd,bus=ide.0,unit=0,drive=drive-ide0-0-0"),
          "device refers to the drive");
    CHECK(!arg_after(l, "-sandbox", ""), "no sandbox flag, no -sandbox");
    qemu_launch_free(l);

    l = build(c, "<interface type='user'><model type='virtio'/></interface>", &d);
    CHECK(!l && diags_have(&d, "interface model 'virtio'") && diags_have(&d, "hand-made"),
          "a NIC the caps lack is a located error naming the QEMU");
    vc_diags_free(&d);
    qemu_caps_free(c);
}

/* The state directory takes the monitor, the channels without a path and
 * the secret files; without it they stay in libvirt's directories. */
static void test_state_dir(void)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = qemu_caps_load_profile("qemu-7.2", &d);
    const char *devs =
        "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
        "<auth username='u'><secret type='iscsi' usage='lab'/></auth>"
        "<source protocol='iscsi' name='iqn.2026-01.org.example:t/3'>"
        "<host name='192.0.2.1'/></source><target dev='vda' bus='virtio'/></disk>"
        "<channel type='unix'><source mode='bind'/>"
        "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>";
    char *xml = vc_xasprintf("%s%s</devices></domain>", head, devs);
    ir_domain *dom = xml_domain_parse("t.xml", xml, strlen(xml), &d);
    free(xml);
    qemu_argv_opts opts = { .file = "t.xml", .test_env = true, .state_dir = "/run/g" };
    qemu_launch *l = dom ? qemu_argv_build(dom, c, &opts, &d) : NULL;
    CHECK(l && d.nerrors == 0, "iSCSI disk with auth and a channel build");
    CHECK(has_res(l, "/run/g/monitor.sock", QEMU_RES_SOCKET), "monitor in the state dir");
    CHECK(arg_after(l, "-chardev", "socket,id=charchannel0,path=/run/g/org.qemu.guest_agent.0,"),
          "channel without a path in the state dir");
    CHECK(arg_after(l, "-object", "secret,id=libvirt-1-storage-auth-secret0,format=raw,"
                    "file=/run/g/libvirt-1-storage-auth-secret0.secret"),
          "auth secret read from a file in the state dir");
    CHECK(has_res(l, "/run/g/libvirt-1-storage-auth-secret0.secret", QEMU_RES_FILE),
          "secret file recorded");
    CHECK(arg_after(l, "-blockdev", "driver=iscsi,portal=192.0.2.1:3260,"
                    "target=iqn.2026-01.org.example:t,lun=3,transport=tcp,user=u,"
                    "password-secret=libvirt-1-storage-auth-secret0,"),
          "iSCSI portal with the default port, LUN from the name, CHAP user");
    CHECK(l && l->warnings.n >= 1 && diags_have(&l->warnings, "usage 'lab'"),
          "a warning names the secret");
    qemu_launch_free(l);
    opts.state_dir = NULL;
    l = dom ? qemu_argv_build(dom, c, &opts, &d) : NULL;
    CHECK(has_res(l, "/var/lib/libvirt/qemu/domain--1-t/monitor.sock", QEMU_RES_SOCKET) &&
          arg_after(l, "-chardev", "socket,id=charchannel0,path=/var/lib/libvirt/qemu/channel/"
                    "target/domain--1-t/org.qemu.guest_agent.0,"),
          "no state dir: libvirt's paths");
    qemu_launch_free(l);
    ir_domain_free(dom);
    vc_diags_free(&d);
    qemu_caps_free(c);
}

int main(void)
{
    /* The tests run from the top of the tree. */
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    test_profile();
    test_built_caps();
    test_state_dir();
    return check_done();
}
