/*
 * instance.h: where an instance keeps its guests (the seed's "Driver
 * instances").
 *
 *   system (root):  /run/virtc/qemu, /var/lib/virtc/qemu,
 *                   /var/cache/virtc/qemu, logs in /var/log/virtc/qemu
 *   session (any user): the same under $XDG_RUNTIME_DIR/virtc,
 *                   $XDG_DATA_HOME/virtc, $XDG_CACHE_HOME/virtc (logs in
 *                   the cache's qemu/log), with the XDG defaults
 *                   (~/.local/share, ~/.cache; the runtime directory falls
 *                   back to the cache's run/ when XDG_RUNTIME_DIR is unset)
 *
 * A running guest NAME is known by RUN/NAME.lock (held by its supervisor
 * for its whole life), RUN/NAME.state (key: value lines the supervisor
 * rewrites) and RUN/NAME.pid (QEMU's pid).
 */
#ifndef VIRTC_RT_INSTANCE_H
#define VIRTC_RT_INSTANCE_H

#include <stdbool.h>

#include "../translators/error.h"
#include "plan.h"

typedef struct rt_dirs {
    char *run;
    char *lib;
    char *cache;
    char *log;
} rt_dirs;

/* The instance the caller gets: system when running as root. */
rt_instance rt_instance_current(void);
/* The directories of inst; log_dir (qemu.conf's, may be NULL) replaces the
 * default log directory. */
void rt_dirs_get(rt_instance inst, const char *log_dir, rt_dirs *out);
void rt_dirs_free(rt_dirs *d);
/* mkdir -p path with mode for what it creates; false with the reason in d. */
bool rt_mkdirs(const char *path, unsigned mode, vc_diags *d);

#endif
