/* plan.c: compiling a domain into a launch plan (see plan.h). */
#include "plan.h"

#include <grp.h>
#include <libxml/tree.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../runtime/instance.h"
#include "../../runtime/security/security.h"
#include "../../runtime/vsock.h"
#include "../util.h"
#include "../xmldoc.h"
#include "argv.h"

typedef struct pl_ctx {
    const ir_domain *dom;
    const rt_qemuconf *conf;
    const char *file;
    rt_plan *p;
    vc_diags *d;
} pl_ctx;

/* Where a complaint about qemu.conf points: the file, no line (the value
 * was read fine; the host is what disagrees with it). */
static bool pl_conf_error(pl_ctx *x, const char *fmt, const char *arg)
{
    vc_loc loc = { x->conf->path, 0, 0 };
    return vc_error_at(x->d, loc, fmt, arg);
}

/* ---- who QEMU runs as --------------------------------------------------- */

/* "+N" is a number, anything else a name (libvirt's convention). */
static bool pl_user(pl_ctx *x, const char *spec, rt_plan_id *out, gid_t *primary)
{
    long long num;
    if (spec[0] == '+' && vc_parse_ll(spec + 1, 10, &num) && num >= 0) {
        struct passwd *pw = getpwuid((uid_t)num);
        out->id = (long)num;
        out->name = pw ? vc_xstrdup(pw->pw_name) : NULL;
        *primary = pw ? pw->pw_gid : (gid_t)num;
        return true;
    }
    struct passwd *pw = getpwnam(spec);
    if (!pw)
        return pl_conf_error(x, "user '%s' does not exist on this host", spec);
    out->id = (long)pw->pw_uid;
    out->name = vc_xstrdup(pw->pw_name);
    *primary = pw->pw_gid;
    return true;
}

static bool pl_group(pl_ctx *x, const char *spec, rt_plan_id *out)
{
    long long num;
    if (spec[0] == '+' && vc_parse_ll(spec + 1, 10, &num) && num >= 0) {
        struct group *gr = getgrgid((gid_t)num);
        out->id = (long)num;
        out->name = gr ? vc_xstrdup(gr->gr_name) : NULL;
        return true;
    }
    struct group *gr = getgrnam(spec);
    if (!gr)
        return pl_conf_error(x, "group '%s' does not exist on this host", spec);
    out->id = (long)gr->gr_gid;
    out->name = vc_xstrdup(gr->gr_name);
    return true;
}

/* The supplementary groups: the configured group and those the host's
 * group database gives the user (the kvm group that opens /dev/kvm is how
 * distributions let their qemu user in), nothing inherited from us. */
static void pl_groups(rt_plan *p)
{
    int n = 16;
    gid_t *g = NULL;
    int got = -1;
    for (int tries = 0; p->user.name && got < 0 && tries < 4; tries++) {
        g = vc_xrealloc(g, (size_t)n * sizeof(gid_t));
        int want = n;
        got = getgrouplist(p->user.name, (gid_t)p->group.id, g, &want);
        n = want > n ? want : n * 2;
    }
    rt_plan_add_group(p, p->group.name, p->group.id);
    for (int i = 0; i < got; i++) {
        if ((long)g[i] == p->group.id)
            continue;
        struct group *gr = getgrgid(g[i]);
        rt_plan_add_group(p, gr ? gr->gr_name : NULL, (long)g[i]);
    }
    free(g);
}

/* system: qemu.conf's user and group (root when unset) with the groups of
 * pl_groups; session: the caller, as it is. */
static bool pl_identity(pl_ctx *x)
{
    rt_plan *p = x->p;
    if (p->instance == RT_INSTANCE_SESSION) {
        struct passwd *pw = getpwuid(geteuid());
        struct group *gr = getgrgid(getegid());
        p->user = (rt_plan_id){ pw ? vc_xstrdup(pw->pw_name) : NULL, (long)geteuid() };
        p->group = (rt_plan_id){ gr ? vc_xstrdup(gr->gr_name) : NULL, (long)getegid() };
        int n = getgroups(0, NULL);
        gid_t *g = vc_xcalloc(n > 0 ? (size_t)n : 1, sizeof(gid_t));
        n = n > 0 ? getgroups(n, g) : 0;
        for (int i = 0; i < n; i++) {
            struct group *sg = getgrgid(g[i]);
            rt_plan_add_group(p, sg ? sg->gr_name : NULL, (long)g[i]);
        }
        free(g);
        return true;
    }
    gid_t primary = 0;
    if (!pl_user(x, x->conf->user ? x->conf->user : "root", &p->user, &primary))
        return false;
    if (x->conf->group) {
        if (!pl_group(x, x->conf->group, &p->group))
            return false;
    } else {
        struct group *gr = getgrgid(primary);
        p->group = (rt_plan_id){ gr ? vc_xstrdup(gr->gr_name) : NULL, (long)primary };
    }
    pl_groups(p);
    return true;
}

/* ---- security drivers ----------------------------------------------------- */

static bool pl_lsm_enabled(const char *lsm)
{
    vc_diags quiet;
    vc_diags_init(&quiet);
    bool on = rt_sec_lsm_check(lsm, NULL, &quiet);
    vc_diags_free(&quiet);
    return on;
}

/* security_driver: "none" is no driver at all; otherwise the list given,
 * with DAC always under it in the system instance (ownership is how a
 * non-root QEMU reaches its disks); unset, the LSMs the host runs. An LSM
 * named that the host does not run is an error. */
static bool pl_drivers(pl_ctx *x)
{
    rt_plan *p = x->p;
    const vc_strv *want = &x->conf->security_drivers;
    bool none = want->n == 1 && strcmp(want->v[0], "none") == 0;
    if (p->instance == RT_INSTANCE_SYSTEM && !none)
        vc_strv_add(&p->drivers, "dac");
    static const char *const lsms[] = { "selinux", "apparmor" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(lsms) && !none; i++) {
        bool named = false;
        for (size_t j = 0; j < want->n; j++)
            named = named || strcmp(want->v[j], lsms[i]) == 0;
        if (named) {
            vc_diags why;
            vc_diags_init(&why);
            bool on = rt_sec_lsm_check(lsms[i], NULL, &why);
            if (!on)
                pl_conf_error(x, "%s", why.n ? why.v[0].message : lsms[i]);
            vc_diags_free(&why);
            if (!on)
                return false;
        }
        if (named || (!x->conf->security_drivers_set && x->conf->security_default_confined &&
                      pl_lsm_enabled(lsms[i])))
            vc_strv_add(&p->drivers, lsms[i]);
    }
    p->dynamic_ownership = x->conf->dynamic_ownership && rt_plan_has_driver(p, "dac");
    if (rt_plan_has_driver(p, "selinux"))
        p->selinux_model = vc_xstrdup("dynamic");
    if (rt_plan_has_driver(p, "apparmor"))
        p->apparmor_profile = vc_xasprintf("libvirt-%s", p->uuid);
    return true;
}

/* <seclabel type='static' model='selinux'><label>..</label></seclabel>:
 * the label as given, nothing relabelled; type='none' turns the model off. */
static void pl_seclabels(pl_ctx *x)
{
    for (size_t i = 0; i < x->dom->extra.n; i++) {
        const ir_fragment *f = &x->dom->extra.v[i];
        if (!vc_str_has_prefix(f->xml, "<seclabel"))
            continue;
        vc_diags tmp;
        vc_diags_init(&tmp);
        xmlDocPtr doc = xml_doc_read(x->file, f->xml, strlen(f->xml), &tmp);
        vc_diags_free(&tmp);
        if (!doc)
            continue;
        xmlNodePtr n = xmlDocGetRootElement(doc);
        char *type = xml_prop(n, "type"), *model = xml_prop(n, "model");
        xmlNodePtr lab = xml_child(n, "label");
        if (vc_streq(model, "selinux") && x->p->selinux_model) {
            if (vc_streq(type, "static") && lab) {
                free(x->p->selinux_model);
                x->p->selinux_model = vc_xstrdup("static");
                x->p->selinux_label = xml_text(lab);
                xmlNodePtr il = xml_child(n, "imagelabel");
                x->p->selinux_image_label = il ? xml_text(il) : NULL;
            } else if (vc_streq(type, "none")) {
                free(x->p->selinux_model);
                x->p->selinux_model = NULL;
            }
        }
        free(type);
        free(model);
        xmlFreeDoc(doc);
    }
}

/* ---- resources ------------------------------------------------------------ */

static bool pl_strv_has(const vc_strv *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i], s) == 0)
            return true;
    return false;
}

/* Nodes every guest using the feature opens, one per host: the VFIO
 * container (besides each device's own group), the vhost-vsock device
 * (each guest gets its own context ID through it). */
static const char *const pl_multi_guest_nodes[] = { "/dev/vfio/vfio", "/dev/vhost-vsock" };

/* A device node every guest may open (/dev/kvm, /dev/net/tun, /dev/null:
 * the seed's shared devices, or qemu.conf's cgroup_device_acl; or one of
 * pl_multi_guest_nodes): no guest's own. */
static bool pl_shared_node(pl_ctx *x, const char *path)
{
    vc_strv seed;
    vc_strv_init(&seed);
    rt_qemuconf_default_acl(&seed);
    bool shared = pl_strv_has(&seed, path) || pl_strv_has(&x->conf->cgroup_device_acl, path);
    for (size_t i = 0; i < VC_ARRAY_SIZE(pl_multi_guest_nodes) && !shared; i++)
        shared = strcmp(path, pl_multi_guest_nodes[i]) == 0;
    vc_strv_free(&seed);
    return shared;
}

/* What each model does to a resource. Ownership and labels are for what is
 * the guest's alone: a shared or read-only disk is not taken over. Host
 * device nodes (a serial port, a USB device, a block device) are taken
 * over like images, as the seed's DAC driver does for the host devices it
 * gives a guest; those every guest shares are not. */
static void pl_res_models(pl_ctx *x, rt_plan_res *r, bool is_disk)
{
    rt_plan *p = x->p;
    bool exclusive = !r->shared && !r->readonly;
    bool owned_kind = strcmp(r->kind, "file") == 0 || strcmp(r->kind, "block") == 0;
    bool host_node = (strcmp(r->kind, "chardev") == 0 || strcmp(r->kind, "usb") == 0) &&
                     !pl_shared_node(x, r->path);
    if (p->dynamic_ownership && exclusive && (owned_kind || host_node))
        r->dac = true;
    if (p->selinux_model && !vc_streq(p->selinux_model, "static") &&
        (is_disk || owned_kind)) {
        free(r->selinux);
        r->selinux = vc_xstrdup(r->shared ? "shared" : r->readonly ? "readonly" : "exclusive");
    }
    if (p->apparmor_profile) {
        const char *use = strcmp(r->kind, "socket") == 0 ? "socket"
                          : strcmp(r->kind, "chardev") == 0 || strcmp(r->kind, "usb") == 0
                              ? "device"
                          : r->readonly ? "disk-ro" : "disk";
        free(r->apparmor);
        r->apparmor = vc_xstrdup(use);
    }
}

/* The guest's disks with a local source: the emitter's resource list does
 * not say which are shared. */
static void pl_disks(pl_ctx *x)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *dev = &x->dom->devices[i];
        if (dev->kind != IR_DEV_DISK || !dev->u.disk.source)
            continue;
        const ir_disk *disk = &dev->u.disk;
        const char *kind = disk->type == IR_DISK_TYPE_FILE    ? "file"
                           : disk->type == IR_DISK_TYPE_BLOCK ? "block"
                           : disk->type == IR_DISK_TYPE_DIR   ? "dir"
                                                              : NULL;
        if (!kind || rt_plan_find_res(x->p, disk->source))
            continue;
        rt_plan_res *r = rt_plan_add_res(x->p, disk->source, kind);
        r->readonly = disk->readonly || disk->device == IR_DISK_DEV_CDROM;
        r->shared = disk->shareable;
        pl_res_models(x, r, true);
    }
}

/* A vsock whose context ID the host hands out (auto, or none given): the
 * emitter wrote a placeholder into its -device "vsock0" (modern_vsock);
 * the runtime puts a free one there at start, and hands QEMU the device
 * that holds it as descriptor RT_PLAN_VSOCK_FD, which the -device names. */
static bool pl_vsock(pl_ctx *x)
{
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_vsock *v = &x->dom->devices[i].u.vsock;
        if (x->dom->devices[i].kind != IR_DEV_VSOCK || (v->auto_cid != IR_TRI_YES && v->cid))
            continue;
        vc_strv argv;
        if (!rt_vsock_add_vhostfd(&x->p->argv, "vsock0", RT_PLAN_VSOCK_FD, &argv, x->d))
            return false;
        vc_strv_free(&x->p->argv);
        x->p->argv = argv;
        x->p->vsock_auto = vc_xstrdup("vsock0");
        x->p->vsock_fd = RT_PLAN_VSOCK_FD;
        return true;
    }
    return true;
}

/* The VFIO group node QEMU opens for a host PCI device: /dev/vfio/N, N its
 * IOMMU group as sysfs links it (bus/pci/devices/ADDR/iommu_group ->
 * .../iommu_groups/N); NULL when this host does not have the device.
 * VIRTC_SYSFS names another sysfs (tests). */
static char *pl_vfio_group(const char *addr)
{
    const char *sys = getenv("VIRTC_SYSFS");
    char *link = vc_xasprintf("%s/bus/pci/devices/%s/iommu_group", sys && *sys ? sys : "/sys",
                              addr);
    char *target = realpath(link, NULL);
    free(link);
    const char *group = target ? strrchr(target, '/') : NULL;
    long long n;
    char *node = group && vc_parse_ll(group + 1, 10, &n) && n >= 0
                     ? vc_xasprintf("/dev/vfio/%lld", n)
                     : NULL;
    free(target);
    return node;
}

static void pl_launch_res(pl_ctx *x, const qemu_launch *l)
{
    for (size_t i = 0; i < l->nres; i++) {
        const qemu_resource *q = &l->res[i];
        if (rt_plan_find_res(x->p, q->path))
            continue;
        rt_plan_res *r = rt_plan_add_res(x->p, q->path, qemu_res_kind_name(q->kind));
        r->readonly = q->readonly;
        /* the monitor is QEMU's to create, in a directory that is the guest's */
        if (strcmp(q->path, x->p->monitor) != 0)
            pl_res_models(x, r, false);
        /* a host PCI device is reached through its VFIO group: that node is
         * the guest's, as a host device node */
        char *group = q->kind == QEMU_RES_PCI ? pl_vfio_group(q->path) : NULL;
        if (group && !rt_plan_find_res(x->p, group))
            pl_res_models(x, rt_plan_add_res(x->p, group, "chardev"), false);
        free(group);
    }
}

/* ---- cgroup ----------------------------------------------------------------- */

/* A device node among the resources (a block disk, a serial port, a host
 * device) or an rng backend: allowed in the cgroup. */
static void pl_cgroup_devices(pl_ctx *x)
{
    rt_plan *p = x->p;
    for (size_t i = 0; i < x->conf->cgroup_device_acl.n; i++)
        rt_plan_add_dev(p, x->conf->cgroup_device_acl.v[i], "rw");
    for (size_t i = 0; i < p->nres; i++) {
        const rt_plan_res *r = &p->res[i];
        bool node = strcmp(r->kind, "block") == 0 || strcmp(r->kind, "chardev") == 0 ||
                    strcmp(r->kind, "usb") == 0;
        if (node && vc_str_has_prefix(r->path, "/dev/"))
            rt_plan_add_dev(p, r->path, r->readonly ? "r" : "rw");
    }
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *dev = &x->dom->devices[i];
        if (dev->kind == IR_DEV_RNG && dev->u.rng.backend_path &&
            vc_str_has_prefix(dev->u.rng.backend_path, "/dev/"))
            rt_plan_add_dev(p, dev->u.rng.backend_path, "r");
    }
}

/* <memtune> and <cputune> children as plan limits (memory in KiB). */
static void pl_tune(pl_ctx *x, xmlNodePtr n, const char *controller, bool memory)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)c->name;
        static const char *const mem[] = { "hard_limit", "soft_limit", "swap_hard_limit" };
        static const char *const cpu[] = { "shares", "period", "quota" };
        const char *const *known = memory ? mem : cpu;
        bool ok = false;
        for (size_t i = 0; i < 3; i++)
            ok = ok || strcmp(name, known[i]) == 0;
        char *text = xml_text(c);
        long long v;
        if (ok && text && vc_parse_ll(text, 10, &v)) {
            unsigned long long kib = (unsigned long long)v, scale = 1024;
            char *unit = xml_prop(c, "unit");
            if (memory && v >= 0 && ir_unit_scale(unit, 1024, &scale) &&
                ir_bytes_to_kib((unsigned long long)v, scale, &kib))
                v = (long long)kib;
            free(unit);
            rt_plan_add_limit(x->p, controller, name, v);
        } else if (ok) {
            vc_loc loc = { x->file, xml_node_line(c), xml_node_column(c) };
            vc_warn_at(x->d, loc, "<%s> '%s' is not a number; no limit set", name,
                       text ? text : "");
        }
        free(text);
    }
}

static void pl_limits(pl_ctx *x)
{
    for (size_t i = 0; i < x->dom->extra.n; i++) {
        const ir_fragment *f = &x->dom->extra.v[i];
        bool memory = vc_str_has_prefix(f->xml, "<memtune");
        if (!memory && !vc_str_has_prefix(f->xml, "<cputune"))
            continue;
        vc_diags tmp;
        vc_diags_init(&tmp);
        xmlDocPtr doc = xml_doc_read(x->file, f->xml, strlen(f->xml), &tmp);
        vc_diags_free(&tmp);
        if (!doc)
            continue;
        pl_tune(x, xmlDocGetRootElement(doc), memory ? "memory" : "cpu", memory);
        xmlFreeDoc(doc);
    }
}

static void pl_cgroup(pl_ctx *x)
{
    rt_plan *p = x->p;
    /* the session instance takes no privileged step */
    if (p->instance != RT_INSTANCE_SYSTEM)
        return;
    const vc_strv *c = &x->conf->cgroup_controllers;
    bool devices = !x->conf->cgroup_controllers_set;
    for (size_t i = 0; i < c->n; i++)
        devices = devices || strcmp(c->v[i], "devices") == 0;
    if (x->conf->cgroup_controllers_set && c->n == 0)
        return;
    p->cgroup = true;
    p->cgroup_path = vc_xasprintf("virtc/qemu/%s", p->name);
    static const char *const dflt[] = { "devices", "memory", "cpu" };
    for (size_t i = 0; i < (x->conf->cgroup_controllers_set ? c->n : VC_ARRAY_SIZE(dflt)); i++)
        vc_strv_add(&p->cgroup_controllers, x->conf->cgroup_controllers_set ? c->v[i] : dflt[i]);
    if (devices)
        pl_cgroup_devices(x);
    pl_limits(x);
}

/* ---- the rest --------------------------------------------------------------- */

static rt_life_action pl_life(ir_lifecycle l, rt_life_action dflt)
{
    switch (l) {
    case IR_LIFE_DESTROY:
    case IR_LIFE_COREDUMP_DESTROY:
        return RT_LIFE_DESTROY;
    case IR_LIFE_RESTART:
    case IR_LIFE_RENAME_RESTART:
    case IR_LIFE_COREDUMP_RESTART:
        return RT_LIFE_RESTART;
    case IR_LIFE_PRESERVE:
        return RT_LIFE_PRESERVE;
    default:
        return dflt;
    }
}

static void pl_paths(pl_ctx *x)
{
    rt_plan *p = x->p;
    rt_dirs dirs;
    rt_dirs_get(p->instance, x->conf->log_dir, &dirs);
    p->run_dir = vc_xstrdup(dirs.run);
    p->state_dir = vc_xasprintf("%s/domain-%s", dirs.lib, p->name);
    p->monitor = vc_xasprintf("%s/monitor.sock", p->state_dir);
    p->pid_file = vc_xasprintf("%s/%s.pid", dirs.run, p->name);
    p->log_file = vc_xasprintf("%s/%s.log", dirs.log, p->name);
    rt_dirs_free(&dirs);
}

/* A name is a file name in the run directory and a cgroup: no '/', no
 * leading dot. */
static bool pl_name_ok(const char *name)
{
    if (!name || !*name || name[0] == '.')
        return false;
    for (const char *s = name; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("_.+-", *s)))
            return false;
    return true;
}

void qemu_plan_warm_identity(const rt_qemuconf *conf, rt_instance inst)
{
    vc_diags quiet;
    vc_diags_init(&quiet);
    rt_plan *p = rt_plan_new();
    p->instance = inst;
    pl_ctx x = { NULL, conf, NULL, p, &quiet };
    pl_identity(&x);
    rt_plan_free(p);
    vc_diags_free(&quiet);
}

rt_plan *qemu_plan_build(const ir_domain *dom, const qemu_caps *caps, const rt_qemuconf *conf,
                         rt_instance inst, bool test_env, const char *file, vc_diags *d)
{
    if (!pl_name_ok(dom->name)) {
        vc_loc loc = { file, dom->pos.line, dom->pos.column };
        vc_error_at(d, loc, "domain name '%s' cannot name a running guest (letters, digits, "
                    "'_', '.', '+', '-'; no leading '.')", dom->name ? dom->name : "");
        return NULL;
    }
    rt_plan *p = rt_plan_new();
    pl_ctx x = { dom, conf, file, p, d };
    p->instance = inst;
    p->name = vc_xstrdup(dom->name);
    char uuid[37];
    ir_uuid_format(dom->uuid, uuid);
    p->uuid = vc_xstrdup(uuid);
    pl_paths(&x);
    qemu_argv_opts opts = { .file = file, .test_env = test_env, .vnc_listen = conf->vnc_listen,
                            .monitor_socket = p->monitor, .state_dir = p->state_dir };
    qemu_launch *l = qemu_argv_build(dom, caps, &opts, d);
    if (!l || !pl_identity(&x)) {
        qemu_launch_free(l);
        rt_plan_free(p);
        return NULL;
    }
    vc_diags_append(d, &l->warnings);
    for (size_t i = 0; i < l->env.n; i++)
        vc_strv_add(&p->env, l->env.v[i]);
    for (size_t i = 0; i < l->argv.n; i++)
        vc_strv_add(&p->argv, l->argv.v[i]);
    p->emulator = vc_xstrdup(l->argv.v[0]);
    p->clear_caps = conf->clear_emulator_capabilities;
    if (!pl_drivers(&x)) {
        qemu_launch_free(l);
        rt_plan_free(p);
        return NULL;
    }
    pl_seclabels(&x);
    pl_disks(&x);
    pl_launch_res(&x, l);
    qemu_launch_free(l);
    pl_cgroup(&x);
    p->on_poweroff = pl_life(dom->on_poweroff, RT_LIFE_DESTROY);
    p->on_reboot = pl_life(dom->on_reboot, RT_LIFE_RESTART);
    p->on_crash = pl_life(dom->on_crash, RT_LIFE_DESTROY);
    p->restart_burst = conf->restart_limit_burst;
    p->restart_window_s = conf->restart_limit_interval;
    if (!pl_vsock(&x)) {
        rt_plan_free(p);
        return NULL;
    }
    return p;
}
