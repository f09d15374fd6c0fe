/*
 * undo.c: the guest's undo journal (see security.h): every change the
 * security models make to the host, appended before it is made, and undone
 * from the journal alone when the supervisor that made them was lost.
 *
 * Lines are appended with O_APPEND, one write each: a supervisor killed
 * between two writes leaves whole lines, and one killed between a note and
 * its change leaves a line whose undo finds nothing to do (a label set to
 * what it already is, a cgroup that does not exist, a profile not loaded).
 */
#include "security.h"
#include "sec_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../translators/util.h"

struct rt_undo {
    char *path;
    int fd;
};

rt_undo *rt_undo_open(const char *path, vc_diags *d)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        vc_runtime_error(d, "cannot create the undo journal %s: %s", path, strerror(errno));
        return NULL;
    }
    rt_undo *u = vc_xcalloc(1, sizeof(*u));
    u->path = vc_xstrdup(path);
    u->fd = fd;
    return u;
}

bool rt_undo_note(rt_undo *u, const char *kind, const char *key, const char *path,
                  vc_diags *d)
{
    if (!u)
        return true;
    if (strpbrk(key, " \n") || strchr(path, '\n')) {
        char *shown = rt_sec_printable(path);
        vc_runtime_error(d, "cannot journal %s '%s': a line of the undo journal cannot hold it",
                         kind, shown);
        free(shown);
        return false;
    }
    char *line = vc_xasprintf("%s %s %s\n", kind, key, path);
    size_t len = strlen(line);
    bool ok = write(u->fd, line, len) == (ssize_t)len;
    if (!ok)
        vc_runtime_error(d, "cannot write the undo journal %s: %s", u->path, strerror(errno));
    free(line);
    return ok;
}

off_t rt_undo_mark(const rt_undo *u)
{
    struct stat st;
    return u && fstat(u->fd, &st) == 0 ? st.st_size : 0;
}

bool rt_undo_rewind(rt_undo *u, off_t mark, vc_diags *d)
{
    if (!u || ftruncate(u->fd, mark) == 0)
        return true;
    return vc_runtime_error(d, "cannot rewind the undo journal %s: %s", u->path, strerror(errno));
}

void rt_undo_close(rt_undo *u, bool remove)
{
    if (!u)
        return;
    close(u->fd);
    if (remove)
        unlink(u->path);
    free(u->path);
    free(u);
}

/* One entry undone: KIND KEY PATH. */
static bool rt_undo_entry(const char *kind, const char *key, const char *path, vc_diags *d)
{
    if (strcmp(kind, "label") == 0)
        return rt_se_restore_one(path, key, d);
    if (strcmp(kind, "cgroup") == 0)
        return rt_cg_remove_recorded(key, path, d);
    if (strcmp(kind, "apparmor") == 0)
        return rt_aa_profile_unload(key, path, d);
    if (strcmp(kind, "vsock") == 0 && key[strspn(key, "0123456789")] == '\0')
        return rt_hold_release(path, key, d);
    if (strcmp(kind, "mcs") == 0) {
        rt_mcs_pair pair;
        if (rt_mcs_parse(key, &pair))
            return rt_mcs_release(path, pair, d);
    }
    return vc_runtime_error(d, "the undo journal has an entry virtc does not know: %s %s %s",
                            kind, key, path);
}

bool rt_undo_replay(const char *path, vc_diags *d)
{
    char *text = vc_read_file(path, NULL);
    if (!text)
        return true;
    /* the lines, then undone last first */
    char **lines = NULL;
    size_t n = 0, cap = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (!next)
            break;   /* a line cut short was never acted on */
        *next++ = '\0';
        vc_xgrow((void **)&lines, &cap, n + 1, sizeof(*lines));
        lines[n++] = line;
    }
    bool ok = true;
    for (size_t i = n; i-- > 0;) {
        char *kind = lines[i], *key = strchr(kind, ' ');
        char *p = key ? strchr(key + 1, ' ') : NULL;
        if (!p) {
            ok = vc_runtime_error(d, "%s: malformed line '%s'", path, lines[i]);
            continue;
        }
        *key++ = '\0';
        *p++ = '\0';
        ok = rt_undo_entry(kind, key, p, d) && ok;
    }
    free(lines);
    free(text);
    /* kept when something could not be undone: a second stop tries again */
    if (ok)
        unlink(path);
    return ok;
}
