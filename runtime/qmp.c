/* qmp.c: QMP framing over a transport (see qmp.h). */
#include "qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../translators/util.h"

/* query-qmp-schema is the largest reply we ask for (~200 KiB on QEMU 7.2);
 * anything far beyond that is a runaway peer, not a reply. */
#define QMP_MAX_LINE (64u * 1024 * 1024)

struct rt_qmp {
    rt_qmp_transport t;
    long long deadline_ms;    /* CLOCK_MONOTONIC */
    vc_buf in;                /* bytes received and not yet consumed */
    size_t in_off;            /* start of the unconsumed part of in */
    json_object *greeting;
    unsigned long next_id;
    /* events read while waiting for a reply, oldest first */
    json_object **events;
    size_t nevents, capevents;
    bool closed;              /* the peer hung up */
};

static long long qmp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

rt_qmp *rt_qmp_new(const rt_qmp_transport *t, int timeout_ms)
{
    rt_qmp *m = vc_xcalloc(1, sizeof(*m));
    m->t = *t;
    m->deadline_ms = qmp_now_ms() + timeout_ms;
    vc_buf_init(&m->in);
    return m;
}

void rt_qmp_free(rt_qmp *m)
{
    if (!m)
        return;
    if (m->t.close)
        m->t.close(m->t.opaque);
    vc_buf_free(&m->in);
    if (m->greeting)
        json_object_put(m->greeting);
    for (size_t i = 0; i < m->nevents; i++)
        json_object_put(m->events[i]);
    free(m->events);
    free(m);
}

void rt_qmp_set_timeout(rt_qmp *m, int timeout_ms)
{
    m->deadline_ms = qmp_now_ms() + timeout_ms;
}

bool rt_qmp_closed(const rt_qmp *m)
{
    return m->closed;
}

/* Drops the consumed prefix once it dominates the buffer, so a long session
 * does not keep every reply it ever read. */
static void qmp_compact(rt_qmp *m)
{
    if (m->in_off == 0 || m->in_off < m->in.len / 2)
        return;
    memmove(m->in.data, m->in.data + m->in_off, m->in.len - m->in_off + 1);
    m->in.len -= m->in_off;
    m->in_off = 0;
}

/* The next complete line, NUL-terminated in place (without "\r\n");
 * NULL after reporting end of stream, timeout or an oversized line. */
static char *qmp_read_line(rt_qmp *m, vc_diags *d)
{
    for (;;) {
        char *start = m->in.data ? m->in.data + m->in_off : NULL;
        char *nl = start ? memchr(start, '\n', m->in.len - m->in_off) : NULL;
        if (nl) {
            *nl = '\0';
            m->in_off = (size_t)(nl - m->in.data) + 1;
            if (nl > start && nl[-1] == '\r')
                nl[-1] = '\0';
            return start;
        }
        if (m->in.len - m->in_off > QMP_MAX_LINE) {
            vc_runtime_error(d, "QMP: reply longer than %u bytes", QMP_MAX_LINE);
            return NULL;
        }
        qmp_compact(m);
        long long left = m->deadline_ms - qmp_now_ms();
        if (left <= 0) {
            vc_runtime_error(d, "QMP: timed out waiting for QEMU");
            return NULL;
        }
        char chunk[65536];
        long n = m->t.recv(m->t.opaque, chunk, sizeof(chunk), (int)left);
        if (n == 0) {
            m->closed = true;
            vc_runtime_error(d, "QMP: QEMU closed the monitor connection");
            return NULL;
        }
        if (n < 0) {
            if (errno == ETIMEDOUT)
                vc_runtime_error(d, "QMP: timed out waiting for QEMU");
            else
                vc_runtime_error(d, "QMP: reading from QEMU: %s", strerror(errno));
            return NULL;
        }
        vc_buf_add(&m->in, chunk, (size_t)n);
    }
}

/* The next message as a JSON object; blank lines are skipped. */
static json_object *qmp_read_message(rt_qmp *m, vc_diags *d)
{
    for (;;) {
        char *line = qmp_read_line(m, d);
        if (!line)
            return NULL;
        if (line[strspn(line, " \t")] == '\0')
            continue;
        enum json_tokener_error jerr;
        json_tokener *tok = json_tokener_new();
        if (!tok) {
            vc_runtime_error(d, "QMP: out of memory");
            return NULL;
        }
        json_object *o = json_tokener_parse_ex(tok, line, (int)strlen(line));
        jerr = json_tokener_get_error(tok);
        size_t used = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        if (jerr != json_tokener_success || !o) {
            if (o)
                json_object_put(o);
            vc_runtime_error(d, "QMP: malformed reply from QEMU (%s): %.80s",
                     jerr == json_tokener_continue ? "incomplete JSON"
                                                   : json_tokener_error_desc(jerr),
                     line);
            return NULL;
        }
        if (line[used + strspn(line + used, " \t")] != '\0' ||
            !json_object_is_type(o, json_type_object)) {
            json_object_put(o);
            vc_runtime_error(d, "QMP: malformed reply from QEMU (not one JSON object): %.80s", line);
            return NULL;
        }
        return o;
    }
}

static char *qmp_error_text(json_object *err, char **cls_out)
{
    json_object *cls = NULL, *desc = NULL;
    if (json_object_is_type(err, json_type_object)) {
        json_object_object_get_ex(err, "class", &cls);
        json_object_object_get_ex(err, "desc", &desc);
    }
    const char *c = cls ? json_object_get_string(cls) : "GenericError";
    if (cls_out)
        *cls_out = vc_xstrdup(c);
    return vc_xasprintf("%s (%s)", desc ? json_object_get_string(desc) : "no description", c);
}

/* Reads the greeting into m->greeting. */
static bool qmp_greeting(rt_qmp *m, vc_diags *d)
{
    json_object *g;
    /* Events cannot precede the greeting, but be lenient and skip them. */
    for (;;) {
        g = qmp_read_message(m, d);
        if (!g)
            return false;
        if (!json_object_object_get_ex(g, "event", NULL))
            break;
        json_object_put(g);
    }
    json_object *body;
    if (!json_object_object_get_ex(g, "QMP", &body) ||
        !json_object_is_type(body, json_type_object)) {
        json_object_put(g);
        return vc_runtime_error(d, "QMP: the peer did not greet with {\"QMP\": ...}; is it a QEMU monitor?");
    }
    if (m->greeting)
        json_object_put(m->greeting);
    m->greeting = json_object_get(body);
    json_object_put(g);
    return true;
}

/* Sends cmd with args (taken over, may be NULL) under a new id; the id
 * (caller frees), or NULL with the error in d. */
static char *qmp_send(rt_qmp *m, const char *cmd, json_object *args, vc_diags *d)
{
    char *id = vc_xasprintf("virtc-%lu", ++m->next_id);
    json_object *req = json_object_new_object();
    json_object_object_add(req, "execute", json_object_new_string(cmd));
    if (args)
        json_object_object_add(req, "arguments", args);
    json_object_object_add(req, "id", json_object_new_string(id));
    const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
    char *line = vc_xasprintf("%s\n", text);
    json_object_put(req);
    bool sent = m->t.send(m->t.opaque, line, strlen(line));
    free(line);
    if (!sent) {
        vc_runtime_error(d, "QMP: sending '%s' to QEMU: %s", cmd, strerror(errno));
        free(id);
        return NULL;
    }
    return id;
}

/* Waits for the reply to cmd (sent as id): its "return" value (caller
 * puts), or NULL with the error in d. Events are kept for rt_qmp_event;
 * one named until (NULL: none) ends the wait at once, NULL returned with
 * *got_until set. */
static json_object *qmp_reply(rt_qmp *m, const char *cmd, const char *id, const char *until,
                              bool *got_until, char **err_class, vc_diags *d)
{
    json_object *result = NULL;
    for (;;) {
        json_object *msg = qmp_read_message(m, d);
        if (!msg)
            break;
        json_object *rid, *ret, *err, *ev;
        /* Events wait for rt_qmp_event; replies to someone else's command
         * are skipped (there is no one else on our private socket, but the
         * id makes it checkable). */
        if (json_object_object_get_ex(msg, "event", &ev)) {
            vc_xgrow((void **)&m->events, &m->capevents, m->nevents + 1, sizeof(*m->events));
            m->events[m->nevents++] = msg;
            if (until && vc_streq(json_object_get_string(ev), until)) {
                *got_until = true;
                return NULL;
            }
            continue;
        }
        if (json_object_object_get_ex(msg, "id", &rid) &&
            !vc_streq(json_object_get_string(rid), id)) {
            json_object_put(msg);
            continue;
        }
        if (json_object_object_get_ex(msg, "return", &ret)) {
            /* "return": null is malformed; every command returns an object
             * or an array, and NULL here would be a failure without a reason. */
            result = json_object_get(ret);
            if (!result)
                vc_runtime_error(d, "QMP: reply to '%s' returns null", cmd);
        } else if (json_object_object_get_ex(msg, "error", &err)) {
            char *why = qmp_error_text(err, err_class);
            vc_runtime_error(d, "QMP: '%s' failed: %s", cmd, why);
            free(why);
        } else {
            vc_runtime_error(d, "QMP: reply to '%s' has neither \"return\" nor \"error\"", cmd);
        }
        json_object_put(msg);
        break;
    }
    return result;
}

bool rt_qmp_handshake(rt_qmp *m, vc_diags *d)
{
    if (!qmp_greeting(m, d))
        return false;
    json_object *r = rt_qmp_command(m, "qmp_capabilities", NULL, NULL, d);
    if (!r)
        return false;
    json_object_put(r);
    return true;
}

bool rt_qmp_handshake_resume(rt_qmp *m, vc_diags *d)
{
    if (!qmp_greeting(m, d))
        return false;
    /* Both at once: QEMU runs a monitor's commands in order, so cont is
     * taken in command mode, and no round trip is spent between them. */
    char *caps = qmp_send(m, "qmp_capabilities", NULL, d);
    char *cont = caps ? qmp_send(m, "cont", NULL, d) : NULL;
    json_object *r = cont ? qmp_reply(m, "qmp_capabilities", caps, NULL, NULL, NULL, d) : NULL;
    bool resumed = false, answered = false;
    if (r) {
        json_object_put(r);
        /* QEMU says RESUME as it sets the machine running, before its
         * vCPUs (busy at once under TCG) can delay the reply; a cont
         * that fails has a reply and no RESUME. */
        r = qmp_reply(m, "cont", cont, "RESUME", &resumed, NULL, d);
        answered = r != NULL;
        if (r)
            json_object_put(r);
    }
    free(caps);
    free(cont);
    return answered || resumed;
}

json_object *rt_qmp_greeting(rt_qmp *m)
{
    return m->greeting;
}

json_object *rt_qmp_command(rt_qmp *m, const char *cmd, json_object *args,
                            char **err_class, vc_diags *d)
{
    if (err_class)
        *err_class = NULL;
    char *id = qmp_send(m, cmd, args, d);
    json_object *result = id ? qmp_reply(m, cmd, id, NULL, NULL, err_class, d) : NULL;
    free(id);
    return result;
}

json_object *rt_qmp_event(rt_qmp *m, int timeout_ms, vc_diags *d)
{
    if (m->nevents > 0) {
        json_object *e = m->events[0];
        memmove(m->events, m->events + 1, (m->nevents - 1) * sizeof(*m->events));
        m->nevents--;
        return e;
    }
    if (m->closed)
        return NULL;
    rt_qmp_set_timeout(m, timeout_ms);
    for (;;) {
        vc_diags tmp;
        vc_diags_init(&tmp);
        json_object *msg = qmp_read_message(m, &tmp);
        /* a timeout is no error here: nothing happened */
        if (!msg && m->closed == false && m->deadline_ms <= qmp_now_ms()) {
            vc_diags_free(&tmp);
            return NULL;
        }
        vc_diags_append(d, &tmp);
        vc_diags_free(&tmp);
        if (!msg)
            return NULL;
        if (json_object_object_get_ex(msg, "event", NULL))
            return msg;
        json_object_put(msg);   /* a late reply nobody waits for */
    }
}

/* The UNIX socket transport. */

typedef struct qmp_sock {
    int fd;
} qmp_sock;

static bool qmp_sock_send(void *opaque, const char *data, size_t len)
{
    qmp_sock *s = opaque;
    while (len > 0) {
        ssize_t n = send(s->fd, data, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static long qmp_sock_recv(void *opaque, char *buf, size_t cap, int timeout_ms)
{
    qmp_sock *s = opaque;
    struct pollfd p = { .fd = s->fd, .events = POLLIN };
    for (;;) {
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        ssize_t n = read(s->fd, buf, cap);
        if (n < 0 && errno == EINTR)
            continue;
        return (long)n;
    }
}

static void qmp_sock_close(void *opaque)
{
    qmp_sock *s = opaque;
    close(s->fd);
    free(s);
}

rt_qmp *rt_qmp_connect_unix(const char *path, int timeout_ms, vc_diags *d)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path)) {
        vc_runtime_error(d, "QMP: socket path too long: %s", path);
        return NULL;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vc_runtime_error(d, "QMP: socket: %s", strerror(errno));
        return NULL;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        vc_runtime_error(d, "QMP: connecting to %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    qmp_sock *s = vc_xmalloc(sizeof(*s));
    s->fd = fd;
    rt_qmp_transport t = {
        .send = qmp_sock_send, .recv = qmp_sock_recv, .close = qmp_sock_close, .opaque = s,
    };
    return rt_qmp_new(&t, timeout_ms);
}
