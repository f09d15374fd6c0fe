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

#include "sexpr.h"
#include "sxpr.h"
#include "xen_map.h"

typedef struct sr_ctx {
    const char *file;
    int version;
    vc_diags *d;
    ir_domain *dom;
    bool hvm;
    bool has_vfb;              /* a (device (vfb ...)): the image's VNC keys are old news */
    const sexpr_node *image;   /* (image ...), lifted after the devices */
    bool image_gfx;            /* the image has (vnc ...) or (sdl ...) */
    bool localtime;            /* (localtime 1), top level or in the image */
    const char *rtc_timeoffset;
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
    bool lt = false;
    if (!sr_flag(c, kv, &lt))
        return false;
    c->localtime = c->localtime || lt;
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

/* The keys of an image (and of a vfb) handed on to the mapping. */
typedef struct sr_imgkeys {
    xen_kvs gfx;               /* vnc, sdl, vncunused, vncdisplay, ... (xen_vfb_to_ir) */
    const sexpr_node *gfx_at;
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

#define SR_IMG_NODE(fn, field) \
    static bool fn(sr_ctx *c, const sexpr_node *kv, void *obj) \
    { (void)c; ((sr_imgkeys *)obj)->field = kv; return true; }

SR_IMG_NODE(sr_i_serial, serial)
SR_IMG_NODE(sr_i_parallel, parallel)
SR_IMG_NODE(sr_i_soundhw, soundhw)
SR_IMG_NODE(sr_i_usbdevice, usbdevice)

/* A framebuffer key: its value goes to the mapping as key=value. */
static bool sr_g_key(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    sr_imgkeys *im = obj;
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s)
        return true;
    xen_kvs_add(&im->gfx, sexpr_head(kv), s, sr_loc(c, kv));
    if (!im->gfx_at)
        im->gfx_at = kv;
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

/* (boot cda): the mapping's boot letters. */
static bool sr_i_boot(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    c->dom->os.nboot = 0;
    return !s || xen_boot_parse(s, sr_loc(c, kv->kids[1]), &c->dom->os, c->d);
}

/* acpi, apic, pae, hap, viridian: <features>. */
static bool sr_i_feature(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    bool on = false;
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
    bool on = false;
    if (!sr_flag(c, kv, &on))
        return false;
    xen_timer_set(c->dom, "hpet", on);
    return true;
}

/* (rtc_timeoffset N): seconds from the clock's basis (the mapping sets
 * the clock once everything is read). */
static bool sr_i_rtc_timeoffset(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    const char *s;
    long long v;
    if (!sr_str(c, kv, &s))
        return false;
    if (s && !vc_parse_ll(s, 10, &v))
        return vc_error_at(c->d, sr_loc(c, kv->kids[1]), "rtc_timeoffset: '%s' is not a number",
                           s);
    c->rtc_timeoffset = s;
    return true;
}

/* (usb 1): the HVM guest has a USB controller, which libvirt implies. */
static bool sr_i_usb(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    (void)obj;
    bool on = false;
    return sr_flag(c, kv, &on);
}

/* The graphics keys shared by both images and the vfb device. */
#define SR_GFX_KEYS \
    { "vnc", sr_g_key }, { "sdl", sr_g_key }, { "vncunused", sr_g_key }, \
    { "vncdisplay", sr_g_key }, { "vnclisten", sr_g_key }, { "vncpasswd", sr_g_key }, \
    { "keymap", sr_g_key }, { "display", sr_g_key }, { "xauthority", sr_g_key }

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

/* A disk the image names (XenD 3.0.2's HVM cdrom, the floppies): what
 * (device (vbd (uname 'file:PATH') (dev TARGET))) would have said. */
static bool sr_add_disk(sr_ctx *c, const sexpr_node *at, const char *path, const char *target)
{
    ir_disk *disk = &sr_add(c, IR_DEV_DISK, at)->u.disk;
    char *uname = vc_xasprintf("file:%s", path);
    bool ok = xen_disk_set_uname(disk, uname, sr_loc(c, at), c->d) &&
              xen_disk_set_dev(disk, target, sr_loc(c, at), c->d);
    if (disk->device == IR_DISK_DEV_CDROM || !strcmp(target, "hdc")) {
        disk->device = IR_DISK_DEV_CDROM;
        disk->readonly = true;
    }
    free(uname);
    return ok;
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
        bool none;
        if (!xen_chr_to_ir(a->atom, kind, (int)i, sr_loc(c, a), c->dom, &none, c->d) && !none)
            ok = false;
    }
    return ok;
}

/* The framebuffer: <graphics> from the keys of the image or a vfb,
 * through the mapping. The display of an HVM guest of XenD 3.0.2
 * (version 1) that names none is 5900 + its domain id (later XenDs pick a
 * free one); a running guest's (vncdisplay N) says which one it got even
 * with (vncunused 1). */
static bool sr_graphics(sr_ctx *c, const xen_kvs *kv, const sexpr_node *at)
{
    size_t before = c->dom->ndevices;
    if (!xen_vfb_to_ir(kv, c->dom, c->d))
        return false;
    if (c->dom->ndevices == before)
        return true;
    ir_device *dev = &c->dom->devices[c->dom->ndevices - 1];
    ir_graphics *g = &dev->u.graphics;
    dev->pos = at ? at->pos : dev->pos;
    if (g->type != IR_GFX_VNC || g->port != -1)
        return true;
    const xen_kv *disp = xen_kvs_find(kv, "vncdisplay");
    int n;
    if (disp && disp->value && vc_parse_int(disp->value, &n) && n >= 0 && n <= 65535 - 5900) {
        g->port = 5900 + n;
    } else if (c->version == 1 && c->hvm && !xen_kvs_find(kv, "vncunused") && c->dom->id >= 0) {
        g->port = 5900 + c->dom->id;
        g->autoport = IR_TRI_NO;
    }
    return true;
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
    sr_imgkeys im = { 0 };
    bool ok = hvm ? SR_APPLY(c, body, sr_hvm_keys, "image/hvm", &im)
                  : SR_APPLY(c, body, sr_linux_keys, "image/linux", &im);
    ir_os *os = &c->dom->os;
    /* an HVM image's kernel is hvmloader, unless (loader) names that */
    if (hvm && !im.loader) {
        os->loader = vc_xstrdup(im.kernel);
    } else {
        os->loader = vc_xstrdup(im.loader);
        os->kernel = vc_xstrdup(im.kernel);
    }
    os->cmdline = xen_cmdline_join(NULL, im.root, im.args);
    if (hvm && im.cdrom && !sr_has_target(c, "hdc"))
        ok = sr_add_disk(c, body, im.cdrom, "hdc") && ok;
    if (hvm && im.fda)
        ok = sr_add_disk(c, body, im.fda, "fda") && ok;
    if (hvm && im.fdb)
        ok = sr_add_disk(c, body, im.fdb, "fdb") && ok;
    if (im.serial)
        ok = sr_chardevs(c, im.serial, IR_CHRDEV_SERIAL) && ok;
    if (im.parallel)
        ok = sr_chardevs(c, im.parallel, IR_CHRDEV_PARALLEL) && ok;
    if (im.usbdevice)
        ok = sr_usbdevice(c, im.usbdevice) && ok;
    if (im.soundhw)
        ok = sr_soundhw(c, im.soundhw) && ok;
    if (!c->has_vfb)
        ok = sr_graphics(c, &im.gfx, im.gfx_at) && ok;
    xen_kvs_free(&im.gfx);
    return ok;
}

/* ---- devices ------------------------------------------------------------ */

/* (uname 'phy:/dev/x'), (dev 'ioemu:hda'), (mode 'w'): the mapping's
 * legacy disk spec, one part a key. */
static bool sr_disk_part(sr_ctx *c, const sexpr_node *kv, ir_disk *disk,
                         bool (*set)(ir_disk *, const char *, vc_loc, vc_diags *))
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    if (!s && set == xen_disk_set_dev)
        return vc_error_at(c->d, sr_loc(c, kv), "dev: no disk name");
    return !s || set(disk, s, sr_loc(c, kv->kids[1]), c->d);
}

/* (uname '') is the xm spec's empty source, an empty drive on phy
 * (xen_disk_set_uname); a drive without (uname) names no back end. */
static bool sr_uname(sr_ctx *c, const sexpr_node *kv, ir_disk *disk)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    return xen_disk_set_uname(disk, s ? s : "", sr_loc(c, kv->n > 1 ? kv->kids[1] : kv), c->d);
}

static bool sr_vbd_dev(sr_ctx *c, const sexpr_node *kv, ir_disk *disk)
{
    return sr_disk_part(c, kv, disk, xen_disk_set_dev);
}

static bool sr_vbd_mode(sr_ctx *c, const sexpr_node *kv, ir_disk *disk)
{
    return sr_disk_part(c, kv, disk, xen_disk_set_mode);
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
    /* an empty drive without (uname): nothing names a back end, so the disk
     * keeps the default file type and no driver; (uname '') is read as the
     * xm spec's empty source (xen_disk_set_uname) */
    if (disk->device == IR_DISK_DEV_CDROM)
        disk->readonly = true;
    return true;
}

/* A vif key the mapping reads: handed on as key=value. */
static bool sr_vif_key(sr_ctx *c, const sexpr_node *kv, void *obj)
{
    const char *s;
    if (!sr_str(c, kv, &s))
        return false;
    /* XenD says netfront where xm/xl say vif */
    if (vc_streq(sexpr_head(kv), "type") && vc_streq(s, "netfront"))
        s = "vif";
    if (s)
        xen_kvs_add(obj, sexpr_head(kv), s, sr_loc(c, kv));
    return true;
}

/* backend 0 is dom0, the default; uuid is XenD's own bookkeeping. */
static const sr_key sr_vif_keys[] = {
    { "mac", sr_vif_key }, { "bridge", sr_vif_key }, { "script", sr_vif_key },
    { "ip", sr_vif_key }, { "model", sr_vif_key }, { "type", sr_vif_key },
    { "vifname", sr_vif_key }, { "rate", sr_vif_key }, { "backend", NULL }, { "uuid", NULL },
};

static bool sr_vif(sr_ctx *c, const sexpr_node *body)
{
    xen_kvs kv = { 0 };
    char path[32];
    snprintf(path, sizeof(path), "vif/%d", c->nvif);
    bool ok = SR_APPLY(c, body, sr_vif_keys, path, &kv);
    /* XenD names the backend interface vif<domid>.<index> */
    if (!xen_kvs_find(&kv, "vifname") && c->dom->id >= 0) {
        char *name = vc_xasprintf("vif%d.%d", c->dom->id, c->nvif);
        xen_kvs_add(&kv, "vifname", name, sr_loc(c, body));
        free(name);
    }
    size_t before = c->dom->ndevices;
    ok = ok && xen_vif_to_ir(&kv, c->hvm ? XEN_KIND_HVM : XEN_KIND_PV, XEN_SXPR, c->dom, c->d);
    if (ok && c->dom->ndevices > before)
        c->dom->devices[before].pos = body->pos;
    c->nvif++;
    xen_kvs_free(&kv);
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
        unsigned dom = 0, bus = 0, slot = 0, fn = 0;
        bool fields = sr_pci_field(c, kv, "domain", 0xffff, &dom) &&
                      sr_pci_field(c, kv, "bus", 0xff, &bus) &&
                      sr_pci_field(c, kv, "slot", 0x1f, &slot) &&
                      sr_pci_field(c, kv, "func", 0x7, &fn);
        char *addr = vc_xasprintf("%04x:%02x:%02x.%x", dom, bus, slot, fn);
        ok = fields && xen_pci_to_ir(addr, sr_loc(c, kv), c->dom, c->d) && ok;
        free(addr);
    }
    return ok;
}

static const sr_key sr_vfb_keys[] = {
    { "type", sr_g_key }, SR_GFX_KEYS, { "location", NULL },
    { "backend", NULL }, { "uuid", NULL },
};

static bool sr_vfb(sr_ctx *c, const sexpr_node *body)
{
    sr_imgkeys im = { 0 };
    /* XenD 3.1 also reports the VNC server of an HVM image as a vfb with
     * no type: the image's keys say it already */
    if (!sexpr_find(body, "type") && c->image_gfx)
        return true;
    bool ok = SR_APPLY(c, body, sr_vfb_keys, "vfb", &im);
    if (!xen_kvs_find(&im.gfx, "type") && !xen_kvs_find(&im.gfx, "sdl"))
        xen_kvs_add(&im.gfx, "type", "vnc", sr_loc(c, body));
    ok = ok && sr_graphics(c, &im.gfx, body);
    xen_kvs_free(&im.gfx);
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

/* What the mapping settles once everything is read: the builder, the
 * clock, libvirt's defaults (console, inputs, controllers, balloon). */
static void sr_finish(sr_ctx *c)
{
    ir_domain *dom = c->dom;
    xen_domain_set_kind(dom, c->hvm ? XEN_KIND_HVM : XEN_KIND_PV);
    xen_clock_to_ir(dom, c->localtime, c->rtc_timeoffset);
    if (!dom->vcpus)
        dom->vcpus = 1;
    if (dom->vcpus_current >= dom->vcpus)
        dom->vcpus_current = 0;
    if (!dom->memory_kib || dom->memory_kib < dom->current_memory_kib)
        dom->memory_kib = dom->current_memory_kib;
    if (!dom->current_memory_kib)
        dom->current_memory_kib = dom->memory_kib;
    xen_fill_defaults(dom);
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
        ok = SR_APPLY(&c, root, sr_top_keys, "", NULL);
        if (c.image)
            ok = sr_image(&c, c.image) && ok;
        ok = ok && sr_check(&c, root);
    }
    if (ok) {
        sr_finish(&c);
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
