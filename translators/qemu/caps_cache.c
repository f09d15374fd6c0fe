/* caps_cache.c: the probe cache's binary form of a qemu_caps (see caps_cache.h). */
#include "caps_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

static const char cc_magic[16] = "virtc-qemu-caps\n";
#define CC_HEADER 40u          /* magic, format, reserved, length, checksum */
#define CC_NONE 0xffffffffu    /* the length of an absent string */

/* ---- the stamp ---------------------------------------------------------- */

void qemu_caps_stamp_of(qemu_caps_stamp *s, const char *path, const struct stat *st)
{
    s->path = vc_xstrdup(path);
    s->dev = (unsigned long long)st->st_dev;
    s->ino = (unsigned long long)st->st_ino;
    s->size = (unsigned long long)st->st_size;
    s->mtime_sec = (long long)st->st_mtim.tv_sec;
    s->mtime_nsec = (long long)st->st_mtim.tv_nsec;
    s->ctime_sec = (long long)st->st_ctim.tv_sec;
    s->ctime_nsec = (long long)st->st_ctim.tv_nsec;
}

void qemu_caps_stamp_free(qemu_caps_stamp *s)
{
    free(s->path);
    s->path = NULL;
}

const char *qemu_caps_stamp_diff(const qemu_caps_stamp *a, const qemu_caps_stamp *b)
{
    if (!vc_streq(a->path, b->path))
        return "it describes another binary";
    if (a->size != b->size)
        return "the binary's size changed";
    if (a->mtime_sec != b->mtime_sec || a->mtime_nsec != b->mtime_nsec)
        return "the binary's mtime changed";
    if (a->dev != b->dev || a->ino != b->ino)
        return "the path names another file (device or inode changed)";
    /* A file rewritten in place with its old mtime put back still gets a
     * new ctime, which no one can set. */
    if (a->ctime_sec != b->ctime_sec || a->ctime_nsec != b->ctime_nsec)
        return "the binary's ctime changed";
    return NULL;
}

/* ---- encoding ----------------------------------------------------------- */

/* FNV-1a, 64 bits: catches a torn or damaged file, not a forged one (the
 * cache directory is the caller's alone). */
static uint64_t cc_fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void cc_le(unsigned char *out, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        out[i] = (unsigned char)(v >> (8 * i));
}

static void cc_u32(vc_buf *b, uint32_t v)
{
    unsigned char x[4];
    cc_le(x, v, 4);
    vc_buf_add(b, (const char *)x, 4);
}

static void cc_u64(vc_buf *b, uint64_t v)
{
    unsigned char x[8];
    cc_le(x, v, 8);
    vc_buf_add(b, (const char *)x, 8);
}

static void cc_str(vc_buf *b, const char *s)
{
    if (!s) {
        cc_u32(b, CC_NONE);
        return;
    }
    size_t n = strlen(s);
    cc_u32(b, (uint32_t)n);
    vc_buf_add(b, s, n);
}

static void cc_strs(vc_buf *b, char *const *v, size_t n)
{
    cc_u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        cc_str(b, v[i]);
}

static void cc_put_stamp(vc_buf *b, const qemu_caps_stamp *s)
{
    cc_str(b, s->path);
    cc_u64(b, s->dev);
    cc_u64(b, s->ino);
    cc_u64(b, s->size);
    cc_u64(b, (uint64_t)s->mtime_sec);
    cc_u64(b, (uint64_t)s->mtime_nsec);
    cc_u64(b, (uint64_t)s->ctime_sec);
    cc_u64(b, (uint64_t)s->ctime_nsec);
}

static void cc_put_caps(vc_buf *b, const qemu_caps *c)
{
    cc_str(b, c->name);
    cc_str(b, c->binary);
    cc_u64(b, c->binary_size);
    cc_u64(b, (uint64_t)c->binary_mtime);
    cc_u32(b, c->version);
    cc_str(b, c->package);
    cc_str(b, c->arch);
    uint32_t nflags = 0;
    for (int f = 0; f < QEMU_CAP_LAST; f++)
        nflags += c->flags[f];
    cc_u32(b, nflags);
    for (int f = 0; f < QEMU_CAP_LAST; f++)
        if (c->flags[f])
            cc_str(b, qemu_caps_flag_name((qemu_cap_flag)f));
    cc_u32(b, (uint32_t)c->accel_kvm | (uint32_t)c->accel_tcg << 1);
    cc_u32(b, (uint32_t)c->nmachines);
    for (size_t i = 0; i < c->nmachines; i++) {
        cc_str(b, c->machines[i].name);
        cc_str(b, c->machines[i].alias);
        cc_u32(b, c->machines[i].is_default);
        cc_u32(b, c->machines[i].max_cpus);
    }
    cc_strs(b, c->cpus, c->ncpus);
    cc_u32(b, (uint32_t)c->ncpu_models);
    for (size_t i = 0; i < c->ncpu_models; i++) {
        cc_str(b, c->cpu_models[i].name);
        cc_str(b, c->cpu_models[i].features);
    }
    cc_u32(b, (uint32_t)c->ndevices);
    for (size_t i = 0; i < c->ndevices; i++) {
        cc_str(b, c->devices[i].name);
        cc_strs(b, c->devices[i].props, c->devices[i].nprops);
    }
    cc_strs(b, c->options, c->noptions);
}

char *qemu_caps_cache_encode(const qemu_caps *c, const qemu_caps_stamp *stamp, size_t *len)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_add(&b, cc_magic, sizeof(cc_magic));
    cc_u32(&b, QEMU_CAPS_CACHE_FORMAT);
    cc_u32(&b, 0);
    cc_u64(&b, 0);   /* length and checksum, filled in below */
    cc_u64(&b, 0);
    cc_put_stamp(&b, stamp);
    cc_put_caps(&b, c);
    size_t n = b.len - CC_HEADER;
    cc_le((unsigned char *)b.data + 24, n, 8);
    cc_le((unsigned char *)b.data + 32, cc_fnv((const unsigned char *)b.data + CC_HEADER, n), 8);
    *len = b.len;
    return vc_buf_steal(&b);
}

/* ---- decoding ----------------------------------------------------------- */

typedef struct cc_reader {
    const unsigned char *p, *end;
    const char *why;         /* the first thing wrong; NULL while all is well */
} cc_reader;

static bool cc_fail(cc_reader *r, const char *why)
{
    if (!r->why)
        r->why = why;
    return false;
}

static uint64_t cc_get(cc_reader *r, int bytes)
{
    if (r->why || (size_t)(r->end - r->p) < (size_t)bytes) {
        cc_fail(r, "it is truncated");
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += bytes;
    return v;
}

static uint32_t cc_get32(cc_reader *r) { return (uint32_t)cc_get(r, 4); }
static uint64_t cc_get64(cc_reader *r) { return cc_get(r, 8); }

/* A string (NULL for an absent one, or after an error: see r->why). */
static char *cc_get_str(cc_reader *r)
{
    uint32_t n = cc_get32(r);
    if (r->why || n == CC_NONE)
        return NULL;
    if ((size_t)(r->end - r->p) < n) {
        cc_fail(r, "it is truncated");
        return NULL;
    }
    if (memchr(r->p, '\0', n)) {
        cc_fail(r, "a string holds a NUL byte");
        return NULL;
    }
    char *s = vc_xstrndup((const char *)r->p, n);
    r->p += n;
    return s;
}

/* A string that must be there. */
static char *cc_get_req(cc_reader *r)
{
    char *s = cc_get_str(r);
    if (!s)
        cc_fail(r, "a required string is missing");
    return s;
}

/* A count of items of at least min_bytes each: one the rest of the data
 * cannot hold is refused before anything is allocated for it. */
static size_t cc_get_count(cc_reader *r, size_t min_bytes)
{
    uint32_t n = cc_get32(r);
    if (!r->why && (size_t)n > (size_t)(r->end - r->p) / min_bytes)
        cc_fail(r, "a count exceeds the data");
    return r->why ? 0 : n;
}

/* A sorted list of distinct strings, as qemu_caps_finish leaves it. */
static char **cc_get_strs(cc_reader *r, size_t *n)
{
    size_t want = cc_get_count(r, 4);
    char **v = vc_xcalloc(want + 1, sizeof(char *));
    *n = 0;
    while (*n < want && !r->why) {
        char *s = cc_get_req(r);
        if (s && *n && strcmp(v[*n - 1], s) >= 0)
            cc_fail(r, "a list is out of order");
        if (s)
            v[(*n)++] = s;
    }
    return v;
}

static void cc_get_stamp(cc_reader *r, qemu_caps_stamp *s)
{
    s->path = cc_get_req(r);
    s->dev = cc_get64(r);
    s->ino = cc_get64(r);
    s->size = cc_get64(r);
    s->mtime_sec = (long long)cc_get64(r);
    s->mtime_nsec = (long long)cc_get64(r);
    s->ctime_sec = (long long)cc_get64(r);
    s->ctime_nsec = (long long)cc_get64(r);
}

static void cc_get_flags(cc_reader *r, qemu_caps *c)
{
    size_t n = cc_get_count(r, 4);
    for (size_t i = 0; i < n && !r->why; i++) {
        char *name = cc_get_req(r);
        qemu_cap_flag f = name ? qemu_caps_flag_from_name(name) : QEMU_CAP_LAST;
        if (f == QEMU_CAP_LAST)
            cc_fail(r, "it names a flag this build does not know");
        else
            c->flags[f] = true;
        free(name);
    }
    uint32_t accel = cc_get32(r);
    c->accel_kvm = accel & 1;
    c->accel_tcg = (accel & 2) != 0;
}

static void cc_get_machines(cc_reader *r, qemu_caps *c)
{
    size_t n = cc_get_count(r, 16), ndef = 0;
    for (size_t i = 0; i < n && !r->why; i++) {
        char *name = cc_get_req(r);
        char *alias = cc_get_str(r);
        uint32_t def = cc_get32(r), max_cpus = cc_get32(r);
        if (name && !r->why)
            qemu_caps_add_machine(c, name, alias, def != 0, max_cpus);
        ndef += def != 0;
        free(name);
        free(alias);
    }
    if (ndef > 1)
        cc_fail(r, "more than one default machine");
}

static void cc_get_cpu_models(cc_reader *r, qemu_caps *c)
{
    size_t n = cc_get_count(r, 8);
    c->cpu_models = vc_xcalloc(n + 1, sizeof(*c->cpu_models));
    for (size_t i = 0; i < n && !r->why; i++) {
        char *name = cc_get_req(r);
        char *features = cc_get_req(r);
        if (name && features && qemu_caps_has_cpu(c, name))
            c->cpu_models[c->ncpu_models++] = (qemu_caps_cpu_model){ name, features };
        else {
            cc_fail(r, "a CPU model is not among the cpus");
            free(name);
            free(features);
        }
    }
}

static void cc_get_devices(cc_reader *r, qemu_caps *c)
{
    size_t n = cc_get_count(r, 8);
    c->devices = vc_xcalloc(n + 1, sizeof(*c->devices));
    for (size_t i = 0; i < n && !r->why; i++) {
        qemu_caps_device *dev = &c->devices[c->ndevices];
        dev->name = cc_get_req(r);
        if (!dev->name)
            break;
        c->ndevices++;
        dev->props = cc_get_strs(r, &dev->nprops);
        if (i && strcmp(c->devices[i - 1].name, dev->name) >= 0)
            cc_fail(r, "a list is out of order");
    }
}

static void cc_get_caps(cc_reader *r, qemu_caps *c)
{
    c->name = cc_get_str(r);
    c->binary = cc_get_str(r);
    c->binary_size = cc_get64(r);
    c->binary_mtime = (long long)cc_get64(r);
    c->version = cc_get32(r);
    c->package = cc_get_str(r);
    c->arch = cc_get_str(r);
    cc_get_flags(r, c);
    cc_get_machines(r, c);
    free(c->cpus);
    c->cpus = cc_get_strs(r, &c->ncpus);
    cc_get_cpu_models(r, c);
    cc_get_devices(r, c);
    free(c->options);
    c->options = cc_get_strs(r, &c->noptions);
    if (!r->why && r->p != r->end)
        cc_fail(r, "it has bytes after its end");
}

qemu_caps *qemu_caps_cache_decode(const char *data, size_t len, qemu_caps_stamp *stamp,
                                  const char **why)
{
    memset(stamp, 0, sizeof(*stamp));
    const unsigned char *u = (const unsigned char *)data;
    cc_reader r = { u, u + len, NULL };
    if (len < CC_HEADER || memcmp(data, cc_magic, sizeof(cc_magic)) != 0) {
        *why = len < sizeof(cc_magic) ? "it is truncated" : "it is not a virtc capabilities cache";
        return NULL;
    }
    r.p += sizeof(cc_magic);
    uint32_t format = cc_get32(&r);
    cc_get32(&r);
    uint64_t n = cc_get64(&r), sum = cc_get64(&r);
    if (format != QEMU_CAPS_CACHE_FORMAT)
        *why = "it is of another format version";
    else if (n != len - CC_HEADER)
        *why = n > len - CC_HEADER ? "it is truncated" : "it has bytes after its end";
    else if (sum != cc_fnv(r.p, (size_t)n))
        *why = "its checksum does not match";
    else
        *why = NULL;
    if (*why)
        return NULL;
    cc_get_stamp(&r, stamp);
    qemu_caps *c = qemu_caps_new();
    cc_get_caps(&r, c);
    if (r.why) {
        *why = r.why;
        qemu_caps_free(c);
        qemu_caps_stamp_free(stamp);
        return NULL;
    }
    return c;
}
