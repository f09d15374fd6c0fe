/* native_formats.c: the table of native formats (see native_formats.h). */
#include "native_formats.h"

#include <string.h>

#include "../translators/util.h"

/* One row per format; the order is the order of the help texts. */
static const native_format *const native_table[] = {
    &native_qemu_argv,
    &native_xen_xm,
    &native_xen_xl,
    &native_xen_sxpr,
};

const native_format *native_format_find(const char *name)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(native_table); i++)
        if (strcmp(native_table[i]->name, name) == 0)
            return native_table[i];
    return NULL;
}

char *native_format_names(bool to)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < VC_ARRAY_SIZE(native_table); i++) {
        const native_format *f = native_table[i];
        if (to ? !f->to_native : !f->from_native)
            continue;
        if (b.len)
            vc_buf_puts(&b, ", ");
        vc_buf_puts(&b, f->name);
    }
    return vc_buf_steal(&b);
}
