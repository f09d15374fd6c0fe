/*
 * argv_read_blk.c: today's -blockdev graphs (format and protocol nodes,
 * filters, backing chains, LUKS keys) read into the disk a -device names,
 * and the cache mode a node and its device give together.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv_read_priv.h"

/* ---- -blockdev graphs ---- */

static const char *const qr_formats[] = {
    "raw", "qcow2", "qcow", "qed", "vmdk", "vpc", "vdi", "vhdx", "luks", "cloop", "dmg",
    "bochs", "parallels",
};

static bool qr_is_format(const char *driver)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_formats); i++)
        if (vc_streq(driver, qr_formats[i]))
            return true;
    return false;
}

/* "PREFIX.key" or "key" when prefix is NULL. */
static const char *qr_sub(qr_opt *o, const char *prefix, const char *key)
{
    if (!prefix)
        return qr_str(o, key);
    char *k = vc_xasprintf("%s.%s", prefix, key);
    const char *v = qr_str(o, k);
    free(k);
    return v;
}

/* server.host / server.0.host ... into the disk's hosts. */
static void qr_blk_hosts(qr_opt *o, const char *prefix, ir_disk *disk)
{
    for (int i = -1; i < 16; i++) {
        char *p = i < 0 ? vc_xasprintf("%s%sserver", prefix ? prefix : "", prefix ? "." : "")
                        : vc_xasprintf("%s%sserver.%d", prefix ? prefix : "", prefix ? "." : "", i);
        const char *host = qr_sub(o, p, "host"), *port = qr_sub(o, p, "port");
        const char *path = qr_sub(o, p, "path");
        qr_sub(o, p, "type");
        free(p);
        if (!host && !path)
            continue;
        disk->hosts = vc_xrealloc(disk->hosts, (disk->nhosts + 1) * sizeof(ir_host));
        ir_host *h = &disk->hosts[disk->nhosts++];
        memset(h, 0, sizeof(*h));
        h->name = vc_xstrdup(host);
        h->port = vc_xstrdup(port);
        if (path) {
            h->transport = vc_xstrdup("unix");
            h->socket = vc_xstrdup(path);
        }
    }
}

/* url=SCHEME://HOST[:PORT]/PATH of the curl drivers. */
static void qr_blk_url(ir_disk *disk, const char *url)
{
    const char *hp = strstr(url, "://");
    hp = hp ? hp + 3 : url;
    const char *slash = strchr(hp, '/');
    char *hostport = slash ? vc_xstrndup(hp, (size_t)(slash - hp)) : vc_xstrdup(hp);
    char *colon = strrchr(hostport, ':');
    disk->hosts = vc_xcalloc(1, sizeof(ir_host));
    disk->nhosts = 1;
    if (colon && !strchr(colon, ']')) {
        disk->hosts[0].port = vc_xstrdup(colon + 1);
        *colon = '\0';
    }
    disk->hosts[0].name = hostport;
    disk->source = vc_xstrdup(slash ? slash : "/");
}

/* ---- what a graph says beyond the model's fields ---- */

/* An amendment of the disk's element (qr_xml_amend): the graph's reading
 * collects them, qr_blk_apply writes them on the device once it is whole. */
struct qr_blk_note {
    char *path, *name, *value, *xml;
};

static void qr_blk_note(qemu_reader *r, const char *path, const char *name, const char *value,
                        const char *xml)
{
    r->blk_notes = vc_xrealloc(r->blk_notes, (r->nblk_notes + 1) * sizeof(*r->blk_notes));
    r->blk_notes[r->nblk_notes++] = (struct qr_blk_note){
        vc_xstrdup(path), vc_xstrdup(name), vc_xstrdup(value), vc_xstrdup(xml) };
}

static void qr_blk_notes_free(struct qr_blk_note *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].name);
        free(v[i].value);
        free(v[i].xml);
    }
    free(v);
}

/* The notes only: a keep_reason may still point at keep_note. */
static void qr_blk_notes_clear(qemu_reader *r)
{
    qr_blk_notes_free(r->blk_notes, r->nblk_notes);
    r->blk_notes = NULL;
    r->nblk_notes = 0;
}

void qr_blk_reset(qemu_reader *r)
{
    qr_blk_notes_clear(r);
    free(r->keep_note);
    r->keep_note = NULL;
}

void qr_blk_free(qemu_reader *r)
{
    qr_blk_reset(r);
    free(r->nvram_xml);
    r->nvram_xml = NULL;
}

void qr_blk_apply(qemu_reader *r, ir_device *dev)
{
    for (size_t i = 0; i < r->nblk_notes; i++) {
        struct qr_blk_note *n = &r->blk_notes[i];
        qr_device_amend_at(r, dev, n->path, n->name, n->value, n->xml);
    }
    qr_blk_notes_clear(r);
}

/* The disk has something the domain cannot say: its -device and the
 * options it names are kept as written (qr_opt_device), and the warning
 * names the first such property. */
static void qr_blk_keep(qemu_reader *r, qr_opt *o, const char *key, const char *why)
{
    if (r->keep_reason)
        return;
    free(r->keep_note);
    r->keep_note = vc_xasprintf("%s '%s'%s%s%s: %s", o->flag->text,
                                qr_str(o, strcmp(o->def->name, "blockdev") == 0 ? "node-name"
                                                                                : "id"),
                                key ? " property '" : "", key ? key : "", key ? "'" : "",
                                why ? why : "no place in the domain model");
    r->keep_reason = r->keep_note;
}

/* Properties of a -blockdev or of an -object a disk names that nothing
 * read: QAPI options have no -set, so the disk goes whole (qr_blk_keep). */
static void qr_blk_leftovers(qemu_reader *r, qr_opt *o)
{
    for (size_t i = 0; i < o->props.n; i++) {
        qopt_item *it = &o->props.v[i];
        if (it->used)
            continue;
        it->used = true;
        qr_blk_keep(r, o, it->key, NULL);
    }
}

/* The -object of this type a node's property names, marked used; NULL
 * after a located error. */
static qr_opt *qr_blk_object(qemu_reader *r, qr_opt *o, const char *key, const char *type)
{
    qopt_item *it = qr_item(o, key);
    qr_opt *obj = it && it->value ? qr_backend(r, "object", it->value) : NULL;
    if (!obj || !vc_streq(qr_str(obj, "qom-type"), type)) {
        qr_error(r, o->arg, it ? it->val_off : 0, "no -object %s has the id '%s'", type,
                 it && it->value ? it->value : "");
        return NULL;
    }
    obj->used = true;
    qr_implied(obj, QR_KEYS("qom-type", "id"));
    return obj;
}

/* The -object of this type PREFIX.key names (*obj NULL when the node
 * has no such key); false after a located error. A secret's value is the
 * host's (a file, or data= on the command line), not the domain's. */
static bool qr_blk_named(qemu_reader *r, qr_opt *o, const char *prefix, const char *key,
                         const char *type, qr_opt **obj)
{
    char *k = prefix ? vc_xasprintf("%s.%s", prefix, key) : vc_xstrdup(key);
    bool has = qr_item(o, k) != NULL;
    *obj = has ? qr_blk_object(r, o, k, type) : NULL;
    free(k);
    if (*obj && strcmp(type, "secret") == 0)
        qr_implied(*obj, QR_KEYS("format", "file", "keyid", "iv"));
    return *obj || !has;
}

/* A text as an XML attribute value or element content: &, <, >, ' and ". */
static char *qr_xml_escape(const char *s)
{
    vc_buf b;
    vc_buf_init(&b);
    for (; *s; s++) {
        switch (*s) {
        case '&': vc_buf_puts(&b, "&amp;"); break;
        case '<': vc_buf_puts(&b, "&lt;"); break;
        case '>': vc_buf_puts(&b, "&gt;"); break;
        case '\'': vc_buf_puts(&b, "&apos;"); break;
        case '"': vc_buf_puts(&b, "&quot;"); break;
        default: vc_buf_printf(&b, "%c", *s); break;
        }
    }
    return vc_buf_steal(&b);
}

/* A note "<ELEM ATTR='VALUE'/>" under path. */
static void qr_blk_note_elem(qemu_reader *r, const char *path, const char *elem,
                             const char *attr, const char *value)
{
    char *v = qr_xml_escape(value);
    char *x = vc_xasprintf("<%s %s='%s'/>", elem, attr, v);
    qr_blk_note(r, path, NULL, NULL, x);
    free(x);
    free(v);
}

/* user=,key-secret= (rbd) / password-secret= (iscsi): <auth username=>
 * with the libvirt secret of that usage, which holds the key. */
static bool qr_blk_auth(qemu_reader *r, qr_opt *o, const char *prefix, const char *key,
                        const char *type, ir_disk *disk)
{
    const char *user = qr_sub(o, prefix, "user");
    qr_opt *sec;
    if (!qr_blk_named(r, o, prefix, key, "secret", &sec))
        return false;
    if (!sec) {
        if (user)   /* a user without a key: nothing the domain's <auth> can say */
            qr_blk_keep(r, o, "user", "a user without a secret has no <auth>");
        return true;
    }
    qr_item(sec, "data");
    qr_blk_leftovers(r, sec);
    disk->auth_username = vc_xstrdup(user ? user : "");
    disk->auth_in_source = true;
    disk->auth_secret.type = vc_xstrdup(type);
    disk->auth_secret.usage = vc_xasprintf("%s-%s", type, user ? user : qr_str(sec, "id"));
    qr_warn(r, sec->arg, 0, "-object secret '%s': the key of user '%s' is the host's; define it "
            "as the %s secret with usage '%s'", qr_str(sec, "id"), user ? user : "", type,
            disk->auth_secret.usage);
    return true;
}

/* rbd: pool=,namespace=,image=,snapshot=,conf=, cephx auth. */
static bool qr_blk_rbd(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    const char *pool = qr_sub(o, prefix, "pool"), *image = qr_sub(o, prefix, "image");
    const char *ns = qr_sub(o, prefix, "namespace");
    disk->source = vc_xasprintf("%s/%s%s%s", pool ? pool : "", ns ? ns : "", ns ? "/" : "",
                                image ? image : "");
    qr_set(&disk->source_snapshot, qr_sub(o, prefix, "snapshot"));
    qr_set(&disk->source_config, qr_sub(o, prefix, "conf"));
    if (!qr_blk_auth(r, o, prefix, "key-secret", "ceph", disk))
        return false;
    /* libvirt asks for cephx when it has a key and allows none otherwise */
    if (disk->auth_username)
        for (int i = 0; i < 2; i++) {
            char *k = vc_xasprintf("auth-client-required.%d", i);
            const char *v = qr_sub(o, prefix, k);
            if (v && !vc_streq(v, i ? "none" : "cephx"))
                qr_blk_keep(r, o, k, NULL);
            free(k);
        }
    return true;
}

/* iscsi: portal=HOST:PORT,target=,lun=,transport=tcp|iser,initiator-name=, CHAP. */
static bool qr_blk_iscsi(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    const char *t = qr_sub(o, prefix, "target"), *lun = qr_sub(o, prefix, "lun");
    disk->source = vc_xasprintf("%s/%s", t ? t : "", lun ? lun : "0");
    const char *portal = qr_sub(o, prefix, "portal");
    const char *transport = qr_sub(o, prefix, "transport");
    const char *iqn = qr_sub(o, prefix, "initiator-name");
    if (portal) {
        const char *colon = strrchr(portal, ':');
        if (colon && strchr(portal, ']') > colon)
            colon = NULL;
        const char *hs = portal, *he = colon ? colon : portal + strlen(portal);
        if (*hs == '[' && he > hs && he[-1] == ']') {
            hs++;
            he--;
        }
        disk->hosts = vc_xcalloc(1, sizeof(ir_host));
        disk->hosts[0].name = vc_xstrndup(hs, (size_t)(he - hs));
        disk->hosts[0].port = colon ? vc_xstrdup(colon + 1) : NULL;
        if (vc_streq(transport, "iser"))
            disk->hosts[0].transport = vc_xstrdup("rdma");
        disk->nhosts = 1;
    }
    if (transport && !vc_streq(transport, "tcp") && !vc_streq(transport, "iser"))
        qr_blk_keep(r, o, "transport", NULL);
    if (iqn)
        qr_blk_note_elem(r, "source/initiator", "iqn", "name", iqn);
    return qr_blk_auth(r, o, prefix, "password-secret", "iscsi", disk);
}

/* cookie-secret=ID: the Cookie header "N1=V1; N2=V2" in data= becomes
 * <cookies>; a header in a file is the host's, so the disk is kept. */
static bool qr_blk_cookies(qemu_reader *r, qr_opt *o, const char *prefix)
{
    qr_opt *sec;
    if (!qr_blk_named(r, o, prefix, "cookie-secret", "secret", &sec))
        return false;
    if (!sec)
        return true;
    const char *data = qr_str(sec, "data");
    qr_blk_leftovers(r, sec);
    if (!data || qr_str(sec, "keyid")) {   /* in a host file, or encrypted */
        qr_blk_keep(r, o, "cookie-secret", data ? "the cookies are encrypted"
                                               : "the cookies are in a host file");
        return true;
    }
    vc_buf x;
    vc_buf_init(&x);
    vc_buf_puts(&x, "<cookies>");
    char *all = vc_xstrdup(data);
    for (char *save = NULL, *c = strtok_r(all, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
        c += strspn(c, " ");
        char *eq = strchr(c, '=');
        if (!eq || eq == c) {
            qr_blk_keep(r, sec, "data", "not a Cookie header (NAME=VALUE; ...)");
            break;
        }
        *eq = '\0';
        char *n = qr_xml_escape(c), *v = qr_xml_escape(eq + 1);
        vc_buf_printf(&x, "<cookie name='%s'>%s</cookie>", n, v);
        free(n);
        free(v);
    }
    free(all);
    vc_buf_puts(&x, "</cookies>");
    qr_blk_note(r, "source", NULL, NULL, vc_buf_str(&x));
    vc_buf_free(&x);
    return true;
}

/* http(s)/ftp(s): url=, timeout=, readahead=, sslverify=, cookies. */
static bool qr_blk_curl(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    const char *url = qr_sub(o, prefix, "url");
    if (url) {
        const char *q = strchr(url, '?');
        char *base = q ? vc_xstrndup(url, (size_t)(q - url)) : vc_xstrdup(url);
        qr_blk_url(disk, base);
        free(base);
        if (q)
            qr_blk_note(r, "source", "query", q + 1, NULL);
    }
    static const struct { const char *key, *elem, *attr; } nums[] = {
        { "timeout", "timeout", "seconds" }, { "readahead", "readahead", "size" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(nums); i++) {
        const char *v = qr_sub(o, prefix, nums[i].key);
        unsigned long long n;
        if (v && vc_parse_ull(v, 10, &n))
            qr_blk_note_elem(r, "source", nums[i].elem, nums[i].attr, v);
        else if (v)
            qr_blk_keep(r, o, nums[i].key, "not a number");
    }
    const char *verify = qr_sub(o, prefix, "sslverify");
    if (verify)
        qr_blk_note_elem(r, "source", "ssl", "verify",
                         vc_streq(verify, "off") || vc_streq(verify, "false") ? "no" : "yes");
    return qr_blk_cookies(r, o, prefix);
}

/* The x509 settings of libvirt's NBD client are the host's, qemu.conf's
 * (nbd_tls_x509_cert_dir, _verify, _secret_uuid), not the domain's, which
 * only says tls='yes': one warning names what to set there when the
 * command line differs from the defaults (/etc/pki/qemu, verified). */
static bool qr_blk_tls_conf(qemu_reader *r, qr_opt *tls)
{
    const char *dir = qr_str(tls, "dir"), *verify = qr_str(tls, "verify-peer");
    qr_opt *sec;
    if (!qr_blk_named(r, tls, NULL, "passwordid", "secret", &sec))
        return false;
    if (sec) {
        qr_item(sec, "data");
        qr_blk_leftovers(r, sec);
    }
    bool noverify = verify && !vc_streq(verify, "on") && !vc_streq(verify, "yes") &&
                    !vc_streq(verify, "true");
    if ((dir && !vc_streq(dir, "/etc/pki/qemu")) || noverify || sec)
        qr_warn(r, tls->arg, 0, "-object tls-creds-x509 '%s': the certificates are the host's; "
                "set in qemu.conf: nbd_tls_x509_cert_dir = \"%s\"%s%s", qr_str(tls, "id"),
                dir ? dir : "/etc/pki/qemu", noverify ? ", nbd_tls_x509_verify = 0" : "",
                sec ? ", nbd_tls_x509_secret_uuid = the UUID of the libvirt secret holding the "
                      "key's password" : "");
    return true;
}

/* nbd: export=, server, tls-creds= (a client tls-creds-x509), tls-hostname=. */
static bool qr_blk_nbd(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    qr_set(&disk->source, qr_sub(o, prefix, "export"));
    qr_opt *tls;
    if (!qr_blk_named(r, o, prefix, "tls-creds", "tls-creds-x509", &tls))
        return false;
    const char *host = qr_sub(o, prefix, "tls-hostname");
    if (tls) {
        const char *ep = qr_str(tls, "endpoint");
        if (ep && !vc_streq(ep, "client"))
            qr_blk_keep(r, tls, "endpoint", "a disk is a TLS client");
        if (!qr_blk_tls_conf(r, tls))
            return false;
        qr_blk_leftovers(r, tls);
        qr_blk_note(r, "source", "tls", "yes", NULL);
        if (host)
            qr_blk_note(r, "source", "tlsHostname", host, NULL);
    } else if (host) {
        qr_blk_keep(r, o, "tls-hostname", "a TLS host name needs tls-creds");
    }
    return true;
}

/* pr-manager=ID: SCSI persistent reservations through qemu-pr-helper.
 * libvirt's own helper is pr-helper0 on the guest's pr-helper0.sock
 * (managed); any other is one the host runs (unmanaged, at its path). */
static bool qr_blk_pr(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    qr_opt *pr;
    if (!qr_blk_named(r, o, prefix, "pr-manager", "pr-manager-helper", &pr))
        return false;
    if (!pr)
        return true;
    const char *path = qr_str(pr, "path");
    qr_blk_leftovers(r, pr);
    if (disk->device != IR_DISK_DEV_LUN) {
        qr_blk_keep(r, o, "pr-manager", "reservations are a SCSI LUN's (scsi-block)");
        return true;
    }
    bool managed = vc_streq(qr_str(pr, "id"), "pr-helper0") && path &&
                   vc_str_has_suffix(path, "/pr-helper0.sock");
    qr_blk_note(r, "source/reservations", "managed", managed ? "yes" : "no", NULL);
    if (!managed) {
        char *p = qr_xml_escape(path ? path : "");
        char *x = vc_xasprintf("<source type='unix' path='%s' mode='client'/>", p);
        qr_blk_note(r, "source/reservations", NULL, NULL, x);
        free(x);
        free(p);
    }
    return true;
}

/* nvme: device=DDDD:BB:SS.F,namespace=N: <source type='pci'> with the
 * host controller's address. */
static void qr_blk_nvme(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    const char *dev = qr_sub(o, prefix, "device"), *ns = qr_sub(o, prefix, "namespace");
    unsigned d, b, s, f;
    char tail;
    if (!dev || sscanf(dev, "%x:%x:%x.%x%c", &d, &b, &s, &f, &tail) != 4) {
        qr_blk_keep(r, o, "device", "not a PCI address DDDD:BB:SS.F");
        return;
    }
    disk->type = IR_DISK_TYPE_NVME;
    qr_blk_note(r, "source", "type", "pci", NULL);
    qr_blk_note(r, "source", "namespace", ns ? ns : "1", NULL);
    char *x = vc_xasprintf("<address domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                           "function='0x%x'/>", d, b, s, f);
    qr_blk_note(r, "source", NULL, NULL, x);
    free(x);
}

/* A node's discard= and detect-zeroes= (the top image's say the disk's). */
static void qr_blk_driver_opts(qemu_reader *r, qr_opt *o, const char *prefix)
{
    const char *discard = qr_sub(o, prefix, "discard");
    const char *dz = qr_sub(o, prefix, "detect-zeroes");
    if (discard && !vc_streq(discard, "ignore") && !vc_streq(discard, "off"))
        qr_blk_note(r, "driver", "discard", "unmap", NULL);
    if (dz)
        qr_blk_note(r, "driver", "detect_zeroes", dz, NULL);
}

/* A protocol node (driver=file|host_device|nbd|...) into the disk's source;
 * prefix is "file" when it is written inside the format node. */
static bool qr_blk_protocol(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    const char *drv = qr_sub(o, prefix, "driver");
    static const char *const implied[] = { "node-name", "auto-read-only", "read-only",
                                           "cache.direct", "cache.no-flush" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(implied); i++)
        qr_sub(o, prefix, implied[i]);
    qr_blk_driver_opts(r, o, prefix);
    const char *aio = qr_sub(o, prefix, "aio");
    if (aio && !disk->driver_io)
        disk->driver_io = vc_xstrdup(aio);
    bool ok = true;
    if (vc_streq(drv, "file") || vc_streq(drv, "host_device") || vc_streq(drv, "host_cdrom")) {
        disk->type = drv[0] == 'f' ? IR_DISK_TYPE_FILE : IR_DISK_TYPE_BLOCK;
        disk->source = vc_xstrdup(qr_sub(o, prefix, "filename"));
        ok = qr_blk_pr(r, o, prefix, disk);
    } else if (vc_streq(drv, "vvfat")) {
        disk->type = IR_DISK_TYPE_DIR;
        disk->source = vc_xstrdup(qr_sub(o, prefix, "dir"));
        qr_sub(o, prefix, "floppy");
        qr_sub(o, prefix, "rw");
    } else if (vc_streq(drv, "nvme")) {
        qr_blk_nvme(r, o, prefix, disk);
    } else if (vc_streq(drv, "nbd") || vc_streq(drv, "iscsi") || vc_streq(drv, "rbd") ||
               vc_streq(drv, "gluster") || vc_streq(drv, "http") || vc_streq(drv, "https") ||
               vc_streq(drv, "ftp") || vc_streq(drv, "ftps")) {
        disk->type = IR_DISK_TYPE_NETWORK;
        disk->source_protocol = vc_xstrdup(drv);
        if (vc_streq(drv, "rbd")) {
            ok = qr_blk_rbd(r, o, prefix, disk);
        } else if (vc_streq(drv, "gluster")) {
            const char *vol = qr_sub(o, prefix, "volume"), *path = qr_sub(o, prefix, "path");
            disk->source = vc_xasprintf("%s%s%s", vol ? vol : "",
                                        path && *path != '/' ? "/" : "", path ? path : "");
        } else if (vc_streq(drv, "iscsi")) {
            ok = qr_blk_iscsi(r, o, prefix, disk);
        } else if (vc_streq(drv, "nbd")) {
            ok = qr_blk_nbd(r, o, prefix, disk);
        } else {
            ok = qr_blk_curl(r, o, prefix, disk);
        }
        qr_blk_hosts(o, prefix, disk);
    } else {
        /* (ssh too: libvirt 9.0's domain format has no ssh protocol) */
        r->keep_reason = "its -blockdev driver has no place in the domain model";
    }
    return ok;
}

/* cache.direct / cache.no-flush of a node; the device's write-cache
 * completes the cache mode (qr_disk_cache). */
static void qr_blk_cache(qemu_reader *r, qr_opt *o, const char *prefix)
{
    const char *direct = qr_sub(o, prefix, "cache.direct");
    const char *noflush = qr_sub(o, prefix, "cache.no-flush");
    if (direct)
        r->cache_direct = vc_streq(direct, "on") ? 1 : 0;
    if (noflush && vc_streq(noflush, "on"))
        r->cache_noflush = true;
}

/* QEMU's cache modes as (direct, write-cache) pairs, no-flush for unsafe. */
void qr_disk_cache(qemu_reader *r, qr_opt *dev, ir_disk *disk)
{
    const char *wc = qr_str(dev, "write-cache");
    if (disk->driver_cache || (r->cache_direct < 0 && !wc && !r->cache_noflush))
        return;
    bool direct = r->cache_direct == 1, writeback = !wc || strcmp(wc, "on") == 0;
    const char *mode = r->cache_noflush ? "unsafe"
                     : direct ? (writeback ? "none" : "directsync")
                     : (writeback ? "writeback" : "writethrough");
    disk->driver_cache = vc_xstrdup(mode);
}

/* A LUKS image: driver=luks,key-secret=ID, or qcow2's own encryption,
 * encrypt.format=luks,encrypt.key-secret=ID; the key is an -object secret.
 * The passphrase itself is the host's (a file, or data= on the command
 * line) and not part of a domain: the domain names it as the secret of
 * the volume, by the volume's path (a libvirt secret's usage), and a
 * warning says where the value was. */
static bool qr_blk_luks(qemu_reader *r, qr_opt *b, ir_disk *disk)
{
    const char *drv = qr_str(b, "driver");
    qopt_item *key = NULL;
    if (vc_streq(drv, "luks")) {
        key = qr_item(b, "key-secret");
        qr_set(&disk->driver_type, "raw");   /* a raw image that is a LUKS volume */
    } else if (vc_streq(drv, "qcow2") && qr_item(b, "encrypt.key-secret")) {
        const char *format = qr_str(b, "encrypt.format");
        if (!vc_streq(format, "luks"))
            return qr_error(r, b->arg, qr_item(b, "encrypt.key-secret")->val_off, "-blockdev "
                            "qcow2: encryption '%s' is not LUKS", format ? format : "aes");
        key = qr_item(b, "encrypt.key-secret");
    }
    if (!key || r->keep_reason)
        return true;   /* a disk kept as written keeps its secret too */
    qr_opt *sec = key->value ? qr_backend(r, "object", key->value) : NULL;
    if (!sec || !vc_streq(qr_str(sec, "qom-type"), "secret"))
        return qr_error(r, b->arg, key->val_off, "no -object secret has the id '%s'",
                        key->value ? key->value : "");
    sec->used = true;
    const char *file = qr_str(sec, "file");
    qr_warn(r, sec->arg, 0, "-object secret '%s': the LUKS passphrase %s%s is the host's; define "
            "it as the passphrase secret of the volume '%s'", key->value,
            file ? "in " : "given on the command line", file ? file : "",
            disk->source ? disk->source : "");
    qr_implied(sec, QR_KEYS("id", "format", "file", "data", "keyid", "iv"));
    qr_blk_leftovers(r, sec);
    disk->encryption = vc_xcalloc(1, sizeof(ir_encryption));
    disk->encryption->format = vc_xstrdup("luks");
    disk->encryption->secrets = vc_xcalloc(1, sizeof(ir_secret_ref));
    disk->encryption->nsecrets = 1;
    disk->encryption->secrets[0].type = vc_xstrdup("passphrase");
    disk->encryption->secrets[0].usage = vc_xstrdup(disk->source ? disk->source : key->value);
    return true;
}

/* Filters between a device and its image: copy-on-read, throttle. */
static bool qr_is_filter(const char *driver)
{
    return vc_streq(driver, "copy-on-read") || vc_streq(driver, "throttle");
}


/* <backingStore> of a backing image read into img: the element the disk's
 * formatter writes for it, with its own notes (a <driver> child is its
 * <format>'s: metadata_cache; <driver> attributes are the disk's,
 * qr_blk_backing lifts them). */
static char *qr_blk_backing_xml(qemu_reader *r, const ir_disk *img, const struct qr_blk_note *v,
                                size_t n)
{
    char *out = qr_disk_element_as(r->dom, img, "backingStore");
    for (size_t i = 0; out && i < n; i++) {
        const char *path = v[i].path;
        if (vc_str_has_prefix(path, "driver")) {
            if (v[i].name)
                continue;
            char *p = vc_xasprintf("format%s", path + 6);
            char *next = qr_xml_amend(out, p, NULL, NULL, v[i].xml);
            free(p);
            free(out);
            out = next;
            continue;
        }
        char *next = qr_xml_amend(out, path, v[i].name, v[i].value, v[i].xml);
        free(out);
        out = next;
    }
    return out;
}

/* backing=NODE of a format node: the chain below, as <backingStore>;
 * backing=null (JSON) says the chain ends: <backingStore/>. */
static bool qr_blk_backing(qemu_reader *r, qr_opt *b)
{
    qopt_item *it = qr_item(b, "backing");
    if (!it)
        return true;
    if (!it->value || !*it->value) {
        qr_blk_note(r, "", NULL, NULL, "<backingStore/>");
        return true;
    }
    qr_opt *bk = qr_backend(r, "blockdev", it->value);
    if (!bk)
        return qr_error(r, b->arg, it->val_off, "no -blockdev has the name '%s'", it->value);
    if (bk->used) {   /* QEMU may share a node; a domain's disks each open their own */
        qr_blk_keep(r, b, "backing", "a backing image shared by two images");
        return true;
    }
    struct qr_blk_note *save = r->blk_notes;
    size_t nsave = r->nblk_notes;
    r->blk_notes = NULL;
    r->nblk_notes = 0;
    ir_disk img = { 0 };
    bool ok = qr_disk_from_node(r, b->arg, it->val_off, it->value, &img);
    if (ok && !img.readonly)
        qr_blk_keep(r, bk, "read-only", "a writable backing image has no place in the domain");
    if (ok && (img.type == IR_DISK_TYPE_NVME || img.type == IR_DISK_TYPE_DIR))
        qr_blk_keep(r, bk, "driver", "a backing image is a file, block device or network "
                    "source");
    char *xml = ok && !r->keep_reason ? qr_blk_backing_xml(r, &img, r->blk_notes, r->nblk_notes)
                                      : NULL;
    struct qr_blk_note *own = r->blk_notes;
    size_t nown = r->nblk_notes;
    r->blk_notes = save;
    r->nblk_notes = nsave;
    /* discard/detect_zeroes of a backing node: libvirt's <driver> says
     * them for every node of the disk */
    for (size_t i = 0; i < nown; i++)
        if (own[i].name && vc_streq(own[i].path, "driver"))
            qr_blk_note(r, "driver", own[i].name, own[i].value, NULL);
    qr_blk_notes_free(own, nown);
    if (xml)
        qr_blk_note(r, "", NULL, NULL, xml);
    free(xml);
    ir_device tmp = { .kind = IR_DEV_DISK, .u.disk = img };
    ir_device_clear(&tmp);
    return ok;
}

/* A raw node with offset= and size=: the part of its file the image is,
 * <slices><slice type='storage'>. */
static void qr_blk_slice(qemu_reader *r, qr_opt *o)
{
    const char *offset = qr_str(o, "offset"), *size = qr_str(o, "size");
    unsigned long long a, z;
    if (!offset && !size)
        return;
    if (!offset || !size || !vc_parse_ull(offset, 10, &a) || !vc_parse_ull(size, 10, &z)) {
        qr_blk_keep(r, o, offset ? "size" : "offset", "a slice needs a numeric offset and size");
        return;
    }
    char *x = vc_xasprintf("<slice type='storage' offset='%s' size='%s'/>", offset, size);
    qr_blk_note(r, "source/slices", NULL, NULL, x);
    free(x);
}

/* format-specific settings: qcow2's cache-size (<metadata_cache>). */
static void qr_blk_format_opts(qemu_reader *r, qr_opt *b)
{
    const char *cs = qr_str(b, "cache-size");
    unsigned long long v;
    if (cs && vc_parse_ull(cs, 10, &v)) {
        char *x = vc_xasprintf("<max_size unit='bytes'>%llu</max_size>", v);
        qr_blk_note(r, "driver/metadata_cache", NULL, NULL, x);
        free(x);
    } else if (cs) {
        qr_blk_keep(r, b, "cache-size", "not a number of bytes");
    }
    qr_blk_driver_opts(r, b, NULL);
}

/* A format node: its file (a protocol node, inline or by name, or a raw
 * slice of one), backing chain, encryption and own settings. */
static bool qr_blk_format(qemu_reader *r, qr_opt *b, const char *node, ir_disk *disk)
{
    const char *drv = qr_str(b, "driver");
    disk->driver_name = vc_xstrdup("qemu");
    disk->driver_type = vc_xstrdup(drv);
    if (!qr_blk_backing(r, b))
        return false;
    qr_blk_format_opts(r, b);
    if (vc_streq(drv, "raw"))
        qr_blk_slice(r, b);
    const char *file = qr_str(b, "file");
    bool ok;
    if (file && !qr_sub(b, "file", "driver")) {
        qr_opt *p = qr_backend(r, "blockdev", file);
        if (!p)
            return qr_error(r, b->arg, qr_item(b, "file")->val_off, "no -blockdev has the "
                            "name '%s'", file);
        p->used = true;
        qr_blk_cache(r, p, NULL);
        if (vc_streq(qr_str(p, "driver"), "raw") && qr_str(p, "offset") && !vc_streq(drv, "raw")) {
            /* a raw slice node between the format and its storage */
            qr_blk_slice(r, p);
            qr_blk_driver_opts(r, p, NULL);
            qr_implied(p, QR_KEYS("node-name", "auto-read-only", "read-only"));
            qopt_item *f = qr_item(p, "file");
            qr_opt *s = f && f->value ? qr_backend(r, "blockdev", f->value) : NULL;
            if (!s)
                return qr_error(r, p->arg, f ? f->val_off : 0, "no -blockdev has the name "
                                "'%s'", f && f->value ? f->value : "");
            s->used = true;
            qr_blk_leftovers(r, p);
            p = s;
            qr_blk_cache(r, p, NULL);
        }
        if (qr_is_format(qr_str(p, "driver"))) {
            qr_blk_keep(r, b, "file", "an image inside another image's format has no place "
                        "in the domain model");
            ok = true;
        } else {
            ok = qr_blk_protocol(r, p, NULL, disk);
        }
        qr_blk_leftovers(r, p);
    } else {
        ok = qr_blk_protocol(r, b, "file", disk);
    }
    (void)node;
    qr_implied(b, QR_KEYS("node-name", "auto-read-only"));
    if (ok && !qr_blk_luks(r, b, disk))
        return false;
    qr_blk_leftovers(r, b);
    return ok;
}

bool qr_disk_from_node(qemu_reader *r, const shw_word *w, size_t off, const char *node,
                       ir_disk *disk)
{
    qr_opt *b = qr_backend(r, "blockdev", node);
    if (b && qr_is_filter(qr_str(b, "driver")) && qr_str(b, "file")) {
        b->used = true;
        qr_implied(b, QR_KEYS("node-name"));
        qr_blk_driver_opts(r, b, NULL);
        qopt_item *f = qr_item(b, "file");
        if (vc_streq(qr_str(b, "driver"), "copy-on-read"))
            qr_blk_note(r, "driver", "copy_on_read", "on", NULL);
        else
            qr_blk_keep(r, b, "throttle-group", "a throttle filter's group has no place in "
                        "the domain model yet");
        qr_blk_leftovers(r, b);
        return qr_disk_from_node(r, b->arg, f->val_off, f->value, disk);
    }
    if (!b) {
        qr_opt *drv = qr_backend(r, "drive", node);
        if (!drv)
            return qr_error(r, w, off, "no -blockdev or -drive has the name '%s'", node);
        drv->used = true;
        bool ok = qr_drive_image(r, drv, disk);
        qr_implied(drv, QR_KEYS("if", "id", "index", "bus", "unit", "media"));
        qr_leftovers(r, drv, NULL);
        return ok;
    }
    b->used = true;
    const char *drv = qr_str(b, "driver");
    bool ro = false;
    if (!qr_bool(r, b, "read-only", &ro))
        return false;
    disk->readonly = ro;
    qr_blk_cache(r, b, NULL);
    if (qr_is_format(drv))
        return qr_blk_format(r, b, node, disk);
    bool ok = qr_blk_protocol(r, b, NULL, disk);
    qr_blk_leftovers(r, b);
    return ok;
}

/* ---- vhost-user disks ---- */

/* -device vhost-user-blk-pci,chardev=ID[,num-queues=N]: a disk another
 * process serves on a unix socket (-chardev socket,path=[,reconnect=S]):
 * <disk type='vhostuser'><source type='unix' path=><reconnect/>. */
bool qr_blk_vhost_user(qemu_reader *r, qr_opt *o, ir_disk *disk)
{
    qr_opt *ch = qr_named_backend(r, o, "chardev", "chardev");
    if (!ch)
        return false;
    qr_implied(ch, QR_KEYS("id"));
    const char *backend = qr_str(ch, "backend"), *path = qr_str(ch, "path");
    const char *rec = qr_str(ch, "reconnect"), *queues = qr_str(o, "num-queues");
    disk->type = IR_DISK_TYPE_VHOSTUSER;
    if (!vc_streq(backend, "socket") || !path) {
        qr_blk_keep(r, ch, path ? "backend" : "path", "a vhost-user disk's server is a unix "
                    "socket path");
        return true;
    }
    qr_blk_note(r, "source", "type", "unix", NULL);
    qr_blk_note(r, "source", "path", path, NULL);
    unsigned long long t;
    if (rec && vc_parse_ull(rec, 10, &t) && t > 0) {
        char *x = vc_xasprintf("<reconnect enabled='yes' timeout='%llu'/>", t);
        qr_blk_note(r, "source", NULL, NULL, x);
        free(x);
    } else if (rec && !vc_streq(rec, "0")) {
        qr_blk_keep(r, ch, "reconnect", "not a number of seconds");
    }
    if (queues)
        qr_blk_note(r, "driver", "queues", queues, NULL);
    qr_blk_leftovers(r, ch);
    return true;
}

/* ---- SCSI host devices ---- */

/* -device scsi-generic,drive=NODE,bus=scsiC.0,channel=B,scsi-id=T,lun=U: a
 * host SCSI device. One reached over iSCSI is a <hostdev type='scsi'>
 * with the node's network <source>; a local /dev/sgN is named in the
 * domain by its host adapter and address, which only the host's sysfs
 * knows, so it is kept. */
bool qr_dev_scsi_hostdev(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    qopt_item *drive = qr_item(o, "drive");
    if (!drive || !drive->value)
        return qr_error(r, o->arg, 0, "-device %s: no drive= names its device", driver);
    qr_blk_reset(r);
    ir_disk img = { 0 };
    ir_device tmp = { .kind = IR_DEV_DISK };
    bool ok = qr_disk_from_node(r, o->arg, drive->val_off, drive->value, &img);
    unsigned long long id = 0, lun = 0, chan = 0;
    unsigned ctl = 0;
    const char *bus = qr_str(o, "bus");
    bool lsi = !qr_item(o, "lun") && !qr_item(o, "channel");
    if (ok && (!qr_num(r, o, "scsi-id", &id) || !qr_num(r, o, "lun", &lun) ||
               !qr_num(r, o, "channel", &chan)))
        ok = false;
    if (ok && bus && sscanf(bus, "scsi%u.", &ctl) != 1)
        ok = qr_error(r, o->arg, qr_item(o, "bus")->val_off, "-device %s: '%s' is not a SCSI "
                      "bus (scsiN.0)", driver, bus);
    qr_opt *node = qr_backend(r, "blockdev", drive->value);
    if (ok && !r->keep_reason && node &&
        (img.type != IR_DISK_TYPE_NETWORK || !vc_streq(img.source_protocol, "iscsi")))
        qr_blk_keep(r, node, img.type == IR_DISK_TYPE_NETWORK ? "driver" : "filename",
                    "a local SCSI device is named by its host adapter, which only the host's "
                    "sysfs knows");
    else if (ok && !node)
        r->keep_reason = "a SCSI host device on a -drive has no place in the domain model";
    if (ok && !r->keep_reason) {
        char *el = qr_disk_element_as(r->dom, &img, "hostdev");
        for (size_t i = 0; el && i < r->nblk_notes; i++) {
            const struct qr_blk_note *n = &r->blk_notes[i];
            if (!vc_str_has_prefix(n->path, "source"))
                continue;
            char *next = qr_xml_amend(el, n->path, n->name, n->value, n->xml);
            free(el);
            el = next;
        }
        ir_device *d = qr_add_device(r, IR_DEV_HOSTDEV, o->flag);
        ir_hostdev *h = &d->u.hostdev;
        h->type = IR_HOSTDEV_SCSI;
        h->mode = vc_xstrdup("subsystem");
        h->addr = (ir_address){ .type = IR_ADDR_DRIVE, .controller = ctl,
                                .bus = lsi ? 0 : (unsigned)chan, .target = lsi ? 0 : (unsigned)id,
                                .unit = lsi ? (unsigned)id : (unsigned)lun, .has_bus = true };
        char *a = vc_xasprintf("<address type='drive' controller='%u' bus='%u' target='%u' "
                               "unit='%u'/>", h->addr.controller, h->addr.bus, h->addr.target,
                               h->addr.unit);
        d->xml = el ? qr_xml_amend(el, "", NULL, NULL, a) : NULL;
        free(a);
        char *fixed = d->xml ? qr_xml_amend(d->xml, "", "mode", "subsystem", NULL) : NULL;
        free(d->xml);
        d->xml = fixed ? qr_xml_amend(fixed, "", "type", "scsi", NULL) : NULL;
        free(fixed);
        free(el);
    }
    qr_blk_notes_clear(r);
    tmp.u.disk = img;
    ir_device_clear(&tmp);
    return ok;
}

/* ---- firmware flash ---- */

/* The <nvram type='network'> of a network image: its <source> as a disk's,
 * with the graph's notes on it. */
static void qr_blk_nvram_network(qemu_reader *r, const ir_disk *img)
{
    char *el = qr_disk_element_as(r->dom, img, "nvram");
    for (size_t i = 0; el && i < r->nblk_notes; i++) {
        const struct qr_blk_note *n = &r->blk_notes[i];
        if (!vc_str_has_prefix(n->path, "source"))
            continue;   /* <driver> settings are the pflash device's, fixed */
        char *next = qr_xml_amend(el, n->path, n->name, n->value, n->xml);
        free(el);
        el = next;
    }
    free(r->nvram_xml);
    r->nvram_xml = el;
}

bool qr_blk_pflash(qemu_reader *r, qr_opt *o, qopt_item *it, int unit)
{
    ir_disk img = { 0 };
    bool *used = qr_blk_mark(r);
    qr_blk_reset(r);
    r->keep_reason = NULL;
    bool ok = qr_disk_from_node(r, o->arg, it->val_off, it->value, &img);
    bool file = (img.type == IR_DISK_TYPE_FILE || img.type == IR_DISK_TYPE_BLOCK) && img.source;
    bool net = unit == 1 && img.type == IR_DISK_TYPE_NETWORK;
    if (ok && !r->keep_reason && !file && !net)
        r->keep_reason = unit ? "variables that are not in a file or on a network disk"
                              : "firmware code that is not in a file";
    if (ok && r->keep_reason) {
        /* the graph first, then -machine pflashN= (qr_leftovers) */
        qr_blk_keep_named(r, used);
        used = NULL;
        it->used = false;
        qr_warn(r, o->arg, it->val_off, "%s: %s; kept as <qemu:commandline>", it->key,
                r->keep_reason);
        r->keep_reason = NULL;
    } else if (ok && file) {
        ir_os *os = &r->dom->os;
        if (unit == 0) {
            qr_set(&os->loader, img.source);
            qr_set(&os->loader_type, "pflash");
            qr_set(&os->loader_readonly, img.readonly ? "yes" : "no");
        } else {
            qr_set(&os->nvram, img.source);
        }
    } else if (ok) {
        qr_blk_nvram_network(r, &img);
    }
    free(used);
    qr_blk_notes_clear(r);
    ir_device tmp = { .kind = IR_DEV_DISK, .u.disk = img };
    ir_device_clear(&tmp);
    return ok;
}

/* A network NVRAM and a secure loader have no field: the <os> is kept as
 * its copy, the fields' writing with them added (once the boot order is
 * known). */
void qr_blk_finish(qemu_reader *r)
{
    bool secure = r->loader_secure && r->dom->os.loader;
    if (r->loader_secure && !secure) {   /* no flash of ours to say it of */
        const char *args[2] = { "-global", "driver=cfi.pflash01,property=secure,value=on" };
        qr_passthrough(r, args, 2);
        qr_warn(r, r->loader_secure, 0, "-global cfi.pflash01.secure=on: no pflash firmware is read; kept "
                "as <qemu:commandline>");
    }
    char *el = r->nvram_xml || secure ? qr_os_element(r->dom) : NULL;
    if (el && r->nvram_xml) {
        char *next = qr_xml_amend(el, "", NULL, NULL, r->nvram_xml);
        free(el);
        el = next;
    }
    if (el && secure) {
        char *next = qr_xml_amend(el, "loader", "secure", "yes", NULL);
        free(el);
        el = next;
    }
    if (el)
        ir_fragments_add(&r->dom->extra, el, r->dom->os.pos);
    free(r->nvram_xml);
    r->nvram_xml = NULL;
}

/* ---- a disk kept as written ---- */

bool *qr_blk_mark(const qemu_reader *r)
{
    bool *used = vc_xcalloc(r->nopts + 1, sizeof(bool));
    for (size_t i = 0; i < r->nopts; i++)
        used[i] = r->opts[i].used;
    return used;
}

void qr_blk_keep_named(qemu_reader *r, bool *used)
{
    for (size_t i = 0; i < r->nopts; i++) {
        qr_opt *o = &r->opts[i];
        if (used[i] || !o->used)
            continue;
        const char *args[2] = { o->flag->text, o->arg ? o->arg->text : NULL };
        qr_passthrough(r, args, o->arg ? 2 : 1);
        for (size_t k = 0; k < o->props.n; k++)
            o->props.v[k].used = true;
    }
    free(used);
}
