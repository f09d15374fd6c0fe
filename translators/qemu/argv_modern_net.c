/*
 * argv_modern_net.c: network interfaces of the -device generation: the host
 * side as -netdev (user, tap, socket) and the NIC as -device.
 */
#include "argv_modern_priv.h"

#include <stdlib.h>
#include <string.h>

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


/* <driver queues='N'/>: N queue pairs (more than one), 0 otherwise. */
static unsigned long long modern_net_queues(const ir_device *dev)
{
    char *queues = modern_xml_attr(dev, "driver", "queues");
    unsigned long long q = 0;
    if (!queues || !vc_parse_ull(queues, 10, &q) || q < 2)
        q = 0;
    free(queues);
    return q;
}
/* A vhost-user back end (a switch such as OVS-DPDK, or a vhost-user-net
 * process) on a unix socket: QEMU is the socket's server for <source
 * mode='server'>, its client otherwise. The chardev goes before the netdev
 * (its id is charnetN). */
static bool modern_netdev_vhostuser(qemu_ctx *x, const ir_device *dev, int n, vc_buf *b)
{
    char *path = modern_xml_attr(dev, "source", "path");
    char *type = modern_xml_attr(dev, "source", "type");
    char *mode = modern_xml_attr(dev, "source", "mode");
    char *reconnect = modern_xml_attr(dev, "source/reconnect", "enabled");
    char *timeout = modern_xml_attr(dev, "source/reconnect", "timeout");
    bool ok = path && (!type || strcmp(type, "unix") == 0);
    if (!ok) {
        qemu_error(x, dev->pos, "a vhostuser interface needs <source type='unix' path=>");
    } else {
        /* the chardev is named after the NIC's id: char+ID */
        char *id = modern_dev_id(dev, vc_xasprintf("net%d", n));
        vc_buf c;
        vc_buf_init(&c);
        vc_buf_printf(&c, "socket,id=char%s", id);
        qemu_opt_add(&c, "path", path);
        if (vc_streq(mode, "server"))
            vc_buf_puts(&c, ",server=on");
        else if (vc_streq(reconnect, "yes") && timeout)
            qemu_opt_add(&c, "reconnect", timeout);
        else if (vc_streq(reconnect, "no"))
            vc_buf_puts(&c, ",reconnect=0");
        qemu_arg2_take(x, "-chardev", vc_buf_steal(&c));
        qemu_resource_add(x, path, QEMU_RES_SOCKET, false);
        vc_buf_printf(b, "vhost-user,chardev=char%s", id);
        free(id);
        unsigned long long q = modern_net_queues(dev);
        if (q)
            vc_buf_printf(b, ",queues=%llu", q);
    }
    free(path);
    free(type);
    free(mode);
    free(reconnect);
    free(timeout);
    return ok;
}

/* A vDPA device of the host (/dev/vhost-vdpa-N): the data path is in
 * hardware or the kernel, QEMU only sets it up. */
static bool modern_netdev_vdpa(qemu_ctx *x, const ir_device *dev, vc_buf *b)
{
    const char *path = dev->u.net.source_dev;
    if (!path)
        return qemu_error(x, dev->pos, "a vdpa interface needs a <source dev=>");
    vc_buf_puts(b, "vhost-vdpa");
    qemu_opt_add(b, "vhostdev", path);
    qemu_resource_add(x, path, QEMU_RES_CHARDEV, false);
    return true;
}

/* User networking by passt (<backend type='passt'/>) rather than QEMU's
 * slirp: passt runs beside QEMU and QEMU connects to its unix stream
 * socket (-netdev stream, QEMU 7.2), reconnecting if passt restarts.
 * False when the interface asks for slirp. */
static bool modern_netdev_passt(qemu_ctx *x, const ir_device *dev, int n, vc_buf *b)
{
    char *backend = modern_xml_attr(dev, "backend", "type");
    bool passt = vc_streq(backend, "passt");
    free(backend);
    if (!passt)
        return false;
    char *sock = vc_xasprintf("%s/passt-net%d.sock", x->modern->domdir, n);
    vc_buf_puts(b, "stream,addr.type=unix");
    qemu_opt_add(b, "addr.path", sock);
    vc_buf_puts(b, ",server=off,reconnect=5");
    qemu_resource_add(x, sock, QEMU_RES_SOCKET, false);
    qemu_warn(x, dev->pos, "passt is a process of the host: start passt --socket %s before "
              "the guest", sock);
    free(sock);
    return true;
}

static bool modern_netdev(qemu_ctx *x, const ir_device *dev, int n, vc_buf *b)
{
    const ir_net *net = &dev->u.net;
    switch (net->type) {
    case IR_NET_VHOSTUSER:
        return modern_netdev_vhostuser(x, dev, n, b);
    case IR_NET_VDPA:
        return modern_netdev_vdpa(x, dev, b);
    case IR_NET_USER:
        if (modern_netdev_passt(x, dev, n, b))
            return true;
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

/* libvirt's virtio NIC models name QEMU's virtio-net-pci flavours; the
 * others are the same word (e1000, rtl8139, ne2k_pci, vmxnet3, ...). */
static const char *modern_nic_type(const char *model)
{
    const char *virtio = modern_virtio_type("virtio-net-pci", model);
    return virtio ? virtio : model;
}

/* A multiqueue virtio NIC (<driver queues='N'/> on a tap or vhost-user
 * back end): a queue pair each, and an interrupt vector each way plus
 * config and control. */
static void modern_nic_queues(const qemu_ctx *x, const ir_device *dev, const char *type,
                              vc_buf *b)
{
    ir_net_type t = dev->u.net.type;
    bool multi = t == IR_NET_VHOSTUSER || t == IR_NET_NETWORK || t == IR_NET_BRIDGE ||
                 t == IR_NET_ETHERNET;
    unsigned long long q = multi ? modern_net_queues(dev) : 0;
    if (q && q <= 1024 && modern_has_prop(x, modern_virtio_base(type), "mq"))
        vc_buf_printf(b, ",mq=on,vectors=%llu", 2 * q + 2);
}

bool modern_interface(qemu_ctx *x, const ir_device *dev)
{
    const ir_net *net = &dev->u.net;
    /* libvirt's default NIC on a PC; vhost-user and vDPA back ends serve
     * virtio queues only. */
    bool virtio_only = net->type == IR_NET_VHOSTUSER || net->type == IR_NET_VDPA;
    const char *type = modern_nic_type(net->model ? net->model
                                       : virtio_only ? "virtio" : "rtl8139");
    if (virtio_only && strncmp(type, "virtio-net-pci", 14) != 0)
        return qemu_error(x, dev->pos, "an interface of type '%s' needs a virtio model, not "
                          "'%s'", ir_net_type_name(net->type), net->model);
    /* A model outside the table must at least be a NIC (take a netdev). */
    bool known = type != net->model || !net->model;
    if (!qemu_caps_has_device(x->caps, type) || (!known && !modern_has_prop(x, type, "netdev")))
        return qemu_unsupported(x, dev->pos, "interface model '%s'",
                                qemu_str_or(net->model, type));
    int n = x->modern->nnet++;
    vc_buf host;
    vc_buf_init(&host);
    if (!modern_netdev(x, dev, n, &host)) {
        vc_buf_free(&host);
        return false;
    }
    /* a multiqueue tap device, for a NIC that uses the queues (virtio) */
    bool tap = net->type == IR_NET_NETWORK || net->type == IR_NET_BRIDGE ||
               net->type == IR_NET_ETHERNET;
    unsigned long long q = modern_net_queues(dev);
    if (tap && q && strncmp(type, "virtio-net-pci", 14) == 0)
        vc_buf_printf(&host, ",queues=%llu", q);
    char *id = modern_dev_id(dev, vc_xasprintf("net%d", n));
    vc_buf_printf(&host, ",id=host%s", id);
    qemu_arg2_take(x, "-netdev", vc_buf_steal(&host));
    vc_buf b;
    vc_buf_init(&b);
    vc_buf_printf(&b, "%s,netdev=host%s,id=%s", type, id, id);
    free(id);
    modern_nic_queues(x, dev, type, &b);
    if (net->mac)
        vc_buf_printf(&b, ",mac=%s", net->mac);
    bool ok = true;
    if (strncmp(type, "virtio-net-pci", 14) == 0) {
        modern_virtio_opts(x, dev, type, &b);
        ok = modern_device_props(x, dev, type, &b);
    }
    int bi = x->modern->bootindex[modern_devidx(x, dev)];
    if (bi && modern_has_prop(x, type, "bootindex"))
        vc_buf_printf(&b, ",bootindex=%d", bi);
    modern_dev_pci(x, dev, &b);
    qemu_arg2_take(x, "-device", vc_buf_steal(&b));
    return ok;
}
