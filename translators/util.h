/*
 * util.h: allocation, growable strings and string lists shared by every
 * module of virtc.
 *
 * Allocation failure is not a condition any caller can recover from in a
 * short-lived compiler process, so the vc_x* wrappers check every allocation
 * and abort with a message (as git's xmalloc does) instead of threading ENOMEM
 * through every parser.
 */
#ifndef VIRTC_UTIL_H
#define VIRTC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define VC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *vc_xmalloc(size_t n);
void *vc_xcalloc(size_t nmemb, size_t size);
void *vc_xrealloc(void *p, size_t n);
/* Grow *p (holding *cap elements of size elt) so that it holds at least need. */
void vc_xgrow(void **p, size_t *cap, size_t need, size_t elt);
char *vc_xstrdup(const char *s);           /* NULL in, NULL out */
char *vc_xstrndup(const char *s, size_t n);
char *vc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *vc_xvasprintf(const char *fmt, va_list ap);

/* A growable, always NUL-terminated byte string. */
typedef struct vc_buf {
    char *data;
    size_t len;
    size_t cap;
} vc_buf;

void vc_buf_init(vc_buf *b);
void vc_buf_free(vc_buf *b);
void vc_buf_add(vc_buf *b, const char *s, size_t n);
void vc_buf_puts(vc_buf *b, const char *s);
void vc_buf_putc(vc_buf *b, char c);
void vc_buf_printf(vc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vc_buf_indent(vc_buf *b, int n);      /* n spaces */
/* Appends s escaped for XML: as an attribute value quoted with quote
 * (attr true: newlines and tabs become character references, which a parser
 * would otherwise turn into spaces) or as text (attr false). A carriage
 * return is a reference in both (a parser reads a raw one as a newline). */
void vc_buf_xml_escape(vc_buf *b, const char *s, char quote, bool attr);
char *vc_buf_steal(vc_buf *b);             /* caller owns the string; b is reset */
const char *vc_buf_str(const vc_buf *b);   /* never NULL */

/* A NULL-terminated vector of owned strings (argv, environment). */
typedef struct vc_strv {
    char **v;
    size_t n;
    size_t cap;
} vc_strv;

void vc_strv_init(vc_strv *sv);
void vc_strv_free(vc_strv *sv);
void vc_strv_add(vc_strv *sv, const char *s);
void vc_strv_take(vc_strv *sv, char *s);   /* takes ownership of s */
void vc_strv_addf(vc_strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict number parsing: the whole string must be the number. */
bool vc_parse_ull(const char *s, int base, unsigned long long *out);
bool vc_parse_ll(const char *s, int base, long long *out);
bool vc_parse_int(const char *s, int *out);

bool vc_streq(const char *a, const char *b);   /* NULL-safe */
bool vc_str_has_prefix(const char *s, const char *prefix);
bool vc_str_has_suffix(const char *s, const char *suffix);
/* Whether w is one of the blank-separated words of words (NULL-safe). */
bool vc_words_have(const char *words, const char *w);

/* The one reader of every input (documents, standard input, --caps files,
 * cache files, host files): the whole of path ("-": standard input), at most
 * VC_READ_MAX bytes, into *buf (grown as needed, *cap its size: a caller
 * reading many files keeps one buffer), NUL-terminated, *len bytes.
 * VC_READ_REGULAR: only a regular file will do (a file the program expects,
 * not one the user names): a FIFO in its place is refused without blocking
 * on it, a device (/dev/zero) without reading it. Returns 0, or an errno
 * value: EFBIG above the limit, VC_READ_ENOTREG for what is not a regular
 * file; vc_read_strerror says it in words. */
#define VC_READ_MAX ((size_t)10 << 20)
#define VC_READ_REGULAR 1u
#define VC_READ_ENOTREG (-1)
int vc_read_into(const char *path, unsigned flags, char **buf, size_t *cap, size_t *len);
/* "document too large (the limit is 10 MiB)", "not a regular file", or
 * strerror(err). */
const char *vc_read_strerror(int err);
/* A hint that about `bytes` of small allocations are coming (a large
 * document): the heap may prepare for them (util.c says how). */
void vc_heap_expect(size_t bytes);
/* Asks for transparent huge pages on the whole 2 MiB pages of heap memory
 * in [from, to) (a hint: nothing but speed depends on it). */
void vc_heap_hint_huge(const void *from, const void *to);
/* The calling thread's heap grown by bytes, its pages faulted in at once. */
void vc_heap_prefault(size_t bytes);
/* vc_read_into into a new buffer; NULL with *err set on failure. */
char *vc_read_input(const char *path, unsigned flags, size_t *len, int *err);
/* vc_read_input without flags; NULL with errno set (EFBIG, EINVAL for
 * VC_READ_ENOTREG) on failure. */
char *vc_read_file(const char *path, size_t *len);

#endif
