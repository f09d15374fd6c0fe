/*
 * hold.c: names held in a directory every supervisor of an instance shares
 * (security.h, "held names"): the sVirt MCS pairs (mcs.c). (vsock context
 * IDs were held here too; the kernel holds them now, by the descriptor
 * QEMU is handed: runtime/vsock.h. A journal line of an earlier version
 * still releases such a file: undo.c.)
 *
 * There is no daemon holding the list of running guests, so the list is
 * the directory: a guest holds NAME while the file of that name exists,
 * and the file holds the pid of the process that took it. A file whose pid
 * is gone is left over from a supervisor that was killed, and its name is
 * free again. Searches run under an flock of the directory itself, so that
 * checking a stale file and taking it over is one step for concurrent
 * starts, and no lock file is left.
 */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../translators/util.h"

int rt_hold_lock(const char *dir, vc_diags *d)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        vc_runtime_error(d, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    int lfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lfd < 0 || flock(lfd, LOCK_EX) != 0) {
        vc_runtime_error(d, "cannot lock %s: %s", dir, strerror(errno));
        if (lfd >= 0)
            close(lfd);
        return -1;
    }
    return lfd;
}

/* The pid a hold file holds; 0 when unreadable. */
static long rt_hold_owner(const char *path)
{
    char *text = vc_read_file(path, NULL);
    long long pid = 0;
    if (text) {
        text[strcspn(text, "\n")] = '\0';
        if (!vc_parse_ll(text, 10, &pid))
            pid = 0;
    }
    free(text);
    return (long)pid;
}

static bool rt_hold_alive(long pid)
{
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int rt_hold_take(const char *dir, const char *name, vc_diags *d)
{
    char *path = vc_xasprintf("%s/%s", dir, name);
    int rc = -1;
    for (int round = 0; round < 2; round++) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            char buf[32];
            int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
            rc = write(fd, buf, (size_t)len) == len ? 1 : -1;
            if (rc < 0) {
                vc_runtime_error(d, "cannot write %s: %s", path, strerror(errno));
                unlink(path);
            }
            close(fd);
            break;
        }
        if (errno != EEXIST) {
            vc_runtime_error(d, "cannot create %s: %s", path, strerror(errno));
            break;
        }
        /* Held: by a live guest (busy), or left by a dead one (take it). */
        rc = 0;
        if (round > 0 || rt_hold_alive(rt_hold_owner(path)) || unlink(path) != 0)
            break;
    }
    free(path);
    return rc;
}

bool rt_hold_release(const char *dir, const char *name, vc_diags *d)
{
    char *path = vc_xasprintf("%s/%s", dir, name);
    long owner = rt_hold_owner(path);
    bool ok = true;
    /* Another live process's name is not ours to free. */
    if (owner == (long)getpid() || (owner && !rt_hold_alive(owner))) {
        if (unlink(path) != 0 && errno != ENOENT)
            ok = vc_runtime_error(d, "cannot remove %s: %s", path, strerror(errno));
    }
    free(path);
    return ok;
}
