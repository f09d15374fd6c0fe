/* cli.c: helpers shared by the verbs. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Writes all of s to fd; false with errno set on failure. */
static bool cli_write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        s += n;
        len -= (size_t)n;
    }
    return true;
}

/* Not a regular file (a terminal, /dev/stdout, a FIFO): write in place,
 * there is nothing to replace atomically. */
static bool cli_write_special(const char *path, const char *s, size_t len)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = cli_write_all(fd, s, len);
    int err = errno;
    if (close(fd) != 0 && ok)
        return false;
    errno = err;
    return ok;
}

/* The file a path leads to through its symbolic links, as open() would
 * follow them, whether or not that file exists yet: a dangling link names
 * the file to create. NULL (errno ELOOP) past 40 links. */
static char *cli_follow_links(const char *path)
{
    char *cur = vc_xstrdup(path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        size_t cap = (size_t)st.st_size + 2;
        char *to = vc_xmalloc(cap);
        ssize_t n = readlink(cur, to, cap);
        if (n < 0 || (size_t)n >= cap) {
            free(to);
            return cur;   /* changed under us: let open() decide */
        }
        to[n] = '\0';
        const char *slash = strrchr(cur, '/');
        char *next = to[0] == '/' || !slash
                         ? vc_xstrdup(to)
                         : vc_xasprintf("%.*s/%s", (int)(slash - cur), cur, to);
        free(to);
        free(cur);
        cur = next;
    }
    free(cur);
    errno = ELOOP;
    return NULL;
}

/* Writes beside the target and renames, so a failure leaves no partial
 * file. Like a shell's redirection, a symbolic link is written through: the
 * file it leads to is replaced (or, for a dangling link, created), with the
 * mode it had (a new file gets 0666 less the umask, as with open()). */
static bool cli_write_replace(const char *path, const char *s, size_t len)
{
    char *real = cli_follow_links(path);
    if (!real)
        return false;
    const char *target = real;
    struct stat st;
    mode_t mode;
    bool replacing = stat(target, &st) == 0;
    if (replacing) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    char *tmp = vc_xasprintf("%s.tmpXXXXXX", target);
    int fd = mkstemp(tmp);
    /* The data reaches the disk before the rename only when an old file is
     * replaced, so a crash cannot trade its content for an empty file; a
     * new file (a batch's outputs) has nothing to lose and skips the
     * fsync, a third of the cost of a small conversion. */
    bool ok = fd >= 0 && fchmod(fd, mode) == 0 && cli_write_all(fd, s, len) &&
              (!replacing || fsync(fd) == 0);
    int err = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(tmp, target) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok && fd >= 0)
        unlink(tmp);
    free(tmp);
    free(real);
    errno = err;
    return ok;
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
    struct stat st;
    bool special = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    bool ok = special ? cli_write_special(path, s, len) : cli_write_replace(path, s, len);
    if (!ok) {
        fprintf(stderr, "virtc: error: writing %s: %s\n", path, strerror(errno));
        return VC_ERR_RUNTIME;
    }
    return 0;
}
