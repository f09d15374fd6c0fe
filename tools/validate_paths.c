/*
 * validate_paths.c: turning PATH arguments into the ordered list of files.
 *
 * Directories are walked depth first with each directory's entries sorted
 * bytewise, so the order (and so the output) does not depend on the file
 * system or the locale. What the walk takes and skips:
 *  - entries whose name starts with '.' (.git, editor droppings);
 *  - symbolic links to directories (they can make loops; name the target
 *    if it should be checked);
 *  - names not ending in ".xml".
 * A "*.xml" entry that cannot be checked -- a dangling link, a FIFO or
 * device (opening a FIFO would block the run) -- is not skipped: it becomes
 * a failed file with a located error, so a broken tree fails CI instead of
 * passing silently. A directory named "*.xml" is a directory and is walked.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../translators/util.h"
#include "validate.h"

void val_files_init(val_files *fs)
{
    fs->v = NULL;
    fs->n = fs->cap = 0;
}

void val_files_free(val_files *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].name);
        free(fs->v[i].path);
        vc_diags_free(&fs->v[i].diags);
    }
    free(fs->v);
    val_files_init(fs);
}

/* Takes name and path. */
static val_file *paths_push(val_files *fs, char *name, char *path)
{
    vc_xgrow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof(val_file));
    val_file *f = &fs->v[fs->n++];
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->path = path;
    vc_diags_init(&f->diags);
    return f;
}

/* A file that listing already knows cannot be checked. Its error is at
 * 1:1 like every file-level error, so that CI problem matchers that want a
 * line pick it up. */
static void paths_push_bad(val_files *fs, const char *name, const char *fmt, const char *why)
{
    val_file *f = paths_push(fs, vc_xstrdup(name), NULL);
    f->listed_bad = true;
    f->status = VAL_FAILED;
    vc_loc loc = { name, 1, 1 };
    vc_error_at(&f->diags, loc, fmt, why);
}

/* "." adds nothing to a name but noise, and GitHub annotations want paths
 * relative to the workspace: `virtc validate .` reports "vm.xml". */
static char *paths_join(const char *dir, const char *name)
{
    if (strcmp(dir, ".") == 0)
        return vc_xstrdup(name);
    size_t l = strlen(dir);
    if (l && dir[l - 1] == '/')
        return vc_xasprintf("%s%s", dir, name);
    return vc_xasprintf("%s/%s", dir, name);
}

static int paths_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The visible entries of dir, sorted; NULL (errno set) when it cannot be read. */
static char **paths_list(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    vc_strv names;
    vc_strv_init(&names);
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.')
            vc_strv_add(&names, e->d_name);
        errno = 0;
    }
    int err = errno;
    closedir(d);
    if (err) {
        vc_strv_free(&names);
        errno = err;
        return NULL;
    }
    if (names.n > 1)
        qsort(names.v, names.n, sizeof(char *), paths_cmp);
    *n = names.n;
    if (!names.v)
        return vc_xcalloc(1, sizeof(char *));
    return names.v;
}

static void paths_walk(val_files *fs, const char *dir);

static void paths_entry(val_files *fs, const char *full, const char *name)
{
    struct stat st, lst;
    bool is_xml = vc_str_has_suffix(name, ".xml");
    if (stat(full, &st) != 0) {
        if (is_xml)
            paths_push_bad(fs, full, "cannot read: %s", strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        if (lstat(full, &lst) == 0 && !S_ISLNK(lst.st_mode))
            paths_walk(fs, full);
        return;
    }
    if (!is_xml)
        return;
    if (!S_ISREG(st.st_mode)) {
        paths_push_bad(fs, full, "cannot read: %s", "not a regular file");
        return;
    }
    paths_push(fs, vc_xstrdup(full), vc_xstrdup(full));
}

static void paths_walk(val_files *fs, const char *dir)
{
    size_t n = 0;
    char **names = paths_list(dir, &n);
    if (!names) {
        paths_push_bad(fs, dir, "cannot read directory: %s", strerror(errno));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char *full = paths_join(dir, names[i]);
        paths_entry(fs, full, names[i]);
        free(full);
        free(names[i]);
    }
    free(names);
}

bool val_files_add_path(val_files *fs, const char *path)
{
    if (strcmp(path, "-") == 0) {
        paths_push(fs, vc_xstrdup("<stdin>"), NULL);
        return true;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        paths_push_bad(fs, path, "cannot read: %s", strerror(errno));
        return true;
    }
    if (!S_ISDIR(st.st_mode)) {
        /* Named explicitly, so a pipe is fine: `virtc validate <(cmd)`. */
        paths_push(fs, vc_xstrdup(path), vc_xstrdup(path));
        return true;
    }
    size_t before = fs->n;
    paths_walk(fs, path);
    if (fs->n == before) {
        /* A lint of an empty or mistyped tree must not pass CI. */
        fprintf(stderr, "%s: error: no *.xml files found\n", path);
        return false;
    }
    return true;
}
