/*
 * validate_check.c: checking one file, and checking many in parallel.
 *
 * A check is: read (bounded), parse (xmldoc: positions on every element),
 * find the kind (--type or the root element), validate against the kind's
 * schema, then the semantic checks of the kinds that have a front end (a
 * domain must also lower to the IR). Each worker thread has its own parser
 * and validation contexts; the compiled schemas are shared read-only
 * (schema.c).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../translators/domain_xml.h"
#include "../translators/ir.h"
#include "../translators/util.h"
#include "../translators/xmldoc.h"
#include "validate.h"
#include "validate_rules.h"
#include "validate_network.h"

/* ---- reading ------------------------------------------------------------ */

/* A worker's read buffer, kept from file to file (one allocation per
 * worker, not one per file). It never grows past VAL_MAX_BYTES + 2, so a
 * worker holds at most that plus one document. */
typedef struct check_buf {
    char *data;
    size_t cap;
} check_buf;

static bool check_read(val_file *f, check_buf *b, size_t *len)
{
    int err = vc_read_into(f->path ? f->path : "-", 0, &b->data, &b->cap, len);
    return err == 0 || vc_read_error(&f->diags, f->name, err);
}

/* ---- semantic checks after the schema ----------------------------------- */

/* The attribute attr of the element a path of first children names under
 * root (NULL-terminated), or NULL; its value in *value (free()). */
static xmlAttrPtr check_attr_at(xmlNodePtr root, const char *const *path, const char *attr,
                                xmlNodePtr *elem, char **value)
{
    xmlNodePtr n = root;
    for (; n && *path; path++)
        n = xml_child(n, *path);
    xmlAttrPtr a = n ? xmlHasProp(n, (const xmlChar *)attr) : NULL;
    *elem = n;
    *value = a ? xml_prop(n, attr) : NULL;
    return a;
}

/* Hyper-V spinlocks: the format's schema takes any retry count, the
 * documented rule is "at least 4095" when the enlightenment is on. */
#define CHECK_SPINLOCK_MIN_RETRIES 4095UL

static bool check_spinlocks(xmlNodePtr root, const char *file, vc_diags *d)
{
    static const char *const path[] = { "features", "hyperv", "spinlocks", NULL };
    xmlNodePtr sl;
    char *value;
    xmlAttrPtr retries = check_attr_at(root, path, "retries", &sl, &value);
    if (!retries)
        return true;
    char *state = xml_prop(sl, "state");
    /* the schema has checked it is an unsigned int */
    bool ok = !state || strcmp(state, "on") != 0 ||
              strtoul(value, NULL, 10) >= CHECK_SPINLOCK_MIN_RETRIES;
    if (!ok)
        vc_error_at(d, xml_node_loc(file, (xmlNodePtr)retries),
                    "retries='%s': expected at least %lu spinlock retries", value,
                    CHECK_SPINLOCK_MIN_RETRIES);
    free(state);
    free(value);
    return ok;
}

/* <qemu:commandline><qemu:env name=...>: the format's schema takes a name
 * of letters, digits and '_'; libvirt's parser wants it to begin as an
 * environment variable's name does, with a letter or '_'. */
#define CHECK_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

static bool check_qemu_in(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, CHECK_QEMU_NS) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static bool check_qemu_env(xmlNodePtr root, const char *file, vc_diags *d)
{
    bool ok = true;
    for (xmlNodePtr cl = root->children; cl; cl = cl->next) {
        if (!check_qemu_in(cl, "commandline"))
            continue;
        for (xmlNodePtr env = cl->children; env; env = env->next) {
            xmlAttrPtr a = check_qemu_in(env, "env") ? xmlHasProp(env, BAD_CAST "name") : NULL;
            char *name = a ? xml_prop(env, "name") : NULL;
            if (name && !(isalpha((unsigned char)name[0]) || name[0] == '_')) {
                vc_error_at(d, xml_node_loc(file, (xmlNodePtr)a),
                            "name='%s': expected an environment variable name, which begins "
                            "with a letter or '_'", name);
                ok = false;
            }
            free(name);
        }
    }
    return ok;
}

/* A disk's counts that libvirt's schema takes as any integer and its
 * parser as an unsigned 32-bit number: the BIOS <geometry>, the
 * <blockio> sizes and the target's rotation rate (a positive number in
 * the schema, read into an unsigned int that must not be 0). */
static const struct {
    const char *elem;
    const char *attr;
    unsigned long long min;
} check_disk_u32[] = {
    { "geometry", "cyls", 0 },
    { "geometry", "heads", 0 },
    { "geometry", "secs", 0 },
    { "blockio", "logical_block_size", 0 },
    { "blockio", "physical_block_size", 0 },
    { "target", "rotation_rate", 1 },
};

static bool check_disk_counts(xmlNodePtr disk, const char *file, vc_diags *d)
{
    bool ok = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(check_disk_u32); i++) {
        xmlNodePtr e = xml_child(disk, check_disk_u32[i].elem);
        xmlAttrPtr a = e ? xmlHasProp(e, BAD_CAST check_disk_u32[i].attr) : NULL;
        char *v = a ? xml_prop(e, check_disk_u32[i].attr) : NULL;
        unsigned long long n;
        if (v && !(vc_parse_ull(v, 10, &n) && n >= check_disk_u32[i].min && n <= UINT32_MAX)) {
            vc_error_at(d, xml_node_loc(file, (xmlNodePtr)a), "%s='%s': expected a number %llu..4294967295",
                        check_disk_u32[i].attr, v, check_disk_u32[i].min);
            ok = false;
        }
        free(v);
    }
    return ok;
}

/* Whether n is an element of the document's format (no namespace) named
 * name (validate_rules.h: the other kinds' checks use it too). */
bool check_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !n->ns && strcmp((const char *)n->name, name) == 0;
}

/* A located error on attribute name of e when bad(value) says what is
 * wrong; false then (validate_rules.h). */
bool check_value(xmlNodePtr e, const char *name, const char *(*bad)(const char *v),
                        const char *file, vc_diags *d)
{
    xmlAttrPtr a = xmlHasProp(e, BAD_CAST name);
    char *v = a ? xml_prop(e, name) : NULL;
    const char *why = v ? bad(v) : NULL;
    if (why)
        vc_error_at(d, xml_node_loc(file, (xmlNodePtr)a), "%s='%s': expected %s", name, v, why);
    free(v);
    return !why;
}

/* A guestfwd channel's target: libvirt's schema takes any text, its
 * parser an IPv4 address (QEMU's guestfwd forwards IPv4 only) and a port
 * number (a larger one would be cut to 16 bits: refused here). libvirt
 * reads the address as getaddrinfo does, in inet_aton's forms ('1' is
 * 0.0.0.1, '010.0.0.1' octal, '0x7f.1'), with nothing after it (libvirt
 * 9.0's parser asked). */
static const char *check_bad_ipv4(const char *v)
{
    struct in_addr a;
    bool ok = !strpbrk(v, " \t\n\v\f\r") && inet_aton(v, &a) != 0;
    return ok ? NULL : "an IPv4 address (10.0.2.1)";
}

static const char *check_bad_port(const char *v)
{
    unsigned long long n;
    return vc_parse_ull(v, 10, &n) && n <= 65535 ? NULL : "a port number 0..65535";
}

/* A redirection filter's USB version: libvirt's schema takes any
 * character between the two numbers, its parser a dot ("2.0"), or -1
 * for any version. */
static const char *check_bad_usb_version(const char *v)
{
    unsigned long long major, minor;
    const char *dot = strchr(v, '.');
    char *head = dot ? vc_xstrndup(v, (size_t)(dot - v)) : NULL;
    bool ok = strcmp(v, "-1") == 0 ||
              (head && vc_parse_ull(head, 10, &major) && major < 100 &&
               vc_parse_ull(dot + 1, 10, &minor) && minor < 100);
    free(head);
    return ok ? NULL : "a USB version N.N (2.0), or -1 for any";
}

/* The hosts of a network disk's source: libvirt's schema takes any
 * unsigned number as a port, its parser a port number ("port '70000' out
 * of range"). */
static bool check_disk_hosts(xmlNodePtr disk, const char *file, vc_diags *d)
{
    xmlNodePtr src = xml_child(disk, "source");
    bool ok = true;
    for (xmlNodePtr h = src ? src->children : NULL; h; h = h->next)
        if (check_is(h, "host"))
            ok = check_value(h, "port", check_bad_port, file, d) && ok;
    return ok;
}

/* A SCSI host device's adapter: libvirt's schema takes every form a
 * storage pool's adapter has (fc_host, a parent PCI address), its parser
 * only a named one. */
static bool check_hostdev_adapter(xmlNodePtr dev, const char *file, vc_diags *d)
{
    xmlNodePtr src = xml_child(dev, "source");
    xmlNodePtr ad = src ? xml_child(src, "adapter") : NULL;
    char *type = xml_prop(dev, "type");
    bool scsi = type && strcmp(type, "scsi") == 0;
    free(type);
    if (!scsi || !ad || xmlHasProp(ad, BAD_CAST "name"))
        return true;
    return vc_error_at(d, xml_node_loc(file, ad),
                       "missing attribute 'name' on <adapter>: a SCSI host device names its adapter (scsi_host0)");
}

static bool check_devices(xmlNodePtr root, const char *file, vc_diags *d)
{
    xmlNodePtr devices = xml_child(root, "devices");
    bool ok = true;
    for (xmlNodePtr dev = devices ? devices->children : NULL; dev; dev = dev->next) {
        if (check_is(dev, "disk")) {
            ok = check_disk_counts(dev, file, d) && ok;
            ok = check_disk_hosts(dev, file, d) && ok;
        }
        if (check_is(dev, "hostdev"))
            ok = check_hostdev_adapter(dev, file, d) && ok;
        xmlNodePtr t = check_is(dev, "channel") ? xml_child(dev, "target") : NULL;
        char *type = t ? xml_prop(t, "type") : NULL;
        if (type && strcmp(type, "guestfwd") == 0) {
            ok = check_value(t, "address", check_bad_ipv4, file, d) && ok;
            ok = check_value(t, "port", check_bad_port, file, d) && ok;
        }
        free(type);
        if (!check_is(dev, "redirfilter"))
            continue;
        for (xmlNodePtr u = dev->children; u; u = u->next)
            if (check_is(u, "usbdev"))
                ok = check_value(u, "version", check_bad_usb_version, file, d) && ok;
    }
    return ok;
}

static bool check_domain(xmlDocPtr doc, const char *file, vc_diags *d)
{
    /* The format's schema lets both be absent; a domain then has no OS
     * type, which libvirt's parser refuses too. */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!xml_child(root, "os") && !xml_child(root, "bootloader"))
        return vc_error_at(d, xml_node_loc(file, root),
                           "missing <os> or <bootloader> in <domain>");
    if (!check_spinlocks(root, file, d) || !check_qemu_env(root, file, d) ||
        !check_devices(root, file, d))
        return false;
    ir_domain *dom = xml_domain_lower(doc, file, d);
    if (!dom)
        return false;
    ir_domain_free(dom);
    return true;
}

/* The kinds whose front end makes checks a schema cannot. */
static const struct {
    const char *kind;
    bool (*check)(xmlDocPtr doc, const char *file, vc_diags *d);
} check_semantic[] = {
    { "domain", check_domain },
    { "interface", vr_interface_check },
    { "network", vnet_check },
    { "nodedev", vr_nodedev_check },
    { "secret", vr_secret_check },
    { "storagepool", vr_storagepool_check },
    { "storagevol", vr_storagevol_check },
};

static bool check_semantics(const vc_schema_kind *kind, xmlDocPtr doc, const char *file,
                            vc_diags *d)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(check_semantic); i++)
        if (strcmp(check_semantic[i].kind, kind->name) == 0)
            return check_semantic[i].check(doc, file, d);
    return true;
}

/* ---- one file ------------------------------------------------------------ */

static val_status check_doc(val_file *f, xmlDocPtr doc, const val_options *opt)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    f->kind = opt->type ? opt->type : vc_schema_kind_by_root(root);
    if (!f->kind) {
        vc_error_at(&f->diags, xml_node_loc(f->name, root),
                    "unknown document kind <%s> (use --type)", (const char *)root->name);
        return VAL_FAILED;
    }
    vc_diags sd;
    vc_diags_init(&sd);
    bool valid = vc_schema_validate(f->kind, doc, f->name, &sd);
    if (!valid && vc_diags_code(&sd) == VC_ERR_RUNTIME) {
        /* The schema's own errors are reported once per run by the caller
         * (vc_schema_preload hands them out); the file only says it was not
         * checked. */
        vc_diags_free(&sd);
        vc_loc loc = { f->name, 1, 1 };
        vc_diag_add(&f->diags, VC_ERR_RUNTIME, VC_SEV_ERROR, loc,
                    "not checked: the %s schema cannot be loaded", f->kind->name);
        return VAL_NOT_CHECKED;
    }
    vc_diags_append(&f->diags, &sd);
    vc_diags_free(&sd);
    if (!valid)
        return VAL_FAILED;
    return check_semantics(f->kind, doc, f->name, &f->diags) ? VAL_PASSED : VAL_FAILED;
}

static void check_file(val_file *f, const val_options *opt, check_buf *b)
{
    if (f->listed_bad)
        return;
    size_t len;
    if (!check_read(f, b, &len)) {
        f->status = VAL_FAILED;
        return;
    }
    xmlDocPtr doc = xml_doc_read_opts(f->name, b->data, len, XML_DOC_NOBLANKS, &f->diags);
    if (!doc) {
        f->status = VAL_FAILED;
        return;
    }
    f->status = check_doc(f, doc, opt);
    xmlFreeDoc(doc);
    /* A front end may fail with nothing but warnings recorded; the verdict
     * must still be located. */
    if (f->status == VAL_FAILED && f->diags.nerrors == 0) {
        vc_loc loc = { f->name, 1, 1 };
        vc_error_at(&f->diags, loc, "invalid document");
    }
}

/* ---- many files ---------------------------------------------------------- */

typedef struct check_pool {
    val_files *fs;
    const val_options *opt;
    size_t next;          /* the next file to take */
    bool *ready;          /* ready[i]: file i's result is published */
    size_t waiting;       /* the file the printer sleeps on; SIZE_MAX: none */
    pthread_mutex_t lock;
    pthread_cond_t cond;
} check_pool;

static void *check_worker(void *arg)
{
    check_pool *p = arg;
    check_buf b = { NULL, 0 };
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->fs->n) {
            free(b.data);
            return NULL;
        }
        check_file(&p->fs->v[i], p->opt, &b);
        pthread_mutex_lock(&p->lock);
        p->ready[i] = true;
        /* Wake the printer only for the file it waits on: a wake-up per
         * file costs more than checking a small one. */
        if (i == p->waiting)
            pthread_cond_signal(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
}

void val_check_all(val_files *fs, const val_options *opt, int nthreads,
                   void (*done)(val_file *f, void *user), void *user)
{
    if (nthreads > 1 && (size_t)nthreads > fs->n)
        nthreads = (int)fs->n;
    if (nthreads <= 1) {
        check_buf b = { NULL, 0 };
        for (size_t i = 0; i < fs->n; i++) {
            check_file(&fs->v[i], opt, &b);
            done(&fs->v[i], user);
        }
        free(b.data);
        return;
    }
    xml_init();
    check_pool p = { .fs = fs, .opt = opt, .next = 0, .waiting = SIZE_MAX };
    p.ready = vc_xcalloc(fs->n, sizeof(bool));
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.cond, NULL);
    pthread_t *tids = vc_xcalloc((size_t)nthreads, sizeof(pthread_t));
    int started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&tids[started], NULL, check_worker, &p) != 0)
            break;
    if (started == 0) {
        /* No thread to be had: do the work here, still in order. */
        check_worker(&p);
    }
    /* The printer: hand results out in input order as they complete. */
    for (size_t i = 0; i < fs->n; i++) {
        pthread_mutex_lock(&p.lock);
        p.waiting = i;
        while (!p.ready[i])
            pthread_cond_wait(&p.cond, &p.lock);
        p.waiting = SIZE_MAX;
        pthread_mutex_unlock(&p.lock);
        done(&fs->v[i], user);
    }
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    free(tids);
    free(p.ready);
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.cond);
}
