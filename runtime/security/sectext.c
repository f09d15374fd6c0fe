/* sectext.c: plan data shown in diagnostics (see sec_priv.h). A name, a
 * label or a path comes from a plan and may hold a newline; a diagnostic
 * is one line, so such input is shown escaped rather than split. */
#include "sec_priv.h"

#include "../../translators/util.h"

char *rt_sec_printable(const char *s)
{
    vc_buf b;
    vc_buf_init(&b);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f || c == '\\')
            vc_buf_printf(&b, "\\x%02x", c);
        else
            vc_buf_putc(&b, (char)c);
    }
    return vc_buf_steal(&b);
}
