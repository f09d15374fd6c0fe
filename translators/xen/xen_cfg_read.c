/*
 * xen_cfg_read.c: xm/xl configuration -> IR (domxml-from-native xen-xm,
 * xen-xl).
 *
 * The grammar gives a list of located `key = value` entries; each key the
 * domain models has a handler in xr_keys (table order is the order they are
 * applied in: the builder first, since the meaning of kernel=, serial= and
 * the defaults depend on it). A key without a handler is kept in
 * <metadata> and warned about (xen_keep_key); a value of the wrong type is a
 * located error.
 */
#include "xen_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "xen_map.h"

typedef struct xr_ctx {
    const char *file;
    xen_dialect dl;
    const xcfg_file *cfg;
    ir_domain *dom;
    vc_diags *d;
    bool *used;           /* per entry: a handler read it */
    xen_kind kind;
} xr_ctx;

static vc_loc xr_loc(const xr_ctx *c, int line, int column)
{
    vc_loc l = { c->file, line, column };
    return l;
}

static vc_loc xr_vloc(const xr_ctx *c, const xcfg_value *v)
{
    return xr_loc(c, v->line, v->column);
}

/* A string's content starts after its quote. */
static vc_loc xr_sloc(const xr_ctx *c, const xcfg_value *v)
{
    return xr_loc(c, v->line, v->column + 1);
}

static const xcfg_entry *xr_get(xr_ctx *c, const char *key)
{
    for (size_t i = 0; i < c->cfg->n; i++)
        if (strcmp(c->cfg->v[i].key, key) == 0) {
            c->used[i] = true;
            return &c->cfg->v[i];
        }
    return NULL;
}

static const char *xr_kind_name(xcfg_kind k)
{
    return k == XCFG_STRING ? "a string" : k == XCFG_INT ? "a number" : "a list";
}

static bool xr_type_error(xr_ctx *c, const xcfg_entry *e, const xcfg_value *v, const char *want)
{
    return vc_error_at(c->d, xr_vloc(c, v), "'%s' must be %s, not %s", e->key, want,
                       xr_kind_name(v->kind));
}

/* The string value of key, or NULL (absent). *ok false on a type error. */
static const char *xr_str(xr_ctx *c, const char *key, bool *ok, const xcfg_entry **ep)
{
    const xcfg_entry *e = xr_get(c, key);
    if (ep)
        *ep = e;
    if (!e)
        return NULL;
    if (e->value->kind != XCFG_STRING) {
        *ok = xr_type_error(c, e, e->value, "a string") && *ok;
        return NULL;
    }
    return e->value->text;
}

/* The integer value of key: false when absent or wrong (*ok false then). */
static bool xr_int(xr_ctx *c, const char *key, long long *out, bool *ok)
{
    const xcfg_entry *e = xr_get(c, key);
    if (!e)
        return false;
    if (e->value->kind != XCFG_INT) {
        *ok = xr_type_error(c, e, e->value, "a number") && *ok;
        return false;
    }
    int base = e->value->text[0] == '0' && (e->value->text[1] == 'x' || e->value->text[1] == 'X')
                   ? 16 : 10;
    if (!vc_parse_ll(e->value->text, base, out)) {
        *ok = vc_error_at(c->d, xr_vloc(c, e->value), "'%s' is out of range: %s", key,
                          e->value->text) && *ok;
        return false;
    }
    return true;
}

static bool xr_flag(xr_ctx *c, const char *key, bool dflt, bool *ok)
{
    long long v;
    return xr_int(c, key, &v, ok) ? v != 0 : dflt;
}

/* Strings of a list value (a lone string counts as a list of one). Each
 * item calls fn. */
typedef bool (*xr_item_fn)(xr_ctx *c, const xcfg_value *item);

static bool xr_each(xr_ctx *c, const char *key, xr_item_fn fn)
{
    const xcfg_entry *e = xr_get(c, key);
    if (!e)
        return true;
    if (e->value->kind == XCFG_STRING)
        return fn(c, e->value);
    if (e->value->kind != XCFG_LIST)
        return xr_type_error(c, e, e->value, "a list of strings");
    bool ok = true;
    for (size_t i = 0; i < e->value->n; i++) {
        const xcfg_value *it = e->value->items[i];
        if (it->kind != XCFG_STRING)
            ok = xr_type_error(c, e, it, "a list of strings") && ok;
        else
            ok = fn(c, it) && ok;
    }
    return ok;
}

/* ---- general --------------------------------------------------------- */

static bool xr_kind(xr_ctx *c)
{
    bool ok = true;
    const xcfg_entry *e;
    const char *type = c->dl == XEN_XL ? xr_str(c, "type", &ok, &e) : NULL;
    const char *builder = xr_str(c, "builder", &ok, NULL);
    c->kind = XEN_KIND_PV;
    if (type) {
        static const char *const names[] = { "pv", "hvm", "pvh" };
        size_t k = 0;
        while (k < 3 && strcmp(names[k], type) != 0)
            k++;
        if (k == 3)
            return vc_error_at(c->d, xr_sloc(c, e->value), "unknown type '%s' (expected pv, "
                                                           "hvm or pvh)", type);
        c->kind = (xen_kind)k;
    } else if (vc_streq(builder, "hvm")) {
        c->kind = XEN_KIND_HVM;
    }
    c->dom->type = IR_VIRT_XEN;
    xen_domain_set_kind(c->dom, c->kind);
    return ok;
}

static bool xr_name_uuid(xr_ctx *c)
{
    bool ok = true;
    const xcfg_entry *e;
    const char *name = xr_str(c, "name", &ok, NULL);
    const char *uuid = xr_str(c, "uuid", &ok, &e);
    if (ok && !name)
        return vc_error_at(c->d, xr_loc(c, 1, 1), "no 'name' given (a domain needs one)");
    c->dom->name = vc_xstrdup(name);
    if (uuid) {
        if (!ir_uuid_parse(uuid, c->dom->uuid))
            return vc_error_at(c->d, xr_sloc(c, e->value), "invalid uuid '%s'", uuid);
        c->dom->uuid_given = true;
    } else {
        ir_uuid_generate(c->dom->uuid);
    }
    return ok;
}

static bool xr_memory(xr_ctx *c)
{
    bool ok = true;
    long long mem = 128, max = 0;
    xr_int(c, "memory", &mem, &ok);
    bool has_max = xr_int(c, "maxmem", &max, &ok);
    const long long limit = (long long)(~0ULL / 1024 / 1024 / 2);
    if (ok && (mem <= 0 || mem > limit || (has_max && (max <= 0 || max > limit))))
        return vc_error_at(c->d, xr_loc(c, 1, 1), "memory must be between 1 and %lld MiB",
                           limit);
    if (!has_max || max < mem)
        max = mem;
    c->dom->memory_kib = (unsigned long long)max * 1024;
    c->dom->current_memory_kib = (unsigned long long)mem * 1024;
    return ok;
}

static unsigned xr_popcount(unsigned long long v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static bool xr_vcpus(xr_ctx *c)
{
    bool ok = true;
    long long vcpus = 1, max = 0, avail = 0;
    xr_int(c, "vcpus", &vcpus, &ok);
    bool has_max = c->dl == XEN_XL && xr_int(c, "maxvcpus", &max, &ok);
    bool has_avail = xr_int(c, "vcpu_avail", &avail, &ok);
    if (ok && (vcpus <= 0 || vcpus > 4096 || (has_max && (max <= 0 || max > 4096))))
        return vc_error_at(c->d, xr_loc(c, 1, 1), "vcpus must be between 1 and 4096");
    if (has_max && max > vcpus) {
        c->dom->vcpus = (unsigned)max;
        c->dom->vcpus_current = (unsigned)vcpus;
    } else {
        c->dom->vcpus = (unsigned)vcpus;
        if (has_avail && xr_popcount((unsigned long long)avail) < (unsigned)vcpus)
            c->dom->vcpus_current = xr_popcount((unsigned long long)avail);
    }
    const char *cpus = xr_str(c, "cpus", &ok, NULL);
    c->dom->cpuset = vc_xstrdup(cpus);
    return ok;
}

static bool xr_lifecycle(xr_ctx *c)
{
    static const char *const keys[] = { "on_poweroff", "on_reboot", "on_crash" };
    ir_lifecycle *dst[] = { &c->dom->on_poweroff, &c->dom->on_reboot, &c->dom->on_crash };
    /* Xen's defaults */
    c->dom->on_poweroff = IR_LIFE_DESTROY;
    c->dom->on_reboot = IR_LIFE_RESTART;
    c->dom->on_crash = IR_LIFE_RESTART;
    bool ok = true;
    for (size_t i = 0; i < 3; i++) {
        const xcfg_entry *e;
        const char *v = xr_str(c, keys[i], &ok, &e);
        if (!v)
            continue;
        *dst[i] = ir_lifecycle_from_name(v);
        if (!*dst[i])
            ok = vc_error_at(c->d, xr_sloc(c, e->value), "unknown %s action '%s' (expected "
                             "destroy, restart, preserve, rename-restart, coredump-destroy "
                             "or coredump-restart)", keys[i], v);
    }
    return ok;
}

/* bootloader, kernel, ramdisk, cmdline/extra/root, hvm loader, boot order */
static bool xr_boot(xr_ctx *c)
{
    bool ok = true;
    ir_domain *dom = c->dom;
    const char *bl = xr_str(c, "bootloader", &ok, NULL);
    dom->bootloader = vc_xstrdup(bl);
    const xcfg_entry *e = xr_get(c, c->dl == XEN_XL ? "bootloader_args" : "bootargs");
    if (!e && c->dl == XEN_XL)
        e = xr_get(c, "bootargs");
    if (e && e->value->kind == XCFG_STRING) {
        dom->bootloader_args = vc_xstrdup(e->value->text);
    } else if (e && e->value->kind == XCFG_LIST) {
        vc_buf b;
        vc_buf_init(&b);
        for (size_t i = 0; i < e->value->n; i++)
            if (e->value->items[i]->kind == XCFG_STRING)
                vc_buf_printf(&b, "%s%s", i ? " " : "", e->value->items[i]->text);
        dom->bootloader_args = vc_buf_steal(&b);
    } else if (e) {
        ok = xr_type_error(c, e, e->value, "a string");
    }
    const char *kernel = xr_str(c, "kernel", &ok, NULL);
    const char *ramdisk = xr_str(c, "ramdisk", &ok, NULL);
    const char *cmdline = c->dl == XEN_XL ? xr_str(c, "cmdline", &ok, NULL) : NULL;
    const char *extra = xr_str(c, "extra", &ok, NULL);
    const char *root = xr_str(c, "root", &ok, NULL);
    if (c->kind == XEN_KIND_HVM && kernel && (c->dl == XEN_XM || vc_str_has_suffix(kernel, "hvmloader"))) {
        /* xm's hvm kernel= is the firmware */
        free(dom->os.loader);
        dom->os.loader = vc_xstrdup(kernel);
        kernel = NULL;
    }
    if (c->kind == XEN_KIND_HVM && c->dl == XEN_XM)
        extra = root = NULL;
    dom->os.kernel = vc_xstrdup(kernel);
    dom->os.initrd = vc_xstrdup(ramdisk);
    if (kernel || c->kind != XEN_KIND_HVM || cmdline)
        dom->os.cmdline = xen_cmdline_join(cmdline, root, extra);
    const char *boot = xr_str(c, "boot", &ok, &e);
    if (boot && c->kind == XEN_KIND_HVM)
        ok = xen_boot_parse(boot, xr_sloc(c, e->value), &dom->os, c->d) && ok;
    else if (c->kind == XEN_KIND_HVM && ok)
        dom->os.boot[dom->os.nboot++] = IR_BOOT_HD;   /* Xen's default: "c" */
    const char *dm = xr_str(c, "device_model_override", &ok, NULL);
    if (!dm)
        dm = xr_str(c, "device_model", &ok, NULL);
    dom->emulator = vc_xstrdup(dm);
    return ok;
}

static bool xr_features(xr_ctx *c)
{
    bool ok = true;
    ir_domain *dom = c->dom;
    if (c->kind == XEN_KIND_HVM) {
        static const char *const on_by_default[] = { "acpi", "apic", "pae" };
        for (size_t i = 0; i < VC_ARRAY_SIZE(on_by_default); i++)
            if (xr_flag(c, on_by_default[i], true, &ok))
                ir_domain_add_feature(dom, on_by_default[i], NULL);
        long long hap;
        if (xr_int(c, "hap", &hap, &ok))
            ir_domain_add_feature(dom, "hap", hap ? NULL : "off");
        if (xr_flag(c, "viridian", false, &ok))
            ir_domain_add_feature(dom, "viridian", NULL);
        long long hpet;
        if (xr_int(c, "hpet", &hpet, &ok))
            xen_timer_set(dom, "hpet", hpet != 0);
        const xcfg_entry *te;
        const char *tsc = xr_str(c, "tsc_mode", &ok, &te);
        if (tsc)
            ok = xen_tsc_mode_to_dom(dom, tsc, xr_sloc(c, te->value), c->d) && ok;
        dom->has_features = dom->nfeatures > 0;
    }
    bool localtime = xr_flag(c, "localtime", false, &ok);
    const xcfg_entry *e = xr_get(c, "rtc_timeoffset");
    if (e && e->value->kind != XCFG_INT)
        ok = xr_type_error(c, e, e->value, "a number");
    xen_clock_to_ir(dom, localtime, e && e->value->kind == XCFG_INT ? e->value->text : NULL);
    if (c->dl == XEN_XL) {
        if (xr_flag(c, "e820_host", false, &ok))
            xen_feature_xen_set(dom, "e820_host");
        const char *pt = xr_str(c, "passthrough", &ok, &e);
        if (pt && strcmp(pt, "disabled") != 0)
            xen_feature_xen_set(dom, "passthrough");
    }
    return ok;
}

static bool xr_cpu(xr_ctx *c)
{
    bool ok = true;
    long long nested = -1;
    if (!xr_int(c, "nestedhvm", &nested, &ok))
        nested = -1;
    const xcfg_entry *e;
    const char *cpuid = xr_str(c, "cpuid", &ok, &e);
    if (ok && (cpuid || nested >= 0))
        ok = xen_cpuid_to_dom(c->dom, cpuid, nested >= 0 ? (int)(nested != 0) : -1,
                              e ? xr_sloc(c, e->value) : xr_loc(c, 0, 0), c->d);
    return ok;
}

/* vnuma = [ [ "pnode=0", "size=2048", "vcpus=0-1", "vdistances=10,20" ], ... ] */
static bool xr_vnuma(xr_ctx *c)
{
    const xcfg_entry *e = c->dl == XEN_XL ? xr_get(c, "vnuma") : NULL;
    if (!e)
        return true;
    if (e->value->kind != XCFG_LIST)
        return xr_type_error(c, e, e->value, "a list of lists");
    size_t n = e->value->n;
    xen_vnode *v = vc_xcalloc(n ? n : 1, sizeof(*v));
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const xcfg_value *node = e->value->items[i];
        if (node->kind != XCFG_LIST) {
            ok = xr_type_error(c, e, node, "a list of lists");
            break;
        }
        for (size_t k = 0; ok && k < node->n; k++) {
            const xcfg_value *it = node->items[k];
            if (it->kind != XCFG_STRING) {
                ok = xr_type_error(c, e, it, "a list of lists of strings");
                break;
            }
            const char *s = it->text;
            if (vc_str_has_prefix(s, "size=")) {
                if (!vc_parse_ull(s + 5, 10, &v[i].mib))
                    ok = vc_error_at(c->d, xr_sloc(c, it), "vnuma size is not a number: '%s'", s);
            } else if (vc_str_has_prefix(s, "vcpus=")) {
                free(v[i].vcpus);       /* a repeated key: the last one counts, as in xl */
                v[i].vcpus = vc_xstrdup(s + 6);
            } else if (vc_str_has_prefix(s, "vdistances=")) {
                free(v[i].dist);
                v[i].dist = vc_xcalloc(n, sizeof(unsigned));
                xen_kvs dk = { 0 };
                xen_spec_split(s + 11, xr_sloc(c, it), &dk);
                for (size_t j = 0; ok && j < dk.n && j < n; j++) {
                    unsigned long long dv;
                    if (!vc_parse_ull(dk.v[j].key, 10, &dv) || dv > 255)
                        ok = vc_error_at(c->d, xr_sloc(c, it), "vnuma distance is not a "
                                                               "number: '%s'", dk.v[j].key);
                    else
                        v[i].dist[j] = (unsigned)dv;
                }
                xen_kvs_free(&dk);
            } else if (!vc_str_has_prefix(s, "pnode=")) {
                ok = vc_error_at(c->d, xr_sloc(c, it), "unknown vnuma option '%s'", s);
            }
        }
    }
    if (ok)
        xen_vnuma_set(c->dom, v, n);
    xen_vnuma_free(v, n);
    return ok;
}

/* ---- devices ------------------------------------------------------------ */

static bool xr_disk_item(xr_ctx *c, const xcfg_value *it)
{
    return xen_disk_parse(it->text, c->dl, xr_sloc(c, it), c->dom, c->d);
}

static bool xr_kv_item(xr_ctx *c, const xcfg_value *it, bool (*fn)(xr_ctx *, const xen_kvs *))
{
    xen_kvs kv = { 0 };
    xen_spec_split(it->text, xr_sloc(c, it), &kv);
    if (!kv.n)   /* an empty spec: its handler reports at the string */
        xen_kvs_add(&kv, "", NULL, xr_sloc(c, it));
    bool ok = fn(c, &kv);
    xen_kvs_free(&kv);
    return ok;
}

static bool xr_vif_kv(xr_ctx *c, const xen_kvs *kv)
{
    return xen_vif_to_ir(kv, c->kind, c->dl, c->dom, c->d);
}

static bool xr_vif_item(xr_ctx *c, const xcfg_value *it)
{
    return xr_kv_item(c, it, xr_vif_kv);
}

static bool xr_vfb_kv(xr_ctx *c, const xen_kvs *kv)
{
    return xen_vfb_to_ir(kv, c->dom, c->d);
}

static bool xr_vfb_item(xr_ctx *c, const xcfg_value *it)
{
    return xr_kv_item(c, it, xr_vfb_kv);
}

static bool xr_channel_kv(xr_ctx *c, const xen_kvs *kv)
{
    return xen_channel_to_ir(kv, c->dom, c->d);
}

static bool xr_channel_item(xr_ctx *c, const xcfg_value *it)
{
    return xr_kv_item(c, it, xr_channel_kv);
}

static bool xr_pci_item(xr_ctx *c, const xcfg_value *it)
{
    return xen_pci_to_ir(it->text, xr_sloc(c, it), c->dom, c->d);
}

static bool xr_chr(xr_ctx *c, const xcfg_value *it, ir_chr_kind kind, int port)
{
    bool none;
    if (xen_chr_to_ir(it->text, kind, port, xr_sloc(c, it), c->dom, &none, c->d))
        return true;
    return none;
}

/* serial = "spec" or [ "spec", "none", "spec" ]: a list's index is the
 * port ("none" keeps a port free). */
static bool xr_serial(xr_ctx *c)
{
    const xcfg_entry *e = xr_get(c, "serial");
    if (!e)
        return true;
    if (e->value->kind == XCFG_STRING)
        return xr_chr(c, e->value, IR_CHRDEV_SERIAL, 0);
    if (e->value->kind != XCFG_LIST)
        return xr_type_error(c, e, e->value, "a string or a list of strings");
    bool ok = true;
    for (size_t i = 0; i < e->value->n; i++) {
        const xcfg_value *it = e->value->items[i];
        if (it->kind != XCFG_STRING)
            ok = xr_type_error(c, e, it, "a list of strings");
        else
            ok = xr_chr(c, it, IR_CHRDEV_SERIAL, (int)i) && ok;
    }
    return ok;
}

static bool xr_parallel_item(xr_ctx *c, const xcfg_value *it)
{
    return xr_chr(c, it, IR_CHRDEV_PARALLEL, 0);
}

/* hvm's framebuffer keys at the top level */
static bool xr_graphics(xr_ctx *c)
{
    if (xr_get(c, "vfb"))
        return xr_each(c, "vfb", xr_vfb_item);
    static const char *const keys[] = { "vnc", "sdl", "vncunused", "vnclisten", "vncdisplay",
                                        "vncpasswd", "keymap", "display", "xauthority" };
    xen_kvs kv = { 0 };
    bool ok = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(keys); i++) {
        const xcfg_entry *e = xr_get(c, keys[i]);
        if (!e)
            continue;
        if (e->value->kind == XCFG_LIST) {
            ok = xr_type_error(c, e, e->value, "a string or a number");
            continue;
        }
        vc_loc l = e->value->kind == XCFG_STRING ? xr_sloc(c, e->value) : xr_vloc(c, e->value);
        xen_kvs_add(&kv, keys[i], e->value->text, l);
    }
    if (ok && c->kind == XEN_KIND_HVM) {
        /* vnc and sdl may both be on: one device each */
        bool vnc = false, sdl = false;
        for (size_t i = 0; i < kv.n; i++) {
            if (strcmp(kv.v[i].key, "vnc") == 0)
                vnc = strcmp(kv.v[i].value, "0") != 0;
            if (strcmp(kv.v[i].key, "sdl") == 0)
                sdl = strcmp(kv.v[i].value, "0") != 0;
        }
        xen_kvs one = { 0 };
        vc_loc none = { NULL, 0, 0 };
        if (vnc) {
            xen_kvs_add(&one, "type", "vnc", none);
            for (size_t i = 0; i < kv.n; i++)
                if (vc_str_has_prefix(kv.v[i].key, "vnc") || !strcmp(kv.v[i].key, "keymap"))
                    xen_kvs_add(&one, kv.v[i].key, kv.v[i].value, kv.v[i].loc);
            ok = xen_vfb_to_ir(&one, c->dom, c->d);
            xen_kvs_free(&one);
        }
        if (sdl) {
            xen_kvs_add(&one, "type", "sdl", none);
            for (size_t i = 0; i < kv.n; i++)
                if (!strcmp(kv.v[i].key, "display") || !strcmp(kv.v[i].key, "xauthority"))
                    xen_kvs_add(&one, kv.v[i].key, kv.v[i].value, kv.v[i].loc);
            ok = xen_vfb_to_ir(&one, c->dom, c->d) && ok;
            xen_kvs_free(&one);
        }
    }
    xen_kvs_free(&kv);
    return ok;
}

/* xl spice=1 with spicehost, spiceport, spicetls_port, spicepasswd,
 * spicedisable_ticketing */
static bool xr_spice(xr_ctx *c)
{
    bool ok = true;
    if (c->dl != XEN_XL || !xr_flag(c, "spice", false, &ok))
        return ok;
    ir_graphics *g = &ir_domain_add_device(c->dom, IR_DEV_GRAPHICS, (ir_pos){ 0, 0 })->u.graphics;
    g->type = IR_GFX_SPICE;
    long long port;
    if (xr_int(c, "spiceport", &port, &ok)) {
        g->port = (int)port;
        g->autoport = IR_TRI_NO;
    } else {
        g->port = -1;
        g->autoport = IR_TRI_YES;
    }
    g->listen = vc_xstrdup(xr_str(c, "spicehost", &ok, NULL));
    g->passwd = vc_xstrdup(xr_str(c, "spicepasswd", &ok, NULL));
    xr_flag(c, "spicedisable_ticketing", false, &ok);
    return ok;
}

static bool xr_usbdevice_item(xr_ctx *c, const xcfg_value *it)
{
    const char *s = it->text;
    if (strcmp(s, "tablet") == 0 || strcmp(s, "mouse") == 0 || strcmp(s, "keyboard") == 0) {
        ir_pos pos = { it->line, it->column };
        ir_input *in = &ir_domain_add_device(c->dom, IR_DEV_INPUT, pos)->u.input;
        in->type = vc_xstrdup(s);
        in->bus = vc_xstrdup("usb");
        return true;
    }
    unsigned a, b;
    int used = 0;
    if (vc_str_has_prefix(s, "host:") && sscanf(s + 5, "%u.%u%n", &a, &b, &used) == 2 &&
        s[5 + used] == '\0') {
        ir_pos pos = { it->line, it->column };
        ir_hostdev *h = &ir_domain_add_device(c->dom, IR_DEV_HOSTDEV, pos)->u.hostdev;
        h->type = IR_HOSTDEV_USB;
        h->mode = vc_xstrdup("subsystem");
        h->managed = IR_TRI_NO;
        h->usb_bus = a, h->usb_device = b, h->has_usb_addr = true;
        return true;
    }
    return vc_error_at(c->d, xr_sloc(c, it), "unknown usbdevice '%s' (expected tablet, mouse, "
                                             "keyboard or host:BUS.ADDR)", s);
}

/* xl usbdev = [ "hostbus=1,hostaddr=3" ] */
static bool xr_usbdev_kv(xr_ctx *c, const xen_kvs *kv)
{
    const xen_kv *bus = xen_kvs_find(kv, "hostbus"), *addr = xen_kvs_find(kv, "hostaddr");
    unsigned long long b, a;
    vc_loc loc = kv->n ? kv->v[0].loc : xr_loc(c, 0, 0);
    if (!bus || !addr || !bus->value || !addr->value || !vc_parse_ull(bus->value, 0, &b) ||
        !vc_parse_ull(addr->value, 0, &a) || b > 0xffff || a > 0xffff)
        return vc_error_at(c->d, loc, "usbdev needs hostbus=N,hostaddr=N");
    ir_hostdev *h = &ir_domain_add_device(c->dom, IR_DEV_HOSTDEV,
                                          (ir_pos){ loc.line, loc.column })->u.hostdev;
    h->type = IR_HOSTDEV_USB;
    h->mode = vc_xstrdup("subsystem");
    h->managed = IR_TRI_NO;
    h->usb_bus = (unsigned)b, h->usb_device = (unsigned)a, h->has_usb_addr = true;
    return true;
}

static bool xr_usbdev_item(xr_ctx *c, const xcfg_value *it)
{
    return xr_kv_item(c, it, xr_usbdev_kv);
}

/* xl usbctrl = [ "version=2,ports=4" ] */
static bool xr_usbctrl_kv(xr_ctx *c, const xen_kvs *kv)
{
    const xen_kv *ver = xen_kvs_find(kv, "version"), *ports = xen_kvs_find(kv, "ports");
    vc_loc loc = kv->n ? kv->v[0].loc : xr_loc(c, 0, 0);
    const char *model = !ver || vc_streq(ver->value, "2") ? "qusb2"
                        : vc_streq(ver->value, "1") ? "qusb1" : NULL;
    if (!model)
        return vc_error_at(c->d, ver->loc, "unknown usbctrl version '%s' (expected 1 or 2)",
                           ver->value ? ver->value : "");
    int index = 0;
    for (size_t i = 0; i < c->dom->ndevices; i++)
        if (c->dom->devices[i].kind == IR_DEV_CONTROLLER &&
            vc_streq(c->dom->devices[i].u.controller.type, "usb"))
            index++;
    ir_device *dev = ir_domain_add_device(c->dom, IR_DEV_CONTROLLER, (ir_pos){ loc.line, loc.column });
    dev->u.controller.type = vc_xstrdup("usb");
    dev->u.controller.index = index;
    dev->u.controller.model = vc_xstrdup(model);
    unsigned long long p;
    if (ports && ports->value && vc_parse_ull(ports->value, 10, &p) && p > 0 && p < 32)
        dev->xml = vc_xasprintf("<controller type='usb' index='%d' model='%s' ports='%llu'/>",
                                index, model, p);
    else if (ports)
        return vc_error_at(c->d, ports->loc, "usbctrl ports must be 1 to 31");
    return true;
}

static bool xr_usbctrl_item(xr_ctx *c, const xcfg_value *it)
{
    return xr_kv_item(c, it, xr_usbctrl_kv);
}

static bool xr_sound(xr_ctx *c)
{
    bool ok = true;
    const xcfg_entry *e;
    const char *s = xr_str(c, "soundhw", &ok, &e);
    if (!s)
        return ok;
    static const char *const models[] = { "sb16", "es1370", "ac97", "hda", "pcspk" };
    char *copy = vc_xstrdup(strcmp(s, "all") == 0 ? "sb16,es1370,ac97" : s);
    for (char *m = strtok(copy, ","); m; m = strtok(NULL, ",")) {
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(models) && strcmp(models[k], m) != 0)
            k++;
        if (k == VC_ARRAY_SIZE(models)) {
            ok = vc_error_at(c->d, xr_sloc(c, e->value), "unknown sound card '%s' (expected "
                             "sb16, es1370, ac97, hda or pcspk)", m);
            break;
        }
        ir_sound *snd = &ir_domain_add_device(c->dom, IR_DEV_SOUND,
                                              (ir_pos){ e->line, e->column })->u.sound;
        snd->model = vc_xstrdup(strcmp(m, "hda") == 0 ? "ich6" : m);
    }
    free(copy);
    return ok;
}

static bool xr_devices(xr_ctx *c)
{
    bool ok = xr_each(c, "disk", xr_disk_item);
    ok = xr_each(c, "vif", xr_vif_item) && ok;
    ok = xr_each(c, "pci", xr_pci_item) && ok;
    ok = xr_graphics(c) && ok;
    ok = xr_spice(c) && ok;
    ok = xr_serial(c) && ok;
    ok = xr_each(c, "parallel", xr_parallel_item) && ok;
    if (c->dl == XEN_XL) {
        ok = xr_each(c, "channel", xr_channel_item) && ok;
        ok = xr_each(c, "usbctrl", xr_usbctrl_item) && ok;
        ok = xr_each(c, "usbdev", xr_usbdev_item) && ok;
    }
    bool usb = xr_flag(c, "usb", false, &ok);
    (void)usb;   /* implied by usbdevice; the domain has no separate switch */
    ok = xr_each(c, "usbdevice", xr_usbdevice_item) && ok;
    ok = xr_sound(c) && ok;
    long long v;
    if (xr_flag(c, "stdvga", false, &ok)) {
        ir_video *vid = &ir_domain_add_device(c->dom, IR_DEV_VIDEO, (ir_pos){ 0, 0 })->u.video;
        vid->model = vc_xstrdup("vga");
        vid->vram = 16384;
        vid->heads = 1;
        vid->primary = true;
    }
    if (c->dl == XEN_XL) {
        if (xr_int(c, "max_grant_frames", &v, &ok) && v > 0)
            xen_xenbus_set(c->dom, "maxGrantFrames", (unsigned long long)v);
        if (xr_int(c, "max_event_channels", &v, &ok) && v > 0)
            xen_xenbus_set(c->dom, "maxEventChannels", (unsigned long long)v);
    }
    return ok;
}

static bool xr_dm_args(xr_ctx *c)
{
    const xcfg_entry *e = c->dl == XEN_XL ? xr_get(c, "device_model_args") : NULL;
    if (!e)
        return true;
    if (e->value->kind != XCFG_LIST)
        return xr_type_error(c, e, e->value, "a list of strings");
    const char **args = vc_xcalloc(e->value->n + 1, sizeof(*args));
    bool ok = true;
    for (size_t i = 0; i < e->value->n; i++) {
        if (e->value->items[i]->kind != XCFG_STRING)
            ok = xr_type_error(c, e, e->value->items[i], "a list of strings");
        args[i] = e->value->items[i]->text;
    }
    if (ok)
        xen_dm_args_set(c->dom, args, e->value->n);
    free(args);
    return ok;
}

/* ---- the whole file -------------------------------------------------------- */

static bool xr_duplicates(xr_ctx *c)
{
    bool ok = true;
    for (size_t i = 0; i < c->cfg->n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->cfg->v[i].key, c->cfg->v[j].key) == 0) {
                const xcfg_entry *e = &c->cfg->v[i];
                ok = vc_error_at(c->d, xr_loc(c, e->line, e->column),
                                 "duplicate key '%s' (first set at line %d)", e->key,
                                 c->cfg->v[j].line);
                break;
            }
    return ok;
}

/* Keys xm/xl use only to say what another key already says. */
static const char *const xr_implied[] = { "usb", "vncunused", "spicedisable_ticketing" };

static void xr_keep_unused(xr_ctx *c)
{
    for (size_t i = 0; i < c->cfg->n; i++) {
        if (c->used[i])
            continue;
        const xcfg_entry *e = &c->cfg->v[i];
        bool implied = false;
        for (size_t k = 0; k < VC_ARRAY_SIZE(xr_implied); k++)
            implied = implied || strcmp(xr_implied[k], e->key) == 0;
        if (implied)
            continue;
        char *text = xcfg_value_text(e->value);
        xen_keep_key(c->dom, e->key, text, xr_loc(c, e->line, e->column), c->d);
        free(text);
    }
}

/* Every key a handler above reads, by dialect: a key kept in <metadata>
 * from another context (an xm file, a guest of another kind) is not written
 * back under a name the reader would interpret. */
static const char *const xr_known_common[] = {
    "name", "uuid", "memory", "maxmem", "vcpus", "vcpu_avail", "cpus", "builder", "bootloader",
    "bootargs", "kernel", "ramdisk", "extra", "root", "boot", "device_model_override",
    "device_model", "on_poweroff", "on_reboot", "on_crash", "acpi", "apic", "pae", "hap",
    "viridian", "hpet", "tsc_mode", "localtime", "rtc_timeoffset", "nestedhvm", "cpuid", "disk",
    "vif", "pci", "vfb", "vnc", "sdl", "vncunused", "vnclisten", "vncdisplay", "vncpasswd",
    "keymap", "display", "xauthority", "serial", "parallel", "usb", "usbdevice", "soundhw",
    "stdvga",
};
static const char *const xr_known_xl[] = {
    "type", "maxvcpus", "bootloader_args", "cmdline", "e820_host", "passthrough", "vnuma",
    "spice", "spiceport", "spicehost", "spicepasswd", "spicedisable_ticketing", "channel",
    "usbctrl", "usbdev", "max_grant_frames", "max_event_channels", "device_model_args",
};

bool xen_cfg_key_known(const char *key, bool xl)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(xr_known_common); i++)
        if (strcmp(xr_known_common[i], key) == 0)
            return true;
    for (size_t i = 0; xl && i < VC_ARRAY_SIZE(xr_known_xl); i++)
        if (strcmp(xr_known_xl[i], key) == 0)
            return true;
    return false;
}

typedef bool (*xr_step)(xr_ctx *c);

/* In the order they apply. */
static const xr_step xr_steps[] = {
    xr_kind, xr_name_uuid, xr_memory, xr_vcpus, xr_lifecycle, xr_boot, xr_features, xr_cpu,
    xr_vnuma, xr_devices, xr_dm_args,
};

static ir_domain *xr_read(const char *file, const char *text, size_t len, xen_dialect dl,
                          vc_diags *d)
{
    size_t before = d->nerrors;
    xcfg_file *cfg = xcfg_parse(file, text, len, dl == XEN_XL, d);
    if (!cfg)
        return NULL;
    xr_ctx c = { file, dl, cfg, ir_domain_new(), d, vc_xcalloc(cfg->n + 1, sizeof(bool)),
                 XEN_KIND_PV };
    bool ok = xr_duplicates(&c);
    for (size_t i = 0; ok && i < VC_ARRAY_SIZE(xr_steps); i++)
        ok = xr_steps[i](&c);
    if (ok && d->nerrors == before) {
        xr_keep_unused(&c);
        xen_fill_defaults(c.dom);
    }
    free(c.used);
    xcfg_file_free(cfg);
    if (!ok || d->nerrors != before) {
        ir_domain_free(c.dom);
        return NULL;
    }
    return c.dom;
}

ir_domain *xen_xm_read(const char *file, const char *text, size_t len, vc_diags *d)
{
    return xr_read(file, text, len, XEN_XM, d);
}

ir_domain *xen_xl_read(const char *file, const char *text, size_t len, vc_diags *d)
{
    return xr_read(file, text, len, XEN_XL, d);
}
