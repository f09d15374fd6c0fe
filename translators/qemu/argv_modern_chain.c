/*
 * argv_modern_chain.c: placement of the images below a disk. A disk's
 * <backingStore> elements name, from the top down, the images its image
 * is layered on; each becomes a storage node and a read-only format node
 * of its own, and the format node above names it as its "backing". This
 * pass reads the chain from the disk's verbatim copy into plain data (an
 * ir_disk per image, so the storage layer writes a backing image as it
 * writes a disk) and gives every image its node number, libvirt's way:
 * numbers count down over the disks in document order, and within a disk
 * the deepest image takes the highest number of the disk's range. It also
 * notes the first disk whose SCSI persistent reservations go through the
 * helper process the host manages (its one object is written there).
 */
#include "argv_modern_priv.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "../xmldoc.h"

/* The storage kinds a backing image may be (network images name their
 * servers as a disk's <source> does). */
static const struct {
    const char *name;
    ir_disk_type type;
} modern_backing_types[] = {
    { "file", IR_DISK_TYPE_FILE },
    { "block", IR_DISK_TYPE_BLOCK },
    { "network", IR_DISK_TYPE_NETWORK },
};

void modern_xml_hosts(xmlNodePtr src, ir_disk *d)
{
    size_t cap = 0;
    for (xmlNodePtr h = src->children; h; h = h->next) {
        if (h->type != XML_ELEMENT_NODE || strcmp((const char *)h->name, "host") != 0)
            continue;
        vc_xgrow((void **)&d->hosts, &cap, d->nhosts + 1, sizeof(*d->hosts));
        d->hosts[d->nhosts++] = (ir_host){ .name = xml_prop(h, "name"),
                                           .port = xml_prop(h, "port"),
                                           .transport = xml_prop(h, "transport"),
                                           .socket = xml_prop(h, "socket") };
    }
}

/* One <backingStore type=...> with its <format> and <source>. */
static bool modern_backing_read(qemu_ctx *x, const ir_device *disk, xmlNodePtr n,
                                modern_backing *b)
{
    ir_disk *d = &b->dev.u.disk;
    b->dev.kind = IR_DEV_DISK;
    b->dev.pos = disk->pos;
    b->dev.xml = xml_node_dump(n);
    d->device = IR_DISK_DEV_DISK;
    d->readonly = true;
    d->target_dev = vc_xstrdup(disk->u.disk.target_dev);
    char *type = xml_prop(n, "type");
    int t = type ? QEMU_TABLE_FIND(modern_backing_types, name, type) : -1;
    xmlNodePtr fmt = xml_child(n, "format");
    xmlNodePtr src = xml_child(n, "source");
    d->driver_type = fmt ? xml_prop(fmt, "type") : NULL;
    bool ok = true;
    if (t < 0)
        ok = qemu_unsupported(x, disk->pos, "a backing image of type '%s' below disk '%s'",
                              qemu_str_or(type, ""), qemu_str_or(d->target_dev, "?"));
    else if (!d->driver_type)
        ok = qemu_error(x, disk->pos, "a backing image of disk '%s' needs <format type=>: "
                        "QEMU must not guess an image's format",
                        qemu_str_or(d->target_dev, "?"));
    free(type);
    if (!ok)
        return false;
    d->type = modern_backing_types[t].type;
    if (src && d->type == IR_DISK_TYPE_NETWORK) {
        d->source_protocol = xml_prop(src, "protocol");
        d->source = xml_prop(src, "name");
        modern_xml_hosts(src, d);
    } else if (src) {
        d->source = xml_prop(src, d->type == IR_DISK_TYPE_BLOCK ? "dev" : "file");
    }
    if (!d->source && !d->nhosts)
        return qemu_error(x, disk->pos, "a backing image of disk '%s' has no source",
                          qemu_str_or(d->target_dev, "?"));
    return true;
}

/* backingStore -> <backingStore type= > format source backingStore </backingStore>
 *               | <backingStore/>                   (nothing below) */
static bool modern_chain_read(qemu_ctx *x, const ir_device *dev, modern_chain *c)
{
    xmlDocPtr doc = modern_xml_parse(dev->xml);
    xmlNodePtr n = doc ? xml_child(xmlDocGetRootElement(doc), "backingStore") : NULL;
    bool ok = true;
    size_t cap = 0;
    while (ok && n) {
        if (!n->children && !n->properties) {
            c->closed = true;
            break;
        }
        vc_xgrow((void **)&c->v, &cap, c->n + 1, sizeof(*c->v));
        c->v[c->n] = (modern_backing){ 0 };
        ok = modern_backing_read(x, dev, n, &c->v[c->n]);
        if (!ok)    /* reported: the chain ends above it */
            ir_device_clear(&c->v[c->n].dev);
        else
            c->n++;
        n = xml_child(n, "backingStore");
    }
    xmlFreeDoc(doc);
    return ok;
}

/* A raw (or LUKS, ...) image has no backing file: a <backingStore> below
 * it would only give nodes nothing reads. */
static bool modern_chain_usable(qemu_ctx *x, const ir_device *d)
{
    const char *fmt = d->kind == IR_DEV_DISK && d->u.disk.driver_type ? d->u.disk.driver_type
                                                                       : "raw";
    if (d->kind != IR_DEV_DISK || modern_format_has_backing(fmt))
        return true;
    if (!strstr(d->xml, "<backingStore/>"))
        qemu_warn(x, d->pos, "disk '%s': a '%s' image has no backing file; its <backingStore> "
                  "is not converted", qemu_str_or(d->u.disk.target_dev, "?"), fmt);
    return false;
}

bool modern_place_chains(qemu_ctx *x, const bool *has_node)
{
    qemu_modern *m = x->modern;
    const ir_domain *dom = x->dom;
    m->chains = vc_xcalloc(dom->ndevices + 1, sizeof(*m->chains));
    m->nchains = dom->ndevices;
    bool ok = true;
    int nodes = 0;
    for (size_t i = 0; i < dom->ndevices; i++) {
        const ir_device *d = &dom->devices[i];
        if (!has_node[i])
            continue;
        if (d->xml && strstr(d->xml, "<backingStore") && modern_chain_usable(x, d))
            ok = modern_chain_read(x, d, &m->chains[i]) && ok;
        if (!m->pr_managed_first && d->xml && strstr(d->xml, "<reservations")) {
            char *managed = modern_xml_attr(d, "source/reservations", "managed");
            if (vc_streq(managed, "yes"))
                m->pr_managed_first = i + 1;
            free(managed);
        }
        nodes += 1 + (int)m->chains[i].n;
    }
    /* Counting down: a disk's range ends with its deepest image. */
    for (size_t i = 0; i < dom->ndevices; i++) {
        if (!has_node[i])
            continue;
        modern_chain *c = &m->chains[i];
        m->node[i] = nodes - (int)c->n;
        for (size_t k = 0; k < c->n; k++)
            c->v[k].node = m->node[i] + 1 + (int)k;
        nodes -= 1 + (int)c->n;
    }
    return ok;
}
