/*
 * argv_modern_net.c: network interfaces of the -device generation: the host
 * side as -netdev (user, tap, socket) and the NIC as -device.
 */
#include "argv_modern_priv.h"

#include <stdlib.h>
#include <string.h>

/* NIC models whose QEMU device has another name; the others are the same
 * word (e1000, rtl8139, ne2k_pci, pcnet, vmxnet3, e1000e, i82559er, ...). */
static const struct {
    const char *model;
    const char *type;
} modern_nic_models[] = {
    { "virtio", "virtio-net-pci" },
    { "virtio-transitional", "virtio-net-pci-transitional" },
    { "virtio-non-transitional", "virtio-net-pci-non-transitional" },
};

/* ---- network ------------------------------------------------------------------------ */

static bool modern_netdev_socket(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_net *net = &dev->u.net;
    if (!qemu_net_socket_ok(x, dev))
        return false;
    static const struct {
        ir_net_type type;
        const char *key;
    } keys[] = {
        { IR_NET_SERVER, "listen" }, { IR_NET_CLIENT, "connect" },
        { IR_NET_MCAST, "mcast" }, { IR_NET_UDP, "udp" },
    };
    const char *key = "connect";
    for (size_t i = 0; i < VC_ARRAY_SIZE(keys); i++)
        if (keys[i].type == net->type)
            key = keys[i].key;
    char *hp = vc_xasprintf("%s:%s", qemu_str_or(net->source_address,
                                                   net->type == IR_NET_CLIENT ? "127.0.0.1"
                                                                              : ""),
                            net->source_port);
    vc_buf_puts(b, "socket");
    qemu_opt_add(b, key, hp);
    free(hp);
    if (net->type == IR_NET_UDP) {
        if (!net->local_port) {
            return qemu_error(x, dev->pos, "interface of type 'udp' needs a <local> port");
        }
        hp = vc_xasprintf("%s:%s", qemu_str_or(net->local_address, "127.0.0.1"),
                          net->local_port);
        qemu_opt_add(b, "localaddr", hp);
        free(hp);
    }
    return true;
}

static bool modern_netdev(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const ir_net *net = &dev->u.net;
    switch (net->type) {
    case IR_NET_USER:
        vc_buf_puts(b, "user");
        return true;
    case IR_NET_NETWORK:
    case IR_NET_BRIDGE:
    case IR_NET_ETHERNET:
        vc_buf_puts(b, "tap");
        qemu_net_tap_ifname(x, net, b);
        if (net->type == IR_NET_ETHERNET && net->script)
            qemu_opt_add(b, "script", net->script);
        else
            vc_buf_puts(b, ",script=no");
        vc_buf_puts(b, ",downscript=no");
        if (vc_streq(net->driver_name, "vhost")) {
            vc_buf_puts(b, ",vhost=on");
            qemu_resource_add(x, "/dev/vhost-net", QEMU_RES_CHARDEV, false);
        }
        qemu_resource_add(x, "/dev/net/tun", QEMU_RES_CHARDEV, false);
        /* A converter cannot create the tap device nor join it to a bridge. */
        if (net->type == IR_NET_NETWORK)
            qemu_warn(x, dev->pos, "interface on network '%s': the tap device is left for "
                      "the caller to create and attach",
                      qemu_str_or(net->source_network, ""));
        else if (net->type == IR_NET_BRIDGE)
            qemu_warn(x, dev->pos, "interface on bridge '%s': the tap device is left for the "
                      "caller to create and attach", qemu_str_or(net->source_bridge, ""));
        return true;
    case IR_NET_SERVER:
    case IR_NET_CLIENT:
    case IR_NET_MCAST:
    case IR_NET_UDP:
        return modern_netdev_socket(x, dev, b);
    default:
        return qemu_unsupported(x, dev->pos, "interface type '%s'",
                                qemu_str_or(ir_net_type_name(net->type), "?"));
    }
}

static const char *modern_nic_type(const char *model)
{
    int i = QEMU_TABLE_FIND(modern_nic_models, model, model);
    return i >= 0 ? modern_nic_models[i].type : model;
}

bool modern_interface(qemu_ctx *x, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    /* libvirt's default NIC on a PC. */
    const char *type = modern_nic_type(net->model ? net->model : "rtl8139");
    /* A model outside the table must at least be a NIC (take a netdev). */
    bool known = type != net->model || !net->model;
    if (!qemu_caps_has_device(x->caps, type) || (!known && !modern_has_prop(x, type, "netdev")))
        return qemu_unsupported(x, dev->pos, "interface model '%s'",
                                qemu_str_or(net->model, type));
    int n = x->modern->nnet++;
    vc_buf host;
    vc_buf_init(&host);
    if (!modern_netdev(x, dev, &host)) {
        vc_buf_free(&host);
        return false;
    }
    vc_buf_printf(&host, ",id=hostnet%d", n);
    qemu_arg2_take(x, "-netdev", vc_buf_steal(&host));
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,netdev=hostnet%d,id=net%d", type, n, n);
    if (net->mac)
        vc_buf_printf(&b, ",mac=%s", net->mac);
    int bi = x->modern->bootindex[modern_devidx(x, dev)];
    if (bi && modern_has_prop(x, type, "bootindex"))
        vc_buf_printf(&b, ",bootindex=%d", bi);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return true;
}
