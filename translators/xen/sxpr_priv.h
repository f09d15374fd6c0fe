/*
 * sxpr_priv.h: what the xen-sxpr reader and writer share.
 */
#ifndef VIRTC_XEN_SXPR_PRIV_H
#define VIRTC_XEN_SXPR_PRIV_H

#include <stdbool.h>

#include "sexpr.h"
#include "sxpr.h"

/* A character device in QEMU's -serial / -parallel syntax, which is what
 * XenD's (serial ...) and (parallel ...) hold: "pty", "null", "stdio",
 * "vc", "file:PATH", "pipe:PATH", "/dev/ttyS0", "tcp:HOST:PORT[,server]
 * [,nowait]", "telnet:HOST:PORT[,server][,nowait]", "udp:RHOST:RPORT
 * [@LHOST:LPORT]", "unix:PATH[,server][,nowait]". False (message in *why)
 * when spec is none of them. */
bool xen_sxpr_chr_parse(const char *spec, ir_chr *chr, const char **why);
/* The spec of chr, or NULL when the syntax cannot express it (*why says
 * what). The caller frees it. */
char *xen_sxpr_chr_format(const ir_chr *chr, const char **why);

#endif
