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
        const char *args[2] = { "-set", set };
        qr_passthrough(r, args, 2);
        qr_warn(r, ch->arg, 0, "-chardev socket,server=on waits for a client before the guest "
                "runs, which the domain's listening socket does not; kept as "
                "<qemu:commandline> -set %s", set);
        free(set);
    }
    return true;
}
