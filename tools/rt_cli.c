/* rt_cli.c: what the runtime verbs share (see rt_cli.h). */
#include "rt_cli.h"

#include <errno.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime/instance.h"
#include "../translators/domain_xml.h"
#include "../translators/qemu/caps.h"
#include "../translators/qemu/plan.h"
#include "../translators/qemu/probe.h"
#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "cli.h"

static const struct {
    char flag;
    const char *name;
    bool valued;
} rt_cli_options[] = {
    { 'c', "--config", true }, { 'a', "--caps", true }, { 'e', "--test-env", false },
    { 'p', "--paused", false }, { 'f', "--force", false }, { 't', "--timeout", true },
};

static int rt_cli_set(rt_cli_opts *o, const char *verb, char flag, const char *name,
                      const char *v)
{
    long long secs;
    switch (flag) {
    case 'c': o->config = v; break;
    case 'a': o->caps = v; break;
    case 'e': o->test_env = true; break;
    case 'p': o->paused = true; break;
    case 'f': o->force = true; break;
    case 't':
        if (!vc_parse_ll(v, 10, &secs) || secs <= 0 || secs > 3600)
            return cli_usage_error(verb, "%s takes whole seconds (1-3600), not '%s'", name, v);
        o->timeout_ms = (int)secs * 1000;
        break;
    }
    return 0;
}

int rt_cli_parse(int argc, char **argv, const char *flags, bool need_arg, rt_cli_opts *o)
{
    memset(o, 0, sizeof(*o));
    const char *verb = argv[0];
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = true;
            continue;
        }
        if (opts_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (!need_arg || o->arg)
                return cli_usage_error(verb, "unexpected argument '%s'", a);
            o->arg = a;
            continue;
        }
        size_t k = 0;
        size_t nl = 0;
        for (; k < VC_ARRAY_SIZE(rt_cli_options); k++) {
            nl = strlen(rt_cli_options[k].name);
            if (strchr(flags, rt_cli_options[k].flag) && strncmp(a, rt_cli_options[k].name, nl) == 0 &&
                (a[nl] == '\0' || (a[nl] == '=' && rt_cli_options[k].valued)))
                break;
        }
        if (k == VC_ARRAY_SIZE(rt_cli_options))
            return cli_usage_error(verb, "unknown option '%s'", a);
        const char *v = NULL;
        if (rt_cli_options[k].valued) {
            v = a[nl] == '=' ? a + nl + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!v || !*v)
                return cli_usage_error(verb, "option '%s' needs a value", rt_cli_options[k].name);
        }
        int rc = rt_cli_set(o, verb, rt_cli_options[k].flag, rt_cli_options[k].name, v);
        if (rc)
            return rc;
    }
    if (need_arg && !o->arg)
        return cli_usage_error(verb, "missing argument");
    return 0;
}

bool rt_cli_conf(const rt_cli_opts *o, rt_qemuconf *conf, int *status)
{
    vc_diags d;
    vc_diags_init(&d);
    bool ok = rt_qemuconf_load(conf, o->config, rt_instance_current() == RT_INSTANCE_SYSTEM, &d);
    *status = cli_report(&d);
    vc_diags_free(&d);
    if (!ok)
        rt_qemuconf_free(conf);
    return ok;
}

bool rt_cli_begin(int argc, char **argv, void (*help)(void), const char *flags, bool need_arg,
                  rt_cli_opts *o, rt_qemuconf *conf, int *rc)
{
    *rc = 0;
    if (cli_wants_help(argc, argv)) {
        help();
        return false;
    }
    *rc = rt_cli_parse(argc, argv, flags, need_arg, o);
    return *rc == 0 && rt_cli_conf(o, conf, rc);
}

char *rt_cli_run_dir(const rt_qemuconf *conf)
{
    rt_dirs dirs;
    rt_dirs_get(rt_instance_current(), conf->log_dir, &dirs);
    char *run = vc_xstrdup(dirs.run);
    rt_dirs_free(&dirs);
    return run;
}

/* --caps, or the domain's emulator probed (cached). */
static qemu_caps *rt_cli_caps(const ir_domain *dom, const rt_cli_opts *o, const char *file,
                              vc_diags *d)
{
    if (o->caps)
        return strchr(o->caps, '/') || vc_str_has_suffix(o->caps, ".xml")
                   ? qemu_caps_load_file(o->caps, d)
                   : qemu_caps_load_profile(o->caps, d);
    char *emu = dom->emulator ? vc_xstrdup(dom->emulator)
                              : vc_xasprintf("/usr/bin/qemu-system-%s",
                                             dom->os.arch ? dom->os.arch : "x86_64");
    qemu_caps *caps = NULL;
    if (access(emu, X_OK) != 0) {
        vc_loc loc = { file, dom->pos.line, dom->pos.column };
        vc_error_at(d, loc, "emulator '%s' not found (name the QEMU's capabilities with --caps "
                    "to only compile a plan)", emu);
    } else {
        caps = qemu_probe_cached(emu, d);
    }
    free(emu);
    return caps;
}

/* True when the document's root element is <plan>; false for anything
 * else (the domain front end then says what is wrong with it). */
static bool rt_cli_is_plan(const char *file, const char *text, size_t len)
{
    vc_diags tmp;
    vc_diags_init(&tmp);
    xmlDocPtr doc = xml_doc_read(file, text, len, &tmp);
    vc_diags_free(&tmp);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    bool plan = root && strcmp((const char *)root->name, "plan") == 0;
    if (doc)
        xmlFreeDoc(doc);
    return plan;
}

rt_plan *rt_cli_plan(const char *file, const rt_cli_opts *o, const rt_qemuconf *conf,
                     vc_diags *d)
{
    size_t len;
    char *text = vc_read_file(file, &len);
    if (!text) {
        vc_runtime_error(d, "cannot read %s: %s", file, strerror(errno));
        return NULL;
    }
    const char *name = strcmp(file, "-") == 0 ? "<stdin>" : file;
    if (rt_cli_is_plan(name, text, len)) {
        rt_plan *p = rt_plan_parse(name, text, len, d);
        free(text);
        return p;
    }
    ir_domain *dom = xml_domain_parse(name, text, len, d);
    free(text);
    if (!dom)
        return NULL;
    file = name;
    qemu_caps *caps = rt_cli_caps(dom, o, file, d);
    rt_plan *p = NULL;
    if (caps) {
        p = qemu_plan_build(dom, caps, conf, rt_instance_current(), o->test_env, file, d);
        qemu_caps_free(caps);
    }
    ir_domain_free(dom);
    return p;
}
