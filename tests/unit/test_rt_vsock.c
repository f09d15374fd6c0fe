/* test_rt_vsock.c: the vsock context ID chosen at start (runtime/vsock.h):
 * the search against a fake host (this machine has no /dev/vhost-vsock),
 * the error where the device is absent, the argv rewrite, and the plan's
 * <vsock cid='auto'> compiled from <cid auto='yes'/> and read back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../runtime/plan.h"
#include "../../runtime/vsock.h"
#include "../../translators/domain_xml.h"
#include "../../translators/qemu/plan.h"
#include "check.h"

/* A fake host: CIDs below used_below and those listed are held. */
typedef struct fake_host {
    unsigned used_below;
    const unsigned *held;
    size_t nheld;
    int fail_errno;          /* nonzero: every probe fails so */
    unsigned tries;
} fake_host;

static int fake_try(void *ctx, unsigned cid)
{
    fake_host *h = ctx;
    h->tries++;
    if (h->fail_errno)
        return h->fail_errno;
    if (cid < h->used_below)
        return EADDRINUSE;
    for (size_t i = 0; i < h->nheld; i++)
        if (h->held[i] == cid)
            return EADDRINUSE;
    return 0;
}

static bool one_error(vc_diags *d, const char *want)
{
    bool ok = d->n == 1 && strcmp(d->v[0].message, want) == 0;
    if (!ok)
        printf("  got '%s', want '%s'\n", d->n ? d->v[0].message : "(none)", want);
    vc_diags_clear(d);
    return ok;
}

static void test_find(void)
{
    vc_diags d;
    vc_diags_init(&d);
    unsigned cid = 0;
    fake_host empty = { 0 };
    CHECK(rt_vsock_find(NULL, fake_try, &empty, &cid, &d) && cid == 3 && empty.tries == 1,
          "find: on an idle host the first guest CID, 3");
    static const unsigned held[] = { 3, 4, 5, 7 };
    fake_host busy = { .held = held, .nheld = 4 };
    CHECK(rt_vsock_find(NULL, fake_try, &busy, &cid, &d) && cid == 6,
          "find: the first CID no other guest holds (a gap is used)");
    fake_host full = { .used_below = ~0u };
    CHECK(!rt_vsock_find(NULL, fake_try, &full, &cid, &d) && full.tries == RT_VSOCK_MAX_TRIES &&
              one_error(&d, "no free vsock context ID among 3 to 65538"),
          "find: a bounded search, then an error");
    fake_host broken = { .fail_errno = EPERM };
    CHECK(!rt_vsock_find(NULL, fake_try, &broken, &cid, &d) && broken.tries == 1 &&
              one_error(&d, "cannot probe vsock context ID 3: Operation not permitted"),
          "find: a probe that fails otherwise stops the search with its reason");
    CHECK(!rt_vsock_find_host(NULL, "/nonexistent/vhost-vsock", &cid, &d) &&
              one_error(&d, "<vsock> with <cid auto='yes'/>: cannot open /nonexistent/vhost-vsock "
                            "to find a free context ID: No such file or directory (the host "
                            "needs the vhost_vsock module)"),
          "find: no device: an error naming it and the module");
    vc_diags_free(&d);
}

static char *read_trimmed(const char *path)
{
    char *t = vc_read_file(path, NULL);
    if (t)
        t[strcspn(t, "\n")] = '\0';
    return t;
}

/* Held CIDs: a live process's file is skipped without asking the host, a
 * dead one's taken over; the CID found stays held until released. */
static void test_held(void)
{
    char tmpl[] = "/tmp/virtc-t-rtsec-vsock-XXXXXX";
    char *tmp = mkdtemp(tmpl);
    char *dir = tmp ? vc_xasprintf("%s/vsock", tmp) : NULL;
    CHECK(dir && mkdir(dir, 0755) == 0, "held: a directory for the held CIDs");
    if (!dir)
        return;
    char *three = vc_xasprintf("%s/3", dir), *four = vc_xasprintf("%s/4", dir);
    char *five = vc_xasprintf("%s/5", dir);
    FILE *f = fopen(three, "w");
    fprintf(f, "1\n");          /* init: alive */
    fclose(f);
    f = fopen(four, "w");
    fprintf(f, "999999999\n");  /* no such process */
    fclose(f);
    vc_diags d;
    vc_diags_init(&d);
    unsigned cid = 0;
    fake_host h = { 0 };
    char *me = vc_xasprintf("%ld", (long)getpid());
    char *got = NULL;
    CHECK(rt_vsock_find(dir, fake_try, &h, &cid, &d) && cid == 4 && h.tries == 1 &&
              (got = read_trimmed(four)) && strcmp(got, me) == 0,
          "held: a live guest's CID is skipped unasked, a dead one's taken over and held");
    free(got);
    got = NULL;
    static const unsigned held5[] = { 5 };
    fake_host other = { .held = held5, .nheld = 1 };
    unsigned next = 0;
    CHECK(rt_vsock_find(dir, fake_try, &other, &next, &d) && next == 6 && access(five, F_OK) != 0,
          "held: a CID the host refuses is not kept held; the next is taken");
    CHECK(rt_vsock_release(dir, cid, &d) && rt_vsock_release(dir, next, &d) &&
              access(four, F_OK) != 0 && access(three, F_OK) == 0,
          "held: released, only the live holder's file is left");
    CHECK(rt_vsock_release(dir, 3, &d) && access(three, F_OK) == 0,
          "held: another live process's CID is not ours to release");
    unlink(three);
    rmdir(dir);
    rmdir(tmp);
    free(me);
    free(three);
    free(four);
    free(five);
    free(dir);
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
    CHECK(rt_vsock_set_cid(&in, "vsock0", 41, &out, &d) && out.n == in.n &&
              strcmp(out.v[6], "vhost-vsock-pci,id=vsock0,guest-cid=41,bus=pci.0,addr=0x5") == 0 &&
              strcmp(out.v[4], args[4]) == 0 && strcmp(out.v[2], args[2]) == 0 &&
              strcmp(out.v[8], args[8]) == 0 && !out.v[out.n],
          "argv: only the guest-cid of -device id=vsock0 changes (an escaped ',,id=' is a value)");
    vc_strv_free(&out);
    CHECK(!rt_vsock_set_cid(&in, "vsock1", 41, &out, &d) && !out.v &&
              one_error(&d, "the plan's argv has no -device id=vsock1 with a guest-cid to set"),
          "argv: no such device is an error");
    vc_strv_free(&in);
    vc_diags_free(&d);
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

static void test_plan(void)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_plan *p = compile("<cid auto='yes'/>", &d);
    CHECK(p && p->vsock_auto && strcmp(p->vsock_auto, "vsock0") == 0,
          "plan: <cid auto='yes'/> leaves the CID to the runtime (device vsock0)");
    const rt_plan_res *dev = p ? rt_plan_find_res(p, "/dev/vhost-vsock") : NULL;
    bool allowed = false;
    for (size_t i = 0; p && i < p->ndevs; i++)
        allowed = allowed || (strcmp(p->devs[i].path, "/dev/vhost-vsock") == 0 &&
                              strcmp(p->devs[i].perms, "rw") == 0);
    CHECK(dev && !dev->dac && allowed,
          "plan: /dev/vhost-vsock is allowed in the cgroup but never taken over (every vsock "
          "guest opens it)");
    char *text = p ? rt_plan_format(p) : NULL;
    CHECK(text && strstr(text, "  <vsock device='vsock0' cid='auto'/>\n"),
          "plan: the document says <vsock device='vsock0' cid='auto'/>");
    vc_diags d2;
    vc_diags_init(&d2);
    rt_plan *q = text ? rt_plan_parse("p.xml", text, strlen(text), &d2) : NULL;
    CHECK(q && d2.n == 0 && q->vsock_auto && strcmp(q->vsock_auto, "vsock0") == 0,
          "plan: read back (valid against plan.rng)");
    unsigned cid = 0;
    static const unsigned held[] = { 3 };
    fake_host h = { .held = held, .nheld = 1 };
    vc_strv argv;
    CHECK(q && rt_vsock_find(NULL, fake_try, &h, &cid, &d2) &&
              rt_vsock_set_cid(&q->argv, q->vsock_auto, cid, &argv, &d2),
          "plan: the compiled argv takes the chosen CID");
    bool found = false;
    for (size_t i = 0; q && i < argv.n; i++)
        found = found || strstr(argv.v[i], "id=vsock0,guest-cid=4") != NULL;
    CHECK(found, "plan: ... as guest-cid=4 when 3 is held");
    vc_strv_free(&argv);
    rt_plan_free(q);
    free(text);
    rt_plan_free(p);
    p = compile("<cid address='7'/>", &d);
    CHECK(p && !p->vsock_auto, "plan: a fixed CID stays as it is");
    rt_plan_free(p);
    vc_diags_free(&d2);
    vc_diags_free(&d);
}

int main(void)
{
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    test_find();
    test_held();
    test_set_cid();
    test_plan();
    return check_done();
}
