/*
 * argv_modern_firmware.c: placement of the firmware a domain leaves to the
 * host (<os firmware='efi'> without a <loader> path). QEMU's firmware
 * interoperability specification (docs/interop/firmware.json) describes
 * each firmware build in a JSON descriptor: the interfaces it offers
 * ("uefi", "bios"), how it is mapped ("mapping": a "flash" device in "split"
 * mode with an "executable" and an "nvram-template", or in "stateless" or
 * "combined" mode), the machines it runs on ("targets": an architecture
 * and machine-type globs) and its "features" ("secure-boot",
 * "enrolled-keys", "requires-smm", "amd-sev", ...). Descriptors live in
 * /usr/share/qemu/firmware (the distribution's), /etc/qemu/firmware (the
 * host's) and $XDG_CONFIG_HOME/qemu/firmware (the user's); a later folder's
 * file replaces an earlier one of the same name (an empty one hides it),
 * and the first file, by name, that fits the domain is chosen.
 *
 * A named capabilities profile stands for a host that is not this one, so
 * its conversions must not depend on this host's files: it reads the
 * descriptors shipped beside the profiles (PROFILE_DIR/firmware/), which
 * describe the firmware package of the host the profile was recorded on.
 */
#include "argv_modern_priv.h"

#include <dirent.h>
#include <fnmatch.h>
#include <json-c/json.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "../paths.h"
#include "../xmldoc.h"

/* What the domain asks of its firmware. */
typedef struct modern_fw_want {
    const char *interface;    /* "uefi" */
    const char *arch, *machine;
    const char **need, **refuse;   /* features required, features refused */
    size_t nneed, nrefuse;
    bool stateless;
    bool smm_off;             /* <features><smm state='off'/> */
} modern_fw_want;

/* ---- descriptor folders ------------------------------------------------------- */

typedef struct modern_fw_file {
    char *name, *path;        /* path NULL: hidden by an empty file */
} modern_fw_file;

static int modern_fw_file_cmp(const void *a, const void *b)
{
    return strcmp(((const modern_fw_file *)a)->name, ((const modern_fw_file *)b)->name);
}

/* Adds the *.json files of dir, a later folder's replacing an earlier's. */
static void modern_fw_scan(const char *dir, modern_fw_file **v, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!vc_str_has_suffix(e->d_name, ".json"))
            continue;
        char *path = vc_xasprintf("%s/%s", dir, e->d_name);
        FILE *fp = fopen(path, "r");
        bool empty = fp && fgetc(fp) == EOF;
        if (fp)
            fclose(fp);
        if (empty) {
            free(path);
            path = NULL;
        }
        size_t k = 0;
        while (k < *n && strcmp((*v)[k].name, e->d_name) != 0)
            k++;
        if (k == *n) {
            vc_xgrow((void **)v, cap, *n + 1, sizeof(**v));
            (*v)[(*n)++] = (modern_fw_file){ .name = vc_xstrdup(e->d_name) };
        }
        free((*v)[k].path);
        (*v)[k].path = path;
    }
    closedir(d);
}

/* The folders, in the order of precedence (lowest first), for messages too. */
static char *modern_fw_dirs(const qemu_ctx *x, modern_fw_file **v, size_t *n)
{
    size_t cap = 0;
    if (!modern_caps_are_probed(x)) {
        char *dir = vc_xasprintf("%s/firmware", qemu_str_or(vc_profile_dir(), "."));
        modern_fw_scan(dir, v, n, &cap);
        free(dir);
        return vc_xasprintf("of the %s", qemu_str_or(x->caps_desc, "profile"));
    }
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char *user = xdg && *xdg ? vc_xasprintf("%s/qemu/firmware", xdg)
                 : home      ? vc_xasprintf("%s/.config/qemu/firmware", home)
                             : NULL;
    modern_fw_scan("/usr/share/qemu/firmware", v, n, &cap);
    modern_fw_scan("/etc/qemu/firmware", v, n, &cap);
    if (user)
        modern_fw_scan(user, v, n, &cap);
    char *dirs = vc_xasprintf("in /usr/share/qemu/firmware, /etc/qemu/firmware%s%s",
                              user ? ", " : "", user ? user : "");
    free(user);
    return dirs;
}

/* ---- matching a descriptor ------------------------------------------------------ */

static bool modern_json_strs_has(json_object *arr, const char *s)
{
    size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n; i++)
        if (vc_streq(json_object_get_string(json_object_array_get_idx(arr, i)), s))
            return true;
    return false;
}

static const char *modern_json_str(json_object *o, const char *k1, const char *k2)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, k1, &v))
        return NULL;
    if (k2 && !json_object_object_get_ex(v, k2, &v))
        return NULL;
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A target {"architecture":, "machines": [globs]} that runs this domain. */
static bool modern_fw_target_ok(json_object *targets, const modern_fw_want *w)
{
    size_t n = json_object_is_type(targets, json_type_array)
                   ? json_object_array_length(targets) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(targets, i);
        json_object *machines = NULL;
        if (!vc_streq(modern_json_str(t, "architecture", NULL), w->arch) ||
            !json_object_object_get_ex(t, "machines", &machines))
            continue;
        size_t nm = json_object_is_type(machines, json_type_array)
                        ? json_object_array_length(machines) : 0;
        for (size_t k = 0; k < nm; k++) {
            const char *glob = json_object_get_string(json_object_array_get_idx(machines, k));
            if (glob && fnmatch(glob, w->machine, 0) == 0)
                return true;
        }
    }
    return false;
}

/* Whether a descriptor fits; when it does, what it maps into f. */
static bool modern_fw_match(json_object *d, const modern_fw_want *w, modern_firmware *f)
{
    json_object *ifaces = NULL, *targets = NULL, *features = NULL, *mapping = NULL;
    json_object_object_get_ex(d, "interface-types", &ifaces);
    json_object_object_get_ex(d, "targets", &targets);
    json_object_object_get_ex(d, "features", &features);
    json_object_object_get_ex(d, "mapping", &mapping);
    if (!modern_json_strs_has(ifaces, w->interface) || !modern_fw_target_ok(targets, w) ||
        !vc_streq(modern_json_str(mapping, "device", NULL), "flash"))
        return false;
    for (size_t i = 0; i < w->nneed; i++)
        if (!modern_json_strs_has(features, w->need[i]))
            return false;
    for (size_t i = 0; i < w->nrefuse; i++)
        if (modern_json_strs_has(features, w->refuse[i]))
            return false;
    bool smm = modern_json_strs_has(features, "requires-smm");
    if (smm && w->smm_off)
        return false;
    /* "split" (the default): code + a template of the variables; a
     * stateless domain takes only the code. "stateless": code alone. */
    const char *mode = qemu_str_or(modern_json_str(mapping, "mode", NULL), "split");
    const char *code = modern_json_str(mapping, "executable", "filename");
    const char *cfmt = qemu_str_or(modern_json_str(mapping, "executable", "format"), "raw");
    const char *tmpl = modern_json_str(mapping, "nvram-template", "filename");
    const char *tfmt = qemu_str_or(modern_json_str(mapping, "nvram-template", "format"), "raw");
    bool split = strcmp(mode, "split") == 0;
    if (!code || strcmp(cfmt, "raw") != 0 || (!split && strcmp(mode, "stateless") != 0) ||
        (!split && !w->stateless) || (split && !w->stateless && (!tmpl || strcmp(tfmt, "raw") != 0)))
        return false;
    f->code = vc_xstrdup(code);
    f->nvram_template = w->stateless ? NULL : vc_xstrdup(tmpl);
    f->smm = smm;
    f->secure = modern_json_strs_has(features, "secure-boot");
    return true;
}

/* ---- what the domain asks ----------------------------------------------------------- */

/* <os firmware=> with <loader secure= stateless=> and <firmware><feature
 * enabled= name=/></firmware>, from the <os> the model keeps verbatim. */
static bool modern_fw_wanted(qemu_ctx *x, xmlNodePtr os, modern_fw_want *w)
{
    xmlNodePtr loader = xml_child(os, "loader");
    char *secure = loader ? xml_prop(loader, "secure") : NULL;
    char *stateless = loader ? xml_prop(loader, "stateless") : NULL;
    w->stateless = vc_streq(stateless, "yes");
    bool ok = true;
    size_t capn = 0, capr = 0;
    if (vc_streq(secure, "yes")) {
        vc_xgrow((void **)&w->need, &capn, w->nneed + 1, sizeof(char *));
        w->need[w->nneed++] = "secure-boot";
    } else if (vc_streq(secure, "no")) {
        vc_xgrow((void **)&w->refuse, &capr, w->nrefuse + 1, sizeof(char *));
        w->refuse[w->nrefuse++] = "secure-boot";
    }
    xmlNodePtr fw = xml_child(os, "firmware");
    for (xmlNodePtr k = fw ? fw->children : NULL; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "feature") != 0)
            continue;
        char *name = xml_prop(k, "name");
        char *enabled = xml_prop(k, "enabled");
        /* the names are libvirt's, which are the descriptors' */
        static const char *const known[] = { "secure-boot", "enrolled-keys" };
        size_t i = 0;
        while (name && i < VC_ARRAY_SIZE(known) && strcmp(name, known[i]) != 0)
            i++;
        if (!name || i == VC_ARRAY_SIZE(known) || (!vc_streq(enabled, "yes") &&
                                                   !vc_streq(enabled, "no"))) {
            ok = qemu_error(x, x->dom->os.pos, "<firmware><feature name='%s' enabled='%s'>: "
                            "expected secure-boot or enrolled-keys, enabled yes or no",
                            qemu_str_or(name, ""), qemu_str_or(enabled, ""));
        } else if (vc_streq(enabled, "yes")) {
            vc_xgrow((void **)&w->need, &capn, w->nneed + 1, sizeof(char *));
            w->need[w->nneed++] = known[i];
        } else {
            vc_xgrow((void **)&w->refuse, &capr, w->nrefuse + 1, sizeof(char *));
            w->refuse[w->nrefuse++] = known[i];
        }
        free(name);
        free(enabled);
    }
    const ir_feature *smm = ir_domain_feature(x->dom, "smm");
    w->smm_off = smm && vc_streq(smm->state, "off");
    free(secure);
    free(stateless);
    return ok;
}

/* The features asked, for the message that none fits: "secure-boot,
 * !enrolled-keys". */
static char *modern_fw_want_text(const modern_fw_want *w)
{
    vc_buf b;
    vc_buf_init(&b);
    for (size_t i = 0; i < w->nneed; i++)
        vc_buf_printf(&b, "%s%s", b.len ? ", " : "", w->need[i]);
    for (size_t i = 0; i < w->nrefuse; i++)
        vc_buf_printf(&b, "%s!%s", b.len ? ", " : "", w->refuse[i]);
    if (w->stateless)
        vc_buf_printf(&b, "%sstateless", b.len ? ", " : "");
    return vc_buf_steal(&b);
}

static bool modern_fw_choose(qemu_ctx *x, const modern_fw_want *w, modern_firmware *f)
{
    modern_fw_file *files = NULL;
    size_t n = 0;
    char *dirs = modern_fw_dirs(x, &files, &n);
    qsort(files, n, sizeof(*files), modern_fw_file_cmp);
    for (size_t i = 0; i < n && !f->code; i++) {
        if (!files[i].path)
            continue;
        json_object *d = json_object_from_file(files[i].path);
        if (!d)
            qemu_warn(x, x->dom->os.pos, "firmware descriptor '%s' is not JSON; skipped",
                      files[i].path);
        else if (modern_fw_match(d, w, f))
            f->descriptor = vc_xstrdup(files[i].name);
        json_object_put(d);
    }
    bool ok = f->code != NULL;
    if (!ok) {
        char *want = modern_fw_want_text(w);
        qemu_error(x, x->dom->os.pos, "no firmware descriptor %s offers %s for %s machine "
                   "'%s'%s%s", dirs, w->interface, w->arch, w->machine, *want ? " with " : "",
                   want);
        free(want);
    }
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].path);
    }
    free(files);
    free(dirs);
    return ok;
}

bool modern_place_firmware(qemu_ctx *x)
{
    const ir_fragment *frag = modern_extra_find(x, "os");
    const ir_os *os = &x->dom->os;
    if (!frag || os->loader || !strstr(frag->xml, "firmware="))
        return true;
    xmlDocPtr doc = modern_xml_parse(frag->xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    char *kind = root ? xml_prop(root, "firmware") : NULL;
    bool ok = true;
    if (vc_streq(kind, "efi")) {
        modern_fw_want w = { .interface = "uefi",
                             .arch = qemu_str_or(os->arch, "x86_64"),
                             .machine = qemu_str_or(x->modern->machine, "pc") };
        modern_firmware *f = &x->modern->fw;
        ok = modern_fw_wanted(x, root, &w) && modern_fw_choose(x, &w, f);
        if (ok && !w.stateless) {
            char *nvram = modern_nvram_path(x);
            f->nvram = nvram ? nvram
                             : vc_xasprintf("/var/lib/libvirt/qemu/nvram/%s_VARS.fd",
                                            qemu_str_or(x->dom->name, "unnamed"));
            /* <nvram template=> names another template than the descriptor's */
            char *tmpl = modern_fragment_attr(frag, "nvram", "template");
            if (tmpl) {
                free(f->nvram_template);
                f->nvram_template = tmpl;
            }
        }
        if (!ok)
            modern_firmware_clear(f);
        free(w.need);
        free(w.refuse);
    } else if (kind && strcmp(kind, "bios") != 0) {
        ok = qemu_unsupported(x, os->pos, "firmware '%s'", kind);
    }
    /* firmware='bios': SeaBIOS, QEMU's own default: nothing to place */
    free(kind);
    xmlFreeDoc(doc);
    return ok;
}

/* ---- launch security ------------------------------------------------------------------ */

/* A number child of <launchSecurity> (decimal, or hex as 0x...). */
static bool modern_sev_num(qemu_ctx *x, ir_pos pos, xmlNodePtr ls, const char *name,
                           bool need, unsigned long long max, unsigned long long *v)
{
    xmlNodePtr n = xml_child(ls, name);
    char *text = n ? xml_text(n) : NULL;
    bool ok = true;
    if (!text && need)
        ok = qemu_error(x, pos, "<launchSecurity type='sev'> needs <%s>", name);
    else if (text && (!vc_parse_ull(text, 0, v) || *v > max))
        ok = qemu_error(x, pos, "<launchSecurity> <%s>%s</%s>: not a number up to %llu", name,
                        text, name, max);
    free(text);
    return ok;
}

/* <launchSecurity type='sev' kernelHashes=><cbitpos/><reducedPhysBits/>
 * <policy/>[<dhCert/>][<session/>]</launchSecurity>: AMD SEV. The C-bit
 * position and the physical address bits it costs are the host CPU's
 * (libvirt fills them from the host's capabilities when absent; a converter
 * cannot, so they must be given). */
bool modern_place_launch_security(qemu_ctx *x)
{
    const ir_fragment *f = modern_extra_find(x, "launchSecurity");
    if (!f)
        return true;
    xmlDocPtr doc = modern_xml_parse(f->xml);
    xmlNodePtr ls = doc ? xmlDocGetRootElement(doc) : NULL;
    char *type = ls ? xml_prop(ls, "type") : NULL;
    char *hashes = ls ? xml_prop(ls, "kernelHashes") : NULL;
    modern_sev *sev = &x->modern->sev;
    ir_pos pos = f->pos.line ? f->pos : x->dom->pos;
    bool ok = true;
    if (!vc_streq(type, "sev")) {
        ok = qemu_unsupported(x, pos, "launch security '%s' on x86", qemu_str_or(type, ""));
    } else {
        ok = modern_sev_num(x, pos, ls, "cbitpos", true, 63, &sev->cbitpos);
        ok = modern_sev_num(x, pos, ls, "reducedPhysBits", true, 63, &sev->reduced_phys_bits) &&
             ok;
        ok = modern_sev_num(x, pos, ls, "policy", false, 0xffffffffULL, &sev->policy) && ok;
        if (hashes && !vc_streq(hashes, "yes") && !vc_streq(hashes, "no"))
            ok = qemu_error(x, pos, "<launchSecurity kernelHashes='%s'>: expected "
                            "yes or no", hashes);
        sev->kernel_hashes = vc_streq(hashes, "yes");
        xmlNodePtr c = xml_child(ls, "dhCert");
        sev->dh_cert = c ? xml_text(c) : NULL;
        c = xml_child(ls, "session");
        sev->session = c ? xml_text(c) : NULL;
        sev->on = ok;
    }
    free(type);
    free(hashes);
    xmlFreeDoc(doc);
    return ok;
}