/*
 * validate_rules.h: the checks `virtc validate` makes beyond a kind's
 * schema, for the kinds whose parser in libvirt refuses more than its
 * schema does (what `virsh nodedev-create`, `iface-define` and
 * `secret-define` would refuse). Each kind has a module of its own:
 *
 *   validate_secret.c     usage types and flags libvirt compares exactly
 *   validate_interface.c  names, start modes, bonding words
 *   validate_nodedev.c    capability types, names, PCI addresses, AP
 *                         domains, network features, mediated devices
 *   validate_storagepool.c  words, the name, auth, fc_host parents,
 *                         the iscsi-direct initiator, cow, secret UUIDs
 *   validate_storagevol.c   words, capacity, sizes; permission modes
 *                         (vr_perms_mode) both
 *
 * and this file's vr_ helpers (validate_rules.c) and validate_check.c's
 * check_ ones are what they share: each rule is a located error on the
 * element or attribute it is about.
 */
#ifndef VIRTC_VALIDATE_RULES_H
#define VIRTC_VALIDATE_RULES_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "../translators/error.h"

/* validate_check.c's helpers, which the domain's checks use too. */

/* Whether n is an element of the document's own format (no namespace)
 * named name. */
bool check_is(xmlNodePtr n, const char *name);

/* A located error on attribute name of e when bad(value) says what is
 * wrong ("NAME='V': expected WHY"); false then. No attribute: true. */
bool check_value(xmlNodePtr e, const char *name, const char *(*bad)(const char *v),
                 const char *file, vc_diags *d);

/* libvirt's parser compares some words exactly where RelaxNG's token
 * values let spaces stand around them: attribute name of e must carry no
 * space before or after its word. */
bool vr_exact_word(xmlNodePtr e, const char *name, const char *file, vc_diags *d);

/* The same for e's text (<type> render</type>). */
bool vr_exact_text(xmlNodePtr e, const char *file, vc_diags *d);

/* An element libvirt's parser reads as missing when it is empty: e with
 * no text at all is an error saying what it should hold. */
bool vr_text_given(xmlNodePtr e, const char *what, const char *file, vc_diags *d);

/* One (element, attribute) whose word libvirt compares exactly. */
typedef struct vr_word {
    const char *elem;
    const char *attr;
} vr_word;

/* vr_exact_word on every element under and including n that a row of
 * words names. */
bool vr_exact_words(xmlNodePtr n, const vr_word *words, size_t nwords, const char *file,
                    vc_diags *d);

/* The <permissions><mode> of holder (a pool's or volume's <target>, a
 * volume's <backingStore>): libvirt's parser takes only the permission
 * bits, 0..0777. */
bool vr_perms_mode(xmlNodePtr holder, const char *file, vc_diags *d);

bool vr_secret_check(xmlDocPtr doc, const char *file, vc_diags *d);
bool vr_interface_check(xmlDocPtr doc, const char *file, vc_diags *d);
bool vr_nodedev_check(xmlDocPtr doc, const char *file, vc_diags *d);
bool vr_storagepool_check(xmlDocPtr doc, const char *file, vc_diags *d);
bool vr_storagevol_check(xmlDocPtr doc, const char *file, vc_diags *d);

#endif
