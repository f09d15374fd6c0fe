/*
 * argv.c: the launch object, its rendering, the environment, and the driver
 * of the qemu-argv emitter (see argv.h, argv_priv.h).
 */
#include "argv_priv.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- launch ------------------------------------------------------------- */

static const char *const qemu_res_kind_names[QEMU_RES_LAST] = {
    [QEMU_RES_FILE] = "file", [QEMU_RES_BLOCK] = "block", [QEMU_RES_DIR] = "dir",
    [QEMU_RES_CHARDEV] = "chardev", [QEMU_RES_SOCKET] = "socket", [QEMU_RES_TAP] = "tap",
    [QEMU_RES_PCI] = "pci", [QEMU_RES_USB] = "usb", [QEMU_RES_USB_ID] = "usb-id",
};

const char *qemu_res_kind_name(qemu_res_kind k)
{
    return (unsigned)k < QEMU_RES_LAST ? qemu_res_kind_names[k] : NULL;
}

static qemu_launch *qemu_launch_new(void)
{
    qemu_launch *l = vc_xcalloc(1, sizeof(*l));
    vc_strv_init(&l->env);
    vc_strv_init(&l->argv);
    vc_diags_init(&l->warnings);
    return l;
}

void qemu_launch_free(qemu_launch *l)
{
    if (!l)
        return;
    vc_strv_free(&l->env);
    vc_strv_free(&l->argv);
    for (size_t i = 0; i < l->nres; i++)
        free(l->res[i].path);
    free(l->res);
    vc_diags_free(&l->warnings);
    free(l);
}

/* ---- quoting ------------------------------------------------------------ */

/* Characters no POSIX shell treats specially anywhere in a word. '~' and '#'
 * are special at a word's start, so they are simply not in the set. */
#define QEMU_SHELL_SAFE \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-"

static bool qemu_needs_quote(const char *w)
{
    return !*w || w[strspn(w, QEMU_SHELL_SAFE)] != '\0';
}

static void qemu_quote_always(vc_buf *b, const char *word)
{
    vc_buf_putc(b, '\'');
    for (const char *s = word;;) {
        size_t run = strcspn(s, "'");
        vc_buf_add(b, s, run);
        if (!s[run])
            break;
        vc_buf_puts(b, "'\\''");
        s += run + 1;
    }
    vc_buf_putc(b, '\'');
}

void qemu_shell_quote(vc_buf *b, const char *word)
{
    if (qemu_needs_quote(word))
        qemu_quote_always(b, word);
    else
        vc_buf_puts(b, word);
}

char *qemu_launch_render(const qemu_launch *l)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < l->env.n; i++) {
        /* NAME=VALUE: only the value may be quoted, or the shell would take
         * the whole word for a command. */
        const char *e = l->env.v[i];
        const char *eq = strchr(e, '=');
        size_t nlen = eq ? (size_t)(eq - e) : strlen(e);
        vc_buf_add(&b, e, nlen);
        vc_buf_putc(&b, '=');
        const char *val = eq ? eq + 1 : "";
        if (*val)
            qemu_shell_quote(&b, val);
        vc_buf_putc(&b, ' ');
    }
    for (size_t i = 0; i < l->argv.n; i++) {
        if (i)
            vc_buf_putc(&b, ' ');
        /* After the assignments, a first word holding '=' would be read as
         * one more assignment. */
        if (i == 0 && strchr(l->argv.v[i], '='))
            qemu_quote_always(&b, l->argv.v[i]);
        else
            qemu_shell_quote(&b, l->argv.v[i]);
    }
    return vc_buf_steal(&b);
}

/* QEMU's option syntax doubles a comma inside a value; the runs between
 * commas are copied whole. */
void qemu_opt_escape(vc_buf *b, const char *value)
{
    for (const char *s = value;;) {
        const char *comma = strchr(s, ',');
        if (!comma) {
            vc_buf_puts(b, s);
            break;
        }
        vc_buf_add(b, s, (size_t)(comma - s) + 1);
        vc_buf_putc(b, ',');
        s = comma + 1;
    }
}

void qemu_opt_add(vc_buf *b, const char *key, const char *value)
{
    if (b->len)
        vc_buf_putc(b, ',');
    vc_buf_puts(b, key);
    vc_buf_putc(b, '=');
    qemu_opt_escape(b, value);
}

/* ---- context helpers ----------------------------------------------------- */

void qemu_arg(qemu_ctx *x, const char *a)
{
    vc_strv_add(&x->launch->argv, a);
}

void qemu_arg2(qemu_ctx *x, const char *opt, const char *value)
{
    vc_strv_add(&x->launch->argv, opt);
    vc_strv_add(&x->launch->argv, value);
}

void qemu_arg2_take(qemu_ctx *x, const char *opt, char *value)
{
    vc_strv_add(&x->launch->argv, opt);
    vc_strv_take(&x->launch->argv, value);
}

void qemu_argf(qemu_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_strv_take(&x->launch->argv, vc_xvasprintf(fmt, ap));
    va_end(ap);
}

void qemu_env(qemu_ctx *x, const char *name, const char *value)
{
    vc_strv_addf(&x->launch->env, "%s=%s", name, value);
}

/* The resource list is searched through an open-addressing index of
 * (kind, path) so a domain of many disks stays linear. */
static size_t qemu_res_hash(const char *path, qemu_res_kind kind, size_t cap)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;   /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)h & (cap - 1);
}

static void qemu_res_index(qemu_ctx *x, size_t i)
{
    const qemu_resource *r = &x->launch->res[i];
    size_t k = qemu_res_hash(r->path, r->kind, x->res_cap);
    while (x->res_slots[k])
        k = (k + 1) & (x->res_cap - 1);
    x->res_slots[k] = i + 1;
}

static void qemu_res_grow(qemu_ctx *x)
{
    free(x->res_slots);
    x->res_cap = x->res_cap ? x->res_cap * 2 : 64;
    x->res_slots = vc_xcalloc(x->res_cap, sizeof(*x->res_slots));
    for (size_t i = 0; i < x->launch->nres; i++)
        qemu_res_index(x, i);
}

void qemu_resource_add(qemu_ctx *x, const char *path, qemu_res_kind kind, bool readonly)
{
    qemu_launch *l = x->launch;
    if (!path || !*path)
        return;
    if ((l->nres + 1) * 2 > x->res_cap)
        qemu_res_grow(x);
    for (size_t k = qemu_res_hash(path, kind, x->res_cap); x->res_slots[k];
         k = (k + 1) & (x->res_cap - 1)) {
        qemu_resource *r = &l->res[x->res_slots[k] - 1];
        if (r->kind == kind && strcmp(r->path, path) == 0) {
            /* One writer makes the resource writable. */
            r->readonly = r->readonly && readonly;
            return;
        }
    }
    vc_xgrow((void **)&l->res, &l->capres, l->nres + 1, sizeof(qemu_resource));
    l->res[l->nres++] = (qemu_resource){ vc_xstrdup(path), kind, readonly };
    qemu_res_index(x, l->nres - 1);
}

vc_loc qemu_loc(const qemu_ctx *x, ir_pos pos)
{
    vc_loc loc = { x->opts->file, pos.line, pos.column };
    return loc;
}

/* The message of a printf-style call, allocated; each caller owns `var`. */
#define QEMU_VFORMAT(var, fmt)                                                         \
    char *var;                                                                         \
    do {                                                                               \
        va_list ap_;                                                                   \
        va_start(ap_, fmt);                                                            \
        var = vc_xvasprintf(fmt, ap_);                                                 \
        va_end(ap_);                                                                   \
    } while (0)

bool qemu_error(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
{
    QEMU_VFORMAT(msg, fmt);
    vc_error_at(&x->diags, qemu_loc(x, pos), "%s", msg);
    free(msg);
    return false;
}

bool qemu_unsupported(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
{
    QEMU_VFORMAT(what, fmt);
    vc_error_at(&x->diags, qemu_loc(x, pos), "%s not supported by this QEMU (%s)", what,
                x->caps_desc);
    free(what);
    return false;
}

void qemu_warn(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
{
    QEMU_VFORMAT(msg, fmt);
    vc_warn_at(&x->diags, qemu_loc(x, pos), "%s", msg);
    free(msg);
}

bool qemu_has(const qemu_ctx *x, qemu_cap_flag f)
{
    return qemu_caps_has(x->caps, f);
}

static bool qemu_device_matches(const ir_device *dev, ir_device_kind kind, int chr)
{
    return dev->kind == kind && (kind != IR_DEV_CHR || chr < 0 || (int)dev->u.chr.kind == chr);
}

size_t qemu_count_devices(const qemu_ctx *x, ir_device_kind kind, int chr)
{
    size_t n = 0;
    for (size_t i = 0; i < x->dom->ndevices; i++)
        n += qemu_device_matches(&x->dom->devices[i], kind, chr);
    return n;
}

/* ---- lookups ------------------------------------------------------------- */

const char *qemu_str_or(const char *s, const char *dflt)
{
    return s ? s : dflt;
}

bool qemu_str_in(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vc_streq(s, list[i]))
            return true;
    return false;
}

int qemu_table_find(const void *table, size_t n, size_t size, size_t off, const char *key)
{
    const char *row = table;
    for (size_t i = 0; i < n; i++, row += size)
        if (vc_streq(*(const char *const *)(row + off), key))
            return (int)i;
    return -1;
}

ir_disk_bus qemu_disk_bus(const ir_disk *disk)
{
    return disk->target_bus ? disk->target_bus : ir_disk_bus_from_target(disk->target_dev);
}

int qemu_dev_boot_order(const ir_device *dev)
{
    switch (dev->kind) {
    case IR_DEV_DISK: return dev->u.disk.boot_order;
    case IR_DEV_INTERFACE: return dev->u.net.boot_order;
    case IR_DEV_HOSTDEV: return dev->u.hostdev.boot_order;
    case IR_DEV_REDIRDEV: return dev->u.redirdev.boot_order;
    default: return 0;
    }
}

bool qemu_console_is_serial(const ir_chr *c)
{
    return !c->target_type || strcmp(c->target_type, "serial") == 0;
}

void qemu_vcpus(const ir_domain *dom, unsigned *max, unsigned *cur)
{
    *max = dom->vcpus ? dom->vcpus : 1;
    *cur = dom->vcpus_current && dom->vcpus_current < *max ? dom->vcpus_current : *max;
}

bool qemu_topology_given(const ir_cpu_topology *t)
{
    return t->sockets || t->cores || t->threads || t->dies;
}

/* "<name>" of a verbatim fragment, for messages. */
static char *qemu_fragment_name(const char *xml)
{
    const char *s = xml && *xml == '<' ? xml + 1 : "";
    size_t n = strcspn(s, " \t\r\n/>");
    return vc_xstrndup(s, n);
}

/* ---- sections both generations write alike -------------------------------- */

/* QEMU names its 32-bit PC binary i386 whatever the guest's x86 flavour. */
static const char *const qemu_i386_arches[] = { "i686", "i586", "i486", "i386" };

static const char *qemu_arch_name(const char *arch)
{
    return !arch || qemu_str_in(arch, qemu_i386_arches, VC_ARRAY_SIZE(qemu_i386_arches))
           ? "i386" : arch;
}

bool qemu_emulator(qemu_ctx *x, const char *dir)
{
    const char *emu = x->dom->emulator ? x->dom->emulator : x->caps->binary;
    if (emu) {
        qemu_arg(x, emu);
    } else {
        qemu_argf(x, "%sqemu-system-%s", dir, qemu_arch_name(x->dom->os.arch));
        qemu_warn(x, x->dom->pos, "the domain names no <emulator>; using '%s'",
                  x->launch->argv.v[x->launch->argv.n - 1]);
    }
    return true;
}

bool qemu_cpu_custom(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    if (dom->cpu_mode && strcmp(dom->cpu_mode, "custom") != 0)
        return qemu_unsupported(x, dom->pos, "CPU mode '%s'", dom->cpu_mode);
    if (!dom->cpu_model)
        return true;
    if (!qemu_caps_has_cpu(x->caps, dom->cpu_model))
        return qemu_unsupported(x, dom->pos, "CPU model '%s'", dom->cpu_model);
    qemu_arg2(x, "-cpu", dom->cpu_model);
    return true;
}

/* ,websocket=PORT,share=POLICY after a -vnc address (QEMU 1.4 on). */
void qemu_vnc_share_opts(const ir_graphics *g, vc_buf *b)
{
    if (g->websocket)
        vc_buf_printf(b, ",websocket=%d", g->websocket);
    if (g->share_policy)
        qemu_opt_add(b, "share", g->share_policy);
}

/* <pm>: -global DEV.disable_s3=1 (suspend-to-mem off) / =0 (on), the same
 * for s4 and suspend-to-disk; DEV is the machine's power-management device. */
void qemu_pm_globals(qemu_ctx *x, const char *dev)
{
    const struct { ir_tristate v; const char *s; } pm[] = {
        { x->dom->pm_suspend_to_mem, "s3" }, { x->dom->pm_suspend_to_disk, "s4" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(pm); i++)
        if (pm[i].v)
            qemu_arg2_take(x, "-global", vc_xasprintf("%s.disable_%s=%d", dev, pm[i].s,
                                                      pm[i].v == IR_TRI_NO));
}

bool qemu_no_acpi(qemu_ctx *x)
{
    if (ir_domain_feature(x->dom, "acpi"))
        return true;
    if (!qemu_has(x, QEMU_CAP_NO_ACPI))
        return qemu_unsupported(x, x->dom->pos, "turning ACPI off");
    qemu_arg(x, "-no-acpi");
    return true;
}

/* A device tree is only reached where the generation has a form for it:
 * the legacy one rejects <dtb> before it gets here. */
void qemu_kernel_boot(qemu_ctx *x)
{
    static const struct {
        const char *opt;
        size_t off;
    } files[] = {
        { "-kernel", offsetof(ir_os, kernel) },
        { "-initrd", offsetof(ir_os, initrd) },
        { "-dtb", offsetof(ir_os, dtb) },
    };
    const ir_os *os = &x->dom->os;
    for (size_t i = 0; i < VC_ARRAY_SIZE(files); i++) {
        const char *path = *(char *const *)((const char *)os + files[i].off);
        if (path) {
            qemu_arg2(x, files[i].opt, path);
            qemu_resource_add(x, path, QEMU_RES_FILE, true);
        }
    }
    if (os->cmdline)
        qemu_arg2(x, "-append", os->cmdline);
}

bool qemu_other(qemu_ctx *x, const ir_device *dev)
{
    char *name = qemu_fragment_name(dev->kind == IR_DEV_OTHER ? dev->u.other.xml : dev->xml);
    qemu_warn(x, dev->pos, "device <%s> is not modelled; not converted", name);
    free(name);
    return true;
}

bool qemu_extra(qemu_ctx *x)
{
    return qemu_extra_except(x, NULL, 0);
}

bool qemu_extra_except(qemu_ctx *x, const char *const *read, size_t nread)
{
    for (size_t i = 0; i < x->dom->extra.n; i++) {
        char *name = qemu_fragment_name(x->dom->extra.v[i].xml);
        if (!qemu_str_in(name, read, nread))
            qemu_warn(x, x->dom->extra.v[i].pos, "element <%s> is not modelled; not converted",
                      name);
        free(name);
    }
    return true;
}

static bool qemu_env_name_ok(const char *s)
{
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* QEMU takes a word that is neither an option nor an option's value as the
 * first IDE disk's image (qemu-system-x86_64 [options] [disk_image]), as
 * -hda: next to a domain disk on hda it makes a command line QEMU refuses
 * ("drive with bus=0, unit=0 (index=0) exists", "IDE unit 0 is in use").
 * A word after an option is taken as its value. */
static void qemu_cmdline_image_check(qemu_ctx *x, const ir_qemu_cmdline *q)
{
    const ir_device *hda = NULL;
    for (size_t i = 0; i < x->dom->ndevices && !hda; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_DISK && vc_streq(d->u.disk.target_dev, "hda"))
            hda = d;
    }
    for (size_t i = 0; hda && i < q->nargs; i++) {
        const char *a = q->args[i];
        bool value = i > 0 && q->args[i - 1][0] == '-';
        if (a[0] != '-' && !value) {
            qemu_warn(x, q->pos, "qemu:arg '%s' is a disk image to QEMU (a word that is "
                      "not an option is -hda's), and disk 'hda' is given already: QEMU "
                      "refuses this command line", a);
            return;
        }
    }
}

bool qemu_value_has_id(const char *v, const char *id, size_t n)
{
    for (const char *at = v; (at = strstr(at, "id")) != NULL; at += 2) {
        bool kv = (at == v || at[-1] == ',') && at[2] == '=' && strncmp(at + 3, id, n) == 0 &&
                  (at[3 + n] == '\0' || at[3 + n] == ',');
        bool js = at > v && at[-1] == '"' && strncmp(at + 2, "\":\"", 3) == 0 &&
                  strncmp(at + 5, id, n) == 0 && at[5 + n] == '"';
        if (kv || js)
            return true;
    }
    return false;
}

/* Whether the line so far has a -device with that id. */
static bool qemu_line_has_device(const qemu_ctx *x, const char *id, size_t n)
{
    const vc_strv *a = &x->launch->argv;
    for (size_t i = 0; i + 1 < a->n; i++)
        if (strcmp(a->v[i], "-device") == 0 && qemu_value_has_id(a->v[i + 1], id, n))
            return true;
    return false;
}

/* -set device.ID.KEY=VALUE names a device by the id this line gives it:
 * one the line does not have (virtc numbers devices, the legacy profile
 * gives them none; a user alias keeps an id) makes QEMU refuse the line. */
static void qemu_cmdline_set_check(qemu_ctx *x, const ir_qemu_cmdline *q)
{
    for (size_t i = 0; i + 1 < q->nargs; i++) {
        const char *v = q->args[i + 1];
        if (strcmp(q->args[i], "-set") != 0 || !vc_str_has_prefix(v, "device."))
            continue;
        const char *id = v + strlen("device.");
        size_t n = strcspn(id, ".");
        if (id[n] != '.' || qemu_line_has_device(x, id, n))
            continue;
        qemu_warn(x, q->pos, "qemu:arg '-set %s' names device '%.*s', which this command "
                  "line does not have: QEMU refuses this command line", v, (int)n, id);
        return;
    }
}

/* Arguments at the end, variables after ours: the document's word is last. */
bool qemu_cmdline(qemu_ctx *x)
{
    const ir_qemu_cmdline *q = x->dom->qemu_cmdline;
    if (!q)
        return true;
    bool ok = true;
    for (size_t i = 0; i < q->nenv; i++) {
        if (!qemu_env_name_ok(q->env[i].name))
            ok = qemu_error(x, q->pos, "qemu:env name '%s' is not a valid variable name",
                            qemu_str_or(q->env[i].name, ""));
        else
            qemu_env(x, q->env[i].name, qemu_str_or(q->env[i].value, ""));
    }
    for (size_t i = 0; i < q->nargs; i++)
        qemu_arg(x, q->args[i]);
    qemu_cmdline_image_check(x, q);
    qemu_cmdline_set_check(x, q);
    return ok;
}

/* ---- checks both generations make ------------------------------------------ */

bool qemu_disk_type_ok(qemu_ctx *x, const ir_device *dev, bool network)
{
    ir_disk_type t = dev->u.disk.type;
    if (t == IR_DISK_TYPE_NONE || t == IR_DISK_TYPE_FILE || t == IR_DISK_TYPE_BLOCK ||
        (network && t == IR_DISK_TYPE_NETWORK))
        return true;
    return qemu_unsupported(x, dev->pos, "disk type '%s'",
                            qemu_str_or(ir_disk_type_name(t), "?"));
}

bool qemu_disk_driver_ok(qemu_ctx *x, const ir_device *dev)
{
    const char *name = dev->u.disk.driver_name;
    if (!name || strcmp(name, "qemu") == 0)
        return true;
    return qemu_error(x, dev->pos, "disk driver '%s' is not QEMU's (use <driver "
                      "name='qemu'/>)", name);
}

bool qemu_disk_encryption_ok(qemu_ctx *x, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    if (!disk->encryption)
        return true;
    return qemu_unsupported(x, disk->encryption->pos.line ? disk->encryption->pos : dev->pos,
                            "disk encryption");
}

bool qemu_chr_path_ok(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    if (c->path)
        return true;
    return qemu_error(x, dev->pos, "%s of type '%s' needs a source path",
                      ir_chr_kind_name(c->kind), ir_chr_type_name(c->type));
}

bool qemu_chr_tcp_ok(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    const char *what = ir_chr_kind_name(c->kind);
    if (c->protocol && strcmp(c->protocol, "raw") != 0 && strcmp(c->protocol, "telnet") != 0)
        return qemu_unsupported(x, dev->pos, "%s protocol '%s'", what, c->protocol);
    if (!c->service)
        return qemu_error(x, dev->pos, "%s of type 'tcp' needs a source service (port)", what);
    return true;
}

bool qemu_chr_udp_ok(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    if (c->service)
        return true;
    return qemu_error(x, dev->pos, "%s of type 'udp' needs a connect service (port)",
                      ir_chr_kind_name(c->kind));
}

bool qemu_net_socket_ok(qemu_ctx *x, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    const char *tname = ir_net_type_name(net->type);
    if (!net->source_port)
        return qemu_error(x, dev->pos, "interface of type '%s' needs a source port", tname);
    if ((net->type == IR_NET_MCAST || net->type == IR_NET_UDP) && !net->source_address)
        return qemu_error(x, dev->pos, "interface of type '%s' needs a source address", tname);
    return true;
}

bool qemu_hostdev_mode_ok(qemu_ctx *x, const ir_device *dev)
{
    const char *mode = dev->u.hostdev.mode;
    /* not a QEMU's lack: libvirt runs these only in LXC containers */
    if (ir_hostdev_is_caps(dev->u.hostdev.type))
        return qemu_error(x, dev->pos, "a <hostdev mode='capabilities' type='%s'> is a "
                          "container's device; libvirt's QEMU driver does not run it",
                          ir_hostdev_type_name(dev->u.hostdev.type));
    if (!mode || strcmp(mode, "subsystem") == 0)
        return true;
    return qemu_unsupported(x, dev->pos, "host device mode '%s'", mode);
}

void qemu_net_tap_ifname(qemu_ctx *x, const ir_net *net, vc_buf *b)
{
    if (net->target_dev) {
        qemu_opt_add(b, "ifname", net->target_dev);
        qemu_resource_add(x, net->target_dev, QEMU_RES_TAP, false);
    }
}

/* ---- displays and host USB devices -------------------------------------------- */

/* autoport gives display 0, which is what a converter can say before a host
 * picks the free port at start. */
bool qemu_vnc_display(qemu_ctx *x, const ir_device *dev, int *display)
{
    const ir_graphics *g = &dev->u.graphics;
    if (g->autoport == IR_TRI_YES || g->port <= 0) {
        *display = 0;
        return true;
    }
    if (g->port < 5900)
        return qemu_error(x, dev->pos, "VNC port %d is below 5900 (display 0)", g->port);
    *display = g->port - 5900;
    return true;
}

const char *qemu_display_listen(const qemu_ctx *x, const ir_graphics *g)
{
    const char *conf = g->type == IR_GFX_SPICE ? x->opts->spice_listen : x->opts->vnc_listen;
    return g->listen ? g->listen : conf ? conf : "127.0.0.1";
}

/* An IPv6 address is bracketed so that its colons are not the display's. */
void qemu_vnc_addr(vc_buf *b, const char *listen, int display)
{
    if (strchr(listen, ':'))
        vc_buf_printf(b, "[%s]:%d", listen, display);
    else
        vc_buf_printf(b, "%s:%d", listen, display);
}

void qemu_sdl_env(qemu_ctx *x, const ir_graphics *g)
{
    if (g->xauth) {
        qemu_env(x, "XAUTHORITY", g->xauth);
        qemu_resource_add(x, g->xauth, QEMU_RES_FILE, true);
    }
    if (g->display)
        qemu_env(x, "DISPLAY", g->display);
}

bool qemu_usb_host_source(qemu_ctx *x, const ir_device *dev, qemu_usb_source *src)
{
    const ir_hostdev *h = &dev->u.hostdev;
    *src = (qemu_usb_source){ .by_id = h->vendor || h->product };
    if (src->by_id) {
        if (!vc_parse_ull(h->vendor, 16, &src->vendor) || src->vendor > 0xffff ||
            !vc_parse_ull(h->product, 16, &src->product) || src->product > 0xffff)
            return qemu_error(x, dev->pos, "USB host device needs a vendor and a product id "
                              "of 16 bits (got '%s', '%s')", qemu_str_or(h->vendor, ""),
                              qemu_str_or(h->product, ""));
        char *id = vc_xasprintf("%.4llx:%.4llx", src->vendor, src->product);
        qemu_resource_add(x, id, QEMU_RES_USB_ID, false);
        free(id);
        return true;
    }
    if (!h->has_usb_addr)
        return qemu_error(x, dev->pos, "USB host device needs a vendor/product or a "
                          "bus/device address");
    src->bus = h->usb_bus;
    src->device = h->usb_device;
    char *node = vc_xasprintf("/dev/bus/usb/%03u/%03u", h->usb_bus, h->usb_device);
    qemu_resource_add(x, node, QEMU_RES_USB, false);
    free(node);
    return true;
}

/* ---- environment --------------------------------------------------------- */

static const struct {
    const char *name;
    const char *test_value;
} qemu_env_vars[] = {
    { "LC_ALL", "C" },          /* always C: QEMU's messages are parsed */
    { "PATH", "/usr/bin:/bin" },
    { "HOME", "/home/test" },
    { "USER", "test" },
    { "LOGNAME", "test" },
};

static void qemu_base_env(qemu_ctx *x)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(qemu_env_vars); i++) {
        const char *name = qemu_env_vars[i].name;
        const char *value = qemu_env_vars[i].test_value;
        if (!x->opts->test_env && i > 0)
            value = getenv(name);
        if (value)
            qemu_env(x, name, value);
    }
}

/* ---- driver -------------------------------------------------------------- */

static bool qemu_run_section(qemu_ctx *x, const qemu_section *s, const qemu_dev_fn *emit)
{
    if (s->domain)
        return s->domain(x);
    bool ok = true;
    size_t n = 0;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *dev = &x->dom->devices[i];
        /* A kind the generation has no emitter for is warned about with
         * the unmodelled elements (the legacy one predates most kinds). */
        if (s->kind == IR_DEV_OTHER && dev->kind > IR_DEV_OTHER && dev->kind < IR_DEV_LAST &&
            !emit[dev->kind]) {
            ok = qemu_other(x, dev) && ok;
            continue;
        }
        if (!qemu_device_matches(dev, s->kind, s->chr))
            continue;
        n++;
        ok = emit[s->kind](x, dev) && ok;
    }
    if (n == 0 && s->none)
        ok = s->none(x) && ok;
    return ok;
}

/* A probe names its caps after the binary; a profile has a name of its own. */
static char *qemu_caps_describe(const qemu_caps *c)
{
    if (c->name && !vc_streq(c->name, c->binary))
        return vc_xasprintf("profile %s", c->name);
    return vc_xstrdup(c->binary ? c->binary : "unnamed capabilities");
}

bool qemu_path_part_ok(qemu_ctx *x, ir_pos pos, const char *what, const char *s)
{
    if (!s || (!strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0))
        return true;
    return qemu_error(x, pos, "%s '%s' cannot be part of a file name (it holds '/' or is "
                      "'.' or '..')", what, s);
}

qemu_launch *qemu_argv_build(const ir_domain *dom, const qemu_caps *caps,
                             const qemu_argv_opts *opts, vc_diags *d)
{
    static const qemu_argv_opts no_opts;
    qemu_ctx x = {
        .dom = dom,
        .caps = caps,
        .opts = opts ? opts : &no_opts,
        .launch = qemu_launch_new(),
        .caps_desc = qemu_caps_describe(caps),
    };
    vc_diags_init(&x.diags);
    vc_buf_init(&x.soundhw);
    qemu_base_env(&x);

    /* Every section runs even after an error, so one pass reports all that
     * this QEMU cannot express. The generation is chosen by capability: the
     * legacy forms (-net ...,vlan=) no longer parse where -device exists. */
    const qemu_section *sections = qemu_legacy_sections;
    size_t nsections = qemu_legacy_nsections;
    const qemu_dev_fn *emit = qemu_legacy_dev;
    if (qemu_has(&x, QEMU_CAP_DEVICE)) {
        sections = qemu_modern_sections;
        nsections = qemu_modern_nsections;
        emit = qemu_modern_dev;
    }
    /* Paths are built from the name (the state directory and its sockets);
     * an IR from another front end may not have been checked. */
    bool ok = qemu_path_part_ok(&x, dom->pos, "domain name", dom->name);
    for (size_t i = 0; i < nsections; i++)
        ok = qemu_run_section(&x, &sections[i], emit) && ok;
    ok = ok && x.diags.nerrors == 0;

    qemu_launch *l = x.launch;
    if (ok) {
        vc_diags_append(&l->warnings, &x.diags);
    } else {
        vc_diags_append(d, &x.diags);
        qemu_launch_free(l);
        l = NULL;
    }
    vc_diags_free(&x.diags);
    vc_buf_free(&x.soundhw);
    qemu_modern_free(x.modern);
    free(x.caps_desc);
    free(x.res_slots);
    return l;
}
