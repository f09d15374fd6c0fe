/*
 * sexpr.y: XenD's S-expressions (xen-sxpr).
 *
 *   document -> list
 *   list     -> '(' items ')'
 *   items    -> { item }
 *   item     -> ATOM | STRING | list
 *
 * The tree is built as the rules reduce (translators/xen/sexpr.h). The
 * lexer (sexpr.l) bounds the nesting, so the parser's stack is bounded too,
 * and reports what it rejects itself; the parser's own errors are the few
 * a token stream can still get wrong (an atom where the document starts).
 */
%define api.pure full
%define api.prefix {sexpr_yy}
%define api.token.prefix {SEXPR_TOK_}
%define parse.error verbose
%locations
%param {yyscan_t scanner}
%parse-param {struct sexpr_state *st}

%code requires {
#include "sexpr_state.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
}

%code {
#include <limits.h>
#include <stdlib.h>

#include "sexpr.lex.h"

static void sexpr_yyerror(SEXPR_YYLTYPE *loc, yyscan_t scanner, struct sexpr_state *st,
                        const char *msg)
{
    (void)scanner;
    /* The lexer reports its own errors; what reaches here is a document
     * that does not start with a list. */
    vc_error_at(st->d, (vc_loc){ st->file, loc->first_line, loc->first_column },
                "%s", st->opened ? msg : "expected '(' at the start of the S-expression");
}

static ir_pos sexpr_pos(const SEXPR_YYLTYPE *loc)
{
    return (ir_pos){ loc->first_line, loc->first_column };
}
}

%union {
    sexpr_node *node;
}

%token <node> ATOM "atom"
%token <node> STRING "string"
%token '(' "'('"
%token ')' "')'"
%type <node> list items item

%destructor { sexpr_free($$); } <node>

%%

/* document -> list */
document:
    list                { st->root = $1; }
    ;

/* list -> '(' items ')' */
list:
    '(' items ')'       { $$ = $2; $$->pos = sexpr_pos(&@1); }
    ;

/* items -> { item } */
items:
    %empty              { $$ = sexpr_list_new((ir_pos){ 0, 0 }); }
    | items item        { $$ = $1; sexpr_append($$, $2); }
    ;

/* item -> ATOM | STRING | list */
item:
    ATOM
    | STRING
    | list
    ;

%%

sexpr_node *sexpr_parse(const char *text, size_t len, const char *file, vc_diags *d)
{
    struct sexpr_state st = { .file = file, .d = d, .line = 1, .column = 1 };
    size_t errors_before = d->nerrors;
    yyscan_t scanner;
    if (len > (size_t)INT_MAX)
        return vc_error_at(d, (vc_loc){ file, 1, 1 }, "input too large"), NULL;
    vc_buf_init(&st.str);
    st.opens = vc_xcalloc(SEXPR_MAX_DEPTH + 1, sizeof(*st.opens));
    if (sexpr_yylex_init_extra(&st, &scanner) != 0) {
        vc_runtime_error(d, "cannot start the S-expression reader");
        free(st.opens);
        return NULL;
    }
    YY_BUFFER_STATE buf = sexpr_yy_scan_bytes(text, (int)len, scanner);
    int rc = sexpr_yyparse(scanner, &st);
    sexpr_yy_delete_buffer(buf, scanner);
    sexpr_yylex_destroy(scanner);
    vc_buf_free(&st.str);
    free(st.opens);
    if (rc != 0 || d->nerrors > errors_before) {
        if (d->nerrors == errors_before)
            vc_error_at(d, (vc_loc){ file, st.line, st.column }, "not an S-expression");
        sexpr_free(st.root);
        return NULL;
    }
    return st.root;
}
