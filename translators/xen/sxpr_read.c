/*
 * sxpr_read.c: xen-sxpr -> IR (domxml-from-native xen-sxpr).
 *
 * A (domain ...) as XenD returns it, or a (vm ...) as a client sends it,
 * is lifted key by key through tables: the top level, the image
 * ((image (linux ...)) or (image (hvm ...))) and the devices. Then come the
 * devices libvirt's Xen driver always implies (the paravirtual console, the
 * console that mirrors an HVM guest's first serial port, the input devices
 * of a framebuffer), so that the result reads like libvirt's.
 *
 * Nothing is dropped silently: a key the model has no place for is kept in
 * <metadata> (<xensxpr:key path='...'>(key value)</xensxpr:key>, written back
 * by the writer) with a warning; XenD's run-time state (cpu_time, state,
 * store_mfn, ...) is not configuration and is named in one warning.
 */
#include <stdlib.h>
#include <string.h>

#include "sxpr_priv.h"

typedef struct sr_ctx {
    const char *file;
    int version;
    vc_diags *d;
    ir_domain *dom;
    bool hvm;
    bool has_vfb;              /* a (device (vfb ...)): the image's VNC keys are old news */
    const sexpr_node *image;   /* (image ...), lifted after the devices */
    bool image_gfx;            /* the image has (vnc ...) or (sdl ...) */
    int nvif;
    vc_buf keep;               /* <metadata> children for the kept keys */
    vc_buf state;              /* names of the run-time keys seen */
} sr_ctx;

static vc_loc sr_loc(const sr_ctx *c, const sexpr_node *n)
{
    return (vc_loc){ c->file, n->pos.line, n->pos.column };
}

/* ---- values ----------------------------------------------------------- */

/* (key value): the value node; (key) or (key '') give NULL (XenD writes
 * empty values for unset keys). */
static const sexpr_node *sr_value_node(const sexpr_node *kv)
{
    if (kv->n < 2 || (!kv->kids[1]->is_list && kv->kids[1]->len == 0))
        return NULL;
    return kv->kids[1];
}

/* The atom of (key value); NULL when empty; an error when a list. */
static bool sr_str(sr_ctx *c, const sexpr_node *kv, const char **out)
{
    const sexpr_node *v = sr_value_node(kv);
    *out = NULL;
    if (v && v->is_list)
        return vc_error_at(c->d, sr_loc(c, v), "%s: expected a value, not a list",
                           sexpr_head(kv));
    if (kv->n > 2)
        return vc_error_at(c->d, sr_loc(c, kv->kids[2]), "%s: more than one value",
                           sexpr_head(kv));
    if (v && strlen(v->atom) != v->len)
        return vc_error_at(c->d, sr_loc(c, v), "%s: the value holds a NUL byte",
                           sexpr_head(kv));
    *out = v ? v->atom : NULL;
    return true;
}

static bool sr_dup(sr_ctx *c, const sexpr_node *kv, char **field)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    free(*field);
    *field = vc_xstrdup(s);
    return true;
}

static bool sr_ull(sr_ctx *c, const sexpr_node *kv, unsigned long long *out, bool *given)
{
    const char *s;
    *given = false;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return true;
    if (!vc_parse_ull(s, 0, out))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "%s: '%s' is not a number",
                           sexpr_head(kv), s);
    *given = true;
    return true;
}

/* 0 / 1 flags; absent or empty is false. */
static bool sr_flag(sr_ctx *c, const sexpr_node *kv, bool *out)
{
    unsigned long long v = 0;
    bool given;
    if (!sr_ull(c, kv, &v, &given))
        return false;
    if (v > 1)
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "%s: '%s' is not 0 or 1",
                           sexpr_head(kv), kv->kids[1]->atom);
    *out = v == 1;
    return true;
}

/* ---- what the model has no place for ---------------------------------- */

static void sr_keep(sr_ctx *c, const char *path, const sexpr_node *kv)
{
    vc_buf t;
    vc_buf_init(&t);
    sexpr_write(&t, kv);
    vc_warn_at(c->d, sr_loc(c, kv),
               "%s%s%s has no place in the domain model: kept in <metadata>",
               path, *path ? ": " : "", vc_buf_str(&t));
    if (!c->keep.len)
        vc_buf_printf(&c->keep, "<metadata>\n");
    vc_buf_printf(&c->keep, "  <xensxpr:key xmlns:xensxpr='%s' path='", XEN_SXPR_NS);
    vc_buf_xml_escape(&c->keep, path, '\'', true);
    vc_buf_puts(&c->keep, "'>");
    vc_buf_xml_escape(&c->keep, vc_buf_str(&t), '\'', false);
    vc_buf_puts(&c->keep, "</xensxpr:key>\n");
    vc_buf_free(&t);
}

/* XenD's report of a running domain: not configuration. */
static const char *const sr_state_keys[] = {
    "state", "status", "cpu_time", "online_vcpus", "up_time", "start_time", "store_mfn",
    "console_mfn", "shutdown_reason", "memory_dynamic_min", "memory_dynamic_max", "notes",
};

static bool sr_is_state(sr_ctx *c, const char *key)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(sr_state_keys); i++)
        if (strcmp(key, sr_state_keys[i]) == 0) {
            if (!strstr(vc_buf_str(&c->state), key))
                vc_buf_printf(&c->state, "%s%s", c->state.len ? ", " : "", key);
            return true;
        }
    return false;
}

/* ---- tables ------------------------------------------------------------ */

typedef bool (*sr_fn)(sr_ctx *c, const sexpr_node *kv, void *obj);

typedef struct sr_key {
    const char *name;
    sr_fn fn;                  /* NULL: understood, nothing to do */
} sr_key;

/* Applies the table to every (key ...) of list after its head; what no
 * row names is kept (or, for run-time state, named in the final warning). */
static bool sr_apply(sr_ctx *c, const sexpr_node *list, const sr_key *keys, size_t nkeys,
                     const char *path, void *obj)
{
    bool ok = true;
    for (size_t i = 1; i < list->n; i++) {
        const sexpr_node *kv = list->kids[i];
        const char *key = sexpr_head(kv);
        if (!key) {
            ok = vc_error_at(c->d, sr_loc(c, kv), "%s%sexpected (key value), not %s",
                             path, *path ? ": " : "", kv->is_list ? "a list" : "an atom");
            continue;
        }
        size_t k = 0;
        while (k < nkeys && strcmp(keys[k].name, key) != 0)
            k++;
        if (k < nkeys) {
            if (keys[k].fn && !keys[k].fn(c, kv, obj))
                ok = false;
        } else if (!sr_is_state(c, key) && sr_value_node(kv)) {
            sr_keep(c, path, kv);    /* (key) with no value says nothing */
        }
    }
    return ok;
}

#define SR_APPLY(c, list, keys, path, obj) \
    sr_apply(c, list, keys, VC_ARRAY_SIZE(keys), path, obj)

/* ---- top level --------------------------------------------------------- */

static bool sr_domid(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    unsigned long long v;
    bool given;
    if (!sr_ull(c, kv, &v, &given))
        return false;
    if (given && v > 0x7fff)
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "domid: %llu is out of range", v);
    if (given)
        c->dom->id = (int)v;
    return true;
}

static bool sr_name(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_dup(c, kv, &c->dom->name);
}

static bool sr_uuid(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s || !ir_uuid_parse(s, c->dom->uuid))
        return vc_error_at(c->d, sr_loc(c, kv), "uuid: '%s' is not a UUID", s ? s : "");
    c->dom->uuid_given = true;
    return true;
}

/* memory and maxmem are MiB. */
static bool sr_mib(sr_ctx *c, const sexpr_node *kv, unsigned long long *kib)
{
    unsigned long long v;
    bool given;
    if (!sr_ull(c, kv, &v, &given))
        return false;
    if (given && v > (~0ULL >> 10))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "%s: %llu MiB is too large",
                           sexpr_head(kv), v);
    if (given)
        *kib = v << 10;
    return true;
}

static bool sr_memory(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_mib(c, kv, &c->dom->current_memory_kib);
}

static bool sr_maxmem(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_mib(c, kv, &c->dom->memory_kib);
}

static bool sr_vcpus(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    unsigned long long v;
    bool given;
    if (!sr_ull(c, kv, &v, &given))
        return false;
    if (given && (v == 0 || v > 4096))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "vcpus: %llu is out of range", v);
    if (given)
        c->dom->vcpus = (unsigned)v;
    return true;
}

/* A bit mask of the vCPUs online at boot: the count is <vcpu current=>. */
static bool sr_vcpu_avail(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    unsigned long long v;
    bool given;
    if (!sr_ull(c, kv, &v, &given))
        return false;
    if (given)
        c->dom->vcpus_current = (unsigned)__builtin_popcountll(v);
    return true;
}

/* (cpus '0-3'); XenD reports a guest without affinity as (cpus (())), a
 * per-vCPU list of empty lists. */
static bool sr_cpus(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    const sexpr_node *v = sr_value_node(kv);
    if (v && v->is_list) {
        for (size_t i = 0; i < v->n; i++)
            if (!v->kids[i]->is_list || v->kids[i]->n) {
                sr_keep(c, "", kv);
                break;
            }
        return true;
    }
    return sr_dup(c, kv, &c->dom->cpuset);
}

static bool sr_lifecycle(sr_ctx *c, const sexpr_node *kv, ir_lifecycle *out)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return true;
    if (!(*out = ir_lifecycle_from_name(s)))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "%s: unknown action '%s'",
                           sexpr_head(kv), s);
    return true;
}

static bool sr_on_poweroff(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_lifecycle(c, kv, &c->dom->on_poweroff);
}

static bool sr_on_reboot(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_lifecycle(c, kv, &c->dom->on_reboot);
}

static bool sr_on_crash(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_lifecycle(c, kv, &c->dom->on_crash);
}

static bool sr_bootloader(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_dup(c, kv, &c->dom->bootloader);
}

static bool sr_bootloader_args(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_dup(c, kv, &c->dom->bootloader_args);
}

static bool sr_description(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_dup(c, kv, &c->dom->description);
}

static bool sr_localtime(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    bool lt;
    if (!sr_flag(c, kv, &lt))
        return false;
    /* (rtc_timeoffset) has made the clock variable: localtime is its basis */
    if (c->dom->clock.offset == IR_CLOCK_VARIABLE) {
        free(c->dom->clock.basis);
        c->dom->clock.basis = vc_xstrdup(lt ? "localtime" : "utc");
    } else if (lt) {
        c->dom->clock.offset = IR_CLOCK_LOCALTIME;
    }
    return true;
}

/* PV features ("(features 'auto_translated_physmap|...')"): kept when set. */
static bool sr_features(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (s)
        sr_keep(c, "", kv);
    return true;
}

static bool sr_image_key(sr_ctx *c, const sexpr_node *kv, void *obj);
static bool sr_device(sr_ctx *c, const sexpr_node *kv, void *obj);

static const sr_key sr_top_keys[] = {
    { "domid", sr_domid }, { "name", sr_name }, { "uuid", sr_uuid },
    { "memory", sr_memory }, { "maxmem", sr_maxmem }, { "vcpus", sr_vcpus },
    { "vcpu_avail", sr_vcpu_avail }, { "cpus", sr_cpus },
    { "on_poweroff", sr_on_poweroff }, { "on_reboot", sr_on_reboot },
    { "on_crash", sr_on_crash }, { "bootloader", sr_bootloader },
    { "bootloader_args", sr_bootloader_args }, { "description", sr_description },
    { "localtime", sr_localtime }, { "features", sr_features },
    { "image", sr_image_key }, { "device", sr_device },
};

/* ---- the image ---------------------------------------------------------- */

/* Graphics keys, collected from the image (the old layout) or a vfb. */
typedef struct sr_gfx {
    bool vnc, sdl;
    bool has_unused, unused;
    long long display;         /* vncdisplay, -1 when absent */
    const char *listen, *passwd, *keymap, *xdisplay, *xauth, *location;
    const sexpr_node *where;
} sr_gfx;

typedef struct sr_image {
    sr_gfx gfx;
    const char *kernel, *loader, *cdrom, *fda, *fdb;
    const sexpr_node *serial, *parallel, *soundhw, *usbdevice;
    const char *root, *args;
} sr_imgkeys;

static bool sr_img_str(sr_ctx *c, const sexpr_node *kv, const char **field)
{
    return sr_str(c, kv, field);
}

#define SR_IMG_FIELD(fn, field) \
    static bool fn(sr_ctx *c, const sexpr_node *kv, void *obj) \
    { return sr_img_str(c, kv, &((sr_imgkeys *)obj)->field); }

SR_IMG_FIELD(sr_i_kernel, kernel)
SR_IMG_FIELD(sr_i_loader, loader)
SR_IMG_FIELD(sr_i_cdrom, cdrom)
SR_IMG_FIELD(sr_i_fda, fda)
SR_IMG_FIELD(sr_i_fdb, fdb)
SR_IMG_FIELD(sr_i_root, root)
SR_IMG_FIELD(sr_i_args, args)
SR_IMG_FIELD(sr_g_listen, gfx.listen)
SR_IMG_FIELD(sr_g_passwd, gfx.passwd)
SR_IMG_FIELD(sr_g_keymap, gfx.keymap)
SR_IMG_FIELD(sr_g_xdisplay, gfx.xdisplay)
SR_IMG_FIELD(sr_g_xauth, gfx.xauth)
SR_IMG_FIELD(sr_g_location, gfx.location)

#define SR_IMG_NODE(fn, field) \
    static bool fn(sr_ctx *c, const sexpr_node *kv, void *obj) \
    { (void)c; ((sr_imgkeys *)obj)->field = kv; return true; }

SR_IMG_NODE(sr_i_serial, serial)
SR_IMG_NODE(sr_i_parallel, parallel)
SR_IMG_NODE(sr_i_soundhw, soundhw)
SR_IMG_NODE(sr_i_usbdevice, usbdevice)

static bool sr_g_vnc(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    sr_imgkeys *im = obj;
    if (!sr_flag(c, kv, &im->gfx.vnc))
        return false;
    im->gfx.where = kv;
    return true;
}

static bool sr_g_sdl(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    sr_imgkeys *im = obj;
    if (!sr_flag(c, kv, &im->gfx.sdl))
        return false;
    if (im->gfx.sdl)
        im->gfx.where = kv;
    return true;
}

static bool sr_g_type(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    sr_imgkeys *im = obj;
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (vc_streq(s, "vnc"))
        im->gfx.vnc = true;
    else if (vc_streq(s, "sdl"))
        im->gfx.sdl = true;
    else
        return vc_error_at(c->d, sr_loc(c, kv), "vfb: unknown type '%s' (vnc or sdl)",
                           s ? s : "");
    im->gfx.where = kv;
    return true;
}

static bool sr_g_unused(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    sr_imgkeys *im = obj;
    im->gfx.has_unused = true;
    return sr_flag(c, kv, &im->gfx.unused);
}

static bool sr_g_display(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    sr_imgkeys *im = obj;
    unsigned long long v;
    bool given;
    if (!sr_ull(c, kv, &v, &given))
        return false;
    if (given && v > 65535 - 5900)
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "vncdisplay: %llu is out of range",
                           v);
    if (given)
        im->gfx.display = (long long)v;
    return true;
}

static bool sr_i_ramdisk(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_dup(c, kv, &c->dom->os.initrd);
}

static bool sr_i_device_model(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    return sr_dup(c, kv, &c->dom->emulator);
}

/* (boot cda): floppy a, disk c, cdrom d, network n; in order. */
static bool sr_i_boot(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    static const struct { char letter; ir_boot_dev dev; } map[] = {
        { 'a', IR_BOOT_FD }, { 'c', IR_BOOT_HD }, { 'd', IR_BOOT_CDROM },
        { 'n', IR_BOOT_NETWORK },
    };
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    c->dom->os.nboot = 0;
    for (; s && *s; s++) {
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(map) && map[k].letter != *s)
            k++;
        if (k == VC_ARRAY_SIZE(map))
            return vc_error_at(c->d, sr_loc(c, kv->kids[1]),
                               "boot: '%c' is not a boot device (a, c, d or n)", *s);
        if (c->dom->os.nboot < IR_BOOT_LAST)
            c->dom->os.boot[c->dom->os.nboot++] = map[k].dev;
    }
    return true;
}

/* acpi, apic, pae, hap, viridian: <features>. */
static bool sr_i_feature(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    bool on;
    if (!sr_flag(c, kv, &on))
        return false;
    if (on)
        ir_domain_add_feature(c->dom, sexpr_head(kv), NULL);
    c->dom->has_features = true;
    return true;
}

static bool sr_i_hpet(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    bool on;
    if (!sr_flag(c, kv, &on))
        return false;
    ir_fragments_add(&c->dom->clock.timers,
                     vc_xasprintf("<timer name='hpet' present='%s'/>", on ? "yes" : "no"),
                     kv->pos);
    return true;
}

/* (rtc_timeoffset N): a clock at an offset from its basis. */
static bool sr_i_rtc_timeoffset(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    const char *s;
    long long v;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return true;
    if (!vc_parse_ll(s, 10, &v))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "rtc_timeoffset: '%s' is not a number",
                           s);
    /* XenD 3.1 writes (rtc_timeoffset 0) for every clock: no offset */
    if (v == 0)
        return true;
    bool lt = c->dom->clock.offset == IR_CLOCK_LOCALTIME;
    c->dom->clock.offset = IR_CLOCK_VARIABLE;
    free(c->dom->clock.adjustment);
    c->dom->clock.adjustment = vc_xstrdup(s);
    free(c->dom->clock.basis);
    c->dom->clock.basis = vc_xstrdup(lt ? "localtime" : "utc");
    return true;
}

/* (usb 1): the HVM guest has a USB controller, which libvirt implies. */
static bool sr_i_usb(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    bool on;
    return sr_flag(c, kv, &on);
}

/* The graphics keys shared by both images and the vfb device. */
#define SR_GFX_KEYS \
    { "vnc", sr_g_vnc }, { "sdl", sr_g_sdl }, { "vncunused", sr_g_unused }, \
    { "vncdisplay", sr_g_display }, { "vnclisten", sr_g_listen }, \
    { "vncpasswd", sr_g_passwd }, { "keymap", sr_g_keymap }, \
    { "display", sr_g_xdisplay }, { "xauthority", sr_g_xauth }

static const sr_key sr_linux_keys[] = {
    { "kernel", sr_i_kernel }, { "ramdisk", sr_i_ramdisk }, { "args", sr_i_args },
    { "root", sr_i_root }, { "localtime", sr_localtime }, { "vcpus", NULL },
    { "device_model", sr_i_device_model }, SR_GFX_KEYS,
};

static const sr_key sr_hvm_keys[] = {
    { "kernel", sr_i_kernel }, { "loader", sr_i_loader }, { "ramdisk", sr_i_ramdisk },
    { "args", sr_i_args }, { "root", sr_i_root }, { "device_model", sr_i_device_model },
    { "boot", sr_i_boot }, { "cdrom", sr_i_cdrom }, { "fda", sr_i_fda }, { "fdb", sr_i_fdb },
    { "acpi", sr_i_feature }, { "apic", sr_i_feature }, { "pae", sr_i_feature },
    { "hap", sr_i_feature }, { "viridian", sr_i_feature }, { "hpet", sr_i_hpet },
    { "localtime", sr_localtime }, { "rtc_timeoffset", sr_i_rtc_timeoffset },
    { "usb", sr_i_usb }, { "usbdevice", sr_i_usbdevice }, { "serial", sr_i_serial },
    { "parallel", sr_i_parallel }, { "soundhw", sr_i_soundhw }, { "vcpus", NULL },
    SR_GFX_KEYS,
};

static ir_device *sr_add(sr_ctx *c, ir_device_kind kind, const sexpr_node *at)
{
    return ir_domain_add_device(c->dom, kind, at ? at->pos : (ir_pos){ 0, 0 });
}

static ir_disk *sr_add_disk(sr_ctx *c, const sexpr_node *at, const char *path,
                            const char *target, ir_disk_device device)
{
    ir_disk *disk = &sr_add(c, IR_DEV_DISK, at)->u.disk;
    disk->type = IR_DISK_TYPE_FILE;
    disk->device = device;
    disk->driver_name = path ? vc_xstrdup("file") : NULL;
    disk->source = vc_xstrdup(path);
    disk->target_dev = vc_xstrdup(target);
    disk->target_bus = ir_disk_bus_from_target(target);
    disk->readonly = device == IR_DISK_DEV_CDROM;
    return disk;
}

static bool sr_has_target(const sr_ctx *c, const char *target)
{
    for (size_t i = 0; i < c->dom->ndevices; i++)
        if (c->dom->devices[i].kind == IR_DEV_DISK &&
            vc_streq(c->dom->devices[i].u.disk.target_dev, target))
            return true;
    return false;
}

static ir_input *sr_add_input(sr_ctx *c, const char *type, const char *bus)
{
    ir_input *in = &sr_add(c, IR_DEV_INPUT, NULL)->u.input;
    in->type = vc_xstrdup(type);
    in->bus = vc_xstrdup(bus);
    return in;
}

static bool sr_usbdevice(sr_ctx *c, const sexpr_node *kv)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return true;
    if (strcmp(s, "mouse") == 0 || strcmp(s, "tablet") == 0 || strcmp(s, "keyboard") == 0) {
        sr_add_input(c, s, "usb");
        return true;
    }
    sr_keep(c, "image/hvm", kv);
    return true;
}

/* (soundhw 'sb16,es1370') or (soundhw all): the models of Xen's
 * qemu-dm, whose "all" is the two ISA/PCI cards it had. */
static bool sr_soundhw(sr_ctx *c, const sexpr_node *kv)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return true;
    if (strcmp(s, "all") == 0)
        s = "sb16,es1370";
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 0)
            return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "soundhw: an empty model");
        sr_add(c, IR_DEV_SOUND, kv)->u.sound.model = vc_xstrndup(s, n);
        s += n + (s[n] == ',');
    }
    return true;
}

/* (serial SPEC) or (serial (SPEC SPEC ...)) where none skips a port. */
static bool sr_chardevs(sr_ctx *c, const sexpr_node *kv, ir_chr_kind kind)
{
    const sexpr_node *v = sr_value_node(kv);
    if (!v)
        return true;
    size_t n = v->is_list ? v->n : 1;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const sexpr_node *a = v->is_list ? v->kids[i] : v;
        if (a->is_list) {
            ok = vc_error_at(c->d, sr_loc(c, a), "%s: expected a device, not a list",
                             sexpr_head(kv));
            continue;
        }
        if (strcmp(a->atom, "none") == 0)
            continue;
        ir_device *dev = sr_add(c, IR_DEV_CHR, a);
        ir_chr *chr = &dev->u.chr;
        const char *why;
        chr->kind = kind;
        chr->target_port = (int)i;
        if (!xen_sxpr_chr_parse(a->atom, chr, &why))
            ok = vc_error_at(c->d, sr_loc(c, a), "%s: '%s' is %s", sexpr_head(kv), a->atom,
                             why);
    }
    return ok;
}

/* The framebuffer: <graphics> from the keys of the image or a vfb. The
 * display of an HVM guest of XenD 3.0.2 (version 1) that names none is
 * 5900 + its domain id; later XenDs pick a free one unless told. */
static void sr_graphics(sr_ctx *c, const sr_gfx *g)
{
    if (!g->vnc && !g->sdl)
        return;
    ir_graphics *gr = &sr_add(c, IR_DEV_GRAPHICS, g->where)->u.graphics;
    if (g->sdl && !g->vnc) {
        gr->type = IR_GFX_SDL;
        gr->display = vc_xstrdup(g->xdisplay);
        gr->xauth = vc_xstrdup(g->xauth);
        return;
    }
    gr->type = IR_GFX_VNC;
    if (g->display >= 0) {
        gr->port = 5900 + (int)g->display;
        gr->autoport = g->has_unused && g->unused ? IR_TRI_YES : IR_TRI_NO;
    } else if (g->has_unused && !g->unused) {
        gr->port = c->dom->id >= 0 ? 5900 + c->dom->id : -1;
        gr->autoport = c->dom->id >= 0 ? IR_TRI_NO : IR_TRI_YES;
    } else if (c->version == 1 && c->hvm && !g->has_unused && c->dom->id >= 0) {
        gr->port = 5900 + c->dom->id;
        gr->autoport = IR_TRI_NO;
    } else {
        gr->port = -1;
        gr->autoport = IR_TRI_YES;
    }
    /* XenD reports where a running guest's server listens */
    const char *colon = g->location ? strrchr(g->location, ':') : NULL;
    int port;
    if (gr->port == -1 && colon && vc_parse_int(colon + 1, &port) && port > 0 && port < 65536)
        gr->port = port;
    gr->listen = vc_xstrdup(g->listen);
    gr->passwd = vc_xstrdup(g->passwd);
    gr->keymap = vc_xstrdup(g->keymap);
}

/* The image is lifted after the devices, so that what it adds (the HVM
 * cdrom of XenD 3.0.2, serial ports, inputs) follows them as in libvirt. */
static bool sr_image_key(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    if (c->image)
        return vc_error_at(c->d, sr_loc(c, kv), "image: given twice");
    c->image = kv;
    return true;
}

static bool sr_image(sr_ctx *c, const sexpr_node *kv)
{
    const sexpr_node *body = kv->n == 2 ? kv->kids[1] : NULL;
    const char *kind = sexpr_head(body);
    if (!kind || (strcmp(kind, "linux") != 0 && strcmp(kind, "hvm") != 0))
        return vc_error_at(c->d, sr_loc(c, kv),
                           "image: expected (image (linux ...)) or (image (hvm ...))");
    bool hvm = strcmp(kind, "hvm") == 0;
    sr_imgkeys im = { .gfx = { .display = -1 } };
    bool ok = hvm ? SR_APPLY(c, body, sr_hvm_keys, "image/hvm", &im)
                  : SR_APPLY(c, body, sr_linux_keys, "image/linux", &im);
    ir_os *os = &c->dom->os;
    free(os->type);
    os->type = vc_xstrdup(hvm ? "hvm" : "linux");
    /* an HVM image's kernel is hvmloader, unless (loader) names that */
    if (hvm && !im.loader) {
        os->loader = vc_xstrdup(im.kernel);
    } else {
        os->loader = vc_xstrdup(im.loader);
        os->kernel = vc_xstrdup(im.kernel);
    }
    if (im.root && im.args)
        os->cmdline = vc_xasprintf("root=%s %s", im.root, im.args);
    else if (im.root)
        os->cmdline = vc_xasprintf("root=%s", im.root);
    else
        os->cmdline = vc_xstrdup(im.args);
    if (hvm && im.cdrom && !sr_has_target(c, "hdc"))
        sr_add_disk(c, body, im.cdrom, "hdc", IR_DISK_DEV_CDROM);
    if (hvm && im.fda)
        sr_add_disk(c, body, im.fda, "fda", IR_DISK_DEV_FLOPPY);
    if (hvm && im.fdb)
        sr_add_disk(c, body, im.fdb, "fdb", IR_DISK_DEV_FLOPPY);
    if (im.serial)
        ok = sr_chardevs(c, im.serial, IR_CHRDEV_SERIAL) && ok;
    if (im.parallel)
        ok = sr_chardevs(c, im.parallel, IR_CHRDEV_PARALLEL) && ok;
    if (im.usbdevice)
        ok = sr_usbdevice(c, im.usbdevice) && ok;
    if (im.soundhw)
        ok = sr_soundhw(c, im.soundhw) && ok;
    if (!c->has_vfb)
        sr_graphics(c, &im.gfx);
    return ok;
}

/* ---- devices ------------------------------------------------------------ */

/* uname's driver prefix: what the backend is and whether a path is a file. */
static const struct {
    const char *prefix;
    const char *driver;
    ir_disk_type type;
    bool subtype;            /* tap:aio:PATH: the next field is the image format */
} sr_unames[] = {
    { "phy", "phy", IR_DISK_TYPE_BLOCK, false },
    { "file", "file", IR_DISK_TYPE_FILE, false },
    { "tap", "tap", IR_DISK_TYPE_FILE, true },
    { "tap2", "tap2", IR_DISK_TYPE_FILE, true },
};

static bool sr_uname(sr_ctx *c, const sexpr_node *kv, ir_disk *disk)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return true;
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : 0;
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(sr_unames) &&
           !(strlen(sr_unames[k].prefix) == n && strncmp(s, sr_unames[k].prefix, n) == 0))
        k++;
    if (k == VC_ARRAY_SIZE(sr_unames))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]),
                           "uname: unknown disk prefix in '%s' (phy:, file:, tap:, tap2:)", s);
    const char *path = colon + 1;
    disk->type = sr_unames[k].type;
    disk->driver_name = vc_xstrdup(sr_unames[k].driver);
    if (sr_unames[k].subtype) {
        const char *c2 = strchr(path, ':');
        if (!c2 || c2 == path)
            return vc_error_at(c->d, sr_loc(c, kv->kids[1]),
                               "uname: '%s' names no image format (%s:aio:PATH)", s,
                               sr_unames[k].prefix);
        disk->driver_type = vc_xstrndup(path, (size_t)(c2 - path));
        path = c2 + 1;
    }
    if (*path)
        disk->source = vc_xstrdup(path);
    return true;
}

/* (dev 'ioemu:hda'), (dev 'hdc:cdrom'), (dev xvda:disk), (dev xvda). */
static bool sr_vbd_dev(sr_ctx *c, const sexpr_node *kv, ir_disk *disk)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return vc_error_at(c->d, sr_loc(c, kv), "dev: no disk name");
    if (vc_str_has_prefix(s, "ioemu:"))
        s += 6;
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    disk->target_dev = vc_xstrndup(s, n);
    if (ir_disk_target_index(disk->target_dev) < 0)
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "dev: '%s' is not a disk name", s);
    if (colon && strcmp(colon, ":cdrom") == 0)
        disk->device = IR_DISK_DEV_CDROM;
    else if (colon && strcmp(colon, ":disk") != 0)
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]),
                           "dev: '%s': expected NAME, NAME:disk or NAME:cdrom", s);
    disk->target_bus = ir_disk_bus_from_target(disk->target_dev);
    return true;
}

static bool sr_vbd_mode(sr_ctx *c, const sexpr_node *kv, ir_disk *disk)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (vc_streq(s, "r") || vc_streq(s, "ro"))
        disk->readonly = true;
    else if (vc_streq(s, "w!"))
        disk->shareable = true;
    else if (s && !vc_streq(s, "w") && !vc_streq(s, "rw"))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "mode: '%s' is not r, w or w!", s);
    return true;
}

#define SR_DISK_FN(fn, impl) \
    static bool fn(sr_ctx *c, const sexpr_node *kv, void *obj) \
    { return impl(c, kv, (ir_disk *)obj); }
SR_DISK_FN(sr_d_dev, sr_vbd_dev)
SR_DISK_FN(sr_d_uname, sr_uname)
SR_DISK_FN(sr_d_mode, sr_vbd_mode)

/* backend 0 is dom0, the default; uuid, protocol and bootable are XenD's
 * own bookkeeping for a device it created. */
static const sr_key sr_vbd_keys[] = {
    { "dev", sr_d_dev }, { "uname", sr_d_uname }, { "mode", sr_d_mode },
    { "backend", NULL }, { "uuid", NULL }, { "protocol", NULL }, { "bootable", NULL },
};

static bool sr_vbd(sr_ctx *c, const sexpr_node *body)
{
    ir_disk *disk = &sr_add(c, IR_DEV_DISK, body)->u.disk;
    disk->type = IR_DISK_TYPE_FILE;
    disk->device = IR_DISK_DEV_DISK;
    if (!SR_APPLY(c, body, sr_vbd_keys, sexpr_head(body), disk))
        return false;
    if (!disk->target_dev)
        return vc_error_at(c->d, sr_loc(c, body), "%s: no (dev ...)", sexpr_head(body));
    if (!disk->source && disk->device != IR_DISK_DEV_CDROM)
        return vc_error_at(c->d, sr_loc(c, body), "%s: disk '%s' has no (uname ...)",
                           sexpr_head(body), disk->target_dev);
    if (vc_str_has_prefix(disk->target_dev, "fd"))
        disk->device = IR_DISK_DEV_FLOPPY;
    if (disk->device == IR_DISK_DEV_CDROM)
        disk->readonly = true;
    return true;
}

static bool sr_vif_mac(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    ir_net *net = obj;
    const char *s;
    unsigned char mac[6];
    char buf[18];
    if (!sr_str(c, kv, &s))
        return false;
    if (!s || !ir_mac_parse(s, mac))
        return vc_error_at(c->d, sr_loc(c, kv), "mac: '%s' is not a MAC address", s ? s : "");
    ir_mac_format(mac, buf);
    net->mac = vc_xstrdup(buf);
    return true;
}

#define SR_NET_FIELD(fn, field) \
    static bool fn(sr_ctx *c, const sexpr_node *kv, void *obj) \
    { return sr_dup(c, kv, &((ir_net *)obj)->field); }
SR_NET_FIELD(sr_n_bridge, source_bridge)
SR_NET_FIELD(sr_n_script, script)
SR_NET_FIELD(sr_n_ip, ip_address)
SR_NET_FIELD(sr_n_model, model)
SR_NET_FIELD(sr_n_vifname, target_dev)

/* (type ioemu) is an emulated card (the model says which); (type netfront)
 * a paravirtual one only. */
static bool sr_n_type(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    ir_net *net = obj;
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (vc_streq(s, "netfront")) {
        free(net->model);
        net->model = vc_xstrdup("netfront");
    } else if (s && !vc_streq(s, "ioemu")) {
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "type: '%s' is not ioemu or netfront",
                           s);
    }
    return true;
}

static const sr_key sr_vif_keys[] = {
    { "mac", sr_vif_mac }, { "bridge", sr_n_bridge }, { "script", sr_n_script },
    { "ip", sr_n_ip }, { "model", sr_n_model }, { "type", sr_n_type },
    { "vifname", sr_n_vifname }, { "backend", NULL }, { "uuid", NULL },
};

static bool sr_vif(sr_ctx *c, const sexpr_node *body)
{
    ir_net *net = &sr_add(c, IR_DEV_INTERFACE, body)->u.net;
    char path[32];
    snprintf(path, sizeof(path), "vif/%d", c->nvif);
    bool ok = SR_APPLY(c, body, sr_vif_keys, path, net);
    net->type = net->source_bridge ? IR_NET_BRIDGE : IR_NET_ETHERNET;
    /* XenD names the backend interface vif<domid>.<index> */
    if (!net->target_dev && c->dom->id >= 0)
        net->target_dev = vc_xasprintf("vif%d.%d", c->dom->id, c->nvif);
    c->nvif++;
    return ok;
}

static bool sr_pci_field(sr_ctx *c, const sexpr_node *dev, const char *key, unsigned max,
                         unsigned *out)
{
    const sexpr_node *kv = sexpr_find(dev, key);
    const char *s;
    unsigned long long v;
    if (!kv)
        return vc_error_at(c->d, sr_loc(c, dev), "pci: dev has no (%s ...)", key);
    if (!sr_str(c, kv, &s))
        return false;
    if (!s || !vc_parse_ull(s, 16, &v) || v > max)
        return vc_error_at(c->d, sr_loc(c, kv), "pci: %s '%s' is not a number up to 0x%x", key,
                           s ? s : "", max);
    *out = (unsigned)v;
    return true;
}

/* (pci (backend 0) (dev (domain 0x0001) (bus 0x0c) (slot 0x1b) (func 0x2)) ...) */
static bool sr_pci(sr_ctx *c, const sexpr_node *body)
{
    bool ok = true;
    for (size_t i = 1; i < body->n; i++) {
        const sexpr_node *kv = body->kids[i];
        const char *key = sexpr_head(kv);
        if (vc_streq(key, "backend"))
            continue;
        if (!vc_streq(key, "dev")) {
            sr_keep(c, "pci", kv);
            continue;
        }
        ir_hostdev *h = &sr_add(c, IR_DEV_HOSTDEV, kv)->u.hostdev;
        ir_address *a = &h->source_addr;
        h->type = IR_HOSTDEV_PCI;
        h->mode = vc_xstrdup("subsystem");
        h->managed = IR_TRI_NO;
        a->type = IR_ADDR_PCI;
        a->has_bus = a->has_slot = a->has_function = true;
        ok = sr_pci_field(c, kv, "domain", 0xffff, &a->domain) && ok;
        ok = sr_pci_field(c, kv, "bus", 0xff, &a->bus) && ok;
        ok = sr_pci_field(c, kv, "slot", 0x1f, &a->slot) && ok;
        ok = sr_pci_field(c, kv, "func", 0x7, &a->function) && ok;
    }
    return ok;
}

static const sr_key sr_vfb_keys[] = {
    { "type", sr_g_type }, SR_GFX_KEYS, { "location", sr_g_location },
    { "backend", NULL }, { "uuid", NULL },
};

static bool sr_vfb(sr_ctx *c, const sexpr_node *body)
{
    sr_imgkeys im = { .gfx = { .display = -1 } };
    /* XenD 3.1 also reports the VNC server of an HVM image as a vfb with
     * no type: the image's keys say it already */
    if (!sexpr_find(body, "type") && c->image_gfx)
        return true;
    bool ok = SR_APPLY(c, body, sr_vfb_keys, "vfb", &im);
    if (!sexpr_find(body, "type") && !im.gfx.sdl) {
        im.gfx.vnc = true;
        im.gfx.where = body;
    }
    sr_graphics(c, &im.gfx);
    return ok;
}

static bool sr_device(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    const sexpr_node *body = kv->n == 2 ? kv->kids[1] : NULL;
    const char *kind = sexpr_head(body);
    if (!kind)
        return vc_error_at(c->d, sr_loc(c, kv), "device: expected (device (KIND ...))");
    if (strcmp(kind, "vbd") == 0 || strcmp(kind, "tap") == 0 || strcmp(kind, "tap2") == 0)
        return sr_vbd(c, body);
    if (strcmp(kind, "vif") == 0)
        return sr_vif(c, body);
    if (strcmp(kind, "pci") == 0)
        return sr_pci(c, body);
    if (strcmp(kind, "vfb") == 0)
        return sr_vfb(c, body);
    /* the keyboard of a vfb (implied by it); the console XenD reports */
    if (strcmp(kind, "vkbd") == 0 || strcmp(kind, "console") == 0)
        return true;
    sr_keep(c, "device", kv);
    return true;
}

/* ---- the whole document -------------------------------------------------- */

/* What libvirt's Xen driver implies for every guest. */
static void sr_implied(sr_ctx *c)
{
    ir_domain *dom = c->dom;
    size_t serial0 = dom->ndevices;
    bool gfx = false;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *dev = &dom->devices[i];
        if (dev->kind == IR_DEV_CHR && dev->u.chr.kind == IR_CHRDEV_SERIAL &&
            serial0 == dom->ndevices)
            serial0 = i;
        gfx = gfx || dev->kind == IR_DEV_GRAPHICS;
    }
    bool has_serial = serial0 < dom->ndevices;
    if (!c->hvm || has_serial) {
        ir_chr *con = &ir_domain_add_device(dom, IR_DEV_CHR, (ir_pos){ 0, 0 })->u.chr;
        con->kind = IR_CHRDEV_CONSOLE;
        if (has_serial) {
            /* the console of an HVM guest is its first serial port */
            const ir_chr *s = &dom->devices[serial0].u.chr;
            con->type = s->type;
            con->path = vc_xstrdup(s->path);
            con->mode = vc_xstrdup(s->mode);
            con->host = vc_xstrdup(s->host);
            con->service = vc_xstrdup(s->service);
            con->bind_host = vc_xstrdup(s->bind_host);
            con->bind_service = vc_xstrdup(s->bind_service);
            con->protocol = vc_xstrdup(s->protocol);
            con->target_type = vc_xstrdup("serial");
            con->target_port = s->target_port;
        } else {
            con->type = IR_CHR_PTY;
            con->target_type = vc_xstrdup("xen");
            con->target_port = 0;
        }
    }
    if (gfx) {
        sr_add_input(c, "mouse", c->hvm ? "ps2" : "xen");
        sr_add_input(c, "keyboard", c->hvm ? "ps2" : "xen");
    }
    if (!dom->clock.offset)
        dom->clock.offset = IR_CLOCK_UTC;
    if (!dom->vcpus)
        dom->vcpus = 1;
    if (dom->vcpus_current >= dom->vcpus)
        dom->vcpus_current = 0;
    if (!dom->memory_kib || dom->memory_kib < dom->current_memory_kib)
        dom->memory_kib = dom->current_memory_kib;
    if (!dom->current_memory_kib)
        dom->current_memory_kib = dom->memory_kib;
}

/* The image decides what the devices mean (an HVM guest's hda is IDE), so
 * it is found first. */
static void sr_find_kind(sr_ctx *c, const sexpr_node *root)
{
    const sexpr_node *image = sexpr_find(root, "image");
    c->hvm = image && image->n == 2 && vc_streq(sexpr_head(image->kids[1]), "hvm");
    for (size_t i = 1; i < root->n; i++)
        if (vc_streq(sexpr_head(root->kids[i]), "device") && root->kids[i]->n == 2 &&
            vc_streq(sexpr_head(root->kids[i]->kids[1]), "vfb") &&
            sexpr_find(root->kids[i]->kids[1], "type"))
            c->has_vfb = true;
    const sexpr_node *body = image && image->n == 2 ? image->kids[1] : NULL;
    c->image_gfx = sexpr_find(body, "vnc") || sexpr_find(body, "sdl");
}

static bool sr_check(sr_ctx *c, const sexpr_node *root)
{
    bool ok = true;
    if (!c->dom->name)
        ok = vc_error_at(c->d, sr_loc(c, root), "%s: no (name ...)", sexpr_head(root));
    if (!c->dom->memory_kib && !c->dom->current_memory_kib)
        ok = vc_error_at(c->d, sr_loc(c, root), "%s: no (memory ...)", sexpr_head(root));
    if (!sexpr_find(root, "image") && !c->dom->bootloader)
        ok = vc_error_at(c->d, sr_loc(c, root), "%s: no (image ...) and no (bootloader ...)",
                         sexpr_head(root));
    for (size_t i = 0; i < c->dom->ndevices; i++)
        for (size_t j = 0; j < i; j++) {
            const ir_device *a = &c->dom->devices[i], *b = &c->dom->devices[j];
            if (a->kind == IR_DEV_DISK && b->kind == IR_DEV_DISK &&
                vc_streq(a->u.disk.target_dev, b->u.disk.target_dev))
                ok = vc_error_at(c->d, (vc_loc){ c->file, a->pos.line, a->pos.column },
                                 "disk '%s' is given twice", a->u.disk.target_dev);
        }
    return ok;
}

ir_domain *xen_sxpr_to_domain(const char *text, size_t len, const char *file, int version,
                              vc_diags *d)
{
    sexpr_node *root = sexpr_parse(text, len, file, d);
    if (!root)
        return NULL;
    sr_ctx c = { .file = file, .version = version ? version : XEN_SXPR_VERSION_DEFAULT,
                 .d = d, .dom = ir_domain_new() };
    vc_buf_init(&c.keep);
    vc_buf_init(&c.state);
    c.dom->type = IR_VIRT_XEN;
    c.dom->pos = root->pos;
    const char *head = sexpr_head(root);
    bool ok;
    if (!vc_streq(head, "domain") && !vc_streq(head, "vm")) {
        ok = vc_error_at(d, sr_loc(&c, root), "expected (domain ...) or (vm ...), not (%s ...)",
                         head ? head : "");
    } else {
        sr_find_kind(&c, root);
        if (!sexpr_find(root, "image"))
            c.dom->os.type = vc_xstrdup("linux");
        ok = SR_APPLY(&c, root, sr_top_keys, "", NULL);
        if (c.image)
            ok = sr_image(&c, c.image) && ok;
        ok = ok && sr_check(&c, root);
    }
    if (ok) {
        sr_implied(&c);
        if (c.keep.len) {
            vc_buf_puts(&c.keep, "</metadata>");
            c.dom->metadata = vc_buf_steal(&c.keep);
        }
        if (c.state.len)
            vc_warn_at(d, sr_loc(&c, root), "XenD's run-time state is not configuration: "
                       "not kept: %s", vc_buf_str(&c.state));
    }
    vc_buf_free(&c.keep);
    vc_buf_free(&c.state);
    sexpr_free(root);
    if (!ok) {
        ir_domain_free(c.dom);
        return NULL;
    }
    return c.dom;
}
