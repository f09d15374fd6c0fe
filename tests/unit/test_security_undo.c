/* test_security_undo.c: runtime/security's undo journal: what a supervisor
 * killed mid-life leaves is undone from the journal alone. Each case makes
 * its changes in a child that then exits without undoing anything (a lost
 * supervisor), and the parent replays the journal: SELinux labels (a fake
 * label store: this host runs no SELinux), the MCS pair, a vsock CID, the
 * AppArmor profile (a dry run of apparmor_parser), and, as root, a real
 * cgroup made from another cgroup than the one that replays it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../runtime/security/security.h"
#include "check.h"
#include "util.h"

static char *tmpdir;

static char *tmp_path(const char *name)
{
    return vc_xasprintf("%s/%s", tmpdir, name);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static bool text_is(const char *path, const char *want)
{
    char *got = vc_read_file(path, NULL);
    bool ok = got && strcmp(got, want) == 0;
    if (!ok)
        printf("  %s:\n%s  want:\n%s", path, got ? got : "(none)\n", want);
    free(got);
    return ok;
}

/* Writes text to path (made or emptied). */
static void put(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        printf("  cannot write %s\n", path);
    if (fd >= 0)
        close(fd);
}

/* Runs fn in a child that exits at once after it, undoing nothing. */
static bool lost_child(void (*fn)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        fflush(stdout);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- a fake SELinux: labels in a file "PATH<TAB>LABEL", last one wins ---- */

static char *fake_store;
#define FAKE_DEFAULT "system_u:object_r:user_tmp_t:s0"

static int fake_enabled(void)
{
    return 1;
}

static int fake_get(const char *path, char **label)
{
    char *text = vc_read_file(fake_store, NULL);
    const char *found = FAKE_DEFAULT;
    size_t flen = strlen(found);
    size_t plen = strlen(path);
    for (char *l = text; l && *l;) {
        char *nl = strchr(l, '\n');
        if (strncmp(l, path, plen) == 0 && l[plen] == '\t') {
            found = l + plen + 1;
            flen = (size_t)((nl ? nl : l + strlen(l)) - found);
        }
        l = nl ? nl + 1 : NULL;
    }
    *label = vc_xstrndup(found, flen);
    free(text);
    return 0;
}

static int fake_set(const char *path, const char *label)
{
    if (!exists(path)) {
        errno = ENOENT;
        return -1;
    }
    int fd = open(fake_store, O_WRONLY | O_CREAT | O_APPEND, 0600);
    char *line = vc_xasprintf("%s\t%s\n", path, label);
    bool ok = fd >= 0 && write(fd, line, strlen(line)) == (ssize_t)strlen(line);
    free(line);
    if (fd >= 0)
        close(fd);
    return ok ? 0 : -1;
}

static const rt_se_backend fake_selinux = { fake_enabled, fake_get, fake_set };

static bool label_is(const char *path, const char *want)
{
    char *got = NULL;
    fake_get(path, &got);
    bool ok = strcmp(got, want) == 0;
    if (!ok)
        printf("  %s: label %s, want %s\n", path, got, want);
    free(got);
    return ok;
}

typedef struct se_case {
    const char *journal;
    rt_se_file files[3];
} se_case;

static void se_relabel_and_die(void *arg)
{
    se_case *c = arg;
    vc_diags d;
    vc_diags_init(&d);
    rt_se_spec spec = { .model = RT_SE_DYNAMIC, .pair = { 3, 7 } };
    rt_se_labels l;
    rt_se_saved *saved = NULL;
    rt_undo *u = rt_undo_open(c->journal, &d);
    bool ok = u && rt_se_labels_compute(&spec, &l, &d) &&
              rt_se_relabel_noted(&l, c->files, 3, u, &saved, &d);
    vc_diags_print(stdout, &d);
    _exit(ok ? 0 : 1);
}

static void test_selinux(void)
{
    fake_store = tmp_path("labels");
    rt_se_set_backend(&fake_selinux);
    char *a = tmp_path("a.img"), *b = tmp_path("b b.img"), *s = tmp_path("shared.img");
    char *journal = tmp_path("se.undo");
    put(a, "");
    put(b, "");
    put(s, "");
    fake_set(a, "system_u:object_r:virt_image_t:s0");
    se_case c = { journal, { { a, RT_SE_EXCLUSIVE }, { b, RT_SE_EXCLUSIVE }, { s, RT_SE_SHARED } } };
    CHECK(lost_child(se_relabel_and_die, &c), "selinux: a supervisor relabels, then is lost");
    CHECK(label_is(a, "system_u:object_r:svirt_image_t:s0:c3,c7") &&
              label_is(b, "system_u:object_r:svirt_image_t:s0:c3,c7") &&
              label_is(s, "system_u:object_r:svirt_image_t:s0"),
          "selinux: the guest's labels are left on its files");
    char *want = vc_xasprintf("label system_u:object_r:virt_image_t:s0 %s\n"
                              "label " FAKE_DEFAULT " %s\n", a, b);
    CHECK(text_is(journal, want), "selinux: the journal holds each exclusive file's old label");
    free(want);
    vc_diags d;
    vc_diags_init(&d);
    CHECK(rt_undo_replay(journal, &d) && d.n == 0, "selinux: the journal is replayed");
    CHECK(label_is(a, "system_u:object_r:virt_image_t:s0") && label_is(b, FAKE_DEFAULT),
          "selinux: the old labels are back, from the journal alone");
    CHECK(label_is(s, "system_u:object_r:svirt_image_t:s0"),
          "selinux: a shared disk keeps its shared label (other guests may use it)");
    CHECK(!exists(journal), "selinux: the journal is gone once undone");
    CHECK(rt_undo_replay(journal, &d) && d.n == 0, "selinux: no journal: nothing to do");

    /* a file gone since is fine; an unknown entry is an error and the
     * journal stays for another try */
    put(journal, "label x_u:object_r:t:s0 /nonexistent/virtc-t\nbogus a b\n");
    CHECK(!rt_undo_replay(journal, &d) && d.n == 1 &&
              strcmp(d.v[0].message, "the undo journal has an entry virtc does not know: "
                                     "bogus a b") == 0 &&
              exists(journal),
          "selinux: a journal entry virtc does not know is an error, the journal kept");
    unlink(journal);
    vc_diags_free(&d);
    rt_se_set_backend(NULL);
    free(a);
    free(b);
    free(s);
    free(journal);
}

/* ---- AppArmor: a dry run of apparmor_parser ------------------------------ */

static char *parser_log;

static bool dry_enabled(void)
{
    return true;
}

static bool dry_parser(const char *option, const char *file, vc_diags *d)
{
    (void)d;
    int fd = open(parser_log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    char *line = vc_xasprintf("%s %s\n", option, file);
    bool ok = fd >= 0 && write(fd, line, strlen(line)) == (ssize_t)strlen(line);
    free(line);
    if (fd >= 0)
        close(fd);
    return ok;
}

static const rt_aa_backend dry_apparmor = { dry_enabled, dry_parser };

typedef struct aa_case {
    const char *journal, *dir;
} aa_case;

static void aa_load_and_die(void *arg)
{
    aa_case *c = arg;
    vc_diags d;
    vc_diags_init(&d);
    rt_aa_file files[] = { { "/var/lib/virtc/images/g.img", RT_AA_DISK } };
    rt_undo *u = rt_undo_open(c->journal, &d);
    rt_aa_spec spec = { "c7a5fdbd-edaf-9455-926a-d65c16db1809", "g", "/usr/bin/qemu-system-x86_64",
                        files, 1, u };
    bool ok = u && rt_aa_profile_load(&spec, NULL, c->dir, &d);
    vc_diags_print(stdout, &d);
    _exit(ok ? 0 : 1);
}

static void test_apparmor(void)
{
    parser_log = tmp_path("parser.log");
    rt_aa_set_backend(&dry_apparmor);
    char *dir = tmp_path("aa"), *journal = tmp_path("aa.undo");
    aa_case c = { journal, dir };
    char *profile = vc_xasprintf("%s/libvirt-c7a5fdbd-edaf-9455-926a-d65c16db1809", dir);
    char *files = vc_xasprintf("%s.files", profile);
    CHECK(lost_child(aa_load_and_die, &c), "apparmor: a supervisor loads a profile, then is lost");
    char *want = vc_xasprintf("-r %s\n", profile);
    CHECK(text_is(parser_log, want) && exists(profile) && exists(files),
          "apparmor: the profile was loaded (apparmor_parser -r), its files written");
    free(want);
    want = vc_xasprintf("apparmor c7a5fdbd-edaf-9455-926a-d65c16db1809 %s\n", dir);
    CHECK(text_is(journal, want), "apparmor: the journal names the profile and its directory");
    free(want);
    vc_diags d;
    vc_diags_init(&d);
    CHECK(rt_undo_replay(journal, &d) && d.n == 0, "apparmor: the journal is replayed");
    want = vc_xasprintf("-r %s\n-R %s\n", profile, profile);
    CHECK(text_is(parser_log, want), "apparmor: the profile is unloaded (apparmor_parser -R)");
    free(want);
    CHECK(!exists(profile) && !exists(files) && !exists(journal),
          "apparmor: its files and the journal are gone");
    rmdir(dir);
    vc_diags_free(&d);
    rt_aa_set_backend(NULL);
    free(profile);
    free(files);
    free(dir);
    free(journal);
}

/* ---- the MCS pair ------------------------------------------------------------ */

typedef struct mcs_case {
    const char *journal, *dir;
} mcs_case;

static void mcs_reserve_and_die(void *arg)
{
    mcs_case *c = arg;
    vc_diags d;
    vc_diags_init(&d);
    rt_mcs_pair p;
    rt_undo *u = rt_undo_open(c->journal, &d);
    bool ok = u && rt_mcs_reserve(c->dir, NULL, 0, 0, NULL, NULL, &p, &d);
    char *cats = ok ? rt_mcs_text(p) : NULL;
    ok = ok && rt_undo_note(u, "mcs", cats, c->dir, &d);
    free(cats);
    _exit(ok ? 0 : 1);
}

static void test_mcs(void)
{
    char *dir = tmp_path("mcs"), *journal = tmp_path("mcs.undo");
    mkdir(dir, 0700);
    mcs_case c = { journal, dir };
    CHECK(lost_child(mcs_reserve_and_die, &c), "mcs: a supervisor reserves a pair, then is lost");
    char *text = vc_read_file(journal, NULL);
    rt_mcs_pair p = { 0, 0 };
    char *pair = text ? vc_xstrndup(text + 4, strcspn(text + 4, " ")) : NULL;
    char *file = pair ? vc_xasprintf("%s/%s", dir, pair) : NULL;
    CHECK(text && strncmp(text, "mcs ", 4) == 0 && rt_mcs_parse(pair, &p) && exists(file),
          "mcs: the journal names the pair, its file is there");
    vc_diags d;
    vc_diags_init(&d);
    CHECK(rt_undo_replay(journal, &d) && d.n == 0 && file && !exists(file) && !exists(journal),
          "mcs: replayed, the pair is free again");
    vc_diags_free(&d);
    rmdir(dir);
    free(text);
    free(pair);
    free(file);
    free(dir);
    free(journal);
}

/* A vsock CID held by a supervisor that died: released by the replay. */
static void test_vsock(void)
{
    char *dir = tmp_path("vsock"), *journal = tmp_path("vsock.undo");
    char *held = vc_xasprintf("%s/7", dir);
    mkdir(dir, 0700);
    put(held, "999999999\n");
    char *line = vc_xasprintf("vsock 7 %s\n", dir);
    put(journal, line);
    vc_diags d;
    vc_diags_init(&d);
    CHECK(rt_undo_replay(journal, &d) && d.n == 0 && !exists(held) && !exists(journal),
          "vsock: replayed, the CID is free again");
    vc_diags_free(&d);
    rmdir(dir);
    free(line);
    free(held);
    free(dir);
    free(journal);
}

/* ---- the cgroup, by its recorded path ---------------------------------------- */

typedef struct cg_case {
    const char *journal, *prefix;
    rt_cgroup *sup;           /* the "supervisor's" own cgroup */
} cg_case;

/* The child joins a cgroup of its own (as a supervisor in a systemd unit
 * would be), makes the guest's cgroup below it, and dies. */
static void cg_create_and_die(void *arg)
{
    cg_case *c = arg;
    vc_diags d;
    vc_diags_init(&d);
    bool ok = rt_cg_attach_self(c->sup, false) == 0;
    rt_undo *u = ok ? rt_undo_open(c->journal, &d) : NULL;
    rt_cg_spec spec = { .name = "g", .acl = (const char *const[]){ "/dev/null", NULL },
                        .undo = u };
    rt_cg_host host = { .prefix = "virtc/qemu" };
    ok = u && rt_cg_create(&spec, &host, &d) != NULL;
    vc_diags_print(stdout, &d);
    _exit(ok ? 0 : 1);
}

static void test_cgroup(void)
{
    if (geteuid() != 0) {
        printf("SKIP %s:cgroup: not root\n", __FILE__);
        return;
    }
    char *prefix = vc_xasprintf("virtc-t-rtsec-undo-%ld", (long)getpid());
    char *journal = tmp_path("cg.undo");
    vc_diags d;
    vc_diags_init(&d);
    rt_cg_host host = { .prefix = prefix };
    rt_cg_spec sup_spec = { .name = "sup" };
    cg_case c = { journal, prefix, rt_cg_create(&sup_spec, &host, &d) };
    CHECK(c.sup != NULL, "cgroup: a cgroup for the supervisor");
    if (!c.sup) {
        vc_diags_print(stdout, &d);
        vc_diags_free(&d);
        free(prefix);
        free(journal);
        return;
    }
    CHECK(lost_child(cg_create_and_die, &c),
          "cgroup: a supervisor in it makes the guest's cgroup, then is lost");
    /* the devices hierarchy's, and on a hybrid host the cgroup2 one too
     * (QEMU is created there): each by its absolute path */
    const char *supdirs[2] = { rt_cg_dir(c.sup, "devices"), rt_cg_dir(c.sup, "") };
    size_t nsup = supdirs[1] && supdirs[1] != supdirs[0] ? 2 : 1;
    vc_buf want;
    vc_buf_init(&want);
    for (size_t i = 0; i < nsup; i++)
        vc_buf_printf(&want, "cgroup virtc/qemu %s/virtc/qemu/g\n", supdirs[i]);
    CHECK(text_is(journal, want.data), nsup == 2 ? "cgroup: the journal holds its absolute "
                                                   "directories, the cgroup2 one too"
                                                 : "cgroup: the journal holds its absolute directory");
    vc_buf_free(&want);
    bool left = true;
    for (size_t i = 0; i < nsup; i++) {
        char *gdir = vc_xasprintf("%s/virtc/qemu/g", supdirs[i]);
        left = left && exists(gdir);
        free(gdir);
    }
    CHECK(left, "cgroup: left behind by the lost supervisor");
    /* replayed from here: another cgroup than the one it was made under,
     * where a lookup relative to the caller would miss it */
    CHECK(rt_undo_replay(journal, &d) && d.n == 0, "cgroup: the journal is replayed from "
                                                   "another cgroup");
    bool gone = !exists(journal);
    for (size_t i = 0; i < nsup; i++) {
        char *parent = vc_xasprintf("%s/virtc", supdirs[i]);
        gone = gone && !exists(parent) && exists(supdirs[i]);
        free(parent);
    }
    CHECK(gone, "cgroup: the guest's cgroup and its empty parents are gone, nothing else");
    /* a recorded path that is not PREFIX/NAME is never removed */
    put(journal, "cgroup virtc/qemu /sys/fs/cgroup\n");
    CHECK(!rt_undo_replay(journal, &d) && d.n == 1 &&
              strstr(d.v[0].message, "is not a guest's") && exists("/sys/fs/cgroup"),
          "cgroup: a recorded path of another shape is refused");
    unlink(journal);
    vc_diags_clear(&d);
    CHECK(rt_cg_remove(c.sup, &d), "cgroup: the supervisor's cgroup removed");
    vc_diags_free(&d);
    free(prefix);
    free(journal);
}

/* A key with a space or a path with a newline cannot be a journal line. */
static void test_note_refused(void)
{
    char *journal = tmp_path("bad.undo");
    vc_diags d;
    vc_diags_init(&d);
    rt_undo *u = rt_undo_open(journal, &d);
    CHECK(u && !rt_undo_note(u, "label", "a b", "/x", &d) &&
              !rt_undo_note(u, "label", "a", "/x\ny", &d) && d.n == 2,
          "journal: a line it cannot hold is refused before the change");
    CHECK(rt_undo_note(NULL, "label", "a b", "/x", &d), "journal: none kept: nothing noted");
    rt_undo_close(u, true);
    CHECK(!exists(journal), "journal: closed as undone, removed");
    vc_diags_free(&d);
    free(journal);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char tmpl[] = "/tmp/virtc-t-rtsec-undo-XXXXXX";
    tmpdir = mkdtemp(tmpl);
    if (!tmpdir) {
        printf("FAIL %s:mkdtemp\n", __FILE__);
        return 1;
    }
    test_note_refused();
    test_selinux();
    test_apparmor();
    test_mcs();
    test_vsock();
    test_cgroup();
    char *cmd = vc_xasprintf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("FAIL %s:rm -rf %s\n", __FILE__, tmpdir);
    free(cmd);
    return check_done();
}
