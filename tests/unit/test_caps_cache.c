/*
 * test_caps_cache.c: the probe cache's binary form (qemu/caps_cache.h): a
 * whole profile survives it, and every kind of damage is refused with its
 * reason (the probe then probes again: test_probe.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "qemu/caps.h"
#include "qemu/caps_cache.h"
#include "util.h"

static qemu_caps_stamp stamp_x = { "/usr/bin/qemu-system-x86_64", 2049, 77, 18397984,
                                   1779741869, 123456789, 1780000000, 987654321 };

/* The checksum of the header, recomputed after the test edits a payload
 * on purpose (to reach the checks behind it). */
static void fix_sum(char *data, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 40; i < len; i++) {
        h ^= (unsigned char)data[i];
        h *= 1099511628211ull;
    }
    for (int i = 0; i < 8; i++)
        data[32 + i] = (char)(h >> (8 * i));
}

static const char *why_of(const char *data, size_t len)
{
    qemu_caps_stamp s;
    const char *why = NULL;
    qemu_caps *c = qemu_caps_cache_decode(data, len, &s, &why);
    if (c) {
        qemu_caps_stamp_free(&s);
        qemu_caps_free(c);
        return NULL;
    }
    return why ? why : "?";
}

static void test_round_trip(const char *profile)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = qemu_caps_load_profile(profile, &d);
    CHECK(c != NULL, "profile loads");
    if (!c)
        return;
    size_t len;
    char *data = qemu_caps_cache_encode(c, &stamp_x, &len);
    qemu_caps_stamp s;
    const char *why = NULL;
    qemu_caps *back = qemu_caps_cache_decode(data, len, &s, &why);
    char *a = qemu_caps_format(c), *b = back ? qemu_caps_format(back) : NULL;
    CHECK(back && !why && b && strcmp(a, b) == 0, "a whole profile survives the cache form");
    CHECK(back && !qemu_caps_stamp_diff(&s, &stamp_x), "the stamp survives it");
    CHECK(back && back->ncpu_models == c->ncpu_models && back->ndevices == c->ndevices,
          "CPU models and devices");
    if (back)
        qemu_caps_stamp_free(&s);
    qemu_caps_free(back);
    free(a);
    free(b);

    /* cut anywhere: refused */
    size_t refused = 0, cuts = 0;
    for (size_t n = 0; n < len; n += n < 64 ? 1 : 97, cuts++)
        refused += why_of(data, n) != NULL;
    CHECK(refused == cuts, "every truncation is refused");
    CHECK(vc_streq(why_of(data, len - 1), "it is truncated"), "a truncation says so");

    /* a byte changed anywhere in the payload: the checksum */
    char *bad = vc_xmalloc(len + 8);
    size_t caught = 0, tried = 0;
    for (size_t i = 40; i < len; i += 53, tried++) {
        memcpy(bad, data, len);
        bad[i] ^= 0x20;
        caught += vc_streq(why_of(bad, len), "its checksum does not match");
    }
    CHECK(caught == tried, "a damaged byte is caught by the checksum");

    memcpy(bad, data, len);
    memcpy(bad + len, "trailing", 8);
    CHECK(vc_streq(why_of(bad, len + 8), "it has bytes after its end"), "bytes after the end");

    memcpy(bad, data, len);
    bad[16] = (char)(QEMU_CAPS_CACHE_FORMAT + 1);
    CHECK(vc_streq(why_of(bad, len), "it is of another format version"), "another format");

    memcpy(bad, data, len);
    bad[0] = '<';
    CHECK(vc_streq(why_of(bad, len), "it is not a virtc capabilities cache"),
          "not a cache file (e.g. an older XML cache)");
    CHECK(why_of("<qemuCaps><version major=", 25) != NULL, "an XML cache is refused");
    free(bad);
    free(data);
    qemu_caps_free(c);
    vc_diags_free(&d);
}

/* Content a checksum cannot vouch for: what this build does not know, or
 * lists out of the order the queries' binary searches need. */
static void test_content_checks(void)
{
    qemu_caps *c = qemu_caps_new();
    c->version = 7002000;
    c->arch = vc_xstrdup("x86_64");
    qemu_caps_add_machine(c, "pc-i440fx-7.2", "pc", true, 255);
    qemu_caps_add_cpu(c, "qemu64");
    qemu_caps_add_cpu(c, "Haswell");   /* unsorted: no qemu_caps_finish */
    qemu_caps_set(c, QEMU_CAP_DRIVE, true);
    size_t len;
    char *data = qemu_caps_cache_encode(c, &stamp_x, &len);
    CHECK(vc_streq(why_of(data, len), "a list is out of order"), "an unsorted list is refused");
    free(data);

    qemu_caps_finish(c);
    data = qemu_caps_cache_encode(c, &stamp_x, &len);
    CHECK(why_of(data, len) == NULL, "sorted, it is taken");
    char *flag = memmem(data, len, "drive", 5);
    if (flag) {
        memcpy(flag, "drivX", 5);
        fix_sum(data, len);
    }
    CHECK(flag && vc_streq(why_of(data, len), "it names a flag this build does not know"),
          "an unknown flag is refused");
    free(data);

    qemu_caps_add_machine(c, "pc-q35-7.2", "q35", true, 288);
    data = qemu_caps_cache_encode(c, &stamp_x, &len);
    CHECK(vc_streq(why_of(data, len), "more than one default machine"), "two default machines");
    free(data);
    qemu_caps_free(c);

    /* a count larger than the data: refused before allocating for it */
    c = qemu_caps_new();
    data = qemu_caps_cache_encode(c, &stamp_x, &len);
    /* the options count is the payload's last 4 bytes */
    memcpy(data + len - 4, "\xff\xff\xff\x7f", 4);
    fix_sum(data, len);
    CHECK(vc_streq(why_of(data, len), "a count exceeds the data"), "a count beyond the data");
    free(data);
    qemu_caps_free(c);
}

static void test_stamp(void)
{
    qemu_caps_stamp b = stamp_x;
    CHECK(qemu_caps_stamp_diff(&stamp_x, &b) == NULL, "the same stamp");
    b.path = "/usr/bin/qemu-kvm";
    CHECK(vc_streq(qemu_caps_stamp_diff(&stamp_x, &b), "it describes another binary"), "path");
    b = stamp_x;
    b.size++;
    CHECK(vc_streq(qemu_caps_stamp_diff(&stamp_x, &b), "the binary's size changed"), "size");
    b = stamp_x;
    b.mtime_nsec++;
    CHECK(vc_streq(qemu_caps_stamp_diff(&stamp_x, &b), "the binary's mtime changed"),
          "mtime, to the nanosecond");
    b = stamp_x;
    b.ino++;
    CHECK(qemu_caps_stamp_diff(&stamp_x, &b) != NULL, "inode");
    b = stamp_x;
    b.dev++;
    CHECK(qemu_caps_stamp_diff(&stamp_x, &b) != NULL, "device");
    b = stamp_x;
    b.ctime_sec++;
    CHECK(vc_streq(qemu_caps_stamp_diff(&stamp_x, &b), "the binary's ctime changed"), "ctime");
}

int main(void)
{
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    test_round_trip("qemu-7.2");
    test_round_trip("legacy");
    test_content_checks();
    test_stamp();
    return check_done();
}
