/*
 * selinux.c: the SELinux labels of a guest (the seed's "SELinux basic
 * confinement" and "SELinux sVirt confinement"), and applying them.
 *
 *   basic    QEMU runs as root:system_r:qemu_t; images must already carry
 *            system_u:object_r:virt_image_t (the administrator's job, e.g.
 *            through the default context of the images directory): nothing
 *            is relabelled.
 *   sVirt    QEMU runs as system_u:system_r:svirt_t:s0:cA,cB with the
 *            guest's own category pair; its exclusive images are relabelled
 *            system_u:object_r:svirt_image_t:s0:cA,cB, <shareable/> disks
 *            system_u:object_r:svirt_image_t:s0 (every guest may write
 *            them), <readonly/> ones system_u:object_r:svirt_content_t:s0
 *            (every guest may read them). The seed prints the role of the
 *            two generic labels as system_r; files carry object_r, which is
 *            what is used here.
 *   static   the <seclabel> label as given, its image label as given, and
 *            nothing relabelled: the application labelled its files.
 *
 * Only exclusive images get their old label back when the guest ends: a
 * shared or read-only image may be in use by another guest, which the
 * generic label is for.
 */
#include "security.h"
#include "sec_priv.h"

#include <errno.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>

#include "../../translators/dynlib.h"
#include "../../translators/util.h"

#define RT_SE_BASIC_PROCESS "root:system_r:qemu_t"
#define RT_SE_BASIC_IMAGE "system_u:object_r:virt_image_t"
#define RT_SE_SVIRT_PROCESS "system_u:system_r:svirt_t:s0"
#define RT_SE_SVIRT_IMAGE "system_u:object_r:svirt_image_t:s0"
#define RT_SE_SVIRT_CONTENT "system_u:object_r:svirt_content_t:s0"

/* An identifier of a context's user, role or type. */
static size_t rt_se_ident_len(const char *s)
{
    size_t n = 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
           (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '.' || s[n] == '-')
        n++;
    return n;
}

/* context -> user ':' role ':' type [ ':' level ]
 * level (MLS/MCS: "s0", "s0:c1,c2", "s0-s0:c0.c1023") is checked for its
 * characters only: its structure is the policy's business. */
static bool rt_se_context_ok(const char *ctx)
{
    const char *s = ctx;
    for (int field = 0; field < 3; field++) {
        size_t n = rt_se_ident_len(s);
        if (n == 0)
            return false;
        s += n;
        if (field < 2 && *s++ != ':')
            return false;
    }
    if (*s == '\0')
        return true;
    if (*s++ != ':' || *s == '\0')
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,:-") ==
           strlen(s);
}

static bool rt_se_invalid(vc_diags *d, const char *what, const char *label)
{
    char *shown = rt_sec_printable(label);
    vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 },
                "%s '%s' is not an SELinux context (user:role:type[:level])", what, shown);
    free(shown);
    return false;
}

static bool rt_se_dynamic(const rt_se_spec *spec, rt_se_labels *out, vc_diags *d)
{
    rt_mcs_pair p = spec->pair;
    if (p.c1 >= p.c2 || p.c2 > 1023) {
        vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 },
                    "sVirt: c%u,c%u is not an MCS category pair (two of c0..c1023, "
                    "the lower first)", p.c1, p.c2);
        return false;
    }
    char *cats = rt_mcs_text(p);
    out->process = vc_xasprintf("%s:%s", RT_SE_SVIRT_PROCESS, cats);
    out->image = vc_xasprintf("%s:%s", RT_SE_SVIRT_IMAGE, cats);
    out->shared = vc_xstrdup(RT_SE_SVIRT_IMAGE);
    out->readonly = vc_xstrdup(RT_SE_SVIRT_CONTENT);
    out->relabel = true;
    free(cats);
    return true;
}

static bool rt_se_static(const rt_se_spec *spec, rt_se_labels *out, vc_diags *d)
{
    if (!spec->static_label) {
        vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 },
                    "a static SELinux label needs its <label>");
        return false;
    }
    if (!rt_se_context_ok(spec->static_label))
        return rt_se_invalid(d, "label", spec->static_label);
    if (spec->static_imagelabel && !rt_se_context_ok(spec->static_imagelabel))
        return rt_se_invalid(d, "imagelabel", spec->static_imagelabel);
    out->process = vc_xstrdup(spec->static_label);
    out->image = vc_xstrdup(spec->static_imagelabel);
    out->relabel = false;
    return true;
}

bool rt_se_labels_compute(const rt_se_spec *spec, rt_se_labels *out, vc_diags *d)
{
    memset(out, 0, sizeof(*out));
    switch (spec->model) {
    case RT_SE_BASIC:
        out->process = vc_xstrdup(RT_SE_BASIC_PROCESS);
        out->image = vc_xstrdup(RT_SE_BASIC_IMAGE);
        out->shared = vc_xstrdup(RT_SE_BASIC_IMAGE);
        out->readonly = vc_xstrdup(RT_SE_BASIC_IMAGE);
        out->relabel = false;
        return true;
    case RT_SE_DYNAMIC:
        return rt_se_dynamic(spec, out, d);
    case RT_SE_STATIC:
        return rt_se_static(spec, out, d);
    }
    vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 }, "unknown SELinux model %d",
                (int)spec->model);
    return false;
}

void rt_se_labels_free(rt_se_labels *l)
{
    free(l->process);
    free(l->image);
    free(l->shared);
    free(l->readonly);
    memset(l, 0, sizeof(*l));
}

const char *rt_se_file_label(const rt_se_labels *l, rt_se_use use)
{
    switch (use) {
    case RT_SE_EXCLUSIVE: return l->image;
    case RT_SE_SHARED: return l->shared;
    case RT_SE_READONLY: return l->readonly;
    }
    return NULL;
}

/* ---- applying them ------------------------------------------------------- */

/* libselinux, opened when SELinux is first asked about or a label first
 * read or set; setexeccon runs in QEMU's child, after the parent loaded
 * it (the driver's check at start), and fails there otherwise. */
static struct {
    __typeof__(is_selinux_enabled) *is_selinux_enabled;
    __typeof__(getfilecon) *getfilecon;
    __typeof__(freecon) *freecon;
    __typeof__(setfilecon) *setfilecon;
    __typeof__(setexeccon) *setexeccon;
} rt_se_fn;

static const vc_dl_sym rt_se_syms[] = {
    VC_DL_SYM(rt_se_fn, is_selinux_enabled), VC_DL_SYM(rt_se_fn, getfilecon),
    VC_DL_SYM(rt_se_fn, freecon), VC_DL_SYM(rt_se_fn, setfilecon),
    VC_DL_SYM(rt_se_fn, setexeccon),
};

static vc_dl_lib rt_se_dl = VC_DL_LIB("libselinux.so.1", "libselinux1", rt_se_syms);

bool rt_se_lib_load(vc_diags *d)
{
    return vc_dl_load(&rt_se_dl, d);
}

int rt_se_lib_enabled(void)
{
    return rt_se_lib_load(NULL) ? rt_se_fn.is_selinux_enabled() : -1;
}

/* libselinux behind the backend's signatures (a label from getfilecon is
 * copied, so that every backend's label is freed with free); ELIBACC when
 * it cannot be loaded. */
static int rt_se_lib_get(const char *path, char **label)
{
    char *con = NULL;
    if (!rt_se_lib_load(NULL)) {
        errno = ELIBACC;
        return -1;
    }
    if (rt_se_fn.getfilecon(path, &con) < 0)
        return -1;
    *label = vc_xstrdup(con);
    rt_se_fn.freecon(con);
    return 0;
}

static int rt_se_lib_set(const char *path, const char *label)
{
    if (!rt_se_lib_load(NULL)) {
        errno = ELIBACC;
        return -1;
    }
    return rt_se_fn.setfilecon(path, label);
}

static const rt_se_backend rt_se_lib = { rt_se_lib_enabled, rt_se_lib_get, rt_se_lib_set };
static const rt_se_backend *rt_se_be = &rt_se_lib;

void rt_se_set_backend(const rt_se_backend *b)
{
    rt_se_be = b ? b : &rt_se_lib;
}

typedef struct rt_se_old {
    char *path;
    char *label;         /* what it had */
} rt_se_old;

struct rt_se_saved {
    rt_se_old *v;
    size_t n, cap;
};

static bool rt_se_label_one(const char *path, const char *label, rt_se_saved *saved,
                            bool keep, rt_undo *undo, vc_diags *d)
{
    char *old = NULL;
    if (keep && rt_se_be->get(path, &old) < 0)
        return vc_runtime_error(d, "cannot read the SELinux label of %s: %s", path,
                                strerror(errno));
    /* the old label is in the journal before the file changes */
    bool noted = !keep || (strpbrk(old, " \n")
                               ? vc_runtime_error(d, "the SELinux label of %s is not one word", path)
                               : rt_undo_note(undo, "label", old, path, d));
    if (!noted) {
        free(old);
        return false;
    }
    if (rt_se_be->set(path, label) < 0) {
        int err = errno;
        free(old);
        return vc_runtime_error(d, "cannot label %s %s: %s", path, label, strerror(err));
    }
    if (keep) {
        vc_xgrow((void **)&saved->v, &saved->cap, saved->n + 1, sizeof(*saved->v));
        saved->v[saved->n++] = (rt_se_old){ vc_xstrdup(path), old };
    }
    return true;
}

bool rt_se_relabel(const rt_se_labels *l, const rt_se_file *files, size_t n,
                   rt_se_saved **saved, vc_diags *d)
{
    return rt_se_relabel_noted(l, files, n, NULL, saved, d);
}

bool rt_se_relabel_noted(const rt_se_labels *l, const rt_se_file *files, size_t n,
                         rt_undo *undo, rt_se_saved **saved, vc_diags *d)
{
    if (l->relabel && rt_se_be->enabled() <= 0)
        return vc_runtime_error(d, "SELinux is not enabled on this host: cannot label %s",
                                n ? files[0].path : "the guest's files");
    if (!*saved)
        *saved = vc_xcalloc(1, sizeof(**saved));
    if (!l->relabel)
        return true;
    for (size_t i = 0; i < n; i++) {
        const char *label = rt_se_file_label(l, files[i].use);
        if (label && !rt_se_label_one(files[i].path, label, *saved,
                                      files[i].use == RT_SE_EXCLUSIVE, undo, d)) {
            vc_diags ignore;
            vc_diags_init(&ignore);
            rt_se_restore(*saved, &ignore);
            vc_diags_free(&ignore);
            *saved = NULL;
            return false;
        }
    }
    return true;
}

bool rt_se_restore_one(const char *path, const char *label, vc_diags *d)
{
    if (rt_se_be->set(path, label) < 0 && errno != ENOENT)
        return vc_runtime_error(d, "cannot restore the SELinux label %s of %s: %s", label, path,
                                strerror(errno));
    return true;
}

bool rt_se_restore(rt_se_saved *saved, vc_diags *d)
{
    if (!saved)
        return true;
    bool ok = true;
    /* Last labelled, first restored: a path listed twice ends as it began. */
    for (size_t i = saved->n; i-- > 0;) {
        rt_se_old *o = &saved->v[i];
        ok = rt_se_restore_one(o->path, o->label, d) && ok;
        free(o->path);
        free(o->label);
    }
    free(saved->v);
    free(saved);
    return ok;
}

int rt_se_exec_label(const char *label)
{
    if (!rt_se_fn.setexeccon) {   /* never opened here: see rt_se_fn */
        errno = ELIBACC;
        return -1;
    }
    return rt_se_fn.setexeccon(label) < 0 ? -1 : 0;
}
