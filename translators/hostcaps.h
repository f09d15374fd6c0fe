/*
 * hostcaps.h: the host capabilities document (<capabilities>, libvirt's
 * format, schemas/capability.rng).
 *
 * <host> describes the CPU from /proc/cpuinfo and sysfs as libvirt does:
 * the closest of the host QEMU's CPU models and the features beyond it
 * (hostcpu.h), vendor, microcode, signature, the invariant TSC, topology,
 * page sizes; then the NUMA cells (memory, pages, distances, CPUs with
 * their socket/die/core and siblings), the L3 cache banks, migration, and
 * the security models of the runtime (none, dac). One <guest> per emulator and architecture
 * describes what can be run: the QEMU binaries found on the host (probed,
 * through the cache), xenner, and the Xen hypervisor when /proc/xen shows a
 * Xen host. KVM domains are offered only where /dev/kvm is usable.
 */
#ifndef VIRTC_HOSTCAPS_H
#define VIRTC_HOSTCAPS_H

#include <stdbool.h>

#include "error.h"
#include "qemu/caps.h"
#include "util.h"

/* Probes one binary; qemu_probe_cached by default. */
typedef qemu_caps *(*hostcaps_prober)(const char *binary, vc_diags *d);

typedef struct hostcaps_opts {
    /* Prefix of every host file read (/proc, /sys, /etc); NULL for "/".
     * Tests point it at a fake tree. */
    const char *root;
    /* The host's architecture (uname's); NULL to ask uname. */
    const char *arch;
    /* KVM usability: -1 checks /dev/kvm, 0 no, 1 yes. */
    int kvm;
    /* The emulators to describe; NULL to search (hostcaps_find_emulators). */
    const vc_strv *emulators;
    hostcaps_prober probe;
    /* The DAC security driver's base label ("+UID:+GID"); NULL: "+0:+0". */
    const char *dac_label;
    /* The invariant TSC's rate in Hz and whether it scales; 0 asks KVM
     * (no <counter> without KVM). */
    unsigned long long tsc_hz;
    bool tsc_scaling;
} hostcaps_opts;

/* Sets the defaults: the real host, searched, probed through the cache. */
void hostcaps_opts_init(hostcaps_opts *o);

/* True when dev (NULL: /dev/kvm) opens read-write and answers
 * KVM_GET_API_VERSION with 12, the only stable KVM API. */
bool hostcaps_kvm_usable(const char *dev);

/* Emulator binaries, searched as libvirt's QEMU driver does: for qemu,
 * qemu-kvm, qemu-system-ARCH and xenner in the directories of
 * VIRTC_EMULATOR_PATH (colon-separated), then /usr/bin, then $PATH. A file
 * reached twice (a symlinked /bin) is listed once. */
void hostcaps_find_emulators(vc_strv *out);

/* Whether name (a file name, no directory) is one a QEMU emulator goes by
 * in the search above: qemu-system-ARCH, qemu-kvm, qemu. */
bool hostcaps_qemu_name(const char *name);

/* The whole document; NULL with errors in d (code VC_ERR_RUNTIME when an
 * emulator cannot be probed). Warnings may be added on success. */
char *hostcaps_format(const hostcaps_opts *o, vc_diags *d);

#endif
