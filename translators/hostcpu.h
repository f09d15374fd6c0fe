/*
 * hostcpu.h: naming a host CPU the way libvirt's capabilities do: the
 * closest named CPU model plus the features beyond it.
 *
 * Three vocabularies name the same x86 CPUID bits: Linux's /proc/cpuinfo
 * flags (sse4_1, lahf_lm, tsc_deadline_timer), QEMU's CPU properties
 * (sse4.1, lahf-lm, tsc-deadline) in which QEMU's CPU models are expanded,
 * and libvirt's feature names (sse4_1, lahf_lm, tsc-deadline), which the
 * capabilities document uses. One table maps them (hostcpu.c).
 *
 * The model: among QEMU's named models, the one that has the most of the
 * host's features and no feature the host lacks. Only features of the table
 * count on either side, so a QEMU property that is no CPUID bit (l3-cache)
 * or a flag Linux makes up (constant_tsc) never decides.
 */
#ifndef VIRTC_HOSTCPU_H
#define VIRTC_HOSTCPU_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* A CPU model and its features in QEMU's names, space-separated. */
typedef struct hostcpu_model {
    const char *name;
    const char *features;
} hostcpu_model;

/* The host's features, in QEMU's names, from the "flags" line of
 * /proc/cpuinfo (Linux's names); flags the table lacks are left out. */
void hostcpu_from_linux_flags(const char *flags, vc_strv *out);

/* libvirt's name of a feature QEMU names qemu_name ("sse4.1" -> "sse4_1");
 * qemu_name itself when the two agree. Never holds a '.', which the host
 * CPU's feature names of capability.rng refuse. */
const char *hostcpu_libvirt_name(const char *qemu_name);

/* Chooses the model for a host with features host (QEMU's names): the index
 * in models, or -1 when none fits. The features of host beyond the chosen
 * model (all of them with no model) are added to extra in libvirt's names,
 * in the table's order. */
int hostcpu_choose(const hostcpu_model *models, size_t n, const vc_strv *host, vc_strv *extra);

#endif
