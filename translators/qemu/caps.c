/*
 * caps.c: the QEMU capabilities object, its XML form and the named profiles
 * (see caps.h).
 *
 * The lists (cpus, devices, props, options) are kept sorted and free of
 * duplicates by qemu_caps_finish, so that the emitter's queries are binary
 * searches and the formatted XML is the same whatever order a prober or a
 * hand-written profile listed things in: format -> parse -> format is
 * byte-identical.
 */
#include "caps.h"

#include <dirent.h>
#include <errno.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../paths.h"
#include "../util.h"
#include "../xmldoc.h"

/* ---- flag names -------------------------------------------------------- */

static const char *const qemu_caps_flag_names[QEMU_CAP_LAST] = {
    [QEMU_CAP_KQEMU] = "kqemu",
    [QEMU_CAP_VNC_COLON] = "vnc-colon",
    [QEMU_CAP_NO_REBOOT] = "no-reboot",
    [QEMU_CAP_DRIVE] = "drive",
    [QEMU_CAP_DRIVE_BOOT] = "drive-boot",
    [QEMU_CAP_NAME] = "name",
    [QEMU_CAP_UUID] = "uuid",
    [QEMU_CAP_DOMID] = "domid",
    [QEMU_CAP_KVM] = "kvm",
    [QEMU_CAP_ENABLE_KVM] = "enable-kvm",
    [QEMU_CAP_DRIVE_CACHE_V2] = "drive-cache-v2",
    [QEMU_CAP_DRIVE_FORMAT] = "drive-format",
    [QEMU_CAP_VGA] = "vga",
    [QEMU_CAP_PCIDEVICE] = "pcidevice",
    [QEMU_CAP_CHARDEV] = "chardev",
    [QEMU_CAP_DEVICE] = "device",
    [QEMU_CAP_NETDEV] = "netdev",
    [QEMU_CAP_SDL] = "sdl",
    [QEMU_CAP_SMP_TOPOLOGY] = "smp-topology",
    [QEMU_CAP_RTC] = "rtc",
    [QEMU_CAP_NODEFCONFIG] = "nodefconfig",
    [QEMU_CAP_NODEFAULTS] = "nodefaults",
    [QEMU_CAP_MONITOR_JSON] = "monitor-json",
    [QEMU_CAP_MACHINE_OPT] = "machine-opt",
    [QEMU_CAP_BLOCKDEV] = "blockdev",
    [QEMU_CAP_AUDIODEV] = "audiodev",
    [QEMU_CAP_NO_ACPI] = "no-acpi",
    [QEMU_CAP_USB_OPT] = "usb-opt",
    [QEMU_CAP_USBDEVICE] = "usbdevice",
    [QEMU_CAP_SOUNDHW] = "soundhw",
    [QEMU_CAP_NET_LEGACY] = "net-legacy",
    [QEMU_CAP_NO_SHUTDOWN] = "no-shutdown",
    [QEMU_CAP_OBJECT_JSON] = "object-json",
    [QEMU_CAP_DEVICE_JSON] = "device-json",
    [QEMU_CAP_SANDBOX] = "sandbox",
};

const char *qemu_caps_flag_name(qemu_cap_flag f)
{
    return (unsigned)f < QEMU_CAP_LAST ? qemu_caps_flag_names[f] : NULL;
}

qemu_cap_flag qemu_caps_flag_from_name(const char *s)
{
    for (int i = 0; s && i < QEMU_CAP_LAST; i++)
        if (qemu_caps_flag_names[i] && strcmp(qemu_caps_flag_names[i], s) == 0)
            return (qemu_cap_flag)i;
    return QEMU_CAP_LAST;
}

/* ---- lifetime ----------------------------------------------------------- */

qemu_caps *qemu_caps_new(void)
{
    return vc_xcalloc(1, sizeof(qemu_caps));
}

static void qemu_caps_strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void qemu_caps_device_clear(qemu_caps_device *dev)
{
    free(dev->name);
    qemu_caps_strs_free(dev->props, dev->nprops);
}

void qemu_caps_free(qemu_caps *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->binary);
    free(c->package);
    free(c->arch);
    for (size_t i = 0; i < c->nmachines; i++) {
        free(c->machines[i].name);
        free(c->machines[i].alias);
    }
    free(c->machines);
    qemu_caps_strs_free(c->cpus, c->ncpus);
    for (size_t i = 0; i < c->ndevices; i++)
        qemu_caps_device_clear(&c->devices[i]);
    free(c->devices);
    qemu_caps_strs_free(c->options, c->noptions);
    for (size_t i = 0; i < c->ncpu_models; i++) {
        free(c->cpu_models[i].name);
        free(c->cpu_models[i].features);
    }
    free(c->cpu_models);
    free(c);
}

/* ---- queries ------------------------------------------------------------ */

static int qemu_caps_strcmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool qemu_caps_strs_has(char *const *v, size_t n, const char *s)
{
    return s && n && bsearch(&s, v, n, sizeof(char *), qemu_caps_strcmp) != NULL;
}

/* Devices compare by name; a key is a device whose name is the wanted one. */
static int qemu_caps_devcmp(const void *a, const void *b)
{
    return strcmp(((const qemu_caps_device *)a)->name, ((const qemu_caps_device *)b)->name);
}

static const qemu_caps_device *qemu_caps_device_find(const qemu_caps *c, const char *type)
{
    if (!type || !c->ndevices)
        return NULL;
    qemu_caps_device key = { .name = (char *)type };
    return bsearch(&key, c->devices, c->ndevices, sizeof(key), qemu_caps_devcmp);
}

bool qemu_caps_has(const qemu_caps *c, qemu_cap_flag f)
{
    return c && (unsigned)f < QEMU_CAP_LAST && c->flags[f];
}

bool qemu_caps_has_device(const qemu_caps *c, const char *type)
{
    return c && qemu_caps_device_find(c, type) != NULL;
}

bool qemu_caps_device_has_prop(const qemu_caps *c, const char *type, const char *prop)
{
    const qemu_caps_device *dev = c ? qemu_caps_device_find(c, type) : NULL;
    return dev && qemu_caps_strs_has(dev->props, dev->nprops, prop);
}

bool qemu_caps_has_cpu(const qemu_caps *c, const char *model)
{
    return c && qemu_caps_strs_has(c->cpus, c->ncpus, model);
}

bool qemu_caps_has_option(const qemu_caps *c, const char *option)
{
    return c && qemu_caps_strs_has(c->options, c->noptions, option);
}

const qemu_caps_machine *qemu_caps_machine_lookup(const qemu_caps *c, const char *name)
{
    if (!c)
        return NULL;
    for (size_t i = 0; i < c->nmachines; i++) {
        const qemu_caps_machine *m = &c->machines[i];
        if (name ? (strcmp(m->name, name) == 0 || vc_streq(m->alias, name)) : m->is_default)
            return m;
    }
    return NULL;
}

/* ---- builders ----------------------------------------------------------- */

void qemu_caps_set(qemu_caps *c, qemu_cap_flag f, bool on)
{
    if ((unsigned)f < QEMU_CAP_LAST)
        c->flags[f] = on;
}

void qemu_caps_add_machine(qemu_caps *c, const char *name, const char *alias,
                           bool is_default, unsigned max_cpus)
{
    /* Machines keep their order: it is QEMU's, and the default is a flag. */
    c->machines = vc_xrealloc(c->machines, (c->nmachines + 1) * sizeof(*c->machines));
    qemu_caps_machine *m = &c->machines[c->nmachines++];
    m->name = vc_xstrdup(name);
    m->alias = vc_xstrdup(alias);
    m->is_default = is_default;
    m->max_cpus = max_cpus;
}

static void qemu_caps_strs_add(char ***v, size_t *n, const char *s)
{
    *v = vc_xrealloc(*v, (*n + 1) * sizeof(char *));
    (*v)[(*n)++] = vc_xstrdup(s);
}

void qemu_caps_add_cpu(qemu_caps *c, const char *model)
{
    qemu_caps_strs_add(&c->cpus, &c->ncpus, model);
}

void qemu_caps_set_cpu_features(qemu_caps *c, const char *name, const char *features)
{
    for (size_t i = 0; i < c->ncpu_models; i++) {
        if (strcmp(c->cpu_models[i].name, name) == 0) {
            free(c->cpu_models[i].features);
            c->cpu_models[i].features = vc_xstrdup(features);
            return;
        }
    }
    c->cpu_models = vc_xrealloc(c->cpu_models, (c->ncpu_models + 1) * sizeof(*c->cpu_models));
    c->cpu_models[c->ncpu_models++] = (qemu_caps_cpu_model){ vc_xstrdup(name),
                                                             vc_xstrdup(features) };
    qemu_caps_add_cpu(c, name);
}

qemu_caps_device *qemu_caps_add_device(qemu_caps *c, const char *type)
{
    c->devices = vc_xrealloc(c->devices, (c->ndevices + 1) * sizeof(*c->devices));
    qemu_caps_device *dev = &c->devices[c->ndevices++];
    memset(dev, 0, sizeof(*dev));
    dev->name = vc_xstrdup(type);
    return dev;
}

void qemu_caps_device_add_prop(qemu_caps_device *d, const char *prop)
{
    qemu_caps_strs_add(&d->props, &d->nprops, prop);
}

void qemu_caps_add_option(qemu_caps *c, const char *option)
{
    qemu_caps_strs_add(&c->options, &c->noptions, option);
}

/* Sorts a string list and drops repeated entries. */
static void qemu_caps_strs_finish(char **v, size_t *n)
{
    if (*n < 2)
        return;
    qsort(v, *n, sizeof(char *), qemu_caps_strcmp);
    size_t out = 1;
    for (size_t i = 1; i < *n; i++) {
        if (strcmp(v[i], v[out - 1]) == 0)
            free(v[i]);
        else
            v[out++] = v[i];
    }
    *n = out;
}

void qemu_caps_finish(qemu_caps *c)
{
    qemu_caps_strs_finish(c->cpus, &c->ncpus);
    qemu_caps_strs_finish(c->options, &c->noptions);
    if (c->ndevices > 1) {
        qsort(c->devices, c->ndevices, sizeof(*c->devices), qemu_caps_devcmp);
        /* A device listed twice keeps the union of its properties. */
        size_t out = 1;
        for (size_t i = 1; i < c->ndevices; i++) {
            qemu_caps_device *prev = &c->devices[out - 1], *cur = &c->devices[i];
            if (strcmp(prev->name, cur->name) != 0) {
                c->devices[out++] = *cur;
                continue;
            }
            for (size_t k = 0; k < cur->nprops; k++)
                qemu_caps_device_add_prop(prev, cur->props[k]);
            qemu_caps_device_clear(cur);
        }
        c->ndevices = out;
    }
    for (size_t i = 0; i < c->ndevices; i++)
        qemu_caps_strs_finish(c->devices[i].props, &c->devices[i].nprops);
}

/* ---- XML form: formatting ----------------------------------------------- */

static void qemu_caps_put_attr(vc_buf *b, const char *name, const char *value)
{
    vc_buf_printf(b, " %s='", name);
    vc_buf_xml_escape(b, value, '\'', true);
    vc_buf_putc(b, '\'');
}

/* "  <elt name='value'/>\n" */
static void qemu_caps_put_named(vc_buf *b, int indent, const char *elt, const char *value)
{
    vc_buf_indent(b, indent);
    vc_buf_printf(b, "<%s", elt);
    qemu_caps_put_attr(b, "name", value);
    vc_buf_puts(b, "/>\n");
}

char *qemu_caps_format(const qemu_caps *c)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "<qemuCaps");
    if (c->name)
        qemu_caps_put_attr(&b, "name", c->name);
    vc_buf_puts(&b, ">\n");
    if (c->binary) {
        vc_buf_puts(&b, "  <emulator");
        qemu_caps_put_attr(&b, "path", c->binary);
        vc_buf_printf(&b, " size='%llu' mtime='%lld'/>\n", c->binary_size, c->binary_mtime);
    }
    if (c->version || c->package) {
        vc_buf_printf(&b, "  <version major='%u' minor='%u' micro='%u'",
                      c->version / 1000000, c->version / 1000 % 1000, c->version % 1000);
        if (c->package)
            qemu_caps_put_attr(&b, "package", c->package);
        vc_buf_puts(&b, "/>\n");
    }
    if (c->arch) {
        vc_buf_puts(&b, "  <arch>");
        vc_buf_xml_escape(&b, c->arch, '\'', true);
        vc_buf_puts(&b, "</arch>\n");
    }
    for (int f = 0; f < QEMU_CAP_LAST; f++)
        if (c->flags[f])
            qemu_caps_put_named(&b, 2, "flag", qemu_caps_flag_names[f]);
    if (c->accel_kvm)
        qemu_caps_put_named(&b, 2, "accel", "kvm");
    if (c->accel_tcg)
        qemu_caps_put_named(&b, 2, "accel", "tcg");
    for (size_t i = 0; i < c->nmachines; i++) {
        const qemu_caps_machine *m = &c->machines[i];
        vc_buf_puts(&b, "  <machine");
        qemu_caps_put_attr(&b, "name", m->name);
        if (m->alias)
            qemu_caps_put_attr(&b, "alias", m->alias);
        if (m->is_default)
            vc_buf_puts(&b, " default='yes'");
        if (m->max_cpus)
            vc_buf_printf(&b, " maxCpus='%u'", m->max_cpus);
        vc_buf_puts(&b, "/>\n");
    }
    for (size_t i = 0; i < c->ncpus; i++) {
        const char *features = NULL;
        for (size_t k = 0; k < c->ncpu_models && !features; k++)
            if (strcmp(c->cpu_models[k].name, c->cpus[i]) == 0)
                features = c->cpu_models[k].features;
        if (!features) {
            qemu_caps_put_named(&b, 2, "cpu", c->cpus[i]);
            continue;
        }
        vc_buf_puts(&b, "  <cpu");
        qemu_caps_put_attr(&b, "name", c->cpus[i]);
        qemu_caps_put_attr(&b, "features", features);
        vc_buf_puts(&b, "/>\n");
    }
    for (size_t i = 0; i < c->ndevices; i++) {
        const qemu_caps_device *dev = &c->devices[i];
        if (!dev->nprops) {
            qemu_caps_put_named(&b, 2, "device", dev->name);
            continue;
        }
        vc_buf_puts(&b, "  <device");
        qemu_caps_put_attr(&b, "name", dev->name);
        vc_buf_puts(&b, ">\n");
        for (size_t k = 0; k < dev->nprops; k++)
            qemu_caps_put_named(&b, 4, "prop", dev->props[k]);
        vc_buf_puts(&b, "  </device>\n");
    }
    for (size_t i = 0; i < c->noptions; i++)
        qemu_caps_put_named(&b, 2, "option", c->options[i]);
    vc_buf_puts(&b, "</qemuCaps>\n");
    return vc_buf_steal(&b);
}

/* ---- XML form: parsing -------------------------------------------------- */

typedef struct caps_parser {
    const char *file;
    vc_diags *d;
    qemu_caps *c;
    bool ok;
} caps_parser;

static void caps_err(caps_parser *p, xmlNodePtr n, const char *fmt, const char *arg)
{
    vc_error_at(p->d, xml_node_loc(p->file, n), fmt, arg);
    p->ok = false;
}

/* A required, non-empty attribute; NULL (after an error) when missing. */
static char *caps_req(caps_parser *p, xmlNodePtr n, const char *attr)
{
    char *v = xml_prop(n, attr);
    if (!v || !*v) {
        vc_error_at(p->d, xml_node_loc(p->file, n), "<%s> needs a non-empty '%s' attribute",
                    (const char *)n->name, attr);
        p->ok = false;
        free(v);
        return NULL;
    }
    return v;
}

/* An optional unsigned attribute no larger than max; absent leaves *out. */
static void caps_ull(caps_parser *p, xmlNodePtr n, const char *attr,
                     unsigned long long max, unsigned long long *out)
{
    char *v = xml_prop(n, attr);
    unsigned long long x;
    if (!v)
        return;
    if (!vc_parse_ull(v, 10, &x) || x > max) {
        vc_error_at(p->d, xml_node_loc(p->file, n), "<%s> attribute '%s': '%s' is not a number "
                    "in range", (const char *)n->name, attr, v);
        p->ok = false;
    } else {
        *out = x;
    }
    free(v);
}

static void caps_parse_emulator(caps_parser *p, xmlNodePtr n)
{
    char *path = caps_req(p, n, "path");
    if (path) {
        free(p->c->binary);
        p->c->binary = path;
    }
    caps_ull(p, n, "size", ~0ULL, &p->c->binary_size);
    char *mtime = xml_prop(n, "mtime");
    if (mtime && !vc_parse_ll(mtime, 10, &p->c->binary_mtime))
        caps_err(p, n, "<emulator> attribute 'mtime': '%s' is not a number", mtime);
    free(mtime);
}

static void caps_parse_version(caps_parser *p, xmlNodePtr n)
{
    unsigned long long major = 0, minor = 0, micro = 0;
    caps_ull(p, n, "major", 4000, &major);
    caps_ull(p, n, "minor", 999, &minor);
    caps_ull(p, n, "micro", 999, &micro);
    p->c->version = (unsigned)(major * 1000000 + minor * 1000 + micro);
    free(p->c->package);
    p->c->package = xml_prop(n, "package");
}

static void caps_parse_arch(caps_parser *p, xmlNodePtr n)
{
    char *arch = xml_text(n);
    if (!arch) {
        caps_err(p, n, "<arch> is empty%s", "");
        return;
    }
    free(p->c->arch);
    p->c->arch = arch;
}

static void caps_parse_flag(caps_parser *p, xmlNodePtr n)
{
    char *name = caps_req(p, n, "name");
    if (!name)
        return;
    qemu_cap_flag f = qemu_caps_flag_from_name(name);
    if (f == QEMU_CAP_LAST)
        caps_err(p, n, "unknown capability flag '%s'", name);
    else
        p->c->flags[f] = true;
    free(name);
}

static void caps_parse_accel(caps_parser *p, xmlNodePtr n)
{
    char *name = caps_req(p, n, "name");
    if (!name)
        return;
    if (strcmp(name, "kvm") == 0)
        p->c->accel_kvm = true;
    else if (strcmp(name, "tcg") == 0)
        p->c->accel_tcg = true;
    else
        caps_err(p, n, "unknown accelerator '%s' (known: kvm, tcg)", name);
    free(name);
}

static void caps_parse_machine(caps_parser *p, xmlNodePtr n)
{
    char *name = caps_req(p, n, "name");
    char *alias = xml_prop(n, "alias");
    char *def = xml_prop(n, "default");
    unsigned long long max_cpus = 0;
    caps_ull(p, n, "maxCpus", 0xffffffffULL, &max_cpus);
    if (def && strcmp(def, "yes") != 0 && strcmp(def, "no") != 0)
        caps_err(p, n, "<machine> attribute 'default': '%s' is not yes or no", def);
    if (name)
        qemu_caps_add_machine(p->c, name, alias, vc_streq(def, "yes"), (unsigned)max_cpus);
    free(name);
    free(alias);
    free(def);
}

static void caps_parse_named(caps_parser *p, xmlNodePtr n,
                             void (*add)(qemu_caps *, const char *))
{
    char *name = caps_req(p, n, "name");
    if (name)
        add(p->c, name);
    free(name);
}

static void caps_parse_device(caps_parser *p, xmlNodePtr n)
{
    char *name = caps_req(p, n, "name");
    if (!name)
        return;
    qemu_caps_device *dev = qemu_caps_add_device(p->c, name);
    free(name);
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)k->name, "prop") != 0) {
            caps_err(p, k, "unexpected element <%s> in <device> (only <prop>)",
                     (const char *)k->name);
            continue;
        }
        char *prop = caps_req(p, k, "name");
        if (prop)
            qemu_caps_device_add_prop(dev, prop);
        free(prop);
    }
}

static void caps_add_option_cb(qemu_caps *c, const char *s) { qemu_caps_add_option(c, s); }

static void caps_parse_cpu(caps_parser *p, xmlNodePtr n)
{
    char *name = caps_req(p, n, "name");
    char *features = xml_prop(n, "features");
    if (name && features)
        qemu_caps_set_cpu_features(p->c, name, features);
    else if (name)
        qemu_caps_add_cpu(p->c, name);
    free(name);
    free(features);
}
static void caps_parse_option(caps_parser *p, xmlNodePtr n) { caps_parse_named(p, n, caps_add_option_cb); }

static const struct {
    const char *element;
    void (*parse)(caps_parser *, xmlNodePtr);
} caps_elements[] = {
    { "emulator", caps_parse_emulator },
    { "version", caps_parse_version },
    { "arch", caps_parse_arch },
    { "flag", caps_parse_flag },
    { "accel", caps_parse_accel },
    { "machine", caps_parse_machine },
    { "cpu", caps_parse_cpu },
    { "device", caps_parse_device },
    { "option", caps_parse_option },
};

static void caps_parse_child(caps_parser *p, xmlNodePtr n)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(caps_elements); i++) {
        if (strcmp((const char *)n->name, caps_elements[i].element) == 0) {
            caps_elements[i].parse(p, n);
            return;
        }
    }
    caps_err(p, n, "unexpected element <%s> in <qemuCaps>", (const char *)n->name);
}

/* At most one machine may be the default: the emitter relies on it. */
static void caps_check_machines(caps_parser *p, xmlNodePtr root)
{
    size_t ndef = 0;
    for (size_t i = 0; i < p->c->nmachines; i++)
        ndef += p->c->machines[i].is_default;
    if (ndef > 1)
        caps_err(p, root, "more than one default machine%s", "");
}

qemu_caps *qemu_caps_parse(const char *file, const char *data, size_t len, vc_diags *d)
{
    xmlDocPtr doc = xml_doc_read(file, data, len, d);
    if (!doc)
        return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    caps_parser p = { file, d, qemu_caps_new(), true };
    if (strcmp((const char *)root->name, "qemuCaps") != 0) {
        caps_err(&p, root, "root element is <%s>, expected <qemuCaps>", (const char *)root->name);
    } else {
        p.c->name = xml_prop(root, "name");
        for (xmlNodePtr n = root->children; n; n = n->next)
            if (n->type == XML_ELEMENT_NODE)
                caps_parse_child(&p, n);
        caps_check_machines(&p, root);
    }
    xmlFreeDoc(doc);
    if (!p.ok) {
        qemu_caps_free(p.c);
        return NULL;
    }
    qemu_caps_finish(p.c);
    return p.c;
}

qemu_caps *qemu_caps_load_file(const char *path, vc_diags *d)
{
    size_t len;
    /* A capabilities file is a file: never a FIFO to wait on, nor a device
     * to read without end. */
    char *data = vc_read_doc(path, NULL, VC_READ_REGULAR, &len, d);
    if (!data)
        return NULL;
    qemu_caps *c = qemu_caps_parse(path, data, len, d);
    free(data);
    return c;
}

bool qemu_caps_write_atomic(const char *path, const char *data, size_t len, vc_diags *d)
{
    /* Beside the target, then rename: a reader never sees half a file. */
    char *tmp = vc_xasprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    if (ok) {
        size_t off = 0;
        while (ok && off < len) {
            ssize_t w = write(fd, data + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            ok = w > 0;
            off += ok ? (size_t)w : 0;
        }
        /* The mode mkstemp picks (0600) is too tight for a shared cache. */
        ok = ok && fchmod(fd, 0644) == 0;
        ok = (close(fd) == 0) && ok;
        ok = ok && rename(tmp, path) == 0;
    }
    if (!ok) {
        vc_loc loc = { path, 0, 0 };
        vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_ERROR, loc, "cannot write capabilities: %s",
                    strerror(errno));
        if (fd >= 0)
            unlink(tmp);
    }
    free(tmp);
    return ok;
}

bool qemu_caps_save_file(const qemu_caps *c, const char *path, vc_diags *d)
{
    char *xml = qemu_caps_format(c);
    bool ok = qemu_caps_write_atomic(path, xml, strlen(xml), d);
    free(xml);
    return ok;
}

/* ---- named profiles ----------------------------------------------------- */

static bool qemu_profile_name_ok(const char *name)
{
    if (!name || !*name || name[0] == '.')
        return false;
    for (const char *s = name; *s; s++)
        if (*s == '/')
            return false;
    return true;
}

/* "a, b, c" of the profiles in dir, sorted; "none" when there is none. */
static char *qemu_profile_list(const char *dir)
{
    char **names = NULL;
    size_t n = 0;
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || !vc_str_has_suffix(e->d_name, ".xml"))
            continue;
        names = vc_xrealloc(names, (n + 1) * sizeof(char *));
        names[n++] = vc_xstrndup(e->d_name, l - 4);
    }
    if (dh)
        closedir(dh);
    if (n)
        qsort(names, n, sizeof(char *), qemu_caps_strcmp);
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        vc_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
        free(names[i]);
    }
    free(names);
    if (!n)
        vc_buf_puts(&b, "none");
    return vc_buf_steal(&b);
}

qemu_caps *qemu_caps_load_profile(const char *name, vc_diags *d)
{
    const char *dir = vc_profile_dir();
    char *path = qemu_profile_name_ok(name) ? vc_xasprintf("%s/%s.xml", dir, name) : NULL;
    struct stat st;
    if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        char *avail = qemu_profile_list(dir);
        vc_loc none = { NULL, 0, 0 };
        vc_diag_add(d, VC_ERR_USAGE, VC_SEV_ERROR, none,
                    "unknown QEMU profile '%s' (available: %s)", name ? name : "", avail);
        free(avail);
        free(path);
        return NULL;
    }
    qemu_caps *c = qemu_caps_load_file(path, d);
    free(path);
    if (c) {
        free(c->name);
        c->name = vc_xstrdup(name);
    }
    return c;
}
