/*
 * sxpr_chr.c: XenD's (serial ...) and (parallel ...) values, which are
 * QEMU's -serial syntax (sxpr_priv.h lists the forms), to and from ir_chr.
 */
#include <stdlib.h>
#include <string.h>

#include "sxpr_priv.h"

/* The forms with no argument. */
static const struct { const char *spec; ir_chr_type type; } xen_sxpr_chr_bare[] = {
    { "pty", IR_CHR_PTY }, { "null", IR_CHR_NULL }, { "stdio", IR_CHR_STDIO },
    { "vc", IR_CHR_VC },
};

/* "HOST:PORT" (the last ':' splits, so an IPv6 host keeps its colons). */
static bool xen_sxpr_host_port(const char *s, size_t n, char **host, char **port)
{
    const char *colon = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ':')
            colon = s + i;
    if (!colon || colon == s + n - 1)
        return false;
    *host = vc_xstrndup(s, (size_t)(colon - s));
    *port = vc_xstrndup(colon + 1, (size_t)(s + n - colon - 1));
    return true;
}

/* The ",server" / ",nowait" flags after a tcp/telnet/unix address. */
static bool xen_sxpr_chr_flags(const char *flags, bool *server)
{
    *server = false;
    while (flags && *flags == ',') {
        const char *end = strchr(flags + 1, ',');
        size_t n = end ? (size_t)(end - flags - 1) : strlen(flags + 1);
        if (n == 6 && strncmp(flags + 1, "server", 6) == 0)
            *server = true;
        else if (!(n == 6 && strncmp(flags + 1, "nowait", 6) == 0))
            return false;
        flags = end;
    }
    return true;
}

static bool xen_sxpr_chr_socket(const char *rest, ir_chr *chr, bool is_unix)
{
    const char *comma = strchr(rest, ',');
    size_t n = comma ? (size_t)(comma - rest) : strlen(rest);
    bool server;
    if (n == 0 || !xen_sxpr_chr_flags(comma, &server))
        return false;
    if (is_unix)
        chr->path = vc_xstrndup(rest, n);
    else if (!xen_sxpr_host_port(rest, n, &chr->host, &chr->service))
        return false;
    chr->mode = vc_xstrdup(server ? "bind" : "connect");
    return true;
}

static bool xen_sxpr_chr_udp(const char *rest, ir_chr *chr)
{
    const char *at = strchr(rest, '@');
    size_t n = at ? (size_t)(at - rest) : strlen(rest);
    if (!xen_sxpr_host_port(rest, n, &chr->host, &chr->service))
        return false;
    chr->mode = vc_xstrdup("connect");
    return !at || xen_sxpr_host_port(at + 1, strlen(at + 1), &chr->bind_host,
                                     &chr->bind_service);
}

bool xen_sxpr_chr_parse(const char *spec, ir_chr *chr, const char **why)
{
    *why = "not a character device (pty, null, stdio, vc, file:, pipe:, /dev/..., "
           "tcp:, telnet:, udp:, unix:)";
    for (size_t i = 0; i < VC_ARRAY_SIZE(xen_sxpr_chr_bare); i++)
        if (strcmp(spec, xen_sxpr_chr_bare[i].spec) == 0) {
            chr->type = xen_sxpr_chr_bare[i].type;
            return true;
        }
    if (vc_str_has_prefix(spec, "file:") || vc_str_has_prefix(spec, "pipe:")) {
        chr->type = spec[0] == 'f' ? IR_CHR_FILE : IR_CHR_PIPE;
        chr->path = vc_xstrdup(spec + 5);
        return spec[5] != '\0';
    }
    if (spec[0] == '/') {
        chr->type = IR_CHR_DEV;
        chr->path = vc_xstrdup(spec);
        return true;
    }
    if (vc_str_has_prefix(spec, "tcp:") || vc_str_has_prefix(spec, "telnet:")) {
        bool telnet = spec[1] == 'e';
        chr->type = IR_CHR_TCP;
        chr->protocol = vc_xstrdup(telnet ? "telnet" : "raw");
        return xen_sxpr_chr_socket(spec + (telnet ? 7 : 4), chr, false);
    }
    if (vc_str_has_prefix(spec, "unix:")) {
        chr->type = IR_CHR_UNIX;
        return xen_sxpr_chr_socket(spec + 5, chr, true);
    }
    if (vc_str_has_prefix(spec, "udp:")) {
        chr->type = IR_CHR_UDP;
        return xen_sxpr_chr_udp(spec + 4, chr);
    }
    return false;
}

char *xen_sxpr_chr_format(const ir_chr *chr, const char **why)
{
    bool bind = vc_streq(chr->mode, "bind");
    const char *flags = bind ? ",server,nowait" : "";
    *why = NULL;
    for (size_t i = 0; i < VC_ARRAY_SIZE(xen_sxpr_chr_bare); i++)
        if (chr->type == xen_sxpr_chr_bare[i].type)
            return vc_xstrdup(xen_sxpr_chr_bare[i].spec);
    switch (chr->type) {
    case IR_CHR_FILE:
    case IR_CHR_PIPE:
    case IR_CHR_DEV:
        if (!chr->path)
            break;
        return vc_xasprintf("%s%s", chr->type == IR_CHR_FILE ? "file:" :
                            chr->type == IR_CHR_PIPE ? "pipe:" : "", chr->path);
    case IR_CHR_TCP:
        if (!chr->host || !chr->service)
            break;
        return vc_xasprintf("%s:%s:%s%s", vc_streq(chr->protocol, "telnet") ? "telnet" : "tcp",
                            chr->host, chr->service, flags);
    case IR_CHR_UNIX:
        if (!chr->path)
            break;
        return vc_xasprintf("unix:%s%s", chr->path, flags);
    case IR_CHR_UDP:
        if (!chr->host || !chr->service)
            break;
        if (chr->bind_host && chr->bind_service)
            return vc_xasprintf("udp:%s:%s@%s:%s", chr->host, chr->service, chr->bind_host,
                                chr->bind_service);
        return vc_xasprintf("udp:%s:%s", chr->host, chr->service);
    default:
        *why = "XenD's character devices have no such type";
        return NULL;
    }
    *why = "its source is incomplete";
    return NULL;
}
