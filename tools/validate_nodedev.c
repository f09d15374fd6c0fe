/*
 * validate_nodedev.c: a node device's checks beyond the schema.
 *
 * Learned from libvirt 9.0's parser (tests/libvirt-parse.py), on
 * documents libvirt's node device schema takes:
 *  - a device lists at least one capability, and has a name that is not
 *    empty ("missing name information"; a name of spaces is taken);
 *  - scsi_generic and vdpa are capabilities the schema describes (a host
 *    reports them) but the parser does not read ("unknown capability
 *    type"): a document cannot define such a device;
 *  - the words of a capability's type, a devnode's type, a network
 *    link's state, the type of a network's, SCSI host's, SCSI target's
 *    or storage device's sub-capability, a VPD's fields access and a DRM
 *    device's <type> are compared exactly: the schema's tokens let spaces
 *    stand around them (the sub-capability types of a PCI device, a CSS
 *    device and an AP matrix the parser trims, so they are left alone);
 *  - a network device names its interface, a SCSI target its target, an
 *    FC remote port its rport, a mediated device and each of its
 *    parent's mediated types an id (empty is missing; spaces are taken);
 *  - a network feature is one of the kernel's offloads the parser knows;
 *  - a PCI address in a PCI device's capabilities is C-style numbers
 *    (0x hex, 0 octal, decimal: '08' and 'a' are refused) of 32 bits, and
 *    unless domain, bus and slot are all 0 the bus is at most 0xff, the
 *    slot 0x1f and the function 7;
 *  - an AP queue's domain is at most 255 in hex too (the schema takes
 *    four hex digits);
 *  - a PCIe link's speed is one of the generations' speeds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate_rules.h"

/* Whether e's attribute name has the value want. */
static bool vn_attr_is(xmlNodePtr e, const char *name, const char *want)
{
    char *v = xml_prop(e, name);
    bool is = v && strcmp(v, want) == 0;
    free(v);
    return is;
}

/* The capability children of n of type want (NULL: every one) call
 * check(cap); true when every call is. */
static bool vn_each_cap(xmlNodePtr n, const char *want,
                        bool (*check)(xmlNodePtr cap, const char *file, vc_diags *d),
                        const char *file, vc_diags *d)
{
    bool ok = true;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (check_is(c, "capability") && (!want || vn_attr_is(c, "type", want)))
            ok = check(c, file, d) && ok;
    return ok;
}

/* ---- values -------------------------------------------------------------- */

/* A PCIe link's speed in GT/s: libvirt's schema takes digits, any one
 * character and digits ('0_75'), its parser only the speeds of the PCIe
 * generations it names (2.5, 5, 8, 16, 32, 64; '2.50' and '05' are
 * refused too). */
static const char *vn_bad_link_speed(const char *v)
{
    static const char *const speeds[] = { "2.5", "5", "8", "16", "32", "64" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(speeds); i++)
        if (strcmp(v, speeds[i]) == 0)
            return NULL;
    return "a PCIe link speed in GT/s: one of 2.5, 5, 8, 16, 32, 64";
}

/* The network features libvirt's parser knows (the schema takes any
 * name of letters). */
static const char *vn_bad_net_feature(const char *v)
{
    static const char *const known[] = {
        "rx",     "tx",     "sg",     "tso",    "gso",  "gro",      "lro",
        "rxvlan", "txvlan", "ntuple", "rxhash", "rdma", "txudptnl", "switchdev",
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(known); i++)
        if (strcmp(v, known[i]) == 0)
            return NULL;
    return "a network feature: rx, tx, sg, tso, gso, gro, lro, rxvlan, txvlan, ntuple, "
           "rxhash, rdma, txudptnl or switchdev";
}

static const char *vn_bad_mdev_id(const char *v)
{
    return *v ? NULL : "a mediated device type's id (nvidia-35)";
}

/* ---- PCI addresses ------------------------------------------------------- */

/* An <address>'s parts, their most when the address is not all zero. */
static const struct {
    const char *attr;
    unsigned long long max;
} vn_pci_parts[] = {
    { "domain", UINT32_MAX },
    { "bus", 0xff },
    { "slot", 0x1f },
    { "function", 7 },
};

static bool vn_pci_address(xmlNodePtr a, const char *file, vc_diags *d)
{
    unsigned long long v[VC_ARRAY_SIZE(vn_pci_parts)] = { 0 };
    bool ok = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(vn_pci_parts); i++) {
        xmlAttrPtr at = xmlHasProp(a, BAD_CAST vn_pci_parts[i].attr);
        char *s = at ? xml_prop(a, vn_pci_parts[i].attr) : NULL;
        if (s && !(vc_parse_ull(s, 0, &v[i]) && v[i] <= UINT32_MAX))
            ok = vc_error_at(d, xml_node_loc(file, (xmlNodePtr)at),
                             "%s='%s': expected a number of 32 bits (0x1f hex, 017 octal or 31)",
                             vn_pci_parts[i].attr, s);
        free(s);
    }
    /* an address of domain, bus and slot 0 is taken as no address at all */
    if (!ok || (v[0] == 0 && v[1] == 0 && v[2] == 0))
        return ok;
    for (size_t i = 1; i < VC_ARRAY_SIZE(vn_pci_parts); i++)
        if (v[i] > vn_pci_parts[i].max) {
            xmlNodePtr at = (xmlNodePtr)xmlHasProp(a, BAD_CAST vn_pci_parts[i].attr);
            ok = vc_error_at(d, xml_node_loc(file, at), "%s=%#llx: expected a PCI %s 0..%#llx",
                             vn_pci_parts[i].attr, v[i], vn_pci_parts[i].attr,
                             vn_pci_parts[i].max);
        }
    return ok;
}

/* Every <address> under n, and every PCIe <link>. */
static bool vn_pci_walk(xmlNodePtr n, const char *file, vc_diags *d)
{
    bool ok = true;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (check_is(c, "address") && xmlHasProp(c, BAD_CAST "domain"))
            ok = vn_pci_address(c, file, d) && ok;
        if (check_is(c, "link") && check_is(n, "pci-express"))
            ok = check_value(c, "speed", vn_bad_link_speed, file, d) && ok;
        ok = vn_pci_walk(c, file, d) && ok;
    }
    return ok;
}

/* ---- capabilities -------------------------------------------------------- */

static bool vn_mdev_types(xmlNodePtr cap, const char *file, vc_diags *d)
{
    bool ok = true;
    for (xmlNodePtr t = cap->children; t; t = t->next)
        if (check_is(t, "type"))
            ok = check_value(t, "id", vn_bad_mdev_id, file, d) && ok;
    return ok;
}

/* A capability whose sub-capabilities may list mediated types (pci, css,
 * ap_matrix). */
static bool vn_mdev_parent(xmlNodePtr cap, const char *file, vc_diags *d)
{
    return vn_each_cap(cap, "mdev_types", vn_mdev_types, file, d);
}

/* A PCI device's VPD: the parser compares the access of its fields
 * exactly. */
static bool vn_vpd(xmlNodePtr cap, const char *file, vc_diags *d)
{
    bool ok = true;
    for (xmlNodePtr f = cap->children; f; f = f->next)
        if (check_is(f, "fields"))
            ok = vr_exact_word(f, "access", file, d) && ok;
    return ok;
}

static bool vn_pci(xmlNodePtr cap, const char *file, vc_diags *d)
{
    bool ok = vn_pci_walk(cap, file, d);
    ok = vn_each_cap(cap, "vpd", vn_vpd, file, d) && ok;
    return vn_mdev_parent(cap, file, d) && ok;
}

static bool vn_sub_type(xmlNodePtr cap, const char *file, vc_diags *d)
{
    return vr_exact_word(cap, "type", file, d);
}

/* A capability whose sub-capabilities' types the parser compares exactly
 * (net, scsi_host, scsi_target, storage). */
static bool vn_sub_types(xmlNodePtr cap, const char *file, vc_diags *d)
{
    return vn_each_cap(cap, NULL, vn_sub_type, file, d);
}

static bool vn_net(xmlNodePtr cap, const char *file, vc_diags *d)
{
    xmlNodePtr ifname = xml_child(cap, "interface");
    bool ok = !ifname || vr_text_given(ifname, "the network interface's name (eth0)", file, d);
    ok = vn_sub_types(cap, file, d) && ok;
    for (xmlNodePtr c = cap->children; c; c = c->next) {
        if (check_is(c, "link"))
            ok = vr_exact_word(c, "state", file, d) && ok;
        if (check_is(c, "feature"))
            ok = check_value(c, "name", vn_bad_net_feature, file, d) && ok;
    }
    return ok;
}

static bool vn_rport(xmlNodePtr cap, const char *file, vc_diags *d)
{
    xmlNodePtr rport = xml_child(cap, "rport");
    return !rport || vr_text_given(rport, "the remote port's name (rport-0:0-0)", file, d);
}

static bool vn_scsi_target(xmlNodePtr cap, const char *file, vc_diags *d)
{
    xmlNodePtr target = xml_child(cap, "target");
    bool ok = !target || vr_text_given(target, "the SCSI target's name (target0:0:0)", file, d);
    ok = vn_sub_types(cap, file, d) && ok;
    return vn_each_cap(cap, "fc_remote_port", vn_rport, file, d) && ok;
}

static bool vn_drm(xmlNodePtr cap, const char *file, vc_diags *d)
{
    xmlNodePtr type = xml_child(cap, "type");
    return !type || vr_exact_text(type, file, d);
}

static bool vn_mdev(xmlNodePtr cap, const char *file, vc_diags *d)
{
    xmlNodePtr type = xml_child(cap, "type");
    return !type || check_value(type, "id", vn_bad_mdev_id, file, d);
}

/* An AP queue's domain: the schema takes 0..255 in decimal and up to
 * four hex digits; the parser 255 at most either way. */
#define VN_AP_DOMAIN_MAX 255ULL

static bool vn_ap_queue(xmlNodePtr cap, const char *file, vc_diags *d)
{
    xmlNodePtr dom = xml_child(cap, "ap-domain");
    char *v = dom ? xml_text(dom) : NULL;
    unsigned long long n;
    bool hex = v && (strncmp(v, "0x", 2) == 0 || strncmp(v, "0X", 2) == 0);
    bool ok = !hex || (vc_parse_ull(v, 16, &n) && n <= VN_AP_DOMAIN_MAX);
    if (!ok)
        vc_error_at(d, xml_node_loc(file, dom),
                    "<ap-domain>: '%s': expected an AP domain 0..255 (0x0..0xff)", v);
    free(v);
    return ok;
}

/* What a top-level capability's type asks of it beyond the schema. A
 * NULL check: a type the parser cannot read from a document. */
static const struct {
    const char *type;
    bool (*check)(xmlNodePtr cap, const char *file, vc_diags *d);
} vn_caps[] = {
    { "pci", vn_pci },
    { "net", vn_net },
    { "scsi_host", vn_sub_types },
    { "scsi_target", vn_scsi_target },
    { "storage", vn_sub_types },
    { "drm", vn_drm },
    { "mdev", vn_mdev },
    { "ap_queue", vn_ap_queue },
    { "css", vn_mdev_parent },
    { "ap_matrix", vn_mdev_parent },
    { "scsi_generic", NULL },
    { "vdpa", NULL },
};

static bool vn_cap(xmlNodePtr cap, const char *file, vc_diags *d)
{
    if (!vr_exact_word(cap, "type", file, d))
        return false;
    char *type = xml_prop(cap, "type");
    bool ok = true;
    for (size_t i = 0; type && i < VC_ARRAY_SIZE(vn_caps); i++) {
        if (strcmp(type, vn_caps[i].type) != 0)
            continue;
        if (vn_caps[i].check)
            ok = vn_caps[i].check(cap, file, d);
        else
            ok = vc_error_at(d, xml_node_loc(file, (xmlNodePtr)xmlHasProp(cap, BAD_CAST "type")),
                             "type='%s': expected a capability a document can define (a host "
                             "reports %s devices; libvirt's parser does not read them)",
                             type, type);
    }
    free(type);
    return ok;
}

bool vr_nodedev_check(xmlDocPtr doc, const char *file, vc_diags *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    /* libvirt's schema lets a device list no capability; its parser
     * refuses such a device ("no device capabilities") */
    if (!xml_child(root, "capability"))
        return vc_error_at(d, xml_node_loc(file, root),
                           "missing <capability> in <device>: a node device has at least one");
    xmlNodePtr name = xml_child(root, "name");
    bool ok = !name || vr_text_given(name, "the device's name (pci_0000_00_02_0)", file, d);
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (check_is(c, "devnode"))
            ok = vr_exact_word(c, "type", file, d) && ok;
    return vn_each_cap(root, NULL, vn_cap, file, d) && ok;
}
