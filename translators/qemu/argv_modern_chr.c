/*
 * argv_modern_chr.c: character devices of the -device generation: the host
 * side as -chardev, the guest side as a serial or parallel port or a
 * virtio-serial port.
 */
#include "argv_modern_priv.h"

#include <stdlib.h>
#include <string.h>

/* ---- character devices --------------------------------------------------------------- */

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
        /* A channel without a path gets libvirt's per-domain one. */
        char *path = c->path ? vc_xstrdup(c->path)
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
        else
            return qemu_unsupported(x, dev->pos, "serial target '%s'", tt);
    }
    if (!modern_need_device(x, dev->pos, type))
        return false;
    int port = c->target_port >= 0 && c->kind == IR_CHRDEV_SERIAL ? c->target_port : n;
    if (strcmp(type, "isa-serial") == 0 && port > 3)
        return qemu_unsupported(x, dev->pos, "ISA serial port %d (a PC has 0 to 3)", port);
    char *id = vc_xasprintf("charserial%d", n);
    if (!modern_chardev(x, dev, id)) {
        free(id);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,chardev=%s,id=serial%d", type, id, n);
    free(id);
    if (strcmp(type, "isa-serial") == 0 && modern_has_prop(x, type, "index"))
        vc_buf_printf(&b, ",index=%d", port);
    if (strcmp(type, "usb-serial") == 0)
        vc_buf_puts(&b, ",bus=usb.0");
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
    char *id = vc_xasprintf("char%s%d", idprefix, n);
    if (!modern_chardev(x, dev, id)) {
        free(id);
        return false;
    }
    vc_buf b;
    vc_buf_init(&b);
    unsigned ctl = c->addr.type == IR_ADDR_VIRTIO_SERIAL ? c->addr.controller : 0;
    vc_buf_printf(&b, "%s,bus=virtio-serial%u.0", type, ctl);
    if (c->addr.type == IR_ADDR_VIRTIO_SERIAL && c->addr.has_port)
        vc_buf_printf(&b, ",nr=%u", c->addr.port);
    vc_buf_printf(&b, ",chardev=%s,id=%s%d", id, idprefix, n);
    free(id);
    if (c->target_name)
        qemu_opt_add(&b, "name", c->target_name);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
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
        char *id = vc_xasprintf("charparallel%d", n);
        bool ok = modern_chardev(x, dev, id);
        if (ok)
            qemu_arg2_take(x, "-device",
                           vc_xasprintf("isa-parallel,chardev=%s,id=parallel%d", id, n));
        free(id);
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
        return qemu_unsupported(x, dev->pos, "channel target '%s'",
                                qemu_str_or(c->target_type, "?"));
    default:
        return qemu_unsupported(x, dev->pos, "character device");
    }
}

