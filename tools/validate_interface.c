/*
 * validate_interface.c: a host interface's checks beyond the schema.
 *
 * Learned from libvirt 9.0's parser (tests/libvirt-parse.py), on
 * documents its schema takes:
 *  - the words of an interface's type, start mode, link state, protocol
 *    family, DHCP peerdns and the bonding mode, MII carrier and ARP
 *    validation are compared exactly: the schema's tokens let spaces
 *    stand around them, the parser does not ("unknown interface startmode
 *    ' onboot'"); a bridge's stp is not (" on" is taken);
 *  - an ARP monitor's validate='none' is in the schema and not in the
 *    parser ("unknown arp bonding validate none"): leave it out instead;
 *  - a VLAN interface, at the top or inside a bridge, must be named
 *    ("interface has no name"), where the schema lets the name go.
 */
#include <stdlib.h>
#include <string.h>

#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate_rules.h"

static const vr_word vr_iface_words[] = {
    { "interface", "type" }, { "start", "mode" },    { "link", "state" },
    { "protocol", "family" }, { "dhcp", "peerdns" }, { "bond", "mode" },
    { "miimon", "carrier" },  { "arpmon", "validate" },
};

static const char *vr_bad_arp_validate(const char *v)
{
    return strcmp(v, "none") == 0 ? "active, backup or all (no validation: leave validate out)"
                                  : NULL;
}

/* Every <interface> and <arpmon> under and including n. */
static bool vr_iface_walk(xmlNodePtr n, const char *file, vc_diags *d)
{
    bool ok = true;
    if (check_is(n, "arpmon"))
        ok = check_value(n, "validate", vr_bad_arp_validate, file, d);
    char *type = check_is(n, "interface") ? xml_prop(n, "type") : NULL;
    if (type && strcmp(type, "vlan") == 0 && !xmlHasProp(n, BAD_CAST "name"))
        ok = vc_error_at(d, xml_node_loc(file, n),
                         "missing attribute 'name' on <interface type='vlan'>: a VLAN "
                         "interface is named (eth0.42)") && ok;
    free(type);
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            ok = vr_iface_walk(c, file, d) && ok;
    return ok;
}

bool vr_interface_check(xmlDocPtr doc, const char *file, vc_diags *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    bool ok = vr_exact_words(root, vr_iface_words, VC_ARRAY_SIZE(vr_iface_words), file, d);
    return vr_iface_walk(root, file, d) && ok;
}
