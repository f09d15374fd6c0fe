/*
 * native_qemu.c: the qemu-argv row of the native-format table.
 *
 * To write a command line the emitter needs to know what the target QEMU
 * accepts: --caps names a profile (translators/qemu/profiles/NAME.xml) or
 * a capabilities file; without it, each domain's emulator is probed
 * (cached on disk by probe.c, and once per run here, so a batch reads
 * each emulator's cache file once, not per document).
 *
 * The qemu.conf keys that change the command line (vnc_listen,
 * spice_listen) come from --config FILE or $VIRTC_QEMU_CONF, read by the
 * runtime's reader; without either, libvirt's defaults (no host file is
 * read: a conversion does not depend on the machine it runs on).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "native_formats.h"
#include "../translators/qemu/argv.h"
#include "../translators/qemu/caps.h"
#include "../translators/qemu/probe.h"
#include "../translators/util.h"
#include "../runtime/qemuconf.h"

typedef struct nq_state {
    qemu_caps *named;          /* --caps, or NULL: probe */
    char **paths;              /* probed emulators ... */
    qemu_caps **caps;          /* ... and their capabilities */
    size_t n, cap, capc;
    rt_qemuconf conf;          /* qemu.conf, when one is named */
    bool has_conf;
} nq_state;

/* A path when it looks like one; a profile name otherwise. */
static qemu_caps *nq_load(const char *spec, vc_diags *d)
{
    if (strchr(spec, '/') || vc_str_has_suffix(spec, ".xml"))
        return qemu_caps_load_file(spec, d);
    return qemu_caps_load_profile(spec, d);
}

static bool nq_prepare(const native_opts *o, native_ctx *ctx, vc_diags *d)
{
    nq_state *s = vc_xcalloc(1, sizeof(*s));
    ctx->state = s;
    if (o->caps && !(s->named = nq_load(o->caps, d)))
        return false;
    const char *env = getenv("VIRTC_QEMU_CONF");
    if (o->config || (env && *env)) {
        s->has_conf = true;
        if (!rt_qemuconf_load(&s->conf, o->config, false, d))
            return false;
    }
    return true;
}

static void nq_release(native_ctx *ctx)
{
    nq_state *s = ctx->state;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->paths[i]);
        qemu_caps_free(s->caps[i]);
    }
    free(s->paths);
    free(s->caps);
    qemu_caps_free(s->named);
    if (s->has_conf)
        rt_qemuconf_free(&s->conf);
    free(s);
    ctx->state = NULL;
}

/* The emulator a domain runs on: its <emulator>, else the default binary of
 * its architecture (i686 runs on qemu-system-i386, or on x86_64's). */
static char *nq_emulator(const ir_domain *dom)
{
    if (dom->emulator)
        return vc_xstrdup(dom->emulator);
    const char *arch = dom->os.arch ? dom->os.arch : "x86_64";
    bool x86_32 = strcmp(arch, "i686") == 0 || strcmp(arch, "i386") == 0;
    char *path = vc_xasprintf("/usr/bin/qemu-system-%s", x86_32 ? "i386" : arch);
    if (x86_32 && access(path, X_OK) != 0) {
        free(path);
        path = vc_xstrdup("/usr/bin/qemu-system-x86_64");
    }
    return path;
}

/* Without --caps: the probed (cached) capabilities of the domain's
 * emulator, owned by the run's state. */
static const qemu_caps *nq_probe(const ir_domain *dom, const char *file, nq_state *s,
                                 vc_diags *d)
{
    char *emu = nq_emulator(dom);
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->paths[i], emu) == 0) {
            free(emu);
            return s->caps[i];
        }
    if (access(emu, X_OK) != 0) {
        vc_loc loc = { file, dom->pos.line, dom->pos.column };
        vc_error_at(d, loc, "emulator '%s' not found; name the QEMU's capabilities with "
                    "--caps NAME|PATH (e.g. --caps qemu-7.2)", emu);
        free(emu);
        return NULL;
    }
    qemu_caps *probed = qemu_probe_cached(emu, d);
    if (!probed) {
        free(emu);
        return NULL;
    }
    vc_xgrow((void **)&s->paths, &s->cap, s->n + 1, sizeof(char *));
    vc_xgrow((void **)&s->caps, &s->capc, s->n + 1, sizeof(qemu_caps *));
    s->paths[s->n] = emu;
    s->caps[s->n++] = probed;
    return probed;
}

static char *nq_to_native(const ir_domain *dom, const native_opts *o, native_ctx *ctx,
                          vc_diags *d)
{
    nq_state *s = ctx->state;
    const qemu_caps *caps = s->named ? s->named : nq_probe(dom, o->file, s, d);
    if (!caps)
        return NULL;
    qemu_argv_opts opts = { .file = o->file, .test_env = o->test_env,
                            .state_dir = o->state_dir };
    if (s->has_conf) {
        opts.vnc_listen = s->conf.vnc_listen;
        opts.spice_listen = s->conf.spice_listen;
    }
    qemu_launch *l = qemu_argv_build(dom, caps, &opts, d);
    if (!l)
        return NULL;
    vc_diags_append(d, &l->warnings);
    char *line = qemu_launch_render(l);
    qemu_launch_free(l);
    /* the line ends with a newline: appended in place, as the line may be
     * megabytes (a domain of thousands of devices) */
    size_t n = strlen(line);
    line = vc_xrealloc(line, n + 2);
    memcpy(line + n, "\n", 2);
    return line;
}

/* tools/native_qemu_read.c */
ir_domain *native_qemu_from_native(const char *text, size_t len, const native_opts *o,
                                   vc_diags *d);

const native_format native_qemu_argv = {
    .name = "qemu-argv",
    .ext = "args",
    .prepare = nq_prepare,
    .release = nq_release,
    .to_native = nq_to_native,
    .from_native = native_qemu_from_native,
};
