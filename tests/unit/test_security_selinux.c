/* test_security_selinux.c: runtime/security's SELinux side: the label
 * strings of each model (exact), the MCS category pair allocator
 * (uniqueness, no reuse of a live pair, stale pairs taken over, concurrent
 * starts), and the host checks: which LSM is enabled (against files written
 * here, and the real host), and the errors when SELinux is absent. */
#include <errno.h>
#include <fcntl.h>
#include <selinux/selinux.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../runtime/security/security.h"
#include "check.h"
#include "util.h"

static bool is(const char *got, const char *want)
{
    bool ok = got && want ? strcmp(got, want) == 0 : got == want;
    if (!ok)
        printf("  got '%s', want '%s'\n", got ? got : "(null)", want ? want : "(null)");
    return ok;
}

static bool first_error_has(const vc_diags *d, vc_code code, const char *want)
{
    bool ok = d->n >= 1 && d->v[0].code == code && strstr(d->v[0].message, want);
    if (!ok)
        printf("  got '%s', want it to contain '%s'\n", d->n ? d->v[0].message : "(none)", want);
    return ok;
}

/* ---- labels -------------------------------------------------------------- */

static void test_labels(void)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_se_labels l;
    rt_se_spec basic = { .model = RT_SE_BASIC };
    CHECK(rt_se_labels_compute(&basic, &l, &d) && is(l.process, "root:system_r:qemu_t") &&
              is(l.image, "system_u:object_r:virt_image_t") &&
              is(l.shared, "system_u:object_r:virt_image_t") &&
              is(l.readonly, "system_u:object_r:virt_image_t") && !l.relabel,
          "basic confinement: qemu_t, images virt_image_t, nothing relabelled");
    rt_se_labels_free(&l);

    rt_se_spec svirt = { .model = RT_SE_DYNAMIC, .pair = { 34, 44 } };
    CHECK(rt_se_labels_compute(&svirt, &l, &d) &&
              is(l.process, "system_u:system_r:svirt_t:s0:c34,c44") &&
              is(l.image, "system_u:object_r:svirt_image_t:s0:c34,c44") &&
              is(l.shared, "system_u:object_r:svirt_image_t:s0") &&
              is(l.readonly, "system_u:object_r:svirt_content_t:s0") && l.relabel,
          "sVirt: svirt_t and svirt_image_t with the pair, generic shared/read-only labels");
    CHECK(is(rt_se_file_label(&l, RT_SE_EXCLUSIVE), l.image) &&
              is(rt_se_file_label(&l, RT_SE_SHARED), l.shared) &&
              is(rt_se_file_label(&l, RT_SE_READONLY), l.readonly),
          "sVirt: each file use gets its label");
    rt_se_labels_free(&l);

    svirt.pair = (rt_mcs_pair){ 0, 1023 };
    CHECK(rt_se_labels_compute(&svirt, &l, &d) &&
              is(l.process, "system_u:system_r:svirt_t:s0:c0,c1023"),
          "sVirt: the range's ends");
    rt_se_labels_free(&l);
    rt_mcs_pair bad_pairs[] = { { 44, 34 }, { 5, 5 }, { 1, 1024 } };
    for (size_t i = 0; i < VC_ARRAY_SIZE(bad_pairs); i++) {
        vc_diags_clear(&d);
        svirt.pair = bad_pairs[i];
        bool refused = !rt_se_labels_compute(&svirt, &l, &d) &&
                       first_error_has(&d, VC_ERR_INVALID, "is not an MCS category pair");
        char *name = vc_xasprintf("sVirt: c%u,c%u is refused", bad_pairs[i].c1, bad_pairs[i].c2);
        CHECK(refused, name);
        free(name);
        rt_se_labels_free(&l);
    }

    rt_se_spec stat = { .model = RT_SE_STATIC,
                        .static_label = "system_u:system_r:svirt_t:s0:c392,c662",
                        .static_imagelabel = "system_u:object_r:svirt_image_t:s0:c392,c662" };
    vc_diags_clear(&d);
    CHECK(rt_se_labels_compute(&stat, &l, &d) &&
              is(l.process, "system_u:system_r:svirt_t:s0:c392,c662") &&
              is(l.image, "system_u:object_r:svirt_image_t:s0:c392,c662") && !l.shared &&
              !l.readonly && !l.relabel,
          "static: the <seclabel> labels as given, nothing relabelled");
    rt_se_labels_free(&l);
    stat.static_label = "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023";
    stat.static_imagelabel = NULL;
    CHECK(rt_se_labels_compute(&stat, &l, &d) && is(l.process, stat.static_label) && !l.image,
          "static: an MLS range, no image label");
    rt_se_labels_free(&l);
    stat.static_label = "staff_u:staff_r:staff_t";
    CHECK(rt_se_labels_compute(&stat, &l, &d) && is(l.process, "staff_u:staff_r:staff_t"),
          "static: a context without a level");
    rt_se_labels_free(&l);

    const char *bad[] = { "svirt_t", "a:b", "a:b:c:", "a b:c:d", "a:b:c:s0\n", "::c", "a:b:c:s0 x",
                          NULL };
    for (const char **b = bad; *b; b++) {
        vc_diags_clear(&d);
        stat.static_label = *b;
        char *name = vc_xasprintf("static: label '%.*s' is refused", (int)strcspn(*b, "\n"), *b);
        CHECK(!rt_se_labels_compute(&stat, &l, &d) &&
                  first_error_has(&d, VC_ERR_INVALID, "is not an SELinux context"),
              name);
        free(name);
        rt_se_labels_free(&l);
    }
    vc_diags_clear(&d);
    stat.static_label = "system_u:system_r:svirt_t:s0";
    stat.static_imagelabel = "bad";
    CHECK(!rt_se_labels_compute(&stat, &l, &d) &&
              first_error_has(&d, VC_ERR_INVALID, "imagelabel 'bad' is not an SELinux context"),
          "static: a malformed imagelabel is refused");
    rt_se_labels_free(&l);
    vc_diags_clear(&d);
    stat.static_label = NULL;
    CHECK(!rt_se_labels_compute(&stat, &l, &d) &&
              first_error_has(&d, VC_ERR_INVALID, "needs its <label>"),
          "static: no label is refused");
    rt_se_labels_free(&l);
    vc_diags_free(&d);
}

/* ---- applying labels ----------------------------------------------------- */

static void test_apply(void)
{
    vc_diags d;
    vc_diags_init(&d);
    char img[] = "/tmp/virtc-t-rtsec-img-XXXXXX";
    int fd = mkstemp(img);
    close(fd);
    rt_se_file files[] = { { img, RT_SE_EXCLUSIVE } };

    /* Static and basic labels touch no file, on any host. */
    rt_se_labels l;
    rt_se_spec basic = { .model = RT_SE_BASIC };
    rt_se_labels_compute(&basic, &l, &d);
    rt_se_saved *saved = NULL;
    CHECK(rt_se_relabel(&l, files, 1, &saved, &d) && saved && d.n == 0 &&
              rt_se_restore(saved, &d),
          "relabel: a model that relabels nothing succeeds without SELinux");
    rt_se_labels_free(&l);

    rt_se_spec svirt = { .model = RT_SE_DYNAMIC, .pair = { 3, 7 } };
    rt_se_labels_compute(&svirt, &l, &d);
    saved = NULL;
    if (is_selinux_enabled() <= 0) {
        CHECK(!rt_se_relabel(&l, files, 1, &saved, &d) && !saved &&
                  first_error_has(&d, VC_ERR_RUNTIME, "SELinux is not enabled on this host: "
                                                      "cannot label /tmp/virtc-t-rtsec-img-"),
              "relabel: sVirt without SELinux is an error naming the file");
        CHECK(rt_se_exec_label(l.process) == -1,
              "setexeccon: refused where SELinux is not enabled");
    } else {
        char *before = NULL, *during = NULL, *after = NULL;
        getfilecon(img, &before);
        bool ok = rt_se_relabel(&l, files, 1, &saved, &d);
        getfilecon(img, &during);
        ok = ok && rt_se_restore(saved, &d);
        getfilecon(img, &after);
        CHECK(ok && is(during, l.image) && is(after, before),
              "relabel: an exclusive image gets the guest's label, and its old one back");
        freecon(before);
        freecon(during);
        freecon(after);
    }
    rt_se_labels_free(&l);
    unlink(img);
    vc_diags_free(&d);
}

/* ---- the MCS allocator --------------------------------------------------- */

typedef struct seq {
    const unsigned *v;
    size_t n, i;
} seq;

static unsigned seq_next(void *ctx)
{
    seq *s = ctx;
    return s->n ? s->v[s->i++ % s->n] : 0;
}

static char *pair_file(const char *dir, rt_mcs_pair p)
{
    char *t = rt_mcs_text(p);
    char *path = vc_xasprintf("%s/%s", dir, t);
    free(t);
    return path;
}

static long file_pid(const char *dir, rt_mcs_pair p)
{
    char *path = pair_file(dir, p);
    char *text = vc_read_file(path, NULL);
    long pid = text ? atol(text) : -1;
    free(text);
    free(path);
    return pid;
}

static void put_owner(const char *dir, rt_mcs_pair p, long pid)
{
    char *path = pair_file(dir, p);
    FILE *f = fopen(path, "w");
    fprintf(f, "%ld\n", pid);
    fclose(f);
    free(path);
}

static void test_mcs_text(void)
{
    rt_mcs_pair p;
    char *t = rt_mcs_text((rt_mcs_pair){ 34, 44 });
    CHECK(is(t, "c34,c44") && rt_mcs_parse(t, &p) && p.c1 == 34 && p.c2 == 44,
          "mcs: text and parse agree");
    free(t);
    const char *bad[] = { "c44,c34", "c1,c1", "c1,c1024", "c1", "x1,c2", "c1,c2,", "c1, c2", "",
                          NULL };
    bool none = true;
    for (const char **b = bad; *b; b++)
        if (rt_mcs_parse(*b, &p)) {
            printf("  accepted '%s'\n", *b);
            none = false;
        }
    CHECK(none, "mcs: malformed pairs are refused");
}

static void test_mcs_reserve(const char *dir)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_mcs_pair p, q;
    /* 34 and 44 drawn: c34,c44; the file holds our pid. */
    seq s1 = { (const unsigned[]){ 44, 34 }, 2, 0 };
    CHECK(rt_mcs_reserve(dir, NULL, 0, 0, seq_next, &s1, &p, &d) && p.c1 == 34 && p.c2 == 44 &&
              file_pid(dir, p) == (long)getpid(),
          "mcs: a drawn pair is reserved, lower category first, with our pid");
    /* The same draw again: held (by us, alive), so the next one. */
    seq s2 = { (const unsigned[]){ 34, 44, 34, 34, 1, 2 }, 6, 0 };
    CHECK(rt_mcs_reserve(dir, NULL, 0, 0, seq_next, &s2, &q, &d) && q.c1 == 1 && q.c2 == 2,
          "mcs: a held pair and an equal draw are skipped");
    /* used[] (seen on running processes) is skipped too. */
    rt_mcs_pair used[] = { { 5, 6 } };
    seq s3 = { (const unsigned[]){ 5, 6, 7, 8 }, 4, 0 };
    CHECK(rt_mcs_reserve(dir, used, 1, 0, seq_next, &s3, &q, &d) && q.c1 == 7 && q.c2 == 8,
          "mcs: a pair in use elsewhere is skipped");

    /* A live process's pair is never taken; a dead one's is. */
    pid_t live = fork();
    if (live == 0) {
        pause();
        _exit(0);
    }
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    put_owner(dir, (rt_mcs_pair){ 10, 11 }, live);
    put_owner(dir, (rt_mcs_pair){ 12, 13 }, dead);
    seq s4 = { (const unsigned[]){ 10, 11, 12, 13 }, 4, 0 };
    CHECK(rt_mcs_reserve(dir, NULL, 0, 0, seq_next, &s4, &q, &d) && q.c1 == 12 && q.c2 == 13 &&
              file_pid(dir, q) == (long)getpid() && file_pid(dir, (rt_mcs_pair){ 10, 11 }) == live,
          "mcs: a live guest's pair is not reused, a dead one's is taken over");
    CHECK(rt_mcs_release(dir, (rt_mcs_pair){ 10, 11 }, &d) &&
              file_pid(dir, (rt_mcs_pair){ 10, 11 }) == live,
          "mcs: releasing another live process's pair leaves it");
    kill(live, SIGKILL);
    waitpid(live, NULL, 0);
    CHECK(rt_mcs_release(dir, (rt_mcs_pair){ 10, 11 }, &d) &&
              file_pid(dir, (rt_mcs_pair){ 10, 11 }) == -1,
          "mcs: a dead process's pair is released");
    CHECK(rt_mcs_release(dir, p, &d) && file_pid(dir, p) == -1, "mcs: release removes our pair");
    CHECK(rt_mcs_release(dir, p, &d), "mcs: releasing twice is fine");
    rt_mcs_pair ours[] = { { 1, 2 }, { 7, 8 }, { 12, 13 } };
    for (size_t i = 0; i < VC_ARRAY_SIZE(ours); i++)
        rt_mcs_release(dir, ours[i], &d);
    vc_diags_free(&d);
}

static void test_mcs_exhaustion(const char *dir)
{
    vc_diags d;
    vc_diags_init(&d);
    /* Four categories, six pairs; an unlucky source that always draws the
     * same pair still gets every free one (the ordered pass). */
    seq same = { (const unsigned[]){ 0, 1 }, 2, 0 };
    rt_mcs_pair got[6];
    bool ok = true;
    for (int i = 0; i < 6; i++)
        ok = ok && rt_mcs_reserve(dir, NULL, 0, 4, seq_next, &same, &got[i], &d);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < i; j++)
            ok = ok && (got[i].c1 != got[j].c1 || got[i].c2 != got[j].c2);
    CHECK(ok && d.n == 0, "mcs: every pair of a small range is handed out once");
    rt_mcs_pair extra;
    CHECK(!rt_mcs_reserve(dir, NULL, 0, 4, NULL, NULL, &extra, &d) &&
              first_error_has(&d, VC_ERR_RUNTIME,
                              "no free MCS category pair: all 6 pairs of c0..c3 are held"),
          "mcs: a full range is an error");
    for (int i = 0; i < 6; i++)
        rt_mcs_release(dir, got[i], &d);
    vc_diags_clear(&d);
    CHECK(!rt_mcs_reserve(dir, NULL, 0, 1, NULL, NULL, &extra, &d) &&
              first_error_has(&d, VC_ERR_INVALID, "is not a number of categories"),
          "mcs: one category cannot make a pair");
    vc_diags_free(&d);
}

/* Eight supervisors starting at once over 28 pairs, each keeping its pair
 * until all have one: eight different pairs. */
static void test_mcs_concurrent(const char *dir)
{
    enum { N = 8 };
    int out[2], hold[2];
    if (pipe(out) != 0 || pipe(hold) != 0)
        return;
    pid_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            close(out[0]);
            close(hold[1]);
            vc_diags d;
            vc_diags_init(&d);
            rt_mcs_pair p = { 0, 0 };
            if (!rt_mcs_reserve(dir, NULL, 0, 8, NULL, NULL, &p, &d))
                p = (rt_mcs_pair){ 999, 999 };
            ssize_t w = write(out[1], &p, sizeof(p));
            char c;
            ssize_t r = read(hold[0], &c, 1);   /* until the parent has all */
            (void)r;
            rt_mcs_release(dir, p, &d);
            _exit(w == (ssize_t)sizeof(p) ? 0 : 1);
        }
    }
    close(out[1]);
    close(hold[0]);
    rt_mcs_pair got[N];
    int n = 0;
    while (n < N && read(out[0], &got[n], sizeof(got[n])) == (ssize_t)sizeof(got[n]))
        n++;
    bool ok = n == N;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            ok = ok && got[i].c2 != 999 && (got[i].c1 != got[j].c1 || got[i].c2 != got[j].c2);
    close(hold[1]);
    for (int i = 0; i < N; i++)
        waitpid(kids[i], NULL, 0);
    close(out[0]);
    CHECK(ok, "mcs: concurrent reservations never share a pair");
}

/* ---- which LSM the host runs --------------------------------------------- */

static char *put(const char *dir, const char *name, const char *text)
{
    char *path = vc_xasprintf("%s/%s", dir, name);
    if (text) {
        FILE *f = fopen(path, "w");
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static void test_lsm(const char *dir)
{
    vc_diags d;
    vc_diags_init(&d);
    CHECK(rt_sec_lsm_check("none", NULL, &d) && rt_sec_lsm_check("dac", NULL, &d) && d.n == 0,
          "lsm: none and dac need nothing");
    CHECK(!rt_sec_lsm_check("smack", NULL, &d) &&
              first_error_has(&d, VC_ERR_INVALID, "unknown security driver 'smack'"),
          "lsm: an unknown driver is invalid");

    char *lsm = put(dir, "lsm", "capability,landlock,yama\n");
    char *sefs = put(dir, "selinuxfs", NULL);
    char *aadir = put(dir, "apparmor", NULL);
    rt_sec_host host = { lsm, sefs, aadir };
    vc_diags_clear(&d);
    char *want = vc_xasprintf("security_driver 'selinux': SELinux is not enabled on this host "
                              "(%s lists 'capability,landlock,yama')", lsm);
    CHECK(!rt_sec_lsm_check("selinux", &host, &d) && d.n == 1 && is(d.v[0].message, want),
          "lsm: selinux not in the lsm list");
    free(want);
    vc_diags_clear(&d);
    want = vc_xasprintf("security_driver 'apparmor': AppArmor is not enabled on this host "
                        "(%s lists 'capability,landlock,yama')", lsm);
    CHECK(!rt_sec_lsm_check("apparmor", &host, &d) && d.n == 1 && is(d.v[0].message, want),
          "lsm: apparmor not in the lsm list");
    free(want);

    free(put(dir, "lsm", "capability,selinux\n"));
    vc_diags_clear(&d);
    want = vc_xasprintf("security_driver 'selinux': SELinux is listed in %s but %s/enforce "
                        "does not exist", lsm, sefs);
    CHECK(!rt_sec_lsm_check("selinux", &host, &d) && d.n == 1 && is(d.v[0].message, want),
          "lsm: selinux listed but selinuxfs absent");
    free(want);
    mkdir(sefs, 0755);
    free(put(sefs, "enforce", "1\n"));
    vc_diags_clear(&d);
    CHECK(rt_sec_lsm_check("selinux", &host, &d) && d.n == 0, "lsm: selinux listed and mounted");

    free(put(dir, "lsm", "capability,apparmor"));
    mkdir(aadir, 0755);
    CHECK(rt_sec_lsm_check("apparmor", &host, &d) && d.n == 0,
          "lsm: apparmor listed and its securityfs directory there");

    unlink(lsm);
    char *enforce = vc_xasprintf("%s/enforce", sefs);
    unlink(enforce);
    rmdir(sefs);
    vc_diags_clear(&d);
    want = vc_xasprintf("security_driver 'selinux': SELinux is not enabled on this host (%s "
                        "cannot be read and %s does not exist)", lsm, enforce);
    CHECK(!rt_sec_lsm_check("selinux", &host, &d) && d.n == 1 && is(d.v[0].message, want),
          "lsm: no lsm list and no selinuxfs");
    free(want);
    free(enforce);
    rmdir(aadir);

    /* The real host agrees with the libraries. */
    vc_diags_clear(&d);
    bool se = rt_sec_lsm_check("selinux", NULL, &d);
    CHECK(se == (is_selinux_enabled() > 0) &&
              (se || first_error_has(&d, VC_ERR_RUNTIME, "security_driver 'selinux': ")),
          "lsm: this host's SELinux, as libselinux sees it");
    vc_diags_clear(&d);
    bool aa = rt_sec_lsm_check("apparmor", NULL, &d);
    CHECK(aa == (aa_is_enabled() > 0) &&
              (aa || first_error_has(&d, VC_ERR_RUNTIME, "security_driver 'apparmor': ")),
          "lsm: this host's AppArmor, as libapparmor sees it");
    free(lsm);
    free(sefs);
    free(aadir);
    vc_diags_free(&d);
}

/* Contexts of running processes, in a /proc written here. */
static void test_mcs_scan(const char *dir)
{
    static const struct {
        const char *pid, *ctx;
    } procs[] = {
        { "100", "system_u:system_r:svirt_t:s0:c34,c44\n" },
        { "101", "system_u:system_r:svirt_tcg_t:s0:c1,c1023" },
        { "102", "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023" },
        { "103", "system_u:system_r:svirt_t:s0:c34,c44" },   /* the same pair again */
        { "104", "system_u:system_r:init_t:s0" },
        { "105", "system_u:system_r:svirt_t:s0:c44,c34" },   /* not a pair */
        { "self", "system_u:system_r:svirt_t:s0:c2,c3" },     /* not a pid */
    };
    char *proc = vc_xasprintf("%s/proc", dir);
    mkdir(proc, 0755);
    for (size_t i = 0; i < VC_ARRAY_SIZE(procs); i++) {
        char *p = vc_xasprintf("%s/%s", proc, procs[i].pid);
        char *attr = vc_xasprintf("%s/attr", p);
        mkdir(p, 0755);
        mkdir(attr, 0755);
        free(put(attr, "current", procs[i].ctx));
        free(attr);
        free(p);
    }
    char *noattr = vc_xasprintf("%s/106", proc);
    mkdir(noattr, 0755);   /* no attr: skipped */
    free(noattr);
    rt_mcs_pair *used;
    size_t n = rt_mcs_scan_running(proc, &used);
    CHECK(n == 2 && used[0].c1 + used[1].c1 == 35 && used[0].c2 + used[1].c2 == 1067,
          "mcs scan: the pairs of running processes, each once");
    free(used);
    char *rm = vc_xasprintf("rm -rf '%s'", proc);
    CHECK(system(rm) == 0, "mcs scan: cleaned up");
    free(rm);
    free(proc);
    n = rt_mcs_scan_running(NULL, &used);
    CHECK(is_selinux_enabled() > 0 || (n == 0 && !used),
          "mcs scan: a host without SELinux has no labelled process");
    free(used);
}

int main(void)
{
    char tmp[] = "/tmp/virtc-t-rtsec-se-XXXXXX";
    if (!mkdtemp(tmp)) {
        CHECK(false, "mkdtemp");
        return check_done();
    }
    char *mcs = vc_xasprintf("%s/mcs", tmp);
    test_labels();
    test_apply();
    test_mcs_text();
    test_mcs_reserve(mcs);
    test_mcs_exhaustion(mcs);
    test_mcs_concurrent(mcs);
    CHECK(rmdir(mcs) == 0, "mcs: every reservation was released (the directory is empty)");
    test_lsm(tmp);
    test_mcs_scan(tmp);
    CHECK(rmdir(tmp) == 0, "cleaned up");
    free(mcs);
    return check_done();
}
