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

/* Linux /proc/cpuinfo flag names and the CPU feature names they stand for:
 * the features that matter when deciding what the host can virtualize.
 * Linux writes sse4_1 where the CPU feature is sse4.1. */
static const struct { const char *linux_name, *name; } hc_cpu_features[] = {
    { "vmx", "vmx" },       { "svm", "svm" },     { "hypervisor", "hypervisor" },
    { "pae", "pae" },       { "lm", "lm" },       { "nx", "nx" },
    { "ht", "ht" },         { "aes", "aes" },     { "avx", "avx" },
    { "avx2", "avx2" },     { "sse4_1", "sse4.1" }, { "sse4_2", "sse4.2" },
    { "x2apic", "x2apic" }, { "pdpe1gb", "pdpe1gb" }, { "npt", "npt" },
    { "ept", "ept" },
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

static bool hc_word_in(const char *words, const char *w)
{
    size_t wl = strlen(w);
    for (const char *s = words; s && *s;) {
        s += strspn(s, " \t\n");
        size_t l = strcspn(s, " \t\n");
        if (l == wl && strncmp(s, w, l) == 0)
            return true;
        s += l;
    }
    return false;
}

typedef struct hc_topology {
    unsigned sockets, dies, cores, threads;
} hc_topology;

typedef struct hc_cpuid {
    long long pkg, die, core;
} hc_cpuid;

static size_t hc_count_distinct(const hc_cpuid *v, size_t n, int depth)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = v[j].pkg == v[i].pkg && (depth < 2 || v[j].die == v[i].die) &&
                   (depth < 3 || v[j].core == v[i].core);
        distinct += !seen;
    }
    return distinct;
}

/* From sysfs: the online CPUs' package, die and core ids. */
static hc_topology hc_read_topology(const hostcaps_opts *o, const char *cpuinfo)
{
    hc_cpuid *v = NULL;
    size_t n = 0, cap = 0;
    char *dir = hc_path(o, "/sys/devices/system/cpu");
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh)) != NULL) {
        unsigned long long id;
        if (!vc_str_has_prefix(e->d_name, "cpu") || !vc_parse_ull(e->d_name + 3, 10, &id))
            continue;
        char *base = vc_xasprintf("/sys/devices/system/cpu/%s/topology", e->d_name);
        char *pkg = vc_xasprintf("%s/physical_package_id", base);
        char *die = vc_xasprintf("%s/die_id", base);
        char *core = vc_xasprintf("%s/core_id", base);
        /* Offline CPUs have no topology directory. */
        hc_cpuid c = { hc_read_ll(o, pkg), hc_read_ll(o, die), hc_read_ll(o, core) };
        if (c.pkg >= 0 && c.core >= 0) {
            vc_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
            v[n++] = c;
        }
        free(base);
        free(pkg);
        free(die);
        free(core);
    }
    if (dh)
        closedir(dh);
    free(dir);
    hc_topology t = { 1, 1, 1, 1 };
    if (n > 0) {
        size_t sockets = hc_count_distinct(v, n, 1);
        size_t dies = hc_count_distinct(v, n, 2);
        size_t cores = hc_count_distinct(v, n, 3);
        t.sockets = (unsigned)sockets;
        t.dies = (unsigned)(dies / sockets ? dies / sockets : 1);
        t.cores = (unsigned)(cores / dies ? cores / dies : 1);
        t.threads = (unsigned)(n / cores ? n / cores : 1);
    } else {
        /* No sysfs: one socket of single-threaded cores, one per processor. */
        unsigned count = 0;
        for (const char *s = cpuinfo; s && (s = strstr(s, "processor")) != NULL; s++)
            if (s == cpuinfo || s[-1] == '\n')
                count++;
        t.cores = count ? count : 1;
    }
    free(v);
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

static void hc_put_pages(const hostcaps_opts *o, vc_buf *b)
{
    long page = sysconf(_SC_PAGESIZE);
    vc_buf_printf(b, "      <pages unit='KiB' size='%ld'/>\n", page > 0 ? page / 1024 : 4);
    char *dir = hc_path(o, "/sys/kernel/mm/hugepages");
    DIR *dh = opendir(dir);
    unsigned long long *sizes = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while (dh && (e = readdir(dh)) != NULL) {
        unsigned long long kb;
        if (!vc_str_has_prefix(e->d_name, "hugepages-") || !vc_str_has_suffix(e->d_name, "kB"))
            continue;
        char *num = vc_xstrndup(e->d_name + 10, strlen(e->d_name) - 12);
        if (vc_parse_ull(num, 10, &kb)) {
            vc_xgrow((void **)&sizes, &cap, n + 1, sizeof(*sizes));
            sizes[n++] = kb;
        }
        free(num);
    }
    if (dh)
        closedir(dh);
    free(dir);
    /* Smallest first, as the sizes grow. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && sizes[j - 1] > sizes[j]; j--) {
            unsigned long long t = sizes[j];
            sizes[j] = sizes[j - 1];
            sizes[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        vc_buf_printf(b, "      <pages unit='KiB' size='%llu'/>\n", sizes[i]);
    free(sizes);
}

static void hc_put_host(const hostcaps_opts *o, const char *arch, vc_buf *b)
{
    char *cpuinfo = hc_read(o, "/proc/cpuinfo");
    vc_buf_puts(b, "  <host>\n");
    hc_put_uuid(o, b);
    vc_buf_puts(b, "    <cpu>\n");
    hc_put_text_elt(b, 6, "arch", arch);
    /* No <model>: naming the host CPU's model needs a map of CPU models to
     * feature sets, which virtc does not carry. */
    char *vendor = cpuinfo ? hc_cpuinfo_value(cpuinfo, "vendor_id") : NULL;
    for (size_t i = 0; vendor && i < VC_ARRAY_SIZE(hc_vendors); i++) {
        if (strcmp(vendor, hc_vendors[i].cpuid) == 0) {
            hc_put_text_elt(b, 6, "vendor", hc_vendors[i].name);
            break;
        }
    }
    free(vendor);
    hc_topology t = hc_read_topology(o, cpuinfo);
    vc_buf_printf(b, "      <topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                  t.sockets, t.dies, t.cores, t.threads);
    char *flags = cpuinfo ? hc_cpuinfo_value(cpuinfo, "flags") : NULL;
    for (size_t i = 0; flags && i < VC_ARRAY_SIZE(hc_cpu_features); i++)
        if (hc_word_in(flags, hc_cpu_features[i].linux_name))
            vc_buf_printf(b, "      <feature name='%s'/>\n", hc_cpu_features[i].name);
    free(flags);
    hc_put_pages(o, b);
    vc_buf_puts(b, "    </cpu>\n");
    char *state = hc_read(o, "/sys/power/state");
    bool mem = hc_word_in(state, "mem"), disk = hc_word_in(state, "disk");
    free(state);
    if (mem || disk)
        vc_buf_printf(b, "    <power_management>\n%s%s    </power_management>\n",
                      mem ? "      <suspend_mem/>\n" : "", disk ? "      <suspend_disk/>\n" : "");
    else
        vc_buf_puts(b, "    <power_management/>\n");
    vc_buf_puts(b, "  </host>\n");
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
    bool dom0 = hc_word_in(domcaps, "control_d");
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
        hc_put_host(o, host_arch, &b);
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
