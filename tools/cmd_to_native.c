/*
 * cmd_to_native.c: `virtc domxml-to-native FORMAT FILE|-`: a domain
 * document to a hypervisor's native configuration.
 *
 * qemu-argv needs to know what the target QEMU accepts: --caps names a
 * profile (translators/qemu/profiles/NAME.xml) or a capabilities file;
 * without it, the domain's emulator is probed (cached, see probe.h).
 */
#include <unistd.h>

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../translators/domain_xml.h"
#include "../translators/qemu/argv.h"
#include "../translators/qemu/caps.h"
#include "../translators/qemu/probe.h"
#include "../translators/util.h"

static const char *const to_native_formats[] = { "qemu-argv" };

typedef struct to_native_args {
    const char *format;
    const char *caps;
    const char *output;
    const char *output_dir;
    const char *state_dir;
    bool test_env;
    const char **files;
    size_t nfiles;
} to_native_args;

static void to_native_help(void)
{
    fputs("usage: virtc domxml-to-native FORMAT [options] FILE|-\n"
          "       virtc domxml-to-native FORMAT [options] --output-dir DIR FILE...\n\n"
          "Converts a domain document to a native configuration and prints it.\n"
          "FORMAT is qemu-argv: one shell line, the environment then the QEMU command.\n\n"
          "options:\n"
          "  --caps NAME|PATH   what the QEMU accepts: a profile name (e.g. legacy)\n"
          "                     or a capabilities XML file; default: probe the\n"
          "                     domain's <emulator> (or /usr/bin/qemu-system-ARCH)\n"
          "  --test-env         the fixed environment of the tests (LC_ALL=C\n"
          "                     PATH=/usr/bin:/bin HOME=/home/test USER=test LOGNAME=test)\n"
          "  --state-dir DIR    the guest's state directory: the monitor socket and\n"
          "                     the sockets of channels without a path go there\n"
          "                     (default: /var/lib/libvirt/qemu/domain-ID-NAME)\n"
          "  -o FILE            write to FILE instead of standard output\n"
          "  --output-dir DIR   convert every FILE, writing DIR/NAME.args for NAME.xml;\n"
          "                     each file's errors are reported and the others go on\n"
          "  -h, --help         this text\n\n"
          "Exit status: 0 ok, 1 invalid input, 2 wrong usage, 3 I/O failure.\n", stdout);
}

static const char *to_native_value(int argc, char **argv, int *i, const char *opt)
{
    size_t l = strlen(opt);
    if (strncmp(argv[*i], opt, l) == 0 && argv[*i][l] == '=')
        return argv[*i] + l + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool to_native_is_opt(const char *arg, const char *opt)
{
    size_t l = strlen(opt);
    return strncmp(arg, opt, l) == 0 && (arg[l] == '\0' || arg[l] == '=');
}

static int to_native_parse(int argc, char **argv, to_native_args *a)
{
    static const char *const valued[] = { "--caps", "-o", "--output-dir", "--state-dir" };
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!opts_done && strcmp(arg, "--") == 0) {
            opts_done = true;
            continue;
        }
        if (opts_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (!a->format)
                a->format = arg;
            else
                a->files[a->nfiles++] = arg;
            continue;
        }
        if (strcmp(arg, "--test-env") == 0) {
            a->test_env = true;
            continue;
        }
        const char **slot[] = { &a->caps, &a->output, &a->output_dir, &a->state_dir };
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(valued) && !to_native_is_opt(arg, valued[k]))
            k++;
        if (k == VC_ARRAY_SIZE(valued))
            return cli_usage_error("domxml-to-native", "unknown option '%s'", arg);
        const char *v = to_native_value(argc, argv, &i, valued[k]);
        if (!v || !*v)
            return cli_usage_error("domxml-to-native", "option '%s' needs a value", valued[k]);
        *slot[k] = v;
    }
    return 0;
}

static char *to_native_out_path(const char *dir, const char *file);

/* Two inputs of the same name (a/vm.xml, b/vm.xml) would write the same
 * DIR/vm.args, the second silently replacing the first. */
static int to_native_check_names(const to_native_args *a)
{
    int rc = 0;
    char **outs = vc_xcalloc(a->nfiles, sizeof(char *));
    for (size_t i = 0; i < a->nfiles && !rc; i++) {
        outs[i] = to_native_out_path(a->output_dir, a->files[i]);
        for (size_t j = 0; j < i && !rc; j++)
            if (strcmp(outs[i], outs[j]) == 0)
                rc = cli_usage_error("domxml-to-native", "'%s' and '%s' would both be "
                                     "written to %s", a->files[j], a->files[i], outs[i]);
    }
    for (size_t i = 0; i < a->nfiles; i++)
        free(outs[i]);
    free(outs);
    return rc;
}

static int to_native_check(const to_native_args *a)
{
    if (!a->format)
        return cli_usage_error("domxml-to-native", "missing FORMAT (supported: qemu-argv)");
    bool known = false;
    for (size_t i = 0; i < VC_ARRAY_SIZE(to_native_formats); i++)
        known = known || strcmp(a->format, to_native_formats[i]) == 0;
    if (!known)
        return cli_usage_error("domxml-to-native", "unsupported format '%s' (supported: "
                               "qemu-argv)", a->format);
    if (a->nfiles == 0)
        return cli_usage_error("domxml-to-native", "missing FILE");
    if (a->output_dir) {
        if (a->output)
            return cli_usage_error("domxml-to-native", "-o and --output-dir exclude each other");
        for (size_t i = 0; i < a->nfiles; i++)
            if (strcmp(a->files[i], "-") == 0)
                return cli_usage_error("domxml-to-native", "--output-dir needs named files, "
                                       "not '-'");
        return to_native_check_names(a);
    } else if (a->nfiles > 1) {
        return cli_usage_error("domxml-to-native", "one FILE at a time (or --output-dir DIR "
                               "FILE...)");
    }
    return 0;
}

/* A path when it looks like one; a profile name otherwise. */
static qemu_caps *to_native_caps(const char *spec, vc_diags *d)
{
    if (strchr(spec, '/') || vc_str_has_suffix(spec, ".xml"))
        return qemu_caps_load_file(spec, d);
    return qemu_caps_load_profile(spec, d);
}

/* The emulator a domain runs on: its <emulator>, else the default binary of
 * its architecture (i686 runs on qemu-system-i386, or on x86_64's). */
static char *to_native_emulator(const ir_domain *dom)
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

/* The capabilities probed during this run, by emulator path: a batch
 * (--output-dir) reads each emulator's cache file once, not per document. */
typedef struct to_native_probes {
    char **paths;
    qemu_caps **caps;
    size_t n, cap, capc;
} to_native_probes;

static void to_native_probes_free(to_native_probes *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->paths[i]);
        qemu_caps_free(p->caps[i]);
    }
    free(p->paths);
    free(p->caps);
}

/* Without --caps: the probed (cached) capabilities of the domain's emulator,
 * owned by probes. */
static const qemu_caps *to_native_probe(const ir_domain *dom, const char *file,
                                        to_native_probes *probes, vc_diags *d)
{
    char *emu = to_native_emulator(dom);
    const qemu_caps *caps = NULL;
    for (size_t i = 0; i < probes->n && !caps; i++)
        if (strcmp(probes->paths[i], emu) == 0)
            caps = probes->caps[i];
    if (caps) {
        free(emu);
        return caps;
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
    vc_xgrow((void **)&probes->paths, &probes->cap, probes->n + 1, sizeof(char *));
    vc_xgrow((void **)&probes->caps, &probes->capc, probes->n + 1, sizeof(qemu_caps *));
    probes->paths[probes->n] = emu;
    probes->caps[probes->n++] = probed;
    return probed;
}

/* The rendered line plus newline, or NULL with diagnostics (warnings too). */
static char *to_native_convert(const char *file, const qemu_caps *caps,
                               const to_native_args *a, to_native_probes *probes, vc_diags *d)
{
    ir_domain *dom = xml_domain_parse_file(file, d);
    if (!dom)
        return NULL;
    if (!caps)
        caps = to_native_probe(dom, file, probes, d);
    if (!caps) {
        ir_domain_free(dom);
        return NULL;
    }
    qemu_argv_opts opts = { .file = file, .test_env = a->test_env, .state_dir = a->state_dir };
    qemu_launch *l = qemu_argv_build(dom, caps, &opts, d);
    ir_domain_free(dom);
    if (!l)
        return NULL;
    vc_diags_append(d, &l->warnings);
    char *line = qemu_launch_render(l);
    qemu_launch_free(l);
    char *out = vc_xasprintf("%s\n", line);
    free(line);
    return out;
}

/* DIR/NAME.args for .../NAME.xml */
static char *to_native_out_path(const char *dir, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (vc_str_has_suffix(base, ".xml"))
        n -= 4;
    return vc_xasprintf("%s/%.*s.args", dir, (int)n, base);
}

static int to_native_run(const to_native_args *a, const qemu_caps *caps)
{
    int status = 0;
    to_native_probes probes = { 0 };
    for (size_t i = 0; i < a->nfiles; i++) {
        vc_diags d;
        vc_diags_init(&d);
        char *out = to_native_convert(a->files[i], caps, a, &probes, &d);
        int rc = cli_report(&d);
        vc_diags_free(&d);
        if (out) {
            char *path = a->output_dir ? to_native_out_path(a->output_dir, a->files[i]) : NULL;
            rc = cli_write_output(path ? path : a->output, out);
            free(path);
            free(out);
        }
        /* The worst status wins: I/O failure over invalid input. */
        if (rc > status)
            status = rc;
    }
    to_native_probes_free(&probes);
    return status;
}

int cmd_domxml_to_native(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        to_native_help();
        return 0;
    }
    to_native_args a = { 0 };
    a.files = vc_xcalloc((size_t)argc, sizeof(char *));
    int rc = to_native_parse(argc, argv, &a);
    if (!rc)
        rc = to_native_check(&a);
    if (rc) {
        free(a.files);
        return rc;
    }
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *caps = a.caps ? to_native_caps(a.caps, &d) : NULL;
    if (a.caps && !caps) {
        rc = cli_report(&d);
        if (vc_diags_code(&d) == VC_ERR_USAGE)
            fputs("Try 'virtc domxml-to-native --help'.\n", stderr);
    } else {
        rc = to_native_run(&a, caps);
    }
    vc_diags_free(&d);
    qemu_caps_free(caps);
    free(a.files);
    return rc;
}
