/* test_inet.c: the IP address helpers the <ip> and <route> checks share
 * (translators/inet.c). */
#include <arpa/inet.h>

#include "check.h"
#include "inet.h"

static void test_parse(void)
{
    vc_inet a;
    CHECK(vc_inet_parse("192.168.122.1", &a) && a.family == AF_INET && a.bits == 32 &&
              a.b[0] == 192 && a.b[3] == 1,
          "parse: IPv4");
    CHECK(vc_inet_parse("2001:db8::1", &a) && a.family == AF_INET6 && a.bits == 128 &&
              a.b[0] == 0x20 && a.b[15] == 1,
          "parse: IPv6");
    CHECK(vc_inet_parse("::ffff:10.0.0.1", &a) && a.family == AF_INET6,
          "parse: IPv4-mapped is IPv6");
    CHECK(!vc_inet_parse(":1.2.3.4", &a) && a.family == 0 && a.bits == 0,
          "parse: a string the schema's pattern takes and no parser reads");
    CHECK(!vc_inet_parse("10.0.0", &a) && a.family == 0,
          "parse: inet_aton's short form is not taken");
    CHECK(!vc_inet_parse(NULL, &a) && a.family == 0, "parse: absent");
    CHECK(vc_inet_family_bits(AF_INET) == 32 && vc_inet_family_bits(AF_INET6) == 128,
          "family bits");
}

static void test_bits(void)
{
    vc_inet net, host, other;
    vc_inet_parse("10.1.0.0", &net);
    vc_inet_parse("10.1.2.3", &host);
    vc_inet_parse("10.2.0.0", &other);
    CHECK(vc_inet_host_bits(&net, 16, false), "host bits: a network under its prefix");
    CHECK(!vc_inet_host_bits(&host, 16, false), "host bits: an address with host bits set");
    CHECK(vc_inet_host_bits(&host, 32, false), "host bits: none past the full length");
    vc_inet bcast;
    vc_inet_parse("10.1.255.255", &bcast);
    CHECK(vc_inet_host_bits(&bcast, 16, true), "host bits: all ones (a broadcast address)");
    CHECK(vc_inet_same_net(&net, &host, 16) && !vc_inet_same_net(&net, &other, 16) &&
              vc_inet_same_net(&net, &other, 14),
          "same network under a prefix");
    CHECK(vc_inet_same_net(&host, &other, 0), "prefix 0: every address is one network");
}

static void test_masks(void)
{
    vc_inet m;
    vc_inet_parse("255.255.255.0", &m);
    CHECK(vc_inet_mask_prefix(&m) == 24, "mask: /24");
    vc_inet_parse("0.0.0.0", &m);
    CHECK(vc_inet_mask_prefix(&m) == 0, "mask: /0");
    vc_inet_parse("255.255.255.255", &m);
    CHECK(vc_inet_mask_prefix(&m) == 32, "mask: /32");
    vc_inet_parse("255.0.255.0", &m);
    CHECK(vc_inet_mask_prefix(&m) == -1, "mask: ones not contiguous");
}

int main(void)
{
    test_parse();
    test_bits();
    test_masks();
    return check_done();
}
