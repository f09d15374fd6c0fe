/*
 * argv_read_mem.c: guest memory and I/O threads of today's command lines.
 * QEMU describes RAM as backend objects (-object memory-backend-ram|file|
 * memfd) that the machine (-machine memory-backend=), the NUMA nodes
 * (-numa node,memdev=) and the memory devices (pc-dimm, nvdimm,
 * virtio-mem-pci, virtio-pmem-pci: memdev=) use. The domain model says the
 * same in other words: <cpu><numa><cell>, <memoryBacking> (hugepages,
 * memfd/file source, shared access, preallocation, discard), <numatune>
 * and <memory> devices. The top-level elements are written as the XML
 * front end keeps them (ir_domain.extra), once every option is read.
 */
#include <stdlib.h>
#include <string.h>

#include "argv_read_priv.h"

/* One stretch of RAM as a backend object gives it. */
typedef struct qr_ram {
    const char *type;            /* "memory-backend-ram" | "-file" | "-memfd" */
    unsigned long long kib;
    const char *path;            /* mem-path */
    bool share, prealloc, discard, pmem;
    unsigned long long huge_kib; /* on hugepages: the page size, 1 for the default */
    unsigned long long align_kib;
    char *nodes;                 /* host-nodes as a nodeset */
    const char *mode;            /* the numatune mode its policy is */
    unsigned long long threads;  /* prealloc-threads (RAM and cells only) */
    qr_opt *obj;                 /* the -object, for what nothing read */
} qr_ram;

typedef struct qr_cell {
    unsigned id;
    char *cpus;
    unsigned long long kib;
    qr_ram ram;
    bool has_ram;                /* memdev= (not the legacy mem=) */
    qr_opt *numa;                /* its -numa node option */
    vc_buf dist;                 /* <sibling/> of its -numa dist,src= options */
    vc_buf caches;               /* <cache> of its -numa hmat-cache options */
} qr_cell;

typedef struct qr_mem {
    qr_cell *cells;
    size_t ncells, capcells;
    qr_ram whole;                /* -machine memory-backend= */
    bool has_whole;
    unsigned long long devices_kib;
    char **iothreads;            /* <iothread> elements, in order */
    size_t niothreads, capiothreads;
    unsigned char *named;        /* named[k]: iothreadK was given (k <= 65536) */
    bool iothreads_plain;        /* ids 1..n in order, no pool sizes */
    char *main_loop;             /* <defaultiothread> */
    qr_opt **numa_other;         /* -numa dist|cpu|hmat-lb|...: kept after the nodes */
    size_t nnuma_other, capnuma_other;
    const qr_opt **tcs_kept;     /* thread-context objects kept with their backend */
    size_t ntcs_kept, captcs_kept;
    const shw_word *hmat;        /* -machine hmat=on: its word; NULL when off */
    vc_buf interconnects;        /* <latency>/<bandwidth> of the -numa hmat-lb options */
    bool *other_read;            /* by numa_other: read into the cells (not kept) */
} qr_mem;

static qr_mem *qr_mem_state(qemu_reader *r)
{
    if (!r->mem) {
        r->mem = vc_xcalloc(1, sizeof(qr_mem));
        r->mem->iothreads_plain = true;
    }
    return r->mem;
}

void qr_mem_free(qemu_reader *r)
{
    qr_mem *m = r->mem;
    if (!m)
        return;
    for (size_t i = 0; i < m->ncells; i++) {
        free(m->cells[i].cpus);
        free(m->cells[i].ram.nodes);
        vc_buf_free(&m->cells[i].dist);
        vc_buf_free(&m->cells[i].caches);
    }
    free(m->cells);
    vc_buf_free(&m->interconnects);
    free(m->other_read);
    free(m->whole.nodes);
    for (size_t i = 0; i < m->niothreads; i++)
        free(m->iothreads[i]);
    free(m->iothreads);
    free(m->named);
    free(m->main_loop);
    free(m->numa_other);
    free(m->tcs_kept);
    free(m);
    r->mem = NULL;
}

/* The values of a list property, comma-joined: key=a,key=b (QEMU's
 * key=value form repeats the key) or "key":[a,b] (JSON, read as key.0,
 * key.1). NULL when absent; the items are marked used. */
static char *qr_list(qr_opt *o, const char *key)
{
    vc_buf b;
    vc_buf_init(&b);
    size_t klen = strlen(key);
    for (size_t i = 0; i < o->props.n; i++) {
        qopt_item *it = &o->props.v[i];
        const char *k = it->key;
        bool match = strcmp(k, key) == 0;
        if (!match && strncmp(k, key, klen) == 0 && k[klen] == '.') {
            const char *d = k + klen + 1;
            match = *d && strspn(d, "0123456789") == strlen(d);
        }
        if (!match || !it->value)
            continue;
        it->used = true;
        vc_buf_printf(&b, "%s%s", b.len ? "," : "", it->value);
    }
    if (!b.len) {
        vc_buf_free(&b);
        return NULL;
    }
    return vc_buf_steal(&b);
}

/* A size property in KiB: bytes in JSON, QEMU's suffixes in key=value. */
static bool qr_prop_kib(qemu_reader *r, qr_opt *o, const char *key, unsigned long long *kib)
{
    qopt_item *it = qr_item(o, key);
    if (!it)
        return true;
    if (!it->value)
        return qr_error(r, o->arg, it->val_off, "%s: %s needs a size", o->flag->text, key);
    return qr_size_kib(r, o->flag->text, o->arg, it->val_off, it->value, 1, kib);
}

/* QEMU's host-node policies as numatune modes. */
static const struct { const char *policy, *mode; } qr_policies[] = {
    { "bind", "strict" }, { "preferred", "preferred" }, { "interleave", "interleave" },
    { "default", NULL },
};

/* The page size a hugetlbfs mount point names: /dev/hugepages2M -> 2048;
 * 1 (the host's default size) for /dev/hugepages; 0 when the path is not
 * under a hugetlbfs mount. The kernel's convention (hugetlbpage.rst) and
 * libvirt's mount the pools at /dev/hugepages[SIZE]. */
static unsigned long long qr_hugetlbfs_page(const char *path)
{
    static const char prefix[] = "/dev/hugepages";
    if (!path || !vc_str_has_prefix(path, prefix))
        return 0;
    const char *s = path + strlen(prefix);
    size_t n = strcspn(s, "/");
    if (n == 0)
        return 1;
    unsigned long long v = 0, scale = 0;
    char *num = vc_xstrndup(s, n - 1);
    char unit = (char)(s[n - 1] | 0x20);
    scale = unit == 'k' ? 1 : unit == 'm' ? 1024 : unit == 'g' ? 1024 * 1024 : 0;
    bool ok = scale && vc_parse_ull(num, 10, &v) && v > 0;
    free(num);
    return ok ? v * scale : 0;
}

/* The -object thread-context a backend's prealloc-context= names, or NULL. */
static qr_opt *qr_ram_context_obj(qemu_reader *r, const qr_opt *o)
{
    const char *id = qr_last(o, "prealloc-context");
    qr_opt *tc = id ? qr_backend(r, "object", id) : NULL;
    return tc && vc_streq(qr_last(tc, "qom-type"), "thread-context") ? tc : NULL;
}

/* prealloc-context=TC: virtc writes a thread-context itself for a
 * preallocated backend bound to host nodes (node-affinity= those nodes,
 * nothing more), so that one is derived; any other (cpu-affinity=, other
 * nodes, no host nodes) leaves prealloc-context= unread, and the backend
 * is kept whole with it (qr_ram_keep). */
static void qr_ram_context(qemu_reader *r, qr_opt *o, const qr_ram *ram)
{
    qopt_item *it = qr_item(o, "prealloc-context");
    qr_opt *tc = it ? qr_ram_context_obj(r, o) : NULL;
    if (!it)
        return;
    bool derived = tc && ram->prealloc && ram->nodes;
    if (derived) {
        qr_implied(tc, QR_KEYS("id", "qom-type"));
        char *affinity = qr_list(tc, "node-affinity");
        size_t n;
        char *rest = qr_unused_keys(tc, &n);
        derived = vc_streq(affinity, ram->nodes) && !rest;
        free(affinity);
        free(rest);
    }
    if (derived)
        tc->used = true;
    else
        it->used = false;
}

/* Keeps a thread-context object as written, once (a backend kept whole
 * names it, or no backend derives it). */
static void qr_context_keep(qemu_reader *r, qr_opt *tc, const char *why)
{
    qr_mem *m = qr_mem_state(r);
    for (size_t i = 0; i < m->ntcs_kept; i++)
        if (m->tcs_kept[i] == tc)
            return;
    vc_xgrow((void **)&m->tcs_kept, &m->captcs_kept, m->ntcs_kept + 1, sizeof(qr_opt *));
    m->tcs_kept[m->ntcs_kept++] = tc;
    for (size_t i = 0; i < tc->props.n; i++)
        tc->props.v[i].used = true;
    tc->used = true;
    qr_keep_option(r, tc, why);
}

/* A backend kept whole takes the thread-context it names along (the
 * order does not matter: QEMU makes thread-contexts before backends). */
static void qr_ram_context_keep(qemu_reader *r, qr_opt *o)
{
    qr_opt *tc = qr_ram_context_obj(r, o);
    if (tc)
        qr_context_keep(r, tc, "the preallocation threads of a memory backend kept whole");
}

/* -object memory-backend-*,id=ID,...: the backend a user names. */
static bool qr_ram_read(qemu_reader *r, const shw_word *w, size_t off, const char *id,
                        qr_ram *ram)
{
    qr_opt *o = id ? qr_backend(r, "object", id) : NULL;
    if (!o)
        return qr_error(r, w, off, "no -object has the id '%s'", id ? id : "");
    const char *type = qr_str(o, "qom-type");
    if (!vc_str_has_prefix(type, "memory-backend-") ||
        !(strcmp(type, "memory-backend-ram") == 0 || strcmp(type, "memory-backend-file") == 0 ||
          strcmp(type, "memory-backend-memfd") == 0))
        return qr_error(r, o->arg, 0, "-object %s: not a memory backend (ram, file or memfd)",
                        type ? type : "");
    o->used = true;
    ram->type = type;
    bool hugetlb = false;
    unsigned long long hugesize = 0;
    if (!qr_prop_kib(r, o, "size", &ram->kib) || !qr_bool(r, o, "share", &ram->share) ||
        !qr_bool(r, o, "prealloc", &ram->prealloc) ||
        !qr_bool(r, o, "discard-data", &ram->discard) || !qr_bool(r, o, "pmem", &ram->pmem) ||
        !qr_prop_kib(r, o, "align", &ram->align_kib) || !qr_bool(r, o, "hugetlb", &hugetlb) ||
        !qr_prop_kib(r, o, "hugetlbsize", &hugesize))
        return false;
    if (!ram->kib)
        return qr_error(r, o->arg, 0, "-object %s: no size", type);
    ram->path = qr_str(o, "mem-path");
    if (strcmp(type, "memory-backend-file") == 0 && !ram->path)
        return qr_error(r, o->arg, 0, "-object %s: no mem-path", type);
    if (strcmp(type, "memory-backend-memfd") == 0 && hugetlb)
        ram->huge_kib = hugesize ? hugesize : 1;
    else if (strcmp(type, "memory-backend-file") == 0)
        ram->huge_kib = qr_hugetlbfs_page(ram->path);
    ram->nodes = qr_list(o, "host-nodes");
    const char *policy = qr_str(o, "policy");
    if (policy) {
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(qr_policies) && strcmp(policy, qr_policies[k].policy) != 0)
            k++;
        if (k == VC_ARRAY_SIZE(qr_policies))
            return qr_error(r, o->arg, qr_item(o, "policy")->val_off, "-object %s: policy '%s' "
                            "is not default, preferred, bind or interleave", type, policy);
        ram->mode = qr_policies[k].mode;
    } else if (ram->nodes) {
        ram->mode = "strict";   /* QEMU's default for host-nodes alone is bind */
    }
    /* virtc derives these itself: virtio-mem's reservation, the RAM block
     * names of old machine types */
    qr_implied(o, QR_KEYS("id", "qom-type", "reserve", "x-use-canonical-path-for-ramblock-id"));
    ram->obj = o;
    qr_ram_context(r, o, ram);
    return true;
}

/* The guest's RAM or a cell's: what <memoryBacking> says for all of it
 * (prealloc-threads: <allocation threads=>). */
static bool qr_ram_whole(qemu_reader *r, qr_ram *ram)
{
    return qr_num(r, ram->obj, "prealloc-threads", &ram->threads);
}

/* The names of the backend's properties nothing read ('a', 'b'), or NULL;
 * *n: how many. */
static char *qr_ram_unused(const qr_ram *ram, size_t *n)
{
    return qr_unused_keys(ram->obj, n);
}

/* Keeps a backend whole, saying which of its properties made it so. */
static void qr_ram_keep(qemu_reader *r, qr_ram *ram, const char *keys, size_t n,
                        const char *with)
{
    qr_opt *o = ram->obj;
    for (size_t i = 0; i < o->props.n; i++)
        o->props.v[i].used = true;
    o->used = true;
    qr_ram_context_keep(r, o);
    char *why = keys ? vc_xasprintf("%s ha%s no place in the domain model; kept whole with "
                                    "%s", keys, n > 1 ? "ve" : "s", with)
                     : vc_xasprintf("kept whole with %s", with);
    qr_keep_option(r, o, why);
    free(why);
}

/* A memory device's backend: what the <memory> element has no place for
 * keeps the device and its backend as written (keep_reason). */
static void qr_ram_device(qemu_reader *r, qr_ram *ram)
{
    size_t n;
    char *keys = qr_ram_unused(ram, &n);
    if (keys) {
        free(r->keep_note);
        r->keep_note = vc_xasprintf("its memory backend's %s ha%s no place in the domain "
                                    "model", keys, n > 1 ? "ve" : "s");
        r->keep_reason = r->keep_note;
    }
    free(keys);
}

/* -machine memory-backend=ID: the whole RAM in one backend. */
bool qr_mem_machine(qemu_reader *r, qr_opt *o, qopt_item *it)
{
    qr_mem *m = qr_mem_state(r);
    free(m->whole.nodes);
    memset(&m->whole, 0, sizeof(m->whole));
    m->has_whole = qr_ram_read(r, o->arg, it->val_off, it->value, &m->whole) &&
                   qr_ram_whole(r, &m->whole);
    size_t n;
    char *keys = m->has_whole ? qr_ram_unused(&m->whole, &n) : NULL;
    if (keys) {
        /* the backend as written, and -machine memory-backend= naming it
         * (the machine's leftovers, qr_keep_leftovers): virtc then writes
         * no backend of its own for the RAM */
        qr_ram_keep(r, &m->whole, keys, n, "-machine memory-backend=");
        it->used = false;
        free(keys);
        free(m->whole.nodes);
        memset(&m->whole, 0, sizeof(m->whole));
        m->has_whole = false;
        return true;
    }
    return m->has_whole;
}

/* -numa node,nodeid=N,cpus=A-B,cpus=C,memdev=ID (or mem=MiB, QEMU's older
 * spelling); the other kinds (dist, cpu, hmat-lb, ...) have no place in
 * the model and are kept. */
bool qr_opt_numa(qemu_reader *r, qr_opt *o)
{
    const char *type = qr_str(o, "type");
    qr_mem *m = qr_mem_state(r);
    if (!vc_streq(type, "node")) {
        /* kept once the nodes they name are (qr_mem_finish): QEMU wants a
         * node declared before a distance or a CPU names it */
        for (size_t i = 0; i < o->props.n; i++)
            o->props.v[i].used = true;
        vc_xgrow((void **)&m->numa_other, &m->capnuma_other, m->nnuma_other + 1,
                 sizeof(qr_opt *));
        m->numa_other[m->nnuma_other++] = o;
        return true;
    }
    unsigned long long id = m->ncells, mib = 0;
    if (!qr_num(r, o, "nodeid", &id) || !qr_num(r, o, "mem", &mib))
        return false;
    if (id > 1023)
        return qr_error(r, o->arg, qr_item(o, "nodeid")->val_off, "-numa: node %llu is more "
                        "than QEMU's nodes", id);
    qopt_item *memdev = qr_item(o, "memdev");
    if (!memdev && !mib)
        return qr_error(r, o->arg, 0, "-numa node: neither memdev= nor mem= gives its memory");
    vc_xgrow((void **)&m->cells, &m->capcells, m->ncells + 1, sizeof(qr_cell));
    qr_cell *c = &m->cells[m->ncells++];
    memset(c, 0, sizeof(*c));
    c->id = (unsigned)id;
    c->numa = o;
    c->cpus = qr_list(o, "cpus");
    if (memdev) {
        if (!qr_ram_read(r, o->arg, memdev->val_off, memdev->value, &c->ram) ||
            !qr_ram_whole(r, &c->ram))
            return false;
        c->has_ram = true;
        c->kib = c->ram.kib;
    } else {
        c->kib = mib * 1024;
    }
    /* what else it says keeps every node as written (qr_cells_keep) */
    return true;
}

/* ---- memory devices ---- */

static const struct { const char *driver, *model; bool pci; } qr_memdevs[] = {
    { "pc-dimm", "dimm", false }, { "nvdimm", "nvdimm", false },
    { "virtio-mem-pci", "virtio-mem", true }, { "virtio-pmem-pci", "virtio-pmem", true },
};

/* -device pc-dimm|nvdimm|virtio-mem-pci|virtio-pmem-pci,memdev=ID,... */
bool qr_dev_memory(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(qr_memdevs) && strcmp(driver, qr_memdevs[k].driver) != 0)
        k++;
    if (k == VC_ARRAY_SIZE(qr_memdevs))
        return false;
    qopt_item *memdev = qr_item(o, "memdev");
    if (!memdev || !memdev->value)
        return qr_error(r, o->arg, 0, "-device %s: no memdev= names its backend", driver);
    qr_ram ram = { 0 };
    if (!qr_ram_read(r, o->arg, memdev->val_off, memdev->value, &ram)) {
        free(ram.nodes);
        return false;
    }
    qr_ram_device(r, &ram);
    if (r->keep_reason) {   /* kept as written (qr_opt_device) */
        free(ram.nodes);
        return true;
    }
    ir_device *d = qr_add_device(r, IR_DEV_MEMORY, o->flag);
    ir_memory_dev *md = &d->u.memory;
    md->model = vc_xstrdup(qr_memdevs[k].model);
    md->size_kib = ram.kib;
    qr_mem_state(r)->devices_kib += ram.kib;
    unsigned long long node = 0, label = 0, block = 0, requested = 0, slot = 0, base = 0;
    bool unarmed = false, has_node = qr_item(o, "node") != NULL;
    bool has_slot = qr_item(o, "slot") != NULL, has_base = qr_item(o, "addr") != NULL;
    bool ok = qr_num(r, o, "node", &node) && qr_prop_kib(r, o, "label-size", &label) &&
              qr_prop_kib(r, o, "block-size", &block) &&
              qr_prop_kib(r, o, "requested-size", &requested) && qr_bool(r, o, "unarmed", &unarmed);
    md->node = has_node ? (int)node : -1;
    md->label_kib = label;
    md->block_kib = block;
    md->requested_kib = requested;
    md->readonly = unarmed;
    bool file_backed = strcmp(md->model, "nvdimm") == 0 || strcmp(md->model, "virtio-pmem") == 0;
    if (file_backed) {
        md->source_path = vc_xstrdup(ram.path);
        if (ram.share && strcmp(md->model, "nvdimm") == 0)
            md->access = vc_xstrdup("shared");
        md->pmem = ram.pmem ? IR_TRI_YES : IR_TRI_ABSENT;
        md->alignsize_kib = ram.align_kib;
    } else {
        if (ram.huge_kib > 1) {
            md->pagesize_kib = ram.huge_kib;
        } else if (ram.huge_kib == 1) {
            /* the mount point names no size: the default one of x86 and
             * of arm64's 4 KiB granule, 2 MiB */
            md->pagesize_kib = 2048;
            qr_warn(r, o->arg, memdev->val_off, "-device %s: hugepages of the host's default "
                    "size read as 2 MiB pages", driver);
        }
        if (ram.share)
            md->access = vc_xstrdup("shared");
        md->nodemask = ram.nodes;
        ram.nodes = NULL;
    }
    if (ram.discard)
        md->discard = IR_TRI_YES;
    free(ram.nodes);
    if (!ok)
        return false;
    if (qr_memdevs[k].pci)
        return qr_device_addr(r, o, &md->addr);
    if (!qr_num(r, o, "slot", &slot) || !qr_num(r, o, "addr", &base))
        return false;
    if (has_slot || has_base) {
        md->addr = (ir_address){ .type = IR_ADDR_DIMM, .slot = (unsigned)slot,
                                 .has_slot = has_slot };
        md->dimm_base = base;
        md->has_dimm_base = has_base;
    }
    return true;
}

/* ---- I/O threads ---- */

/* -object iothread,id=iothreadN[,thread-pool-min=,thread-pool-max=] and
 * -object main-loop,id=...: <iothreadids>, <defaultiothread>. False when
 * the object is none of these (or an id virtc cannot name). */
static bool qr_iothread(qemu_reader *r, qr_opt *o)
{
    const char *type = qr_str(o, "qom-type"), *id = qr_str(o, "id");
    bool main_loop = vc_streq(type, "main-loop");
    unsigned long long n = 0;
    if (!main_loop && (!vc_streq(type, "iothread") || !vc_str_has_prefix(id, "iothread") ||
                       !vc_parse_ull(id + strlen("iothread"), 10, &n) || n == 0 || n > 65536))
        return false;
    qr_mem *m = qr_mem_state(r);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, main_loop ? "<defaultiothread" : "<iothread");
    if (!main_loop)
        vc_buf_printf(&b, " id='%llu'", n);
    static const char *const pool[][2] = {
        { "thread-pool-min", "thread_pool_min" }, { "thread-pool-max", "thread_pool_max" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(pool); i++) {
        unsigned long long v = 0;
        bool has = qr_item(o, pool[i][0]) != NULL;
        if (!qr_num(r, o, pool[i][0], &v)) {
            vc_buf_free(&b);
            return true;   /* the error is reported */
        }
        if (has) {
            vc_buf_printf(&b, " %s='%llu'", pool[i][1], v);
            m->iothreads_plain = false;
        }
    }
    vc_buf_puts(&b, "/>");
    o->used = true;
    qr_implied(o, QR_KEYS("id", "qom-type"));
    qr_leftovers(r, o, NULL);
    if (main_loop) {
        free(m->main_loop);
        m->main_loop = vc_buf_steal(&b);
        return true;
    }
    if (n != m->niothreads + 1)
        m->iothreads_plain = false;
    if (!m->named)
        m->named = vc_xcalloc(65536 + 2, 1);
    m->named[n] = 1;
    vc_xgrow((void **)&m->iothreads, &m->capiothreads, m->niothreads + 1, sizeof(char *));
    m->iothreads[m->niothreads++] = vc_buf_steal(&b);
    return true;
}

/* Objects of this file that no device names: I/O threads; the
 * preallocation threads virtc derives from a backend's host nodes. */
bool qr_mem_object(qemu_reader *r, qr_opt *o)
{
    /* a thread-context no backend derives (qr_ram_context) */
    if (vc_streq(qr_str(o, "qom-type"), "thread-context")) {
        qr_context_keep(r, o, "not the preallocation threads virtc derives from a memory "
                        "backend's host nodes");
        return true;
    }
    return qr_iothread(r, o);
}

/* ---- the elements, once every option is read ---- */

static void qr_extra(qemu_reader *r, vc_buf *b)
{
    ir_fragments_add(&r->dom->extra, vc_buf_steal(b), (ir_pos){ 0, 0 });
}

/* <NAME> around the children in body, when there are any (takes body). */
static void qr_extra_element(qemu_reader *r, const char *name, vc_buf *body)
{
    if (!body->len) {
        vc_buf_free(body);
        return;
    }
    vc_buf out;
    vc_buf_init(&out);
    vc_buf_printf(&out, "<%s>\n%s</%s>", name, vc_buf_str(body), name);
    vc_buf_free(body);
    qr_extra(r, &out);
}

/* <hugepages>: one page size for all, or one <page> per size with the
 * cells it backs. */
static void qr_hugepages(vc_buf *b, const qr_ram *const *rams, const unsigned *ids, size_t n)
{
    bool all = n > 0, any = false;
    unsigned long long first = 0;
    bool same = true;
    for (size_t i = 0; i < n; i++) {
        unsigned long long h = rams[i] ? rams[i]->huge_kib : 0;
        all = all && h;
        any = any || h;
        if (h && !first)
            first = h;
        same = same && (!h || h == first);
    }
    if (!any)
        return;
    if (all && same) {
        if (first == 1)
            vc_buf_puts(b, "  <hugepages/>\n");
        else
            vc_buf_printf(b, "  <hugepages>\n    <page size='%llu' unit='KiB'/>\n  </hugepages>\n",
                          first);
        return;
    }
    vc_buf_puts(b, "  <hugepages>\n");
    for (size_t i = 0; i < n; i++) {
        unsigned long long h = rams[i] ? rams[i]->huge_kib : 0;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = rams[j] && rams[j]->huge_kib == h;
        if (!h || seen)
            continue;
        /* a size the mount point did not name: the common 2 MiB pages */
        vc_buf_printf(b, "    <page size='%llu' unit='KiB' nodeset='", h > 1 ? h : 2048);
        bool comma = false;
        for (size_t j = i; j < n; j++)
            if (rams[j] && rams[j]->huge_kib == h) {
                vc_buf_printf(b, "%s%u", comma ? "," : "", ids[j]);
                comma = true;
            }
        vc_buf_puts(b, "'/>\n");
    }
    vc_buf_puts(b, "  </hugepages>\n");
}

/* <memoryBacking> from the backends of the RAM stretches (the cells, or
 * the whole RAM): what is set for one is said for all, as QEMU's
 * backends are written from it. */
static void qr_memory_backing(qemu_reader *r, const qr_ram *const *rams, const unsigned *ids,
                              size_t n, bool cells)
{
    vc_buf b;
    vc_buf_init(&b);
    qr_hugepages(&b, rams, ids, n);
    if (r->mem_locked)
        vc_buf_puts(&b, "  <locked/>\n");
    bool memfd = false, file = false, shared = false, prealloc = false, discard = false;
    unsigned long long threads = 0;
    for (size_t i = 0; i < n; i++) {
        const qr_ram *m = rams[i];
        if (!m)
            continue;
        memfd = memfd || strcmp(m->type, "memory-backend-memfd") == 0;
        file = file || (strcmp(m->type, "memory-backend-file") == 0 && !m->huge_kib && !m->share);
        shared = shared || m->share;
        prealloc = prealloc || (m->prealloc && !m->huge_kib);
        discard = discard || m->discard;
        threads = threads ? threads : m->threads;
    }
    if (memfd || file)
        vc_buf_printf(&b, "  <source type='%s'/>\n", memfd ? "memfd" : "file");
    if (shared && !cells)
        vc_buf_puts(&b, "  <access mode='shared'/>\n");
    if (prealloc || r->mem_prealloc || threads) {   /* -mem-prealloc: the whole RAM */
        vc_buf_puts(&b, "  <allocation");
        if (prealloc || r->mem_prealloc)
            vc_buf_puts(&b, " mode='immediate'");
        if (threads)
            vc_buf_printf(&b, " threads='%llu'", threads);
        vc_buf_puts(&b, "/>\n");
    }
    if (discard && !cells)
        vc_buf_puts(&b, "  <discard/>\n");
    qr_extra_element(r, "memoryBacking", &b);
}

/* <numatune>: the host nodes of each cell's backend, or of the whole RAM. */
static void qr_numatune(qemu_reader *r, const qr_ram *const *rams, const unsigned *ids,
                        size_t n, bool cells)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        const qr_ram *m = rams[i];
        if (!m || !m->nodes || !m->mode)
            continue;
        if (cells)
            vc_buf_printf(&b, "  <memnode cellid='%u'", ids[i]);
        else
            vc_buf_puts(&b, "  <memory");
        vc_buf_printf(&b, " mode='%s' nodeset='", m->mode);
        vc_buf_xml_escape(&b, m->nodes, '\'', true);
        vc_buf_puts(&b, "'/>\n");
    }
    qr_extra_element(r, "numatune", &b);
}

/* <cpu> with its <numa> cells: the element as a whole (the model's fields
 * hold mode, model and topology; the copy adds the cells). */
static void qr_cpu_numa(qemu_reader *r, const qr_mem *m)
{
    const ir_domain *dom = r->dom;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<cpu");
    if (dom->cpu_mode)
        vc_buf_printf(&b, " mode='%s'", dom->cpu_mode);
    vc_buf_puts(&b, ">\n");
    if (dom->cpu_model) {
        vc_buf_puts(&b, "  <model>");
        vc_buf_xml_escape(&b, dom->cpu_model, '\'', false);
        vc_buf_puts(&b, "</model>\n");
    }
    const ir_cpu_topology *t = &dom->topology;
    if (t->sockets || t->dies || t->cores || t->threads) {
        vc_buf_puts(&b, "  <topology");
        const struct { const char *name; unsigned v; } attrs[] = {
            { "sockets", t->sockets }, { "dies", t->dies }, { "cores", t->cores },
            { "threads", t->threads },
        };
        for (size_t i = 0; i < VC_ARRAY_SIZE(attrs); i++)
            if (attrs[i].v)
                vc_buf_printf(&b, " %s='%u'", attrs[i].name, attrs[i].v);
        vc_buf_puts(&b, "/>\n");
    }
    vc_buf_puts(&b, "  <numa>\n");
    for (size_t i = 0; i < m->ncells; i++) {
        const qr_cell *c = &m->cells[i];
        vc_buf_printf(&b, "    <cell id='%u'", c->id);
        if (c->cpus) {
            vc_buf_puts(&b, " cpus='");
            vc_buf_xml_escape(&b, c->cpus, '\'', true);
            vc_buf_puts(&b, "'");
        }
        vc_buf_printf(&b, " memory='%llu' unit='KiB'", c->kib);
        if (c->has_ram && c->ram.share)
            vc_buf_puts(&b, " memAccess='shared'");
        if (c->has_ram && c->ram.discard)
            vc_buf_puts(&b, " discard='yes'");
        if (!c->dist.len && !c->caches.len) {
            vc_buf_puts(&b, "/>\n");
            continue;
        }
        vc_buf_puts(&b, ">\n");
        if (c->dist.len)
            vc_buf_printf(&b, "      <distances>\n%s      </distances>\n", vc_buf_str(&c->dist));
        vc_buf_puts(&b, vc_buf_str(&c->caches));
        vc_buf_puts(&b, "    </cell>\n");
    }
    if (m->interconnects.len)
        vc_buf_printf(&b, "    <interconnects>\n%s    </interconnects>\n",
                      vc_buf_str(&m->interconnects));
    vc_buf_puts(&b, "  </numa>\n</cpu>");
    qr_extra(r, &b);
}

static void qr_iothreads_finish(qemu_reader *r, const qr_mem *m)
{
    vc_buf b;
    vc_buf_init(&b);
    /* QEMU starts the threads <iothreadids> names, then the rest of 1..N:
     * N counts only the unbroken run 1..N the options give */
    size_t count = 0;
    while (m->named && count < 65536 && m->named[count + 1])
        count++;
    if (m->niothreads) {
        vc_buf_printf(&b, "<iothreads>%zu</iothreads>", count);
        qr_extra(r, &b);
    }
    if (m->niothreads && !m->iothreads_plain) {
        vc_buf_init(&b);
        for (size_t i = 0; i < m->niothreads; i++)
            vc_buf_printf(&b, "  %s\n", m->iothreads[i]);
        qr_extra_element(r, "iothreadids", &b);
    }
    if (m->main_loop) {
        vc_buf_init(&b);
        vc_buf_puts(&b, m->main_loop);
        qr_extra(r, &b);
    }
}

/* A memory device on hugepages in a cell that is itself on pages of that
 * size needs no <pagesize>: <memoryBacking> says it for the cell's memory,
 * devices included. */
static void qr_memdev_pages(qemu_reader *r, const qr_mem *m)
{
    for (size_t i = 0; i < r->dom->ndevices; i++) {
        ir_memory_dev *md = &r->dom->devices[i].u.memory;
        if (r->dom->devices[i].kind != IR_DEV_MEMORY || !md->pagesize_kib || md->node < 0)
            continue;
        for (size_t k = 0; k < m->ncells; k++) {
            const qr_cell *c = &m->cells[k];
            unsigned long long h = c->has_ram ? c->ram.huge_kib : 0;
            if (c->id == (unsigned)md->node && h && (h == 1 ? 2048 : h) == md->pagesize_kib)
                md->pagesize_kib = 0;
        }
    }
}

/* ---- -numa dist, hmat-lb, hmat-cache: <distances>, <interconnects>, <cache> ---- */

/* -machine hmat=on: QEMU's ACPI HMAT, which the domain has when its NUMA
 * cells have caches or interconnects (the 7.2 emitter then writes it). */
bool qr_mem_hmat(qemu_reader *r, qr_opt *o)
{
    bool on = false;
    if (!qr_bool(r, o, "hmat", &on))
        return false;
    qopt_item *it = qr_item(o, "hmat");
    if (it)
        qr_mem_state(r)->hmat = on ? o->arg : NULL;
    return true;
}

static qr_cell *qr_cell_by_id(qr_mem *m, const char *id)
{
    unsigned long long v;
    if (!id || !vc_parse_ull(id, 10, &v))
        return NULL;
    for (size_t i = 0; i < m->ncells; i++)
        if (m->cells[i].id == v)
            return &m->cells[i];
    return NULL;
}

/* Whether the option has only these keys (besides its type). */
static bool qr_only_keys(const qr_opt *o, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < o->props.n; i++) {
        const char *k = o->props.v[i].key;
        bool known = strcmp(k, "type") == 0;
        for (size_t j = 0; j < n && !known; j++)
            known = strcmp(k, keys[j]) == 0;
        if (!known)
            return false;
    }
    return true;
}

/* A number, or a size with QEMU's binary suffixes (K, M, G, T), in bytes. */
static bool qr_hmat_bytes(const char *s, unsigned long long *bytes)
{
    static const char suffixes[] = "kmgt";
    size_t n = s ? strlen(s) : 0;
    unsigned long long scale = 1, v;
    if (!n)
        return false;
    const char *k = strchr(suffixes, s[n - 1] | 0x20);
    char *num = vc_xstrndup(s, k && (s[n - 1] | 0x20) == *k ? n - 1 : n);
    if (k && *k)
        for (const char *p = suffixes; p <= k; p++)
            scale *= 1024;
    bool ok = vc_parse_ull(num, 10, &v) && (!v || v <= ~0ULL / scale);
    free(num);
    *bytes = ok ? v * scale : 0;
    return ok;
}

/* dist,src=A,dst=B,val=V: cell A's <sibling id='B' value='V'/>. */
static bool qr_numa_dist(qr_mem *m, qr_opt *o)
{
    qr_cell *src = qr_cell_by_id(m, qr_last(o, "src"));
    unsigned long long val;
    if (!qr_only_keys(o, QR_KEYS("src", "dst", "val")) || !src ||
        !qr_cell_by_id(m, qr_last(o, "dst")) || !vc_parse_ull(qr_last(o, "val"), 10, &val) ||
        val < 10 || val > 255)
        return false;
    vc_buf_printf(&src->dist, "        <sibling id='%s' value='%llu'/>\n", qr_last(o, "dst"), val);
    return true;
}

/* QEMU's HMAT words and the domain's: hierarchy= as the cache level of
 * an interconnect (memory: none), a cache's associativity= and policy=. */
static const char *const qr_hmat_levels[] = { "memory", "first-level", "second-level",
                                              "third-level" };
static const struct {
    const char *qemu, *xml;
} qr_hmat_assoc[] = {
    { "none", "none" }, { "direct", "direct" }, { "complex", "full" },
}, qr_hmat_policy[] = {
    { "none", "none" }, { "write-back", "writeback" }, { "write-through", "writethrough" },
};

static size_t qr_word_index(const char *w, const char *const *words, size_t n)
{
    size_t i = 0;
    while (i < n && !vc_streq(w, words[i]))
        i++;
    return i;
}

/* hmat-lb,initiator=I,target=T,hierarchy=H,data-type=KIND-latency|KIND-bandwidth,
 * latency=NS|bandwidth=SIZE: an <interconnects> <latency> or <bandwidth>
 * (per second, in KiB, as libvirt keeps it). */
static bool qr_numa_hmat_lb(qr_mem *m, qr_opt *o)
{
    const char *ini = qr_last(o, "initiator"), *tgt = qr_last(o, "target");
    const char *type = qr_last(o, "data-type");
    size_t level = qr_word_index(qr_last(o, "hierarchy"), qr_hmat_levels,
                                 VC_ARRAY_SIZE(qr_hmat_levels));
    const char *dash = type ? strchr(type, '-') : NULL;
    static const char *const kinds[] = { "access", "read", "write" };
    char *kind = dash ? vc_xstrndup(type, (size_t)(dash - type)) : NULL;
    bool latency = dash && strcmp(dash, "-latency") == 0;
    bool ok = dash && (latency || strcmp(dash, "-bandwidth") == 0) &&
              qr_word_index(kind, kinds, VC_ARRAY_SIZE(kinds)) < VC_ARRAY_SIZE(kinds) &&
              level < VC_ARRAY_SIZE(qr_hmat_levels) && qr_cell_by_id(m, ini) &&
              qr_cell_by_id(m, tgt) &&
              qr_only_keys(o, QR_KEYS("initiator", "target", "hierarchy", "data-type",
                                      latency ? "latency" : "bandwidth"));
    unsigned long long v = 0;
    if (ok && latency)
        ok = vc_parse_ull(qr_last(o, "latency"), 10, &v) && v <= 0xffffffffULL;
    else if (ok)
        ok = qr_hmat_bytes(qr_last(o, "bandwidth"), &v) && v % 1024 == 0 &&
             (v /= 1024) <= 0xffffffffULL;
    if (ok) {
        vc_buf_printf(&m->interconnects, "      <%s initiator='%s' target='%s'",
                      latency ? "latency" : "bandwidth", ini, tgt);
        if (level)
            vc_buf_printf(&m->interconnects, " cache='%zu'", level);
        vc_buf_printf(&m->interconnects, " type='%s' value='%llu'%s/>\n", kind, v,
                      latency ? "" : " unit='KiB'");
    }
    free(kind);
    return ok;
}

static const char *qr_hmat_xml(const char *w, const void *table, size_t n)
{
    const struct { const char *qemu, *xml; } *t = table;
    for (size_t i = 0; i < n; i++)
        if (vc_streq(w, t[i].qemu))
            return t[i].xml;
    return NULL;
}

/* hmat-cache,node-id=N,size=SIZE,level=L,associativity=A,policy=P,line=BYTES:
 * a <cache> of cell N. */
static bool qr_numa_hmat_cache(qr_mem *m, qr_opt *o)
{
    qr_cell *c = qr_cell_by_id(m, qr_last(o, "node-id"));
    const char *assoc = qr_hmat_xml(qr_last(o, "associativity"), qr_hmat_assoc,
                                    VC_ARRAY_SIZE(qr_hmat_assoc));
    const char *policy = qr_hmat_xml(qr_last(o, "policy"), qr_hmat_policy,
                                     VC_ARRAY_SIZE(qr_hmat_policy));
    unsigned long long size, level, line;
    if (!c || !assoc || !policy ||
        !qr_only_keys(o, QR_KEYS("node-id", "size", "level", "associativity", "policy",
                                 "line")) ||
        !qr_hmat_bytes(qr_last(o, "size"), &size) || size % 1024 ||
        size / 1024 > 0xffffffffULL || !vc_parse_ull(qr_last(o, "level"), 10, &level) ||
        level < 1 || level > 3 || !vc_parse_ull(qr_last(o, "line"), 10, &line) ||
        line > 0xffffffffULL)
        return false;
    vc_buf_printf(&c->caches, "      <cache level='%llu' associativity='%s' policy='%s'>\n"
                  "        <size value='%llu' unit='KiB'/>\n"
                  "        <line value='%llu' unit='B'/>\n      </cache>\n", level, assoc,
                  policy, size / 1024, line);
    return true;
}

/* The initiator the 7.2 emitter writes for a cell under HMAT: the cell
 * itself when it has CPUs, else the initiator of its lowest latency, else
 * of its highest bandwidth (the interconnects as read); -1: none. */
static long qr_cell_initiator(const qr_mem *m, const qr_cell *c, qr_opt *const *lbs, size_t n)
{
    if (c->cpus)
        return (long)c->id;
    long lat = -1, bw = -1;
    unsigned long long best_lat = ~0ULL, best_bw = 0;
    (void)m;
    for (size_t i = 0; i < n; i++) {
        unsigned long long t, ini, v;
        const char *type = qr_last(lbs[i], "data-type");
        if (!vc_parse_ull(qr_last(lbs[i], "target"), 10, &t) || t != c->id ||
            !vc_parse_ull(qr_last(lbs[i], "initiator"), 10, &ini) || !type)
            continue;
        if (vc_str_has_suffix(type, "-latency") &&
            vc_parse_ull(qr_last(lbs[i], "latency"), 10, &v) && v < best_lat) {
            best_lat = v;
            lat = (long)ini;
        } else if (vc_str_has_suffix(type, "-bandwidth") &&
                   qr_hmat_bytes(qr_last(lbs[i], "bandwidth"), &v) && v > best_bw) {
            best_bw = v;
            bw = (long)ini;
        }
    }
    return lat >= 0 ? lat : bw;
}

/* Reads the -numa dist|hmat-lb|hmat-cache options into the cells, all of
 * a kind or none (QEMU reads each kind as one table: a kind kept in part
 * would be written twice); a node's initiator= that is the one the
 * emitter derives is read too. Before qr_cells_keep: an initiator= that
 * is not keeps every node. */
static void qr_numa_extras(qr_mem *m)
{
    size_t n = m->nnuma_other, ndist = 0, nhmat = 0, nlb = 0;
    bool dist_ok = true, hmat_ok = m->hmat != NULL;
    m->other_read = vc_xcalloc(n ? n : 1, sizeof(bool));
    qr_opt **lbs = vc_xcalloc(n ? n : 1, sizeof(qr_opt *));
    for (size_t i = 0; i < n; i++) {
        qr_opt *o = m->numa_other[i];
        const char *type = qr_last(o, "type");
        if (vc_streq(type, "dist")) {
            ndist++;
            dist_ok = qr_numa_dist(m, o) && dist_ok;
        } else if (vc_streq(type, "hmat-lb")) {
            nhmat++;
            lbs[nlb++] = o;
            hmat_ok = qr_numa_hmat_lb(m, o) && hmat_ok;
        } else if (vc_streq(type, "hmat-cache")) {
            nhmat++;
            hmat_ok = qr_numa_hmat_cache(m, o) && hmat_ok;
        }
    }
    hmat_ok = hmat_ok && nhmat;
    for (size_t i = 0; i < m->ncells; i++) {
        qr_cell *c = &m->cells[i];
        if (!dist_ok)
            vc_buf_free(&c->dist);
        if (!hmat_ok)
            vc_buf_free(&c->caches);
        const char *ini = qr_last(c->numa, "initiator");
        unsigned long long v;
        if (hmat_ok && ini && vc_parse_ull(ini, 10, &v) &&
            (long)v == qr_cell_initiator(m, c, lbs, nlb))
            qr_item(c->numa, "initiator");
        else if (hmat_ok && !ini && qr_cell_initiator(m, c, lbs, nlb) != (long)c->id)
            hmat_ok = false;   /* QEMU's own choice, not the one virtc writes */
    }
    if (!hmat_ok) {
        vc_buf_free(&m->interconnects);
        for (size_t i = 0; i < m->ncells; i++)
            vc_buf_free(&m->cells[i].caches);
    }
    for (size_t i = 0; i < n; i++) {
        const char *type = qr_last(m->numa_other[i], "type");
        m->other_read[i] = (dist_ok && vc_streq(type, "dist")) ||
                           (hmat_ok && (vc_streq(type, "hmat-lb") ||
                                        vc_streq(type, "hmat-cache")));
    }
    free(lbs);
}

/* Keeps what of -numa dist|cpu|hmat-* was not read (all of it when the
 * nodes are kept), after the nodes, and -machine hmat=on with them. */
static void qr_numa_other_keep(qemu_reader *r, qr_mem *m)
{
    bool hmat_read = false;   /* then the emitter writes hmat=on from the cells */
    for (size_t i = 0; i < m->nnuma_other; i++) {
        bool read = m->ncells && m->other_read && m->other_read[i];
        if (!read)
            qr_keep_option(r, m->numa_other[i], NULL);
        hmat_read = hmat_read || (read && vc_str_has_prefix(qr_last(m->numa_other[i], "type"),
                                                            "hmat-"));
    }
    if (m->hmat && !hmat_read) {
        const char *args[2] = { "-machine", "hmat=on" };
        qr_passthrough(r, args, 2);
        qr_warn(r, m->hmat, 0, "-machine hmat=on: no HMAT of the NUMA cells was read into "
                "the domain; kept as <qemu:commandline> -machine hmat=on");
    }
}

/* A node's backend with what <memoryBacking> has no place for, or a node
 * with what <cell> has no place for (initiator=, ...): QEMU takes a node
 * once and virtc writes every <cell>, so all nodes are kept as written,
 * each backend before its node, and the model has no cells. */
static void qr_cells_keep(qemu_reader *r, qr_mem *m)
{
    size_t n = 0, k = 0;
    char *keys = NULL;
    const char *whose = "backend's ";
    for (k = 0; k < m->ncells && !keys; k++) {
        keys = m->cells[k].has_ram ? qr_ram_unused(&m->cells[k].ram, &n) : NULL;
        if (!keys && (keys = qr_unused_keys(m->cells[k].numa, &n)))
            whose = "";
    }
    if (!keys)
        return;
    char *reason = vc_xasprintf("node %u's %s%s ha%s no place in the domain model, and "
                                "virtc writes every node", m->cells[k - 1].id, whose, keys,
                                n > 1 ? "ve" : "s");
    char *with = vc_xasprintf("every -numa node (%s)", reason);
    for (size_t i = 0; i < m->ncells; i++) {
        qr_cell *c = &m->cells[i];
        char *node_why = vc_xasprintf("kept %s: %s", c->has_ram ? "with its backend" :
                                      "as written", reason);
        if (c->has_ram) {
            size_t cn;
            char *ck = qr_ram_unused(&c->ram, &cn);
            qr_ram_keep(r, &c->ram, ck, cn, with);
            free(ck);
        }
        for (size_t j = 0; j < c->numa->props.n; j++)
            c->numa->props.v[j].used = true;
        qr_keep_option(r, c->numa, node_why);
        free(node_why);
        free(c->cpus);
        free(c->ram.nodes);
        vc_buf_free(&c->dist);
        vc_buf_free(&c->caches);
    }
    free(reason);
    free(with);
    free(keys);
    m->ncells = 0;
}

void qr_mem_finish(qemu_reader *r)
{
    qr_mem *m = r->mem;
    if (!m)
        return;
    qr_numa_extras(m);
    qr_cells_keep(r, m);
    qr_numa_other_keep(r, m);
    ir_domain *dom = r->dom;
    /* <memory> is the initial RAM and the memory devices together */
    dom->memory_kib += m->devices_kib;
    if (dom->current_memory_kib)
        dom->current_memory_kib += m->devices_kib;
    size_t n = m->ncells ? m->ncells : 1;
    const qr_ram **rams = vc_xcalloc(n, sizeof(*rams));
    unsigned *ids = vc_xcalloc(n, sizeof(*ids));
    if (m->ncells) {
        for (size_t i = 0; i < m->ncells; i++) {
            rams[i] = m->cells[i].has_ram ? &m->cells[i].ram : NULL;
            ids[i] = m->cells[i].id;
        }
        qr_cpu_numa(r, m);
        qr_memdev_pages(r, m);
    } else if (m->has_whole) {
        rams[0] = &m->whole;
    }
    qr_memory_backing(r, rams, ids, n, m->ncells > 0);
    qr_numatune(r, rams, ids, n, m->ncells > 0);
    free(rams);
    free(ids);
    qr_iothreads_finish(r, m);
}
