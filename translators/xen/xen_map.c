/*
 * xen_map.c: the mapping between the IR and Xen's concepts (see xen_map.h).
 *
 * Sources of the facts: xl.cfg(5), xl-disk-configuration(5),
 * xl-network-configuration(5), the xm config examples of the seeds, and the
 * reference pairs of ../shared/corpus (which defaults libvirt fills in).
 */
#include "xen_map.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../util.h"
#include "../xmldoc.h"

/* ---- key=value lists ------------------------------------------------- */

void xen_kvs_add(xen_kvs *kv, const char *key, const char *value, vc_loc loc)
{
    vc_xgrow((void **)&kv->v, &kv->cap, kv->n + 1, sizeof(*kv->v));
    kv->v[kv->n].key = vc_xstrdup(key);
    kv->v[kv->n].value = vc_xstrdup(value);
    kv->v[kv->n].loc = loc;
    kv->n++;
}

void xen_kvs_free(xen_kvs *kv)
{
    for (size_t i = 0; i < kv->n; i++) {
        free(kv->v[i].key);
        free(kv->v[i].value);
    }
    free(kv->v);
    memset(kv, 0, sizeof(*kv));
}

const xen_kv *xen_kvs_find(const xen_kvs *kv, const char *key)
{
    for (size_t i = 0; i < kv->n; i++)
        if (strcmp(kv->v[i].key, key) == 0)
            return &kv->v[i];
    return NULL;
}

vc_loc xen_loc_at(vc_loc loc, size_t off)
{
    if (loc.column > 0)
        loc.column += (int)off;
    return loc;
}

void xen_spec_split(const char *spec, vc_loc loc, xen_kvs *out)
{
    const char *p = spec;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, ",");
        size_t klen = strcspn(p, "=,");
        char *key = vc_xstrndup(p, klen);
        char *value = klen < len ? vc_xstrndup(p + klen + 1, len - klen - 1) : NULL;
        /* trailing blanks of an item are not part of it (xl) */
        for (char *s = value ? value : key; *s && isspace((unsigned char)s[strlen(s) - 1]);)
            s[strlen(s) - 1] = '\0';
        if (*key || value || p[len] == ',' || p != spec)
            xen_kvs_add(out, key, value, xen_loc_at(loc, (size_t)(p - spec)));
        free(key);
        free(value);
        if (p[len] != ',')
            break;
        p += len + 1;
    }
}

char *xen_spec_join(const xen_kvs *kv)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < kv->n; i++) {
        if (i)
            vc_buf_putc(&b, ',');
        vc_buf_puts(&b, kv->v[i].key);
        if (kv->v[i].value)
            vc_buf_printf(&b, "=%s", kv->v[i].value);
    }
    return vc_buf_steal(&b);
}

/* ---- the domain as a whole ------------------------------------------ */

xen_kind xen_domain_kind(const ir_domain *dom)
{
    if (vc_streq(dom->os.type, "hvm"))
        return XEN_KIND_HVM;
    if (vc_streq(dom->os.type, "xenpvh") || vc_streq(dom->os.machine, "xenpvh"))
        return XEN_KIND_PVH;
    return XEN_KIND_PV;
}

static void xm_set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = vc_xstrdup(v);
}

void xen_domain_set_kind(ir_domain *dom, xen_kind kind)
{
    static const struct { const char *type, *machine; } os[] = {
        [XEN_KIND_PV] = { "linux", "xenpv" },
        [XEN_KIND_HVM] = { "hvm", "xenfv" },
        [XEN_KIND_PVH] = { "xenpvh", "xenpvh" },
    };
    xm_set_str(&dom->os.type, os[kind].type);
    xm_set_str(&dom->os.machine, os[kind].machine);
    /* the host libvirt's Xen tests describe; nothing in the formats says it */
    if (!dom->os.arch)
        dom->os.arch = vc_xstrdup("x86_64");
    if (kind == XEN_KIND_HVM) {
        if (!dom->os.loader)
            dom->os.loader = vc_xstrdup(XEN_HVMLOADER);
        if (!dom->os.loader_type)
            dom->os.loader_type = vc_xstrdup("rom");
    }
}

unsigned long long xen_kib_to_mib(unsigned long long kib)
{
    return kib / 1024 + (kib % 1024 != 0);
}

static const struct { char letter; ir_boot_dev dev; } xm_boot_letters[] = {
    { 'a', IR_BOOT_FD }, { 'c', IR_BOOT_HD }, { 'd', IR_BOOT_CDROM }, { 'n', IR_BOOT_NETWORK },
};

bool xen_boot_parse(const char *s, vc_loc loc, ir_os *os, vc_diags *d)
{
    for (size_t i = 0; s[i]; i++) {
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(xm_boot_letters) && xm_boot_letters[k].letter != s[i])
            k++;
        if (k == VC_ARRAY_SIZE(xm_boot_letters))
            return vc_error_at(d, xen_loc_at(loc, i),
                               "unknown boot device '%c' (expected a, c, d or n)", s[i]);
        if (os->nboot < VC_ARRAY_SIZE(os->boot))
            os->boot[os->nboot++] = xm_boot_letters[k].dev;
    }
    return true;
}

char *xen_boot_format(const ir_os *os)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < os->nboot && i < VC_ARRAY_SIZE(os->boot); i++)
        for (size_t k = 0; k < VC_ARRAY_SIZE(xm_boot_letters); k++)
            if (xm_boot_letters[k].dev == os->boot[i])
                vc_buf_putc(&b, xm_boot_letters[k].letter);
    if (!b.len) {
        vc_buf_free(&b);
        return NULL;
    }
    return vc_buf_steal(&b);
}

void xen_clock_to_ir(ir_domain *dom, bool localtime, const char *rtc_timeoffset)
{
    ir_clock *clk = &dom->clock;
    if (xen_domain_kind(dom) == XEN_KIND_HVM) {
        /* hvm guests keep an offset to the host's clock in the device model */
        clk->offset = IR_CLOCK_VARIABLE;
        xm_set_str(&clk->adjustment, rtc_timeoffset ? rtc_timeoffset : "0");
        xm_set_str(&clk->basis, localtime ? "localtime" : "utc");
    } else {
        clk->offset = localtime ? IR_CLOCK_LOCALTIME : IR_CLOCK_UTC;
        xm_set_str(&clk->adjustment, "reset");
    }
}

void xen_clock_from_ir(const ir_domain *dom, bool *localtime, long long *offset)
{
    const ir_clock *clk = &dom->clock;
    *localtime = clk->offset == IR_CLOCK_LOCALTIME ||
                 (clk->offset == IR_CLOCK_VARIABLE && vc_streq(clk->basis, "localtime"));
    *offset = 0;
    if (clk->offset == IR_CLOCK_VARIABLE && clk->adjustment)
        vc_parse_ll(clk->adjustment, 10, offset);
}

char *xen_cmdline_join(const char *cmdline, const char *root, const char *extra)
{
    if (cmdline)
        return vc_xstrdup(cmdline);
    if (root && extra)
        return vc_xasprintf("root=%s %s", root, extra);
    if (root)
        return vc_xasprintf("root=%s", root);
    return vc_xstrdup(extra);
}

/* Xen's names where they differ from libvirt's CPU map. */
static const struct { const char *xen, *ir; } xm_cpuid_names[] = {
    { "sse3", "pni" }, { "page1gb", "pdpe1gb" }, { "lahfsahf", "lahf_lm" },
    { "cmplegacy", "cmp_legacy" }, { "altmovcr8", "cr8legacy" }, { "nodeid", "nodeid_msr" },
    { "pclmulqdq", "pclmuldq" }, { "dtes64", "dtes64" }, { "vmx", "vmx" },
    { "syscall", "syscall" }, { "nx", "nx" }, { "lm", "lm" }, { "tsc_deadline", "tsc-deadline" },
    { "sse4_1", "sse4.1" }, { "sse4_2", "sse4.2" }, { "invtsc", "invtsc" },
};

const char *xen_cpuid_to_ir(const char *xen_name)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(xm_cpuid_names); i++)
        if (strcmp(xm_cpuid_names[i].xen, xen_name) == 0)
            return xm_cpuid_names[i].ir;
    return xen_name;
}

const char *xen_cpuid_from_ir(const char *ir_name)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(xm_cpuid_names); i++)
        if (strcmp(xm_cpuid_names[i].ir, ir_name) == 0)
            return xm_cpuid_names[i].xen;
    return ir_name;
}

/* ---- defaults -------------------------------------------------------- */

static bool xm_has_device(const ir_domain *dom, ir_device_kind kind)
{
    for (size_t i = 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == kind)
            return true;
    return false;
}

static bool xm_has_controller(const ir_domain *dom, const char *type)
{
    for (size_t i = 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == IR_DEV_CONTROLLER &&
            vc_streq(dom->devices[i].u.controller.type, type))
            return true;
    return false;
}

static void xm_add_controller(ir_domain *dom, const char *type, int index)
{
    ir_pos none = { 0, 0 };
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_CONTROLLER, none);
    dev->u.controller.type = vc_xstrdup(type);
    dev->u.controller.index = index;
}

static bool xm_has_input(const ir_domain *dom, const char *type, const char *bus)
{
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *dev = &dom->devices[i];
        if (dev->kind == IR_DEV_INPUT && vc_streq(dev->u.input.type, type) &&
            vc_streq(dev->u.input.bus, bus))
            return true;
    }
    return false;
}

static void xm_add_input(ir_domain *dom, const char *type, const char *bus)
{
    if (xm_has_input(dom, type, bus))
        return;
    ir_pos none = { 0, 0 };
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_INPUT, none);
    dev->u.input.type = vc_xstrdup(type);
    dev->u.input.bus = vc_xstrdup(bus);
}

/* Drive addresses the way libvirt assigns them from the target name. */
static void xm_disk_address(ir_disk *disk)
{
    if (disk->addr.type)
        return;
    int idx = ir_disk_target_index(disk->target_dev);
    if (idx < 0)
        return;
    ir_disk_bus bus = disk->target_bus;
    unsigned u = (unsigned)idx;
    ir_address *a = &disk->addr;
    switch (bus) {
    case IR_BUS_IDE:
        a->controller = u / 4, a->bus = (u % 4) / 2, a->unit = u % 2;
        break;
    case IR_BUS_SCSI:
        a->controller = u / 7, a->bus = 0, a->unit = u % 7;
        break;
    case IR_BUS_FDC:
        a->controller = 0, a->bus = 0, a->unit = u;
        break;
    default:
        return;
    }
    a->type = IR_ADDR_DRIVE;
    a->target = 0;
    a->has_bus = true;
}

static void xm_console_default(ir_domain *dom, xen_kind kind)
{
    const ir_chr *first_serial = NULL;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *dev = &dom->devices[i];
        if (dev->kind != IR_DEV_CHR)
            continue;
        if (dev->u.chr.kind == IR_CHRDEV_CONSOLE)
            return;
        if (dev->u.chr.kind == IR_CHRDEV_SERIAL && !first_serial)
            first_serial = &dev->u.chr;
    }
    ir_pos none = { 0, 0 };
    if (kind != XEN_KIND_HVM) {
        ir_chr *c = &ir_domain_add_device(dom, IR_DEV_CHR, none)->u.chr;
        c->kind = IR_CHRDEV_CONSOLE;
        c->type = IR_CHR_PTY;
        c->target_type = vc_xstrdup("xen");
        c->target_port = 0;
        return;
    }
    if (!first_serial)
        return;
    /* an hvm guest's console is its first serial port; copy before adding,
     * adding may move the device array */
    ir_chr s = *first_serial;
    ir_chr *c = &ir_domain_add_device(dom, IR_DEV_CHR, none)->u.chr;
    c->kind = IR_CHRDEV_CONSOLE;
    c->type = s.type;
    c->path = vc_xstrdup(s.path);
    c->mode = vc_xstrdup(s.mode);
    c->host = vc_xstrdup(s.host);
    c->service = vc_xstrdup(s.service);
    c->bind_host = vc_xstrdup(s.bind_host);
    c->bind_service = vc_xstrdup(s.bind_service);
    c->protocol = vc_xstrdup(s.protocol);
    c->target_type = vc_xstrdup("serial");
    c->target_port = s.target_port < 0 ? 0 : s.target_port;
}

void xen_fill_defaults(ir_domain *dom)
{
    xen_kind kind = xen_domain_kind(dom);
    ir_pos none = { 0, 0 };
    if (!xm_has_controller(dom, "xenbus"))
        xm_add_controller(dom, "xenbus", 0);
    /* controllers for the disks, in libvirt's order of buses */
    static const struct { ir_disk_bus bus; const char *type; } buses[] = {
        { IR_BUS_IDE, "ide" }, { IR_BUS_FDC, "fdc" }, { IR_BUS_SCSI, "scsi" },
    };
    for (size_t k = 0; k < VC_ARRAY_SIZE(buses); k++) {
        int maxctl = -1;
        for (size_t i = 0; i < dom->ndevices; i++) {
            ir_device *dev = &dom->devices[i];
            if (dev->kind != IR_DEV_DISK || dev->u.disk.target_bus != buses[k].bus)
                continue;
            xm_disk_address(&dev->u.disk);
            if ((int)dev->u.disk.addr.controller > maxctl)
                maxctl = (int)dev->u.disk.addr.controller;
        }
        if (maxctl >= 0 && !xm_has_controller(dom, buses[k].type))
            for (int c = 0; c <= maxctl; c++)
                xm_add_controller(dom, buses[k].type, c);
    }
    xm_console_default(dom, kind);
    const char *bus = kind == XEN_KIND_HVM ? "ps2" : "xen";
    xm_add_input(dom, "mouse", bus);
    xm_add_input(dom, "keyboard", bus);
    if (xm_has_device(dom, IR_DEV_GRAPHICS) && !xm_has_device(dom, IR_DEV_VIDEO)) {
        ir_video *v = &ir_domain_add_device(dom, IR_DEV_VIDEO, none)->u.video;
        v->model = vc_xstrdup(kind == XEN_KIND_HVM ? "cirrus" : "xen");
        v->vram = kind == XEN_KIND_HVM ? 8192 : 4096;
        v->heads = 1;
        v->primary = true;
    }
    if (!xm_has_device(dom, IR_DEV_MEMBALLOON))
        ir_domain_add_device(dom, IR_DEV_MEMBALLOON, none)->u.memballoon.model =
            vc_xstrdup("xen");
}

bool xen_device_is_implicit(const ir_domain *dom, const ir_device *dev)
{
    xen_kind kind = xen_domain_kind(dom);
    switch (dev->kind) {
    case IR_DEV_CONTROLLER: {
        const ir_controller *c = &dev->u.controller;
        /* xenbus limits are written as max_grant_frames / max_event_channels */
        if (vc_streq(c->type, "xenbus"))
            return true;
        if (dev->xml || c->model)
            return false;
        return vc_streq(c->type, "ide") ||
               vc_streq(c->type, "fdc") || vc_streq(c->type, "scsi");
    }
    case IR_DEV_INPUT: {
        const char *bus = dev->u.input.bus ? dev->u.input.bus
                                           : kind == XEN_KIND_HVM ? "ps2" : "xen";
        return (vc_streq(dev->u.input.type, "mouse") || vc_streq(dev->u.input.type, "keyboard")) &&
               (vc_streq(bus, "ps2") || vc_streq(bus, "xen"));
    }
    case IR_DEV_MEMBALLOON:
        return !dev->u.memballoon.model || vc_streq(dev->u.memballoon.model, "xen");
    case IR_DEV_VIDEO:
        return !dev->u.video.model || vc_streq(dev->u.video.model, "cirrus") ||
               vc_streq(dev->u.video.model, "xen");
    case IR_DEV_CHR:
        /* the console is the first serial (hvm) or Xen's own (pv) */
        return dev->u.chr.kind == IR_CHRDEV_CONSOLE &&
               (kind == XEN_KIND_HVM || dev->u.chr.type == IR_CHR_PTY ||
                dev->u.chr.type == IR_CHR_NONE);
    default:
        return false;
    }
}

/* ---- disks ------------------------------------------------------------- */

static void xm_disk_set_driver(ir_disk *disk, ir_disk_type type, const char *name,
                               const char *format)
{
    disk->type = type;
    xm_set_str(&disk->driver_name, name);
    xm_set_str(&disk->driver_type, format);
}

/* "pool/image:key=val:key=val" with "mon_host=h\:p\;h\:p" -> network rbd */
static bool xm_disk_rbd(ir_disk *disk, const char *spec, vc_loc loc, vc_diags *d)
{
    disk->type = IR_DISK_TYPE_NETWORK;
    xm_set_str(&disk->source_protocol, "rbd");
    vc_buf cur;
    vc_buf_init(&cur);
    char **parts = NULL;
    size_t np = 0, cap = 0;
    for (const char *p = spec;; p++) {
        if (*p == '\\' && p[1]) {
            vc_buf_putc(&cur, *++p);
            continue;
        }
        if (*p == ':' || !*p) {
            vc_xgrow((void **)&parts, &cap, np + 1, sizeof(*parts));
            parts[np++] = vc_buf_steal(&cur);
            if (!*p)
                break;
            continue;
        }
        vc_buf_putc(&cur, *p);
    }
    vc_buf_free(&cur);
    bool ok = true;
    xm_set_str(&disk->source, parts[0]);
    for (size_t i = 1; i < np; i++) {
        if (!vc_str_has_prefix(parts[i], "mon_host="))
            continue;   /* auth_supported=none, id=...: the no-auth form */
        /* hosts separated by ';', each "name[:port]" */
        char *hosts = parts[i] + strlen("mon_host=");
        for (char *h = strtok(hosts, ";"); h; h = strtok(NULL, ";")) {
            disk->hosts = vc_xrealloc(disk->hosts, (disk->nhosts + 1) * sizeof(*disk->hosts));
            ir_host *host = &disk->hosts[disk->nhosts++];
            memset(host, 0, sizeof(*host));
            char *colon = strrchr(h, ':');
            host->name = colon ? vc_xstrndup(h, (size_t)(colon - h)) : vc_xstrdup(h);
            host->port = colon ? vc_xstrdup(colon + 1) : NULL;
        }
    }
    if (!disk->source || !*disk->source)
        ok = vc_error_at(d, loc, "rbd disk without a pool/image name");
    for (size_t i = 0; i < np; i++)
        free(parts[i]);
    free(parts);
    return ok;
}

/* The legacy "prefix:path" of xm and sxpr (and deprecated in xl). */
static const struct {
    const char *prefix;
    ir_disk_type type;
    const char *driver;    /* driver name; NULL: xl's default backend */
    const char *format;    /* NULL: a tap sub-type follows */
} xm_disk_prefixes[] = {
    { "phy", IR_DISK_TYPE_BLOCK, "phy", "raw" },
    { "file", IR_DISK_TYPE_FILE, "file", "raw" },
    { "tap", IR_DISK_TYPE_FILE, "tap", NULL },
    { "tap2", IR_DISK_TYPE_FILE, "tap2", NULL },
    /* xl's format prefixes (xl-disk-configuration(5), deprecated forms) */
    { "raw", IR_DISK_TYPE_FILE, "qemu", "raw" },
    { "aio", IR_DISK_TYPE_FILE, "qemu", "raw" },
    { "qcow", IR_DISK_TYPE_FILE, "qemu", "qcow" },
    { "qcow2", IR_DISK_TYPE_FILE, "qemu", "qcow2" },
    { "vhd", IR_DISK_TYPE_FILE, "qemu", "vpc" },
    { "qed", IR_DISK_TYPE_FILE, "qemu", "qed" },
};

/* Image formats: Xen's name <-> the IR's. "aio" is blktap's raw. */
static const struct { const char *xen, *ir; } xm_formats[] = {
    { "aio", "raw" }, { "raw", "raw" }, { "qcow", "qcow" }, { "qcow2", "qcow2" },
    { "vhd", "vpc" }, { "qed", "qed" },
};

static const char *xm_format_to_ir(const char *xen)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(xm_formats); i++)
        if (strcmp(xm_formats[i].xen, xen) == 0)
            return xm_formats[i].ir;
    return NULL;
}

static const char *xm_format_from_ir(const char *ir)
{
    if (vc_streq(ir, "aio"))
        return "raw";   /* blktap's name for raw (the seeds' <driver type='aio'/>) */
    for (size_t i = 1; i < VC_ARRAY_SIZE(xm_formats); i++)
        if (vc_streq(xm_formats[i].ir, ir))
            return xm_formats[i].xen;
    return ir;
}

bool xen_disk_set_uname(ir_disk *disk, const char *uname, vc_loc loc, vc_diags *d)
{
    if (!*uname) {
        /* an empty drive (a cdrom without a medium) */
        xm_disk_set_driver(disk, IR_DISK_TYPE_BLOCK, "phy", "raw");
        return true;
    }
    size_t plen = strcspn(uname, ":");
    if (!uname[plen] || uname[0] == '/') {
        /* no prefix: a path, opened by the default back end */
        xm_disk_set_driver(disk, IR_DISK_TYPE_FILE, NULL, NULL);
        xm_set_str(&disk->source, uname);
        return true;
    }
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(xm_disk_prefixes) &&
           (strlen(xm_disk_prefixes[k].prefix) != plen ||
            strncmp(xm_disk_prefixes[k].prefix, uname, plen) != 0))
        k++;
    if (k == VC_ARRAY_SIZE(xm_disk_prefixes)) {
        if (plen == 3 && strncmp(uname, "rbd", 3) == 0) {
            xm_disk_set_driver(disk, IR_DISK_TYPE_NETWORK, "qemu", "raw");
            return xm_disk_rbd(disk, uname + 4, xen_loc_at(loc, 4), d);
        }
        return vc_error_at(d, loc, "unknown disk prefix '%.*s' (expected phy:, file:, tap:, "
                                   "tap2: or a path)", (int)plen, uname);
    }
    const char *path = uname + plen + 1;
    const char *format = xm_disk_prefixes[k].format;
    if (!format) {
        /* tap:aio:/path, tap:qcow:/path; tap:/path is raw */
        size_t slen = strcspn(path, ":");
        char *sub = vc_xstrndup(path, slen);
        format = path[slen] ? xm_format_to_ir(sub) : "raw";
        if (path[slen] && !format) {
            vc_error_at(d, xen_loc_at(loc, plen + 1), "unknown %s image type '%s'",
                        xm_disk_prefixes[k].prefix, sub);
            free(sub);
            return false;
        }
        free(sub);
        if (path[slen])
            path += slen + 1;
    }
    xm_disk_set_driver(disk, xm_disk_prefixes[k].type, xm_disk_prefixes[k].driver, format);
    /* "file:" or "tap:aio:" with nothing after names no image: an empty
     * drive (a cdrom's), judged as one, not a file called "" */
    xm_set_str(&disk->source, *path ? path : NULL);
    return true;
}

static bool xm_target_ok(const char *dev)
{
    ir_disk_bus bus = ir_disk_bus_from_target(dev);
    return bus != IR_BUS_NONE;
}

bool xen_disk_set_dev(ir_disk *disk, const char *dev, vc_loc loc, vc_diags *d)
{
    /* xm hvm guests wrote "ioemu:hda": the device model emulates it */
    if (vc_str_has_prefix(dev, "ioemu:"))
        dev += strlen("ioemu:");
    size_t n = strcspn(dev, ":");
    char *name = vc_xstrndup(dev, n);
    if (!xm_target_ok(name)) {
        vc_error_at(d, loc, "unknown virtual device '%s' (expected hdX, sdX, xvdX or fdX)",
                    name);
        free(name);
        return false;
    }
    xm_set_str(&disk->target_dev, name);
    free(name);
    disk->target_bus = ir_disk_bus_from_target(disk->target_dev);
    disk->device = IR_DISK_DEV_DISK;
    if (dev[n]) {
        const char *what = dev + n + 1;
        if (strcmp(what, "cdrom") == 0)
            disk->device = IR_DISK_DEV_CDROM;
        else if (strcmp(what, "disk") != 0)
            return vc_error_at(d, xen_loc_at(loc, n + 1),
                               "unknown device type '%s' (expected cdrom or disk)", what);
    }
    if (disk->target_bus == IR_BUS_FDC)
        disk->device = IR_DISK_DEV_FLOPPY;
    return true;
}

bool xen_disk_set_mode(ir_disk *disk, const char *mode, vc_loc loc, vc_diags *d)
{
    if (strcmp(mode, "r") == 0 || strcmp(mode, "ro") == 0)
        disk->readonly = true;
    else if (strcmp(mode, "w!") == 0)
        disk->shareable = true;
    else if (strcmp(mode, "w") != 0 && strcmp(mode, "rw") != 0)
        return vc_error_at(d, loc, "unknown disk mode '%s' (expected r, w or w!)", mode);
    return true;
}

char *xen_disk_uname(const ir_disk *disk)
{
    if (!disk->source)
        return vc_xstrdup("");
    const char *name = disk->driver_name;
    if (vc_streq(name, "tap") || vc_streq(name, "tap2")) {
        const char *fmt = disk->driver_type ? xm_format_from_ir(disk->driver_type) : "aio";
        if (vc_streq(fmt, "raw"))
            fmt = "aio";
        return vc_xasprintf("%s:%s:%s", name, fmt, disk->source);
    }
    if (vc_streq(name, "phy") || (!name && disk->type == IR_DISK_TYPE_BLOCK))
        return vc_xasprintf("phy:%s", disk->source);
    return vc_xasprintf("file:%s", disk->source);
}

char *xen_disk_dev(const ir_disk *disk, xen_kind kind)
{
    (void)kind;
    if (disk->device == IR_DISK_DEV_CDROM)
        return vc_xasprintf("%s:cdrom", disk->target_dev);
    return vc_xstrdup(disk->target_dev);
}

const char *xen_disk_mode(const ir_disk *disk)
{
    return disk->readonly ? "r" : disk->shareable ? "w!" : "w";
}

/* xm: "uname,dev,mode" */
static bool xm_disk_parse_legacy(const char *spec, vc_loc loc, ir_disk *disk, vc_diags *d)
{
    const char *c1 = strchr(spec, ',');
    const char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!c1 || !c2)
        return vc_error_at(d, loc, "disk spec '%s' is not \"uname,dev,mode\"", spec);
    char *uname = vc_xstrndup(spec, (size_t)(c1 - spec));
    char *dev = vc_xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
    bool ok = xen_disk_set_uname(disk, uname, loc, d) &&
              xen_disk_set_dev(disk, dev, xen_loc_at(loc, (size_t)(c1 + 1 - spec)), d) &&
              xen_disk_set_mode(disk, c2 + 1, xen_loc_at(loc, (size_t)(c2 + 1 - spec)), d);
    free(uname);
    free(dev);
    return ok;
}

/* xl backendtype <-> driver name */
static const struct { const char *xl, *ir; } xm_backends[] = {
    { "phy", "phy" }, { "qdisk", "qemu" }, { "tap", "tap" }, { "qdisk", "file" },
    { "tap", "tap2" },
};

typedef struct xm_xldisk {
    const char *pos[4];            /* target, format, vdev, access */
    vc_loc posloc[4];
    const char *backendtype, *devtype;
    vc_loc btloc, dtloc;
} xm_xldisk;

/* One item of an xl disk spec: key=value, flag or positional. */
static bool xm_xldisk_item(xm_xldisk *x, const xen_kv *kv, size_t *npos, vc_diags *d)
{
    static const char *const names[] = { "target", "format", "vdev", "access" };
    if (kv->value) {
        for (size_t i = 0; i < 4; i++)
            if (strcmp(kv->key, names[i]) == 0) {
                x->pos[i] = kv->value, x->posloc[i] = xen_loc_at(kv->loc, strlen(names[i]) + 1);
                return true;
            }
        if (strcmp(kv->key, "backendtype") == 0 || strcmp(kv->key, "backend-type") == 0)
            x->backendtype = kv->value, x->btloc = kv->loc;
        else if (strcmp(kv->key, "devtype") == 0)
            x->devtype = kv->value, x->dtloc = kv->loc;
        else if (strcmp(kv->key, "backend") != 0 && strcmp(kv->key, "script") != 0)
            vc_warn_at(d, kv->loc, "disk option '%s' has no place in the domain; dropped",
                       kv->key);
        return true;
    }
    if (strcmp(kv->key, "cdrom") == 0) {
        x->devtype = "cdrom", x->dtloc = kv->loc;
        return true;
    }
    static const char *const flags[] = { "direct-io-safe", "discard", "no-discard",
                                         "trusted", "untrusted" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(flags); i++)
        if (strcmp(kv->key, flags[i]) == 0) {
            vc_warn_at(d, kv->loc, "disk flag '%s' has no place in the domain; dropped",
                       kv->key);
            return true;
        }
    while (*npos < 4 && x->pos[*npos])
        (*npos)++;
    if (*npos == 4 && !*kv->key)
        return true;   /* an empty item past the positional ones says nothing */
    if (*npos == 4)
        return vc_error_at(d, kv->loc, "too many positional disk parameters ('%s')", kv->key);
    x->pos[*npos] = kv->key;
    x->posloc[*npos] = kv->loc;
    (*npos)++;
    return true;
}

static bool xm_disk_parse_xl(const char *spec, vc_loc loc, ir_disk *disk, vc_diags *d)
{
    /* target= takes the rest of the string, commas included */
    const char *t = strstr(spec, "target=");
    while (t && t != spec && t[-1] != ',' && t[-1] != ' ')
        t = strstr(t + 1, "target=");
    char *head = t ? vc_xstrndup(spec, (size_t)(t - spec)) : vc_xstrdup(spec);
    xen_kvs kv = { 0 };
    xen_spec_split(head, loc, &kv);
    xm_xldisk x = { 0 };
    size_t npos = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < kv.n; i++)
        if (!(t && i == kv.n - 1 && !*kv.v[i].key && !kv.v[i].value))
            ok = xm_xldisk_item(&x, &kv.v[i], &npos, d);
    if (t) {
        x.pos[0] = t + strlen("target=");
        x.posloc[0] = xen_loc_at(loc, (size_t)(x.pos[0] - spec));
    }
    const char *target = x.pos[0] && *x.pos[0] ? x.pos[0] : NULL;
    const char *format = x.pos[1] && *x.pos[1] ? x.pos[1] : NULL;
    const char *vdev = x.pos[2] && *x.pos[2] ? x.pos[2] : NULL;
    const char *access = x.pos[3] && *x.pos[3] ? x.pos[3] : NULL;
    if (ok && !vdev)
        ok = vc_error_at(d, loc, "disk spec without a virtual device (vdev)");
    if (ok && target && target[0] != '/' && strchr(target, ':'))
        ok = xen_disk_set_uname(disk, target, x.posloc[0], d);
    else if (ok)
        xm_disk_set_driver(disk, IR_DISK_TYPE_FILE, "qemu", "raw"), xm_set_str(&disk->source, target);
    if (ok && !disk->driver_name)
        xm_set_str(&disk->driver_name, "qemu");
    if (ok && !disk->driver_type)
        xm_set_str(&disk->driver_type, "raw");
    if (ok && format) {
        const char *f = strcmp(format, "empty") == 0 ? NULL : xm_format_to_ir(format);
        if (strcmp(format, "empty") == 0)
            xm_set_str(&disk->source, NULL);
        else if (!f)
            ok = vc_error_at(d, x.posloc[1], "unknown disk format '%s' (expected raw, qcow, "
                                             "qcow2, vhd, qed or empty)", format);
        else
            xm_set_str(&disk->driver_type, f);
    }
    if (ok && x.backendtype) {
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(xm_backends) && strcmp(xm_backends[k].xl, x.backendtype))
            k++;
        if (k == VC_ARRAY_SIZE(xm_backends))
            ok = vc_error_at(d, x.btloc, "unknown backendtype '%s' (expected phy, qdisk or tap)",
                             x.backendtype);
        else {
            xm_set_str(&disk->driver_name, xm_backends[k].ir);
            if (k == 0 && disk->type == IR_DISK_TYPE_FILE)
                disk->type = IR_DISK_TYPE_BLOCK;
        }
    }
    if (ok)
        ok = xen_disk_set_dev(disk, vdev, x.posloc[2], d);
    if (ok && x.devtype) {
        if (strcmp(x.devtype, "cdrom") == 0)
            disk->device = IR_DISK_DEV_CDROM, disk->readonly = true;
        else if (strcmp(x.devtype, "disk") != 0)
            ok = vc_error_at(d, x.dtloc, "unknown devtype '%s' (expected disk or cdrom)",
                             x.devtype);
    }
    if (ok && access)
        ok = xen_disk_set_mode(disk, access, x.posloc[3], d);
    xen_kvs_free(&kv);
    free(head);
    return ok;
}

bool xen_disk_parse(const char *spec, xen_dialect dl, vc_loc loc, ir_domain *dom, vc_diags *d)
{
    ir_pos pos = { loc.line, loc.column };
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_DISK, pos);
    ir_disk *disk = &dev->u.disk;
    /* xl reads the legacy form too: "prefix:path,dev,mode" */
    bool legacy = dl != XEN_XL;
    if (!legacy) {
        xen_kvs kv = { 0 };
        xen_spec_split(spec, loc, &kv);
        legacy = kv.n == 3 && !strchr(spec, '=') &&
                 (!*kv.v[0].key || (kv.v[0].key[0] != '/' && strchr(kv.v[0].key, ':')) ||
                  strchr(kv.v[1].key, ':'));
        xen_kvs_free(&kv);
    }
    bool ok = legacy ? xm_disk_parse_legacy(spec, loc, disk, d)
                     : xm_disk_parse_xl(spec, loc, disk, d);
    if (ok && disk->type == IR_DISK_TYPE_FILE && !disk->driver_name && dl == XEN_XM)
        xm_set_str(&disk->driver_name, "file"), xm_set_str(&disk->driver_type, "raw");
    if (ok && !disk->source && disk->device != IR_DISK_DEV_CDROM &&
        disk->device != IR_DISK_DEV_FLOPPY)
        ok = vc_error_at(d, loc, "disk '%s' has no source (only a cdrom may be empty)",
                         disk->target_dev ? disk->target_dev : spec);
    if (!ok) {
        ir_device_clear(dev);
        dom->ndevices--;
    }
    return ok;
}

static const char *xm_backend_of(const char *driver)
{
    for (size_t i = 0; driver && i < VC_ARRAY_SIZE(xm_backends); i++)
        if (strcmp(xm_backends[i].ir, driver) == 0)
            return xm_backends[i].xl;
    return NULL;
}

static char *xm_rbd_target(const ir_disk *disk)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "rbd:%s", disk->source ? disk->source : "");
    vc_buf_puts(&b, ":auth_supported=none");
    if (disk->nhosts) {
        vc_buf_puts(&b, ":mon_host=");
        for (size_t i = 0; i < disk->nhosts; i++) {
            if (i)
                vc_buf_puts(&b, "\\;");
            vc_buf_puts(&b, disk->hosts[i].name);
            if (disk->hosts[i].port)
                vc_buf_printf(&b, "\\:%s", disk->hosts[i].port);
        }
    }
    return vc_buf_steal(&b);
}

static char *xm_disk_format_xl(const ir_disk *disk, vc_loc loc, vc_diags *d)
{
    vc_buf b;
    vc_buf_init(&b);
    const char *fmt = disk->driver_type ? xm_format_from_ir(disk->driver_type) : "raw";
    vc_buf_printf(&b, "format=%s,vdev=%s,access=%s", fmt, disk->target_dev,
                  disk->readonly ? "ro" : "rw");
    const char *bt = xm_backend_of(disk->driver_name);
    if (!disk->driver_name)
        bt = disk->type == IR_DISK_TYPE_BLOCK ? "phy" : "qdisk";
    else if (!bt || vc_streq(disk->driver_name, "file") || vc_streq(disk->driver_name, "tap2"))
        vc_warn_at(d, loc, "disk %s: driver '%s' has no xl form; written as backendtype=%s",
                   disk->target_dev, disk->driver_name, bt ? bt : "qdisk");
    vc_buf_printf(&b, ",backendtype=%s", bt ? bt : "qdisk");
    if (disk->device == IR_DISK_DEV_CDROM)
        vc_buf_puts(&b, ",devtype=cdrom");
    if (disk->shareable)
        vc_warn_at(d, loc, "disk %s: <shareable/> has no xl form; dropped", disk->target_dev);
    if (disk->type == IR_DISK_TYPE_NETWORK) {
        char *t = xm_rbd_target(disk);
        vc_buf_printf(&b, ",target=%s", t);
        free(t);
    } else if (disk->source) {
        /* A relative target with a colon reads as "prefix:path"
         * (xen_disk_set_uname): give it the format's own prefix, which
         * the format= and backendtype= before it override anyway. */
        bool prefixed = disk->source[0] != '/' && strchr(disk->source, ':');
        vc_buf_printf(&b, ",target=%s%s%s", prefixed ? (xm_format_to_ir(fmt) ? fmt : "raw") : "",
                      prefixed ? ":" : "", disk->source);
    }
    return vc_buf_steal(&b);
}

char *xen_disk_format(const ir_disk *disk, xen_dialect dl, xen_kind kind, vc_loc loc,
                      vc_diags *d)
{
    if (!disk->target_dev) {
        vc_warn_at(d, loc, "disk without a target device; dropped");
        return NULL;
    }
    if (disk->type == IR_DISK_TYPE_NETWORK &&
        (dl != XEN_XL || !vc_streq(disk->source_protocol, "rbd"))) {
        vc_warn_at(d, loc, "disk %s: a %s network disk has no %s form; dropped",
                   disk->target_dev, disk->source_protocol ? disk->source_protocol : "",
                   dl == XEN_XL ? "xl" : "xm");
        return NULL;
    }
    if (disk->type != IR_DISK_TYPE_FILE && disk->type != IR_DISK_TYPE_BLOCK &&
        disk->type != IR_DISK_TYPE_NETWORK) {
        vc_warn_at(d, loc, "disk %s: a disk of type '%s' has no Xen form; dropped",
                   disk->target_dev, ir_disk_type_name(disk->type));
        return NULL;
    }
    if (dl == XEN_XL)
        return xm_disk_format_xl(disk, loc, d);
    if (disk->driver_name && !vc_streq(disk->driver_name, "phy") &&
        !vc_streq(disk->driver_name, "file") && !vc_streq(disk->driver_name, "tap") &&
        !vc_streq(disk->driver_name, "tap2"))
        vc_warn_at(d, loc, "disk %s: driver '%s' has no xm form; written as %s", disk->target_dev,
                   disk->driver_name, disk->type == IR_DISK_TYPE_BLOCK ? "phy:" : "file:");
    char *uname = xen_disk_uname(disk);
    char *dev = xen_disk_dev(disk, kind);
    char *spec = vc_xasprintf("%s,%s,%s", uname, dev, xen_disk_mode(disk));
    free(uname);
    free(dev);
    return spec;
}

/* ---- verbatim XML pieces ------------------------------------------------ */

/* What the IR keeps as verbatim XML (a device holding more than the model,
 * <features> with <xen>, <cpu> with features or NUMA cells, timers, the
 * <xen:commandline>): parsed here when a writer needs it. */
static xmlDocPtr xm_frag_parse(const char *xml)
{
    if (!xml)
        return NULL;
    xml_init();
    return xmlReadMemory(xml, (int)strlen(xml), "fragment", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                             XML_PARSE_NOWARNING);
}

static xmlNodePtr xm_child_elem(xmlNodePtr n, const char *name, xmlNodePtr after)
{
    for (xmlNodePtr k = after ? after->next : n ? n->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && (!name || strcmp((const char *)k->name, name) == 0))
            return k;
    return NULL;
}

/* The kept top-level element named name (no namespace, or ns), parsed. */
static xmlDocPtr xm_extra_doc(const ir_domain *dom, const char *name, const char *ns)
{
    for (size_t i = 0; i < dom->extra.n; i++) {
        xmlDocPtr doc = xm_frag_parse(dom->extra.v[i].xml);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (root && strcmp((const char *)root->name, name) == 0 &&
            (ns ? root->ns && vc_streq((const char *)root->ns->href, ns) : !root->ns))
            return doc;
        xmlFreeDoc(doc);
    }
    return NULL;
}

static void xm_extra_replace(ir_domain *dom, const char *name, char *xml)
{
    for (size_t i = 0; i < dom->extra.n; i++) {
        xmlDocPtr doc = xm_frag_parse(dom->extra.v[i].xml);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        bool same = root && !root->ns && strcmp((const char *)root->name, name) == 0;
        xmlFreeDoc(doc);
        if (same) {
            free(dom->extra.v[i].xml);
            dom->extra.v[i].xml = xml;
            return;
        }
    }
    ir_pos none = { 0, 0 };
    ir_fragments_add(&dom->extra, xml, none);
}

/* ---- network interfaces ----------------------------------------------- */

/* What a vif says beyond ir_net: written into the device's verbatim copy. */
typedef struct xm_netx {
    vc_strv ips;
    char *vlan;                   /* "42" or "42:43" (trunk) */
    bool trunk;
    bool ovs;
    unsigned long long rate_kib;  /* KiB/s, 0 when absent */
} xm_netx;

static void xm_netx_free(xm_netx *x)
{
    vc_strv_free(&x->ips);
    free(x->vlan);
}

/* rate=NUM{B,KB,MB,GB,b,Kb,Mb,Gb}/s[@interval] -> KiB/s */
static bool xm_rate_parse(const char *s, unsigned long long *kib)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || !isdigit((unsigned char)*s))
        return false;
    static const struct { const char *unit; unsigned long long mul, div; } units[] = {
        { "B/s", 1, 1024 }, { "KB/s", 1, 1 }, { "MB/s", 1024, 1 }, { "GB/s", 1048576, 1 },
        { "b/s", 1, 8192 }, { "Kb/s", 1, 8 }, { "Mb/s", 128, 1 }, { "Gb/s", 131072, 1 },
    };
    size_t ulen = strcspn(end, "@");
    for (size_t i = 0; i < VC_ARRAY_SIZE(units); i++)
        if (strlen(units[i].unit) == ulen && strncmp(end, units[i].unit, ulen) == 0) {
            *kib = v * units[i].mul / units[i].div;
            return true;
        }
    return false;
}

static void xm_net_xml(vc_buf *b, const ir_net *n, const xm_netx *x)
{
    vc_buf_printf(b, "<interface type='%s'>", ir_net_type_name(n->type));
    if (n->mac)
        vc_buf_printf(b, "<mac address='%s'/>", n->mac);
    if (n->source_bridge) {
        vc_buf_puts(b, "<source bridge='");
        vc_buf_xml_escape(b, n->source_bridge, '\'', true);
        vc_buf_puts(b, "'/>");
    }
    if (x->vlan) {
        bool trunk = strchr(x->vlan, ':') != NULL;
        vc_buf_puts(b, trunk ? "<vlan trunk='yes'>" : "<vlan>");
        char *tags = vc_xstrdup(x->vlan);
        for (char *t = strtok(tags, ":"); t; t = strtok(NULL, ":")) {
            vc_buf_puts(b, "<tag id='");
            vc_buf_xml_escape(b, t, '\'', true);
            vc_buf_puts(b, "'/>");
        }
        free(tags);
        vc_buf_puts(b, "</vlan>");
    }
    if (x->ovs)
        vc_buf_puts(b, "<virtualport type='openvswitch'/>");
    if (x->rate_kib)
        vc_buf_printf(b, "<bandwidth><outbound average='%llu'/></bandwidth>", x->rate_kib);
    for (size_t i = 0; i < x->ips.n; i++) {
        vc_buf_puts(b, "<ip address='");
        vc_buf_xml_escape(b, x->ips.v[i], '\'', true);
        vc_buf_printf(b, "' family='%s'/>", strchr(x->ips.v[i], ':') ? "ipv6" : "ipv4");
    }
    const struct { const char *elem, *attr, *v; } tail[] = {
        { "script", "path", n->script }, { "target", "dev", n->target_dev },
        { "model", "type", n->model },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(tail); i++)
        if (tail[i].v) {
            vc_buf_printf(b, "<%s %s='", tail[i].elem, tail[i].attr);
            vc_buf_xml_escape(b, tail[i].v, '\'', true);
            vc_buf_puts(b, "'/>");
        }
    vc_buf_puts(b, "</interface>");
}

/* One vif key. */
static bool xm_vif_key(const xen_kv *kv, ir_net *n, xm_netx *x, vc_diags *d)
{
    const char *k = kv->key, *v = kv->value ? kv->value : "";
    vc_loc vloc = xen_loc_at(kv->loc, strlen(k) + 1);
    if (strcmp(k, "mac") == 0) {
        unsigned char mac[6];
        if (!ir_mac_parse(v, mac))
            return vc_error_at(d, vloc, "invalid MAC address '%s'", v);
        char buf[18];
        ir_mac_format(mac, buf);
        xm_set_str(&n->mac, buf);
    } else if (strcmp(k, "bridge") == 0) {
        xm_set_str(&n->source_bridge, v);
    } else if (strcmp(k, "script") == 0) {
        xm_set_str(&n->script, v);
    } else if (strcmp(k, "model") == 0) {
        xm_set_str(&n->model, v);
    } else if (strcmp(k, "type") == 0) {
        /* xl: type=vif is the paravirtual NIC only; ioemu (the default for
         * hvm) adds the emulated one */
        if (strcmp(v, "vif") == 0 || strcmp(v, "netfront") == 0)
            xm_set_str(&n->model, "netfront");
        else if (strcmp(v, "ioemu") != 0)
            return vc_error_at(d, vloc, "unknown vif type '%s' (expected ioemu or vif)", v);
    } else if (strcmp(k, "vifname") == 0) {
        xm_set_str(&n->target_dev, v);
    } else if (strcmp(k, "ip") == 0) {
        char *ips = vc_xstrdup(v);
        for (char *t = strtok(ips, " "); t; t = strtok(NULL, " "))
            vc_strv_add(&x->ips, t);
        free(ips);
    } else if (strcmp(k, "rate") == 0) {
        if (!xm_rate_parse(v, &x->rate_kib))
            return vc_error_at(d, vloc, "invalid vif rate '%s' (expected e.g. 10MB/s)", v);
    } else if (strcmp(k, "backend") == 0 || strcmp(k, "gatewaydev") == 0 ||
               strcmp(k, "accel") == 0) {
        vc_warn_at(d, kv->loc, "vif option '%s' has no place in the domain; dropped", k);
    } else {
        vc_warn_at(d, kv->loc, "unknown vif option '%s'; dropped", k);
    }
    return true;
}

bool xen_vif_to_ir(const xen_kvs *kv, xen_kind kind, xen_dialect dl, ir_domain *dom,
                   vc_diags *d)
{
    (void)kind;
    (void)dl;
    ir_pos pos = { kv->n ? kv->v[0].loc.line : 0, kv->n ? kv->v[0].loc.column : 0 };
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_INTERFACE, pos);
    ir_net *n = &dev->u.net;
    xm_netx x = { 0 };
    bool ok = true;
    for (size_t i = 0; ok && i < kv->n; i++)
        if (*kv->v[i].key || kv->v[i].value)
            ok = xm_vif_key(&kv->v[i], n, &x, d);
    if (ok) {
        n->type = n->source_bridge ? IR_NET_BRIDGE : IR_NET_ETHERNET;
        /* Open vSwitch: "bridge.tag" or the trunk "bridge:tag:tag", with the
         * openvswitch script (xl-network-configuration(5)) */
        if (n->source_bridge && n->script && strstr(n->script, "openvswitch")) {
            x.ovs = true;
            char *sep = n->source_bridge + strcspn(n->source_bridge, ".:");
            if (*sep) {
                /* a tag alone is kept as "42", a trunk as "42:43" (and "42:" for one) */
                x.vlan = *sep == ':' && !strchr(sep + 1, ':') ? vc_xasprintf("%s:", sep + 1)
                                                              : vc_xstrdup(sep + 1);
                *sep = '\0';
            }
        }
        if (x.ips.n == 1 && !x.vlan && !x.ovs && !x.rate_kib && !strchr(x.ips.v[0], ':'))
            n->ip_address = vc_xstrdup(x.ips.v[0]);
        if (x.ips.n || x.vlan || x.ovs || x.rate_kib) {
            vc_buf b;
            vc_buf_init(&b);
            xm_net_xml(&b, n, &x);
            dev->xml = vc_buf_steal(&b);
        }
    } else {
        ir_device_clear(dev);
        dom->ndevices--;
    }
    xm_netx_free(&x);
    return ok;
}

/* The extras of a kept interface element. */
static void xm_netx_read(const ir_device *dev, xm_netx *x)
{
    xmlDocPtr doc = xm_frag_parse(dev->xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr ip = xm_child_elem(root, "ip", NULL); ip; ip = xm_child_elem(root, "ip", ip))
        vc_strv_take(&x->ips, xml_prop(ip, "address"));
    if (!x->ips.n && dev->u.net.ip_address)
        vc_strv_add(&x->ips, dev->u.net.ip_address);
    xmlNodePtr vlan = xm_child_elem(root, "vlan", NULL);
    vc_buf tags;
    vc_buf_init(&tags);
    for (xmlNodePtr t = xm_child_elem(vlan, "tag", NULL); t; t = xm_child_elem(vlan, "tag", t)) {
        char *id = xml_prop(t, "id");
        vc_buf_printf(&tags, "%s%s", tags.len ? ":" : "", id ? id : "");
        free(id);
    }
    char *trunk = vlan ? xml_prop(vlan, "trunk") : NULL;
    x->trunk = vc_streq(trunk, "yes") || strchr(tags.len ? tags.data : "", ':');
    free(trunk);
    x->vlan = tags.len ? vc_buf_steal(&tags) : NULL;
    vc_buf_free(&tags);
    xmlNodePtr vp = xm_child_elem(root, "virtualport", NULL);
    char *vpt = vp ? xml_prop(vp, "type") : NULL;
    x->ovs = vc_streq(vpt, "openvswitch");
    free(vpt);
    xmlNodePtr out = xm_child_elem(xm_child_elem(root, "bandwidth", NULL), "outbound", NULL);
    char *avg = out ? xml_prop(out, "average") : NULL;
    if (avg)
        vc_parse_ull(avg, 10, &x->rate_kib);
    free(avg);
    xmlFreeDoc(doc);
}

void xen_vif_from_ir(const ir_device *dev, xen_kind kind, xen_dialect dl, vc_loc loc,
                     xen_kvs *out, vc_diags *d)
{
    const ir_net *n = &dev->u.net;
    vc_loc none = { NULL, 0, 0 };
    xm_netx x = { 0 };
    xm_netx_read(dev, &x);
    if (n->type != IR_NET_BRIDGE && n->type != IR_NET_ETHERNET)
        vc_warn_at(d, loc, "interface of type '%s' has no Xen vif form; written as a vif "
                           "without its source", ir_net_type_name(n->type));
    if (n->mac)
        xen_kvs_add(out, "mac", n->mac, none);
    if (n->source_bridge) {
        char *br;
        if (!x.vlan)
            br = vc_xstrdup(n->source_bridge);
        else if (!x.trunk)
            br = vc_xasprintf("%s.%s", n->source_bridge, x.vlan);
        else   /* a trunk: "bridge:tag:tag" */
            br = vc_xasprintf("%s:%s", n->source_bridge, x.vlan);
        xen_kvs_add(out, "bridge", br, none);
        free(br);
    }
    if (x.ips.n) {
        vc_buf ips;
        vc_buf_init(&ips);
        for (size_t i = 0; i < x.ips.n; i++)
            vc_buf_printf(&ips, "%s%s", i ? " " : "", x.ips.v[i]);
        xen_kvs_add(out, "ip", vc_buf_str(&ips), none);
        vc_buf_free(&ips);
    }
    if (n->script)
        xen_kvs_add(out, "script", n->script, none);
    if (vc_streq(n->model, "netfront")) {
        /* xl names the paravirtual-only NIC "vif", xm "netfront" */
        xen_kvs_add(out, "type", dl == XEN_XL ? "vif" : "netfront", none);
    } else if (n->model) {
        xen_kvs_add(out, "model", n->model, none);
        if (kind == XEN_KIND_HVM && dl == XEN_SXPR)
            xen_kvs_add(out, "type", "ioemu", none);
    }
    if (n->target_dev)
        xen_kvs_add(out, "vifname", n->target_dev, none);
    if (x.rate_kib) {
        char *r = vc_xasprintf("%lluKB/s", x.rate_kib);
        xen_kvs_add(out, "rate", r, none);
        free(r);
    }
    xm_netx_free(&x);
}

/* ---- framebuffers --------------------------------------------------------- */

static bool xm_kv_bool(const xen_kvs *kv, const char *key, bool dflt)
{
    const xen_kv *e = xen_kvs_find(kv, key);
    if (!e || !e->value)
        return dflt;
    return strcmp(e->value, "0") != 0;
}

static const char *xm_kv_str(const xen_kvs *kv, const char *key)
{
    const xen_kv *e = xen_kvs_find(kv, key);
    return e ? e->value : NULL;
}

bool xen_vfb_to_ir(const xen_kvs *kv, ir_domain *dom, vc_diags *d)
{
    const char *type = xm_kv_str(kv, "type");
    bool vnc = vc_streq(type, "vnc") || xm_kv_bool(kv, "vnc", false);
    bool sdl = vc_streq(type, "sdl") || xm_kv_bool(kv, "sdl", false);
    const xen_kv *first = kv->n ? &kv->v[0] : NULL;
    if (type && !vnc && !sdl)
        return vc_error_at(d, xen_kvs_find(kv, "type")->loc,
                           "unknown framebuffer type '%s' (expected vnc or sdl)", type);
    if (!vnc && !sdl)
        return true;
    ir_pos pos = { first ? first->loc.line : 0, first ? first->loc.column : 0 };
    ir_graphics *g = &ir_domain_add_device(dom, IR_DEV_GRAPHICS, pos)->u.graphics;
    if (!vnc) {
        g->type = IR_GFX_SDL;
        g->display = vc_xstrdup(xm_kv_str(kv, "display"));
        g->xauth = vc_xstrdup(xm_kv_str(kv, "xauthority"));
        return true;
    }
    g->type = IR_GFX_VNC;
    const xen_kv *disp = xen_kvs_find(kv, "vncdisplay");
    int n = 0;
    if (!xm_kv_bool(kv, "vncunused", true) && disp) {
        if (!disp->value || !vc_parse_int(disp->value, &n) || n < 0 || n > 59635)
            return vc_error_at(d, disp->loc, "vncdisplay is not a display number: '%s'",
                               disp->value ? disp->value : "");
        g->port = 5900 + n;
        g->autoport = IR_TRI_NO;
    } else {
        g->port = -1;
        g->autoport = IR_TRI_YES;
    }
    g->listen = vc_xstrdup(xm_kv_str(kv, "vnclisten"));
    g->passwd = vc_xstrdup(xm_kv_str(kv, "vncpasswd"));
    g->keymap = vc_xstrdup(xm_kv_str(kv, "keymap"));
    return true;
}

void xen_vfb_from_ir(const ir_graphics *g, xen_kvs *out)
{
    vc_loc none = { NULL, 0, 0 };
    if (g->type == IR_GFX_SDL) {
        xen_kvs_add(out, "type", "sdl", none);
        if (g->display)
            xen_kvs_add(out, "display", g->display, none);
        if (g->xauth)
            xen_kvs_add(out, "xauthority", g->xauth, none);
        return;
    }
    xen_kvs_add(out, "type", "vnc", none);
    bool autoport = g->autoport == IR_TRI_YES || g->port == -1 ||
                    (g->autoport != IR_TRI_NO && g->port < 5900);
    xen_kvs_add(out, "vncunused", autoport ? "1" : "0", none);
    if (!autoport) {
        char *n = vc_xasprintf("%d", g->port - 5900);
        xen_kvs_add(out, "vncdisplay", n, none);
        free(n);
    }
    if (g->listen)
        xen_kvs_add(out, "vnclisten", g->listen, none);
    if (g->passwd)
        xen_kvs_add(out, "vncpasswd", g->passwd, none);
    if (g->keymap)
        xen_kvs_add(out, "keymap", g->keymap, none);
}

/* ---- character devices ------------------------------------------------------ */

/* "host:port" -> host, service */
static bool xm_host_port(const char *s, char **host, char **service)
{
    const char *colon = strrchr(s, ':');
    if (!colon || !colon[1])
        return false;
    *host = colon == s ? NULL : vc_xstrndup(s, (size_t)(colon - s));
    *service = vc_xstrdup(colon + 1);
    return true;
}

static const struct { const char *prefix; ir_chr_type type; } xm_chr_prefixes[] = {
    { "file:", IR_CHR_FILE }, { "pipe:", IR_CHR_PIPE }, { "tcp:", IR_CHR_TCP },
    { "telnet:", IR_CHR_TCP }, { "udp:", IR_CHR_UDP }, { "unix:", IR_CHR_UNIX },
};

static bool xm_chr_parse(const char *s, vc_loc loc, ir_chr *c, vc_diags *d)
{
    static const struct { const char *word; ir_chr_type type; } words[] = {
        { "pty", IR_CHR_PTY }, { "stdio", IR_CHR_STDIO }, { "vc", IR_CHR_VC },
        { "null", IR_CHR_NULL },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(words); i++)
        if (strcmp(s, words[i].word) == 0) {
            c->type = words[i].type;
            return true;
        }
    if (s[0] == '/') {
        c->type = IR_CHR_DEV;
        c->path = vc_xstrdup(s);
        return true;
    }
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(xm_chr_prefixes) && !vc_str_has_prefix(s, xm_chr_prefixes[k].prefix))
        k++;
    if (k == VC_ARRAY_SIZE(xm_chr_prefixes))
        return vc_error_at(d, loc, "unknown character device '%s' (expected pty, null, stdio, "
                                   "vc, file:, pipe:, tcp:, telnet:, udp:, unix: or /dev/...)", s);
    c->type = xm_chr_prefixes[k].type;
    const char *rest = s + strlen(xm_chr_prefixes[k].prefix);
    size_t plen = strcspn(rest, ",");
    char *main = vc_xstrndup(rest, plen);
    bool server = strstr(rest + plen, ",server") != NULL;
    bool ok = true;
    switch (c->type) {
    case IR_CHR_FILE:
    case IR_CHR_PIPE:
        c->path = vc_xstrdup(rest);
        break;
    case IR_CHR_UNIX:
        c->path = main, main = NULL;
        c->mode = vc_xstrdup(server ? "bind" : "connect");
        break;
    case IR_CHR_TCP:
        c->mode = vc_xstrdup(server ? "bind" : "connect");
        c->protocol = vc_xstrdup(k == 3 ? "telnet" : "raw");
        ok = xm_host_port(main, &c->host, &c->service);
        break;
    default: {  /* udp:host:port[@bindhost:bindport] */
        char *at = strchr(main, '@');
        if (at)
            *at = '\0';
        ok = xm_host_port(main, &c->host, &c->service) &&
             (!at || xm_host_port(at + 1, &c->bind_host, &c->bind_service));
        c->mode = vc_xstrdup("connect");
    }
    }
    free(main);
    if (!ok)
        return vc_error_at(d, loc, "character device '%s' lacks host:port", s);
    return true;
}

bool xen_chr_to_ir(const char *s, ir_chr_kind kind, int port, vc_loc loc, ir_domain *dom,
                   bool *none, vc_diags *d)
{
    *none = strcmp(s, "none") == 0;
    if (*none)
        return false;
    ir_pos pos = { loc.line, loc.column };
    ir_device *dev = ir_domain_add_device(dom, IR_DEV_CHR, pos);
    dev->u.chr.kind = kind;
    dev->u.chr.target_port = port;
    if (!xm_chr_parse(s, loc, &dev->u.chr, d)) {
        ir_device_clear(dev);
        dom->ndevices--;
        return false;
    }
    return true;
}

char *xen_chr_format(const ir_chr *c)
{
    bool bind = vc_streq(c->mode, "bind");
    switch (c->type) {
    case IR_CHR_PTY: return vc_xstrdup("pty");
    case IR_CHR_NULL: return vc_xstrdup("null");
    case IR_CHR_STDIO: return vc_xstrdup("stdio");
    case IR_CHR_VC: return vc_xstrdup("vc");
    case IR_CHR_DEV: return c->path ? vc_xstrdup(c->path) : NULL;
    case IR_CHR_FILE: return c->path ? vc_xasprintf("file:%s", c->path) : NULL;
    case IR_CHR_PIPE: return c->path ? vc_xasprintf("pipe:%s", c->path) : NULL;
    case IR_CHR_UNIX:
        return c->path ? vc_xasprintf("unix:%s%s", c->path, bind ? ",server,nowait" : "") : NULL;
    case IR_CHR_TCP:
        return vc_xasprintf("%s:%s:%s%s", vc_streq(c->protocol, "telnet") ? "telnet" : "tcp",
                            c->host ? c->host : "", c->service ? c->service : "",
                            bind ? ",server,nowait" : "");
    case IR_CHR_UDP:
        if (c->bind_host || c->bind_service)
            return vc_xasprintf("udp:%s:%s@%s:%s", c->host ? c->host : "",
                                c->service ? c->service : "", c->bind_host ? c->bind_host : "",
                                c->bind_service ? c->bind_service : "");
        return vc_xasprintf("udp:%s:%s", c->host ? c->host : "", c->service ? c->service : "");
    default:
        return NULL;
    }
}

bool xen_channel_to_ir(const xen_kvs *kv, ir_domain *dom, vc_diags *d)
{
    const xen_kv *conn = xen_kvs_find(kv, "connection");
    vc_loc loc = kv->n ? kv->v[0].loc : (vc_loc){ NULL, 0, 0 };
    if (!conn || !conn->value)
        return vc_error_at(d, loc, "channel without connection=pty|socket");
    bool sock = strcmp(conn->value, "socket") == 0;
    if (!sock && strcmp(conn->value, "pty") != 0)
        return vc_error_at(d, conn->loc, "unknown channel connection '%s' (expected pty or "
                                         "socket)", conn->value);
    const char *path = xm_kv_str(kv, "path");
    if (sock && !path)
        return vc_error_at(d, loc, "socket channel without path=");
    ir_pos pos = { loc.line, loc.column };
    ir_chr *c = &ir_domain_add_device(dom, IR_DEV_CHR, pos)->u.chr;
    c->kind = IR_CHRDEV_CHANNEL;
    c->type = sock ? IR_CHR_UNIX : IR_CHR_PTY;
    if (sock) {
        c->path = vc_xstrdup(path);
        c->mode = vc_xstrdup("bind");
    }
    c->target_type = vc_xstrdup("xen");
    c->target_name = vc_xstrdup(xm_kv_str(kv, "name"));
    return true;
}

char *xen_channel_format(const ir_chr *c)
{
    vc_buf b;
    vc_buf_init(&b);
    if (c->type == IR_CHR_UNIX)
        vc_buf_printf(&b, "connection=socket,path=%s", c->path ? c->path : "");
    else if (c->type == IR_CHR_PTY)
        vc_buf_puts(&b, "connection=pty");
    else {
        vc_buf_free(&b);
        return NULL;
    }
    if (c->target_name)
        vc_buf_printf(&b, ",name=%s", c->target_name);
    return vc_buf_steal(&b);
}

/* ---- PCI ------------------------------------------------------------------- */

bool xen_pci_to_ir(const char *s, vc_loc loc, ir_domain *dom, vc_diags *d)
{
    unsigned dom_ = 0, bus, slot, fn;
    int used = 0;
    size_t len = strcspn(s, "@,");
    char *addr = vc_xstrndup(s, len);
    bool ok = (sscanf(addr, "%4x:%2x:%2x.%1x%n", &dom_, &bus, &slot, &fn, &used) == 4 &&
               (size_t)used == len) ||
              (dom_ = 0, sscanf(addr, "%2x:%2x.%1x%n", &bus, &slot, &fn, &used) == 3 &&
                             (size_t)used == len);
    free(addr);
    if (!ok || slot > 0x1f || fn > 7)
        return vc_error_at(d, loc, "invalid PCI address '%.*s' (expected [DDDD:]BB:SS.F)",
                           (int)len, s);
    if (s[len])
        vc_warn_at(d, xen_loc_at(loc, len), "PCI options '%s' have no place in the domain; "
                                            "dropped", s + len);
    ir_pos pos = { loc.line, loc.column };
    ir_hostdev *h = &ir_domain_add_device(dom, IR_DEV_HOSTDEV, pos)->u.hostdev;
    h->type = IR_HOSTDEV_PCI;
    h->mode = vc_xstrdup("subsystem");
    h->managed = IR_TRI_NO;
    h->driver_name = vc_xstrdup("xen");
    h->source_addr.type = IR_ADDR_PCI;
    h->source_addr.domain = dom_;
    h->source_addr.bus = bus;
    h->source_addr.slot = slot;
    h->source_addr.function = fn;
    h->source_addr.has_bus = h->source_addr.has_slot = h->source_addr.has_function = true;
    return true;
}

char *xen_pci_format(const ir_hostdev *h)
{
    const ir_address *a = &h->source_addr;
    return vc_xasprintf("%04x:%02x:%02x.%x", a->domain, a->bus, a->slot, a->function);
}

/* libvirt's Xen driver runs no <hostdev mode='capabilities'> (they are
 * LXC's): dropping one with a warning would start a guest without the
 * block device, character device or interface it was given, so every
 * writer refuses the domain. */
bool xen_hostdevs_ok(const ir_domain *dom, const char *format, const char *file, vc_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *dev = &dom->devices[i];
        if (dev->kind != IR_DEV_HOSTDEV || !ir_hostdev_is_caps(dev->u.hostdev.type))
            continue;
        ok = vc_error_at(d, (vc_loc){ file, dev->pos.line, dev->pos.column },
                         "%s: a <hostdev mode='capabilities' type='%s'> is a container's "
                         "device; libvirt's Xen driver does not run it", format,
                         ir_hostdev_type_name(dev->u.hostdev.type));
    }
    return ok;
}

/* ---- kept keys and pass-through ---------------------------------------------- */

void xen_keep_key(ir_domain *dom, const char *key, const char *native_value, vc_loc loc,
                  vc_diags *d)
{
    vc_warn_at(d, loc, "'%s' has no place in the domain; kept in <metadata> as xencfg:key",
               key);
    xmlDocPtr doc = xm_frag_parse(dom->metadata ? dom->metadata : "<metadata/>");
    xmlNodePtr md = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!md)
        return;
    xmlNodePtr cfg = NULL;
    for (xmlNodePtr k = xm_child_elem(md, NULL, NULL); k; k = xm_child_elem(md, NULL, k))
        if (k->ns && vc_streq((const char *)k->ns->href, XEN_KEEP_NS))
            cfg = k;
    if (!cfg) {
        cfg = xmlNewChild(md, NULL, (const xmlChar *)"config", NULL);
        xmlNsPtr ns = xmlNewNs(cfg, (const xmlChar *)XEN_KEEP_NS, (const xmlChar *)"xencfg");
        xmlSetNs(cfg, ns);
    }
    xmlNodePtr k = xmlNewTextChild(cfg, cfg->ns, (const xmlChar *)"key",
                                   (const xmlChar *)native_value);
    xmlNewProp(k, (const xmlChar *)"name", (const xmlChar *)key);
    free(dom->metadata);
    dom->metadata = xml_node_dump(md);
    xmlFreeDoc(doc);
}

void xen_kept_keys(const ir_domain *dom, void (*fn)(void *ctx, const char *key,
                                                     const char *value), void *ctx)
{
    xmlDocPtr doc = xm_frag_parse(dom->metadata);
    xmlNodePtr md = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr c = xm_child_elem(md, NULL, NULL); c; c = xm_child_elem(md, NULL, c)) {
        if (!c->ns || !vc_streq((const char *)c->ns->href, XEN_KEEP_NS))
            continue;
        for (xmlNodePtr k = xm_child_elem(c, "key", NULL); k; k = xm_child_elem(c, "key", k)) {
            char *name = xml_prop(k, "name");
            xmlChar *v = xmlNodeGetContent(k);
            if (name && v)
                fn(ctx, name, (const char *)v);
            free(name);
            xmlFree(v);
        }
    }
    xmlFreeDoc(doc);
}

void xen_dm_args_set(ir_domain *dom, const char *const *args, size_t n)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "<xen:commandline xmlns:xen='%s'>", XEN_NS);
    for (size_t i = 0; i < n; i++) {
        vc_buf_puts(&b, "<xen:arg value='");
        vc_buf_xml_escape(&b, args[i], '\'', true);
        vc_buf_puts(&b, "'/>");
    }
    vc_buf_puts(&b, "</xen:commandline>");
    ir_pos none = { 0, 0 };
    ir_fragments_add(&dom->extra, vc_buf_steal(&b), none);
}

char **xen_dm_args_get(const ir_domain *dom, size_t *n)
{
    xmlDocPtr doc = xm_extra_doc(dom, "commandline", XEN_NS);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    vc_strv sv;
    vc_strv_init(&sv);
    for (xmlNodePtr a = xm_child_elem(root, "arg", NULL); a; a = xm_child_elem(root, "arg", a))
        vc_strv_take(&sv, xml_prop(a, "value"));
    xmlFreeDoc(doc);
    *n = sv.n;
    if (!sv.n) {
        vc_strv_free(&sv);
        return NULL;
    }
    return sv.v;
}

/* ---- features, timers, xenbus, cpu ---------------------------------------------- */

bool xen_feature_xen_on(const ir_domain *dom, const char *name)
{
    xmlDocPtr doc = xm_extra_doc(dom, "features", NULL);
    xmlNodePtr f = xm_child_elem(xm_child_elem(doc ? xmlDocGetRootElement(doc) : NULL, "xen",
                                               NULL), name, NULL);
    char *state = f ? xml_prop(f, "state") : NULL;
    bool on = vc_streq(state, "on");
    free(state);
    xmlFreeDoc(doc);
    return on;
}

void xen_feature_xen_set(ir_domain *dom, const char *name)
{
    xmlDocPtr doc = xm_extra_doc(dom, "features", NULL);
    xmlNodePtr xen = xm_child_elem(doc ? xmlDocGetRootElement(doc) : NULL, "xen", NULL);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<features>");
    for (size_t i = 0; i < dom->nfeatures; i++) {
        if (strcmp(dom->features[i].name, "xen") == 0)
            continue;
        vc_buf_printf(&b, "<%s", dom->features[i].name);
        if (dom->features[i].state)
            vc_buf_printf(&b, " state='%s'", dom->features[i].state);
        vc_buf_puts(&b, "/>");
    }
    vc_buf_puts(&b, "<xen>");
    for (xmlNodePtr k = xm_child_elem(xen, NULL, NULL); k; k = xm_child_elem(xen, NULL, k))
        vc_buf_printf(&b, "<%s state='on'/>", (const char *)k->name);
    vc_buf_printf(&b, "<%s state='on'/></xen></features>", name);
    xmlFreeDoc(doc);
    if (!ir_domain_feature(dom, "xen"))
        ir_domain_add_feature(dom, "xen", NULL);
    dom->has_features = true;
    xm_extra_replace(dom, "features", vc_buf_steal(&b));
}

/* The timer named name: its present= (1 yes, 0 no) and mode= (owned). */
static int xm_timer(const ir_domain *dom, const char *name, char **mode)
{
    int r = -1;
    for (size_t i = 0; r < 0 && i < dom->clock.timers.n; i++) {
        xmlDocPtr doc = xm_frag_parse(dom->clock.timers.v[i].xml);
        xmlNodePtr t = doc ? xmlDocGetRootElement(doc) : NULL;
        char *n = t ? xml_prop(t, "name") : NULL;
        char *p = t ? xml_prop(t, "present") : NULL;
        if (vc_streq(n, name)) {
            r = !vc_streq(p, "no");
            if (mode)
                *mode = xml_prop(t, "mode");
        }
        free(n);
        free(p);
        xmlFreeDoc(doc);
    }
    return r;
}

int xen_timer_present(const ir_domain *dom, const char *name)
{
    return xm_timer(dom, name, NULL);
}

/* tsc_mode (xl.cfg(5)) <-> <timer name='tsc' mode=...> */
static const struct { const char *xen, *ir; } xm_tsc_modes[] = {
    { "default", "auto" }, { "always_emulate", "emulate" }, { "native", "native" },
    { "native_paravirt", "paravirt" },
};

bool xen_tsc_mode_to_dom(ir_domain *dom, const char *mode, vc_loc loc, vc_diags *d)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(xm_tsc_modes); i++)
        if (strcmp(xm_tsc_modes[i].xen, mode) == 0) {
            ir_fragments_add(&dom->clock.timers,
                             vc_xasprintf("<timer name='tsc' present='yes' mode='%s'/>",
                                          xm_tsc_modes[i].ir), (ir_pos){ loc.line, loc.column });
            return true;
        }
    return vc_error_at(d, loc, "unknown tsc_mode '%s' (expected default, always_emulate, "
                               "native or native_paravirt)", mode);
}

const char *xen_tsc_mode_from_dom(const ir_domain *dom)
{
    char *mode = NULL;
    const char *r = NULL;
    if (xm_timer(dom, "tsc", &mode) == 1)
        for (size_t i = 0; i < VC_ARRAY_SIZE(xm_tsc_modes); i++)
            if (vc_streq(xm_tsc_modes[i].ir, mode))
                r = xm_tsc_modes[i].xen;
    free(mode);
    return r;
}

void xen_timer_set(ir_domain *dom, const char *name, bool present)
{
    ir_pos none = { 0, 0 };
    ir_fragments_add(&dom->clock.timers,
                     vc_xasprintf("<timer name='%s' present='%s'/>", name, present ? "yes" : "no"),
                     none);
}

static ir_device *xm_xenbus(const ir_domain *dom)
{
    for (size_t i = 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == IR_DEV_CONTROLLER &&
            vc_streq(dom->devices[i].u.controller.type, "xenbus"))
            return &dom->devices[i];
    return NULL;
}

unsigned long long xen_dev_attr(const ir_device *dev, const char *attr)
{
    xmlDocPtr doc = dev ? xm_frag_parse(dev->xml) : NULL;
    char *v = doc ? xml_prop(xmlDocGetRootElement(doc), attr) : NULL;
    unsigned long long n = 0;
    if (v)
        vc_parse_ull(v, 10, &n);
    free(v);
    xmlFreeDoc(doc);
    return n;
}

unsigned long long xen_xenbus_attr(const ir_domain *dom, const char *attr)
{
    return xen_dev_attr(xm_xenbus(dom), attr);
}

void xen_xenbus_set(ir_domain *dom, const char *attr, unsigned long long v)
{
    static const char *const attrs[] = { "maxGrantFrames", "maxEventChannels" };
    unsigned long long vals[2] = { 0, 0 };
    for (size_t i = 0; i < 2; i++)
        vals[i] = strcmp(attrs[i], attr) == 0 ? v : xen_xenbus_attr(dom, attrs[i]);
    if (!xm_xenbus(dom))
        xm_add_controller(dom, "xenbus", 0);
    ir_device *dev = xm_xenbus(dom);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "<controller type='xenbus' index='%d'",
                  dev->u.controller.index < 0 ? 0 : dev->u.controller.index);
    for (size_t i = 0; i < 2; i++)
        if (vals[i])
            vc_buf_printf(&b, " %s='%llu'", attrs[i], vals[i]);
    vc_buf_puts(&b, "/>");
    free(dev->xml);
    dev->xml = vc_buf_steal(&b);
}

/* cpuid values: Xen's letter <-> libvirt's policy */
static const struct { const char *xen, *policy; } xm_cpuid_policies[] = {
    { "1", "force" }, { "0", "disable" }, { "x", "optional" }, { "k", "require" },
    { "s", "require" },
};

bool xen_cpuid_to_dom(ir_domain *dom, const char *cpuid, int nestedhvm, vc_loc loc,
                      vc_diags *d)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<cpu mode='host-passthrough'>");
    bool ok = true;
    if (cpuid) {
        xen_kvs kv = { 0 };
        xen_spec_split(cpuid, loc, &kv);
        if (!kv.n || strcmp(kv.v[0].key, "host") != 0 || kv.v[0].value)
            ok = vc_error_at(d, loc, "cpuid '%s' does not start with \"host\" (the only "
                                     "form with a place in the domain)", cpuid);
        for (size_t i = 1; ok && i < kv.n; i++) {
            size_t k = 0;
            while (k < VC_ARRAY_SIZE(xm_cpuid_policies) &&
                   !vc_streq(xm_cpuid_policies[k].xen, kv.v[i].value))
                k++;
            if (k == VC_ARRAY_SIZE(xm_cpuid_policies)) {
                ok = vc_error_at(d, kv.v[i].loc, "cpuid '%s' needs =0, =1, =x, =k or =s",
                                 kv.v[i].key);
                break;
            }
            vc_buf_printf(&b, "<feature policy='%s' name='%s'/>", xm_cpuid_policies[k].policy,
                          xen_cpuid_to_ir(kv.v[i].key));
        }
        xen_kvs_free(&kv);
    }
    if (nestedhvm == 0)
        vc_buf_puts(&b, "<feature policy='disable' name='vmx'/>");
    vc_buf_puts(&b, "</cpu>");
    if (!ok) {
        vc_buf_free(&b);
        return false;
    }
    free(dom->cpu_mode);
    dom->cpu_mode = vc_xstrdup("host-passthrough");
    xm_extra_replace(dom, "cpu", vc_buf_steal(&b));
    return true;
}

char *xen_cpuid_from_dom(const ir_domain *dom, int *nestedhvm)
{
    *nestedhvm = -1;
    if (!vc_streq(dom->cpu_mode, "host-passthrough"))
        return NULL;
    *nestedhvm = 1;
    xmlDocPtr doc = xm_extra_doc(dom, "cpu", NULL);
    xmlNodePtr cpu = doc ? xmlDocGetRootElement(doc) : NULL;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "host");
    bool any = false;
    for (xmlNodePtr f = xm_child_elem(cpu, "feature", NULL); f; f = xm_child_elem(cpu, "feature", f)) {
        char *name = xml_prop(f, "name"), *policy = xml_prop(f, "policy");
        if ((vc_streq(name, "vmx") || vc_streq(name, "svm")) && vc_streq(policy, "disable")) {
            *nestedhvm = 0;
        } else if (name) {
            const char *v = "1";
            for (size_t k = 0; k < VC_ARRAY_SIZE(xm_cpuid_policies); k++)
                if (vc_streq(xm_cpuid_policies[k].policy, policy)) {
                    v = xm_cpuid_policies[k].xen;
                    break;
                }
            vc_buf_printf(&b, ",%s=%s", xen_cpuid_from_ir(name), v);
            any = true;
        }
        free(name);
        free(policy);
    }
    xmlFreeDoc(doc);
    if (!any) {
        vc_buf_free(&b);
        return NULL;
    }
    return vc_buf_steal(&b);
}

void xen_vnuma_free(xen_vnode *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].vcpus);
        free(v[i].dist);
    }
    free(v);
}

size_t xen_vnuma_get(const ir_domain *dom, xen_vnode **out)
{
    *out = NULL;
    xmlDocPtr doc = xm_extra_doc(dom, "cpu", NULL);
    xmlNodePtr numa = xm_child_elem(doc ? xmlDocGetRootElement(doc) : NULL, "numa", NULL);
    size_t n = 0;
    for (xmlNodePtr c = xm_child_elem(numa, "cell", NULL); c; c = xm_child_elem(numa, "cell", c))
        n++;
    if (!n) {
        xmlFreeDoc(doc);
        return 0;
    }
    xen_vnode *v = vc_xcalloc(n, sizeof(*v));
    bool *given = vc_xcalloc(n * n, sizeof(bool));
    for (size_t i = 0; i < n; i++)
        v[i].dist = vc_xcalloc(n, sizeof(unsigned));
    size_t i = 0;
    for (xmlNodePtr c = xm_child_elem(numa, "cell", NULL); c;
         c = xm_child_elem(numa, "cell", c), i++) {
        char *mem = xml_prop(c, "memory"), *unit = xml_prop(c, "unit");
        unsigned long long m = 0, scale = 1024, kib = 0;
        if (mem && vc_parse_ull(mem, 10, &m) && ir_unit_scale(unit, 1024, &scale) &&
            ir_bytes_to_kib(m, scale, &kib))
            v[i].mib = xen_kib_to_mib(kib);
        free(mem);
        free(unit);
        v[i].vcpus = xml_prop(c, "cpus");
        xmlNodePtr ds = xm_child_elem(c, "distances", NULL);
        v[i].given = ds != NULL;
        for (xmlNodePtr s = xm_child_elem(ds, "sibling", NULL); s; s = xm_child_elem(ds, "sibling", s)) {
            char *id = xml_prop(s, "id"), *val = xml_prop(s, "value");
            unsigned long long j, dv;
            if (id && val && vc_parse_ull(id, 10, &j) && vc_parse_ull(val, 10, &dv) && j < n) {
                v[i].dist[j] = (unsigned)dv;
                given[i * n + j] = true;
            }
            free(id);
            free(val);
        }
    }
    /* libvirt's defaults: symmetric, 10 local, 20 remote */
    for (size_t a = 0; a < n; a++)
        for (size_t b2 = 0; b2 < n; b2++)
            if (!given[a * n + b2])
                v[a].dist[b2] = given[b2 * n + a] ? v[b2].dist[a] : a == b2 ? 10 : 20;
    free(given);
    xmlFreeDoc(doc);
    *out = v;
    return n;
}

void xen_vnuma_set(ir_domain *dom, const xen_vnode *v, size_t n)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<cpu>");
    if (dom->cpu_mode)
        b.len = 0, vc_buf_printf(&b, "<cpu mode='%s'>", dom->cpu_mode);
    vc_buf_puts(&b, "<numa>");
    for (size_t i = 0; i < n; i++) {
        vc_buf_printf(&b, "<cell id='%zu' cpus='", i);
        vc_buf_xml_escape(&b, v[i].vcpus ? v[i].vcpus : "", '\'', true);
        vc_buf_printf(&b, "' memory='%llu' unit='KiB'", v[i].mib * 1024);
        if (!v[i].dist) {
            vc_buf_puts(&b, "/>");
            continue;
        }
        vc_buf_puts(&b, "><distances>");
        for (size_t j = 0; j < n; j++)
            vc_buf_printf(&b, "<sibling id='%zu' value='%u'/>", j, v[i].dist[j]);
        vc_buf_puts(&b, "</distances></cell>");
    }
    vc_buf_puts(&b, "</numa></cpu>");
    b.data[b.len] = '\0';
    xm_extra_replace(dom, "cpu", vc_buf_steal(&b));
}
