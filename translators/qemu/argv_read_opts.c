/*
 * argv_read_opts.c: option values for the qemu-argv reader: key=value
 * strings (grammar/qemuopt.y) and JSON objects (json-c), both as one list
 * of items whose offsets point into the option's word; typed accessors;
 * what nothing consumed.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "argv_read_priv.h"

/* ---- JSON: an object flattened into dotted keys ---- */

typedef struct qr_json {
    const char *text;     /* the word, to find each member's offset */
    size_t cursor;
    qopt_list *out;
} qr_json;

/* The offset of the member "key" at or after the cursor, and of its value
 * (past the ':', on a string's first character): json-c keeps no
 * positions, but members come in text order, so a forward search finds each
 * (a match inside an earlier string value only moves the pointer early). */
static size_t qr_json_find(qr_json *j, const char *key, size_t *val)
{
    char *quoted = vc_xasprintf("\"%s\"", key);
    const char *at = strstr(j->text + j->cursor, quoted);
    free(quoted);
    if (!at) {
        *val = j->cursor;
        return j->cursor;
    }
    j->cursor = (size_t)(at - j->text) + strlen(key) + 2;
    const char *v = j->text + j->cursor;
    v += strspn(v, " \t\r\n");
    if (*v == ':')
        v++;
    v += strspn(v, " \t\r\n");
    v += *v == '"';
    *val = (size_t)(v - j->text);
    return (size_t)(at - j->text);
}

static void qr_json_flatten(qr_json *j, const char *prefix, json_object *obj)
{
    json_object_object_foreach(obj, k, v) {
        size_t voff;
        size_t off = qr_json_find(j, k, &voff);
        char *key = prefix ? vc_xasprintf("%s.%s", prefix, k) : vc_xstrdup(k);
        switch (json_object_get_type(v)) {
        case json_type_object:
            qr_json_flatten(j, key, v);
            free(key);
            break;
        case json_type_array: {
            size_t n = json_object_array_length(v);
            for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(v, i);
                char *ek = vc_xasprintf("%s.%zu", key, i);
                if (json_object_is_type(e, json_type_object)) {
                    qr_json_flatten(j, ek, e);
                    free(ek);
                } else {
                    qopt_list_add(j->out, ek, vc_xstrdup(json_object_get_string(e)), off, voff);
                }
            }
            free(key);
            break;
        }
        case json_type_boolean:
            qopt_list_add(j->out, key, vc_xstrdup(json_object_get_boolean(v) ? "on" : "off"),
                          off, voff);
            break;
        case json_type_null:
            qopt_list_add(j->out, key, vc_xstrdup(""), off, voff);
            break;
        default:
            qopt_list_add(j->out, key, vc_xstrdup(json_object_get_string(v)), off, voff);
            break;
        }
    }
}

static bool qr_parse_json(qemu_reader *r, qr_opt *o)
{
    const shw_word *w = o->arg;
    json_tokener *tok = json_tokener_new_ex(QOPT_MAX_DEPTH);
    if (!tok)
        abort();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *obj = json_tokener_parse_ex(tok, w->text, (int)w->len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!obj || err != json_tokener_success) {
        json_object_put(obj);
        if (err == json_tokener_continue)
            return qr_error(r, w, w->len, "%s: the JSON object is not closed", o->flag->text);
        return qr_error(r, w, end < w->len ? end : w->len, "%s: malformed JSON: %s", o->flag->text,
                        json_tokener_error_desc(err));
    }
    if (end < w->len) {
        json_object_put(obj);
        return qr_error(r, w, end, "%s: text after the JSON object", o->flag->text);
    }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return qr_error(r, w, 0, "%s: the JSON value must be an object", o->flag->text);
    }
    qr_json j = { w->text, 0, &o->props };
    qr_json_flatten(&j, NULL, obj);
    json_object_put(obj);
    o->props.json = true;
    return true;
}

bool qr_parse_value(qemu_reader *r, qr_opt *o)
{
    const shw_word *w = o->arg;
    if (o->def->form == QR_KV_JSON && w->len && w->text[0] == '{')
        return qr_parse_json(r, o);
    qopt_err e;
    if (!qopt_read(w->text, w->len, o->def->implicit, &o->props, &e)) {
        qr_error(r, w, e.off, "%s: %s", o->flag->text, e.msg);
        free(e.msg);
        return false;
    }
    return true;
}

/* ---- typed access ---- */

qopt_item *qr_item(qr_opt *o, const char *key)
{
    qopt_item *found = NULL;
    for (size_t i = 0; i < o->props.n; i++)
        if (strcmp(o->props.v[i].key, key) == 0) {
            o->props.v[i].used = true;
            found = &o->props.v[i];
        }
    return found;
}

const char *qr_last(const qr_opt *o, const char *key)
{
    for (size_t i = o->props.n; i-- > 0;)
        if (strcmp(o->props.v[i].key, key) == 0)
            return o->props.v[i].value;
    return NULL;
}

const char *qr_str(qr_opt *o, const char *key)
{
    qopt_item *it = qr_item(o, key);
    return it ? (it->value ? it->value : "on") : NULL;
}

bool qr_bool(qemu_reader *r, qr_opt *o, const char *key, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true" }, *const no[] = { "off", "no", "false" };
    qopt_item *it = qr_item(o, key);
    if (!it)
        return true;
    if (!it->value) {
        *out = true;
        return true;
    }
    for (size_t i = 0; i < VC_ARRAY_SIZE(yes); i++) {
        if (strcmp(it->value, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(it->value, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return qr_error(r, o->arg, it->val_off, "%s: %s='%s' is not on or off", o->flag->text, key,
                    it->value);
}

bool qr_num(qemu_reader *r, qr_opt *o, const char *key, unsigned long long *out)
{
    qopt_item *it = qr_item(o, key);
    if (!it)
        return true;
    if (!it->value || !vc_parse_ull(it->value, 0, out))
        return qr_error(r, o->arg, it->val_off, "%s: %s='%s' is not a number", o->flag->text,
                        key, it->value ? it->value : "");
    return true;
}

bool qr_size_kib(qemu_reader *r, const char *opt, const shw_word *w, size_t off,
                 const char *s, unsigned long long dflt, unsigned long long *kib)
{
    static const struct { char suffix; unsigned long long scale; } units[] = {
        { 'b', 1 }, { 'k', 1ULL << 10 }, { 'm', 1ULL << 20 }, { 'g', 1ULL << 30 },
        { 't', 1ULL << 40 },
    };
    size_t n = strlen(s);
    unsigned long long scale = dflt, v;
    char *num = vc_xstrdup(s);
    if (n && !(s[n - 1] >= '0' && s[n - 1] <= '9')) {
        size_t k = 0;
        char c = (char)(s[n - 1] | 0x20);
        while (k < VC_ARRAY_SIZE(units) && units[k].suffix != c)
            k++;
        if (k == VC_ARRAY_SIZE(units)) {
            free(num);
            return qr_error(r, w, off, "%s: '%s' is not a size (a number with an optional "
                            "k, M, G or T suffix)", opt, s);
        }
        scale = units[k].scale;
        num[n - 1] = '\0';
    }
    bool ok = vc_parse_ull(num, 10, &v) && ir_bytes_to_kib(v, scale, kib);
    free(num);
    if (!ok)
        return qr_error(r, w, off, "%s: '%s' is not a size (a number with an optional "
                        "k, M, G or T suffix)", opt, s);
    return true;
}

void qr_implied(qr_opt *o, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        qr_item(o, keys[i]);
}

/* A -device property the model has no place for: -set device.ID.KEY=VALUE
 * when the device has an id QEMU can -set (exact), else -global
 * DRIVER.KEY=VALUE (every device of the driver: the nearest QEMU has). */
static void qr_keep_device_prop(qemu_reader *r, qr_opt *o, const char *driver, qopt_item *it)
{
    const char *id = qr_last(o, "id");
    const char *v = it->value ? it->value : "on";
    bool set = id && *id && !strchr(id, '.');
    const char *alias = set ? qr_device_alias(r, o, true) : NULL;
    if (alias)
        id = alias;
    char *g = set ? vc_xasprintf("device.%s.%s=%s", id, it->key, v)
                  : vc_xasprintf("%s.%s=%s", driver, it->key, v);
    const char *args[2] = { set ? "-set" : "-global", g };
    qr_passthrough(r, args, 2);
    qr_warn(r, o->arg, it->key_off, "%s %s: property '%s' has no place in the domain "
            "model; kept as <qemu:commandline> %s %s", o->flag->text, driver, it->key,
            args[0], g);
    free(g);
}

void qr_leftovers(qemu_reader *r, qr_opt *o, const char *driver)
{
    if (!driver) {
        qr_keep_leftovers(r, o);
        return;
    }
    for (size_t i = 0; i < o->props.n; i++) {
        qopt_item *it = &o->props.v[i];
        /* what a -set joined to a device is kept at the -set's place */
        if (it->used || (o->set_first && i >= o->set_first))
            continue;
        it->used = true;
        qr_keep_device_prop(r, o, driver, it);
    }
}

/* addr=S or S.F (hex, with or without 0x). */
static bool qr_pci_slot(const char *s, unsigned *slot, unsigned *fn)
{
    char *dot = strchr(s, '.');
    char *a = dot ? vc_xstrndup(s, (size_t)(dot - s)) : vc_xstrdup(s);
    unsigned long long v, f = 0;
    bool ok = vc_parse_ull(a, 16, &v) || vc_parse_ull(a, 0, &v);
    free(a);
    if (ok && dot)
        ok = vc_parse_ull(dot + 1, 16, &f) || vc_parse_ull(dot + 1, 0, &f);
    if (!ok || v > 31 || f > 7)
        return false;
    *slot = (unsigned)v;
    *fn = (unsigned)f;
    return true;
}

/* bus=pci.N / pcie.0 / pci-bridge ids "pci.N": the bus index. */
static bool qr_pci_bus(const char *s, unsigned *bus)
{
    unsigned long long v;
    if (strcmp(s, "pcie.0") == 0 || strcmp(s, "pci") == 0) {
        *bus = 0;
        return true;
    }
    if (vc_str_has_prefix(s, "pci.") && vc_parse_ull(s + 4, 10, &v) && v < 256) {
        *bus = (unsigned)v;
        return true;
    }
    return false;
}

bool qr_device_addr(qemu_reader *r, qr_opt *o, ir_address *a)
{
    qopt_item *addr = qr_item(o, "addr");
    qopt_item *bus = NULL;
    for (size_t i = 0; i < o->props.n; i++)
        if (strcmp(o->props.v[i].key, "bus") == 0)
            bus = &o->props.v[i];
    if (addr && addr->value) {
        unsigned b = 0;
        if (bus && bus->value && !qr_pci_bus(bus->value, &b))
            return qr_error(r, o->arg, bus->val_off, "%s: '%s' is not a PCI bus", o->flag->text,
                            bus->value);
        if (bus)
            bus->used = true;
        if (!qr_pci_slot(addr->value, &a->slot, &a->function))
            return qr_error(r, o->arg, addr->val_off, "%s: '%s' is not a PCI address "
                            "(slot[.function])", o->flag->text, addr->value);
        bool mf = false;
        if (!qr_bool(r, o, "multifunction", &mf))
            return false;
        a->type = IR_ADDR_PCI;
        a->bus = b;
        a->has_bus = a->has_slot = a->has_function = true;
        a->multifunction = mf ? IR_TRI_YES : IR_TRI_ABSENT;
        return true;
    }
    if (bus && bus->value && (vc_str_has_prefix(bus->value, "pci") || vc_streq(bus->value, "pcie.0"))) {
        bus->used = true;   /* a PCI bus without a slot: QEMU (and virtc) pick one */
    }
    return true;
}

/* bus=usb.N,port=P[.Q] of a USB device. */
bool qr_usb_addr(qemu_reader *r, qr_opt *o, ir_address *a)
{
    qopt_item *bus = qr_item(o, "bus");
    const char *port = qr_str(o, "port");
    if (!port)
        return true;
    unsigned long long b = 0;
    int ctl = 0;
    if (bus && bus->value) {
        const char *dot = strrchr(bus->value, '.');
        if (!dot || !vc_parse_ull(dot + 1, 10, &b))
            return qr_error(r, o->arg, bus->val_off, "%s: '%s' is not a USB bus (usb.N)",
                            o->flag->text, bus->value);
        /* CONTROLLER-ID.0: the address's bus is that controller's index
         * (qr_usb_bus_index: usb1.0 is controller 1, xhci.0 the one whose
         * id is xhci) */
        char *head = vc_xstrndup(bus->value, (size_t)(dot - bus->value));
        ctl = qr_usb_bus_index(r, head);
        free(head);
    }
    a->type = IR_ADDR_USB;
    a->bus = (unsigned)ctl;
    a->has_bus = true;
    a->usb_port = vc_xstrdup(port);
    return true;
}

/* ---- -set device.ID.KEY=VALUE ---- */

/* The last -device before option index before whose id is id, or NULL. */
static qr_opt *qr_opt_before(qemu_reader *r, size_t before, const char *name, const char *id)
{
    for (size_t i = before; i-- > 0;) {
        qr_opt *d = &r->opts[i];
        if (strcmp(d->def->name, name) == 0 && vc_streq(qr_last(d, "id"), id))
            return d;
    }
    return NULL;
}

static void qr_word_put(vc_buf *b, size_t **src, size_t *n, size_t *cap, char c, size_t at)
{
    vc_buf_putc(b, c);
    vc_xgrow((void **)src, cap, *n + 2, sizeof(size_t));
    (*src)[(*n)++] = at;
}

/* A new word: dev's text, then ",KEY=VALUE" from the -set word s (key at
 * s->text[k], value at s->text[v], its commas doubled as key=value text
 * escapes them), each character at its own place in the source, so what
 * is said about the item points into the -set. */
static shw_word *qr_word_join(const shw_word *dev, const shw_word *s, size_t k, size_t v)
{
    vc_buf b;
    vc_buf_init(&b);
    size_t *src = NULL, n = 0, cap = 0;
    for (size_t i = 0; i < dev->len; i++)
        qr_word_put(&b, &src, &n, &cap, dev->text[i], dev->src[i]);
    qr_word_put(&b, &src, &n, &cap, ',', s->src[k]);
    for (size_t i = k; i < s->len; i++) {
        if (i >= v && s->text[i] == ',')
            qr_word_put(&b, &src, &n, &cap, ',', s->src[i]);
        qr_word_put(&b, &src, &n, &cap, s->text[i], s->src[i]);
    }
    src[n] = s->src[s->len];
    shw_word *w = vc_xcalloc(1, sizeof(*w));
    w->text = vc_xstrdup(vc_buf_str(&b));
    w->len = n;
    w->src = src;
    w->start = dev->start;
    vc_buf_free(&b);
    return w;
}

bool qr_set_split(const char *text, const shw_word *w, size_t off, qr_set_text *s)
{
    const char *d1 = strchr(text, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    const char *eq = d2 ? strchr(d2 + 1, '=') : NULL, *eq1 = strchr(text, '=');
    if (!eq || eq1 < d2 || d1 == text || d2 == d1 + 1 || eq == d2 + 1)
        return false;
    *s = (qr_set_text){
        .group = vc_xstrndup(text, (size_t)(d1 - text)),
        .id = vc_xstrndup(d1 + 1, (size_t)(d2 - d1 - 1)),
        .key = vc_xstrndup(d2 + 1, (size_t)(eq - d2 - 1)),
        .value = vc_xstrdup(eq + 1),
        .id_off = (size_t)(d1 + 1 - text),
        .key_off = (size_t)(d2 + 1 - text),
        .value_off = (size_t)(eq + 1 - text),
        .w = w,
        .off = off,
    };
    return true;
}

void qr_set_text_free(qr_set_text *s)
{
    free(s->group);
    free(s->id);
    free(s->key);
    free(s->value);
}

/* The option a -set's parts p name: a device one's -device, a drive one's
 * -drive (virtc writes a disk as -blockdev, which has no -set: the property
 * is the -drive's own, modelled or kept with the disk whole). *dev: NULL
 * when the -set is kept whole (another group, or a drive one QEMU refuses);
 * false after a located error. */
static bool qr_set_target(qemu_reader *r, size_t at, const qr_set_text *p, qr_opt **dev)
{
    bool drive = strcmp(p->group, "drive") == 0;
    *dev = NULL;
    if (!drive && strcmp(p->group, "device") != 0)
        return true;   /* kept whole (qr_opt_set) */
    *dev = qr_opt_before(r, at, p->group, p->id);
    if ((drive && !*dev) || (*dev && !(*dev)->props.json))
        return true;
    return qr_error(r, p->w, p->off + p->id_off, "-set: no -device before it has the id '%s'%s",
                    p->id, *dev ? " in key=value form (QEMU sets properties of those only)" : "");
}

/* -set GROUP.ID.KEY=VALUE, read as QEMU reads it (qr_set_split), joined to
 * the option it names (qr_set_target). */
static bool qr_set_join(qemu_reader *r, size_t at)
{
    qr_opt *o = &r->opts[at], *dev;
    const shw_word *s = o->arg;
    qr_set_text p;
    if (!qr_set_split(s->text, s, 0, &p))
        return qr_error(r, s, 0, "-set: '%s' is not GROUP.ID.KEY=VALUE", s->text);
    bool ok = qr_set_target(r, at, &p, &dev);
    shw_word *w = ok && dev ? qr_word_join(dev->arg, s, p.key_off, p.value_off) : NULL;
    qr_set_text_free(&p);
    if (!w)
        return ok;
    vc_xgrow((void **)&r->joined, &r->capjoined, r->njoined + 1, sizeof(*r->joined));
    r->joined[r->njoined++] = w;
    qopt_list props = { 0 };
    qopt_err e;
    if (!qopt_read(w->text, w->len, dev->def->implicit, &props, &e)) {
        qr_error(r, w, e.off, "%s: %s", dev->flag->text, e.msg);
        free(e.msg);
        qopt_list_free(&props);
        return false;
    }
    if (!dev->set_first)
        dev->set_first = dev->props.n;
    qopt_list_free(&dev->props);
    dev->props = props;
    dev->arg = w;
    o->set_dev = dev;
    o->set_item = props.n - 1;
    return true;
}

bool qr_apply_sets(qemu_reader *r)
{
    bool ok = true;
    for (size_t i = 0; i < r->nopts; i++)
        if (strcmp(r->opts[i].def->name, "set") == 0 && !qr_set_join(r, i))
            ok = false;
    return ok;
}

/* The backends a -set may name that the 7.2 emitter names after their
 * device's user alias (modern_dev_id): the group, the property that names
 * the backend, the kind of device, the prefix of the id it writes
 * (libvirt's: charALIAS, hostALIAS, fsdev-ALIAS, chr-vu-ALIAS), and the
 * backend between them when the device does not name it itself (a
 * vhost-user NIC's -netdev names its chardev: via "netdev"), else NULL. */
static const struct {
    const char *group, *prop;
    ir_device_kind kind;
    const char *prefix, *via;
} qr_set_backends[] = {
    { "chardev", "chardev", IR_DEV_CHR, "char", NULL },
    { "chardev", "chardev", IR_DEV_DISK, "chr-vu-", NULL },
    { "chardev", "chardev", IR_DEV_FILESYSTEM, "chr-vu-", NULL },
    { "chardev", "chardev", IR_DEV_REDIRDEV, "char", NULL },
    { "chardev", "chardev", IR_DEV_INTERFACE, "char", "netdev" },
    { "netdev", "netdev", IR_DEV_INTERFACE, "host", NULL },
    { "fsdev", "fsdev", IR_DEV_FILESYSTEM, "fsdev-", NULL },
    { "tpmdev", "tpmdev", IR_DEV_TPM, "tpm-", NULL },
};

/* The -OPTNAME option whose property prop names the backend id. */
static qr_opt *qr_opt_using(qemu_reader *r, const char *optname, const char *prop,
                            const char *id)
{
    for (size_t i = 0; id && i < r->nopts; i++) {
        qr_opt *d = &r->opts[i];
        if (strcmp(d->def->name, optname) == 0 && vc_streq(qr_last(d, prop), id))
            return d;
    }
    return NULL;
}

/* The -device using the backend id as row k of qr_set_backends has it
 * (through its via backend, whose id is then *named); NULL when none. */
static qr_opt *qr_device_using(qemu_reader *r, size_t k, const char *id, const char **named)
{
    *named = id;
    if (qr_set_backends[k].via) {
        qr_opt *mid = qr_opt_using(r, qr_set_backends[k].via, qr_set_backends[k].prop, id);
        *named = mid ? qr_last(mid, "id") : NULL;
        return qr_opt_using(r, "device", qr_set_backends[k].via, *named);
    }
    return qr_opt_using(r, "device", qr_set_backends[k].prop, id);
}

/* The -set text naming the id the emitter writes for the backend the -set
 * names (the device that uses it gets its user alias); NULL when no device
 * of the model uses it, or its kind's backend keeps virtc's id.
 * *last: whether the line defines the backend but no -device uses it (it is
 * kept whole, after the options read: the -set follows it). */
static char *qr_backend_set_text(qemu_reader *r, const qr_set_text *s, bool *last)
{
    bool used = false;
    char *out = NULL;
    for (size_t k = 0; !out && k < VC_ARRAY_SIZE(qr_set_backends); k++) {
        if (strcmp(s->group, qr_set_backends[k].group) != 0)
            continue;
        const char *named;
        qr_opt *o = qr_device_using(r, k, s->id, &named);
        used = used || o;
        ir_device *d = o ? qr_made_device(r, o) : NULL;
        if (!d || d->kind != qr_set_backends[k].kind)
            continue;
        /* a device without an id is named after the backend it names: ua-BACKEND */
        const char *own = qr_last(o, "id");
        const char *alias = qr_device_alias_as(r, o, own && *own ? own : named, true);
        if (alias)
            out = vc_xasprintf("%s.%s%s.%s=%s", s->group, qr_set_backends[k].prefix, alias,
                               s->key, s->value);
    }
    *last = !used && qr_backend(r, s->group, s->id);
    return out;
}

bool qr_backend_set_later(qemu_reader *r, const shw_word *w, size_t off, const char *flag,
                          const char *why, const char *text)
{
    qr_set_text s;
    if (!qr_set_split(text, w, off, &s))
        return false;
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(qr_set_backends) && strcmp(s.group, qr_set_backends[k].group) != 0)
        k++;
    if (k == VC_ARRAY_SIZE(qr_set_backends)) {
        qr_set_text_free(&s);
        return false;
    }
    const char *args[2] = { "-set", text };
    qr_passthrough(r, args, 2);
    vc_xgrow((void **)&r->backend_sets, &r->capbackend_sets, r->nbackend_sets + 1,
             sizeof(*r->backend_sets));
    r->backend_sets[r->nbackend_sets++] =
        (qr_backend_set){ s, flag, why, r->dom->qemu_cmdline->nargs - 1 };
    return true;
}

/* Moves the -set whose text is at arg to the end of <qemu:commandline>. */
static void qr_backend_set_last(qemu_reader *r, size_t i)
{
    ir_qemu_cmdline *q = r->dom->qemu_cmdline;
    size_t at = r->backend_sets[i].arg;
    char *text = q->args[at];
    free(q->args[at - 1]);
    memmove(&q->args[at - 1], &q->args[at + 1], (q->nargs - at - 1) * sizeof(char *));
    q->nargs -= 2;
    for (size_t k = 0; k < r->nbackend_sets; k++)
        if (r->backend_sets[k].arg > at)
            r->backend_sets[k].arg -= 2;
    const char *args[1] = { "-set" };
    qr_passthrough(r, args, 1);
    q->args[q->nargs++] = text;   /* room: the two removed */
    r->backend_sets[i].arg = q->nargs - 1;
}

/* After every option (a device may follow the -set) and every backend kept
 * whole (which a -set may name: it moves after them). */
void qr_backend_sets(qemu_reader *r)
{
    for (size_t i = 0; i < r->nbackend_sets; i++) {
        const qr_backend_set *b = &r->backend_sets[i];
        char **arg = &r->dom->qemu_cmdline->args[b->arg];
        bool last;
        char *set = qr_backend_set_text(r, &b->set, &last);
        if (set) {
            free(*arg);
            *arg = set;
        } else if (last) {
            qr_backend_set_last(r, i);
            arg = &r->dom->qemu_cmdline->args[b->arg];
        }
        char *why = b->why ? vc_xstrdup(b->why)
                           : vc_xasprintf("property '%s' of a backend has no place in the "
                                          "domain model", b->set.key);
        qr_warn(r, b->set.w, b->set.off, "%s: %s; kept as <qemu:commandline> -set %s%s",
                b->flag, why, *arg, set ? " (the id virtc writes for the backend)" : "");
        free(why);
    }
}

void qr_backend_sets_free(qemu_reader *r)
{
    for (size_t i = 0; i < r->nbackend_sets; i++)
        qr_set_text_free(&r->backend_sets[i].set);
    free(r->backend_sets);
}

bool qr_opt_set(qemu_reader *r, qr_opt *o)
{
    /* a backend's: its device may follow it, kept once every option is read */
    if (!o->set_dev && o->arg && qr_backend_set_later(r, o->arg, 0, "-set", NULL, o->arg->text))
        return true;
    if (!o->set_dev)
        return qr_keep_option(r, o, NULL);
    qopt_item *it = &o->set_dev->props.v[o->set_item];
    if (it->used)
        return true;
    it->used = true;
    /* the device's id is its user alias now (qr_device_alias); a
     * controller's is the one the emitter derives from its type and index */
    const char *alias = qr_device_alias(r, o->set_dev, true);
    ir_device *d = alias ? NULL : qr_made_device(r, o->set_dev);
    char *ctl = d && d->kind == IR_DEV_CONTROLLER ? qr_ctl_written_id(r, &d->u.controller)
                                                  : NULL;
    const char *id = alias ? alias : ctl;
    char *set = id ? vc_xasprintf("device.%s.%s=%s", id, it->key, it->value ? it->value : "on")
                   : vc_xstrdup(o->arg->text);
    free(ctl);
    const char *args[2] = { o->flag->text, set };
    qr_passthrough(r, args, 2);
    qr_warn(r, o->arg, 0, "-set: property '%s' of the device has no place in the domain "
            "model; kept as <qemu:commandline> -set %s", it->key, set);
    free(set);
    return true;
}

void qr_joined_free(qemu_reader *r)
{
    for (size_t i = 0; i < r->njoined; i++) {
        free(r->joined[i]->text);
        free(r->joined[i]->src);
        free(r->joined[i]);
    }
    free(r->joined);
}
