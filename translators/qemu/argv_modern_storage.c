/*
 * argv_modern_storage.c: the storage side of disks in the -device
 * generation that goes beyond a local file: network protocols (NBD, HTTP(S)/
 * FTP(S), RBD, iSCSI, Gluster) as -blockdev storage nodes, the secrets their
 * <auth> and a disk's LUKS <encryption> need, and the nodes of 'dir' (vvfat)
 * and 'nvme' disks.
 *
 * A converter never sees a secret's value (libvirt keeps it in its secret
 * store): each secret becomes "-object secret,format=raw,file=PATH" with a
 * file under the guest's state directory, and a warning names the secret
 * and the file its value must be written to before the guest starts.
 */
#include "argv_modern_priv.h"

#include <dirent.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "../xmldoc.h"

/* Default ports of the protocols whose servers are a list. */
static const struct {
    const char *proto;
    const char *port;
} modern_proto_ports[] = {
    { "rbd", "6789" }, { "iscsi", "3260" }, { "gluster", "24007" }, { "nbd", "10809" },
};

/* "0" for a protocol outside the table: QEMU then names what is wrong. */
static const char *modern_default_port(const char *proto)
{
    int i = QEMU_TABLE_FIND(modern_proto_ports, proto, proto);
    return i >= 0 ? modern_proto_ports[i].port : "0";
}

/* ---- secrets ------------------------------------------------------------------------ */

/* -object secret,id=ID,format=raw,file=STATE/ID.secret; the file's name
 * (allocated) for the warning that says what goes there. */
static char *modern_secret_object(qemu_ctx *x, const char *id)
{
    char *file = vc_xasprintf("%s/%s.secret", x->modern->domdir, id);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "secret,id=%s,format=raw", id);
    qemu_opt_add(&b, "file", file);
    qemu_arg2_take(x, "-object", vc_buf_steal(&b));
    qemu_resource_add(x, file, QEMU_RES_FILE, true);
    return file;
}

static void modern_secret(qemu_ctx *x, const ir_device *dev, const char *id, const char *what,
                          const char *uuid, const char *usage)
{
    char *file = modern_secret_object(x, id);
    qemu_warn(x, dev->pos, "the %s secret (%s '%s') is not on the command line; write its "
              "value to '%s' before starting the guest", what, uuid ? "uuid" : "usage",
              qemu_str_or(uuid ? uuid : usage, ""), file);
    free(file);
}

/* <auth username=><secret type= uuid=|usage=/></auth>, under the disk or its
 * <source>: the user, and the secret object's id (NULL: no auth). */
typedef struct modern_auth {
    char *user;
    char *secret_id;
} modern_auth;

static void modern_auth_free(modern_auth *a)
{
    free(a->user);
    free(a->secret_id);
}

static bool modern_disk_auth(qemu_ctx *x, const ir_device *dev, const char *storage,
                             modern_auth *out)
{
    const ir_disk *disk = &dev->u.disk;
    const ir_secret_ref *sec = &disk->auth_secret;
    if (!disk->auth_username && !sec->uuid && !sec->usage)
        return true;
    if (!disk->auth_username || (!sec->uuid && !sec->usage))
        return qemu_error(x, dev->pos, "disk <auth> needs a username and a <secret> with a "
                          "uuid or a usage");
    out->user = vc_xstrdup(disk->auth_username);
    out->secret_id = vc_xasprintf("%s-auth-secret0", storage);
    modern_secret(x, dev, out->secret_id, "authentication", sec->uuid, sec->usage);
    return true;
}

/* ---- network protocols ----------------------------------------------------------------- */

/* ",server.K.host=H,server.K.port=P" (with "server.K.type=inet" or a unix
 * socket where the protocol takes a SocketAddress) for every <host>. */
static bool modern_servers(qemu_ctx *x, const ir_device *dev, const char *proto, bool typed,
                           vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    for (size_t k = 0; k < disk->nhosts; k++) {
        const ir_host *h = &disk->hosts[k];
        if (h->socket || vc_streq(h->transport, "unix")) {
            if (!typed || !h->socket)
                return qemu_error(x, dev->pos, "%s disk: host %zu needs a name%s", proto, k,
                                  typed ? " or a socket" : "");
            vc_buf_printf(b, ",server.%zu.type=unix", k);
            char *key = vc_xasprintf("server.%zu.path", k);
            qemu_opt_add(b, key, h->socket);
            free(key);
            qemu_resource_add(x, h->socket, QEMU_RES_SOCKET, false);
            continue;
        }
        if (!h->name)
            return qemu_error(x, dev->pos, "%s disk: host %zu needs a name", proto, k);
        if (typed)
            vc_buf_printf(b, ",server.%zu.type=inet", k);
        char *key = vc_xasprintf("server.%zu.host", k);
        qemu_opt_add(b, key, h->name);
        free(key);
        key = vc_xasprintf("server.%zu.port", k);
        qemu_opt_add(b, key, qemu_str_or(h->port, modern_default_port(disk->source_protocol)));
        free(key);
    }
    return true;
}

/* rbd: name='POOL/IMAGE' or 'POOL/NAMESPACE/IMAGE'; monitors, snapshot,
 * config file and cephx authentication. */
static bool modern_net_rbd(qemu_ctx *x, const ir_device *dev, const char *storage, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    const char *name = disk->source;
    const char *s1 = name ? strchr(name, '/') : NULL;
    if (!s1 || s1 == name || !s1[1])
        return qemu_error(x, dev->pos, "RBD disk name '%s' is not POOL/IMAGE",
                          qemu_str_or(name, ""));
    const char *s2 = strchr(s1 + 1, '/');
    vc_buf_puts(b, "driver=rbd");
    char *pool = vc_xstrndup(name, (size_t)(s1 - name));
    qemu_opt_add(b, "pool", pool);
    free(pool);
    if (s2) {
        char *ns = vc_xstrndup(s1 + 1, (size_t)(s2 - s1 - 1));
        qemu_opt_add(b, "namespace", ns);
        free(ns);
    }
    qemu_opt_add(b, "image", s2 ? s2 + 1 : s1 + 1);
    if (disk->source_snapshot)
        qemu_opt_add(b, "snapshot", disk->source_snapshot);
    if (!modern_servers(x, dev, "RBD", false, b))
        return false;
    if (disk->source_config) {
        qemu_opt_add(b, "conf", disk->source_config);
        qemu_resource_add(x, disk->source_config, QEMU_RES_FILE, true);
    }
    modern_auth auth = { 0 };
    bool ok = modern_disk_auth(x, dev, storage, &auth);
    if (ok && auth.secret_id) {
        qemu_opt_add(b, "user", auth.user);
        vc_buf_puts(b, ",auth-client-required.0=cephx,auth-client-required.1=none");
        vc_buf_printf(b, ",key-secret=%s", auth.secret_id);
    }
    modern_auth_free(&auth);
    return ok;
}

/* iscsi: name='IQN[/LUN]' on the first host; CHAP and the initiator's IQN. */
static bool modern_net_iscsi(qemu_ctx *x, const ir_device *dev, const char *storage,
                             vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    const ir_host *h = disk->nhosts ? &disk->hosts[0] : NULL;
    if (!h || !h->name)
        return qemu_error(x, dev->pos, "iSCSI disk needs a <host> with a name");
    if (disk->nhosts > 1)
        return qemu_error(x, dev->pos, "iSCSI disk takes one <host>, not %zu", disk->nhosts);
    if (!disk->source || !*disk->source || *disk->source == '/')
        return qemu_error(x, dev->pos, "iSCSI disk needs a target IQN as its source name");
    const char *slash = strrchr(disk->source, '/');
    unsigned long long lun = 0;
    if (slash && !vc_parse_ull(slash + 1, 10, &lun))
        return qemu_error(x, dev->pos, "iSCSI disk name '%s': '%s' is not a LUN number",
                          disk->source, slash + 1);
    bool rdma = vc_streq(h->transport, "rdma");
    if (h->transport && !rdma && strcmp(h->transport, "tcp") != 0)
        return qemu_unsupported(x, dev->pos, "iSCSI transport '%s'", h->transport);
    vc_buf_puts(b, "driver=iscsi");
    const char *port = qemu_str_or(h->port, modern_default_port("iscsi"));
    char *portal = strchr(h->name, ':') ? vc_xasprintf("[%s]:%s", h->name, port)
                                        : vc_xasprintf("%s:%s", h->name, port);
    qemu_opt_add(b, "portal", portal);
    free(portal);
    char *target = slash ? vc_xstrndup(disk->source, (size_t)(slash - disk->source))
                         : vc_xstrdup(disk->source);
    qemu_opt_add(b, "target", target);
    free(target);
    vc_buf_printf(b, ",lun=%llu,transport=%s", lun, rdma ? "iser" : "tcp");
    modern_auth auth = { 0 };
    bool ok = modern_disk_auth(x, dev, storage, &auth);
    if (ok && auth.secret_id) {
        qemu_opt_add(b, "user", auth.user);
        vc_buf_printf(b, ",password-secret=%s", auth.secret_id);
    }
    modern_auth_free(&auth);
    char *iqn = modern_xml_attr(dev, "source/initiator/iqn", "name");
    if (iqn)
        qemu_opt_add(b, "initiator-name", iqn);
    free(iqn);
    return ok;
}

/* gluster: name='VOLUME/PATH' on a list of servers (inet or unix). */
static bool modern_net_gluster(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    const char *name = disk->source ? disk->source + (*disk->source == '/') : NULL;
    const char *slash = name ? strchr(name, '/') : NULL;
    if (!slash || slash == name || !slash[1])
        return qemu_error(x, dev->pos, "Gluster disk name '%s' is not VOLUME/PATH",
                          qemu_str_or(disk->source, ""));
    if (!disk->nhosts)
        return qemu_error(x, dev->pos, "Gluster disk needs a <host>");
    vc_buf_puts(b, "driver=gluster");
    char *vol = vc_xstrndup(name, (size_t)(slash - name));
    qemu_opt_add(b, "volume", vol);
    free(vol);
    qemu_opt_add(b, "path", slash + 1);
    return modern_servers(x, dev, "Gluster", true, b);
}

/* The x509 certificates folder of a TLS client: qemu.conf's
 * nbd_tls_x509_cert_dir, whose default is default_tls_x509_cert_dir's. */
static const char modern_tls_x509_dir[] = "/etc/pki/qemu";

/* <source tls='yes' tlsHostname=>: a tls-creds-x509 object for the client
 * side (it checks the server's certificate), which the node names. */
static bool modern_net_tls(qemu_ctx *x, const ir_device *dev, const char *storage, vc_buf *b)
{
    char *tls = dev->xml ? modern_xml_attr(dev, "source", "tls") : NULL;
    char *host = dev->xml ? modern_xml_attr(dev, "source", "tlsHostname") : NULL;
    bool ok = true;
    if (tls && !vc_streq(tls, "yes") && !vc_streq(tls, "no"))
        ok = qemu_error(x, dev->pos, "<source tls='%s'>: expected yes or no", tls);
    else if (host && !vc_streq(tls, "yes"))
        ok = qemu_error(x, dev->pos, "tlsHostname='%s' needs tls='yes'", host);
    if (ok && vc_streq(tls, "yes")) {
        char *id = vc_xasprintf("obj%s_tls0", storage);
        vc_buf o;
        vc_buf_init(&o);
        vc_buf_printf(&o, "tls-creds-x509,id=%s", id);
        qemu_opt_add(&o, "dir", modern_tls_x509_dir);
        vc_buf_puts(&o, ",endpoint=client,verify-peer=on");
        qemu_arg2_take(x, "-object", vc_buf_steal(&o));
        qemu_resource_add(x, modern_tls_x509_dir, QEMU_RES_DIR, true);
        vc_buf_printf(b, ",tls-creds=%s", id);
        if (host)
            qemu_opt_add(b, "tls-hostname", host);
        free(id);
    }
    free(tls);
    free(host);
    return ok;
}

static bool modern_net_nbd(qemu_ctx *x, const ir_device *dev, const char *storage, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    const ir_host *h = disk->nhosts ? &disk->hosts[0] : NULL;
    vc_buf_puts(b, "driver=nbd");
    if (h && h->socket) {
        vc_buf_puts(b, ",server.type=unix");
        qemu_opt_add(b, "server.path", h->socket);
        qemu_resource_add(x, h->socket, QEMU_RES_SOCKET, false);
    } else if (h && h->name) {
        vc_buf_puts(b, ",server.type=inet");
        qemu_opt_add(b, "server.host", h->name);
        qemu_opt_add(b, "server.port", qemu_str_or(h->port, modern_default_port("nbd")));
    } else {
        return qemu_error(x, dev->pos, "NBD disk needs a <host>");
    }
    if (disk->source)
        qemu_opt_add(b, "export", disk->source);
    return modern_net_tls(x, dev, storage, b);
}

/* <cookies><cookie name=N>VALUE</cookie>...</cookies>: the Cookie header
 * QEMU sends, held in a secret ("N1=V1; N2=V2"), which the converter
 * leaves to the host as it does every secret: the values stay off the
 * command line. */
static bool modern_http_cookies(qemu_ctx *x, const ir_device *dev, const char *storage,
                                vc_buf *b)
{
    xmlDocPtr doc = modern_xml_parse(dev->xml);
    xmlNodePtr src = doc ? xml_child(xmlDocGetRootElement(doc), "source") : NULL;
    xmlNodePtr cookies = src ? xml_child(src, "cookies") : NULL;
    size_t n = 0;
    bool ok = true;
    for (xmlNodePtr c = cookies ? cookies->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "cookie") != 0)
            continue;
        char *name = xml_prop(c, "name");
        char *value = xml_text(c);
        /* RFC 6265: a cookie's name is a token, its value has no ';' or ',' */
        if (!name || !*name || name[strcspn(name, "=; \t\r\n")] ||
            (value && value[strcspn(value, ";,\r\n")]))
            ok = qemu_error(x, dev->pos, "cookie '%s': a name needs no '=', ';' or spaces, a "
                            "value no ';' or ','", qemu_str_or(name, ""));
        n++;
        free(name);
        free(value);
    }
    xmlFreeDoc(doc);
    if (ok && n) {
        char *id = vc_xasprintf("%s-httpcookie-secret0", storage);
        char *file = modern_secret_object(x, id);
        qemu_warn(x, dev->pos, "the disk's %zu cookie%s are not on the command line; write "
                  "them as 'NAME=VALUE; ...' to '%s' before starting the guest", n,
                  n == 1 ? "" : "s", file);
        vc_buf_printf(b, ",cookie-secret=%s", id);
        free(id);
        free(file);
    }
    return ok;
}

/* http(s)/ftp(s): a URL (with the <source query=>), and curl's settings:
 * <timeout seconds=>, <readahead size=>, <ssl verify=> and the cookies. */
static bool modern_net_url(qemu_ctx *x, const ir_device *dev, const char *proto,
                           const char *storage, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    const ir_host *h = disk->nhosts ? &disk->hosts[0] : NULL;
    if (!h || !h->name)
        return qemu_error(x, dev->pos, "%s disk needs a <host>", proto);
    vc_buf_printf(b, "driver=%s", proto);
    char *query = modern_xml_attr(dev, "source", "query");
    char *url = vc_xasprintf("%s://%s%s%s/%s%s%s", proto, h->name, h->port ? ":" : "",
                             qemu_str_or(h->port, ""),
                             disk->source ? disk->source + (*disk->source == '/') : "",
                             query ? "?" : "", qemu_str_or(query, ""));
    qemu_opt_add(b, "url", url);
    free(url);
    free(query);
    static const struct {
        const char *path, *attr, *opt;
    } nums[] = { { "source/timeout", "seconds", "timeout" },
                 { "source/readahead", "size", "readahead" } };
    bool ok = true;
    for (size_t i = 0; dev->xml && i < VC_ARRAY_SIZE(nums); i++) {
        char *v = modern_xml_attr(dev, nums[i].path, nums[i].attr);
        unsigned long long n;
        if (v && !vc_parse_ull(v, 10, &n))
            ok = qemu_error(x, dev->pos, "%s disk: %s='%s' is not a number", proto,
                            nums[i].attr, v);
        else if (v)
            vc_buf_printf(b, ",%s=%llu", nums[i].opt, n);
        free(v);
    }
    char *verify = dev->xml ? modern_xml_attr(dev, "source/ssl", "verify") : NULL;
    bool tls = strcmp(proto, "https") == 0 || strcmp(proto, "ftps") == 0;
    if (verify && (!tls || (!vc_streq(verify, "yes") && !vc_streq(verify, "no"))))
        ok = qemu_error(x, dev->pos, "%s disk: <ssl verify='%s'> needs https or ftps and "
                        "yes or no", proto, verify);
    else if (verify)
        vc_buf_printf(b, ",sslverify=%s", vc_streq(verify, "yes") ? "on" : "off");
    free(verify);
    if (dev->xml && strstr(dev->xml, "<cookies") && strncmp(proto, "http", 4) != 0)
        ok = qemu_error(x, dev->pos, "%s disk: cookies are HTTP's", proto);
    else if (dev->xml && strstr(dev->xml, "<cookies"))
        ok = modern_http_cookies(x, dev, storage, b) && ok;
    return ok;
}

bool modern_disk_network(qemu_ctx *x, const ir_device *dev, const char *storage, vc_buf *b)
{
    const char *proto = qemu_str_or(dev->u.disk.source_protocol, "?");
    char *tls = strcmp(proto, "nbd") != 0 && dev->xml ? modern_xml_attr(dev, "source", "tls")
                                                       : NULL;
    bool tls_yes = vc_streq(tls, "yes");
    free(tls);
    if (tls_yes)
        return qemu_unsupported(x, dev->pos, "TLS on a '%s' disk (QEMU's block layer has it "
                                "for NBD)", proto);
    static const char *const urls[] = { "http", "https", "ftp", "ftps" };
    if (strcmp(proto, "nbd") == 0)
        return modern_net_nbd(x, dev, storage, b);
    if (qemu_str_in(proto, urls, VC_ARRAY_SIZE(urls)))
        return modern_net_url(x, dev, proto, storage, b);
    if (strcmp(proto, "rbd") == 0)
        return modern_net_rbd(x, dev, storage, b);
    if (strcmp(proto, "iscsi") == 0)
        return modern_net_iscsi(x, dev, storage, b);
    if (strcmp(proto, "gluster") == 0)
        return modern_net_gluster(x, dev, b);
    return qemu_unsupported(x, dev->pos, "network disk protocol '%s'", proto);
}

/* ---- local nodes: vvfat and NVMe ---------------------------------------------------- */

/* A host directory as a FAT disk (read-only unless the document says
 * otherwise); a floppy gets FAT12's geometry. */
bool modern_disk_dir(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_disk *disk = &dev->u.disk;
    vc_buf_puts(b, "driver=vvfat");
    qemu_opt_add(b, "dir", disk->source);
    if (disk->device == IR_DISK_DEV_FLOPPY)
        vc_buf_puts(b, ",floppy=on");
    vc_buf_printf(b, ",rw=%s", disk->readonly ? "off" : "on");
    qemu_resource_add(x, disk->source, QEMU_RES_DIR, disk->readonly);
    return true;
}

/* <source type='pci' namespace='N'><address domain= bus= slot= function=/>:
 * QEMU's user-space NVMe driver on a host controller bound to vfio-pci. */
bool modern_disk_nvme(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    static const char *const keys[] = { "domain", "bus", "slot", "function" };
    static const unsigned long long max[] = { 0xffff, 0xff, 0x1f, 7 };
    unsigned long long v[4];
    for (size_t i = 0; i < 4; i++) {
        char *s = modern_xml_attr(dev, "source/address", keys[i]);
        bool ok = s && vc_parse_ull(s, 0, &v[i]) && v[i] <= max[i];
        free(s);
        if (!ok)
            return qemu_error(x, dev->pos, "NVMe disk needs a host PCI <address> in its "
                              "<source> (%s missing or out of range)", keys[i]);
    }
    char *ns = modern_xml_attr(dev, "source", "namespace");
    unsigned long long nsid = 1;
    bool ok = !ns || (vc_parse_ull(ns, 10, &nsid) && nsid > 0);
    free(ns);
    if (!ok)
        return qemu_error(x, dev->pos, "NVMe disk namespace must be a number from 1");
    char *sys = vc_xasprintf("%.4llx:%.2llx:%.2llx.%llx", v[0], v[1], v[2], v[3]);
    vc_buf_printf(b, "driver=nvme,device=%s,namespace=%llu", sys, nsid);
    qemu_resource_add(x, sys, QEMU_RES_PCI, false);
    qemu_resource_add(x, "/dev/vfio/vfio", QEMU_RES_CHARDEV, false);
    free(sys);
    return true;
}

/* ---- SCSI host devices --------------------------------------------------------------- */

/* The SCSI generic node of host adapter H, address B:T:U, as this host's
 * sysfs names it; NULL when this host has no such device. */
static char *modern_sg_path(unsigned host, const char *bus, const char *target,
                            const char *unit)
{
    char *dir = vc_xasprintf("/sys/bus/scsi/devices/%u:%s:%s:%s/scsi_generic", host, bus,
                             target, unit);
    DIR *d = opendir(dir);
    free(dir);
    if (!d)
        return NULL;
    char *path = NULL;
    for (struct dirent *e; !path && (e = readdir(d));)
        if (strncmp(e->d_name, "sg", 2) == 0)
            path = vc_xasprintf("/dev/%s", e->d_name);
    closedir(d);
    return path;
}

/* <source><adapter name='scsi_hostH'/><address bus= target= unit=/></source> */
static bool modern_scsi_local(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    char *adapter = modern_xml_attr(dev, "source/adapter", "name");
    char *bus = modern_xml_attr(dev, "source/address", "bus");
    char *target = modern_xml_attr(dev, "source/address", "target");
    char *unit = modern_xml_attr(dev, "source/address", "unit");
    unsigned long long h, v;
    bool ok = adapter && strncmp(adapter, "scsi_host", 9) == 0 &&
              vc_parse_ull(adapter + 9, 10, &h) && h <= 0xffffffffULL && bus && target &&
              unit && vc_parse_ull(bus, 0, &v) && vc_parse_ull(target, 0, &v) &&
              vc_parse_ull(unit, 0, &v);
    char *sg = NULL;
    if (!ok)
        qemu_error(x, dev->pos, "a SCSI host device needs <adapter name='scsi_hostN'/> and "
                   "<address bus= target= unit=/> in its <source>");
    else if (!(sg = modern_sg_path((unsigned)h, bus, target, unit)))
        ok = qemu_error(x, dev->pos, "host SCSI device %s:%s:%s:%s has no SCSI generic node on "
                        "this host", adapter + 9, bus, target, unit);
    if (sg) {
        vc_buf_puts(b, "driver=host_device");
        qemu_opt_add(b, "filename", sg);
        qemu_resource_add(x, sg, QEMU_RES_CHARDEV, modern_xml_has(dev, "readonly"));
    }
    free(sg);
    free(adapter);
    free(bus);
    free(target);
    free(unit);
    return ok;
}

bool modern_hostdev_scsi_backend(qemu_ctx *x, const ir_device *dev, int node)
{
    vc_buf b;
    vc_buf_init(&b);
    char *proto = modern_xml_attr(dev, "source", "protocol");
    bool ok;
    if (!proto) {
        ok = modern_scsi_local(x, dev, &b);
    } else if (strcmp(proto, "iscsi") != 0) {
        ok = qemu_unsupported(x, dev->pos, "SCSI host device protocol '%s'", proto);
    } else {
        /* The iSCSI source of a hostdev reads as a network disk's. */
        ir_host host = { .name = modern_xml_attr(dev, "source/host", "name"),
                         .port = modern_xml_attr(dev, "source/host", "port"),
                         .transport = modern_xml_attr(dev, "source/host", "transport") };
        ir_device disk = { .kind = IR_DEV_DISK, .pos = dev->pos, .xml = dev->xml };
        disk.u.disk.type = IR_DISK_TYPE_NETWORK;
        disk.u.disk.source = modern_xml_attr(dev, "source", "name");
        disk.u.disk.hosts = host.name ? &host : NULL;
        disk.u.disk.nhosts = host.name ? 1 : 0;
        /* a hostdev's iSCSI <auth> is in its <source> (hostdevs are not modelled) */
        ir_disk *dd = &disk.u.disk;
        dd->auth_username = modern_xml_attr(dev, "source/auth", "username");
        dd->auth_secret.uuid = modern_xml_attr(dev, "source/auth/secret", "uuid");
        dd->auth_secret.usage = modern_xml_attr(dev, "source/auth/secret", "usage");
        char *storage = vc_xasprintf("libvirt-%d-storage", node);
        ok = modern_net_iscsi(x, &disk, storage, &b);
        free(storage);
        free(dd->auth_username);
        free(dd->auth_secret.uuid);
        free(dd->auth_secret.usage);
        free(disk.u.disk.source);
        free(host.name);
        free(host.port);
        free(host.transport);
    }
    free(proto);
    if (ok) {
        vc_buf_printf(&b, ",node-name=libvirt-%d-backend,read-only=%s", node,
                      modern_xml_has(dev, "readonly") ? "on" : "off");
        qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));
    } else {
        vc_buf_free(&b);
    }
    return ok;
}

/* ---- encryption ------------------------------------------------------------------------ */

/* A disk's <encryption>: the model's (a child of <disk>), or the one libvirt
 * also allows inside <source>, read from the verbatim copy. */
typedef struct modern_enc {
    bool present;
    char *format, *uuid, *usage;
    ir_pos pos;
} modern_enc;

static void modern_enc_get(const ir_device *dev, modern_enc *e)
{
    const ir_encryption *m = dev->u.disk.encryption;
    *e = (modern_enc){ .pos = dev->pos };
    if (m) {
        e->present = true;
        e->format = m->format ? vc_xstrdup(m->format) : NULL;
        e->uuid = m->nsecrets && m->secrets[0].uuid ? vc_xstrdup(m->secrets[0].uuid) : NULL;
        e->usage = m->nsecrets && m->secrets[0].usage ? vc_xstrdup(m->secrets[0].usage) : NULL;
        if (m->pos.line)
            e->pos = m->pos;
    } else if (modern_xml_has(dev, "source/encryption")) {
        e->present = true;
        e->format = modern_xml_attr(dev, "source/encryption", "format");
        e->uuid = modern_xml_attr(dev, "source/encryption/secret", "uuid");
        e->usage = modern_xml_attr(dev, "source/encryption/secret", "usage");
    }
}

static void modern_enc_free(modern_enc *e)
{
    free(e->format);
    free(e->uuid);
    free(e->usage);
}

bool modern_disk_encryption_ok(qemu_ctx *x, const ir_device *dev)
{
    modern_enc e;
    modern_enc_get(dev, &e);
    bool ok = true;
    const char *fmt = qemu_str_or(dev->u.disk.driver_type, "raw");
    if (!e.present)
        ok = true;
    else if (!vc_streq(e.format, "luks"))
        ok = qemu_unsupported(x, e.pos, "disk encryption format '%s' (only 'luks')",
                              qemu_str_or(e.format, "default"));
    else if (!e.uuid && !e.usage)
        ok = qemu_error(x, e.pos, "LUKS encryption needs a <secret type='passphrase'> with a "
                        "uuid or a usage");
    else if (!qemu_has(x, QEMU_CAP_BLOCKDEV))
        ok = qemu_unsupported(x, e.pos, "disk encryption without -blockdev");
    else if (strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0)
        ok = qemu_unsupported(x, e.pos, "LUKS encryption of a '%s' image", fmt);
    modern_enc_free(&e);
    return ok;
}

/* The secret of a LUKS disk and the format node's options: a raw image is a
 * LUKS volume (driver=luks), a qcow2 one encrypts its clusters. Returns the
 * format node's driver. */
const char *modern_disk_encryption(qemu_ctx *x, const ir_device *dev, const char *fmt,
                                   int node, vc_buf *opts)
{
    modern_enc e;
    modern_enc_get(dev, &e);
    if (!e.present)
        return fmt;
    char *id = vc_xasprintf("libvirt-%d-format-encryption-secret0", node);
    modern_secret(x, dev, id, "LUKS passphrase", e.uuid, e.usage);
    bool qcow2 = strcmp(fmt, "qcow2") == 0;
    if (qcow2)
        vc_buf_printf(opts, ",encrypt.format=luks,encrypt.key-secret=%s", id);
    else
        vc_buf_printf(opts, ",key-secret=%s", id);
    free(id);
    modern_enc_free(&e);
    return qcow2 ? fmt : "luks";
}
