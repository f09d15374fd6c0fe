/* vsock.c: a free vsock context ID chosen at start (see vsock.h). */
#include "vsock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../translators/util.h"

#define RT_VSOCK_DEVICE "/dev/vhost-vsock"

int rt_vsock_set_host(void *ctx, int fd, unsigned cid)
{
    (void)ctx;
    uint64_t v = cid;
    return ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &v) == 0 ? 0 : errno;
}

/* One try: 1 set, 0 held by another guest, -1 the call failed. */
static int rt_vsock_try(int fd, rt_vsock_set_fn set, void *ctx, unsigned cid, vc_diags *d)
{
    int e = set(ctx, fd, cid);
    if (e == 0 || e == EADDRINUSE)
        return e == 0;
    vc_runtime_error(d, "cannot set vsock context ID %u: %s", cid, strerror(e));
    return -1;
}

bool rt_vsock_acquire(int fd, rt_vsock_set_fn set, void *ctx, unsigned prefer, unsigned *out,
                      vc_diags *d)
{
    int rc = prefer >= RT_VSOCK_FIRST_CID ? rt_vsock_try(fd, set, ctx, prefer, d) : 0;
    if (rc != 0) {
        *out = prefer;
        return rc > 0;
    }
    for (unsigned i = 0; i < RT_VSOCK_MAX_TRIES && rc == 0; i++) {
        *out = RT_VSOCK_FIRST_CID + i;
        rc = *out == prefer ? 0 : rt_vsock_try(fd, set, ctx, *out, d);
    }
    if (rc == 0)
        vc_runtime_error(d, "no free vsock context ID among %u to %u", RT_VSOCK_FIRST_CID,
                         RT_VSOCK_FIRST_CID + RT_VSOCK_MAX_TRIES - 1);
    return rc > 0;
}

int rt_vsock_open(const char *device, rt_vsock_set_fn set, void *ctx, unsigned prefer,
                  unsigned *out, vc_diags *d)
{
    const char *dev = device ? device : RT_VSOCK_DEVICE;
    int fd = open(dev, O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        vc_runtime_error(d, "<vsock> with <cid auto='yes'/>: cannot open %s to find a free "
                         "context ID: %s%s", dev, strerror(err),
                         err == ENOENT ? " (the host needs the vhost_vsock module)" : "");
        return -1;
    }
    if (!rt_vsock_acquire(fd, set ? set : rt_vsock_set_host, ctx, prefer, out, d)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The option of "KEY=VALUE,..." that starts with key= (QEMU's ",," is a
 * comma inside a value, not a separator); its offset, or -1. */
static long rt_vsock_opt(const char *opts, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0;;) {
        if (strncmp(opts + i, key, klen) == 0 && opts[i + klen] == '=')
            return (long)i;
        /* to the next single comma */
        while (opts[i] && !(opts[i] == ',' && opts[i + 1] != ','))
            i += opts[i] == ',' ? 2 : 1;
        if (!opts[i])
            return -1;
        i++;
    }
}

/* The index in argv of the -device option whose id is id and that has a
 * guest-cid; 0 (argv[0] is the emulator) when there is none. */
static size_t rt_vsock_device(const vc_strv *argv, const char *id)
{
    size_t idlen = strlen(id);
    for (size_t i = 1; i < argv->n; i++) {
        const char *a = argv->v[i];
        if (strcmp(argv->v[i - 1], "-device") != 0 || rt_vsock_opt(a, "guest-cid") < 0)
            continue;
        long at = rt_vsock_opt(a, "id");
        const char *v = at >= 0 ? a + at + 3 : NULL;
        if (v && strncmp(v, id, idlen) == 0 && (v[idlen] == ',' || v[idlen] == '\0'))
            return i;
    }
    return 0;
}

/* The value of key in the option string (up to the next ','), or NULL. */
static char *rt_vsock_value(const char *opts, const char *key)
{
    long at = rt_vsock_opt(opts, key);
    if (at < 0)
        return NULL;
    const char *v = opts + at + strlen(key) + 1;
    return vc_xstrndup(v, strcspn(v, ","));
}

/* argv copied into out, its item i replaced by the option string with
 * key=value: in place of key's value when it has one, else after the
 * guest-cid. */
static void rt_vsock_put(const vc_strv *argv, size_t i, const char *key, const char *value,
                         vc_strv *out)
{
    vc_strv_init(out);
    const char *a = argv->v[i];
    long at = rt_vsock_opt(a, key);
    size_t klen = strlen(key);
    for (size_t k = 0; k < argv->n; k++) {
        if (k != i) {
            vc_strv_add(out, argv->v[k]);
        } else if (at >= 0) {
            const char *rest = a + at + klen + 1;
            rest += strcspn(rest, ",");
            vc_strv_addf(out, "%.*s%s=%s%s", (int)at, a, key, value, rest);
        } else {
            const char *cid = a + rt_vsock_opt(a, "guest-cid");
            size_t end = (size_t)(cid - a) + strcspn(cid, ",");
            vc_strv_addf(out, "%.*s,%s=%s%s", (int)end, a, key, value, a + end);
        }
    }
}

bool rt_vsock_set_cid(const vc_strv *argv, const char *id, unsigned cid, int fd, vc_strv *out,
                      vc_diags *d)
{
    vc_strv_init(out);
    size_t i = rt_vsock_device(argv, id);
    if (!i)
        return vc_runtime_error(d, "the plan's argv has no -device id=%s with a guest-cid to "
                                "set", id);
    char *have = rt_vsock_value(argv->v[i], "vhostfd");
    char *want = vc_xasprintf("%d", fd);
    bool ok = vc_streq(have, want);
    if (!ok)
        vc_runtime_error(d, "the plan's -device id=%s passes %s%s, not the descriptor of its "
                         "<vsock> (vhostfd=%d)", id, have ? "vhostfd=" : "no vhostfd",
                         have ? have : "", fd);
    free(have);
    free(want);
    if (!ok)
        return false;
    char *value = vc_xasprintf("%u", cid);
    rt_vsock_put(argv, i, "guest-cid", value, out);
    free(value);
    return true;
}

bool rt_vsock_add_vhostfd(const vc_strv *argv, const char *id, int fd, vc_strv *out,
                          vc_diags *d)
{
    vc_strv_init(out);
    size_t i = rt_vsock_device(argv, id);
    if (!i)
        return vc_runtime_error(d, "the argv has no -device id=%s with a guest-cid", id);
    char *value = vc_xasprintf("%d", fd);
    rt_vsock_put(argv, i, "vhostfd", value, out);
    free(value);
    return true;
}
