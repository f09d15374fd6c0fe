/* plan.c: the plan in memory, as a document and back (see plan.h). */
#include "plan.h"

#include <errno.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "../translators/schema.h"
#include "../translators/xmldoc.h"
#include "vsock.h"

rt_plan *rt_plan_new(void)
{
    rt_plan *p = vc_xcalloc(1, sizeof(*p));
    vc_strv_init(&p->env);
    vc_strv_init(&p->argv);
    vc_strv_init(&p->keep_caps);
    vc_strv_init(&p->drivers);
    vc_strv_init(&p->cgroup_controllers);
    p->clear_caps = true;
    p->vsock_fd = RT_PLAN_VSOCK_FD;
    p->restart_burst = RT_RESTART_BURST;
    p->restart_window_s = RT_RESTART_WINDOW_S;
    return p;
}

void rt_plan_free(rt_plan *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->uuid);
    free(p->emulator);
    vc_strv_free(&p->env);
    vc_strv_free(&p->argv);
    free(p->user.name);
    free(p->group.name);
    for (size_t i = 0; i < p->ngroups; i++)
        free(p->groups[i].name);
    free(p->groups);
    vc_strv_free(&p->keep_caps);
    free(p->run_dir);
    free(p->state_dir);
    free(p->monitor);
    free(p->pid_file);
    free(p->log_file);
    vc_strv_free(&p->drivers);
    free(p->selinux_model);
    free(p->selinux_label);
    free(p->selinux_image_label);
    free(p->apparmor_profile);
    free(p->vsock_auto);
    free(p->cgroup_path);
    vc_strv_free(&p->cgroup_controllers);
    for (size_t i = 0; i < p->ndevs; i++) {
        free(p->devs[i].path);
        free(p->devs[i].perms);
    }
    free(p->devs);
    for (size_t i = 0; i < p->nlimits; i++) {
        free(p->limits[i].controller);
        free(p->limits[i].name);
    }
    free(p->limits);
    for (size_t i = 0; i < p->nres; i++) {
        rt_plan_res *r = &p->res[i];
        free(r->path);
        free(r->kind);
        free(r->selinux);
        free(r->apparmor);
    }
    free(p->res);
    free(p);
}

rt_plan_res *rt_plan_find_res(rt_plan *p, const char *path)
{
    for (size_t i = 0; i < p->nres; i++)
        if (strcmp(p->res[i].path, path) == 0)
            return &p->res[i];
    return NULL;
}

rt_plan_res *rt_plan_add_res(rt_plan *p, const char *path, const char *kind)
{
    vc_xgrow((void **)&p->res, &p->capres, p->nres + 1, sizeof(*p->res));
    rt_plan_res *r = &p->res[p->nres++];
    memset(r, 0, sizeof(*r));
    r->path = vc_xstrdup(path);
    r->kind = vc_xstrdup(kind);
    return r;
}

void rt_plan_add_dev(rt_plan *p, const char *path, const char *perms)
{
    for (size_t i = 0; i < p->ndevs; i++)
        if (strcmp(p->devs[i].path, path) == 0)
            return;
    vc_xgrow((void **)&p->devs, &p->capdevs, p->ndevs + 1, sizeof(*p->devs));
    p->devs[p->ndevs++] = (rt_plan_dev){ vc_xstrdup(path), vc_xstrdup(perms) };
}

void rt_plan_add_limit(rt_plan *p, const char *controller, const char *name, long long value)
{
    vc_xgrow((void **)&p->limits, &p->caplimits, p->nlimits + 1, sizeof(*p->limits));
    p->limits[p->nlimits++] = (rt_plan_limit){ vc_xstrdup(controller), vc_xstrdup(name), value };
}

void rt_plan_add_group(rt_plan *p, const char *name, long gid)
{
    vc_xgrow((void **)&p->groups, &p->capgroups, p->ngroups + 1, sizeof(*p->groups));
    p->groups[p->ngroups++] = (rt_plan_id){ vc_xstrdup(name), gid };
}

bool rt_plan_has_driver(const rt_plan *p, const char *driver)
{
    for (size_t i = 0; i < p->drivers.n; i++)
        if (strcmp(p->drivers.v[i], driver) == 0)
            return true;
    return false;
}

static const char *const rt_life_names[] = {
    [RT_LIFE_DESTROY] = "destroy", [RT_LIFE_RESTART] = "restart", [RT_LIFE_PRESERVE] = "preserve",
};

const char *rt_life_action_name(rt_life_action a)
{
    return (unsigned)a < VC_ARRAY_SIZE(rt_life_names) ? rt_life_names[a] : "destroy";
}

bool rt_life_action_from_name(const char *name, rt_life_action *out)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(rt_life_names); i++)
        if (vc_streq(name, rt_life_names[i])) {
            *out = (rt_life_action)i;
            return true;
        }
    return false;
}

const char *rt_instance_name(rt_instance i)
{
    return i == RT_INSTANCE_SESSION ? "session" : "system";
}

/* ---- writing ---------------------------------------------------------- */

static void pf_text(vc_buf *b, int indent, const char *tag, const char *text)
{
    vc_buf_indent(b, indent);
    vc_buf_printf(b, "<%s>", tag);
    vc_buf_xml_escape(b, text, '\'', false);
    vc_buf_printf(b, "</%s>\n", tag);
}

static void pf_attr(vc_buf *b, const char *name, const char *value)
{
    vc_buf_printf(b, " %s='", name);
    vc_buf_xml_escape(b, value, '\'', true);
    vc_buf_putc(b, '\'');
}

static const char *pf_yesno(bool v)
{
    return v ? "yes" : "no";
}

static void pf_id(vc_buf *b, int indent, const char *tag, const rt_plan_id *id)
{
    vc_buf_indent(b, indent);
    vc_buf_printf(b, "<%s id='%ld'", tag, id->id);
    if (id->name)
        pf_attr(b, "name", id->name);
    vc_buf_puts(b, "/>\n");
}

static void pf_process(vc_buf *b, const rt_plan *p)
{
    vc_buf_puts(b, "  <process>\n");
    pf_text(b, 4, "emulator", p->emulator);
    vc_buf_puts(b, "    <env>\n");
    for (size_t i = 0; i < p->env.n; i++)
        pf_text(b, 6, "var", p->env.v[i]);
    vc_buf_puts(b, "    </env>\n    <argv>\n");
    for (size_t i = 0; i < p->argv.n; i++)
        pf_text(b, 6, "arg", p->argv.v[i]);
    vc_buf_puts(b, "    </argv>\n");
    pf_id(b, 4, "user", &p->user);
    pf_id(b, 4, "group", &p->group);
    vc_buf_puts(b, "    <groups>\n");
    for (size_t i = 0; i < p->ngroups; i++)
        pf_id(b, 6, "group", &p->groups[i]);
    vc_buf_puts(b, "    </groups>\n");
    vc_buf_printf(b, "    <capabilities clear='%s'", pf_yesno(p->clear_caps));
    if (p->keep_caps.n == 0) {
        vc_buf_puts(b, "/>\n");
    } else {
        vc_buf_puts(b, ">\n");
        for (size_t i = 0; i < p->keep_caps.n; i++)
            pf_text(b, 6, "keep", p->keep_caps.v[i]);
        vc_buf_puts(b, "    </capabilities>\n");
    }
    vc_buf_puts(b, "  </process>\n");
}

static void pf_security(vc_buf *b, const rt_plan *p)
{
    vc_buf_puts(b, "  <paths>\n");
    pf_text(b, 4, "run_dir", p->run_dir);
    pf_text(b, 4, "state_dir", p->state_dir);
    pf_text(b, 4, "monitor", p->monitor);
    pf_text(b, 4, "pid_file", p->pid_file);
    pf_text(b, 4, "log_file", p->log_file);
    vc_buf_puts(b, "  </paths>\n  <security>\n");
    for (size_t i = 0; i < p->drivers.n; i++)
        pf_text(b, 4, "driver", p->drivers.v[i]);
    vc_buf_printf(b, "    <dac dynamic_ownership='%s'/>\n", pf_yesno(p->dynamic_ownership));
    if (p->selinux_model) {
        vc_buf_puts(b, "    <selinux");
        pf_attr(b, "model", p->selinux_model);
        if (p->selinux_label)
            pf_attr(b, "label", p->selinux_label);
        if (p->selinux_image_label)
            pf_attr(b, "imagelabel", p->selinux_image_label);
        vc_buf_puts(b, "/>\n");
    }
    if (p->apparmor_profile) {
        vc_buf_puts(b, "    <apparmor");
        pf_attr(b, "profile", p->apparmor_profile);
        vc_buf_puts(b, "/>\n");
    }
    vc_buf_puts(b, "  </security>\n");
}

static void pf_cgroup(vc_buf *b, const rt_plan *p)
{
    if (!p->cgroup)
        return;
    vc_buf_puts(b, "  <cgroup");
    pf_attr(b, "path", p->cgroup_path);
    vc_buf_puts(b, ">\n");
    for (size_t i = 0; i < p->cgroup_controllers.n; i++)
        pf_text(b, 4, "controller", p->cgroup_controllers.v[i]);
    for (size_t i = 0; i < p->ndevs; i++) {
        vc_buf_puts(b, "    <allow");
        pf_attr(b, "path", p->devs[i].path);
        pf_attr(b, "perms", p->devs[i].perms);
        vc_buf_puts(b, "/>\n");
    }
    for (size_t i = 0; i < p->nlimits; i++) {
        vc_buf_puts(b, "    <limit");
        pf_attr(b, "controller", p->limits[i].controller);
        pf_attr(b, "name", p->limits[i].name);
        vc_buf_printf(b, " value='%lld'/>\n", p->limits[i].value);
    }
    vc_buf_puts(b, "  </cgroup>\n");
}

static void pf_resources(vc_buf *b, const rt_plan *p)
{
    vc_buf_puts(b, "  <resources>\n");
    for (size_t i = 0; i < p->nres; i++) {
        const rt_plan_res *r = &p->res[i];
        vc_buf_puts(b, "    <resource");
        pf_attr(b, "path", r->path);
        pf_attr(b, "kind", r->kind);
        pf_attr(b, "readonly", pf_yesno(r->readonly));
        pf_attr(b, "shared", pf_yesno(r->shared));
        if (!r->dac && !r->selinux && !r->apparmor) {
            vc_buf_puts(b, "/>\n");
            continue;
        }
        vc_buf_puts(b, ">\n");
        if (r->dac)
            vc_buf_puts(b, "      <dac/>\n");
        if (r->selinux) {
            vc_buf_puts(b, "      <selinux");
            pf_attr(b, "use", r->selinux);
            vc_buf_puts(b, "/>\n");
        }
        if (r->apparmor) {
            vc_buf_puts(b, "      <apparmor");
            pf_attr(b, "use", r->apparmor);
            vc_buf_puts(b, "/>\n");
        }
        vc_buf_puts(b, "    </resource>\n");
    }
    vc_buf_puts(b, "  </resources>\n");
}

char *rt_plan_format(const rt_plan *p)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "<plan version='%d' instance='%s'>\n", RT_PLAN_VERSION,
                  rt_instance_name(p->instance));
    pf_text(&b, 2, "name", p->name);
    pf_text(&b, 2, "uuid", p->uuid);
    pf_process(&b, p);
    pf_security(&b, p);
    pf_cgroup(&b, p);
    pf_resources(&b, p);
    vc_buf_printf(&b, "  <lifecycle on_poweroff='%s' on_reboot='%s' on_crash='%s'>\n",
                  rt_life_action_name(p->on_poweroff), rt_life_action_name(p->on_reboot),
                  rt_life_action_name(p->on_crash));
    vc_buf_printf(&b, "    <restart_limit burst='%u' interval='%u'/>\n", p->restart_burst,
                  p->restart_window_s);
    vc_buf_puts(&b, "  </lifecycle>\n");
    if (p->vsock_auto) {
        vc_buf_puts(&b, "  <vsock");
        pf_attr(&b, "device", p->vsock_auto);
        vc_buf_printf(&b, " cid='auto' fd='%d'/>\n", p->vsock_fd);
    }
    vc_buf_puts(&b, "</plan>\n");
    return vc_buf_steal(&b);
}

/* ---- reading (the document is valid: shapes are not checked again) --- */

static bool pr_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static char *pr_child_text(xmlNodePtr n, const char *name)
{
    xmlNodePtr c = xml_child(n, name);
    return c ? xml_text(c) : NULL;
}

static bool pr_yes(xmlNodePtr n, const char *attr)
{
    char *v = xml_prop(n, attr);
    bool yes = vc_streq(v, "yes");
    free(v);
    return yes;
}

static void pr_id(xmlNodePtr n, rt_plan_id *id)
{
    char *v = xml_prop(n, "id");
    long long num = 0;
    vc_parse_ll(v, 10, &num);
    free(v);
    id->id = (long)num;
    id->name = xml_prop(n, "name");
}

static void pr_strv(xmlNodePtr parent, const char *name, vc_strv *out)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (pr_is(c, name)) {
            char *t = xml_text(c);
            vc_strv_take(out, t ? t : vc_xstrdup(""));
        }
}

static void pr_process(xmlNodePtr n, rt_plan *p)
{
    p->emulator = pr_child_text(n, "emulator");
    pr_strv(xml_child(n, "env"), "var", &p->env);
    pr_strv(xml_child(n, "argv"), "arg", &p->argv);
    pr_id(xml_child(n, "user"), &p->user);
    pr_id(xml_child(n, "group"), &p->group);
    for (xmlNodePtr c = xml_child(n, "groups")->children; c; c = c->next)
        if (pr_is(c, "group")) {
            rt_plan_id id;
            pr_id(c, &id);
            rt_plan_add_group(p, id.name, id.id);
            free(id.name);
        }
    xmlNodePtr caps = xml_child(n, "capabilities");
    p->clear_caps = pr_yes(caps, "clear");
    pr_strv(caps, "keep", &p->keep_caps);
}

static void pr_paths(xmlNodePtr n, rt_plan *p)
{
    p->run_dir = pr_child_text(n, "run_dir");
    p->state_dir = pr_child_text(n, "state_dir");
    p->monitor = pr_child_text(n, "monitor");
    p->pid_file = pr_child_text(n, "pid_file");
    p->log_file = pr_child_text(n, "log_file");
}

static void pr_security(xmlNodePtr n, rt_plan *p)
{
    pr_strv(n, "driver", &p->drivers);
    p->dynamic_ownership = pr_yes(xml_child(n, "dac"), "dynamic_ownership");
    xmlNodePtr se = xml_child(n, "selinux");
    if (se) {
        p->selinux_model = xml_prop(se, "model");
        p->selinux_label = xml_prop(se, "label");
        p->selinux_image_label = xml_prop(se, "imagelabel");
    }
    xmlNodePtr aa = xml_child(n, "apparmor");
    if (aa)
        p->apparmor_profile = xml_prop(aa, "profile");
}

static void pr_cgroup(xmlNodePtr n, rt_plan *p)
{
    if (!n)
        return;
    p->cgroup = true;
    p->cgroup_path = xml_prop(n, "path");
    pr_strv(n, "controller", &p->cgroup_controllers);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (pr_is(c, "allow")) {
            char *path = xml_prop(c, "path"), *perms = xml_prop(c, "perms");
            rt_plan_add_dev(p, path, perms);
            free(path);
            free(perms);
        } else if (pr_is(c, "limit")) {
            char *ctl = xml_prop(c, "controller"), *name = xml_prop(c, "name");
            char *val = xml_prop(c, "value");
            long long v = 0;
            vc_parse_ll(val, 10, &v);
            rt_plan_add_limit(p, ctl, name, v);
            free(ctl);
            free(name);
            free(val);
        }
    }
}

static void pr_resources(xmlNodePtr n, rt_plan *p)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!pr_is(c, "resource"))
            continue;
        char *path = xml_prop(c, "path"), *kind = xml_prop(c, "kind");
        rt_plan_res *r = rt_plan_add_res(p, path, kind);
        free(path);
        free(kind);
        r->readonly = pr_yes(c, "readonly");
        r->shared = pr_yes(c, "shared");
        r->dac = xml_child(c, "dac") != NULL;
        xmlNodePtr se = xml_child(c, "selinux");
        r->selinux = se ? xml_prop(se, "use") : NULL;
        xmlNodePtr aa = xml_child(c, "apparmor");
        r->apparmor = aa ? xml_prop(aa, "use") : NULL;
    }
}

static void pr_lifecycle(xmlNodePtr n, rt_plan *p)
{
    static const char *const attrs[] = { "on_poweroff", "on_reboot", "on_crash" };
    rt_life_action *slots[] = { &p->on_poweroff, &p->on_reboot, &p->on_crash };
    for (size_t i = 0; i < VC_ARRAY_SIZE(attrs); i++) {
        char *v = xml_prop(n, attrs[i]);
        rt_life_action_from_name(v, slots[i]);
        free(v);
    }
    /* absent (a plan written before it was carried): the defaults */
    xmlNodePtr lim = xml_child(n, "restart_limit");
    long long burst = RT_RESTART_BURST, window = RT_RESTART_WINDOW_S;
    if (lim) {
        char *b = xml_prop(lim, "burst"), *w = xml_prop(lim, "interval");
        vc_parse_ll(b, 10, &burst);
        vc_parse_ll(w, 10, &window);
        free(b);
        free(w);
    }
    p->restart_burst = (unsigned)burst;
    p->restart_window_s = (unsigned)window;
}

/* <vsock device= cid='auto' fd=>: the -device it names must pass that
 * descriptor (vhostfd=FD), which the schema cannot say. */
static bool pr_vsock(xmlNodePtr n, rt_plan *p, const char *file, vc_diags *d)
{
    if (!n)
        return true;
    p->vsock_auto = xml_prop(n, "device");
    char *fd = xml_prop(n, "fd");
    long long v = RT_PLAN_VSOCK_FD;
    vc_parse_ll(fd, 10, &v);
    free(fd);
    p->vsock_fd = (int)v;
    vc_diags why;
    vc_diags_init(&why);
    vc_strv out;
    bool ok = rt_vsock_set_cid(&p->argv, p->vsock_auto, RT_VSOCK_FIRST_CID, p->vsock_fd, &out,
                               &why);
    vc_strv_free(&out);
    if (!ok) {
        vc_loc loc = { file, xml_node_line(n), xml_node_column(n) };
        vc_error_at(d, loc, "<vsock>: %s", why.v[0].message);
    }
    vc_diags_free(&why);
    return ok;
}

/* The plan text holds, read; validated against plan.rng first unless
 * trusted (a plan rt_plan_format wrote). */
static rt_plan *rt_plan_read(const char *file, const char *text, size_t len, bool trusted,
                             vc_diags *d)
{
    xmlDocPtr doc = xml_doc_read(file, text, len, d);
    if (!doc)
        return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !pr_is(root, "plan")) {
        vc_loc loc = { file, root ? xml_node_line(root) : 1, root ? xml_node_column(root) : 1 };
        vc_error_at(d, loc, "not a plan: the root element is <%s>, not <plan>",
                    root ? (const char *)root->name : "");
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!trusted && !vc_schema_validate(vc_schema_kind_by_name("plan"), doc, file, d)) {
        xmlFreeDoc(doc);
        return NULL;
    }
    rt_plan *p = rt_plan_new();
    char *inst = xml_prop(root, "instance");
    p->instance = vc_streq(inst, "session") ? RT_INSTANCE_SESSION : RT_INSTANCE_SYSTEM;
    free(inst);
    p->name = pr_child_text(root, "name");
    p->uuid = pr_child_text(root, "uuid");
    pr_process(xml_child(root, "process"), p);
    pr_paths(xml_child(root, "paths"), p);
    pr_security(xml_child(root, "security"), p);
    pr_cgroup(xml_child(root, "cgroup"), p);
    pr_resources(xml_child(root, "resources"), p);
    pr_lifecycle(xml_child(root, "lifecycle"), p);
    bool vsock_ok = pr_vsock(xml_child(root, "vsock"), p, file, d);
    xmlFreeDoc(doc);
    if (!vsock_ok) {
        rt_plan_free(p);
        return NULL;
    }
    /* The schema cannot say that argv[0] is the emulator. */
    if (p->argv.n == 0 || strcmp(p->argv.v[0], p->emulator) != 0) {
        vc_loc loc = { file, 0, 0 };
        vc_error_at(d, loc, "the plan's first <arg> must be its <emulator> (%s)", p->emulator);
        rt_plan_free(p);
        return NULL;
    }
    return p;
}

rt_plan *rt_plan_parse(const char *file, const char *text, size_t len, vc_diags *d)
{
    return rt_plan_read(file, text, len, false, d);
}

rt_plan *rt_plan_parse_formatted(const char *text, size_t len, vc_diags *d)
{
    return rt_plan_read("<plan>", text, len, true, d);
}

rt_plan *rt_plan_parse_file(const char *file, vc_diags *d)
{
    size_t len;
    char *text = vc_read_file(file, &len);
    if (!text) {
        vc_runtime_error(d, "cannot read %s: %s", file, strerror(errno));
        return NULL;
    }
    rt_plan *p = rt_plan_parse(file, text, len, d);
    free(text);
    return p;
}
