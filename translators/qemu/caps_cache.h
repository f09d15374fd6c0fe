/*
 * caps_cache.h: the probe cache's own form of a qemu_caps.
 *
 * The XML form (caps.h) is for people and profiles; reading it back costs
 * a full XML parse of some 100 KB and a sort of every list, several
 * milliseconds on the path of every `virtc start DOMAIN.xml`. The cache
 * holds the same content in a compact binary form instead, read in one
 * pass with no parsing and no sorting:
 *
 *   header  "virtc-qemu-caps\n" (16 bytes), format u32, 0 u32,
 *           payload length u64, FNV-1a 64 of the payload u64
 *   payload the key (emulator path; device, inode, size, mtime and ctime
 *           with nanoseconds), then name, version, package, arch, flags
 *           (by name), accelerators, machines (in QEMU's order), cpus,
 *           CPU models with their features, devices with their properties,
 *           options (each list sorted, as qemu_caps_finish leaves it)
 *
 * Integers are little-endian u32 / u64; a string is a u32 length and its
 * bytes (no NUL inside), 0xffffffff for none. A file of another format
 * number, a length that does not match, a checksum that does not, a list
 * out of order or a flag this build does not know is refused as a whole:
 * the caller probes again and rewrites it.
 */
#ifndef VIRTC_QEMU_CAPS_CACHE_H
#define VIRTC_QEMU_CAPS_CACHE_H

#include <stddef.h>
#include <sys/stat.h>

#include "caps.h"

/* Bump when the layout changes: older files are then refused. */
#define QEMU_CAPS_CACHE_FORMAT 1u

/* What a cache entry was made from: the emulator as stat(2) saw it when it
 * was probed. The entry is current while all of it is unchanged. */
typedef struct qemu_caps_stamp {
    char *path;
    unsigned long long dev, ino, size;
    long long mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} qemu_caps_stamp;

void qemu_caps_stamp_of(qemu_caps_stamp *s, const char *path, const struct stat *st);
void qemu_caps_stamp_free(qemu_caps_stamp *s);
/* NULL when a and b are the same; else what differs, in words. */
const char *qemu_caps_stamp_diff(const qemu_caps_stamp *a, const qemu_caps_stamp *b);

/* c (finished: its lists sorted) and its stamp in the cache form; *len
 * receives the size. */
char *qemu_caps_cache_encode(const qemu_caps *c, const qemu_caps_stamp *stamp, size_t *len);
/* The caps and stamp data holds; NULL with *why set (a static string) when
 * it is not a whole, current-format cache entry. */
qemu_caps *qemu_caps_cache_decode(const char *data, size_t len, qemu_caps_stamp *stamp,
                                  const char **why);

#endif
