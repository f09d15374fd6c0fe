/* test_ir.c: the helpers of ir.c and the domain front end's lowering. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain_xml.h"
#include "error.h"
#include "ir.h"
#include "util.h"
#include "xmldoc.h"

static void test_uuid(void)
{
    unsigned char u[16];
    char s[37];
    CHECK(ir_uuid_parse("4dea24b3-1d52-d8f3-2516-782e98a23fa0", u), "uuid: dashed form");
    ir_uuid_format(u, s);
    CHECK(strcmp(s, "4dea24b3-1d52-d8f3-2516-782e98a23fa0") == 0, "uuid: formats back");
    CHECK(ir_uuid_parse("4dea22b31d52d8f32516782e98ab3fa0", u), "uuid: 32 hex digits");
    ir_uuid_format(u, s);
    CHECK(strcmp(s, "4dea22b3-1d52-d8f3-2516-782e98ab3fa0") == 0, "uuid: 32 digits canonical");
    CHECK(ir_uuid_parse("  C7A5FDBD-EDAF-9455-926A-D65C16DB1809\n", u), "uuid: blanks, upper case");
    ir_uuid_format(u, s);
    CHECK(strcmp(s, "c7a5fdbd-edaf-9455-926a-d65c16db1809") == 0, "uuid: lower case out");
    CHECK(!ir_uuid_parse("4dea24b3-1d52-d8f3-2516-782e98a23fa", u), "uuid: too short");
    CHECK(!ir_uuid_parse("4dea24b3-1d52-d8f3-2516-782e98a23fa00", u), "uuid: too long");
    CHECK(!ir_uuid_parse("4dea24b3-1d52-d8f3-2516-782e98a23fag", u), "uuid: not hex");
    CHECK(!ir_uuid_parse("", u) && !ir_uuid_parse(NULL, u), "uuid: empty");
    unsigned char g[16];
    ir_uuid_generate(g);
    CHECK((g[6] >> 4) == 4 && (g[8] & 0xc0) == 0x80, "uuid: generated is version 4");
}

static void test_mac(void)
{
    unsigned char m[6];
    char s[18];
    CHECK(ir_mac_parse("00:16:3e:5d:c7:9e", m), "mac: canonical");
    ir_mac_format(m, s);
    CHECK(strcmp(s, "00:16:3e:5d:c7:9e") == 0, "mac: formats back");
    CHECK(ir_mac_parse("0:16:3E:5D:C7:9E", m), "mac: short octet, upper case");
    ir_mac_format(m, s);
    CHECK(strcmp(s, "00:16:3e:5d:c7:9e") == 0, "mac: canonical out");
    CHECK(!ir_mac_parse("00:16:3e:5d:c7", m), "mac: five octets");
    CHECK(!ir_mac_parse("00:16:3e:5d:c7:9e:00", m), "mac: seven octets");
    CHECK(!ir_mac_parse("00-16-3e-5d-c7-9e", m), "mac: dashes");
    CHECK(!ir_mac_parse("00:16:3e:5d:c7:9g", m), "mac: not hex");
    CHECK(!ir_mac_parse("001:16:3e:5d:c7:9e", m), "mac: three digits");
}

static void test_disk_targets(void)
{
    CHECK(ir_disk_target_index("hda") == 0, "target: hda is 0");
    CHECK(ir_disk_target_index("sdb") == 1, "target: sdb is 1");
    CHECK(ir_disk_target_index("vdz") == 25, "target: vdz is 25");
    CHECK(ir_disk_target_index("vdaa") == 26, "target: vdaa is 26");
    CHECK(ir_disk_target_index("xvdd") == 3, "target: xvdd is 3");
    CHECK(ir_disk_target_index("sda1") == 0, "target: partition number");
    CHECK(ir_disk_target_index("hd") < 0, "target: no letter");
    CHECK(ir_disk_target_index("foo") < 0, "target: unknown prefix");
    CHECK(ir_disk_target_index("hdA") < 0, "target: upper case");
    CHECK(ir_disk_target_index(NULL) < 0, "target: NULL");
    CHECK(ir_disk_bus_from_target("xvda") == IR_BUS_XEN, "target: xvd is xen");
    CHECK(ir_disk_bus_from_target("vda") == IR_BUS_VIRTIO, "target: vd is virtio");
}

static void test_units(void)
{
    unsigned long long s = 0, k = 0;
    CHECK(ir_unit_scale(NULL, 1024, &s) && s == 1024, "unit: absent is the default");
    CHECK(ir_unit_scale("b", 1024, &s) && s == 1, "unit: b");
    CHECK(ir_unit_scale("bytes", 1024, &s) && s == 1, "unit: bytes");
    CHECK(ir_unit_scale("KB", 1, &s) && s == 1000, "unit: KB is 1000");
    CHECK(ir_unit_scale("k", 1, &s) && s == 1024, "unit: k is 1024");
    CHECK(ir_unit_scale("KiB", 1, &s) && s == 1024, "unit: KiB is 1024");
    CHECK(ir_unit_scale("MB", 1, &s) && s == 1000000, "unit: MB");
    CHECK(ir_unit_scale("M", 1, &s) && s == 1048576, "unit: M");
    CHECK(ir_unit_scale("mib", 1, &s) && s == 1048576, "unit: any case");
    CHECK(ir_unit_scale("GiB", 1, &s) && s == 1073741824ULL, "unit: GiB");
    CHECK(ir_unit_scale("TB", 1, &s) && s == 1000000000000ULL, "unit: TB");
    CHECK(ir_unit_scale("EiB", 1, &s) && s == 1152921504606846976ULL, "unit: EiB");
    CHECK(!ir_unit_scale("ZiB", 1, &s), "unit: ZiB unknown");
    CHECK(!ir_unit_scale("KiBs", 1, &s), "unit: trailing junk");
    CHECK(ir_bytes_to_kib(1, 1, &k) && k == 1, "kib: one byte rounds up");
    CHECK(ir_bytes_to_kib(1024, 1, &k) && k == 1, "kib: exact");
    CHECK(ir_bytes_to_kib(1, 1000000, &k) && k == 977, "kib: 1 MB is 977 KiB rounded up");
    CHECK(ir_bytes_to_kib(16, 1152921504606846976ULL, &k) == false, "kib: 16 EiB overflows");
    CHECK(ir_bytes_to_kib(15, 1152921504606846976ULL, &k) && k == 15ULL << 50, "kib: 15 EiB fits");
    CHECK(ir_bytes_to_kib(18446744073709551615ULL, 1, &k) && k == 18014398509481984ULL,
          "kib: 2^64-1 bytes");
}

/* Lowers src (no schema); returns the domain or NULL with errors in *d. */
static ir_domain *lower(const char *src, vc_diags *d)
{
    xmlDocPtr doc = xml_doc_read("t.xml", src, strlen(src), d);
    if (!doc)
        return NULL;
    ir_domain *dom = xml_domain_lower(doc, "t.xml", d);
    xmlFreeDoc(doc);
    return dom;
}

/* The first error message, or "" */
static const char *first_error(const vc_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == VC_SEV_ERROR)
            return d->v[i].message;
    return "";
}

static bool error_at(const vc_diags *d, int line, int column, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == VC_SEV_ERROR && d->v[i].line == line &&
            d->v[i].column == column && strstr(d->v[i].message, needle))
            return true;
    return false;
}

static void test_lower_domain(void)
{
    const char *src =
        "<domain type='kvm' id='3'>\n"
        "  <name>demo</name>\n"
        "  <memory unit='MiB'>512</memory>\n"
        "  <currentMemory unit='KB'>1000</currentMemory>\n"
        "  <vcpu current='1' cpuset='0-1'>2</vcpu>\n"
        "  <os><type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <boot dev='cdrom'/><boot dev='hd'/><bootmenu enable='yes'/></os>\n"
        "  <features><pae/><acpi state='on'/></features>\n"
        "  <clock sync='localtime'/>\n"
        "  <on_crash>restart</on_crash>\n"
        "  <seclabel type='none'/>\n"
        "  <devices>\n"
        "    <emulator>/usr/bin/qemu</emulator>\n"
        "    <disk type='block' device='disk'><source dev='/dev/sdz'/>\n"
        "      <target dev='vda' bus='virtio'/><boot order='1'/>\n"
        "      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>\n"
        "    </disk>\n"
        "    <interface type='bridge'><mac address='52:54:00:AB:CD:EF'/>"
        "<source bridge='br0'/></interface>\n"
        "    <console tty='/dev/pts/5'/>\n"
        "    <shmem name='ivshmem'/>\n"
        "    <disk type='file'><source file='/a.img'/><target dev='vdb'/>"
        "<iotune><total_bytes_sec>1</total_bytes_sec></iotune></disk>\n"
        "  </devices>\n"
        "</domain>\n";
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = lower(src, &d);
    CHECK(dom != NULL, "lower: a full domain");
    if (!dom) {
        printf("  (%s)\n", first_error(&d));
        vc_diags_free(&d);
        return;
    }
    CHECK(dom->type == IR_VIRT_KVM && dom->id == 3, "lower: type and id");
    CHECK(vc_streq(dom->name, "demo"), "lower: name");
    CHECK(!dom->uuid_given, "lower: uuid generated when absent");
    CHECK(dom->memory_kib == 524288, "lower: MiB to KiB");
    CHECK(dom->current_memory_kib == 977, "lower: KB to KiB rounded up");
    CHECK(dom->vcpus == 2 && dom->vcpus_current == 1 && vc_streq(dom->cpuset, "0-1"), "lower: vcpu");
    CHECK(dom->os.nboot == 2 && dom->os.boot[0] == IR_BOOT_CDROM && dom->os.boot[1] == IR_BOOT_HD,
          "lower: boot order kept");
    CHECK(dom->os.bootmenu == IR_TRI_YES, "lower: bootmenu");
    CHECK(dom->nfeatures == 2 && ir_domain_feature(dom, "pae") &&
          vc_streq(ir_domain_feature(dom, "acpi")->state, "on"), "lower: features");
    CHECK(dom->clock.offset == IR_CLOCK_LOCALTIME && dom->clock.legacy_sync, "lower: legacy clock");
    CHECK(dom->on_crash == IR_LIFE_RESTART && dom->on_poweroff == IR_LIFE_NONE, "lower: lifecycle");
    CHECK(dom->extra.n == 1 && strstr(dom->extra.v[0].xml, "seclabel"),
          "lower: unmodelled top-level kept");
    CHECK(vc_streq(dom->emulator, "/usr/bin/qemu"), "lower: emulator");
    CHECK(dom->ndevices == 5, "lower: devices in document order");
    if (dom->ndevices == 5) {
        const ir_disk *disk = &dom->devices[0].u.disk;
        CHECK(dom->devices[0].kind == IR_DEV_DISK && disk->type == IR_DISK_TYPE_BLOCK &&
              vc_streq(disk->source, "/dev/sdz") && disk->target_bus == IR_BUS_VIRTIO &&
              disk->boot_order == 1, "lower: disk");
        CHECK(disk->addr.type == IR_ADDR_PCI && disk->addr.slot == 4 && disk->addr.has_slot,
              "lower: pci address");
        CHECK(dom->devices[0].xml == NULL, "lower: a fully modelled disk has no verbatim copy");
        CHECK(dom->devices[0].pos.line == 14 && dom->devices[0].pos.column == 5, "lower: device position");
        CHECK(vc_streq(dom->devices[1].u.net.mac, "52:54:00:ab:cd:ef"), "lower: MAC canonical");
        CHECK(dom->devices[2].kind == IR_DEV_CHR && dom->devices[2].u.chr.kind == IR_CHRDEV_CONSOLE &&
              vc_streq(dom->devices[2].u.chr.tty, "/dev/pts/5"), "lower: legacy console tty");
        CHECK(dom->devices[3].kind == IR_DEV_OTHER && strstr(dom->devices[3].u.other.xml, "ivshmem"),
              "lower: unknown device kept verbatim");
        CHECK(dom->devices[4].kind == IR_DEV_DISK && dom->devices[4].xml &&
              strstr(dom->devices[4].xml, "iotune") &&
              vc_streq(dom->devices[4].u.disk.target_dev, "vdb"),
              "lower: partly modelled disk: fields and a verbatim copy");
    }
    ir_domain_free(dom);
    vc_diags_free(&d);
}

static void test_lower_errors(void)
{
    static const struct {
        const char *body;
        int line, column;
        const char *message;
    } cases[] = {
        { "<uuid>nope</uuid>", 3, 3, "invalid uuid 'nope'" },
        { "<memory unit='EiB'>16</memory>", 3, 3, "does not fit in 64 bits" },
        { "<memory>-5</memory>", 3, 3, "invalid <memory> value '-5'" },
        { "<memory unit='ZiB'>1</memory>", 3, 3, "unknown unit 'ZiB'" },
        { "<devices><interface type='user'><mac address='01:00:00:00:00:01'/></interface></devices>",
          3, 35, "multicast" },
        { "<devices><interface type='user'><mac address='zz'/></interface></devices>",
          3, 35, "invalid MAC address 'zz'" },
        { "<devices><disk type='file'><target dev='hda'/></disk>\n"
          "  <disk type='file'><target dev='hda'/></disk></devices>", 4, 3,
          "duplicate disk target 'hda'" },
        { "<devices><disk type='file'><target dev='floppy0'/></disk></devices>", 3, 30,
          "invalid disk target 'floppy0'" },
        { "<devices><disk type='weird'/></devices>", 3, 12, "unknown disk type 'weird'" },
        { "<on_crash>explode</on_crash>", 3, 3, "unknown <on_crash> action 'explode'" },
        { "<clock offset='sideways'/>", 3, 3, "unknown clock offset 'sideways'" },
        { "<devices><controller type='pci'><address type='pci' slot='0x20'/></controller></devices>",
          3, 35, "invalid slot '0x20'" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(cases); i++) {
        char *src = vc_xasprintf("<domain type='qemu'>\n  <name>x</name>\n  %s\n</domain>\n",
                                 cases[i].body);
        vc_diags d;
        vc_diags_init(&d);
        ir_domain *dom = lower(src, &d);
        char *name = vc_xasprintf("lower error: %s", cases[i].message);
        bool ok = !dom && error_at(&d, cases[i].line, cases[i].column, cases[i].message);
        CHECK(ok, name);
        if (!ok && d.n)
            printf("  (got %d:%d: %s)\n", d.v[0].line, d.v[0].column, d.v[0].message);
        free(name);
        ir_domain_free(dom);
        vc_diags_free(&d);
        free(src);
    }
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = lower("<domain type='qemu'><memory>1</memory></domain>", &d);
    CHECK(!dom && error_at(&d, 1, 1, "missing <name>"), "lower error: missing name");
    ir_domain_free(dom);
    vc_diags_free(&d);
}

/* Formatting is stable: format(lower(format(x))) == format(x). */
static void test_format_stable(void)
{
    const char *src =
        "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
        "<name>a&amp;b</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
        "<description>it's \"quoted\" &lt;here&gt;</description>"
        "<metadata><x:app xmlns:x='urn:x'><x:v a='1'>t</x:v></x:app></metadata>"
        "<memory unit='GiB'>1</memory>"
        "<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/></clock>"
        "<devices><disk type='file'><source file='/i&apos;mg'/><target dev='hda'/></disk>"
        "<redirdev bus='usb' type='spicevmc'/>"
        "<serial type='pty'/></devices>"
        "<qemu:commandline><qemu:arg value='-x'/></qemu:commandline>"
        "</domain>";
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = lower(src, &d);
    CHECK(dom != NULL, "format: lowers");
    if (!dom) {
        vc_diags_free(&d);
        return;
    }
    char *once = xml_domain_format(dom);
    ir_domain *again = lower(once, &d);
    char *twice = again ? xml_domain_format(again) : NULL;
    CHECK(twice && strcmp(once, twice) == 0, "format: stable");
    CHECK(strstr(once, "<name>a&amp;b</name>") != NULL, "format: text escaped");
    CHECK(strstr(once, "<source file='/i&apos;mg'/>") != NULL, "format: attribute escaped");
    CHECK(strstr(once, "<memory unit='KiB'>1048576</memory>") != NULL, "format: memory in KiB");
    CHECK(strstr(once, "<currentMemory unit='KiB'>1048576</currentMemory>") != NULL,
          "format: currentMemory defaults to memory");
    CHECK(strstr(once, "    <timer name='rtc' tickpolicy='catchup'/>\n") != NULL,
          "format: timers re-indented");
    CHECK(strstr(once, "<serial type='pty'/>\n    <redirdev") != NULL,
          "format: devices in libvirt's order");
    CHECK(strstr(once, "<x:app xmlns:x=\"urn:x\">") != NULL, "format: metadata in libxml2's quotes");
    free(once);
    free(twice);
    ir_domain_free(dom);
    ir_domain_free(again);
    vc_diags_free(&d);
}

/* The device kinds added for QEMU 7.2: the fields, the verbatim copy the
 * formatter writes, and, without a copy (a device another front end built),
 * the writer's libvirt layout that lowers back to the same fields. */
static void test_new_kinds(void)
{
    const char *src =
        "<domain type='qemu'><name>n</name><memory unit='MiB'>512</memory>"
        "<devices>"
        "<audio id='2' type='alsa' timerPeriod='50'><input voices='1' dev='/dev/dsp0'>"
        "<settings frequency='44100' channels='2' format='s16'/></input></audio>"
        "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>"
        "<memory model='nvdimm' access='shared'><source><path>/tmp/nv</path></source>"
        "<target><size unit='MiB'>512</size><node>0</node><label><size unit='KiB'>128</size>"
        "</label></target><address type='dimm' slot='1' base='0x100000000'/></memory>"
        "<iommu model='intel'><driver intremap='on' aw_bits='48'/></iommu>"
        "<vsock model='virtio'><cid auto='no' address='4'/></vsock>"
        "<panic model='isa'><address type='isa' iobase='0x505'/></panic>"
        "<redirdev bus='usb' type='tcp'><source mode='connect' host='h' service='4000'/>"
        "<boot order='2'/></redirdev>"
        "</devices></domain>";
    vc_diags d;
    vc_diags_init(&d);
    ir_domain *dom = lower(src, &d);
    CHECK(dom && dom->ndevices == 7, "new kinds: lowered");
    if (!dom || dom->ndevices != 7) {
        vc_diags_free(&d);
        ir_domain_free(dom);
        return;
    }
    const ir_device *v = dom->devices;
    CHECK(v[0].kind == IR_DEV_AUDIO && v[0].u.audio.id == 2 && vc_streq(v[0].u.audio.type, "alsa") &&
          v[0].u.audio.timer_period == 50 && v[0].u.audio.in.given && !v[0].u.audio.out.given &&
          v[0].u.audio.in.frequency == 44100 && vc_streq(v[0].u.audio.in.dev, "/dev/dsp0"),
          "new kinds: audio");
    CHECK(v[1].kind == IR_DEV_TPM && vc_streq(v[1].u.tpm.model, "tpm-crb") &&
          vc_streq(v[1].u.tpm.backend_type, "emulator"), "new kinds: tpm");
    const ir_memory_dev *m = &v[2].u.memory;
    CHECK(v[2].kind == IR_DEV_MEMORY && vc_streq(m->model, "nvdimm") && m->size_kib == 524288 &&
          m->node == 0 && m->label_kib == 128 && vc_streq(m->source_path, "/tmp/nv") &&
          m->addr.type == IR_ADDR_DIMM && m->addr.slot == 1 && m->dimm_base == 0x100000000ULL,
          "new kinds: memory device");
    CHECK(v[3].kind == IR_DEV_IOMMU && v[3].u.iommu.intremap == IR_TRI_YES &&
          v[3].u.iommu.aw_bits == 48, "new kinds: iommu");
    CHECK(v[4].kind == IR_DEV_VSOCK && v[4].u.vsock.auto_cid == IR_TRI_NO && v[4].u.vsock.cid == 4,
          "new kinds: vsock");
    CHECK(v[5].kind == IR_DEV_PANIC && v[5].u.panic.addr.port == 0x505, "new kinds: panic");
    CHECK(v[6].kind == IR_DEV_REDIRDEV && v[6].u.redirdev.type == IR_CHR_TCP &&
          vc_streq(v[6].u.redirdev.service, "4000") && v[6].u.redirdev.boot_order == 2,
          "new kinds: redirdev");
    bool copies = true;
    for (size_t i = 0; i < dom->ndevices; i++)
        copies = copies && dom->devices[i].xml != NULL;
    CHECK(copies, "new kinds: the element is kept as written");
    /* without the copies, the writers give the same fields back */
    for (size_t i = 0; i < dom->ndevices; i++) {
        free(dom->devices[i].xml);
        dom->devices[i].xml = NULL;
    }
    char *text = xml_domain_format(dom);
    ir_domain *again = lower(text, &d);
    CHECK(again && again->ndevices == 7, "new kinds: written and lowered again");
    if (again && again->ndevices == 7) {
        /* written in libvirt's element order: found by kind */
        const ir_device *w[IR_DEV_LAST] = { 0 };
        for (size_t i = 0; i < again->ndevices; i++)
            w[again->devices[i].kind] = &again->devices[i];
        CHECK(w[IR_DEV_AUDIO] && w[IR_DEV_AUDIO]->u.audio.in.channels == 2 &&
              vc_streq(w[IR_DEV_AUDIO]->u.audio.in.format, "s16"), "new kinds: audio written");
        const ir_memory_dev *wm = w[IR_DEV_MEMORY] ? &w[IR_DEV_MEMORY]->u.memory : NULL;
        CHECK(wm && wm->label_kib == 128 && wm->has_dimm_base &&
              wm->dimm_base == 0x100000000ULL && wm->node == 0, "new kinds: memory device written");
        CHECK(w[IR_DEV_IOMMU] && w[IR_DEV_IOMMU]->u.iommu.aw_bits == 48 && w[IR_DEV_VSOCK] &&
              w[IR_DEV_VSOCK]->u.vsock.cid == 4 && w[IR_DEV_REDIRDEV] &&
              w[IR_DEV_REDIRDEV]->u.redirdev.boot_order == 2,
              "new kinds: iommu, vsock, redirdev written");
    }
    if (getenv("TEST_IR_SHOW"))
        printf("%s", text);
    free(text);
    ir_domain_free(again);
    ir_domain_free(dom);
    vc_diags_free(&d);
}

int main(void)
{
    test_uuid();
    test_mac();
    test_disk_targets();
    test_units();
    test_lower_domain();
    test_lower_errors();
    test_format_stable();
    test_new_kinds();
    return check_done();
}
