/*
 * argv_read_feat.c: settings of the qemu-argv reader that came with the
 * IR fields of issue 9 (CPU enlightenments as <features><hyperv>/<kvm>,
 * -global PM switches as <pm>, VNC share policy and websocket), and the
 * rule that nothing read is dropped: an option's properties the model has
 * no place for are given back as <qemu:commandline> in a form QEMU reads
 * the same way (a merged option again, -set on an id, or the whole option).
 */
#include <stdlib.h>
#include <string.h>

#include "argv_read_priv.h"

/* ---- -cpu MODEL,flag,... ---- */

/* QEMU's Hyper-V enlightenments (-cpu hv-NAME or QEMU 1.x's hv_NAME) by
 * their libvirt names; attr: the one value the flag takes. */
static const struct {
    const char *qemu;
    const char *name;
    const char *attr;
} qr_hv_flags[] = {
    { "relaxed", "relaxed", NULL }, { "vapic", "vapic", NULL },
    { "spinlocks", "spinlocks", "retries" }, { "vpindex", "vpindex", NULL },
    { "runtime", "runtime", NULL }, { "synic", "synic", NULL }, { "stimer", "stimer", NULL },
    { "reset", "reset", NULL }, { "vendor-id", "vendor_id", "value" },
    { "frequencies", "frequencies", NULL }, { "reenlightenment", "reenlightenment", NULL },
    { "tlbflush", "tlbflush", NULL }, { "ipi", "ipi", NULL }, { "evmcs", "evmcs", NULL },
    { "avic", "avic", NULL },
};

/* Enlightenments that refine one above (QEMU's hv-stimer-direct is
 * <stimer><direct/>): read onto the parent flag given before them. */
static const struct {
    const char *qemu;
    const char *parent;
    const char *name;
} qr_hv_kids[] = {
    { "stimer-direct", "stimer", "direct" },
};

/* KVM's paravirtual switches: -cpu kvm=off hides KVM (<hidden state='on'/>). */
static const struct {
    const char *qemu;
    const char *name;
} qr_kvm_flags[] = {
    { "kvm-hint-dedicated", "hint-dedicated" }, { "kvm-poll-control", "poll-control" },
    { "kvm-pv-ipi", "pv-ipi" },
};

static ir_feature *qr_feature_find(ir_domain *dom, const char *name)
{
    for (size_t i = 0; i < dom->nfeatures; i++)
        if (strcmp(dom->features[i].name, name) == 0)
            return &dom->features[i];
    return NULL;
}

ir_feature *qr_feature(ir_domain *dom, const char *name)
{
    ir_feature *f = qr_feature_find(dom, name);
    if (f)
        return f;
    ir_domain_add_feature(dom, name, NULL);
    return &dom->features[dom->nfeatures - 1];
}

/* "on"/"off" of a flag written FLAG, +FLAG, -FLAG or FLAG=on|off|...; NULL
 * when the value is not a switch. */
static const char *qr_flag_state(char sign, const char *value)
{
    if (sign == '-')
        return "off";
    if (!value)
        return "on";
    static const char *const on[] = { "on", "yes", "true" }, *const off[] = { "off", "no",
                                                                                 "false" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(on); i++) {
        if (strcmp(value, on[i]) == 0)
            return "on";
        if (strcmp(value, off[i]) == 0)
            return "off";
    }
    return NULL;
}

/* hv-stimer-direct and the like: a child of the parent flag's element;
 * false without the parent (QEMU refuses that anyway). */
static bool qr_hv_kid(qemu_reader *r, const char *name, const char *value)
{
    const char *state = qr_flag_state('+', value);
    ir_feature *hv = state ? qr_feature_find(r->dom, "hyperv") : NULL;
    for (size_t i = 0; hv && i < VC_ARRAY_SIZE(qr_hv_kids); i++) {
        if (strcmp(name, qr_hv_kids[i].qemu) != 0)
            continue;
        for (size_t k = hv->nsubs; k-- > 0;)
            if (strcmp(hv->subs[k].name, qr_hv_kids[i].parent) == 0) {
                ir_subfeature_add_kid(&hv->subs[k], qr_hv_kids[i].name, state);
                return true;
            }
    }
    return false;
}

/* A Hyper-V flag (name without "hv-"): true when modelled. hv-passthrough
 * is <hyperv mode='passthrough'>, which lists no flags: given with others
 * (hv_others, or flags of an earlier -cpu), it stays on the kept -cpu, as
 * do flags after it. */
static bool qr_hv_flag(qemu_reader *r, const char *name, const char *value, bool hv_others)
{
    ir_feature *hv = qr_feature_find(r->dom, "hyperv");
    if (strcmp(name, "passthrough") == 0) {
        if (hv_others || (hv && hv->nsubs) || !vc_streq(qr_flag_state('+', value), "on"))
            return false;
        qr_set(&qr_feature(r->dom, "hyperv")->mode, "passthrough");
        return true;
    }
    if (hv && vc_streq(hv->mode, "passthrough"))
        return false;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_hv_flags); i++) {
        if (strcmp(name, qr_hv_flags[i].qemu) != 0)
            continue;
        const char *attr = qr_hv_flags[i].attr;
        char *v = NULL;
        const char *state = NULL;
        unsigned long long n;
        if (!attr) {
            state = qr_flag_state('+', value);
        } else if (strcmp(attr, "retries") == 0 && value && vc_parse_ull(value, 0, &n) &&
                   n <= 0xffffffffULL) {
            state = "on";
            v = vc_xasprintf("%llu", n);
        } else if (strcmp(attr, "value") == 0 && value && *value) {
            state = "on";
            v = vc_xstrdup(value);
        }
        if (!state)
            return false;
        ir_feature_add_sub(qr_feature(r->dom, "hyperv"), qr_hv_flags[i].name, state,
                           v ? attr : NULL, v);
        free(v);
        return true;
    }
    return qr_hv_kid(r, name, value);
}

/* One -cpu flag: true when the model holds it. */
static bool qr_cpu_flag(qemu_reader *r, const char *flag, bool hv_others)
{
    char sign = *flag == '+' || *flag == '-' ? *flag++ : '+';
    const char *eq = strchr(flag, '=');
    char *name = eq ? vc_xstrndup(flag, (size_t)(eq - flag)) : vc_xstrdup(flag);
    const char *value = eq ? eq + 1 : NULL;
    for (char *c = name; *c; c++)
        if (*c == '_')
            *c = '-';          /* QEMU 1.x spelled hv_relaxed, today hv-relaxed */
    bool done = false;
    const char *state = qr_flag_state(sign, value);
    if (vc_str_has_prefix(name, "hv-") && sign == '+') {
        if (strcmp(name, "hv-crash") == 0 && vc_streq(state, "on")) {
            ir_device *d = ir_domain_add_device(r->dom, IR_DEV_PANIC, r->dom->pos);
            d->u.panic.model = vc_xstrdup("hyperv");
            done = true;
        } else {
            done = qr_hv_flag(r, name + 3, value, hv_others);
        }
    } else if (strcmp(name, "kvm") == 0 && vc_streq(state, "off")) {
        ir_feature_add_sub(qr_feature(r->dom, "kvm"), "hidden", "on", NULL, NULL);
        done = true;
    } else if (strcmp(name, "kvmclock") == 0 && state) {
        qr_timer(r, strcmp(state, "on") == 0 ? "<timer name='kvmclock' present='yes'/>"
                                              : "<timer name='kvmclock' present='no'/>");
        done = true;
    } else {
        for (size_t i = 0; i < VC_ARRAY_SIZE(qr_kvm_flags) && !done && state; i++)
            if (strcmp(name, qr_kvm_flags[i].qemu) == 0) {
                ir_feature_add_sub(qr_feature(r->dom, "kvm"), qr_kvm_flags[i].name, state,
                                   NULL, NULL);
                done = true;
            }
    }
    free(name);
    return done;
}

/* The model QEMU runs when -cpu names none: a -cpu naming it only to carry
 * flags says no more than the flags (libvirt writes it that way). */
static bool qr_cpu_is_default(const qemu_reader *r, const char *model)
{
    const char *arch = r->dom->os.arch;
    return (vc_streq(arch, "i686") && strcmp(model, "qemu32") == 0) ||
           (vc_streq(arch, "x86_64") && strcmp(model, "qemu64") == 0);
}

/* -cpu MODEL,flag,...: the flags the model holds (Hyper-V enlightenments,
 * kvm=off, kvmclock) become features; the others stay on a -cpu kept as
 * <qemu:commandline> with the model, in their order. */
bool qr_opt_cpu_flags(qemu_reader *r, qr_opt *o)
{
    const char *v = o->arg->text;
    size_t mlen = strcspn(v, ",");
    char *model = vc_xstrndup(v, mlen);
    vc_buf rest;
    vc_buf_init(&rest);
    vc_buf_puts(&rest, model);
    size_t kept = 0;
    bool hv_others = false;
    for (const char *p = strchr(v, ','); p; p = strchr(p + 1, ','))
        hv_others |= (vc_str_has_prefix(p + 1, "hv-") || vc_str_has_prefix(p + 1, "hv_")) &&
                     !vc_str_has_prefix(p + 4, "passthrough") && !vc_str_has_prefix(p + 4, "crash");
    for (const char *p = v + mlen; *p == ',';) {
        p++;
        size_t n = strcspn(p, ",");
        char *flag = vc_xstrndup(p, n);
        if (!*flag || !qr_cpu_flag(r, flag, hv_others)) {
            vc_buf_printf(&rest, ",%s", flag);
            kept++;
        }
        free(flag);
        p += n;
    }
    if (kept) {
        const char *args[2] = { "-cpu", vc_buf_str(&rest) };
        qr_passthrough(r, args, 2);
        qr_warn(r, o->arg, 0, "-cpu: %zu CPU feature%s ha%s no place in the domain model; "
                "kept as <qemu:commandline> -cpu %s", kept, kept > 1 ? "s" : "",
                kept > 1 ? "ve" : "s", vc_buf_str(&rest));
    } else if (!qr_cpu_is_default(r, model)) {
        qr_cpu_model(r, model);
    }
    vc_buf_free(&rest);
    free(model);
    return true;
}

/* ---- -machine ---- */

/* -machine aes-key-wrap=on|off, dea-key-wrap=on|off (s390): <keywrap>. */
bool qr_machine_keywrap(qemu_reader *r, qr_opt *o)
{
    static const char *const keys[] = { "aes-key-wrap", "dea-key-wrap" };
    char **fields[] = { &r->dom->keywrap_aes, &r->dom->keywrap_dea };
    for (size_t i = 0; i < VC_ARRAY_SIZE(keys); i++) {
        bool on = false;
        if (!qr_item(o, keys[i]))
            continue;
        if (!qr_bool(r, o, keys[i], &on))
            return false;
        qr_set(fields[i], on ? "on" : "off");
    }
    return true;
}

/* ---- -global ---- */

/* -global PIIX4_PM.disable_s3=0|1 (ICH9-LPC on q35), s4 alike: <pm>. */
bool qr_global_pm(qemu_reader *r, const char *text)
{
    static const char *const devs[] = { "PIIX4_PM.", "ICH9-LPC." };
    for (size_t i = 0; i < VC_ARRAY_SIZE(devs); i++) {
        if (!vc_str_has_prefix(text, devs[i]))
            continue;
        const char *p = text + strlen(devs[i]);
        ir_tristate *t = vc_str_has_prefix(p, "disable_s3=") ? &r->dom->pm_suspend_to_mem
                         : vc_str_has_prefix(p, "disable_s4=") ? &r->dom->pm_suspend_to_disk
                                                               : NULL;
        const char *v = t ? p + strlen("disable_sN=") : NULL;
        if (!t || (strcmp(v, "0") != 0 && strcmp(v, "1") != 0))
            return false;
        *t = v[0] == '1' ? IR_TRI_NO : IR_TRI_YES;
        return true;
    }
    return false;
}

/* ---- -vnc ---- */

/* QEMU 0.x read -vnc's first item as the display string up to the first
 * comma, so `unix:/run/a=b.sock` is a path holding '=', not a key (today's
 * QEMU needs vnc=unix:... for that, which is what virtc writes). */
void qr_vnc_display_item(qr_opt *o)
{
    if (o->props.n == 0 || o->props.v[0].implicit || !o->props.v[0].value ||
        !vc_str_has_prefix(o->props.v[0].key, "unix:"))
        return;
    qopt_item *it = &o->props.v[0];
    char *display = vc_xasprintf("%s=%s", it->key, it->value);
    free(it->key);
    free(it->value);
    it->key = vc_xstrdup("vnc");
    it->value = display;
    it->val_off = it->key_off;
    it->implicit = true;
}

/* share=, websocket= of a -vnc (its audiodev= is qr_note_audio's). */
bool qr_vnc_extras(qemu_reader *r, qr_opt *o, ir_graphics *g)
{
    static const char *const policies[] = { "allow-exclusive", "force-shared", "ignore" };
    qopt_item *share = qr_item(o, "share");
    if (share) {
        bool known = false;
        for (size_t i = 0; i < VC_ARRAY_SIZE(policies); i++)
            known = known || vc_streq(share->value, policies[i]);
        if (!known)
            return qr_error(r, o->arg, share->val_off, "-vnc: share='%s' is not "
                            "allow-exclusive, force-shared or ignore",
                            share->value ? share->value : "");
        qr_set(&g->share_policy, share->value);
    }
    qopt_item *ws = qr_item(o, "websocket");
    unsigned long long port;
    if (ws) {
        if (!ws->value || !vc_parse_ull(ws->value, 10, &port) || port == 0 || port > 65535)
            return qr_error(r, o->arg, ws->val_off, "-vnc: websocket='%s' is not a port "
                            "number", ws->value ? ws->value : "");
        g->websocket = (int)port;
    }
    return true;
}

/* ---- nothing dropped ---- */

static bool qr_in(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* Options whose repeats QEMU merges into one (QemuOpts merge_lists):
 * a second -OPT with the leftover properties says what they said. */
static const char *const qr_merged_opts[] = {
    "machine", "M", "smp", "m", "boot", "rtc", "overcommit", "msg", "sandbox",
};

/* Options QEMU keeps as QemuOpts by id: -set GROUP.ID.KEY=VALUE adds to one. */
/* Not "drive": the 7.2 emitter writes a disk as -blockdev (QAPI: no -set)
 * and the legacy one gives -drive no id, so a -set drive.ID would name
 * nothing; a -drive's leftovers keep the disk whole. */
static const char *const qr_set_groups[] = { "chardev", "netdev", "fsdev" };

/* Any other option with leftovers is kept whole (it is one of a kind, or
 * has no id to -set; QAPI options such as -object, -accel and -tpmdev have
 * no -set at all): what the model read from it is taken back out, so the
 * option is not given twice. What the model keeps of it all the same (the
 * domain type of an -accel, an I/O thread of an -object iothread) the
 * 7.2 emitter leaves to the kept option (modern_passthrough_defines). */

/* Whether the option o made device d (qr_add_device places it at the flag). */
static bool qr_made_by(const qemu_reader *r, const qr_opt *o, const ir_device *d)
{
    vc_loc l = qr_loc(r, o->flag, 0);
    return d->pos.line == l.line && d->pos.column == l.column;
}

/* User aliases. A -device's id names it for -set device.ID and for QMP;
 * virtc numbers the devices it writes (virtio-disk0, net0, ...), so an id
 * survives only as a user alias, <alias name='ua-NAME'/>, which the 7.2
 * emitter writes back as the id. An id that already is one (libvirt's
 * own command lines) is always kept; another becomes ua-ID only when what
 * is kept names the device by it (a -set of a property the model has no
 * place for), and the kept -set names ua-ID: a domain's XML does not fill
 * with aliases of ids nothing refers to, and a second conversion gives
 * the same line. */
/* The kinds whose -device id the 7.2 emitter takes from the user alias
 * (modern_dev_id): the others keep virtc's ids, so an alias would name
 * nothing there. */
static const ir_device_kind qr_alias_kinds[] = {
    IR_DEV_DISK, IR_DEV_INTERFACE, IR_DEV_CHR, IR_DEV_INPUT, IR_DEV_VIDEO, IR_DEV_HOSTDEV,
    IR_DEV_WATCHDOG, IR_DEV_MEMBALLOON, IR_DEV_FILESYSTEM, IR_DEV_RNG, IR_DEV_SOUND, IR_DEV_TPM,
    IR_DEV_PANIC, IR_DEV_VSOCK, IR_DEV_IOMMU, IR_DEV_REDIRDEV,
};

ir_device *qr_made_device(qemu_reader *r, const qr_opt *o)
{
    for (size_t i = r->dom->ndevices; i-- > 0;)
        if (qr_made_by(r, o, &r->dom->devices[i]))
            return &r->dom->devices[i];
    return NULL;
}

const char *qr_device_alias(qemu_reader *r, const qr_opt *o, bool needed)
{
    return qr_device_alias_as(r, o, qr_last(o, "id"), needed);
}

const char *qr_device_alias_as(qemu_reader *r, const qr_opt *o, const char *id, bool needed)
{
    bool ua = vc_str_has_prefix(id, "ua-") && id[strlen("ua-")];
    if (!id || !*id || (!ua && !needed))
        return NULL;
    ir_device *d = qr_made_device(r, o);
    if (!d)
        return NULL;
    size_t k = 0;
    while (k < VC_ARRAY_SIZE(qr_alias_kinds) && qr_alias_kinds[k] != d->kind)
        k++;
    if (k == VC_ARRAY_SIZE(qr_alias_kinds))
        return NULL;
    if (!d->alias) {
        char *alias = ua ? vc_xstrdup(id) : vc_xasprintf("ua-%s", id);
        for (size_t i = 0; i < r->dom->ndevices; i++)
            if (vc_streq(r->dom->devices[i].alias, alias)) {
                free(alias);   /* taken (a name made from a backend's id) */
                return NULL;
            }
        d->alias = alias;
        /* an element kept as written carries it itself */
        if (d->xml)
            qr_device_amend(r, d, "alias", "name", d->alias);
    }
    return d->alias;
}

static void qr_drop_devices_of(qemu_reader *r, const qr_opt *o)
{
    ir_domain *dom = r->dom;
    size_t k = 0;
    for (size_t i = 0; i < dom->ndevices; i++) {
        ir_device *d = &dom->devices[i];
        if (qr_made_by(r, o, d)) {
            ir_device_clear(d);
            continue;
        }
        if (k != i)
            dom->devices[k] = *d;
        k++;
    }
    dom->ndevices = k;
}

static const char *qr_item_id(const qr_opt *o)
{
    for (size_t i = o->props.n; i-- > 0;)
        if (strcmp(o->props.v[i].key, "id") == 0)
            return o->props.v[i].value;
    return NULL;
}

char *qr_unused_keys(const qr_opt *o, size_t *n)
{
    vc_buf keys;
    vc_buf_init(&keys);
    *n = 0;
    for (size_t i = 0; i < o->props.n; i++)
        if (!o->props.v[i].used) {
            vc_buf_printf(&keys, "%s'%s'", keys.len ? ", " : "", o->props.v[i].key);
            ++*n;
        }
    if (!keys.len) {
        vc_buf_free(&keys);
        return NULL;
    }
    return vc_buf_steal(&keys);
}

void qr_keep_leftovers(qemu_reader *r, qr_opt *o)
{
    size_t unused = 0;
    for (size_t i = 0; i < o->props.n; i++)
        unused += !o->props.v[i].used;
    if (!unused)
        return;
    const char *name = o->def->name;
    const char *id = qr_item_id(o);
    bool merged = qr_in(name, qr_merged_opts, VC_ARRAY_SIZE(qr_merged_opts));
    bool set = id && !o->props.json &&
               qr_in(name, qr_set_groups, VC_ARRAY_SIZE(qr_set_groups));
    /* A backend without -set (an -object, a -tpmdev) has no other form:
     * the device being read is kept whole, with its backends. A -netdev's
     * leftovers are -set netdev.hostua-X (qr_backend_set_later: the id the
     * emitter derives from the NIC's user alias). */
    if (r->in_device && !merged && !set) {
        char *keys = qr_unused_keys(o, &unused);
        free(r->keep_netdev);
        r->keep_netdev = vc_xasprintf("its -%s's %s ha%s no place in the domain model", name,
                                      keys, unused > 1 ? "ve" : "s");
        r->keep_reason = r->keep_netdev;
        free(keys);
        return;
    }
    if (!merged && !set) {
        size_t first = 0;
        while (o->props.v[first].used)
            first++;
        char *keys = qr_unused_keys(o, &unused);
        for (size_t i = 0; i < o->props.n; i++)
            o->props.v[i].used = true;
        qr_drop_devices_of(r, o);
        const char *args[2] = { o->flag->text, o->arg->text };
        qr_passthrough(r, args, 2);
        qr_warn(r, o->arg, o->props.v[first].key_off, "%s: %s ha%s no place in the domain "
                "model; the whole option is kept as <qemu:commandline>", o->flag->text,
                keys, unused > 1 ? "ve" : "s");
        free(keys);
        return;
    }
    /* a merged option: one more -OPT with all of them; an id: one -set each */
    const char *opt = set ? "-set" : strcmp(name, "M") == 0 ? "-machine" : o->flag->text;
    vc_buf all, one;
    vc_buf_init(&all);
    vc_buf_init(&one);
    for (size_t i = 0; i < o->props.n; i++) {
        qopt_item *it = &o->props.v[i];
        if (it->used)
            continue;
        it->used = true;
        vc_buf_free(&one);
        vc_buf_init(&one);
        if (set)
            vc_buf_printf(&one, "%s.%s.", name, id);
        vc_buf_printf(&one, "%s=%s", it->key, it->value ? it->value : "on");
        /* a backend's -set names the id the emitter gives it */
        if (set && qr_backend_set_later(r, o->arg, it->key_off, o->flag->text, NULL,
                                        vc_buf_str(&one)))
            continue;
        qr_warn(r, o->arg, it->key_off, "%s: property '%s' has no place in the domain model; "
                "kept as <qemu:commandline> %s %s", o->flag->text, it->key, opt,
                vc_buf_str(&one));
        if (set) {
            const char *args[2] = { opt, vc_buf_str(&one) };
            qr_passthrough(r, args, 2);
        } else {
            vc_buf_printf(&all, "%s%s", all.len ? "," : "", vc_buf_str(&one));
        }
    }
    if (all.len) {
        const char *args[2] = { opt, vc_buf_str(&all) };
        qr_passthrough(r, args, 2);
    }
    vc_buf_free(&one);
    vc_buf_free(&all);
    return;
}
