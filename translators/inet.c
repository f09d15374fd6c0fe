/* inet.c: see inet.h. */
#include "inet.h"

#include <arpa/inet.h>
#include <string.h>

bool vc_inet_parse(const char *s, vc_inet *a)
{
    memset(a, 0, sizeof(*a));
    if (s && inet_pton(AF_INET, s, a->b) == 1) {
        a->family = AF_INET;
        a->bits = vc_inet_family_bits(AF_INET);
    } else if (s && inet_pton(AF_INET6, s, a->b) == 1) {
        a->family = AF_INET6;
        a->bits = vc_inet_family_bits(AF_INET6);
    } else {
        memset(a, 0, sizeof(*a));   /* inet_pton may have written part */
    }
    return a->family != 0;
}

int vc_inet_family_bits(int family)
{
    return family == AF_INET6 ? 128 : 32;
}

const char *vc_inet_family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

bool vc_inet_bit(const vc_inet *a, int i)
{
    return (a->b[i / 8] >> (7 - i % 8)) & 1;
}

bool vc_inet_same_net(const vc_inet *a, const vc_inet *b, int prefix)
{
    for (int i = 0; i < prefix; i++)
        if (vc_inet_bit(a, i) != vc_inet_bit(b, i))
            return false;
    return true;
}

bool vc_inet_host_bits(const vc_inet *a, int prefix, bool v)
{
    for (int i = prefix; i < a->bits; i++)
        if (vc_inet_bit(a, i) != v)
            return false;
    return true;
}

int vc_inet_mask_prefix(const vc_inet *m)
{
    int n = 0;
    while (n < m->bits && vc_inet_bit(m, n))
        n++;
    return vc_inet_host_bits(m, n, false) ? n : -1;
}
