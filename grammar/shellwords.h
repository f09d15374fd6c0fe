/*
 * shellwords.h: a shell-quoted command line split into words, as a POSIX
 * shell would split one static command (grammar/shellwords.l).
 *
 * One command: a newline ends it unless escaped (lines before it holding only
 * blanks and comments are fine, a second command is an error).
 * Accepted: blanks between words, single quotes, double quotes
 * with their four escapes (\$ \` \" \\) and line continuation, backslash
 * escapes, backslash-newline continuations, `#` comments at a word start.
 * Refused, as a located error, because they are not a static command:
 * command substitution ($(...) and backticks), parameter expansion ($VAR,
 * ${...}), pipes, lists (; & && ||), redirections and subshells. Nothing is
 * executed or guessed.
 *
 * Every byte of a word remembers the offset of the source byte it came from,
 * so a later parser (qemuopt) can point into the original text, quotes and
 * continuations included.
 */
#ifndef VIRTC_GRAMMAR_SHELLWORDS_H
#define VIRTC_GRAMMAR_SHELLWORDS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct shw_word {
    char *text;        /* unquoted, NUL-terminated */
    size_t len;
    size_t *src;       /* src[i]: source offset of text[i]; src[len]: just past the word */
    size_t start;      /* source offset of the word's first character (a quote, say) */
} shw_word;

typedef struct shw_words {
    shw_word *v;
    size_t n, cap;
} shw_words;

/* What the splitter refused: a message and the source offset it is about. */
typedef struct shw_error {
    size_t off;
    char *msg;
} shw_error;

/* Splits src (len bytes; NUL bytes are refused) into out. False with *err
 * filled (the caller frees err->msg) on input that is not a static command. */
bool shw_split(const char *src, size_t len, shw_words *out, shw_error *err);
void shw_words_free(shw_words *w);

/* The 1-based line and column (in characters, UTF-8 aware) of offset off. */
void shw_locate(const char *src, size_t len, size_t off, int *line, int *column);

#endif
