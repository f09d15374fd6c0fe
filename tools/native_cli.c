/*
 * native_cli.c: what `virtc domxml-to-native` and `virtc domxml-from-native`
 * share: their options, -o / --output-dir / standard input, and the loop
 * over documents. A format only converts one document (native_formats.h).
 */
#include "native_cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../translators/domain_xml.h"
#include "../translators/util.h"

typedef struct native_args {
    const char *verb;
    bool to;                   /* domxml-to-native */
    const native_format *fmt;
    const char *format;
    const char *output;
    const char *output_dir;
    native_opts opts;
    const char **files;
    size_t nfiles;
} native_args;

/* The options, and which verb takes each: a valued option stores into the
 * args at its offset. */
typedef struct native_option {
    const char *name;
    bool to, from;             /* offered by domxml-to-native / -from-native */
    enum { NO_FLAG, NO_STRING, NO_INT } kind;
    size_t offset;
} native_option;

static const native_option native_options[] = {
    { "--caps", true, false, NO_STRING, offsetof(native_args, opts.caps) },
    { "--state-dir", true, false, NO_STRING, offsetof(native_args, opts.state_dir) },
    { "--test-env", true, false, NO_FLAG, offsetof(native_args, opts.test_env) },
    { "--xend-version", true, true, NO_INT, offsetof(native_args, opts.xend_version) },
    { "--directory", false, true, NO_STRING, offsetof(native_args, opts.directory) },
    { "-o", true, true, NO_STRING, offsetof(native_args, output) },
    { "--output-dir", true, true, NO_STRING, offsetof(native_args, output_dir) },
};

static bool native_is_opt(const char *arg, const char *opt)
{
    size_t l = strlen(opt);
    return strncmp(arg, opt, l) == 0 && (arg[l] == '\0' || arg[l] == '=');
}

static int native_set_option(native_args *a, const native_option *o, int argc, char **argv,
                             int *i)
{
    char *field = (char *)a + o->offset;
    if (o->kind == NO_FLAG) {
        if (argv[*i][strlen(o->name)] == '=')
            return cli_usage_error(a->verb, "option '%s' takes no value", o->name);
        *(bool *)field = true;
        return 0;
    }
    const char *v = strchr(argv[*i], '=');
    if (v)
        v++;
    else if (*i + 1 < argc)
        v = argv[++*i];
    if (!v || !*v)
        return cli_usage_error(a->verb, "option '%s' needs a value", o->name);
    if (o->kind == NO_STRING) {
        *(const char **)field = v;
        return 0;
    }
    int n;
    if (!vc_parse_int(v, &n) || n <= 0)
        return cli_usage_error(a->verb, "option '%s' needs a positive number, not '%s'",
                               o->name, v);
    *(int *)field = n;
    return 0;
}

static int native_parse_option(native_args *a, int argc, char **argv, int *i)
{
    for (size_t k = 0; k < VC_ARRAY_SIZE(native_options); k++) {
        const native_option *o = &native_options[k];
        if ((a->to ? o->to : o->from) && native_is_opt(argv[*i], o->name))
            return native_set_option(a, o, argc, argv, i);
    }
    return cli_usage_error(a->verb, "unknown option '%s'", argv[*i]);
}

static int native_parse(native_args *a, int argc, char **argv)
{
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!opts_done && strcmp(arg, "--") == 0) {
            opts_done = true;
        } else if (opts_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (!a->format)
                a->format = arg;
            else
                a->files[a->nfiles++] = arg;
        } else {
            int rc = native_parse_option(a, argc, argv, &i);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* DIR/NAME.EXT for .../NAME.IN (the input's own extension replaced). */
static char *native_out_path(const native_args *a, const char *file)
{
    const char *in_ext = a->to ? ".xml" : NULL;
    const char *ext = a->to ? a->fmt->ext : "xml";
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (in_ext && vc_str_has_suffix(base, in_ext))
        n -= strlen(in_ext);
    else if (!in_ext && vc_str_has_suffix(base, a->fmt->ext) && n > strlen(a->fmt->ext) &&
             base[n - strlen(a->fmt->ext) - 1] == '.')
        n -= strlen(a->fmt->ext) + 1;
    return vc_xasprintf("%s/%.*s.%s", a->output_dir, (int)n, base, ext);
}

/* Two inputs of the same name (a/vm.xml, b/vm.xml) would write the same
 * output, the second silently replacing the first. */
static int native_check_names(const native_args *a)
{
    int rc = 0;
    char **outs = vc_xcalloc(a->nfiles, sizeof(char *));
    for (size_t i = 0; i < a->nfiles && !rc; i++) {
        outs[i] = native_out_path(a, a->files[i]);
        for (size_t j = 0; j < i && !rc; j++)
            if (strcmp(outs[i], outs[j]) == 0)
                rc = cli_usage_error(a->verb, "'%s' and '%s' would both be written to %s",
                                     a->files[j], a->files[i], outs[i]);
    }
    for (size_t i = 0; i < a->nfiles; i++)
        free(outs[i]);
    free(outs);
    return rc;
}

static int native_check(native_args *a)
{
    char *names = native_format_names(a->to);
    int rc = 0;
    if (!a->format) {
        rc = cli_usage_error(a->verb, "missing FORMAT (supported: %s)", names);
    } else {
        a->fmt = native_format_find(a->format);
        if (!a->fmt || !(a->to ? a->fmt->to_native != NULL : a->fmt->from_native != NULL))
            rc = cli_usage_error(a->verb, "unsupported format '%s' (supported: %s)",
                                 a->format, names);
    }
    free(names);
    if (rc)
        return rc;
    if (a->nfiles == 0)
        return cli_usage_error(a->verb, "missing FILE");
    if (!a->output_dir)
        return a->nfiles > 1 ? cli_usage_error(a->verb, "one FILE at a time (or "
                                               "--output-dir DIR FILE...)") : 0;
    if (a->output)
        return cli_usage_error(a->verb, "-o and --output-dir exclude each other");
    for (size_t i = 0; i < a->nfiles; i++)
        if (strcmp(a->files[i], "-") == 0)
            return cli_usage_error(a->verb, "--output-dir needs named files, not '-'");
    return native_check_names(a);
}

/* mkdir -p DIR, new directories 0755 (less the umask). */
static bool native_mkdirs(const char *dir)
{
    char *p = vc_xstrdup(dir);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        bool end = *s == '\0';
        if (*s == '/' || end) {
            *s = '\0';
            struct stat st;
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                ok = false;
            else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
                ok = (errno = ENOTDIR, false);
            if (end)
                break;
            *s = '/';
        }
    }
    if (!ok)
        fprintf(stderr, "virtc: error: creating %s: %s\n", p, strerror(errno));
    free(p);
    return ok;
}

/* The whole input through the one reader (util.h): NUL-terminated, at
 * most VC_READ_MAX bytes; NULL with a located error. A named input must be
 * a regular file, so a FIFO or a device named by mistake cannot hang or
 * flood the run; standard input is whatever it is. */
static char *native_read(const char *path, const char *name, size_t *len, vc_diags *d)
{
    int err = 0;
    char *text = vc_read_input(path, strcmp(path, "-") == 0 ? 0 : VC_READ_REGULAR, len, &err);
    if (!text) {
        vc_loc loc = { name, 0, 0 };
        vc_error_at(d, loc, "cannot read: %s", vc_read_strerror(err));
    }
    return text;
}

static char *native_to(const native_args *a, native_ctx *ctx, const char *file, vc_diags *d)
{
    ir_domain *dom = xml_domain_parse_file(file, d);
    if (!dom)
        return NULL;
    native_opts o = a->opts;
    o.file = file;
    char *out = a->fmt->to_native(dom, &o, ctx, d);
    ir_domain_free(dom);
    return out;
}

/* The domain read from native text, formatted; the result goes through the
 * XML front end again, so what is printed is known to validate against the
 * domain schema and to lower. */
static char *native_from(const native_args *a, const char *file, vc_diags *d)
{
    bool in = strcmp(file, "-") == 0;
    native_opts o = a->opts;
    o.file = in ? "<stdin>" : file;
    size_t len;
    char *text = native_read(file, o.file, &len, d);
    if (!text)
        return NULL;
    ir_domain *dom = a->fmt->from_native(text, len, &o, d);
    free(text);
    if (!dom)
        return NULL;
    char *xml = xml_domain_format(dom);
    ir_domain_free(dom);
    vc_diags check;
    vc_diags_init(&check);
    ir_domain *again = xml_domain_parse(o.file, xml, strlen(xml), &check);
    if (!again) {
        vc_loc loc = { o.file, 0, 0 };
        vc_error_at(d, loc, "internal error: the domain read from %s does not validate "
                    "(%s)", a->fmt->name, check.n ? check.v[0].message : "no detail");
        free(xml);
        xml = NULL;
    }
    ir_domain_free(again);
    vc_diags_free(&check);
    return xml;
}

static int native_run(const native_args *a, native_ctx *ctx)
{
    int status = 0;
    for (size_t i = 0; i < a->nfiles; i++) {
        vc_diags d;
        vc_diags_init(&d);
        char *out = a->to ? native_to(a, ctx, a->files[i], &d) : native_from(a, a->files[i], &d);
        int rc = cli_report(&d);
        vc_diags_free(&d);
        if (out) {
            char *path = a->output_dir ? native_out_path(a, a->files[i]) : NULL;
            rc = cli_write_output(path ? path : a->output, out);
            free(path);
            free(out);
        } else if (rc == 0) {
            rc = VC_ERR_INVALID;   /* a converter that failed without saying why */
        }
        /* The worst status wins: I/O failure over invalid input. */
        if (rc > status)
            status = rc;
    }
    return status;
}

int native_cli(const char *verb, bool to, int argc, char **argv)
{
    native_args a = { .verb = verb, .to = to };
    a.files = vc_xcalloc((size_t)argc, sizeof(char *));
    int rc = native_parse(&a, argc, argv);
    if (!rc)
        rc = native_check(&a);
    if (!rc && a.output_dir && !native_mkdirs(a.output_dir))
        rc = VC_ERR_RUNTIME;
    if (rc) {
        free(a.files);
        return rc;
    }
    native_ctx ctx = { 0 };
    vc_diags d;
    vc_diags_init(&d);
    if (a.fmt->prepare && !a.fmt->prepare(&a.opts, &ctx, &d)) {
        rc = cli_report(&d);
        if (vc_diags_code(&d) == VC_ERR_USAGE)
            fprintf(stderr, "Try 'virtc %s --help'.\n", verb);
    } else {
        rc = native_run(&a, &ctx);
    }
    if (a.fmt->release)
        a.fmt->release(&ctx);
    vc_diags_free(&d);
    free(a.files);
    return rc;
}
