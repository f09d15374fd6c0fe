/* hostcpu.c: the host CPU as a model plus features (see hostcpu.h). */
#include "hostcpu.h"

#include <string.h>

/* The x86 CPUID features, by CPUID leaf: Linux's flag name, QEMU's property
 * name, and libvirt's name where it differs from QEMU's. A feature QEMU
 * gives every model whatever the host (hypervisor: the guest is told it is
 * one) has model_any set: it never rules a model out. */
typedef struct hostcpu_feature {
    const char *linux_name;
    const char *qemu;
    const char *libvirt;
    bool model_any;
} hostcpu_feature;

static const hostcpu_feature hostcpu_features[] = {
    /* leaf 1, EDX */
    { "fpu", "fpu", NULL, false },        { "vme", "vme", NULL, false },
    { "de", "de", NULL, false },          { "pse", "pse", NULL, false },
    { "tsc", "tsc", NULL, false },        { "msr", "msr", NULL, false },
    { "pae", "pae", NULL, false },        { "mce", "mce", NULL, false },
    { "cx8", "cx8", NULL, false },        { "apic", "apic", NULL, false },
    { "sep", "sep", NULL, false },        { "mtrr", "mtrr", NULL, false },
    { "pge", "pge", NULL, false },        { "mca", "mca", NULL, false },
    { "cmov", "cmov", NULL, false },      { "pat", "pat", NULL, false },
    { "pse36", "pse36", NULL, false },    { "pn", "pn", NULL, false },
    { "clflush", "clflush", NULL, false }, { "dts", "ds", NULL, false },
    { "acpi", "acpi", NULL, false },      { "mmx", "mmx", NULL, false },
    { "fxsr", "fxsr", NULL, false },      { "sse", "sse", NULL, false },
    { "sse2", "sse2", NULL, false },      { "ss", "ss", NULL, false },
    { "ht", "ht", NULL, false },          { "tm", "tm", NULL, false },
    { "ia64", "ia64", NULL, false },      { "pbe", "pbe", NULL, false },
    /* leaf 1, ECX */
    { "pni", "pni", NULL, false },        { "pclmulqdq", "pclmulqdq", "pclmuldq", false },
    { "dtes64", "dtes64", NULL, false },  { "monitor", "monitor", NULL, false },
    { "ds_cpl", "ds-cpl", "ds_cpl", false }, { "vmx", "vmx", NULL, false },
    { "smx", "smx", NULL, false },        { "est", "est", NULL, false },
    { "tm2", "tm2", NULL, false },        { "ssse3", "ssse3", NULL, false },
    { "cid", "cid", NULL, false },        { "fma", "fma", NULL, false },
    { "cx16", "cx16", NULL, false },      { "xtpr", "xtpr", NULL, false },
    { "pdcm", "pdcm", NULL, false },      { "pcid", "pcid", NULL, false },
    { "dca", "dca", NULL, false },        { "sse4_1", "sse4.1", "sse4_1", false },
    { "sse4_2", "sse4.2", "sse4_2", false }, { "x2apic", "x2apic", NULL, false },
    { "movbe", "movbe", NULL, false },    { "popcnt", "popcnt", NULL, false },
    { "tsc_deadline_timer", "tsc-deadline", NULL, false },
    { "aes", "aes", NULL, false },        { "xsave", "xsave", NULL, false },
    { "avx", "avx", NULL, false },        { "f16c", "f16c", NULL, false },
    { "rdrand", "rdrand", NULL, false },  { "hypervisor", "hypervisor", NULL, true },
    /* leaf 6 */
    { "arat", "arat", NULL, false },
    /* leaf 7.0, EBX */
    { "fsgsbase", "fsgsbase", NULL, false }, { "tsc_adjust", "tsc-adjust", "tsc_adjust", false },
    { "sgx", "sgx", NULL, false },        { "bmi1", "bmi1", NULL, false },
    { "hle", "hle", NULL, false },        { "avx2", "avx2", NULL, false },
    { "smep", "smep", NULL, false },      { "bmi2", "bmi2", NULL, false },
    { "erms", "erms", NULL, false },      { "invpcid", "invpcid", NULL, false },
    { "rtm", "rtm", NULL, false },        { "mpx", "mpx", NULL, false },
    { "avx512f", "avx512f", NULL, false }, { "avx512dq", "avx512dq", NULL, false },
    { "rdseed", "rdseed", NULL, false },  { "adx", "adx", NULL, false },
    { "smap", "smap", NULL, false },      { "avx512ifma", "avx512ifma", NULL, false },
    { "clflushopt", "clflushopt", NULL, false }, { "clwb", "clwb", NULL, false },
    { "intel_pt", "intel-pt", NULL, false }, { "avx512pf", "avx512pf", NULL, false },
    { "avx512er", "avx512er", NULL, false }, { "avx512cd", "avx512cd", NULL, false },
    { "sha_ni", "sha-ni", NULL, false },  { "avx512bw", "avx512bw", NULL, false },
    { "avx512vl", "avx512vl", NULL, false },
    /* leaf 7.0, ECX */
    { "avx512vbmi", "avx512vbmi", NULL, false }, { "umip", "umip", NULL, false },
    { "pku", "pku", NULL, false },        { "ospke", "ospke", NULL, false },
    { "waitpkg", "waitpkg", NULL, false }, { "avx512_vbmi2", "avx512vbmi2", NULL, false },
    { "gfni", "gfni", NULL, false },      { "vaes", "vaes", NULL, false },
    { "vpclmulqdq", "vpclmulqdq", NULL, false }, { "avx512_vnni", "avx512vnni", NULL, false },
    { "avx512_bitalg", "avx512bitalg", NULL, false },
    { "avx512_vpopcntdq", "avx512-vpopcntdq", NULL, false },
    { "la57", "la57", NULL, false },      { "rdpid", "rdpid", NULL, false },
    { "bus_lock_detect", "bus-lock-detect", NULL, false },
    { "cldemote", "cldemote", NULL, false }, { "movdiri", "movdiri", NULL, false },
    { "movdir64b", "movdir64b", NULL, false },
    /* leaf 7.0, EDX */
    { "avx512_4vnniw", "avx512-4vnniw", NULL, false },
    { "avx512_4fmaps", "avx512-4fmaps", NULL, false },
    { "fsrm", "fsrm", NULL, false },      { "avx512_vp2intersect", "avx512-vp2intersect", NULL, false },
    { "md_clear", "md-clear", NULL, false }, { "serialize", "serialize", NULL, false },
    { "tsxldtrk", "tsx-ldtrk", NULL, false }, { "arch_lbr", "arch-lbr", NULL, false },
    { "amx_bf16", "amx-bf16", NULL, false }, { "avx512_fp16", "avx512-fp16", NULL, false },
    { "amx_tile", "amx-tile", NULL, false }, { "amx_int8", "amx-int8", NULL, false },
    { "arch_capabilities", "arch-capabilities", NULL, false },
    { "core_capabilities", "core-capability", NULL, false },
    /* leaf 7.1, EAX */
    { "avx_vnni", "avx-vnni", NULL, false }, { "avx512_bf16", "avx512-bf16", NULL, false },
    /* leaf 0xd.1, EAX */
    { "xsaveopt", "xsaveopt", NULL, false }, { "xsavec", "xsavec", NULL, false },
    { "xgetbv1", "xgetbv1", NULL, false }, { "xsaves", "xsaves", NULL, false },
    /* leaf 0x80000001, EDX */
    { "syscall", "syscall", NULL, false }, { "nx", "nx", NULL, false },
    { "mmxext", "mmxext", NULL, false },  { "fxsr_opt", "fxsr-opt", "fxsr_opt", false },
    { "pdpe1gb", "pdpe1gb", NULL, false }, { "rdtscp", "rdtscp", NULL, false },
    { "lm", "lm", NULL, false },          { "3dnowext", "3dnowext", NULL, false },
    { "3dnow", "3dnow", NULL, false },
    /* leaf 0x80000001, ECX */
    { "lahf_lm", "lahf-lm", "lahf_lm", false }, { "cmp_legacy", "cmp-legacy", "cmp_legacy", false },
    { "svm", "svm", NULL, false },        { "extapic", "extapic", NULL, false },
    { "cr8_legacy", "cr8legacy", NULL, false }, { "abm", "abm", NULL, false },
    { "sse4a", "sse4a", NULL, false },    { "misalignsse", "misalignsse", NULL, false },
    { "3dnowprefetch", "3dnowprefetch", NULL, false }, { "osvw", "osvw", NULL, false },
    { "ibs", "ibs", NULL, false },        { "xop", "xop", NULL, false },
    { "skinit", "skinit", NULL, false },  { "wdt", "wdt", NULL, false },
    { "lwp", "lwp", NULL, false },        { "fma4", "fma4", NULL, false },
    { "tce", "tce", NULL, false },        { "nodeid_msr", "nodeid-msr", "nodeid_msr", false },
    { "tbm", "tbm", NULL, false },        { "topoext", "topoext", NULL, false },
    { "perfctr_core", "perfctr-core", "perfctr_core", false },
    { "perfctr_nb", "perfctr-nb", "perfctr_nb", false },
    /* leaf 0x80000007, EDX: the invariant TSC */
    { "nonstop_tsc", "invtsc", NULL, false },
    /* leaf 0x80000008, EBX */
    { "clzero", "clzero", NULL, false },  { "xsaveerptr", "xsaveerptr", NULL, false },
    { "wbnoinvd", "wbnoinvd", NULL, false }, { "virt_ssbd", "virt-ssbd", NULL, false },
    /* leaf 0x8000000a, EDX: SVM */
    { "npt", "npt", NULL, false },        { "lbrv", "lbrv", NULL, false },
    { "svm_lock", "svm-lock", NULL, false }, { "nrip_save", "nrip-save", NULL, false },
    { "tsc_scale", "tsc-scale", NULL, false }, { "vmcb_clean", "vmcb-clean", NULL, false },
    { "flushbyasid", "flushbyasid", NULL, false }, { "decodeassists", "decodeassists", NULL, false },
    { "pausefilter", "pause-filter", NULL, false }, { "pfthreshold", "pfthreshold", NULL, false },
    { "avic", "avic", NULL, false },      { "v_vmsave_vmload", "v-vmsave-vmload", NULL, false },
    { "vgif", "vgif", NULL, false },
};

static bool hostcpu_strv_has(const vc_strv *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i], s) == 0)
            return true;
    return false;
}

void hostcpu_from_linux_flags(const char *flags, vc_strv *out)
{
    for (size_t i = 0; flags && i < VC_ARRAY_SIZE(hostcpu_features); i++)
        if (vc_words_have(flags, hostcpu_features[i].linux_name))
            vc_strv_add(out, hostcpu_features[i].qemu);
}

const char *hostcpu_libvirt_name(const char *qemu_name)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(hostcpu_features); i++)
        if (strcmp(hostcpu_features[i].qemu, qemu_name) == 0)
            return hostcpu_features[i].libvirt ? hostcpu_features[i].libvirt : qemu_name;
    return qemu_name;
}

/* How many of the host's features model has; -1 when it has one the host
 * lacks. */
static int hostcpu_score(const hostcpu_model *m, const vc_strv *host)
{
    int score = 0;
    for (size_t i = 0; i < VC_ARRAY_SIZE(hostcpu_features); i++) {
        const hostcpu_feature *f = &hostcpu_features[i];
        if (!vc_words_have(m->features, f->qemu))
            continue;
        if (hostcpu_strv_has(host, f->qemu))
            score++;
        else if (!f->model_any)
            return -1;
    }
    return score;
}

/* QEMU names each model twice, "EPYC" and its version "EPYC-v1"; of two
 * models with as many features, the plain name reads better. */
static bool hostcpu_versioned(const char *name)
{
    const char *dash = strrchr(name, '-');
    return dash && dash[1] == 'v' && dash[2] && strspn(dash + 2, "0123456789") == strlen(dash + 2);
}

static bool hostcpu_better(const hostcpu_model *a, int sa, const hostcpu_model *b, int sb)
{
    if (sa != sb)
        return sa > sb;
    bool va = hostcpu_versioned(a->name), vb = hostcpu_versioned(b->name);
    if (va != vb)
        return !va;
    return strcmp(a->name, b->name) < 0;
}

int hostcpu_choose(const hostcpu_model *models, size_t n, const vc_strv *host, vc_strv *extra)
{
    int best = -1, best_score = -1;
    for (size_t i = 0; i < n; i++) {
        int s = hostcpu_score(&models[i], host);
        /* A model with none of the host's features names nothing. */
        if (s > 0 && (best < 0 || hostcpu_better(&models[i], s, &models[best], best_score))) {
            best = (int)i;
            best_score = s;
        }
    }
    /* hypervisor is in every model QEMU has, but says something of the
     * host only when the host has it: always listed then. */
    for (size_t i = 0; i < VC_ARRAY_SIZE(hostcpu_features); i++) {
        const char *q = hostcpu_features[i].qemu;
        if (hostcpu_strv_has(host, q) &&
            (best < 0 || hostcpu_features[i].model_any ||
             !vc_words_have(models[best].features, q)) &&
            !hostcpu_strv_has(extra, hostcpu_libvirt_name(q)))
            vc_strv_add(extra, hostcpu_libvirt_name(q));
    }
    return best;
}
