/*
 * plan.h: the plan compiler: IR domain + QEMU capabilities + qemu.conf ->
 * launch plan (runtime/plan.h).
 *
 * Everything the launch will need is decided here, on the host that will
 * run it: the argv (through the qemu-argv emitter, with the instance's
 * monitor socket and state directory), the uid/gid/groups QEMU runs as
 * (names resolved to numbers), the security drivers and what each does to
 * each host resource, the cgroup's device allow-list (qemu.conf's ACL plus
 * the guest's block and character devices) and limits (<memtune>,
 * <cputune>), and the lifecycle actions.
 */
#ifndef VIRTC_QEMU_PLAN_H
#define VIRTC_QEMU_PLAN_H

#include "../../runtime/plan.h"
#include "../../runtime/qemuconf.h"
#include "../error.h"
#include "../ir.h"
#include "caps.h"

/* NULL with errors in d (located in file where they come from the domain
 * or from qemu.conf). Warnings of the emitter are added to d. test_env:
 * the emitter's fixed environment (argv.h), for reproducible plans. */
rt_plan *qemu_plan_build(const ir_domain *dom, const qemu_caps *caps, const rt_qemuconf *conf,
                         rt_instance inst, bool test_env, const char *file, vc_diags *d);

/* The user and group lookups qemu_plan_build will make (they depend on
 * qemu.conf and the instance alone), made ahead and their answers dropped:
 * the host's user database is opened and its NSS modules loaded while
 * something else (the schema compile) is on the critical path. Nothing is
 * kept or reported: qemu_plan_build looks everything up again. */
void qemu_plan_warm_identity(const rt_qemuconf *conf, rt_instance inst);

#endif
