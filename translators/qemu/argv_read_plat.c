/*
 * argv_read_plat.c: the platform devices of today's command lines: TPMs
 * (-device tpm-tis|tpm-crb with their -tpmdev), IOMMUs (intel-iommu,
 * virtio-iommu-pci), panic notifiers (pvpanic, pvpanic-pci, and the
 * Hyper-V hv-crash CPU flag), the VM generation ID (vmgenid), vhost
 * vsock, USB redirection (usb-redir) and smartcards (usb-ccid and its
 * ccid-card-* cards). Properties as `qemu-system-x86_64 -device
 * DRIVER,help` lists them.
 */
#include <stdlib.h>
#include <string.h>

#include "argv_read_priv.h"

/* ---- TPM ---- */

/* -tpmdev passthrough,id=,path=DEV[,cancel-path=] or emulator,id=,chardev=ID
 * (a -chardev socket to a running swtpm: the model's external backend). */
static bool qr_tpmdev(qemu_reader *r, qr_opt *tb, ir_tpm *t)
{
    const char *type = qr_str(tb, "type");
    qr_implied(tb, QR_KEYS("id"));
    if (vc_streq(type, "passthrough")) {
        t->backend_type = vc_xstrdup("passthrough");
        const char *path = qr_str(tb, "path");
        t->device_path = vc_xstrdup(path ? path : "/dev/tpm0");
        /* the sysfs cancel file of the device: virtc names it from the path */
        qr_implied(tb, QR_KEYS("cancel-path"));
    } else if (vc_streq(type, "emulator")) {
        qopt_item *cd = qr_item(tb, "chardev");
        if (!cd || !cd->value)
            return qr_error(r, tb->arg, 0, "-tpmdev emulator: no chardev= names its socket");
        qr_opt *ch = qr_backend(r, "chardev", cd->value);
        if (!ch)
            return qr_error(r, tb->arg, cd->val_off, "no -chardev has the id '%s'", cd->value);
        const char *path = qr_str(ch, "path");
        if (!vc_streq(qr_str(ch, "backend"), "socket") || !path)
            return qr_error(r, ch->arg, 0, "-chardev %s: a TPM emulator is reached over a "
                            "unix socket (socket,path=)", cd->value);
        ch->used = true;
        qr_implied(ch, QR_KEYS("id"));
        qr_leftovers(r, ch, NULL);
        t->backend_type = vc_xstrdup("external");
        t->source_path = vc_xstrdup(path);
    } else {
        return qr_error(r, tb->arg, 0, "-tpmdev: '%s' is not a TPM backend (passthrough or "
                        "emulator)", type ? type : "");
    }
    qr_leftovers(r, tb, NULL);
    return true;
}

static bool qr_dev_tpm(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    qr_opt *tb = qr_named_backend(r, o, "tpmdev", "tpmdev");
    if (!tb)
        return false;
    ir_device *d = qr_add_device(r, IR_DEV_TPM, o->flag);
    ir_tpm *t = &d->u.tpm;
    t->model = vc_xstrdup(driver);
    return qr_tpmdev(r, tb, t);
}

/* ---- IOMMU ---- */

static bool qr_dev_iommu(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    static const struct { const char *prop; size_t off; } props[] = {
        { "intremap", offsetof(ir_iommu, intremap) },
        { "caching-mode", offsetof(ir_iommu, caching_mode) },
        { "eim", offsetof(ir_iommu, eim) },
        { "device-iotlb", offsetof(ir_iommu, iotlb) },
    };
    (void)driver;
    ir_device *d = qr_add_device(r, IR_DEV_IOMMU, o->flag);
    ir_iommu *i = &d->u.iommu;
    i->model = vc_xstrdup(arg);
    if (strcmp(arg, "virtio") == 0)
        return qr_device_addr(r, o, &i->addr);
    for (size_t k = 0; k < VC_ARRAY_SIZE(props); k++) {
        bool v = false, has = qr_item(o, props[k].prop) != NULL;
        if (!qr_bool(r, o, props[k].prop, &v))
            return false;
        if (has)
            *(ir_tristate *)((char *)i + props[k].off) = v ? IR_TRI_YES : IR_TRI_NO;
    }
    unsigned long long aw = 0;
    if (!qr_num(r, o, "aw-bits", &aw))
        return false;
    if (aw > 64)
        return qr_error(r, o->arg, qr_item(o, "aw-bits")->val_off, "-device %s: aw-bits=%llu "
                        "is more than an address has", driver, aw);
    i->aw_bits = (unsigned)aw;
    return true;
}

/* ---- panic notifiers ---- */

/* pvpanic[,ioport=N] (ISA) and pvpanic-pci. */
static bool qr_dev_panic(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    ir_device *d = qr_add_device(r, IR_DEV_PANIC, o->flag);
    ir_panic *p = &d->u.panic;
    p->model = vc_xstrdup(arg);
    if (strcmp(arg, "pvpanic") == 0)
        return qr_device_addr(r, o, &p->addr);
    qopt_item *io = qr_item(o, "ioport");
    unsigned long long port = 0;
    if (!qr_num(r, o, "ioport", &port))
        return false;
    if (port > 0xffff)
        return qr_error(r, o->arg, io->val_off, "-device %s: ioport=%llu is not an I/O port",
                        driver, port);
    if (io)
        p->addr = (ir_address){ .type = IR_ADDR_ISA, .port = (unsigned)port, .has_port = true };
    return true;
}

/* ---- VM generation ID, vsock ---- */

/* vmgenid,guid=UUID: <genid>. */
static bool qr_dev_genid(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)arg;
    qopt_item *g = qr_item(o, "guid");
    unsigned char raw[16];
    if (!g || !g->value || !ir_uuid_parse(g->value, raw))
        return qr_error(r, o->arg, g ? g->val_off : 0, "-device %s: guid= is not a UUID", driver);
    char text[37];
    ir_uuid_format(raw, text);
    ir_fragments_add(&r->dom->extra, vc_xasprintf("<genid>%s</genid>", text), (ir_pos){ 0, 0 });
    return true;
}

/* vhost-vsock-pci[-transitional|-non-transitional],guest-cid=N */
static bool qr_dev_vsock(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    unsigned long long cid = 0;
    if (!qr_num(r, o, "guest-cid", &cid))
        return false;
    if (cid < 3 || cid > 0xffffffffULL)
        return qr_error(r, o->arg, qr_item(o, "guest-cid") ? qr_item(o, "guest-cid")->val_off : 0,
                        "-device %s: guest-cid must be a context ID from 3 to 4294967295",
                        driver);
    ir_device *d = qr_add_device(r, IR_DEV_VSOCK, o->flag);
    ir_vsock *v = &d->u.vsock;
    v->model = vc_xstrdup(arg);
    v->cid = (unsigned)cid;
    v->auto_cid = IR_TRI_NO;
    /* an open /dev/vhost-vsock handed over by the caller: virtc opens its own */
    qr_implied(o, QR_KEYS("vhostfd"));
    return qr_device_addr(r, o, &v->addr);
}

/* ---- USB redirection, smartcards ---- */

/* The chardev a redirected USB device or a passthrough card talks over:
 * SPICE's channel (spicevmc) or a TCP connection. */
static bool qr_usb_chardev(qemu_reader *r, qr_opt *o, ir_chr_type *type, char **host,
                           char **service, bool *bind)
{
    qr_opt *ch = qr_named_backend(r, o, "chardev", "chardev");
    if (!ch)
        return false;
    const char *backend = qr_str(ch, "backend");
    qr_implied(ch, QR_KEYS("id"));
    if (vc_streq(backend, "spicevmc")) {
        *type = IR_CHR_SPICEVMC;
        qr_implied(ch, QR_KEYS("name"));   /* the channel name follows the device */
    } else if (vc_streq(backend, "dbus")) {
        *type = IR_CHR_DBUS;
        qr_implied(ch, QR_KEYS("name"));   /* the D-Bus display's channel for this use */
    } else if (vc_streq(backend, "socket") && qr_str(ch, "host") && qr_str(ch, "port")) {
        *type = IR_CHR_TCP;
        *host = vc_xstrdup(qr_str(ch, "host"));
        *service = vc_xstrdup(qr_str(ch, "port"));
        if (!qr_stand_listen(r, ch, bind))   /* <source mode='bind'> */
            return false;
    } else {
        return qr_error(r, ch->arg, 0, "-chardev %s: a USB redirection or smartcard channel is "
                        "spicevmc, dbus or a TCP socket", backend ? backend : "");
    }
    qr_leftovers(r, ch, NULL);
    return true;
}

/* usb-redir,chardev=ID[,bootindex=N]: a <redirdev bus='usb'>. */
static bool qr_dev_redir(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)driver, (void)arg;
    ir_device *d = qr_add_device(r, IR_DEV_REDIRDEV, o->flag);
    ir_redirdev *rd = &d->u.redirdev;
    rd->bus = vc_xstrdup("usb");
    unsigned long long boot = 0;
    bool bind = false;
    if (!qr_usb_chardev(r, o, &rd->type, &rd->host, &rd->service, &bind) ||
        !qr_num(r, o, "bootindex", &boot) || !qr_redir_filter(r, o))
        return false;
    if (boot > 0 && boot < 1000) {
        rd->boot_order = (int)boot;
        r->has_bootindex = true;
    }
    if (!qr_usb_addr(r, o, &rd->addr))
        return false;
    if (bind)
        qr_device_amend(r, d, "source", "mode", "bind");
    return true;
}

/* usb-ccid,id=ccidN[,bus=,port=]: the smartcard reader, a <controller
 * type='ccid' index='N'> on the USB bus (a <smartcard> without one gets
 * ccid0, written the same way). */
static bool qr_dev_ccid(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    (void)driver, (void)arg;
    ir_device *d = qr_add_device(r, IR_DEV_CONTROLLER, o->flag);
    d->u.controller.type = vc_xstrdup("ccid");
    d->u.controller.index = qr_id_index(qr_str(o, "id"));
    return qr_usb_addr(r, o, &d->u.controller.addr);
}

/* ccid-card-emulated (backend=nss-emulated: the host's own reader, or
 * backend=certificates,cert1..3=,db=) and ccid-card-passthru,chardev=ID,
 * on bus=ccidN.0: a <smartcard>. */
static bool qr_dev_card(qemu_reader *r, qr_opt *o, const char *driver, const char *arg)
{
    ir_device *d = qr_add_device(r, IR_DEV_SMARTCARD, o->flag);
    ir_smartcard *sc = &d->u.smartcard;
    bool bind = false;
    if (strcmp(arg, "passthrough") == 0) {
        sc->mode = vc_xstrdup("passthrough");
        if (!qr_usb_chardev(r, o, &sc->type, &sc->host, &sc->service, &bind))
            return false;
    } else {
        const char *backend = qr_str(o, "backend");
        if (vc_streq(backend, "certificates")) {
            sc->mode = vc_xstrdup("host-certificates");
            sc->certificates = vc_xcalloc(3, sizeof(char *));
            static const char *const certs[] = { "cert1", "cert2", "cert3" };
            for (size_t i = 0; i < 3; i++) {
                const char *c = qr_str(o, certs[i]);
                if (!c)
                    return qr_error(r, o->arg, 0, "-device %s: backend=certificates needs "
                                    "cert1, cert2 and cert3", driver);
                sc->certificates[sc->ncertificates++] = vc_xstrdup(c);
            }
            const char *db = qr_str(o, "db");
            if (db)
                sc->database = vc_xstrdup(db);
        } else if (!backend || vc_streq(backend, "nss-emulated")) {
            sc->mode = vc_xstrdup("host");
        } else {
            return qr_error(r, o->arg, qr_item(o, "backend")->val_off, "-device %s: backend "
                            "'%s' is not nss-emulated or certificates", driver, backend);
        }
    }
    const char *bus = qr_str(o, "bus");
    if (bus) {
        size_t n = strcspn(bus, "0123456789");
        unsigned long long ctl = 0, slot = 0;
        const char *dot = strchr(bus, '.');
        char *head = vc_xstrndup(bus + n, dot ? (size_t)(dot - bus - n) : strlen(bus + n));
        bool ok = vc_str_has_prefix(bus, "ccid") && vc_parse_ull(head, 10, &ctl) &&
                  (!dot || vc_parse_ull(dot + 1, 10, &slot));
        free(head);
        if (!ok)
            return qr_error(r, o->arg, qr_item(o, "bus")->val_off, "-device %s: '%s' is not a "
                            "CCID bus (ccidN.S)", driver, bus);
        /* the card's slot on the reader: slot=, or the bus's own number */
        if (!qr_num(r, o, "slot", &slot))
            return false;
        sc->addr = (ir_address){ .type = IR_ADDR_CCID, .controller = (unsigned)ctl,
                                 .slot = (unsigned)slot, .has_slot = true };
    }
    if (bind)
        qr_device_amend(r, d, "source", "mode", "bind");
    return true;
}

/* Driver -> reader, with the model it gives. */
static const struct {
    const char *driver;
    bool (*fn)(qemu_reader *r, qr_opt *o, const char *driver, const char *arg);
    const char *arg;
} qr_plat_devices[] = {
    { "tpm-tis", qr_dev_tpm, NULL }, { "tpm-crb", qr_dev_tpm, NULL },
    { "intel-iommu", qr_dev_iommu, "intel" }, { "virtio-iommu-pci", qr_dev_iommu, "virtio" },
    { "pvpanic", qr_dev_panic, "isa" }, { "pvpanic-pci", qr_dev_panic, "pvpanic" },
    { "vmgenid", qr_dev_genid, NULL },
    { "vhost-vsock-pci", qr_dev_vsock, "virtio" },
    { "vhost-vsock-pci-transitional", qr_dev_vsock, "virtio-transitional" },
    { "vhost-vsock-pci-non-transitional", qr_dev_vsock, "virtio-non-transitional" },
    { "usb-redir", qr_dev_redir, NULL }, { "usb-ccid", qr_dev_ccid, NULL },
    { "ccid-card-emulated", qr_dev_card, "emulated" },
    { "ccid-card-passthru", qr_dev_card, "passthrough" },
};

bool qr_dev_platform(qemu_reader *r, qr_opt *o, const char *driver, bool *matched)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_plat_devices); i++)
        if (strcmp(driver, qr_plat_devices[i].driver) == 0) {
            *matched = true;
            return qr_plat_devices[i].fn(r, o, driver, qr_plat_devices[i].arg);
        }
    return false;
}

/* -machine kernel_irqchip=split (r->irqchip_split: its word): QEMU's own
 * IOAPIC, which an IOMMU's interrupt remapping needs and virtc writes for
 * it; without one it is kept. */
void qr_plat_finish(qemu_reader *r)
{
    qr_blk_finish(r);
    if (!r->irqchip_split)
        return;
    for (size_t i = 0; i < r->dom->ndevices; i++) {
        const ir_device *d = &r->dom->devices[i];
        if (d->kind == IR_DEV_IOMMU && d->u.iommu.intremap == IR_TRI_YES)
            return;
    }
    const char *args[2] = { "-machine", "kernel_irqchip=split" };
    qr_passthrough(r, args, 2);
    qr_warn(r, r->irqchip_split, 0, "-machine kernel_irqchip=split without an IOMMU's "
            "interrupt remapping has no place in the domain model; kept as <qemu:commandline>");
}

/* ---- confidential guests ---- */

/* -machine confidential-guest-support=ID naming an -object sev-guest:
 * <launchSecurity type='sev'> (cbitpos, reducedPhysBits, policy,
 * kernelHashes). The guest owner's certificate and session blob are
 * files QEMU reads (dh-cert-file=, session-file=): their text is what the
 * domain holds, and the command line does not, so such a guest keeps the
 * property and the object as written (qr_leftovers, qr_check_backends). */
bool qr_machine_cgs(qemu_reader *r, qr_opt *o)
{
    qopt_item *it = qr_item(o, "confidential-guest-support");
    if (!it)
        return true;
    qr_opt *obj = it->value ? qr_backend(r, "object", it->value) : NULL;
    if (!obj)
        return qr_error(r, o->arg, it->val_off, "no -object has the id '%s'",
                        it->value ? it->value : "");
    static const char *const known[] = { "qom-type", "id", "cbitpos", "reduced-phys-bits",
                                         "policy", "kernel-hashes" };
    bool faithful = vc_streq(qr_str(obj, "qom-type"), "sev-guest");
    for (size_t i = 0; faithful && i < obj->props.n; i++) {
        bool k = false;
        for (size_t j = 0; j < VC_ARRAY_SIZE(known); j++)
            k = k || strcmp(obj->props.v[i].key, known[j]) == 0;
        faithful = k;
    }
    unsigned long long cbit = 0, rpb = 0, policy = 0;
    bool hashes = false;
    if (!faithful) {
        it->used = false;   /* kept with its object */
        return true;
    }
    if (!qr_num(r, obj, "cbitpos", &cbit) || !qr_num(r, obj, "reduced-phys-bits", &rpb) ||
        !qr_num(r, obj, "policy", &policy) || !qr_bool(r, obj, "kernel-hashes", &hashes))
        return false;
    if (!qr_item(obj, "cbitpos") || !qr_item(obj, "reduced-phys-bits")) {
        it->used = false;   /* the host's defaults: the domain names both */
        return true;
    }
    obj->used = true;
    qr_implied(obj, QR_KEYS("id"));
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "<launchSecurity type='sev'%s>\n    <cbitpos>%llu</cbitpos>\n"
                  "    <reducedPhysBits>%llu</reducedPhysBits>\n    <policy>0x%04llx</policy>\n"
                  "  </launchSecurity>", hashes ? " kernelHashes='yes'" : "", cbit, rpb, policy);
    ir_fragments_add(&r->dom->extra, vc_buf_steal(&b), (ir_pos){ 0, 0 });
    return true;
}

/* ---- firmware ---- */

/* -machine smm=on|off: <features><smm state=>. */
bool qr_machine_smm(qemu_reader *r, qr_opt *o)
{
    qopt_item *it = qr_item(o, "smm");
    if (!it || vc_streq(it->value, "auto"))
        return true;
    bool on = false;
    if (!qr_bool(r, o, "smm", &on))
        return false;
    ir_domain_add_feature(r->dom, "smm", on ? "on" : "off");
    return true;
}

/* -global cfi.pflash01.secure=on (or driver=,property=,value=): the
 * firmware flash answers only to SMM code, <loader secure='yes'>. */
bool qr_global_pflash_secure(qemu_reader *r, qr_opt *o)
{
    const char *text = o->arg->text;
    if (strcmp(text, "cfi.pflash01.secure=on") != 0 &&
        strcmp(text, "driver=cfi.pflash01,property=secure,value=on") != 0)
        return false;
    r->loader_secure = o->arg;
    return true;
}
