/*
 * plan.h: a launch plan, the runtime's only input (schemas/plan.rng).
 *
 * A plan holds everything a launch needs and nothing left to decide: the
 * emulator, environment and argument vector; who QEMU runs as (uid, gid,
 * supplementary groups) and which capabilities it keeps; the guest's cgroup
 * with its device allow-list and limits; each host resource with the label
 * it gets from each security driver; where the monitor socket, pid file and
 * log go; what to do when the guest powers off, reboots or crashes.
 *
 * Plain data: the plan compiler (translators/qemu/plan.c) fills it from a
 * domain, rt_plan_parse from a plan document, and the supervisor runs it.
 * No translator type appears here, so a plan written elsewhere runs as is.
 */
#ifndef VIRTC_RT_PLAN_H
#define VIRTC_RT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../translators/error.h"
#include "../translators/util.h"

#define RT_PLAN_VERSION 1

/* The restart limit (guest.h) of a plan that does not give one, and the
 * bounds a plan or qemu.conf may set: at most BURST restarts within
 * WINDOW_S seconds (a window of 0: no limit). */
enum {
    RT_RESTART_BURST = 5,
    RT_RESTART_WINDOW_S = 60,
    RT_RESTART_BURST_MAX = 1000,
    RT_RESTART_WINDOW_MAX_S = 86400,
};

/* The descriptor number the plan compiler gives QEMU's vsock device
 * (vhostfd=4): the first after the monitor's socket (fd=3, launch.h). */
enum { RT_PLAN_VSOCK_FD = 4 };

typedef enum rt_instance { RT_INSTANCE_SYSTEM = 0, RT_INSTANCE_SESSION } rt_instance;

/* What the supervisor does when the guest powers off / reboots / crashes. */
typedef enum rt_life_action {
    RT_LIFE_DESTROY = 0,     /* end QEMU */
    RT_LIFE_RESTART,         /* reset the machine and run on */
    RT_LIFE_PRESERVE,        /* keep QEMU, stopped, for inspection */
} rt_life_action;

typedef struct rt_plan_id {
    char *name;              /* NULL when only the number is known */
    long id;                 /* uid or gid */
} rt_plan_id;

/* A host path QEMU touches, with what each security model does to it. */
typedef struct rt_plan_res {
    char *path;
    char *kind;              /* "file", "block", "dir", "chardev", "socket", "tap",
                              * "pci", "usb", "usb-id" */
    bool readonly;
    bool shared;
    bool dac;                /* chowned to the QEMU user/group while the guest runs */
    char *selinux;           /* how SELinux labels it: "exclusive" (the image label),
                              * "shared", "readonly"; NULL: not relabelled */
    char *apparmor;          /* its rule in the guest's profile: "disk", "disk-ro",
                              * "socket", "log", "pidfile", "device"; NULL: none */
} rt_plan_res;

/* One entry of the cgroup device allow-list: a device node by path (its
 * type and numbers are read at start, where the node is). */
typedef struct rt_plan_dev {
    char *path;
    char *perms;             /* "rw", "r", "rwm" ... */
} rt_plan_dev;

/* A limit of the guest's cgroup, named as <memtune> / <cputune> name it:
 * ("memory", "hard_limit", KiB), ("cpu", "shares", N), ("cpu", "quota", us). */
typedef struct rt_plan_limit {
    char *controller;
    char *name;
    long long value;
} rt_plan_limit;

typedef struct rt_plan {
    rt_instance instance;
    char *name;
    char *uuid;              /* 36 characters */
    /* the process */
    char *emulator;
    vc_strv env;             /* NAME=VALUE */
    vc_strv argv;            /* argv[0] is the emulator */
    rt_plan_id user, group;
    rt_plan_id *groups;      /* supplementary groups, exactly these */
    size_t ngroups, capgroups;
    bool clear_caps;         /* clear every capability before exec */
    vc_strv keep_caps;       /* capability names kept ("net_admin"); none by default */
    /* places */
    char *run_dir;           /* NAME.lock, NAME.state, NAME.pid live here */
    char *state_dir;         /* the guest's own directory (monitor socket, channels) */
    char *monitor;           /* the QMP socket the argv serves */
    char *pid_file;
    char *log_file;
    /* security */
    vc_strv drivers;         /* "dac", "selinux", "apparmor" (none: empty) */
    bool dynamic_ownership;
    char *selinux_model;     /* "basic", "dynamic" (sVirt), "static"; NULL: no SELinux */
    char *selinux_label;     /* static: the process's context */
    char *selinux_image_label; /* static: the images' (may be NULL) */
    char *apparmor_profile;  /* "libvirt-UUID"; NULL: none */
    bool cgroup;             /* a cgroup is made for the guest */
    char *cgroup_path;       /* relative to each hierarchy: "virtc/qemu/NAME" */
    vc_strv cgroup_controllers;
    rt_plan_dev *devs;
    size_t ndevs, capdevs;
    rt_plan_limit *limits;
    size_t nlimits, caplimits;
    rt_plan_res *res;
    size_t nres, capres;
    /* lifecycle */
    rt_life_action on_poweroff, on_reboot, on_crash;
    /* <vsock><cid auto='yes'/>: the id of the -device whose guest-cid the
     * runtime chooses at start (a free context ID of the host); NULL: none */
    char *vsock_auto;
    /* ... and the descriptor number QEMU gets the device holding it as: the
     * -device's vhostfd=N (vsock.h) */
    int vsock_fd;
    /* the restart limit (<restart_limit burst= interval=>, guest.h) */
    unsigned restart_burst, restart_window_s;
} rt_plan;

rt_plan *rt_plan_new(void);
void rt_plan_free(rt_plan *p);

rt_plan_res *rt_plan_add_res(rt_plan *p, const char *path, const char *kind);
/* The resource of that path, or NULL. */
rt_plan_res *rt_plan_find_res(rt_plan *p, const char *path);
void rt_plan_add_dev(rt_plan *p, const char *path, const char *perms);
void rt_plan_add_limit(rt_plan *p, const char *controller, const char *name, long long value);
void rt_plan_add_group(rt_plan *p, const char *name, long gid);
bool rt_plan_has_driver(const rt_plan *p, const char *driver);

const char *rt_life_action_name(rt_life_action a);
/* False when name is not one of destroy, restart, preserve. */
bool rt_life_action_from_name(const char *name, rt_life_action *out);
const char *rt_instance_name(rt_instance i);

/* The plan document (valid against plan.rng), newline-terminated. */
char *rt_plan_format(const rt_plan *p);
/* Validates against plan.rng first, then reads; NULL with located errors. */
rt_plan *rt_plan_parse(const char *file, const char *text, size_t len, vc_diags *d);
rt_plan *rt_plan_parse_file(const char *file, vc_diags *d);
/* What rt_plan_format wrote, read back without plan.rng (the supervisor
 * gets its plan so from `virtc start`, already checked). */
rt_plan *rt_plan_parse_formatted(const char *text, size_t len, vc_diags *d);

#endif
