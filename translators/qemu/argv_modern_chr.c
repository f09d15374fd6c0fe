/*
 * argv_modern_chr.c: character devices of the -device generation: the host
 * side as -chardev, the guest side as a serial or parallel port or a
 * virtio-serial port.
 */
#include "argv_modern_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- character devices --------------------------------------------------------------- */

/* The agent channels of a remote desktop: a SPICE channel (spicevmc, the
 * vdagent one), a named SPICE port, or QEMU's own vdagent for VNC and the
 * local displays (clipboard and client mouse from its <source>). */
static bool modern_chardev_spice(qemu_ctx *x, const ir_device *dev, const char *id, vc_buf *b)
{
    const ir_chr *c = &dev->u.chr;
    /* An agent talks over a virtio-serial port; on a UART it is nothing. */
    if (c->type != IR_CHR_SPICEPORT && c->kind != IR_CHRDEV_CHANNEL)
        return qemu_unsupported(x, dev->pos, "%s of type '%s'", ir_chr_kind_name(c->kind),
                                ir_chr_type_name(c->type));
    if (c->type == IR_CHR_SPICEVMC) {
        vc_buf_printf(b, "spicevmc,id=%s,name=vdagent", id);
        return true;
    }
    if (c->type == IR_CHR_SPICEPORT) {
        char *name = modern_xml_attr(dev, "source", "channel");
        if (!name)
            return qemu_error(x, dev->pos, "%s of type 'spiceport' needs a <source channel=>",
                              ir_chr_kind_name(c->kind));
        vc_buf_printf(b, "spiceport,id=%s", id);
        qemu_opt_add(b, "name", name);
        free(name);
        return true;
    }
    vc_buf_printf(b, "qemu-vdagent,id=%s,name=vdagent", id);
    char *copy = modern_xml_attr(dev, "source/clipboard", "copypaste");
    char *mouse = modern_xml_attr(dev, "source/mouse", "mode");
    if (copy)
        vc_buf_printf(b, ",clipboard=%s", vc_streq(copy, "yes") ? "on" : "off");
    if (mouse)
        vc_buf_printf(b, ",mouse=%s", vc_streq(mouse, "client") ? "on" : "off");
    free(copy);
    free(mouse);
    return true;
}

/* -chardev BACKEND,id=ID,... */
static bool modern_chardev(qemu_ctx *x, const ir_device *dev, const char *id)
{
    const ir_chr *c = &dev->u.chr;
    const char *what = ir_chr_kind_name(c->kind);
    vc_buf b;
    vc_buf_init(&b);
    bool ok = true;
    bool listen = vc_streq(c->mode, "bind");
    switch (c->type) {
    case IR_CHR_PTY:
    case IR_CHR_NULL:
    case IR_CHR_VC:
        vc_buf_printf(&b, "%s,id=%s", ir_chr_type_name(c->type), id);
        break;
    case IR_CHR_STDIO:
        vc_buf_printf(&b, "stdio,id=%s", id);
        break;
    case IR_CHR_FILE:
    case IR_CHR_PIPE:
    case IR_CHR_DEV:
        if (!(ok = qemu_chr_path_ok(x, dev)))
            break;
        vc_buf_printf(&b, "%s,id=%s",
                      c->type != IR_CHR_DEV ? ir_chr_type_name(c->type)
                      : c->kind == IR_CHRDEV_PARALLEL ? "parallel" : "serial", id);
        qemu_opt_add(&b, "path", c->path);
        qemu_resource_add(x, c->path, c->type == IR_CHR_DEV ? QEMU_RES_CHARDEV : QEMU_RES_FILE,
                          false);
        break;
    case IR_CHR_TCP:
        if (!(ok = qemu_chr_tcp_ok(x, dev)))
            break;
        vc_buf_printf(&b, "socket,id=%s", id);
        qemu_opt_add(&b, "host", qemu_str_or(c->host, listen ? "0.0.0.0" : "127.0.0.1"));
        qemu_opt_add(&b, "port", c->service);
        if (vc_streq(c->protocol, "telnet"))
            vc_buf_puts(&b, ",telnet=on");
        if (listen)
            vc_buf_puts(&b, ",server=on,wait=off");
        break;
    case IR_CHR_UDP:
        if (!(ok = qemu_chr_udp_ok(x, dev)))
            break;
        vc_buf_printf(&b, "udp,id=%s", id);
        qemu_opt_add(&b, "host", qemu_str_or(c->host, "127.0.0.1"));
        qemu_opt_add(&b, "port", c->service);
        if (c->bind_host)
            qemu_opt_add(&b, "localaddr", c->bind_host);
        if (c->bind_service)
            qemu_opt_add(&b, "localport", c->bind_service);
        break;
    case IR_CHR_UNIX: {
        /* A channel without a path gets libvirt's per-domain one, or one in
         * the state directory the caller gives. */
        if (!c->path && !(ok = qemu_path_part_ok(x, dev->pos, "channel target name",
                                                 c->target_name)))
            break;
        char *path = c->path ? vc_xstrdup(c->path)
                     : x->opts->state_dir
                         ? vc_xasprintf("%s/%s", x->opts->state_dir,
                                        qemu_str_or(c->target_name, id))
                         : vc_xasprintf("/var/lib/libvirt/qemu/channel/target/domain-%d-%s/%s",
                                        x->dom->id, qemu_str_or(x->dom->name, "unnamed"),
                                        qemu_str_or(c->target_name, id));
        if (!c->path)
            listen = true;
        vc_buf_printf(&b, "socket,id=%s", id);
        qemu_opt_add(&b, "path", path);
        if (listen)
            vc_buf_puts(&b, ",server=on,wait=off");
        qemu_resource_add(x, path, QEMU_RES_SOCKET, false);
        free(path);
        break;
    }
    case IR_CHR_SPICEVMC:
    case IR_CHR_SPICEPORT:
    case IR_CHR_QEMU_VDAGENT:
        ok = modern_chardev_spice(x, dev, id, &b);
        break;
    case IR_CHR_DBUS: {
        /* a channel of the D-Bus display, by its <source channel=> name */
        char *name = modern_xml_attr(dev, "source", "channel");
        if (!name) {
            ok = qemu_error(x, dev->pos, "%s of type 'dbus' needs a <source channel=>", what);
            break;
        }
        vc_buf_printf(&b, "dbus,id=%s", id);
        qemu_opt_add(&b, "name", name);
        free(name);
        break;
    }
    default:
        ok = qemu_unsupported(x, dev->pos, "%s of type '%s'", what,
                              qemu_str_or(ir_chr_type_name(c->type), "?"));
    }
    if (ok)
        qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    else
        vc_buf_free(&b);
    return ok;
}

static bool modern_serial_emit(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    const char *tt = c->target_type;
    int n = x->modern->nserial++;
    const char *type = "isa-serial";
    if (tt && strcmp(tt, "isa-serial") != 0 && strcmp(tt, "serial") != 0) {
        if (strcmp(tt, "pci-serial") == 0)
            type = "pci-serial";
        else if (strcmp(tt, "usb-serial") == 0)
            type = "usb-serial";
        else if (strcmp(tt, "isa-debug") == 0)
            type = "isa-debugcon";
        else
            return qemu_unsupported(x, dev->pos, "serial target '%s'", tt);
    }
    if (!modern_need_device(x, dev->pos, type))
        return false;
    int port = c->kind == IR_CHRDEV_SERIAL ? x->modern->serial_port[modern_devidx(x, dev)]
               : c->target_port >= 0 ? c->target_port : n;
    if (strcmp(type, "isa-serial") == 0 && port > 3)
        return qemu_unsupported(x, dev->pos, "ISA serial port %d (a PC has 0 to 3)", port);
    char *devid = modern_dev_id(dev, vc_xasprintf("serial%d", n));
    char *id = vc_xasprintf("char%s", devid);
    if (!modern_chardev(x, dev, id)) {
        free(id);
        free(devid);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,chardev=%s,id=%s", type, id, devid);
    free(id);
    free(devid);
    if (strcmp(type, "isa-serial") == 0 && modern_has_prop(x, type, "index"))
        vc_buf_printf(&b, ",index=%d", port);
    if (strcmp(type, "usb-serial") == 0)
        vc_buf_puts(&b, ",bus=usb.0");
    /* The debug console listens on the port its ISA address names (SeaBIOS
     * and OVMF write to 0x402), QEMU's default being 0xe9. */
    if (strcmp(type, "isa-debugcon") == 0 && c->addr.type == IR_ADDR_ISA && c->addr.has_port) {
        if (modern_has_prop(x, type, "iobase"))
            vc_buf_printf(&b, ",iobase=0x%x", c->addr.port);
        else
            qemu_warn(x, dev->pos, "this QEMU's capabilities do not list the 'iobase' of "
                      "isa-debugcon; the debug console stays at QEMU's port 0xe9, not 0x%x",
                      c->addr.port);
    }
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

static bool modern_virtio_port(qemu_ctx *x, const ir_device *dev, const char *type,
                               const char *idprefix, int n)
{
    const ir_chr *c = &dev->u.chr;
    if (!modern_need_device(x, dev->pos, type))
        return false;
    char *devid = modern_dev_id(dev, vc_xasprintf("%s%d", idprefix, n));
    char *id = vc_xasprintf("char%s", devid);
    if (!modern_chardev(x, dev, id)) {
        free(id);
        free(devid);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    unsigned ctl = c->addr.type == IR_ADDR_VIRTIO_SERIAL ? c->addr.controller : 0;
    vc_buf_printf(&b, "%s,bus=virtio-serial%u.0", type, ctl);
    if (c->addr.type == IR_ADDR_VIRTIO_SERIAL && c->addr.has_port)
        vc_buf_printf(&b, ",nr=%u", c->addr.port);
    vc_buf_printf(&b, ",chardev=%s,id=%s", id, devid);
    free(id);
    free(devid);
    /* the guest's SPICE agent looks for its port by this name, whichever
     * side (SPICE or QEMU's own vdagent) serves it */
    const char *name = c->target_name;
    if (!name && c->kind == IR_CHRDEV_CHANNEL &&
        (c->type == IR_CHR_SPICEVMC || c->type == IR_CHR_QEMU_VDAGENT))
        name = "com.redhat.spice.0";
    if (name)
        qemu_opt_add(&b, "name", name);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

/* A guestfwd channel: the user-mode network forwards the guest's TCP
 * connections to ADDRESS:PORT to the chardev, on a netdev of its own. */
static bool modern_guestfwd(qemu_ctx *x, const ir_device *dev, int n)
{
    const ir_chr *c = &dev->u.chr;
    if (!c->target_address || !c->target_port_str)
        return qemu_error(x, dev->pos, "a guestfwd channel needs a target address and port");
    char *devid = modern_dev_id(dev, vc_xasprintf("channel%d", n));
    char *id = vc_xasprintf("char%s", devid);
    if (!modern_chardev(x, dev, id)) {
        free(id);
        free(devid);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "user");
    char *fwd = vc_xasprintf("tcp:%s:%s-chardev:%s", c->target_address, c->target_port_str, id);
    qemu_opt_add(&b, "guestfwd", fwd);
    free(fwd);
    vc_buf_printf(&b, ",id=%s", devid);
    free(id);
    free(devid);
    qemu_arg2_take(x, "-netdev", vc_buf_steal(&b));
    return true;
}

bool modern_chr(qemu_ctx *x, const ir_device *dev)
{
    const ir_chr *c = &dev->u.chr;
    switch (c->kind) {
    case IR_CHRDEV_SERIAL:
        return modern_serial_emit(x, dev);
    case IR_CHRDEV_PARALLEL: {
        if (!modern_need_device(x, dev->pos, "isa-parallel"))
            return false;
        int n = x->modern->nparallel++;
        char *devid = modern_dev_id(dev, vc_xasprintf("parallel%d", n));
        char *id = vc_xasprintf("char%s", devid);
        bool ok = modern_chardev(x, dev, id);
        if (ok)
            qemu_arg2_take(x, "-device",
                           vc_xasprintf("isa-parallel,chardev=%s,id=%s", id, devid));
        free(id);
        free(devid);
        return ok;
    }
    case IR_CHRDEV_CONSOLE: {
        int n = x->modern->nconsole++;
        if (qemu_console_is_serial(c)) {
            /* The first one repeats the first serial port, or stands for it. */
            if (n == 0 && qemu_count_devices(x, IR_DEV_CHR, IR_CHRDEV_SERIAL) > 0)
                return true;
            if (n == 0)
                return modern_serial_emit(x, dev);
            return qemu_unsupported(x, dev->pos, "a second serial console");
        }
        if (vc_streq(c->target_type, "virtio"))
            return modern_virtio_port(x, dev, "virtconsole", "console", n);
        return qemu_unsupported(x, dev->pos, "console target '%s'", c->target_type);
    }
    case IR_CHRDEV_CHANNEL:
        if (vc_streq(c->target_type, "virtio"))
            return modern_virtio_port(x, dev, "virtserialport", "channel",
                                      x->modern->nchannel++);
        if (vc_streq(c->target_type, "guestfwd"))
            return modern_guestfwd(x, dev, x->modern->nchannel++);
        return qemu_unsupported(x, dev->pos, "channel target '%s'",
                                qemu_str_or(c->target_type, "?"));
    default:
        return qemu_unsupported(x, dev->pos, "character device");
    }
}


/* ---- devices that stand on a character device: USB redirection, smartcards ---- */

/* The chardev of a redirected USB device or a passthrough smartcard: a
 * SPICE or D-Bus display channel (named by its use), or a TCP socket
 * (<source mode= host= service=>); the model keeps only these. */
static bool modern_stand_chardev(qemu_ctx *x, const ir_device *dev, ir_chr_type type,
                                 const char *host, const char *service, const char *id,
                                 const char *spice_name)
{
    vc_buf b;
    vc_buf_init(&b);
    if (type == IR_CHR_SPICEVMC) {
        vc_buf_printf(&b, "spicevmc,id=%s,name=%s", id, spice_name);
    } else if (type == IR_CHR_DBUS) {
        /* the D-Bus display's channel for this use (org.qemu.usbredir) */
        vc_buf_printf(&b, "dbus,id=%s,name=org.qemu.%s", id, spice_name);
    } else if (type == IR_CHR_TCP && host && service) {
        char *mode = modern_xml_attr(dev, "source", "mode");
        vc_buf_printf(&b, "socket,id=%s", id);
        qemu_opt_add(&b, "host", host);
        qemu_opt_add(&b, "port", service);
        if (vc_streq(mode, "bind"))
            vc_buf_puts(&b, ",server=on,wait=off");
        free(mode);
    } else {
        vc_buf_free(&b);
        if (type == IR_CHR_TCP)
            return qemu_error(x, dev->pos, "a 'tcp' %s needs <source host= service=>",
                              spice_name);
        return qemu_unsupported(x, dev->pos, "a %s over a '%s' character device", spice_name,
                                qemu_str_or(ir_chr_type_name(type), "?"));
    }
    qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    return true;
}

/* <redirdev bus='usb'>: usb-redir, the USB device on the far end of a
 * SPICE channel or a TCP connection (usbredir protocol). */
bool modern_redirdev(qemu_ctx *x, const ir_device *dev)
{
    const ir_redirdev *r = &dev->u.redirdev;
    const char *type = "usb-redir";
    if (r->bus && strcmp(r->bus, "usb") != 0)
        return qemu_unsupported(x, dev->pos, "redirected device on bus '%s'", r->bus);
    if (!modern_need_device(x, dev->pos, type) || !modern_usb_needed(x, dev, type))
        return false;
    char *devid = modern_dev_id(dev, vc_xasprintf("redir%d", x->modern->nredir++));
    char *id = vc_xasprintf("char%s", devid);
    bool ok = modern_stand_chardev(x, dev, r->type, r->host, r->service, id, "usbredir");
    if (ok) {
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_printf(&b, "%s,chardev=%s,id=%s", type, id, devid);
        if (x->modern->redir_filter)
            qemu_opt_add(&b, "filter", x->modern->redir_filter);
        int bi = x->modern->bootindex[modern_devidx(x, dev)];
        if (bi && modern_has_prop(x, type, "bootindex"))
            vc_buf_printf(&b, ",bootindex=%d", bi);
        modern_usb_opts(&r->addr, &b);
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    }
    free(id);
    free(devid);
    return ok;
}

/* What a card is read from, on b: a passthrough's chardev (named after the
 * card's id, char+ID, as libvirt names it), the host's NSS database, or
 * three certificates. */
static bool modern_smartcard_backend(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_smartcard *s = &dev->u.smartcard;
    const char *mode = qemu_str_or(s->mode, "?");
    if (strcmp(mode, "passthrough") == 0) {
        char *devid = modern_dev_id(dev, vc_xasprintf("smartcard%d", x->modern->nsmartcard));
        char *id = vc_xasprintf("char%s", devid);
        free(devid);
        bool ok = modern_stand_chardev(x, dev, s->type, s->host, s->service, id, "smartcard");
        if (ok)
            qemu_opt_add(b, "chardev", id);
        free(id);
        return ok;
    }
    if (strcmp(mode, "host") == 0) {
        /* the cards of the host's NSS database (libcacard's default) */
        vc_buf_puts(b, ",backend=nss-emulated");
        qemu_resource_add(x, "/etc/pki/nssdb", QEMU_RES_DIR, true);
        return true;
    }
    if (s->ncertificates != 3)
        return qemu_error(x, dev->pos, "a 'host-certificates' smartcard needs three "
                          "<certificate>s, not %zu", s->ncertificates);
    for (size_t i = 0; i < 3; i++)
        if (!s->certificates[i] || !*s->certificates[i])
            return qemu_error(x, dev->pos, "a 'host-certificates' smartcard's "
                              "<certificate> %zu names no certificate", i + 1);
    vc_buf_puts(b, ",backend=certificates");
    for (size_t i = 0; i < 3; i++) {
        char key[8];
        snprintf(key, sizeof(key), "cert%zu", i + 1);
        qemu_opt_add(b, key, s->certificates[i]);
    }
    if (s->database) {
        qemu_opt_add(b, "db", s->database);
        qemu_resource_add(x, s->database, QEMU_RES_DIR, true);
    }
    return true;
}

/* <smartcard>: a card in a slot of the CCID reader (usb-ccid, the ccid
 * controller): emulated from the host's NSS database ('host'), from three
 * certificates ('host-certificates'), or passed through to a remote reader
 * over a character device ('passthrough'). */
bool modern_smartcard(qemu_ctx *x, const ir_device *dev)
{
    const ir_smartcard *s = &dev->u.smartcard;
    const char *mode = qemu_str_or(s->mode, "?");
    bool pass = strcmp(mode, "passthrough") == 0;
    const char *type = pass ? "ccid-card-passthru" : "ccid-card-emulated";
    if (!pass && strcmp(mode, "host") != 0 && strcmp(mode, "host-certificates") != 0)
        return qemu_unsupported(x, dev->pos, "smartcard mode '%s'", mode);
    if (!modern_need_device(x, dev->pos, type))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, type);
    if (!modern_smartcard_backend(x, dev, &b)) {
        vc_buf_free(&b);
        return false;
    }
    unsigned ctl = s->addr.type == IR_ADDR_CCID ? s->addr.controller : 0;
    vc_buf_puts(&b, ",id=");
    modern_put_dev_id(&b, dev, "smartcard", x->modern->nsmartcard++);
    vc_buf_printf(&b, ",bus=ccid%u.0", ctl);
    if (s->addr.type == IR_ADDR_CCID && s->addr.has_slot && s->addr.slot)
        vc_buf_printf(&b, ",slot=%u", s->addr.slot);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}
