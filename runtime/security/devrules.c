/* devrules.c: the device allow-list of a guest's cgroup: paths resolved to
 * "type major:minor access" rules, in the text form of devices.allow. */
#include "security.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../../translators/util.h"

/* The seed's list ("Cgroups device ACLs"), and /dev/userfaultfd, which
 * QEMU opens for postcopy migration where the kernel has it. */
const char *const rt_cg_default_acl[] = {
    "/dev/null", "/dev/full", "/dev/zero", "/dev/random", "/dev/urandom",
    "/dev/ptmx", "/dev/kvm", "/dev/kqemu", "/dev/rtc", "/dev/hpet",
    "/dev/net/tun", "/dev/userfaultfd", NULL,
};

/* Access bits and their letters, in the order devices.list prints them. */
static const struct {
    unsigned bit;
    char letter;
} rt_dev_access_letters[] = {
    { RT_DEV_READ, 'r' },
    { RT_DEV_WRITE, 'w' },
    { RT_DEV_MKNOD, 'm' },
};

void rt_dev_rules_init(rt_dev_rules *r)
{
    memset(r, 0, sizeof(*r));
}

void rt_dev_rules_free(rt_dev_rules *r)
{
    free(r->v);
    rt_dev_rules_init(r);
}

/* Adds a rule, or widens the access of the one for the same device: the
 * kernel's v1 list merges them the same way, so devices.list then reads
 * back exactly these rules. */
static void rt_dev_rules_put(rt_dev_rules *r, rt_dev_rule rule)
{
    for (size_t i = 0; i < r->n; i++) {
        rt_dev_rule *x = &r->v[i];
        if (x->type == rule.type && x->major == rule.major && x->minor == rule.minor) {
            x->access |= rule.access;
            return;
        }
    }
    vc_xgrow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
    r->v[r->n++] = rule;
}

bool rt_dev_rules_add_path(rt_dev_rules *r, const char *path, unsigned access, vc_diags *d)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        /* A host without /dev/kqemu or /dev/hpet is normal: the ACL names
         * what a guest may use where it exists. */
        if (errno == ENOENT || errno == ENOTDIR)
            return true;
        return vc_runtime_error(d, "cannot read device %s: %s", path, strerror(errno));
    }
    char type;
    if (S_ISCHR(st.st_mode))
        type = 'c';
    else if (S_ISBLK(st.st_mode))
        type = 'b';
    else
        return true;   /* a file or directory is not the devices controller's business */
    rt_dev_rule rule = { type, (long)major(st.st_rdev), (long)minor(st.st_rdev), access };
    rt_dev_rules_put(r, rule);
    return true;
}

static void rt_dev_number_text(vc_buf *b, long n)
{
    if (n == RT_DEV_ANY)
        vc_buf_putc(b, '*');
    else
        vc_buf_printf(b, "%ld", n);
}

char *rt_dev_rule_text(const rt_dev_rule *rule)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%c ", rule->type);
    rt_dev_number_text(&b, rule->major);
    vc_buf_putc(&b, ':');
    rt_dev_number_text(&b, rule->minor);
    vc_buf_putc(&b, ' ');
    for (size_t i = 0; i < VC_ARRAY_SIZE(rt_dev_access_letters); i++)
        if (rule->access & rt_dev_access_letters[i].bit)
            vc_buf_putc(&b, rt_dev_access_letters[i].letter);
    return vc_buf_steal(&b);
}

/* number -> "*" | digits; *s advanced past it. */
static bool rt_dev_parse_number(const char **s, long *out)
{
    if (**s == '*') {
        (*s)++;
        *out = RT_DEV_ANY;
        return true;
    }
    if (**s < '0' || **s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(*s, &end, 10);
    if (errno || v > 0xFFFFFFFFUL)
        return false;
    *out = (long)v;
    *s = end;
    return true;
}

static unsigned rt_dev_access_bit(char c)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(rt_dev_access_letters); i++)
        if (rt_dev_access_letters[i].letter == c)
            return rt_dev_access_letters[i].bit;
    return 0;
}

/* rule -> TYPE ' ' number ':' number ' ' access+ */
bool rt_dev_rule_parse(const char *text, rt_dev_rule *out)
{
    const char *s = text;
    rt_dev_rule r = { 0, 0, 0, 0 };
    if (*s != 'a' && *s != 'b' && *s != 'c')
        return false;
    r.type = *s++;
    if (*s++ != ' ' || !rt_dev_parse_number(&s, &r.major) || *s++ != ':' ||
        !rt_dev_parse_number(&s, &r.minor) || *s++ != ' ')
        return false;
    for (; *s && *s != '\n'; s++) {
        unsigned bit = rt_dev_access_bit(*s);
        if (!bit || (r.access & bit))
            return false;
        r.access |= bit;
    }
    if (!r.access || (*s == '\n' && s[1]))
        return false;
    *out = r;
    return true;
}
