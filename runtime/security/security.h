/*
 * security.h: the per-guest security models of the QEMU driver that are not
 * POSIX ownership or capabilities (those are runtime/dac.c and caps.c):
 *
 *   - a cgroup per guest (virtc/qemu/NAME under the supervisor's own cgroup
 *     in each hierarchy) whose device access is "deny all, allow the ACL and
 *     the guest's own devices": the cgroup v1 "devices" controller where it
 *     is mounted, else a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the
 *     guest's cgroup v2 directory, else a clear "not supported here"; on a
 *     hybrid host (v1 devices, cgroup2 beside it) both: QEMU is created in
 *     its cgroup2 directory, whose program enforces the ACL until QEMU has
 *     joined its v1 cgroups (README.md, "cgroup: when QEMU joins");
 *     memory and CPU limits (<memtune>, <cputune>) in the same cgroup where
 *     those controllers exist;
 *   - SELinux labels (basic confinement, sVirt with a unique MCS category
 *     pair per guest, static labels left as given): computed as strings,
 *     applied to files with setfilecon and to QEMU with setexeccon, restored
 *     after;
 *   - AppArmor: the per-guest profile "libvirt-UUID" and its
 *     "libvirt-UUID.files" from a template, loaded with apparmor_parser,
 *     entered with aa_change_onexec, removed after.
 *
 * Everything here takes plain data (paths, names, numbers, strings from the
 * plan) and reports into a vc_diags (code VC_ERR_RUNTIME for a host
 * failure, VC_ERR_INVALID for bad plan data); no translator type appears.
 * The label and profile generators are pure functions of their input, so
 * they are tested to the byte on hosts without the LSM.
 *
 * Order of calls for one guest (the supervisor's side):
 *
 *   before fork:
 *     rt_sec_lsm_check()       for each of "selinux"/"apparmor" named by
 *                              security_driver: an error when the host has
 *                              not enabled it
 *     rt_cg_create()           the cgroup, devices denied but the ACL,
 *                              limits set
 *     rt_mcs_scan_running(), rt_mcs_reserve()
 *                              (sVirt) a category pair no live guest has;
 *                              called by the supervisor itself (the pair
 *                              is held while the reserving pid lives), in
 *                              a directory all supervisors of the instance
 *                              share (e.g. /run/virtc/qemu/mcs)
 *     rt_se_labels_compute()   the process / image / shared / read-only labels
 *     rt_se_relabel()          the exclusive disks etc., old labels kept
 *     rt_aa_profile_load()     writes rt_aa_profile_text / rt_aa_files_text
 *                              (also callable alone, e.g. for the plan) and
 *                              loads the profile
 *   the fork: clone3 CLONE_INTO_CGROUP into rt_cg_spawn_fd() where there is one
 *   in the child, between fork and execve (single-threaded supervisor):
 *     rt_cg_attach_self()      async-signal-safe: joins the places to be
 *                              joined before the exec
 *     rt_se_exec_label()       setexeccon(labels.process)
 *     rt_aa_exec_profile()     aa_change_onexec(rt_aa_profile_name(uuid))
 *   right after the exec, before the guest runs (cont):
 *     rt_cg_join_after()       the supervisor moves QEMU into the rest
 *   after QEMU has ended (any way):
 *     rt_aa_profile_unload(), rt_se_restore(), rt_mcs_release(),
 *     rt_cg_remove()
 *   every step first notes what it changes in the guest's undo journal
 *   (rt_undo_note): after a lost supervisor, rt_undo_replay undoes it all
 */
#ifndef VIRTC_RT_SECURITY_H
#define VIRTC_RT_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../../translators/error.h"

/* The guest's undo journal (see "the undo journal" below). */
typedef struct rt_undo rt_undo;

/* ==== which LSMs the host runs ============================================ */

/* Where the host describes its security modules; tests point it elsewhere.
 * NULL fields mean the real paths. */
typedef struct rt_sec_host {
    const char *lsm_file;        /* "/sys/kernel/security/lsm" */
    const char *selinuxfs;       /* "/sys/fs/selinux" (holds "enforce") */
    const char *apparmor_dir;    /* "/sys/kernel/security/apparmor" */
} rt_sec_host;

/* True when the LSM named ("selinux" or "apparmor") is enabled on the host.
 * "none" and "dac" are always available. Otherwise an error (VC_ERR_RUNTIME)
 * saying that security_driver names a module the host does not run and how
 * that was seen, e.g. "security_driver 'selinux': SELinux is not enabled on
 * this host (/sys/kernel/security/lsm lists 'capability,landlock')".
 * An unknown name is VC_ERR_INVALID. host may be NULL. */
bool rt_sec_lsm_check(const char *driver, const rt_sec_host *host, vc_diags *d);

/* ==== cgroup: device ACL and limits ======================================= */

/* Device access bits, as in devices.allow's "rwm". */
enum { RT_DEV_READ = 1, RT_DEV_WRITE = 2, RT_DEV_MKNOD = 4 };
#define RT_DEV_ANY (-1)          /* a major or minor of "*" */

/* One rule of the allow-list: a device by type and number. */
typedef struct rt_dev_rule {
    char type;                   /* 'c', 'b' or 'a' (all) */
    long major, minor;           /* RT_DEV_ANY for "*" */
    unsigned access;             /* RT_DEV_READ | RT_DEV_WRITE | RT_DEV_MKNOD */
} rt_dev_rule;

typedef struct rt_dev_rules {
    rt_dev_rule *v;
    size_t n, cap;
} rt_dev_rules;

void rt_dev_rules_init(rt_dev_rules *r);
void rt_dev_rules_free(rt_dev_rules *r);
/* Adds path's device (stat, following links) with access. A path that does
 * not exist is skipped (the ACL names devices a host may lack, e.g.
 * /dev/kqemu), as is a path that is not a block or character device (a
 * disk image file needs no device rule). Other stat failures are errors.
 * A rule already present for the same device has its access widened. */
bool rt_dev_rules_add_path(rt_dev_rules *r, const char *path, unsigned access, vc_diags *d);
/* "c 1:3 rw", the devices.allow / devices.list form ("*" for any number). */
char *rt_dev_rule_text(const rt_dev_rule *rule);
/* Parses that form back ("a *:* rwm" too); false on anything else. */
bool rt_dev_rule_parse(const char *text, rt_dev_rule *out);

/* A device of the guest besides the ACL: a disk, serial port, host device. */
typedef struct rt_cg_device {
    const char *path;
    bool readonly;               /* "r" instead of "rw" */
} rt_cg_device;

/* Limits; 0 means "not set" (leave the controller's default). */
typedef struct rt_cg_limits {
    unsigned long long hard_limit_kib;      /* memtune hard_limit */
    unsigned long long soft_limit_kib;      /* memtune soft_limit */
    unsigned long long swap_hard_limit_kib; /* memtune swap_hard_limit (memory + swap) */
    unsigned long long shares;              /* cputune shares (v1 cpu.shares scale) */
    unsigned long long period_us;           /* cputune period */
    long long quota_us;                     /* cputune quota; negative: unlimited */
} rt_cg_limits;

typedef struct rt_cg_spec {
    const char *name;            /* the guest's name: cgroup virtc/qemu/NAME */
    /* cgroup_device_acl of qemu.conf (NULL-terminated; NULL = the default
     * list, rt_cg_default_acl), each allowed "rw". */
    const char *const *acl;
    const rt_cg_device *devices; /* the guest's own devices */
    size_t ndevices;
    rt_cg_limits limits;
    /* Each directory is noted here before it is made (NULL: no journal),
     * so that a lost supervisor's cgroup is found by its absolute path. */
    rt_undo *undo;
} rt_cg_spec;

/* The seed's list, plus /dev/userfaultfd (skipped where it does not exist). */
extern const char *const rt_cg_default_acl[];

/* Where cgroups are; NULL fields mean the host's (read from
 * /proc/self/mountinfo and /proc/self/cgroup). Tests set them to run
 * against a cgroup2 they mounted in a private namespace. */
typedef struct rt_cg_host {
    const char *mountinfo;       /* "/proc/self/mountinfo" */
    const char *self_cgroup;     /* "/proc/self/cgroup" */
    const char *prefix;          /* "virtc/qemu": the cgroup is PREFIX/NAME */
    bool no_v1;                  /* ignore v1 hierarchies (test the v2 path) */
} rt_cg_host;

/* How the device ACL is enforced. */
typedef enum rt_cg_dev_mode {
    RT_CG_DEV_V1,                /* devices.deny / devices.allow */
    RT_CG_DEV_BPF,               /* a BPF_PROG_TYPE_CGROUP_DEVICE program */
} rt_cg_dev_mode;

typedef struct rt_cgroup rt_cgroup;

/* Creates PREFIX/NAME in the devices hierarchy (and the memory / cpu ones
 * when the limits need them, and the cgroup v2 one for the BPF program,
 * on a hybrid host too),
 * denies every device, allows the ACL and the devices, sets the limits.
 * When /dev/ptmx is allowed the pty slaves are too ("c 136:* rw", last):
 * rt_cg_rules is the exact list devices.list then shows. On v1, a rule the
 * supervisor's own cgroup denies is left out with a warning in d.
 * On a hybrid host the cgroup2 directory is there for speed only (QEMU
 * created in it): when it cannot be made or its program attached (a
 * read-only or foreign cgroup2, no BPF), it is removed again, dropped from
 * the undo journal, and QEMU joins every v1 place before its exec, as on a
 * pure v1 host (rt_cg_spawn_fd -1; VIRTC_TRACE says so and why). It stays
 * an error where it serves limits too, and on a pure cgroup2 host.
 * NULL with an error when any step fails (what was made is removed again),
 * when the cgroup already exists (a guest of that name runs), when no
 * device controller is usable ("cgroup device ACLs are not supported on
 * this host: ..."), or when a limit is asked for a controller the host
 * lacks. The hierarchies' cgroup.procs files are opened here, so that
 * rt_cg_attach_self needs no path work in the child. host may be NULL. */
rt_cgroup *rt_cg_create(const rt_cg_spec *spec, const rt_cg_host *host, vc_diags *d);

/* The guest's cgroup2 directory (O_DIRECTORY, open until rt_cg_free) to
 * create QEMU in with clone3 CLONE_INTO_CGROUP; -1 when it has none (a
 * host without cgroup2: pure v1). */
int rt_cg_spawn_fd(const rt_cgroup *cg);
/* In the child between fork and execve: moves the calling process into
 * the hierarchies of the guest's cgroup it joins before the exec (placed:
 * it was created in rt_cg_spawn_fd's) or into every one (!placed), by
 * writing "0" to the descriptors opened by rt_cg_create.
 * Async-signal-safe; 0 or a negative errno. Call it before the child
 * closes its inherited descriptors. */
int rt_cg_attach_self(const rt_cgroup *cg, bool placed);
/* From the supervisor, right after the exec of a child created in
 * rt_cg_spawn_fd's cgroup (placed; nothing to do otherwise): moves pid
 * into the rest (the v1 ones on a hybrid host, unless memory limits made
 * them joined before the exec). A pid already gone (QEMU failed at once)
 * is no error: its own message is what the launch reports. */
bool rt_cg_join_after(rt_cgroup *cg, pid_t pid, bool placed, vc_diags *d);
/* From the supervisor: moves pid into every hierarchy of the cgroup. */
bool rt_cg_add_pid(rt_cgroup *cg, pid_t pid, vc_diags *d);

rt_cg_dev_mode rt_cg_device_mode(const rt_cgroup *cg);
/* The cgroup's directory in the hierarchy of controller ("devices",
 * "memory", "cpu", or "" for the cgroup v2 one); NULL when not used. */
const char *rt_cg_dir(const rt_cgroup *cg, const char *controller);
/* The effective allow-list (the rules written or compiled). */
const rt_dev_rules *rt_cg_rules(const rt_cgroup *cg);

/* After QEMU has ended: removes the cgroup from every hierarchy (moving
 * stray tasks out first would hide a leak: a cgroup still holding a process
 * is an error) and frees cg (NULL allowed: true). */
bool rt_cg_remove(rt_cgroup *cg, vc_diags *d);
/* Frees without removing (the child's copy, or on a path that keeps it). */
void rt_cg_free(rt_cgroup *cg);
/* Removes PREFIX/NAME wherever it exists (a lost supervisor's cgroup);
 * true when nothing of it is left. */
bool rt_cg_remove_name(const char *name, const rt_cg_host *host, vc_diags *d);

/* ---- the BPF device program (cgroup v2) ---------------------------------- */

struct bpf_insn;   /* <linux/bpf.h> */

/* Assembles the program for rules (deny all else): *n instructions,
 * malloc'd; rules are checked in order. */
struct bpf_insn *rt_bpfdev_build(const rt_dev_rules *rules, size_t *n);
/* What the program of rules answers for an access (type 'c'/'b', access one
 * RT_DEV_* bit), by interpreting the built instructions: the same code the
 * kernel runs, so tests check verdicts without loading it. 1 allow, 0 deny. */
int rt_bpfdev_run(const struct bpf_insn *insns, size_t n, char type, long major, long minor,
                  unsigned access);
/* Loads the program and attaches it to the cgroup v2 directory dir_fd;
 * returns the program fd (kept open until the cgroup is removed) or -1. */
int rt_bpfdev_attach(const rt_dev_rules *rules, int dir_fd, vc_diags *d);

/* ==== held names ========================================================== */

/* A name (an MCS pair "c3,c7", a vsock CID "3") held by a guest: a file of
 * that name in a directory all supervisors of an instance share, holding
 * the holder's pid; a file whose pid is gone is free to take over. */

/* Creates dir if needed and flock()s it: a search of free names holds the
 * returned descriptor (close it to unlock); -1 with the error. */
int rt_hold_lock(const char *dir, vc_diags *d);
/* Takes name when free or stale: 1 taken, 0 held by a live process, -1
 * error (in d). */
int rt_hold_take(const char *dir, const char *name, vc_diags *d);
/* Gives name back when this process or a dead one holds it. */
bool rt_hold_release(const char *dir, const char *name, vc_diags *d);

/* ==== SELinux ============================================================= */

/* An MCS category pair "cA,cB", A < B. */
typedef struct rt_mcs_pair {
    unsigned c1, c2;
} rt_mcs_pair;

/* Reserves a pair no live guest holds: a file "cA,cB" created with O_EXCL in
 * dir (the instance's run directory, shared by every supervisor), holding
 * the owner's pid; a file whose pid is gone is stale and taken over. Pairs
 * are drawn from [0, max_category) (0: 1024) with rand_fn(ctx) (NULL:
 * random from getrandom). Also skips the pairs in used[] (e.g. seen on
 * running processes). */
typedef unsigned (*rt_mcs_rand_fn)(void *ctx);
bool rt_mcs_reserve(const char *dir, const rt_mcs_pair *used, size_t nused,
                    unsigned max_category, rt_mcs_rand_fn rand_fn, void *ctx,
                    rt_mcs_pair *out, vc_diags *d);
/* The category pairs held by running processes: each PROC/PID/attr/current
 * whose level is "s0:cA,cB" (guests of another manager, e.g. libvirt's),
 * to pass as rt_mcs_reserve's used[]. proc_dir NULL is "/proc". Returns how
 * many; *out is malloc'd (NULL when none). Unreadable entries (no SELinux,
 * a process gone) are skipped. */
size_t rt_mcs_scan_running(const char *proc_dir, rt_mcs_pair **out);
/* Gives the pair back (removes its file when this process owns it). */
bool rt_mcs_release(const char *dir, rt_mcs_pair pair, vc_diags *d);
/* "c34,c44" (caller frees); and its parser (the category part of a label). */
char *rt_mcs_text(rt_mcs_pair pair);
bool rt_mcs_parse(const char *text, rt_mcs_pair *out);

typedef enum rt_se_model {
    RT_SE_BASIC,     /* root:system_r:qemu_t, images system_u:object_r:virt_image_t */
    RT_SE_DYNAMIC,   /* sVirt: svirt_t / svirt_image_t with the guest's pair */
    RT_SE_STATIC,    /* <seclabel type='static'>: as given, nothing relabelled */
} rt_se_model;

typedef struct rt_se_spec {
    rt_se_model model;
    rt_mcs_pair pair;            /* RT_SE_DYNAMIC: from rt_mcs_reserve */
    const char *static_label;    /* RT_SE_STATIC: the process label */
    const char *static_imagelabel; /* RT_SE_STATIC: may be NULL */
} rt_se_spec;

/* Every label a guest's launch uses; owned strings (NULL where none). */
typedef struct rt_se_labels {
    char *process;       /* setexeccon */
    char *image;         /* an exclusive disk, its other files */
    char *shared;        /* <shareable/> disks */
    char *readonly;      /* <readonly/> disks */
    bool relabel;        /* false: files are left as they are */
} rt_se_labels;

/* Computes the labels of spec (pure; tested as strings). An RT_SE_STATIC
 * without a label, or a label that is not "user:role:type[:level]", is
 * VC_ERR_INVALID. */
bool rt_se_labels_compute(const rt_se_spec *spec, rt_se_labels *out, vc_diags *d);
void rt_se_labels_free(rt_se_labels *l);

/* A file to label and what it is. */
typedef enum rt_se_use { RT_SE_EXCLUSIVE, RT_SE_SHARED, RT_SE_READONLY } rt_se_use;
typedef struct rt_se_file {
    const char *path;
    rt_se_use use;
} rt_se_file;

/* The label a file of that use gets (borrowed from l; NULL: none). */
const char *rt_se_file_label(const rt_se_labels *l, rt_se_use use);

/* The old labels of relabelled files, to put back. */
typedef struct rt_se_saved rt_se_saved;

/* setfilecon each file to its label (when l->relabel), remembering its old
 * label; on failure the ones done are restored. Needs SELinux enabled
 * (rt_sec_lsm_check first). *saved may be NULL-initialised; free it with
 * rt_se_restore. */
bool rt_se_relabel(const rt_se_labels *l, const rt_se_file *files, size_t n,
                   rt_se_saved **saved, vc_diags *d);
/* rt_se_relabel that also notes each exclusive file's old label in undo
 * (before it is changed), for rt_undo_replay after a lost supervisor. */
bool rt_se_relabel_noted(const rt_se_labels *l, const rt_se_file *files, size_t n,
                         rt_undo *undo, rt_se_saved **saved, vc_diags *d);
/* Puts every saved label back, frees saved (NULL: true). */
bool rt_se_restore(rt_se_saved *saved, vc_diags *d);
/* In the child before execve: setexeccon(label). 0 or -1 (errno set). */
int rt_se_exec_label(const char *label);

/* What the file-label functions call: libselinux by default; a test sets a
 * fake (a store of its own) to exercise relabelling and its undo on a host
 * without SELinux. get returns a malloc'd label (freed with free). */
typedef struct rt_se_backend {
    int (*enabled)(void);                            /* is_selinux_enabled */
    int (*get)(const char *path, char **label);      /* getfilecon: 0 or -1 */
    int (*set)(const char *path, const char *label); /* setfilecon: 0 or -1 */
} rt_se_backend;
/* NULL: libselinux again. */
void rt_se_set_backend(const rt_se_backend *b);

/* ==== AppArmor ============================================================ */

/* What a path in the profile's .files is to QEMU. */
typedef enum rt_aa_use {
    RT_AA_DISK,          /* an exclusive or shared writable disk: rwk */
    RT_AA_DISK_RO,       /* read-only disk, cdrom, kernel/initrd: rk */
    RT_AA_SOCKET,        /* a UNIX socket QEMU serves or connects to: rw */
    RT_AA_LOG,           /* a log QEMU writes: w */
    RT_AA_PIDFILE,       /* QEMU's pid file: rwk */
    RT_AA_DEVICE,        /* a host device node: rw */
} rt_aa_use;

typedef struct rt_aa_file {
    const char *path;
    rt_aa_use use;
} rt_aa_file;

typedef struct rt_aa_spec {
    const char *uuid;            /* profile "libvirt-UUID" */
    const char *name;            /* the guest's name (a comment) */
    const char *emulator;        /* QEMU's binary: mapped and executable */
    const rt_aa_file *files;
    size_t nfiles;
    rt_undo *undo;               /* the profile is noted here before it is
                                    written or loaded (NULL: no journal) */
} rt_aa_spec;

/* The built-in template (its placeholders are @PROFILE@, @NAME@,
 * @EMULATOR@ and @FILES@: the .files include path). */
extern const char rt_aa_default_template[];

/* "libvirt-UUID" (caller frees); NULL with an error for a malformed uuid. */
char *rt_aa_profile_name(const char *uuid, vc_diags *d);
/* The profile from template (NULL: the built-in one), files_dir being where
 * its .files lives (NULL: /etc/apparmor.d/virtc). NULL with an error on an
 * unknown placeholder or a malformed uuid. */
char *rt_aa_profile_text(const rt_aa_spec *spec, const char *template_text,
                         const char *files_dir, vc_diags *d);
/* The .files text: one rule per file, path quoted and escaped; a path with a
 * newline or not absolute is an error. */
char *rt_aa_files_text(const rt_aa_spec *spec, vc_diags *d);
/* Writes DIR/libvirt-UUID and DIR/libvirt-UUID.files and loads (replaces)
 * the profile with apparmor_parser -r; needs AppArmor enabled. */
bool rt_aa_profile_load(const rt_aa_spec *spec, const char *template_text,
                        const char *dir, vc_diags *d);
/* Unloads it (apparmor_parser -R, when AppArmor is enabled) and removes
 * both files; true when there was nothing to remove. */
bool rt_aa_profile_unload(const char *uuid, const char *dir, vc_diags *d);
/* In the child before execve: aa_change_onexec("libvirt-UUID"). 0 or -1. */
int rt_aa_exec_profile(const char *profile);

/* What loading and unloading call: the host (AppArmor's enabled test and
 * apparmor_parser) by default; a test sets a dry run that records the
 * parser's invocations instead. */
typedef struct rt_aa_backend {
    bool (*enabled)(void);
    bool (*parser)(const char *option, const char *file, vc_diags *d);
} rt_aa_backend;
/* NULL: the host again. */
void rt_aa_set_backend(const rt_aa_backend *b);

/* ==== the undo journal ==================================================== */

/* RUN/NAME.undo: one line per change to the host, appended (O_APPEND)
 * before the change is made, so that whatever kills the supervisor the
 * journal lists at least everything done:
 *
 *   cgroup PREFIX DIR     the guest's cgroup directory DIR (absolute; its
 *                         parents PREFIX below DIR's base are removed when
 *                         empty)
 *   label OLD PATH        PATH's SELinux label before it was relabelled
 *   mcs cA,cB DIR         the sVirt category pair reserved in DIR
 *   apparmor UUID DIR     the profile libvirt-UUID loaded from DIR
 *   vsock CID DIR         a vsock context ID held in DIR by an earlier
 *                         version (now the descriptor QEMU gets holds it:
 *                         vsock.h; only replayed)
 *
 * rt_undo_replay undoes them from the last to the first using nothing but
 * the journal (not the caller's own cgroup, not the plan). */
rt_undo *rt_undo_open(const char *path, vc_diags *d);
/* Appends "kind key path"; key and path must be one line, key without
 * spaces. u NULL: true (no journal). */
bool rt_undo_note(rt_undo *u, const char *kind, const char *key, const char *path,
                  vc_diags *d);
/* The journal's length now (0 without one), for rt_undo_rewind. */
off_t rt_undo_mark(const rt_undo *u);
/* Drops the lines noted since mark: only for changes their maker has
 * already undone (killed in between, the lines stay: their undo finds
 * nothing to do). u NULL: true. */
bool rt_undo_rewind(rt_undo *u, off_t mark, vc_diags *d);
/* Closes the journal; remove: everything was undone, the file goes too. */
void rt_undo_close(rt_undo *u, bool remove);
/* Undoes what the journal at path lists, last first, and removes it; true
 * when there was none. Every entry is attempted; the errors are in d. */
bool rt_undo_replay(const char *path, vc_diags *d);

#endif
