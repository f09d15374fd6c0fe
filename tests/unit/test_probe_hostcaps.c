/*
 * test_probe_hostcaps.c: the host capabilities document, from a fake host
 * tree (cpuinfo, sysfs topology, a Xen dom0) and the recorded qemu-7.2
 * profile standing in for a probe, validated against capability.rng; and
 * the emulator search. Run from the checkout root (tests/run-tests.sh does).
 */
#include <fcntl.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "hostcaps.h"
#include "qemu/caps.h"
#include "schema.h"
#include "util.h"
#include "xmldoc.h"

static char *root;

static void put_file(const char *rel, const char *text, mode_t mode)
{
    char *path = vc_xasprintf("%s%s", root, rel);
    /* mkdir -p of the parent */
    for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        printf("FAIL test_probe_hostcaps: cannot write %s\n", path);
    if (fd >= 0)
        close(fd);
    free(path);
}

static void make_host(void)
{
    put_file("/proc/cpuinfo",
             "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
             "stepping\t: 4\nmicrocode\t: 0x2006e05\n"
             "flags\t\t: fpu pae vmx sse4_1 sse4_2 lm nonstop_tsc constant_tsc\n\n"
             "processor\t: 1\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
             "stepping\t: 4\nmicrocode\t: 0x2006e05\n"
             "flags\t\t: fpu pae vmx sse4_1 sse4_2 lm nonstop_tsc constant_tsc\n",
             0644);
    /* 2 sockets x 2 cores x 2 threads */
    for (int cpu = 0; cpu < 8; cpu++) {
        char *rel = vc_xasprintf("/sys/devices/system/cpu/cpu%d/topology/", cpu);
        char *f = vc_xasprintf("%sphysical_package_id", rel);
        char *v = vc_xasprintf("%d\n", cpu / 4);
        put_file(f, v, 0644);
        free(f);
        free(v);
        f = vc_xasprintf("%sdie_id", rel);
        put_file(f, "0\n", 0644);
        free(f);
        f = vc_xasprintf("%score_id", rel);
        v = vc_xasprintf("%d\n", cpu % 4 / 2);
        put_file(f, v, 0644);
        free(f);
        free(v);
        /* two NUMA nodes, one per socket; a 16 MiB L3 per socket */
        f = vc_xasprintf("/sys/devices/system/node/node%d/cpu%d", cpu / 4, cpu);
        put_file(f, "", 0644);
        free(f);
        f = vc_xasprintf("/sys/devices/system/cpu/cpu%d/cache/index3/", cpu);
        static const char *const names[] = { "level", "type", "size", "id", "shared_cpu_list" };
        const char *values[] = { "3\n", "Unified\n", "16384K\n", cpu < 4 ? "0\n" : "1\n",
                                 cpu < 4 ? "0-3\n" : "4-7\n" };
        for (int k = 0; k < 5; k++) {
            char *file = vc_xasprintf("%s%s", f, names[k]);
            put_file(file, values[k], 0644);
            free(file);
        }
        free(f);
        f = vc_xasprintf("/sys/devices/system/cpu/cpu%d/cache/index0/level", cpu);
        put_file(f, "1\n", 0644);
        free(f);
        free(rel);
    }
    for (int node = 0; node < 2; node++) {
        char *f = vc_xasprintf("/sys/devices/system/node/node%d/meminfo", node);
        put_file(f, node ? "Node 1 MemTotal:        8388608 kB\nNode 1 MemFree: 1 kB\n"
                         : "Node 0 MemTotal:        4194304 kB\nNode 0 MemFree: 1 kB\n", 0644);
        free(f);
        f = vc_xasprintf("/sys/devices/system/node/node%d/distance", node);
        put_file(f, node ? "21 10\n" : "10 21\n", 0644);
        free(f);
        f = vc_xasprintf("/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/nr_hugepages",
                         node);
        put_file(f, node ? "0\n" : "512\n", 0644);
        free(f);
    }
    put_file("/sys/devices/system/cpu/online", "0-7\n", 0644);
    put_file("/sys/power/state", "freeze mem disk\n", 0644);
    put_file("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "0\n", 0644);
    put_file("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n", 0644);
    put_file("/etc/machine-id", "0123456789ABCDEF0123456789abcdef\n", 0644);
    put_file("/proc/xen/capabilities", "control_d\n", 0644);
    put_file("/sys/hypervisor/properties/capabilities",
             "xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64\n", 0644);
    put_file("/usr/lib/xen/boot/hvmloader", "", 0644);
}

static qemu_caps *profile_probe(const char *binary, vc_diags *d)
{
    if (strstr(binary, "broken")) {
        vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_ERROR, (vc_loc){ 0 }, "cannot probe %s: test", binary);
        return NULL;
    }
    qemu_caps *c = qemu_caps_load_profile("qemu-7.2", d);
    /* Two models of this test's making: the host (fpu pae vmx sse4.1 sse4.2
     * lm invtsc) has all of the first and lacks avx of the second. */
    if (c) {
        qemu_caps_set_cpu_features(c, "Testlake", "fpu pae sse4.1 lm hypervisor");
        qemu_caps_set_cpu_features(c, "Testwell", "fpu pae sse4.1 sse4.2 lm avx");
    }
    return c;
}

static bool has(const char *doc, const char *text)
{
    return doc && strstr(doc, text) != NULL;
}

static int count(const char *doc, const char *text)
{
    int n = 0;
    for (const char *s = doc; s && (s = strstr(s, text)) != NULL; s++)
        n++;
    return n;
}

static void check_valid(const char *doc, const char *name)
{
    char *rng = vc_xasprintf("%s/capability.rng", "schemas");
    bool have_schema = access(rng, R_OK) == 0;
    free(rng);
    if (!have_schema) {
        printf("SKIP test_probe_hostcaps:%s (no schemas/capability.rng)\n", name);
        return;
    }
    vc_diags d;
    vc_diags_init(&d);
    xmlDocPtr x = doc ? xml_doc_read("capabilities.xml", doc, strlen(doc), &d) : NULL;
    bool ok = x && vc_schema_validate(vc_schema_kind_by_name("capability"), x, "capabilities.xml", &d);
    if (!ok)
        vc_diags_print(stdout, &d);
    CHECK(ok, name);
    if (x)
        xmlFreeDoc(x);
    vc_diags_free(&d);
}

/* libvirt's own schema (Debian's libvirt0, installed by tools/install-deps.sh)
 * as the oracle: the document must be one libvirt would accept. */
static void check_libvirt_valid(const char *doc, const char *name)
{
    const char *rng = getenv("VIRTC_LIBVIRT_SCHEMAS");
    char *path = vc_xasprintf("%s/capability.rng", rng ? rng : "/usr/share/libvirt/schemas");
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGValidCtxtPtr vc = schema ? xmlRelaxNGNewValidCtxt(schema) : NULL;
    xmlDocPtr x = doc ? xmlReadMemory(doc, (int)strlen(doc), "capabilities.xml", NULL, 0) : NULL;
    if (!schema)
        printf("FAIL test_probe_hostcaps:%s: cannot load %s (install libvirt0)\n", name, path);
    else
        CHECK(x && vc && xmlRelaxNGValidateDoc(vc, x) == 0, name);
    xmlFreeDoc(x);
    xmlRelaxNGFreeValidCtxt(vc);
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(pc);
    free(path);
}

static void test_document(void)
{
    hostcaps_opts o;
    hostcaps_opts_init(&o);
    o.root = root;
    o.arch = "x86_64";
    o.kvm = 1;
    o.tsc_hz = 2100000000;
    o.tsc_scaling = true;
    o.probe = profile_probe;
    vc_strv emus;
    vc_strv_init(&emus);
    vc_strv_add(&emus, "/usr/bin/qemu-system-x86_64");
    vc_strv_add(&emus, "/usr/bin/xenner");
    o.emulators = &emus;
    vc_diags d;
    vc_diags_init(&d);
    char *doc = hostcaps_format(&o, &d);
    CHECK(doc && d.n == 0, "document built");
    CHECK(has(doc, "<uuid>01234567-89ab-cdef-0123-456789abcdef</uuid>"), "uuid from machine-id");
    CHECK(has(doc, "<arch>x86_64</arch>") && has(doc, "<vendor>Intel</vendor>"), "cpu arch and vendor");
    CHECK(has(doc, "<topology sockets='2' dies='1' cores='2' threads='2'/>"), "topology from sysfs");
    CHECK(has(doc, "<model>Testlake</model>"), "host cpu model: the closest that fits");
    CHECK(has(doc, "<feature name='vmx'/>\n      <feature name='sse4_2'/>\n"
                   "      <feature name='invtsc'/>\n      <pages") &&
              !has(doc, "<feature name='fpu'/>") && !has(doc, "sse4.") &&
              !has(doc, "<feature name='sse4_1'/>"),
          "only the features beyond the model, libvirt's names");
    CHECK(has(doc, "<microcode version='33582597'/>"), "microcode");
    CHECK(has(doc, "<signature family='6' model='85' stepping='4'/>"), "signature");
    CHECK(has(doc, "<counter name='tsc' frequency='2100000000' scaling='yes'/>"), "tsc counter");
    CHECK(has(doc, "<cells num='2'>\n        <cell id='0'>\n"
                   "          <memory unit='KiB'>4194304</memory>\n"
                   "          <pages unit='KiB' size='4'>786432</pages>\n"
                   "          <pages unit='KiB' size='2048'>512</pages>\n"
                   "          <distances>\n            <sibling id='0' value='10'/>\n"
                   "            <sibling id='1' value='21'/>\n          </distances>\n"
                   "          <cpus num='4'>\n"
                   "            <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0-1'/>\n"),
          "numa cell 0");
    CHECK(has(doc, "<cpu id='7' socket_id='1' die_id='0' core_id='1' siblings='6-7'/>"),
          "numa cell 1 cpus");
    CHECK(has(doc, "<cache>\n      <bank id='0' level='3' type='both' size='16' unit='MiB' "
                   "cpus='0-3'/>\n      <bank id='1' level='3' type='both' size='16' "
                   "unit='MiB' cpus='4-7'/>\n    </cache>"),
          "L3 cache banks");
    CHECK(has(doc, "<model>none</model>") && has(doc, "<baselabel type='kvm'>+0:+0</baselabel>"),
          "secmodels none and dac");
    CHECK(has(doc, "<migration_features>\n      <live/>"), "migration features");
    CHECK(has(doc, "<pages unit='KiB' size='2048'/>\n      <pages unit='KiB' size='1048576'/>"),
          "huge page sizes in order");
    CHECK(has(doc, "<suspend_mem/>") && has(doc, "<suspend_disk/>"), "power management");
    CHECK(has(doc, "<arch name='x86_64'>\n      <wordsize>64</wordsize>\n"
                   "      <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
                   "      <machine maxCpus='255'>pc-i440fx-7.2</machine>\n"
                   "      <machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>\n"),
          "x86_64 guest, default machine first with its alias");
    CHECK(has(doc, "<machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>"), "q35 alias");
    CHECK(has(doc, "<arch name='i686'>\n      <wordsize>32</wordsize>\n"
                   "      <emulator>/usr/bin/qemu-system-x86_64</emulator>"),
          "i686 served by the x86_64 binary");
    CHECK(count(doc, "<domain type='kvm'/>") == 3 && count(doc, "<domain type='qemu'/>") == 2,
          "kvm and qemu domains (and xenner)");
    CHECK(has(doc, "<os_type>xen</os_type>\n    <arch name='x86_64'>\n      <wordsize>64</wordsize>\n"
                   "      <emulator>/usr/bin/xenner</emulator>"),
          "xenner guest");
    CHECK(count(doc, "<domain type='xen'/>") == 4, "xen guests: pv x86_64, pv i686, hvm i686, hvm x86_64");
    CHECK(has(doc, "<loader>/usr/lib/xen/boot/hvmloader</loader>\n      <machine>xenfv</machine>"),
          "xen hvm loader and machine");
    CHECK(has(doc, "<machine>xenpv</machine>"), "xen pv machine");
    check_valid(doc, "document validates");
    check_libvirt_valid(doc, "document validates against libvirt's capability.rng");
    free(doc);

    /* Without KVM: no kvm domains and no xenner. */
    o.kvm = 0;
    doc = hostcaps_format(&o, &d);
    CHECK(doc && count(doc, "<domain type='kvm'/>") == 0 && !has(doc, "xenner"), "no kvm, no xenner");
    free(doc);

    /* A binary that cannot be probed fails the whole document. */
    vc_strv_add(&emus, "/usr/bin/qemu-system-broken");
    doc = hostcaps_format(&o, &d);
    CHECK(!doc && vc_diags_code(&d) == VC_ERR_RUNTIME, "probe failure is a runtime error");
    vc_strv_free(&emus);
    vc_diags_free(&d);
}

static void test_bare_host(void)
{
    /* Nothing readable: still a valid document. */
    hostcaps_opts o;
    hostcaps_opts_init(&o);
    char *empty = vc_xasprintf("%s/empty", root);
    mkdir(empty, 0755);
    o.root = empty;
    o.arch = "aarch64";
    o.kvm = 0;
    vc_strv none;
    vc_strv_init(&none);
    o.emulators = &none;
    vc_diags d;
    vc_diags_init(&d);
    char *doc = hostcaps_format(&o, &d);
    CHECK(doc && !has(doc, "<uuid>") && !has(doc, "<guest>") &&
              has(doc, "<topology sockets='1' dies='1' cores='1' threads='1'/>"),
          "bare host");
    check_valid(doc, "bare host validates");
    check_libvirt_valid(doc, "bare host validates against libvirt's capability.rng");
    free(doc);
    vc_diags_free(&d);
    rmdir(empty);
    free(empty);
}

static void test_search(void)
{
    char *dir = vc_xasprintf("%s/bin", root);
    mkdir(dir, 0755);
    put_file("/bin/qemu-system-aarch64", "", 0755);
    put_file("/bin/qemu-system-x86_64-microvm", "", 0755);
    put_file("/bin/qemu-kvm", "", 0755);
    put_file("/bin/qemu-system-riscv64", "", 0644);   /* not executable */
    put_file("/bin/qemu-img", "", 0755);
    char *old_path = vc_xstrdup(getenv("PATH"));
    setenv("VIRTC_EMULATOR_PATH", dir, 1);
    setenv("PATH", dir, 1);   /* found twice: listed once */
    vc_strv v;
    vc_strv_init(&v);
    hostcaps_find_emulators(&v);
    char *a = vc_xasprintf("%s/qemu-system-aarch64", dir);
    char *k = vc_xasprintf("%s/qemu-kvm", dir);
    CHECK(v.n >= 2 && vc_streq(v.v[0], a) && vc_streq(v.v[1], k),
          "configured directory first, qemu-system-* before qemu-kvm");
    bool stray = false;
    int seen_a = 0;
    for (size_t i = 0; i < v.n; i++) {
        stray |= strstr(v.v[i], "microvm") || strstr(v.v[i], "riscv64") || strstr(v.v[i], "qemu-img");
        seen_a += vc_streq(v.v[i], a);
    }
    CHECK(!stray, "variants, non-executables and tools left out");
    CHECK(seen_a == 1, "a directory searched twice lists once");
    vc_strv_free(&v);
    unsetenv("VIRTC_EMULATOR_PATH");
    setenv("PATH", old_path ? old_path : "/usr/bin:/bin", 1);
    free(old_path);
    free(a);
    free(k);
    free(dir);
}

static void test_kvm(void)
{
    CHECK(!hostcaps_kvm_usable("/nonexistent/kvm"), "no device, no kvm");
    CHECK(!hostcaps_kvm_usable("/dev/null"), "a device that is not KVM");
}

int main(void)
{
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    root = vc_xstrdup("/tmp/virtc-test-hostcaps-XXXXXX");
    CHECK(mkdtemp(root) != NULL, "temporary directory");
    make_host();
    test_document();
    test_bare_host();
    test_search();
    test_kvm();
    /* The fake tree holds only what make_host and test_search wrote. */
    char *cmd[] = { "rm", "-rf", root, NULL };
    pid_t pid = fork();
    if (pid == 0) {
        execv("/bin/rm", cmd);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    free(root);
    return check_done();
}
