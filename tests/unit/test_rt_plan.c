/* test_rt_plan.c: the plan compiler (a domain with the qemu-7.2 profile and
 * a qemu.conf), the plan document both ways (plan.rng validation first),
 * and DAC: the search-permission check and ownership taken and given back. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../runtime/dac.h"
#include "../../runtime/plan.h"
#include "../../translators/domain_xml.h"
#include "../../translators/qemu/plan.h"
#include "check.h"

static const char dom_xml[] =
    "<domain type='qemu'>\n"
    "  <name>planned</name>\n"
    "  <uuid>6f2b4e1c-6a53-4c1e-9c9e-3a2b1c0d9e8f</uuid>\n"
    "  <memory unit='MiB'>128</memory>\n"
    "  <memtune><hard_limit unit='MiB'>512</hard_limit><soft_limit>1024</soft_limit></memtune>\n"
    "  <cputune><shares>2048</shares><quota>-1</quota></cputune>\n"
    "  <vcpu>1</vcpu>\n"
    "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
    "  <on_poweroff>preserve</on_poweroff>\n"
    "  <on_crash>coredump-restart</on_crash>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "    <disk type='file' device='disk'><source file='/srv/own.img'/><target dev='vda' bus='virtio'/></disk>\n"
    "    <disk type='file' device='disk'><source file='/srv/shared.img'/><target dev='vdb' bus='virtio'/><shareable/></disk>\n"
    "    <disk type='file' device='cdrom'><source file='/srv/cd.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>\n"
    "    <disk type='block' device='disk'><source dev='/dev/loop7'/><target dev='vdc' bus='virtio'/></disk>\n"
    "    <memballoon model='none'/>\n"
    "  </devices>\n"
    "</domain>\n";

static rt_plan *compile(const char *conf_text, rt_instance inst, vc_diags *d)
{
    rt_qemuconf conf;
    rt_qemuconf_defaults(&conf);
    rt_plan *p = NULL;
    if (rt_qemuconf_parse(&conf, "q.conf", conf_text, strlen(conf_text), d)) {
        ir_domain *dom = xml_domain_parse("dom.xml", dom_xml, sizeof(dom_xml) - 1, d);
        qemu_caps *caps = qemu_caps_load_profile("qemu-7.2", d);
        if (dom && caps)
            p = qemu_plan_build(dom, caps, &conf, inst, true, "dom.xml", d);
        qemu_caps_free(caps);
        ir_domain_free(dom);
    }
    rt_qemuconf_free(&conf);
    return p;
}

static bool has_limit(const rt_plan *p, const char *name, long long v)
{
    for (size_t i = 0; i < p->nlimits; i++)
        if (strcmp(p->limits[i].name, name) == 0)
            return p->limits[i].value == v;
    return false;
}

static bool has_dev(const rt_plan *p, const char *path, const char *perms)
{
    for (size_t i = 0; i < p->ndevs; i++)
        if (strcmp(p->devs[i].path, path) == 0)
            return strcmp(p->devs[i].perms, perms) == 0;
    return false;
}

static void test_compile(void)
{
    vc_diags d;
    vc_diags_init(&d);
    rt_plan *p = compile("user = \"+4242\"\ngroup = \"+4343\"\n"
                         "cgroup_device_acl = [ \"/dev/null\", \"/dev/kvm\" ]\n",
                         RT_INSTANCE_SYSTEM, &d);
    CHECK(p != NULL, "a domain compiles into a plan");
    if (!p) {
        vc_diags_print(stdout, &d);
        vc_diags_free(&d);
        return;
    }
    CHECK(strcmp(p->name, "planned") == 0 && strcmp(p->uuid, "6f2b4e1c-6a53-4c1e-9c9e-3a2b1c0d9e8f") == 0,
          "name and uuid");
    CHECK(p->user.id == 4242 && p->group.id == 4343 && p->ngroups == 1 && p->groups[0].id == 4343,
          "user, group and the group as the only supplementary one");
    CHECK(p->clear_caps && p->keep_caps.n == 0, "capabilities: clear all, keep none");
    CHECK(strcmp(p->argv.v[0], p->emulator) == 0 && strcmp(p->emulator, "/usr/bin/qemu-system-x86_64") == 0,
          "argv[0] is the emulator");
    CHECK(strcmp(p->run_dir, "/run/virtc/qemu") == 0 &&
              strcmp(p->monitor, "/var/lib/virtc/qemu/domain-planned/monitor.sock") == 0 &&
              strcmp(p->pid_file, "/run/virtc/qemu/planned.pid") == 0 &&
              strcmp(p->log_file, "/var/log/virtc/qemu/planned.log") == 0,
          "system instance paths");
    bool mon = false;
    for (size_t i = 0; i < p->argv.n; i++)
        mon = mon || strstr(p->argv.v[i], "path=/var/lib/virtc/qemu/domain-planned/monitor.sock");
    CHECK(mon, "the argv serves QMP on the plan's monitor");
    CHECK(rt_plan_has_driver(p, "dac") && p->dynamic_ownership, "DAC with dynamic ownership");
    const rt_plan_res *own = rt_plan_find_res(p, "/srv/own.img");
    const rt_plan_res *shared = rt_plan_find_res(p, "/srv/shared.img");
    const rt_plan_res *cd = rt_plan_find_res(p, "/srv/cd.iso");
    const rt_plan_res *blk = rt_plan_find_res(p, "/dev/loop7");
    CHECK(own && own->dac && !own->shared && !own->readonly, "an exclusive disk is taken over");
    CHECK(shared && shared->shared && !shared->dac, "a shared disk is not taken over");
    CHECK(cd && cd->readonly && !cd->dac, "a read-only disk is not taken over");
    CHECK(blk && strcmp(blk->kind, "block") == 0 && blk->dac, "a block disk");
    CHECK(p->cgroup && strcmp(p->cgroup_path, "virtc/qemu/planned") == 0, "a cgroup per guest");
    CHECK(has_dev(p, "/dev/null", "rw") && has_dev(p, "/dev/kvm", "rw") &&
              has_dev(p, "/dev/loop7", "rw") && p->ndevs == 3,
          "the device allow-list: qemu.conf's ACL and the block disk");
    CHECK(has_limit(p, "hard_limit", 512 * 1024) && has_limit(p, "soft_limit", 1024) &&
              has_limit(p, "shares", 2048) && has_limit(p, "quota", -1),
          "memtune (KiB) and cputune limits");
    CHECK(p->on_poweroff == RT_LIFE_PRESERVE && p->on_reboot == RT_LIFE_RESTART &&
              p->on_crash == RT_LIFE_RESTART, "lifecycle actions (defaults for those not given)");

    /* the document, and back */
    char *text = rt_plan_format(p);
    vc_diags d2;
    vc_diags_init(&d2);
    rt_plan *q = rt_plan_parse("p.xml", text, strlen(text), &d2);
    char *again = q ? rt_plan_format(q) : NULL;
    CHECK(q && d2.n == 0 && strcmp(text, again) == 0, "a plan document reads back to the same plan");
    if (d2.n)
        vc_diags_print(stdout, &d2);
    free(again);
    rt_plan_free(q);
    vc_diags_free(&d2);

    /* malformed plans: the schema says so first, with a location */
    char *bad = vc_xstrdup(text);
    char *at = strstr(bad, "on_crash='restart'");
    memcpy(at, "on_crash='explode'", 18);
    vc_diags_init(&d2);
    q = rt_plan_parse("bad.xml", bad, strlen(bad), &d2);
    CHECK(!q && d2.nerrors > 0 && d2.v[0].code == VC_ERR_INVALID && d2.v[0].line > 1 &&
              vc_streq(d2.v[0].file, "bad.xml"),
          "an invalid plan is refused by plan.rng, located");
    vc_diags_free(&d2);
    free(bad);
    bad = vc_xstrdup(text);
    at = strstr(bad, "<arg>/usr/bin/qemu-system-x86_64</arg>");
    memcpy(at, "<arg>/usr/bin/qemu-system-i386</arg>  ", 38);
    vc_diags_init(&d2);
    q = rt_plan_parse("bad.xml", bad, strlen(bad), &d2);
    CHECK(!q && d2.nerrors == 1 && strstr(d2.v[0].message, "first <arg> must be its <emulator>"),
          "argv[0] must be the emulator");
    vc_diags_free(&d2);
    free(bad);
    vc_diags_init(&d2);
    q = rt_plan_parse("dom.xml", dom_xml, sizeof(dom_xml) - 1, &d2);
    CHECK(!q && d2.nerrors == 1 && strstr(d2.v[0].message, "not a plan"), "a domain is not a plan");
    vc_diags_free(&d2);
    free(text);
    rt_plan_free(p);
    vc_diags_free(&d);

    /* session: the caller, no privileged step */
    vc_diags_init(&d);
    p = compile("", RT_INSTANCE_SESSION, &d);
    CHECK(p && p->user.id == (long)geteuid() && !p->cgroup && p->drivers.n == 0 &&
              !p->dynamic_ownership && !rt_plan_find_res(p, "/srv/own.img")->dac,
          "session: runs as the caller, no cgroup, no ownership change");
    rt_plan_free(p);
    vc_diags_free(&d);

    vc_diags_init(&d);
    p = compile("security_driver = \"none\"\ncgroup_controllers = [ ]\n", RT_INSTANCE_SYSTEM, &d);
    CHECK(p && p->drivers.n == 0 && !p->cgroup && !rt_plan_find_res(p, "/srv/own.img")->dac,
          "security_driver none, no controllers: no driver, no cgroup");
    rt_plan_free(p);
    vc_diags_free(&d);

    vc_diags_init(&d);
    p = compile("user = \"virtc-no-such-user-x\"\n", RT_INSTANCE_SYSTEM, &d);
    CHECK(!p && d.nerrors == 1 && strstr(d.v[0].message, "user 'virtc-no-such-user-x' does not exist"),
          "an unknown user is an error naming it");
    rt_plan_free(p);
    vc_diags_free(&d);
}

static void test_dac(void)
{
    char dir[] = "/tmp/rt-plan-dac-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "a scratch directory");
    char *sub = vc_xasprintf("%s/closed", dir);
    char *file = vc_xasprintf("%s/disk.img", sub);
    mkdir(sub, 0700);
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    chmod(dir, 0711);
    gid_t none[1] = { 0 };
    vc_diags d;
    vc_diags_init(&d);
    uid_t other = getuid() == 4711 ? 4712 : 4711;
    bool ok = rt_dac_reachable(file, other, other, none, 0, "QEMU", &d);
    char *want = vc_xasprintf("QEMU cannot reach %s: the directory %s denies it search "
                              "permission; allow it with 'chmod o+x %s' (or make the directory "
                              "its own)", file, sub, sub);
    CHECK(!ok && d.nerrors == 1 && strcmp(d.v[0].message, want) == 0,
          "a directory without search permission is named, with the remedy");
    free(want);
    vc_diags_free(&d);
    vc_diags_init(&d);
    CHECK(rt_dac_reachable(file, getuid(), getgid(), none, 0, "QEMU", &d) && d.n == 0,
          "the directory's owner reaches it");
    gid_t grp[1] = { 4800 };
    chmod(sub, 0710);
    if (getuid() == 0 && chown(sub, 0, 4800) == 0)
        CHECK(rt_dac_reachable(file, other, other, grp, 1, "QEMU", &d) && d.n == 0,
              "a supplementary group's search bit counts");
    chmod(sub, 0701);
    CHECK(rt_dac_reachable(file, other, other, none, 0, "QEMU", &d) && d.n == 0,
          "o+x is enough");
    vc_diags_free(&d);

    if (getuid() == 0) {
        rt_plan *p = rt_plan_new();
        p->user = (rt_plan_id){ NULL, (long)other };
        p->group = (rt_plan_id){ NULL, (long)other };
        p->dynamic_ownership = true;
        rt_plan_res *r = rt_plan_add_res(p, file, "file");
        r->dac = true;
        rt_plan_add_res(p, dir, "dir")->readonly = true;
        rt_dac_saved *saved = NULL;
        vc_diags_init(&d);
        struct stat st;
        CHECK(rt_dac_take(p, &saved, &d) && stat(file, &st) == 0 && st.st_uid == other &&
                  st.st_gid == other, "ownership taken over");
        CHECK(stat(dir, &st) == 0 && st.st_uid == 0, "a read-only resource keeps its owner");
        CHECK(rt_dac_restore(saved, &d) && stat(file, &st) == 0 && st.st_uid == 0 &&
                  st.st_gid == 0 && d.n == 0,
              "ownership given back");
        vc_diags_free(&d);
        rt_plan_free(p);
    }
    unlink(file);
    rmdir(sub);
    rmdir(dir);
    free(file);
    free(sub);
}

int main(void)
{
    /* run from the checkout's top, as make check does */
    setenv("VIRTC_SCHEMA_DIR", "schemas", 0);
    setenv("VIRTC_PROFILE_DIR", "translators/qemu/profiles", 0);
    test_compile();
    test_dac();
    return check_done();
}
