/*
 * test_hostcpu.c: naming a host CPU as a model plus features, from recorded
 * CPU flags of an Intel and an AMD host and model feature sets written for
 * this test (not this machine's CPU, not QEMU's real definitions): the
 * choice never depends on the CPU the tests run on.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hostcpu.h"
#include "util.h"

/* A Skylake-era Intel host as Linux lists it. */
static const char intel_flags[] =
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts "
    "acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art "
    "arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni "
    "pclmulqdq dtes64 monitor ds_cpl vmx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 "
    "sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm "
    "3dnowprefetch cpuid_fault epb invpcid_single pti tpr_shadow vnmi flexpriority ept vpid "
    "fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm mpx rdseed adx smap "
    "clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm ida arat pln pts";

/* A Zen 2 AMD host inside a VM (hypervisor, no svm). */
static const char amd_flags[] =
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx "
    "fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good "
    "nopl cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 movbe "
    "popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a "
    "misalignsse 3dnowprefetch osvw topoext perfctr_core ssbd ibpb vmmcall fsgsbase bmi1 "
    "avx2 smep bmi2 rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 clzero "
    "xsaveerptr wbnoinvd arat umip rdpid";

#define BASE "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 " \
             "clflush mmx fxsr sse sse2 syscall nx lm pni cx16 hypervisor "

/* Models in QEMU's feature names, as a probe records them. */
static const hostcpu_model models[] = {
    { "qemu64", BASE "lahf-lm svm sse4a" },
    { "Nehalem", BASE "ssse3 sse4.1 sse4.2 popcnt lahf-lm" },
    { "Nehalem-v1", BASE "ssse3 sse4.1 sse4.2 popcnt lahf-lm" },
    { "SandyBridge", BASE "ssse3 sse4.1 sse4.2 popcnt lahf-lm pclmulqdq x2apic tsc-deadline "
                     "aes xsave avx rdtscp" },
    { "Haswell", BASE "ssse3 sse4.1 sse4.2 popcnt lahf-lm pclmulqdq x2apic tsc-deadline aes "
                 "xsave avx rdtscp movbe fma f16c rdrand fsgsbase bmi1 hle avx2 smep bmi2 "
                 "erms invpcid rtm abm pcid" },
    /* Has a feature the Intel host lacks (avx512f): never its model. */
    { "Skylake-Server", BASE "ssse3 sse4.1 sse4.2 popcnt lahf-lm pclmulqdq x2apic "
                        "tsc-deadline aes xsave avx rdtscp movbe fma f16c rdrand fsgsbase "
                        "bmi1 hle avx2 smep bmi2 erms invpcid rtm abm pcid avx512f" },
    { "EPYC", BASE "mmxext fxsr-opt pdpe1gb rdtscp ssse3 fma sse4.1 sse4.2 movbe popcnt aes "
              "xsave avx f16c rdrand lahf-lm abm sse4a misalignsse 3dnowprefetch osvw "
              "fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt sha-ni xsaveopt "
              "xsavec xgetbv1 cr8legacy pclmulqdq" },
    /* Needs svm, which a VM without nested virtualization lacks. */
    { "EPYC-Rome", BASE "mmxext fxsr-opt pdpe1gb rdtscp ssse3 fma sse4.1 sse4.2 movbe popcnt "
                   "aes xsave avx f16c rdrand lahf-lm abm sse4a misalignsse 3dnowprefetch "
                   "osvw fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt sha-ni "
                   "xsaveopt xsavec xgetbv1 cr8legacy pclmulqdq clwb umip rdpid wbnoinvd svm" },
};

static bool has(const vc_strv *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i], s) == 0)
            return true;
    return false;
}

static void test_names(void)
{
    vc_strv f;
    vc_strv_init(&f);
    hostcpu_from_linux_flags("sse4_1 sse4_2 lahf_lm tsc_deadline_timer nonstop_tsc dts "
                             "constant_tsc made_up", &f);
    CHECK(has(&f, "sse4.1") && has(&f, "sse4.2") && has(&f, "lahf-lm") &&
              has(&f, "tsc-deadline") && has(&f, "invtsc") && has(&f, "ds"),
          "Linux flags in QEMU's names");
    CHECK(f.n == 6, "flags that are no CPUID feature (constant_tsc) left out");
    vc_strv_free(&f);
    CHECK(strcmp(hostcpu_libvirt_name("sse4.1"), "sse4_1") == 0 &&
              strcmp(hostcpu_libvirt_name("sse4.2"), "sse4_2") == 0,
          "sse4.1 is libvirt's sse4_1");
    CHECK(strcmp(hostcpu_libvirt_name("pclmulqdq"), "pclmuldq") == 0 &&
              strcmp(hostcpu_libvirt_name("lahf-lm"), "lahf_lm") == 0 &&
              strcmp(hostcpu_libvirt_name("tsc-deadline"), "tsc-deadline") == 0 &&
              strcmp(hostcpu_libvirt_name("avx2"), "avx2") == 0,
          "libvirt's spellings");
}

static int choose(const char *flags, vc_strv *extra)
{
    vc_strv host;
    vc_strv_init(&host);
    hostcpu_from_linux_flags(flags, &host);
    int i = hostcpu_choose(models, VC_ARRAY_SIZE(models), &host, extra);
    vc_strv_free(&host);
    return i;
}

static bool no_dots(const vc_strv *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (strchr(v->v[i], '.'))
            return false;
    return true;
}

static void test_intel(void)
{
    vc_strv extra;
    vc_strv_init(&extra);
    int i = choose(intel_flags, &extra);
    CHECK(i >= 0 && strcmp(models[i].name, "Haswell") == 0,
          "Intel host: Haswell (Skylake-Server needs avx512f)");
    CHECK(has(&extra, "vmx") && has(&extra, "rdseed") && has(&extra, "xsaveopt") &&
              has(&extra, "invtsc") && has(&extra, "pdpe1gb"),
          "Intel host: the features beyond the model");
    CHECK(!has(&extra, "avx2") && !has(&extra, "sse4_1") && !has(&extra, "fpu"),
          "Intel host: the model's own features not repeated");
    CHECK(!has(&extra, "hypervisor"), "Intel host: bare metal, no hypervisor bit");
    CHECK(no_dots(&extra), "Intel host: no dotted names");
    vc_strv_free(&extra);
}

static void test_amd(void)
{
    vc_strv extra;
    vc_strv_init(&extra);
    int i = choose(amd_flags, &extra);
    CHECK(i >= 0 && strcmp(models[i].name, "EPYC") == 0,
          "AMD host: EPYC (EPYC-Rome needs svm, qemu64 too)");
    CHECK(has(&extra, "clwb") && has(&extra, "hypervisor") && has(&extra, "topoext") &&
              has(&extra, "perfctr_core") && has(&extra, "cmp_legacy"),
          "AMD host: the features beyond the model, libvirt's names");
    CHECK(!has(&extra, "sse4a") && !has(&extra, "svm"), "AMD host: nothing it lacks");
    CHECK(no_dots(&extra), "AMD host: no dotted names");
    vc_strv_free(&extra);
}

static void test_edges(void)
{
    vc_strv extra;
    vc_strv_init(&extra);
    /* Nehalem and Nehalem-v1 tie: the plain name wins. */
    int i = choose(BASE "ssse3 sse4_1 sse4_2 popcnt lahf_lm", &extra);
    CHECK(i >= 0 && strcmp(models[i].name, "Nehalem") == 0, "a tie goes to the unversioned name");
    vc_strv_free(&extra);
    vc_strv_init(&extra);
    /* A CPU older than every model: no model, every feature listed. */
    i = choose("fpu sse sse4_1", &extra);
    CHECK(i < 0 && extra.n == 3 && has(&extra, "sse4_1"), "no model fits: all features");
    vc_strv_free(&extra);
    vc_strv_init(&extra);
    i = hostcpu_choose(NULL, 0, &extra, &extra);
    CHECK(i < 0 && extra.n == 0, "no models, no features");
    vc_strv_free(&extra);
}

int main(void)
{
    test_names();
    test_intel();
    test_amd();
    test_edges();
    return check_done();
}
