/* vsock.c: a free vsock context ID chosen at start (see vsock.h). */
#include "vsock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../translators/util.h"

#define RT_VSOCK_DEVICE "/dev/vhost-vsock"

bool rt_vsock_find(rt_vsock_try_fn try_cid, void *ctx, unsigned *out, vc_diags *d)
{
    for (unsigned i = 0; i < RT_VSOCK_MAX_TRIES; i++) {
        unsigned cid = RT_VSOCK_FIRST_CID + i;
        int e = try_cid(ctx, cid);
        if (e == 0) {
            *out = cid;
            return true;
        }
        if (e != EADDRINUSE)
            return vc_runtime_error(d, "cannot probe vsock context ID %u: %s", cid, strerror(e));
    }
    return vc_runtime_error(d, "no free vsock context ID among %u to %u", RT_VSOCK_FIRST_CID,
                            RT_VSOCK_FIRST_CID + RT_VSOCK_MAX_TRIES - 1);
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

bool rt_vsock_find_host(const char *device, unsigned *out, vc_diags *d)
{
    const char *dev = device ? device : RT_VSOCK_DEVICE;
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    int err = errno;
    if (fd < 0)
        return vc_runtime_error(d, "<vsock> with <cid auto='yes'/>: cannot open %s to find a "
                                "free context ID: %s%s", dev, strerror(err),
                                err == ENOENT ? " (the host needs the vhost_vsock module)" : "");
    close(fd);
    return rt_vsock_find(rt_vsock_try_host, (void *)dev, out, d);
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

bool rt_vsock_plan_argv(const rt_plan *p, vc_strv *out, vc_diags *d)
{
    unsigned cid;
    if (!rt_vsock_find_host(NULL, &cid, d))
        return false;
    return rt_vsock_set_cid(&p->argv, p->vsock_auto, cid, out, d);
}
