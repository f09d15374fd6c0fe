/* trace.c: step times of the start path (see trace.h). */
#include "trace.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void rt_trace(const char *step)
{
    /* read every time: cheap, and a fork or a restart needs no set-up */
    const char *file = getenv("VIRTC_TRACE");
    if (!file || !*file)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char line[256];
    int n = snprintf(line, sizeof(line), "%ld %.3f %s\n", (long)getpid(),
                     (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6, step);
    if (n <= 0)
        return;
    if ((size_t)n >= sizeof(line)) {   /* a long step name is cut, the line kept */
        n = (int)sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        return;
    ssize_t w = write(fd, line, (size_t)n);
    (void)w;
    close(fd);
}
