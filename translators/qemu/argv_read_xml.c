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
