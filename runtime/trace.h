/* trace.h: where the time of `virtc start` goes (VIRTC_TRACE=FILE).
 *
 * With VIRTC_TRACE naming a file, each step of the start path appends one
 * line to it: "PID MILLISECONDS STEP", the time on CLOCK_MONOTONIC (so the
 * lines of virtc, its supervisor and a caller that notes the same clock
 * before the exec line up). Without it, rt_trace costs a branch. The file
 * is opened per line with O_APPEND: the supervisor closes every inherited
 * descriptor, and concurrent writers do not interleave within a line. */
#ifndef VIRTC_RT_TRACE_H
#define VIRTC_RT_TRACE_H

void rt_trace(const char *step);

#endif
