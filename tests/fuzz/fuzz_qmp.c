/*
 * fuzz_qmp.c: the QMP client against a hostile or broken monitor.
 *
 * The input is what the "QEMU" end of the socket says. Its first byte picks
 * how many bytes each read returns (0: all that is left), so the fuzzer also
 * explores replies split across reads; the rest is the byte stream, and the
 * transport reports end of stream after it. A session is a handshake and a
 * few commands, as the prober and the runtime drive it. Nothing may crash,
 * leak or wait: every failure must be an error in the diagnostics.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "runtime/qmp.h"

typedef struct fuzz_stream {
    const uint8_t *data;
    size_t len, off;
    size_t chunk;          /* bytes per read; 0 = everything left */
} fuzz_stream;

/* What the client writes is one JSON command per line; check the framing,
 * since a command built from input (an id, an error class) must not break it. */
static bool fuzz_send(void *opaque, const char *data, size_t len)
{
    (void)opaque;
    FUZZ_REQUIRE(len > 0 && data[len - 1] == '\n', "a command does not end with a newline");
    FUZZ_REQUIRE(memchr(data, '\n', len) == data + len - 1, "a command spans lines");
    return true;
}

static long fuzz_recv(void *opaque, char *buf, size_t cap, int timeout_ms)
{
    fuzz_stream *s = opaque;
    (void)timeout_ms;
    size_t left = s->len - s->off;
    size_t n = s->chunk && s->chunk < left ? s->chunk : left;
    if (n > cap)
        n = cap;
    memcpy(buf, s->data + s->off, n);
    s->off += n;
    return (long)n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init_paths();
    return 0;
}

static void fuzz_command(rt_qmp *m, const char *cmd, json_object *args)
{
    vc_diags d;
    vc_diags_init(&d);
    char *cls = NULL;
    json_object *r = rt_qmp_command(m, cmd, args, &cls, &d);
    FUZZ_REQUIRE(r || d.nerrors > 0, "a failed command has no error");
    FUZZ_REQUIRE(!cls || !r, "a successful command has an error class");
    if (r)
        json_object_put(r);
    free(cls);
    vc_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzz_stream s = { data + 1, size - 1, 0, data[0] };
    rt_qmp_transport t = { .send = fuzz_send, .recv = fuzz_recv, .close = NULL, .opaque = &s };
    rt_qmp *m = rt_qmp_new(&t, 60000);

    vc_diags d;
    vc_diags_init(&d);
    bool ok = rt_qmp_handshake(m, &d);
    FUZZ_REQUIRE(ok || d.nerrors > 0, "a failed handshake has no error");
    FUZZ_REQUIRE(!ok || rt_qmp_greeting(m), "a handshake succeeded without a greeting");
    vc_diags_free(&d);

    /* Carry on after a failure too: a caller may, and the client must cope
     * with a stream that is already at its end. */
    fuzz_command(m, "query-version", NULL);
    json_object *args = json_object_new_object();
    json_object_object_add(args, "type", json_object_new_string("virtio-blk-pci"));
    fuzz_command(m, "device-list-properties", args);
    fuzz_command(m, "query-machines", NULL);
    rt_qmp_free(m);
    return 0;
}
