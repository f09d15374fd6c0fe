/*
 * vsock.h: a free vsock context ID (CID) for a guest whose plan leaves it
 * to the host (<vsock><cid auto='yes'/>, plan element <vsock cid='auto'>):
 * a converter cannot know which CIDs the host's running guests hold, the
 * runtime can, at start.
 *
 * The host's answer comes from /dev/vhost-vsock: VHOST_VSOCK_SET_GUEST_CID
 * fails with EADDRINUSE for a CID another vhost-vsock device holds (a
 * running guest of any manager), so a CID from 3 on (0-2 are the
 * hypervisor, local and host addresses) that it accepts is free. The probe
 * lets the CID go again when it closes the device, and QEMU takes it a
 * moment later; so that two guests of this instance started in that moment
 * never pick the same one, the search also holds the CID as a file in a
 * directory all supervisors share (hold.c, as the MCS pairs are), from the
 * probe until the guest ends.
 */
#ifndef VIRTC_RT_VSOCK_H
#define VIRTC_RT_VSOCK_H

#include <stdbool.h>

#include "../translators/error.h"
#include "../translators/util.h"

/* How many CIDs from 3 on are tried before giving up. */
enum { RT_VSOCK_FIRST_CID = 3, RT_VSOCK_MAX_TRIES = 65536 };

/* Tries one CID: 0 when it is free, EADDRINUSE when held, another errno
 * when the probe itself fails. */
typedef int (*rt_vsock_try_fn)(void *ctx, unsigned cid);

/* The first CID from 3 on that no live process holds in dir (NULL: none
 * kept) and that try accepts (the host's /dev/vhost-vsock, or a test's
 * fake); it is then held in dir until rt_vsock_release. False with the
 * reason. */
bool rt_vsock_find(const char *dir, rt_vsock_try_fn try_cid, void *ctx, unsigned *out,
                   vc_diags *d);
/* rt_vsock_find on the device (NULL: /dev/vhost-vsock); an absent device
 * is an error naming it and the module that provides it. */
bool rt_vsock_find_host(const char *dir, const char *device, unsigned *out, vc_diags *d);
/* Gives a CID held in dir back. */
bool rt_vsock_release(const char *dir, unsigned cid, vc_diags *d);

/* A copy of argv (NULL-terminated, free with vc_strv_free through out)
 * where the "-device" option whose id is id has guest-cid=CID; false with
 * an error when no such option has a guest-cid. */
bool rt_vsock_set_cid(const vc_strv *argv, const char *id, unsigned cid, vc_strv *out,
                      vc_diags *d);

#endif
