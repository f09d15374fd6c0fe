/*
 * argv_modern_base.c: what every phase of the -device generation looks up:
 * the capabilities (device types and properties), controllers by type and
 * index, the verbatim copy of a device, and the device-model tables that
 * both placement and emission read (USB, SCSI and PCI controller models,
 * sound models, libvirt's drive numbering). It calls no other file of the
 * generation: placement and emission sit above it.
 */
#include "argv_modern_priv.h"
#include "argv_props.h"
#include "../xmldoc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/cdrom.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void modern_ram_clear(modern_ram *r)
{
    free(r->mem_path);
    free(r->host_nodes);
}

static void modern_chains_free(modern_chain *chains, size_t n)
{
    for (size_t i = 0; chains && i < n; i++) {
        for (size_t k = 0; k < chains[i].n; k++)
            ir_device_clear(&chains[i].v[k].dev);
        free(chains[i].v);
    }
    free(chains);
}

void modern_firmware_clear(modern_firmware *f)
{
    free(f->code);
    free(f->nvram);
    free(f->nvram_template);
    free(f->descriptor);
    *f = (modern_firmware){ 0 };
}

/* Capabilities probed from this host's binary describe this host; a named
 * profile keeps saying what its QEMU offered wherever it is read. */
bool modern_caps_are_probed(const qemu_ctx *x)
{
    return x->caps->binary && vc_streq(x->caps->name, x->caps->binary);
}

/* The NVRAM file: <nvram>PATH</nvram>, or today's <nvram type='file'>
 * <source file=/></nvram> (kept in the <os> copy). */
char *modern_nvram_path(const qemu_ctx *x)
{
    const char *text = x->dom->os.nvram;
    if (text && text[strspn(text, " \t\r\n")])
        return vc_xstrdup(text);
    const ir_fragment *f = modern_extra_find(x, "os");
    return f ? modern_fragment_attr(f, "nvram/source", "file") : NULL;
}

void qemu_modern_free(qemu_modern *m)
{
    if (!m)
        return;
    free(m->domdir);
    free(m->redir_filter);
    free(m->serial_port);
    free(m->slots);
    free(m->bootindex);
    free(m->node);
    free(m->ctl_index);
    free(m->ctls);
    free(m->slot_ix);
    free(m->usb_ord);
    free(m->doc_rp);
    modern_ram_clear(&m->pc_ram);
    for (size_t i = 0; i < m->ncells; i++) {
        free(m->cells[i].cpus);
        free(m->cells[i].mem_access);
        modern_ram_clear(&m->cells[i].ram);
    }
    free(m->cells);
    if (m->memdevs)
        for (size_t i = 0; m->devices0 && i < m->nmemdevs; i++)
            modern_ram_clear(&m->memdevs[i].ram);
    free(m->memdevs);
    modern_chains_free(m->chains, m->nchains);
    modern_firmware_clear(&m->fw);
    free(m->sev.dh_cert);
    free(m->sev.session);
    free(m);
}

size_t modern_devidx(const qemu_ctx *x, const ir_device *dev)
{
    return (size_t)(dev - x->dom->devices);
}

bool modern_need_device(qemu_ctx *x, ir_pos pos, const char *type)
{
    if (qemu_caps_has_device(x->caps, type))
        return true;
    return qemu_unsupported(x, pos, "device '%s'", type);
}

/* Optional properties are added only when the device has them. */
bool modern_has_prop(const qemu_ctx *x, const char *type, const char *prop)
{
    return qemu_caps_device_has_prop(x->caps, type, prop);
}

/* Placement listed the controllers and numbered them (modern_place), so
 * both lookups cost the controllers, not the devices. */
const ir_controller *modern_find_controller(const qemu_ctx *x, const char *type, int index)
{
    const qemu_modern *m = x->modern;
    for (size_t k = 0; k < m->nctls; k++) {
        const ir_device *d = &x->dom->devices[m->ctls[k]];
        if (vc_streq(d->u.controller.type, type) && m->ctl_index[m->ctls[k]] == index)
            return &d->u.controller;
    }
    return NULL;
}

int modern_ctl_index(const qemu_ctx *x, const ir_controller *c)
{
    if (c->index >= 0)
        return c->index;
    const ir_device *d = (const ir_device *)(const void *)((const char *)c -
                                                           offsetof(ir_device, u.controller));
    return x->modern->ctl_index[modern_devidx(x, d)];
}

/* The element at path below root: names separated by '/', the first child
 * of each name. */
static xmlNodePtr modern_xml_walk(xmlNodePtr n, const char *path)
{
    while (n && *path) {
        const char *e = strchr(path, '/');
        size_t len = e ? (size_t)(e - path) : strlen(path);
        char *name = vc_xstrndup(path, len);
        n = xml_child(n, name);
        free(name);
        path += len + (e != NULL);
    }
    return n;
}

/* A piece of XML kept verbatim, parsed quietly (it was read once already). */
struct _xmlDoc *modern_xml_parse(const char *xml)
{
    vc_diags d;
    vc_diags_init(&d);
    xmlDocPtr doc = xml ? xml_doc_read("fragment", xml, strlen(xml), &d) : NULL;
    vc_diags_free(&d);
    return doc;
}

static char *modern_doc_attr(const char *xml, const char *path, const char *attr)
{
    xmlDocPtr doc = modern_xml_parse(xml);
    if (!doc)
        return NULL;
    xmlNodePtr n = modern_xml_walk(xmlDocGetRootElement(doc), path);
    char *v = n ? xml_prop(n, attr) : NULL;
    xmlFreeDoc(doc);
    return v;
}

char *modern_xml_attr(const ir_device *dev, const char *path, const char *attr)
{
    return modern_doc_attr(dev->xml, path, attr);
}

/* The text of the element at path in the device's kept copy (attr NULL)
 * or its attribute: the value a -device property of argv_props.c has. */
char *modern_xml_value(const ir_device *dev, const char *path, const char *attr)
{
    if (attr)
        return modern_xml_attr(dev, path, attr);
    xmlDocPtr doc = modern_xml_parse(dev->xml);
    xmlNodePtr n = doc ? modern_xml_walk(xmlDocGetRootElement(doc), path) : NULL;
    char *t = n ? xml_text(n) : NULL;
    xmlFreeDoc(doc);
    return t;
}

bool modern_xml_has(const ir_device *dev, const char *path)
{
    xmlDocPtr doc = modern_xml_parse(dev->xml);
    bool has = doc && modern_xml_walk(xmlDocGetRootElement(doc), path) != NULL;
    xmlFreeDoc(doc);
    return has;
}

/* The first top-level element of that name the model kept verbatim. */
const ir_fragment *modern_extra_find(const qemu_ctx *x, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < x->dom->extra.n; i++) {
        const char *xml = x->dom->extra.v[i].xml;
        if (xml && xml[0] == '<' && strncmp(xml + 1, name, n) == 0 &&
            strchr(" \t\r\n/>", xml[1 + n]))
            return &x->dom->extra.v[i];
    }
    return NULL;
}

char *modern_fragment_text(const ir_fragment *f)
{
    xmlDocPtr doc = modern_xml_parse(f->xml);
    if (!doc)
        return NULL;
    char *t = xml_text(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return t;
}

char *modern_fragment_attr(const ir_fragment *f, const char *path, const char *attr)
{
    return modern_doc_attr(f->xml, path, attr);
}

bool modern_is_x86(const qemu_ctx *x)
{
    const char *a = x->dom->os.arch ? x->dom->os.arch : x->caps->arch;
    return !a || strcmp(a, "x86_64") == 0 || strcmp(a, "i686") == 0;
}

/* ---- device-model tables ---------------------------------------------------- */

/* SCSI controller models (NULL model: the default). */
static const struct {
    const char *model;
    const char *type;
    bool lun;                 /* the bus has channels and LUNs */
} modern_scsi_models[] = {
    { NULL, "lsi53c895a", false },
    { "auto", "lsi53c895a", false },
    { "lsilogic", "lsi53c895a", false },
    { "virtio-scsi", "virtio-scsi-pci", true },
    { "virtio-transitional", "virtio-scsi-pci-transitional", true },
    { "virtio-non-transitional", "virtio-scsi-pci-non-transitional", true },
    { "megasas", "megasas", true },
    { "lsisas1068", "mptsas1068", true },
    { "vmpvscsi", "pvscsi", true },
};

/* Device types libvirt writes by their QEMU alias (`-device help` lists
 * them: name "lsi53c895a", alias "lsi"); the capabilities know the type. */
static const struct {
    const char *type;
    const char *alias;
} modern_aliases[] = {
    { "lsi53c895a", "lsi" },
    { "ich9-ahci", "ahci" },
};

const char *modern_written_type(const char *type)
{
    int i = QEMU_TABLE_FIND(modern_aliases, type, type);
    return i >= 0 ? modern_aliases[i].alias : type;
}

/* USB controller models; the rows of a companion group share one slot. */
const modern_usb_model modern_usb_models[] = {
    { "piix3-uhci", "piix3-usb-uhci", MODERN_USB_ALONE, 0, 2 },
    { "piix4-uhci", "piix4-usb-uhci", MODERN_USB_ALONE, 0, 2 },
    { "ehci", "usb-ehci", MODERN_USB_ALONE, 0, 6 },
    { "ich9-ehci1", "ich9-usb-ehci1", MODERN_USB_EHCI, 7, 6 },
    { "ich9-uhci1", "ich9-usb-uhci1", MODERN_USB_UHCI, 0, 0 },
    { "ich9-uhci2", "ich9-usb-uhci2", MODERN_USB_UHCI, 1, 0 },
    { "ich9-uhci3", "ich9-usb-uhci3", MODERN_USB_UHCI, 2, 0 },
    { "nec-xhci", "nec-usb-xhci", MODERN_USB_ALONE, 0, 4 },
    { "qemu-xhci", "qemu-xhci", MODERN_USB_ALONE, 0, 4 },
    { "pci-ohci", "pci-ohci", MODERN_USB_ALONE, 0, 3 },
};

static const size_t modern_nusb_models = sizeof(modern_usb_models) / sizeof(modern_usb_models[0]);

int modern_usb_model_index(const char *model)
{
    return qemu_table_find(modern_usb_models, modern_nusb_models, sizeof(modern_usb_models[0]),
                           offsetof(modern_usb_model, model), model);
}

/* The model a USB controller without one gets (libvirt's defaults). */
const char *modern_usb_default(const qemu_ctx *x)
{
    return x->modern->q35 ? "qemu-xhci" : "piix3-uhci";
}

char *modern_usb_id(int index)
{
    return index == 0 ? vc_xstrdup("usb") : vc_xasprintf("usb%d", index);
}

static int modern_scsi_model(const char *model)
{
    return QEMU_TABLE_FIND(modern_scsi_models, model, model);
}

const char *modern_scsi_type(const char *model)
{
    int mi = modern_scsi_model(model);
    return mi >= 0 ? modern_scsi_models[mi].type : NULL;
}

bool modern_scsi_ctl_luns(const qemu_ctx *x, unsigned controller)
{
    const ir_controller *c = modern_find_controller(x, "scsi", (int)controller);
    int mi = modern_scsi_model(c ? c->model : NULL);
    return mi >= 0 && modern_scsi_models[mi].lun;
}

/* PCI controller models past the root: the QEMU device libvirt writes by
 * default, the other one a <model name=> may choose (NULL: none), and the
 * <target> numbers the device takes. */
static const modern_pci_model_def modern_pci_models[] = {
    { "pci-bridge", "pci-bridge", NULL, MODERN_TGT_CHASSIS_NR, MODERN_ON_ANY },
    { "pcie-root-port", "pcie-root-port", "ioh3420",
      MODERN_TGT_PORT | MODERN_TGT_CHASSIS | MODERN_TGT_HOTPLUG, MODERN_ON_ANY },
    { "dmi-to-pci-bridge", "i82801b11-bridge", NULL, 0, MODERN_ON_ANY },
    { "pcie-to-pci-bridge", "pcie-pci-bridge", NULL, 0, MODERN_ON_ANY },
    { "pci-expander-bus", "pxb", NULL, MODERN_TGT_BUS_NR | MODERN_TGT_NODE, MODERN_ON_PC },
    { "pcie-expander-bus", "pxb-pcie", NULL, MODERN_TGT_BUS_NR | MODERN_TGT_NODE,
      MODERN_ON_Q35 },
    { "pcie-switch-upstream-port", "x3130-upstream", NULL, 0, MODERN_ON_Q35 },
    { "pcie-switch-downstream-port", "xio3130-downstream", NULL,
      MODERN_TGT_PORT | MODERN_TGT_CHASSIS | MODERN_TGT_HOTPLUG, MODERN_ON_Q35 },
};

const modern_pci_model_def *modern_pci_model(const char *model)
{
    int mi = QEMU_TABLE_FIND(modern_pci_models, model, model);
    return mi < 0 ? NULL : &modern_pci_models[mi];
}

bool modern_pci_model_known(const char *model)
{
    return modern_pci_model(model) != NULL;
}

/* ",bus=usb.0[,port=P]" of a USB device. */
void modern_usb_opts(const ir_address *a, vc_buf *b)
{
    if (a->type == IR_ADDR_USB) {
        char *id = modern_usb_id((int)a->bus);
        vc_buf_printf(b, ",bus=%s.0", id);
        free(id);
        if (a->usb_port)
            qemu_opt_add(b, "port", a->usb_port);
    } else {
        vc_buf_puts(b, ",bus=usb.0");
    }
}

/* Sound models: the QEMU device, whether it is a PCI device, and the HDA
 * codec it carries (NULL: none). */
static const struct {
    const char *model;
    const char *type;
    bool pci;
    bool hda;
} modern_sound_models[] = {
    { "ac97", "AC97", true, false },
    { "es1370", "ES1370", true, false },
    { "sb16", "sb16", false, false },
    { "ich6", "intel-hda", true, true },
    { "ich9", "ich9-intel-hda", true, true },
    { "usb", "usb-audio", false, false },
};

const char *modern_sound_type(const char *model, bool *pci, bool *hda)
{
    int i = QEMU_TABLE_FIND(modern_sound_models, model, model);
    if (i < 0)
        return NULL;
    *pci = modern_sound_models[i].pci;
    *hda = modern_sound_models[i].hda;
    return modern_sound_models[i].type;
}

/* libvirt's numbering of a target name when the document gives no drive
 * address: IDE two units a bus, SCSI seven units a controller, SATA six. */
bool modern_drive_addr_of(const ir_disk *disk, ir_disk_bus bus, modern_drive_addr *a)
{
    if (disk->addr.type == IR_ADDR_DRIVE) {
        *a = (modern_drive_addr){ disk->addr.controller, disk->addr.bus, disk->addr.target,
                                  disk->addr.unit };
        return true;
    }
    int idx = ir_disk_target_index(disk->target_dev);
    if (idx < 0)
        return false;
    unsigned u = (unsigned)idx;
    switch (bus) {
    case IR_BUS_IDE:
        *a = (modern_drive_addr){ u / 4, (u % 4) / 2, 0, u % 2 };
        break;
    case IR_BUS_SCSI:
        *a = (modern_drive_addr){ u / 7, 0, 0, u % 7 };
        break;
    case IR_BUS_SATA:
        *a = (modern_drive_addr){ u / 6, 0, 0, u % 6 };
        break;
    default:
        *a = (modern_drive_addr){ 0, 0, 0, u };
    }
    return true;
}

/* QEMU's host_cdrom driver is for a CD-ROM drive (it handles the tray and
 * media changes); any other block device is a host_device, also when the
 * guest sees it as a CD-ROM. A path of this host is a drive when it answers
 * the CD-ROM capability ioctl (O_NONBLOCK: no wait for media); a path this
 * host does not have (a document written for another host) by the names
 * Linux gives drives: /dev/cdrom*, /dev/dvd*, /dev/srN, /dev/scdN. */
static bool modern_cdrom_name(const char *path)
{
    static const char *const words[] = { "/dev/cdrom", "/dev/dvd" };
    static const char *const numbered[] = { "/dev/sr", "/dev/scd" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(words); i++)
        if (vc_str_has_prefix(path, words[i]))
            return true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(numbered); i++) {
        size_t n = strlen(numbered[i]);
        if (strncmp(path, numbered[i], n) == 0 && path[n] && strspn(path + n, "0123456789") ==
                                                               strlen(path + n))
            return true;
    }
    return false;
}

bool modern_host_is_cdrom(const char *path)
{
    if (!path)
        return false;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return errno == ENOENT && modern_cdrom_name(path);
    bool cd = ioctl(fd, CDROM_GET_CAPABILITY, 0) >= 0;
    close(fd);
    return cd;
}

/* The virtio PCI devices that come in three flavours: the default one
 * (modern and legacy, by bus), -transitional (both, always) and
 * -non-transitional (virtio 1.0 only), as libvirt's model names say. */
static const struct {
    const char *base;
    const char *transitional;
    const char *non_transitional;
} modern_virtio_flavours[] = {
#define MODERN_FLAVOURS(t) { t, t "-transitional", t "-non-transitional" }
    MODERN_FLAVOURS("virtio-blk-pci"), MODERN_FLAVOURS("virtio-net-pci"),
    MODERN_FLAVOURS("virtio-scsi-pci"), MODERN_FLAVOURS("virtio-serial-pci"),
    MODERN_FLAVOURS("virtio-9p-pci"), MODERN_FLAVOURS("virtio-balloon-pci"),
    MODERN_FLAVOURS("virtio-rng-pci"), MODERN_FLAVOURS("vhost-scsi-pci"),
    MODERN_FLAVOURS("vhost-vsock-pci"), MODERN_FLAVOURS("virtio-input-host-pci"),
#undef MODERN_FLAVOURS
};

/* The virtio transport options of a device's <driver> (libvirt's names) as
 * QEMU's properties; each only where the device type has it. */
static const struct {
    const char *attr;
    const char *prop;
    size_t off;     /* its field in ir_virtio_opts */
} modern_virtio_driver_opts[] = {
    { "iommu", "iommu_platform", offsetof(ir_virtio_opts, iommu) },
    { "ats", "ats", offsetof(ir_virtio_opts, ats) },
    { "packed", "packed", offsetof(ir_virtio_opts, packed) },
    { "page_per_vq", "page-per-vq", offsetof(ir_virtio_opts, page_per_vq) },
};

char *modern_virtio_attr(const ir_device *dev, const char *attr)
{
    const ir_virtio_opts *v = dev->kind == IR_DEV_DISK ? &dev->u.disk.virtio
                            : dev->kind == IR_DEV_INTERFACE ? &dev->u.net.virtio : NULL;
    if (!v)   /* the kinds the model has no fields for: their element */
        return modern_xml_attr(dev, "driver", attr);
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_virtio_driver_opts); i++)
        if (strcmp(attr, modern_virtio_driver_opts[i].attr) == 0) {
            ir_tristate t = *(const ir_tristate *)((const char *)v +
                                                   modern_virtio_driver_opts[i].off);
            return t == IR_TRI_ABSENT ? NULL : vc_xstrdup(t == IR_TRI_YES ? "on" : "off");
        }
    return NULL;
}

/* The type whose properties a virtio flavour has: the flavours are the
 * base device with the legacy interface forced on or off. */
const char *modern_virtio_base(const char *type)
{
    for (size_t k = 0; k < VC_ARRAY_SIZE(modern_virtio_flavours); k++)
        if (vc_streq(type, modern_virtio_flavours[k].transitional) ||
            vc_streq(type, modern_virtio_flavours[k].non_transitional))
            return modern_virtio_flavours[k].base;
    return type;
}

void modern_virtio_opts(qemu_ctx *x, const ir_device *dev, const char *type, vc_buf *b)
{
    const char *base = modern_virtio_base(type);
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_virtio_driver_opts); i++) {
        char *v = modern_virtio_attr(dev, modern_virtio_driver_opts[i].attr);
        if (v && (vc_streq(v, "on") || vc_streq(v, "off")) &&
            modern_has_prop(x, base, modern_virtio_driver_opts[i].prop))
            vc_buf_printf(b, ",%s=%s", modern_virtio_driver_opts[i].prop, v);
        free(v);
    }
    /* QEMU offers the IOMMU feature only to a virtio 1.0 device: on a
     * conventional PCI bus (i440fx) the default device is transitional, so
     * it is made modern-only; libvirt writes iommu_platform alone there,
     * which QEMU 7.2 refuses. */
    char *iommu = modern_virtio_attr(dev, "iommu");
    if (vc_streq(iommu, "on") && !x->modern->q35 && !vc_str_has_suffix(type, "transitional") &&
        modern_has_prop(x, type, "disable-legacy")) {
        vc_buf_puts(b, ",disable-legacy=on");
        qemu_warn(x, dev->pos, "iommu='on' needs a virtio 1.0 device: written as "
                  "disable-legacy=on (model='virtio-non-transitional')");
    }
    free(iommu);
}

const char *modern_virtio_type(const char *base, const char *model)
{
    int k = QEMU_TABLE_FIND(modern_virtio_flavours, base, base);
    if (!model || strcmp(model, "virtio") == 0)
        return base;
    if (k < 0)
        return NULL;
    if (strcmp(model, "virtio-transitional") == 0)
        return modern_virtio_flavours[k].transitional;
    if (strcmp(model, "virtio-non-transitional") == 0)
        return modern_virtio_flavours[k].non_transitional;
    return NULL;
}

bool modern_passthrough_defines(const ir_domain *dom, const char *opt, const char *id)
{
    const ir_qemu_cmdline *q = dom->qemu_cmdline;
    for (size_t i = 0; q && i + 1 < q->nargs; i++)
        if (strcmp(q->args[i], opt) == 0 && (!id || qemu_value_has_id(q->args[i + 1], id, strlen(id))))
            return true;
    return false;
}

char *modern_dev_id(const ir_device *dev, char *numbered)
{
    if (!dev || !dev->alias)
        return numbered;
    free(numbered);
    return vc_xstrdup(dev->alias);
}

void modern_put_dev_id(vc_buf *b, const ir_device *dev, const char *prefix, int n)
{
    if (dev && dev->alias)
        vc_buf_puts(b, dev->alias);
    else
        vc_buf_printf(b, "%s%d", prefix, n);
}

/* ---- properties that are one attribute of the element ------------------------------------ */

bool modern_device_props(qemu_ctx *x, const ir_device *dev, const char *type, vc_buf *b)
{
    unsigned fam = qemu_prop_family(type);
    if (!dev || !dev->xml || !fam)   /* a complete element says none of them */
        return true;
    bool ok = true;
    for (size_t i = 0; i < qemu_nprop_maps; i++) {
        const qemu_prop_map *m = &qemu_prop_maps[i];
        char *v = m->families & fam ? modern_xml_value(dev, m->path ? m->path : "", m->attr)
                                    : NULL;
        if (!v)
            continue;
        char *q = qemu_prop_to_qemu(m, v);
        if (!modern_has_prop(x, modern_virtio_base(type), m->prop))
            ok = qemu_unsupported(x, dev->pos, "property '%s' of '%s'", m->prop, type);
        else if (!q)
            ok = qemu_error(x, dev->pos, "'%s' is not a value for %s of '%s'", v, m->prop,
                            type);
        else
            qemu_opt_add(b, m->prop, q);
        free(q);
        free(v);
    }
    return ok;
}

/* The formats whose format node takes a "backing" (QEMU's copy-on-write
 * image formats); a raw or LUKS node has nothing below it. */
static const char *const modern_cow_formats[] = { "qcow2", "qcow", "qed", "vmdk" };

bool modern_format_has_backing(const char *fmt)
{
    return fmt && qemu_str_in(fmt, modern_cow_formats, VC_ARRAY_SIZE(modern_cow_formats));
}
