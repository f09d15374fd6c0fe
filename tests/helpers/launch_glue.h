/*
 * launch_glue.h: the launch tests start what the QEMU emitter built
 * (translators/qemu/argv.h) with the runtime, which knows only argument
 * vectors and environments (runtime/launch.h) and never a translator's
 * types. This is the one place the two meet.
 */
#ifndef VIRTC_TEST_LAUNCH_GLUE_H
#define VIRTC_TEST_LAUNCH_GLUE_H

#include "../../runtime/launch.h"
#include "../../translators/qemu/argv.h"

/* rt_launch_start_argv of an emitted launch (NULL: no command). */
static inline rt_launch *glue_launch_start(const qemu_launch *l, const rt_launch_opts *o,
                                           vc_diags *d)
{
    static char *const none[] = { NULL };
    return rt_launch_start_argv(l ? l->argv.v : none, l ? l->env.v : none, o, d);
}

#endif
