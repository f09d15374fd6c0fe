/*
 * vsock.h: a free vsock context ID (CID) for a guest whose plan leaves it
 * to the host (<vsock><cid auto='yes'/>, plan element <vsock cid='auto'>):
 * a converter cannot know which CIDs the host's running guests hold, the
 * runtime can, at start.
 *
 * The host's answer comes from /dev/vhost-vsock: VHOST_VSOCK_SET_GUEST_CID
 * fails with EADDRINUSE for a CID another vhost-vsock device holds (a
 * running guest of any manager), so a CID from 3 on (0-2 are the
 * hypervisor, local and host addresses) that it accepts is free. The CID
 * belongs to the open descriptor that set it, for as long as it is open,
 * and one descriptor may set another CID after a refusal. So the search
 * runs on one descriptor, and that descriptor is what QEMU gets
 * (-device vhost-vsock-pci,guest-cid=N,vhostfd=FD, as libvirt passes it):
 * QEMU sets the same CID on the same device, which the kernel accepts, and
 * no other guest can take the CID between the search and QEMU's start.
 * When QEMU has ended, its CID is free again (the kernel's, nothing to
 * undo).
 */
#ifndef VIRTC_RT_VSOCK_H
#define VIRTC_RT_VSOCK_H

#include <stdbool.h>

#include "../translators/error.h"
#include "../translators/util.h"

/* How many CIDs from 3 on are tried before giving up. */
enum { RT_VSOCK_FIRST_CID = 3, RT_VSOCK_MAX_TRIES = 65536 };

/* Sets one CID on the descriptor: 0 when the host gave it (fd now holds
 * it), EADDRINUSE when another device holds it, another errno when the
 * call itself fails. */
typedef int (*rt_vsock_set_fn)(void *ctx, int fd, unsigned cid);

/* VHOST_VSOCK_SET_GUEST_CID: the host's rt_vsock_set_fn (ctx unused). */
int rt_vsock_set_host(void *ctx, int fd, unsigned cid);

/* Sets on fd the CID prefer (when 3 or more: a guest started again keeps
 * its CID when it is still free), else the first from 3 on that set
 * accepts; *out is the CID fd holds. False with the reason. */
bool rt_vsock_acquire(int fd, rt_vsock_set_fn set, void *ctx, unsigned prefer, unsigned *out,
                      vc_diags *d);

/* Opens device (NULL: /dev/vhost-vsock) close-on-exec and acquires a CID
 * on it with set (NULL: the host's): the descriptor that holds it, or -1
 * with the reason (an absent device names the module that provides it). */
int rt_vsock_open(const char *device, rt_vsock_set_fn set, void *ctx, unsigned prefer,
                  unsigned *out, vc_diags *d);

/* A copy of argv (NULL-terminated, free with vc_strv_free through out)
 * where the "-device" option whose id is id has guest-cid=CID; that option
 * must pass the descriptor as vhostfd=FD (the plan's number). False with
 * an error when no such option has a guest-cid, or its vhostfd is not
 * FD. */
bool rt_vsock_set_cid(const vc_strv *argv, const char *id, unsigned cid, int fd, vc_strv *out,
                      vc_diags *d);

/* For the plan (translators/qemu/plan.c): a copy of argv where the
 * "-device" option whose id is id also has vhostfd=FD. False with an
 * error when argv has no such -device with a guest-cid. */
bool rt_vsock_add_vhostfd(const vc_strv *argv, const char *id, int fd, vc_strv *out,
                          vc_diags *d);

#endif
