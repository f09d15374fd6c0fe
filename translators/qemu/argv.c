/*
 * argv.c: the launch object, its rendering, the environment, and the driver
 * of the qemu-argv emitter (see argv.h, argv_priv.h).
 */
#include "argv_priv.h"

#include <stdarg.h>
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
static bool qemu_shell_safe(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("_@%+=:,./-", c) != NULL;
}

static bool qemu_needs_quote(const char *w)
{
    if (!*w)
        return true;
    for (; *w; w++)
        if (!qemu_shell_safe(*w))
            return true;
    return false;
}

static void qemu_quote_always(vc_buf *b, const char *word)
{
    vc_buf_putc(b, '\'');
    for (const char *s = word; *s; s++) {
        if (*s == '\'')
            vc_buf_puts(b, "'\\''");
        else
            vc_buf_putc(b, *s);
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

void qemu_opt_escape(vc_buf *b, const char *value)
{
    for (const char *s = value; *s; s++) {
        if (*s == ',')
            vc_buf_putc(b, ',');
        vc_buf_putc(b, *s);
    }
}

void qemu_opt_add(vc_buf *b, const char *key, const char *value)
{
    if (b->len)
        vc_buf_putc(b, ',');
    vc_buf_printf(b, "%s=", key);
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

void qemu_resource_add(qemu_ctx *x, const char *path, qemu_res_kind kind, bool readonly)
{
    qemu_launch *l = x->launch;
    if (!path || !*path)
        return;
    for (size_t i = 0; i < l->nres; i++) {
        qemu_resource *r = &l->res[i];
        if (r->kind == kind && strcmp(r->path, path) == 0) {
            /* One writer makes the resource writable. */
            r->readonly = r->readonly && readonly;
            return;
        }
    }
    vc_xgrow((void **)&l->res, &l->capres, l->nres + 1, sizeof(qemu_resource));
    l->res[l->nres++] = (qemu_resource){ vc_xstrdup(path), kind, readonly };
}

vc_loc qemu_loc(const qemu_ctx *x, ir_pos pos)
{
    vc_loc loc = { x->opts->file, pos.line, pos.column };
    return loc;
}

bool qemu_error(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vc_xvasprintf(fmt, ap);
    va_end(ap);
    vc_error_at(&x->diags, qemu_loc(x, pos), "%s", msg);
    free(msg);
    return false;
}

bool qemu_unsupported(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = vc_xvasprintf(fmt, ap);
    va_end(ap);
    vc_error_at(&x->diags, qemu_loc(x, pos), "%s not supported by this QEMU (%s)", what,
                x->caps_desc);
    free(what);
    return false;
}

void qemu_warn(qemu_ctx *x, ir_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vc_xvasprintf(fmt, ap);
    va_end(ap);
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
    bool ok = true;
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
    return l;
}
