/*
 * argv_modern.c: the -device generation of QEMU's command line (QEMU 7.2):
 * -machine with properties, -blockdev (or -drive if=none) + -device,
 * -netdev + -device, -chardev + -device, -audiodev, QMP over -chardev/-mon.
 *
 * The line follows the order in which libvirt 9.0 writes it for the same
 * document (its qemuxml2argv test data were the guide): identity and
 * machine, memory and CPUs, the monitor, clock and boot, then controllers,
 * disks, filesystems, NICs, character devices, input, audio, graphics,
 * video, sound, host devices, watchdog, balloon, rng, and last the sandbox
 * and the <qemu:commandline> pass-through.
 *
 * Devices get the PCI addresses the document gives them, the others one of
 * the placement pass (argv_modern_place.c), the first section. This file
 * holds the section list and the domain-wide options; each device family
 * has an emission file of its own (see argv_modern_priv.h for the layers).
 *
 * The devices libvirt adds to a document it reads (a USB controller, the
 * SCSI, SATA and virtio-serial controllers the disks and channels need, a
 * memory balloon, a video adapter for a display) are added here as well.
 * Device types and properties are checked against the capabilities; what
 * they lack is a located error.
 */
#include "argv_modern_priv.h"
#include "../xmldoc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers ---------------------------------------------------------- */

/* ---- boot order ---------------------------------------------------------------- */

/* ---- preparation ------------------------------------------------------------------ */

/* ---- domain-wide sections ------------------------------------------------------- */

/* libvirt's default emulator lives in /usr/bin. */
static bool modern_emulator(qemu_ctx *x)
{
    return qemu_emulator(x, "/usr/bin/");
}

static bool modern_name(qemu_ctx *x)
{
    if (x->dom->name) {
        vc_buf b;
        vc_buf_init(&b);
        qemu_opt_add(&b, "guest", x->dom->name);
        vc_buf_puts(&b, ",debug-threads=on");
        qemu_arg2_take(x, "-name", vc_buf_steal(&b));
    }
    /* A launched guest waits for the monitor's "cont". */
    qemu_arg(x, "-S");
    return true;
}

/* The value of a <timer name=NAME> attribute in the verbatim fragment. */
static char *modern_timer_attr(const char *xml, const char *attr)
{
    char *key = vc_xasprintf(" %s=", attr);
    const char *p = strstr(xml, key);
    free(key);
    if (!p)
        return NULL;
    p = strchr(p, '=') + 1;
    char q = *p;
    if (q != '\'' && q != '"')
        return NULL;
    const char *e = strchr(p + 1, q);
    return e ? vc_xstrndup(p + 1, (size_t)(e - p - 1)) : NULL;
}

/* A timer's setting: name, present, tickpolicy. */
static bool modern_timer_is(const ir_fragment *f, const char *name, const char *attr,
                            const char *value)
{
    char *n = modern_timer_attr(f->xml, "name");
    char *v = modern_timer_attr(f->xml, attr);
    bool r = vc_streq(n, name) && vc_streq(v, value);
    free(n);
    free(v);
    return r;
}

static bool modern_hpet_off(const qemu_ctx *x)
{
    for (size_t i = 0; i < x->dom->clock.timers.n; i++)
        if (modern_timer_is(&x->dom->clock.timers.v[i], "hpet", "present", "no"))
            return true;
    return false;
}


/* Top-level elements the model keeps verbatim and this generation reads. */
static const char *const modern_extra_read[] = {
    "genid", "memoryBacking", "numatune", "iothreads", "iothreadids", "defaultiothread",
    "launchSecurity", "cpu",
};

/* <cpu> is kept whole when it holds more than its fields (a <numa>): this
 * generation reads its mode (a field), <model> and <topology> (fields) and
 * <numa> (the cells, distances and HMAT); only what else it holds is not
 * converted, and named. */
static void modern_cpu_unread(qemu_ctx *x, const ir_fragment *f)
{
    static const char *const read[] = { "model", "topology", "numa" };
    xmlDocPtr doc = modern_xml_parse(f->xml);
    xmlNodePtr cpu = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlAttrPtr a = cpu ? cpu->properties : NULL; a; a = a->next)
        if (strcmp((const char *)a->name, "mode") != 0)
            qemu_warn(x, f->pos, "<cpu %s=> is not modelled; not converted", a->name);
    for (xmlNodePtr k = cpu ? cpu->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE &&
            !qemu_str_in((const char *)k->name, read, VC_ARRAY_SIZE(read)))
            qemu_warn(x, f->pos, "element <%s> of <cpu> is not modelled; not converted",
                      k->name);
    xmlFreeDoc(doc);
}

static bool modern_extra(qemu_ctx *x)
{
    const ir_fragment *cpu = modern_extra_find(x, "cpu");
    if (cpu)
        modern_cpu_unread(x, cpu);
    return qemu_extra_except(x, modern_extra_read, VC_ARRAY_SIZE(modern_extra_read));
}


/* The code is read-only when the document says so, or when an NVRAM file
 * holds the variables; alone, a pflash image is the guest's to write. */
static bool modern_pflash(qemu_ctx *x)
{
    const ir_os *os = &x->dom->os;
    const modern_firmware *fw = &x->modern->fw;
    if (fw->code)
        return modern_firmware_pflash(x);
    if (!os->loader || !vc_streq(os->loader_type, "pflash") || !qemu_has(x, QEMU_CAP_BLOCKDEV))
        return true;
    char *nvram = modern_nvram_path(x);
    bool ro = vc_streq(os->loader_readonly, "yes") || (!os->loader_readonly && nvram);
    modern_pflash_nodes(x, 0, os->loader, ro);
    int net = nvram ? 0 : modern_nvram_network(x);
    if (nvram)
        modern_pflash_nodes(x, 1, nvram, false);
    x->modern->pflash = nvram || net > 0 ? 2 : 1;
    free(nvram);
    /* <loader secure='yes'>: the flash answers only to SMM code */
    const ir_fragment *f = modern_extra_find(x, "os");
    char *secure = f ? modern_fragment_attr(f, "loader", "secure") : NULL;
    if (vc_streq(secure, "yes"))
        qemu_arg2(x, "-global", "driver=cfi.pflash01,property=secure,value=on");
    free(secure);
    return net >= 0;
}

static bool modern_machine(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    qemu_modern *m = x->modern;
    vc_buf b;
    vc_buf_init(&b);
    if (m->machine)
        qemu_opt_escape(&b, m->machine);
    else
        vc_buf_puts(&b, "pc");
    vc_buf_puts(&b, ",usb=off");
    if (m->irqchip_split)
        vc_buf_puts(&b, ",kernel_irqchip=split");
    if (m->nvdimm)
        vc_buf_puts(&b, ",nvdimm=on");
    /* <smm state=>: firmware that needs SMM turns it on itself */
    const ir_feature *smm = ir_domain_feature(dom, "smm");
    if (m->fw.smm || (smm && vc_streq(smm->state, "on")))
        vc_buf_puts(&b, ",smm=on");
    else if (smm && vc_streq(smm->state, "off"))
        vc_buf_puts(&b, ",smm=off");
    if (m->sev.on)
        vc_buf_puts(&b, ",confidential-guest-support=lsec0");
    if (m->pc_ram.type)
        vc_buf_puts(&b, ",memory-backend=pc.ram");
    for (int k = 0; k < m->pflash; k++)
        vc_buf_printf(&b, ",pflash%d=libvirt-pflash%d-format", k, k);
    const ir_feature *vmport = ir_domain_feature(dom, "vmport");
    if (vmport && vmport->state)
        vc_buf_printf(&b, ",vmport=%s", strcmp(vmport->state, "off") == 0 ? "off" : "on");
    if (dom->keywrap_aes)
        vc_buf_printf(&b, ",aes-key-wrap=%s", dom->keywrap_aes);
    if (dom->keywrap_dea)
        vc_buf_printf(&b, ",dea-key-wrap=%s", dom->keywrap_dea);
    vc_buf_puts(&b, ",dump-guest-core=off");
    if (dom->nosharepages)
        vc_buf_puts(&b, ",mem-merge=off");
    if (modern_hpet_off(x))
        vc_buf_puts(&b, ",hpet=off");
    if (m->ncells && modern_numa_hmat(x))
        vc_buf_puts(&b, ",hmat=on");
    bool ok = true;
    char *accel = NULL;   /* -accel kvm,... when the accelerator has properties */
    /* an -accel the document passes through is the accelerator (QEMU
     * takes the first one, and refuses it beside -machine accel=) */
    bool kept_accel = modern_passthrough_defines(dom, "-accel", NULL);
    switch (dom->type) {
    case IR_VIRT_KVM:
        if (!x->caps->accel_kvm)
            ok = qemu_unsupported(x, dom->pos, "domain type 'kvm' (no KVM accelerator)");
        else if (modern_caps_are_probed(x) && access("/dev/kvm", R_OK | W_OK) != 0)
            ok = qemu_error(x, dom->pos, "emulator %s does not support virt type 'kvm' on "
                            "this host: /dev/kvm is not usable (use type='qemu')",
                            qemu_str_or(x->caps->binary, "?"));
        accel = kept_accel ? NULL : modern_accel_kvm(x);
        if (!accel && !kept_accel)
            vc_buf_puts(&b, ",accel=kvm");
        qemu_resource_add(x, "/dev/kvm", QEMU_RES_CHARDEV, false);
        break;
    case IR_VIRT_QEMU:
    case IR_VIRT_NONE:
        if (!x->caps->accel_tcg)
            ok = qemu_unsupported(x, dom->pos, "domain type 'qemu' (no TCG accelerator)");
        accel = kept_accel ? NULL : modern_accel_tcg(x);
        if (!accel && !kept_accel)
            vc_buf_puts(&b, ",accel=tcg");
        break;
    default:
        ok = qemu_unsupported(x, dom->pos, "domain type '%s'",
                              qemu_str_or(ir_virt_type_name(dom->type), "?"));
    }
    qemu_arg2_take(x, "-machine", vc_buf_steal(&b));
    if (accel)
        qemu_arg2_take(x, "-accel", accel);
    return ok;
}

/* CPU flags of <features><hyperv>/<kvm> and those devices ask for (a
 * Hyper-V panic notifier is the hv-crash enlightenment), in libvirt's
 * order. They go on the -cpu just written, or on QEMU's default model
 * when the document names none. */
static bool modern_cpu_flags(qemu_ctx *x)
{
    vc_buf b;
    vc_buf_init(&b);
    bool ok = modern_cpu_hyperv(x, &b);
    if (x->modern->hv_crash)
        vc_buf_puts(&b, ",hv-crash");
    modern_cpu_kvm(x, &b);
    if (!ok || b.len == 0) {
        vc_buf_free(&b);
        return ok;
    }
    vc_strv *argv = &x->launch->argv;
    if (argv->n >= 2 && strcmp(argv->v[argv->n - 2], "-cpu") == 0) {
        char *old = argv->v[argv->n - 1];
        argv->v[argv->n - 1] = vc_xasprintf("%s%s", old, vc_buf_str(&b));
        free(old);
    } else {
        qemu_arg2_take(x, "-cpu", vc_xasprintf("%s%s", modern_is_x86(x) ? "qemu64" : "max",
                                               vc_buf_str(&b)));
    }
    vc_buf_free(&b);
    return true;
}

static bool modern_cpu(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    bool kvm = dom->type == IR_VIRT_KVM;
    const char *mode = dom->cpu_mode;
    if (mode && (strcmp(mode, "host-passthrough") == 0 || strcmp(mode, "host-model") == 0 ||
                 strcmp(mode, "maximum") == 0)) {
        /* TCG has no host CPU to pass through; "max" is its nearest. */
        const char *model = kvm && strcmp(mode, "maximum") != 0 ? "host" : "max";
        if (!kvm && strcmp(mode, "maximum") != 0)
            qemu_warn(x, dom->pos, "CPU mode '%s' needs KVM; a TCG guest gets the 'max' CPU",
                      mode);
        qemu_arg2(x, "-cpu", model);
        return modern_cpu_flags(x);
    }
    return qemu_cpu_custom(x) && modern_cpu_flags(x);
}

/* Memory in KiB rounded up to a MiB, as libvirt aligns it. */
static unsigned long long modern_mib_align(unsigned long long kib)
{
    return (kib + 1023) / 1024 * 1024;
}

static bool modern_memory(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    if (dom->memory_kib == 0)
        return qemu_error(x, dom->pos, "the domain has no memory size");
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "size=%lluk", modern_mib_align(x->modern->ram_kib));
    if (dom->max_memory_kib) {
        if (dom->max_memory_kib < dom->memory_kib) {
            vc_buf_free(&b);
            return qemu_error(x, dom->pos, "maxMemory (%llu KiB) is below memory (%llu KiB)",
                              dom->max_memory_kib, dom->memory_kib);
        }
        vc_buf_printf(&b, ",slots=%u,maxmem=%lluk", dom->max_memory_slots,
                      modern_mib_align(dom->max_memory_kib));
    }
    qemu_arg2_take(x, "-m", vc_buf_steal(&b));
    qemu_arg2(x, "-overcommit", modern_mem_locked(x) ? "mem-lock=on" : "mem-lock=off");
    return true;
}

static bool modern_smp(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    unsigned max, cur;
    qemu_vcpus(dom, &max, &cur);
    const ir_cpu_topology *t = &dom->topology;
    unsigned sockets = qemu_topology_given(t) ? (t->sockets ? t->sockets : 1) : max;
    unsigned dies = t->dies ? t->dies : 1;
    unsigned cores = t->cores ? t->cores : 1;
    unsigned threads = t->threads ? t->threads : 1;
    if ((unsigned long long)sockets * dies * cores * threads != max)
        return qemu_error(x, dom->pos, "CPU topology %u sockets x %u dies x %u cores x %u "
                          "threads does not make the %u vCPUs", sockets, dies, cores,
                          threads, max);
    const qemu_caps_machine *mach = qemu_caps_machine_lookup(x->caps, x->modern->machine);
    if (mach && mach->max_cpus && max > mach->max_cpus)
        return qemu_unsupported(x, dom->pos, "%u vCPUs on machine '%s' (at most %u)", max,
                                mach->name, mach->max_cpus);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%u", cur);
    if (cur != max)
        vc_buf_printf(&b, ",maxcpus=%u", max);
    vc_buf_printf(&b, ",sockets=%u", sockets);
    if (t->dies)
        vc_buf_printf(&b, ",dies=%u", dies);
    vc_buf_printf(&b, ",cores=%u,threads=%u", cores, threads);
    qemu_arg2_take(x, "-smp", vc_buf_steal(&b));
    return true;
}

static bool modern_uuid(qemu_ctx *x)
{
    char uuid[37];
    ir_uuid_format(x->dom->uuid, uuid);
    qemu_arg2(x, "-uuid", uuid);
    if (qemu_count_devices(x, IR_DEV_GRAPHICS, -1) == 0)
        qemu_arg2(x, "-display", "none");
    if (qemu_has(x, QEMU_CAP_NODEFCONFIG))
        qemu_arg(x, "-no-user-config");
    if (qemu_has(x, QEMU_CAP_NODEFAULTS))
        qemu_arg(x, "-nodefaults");
    return true;
}

static bool modern_monitor(qemu_ctx *x)
{
    const char *given = x->opts->monitor_socket;
    char *sock = given ? vc_xstrdup(given) : vc_xasprintf("%s/monitor.sock", x->modern->domdir);
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_puts(&b, "socket,id=charmonitor");
    qemu_opt_add(&b, "path", sock);
    vc_buf_puts(&b, ",server=on,wait=off");
    qemu_arg2_take(x, "-chardev", vc_buf_steal(&b));
    qemu_arg2(x, "-mon", "chardev=charmonitor,id=monitor,mode=control");
    qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
    free(sock);
    return true;
}

/* offset='variable' is a start time: now plus the adjustment. */
static char *modern_clock_variable(qemu_ctx *x)
{
    const ir_clock *clk = &x->dom->clock;
    long long adj = 0;
    if (clk->adjustment && !vc_parse_ll(clk->adjustment, 10, &adj)) {
        qemu_error(x, x->dom->pos, "clock adjustment '%s' is not a number", clk->adjustment);
        return NULL;
    }
    time_t t = time(NULL) + (time_t)adj;
    struct tm tm;
    if (vc_streq(clk->basis, "localtime"))
        localtime_r(&t, &tm);
    else
        gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    return vc_xstrdup(buf);
}

/* offset='absolute' is a fixed start: start= seconds since the epoch, UTC. */
static char *modern_clock_absolute(qemu_ctx *x)
{
    const ir_clock *clk = &x->dom->clock;
    unsigned long long secs;
    struct tm tm;
    /* gmtime stops at year 9999's end for a four-digit -rtc base. */
    if (!clk->start || !vc_parse_ull(clk->start, 10, &secs) || secs > 253402300799ULL) {
        qemu_error(x, clk->pos.line ? clk->pos : x->dom->pos,
                   "clock offset 'absolute' needs a start= of seconds since "
                   "the epoch (up to 253402300799), not '%s'", qemu_str_or(clk->start, ""));
        return NULL;
    }
    time_t t = (time_t)secs;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    return vc_xstrdup(buf);
}

static bool modern_clock(qemu_ctx *x)
{
    const ir_clock *clk = &x->dom->clock;
    vc_buf b;
    vc_buf_init(&b);
    switch (clk->offset) {
    case IR_CLOCK_NONE:
    case IR_CLOCK_UTC:
        vc_buf_puts(&b, "base=utc");
        break;
    case IR_CLOCK_LOCALTIME:
        vc_buf_puts(&b, "base=localtime");
        break;
    case IR_CLOCK_TIMEZONE:
        if (!clk->timezone) {
            vc_buf_free(&b);
            return qemu_error(x, x->dom->pos, "clock offset 'timezone' needs a timezone");
        }
        qemu_env(x, "TZ", clk->timezone);
        vc_buf_puts(&b, "base=localtime");
        break;
    case IR_CLOCK_VARIABLE:
    case IR_CLOCK_ABSOLUTE: {
        char *when = clk->offset == IR_CLOCK_VARIABLE ? modern_clock_variable(x)
                                                      : modern_clock_absolute(x);
        if (!when) {
            vc_buf_free(&b);
            return false;
        }
        vc_buf_printf(&b, "base=%s", when);
        free(when);
        break;
    }
    default:
        vc_buf_free(&b);
        return qemu_unsupported(x, x->dom->pos, "clock offset '%s'",
                                qemu_str_or(ir_clock_offset_name(clk->offset), "?"));
    }
    bool pit_delay = false;
    for (size_t i = 0; i < clk->timers.n; i++) {
        const ir_fragment *f = &clk->timers.v[i];
        if (modern_timer_is(f, "rtc", "tickpolicy", "catchup"))
            vc_buf_puts(&b, ",driftfix=slew");
        else if (modern_timer_is(f, "pit", "tickpolicy", "delay"))
            pit_delay = true;
        else if (!modern_timer_is(f, "hpet", "present", "no"))
            qemu_warn(x, f->pos, "this clock timer setting is not converted");
    }
    qemu_arg2_take(x, "-rtc", vc_buf_steal(&b));
    if (pit_delay && x->dom->type == IR_VIRT_KVM)
        qemu_arg2(x, "-global", "kvm-pit.lost_tick_policy=delay");
    return true;
}

static bool modern_lifecycle(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    if (qemu_has(x, QEMU_CAP_NO_SHUTDOWN))
        qemu_arg(x, "-no-shutdown");
    if (dom->on_reboot == IR_LIFE_DESTROY)
        qemu_arg(x, "-no-reboot");
    else if (dom->on_reboot != IR_LIFE_NONE && dom->on_reboot != IR_LIFE_RESTART)
        return qemu_unsupported(x, dom->pos, "on_reboot '%s'",
                                qemu_str_or(ir_lifecycle_name(dom->on_reboot), "?"));
    return true;
}

/* Features a PC has without being asked; acpi is turned off by a switch;
 * smm is a -machine property (modern_machine); hyperv/kvm are written on
 * -cpu (modern_cpu_flags). */
static const char *const modern_quiet_features[] = { "acpi", "apic", "pae", "vmport", "smm",
                                                     "hyperv", "kvm", "tcg" };

static bool modern_features(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    if (modern_is_x86(x) && !qemu_no_acpi(x))
        return false;
    qemu_pm_globals(x, x->modern->q35 ? "ICH9-LPC" : "PIIX4_PM");
    for (size_t i = 0; i < dom->nfeatures; i++) {
        if (!qemu_str_in(dom->features[i].name, modern_quiet_features,
                         VC_ARRAY_SIZE(modern_quiet_features)))
            qemu_warn(x, dom->pos, "feature '%s' is not converted", dom->features[i].name);
    }
    return true;
}

static bool modern_boot(qemu_ctx *x)
{
    const ir_domain *dom = x->dom;
    const ir_os *os = &dom->os;
    bool ok = true;
    if (os->type && strcmp(os->type, "hvm") != 0)
        ok = qemu_unsupported(x, os->pos, "OS type '%s'", os->type);
    if (os->init)
        ok = qemu_unsupported(x, os->pos, "container init");
    if (dom->bootloader)
        ok = qemu_unsupported(x, dom->pos, "a host-side bootloader");
    if (x->modern->boot_used || os->bootmenu == IR_TRI_YES) {
        vc_buf b;
        vc_buf_init(&b);
        if (os->bootmenu == IR_TRI_YES)
            vc_buf_puts(&b, "menu=on,");
        vc_buf_puts(&b, "strict=on");
        qemu_arg2_take(x, "-boot", vc_buf_steal(&b));
    }
    if (os->loader) {
        if (vc_streq(os->loader_type, "pflash") && qemu_has(x, QEMU_CAP_BLOCKDEV)) {
            /* -blockdev nodes, before -machine (modern_pflash) */
        } else if (vc_streq(os->loader_type, "pflash")) {
            vc_buf b;
            vc_buf_init(&b);
            qemu_opt_add(&b, "file", os->loader);
            vc_buf_puts(&b, ",if=pflash,format=raw,unit=0");
            if (!vc_streq(os->loader_readonly, "no"))
                vc_buf_puts(&b, ",readonly=on");
            qemu_arg2_take(x, "-drive", vc_buf_steal(&b));
            qemu_resource_add(x, os->loader, QEMU_RES_FILE, !vc_streq(os->loader_readonly, "no"));
            if (os->nvram) {
                vc_buf_init(&b);
                qemu_opt_add(&b, "file", os->nvram);
                vc_buf_puts(&b, ",if=pflash,format=raw,unit=1");
                qemu_arg2_take(x, "-drive", vc_buf_steal(&b));
                qemu_resource_add(x, os->nvram, QEMU_RES_FILE, false);
            }
        } else {
            qemu_arg2(x, "-bios", os->loader);
            qemu_resource_add(x, os->loader, QEMU_RES_FILE, true);
        }
    } else if (os->nvram && !x->modern->fw.code) {
        ok = qemu_error(x, os->pos, "an NVRAM file needs a pflash <loader>");
    }
    qemu_kernel_boot(x);
    return ok;
}

/* ---- the rest ------------------------------------------------------------------------------ */

static bool modern_sandbox(qemu_ctx *x)
{
    if (qemu_has(x, QEMU_CAP_SANDBOX))
        qemu_arg2(x, "-sandbox",
                  "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    if (qemu_caps_has_option(x->caps, "msg"))
        qemu_arg2(x, "-msg", "timestamp=on");
    return true;
}

/* ---- the tables -------------------------------------------------------------------------- */

const qemu_dev_fn qemu_modern_dev[IR_DEV_LAST] = {
    [IR_DEV_DISK] = modern_disk,
    [IR_DEV_CONTROLLER] = modern_controller,
    [IR_DEV_FILESYSTEM] = modern_filesystem,
    [IR_DEV_INTERFACE] = modern_interface,
    [IR_DEV_CHR] = modern_chr,
    [IR_DEV_INPUT] = modern_input,
    [IR_DEV_GRAPHICS] = modern_graphics,
    [IR_DEV_SOUND] = modern_sound,
    [IR_DEV_VIDEO] = modern_video,      /* run by modern_videos: primary first */
    [IR_DEV_HOSTDEV] = modern_hostdev,
    [IR_DEV_WATCHDOG] = modern_watchdog,
    [IR_DEV_MEMBALLOON] = modern_memballoon,
    [IR_DEV_RNG] = modern_rng,
    [IR_DEV_OTHER] = modern_other,
    [IR_DEV_AUDIO] = modern_audio,
    [IR_DEV_TPM] = modern_tpm,
    [IR_DEV_IOMMU] = modern_iommu,
    [IR_DEV_VSOCK] = modern_vsock,
    [IR_DEV_PANIC] = modern_panic,
    [IR_DEV_MEMORY] = modern_memory_dev,
    [IR_DEV_SMARTCARD] = modern_smartcard,
    [IR_DEV_REDIRDEV] = modern_redirdev,
};

const qemu_section qemu_modern_sections[] = {
    QEMU_SEC(modern_place),
    QEMU_SEC(modern_emulator),
    QEMU_SEC(modern_name),
    QEMU_SEC(modern_pflash),
    QEMU_SEC(modern_machine),
    QEMU_SEC(modern_cpu),
    QEMU_SEC(modern_memory),
    QEMU_SEC(modern_ram_whole),
    QEMU_SEC(modern_smp),
    QEMU_SEC(modern_iothreads),
    QEMU_SEC(modern_numa),
    QEMU_SEC(modern_uuid),
    QEMU_SEC(modern_genid),
    QEMU_SEC(modern_monitor),
    QEMU_SEC(modern_clock),
    QEMU_SEC(modern_lifecycle),
    QEMU_SEC(modern_features),
    QEMU_SEC(modern_boot),
    QEMU_SEC(modern_iommu_intel),
    QEMU_SEC(modern_controllers_pre),
    QEMU_DEV(IR_DEV_IOMMU, NULL),
    QEMU_DEV(IR_DEV_CONTROLLER, NULL),
    QEMU_SEC(modern_controllers_implicit),
    QEMU_DEV(IR_DEV_MEMORY, NULL),
    QEMU_SEC(modern_fdc),
    QEMU_DEV(IR_DEV_DISK, NULL),
    QEMU_DEV(IR_DEV_FILESYSTEM, NULL),
    QEMU_DEV(IR_DEV_INTERFACE, NULL),
    QEMU_CHR(IR_CHRDEV_SERIAL, NULL),
    QEMU_CHR(IR_CHRDEV_PARALLEL, NULL),
    QEMU_CHR(IR_CHRDEV_CONSOLE, NULL),
    QEMU_CHR(IR_CHRDEV_CHANNEL, NULL),
    QEMU_DEV(IR_DEV_SMARTCARD, NULL),
    QEMU_DEV(IR_DEV_TPM, NULL),
    QEMU_DEV(IR_DEV_INPUT, NULL),
    QEMU_DEV(IR_DEV_AUDIO, modern_audio_implicit),
    QEMU_DEV(IR_DEV_GRAPHICS, NULL),
    QEMU_SEC(modern_videos),
    QEMU_DEV(IR_DEV_SOUND, NULL),
    QEMU_DEV(IR_DEV_HOSTDEV, NULL),
    QEMU_DEV(IR_DEV_REDIRDEV, NULL),
    QEMU_DEV(IR_DEV_WATCHDOG, NULL),
    QEMU_DEV(IR_DEV_MEMBALLOON, modern_memballoon_none),
    QEMU_DEV(IR_DEV_RNG, NULL),
    QEMU_DEV(IR_DEV_OTHER, NULL),
    QEMU_SEC(modern_extra),
    QEMU_SEC(modern_launch_security),
    QEMU_SEC(modern_sandbox),
    QEMU_DEV(IR_DEV_PANIC, NULL),
    QEMU_DEV(IR_DEV_VSOCK, NULL),
    QEMU_SEC(qemu_cmdline),
};

const size_t qemu_modern_nsections = VC_ARRAY_SIZE(qemu_modern_sections);
