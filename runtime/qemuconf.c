/* qemuconf.c: reading qemu.conf (see qemuconf.h).
 *
 * A small scanner over the text (the format has three value shapes and no
 * nesting, so a grammar file would be more machinery than grammar):
 *
 *   file    -> { line }
 *   line    -> [ KEY '=' value ] [ COMMENT ] NEWLINE
 *   value   -> STRING | INTEGER | '[' [ STRING { ',' STRING } [ ',' ] ] ']'
 *
 * Inside brackets newlines and comments are blanks.
 */
#include "qemuconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The devices the seed lists as every guest's shared devices. */
static const char *const qc_seed_acl[] = {
    "/dev/null", "/dev/full", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/ptmx",
    "/dev/kvm", "/dev/kqemu", "/dev/rtc", "/dev/hpet", "/dev/net/tun",
};

void rt_qemuconf_default_acl(vc_strv *acl)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(qc_seed_acl); i++)
        vc_strv_add(acl, qc_seed_acl[i]);
    /* postcopy migration opens it; it only exists on newer kernels */
    if (access("/dev/userfaultfd", F_OK) == 0)
        vc_strv_add(acl, "/dev/userfaultfd");
}

void rt_qemuconf_defaults(rt_qemuconf *c)
{
    memset(c, 0, sizeof(*c));
    c->dynamic_ownership = true;
    c->security_default_confined = true;
    c->clear_emulator_capabilities = true;
    vc_strv_init(&c->security_drivers);
    vc_strv_init(&c->cgroup_controllers);
    vc_strv_init(&c->cgroup_device_acl);
    rt_qemuconf_default_acl(&c->cgroup_device_acl);
    c->vnc_listen = vc_xstrdup("127.0.0.1");
    c->restart_limit_burst = RT_RESTART_BURST;
    c->restart_limit_interval = RT_RESTART_WINDOW_S;
}

void rt_qemuconf_free(rt_qemuconf *c)
{
    free(c->user);
    free(c->group);
    vc_strv_free(&c->security_drivers);
    vc_strv_free(&c->cgroup_controllers);
    vc_strv_free(&c->cgroup_device_acl);
    free(c->vnc_listen);
    free(c->log_dir);
    free(c->path);
    memset(c, 0, sizeof(*c));
}

/* ---- the scanner ----------------------------------------------------- */

typedef struct qc_scan {
    const char *file;
    const char *p, *end;
    int line;
    const char *line_start;
    vc_diags *d;
} qc_scan;

typedef enum qc_vtype { QC_STRING, QC_INT, QC_LIST } qc_vtype;

typedef struct qc_value {
    qc_vtype type;
    char *str;
    long long num;
    vc_strv list;
    int line, column;
} qc_value;

static int qc_col(const qc_scan *s)
{
    return (int)(s->p - s->line_start) + 1;
}

static bool qc_error(qc_scan *s, const char *fmt, const char *arg)
{
    vc_loc loc = { s->file, s->line, qc_col(s) };
    return vc_error_at(s->d, loc, fmt, arg);
}

/* Skips blanks on the line; with multiline, newlines and comments too. */
static void qc_skip(qc_scan *s, bool multiline)
{
    while (s->p < s->end) {
        char c = *s->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            s->p++;
        } else if (multiline && c == '\n') {
            s->p++;
            s->line++;
            s->line_start = s->p;
        } else if (multiline && c == '#') {
            while (s->p < s->end && *s->p != '\n')
                s->p++;
        } else {
            return;
        }
    }
}

/* STRING -> '"' { char | '\' char } '"' */
static char *qc_string(qc_scan *s)
{
    vc_buf b;
    vc_buf_init(&b);
    s->p++;
    while (s->p < s->end && *s->p != '"' && *s->p != '\n') {
        if (*s->p == '\\' && s->p + 1 < s->end && s->p[1] != '\n')
            s->p++;
        vc_buf_putc(&b, *s->p++);
    }
    if (s->p >= s->end || *s->p != '"') {
        vc_buf_free(&b);
        qc_error(s, "unterminated string%s", "");
        return NULL;
    }
    s->p++;
    return vc_buf_steal(&b);
}

/* INTEGER -> [ '-' ] digit { digit } */
static bool qc_integer(qc_scan *s, long long *out)
{
    const char *start = s->p;
    if (*s->p == '-')
        s->p++;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    char *text = vc_xstrndup(start, (size_t)(s->p - start));
    bool ok = vc_parse_ll(text, 10, out);
    free(text);
    if (!ok) {
        s->p = start;
        return qc_error(s, "expected a string, an integer or a list%s", "");
    }
    return true;
}

/* list -> '[' [ STRING { ',' STRING } [ ',' ] ] ']' */
static bool qc_list(qc_scan *s, vc_strv *out)
{
    s->p++;
    for (;;) {
        qc_skip(s, true);
        if (s->p >= s->end)
            return qc_error(s, "unterminated list: expected ']'%s", "");
        if (*s->p == ']') {
            s->p++;
            return true;
        }
        if (*s->p != '"')
            return qc_error(s, "a list holds double-quoted strings%s", "");
        char *str = qc_string(s);
        if (!str)
            return false;
        vc_strv_take(out, str);
        qc_skip(s, true);
        if (s->p < s->end && *s->p == ',')
            s->p++;
        else if (s->p < s->end && *s->p != ']')
            return qc_error(s, "expected ',' or ']' in a list%s", "");
    }
}

/* value -> STRING | INTEGER | list */
static bool qc_value_read(qc_scan *s, qc_value *v)
{
    qc_skip(s, false);
    v->line = s->line;
    v->column = qc_col(s);
    if (s->p >= s->end || *s->p == '\n' || *s->p == '#')
        return qc_error(s, "missing value after '='%s", "");
    if (*s->p == '"') {
        v->type = QC_STRING;
        v->str = qc_string(s);
        return v->str != NULL;
    }
    if (*s->p == '[') {
        v->type = QC_LIST;
        return qc_list(s, &v->list);
    }
    v->type = QC_INT;
    return qc_integer(s, &v->num);
}

/* ---- the keys -------------------------------------------------------- */

typedef enum qc_kind {
    QC_K_STRING, QC_K_BOOL, QC_K_LIST, QC_K_STRING_OR_LIST,
    QC_K_UINT,                /* an unsigned field, min to max */
} qc_kind;

typedef struct qc_key {
    const char *name;
    qc_kind kind;
    size_t offset;            /* of the field in rt_qemuconf */
    size_t set_offset;        /* of its "given" flag; 0 when it has none */
    long long min, max;       /* QC_K_UINT: the range */
} qc_key;

#define QC_OFF(f) offsetof(rt_qemuconf, f)

static const qc_key qc_keys[] = {
    { "user", QC_K_STRING, QC_OFF(user), 0, 0, 0 },
    { "group", QC_K_STRING, QC_OFF(group), 0, 0, 0 },
    { "dynamic_ownership", QC_K_BOOL, QC_OFF(dynamic_ownership), 0, 0, 0 },
    { "security_driver", QC_K_STRING_OR_LIST, QC_OFF(security_drivers),
      QC_OFF(security_drivers_set), 0, 0 },
    { "security_default_confined", QC_K_BOOL, QC_OFF(security_default_confined), 0, 0, 0 },
    { "cgroup_controllers", QC_K_LIST, QC_OFF(cgroup_controllers),
      QC_OFF(cgroup_controllers_set), 0, 0 },
    { "cgroup_device_acl", QC_K_LIST, QC_OFF(cgroup_device_acl), 0, 0, 0 },
    { "clear_emulator_capabilities", QC_K_BOOL, QC_OFF(clear_emulator_capabilities), 0, 0, 0 },
    { "vnc_listen", QC_K_STRING, QC_OFF(vnc_listen), 0, 0, 0 },
    { "log_dir", QC_K_STRING, QC_OFF(log_dir), 0, 0, 0 },
    /* virtc's own: the restart limit (runtime/guest.h) */
    { "restart_limit_burst", QC_K_UINT, QC_OFF(restart_limit_burst), 0, 1,
      RT_RESTART_BURST_MAX },
    { "restart_limit_interval", QC_K_UINT, QC_OFF(restart_limit_interval), 0, 0,
      RT_RESTART_WINDOW_MAX_S },
};

static const char *const qc_vtype_names[] = { "a string", "an integer", "a list" };
static const char *const qc_kind_wants[] = {
    [QC_K_STRING] = "a double-quoted string", [QC_K_BOOL] = "0 or 1",
    [QC_K_LIST] = "a list of strings", [QC_K_STRING_OR_LIST] = "a string or a list of strings",
    [QC_K_UINT] = "an integer",
};

static const char *const qc_drivers[] = { "none", "dac", "selinux", "apparmor" };
static const char *const qc_controllers[] = {
    "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "net_cls", "perf_event",
    "name=systemd",
};

static bool qc_in(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return true;
    return false;
}

/* What a key's value must be beyond its shape. */
static bool qc_check_items(const char *file, const qc_key *k, const qc_value *v, vc_diags *d)
{
    vc_loc loc = { file, v->line, v->column };
    const vc_strv *items = &v->list;
    char *single[] = { v->str, NULL };
    vc_strv one = { single, 1, 1 };
    if (v->type == QC_STRING)
        items = &one;
    for (size_t i = 0; i < items->n; i++) {
        const char *it = items->v[i];
        if (strcmp(k->name, "security_driver") == 0 && !qc_in(it, qc_drivers, 4))
            return vc_error_at(d, loc, "security_driver: unknown driver '%s' (none, dac, "
                               "selinux, apparmor)", it);
        if (strcmp(k->name, "cgroup_controllers") == 0 &&
            !qc_in(it, qc_controllers, VC_ARRAY_SIZE(qc_controllers)))
            return vc_error_at(d, loc, "cgroup_controllers: unknown controller '%s'", it);
        if (strcmp(k->name, "cgroup_device_acl") == 0 && it[0] != '/')
            return vc_error_at(d, loc, "cgroup_device_acl: '%s' is not an absolute path", it);
    }
    if (strcmp(k->name, "security_driver") == 0 && items->n > 1 &&
        qc_in("none", (const char *const *)items->v, items->n))
        return vc_error_at(d, loc, "security_driver: 'none' cannot be combined with "
                           "other drivers%s", "");
    if ((strcmp(k->name, "user") == 0 || strcmp(k->name, "group") == 0) && !v->str[0])
        return vc_error_at(d, loc, "%s: empty name", k->name);
    return true;
}

static bool qc_assign(rt_qemuconf *c, const char *file, const qc_key *k, qc_value *v,
                      vc_diags *d)
{
    vc_loc loc = { file, v->line, v->column };
    bool shape = (k->kind == QC_K_STRING && v->type == QC_STRING) ||
                 ((k->kind == QC_K_BOOL || k->kind == QC_K_UINT) && v->type == QC_INT) ||
                 (k->kind == QC_K_LIST && v->type == QC_LIST) ||
                 (k->kind == QC_K_STRING_OR_LIST && v->type != QC_INT);
    if (!shape)
        return vc_error_at(d, loc, "%s: expected %s, not %s", k->name, qc_kind_wants[k->kind],
                           qc_vtype_names[v->type]);
    if (k->kind == QC_K_BOOL && v->num != 0 && v->num != 1)
        return vc_error_at(d, loc, "%s: expected 0 or 1, not %lld", k->name, v->num);
    if (k->kind == QC_K_UINT && (v->num < k->min || v->num > k->max))
        return vc_error_at(d, loc, "%s: expected %lld to %lld, not %lld", k->name, k->min,
                           k->max, v->num);
    if (!qc_check_items(file, k, v, d))
        return false;
    char *field = (char *)c + k->offset;
    if (k->set_offset)
        *(bool *)((char *)c + k->set_offset) = true;
    switch (k->kind) {
    case QC_K_STRING:
        free(*(char **)field);
        *(char **)field = v->str;
        v->str = NULL;
        break;
    case QC_K_BOOL:
        *(bool *)field = v->num == 1;
        break;
    case QC_K_UINT:
        *(unsigned *)field = (unsigned)v->num;
        break;
    case QC_K_LIST:
    case QC_K_STRING_OR_LIST: {
        vc_strv *sv = (vc_strv *)field;
        vc_strv_free(sv);
        vc_strv_init(sv);
        if (v->type == QC_STRING) {
            vc_strv_take(sv, v->str);
            v->str = NULL;
        } else {
            *sv = v->list;
            vc_strv_init(&v->list);
        }
        break;
    }
    }
    return true;
}

/* line -> [ KEY '=' value ] [ COMMENT ] NEWLINE */
static bool qc_line(qc_scan *s, rt_qemuconf *c)
{
    qc_skip(s, false);
    if (s->p >= s->end || *s->p == '\n' || *s->p == '#')
        return true;
    const char *kstart = s->p;
    int kcol = qc_col(s);
    while (s->p < s->end && (*s->p == '_' || (*s->p >= 'a' && *s->p <= 'z') ||
                             (*s->p >= 'A' && *s->p <= 'Z') || (*s->p >= '0' && *s->p <= '9')))
        s->p++;
    if (s->p == kstart)
        return qc_error(s, "expected a key name%s", "");
    char *key = vc_xstrndup(kstart, (size_t)(s->p - kstart));
    qc_skip(s, false);
    if (s->p >= s->end || *s->p != '=') {
        free(key);
        return qc_error(s, "expected '=' after the key%s", "");
    }
    s->p++;
    qc_value v = { 0 };
    vc_strv_init(&v.list);
    bool ok = qc_value_read(s, &v);
    if (ok) {
        qc_skip(s, false);
        if (s->p < s->end && *s->p != '\n' && *s->p != '#')
            ok = qc_error(s, "unexpected text after the value%s", "");
    }
    if (ok) {
        const qc_key *k = NULL;
        for (size_t i = 0; i < VC_ARRAY_SIZE(qc_keys) && !k; i++)
            if (strcmp(qc_keys[i].name, key) == 0)
                k = &qc_keys[i];
        vc_loc loc = { s->file, s->line, kcol };
        if (k)
            ok = qc_assign(c, s->file, k, &v, s->d);
        else
            vc_warn_at(s->d, loc, "unknown key '%s' ignored", key);
    }
    free(key);
    free(v.str);
    vc_strv_free(&v.list);
    return ok;
}

bool rt_qemuconf_parse(rt_qemuconf *c, const char *file, const char *text, size_t len,
                       vc_diags *d)
{
    qc_scan s = { file, text, text + len, 1, text, d };
    bool ok = true;
    while (s.p < s.end) {
        if (!qc_line(&s, c)) {
            ok = false;
            /* on to the next line: report every bad line at once */
            while (s.p < s.end && *s.p != '\n')
                s.p++;
        }
        while (s.p < s.end && *s.p != '\n')
            s.p++;
        if (s.p < s.end) {
            s.p++;
            s.line++;
            s.line_start = s.p;
        }
    }
    if (ok) {
        free(c->path);
        c->path = vc_xstrdup(file);
    }
    return ok;
}

char *rt_qemuconf_path(const char *explicit_path, bool system, bool *must_exist)
{
    *must_exist = true;
    if (explicit_path)
        return vc_xstrdup(explicit_path);
    const char *env = getenv("VIRTC_QEMU_CONF");
    if (env && *env)
        return vc_xstrdup(env);
    *must_exist = false;
    if (system)
        return vc_xstrdup("/etc/virtc/qemu.conf");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && xdg[0] == '/')
        return vc_xasprintf("%s/virtc/qemu.conf", xdg);
    const char *home = getenv("HOME");
    return vc_xasprintf("%s/.config/virtc/qemu.conf", home && *home ? home : "/");
}

bool rt_qemuconf_load(rt_qemuconf *c, const char *explicit_path, bool system, vc_diags *d)
{
    rt_qemuconf_defaults(c);
    bool must;
    char *path = rt_qemuconf_path(explicit_path, system, &must);
    size_t len;
    char *text = vc_read_file(path, &len);
    bool ok = true;
    if (!text) {
        if (must || errno != ENOENT)
            ok = vc_runtime_error(d, "cannot read the configuration %s: %s", path,
                                  strerror(errno));
    } else {
        ok = rt_qemuconf_parse(c, path, text, len, d);
    }
    free(text);
    free(path);
    return ok;
}
