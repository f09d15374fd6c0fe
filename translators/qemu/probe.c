/* probe.c: filling a qemu_caps from a QEMU binary over QMP (see probe.h). */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/launch.h"
#include "../../runtime/spawn.h"
#include "../hostcaps.h"
#include "../util.h"
#include "argv.h"
#include "caps_cache.h"

const char *const qemu_probe_device_types[] = {
    /* disks and their controllers */
    "virtio-blk-pci", "ide-hd", "ide-cd", "scsi-hd", "scsi-cd", "scsi-block",
    "lsi53c895a", "virtio-scsi-pci", "megasas", "usb-storage", "floppy", "isa-fdc",
    /* network */
    "virtio-net-pci", "e1000", "e1000e", "rtl8139", "ne2k_pci", "pcnet",
    /* USB */
    "usb-tablet", "usb-mouse", "usb-kbd", "usb-host", "usb-hub", "usb-redir",
    "piix3-usb-uhci", "piix4-usb-uhci", "qemu-xhci", "nec-usb-xhci",
    "ich9-usb-ehci1", "ich9-usb-uhci1", "usb-ehci",
    /* character devices */
    "isa-serial", "isa-parallel", "virtconsole", "virtserialport", "virtio-serial-pci",
    /* video */
    "VGA", "cirrus-vga", "vmware-svga", "qxl-vga", "qxl", "virtio-vga", "virtio-gpu-pci",
    /* sound */
    "intel-hda", "ich9-intel-hda", "hda-duplex", "hda-micro", "hda-output",
    "AC97", "sb16", "ES1370",
    /* everything else a domain can ask for */
    "virtio-balloon-pci", "vfio-pci", "i6300esb", "ib700", "virtio-rng-pci",
    "pvpanic", "pci-bridge", "pcie-root-port", "virtio-keyboard-pci",
    "virtio-mouse-pci", "virtio-tablet-pci",
    /* vhost-user back ends, vhost-scsi, smartcards */
    "vhost-user-vga", "vhost-user-gpu-pci", "vhost-user-fs-pci", "vhost-scsi-pci",
    "vhost-scsi-pci-non-transitional", "vhost-scsi-pci-transitional", "usb-ccid",
    "ccid-card-emulated", "ccid-card-passthru", "vfio-pci-nohotplug",
    /* not virtio-vga-gl / virtio-gpu-gl-pci: asked about without QEMU's
     * OpenGL module, QEMU 7.2 aborts (a missing parent type); the emitter
     * reads their base types' properties */
};
const unsigned qemu_probe_ndevice_types = VC_ARRAY_SIZE(qemu_probe_device_types);

static bool probe_debug_on(void)
{
    const char *e = getenv("VIRTC_DEBUG");
    return e && *e && strcmp(e, "0") != 0;
}

static void probe_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void probe_debug(const char *fmt, ...)
{
    if (!probe_debug_on())
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("virtc: debug: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- reading the replies ---- */

/* What the session learnt beyond the caps themselves, for the flag rules. */
typedef struct probe_ctx {
    qemu_caps *c;
    json_object *options;     /* option name -> array of parameter names */
    json_object *schema;      /* QAPI schema entity name -> entity */
    json_object *types;       /* device type names (a set: name -> null) */
    bool kvm_present;
} probe_ctx;

static json_object *probe_get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o && json_object_is_type(o, json_type_object))
        json_object_object_get_ex(o, key, &v);
    return v;
}

static const char *probe_get_str(json_object *o, const char *key)
{
    json_object *v = probe_get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool probe_want_array(json_object *r, const char *cmd, vc_diags *d)
{
    if (json_object_is_type(r, json_type_array))
        return true;
    return vc_runtime_error(d, "QMP: the reply to '%s' is not an array", cmd);
}

/* query-version -> {"qemu": {"major", "minor", "micro"}, "package"} */
static bool probe_version(probe_ctx *p, json_object *r, vc_diags *d)
{
    json_object *q = probe_get(r, "qemu");
    int64_t v[3];
    static const char *const keys[] = { "major", "minor", "micro" };
    for (int i = 0; i < 3; i++) {
        json_object *n = probe_get(q, keys[i]);
        if (!n || !json_object_is_type(n, json_type_int) ||
            (v[i] = json_object_get_int64(n)) < 0 || v[i] > 999)
            return vc_runtime_error(d, "QMP: query-version: missing or bad qemu.%s", keys[i]);
    }
    if (v[0] == 0 && v[1] == 0 && v[2] == 0)
        return vc_runtime_error(d, "QMP: query-version: version 0.0.0");
    p->c->version = (unsigned)(v[0] * 1000000 + v[1] * 1000 + v[2]);
    const char *pkg = probe_get_str(r, "package");
    free(p->c->package);
    p->c->package = pkg && *pkg ? vc_xstrdup(pkg) : NULL;
    return true;
}

/* query-target -> {"arch": "x86_64"} */
static bool probe_target(probe_ctx *p, json_object *r, vc_diags *d)
{
    const char *arch = probe_get_str(r, "arch");
    if (!arch || !*arch)
        return vc_runtime_error(d, "QMP: query-target: no arch");
    free(p->c->arch);
    p->c->arch = vc_xstrdup(arch);
    return true;
}

/* query-kvm -> {"enabled", "present"}: present means the binary can use KVM. */
static bool probe_kvm(probe_ctx *p, json_object *r, vc_diags *d)
{
    (void)d;
    json_object *present = probe_get(r, "present");
    p->kvm_present = present && json_object_get_boolean(present);
    return true;
}

/* query-machines -> [{"name", "alias"?, "is-default"?, "cpu-max"}] */
static bool probe_machines(probe_ctx *p, json_object *r, vc_diags *d)
{
    if (!probe_want_array(r, "query-machines", d))
        return false;
    size_t n = json_object_array_length(r);
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(r, i);
        const char *name = probe_get_str(m, "name");
        if (!name)
            return vc_runtime_error(d, "QMP: query-machines: entry %zu has no name", i);
        json_object *def = probe_get(m, "is-default");
        json_object *max = probe_get(m, "cpu-max");
        int64_t maxv = max ? json_object_get_int64(max) : 0;
        qemu_caps_add_machine(p->c, name, probe_get_str(m, "alias"),
                              def && json_object_get_boolean(def),
                              maxv > 0 && maxv <= UINT32_MAX ? (unsigned)maxv : 0);
    }
    if (n == 0)
        return vc_runtime_error(d, "QMP: query-machines: the binary has no machine types");
    return true;
}

/* query-cpu-definitions -> [{"name", ...}] */
static bool probe_cpus(probe_ctx *p, json_object *r, vc_diags *d)
{
    if (!probe_want_array(r, "query-cpu-definitions", d))
        return false;
    size_t n = json_object_array_length(r);
    for (size_t i = 0; i < n; i++) {
        const char *name = probe_get_str(json_object_array_get_idx(r, i), "name");
        if (name)
            qemu_caps_add_cpu(p->c, name);
    }
    return true;
}

/* qom-list-types implements=device -> [{"name", "parent"}] */
static bool probe_device_types(probe_ctx *p, json_object *r, vc_diags *d)
{
    if (!probe_want_array(r, "qom-list-types", d))
        return false;
    size_t n = json_object_array_length(r);
    for (size_t i = 0; i < n; i++) {
        const char *name = probe_get_str(json_object_array_get_idx(r, i), "name");
        if (name)
            json_object_object_add(p->types, name, NULL);
    }
    return true;
}

/* qom-list-types implements=accel -> "kvm-accel", "tcg-accel", ... */
static bool probe_accels(probe_ctx *p, json_object *r, vc_diags *d)
{
    if (!probe_want_array(r, "qom-list-types", d))
        return false;
    size_t n = json_object_array_length(r);
    for (size_t i = 0; i < n; i++) {
        const char *name = probe_get_str(json_object_array_get_idx(r, i), "name");
        if (vc_streq(name, "kvm-accel"))
            p->c->accel_kvm = true;
        else if (vc_streq(name, "tcg-accel"))
            p->c->accel_tcg = true;
    }
    return true;
}

/* query-command-line-options -> [{"option", "parameters": [{"name"}]}] */
static bool probe_options(probe_ctx *p, json_object *r, vc_diags *d)
{
    if (!probe_want_array(r, "query-command-line-options", d))
        return false;
    size_t n = json_object_array_length(r);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(r, i);
        const char *name = probe_get_str(o, "option");
        if (!name || !*name)
            continue;
        qemu_caps_add_option(p->c, name);
        json_object *names = json_object_new_array();
        json_object *params = probe_get(o, "parameters");
        size_t np = params && json_object_is_type(params, json_type_array)
                        ? json_object_array_length(params) : 0;
        for (size_t j = 0; j < np; j++) {
            const char *pn = probe_get_str(json_object_array_get_idx(params, j), "name");
            if (pn)
                json_object_array_add(names, json_object_new_string(pn));
        }
        json_object_object_add(p->options, name, names);
    }
    return true;
}

/* query-qmp-schema -> [{"name", "meta-type", ...}]; indexed by name. */
static bool probe_schema(probe_ctx *p, json_object *r, vc_diags *d)
{
    if (!probe_want_array(r, "query-qmp-schema", d))
        return false;
    size_t n = json_object_array_length(r);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(r, i);
        const char *name = probe_get_str(e, "name");
        if (name)
            json_object_object_add(p->schema, name, json_object_get(e));
    }
    return true;
}

typedef bool (*probe_reader)(probe_ctx *p, json_object *r, vc_diags *d);

/* The questions, in order. An optional one that QEMU refuses (an older QEMU
 * lacking the command) leaves its part of the caps empty. */
typedef struct probe_step {
    const char *cmd;
    const char *args;          /* JSON arguments, or NULL */
    probe_reader read;
    bool required;
} probe_step;

static const probe_step probe_steps[] = {
    { "query-version", NULL, probe_version, true },
    { "query-target", NULL, probe_target, true },
    { "query-kvm", NULL, probe_kvm, false },
    { "query-machines", NULL, probe_machines, true },
    { "query-cpu-definitions", NULL, probe_cpus, false },
    { "qom-list-types", "{\"implements\":\"device\",\"abstract\":false}", probe_device_types, true },
    { "qom-list-types", "{\"implements\":\"accel\",\"abstract\":false}", probe_accels, false },
    { "query-command-line-options", NULL, probe_options, false },
    { "query-qmp-schema", NULL, probe_schema, false },
};

static bool probe_run_step(probe_ctx *p, rt_qmp *m, const probe_step *s, vc_diags *d)
{
    vc_diags local;
    vc_diags_init(&local);
    json_object *args = s->args ? json_tokener_parse(s->args) : NULL;
    json_object *r = rt_qmp_command(m, s->cmd, args, NULL, &local);
    bool ok = r && s->read(p, r, &local);
    if (r)
        json_object_put(r);
    if (!ok && s->required)
        vc_diags_append(d, &local);
    else if (!ok)
        probe_debug("optional QMP question '%s' went unanswered", s->cmd);
    vc_diags_free(&local);
    return ok || !s->required;
}

static bool probe_wants_props(const char *type)
{
    for (unsigned i = 0; i < qemu_probe_ndevice_types; i++)
        if (strcmp(qemu_probe_device_types[i], type) == 0)
            return true;
    return false;
}

/* Records every device type, asking device-list-properties for the ones
 * the emitter uses. */
static void probe_devices(probe_ctx *p, rt_qmp *m)
{
    json_object_object_foreach(p->types, type, unused) {
        (void)unused;
        qemu_caps_device *dev = qemu_caps_add_device(p->c, type);
        if (!probe_wants_props(type))
            continue;
        json_object *args = json_object_new_object();
        json_object_object_add(args, "typename", json_object_new_string(type));
        vc_diags local;
        vc_diags_init(&local);
        json_object *r = rt_qmp_command(m, "device-list-properties", args, NULL, &local);
        vc_diags_free(&local);
        if (!r || !json_object_is_type(r, json_type_array)) {
            probe_debug("no properties for device type '%s'", type);
            if (r)
                json_object_put(r);
            continue;
        }
        size_t n = json_object_array_length(r);
        for (size_t j = 0; j < n; j++) {
            const char *prop = probe_get_str(json_object_array_get_idx(r, j), "name");
            if (prop)
                qemu_caps_device_add_prop(dev, prop);
        }
        json_object_put(r);
    }
}

/* The CPUID features of each named CPU model, from a static expansion: it
 * names every feature once, under QEMU's canonical name (a full expansion
 * adds each alias spelling, sse4-1 and sse4_1 beside sse4.1, and properties
 * that are not CPUID bits). "host" and "max" are what the accelerator
 * allows, not models; "base" is the empty one. Only an x86 QEMU's models
 * are expanded (its features are the ones a host's CPUID names). */
static void probe_cpu_models(probe_ctx *p, rt_qmp *m)
{
    static const char *const skip[] = { "host", "max", "base" };
    if (!vc_streq(p->c->arch, "x86_64") && !vc_streq(p->c->arch, "i386"))
        return;
    size_t n = p->c->ncpus;
    char **names = vc_xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        names[i] = vc_xstrdup(p->c->cpus[i]);
    for (size_t i = 0; i < n; i++) {
        bool skipped = false;
        for (size_t k = 0; k < VC_ARRAY_SIZE(skip); k++)
            skipped |= strcmp(names[i], skip[k]) == 0;
        if (skipped)
            continue;
        json_object *args = json_object_new_object();
        json_object *model = json_object_new_object();
        json_object_object_add(model, "name", json_object_new_string(names[i]));
        json_object_object_add(args, "type", json_object_new_string("static"));
        json_object_object_add(args, "model", model);
        vc_diags local;
        vc_diags_init(&local);
        json_object *r = rt_qmp_command(m, "query-cpu-model-expansion", args, NULL, &local);
        vc_diags_free(&local);
        json_object *props = probe_get(probe_get(r, "model"), "props");
        if (!props || !json_object_is_type(props, json_type_object)) {
            probe_debug("no expansion of CPU model '%s'", names[i]);
        } else {
            vc_buf b;
            vc_buf_init(&b);
            json_object_object_foreach(props, key, val) {
                if (!json_object_is_type(val, json_type_boolean) || !json_object_get_boolean(val))
                    continue;
                if (b.len)
                    vc_buf_putc(&b, ' ');
                vc_buf_puts(&b, key);
            }
            qemu_caps_set_cpu_features(p->c, names[i], vc_buf_str(&b));
            vc_buf_free(&b);
        }
        if (r)
            json_object_put(r);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ---- deriving the flags ---- */

typedef enum probe_rule_kind {
    RULE_ALWAYS,          /* every QEMU that speaks QMP has it */
    RULE_OPTION,          /* query-command-line-options lists arg */
    RULE_OPTION_PARAM,    /* ... and option arg takes parameter arg2 */
    RULE_COMMAND,         /* the QMP schema has command arg */
    RULE_COMMAND_FEATURE, /* ... and command arg has feature arg2 */
    RULE_COMMAND_UNION,   /* ... and command arg's arguments are a union */
    RULE_ENUM_VALUE,      /* command arg returns a struct whose member "type"
                             is an enum with value arg2 */
    RULE_KVM,             /* query-kvm says present */
    RULE_SINCE,           /* version >= since (QMP cannot tell) */
    RULE_BEFORE,          /* version < since (QMP cannot tell) */
} probe_rule_kind;

/* A flag is on when any of its rules holds. */
typedef struct probe_rule {
    qemu_cap_flag flag;
    probe_rule_kind kind;
    const char *arg, *arg2;
    unsigned since;
} probe_rule;

#define V(maj, min) ((maj) * 1000000u + (min) * 1000u)

static const probe_rule probe_rules[] = {
    /* Options that are QemuOpts groups, so QEMU lists them (with parameters). */
    { QEMU_CAP_VNC_COLON, RULE_OPTION, "vnc", NULL, 0 },
    { QEMU_CAP_DRIVE, RULE_OPTION, "drive", NULL, 0 },
    { QEMU_CAP_DRIVE_BOOT, RULE_OPTION_PARAM, "drive", "boot", 0 },
    { QEMU_CAP_DRIVE_FORMAT, RULE_OPTION_PARAM, "drive", "format", 0 },
    /* cache= is parsed before the option group and expanded into cache.*,
     * so its presence shows as cache.direct. */
    { QEMU_CAP_DRIVE_CACHE_V2, RULE_OPTION_PARAM, "drive", "cache", 0 },
    { QEMU_CAP_DRIVE_CACHE_V2, RULE_OPTION_PARAM, "drive", "cache.direct", 0 },
    { QEMU_CAP_NAME, RULE_OPTION, "name", NULL, 0 },
    { QEMU_CAP_CHARDEV, RULE_OPTION, "chardev", NULL, 0 },
    { QEMU_CAP_DEVICE, RULE_OPTION, "device", NULL, 0 },
    { QEMU_CAP_NETDEV, RULE_OPTION, "netdev", NULL, 0 },
    { QEMU_CAP_NET_LEGACY, RULE_OPTION, "net", NULL, 0 },
    { QEMU_CAP_SMP_TOPOLOGY, RULE_OPTION_PARAM, "smp-opts", "sockets", 0 },
    { QEMU_CAP_RTC, RULE_OPTION, "rtc", NULL, 0 },
    { QEMU_CAP_MACHINE_OPT, RULE_OPTION, "machine", NULL, 0 },
    { QEMU_CAP_SANDBOX, RULE_OPTION, "sandbox", NULL, 0 },
    /* -blockdev is parsed by QAPI, not QemuOpts, so 7.2 does not list it;
     * blockdev-add arrived with it (2.9). */
    { QEMU_CAP_BLOCKDEV, RULE_OPTION, "blockdev", NULL, 0 },
    { QEMU_CAP_BLOCKDEV, RULE_COMMAND, "blockdev-add", NULL, 0 },
    /* -audiodev is parsed by QAPI too and, before query-audiodevs (8.0), no
     * QMP command mentions audio backends: the version (4.0) is all we have. */
    { QEMU_CAP_AUDIODEV, RULE_OPTION, "audiodev", NULL, 0 },
    { QEMU_CAP_AUDIODEV, RULE_COMMAND, "query-audiodevs", NULL, 0 },
    { QEMU_CAP_AUDIODEV, RULE_SINCE, NULL, NULL, V(4, 0) },
    /* -device and -object took JSON in the releases that gave device_add the
     * json-cli feature and made object-add's arguments a QAPI union (6.0). */
    { QEMU_CAP_DEVICE_JSON, RULE_COMMAND_FEATURE, "device_add", "json-cli", 0 },
    { QEMU_CAP_OBJECT_JSON, RULE_COMMAND_UNION, "object-add", NULL, 0 },
    /* SDL is a build option; the display type enum says whether it was on. */
    { QEMU_CAP_SDL, RULE_ENUM_VALUE, "query-display-options", "sdl", 0 },
    { QEMU_CAP_KVM, RULE_KVM, NULL, NULL, 0 },
    { QEMU_CAP_ENABLE_KVM, RULE_KVM, NULL, NULL, 0 },
    /* Plain flags (-no-reboot, -uuid, -vga, -usb, ...) are neither QemuOpts
     * nor QMP: QMP-era QEMU always has them, or dropped them at a release. */
    { QEMU_CAP_NO_REBOOT, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_UUID, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_VGA, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_USB_OPT, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_USBDEVICE, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_NO_SHUTDOWN, RULE_ALWAYS, NULL, NULL, 0 },
    /* The probe itself ran with -no-user-config -nodefaults and spoke QMP. */
    { QEMU_CAP_NODEFCONFIG, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_NODEFAULTS, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_MONITOR_JSON, RULE_ALWAYS, NULL, NULL, 0 },
    { QEMU_CAP_SOUNDHW, RULE_BEFORE, NULL, NULL, V(7, 1) },
    { QEMU_CAP_NO_ACPI, RULE_BEFORE, NULL, NULL, V(9, 0) },
    /* Never on for a QMP-era QEMU: KQEMU and -pcidevice were gone before QMP
     * was usable, and -domid is xenner's. */
};

static bool probe_option_param(const probe_ctx *p, const char *opt, const char *param)
{
    json_object *names = probe_get(p->options, opt);
    size_t n = names ? json_object_array_length(names) : 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), param) == 0)
            return true;
    return false;
}

static json_object *probe_schema_command(const probe_ctx *p, const char *cmd)
{
    json_object *e = probe_get(p->schema, cmd);
    return vc_streq(probe_get_str(e, "meta-type"), "command") ? e : NULL;
}

static bool probe_array_has_string(json_object *a, const char *s)
{
    size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++)
        if (vc_streq(json_object_get_string(json_object_array_get_idx(a, i)), s))
            return true;
    return false;
}

/* The enum type of member "type" of the struct that cmd returns. */
static bool probe_returned_enum_has(const probe_ctx *p, const char *cmd, const char *value)
{
    const char *rtype = probe_get_str(probe_schema_command(p, cmd), "ret-type");
    json_object *ret = rtype ? probe_get(p->schema, rtype) : NULL;
    json_object *members = probe_get(ret, "members");
    size_t n = members && json_object_is_type(members, json_type_array)
                   ? json_object_array_length(members) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *mb = json_object_array_get_idx(members, i);
        if (!vc_streq(probe_get_str(mb, "name"), "type"))
            continue;
        const char *tname = probe_get_str(mb, "type");
        json_object *en = tname ? probe_get(p->schema, tname) : NULL;
        return probe_array_has_string(probe_get(en, "values"), value);
    }
    return false;
}

static bool probe_rule_holds(const probe_ctx *p, const probe_rule *r)
{
    switch (r->kind) {
    case RULE_ALWAYS:
        return true;
    case RULE_OPTION:
        return probe_get(p->options, r->arg) != NULL;
    case RULE_OPTION_PARAM:
        return probe_option_param(p, r->arg, r->arg2);
    case RULE_COMMAND:
        return probe_schema_command(p, r->arg) != NULL;
    case RULE_COMMAND_FEATURE:
        return probe_array_has_string(probe_get(probe_schema_command(p, r->arg), "features"),
                                      r->arg2);
    case RULE_COMMAND_UNION: {
        const char *at = probe_get_str(probe_schema_command(p, r->arg), "arg-type");
        return at && probe_get(probe_get(p->schema, at), "variants") != NULL;
    }
    case RULE_ENUM_VALUE:
        return probe_returned_enum_has(p, r->arg, r->arg2);
    case RULE_KVM:
        return p->kvm_present;
    case RULE_SINCE:
        return p->c->version >= r->since;
    case RULE_BEFORE:
        return p->c->version < r->since;
    }
    return false;
}

static void probe_flags(probe_ctx *p)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(probe_rules); i++)
        if (probe_rule_holds(p, &probe_rules[i]))
            qemu_caps_set(p->c, probe_rules[i].flag, true);
    /* A QEMU without the accel QOM types (before 2.x) still has TCG, and KVM
     * when query-kvm says so. */
    if (!p->c->accel_kvm && !p->c->accel_tcg) {
        p->c->accel_tcg = true;
        p->c->accel_kvm = p->kvm_present;
    }
}

qemu_caps *qemu_probe_session(rt_qmp *m, vc_diags *d)
{
    probe_ctx p = {
        .c = qemu_caps_new(),
        .options = json_object_new_object(),
        .schema = json_object_new_object(),
        .types = json_object_new_object(),
    };
    bool ok = true;
    for (size_t i = 0; ok && i < VC_ARRAY_SIZE(probe_steps); i++)
        ok = probe_run_step(&p, m, &probe_steps[i], d);
    if (ok) {
        probe_devices(&p, m);
        probe_cpu_models(&p, m);
        probe_flags(&p);
        qemu_caps_finish(p.c);
    }
    json_object_put(p.options);
    json_object_put(p.schema);
    json_object_put(p.types);
    if (!ok) {
        qemu_caps_free(p.c);
        return NULL;
    }
    return p.c;
}

/* ---- running the binary ---- */

static long long probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int probe_timeout_ms(void)
{
    const char *e = getenv("VIRTC_PROBE_TIMEOUT");
    int s;
    if (e && vc_parse_int(e, &s) && s > 0 && s <= 3600)
        return s * 1000;
    return 30000;
}

static void probe_sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* A child QEMU and the private directory of its socket and log. */
typedef struct probe_child {
    pid_t pid;
    bool reaped;
    rt_spawn_state state;     /* once reaped: whether status is known */
    int status;
    char *dir, *sock, *log;
} probe_child;

/* The QMP monitor on a socket in the probe's directory: -chardev and -mon
 * rather than -qmp, whose "unix:PATH,..." cannot quote a comma in PATH
 * (TMPDIR=/tmp/a,b); here the path is an escaped option value. */
static void probe_add_monitor(vc_strv *argv, const char *sock)
{
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "socket,id=virtcprobe,path=");
    qemu_opt_escape(&b, sock);
    vc_buf_puts(&b, ",server=on,wait=off");
    vc_strv_add(argv, "-chardev");
    vc_strv_take(argv, vc_buf_steal(&b));
    vc_strv_add(argv, "-mon");
    vc_strv_add(argv, "chardev=virtcprobe,mode=control");
}

static bool probe_spawn(probe_child *ch, const char *binary, vc_diags *d)
{
    const char *tmp = getenv("TMPDIR");
    ch->dir = vc_xasprintf("%s/virtc-probe-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(ch->dir)) {
        vc_runtime_error(d, "cannot probe %s: creating %s: %s", binary, ch->dir, strerror(errno));
        free(ch->dir);
        ch->dir = NULL;
        return false;
    }
    ch->sock = vc_xasprintf("%s/qmp.sock", ch->dir);
    ch->log = vc_xasprintf("%s/qemu.log", ch->dir);

    vc_strv argv, envp;
    vc_strv_init(&argv);
    vc_strv_init(&envp);
    vc_strv_add(&argv, binary);
    vc_strv_add(&argv, "-S");
    vc_strv_add(&argv, "-no-user-config");
    vc_strv_add(&argv, "-nodefaults");
    vc_strv_add(&argv, "-nographic");
    vc_strv_add(&argv, "-machine");
    vc_strv_add(&argv, hostcaps_kvm_usable(NULL) ? "none,accel=kvm:tcg" : "none,accel=tcg");
    probe_add_monitor(&argv, ch->sock);
    vc_strv_add(&envp, "LC_ALL=C");
    vc_strv_add(&envp, "PATH=/usr/bin:/bin");
    vc_strv_addf(&envp, "HOME=%s", ch->dir);
    vc_strv_addf(&envp, "TMPDIR=%s", ch->dir);

    int logfd = open(ch->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
    pid_t pid = -1;
    vc_diags local;
    vc_diags_init(&local);
    if (logfd < 0)
        vc_runtime_error(&local, "opening %s: %s", ch->log, strerror(errno));
    else
        pid = rt_spawn(argv.v, envp.v, logfd, &local);
    if (logfd >= 0)
        close(logfd);
    vc_strv_free(&argv);
    vc_strv_free(&envp);
    for (size_t i = 0; pid < 0 && i < local.n; i++)
        vc_runtime_error(d, "cannot probe %s: %s", binary, local.v[i].message);
    vc_diags_free(&local);
    if (pid < 0)
        return false;
    ch->pid = pid;
    probe_debug("started %s (pid %ld) to probe it", binary, (long)pid);
    return true;
}

static bool probe_child_exited(probe_child *ch)
{
    if (ch->reaped)
        return true;
    ch->state = rt_spawn_reap(ch->pid, false, &ch->status);
    ch->reaped = ch->state != RT_SPAWN_RUNNING;
    return ch->reaped;
}

static void probe_child_exit_error(probe_child *ch, const char *binary, vc_diags *d)
{
    char *why = rt_spawn_status_text(ch->state, ch->status);
    char *tail = ch->log ? rt_launch_last_line(ch->log) : NULL;
    vc_runtime_error(d, "cannot probe %s: it %s%s%s", binary, why, tail ? ": " : "", tail ? tail : "");
    free(tail);
    free(why);
}

/* Waits for the QMP socket; NULL (reported) when QEMU exits or time is up. */
static rt_qmp *probe_connect(probe_child *ch, const char *binary, long long deadline,
                             vc_diags *d)
{
    for (;;) {
        if (access(ch->sock, F_OK) == 0) {
            vc_diags local;
            vc_diags_init(&local);
            rt_qmp *m = rt_qmp_connect_unix(ch->sock, (int)(deadline - probe_now_ms()), &local);
            if (m) {
                vc_diags_free(&local);
                return m;
            }
            /* The socket file exists before QEMU listens on it: retry. */
            if (probe_now_ms() >= deadline)
                vc_diags_append(d, &local);
            vc_diags_free(&local);
        }
        if (probe_child_exited(ch)) {
            probe_child_exit_error(ch, binary, d);
            return NULL;
        }
        if (probe_now_ms() >= deadline) {
            vc_runtime_error(d, "cannot probe %s: no QMP socket after %d s", binary,
                       probe_timeout_ms() / 1000);
            return NULL;
        }
        probe_sleep_ms(10);
    }
}

static void probe_reap(probe_child *ch)
{
    if (ch->pid > 0 && !ch->reaped) {
        /* The child leads its own process group: a wrapper script and
         * the QEMU it started go together. */
        rt_spawn_kill(ch->pid);
        ch->state = rt_spawn_reap(ch->pid, true, &ch->status);
        ch->reaped = true;
    }
    if (ch->sock)
        unlink(ch->sock);
    if (ch->log)
        unlink(ch->log);
    if (ch->dir)
        rmdir(ch->dir);
    free(ch->sock);
    free(ch->log);
    free(ch->dir);
}

/* ---- which binaries are run ---- */

/* Why a file or directory could be replaced by someone other than root and
 * us; NULL when it cannot. A directory others may write is fine when it is
 * sticky (/tmp): they cannot rename or delete what is ours in it. */
static const char *probe_untrusted_why(const struct stat *st, bool is_dir)
{
    if (st->st_uid != 0 && st->st_uid != geteuid())
        return is_dir ? "its directory is owned by another user" : "it is owned by another user";
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(is_dir && (st->st_mode & S_ISVTX)))
        return is_dir ? "its directory is writable by group or others"
                      : "it is writable by group or others";
    return NULL;
}

/* The directory part of path ("/" for "/x", "." for "x"); free() it. */
static char *probe_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return vc_xstrdup(".");
    return slash == path ? vc_xstrdup("/") : vc_xstrndup(path, (size_t)(slash - path));
}

static const char *probe_dir_untrusted(const char *path)
{
    char *dir = probe_dirname(path);
    struct stat st;
    const char *why = stat(dir, &st) != 0 ? "its directory cannot be examined"
                                           : probe_untrusted_why(&st, true);
    free(dir);
    return why;
}

bool qemu_probe_trusted(const char *binary, vc_diags *d)
{
    struct stat st;
    if (stat(binary, &st) != 0)
        return vc_runtime_error(d, "cannot probe %s: %s", binary, strerror(errno));
    if (!S_ISREG(st.st_mode) || access(binary, X_OK) != 0)
        return vc_runtime_error(d, "cannot probe %s: not an executable file", binary);
    /* Both the name given (a link can be swapped) and the file it leads to. */
    char *real = realpath(binary, NULL);
    if (!real)
        return vc_runtime_error(d, "cannot probe %s: %s", binary, strerror(errno));
    /* A document names its <emulator>: run only what is a QEMU by name, so a
     * document cannot have /usr/bin/id run with the probe's arguments. The
     * file run is the one the links lead to. */
    const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
    if (!hostcaps_qemu_name(base)) {
        vc_runtime_error(d, "refusing to run %s to probe it: '%s' is not the name of a QEMU "
                         "emulator (qemu-system-ARCH, qemu-kvm, qemu); give its capabilities "
                         "with --caps NAME|PATH instead (e.g. --caps qemu-7.2)", binary, base);
        free(real);
        return false;
    }
    const char *why = probe_untrusted_why(&st, false);
    if (!why)
        why = probe_dir_untrusted(real);
    if (!why && strcmp(real, binary) != 0)
        why = probe_dir_untrusted(binary);
    free(real);
    if (!why)
        return true;
    return vc_runtime_error(d,
                            "refusing to run %s to probe it: %s; only an emulator owned by root "
                            "or by you, that no one else can write, is run (give its capabilities "
                            "with --caps instead)",
                            binary, why);
}

qemu_caps *qemu_probe_binary(const char *binary, vc_diags *d)
{
    struct stat st;
    if (!qemu_probe_trusted(binary, d))
        return NULL;
    if (stat(binary, &st) != 0) {
        vc_runtime_error(d, "cannot probe %s: %s", binary, strerror(errno));
        return NULL;
    }
    long long deadline = probe_now_ms() + probe_timeout_ms();
    probe_child ch = { 0 };
    qemu_caps *c = NULL;
    if (probe_spawn(&ch, binary, d)) {
        rt_qmp *m = probe_connect(&ch, binary, deadline, d);
        if (m) {
            vc_diags local;
            vc_diags_init(&local);
            if (rt_qmp_handshake(m, &local))
                c = qemu_probe_session(m, &local);
            if (!c) {
                /* A QEMU that died mid-session explains itself in its log. */
                if (probe_child_exited(&ch))
                    probe_child_exit_error(&ch, binary, d);
                for (size_t i = 0; i < local.n; i++)
                    vc_runtime_error(d, "cannot probe %s: %s", binary, local.v[i].message);
            }
            vc_diags_free(&local);
            rt_qmp_free(m);
        }
    }
    probe_reap(&ch);
    if (!c)
        return NULL;
    free(c->name);
    c->name = vc_xstrdup(binary);
    free(c->binary);
    c->binary = vc_xstrdup(binary);
    c->binary_size = (unsigned long long)st.st_size;
    c->binary_mtime = (long long)st.st_mtime;
    return c;
}

/* ---- the cache ---- */

/* Bump when the probe learns something new, so old cache files are dropped
 * rather than read as if complete. */
#define PROBE_CACHE_REVISION 2

char *qemu_probe_cache_dir(void)
{
    const char *e = getenv("VIRTC_CACHE_DIR");
    if (e && *e)
        return vc_xasprintf("%s/qemu", e);
    if (geteuid() == 0)
        return vc_xstrdup("/var/cache/virtc/qemu");
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/')
        return vc_xasprintf("%s/virtc/qemu", xdg);
    const char *home = getenv("HOME");
    /* No fallback to a shared directory such as /tmp: anyone could make it
     * first and feed us capabilities. No home, no cache. */
    if (!home || *home != '/')
        return NULL;
    return vc_xasprintf("%s/.cache/virtc/qemu", home);
}

/* FNV-1a: the file name needs a stable spread of the path, not secrecy. */
static uint64_t probe_hash(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static char *probe_cache_file_in(const char *dir, const char *binary)
{
    const char *base = strrchr(binary, '/');
    base = base ? base + 1 : binary;
    char *rev = vc_xasprintf("%s/%d", VIRTC_VERSION, PROBE_CACHE_REVISION);
    uint64_t h = probe_hash(rev, probe_hash(binary, 14695981039346656037ull));
    free(rev);
    return vc_xasprintf("%s/%s-%016llx.caps", dir, base, (unsigned long long)h);
}

char *qemu_probe_cache_file(const char *binary)
{
    char *dir = qemu_probe_cache_dir();
    char *path = dir ? probe_cache_file_in(dir, binary) : NULL;
    free(dir);
    return path;
}

/* mkdir -p, private (0700) like everything the cache holds; errno tells
 * why it failed. */
static bool probe_mkdirs(const char *dir)
{
    char *p = vc_xstrdup(dir);
    int err = 0;
    for (char *s = p + 1; !err; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            err = errno;
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    errno = err;
    return err == 0;
}

/* The cached caps for binary (st: its stat now) when they still describe
 * it; NULL otherwise. */
static qemu_caps *probe_cache_read(const char *file, const char *binary, const struct stat *st)
{
    size_t len = 0, cap = 0;
    char *data = NULL;
    /* A cache file is a file: never a FIFO to wait on. */
    int err = vc_read_into(file, VC_READ_REGULAR, &data, &cap, &len);
    if (err == ENOENT) {
        free(data);
        probe_debug("qemu caps cache miss for %s: no %s", binary, file);
        return NULL;
    }
    const char *why = err ? vc_read_strerror(err) : NULL;
    qemu_caps_stamp was, now;
    qemu_caps *c = err ? NULL : qemu_caps_cache_decode(data, len, &was, &why);
    free(data);
    if (!c) {
        probe_debug("qemu caps cache file %s is unreadable (%s); probing again", file, why);
        return NULL;
    }
    qemu_caps_stamp_of(&now, binary, st);
    why = qemu_caps_stamp_diff(&was, &now);
    if (!why && (c->version == 0 || !c->arch || c->nmachines == 0))
        why = "it is incomplete";
    qemu_caps_stamp_free(&was);
    qemu_caps_stamp_free(&now);
    if (why) {
        probe_debug("qemu caps cache file %s is stale: %s; probing again", file, why);
        qemu_caps_free(c);
        return NULL;
    }
    probe_debug("qemu caps cache hit for %s: %s", binary, file);
    return c;
}

typedef enum probe_dir_state { PROBE_DIR_MISSING, PROBE_DIR_OK, PROBE_DIR_UNSAFE } probe_dir_state;

/* Whether the cache directory is ours alone: a directory another user owns
 * or may write could hold capabilities of their making. *why says what is
 * wrong with an unsafe one. */
static probe_dir_state probe_cache_dir_state(const char *dir, const char **why)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return PROBE_DIR_MISSING;
    if (!S_ISDIR(st.st_mode))
        *why = "it is not a directory";
    else if (st.st_uid != geteuid())
        *why = "it is owned by another user";
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        *why = "it is writable by group or others";
    else
        return PROBE_DIR_OK;
    return PROBE_DIR_UNSAFE;
}

static void probe_cache_warn_unsafe(const char *dir, const char *why, vc_diags *d)
{
    vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_WARNING, (vc_loc){ 0 },
                "not using the QEMU capabilities cache %s: %s", dir, why);
}

/* c, probed from binary as st describes it, into the cache file. */
static void probe_cache_write(const qemu_caps *c, const char *binary, const struct stat *st,
                              const char *dir, const char *file, vc_diags *d)
{
    const char *why = NULL;
    vc_diags local;
    vc_diags_init(&local);
    qemu_caps_stamp stamp;
    qemu_caps_stamp_of(&stamp, binary, st);
    size_t len;
    char *data = qemu_caps_cache_encode(c, &stamp, &len);
    qemu_caps_stamp_free(&stamp);
    if (!probe_mkdirs(dir))
        vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_WARNING, (vc_loc){ 0 },
                    "cannot create the QEMU capabilities cache %s: %s", dir, strerror(errno));
    else if (probe_cache_dir_state(dir, &why) != PROBE_DIR_OK)
        /* It appeared between the look and the mkdir: someone else's. */
        probe_cache_warn_unsafe(dir, why ? why : "it vanished", d);
    else if (!qemu_caps_write_atomic(file, data, len, &local))
        vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_WARNING, (vc_loc){ 0 },
                    "cannot write the QEMU capabilities cache %s: %s", file,
                    local.n ? local.v[0].message : "?");
    else
        probe_debug("qemu caps cached in %s", file);
    free(data);
    vc_diags_free(&local);
}

qemu_caps *qemu_probe_cache_lookup(const char *binary)
{
    vc_diags quiet;
    vc_diags_init(&quiet);
    bool trusted = qemu_probe_trusted(binary, &quiet);
    vc_diags_free(&quiet);
    struct stat st;
    char *dir = trusted && stat(binary, &st) == 0 ? qemu_probe_cache_dir() : NULL;
    const char *why = NULL;
    qemu_caps *c = NULL;
    if (dir && probe_cache_dir_state(dir, &why) == PROBE_DIR_OK) {
        char *file = probe_cache_file_in(dir, binary);
        c = probe_cache_read(file, binary, &st);
        free(file);
    }
    free(dir);
    return c;
}

qemu_caps *qemu_probe_cached(const char *binary, vc_diags *d)
{
    if (!qemu_probe_trusted(binary, d))
        return NULL;
    struct stat st;
    if (stat(binary, &st) != 0) {
        vc_runtime_error(d, "cannot probe %s: %s", binary, strerror(errno));
        return NULL;
    }
    char *dir = qemu_probe_cache_dir();
    if (!dir) {
        probe_debug("no cache directory (no VIRTC_CACHE_DIR, XDG_CACHE_HOME or HOME): "
                    "probing %s uncached", binary);
        return qemu_probe_binary(binary, d);
    }
    const char *why = NULL;
    probe_dir_state state = probe_cache_dir_state(dir, &why);
    if (state == PROBE_DIR_UNSAFE) {
        probe_cache_warn_unsafe(dir, why, d);
        free(dir);
        return qemu_probe_binary(binary, d);
    }
    char *file = probe_cache_file_in(dir, binary);
    qemu_caps *c = NULL;
    if (state == PROBE_DIR_OK)
        c = probe_cache_read(file, binary, &st);
    else
        probe_debug("qemu caps cache miss for %s: no directory %s", binary, dir);
    if (!c) {
        c = qemu_probe_binary(binary, d);
        if (c)
            probe_cache_write(c, binary, &st, dir, file, d);
    }
    free(file);
    free(dir);
    return c;
}
