/*
 * argv_read_legacy.c: the device options of QEMU 0.x command lines (the
 * seeds' era, virtc's legacy profile): -hda.. -cdrom -fda, -drive, -net with
 * vlans, -usb, -usbdevice, -soundhw, -vga, -pcidevice.
 */
#include <stdlib.h>
#include <string.h>

#include "argv_read_priv.h"

/* ---- disks ---- */

/* Host paths under /dev are block devices; the rest files. */
static ir_disk_type qr_path_type(const char *path)
{
    return vc_str_has_prefix(path, "/dev/") ? IR_DISK_TYPE_BLOCK : IR_DISK_TYPE_FILE;
}

/* A target name of a bus's prefix and an index: hd + 2 -> "hdc". */
static char *qr_target_name(const char *prefix, int index)
{
    char suffix[8];
    int n = 0, i = index;
    char tmp[8];
    do {
        tmp[n++] = (char)('a' + i % 26);
        i = i / 26 - 1;
    } while (i >= 0 && n < 7);
    for (int k = 0; k < n; k++)
        suffix[k] = tmp[n - 1 - k];
    suffix[n] = '\0';
    return vc_xasprintf("%s%s", prefix, suffix);
}

static bool qr_target_taken(const ir_domain *dom, const char *target)
{
    for (size_t i = 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == IR_DEV_DISK &&
            vc_streq(dom->devices[i].u.disk.target_dev, target))
            return true;
    return false;
}

/* %XX escapes of a URL path. */
static char *qr_url_decode(const char *s)
{
    char *out = vc_xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        unsigned v;
        if (*s == '%' && s[1] && s[2] && sscanf(s + 1, "%2x", &v) == 1 && v) {
            *o++ = (char)v;
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static void qr_add_host(ir_disk *disk, char *name, char *port)
{
    disk->hosts = vc_xrealloc(disk->hosts, (disk->nhosts + 1) * sizeof(ir_host));
    disk->hosts[disk->nhosts++] = (ir_host){ .name = name, .port = port };
}

/* rbd:POOL/IMAGE[@SNAP][:key=value...] with "\\:" and "\\;" escapes; the
 * monitors are mon_host=HOST[\\:PORT][\\;...]. */
static bool qr_disk_rbd(ir_disk *disk, const char *spec)
{
    disk->type = IR_DISK_TYPE_NETWORK;
    disk->source_protocol = vc_xstrdup("rbd");
    vc_buf part;
    vc_buf_init(&part);
    bool first = true;
    for (const char *p = spec;; p++) {
        if (*p == '\\' && p[1]) {
            vc_buf_putc(&part, *++p == ';' ? '\x01' : *p);
            continue;
        }
        if (*p && *p != ':') {
            vc_buf_putc(&part, *p);
            continue;
        }
        const char *t = vc_buf_str(&part);
        if (first) {
            size_t n = strcspn(t, "@");
            disk->source = vc_xstrndup(t, n);
            if (t[n] == '@' && t[n + 1])
                disk->source_snapshot = vc_xstrdup(t + n + 1);
            first = false;
        } else if (vc_str_has_prefix(t, "id=") && t[3]) {
            qr_set(&disk->auth_username, t + 3);
        } else if (vc_str_has_prefix(t, "conf=") && t[5]) {
            qr_set(&disk->source_config, t + 5);
        } else if (vc_str_has_prefix(t, "mon_host=")) {
            const char *h = t + 9;
            while (*h) {
                size_t n = strcspn(h, "\x01;");
                char *hp = vc_xstrndup(h, n);
                char *colon = strrchr(hp, ':');
                char *port = NULL;
                if (colon && (hp[0] != '[' || colon > strchr(hp, ']'))) {
                    port = vc_xstrdup(colon + 1);
                    *colon = '\0';
                }
                if (hp[0] == '[') {
                    memmove(hp, hp + 1, strlen(hp));
                    hp[strcspn(hp, "]")] = '\0';
                }
                qr_add_host(disk, hp, port);
                h += n + (h[n] != '\0');
            }
        }
        vc_buf_free(&part);
        if (!*p)
            break;
    }
    vc_buf_free(&part);
    return true;
}

/* Network images written as QEMU's pseudo-URIs (nbd:, rbd:, ...) or URLs. */
static bool qr_disk_network(ir_disk *disk, const char *file)
{
    static const char *const urls[] = { "iscsi", "gluster", "http", "https", "ftp", "ftps",
                                        "nbd", "sheepdog" };
    const char *sep = strstr(file, "://");
    ir_host h = { 0 };
    if (sep) {
        char *scheme = vc_xstrndup(file, (size_t)(sep - file));
        char *plus = strchr(scheme, '+');
        if (plus)
            *plus = '\0';
        bool known = false;
        for (size_t i = 0; i < VC_ARRAY_SIZE(urls); i++)
            known = known || strcmp(scheme, urls[i]) == 0;
        if (!known) {
            free(scheme);
            return false;
        }
        const char *hp = sep + 3, *slash = strchr(hp, '/');
        char *hostport = slash ? vc_xstrndup(hp, (size_t)(slash - hp)) : vc_xstrdup(hp);
        char *at = strrchr(hostport, '@');
        if (at) {   /* user[:secret]@: <auth username=>, the secret itself is not kept */
            disk->auth_username = vc_xstrndup(hostport, strcspn(hostport, ":@"));
            memmove(hostport, at + 1, strlen(at + 1) + 1);
        }
        char *colon = hostport[0] == '[' ? strstr(hostport, "]:") : strrchr(hostport, ':');
        if (colon) {
            if (*colon == ']')
                colon++;
            h.port = vc_xstrdup(colon + 1);
            *colon = '\0';
        }
        if (hostport[0] == '[') {
            memmove(hostport, hostport + 1, strlen(hostport));
            char *rb = strchr(hostport, ']');
            if (rb)
                *rb = '\0';
        }
        if (*hostport)
            h.name = hostport;
        else
            free(hostport);
        disk->source_protocol = scheme;
        const char *path = slash ? slash + 1 : "", *sock = strstr(path, "?socket=");
        char *raw = sock ? vc_xstrndup(path, (size_t)(sock - path)) : vc_xstrdup(path);
        disk->source = qr_url_decode(raw);
        free(raw);
        if (strcmp(scheme, "iscsi") == 0 && !strchr(disk->source, '/')) {
            char *withlun = vc_xasprintf("%s/0", disk->source);   /* LUN 0 when unsaid */
            free(disk->source);
            disk->source = withlun;
        } else if (!*disk->source) {
            free(disk->source);
            disk->source = NULL;
        }
        if (sock) {
            free(h.name);
            free(h.port);
            h = (ir_host){ .transport = vc_xstrdup("unix"), .socket = vc_xstrdup(sock + 8) };
        }
    } else if (vc_str_has_prefix(file, "nbd:")) {
        disk->source_protocol = vc_xstrdup("nbd");
        const char *rest = file + 4;
        const char *exp = strstr(rest, ":exportname=");
        char *addr = exp ? vc_xstrndup(rest, (size_t)(exp - rest)) : vc_xstrdup(rest);
        if (exp)
            disk->source = vc_xstrdup(exp + strlen(":exportname="));
        if (vc_str_has_prefix(addr, "unix:")) {
            h.transport = vc_xstrdup("unix");
            h.socket = vc_xstrdup(addr + 5);
            free(addr);
        } else {
            char *colon = strrchr(addr, ':');
            if (colon) {
                h.port = vc_xstrdup(colon + 1);
                *colon = '\0';
            }
            h.name = addr;
        }
    } else if (vc_str_has_prefix(file, "rbd:")) {
        return qr_disk_rbd(disk, file + 4);
    } else if (vc_str_has_prefix(file, "sheepdog:")) {
        /* sheepdog:[HOST:PORT:]IMAGE */
        const char *a = file + 9, *c1 = strchr(a, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        disk->type = IR_DISK_TYPE_NETWORK;
        disk->source_protocol = vc_xstrdup("sheepdog");
        if (!c2) {
            disk->source = vc_xstrdup(a);
            return true;
        }
        h.name = vc_xstrndup(a, (size_t)(c1 - a));
        h.port = vc_xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
        disk->source = vc_xstrdup(c2 + 1);
    } else {
        return false;
    }
    disk->type = IR_DISK_TYPE_NETWORK;
    if (h.name || h.socket) {
        disk->hosts = vc_xcalloc(1, sizeof(ir_host));
        disk->hosts[0] = h;
        disk->nhosts = 1;
    }
    return true;
}

static void qr_disk_source(ir_disk *disk, const char *file)
{
    if (qr_disk_network(disk, file)) {
        disk->type = IR_DISK_TYPE_NETWORK;
        return;
    }
    disk->type = qr_path_type(file);
    if (*file)
        disk->source = vc_xstrdup(file);
}

/* -hda -hdb -hdc -hdd -cdrom -fda -fdb FILE, and a bare FILE (= -hda). */
bool qr_opt_hdx(qemu_reader *r, qr_opt *o)
{
    const char *n = o->def->name;
    const char *target = strcmp(n, "cdrom") == 0 ? "hdc" : n;
    if (qr_target_taken(r->dom, target))
        return qr_error(r, o->flag, 0, "%s: %s is already given", o->flag->text, target);
    ir_device *dev = qr_add_device(r, IR_DEV_DISK, o->flag);
    ir_disk *disk = &dev->u.disk;
    disk->target_dev = vc_xstrdup(target);
    if (strcmp(n, "cdrom") == 0) {
        disk->device = IR_DISK_DEV_CDROM;
        disk->target_bus = IR_BUS_IDE;
        disk->readonly = true;
    } else if (n[0] == 'f') {
        disk->device = IR_DISK_DEV_FLOPPY;
        disk->target_bus = IR_BUS_FDC;
    } else {
        disk->device = IR_DISK_DEV_DISK;
        disk->target_bus = IR_BUS_IDE;
    }
    qr_disk_source(disk, o->arg->text);
    return true;
}

/* The interfaces of -drive if=: the bus and the target prefix. */
static const struct {
    const char *name;
    ir_disk_bus bus;
    const char *prefix;
    int per_bus;      /* units per bus: index = bus * per_bus + unit */
} qr_drive_ifs[] = {
    { "ide", IR_BUS_IDE, "hd", 2 }, { "scsi", IR_BUS_SCSI, "sd", 7 },
    { "virtio", IR_BUS_VIRTIO, "vd", 1 }, { "floppy", IR_BUS_FDC, "fd", 2 },
    { "xen", IR_BUS_XEN, "xvd", 1 }, { "sd", IR_BUS_SD, "sd", 1 },
};

/* cache= values: today's names and QEMU 0.x's on/off. */
static const struct { const char *qemu; const char *ir; } qr_cache_modes[] = {
    { "none", "none" }, { "off", "none" }, { "writethrough", "writethrough" },
    { "on", "writeback" }, { "writeback", "writeback" }, { "unsafe", "unsafe" },
    { "directsync", "directsync" },
};

static bool qr_drive_cache(qemu_reader *r, qr_opt *o, ir_disk *disk)
{
    qopt_item *it = qr_item(o, "cache");
    if (!it)
        return true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_cache_modes); i++)
        if (vc_streq(it->value, qr_cache_modes[i].qemu)) {
            disk->driver_cache = vc_xstrdup(qr_cache_modes[i].ir);
            return true;
        }
    return qr_error(r, o->arg, it->val_off, "-drive: cache='%s' is not a cache mode",
                    it->value ? it->value : "");
}

/* The keys -drive has (QEMU's documentation); any other is an error. */
static const char *const qr_drive_keys[] = {
    "file", "if", "bus", "unit", "index", "media", "cyls", "heads", "secs", "trans",
    "snapshot", "cache", "format", "aio", "werror", "rerror", "readonly", "copy-on-read",
    "serial", "addr", "boot", "id", "discard", "detect-zeroes", "bps", "iops", "throttling.iops-total",
    "node-name", "driver", "read-only", "auto-read-only", "password-secret", "file.driver",
    "file.filename", "bps_rd", "bps_wr", "iops_rd", "iops_wr", "group",
    /* the bursts of QEMU's -drive throttling (qemu-system-x86_64 -help) */
    "bps_max", "bps_rd_max", "bps_wr_max", "iops_max", "iops_rd_max", "iops_wr_max",
    "iops_size",
};

static bool qr_drive_check_keys(qemu_reader *r, qr_opt *o)
{
    for (size_t i = 0; i < o->props.n; i++) {
        const qopt_item *it = &o->props.v[i];
        bool known = false;
        known = vc_str_has_prefix(it->key, "file.");   /* the protocol's own options */
        for (size_t k = 0; k < VC_ARRAY_SIZE(qr_drive_keys) && !known; k++)
            known = strcmp(it->key, qr_drive_keys[k]) == 0;
        if (!known)
            return qr_error(r, o->arg, it->key_off, "-drive: unknown parameter '%s'", it->key);
    }
    return true;
}

static int qr_drive_if(qemu_reader *r, qr_opt *o)
{
    qopt_item *it = qr_item(o, "if");
    const char *name = it ? it->value : "ide";
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_drive_ifs); i++)
        if (vc_streq(name, qr_drive_ifs[i].name))
            return (int)i;
    if (vc_streq(name, "none"))
        return -2;
    qr_error(r, o->arg, it->val_off, "-drive: if='%s' is not an interface virtc reads "
             "(ide, scsi, virtio, floppy, xen, sd, none)", name ? name : "");
    return -1;
}

/* The target's index: index=, or bus/unit, or the first free one. */
static bool qr_drive_index(qemu_reader *r, qr_opt *o, int ifx, int *index)
{
    unsigned long long idx = 0, bus = 0, unit = 0;
    bool has_index = qr_item(o, "index") != NULL, has_bu = qr_item(o, "bus") || qr_item(o, "unit");
    if (!qr_num(r, o, "index", &idx) || !qr_num(r, o, "bus", &bus) ||
        !qr_num(r, o, "unit", &unit))
        return false;
    if (idx > 1000 || bus > 1000 || unit > 1000)
        return qr_error(r, o->arg, 0, "-drive: index, bus or unit out of range");
    if (has_index) {
        *index = (int)idx;
        return true;
    }
    if (has_bu) {
        *index = (int)(bus * (unsigned long long)qr_drive_ifs[ifx].per_bus + unit);
        return true;
    }
    for (int i = 0;; i++) {
        char *t = qr_target_name(qr_drive_ifs[ifx].prefix, i);
        bool taken = qr_target_taken(r->dom, t);
        free(t);
        if (!taken) {
            *index = i;
            return true;
        }
    }
}

/* libvirt writes a serial's spaces (and other specials) backslash-escaped. */
char *qr_unescape_serial(const char *s)
{
    char *out = vc_xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s == '\\' && s[1])
            s++;
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* werror= / rerror= values by libvirt's error_policy names. */
static const struct { const char *qemu; const char *ir; } qr_error_policies[] = {
    { "stop", "stop" }, { "report", "report" }, { "ignore", "ignore" }, { "enospc", "enospace" },
};

static bool qr_error_policy(qemu_reader *r, qr_opt *o, const char *key, const char **out)
{
    qopt_item *it = qr_item(o, key);
    if (!it)
        return true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_error_policies); i++)
        if (vc_streq(it->value, qr_error_policies[i].qemu) && (key[0] == 'w' || i < 3)) {
            *out = qr_error_policies[i].ir;
            return true;
        }
    return qr_error(r, o->arg, it->val_off, "%s: %s='%s' is not stop, report, ignore%s",
                    o->flag->text, key, it->value ? it->value : "", key[0] == 'w' ? " or enospc" : "");
}

/* werror=W,rerror=R: error_policy W, and rerror_policy R where it is not
 * what W implies (the same policy; enospc leaves reads at QEMU's report). */
bool qr_disk_errors(qemu_reader *r, qr_opt *o, ir_disk *disk)
{
    const char *w = NULL, *rd = NULL;
    if (!qr_error_policy(r, o, "werror", &w) || !qr_error_policy(r, o, "rerror", &rd))
        return false;
    const char *implied = w && strcmp(w, "enospace") != 0 ? w : NULL;
    if (w)
        disk->driver_error_policy = vc_xstrdup(w);
    if (rd && !vc_streq(rd, implied))
        disk->driver_rerror_policy = vc_xstrdup(rd);
    return true;
}

/* A network image's user: its secret (rbd key=, an iSCSI URL's password) is
 * not kept in the domain, which names a libvirt secret instead. */
static void qr_drive_auth(qemu_reader *r, qr_opt *o, ir_disk *disk)
{
    if (!disk->auth_username)
        return;
    bool rbd = vc_streq(disk->source_protocol, "rbd");
    disk->auth_in_source = true;   /* libvirt's place for it since 3.9 */
    disk->auth_secret.type = vc_xstrdup(rbd ? "ceph" : "iscsi");
    disk->auth_secret.usage = vc_xasprintf("%s-%s", disk->auth_secret.type, disk->auth_username);
    qr_warn(r, o->arg, qr_item(o, "file") ? qr_item(o, "file")->val_off : 0,
            "%s: the secret of user '%s' is not kept in the domain; it names the %s secret "
            "with usage '%s' (virsh secret-define)", o->flag->text, disk->auth_username,
            disk->auth_secret.type, disk->auth_secret.usage);
}

/* The parts of -drive that describe the image, for a disk of either era. */
bool qr_drive_image(qemu_reader *r, qr_opt *o, ir_disk *disk)
{
    const char *file = qr_str(o, "file");
    qr_disk_source(disk, file ? file : "");
    qr_drive_auth(r, o, disk);
    if (!qr_disk_errors(r, o, disk))
        return false;
    const char *fmt = qr_str(o, "format");
    if (fmt) {
        disk->driver_name = vc_xstrdup("qemu");
        disk->driver_type = vc_xstrdup(fmt);
    }
    bool ro = false, snap = false;
    if (!qr_bool(r, o, "readonly", &ro) || !qr_bool(r, o, "read-only", &ro) ||
        !qr_bool(r, o, "snapshot", &snap) || !qr_drive_cache(r, o, disk))
        return false;
    disk->readonly = disk->readonly || ro;
    disk->transient = snap;
    const char *aio = qr_str(o, "aio");
    if (aio)
        disk->driver_io = vc_xstrdup(aio);
    const char *serial = qr_str(o, "serial");
    if (serial)
        disk->serial = qr_unescape_serial(serial);
    qr_implied(o, QR_KEYS("id", "boot"));
    return true;
}

/* -drive file=...,if=...,index=|bus=,unit=,media=,cache=,format=,readonly */
/* -drive if=pflash,file=F[,format=raw][,readonly=on][,unit=N]: a flash
 * chip of the machine's firmware (x86: unit 0 the code, unit 1 its
 * variables; without unit=, in order), as scripts give OVMF:
 * <loader type='pflash'> and <nvram>. Another setting (a format, a cache
 * mode) has no place there: the whole option is kept. */
static bool qr_drive_pflash(qemu_reader *r, qr_opt *o)
{
    static const char *const keys[] = { "if", "file", "format", "readonly", "unit", "index" };
    unsigned long long unit = (unsigned long long)r->pflash_units;
    if (!qr_num(r, o, qr_item(o, "unit") ? "unit" : "index", &unit))
        return false;
    r->pflash_units = (int)(unit < 1 ? unit + 1 : 2);
    bool ro = false;
    if (!qr_bool(r, o, "readonly", &ro))
        return false;
    const char *file = qr_str(o, "file"), *format = qr_str(o, "format");
    const char *why = NULL;
    for (size_t i = 0; i < o->props.n && !why; i++) {
        bool known = false;
        for (size_t k = 0; k < VC_ARRAY_SIZE(keys); k++)
            known = known || strcmp(o->props.v[i].key, keys[k]) == 0;
        if (!known)
            why = "a flash drive's settings other than file, raw format and readonly have no "
                  "place in the domain model";
    }
    if (!why && (unit > 1 || !file || !*file || (format && strcmp(format, "raw") != 0)))
        why = "only the firmware code and its variables, in raw files, have a place in the "
              "domain model";
    if (!why && (unit == 0 ? r->dom->os.loader != NULL : r->dom->os.nvram != NULL))
        return qr_error(r, o->arg, 0, "-drive: the firmware's flash unit %llu is given twice",
                        unit);
    for (size_t i = 0; i < o->props.n; i++)
        o->props.v[i].used = true;
    if (why)
        return qr_keep_option(r, o, why);
    ir_os *os = &r->dom->os;
    if (unit == 0) {
        qr_set(&os->loader, file);
        qr_set(&os->loader_type, "pflash");
        qr_set(&os->loader_readonly, ro ? "yes" : "no");
    } else {
        qr_set(&os->nvram, file);
    }
    return true;
}

bool qr_opt_drive(qemu_reader *r, qr_opt *o)
{
    if (!qr_drive_check_keys(r, o))
        return false;
    if (vc_streq(qr_str(o, "if"), "pflash"))
        return qr_drive_pflash(r, o);
    int ifx = qr_drive_if(r, o);
    if (ifx == -1)
        return false;
    if (ifx == -2) {
        if (!qr_item(o, "id"))
            return qr_error(r, o->arg, 0, "-drive: if=none without an id names nothing");
        return true;   /* a backend: the -device naming it makes the disk */
    }
    int index = 0;
    if (!qr_drive_index(r, o, ifx, &index))
        return false;
    char *target = qr_target_name(qr_drive_ifs[ifx].prefix, index);
    if (qr_target_taken(r->dom, target)) {
        bool ok = qr_error(r, o->arg, 0, "-drive: target %s is given twice", target);
        free(target);
        return ok;
    }
    const char *media = qr_str(o, "media");
    if (media && strcmp(media, "cdrom") != 0 && strcmp(media, "disk") != 0) {
        free(target);
        return qr_error(r, o->arg, qr_item(o, "media")->val_off, "-drive: media='%s' is not "
                        "disk or cdrom", media);
    }
    ir_device *dev = qr_add_device(r, IR_DEV_DISK, o->flag);
    ir_disk *disk = &dev->u.disk;
    disk->device = vc_streq(media, "cdrom") ? IR_DISK_DEV_CDROM
                 : qr_drive_ifs[ifx].bus == IR_BUS_FDC ? IR_DISK_DEV_FLOPPY : IR_DISK_DEV_DISK;
    disk->target_bus = qr_drive_ifs[ifx].bus;
    disk->target_dev = target;
    if (!qr_drive_image(r, o, disk))
        return false;
    if (disk->device == IR_DISK_DEV_CDROM)
        disk->readonly = true;
    qr_item(o, "index");
    qr_item(o, "bus");
    qr_item(o, "unit");
    qr_leftovers(r, o, NULL);
    return true;
}

/* ---- -net ---- */

bool qr_opt_net(qemu_reader *r, qr_opt *o)
{
    static const char *const types[] = { "nic", "user", "tap", "socket", "none", "bridge",
                                         "vde", "dump", "l2tpv3" };
    const char *t = qr_str(o, "type");
    bool known = false;
    for (size_t i = 0; i < VC_ARRAY_SIZE(types) && t; i++)
        known = known || strcmp(t, types[i]) == 0;
    if (!known)
        return qr_error(r, o->arg, 0, "-net: '%s' is not a -net type", t ? t : "");
    if (strcmp(t, "none") == 0)
        return true;
    vc_xgrow((void **)&r->nets, &r->capnets, r->nnets + 1, sizeof(qr_opt *));
    r->nets[r->nnets++] = o;
    return true;
}

static bool qr_net_vlan(qemu_reader *r, qr_opt *o, unsigned long long *vlan)
{
    *vlan = 0;
    return qr_num(r, o, "vlan", vlan);
}

/* The host side (-net user|tap|socket|bridge) into n. */
bool qr_net_backend(qemu_reader *r, qr_opt *h, ir_net *n)
{
    const char *t = qr_str(h, "type");
    if (!t || !*t)
        return qr_error(r, h->arg, 0, "%s: no backend type", h->flag->text);
    if (strcmp(t, "user") == 0) {
        n->type = IR_NET_USER;
    } else if (strcmp(t, "tap") == 0) {
        n->type = IR_NET_ETHERNET;
        const char *ifname = qr_str(h, "ifname"), *script = qr_str(h, "script");
        if (ifname)
            n->target_dev = vc_xstrdup(ifname);
        if (script && strcmp(script, "no") != 0 && *script)
            n->script = vc_xstrdup(script);
        /* vhostfd=: an open /dev/vhost-net, which QEMU opens itself for
         * <driver name='vhost'> (vhost=on): the same device, nothing lost.
         * fd=: a tap device its caller opened and handed over. A command
         * line cannot open one itself (the lexer refuses redirections), so
         * the fd comes from whatever ran QEMU: libvirt's own command lines
         * have it. Kept, the guest could start under no other caller; read
         * as the tap device the domain's QEMU opens (by <target dev=>, or a
         * new one), with a warning, as libvirt's <interface type='ethernet'>. */
        bool vhost = qr_item(h, "vhostfd") != NULL;
        if (!qr_bool(r, h, "vhost", &vhost))
            return false;
        if (vhost && !n->driver_name)
            n->driver_name = vc_xstrdup("vhost");
        qopt_item *fd = qr_item(h, "fd");
        if (fd)
            qr_warn(r, h->arg, fd->key_off, "%s tap: fd=%s is a tap device opened by the "
                    "caller, which the domain cannot have: read as a tap device QEMU opens "
                    "itself%s%s", h->flag->text, fd->value ? fd->value : "",
                    ifname ? " named " : " (name it with <target dev=>)", ifname ? ifname : "");
        /* downscript=no is what the emitter writes; another script has no
         * place in the model (it stays with the option, kept) */
        if (vc_streq(qr_last(h, "downscript"), "no"))
            qr_implied(h, QR_KEYS("downscript"));
    } else if (strcmp(t, "bridge") == 0) {
        n->type = IR_NET_BRIDGE;
        const char *br = qr_str(h, "br");
        n->source_bridge = vc_xstrdup(br ? br : "br0");
        qr_implied(h, QR_KEYS("helper"));
    } else if (strcmp(t, "socket") == 0) {
        static const struct { const char *key; ir_net_type type; } socks[] = {
            { "listen", IR_NET_SERVER }, { "connect", IR_NET_CLIENT }, { "mcast", IR_NET_MCAST },
            { "udp", IR_NET_UDP },
        };
        for (size_t i = 0; i < VC_ARRAY_SIZE(socks); i++) {
            const char *v = qr_str(h, socks[i].key);
            if (!v)
                continue;
            if (n->type)   /* QEMU takes exactly one of them */
                return qr_error(r, h->arg, qr_item(h, socks[i].key)->val_off, "%s socket: "
                                "%s= and another of listen=, connect=, mcast=, udp= exclude "
                                "each other", h->flag->text, socks[i].key);
            n->type = socks[i].type;
            const char *colon = strrchr(v, ':');
            if (!colon)
                return qr_error(r, h->arg, 0, "-net socket: %s='%s' is not HOST:PORT",
                                socks[i].key, v);
            if (colon != v)
                n->source_address = vc_xstrndup(v, (size_t)(colon - v));
            n->source_port = vc_xstrdup(colon + 1);
        }
        if (!n->type)
            return qr_error(r, h->arg, 0, "%s socket: needs listen=, connect=, mcast= or udp=",
                            h->flag->text);
        const char *local = qr_str(h, "localaddr");
        if (local) {
            const char *colon = strrchr(local, ':');
            if (n->type == IR_NET_UDP && colon) {
                n->local_address = vc_xstrndup(local, (size_t)(colon - local));
                n->local_port = vc_xstrdup(colon + 1);
            } else {
                n->local_address = vc_xstrdup(local);
            }
        }
    } else if (strcmp(h->def->name, "netdev") == 0) {
        r->keep_reason = "its -netdev backend has no place in the domain model";
        return true;
    } else {
        return qr_keep_option(r, h, "this network backend has no place in the domain model");
    }
    qr_implied(h, QR_KEYS("vlan", "name", "id"));
    qr_leftovers(r, h, NULL);
    return true;
}

/* -net nic,macaddr=,model=,vlan=,name=,addr= */
bool qr_nic_mac(qemu_reader *r, qr_opt *o, const char *key, const char *what, ir_net *n)
{
    const char *mac = qr_str(o, key);
    if (!mac)
        return true;
    unsigned char m[6];
    char out[18];
    if (!ir_mac_parse(mac, m))
        return qr_error(r, o->arg, qr_item(o, key)->val_off, "%s: '%s' is not a MAC address",
                        what, mac);
    ir_mac_format(m, out);
    n->mac = vc_xstrdup(out);
    return true;
}

static bool qr_net_nic(qemu_reader *r, qr_opt *o, ir_net *n)
{
    const char *model = qr_str(o, "model");
    if (!qr_nic_mac(r, o, "macaddr", "-net nic", n))
        return false;
    if (model)
        n->model = vc_xstrdup(model);
    ir_address a = { 0 };
    if (!qr_device_addr(r, o, &a))
        return false;
    n->addr = a;
    /* vectors= has no place in the model (the legacy emitter writes none):
     * it is a leftover, kept, not dropped */
    qr_implied(o, QR_KEYS("vlan", "name", "id"));
    qr_leftovers(r, o, NULL);
    return true;
}

/* Pairs each NIC with the first host side on its vlan, in NIC order. */
void qr_net_finish(qemu_reader *r)
{
    bool *taken = vc_xcalloc(r->nnets + 1, sizeof(bool));
    for (size_t i = 0; i < r->nnets; i++) {
        qr_opt *nic = r->nets[i];
        unsigned long long vlan, hv;
        if (strcmp(qr_str(nic, "type"), "nic") != 0 || !qr_net_vlan(r, nic, &vlan))
            continue;
        ir_device *dev = qr_add_device(r, IR_DEV_INTERFACE, nic->flag);
        size_t ndev = r->dom->ndevices;
        /* A NIC with properties the model has no place for is kept whole
         * as pass-through and its device taken back out: its host side
         * then stays unpaired and is kept too (below). */
        if (!qr_net_nic(r, nic, &dev->u.net) || r->dom->ndevices < ndev)
            continue;
        for (size_t k = 0; k < r->nnets; k++) {
            qr_opt *h = r->nets[k];
            if (taken[k] || strcmp(qr_str(h, "type"), "nic") == 0 || !qr_net_vlan(r, h, &hv) ||
                hv != vlan)
                continue;
            taken[k] = true;
            qr_net_backend(r, h, &dev->u.net);
            break;
        }
        if (!dev->u.net.type) {
            dev->u.net.type = IR_NET_USER;
            qr_warn(r, nic->flag, 0, "-net nic: no host side on vlan %llu; read as user "
                    "networking", vlan);
        }
    }
    for (size_t k = 0; k < r->nnets; k++)
        if (!taken[k] && strcmp(qr_str(r->nets[k], "type"), "nic") != 0)
            qr_keep_option(r, r->nets[k], "no NIC on its vlan");
    free(taken);
}

/* ---- the rest ---- */

bool qr_opt_usb(qemu_reader *r, qr_opt *o)
{
    (void)o;
    r->saw_usb_opt = true;
    return true;
}

/* -usbdevice tablet|mouse|keyboard|host:BUS.ADDR|host:VENDOR:PRODUCT|disk:FILE */
bool qr_opt_usbdevice(qemu_reader *r, qr_opt *o)
{
    static const char *const inputs[] = { "mouse", "tablet", "keyboard" };
    const char *v = o->arg->text;
    for (size_t i = 0; i < VC_ARRAY_SIZE(inputs); i++)
        if (strcmp(v, inputs[i]) == 0) {
            ir_device *d = qr_add_device(r, IR_DEV_INPUT, o->flag);
            d->u.input.type = vc_xstrdup(inputs[i]);
            d->u.input.bus = vc_xstrdup("usb");
            return true;
        }
    if (vc_str_has_prefix(v, "host:")) {
        ir_device *d = qr_add_device(r, IR_DEV_HOSTDEV, o->flag);
        ir_hostdev *h = &d->u.hostdev;
        h->type = IR_HOSTDEV_USB;
        h->mode = vc_xstrdup("subsystem");
        h->managed = IR_TRI_NO;   /* QEMU opens the device; nothing detaches it */
        const char *spec = v + 5, *dot = strchr(spec, '.'), *colon = strchr(spec, ':');
        unsigned long long a, b;
        char *left = vc_xstrndup(spec, (size_t)((dot ? dot : colon ? colon : spec) - spec));
        bool ok = false;
        if (dot && vc_parse_ull(left, 10, &a) && vc_parse_ull(dot + 1, 10, &b)) {
            h->usb_bus = (unsigned)a;
            h->usb_device = (unsigned)b;
            h->has_usb_addr = ok = true;
        } else if (colon && vc_parse_ull(left, 16, &a) && vc_parse_ull(colon + 1, 16, &b)) {
            h->vendor = vc_xasprintf("0x%04llx", a);
            h->product = vc_xasprintf("0x%04llx", b);
            ok = true;
        }
        free(left);
        if (!ok)
            return qr_error(r, o->arg, 5, "-usbdevice: '%s' is not host:BUS.ADDR or "
                            "host:VENDOR:PRODUCT", v);
        return true;
    }
    if (vc_str_has_prefix(v, "disk:")) {
        char *target = NULL;
        for (int i = 0; !target || qr_target_taken(r->dom, target); i++) {
            free(target);
            target = qr_target_name("sd", i);
        }
        ir_device *d = qr_add_device(r, IR_DEV_DISK, o->flag);
        ir_disk *disk = &d->u.disk;
        disk->device = IR_DISK_DEV_DISK;
        disk->target_bus = IR_BUS_USB;
        disk->target_dev = target;
        qr_disk_source(disk, v + 5);
        return true;
    }
    return qr_keep_option(r, o, NULL);
}

/* -soundhw a,b,... or all */
bool qr_opt_soundhw(qemu_reader *r, qr_opt *o)
{
    static const char *const models[] = { "sb16", "es1370", "ac97", "pcspk", "hda", "gus",
                                          "adlib", "cs4231a" };
    const char *v = o->arg->text;
    if (strcmp(v, "all") == 0)
        return qr_keep_option(r, o, "'all' names no particular card");
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ",");
        bool known = false;
        for (size_t i = 0; i < VC_ARRAY_SIZE(models) && !known; i++)
            known = strlen(models[i]) == n && strncmp(models[i], p, n) == 0;
        if (!known)
            return qr_error(r, o->arg, (size_t)(p - v), "-soundhw: '%.*s' is not a sound card",
                            (int)n, p);
        ir_device *d = qr_add_device(r, IR_DEV_SOUND, o->flag);
        d->u.sound.model = strncmp(p, "hda", n) == 0 && n == 3 ? vc_xstrdup("ich6")
                                                               : vc_xstrndup(p, n);
        p += n + (p[n] == ',');
    }
    return true;
}

/* -vga std|cirrus|vmware|qxl|xenfb|virtio|none */
bool qr_opt_vga(qemu_reader *r, qr_opt *o)
{
    static const struct { const char *qemu, *ir; } models[] = {
        { "std", "vga" }, { "cirrus", "cirrus" }, { "vmware", "vmvga" }, { "qxl", "qxl" },
        { "xenfb", "xen" }, { "virtio", "virtio" }, { "none", "none" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(models); i++)
        if (strcmp(o->arg->text, models[i].qemu) == 0) {
            ir_device *d = qr_add_device(r, IR_DEV_VIDEO, o->flag);
            d->u.video.model = vc_xstrdup(models[i].ir);
            return true;
        }
    return qr_error(r, o->arg, 0, "-vga: '%s' is not a VGA card", o->arg->text);
}

/* -pcidevice host=BB:SS.F */
bool qr_opt_pcidevice(qemu_reader *r, qr_opt *o)
{
    const char *v = o->arg->text;
    if (vc_str_has_prefix(v, "host="))
        v += 5;
    unsigned b, s, f;
    char tail;
    if (sscanf(v, "%2x:%2x.%1x%c", &b, &s, &f, &tail) != 3)
        return qr_error(r, o->arg, 0, "-pcidevice: '%s' is not host=BUS:SLOT.FUNCTION", v);
    ir_device *d = qr_add_device(r, IR_DEV_HOSTDEV, o->flag);
    ir_hostdev *h = &d->u.hostdev;
    h->type = IR_HOSTDEV_PCI;
    h->mode = vc_xstrdup("subsystem");
    h->managed = IR_TRI_YES;
    h->source_addr = (ir_address){ .type = IR_ADDR_PCI, .bus = b, .slot = s, .function = f,
                                   .has_bus = true, .has_slot = true, .has_function = true };
    return true;
}

static bool qr_has_kind(const ir_domain *dom, ir_device_kind kind, const char *ctl_type)
{
    for (size_t i = 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == kind &&
            (!ctl_type || vc_streq(dom->devices[i].u.controller.type, ctl_type)))
            return true;
    return false;
}

/* A command line says "no USB controller" and "no balloon" by leaving them
 * out: QEMU 0.x had USB only with -usb; with -nodefaults nothing is there
 * unless a -device adds it. virtc adds both unless the domain says none. */
/* QEMU's default machine of an emulator that has no PC, and the bus its
 * -hdX/-cdrom/if=ide disks land on there (pseries has no IDE: SCSI). */
static void qr_machine_default(qemu_reader *r)
{
    ir_domain *dom = r->dom;
    if (!dom->os.machine && (vc_streq(dom->os.arch, "ppc64") || vc_streq(dom->os.arch, "ppc64le")))
        dom->os.machine = vc_xstrdup("pseries");
    if (!dom->os.machine || !vc_str_has_prefix(dom->os.machine, "pseries"))
        return;
    for (size_t i = 0; i < dom->ndevices; i++)
        if (dom->devices[i].kind == IR_DEV_DISK && dom->devices[i].u.disk.target_bus == IR_BUS_IDE)
            dom->devices[i].u.disk.target_bus = IR_BUS_SCSI;
}

/* Without -nodefaults and without any -net, -netdev or -nic, today's QEMU
 * gives a PC a NIC on user networking (-nic user), with the first of
 * QEMU's own MAC addresses: by machine type (QEMU 7.2's info network), an
 * e1000e on q35, an ne2k_isa on isapc, an e1000 on the other PCs; microvm
 * and none have no NIC of their own. The converted line names it
 * (-nodefaults, or -net with the legacy profile). */
static const char *qr_default_nic_model(const char *machine)
{
    if (!machine || (vc_str_has_prefix(machine, "pc") && !strstr(machine, "q35")))
        return "e1000";   /* no -machine: QEMU's default machine, pc */
    if (strcmp(machine, "q35") == 0 || vc_str_has_prefix(machine, "pc-q35"))
        return "e1000e";
    if (strcmp(machine, "isapc") == 0)
        return "ne2k_isa";
    return NULL;   /* microvm, none; another machine's default NIC: not read */
}

static void qr_default_nic(qemu_reader *r)
{
    ir_domain *dom = r->dom;
    if (r->nodefaults || !(vc_streq(dom->os.arch, "x86_64") || vc_streq(dom->os.arch, "i686")))
        return;
    for (size_t i = 0; i < r->nopts; i++) {
        const char *n = r->opts[i].def->name;
        if (strcmp(n, "net") == 0 || strcmp(n, "netdev") == 0 || strcmp(n, "nic") == 0)
            return;
    }
    const char *model = qr_default_nic_model(dom->os.machine);
    if (!model)
        return;
    ir_device *d = ir_domain_add_device(dom, IR_DEV_INTERFACE, (ir_pos){ 0, 0 });
    d->u.net.type = IR_NET_USER;
    d->u.net.model = vc_xstrdup(model);
    d->u.net.mac = vc_xstrdup("52:54:00:12:34:56");
}

void qr_apply_defaults(qemu_reader *r)
{
    ir_domain *dom = r->dom;
    qr_machine_default(r);
    qr_default_nic(r);
    if (!r->saw_usb_opt && !qr_has_kind(dom, IR_DEV_CONTROLLER, "usb")) {
        ir_device *d = ir_domain_add_device(dom, IR_DEV_CONTROLLER, (ir_pos){ 0, 0 });
        d->u.controller.type = vc_xstrdup("usb");
        d->u.controller.index = 0;
        d->u.controller.model = vc_xstrdup("none");
    }
    if (r->nodefaults && !qr_has_kind(dom, IR_DEV_MEMBALLOON, NULL)) {
        ir_device *d = ir_domain_add_device(dom, IR_DEV_MEMBALLOON, (ir_pos){ 0, 0 });
        d->u.memballoon.model = vc_xstrdup("none");
    }
}
