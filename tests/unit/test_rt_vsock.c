/* test_rt_vsock.c: the vsock context ID chosen at start (runtime/vsock.h):
 * the search on one descriptor against a fake host (this machine has no
 * /dev/vhost-vsock), the error where the device is absent, the argv
 * rewrite, the descriptor handed to the child at the plan's number and to
 * no other (spawn.h), and the plan's <vsock cid='auto' fd='4'> compiled
 * from <cid auto='yes'/> and read back. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../runtime/plan.h"
#include "../../runtime/spawn.h"
#include "../../runtime/vsock.h"
#include "../../translators/domain_xml.h"
#include "../../translators/qemu/plan.h"
#include "check.h"

/* A fake host as the kernel keeps it: each CID belongs to at most one
 * descriptor, a descriptor holds at most one CID (a new one set replaces
 * its old one), a refused set changes nothing. CIDs below used_below are
 * held by other guests. */
enum { FAKE_CIDS = 64 };
typedef struct fake_host {
    unsigned used_below;
    int holder[FAKE_CIDS];   /* the descriptor + 1 holding each CID; 0: free */
    int fail_errno;          /* nonzero: every set fails so */
    unsigned tries;
} fake_host;

static int fake_set(void *ctx, int fd, unsigned cid)
{
    fake_host *h = ctx;
    h->tries++;
    if (h->fail_errno)
        return h->fail_errno;
    if (cid < h->used_below || cid >= FAKE_CIDS ||
        (h->holder[cid] && h->holder[cid] != fd + 1))
        return EADDRINUSE;
    for (unsigned c = 0; c < FAKE_CIDS; c++)
        if (h->holder[c] == fd + 1)
            h->holder[c] = 0;
    h->holder[cid] = fd + 1;
    return 0;
}

static void fake_hold(fake_host *h, unsigned cid, int fd)
{
    h->holder[cid] = fd + 1;
}

static bool one_error(vc_diags *d, const char *want)
{
    bool ok = d->n == 1 && strcmp(d->v[0].message, want) == 0;
    if (!ok)
        printf("  got '%s', want '%s'\n", d->n ? d->v[0].message : "(none)", want);
    vc_diags_clear(d);
    return ok;
}

static void test_acquire(void)
{
    vc_diags d;
    vc_diags_init(&d);
    unsigned cid = 0;
    fake_host idle = { 0 };
    CHECK(rt_vsock_acquire(10, fake_set, &idle, 0, &cid, &d) && cid == 3 && idle.tries == 1 &&
              idle.holder[3] == 11,
          "acquire: on an idle host the first guest CID, 3, held by the descriptor");
    fake_host busy = { 0 };
    fake_hold(&busy, 3, 20);
    fake_hold(&busy, 4, 21);
    fake_hold(&busy, 5, 22);
    fake_hold(&busy, 7, 23);
    CHECK(rt_vsock_acquire(10, fake_set, &busy, 0, &cid, &d) && cid == 6 && busy.holder[6] == 11,
          "acquire: the first CID no other guest holds (a gap is used), on one descriptor");
    CHECK(rt_vsock_acquire(11, fake_set, &busy, 0, &cid, &d) && cid == 8,
          "acquire: a second guest's descriptor cannot take the first one's CID");
    CHECK(rt_vsock_acquire(12, fake_set, &busy, 6, &cid, &d) && cid == 9,
          "acquire: a preferred CID another descriptor holds is passed over");
    busy.holder[6] = 0;
    unsigned tries = busy.tries;
    CHECK(rt_vsock_acquire(12, fake_set, &busy, 6, &cid, &d) && cid == 6 &&
              busy.tries == tries + 1 && busy.holder[9] == 0,
          "acquire: a preferred CID still free is taken at once (a restarted guest keeps its "
          "CID), the descriptor's old one let go");
    fake_host full = { .used_below = ~0u };
    CHECK(!rt_vsock_acquire(10, fake_set, &full, 0, &cid, &d) &&
              full.tries == RT_VSOCK_MAX_TRIES &&
              one_error(&d, "no free vsock context ID among 3 to 65538"),
          "acquire: a bounded search, then an error");
    fake_host broken = { .fail_errno = EPERM };
    CHECK(!rt_vsock_acquire(10, fake_set, &broken, 0, &cid, &d) && broken.tries == 1 &&
              one_error(&d, "cannot set vsock context ID 3: Operation not permitted"),
          "acquire: a set that fails otherwise stops the search with its reason");
    CHECK(rt_vsock_open("/nonexistent/vhost-vsock", NULL, NULL, 0, &cid, &d) < 0 &&
              one_error(&d, "<vsock> with <cid auto='yes'/>: cannot open "
                            "/nonexistent/vhost-vsock to find a free context ID: No such file "
                            "or directory (the host needs the vhost_vsock module)"),
          "open: no device: an error naming it and the module");
    fake_host h = { 0 };
    int fd = rt_vsock_open("/dev/null", fake_set, &h, 0, &cid, &d);
    int flags = fd >= 0 ? fcntl(fd, F_GETFD) : -1;
    CHECK(fd >= 0 && cid == 3 && h.holder[3] == fd + 1 && flags >= 0 && (flags & FD_CLOEXEC),
          "open: the descriptor that holds the CID, close-on-exec (no other child gets it)");
    if (fd >= 0)
        close(fd);
    fake_host none = { .used_below = ~0u };
    int before = open("/dev/null", O_RDONLY);
    close(before);
    fd = rt_vsock_open("/dev/null", fake_set, &none, 0, &cid, &d);
    int after = open("/dev/null", O_RDONLY);
    close(after);
    CHECK(fd < 0 && after == before && d.n == 1, "open: a search that fails closes the device");
    vc_diags_clear(&d);
    vc_diags_free(&d);
}

static void test_set_cid(void)
{
    vc_strv in, out;
    vc_strv_init(&in);
    const char *args[] = { "/usr/bin/qemu-system-x86_64", "-name", "guest=g,,id=vsock0",
                           "-device", "virtio-net-pci,id=net0,guest-cid=9",
                           "-device", "vhost-vsock-pci,id=vsock0,guest-cid=3,bus=pci.0,addr=0x5",
                           "-device", "x,serial=a,,id=vsock0,guest-cid=4" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(args); i++)
        vc_strv_add(&in, args[i]);
    vc_diags d;
    vc_diags_init(&d);
    vc_strv fdv;
    CHECK(rt_vsock_add_vhostfd(&in, "vsock0", 4, &fdv, &d) && fdv.n == in.n &&
              strcmp(fdv.v[6],
                     "vhost-vsock-pci,id=vsock0,guest-cid=3,vhostfd=4,bus=pci.0,addr=0x5") == 0 &&
              strcmp(fdv.v[4], args[4]) == 0 && strcmp(fdv.v[8], args[8]) == 0,
          "argv: the plan's -device id=vsock0 gets vhostfd=4 after its guest-cid");
    CHECK(rt_vsock_set_cid(&fdv, "vsock0", 41, 4, &out, &d) && out.n == in.n &&
              strcmp(out.v[6],
                     "vhost-vsock-pci,id=vsock0,guest-cid=41,vhostfd=4,bus=pci.0,addr=0x5") == 0 &&
              strcmp(out.v[4], args[4]) == 0 && strcmp(out.v[2], args[2]) == 0 &&
              strcmp(out.v[8], args[8]) == 0 && !out.v[out.n],
          "argv: only the guest-cid of -device id=vsock0 changes (an escaped ',,id=' is a value)");
    vc_strv_free(&out);
    CHECK(!rt_vsock_set_cid(&fdv, "vsock0", 41, 5, &out, &d) && !out.v &&
              one_error(&d, "the plan's -device id=vsock0 passes vhostfd=4, not the descriptor "
                            "of its <vsock> (vhostfd=5)"),
          "argv: a vhostfd other than the plan's descriptor is an error");
    CHECK(!rt_vsock_set_cid(&in, "vsock0", 41, 4, &out, &d) && !out.v &&
              one_error(&d, "the plan's -device id=vsock0 passes no vhostfd, not the descriptor "
                            "of its <vsock> (vhostfd=4)"),
          "argv: no vhostfd (QEMU would open the device itself and find the CID taken) is an "
          "error");
    CHECK(!rt_vsock_set_cid(&fdv, "vsock1", 41, 4, &out, &d) && !out.v &&
              one_error(&d, "the plan's argv has no -device id=vsock1 with a guest-cid to set"),
          "argv: no such device is an error");
    vc_strv_free(&fdv);
    vc_strv_free(&in);
    vc_diags_free(&d);
}

/* The child's descriptors once it runs its program, as "N TARGET" lines
 * in the order of their numbers. */
static char *child_fds(int pass_fd, const rt_spawn_fd *fds, size_t nfds, const char *log)
{
    char *const argv[] = { "/bin/sleep", "30", NULL };
    int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    rt_spawn_hook hook = { .fds = fds, .nfds = nfds };
    vc_diags d;
    vc_diags_init(&d);
    pid_t pid = rt_spawn_pass(argv, NULL, logfd, pass_fd, &hook, &d);
    close(logfd);
    vc_diags_free(&d);
    if (pid <= 0)
        return NULL;
    usleep(100 * 1000);   /* the exec is done (rt_spawn returns after it) */
    vc_buf b;
    vc_buf_init(&b);
    for (int fd = 0; fd < 64; fd++) {
        char *link = vc_xasprintf("/proc/%ld/fd/%d", (long)pid, fd);
        char target[4096];
        ssize_t n = readlink(link, target, sizeof(target) - 1);
        if (n >= 0)
            vc_buf_printf(&b, "%d %.*s\n", fd, (int)n, target);
        free(link);
    }
    rt_spawn_kill(pid);
    int status;
    rt_spawn_reap(pid, true, &status);
    vc_buf_putc(&b, '\0');
    return vc_buf_steal(&b);
}

/* The descriptor reaches the child at the plan's number, beside the
 * monitor's, whatever numbers they have in the parent; nothing else
 * does. */
static void test_pass(void)
{
    char tmpl[] = "/tmp/virtc-t-rtvsock-XXXXXX";
    char *tmp = mkdtemp(tmpl);
    CHECK(tmp != NULL, "pass: a scratch directory");
    if (!tmp)
        return;
    char *log = vc_xasprintf("%s/log", tmp), *dev = vc_xasprintf("%s/dev", tmp);
    char *mon = vc_xasprintf("%s/mon", tmp), *other = vc_xasprintf("%s/other", tmp);
    int a = open(dev, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    int b = open(mon, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    int c = open(other, O_RDWR | O_CREAT, 0600);   /* inheritable: must not leak either */
    /* the device on 3 and the monitor on 4 in the parent: swapped in the child */
    int dev3 = dup2(a, 3), mon4 = dup2(b, 4);
    fcntl(3, F_SETFD, FD_CLOEXEC);
    fcntl(4, F_SETFD, FD_CLOEXEC);
    rt_spawn_fd pass[] = { { dev3, 4 } };
    char *got = child_fds(mon4, pass, 1, log);
    char *want = vc_xasprintf("0 /dev/null\n1 %s\n2 %s\n3 %s\n4 %s\n", log, log, mon, dev);
    CHECK(got && strcmp(got, want) == 0,
          "pass: the device as descriptor 4, the monitor as 3, nothing else of the parent's");
    if (got && strcmp(got, want) != 0)
        printf("  got:\n%s  want:\n%s", got, want);
    free(got);
    free(want);
    rt_spawn_fd far[] = { { a, 9 } };
    got = child_fds(-1, far, 1, log);
    want = vc_xasprintf("0 /dev/null\n1 %s\n2 %s\n9 %s\n", log, log, dev);
    CHECK(got && strcmp(got, want) == 0, "pass: another number, no monitor: 3 to 8 closed");
    free(got);
    free(want);
    rt_spawn_fd bad[] = { { a, 5 }, { b, 5 } };
    vc_diags d;
    vc_diags_init(&d);
    char *const argv[] = { "/bin/true", NULL };
    rt_spawn_hook hook = { .fds = bad, .nfds = 2 };
    CHECK(rt_spawn_pass(argv, NULL, -1, -1, &hook, &d) < 0 && d.n == 1 &&
              strstr(d.v[0].message, "must be unique and above 3"),
          "pass: a number given twice is refused before the fork");
    rt_spawn_fd low[] = { { a, 3 } };
    hook.fds = low;
    hook.nfds = 1;
    vc_diags_clear(&d);
    CHECK(rt_spawn_pass(argv, NULL, -1, -1, &hook, &d) < 0 && d.n == 1,
          "pass: the monitor's number (3) is refused");
    vc_diags_free(&d);
    close(3);
    close(4);
    close(a);
    close(b);
    close(c);
    unlink(log);
    unlink(dev);
    unlink(mon);
    unlink(other);
    rmdir(tmp);
    free(log);
    free(dev);
    free(mon);
    free(other);
}

static rt_plan *compile(const char *cid, vc_diags *d)
{
    char *xml = vc_xasprintf(
        "<domain type='qemu'><name>vs</name><uuid>6f2b4e1c-6a53-4c1e-9c9e-3a2b1c0d9e8f</uuid>"
        "<memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
        "<vsock model='virtio'>%s</vsock><memballoon model='none'/></devices></domain>", cid);
    rt_qemuconf conf;
    rt_qemuconf_defaults(&conf);
    ir_domain *dom = xml_domain_parse("vs.xml", xml, strlen(xml), d);
    qemu_caps *caps = qemu_caps_load_profile("qemu-7.2", d);
    rt_plan *p = dom && caps ? qemu_plan_build(dom, caps, &conf, RT_INSTANCE_SYSTEM, true,
                                               "vs.xml", d)
                             : NULL;
    qemu_caps_free(caps);
    ir_domain_free(dom);
    rt_qemuconf_free(&conf);
    free(xml);
    return p;
}

/* text with its first from replaced by to (caller frees); NULL without one. */
static char *replace_once(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    return at ? vc_xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) : NULL;
}

static bool argv_has(const vc_strv *argv, const char *text)
{
    for (size_t i = 0; i < argv->n; i++)
        if (strstr(argv->v[i], text))
            return true;
    return false;
}

static void test_plan(void)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_plan *p = compile("<cid auto='yes'/>", &d);
    CHECK(p && p->vsock_auto && strcmp(p->vsock_auto, "vsock0") == 0 && p->vsock_fd == 4 &&
              argv_has(&p->argv, "id=vsock0,guest-cid=3,vhostfd=4,"),
          "plan: <cid auto='yes'/> leaves the CID to the runtime (device vsock0), passed as "
          "descriptor 4 (vhostfd=4)");
    const rt_plan_res *dev = p ? rt_plan_find_res(p, "/dev/vhost-vsock") : NULL;
    bool allowed = false;
    for (size_t i = 0; p && i < p->ndevs; i++)
        allowed = allowed || (strcmp(p->devs[i].path, "/dev/vhost-vsock") == 0 &&
                              strcmp(p->devs[i].perms, "rw") == 0);
    CHECK(dev && !dev->dac && allowed,
          "plan: /dev/vhost-vsock is allowed in the cgroup but never taken over (every vsock "
          "guest opens it)");
    char *text = p ? rt_plan_format(p) : NULL;
    CHECK(text && strstr(text, "  <vsock device='vsock0' cid='auto' fd='4'/>\n"),
          "plan: the document says <vsock device='vsock0' cid='auto' fd='4'/>");
    vc_diags d2;
    vc_diags_init(&d2);
    rt_plan *q = text ? rt_plan_parse("p.xml", text, strlen(text), &d2) : NULL;
    CHECK(q && d2.n == 0 && q->vsock_auto && strcmp(q->vsock_auto, "vsock0") == 0 &&
              q->vsock_fd == 4,
          "plan: read back (valid against plan.rng)");
    fake_host h = { 0 };
    fake_hold(&h, 3, 99);
    unsigned cid = 0;
    vc_strv argv;
    vc_strv_init(&argv);
    CHECK(q && rt_vsock_acquire(5, fake_set, &h, 0, &cid, &d2) &&
              rt_vsock_set_cid(&q->argv, q->vsock_auto, cid, q->vsock_fd, &argv, &d2) &&
              argv_has(&argv, "id=vsock0,guest-cid=4,vhostfd=4,"),
          "plan: the compiled argv takes the chosen CID (guest-cid=4 when 3 is held)");
    vc_strv_free(&argv);
    rt_plan_free(q);
    /* a plan whose -device does not pass the descriptor: a located error */
    char *bad = text ? replace_once(text, ",vhostfd=4", "") : NULL;
    q = bad ? rt_plan_parse("bad.xml", bad, strlen(bad), &d2) : NULL;
    CHECK(bad && !q && d2.n == 1 && d2.v[0].file && d2.v[0].line > 1 &&
              strstr(d2.v[0].message, "<vsock>: the plan's -device id=vsock0 passes no vhostfd"),
          "plan: an argv without vhostfd= is refused at the <vsock> element");
    vc_diags_clear(&d2);
    free(bad);
    bad = text ? replace_once(text, "fd='4'", "fd='3'") : NULL;
    q = bad ? rt_plan_parse("bad.xml", bad, strlen(bad), &d2) : NULL;
    CHECK(bad && !q && d2.nerrors > 0, "plan: fd='3' (the monitor's) is refused by plan.rng");
    vc_diags_clear(&d2);
    free(bad);
    free(text);
    rt_plan_free(p);
    p = compile("<cid address='7'/>", &d);
    CHECK(p && !p->vsock_auto && argv_has(&p->argv, "guest-cid=7") &&
              !argv_has(&p->argv, "vhostfd="),
          "plan: a fixed CID stays as it is (QEMU opens the device)");
    rt_plan_free(p);
    vc_diags_free(&d2);
    vc_diags_free(&d);
}

int main(void)
{
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    test_acquire();
    test_set_cid();
    test_pass();
    test_plan();
    return check_done();
}
