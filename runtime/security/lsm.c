/* lsm.c: whether the host runs the security module a security_driver names.
 *
 * The kernel lists its active LSMs, in order, in securityfs's "lsm" file
 * ("capability,landlock,yama,apparmor"). Listed is not enough: SELinux
 * also needs selinuxfs mounted (userspace talks to it there; "disabled"
 * at boot leaves it absent), AppArmor its securityfs directory. On the
 * real paths the libraries' own tests (is_selinux_enabled, aa_is_enabled)
 * must agree as well, since they are what later calls rely on. */
#include "security.h"
#include "sec_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../translators/util.h"

typedef struct rt_lsm_desc {
    const char *driver;          /* security_driver's word, and the lsm list's */
    const char *title;           /* for messages */
    const char *(*marker)(const rt_sec_host *h, char **owned);   /* must exist */
    bool (*library_load)(vc_diags *d);
    int (*library_enabled)(void);
} rt_lsm_desc;

static const char *rt_lsm_or(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

static const char *rt_lsm_selinux_marker(const rt_sec_host *h, char **owned)
{
    *owned = vc_xasprintf("%s/enforce", rt_lsm_or(h->selinuxfs, "/sys/fs/selinux"));
    return *owned;
}

static const char *rt_lsm_apparmor_marker(const rt_sec_host *h, char **owned)
{
    *owned = NULL;
    return rt_lsm_or(h->apparmor_dir, "/sys/kernel/security/apparmor");
}

static const rt_lsm_desc rt_lsms[] = {
    { "selinux", "SELinux", rt_lsm_selinux_marker, rt_se_lib_load, rt_se_lib_enabled },
    { "apparmor", "AppArmor", rt_lsm_apparmor_marker, rt_aa_lib_load, rt_aa_lib_enabled },
};

/* Whether the comma-separated list names word. */
static bool rt_lsm_listed(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",\n");
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
        p += *p != '\0';
    }
    return false;
}

static bool rt_lsm_enabled(const rt_lsm_desc *m, const rt_sec_host *h, vc_diags *d)
{
    const char *lsm_file = rt_lsm_or(h->lsm_file, "/sys/kernel/security/lsm");
    char *list = vc_read_file(lsm_file, NULL);
    bool have_list = list != NULL;
    if (list) {
        list[strcspn(list, "\n")] = '\0';
        if (!rt_lsm_listed(list, m->driver)) {
            vc_runtime_error(d, "security_driver '%s': %s is not enabled on this host (%s "
                             "lists '%s')", m->driver, m->title, lsm_file, list);
            free(list);
            return false;
        }
        free(list);
    }
    char *owned;
    const char *marker = m->marker(h, &owned);
    struct stat st;
    bool ok = stat(marker, &st) == 0;
    if (!ok && have_list)
        vc_runtime_error(d, "security_driver '%s': %s is listed in %s but %s does not exist",
                         m->driver, m->title, lsm_file, marker);
    else if (!ok)
        vc_runtime_error(d, "security_driver '%s': %s is not enabled on this host (%s cannot "
                         "be read and %s does not exist)", m->driver, m->title, lsm_file, marker);
    /* The real host: the library must see it too. */
    bool real = !h->lsm_file && !h->selinuxfs && !h->apparmor_dir;
    if (ok && real && !m->library_load(d))
        ok = false;
    else if (ok && real && m->library_enabled() <= 0)
        ok = vc_runtime_error(d, "security_driver '%s': %s is not enabled on this host (the "
                              "library reports it disabled)", m->driver, m->title);
    free(owned);
    return ok;
}

bool rt_sec_lsm_check(const char *driver, const rt_sec_host *host, vc_diags *d)
{
    static const rt_sec_host none = { 0 };
    host = host ? host : &none;
    if (vc_streq(driver, "none") || vc_streq(driver, "dac"))
        return true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(rt_lsms); i++)
        if (vc_streq(driver, rt_lsms[i].driver))
            return rt_lsm_enabled(&rt_lsms[i], host, d);
    char *shown = rt_sec_printable(driver);
    vc_diag_add(d, VC_ERR_INVALID, VC_SEV_ERROR, (vc_loc){ 0 },
                "unknown security driver '%s' (known: none, dac, selinux, apparmor)", shown);
    free(shown);
    return false;
}
