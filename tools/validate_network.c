/*
 * validate_network.c: a network document's checks beyond its schema.
 *
 * libvirt's network schema takes many documents its parser refuses (what
 * `virsh net-define` says): an <ip> with no address, a DHCP range outside
 * its network, a bridge option the forward mode has no bridge for, a
 * bandwidth floor, ... The rules here were learned from libvirt 9.0's
 * parser's verdicts (tests/libvirt-parse.py, tests/schema-diff.sh's LOOSER
 * lines) and the corpus; each is pinned by a bad/good pair of goldens
 * under tests/golden/validate/. Where a rule depends on something not
 * known here (an address that does not parse, a prefix that is not a
 * number) it is not applied: virtc must never refuse what libvirt takes.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../translators/inet.h"
#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate_network.h"
#include "validate_rules.h"

typedef struct vnet_ctx {
    const char *file;
    vc_diags *d;
    bool ok;
} vnet_ctx;

/* ---- helpers --------------------------------------------------------------- */

/* Whether n is an element of the network format (no namespace) named name. */
static bool vnet_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !n->ns &&
           strcmp((const char *)n->name, name) == 0;
}

static xmlAttrPtr vnet_attr(xmlNodePtr e, const char *name)
{
    return e ? xmlHasNsProp(e, BAD_CAST name, NULL) : NULL;
}

static char *vnet_value(xmlNodePtr e, const char *name)
{
    return vnet_attr(e, name) ? xml_prop(e, name) : NULL;
}

/* A located error at at (an element or an attribute). */
static void vnet_err(vnet_ctx *c, xmlNodePtr at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void vnet_err(vnet_ctx *c, xmlNodePtr at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_verror_at(c->d, xml_node_loc(c->file, at), fmt, ap);
    va_end(ap);
    c->ok = false;
}

/* The attribute name of e as a node to locate an error at, else e. */
static xmlNodePtr vnet_at(xmlNodePtr e, const char *name)
{
    xmlAttrPtr a = vnet_attr(e, name);
    return a ? (xmlNodePtr)a : e;
}

static size_t vnet_count(xmlNodePtr parent, const char *name)
{
    size_t n = 0;
    for (xmlNodePtr k = parent ? parent->children : NULL; k; k = k->next)
        n += vnet_is(k, name);
    return n;
}

/* ---- addresses ------------------------------------------------------------- */

/* The address attribute name of e. The schema's pattern takes a few
 * strings no address parser reads (':1.2.3.4'), which libvirt's parser
 * refuses: an error then when c is given. Family 0 when absent or
 * unreadable: the rules that need the address are not applied. */
static vc_inet vnet_addr_of(vnet_ctx *c, xmlNodePtr e, const char *name)
{
    vc_inet a;
    char *v = vnet_value(e, name);
    if (!vc_inet_parse(v, &a) && v && c)
        vnet_err(c, vnet_at(e, name), "%s='%s': expected an IPv4 or IPv6 address", name, v);
    free(v);
    return a;
}

static int vnet_cmp(const vc_inet *a, const vc_inet *b)
{
    return memcmp(a->b, b->b, (size_t)a->bits / 8);
}

#define VNET_PREFIX_UNKNOWN (-2)   /* not a number: rules needing it skipped */

/* An explicit prefix= or netmask= of e, for an address of family: the
 * prefix length, -1 for a netmask libvirt cannot turn into one,
 * VNET_PREFIX_UNKNOWN when it does not read, or dflt when neither is
 * given. */
static int vnet_prefix_of(xmlNodePtr e, int dflt)
{
    char *p = vnet_value(e, "prefix");
    unsigned long long n = 0;
    if (p) {
        bool num = vc_parse_ull(p, 10, &n) && n <= 128;
        free(p);
        return num ? (int)n : VNET_PREFIX_UNKNOWN;
    }
    if (!vnet_attr(e, "netmask"))
        return dflt;
    vc_inet m = vnet_addr_of(NULL, e, "netmask");
    return m.family == AF_INET ? vc_inet_mask_prefix(&m) : VNET_PREFIX_UNKNOWN;
}

/* An <ip>'s network with no prefix given: IPv6's /64, and IPv4's class
 * (A /8, B /16, C /24; D and E have none: -1, as libvirt's parser says
 * "bad prefix -1" for them). */
static int vnet_default_prefix(const vc_inet *a)
{
    if (a->family == AF_INET6)
        return 64;
    return a->b[0] < 128 ? 8 : a->b[0] < 192 ? 16 : a->b[0] < 224 ? 24 : -1;
}

/* ---- the network's <ip> elements ------------------------------------------- */

typedef struct vnet_ip {
    vc_inet addr;   /* family 0: no usable address */
    int prefix;
} vnet_ip;

typedef struct vnet_ips {
    vnet_ip *v;
    size_t n, cap;
    bool any_address;   /* some <ip> has an address */
} vnet_ips;

/* family= against the address's own family: libvirt takes an IPv4
 * address without family=, an IPv6 one only with family='ipv6'. */
static bool vnet_check_family(vnet_ctx *c, xmlNodePtr e, const char *what,
                              const vc_inet *a)
{
    char *fam = vnet_value(e, "family"), *v = vnet_value(e, what);
    int want = fam && strcmp(fam, "ipv6") == 0 ? AF_INET6 : AF_INET;
    bool ok = a->family == 0 || a->family == want;
    if (!ok && fam)
        vnet_err(c, vnet_at(e, what), "%s='%s': expected an %s address for family='%s'", what,
                 v, vc_inet_family_name(want), fam);
    else if (!ok)
        vnet_err(c, vnet_at(e, what), "%s='%s': expected an IPv4 address, or family='ipv6' "
                 "for an IPv6 one", what, v);
    free(fam);
    free(v);
    return ok;
}

/* prefix= and netmask= against the address's family. */
static bool vnet_check_mask(vnet_ctx *c, xmlNodePtr e, const vc_inet *a)
{
    char *p = vnet_value(e, "prefix");
    unsigned long long n;
    bool ok = true;
    if (a->family == AF_INET && p && vc_parse_ull(p, 10, &n) && n > 32) {
        vnet_err(c, vnet_at(e, "prefix"), "prefix='%s': expected an IPv4 prefix 0..32", p);
        ok = false;
    }
    free(p);
    if (a->family == AF_INET6 && vnet_attr(e, "netmask")) {
        vnet_err(c, vnet_at(e, "netmask"),
                 "netmask: expected prefix= for an IPv6 address (a netmask is IPv4's)");
        ok = false;
    }
    return ok;
}

/* A DHCP <range>: of the network's family, inside it, not reversed,
 * within one block of 65536 addresses (libvirt's parser wants all but
 * the last 16 bits of start and end equal), and for IPv4 neither the
 * network's nor its broadcast address. */
static void vnet_check_range(vnet_ctx *c, xmlNodePtr r, const vnet_ip *ip)
{
    vc_inet s = vnet_addr_of(c, r, "start"), e = vnet_addr_of(c, r, "end");
    if (!s.family || !e.family || ip->prefix == VNET_PREFIX_UNKNOWN)
        return;
    const char *fam = vc_inet_family_name(ip->addr.family);
    if (s.family != ip->addr.family || e.family != ip->addr.family)
        vnet_err(c, r, "<range>: expected %s start and end addresses, as the network's", fam);
    else if (ip->prefix < 0)
        vnet_err(c, r, "<range>: expected the network's prefix= (the address has no class "
                 "to take one from)");
    else if (!vc_inet_same_net(&s, &ip->addr, ip->prefix) ||
             !vc_inet_same_net(&e, &ip->addr, ip->prefix))
        vnet_err(c, r, "<range>: expected start and end inside the network (its address's "
                 "first %d bits)", ip->prefix);
    else if (vnet_cmp(&s, &e) > 0)
        vnet_err(c, r, "<range>: expected start at or before end");
    else if (!vc_inet_same_net(&s, &e, s.bits - 16))
        vnet_err(c, r, "<range>: expected at most 65536 addresses (start and end equal but "
                 "in their last 16 bits)");
    else if (s.family == AF_INET && vc_inet_host_bits(&s, ip->prefix, false))
        vnet_err(c, vnet_at(r, "start"), "start: expected a host address, not the network's");
    else if (e.family == AF_INET && vc_inet_host_bits(&e, ip->prefix, true))
        vnet_err(c, vnet_at(r, "end"), "end: expected a host address, not the broadcast "
                 "address");
}

/* A DHCP <lease>: 0 for one that never ends, else at least dnsmasq's
 * two minutes (in the unit given; minutes when none is). */
static void vnet_check_lease(vnet_ctx *c, xmlNodePtr owner)
{
    static const struct {
        const char *unit;
        unsigned long long min;   /* the smallest count of the unit >= 120 s */
    } units[] = { { "seconds", 120 }, { "minutes", 2 }, { "hours", 1 } };
    xmlNodePtr l = xml_child(owner, "lease");
    char *expiry = vnet_value(l, "expiry"), *unit = vnet_value(l, "unit");
    unsigned long long n;
    for (size_t i = 0; expiry && i < VC_ARRAY_SIZE(units); i++)
        if (vc_streq(unit ? unit : "minutes", units[i].unit) &&
            vc_parse_ull(expiry, 10, &n) && n != 0 && n < units[i].min)
            vnet_err(c, vnet_at(l, "expiry"), "expiry='%s': expected a lease of at least 2 "
                     "minutes, or 0 for one that never ends", expiry);
    free(expiry);
    free(unit);
}

/* A static DHCP <host>: an IPv4 one is named by mac= or name=; DHCPv6
 * knows no MAC addresses. */
static void vnet_check_host(vnet_ctx *c, xmlNodePtr h, int family)
{
    vnet_addr_of(c, h, "ip");
    char *name = vnet_value(h, "name");
    /* dnsmasq's host names: libvirt wants the first character a letter
     * or a digit, and takes anything after it */
    if (name && !(isascii((unsigned char)name[0]) && isalnum((unsigned char)name[0])))
        vnet_err(c, vnet_at(h, "name"), "name='%s': expected a host name beginning with a "
                 "letter or a digit", name);
    free(name);
    if (family == AF_INET6 && vnet_attr(h, "mac"))
        vnet_err(c, vnet_at(h, "mac"), "mac: expected id= or name= for an IPv6 host "
                 "(DHCPv6 does not go by MAC address)");
    if (family == AF_INET && !vnet_attr(h, "mac") && !vnet_attr(h, "name"))
        vnet_err(c, h, "<host>: expected mac= or name= for an IPv4 host");
}

/* <bootp server=>: the schema takes a DNS name, libvirt's parser only an
 * address (as inet_aton reads one: '1' is 0.0.0.1); it looks up no name. */
static void vnet_check_bootp(vnet_ctx *c, xmlNodePtr b)
{
    char *server = vnet_value(b, "server");
    struct in_addr a;
    unsigned char a6[16];
    if (server && !inet_aton(server, &a) && inet_pton(AF_INET6, server, a6) != 1)
        vnet_err(c, vnet_at(b, "server"), "server='%s': expected the boot server's IP "
                 "address (libvirt looks up no host name)", server);
    free(server);
}

static void vnet_check_ip(vnet_ctx *c, xmlNodePtr e, vnet_ips *ips)
{
    if (!vnet_attr(e, "address")) {
        vnet_err(c, e, "missing attribute 'address' on <ip>: expected the host's address "
                 "in the network");
        return;
    }
    ips->any_address = true;
    vnet_ip ip = { vnet_addr_of(c, e, "address"), 0 };
    if (!vnet_check_family(c, e, "address", &ip.addr) || !vnet_check_mask(c, e, &ip.addr) ||
        !ip.addr.family)
        return;
    ip.prefix = vnet_prefix_of(e, vnet_default_prefix(&ip.addr));
    vc_xgrow((void **)&ips->v, &ips->cap, ips->n + 1, sizeof *ips->v);
    ips->v[ips->n++] = ip;
    for (xmlNodePtr k = e->children; k; k = k->next)
        if (vnet_is(k, "tftp") && ip.addr.family == AF_INET6)
            vnet_err(c, k, "<tftp>: expected in an IPv4 <ip> only (libvirt serves TFTP over "
                     "IPv4)");
    xmlNodePtr dhcp = xml_child(e, "dhcp");
    for (xmlNodePtr k = dhcp ? dhcp->children : NULL; k; k = k->next) {
        if (vnet_is(k, "range") || vnet_is(k, "host"))
            vnet_check_lease(c, k);
        if (vnet_is(k, "range"))
            vnet_check_range(c, k, &ip);
        if (vnet_is(k, "host"))
            vnet_check_host(c, k, ip.addr.family);
        if (vnet_is(k, "bootp"))
            vnet_check_bootp(c, k);
    }
}

/* ---- routes ---------------------------------------------------------------- */

/* Whether some <ip> of the gateway's family has it inside its network; an
 * <ip> whose prefix does not read counts as reaching it. */
static bool vnet_reachable(const vnet_ips *ips, const vc_inet *gw)
{
    for (size_t i = 0; i < ips->n; i++) {
        const vnet_ip *ip = &ips->v[i];
        if (ip->addr.family != gw->family)
            continue;
        if (ip->prefix == VNET_PREFIX_UNKNOWN ||
            (ip->prefix >= 0 && vc_inet_same_net(&ip->addr, gw, ip->prefix)))
            return true;
    }
    return false;
}

static void vnet_check_route(vnet_ctx *c, xmlNodePtr r, const vnet_ips *ips)
{
    vc_inet a = vnet_addr_of(c, r, "address"), gw = vnet_addr_of(c, r, "gateway");
    bool fam = vnet_check_family(c, r, "address", &a);
    fam = vnet_check_family(c, r, "gateway", &gw) && fam;
    char *metric = vnet_value(r, "metric");
    unsigned long long m;
    if (metric && vc_parse_ull(metric, 10, &m) && m == 0)
        vnet_err(c, vnet_at(r, "metric"), "metric='0': expected a metric of at least 1");
    free(metric);
    if (!fam || !a.family || !gw.family || !vnet_check_mask(c, r, &a))
        return;
    /* no prefix: the route is the default one (prefix 0) */
    int prefix = vnet_prefix_of(r, 0);
    char *addr = vnet_value(r, "address"), *gate = vnet_value(r, "gateway");
    if (prefix >= 0 && !vc_inet_host_bits(&a, prefix, false))
        vnet_err(c, vnet_at(r, "address"), "address='%s': expected a network address, its "
                 "bits after the first %d zero", addr, prefix);
    if (!vnet_reachable(ips, &gw))
        vnet_err(c, vnet_at(r, "gateway"), "gateway='%s': expected an address inside one of "
                 "the network's %s <ip> networks", gate, vc_inet_family_name(gw.family));
    free(addr);
    free(gate);
}

/* ---- forward mode ---------------------------------------------------------- */

enum {
    VNET_NEEDS_IP = 1 << 0,      /* an <ip> with an address */
    VNET_BRIDGE_NAME = 1 << 1,   /* <bridge name=> */
    VNET_BRIDGE_OPTS = 1 << 2,   /* <bridge stp= delay= zone=>, <mtu> */
    VNET_MAC_TABLE = 1 << 3,     /* <bridge macTableManager=> */
    VNET_ONE_DEV = 1 << 4,       /* at most one <interface> */
    VNET_NO_DEV = 1 << 5,        /* no forward device at all */
    VNET_NAT = 1 << 6,           /* <nat> */
    VNET_DEV_OR_BRIDGE = 1 << 7, /* a bridge name or a forward device */
};

/* What each forward mode lets a network have. NULL: no <forward>, an
 * isolated network; a <forward> with no mode= is nat. The host's own
 * bridge (nat, route, open, isolated) takes every bridge option; a host
 * bridge forwarded to (bridge) only a name and the MAC table manager;
 * the direct modes none. */
#define VNET_L3 (VNET_BRIDGE_NAME | VNET_BRIDGE_OPTS | VNET_MAC_TABLE)
static const struct {
    const char *mode;
    unsigned allows;
} vnet_modes[] = {
    { NULL, VNET_L3 },
    { "nat", VNET_L3 | VNET_NEEDS_IP | VNET_ONE_DEV | VNET_NAT },
    { "route", VNET_L3 | VNET_NEEDS_IP | VNET_ONE_DEV },
    { "open", VNET_L3 | VNET_NEEDS_IP | VNET_NO_DEV },
    { "bridge", VNET_BRIDGE_NAME | VNET_MAC_TABLE | VNET_DEV_OR_BRIDGE },
    { "private", 0 },
    { "vepa", 0 },
    { "passthrough", 0 },
    { "hostdev", 0 },
};

static const char *vnet_mode_name(const char *mode)
{
    return mode ? mode : "no <forward> (isolated)";
}

/* <bridge>'s attributes against what the mode allows. */
static void vnet_check_bridge(vnet_ctx *c, xmlNodePtr br, const char *mode, unsigned allows)
{
    static const char *const opts[] = { "stp", "zone" };
    if (!br)
        return;
    if (!(allows & VNET_BRIDGE_NAME) && vnet_attr(br, "name"))
        vnet_err(c, vnet_at(br, "name"), "name: expected no bridge name with forward mode "
                 "'%s' (it uses no bridge)", mode);
    if (!(allows & VNET_MAC_TABLE) && vnet_attr(br, "macTableManager"))
        vnet_err(c, vnet_at(br, "macTableManager"), "macTableManager: expected no MAC table "
                 "manager with forward mode '%s' (it uses no bridge)", mode);
    if (allows & VNET_BRIDGE_OPTS)
        return;
    for (size_t i = 0; i < VC_ARRAY_SIZE(opts); i++)
        if (vnet_attr(br, opts[i]))
            vnet_err(c, vnet_at(br, opts[i]), "%s: expected only on a bridge libvirt makes "
                     "(forward mode nat, route, open or none), not with '%s'", opts[i], mode);
    char *delay = vnet_value(br, "delay");
    unsigned long long n;
    /* delay='0' is the default, taken in every mode */
    if (delay && vc_parse_ull(delay, 10, &n) && n != 0)
        vnet_err(c, vnet_at(br, "delay"), "delay='%s': expected only on a bridge libvirt "
                 "makes (forward mode nat, route, open or none), not with '%s'", delay, mode);
    free(delay);
}

/* <nat>'s address and port ranges, start before end. */
static void vnet_check_nat(vnet_ctx *c, xmlNodePtr nat)
{
    xmlNodePtr a = xml_child(nat, "address");
    if (a) {
        vc_inet s = vnet_addr_of(c, a, "start"), e = vnet_addr_of(c, a, "end");
        if (s.family && s.family == e.family && vnet_cmp(&s, &e) > 0)
            vnet_err(c, a, "<address>: expected start at or before end");
    }
    xmlNodePtr p = xml_child(nat, "port");
    char *s = vnet_value(p, "start"), *e = vnet_value(p, "end");
    unsigned long long ns, ne;
    if (s && e && vc_parse_ull(s, 10, &ns) && vc_parse_ull(e, 10, &ne) && ns > ne)
        vnet_err(c, vnet_at(p, "end"), "end='%s': expected a port at or after start='%s'", e, s);
    free(s);
    free(e);
}

/* The PCI address of a forward <address>, as one number for comparing;
 * false when a part does not read. */
static bool vnet_pci_key(xmlNodePtr a, unsigned long long *key)
{
    static const char *const parts[] = { "domain", "bus", "slot", "function" };
    *key = 0;
    for (size_t i = 0; i < VC_ARRAY_SIZE(parts); i++) {
        char *v = vnet_value(a, parts[i]);
        unsigned long long n = 0;
        bool ok = v && vc_parse_ull(v, 0, &n) && n <= 0xffff;
        free(v);
        if (!ok)
            return false;
        *key = (*key << 16) | n;
    }
    return true;
}

/* Whether the earlier sibling element of e named like it says the same:
 * the same dev= (an <interface>) or PCI address (an <address>). */
static bool vnet_listed_before(xmlNodePtr e)
{
    bool pci = vnet_is(e, "address");
    unsigned long long key = 0, other;
    char *dev = pci ? NULL : vnet_value(e, "dev");
    if (pci ? !vnet_pci_key(e, &key) : !dev)
        return false;
    bool seen = false;
    for (xmlNodePtr p = e->prev; p && !seen; p = p->prev) {
        if (!vnet_is(p, (const char *)e->name))
            continue;
        char *pdev = pci ? NULL : vnet_value(p, "dev");
        seen = pci ? vnet_pci_key(p, &other) && other == key : vc_streq(pdev, dev);
        free(pdev);
    }
    free(dev);
    return seen;
}

/* <forward>'s devices: each listed once; dev= names the first
 * <interface>, and stands with no <pf> or <address>; open has none; nat
 * and route at most one <interface>. */
static void vnet_check_forward_devs(vnet_ctx *c, xmlNodePtr fwd, const char *mode,
                                    unsigned allows)
{
    xmlNodePtr first = xml_child(fwd, "interface");
    char *dev = vnet_value(fwd, "dev"), *fdev = vnet_value(first, "dev");
    if (dev && fdev && strcmp(dev, fdev) != 0)
        vnet_err(c, vnet_at(fwd, "dev"), "dev='%s': expected the first <interface>'s dev='%s'",
                 dev, fdev);
    free(dev);
    free(fdev);
    if (vnet_attr(fwd, "dev") && (xml_child(fwd, "pf") || xml_child(fwd, "address")))
        vnet_err(c, vnet_at(fwd, "dev"), "dev: expected no forward dev= beside <pf> or "
                 "<address> (they name the devices)");
    for (xmlNodePtr k = fwd->children; k; k = k->next)
        if ((vnet_is(k, "interface") || vnet_is(k, "address")) && vnet_listed_before(k))
            vnet_err(c, k, "<%s>: expected each forward device listed once",
                     (const char *)k->name);
    bool any = vnet_attr(fwd, "dev") || first || xml_child(fwd, "pf") ||
               xml_child(fwd, "address");
    if ((allows & VNET_NO_DEV) && any)
        vnet_err(c, fwd, "<forward>: expected no device with forward mode '%s' (dev=, "
                 "<interface>, <pf>, <address>)", mode);
    if ((allows & VNET_ONE_DEV) && vnet_count(fwd, "interface") > 1)
        vnet_err(c, fwd, "<forward>: expected at most one <interface> with forward mode '%s'",
                 mode);
    xmlNodePtr nat = xml_child(fwd, "nat");
    if (nat && !(allows & VNET_NAT))
        vnet_err(c, nat, "<nat>: expected only with forward mode 'nat', not '%s'", mode);
    if (nat)
        vnet_check_nat(c, nat);
}

static void vnet_check_forward(vnet_ctx *c, xmlNodePtr root, const vnet_ips *ips)
{
    xmlNodePtr fwd = xml_child(root, "forward");
    char *mode = fwd ? vnet_value(fwd, "mode") : NULL;
    if (fwd && !mode)
        mode = vc_xstrdup("nat");
    size_t i = 0;
    while (i < VC_ARRAY_SIZE(vnet_modes) && !vc_streq(vnet_modes[i].mode, mode))
        i++;
    if (i == VC_ARRAY_SIZE(vnet_modes)) {
        /* not a mode as written: the token check says so */
        free(mode);
        return;
    }
    unsigned allows = vnet_modes[i].allows;
    const char *name = vnet_mode_name(mode);
    if ((allows & VNET_NEEDS_IP) && !ips->any_address)
        vnet_err(c, vnet_at(fwd, "mode"), "<forward>: expected an <ip> with an address for "
                 "forward mode '%s' (the host's address in the network)", name);
    vnet_check_bridge(c, xml_child(root, "bridge"), name, allows);
    xmlNodePtr mtu = xml_child(root, "mtu");
    if (mtu && !(allows & VNET_BRIDGE_OPTS))
        vnet_err(c, mtu, "<mtu>: expected only on a bridge libvirt makes (forward mode nat, "
                 "route, open or none), not with '%s'", name);
    if (fwd)
        vnet_check_forward_devs(c, fwd, name, allows);
    xmlNodePtr br = xml_child(root, "bridge");
    if ((allows & VNET_DEV_OR_BRIDGE) && vnet_attr(br, "name") &&
        (vnet_attr(fwd, "dev") || xml_child(fwd, "interface") || xml_child(fwd, "pf")))
        vnet_err(c, vnet_at(br, "name"), "name: expected a bridge name or a forward device "
                 "with forward mode 'bridge', not both");
    free(mode);
}

/* ---- bandwidth, vlan, virtualport ------------------------------------------ */

/* A network's (or a portgroup's) <bandwidth>: no classID= (libvirt sets
 * it), no floor= (a domain interface's reservation), and each direction
 * an average= rate. */
static void vnet_check_bandwidth(vnet_ctx *c, xmlNodePtr bw)
{
    if (vnet_attr(bw, "classID"))
        vnet_err(c, vnet_at(bw, "classID"), "classID: expected none on a network's "
                 "<bandwidth> (libvirt assigns it)");
    for (xmlNodePtr k = bw->children; k; k = k->next) {
        if (!vnet_is(k, "inbound") && !vnet_is(k, "outbound"))
            continue;
        if (vnet_attr(k, "floor"))
            vnet_err(c, vnet_at(k, "floor"), "floor: expected none on a network's "
                     "<bandwidth> (a floor is a domain interface's)");
        else if (!vnet_attr(k, "average"))
            vnet_err(c, k, "missing attribute 'average' on <%s>: expected the average rate "
                     "(peak= and burst= refine it)", (const char *)k->name);
    }
}

/* At most one <tag> of a <vlan> has nativeMode=. */
static void vnet_check_vlan(vnet_ctx *c, xmlNodePtr vlan)
{
    bool seen = false;
    for (xmlNodePtr t = vlan->children; t; t = t->next) {
        if (!vnet_is(t, "tag") || !vnet_attr(t, "nativeMode"))
            continue;
        if (seen)
            vnet_err(c, vnet_at(t, "nativeMode"), "nativeMode: expected on one <tag> only "
                     "(a port has one native VLAN)");
        seen = true;
    }
}

/* What a network and each of its portgroups may both carry. */
static void vnet_check_port_settings(vnet_ctx *c, xmlNodePtr parent)
{
    for (xmlNodePtr k = parent->children; k; k = k->next) {
        if (vnet_is(k, "bandwidth"))
            vnet_check_bandwidth(c, k);
        if (vnet_is(k, "vlan"))
            vnet_check_vlan(c, k);
    }
}

/* ---- dns ------------------------------------------------------------------- */

/* An SRV record's service: letters, digits and "*+-/_". */
static bool vnet_srv_service_ok(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("*+-/_", *s))
            return false;
    return true;
}

static void vnet_check_srv(vnet_ctx *c, xmlNodePtr srv)
{
    static const char *const need_target[] = { "port", "priority", "weight" };
    char *service = vnet_value(srv, "service");
    if (service && !vnet_srv_service_ok(service))
        vnet_err(c, vnet_at(srv, "service"), "service='%s': expected a service name of "
                 "letters, digits and '*+-/_'", service);
    free(service);
    char *port = vnet_value(srv, "port");
    if (vc_streq(port, "0"))
        vnet_err(c, vnet_at(srv, "port"), "port='0': expected a port number 1..65535");
    free(port);
    if (vnet_attr(srv, "target"))
        return;
    for (size_t i = 0; i < VC_ARRAY_SIZE(need_target); i++)
        if (vnet_attr(srv, need_target[i]))
            vnet_err(c, vnet_at(srv, need_target[i]), "%s: expected target= beside it (the "
                     "host the record points at)", need_target[i]);
}

static void vnet_check_dns(vnet_ctx *c, xmlNodePtr dns)
{
    char *enable = vnet_value(dns, "enable");
    bool off = vc_streq(enable, "no");
    free(enable);
    for (xmlNodePtr k = dns->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (off) {
            vnet_err(c, k, "<%s>: expected no DNS records in <dns enable='no'>",
                     (const char *)k->name);
            return;
        }
        if (vnet_is(k, "forwarder") && !vnet_attr(k, "addr") && !vnet_attr(k, "domain"))
            vnet_err(c, k, "<forwarder>: expected addr= or domain=");
        if (vnet_is(k, "forwarder") || vnet_is(k, "host"))
            vnet_addr_of(c, k, vnet_is(k, "host") ? "ip" : "addr");
        if (vnet_is(k, "srv"))
            vnet_check_srv(c, k);
    }
}

/* ---- values libvirt's parser reads as written --------------------------- */

/* Attributes whose value the schema takes with spaces around (a <value>
 * is compared after whitespace is collapsed) and libvirt's parser
 * compares as written (" bridge" is no forward mode to it). */
static const vr_word vnet_tokens[] = {
    { "network", "ipv6" },       { "network", "trustGuestRxFilters" },
    { "portgroup", "trustGuestRxFilters" },
    { "forward", "mode" },       { "driver", "name" },
    { "nat", "ipv6" },           { "bridge", "macTableManager" },
    { "vlan", "trunk" },         { "tag", "nativeMode" },
    { "domain", "localOnly" },   { "dns", "enable" },
    { "dns", "forwardPlainNames" },
    { "port", "isolated" },      { "ip", "localPtr" },
    { "virtualport", "type" },   { "lease", "unit" },
};

/* ---- the network ----------------------------------------------------------- */

static void vnet_check_name(vnet_ctx *c, xmlNodePtr root)
{
    xmlNodePtr n = xml_child(root, "name");
    if (!n)
        return;
    xmlChar *name = xmlNodeGetContent(n);
    if (!name || !*name)
        vnet_err(c, n, "<name>: expected the network's name, not nothing");
    else if (strchr((const char *)name, '/'))
        vnet_err(c, n, "<name>: '%s': expected a name without '/'", (const char *)name);
    xmlFree(name);
}

bool vnet_check(xmlDocPtr doc, const char *file, vc_diags *d)
{
    vnet_ctx c = { file, d, true };
    xmlNodePtr root = xmlDocGetRootElement(doc);
    vnet_check_name(&c, root);
    /* elements in <metadata> are in other namespaces: no row names them */
    c.ok = vr_exact_words(root, vnet_tokens, VC_ARRAY_SIZE(vnet_tokens), file, d) && c.ok;
    vnet_ips ips = { NULL, 0, 0, false };
    for (xmlNodePtr k = root->children; k; k = k->next)
        if (vnet_is(k, "ip"))
            vnet_check_ip(&c, k, &ips);
    for (xmlNodePtr k = root->children; k; k = k->next) {
        if (vnet_is(k, "route"))
            vnet_check_route(&c, k, &ips);
        if (vnet_is(k, "portgroup"))
            vnet_check_port_settings(&c, k);
        if (vnet_is(k, "dns"))
            vnet_check_dns(&c, k);
        /* a portgroup's may leave its type to the network's */
        if (vnet_is(k, "virtualport") && !vnet_attr(k, "type"))
            vnet_err(&c, k, "missing attribute 'type' on <virtualport>: expected the network's "
                     "port type (openvswitch, 802.1Qbg, 802.1Qbh, midonet)");
    }
    vnet_check_port_settings(&c, root);
    vnet_check_forward(&c, root, &ips);
    free(ips.v);
    return c.ok;
}
