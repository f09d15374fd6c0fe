/*
 * argv_read.h: the qemu-argv reader: a QEMU command line (as a shell would
 * take it, environment words first) -> IR domain. The reading direction of
 * domxml-from-native; the forms of both generations are read (QEMU 0.x's
 * -hda/-net/-serial and today's -blockdev/-netdev/-device, key=value or JSON).
 *
 * What the model has no place for is kept as <qemu:commandline> arguments
 * (or, for a -device property, a -global of its driver) and warned about.
 */
#ifndef VIRTC_QEMU_ARGV_READ_H
#define VIRTC_QEMU_ARGV_READ_H

#include <stddef.h>

#include "../error.h"
#include "../ir.h"

/* text: len bytes, NUL-terminated; file: its name in diagnostics. NULL with
 * located errors in d; warnings may be added on success. */
ir_domain *qemu_read_argv(const char *text, size_t len, const char *file, vc_diags *d);

/* The same, with dir the directory QEMU runs in: a relative path of the
 * command line (-drive file=disk.qcow2) is read against it, since the
 * domain names absolute paths; NULL: the current directory. */
ir_domain *qemu_read_argv_in(const char *text, size_t len, const char *file, const char *dir,
                             vc_diags *d);

#endif
