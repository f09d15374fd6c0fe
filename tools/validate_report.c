/*
 * validate_report.c: the output formats of `virtc validate`.
 *
 *   gcc     "file:line:column: error: message" on stderr (the house format)
 *   github  "::error file=F,line=L,col=C::message" on stdout: GitHub
 *           Actions workflow commands, which become annotations on the diff
 *   junit   a JUnit XML report on stdout, for GitLab, Jenkins and the
 *           test-report actions; the located messages also go to stderr in
 *           gcc form so the job log says what failed
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
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../translators/paths.h"
#include "../translators/util.h"
#include "cli.h"
#include "validate.h"

struct val_report {
    val_format fmt;
    xmlDocPtr results;     /* junit: the results document */
};

static const struct {
    const char *name;
    val_format fmt;
} report_formats[] = {
    { "gcc", VAL_FMT_GCC },
    { "github", VAL_FMT_GITHUB },
    { "junit", VAL_FMT_JUNIT },
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
    return r;
}

void val_report_free(val_report *r)
{
    if (!r)
        return;
    xmlFreeDoc(r->results);
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

/* The stylesheet, or NULL after one located line saying why not. */
static xsltStylesheetPtr report_load_xsl(const char *path)
{
    vc_buf why;
    vc_buf_init(&why);
    xmlSetGenericErrorFunc(&why, report_xsl_collect);
    xsltSetGenericErrorFunc(&why, report_xsl_collect);
    xsltStylesheetPtr style = xsltParseStylesheetFile((const xmlChar *)path);
    xmlSetGenericErrorFunc(NULL, NULL);
    xsltSetGenericErrorFunc(NULL, NULL);
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
    xmlDocPtr res = xsltApplyStylesheet(style, r->results, NULL);
    xmlChar *text = NULL;
    int len = 0;
    if (res && xsltSaveResultToString(&text, &len, res, style) == 0 && text)
        rc = cli_write_output(NULL, (const char *)text);
    else
        fputs("virtc: error: cannot produce the JUnit report\n", stderr);
    xmlFree(text);
    xmlFreeDoc(res);
    xsltFreeStylesheet(style);
    xsltCleanupGlobals();
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
    }
}

int val_report_finish(val_report *r)
{
    switch (r->fmt) {
    case VAL_FMT_JUNIT:
        return report_junit_finish(r);
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
