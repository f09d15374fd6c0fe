/*
 * argv.h: the qemu-argv emitter: IR domain + QEMU capabilities -> launch.
 *
 * A launch is data, never a string to split: the environment, the argument
 * vector (argv[0] is the emulator), the host resources the guest will touch
 * (which the runtime labels and allows before it starts QEMU), and the
 * warnings about what the command line could not express.
 *
 * The capabilities decide every form (-drive or -hda, -net or -netdev, ...);
 * the profile's name is only used in messages.
 */
#ifndef VIRTC_QEMU_ARGV_H
#define VIRTC_QEMU_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"
#include "../ir.h"
#include "../util.h"
#include "caps.h"

typedef enum qemu_res_kind {
    QEMU_RES_FILE = 0,   /* a regular file: disk image, kernel, chardev log */
    QEMU_RES_BLOCK,      /* a block device node */
    QEMU_RES_DIR,        /* a directory */
    QEMU_RES_CHARDEV,    /* a character device node: /dev/ttyS0, /dev/net/tun, /dev/kvm */
    QEMU_RES_SOCKET,     /* a unix socket QEMU creates or connects to */
    QEMU_RES_TAP,        /* a tap interface, by name */
    QEMU_RES_PCI,        /* a host PCI device: "0000:06:12.5" */
    QEMU_RES_USB,        /* a host USB device node: /dev/bus/usb/BBB/DDD */
    QEMU_RES_USB_ID,     /* a host USB device by "vendor:product", resolved at start */
    QEMU_RES_LAST
} qemu_res_kind;

typedef struct qemu_resource {
    char *path;
    qemu_res_kind kind;
    bool readonly;
} qemu_resource;

typedef struct qemu_launch {
    vc_strv env;              /* NAME=VALUE, in order */
    vc_strv argv;             /* argv[0] is the emulator */
    qemu_resource *res;
    size_t nres, capres;
    vc_diags warnings;        /* what could not be expressed (never errors) */
} qemu_launch;

typedef struct qemu_argv_opts {
    const char *file;         /* the input's name, for located diagnostics */
    /* The deterministic environment of the tests:
     * LC_ALL=C PATH=/usr/bin:/bin HOME=/home/test USER=test LOGNAME=test.
     * Otherwise LC_ALL=C and PATH, HOME, USER, LOGNAME from our environment. */
    bool test_env;
    /* Listen address of VNC displays that name none (qemu.conf vnc_listen);
     * NULL means "127.0.0.1", "" means all addresses (-vnc :N). */
    const char *vnc_listen;
    /* The monitor's unix socket when a runtime will drive the guest; NULL
     * gives "-monitor pty", what a converter prints. */
    const char *monitor_socket;
    /* The guest's state directory: the monitor socket (when monitor_socket
     * is NULL) and the sockets of channels that name no path go there.
     * NULL gives libvirt's /var/lib/libvirt/qemu/domain-ID-NAME (and its
     * channel/target directory). */
    const char *state_dir;
    /* Listen address of SPICE displays that name none (qemu.conf
     * spice_listen); NULL means "127.0.0.1". */
    const char *spice_listen;
} qemu_argv_opts;

const char *qemu_res_kind_name(qemu_res_kind k);

/* NULL with located errors in d when the domain cannot be expressed for this
 * QEMU. Warnings go to the launch (and to d as well when the build fails). */
qemu_launch *qemu_argv_build(const ir_domain *dom, const qemu_caps *caps,
                             const qemu_argv_opts *opts, vc_diags *d);
void qemu_launch_free(qemu_launch *l);

/* One shell-safe line without newline: the environment assignments, then
 * argv. A word is quoted only when it needs it, in single quotes, with '\''
 * for an embedded quote. */
char *qemu_launch_render(const qemu_launch *l);
/* Appends word to b, quoted as qemu_launch_render does. */
void qemu_shell_quote(vc_buf *b, const char *word);

/* Appends value to b with every comma doubled, as QEMU's option parser wants
 * inside a key=value list ("a,b" -> "a,,b"). */
void qemu_opt_escape(vc_buf *b, const char *value);
/* Appends ",key=value" (just "key=value" when b is empty), value escaped. */
void qemu_opt_add(vc_buf *b, const char *key, const char *value);

#endif
