/*
 * argv_read_xml.c: devices the model keeps as their element. Some settings
 * of a device have no field in the model (a disk's virtio flavour, its
 * copy-on-read filter); the XML front end keeps such an element as
 * written (ir_device.xml) and the back ends read it there. The reader
 * writes the element the formatter would write for the fields, then sets
 * the extra attribute on it.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "../domain_xml.h"
#include "../xmldoc.h"
#include "argv_read_priv.h"

/* The device's element: its kept copy, or the formatter's writing of it. */
static char *qr_device_element(const ir_domain *dom, const ir_device *d)
{
    if (d->xml)
        return vc_xstrdup(d->xml);
    ir_domain tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.type = dom->type;
    tmp.id = -1;
    tmp.devices = (ir_device *)d;
    tmp.ndevices = 1;
    char *all = xml_domain_format(&tmp);
    xmlDocPtr doc = xmlReadMemory(all, (int)strlen(all), "device.xml", NULL, XML_PARSE_NONET);
    free(all);
    xmlNodePtr devs = doc ? xml_child(xmlDocGetRootElement(doc), "devices") : NULL;
    xmlNodePtr n = devs ? devs->children : NULL;
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    char *out = n ? xml_node_dump(n) : NULL;
    xmlFreeDoc(doc);
    return out;
}

void qr_device_amend(qemu_reader *r, ir_device *d, const char *child, const char *name,
                     const char *value)
{
    char *el = qr_device_element(r->dom, d);
    xmlDocPtr doc = el ? xmlReadMemory(el, (int)strlen(el), "device.xml", NULL,
                                       XML_PARSE_NONET) : NULL;
    free(el);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return;
    }
    xmlNodePtr at = root;
    /* child may be a path of elements, "source/reconnect" */
    for (const char *p = child; p && *p; p += strcspn(p, "/"), p += *p == '/') {
        char *name = vc_xstrndup(p, strcspn(p, "/"));
        xmlNodePtr up = at;
        at = xml_child(up, name);
        if (!at) {   /* the first child, as libvirt writes <driver> first */
            at = xmlNewNode(NULL, (const xmlChar *)name);
            if (!at)
                abort();
            if (up->children)
                xmlAddPrevSibling(up->children, at);
            else
                xmlAddChild(up, at);
        }
        free(name);
    }
    xmlSetProp(at, (const xmlChar *)name, (const xmlChar *)value);
    free(d->xml);
    d->xml = xml_node_dump(root);
    xmlFreeDoc(doc);
}

/* The element at path below at ("source/slices"), each missing one made:
 * a <driver> as the first child (libvirt writes it first), anything else
 * before the <target> (where <source> and <backingStore> go), or last. */
static xmlNodePtr qr_xml_path(xmlNodePtr at, const char *path)
{
    for (const char *p = path; at && p && *p;) {
        size_t len = strcspn(p, "/");
        char *name = vc_xstrndup(p, len);
        xmlNodePtr n = xml_child(at, name);
        if (!n) {
            n = xmlNewNode(NULL, (const xmlChar *)name);
            if (!n)
                abort();
            xmlNodePtr before = strcmp(name, "driver") == 0 ? at->children
                                                             : xml_child(at, "target");
            if (before)
                xmlAddPrevSibling(before, n);
            else
                xmlAddChild(at, n);
        }
        free(name);
        at = n;
        p += len + (p[len] == '/');
    }
    return at;
}

char *qr_xml_amend(const char *el, const char *path, const char *name, const char *value,
                   const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(el, (int)strlen(el), "device.xml", NULL, XML_PARSE_NONET);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return vc_xstrdup(el);
    }
    xmlNodePtr at = qr_xml_path(root, path);
    if (name)
        xmlSetProp(at, (const xmlChar *)name, (const xmlChar *)value);
    if (xml) {
        xmlDocPtr frag = xmlReadMemory(xml, (int)strlen(xml), "part.xml", NULL, XML_PARSE_NONET);
        xmlNodePtr top = frag ? xmlDocGetRootElement(frag) : NULL;
        xmlNodePtr copy = top ? xmlDocCopyNode(top, doc, 1) : NULL;
        if (copy)
            xmlAddChild(at, copy);
        xmlFreeDoc(frag);
    }
    char *out = xml_node_dump(root);
    xmlFreeDoc(doc);
    return out;
}

void qr_device_amend_at(qemu_reader *r, ir_device *d, const char *path, const char *name,
                        const char *value, const char *xml)
{
    char *el = qr_device_element(r->dom, d);
    if (!el)
        return;
    char *out = qr_xml_amend(el, path, name, value, xml);
    free(el);
    free(d->xml);
    d->xml = out;
}

/* Children of a <disk> that a <backingStore> has no place for. */
static const char *const qr_disk_only[] = {
    "target", "readonly", "shareable", "transient", "serial", "boot", "address", "alias",
};

char *qr_disk_element_as(const ir_domain *dom, const ir_disk *img, const char *root_name)
{
    ir_device tmp = { .kind = IR_DEV_DISK, .u.disk = *img };
    char *el = qr_device_element(dom, &tmp);
    xmlDocPtr doc = el ? xmlReadMemory(el, (int)strlen(el), "device.xml", NULL, XML_PARSE_NONET)
                       : NULL;
    free(el);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    bool nvram = strcmp(root_name, "nvram") == 0;
    xmlNodeSetName(root, (const xmlChar *)root_name);
    xmlUnsetProp(root, (const xmlChar *)"device");
    for (xmlNodePtr n = root->children, next; n; n = next) {
        next = n->next;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        bool drop = false;
        for (size_t i = 0; i < sizeof(qr_disk_only) / sizeof(qr_disk_only[0]); i++)
            drop = drop || strcmp(name, qr_disk_only[i]) == 0;
        if (strcmp(name, "driver") == 0 && nvram) {
            drop = true;   /* the flash holds its variables raw */
        } else if (strcmp(name, "driver") == 0) {
            /* the image's format; cache, io and policies are the disk's */
            char *type = xml_prop(n, "type");
            xmlNodePtr f = xmlNewNode(NULL, (const xmlChar *)"format");
            if (!f)
                abort();
            xmlSetProp(f, (const xmlChar *)"type", (const xmlChar *)(type ? type : "raw"));
            free(type);
            xmlAddPrevSibling(n, f);
            drop = true;
        }
        if (drop) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
    }
    char *out = xml_node_dump(root);
    xmlFreeDoc(doc);
    return out;
}

char *qr_os_element(const ir_domain *dom)
{
    ir_domain tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.type = dom->type;
    tmp.id = -1;
    tmp.os = dom->os;
    char *all = xml_domain_format(&tmp);
    xmlDocPtr doc = xmlReadMemory(all, (int)strlen(all), "os.xml", NULL, XML_PARSE_NONET);
    free(all);
    xmlNodePtr os = doc ? xml_child(xmlDocGetRootElement(doc), "os") : NULL;
    char *out = os ? xml_node_dump(os) : NULL;
    xmlFreeDoc(doc);
    return out;
}
