/*
 * launch_check: proves a launch against the real QEMU.
 *
 *   launch_check [options] CASE.xml [CASE.expect]    an emitted launch
 *   launch_check [options] CASE.argv [CASE.expect]   a hand-written one
 *   launch_check --modern                            exit 0 when the emitter
 *                                                    speaks -device/-blockdev
 *   launch_check --bench N CASE.xml|CASE.argv        start-up latency: rt_launch
 *                                                    to QMP-ready next to a bare
 *                                                    execve + socket poll, medians
 *
 * A domain is lowered, its host files are moved into a scratch directory
 * (disk images are created there, raw or through qemu-img), the launch is
 * built with the capabilities of --caps (default qemu-7.2) and started
 * paused (-S) through rt_launch; then the expectation file's checks run over
 * QMP and QEMU is told to quit. A hand-written launch is one word a line,
 * NAME=VALUE words before the first other word being its environment, "@DIR@"
 * standing for the scratch directory; it is run as written (no emulator
 * override), which is how the runtime's own failure paths are tested.
 *
 * Expectation lines ('#' starts a comment):
 *   pci ID|VVVV:DDDD [VVVV:DDDD]  a PCI device with that qdev id / vendor:device
 *   block ID [medium|empty]       a block backend attached to device ID
 *   chardev LABEL                 a chardev of that id
 *   qom PATH [TYPE]               a QOM object at PATH (of that type)
 *   vnc                           a VNC server is enabled
 *   argv TEXT                     some word of the executed argv contains TEXT
 *   fail TEXT                     the start must fail with TEXT in the message
 *   host-ok                       a refusal QEMU blames on the host is accepted
 *                                 (the remaining checks are then SKIPped)
 *   timeout MS                    start timeout (default 60000: twice the
 *                                 runtime's own, so that a start slowed
 *                                 down by a loaded machine is not a failure)
 *
 * Output: "PASS launch/CASE/CHECK" or "FAIL launch/CASE/CHECK: why" or
 * "SKIP launch/CASE/CHECK: why", one a check; exit 1 when anything failed.
 *
 * With --corpus the case has no expectations and the one output line sorts
 * it: "START CASE", "CONVERT CASE: why", "HOST CASE: RESOURCE: message",
 * "REJECT CASE: message", "HUNG CASE: message" (QEMU ran, its monitor did
 * not answer within the start bound, and its log says nothing the host
 * lacks).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/kvm.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "../../runtime/launch.h"
#include "launch_glue.h"

/* How rt_launch says that QEMU ran but did not answer in time. */
#define LC_NO_ANSWER "no answer on its monitor"
#include "../../runtime/qmp.h"
#include "domain_xml.h"
#include "qemu/argv.h"
#include "qemu/caps.h"
#include "util.h"

#define LC_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"
#define LC_QEMU_IMG "/usr/bin/qemu-img"

typedef struct lc_opts {
    const char *caps;
    const char *emulator;
    bool corpus;
    int start_ms;
} lc_opts;

typedef struct lc_case {
    char *name;               /* basename without extension */
    char *dir;                /* scratch directory */
    int nfiles;               /* scratch files made so far (for unique names) */
    int *listeners;           /* sockets standing in for peers QEMU connects to */
    size_t nlisteners, caplisteners;
    int failures;
} lc_case;

/* ---- output -------------------------------------------------------------- */

static void lc_result(lc_case *c, const char *verdict, const char *check, const char *why)
{
    printf("%s launch/%s/%s%s%s\n", verdict, c->name, check, why ? ": " : "", why ? why : "");
    if (strcmp(verdict, "FAIL") == 0)
        c->failures++;
}

static char *lc_first_error(const vc_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == VC_SEV_ERROR) {
            const vc_error *e = &d->v[i];
            if (e->file && e->line)
                return vc_xasprintf("%s:%d:%d: %s", e->file, e->line, e->column, e->message);
            return vc_xstrdup(e->message);
        }
    return vc_xstrdup("unknown error");
}

/* ---- scratch files ------------------------------------------------------- */

static int lc_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void lc_case_free(lc_case *c)
{
    for (size_t i = 0; i < c->nlisteners; i++)
        close(c->listeners[i]);
    free(c->listeners);
    if (c->dir)
        nftw(c->dir, lc_rm, 16, FTW_DEPTH | FTW_PHYS);
    free(c->dir);
    free(c->name);
}

static char *lc_scratch(lc_case *c, const char *stem, const char *ext)
{
    return vc_xasprintf("%s/%s%d%s", c->dir, stem, c->nfiles++, ext ? ext : "");
}

/* Runs argv (no shell) with output discarded; true on exit status 0. */
static bool lc_run(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
        }
        char *env[] = { "LC_ALL=C", NULL };
        execve(argv[0], argv, env);
        _exit(127);
    }
    if (pid < 0)
        return false;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool lc_make_raw(const char *path, off_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return false;
    bool ok = ftruncate(fd, size) == 0;
    return close(fd) == 0 && ok;
}

/* An image of the disk's format: raw by hand, the others by qemu-img;
 * a format qemu-img cannot make is left raw (QEMU will then say so). */
static void lc_make_image(const char *path, const char *fmt, off_t size)
{
    if (fmt && strcmp(fmt, "raw") != 0 && access(LC_QEMU_IMG, X_OK) == 0) {
        char sz[32];
        snprintf(sz, sizeof(sz), "%lld", (long long)size);
        char *argv[] = { LC_QEMU_IMG, "create", "-q", "-f", (char *)fmt, (char *)path, sz, NULL };
        if (lc_run(argv))
            return;
    }
    lc_make_raw(path, size);
}

static void lc_replace(char **field, char *value)
{
    free(*field);
    *field = value;
}

/* A listening socket at path, so that a chardev in connect mode finds its
 * peer (the kernel completes the connection from the backlog). */
static void lc_listen_unix(lc_case *c, const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path))
        return;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 8) != 0) {
        close(fd);
        return;
    }
    vc_xgrow((void **)&c->listeners, &c->caplisteners, c->nlisteners + 1, sizeof(int));
    c->listeners[c->nlisteners++] = fd;
}

/* Accepts and drops what connected to the listeners: a full backlog would
 * block the next QEMU's connect (the bench starts one case many times). */
static void lc_drain_listeners(lc_case *c)
{
    for (size_t i = 0; i < c->nlisteners; i++)
        for (int fd; (fd = accept4(c->listeners[i], NULL, NULL, SOCK_CLOEXEC)) >= 0;)
            close(fd);
}

/* ---- moving a domain's host files into the scratch directory -------------- */

static void lc_remap_disk(lc_case *c, ir_disk *k)
{
    if (!k->source || !(k->type == IR_DISK_TYPE_FILE || k->type == IR_DISK_TYPE_BLOCK ||
                        k->type == IR_DISK_TYPE_DIR || k->type == IR_DISK_TYPE_NONE))
        return;
    if (k->type == IR_DISK_TYPE_DIR) {
        char *d = lc_scratch(c, "dir", NULL);
        mkdir(d, 0700);
        lc_replace(&k->source, d);
        return;
    }
    /* A host block device becomes an image file: the sandbox has no spare
     * block devices, and what is proved is the command line around it. */
    if (k->type == IR_DISK_TYPE_BLOCK)
        k->type = IR_DISK_TYPE_FILE;
    const char *fmt = k->driver_type;
    if (fmt && (strcmp(fmt, "aio") == 0 || strcmp(fmt, "tap") == 0))
        fmt = NULL;
    char *ext = vc_xasprintf(".%s", fmt ? fmt : "img");
    char *p = lc_scratch(c, "disk", ext);
    free(ext);
    off_t size = k->device == IR_DISK_DEV_FLOPPY ? 1474560 : 1 << 20;
    lc_make_image(p, fmt, size);
    lc_replace(&k->source, p);
}

static void lc_remap_chr(lc_case *c, ir_chr *h)
{
    switch (h->type) {
    case IR_CHR_FILE:
        if (h->path)
            lc_replace(&h->path, lc_scratch(c, "chr", ".log"));
        break;
    case IR_CHR_PIPE:
        if (h->path) {
            char *p = lc_scratch(c, "pipe", NULL);
            mkfifo(p, 0600);
            lc_replace(&h->path, p);
        }
        break;
    case IR_CHR_UNIX:
        if (h->path) {
            char *p = lc_scratch(c, "s", ".sock");
            if (!vc_streq(h->mode, "bind"))
                lc_listen_unix(c, p);
            lc_replace(&h->path, p);
        }
        break;
    default:
        break;
    }
}

/* A host file that does not exist here becomes a scratch file of zeroes, so
 * what QEMU then says is about the content, not the path. */
static void lc_remap_host_file(lc_case *c, char **field, off_t size)
{
    if (*field && **field == '/' && access(*field, F_OK) != 0) {
        char *p = lc_scratch(c, "file", NULL);
        lc_make_raw(p, size);
        lc_replace(field, p);
    }
}

/* A TCP port on 127.0.0.1 that nobody listens on right now (the kernel's
 * pick); 0 when there is none. Cases run side by side, so fixed ports of
 * the documents would collide. */
static int lc_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    int port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* KVM when this host can give it, TCG otherwise: the domain's type is what
 * the emitter picks the accelerator from. */
static void lc_pick_accel(ir_domain *dom)
{
    if (dom->type != IR_VIRT_KVM)
        return;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd >= 0)
        close(fd);
    else
        dom->type = IR_VIRT_QEMU;
}

static void lc_remap(lc_case *c, ir_domain *dom)
{
    lc_pick_accel(dom);
    for (size_t i = 0; i < dom->ndevices; i++) {
        ir_device *dev = &dom->devices[i];
        switch (dev->kind) {
        case IR_DEV_DISK:
            lc_remap_disk(c, &dev->u.disk);
            break;
        case IR_DEV_FILESYSTEM:
            if (dev->u.fs.source) {
                char *d = lc_scratch(c, "fs", NULL);
                mkdir(d, 0700);
                lc_replace(&dev->u.fs.source, d);
            }
            break;
        case IR_DEV_CHR:
            lc_remap_chr(c, &dev->u.chr);
            break;
        case IR_DEV_GRAPHICS:
            if ((dev->u.graphics.type == IR_GFX_VNC || dev->u.graphics.type == IR_GFX_SPICE) &&
                dev->u.graphics.socket)
                lc_replace(&dev->u.graphics.socket, lc_scratch(c, "gfx", ".sock"));
            if ((dev->u.graphics.type == IR_GFX_VNC || dev->u.graphics.type == IR_GFX_SPICE) &&
                dev->u.graphics.port >= 5900) {
                int port = lc_free_port();
                if (port > 5900)
                    dev->u.graphics.port = port;
            }
            break;
        default:
            break;
        }
    }
    lc_remap_host_file(c, &dom->os.kernel, 0);
    lc_remap_host_file(c, &dom->os.initrd, 0);
    lc_remap_host_file(c, &dom->os.dtb, 0);
    /* A firmware's size must be a multiple of 64 KiB (ROM) or 4 KiB (pflash). */
    lc_remap_host_file(c, &dom->os.loader, 256 * 1024);
    if (dom->os.nvram) {
        char *p = lc_scratch(c, "nvram", ".fd");
        lc_make_raw(p, 128 * 1024);
        lc_replace(&dom->os.nvram, p);
    }
}

/* A listening socket the emitted argv still names outside the scratch
 * directory (a vhost-user interface's <source path mode='server'>, which
 * the document keeps as written): QEMU would bind it on the host and leave
 * it behind when it is killed, so it moves into the scratch directory. */
static void lc_remap_listeners(lc_case *c, qemu_launch *l)
{
    for (size_t i = 1; i < l->argv.n; i++) {
        char *a = l->argv.v[i];
        char *path = strstr(a, ",path=");
        if (strcmp(l->argv.v[i - 1], "-chardev") != 0 || strncmp(a, "socket,", 7) != 0 ||
            !strstr(a, ",server=on") || !path || strncmp(path + 6, c->dir, strlen(c->dir)) == 0)
            continue;
        char *p = lc_scratch(c, "listen", ".sock");
        const char *rest = path + 6 + strcspn(path + 6, ",");
        l->argv.v[i] = vc_xasprintf("%.*s,path=%s%s", (int)(path - a), a, p, rest);
        free(p);
        free(a);
    }
}

/* ---- building the launch --------------------------------------------------- */

static bool lc_argv_has(char *const *argv, const char *text)
{
    for (; argv && *argv; argv++)
        if (strstr(*argv, text))
            return true;
    return false;
}

/* Does this host's KVM emulate System Management Mode? A nested or
 * trimmed-down KVM (a microVM's, as on some machines that run CI) may
 * not, and QEMU then refuses smm=on ("System Management Mode not
 * supported by this hypervisor"): a host reason, not the emitter's. */
static bool lc_kvm_has_smm(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    int r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM);
    close(fd);
    return r > 0;
}

static qemu_launch *lc_build_domain(lc_case *c, const lc_opts *o, const char *file,
                                    const char *monitor, char **why)
{
    vc_diags d;
    vc_diags_init(&d);
    qemu_launch *l = NULL;
    qemu_caps *caps = NULL;
    ir_domain *dom = xml_domain_parse_file(file, &d);
    if (dom) {
        caps = qemu_caps_load_profile(o->caps, &d);
        if (caps) {
            lc_remap(c, dom);
            /* Sockets the emitter names itself (channels without a path)
             * go to the scratch directory too. */
            qemu_argv_opts ao = { .file = file, .monitor_socket = monitor,
                                  .state_dir = c->dir };
            l = qemu_argv_build(dom, caps, &ao, &d);
            /* The case proves the command line, so it runs under TCG
             * where this KVM lacks what the line asks of it. */
            if (l && dom->type == IR_VIRT_KVM && lc_argv_has(l->argv.v, "smm=on") &&
                !lc_kvm_has_smm()) {
                qemu_launch_free(l);
                dom->type = IR_VIRT_QEMU;
                l = qemu_argv_build(dom, caps, &ao, &d);
            }
            if (l)
                lc_remap_listeners(c, l);
        }
    }
    if (!l)
        *why = lc_first_error(&d);
    qemu_caps_free(caps);
    ir_domain_free(dom);
    vc_diags_free(&d);
    return l;
}

static char *lc_subst_dir(const char *word, const char *dir)
{
    vc_buf b;
    vc_buf_init(&b);
    for (const char *s = word; *s;) {
        const char *at = strstr(s, "@DIR@");
        if (!at) {
            vc_buf_puts(&b, s);
            break;
        }
        vc_buf_add(&b, s, (size_t)(at - s));
        vc_buf_puts(&b, dir);
        s = at + 5;
    }
    return vc_buf_steal(&b);
}

/* launch -> assignment* word+ (one a line) */
static qemu_launch *lc_build_argv(lc_case *c, const char *file, char **why)
{
    size_t len;
    char *text = vc_read_file(file, &len);
    if (!text) {
        *why = vc_xasprintf("%s: %s", file, strerror(errno));
        return NULL;
    }
    qemu_launch *l = vc_xcalloc(1, sizeof(*l));
    vc_strv_init(&l->env);
    vc_strv_init(&l->argv);
    vc_diags_init(&l->warnings);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!*line || *line == '#')
            continue;
        vc_strv *into = l->argv.n == 0 && line[0] != '-' && strchr(line, '=') ? &l->env
                                                                              : &l->argv;
        vc_strv_take(into, lc_subst_dir(line, c->dir));
    }
    free(text);
    return l;
}

/* ---- QMP checks ------------------------------------------------------------ */

static json_object *lc_qmp(rt_launch *r, const char *cmd, json_object *args, char **why)
{
    vc_diags d;
    vc_diags_init(&d);
    json_object *ret = rt_qmp_command(rt_launch_qmp(r), cmd, args, NULL, &d);
    if (!ret)
        *why = lc_first_error(&d);
    vc_diags_free(&d);
    return ret;
}

static const char *lc_get_str(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static int lc_get_int(json_object *o, const char *key)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : -1;
}

/* Does one of devs (recursively through bridges) match id and/or vd? */
static bool lc_pci_find(json_object *devs, const char *id, int vendor, int device)
{
    size_t n = devs ? json_object_array_length(devs) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *dev = json_object_array_get_idx(devs, i), *pid = NULL, *br, *bus, *sub;
        json_object_object_get_ex(dev, "id", &pid);
        bool ok = (!id || vc_streq(lc_get_str(dev, "qdev_id"), id)) &&
                  (vendor < 0 || (lc_get_int(pid, "vendor") == vendor &&
                                  lc_get_int(pid, "device") == device));
        if (ok)
            return true;
        if (json_object_object_get_ex(dev, "pci_bridge", &br) &&
            json_object_object_get_ex(br, "devices", &sub) && lc_pci_find(sub, id, vendor, device))
            return true;
        (void)bus;
    }
    return false;
}

static bool lc_parse_vd(const char *s, int *vendor, int *device)
{
    unsigned v, dv;
    char tail;
    if (!s || sscanf(s, "%4x:%4x%c", &v, &dv, &tail) != 2 || strlen(s) != 9)
        return false;
    *vendor = (int)v;
    *device = (int)dv;
    return true;
}

static char *lc_check_pci(rt_launch *r, char **arg)
{
    int vendor = -1, device = -1;
    const char *id = NULL;
    if (!lc_parse_vd(arg[0], &vendor, &device)) {
        id = arg[0];
        if (arg[1] && !lc_parse_vd(arg[1], &vendor, &device))
            return vc_xasprintf("bad vendor:device '%s'", arg[1]);
    }
    char *why = NULL;
    json_object *buses = lc_qmp(r, "query-pci", NULL, &why);
    if (!buses)
        return why;
    bool found = false;
    for (size_t i = 0; !found && i < json_object_array_length(buses); i++) {
        json_object *devs;
        if (json_object_object_get_ex(json_object_array_get_idx(buses, i), "devices", &devs))
            found = lc_pci_find(devs, id, vendor, device);
    }
    json_object_put(buses);
    return found ? NULL : vc_xstrdup("no such PCI device in query-pci");
}

/* query-block names the device a backend is attached to by its qdev id or by
 * a QOM path under /machine/peripheral/ID. */
static bool lc_block_matches(json_object *b, const char *id)
{
    const char *dev = lc_get_str(b, "device"), *qdev = lc_get_str(b, "qdev");
    if (vc_streq(dev, id) || vc_streq(qdev, id))
        return true;
    if (!qdev)
        return false;
    char *pfx = vc_xasprintf("/machine/peripheral/%s", id);
    size_t n = strlen(pfx);
    bool ok = strncmp(qdev, pfx, n) == 0 && (qdev[n] == '\0' || qdev[n] == '/');
    free(pfx);
    return ok;
}

static char *lc_check_block(rt_launch *r, char **arg)
{
    if (!arg[0])
        return vc_xstrdup("block needs an id");
    char *why = NULL;
    json_object *list = lc_qmp(r, "query-block", NULL, &why);
    if (!list)
        return why;
    json_object *hit = NULL;
    for (size_t i = 0; !hit && i < json_object_array_length(list); i++)
        if (lc_block_matches(json_object_array_get_idx(list, i), arg[0]))
            hit = json_object_array_get_idx(list, i);
    char *res = NULL;
    if (!hit) {
        res = vc_xstrdup("no block backend attached to it in query-block");
    } else if (arg[1]) {
        bool inserted = json_object_object_get_ex(hit, "inserted", NULL);
        if (strcmp(arg[1], "medium") == 0 && !inserted)
            res = vc_xstrdup("no medium inserted");
        else if (strcmp(arg[1], "empty") == 0 && inserted)
            res = vc_xstrdup("a medium is inserted");
    }
    json_object_put(list);
    return res;
}

static char *lc_check_chardev(rt_launch *r, char **arg)
{
    char *why = NULL;
    json_object *list = lc_qmp(r, "query-chardev", NULL, &why);
    if (!list)
        return why;
    bool found = false;
    for (size_t i = 0; !found && i < json_object_array_length(list); i++)
        found = vc_streq(lc_get_str(json_object_array_get_idx(list, i), "label"), arg[0]);
    json_object_put(list);
    return found ? NULL : vc_xstrdup("no such chardev in query-chardev");
}

static char *lc_check_qom(rt_launch *r, char **arg)
{
    if (!arg[0])
        return vc_xstrdup("qom needs a path");
    char *why = NULL;
    json_object *args = json_object_new_object();
    json_object_object_add(args, "path", json_object_new_string(arg[0]));
    json_object *list = lc_qmp(r, "qom-list", args, &why);
    if (!list)
        return why;
    json_object_put(list);
    if (!arg[1])
        return NULL;
    args = json_object_new_object();
    json_object_object_add(args, "path", json_object_new_string(arg[0]));
    json_object_object_add(args, "property", json_object_new_string("type"));
    json_object *type = lc_qmp(r, "qom-get", args, &why);
    if (!type)
        return why;
    char *res = NULL;
    if (!vc_streq(json_object_get_string(type), arg[1]))
        res = vc_xasprintf("type is %s", json_object_get_string(type));
    json_object_put(type);
    return res;
}

static char *lc_check_vnc(rt_launch *r, char **arg)
{
    (void)arg;
    char *why = NULL;
    json_object *v = lc_qmp(r, "query-vnc", NULL, &why);
    if (!v)
        return why;
    json_object *en;
    bool on = json_object_object_get_ex(v, "enabled", &en) && json_object_get_boolean(en);
    json_object_put(v);
    return on ? NULL : vc_xstrdup("VNC is not enabled");
}

static const struct {
    const char *name;
    char *(*check)(rt_launch *, char **);   /* NULL on success, else why */
} lc_checks[] = {
    { "pci", lc_check_pci },
    { "block", lc_check_block },
    { "chardev", lc_check_chardev },
    { "qom", lc_check_qom },
    { "vnc", lc_check_vnc },
};

/* ---- expectations ---------------------------------------------------------- */

typedef struct lc_expect {
    char **lines;             /* checks that need a running QEMU */
    size_t nlines, caplines;
    char **argv_has;
    size_t nargv, capargv;
    char *fail;               /* the start must fail with this */
    bool host_ok;
    int start_ms;
} lc_expect;

static void lc_expect_free(lc_expect *e)
{
    for (size_t i = 0; i < e->nlines; i++)
        free(e->lines[i]);
    for (size_t i = 0; i < e->nargv; i++)
        free(e->argv_has[i]);
    free(e->lines);
    free(e->argv_has);
    free(e->fail);
}

static void lc_push(char ***v, size_t *n, size_t *cap, const char *s)
{
    vc_xgrow((void **)v, cap, *n + 1, sizeof(char *));
    (*v)[(*n)++] = vc_xstrdup(s);
}

static bool lc_expect_load(const char *file, lc_expect *e, char **why)
{
    size_t len;
    char *text = vc_read_file(file, &len);
    if (!text) {
        *why = vc_xasprintf("%s: %s", file, strerror(errno));
        return false;
    }
    bool ok = true;
    int lineno = 0;
    for (char *s = text, *nl; ok && s && *s; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        s += strspn(s, " \t");
        if (!*s || *s == '#')
            continue;
        if (strncmp(s, "fail ", 5) == 0) {
            e->fail = vc_xstrdup(s + 5);
        } else if (strcmp(s, "host-ok") == 0) {
            e->host_ok = true;
        } else if (strncmp(s, "argv ", 5) == 0) {
            lc_push(&e->argv_has, &e->nargv, &e->capargv, s + 5);
        } else if (strncmp(s, "timeout ", 8) == 0) {
            ok = vc_parse_int(s + 8, &e->start_ms) && e->start_ms > 0;
        } else {
            size_t n = strcspn(s, " \t");
            ok = false;
            for (size_t i = 0; i < VC_ARRAY_SIZE(lc_checks); i++)
                ok = ok || (strlen(lc_checks[i].name) == n && strncmp(s, lc_checks[i].name, n) == 0);
            if (ok)
                lc_push(&e->lines, &e->nlines, &e->caplines, s);
        }
        if (!ok)
            *why = vc_xasprintf("%s:%d:1: bad expectation '%s'", file, lineno, s);
    }
    free(text);
    return ok;
}

static void lc_run_check(lc_case *c, rt_launch *r, const char *line)
{
    char *copy = vc_xstrdup(line);
    char *words[4] = { 0 };
    size_t n = 0;
    for (char *w = strtok(copy, " \t"); w && n < 3; w = strtok(NULL, " \t"))
        words[n++] = w;
    char *why = NULL;
    for (size_t i = 0; i < VC_ARRAY_SIZE(lc_checks); i++)
        if (strcmp(words[0], lc_checks[i].name) == 0)
            why = lc_checks[i].check(r, words + 1);
    lc_result(c, why ? "FAIL" : "PASS", line, why);
    free(why);
    free(copy);
}

/* ---- main ------------------------------------------------------------------ */

static char *lc_basename_noext(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    return vc_xstrndup(b, dot ? (size_t)(dot - b) : strlen(b));
}

/* Is any process still naming the case's scratch directory in its command
 * line (a QEMU that outlived its case)? Its pid, or 0. */
static pid_t lc_stray_scan(const char *dir)
{
    DIR *proc = opendir("/proc");
    pid_t found = 0;
    for (struct dirent *e; proc && !found && (e = readdir(proc));) {
        int pid;
        if (!vc_parse_int(e->d_name, &pid) || pid == getpid())
            continue;
        char *path = vc_xasprintf("/proc/%d/cmdline", pid);
        size_t len;
        char *cmd = vc_read_file(path, &len);
        free(path);
        for (size_t i = 0; cmd && i < len; i += strlen(cmd + i) + 1)
            if (strstr(cmd + i, dir))
                found = pid;
        free(cmd);
    }
    if (proc)
        closedir(proc);
    return found;
}

/* A process of the case that outlived it. rt_launch kills the whole process
 * group, but a killed process is gone only once the kernel has run it to
 * its exit (a child forked just before, still carrying its parent's command
 * line, too), which a loaded machine delays: give it 10 s to go. */
static pid_t lc_stray(const char *dir)
{
    pid_t found = lc_stray_scan(dir);
    for (int i = 0; found && i < 200; i++) {
        usleep(50 * 1000);
        found = lc_stray_scan(dir);
    }
    return found;
}

/* The case's scratch directory, named with our pid: tests/check-leftovers.sh
 * tells a leftover from the directory of a case that still runs. */
static char *lc_mkscratch(void)
{
    char *dir = vc_xasprintf("/tmp/virtc-lc-%ld-XXXXXX", (long)getpid());
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

static void lc_print_warnings(const qemu_launch *l)
{
    for (size_t i = 0; i < l->warnings.n; i++)
        fprintf(stderr, "launch_check: warning: %s\n", l->warnings.v[i].message);
}

/* The start failed: judge it against fail/host-ok, or sort it (--corpus). */
static void lc_start_failed(lc_case *c, const lc_opts *o, const lc_expect *e, const char *msg)
{
    const char *res = rt_launch_classify(msg);
    if (o->corpus) {
        /* QEMU ran but its monitor did not answer within the start bound,
         * with no word of why: not an option QEMU refused (it would have
         * said so and exited), a class of its own */
        if (res)
            printf("HOST %s: %s: %s\n", c->name, res, msg);
        else if (strstr(msg, LC_NO_ANSWER))
            printf("HUNG %s: %s\n", c->name, msg);
        else
            printf("REJECT %s: %s\n", c->name, msg);
        return;
    }
    if (e->fail) {
        if (strstr(msg, e->fail))
            lc_result(c, "PASS", "fails", NULL);
        else
            lc_result(c, "FAIL", "fails", msg);
        return;
    }
    if (e->host_ok && res) {
        char *why = vc_xasprintf("the host lacks %s (%s)", res, msg);
        lc_result(c, "SKIP", "start", why);
        free(why);
        return;
    }
    lc_result(c, "FAIL", "start", msg);
}

static int lc_case_run(const lc_opts *o, const char *file, const char *expect_file)
{
    lc_case c = { .name = lc_basename_noext(file) };
    lc_expect e = { .start_ms = o->start_ms };
    char *why = NULL;
    qemu_launch *l = NULL;
    rt_launch *r = NULL;
    if (expect_file && !lc_expect_load(expect_file, &e, &why)) {
        lc_result(&c, "FAIL", "expect", why);
        goto out;
    }
    if (!(c.dir = lc_mkscratch())) {
        lc_result(&c, "FAIL", "scratch", strerror(errno));
        goto out;
    }
    bool is_xml = vc_str_has_suffix(file, ".xml");
    char *monitor = vc_xasprintf("%s/monitor.sock", c.dir);
    l = is_xml ? lc_build_domain(&c, o, file, monitor, &why) : lc_build_argv(&c, file, &why);
    if (!l) {
        if (o->corpus)
            printf("CONVERT %s: %s\n", c.name, why);
        else
            lc_result(&c, "FAIL", "convert", why);
        free(monitor);
        goto out;
    }
    lc_print_warnings(l);
    /* The emitter's monitor is used when it is QMP; otherwise (a converter's
     * "-monitor pty", a human monitor) rt_launch brings its own. */
    bool emitted_qmp = lc_argv_has(l->argv.v, monitor) && lc_argv_has(l->argv.v, "mode=control");
    static const char *const paused[] = { "-S", NULL };
    rt_launch_opts ro = {
        .run_dir = c.dir,
        .qmp_socket = emitted_qmp ? monitor : NULL,
        .extra_args = paused,
        .emulator = is_xml ? o->emulator : NULL,
        .start_timeout_ms = e.start_ms,
    };
    vc_diags d;
    vc_diags_init(&d);
    r = glue_launch_start(l, &ro, &d);
    free(monitor);
    if (!r) {
        char *msg = lc_first_error(&d);
        /* A QEMU that waits on a server socket for its peer (a vhost-user
         * back end) says so in its log, which the message carries
         * (rt_launch_classify: a socket peer, the host's part) */
        lc_start_failed(&c, o, &e, msg);
        free(msg);
        vc_diags_free(&d);
        goto out;
    }
    if (o->corpus)
        printf("START %s\n", c.name);
    else if (e.fail)
        lc_result(&c, "FAIL", "fails", "QEMU started");
    else
        lc_result(&c, "PASS", "start", NULL);
    if (!o->corpus && !e.fail) {
        for (size_t i = 0; i < e.nargv; i++) {
            char *check = vc_xasprintf("argv %s", e.argv_has[i]);
            bool has = lc_argv_has(rt_launch_argv(r), e.argv_has[i]);
            lc_result(&c, has ? "PASS" : "FAIL", check, has ? NULL : "no such word");
            free(check);
        }
        for (size_t i = 0; i < e.nlines; i++)
            lc_run_check(&c, r, e.lines[i]);
    }
    if (!rt_launch_stop(r, 0, &d)) {
        char *msg = lc_first_error(&d);
        if (o->corpus)
            fprintf(stderr, "launch_check: %s: stop: %s\n", c.name, msg);
        else
            lc_result(&c, "FAIL", "quit", msg);
        free(msg);
    }
    vc_diags_free(&d);
out:
    rt_launch_free(r);
    if (c.dir && !o->corpus) {
        pid_t stray = lc_stray(c.dir);
        char *why_stray = stray ? vc_xasprintf("process %d outlived the case", (int)stray) : NULL;
        lc_result(&c, stray ? "FAIL" : "PASS", "no process left", why_stray);
        free(why_stray);
    }
    qemu_launch_free(l);
    free(why);
    lc_expect_free(&e);
    int rc = c.failures ? 1 : 0;
    lc_case_free(&c);
    return rc;
}

/* ---- --bench: start-up latency ------------------------------------------- */

static double lc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int lc_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads up to and including the next newline; false at end of stream. */
static bool lc_read_line_fd(int fd)
{
    char c;
    while (read(fd, &c, 1) == 1)
        if (c == '\n')
            return true;
    return false;
}

/* The reference: the same words execve'd by the plainest loop there is,
 * polling the socket every millisecond until QEMU's greeting line arrives
 * (*greet_ms), then until it answers qmp_capabilities, the point where
 * rt_launch_start_argv returns: QEMU greets as soon as the socket is accepted,
 * but answers only once its main loop runs. Milliseconds to the answer, or
 * a negative number when there was none. */
static double lc_bench_hand(const qemu_launch *l, const char *sock, char *const *env,
                            double *greet_ms)
{
    vc_strv av;
    vc_strv_init(&av);
    for (size_t i = 0; i < l->argv.n; i++)
        vc_strv_add(&av, l->argv.v[i]);
    vc_strv_add(&av, "-chardev");
    vc_strv_addf(&av, "socket,id=handqmp,path=%s,server=on,wait=off", sock);
    vc_strv_add(&av, "-mon");
    vc_strv_add(&av, "chardev=handqmp,mode=control");
    vc_strv_add(&av, "-S");
    unlink(sock);
    double t0 = lc_now_ms(), ms = -1;
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
        execve(av.v[0], av.v, env);
        _exit(127);
    }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    while (pid > 0 && lc_now_ms() - t0 < 30000 && waitpid(pid, NULL, WNOHANG) == 0) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            static const char caps[] = "{\"execute\":\"qmp_capabilities\"}\n";
            if (lc_read_line_fd(fd)) {
                *greet_ms = lc_now_ms() - t0;
                if (write(fd, caps, sizeof(caps) - 1) == (ssize_t)sizeof(caps) - 1 &&
                    lc_read_line_fd(fd))
                    ms = lc_now_ms() - t0;
            }
            close(fd);
            break;
        }
        if (fd >= 0)
            close(fd);
        usleep(1000);
    }
    if (pid > 0 && kill(pid, SIGKILL) == 0)
        waitpid(pid, NULL, 0);
    vc_strv_free(&av);
    return ms;
}

static double lc_bench_rt(const qemu_launch *l, const char *dir)
{
    static const char *const paused[] = { "-S", NULL };
    rt_launch_opts ro = { .run_dir = dir, .extra_args = paused };
    vc_diags d;
    vc_diags_init(&d);
    double t0 = lc_now_ms();
    rt_launch *r = glue_launch_start(l, &ro, &d);
    double ms = r ? lc_now_ms() - t0 : -1;
    if (!r)
        vc_diags_print(stderr, &d);
    if (r)
        rt_launch_stop(r, 0, &d);
    rt_launch_free(r);
    vc_diags_free(&d);
    return ms;
}

/* One table row: the median of n starts each way, alternated. */
static int lc_bench(const lc_opts *o, const char *file, int n)
{
    lc_case c = { .name = lc_basename_noext(file) };
    if (!(c.dir = lc_mkscratch()))
        return 1;
    char *why = NULL;
    bool is_xml = vc_str_has_suffix(file, ".xml");
    /* The emitter's monitor goes to the scratch directory; both sides add
     * their own QMP socket beside it. */
    char *monitor = vc_xasprintf("%s/monitor.sock", c.dir);
    qemu_launch *l = is_xml ? lc_build_domain(&c, o, file, monitor, &why)
                            : lc_build_argv(&c, file, &why);
    free(monitor);
    int rc = 1;
    if (!l) {
        fprintf(stderr, "launch_check: %s\n", why);
        goto out;
    }
    if (is_xml)
        lc_replace(&l->argv.v[0], vc_xstrdup(o->emulator));
    char *sock = vc_xasprintf("%s/hand.sock", c.dir);
    double *rt = vc_xcalloc((size_t)n, sizeof(double)), *hand = vc_xcalloc((size_t)n, sizeof(double));
    double *greet = vc_xcalloc((size_t)n, sizeof(double));
    char *empty[] = { NULL };
    int ok = 0;
    for (int i = 0; i < n; i++) {
        /* Alternate who goes first: a start right after a killed QEMU
         * pays for its teardown. */
        lc_drain_listeners(&c);
        if (i % 2)
            hand[ok] = lc_bench_hand(l, sock, l->env.v ? l->env.v : empty, &greet[ok]);
        rt[ok] = lc_bench_rt(l, c.dir);
        lc_drain_listeners(&c);
        if (i % 2 == 0)
            hand[ok] = lc_bench_hand(l, sock, l->env.v ? l->env.v : empty, &greet[ok]);
        if (rt[ok] >= 0 && hand[ok] >= 0)
            ok++;
    }
    if (ok > 0) {
        qsort(rt, (size_t)ok, sizeof(double), lc_cmp_double);
        qsort(hand, (size_t)ok, sizeof(double), lc_cmp_double);
        qsort(greet, (size_t)ok, sizeof(double), lc_cmp_double);
        double a = rt[ok / 2], b = hand[ok / 2];
        printf("%-30s %8.1f ms %8.1f ms %8.1f ms   x%.2f (median of %d)\n", c.name, a, b,
               greet[ok / 2], a / b, ok);
        rc = 0;
    }
    free(rt);
    free(hand);
    free(greet);
    free(sock);
out:
    qemu_launch_free(l);
    free(why);
    lc_case_free(&c);
    return rc;
}

/* Does the emitter, with these capabilities, use the -device generation? */
static int lc_modern(const lc_opts *o)
{
    static const char doc[] =
        "<domain type='qemu'><name>m</name><memory>65536</memory>"
        "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<devices><disk type='file' device='disk'><source file='/tmp/x.img'/>"
        "<target dev='vda' bus='virtio'/></disk></devices></domain>";
    vc_diags d;
    vc_diags_init(&d);
    int rc = 1;
    ir_domain *dom = xml_domain_parse("modern-probe.xml", doc, sizeof(doc) - 1, &d);
    qemu_caps *caps = dom ? qemu_caps_load_profile(o->caps, &d) : NULL;
    if (caps) {
        qemu_launch *l = qemu_argv_build(dom, caps, NULL, &d);
        if (l && (lc_argv_has(l->argv.v, "-blockdev") || lc_argv_has(l->argv.v, "virtio-blk")))
            rc = 0;
        qemu_launch_free(l);
    }
    if (rc)
        vc_diags_print(stderr, &d);
    qemu_caps_free(caps);
    ir_domain_free(dom);
    vc_diags_free(&d);
    return rc;
}

static int lc_usage(void)
{
    fprintf(stderr, "usage: launch_check [--caps NAME] [--emulator PATH] [--timeout MS] "
                    "[--corpus] CASE.xml|CASE.argv [CASE.expect]\n"
                    "       launch_check [--caps NAME] --modern\n"
                    "       launch_check [--caps NAME] --bench N CASE.xml|CASE.argv\n");
    return 2;
}

/* Run from build/tests, the checkout's schemas and profiles are two levels
 * up; the environment, when set, says otherwise. */
static void lc_default_dirs(void)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return;
    *slash = '\0';
    const char *exe = self;
    static const char *const vars[][2] = {
        { "VIRTC_SCHEMA_DIR", "schemas" },
        { "VIRTC_PROFILE_DIR", "translators/qemu/profiles" },
    };
    for (size_t i = 0; i < VC_ARRAY_SIZE(vars); i++) {
        char *dir = vc_xasprintf("%s/../../%s", exe, vars[i][1]);
        if (!getenv(vars[i][0]) && access(dir, F_OK) == 0)
            setenv(vars[i][0], dir, 0);
        free(dir);
    }
}

int main(int argc, char **argv)
{
    lc_default_dirs();
    lc_opts o = { .caps = "qemu-7.2", .emulator = LC_DEFAULT_EMULATOR, .start_ms = 60000 };
    bool modern = false;
    int bench = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--corpus") == 0)
            o.corpus = true;
        else if (strcmp(a, "--modern") == 0)
            modern = true;
        else if (strcmp(a, "--caps") == 0 && i + 1 < argc)
            o.caps = argv[++i];
        else if (strcmp(a, "--bench") == 0 && i + 1 < argc) {
            if (!vc_parse_int(argv[++i], &bench) || bench <= 0)
                return lc_usage();
        } else if (strcmp(a, "--emulator") == 0 && i + 1 < argc)
            o.emulator = argv[++i];
        else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
            if (!vc_parse_int(argv[++i], &o.start_ms) || o.start_ms <= 0)
                return lc_usage();
        } else
            return lc_usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (modern)
        return i == argc ? lc_modern(&o) : lc_usage();
    if (bench)
        return argc - i == 1 ? lc_bench(&o, argv[i], bench) : lc_usage();
    if (argc - i < 1 || argc - i > 2)
        return lc_usage();
    return lc_case_run(&o, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
}
