/*
 * qmp.h: a small client of the QEMU Machine Protocol.
 *
 * QMP is line-oriented JSON: the server greets ({"QMP": ...}), the client
 * must send qmp_capabilities before anything else, and then each command
 * ({"execute": NAME, "arguments": {...}}) is answered by {"return": ...} or
 * {"error": {"class", "desc"}}, with asynchronous {"event": ...} messages
 * interleaved. JSON is handled by json-c; this module only frames lines.
 *
 * The byte stream is a transport (a UNIX socket in production), so unit
 * tests can plug in canned replies and exercise everything above the socket
 * without a QEMU.
 */
#ifndef VIRTC_RT_QMP_H
#define VIRTC_RT_QMP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "../translators/error.h"

typedef struct rt_qmp_transport {
    /* Writes all of data; false (errno set) on failure. */
    bool (*send)(void *opaque, const char *data, size_t len);
    /* Reads up to cap bytes, waiting at most timeout_ms; returns the count,
     * 0 at end of stream, -1 on error or timeout (errno ETIMEDOUT). */
    long (*recv)(void *opaque, char *buf, size_t cap, int timeout_ms);
    /* Releases opaque; may be NULL. */
    void (*close)(void *opaque);
    void *opaque;
} rt_qmp_transport;

typedef struct rt_qmp rt_qmp;

/* A session over t (copied). timeout_ms bounds the whole session: every
 * read waits only for what is left of it. */
rt_qmp *rt_qmp_new(const rt_qmp_transport *t, int timeout_ms);
/* Connects to the UNIX socket at path; NULL with an error in d. */
rt_qmp *rt_qmp_connect_unix(const char *path, int timeout_ms, vc_diags *d);
void rt_qmp_free(rt_qmp *m);

/* Reads the greeting and negotiates (qmp_capabilities). */
bool rt_qmp_handshake(rt_qmp *m, vc_diags *d);
/* rt_qmp_handshake, then the guest set running (cont, sent with
 * qmp_capabilities): true once QEMU says RESUME or answers cont, false
 * with the reason in d. The RESUME event stays for rt_qmp_event. */
bool rt_qmp_handshake_resume(rt_qmp *m, vc_diags *d);

/* Runs cmd with args (taken over, may be NULL). Returns the "return" value,
 * owned by the caller (json_object_put), or NULL with an error in d: the
 * reply's error class and description, or the transport's failure. When
 * err_class is not NULL it receives a copy of the error class (or NULL). */
json_object *rt_qmp_command(rt_qmp *m, const char *cmd, json_object *args,
                            char **err_class, vc_diags *d);

/* A new deadline for the session: timeout_ms from now. */
void rt_qmp_set_timeout(rt_qmp *m, int timeout_ms);

/* The next asynchronous event ({"event": NAME, "data": ...}, owned by the
 * caller), those read during commands first; NULL when none comes within
 * timeout_ms (d untouched) or when the connection failed or closed (the
 * reason in d, rt_qmp_closed tells a hang-up). Resets the deadline. */
json_object *rt_qmp_event(rt_qmp *m, int timeout_ms, vc_diags *d);
/* True once the peer has closed the connection. */
bool rt_qmp_closed(const rt_qmp *m);

/* The greeting's {"QMP": {...}} body (borrowed); NULL before the handshake. */
json_object *rt_qmp_greeting(rt_qmp *m);

#endif
