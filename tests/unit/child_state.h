/*
 * child_state.h: what a spawned test child reports about how it was
 * started (shared by the spawn tests of launch and probe): its open
 * descriptors, where stdin leads, whether stdout and stderr are one file,
 * its blocked and ignored signals, whether it leads its session.
 */
#ifndef VIRTC_CHILD_STATE_H
#define VIRTC_CHILD_STATE_H

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Appends "fds: ... stdin:... out:... blocked:N ignored:N leader:yes|no\n". */
static void child_state_line(vc_buf *b)
{
    vc_buf_puts(b, "fds:");
    DIR *dir = opendir("/proc/self/fd");
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;)
        if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(dir))
            vc_buf_printf(b, " %s", e->d_name);
    if (dir)
        closedir(dir);
    char in[64] = "";
    ssize_t n = readlink("/proc/self/fd/0", in, sizeof(in) - 1);
    in[n > 0 ? n : 0] = '\0';
    struct stat o, e;
    bool same = fstat(1, &o) == 0 && fstat(2, &e) == 0 && o.st_ino == e.st_ino && o.st_dev == e.st_dev;
    sigset_t mask;
    sigprocmask(SIG_SETMASK, NULL, &mask);
    int blocked = 0, ignored = 0;
    for (int sig = 1; sig < SIGRTMIN; sig++) {
        struct sigaction sa;
        blocked += sigismember(&mask, sig) == 1;
        ignored += sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
    }
    vc_buf_printf(b, " stdin:%s out:%s blocked:%d ignored:%d leader:%s\n", in,
                  same ? "log" : "split", blocked, ignored, getsid(0) == getpid() ? "yes" : "no");
}

#endif
