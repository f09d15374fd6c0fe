/*
 * cmd_validate.c: `virtc validate`, the linter for CI.
 *
 *   virtc validate [--type KIND] [--format gcc|junit|github|sarif] [-j N] [-q] PATH...
 *   virtc validate FILE KIND            (virt-xml-validate's order)
 *
 * Every file is checked whatever the others did; results come out in input
 * order whatever -j is. Exit status: 0 all passed, 1 some file failed,
 * 2 wrong usage, 3 a schema (or the report stylesheet) could not be loaded.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../translators/util.h"
#include "cli.h"
#include "validate.h"

/* More threads than this buys nothing on any CI runner and only costs
 * memory (each holds a document). */
#define VALIDATE_MAX_JOBS 256

static void validate_help(void)
{
    size_t nkinds;
    const vc_schema_kind *kinds = vc_schema_kinds(&nkinds);
    fputs("usage: virtc validate [--type KIND] [--format gcc|junit|github|sarif] [-j N] [-q] PATH...\n"
          "       virtc validate FILE KIND\n\n"
          "Checks documents against the schema of their kind, and domains also\n"
          "against what the compiler needs (the IR lowering). A PATH is a file, '-'\n"
          "for standard input, or a directory, whose *.xml files are checked\n"
          "recursively in sorted order (hidden entries and links to directories\n"
          "are skipped). Documents over 10 MiB are refused.\n\n"
          "  -t, --type KIND      check every file as KIND instead of detecting it from\n"
          "                       the root element\n"
          "  -f, --format FORMAT  gcc (default): 'file:line:column: error: message' on\n"
          "                       stderr; github: '::error file=F,line=L,col=C::message'\n"
          "                       workflow commands on stdout; junit: a JUnit XML report\n"
          "                       on stdout (and the gcc lines on stderr); sarif: a\n"
          "                       SARIF 2.1.0 log on stdout, for code-scanning\n"
          "                       dashboards (and the gcc lines on stderr)\n"
          "  -j, --jobs N         check N files at a time (default 1); the output does\n"
          "                       not depend on N\n"
          "  -q, --quiet          no 'N files checked, N failed' summary on stderr\n\n"
          "Kinds (FILE KIND is virt-xml-validate's order for --type KIND FILE):\n ", stdout);
    size_t col = 1;
    for (size_t i = 0; i < nkinds; i++) {
        size_t w = strlen(kinds[i].name) + 1;
        if (col + w > 76) {
            fputs("\n ", stdout);
            col = 1;
        }
        printf(" %s", kinds[i].name);
        col += w;
    }
    fputs("\n\nExit status: 0 all valid, 1 some file invalid or unreadable, 2 wrong usage,\n"
          "3 a schema could not be loaded.\n", stdout);
}

typedef struct validate_run {
    val_report *report;
    size_t checked, failed;
    bool not_checked;
    bool *schema_told;        /* per kind: its load errors were printed */
} validate_run;

/* A kind whose schema does not load: say why once, at the first file that
 * needed it. */
static void validate_tell_schema(validate_run *run, const vc_schema_kind *kind)
{
    size_t nkinds;
    const vc_schema_kind *kinds = vc_schema_kinds(&nkinds);
    size_t k = (size_t)(kind - kinds);
    if (run->schema_told[k])
        return;
    run->schema_told[k] = true;
    vc_diags d;
    vc_diags_init(&d);
    vc_schema_preload(kind, &d);
    vc_diags_print(stderr, &d);
    vc_diags_free(&d);
}

static void validate_done(val_file *f, void *user)
{
    validate_run *run = user;
    run->checked++;
    if (f->status != VAL_PASSED)
        run->failed++;
    if (f->status == VAL_NOT_CHECKED) {
        run->not_checked = true;
        validate_tell_schema(run, f->kind);
    }
    val_report_file(run->report, f);
    /* stderr is block-buffered for the run: one write per file, not one
     * per fragment of a message, and still streamed file by file. */
    fflush(stderr);
    /* Printed: the diagnostics are not needed any more. */
    vc_diags_free(&f->diags);
}

typedef struct validate_opts {
    const char *type;
    val_format format;
    int jobs;
    bool quiet;
} validate_opts;

static int validate_parse(int argc, char **argv, validate_opts *o)
{
    static const struct option longopts[] = {
        { "type", required_argument, NULL, 't' },
        { "format", required_argument, NULL, 'f' },
        { "jobs", required_argument, NULL, 'j' },
        { "quiet", no_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":t:f:j:q", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            o->type = optarg;
            break;
        case 'f':
            if (!val_format_by_name(optarg, &o->format))
                return cli_usage_error("validate", "unknown format '%s' (gcc, junit, github, sarif)",
                                       optarg);
            break;
        case 'j':
            if (!vc_parse_int(optarg, &o->jobs) || o->jobs < 1)
                return cli_usage_error("validate", "-j wants a positive number, not '%s'",
                                       optarg);
            if (o->jobs > VALIDATE_MAX_JOBS)
                o->jobs = VALIDATE_MAX_JOBS;
            break;
        case 'q':
            o->quiet = true;
            break;
        case ':':
            return cli_usage_error("validate", "option '%s' needs a value", argv[optind - 1]);
        default:
            /* optopt names a short option even inside a bundle like -qx */
            if (optopt)
                return cli_usage_error("validate", "unknown option '-%c'", optopt);
            return cli_usage_error("validate", "unknown option '%s'", argv[optind - 1]);
        }
    }
    return 0;
}

/* virt-xml-validate takes `FILE KIND`: a second argument that names a kind
 * and is not a path is the kind. */
static bool validate_xml_validate_order(int npaths, char **paths)
{
    struct stat st;
    return npaths == 2 && vc_schema_kind_by_name(paths[1]) && lstat(paths[1], &st) != 0;
}

static int validate_files(val_files *fs, const val_options *vo, const validate_opts *o)
{
    size_t nkinds;
    vc_schema_kinds(&nkinds);
    validate_run run = { .report = val_report_new(o->format) };
    run.schema_told = vc_xcalloc(nkinds, sizeof(bool));
    val_check_all(fs, vo, o->jobs, validate_done, &run);
    int rc = val_report_finish(run.report);
    val_report_free(run.report);
    free(run.schema_told);
    if (!o->quiet)
        fprintf(stderr, "%zu files checked, %zu failed\n", run.checked, run.failed);
    if (rc == 0 && run.not_checked)
        rc = VC_ERR_RUNTIME;
    if (rc == 0 && run.failed)
        rc = VC_ERR_INVALID;
    return rc;
}

int cmd_validate(int argc, char **argv)
{
    /* Diagnostics of many files: buffer them (a line per write() costs more
     * than the validation of a small file). Set before stderr is used. */
    setvbuf(stderr, NULL, _IOFBF, BUFSIZ);
    if (cli_wants_help(argc, argv)) {
        validate_help();
        return 0;
    }
    validate_opts o = { .format = VAL_FMT_GCC, .jobs = 1 };
    int rc = validate_parse(argc, argv, &o);
    if (rc)
        return rc;
    int npaths = argc - optind;
    char **paths = argv + optind;
    if (npaths == 0)
        return cli_usage_error("validate", "no paths to check");
    if (!o.type && validate_xml_validate_order(npaths, paths)) {
        o.type = paths[1];
        npaths = 1;
    }
    val_options vo = { NULL };
    if (o.type) {
        vo.type = vc_schema_kind_by_name(o.type);
        if (!vo.type)
            return cli_usage_error("validate", "unknown kind '%s'", o.type);
        /* Known before any file is read: compile it now, and do not start
         * a run that cannot check anything. */
        vc_diags d;
        vc_diags_init(&d);
        bool ok = vc_schema_preload(vo.type, &d);
        vc_diags_print(stderr, &d);
        vc_diags_free(&d);
        if (!ok)
            return VC_ERR_RUNTIME;
    }
    val_files fs;
    val_files_init(&fs);
    bool all_found = true;
    for (int i = 0; i < npaths; i++)
        all_found = val_files_add_path(&fs, paths[i]) && all_found;
    rc = validate_files(&fs, &vo, &o);
    if (!all_found && rc == 0)
        rc = VC_ERR_INVALID;
    val_files_free(&fs);
    return rc;
}
