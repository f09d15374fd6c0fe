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

#define QR_KEYS(...) (const char *const[]){ __VA_ARGS__ }, \
    VC_ARRAY_SIZE(((const char *const[]){ __VA_ARGS__ }))

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

/* A protocol node (driver=file|host_device|nbd|...) into the disk's source;
 * prefix is "file" when it is written inside the format node. */
static bool qr_blk_protocol(qemu_reader *r, qr_opt *o, const char *prefix, ir_disk *disk)
{
    const char *drv = qr_sub(o, prefix, "driver");
    static const char *const implied[] = { "node-name", "auto-read-only", "discard",
                                           "read-only", "cache.direct", "cache.no-flush",
                                           "detect-zeroes", "locking" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(implied); i++)
        qr_sub(o, prefix, implied[i]);
    const char *aio = qr_sub(o, prefix, "aio");
    if (aio && !disk->driver_io)
        disk->driver_io = vc_xstrdup(aio);
    if (vc_streq(drv, "file") || vc_streq(drv, "host_device") || vc_streq(drv, "host_cdrom")) {
        disk->type = drv[0] == 'f' ? IR_DISK_TYPE_FILE : IR_DISK_TYPE_BLOCK;
        disk->source = vc_xstrdup(qr_sub(o, prefix, "filename"));
    } else if (vc_streq(drv, "vvfat")) {
        disk->type = IR_DISK_TYPE_DIR;
        disk->source = vc_xstrdup(qr_sub(o, prefix, "dir"));
        qr_sub(o, prefix, "floppy");
        qr_sub(o, prefix, "rw");
    } else if (vc_streq(drv, "nvme")) {
        r->keep_reason = "an NVMe disk's PCI source has no place in the domain model yet";
    } else if (vc_streq(drv, "nbd") || vc_streq(drv, "iscsi") || vc_streq(drv, "rbd") ||
               vc_streq(drv, "gluster") || vc_streq(drv, "http") || vc_streq(drv, "https") ||
               vc_streq(drv, "ftp") || vc_streq(drv, "ftps") || vc_streq(drv, "ssh")) {
        disk->type = IR_DISK_TYPE_NETWORK;
        disk->source_protocol = vc_xstrdup(drv);
        const char *name = qr_sub(o, prefix, "export");
        if (vc_streq(drv, "rbd")) {
            const char *pool = qr_sub(o, prefix, "pool"), *image = qr_sub(o, prefix, "image");
            disk->source = vc_xasprintf("%s/%s", pool ? pool : "", image ? image : "");
        } else if (vc_streq(drv, "gluster")) {
            const char *vol = qr_sub(o, prefix, "volume"), *path = qr_sub(o, prefix, "path");
            disk->source = vc_xasprintf("%s%s%s", vol ? vol : "",
                                        path && *path != '/' ? "/" : "", path ? path : "");
        } else if (vc_streq(drv, "iscsi")) {
            const char *t = qr_sub(o, prefix, "target"), *lun = qr_sub(o, prefix, "lun");
            disk->source = vc_xasprintf("%s/%s", t ? t : "", lun ? lun : "0");
            const char *portal = qr_sub(o, prefix, "portal");
            qr_sub(o, prefix, "transport");
            qr_sub(o, prefix, "initiator-name");
            char *h = NULL, *p = NULL;
            if (portal) {
                const char *colon = strrchr(portal, ':');
                if (colon && strchr(portal, ']') > colon)
                    colon = NULL;
                const char *hs = portal, *he = colon ? colon : portal + strlen(portal);
                if (*hs == '[' && he > hs && he[-1] == ']') {
                    hs++;
                    he--;
                }
                h = vc_xstrndup(hs, (size_t)(he - hs));
                p = colon ? vc_xstrdup(colon + 1) : NULL;
                disk->hosts = vc_xcalloc(1, sizeof(ir_host));
                disk->hosts[0].name = h;
                disk->hosts[0].port = p;
                disk->nhosts = 1;
            }
        } else if (name) {
            disk->source = vc_xstrdup(name);
        } else if (qr_sub(o, prefix, "url")) {
            qr_blk_url(disk, qr_sub(o, prefix, "url"));
        }
        qr_blk_hosts(o, prefix, disk);
    } else {
        r->keep_reason = "its -blockdev driver has no place in the domain model";
    }
    return true;
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
    qr_leftovers(r, sec, NULL);
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

bool qr_disk_from_node(qemu_reader *r, const shw_word *w, size_t off, const char *node,
                       ir_disk *disk)
{
    qr_opt *b = qr_backend(r, "blockdev", node);
    if (b && qr_is_filter(qr_str(b, "driver")) && qr_str(b, "file")) {
        b->used = true;
        qr_implied(b, QR_KEYS("node-name", "discard", "throttle-group"));
        qopt_item *f = qr_item(b, "file");
        if (vc_streq(qr_str(b, "driver"), "copy-on-read"))
            r->copy_on_read = true;   /* <driver copy_on_read='on'/> */
        else
            qr_warn(r, b->arg, 0, "-blockdev %s filter: has no place in the domain model and "
                    "is not kept", qr_str(b, "driver"));
        qr_leftovers(r, b, NULL);
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
    if (qr_is_format(drv)) {
        disk->driver_name = vc_xstrdup("qemu");
        disk->driver_type = vc_xstrdup(drv);
        const char *backing = qr_str(b, "backing");
        if (backing && *backing) {
            qr_opt *bk = qr_backend(r, "blockdev", backing);
            if (!bk)
                return qr_error(r, b->arg, qr_item(b, "backing")->val_off, "no -blockdev has "
                                "the name '%s'", backing);
            qr_warn(r, b->arg, qr_item(b, "backing")->val_off, "backing chain of '%s': the "
                    "image names its backing file itself; the -blockdev nodes of the chain "
                    "are not kept", node);
            for (qr_opt *n = bk; n; ) {
                n->used = true;
                qr_implied(n, QR_KEYS("driver", "node-name", "file", "backing", "read-only",
                                      "auto-read-only", "discard", "filename", "cache.direct",
                                      "cache.no-flush"));
                const char *next = qr_str(n, "backing"), *file = qr_str(n, "file");
                qr_opt *f = file ? qr_backend(r, "blockdev", file) : NULL;
                if (f) {
                    f->used = true;
                    for (size_t i = 0; i < f->props.n; i++)
                        f->props.v[i].used = true;
                }
                n = next && *next ? qr_backend(r, "blockdev", next) : NULL;
                if (n && n->used)
                    break;
            }
        }
        const char *file = qr_str(b, "file");
        bool ok;
        if (file && !qr_sub(b, "file", "driver")) {
            qr_opt *p = qr_backend(r, "blockdev", file);
            if (!p)
                return qr_error(r, b->arg, qr_item(b, "file")->val_off, "no -blockdev has the "
                                "name '%s'", file);
            p->used = true;
            qr_blk_cache(r, p, NULL);
            if (qr_is_format(qr_str(p, "driver"))) {
                /* a raw slice (offset=, size=) of an image of its own format */
                r->keep_reason = "a slice of an image has no place in the domain model";
                ok = true;
            } else {
                ok = qr_blk_protocol(r, p, NULL, disk);
            }
            qr_leftovers(r, p, NULL);
        } else {
            ok = qr_blk_protocol(r, b, "file", disk);
        }
        qr_implied(b, QR_KEYS("node-name", "auto-read-only", "discard"));
        if (ok && !qr_blk_luks(r, b, disk))
            return false;
        qr_leftovers(r, b, NULL);
        return ok;
    }
    bool ok = qr_blk_protocol(r, b, NULL, disk);
    qr_leftovers(r, b, NULL);
    return ok;
}
