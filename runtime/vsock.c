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
#include "security/security.h"

#define RT_VSOCK_DEVICE "/dev/vhost-vsock"

/* Holds cid in dir and asks the host: 1 free (kept held), 0 held by a
 * guest, -1 error. */
static int rt_vsock_try_held(const char *dir, unsigned cid, rt_vsock_try_fn try_cid, void *ctx,
                             vc_diags *d)
{
    char name[16];
    snprintf(name, sizeof(name), "%u", cid);
    int held = dir ? rt_hold_take(dir, name, d) : 1;
    if (held <= 0)
        return held;
    int e = try_cid(ctx, cid);
    if (e != 0 && dir)
        rt_hold_release(dir, name, d);
    if (e == 0 || e == EADDRINUSE)
        return e == 0;
    vc_runtime_error(d, "cannot probe vsock context ID %u: %s", cid, strerror(e));
    return -1;
}

bool rt_vsock_find(const char *dir, rt_vsock_try_fn try_cid, void *ctx, unsigned *out,
                   vc_diags *d)
{
    int lfd = dir ? rt_hold_lock(dir, d) : -1;
    if (dir && lfd < 0)
        return false;
    int rc = 0;
    for (unsigned i = 0; i < RT_VSOCK_MAX_TRIES && rc == 0; i++) {
        *out = RT_VSOCK_FIRST_CID + i;
        rc = rt_vsock_try_held(dir, *out, try_cid, ctx, d);
    }
    if (lfd >= 0)
        close(lfd);   /* releases the lock */
    if (rc == 0)
        vc_runtime_error(d, "no free vsock context ID among %u to %u", RT_VSOCK_FIRST_CID,
                         RT_VSOCK_FIRST_CID + RT_VSOCK_MAX_TRIES - 1);
    return rc > 0;
}

bool rt_vsock_release(const char *dir, unsigned cid, vc_diags *d)
{
    char name[16];
    snprintf(name, sizeof(name), "%u", cid);
    return rt_hold_release(dir, name, d);
}

/* One CID on a fresh descriptor of the device: the kernel holds a CID for
 * as long as the descriptor that set it is open, and a descriptor sets
 * one CID at most, so each try opens and closes its own. */
static int rt_vsock_try_host(void *ctx, unsigned cid)
{
    int fd = open((const char *)ctx, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno;
    uint64_t v = cid;
    int e = ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &v) == 0 ? 0 : errno;
    close(fd);
    return e;
}

bool rt_vsock_find_host(const char *dir, const char *device, unsigned *out, vc_diags *d)
{
    const char *dev = device ? device : RT_VSOCK_DEVICE;
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    int err = errno;
    if (fd < 0)
        return vc_runtime_error(d, "<vsock> with <cid auto='yes'/>: cannot open %s to find a "
                                "free context ID: %s%s", dev, strerror(err),
                                err == ENOENT ? " (the host needs the vhost_vsock module)" : "");
    close(fd);
    return rt_vsock_find(dir, rt_vsock_try_host, (void *)dev, out, d);
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

bool rt_vsock_set_cid(const vc_strv *argv, const char *id, unsigned cid, vc_strv *out,
                      vc_diags *d)
{
    vc_strv_init(out);
    char *want = vc_xasprintf("id=%s", id);
    bool done = false;
    for (size_t i = 0; i < argv->n; i++) {
        const char *a = argv->v[i];
        long at = i > 0 && strcmp(argv->v[i - 1], "-device") == 0 ? rt_vsock_opt(a, "guest-cid") : -1;
        long idat = at >= 0 ? rt_vsock_opt(a, "id") : -1;
        bool ours = idat >= 0 && strncmp(a + idat, want, strlen(want)) == 0 &&
                    (a[idat + (long)strlen(want)] == ',' || a[idat + (long)strlen(want)] == '\0');
        if (!ours) {
            vc_strv_add(out, a);
            continue;
        }
        const char *rest = a + at + strlen("guest-cid=");
        rest += strcspn(rest, ",");
        vc_strv_addf(out, "%.*sguest-cid=%u%s", (int)at, a, cid, rest);
        done = true;
    }
    if (!done) {
        vc_runtime_error(d, "the plan's argv has no -device %s with a guest-cid to set", want);
        vc_strv_free(out);
    }
    free(want);
    return done;
}
