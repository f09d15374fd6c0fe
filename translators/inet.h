/*
 * inet.h: IP addresses as libvirt's parsers read them (inet_pton's forms),
 * for the checks the front ends make beyond the schemas: a domain's
 * capabilities <hostdev> (domain_lower.c) and a network
 * (tools/validate_network.c) both judge <ip> and <route> elements.
 */
#ifndef VIRTC_INET_H
#define VIRTC_INET_H

#include <stdbool.h>

typedef struct vc_inet {
    int family;              /* AF_INET, AF_INET6; 0: none or unreadable */
    unsigned char b[16];     /* network order */
    int bits;                /* 32 or 128; 0 with family 0 */
} vc_inet;

/* s read as an IPv4, else an IPv6 address; false (family 0) when s is NULL
 * or neither. */
bool vc_inet_parse(const char *s, vc_inet *a);
/* The bits of an address of family: 32 for IPv4, 128 for IPv6. */
int vc_inet_family_bits(int family);
/* "IPv4" or "IPv6", for messages. */
const char *vc_inet_family_name(int family);
/* Bit i of a, counted from the most significant. */
bool vc_inet_bit(const vc_inet *a, int i);
/* Whether a and b agree in their first prefix bits. */
bool vc_inet_same_net(const vc_inet *a, const vc_inet *b, int prefix);
/* Whether every bit of a after its first prefix ones is v: false for v
 * says a has host bits set under that prefix. */
bool vc_inet_host_bits(const vc_inet *a, int prefix, bool v);
/* The prefix length a netmask spells; -1 when its ones are not contiguous. */
int vc_inet_mask_prefix(const vc_inet *m);

#endif
