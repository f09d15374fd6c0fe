/*
 * argv_props.c: the -device properties that map one to one onto an
 * attribute or a text of the device's element (see argv_props.h).
 * Sources: qemu-system-x86_64 -device DRIVER,help (the properties and
 * their types), libvirt 9.0's command lines for the same elements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "argv_props.h"

#define QPROP_DISKS_ATA (QPROP_DISK_SCSI | QPROP_DISK_IDE)
#define QPROP_DISKS_ALL (QPROP_DISK_SCSI | QPROP_DISK_IDE | QPROP_DISK_VIRTIO | QPROP_DISK_USB)

const qemu_prop_map qemu_prop_maps[] = {
    /* <memballoon autodeflate= freePageReporting=> */
    { QPROP_BALLOON, "deflate-on-oom", NULL, "autodeflate", QPROP_BOOL },
    { QPROP_BALLOON, "free-page-reporting", NULL, "freePageReporting", QPROP_BOOL },
    /* <interface><mtu size=/><driver rx_queue_size= tx_queue_size=/> */
    { QPROP_NIC_VIRTIO, "host_mtu", "mtu", "size", QPROP_NUM },
    { QPROP_NIC_VIRTIO, "rx_queue_size", "driver", "rx_queue_size", QPROP_NUM },
    { QPROP_NIC_VIRTIO, "tx_queue_size", "driver", "tx_queue_size", QPROP_NUM },
    /* <disk><driver queues= queue_size=/> of a virtio disk */
    { QPROP_DISK_VIRTIO, "num-queues", "driver", "queues", QPROP_NUM },
    { QPROP_DISK_VIRTIO, "queue-size", "driver", "queue_size", QPROP_NUM },
    /* <disk><vendor/><product/><wwn/><target rotation_rate= removable=/><blockio/> */
    { QPROP_DISK_SCSI, "vendor", "vendor", NULL, QPROP_TEXT },
    { QPROP_DISK_SCSI, "product", "product", NULL, QPROP_TEXT },
    { QPROP_DISKS_ATA, "wwn", "wwn", NULL, QPROP_WWN },
    { QPROP_DISKS_ATA, "rotation_rate", "target", "rotation_rate", QPROP_NUM },
    { QPROP_DISK_SCSI | QPROP_DISK_USB, "removable", "target", "removable", QPROP_BOOL },
    { QPROP_DISKS_ALL, "logical_block_size", "blockio", "logical_block_size", QPROP_NUM },
    { QPROP_DISKS_ALL, "physical_block_size", "blockio", "physical_block_size", QPROP_NUM },
    /* <rng><rate bytes= period=/> */
    { QPROP_RNG, "max-bytes", "rate", "bytes", QPROP_NUM },
    { QPROP_RNG, "period", "rate", "period", QPROP_NUM },
};
const size_t qemu_nprop_maps = VC_ARRAY_SIZE(qemu_prop_maps);

/* Driver name prefixes: the flavours (-transitional, -non-transitional)
 * share their base's properties. */
static const struct { const char *prefix; unsigned family; } qemu_prop_drivers[] = {
    { "virtio-balloon-pci", QPROP_BALLOON }, { "virtio-net-pci", QPROP_NIC_VIRTIO },
    { "virtio-blk-pci", QPROP_DISK_VIRTIO }, { "scsi-hd", QPROP_DISK_SCSI },
    { "scsi-cd", QPROP_DISK_SCSI }, { "scsi-block", QPROP_DISK_SCSI },
    { "ide-hd", QPROP_DISK_IDE }, { "ide-cd", QPROP_DISK_IDE },
    { "usb-storage", QPROP_DISK_USB }, { "virtio-rng-pci", QPROP_RNG },
};

unsigned qemu_prop_family(const char *driver)
{
    for (size_t i = 0; driver && i < VC_ARRAY_SIZE(qemu_prop_drivers); i++)
        if (vc_str_has_prefix(driver, qemu_prop_drivers[i].prefix))
            return qemu_prop_drivers[i].family;
    return 0;
}

static int qemu_prop_bool(const char *v)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    for (size_t i = 0; v && i < VC_ARRAY_SIZE(yes); i++) {
        if (strcmp(v, yes[i]) == 0)
            return 1;
        if (strcmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

char *qemu_prop_to_domain(const qemu_prop_map *m, const char *value)
{
    unsigned long long n;
    switch (m->kind) {
    case QPROP_BOOL:
        switch (qemu_prop_bool(value ? value : "on")) {   /* a bare key is on */
        case 1: return vc_xstrdup("on");
        case 0: return vc_xstrdup("off");
        default: return NULL;
        }
    case QPROP_NUM:
        return value && vc_parse_ull(value, 0, &n) ? vc_xasprintf("%llu", n) : NULL;
    case QPROP_WWN:
        return value && vc_parse_ull(value, 0, &n) && n ? vc_xasprintf("%016llx", n) : NULL;
    case QPROP_TEXT:
        return value && *value ? vc_xstrdup(value) : NULL;
    }
    return NULL;
}

char *qemu_prop_to_qemu(const qemu_prop_map *m, const char *value)
{
    unsigned long long n;
    switch (m->kind) {
    case QPROP_BOOL:
        switch (qemu_prop_bool(value)) {
        case 1: return vc_xstrdup("on");
        case 0: return vc_xstrdup("off");
        default: return NULL;
        }
    case QPROP_NUM:
        return value && vc_parse_ull(value, 10, &n) ? vc_xasprintf("%llu", n) : NULL;
    case QPROP_WWN:   /* 16 hex digits, 0x-prefixed or not (both are the domain's) */
        if (value && (strncmp(value, "0x", 2) == 0 || strncmp(value, "0X", 2) == 0))
            value += 2;
        return value && strlen(value) == 16 && vc_parse_ull(value, 16, &n)
                   ? vc_xasprintf("0x%s", value) : NULL;
    case QPROP_TEXT:
        return value && *value ? vc_xstrdup(value) : NULL;
    }
    return NULL;
}
