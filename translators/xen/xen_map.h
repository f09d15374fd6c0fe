/*
 * xen_map.h: the one mapping between the IR and Xen's concepts, shared by
 * the three Xen formats (xen-xm, xen-xl, xen-sxpr). A fix to vif parsing
 * here lands in all three.
 *
 * Xen describes a guest with a few concepts that every format spells its own
 * way: a builder (pv, hvm, pvh), a disk spec (xm "phy:/dev/x,xvda,w", xl's
 * "format=raw,vdev=xvda,target=/dev/x", sxpr's (vbd (uname ..) (dev ..))),
 * a vif spec (mac=..,bridge=..), a vfb spec, character device strings
 * ("tcp:host:port,server,nowait") and PCI addresses ("0000:01:13.0").
 * The formats only differ in how they write these down: the xm/xl config
 * reader hands the mapping strings and key=value lists, the sxpr reader hands
 * it the same key/value pairs taken from its lists.
 *
 * Errors and warnings are located: a spec string's location is that of its
 * first character, and an item inside it is reported at location + offset.
 * Writers locate their warnings at the IR element (file from the caller).
 */
#ifndef VIRTC_XEN_MAP_H
#define VIRTC_XEN_MAP_H

#include <stdbool.h>

#include "../error.h"
#include "../ir.h"

typedef enum xen_dialect { XEN_XM, XEN_XL, XEN_SXPR } xen_dialect;

/* The builder: how the guest is started. */
typedef enum xen_kind { XEN_KIND_PV, XEN_KIND_HVM, XEN_KIND_PVH } xen_kind;

#define XEN_HVMLOADER "/usr/lib/xen/boot/hvmloader"
/* The namespace of <xen:commandline> (device_model_args) */
#define XEN_NS "http://libvirt.org/schemas/domain/xen/1.0"
/* The namespace of the metadata element keeping native keys the IR has no
 * place for (see xen_keep_key). */
#define XEN_KEEP_NS "http://virtc.invalid/schemas/xen-config/1.0"

/* ---- key=value lists (vif, vfb, xl disk, channel, usbctrl ...) ------- */

typedef struct xen_kv {
    char *key;
    char *value;      /* NULL for a bare word ("server", "cdrom") */
    vc_loc loc;       /* the key's first character */
} xen_kv;

typedef struct xen_kvs {
    xen_kv *v;
    size_t n, cap;
} xen_kvs;

void xen_kvs_add(xen_kvs *kv, const char *key, const char *value, vc_loc loc);
void xen_kvs_free(xen_kvs *kv);
const xen_kv *xen_kvs_find(const xen_kvs *kv, const char *key);
/* "k=v,k=v,word": items split at commas (xl allows blanks after a comma),
 * each at its own location inside the string. */
void xen_spec_split(const char *spec, vc_loc loc, xen_kvs *out);
/* The reverse: "k=v,k=v" (bare words without '='). Owned. */
char *xen_spec_join(const xen_kvs *kv);
/* loc moved by off characters (errors inside a spec string). */
vc_loc xen_loc_at(vc_loc loc, size_t off);

/* ---- the domain as a whole ------------------------------------------- */

xen_kind xen_domain_kind(const ir_domain *dom);
/* Sets os type/machine/arch for the builder (hvm: loader hvmloader). */
void xen_domain_set_kind(ir_domain *dom, xen_kind kind);
/* MiB (Xen's unit) <-> KiB (the IR's); KiB not a whole MiB rounds up. */
unsigned long long xen_kib_to_mib(unsigned long long kib);
/* boot = "dc" <-> <boot dev=...>; false (located error) for an unknown letter. */
bool xen_boot_parse(const char *s, vc_loc loc, ir_os *os, vc_diags *d);
char *xen_boot_format(const ir_os *os);     /* NULL when no boot device */
/* Clock: localtime (bool), rtc_timeoffset (hvm) <-> <clock>. */
void xen_clock_to_ir(ir_domain *dom, bool localtime, const char *rtc_timeoffset);
void xen_clock_from_ir(const ir_domain *dom, bool *localtime, long long *offset);
/* Kernel command line: xl's cmdline wins; else "root=R extra" (xm). */
char *xen_cmdline_join(const char *cmdline, const char *root, const char *extra);

/* Xen's CPU feature names (cpuid=) <-> the IR's (libvirt's cpu map). */
const char *xen_cpuid_to_ir(const char *xen_name);
const char *xen_cpuid_from_ir(const char *ir_name);

/* libvirt's defaults, the way its Xen driver fills them after parsing:
 * the xenbus and disk controllers, input devices, a video card for a
 * framebuffer, the Xen balloon, the console, drive addresses. */
void xen_fill_defaults(ir_domain *dom);
/* True for a device xen_fill_defaults would add on its own (writers skip it). */
bool xen_device_is_implicit(const ir_domain *dom, const ir_device *dev);

/* ---- disks ------------------------------------------------------------ */

/* A whole disk spec of xm ("uname,dev,mode") or xl (positional and
 * key=value). Appends a disk to dom. */
bool xen_disk_parse(const char *spec, xen_dialect dl, vc_loc loc, ir_domain *dom, vc_diags *d);
/* The parts of the legacy spec (also sxpr's vbd uname/dev/mode). */
bool xen_disk_set_uname(ir_disk *disk, const char *uname, vc_loc loc, vc_diags *d);
bool xen_disk_set_dev(ir_disk *disk, const char *dev, vc_loc loc, vc_diags *d);
bool xen_disk_set_mode(ir_disk *disk, const char *mode, vc_loc loc, vc_diags *d);
char *xen_disk_uname(const ir_disk *disk);   /* "" for an empty drive */
char *xen_disk_dev(const ir_disk *disk, xen_kind kind);   /* "hdc:cdrom" */
const char *xen_disk_mode(const ir_disk *disk);   /* "r", "w", "w!" */
/* The spec string for dl; NULL (a warning at loc) when it has none. */
char *xen_disk_format(const ir_disk *disk, xen_dialect dl, xen_kind kind, vc_loc loc,
                      vc_diags *d);

/* ---- network interfaces (vif) ------------------------------------------ */

/* Appends an interface for the vif's key=value pairs. */
bool xen_vif_to_ir(const xen_kvs *kv, xen_kind kind, xen_dialect dl, ir_domain *dom,
                   vc_diags *d);
/* The vif's key=value pairs, in libvirt's order; warnings at loc. */
void xen_vif_from_ir(const ir_device *dev, xen_kind kind, xen_dialect dl, vc_loc loc,
                     xen_kvs *out, vc_diags *d);

/* ---- framebuffers (vfb, and hvm's vnc=/sdl= keys) ------------------------ */

/* Appends a graphics device from vfb pairs (type=vnc|sdl, vncunused,
 * vnclisten, vncdisplay, vncpasswd, keymap, display, xauthority). */
bool xen_vfb_to_ir(const xen_kvs *kv, ir_domain *dom, vc_diags *d);
void xen_vfb_from_ir(const ir_graphics *g, xen_kvs *out);

/* ---- character devices ------------------------------------------------------ */

/* serial/parallel string: pty, null/none, stdio, vc, file:P, pipe:P,
 * /dev/X, tcp:H:P[,server][,nowait], telnet:..., udp:H:P[@BH:BP],
 * unix:P[,server][,nowait]. "none" gives false with no error and no device
 * (*none set). Appends the device (and its console for the first serial). */
bool xen_chr_to_ir(const char *s, ir_chr_kind kind, int port, vc_loc loc, ir_domain *dom,
                   bool *none, vc_diags *d);
char *xen_chr_format(const ir_chr *c);   /* NULL when Xen cannot say it */
/* xl channel = [ "connection=pty|socket,path=P,name=N" ] */
bool xen_channel_to_ir(const xen_kvs *kv, ir_domain *dom, vc_diags *d);
char *xen_channel_format(const ir_chr *c);

/* ---- PCI passthrough ----------------------------------------------------------- */

/* "[DDDD:]BB:SS.F[@VSLOT][,opt=v...]" -> hostdev */
bool xen_pci_to_ir(const char *s, vc_loc loc, ir_domain *dom, vc_diags *d);
char *xen_pci_format(const ir_hostdev *h);
/* Refuses (located errors, false) a domain holding a capabilities host
 * device, which no Xen format can carry. */
bool xen_hostdevs_ok(const ir_domain *dom, const char *format, const char *file, vc_diags *d);

/* ---- what the IR has no place for ------------------------------------------- */

/* Keeps a native key and its value (as native text) in the domain's
 * <metadata> as <xencfg:key name='K'>VALUE</xencfg:key> in XEN_KEEP_NS,
 * which validates (metadata takes any namespaced element), and warns. */
void xen_keep_key(ir_domain *dom, const char *key, const char *native_value, vc_loc loc,
                  vc_diags *d);
/* The kept keys, in order: calls fn for each (writers put them back). */
void xen_kept_keys(const ir_domain *dom, void (*fn)(void *ctx, const char *key,
                                                     const char *value), void *ctx);
/* <xen:commandline> args (device_model_args) */
void xen_dm_args_set(ir_domain *dom, const char *const *args, size_t n);
/* The args (owned vector) or n 0. */
char **xen_dm_args_get(const ir_domain *dom, size_t *n);

/* ---- what the IR keeps as verbatim XML -------------------------------------- */

/* <features><xen><NAME state='on'/></xen></features> (e820_host, passthrough) */
bool xen_feature_xen_on(const ir_domain *dom, const char *name);
/* Adds NAME under <xen>: rewrites the <features> copy from dom's features. */
void xen_feature_xen_set(ir_domain *dom, const char *name);
/* <clock><timer name='N' present=.../>: 1 yes, 0 no, -1 absent. */
int xen_timer_present(const ir_domain *dom, const char *name);
void xen_timer_set(ir_domain *dom, const char *name, bool present);
/* tsc_mode = "native" <-> <timer name='tsc' present='yes' mode='native'/> */
bool xen_tsc_mode_to_dom(ir_domain *dom, const char *mode, vc_loc loc, vc_diags *d);
const char *xen_tsc_mode_from_dom(const ir_domain *dom);   /* NULL: none */
/* <controller type='xenbus' ATTR='N'/> (maxGrantFrames, maxEventChannels); 0 absent. */
/* A numeric attribute of a device's verbatim copy (dev->xml); 0 when absent. */
unsigned long long xen_dev_attr(const ir_device *dev, const char *attr);
unsigned long long xen_xenbus_attr(const ir_domain *dom, const char *attr);
void xen_xenbus_set(ir_domain *dom, const char *attr, unsigned long long v);
/* cpuid = "host,tm=0,sse3=1" and nestedhvm (-1 absent) <-> <cpu mode='host-passthrough'>
 * with <feature policy=...>. */
bool xen_cpuid_to_dom(ir_domain *dom, const char *cpuid, int nestedhvm, vc_loc loc,
                      vc_diags *d);
/* The cpuid string (NULL when none); *nestedhvm -1 when not to be written. */
char *xen_cpuid_from_dom(const ir_domain *dom, int *nestedhvm);
/* vNUMA nodes (<cpu><numa><cell>) */
typedef struct xen_vnode {
    unsigned long long mib;
    char *vcpus;                /* "0-1" */
    unsigned *dist;             /* ncells distances, libvirt's defaults filled */
    bool given;                 /* the cell had its own distances */
} xen_vnode;
size_t xen_vnuma_get(const ir_domain *dom, xen_vnode **out);
void xen_vnuma_free(xen_vnode *v, size_t n);
/* Sets the cells (dist may be NULL for a node without distances). */
void xen_vnuma_set(ir_domain *dom, const xen_vnode *v, size_t n);

#endif
