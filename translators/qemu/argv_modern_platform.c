/*
 * argv_modern_platform.c: emission of the platform devices of the -device
 * generation: IOMMUs, TPMs (and their backends), the panic notifier, the
 * VM generation ID, vhost vsock, the firmware's flash (a chosen descriptor's,
 * an NVRAM on a network block device) and launch security (SEV). Each
 * function reads the IR and the placement (argv_modern_place.c) and appends
 * arguments.
 */
#include "argv_modern_priv.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "../xmldoc.h"

/* ---- IOMMU ------------------------------------------------------------------------ */

/* intel-iommu's switches: the <driver> attribute and the device property. */
static const struct {
    const char *prop;
    size_t off;
} modern_iommu_props[] = {
    { "intremap", offsetof(ir_iommu, intremap) },
    { "caching-mode", offsetof(ir_iommu, caching_mode) },
    { "eim", offsetof(ir_iommu, eim) },
    { "device-iotlb", offsetof(ir_iommu, iotlb) },
};

static bool modern_iommu_intel_dev(qemu_ctx *x, const ir_device *dev)
{
    const ir_iommu *i = &dev->u.iommu;
    if (!modern_is_x86(x) || !x->modern->q35)
        return qemu_unsupported(x, dev->pos, "IOMMU model 'intel' on machine '%s' (it needs "
                                "q35)", qemu_str_or(x->modern->machine, "?"));
    if (!modern_need_device(x, dev->pos, "intel-iommu"))
        return false;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "intel-iommu,id=");
    modern_put_dev_id(&b, dev, "iommu", 0);
    for (size_t k = 0; k < VC_ARRAY_SIZE(modern_iommu_props); k++) {
        ir_tristate t = *(const ir_tristate *)((const char *)i + modern_iommu_props[k].off);
        if (t)
            vc_buf_printf(&b, ",%s=%s", modern_iommu_props[k].prop, t == IR_TRI_YES ? "on" : "off");
    }
    if (i->aw_bits)
        vc_buf_printf(&b, ",aw-bits=%u", i->aw_bits);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

/* intel-iommu goes before the PCI devices whose DMA it translates (the
 * first device section); virtio-iommu-pci is a PCI device itself, written
 * once its bus (a root port) exists. */
bool modern_iommu_intel(qemu_ctx *x)
{
    bool ok = true;
    for (size_t i = 0; i < x->dom->ndevices; i++) {
        const ir_device *d = &x->dom->devices[i];
        if (d->kind == IR_DEV_IOMMU && vc_streq(d->u.iommu.model, "intel"))
            ok = modern_iommu_intel_dev(x, d) && ok;
    }
    return ok;
}

bool modern_iommu(qemu_ctx *x, const ir_device *dev)
{
    const char *model = qemu_str_or(dev->u.iommu.model, "?");
    if (strcmp(model, "intel") == 0)
        return true;                        /* modern_iommu_intel */
    if (strcmp(model, "virtio") == 0) {
        if (!modern_need_device(x, dev->pos, "virtio-iommu-pci"))
            return false;
        vc_buf b;
        vc_buf_init(&b);
        vc_buf_puts(&b, "virtio-iommu-pci,id=");
        modern_put_dev_id(&b, dev, "iommu", 0);
        modern_dev_pci(x, dev, &b);
        qemu_arg2_take(x, "-device", vc_buf_steal(&b));
        return true;
    }
    return qemu_unsupported(x, dev->pos, "IOMMU model '%s'", model);
}

/* ---- TPM ------------------------------------------------------------------------- */

/* TPM front ends QEMU has for x86 (tpm-spapr is POWER's). */
static const char *const modern_tpm_models[] = { "tpm-tis", "tpm-crb" };

/* -tpmdev emulator: QEMU talks to swtpm over a unix socket that the host
 * starts swtpm on (a host resource of the launch). */
static bool modern_tpm_emulator(qemu_ctx *x, const ir_device *dev, const char *id)
{
    const ir_tpm *t = &dev->u.tpm;
    char *sock = t->source_path ? vc_xstrdup(t->source_path)
                                : vc_xasprintf("%s/%s-swtpm.sock", x->modern->domdir, id);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "socket,id=chr");
    vc_buf_puts(&b, id);
    qemu_opt_add(&b, "path", sock);
    qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    qemu_arg2_take(x, "-tpmdev", vc_xasprintf("emulator,id=tpm-%s,chardev=chr%s", id, id));
    qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
    if (!t->source_path)
        qemu_warn(x, dev->pos, "the TPM emulator is a process of the host: start swtpm "
                  "(swtpm socket --tpm%s --ctrl type=unixio,path=%s) before the guest",
                  vc_streq(t->backend_version, "2.0") ? "2" : "", sock);
    free(sock);
    return true;
}

/* -tpmdev passthrough: the host's TPM device and its sysfs cancel file. */
static bool modern_tpm_passthrough(qemu_ctx *x, const ir_device *dev, const char *id)
{
    const char *path = qemu_str_or(dev->u.tpm.device_path, "/dev/tpm0");
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *cancel = vc_xasprintf("/sys/class/tpm/%s/device/cancel", name);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "passthrough,id=tpm-%s", id);
    qemu_opt_add(&b, "path", path);
    qemu_opt_add(&b, "cancel-path", cancel);
    qemu_arg2_take(x, "-tpmdev", vc_buf_steal(&b));
    qemu_resource_add(x, path, QEMU_RES_CHARDEV, false);
    qemu_resource_add(x, cancel, QEMU_RES_FILE, false);
    free(cancel);
    return true;
}

bool modern_tpm(qemu_ctx *x, const ir_device *dev)
{
    const ir_tpm *t = &dev->u.tpm;
    const char *model = qemu_str_or(t->model, "tpm-tis");
    if (!qemu_str_in(model, modern_tpm_models, VC_ARRAY_SIZE(modern_tpm_models)))
        return qemu_unsupported(x, dev->pos, "TPM model '%s'", model);
    if (!modern_need_device(x, dev->pos, model))
        return false;
    /* its backend and chardev are named after it: tpm-ID, chrtpm-ID */
    char *id = modern_dev_id(dev, vc_xasprintf("tpm%d", x->modern->ntpm++));
    const char *backend = qemu_str_or(t->backend_type, "passthrough");
    bool ok;
    if (strcmp(backend, "emulator") == 0 || strcmp(backend, "external") == 0)
        ok = modern_tpm_emulator(x, dev, id);
    else if (strcmp(backend, "passthrough") == 0)
        ok = modern_tpm_passthrough(x, dev, id);
    else
        ok = qemu_unsupported(x, dev->pos, "TPM backend '%s'", backend);
    if (ok)
        qemu_arg2_take(x, "-device", vc_xasprintf("%s,tpmdev=tpm-%s,id=%s", model, id, id));
    free(id);
    return ok;
}

/* ---- panic notifier --------------------------------------------------------------- */

bool modern_panic(qemu_ctx *x, const ir_device *dev)
{
    const ir_panic *p = &dev->u.panic;
    const char *model = p->model ? p->model : modern_is_x86(x) ? "isa" : "?";
    vc_buf b;
    vc_buf_init(&b);
    if (strcmp(model, "isa") == 0) {
        if (!modern_need_device(x, dev->pos, "pvpanic")) {
            vc_buf_free(&b);
            return false;
        }
        vc_buf_puts(&b, "pvpanic");
        if (p->addr.type == IR_ADDR_ISA && p->addr.has_port)
            vc_buf_printf(&b, ",ioport=%u", p->addr.port);
    } else if (strcmp(model, "pvpanic") == 0) {
        if (!modern_need_device(x, dev->pos, "pvpanic-pci")) {
            vc_buf_free(&b);
            return false;
        }
        vc_buf_puts(&b, "pvpanic-pci,id=");
        modern_put_dev_id(&b, dev, "panic", 0);
        modern_dev_pci(x, dev, &b);
    } else if (strcmp(model, "hyperv") == 0) {
        vc_buf_free(&b);
        return true;                        /* -cpu ...,hv-crash (modern_cpu) */
    } else {
        /* pseries and s390 are their machines' own: no device of this QEMU */
        vc_buf_free(&b);
        return qemu_unsupported(x, dev->pos, "panic model '%s' as a device", model);
    }
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}

/* ---- CPU enlightenments ------------------------------------------------------------ */

/* <features><hyperv> children as QEMU 7.2's -cpu properties (-cpu
 * MODEL,help lists them), in the order libvirt writes them; value: the
 * attribute carrying the property's value instead of "on". */
static const struct {
    const char *name;
    const char *qemu;
    const char *value;
} modern_hv_flags[] = {
    { "relaxed", "hv-relaxed", NULL }, { "vapic", "hv-vapic", NULL },
    { "spinlocks", "hv-spinlocks", "retries" }, { "vpindex", "hv-vpindex", NULL },
    { "runtime", "hv-runtime", NULL }, { "synic", "hv-synic", NULL },
    { "stimer", "hv-stimer", NULL }, { "reset", "hv-reset", NULL },
    { "vendor_id", "hv-vendor-id", "value" }, { "frequencies", "hv-frequencies", NULL },
    { "reenlightenment", "hv-reenlightenment", NULL }, { "tlbflush", "hv-tlbflush", NULL },
    { "ipi", "hv-ipi", NULL }, { "evmcs", "hv-evmcs", NULL }, { "avic", "hv-avic", NULL },
};

/* The children of a hyperv child: <stimer><direct/>, QEMU's
 * hv-stimer-direct (the schema has no other). */
static const struct {
    const char *parent, *name, *qemu;
} modern_hv_kids[] = {
    { "stimer", "direct", "hv-stimer-direct" },
};

/* <features><kvm> children: which state is written, as what. */
static const struct {
    const char *name;
    const char *state;
    const char *qemu;
} modern_kvm_flags[] = {
    { "hidden", "on", "kvm=off" }, { "hint-dedicated", "on", "kvm-hint-dedicated=on" },
    { "poll-control", "on", "kvm-poll-control=on" }, { "pv-ipi", "off", "kvm-pv-ipi=off" },
};

static const ir_subfeature *modern_subfeature(const ir_feature *f, const char *name)
{
    for (size_t i = 0; f && i < f->nsubs; i++)
        if (strcmp(f->subs[i].name, name) == 0)
            return &f->subs[i];
    return NULL;
}

/* One <hyperv> child that is on: ",hv-NAME=on" (or its value), then its
 * children that are on. */
static bool modern_hv_flag(qemu_ctx *x, const ir_subfeature *sf, size_t row, vc_buf *b)
{
    const char *value = modern_hv_flags[row].value;
    if (!value) {
        vc_buf_printf(b, ",%s=on", modern_hv_flags[row].qemu);
    } else if (strcmp(value, "retries") == 0) {
        unsigned long long n;
        if (!sf->value || !vc_parse_ull(sf->value, 10, &n) || n < 0xfff || n > 0xffffffffULL)
            return qemu_error(x, x->dom->pos, "<hyperv><spinlocks retries='%s'>: the retries "
                              "are a number from 4095 to 4294967295", qemu_str_or(sf->value, ""));
        vc_buf_printf(b, ",%s=0x%llx", modern_hv_flags[row].qemu, n);
    } else {
        if (!sf->value || !*sf->value)
            return qemu_error(x, x->dom->pos, "<hyperv><%s state='on'> needs a value", sf->name);
        qemu_opt_add(b, modern_hv_flags[row].qemu, sf->value);
    }
    for (size_t k = 0; k < sf->nkids; k++)
        for (size_t i = 0; i < VC_ARRAY_SIZE(modern_hv_kids); i++)
            if (strcmp(modern_hv_kids[i].parent, sf->name) == 0 &&
                strcmp(modern_hv_kids[i].name, sf->kids[k].name) == 0 &&
                vc_streq(sf->kids[k].state, "on"))
                vc_buf_printf(b, ",%s=on", modern_hv_kids[i].qemu);
    return true;
}

bool modern_cpu_hyperv(qemu_ctx *x, vc_buf *b)
{
    const ir_feature *hv = ir_domain_feature(x->dom, "hyperv");
    if (!hv || vc_streq(hv->state, "off"))
        return true;
    if (vc_streq(hv->mode, "passthrough"))
        vc_buf_puts(b, ",hv-passthrough=on");
    bool ok = true;
    for (size_t i = 0; i < VC_ARRAY_SIZE(modern_hv_flags); i++) {
        const ir_subfeature *sf = modern_subfeature(hv, modern_hv_flags[i].name);
        if (sf && vc_streq(sf->state, "on"))
            ok = modern_hv_flag(x, sf, i, b) && ok;
    }
    for (size_t i = 0; i < hv->nsubs; i++) {
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(modern_hv_flags) &&
               strcmp(modern_hv_flags[k].name, hv->subs[i].name) != 0)
            k++;
        if (k == VC_ARRAY_SIZE(modern_hv_flags))
            qemu_warn(x, x->dom->pos, "Hyper-V feature '%s' is not converted", hv->subs[i].name);
    }
    return ok;
}

void modern_cpu_kvm(qemu_ctx *x, vc_buf *b)
{
    const ir_feature *kvm = ir_domain_feature(x->dom, "kvm");
    if (!kvm || vc_streq(kvm->state, "off"))
        return;
    for (size_t i = 0; i < kvm->nsubs; i++) {
        const ir_subfeature *sf = &kvm->subs[i];
        size_t k = 0;
        while (k < VC_ARRAY_SIZE(modern_kvm_flags) && strcmp(modern_kvm_flags[k].name, sf->name) != 0)
            k++;
        /* dirty-ring is a property of -accel kvm (modern_accel_kvm) */
        if (k == VC_ARRAY_SIZE(modern_kvm_flags) && vc_streq(sf->state, "on") &&
            strcmp(sf->name, "dirty-ring") != 0)
            qemu_warn(x, x->dom->pos, "KVM feature '%s' is not converted", sf->name);
    }
    for (size_t k = 0; k < VC_ARRAY_SIZE(modern_kvm_flags); k++) {
        const ir_subfeature *sf = modern_subfeature(kvm, modern_kvm_flags[k].name);
        if (sf && vc_streq(sf->state, modern_kvm_flags[k].state))
            vc_buf_printf(b, ",%s", modern_kvm_flags[k].qemu);
    }
}

/* <kvm><dirty-ring state='on' size='N'/>: "kvm,dirty-ring-size=N", the value
 * of an -accel option (QEMU takes accelerator properties only there, and
 * refuses -accel beside -machine accel=); NULL when the domain has none. */
char *modern_accel_kvm(qemu_ctx *x)
{
    const ir_feature *kvm = ir_domain_feature(x->dom, "kvm");
    const ir_subfeature *ring = kvm && !vc_streq(kvm->state, "off")
                                ? modern_subfeature(kvm, "dirty-ring") : NULL;
    if (!ring || !vc_streq(ring->state, "on") || !vc_streq(ring->attr, "size") || !ring->value)
        return NULL;
    return vc_xasprintf("kvm,dirty-ring-size=%s", ring->value);
}

/* <tcg><tb-cache>: "tcg,tb-size=MiB" (QEMU's translation block cache, a
 * property of -accel tcg only); NULL when the domain has none. */
char *modern_accel_tcg(qemu_ctx *x)
{
    unsigned long long kib = x->dom->tcg_tb_cache_kib;
    if (!kib)
        return NULL;
    if (kib % 1024)
        qemu_warn(x, x->dom->pos, "<tb-cache> of %llu KiB: QEMU's tb-size counts MiB, "
                  "written as %llu MiB", kib, kib / 1024);
    return vc_xasprintf("tcg,tb-size=%llu", kib / 1024);
}

/* ---- VM generation ID ---------------------------------------------------------------- */

/* <genid>GUID</genid>, or <genid/> for one made up now (as libvirt does). */
bool modern_genid(qemu_ctx *x)
{
    const ir_fragment *f = modern_extra_find(x, "genid");
    if (!f)
        return true;
    if (!modern_need_device(x, f->pos, "vmgenid"))
        return false;
    char *text = modern_fragment_text(f);
    char guid[37];
    unsigned char raw[16];
    if (text && *text) {
        if (!ir_uuid_parse(text, raw)) {
            qemu_error(x, f->pos, "invalid <genid> '%s'", text);
            free(text);
            return false;
        }
    } else {
        ir_uuid_generate(raw);
    }
    free(text);
    ir_uuid_format(raw, guid);
    qemu_arg2_take(x, "-device", vc_xasprintf("vmgenid,guid=%s,id=vmgenid0", guid));
    return true;
}

/* ---- vhost vsock --------------------------------------------------------------------- */

/* The vsock models and their devices. */
static const struct {
    const char *model;
    const char *type;
} modern_vsock_models[] = {
    { NULL, "vhost-vsock-pci" },
    { "virtio", "vhost-vsock-pci" },
    { "virtio-transitional", "vhost-vsock-pci-transitional" },
    { "virtio-non-transitional", "vhost-vsock-pci-non-transitional" },
};

bool modern_vsock(qemu_ctx *x, const ir_device *dev)
{
    const ir_vsock *v = &dev->u.vsock;
    int k = QEMU_TABLE_FIND(modern_vsock_models, model, v->model);
    if (k < 0)
        return qemu_unsupported(x, dev->pos, "vsock model '%s'", v->model);
    const char *type = modern_vsock_models[k].type;
    if (!modern_need_device(x, dev->pos, type))
        return false;
    unsigned cid = v->cid;
    if (!cid || v->auto_cid == IR_TRI_YES) {
        /* the host hands out a free context ID when the guest starts; 3 is
         * the first a guest may have */
        qemu_warn(x, dev->pos, "the vsock context ID is chosen when the guest starts; "
                  "written as %u", cid ? cid : 3);
        cid = cid ? cid : 3;
    }
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,id=", type);
    modern_put_dev_id(&b, dev, "vsock", 0);
    vc_buf_printf(&b, ",guest-cid=%u", cid);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    qemu_resource_add(x, "/dev/vhost-vsock", QEMU_RES_CHARDEV, false);
    return true;
}

/* ---- firmware ------------------------------------------------------------------ */

/* A pflash firmware image as -blockdev file + raw nodes
 * "libvirt-pflashN-storage/-format", which -machine pflashN= names. */
void modern_pflash_nodes(qemu_ctx *x, int unit, const char *path, bool ro)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "driver=file");
    qemu_opt_add(&b, "filename", path);
    vc_buf_printf(&b, ",node-name=libvirt-pflash%d-storage,auto-read-only=on", unit);
    qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));
    qemu_arg2_take(x, "-blockdev", vc_xasprintf("node-name=libvirt-pflash%d-format,read-only=%s,"
                                                "driver=raw,file=libvirt-pflash%d-storage",
                                                unit, ro ? "on" : "off", unit));
    qemu_resource_add(x, path, QEMU_RES_FILE, ro);
}

/* The firmware placement chose: its code read-only in pflash0 and the
 * guest's variables in pflash1 (none when stateless). A new NVRAM file is
 * the descriptor's template copied: the host does that before the first
 * start. Firmware that needs SMM keeps its flash for SMM code only. */
bool modern_firmware_pflash(qemu_ctx *x)
{
    const modern_firmware *fw = &x->modern->fw;
    if (!qemu_has(x, QEMU_CAP_BLOCKDEV))
        return qemu_unsupported(x, x->dom->os.pos, "firmware chosen from descriptors without "
                                "-blockdev");
    modern_pflash_nodes(x, 0, fw->code, true);
    if (fw->nvram) {
        modern_pflash_nodes(x, 1, fw->nvram, false);
        if (fw->nvram_template)
            qemu_warn(x, x->dom->os.pos, "firmware '%s' (from %s): its NVRAM file '%s' is made "
                      "from '%s' when it does not exist; copy it there before the first start",
                      fw->code, qemu_str_or(fw->descriptor, "?"), fw->nvram, fw->nvram_template);
    }
    x->modern->pflash = fw->nvram ? 2 : 1;
    if (fw->smm)
        qemu_arg2(x, "-global", "driver=cfi.pflash01,property=secure,value=on");
    return true;
}

int modern_nvram_network(qemu_ctx *x)
{
    const ir_fragment *f = modern_extra_find(x, "os");
    if (!f || !strstr(f->xml, "<nvram"))
        return 0;
    xmlDocPtr doc = modern_xml_parse(f->xml);
    xmlNodePtr nv = doc ? xml_child(xmlDocGetRootElement(doc), "nvram") : NULL;
    char *type = nv ? xml_prop(nv, "type") : NULL;
    xmlNodePtr src = nv ? xml_child(nv, "source") : NULL;
    int done = 0;
    if (vc_streq(type, "network") && src) {
        ir_device dev = { .kind = IR_DEV_DISK, .pos = x->dom->os.pos, .xml = xml_node_dump(nv) };
        ir_disk *d = &dev.u.disk;
        d->type = IR_DISK_TYPE_NETWORK;
        d->device = IR_DISK_DEV_DISK;
        d->target_dev = vc_xstrdup("nvram");
        d->source_protocol = xml_prop(src, "protocol");
        d->source = xml_prop(src, "name");
        modern_xml_hosts(src, d);
        /* <nvram> is not modelled: its <source><auth> into the disk's fields */
        xmlNodePtr auth = xml_child(src, "auth");
        xmlNodePtr sec = auth ? xml_child(auth, "secret") : NULL;
        d->auth_username = auth ? xml_prop(auth, "username") : NULL;
        d->auth_secret.uuid = sec ? xml_prop(sec, "uuid") : NULL;
        d->auth_secret.usage = sec ? xml_prop(sec, "usage") : NULL;
        vc_buf b;
        vc_buf_init(&b);
        done = -1;
        if (modern_disk_network(x, &dev, "libvirt-pflash1-storage", &b)) {
            vc_buf_puts(&b, ",node-name=libvirt-pflash1-storage,auto-read-only=on");
            qemu_arg2_take(x, "-blockdev", vc_buf_steal(&b));
            qemu_arg2(x, "-blockdev", "node-name=libvirt-pflash1-format,read-only=off,"
                                      "driver=raw,file=libvirt-pflash1-storage");
            done = 1;
        }
        vc_buf_free(&b);
        ir_device_clear(&dev);
    } else if (type && strcmp(type, "file") != 0) {
        done = qemu_unsupported(x, x->dom->os.pos, "an NVRAM of type '%s'", type) ? 0 : -1;
    }
    free(type);
    xmlFreeDoc(doc);
    return done;
}

/* The guest owner's Diffie-Hellman certificate and session blob go to
 * QEMU as files in the guest's directory; the host writes the document's
 * texts there before the start. */
static void modern_sev_file(qemu_ctx *x, vc_buf *b, const char *opt, const char *name,
                            const char *what)
{
    char *file = vc_xasprintf("%s/%s", x->modern->domdir, name);
    qemu_opt_add(b, opt, file);
    qemu_resource_add(x, file, QEMU_RES_FILE, true);
    qemu_warn(x, x->dom->pos, "the SEV %s is not on the command line; write the document's "
              "text to '%s' before starting the guest", what, file);
    free(file);
}

bool modern_launch_security(qemu_ctx *x)
{
    const modern_sev *sev = &x->modern->sev;
    if (!sev->on)
        return true;
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "sev-guest,id=lsec0,cbitpos=%llu,reduced-phys-bits=%llu,policy=%llu",
                  sev->cbitpos, sev->reduced_phys_bits, sev->policy);
    if (sev->dh_cert)
        modern_sev_file(x, &b, "dh-cert-file", "dh_cert.base64", "certificate (<dhCert>)");
    if (sev->session)
        modern_sev_file(x, &b, "session-file", "session.base64", "session (<session>)");
    if (sev->kernel_hashes)
        vc_buf_puts(&b, ",kernel-hashes=on");
    qemu_arg2_take(x, "-object", vc_buf_steal(&b));
    qemu_resource_add(x, "/dev/sev", QEMU_RES_CHARDEV, false);
    return true;
}
