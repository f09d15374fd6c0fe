/*
 * domain_lower.c: the domain front end, XML -> IR.
 *
 * The schema has already said the document is well shaped; lowering reads it
 * into ir_domain and makes the checks a schema cannot (uuid and MAC syntax,
 * scaled memory, duplicate disk targets, enumeration values the IR does not
 * know).
 *
 * Nothing is dropped: every attribute, child and text node that a lowering
 * function reads is marked as consumed. An element left with unconsumed
 * content is kept verbatim beside the model (a device in ir_device.xml, a
 * top-level element in dom->extra), and the formatter writes that copy;
 * an element the model does not know at all becomes a fragment.
 */
#include "domain_xml.h"
#include "inet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "util.h"
#include "xmldoc.h"

#define LW_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* ---- the set of consumed nodes --------------------------------------- */

/* Open addressing over node pointers: documents can hold thousands of
 * devices, so a list with linear lookup would make lowering quadratic. */
typedef struct lw_set {
    const void **v;
    size_t n, cap;          /* cap is 0 or a power of two */
} lw_set;

static size_t lw_hash(const void *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return (size_t)h & (cap - 1);
}

static void lw_set_insert(lw_set *s, const void *p);

static void lw_set_grow(lw_set *s)
{
    lw_set old = *s;
    s->cap = old.cap ? old.cap * 2 : 256;
    s->v = vc_xcalloc(s->cap, sizeof(*s->v));
    s->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.v[i])
            lw_set_insert(s, old.v[i]);
    free(old.v);
}

static void lw_set_insert(lw_set *s, const void *p)
{
    if ((s->n + 1) * 2 > s->cap)
        lw_set_grow(s);
    size_t i = lw_hash(p, s->cap);
    while (s->v[i]) {
        if (s->v[i] == p)
            return;
        i = (i + 1) & (s->cap - 1);
    }
    s->v[i] = p;
    s->n++;
}

static bool lw_set_has(const lw_set *s, const void *p)
{
    if (!s->cap)
        return false;
    for (size_t i = lw_hash(p, s->cap); s->v[i]; i = (i + 1) & (s->cap - 1))
        if (s->v[i] == p)
            return true;
    return false;
}

/* ---- lowering context and accessors ---------------------------------- */

typedef struct lw_ctx {
    const char *file;
    vc_diags *d;
    ir_domain *dom;
    lw_set seen;
    bool failed;
} lw_ctx;

static vc_loc lw_loc(const lw_ctx *c, xmlNodePtr n)
{
    return xml_node_loc(c->file, n);
}

static ir_pos lw_pos(xmlNodePtr n)
{
    ir_pos p = { xml_node_line(n), xml_node_column(n) };
    return p;
}

static bool lw_fail(lw_ctx *c, xmlNodePtr n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool lw_fail(lw_ctx *c, xmlNodePtr n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_verror_at(c->d, lw_loc(c, n), fmt, ap);
    va_end(ap);
    c->failed = true;
    return false;
}

static bool lw_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !n->ns &&
           strcmp((const char *)n->name, name) == 0;
}

/* The attribute's value (owned), marking it consumed; NULL when absent. */
static char *lw_attr(lw_ctx *c, xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)name);
    if (!a || a->type != XML_ATTRIBUTE_NODE)
        return NULL;
    lw_set_insert(&c->seen, a);
    return xml_attr_value(a);
}

/* The first child element of that name (no namespace), marked consumed. */
static xmlNodePtr lw_child(lw_ctx *c, xmlNodePtr n, const char *name)
{
    for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
        if (lw_is(k, name)) {
            lw_set_insert(&c->seen, k);
            return k;
        }
    return NULL;
}

static bool lw_flag(lw_ctx *c, xmlNodePtr n, const char *name)
{
    return lw_child(c, n, name) != NULL;
}

/* The text content (owned; NULL when empty), marking the text consumed. */
static char *lw_text(lw_ctx *c, xmlNodePtr n)
{
    if (!n)
        return NULL;
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE)
            lw_set_insert(&c->seen, k);
    return xml_text(n);
}

static char *lw_child_text(lw_ctx *c, xmlNodePtr n, const char *name)
{
    return lw_text(c, lw_child(c, n, name));
}

/* An attribute of a child element: <name attr='value'/>. */
static char *lw_child_attr(lw_ctx *c, xmlNodePtr n, const char *name, const char *attr)
{
    xmlNodePtr k = lw_child(c, n, name);
    return k ? lw_attr(c, k, attr) : NULL;
}

static bool lw_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Marks n and all it holds consumed: for elements kept whole. */
static void lw_mark_all(lw_ctx *c, xmlNodePtr n)
{
    lw_set_insert(&c->seen, n);
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        lw_set_insert(&c->seen, a);
    for (xmlNodePtr k = n->children; k; k = k->next)
        lw_mark_all(c, k);
}

/* True when lowering read everything n holds. Comments are not content. */
static bool lw_complete(const lw_ctx *c, xmlNodePtr n)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (!lw_set_has(&c->seen, a))
            return false;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        switch (k->type) {
        case XML_ELEMENT_NODE:
            if (!lw_set_has(&c->seen, k) || !lw_complete(c, k))
                return false;
            break;
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (!lw_set_has(&c->seen, k) && !lw_blank(k->content))
                return false;
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            break;
        default:
            return false;
        }
    }
    return true;
}

/* ---- values ---------------------------------------------------------- */

static char *lw_trim(char *s)
{
    if (!s)
        return NULL;
    size_t b = strspn(s, " \t\r\n");
    size_t l = strlen(s + b);
    while (l && strchr(" \t\r\n", s[b + l - 1]))
        l--;
    memmove(s, s + b, l);
    s[l] = '\0';
    return s;
}

/* An unsigned number written in decimal or 0x-hex (libvirt reads both). */
static bool lw_uint(lw_ctx *c, xmlNodePtr n, const char *what, const char *s,
                    unsigned long long max, unsigned long long *out)
{
    char *t = lw_trim(vc_xstrdup(s));
    bool ok = vc_parse_ull(t, 0, out) && *out <= max;
    free(t);
    if (!ok)
        lw_fail(c, n, "invalid %s '%s'", what, s);
    return ok;
}

/* Attribute attr of n as a decimal number, where libvirt's parser reads
 * base 10 only ('08' is eight, '0x8' no number); absent leaves *out
 * alone. */
static bool lw_attr_decimal(lw_ctx *c, xmlNodePtr n, const char *attr, unsigned max,
                            unsigned *out, bool *given)
{
    char *s = lw_attr(c, n, attr);
    unsigned long long v = *out;
    if (given)
        *given = s != NULL;
    char *t = s ? lw_trim(vc_xstrdup(s)) : NULL;
    bool ok = !s || (vc_parse_ull(t, 10, &v) && v <= max);
    if (!ok)
        lw_fail(c, (xmlNodePtr)xmlHasProp(n, (const xmlChar *)attr),
                "%s='%s': expected a decimal number 0..%u", attr, s, max);
    *out = (unsigned)v;
    free(t);
    free(s);
    return ok;
}

/* Reads attribute attr of n as an unsigned number; absent leaves *out alone. */
static bool lw_attr_uint(lw_ctx *c, xmlNodePtr n, const char *attr, unsigned long long max,
                         unsigned long long *out, bool *given)
{
    char *s = lw_attr(c, n, attr);
    if (given)
        *given = s != NULL;
    if (!s)
        return true;
    bool ok = lw_uint(c, n, attr, s, max, out);
    free(s);
    return ok;
}

static bool lw_attr_unsigned(lw_ctx *c, xmlNodePtr n, const char *attr, unsigned max,
                             unsigned *out, bool *given)
{
    unsigned long long v = *out;
    bool ok = lw_attr_uint(c, n, attr, max, &v, given);
    *out = (unsigned)v;
    return ok;
}

static bool lw_attr_int(lw_ctx *c, xmlNodePtr n, const char *attr, int *out)
{
    char *s = lw_attr(c, n, attr);
    if (!s)
        return true;
    char *t = lw_trim(vc_xstrdup(s));
    bool ok = vc_parse_int(t, out);
    free(t);
    if (!ok)
        lw_fail(c, n, "invalid %s '%s'", attr, s);
    free(s);
    return ok;
}

/* An enumeration attribute: 0 when absent, an error when the name is not
 * one the IR knows (the schema may be looser than the model). */
static int lw_enum(lw_ctx *c, xmlNodePtr n, const char *attr, const char *what,
                   int (*from_name)(const char *))
{
    char *s = lw_attr(c, n, attr);
    if (!s)
        return 0;
    int v = from_name(s);
    if (!v)
        lw_fail(c, n, "unknown %s '%s'", what, s);
    free(s);
    return v;
}

/* The IR's *_from_name functions return their enum type; these adapters
 * give the table-driven lw_enum one signature. */
#define LW_ENUM_ADAPTER(type) \
    static int lw_##type(const char *s) { return (int)type##_from_name(s); }
LW_ENUM_ADAPTER(ir_virt_type)
LW_ENUM_ADAPTER(ir_boot_dev)
LW_ENUM_ADAPTER(ir_clock_offset)
LW_ENUM_ADAPTER(ir_disk_type)
LW_ENUM_ADAPTER(ir_disk_device)
LW_ENUM_ADAPTER(ir_disk_bus)
LW_ENUM_ADAPTER(ir_net_type)
LW_ENUM_ADAPTER(ir_chr_type)
LW_ENUM_ADAPTER(ir_graphics_type)
LW_ENUM_ADAPTER(ir_hostdev_type)
LW_ENUM_ADAPTER(ir_addr_type)
LW_ENUM_ADAPTER(ir_tristate)

static int lw_onoff(const char *s)
{
    return vc_streq(s, "on") ? IR_TRI_YES : vc_streq(s, "off") ? IR_TRI_NO : 0;
}

/* ---- <address> ------------------------------------------------------- */

typedef struct lw_addr_field {
    const char *attr;
    size_t offset;          /* of the unsigned field in ir_address */
    size_t has_offset;      /* of its bool has_* flag; 0 when none */
    unsigned max;
} lw_addr_field;

#define LW_AF(attr, field, has, max) \
    { attr, offsetof(ir_address, field), has, max }
#define LW_HAS(f) offsetof(ir_address, f)

/* Which attributes each address type has and their ranges (PCI's are the
 * bus geometry; the schema checks only the digits). A PCI domain is 32-bit
 * as libvirt's parser reads it: a host's VMD domains start at 0x10000
 * (whether a backend can place a device there is the backend's check).
 * decimal: libvirt's parser reads that type's numbers in base 10 (a drive
 * controller '08' is 8, a USB bus '0x8' no number; libvirt 9.0's parser
 * asked), the others as C does (a PCI slot '010' is 8, '08' no number). */
static const struct {
    ir_addr_type type;
    lw_addr_field fields[5];
    bool decimal;
} lw_addr_layouts[] = {
    { IR_ADDR_PCI, { LW_AF("domain", domain, 0, UINT32_MAX), LW_AF("bus", bus, LW_HAS(has_bus), 0xff),
                     LW_AF("slot", slot, LW_HAS(has_slot), 0x1f),
                     LW_AF("function", function, LW_HAS(has_function), 7) },
      false },
    { IR_ADDR_DRIVE, { LW_AF("controller", controller, 0, UINT32_MAX),
                       LW_AF("bus", bus, LW_HAS(has_bus), UINT32_MAX),
                       LW_AF("target", target, 0, UINT32_MAX), LW_AF("unit", unit, 0, UINT32_MAX) },
      true },
    { IR_ADDR_VIRTIO_SERIAL, { LW_AF("controller", controller, 0, UINT32_MAX),
                               LW_AF("bus", bus, LW_HAS(has_bus), UINT32_MAX),
                               LW_AF("port", port, LW_HAS(has_port), UINT32_MAX) },
      true },
    { IR_ADDR_CCID, { LW_AF("controller", controller, 0, UINT32_MAX),
                      LW_AF("slot", slot, LW_HAS(has_slot), UINT32_MAX) },
      true },
    { IR_ADDR_USB, { LW_AF("bus", bus, LW_HAS(has_bus), UINT32_MAX) }, true },
    { IR_ADDR_ISA, { LW_AF("iobase", port, LW_HAS(has_port), 0xffff) }, false },
    { IR_ADDR_DIMM, { LW_AF("slot", slot, LW_HAS(has_slot), UINT32_MAX) }, true },
};

static bool lw_address_attrs(lw_ctx *c, xmlNodePtr n, ir_address *a)
{
    bool ok = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(lw_addr_layouts); i++) {
        if (lw_addr_layouts[i].type != a->type)
            continue;
        for (const lw_addr_field *f = lw_addr_layouts[i].fields; f->attr; f++) {
            bool given = false;
            unsigned *field = (unsigned *)((char *)a + f->offset);
            if (!(lw_addr_layouts[i].decimal
                      ? lw_attr_decimal(c, n, f->attr, f->max, field, &given)
                      : lw_attr_unsigned(c, n, f->attr, f->max, field, &given)))
                ok = false;
            if (f->has_offset && given)
                *(bool *)((char *)a + f->has_offset) = true;
        }
    }
    if (a->type == IR_ADDR_PCI) {
        char *mf = lw_attr(c, n, "multifunction");
        if (mf && !(a->multifunction = lw_onoff(mf)))
            ok = lw_fail(c, n, "invalid multifunction '%s'", mf);
        free(mf);
    }
    if (a->type == IR_ADDR_USB)
        a->usb_port = lw_attr(c, n, "port");
    return ok;
}

/* An <address> element; dflt is its type when the attribute is absent
 * (a hostdev's source address is PCI without saying so). */
static bool lw_address_node(lw_ctx *c, xmlNodePtr n, ir_addr_type dflt, ir_address *a)
{
    a->pos = lw_pos(n);
    a->type = (ir_addr_type)lw_enum(c, n, "type", "address type", lw_ir_addr_type);
    if (!a->type && !xmlHasProp(n, (const xmlChar *)"type"))
        a->type = dflt;
    /* untyped: its attributes stay unconsumed and the device is kept whole */
    return a->type ? lw_address_attrs(c, n, a) : !xmlHasProp(n, (const xmlChar *)"type");
}

static bool lw_address(lw_ctx *c, xmlNodePtr dev, ir_address *a)
{
    xmlNodePtr n = lw_child(c, dev, "address");
    return n ? lw_address_node(c, n, IR_ADDR_NONE, a) : true;
}

static bool lw_boot_order(lw_ctx *c, xmlNodePtr dev, int *order)
{
    xmlNodePtr b = lw_child(c, dev, "boot");
    return b ? lw_attr_int(c, b, "order", order) : true;
}

/* ---- devices --------------------------------------------------------- */

static bool lw_mac(lw_ctx *c, xmlNodePtr n, char **out)
{
    char *s = lw_attr(c, n, "address");
    if (!s)
        return true;
    unsigned char mac[6];
    bool ok = false;
    if (!ir_mac_parse(s, mac))
        lw_fail(c, n, "invalid MAC address '%s'", s);
    else if (mac[0] & 1)
        lw_fail(c, n, "MAC address '%s' is a multicast address (its first octet is odd)", s);
    else {
        *out = vc_xmalloc(18);
        ir_mac_format(mac, *out);
        ok = true;
    }
    free(s);
    return ok;
}

static void lw_hosts(lw_ctx *c, xmlNodePtr src, ir_disk *disk)
{
    for (xmlNodePtr h = src->children; h; h = h->next) {
        if (!lw_is(h, "host"))
            continue;
        lw_set_insert(&c->seen, h);
        disk->hosts = vc_xrealloc(disk->hosts, (disk->nhosts + 1) * sizeof(*disk->hosts));
        ir_host *host = &disk->hosts[disk->nhosts++];
        host->name = lw_attr(c, h, "name");
        host->port = lw_attr(c, h, "port");
        host->transport = lw_attr(c, h, "transport");
        host->socket = lw_attr(c, h, "socket");
    }
}

/* The attribute of <source> that holds a disk's path, by disk type. */
static const char *lw_disk_source_attr(ir_disk_type t)
{
    switch (t) {
    case IR_DISK_TYPE_BLOCK:
        return "dev";
    case IR_DISK_TYPE_DIR:
        return "dir";
    case IR_DISK_TYPE_NETWORK:
        return "name";
    case IR_DISK_TYPE_FILE:
    case IR_DISK_TYPE_NONE:
        return "file";
    default:
        return NULL;
    }
}

static bool lw_encryption(lw_ctx *c, xmlNodePtr n, ir_disk *disk)
{
    ir_encryption *enc = vc_xcalloc(1, sizeof(*enc));
    disk->encryption = enc;
    enc->pos = lw_pos(n);
    enc->format = lw_attr(c, n, "format");
    for (xmlNodePtr s = n->children; s; s = s->next) {
        if (!lw_is(s, "secret"))
            continue;
        lw_set_insert(&c->seen, s);
        enc->secrets = vc_xrealloc(enc->secrets, (enc->nsecrets + 1) * sizeof(*enc->secrets));
        ir_secret_ref *r = &enc->secrets[enc->nsecrets++];
        r->type = lw_attr(c, s, "type");
        r->uuid = lw_attr(c, s, "uuid");
        r->usage = lw_attr(c, s, "usage");
        unsigned char u[16];
        if (r->uuid && !ir_uuid_parse(r->uuid, u))
            return lw_fail(c, s, "invalid secret uuid '%s'", r->uuid);
    }
    return true;
}

/* <auth username=><secret type= uuid=|usage=/></auth>, in the disk or (libvirt's
 * later place) in its <source>; one of the two. */
static bool lw_disk_auth(lw_ctx *c, xmlNodePtr n, ir_disk *disk, bool in_source)
{
    if (!n)
        return true;
    if (disk->auth_username)
        return lw_fail(c, n, "a disk has one <auth>, in the disk or in its <source>");
    disk->auth_username = lw_attr(c, n, "username");
    disk->auth_in_source = in_source;
    xmlNodePtr s = lw_child(c, n, "secret");
    if (s) {
        disk->auth_secret.type = lw_attr(c, s, "type");
        disk->auth_secret.uuid = lw_attr(c, s, "uuid");
        disk->auth_secret.usage = lw_attr(c, s, "usage");
    }
    unsigned char u[16];
    if (disk->auth_secret.uuid && !ir_uuid_parse(disk->auth_secret.uuid, u))
        return lw_fail(c, s, "invalid secret uuid '%s'", disk->auth_secret.uuid);
    return true;
}

/* on/off attributes of n into the tristates at base + off. */
typedef struct lw_onoff_attr {
    const char *attr;
    size_t off;
} lw_onoff_attr;

static bool lw_onoff_attrs(lw_ctx *c, xmlNodePtr n, const lw_onoff_attr *t, size_t nt,
                           void *base)
{
    bool ok = true;
    for (size_t k = 0; n && k < nt; k++) {
        char *s = lw_attr(c, n, t[k].attr);
        ir_tristate *v = (ir_tristate *)((char *)base + t[k].off);
        if (s && !(*v = (ir_tristate)lw_onoff(s)))
            ok = lw_fail(c, n, "invalid %s '%s'", t[k].attr, s);
        free(s);
    }
    return ok;
}

/* <driver iommu= ats= packed= page_per_vq=> of a virtio device. */
static bool lw_virtio_opts(lw_ctx *c, xmlNodePtr drv, ir_virtio_opts *v)
{
    static const lw_onoff_attr opts[] = {
        { "iommu", offsetof(ir_virtio_opts, iommu) },
        { "ats", offsetof(ir_virtio_opts, ats) },
        { "packed", offsetof(ir_virtio_opts, packed) },
        { "page_per_vq", offsetof(ir_virtio_opts, page_per_vq) },
    };
    return lw_onoff_attrs(c, drv, opts, VC_ARRAY_SIZE(opts), v);
}

static bool lw_disk(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_disk *disk = &dev->u.disk;
    bool ok = true;
    disk->type = (ir_disk_type)lw_enum(c, n, "type", "disk type", lw_ir_disk_type);
    disk->device = (ir_disk_device)lw_enum(c, n, "device", "disk device", lw_ir_disk_device);
    xmlNodePtr drv = lw_child(c, n, "driver");
    if (drv) {
        disk->driver_name = lw_attr(c, drv, "name");
        disk->driver_type = lw_attr(c, drv, "type");
        disk->driver_cache = lw_attr(c, drv, "cache");
        disk->driver_io = lw_attr(c, drv, "io");
        disk->driver_error_policy = lw_attr(c, drv, "error_policy");
        disk->driver_rerror_policy = lw_attr(c, drv, "rerror_policy");
        ok = lw_virtio_opts(c, drv, &disk->virtio) && ok;
    }
    xmlNodePtr src = lw_child(c, n, "source");
    const char *sattr = lw_disk_source_attr(disk->type);
    if (src && sattr) {
        disk->source = lw_attr(c, src, sattr);
        if (disk->type == IR_DISK_TYPE_NETWORK) {
            disk->source_protocol = lw_attr(c, src, "protocol");
            lw_hosts(c, src, disk);
            disk->source_snapshot = lw_child_attr(c, src, "snapshot", "name");
            disk->source_config = lw_child_attr(c, src, "config", "file");
            ok = lw_disk_auth(c, lw_child(c, src, "auth"), disk, true);
        }
    }
    ok = lw_disk_auth(c, lw_child(c, n, "auth"), disk, false) && ok;
    xmlNodePtr tgt = lw_child(c, n, "target");
    if (tgt) {
        disk->target_dev = lw_attr(c, tgt, "dev");
        /* Xen-era documents wrote an HVM disk as 'ioemu:hda'; libvirt's
         * parser dropped the prefix */
        if (disk->target_dev && vc_str_has_prefix(disk->target_dev, "ioemu:"))
            memmove(disk->target_dev, disk->target_dev + 6, strlen(disk->target_dev + 6) + 1);
        disk->target_bus = (ir_disk_bus)lw_enum(c, tgt, "bus", "disk bus", lw_ir_disk_bus);
        /* libvirt's parser needs the index a name gives (vda, sdb, xvdaa:
         * a prefix, then letters a-z) only to place a disk given no
         * <address>: with one, any name the schema takes will do */
        if (disk->target_dev && ir_disk_target_index(disk->target_dev) < 0 &&
            !xml_child(n, "address"))
            ok = lw_fail(c, tgt, "invalid disk target '%s' (no index in the name: a prefix "
                         "then letters a-z, e.g. vda; or give the disk an <address>)",
                         disk->target_dev);
    }
    disk->readonly = lw_flag(c, n, "readonly");
    disk->shareable = lw_flag(c, n, "shareable");
    disk->transient = lw_flag(c, n, "transient");
    disk->serial = lw_child_text(c, n, "serial");
    ok = lw_boot_order(c, n, &disk->boot_order) && ok;
    xmlNodePtr enc = lw_child(c, n, "encryption");
    if (enc)
        ok = lw_encryption(c, enc, disk) && ok;
    return lw_address(c, n, &disk->addr) && ok;
}

/* A number of a controller's <target>: -1 stays when absent. */
static bool lw_ctl_number(lw_ctx *c, xmlNodePtr n, const char *attr, unsigned max, int *out)
{
    unsigned long long v = 0;
    bool given = false;
    bool ok = lw_attr_uint(c, n, attr, max, &v, &given);
    if (ok && given)
        *out = (int)v;
    return ok;
}

/* A PCI controller's <model name=> and <target ...><node>N</node></target>. */
static bool lw_controller_target(lw_ctx *c, xmlNodePtr n, ir_controller *ctl)
{
    ctl->model_name = lw_child_attr(c, n, "model", "name");
    xmlNodePtr t = lw_child(c, n, "target");
    if (!t)
        return true;
    bool ok = lw_ctl_number(c, t, "chassisNr", 255, &ctl->chassis_nr);
    ok = lw_ctl_number(c, t, "chassis", 255, &ctl->chassis) && ok;
    ok = lw_ctl_number(c, t, "port", 255, &ctl->port) && ok;
    ok = lw_ctl_number(c, t, "busNr", 255, &ctl->bus_nr) && ok;
    ok = lw_ctl_number(c, t, "index", 255, &ctl->target_index) && ok;
    static const lw_onoff_attr onoff[] = { { "hotplug", offsetof(ir_controller, hotplug) } };
    ok = lw_onoff_attrs(c, t, onoff, VC_ARRAY_SIZE(onoff), ctl) && ok;
    char *node = lw_child_text(c, t, "node");
    if (node && !(vc_parse_int(lw_trim(node), &ctl->node) && ctl->node >= 0))
        ok = lw_fail(c, t, "invalid controller node '%s'", node);
    free(node);
    return ok;
}

static bool lw_controller(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_controller *ctl = &dev->u.controller;
    ctl->type = lw_attr(c, n, "type");
    ctl->model = lw_attr(c, n, "model");
    bool ok = lw_attr_int(c, n, "index", &ctl->index);
    if (vc_streq(ctl->type, "pci"))
        ok = lw_controller_target(c, n, ctl) && ok;
    xmlNodePtr m = vc_streq(ctl->type, "usb") ? lw_child(c, n, "master") : NULL;
    if (m)
        ok = lw_ctl_number(c, m, "startport", INT32_MAX, &ctl->startport) && ok;
    return lw_address(c, n, &ctl->addr) && ok;
}

/* The attribute of a filesystem's <source>, by filesystem type. */
static const struct {
    const char *type;
    const char *attr;
} lw_fs_sources[] = {
    { "mount", "dir" }, { "bind", "dir" }, { "file", "file" }, { "block", "dev" },
    { "template", "name" }, { "ram", "usage" },
};

const char *xml_fs_source_attr(const char *type)
{
    if (!type)
        type = "mount";
    for (size_t i = 0; i < VC_ARRAY_SIZE(lw_fs_sources); i++)
        if (strcmp(lw_fs_sources[i].type, type) == 0)
            return lw_fs_sources[i].attr;
    return NULL;
}

/* virtiofsd's <thread_pool size=...>: libvirt's schema takes any integer,
 * its parser a C int. Checked, not consumed: the element is kept as
 * written. */
static bool lw_fs_thread_pool(lw_ctx *c, xmlNodePtr n)
{
    xmlNodePtr pool = xml_child(xml_child(n, "binary"), "thread_pool");
    xmlAttrPtr a = pool ? xmlHasProp(pool, (const xmlChar *)"size") : NULL;
    if (!a)
        return true;
    char *v = xml_attr_value(a);
    int size;
    bool ok = v && vc_parse_int(v, &size);
    if (!ok)
        lw_fail(c, (xmlNodePtr)a, "size='%s': expected a number %d..%d", v ? v : "", INT_MIN,
                INT_MAX);
    free(v);
    return ok;
}

static bool lw_filesystem(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_filesystem *fs = &dev->u.fs;
    fs->type = lw_attr(c, n, "type");
    fs->accessmode = lw_attr(c, n, "accessmode");
    const char *sattr = xml_fs_source_attr(fs->type);
    xmlNodePtr src = lw_child(c, n, "source");
    if (src && sattr)
        fs->source = lw_attr(c, src, sattr);
    fs->target = lw_child_attr(c, n, "target", "dir");
    fs->readonly = lw_flag(c, n, "readonly");
    bool ok = lw_fs_thread_pool(c, n);
    return lw_address(c, n, &fs->addr) && ok;
}

static bool lw_interface(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_net *net = &dev->u.net;
    bool ok = true;
    net->type = (ir_net_type)lw_enum(c, n, "type", "interface type", lw_ir_net_type);
    xmlNodePtr mac = lw_child(c, n, "mac");
    if (mac)
        ok = lw_mac(c, mac, &net->mac);
    xmlNodePtr src = lw_child(c, n, "source");
    if (src) {
        net->source_network = lw_attr(c, src, "network");
        net->source_bridge = lw_attr(c, src, "bridge");
        net->source_dev = lw_attr(c, src, "dev");
        net->source_mode = lw_attr(c, src, "mode");
        net->source_address = lw_attr(c, src, "address");
        net->source_port = lw_attr(c, src, "port");
        xmlNodePtr local = lw_child(c, src, "local");
        if (local) {
            net->local_address = lw_attr(c, local, "address");
            net->local_port = lw_attr(c, local, "port");
        }
    }
    net->ip_address = lw_child_attr(c, n, "ip", "address");
    net->script = lw_child_attr(c, n, "script", "path");
    net->target_dev = lw_child_attr(c, n, "target", "dev");
    net->model = lw_child_attr(c, n, "model", "type");
    net->driver_name = lw_child_attr(c, n, "driver", "name");
    ok = lw_virtio_opts(c, lw_child(c, n, "driver"), &net->virtio) && ok;
    ok = lw_boot_order(c, n, &net->boot_order) && ok;
    return lw_address(c, n, &net->addr) && ok;
}

/* <source> of a character device. UDP has two (mode='bind' and the
 * connect side); the other types one. */
static void lw_chr_sources(lw_ctx *c, xmlNodePtr n, ir_chr *chr)
{
    bool main_seen = false;
    for (xmlNodePtr s = n->children; s; s = s->next) {
        if (!lw_is(s, "source"))
            continue;
        xmlChar *mode = xmlGetProp(s, (const xmlChar *)"mode");
        bool bind = chr->type == IR_CHR_UDP && mode && strcmp((const char *)mode, "bind") == 0;
        xmlFree(mode);
        if (bind && !chr->bind_host && !chr->bind_service) {
            lw_set_insert(&c->seen, s);
            free(lw_attr(c, s, "mode"));
            chr->bind_host = lw_attr(c, s, "host");
            chr->bind_service = lw_attr(c, s, "service");
        } else if (!bind && !main_seen) {
            main_seen = true;
            lw_set_insert(&c->seen, s);
            chr->mode = lw_attr(c, s, "mode");
            chr->path = lw_attr(c, s, "path");
            chr->host = lw_attr(c, s, "host");
            chr->service = lw_attr(c, s, "service");
        }
    }
}

/* libvirt's schema gives serial ports, parallel ports, consoles and
 * passthrough smartcards one <target> (charDevTarget in
 * schemas/domain-devices.rng), with every serial and console target type;
 * its parser takes a serial port's types and models on a serial port and a
 * console's types on a console (parallel ports and smartcards ignore
 * both). These lists are that parser rule. */
static const char *const lw_serial_target_types[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vio-serial", "system-serial",
    "sclp-serial", "isa-debug", NULL
};
static const char *const lw_serial_target_models[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011", "sclpconsole",
    "sclplmconsole", "16550a", "isa-debugcon", NULL
};
static const char *const lw_console_target_types[] = {
    "serial", "virtio", "xen", "lxc", "openvz", "sclp", "sclplm", "uml", NULL
};

/* n's attribute attr, when present, is one of allowed[]; else a located
 * error naming the device and the values it takes. */
static bool lw_attr_in(lw_ctx *c, xmlNodePtr n, const char *attr, const char *const *allowed,
                       const char *what)
{
    xmlAttrPtr a = n ? xmlHasProp(n, (const xmlChar *)attr) : NULL;
    if (!a)
        return true;
    char *v = xml_attr_value(a);
    bool ok = false;
    vc_buf list;
    vc_buf_init(&list);
    for (const char *const *p = allowed; *p; p++) {
        ok = ok || vc_streq(v, *p);
        vc_buf_printf(&list, "%s%s", p == allowed ? "" : ", ", *p);
    }
    if (!ok)
        lw_fail(c, (xmlNodePtr)a, "%s='%s': expected %s: one of %s", attr, v ? v : "", what,
                vc_buf_str(&list));
    vc_buf_free(&list);
    free(v);
    return ok;
}

static bool lw_chr_target_fits(lw_ctx *c, ir_chr_kind kind, xmlNodePtr tgt)
{
    if (kind == IR_CHRDEV_SERIAL) {
        bool ok = lw_attr_in(c, tgt, "type", lw_serial_target_types,
                             "a serial port's target type");
        return lw_attr_in(c, xml_child(tgt, "model"), "name", lw_serial_target_models,
                          "a serial port's model") && ok;
    }
    if (kind == IR_CHRDEV_CONSOLE)
        return lw_attr_in(c, tgt, "type", lw_console_target_types, "a console's target type");
    return true;
}

static bool lw_chr(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_chr *chr = &dev->u.chr;
    bool ok = true;
    chr->kind = ir_chr_kind_from_name((const char *)n->name);
    chr->type = (ir_chr_type)lw_enum(c, n, "type", "character device type", lw_ir_chr_type);
    chr->tty = lw_attr(c, n, "tty");
    lw_chr_sources(c, n, chr);
    chr->protocol = lw_child_attr(c, n, "protocol", "type");
    xmlNodePtr tgt = lw_child(c, n, "target");
    if (tgt) {
        ok = lw_chr_target_fits(c, chr->kind, tgt);
        chr->target_type = lw_attr(c, tgt, "type");
        chr->target_name = lw_attr(c, tgt, "name");
        chr->target_address = lw_attr(c, tgt, "address");
        if (chr->kind == IR_CHRDEV_CHANNEL)
            chr->target_port_str = lw_attr(c, tgt, "port");
        else
            ok = lw_attr_int(c, tgt, "port", &chr->target_port) && ok;
    }
    return lw_address(c, n, &chr->addr) && ok;
}

static bool lw_input(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    dev->u.input.type = lw_attr(c, n, "type");
    dev->u.input.bus = lw_attr(c, n, "bus");
    return lw_address(c, n, &dev->u.input.addr);
}

/* <listen type='address' address='A'/> says what listen='A' says, and
 * <listen type='socket' socket='S'/> what socket='S' says; libvirt writes
 * both forms. Any other listen is beyond the model. */
static void lw_graphics_listen(lw_ctx *c, xmlNodePtr n, ir_graphics *g)
{
    xmlNodePtr l = NULL;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (!lw_is(k, "listen"))
            continue;
        if (l)
            return;    /* several: keep the element verbatim */
        l = k;
    }
    if (!l)
        return;
    char *type = xml_prop(l, "type");
    const char *attr = vc_streq(type, "address") ? "address"
                       : vc_streq(type, "socket") ? "socket" : NULL;
    char **field = attr && attr[0] == 'a' ? &g->listen : &g->socket;
    free(type);
    if (!attr)
        return;
    char *v = xml_prop(l, attr);
    bool same = !v || !*field || strcmp(v, *field) == 0;
    /* a socket listen without a path is one the model cannot say */
    if (!v && !*field && field == &g->socket)
        same = false;
    free(v);
    if (!same)
        return;
    lw_set_insert(&c->seen, l);
    free(lw_attr(c, l, "type"));
    v = lw_attr(c, l, attr);
    if (v && !*field)
        *field = v;
    else
        free(v);
}

static bool lw_graphics(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_graphics *g = &dev->u.graphics;
    bool ok = true;
    g->type = (ir_graphics_type)lw_enum(c, n, "type", "graphics type", lw_ir_graphics_type);
    ok = lw_attr_int(c, n, "port", &g->port);
    g->autoport = (ir_tristate)lw_enum(c, n, "autoport", "autoport value", lw_ir_tristate);
    g->fullscreen = (ir_tristate)lw_enum(c, n, "fullscreen", "fullscreen value", lw_ir_tristate);
    g->listen = lw_attr(c, n, "listen");
    g->keymap = lw_attr(c, n, "keymap");
    g->passwd = lw_attr(c, n, "passwd");
    g->passwd_valid_to = lw_attr(c, n, "passwdValidTo");
    g->display = lw_attr(c, n, "display");
    g->xauth = lw_attr(c, n, "xauth");
    g->socket = lw_attr(c, n, "socket");
    g->share_policy = lw_attr(c, n, "sharePolicy");
    ok = lw_attr_int(c, n, "websocket", &g->websocket) && ok;
    g->p2p = (ir_tristate)lw_enum(c, n, "p2p", "p2p value", lw_ir_tristate);
    if (g->type == IR_GFX_DBUS)
        g->bus_address = lw_attr(c, n, "address");
    lw_graphics_listen(c, n, g);
    xmlNodePtr gl = lw_child(c, n, "gl");
    if (gl) {
        g->gl = (ir_tristate)lw_enum(c, gl, "enable", "gl enable value", lw_ir_tristate);
        g->gl_rendernode = lw_attr(c, gl, "rendernode");
    }
    xmlNodePtr audio = lw_child(c, n, "audio");
    if (audio)
        ok = lw_attr_unsigned(c, audio, "id", UINT32_MAX, &g->audio_id, NULL) && ok;
    return ok;
}

static bool lw_sound(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    dev->u.sound.model = lw_attr(c, n, "model");
    xmlNodePtr audio = lw_child(c, n, "audio");
    if (audio && !lw_attr_unsigned(c, audio, "id", UINT32_MAX, &dev->u.sound.audio_id, NULL))
        return false;
    return lw_address(c, n, &dev->u.sound.addr);
}

static bool lw_video(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_video *v = &dev->u.video;
    bool ok = true;
    xmlNodePtr m = lw_child(c, n, "model");
    if (m) {
        v->model = lw_attr(c, m, "type");
        ok = lw_attr_uint(c, m, "vram", UINT32_MAX, &v->vram, NULL);
        ok = lw_attr_int(c, m, "heads", &v->heads) && ok;
        char *p = lw_attr(c, m, "primary");
        int t = p ? lw_ir_tristate(p) : 0;
        if (p && !t)
            ok = lw_fail(c, m, "invalid primary '%s'", p);
        v->primary = t == IR_TRI_YES;
        free(p);
        xmlNodePtr a = lw_child(c, m, "acceleration");
        if (a) {
            v->accel3d = (ir_tristate)lw_enum(c, a, "accel3d", "accel3d value", lw_ir_tristate);
            v->accel2d = (ir_tristate)lw_enum(c, a, "accel2d", "accel2d value", lw_ir_tristate);
            v->rendernode = lw_attr(c, a, "rendernode");
        }
    }
    return lw_address(c, n, &v->addr) && ok;
}

static bool lw_hostdev_source(lw_ctx *c, xmlNodePtr src, ir_hostdev *h)
{
    bool ok = true;
    h->vendor = lw_child_attr(c, src, "vendor", "id");
    h->product = lw_child_attr(c, src, "product", "id");
    xmlNodePtr a = lw_child(c, src, "address");
    if (!a)
        return true;
    if (h->type == IR_HOSTDEV_USB) {
        bool gb = false, gd = false;
        ok = lw_attr_unsigned(c, a, "bus", UINT32_MAX, &h->usb_bus, &gb);
        ok = lw_attr_unsigned(c, a, "device", UINT32_MAX, &h->usb_device, &gd) && ok;
        h->has_usb_addr = gb || gd;
        return ok;
    }
    if (h->type == IR_HOSTDEV_PCI)
        return lw_address_node(c, a, IR_ADDR_PCI, &h->source_addr);
    lw_set_insert(&c->seen, a);   /* unmarked attributes keep it verbatim */
    return true;
}

/* ---- capabilities host devices (<ip> and <route> of type net) --------- */

/* AF_INET or AF_INET6 for an address in its textual form (its bytes in
 * out), 0 for neither. */
/* A prefix attribute: true when absent (*given false) or at most bits. */
static bool lw_inet_prefix(const char *s, int bits, unsigned *prefix, bool *given)
{
    unsigned long long v = 0;
    *given = s != NULL;
    if (!s)
        return true;
    if (!vc_parse_ull(s, 10, &v) || v > (unsigned)bits)
        return false;
    *prefix = (unsigned)v;
    return true;
}

/* <ip address= family= prefix= peer=/>: what libvirt's parser refuses
 * and the schema takes (a family the address is not of, a prefix longer
 * than the address, a peer of another family). The element stays
 * unconsumed: the device keeps it as written. */
static bool lw_caps_ip(lw_ctx *c, xmlNodePtr n)
{
    vc_inet a, p;
    char *addr = xml_prop(n, "address"), *fam = xml_prop(n, "family");
    char *pfx = xml_prop(n, "prefix"), *peer = xml_prop(n, "peer");
    vc_inet_parse(addr, &a);
    int want = vc_streq(fam, "ipv4") ? AF_INET : vc_streq(fam, "ipv6") ? AF_INET6 : a.family;
    unsigned prefix;
    bool given, ok = true;
    if (!a.family || a.family != want)
        ok = lw_fail(c, n, "invalid address '%s' in <ip>%s%s", addr ? addr : "",
                     fam ? " of family " : "", fam ? fam : "");
    else if (!lw_inet_prefix(pfx, a.bits, &prefix, &given))
        ok = lw_fail(c, n, "invalid prefix '%s' in <ip> (an %s address has %d bits)", pfx,
                     vc_inet_family_name(a.family), a.bits);
    else if (peer && (!vc_inet_parse(peer, &p) || p.family != a.family))
        ok = lw_fail(c, n, "invalid peer '%s' in <ip> (not of the address's family)", peer);
    free(addr);
    free(fam);
    free(pfx);
    free(peer);
    return ok;
}

/* A route's address with its host bits (past the prefix, or where the
 * netmask has none) set is not a network: libvirt refuses it. */
static bool lw_route_is_network(const vc_inet *addr, unsigned prefix, const vc_inet *mask)
{
    if (!mask)
        return vc_inet_host_bits(addr, (int)prefix, false);
    for (int i = 0; i < addr->bits; i++)
        if (vc_inet_bit(addr, i) && !vc_inet_bit(mask, i))
            return false;
    return true;
}

/* The address-like attributes of a <route>, each of the route's family:
 * IPv4 unless family='ipv6' says otherwise (libvirt's rule). */
static bool lw_route_addr(lw_ctx *c, xmlNodePtr n, const char *attr, int af, vc_inet *out,
                          bool *given)
{
    char *v = xml_prop(n, attr);
    *given = v != NULL;
    bool ok = !v || (vc_inet_parse(v, out) && out->family == af);
    if (!ok)
        lw_fail(c, n, "route %s '%s' is not an %s address%s", attr, v, vc_inet_family_name(af),
                xmlHasProp(n, (const xmlChar *)"family") ? ""
                                                         : " (a route without a family is IPv4)");
    free(v);
    return ok;
}

static bool lw_caps_route(lw_ctx *c, xmlNodePtr n)
{
    char *fam = xml_prop(n, "family"), *pfx = xml_prop(n, "prefix");
    char *metric = xml_prop(n, "metric");
    int af = vc_streq(fam, "ipv6") ? AF_INET6 : AF_INET;
    vc_inet addr, gw, mask;
    bool has_addr, has_gw, has_mask, has_prefix;
    unsigned prefix = 0;
    bool ok = lw_route_addr(c, n, "address", af, &addr, &has_addr);
    ok = lw_route_addr(c, n, "gateway", af, &gw, &has_gw) && ok;
    ok = lw_route_addr(c, n, "netmask", AF_INET, &mask, &has_mask) && ok;
    if (ok && has_mask && af != AF_INET)
        ok = lw_fail(c, n, "a route of family ipv6 has a prefix, not a netmask");
    if (ok && !lw_inet_prefix(pfx, vc_inet_family_bits(af), &prefix, &has_prefix))
        ok = lw_fail(c, n, "invalid route prefix '%s' (an %s route has at most %d)", pfx,
                     vc_inet_family_name(af), vc_inet_family_bits(af));
    if (ok && has_addr && (has_prefix || has_mask) &&
        !lw_route_is_network(&addr, prefix, has_mask ? &mask : NULL))
        ok = lw_fail(c, n, "route address is not a network address (host bits set under its "
                     "%s)", has_mask ? "netmask" : "prefix");
    if (ok && vc_streq(metric, "0"))
        ok = lw_fail(c, n, "route metric 0 (a metric is 1 or more)");
    free(fam);
    free(pfx);
    free(metric);
    return ok;
}

/* <source><block>, <char> or <interface>: the one thing a capabilities
 * device names. */
static const char *const lw_caps_source_elem[IR_HOSTDEV_LAST] = {
    [IR_HOSTDEV_STORAGE] = "block", [IR_HOSTDEV_MISC] = "char", [IR_HOSTDEV_NET] = "interface",
};

static bool lw_hostdev_caps(lw_ctx *c, xmlNodePtr n, xmlNodePtr src, ir_hostdev *h)
{
    bool ok = true;
    if (!vc_streq(h->mode, "capabilities"))
        return lw_fail(c, n, "a host device of type '%s' is of mode 'capabilities'",
                       ir_hostdev_type_name(h->type));
    h->caps_source = src ? lw_child_text(c, src, lw_caps_source_elem[h->type]) : NULL;
    if (!h->caps_source || !*h->caps_source)
        ok = lw_fail(c, src ? src : n, "a host device of type '%s' needs <source><%s>",
                     ir_hostdev_type_name(h->type), lw_caps_source_elem[h->type]);
    if (h->type != IR_HOSTDEV_NET)
        return ok;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (lw_is(k, "ip"))
            ok = lw_caps_ip(c, k) && ok;
        else if (lw_is(k, "route"))
            ok = lw_caps_route(c, k) && ok;
    }
    return ok;
}

static bool lw_hostdev(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_hostdev *h = &dev->u.hostdev;
    bool ok = true;
    h->mode = lw_attr(c, n, "mode");
    h->type = (ir_hostdev_type)lw_enum(c, n, "type", "hostdev type", lw_ir_hostdev_type);
    h->managed = (ir_tristate)lw_enum(c, n, "managed", "managed value", lw_ir_tristate);
    h->driver_name = lw_child_attr(c, n, "driver", "name");
    xmlNodePtr src = lw_child(c, n, "source");
    if (ir_hostdev_is_caps(h->type))
        ok = lw_hostdev_caps(c, n, src, h);
    else if (vc_streq(h->mode, "capabilities"))
        ok = lw_fail(c, n, "a host device of mode 'capabilities' is of type storage, misc or "
                     "net, not '%s'", ir_hostdev_type_name(h->type));
    else if (src)
        ok = lw_hostdev_source(c, src, h);
    ok = lw_boot_order(c, n, &h->boot_order) && ok;
    return lw_address(c, n, &h->addr) && ok;
}

static bool lw_watchdog(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    dev->u.watchdog.model = lw_attr(c, n, "model");
    dev->u.watchdog.action = lw_attr(c, n, "action");
    return lw_address(c, n, &dev->u.watchdog.addr);
}

static bool lw_memballoon(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    dev->u.memballoon.model = lw_attr(c, n, "model");
    return lw_address(c, n, &dev->u.memballoon.addr);
}

static bool lw_rng(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_rng *r = &dev->u.rng;
    r->model = lw_attr(c, n, "model");
    xmlNodePtr b = lw_child(c, n, "backend");
    if (b) {
        r->backend_model = lw_attr(c, b, "model");
        r->backend_path = lw_text(c, b);
    }
    return lw_address(c, n, &r->addr);
}

/* ---- device kinds added for QEMU 7.2 --------------------------------- */

/* These elements are kept as written in dev->xml as well (lw_device): the
 * fields hold what the QEMU emitter reads, libvirt knows more attributes. */

static bool lw_memsize(lw_ctx *c, xmlNodePtr n, unsigned long long *kib);

/* A child element holding a scaled size: <size unit='KiB'>N</size>. */
static bool lw_child_size(lw_ctx *c, xmlNodePtr n, const char *name, unsigned long long *kib)
{
    xmlNodePtr k = lw_child(c, n, name);
    return k ? lw_memsize(c, k, kib) : true;
}

static int lw_yesno(lw_ctx *c, xmlNodePtr n, const char *attr)
{
    return lw_enum(c, n, attr, attr, lw_ir_tristate);
}

static bool lw_audio_io(lw_ctx *c, xmlNodePtr n, ir_audio_io *io)
{
    io->given = true;
    io->mixing_engine = (ir_tristate)lw_yesno(c, n, "mixingEngine");
    io->fixed_settings = (ir_tristate)lw_yesno(c, n, "fixedSettings");
    bool ok = lw_attr_unsigned(c, n, "voices", UINT32_MAX, &io->voices, NULL);
    ok = lw_attr_unsigned(c, n, "bufferLength", UINT32_MAX, &io->buffer_length, NULL) && ok;
    io->dev = lw_attr(c, n, "dev");
    io->name = lw_attr(c, n, "name");
    io->stream_name = lw_attr(c, n, "streamName");
    ok = lw_attr_unsigned(c, n, "latency", UINT32_MAX, &io->latency, NULL) && ok;
    io->client_name = lw_attr(c, n, "clientName");
    io->connect_ports = lw_attr(c, n, "connectPorts");
    io->server_name = lw_attr(c, n, "serverName");
    io->exact_name = (ir_tristate)lw_yesno(c, n, "exactName");
    io->try_poll = (ir_tristate)lw_yesno(c, n, "tryPoll");
    ok = lw_attr_unsigned(c, n, "bufferCount", UINT32_MAX, &io->buffer_count, NULL) && ok;
    xmlNodePtr s = lw_child(c, n, "settings");
    if (s) {
        ok = lw_attr_unsigned(c, s, "frequency", UINT32_MAX, &io->frequency, NULL) && ok;
        ok = lw_attr_unsigned(c, s, "channels", UINT32_MAX, &io->channels, NULL) && ok;
        io->format = lw_attr(c, s, "format");
    }
    return ok;
}

static bool lw_audio(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_audio *a = &dev->u.audio;
    bool ok = lw_attr_unsigned(c, n, "id", UINT32_MAX, &a->id, NULL);
    a->type = lw_attr(c, n, "type");
    ok = lw_attr_unsigned(c, n, "timerPeriod", UINT32_MAX, &a->timer_period, NULL) && ok;
    a->path = lw_attr(c, n, "path");
    a->server_name = lw_attr(c, n, "serverName");
    a->runtime_dir = lw_attr(c, n, "runtimeDir");
    a->driver = lw_attr(c, n, "driver");
    a->try_mmap = (ir_tristate)lw_yesno(c, n, "tryMMap");
    a->exclusive = (ir_tristate)lw_yesno(c, n, "exclusive");
    ok = lw_attr_unsigned(c, n, "dspPolicy", UINT32_MAX, &a->dsp_policy, &a->has_dsp_policy) && ok;
    xmlNodePtr in = lw_child(c, n, "input"), out = lw_child(c, n, "output");
    if (in)
        ok = lw_audio_io(c, in, &a->in) && ok;
    if (out)
        ok = lw_audio_io(c, out, &a->out) && ok;
    return ok;
}

static bool lw_tpm(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_tpm *t = &dev->u.tpm;
    t->model = lw_attr(c, n, "model");
    xmlNodePtr b = lw_child(c, n, "backend");
    if (b) {
        t->backend_type = lw_attr(c, b, "type");
        t->backend_version = lw_attr(c, b, "version");
        t->persistent_state = (ir_tristate)lw_yesno(c, b, "persistent_state");
        t->device_path = lw_child_attr(c, b, "device", "path");
        t->source_path = lw_child_attr(c, b, "source", "path");
        t->encrypted = lw_child(c, b, "encryption") != NULL;
    }
    return lw_address(c, n, &t->addr);
}

static bool lw_memory_dev(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_memory_dev *m = &dev->u.memory;
    m->model = lw_attr(c, n, "model");
    m->access = lw_attr(c, n, "access");
    m->discard = (ir_tristate)lw_yesno(c, n, "discard");
    bool ok = true;
    xmlNodePtr s = lw_child(c, n, "source");
    if (s) {
        m->source_path = lw_child_text(c, s, "path");
        m->nodemask = lw_child_text(c, s, "nodemask");
        ok = lw_child_size(c, s, "pagesize", &m->pagesize_kib) && ok;
        ok = lw_child_size(c, s, "alignsize", &m->alignsize_kib) && ok;
        if (lw_child(c, s, "pmem"))
            m->pmem = IR_TRI_YES;
    }
    xmlNodePtr t = lw_child(c, n, "target");
    if (t) {
        ok = lw_child_size(c, t, "size", &m->size_kib) && ok;
        ok = lw_child_size(c, t, "block", &m->block_kib) && ok;
        ok = lw_child_size(c, t, "requested", &m->requested_kib) && ok;
        char *node = lw_child_text(c, t, "node");
        if (node && !(vc_parse_int(lw_trim(node), &m->node) && m->node >= 0))
            ok = lw_fail(c, t, "invalid memory device node '%s'", node);
        free(node);
        xmlNodePtr l = lw_child(c, t, "label");
        if (l)
            ok = lw_child_size(c, l, "size", &m->label_kib) && ok;
        m->readonly = lw_child(c, t, "readonly") != NULL;
    }
    xmlNodePtr a = lw_child(c, n, "address");
    if (a) {
        ok = lw_address_node(c, a, IR_ADDR_NONE, &m->addr) && ok;
        ok = lw_attr_uint(c, a, "base", UINT64_MAX, &m->dimm_base, &m->has_dimm_base) && ok;
    }
    return ok;
}

static bool lw_iommu(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_iommu *i = &dev->u.iommu;
    i->model = lw_attr(c, n, "model");
    bool ok = true;
    xmlNodePtr d = lw_child(c, n, "driver");
    if (d) {
        static const lw_onoff_attr onoff[] = {
            { "intremap", offsetof(ir_iommu, intremap) },
            { "caching_mode", offsetof(ir_iommu, caching_mode) },
            { "eim", offsetof(ir_iommu, eim) },
            { "iotlb", offsetof(ir_iommu, iotlb) },
        };
        ok = lw_onoff_attrs(c, d, onoff, VC_ARRAY_SIZE(onoff), i);
        ok = lw_attr_unsigned(c, d, "aw_bits", UINT32_MAX, &i->aw_bits, NULL) && ok;
    }
    return lw_address(c, n, &i->addr) && ok;
}

static bool lw_vsock(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_vsock *v = &dev->u.vsock;
    v->model = lw_attr(c, n, "model");
    bool ok = true;
    xmlNodePtr cid = lw_child(c, n, "cid");
    if (cid) {
        v->auto_cid = (ir_tristate)lw_yesno(c, cid, "auto");
        ok = lw_attr_decimal(c, cid, "address", UINT32_MAX, &v->cid, NULL);
    }
    return lw_address(c, n, &v->addr) && ok;
}

static bool lw_panic(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    dev->u.panic.model = lw_attr(c, n, "model");
    return lw_address(c, n, &dev->u.panic.addr);
}

static bool lw_smartcard(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_smartcard *s = &dev->u.smartcard;
    s->mode = lw_attr(c, n, "mode");
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (!lw_is(k, "certificate"))
            continue;
        lw_set_insert(&c->seen, k);
        s->certificates = vc_xrealloc(s->certificates, (s->ncertificates + 1) * sizeof(char *));
        s->certificates[s->ncertificates++] = lw_text(c, k);
    }
    s->database = lw_child_text(c, n, "database");
    char *type = lw_attr(c, n, "type");
    s->type = type ? ir_chr_type_from_name(type) : IR_CHR_NONE;
    free(type);
    xmlNodePtr src = lw_child(c, n, "source");
    if (src) {
        s->host = lw_attr(c, src, "host");
        s->service = lw_attr(c, src, "service");
    }
    return lw_address(c, n, &s->addr);
}

static bool lw_redirdev(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    ir_redirdev *r = &dev->u.redirdev;
    r->bus = lw_attr(c, n, "bus");
    char *type = lw_attr(c, n, "type");
    r->type = type ? ir_chr_type_from_name(type) : IR_CHR_NONE;
    free(type);
    xmlNodePtr src = lw_child(c, n, "source");
    if (src) {
        r->host = lw_attr(c, src, "host");
        r->service = lw_attr(c, src, "service");
    }
    bool ok = lw_boot_order(c, n, &r->boot_order);
    return lw_address(c, n, &r->addr) && ok;
}

static const struct {
    const char *name;
    ir_device_kind kind;
    bool (*lower)(lw_ctx *c, xmlNodePtr n, ir_device *dev);
} lw_devices[] = {
    { "disk", IR_DEV_DISK, lw_disk },
    { "controller", IR_DEV_CONTROLLER, lw_controller },
    { "filesystem", IR_DEV_FILESYSTEM, lw_filesystem },
    { "interface", IR_DEV_INTERFACE, lw_interface },
    { "serial", IR_DEV_CHR, lw_chr },
    { "parallel", IR_DEV_CHR, lw_chr },
    { "console", IR_DEV_CHR, lw_chr },
    { "channel", IR_DEV_CHR, lw_chr },
    { "input", IR_DEV_INPUT, lw_input },
    { "graphics", IR_DEV_GRAPHICS, lw_graphics },
    { "sound", IR_DEV_SOUND, lw_sound },
    { "video", IR_DEV_VIDEO, lw_video },
    { "hostdev", IR_DEV_HOSTDEV, lw_hostdev },
    { "watchdog", IR_DEV_WATCHDOG, lw_watchdog },
    { "memballoon", IR_DEV_MEMBALLOON, lw_memballoon },
    { "rng", IR_DEV_RNG, lw_rng },
    { "audio", IR_DEV_AUDIO, lw_audio },
    { "tpm", IR_DEV_TPM, lw_tpm },
    { "memory", IR_DEV_MEMORY, lw_memory_dev },
    { "iommu", IR_DEV_IOMMU, lw_iommu },
    { "vsock", IR_DEV_VSOCK, lw_vsock },
    { "panic", IR_DEV_PANIC, lw_panic },
    { "smartcard", IR_DEV_SMARTCARD, lw_smartcard },
    { "redirdev", IR_DEV_REDIRDEV, lw_redirdev },
};

/* <alias name='ua-NAME'/>: a user alias. Another name is the alias of a
 * running domain's device, which an inactive definition does not keep
 * (libvirt drops it): it stays unread, so the element is kept as written. */
static void lw_user_alias(lw_ctx *c, xmlNodePtr n, ir_device *dev)
{
    xmlNodePtr a = lw_child(c, n, "alias");
    char *name = a ? xml_prop(a, "name") : NULL;
    if (!vc_str_has_prefix(name, "ua-") || name[strlen("ua-")] == '\0') {
        free(name);
        return;
    }
    lw_mark_all(c, a);
    dev->alias = name;
}

/* <rom enabled='no'> with bar= or file=: libvirt's parser refuses to
 * tune a ROM the device does not have (any device with a <rom>). */
static void lw_rom_check(lw_ctx *c, xmlNodePtr n)
{
    xmlNodePtr rom = xml_child(n, "rom");
    char *enabled = rom ? xml_prop(rom, "enabled") : NULL;
    if (vc_streq(enabled, "no") && (xmlHasProp(rom, BAD_CAST "bar") ||
                                    xmlHasProp(rom, BAD_CAST "file")))
        lw_fail(c, rom, "<rom enabled='no'> takes no bar= or file= (a disabled ROM has "
                "nothing to tune)");
    free(enabled);
}

static void lw_device(lw_ctx *c, xmlNodePtr n)
{
    lw_rom_check(c, n);
    for (size_t i = 0; i < VC_ARRAY_SIZE(lw_devices); i++) {
        if (!lw_is(n, lw_devices[i].name))
            continue;
        ir_device *dev = ir_domain_add_device(c->dom, lw_devices[i].kind, lw_pos(n));
        lw_user_alias(c, n, dev);
        lw_devices[i].lower(c, n, dev);
        if (dev->kind > IR_DEV_OTHER || !lw_complete(c, n))
            dev->xml = xml_node_dump(n);
        return;
    }
    ir_device *dev = ir_domain_add_device(c->dom, IR_DEV_OTHER, lw_pos(n));
    dev->u.other.xml = xml_node_dump(n);
    dev->u.other.pos = lw_pos(n);
}

/* Two disks may not share a target (the guest would see one of them), two
 * devices not a user alias (QEMU takes an id once). Devices are sorted by
 * (key, document order) so each finds the first user of its key in
 * n log n, not by a scan of the devices before it (documents can hold tens
 * of thousands of disks); errors are still reported in document order. */
typedef struct lw_target_ref {
    const char *target;
    size_t index;
} lw_target_ref;

static int lw_target_cmp(const void *pa, const void *pb)
{
    const lw_target_ref *a = pa, *b = pb;
    int c = strcmp(a->target, b->target);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

static const char *lw_disk_target_of(const ir_device *d)
{
    return d->kind == IR_DEV_DISK ? d->u.disk.target_dev : NULL;
}

static const char *lw_alias_of(const ir_device *d)
{
    return d->alias;
}

/* libvirt takes a host block device, character device or network
 * interface once (a path may be both a block and a character device's
 * name, so each type is its own key space). */
static const char *lw_caps_of(const ir_device *d, ir_hostdev_type type)
{
    return d->kind == IR_DEV_HOSTDEV && d->u.hostdev.type == type ? d->u.hostdev.caps_source
                                                                  : NULL;
}

static const char *lw_caps_storage_of(const ir_device *d)
{
    return lw_caps_of(d, IR_HOSTDEV_STORAGE);
}

static const char *lw_caps_misc_of(const ir_device *d)
{
    return lw_caps_of(d, IR_HOSTDEV_MISC);
}

static const char *lw_caps_net_of(const ir_device *d)
{
    return lw_caps_of(d, IR_HOSTDEV_NET);
}

/* what: "disk target", "alias"; key_of: the device's key, NULL for none. */
static void lw_check_unique(lw_ctx *c, const char *(*key_of)(const ir_device *),
                            const char *what)
{
    const ir_domain *dom = c->dom;
    lw_target_ref *refs = vc_xcalloc(dom->ndevices, sizeof(*refs));
    size_t n = 0;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const char *key = key_of(&dom->devices[i]);
        if (key)
            refs[n++] = (lw_target_ref){ key, i };
    }
    qsort(refs, n, sizeof(*refs), lw_target_cmp);
    /* first[i]: the device first using device i's key (i itself when none) */
    size_t *first = vc_xcalloc(dom->ndevices, sizeof(*first));
    for (size_t i = 0; i < dom->ndevices; i++)
        first[i] = i;
    for (size_t k = 1; k < n; k++)
        if (strcmp(refs[k].target, refs[k - 1].target) == 0)
            first[refs[k].index] = first[refs[k - 1].index];
    free(refs);
    for (size_t i = 0; i < dom->ndevices; i++) {
        if (first[i] == i)
            continue;
        const ir_device *a = &dom->devices[i], *b = &dom->devices[first[i]];
        vc_loc la = { c->file, a->pos.line, a->pos.column };
        vc_loc lb = { c->file, b->pos.line, b->pos.column };
        vc_error_at(c->d, la, "duplicate %s '%s'", what, key_of(a));
        vc_diag_add(c->d, VC_ERR_INVALID, VC_SEV_NOTE, lb, "'%s' is first used here",
                    key_of(b));
        c->failed = true;
    }
    free(first);
}

static bool lw_devices_elem(lw_ctx *c, xmlNodePtr n)
{
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        lw_set_insert(&c->seen, k);
        if (lw_is(k, "emulator")) {
            free(c->dom->emulator);
            c->dom->emulator = lw_text(c, k);
            continue;
        }
        lw_device(c, k);
    }
    lw_check_unique(c, lw_disk_target_of, "disk target");
    lw_check_unique(c, lw_alias_of, "alias");
    lw_check_unique(c, lw_caps_storage_of, "host block device");
    lw_check_unique(c, lw_caps_misc_of, "host character device");
    lw_check_unique(c, lw_caps_net_of, "host network interface");
    return true;
}

/* ---- top-level elements ---------------------------------------------- */

static bool lw_name(lw_ctx *c, xmlNodePtr n)
{
    c->dom->name = lw_text(c, n);
    /* libvirt's rule: the name names files (state directory, sockets). */
    if (c->dom->name && strchr(c->dom->name, '/'))
        return lw_fail(c, n, "domain name '%s' holds a '/'", c->dom->name);
    return true;
}

static bool lw_uuid(lw_ctx *c, xmlNodePtr n)
{
    char *s = lw_text(c, n);
    bool ok = ir_uuid_parse(s, c->dom->uuid);
    if (!ok)
        lw_fail(c, n, "invalid uuid '%s'", s ? s : "");
    c->dom->uuid_given = ok;
    free(s);
    return ok;
}

static bool lw_title(lw_ctx *c, xmlNodePtr n)
{
    c->dom->title = lw_text(c, n);
    return true;
}

static bool lw_description(lw_ctx *c, xmlNodePtr n)
{
    c->dom->description = lw_text(c, n);
    return true;
}

static bool lw_metadata(lw_ctx *c, xmlNodePtr n)
{
    c->dom->metadata = xml_node_dump(n);
    return true;
}

/* A scaled memory size: <memory unit='MiB'>512</memory> (KiB by default). */
static bool lw_memsize(lw_ctx *c, xmlNodePtr n, unsigned long long *kib)
{
    char *unit = lw_attr(c, n, "unit");
    char *text = lw_trim(lw_text(c, n));
    unsigned long long v, scale;
    bool ok = false;
    if (!text || !vc_parse_ull(text, 10, &v))
        lw_fail(c, n, "invalid <%s> value '%s'", (const char *)n->name, text ? text : "");
    else if (!ir_unit_scale(unit, 1024, &scale))
        lw_fail(c, n, "unknown unit '%s'", unit);
    else if (!ir_bytes_to_kib(v, scale, kib))
        lw_fail(c, n, "<%s> of %s %s does not fit in 64 bits of bytes", (const char *)n->name,
                text, unit ? unit : "KiB");
    else
        ok = true;
    free(unit);
    free(text);
    return ok;
}

static bool lw_memory(lw_ctx *c, xmlNodePtr n)
{
    return lw_memsize(c, n, &c->dom->memory_kib);
}

static bool lw_current_memory(lw_ctx *c, xmlNodePtr n)
{
    return lw_memsize(c, n, &c->dom->current_memory_kib);
}

static bool lw_max_memory(lw_ctx *c, xmlNodePtr n)
{
    bool ok = lw_attr_unsigned(c, n, "slots", UINT32_MAX, &c->dom->max_memory_slots, NULL);
    return lw_memsize(c, n, &c->dom->max_memory_kib) && ok;
}

static bool lw_vcpu(lw_ctx *c, xmlNodePtr n)
{
    ir_domain *dom = c->dom;
    /* placement='auto' is beyond the model: left unconsumed, the element is kept */
    char *placement = xml_prop(n, "placement");
    if (vc_streq(placement, "static"))
        free(lw_attr(c, n, "placement"));
    free(placement);
    dom->cpuset = lw_attr(c, n, "cpuset");
    bool ok = lw_attr_unsigned(c, n, "current", UINT32_MAX, &dom->vcpus_current, NULL);
    char *text = lw_trim(lw_text(c, n));
    unsigned long long v;
    if (!text || !vc_parse_ull(text, 10, &v) || v == 0 || v > UINT32_MAX)
        ok = lw_fail(c, n, "invalid vcpu count '%s'", text ? text : "");
    else
        dom->vcpus = (unsigned)v;
    free(text);
    if (ok && dom->vcpus_current > dom->vcpus)
        ok = lw_fail(c, n, "current vcpus (%u) exceed the maximum (%u)", dom->vcpus_current,
                     dom->vcpus);
    return ok;
}

static bool lw_text_field(lw_ctx *c, xmlNodePtr n, char **out)
{
    free(*out);
    *out = lw_text(c, n);
    return true;
}

static bool lw_bootloader(lw_ctx *c, xmlNodePtr n)
{
    return lw_text_field(c, n, &c->dom->bootloader);
}

static bool lw_bootloader_args(lw_ctx *c, xmlNodePtr n)
{
    return lw_text_field(c, n, &c->dom->bootloader_args);
}

static bool lw_os_boot(lw_ctx *c, xmlNodePtr b, ir_os *os)
{
    lw_set_insert(&c->seen, b);
    ir_boot_dev dev = (ir_boot_dev)lw_enum(c, b, "dev", "boot device", lw_ir_boot_dev);
    if (!dev)
        return false;
    if (os->nboot >= VC_ARRAY_SIZE(os->boot) - 1)
        return lw_fail(c, b, "too many <boot> elements (at most %zu)", VC_ARRAY_SIZE(os->boot) - 1);
    os->boot[os->nboot++] = dev;
    return true;
}

static bool lw_os(lw_ctx *c, xmlNodePtr n)
{
    ir_os *os = &c->dom->os;
    bool ok = true;
    os->pos = lw_pos(n);
    xmlNodePtr type = lw_child(c, n, "type");
    if (type) {
        os->type = lw_text(c, type);
        os->arch = lw_attr(c, type, "arch");
        os->machine = lw_attr(c, type, "machine");
    }
    xmlNodePtr loader = lw_child(c, n, "loader");
    if (loader) {
        os->loader = lw_text(c, loader);
        os->loader_readonly = lw_attr(c, loader, "readonly");
        os->loader_type = lw_attr(c, loader, "type");
    }
    os->nvram = lw_child_text(c, n, "nvram");
    os->kernel = lw_child_text(c, n, "kernel");
    os->initrd = lw_child_text(c, n, "initrd");
    os->cmdline = lw_child_text(c, n, "cmdline");
    os->dtb = lw_child_text(c, n, "dtb");
    os->init = lw_child_text(c, n, "init");
    for (xmlNodePtr b = n->children; b; b = b->next)
        if (lw_is(b, "boot"))
            ok = lw_os_boot(c, b, os) && ok;
    xmlNodePtr menu = lw_child(c, n, "bootmenu");
    if (menu)
        os->bootmenu = (ir_tristate)lw_enum(c, menu, "enable", "bootmenu value", lw_ir_tristate);
    return ok;
}

/* The children of a <hyperv> child (<stimer><direct state='on'/>): a state
 * each; anything more keeps the <features> copy. */
static void lw_subfeature_kids(lw_ctx *c, xmlNodePtr n, ir_subfeature *sf)
{
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || k->ns)
            continue;
        lw_set_insert(&c->seen, k);
        char *state = lw_attr(c, k, "state");
        ir_subfeature_add_kid(sf, (const char *)k->name, state);
        free(state);
    }
}

/* The children of <hyperv> and <kvm>: a state and at most the one value
 * attribute each is known to take, and their own children; anything else
 * keeps the <features> copy. */
static void lw_subfeatures(lw_ctx *c, xmlNodePtr n, ir_feature *ft)
{
    static const char *const value_attrs[] = { "retries", "value", "size" };
    ft->mode = lw_attr(c, n, "mode");
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || k->ns)
            continue;
        lw_set_insert(&c->seen, k);
        char *state = lw_attr(c, k, "state");
        const char *attr = NULL;
        char *value = NULL;
        for (size_t i = 0; i < VC_ARRAY_SIZE(value_attrs) && !value; i++)
            if ((value = lw_attr(c, k, value_attrs[i])))
                attr = value_attrs[i];
        ir_feature_add_sub(ft, (const char *)k->name, state, attr, value);
        free(state);
        free(value);
        lw_subfeature_kids(c, k, &ft->subs[ft->nsubs - 1]);
    }
}

static bool lw_features(lw_ctx *c, xmlNodePtr n)
{
    c->dom->has_features = true;
    for (xmlNodePtr f = n->children; f; f = f->next) {
        if (f->type != XML_ELEMENT_NODE || f->ns)
            continue;
        lw_set_insert(&c->seen, f);
        char *state = lw_attr(c, f, "state");
        ir_domain_add_feature(c->dom, (const char *)f->name, state);
        free(state);
        if (lw_is(f, "hyperv") || lw_is(f, "kvm"))
            lw_subfeatures(c, f, &c->dom->features[c->dom->nfeatures - 1]);
        xmlNodePtr tb = lw_is(f, "tcg") ? lw_child(c, f, "tb-cache") : NULL;
        if (tb && !lw_memsize(c, tb, &c->dom->tcg_tb_cache_kib))
            return false;
    }
    return true;
}

static bool lw_cpu(lw_ctx *c, xmlNodePtr n)
{
    ir_domain *dom = c->dom;
    bool ok = true;
    dom->cpu_mode = lw_attr(c, n, "mode");
    dom->cpu_model = lw_child_text(c, n, "model");
    xmlNodePtr t = lw_child(c, n, "topology");
    if (t) {
        ir_cpu_topology *top = &dom->topology;
        ok = lw_attr_unsigned(c, t, "sockets", UINT32_MAX, &top->sockets, NULL);
        ok = lw_attr_unsigned(c, t, "dies", UINT32_MAX, &top->dies, NULL) && ok;
        ok = lw_attr_unsigned(c, t, "cores", UINT32_MAX, &top->cores, NULL) && ok;
        ok = lw_attr_unsigned(c, t, "threads", UINT32_MAX, &top->threads, NULL) && ok;
    }
    return ok;
}

static bool lw_clock(lw_ctx *c, xmlNodePtr n)
{
    ir_clock *clk = &c->dom->clock;
    clk->offset = (ir_clock_offset)lw_enum(c, n, "offset", "clock offset", lw_ir_clock_offset);
    if (!clk->offset && xmlHasProp(n, (const xmlChar *)"sync")) {
        /* the 2007 form: <clock sync='localtime'/> */
        clk->offset = (ir_clock_offset)lw_enum(c, n, "sync", "clock sync", lw_ir_clock_offset);
        clk->legacy_sync = true;
    }
    clk->timezone = lw_attr(c, n, "timezone");
    clk->adjustment = lw_attr(c, n, "adjustment");
    clk->basis = lw_attr(c, n, "basis");
    clk->start = lw_attr(c, n, "start");
    clk->pos = lw_pos(n);
    for (xmlNodePtr t = n->children; t; t = t->next) {
        if (!lw_is(t, "timer"))
            continue;
        lw_mark_all(c, t);   /* a timer's model is its verbatim copy */
        ir_fragments_add(&clk->timers, xml_node_dump(t), lw_pos(t));
    }
    return !c->failed;
}

/* <pm><suspend-to-mem enabled='yes|no'/><suspend-to-disk .../></pm> */
static bool lw_pm(lw_ctx *c, xmlNodePtr n)
{
    ir_domain *dom = c->dom;
    xmlNodePtr mem = lw_child(c, n, "suspend-to-mem");
    xmlNodePtr disk = lw_child(c, n, "suspend-to-disk");
    if (mem)
        dom->pm_suspend_to_mem =
            (ir_tristate)lw_enum(c, mem, "enabled", "suspend-to-mem value", lw_ir_tristate);
    if (disk)
        dom->pm_suspend_to_disk =
            (ir_tristate)lw_enum(c, disk, "enabled", "suspend-to-disk value", lw_ir_tristate);
    return !c->failed;
}

/* <memoryBacking>: the model holds <nosharepages/>; any other child keeps
 * the element's copy (the emitters read hugepages and sources from it). */
static bool lw_memory_backing(lw_ctx *c, xmlNodePtr n)
{
    c->dom->nosharepages = lw_flag(c, n, "nosharepages");
    return true;
}

/* <keywrap><cipher name='aes|dea' state='on|off'/>...</keywrap> */
static bool lw_keywrap(lw_ctx *c, xmlNodePtr n)
{
    bool ok = true;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (!lw_is(k, "cipher"))
            continue;
        lw_set_insert(&c->seen, k);
        char *name = lw_attr(c, k, "name");
        char **field = vc_streq(name, "aes") ? &c->dom->keywrap_aes
                       : vc_streq(name, "dea") ? &c->dom->keywrap_dea : NULL;
        if (!field)
            ok = lw_fail(c, k, "unknown keywrap cipher '%s'", name ? name : "");
        else if (*field)
            ok = lw_fail(c, k, "keywrap cipher '%s' is given twice", name);
        else
            *field = lw_attr(c, k, "state");
        free(name);
    }
    return ok;
}

static bool lw_lifecycle(lw_ctx *c, xmlNodePtr n, ir_lifecycle *out)
{
    char *s = lw_trim(lw_text(c, n));
    *out = ir_lifecycle_from_name(s);
    bool ok = *out != IR_LIFE_NONE;
    if (!ok)
        lw_fail(c, n, "unknown <%s> action '%s'", (const char *)n->name, s ? s : "");
    free(s);
    return ok;
}

static bool lw_on_poweroff(lw_ctx *c, xmlNodePtr n)
{
    return lw_lifecycle(c, n, &c->dom->on_poweroff);
}

static bool lw_on_reboot(lw_ctx *c, xmlNodePtr n)
{
    return lw_lifecycle(c, n, &c->dom->on_reboot);
}

static bool lw_on_crash(lw_ctx *c, xmlNodePtr n)
{
    return lw_lifecycle(c, n, &c->dom->on_crash);
}

/* <qemu:commandline>: arguments and environment for the QEMU process. */
static bool lw_qemu_commandline(lw_ctx *c, xmlNodePtr n)
{
    ir_qemu_cmdline *q = c->dom->qemu_cmdline;
    if (!q)
        q = c->dom->qemu_cmdline = vc_xcalloc(1, sizeof(*q));
    q->pos = lw_pos(n);
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || !k->ns ||
            strcmp((const char *)k->ns->href, LW_QEMU_NS) != 0)
            continue;
        if (strcmp((const char *)k->name, "arg") == 0) {
            lw_set_insert(&c->seen, k);
            char *v = lw_attr(c, k, "value");
            vc_xgrow((void **)&q->args, &q->capargs, q->nargs + 1, sizeof(char *));
            q->args[q->nargs++] = v ? v : vc_xstrdup("");
        } else if (strcmp((const char *)k->name, "env") == 0) {
            lw_set_insert(&c->seen, k);
            vc_xgrow((void **)&q->env, &q->capenv, q->nenv + 1, sizeof(ir_qemu_env));
            q->env[q->nenv].name = lw_attr(c, k, "name");
            q->env[q->nenv].value = lw_attr(c, k, "value");
            q->nenv++;
        }
    }
    return true;
}

typedef bool (*lw_top_fn)(lw_ctx *c, xmlNodePtr n);

static const struct {
    const char *name;
    lw_top_fn lower;
} lw_top[] = {
    { "name", lw_name },
    { "uuid", lw_uuid },
    { "title", lw_title },
    { "description", lw_description },
    { "metadata", lw_metadata },
    { "maxMemory", lw_max_memory },
    { "memory", lw_memory },
    { "currentMemory", lw_current_memory },
    { "vcpu", lw_vcpu },
    { "bootloader", lw_bootloader },
    { "bootloader_args", lw_bootloader_args },
    { "os", lw_os },
    { "features", lw_features },
    { "pm", lw_pm },
    { "memoryBacking", lw_memory_backing },
    { "keywrap", lw_keywrap },
    { "cpu", lw_cpu },
    { "clock", lw_clock },
    { "on_poweroff", lw_on_poweroff },
    { "on_reboot", lw_on_reboot },
    { "on_crash", lw_on_crash },
    { "devices", lw_devices_elem },
};

static lw_top_fn lw_top_lookup(xmlNodePtr n)
{
    if (n->ns) {
        bool qemu = strcmp((const char *)n->ns->href, LW_QEMU_NS) == 0;
        return qemu && strcmp((const char *)n->name, "commandline") == 0 ? lw_qemu_commandline
                                                                          : NULL;
    }
    for (size_t i = 0; i < VC_ARRAY_SIZE(lw_top); i++)
        if (strcmp(lw_top[i].name, (const char *)n->name) == 0)
            return lw_top[i].lower;
    return NULL;
}

/* Metadata and devices are kept whole (or device by device) by their own
 * lowering; any other element with content beyond the model goes to extra. */
static bool lw_top_keeps_all(lw_top_fn fn)
{
    return fn == lw_metadata || fn == lw_devices_elem;
}

static void lw_domain_attrs(lw_ctx *c, xmlNodePtr root)
{
    ir_domain *dom = c->dom;
    dom->pos = lw_pos(root);
    dom->type = (ir_virt_type)lw_enum(c, root, "type", "domain type", lw_ir_virt_type);
    lw_attr_int(c, root, "id", &dom->id);
}

static void lw_domain_checks(lw_ctx *c, xmlNodePtr root)
{
    ir_domain *dom = c->dom;
    if (!dom->name && !xml_child(root, "name"))
        lw_fail(c, root, "missing <name>");
    /* libvirt's parser takes a balloon above the memory and lowers it to
     * the memory (what it prints back), so format and every emitter see
     * that value: a warning, not a refusal */
    if (dom->current_memory_kib > dom->memory_kib && dom->memory_kib) {
        xmlNodePtr cur = xml_child(root, "currentMemory");
        vc_warn_at(c->d, lw_loc(c, cur ? cur : root), "currentMemory (%llu KiB) is larger than "
                   "memory (%llu KiB); lowered to memory", dom->current_memory_kib,
                   dom->memory_kib);
        dom->current_memory_kib = dom->memory_kib;
    }
    if (!dom->uuid_given && !xml_child(root, "uuid"))
        ir_uuid_generate(dom->uuid);
}

ir_domain *xml_domain_lower(xmlDocPtr doc, const char *file, vc_diags *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    size_t errors_before = d->nerrors;   /* d may hold other documents' errors */
    lw_ctx c = { file, d, ir_domain_new(), { NULL, 0, 0 }, false };
    lw_domain_attrs(&c, root);
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        lw_top_fn fn = lw_top_lookup(n);
        if (!fn) {
            ir_fragments_add(&c.dom->extra, xml_node_dump(n), lw_pos(n));
            continue;
        }
        lw_set_insert(&c.seen, n);
        fn(&c, n);
        if (!lw_top_keeps_all(fn) && !lw_complete(&c, n))
            ir_fragments_add(&c.dom->extra, xml_node_dump(n), lw_pos(n));
    }
    lw_domain_checks(&c, root);
    free(c.seen.v);
    if (c.failed || d->nerrors > errors_before) {
        ir_domain_free(c.dom);
        return NULL;
    }
    return c.dom;
}

/* ---- the whole front end --------------------------------------------- */

/* Checks the root, validates, lowers; frees doc. */
static ir_domain *lw_from_doc(xmlDocPtr doc, const char *file, vc_diags *d)
{
    if (!doc)
        return NULL;
    size_t before = d->nerrors;
    ir_domain *dom = NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root->ns || strcmp((const char *)root->name, "domain") != 0)
        vc_error_at(d, xml_node_loc(file, root), "expected <domain>, found <%s>",
                    (const char *)root->name);
    else if (vc_schema_validate(vc_schema_kind_by_name("domain"), doc, file, d) &&
             d->nerrors == before)
        dom = xml_domain_lower(doc, file, d);
    xmlFreeDoc(doc);
    return dom;
}

ir_domain *xml_domain_parse(const char *file, const char *data, size_t len, vc_diags *d)
{
    return lw_from_doc(xml_doc_read(file, data, len, d), file, d);
}

ir_domain *xml_domain_parse_file(const char *file, vc_diags *d)
{
    return lw_from_doc(xml_doc_read_file(file, d), file, d);
}

ir_domain *xml_domain_parse_doc(xmlDocPtr doc, const char *file, vc_diags *d)
{
    return lw_from_doc(doc, file, d);
}
