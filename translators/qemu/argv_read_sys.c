/*
 * argv_read_sys.c: the machine-wide options of a QEMU command line (name,
 * uuid, machine, accelerator, CPU, memory, boot, clock, firmware and kernel,
 * displays) and the defaults applied once every option is read.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "argv_read_priv.h"

/* -name guest=NAME[,process=...,debug-threads=on] */
bool qr_opt_name(qemu_reader *r, qr_opt *o)
{
    const char *name = qr_str(o, "guest");
    if (!name || !*name)
        return qr_error(r, o->arg, 0, "-name: the guest's name is empty");
    free(r->dom->name);
    r->dom->name = vc_xstrdup(name);
    qr_implied(o, QR_KEYS("process", "debug-threads"));
    qr_leftovers(r, o, NULL);
    return true;
}

bool qr_opt_uuid(qemu_reader *r, qr_opt *o)
{
    if (!ir_uuid_parse(o->arg->text, r->dom->uuid))
        return qr_error(r, o->arg, 0, "-uuid: '%s' is not a UUID", o->arg->text);
    r->dom->uuid_given = true;
    return true;
}

/* -m [size=]MEGS[,slots=N,maxmem=SIZE]: a bare number is MiB. */
bool qr_opt_memory(qemu_reader *r, qr_opt *o)
{
    qopt_item *size = qr_item(o, "size");
    unsigned long long kib;
    if (size) {
        if (!size->value || !qr_size_kib(r, o->flag->text, o->arg, size->val_off, size->value, 1ULL << 20, &kib))
            return size->value ? false : qr_error(r, o->arg, size->val_off, "-m: no size");
        if (kib == 0)
            return qr_error(r, o->arg, size->val_off, "-m: the size is zero");
        r->dom->memory_kib = r->dom->current_memory_kib = kib;
    }
    qopt_item *max = qr_item(o, "maxmem");
    if (max && (!max->value || !qr_size_kib(r, o->flag->text, o->arg, max->val_off, max->value, 1ULL << 20,
                                             &r->dom->max_memory_kib)))
        return max->value ? false : qr_error(r, o->arg, max->val_off, "-m: no maxmem size");
    unsigned long long slots = 0;
    if (!qr_num(r, o, "slots", &slots))
        return false;
    r->dom->max_memory_slots = (unsigned)slots;
    qr_leftovers(r, o, NULL);
    return true;
}

/* A topology given in part is completed as QEMU completes it (a missing
 * die, core or thread count is 1, the sockets are what is left of maxcpus),
 * since <topology> names sockets, cores and threads always; one that does
 * not multiply up to maxcpus is QEMU's error too. */
static bool qr_smp_complete(qemu_reader *r, qr_opt *o, unsigned long long n,
                            unsigned long long *s, unsigned long long di,
                            unsigned long long *c, unsigned long long *t)
{
    unsigned long long d = di ? di : 1;
    *c = *c ? *c : 1;
    *t = *t ? *t : 1;
    if (!*s && d * *c * *t <= n)
        *s = n / (d * *c * *t);
    if (!*s || *s * d * *c * *t != n)
        return qr_error(r, o->arg, 0, "-smp: '%s': sockets x dies x cores x threads is not "
                        "the maximum vCPU count %llu", o->arg->text, n);
    return true;
}

/* -smp [cpus=]N[,maxcpus=,sockets=,dies=,cores=,threads=] */
bool qr_opt_smp(qemu_reader *r, qr_opt *o)
{
    unsigned long long cpus = 0, max = 0, s = 0, di = 0, c = 0, t = 0;
    if (!qr_num(r, o, "cpus", &cpus) || !qr_num(r, o, "maxcpus", &max) ||
        !qr_num(r, o, "sockets", &s) || !qr_num(r, o, "dies", &di) ||
        !qr_num(r, o, "cores", &c) || !qr_num(r, o, "threads", &t))
        return false;
    if (cpus == 0 && s && c && t)
        cpus = s * (di ? di : 1) * c * t;
    if (cpus == 0 || cpus > 4096 || max > 4096)
        return qr_error(r, o->arg, 0, "-smp: '%s' gives no vCPU count between 1 and 4096",
                        o->arg->text);
    if ((s || di || c || t) && !qr_smp_complete(r, o, max ? max : cpus, &s, di, &c, &t))
        return false;
    r->dom->vcpus = (unsigned)(max ? max : cpus);
    r->dom->vcpus_current = max && max != cpus ? (unsigned)cpus : 0;
    r->dom->topology = (ir_cpu_topology){ (unsigned)s, (unsigned)di, (unsigned)c, (unsigned)t };
    qr_leftovers(r, o, NULL);
    return true;
}

static void qr_set_accel(qemu_reader *r, const char *accel)
{
    if (vc_str_has_prefix(accel, "kvm"))
        r->dom->type = IR_VIRT_KVM;
    else if (vc_str_has_prefix(accel, "tcg"))
        r->dom->type = IR_VIRT_QEMU;
}

/* Machine properties virtc writes itself (from the domain's own fields). */
static const char *const qr_machine_implied[] = {
    "usb", "dump-guest-core", "accel", "nvdimm",
};

/* pflash0=NODE (the firmware) and pflash1=NODE (its variables): the
 * -blockdev graphs they name are the loader and the NVRAM. */
static bool qr_machine_pflash(qemu_reader *r, qr_opt *o)
{
    static const char *const keys[] = { "pflash0", "pflash1" };
    for (int i = 0; i < 2; i++) {
        qopt_item *it = qr_item(o, keys[i]);
        if (!it || !it->value)
            continue;
        if (!qr_blk_pflash(r, o, it, i))
            return false;
    }
    return true;
}

/* -machine [type=]NAME[,prop=value...]: what the model lacks is given back
 * as a second -machine (QEMU merges them). */
bool qr_opt_machine(qemu_reader *r, qr_opt *o)
{
    const char *type = qr_str(o, "type");
    if (type) {
        free(r->dom->os.machine);
        r->dom->os.machine = vc_xstrdup(type);
    }
    const char *accel = qr_str(o, "accel");
    if (accel)
        qr_set_accel(r, accel);
    qr_implied(o, qr_machine_implied, VC_ARRAY_SIZE(qr_machine_implied));
    if (!qr_mem_hmat(r, o))
        return false;
    qopt_item *ram = qr_item(o, "memory-backend");
    if (ram && ram->value && !qr_mem_machine(r, o, ram))
        return false;
    if (!qr_machine_pflash(r, o) || !qr_machine_cgs(r, o) || !qr_machine_smm(r, o))
        return false;
    qopt_item *irq = qr_item(o, "kernel_irqchip");
    if (irq && vc_streq(irq->value, "split"))
        r->irqchip_split = o->arg;   /* qr_plat_finish: an IOMMU's, or kept */
    else if (irq)
        irq->used = false;
    qopt_item *vmport = qr_item(o, "vmport");
    bool vmport_on = false;
    if (vmport && vmport->value && !vc_streq(vmport->value, "auto")) {
        if (!qr_bool(r, o, "vmport", &vmport_on))
            return false;
        ir_domain_add_feature(r->dom, "vmport", vmport_on ? "on" : "off");
    } else if (vmport) {
        vmport->used = false;
    }
    const char *hpet = qr_str(o, "hpet");
    if (vc_streq(hpet, "off"))
        qr_timer(r, "<timer name='hpet' present='no'/>");
    else if (hpet)
        qr_item(o, "hpet")->used = false;
    bool merge = true;      /* mem-merge=off: <memoryBacking><nosharepages/> */
    if (!qr_bool(r, o, "mem-merge", &merge))
        return false;
    r->dom->nosharepages = !merge;
    if (!qr_machine_keywrap(r, o))
        return false;
    qr_keep_leftovers(r, o);
    return true;
}

/* -accel kvm,dirty-ring-size=N: <features><kvm><dirty-ring state='on' size='N'/>. */
static bool qr_accel_dirty_ring(qemu_reader *r, qr_opt *o)
{
    unsigned long long n = 0;
    qopt_item *it = qr_item(o, "dirty-ring-size");
    if (!it || !vc_streq(qr_str(o, "accel"), "kvm")) {
        if (it)
            it->used = false;   /* TCG has no such property: kept */
        return true;
    }
    if (!qr_num(r, o, "dirty-ring-size", &n))
        return false;
    if (n == 0)
        return true;   /* 0: KVM's dirty log, QEMU's default */
    char *v = vc_xasprintf("%llu", n);
    ir_feature_add_sub(qr_feature(r->dom, "kvm"), "dirty-ring", "on", "size", v);
    free(v);
    return true;
}

/* -accel tcg,tb-size=MiB: <features><tcg><tb-cache>, when it is all the
 * model lacks of the option (else the -accel is kept whole, tb-size too:
 * the emitter writes no -accel beside a kept one). */
static bool qr_accel_tb_size(qemu_reader *r, qr_opt *o)
{
    const char *tb = qr_last(o, "tb-size");
    if (!tb || !vc_str_has_prefix(qr_last(o, "accel"), "tcg"))
        return true;
    size_t n = 0;
    for (size_t i = 0; i < o->props.n; i++)
        n += !o->props.v[i].used && strcmp(o->props.v[i].key, "tb-size") != 0;
    unsigned long long mib;
    if (n)
        return true;
    qopt_item *it = qr_item(o, "tb-size");
    if (!vc_parse_ull(tb, 10, &mib) || mib > (~0ULL >> 10))
        return qr_error(r, o->arg, it->val_off, "-accel: tb-size '%s' is not a size in MiB",
                        tb);
    if (mib) {
        qr_feature(r->dom, "tcg");
        r->dom->tcg_tb_cache_kib = mib * 1024;
    }
    return true;
}

bool qr_opt_accel(qemu_reader *r, qr_opt *o)
{
    const char *accel = qr_str(o, "accel");
    if (accel)
        qr_set_accel(r, accel);
    if (!qr_accel_dirty_ring(r, o))
        return false;
    if (!qr_accel_tb_size(r, o))
        return false;
    qr_leftovers(r, o, NULL);
    return true;
}

/* -cpu MODEL[,+feature,-feature,...]: a model alone fits the model; the
 * flags are read by qr_opt_cpu_flags (argv_read_feat.c). */
bool qr_opt_cpu(qemu_reader *r, qr_opt *o)
{
    const char *v = o->arg->text;
    if (strchr(v, ','))
        return qr_opt_cpu_flags(r, o);
    qr_cpu_model(r, v);
    return true;
}

/* host and max are CPU modes of the domain, any other name a model. */
void qr_cpu_model(qemu_reader *r, const char *v)
{
    free(r->dom->cpu_mode);
    free(r->dom->cpu_model);
    r->dom->cpu_mode = r->dom->cpu_model = NULL;
    if (strcmp(v, "host") == 0)
        r->dom->cpu_mode = vc_xstrdup("host-passthrough");
    else if (strcmp(v, "max") == 0)
        r->dom->cpu_mode = vc_xstrdup("maximum");
    else
        r->dom->cpu_model = vc_xstrdup(v);
}

/* -boot [order=]DRIVES[,once=,menu=on|off,strict=on,...] */
bool qr_opt_boot(qemu_reader *r, qr_opt *o)
{
    qopt_item *order = qr_item(o, "order");
    if (order && order->value) {
        for (const char *c = order->value; *c; c++)
            if (!strchr("abcdn", *c))
                return qr_error(r, o->arg, order->val_off + (size_t)(c - order->value),
                                "-boot: '%c' is not a boot device (a, b, c, d or n)", *c);
        free(r->boot_order);
        r->boot_order = vc_xstrdup(order->value);
    }
    bool menu = false, has_menu = qr_item(o, "menu") != NULL;
    if (!qr_bool(r, o, "menu", &menu))
        return false;
    if (has_menu)
        r->dom->os.bootmenu = menu ? IR_TRI_YES : IR_TRI_NO;
    bool strict = false;
    if (!qr_bool(r, o, "strict", &strict))
        return false;
    if (strict)
        r->boot_strict = o->arg;
    qr_leftovers(r, o, NULL);
    return true;
}

/* base=YYYY-MM-DD[THH:MM:SS]: an absolute clock, in seconds since the epoch. */
static bool qr_rtc_date(qemu_reader *r, qr_opt *o, const char *base)
{
    struct tm tm = { 0 };
    char tail;
    int n = sscanf(base, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail);
    if ((n != 3 && n != 6) || tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
        tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return qr_error(r, o->arg, qr_item(o, "base")->val_off, "-rtc: base='%s' is not utc, "
                        "localtime or a date (YYYY-MM-DD[THH:MM:SS])", base);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    r->dom->clock.offset = IR_CLOCK_ABSOLUTE;
    free(r->dom->clock.start);
    r->dom->clock.start = vc_xasprintf("%lld", (long long)t);
    return true;
}

/* -rtc base=utc|localtime[,clock=host|rt|vm][,driftfix=none|slew] */
bool qr_opt_rtc(qemu_reader *r, qr_opt *o)
{
    const char *base = qr_str(o, "base");
    if (vc_streq(base, "utc"))
        r->dom->clock.offset = IR_CLOCK_UTC;
    else if (vc_streq(base, "localtime"))
        r->dom->clock.offset = IR_CLOCK_LOCALTIME;
    else if (base && !qr_rtc_date(r, o, base))
        return false;
    const char *drift = qr_str(o, "driftfix");
    if (vc_streq(drift, "slew"))
        qr_timer(r, "<timer name='rtc' tickpolicy='catchup'/>");
    else if (drift && strcmp(drift, "none") != 0)
        qr_item(o, "driftfix")->used = false;
    qr_leftovers(r, o, NULL);
    return true;
}

/* The flags that set one field. */
bool qr_opt_simple(qemu_reader *r, qr_opt *o)
{
    const char *n = o->def->name;
    ir_domain *dom = r->dom;
    if (strcmp(n, "enable-kvm") == 0)
        dom->type = IR_VIRT_KVM;
    else if (strcmp(n, "no-kvm") == 0)
        dom->type = IR_VIRT_QEMU;
    else if (strcmp(n, "localtime") == 0)
        dom->clock.offset = IR_CLOCK_LOCALTIME;
    else if (strcmp(n, "no-acpi") == 0)
        r->no_acpi = true;
    else if (strcmp(n, "no-reboot") == 0)
        dom->on_reboot = IR_LIFE_DESTROY;
    else if (strcmp(n, "nographic") == 0)
        r->nographic = true;
    else if (strcmp(n, "nodefaults") == 0)
        r->nodefaults = true;
    else if (strcmp(n, "sdl") == 0 || strcmp(n, "full-screen") == 0) {
        ir_device *g = qr_graphics(r, IR_GFX_SDL, o->flag);
        if (strcmp(n, "full-screen") == 0)
            g->u.graphics.fullscreen = IR_TRI_YES;
    } else if (strcmp(n, "std-vga") == 0 || strcmp(n, "vmwarevga") == 0) {
        ir_device *v = qr_add_device(r, IR_DEV_VIDEO, o->flag);
        v->u.video.model = vc_xstrdup(n[0] == 's' ? "vga" : "vmvga");
    }
    return true;
}

/* -kernel -initrd -append -bios -dtb */
bool qr_opt_os_path(qemu_reader *r, qr_opt *o)
{
    static const struct { const char *opt; size_t field; } map[] = {
        { "kernel", offsetof(ir_os, kernel) }, { "initrd", offsetof(ir_os, initrd) },
        { "append", offsetof(ir_os, cmdline) }, { "bios", offsetof(ir_os, loader) },
        { "dtb", offsetof(ir_os, dtb) },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(map); i++)
        if (strcmp(map[i].opt, o->def->name) == 0) {
            char **f = (char **)((char *)&r->dom->os + map[i].field);
            free(*f);
            *f = qr_strdup_word(o->arg);
        }
    return true;
}

ir_device *qr_graphics(qemu_reader *r, ir_graphics_type type, const shw_word *w)
{
    for (size_t i = 0; i < r->dom->ndevices; i++) {
        ir_device *d = &r->dom->devices[i];
        if (d->kind == IR_DEV_GRAPHICS && d->u.graphics.type == type)
            return d;
    }
    ir_device *d = qr_add_device(r, IR_DEV_GRAPHICS, w);
    d->u.graphics.type = type;
    return d;
}

/* -vnc ...,password: QEMU asks clients for a password that is set over
 * the monitor later (change vnc password, set_password); until then it
 * lets no client in. The password is not on the command line. A domain
 * says that state as a password that has expired: libvirt sets the
 * password and then its expiry, and QEMU refuses every client until the
 * manager sets a new one. (passwd='' alone would be an empty password,
 * which lets anyone in; no passwd, password-less access.) */
static void qr_vnc_password(qemu_reader *r, qr_opt *o, ir_graphics *g)
{
    qr_set(&g->passwd, "");
    qr_set(&g->passwd_valid_to, "1970-01-01T00:00:00");
    qr_warn(r, o->arg, qr_item(o, "password")->key_off, "-vnc: the password is set over the "
            "monitor, not on the command line: read as an expired one (passwd='' "
            "passwdValidTo='1970-01-01T00:00:00'); give the domain its password");
}

/* -vnc [HOST]:DISPLAY[,password,...] or unix:PATH; "none" disables it. */
bool qr_opt_vnc(qemu_reader *r, qr_opt *o)
{
    qr_vnc_display_item(o);
    qopt_item *it = qr_item(o, "vnc");
    const char *v = it ? it->value : "";
    r->has_display = true;
    if (strcmp(v, "none") == 0)
        return true;
    ir_device *d = qr_graphics(r, IR_GFX_VNC, o->flag);
    ir_graphics *g = &d->u.graphics;
    if (vc_str_has_prefix(v, "unix:")) {
        qr_set(&g->socket, v + 5);
    } else {
        const char *colon = strrchr(v, ':');
        unsigned long long disp;
        if (!colon || !vc_parse_ull(colon + 1, 10, &disp) || disp > 59635)
            return qr_error(r, o->arg, it ? it->val_off : 0, "-vnc: '%s' is not "
                            "[HOST]:DISPLAY or unix:PATH", v);
        if (colon == v) {   /* no host: QEMU listens on every address */
            qr_set(&g->listen, "0.0.0.0");
        } else {
            const char *h = v, *e = colon;
            if (*h == '[' && e[-1] == ']') {
                h++;
                e--;
            }
            free(g->listen);
            g->listen = vc_xstrndup(h, (size_t)(e - h));
        }
        g->port = (int)(5900 + disp);
        g->autoport = IR_TRI_NO;
    }
    bool pw = false;
    if (!qr_bool(r, o, "password", &pw))
        return false;
    if (pw)
        qr_vnc_password(r, o, g);
    qr_note_audio(r, d, qr_str(o, "audiodev"));
    if (!qr_vnc_extras(r, o, g))
        return false;
    qr_leftovers(r, o, NULL);
    return true;
}

/* gl=on[,rendernode=PATH] of -spice and -display dbus: <gl enable='yes'
 * rendernode=>. QEMU reads the render node only with gl=on; one given
 * without is kept in the model as <gl enable='no' rendernode=>. */
static bool qr_display_gl(qemu_reader *r, qr_opt *o, ir_graphics *g)
{
    bool gl = false;
    if (!qr_bool(r, o, "gl", &gl))
        return false;
    const char *node = qr_str(o, "rendernode");
    if (gl || node)
        g->gl = gl ? IR_TRI_YES : IR_TRI_NO;
    qr_set(&g->gl_rendernode, node);
    return true;
}

/* -display dbus[,p2p=on|addr=BUS][,gl=on,rendernode=PATH][,audiodev=ID]
 * (QEMU 7.0): the D-Bus display, on the session bus unless told. */
static bool qr_display_dbus(qemu_reader *r, qr_opt *o)
{
    ir_device *d = qr_graphics(r, IR_GFX_DBUS, o->flag);
    ir_graphics *g = &d->u.graphics;
    bool p2p = false;
    if (!qr_bool(r, o, "p2p", &p2p))
        return false;
    const char *addr = qr_str(o, "addr");
    if (p2p && addr)
        return qr_error(r, o->arg, qr_item(o, "addr")->val_off, "-display dbus: p2p=on and "
                        "addr= exclude each other");
    if (qr_item(o, "p2p"))
        g->p2p = p2p ? IR_TRI_YES : IR_TRI_NO;
    qr_set(&g->bus_address, addr);
    qr_note_audio(r, d, qr_str(o, "audiodev"));
    return qr_display_gl(r, o, g);
}

/* -display none|sdl|gtk|vnc=...|egl-headless|curses[,opts] */
bool qr_opt_display(qemu_reader *r, qr_opt *o)
{
    const char *t = qr_str(o, "type");
    r->has_display = true;
    /* -display vnc=DISPLAY[,OPTS] is -vnc DISPLAY[,OPTS] (qemu-options) */
    if (!t && qr_item(o, "vnc"))
        return qr_opt_vnc(r, o);
    if (vc_streq(t, "none")) {
        r->display_none = true;
    } else if (vc_streq(t, "sdl")) {
        ir_device *g = qr_graphics(r, IR_GFX_SDL, o->flag);
        bool fs = false;
        if (!qr_bool(r, o, "full-screen", &fs))
            return false;
        if (fs)
            g->u.graphics.fullscreen = IR_TRI_YES;
    } else if (vc_streq(t, "gtk")) {
        /* a GTK window is another user interface than SDL's, with its own
         * options (zoom-to-fit, show-tabs, ...): the domain has no element
         * for it, so the option stays as written (QEMU takes the last
         * -display, and pass-through comes after the converted line's) */
        return qr_keep_option(r, o, "the domain has no GTK display");
    } else if (vc_streq(t, "egl-headless")) {
        ir_device *g = qr_graphics(r, IR_GFX_EGL_HEADLESS, o->flag);
        qr_set(&g->u.graphics.gl_rendernode, qr_str(o, "rendernode"));
    } else if (vc_streq(t, "dbus")) {
        if (!qr_display_dbus(r, o))
            return false;
    } else {
        return qr_keep_option(r, o, NULL);
    }
    qr_leftovers(r, o, NULL);
    return true;
}

/* -spice port=N[,addr=A,tls-port=N,disable-ticketing=on,...] */
bool qr_opt_spice(qemu_reader *r, qr_opt *o)
{
    r->has_display = true;
    ir_device *d = qr_graphics(r, IR_GFX_SPICE, o->flag);
    unsigned long long port = 0;
    if (!qr_num(r, o, "port", &port))
        return false;
    if (port > 65535)
        return qr_error(r, o->arg, 0, "-spice: port %llu is out of range", port);
    d->u.graphics.port = (int)port;
    if (port)
        d->u.graphics.autoport = IR_TRI_NO;
    const char *addr = qr_str(o, "addr");
    bool unix_socket = false;
    if (!qr_bool(r, o, "unix", &unix_socket))
        return false;
    if (addr && unix_socket)
        qr_set(&d->u.graphics.socket, addr);
    else if (addr)
        qr_set(&d->u.graphics.listen, addr);
    if (!qr_display_gl(r, o, &d->u.graphics))
        return false;
    /* Without disable-ticketing=on SPICE asks every client for a password,
     * which is set over the monitor (set_password) later, as for -vnc
     * ...,password: an expired one until then. */
    bool open = false;
    if (!qr_bool(r, o, "disable-ticketing", &open))
        return false;
    if (!open && !qr_item(o, "password-secret")) {
        qr_set(&d->u.graphics.passwd, "");
        qr_set(&d->u.graphics.passwd_valid_to, "1970-01-01T00:00:00");
        qr_warn(r, o->arg, 0, "-spice: without disable-ticketing=on clients need a password "
                "set over the monitor: read as an expired one (passwd='' "
                "passwdValidTo='1970-01-01T00:00:00'); give the domain its password");
    }
    qr_implied(o, QR_KEYS("seamless-migration"));
    qr_leftovers(r, o, NULL);
    return true;
}

bool qr_opt_keymap(qemu_reader *r, qr_opt *o)
{
    free(r->keymap);
    r->keymap = qr_strdup_word(o->arg);
    return true;
}

/* -mem-prealloc: every byte of guest RAM is allocated when QEMU starts
 * (<memoryBacking><allocation mode='immediate'/>); the RAM's backends say
 * it with the rest of <memoryBacking> (qr_mem_finish). */
bool qr_opt_mem_prealloc(qemu_reader *r, qr_opt *o)
{
    (void)o;
    r->mem_prealloc = true;
    return true;
}

/* An option's keys with the values the 7.2 emitter writes itself are
 * read as implied; any other key or value is kept (the options using this
 * are merged by QEMU, so the kept one is written again after virtc's own
 * and wins). */
typedef struct {
    const char *key, *value;
} qr_written;

static bool qr_as_written(qemu_reader *r, qr_opt *o, const qr_written *w, size_t n)
{
    for (size_t i = 0; i < o->props.n; i++) {
        qopt_item *it = &o->props.v[i];
        for (size_t k = 0; k < n && !it->used; k++)
            it->used = strcmp(it->key, w[k].key) == 0 && vc_streq(it->value, w[k].value);
    }
    qr_leftovers(r, o, NULL);
    return true;
}

/* -sandbox: virtc writes libvirt's seccomp policy (qemu.conf's
 * seccomp_sandbox, host policy: the domain has no element for it). */
bool qr_opt_sandbox(qemu_reader *r, qr_opt *o)
{
    static const qr_written w[] = {
        { "enable", "on" }, { "obsolete", "deny" }, { "elevateprivileges", "deny" },
        { "spawn", "deny" }, { "resourcecontrol", "deny" },
    };
    return qr_as_written(r, o, w, VC_ARRAY_SIZE(w));
}

/* -msg timestamp=on: virtc's own; guest-name= and timestamp=off are kept. */
bool qr_opt_msg(qemu_reader *r, qr_opt *o)
{
    static const qr_written w[] = { { "timestamp", "on" } };
    return qr_as_written(r, o, w, VC_ARRAY_SIZE(w));
}

/* -overcommit mem-lock=on: the guest's memory locked in host RAM
 * (<memoryBacking><locked/>); mem-lock=off is virtc's own; cpu-pm= has no
 * place in the model (libvirt 9.0 does not write it) and is kept. */
bool qr_opt_overcommit(qemu_reader *r, qr_opt *o)
{
    bool locked = r->mem_locked;   /* QEMU merges -overcommit: the last mem-lock= holds */
    if (!qr_bool(r, o, "mem-lock", &locked))
        return false;
    r->mem_locked = locked;
    qr_implied(o, QR_KEYS("mem-lock"));
    qr_leftovers(r, o, NULL);
    return true;
}

/* -S: the script starts the guest paused, waiting for the monitor's cont.
 * That is how a guest is started (virtc start --paused, virsh start
 * --paused), not what it is: the domain has no element for it, and a kept
 * -S would pause nothing (every virtc launch writes -S and the runtime
 * resumes the guest unless told not to). */
bool qr_opt_paused(qemu_reader *r, qr_opt *o)
{
    r->paused = o->flag;   /* qr_paused_finish: the monitor may come later */
    return true;
}

/* -S with the monitor of a managing side (a QMP one, or libvirt's pty or
 * socket): the manager resumes the guest once it has set it up, as libvirt
 * does on every line it writes (and virtc start too), so the guest is not
 * meant to stay paused and nothing is said. Without one, someone resumes
 * it by hand: the domain has no place for that. */
static void qr_paused_finish(qemu_reader *r)
{
    if (r->paused && !r->managed_monitor)
        qr_warn(r, r->paused, 0, "-S: the guest is started paused; the domain has no place "
                "for that (start it with virtc start --paused)");
}

bool qr_opt_implied(qemu_reader *r, qr_opt *o)
{
    (void)r;
    for (size_t i = 0; i < o->props.n; i++)
        o->props.v[i].used = true;
    return true;
}

/* -global DRIVER.PROP=VALUE: the floppy controller's boot indexes belong to
 * the floppies; the rest is kept. */
bool qr_opt_global(qemu_reader *r, qr_opt *o)
{
    static const char *const fdc[] = { "isa-fdc.bootindexA=", "isa-fdc.bootindexB=" };
    static const struct { const char *global, *timer; } pit[] = {
        { "kvm-pit.lost_tick_policy=delay", "<timer name='pit' tickpolicy='delay'/>" },
        { "kvm-pit.lost_tick_policy=discard", "<timer name='pit' tickpolicy='discard'/>" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(pit); i++)
        if (strcmp(o->arg->text, pit[i].global) == 0) {
            qr_timer(r, pit[i].timer);
            return true;
        }
    /* the ICH9 LPC's watchdog (q35): QEMU's noreboot=off makes it reset */
    if (strcmp(o->arg->text, "ICH9-LPC.noreboot=off") == 0) {
        qr_add_device(r, IR_DEV_WATCHDOG, o->arg)->u.watchdog.model = vc_xstrdup("itco");
        return true;
    }
    /* the PC speaker's audio backend: the speaker is a <sound model='pcspk'> */
    if (vc_str_has_prefix(o->arg->text, "isa-pcspk.audiodev=")) {
        ir_device *d = qr_add_device(r, IR_DEV_SOUND, o->arg);
        d->u.sound.model = vc_xstrdup("pcspk");
        qr_note_audio(r, d, o->arg->text + strlen("isa-pcspk.audiodev="));
        return true;
    }
    for (int i = 0; i < 2; i++) {
        int v;
        if (vc_str_has_prefix(o->arg->text, fdc[i])) {
            if (!vc_parse_int(o->arg->text + strlen(fdc[i]), &v) || v < 0)
                return qr_error(r, o->arg, strlen(fdc[i]), "-global: '%s' is not a boot index",
                                o->arg->text + strlen(fdc[i]));
            r->fdc_bootindex[i] = v;
            return true;
        }
    }
    if (qr_global_pm(r, o->arg->text) || qr_global_pflash_secure(r, o))
        return true;
    return qr_keep_option(r, o, NULL);
}

static void qr_apply_fdc(qemu_reader *r)
{
    static const char *const targets[] = { "fda", "fdb" };
    for (int i = 0; i < 2; i++)
        for (size_t k = 0; k < r->dom->ndevices && r->fdc_bootindex[i]; k++) {
            ir_device *d = &r->dom->devices[k];
            if (d->kind == IR_DEV_DISK && vc_streq(d->u.disk.target_dev, targets[i])) {
                d->u.disk.boot_order = r->fdc_bootindex[i];
                r->has_bootindex = true;
            }
        }
}

bool qr_opt_watchdog_action(qemu_reader *r, qr_opt *o)
{
    free(r->watchdog_action);
    r->watchdog_action = qr_strdup_word(o->arg);
    return true;
}

/* ---- after the last option ---- */

void qr_timer(qemu_reader *r, const char *xml)
{
    ir_fragments_add(&r->dom->clock.timers, vc_xstrdup(xml), (ir_pos){ 0, 0 });
}

/* Whether the guest has a device of that boot kind. */
static bool qr_has_boot_kind(const ir_domain *dom, ir_boot_dev kind)
{
    for (size_t i = 0; i < dom->ndevices; i++)
        if (ir_device_boots_as(&dom->devices[i], kind))
            return true;
    return false;
}

/* -boot strict=on and no device with a bootindex: the firmware may boot
 * only what is listed, and nothing is (libvirt writes this for <boot
 * dev='network'/> on a guest without a NIC). The domain says it as a boot
 * device of a kind the guest has none of; when it has every kind, the
 * firmware's own order is all the domain can say. A guest with nothing to
 * boot gets libvirt's default, the hard disk it does not have. */
static void qr_boot_nothing(qemu_reader *r)
{
    static const ir_boot_dev kinds[] = { IR_BOOT_NETWORK, IR_BOOT_FD, IR_BOOT_CDROM, IR_BOOT_HD };
    bool any = false;
    for (size_t i = 0; i < VC_ARRAY_SIZE(kinds); i++)
        any = any || qr_has_boot_kind(r->dom, kinds[i]);
    if (!any) {
        qr_boot_dev_add(&r->dom->os, IR_BOOT_HD);
        return;
    }
    for (size_t i = 0; i < VC_ARRAY_SIZE(kinds); i++)
        if (!qr_has_boot_kind(r->dom, kinds[i])) {
            qr_boot_dev_add(&r->dom->os, kinds[i]);
            return;
        }
    qr_warn(r, r->boot_strict, 0, "-boot strict=on with no bootindex: the guest has a device of every "
            "boot kind, so the domain cannot say 'boot nothing'; read as the default order");
}

static void qr_apply_boot(qemu_reader *r)
{
    static const struct { char letter; ir_boot_dev dev; } letters[] = {
        { 'a', IR_BOOT_FD }, { 'b', IR_BOOT_FD }, { 'c', IR_BOOT_HD }, { 'd', IR_BOOT_CDROM },
        { 'n', IR_BOOT_NETWORK },
    };
    if (r->has_bootindex)
        return;
    if (!r->boot_order && r->boot_strict) {
        qr_boot_nothing(r);
        return;
    }
    /* QEMU 0.x boots the first disk when not told otherwise */
    if (!r->boot_order && !r->nodefaults)
        r->boot_order = vc_xstrdup("c");
    if (!r->boot_order)
        return;
    for (const char *c = r->boot_order; *c; c++)
        for (size_t i = 0; i < VC_ARRAY_SIZE(letters); i++)
            if (letters[i].letter == *c)
                qr_boot_dev_add(&r->dom->os, letters[i].dev);
}

static void qr_apply_graphics(qemu_reader *r)
{
    ir_domain *dom = r->dom;
    bool any = false;
    for (size_t i = 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == IR_DEV_GRAPHICS) {
            any = true;
            /* -k sets the VNC/SPICE server's keymap; an SDL window reads
               the host keyboard (the format takes no keymap there) */
            if (r->keymap && !dom->devices[i].u.graphics.keymap &&
                dom->devices[i].u.graphics.type != IR_GFX_SDL)
                dom->devices[i].u.graphics.keymap = vc_xstrdup(r->keymap);
        }
    /* QEMU 0.x opened an SDL window unless told otherwise. */
    if (!any && !r->nographic && !r->has_display && !r->nodefaults) {
        qr_graphics(r, IR_GFX_SDL, NULL);
    }
    ir_device *sdl = NULL;
    for (size_t i = 0; i < dom->ndevices && !sdl; i++)
        if (dom->devices[i].kind == IR_DEV_GRAPHICS &&
            dom->devices[i].u.graphics.type == IR_GFX_SDL)
            sdl = &dom->devices[i];
    if (sdl) {
        if (r->env_display)
            qr_set(&sdl->u.graphics.display, r->env_display);
        if (r->env_xauth)
            qr_set(&sdl->u.graphics.xauth, r->env_xauth);
    } else {
        if (r->env_display)
            qr_env_add(r, "DISPLAY", r->env_display);
        if (r->env_xauth)
            qr_env_add(r, "XAUTHORITY", r->env_xauth);
    }
}

/* libvirt shows the first serial port as the console too. */
static void qr_apply_console(qemu_reader *r)
{
    ir_domain *dom = r->dom;
    const ir_chr *serial = NULL;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (d->kind == IR_DEV_CHR && d->u.chr.kind == IR_CHRDEV_CONSOLE)
            return;
        if (d->kind == IR_DEV_CHR && d->u.chr.kind == IR_CHRDEV_SERIAL && !serial)
            serial = &d->u.chr;
    }
    if (!serial)
        return;
    ir_chr copy = *serial;
    ir_device *c = ir_domain_add_device(dom, IR_DEV_CHR, (ir_pos){ 0, 0 });
    c->u.chr.kind = IR_CHRDEV_CONSOLE;
    c->u.chr.type = copy.type;
    c->u.chr.path = vc_xstrdup(copy.path);
    c->u.chr.mode = vc_xstrdup(copy.mode);
    c->u.chr.host = vc_xstrdup(copy.host);
    c->u.chr.service = vc_xstrdup(copy.service);
    c->u.chr.bind_host = vc_xstrdup(copy.bind_host);
    c->u.chr.bind_service = vc_xstrdup(copy.bind_service);
    c->u.chr.protocol = vc_xstrdup(copy.protocol);
    c->u.chr.target_type = vc_xstrdup("serial");
    c->u.chr.target_port = 0;
    if (copy.type == IR_CHR_SPICEPORT)
        qr_chr_spiceport_xml(c, r->spice_channel);
}

static void qr_apply_watchdog(qemu_reader *r)
{
    if (!r->watchdog_action)
        return;
    for (size_t i = 0; i < r->dom->ndevices; i++)
        if (r->dom->devices[i].kind == IR_DEV_WATCHDOG && !r->dom->devices[i].u.watchdog.action)
            r->dom->devices[i].u.watchdog.action = vc_xstrdup(r->watchdog_action);
}

static void qr_apply_identity(qemu_reader *r)
{
    ir_domain *dom = r->dom;
    if (!dom->uuid_given) {
        ir_uuid_generate(dom->uuid);
        dom->uuid_given = true;
    }
    if (!dom->name) {
        char u[37];
        ir_uuid_format(dom->uuid, u);
        dom->name = vc_xasprintf("qemu-%.8s", u);
    }
}

void qr_finish(qemu_reader *r)
{
    ir_domain *dom = r->dom;
    qr_paused_finish(r);
    qr_net_finish(r);
    qr_apply_identity(r);
    if (!dom->memory_kib)
        dom->memory_kib = dom->current_memory_kib = 128 * 1024;   /* QEMU's default */
    if ((r->mem_prealloc || r->mem_locked) && !r->mem)   /* plain RAM: no backend says it */
        ir_fragments_add(&dom->extra, vc_xasprintf("<memoryBacking>\n%s%s</memoryBacking>",
                                                   r->mem_locked ? "  <locked/>\n" : "",
                                                   r->mem_prealloc ? "  <allocation "
                                                   "mode='immediate'/>\n" : ""),
                         (ir_pos){ 0, 0 });
    qr_mem_finish(r);
    if (!dom->vcpus)
        dom->vcpus = 1;
    if (!dom->os.type)
        dom->os.type = vc_xstrdup("hvm");
    if (!r->no_acpi && (vc_streq(dom->os.arch, "x86_64") || vc_streq(dom->os.arch, "i686")))
        ir_domain_add_feature(dom, "acpi", NULL);
    if (!dom->clock.offset)
        dom->clock.offset = IR_CLOCK_UTC;
    if (!dom->on_poweroff)
        dom->on_poweroff = IR_LIFE_DESTROY;
    if (!dom->on_reboot)
        dom->on_reboot = IR_LIFE_RESTART;
    if (!dom->on_crash)
        dom->on_crash = IR_LIFE_DESTROY;
    qr_apply_fdc(r);
    qr_apply_boot(r);
    qr_apply_graphics(r);
    qr_audio_finish(r);
    qr_apply_console(r);
    qr_apply_watchdog(r);
    qr_plat_finish(r);
    qr_apply_defaults(r);
}
