/*
 * validate_report.c: the output formats of `virtc validate`.
 *
 *   gcc     "file:line:column: error: message" on stderr (the house format)
 *   github  "::error file=F,line=L,col=C::message" on stdout: GitHub
 *           Actions workflow commands, which become annotations on the diff
 *   junit   a JUnit XML report on stdout, for GitLab, Jenkins and the
 *           test-report actions; the located messages also go to stderr in
 *           gcc form so the job log says what failed
 *   sarif   a SARIF 2.1.0 log on stdout (OASIS Static Analysis Results
 *           Interchange Format), the format code-scanning dashboards import;
 *           the gcc lines go to stderr as with junit
 *
 * The JUnit report is not printed by hand: the results are built as a small
 * XML document (<validation><file><diag/></file></validation>) and turned
 * into JUnit by tools/junit.xsl with libxslt, so the report's shape lives in
 * one declarative file that users may adapt (VIRTC_XSL_DIR).
 */
#include <libxml/chvalid.h>
#include <libxml/tree.h>
#include <libxml/xmlstring.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../translators/dynlib.h"
#include "../translators/paths.h"
#include "../translators/util.h"
#include "cli.h"
#include "validate.h"

struct val_report {
    val_format fmt;
    xmlDocPtr results;     /* junit: the results document */
    json_object *sarif;    /* sarif: the results array, in input order */
};

static const struct {
    const char *name;
    val_format fmt;
} report_formats[] = {
    { "gcc", VAL_FMT_GCC },
    { "github", VAL_FMT_GITHUB },
    { "junit", VAL_FMT_JUNIT },
    { "sarif", VAL_FMT_SARIF },
};

static const char *const report_status_names[] = {
    [VAL_PASSED] = "passed",
    [VAL_FAILED] = "failed",
    [VAL_NOT_CHECKED] = "not-checked",
};

bool val_format_by_name(const char *name, val_format *out)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(report_formats); i++) {
        if (strcmp(report_formats[i].name, name) == 0) {
            *out = report_formats[i].fmt;
            return true;
        }
    }
    return false;
}

val_report *val_report_new(val_format fmt)
{
    val_report *r = vc_xcalloc(1, sizeof(*r));
    r->fmt = fmt;
    if (fmt == VAL_FMT_JUNIT) {
        r->results = xmlNewDoc((const xmlChar *)"1.0");
        xmlNodePtr root = r->results ? xmlNewDocNode(r->results, NULL,
                                                     (const xmlChar *)"validation", NULL) : NULL;
        if (!root) {
            fputs("virtc: out of memory\n", stderr);
            abort();
        }
        xmlDocSetRootElement(r->results, root);
    }
    if (fmt == VAL_FMT_SARIF && !(r->sarif = json_object_new_array())) {
        fputs("virtc: out of memory\n", stderr);
        abort();
    }
    return r;
}

void val_report_free(val_report *r)
{
    if (!r)
        return;
    xmlFreeDoc(r->results);
    json_object_put(r->sarif);
    free(r);
}

/* ---- github ------------------------------------------------------------- */

/* Workflow command escaping: '%', CR and LF everywhere, and in property
 * values also ':' and ',' (they delimit the properties). */
static void report_gh_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': fputs("%25", out); break;
        case '\r': fputs("%0D", out); break;
        case '\n': fputs("%0A", out); break;
        case ':': property ? fputs("%3A", out) : fputc(':', out); break;
        case ',': property ? fputs("%2C", out) : fputc(',', out); break;
        default: fputc(*s, out);
        }
    }
}

static const char *const report_gh_commands[] = {
    [VC_SEV_ERROR] = "error",
    [VC_SEV_WARNING] = "warning",
    [VC_SEV_NOTE] = "notice",
};

static void report_github(const val_file *f)
{
    for (size_t i = 0; i < f->diags.n; i++) {
        const vc_error *e = &f->diags.v[i];
        printf("::%s file=", report_gh_commands[e->severity]);
        report_gh_escape(stdout, e->file ? e->file : f->name, true);
        if (e->line > 0)
            printf(",line=%d", e->line);
        if (e->column > 0)
            printf(",col=%d", e->column);
        fputs("::", stdout);
        report_gh_escape(stdout, e->message, false);
        fputc('\n', stdout);
    }
}

/* ---- junit -------------------------------------------------------------- */

/* XML can carry neither invalid UTF-8 (a file name may hold any byte) nor
 * most control characters (a message may quote the input): replace them. */
static char *report_xml_safe(const char *s)
{
    size_t n = strlen(s);
    char *out = vc_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[o++] = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? '?' : (char)c;
            i++;
            continue;
        }
        int len = (int)(n - i > 4 ? 4 : n - i);
        int ch = xmlGetUTF8Char((const unsigned char *)s + i, &len);
        if (ch < 0 || len <= 0 || !xmlIsCharQ(ch)) {
            out[o++] = '?';
            i++;
            continue;
        }
        memcpy(out + o, s + i, (size_t)len);
        o += (size_t)len;
        i += (size_t)len;
    }
    out[o] = '\0';
    return out;
}

static void report_set(xmlNodePtr n, const char *name, const char *value)
{
    char *safe = report_xml_safe(value);
    xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)safe);
    free(safe);
}

static void report_set_int(xmlNodePtr n, const char *name, int value)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%d", value);
    xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)buf);
}

static void report_junit_file(val_report *r, const val_file *f)
{
    xmlNodePtr root = xmlDocGetRootElement(r->results);
    xmlNodePtr fn = xmlNewChild(root, NULL, (const xmlChar *)"file", NULL);
    report_set(fn, "name", f->name);
    if (f->kind)
        report_set(fn, "kind", f->kind->name);
    report_set(fn, "status", report_status_names[f->status]);
    for (size_t i = 0; i < f->diags.n; i++) {
        const vc_error *e = &f->diags.v[i];
        char *msg = report_xml_safe(e->message);
        xmlNodePtr dn = xmlNewTextChild(fn, NULL, (const xmlChar *)"diag", (const xmlChar *)msg);
        free(msg);
        report_set(dn, "severity", vc_severity_name(e->severity));
        report_set(dn, "file", e->file ? e->file : f->name);
        if (e->line > 0)
            report_set_int(dn, "line", e->line);
        if (e->column > 0)
            report_set_int(dn, "column", e->column);
    }
}

/* libxml2 and libxslt print their own lines while loading a stylesheet;
 * collected here instead, for one diagnostic. */
static void report_xsl_collect(void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = vc_xvasprintf(fmt, ap);
    va_end(ap);
    vc_buf_puts(ctx, m);
    free(m);
}

/* libxslt, opened for the JUnit report alone (translators/dynlib.h). */
static struct {
    __typeof__(xsltSetGenericErrorFunc) *xsltSetGenericErrorFunc;
    __typeof__(xsltParseStylesheetFile) *xsltParseStylesheetFile;
    __typeof__(xsltApplyStylesheet) *xsltApplyStylesheet;
    __typeof__(xsltSaveResultToString) *xsltSaveResultToString;
    __typeof__(xsltFreeStylesheet) *xsltFreeStylesheet;
    __typeof__(xsltCleanupGlobals) *xsltCleanupGlobals;
} report_xslt;

static const vc_dl_sym report_xslt_syms[] = {
    VC_DL_SYM(report_xslt, xsltSetGenericErrorFunc), VC_DL_SYM(report_xslt, xsltParseStylesheetFile),
    VC_DL_SYM(report_xslt, xsltApplyStylesheet), VC_DL_SYM(report_xslt, xsltSaveResultToString),
    VC_DL_SYM(report_xslt, xsltFreeStylesheet), VC_DL_SYM(report_xslt, xsltCleanupGlobals),
};

static vc_dl_lib report_xslt_dl = VC_DL_LIB("libxslt.so.1", "libxslt1.1", report_xslt_syms);

/* The stylesheet, or NULL after one located line saying why not. */
static xsltStylesheetPtr report_load_xsl(const char *path)
{
    vc_diags d;
    vc_diags_init(&d);
    if (!vc_dl_load(&report_xslt_dl, &d)) {
        fprintf(stderr, "virtc: error: cannot produce the JUnit report: %s\n", d.v[0].message);
        vc_diags_free(&d);
        return NULL;
    }
    vc_buf why;
    vc_buf_init(&why);
    xmlSetGenericErrorFunc(&why, report_xsl_collect);
    report_xslt.xsltSetGenericErrorFunc(&why, report_xsl_collect);
    xsltStylesheetPtr style = report_xslt.xsltParseStylesheetFile((const xmlChar *)path);
    xmlSetGenericErrorFunc(NULL, NULL);
    report_xslt.xsltSetGenericErrorFunc(NULL, NULL);
    if (!style) {
        /* The first line is the cause; the rest repeats it. */
        const char *w = vc_buf_str(&why);
        w += strspn(w, " \n");
        int n = (int)strcspn(w, "\n");
        fprintf(stderr, "%s: error: cannot load the JUnit stylesheet (set VIRTC_XSL_DIR?)%s%.*s\n",
                path, n ? ": " : "", n, w);
    }
    vc_buf_free(&why);
    return style;
}

static int report_junit_finish(val_report *r)
{
    char *path = vc_xasprintf("%s/junit.xsl", vc_xsl_dir());
    xsltStylesheetPtr style = report_load_xsl(path);
    if (!style) {
        free(path);
        return VC_ERR_RUNTIME;
    }
    free(path);
    int rc = VC_ERR_RUNTIME;
    xmlDocPtr res = report_xslt.xsltApplyStylesheet(style, r->results, NULL);
    xmlChar *text = NULL;
    int len = 0;
    if (res && report_xslt.xsltSaveResultToString(&text, &len, res, style) == 0 && text)
        rc = cli_write_output(NULL, (const char *)text);
    else
        fputs("virtc: error: cannot produce the JUnit report\n", stderr);
    xmlFree(text);
    xmlFreeDoc(res);
    report_xslt.xsltFreeStylesheet(style);
    report_xslt.xsltCleanupGlobals();
    return rc;
}

/* ---- sarif -------------------------------------------------------------- */

/* json-c returns NULL only when out of memory: one check, one message. */
static json_object *report_json(json_object *o)
{
    if (!o) {
        fputs("virtc: out of memory\n", stderr);
        abort();
    }
    return o;
}

static void report_json_set(json_object *o, const char *key, json_object *v)
{
    if (json_object_object_add(o, key, report_json(v)) != 0) {
        fputs("virtc: out of memory\n", stderr);
        abort();
    }
}

static void report_json_str(json_object *o, const char *key, const char *s)
{
    char *safe = report_xml_safe(s);   /* JSON needs valid UTF-8 as well */
    report_json_set(o, key, json_object_new_string(safe));
    free(safe);
}

/* A file name as a SARIF artifact URI: a relative reference, with every
 * byte outside RFC 3986's unreserved set (and '/') percent-encoded, so a
 * name with spaces, '%' or '#' stays one path. */
static char *report_sarif_uri(const char *name)
{
    vc_buf b;
    vc_buf_init(&b);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            vc_buf_putc(&b, (char)*p);
        else
            vc_buf_printf(&b, "%%%02X", *p);
    }
    return vc_buf_steal(&b);
}

/* The rule a finding belongs to: what is wrong with the document, or what
 * kept it from being checked. */
static const char *report_sarif_rule(const vc_error *e)
{
    return e->code == VC_ERR_RUNTIME ? "virtc/not-checked" : "virtc/invalid";
}

static const char *const report_sarif_levels[] = {
    [VC_SEV_ERROR] = "error",
    [VC_SEV_WARNING] = "warning",
    [VC_SEV_NOTE] = "note",
};

static json_object *report_sarif_location(const vc_error *e, const val_file *f)
{
    json_object *art = report_json(json_object_new_object());
    char *uri = report_sarif_uri(e->file ? e->file : f->name);
    report_json_str(art, "uri", uri);
    free(uri);
    json_object *phys = report_json(json_object_new_object());
    report_json_set(phys, "artifactLocation", art);
    if (e->line > 0) {
        json_object *region = report_json(json_object_new_object());
        report_json_set(region, "startLine", json_object_new_int(e->line));
        if (e->column > 0)
            report_json_set(region, "startColumn", json_object_new_int(e->column));
        report_json_set(phys, "region", region);
    }
    json_object *loc = report_json(json_object_new_object());
    report_json_set(loc, "physicalLocation", phys);
    json_object *locs = report_json(json_object_new_array());
    json_object_array_add(locs, loc);
    return locs;
}

static void report_sarif_file(val_report *r, const val_file *f)
{
    for (size_t i = 0; i < f->diags.n; i++) {
        const vc_error *e = &f->diags.v[i];
        json_object *res = report_json(json_object_new_object());
        report_json_str(res, "ruleId", report_sarif_rule(e));
        report_json_str(res, "level", report_sarif_levels[e->severity]);
        json_object *msg = report_json(json_object_new_object());
        report_json_str(msg, "text", e->message);
        report_json_set(res, "message", msg);
        report_json_set(res, "locations", report_sarif_location(e, f));
        if (json_object_array_add(r->sarif, res) != 0) {
            fputs("virtc: out of memory\n", stderr);
            abort();
        }
    }
}

static json_object *report_sarif_rule_desc(const char *id, const char *text)
{
    json_object *rule = report_json(json_object_new_object());
    report_json_str(rule, "id", id);
    json_object *desc = report_json(json_object_new_object());
    report_json_str(desc, "text", text);
    report_json_set(rule, "shortDescription", desc);
    return rule;
}

static json_object *report_sarif_tool(void)
{
    json_object *rules = report_json(json_object_new_array());
    json_object_array_add(rules, report_sarif_rule_desc("virtc/invalid",
        "The document does not match its schema, or the domain cannot be compiled."));
    json_object_array_add(rules, report_sarif_rule_desc("virtc/not-checked",
        "The document could not be checked: the schema of its kind did not load."));
    json_object *driver = report_json(json_object_new_object());
    report_json_str(driver, "name", "virtc");
    report_json_str(driver, "version", VIRTC_VERSION);
    report_json_set(driver, "rules", rules);
    json_object *tool = report_json(json_object_new_object());
    report_json_set(tool, "driver", driver);
    return tool;
}

static int report_sarif_finish(val_report *r)
{
    json_object *run = report_json(json_object_new_object());
    report_json_set(run, "tool", report_sarif_tool());
    /* virtc counts columns in characters, which SARIF calls code points. */
    report_json_str(run, "columnKind", "unicodeCodePoints");
    report_json_set(run, "results", json_object_get(r->sarif));
    json_object *runs = report_json(json_object_new_array());
    json_object_array_add(runs, run);
    json_object *log = report_json(json_object_new_object());
    report_json_str(log, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    report_json_str(log, "version", "2.1.0");
    report_json_set(log, "runs", runs);
    const char *text = json_object_to_json_string_ext(log, JSON_C_TO_STRING_PRETTY |
                                                      JSON_C_TO_STRING_SPACED |
                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = text ? VC_OK : VC_ERR_RUNTIME;
    if (text) {
        char *line = vc_xasprintf("%s\n", text);
        rc = cli_write_output(NULL, line);
        free(line);
    } else {
        fputs("virtc: error: cannot produce the SARIF report\n", stderr);
    }
    json_object_put(log);
    return rc;
}

/* ---- the interface -------------------------------------------------------- */

void val_report_file(val_report *r, const val_file *f)
{
    switch (r->fmt) {
    case VAL_FMT_GCC:
        vc_diags_print(stderr, &f->diags);
        break;
    case VAL_FMT_GITHUB:
        report_github(f);
        break;
    case VAL_FMT_JUNIT:
        vc_diags_print(stderr, &f->diags);
        report_junit_file(r, f);
        break;
    case VAL_FMT_SARIF:
        vc_diags_print(stderr, &f->diags);
        report_sarif_file(r, f);
        break;
    }
}

int val_report_finish(val_report *r)
{
    switch (r->fmt) {
    case VAL_FMT_JUNIT:
        return report_junit_finish(r);
    case VAL_FMT_SARIF:
        return report_sarif_finish(r);
    case VAL_FMT_GITHUB:
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fputs("virtc: error: writing standard output failed\n", stderr);
            return VC_ERR_RUNTIME;
        }
        return 0;
    case VAL_FMT_GCC:
        break;
    }
    return 0;
}
