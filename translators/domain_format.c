/*
 * domain_format.c: the domain formatter, IR -> canonical XML.
 *
 * The layout is libvirt's: two-space indent, single-quoted attributes, the
 * element order of libvirt's formatter (top-level elements and devices each
 * in a fixed order of slots, document order within a slot), today's forms
 * (<clock offset=...> for the 2007 <clock sync=...>, memory in KiB).
 *
 * Verbatim pieces (metadata, timers, unmodelled elements and devices, and
 * devices the model covers only in part) are parsed again and re-serialized
 * at their depth, so that formatting the output once more gives the same
 * bytes.
 */
#include "domain_xml.h"

#include <libxml/parser.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmldoc.h"

#define FM_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
#define FM_XEN_NS "http://libvirt.org/schemas/domain/xen/1.0"

/* ---- writing elements ------------------------------------------------ */

static void fm_open(vc_buf *b, int depth, const char *name)
{
    vc_buf_indent(b, depth * 2);
    vc_buf_putc(b, '<');
    vc_buf_puts(b, name);
}

static void fm_attr(vc_buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    vc_buf_putc(b, ' ');
    vc_buf_puts(b, name);
    vc_buf_puts(b, "='");
    vc_buf_xml_escape(b, value, '\'', true);
    vc_buf_putc(b, '\'');
}

static void fm_attrf(vc_buf *b, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fm_attrf(vc_buf *b, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = vc_xvasprintf(fmt, ap);
    va_end(ap);
    fm_attr(b, name, v);
    free(v);
}

static void fm_tristate(vc_buf *b, const char *name, ir_tristate t)
{
    fm_attr(b, name, ir_tristate_name(t));
}

/* Ends a start tag: "/>" when child is empty, else the children and the
 * end tag. Frees child. */
static void fm_finish(vc_buf *b, int depth, const char *name, vc_buf *child)
{
    if (child->len == 0) {
        vc_buf_puts(b, "/>\n");
    } else {
        vc_buf_puts(b, ">\n");
        vc_buf_add(b, child->data, child->len);
        vc_buf_indent(b, depth * 2);
        vc_buf_printf(b, "</%s>\n", name);
    }
    vc_buf_free(child);
}

static void fm_empty(vc_buf *b)
{
    vc_buf_puts(b, "/>\n");
}

/* <name>text</name>, when there is text. */
static void fm_text_elem(vc_buf *b, int depth, const char *name, const char *text)
{
    if (!text)
        return;
    fm_open(b, depth, name);
    vc_buf_putc(b, '>');
    vc_buf_xml_escape(b, text, '\'', false);
    vc_buf_printf(b, "</%s>\n", name);
}

/* ---- verbatim fragments ---------------------------------------------- */

/* The namespace declarations in scope, innermost last. Past 64 nested
 * declarations they are no longer tracked and get written again: redundant,
 * still the same document. */
typedef struct fm_scope {
    const char *prefix[64];
    const char *href[64];
    int n;
} fm_scope;

static bool fm_scope_has(const fm_scope *s, const xmlNs *ns)
{
    for (int i = s->n - 1; i >= 0; i--)
        if (vc_streq(s->prefix[i], (const char *)ns->prefix))
            return vc_streq(s->href[i], (const char *)ns->href);
    return false;
}

static void fm_qname(vc_buf *b, const xmlNs *ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        vc_buf_printf(b, "%s:", (const char *)ns->prefix);
    vc_buf_puts(b, (const char *)name);
}

static bool fm_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Element content (only elements, comments and blank text) is re-indented;
 * mixed content is written as it stands. */
static bool fm_mixed(xmlNodePtr n)
{
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) &&
             !fm_blank(k->content)) ||
            k->type == XML_ENTITY_REF_NODE)
            return true;
    return false;
}

static bool fm_has_content(xmlNodePtr n)
{
    for (xmlNodePtr k = n->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE || k->type == XML_COMMENT_NODE ||
            k->type == XML_PI_NODE || !fm_blank(k->content))
            return true;
    return false;
}

static void fm_node(vc_buf *b, xmlNodePtr n, int depth, char quote, bool pretty, fm_scope *scope);

/* A namespace URI as the document wrote it: libxml2 keeps a '&' of a
 * namespace declaration as the text "&#38;" (without entity substitution),
 * which escaped again would read back as a different URI. */
static void fm_ns_href(vc_buf *b, const char *href, char quote)
{
    vc_buf raw;
    vc_buf_init(&raw);
    for (const char *s = href; *s; s++) {
        if (strncmp(s, "&#38;", 5) == 0) {
            vc_buf_putc(&raw, '&');
            s += 4;
        } else {
            vc_buf_putc(&raw, *s);
        }
    }
    vc_buf_xml_escape(b, vc_buf_str(&raw), quote, true);
    vc_buf_free(&raw);
}

static void fm_element(vc_buf *b, xmlNodePtr n, int depth, char quote, bool pretty,
                       fm_scope *scope)
{
    int saved = scope->n;
    if (pretty)
        vc_buf_indent(b, depth * 2);
    vc_buf_putc(b, '<');
    fm_qname(b, n->ns, n->name);
    for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next) {
        if (fm_scope_has(scope, ns))
            continue;
        vc_buf_puts(b, ns->prefix ? " xmlns:" : " xmlns");
        if (ns->prefix)
            vc_buf_puts(b, (const char *)ns->prefix);
        vc_buf_printf(b, "=%c", quote);
        fm_ns_href(b, (const char *)ns->href, quote);
        vc_buf_putc(b, quote);
        if (scope->n < (int)VC_ARRAY_SIZE(scope->prefix)) {
            scope->prefix[scope->n] = (const char *)ns->prefix;
            scope->href[scope->n++] = (const char *)ns->href;
        }
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
        vc_buf_putc(b, ' ');
        fm_qname(b, a->ns, a->name);
        vc_buf_printf(b, "=%c", quote);
        vc_buf_xml_escape(b, v ? (const char *)v : "", quote, true);
        vc_buf_putc(b, quote);
        xmlFree(v);
    }
    if (!fm_has_content(n)) {
        vc_buf_puts(b, pretty ? "/>\n" : "/>");
    } else if (pretty && !fm_mixed(n)) {
        vc_buf_puts(b, ">\n");
        for (xmlNodePtr k = n->children; k; k = k->next)
            fm_node(b, k, depth + 1, quote, true, scope);
        vc_buf_indent(b, depth * 2);
        vc_buf_puts(b, "</");
        fm_qname(b, n->ns, n->name);
        vc_buf_puts(b, ">\n");
    } else {
        vc_buf_putc(b, '>');
        for (xmlNodePtr k = n->children; k; k = k->next)
            fm_node(b, k, depth + 1, quote, false, scope);
        vc_buf_puts(b, "</");
        fm_qname(b, n->ns, n->name);
        vc_buf_puts(b, pretty ? ">\n" : ">");
    }
    scope->n = saved;
}

static void fm_node(vc_buf *b, xmlNodePtr n, int depth, char quote, bool pretty, fm_scope *scope)
{
    switch (n->type) {
    case XML_ELEMENT_NODE:
        fm_element(b, n, depth, quote, pretty, scope);
        break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (!pretty)
            vc_buf_xml_escape(b, (const char *)n->content, quote, false);
        break;
    case XML_ENTITY_REF_NODE: {
        xmlChar *v = xmlNodeGetContent(n);
        vc_buf_xml_escape(b, v ? (const char *)v : "", quote, false);
        xmlFree(v);
        break;
    }
    case XML_COMMENT_NODE:
        if (pretty)
            vc_buf_indent(b, depth * 2);
        vc_buf_printf(b, "<!--%s-->", (const char *)n->content);
        if (pretty)
            vc_buf_putc(b, '\n');
        break;
    default:
        break;
    }
}

static xmlDocPtr fm_parse_fragment(const char *xml)
{
    xml_init();
    return xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
                         XML_PARSE_NOWARNING);
}

/* Writes a verbatim piece at depth; scope holds what <domain> declares. */
static void fm_fragment(vc_buf *b, const char *xml, int depth, char quote, const fm_scope *scope)
{
    xmlDocPtr doc = fm_parse_fragment(xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        /* not XML we can read again (a back end's own text): keep it whole */
        vc_buf_indent(b, depth * 2);
        vc_buf_puts(b, xml);
        vc_buf_putc(b, '\n');
    } else {
        fm_scope s = *scope;
        fm_element(b, root, depth, quote, true, &s);
    }
    xmlFreeDoc(doc);
}

/* ---- addresses ------------------------------------------------------- */

static void fm_address_attrs(vc_buf *b, const ir_address *a)
{
    switch (a->type) {
    case IR_ADDR_PCI:
        fm_attrf(b, "domain", "0x%04x", a->domain);
        fm_attrf(b, "bus", "0x%02x", a->bus);
        fm_attrf(b, "slot", "0x%02x", a->slot);
        fm_attrf(b, "function", "0x%x", a->function);
        if (a->multifunction)
            fm_attr(b, "multifunction", a->multifunction == IR_TRI_YES ? "on" : "off");
        break;
    case IR_ADDR_DRIVE:
        fm_attrf(b, "controller", "%u", a->controller);
        fm_attrf(b, "bus", "%u", a->bus);
        fm_attrf(b, "target", "%u", a->target);
        fm_attrf(b, "unit", "%u", a->unit);
        break;
    case IR_ADDR_VIRTIO_SERIAL:
        fm_attrf(b, "controller", "%u", a->controller);
        fm_attrf(b, "bus", "%u", a->bus);
        if (a->has_port)
            fm_attrf(b, "port", "%u", a->port);
        break;
    case IR_ADDR_CCID:
        fm_attrf(b, "controller", "%u", a->controller);
        fm_attrf(b, "slot", "%u", a->slot);
        break;
    case IR_ADDR_USB:   /* usbAddr: three digits, hex past 999 */
        fm_attrf(b, "bus", a->bus > 999 ? "0x%x" : "%u", a->bus);
        fm_attr(b, "port", a->usb_port);
        break;
    case IR_ADDR_ISA:
        if (a->has_port)
            fm_attrf(b, "iobase", "0x%x", a->port);
        break;
    case IR_ADDR_DIMM:
        if (a->has_slot)
            fm_attrf(b, "slot", "%u", a->slot);
        break;
    default:
        break;
    }
}

static void fm_address(vc_buf *b, int depth, const ir_address *a)
{
    if (!a->type)
        return;
    fm_open(b, depth, "address");
    fm_attr(b, "type", ir_addr_type_name(a->type));
    fm_address_attrs(b, a);
    fm_empty(b);
}

static void fm_boot_order(vc_buf *b, int depth, int order)
{
    if (order <= 0)
        return;
    fm_open(b, depth, "boot");
    fm_attrf(b, "order", "%d", order);
    fm_empty(b);
}

/* ---- devices --------------------------------------------------------- */

static void fm_attr_elem(vc_buf *b, int depth, const char *elem, const char *attr,
                         const char *value);

/* <auth username=><secret type= uuid= usage=/></auth> */
static void fm_disk_auth(vc_buf *b, int depth, const ir_disk *disk)
{
    if (!disk->auth_username)
        return;
    fm_open(b, depth, "auth");
    fm_attr(b, "username", disk->auth_username);
    vc_buf c;
    vc_buf_init(&c);
    const ir_secret_ref *s = &disk->auth_secret;
    if (s->type || s->uuid || s->usage) {
        fm_open(&c, depth + 1, "secret");
        fm_attr(&c, "type", s->type);
        fm_attr(&c, "uuid", s->uuid);
        fm_attr(&c, "usage", s->usage);
        fm_empty(&c);
    }
    fm_finish(b, depth, "auth", &c);
}

static void fm_disk_source(vc_buf *b, int depth, const ir_disk *disk)
{
    if (disk->type == IR_DISK_TYPE_NETWORK) {
        if (!disk->source_protocol && !disk->source && !disk->nhosts && !disk->source_snapshot &&
            !disk->source_config && !(disk->auth_username && disk->auth_in_source))
            return;
        fm_open(b, depth, "source");
        fm_attr(b, "protocol", disk->source_protocol);
        fm_attr(b, "name", disk->source);
        vc_buf hosts;
        vc_buf_init(&hosts);
        for (size_t i = 0; i < disk->nhosts; i++) {
            const ir_host *h = &disk->hosts[i];
            fm_open(&hosts, depth + 1, "host");
            fm_attr(&hosts, "name", h->name);
            fm_attr(&hosts, "port", h->port);
            fm_attr(&hosts, "transport", h->transport);
            fm_attr(&hosts, "socket", h->socket);
            fm_empty(&hosts);
        }
        fm_attr_elem(&hosts, depth + 1, "snapshot", "name", disk->source_snapshot);
        fm_attr_elem(&hosts, depth + 1, "config", "file", disk->source_config);
        if (disk->auth_in_source)
            fm_disk_auth(&hosts, depth + 1, disk);
        fm_finish(b, depth, "source", &hosts);
        return;
    }
    if (!disk->source)
        return;
    const char *attr = disk->type == IR_DISK_TYPE_BLOCK ? "dev"
                       : disk->type == IR_DISK_TYPE_DIR ? "dir" : "file";
    fm_open(b, depth, "source");
    fm_attr(b, attr, disk->source);
    fm_empty(b);
}

static void fm_encryption(vc_buf *b, int depth, const ir_encryption *enc)
{
    fm_open(b, depth, "encryption");
    fm_attr(b, "format", enc->format);
    vc_buf child;
    vc_buf_init(&child);
    for (size_t i = 0; i < enc->nsecrets; i++) {
        fm_open(&child, depth + 1, "secret");
        fm_attr(&child, "type", enc->secrets[i].type);
        fm_attr(&child, "uuid", enc->secrets[i].uuid);
        fm_attr(&child, "usage", enc->secrets[i].usage);
        fm_empty(&child);
    }
    fm_finish(b, depth, "encryption", &child);
}

/* iommu= ats= packed= page_per_vq= of a <driver> (libvirt writes them
 * after the element's own attributes). */
static const char *const fm_onoff[IR_TRI_NO + 1] = { NULL, "on", "off" };

static bool fm_virtio_any(const ir_virtio_opts *v)
{
    return v->iommu || v->ats || v->packed || v->page_per_vq;
}

static void fm_virtio_opts(vc_buf *b, const ir_virtio_opts *v)
{
    fm_attr(b, "iommu", fm_onoff[v->iommu]);
    fm_attr(b, "ats", fm_onoff[v->ats]);
    fm_attr(b, "packed", fm_onoff[v->packed]);
    fm_attr(b, "page_per_vq", fm_onoff[v->page_per_vq]);
}

static void fm_disk(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_disk *disk = &dev->u.disk;
    int d = depth + 1;
    fm_open(b, depth, "disk");
    fm_attr(b, "type", disk->type ? ir_disk_type_name(disk->type) : "file");
    fm_attr(b, "device", disk->device ? ir_disk_device_name(disk->device) : "disk");
    vc_buf c;
    vc_buf_init(&c);
    if (disk->driver_name || disk->driver_type || disk->driver_cache || disk->driver_io ||
        disk->driver_error_policy || disk->driver_rerror_policy || fm_virtio_any(&disk->virtio)) {
        fm_open(&c, d, "driver");
        fm_attr(&c, "name", disk->driver_name);
        fm_attr(&c, "type", disk->driver_type);
        fm_attr(&c, "cache", disk->driver_cache);
        fm_attr(&c, "error_policy", disk->driver_error_policy);
        fm_attr(&c, "rerror_policy", disk->driver_rerror_policy);
        fm_attr(&c, "io", disk->driver_io);
        fm_virtio_opts(&c, &disk->virtio);
        fm_empty(&c);
    }
    if (!disk->auth_in_source)
        fm_disk_auth(&c, d, disk);
    fm_disk_source(&c, d, disk);
    if (disk->target_dev || disk->target_bus) {
        fm_open(&c, d, "target");
        fm_attr(&c, "dev", disk->target_dev);
        fm_attr(&c, "bus", ir_disk_bus_name(disk->target_bus));
        fm_empty(&c);
    }
    if (disk->readonly)
        vc_buf_indent(&c, d * 2), vc_buf_puts(&c, "<readonly/>\n");
    if (disk->shareable)
        vc_buf_indent(&c, d * 2), vc_buf_puts(&c, "<shareable/>\n");
    if (disk->transient)
        vc_buf_indent(&c, d * 2), vc_buf_puts(&c, "<transient/>\n");
    fm_text_elem(&c, d, "serial", disk->serial);
    if (disk->encryption)
        fm_encryption(&c, d, disk->encryption);
    fm_boot_order(&c, d, disk->boot_order);
    fm_address(&c, d, &disk->addr);
    fm_finish(b, depth, "disk", &c);
}

/* A PCI controller's <model name=> and <target>, in libvirt's order; the
 * port in hex as libvirt writes it. */
static void fm_controller_target(vc_buf *b, int depth, const ir_controller *ctl)
{
    if (ctl->model_name) {
        fm_open(b, depth, "model");
        fm_attr(b, "name", ctl->model_name);
        fm_empty(b);
    }
    if (ctl->chassis_nr < 0 && ctl->chassis < 0 && ctl->port < 0 && ctl->bus_nr < 0 &&
        ctl->target_index < 0 && ctl->node < 0 && !ctl->hotplug)
        return;
    fm_open(b, depth, "target");
    if (ctl->chassis_nr >= 0)
        fm_attrf(b, "chassisNr", "%d", ctl->chassis_nr);
    if (ctl->chassis >= 0)
        fm_attrf(b, "chassis", "%d", ctl->chassis);
    if (ctl->port >= 0)
        fm_attrf(b, "port", "0x%x", (unsigned)ctl->port);
    if (ctl->bus_nr >= 0)
        fm_attrf(b, "busNr", "%d", ctl->bus_nr);
    if (ctl->target_index >= 0)
        fm_attrf(b, "index", "%d", ctl->target_index);
    fm_attr(b, "hotplug", fm_onoff[ctl->hotplug]);
    vc_buf k;
    vc_buf_init(&k);
    if (ctl->node >= 0) {
        vc_buf_indent(&k, (depth + 1) * 2);
        vc_buf_printf(&k, "<node>%d</node>\n", ctl->node);
    }
    fm_finish(b, depth, "target", &k);
}

static void fm_controller(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_controller *ctl = &dev->u.controller;
    fm_open(b, depth, "controller");
    fm_attr(b, "type", ctl->type);
    if (ctl->index >= 0)
        fm_attrf(b, "index", "%d", ctl->index);
    fm_attr(b, "model", ctl->model);
    vc_buf c;
    vc_buf_init(&c);
    fm_controller_target(&c, depth + 1, ctl);
    if (ctl->startport >= 0) {
        fm_open(&c, depth + 1, "master");
        fm_attrf(&c, "startport", "%d", ctl->startport);
        fm_empty(&c);
    }
    fm_address(&c, depth + 1, &ctl->addr);
    fm_finish(b, depth, "controller", &c);
}

static void fm_filesystem(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_filesystem *fs = &dev->u.fs;
    int d = depth + 1;
    fm_open(b, depth, "filesystem");
    fm_attr(b, "type", fs->type ? fs->type : "mount");
    fm_attr(b, "accessmode", fs->accessmode);
    vc_buf c;
    vc_buf_init(&c);
    const char *sattr = xml_fs_source_attr(fs->type);
    if (fs->source && sattr) {
        fm_open(&c, d, "source");
        fm_attr(&c, sattr, fs->source);
        fm_empty(&c);
    }
    if (fs->target) {
        fm_open(&c, d, "target");
        fm_attr(&c, "dir", fs->target);
        fm_empty(&c);
    }
    if (fs->readonly)
        vc_buf_indent(&c, d * 2), vc_buf_puts(&c, "<readonly/>\n");
    fm_address(&c, d, &fs->addr);
    fm_finish(b, depth, "filesystem", &c);
}

/* <elem attr='value'/> when value is set. */
static void fm_attr_elem(vc_buf *b, int depth, const char *elem, const char *attr,
                         const char *value)
{
    if (!value)
        return;
    fm_open(b, depth, elem);
    fm_attr(b, attr, value);
    fm_empty(b);
}

static void fm_interface(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    int d = depth + 1;
    fm_open(b, depth, "interface");
    fm_attr(b, "type", ir_net_type_name(net->type));
    vc_buf c;
    vc_buf_init(&c);
    fm_attr_elem(&c, d, "mac", "address", net->mac);
    if (net->source_network || net->source_bridge || net->source_dev || net->source_mode ||
        net->source_address || net->source_port || net->local_address || net->local_port) {
        fm_open(&c, d, "source");
        fm_attr(&c, "network", net->source_network);
        fm_attr(&c, "bridge", net->source_bridge);
        fm_attr(&c, "dev", net->source_dev);
        fm_attr(&c, "mode", net->source_mode);
        fm_attr(&c, "address", net->source_address);
        fm_attr(&c, "port", net->source_port);
        vc_buf local;
        vc_buf_init(&local);
        if (net->local_address || net->local_port) {
            fm_open(&local, d + 1, "local");
            fm_attr(&local, "address", net->local_address);
            fm_attr(&local, "port", net->local_port);
            fm_empty(&local);
        }
        fm_finish(&c, d, "source", &local);
    }
    fm_attr_elem(&c, d, "ip", "address", net->ip_address);
    fm_attr_elem(&c, d, "script", "path", net->script);
    fm_attr_elem(&c, d, "target", "dev", net->target_dev);
    fm_attr_elem(&c, d, "model", "type", net->model);
    if (net->driver_name || fm_virtio_any(&net->virtio)) {
        fm_open(&c, d, "driver");
        fm_attr(&c, "name", net->driver_name);
        fm_virtio_opts(&c, &net->virtio);
        fm_empty(&c);
    }
    fm_boot_order(&c, d, net->boot_order);
    fm_address(&c, d, &net->addr);
    fm_finish(b, depth, "interface", &c);
}

static void fm_chr_source(vc_buf *b, int depth, const char *mode, const char *path,
                          const char *host, const char *service)
{
    if (!mode && !path && !host && !service)
        return;
    fm_open(b, depth, "source");
    fm_attr(b, "mode", mode);
    fm_attr(b, "path", path);
    fm_attr(b, "host", host);
    fm_attr(b, "service", service);
    fm_empty(b);
}

static void fm_chr(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_chr *chr = &dev->u.chr;
    const char *name = ir_chr_kind_name(chr->kind);
    int d = depth + 1;
    fm_open(b, depth, name);
    fm_attr(b, "type", ir_chr_type_name(chr->type));
    fm_attr(b, "tty", chr->tty);
    vc_buf c;
    vc_buf_init(&c);
    if (chr->bind_host || chr->bind_service)
        fm_chr_source(&c, d, "bind", NULL, chr->bind_host, chr->bind_service);
    fm_chr_source(&c, d, chr->mode, chr->path, chr->host, chr->service);
    fm_attr_elem(&c, d, "protocol", "type", chr->protocol);
    if (chr->target_type || chr->target_name || chr->target_address || chr->target_port_str ||
        chr->target_port >= 0) {
        fm_open(&c, d, "target");
        fm_attr(&c, "type", chr->target_type);
        fm_attr(&c, "name", chr->target_name);
        fm_attr(&c, "address", chr->target_address);
        if (chr->target_port_str)
            fm_attr(&c, "port", chr->target_port_str);
        else if (chr->target_port >= 0)
            fm_attrf(&c, "port", "%d", chr->target_port);
        fm_empty(&c);
    }
    fm_address(&c, d, &chr->addr);
    fm_finish(b, depth, name, &c);
}

static void fm_input(vc_buf *b, int depth, const ir_device *dev)
{
    fm_open(b, depth, "input");
    fm_attr(b, "type", dev->u.input.type);
    fm_attr(b, "bus", dev->u.input.bus);
    vc_buf c;
    vc_buf_init(&c);
    fm_address(&c, depth + 1, &dev->u.input.addr);
    fm_finish(b, depth, "input", &c);
}

static void fm_graphics(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_graphics *g = &dev->u.graphics;
    fm_open(b, depth, "graphics");
    fm_attr(b, "type", ir_graphics_type_name(g->type));
    fm_attr(b, "display", g->display);
    fm_attr(b, "xauth", g->xauth);
    fm_tristate(b, "fullscreen", g->fullscreen);
    if (g->type != IR_GFX_SPICE)
        fm_attr(b, "socket", g->socket);   /* spice says it in <listen> only */
    if (g->port)
        fm_attrf(b, "port", "%d", g->port);
    /* port='-1' has always meant "pick one"; libvirt spells it out */
    fm_tristate(b, "autoport", g->autoport ? g->autoport : g->port == -1 ? IR_TRI_YES
                                                                            : IR_TRI_ABSENT);
    if (g->websocket)
        fm_attrf(b, "websocket", "%d", g->websocket);
    fm_attr(b, "listen", g->listen);
    fm_attr(b, "keymap", g->keymap);
    fm_attr(b, "sharePolicy", g->share_policy);
    fm_attr(b, "passwd", g->passwd);
    fm_attr(b, "passwdValidTo", g->passwd_valid_to);
    fm_tristate(b, "p2p", g->p2p);
    fm_attr(b, "address", g->bus_address);
    vc_buf c;
    vc_buf_init(&c);
    /* libvirt writes the listen attribute again as a <listen> child */
    if (g->type == IR_GFX_VNC || g->type == IR_GFX_SPICE) {
        fm_open(&c, depth + 1, "listen");
        fm_attr(&c, "type", g->socket ? "socket" : "address");
        fm_attr(&c, g->socket ? "socket" : "address", g->socket ? g->socket : g->listen);
        fm_empty(&c);
    }
    if (g->gl || g->gl_rendernode) {
        fm_open(&c, depth + 1, "gl");
        fm_tristate(&c, "enable", g->gl);
        fm_attr(&c, "rendernode", g->gl_rendernode);
        fm_empty(&c);
    }
    if (g->audio_id) {
        fm_open(&c, depth + 1, "audio");
        fm_attrf(&c, "id", "%u", g->audio_id);
        fm_empty(&c);
    }
    fm_finish(b, depth, "graphics", &c);
}

static void fm_sound(vc_buf *b, int depth, const ir_device *dev)
{
    fm_open(b, depth, "sound");
    fm_attr(b, "model", dev->u.sound.model);
    vc_buf c;
    vc_buf_init(&c);
    if (dev->u.sound.audio_id) {
        fm_open(&c, depth + 1, "audio");
        fm_attrf(&c, "id", "%u", dev->u.sound.audio_id);
        fm_empty(&c);
    }
    fm_address(&c, depth + 1, &dev->u.sound.addr);
    fm_finish(b, depth, "sound", &c);
}

static void fm_video(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_video *v = &dev->u.video;
    int d = depth + 1;
    fm_open(b, depth, "video");
    vc_buf c;
    vc_buf_init(&c);
    if (v->model || v->vram || v->heads || v->primary) {
        fm_open(&c, d, "model");
        fm_attr(&c, "type", v->model);
        if (v->vram)
            fm_attrf(&c, "vram", "%llu", v->vram);
        if (v->heads)
            fm_attrf(&c, "heads", "%d", v->heads);
        if (v->primary)
            fm_attr(&c, "primary", "yes");
        if (v->accel3d || v->accel2d || v->rendernode) {
            vc_buf a;
            vc_buf_init(&a);
            fm_open(&a, d + 1, "acceleration");
            fm_tristate(&a, "accel3d", v->accel3d);
            fm_tristate(&a, "accel2d", v->accel2d);
            fm_attr(&a, "rendernode", v->rendernode);
            fm_empty(&a);
            fm_finish(&c, d, "model", &a);
        } else {
            fm_empty(&c);
        }
    }
    fm_address(&c, d, &v->addr);
    fm_finish(b, depth, "video", &c);
}

/* The element a capabilities device names its host side with. */
static const char *const fm_caps_source_elem[IR_HOSTDEV_LAST] = {
    [IR_HOSTDEV_STORAGE] = "block", [IR_HOSTDEV_MISC] = "char", [IR_HOSTDEV_NET] = "interface",
};

static void fm_hostdev_source(vc_buf *b, int depth, const ir_hostdev *h)
{
    vc_buf c;
    vc_buf_init(&c);
    if (ir_hostdev_is_caps(h->type))
        fm_text_elem(&c, depth + 1, fm_caps_source_elem[h->type], h->caps_source);
    fm_attr_elem(&c, depth + 1, "vendor", "id", h->vendor);
    fm_attr_elem(&c, depth + 1, "product", "id", h->product);
    if (h->has_usb_addr) {
        fm_open(&c, depth + 1, "address");
        /* the schema's usbAddr takes three digits: past 999, hex (0xa58) */
        fm_attrf(&c, "bus", h->usb_bus > 999 ? "0x%x" : "%u", h->usb_bus);
        fm_attrf(&c, "device", h->usb_device > 999 ? "0x%x" : "%u", h->usb_device);
        fm_empty(&c);
    }
    if (h->source_addr.type) {
        /* the host side of a PCI device: libvirt leaves out type='pci' */
        fm_open(&c, depth + 1, "address");
        fm_address_attrs(&c, &h->source_addr);
        fm_empty(&c);
    }
    if (c.len == 0) {
        vc_buf_free(&c);
        return;
    }
    fm_open(b, depth, "source");
    fm_finish(b, depth, "source", &c);
}

static void fm_hostdev(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_hostdev *h = &dev->u.hostdev;
    int d = depth + 1;
    fm_open(b, depth, "hostdev");
    fm_attr(b, "mode", h->mode                       ? h->mode
                       : ir_hostdev_is_caps(h->type) ? "capabilities"
                                                     : "subsystem");
    fm_attr(b, "type", ir_hostdev_type_name(h->type));
    fm_tristate(b, "managed", h->managed);
    vc_buf c;
    vc_buf_init(&c);
    fm_attr_elem(&c, d, "driver", "name", h->driver_name);
    fm_hostdev_source(&c, d, h);
    fm_boot_order(&c, d, h->boot_order);
    fm_address(&c, d, &h->addr);
    fm_finish(b, depth, "hostdev", &c);
}

static void fm_watchdog(vc_buf *b, int depth, const ir_device *dev)
{
    fm_open(b, depth, "watchdog");
    fm_attr(b, "model", dev->u.watchdog.model);
    fm_attr(b, "action", dev->u.watchdog.action);
    vc_buf c;
    vc_buf_init(&c);
    fm_address(&c, depth + 1, &dev->u.watchdog.addr);
    fm_finish(b, depth, "watchdog", &c);
}

static void fm_memballoon(vc_buf *b, int depth, const ir_device *dev)
{
    fm_open(b, depth, "memballoon");
    fm_attr(b, "model", dev->u.memballoon.model);
    vc_buf c;
    vc_buf_init(&c);
    fm_address(&c, depth + 1, &dev->u.memballoon.addr);
    fm_finish(b, depth, "memballoon", &c);
}

static void fm_rng(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_rng *r = &dev->u.rng;
    int d = depth + 1;
    fm_open(b, depth, "rng");
    fm_attr(b, "model", r->model);
    vc_buf c;
    vc_buf_init(&c);
    if (r->backend_model || r->backend_path) {
        fm_open(&c, d, "backend");
        fm_attr(&c, "model", r->backend_model);
        if (r->backend_path) {
            vc_buf_putc(&c, '>');
            vc_buf_xml_escape(&c, r->backend_path, '\'', false);
            vc_buf_puts(&c, "</backend>\n");
        } else {
            fm_empty(&c);
        }
    }
    fm_address(&c, d, &r->addr);
    fm_finish(b, depth, "rng", &c);
}

/* ---- device kinds added for QEMU 7.2 --------------------------------- */

/* Lowering keeps these elements as written (dev->xml); the writers below
 * serve devices another front end built (from-native), in libvirt's
 * layout, from the fields the model has. */

static void fm_attr_uint(vc_buf *b, const char *name, unsigned long long v)
{
    if (v)
        fm_attrf(b, name, "%llu", v);
}

/* <name unit='KiB'>N</name>, when N is given. */
static void fm_size_elem(vc_buf *b, int depth, const char *name, unsigned long long kib)
{
    if (!kib)
        return;
    fm_open(b, depth, name);
    vc_buf_printf(b, " unit='KiB'>%llu</%s>\n", kib, name);
}

static void fm_audio_io(vc_buf *b, int depth, const char *name, const ir_audio_io *io)
{
    if (!io->given)
        return;
    fm_open(b, depth, name);
    fm_tristate(b, "mixingEngine", io->mixing_engine);
    fm_tristate(b, "fixedSettings", io->fixed_settings);
    fm_attr_uint(b, "voices", io->voices);
    fm_attr_uint(b, "bufferLength", io->buffer_length);
    fm_attr(b, "dev", io->dev);
    fm_attr(b, "name", io->name);
    fm_attr(b, "streamName", io->stream_name);
    fm_attr_uint(b, "latency", io->latency);
    fm_attr(b, "clientName", io->client_name);
    fm_attr(b, "serverName", io->server_name);
    fm_attr(b, "connectPorts", io->connect_ports);
    fm_tristate(b, "exactName", io->exact_name);
    fm_tristate(b, "tryPoll", io->try_poll);
    fm_attr_uint(b, "bufferCount", io->buffer_count);
    vc_buf c;
    vc_buf_init(&c);
    if (io->frequency || io->channels || io->format) {
        fm_open(&c, depth + 1, "settings");
        fm_attr_uint(&c, "frequency", io->frequency);
        fm_attr_uint(&c, "channels", io->channels);
        fm_attr(&c, "format", io->format);
        fm_empty(&c);
    }
    fm_finish(b, depth, name, &c);
}

static void fm_audio(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_audio *a = &dev->u.audio;
    fm_open(b, depth, "audio");
    fm_attr_uint(b, "id", a->id);
    fm_attr(b, "type", a->type);
    fm_attr_uint(b, "timerPeriod", a->timer_period);
    fm_attr(b, "path", a->path);
    fm_attr(b, "serverName", a->server_name);
    fm_attr(b, "runtimeDir", a->runtime_dir);
    fm_attr(b, "driver", a->driver);
    fm_tristate(b, "tryMMap", a->try_mmap);
    fm_tristate(b, "exclusive", a->exclusive);
    if (a->has_dsp_policy)
        fm_attrf(b, "dspPolicy", "%u", a->dsp_policy);
    vc_buf c;
    vc_buf_init(&c);
    fm_audio_io(&c, depth + 1, "input", &a->in);
    fm_audio_io(&c, depth + 1, "output", &a->out);
    fm_finish(b, depth, "audio", &c);
}

static void fm_tpm(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_tpm *t = &dev->u.tpm;
    int d = depth + 1;
    fm_open(b, depth, "tpm");
    fm_attr(b, "model", t->model);
    vc_buf c;
    vc_buf_init(&c);
    if (t->backend_type) {
        fm_open(&c, d, "backend");
        fm_attr(&c, "type", t->backend_type);
        fm_attr(&c, "version", t->backend_version);
        fm_tristate(&c, "persistent_state", t->persistent_state);
        vc_buf k;
        vc_buf_init(&k);
        if (t->device_path) {
            fm_open(&k, d + 1, "device");
            fm_attr(&k, "path", t->device_path);
            fm_empty(&k);
        }
        if (t->source_path) {
            fm_open(&k, d + 1, "source");
            fm_attr(&k, "type", "unix");
            fm_attr(&k, "mode", "connect");
            fm_attr(&k, "path", t->source_path);
            fm_empty(&k);
        }
        fm_finish(&c, d, "backend", &k);
    }
    fm_address(&c, d, &t->addr);
    fm_finish(b, depth, "tpm", &c);
}

static void fm_memory_dev(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_memory_dev *m = &dev->u.memory;
    int d = depth + 1;
    fm_open(b, depth, "memory");
    fm_attr(b, "model", m->model);
    fm_attr(b, "access", m->access);
    fm_tristate(b, "discard", m->discard);
    vc_buf c, k;
    vc_buf_init(&c);
    vc_buf_init(&k);
    fm_text_elem(&k, d + 1, "path", m->source_path);
    fm_size_elem(&k, d + 1, "pagesize", m->pagesize_kib);
    fm_text_elem(&k, d + 1, "nodemask", m->nodemask);
    fm_size_elem(&k, d + 1, "alignsize", m->alignsize_kib);
    if (m->pmem == IR_TRI_YES) {
        fm_open(&k, d + 1, "pmem");
        fm_empty(&k);
    }
    if (k.len) {
        fm_open(&c, d, "source");
        fm_finish(&c, d, "source", &k);
    } else {
        vc_buf_free(&k);
    }
    vc_buf_init(&k);
    fm_size_elem(&k, d + 1, "size", m->size_kib);
    if (m->node >= 0) {
        fm_open(&k, d + 1, "node");
        vc_buf_printf(&k, ">%d</node>\n", m->node);
    }
    if (m->label_kib) {
        fm_open(&k, d + 1, "label");
        vc_buf_puts(&k, ">\n");
        fm_size_elem(&k, d + 2, "size", m->label_kib);
        vc_buf_indent(&k, (d + 1) * 2);
        vc_buf_puts(&k, "</label>\n");
    }
    fm_size_elem(&k, d + 1, "block", m->block_kib);
    fm_size_elem(&k, d + 1, "requested", m->requested_kib);
    if (m->readonly) {
        fm_open(&k, d + 1, "readonly");
        fm_empty(&k);
    }
    if (k.len) {
        fm_open(&c, d, "target");
        fm_finish(&c, d, "target", &k);
    } else {
        vc_buf_free(&k);
    }
    if (m->addr.type == IR_ADDR_DIMM) {
        fm_open(&c, d, "address");
        fm_attr(&c, "type", "dimm");
        if (m->addr.has_slot)
            fm_attrf(&c, "slot", "%u", m->addr.slot);
        if (m->has_dimm_base)
            fm_attrf(&c, "base", "0x%llx", m->dimm_base);
        fm_empty(&c);
    } else {
        fm_address(&c, d, &m->addr);
    }
    fm_finish(b, depth, "memory", &c);
}

static void fm_iommu(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_iommu *i = &dev->u.iommu;
    const char *const *onoff = fm_onoff;
    fm_open(b, depth, "iommu");
    fm_attr(b, "model", i->model);
    vc_buf c;
    vc_buf_init(&c);
    if (i->intremap || i->caching_mode || i->eim || i->iotlb || i->aw_bits) {
        fm_open(&c, depth + 1, "driver");
        fm_attr(&c, "intremap", onoff[i->intremap]);
        fm_attr(&c, "caching_mode", onoff[i->caching_mode]);
        fm_attr(&c, "eim", onoff[i->eim]);
        fm_attr(&c, "iotlb", onoff[i->iotlb]);
        fm_attr_uint(&c, "aw_bits", i->aw_bits);
        fm_empty(&c);
    }
    fm_address(&c, depth + 1, &i->addr);
    fm_finish(b, depth, "iommu", &c);
}

static void fm_vsock(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_vsock *v = &dev->u.vsock;
    fm_open(b, depth, "vsock");
    fm_attr(b, "model", v->model);
    vc_buf c;
    vc_buf_init(&c);
    if (v->auto_cid || v->cid) {
        fm_open(&c, depth + 1, "cid");
        fm_tristate(&c, "auto", v->auto_cid);
        fm_attr_uint(&c, "address", v->cid);
        fm_empty(&c);
    }
    fm_address(&c, depth + 1, &v->addr);
    fm_finish(b, depth, "vsock", &c);
}

static void fm_panic(vc_buf *b, int depth, const ir_device *dev)
{
    fm_open(b, depth, "panic");
    fm_attr(b, "model", dev->u.panic.model);
    vc_buf c;
    vc_buf_init(&c);
    fm_address(&c, depth + 1, &dev->u.panic.addr);
    fm_finish(b, depth, "panic", &c);
}

/* <source mode='connect' host= service=/> of a tcp passthrough. */
static void fm_tcp_source(vc_buf *b, int depth, const char *host, const char *service)
{
    if (!host && !service)
        return;
    fm_open(b, depth, "source");
    fm_attr(b, "mode", "connect");
    fm_attr(b, "host", host);
    fm_attr(b, "service", service);
    fm_empty(b);
}

static void fm_smartcard(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_smartcard *s = &dev->u.smartcard;
    fm_open(b, depth, "smartcard");
    fm_attr(b, "mode", s->mode);
    fm_attr(b, "type", ir_chr_type_name(s->type));
    vc_buf c;
    vc_buf_init(&c);
    for (size_t i = 0; i < s->ncertificates; i++)
        fm_text_elem(&c, depth + 1, "certificate", s->certificates[i]);
    fm_text_elem(&c, depth + 1, "database", s->database);
    fm_tcp_source(&c, depth + 1, s->host, s->service);
    fm_address(&c, depth + 1, &s->addr);
    fm_finish(b, depth, "smartcard", &c);
}

static void fm_redirdev(vc_buf *b, int depth, const ir_device *dev)
{
    const ir_redirdev *r = &dev->u.redirdev;
    fm_open(b, depth, "redirdev");
    fm_attr(b, "bus", r->bus);
    fm_attr(b, "type", ir_chr_type_name(r->type));
    vc_buf c;
    vc_buf_init(&c);
    fm_tcp_source(&c, depth + 1, r->host, r->service);
    fm_boot_order(&c, depth + 1, r->boot_order);
    fm_address(&c, depth + 1, &r->addr);
    fm_finish(b, depth, "redirdev", &c);
}

typedef void (*fm_dev_fn)(vc_buf *b, int depth, const ir_device *dev);

/* By ir_device_kind: the element name and the writer. */
static const struct {
    const char *name;
    fm_dev_fn write;
} fm_device_kinds[IR_DEV_LAST] = {
    [IR_DEV_DISK] = { "disk", fm_disk },
    [IR_DEV_CONTROLLER] = { "controller", fm_controller },
    [IR_DEV_FILESYSTEM] = { "filesystem", fm_filesystem },
    [IR_DEV_INTERFACE] = { "interface", fm_interface },
    [IR_DEV_CHR] = { NULL, fm_chr },
    [IR_DEV_INPUT] = { "input", fm_input },
    [IR_DEV_GRAPHICS] = { "graphics", fm_graphics },
    [IR_DEV_SOUND] = { "sound", fm_sound },
    [IR_DEV_VIDEO] = { "video", fm_video },
    [IR_DEV_HOSTDEV] = { "hostdev", fm_hostdev },
    [IR_DEV_WATCHDOG] = { "watchdog", fm_watchdog },
    [IR_DEV_MEMBALLOON] = { "memballoon", fm_memballoon },
    [IR_DEV_RNG] = { "rng", fm_rng },
    [IR_DEV_OTHER] = { NULL, NULL },
    [IR_DEV_AUDIO] = { "audio", fm_audio },
    [IR_DEV_TPM] = { "tpm", fm_tpm },
    [IR_DEV_MEMORY] = { "memory", fm_memory_dev },
    [IR_DEV_IOMMU] = { "iommu", fm_iommu },
    [IR_DEV_VSOCK] = { "vsock", fm_vsock },
    [IR_DEV_PANIC] = { "panic", fm_panic },
    [IR_DEV_SMARTCARD] = { "smartcard", fm_smartcard },
    [IR_DEV_REDIRDEV] = { "redirdev", fm_redirdev },
};

/* The device elements in libvirt's order; the model covers some. */
static const char *const fm_device_slots[] = {
    "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial",
    "parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video",
    "hostdev", "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng", "nvram",
    "panic", "shmem", "memory", "iommu", "vsock", "crypto",
};

#define FM_NDEVSLOTS VC_ARRAY_SIZE(fm_device_slots)

/* The element name a fragment starts with (owned). */
static char *fm_fragment_name(const char *xml)
{
    const char *p = strchr(xml, '<');
    while (p && (p[1] == '?' || p[1] == '!'))
        p = strchr(p + 1, '<');
    if (!p)
        return vc_xstrdup("");
    p++;
    return vc_xstrndup(p, strcspn(p, " \t\r\n/>"));
}

static size_t fm_device_slot(const ir_device *dev)
{
    char *owned = NULL;
    const char *name;
    if (dev->kind == IR_DEV_CHR)
        name = ir_chr_kind_name(dev->u.chr.kind);
    else if (dev->kind == IR_DEV_OTHER || dev->kind >= IR_DEV_LAST)
        name = owned = fm_fragment_name(dev->u.other.xml ? dev->u.other.xml : "");
    else
        name = fm_device_kinds[dev->kind].name;
    size_t slot = FM_NDEVSLOTS;
    for (size_t i = 0; name && i < FM_NDEVSLOTS; i++)
        if (strcmp(fm_device_slots[i], name) == 0)
            slot = i;
    free(owned);
    return slot;
}

/* A device's element with its <alias name='ua-...'/>: where libvirt puts
 * it (after <boot>, before the device's own <address>, <rom> and
 * <acpi>), else last. The kinds' writers know nothing of it: the element
 * they wrote gets the line, found by its depth. */
static void fm_device_alias(vc_buf *b, int depth, const ir_device *dev)
{
    vc_buf el, line;
    vc_buf_init(&el);
    vc_buf_init(&line);
    fm_device_kinds[dev->kind].write(&el, depth, dev);
    fm_open(&line, depth + 1, "alias");
    fm_attr(&line, "name", dev->alias);
    fm_empty(&line);
    const char *s = vc_buf_str(&el), *at = NULL;
    static const char *const before[] = { "<address", "<rom", "<acpi", "</" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(before) && !at; i++) {
        char *key = vc_xasprintf("\n%*s%s", (depth + 1) * 2 - (i == 3 ? 2 : 0), "",
                                 before[i]);
        at = strstr(s, key);
        free(key);
    }
    size_t len = strlen(s);
    if (at) {
        vc_buf_add(b, s, (size_t)(at - s) + 1);
        vc_buf_puts(b, vc_buf_str(&line));
        vc_buf_puts(b, at + 1);
    } else if (len >= 3 && strcmp(s + len - 3, "/>\n") == 0) {
        /* an empty element: opened and closed around the alias */
        const char *name = strchr(s, '<') + 1;
        vc_buf_add(b, s, len - 3);
        vc_buf_puts(b, ">\n");
        vc_buf_puts(b, vc_buf_str(&line));
        vc_buf_indent(b, depth * 2);
        vc_buf_puts(b, "</");
        vc_buf_add(b, name, strcspn(name, " />"));
        vc_buf_puts(b, ">\n");
    } else {
        vc_buf_puts(b, s);
    }
    vc_buf_free(&el);
    vc_buf_free(&line);
}

static void fm_device(vc_buf *b, int depth, const ir_device *dev, const fm_scope *scope)
{
    if (dev->xml)
        fm_fragment(b, dev->xml, depth, '\'', scope);
    else if (dev->kind == IR_DEV_OTHER || dev->kind >= IR_DEV_LAST)
        fm_fragment(b, dev->u.other.xml ? dev->u.other.xml : "", depth, '\'', scope);
    else if (dev->alias)
        fm_device_alias(b, depth, dev);
    else
        fm_device_kinds[dev->kind].write(b, depth, dev);
}

/* ---- top level ------------------------------------------------------- */

typedef struct fm_ctx {
    vc_buf *b;
    const ir_domain *dom;
    fm_scope scope;       /* what <domain> declares */
} fm_ctx;

static void fm_name(fm_ctx *f)
{
    fm_text_elem(f->b, 1, "name", f->dom->name);
}

static void fm_uuid(fm_ctx *f)
{
    char u[37];
    ir_uuid_format(f->dom->uuid, u);
    fm_text_elem(f->b, 1, "uuid", u);
}

static void fm_title(fm_ctx *f)
{
    fm_text_elem(f->b, 1, "title", f->dom->title);
}

static void fm_description(fm_ctx *f)
{
    fm_text_elem(f->b, 1, "description", f->dom->description);
}

/* libvirt writes metadata with libxml2's serializer, hence double quotes. */
static void fm_metadata(fm_ctx *f)
{
    if (f->dom->metadata)
        fm_fragment(f->b, f->dom->metadata, 1, '"', &f->scope);
}

static void fm_memsize(vc_buf *b, const char *name, const char *slots, unsigned long long kib)
{
    fm_open(b, 1, name);
    fm_attr(b, "slots", slots);
    vc_buf_printf(b, " unit='KiB'>%llu</%s>\n", kib, name);
}

static void fm_max_memory(fm_ctx *f)
{
    if (!f->dom->max_memory_kib)
        return;
    char *slots = f->dom->max_memory_slots ? vc_xasprintf("%u", f->dom->max_memory_slots) : NULL;
    fm_memsize(f->b, "maxMemory", slots, f->dom->max_memory_kib);
    free(slots);
}

static void fm_memory(fm_ctx *f)
{
    if (f->dom->memory_kib)
        fm_memsize(f->b, "memory", NULL, f->dom->memory_kib);
}

/* libvirt writes currentMemory even when it equals memory */
static void fm_current_memory(fm_ctx *f)
{
    unsigned long long cur = f->dom->current_memory_kib;
    if (cur || f->dom->memory_kib)
        fm_memsize(f->b, "currentMemory", NULL, cur ? cur : f->dom->memory_kib);
}

static void fm_vcpu(fm_ctx *f)
{
    const ir_domain *dom = f->dom;
    fm_open(f->b, 1, "vcpu");
    fm_attr(f->b, "placement", "static");
    fm_attr(f->b, "cpuset", dom->cpuset);
    if (dom->vcpus_current)
        fm_attrf(f->b, "current", "%u", dom->vcpus_current);
    vc_buf_printf(f->b, ">%u</vcpu>\n", dom->vcpus ? dom->vcpus : 1);
}

static void fm_bootloader(fm_ctx *f)
{
    fm_text_elem(f->b, 1, "bootloader", f->dom->bootloader);
}

static void fm_bootloader_args(fm_ctx *f)
{
    fm_text_elem(f->b, 1, "bootloader_args", f->dom->bootloader_args);
}

static void fm_os(fm_ctx *f)
{
    const ir_os *os = &f->dom->os;
    vc_buf c;
    vc_buf_init(&c);
    if (os->type || os->arch || os->machine) {
        fm_open(&c, 2, "type");
        fm_attr(&c, "arch", os->arch);
        fm_attr(&c, "machine", os->machine);
        vc_buf_putc(&c, '>');
        vc_buf_xml_escape(&c, os->type ? os->type : "", '\'', false);
        vc_buf_puts(&c, "</type>\n");
    }
    fm_text_elem(&c, 2, "init", os->init);
    if (os->loader || os->loader_readonly || os->loader_type) {
        fm_open(&c, 2, "loader");
        fm_attr(&c, "readonly", os->loader_readonly);
        fm_attr(&c, "type", os->loader_type);
        if (os->loader) {
            vc_buf_putc(&c, '>');
            vc_buf_xml_escape(&c, os->loader, '\'', false);
            vc_buf_puts(&c, "</loader>\n");
        } else {
            fm_empty(&c);
        }
    }
    fm_text_elem(&c, 2, "nvram", os->nvram);
    fm_text_elem(&c, 2, "kernel", os->kernel);
    fm_text_elem(&c, 2, "initrd", os->initrd);
    fm_text_elem(&c, 2, "cmdline", os->cmdline);
    fm_text_elem(&c, 2, "dtb", os->dtb);
    for (size_t i = 0; i < os->nboot && i < VC_ARRAY_SIZE(os->boot); i++)
        fm_attr_elem(&c, 2, "boot", "dev", ir_boot_dev_name(os->boot[i]));
    if (os->bootmenu) {
        fm_open(&c, 2, "bootmenu");
        fm_tristate(&c, "enable", os->bootmenu);
        fm_empty(&c);
    }
    if (c.len == 0) {
        vc_buf_free(&c);
        return;
    }
    fm_open(f->b, 1, "os");
    fm_finish(f->b, 1, "os", &c);
}

/* libvirt writes features in the order of its feature enumeration. */
static const char *const fm_feature_order[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
    "capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm",
    "nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown",
};

static size_t fm_feature_rank(const char *name)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(fm_feature_order); i++)
        if (strcmp(fm_feature_order[i], name) == 0)
            return i;
    return VC_ARRAY_SIZE(fm_feature_order);
}

/* The children of <hyperv> and <kvm> in libvirt's order (its enumerations);
 * names it does not list come last, as read. */
static const char *const fm_subfeature_order[] = {
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset",
    "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic",
    "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring",
};

static void fm_subfeatures(vc_buf *c, const ir_feature *ft)
{
    size_t last = VC_ARRAY_SIZE(fm_subfeature_order);
    for (size_t rank = 0; rank <= last; rank++) {
        for (size_t i = 0; i < ft->nsubs; i++) {
            const ir_subfeature *sf = &ft->subs[i];
            size_t r = 0;
            while (r < last && strcmp(fm_subfeature_order[r], sf->name) != 0)
                r++;
            if (r != rank)
                continue;
            fm_open(c, 3, sf->name);
            fm_attr(c, "state", sf->state);
            fm_attr(c, sf->attr, sf->value);
            vc_buf kids;
            vc_buf_init(&kids);
            for (size_t k = 0; k < sf->nkids; k++) {
                fm_open(&kids, 4, sf->kids[k].name);
                fm_attr(&kids, "state", sf->kids[k].state);
                fm_empty(&kids);
            }
            fm_finish(c, 3, sf->name, &kids);
        }
    }
}

static void fm_features(fm_ctx *f)
{
    const ir_domain *dom = f->dom;
    if (!dom->has_features && !dom->nfeatures)
        return;
    vc_buf c;
    vc_buf_init(&c);
    for (size_t rank = 0; rank <= VC_ARRAY_SIZE(fm_feature_order); rank++) {
        for (size_t i = 0; i < dom->nfeatures; i++) {
            const ir_feature *ft = &dom->features[i];
            if (fm_feature_rank(ft->name) != rank)
                continue;
            fm_open(&c, 2, ft->name);
            fm_attr(&c, "state", ft->state);
            fm_attr(&c, "mode", ft->mode);
            vc_buf subs;
            vc_buf_init(&subs);
            fm_subfeatures(&subs, ft);
            if (strcmp(ft->name, "tcg") == 0)
                fm_size_elem(&subs, 3, "tb-cache", dom->tcg_tb_cache_kib);
            fm_finish(&c, 2, ft->name, &subs);
        }
    }
    fm_open(f->b, 1, "features");
    fm_finish(f->b, 1, "features", &c);
}

static void fm_cpu(fm_ctx *f)
{
    const ir_domain *dom = f->dom;
    const ir_cpu_topology *t = &dom->topology;
    bool topo = t->sockets || t->dies || t->cores || t->threads;
    if (!dom->cpu_mode && !dom->cpu_model && !topo)
        return;
    fm_open(f->b, 1, "cpu");
    fm_attr(f->b, "mode", dom->cpu_mode);
    vc_buf c;
    vc_buf_init(&c);
    fm_text_elem(&c, 2, "model", dom->cpu_model);
    if (topo) {
        fm_open(&c, 2, "topology");
        const struct { const char *name; unsigned v; } attrs[] = {
            { "sockets", t->sockets }, { "dies", t->dies }, { "cores", t->cores },
            { "threads", t->threads },
        };
        for (size_t i = 0; i < VC_ARRAY_SIZE(attrs); i++)
            if (attrs[i].v)
                fm_attrf(&c, attrs[i].name, "%u", attrs[i].v);
        fm_empty(&c);
    }
    fm_finish(f->b, 1, "cpu", &c);
}

static void fm_clock(fm_ctx *f)
{
    const ir_clock *clk = &f->dom->clock;
    if (!clk->offset && !clk->timers.n && !clk->timezone && !clk->adjustment && !clk->basis &&
        !clk->start)
        return;
    fm_open(f->b, 1, "clock");
    fm_attr(f->b, "offset", ir_clock_offset_name(clk->offset));
    fm_attr(f->b, "timezone", clk->timezone);
    fm_attr(f->b, "adjustment", clk->adjustment);
    fm_attr(f->b, "basis", clk->basis);
    fm_attr(f->b, "start", clk->start);
    vc_buf c;
    vc_buf_init(&c);
    for (size_t i = 0; i < clk->timers.n; i++)
        fm_fragment(&c, clk->timers.v[i].xml, 2, '\'', &f->scope);
    fm_finish(f->b, 1, "clock", &c);
}

static void fm_pm(fm_ctx *f)
{
    const ir_domain *dom = f->dom;
    if (!dom->pm_suspend_to_mem && !dom->pm_suspend_to_disk)
        return;
    vc_buf c;
    vc_buf_init(&c);
    fm_attr_elem(&c, 2, "suspend-to-mem", "enabled", ir_tristate_name(dom->pm_suspend_to_mem));
    fm_attr_elem(&c, 2, "suspend-to-disk", "enabled", ir_tristate_name(dom->pm_suspend_to_disk));
    fm_open(f->b, 1, "pm");
    fm_finish(f->b, 1, "pm", &c);
}

static void fm_memory_backing(fm_ctx *f)
{
    if (!f->dom->nosharepages)
        return;
    vc_buf_puts(f->b, "  <memoryBacking>\n    <nosharepages/>\n  </memoryBacking>\n");
}

static void fm_keywrap(fm_ctx *f)
{
    const ir_domain *dom = f->dom;
    if (!dom->keywrap_aes && !dom->keywrap_dea)
        return;
    const char *ciphers[][2] = { { "aes", dom->keywrap_aes }, { "dea", dom->keywrap_dea } };
    vc_buf c;
    vc_buf_init(&c);
    for (size_t i = 0; i < VC_ARRAY_SIZE(ciphers); i++) {
        if (!ciphers[i][1])
            continue;
        fm_open(&c, 2, "cipher");
        fm_attr(&c, "name", ciphers[i][0]);
        fm_attr(&c, "state", ciphers[i][1]);
        fm_empty(&c);
    }
    fm_open(f->b, 1, "keywrap");
    fm_finish(f->b, 1, "keywrap", &c);
}

static void fm_lifecycle(fm_ctx *f, const char *name, ir_lifecycle v)
{
    fm_text_elem(f->b, 1, name, ir_lifecycle_name(v));
}

static void fm_on_poweroff(fm_ctx *f)
{
    fm_lifecycle(f, "on_poweroff", f->dom->on_poweroff);
}

static void fm_on_reboot(fm_ctx *f)
{
    fm_lifecycle(f, "on_reboot", f->dom->on_reboot);
}

static void fm_on_crash(fm_ctx *f)
{
    fm_lifecycle(f, "on_crash", f->dom->on_crash);
}

static void fm_devices(fm_ctx *f)
{
    const ir_domain *dom = f->dom;
    if (!dom->emulator && !dom->ndevices)
        return;
    vc_buf c;
    vc_buf_init(&c);
    fm_text_elem(&c, 2, "emulator", dom->emulator);
    size_t *slots = vc_xcalloc(dom->ndevices ? dom->ndevices : 1, sizeof(size_t));
    for (size_t i = 0; i < dom->ndevices; i++)
        slots[i] = fm_device_slot(&dom->devices[i]);
    for (size_t s = 0; s <= FM_NDEVSLOTS; s++)
        for (size_t i = 0; i < dom->ndevices; i++)
            if (slots[i] == s)
                fm_device(&c, 2, &dom->devices[i], &f->scope);
    free(slots);
    fm_open(f->b, 1, "devices");
    fm_finish(f->b, 1, "devices", &c);
}

static void fm_qemu_commandline(fm_ctx *f)
{
    const ir_qemu_cmdline *q = f->dom->qemu_cmdline;
    if (!q)
        return;
    vc_buf c;
    vc_buf_init(&c);
    for (size_t i = 0; i < q->nargs; i++)
        fm_attr_elem(&c, 2, "qemu:arg", "value", q->args[i]);
    for (size_t i = 0; i < q->nenv; i++) {
        fm_open(&c, 2, "qemu:env");
        fm_attr(&c, "name", q->env[i].name);
        fm_attr(&c, "value", q->env[i].value);
        fm_empty(&c);
    }
    fm_open(f->b, 1, "qemu:commandline");
    fm_finish(f->b, 1, "qemu:commandline", &c);
}

typedef void (*fm_top_fn)(fm_ctx *f);

/* The top-level elements in libvirt's order. Elements without a writer are
 * not modelled: only kept copies (dom->extra) fill them. */
static const struct {
    const char *name;
    bool qemu;            /* in the qemu namespace */
    fm_top_fn write;
} fm_top[] = {
    { "name", false, fm_name },
    { "uuid", false, fm_uuid },
    { "genid", false, NULL },
    { "title", false, fm_title },
    { "description", false, fm_description },
    { "metadata", false, fm_metadata },
    { "maxMemory", false, fm_max_memory },
    { "memory", false, fm_memory },
    { "currentMemory", false, fm_current_memory },
    { "blkiotune", false, NULL },
    { "memtune", false, NULL },
    { "memoryBacking", false, fm_memory_backing },
    { "vcpu", false, fm_vcpu },
    { "vcpus", false, NULL },
    { "iothreads", false, NULL },
    { "iothreadids", false, NULL },
    { "defaultiothread", false, NULL },
    { "cputune", false, NULL },
    { "numatune", false, NULL },
    { "resource", false, NULL },
    { "sysinfo", false, NULL },
    { "bootloader", false, fm_bootloader },
    { "bootloader_args", false, fm_bootloader_args },
    { "os", false, fm_os },
    { "idmap", false, NULL },
    { "features", false, fm_features },
    { "cpu", false, fm_cpu },
    { "clock", false, fm_clock },
    { "on_poweroff", false, fm_on_poweroff },
    { "on_reboot", false, fm_on_reboot },
    { "on_crash", false, fm_on_crash },
    { "on_lockfailure", false, NULL },
    { "pm", false, fm_pm },
    { "perf", false, NULL },
    { "devices", false, fm_devices },
    { "seclabel", false, NULL },
    { "keywrap", false, fm_keywrap },
    { "launchSecurity", false, NULL },
    { "commandline", true, fm_qemu_commandline },
    { "capabilities", true, NULL },
    { "override", true, NULL },
    { "deprecation", true, NULL },
};

#define FM_NTOP VC_ARRAY_SIZE(fm_top)

/* The slot of a kept top-level element: by name and namespace; elements
 * of other namespaces and unknown names come last (FM_NTOP). */
static size_t fm_extra_slot(const char *xml, bool *qemu_ns, bool *xen_ns)
{
    xmlDocPtr doc = fm_parse_fragment(xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    size_t slot = FM_NTOP;
    if (root) {
        /* libvirt declares the xen pass-through namespace on <domain> */
        *xen_ns = *xen_ns || (root->ns && vc_streq((const char *)root->ns->href, FM_XEN_NS));
        bool qemu = root->ns && vc_streq((const char *)root->ns->href, FM_QEMU_NS);
        *qemu_ns = *qemu_ns || qemu;
        for (size_t i = 0; (!root->ns || qemu) && i < FM_NTOP; i++)
            if (fm_top[i].qemu == qemu && strcmp(fm_top[i].name, (const char *)root->name) == 0)
                slot = i;
    }
    xmlFreeDoc(doc);
    return slot;
}

char *xml_domain_format(const ir_domain *dom)
{
    vc_buf b;
    vc_buf_init(&b);
    fm_ctx f = { &b, dom, { .n = 0 } };
    bool qemu_ns = dom->qemu_cmdline != NULL, xen_ns = false;
    size_t *slots = vc_xcalloc(dom->extra.n ? dom->extra.n : 1, sizeof(size_t));
    for (size_t i = 0; i < dom->extra.n; i++)
        slots[i] = fm_extra_slot(dom->extra.v[i].xml, &qemu_ns, &xen_ns);

    vc_buf_puts(&b, "<domain");
    fm_attr(&b, "type", ir_virt_type_name(dom->type));
    if (dom->id >= 0)
        fm_attrf(&b, "id", "%d", dom->id);
    if (qemu_ns) {
        fm_attr(&b, "xmlns:qemu", FM_QEMU_NS);
        f.scope.prefix[0] = "qemu";
        f.scope.href[0] = FM_QEMU_NS;
        f.scope.n = 1;
    }
    if (xen_ns) {
        fm_attr(&b, "xmlns:xen", FM_XEN_NS);
        f.scope.prefix[f.scope.n] = "xen";
        f.scope.href[f.scope.n++] = FM_XEN_NS;
    }
    vc_buf_puts(&b, ">\n");
    for (size_t s = 0; s <= FM_NTOP; s++) {
        bool kept = false;
        for (size_t i = 0; i < dom->extra.n; i++) {
            if (slots[i] != s)
                continue;
            fm_fragment(&b, dom->extra.v[i].xml, 1, '\'', &f.scope);
            kept = true;
        }
        /* a kept copy of a modelled element holds more than the model */
        if (!kept && s < FM_NTOP && fm_top[s].write)
            fm_top[s].write(&f);
    }
    vc_buf_puts(&b, "</domain>\n");
    free(slots);
    return vc_buf_steal(&b);
}
