/*
 * dac.h: POSIX ownership of a guest's resources (the seed's "POSIX
 * users/groups").
 *
 * Before QEMU starts: every resource must be reachable by the user QEMU
 * runs as, which a parent directory without search permission for it
 * prevents whatever the file's own owner is; the error names the
 * directory and the seed's remedy (chmod o+x). With dynamic_ownership, each
 * exclusive disk image or device (the plan marks them) is chowned to the
 * QEMU user and group, its old owner recorded; when the guest ends, the
 * recorded owners are put back.
 */
#ifndef VIRTC_RT_DAC_H
#define VIRTC_RT_DAC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../translators/error.h"
#include "plan.h"

/* True when a process of uid/gid/groups may search every directory on the
 * way to path; false with the error (naming the first directory that
 * denies it and the remedy). who names the user in the message. */
bool rt_dac_reachable(const char *path, uid_t uid, gid_t gid, const gid_t *groups, size_t n,
                      const char *who, vc_diags *d);

typedef struct rt_dac_saved rt_dac_saved;

/* Checks that every resource of the plan is reachable by its user, then
 * chowns those marked <dac/> (when dynamic ownership is on), recording the
 * old owners. On failure what was changed is put back. *saved receives the
 * record (NULL when nothing was changed). */
bool rt_dac_take(const rt_plan *p, rt_dac_saved **saved, vc_diags *d);
/* Puts the recorded owners back and frees saved (NULL: true). */
bool rt_dac_restore(rt_dac_saved *saved, vc_diags *d);

#endif
