/*
 * argv_read.c: the qemu-argv reader's driver: shell words -> environment,
 * emulator and options; each option checked against the table of what QEMU
 * has, its value parsed, then handled in command-line order (backends first,
 * so a -device can name a -blockdev that follows it).
 */
#include "argv_read.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv_read_priv.h"

/* Every option QEMU has (qemu-system-x86_64 -help, today's and QEMU 0.x's),
 * with how its value is written and who reads it. fn NULL: kept as
 * <qemu:commandline>.
 *
 * The options read as implied (qr_opt_implied: nothing of them is kept),
 * each because dropping it loses nothing of the guest:
 *   -no-kqemu       kqemu off: the legacy emitter's own word for a type='qemu'
 *                   guest on a kqemu binary; no QEMU since 0.12 has kqemu;
 *   -no-shutdown    both emitters write it (the guest's power-off reaches the
 *                   manager, which applies <on_poweroff>);
 *   -pidfile FILE,  the supervisor knows its QEMU's pid and keeps it in the
 *   -daemonize      foreground itself: process management, not the guest;
 *   -no-user-config / -nodefconfig: the emitters write them (no host config
 *                   file is read), so a script with them is the same guest;
 *                   one without them read /etc/qemu/ (that is host state).
 * Read by their own handlers, key by key against what the 7.2 emitter
 * writes (qr_opt_sandbox, qr_opt_overcommit, qr_opt_msg): a value other
 * than virtc's own is kept as another -OPT (QEMU merges them, the kept one
 * last, so it wins). -S (paused at start) is a start-time choice, not the
 * guest's: warned about (virtc start --paused), as keeping it would not
 * pause the guest (the runtime resumes it either way). */
static const qr_optdef qr_opts[] = {
    /* the machine */
    { "M", QR_KV, "type", qr_opt_machine },
    { "machine", QR_KV, "type", qr_opt_machine },
    { "accel", QR_KV, "accel", qr_opt_accel },
    { "enable-kvm", QR_NOARG, NULL, qr_opt_simple },
    { "no-kvm", QR_NOARG, NULL, qr_opt_simple },
    { "no-kqemu", QR_NOARG, NULL, qr_opt_implied },
    { "kernel-kqemu", QR_NOARG, NULL, NULL },
    { "cpu", QR_WORD, NULL, qr_opt_cpu },
    { "smp", QR_KV, "cpus", qr_opt_smp },
    { "m", QR_KV, "size", qr_opt_memory },
    { "mem-prealloc", QR_NOARG, NULL, qr_opt_mem_prealloc },
    { "name", QR_KV, "guest", qr_opt_name },
    { "uuid", QR_WORD, NULL, qr_opt_uuid },
    { "boot", QR_KV, "order", qr_opt_boot },
    { "rtc", QR_KV, NULL, qr_opt_rtc },
    { "localtime", QR_NOARG, NULL, qr_opt_simple },
    { "no-acpi", QR_NOARG, NULL, qr_opt_simple },
    { "no-reboot", QR_NOARG, NULL, qr_opt_simple },
    { "no-shutdown", QR_NOARG, NULL, qr_opt_implied },
    { "S", QR_NOARG, NULL, qr_opt_paused },
    { "kernel", QR_WORD, NULL, qr_opt_os_path },
    { "initrd", QR_WORD, NULL, qr_opt_os_path },
    { "append", QR_WORD, NULL, qr_opt_os_path },
    { "bios", QR_WORD, NULL, qr_opt_os_path },
    { "dtb", QR_WORD, NULL, qr_opt_os_path },
    { "pidfile", QR_WORD, NULL, qr_opt_implied },
    { "daemonize", QR_NOARG, NULL, qr_opt_implied },
    { "no-user-config", QR_NOARG, NULL, qr_opt_implied },
    { "nodefaults", QR_NOARG, NULL, qr_opt_simple },
    { "nodefconfig", QR_NOARG, NULL, qr_opt_implied },
    { "sandbox", QR_KV, "enable", qr_opt_sandbox },
    { "overcommit", QR_KV, NULL, qr_opt_overcommit },
    { "msg", QR_KV, NULL, qr_opt_msg },
    { "watchdog-action", QR_WORD, NULL, qr_opt_watchdog_action },
    /* display */
    { "nographic", QR_NOARG, NULL, qr_opt_simple },
    { "vnc", QR_KV, "vnc", qr_opt_vnc },
    { "sdl", QR_NOARG, NULL, qr_opt_simple },
    { "full-screen", QR_NOARG, NULL, qr_opt_simple },
    { "display", QR_KV, "type", qr_opt_display },
    { "spice", QR_KV, NULL, qr_opt_spice },
    { "k", QR_WORD, NULL, qr_opt_keymap },
    { "vga", QR_WORD, NULL, qr_opt_vga },
    { "std-vga", QR_NOARG, NULL, qr_opt_simple },
    { "vmwarevga", QR_NOARG, NULL, qr_opt_simple },
    /* legacy devices */
    { "hda", QR_WORD, NULL, qr_opt_hdx },
    { "hdb", QR_WORD, NULL, qr_opt_hdx },
    { "hdc", QR_WORD, NULL, qr_opt_hdx },
    { "hdd", QR_WORD, NULL, qr_opt_hdx },
    { "cdrom", QR_WORD, NULL, qr_opt_hdx },
    { "fda", QR_WORD, NULL, qr_opt_hdx },
    { "fdb", QR_WORD, NULL, qr_opt_hdx },
    { "drive", QR_KV, NULL, qr_opt_drive },
    { "net", QR_KV, "type", qr_opt_net },
    { "usb", QR_NOARG, NULL, qr_opt_usb },
    { "usbdevice", QR_WORD, NULL, qr_opt_usbdevice },
    { "soundhw", QR_WORD, NULL, qr_opt_soundhw },
    { "pcidevice", QR_WORD, NULL, qr_opt_pcidevice },
    { "serial", QR_WORD, NULL, qr_opt_serial },
    { "parallel", QR_WORD, NULL, qr_opt_serial },
    { "monitor", QR_WORD, NULL, qr_opt_serial },
    /* today's devices and backends */
    { "device", QR_KV_JSON, "driver", qr_opt_device },
    { "blockdev", QR_KV_JSON, "driver", qr_opt_backend },
    { "netdev", QR_KV_JSON, "type", qr_opt_backend },
    { "chardev", QR_KV, "backend", qr_opt_backend },
    { "audiodev", QR_KV_JSON, "driver", qr_opt_backend },
    { "object", QR_KV_JSON, "qom-type", qr_opt_backend },
    { "mon", QR_KV, "chardev", qr_opt_mon },
    { "global", QR_WORD, NULL, qr_opt_global },
    /* QEMU has these; the model has no place for them */
    { "numa", QR_KV, "type", qr_opt_numa },
    { "add-fd", QR_WORD, NULL, NULL },
    { "set", QR_WORD, NULL, qr_opt_set },
    { "mem-path", QR_WORD, NULL, NULL },
    { "audio", QR_WORD, NULL, NULL },
    { "mtdblock", QR_WORD, NULL, NULL },
    { "sd", QR_WORD, NULL, NULL },
    { "pflash", QR_WORD, NULL, NULL },
    { "snapshot", QR_NOARG, NULL, NULL },
    { "fsdev", QR_KV, "fsdriver", qr_opt_backend },
    { "virtfs", QR_KV, "fsdriver", qr_opt_virtfs },
    { "iscsi", QR_WORD, NULL, NULL },
    { "portrait", QR_NOARG, NULL, NULL },
    { "rotate", QR_WORD, NULL, NULL },
    { "win2k-hack", QR_NOARG, NULL, NULL },
    { "no-fd-bootchk", QR_NOARG, NULL, NULL },
    { "no-hpet", QR_NOARG, NULL, NULL },
    { "acpitable", QR_WORD, NULL, NULL },
    { "smbios", QR_WORD, NULL, NULL },
    { "nic", QR_KV, "type", qr_opt_nic },
    { "tpmdev", QR_KV, "type", qr_opt_backend },
    { "compat", QR_WORD, NULL, NULL },
    { "fw_cfg", QR_WORD, NULL, NULL },
    { "qmp", QR_WORD, NULL, NULL },
    { "qmp-pretty", QR_WORD, NULL, NULL },
    { "debugcon", QR_WORD, NULL, NULL },
    { "singlestep", QR_NOARG, NULL, NULL },
    { "gdb", QR_WORD, NULL, NULL },
    { "s", QR_NOARG, NULL, NULL },
    { "d", QR_WORD, NULL, NULL },
    { "D", QR_WORD, NULL, NULL },
    { "dfilter", QR_WORD, NULL, NULL },
    { "seed", QR_WORD, NULL, NULL },
    { "L", QR_WORD, NULL, NULL },
    { "xen-domid", QR_WORD, NULL, NULL },
    { "xen-attach", QR_NOARG, NULL, NULL },
    { "domid", QR_WORD, NULL, NULL },
    { "action", QR_WORD, NULL, NULL },
    { "loadvm", QR_WORD, NULL, NULL },
    { "option-rom", QR_WORD, NULL, NULL },
    { "icount", QR_WORD, NULL, NULL },
    { "echr", QR_WORD, NULL, NULL },
    { "incoming", QR_WORD, NULL, NULL },
    { "only-migratable", QR_NOARG, NULL, NULL },
    { "chroot", QR_WORD, NULL, NULL },
    { "runas", QR_WORD, NULL, NULL },
    { "readconfig", QR_WORD, NULL, NULL },
    { "trace", QR_WORD, NULL, NULL },
    { "plugin", QR_WORD, NULL, NULL },
    { "bootloader", QR_WORD, NULL, NULL },
    { "tdf", QR_NOARG, NULL, NULL },
    { "no-hpet", QR_NOARG, NULL, NULL },
};

const qr_optdef *qr_optdef_find(const char *name)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_opts); i++)
        if (strcmp(qr_opts[i].name, name) == 0)
            return &qr_opts[i];
    return NULL;
}

/* ---- locations and diagnostics ---- */

vc_loc qr_loc(const qemu_reader *r, const shw_word *w, size_t off)
{
    vc_loc l = { r->file, 1, 1 };
    size_t at = w ? (off <= w->len ? w->src[off] : w->src[w->len]) : off;
    if (w && off == 0)
        at = w->len ? w->src[0] : w->start;
    shw_locate(r->src, r->len, at, &l.line, &l.column);
    return l;
}

bool qr_error(qemu_reader *r, const shw_word *w, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vc_verror_at(r->d, qr_loc(r, w, off), fmt, ap);
    va_end(ap);
    return false;
}

void qr_warn(qemu_reader *r, const shw_word *w, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = vc_xvasprintf(fmt, ap);
    va_end(ap);
    vc_warn_at(r->d, qr_loc(r, w, off), "%s", m);
    free(m);
}

void qr_passthrough(qemu_reader *r, const char *const *args, size_t n)
{
    ir_domain *dom = r->dom;
    if (!dom->qemu_cmdline)
        dom->qemu_cmdline = vc_xcalloc(1, sizeof(ir_qemu_cmdline));
    ir_qemu_cmdline *q = dom->qemu_cmdline;
    for (size_t i = 0; i < n; i++) {
        vc_xgrow((void **)&q->args, &q->capargs, q->nargs + 1, sizeof(char *));
        q->args[q->nargs++] = vc_xstrdup(args[i]);
    }
}

bool qr_keep_option(qemu_reader *r, qr_opt *o, const char *why)
{
    /* a kept device's bootindex is part of the boot order: -boot order=
     * no longer says it alone */
    for (size_t i = 0; i < o->props.n; i++)
        if (strcmp(o->props.v[i].key, "bootindex") == 0)
            r->has_bootindex = true;
    char *audio = qr_audio_rewrite(r, o);
    const char *args[2] = { o->flag->text, audio ? audio : o->arg ? o->arg->text : NULL };
    qr_passthrough(r, args, o->arg ? 2 : 1);
    free(audio);
    qr_warn(r, o->flag, 0, "%s%s%s; kept as <qemu:commandline>", o->flag->text,
            why ? ": " : "", why ? why : " has no place in the domain model");
    return true;
}

qr_opt *qr_backend(qemu_reader *r, const char *optname, const char *id)
{
    const char *key = strcmp(optname, "blockdev") == 0 ? "node-name" : "id";
    for (size_t i = 0; i < r->nopts; i++) {
        qr_opt *o = &r->opts[i];
        if (strcmp(o->def->name, optname) != 0)
            continue;
        for (size_t k = o->props.n; k-- > 0;)
            if (strcmp(o->props.v[k].key, key) == 0) {
                if (vc_streq(o->props.v[k].value, id))
                    return o;
                break;
            }
    }
    return NULL;
}

void qr_set(char **field, const char *value)
{
    char *copy = vc_xstrdup(value);
    free(*field);
    *field = copy;
}

char *qr_strdup_word(const shw_word *w)
{
    return vc_xstrndup(w->text, w->len);
}

ir_device *qr_add_device(qemu_reader *r, ir_device_kind kind, const shw_word *w)
{
    vc_loc l = qr_loc(r, w, 0);
    return ir_domain_add_device(r->dom, kind, (ir_pos){ l.line, l.column });
}

void qr_boot_dev_add(ir_os *os, ir_boot_dev b)
{
    for (size_t i = 0; i < os->nboot; i++)
        if (os->boot[i] == b)
            return;
    if (os->nboot < IR_BOOT_LAST)
        os->boot[os->nboot++] = b;
}

/* ---- words -> options ---- */

static bool qr_is_env_word(const shw_word *w)
{
    const char *t = w->text;
    if (!((*t >= 'A' && *t <= 'Z') || (*t >= 'a' && *t <= 'z') || *t == '_'))
        return false;
    size_t n = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    return t[n] == '=';
}

/* The environment virtc writes itself (domxml-to-native's and libvirt's). */
static const char *const qr_own_env[] = {
    "LC_ALL", "PATH", "HOME", "USER", "LOGNAME",
    "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "TMPDIR",
};

void qr_env_add(qemu_reader *r, const char *name, const char *value)
{
    if (!r->dom->qemu_cmdline)
        r->dom->qemu_cmdline = vc_xcalloc(1, sizeof(ir_qemu_cmdline));
    ir_qemu_cmdline *q = r->dom->qemu_cmdline;
    vc_xgrow((void **)&q->env, &q->capenv, q->nenv + 1, sizeof(ir_qemu_env));
    q->env[q->nenv++] = (ir_qemu_env){ vc_xstrdup(name), vc_xstrdup(value) };
}

/* Some word of the command line is this option (-audiodev). */
static bool qr_words_have(const qemu_reader *r, const char *flag)
{
    for (size_t i = 0; i < r->words.n; i++)
        if (strcmp(r->words.v[i].text, flag) == 0)
            return true;
    return false;
}

static void qr_env(qemu_reader *r, const shw_word *w)
{
    const char *eq = strchr(w->text, '=');
    char *name = vc_xstrndup(w->text, (size_t)(eq - w->text));
    /* QEMU 0.x's way of saying "no audio", which is virtc's default; with
     * an -audiodev QEMU does not read it, and it is kept as written */
    if (strcmp(name, "QEMU_AUDIO_DRV") == 0 && strcmp(eq + 1, "none") == 0 &&
        !qr_words_have(r, "-audiodev")) {
        free(name);
        return;
    }
    if (strcmp(name, "PATH") == 0)   /* where a relative emulator is found */
        qr_set(&r->env_path, eq + 1);
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_own_env); i++)
        if (strcmp(name, qr_own_env[i]) == 0) {
            free(name);
            return;
        }
    static const char *const sdl_drivers[] = { "alsa", "esd", "pulseaudio", "oss" };
    bool sdl_driver = false;
    for (size_t i = 0; i < VC_ARRAY_SIZE(sdl_drivers); i++)
        sdl_driver = sdl_driver || strcmp(eq + 1, sdl_drivers[i]) == 0;
    if (strcmp(name, "SDL_AUDIODRIVER") == 0 && sdl_driver) {   /* <audio type='sdl' driver=> */
        qr_set(&r->env_sdl_audio, eq + 1);
        free(name);
        return;
    }
    /* an SDL window's display and X authority: <graphics type='sdl'> (qr_finish) */
    if (strcmp(name, "DISPLAY") == 0 || strcmp(name, "XAUTHORITY") == 0) {
        qr_set(name[0] == 'D' ? &r->env_display : &r->env_xauth, eq + 1);
        free(name);
        return;
    }
    qr_env_add(r, name, eq + 1);
    qr_warn(r, w, 0, "environment variable '%s' kept as <qemu:env>", name);
    free(name);
}

/* Emulator name -> architecture; the rest of the domain type comes from
 * -enable-kvm / accel=. */
static const struct { const char *name; const char *arch; bool kvm; } qr_emulators[] = {
    { "qemu", "i686", false }, { "qemu-kvm", "x86_64", true }, { "kvm", "x86_64", true },
    { "qemu-system-x86_64", "x86_64", false }, { "qemu-system-i386", "i686", false },
    { "qemu-system-aarch64", "aarch64", false }, { "qemu-system-arm", "armv7l", false },
    { "qemu-system-ppc64", "ppc64", false }, { "qemu-system-ppc", "ppc", false },
    { "qemu-system-s390x", "s390x", false }, { "qemu-system-mips", "mips", false },
    { "qemu-system-mipsel", "mipsel", false }, { "qemu-system-riscv64", "riscv64", false },
    { "qemu-system-sparc", "sparc", false },
};

/* QEMU's system emulators, qemu-system-TARGET (QEMU 7.2's targets, and
 * Debian's x86_64-microvm build), and the architecture each is in the
 * domain format where the names differ; then the format's own names of
 * those architectures, which hosts (and libvirt's tests) give their
 * binaries too (qemu-system-i686). A name outside this list is no QEMU
 * binary: the architecture is not guessed from it. */
static const struct { const char *target; const char *arch; } qr_system_targets[] = {
    { "aarch64", NULL }, { "alpha", NULL }, { "arm", "armv7l" }, { "cris", NULL },
    { "hppa", "parisc" }, { "i386", "i686" }, { "m68k", NULL }, { "microblaze", NULL },
    { "microblazeel", NULL }, { "mips", NULL }, { "mips64", NULL }, { "mips64el", NULL },
    { "mipsel", NULL }, { "or1k", "openrisc" }, { "ppc", NULL }, { "ppc64", NULL },
    { "riscv32", NULL }, { "riscv64", NULL }, { "s390x", NULL }, { "sh4", NULL },
    { "sh4eb", NULL }, { "sparc", NULL }, { "sparc64", NULL }, { "x86_64", NULL },
    { "x86_64-microvm", "x86_64" }, { "xtensa", NULL }, { "xtensaeb", NULL },
    { "i686", NULL }, { "armv6l", NULL }, { "armv7l", NULL }, { "parisc", NULL },
    { "parisc64", NULL }, { "openrisc", NULL }, { "ppc64le", NULL }, { "s390", NULL },
};

static char *qr_system_target(const char *target)
{
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_system_targets); i++)
        if (strcmp(target, qr_system_targets[i].target) == 0)
            return vc_xstrdup(qr_system_targets[i].arch ? qr_system_targets[i].arch : target);
    return NULL;
}

/* A command name without a slash is found through PATH, and <emulator> is
 * an absolute path. QEMU's binary for the guest's architecture
 * (qemu-system-ARCH, i386 for every 32-bit x86) is what a domain without
 * <emulator> runs, so the domain names none; another name keeps the
 * first PATH directory (the command line's PATH, else the reader's)
 * holding that program. */
static void qr_emulator_path(qemu_reader *r, const shw_word *w)
{
    static const char *const x86_32[] = { "i686", "i586", "i486", "i386" };
    const char *arch = r->dom->os.arch;
    for (size_t i = 0; i < VC_ARRAY_SIZE(x86_32); i++)
        if (strcmp(arch, x86_32[i]) == 0)
            arch = "i386";
    char *dflt = vc_xasprintf("qemu-system-%s", arch);
    bool is_default = strcmp(w->text, dflt) == 0;
    free(dflt);
    free(r->dom->emulator);
    r->dom->emulator = NULL;
    if (is_default) {
        qr_warn(r, w, 0, "emulator '%s' is found through PATH: the domain names no "
                "<emulator>, which runs its architecture's QEMU", w->text);
        return;
    }
    const char *path = r->env_path ? r->env_path : getenv("PATH");
    for (const char *p = path ? path : ""; *p && !r->dom->emulator;) {
        size_t n = strcspn(p, ":");
        char *cand = vc_xasprintf("%.*s/%s", (int)n, p, w->text);
        if (cand[0] == '/' && access(cand, X_OK) == 0)
            r->dom->emulator = cand;
        else
            free(cand);
        p += n + (p[n] == ':');
    }
    if (r->dom->emulator)
        qr_warn(r, w, 0, "emulator '%s' is found through PATH: read as %s", w->text,
                r->dom->emulator);
    else
        qr_warn(r, w, 0, "emulator '%s' is not in PATH on this host; the domain names no "
                "<emulator>", w->text);
}

static bool qr_emulator(qemu_reader *r, const shw_word *w)
{
    if (w->text[0] == '-')
        return qr_error(r, w, 0, "expected the emulator's path before the option '%s'",
                        w->text);
    const char *slash = strrchr(w->text, '/');
    const char *base = slash ? slash + 1 : w->text;
    r->dom->emulator = vc_xstrdup(w->text);
    r->dom->type = IR_VIRT_QEMU;
    for (size_t i = 0; i < VC_ARRAY_SIZE(qr_emulators) && !r->dom->os.arch; i++)
        if (strcmp(base, qr_emulators[i].name) == 0) {
            r->dom->os.arch = vc_xstrdup(qr_emulators[i].arch);
            if (qr_emulators[i].kvm)
                r->dom->type = IR_VIRT_KVM;
        }
    if (!r->dom->os.arch && vc_str_has_prefix(base, "qemu-system-"))
        r->dom->os.arch = qr_system_target(base + strlen("qemu-system-"));
    if (!r->dom->os.arch) {
        qr_warn(r, w, 0, "emulator '%s' names no architecture; assuming x86_64", base);
        r->dom->os.arch = vc_xstrdup("x86_64");
    }
    if (!slash)
        qr_emulator_path(r, w);
    return true;
}

/* Collects the options after the emulator. A word that is not an option is
 * QEMU's shorthand for -hda (`qemu disk.img`). */
static bool qr_collect(qemu_reader *r, size_t first)
{
    static const qr_optdef hda = { "hda", QR_WORD, NULL, qr_opt_hdx };
    r->opts = vc_xcalloc(r->words.n, sizeof(qr_opt));
    bool ok = true;
    for (size_t i = first; i < r->words.n; i++) {
        shw_word *w = &r->words.v[i];
        qr_opt *o = &r->opts[r->nopts];
        o->flag = w;
        if (w->text[0] != '-' || w->len == 1) {
            o->def = &hda;
            o->arg = w;
            r->nopts++;
            continue;
        }
        const char *name = w->text + (w->text[1] == '-' ? 2 : 1);
        o->def = qr_optdef_find(name);
        if (!o->def) {
            ok = qr_error(r, w, 0, "unknown QEMU option '%s'", w->text);
            continue;
        }
        if (o->def->form != QR_NOARG) {
            if (i + 1 >= r->words.n) {
                ok = qr_error(r, w, 0, "option '%s' needs a value", w->text);
                break;
            }
            o->arg = &r->words.v[++i];
        }
        if (o->def->form >= QR_KV && !qr_parse_value(r, o)) {
            ok = false;
            continue;
        }
        r->nopts++;
    }
    return ok;
}

/* Two backends of one kind with one id: QEMU refuses the second. */
static bool qr_check_ids(qemu_reader *r)
{
    bool ok = true;
    for (size_t i = 0; i < r->nopts; i++) {
        qr_opt *o = &r->opts[i];
        if (o->def->form < QR_KV)
            continue;
        const char *key = strcmp(o->def->name, "blockdev") == 0 ? "node-name" : "id";
        qopt_item *it = NULL;
        for (size_t k = 0; k < o->props.n; k++)
            if (strcmp(o->props.v[k].key, key) == 0)
                it = &o->props.v[k];
        if (!it || !it->value)
            continue;
        for (size_t j = 0; j < i; j++) {
            qr_opt *p = &r->opts[j];
            if (p->def != o->def)
                continue;
            for (size_t k = 0; k < p->props.n; k++)
                if (strcmp(p->props.v[k].key, key) == 0 && vc_streq(p->props.v[k].value, it->value)) {
                    vc_loc first = qr_loc(r, p->arg, p->props.v[k].val_off);
                    ok = qr_error(r, o->arg, it->val_off, "duplicate %s '%s' (first given "
                                  "at line %d, column %d)", key, it->value, first.line,
                                  first.column);
                    j = i;
                    break;
                }
        }
    }
    return ok;
}

static void qr_free(qemu_reader *r)
{
    for (size_t i = 0; i < r->nopts; i++)
        qopt_list_free(&r->opts[i].props);
    free(r->opts);
    free(r->boot_order);
    free(r->keymap);
    free(r->watchdog_action);
    free(r->env_display);
    free(r->env_path);
    free(r->keep_netdev);
    free(r->spice_channel);
    free(r->env_sdl_audio);
    free(r->env_xauth);
    qr_blk_free(r);
    free(r->nets);
    qr_mem_free(r);
    free(r->audio_of);
    qr_joined_free(r);
    qr_backend_sets_free(r);
    shw_words_free(&r->words);
}

static bool qr_run(qemu_reader *r)
{
    shw_error e;
    if (!shw_split(r->src, r->len, &r->words, &e)) {
        qr_error(r, NULL, e.off, "%s", e.msg);
        free(e.msg);
        return false;
    }
    if (r->words.n == 0)
        return qr_error(r, NULL, 0, "no command line: the input holds no words");
    size_t i = 0;
    while (i < r->words.n && qr_is_env_word(&r->words.v[i]))
        qr_env(r, &r->words.v[i++]);
    if (i == r->words.n)
        return qr_error(r, &r->words.v[i - 1], r->words.v[i - 1].len,
                        "no command after the environment assignments");
    if (!qr_emulator(r, &r->words.v[i]))
        return false;
    if (!qr_collect(r, i + 1) || !qr_check_ids(r) || !qr_apply_sets(r))
        return false;
    bool ok = true;
    for (size_t k = 0; k < r->nopts; k++) {
        qr_opt *o = &r->opts[k];
        if (!o->def->fn)
            qr_keep_option(r, o, NULL);
        else if (!o->def->fn(r, o))
            ok = false;
    }
    if (!ok || !qr_check_backends(r))
        return false;
    qr_backend_sets(r);   /* after the backends kept whole, which they may name */
    qr_finish(r);
    return qr_abs_paths(r);
}

ir_domain *qemu_read_argv(const char *text, size_t len, const char *file, vc_diags *d)
{
    return qemu_read_argv_in(text, len, file, NULL, d);
}

ir_domain *qemu_read_argv_in(const char *text, size_t len, const char *file, const char *dir,
                             vc_diags *d)
{
    qemu_reader r = { .file = file, .src = text, .len = len, .d = d, .dir = dir };
    r.dom = ir_domain_new();
    size_t before = d->nerrors;
    bool ok = qr_run(&r) && d->nerrors == before;
    qr_free(&r);
    if (!ok) {
        ir_domain_free(r.dom);
        return NULL;
    }
    return r.dom;
}
