/*
 * argv_modern_memory.c: guest memory of the -device generation: the RAM
 * backends placement chose (the whole RAM's "pc.ram", or one per NUMA
 * cell, -numa node) and the memory devices (pc-dimm, nvdimm, virtio-mem,
 * virtio-pmem) with their backends; and the I/O threads. Reads the IR and
 * the placement only.
 */
#include "argv_modern_priv.h"
#include "../xmldoc.h"

#include <stdlib.h>
#include <string.h>

/* The options of a memory backend: -object TYPE,id=ID,... (ends open). */
static void modern_backend_opts(vc_buf *b, const modern_ram *r, const char *id)
{
    vc_buf_printf(b, "%s,id=%s", r->type, id);
    if (r->mem_path)
        qemu_opt_add(b, "mem-path", r->mem_path);
    if (r->share)
        vc_buf_printf(b, ",share=%s", r->share > 0 ? "on" : "off");
    if (r->hugetlb_kib)
        vc_buf_printf(b, ",hugetlb=on,hugetlbsize=%llu", r->hugetlb_kib * 1024);
    if (r->prealloc)
        vc_buf_puts(b, ",prealloc=on");
    if (r->prealloc && r->prealloc_threads)
        vc_buf_printf(b, ",prealloc-threads=%u", r->prealloc_threads);
    if (r->reserve_off)
        vc_buf_puts(b, ",reserve=off");
    vc_buf_printf(b, ",size=%llu", r->kib * 1024);
    if (r->align_kib)
        vc_buf_printf(b, ",align=%llu", r->align_kib * 1024);
    if (r->pmem)
        vc_buf_puts(b, ",pmem=on");
    /* discard-data is the file backend's (the file's pages are dropped) */
    if (r->discard && strcmp(r->type, "memory-backend-file") == 0)
        vc_buf_puts(b, ",discard-data=on");
    if (r->host_nodes) {
        /* a list option repeats its key: host-nodes=1-2,host-nodes=5 */
        char *nodes = vc_xstrdup(r->host_nodes), *save = NULL;
        for (char *t = strtok_r(nodes, ",", &save); t; t = strtok_r(NULL, ",", &save))
            vc_buf_printf(b, ",host-nodes=%s", t);
        free(nodes);
        vc_buf_printf(b, ",policy=%s", r->policy);
    }
}

static void modern_backend(qemu_ctx *x, const modern_ram *r, const char *id)
{
    vc_buf b;
    vc_buf_init(&b);
    /* Preallocation on given host nodes runs in threads on those nodes (a
     * thread-context object, QEMU 7.2), not wherever QEMU started. */
    char *tc = r->prealloc && r->host_nodes ? vc_xasprintf("tc-%s", id) : NULL;
    if (tc) {
        vc_buf_printf(&b, "thread-context,id=%s", tc);
        char *nodes = vc_xstrdup(r->host_nodes), *save = NULL;
        for (char *t = strtok_r(nodes, ",", &save); t; t = strtok_r(NULL, ",", &save))
            vc_buf_printf(&b, ",node-affinity=%s", t);
        free(nodes);
        qemu_arg2_take(x, "-object", vc_buf_steal(&b));
    }
    modern_backend_opts(&b, r, id);
    if (tc)
        vc_buf_printf(&b, ",prealloc-context=%s", tc);
    free(tc);
    qemu_arg2_take(x, "-object", vc_buf_steal(&b));
    if (r->mem_path)
        qemu_resource_add(x, r->mem_path, r->hugetlb_dir ? QEMU_RES_DIR : QEMU_RES_FILE, false);
}

/* <memoryBacking><locked/>: the guest's memory stays in host RAM
 * (-overcommit mem-lock=on). */
bool modern_mem_locked(const qemu_ctx *x)
{
    const ir_fragment *f = modern_extra_find(x, "memoryBacking");
    xmlDocPtr doc = f ? modern_xml_parse(f->xml) : NULL;
    bool locked = doc && xml_child(xmlDocGetRootElement(doc), "locked") != NULL;
    xmlFreeDoc(doc);
    return locked;
}

/* The whole RAM in one backend, when its backing is not plain memory and
 * there are no NUMA cells (-machine memory-backend=pc.ram says so). */
bool modern_ram_whole(qemu_ctx *x)
{
    if (x->modern->pc_ram.type)
        modern_backend(x, &x->modern->pc_ram, "pc.ram");
    return true;
}

/* ---- NUMA: cells, distances, HMAT ---- */

/* The element children of n named name, in document order. */
static xmlNodePtr modern_next(xmlNodePtr k, const char *name)
{
    while (k && (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, name) != 0))
        k = k->next;
    return k;
}
#define MODERN_EACH(k, parent, name) \
    for (xmlNodePtr k = modern_next((parent) ? (parent)->children : NULL, name); k; \
         k = modern_next(k->next, name))

/* <cpu><numa> of the document (kept verbatim), parsed; *numa NULL when none. */
static xmlDocPtr modern_numa_doc(const qemu_ctx *x, xmlNodePtr *numa)
{
    const ir_fragment *f = modern_extra_find(x, "cpu");
    xmlDocPtr doc = f ? modern_xml_parse(f->xml) : NULL;
    *numa = doc ? xml_child(xmlDocGetRootElement(doc), "numa") : NULL;
    return doc;
}

static xmlNodePtr modern_numa_cell(xmlNodePtr numa, unsigned id)
{
    MODERN_EACH(k, numa, "cell") {
        char *v = xml_prop(k, "id");
        unsigned long long n;
        bool is = v && vc_parse_ull(v, 10, &n) && n == id;
        free(v);
        if (is)
            return k;
    }
    return NULL;
}

static unsigned long long modern_prop_ull(xmlNodePtr n, const char *attr, unsigned long long dflt)
{
    char *v = n ? xml_prop(n, attr) : NULL;
    unsigned long long r;
    if (!v || !vc_parse_ull(v, 10, &r))
        r = dflt;
    free(v);
    return r;
}

/* An element's value='' scaled by its unit='' to units of `to` bytes. */
static unsigned long long modern_scaled(xmlNodePtr n, unsigned long long dflt_scale,
                                        unsigned long long to)
{
    char *unit = xml_prop(n, "unit");
    unsigned long long scale = dflt_scale, kib = 0;
    unsigned long long v = modern_prop_ull(n, "value", 0);
    if (ir_unit_scale(unit, dflt_scale, &scale))
        ir_bytes_to_kib(v, scale, &kib);
    free(unit);
    return to == 1 ? v * scale : kib;
}

/* Whether the cells have caches or interconnects: QEMU's ACPI HMAT
 * (-machine hmat=on), as libvirt writes it. */
bool modern_numa_hmat(const qemu_ctx *x)
{
    xmlNodePtr numa;
    xmlDocPtr doc = modern_numa_doc(x, &numa);
    bool hmat = false;
    xmlNodePtr ic = numa ? xml_child(numa, "interconnects") : NULL;
    if (ic && (modern_next(ic->children, "latency") || modern_next(ic->children, "bandwidth")))
        hmat = true;
    MODERN_EACH(c, numa, "cell")
        hmat = hmat || xml_child(c, "cache") != NULL;
    xmlFreeDoc(doc);
    return hmat;
}

/* A cell's initiator under HMAT: itself when it has CPUs, else the
 * initiator of its lowest latency, else of its highest bandwidth; -1. */
static long modern_cell_initiator(xmlNodePtr numa, const modern_cell *c)
{
    if (c->cpus && *c->cpus)
        return (long)c->id;
    xmlNodePtr ic = xml_child(numa, "interconnects");
    long lat = -1, bw = -1;
    unsigned long long best_lat = ~0ULL, best_bw = 0;
    for (xmlNodePtr k = ic ? ic->children : NULL; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || modern_prop_ull(k, "target", ~0ULL) != c->id)
            continue;
        unsigned long long ini = modern_prop_ull(k, "initiator", ~0ULL);
        if (strcmp((const char *)k->name, "latency") == 0) {
            unsigned long long v = modern_prop_ull(k, "value", ~0ULL);
            if (v < best_lat) {
                best_lat = v;
                lat = (long)ini;
            }
        } else if (strcmp((const char *)k->name, "bandwidth") == 0) {
            unsigned long long v = modern_scaled(k, 1024, 1024);
            if (v > best_bw) {
                best_bw = v;
                bw = (long)ini;
            }
        }
    }
    return lat >= 0 ? lat : bw;
}

/* The distance from cell a to cell b: a's <sibling id=b>, else b's
 * <sibling id=a> (distances are symmetric unless both are given), else
 * the local 10 or the remote 20 (the ACPI SLIT's defaults). */
static unsigned long long modern_distance(xmlNodePtr numa, unsigned a, unsigned b)
{
    for (int pass = 0; pass < 2; pass++) {
        xmlNodePtr from = modern_numa_cell(numa, pass ? b : a);
        xmlNodePtr d = from ? xml_child(from, "distances") : NULL;
        MODERN_EACH(s, d, "sibling")
            if (modern_prop_ull(s, "id", ~0ULL) == (pass ? a : b))
                return modern_prop_ull(s, "value", 0);
    }
    return a == b ? 10 : 20;
}

/* -numa dist for every pair of cells once one distance is given (QEMU
 * wants the table whole), as libvirt writes it. */
static void modern_numa_dist(qemu_ctx *x, xmlNodePtr numa)
{
    const qemu_modern *m = x->modern;
    bool any = false;
    MODERN_EACH(c, numa, "cell")
        any = any || xml_child(c, "distances") != NULL;
    for (size_t i = 0; any && i < m->ncells; i++)
        for (size_t j = 0; j < m->ncells; j++)
            qemu_arg2_take(x, "-numa", vc_xasprintf("dist,src=%u,dst=%u,val=%llu",
                                                    m->cells[i].id, m->cells[j].id,
                                                    modern_distance(numa, m->cells[i].id,
                                                                    m->cells[j].id)));
}

static const char *const modern_hmat_levels[] = { "memory", "first-level", "second-level",
                                                  "third-level" };

/* -numa hmat-lb per <interconnects> child (latency in ns, bandwidth in
 * KiB/s), then -numa hmat-cache per cell cache (QEMU wants a node's
 * latency and bandwidth before its caches). */
static bool modern_numa_hmat_opts(qemu_ctx *x, xmlNodePtr numa)
{
    xmlNodePtr ic = xml_child(numa, "interconnects");
    for (xmlNodePtr k = ic ? ic->children : NULL; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        bool latency = strcmp((const char *)k->name, "latency") == 0;
        unsigned long long level = modern_prop_ull(k, "cache", 0);
        char *type = xml_prop(k, "type");
        if (level >= VC_ARRAY_SIZE(modern_hmat_levels)) {
            free(type);
            return qemu_unsupported(x, x->dom->pos, "an interconnect of cache level %llu "
                                    "(QEMU's HMAT has levels 1 to 3)", level);
        }
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "hmat-lb,initiator=%llu,target=%llu,hierarchy=%s,data-type=%s-%s",
                      modern_prop_ull(k, "initiator", 0), modern_prop_ull(k, "target", 0),
                      modern_hmat_levels[level], type ? type : "access",
                      latency ? "latency" : "bandwidth");
        if (latency)
            vc_buf_printf(&b, ",latency=%llu", modern_prop_ull(k, "value", 0));
        else
            vc_buf_printf(&b, ",bandwidth=%lluK", modern_scaled(k, 1024, 1024));
        free(type);
        qemu_arg2_take(x, "-numa", vc_buf_steal(&b));
    }
    static const struct {
        const char *xml, *qemu;
    } assoc[] = { { "none", "none" }, { "direct", "direct" }, { "full", "complex" } },
      policy[] = { { "none", "none" }, { "writeback", "write-back" },
                   { "writethrough", "write-through" } };
    for (size_t i = 0; i < x->modern->ncells; i++) {
        xmlNodePtr cell = modern_numa_cell(numa, x->modern->cells[i].id);
        MODERN_EACH(c, cell, "cache") {
            char *a = xml_prop(c, "associativity"), *p = xml_prop(c, "policy");
            const char *qa = NULL, *qp = NULL;
            for (size_t k = 0; k < VC_ARRAY_SIZE(assoc); k++) {
                qa = vc_streq(a, assoc[k].xml) ? assoc[k].qemu : qa;
                qp = vc_streq(p, policy[k].xml) ? policy[k].qemu : qp;
            }
            free(a);
            free(p);
            xmlNodePtr size = xml_child(c, "size"), line = xml_child(c, "line");
            qemu_arg2_take(x, "-numa", vc_xasprintf(
                "hmat-cache,node-id=%u,size=%lluK,level=%llu,associativity=%s,policy=%s,"
                "line=%llu", x->modern->cells[i].id, size ? modern_scaled(size, 1024, 1024) : 0,
                modern_prop_ull(c, "level", 1), qemu_str_or(qa, "none"), qemu_str_or(qp, "none"),
                line ? modern_scaled(line, 1, 1) : 0));
        }
    }
    return true;
}

/* -object ...,id=ram-nodeN and -numa node,nodeid=N,cpus=...,memdev=...;
 * then the distances and the HMAT. */
bool modern_numa(qemu_ctx *x)
{
    const qemu_modern *m = x->modern;
    if (m->mem_prealloc)
        qemu_arg(x, "-mem-prealloc");
    xmlNodePtr numa;
    xmlDocPtr doc = modern_numa_doc(x, &numa);
    bool hmat = modern_numa_hmat(x), ok = true;
    for (size_t i = 0; i < m->ncells; i++) {
        const modern_cell *c = &m->cells[i];
        char *id = vc_xasprintf("ram-node%u", c->id);
        if (!m->numa_mem_legacy)
            modern_backend(x, &c->ram, id);
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "node,nodeid=%u", c->id);
        if (c->cpus) {
            char *cpus = vc_xstrdup(c->cpus), *save = NULL;
            for (char *t = strtok_r(cpus, ",", &save); t; t = strtok_r(NULL, ",", &save))
                vc_buf_printf(&b, ",cpus=%s", t);
            free(cpus);
        }
        long ini = hmat ? modern_cell_initiator(numa, c) : -1;
        if (ini >= 0)
            vc_buf_printf(&b, ",initiator=%ld", ini);
        else if (hmat)
            ok = qemu_error(x, x->dom->pos, "NUMA cell %u has no CPUs and no interconnect "
                            "to it names an initiator (QEMU's HMAT needs one)", c->id);
        if (m->numa_mem_legacy)
            vc_buf_printf(&b, ",mem=%llu", c->ram.kib / 1024);
        else
            vc_buf_printf(&b, ",memdev=%s", id);
        qemu_arg2_take(x, "-numa", vc_buf_steal(&b));
        free(id);
    }
    if (m->ncells)
        modern_numa_dist(x, numa);
    if (m->ncells && hmat)
        ok = modern_numa_hmat_opts(x, numa) && ok;
    xmlFreeDoc(doc);
    return ok;
}

/* The memory device models: QEMU's device and the alias stem. */
static const struct {
    const char *model;
    const char *type;
    const char *stem;
    bool pci;
} modern_memdev_models[] = {
    { "dimm", "pc-dimm", "dimm", false },
    { "nvdimm", "nvdimm", "nvdimm", false },
    { "virtio-mem", "virtio-mem-pci", "virtiomem", true },
    { "virtio-pmem", "virtio-pmem-pci", "virtiopmem", true },
};

bool modern_memory_dev(qemu_ctx *x, const ir_device *dev)
{
    const ir_memory_dev *md = &dev->u.memory;
    const qemu_modern *m = x->modern;
    int k = QEMU_TABLE_FIND(modern_memdev_models, model, md->model);
    if (k < 0)
        return qemu_unsupported(x, dev->pos, "memory device model '%s'",
                                qemu_str_or(md->model, "?"));
    const char *type = modern_memdev_models[k].type;
    if (!modern_need_device(x, dev->pos, type))
        return false;
    if (!md->size_kib)
        return qemu_error(x, dev->pos, "memory device without a <target><size>");
    /* Their backend is a file (memory-backend-file needs mem-path): without
     * <source><path> QEMU has nothing to map. */
    if (!md->source_path && (vc_streq(md->model, "nvdimm") || vc_streq(md->model, "virtio-pmem")))
        return qemu_error(x, dev->pos, "a '%s' memory device needs a <source><path>", md->model);
    const modern_memdev *pd = &m->memdevs[modern_devidx(x, dev)];
    char *id = vc_xasprintf("%s%u", modern_memdev_models[k].stem, pd->alias);
    char *mem = vc_xasprintf("mem%s", id);
    modern_backend(x, &pd->ram, mem);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, type);
    if (md->node >= 0)
        vc_buf_printf(&b, ",node=%d", md->node);
    if (md->label_kib)
        vc_buf_printf(&b, ",label-size=%llu", md->label_kib * 1024);
    if (md->block_kib)
        vc_buf_printf(&b, ",block-size=%llu", md->block_kib * 1024);
    if (vc_streq(md->model, "virtio-mem"))
        vc_buf_printf(&b, ",requested-size=%llu", md->requested_kib * 1024);
    vc_buf_printf(&b, ",memdev=%s,id=%s", mem, id);
    if (md->readonly)
        vc_buf_puts(&b, ",unarmed=on");
    if (!modern_memdev_models[k].pci) {
        vc_buf_printf(&b, ",slot=%u", pd->slot);
        if (md->has_dimm_base)
            vc_buf_printf(&b, ",addr=%llu", md->dimm_base);
    } else {
        modern_dev_pci(x, dev, &b);
    }
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    free(mem);
    free(id);
    return true;
}

/* ---- I/O threads -------------------------------------------------------------------- */

/* ",thread-pool-min=N,thread-pool-max=M" of an element that gives them. */
static void modern_pool_sizes(vc_buf *b, xmlNodePtr n)
{
    static const char *const attrs[][2] = {
        { "thread_pool_min", "thread-pool-min" }, { "thread_pool_max", "thread-pool-max" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(attrs); i++) {
        char *v = xml_prop(n, attrs[i][0]);
        if (v)
            qemu_opt_add(b, attrs[i][1], v);
        free(v);
    }
}

static void modern_iothread(qemu_ctx *x, unsigned long long id, xmlNodePtr n)
{
    char *name = vc_xasprintf("iothread%llu", id);
    bool kept = modern_passthrough_defines(x->dom, "-object", name);
    free(name);
    if (kept)
        return;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "iothread,id=iothread%llu", id);
    if (n)
        modern_pool_sizes(&b, n);
    qemu_arg2_take(x, "-object", vc_buf_steal(&b));
}

/* <iothreads>N</iothreads>: the threads <iothreadids> names (in its
 * order), then the rest of 1..N; <defaultiothread> sizes the main loop's
 * pool. */
bool modern_iothreads(qemu_ctx *x)
{
    const ir_fragment *count = modern_extra_find(x, "iothreads");
    const ir_fragment *ids = modern_extra_find(x, "iothreadids");
    const ir_fragment *dflt = modern_extra_find(x, "defaultiothread");
    char *text = count ? modern_fragment_text(count) : NULL;
    unsigned long long n = 0;
    if (text && !vc_parse_ull(text, 10, &n)) {
        qemu_error(x, count->pos, "invalid <iothreads> '%s'", text);
        free(text);
        return false;
    }
    free(text);
    if (n > 65536) {
        qemu_error(x, count->pos, "%llu I/O threads is more than QEMU can run", n);
        return false;
    }
    unsigned char *named = vc_xcalloc((size_t)n + 1, 1);
    xmlDocPtr doc = ids ? modern_xml_parse(ids->xml) : NULL;
    for (xmlNodePtr k = doc ? xmlDocGetRootElement(doc)->children : NULL; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "iothread") != 0)
            continue;
        char *id = xml_prop(k, "id");
        unsigned long long v;
        if (id && vc_parse_ull(id, 10, &v) && v > 0) {
            modern_iothread(x, v, k);
            if (v <= n)
                named[v] = 1;
        }
        free(id);
    }
    xmlFreeDoc(doc);
    for (unsigned long long i = 1; i <= n; i++)
        if (!named[i])
            modern_iothread(x, i, NULL);
    free(named);
    if (dflt && !modern_passthrough_defines(x->dom, "-object", "main-loop")) {
        xmlDocPtr ddoc = modern_xml_parse(dflt->xml);
        if (ddoc) {
            vc_buf b;
            vc_buf_init(&b);
            vc_buf_puts(&b, "main-loop,id=main-loop");
            modern_pool_sizes(&b, xmlDocGetRootElement(ddoc));
            qemu_arg2_take(x, "-object", vc_buf_steal(&b));
            xmlFreeDoc(ddoc);
        }
    }
    return true;
}
