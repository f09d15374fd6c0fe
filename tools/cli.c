/* cli.c: helpers shared by the verbs. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../translators/util.h"

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

int cli_usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "virtc %s: ", verb);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'virtc %s --help'.\n", verb);
    va_end(ap);
    return VC_ERR_USAGE;
}

int cli_report(const vc_diags *d)
{
    vc_diags_print(stderr, d);
    return (int)vc_diags_code(d);
}

int cli_write_output(const char *path, const char *s)
{
    size_t len = strlen(s);
    if (!path) {
        if (fwrite(s, 1, len, stdout) != len || fflush(stdout) != 0) {
            fprintf(stderr, "virtc: error: writing standard output: %s\n", strerror(errno));
            return VC_ERR_RUNTIME;
        }
        return 0;
    }
    /* Write beside the target and rename, so a failure leaves no partial file. */
    char *tmp = vc_xasprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    bool ok = f && fwrite(s, 1, len, f) == len;
    if (f)
        ok = (fclose(f) == 0) && ok;
    else if (fd >= 0)
        close(fd);
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "virtc: error: writing %s: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : VC_ERR_RUNTIME;
}
