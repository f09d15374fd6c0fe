/*
 * xencfg.y: the grammar of the xm/xl configuration language (see
 * translators/xen/xen_cfg.h), one grammar with an xl mode (nested lists).
 *
 *   file  -> { line }
 *   line  -> NEWLINE | IDENT '=' value [';'] NEWLINE
 *   value -> STRING | NUMBER | '[' [ value { ',' value } [','] ] ']'
 */
%define api.pure full
%define api.prefix {xcfgyy_}
%define parse.error verbose
%locations
%param {void *scanner}
%parse-param {struct xcfg_pstate *ps}

%code requires {
#include <stdbool.h>
#include "xen/xen_cfg.h"
#include "../../translators/util.h"

#define XCFG_MAX_DEPTH_STR "64"

/* The lexer's state (yyextra). */
struct xcfg_lexstate {
    const char *file;
    vc_diags *diags;
    int line, column;
    int depth;
    int open_line[XCFG_MAX_DEPTH], open_column[XCFG_MAX_DEPTH];
    int sline, scol;              /* the open quote of the current string */
    vc_buf buf;
    bool in_string;               /* buf holds a string being read */
    bool eof_newline;
    bool reported;                /* an error is already in diags */
};

/* The parser's state. */
struct xcfg_pstate {
    const char *file;
    vc_diags *diags;
    bool xl;
    xcfg_file *out;
    struct xcfg_lexstate *ls;
};
}

%union {
    char *s;
    xcfg_value *v;
}

%code {
int xcfgyy_lex(XCFGYY_STYPE *lval, XCFGYY_LTYPE *lloc, void *scanner);
static void xcfgyy_error(XCFGYY_LTYPE *loc, void *scanner, struct xcfg_pstate *ps,
                         const char *msg);
static bool xcfg_item_ok(struct xcfg_pstate *ps, const xcfg_value *v);
}

%token END 0 "end of file"
%token NEWLINE "end of line"
%token <s> IDENT "key"
%token <s> STRING "string"
%token <s> NUMBER "number"
%type <v> value items elems
%destructor { free($$); } <s>
%destructor { xcfg_value_free($$); } <v>

%%

file:
  %empty
| file line
;

/* line -> NEWLINE | IDENT '=' value [';'] NEWLINE */
line:
  NEWLINE
| IDENT '=' value end   { xcfg_file_add(ps->out, $1, @1.first_line, @1.first_column, $3); }
;

end:
  NEWLINE
| ';' NEWLINE
;

/* value -> STRING | NUMBER | '[' items ']' */
value:
  STRING                { $$ = xcfg_value_new(XCFG_STRING, @1.first_line, @1.first_column, $1); }
| NUMBER                { $$ = xcfg_value_new(XCFG_INT, @1.first_line, @1.first_column, $1); }
| '[' items ']'         { $$ = $2; $$->line = @1.first_line; $$->column = @1.first_column; }
;

/* items -> [ elems [','] ] */
items:
  %empty                { $$ = xcfg_value_new(XCFG_LIST, 0, 0, NULL); }
| elems
| elems ','
;

elems:
  value                 {
                            $$ = xcfg_value_new(XCFG_LIST, 0, 0, NULL);
                            if (!xcfg_item_ok(ps, $1)) { xcfg_value_free($1); xcfg_value_free($$); YYABORT; }
                            xcfg_list_add($$, $1);
                        }
| elems ',' value       {
                            $$ = $1;
                            if (!xcfg_item_ok(ps, $3)) { xcfg_value_free($3); xcfg_value_free($$); YYABORT; }
                            xcfg_list_add($$, $3);
                        }
;

%%

#include "xencfg.lex.h"

static void xcfgyy_error(XCFGYY_LTYPE *loc, void *scanner, struct xcfg_pstate *ps,
                         const char *msg)
{
    (void)scanner;
    if (ps->ls->reported)
        return;
    vc_loc at = { ps->file, loc->first_line, loc->first_column };
    vc_error_at(ps->diags, at, "%s", msg);
}

/* xm has no nested lists; xl does (vnuma). */
static bool xcfg_item_ok(struct xcfg_pstate *ps, const xcfg_value *v)
{
    if (v->kind != XCFG_LIST || ps->xl)
        return true;
    vc_loc at = { ps->file, v->line, v->column };
    vc_error_at(ps->diags, at, "a list inside a list is xl syntax, not xm");
    ps->ls->reported = true;
    return false;
}

xcfg_file *xcfg_parse(const char *file, const char *text, size_t len, bool xl, vc_diags *d)
{
    struct xcfg_lexstate ls = { .file = file, .diags = d, .line = 1, .column = 1 };
    struct xcfg_pstate ps = { .file = file, .diags = d, .xl = xl,
                              .out = vc_xcalloc(1, sizeof(xcfg_file)), .ls = &ls };
    yyscan_t scanner;
    if (xcfgyy_lex_init_extra(&ls, &scanner) != 0) {
        vc_runtime_error(d, "cannot start the xm/xl lexer");
        free(ps.out);
        return NULL;
    }
    YY_BUFFER_STATE buf = xcfgyy__scan_bytes(text, (int)len, scanner);
    int rc = xcfgyy_parse(scanner, &ps);
    if (ls.in_string)
        vc_buf_free(&ls.buf);
    xcfgyy__delete_buffer(buf, scanner);
    xcfgyy_lex_destroy(scanner);
    if (rc != 0 || d->nerrors) {
        if (rc == 2)
            vc_runtime_error(d, "out of memory parsing %s", file);
        xcfg_file_free(ps.out);
        return NULL;
    }
    return ps.out;
}
