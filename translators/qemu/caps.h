/*
 * caps.h: what a QEMU binary supports.
 *
 * The qemu-argv emitter never guesses: it is handed a qemu_caps, which is
 * either probed from a binary over QMP (probe.c, cached) or loaded from a
 * named profile (translators/qemu/profiles/NAME.xml). Both use the same XML
 * form, so a recorded probe is a profile.
 *
 *   <qemuCaps>
 *     <emulator path='/usr/bin/qemu-system-x86_64' size='...' mtime='...'/>
 *     <version major='7' minor='2' micro='0' package='...'/>
 *     <arch>x86_64</arch>
 *     <flag name='drive'/> ...
 *     <accel name='tcg'/> ...
 *     <machine name='pc-i440fx-7.2' alias='pc' default='yes' maxCpus='255'/> ...
 *     <cpu name='qemu64'/> ...
 *     <cpu name='EPYC' features='fpu vme de ...'/>   (with the model's CPUID
 *                                                    features, when probed)
 *     <device name='virtio-blk-pci'><prop name='bootindex'/>...</device> ...
 *     <option name='blockdev'/> ...          (query-command-line-options)
 *   </qemuCaps>
 */
#ifndef VIRTC_QEMU_CAPS_H
#define VIRTC_QEMU_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"

/*
 * Behaviours the emitter switches on. The names (qemu_caps_flag_name) are
 * what profile files say. Flags describe command-line syntax generations;
 * device availability is asked with qemu_caps_has_device instead.
 */
typedef enum qemu_cap_flag {
    QEMU_CAP_KQEMU = 0,        /* has -no-kqemu / -enable-kqemu */
    QEMU_CAP_VNC_COLON,        /* -vnc takes host:display */
    QEMU_CAP_NO_REBOOT,        /* -no-reboot */
    QEMU_CAP_DRIVE,            /* -drive */
    QEMU_CAP_DRIVE_BOOT,       /* -drive ...,boot=on */
    QEMU_CAP_NAME,             /* -name */
    QEMU_CAP_UUID,             /* -uuid */
    QEMU_CAP_DOMID,            /* -domid (xenner) */
    QEMU_CAP_KVM,              /* the binary is KVM-capable (qemu-kvm) */
    QEMU_CAP_ENABLE_KVM,       /* -enable-kvm */
    QEMU_CAP_DRIVE_CACHE_V2,   /* cache=writethrough|writeback|none */
    QEMU_CAP_DRIVE_FORMAT,     /* -drive ...,format= */
    QEMU_CAP_VGA,              /* -vga */
    QEMU_CAP_PCIDEVICE,        /* -pcidevice */
    QEMU_CAP_CHARDEV,          /* -chardev */
    QEMU_CAP_DEVICE,           /* -device */
    QEMU_CAP_NETDEV,           /* -netdev */
    QEMU_CAP_SDL,              /* -sdl */
    QEMU_CAP_SMP_TOPOLOGY,     /* -smp sockets=,cores=,threads= */
    QEMU_CAP_RTC,              /* -rtc */
    QEMU_CAP_NODEFCONFIG,      /* -nodefconfig / -no-user-config */
    QEMU_CAP_NODEFAULTS,       /* -nodefaults */
    QEMU_CAP_MONITOR_JSON,     /* QMP */
    QEMU_CAP_MACHINE_OPT,      /* -machine with properties */
    QEMU_CAP_BLOCKDEV,         /* -blockdev */
    QEMU_CAP_AUDIODEV,         /* -audiodev */
    QEMU_CAP_NO_ACPI,          /* -no-acpi (gone in QEMU 9; machine acpi=off instead) */
    QEMU_CAP_USB_OPT,          /* -usb */
    QEMU_CAP_USBDEVICE,        /* -usbdevice */
    QEMU_CAP_SOUNDHW,          /* -soundhw */
    QEMU_CAP_NET_LEGACY,       /* -net nic / -net user|tap|socket */
    QEMU_CAP_NO_SHUTDOWN,      /* -no-shutdown */
    QEMU_CAP_OBJECT_JSON,      /* -object takes JSON */
    QEMU_CAP_DEVICE_JSON,      /* -device takes JSON */
    QEMU_CAP_SANDBOX,          /* -sandbox */
    QEMU_CAP_LAST
} qemu_cap_flag;

typedef struct qemu_caps_machine {
    char *name;
    char *alias;               /* e.g. "pc" for "pc-i440fx-7.2"; NULL when none */
    bool is_default;
    unsigned max_cpus;
} qemu_caps_machine;

typedef struct qemu_caps_device {
    char *name;                /* QOM type, e.g. "virtio-blk-pci" */
    char **props;              /* property names, sorted */
    size_t nprops;
} qemu_caps_device;

typedef struct qemu_caps_cpu_model {
    char *name;                /* e.g. "EPYC-Rome" */
    char *features;            /* QEMU's feature names, space-separated */
} qemu_caps_cpu_model;

typedef struct qemu_caps {
    char *name;                /* profile name, or the binary path when probed */
    char *binary;              /* emulator path it describes; NULL for a pure profile */
    unsigned long long binary_size;
    long long binary_mtime;
    unsigned version;          /* major * 1000000 + minor * 1000 + micro */
    char *package;             /* the version's package string, e.g. "Debian 1:7.2+dfsg-7" */
    char *arch;                /* target arch, e.g. "x86_64" */
    bool flags[QEMU_CAP_LAST];
    bool accel_kvm, accel_tcg;
    qemu_caps_machine *machines;
    size_t nmachines;
    char **cpus;               /* sorted */
    size_t ncpus;
    qemu_caps_device *devices; /* sorted by name */
    size_t ndevices;
    char **options;            /* command-line options QEMU lists; sorted */
    size_t noptions;
    /* The CPUID features of the named CPU models (query-cpu-model-expansion),
     * for naming a host CPU as the closest model; in the order added. */
    qemu_caps_cpu_model *cpu_models;
    size_t ncpu_models;
} qemu_caps;

const char *qemu_caps_flag_name(qemu_cap_flag f);
qemu_cap_flag qemu_caps_flag_from_name(const char *s);   /* QEMU_CAP_LAST if unknown */

qemu_caps *qemu_caps_new(void);
void qemu_caps_free(qemu_caps *c);

/* Queries used by the emitter. */
bool qemu_caps_has(const qemu_caps *c, qemu_cap_flag f);
bool qemu_caps_has_device(const qemu_caps *c, const char *type);
bool qemu_caps_device_has_prop(const qemu_caps *c, const char *type, const char *prop);
bool qemu_caps_has_cpu(const qemu_caps *c, const char *model);
bool qemu_caps_has_option(const qemu_caps *c, const char *option);
/* The machine named (or aliased) by name; NULL when the binary lacks it.
 * name NULL asks for the default machine. */
const qemu_caps_machine *qemu_caps_machine_lookup(const qemu_caps *c, const char *name);

/* Builders used by the loader and the prober; keep the arrays sorted. */
void qemu_caps_set(qemu_caps *c, qemu_cap_flag f, bool on);
void qemu_caps_add_machine(qemu_caps *c, const char *name, const char *alias,
                           bool is_default, unsigned max_cpus);
void qemu_caps_add_cpu(qemu_caps *c, const char *model);
qemu_caps_device *qemu_caps_add_device(qemu_caps *c, const char *type);
void qemu_caps_device_add_prop(qemu_caps_device *d, const char *prop);
void qemu_caps_add_option(qemu_caps *c, const char *option);
/* Records the features of CPU model name (also adding it to cpus); the
 * features of a model recorded twice are replaced. */
void qemu_caps_set_cpu_features(qemu_caps *c, const char *name, const char *features);
/* Sorts devices, cpus, options and props; call once after building. */
void qemu_caps_finish(qemu_caps *c);

/* The XML form above. Errors are located in file. */
qemu_caps *qemu_caps_load_file(const char *path, vc_diags *d);
qemu_caps *qemu_caps_parse(const char *file, const char *data, size_t len, vc_diags *d);
char *qemu_caps_format(const qemu_caps *c);
/* Writes atomically (temporary file + rename). */
bool qemu_caps_save_file(const qemu_caps *c, const char *path, vc_diags *d);
/* Writes len bytes of data to path that way (mode 0644); false with an
 * error located in path. */
bool qemu_caps_write_atomic(const char *path, const char *data, size_t len, vc_diags *d);

/* A named profile from the profile directory ("legacy", "qemu-7.2"). */
qemu_caps *qemu_caps_load_profile(const char *name, vc_diags *d);

#endif
