/*
 * argv_read_path.c: relative paths of a command line. QEMU opens a
 * relative path (-drive file=disk.qcow2, -cdrom install.iso, -kernel
 * vmlinuz, -serial file:log.txt) from the directory it runs in, as the
 * shell scripts that start it by hand write them; a domain names absolute
 * paths only. So, once the domain is read, every relative path in it is
 * read against that directory (--directory, else the current one), with
 * a warning at the word that gave it.
 */
#include "argv_read_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The word of the command line that holds text, and where in it, for the
 * warning's location; NULL (the file) when none does. */
static const shw_word *qr_path_word(const qemu_reader *r, const char *text, size_t *off)
{
    for (size_t i = 0; i < r->words.n; i++) {
        const char *at = strstr(r->words.v[i].text, text);
        if (at) {
            *off = (size_t)(at - r->words.v[i].text);
            return &r->words.v[i];
        }
    }
    *off = 0;
    return NULL;
}

/* dir/path, without the "./" a script may start it with. */
static char *qr_path_join(const char *dir, const char *path)
{
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (strcmp(path, ".") == 0 || !*path)
        return vc_xasprintf("%.*s", (int)n, dir);
    return vc_xasprintf("%.*s/%s", (int)n, n == 1 && dir[0] == '/' ? "" : dir, path);
}

/* Makes *p absolute when it is a relative path (an empty one is left
 * alone); dir NULL: the directory is unknown, an error. */
static bool qr_abs(qemu_reader *r, const char *dir, char **p)
{
    if (!*p || !**p || (*p)[0] == '/')
        return true;
    size_t off;
    const shw_word *w = qr_path_word(r, *p, &off);
    if (!dir)
        return qr_error(r, w, off, "relative path '%s': the current directory is unknown "
                        "(%s); --directory names the one QEMU runs in", *p, strerror(errno));
    char *abs = qr_path_join(dir, *p);
    qr_warn(r, w, off, "relative path '%s' read as '%s': QEMU opens it from the directory it "
            "runs in (%s)", *p, abs, r->dir ? "--directory" : "the current one; --directory "
            "names another");
    free(*p);
    *p = abs;
    return true;
}

static bool qr_abs_device(qemu_reader *r, const char *dir, ir_device *d)
{
    switch (d->kind) {
    case IR_DEV_DISK:
        if (d->u.disk.type == IR_DISK_TYPE_FILE || d->u.disk.type == IR_DISK_TYPE_BLOCK ||
            d->u.disk.type == IR_DISK_TYPE_DIR)
            return qr_abs(r, dir, &d->u.disk.source);
        return true;
    case IR_DEV_FILESYSTEM:
        return qr_abs(r, dir, &d->u.fs.source);
    case IR_DEV_CHR:
        if (d->u.chr.type == IR_CHR_FILE || d->u.chr.type == IR_CHR_PIPE ||
            d->u.chr.type == IR_CHR_UNIX || d->u.chr.type == IR_CHR_DEV)
            return qr_abs(r, dir, &d->u.chr.path);
        return true;
    case IR_DEV_RNG:
        return qr_abs(r, dir, &d->u.rng.backend_path);
    case IR_DEV_TPM:
        return qr_abs(r, dir, &d->u.tpm.device_path) && qr_abs(r, dir, &d->u.tpm.source_path);
    case IR_DEV_MEMORY:
        return qr_abs(r, dir, &d->u.memory.source_path);
    default:
        return true;
    }
}

/* After the domain is read: its relative paths made absolute, against
 * --directory (itself read against the current directory when relative)
 * or the current directory. */
bool qr_abs_paths(qemu_reader *r)
{
    char *cwd = getcwd(NULL, 0);
    char *given = r->dir && r->dir[0] != '/' && cwd ? qr_path_join(cwd, r->dir) : NULL;
    const char *dir = given ? given : r->dir ? r->dir : cwd;
    ir_domain *dom = r->dom;
    char **os_paths[] = { &dom->os.loader, &dom->os.nvram, &dom->os.kernel, &dom->os.initrd,
                          &dom->os.dtb };
    bool ok = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(os_paths); i++)
        ok &= qr_abs(r, dir, os_paths[i]);
    for (size_t i = 0; i < dom->ndevices; i++)
        ok &= qr_abs_device(r, dir, &dom->devices[i]);
    free(given);
    free(cwd);
    return ok;
}
