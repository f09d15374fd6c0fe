/*
 * argv_read_vdev.c: devices backed by something of the host's that is not
 * an image or a tap: USB redirection filters, mediated devices (vfio-pci
 * sysfsdev=), vhost-scsi targets, vDPA and vhost-user NICs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv_read_priv.h"

/* ---- usb-redir filter= -> <redirfilter> ---- */

/* One field of a filter rule: -1 (any) or a number QEMU reads with base 0
 * (usbredir's filter syntax). */
static bool qr_filter_num(const char *s, size_t len, unsigned long long max, long long *out)
{
    char *t = vc_xstrndup(s, len);
    long long v = 0;
    bool ok = vc_parse_ll(t, 0, &v) && v >= -1 && (v < 0 || (unsigned long long)v <= max);
    free(t);
    *out = v;
    return ok;
}

/* class= / vendor= / product= of <usbdev>: hex as the model writes it; a
 * field already written 0xHEX is kept as written. */
static void qr_filter_hex(vc_buf *b, const char *attr, const char *s, size_t len, long long v,
                          int width)
{
    if (v < 0)
        return;
    size_t hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? len - 2 : 0;
    if (hex && strspn(s + 2, "0123456789abcdefABCDEF") >= hex && hex <= (size_t)width)
        vc_buf_printf(b, " %s='0x%.*s'", attr, (int)hex, s + 2);
    else
        vc_buf_printf(b, " %s='0x%0*llX'", attr, width, (unsigned long long)v);
}

/* The device version, BCD 0xMMmm, as the model's "M.mm"; false when it is
 * not BCD. */
static bool qr_filter_version(vc_buf *b, long long v)
{
    if (v < 0)
        return true;
    unsigned major = (unsigned)(v >> 8), minor = (unsigned)(v & 0xff);
    if ((major >> 4) > 9 || (major & 15) > 9 || (minor >> 4) > 9 || (minor & 15) > 9)
        return false;
    vc_buf_printf(b, " version='%x.%02x'", major, minor);
    return true;
}

/* filter=RULE|RULE... (RULE: class:vendor:product:version:allow) as a
 * <redirfilter> element; NULL after a located error. */
static char *qr_filter_xml(qemu_reader *r, qr_opt *o, const qopt_item *it)
{
    static const struct { const char *attr; unsigned long long max; int width; } fields[] = {
        { "class", 0xff, 2 }, { "vendor", 0xffff, 4 }, { "product", 0xffff, 4 },
        { "version", 0xffff, 4 }, { "allow", 1, 0 },
    };
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<redirfilter>\n");
    const char *p = it->value;
    while (*p) {
        size_t rule = strcspn(p, "|");
        const char *f = p;
        vc_buf_puts(&b, "  <usbdev");
        for (size_t k = 0; k < VC_ARRAY_SIZE(fields); k++) {
            size_t len = strcspn(f, k + 1 < VC_ARRAY_SIZE(fields) ? ":|" : "|");
            long long v;
            bool last = k + 1 == VC_ARRAY_SIZE(fields);
            if ((size_t)(f - p) + len > rule || (!last && f[len] != ':') ||
                !qr_filter_num(f, len, fields[k].max, &v) || (last && v < 0) ||
                (k == 3 && !qr_filter_version(&b, v))) {
                vc_buf_free(&b);
                qr_error(r, o->arg, it->val_off + (size_t)(f - it->value), "-device usb-redir: "
                         "filter rule field %s is not %s", fields[k].attr,
                         last ? "0 or 1" : k == 3 ? "-1 or a BCD version"
                         : "-1 or a number in range");
                return NULL;
            }
            if (last)
                vc_buf_printf(&b, " allow='%s'", v ? "yes" : "no");
            else if (k < 3)
                qr_filter_hex(&b, fields[k].attr, f, len, v, fields[k].width);
            f += len + (last ? 0 : 1);
        }
        vc_buf_puts(&b, "/>\n");
        p += rule + (p[rule] == '|');
        if (p[-1] == '|' && !*p) {
            vc_buf_free(&b);
            qr_error(r, o->arg, it->val_off + strlen(it->value), "-device usb-redir: filter= "
                     "ends with an empty rule");
            return NULL;
        }
    }
    vc_buf_puts(&b, "</redirfilter>");
    return vc_buf_steal(&b);
}

bool qr_redir_filter(qemu_reader *r, qr_opt *o)
{
    qopt_item *it = qr_item(o, "filter");
    if (!it)
        return true;
    if (!it->value || !*it->value)
        return qr_error(r, o->arg, it->val_off, "-device usb-redir: filter= is empty");
    char *xml = qr_filter_xml(r, o, it);
    if (!xml)
        return false;
    /* the model has one filter for every redirected device: the first
     * usb-redir's; a device with another filter is kept as written */
    for (size_t i = 0; i < r->dom->ndevices; i++) {
        const ir_device *d = &r->dom->devices[i];
        if (d->kind == IR_DEV_OTHER && vc_str_has_prefix(d->u.other.xml, "<redirfilter")) {
            if (strcmp(d->u.other.xml, xml) != 0)
                r->keep_reason = "the domain's USB redirection filter is another device's";
            free(xml);
            return true;
        }
    }
    ir_device *d = qr_add_device(r, IR_DEV_OTHER, o->flag);
    d->u.other.xml = xml;
    d->u.other.pos = d->pos;
    return true;
}

/* ---- character devices a device stands on ---- */

bool qr_stand_listen(qemu_reader *r, qr_opt *ch, bool *bind)
{
    bool server = false, wait = true;
    qopt_item *w = qr_item(ch, "wait");
    if (!qr_bool(r, ch, "server", &server) || !qr_bool(r, ch, "wait", &wait))
        return false;
    if (!server)
        return true;
    *bind = true;
    /* the domain's listening socket does not wait for its client (wait=off);
     * one that does (QEMU's default) keeps wait=on as <qemu:commandline> */
    if (wait && w) {
        w->used = false;   /* a leftover: kept as -set chardev.ID.wait=on */
    } else if (wait) {
        char *set = vc_xasprintf("chardev.%s.wait=on", qr_str(ch, "id"));
        qr_backend_set_later(r, ch->arg, 0, "-chardev socket,server=on", "waits for a client "
                             "before the guest runs, which the domain's listening socket does "
                             "not", set);
        free(set);
    }
    return true;
}

/* ---- host devices named by sysfs or by WWPN ---- */

/* The element of a host device the model keeps whole: <hostdev
 * mode='subsystem' type=TYPE ATTRS>SOURCE<boot/><address/></hostdev>
 * (attrs: " name='value'..." already escaped; source: its <source>). */
static void qr_hostdev_xml(ir_device *d, const char *type, const char *attrs,
                           const char *source)
{
    const ir_hostdev *h = &d->u.hostdev;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "<hostdev mode='subsystem' type='%s'%s>\n%s", type, attrs, source);
    if (h->boot_order > 0)
        vc_buf_printf(&b, "  <boot order='%d'/>\n", h->boot_order);
    qr_pci_addr_xml(&b, &h->addr);
    vc_buf_puts(&b, "</hostdev>");
    free(d->xml);
    d->xml = vc_buf_steal(&b);
}

/* on/off/auto of a property, into " attr='v'" of b; false after a located
 * error. */
static bool qr_onoffauto(qemu_reader *r, qr_opt *o, const char *key, vc_buf *b)
{
    qopt_item *it = qr_item(o, key);
    if (!it)
        return true;
    const char *v = it->value ? it->value : "on";
    if (!vc_streq(v, "on") && !vc_streq(v, "off") && !vc_streq(v, "auto"))
        return qr_error(r, o->arg, it->val_off, "-device %s: %s='%s' is not on, off or auto",
                        qr_str(o, "driver"), key, v);
    if (!vc_streq(v, "auto"))
        vc_buf_printf(b, " %s='%s'", key, v);
    return true;
}

/* vfio-pci[-nohotplug],sysfsdev=PATH: a host device by its sysfs node. A
 * mediated device (/sys/bus/mdev/devices/UUID) is <hostdev type='mdev'
 * model='vfio-pci'> with its display= and boot display (ramfb=, only on
 * the kind that cannot be unplugged); a PCI function
 * (/sys/bus/pci/devices/DDDD:BB:SS.F) is the PCI host device at that
 * address. d is the device being read, its guest address not yet set. */
bool qr_vfio_sysfs(qemu_reader *r, qr_opt *o, const char *driver, ir_device *d)
{
    const char *path = qr_str(o, "sysfsdev");
    ir_hostdev *h = &d->u.hostdev;
    static const char mdev[] = "/sys/bus/mdev/devices/", pci[] = "/sys/bus/pci/devices/";
    unsigned char uuid[16];
    unsigned dom, bus, slot, fn;
    char tail;
    if (!path) {
        r->keep_reason = "a host device passed as a file descriptor names no host device";
        return true;
    }
    if (vc_str_has_prefix(path, pci) &&
        sscanf(path + strlen(pci), "%4x:%2x:%2x.%1x%c", &dom, &bus, &slot, &fn, &tail) == 4 &&
        !vc_streq(driver, "vfio-pci-nohotplug")) {
        h->type = IR_HOSTDEV_PCI;
        h->managed = IR_TRI_YES;
        h->driver_name = vc_xstrdup("vfio");
        h->source_addr = (ir_address){ .type = IR_ADDR_PCI, .domain = dom, .bus = bus,
                                       .slot = slot, .function = fn, .has_bus = true,
                                       .has_slot = true, .has_function = true };
        return qr_bootindex(r, o, &h->boot_order) && qr_device_addr(r, o, &h->addr);
    }
    if (!vc_str_has_prefix(path, mdev) || !ir_uuid_parse(path + strlen(mdev), uuid) ||
        strlen(path + strlen(mdev)) != 36) {
        r->keep_reason = "only a mediated device or a PCI function has a place in the model";
        return true;
    }
    bool ramfb = false;
    if (!qr_bool(r, o, "ramfb", &ramfb))
        return false;
    /* ramfb is a property of vfio-pci-nohotplug only; the model writes
     * that kind exactly when the boot display is on */
    if (ramfb != vc_streq(driver, "vfio-pci-nohotplug")) {
        r->keep_reason = "a hot-unpluggable mediated device with a boot display, or one "
                         "without that cannot be unplugged, has no place in the model";
        return true;
    }
    h->type = IR_HOSTDEV_MDEV;
    vc_buf attrs;
    vc_buf_init(&attrs);
    vc_buf_puts(&attrs, " model='vfio-pci'");
    if (!qr_onoffauto(r, o, "display", &attrs)) {
        vc_buf_free(&attrs);
        return false;
    }
    if (ramfb)
        vc_buf_puts(&attrs, " ramfb='on'");
    if (!qr_bootindex(r, o, &h->boot_order) || !qr_device_addr(r, o, &h->addr)) {
        vc_buf_free(&attrs);
        return false;
    }
    char *source = vc_xasprintf("  <source>\n    <address uuid='%s'/>\n  </source>\n",
                                path + strlen(mdev));
    qr_hostdev_xml(d, "mdev", vc_buf_str(&attrs), source);
    free(source);
    vc_buf_free(&attrs);
    return true;
}

/* vhost-scsi-pci[-transitional|-non-transitional],wwpn=NAA: a target of the
 * host kernel's SCSI target (LIO), <hostdev type='scsi_host'> with
 * <source protocol='vhost' wwpn=>; arg is the model's virtio flavour. */
bool qr_dev_vhost_scsi(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    qopt_item *wwpn = qr_item(o, "wwpn");
    if (!wwpn || !wwpn->value || !*wwpn->value)
        return qr_error(r, o->arg, 0, "-device %s: no wwpn= names the host's SCSI target",
                        driver);
    if (qr_str(o, "vhostfd")) {
        r->keep_reason = "a vhost-scsi target handed over as a descriptor";
        return true;
    }
    ir_device *d = qr_add_device(r, IR_DEV_HOSTDEV, o->flag);
    ir_hostdev *h = &d->u.hostdev;
    h->mode = vc_xstrdup("subsystem");
    h->type = IR_HOSTDEV_SCSI_HOST;
    if (!qr_bootindex(r, o, &h->boot_order) || !qr_device_addr(r, o, &h->addr))
        return false;
    vc_buf src;
    vc_buf_init(&src);
    vc_buf_puts(&src, "  <source protocol='vhost'");
    qr_xml_attr(&src, "wwpn", wwpn->value);
    vc_buf_puts(&src, "/>\n");
    char *attrs = vc_streq(arg, "virtio") ? vc_xstrdup("")
                                          : vc_xasprintf(" model='%s'", arg);
    qr_hostdev_xml(d, "scsi_host", attrs, vc_buf_str(&src));
    free(attrs);
    vc_buf_free(&src);
    return true;
}

/* ---- the host side of a NIC: vhost-user, vDPA, a stream socket ---- */

/* -netdev vhost-user,chardev=ID[,queues=N] with -chardev socket,path=P
 * [,server=on | ,reconnect=S]: an <interface type='vhostuser'> on a unix
 * socket, QEMU its server (mode='server') or its client. */
static bool qr_nic_vhostuser(qemu_reader *r, qr_opt *h, ir_net *n)
{
    qr_opt *ch = qr_named_backend(r, h, "chardev", "chardev");
    if (!ch)
        return false;
    if (!vc_streq(qr_str(ch, "backend"), "socket") || !qr_str(ch, "path")) {
        r->keep_reason = "a vhost-user NIC's socket handed over as a descriptor names no path";
        return true;
    }
    bool server = false;
    unsigned long long queues = 0, reconnect = 0;
    if (!qr_bool(r, ch, "server", &server) || !qr_num(r, ch, "reconnect", &reconnect) ||
        !qr_num(r, h, "queues", &queues))
        return false;
    n->type = IR_NET_VHOSTUSER;
    n->source_mode = vc_xstrdup(server ? "server" : "client");
    qopt_item *rc = qr_item(ch, "reconnect");
    if (server && rc)
        rc->used = false;   /* a server does not reconnect: a leftover */
    qr_implied(ch, QR_KEYS("id", "path"));
    qr_leftovers(r, ch, NULL);
    return true;
}

bool qr_nic_host(qemu_reader *r, qr_opt *h, ir_net *n, bool *done)
{
    const char *t = qr_str(h, "type");
    *done = true;
    if (vc_streq(t, "vhost-user"))
        return qr_nic_vhostuser(r, h, n);
    if (vc_streq(t, "vhost-vdpa")) {
        const char *dev = qr_str(h, "vhostdev");
        if (!dev) {
            r->keep_reason = "a vDPA device handed over as a descriptor names no device";
            return true;
        }
        n->type = IR_NET_VDPA;
        n->source_dev = vc_xstrdup(dev);
        return true;
    }
    if (vc_streq(t, "stream")) {
        /* a stream socket QEMU connects to: passt's (<backend type='passt'>,
         * user networking outside QEMU); its socket is the manager's */
        bool server = false;
        if (!qr_bool(r, h, "server", &server))
            return false;
        const char *path = qr_str(h, "addr.path");
        if (server || !vc_streq(qr_str(h, "addr.type"), "unix") || !path) {
            r->keep_reason = "only a stream socket QEMU connects to on a unix path (passt) has "
                             "a place in the model";
            return true;
        }
        n->type = IR_NET_USER;
        qr_implied(h, QR_KEYS("reconnect"));
        qr_warn(r, h->arg, qr_item(h, "addr.path")->val_off, "-netdev stream: read as user "
                "networking by passt; the socket '%s' is not kept: the domain's manager starts "
                "passt and names its socket", path);
        return true;
    }
    *done = false;
    return true;
}

/* What the element of such a NIC holds beyond the model's fields, set on
 * it once the fields are read. */
void qr_nic_host_amend(qemu_reader *r, qr_opt *h, ir_device *d)
{
    const char *t = qr_str(h, "type");
    if (vc_streq(t, "stream")) {
        qr_device_amend(r, d, "backend", "type", "passt");
        return;
    }
    if (!vc_streq(t, "vhost-user"))
        return;
    qr_opt *ch = qr_backend(r, "chardev", qr_str(h, "chardev"));
    qr_device_amend(r, d, "source", "type", "unix");
    qr_device_amend(r, d, "source", "path", qr_str(ch, "path"));
    const char *reconnect = qr_str(ch, "reconnect");
    if (reconnect && d->u.net.source_mode && vc_streq(d->u.net.source_mode, "client")) {
        bool on = !vc_streq(reconnect, "0");
        qr_device_amend(r, d, "source/reconnect", "enabled", on ? "yes" : "no");
        if (on)
            qr_device_amend(r, d, "source/reconnect", "timeout", reconnect);
    }
    const char *queues = qr_str(h, "queues");
    if (queues && !vc_streq(queues, "1"))
        qr_device_amend(r, d, "driver", "queues", queues);
}
