/*
 * sexpr_state.h: what grammar/sexpr.l and grammar/sexpr.y share: the
 * per-parse state (the scanner's extra data) and the lexer's helpers.
 * Nothing here is global; one parse owns one state.
 */
#ifndef VIRTC_SEXPR_STATE_H
#define VIRTC_SEXPR_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "util.h"
#include "xen/sexpr.h"

struct sexpr_state {
    const char *file;        /* for diagnostics */
    vc_diags *d;
    int line, column;        /* where the next character is */
    int depth;               /* lists open now */
    bool opened;             /* the document's list was seen */
    bool last_close;         /* the last token was ')' */
    ir_pos *opens;           /* where each open list starts (depth entries) */
    vc_buf str;              /* the quoted string being read */
    char quote;
    ir_pos str_pos;
    sexpr_node *root;
};

union SEXPR_YYSTYPE;
struct SEXPR_YYLTYPE;

void sexpr_state_advance(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc,
                         const char *text, size_t len);
int sexpr_state_open(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc);
int sexpr_state_close(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc);
int sexpr_state_atom(struct sexpr_state *st, union SEXPR_YYSTYPE *val,
                     struct SEXPR_YYLTYPE *loc, const char *text, size_t len);
int sexpr_state_bad_char(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc, unsigned char c);
void sexpr_state_string_begin(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc, char quote);
void sexpr_state_string_add(struct sexpr_state *st, const char *text, size_t len);
bool sexpr_state_string_escape(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc, char c);
bool sexpr_state_string_octal(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc, const char *text);
void sexpr_state_string_hex(struct sexpr_state *st, const char *text);
bool sexpr_state_string_quote(struct sexpr_state *st, char quote);
int sexpr_state_string_end(struct sexpr_state *st, union SEXPR_YYSTYPE *val,
                           struct SEXPR_YYLTYPE *loc);
int sexpr_state_unterminated(struct sexpr_state *st);
int sexpr_state_eof(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc);
void sexpr_state_trailing(struct sexpr_state *st, struct SEXPR_YYLTYPE *loc);

#endif
