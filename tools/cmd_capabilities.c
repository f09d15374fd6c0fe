/* cmd_capabilities.c: `virtc capabilities`, the host capabilities document,
 * and `--probe-qemu BINARY`, one QEMU binary's capabilities (a profile). */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime/qemuconf.h"
#include "../translators/hostcaps.h"
#include "../translators/qemu/probe.h"
#include "../translators/util.h"
#include "cli.h"

static const char capabilities_help[] =
    "usage: virtc capabilities [--no-cache]\n"
    "       virtc capabilities --probe-qemu BINARY [--no-cache]\n"
    "\n"
    "Prints the host capabilities document (<capabilities>): the host CPU and one\n"
    "<guest> per emulator and architecture. QEMU binaries (qemu, qemu-kvm,\n"
    "qemu-system-ARCH) and xenner are searched in $VIRTC_EMULATOR_PATH, /usr/bin\n"
    "and $PATH, and probed over QMP once; the results are cached per binary.\n"
    "\n"
    "  -p, --probe-qemu BINARY  print that binary's QEMU capabilities instead, in\n"
    "                           the profile format of translators/qemu/profiles/\n"
    "  -n, --no-cache           probe again, neither reading nor writing the cache\n"
    "\n"
    "Environment: VIRTC_CACHE_DIR (cache root; default /var/cache/virtc for root,\n"
    "else $XDG_CACHE_HOME/virtc), VIRTC_EMULATOR_PATH, VIRTC_PROBE_TIMEOUT\n"
    "(seconds, default 30), VIRTC_DEBUG=1 (trace probes and cache use).\n"
    "Exit status: 0 ok, 2 wrong usage, 3 an emulator could not be probed.\n";

/* Text safe inside an XML comment, which may hold neither "--" nor end in
 * "-": each '-' that would follow another becomes '='. */
static char *capabilities_comment_safe(const char *s)
{
    char *r = vc_xstrdup(s ? s : "?");
    for (char *p = r + 1; *r && *p; p++)
        if (*p == '-' && p[-1] == '-')
            *p = '=';
    size_t n = strlen(r);
    if (n && r[n - 1] == '-')
        r[n - 1] = '=';
    return r;
}

/* The caps XML headed by a comment saying where it came from and how to
 * record it again, so a profile file documents itself. The command uses the
 * short options because "--" cannot appear in an XML comment. */
static char *capabilities_probe_text(const qemu_caps *c, const char *binary)
{
    char *xml = qemu_caps_format(c);
    bool path_ok = !strstr(binary, "--") && !vc_str_has_suffix(binary, "-");
    char *pkg = c->package ? capabilities_comment_safe(c->package) : NULL;
    char *arch = capabilities_comment_safe(c->arch);
    unsigned major = c->version / 1000000, minor = c->version / 1000 % 1000;
    char *out = vc_xasprintf(
        "<!--\n"
        "  QEMU %u.%u.%u%s%s%s, target %s: the capabilities virtc %s probed\n"
        "  over QMP from %s.\n"
        "  Record them again, as the profile qemu-%u.%u, with\n"
        "    virtc capabilities -n -p %s > translators/qemu/profiles/qemu-%u.%u.xml\n"
        "  (-p is short for the option probe-qemu, -n for no-cache).\n"
        "-->\n%s",
        major, minor, c->version % 1000, pkg ? " (" : "", pkg ? pkg : "", pkg ? ")" : "",
        arch, VIRTC_VERSION, path_ok ? binary : "BINARY", major, minor,
        path_ok ? binary : "BINARY", major, minor, xml);
    free(pkg);
    free(arch);
    free(xml);
    return out;
}

static int capabilities_probe(const char *binary, bool no_cache)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = no_cache ? qemu_probe_binary(binary, &d) : qemu_probe_cached(binary, &d);
    int rc = cli_report(&d);
    if (c) {
        char *text = capabilities_probe_text(c, binary);
        rc = cli_write_output(NULL, text);
        free(text);
        qemu_caps_free(c);
    }
    vc_diags_free(&d);
    return rc;
}

/* An id of qemu.conf's user or group: "+N", or a name of the host's
 * databases; -1 when it names nothing. */
static long long capabilities_id(const char *s, bool group, long long dflt)
{
    long long id;
    if (!s)
        return dflt;
    if (s[0] == '+')
        return vc_parse_ll(s + 1, 10, &id) && id >= 0 ? id : -1;
    if (group) {
        struct group *g = getgrnam(s);
        return g ? (long long)g->gr_gid : -1;
    }
    struct passwd *p = getpwnam(s);
    return p ? (long long)p->pw_uid : -1;
}

/* The DAC driver's base label: qemu.conf's user and group as "+UID:+GID"
 * (the group defaults to the user's own); NULL for the default "+0:+0". */
static char *capabilities_dac_label(vc_diags *d)
{
    rt_qemuconf c;
    vc_diags local;
    vc_diags_init(&local);
    char *label = NULL;
    if (rt_qemuconf_load(&c, NULL, geteuid() == 0, &local) && (c.user || c.group)) {
        long long uid = capabilities_id(c.user, false, 0);
        struct passwd *p = c.user && c.user[0] != '+' ? getpwnam(c.user) : NULL;
        long long gid = capabilities_id(c.group, true, p ? (long long)p->pw_gid : 0);
        if (uid >= 0 && gid >= 0)
            label = vc_xasprintf("+%lld:+%lld", uid, gid);
        else
            vc_diag_add(d, VC_ERR_RUNTIME, VC_SEV_WARNING, (vc_loc){ c.path, 0, 0 },
                        "qemu.conf user '%s' or group '%s' is unknown; the DAC base label "
                        "says +0:+0", c.user ? c.user : "", c.group ? c.group : "");
    }
    /* A qemu.conf that does not read is the runtime's to report. */
    rt_qemuconf_free(&c);
    vc_diags_free(&local);
    return label;
}

int cmd_capabilities(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(capabilities_help, stdout);
        return 0;
    }
    const char *probe = NULL;
    bool no_cache = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-cache") == 0 || strcmp(argv[i], "-n") == 0) {
            no_cache = true;
        } else if (strcmp(argv[i], "--probe-qemu") == 0 || strcmp(argv[i], "-p") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("capabilities", "--probe-qemu needs a binary");
            probe = argv[++i];
        } else if (strncmp(argv[i], "--probe-qemu=", 13) == 0) {
            probe = argv[i] + 13;
        } else {
            return cli_usage_error("capabilities", "unexpected argument '%s'", argv[i]);
        }
    }
    if (probe && !*probe)
        return cli_usage_error("capabilities", "--probe-qemu needs a binary");
    if (probe)
        return capabilities_probe(probe, no_cache);

    hostcaps_opts o;
    hostcaps_opts_init(&o);
    if (no_cache)
        o.probe = qemu_probe_binary;
    vc_diags d;
    vc_diags_init(&d);
    char *label = capabilities_dac_label(&d);
    o.dac_label = label;
    char *doc = hostcaps_format(&o, &d);
    free(label);
    int rc = cli_report(&d);
    if (doc)
        rc = cli_write_output(NULL, doc);
    free(doc);
    vc_diags_free(&d);
    return rc;
}
