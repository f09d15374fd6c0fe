/*
 * argv_read_chr.c: character devices in both spellings: QEMU 0.x's
 * -serial/-parallel/-monitor specs ("pty", "tcp:HOST:PORT,server,nowait",
 * "unix:PATH,server", "file:PATH", "/dev/ttyS0", ...) and today's -chardev
 * backends (socket, udp, file, pty, ...).
 */
#include <stdlib.h>
#include <string.h>

#include "argv_read_priv.h"

/* The backends that are only a type. */
static const struct { const char *name; ir_chr_type type; } qr_chr_plain[] = {
    { "null", IR_CHR_NULL }, { "pty", IR_CHR_PTY }, { "stdio", IR_CHR_STDIO },
    { "vc", IR_CHR_VC }, { "qemu-vdagent", IR_CHR_QEMU_VDAGENT }, { "dbus", IR_CHR_DBUS },
};

/* "HOST:PORT" (HOST may be empty or [v6]) into host/port. */
static bool qr_hostport(const char *s, char **host, char **port)
{
    const char *colon = strrchr(s, ':');
    if (!colon || !colon[1])
        return false;
    const char *h = s, *e = colon;
    if (*h == '[' && e > h && e[-1] == ']') {
        h++;
        e--;
    }
    *host = e > h ? vc_xstrndup(h, (size_t)(e - h)) : NULL;
    *port = vc_xstrdup(colon + 1);
    return true;
}

/* The head of a legacy spec up to its first single comma, ",," read as
 * ","; *rest points at that comma (or the end). */
static char *qr_spec_head(const char *v, const char **rest)
{
    vc_buf b;
    vc_buf_init(&b);
    const char *p = v;
    for (; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            vc_buf_putc(&b, ',');
            p++;
        } else if (*p == ',') {
            break;
        } else {
            vc_buf_putc(&b, *p);
        }
    }
    *rest = p;
    return vc_buf_steal(&b);
}

/* ",server,nowait,nodelay,telnet" after a tcp:/unix: spec. */
static void qr_spec_flags(const char *flags, ir_chr *c)
{
    bool server = false;
    while (flags && *flags) {
        if (*flags == ',')
            flags++;
        size_t n = strcspn(flags, ",");
        if (n == 6 && strncmp(flags, "server", 6) == 0)
            server = true;
        flags += n;
    }
    c->mode = vc_xstrdup(server ? "bind" : "connect");
}

bool qr_chr_spec(qemu_reader *r, const shw_word *w, ir_chr *c)
{
    const char *v = w->text;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_chr_plain); i++)
        if (strcmp(v, qr_chr_plain[i].name) == 0 ||
            (qr_chr_plain[i].type == IR_CHR_VC && vc_str_has_prefix(v, "vc:"))) {
            c->type = qr_chr_plain[i].type;
            return true;
        }
    const char *rest;
    if (vc_str_has_prefix(v, "file:") || vc_str_has_prefix(v, "pipe:")) {
        c->type = v[0] == 'f' ? IR_CHR_FILE : IR_CHR_PIPE;
        c->path = qr_spec_head(v + 5, &rest);
        return true;
    }
    if (v[0] == '/') {
        c->type = IR_CHR_DEV;
        c->path = qr_spec_head(v, &rest);
        return true;
    }
    if (vc_str_has_prefix(v, "tcp:") || vc_str_has_prefix(v, "telnet:")) {
        const char *a = strchr(v, ':') + 1, *comma = strchr(a, ',');
        char *addr = comma ? vc_xstrndup(a, (size_t)(comma - a)) : vc_xstrdup(a);
        bool ok = qr_hostport(addr, &c->host, &c->service);
        free(addr);
        if (!ok)
            return qr_error(r, w, (size_t)(a - v), "'%s' is not tcp:HOST:PORT", v);
        c->type = IR_CHR_TCP;
        c->protocol = vc_xstrdup(v[1] == 'e' ? "telnet" : "raw");
        qr_spec_flags(comma, c);
        return true;
    }
    if (vc_str_has_prefix(v, "unix:")) {
        c->type = IR_CHR_UNIX;
        c->path = qr_spec_head(v + 5, &rest);
        qr_spec_flags(rest, c);
        return true;
    }
    if (vc_str_has_prefix(v, "udp:")) {
        const char *a = v + 4, *at = strchr(a, '@');
        char *remote = at ? vc_xstrndup(a, (size_t)(at - a)) : vc_xstrdup(a);
        bool ok = qr_hostport(remote, &c->host, &c->service);
        free(remote);
        if (ok && at)
            ok = qr_hostport(at + 1, &c->bind_host, &c->bind_service);
        if (!ok)
            return qr_error(r, w, 4, "'%s' is not udp:[HOST]:PORT[@[HOST]:PORT]", v);
        c->type = IR_CHR_UDP;
        return true;
    }
    if (vc_str_has_prefix(v, "chardev:")) {
        qr_opt *ch = qr_backend(r, "chardev", v + 8);
        if (!ch)
            return qr_error(r, w, 8, "no -chardev has the id '%s'", v + 8);
        ch->used = true;
        return qr_chr_backend(r, ch, c);
    }
    return qr_error(r, w, 0, "'%s' is not a character device QEMU knows (pty, null, vc, "
                    "stdio, file:, pipe:, /dev/..., tcp:, telnet:, udp:, unix:, chardev:)", v);
}

/* -chardev BACKEND,id=ID,... */
bool qr_chr_backend(qemu_reader *r, qr_opt *ch, ir_chr *c)
{
    const char *b = qr_str(ch, "backend");
    /* wait=off is what the emitter writes for a listening socket (and a
     * connecting one has nothing to wait for); nodelay, logfile and
     * logappend have no place in the model and stay with the -chardev's
     * leftovers (logappend was once dropped while logfile was kept) */
    qr_implied(ch, QR_KEYS("id"));
    /* mux=on lets several front ends share the backend (a serial port and
     * a -mon, QEMU's mon: form); the model gives each device its own and
     * virtc its own monitor, so a mux=on is kept; mux=off is QEMU's default */
    bool mux = false;
    if (!qr_bool(r, ch, "mux", &mux))
        return false;
    if (mux)
        qr_item(ch, "mux")->used = false;
    bool listens = false, wait = true;
    if (qr_last(ch, "wait")) {
        if (!qr_bool(r, ch, "server", &listens) || !qr_bool(r, ch, "wait", &wait))
            return false;
        if (listens && wait)
            qr_item(ch, "wait")->used = false;   /* kept as written */
    }
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_chr_plain); i++)
        if (vc_streq(b, qr_chr_plain[i].name))
            c->type = qr_chr_plain[i].type;
    if (c->type == IR_CHR_QEMU_VDAGENT) {
        qr_implied(ch, QR_KEYS("name"));   /* QEMU's one name for it, "vdagent" */
    } else if (c->type) {
        /* plain */
    } else if (vc_streq(b, "file") || vc_streq(b, "pipe") || vc_streq(b, "serial") ||
               vc_streq(b, "tty") || vc_streq(b, "parallel") || vc_streq(b, "parport")) {
        c->type = b[0] == 'f' ? IR_CHR_FILE : b[1] == 'i' ? IR_CHR_PIPE : IR_CHR_DEV;
        c->path = vc_xstrdup(qr_str(ch, "path"));
    } else if (vc_streq(b, "socket")) {
        bool server = false, telnet = false;
        if (!qr_bool(r, ch, "server", &server) || !qr_bool(r, ch, "telnet", &telnet))
            return false;
        c->mode = vc_xstrdup(server ? "bind" : "connect");
        const char *path = qr_str(ch, "path");
        if (path) {
            c->type = IR_CHR_UNIX;
            c->path = vc_xstrdup(path);
        } else if (qr_str(ch, "fd") && !qr_str(ch, "host") && !qr_str(ch, "port")) {
            /* a socket handed over by its caller (libvirt passes unix
             * sockets as fds; a command line cannot open one, the lexer
             * refuses redirections): a unix socket whose path virtc picks */
            c->type = IR_CHR_UNIX;
            qr_warn(r, ch->arg, qr_item(ch, "fd")->key_off, "-chardev socket: fd=%s is a "
                    "socket opened by the caller, which the domain cannot have: read as a "
                    "unix socket QEMU makes itself", qr_str(ch, "fd"));
        } else {
            c->type = IR_CHR_TCP;
            c->host = vc_xstrdup(qr_str(ch, "host"));
            c->service = vc_xstrdup(qr_str(ch, "port"));
            c->protocol = vc_xstrdup(telnet ? "telnet" : "raw");
        }
    } else if (vc_streq(b, "udp")) {
        c->type = IR_CHR_UDP;
        c->host = vc_xstrdup(qr_str(ch, "host"));
        c->service = vc_xstrdup(qr_str(ch, "port"));
        c->bind_host = vc_xstrdup(qr_str(ch, "localaddr"));
        c->bind_service = vc_xstrdup(qr_str(ch, "localport"));
    } else if (vc_streq(b, "spicevmc") || vc_streq(b, "spiceport")) {
        c->type = b[5] == 'v' ? IR_CHR_SPICEVMC : IR_CHR_SPICEPORT;
        if (c->type == IR_CHR_SPICEPORT)
            qr_set(&r->spice_channel, qr_str(ch, "name"));
        qr_implied(ch, QR_KEYS("name", "debug"));
    } else {
        return qr_error(r, ch->arg, 0, "-chardev: '%s' is not a backend virtc reads",
                        b ? b : "");
    }
    qr_leftovers(r, ch, NULL);
    return true;
}

/* The model has no field for a spiceport's channel: the element is kept
 * whole (ir_device.xml), as the XML front end keeps it. */
void qr_chr_spiceport_xml(ir_device *d, const char *channel)
{
    const ir_chr *c = &d->u.chr;
    const char *elem = ir_chr_kind_name(c->kind);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "<%s type='spiceport'>\n  <source channel='", elem);
    vc_buf_xml_escape(&b, channel ? channel : "", '\'', true);
    vc_buf_puts(&b, "'/>\n  <target");
    if (c->target_type)
        vc_buf_printf(&b, " type='%s'", c->target_type);
    if (c->target_port >= 0)
        vc_buf_printf(&b, " port='%d'", c->target_port);
    vc_buf_printf(&b, "/>\n</%s>", elem);
    free(d->xml);
    d->xml = vc_buf_steal(&b);
}

/* The monitor a managing libvirt writes: a pty (QEMU 0.x's libvirt) or a
 * listening UNIX socket named after it (NAME.monitor, monitor.sock). A
 * domain has no place for a monitor (the managing side runs its own):
 * another one (-monitor stdio, a socket of the script's own) is kept. */
static bool qr_is_managed_monitor(const ir_chr *c)
{
    if (c->type == IR_CHR_PTY)
        return true;
    if (c->type != IR_CHR_UNIX || !c->path || !vc_streq(c->mode, "bind"))
        return false;
    const char *base = strrchr(c->path, '/');
    base = base ? base + 1 : c->path;
    return vc_str_has_suffix(base, "monitor") || strcmp(base, "monitor.sock") == 0;
}

/* -serial SPEC, -parallel SPEC, -monitor SPEC */
bool qr_opt_serial(qemu_reader *r, qr_opt *o)
{
    const char *n = o->def->name;
    ir_chr c = { 0 };
    c.target_port = -1;
    if (strcmp(o->arg->text, "none") == 0)
        return true;
    /* mon:SPEC: the port and QEMU's monitor on one character device (the
     * script's console and monitor on stdio): the model has a port, but no
     * monitor to share it with. It still takes its port: the next one
     * read is the second. */
    if (vc_str_has_prefix(o->arg->text, "mon:") && strcmp(n, "monitor") != 0) {
        if (n[0] == 's')
            r->serial_ports++;
        else
            r->parallel_ports++;
        return qr_keep_option(r, o, "a port shared with QEMU's monitor (mon:) has no place in "
                              "the domain model");
    }
    /* -monitor [control,|readline,]SPEC (QEMU 0.13's monitor modes) */
    shw_word spec = *o->arg;
    if (strcmp(n, "monitor") == 0) {
        for (const char *const *m = (const char *const[]){ "control,", "readline,", NULL }; *m; m++)
            if (vc_str_has_prefix(spec.text, *m)) {
                size_t k = strlen(*m);
                spec.text += k;
                spec.len -= k;
                spec.src += k;
            }
    }
    if (!qr_chr_spec(r, &spec, &c)) {
        ir_device tmp = { .kind = IR_DEV_CHR, .u.chr = c };
        ir_device_clear(&tmp);
        return false;
    }
    if (strcmp(n, "monitor") == 0) {
        /* the managed monitor is the converter's to write; the spec was checked */
        bool managed = qr_is_managed_monitor(&c);
        r->managed_monitor = r->managed_monitor || managed;
        ir_device tmp = { .kind = IR_DEV_CHR, .u.chr = c };
        ir_device_clear(&tmp);
        return managed || qr_keep_option(r, o, "a monitor of the command line's own has no "
                                         "place in the domain model (the managing side runs "
                                         "the guest's monitor)");
    }
    ir_device *d = qr_add_device(r, IR_DEV_CHR, o->flag);
    d->u.chr = c;
    if (n[0] == 's') {
        d->u.chr.kind = IR_CHRDEV_SERIAL;
        d->u.chr.target_port = r->serial_ports++;
    } else {
        d->u.chr.kind = IR_CHRDEV_PARALLEL;
        d->u.chr.target_port = r->parallel_ports++;
    }
    return true;
}

/* One guestfwd rule, [tcp]:ADDRESS:PORT-chardev:ID (QEMU's user network
 * forwards the guest's connections to ADDRESS:PORT to the chardev): a
 * <channel> whose target is guestfwd. False (nothing added) for the other
 * spellings (a command to run), which have no place in the model. */
static bool qr_guestfwd_rule(qemu_reader *r, qr_opt *nd, const qopt_item *it)
{
    const char *v = it->value;
    if (vc_str_has_prefix(v, "tcp:"))
        v += 4;
    const char *dev = strstr(v, "-chardev:");
    if (!dev)
        return false;
    char *hp = vc_xstrndup(v, (size_t)(dev - v));
    char *host = NULL, *port = NULL;
    bool ok = qr_hostport(hp, &host, &port) && host;
    free(hp);
    qr_opt *ch = ok ? qr_backend(r, "chardev", dev + strlen("-chardev:")) : NULL;
    if (!ch) {
        free(host);
        free(port);
        return false;
    }
    ch->used = true;
    ir_device *d = qr_add_device(r, IR_DEV_CHR, nd->flag);
    ir_chr *c = &d->u.chr;
    c->kind = IR_CHRDEV_CHANNEL;
    c->target_port = -1;
    c->target_type = vc_xstrdup("guestfwd");
    c->target_address = host;
    c->target_port_str = port;
    return qr_chr_backend(r, ch, c);
}

/* -netdev user,guestfwd=...,id=ID that no NIC uses: a user network that
 * only forwards, which is how guestfwd channels are written. True when it
 * was read so (or an error was reported); false to leave it alone. */
bool qr_guestfwd(qemu_reader *r, qr_opt *nd)
{
    if (!vc_streq(qr_str(nd, "type"), "user"))
        return false;
    const char *id = qr_str(nd, "id");
    size_t rules = 0;
    for (size_t i = 0; i < nd->props.n; i++) {
        const char *k = nd->props.v[i].key;
        rules += strcmp(k, "guestfwd") == 0 || (vc_str_has_prefix(k, "guestfwd.") &&
                                                  strchr(k + 9, '.') && strcmp(strchr(k + 9, '.'), ".str") == 0);
    }
    if (!rules || nd->props.n != rules + 2)
        return false;   /* other properties: a network of its own */
    for (size_t i = 0; i < r->nopts; i++) {
        qr_opt *o = &r->opts[i];
        if ((strcmp(o->def->name, "device") == 0 || strcmp(o->def->name, "net") == 0) &&
            vc_streq(qr_str(o, "netdev"), id))
            return false;
    }
    size_t done = 0;
    for (size_t i = 0; i < nd->props.n; i++) {
        qopt_item *it = &nd->props.v[i];
        if (strcmp(it->key, "type") == 0 || strcmp(it->key, "id") == 0 || !it->value)
            continue;
        if (!qr_guestfwd_rule(r, nd, it))
            return done == 0 ? false : qr_error(r, nd->arg, it->val_off, "-netdev: guestfwd "
                                               "'%s' is not ADDRESS:PORT-chardev:ID", it->value);
        it->used = true;
        done++;
    }
    nd->used = true;
    for (size_t i = 0; i < nd->props.n; i++)
        nd->props.v[i].used = true;
    /* the emitter writes a channel's netdev as id=ALIAS: with one rule, a
     * ua- id is that channel's user alias (several rules share one id) */
    if (done == 1)
        qr_device_alias(r, nd, false);
    return true;
}
