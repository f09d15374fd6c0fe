#!/usr/bin/env python3
"""libvirt-parse.py KIND <FILES: libvirt's own parser's verdict on each
file, a second oracle beside its schemas (tests/schema-diff.sh): what
`virsh define` would say before any driver looks at the document.

It calls the parse function of KIND in Debian's libvirt0 (libvirt.so.0)
through ctypes. Those functions are libvirt's private ones
(LIBVIRT_PRIVATE_9.0.0): their signatures are those of libvirt 9.0, so
this refuses to run against any other version (exit 2). A domain is
parsed with no driver's callbacks (no post-parse defaults, no QEMU
validation): what it refuses is refused by the XML parser itself.

Prints one line per file, in the list's order:
    FILE<TAB>ok | refused<TAB>libvirt's message
KIND: domain, network, storagepool, storagevol, nodedev, secret,
interface. Standard library only."""
import ctypes
import ctypes.util
import sys

VERSION = 9000000       # the libvirt whose private signatures these are
V, S, U = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint


def parsers(lib):
    """KIND -> a function of the document's bytes, true when parsed."""
    def fn(name, args, restype=V):
        f = getattr(lib, name)
        f.argtypes, f.restype = args, restype
        return f
    xmlopt = fn("virDomainXMLOptionNew", [V] * 6)(None, None, None, None, None, None)
    dom = fn("virDomainDefParseString", [S, V, V, U])
    net = fn("virNetworkDefParse", [S, S, V, ctypes.c_bool])
    pool = fn("virStoragePoolDefParse", [S, S, U])
    vol = fn("virStorageVolDefParse", [V, S, S, U])
    node = fn("virNodeDeviceDefParse", [S, S, ctypes.c_int, S, V, V, ctypes.c_bool])
    secret = fn("virSecretDefParse", [S, S, U])
    iface = fn("virInterfaceDefParseString", [S, U])
    # a volume is parsed in its pool's light: a dir pool's
    pooldef = pool(b"<pool type='dir'><name>p</name><target><path>/p</path></target></pool>",
                   None, 0)
    return {
        "domain": lambda t: dom(t, xmlopt, None, 0),
        "network": lambda t: net(t, None, None, False),
        "storagepool": lambda t: pool(t, None, 0),
        "storagevol": lambda t: vol(pooldef, t, None, 0),
        "nodedev": lambda t: node(t, None, 0, None, None, None, False),
        "secret": lambda t: secret(t, None, 0),
        "interface": lambda t: iface(t, 0),
    }


def main():
    if len(sys.argv) != 2:
        print("usage: libvirt-parse.py KIND <FILES", file=sys.stderr)
        return 2
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("virt") or "libvirt.so.0")
    except OSError as e:
        print("libvirt-parse: no libvirt.so.0 (libvirt0): %s" % e, file=sys.stderr)
        return 2
    ver = ctypes.c_ulong(0)
    lib.virGetVersion(ctypes.byref(ver), None, None)
    if ver.value // 1000 != VERSION // 1000:
        print("libvirt-parse: libvirt %d.%d, not 9.0: its private parse functions may differ"
              % (ver.value // 1000000, ver.value // 1000 % 1000), file=sys.stderr)
        return 2
    if lib.virInitialize() != 0:
        print("libvirt-parse: virInitialize failed", file=sys.stderr)
        return 2
    table = parsers(lib)
    if sys.argv[1] not in table:
        print("libvirt-parse: no parser for %s" % sys.argv[1], file=sys.stderr)
        return 2
    parse = table[sys.argv[1]]
    err = lib.virGetLastErrorMessage
    err.restype = S
    for f in (line.rstrip("\n") for line in sys.stdin if line.strip()):
        try:
            with open(f, "rb") as h:
                text = h.read()
        except OSError as e:
            print("%s\trefused\t%s" % (f, e))
            continue
        if parse(text):
            print("%s\tok" % f)
        else:
            msg = (err() or b"?").decode("utf-8", "replace").replace("\n", " ")
            print("%s\trefused\t%s" % (f, msg))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
