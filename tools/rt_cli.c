/* rt_cli.c: what the runtime verbs share (see rt_cli.h). */
#include "rt_cli.h"

#include <errno.h>
#include <pthread.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime/instance.h"
#include "../runtime/trace.h"
#include "../translators/domain_xml.h"
#include "../translators/qemu/caps.h"
#include "../translators/qemu/plan.h"
#include "../translators/qemu/probe.h"
#include "../translators/schema.h"
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

/* The emulator a domain names, or the default for its arch (caller frees). */
static char *rt_cli_emulator(const char *emulator, const char *arch)
{
    return emulator ? vc_xstrdup(emulator)
                    : vc_xasprintf("/usr/bin/qemu-system-%s", arch ? arch : "x86_64");
}

/* --caps, or the domain's emulator probed (cached); prefetched: what
 * rt_cli_prefetch read for emulator, used when the domain names that one. */
static qemu_caps *rt_cli_caps(const ir_domain *dom, const rt_cli_opts *o, const char *file,
                              char *emulator, qemu_caps *prefetched, vc_diags *d)
{
    char *emu = rt_cli_emulator(dom->emulator, dom->os.arch);
    qemu_caps *caps = NULL;
    if (prefetched && vc_streq(emu, emulator)) {
        caps = prefetched;
        prefetched = NULL;
    } else if (o->caps) {
        caps = strchr(o->caps, '/') || vc_str_has_suffix(o->caps, ".xml")
                   ? qemu_caps_load_file(o->caps, d)
                   : qemu_caps_load_profile(o->caps, d);
    } else if (access(emu, X_OK) != 0) {
        vc_loc loc = { file, dom->pos.line, dom->pos.column };
        vc_error_at(d, loc, "emulator '%s' not found (name the QEMU's capabilities with --caps "
                    "to only compile a plan)", emu);
    } else {
        caps = qemu_probe_cached(emu, d);
    }
    qemu_caps_free(prefetched);
    free(emulator);
    free(emu);
    return caps;
}

/* ---- reading a domain: its verdict on a second thread ----------------------
 *
 * Compiling all of domain.rng was the largest part of `virtc start
 * DOMAIN.xml` before QEMU (libxml2 reads some 260 KB of RelaxNG and builds
 * its automata). The document's verdict comes instead from the schema
 * pruned to the elements the document has (vc_schema_valid_pruned: the
 * same verdict, a fraction of the work), while a second thread reads what
 * does not depend on the document being valid: the probed capabilities of
 * the emulator the document names (the probe cache), and the user database
 * for qemu.conf's user and group (qemu_plan_warm_identity; nothing of it
 * is kept). The verdict, the longer of the two, stays on this thread, so
 * that the wait for a new thread to be scheduled (a millisecond or more
 * on a busy machine) is the prefetch's, not its. Nothing of the
 * document is lowered or used before the verdict; a document the pruned
 * schema refuses is validated again with the whole schema, which says
 * why, exactly as `virtc validate` does. */

/* What the verdict allocates for domain.rng: the pruned schema's text
 * (copied from the one the build flattened), then libxml2's tree and
 * automata for it, some hundreds of KB. Faulted in at once (one madvise
 * instead of a fault a page); when the schema was still scanned from its
 * files at each start (1.2 MB of nodes, 2 MB prefaulted) this cut `virtc
 * plan`'s page faults from ~680 to ~350. */
#define RT_CLI_VERDICT_HEAP ((size_t)512 << 10)

static bool rt_cli_verdict(xmlDocPtr doc)
{
    rt_trace("verdict: begin");
    vc_heap_prefault(RT_CLI_VERDICT_HEAP);
    bool valid = vc_schema_valid_pruned(vc_schema_kind_by_name("domain"), doc);
    rt_trace("verdict: pruned schema compiled, document judged");
    return valid;
}

/* The text of <domain><devices><emulator> as the front end reads it
 * (untrimmed, NULL when empty), so that the prefetch is for that name. */
static char *rt_cli_peek_emulator(xmlNodePtr root)
{
    xmlNodePtr devices = xml_child(root, "devices");
    xmlNodePtr emu = devices ? xml_child(devices, "emulator") : NULL;
    return emu ? xml_text(emu) : NULL;
}

/* The capabilities of the emulator the (not yet validated) document names,
 * from the probe cache alone (nothing is run for a document not yet known
 * valid); NULL when --caps names them or the cache has no current entry:
 * rt_cli_caps then reads or probes them, after validation. */
static qemu_caps *rt_cli_prefetch(xmlNodePtr root, const rt_cli_opts *o, char **emulator)
{
    *emulator = NULL;
    if (o->caps)
        return NULL;
    xmlNodePtr os = xml_child(root, "os");
    xmlNodePtr type = os ? xml_child(os, "type") : NULL;
    char *arch = type ? xml_prop(type, "arch") : NULL;
    char *peeked = rt_cli_peek_emulator(root);
    *emulator = rt_cli_emulator(peeked, arch);
    free(peeked);
    free(arch);
    return qemu_probe_cache_lookup(*emulator);
}

typedef struct rt_cli_prefetched {
    xmlDocPtr doc;             /* only read, by both threads */
    const rt_cli_opts *o;
    const rt_qemuconf *conf;
    char *emulator;            /* out */
    qemu_caps *caps;           /* out */
} rt_cli_prefetched;

static void *rt_cli_prefetch_thread(void *arg)
{
    rt_cli_prefetched *f = arg;
    f->caps = rt_cli_prefetch(xmlDocGetRootElement(f->doc), f->o, &f->emulator);
    qemu_plan_warm_identity(f->conf, rt_instance_current());
    rt_trace("domain: prefetched");
    return NULL;
}

static rt_plan *rt_cli_domain_plan(const char *file, xmlDocPtr doc, const rt_cli_opts *o,
                                   const rt_qemuconf *conf, vc_diags *d)
{
    pthread_t th;
    rt_cli_prefetched f = { doc, o, conf, NULL, NULL };
    bool threaded = pthread_create(&th, NULL, rt_cli_prefetch_thread, &f) == 0;
    bool valid = rt_cli_verdict(doc);
    if (threaded)
        pthread_join(th, NULL);
    else
        rt_cli_prefetch_thread(&f);
    rt_trace("domain: joined");
    char *emulator = f.emulator;
    qemu_caps *prefetched = f.caps;
    ir_domain *dom;
    if (valid) {   /* valid: its root is a <domain>, nothing to report */
        dom = xml_domain_lower(doc, file, d);
        xmlFreeDoc(doc);
    } else {
        dom = xml_domain_parse_doc(doc, file, d);
    }
    rt_trace("domain: validated and lowered");
    if (!dom) {
        qemu_caps_free(prefetched);
        free(emulator);
        return NULL;
    }
    qemu_caps *caps = rt_cli_caps(dom, o, file, emulator, prefetched, d);
    rt_plan *p = NULL;
    rt_trace("domain: caps");
    if (caps) {
        p = qemu_plan_build(dom, caps, conf, rt_instance_current(), o->test_env, file, d);
        qemu_caps_free(caps);
        rt_trace("domain: plan built");
    }
    ir_domain_free(dom);
    return p;
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
    /* parsed once: its root says whether it is a plan or a domain */
    xmlDocPtr doc = xml_doc_read(name, text, len, d);
    rt_trace("read: parsed");
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    rt_plan *p = NULL;
    if (root && !root->ns && strcmp((const char *)root->name, "plan") == 0) {
        xmlFreeDoc(doc);
        p = rt_plan_parse(name, text, len, d);
        rt_trace("plan: parsed and validated");
    } else if (doc) {
        p = rt_cli_domain_plan(name, doc, o, conf, d);
    }
    free(text);
    return p;
}
