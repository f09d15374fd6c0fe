/*
 * qemuopt.h: QEMU option values, `key=value,key=value` (grammar/qemuopt.y,
 * lexer grammar/qemuopt.l, prefix qopt_).
 *
 * The syntax is QEMU's option-string one: parameters separated by commas,
 * a doubled comma is a literal comma (in names and values), a value runs to
 * the next single comma (so it may hold '='), a parameter without '=' is a
 * flag, and the first parameter may leave its name implicit
 * (`-netdev tap,id=n0` is `type=tap,id=n0`) when the option has one.
 * Dotted names (`cache.direct=on`) nest at most QOPT_MAX_DEPTH deep.
 *
 * Offsets are into the parsed text; the caller maps them to the source.
 */
#ifndef VIRTC_GRAMMAR_QEMUOPT_H
#define VIRTC_GRAMMAR_QEMUOPT_H

#include <stdbool.h>
#include <stddef.h>

#define QOPT_MAX_DEPTH 16

typedef struct qopt_item {
    char *key;           /* the implicit key's name for an implicit first value */
    char *value;         /* NULL for a flag (`readonly`, `server`) */
    size_t key_off;      /* offset of the parameter in the text */
    size_t val_off;      /* offset of the value (key_off for a flag) */
    bool implicit;       /* the name was left out */
    bool used;           /* a reader consumed it (see argv_read_opts.c) */
} qopt_item;

typedef struct qopt_list {
    qopt_item *v;
    size_t n, cap;
    bool json;           /* given as a JSON object */
} qopt_list;

typedef struct qopt_err {
    size_t off;
    char *msg;
} qopt_err;

/* Parses text[0..len). implicit: the name of an implicit first key, or NULL
 * when the option has none (a first parameter without '=' is then a flag).
 * False with *err set (caller frees err->msg); out is empty then. */
bool qopt_read(const char *text, size_t len, const char *implicit, qopt_list *out,
                qopt_err *err);
void qopt_list_free(qopt_list *l);
/* Appends an item (the JSON reader builds lists too); takes key and value. */
void qopt_list_add(qopt_list *l, char *key, char *value, size_t key_off, size_t val_off);

#endif
