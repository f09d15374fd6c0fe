/* util.c: checked allocation, vc_buf, vc_strv and strict number parsing. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void vc_oom(void)
{
    /* stderr may be fully buffered and abort() does not flush it */
    static const char msg[] = "virtc: out of memory\n";
    ssize_t unused = write(2, msg, sizeof(msg) - 1);
    (void)unused;
    abort();
}

void *vc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        vc_oom();
    return p;
}

void *vc_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        vc_oom();
    return p;
}

void *vc_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        vc_oom();
    return p;
}

void vc_xgrow(void **p, size_t *cap, size_t need, size_t elt)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            vc_oom();
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elt)
        vc_oom();
    *p = vc_xrealloc(*p, ncap * elt);
    memset((char *)*p + *cap * elt, 0, (ncap - *cap) * elt);
    *cap = ncap;
}

char *vc_xstrdup(const char *s)
{
    return s ? vc_xstrndup(s, strlen(s)) : NULL;
}

char *vc_xstrndup(const char *s, size_t n)
{
    char *d = vc_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Most strings built here are short (an option, a path, a message): they
 * are formatted once, on the stack, and copied at their size; only a longer
 * one is formatted a second time, into memory of its measured size. */
#define VC_FMT_GUESS 128

char *vc_xvasprintf(const char *fmt, va_list ap)
{
    char first[VC_FMT_GUESS];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(first, sizeof(first), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        vc_oom();
    if ((size_t)n < sizeof(first))
        return vc_xstrndup(first, (size_t)n);
    char *s = vc_xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *vc_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vc_xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void vc_buf_init(vc_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void vc_buf_free(vc_buf *b)
{
    free(b->data);
    vc_buf_init(b);
}

void vc_buf_add(vc_buf *b, const char *s, size_t n)
{
    vc_xgrow((void **)&b->data, &b->cap, b->len + n + 1, 1);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void vc_buf_puts(vc_buf *b, const char *s)
{
    vc_buf_add(b, s, strlen(s));
}

void vc_buf_putc(vc_buf *b, char c)
{
    vc_buf_add(b, &c, 1);
}

/* Formats straight into the buffer's free space, growing it and formatting
 * again only when the text did not fit: no temporary string per call (the
 * emitters and the formatter call this for every attribute they write). */
void vc_buf_printf(vc_buf *b, const char *fmt, ...)
{
    vc_xgrow((void **)&b->data, &b->cap, b->len + VC_FMT_GUESS, 1);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        vc_oom();
    if ((size_t)n >= b->cap - b->len) {
        vc_xgrow((void **)&b->data, &b->cap, b->len + (size_t)n + 1, 1);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void vc_buf_indent(vc_buf *b, int n)
{
    static const char spaces[] = "                                ";
    for (; n > 0; n -= (int)sizeof(spaces) - 1)
        vc_buf_add(b, spaces, n < (int)sizeof(spaces) - 1 ? (size_t)n : sizeof(spaces) - 1);
}

void vc_buf_xml_escape(vc_buf *b, const char *s, char quote, bool attr)
{
    for (; *s; s++) {
        /* the run of characters that need no reference, copied at once */
        size_t plain = strcspn(s, "&<>'\"\n\r\t");
        if (plain) {
            vc_buf_add(b, s, plain);
            s += plain;
            if (!*s)
                break;
        }
        switch (*s) {
        case '&': vc_buf_puts(b, "&amp;"); break;
        case '<': vc_buf_puts(b, "&lt;"); break;
        case '>': vc_buf_puts(b, "&gt;"); break;
        case '\'': vc_buf_puts(b, quote == '\'' ? "&apos;" : "'"); break;
        case '"': vc_buf_puts(b, quote == '"' || quote == '\'' ? "&quot;" : "\""); break;
        case '\n': vc_buf_puts(b, attr ? "&#10;" : "\n"); break;
        /* A raw CR reads back as a newline, in text too (XML's end-of-line
         * handling): only the reference keeps it. */
        case '\r': vc_buf_puts(b, "&#13;"); break;
        case '\t': vc_buf_puts(b, attr ? "&#9;" : "\t"); break;
        default: vc_buf_putc(b, *s); break;
        }
    }
}

char *vc_buf_steal(vc_buf *b)
{
    char *s = b->data ? b->data : vc_xstrdup("");
    vc_buf_init(b);
    return s;
}

const char *vc_buf_str(const vc_buf *b)
{
    return b->data ? b->data : "";
}

void vc_strv_init(vc_strv *sv)
{
    sv->v = NULL;
    sv->n = 0;
    sv->cap = 0;
}

void vc_strv_free(vc_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    vc_strv_init(sv);
}

void vc_strv_take(vc_strv *sv, char *s)
{
    vc_xgrow((void **)&sv->v, &sv->cap, sv->n + 2, sizeof(char *));
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void vc_strv_add(vc_strv *sv, const char *s)
{
    vc_strv_take(sv, vc_xstrdup(s));
}

void vc_strv_addf(vc_strv *sv, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_strv_take(sv, vc_xvasprintf(fmt, ap));
    va_end(ap);
}

/* strtoull/strtoll skip leading white space and take a sign: the whole
 * string must be the number, so it must start with a digit (or '-'). */
static bool vc_starts_number(const char *s, bool sign)
{
    if (sign && *s == '-')
        s++;
    return *s >= '0' && *s <= '9';
}

bool vc_parse_ull(const char *s, int base, unsigned long long *out)
{
    if (!s || !vc_starts_number(s, false))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool vc_parse_ll(const char *s, int base, long long *out)
{
    if (!s || !vc_starts_number(s, true))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, base);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool vc_parse_int(const char *s, int *out)
{
    long long v;
    if (!vc_parse_ll(s, 10, &v) || v < INT_MIN || v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}

bool vc_streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool vc_str_has_prefix(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool vc_str_has_suffix(const char *s, const char *suffix)
{
    if (!s)
        return false;
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

bool vc_words_have(const char *words, const char *w)
{
    size_t wl = strlen(w);
    for (const char *s = words; s && *s;) {
        s += strspn(s, " \t\n");
        size_t l = strcspn(s, " \t\n");
        if (l == wl && l && strncmp(s, w, l) == 0)
            return true;
        s += l;
    }
    return false;
}

static void vc_read_reserve(char **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return;
    *buf = vc_xrealloc(*buf, need);
    *cap = need;
}

/* Reads fd to its end or past the limit: in one read() for a regular file
 * whose size is known, in growing steps otherwise (pipes, /proc). */
static int vc_read_fd(int fd, const struct stat *st, char **buf, size_t *cap, size_t *len)
{
    bool sized = S_ISREG(st->st_mode) && st->st_size > 0;
    if (sized && (unsigned long long)st->st_size > VC_READ_MAX)
        return EFBIG;
    /* +1 sees a file that grew, and holds the NUL */
    vc_read_reserve(buf, cap, sized ? (size_t)st->st_size + 2 : 65536);
    size_t n = 0;
    for (;;) {
        if (n + 1 >= *cap) {
            if (n > VC_READ_MAX)
                return EFBIG;
            vc_read_reserve(buf, cap, *cap * 2 > VC_READ_MAX + 2 ? VC_READ_MAX + 2 : *cap * 2);
        }
        ssize_t r = read(fd, *buf + n, *cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno;
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > VC_READ_MAX)
            return EFBIG;
        /* all fstat promised: skip the read() that would say end of file */
        if (sized && n == (size_t)st->st_size)
            break;
    }
    (*buf)[n] = '\0';
    *len = n;
    return 0;
}

int vc_read_into(const char *path, unsigned flags, char **buf, size_t *cap, size_t *len)
{
    bool std_in = strcmp(path, "-") == 0;
    if (std_in && (flags & VC_READ_REGULAR))
        return VC_READ_ENOTREG;
    /* O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
    int fd = std_in ? STDIN_FILENO
                    : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
                                     ((flags & VC_READ_REGULAR) ? O_NONBLOCK : 0));
    if (fd < 0)
        return errno;
    struct stat st;
    int err = fstat(fd, &st) != 0 ? errno : 0;
    if (!err && S_ISDIR(st.st_mode))
        err = EISDIR;
    else if (!err && (flags & VC_READ_REGULAR) && !S_ISREG(st.st_mode))
        err = VC_READ_ENOTREG;
    if (!err && (flags & VC_READ_REGULAR) && fcntl(fd, F_SETFL, 0) != 0)
        err = errno;
    if (!err)
        err = vc_read_fd(fd, &st, buf, cap, len);
    if (!std_in)
        close(fd);
    return err;
}

const char *vc_read_strerror(int err)
{
    if (err == EFBIG)
        return "document too large (the limit is 10 MiB)";
    if (err == VC_READ_ENOTREG)
        return "not a regular file";
    return strerror(err);
}

char *vc_read_input(const char *path, unsigned flags, size_t *len, int *err)
{
    char *buf = NULL;
    size_t cap = 0, n = 0;
    *err = vc_read_into(path, flags, &buf, &cap, &n);
    if (*err) {
        free(buf);
        return NULL;
    }
    if (len)
        *len = n;
    return buf;
}

char *vc_read_file(const char *path, size_t *len)
{
    int err;
    char *s = vc_read_input(path, 0, len, &err);
    if (!s)
        errno = err == VC_READ_ENOTREG ? EINVAL : err;
    return s;
}

/* ---- the heap of a large document ------------------------------------
 * A document of tens of thousands of devices becomes millions of small
 * allocations (libxml2's tree, its validation states, the IR) over a few
 * hundred MB of heap. Touched 4 KiB at a time, that heap costs a page fault
 * per page and, in the validator's walks over it, TLB misses: a quarter of
 * the run time of 50,000 disks on a VM. Where transparent huge pages are
 * given only to memory that asks for them ("madvise", Debian's default), the
 * heap is grown once, by what the document will need, and that part asks
 * for huge pages. glibc's main heap only: it is where the main thread
 * allocates; anything else is left as it is. A hint: nothing but speed
 * depends on it. */
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 33) && defined(MADV_HUGEPAGE)
#define VC_HEAP_MIN ((size_t)32 << 20)     /* smaller ones gain nothing measurable */
#define VC_HEAP_STEP ((size_t)64 << 10)    /* under glibc's least mmap threshold */

/* Makes glibc grow the main heap now: blocks are taken until the heap's end
 * moves (what is free is used up first), each holding the previous one's
 * address, and then given back. */
static void vc_heap_grow_now(void)
{
    char *before = sbrk(0);
    size_t limit = mallinfo2().fordblks + 2 * VC_HEAP_STEP;
    void **chain = NULL;
    for (size_t got = 0; (char *)sbrk(0) == before && got < limit; got += VC_HEAP_STEP) {
        void **blk = vc_xmalloc(VC_HEAP_STEP);
        *blk = chain;
        chain = blk;
    }
    while (chain) {
        void **next = *chain;
        free(chain);
        chain = next;
    }
}

void vc_heap_expect(size_t bytes)
{
    static bool done;           /* the main thread's alone: no lock */
    if (done || bytes < VC_HEAP_MIN || getpid() != gettid())
        return;
    done = true;
    char *from = sbrk(0);
    /* the growth, and what trimming keeps in hand afterwards */
    mallopt(M_TOP_PAD, bytes > INT_MAX ? INT_MAX : (int)bytes);
    vc_heap_grow_now();
    vc_heap_hint_huge(from, sbrk(0));
}
#else
void vc_heap_expect(size_t bytes)
{
    (void)bytes;
}
#endif

/* ---- a thread's heap, faulted in at once ------------------------------
 * A page's first touch is a page fault, and on a VM a fault is dear: a
 * thread that is about to fill a few MB of fresh heap (the pruned schema's
 * scan: its file texts, nodes and attributes) spends a large share of its
 * time in them. The calling thread's arena is grown now by one block whose
 * pages are populated in one madvise (MADV_POPULATE_WRITE, Linux 5.14),
 * then freed: it stays in the arena for the thread's allocations, as
 * glibc's mmap and trim thresholds are raised above it. A hint: nothing
 * but speed depends on it, and a kernel without the advice just faults. */
void vc_heap_prefault(size_t bytes)
{
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
    int keep = bytes > INT_MAX / 2 ? INT_MAX : (int)(2 * bytes);
    mallopt(M_MMAP_THRESHOLD, keep);
    mallopt(M_TRIM_THRESHOLD, keep);
    char *blk = malloc(bytes);
    if (!blk)
        return;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)blk + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)blk + bytes) & ~(page - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
    free(blk);
#else
    (void)bytes;
#endif
}

void vc_heap_hint_huge(const void *from, const void *to)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)from + huge - 1) & ~(huge - 1);
    uintptr_t hi = (uintptr_t)to & ~(huge - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)from;
    (void)to;
#endif
}
