/* hostcaps.c: the host capabilities document (see hostcaps.h). */
#include "hostcaps.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hostcpu.h"
#include "qemu/probe.h"

/* ---- small host-file helpers ---- */

static char *hc_path(const hostcaps_opts *o, const char *path)
{
    return vc_xasprintf("%s%s", o->root ? o->root : "", path);
}

/* A host file's content; NULL when it is missing or unreadable. */
static char *hc_read(const hostcaps_opts *o, const char *path)
{
    char *p = hc_path(o, path);
    char *s = vc_read_file(p, NULL);
    free(p);
    return s;
}

static bool hc_exists(const hostcaps_opts *o, const char *path)
{
    char *p = hc_path(o, path);
    bool ok = access(p, F_OK) == 0;
    free(p);
    return ok;
}

static void hc_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* A small integer file of sysfs; -1 when missing or not a number. */
static long long hc_read_ll(const hostcaps_opts *o, const char *path)
{
    char *s = hc_read(o, path);
    long long v = -1;
    if (s) {
        hc_trim(s);
        if (!vc_parse_ll(s, 10, &v))
            v = -1;
    }
    free(s);
    return v;
}

/* "<elt>text</elt>\n" at indent */
static void hc_put_text_elt(vc_buf *b, int indent, const char *elt, const char *text)
{
    vc_buf_indent(b, indent);
    vc_buf_printf(b, "<%s>", elt);
    vc_buf_xml_escape(b, text, '\'', true);
    vc_buf_printf(b, "</%s>\n", elt);
}

/* ---- KVM and emulators ---- */

bool hostcaps_kvm_usable(const char *dev)
{
    int fd = open(dev ? dev : "/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    int v = ioctl(fd, KVM_GET_API_VERSION, 0);
    close(fd);
    return v == 12;
}

/* Name rank of an emulator binary, or -1 when the name is not one. Lower
 * ranks win when two binaries serve the same architecture. The variants
 * with a suffix (qemu-system-x86_64-microvm) are other builds of the same
 * target, not architectures, so they are left out. */
static int hc_emulator_rank(const char *name)
{
    if (vc_str_has_prefix(name, "qemu-system-"))
        return name[12] && !strchr(name + 12, '-') ? 0 : -1;
    if (strcmp(name, "qemu-kvm") == 0)
        return 1;
    if (strcmp(name, "qemu") == 0)
        return 2;
    if (strcmp(name, "xenner") == 0)
        return 3;
    return -1;
}

bool hostcaps_qemu_name(const char *name)
{
    int rank = hc_emulator_rank(name);
    return rank >= 0 && strcmp(name, "xenner") != 0;
}

typedef struct hc_found {
    char *path;
    int rank;
    dev_t dev;
    ino_t ino;
} hc_found;

static int hc_found_cmp(const void *a, const void *b)
{
    const hc_found *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    const char *bx = strrchr(x->path, '/'), *by = strrchr(y->path, '/');
    return strcmp(bx, by);
}

static void hc_search_dir(const char *dir, hc_found **v, size_t *n, size_t *cap)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    size_t first = *n;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        int rank = hc_emulator_rank(e->d_name);
        if (rank < 0)
            continue;
        char *path = vc_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        bool dup = stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0;
        for (size_t i = 0; !dup && i < *n; i++)
            dup = (*v)[i].dev == st.st_dev && (*v)[i].ino == st.st_ino;
        if (dup) {
            free(path);
            continue;
        }
        vc_xgrow((void **)v, cap, *n + 1, sizeof(**v));
        (*v)[(*n)++] = (hc_found){ path, rank, st.st_dev, st.st_ino };
    }
    closedir(dh);
    /* readdir's order is the file system's; sort so the output is stable. */
    qsort(*v + first, *n - first, sizeof(**v), hc_found_cmp);
}

static void hc_search_list(const char *list, hc_found **v, size_t *n, size_t *cap)
{
    if (!list)
        return;
    char *copy = vc_xstrdup(list);
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
        if (*dir == '/')
            hc_search_dir(dir, v, n, cap);
    free(copy);
}

void hostcaps_find_emulators(vc_strv *out)
{
    hc_found *v = NULL;
    size_t n = 0, cap = 0;
    hc_search_list(getenv("VIRTC_EMULATOR_PATH"), &v, &n, &cap);
    hc_search_dir("/usr/bin", &v, &n, &cap);
    hc_search_list(getenv("PATH"), &v, &n, &cap);
    for (size_t i = 0; i < n; i++)
        vc_strv_take(out, v[i].path);
    free(v);
}

/* ---- architectures ---- */

typedef struct hc_arch {
    const char *qemu;      /* QEMU's target name (query-target) */
    const char *name;      /* libvirt's architecture name */
    unsigned wordsize;
} hc_arch;

static const hc_arch hc_arches[] = {
    { "x86_64", "x86_64", 64 },    { "i386", "i686", 32 },
    { "aarch64", "aarch64", 64 },  { "arm", "armv7l", 32 },
    { "ppc64", "ppc64", 64 },      { "ppc", "ppc", 32 },
    { "s390x", "s390x", 64 },      { "riscv64", "riscv64", 64 },
    { "riscv32", "riscv32", 32 },  { "mips", "mips", 32 },
    { "mipsel", "mipsel", 32 },    { "mips64", "mips64", 64 },
    { "mips64el", "mips64el", 64 }, { "sparc", "sparc", 32 },
    { "sparc64", "sparc64", 64 },  { "alpha", "alpha", 64 },
    { "m68k", "m68k", 32 },        { "sh4", "sh4", 32 },
    { "loongarch64", "loongarch64", 64 }, { "microblaze", "microblaze", 32 },
};

static const hc_arch *hc_arch_by_qemu(const char *qemu)
{
    for (size_t i = 0; qemu && i < VC_ARRAY_SIZE(hc_arches); i++)
        if (strcmp(hc_arches[i].qemu, qemu) == 0)
            return &hc_arches[i];
    return NULL;
}

static const hc_arch *hc_arch_by_name(const char *name)
{
    for (size_t i = 0; name && i < VC_ARRAY_SIZE(hc_arches); i++)
        if (strcmp(hc_arches[i].name, name) == 0)
            return &hc_arches[i];
    return NULL;
}

static bool hc_is_x86(const char *arch)
{
    return vc_streq(arch, "x86_64") || vc_streq(arch, "i686");
}

/* Whether KVM on a host of host_arch runs guests of arch: its own, and the
 * 32-bit x86 a 64-bit x86 host also runs natively. */
static bool hc_kvm_runs(const char *host_arch, const char *arch)
{
    if (vc_streq(host_arch, arch))
        return true;
    return vc_streq(host_arch, "x86_64") && vc_streq(arch, "i686");
}

/* ---- the host ---- */

/* CPUID vendor strings and the names the capabilities document uses. */
static const struct { const char *cpuid, *name; } hc_vendors[] = {
    { "GenuineIntel", "Intel" },
    { "AuthenticAMD", "AMD" },
    { "HygonGenuine", "Hygon" },
    { "CentaurHauls", "VIA" },
    { "  Shanghai  ", "Zhaoxin" },
};

/* The value of the first "key : value" line of cpuinfo; NULL when absent. */
static char *hc_cpuinfo_value(const char *cpuinfo, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = cpuinfo; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > klen && strncmp(line, key, klen) == 0 &&
            (line[klen] == ' ' || line[klen] == '\t' || line[klen] == ':')) {
            const char *colon = memchr(line, ':', len);
            if (colon) {
                const char *v = colon + 1;
                while (v < line + len && *v == ' ')
                    v++;
                return vc_xstrndup(v, (size_t)(line + len - v));
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return NULL;
}

typedef struct hc_topology {
    unsigned sockets, dies, cores, threads;
} hc_topology;

/* The numbers N of the entries named PREFIX<N>SUFFIX of a host directory
 * (cpu0, node1, hugepages-2048kB), sorted. */
typedef struct hc_sizes {
    unsigned long long *v;
    size_t n, cap;
} hc_sizes;

static int hc_ull_cmp(const void *a, const void *b)
{
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return (x > y) - (x < y);
}

static void hc_numbered(const hostcaps_opts *o, const char *rel, const char *prefix,
                        const char *suffix, hc_sizes *out)
{
    char *dir = hc_path(o, rel);
    DIR *dh = opendir(dir);
    size_t lp = strlen(prefix), ls = strlen(suffix);
    struct dirent *e;
    while (dh && (e = readdir(dh)) != NULL) {
        size_t l = strlen(e->d_name);
        unsigned long long id;
        if (l <= lp + ls || strncmp(e->d_name, prefix, lp) != 0 ||
            !vc_str_has_suffix(e->d_name, suffix))
            continue;
        char *num = vc_xstrndup(e->d_name + lp, l - lp - ls);
        if (vc_parse_ull(num, 10, &id) && id < 1ull << 40) {
            vc_xgrow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v));
            out->v[out->n++] = id;
        }
        free(num);
    }
    if (dh)
        closedir(dh);
    free(dir);
    qsort(out->v, out->n, sizeof(*out->v), hc_ull_cmp);
}

/* An online CPU and where it sits (sysfs topology). */
typedef struct hc_cpu {
    long long id, pkg, die, core, node;
} hc_cpu;

typedef struct hc_cpus {
    hc_cpu *v;
    size_t n, cap;
} hc_cpus;

/* From sysfs: the online CPUs' package, die and core ids, by CPU number. */
static void hc_read_cpus(const hostcaps_opts *o, hc_cpus *c)
{
    hc_sizes ids = { 0 };
    hc_numbered(o, "/sys/devices/system/cpu", "cpu", "", &ids);
    for (size_t i = 0; i < ids.n; i++) {
        char *base = vc_xasprintf("/sys/devices/system/cpu/cpu%llu/topology", ids.v[i]);
        char *pkg = vc_xasprintf("%s/physical_package_id", base);
        char *die = vc_xasprintf("%s/die_id", base);
        char *core = vc_xasprintf("%s/core_id", base);
        /* Offline CPUs have no topology directory; kernels before 5.2 no
         * die_id (one die per package). */
        hc_cpu cpu = { (long long)ids.v[i], hc_read_ll(o, pkg), hc_read_ll(o, die),
                       hc_read_ll(o, core), 0 };
        if (cpu.die < 0)
            cpu.die = 0;
        if (cpu.pkg >= 0 && cpu.core >= 0) {
            vc_xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
            c->v[c->n++] = cpu;
        }
        free(base);
        free(pkg);
        free(die);
        free(core);
    }
    free(ids.v);
}

static bool hc_same(const hc_cpu *a, const hc_cpu *b, int depth)
{
    return a->pkg == b->pkg && (depth < 2 || a->die == b->die) &&
           (depth < 3 || a->core == b->core);
}

static size_t hc_count_distinct(const hc_cpus *c, int depth)
{
    size_t distinct = 0;
    for (size_t i = 0; i < c->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = hc_same(&c->v[j], &c->v[i], depth);
        distinct += !seen;
    }
    return distinct;
}

static hc_topology hc_topology_of(const hc_cpus *c, const char *cpuinfo)
{
    hc_topology t = { 1, 1, 1, 1 };
    if (c->n > 0) {
        size_t sockets = hc_count_distinct(c, 1);
        size_t dies = hc_count_distinct(c, 2);
        size_t cores = hc_count_distinct(c, 3);
        t.sockets = (unsigned)sockets;
        t.dies = (unsigned)(dies / sockets ? dies / sockets : 1);
        t.cores = (unsigned)(cores / dies ? cores / dies : 1);
        t.threads = (unsigned)(c->n / cores ? c->n / cores : 1);
    } else {
        /* No sysfs: one socket of single-threaded cores, one per processor. */
        unsigned count = 0;
        for (const char *s = cpuinfo; s && (s = strstr(s, "processor")) != NULL; s++)
            if (s == cpuinfo || s[-1] == '\n')
                count++;
        t.cores = count ? count : 1;
    }
    return t;
}

static void hc_put_uuid(const hostcaps_opts *o, vc_buf *b)
{
    char *s = hc_read(o, "/sys/class/dmi/id/product_uuid");
    char hex[33];
    size_t nh = 0;
    if (!s)
        s = hc_read(o, "/etc/machine-id");
    for (const char *p = s; p && *p && nh < 33; p++) {
        if (isxdigit((unsigned char)*p))
            hex[nh++] = (char)tolower((unsigned char)*p);
        else if (*p != '-' && !isspace((unsigned char)*p))
            nh = 33;   /* not a UUID */
    }
    free(s);
    if (nh != 32)
        return;
    hex[32] = '\0';
    vc_buf_printf(b, "    <uuid>%.8s-%.4s-%.4s-%.4s-%.12s</uuid>\n", hex, hex + 8, hex + 12,
                  hex + 16, hex + 20);
}

static unsigned long long hc_page_kib(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page >= 1024 ? (unsigned long long)page / 1024 : 4;
}

static void hc_put_pages(const hc_sizes *huge, vc_buf *b)
{
    vc_buf_printf(b, "      <pages unit='KiB' size='%llu'/>\n", hc_page_kib());
    for (size_t i = 0; i < huge->n; i++)
        vc_buf_printf(b, "      <pages unit='KiB' size='%llu'/>\n", huge->v[i]);
}

/* The number after "key" in a meminfo-style text ("MemTotal:  8000 kB"). */
static long long hc_meminfo_kib(const char *text, const char *key)
{
    const char *p = text ? strstr(text, key) : NULL;
    if (!p)
        return -1;
    p += strlen(key);
    while (*p == ' ' || *p == '\t')
        p++;
    char *end;
    long long v = strtoll(p, &end, 10);
    return end == p || v < 0 ? -1 : v;
}

/* ---- the host CPU: model, signature, counter ---- */

/* The x86 CPU models of the emulator for the host's architecture, with the
 * features QEMU gives each (recorded by the probe). */
static const qemu_caps *hc_host_emulator(const hostcaps_opts *o, qemu_caps *const *caps,
                                         size_t n, const char *arch)
{
    (void)o;
    const hc_arch *a = hc_arch_by_name(arch);
    for (size_t i = 0; a && i < n; i++)
        if (caps[i] && vc_streq(caps[i]->arch, a->qemu) && caps[i]->ncpu_models)
            return caps[i];
    return NULL;
}

/* <model> for the host and, in extra, the features beyond it. */
static void hc_put_cpu_model(vc_buf *b, const char *flags, const qemu_caps *emu, vc_strv *extra)
{
    vc_strv host;
    vc_strv_init(&host);
    hostcpu_from_linux_flags(flags, &host);
    size_t n = emu ? emu->ncpu_models : 0;
    hostcpu_model *models = vc_xcalloc(n + 1, sizeof(*models));
    for (size_t i = 0; i < n; i++)
        models[i] = (hostcpu_model){ emu->cpu_models[i].name, emu->cpu_models[i].features };
    int best = hostcpu_choose(models, n, &host, extra);
    if (best >= 0)
        hc_put_text_elt(b, 6, "model", models[best].name);
    free(models);
    vc_strv_free(&host);
}

/* A cpuinfo number ("26", "0xa201016"); -1 when absent or not a number. */
static long long hc_cpuinfo_num(const char *cpuinfo, const char *key)
{
    char *v = cpuinfo ? hc_cpuinfo_value(cpuinfo, key) : NULL;
    long long n = -1;
    if (v && !vc_parse_ll(v, vc_str_has_prefix(v, "0x") ? 16 : 10, &n))
        n = -1;
    free(v);
    return n;
}

/* <microcode> and <signature>: x86's family/model/stepping, as cpuinfo
 * gives them (already combined with the extended family and model). */
static void hc_put_signature(vc_buf *b, const char *cpuinfo)
{
    long long ucode = hc_cpuinfo_num(cpuinfo, "microcode");
    if (ucode > 0 && ucode <= 0xffffffffLL)
        vc_buf_printf(b, "      <microcode version='%lld'/>\n", ucode);
    long long family = hc_cpuinfo_num(cpuinfo, "cpu family");
    long long model = hc_cpuinfo_num(cpuinfo, "model");
    long long stepping = hc_cpuinfo_num(cpuinfo, "stepping");
    if (family > 0 && model >= 0 && stepping >= 0)
        vc_buf_printf(b, "      <signature family='%lld' model='%lld' stepping='%lld'/>\n",
                      family, model, stepping);
}

/* The TSC rate KVM gives a vCPU (kHz), and whether KVM can scale it; 0 when
 * there is no KVM to ask. */
static unsigned long long hc_kvm_tsc_khz(bool *scaling)
{
    unsigned long long khz = 0;
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int vm = kvm >= 0 ? ioctl(kvm, KVM_CREATE_VM, 0) : -1;
    int vcpu = vm >= 0 ? ioctl(vm, KVM_CREATE_VCPU, 0) : -1;
    if (vcpu >= 0) {
        int r = ioctl(vcpu, KVM_GET_TSC_KHZ, 0);
        khz = r > 0 ? (unsigned long long)r : 0;
        *scaling = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL) > 0;
    }
    if (vcpu >= 0)
        close(vcpu);
    if (vm >= 0)
        close(vm);
    if (kvm >= 0)
        close(kvm);
    return khz;
}

/* <counter name='tsc'>: only an invariant TSC is a counter a guest can rely
 * on, and its rate is known only from KVM (or the caller). */
static void hc_put_counter(const hostcaps_opts *o, vc_buf *b, const char *flags, bool kvm)
{
    if (!vc_words_have(flags, "nonstop_tsc"))
        return;
    bool scaling = o->tsc_scaling;
    unsigned long long hz = o->tsc_hz;
    if (!hz && kvm && !o->root)
        hz = hc_kvm_tsc_khz(&scaling) * 1000;
    if (hz)
        vc_buf_printf(b, "      <counter name='tsc' frequency='%llu' scaling='%s'/>\n", hz,
                      scaling ? "yes" : "no");
}

/* ---- NUMA cells ---- */

/* "0-3,8" for the sorted ids. */
static void hc_put_cpuset(vc_buf *b, const long long *ids, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && ids[j + 1] == ids[j] + 1)
            j++;
        vc_buf_printf(b, "%s%lld", i ? "," : "", ids[i]);
        if (j > i)
            vc_buf_printf(b, "-%lld", ids[j]);
        i = j + 1;
    }
}

/* Which node each CPU is on: the cpuN entries of each node directory. */
static void hc_assign_nodes(const hostcaps_opts *o, const hc_sizes *nodes, hc_cpus *cpus)
{
    for (size_t i = 0; i < cpus->n; i++) {
        cpus->v[i].node = nodes->n ? -1 : 0;
        for (size_t k = 0; k < nodes->n && cpus->v[i].node < 0; k++) {
            char *rel = vc_xasprintf("/sys/devices/system/node/node%llu/cpu%lld", nodes->v[k],
                                     cpus->v[i].id);
            if (hc_exists(o, rel))
                cpus->v[i].node = (long long)nodes->v[k];
            free(rel);
        }
    }
}

static void hc_put_cell_pages(const hostcaps_opts *o, vc_buf *b, const char *nodedir,
                              long long mem_kib)
{
    hc_sizes huge = { 0 };
    char *rel = vc_xasprintf("%s/hugepages", nodedir);
    hc_numbered(o, rel, "hugepages-", "kB", &huge);
    free(rel);
    unsigned long long page = hc_page_kib(), huge_kib = 0;
    long long *counts = vc_xcalloc(huge.n + 1, sizeof(*counts));
    for (size_t i = 0; i < huge.n; i++) {
        char *f = vc_xasprintf("%s/hugepages/hugepages-%llukB/nr_hugepages", nodedir, huge.v[i]);
        counts[i] = hc_read_ll(o, f);
        if (counts[i] < 0)
            counts[i] = 0;
        huge_kib += (unsigned long long)counts[i] * huge.v[i];
        free(f);
    }
    /* What the huge pages hold is not there in small pages. */
    unsigned long long small = mem_kib > 0 && (unsigned long long)mem_kib > huge_kib
                                   ? ((unsigned long long)mem_kib - huge_kib) / page : 0;
    vc_buf_printf(b, "          <pages unit='KiB' size='%llu'>%llu</pages>\n", page, small);
    for (size_t i = 0; i < huge.n; i++)
        vc_buf_printf(b, "          <pages unit='KiB' size='%llu'>%lld</pages>\n", huge.v[i],
                      counts[i]);
    free(counts);
    free(huge.v);
}

static void hc_put_cell_distances(const hostcaps_opts *o, vc_buf *b, const char *nodedir,
                                  const hc_sizes *nodes)
{
    char *rel = vc_xasprintf("%s/distance", nodedir);
    char *text = hc_read(o, rel);
    free(rel);
    vc_buf d;
    vc_buf_init(&d);
    size_t k = 0;
    char *save = NULL;
    /* One distance per node, in the nodes' order. */
    for (char *w = text ? strtok_r(text, " \t\n", &save) : NULL; w && k < nodes->n;
         w = strtok_r(NULL, " \t\n", &save), k++) {
        unsigned long long v;
        if (!vc_parse_ull(w, 10, &v) || v < 10 || v > 255)
            break;
        vc_buf_printf(&d, "            <sibling id='%llu' value='%llu'/>\n", nodes->v[k], v);
    }
    if (d.len)
        vc_buf_printf(b, "          <distances>\n%s          </distances>\n", d.data);
    vc_buf_free(&d);
    free(text);
}

/* <cpus> of the cell: each CPU with its socket, die and core, and the
 * threads of its core. */
static void hc_put_cell_cpus(vc_buf *b, const hc_cpus *cpus, long long node)
{
    size_t n = 0;
    for (size_t i = 0; i < cpus->n; i++)
        n += cpus->v[i].node == node;
    vc_buf_printf(b, "          <cpus num='%zu'>\n", n);
    long long *sib = vc_xcalloc(cpus->n + 1, sizeof(*sib));
    for (size_t i = 0; i < cpus->n; i++) {
        const hc_cpu *c = &cpus->v[i];
        if (c->node != node)
            continue;
        size_t ns = 0;
        for (size_t j = 0; j < cpus->n; j++)
            if (hc_same(&cpus->v[j], c, 3))
                sib[ns++] = cpus->v[j].id;
        vc_buf_printf(b, "            <cpu id='%lld' socket_id='%lld' die_id='%lld' "
                         "core_id='%lld' siblings='", c->id, c->pkg, c->die, c->core);
        hc_put_cpuset(b, sib, ns);
        vc_buf_puts(b, "'/>\n");
    }
    free(sib);
    vc_buf_puts(b, "          </cpus>\n");
}

/* <topology><cells>: one cell per NUMA node, or the whole host as one cell
 * on a kernel without NUMA. */
static void hc_put_numa(const hostcaps_opts *o, vc_buf *b, hc_cpus *cpus)
{
    hc_sizes nodes = { 0 };
    /* none on a kernel without NUMA */
    hc_numbered(o, "/sys/devices/system/node", "node", "", &nodes);
    hc_assign_nodes(o, &nodes, cpus);
    size_t ncells = nodes.n ? nodes.n : 1;
    vc_buf_printf(b, "    <topology>\n      <cells num='%zu'>\n", ncells);
    for (size_t k = 0; k < ncells; k++) {
        long long id = nodes.n ? (long long)nodes.v[k] : 0;
        char *nodedir = nodes.n ? vc_xasprintf("/sys/devices/system/node/node%lld", id)
                                : vc_xstrdup("/sys/kernel/mm");
        char *rel = nodes.n ? vc_xasprintf("%s/meminfo", nodedir) : vc_xstrdup("/proc/meminfo");
        char *meminfo = hc_read(o, rel);
        long long mem = hc_meminfo_kib(meminfo, "MemTotal:");
        free(meminfo);
        free(rel);
        vc_buf_printf(b, "        <cell id='%lld'>\n", id);
        if (mem >= 0)
            vc_buf_printf(b, "          <memory unit='KiB'>%lld</memory>\n", mem);
        hc_put_cell_pages(o, b, nodedir, mem);
        if (nodes.n)
            hc_put_cell_distances(o, b, nodedir, &nodes);
        hc_put_cell_cpus(b, cpus, id);
        vc_buf_puts(b, "        </cell>\n");
        free(nodedir);
    }
    vc_buf_puts(b, "      </cells>\n    </topology>\n");
    free(nodes.v);
}

/* ---- caches ---- */

/* The kernel's cache type and the document's. */
static const struct { const char *sysfs, *name; } hc_cache_types[] = {
    { "Unified", "both" }, { "Data", "data" }, { "Instruction", "code" },
};

typedef struct hc_bank {
    long long id, level;
    const char *type;
    unsigned long long kib;
    char *cpus;
} hc_bank;

/* One cache of one CPU (sysfs cache/indexN); false when it is not an L3
 * cache: the level shared between cores, as libvirt reports it. */
static bool hc_read_bank(const hostcaps_opts *o, long long cpu, int index, hc_bank *bank)
{
    char *base = vc_xasprintf("/sys/devices/system/cpu/cpu%lld/cache/index%d", cpu, index);
    bank->cpus = NULL;
    bank->id = -1;
    char *f = vc_xasprintf("%s/level", base);
    bank->level = hc_read_ll(o, f);
    free(f);
    bool ok = bank->level == 3;
    char *type = NULL, *size = NULL;
    if (ok) {
        f = vc_xasprintf("%s/id", base);
        bank->id = hc_read_ll(o, f);
        free(f);
        f = vc_xasprintf("%s/type", base);
        type = hc_read(o, f);
        free(f);
        f = vc_xasprintf("%s/size", base);
        size = hc_read(o, f);
        free(f);
        f = vc_xasprintf("%s/shared_cpu_list", base);
        bank->cpus = hc_read(o, f);
        free(f);
    }
    bank->type = NULL;
    for (size_t i = 0; ok && type && i < VC_ARRAY_SIZE(hc_cache_types); i++) {
        hc_trim(type);
        if (strcmp(type, hc_cache_types[i].sysfs) == 0)
            bank->type = hc_cache_types[i].name;
    }
    if (ok && size) {
        hc_trim(size);
        size_t l = strlen(size);
        if (l && size[l - 1] == 'K')
            size[l - 1] = '\0';
        ok = vc_parse_ull(size, 10, &bank->kib) && bank->kib > 0;
    }
    if (ok && bank->cpus)
        hc_trim(bank->cpus);
    ok = ok && bank->id >= 0 && bank->type && size && bank->cpus && *bank->cpus;
    free(type);
    free(size);
    free(base);
    if (!ok) {
        free(bank->cpus);
        bank->cpus = NULL;
    }
    return ok;
}

static void hc_put_cache(const hostcaps_opts *o, vc_buf *b, const hc_cpus *cpus)
{
    vc_buf banks;
    vc_buf_init(&banks);
    hc_bank *seen = NULL;
    size_t nseen = 0, cap = 0;
    for (size_t i = 0; i < cpus->n; i++) {
        for (int index = 0; index < 16; index++) {
            hc_bank bank;
            if (!hc_read_bank(o, cpus->v[i].id, index, &bank))
                continue;
            bool dup = false;
            for (size_t k = 0; k < nseen && !dup; k++)
                dup = seen[k].id == bank.id && seen[k].type == bank.type;
            if (dup) {
                free(bank.cpus);
                continue;
            }
            vc_xgrow((void **)&seen, &cap, nseen + 1, sizeof(*seen));
            seen[nseen++] = bank;
            /* The largest unit that holds the size exactly, as libvirt writes it. */
            bool mib = bank.kib % 1024 == 0;
            vc_buf_printf(&banks, "      <bank id='%lld' level='%lld' type='%s' size='%llu' "
                                  "unit='%s' cpus='", bank.id, bank.level, bank.type,
                          mib ? bank.kib / 1024 : bank.kib, mib ? "MiB" : "KiB");
            vc_buf_xml_escape(&banks, bank.cpus, '\'', true);
            vc_buf_puts(&banks, "'/>\n");
        }
    }
    if (banks.len)
        vc_buf_printf(b, "    <cache>\n%s    </cache>\n", banks.data);
    for (size_t k = 0; k < nseen; k++)
        free(seen[k].cpus);
    free(seen);
    vc_buf_free(&banks);
}

/* ---- security models ---- */

/* The security drivers the runtime applies: none (no mandatory access
 * control labelling) and the POSIX user/group of the QEMU process, whose
 * base label is the configured user and group ("+0:+0": root). */
static void hc_put_secmodels(const hostcaps_opts *o, vc_buf *b)
{
    const char *label = o->dac_label ? o->dac_label : "+0:+0";
    vc_buf_puts(b, "    <secmodel>\n      <model>none</model>\n      <doi>0</doi>\n"
                   "    </secmodel>\n");
    vc_buf_puts(b, "    <secmodel>\n      <model>dac</model>\n      <doi>0</doi>\n");
    static const char *const types[] = { "kvm", "qemu" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(types); i++) {
        vc_buf_printf(b, "      <baselabel type='%s'>", types[i]);
        vc_buf_xml_escape(b, label, '\'', false);
        vc_buf_puts(b, "</baselabel>\n");
    }
    vc_buf_puts(b, "    </secmodel>\n");
}

static void hc_put_host(const hostcaps_opts *o, const char *arch, const qemu_caps *emu,
                        bool kvm, vc_buf *b)
{
    char *cpuinfo = hc_read(o, "/proc/cpuinfo");
    char *flags = cpuinfo ? hc_cpuinfo_value(cpuinfo, "flags") : NULL;
    vc_buf_puts(b, "  <host>\n");
    hc_put_uuid(o, b);
    vc_buf_puts(b, "    <cpu>\n");
    hc_put_text_elt(b, 6, "arch", arch);
    vc_strv extra;
    vc_strv_init(&extra);
    if (hc_is_x86(arch))
        hc_put_cpu_model(b, flags, emu, &extra);
    char *vendor = cpuinfo ? hc_cpuinfo_value(cpuinfo, "vendor_id") : NULL;
    for (size_t i = 0; vendor && i < VC_ARRAY_SIZE(hc_vendors); i++) {
        if (strcmp(vendor, hc_vendors[i].cpuid) == 0) {
            hc_put_text_elt(b, 6, "vendor", hc_vendors[i].name);
            break;
        }
    }
    free(vendor);
    if (hc_is_x86(arch)) {
        hc_put_signature(b, cpuinfo);
        hc_put_counter(o, b, flags, kvm);
    }
    hc_cpus cpus = { 0 };
    hc_read_cpus(o, &cpus);
    hc_topology t = hc_topology_of(&cpus, cpuinfo);
    vc_buf_printf(b, "      <topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                  t.sockets, t.dies, t.cores, t.threads);
    for (size_t i = 0; i < extra.n; i++)
        vc_buf_printf(b, "      <feature name='%s'/>\n", extra.v[i]);
    vc_strv_free(&extra);
    free(flags);
    hc_sizes huge = { 0 };
    hc_numbered(o, "/sys/kernel/mm/hugepages", "hugepages-", "kB", &huge);
    hc_put_pages(&huge, b);
    free(huge.v);
    vc_buf_puts(b, "    </cpu>\n");
    char *state = hc_read(o, "/sys/power/state");
    bool mem = vc_words_have(state, "mem"), disk = vc_words_have(state, "disk");
    free(state);
    if (mem || disk)
        vc_buf_printf(b, "    <power_management>\n%s%s    </power_management>\n",
                      mem ? "      <suspend_mem/>\n" : "", disk ? "      <suspend_disk/>\n" : "");
    else
        vc_buf_puts(b, "    <power_management/>\n");
    /* QEMU migrates a running guest over TCP. */
    vc_buf_puts(b, "    <migration_features>\n      <live/>\n      <uri_transports>\n"
                   "        <uri_transport>tcp</uri_transport>\n      </uri_transports>\n"
                   "    </migration_features>\n");
    if (cpus.n)
        hc_put_numa(o, b, &cpus);
    hc_put_cache(o, b, &cpus);
    hc_put_secmodels(o, b);
    vc_buf_puts(b, "  </host>\n");
    free(cpus.v);
    free(cpuinfo);
}

/* ---- guests ---- */

typedef struct hc_guest {
    const char *os_type;       /* "hvm" or "xen" */
    const hc_arch *arch;
    const char *emulator;      /* NULL when there is none to name */
    const char *loader;
    const qemu_caps *caps;     /* QEMU's machines; NULL for Xen and xenner */
    const char *machine;       /* the one fixed machine of a Xen guest */
    bool dom_qemu, dom_kvm, dom_xen;
    bool pae, nonpae;
} hc_guest;

typedef struct hc_guests {
    hc_guest *v;
    size_t n, cap;
} hc_guests;

/* The guest of os_type and arch served by Xen (xen true) or by an emulator. */
static hc_guest *hc_guest_find(hc_guests *g, const char *os_type, const char *arch, bool xen)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->v[i].os_type, os_type) == 0 && strcmp(g->v[i].arch->name, arch) == 0 &&
            g->v[i].dom_xen == xen)
            return &g->v[i];
    return NULL;
}

static hc_guest *hc_guest_add(hc_guests *g, const char *os_type, const hc_arch *arch)
{
    vc_xgrow((void **)&g->v, &g->cap, g->n + 1, sizeof(*g->v));
    hc_guest *r = &g->v[g->n++];
    memset(r, 0, sizeof(*r));
    r->os_type = os_type;
    r->arch = arch;
    return r;
}

static void hc_put_machine(vc_buf *b, const char *name, const char *canonical, unsigned max)
{
    vc_buf_puts(b, "      <machine");
    if (canonical) {
        vc_buf_puts(b, " canonical='");
        vc_buf_xml_escape(b, canonical, '\'', true);
        vc_buf_putc(b, '\'');
    }
    if (max)
        vc_buf_printf(b, " maxCpus='%u'", max);
    vc_buf_putc(b, '>');
    vc_buf_xml_escape(b, name, '\'', true);
    vc_buf_puts(b, "</machine>\n");
}

static void hc_put_qemu_machines(vc_buf *b, const qemu_caps *c)
{
    /* The default machine first, as a reader picking the first expects. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < c->nmachines; i++) {
            const qemu_caps_machine *m = &c->machines[i];
            /* "none" runs no guest; it exists for probes like ours. */
            if (m->is_default != (pass == 0) || strcmp(m->name, "none") == 0)
                continue;
            hc_put_machine(b, m->name, NULL, m->max_cpus);
            if (m->alias)
                hc_put_machine(b, m->alias, m->name, m->max_cpus);
        }
    }
}

static void hc_put_guest(vc_buf *b, const hc_guest *g)
{
    vc_buf_puts(b, "  <guest>\n");
    hc_put_text_elt(b, 4, "os_type", g->os_type);
    vc_buf_printf(b, "    <arch name='%s'>\n", g->arch->name);
    vc_buf_printf(b, "      <wordsize>%u</wordsize>\n", g->arch->wordsize);
    if (g->emulator)
        hc_put_text_elt(b, 6, "emulator", g->emulator);
    if (g->loader)
        hc_put_text_elt(b, 6, "loader", g->loader);
    if (g->caps)
        hc_put_qemu_machines(b, g->caps);
    if (g->machine)
        hc_put_machine(b, g->machine, NULL, 0);
    if (g->dom_qemu)
        vc_buf_puts(b, "      <domain type='qemu'/>\n");
    if (g->dom_kvm)
        vc_buf_puts(b, "      <domain type='kvm'/>\n");
    if (g->dom_xen)
        vc_buf_puts(b, "      <domain type='xen'/>\n");
    vc_buf_puts(b, "    </arch>\n");
    vc_buf f;
    vc_buf_init(&f);
    if (g->caps) {
        vc_buf_puts(&f, "      <cpuselection/>\n      <deviceboot/>\n"
                        "      <disksnapshot default='on' toggle='no'/>\n");
    }
    if (g->pae)
        vc_buf_puts(&f, "      <pae/>\n");
    if (g->nonpae)
        vc_buf_puts(&f, "      <nonpae/>\n");
    if (hc_is_x86(g->arch->name) && vc_streq(g->os_type, "hvm"))
        vc_buf_puts(&f, "      <acpi default='on' toggle='yes'/>\n"
                        "      <apic default='on' toggle='no'/>\n");
    if (f.len)
        vc_buf_printf(b, "    <features>\n%s    </features>\n", f.data);
    else
        vc_buf_puts(b, "    <features/>\n");
    vc_buf_free(&f);
    vc_buf_puts(b, "  </guest>\n");
}

static void hc_add_qemu_arch(hc_guests *g, const qemu_caps *c, const char *binary,
                             const hc_arch *arch, const char *host_arch, bool kvm)
{
    if (hc_guest_find(g, "hvm", arch->name, false))
        return;
    hc_guest *r = hc_guest_add(g, "hvm", arch);
    r->emulator = binary;
    r->caps = c;
    r->dom_qemu = c->accel_tcg;
    r->dom_kvm = kvm && c->accel_kvm && hc_kvm_runs(host_arch, arch->name);
    r->pae = r->nonpae = strcmp(arch->name, "i686") == 0;
}

/* A QEMU binary: one hvm guest for its target (pass 0); in pass 1, a 64-bit
 * x86 binary also serves 32-bit x86 guests when no qemu-system-i386 did. */
static void hc_add_qemu(hc_guests *g, const qemu_caps *c, const char *binary,
                        const char *host_arch, bool kvm, int pass, vc_diags *d)
{
    const hc_arch *arch = hc_arch_by_qemu(c->arch);
    if (!arch) {
        if (pass == 0)
            vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_WARNING, (vc_loc){ 0 },
                        "%s: unknown target architecture '%s'; left out of the capabilities",
                        binary, c->arch ? c->arch : "?");
        return;
    }
    if (pass == 0)
        hc_add_qemu_arch(g, c, binary, arch, host_arch, kvm);
    else if (strcmp(arch->name, "x86_64") == 0)
        hc_add_qemu_arch(g, c, binary, hc_arch_by_name("i686"), host_arch, kvm);
}

/* xenner runs Xen paravirtualized kernels on KVM. */
static void hc_add_xenner(hc_guests *g, const char *binary, const char *host_arch, bool kvm)
{
    const hc_arch *arch = hc_arch_by_name(host_arch);
    if (!kvm || !arch || hc_guest_find(g, "xen", arch->name, false))
        return;
    hc_guest *r = hc_guest_add(g, "xen", arch);
    r->emulator = binary;
    r->machine = "xenner";
    r->dom_kvm = true;
}

static const char *const hc_xen_emulators[] = {
    "/usr/lib/xen/bin/qemu-system-i386", "/usr/lib/xen/bin/qemu-dm",
    "/usr/lib64/xen/bin/qemu-dm",
};
static const char *const hc_xen_loaders[] = {
    "/usr/lib/xen/boot/hvmloader", "/usr/lib64/xen/boot/hvmloader",
};

static const char *hc_first_existing(const hostcaps_opts *o, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (hc_exists(o, v[i]))
            return v[i];
    return NULL;
}

/* A Xen host (dom0) names what it runs in sysfs, e.g.
 * "xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64":
 * kind-version-arch, with "p" for PAE. */
static void hc_add_xen(const hostcaps_opts *o, hc_guests *g, vc_diags *d)
{
    char *domcaps = hc_read(o, "/proc/xen/capabilities");
    bool dom0 = vc_words_have(domcaps, "control_d");
    free(domcaps);
    if (!dom0)
        return;
    char *caps = hc_read(o, "/sys/hypervisor/properties/capabilities");
    if (!caps) {
        vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_WARNING, (vc_loc){ 0 },
                    "this is a Xen host, but /sys/hypervisor/properties/capabilities "
                    "is unreadable; Xen guests are left out");
        return;
    }
    const char *emulator = hc_first_existing(o, hc_xen_emulators, VC_ARRAY_SIZE(hc_xen_emulators));
    const char *loader = hc_first_existing(o, hc_xen_loaders, VC_ARRAY_SIZE(hc_xen_loaders));
    char *save = NULL;
    for (char *w = strtok_r(caps, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
        bool hvm = vc_str_has_prefix(w, "hvm-");
        if (!hvm && !vc_str_has_prefix(w, "xen-"))
            continue;
        const char *dash = strchr(w + 4, '-');
        if (!dash)
            continue;
        const char *xarch = dash + 1;
        bool pae = vc_str_has_suffix(xarch, "p");
        const hc_arch *arch = vc_str_has_prefix(xarch, "x86_32") ? hc_arch_by_name("i686")
                              : vc_str_has_prefix(xarch, "x86_64") ? hc_arch_by_name("x86_64")
                                                                    : NULL;
        if (!arch)
            continue;
        const char *os_type = hvm ? "hvm" : "xen";
        hc_guest *r = hc_guest_find(g, os_type, arch->name, true);
        if (!r) {
            r = hc_guest_add(g, os_type, arch);
            r->dom_xen = true;
            r->machine = hvm ? "xenfv" : "xenpv";
            r->emulator = hvm ? emulator : NULL;
            r->loader = hvm ? loader : NULL;
        }
        if (strcmp(arch->name, "i686") == 0) {
            r->pae |= pae;
            r->nonpae |= !pae;
        }
    }
    free(caps);
}

/* ---- the document ---- */

static bool hc_is_xenner(const char *binary)
{
    const char *base = strrchr(binary, '/');
    return strcmp(base ? base + 1 : binary, "xenner") == 0;
}

void hostcaps_opts_init(hostcaps_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->kvm = -1;
    o->probe = qemu_probe_cached;
}

char *hostcaps_format(const hostcaps_opts *o, vc_diags *d)
{
    struct utsname u;
    const char *host_arch = o->arch;
    if (!host_arch)
        host_arch = uname(&u) == 0 ? u.machine : "unknown";
    /* uname says i686 on 32-bit x86 (or i386/i586); the document says i686. */
    if (strlen(host_arch) == 4 && host_arch[0] == 'i' && strcmp(host_arch + 2, "86") == 0)
        host_arch = "i686";
    bool kvm = o->kvm < 0 ? hostcaps_kvm_usable(NULL) : o->kvm > 0;

    vc_strv found;
    vc_strv_init(&found);
    const vc_strv *emus = o->emulators;
    if (!emus) {
        hostcaps_find_emulators(&found);
        emus = &found;
    }
    qemu_caps **caps = vc_xcalloc(emus->n + 1, sizeof(*caps));
    hc_guests g = { 0 };
    bool ok = true;
    for (size_t i = 0; i < emus->n; i++) {
        if (!hc_is_xenner(emus->v[i])) {
            caps[i] = (o->probe ? o->probe : qemu_probe_cached)(emus->v[i], d);
            ok = ok && caps[i];
        }
    }
    for (int pass = 0; ok && pass < 2; pass++) {
        for (size_t i = 0; i < emus->n; i++) {
            if (caps[i])
                hc_add_qemu(&g, caps[i], emus->v[i], host_arch, kvm, pass, d);
            else if (pass == 1)
                hc_add_xenner(&g, emus->v[i], host_arch, kvm);
        }
    }
    if (ok)
        hc_add_xen(o, &g, d);

    char *out = NULL;
    if (ok) {
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_puts(&b, "<capabilities>\n\n");
        hc_put_host(o, host_arch, hc_host_emulator(o, caps, emus->n, host_arch), kvm, &b);
        for (size_t i = 0; i < g.n; i++) {
            vc_buf_putc(&b, '\n');
            hc_put_guest(&b, &g.v[i]);
        }
        vc_buf_puts(&b, "\n</capabilities>\n");
        out = vc_buf_steal(&b);
    }
    for (size_t i = 0; i < emus->n; i++)
        qemu_caps_free(caps[i]);
    free(caps);
    free(g.v);
    vc_strv_free(&found);
    return out;
}
