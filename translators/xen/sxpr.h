/*
 * sxpr.h: IR <-> xen-sxpr, the S-expressions of XenD's HTTP RPC.
 *
 * The XenD protocol version changes the layout (libvirt's numbering):
 *   1  Xen 3.0.2: HVM disks as (dev 'ioemu:hda'), the HVM cdrom inside
 *      (image (hvm (cdrom PATH))), HVM VNC as (vnc 1) alone (the display
 *      is 5900 + the domain id)
 *   2  Xen 3.0.3: HVM disks as (dev 'hda:disk'), cdroms as devices
 *      (dev 'hdc:cdrom'), VNC with (vncunused)/(vncdisplay)
 *   3  Xen 3.0.4: paravirtual framebuffers as (device (vkbd)) and
 *      (device (vfb ...)) instead of VNC keys in (image (linux ...))
 *   4  Xen 3.1.0: also (rtc_timeoffset) and (localtime) inside the HVM
 *      image: the layout of libvirt's last xen-sxpr code (the default)
 * Reading accepts every layout; the version only decides what a missing
 * key means (the VNC display of a version 1 HVM guest).
 */
#ifndef VIRTC_XEN_SXPR_H
#define VIRTC_XEN_SXPR_H

#include <stddef.h>

#include "../error.h"
#include "../ir.h"

#define XEN_SXPR_VERSION_MIN 1
#define XEN_SXPR_VERSION_MAX 4
#define XEN_SXPR_VERSION_DEFAULT 4

/* The namespace of the <metadata> element that keeps the keys of an
 * S-expression the model has no place for (see README, xen-sxpr). */
#define XEN_SXPR_NS "https://virtc.example.org/xen-sxpr/1"

/* A domain as XenD's (vm ...) document, newline-terminated; NULL with
 * diagnostics when the domain cannot be written (warnings name what the
 * format cannot express). version 0 = the default. */
char *xen_sxpr_from_domain(const ir_domain *dom, int version, const char *file, vc_diags *d);

/* A (domain ...) or (vm ...) document as a domain; NULL with located
 * diagnostics. version 0 = the default. */
ir_domain *xen_sxpr_to_domain(const char *text, size_t len, const char *file, int version,
                              vc_diags *d);

#endif
