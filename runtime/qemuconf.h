/*
 * qemuconf.h: the host's qemu.conf, the runtime's own configuration.
 *
 * The format is libvirt's: one "key = value" a line, a value being a
 * double-quoted string, an integer, or a list of strings in brackets
 * ("[ "a", "b" ]", which may span lines); '#' starts a comment. A line the
 * reader cannot take is an error at its line and column; an unknown key is
 * a warning (a newer file on an older virtc still runs).
 *
 * The keys (qemuconf.c's table): user, group, dynamic_ownership,
 * security_driver, security_default_confined, cgroup_controllers,
 * cgroup_device_acl, clear_emulator_capabilities, vnc_listen, log_dir as
 * libvirt's; and virtc's own restart_limit_burst (1 to 1000) and
 * restart_limit_interval (seconds, 0 to 86400; 0: no limit), the restart
 * limit of a guest whose on_poweroff / on_crash is restart.
 *
 * Which file: --config FILE, else $VIRTC_QEMU_CONF, else the instance's
 * (system: /etc/virtc/qemu.conf; session: $XDG_CONFIG_HOME/virtc/qemu.conf,
 * ~/.config when unset). A default file that does not exist means the
 * defaults; a named one that does not exist is an error.
 */
#ifndef VIRTC_RT_QEMUCONF_H
#define VIRTC_RT_QEMUCONF_H

#include <stdbool.h>

#include "../translators/error.h"
#include "../translators/util.h"
#include "plan.h"

typedef struct rt_qemuconf {
    char *user;                   /* NULL: the instance's (root / the caller) */
    char *group;
    bool dynamic_ownership;       /* default on */
    vc_strv security_drivers;     /* "none", "dac", "selinux", "apparmor"; empty: auto */
    bool security_drivers_set;    /* the key was given */
    bool security_default_confined;   /* default on */
    vc_strv cgroup_controllers;   /* empty and !set: every controller present */
    bool cgroup_controllers_set;
    vc_strv cgroup_device_acl;    /* default: the seed's list (+ /dev/userfaultfd) */
    bool clear_emulator_capabilities; /* default on */
    char *vnc_listen;             /* default "127.0.0.1" */
    char *log_dir;                /* NULL: the instance's */
    /* the restart limit (guest.h, carried in the plan): at most
     * restart_limit_burst restarts within restart_limit_interval seconds;
     * default 5 within 60, interval 0: no limit */
    unsigned restart_limit_burst;
    unsigned restart_limit_interval;
    char *path;                   /* the file read; NULL when only defaults */
} rt_qemuconf;

/* The defaults, no file read. */
void rt_qemuconf_defaults(rt_qemuconf *c);
void rt_qemuconf_free(rt_qemuconf *c);

/* Parses text (len bytes) named file over the defaults already in c.
 * False with located errors in d; unknown keys are warnings in d. */
bool rt_qemuconf_parse(rt_qemuconf *c, const char *file, const char *text, size_t len,
                       vc_diags *d);

/* The file for this run: explicit (--config, may be NULL), else
 * $VIRTC_QEMU_CONF, else the instance's default (system when root). */
char *rt_qemuconf_path(const char *explicit_path, bool system, bool *must_exist);

/* Defaults, then the file rt_qemuconf_path names when it exists (or must). */
bool rt_qemuconf_load(rt_qemuconf *c, const char *explicit_path, bool system, vc_diags *d);

/* The default cgroup_device_acl: the seed's shared devices, plus
 * /dev/userfaultfd where it exists. */
void rt_qemuconf_default_acl(vc_strv *acl);

#endif
