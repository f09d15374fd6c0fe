/* ir.c: lifetime of the domain model, its name tables, uuid and MAC helpers. */
#include "ir.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* ---- name tables ----------------------------------------------------- */

static const char *const ir_virt_type_names[IR_VIRT_LAST] = {
    [IR_VIRT_QEMU] = "qemu", [IR_VIRT_KQEMU] = "kqemu", [IR_VIRT_KVM] = "kvm",
    [IR_VIRT_XEN] = "xen", [IR_VIRT_LXC] = "lxc", [IR_VIRT_UML] = "uml",
    [IR_VIRT_OPENVZ] = "openvz", [IR_VIRT_TEST] = "test", [IR_VIRT_VMWARE] = "vmware",
    [IR_VIRT_HYPERV] = "hyperv", [IR_VIRT_VBOX] = "vbox", [IR_VIRT_PHYP] = "phyp",
    [IR_VIRT_VZ] = "vz", [IR_VIRT_BHYVE] = "bhyve",
};

static const char *const ir_lifecycle_names[IR_LIFE_LAST] = {
    [IR_LIFE_DESTROY] = "destroy", [IR_LIFE_RESTART] = "restart",
    [IR_LIFE_PRESERVE] = "preserve", [IR_LIFE_RENAME_RESTART] = "rename-restart",
    [IR_LIFE_COREDUMP_DESTROY] = "coredump-destroy",
    [IR_LIFE_COREDUMP_RESTART] = "coredump-restart",
};

static const char *const ir_boot_dev_names[IR_BOOT_LAST] = {
    [IR_BOOT_FD] = "fd", [IR_BOOT_HD] = "hd", [IR_BOOT_CDROM] = "cdrom",
    [IR_BOOT_NETWORK] = "network",
};

static const char *const ir_clock_offset_names[IR_CLOCK_LAST] = {
    [IR_CLOCK_UTC] = "utc", [IR_CLOCK_LOCALTIME] = "localtime",
    [IR_CLOCK_TIMEZONE] = "timezone", [IR_CLOCK_VARIABLE] = "variable",
    [IR_CLOCK_ABSOLUTE] = "absolute",
};

static const char *const ir_disk_type_names[IR_DISK_TYPE_LAST] = {
    [IR_DISK_TYPE_FILE] = "file", [IR_DISK_TYPE_BLOCK] = "block",
    [IR_DISK_TYPE_DIR] = "dir", [IR_DISK_TYPE_NETWORK] = "network",
    [IR_DISK_TYPE_VOLUME] = "volume", [IR_DISK_TYPE_NVME] = "nvme",
    [IR_DISK_TYPE_VHOSTUSER] = "vhostuser",
};

static const char *const ir_disk_device_names[IR_DISK_DEV_LAST] = {
    [IR_DISK_DEV_DISK] = "disk", [IR_DISK_DEV_CDROM] = "cdrom",
    [IR_DISK_DEV_FLOPPY] = "floppy", [IR_DISK_DEV_LUN] = "lun",
};

static const char *const ir_disk_bus_names[IR_BUS_LAST] = {
    [IR_BUS_IDE] = "ide", [IR_BUS_FDC] = "fdc", [IR_BUS_SCSI] = "scsi",
    [IR_BUS_VIRTIO] = "virtio", [IR_BUS_XEN] = "xen", [IR_BUS_USB] = "usb",
    [IR_BUS_UML] = "uml", [IR_BUS_SATA] = "sata", [IR_BUS_SD] = "sd",
};

static const char *const ir_net_type_names[IR_NET_LAST] = {
    [IR_NET_USER] = "user", [IR_NET_NETWORK] = "network", [IR_NET_BRIDGE] = "bridge",
    [IR_NET_ETHERNET] = "ethernet", [IR_NET_MCAST] = "mcast", [IR_NET_SERVER] = "server",
    [IR_NET_CLIENT] = "client", [IR_NET_UDP] = "udp", [IR_NET_DIRECT] = "direct",
    [IR_NET_HOSTDEV] = "hostdev", [IR_NET_VHOSTUSER] = "vhostuser",
    [IR_NET_VDPA] = "vdpa", [IR_NET_NULL] = "null", [IR_NET_VDS] = "vds",
};

static const char *const ir_chr_type_names[IR_CHR_LAST] = {
    [IR_CHR_PTY] = "pty", [IR_CHR_FILE] = "file", [IR_CHR_NULL] = "null",
    [IR_CHR_STDIO] = "stdio", [IR_CHR_PIPE] = "pipe", [IR_CHR_TCP] = "tcp",
    [IR_CHR_UDP] = "udp", [IR_CHR_UNIX] = "unix", [IR_CHR_DEV] = "dev",
    [IR_CHR_VC] = "vc", [IR_CHR_SPICEVMC] = "spicevmc", [IR_CHR_SPICEPORT] = "spiceport",
    [IR_CHR_NMDM] = "nmdm", [IR_CHR_QEMU_VDAGENT] = "qemu-vdagent", [IR_CHR_DBUS] = "dbus",
};

static const char *const ir_chr_kind_names[IR_CHRDEV_LAST] = {
    [IR_CHRDEV_SERIAL] = "serial", [IR_CHRDEV_PARALLEL] = "parallel",
    [IR_CHRDEV_CONSOLE] = "console", [IR_CHRDEV_CHANNEL] = "channel",
};

static const char *const ir_graphics_type_names[IR_GFX_LAST] = {
    [IR_GFX_SDL] = "sdl", [IR_GFX_VNC] = "vnc", [IR_GFX_RDP] = "rdp",
    [IR_GFX_DESKTOP] = "desktop", [IR_GFX_SPICE] = "spice",
    [IR_GFX_EGL_HEADLESS] = "egl-headless", [IR_GFX_DBUS] = "dbus",
};

static const char *const ir_hostdev_type_names[IR_HOSTDEV_LAST] = {
    [IR_HOSTDEV_PCI] = "pci", [IR_HOSTDEV_USB] = "usb", [IR_HOSTDEV_SCSI] = "scsi",
    [IR_HOSTDEV_SCSI_HOST] = "scsi_host", [IR_HOSTDEV_MDEV] = "mdev",
    [IR_HOSTDEV_STORAGE] = "storage", [IR_HOSTDEV_MISC] = "misc", [IR_HOSTDEV_NET] = "net",
};

static const char *const ir_addr_type_names[IR_ADDR_LAST] = {
    [IR_ADDR_PCI] = "pci", [IR_ADDR_DRIVE] = "drive",
    [IR_ADDR_VIRTIO_SERIAL] = "virtio-serial", [IR_ADDR_CCID] = "ccid",
    [IR_ADDR_USB] = "usb", [IR_ADDR_SPAPR_VIO] = "spapr-vio", [IR_ADDR_CCW] = "ccw",
    [IR_ADDR_VIRTIO_MMIO] = "virtio-mmio", [IR_ADDR_ISA] = "isa",
    [IR_ADDR_DIMM] = "dimm", [IR_ADDR_UNASSIGNED] = "unassigned",
};

static const char *const ir_tristate_names[] = {
    [IR_TRI_YES] = "yes", [IR_TRI_NO] = "no",
};

static const char *ir_table_name(const char *const *names, size_t n, int v)
{
    return v > 0 && (size_t)v < n ? names[v] : NULL;
}

static int ir_table_lookup(const char *const *names, size_t n, const char *s)
{
    if (!s)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return (int)i;
    return 0;
}

#define IR_ENUM_IMPL(type, prefix) \
    const char *prefix##_name(type v) \
    { return ir_table_name(prefix##_names, VC_ARRAY_SIZE(prefix##_names), (int)v); } \
    type prefix##_from_name(const char *s) \
    { return (type)ir_table_lookup(prefix##_names, VC_ARRAY_SIZE(prefix##_names), s); }

IR_ENUM_IMPL(ir_virt_type, ir_virt_type)
IR_ENUM_IMPL(ir_lifecycle, ir_lifecycle)
IR_ENUM_IMPL(ir_boot_dev, ir_boot_dev)
IR_ENUM_IMPL(ir_clock_offset, ir_clock_offset)
IR_ENUM_IMPL(ir_disk_type, ir_disk_type)
IR_ENUM_IMPL(ir_disk_device, ir_disk_device)
IR_ENUM_IMPL(ir_disk_bus, ir_disk_bus)
IR_ENUM_IMPL(ir_net_type, ir_net_type)
IR_ENUM_IMPL(ir_chr_type, ir_chr_type)
IR_ENUM_IMPL(ir_graphics_type, ir_graphics_type)
IR_ENUM_IMPL(ir_hostdev_type, ir_hostdev_type)

bool ir_hostdev_is_caps(ir_hostdev_type t)
{
    return t == IR_HOSTDEV_STORAGE || t == IR_HOSTDEV_MISC || t == IR_HOSTDEV_NET;
}
IR_ENUM_IMPL(ir_addr_type, ir_addr_type)
IR_ENUM_IMPL(ir_tristate, ir_tristate)

/* ir_chr_kind starts at 0 (serial), so it cannot use the "0 is absent" tables. */
const char *ir_chr_kind_name(ir_chr_kind v)
{
    return (unsigned)v < IR_CHRDEV_LAST ? ir_chr_kind_names[v] : NULL;
}

ir_chr_kind ir_chr_kind_from_name(const char *s)
{
    for (int i = 0; s && i < IR_CHRDEV_LAST; i++)
        if (strcmp(ir_chr_kind_names[i], s) == 0)
            return (ir_chr_kind)i;
    return IR_CHRDEV_LAST;
}

/* ---- disk targets ---------------------------------------------------- */

static const struct {
    const char *prefix;
    ir_disk_bus bus;
} ir_target_buses[] = {
    /* longest prefix first: "xvd" before "vd" would not matter, but "ubd" vs "u" might */
    { "xvd", IR_BUS_XEN }, { "ubd", IR_BUS_UML }, { "hd", IR_BUS_IDE },
    { "sd", IR_BUS_SCSI }, { "vd", IR_BUS_VIRTIO }, { "fd", IR_BUS_FDC },
};

ir_disk_bus ir_disk_bus_from_target(const char *dev)
{
    for (size_t i = 0; dev && i < VC_ARRAY_SIZE(ir_target_buses); i++)
        if (vc_str_has_prefix(dev, ir_target_buses[i].prefix))
            return ir_target_buses[i].bus;
    return IR_BUS_NONE;
}

int ir_disk_target_index(const char *dev)
{
    if (!dev)
        return -1;
    size_t skip = 0;
    for (size_t i = 0; i < VC_ARRAY_SIZE(ir_target_buses); i++)
        if (vc_str_has_prefix(dev, ir_target_buses[i].prefix)) {
            skip = strlen(ir_target_buses[i].prefix);
            break;
        }
    if (!skip)
        return -1;
    /* "a".."z", then "aa".."zz": bijective base 26, as libvirt's virDiskNameToIndex */
    long idx = 0;
    const char *p = dev + skip;
    if (!*p)
        return -1;
    for (; *p >= 'a' && *p <= 'z'; p++) {
        idx = idx * 26 + (*p - 'a' + 1);
        if (idx > 1000000)
            return -1;
    }
    /* a trailing partition number (xen's "sda1") is allowed */
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    return (int)(idx - 1);
}

/* ---- scaled integers ------------------------------------------------ */

/* libvirt reads units without regard to case: "b", "byte", "bytes"; a
 * power letter alone or followed by "iB" counts in 1024s, followed by "B"
 * in 1000s ("k" and "KiB" are 1024, "KB" is 1000). */
bool ir_unit_scale(const char *unit, unsigned long long dflt, unsigned long long *scale)
{
    if (!unit || !*unit) {
        *scale = dflt;
        return true;
    }
    if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
        strcasecmp(unit, "bytes") == 0) {
        *scale = 1;
        return true;
    }
    static const char powers[] = "kmgtpe";
    const char *p = strchr(powers, tolower((unsigned char)unit[0]));
    if (!p || !*p)
        return false;
    unsigned base;
    if (unit[1] == '\0')
        base = 1024;
    else if (strcasecmp(unit + 1, "ib") == 0)
        base = 1024;
    else if (strcasecmp(unit + 1, "b") == 0)
        base = 1000;
    else
        return false;
    unsigned long long s = 1;
    for (long i = 0; i <= p - powers; i++)
        s *= base;
    *scale = s;
    return true;
}

bool ir_bytes_to_kib(unsigned long long value, unsigned long long scale,
                     unsigned long long *kib)
{
    if (scale && value > ULLONG_MAX / scale)
        return false;
    unsigned long long bytes = value * scale;
    *kib = bytes / 1024 + (bytes % 1024 != 0);
    return true;
}

/* ---- lifetime -------------------------------------------------------- */

ir_domain *ir_domain_new(void)
{
    ir_domain *dom = vc_xcalloc(1, sizeof(*dom));
    dom->id = -1;
    return dom;
}

void ir_fragments_add(ir_fragments *f, char *xml, ir_pos pos)
{
    vc_xgrow((void **)&f->v, &f->cap, f->n + 1, sizeof(ir_fragment));
    f->v[f->n].xml = xml;
    f->v[f->n].pos = pos;
    f->n++;
}

static void ir_fragments_free(ir_fragments *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].xml);
    free(f->v);
    memset(f, 0, sizeof(*f));
}

void ir_address_clear(ir_address *a)
{
    free(a->usb_port);
    memset(a, 0, sizeof(*a));
}

ir_device *ir_domain_add_device(ir_domain *dom, ir_device_kind kind, ir_pos pos)
{
    vc_xgrow((void **)&dom->devices, &dom->capdevices, dom->ndevices + 1, sizeof(ir_device));
    ir_device *dev = &dom->devices[dom->ndevices++];
    memset(dev, 0, sizeof(*dev));
    dev->kind = kind;
    dev->pos = pos;
    switch (kind) {
    case IR_DEV_CONTROLLER:
        dev->u.controller.index = -1;
        dev->u.controller.chassis_nr = dev->u.controller.chassis = -1;
        dev->u.controller.port = dev->u.controller.bus_nr = -1;
        dev->u.controller.target_index = dev->u.controller.node = -1;
        dev->u.controller.startport = -1;
        break;
    case IR_DEV_CHR:
        dev->u.chr.target_port = -1;
        break;
    case IR_DEV_MEMORY:
        dev->u.memory.node = -1;
        break;
    default:
        break;
    }
    return dev;
}

void ir_domain_add_feature(ir_domain *dom, const char *name, const char *state)
{
    vc_xgrow((void **)&dom->features, &dom->capfeatures, dom->nfeatures + 1, sizeof(ir_feature));
    dom->features[dom->nfeatures] = (ir_feature){ .name = vc_xstrdup(name),
                                                  .state = vc_xstrdup(state) };
    dom->nfeatures++;
    dom->has_features = true;
}

void ir_feature_add_sub(ir_feature *f, const char *name, const char *state, const char *attr,
                        const char *value)
{
    f->subs = vc_xrealloc(f->subs, (f->nsubs + 1) * sizeof(*f->subs));
    f->subs[f->nsubs++] = (ir_subfeature){ .name = vc_xstrdup(name), .state = vc_xstrdup(state),
                                           .attr = vc_xstrdup(attr), .value = vc_xstrdup(value) };
}

void ir_subfeature_add_kid(ir_subfeature *sf, const char *name, const char *state)
{
    sf->kids = vc_xrealloc(sf->kids, (sf->nkids + 1) * sizeof(*sf->kids));
    sf->kids[sf->nkids++] = (ir_subfeature){ .name = vc_xstrdup(name), .state = vc_xstrdup(state) };
}

static void ir_subfeature_clear(ir_subfeature *sf)
{
    for (size_t i = 0; i < sf->nkids; i++)
        ir_subfeature_clear(&sf->kids[i]);
    free(sf->kids);
    free(sf->name);
    free(sf->state);
    free(sf->attr);
    free(sf->value);
}

static void ir_feature_clear(ir_feature *f)
{
    for (size_t i = 0; i < f->nsubs; i++)
        ir_subfeature_clear(&f->subs[i]);
    free(f->subs);
    free(f->name);
    free(f->state);
    free(f->mode);
}

const ir_feature *ir_domain_feature(const ir_domain *dom, const char *name)
{
    for (size_t i = 0; i < dom->nfeatures; i++)
        if (strcmp(dom->features[i].name, name) == 0)
            return &dom->features[i];
    return NULL;
}

static void ir_encryption_free(ir_encryption *enc)
{
    if (!enc)
        return;
    for (size_t i = 0; i < enc->nsecrets; i++) {
        free(enc->secrets[i].type);
        free(enc->secrets[i].uuid);
        free(enc->secrets[i].usage);
    }
    free(enc->secrets);
    free(enc->format);
    free(enc);
}

static void ir_disk_clear(ir_disk *d)
{
    free(d->driver_name);
    free(d->driver_type);
    free(d->driver_cache);
    free(d->driver_io);
    free(d->source);
    free(d->source_protocol);
    for (size_t i = 0; i < d->nhosts; i++) {
        free(d->hosts[i].name);
        free(d->hosts[i].port);
        free(d->hosts[i].transport);
        free(d->hosts[i].socket);
    }
    free(d->hosts);
    free(d->target_dev);
    free(d->serial);
    ir_encryption_free(d->encryption);
    char *added[] = { d->driver_error_policy, d->driver_rerror_policy, d->source_snapshot,
                      d->source_config, d->auth_username, d->auth_secret.type,
                      d->auth_secret.uuid, d->auth_secret.usage };
    for (size_t i = 0; i < VC_ARRAY_SIZE(added); i++)
        free(added[i]);
    ir_address_clear(&d->addr);
}

static void ir_net_clear(ir_net *n)
{
    char *strs[] = {
        n->mac, n->source_network, n->source_bridge, n->source_dev, n->source_mode,
        n->source_address, n->source_port, n->local_address, n->local_port,
        n->target_dev, n->script, n->model, n->driver_name, n->ip_address,
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
    ir_address_clear(&n->addr);
}

static void ir_chr_clear(ir_chr *c)
{
    char *strs[] = {
        c->path, c->mode, c->host, c->service, c->bind_host, c->bind_service,
        c->protocol, c->tty, c->target_type, c->target_name, c->target_address,
        c->target_port_str,
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
    ir_address_clear(&c->addr);
}

static void ir_graphics_clear(ir_graphics *g)
{
    char *strs[] = { g->listen, g->keymap, g->passwd, g->display, g->xauth, g->socket,
                     g->share_policy, g->gl_rendernode, g->bus_address, g->passwd_valid_to };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
}

static void ir_hostdev_clear(ir_hostdev *h)
{
    free(h->mode);
    free(h->vendor);
    free(h->product);
    free(h->driver_name);
    free(h->caps_source);
    ir_address_clear(&h->source_addr);
    ir_address_clear(&h->addr);
}

static void ir_audio_io_clear(ir_audio_io *io)
{
    char *strs[] = { io->dev, io->format, io->name, io->stream_name, io->client_name,
                     io->connect_ports, io->server_name };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
}

static void ir_audio_clear(ir_audio *a)
{
    char *strs[] = { a->type, a->path, a->server_name, a->runtime_dir, a->driver };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
    ir_audio_io_clear(&a->in);
    ir_audio_io_clear(&a->out);
}

static void ir_tpm_clear(ir_tpm *t)
{
    char *strs[] = { t->model, t->backend_type, t->backend_version, t->device_path,
                     t->source_path };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
    ir_address_clear(&t->addr);
}

static void ir_memory_dev_clear(ir_memory_dev *m)
{
    char *strs[] = { m->model, m->access, m->source_path, m->nodemask };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
    ir_address_clear(&m->addr);
}

static void ir_smartcard_clear(ir_smartcard *c)
{
    for (size_t i = 0; i < c->ncertificates; i++)
        free(c->certificates[i]);
    free(c->certificates);
    free(c->mode);
    free(c->database);
    free(c->host);
    free(c->service);
    ir_address_clear(&c->addr);
}

void ir_device_clear(ir_device *dev)
{
    switch (dev->kind) {
    case IR_DEV_DISK:
        ir_disk_clear(&dev->u.disk);
        break;
    case IR_DEV_CONTROLLER:
        free(dev->u.controller.type);
        free(dev->u.controller.model);
        free(dev->u.controller.model_name);
        ir_address_clear(&dev->u.controller.addr);
        break;
    case IR_DEV_FILESYSTEM:
        free(dev->u.fs.type);
        free(dev->u.fs.accessmode);
        free(dev->u.fs.source);
        free(dev->u.fs.target);
        ir_address_clear(&dev->u.fs.addr);
        break;
    case IR_DEV_INTERFACE:
        ir_net_clear(&dev->u.net);
        break;
    case IR_DEV_CHR:
        ir_chr_clear(&dev->u.chr);
        break;
    case IR_DEV_INPUT:
        free(dev->u.input.type);
        free(dev->u.input.bus);
        ir_address_clear(&dev->u.input.addr);
        break;
    case IR_DEV_GRAPHICS:
        ir_graphics_clear(&dev->u.graphics);
        break;
    case IR_DEV_SOUND:
        free(dev->u.sound.model);
        ir_address_clear(&dev->u.sound.addr);
        break;
    case IR_DEV_VIDEO:
        free(dev->u.video.model);
        free(dev->u.video.rendernode);
        ir_address_clear(&dev->u.video.addr);
        break;
    case IR_DEV_HOSTDEV:
        ir_hostdev_clear(&dev->u.hostdev);
        break;
    case IR_DEV_WATCHDOG:
        free(dev->u.watchdog.model);
        free(dev->u.watchdog.action);
        ir_address_clear(&dev->u.watchdog.addr);
        break;
    case IR_DEV_MEMBALLOON:
        free(dev->u.memballoon.model);
        ir_address_clear(&dev->u.memballoon.addr);
        break;
    case IR_DEV_RNG:
        free(dev->u.rng.model);
        free(dev->u.rng.backend_model);
        free(dev->u.rng.backend_path);
        ir_address_clear(&dev->u.rng.addr);
        break;
    case IR_DEV_OTHER:
        free(dev->u.other.xml);
        break;
    case IR_DEV_AUDIO:
        ir_audio_clear(&dev->u.audio);
        break;
    case IR_DEV_TPM:
        ir_tpm_clear(&dev->u.tpm);
        break;
    case IR_DEV_MEMORY:
        ir_memory_dev_clear(&dev->u.memory);
        break;
    case IR_DEV_IOMMU:
        free(dev->u.iommu.model);
        ir_address_clear(&dev->u.iommu.addr);
        break;
    case IR_DEV_VSOCK:
        free(dev->u.vsock.model);
        ir_address_clear(&dev->u.vsock.addr);
        break;
    case IR_DEV_PANIC:
        free(dev->u.panic.model);
        ir_address_clear(&dev->u.panic.addr);
        break;
    case IR_DEV_SMARTCARD:
        ir_smartcard_clear(&dev->u.smartcard);
        break;
    case IR_DEV_REDIRDEV:
        free(dev->u.redirdev.bus);
        free(dev->u.redirdev.host);
        free(dev->u.redirdev.service);
        ir_address_clear(&dev->u.redirdev.addr);
        break;
    case IR_DEV_LAST:
        break;
    }
    memset(&dev->u, 0, sizeof(dev->u));
    free(dev->xml);
    dev->xml = NULL;
    free(dev->alias);
    dev->alias = NULL;
}

static void ir_os_clear(ir_os *os)
{
    char *strs[] = {
        os->type, os->arch, os->machine, os->loader, os->loader_readonly,
        os->loader_type, os->nvram, os->kernel, os->initrd, os->cmdline, os->dtb,
        os->init,
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
}

static void ir_qemu_cmdline_free(ir_qemu_cmdline *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->nargs; i++)
        free(q->args[i]);
    free(q->args);
    for (size_t i = 0; i < q->nenv; i++) {
        free(q->env[i].name);
        free(q->env[i].value);
    }
    free(q->env);
    free(q);
}

void ir_domain_free(ir_domain *dom)
{
    if (!dom)
        return;
    char *strs[] = {
        dom->name, dom->title, dom->description, dom->metadata, dom->cpuset,
        dom->cpu_mode, dom->cpu_model, dom->bootloader, dom->bootloader_args,
        dom->emulator, dom->clock.timezone, dom->clock.adjustment, dom->clock.basis,
        dom->clock.start, dom->keywrap_aes, dom->keywrap_dea,
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(strs); i++)
        free(strs[i]);
    ir_os_clear(&dom->os);
    for (size_t i = 0; i < dom->nfeatures; i++)
        ir_feature_clear(&dom->features[i]);
    free(dom->features);
    ir_fragments_free(&dom->clock.timers);
    for (size_t i = 0; i < dom->ndevices; i++)
        ir_device_clear(&dom->devices[i]);
    free(dom->devices);
    ir_qemu_cmdline_free(dom->qemu_cmdline);
    ir_fragments_free(&dom->extra);
    free(dom);
}

/* ---- uuid and MAC ---------------------------------------------------- */

static int ir_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool ir_device_boots_as(const ir_device *d, ir_boot_dev kind)
{
    if (d->kind == IR_DEV_INTERFACE)
        return kind == IR_BOOT_NETWORK;
    if (d->kind != IR_DEV_DISK)
        return false;
    ir_disk_device dd = d->u.disk.device ? d->u.disk.device : IR_DISK_DEV_DISK;
    return (kind == IR_BOOT_HD && (dd == IR_DISK_DEV_DISK || dd == IR_DISK_DEV_LUN)) ||
           (kind == IR_BOOT_CDROM && dd == IR_DISK_DEV_CDROM) ||
           (kind == IR_BOOT_FD && dd == IR_DISK_DEV_FLOPPY);
}

/*
 * libvirt accepts 32 hex digits, optionally split by '-' anywhere between
 * byte pairs (virUUIDParse), surrounded by blanks. The canonical form is the
 * 8-4-4-4-12 one.
 */
bool ir_uuid_parse(const char *s, unsigned char out[16])
{
    if (!s)
        return false;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    int i = 0;
    while (i < 16) {
        if (*s == '-') {
            s++;
            continue;
        }
        int hi = ir_hexval((unsigned char)s[0]);
        int lo = hi < 0 ? -1 : ir_hexval((unsigned char)s[1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i++] = (unsigned char)(hi << 4 | lo);
        s += 2;
    }
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    return *s == '\0';
}

void ir_uuid_format(const unsigned char u[16], char out[37])
{
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
             u[11], u[12], u[13], u[14], u[15]);
}

void ir_uuid_generate(unsigned char out[16])
{
    size_t got = 0;
    while (got < 16) {
        ssize_t n = getrandom(out + got, 16 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    /* getrandom cannot fail for 16 bytes after boot; fall back to time+pid anyway */
    if (got < 16) {
        unsigned long long seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
        for (; got < 16; got++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            out[got] = (unsigned char)(seed >> 56);
        }
    }
    out[6] = (unsigned char)((out[6] & 0x0f) | 0x40);   /* version 4 */
    out[8] = (unsigned char)((out[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
}

bool ir_mac_parse(const char *s, unsigned char out[6])
{
    if (!s)
        return false;
    for (int i = 0; i < 6; i++) {
        int hi = ir_hexval((unsigned char)*s);
        if (hi < 0)
            return false;
        s++;
        int v = hi;
        int lo = ir_hexval((unsigned char)*s);
        if (lo >= 0) {
            v = hi << 4 | lo;
            s++;
        }
        out[i] = (unsigned char)v;
        if (i < 5) {
            if (*s != ':')
                return false;
            s++;
        }
    }
    return *s == '\0';
}

void ir_mac_format(const unsigned char m[6], char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}
