/*
 * qemuopt.y: QEMU option values, `key=value,...` (prefix qopt_). See
 * qemuopt.h for the syntax; the lexer is qemuopt.l.
 */
%code requires {
#include <stddef.h>
#include "qemuopt.h"

typedef struct qopt_loc {
    size_t first, last;
} qopt_loc;

typedef struct qopt_parser {
    qopt_list *out;
    const char *implicit;
    qopt_err *err;
} qopt_parser;

#define YYLLOC_DEFAULT(cur, rhs, n) do {                                     \
        if (n) { (cur).first = YYRHSLOC(rhs, 1).first; (cur).last = YYRHSLOC(rhs, n).last; } \
        else { (cur).first = (cur).last = YYRHSLOC(rhs, 0).last; }            \
    } while (0)
}

%code {
#include <stdlib.h>
#include <string.h>

#include "util.h"
#define YYSTYPE QOPT_STYPE
#define YYLTYPE QOPT_LTYPE
#include "qemuopt.lex.h"

static void qopt_error(QOPT_LTYPE *loc, void *scanner, qopt_parser *p, const char *msg);

static bool qopt_item_add(qopt_parser *p, char *name, char *value, const qopt_loc *nl,
                          const qopt_loc *vl);
}

%define api.prefix {qopt_}
%define api.pure full
%define api.location.type {qopt_loc}
%define api.token.prefix {QOPT_}
%define parse.error detailed
%locations
%param {void *scanner}
%parse-param {qopt_parser *p}

%union {
    char *str;
}

%token <str> NAME "parameter name"
%token <str> VALUE "value"
%destructor { free($$); } <str>

%%

/* opts -> [ param { ',' param } ] */
opts
    : %empty
    | params
    ;

params
    : param
    | params ',' param
    ;

/* param -> NAME [ '=' [ VALUE ] ] */
param
    : NAME                { if (!qopt_item_add(p, $1, NULL, &@1, &@1)) YYABORT; }
    | NAME '=' VALUE      { if (!qopt_item_add(p, $1, $3, &@1, &@3)) YYABORT; }
    | NAME '='            { if (!qopt_item_add(p, $1, vc_xstrdup(""), &@1, &@2)) YYABORT; }
    ;

%%

static void qopt_error(QOPT_LTYPE *loc, void *scanner, qopt_parser *p, const char *msg)
{
    (void)scanner;
    if (p->err->msg)
        return;
    p->err->off = loc->first;
    /* bison says "syntax error, unexpected X, expecting Y": keep the useful part */
    const char *m = strncmp(msg, "syntax error, ", 14) == 0 ? msg + 14 : msg;
    p->err->msg = vc_xasprintf("in the option value: %s", m);
}

static bool qopt_item_add(qopt_parser *p, char *name, char *value, const qopt_loc *nl,
                          const qopt_loc *vl)
{
    size_t depth = 0;
    for (const char *c = name; *c; c++)
        depth += *c == '.';
    if (depth >= QOPT_MAX_DEPTH) {
        p->err->off = nl->first;
        p->err->msg = vc_xasprintf("parameter name nests deeper than %d levels", QOPT_MAX_DEPTH);
        free(name);
        free(value);
        return false;
    }
    if (!value && p->out->n == 0 && p->implicit) {
        qopt_list_add(p->out, vc_xstrdup(p->implicit), name, nl->first, nl->first);
        p->out->v[0].implicit = true;
        return true;
    }
    qopt_list_add(p->out, name, value, nl->first, vl->first);
    return true;
}

void qopt_list_add(qopt_list *l, char *key, char *value, size_t key_off, size_t val_off)
{
    vc_xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(qopt_item));
    l->v[l->n++] = (qopt_item){ .key = key, .value = value, .key_off = key_off,
                                .val_off = val_off };
}

void qopt_list_free(qopt_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].value);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

bool qopt_read(const char *text, size_t len, const char *implicit, qopt_list *out,
                qopt_err *err)
{
    memset(out, 0, sizeof(*out));
    memset(err, 0, sizeof(*err));
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        err->off = (size_t)(nul - text);
        err->msg = vc_xstrdup("in the option value: a NUL byte");
        return false;
    }
    size_t off = 0;
    yyscan_t scanner;
    if (qopt_lex_init_extra(&off, &scanner) != 0)
        abort();
    YY_BUFFER_STATE buf = qopt__scan_bytes(text, (int)len, scanner);
    qopt_parser p = { out, implicit, err };
    int rc = qopt_parse(scanner, &p);
    qopt__delete_buffer(buf, scanner);
    qopt_lex_destroy(scanner);
    if (rc != 0 || err->msg) {
        if (!err->msg)
            err->msg = vc_xstrdup("in the option value: cannot parse");
        qopt_list_free(out);
        return false;
    }
    return true;
}
