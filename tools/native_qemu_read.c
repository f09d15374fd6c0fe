/*
 * native_qemu_read.c: the reading direction of the qemu-argv row
 * (domxml-from-native qemu-argv): a thin call into translators/qemu's reader.
 */
#include "native_formats.h"
#include "../translators/qemu/argv_read.h"

ir_domain *native_qemu_from_native(const char *text, size_t len, const native_opts *o,
                                   vc_diags *d);

ir_domain *native_qemu_from_native(const char *text, size_t len, const native_opts *o,
                                   vc_diags *d)
{
    return qemu_read_argv_in(text, len, o->file, o->directory, d);
}
