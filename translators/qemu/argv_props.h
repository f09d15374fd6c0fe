/*
 * argv_props.h: -device properties that are one attribute (or the text) of
 * an element of the device in the domain, in both directions: the 7.2
 * emitter writes them from the element, the reader puts them back there.
 * One table, so the two directions cannot drift apart.
 */
#ifndef VIRTC_QEMU_ARGV_PROPS_H
#define VIRTC_QEMU_ARGV_PROPS_H

#include <stddef.h>

/* The families of QEMU drivers a row applies to (a bit set). */
enum {
    QPROP_BALLOON = 1u << 0,      /* virtio-balloon-pci and its flavours */
    QPROP_NIC_VIRTIO = 1u << 1,   /* virtio-net-pci and its flavours */
    QPROP_DISK_VIRTIO = 1u << 2,  /* virtio-blk-pci and its flavours */
    QPROP_DISK_SCSI = 1u << 3,    /* scsi-hd, scsi-cd, scsi-block */
    QPROP_DISK_IDE = 1u << 4,     /* ide-hd, ide-cd */
    QPROP_DISK_USB = 1u << 5,     /* usb-storage */
    QPROP_RNG = 1u << 6,          /* virtio-rng-pci and its flavours */
};

/* How the property's value is written in the domain. */
typedef enum qemu_prop_kind {
    QPROP_BOOL,    /* on/off (QEMU also takes yes/no/true/false) */
    QPROP_NUM,     /* an unsigned decimal number */
    QPROP_TEXT,    /* the element's text, as is */
    QPROP_WWN,     /* 16 hex digits in the domain, 0x-prefixed for QEMU */
} qemu_prop_kind;

typedef struct qemu_prop_map {
    unsigned families;
    const char *prop;       /* the -device property */
    const char *path;       /* the element below the device's ("driver"), NULL: itself */
    const char *attr;       /* its attribute; NULL: the element's text */
    qemu_prop_kind kind;
} qemu_prop_map;

extern const qemu_prop_map qemu_prop_maps[];
extern const size_t qemu_nprop_maps;

/* The family bit of a QEMU driver name, 0 when no row can apply. */
unsigned qemu_prop_family(const char *driver);

/* The domain's spelling of a property value (on/off, decimal, 16 hex
 * digits), a new string; NULL when the value is not of the row's kind. */
char *qemu_prop_to_domain(const qemu_prop_map *m, const char *value);
/* QEMU's spelling of a domain value; NULL when it is not of the row's kind. */
char *qemu_prop_to_qemu(const qemu_prop_map *m, const char *value);

#endif
