/*
 * probe.h: asking a QEMU binary what it supports.
 *
 * As a management tool does, the binary is started once without a guest
 * (-S -no-user-config -nodefaults -machine none) with a QMP socket in a
 * private directory, questioned over QMP, then killed and reaped. The answers
 * fill a qemu_caps (caps.h), which is cached per binary in a compact form
 * (caps_cache.h), keyed by its path, device, inode, size, mtime and ctime
 * (the QEMU version is stored alongside and checked too).
 *
 * Only a trusted binary is ever run (qemu_probe_trusted): a document's
 * <emulator> must not make virtc execute whatever file it names.
 *
 * Cache directory: $VIRTC_CACHE_DIR/qemu when set, else /var/cache/virtc/qemu
 * for root, else $XDG_CACHE_HOME/virtc/qemu (default ~/.cache/virtc/qemu);
 * none without a HOME (never a shared directory such as /tmp). Directories
 * are made 0700; one not owned by the effective uid or writable by group or
 * others is not used (a warning), since its files could be anyone's.
 * VIRTC_PROBE_TIMEOUT (seconds, default 30) bounds one probe.
 * VIRTC_DEBUG=1 traces cache hits, misses and QEMU starts on stderr.
 */
#ifndef VIRTC_QEMU_PROBE_H
#define VIRTC_QEMU_PROBE_H

#include <stdbool.h>

#include "../../runtime/qmp.h"
#include "../error.h"
#include "caps.h"

/* The device types whose properties a probe records: the ones the qemu-argv
 * emitter may use. Every other device type is recorded by name only. */
extern const char *const qemu_probe_device_types[];
extern const unsigned qemu_probe_ndevice_types;

/* Questions a QMP session that is past its handshake and fills a new
 * qemu_caps (binary, size and mtime left unset). This is everything above
 * the socket, so unit tests drive it with canned replies. */
qemu_caps *qemu_probe_session(rt_qmp *m, vc_diags *d);

/* Whether binary may be run to probe it: a regular executable file owned by
 * root or the effective uid and writable by neither group nor others, in a
 * directory (that of the name and that of the file a link leads to) of the
 * same owners, writable by others only when sticky. False with a runtime
 * error (no location) saying why and pointing at --caps otherwise. */
bool qemu_probe_trusted(const char *binary, vc_diags *d);

/* Starts binary, probes it, stops it. Errors have code VC_ERR_RUNTIME. */
qemu_caps *qemu_probe_binary(const char *binary, vc_diags *d);

/* Like qemu_probe_binary, through the cache: a cached result is used when it
 * names the same path, device, inode, size, mtime and ctime; a stale,
 * unreadable, damaged or older-format cache file is replaced. Failing to write the cache is a warning, not an error. */
qemu_caps *qemu_probe_cached(const char *binary, vc_diags *d);
/* The cache's answer alone: what qemu_probe_cached would use without
 * probing (a trusted binary, a safe cache directory, a current entry);
 * NULL, with nothing said, otherwise. Never runs the binary. */
qemu_caps *qemu_probe_cache_lookup(const char *binary);

/* The cache directory (see above) and the file caching binary; free() them.
 * NULL when there is no cache directory. */
char *qemu_probe_cache_dir(void);
char *qemu_probe_cache_file(const char *binary);

#endif
