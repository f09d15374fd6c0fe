/*
 * test_probe.c: QMP framing and the probe's reading of QEMU's replies, with
 * canned replies and no QEMU; then the whole probe (spawn, socket, cache)
 * against a fake QEMU, which is this very program started as a copy of
 * itself: with "-chardev socket,...,path=PATH,..." among its arguments it
 * serves the canned replies on PATH instead of running the tests.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "child_state.h"
#include "../../runtime/qmp.h"
#include "qemu/caps.h"
#include "qemu/caps_cache.h"
#include "qemu/probe.h"
#include "util.h"

/* ---- canned replies, shaped as QEMU 7.2 answers, trimmed ---- */

static const char greeting[] =
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
    "\"package\": \"test\"}, \"capabilities\": [\"oob\"]}}\r\n";

typedef struct canned {
    const char *cmd;
    const char *typename_;     /* device-list-properties argument, else NULL */
    const char *reply;         /* the JSON after {"return": , or an error object */
    bool error;
} canned;

static const char schema_reply[] =
    "[{\"name\": \"blockdev-add\", \"meta-type\": \"command\", \"arg-type\": \"10\", \"ret-type\": \"0\"},"
    " {\"name\": \"device_add\", \"meta-type\": \"command\", \"arg-type\": \"11\", \"ret-type\": \"0\","
    "  \"features\": [\"json-cli\", \"json-cli-hotplug\"]},"
    " {\"name\": \"object-add\", \"meta-type\": \"command\", \"arg-type\": \"12\", \"ret-type\": \"0\"},"
    " {\"name\": \"12\", \"meta-type\": \"object\", \"members\": [{\"name\": \"qom-type\", \"type\": \"13\"}],"
    "  \"tag\": \"qom-type\", \"variants\": [{\"case\": \"secret\", \"type\": \"14\"}]},"
    " {\"name\": \"query-display-options\", \"meta-type\": \"command\", \"arg-type\": \"0\", \"ret-type\": \"20\"},"
    " {\"name\": \"20\", \"meta-type\": \"object\", \"members\": [{\"name\": \"type\", \"type\": \"21\"}]},"
    " {\"name\": \"21\", \"meta-type\": \"enum\", \"values\": [\"default\", \"none\", \"gtk\", \"sdl\"]}]";

static const canned canned_72[] = {
    { "qmp_capabilities", NULL, "{}", false },
    { "query-version", NULL,
      "{\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"Debian 1:7.2\"}", false },
    { "query-target", NULL, "{\"arch\": \"x86_64\"}", false },
    { "query-kvm", NULL, "{\"enabled\": false, \"present\": true}", false },
    { "query-machines", NULL,
      "[{\"name\": \"pc-q35-7.2\", \"alias\": \"q35\", \"cpu-max\": 288, \"hotpluggable-cpus\": true},"
      " {\"name\": \"pc-i440fx-7.2\", \"alias\": \"pc\", \"is-default\": true, \"cpu-max\": 255},"
      " {\"name\": \"isapc\", \"cpu-max\": 1}]", false },
    { "query-cpu-definitions", NULL,
      "[{\"name\": \"qemu64\", \"static\": false}, {\"name\": \"Haswell\"}, {\"name\": \"max\"}]", false },
    { "qom-list-types", "device",
      "[{\"name\": \"virtio-blk-pci\", \"parent\": \"virtio-blk-pci-base\"},"
      " {\"name\": \"e1000\", \"parent\": \"pci-device\"},"
      " {\"name\": \"acpi-erst\", \"parent\": \"pci-device\"}]", false },
    { "qom-list-types", "accel",
      "[{\"name\": \"tcg-accel\", \"parent\": \"accel\"}, {\"name\": \"kvm-accel\", \"parent\": \"accel\"}]",
      false },
    { "device-list-properties", "virtio-blk-pci",
      "[{\"name\": \"drive\", \"type\": \"str\"}, {\"name\": \"bootindex\", \"type\": \"int32\"},"
      " {\"name\": \"addr\", \"type\": \"int32\", \"default-value\": -1}]", false },
    { "device-list-properties", "e1000", "[{\"name\": \"mac\", \"type\": \"str\"}, {\"name\": \"netdev\"}]",
      false },
    { "query-command-line-options", NULL,
      "[{\"option\": \"drive\", \"parameters\": [{\"name\": \"format\", \"type\": \"string\"},"
      "  {\"name\": \"cache.direct\", \"type\": \"boolean\"}]},"
      " {\"option\": \"smp-opts\", \"parameters\": [{\"name\": \"sockets\"}, {\"name\": \"cores\"}]},"
      " {\"option\": \"device\", \"parameters\": []},"
      " {\"option\": \"\", \"parameters\": []},"
      " {\"option\": \"machine\", \"parameters\": [{\"name\": \"type\"}]}]", false },
    { "query-qmp-schema", NULL, schema_reply, false },
};

/* A QEMU 6.0 that predates query-qmp-schema answers (and -soundhw's end):
 * only the required questions are answered. */
static const canned canned_old[] = {
    { "qmp_capabilities", NULL, "{}", false },
    { "query-version", NULL, "{\"qemu\": {\"micro\": 0, \"minor\": 0, \"major\": 6}, \"package\": \"\"}",
      false },
    { "query-target", NULL, "{\"arch\": \"i386\"}", false },
    { "query-machines", NULL, "[{\"name\": \"pc-i440fx-6.0\", \"is-default\": true, \"cpu-max\": 255}]",
      false },
    { "qom-list-types", "device", "[{\"name\": \"e1000\"}]", false },
};

static const canned canned_bad_machines[] = {
    { "qmp_capabilities", NULL, "{}", false },
    { "query-version", NULL, "{\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}", false },
    { "query-target", NULL, "{\"arch\": \"x86_64\"}", false },
    { "query-machines", NULL, "{\"class\": \"GenericError\", \"desc\": \"no machines today\"}", true },
};

static const canned canned_garbage[] = {
    { "qmp_capabilities", NULL, "{}", false },
    { "query-version", NULL, "{\"qemu\": {\"major\": 7, ", false },   /* cut off */
};

/* The reply line to a request, or NULL when nothing is canned for it. */
static char *canned_reply(const canned *tab, size_t n, const char *request)
{
    json_object *req = json_tokener_parse(request);
    json_object *exe = NULL, *args = NULL, *id = NULL, *tn = NULL;
    json_object_object_get_ex(req, "execute", &exe);
    json_object_object_get_ex(req, "arguments", &args);
    json_object_object_get_ex(req, "id", &id);
    if (args && !json_object_object_get_ex(args, "typename", &tn))
        json_object_object_get_ex(args, "implements", &tn);
    const char *cmd = exe ? json_object_get_string(exe) : "";
    const char *arg = tn ? json_object_get_string(tn) : NULL;
    char *line = NULL;
    for (size_t i = 0; i < n && !line; i++) {
        if (strcmp(tab[i].cmd, cmd) != 0 || !vc_streq(tab[i].typename_, arg))
            continue;
        line = vc_xasprintf("{\"%s\": %s, \"id\": \"%s\"}\r\n", tab[i].error ? "error" : "return",
                            tab[i].reply, id ? json_object_get_string(id) : "");
    }
    if (!line)
        line = vc_xasprintf("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command %s "
                            "has not been found\"}, \"id\": \"%s\"}\r\n",
                            cmd, id ? json_object_get_string(id) : "");
    json_object_put(req);
    return line;
}

/* ---- a transport of canned replies ---- */

typedef struct fake {
    const canned *tab;
    size_t n;
    vc_buf out;          /* what the "server" has said and we have not read */
    size_t off;
    size_t chunk;        /* bytes per recv, to split lines across reads */
    bool event_first;    /* an event precedes every reply */
    bool eof_after_greeting;
    bool timeout;
    unsigned sent;
} fake;

static bool fake_send(void *opaque, const char *data, size_t len)
{
    fake *f = opaque;
    f->sent++;
    char *req = vc_xstrndup(data, len);
    if (f->eof_after_greeting) {
        free(req);
        return true;
    }
    if (f->event_first)
        vc_buf_puts(&f->out, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
                             "\"event\": \"RESUME\"}\r\n\r\n");
    char *line = canned_reply(f->tab, f->n, req);
    vc_buf_puts(&f->out, line);
    free(line);
    free(req);
    return true;
}

static long fake_recv(void *opaque, char *buf, size_t cap, int timeout_ms)
{
    (void)timeout_ms;
    fake *f = opaque;
    size_t left = f->out.len - f->off;
    if (left == 0 && f->timeout) {
        errno = ETIMEDOUT;
        return -1;
    }
    size_t n = left < cap ? left : cap;
    if (f->chunk && n > f->chunk)
        n = f->chunk;
    memcpy(buf, f->out.data + f->off, n);
    f->off += n;
    return (long)n;
}

static rt_qmp *fake_session(fake *f, const canned *tab, size_t n, const char *hello)
{
    memset(f, 0, sizeof(*f));
    f->tab = tab;
    f->n = n;
    vc_buf_init(&f->out);
    vc_buf_puts(&f->out, hello);
    rt_qmp_transport t = { .send = fake_send, .recv = fake_recv, .opaque = f };
    return rt_qmp_new(&t, 5000);
}

static bool diags_mention(const vc_diags *d, const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->v[i].message, text))
            return true;
    return false;
}

static void test_full_probe(void)
{
    fake f;
    rt_qmp *m = fake_session(&f, canned_72, VC_ARRAY_SIZE(canned_72), greeting);
    f.chunk = 7;
    f.event_first = true;
    vc_diags d;
    vc_diags_init(&d);
    CHECK(rt_qmp_handshake(m, &d), "handshake");
    json_object *g = rt_qmp_greeting(m);
    CHECK(g && json_object_object_get_ex(g, "version", NULL), "greeting kept");
    qemu_caps *c = qemu_probe_session(m, &d);
    CHECK(c != NULL && d.nerrors == 0, "probe succeeds");
    if (!c) {
        vc_diags_print(stdout, &d);
        rt_qmp_free(m);
        vc_buf_free(&f.out);
        return;
    }
    CHECK(c->version == 7002000, "version 7.2.0");
    CHECK(vc_streq(c->package, "Debian 1:7.2"), "package");
    CHECK(vc_streq(c->arch, "x86_64"), "arch from query-target");
    CHECK(c->nmachines == 3, "machines");
    const qemu_caps_machine *def = qemu_caps_machine_lookup(c, NULL);
    CHECK(def && vc_streq(def->name, "pc-i440fx-7.2") && def->max_cpus == 255, "default machine");
    const qemu_caps_machine *q35 = qemu_caps_machine_lookup(c, "q35");
    CHECK(q35 && vc_streq(q35->name, "pc-q35-7.2") && !q35->is_default && q35->max_cpus == 288,
          "machine alias");
    CHECK(qemu_caps_has_cpu(c, "Haswell") && qemu_caps_has_cpu(c, "qemu64") && c->ncpus == 3,
          "cpu models");
    CHECK(c->ndevices == 3 && qemu_caps_has_device(c, "acpi-erst"), "every device type recorded");
    CHECK(qemu_caps_device_has_prop(c, "virtio-blk-pci", "bootindex") &&
              qemu_caps_device_has_prop(c, "e1000", "netdev"),
          "properties of the emitter's devices");
    const qemu_caps_device *erst = NULL;
    for (size_t i = 0; i < c->ndevices; i++)
        if (strcmp(c->devices[i].name, "acpi-erst") == 0)
            erst = &c->devices[i];
    CHECK(erst && erst->nprops == 0, "no properties asked for other devices");
    CHECK(c->accel_kvm && c->accel_tcg, "accelerators");
    CHECK(qemu_caps_has_option(c, "drive") && qemu_caps_has_option(c, "smp-opts") &&
              !qemu_caps_has_option(c, ""),
          "command-line options");
    CHECK(qemu_caps_has(c, QEMU_CAP_DRIVE) && qemu_caps_has(c, QEMU_CAP_DRIVE_FORMAT) &&
              qemu_caps_has(c, QEMU_CAP_DRIVE_CACHE_V2) && !qemu_caps_has(c, QEMU_CAP_DRIVE_BOOT),
          "drive flags from the option's parameters");
    CHECK(qemu_caps_has(c, QEMU_CAP_SMP_TOPOLOGY) && qemu_caps_has(c, QEMU_CAP_DEVICE) &&
              qemu_caps_has(c, QEMU_CAP_MACHINE_OPT) && !qemu_caps_has(c, QEMU_CAP_NETDEV) &&
              !qemu_caps_has(c, QEMU_CAP_CHARDEV),
          "flags follow the options listed");
    CHECK(qemu_caps_has(c, QEMU_CAP_BLOCKDEV), "blockdev from blockdev-add");
    CHECK(qemu_caps_has(c, QEMU_CAP_DEVICE_JSON), "device-json from the json-cli feature");
    CHECK(qemu_caps_has(c, QEMU_CAP_OBJECT_JSON), "object-json from object-add's union");
    CHECK(qemu_caps_has(c, QEMU_CAP_SDL), "sdl from the display type enum");
    CHECK(qemu_caps_has(c, QEMU_CAP_KVM) && qemu_caps_has(c, QEMU_CAP_ENABLE_KVM), "kvm flags");
    CHECK(qemu_caps_has(c, QEMU_CAP_AUDIODEV) && qemu_caps_has(c, QEMU_CAP_NO_ACPI) &&
              !qemu_caps_has(c, QEMU_CAP_SOUNDHW),
          "version-based flags of 7.2");
    CHECK(qemu_caps_has(c, QEMU_CAP_MONITOR_JSON) && !qemu_caps_has(c, QEMU_CAP_KQEMU) &&
              !qemu_caps_has(c, QEMU_CAP_PCIDEVICE),
          "QMP-era constants");

    /* What the probe found survives the XML form (it is what the cache holds). */
    char *xml = qemu_caps_format(c);
    qemu_caps *back = qemu_caps_parse("probe.xml", xml, strlen(xml), &d);
    char *xml2 = back ? qemu_caps_format(back) : NULL;
    CHECK(xml2 && strcmp(xml, xml2) == 0, "probed caps round-trip through XML");
    free(xml);
    free(xml2);
    qemu_caps_free(back);
    qemu_caps_free(c);
    vc_diags_free(&d);
    rt_qmp_free(m);
    vc_buf_free(&f.out);
}

static void test_old_qemu(void)
{
    fake f;
    rt_qmp *m = fake_session(&f, canned_old, VC_ARRAY_SIZE(canned_old), greeting);
    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = rt_qmp_handshake(m, &d) ? qemu_probe_session(m, &d) : NULL;
    CHECK(c && d.nerrors == 0, "optional questions may go unanswered");
    CHECK(c && vc_streq(c->arch, "i386") && c->version == 6000000 && !c->package, "old version");
    CHECK(c && c->accel_tcg && !c->accel_kvm && !qemu_caps_has(c, QEMU_CAP_KVM),
          "no kvm without query-kvm");
    CHECK(c && qemu_caps_has(c, QEMU_CAP_SOUNDHW) && qemu_caps_has(c, QEMU_CAP_AUDIODEV) &&
              !qemu_caps_has(c, QEMU_CAP_BLOCKDEV) && !qemu_caps_has(c, QEMU_CAP_DRIVE),
          "flags without a schema");
    CHECK(c && c->ncpus == 0 && c->noptions == 0, "unanswered lists stay empty");
    qemu_caps_free(c);
    vc_diags_free(&d);
    rt_qmp_free(m);
    vc_buf_free(&f.out);
}

static void test_failures(void)
{
    fake f;
    vc_diags d;
    vc_diags_init(&d);

    rt_qmp *m = fake_session(&f, canned_bad_machines, VC_ARRAY_SIZE(canned_bad_machines), greeting);
    qemu_caps *c = rt_qmp_handshake(m, &d) ? qemu_probe_session(m, &d) : NULL;
    CHECK(!c && diags_mention(&d, "'query-machines' failed: no machines today (GenericError)"),
          "a required question's error is reported");
    CHECK(vc_diags_code(&d) == VC_ERR_RUNTIME, "probe errors are runtime errors");
    rt_qmp_free(m);
    vc_buf_free(&f.out);
    vc_diags_clear(&d);

    m = fake_session(&f, canned_garbage, VC_ARRAY_SIZE(canned_garbage), greeting);
    c = rt_qmp_handshake(m, &d) ? qemu_probe_session(m, &d) : NULL;
    CHECK(!c && diags_mention(&d, "malformed reply"), "malformed JSON is reported");
    rt_qmp_free(m);
    vc_buf_free(&f.out);
    vc_diags_clear(&d);

    m = fake_session(&f, canned_72, VC_ARRAY_SIZE(canned_72), "{\"hello\": 1}\n");
    CHECK(!rt_qmp_handshake(m, &d) && diags_mention(&d, "did not greet"), "not a QMP greeting");
    rt_qmp_free(m);
    vc_buf_free(&f.out);
    vc_diags_clear(&d);

    m = fake_session(&f, canned_72, VC_ARRAY_SIZE(canned_72), "[1, 2]\n");
    CHECK(!rt_qmp_handshake(m, &d) && diags_mention(&d, "malformed reply"), "greeting not an object");
    rt_qmp_free(m);
    vc_buf_free(&f.out);
    vc_diags_clear(&d);

    m = fake_session(&f, canned_72, VC_ARRAY_SIZE(canned_72), greeting);
    f.eof_after_greeting = true;
    CHECK(!rt_qmp_handshake(m, &d) && diags_mention(&d, "closed the monitor"), "end of stream");
    rt_qmp_free(m);
    vc_buf_free(&f.out);
    vc_diags_clear(&d);

    m = fake_session(&f, canned_72, VC_ARRAY_SIZE(canned_72), greeting);
    f.eof_after_greeting = true;
    f.timeout = true;
    CHECK(!rt_qmp_handshake(m, &d) && diags_mention(&d, "timed out"), "timeout");
    rt_qmp_free(m);
    vc_buf_free(&f.out);
    vc_diags_clear(&d);

    /* A reply carrying another id is not ours; the next one is. */
    m = fake_session(&f, canned_72, VC_ARRAY_SIZE(canned_72), greeting);
    CHECK(rt_qmp_handshake(m, &d), "handshake before a stray reply");
    vc_buf_puts(&f.out, "{\"return\": {\"arch\": \"stray\"}, \"id\": \"someone-else\"}\n");
    char *cls = NULL;
    json_object *r = rt_qmp_command(m, "query-target", NULL, &cls, &d);
    CHECK(r && strcmp(json_object_get_string(json_object_object_get(r, "arch")), "x86_64") == 0,
          "replies are matched by id");
    json_object_put(r);
    /* Found by fuzzing: a null id is someone else's reply, not a crash. */
    vc_buf_puts(&f.out, "{\"return\": {}, \"id\": null}\n");
    r = rt_qmp_command(m, "query-target", NULL, &cls, &d);
    CHECK(r && json_object_object_get(r, "arch"), "a reply with a null id is skipped");
    json_object_put(r);
    /* Found by fuzzing: "return": null fails with a reason. */
    vc_buf_puts(&f.out, "{\"return\": null}\n");
    r = rt_qmp_command(m, "query-target", NULL, &cls, &d);
    CHECK(!r && diags_mention(&d, "returns null"), "a null return is a located failure");
    vc_diags_clear(&d);
    r = rt_qmp_command(m, "no-such-command", NULL, &cls, &d);
    CHECK(!r && vc_streq(cls, "CommandNotFound"), "error class returned");
    free(cls);
    rt_qmp_free(m);
    vc_buf_free(&f.out);
    vc_diags_free(&d);
}

/* ---- the fake QEMU: this program, started by the prober ---- */

/* The file beside the binary named name. */
static char *beside(const char *binary, const char *name)
{
    const char *slash = strrchr(binary, '/');
    return vc_xasprintf("%.*s/%s", slash ? (int)(slash - binary) : 1, slash ? binary : ".", name);
}

static void append_line(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        if (write(fd, text, strlen(text)) < 0)
            perror(path);
        close(fd);
    }
}

/* The path= of the -chardev option value, its ",," unescaped; NULL when
 * there is none. */
static char *chardev_path(const char *opts)
{
    const char *p = strstr(opts, "path=");
    if (!p)
        return NULL;
    vc_buf b;
    vc_buf_init(&b);
    for (p += 5; *p && !(p[0] == ',' && p[1] != ','); p++) {
        if (p[0] == ',')
            p++;
        vc_buf_add(&b, p, 1);
    }
    return vc_buf_steal(&b);
}

/* What the child was given besides its arguments: its descriptors, where
 * 0-2 lead, its signal mask and ignored signals, one line for the log. */
static void report_child_state(void)
{
    vc_buf b;
    vc_buf_init(&b);
    child_state_line(&b);
    if (write(2, b.data, b.len) < 0)
        perror("write");
    vc_buf_free(&b);
}

static int fake_qemu_main(int argc, char **argv)
{
    char *path = NULL;
    for (int i = 1; i + 1 < argc && !path; i++)
        if (strcmp(argv[i], "-chardev") == 0 && strncmp(argv[i + 1], "socket,", 7) == 0)
            path = chardev_path(argv[i + 1]);
    char *starts = beside(argv[0], "starts");
    char *pidfile = beside(argv[0], "pid");
    char *modefile = beside(argv[0], "mode");
    char pid[32];
    snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    append_line(starts, pid);
    append_line(pidfile, pid);
    char *mode = vc_read_file(modefile, NULL);
    if (mode && strncmp(mode, "exit", 4) == 0) {
        fputs("fake-qemu: -machine none: unsupported machine type\n", stderr);
        return 1;
    }
    if (mode && strncmp(mode, "fds", 3) == 0) {
        report_child_state();
        return 1;
    }
    if (mode && strncmp(mode, "crash", 5) == 0)
        abort();
    if (mode && strncmp(mode, "hang", 4) == 0) {
        for (;;)
            pause();
    }
    if (!path)
        return 2;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls, 1) != 0)
        return 3;
    int fd = accept(ls, NULL, NULL);
    if (fd < 0)
        return 4;
    FILE *in = fdopen(fd, "r");
    if (write(fd, greeting, strlen(greeting)) < 0)
        return 5;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, in) > 0) {
        char *reply = canned_reply(canned_72, VC_ARRAY_SIZE(canned_72), line);
        bool ok = write(fd, reply, strlen(reply)) >= 0;
        free(reply);
        if (!ok)
            break;
    }
    return 0;
}

/* ---- the probe and its cache, against the fake QEMU ---- */

static char *tmpdir;

static bool copy_self(const char *to)
{
    size_t len;
    char *data = vc_read_file("/proc/self/exe", &len);
    int fd = data ? open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755) : -1;
    bool ok = fd >= 0 && write(fd, data, len) == (ssize_t)len;
    if (fd >= 0)
        close(fd);
    free(data);
    return ok;
}

static int count_lines(const char *path)
{
    char *s = vc_read_file(path, NULL);
    int n = 0;
    for (const char *p = s; p && *p; p++)
        n += *p == '\n';
    free(s);
    return n;
}

static void set_mtime(const char *path, time_t t)
{
    struct timeval tv[2] = { { t, 0 }, { t, 0 } };
    utimes(path, tv);
}

/* Whether file holds a whole, current cache entry for binary. */
static bool cache_entry_ok(const char *file, const char *binary)
{
    size_t len;
    char *data = vc_read_file(file, &len);
    qemu_caps_stamp stamp;
    const char *why;
    qemu_caps *c = data ? qemu_caps_cache_decode(data, len, &stamp, &why) : NULL;
    bool ok = c && vc_streq(stamp.path, binary);
    if (c)
        qemu_caps_stamp_free(&stamp);
    qemu_caps_free(c);
    free(data);
    return ok;
}

/* Rewrites the format number in file's header (after the 16-byte magic). */
static bool cache_set_format(const char *file, unsigned format)
{
    int fd = open(file, O_WRONLY);
    unsigned char le[4] = { format & 0xff, (format >> 8) & 0xff, (format >> 16) & 0xff,
                            format >> 24 };
    bool ok = fd >= 0 && pwrite(fd, le, 4, 16) == 4;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* The binary at path grown by one byte. */
static bool append_line_ok(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND);
    bool ok = fd >= 0 && write(fd, "x", 1) == 1;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void test_cache(void)
{
    char *bin = vc_xasprintf("%s/qemu-system-x86_64", tmpdir);
    char *starts = vc_xasprintf("%s/starts", tmpdir);
    char *cache = vc_xasprintf("%s/cache", tmpdir);
    setenv("VIRTC_CACHE_DIR", cache, 1);
    CHECK(copy_self(bin), "fake QEMU in place");
    set_mtime(bin, 1000000000);

    vc_diags d;
    vc_diags_init(&d);
    qemu_caps *c = qemu_probe_cache_lookup(bin);
    CHECK(!c && count_lines(starts) == 0, "a cache lookup before any probe: nothing, nothing run");
    qemu_caps_free(c);
    c = qemu_probe_cached(bin, &d);
    CHECK(c && d.n == 0 && count_lines(starts) == 1, "cold probe starts the binary once");
    if (!c)
        vc_diags_print(stdout, &d);
    CHECK(c && vc_streq(c->binary, bin) && c->binary_mtime == 1000000000 && c->version == 7002000 &&
              qemu_caps_device_has_prop(c, "virtio-blk-pci", "bootindex"),
          "probed over the socket");
    char *file = qemu_probe_cache_file(bin);
    char *expect_dir = vc_xasprintf("%s/qemu/", cache);
    CHECK(vc_str_has_prefix(file, expect_dir) && access(file, R_OK) == 0, "cache file written");
    qemu_caps_free(c);

    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 1, "second call reads the cache");
    CHECK(c && c->nmachines == 3 && qemu_caps_has(c, QEMU_CAP_BLOCKDEV), "cached caps complete");
    qemu_caps_free(c);
    c = qemu_probe_cache_lookup(bin);
    CHECK(c && count_lines(starts) == 1 && c->nmachines == 3, "a cache lookup reads the entry");
    qemu_caps_free(c);

    set_mtime(bin, 1000000001);
    c = qemu_probe_cache_lookup(bin);
    CHECK(!c && count_lines(starts) == 1, "a cache lookup of a changed binary: nothing, nothing run");
    qemu_caps_free(c);
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 2 && c->binary_mtime == 1000000001, "mtime change re-probes");
    qemu_caps_free(c);

    CHECK(append_line_ok(bin), "binary grown");
    set_mtime(bin, 1000000001);
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 3, "size change re-probes");
    qemu_caps_free(c);

    append_line(file, "<garbage");
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 4 && d.nerrors == 0, "corrupt cache is ignored");
    qemu_caps_free(c);
    CHECK(cache_entry_ok(file, bin), "corrupt cache is rewritten");
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 4, "rewritten cache is used");
    qemu_caps_free(c);

    /* A cache file cut short (a full disk, a crash of an older writer) or
     * of another format version is probed again and rewritten. */
    CHECK(truncate(file, 100) == 0, "cache truncated");
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 5 && cache_entry_ok(file, bin), "truncated cache re-probes");
    qemu_caps_free(c);
    CHECK(cache_set_format(file, QEMU_CAPS_CACHE_FORMAT + 1), "cache of another format");
    c = qemu_probe_cache_lookup(bin);
    CHECK(!c && count_lines(starts) == 5, "a lookup refuses another format");
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 6 && cache_entry_ok(file, bin), "another format re-probes");
    qemu_caps_free(c);

    /* The same size and mtime but a new ctime (a chmod, or a file rewritten
     * with its old mtime put back) or a new inode is another binary. */
    CHECK(chmod(bin, 0700) == 0, "binary chmod");
    c = qemu_probe_cache_lookup(bin);
    CHECK(!c && count_lines(starts) == 6, "a lookup after a ctime change: nothing, nothing run");
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 7, "ctime change re-probes");
    qemu_caps_free(c);
    char *moved = vc_xasprintf("%s.old", bin);
    CHECK(rename(bin, moved) == 0 && copy_self(bin) && append_line_ok(bin), "binary replaced");
    set_mtime(bin, 1000000001);
    struct stat was, now;
    CHECK(stat(moved, &was) == 0 && stat(bin, &now) == 0 && was.st_size == now.st_size &&
              was.st_ino != now.st_ino, "same size, same mtime, another inode");
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 8, "inode change re-probes");
    qemu_caps_free(c);
    unlink(moved);
    free(moved);

    /* Another binary's cache file under this one's name does not count. */
    char *other = vc_xasprintf("%s/other", tmpdir);
    c = qemu_probe_binary(bin, &d);
    CHECK(c != NULL && count_lines(starts) == 9, "uncached probe always starts the binary");
    struct stat st;
    if (c && stat(bin, &st) == 0) {
        qemu_caps_stamp stamp;
        qemu_caps_stamp_of(&stamp, other, &st);
        size_t len;
        char *data = qemu_caps_cache_encode(c, &stamp, &len);
        qemu_caps_write_atomic(file, data, len, &d);
        free(data);
        qemu_caps_stamp_free(&stamp);
    }
    qemu_caps_free(c);
    c = qemu_probe_cached(bin, &d);
    CHECK(c && count_lines(starts) == 10 && vc_streq(c->binary, bin), "cache of another path re-probes");
    qemu_caps_free(c);

    /* An unwritable cache is a warning: the probe still answers. */
    char *blocker = vc_xasprintf("%s/blocked", tmpdir);
    append_line(blocker, "a file, not a directory\n");
    setenv("VIRTC_CACHE_DIR", blocker, 1);
    c = qemu_probe_cached(bin, &d);
    CHECK(c && d.nerrors == 0 && d.n == 1 && d.v[0].severity == VC_SEV_WARNING,
          "unwritable cache warns");
    qemu_caps_free(c);
    setenv("VIRTC_CACHE_DIR", cache, 1);

    CHECK(d.nerrors == 0, "no errors along the way");
    vc_diags_free(&d);
    free(blocker);
    free(other);
    free(expect_dir);
    free(file);
    free(cache);
    free(starts);
    free(bin);
}

static void test_probe_failures(void)
{
    char *bin = vc_xasprintf("%s/qemu-system-x86_64", tmpdir);
    char *mode = vc_xasprintf("%s/mode", tmpdir);
    char *pidfile = vc_xasprintf("%s/pid", tmpdir);
    vc_diags d;
    vc_diags_init(&d);

    append_line(mode, "exit\n");
    qemu_caps *c = qemu_probe_binary(bin, &d);
    CHECK(!c && diags_mention(&d, "exited with status 1: fake-qemu: -machine none: unsupported"),
          "QEMU's complaint is reported");
    CHECK(vc_diags_code(&d) == VC_ERR_RUNTIME, "as a runtime error");
    vc_diags_clear(&d);
    unlink(mode);

    append_line(mode, "hang\n");
    unlink(pidfile);
    setenv("VIRTC_PROBE_TIMEOUT", "1", 1);
    c = qemu_probe_binary(bin, &d);
    unsetenv("VIRTC_PROBE_TIMEOUT");
    CHECK(!c && diags_mention(&d, "no QMP socket after 1 s"), "a hanging QEMU times out");
    char *pid = vc_read_file(pidfile, NULL);
    long long p = 0;
    if (pid)
        pid[strcspn(pid, "\n")] = '\0';
    CHECK(pid && vc_parse_ll(pid, 10, &p) && p > 0 && kill((pid_t)p, 0) != 0 && errno == ESRCH,
          "the hanging QEMU is killed and reaped");
    free(pid);
    vc_diags_clear(&d);
    unlink(mode);

    c = qemu_probe_binary("/nonexistent/qemu-system-x86_64", &d);
    CHECK(!c && diags_mention(&d, "cannot probe /nonexistent/qemu-system-x86_64: No such file"),
          "missing binary");
    vc_diags_clear(&d);
    c = qemu_probe_cached(tmpdir, &d);
    CHECK(!c && diags_mention(&d, "not an executable file"), "a directory is not a binary");

    vc_diags_free(&d);
    free(pidfile);
    free(mode);
    free(bin);
}

/* ---- what the probe runs, and how ---- */

static char *in_tmp(const char *name)
{
    return vc_xasprintf("%s/%s", tmpdir, name);
}

static const char child_state[] =
    "it exited with status 1: fds: 0 1 2 stdin:/dev/null out:log blocked:0 ignored:0 leader:yes";

static void test_probe_child(void)
{
    char *bin = in_tmp("qemu-system-x86_64");
    char *mode = in_tmp("mode");
    vc_diags d;
    vc_diags_init(&d);

    /* A parent in a hostile state: signals ignored and blocked, a stray
     * descriptor without close-on-exec. None of it reaches the child. */
    append_line(mode, "fds\n");
    signal(SIGPIPE, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    int stray = open("/dev/null", O_RDONLY);
    CHECK(stray >= 0 && dup2(stray, 40) == 40, "a stray descriptor");
    qemu_caps *c = qemu_probe_binary(bin, &d);
    CHECK(!c && diags_mention(&d, child_state),
          "probe child: only 0-2 (stdin /dev/null, out+err the log), no signal blocked or "
          "ignored, its own session");
    if (!diags_mention(&d, child_state))
        vc_diags_print(stdout, &d);
    vc_diags_clear(&d);
    close(stray);
    close(40);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);

    /* virtc started with 1 and 2 (or 0-2) closed: the log and /dev/null are
     * opened onto them, and must still end up as the child's 0-2. */
    for (int first = 1; first >= 0; first--) {
        fflush(stdout);
        fflush(stderr);
        int saved[3];
        for (int i = first; i < 3; i++) {
            saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 100);
            close(i);
        }
        c = qemu_probe_binary(bin, &d);
        for (int i = first; i < 3; i++) {
            dup2(saved[i], i);
            close(saved[i]);
        }
        CHECK(!c && diags_mention(&d, child_state),
              first ? "probe child: 0-2 in place when virtc has 1 and 2 closed"
                    : "probe child: 0-2 in place when virtc has 0-2 closed");
        if (!diags_mention(&d, child_state))
            vc_diags_print(stdout, &d);
        vc_diags_clear(&d);
    }
    unlink(mode);

    /* An inherited SIGCHLD=SIG_IGN would have the kernel reap the child:
     * a crash must still read as a crash. */
    append_line(mode, "crash\n");
    signal(SIGCHLD, SIG_IGN);
    c = qemu_probe_binary(bin, &d);
    CHECK(!c && diags_mention(&d, "it was killed by signal 6"),
          "a crash is reported under an inherited SIGCHLD=SIG_IGN");
    signal(SIGCHLD, SIG_DFL);
    vc_diags_clear(&d);
    unlink(mode);

    /* The socket path is an escaped option value: a comma in TMPDIR. */
    char *comma = in_tmp("a,b");
    mkdir(comma, 0700);
    setenv("TMPDIR", comma, 1);
    c = qemu_probe_binary(bin, &d);
    unsetenv("TMPDIR");
    CHECK(c && d.n == 0, "a comma in TMPDIR reaches QEMU escaped");
    if (!c)
        vc_diags_print(stdout, &d);
    qemu_caps_free(c);
    vc_diags_clear(&d);
    CHECK(rmdir(comma) == 0, "the probe directory under it is gone");

    /* An exec that fails says why, rather than "exited with status 127".
     * (Valgrind dies with a child whose execve fails after its checks.) */
    char *badinterp = in_tmp("qemu-system-badinterp");
    const char *preload = getenv("LD_PRELOAD");
    if (preload && strstr(preload, "vgpreload")) {
        printf("SKIP %s:a failed exec under valgrind\n", __FILE__);
    } else {
        append_line(badinterp, "#!/nonexistent/interpreter\n");
        chmod(badinterp, 0755);
        c = qemu_probe_binary(badinterp, &d);
        char *want = vc_xasprintf("cannot execute %s: No such file or directory", badinterp);
        CHECK(!c && diags_mention(&d, want), "a failed exec is reported with its errno");
        free(want);
        vc_diags_clear(&d);
    }

    vc_diags_free(&d);
    free(badinterp);
    free(comma);
    free(mode);
    free(bin);
}

static bool refused_for(const char *binary, const char *why)
{
    vc_diags d;
    vc_diags_init(&d);
    bool trusted = qemu_probe_trusted(binary, &d);
    bool ok = !trusted && diags_mention(&d, why) && diags_mention(&d, "--caps") &&
              d.v[0].file == NULL && d.v[0].line == 0 && vc_diags_code(&d) == VC_ERR_RUNTIME;
    if (!ok)
        vc_diags_print(stdout, &d);
    vc_diags_free(&d);
    return ok;
}

static void test_trust(void)
{
    char *bin = in_tmp("qemu-system-x86_64");
    char *starts = in_tmp("starts");
    vc_diags d;
    vc_diags_init(&d);
    CHECK(qemu_probe_trusted(bin, &d) && d.n == 0, "trusted: our own 0755 file in our 0700 directory");

    int before = count_lines(starts);
    chmod(bin, 0775);
    CHECK(refused_for(bin, "it is writable by group or others"), "untrusted: a group-writable binary");
    qemu_caps *c = qemu_probe_cached(bin, &d);
    CHECK(!c && count_lines(starts) == before, "qemu_probe_cached never runs it");
    vc_diags_clear(&d);
    c = qemu_probe_binary(bin, &d);
    CHECK(!c && count_lines(starts) == before, "nor does the uncached probe");
    vc_diags_clear(&d);
    chmod(bin, 0755);

    char *open_dir = in_tmp("open");
    char *inside = in_tmp("open/qemu");
    char *link = in_tmp("open/link");
    mkdir(open_dir, 0700);
    chmod(open_dir, 0777);
    CHECK(copy_self(inside), "a binary in a world-writable directory");
    CHECK(refused_for(inside, "its directory is writable by group or others"),
          "untrusted: a world-writable directory");
    CHECK(symlink(bin, link) == 0 && refused_for(link, "its directory is writable by group or others"),
          "untrusted: a link in a world-writable directory to a trusted binary");
    chmod(open_dir, 01777);
    CHECK(qemu_probe_trusted(inside, &d) && d.n == 0, "trusted: a sticky directory (/tmp)");
    if (geteuid() == 0) {
        CHECK(chown(inside, 65534, 65534) == 0 && refused_for(inside, "it is owned by another user"),
              "untrusted: a binary of another user");
        CHECK(chown(inside, 0, 0) == 0 && chown(open_dir, 65534, 65534) == 0 &&
                  refused_for(inside, "its directory is owned by another user"),
              "untrusted: a directory of another user");
    } else {
        printf("SKIP %s:ownership checks need root\n", __FILE__);
    }

    vc_diags_free(&d);
    unlink(link);
    unlink(inside);
    rmdir(open_dir);
    free(link);
    free(inside);
    free(open_dir);
    free(starts);
    free(bin);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void test_cache_dir_safety(void)
{
    char *bin = in_tmp("qemu-system-x86_64");
    vc_diags d;
    vc_diags_init(&d);

    /* Made private, every level the cache creates. */
    char *cache3 = in_tmp("cache3");
    char *deep = in_tmp("cache3/deep");
    char *deepq = in_tmp("cache3/deep/qemu");
    setenv("VIRTC_CACHE_DIR", deep, 1);
    qemu_caps *c = qemu_probe_cached(bin, &d);
    CHECK(c && d.n == 0 && mode_of(cache3) == 0700 && mode_of(deep) == 0700 && mode_of(deepq) == 0700,
          "cache directories are created 0700");
    qemu_caps_free(c);
    char *file = qemu_probe_cache_file(bin);
    unlink(file);
    free(file);

    /* A cache directory others may write, or someone else's, is not used. */
    char *cache2 = in_tmp("cache2");
    char *cache2q = in_tmp("cache2/qemu");
    mkdir(cache2, 0700);
    mkdir(cache2q, 0700);
    chmod(cache2q, 0777);
    setenv("VIRTC_CACHE_DIR", cache2, 1);
    c = qemu_probe_cached(bin, &d);
    file = qemu_probe_cache_file(bin);
    CHECK(c && d.nerrors == 0 && diags_mention(&d, "it is writable by group or others") &&
              access(file, F_OK) != 0,
          "a world-writable cache directory is refused with a warning");
    qemu_caps_free(c);
    vc_diags_clear(&d);
    if (geteuid() == 0) {
        chmod(cache2q, 0700);
        CHECK(chown(cache2q, 65534, 65534) == 0, "a cache directory of another user");
        c = qemu_probe_cached(bin, &d);
        CHECK(c && d.nerrors == 0 && diags_mention(&d, "it is owned by another user") &&
                  access(file, F_OK) != 0,
              "a cache directory of another user is refused with a warning");
        qemu_caps_free(c);
        vc_diags_clear(&d);
    }
    free(file);

    vc_diags_free(&d);
    rmdir(cache2q);
    rmdir(cache2);
    rmdir(deepq);
    rmdir(deep);
    rmdir(cache3);
    free(cache2q);
    free(cache2);
    free(deepq);
    free(deep);
    free(cache3);
    free(bin);
}

/* No HOME: no cache at all, never a shared /tmp one. */
static void test_no_home_cache(void)
{
    unsetenv("VIRTC_CACHE_DIR");
    char *home = getenv("HOME") ? vc_xstrdup(getenv("HOME")) : NULL;
    char *xdg = getenv("XDG_CACHE_HOME") ? vc_xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
    unsetenv("HOME");
    unsetenv("XDG_CACHE_HOME");
    bool no_dir;
    if (geteuid() != 0) {
        char *dir = qemu_probe_cache_dir();
        no_dir = dir == NULL;
        free(dir);
    } else {
        /* root's cache is /var/cache; the rule is for everyone else. */
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0)
                _exit(2);
            char *dir = qemu_probe_cache_dir();
            char *f = qemu_probe_cache_file("/usr/bin/qemu-system-x86_64");
            int rc = dir == NULL && f == NULL ? 0 : 1;
            free(dir);
            free(f);
            free(home);
            free(xdg);
            _exit(rc);
        }
        int st = -1;
        no_dir = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    CHECK(no_dir, "no HOME: no cache directory (no /tmp fallback)");
    if (home)
        setenv("HOME", home, 1);
    if (xdg)
        setenv("XDG_CACHE_HOME", xdg, 1);
    free(home);
    free(xdg);

}

static void rm_rf(const char *dir)
{
    /* Only what this test created: fixed names in a mkdtemp directory. */
    static const char *const files[] = { "qemu-system-x86_64", "starts", "pid", "mode", "blocked",
                                         "qemu-system-badinterp" };
    for (size_t i = 0; i < VC_ARRAY_SIZE(files); i++) {
        char *p = vc_xasprintf("%s/%s", dir, files[i]);
        unlink(p);
        free(p);
    }
    char *qdir = vc_xasprintf("%s/cache/qemu", dir);
    char *bin = vc_xasprintf("%s/qemu-system-x86_64", dir);
    char *cache = vc_xasprintf("%s/cache", dir);
    setenv("VIRTC_CACHE_DIR", cache, 1);
    free(cache);
    char *file = qemu_probe_cache_file(bin);
    if (file)
        unlink(file);
    free(file);
    free(bin);
    rmdir(qdir);
    free(qdir);
    char *cdir = vc_xasprintf("%s/cache", dir);
    rmdir(cdir);
    free(cdir);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-chardev") == 0)
            return fake_qemu_main(argc, argv);

    test_full_probe();
    test_old_qemu();
    test_failures();

    tmpdir = vc_xstrdup("/tmp/virtc-test-probe-XXXXXX");
    CHECK(mkdtemp(tmpdir) != NULL, "temporary directory");
    test_cache();
    test_probe_failures();
    test_probe_child();
    test_trust();
    test_cache_dir_safety();
    test_no_home_cache();
    rm_rf(tmpdir);
    free(tmpdir);
    return check_done();
}
