#!/usr/bin/env python3
"""schema-disk-matrix.py [--oracle DIR] [--schemas DIR] [--virtc BIN]
[--keep DIR] [MATRIX...]: the disk side of the differential test
(tests/schema-diff.sh) as hand-made matrices, every combination of a
few parts that the two schema sets might judge differently, where random
generation finds one combination in thousands.

Matrices:
  mirror     a disk's <mirror>: file=, job=, format=, ready=, type= and
             the children <source> (of each type), <format>, <backingStore>
             (absent, the chain's end, typed, untyped)
  seclabel   <seclabel> forms (none, relabel='no', labelskip='yes', a
             label, model and label, two, relabel='yes' alone) in the
             <source> of each source type, in a disk, its <backingStore>, its
             <mirror> and the mirror's <backingStore>
  tls        tls= and tlsHostname= on each network protocol's source, in
             the same four places
  target     <target dev=> names at the edges of the name pattern, with
             and without bus= (each bus)
  slice      <slice offset= size=> and <target rotation_rate=> at the
             limits of their types, in a disk's and a backing store's source
  order      the children of each source form (labels, encryption, slices,
             hosts, ...) in every order, in the same four places
  hostdev    each kind of <hostdev>, with and without mode= and managed=,
             its own children and the common ones (boot, alias, ...) in
             every order

Each document is judged by libxml2 (tests/schema-judge.py) on libvirt's
schema (Debian's libvirt0, the oracle) and on virtc's. Prints per matrix
    schema-disk-matrix MATRIX: A/N agree
then one line per disagreement
    DIFF MATRIX FILE: libvirt says V, virtc says W: virtc validate's first message
and exits 1 when any document disagrees (2 when it cannot run).
Standard library only.
"""
import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HEAD = ('<domain type="kvm"><name>m</name><memory>1048576</memory>'
        '<os><type arch="x86_64" machine="pc">hvm</type></os><devices>')
TAIL = '</devices></domain>\n'

# one source of each disk type: (type attribute, <source> element)
SOURCES = {
    "file": '<source file="/var/lib/b.img"/>',
    "block": '<source dev="/dev/sdb"/>',
    "dir": '<source dir="/var/lib/d"/>',
    "network": '<source protocol="nbd" name="e"><host name="h" port="10809"/></source>',
    "volume": '<source pool="p" volume="v"/>',
    "nvme": ('<source type="pci" managed="yes" namespace="1">'
             '<address domain="0x0000" bus="0x01" slot="0x00" function="0x0"/></source>'),
    "vhostuser": '<source type="unix" path="/run/vu.sock"/>',
}

# a network source of each protocol, with what it needs: (protocol, inner)
PROTOCOLS = [
    ("nbd", 'name="e"', '<host name="h"/>'),
    ("gluster", 'name="v/i"', '<host name="h"/>'),
    ("rbd", 'name="p/i"', '<host name="h"/>'),
    ("iscsi", 'name="iqn.2000-01.c:t/1"', '<host name="h"/>'),
    ("http", 'name="/i"', '<host name="h"/>'),
    ("https", 'name="/i"', '<host name="h"/>'),
    ("ftp", 'name="/i"', '<host name="h"/>'),
    ("ftps", 'name="/i"', '<host name="h"/>'),
    ("tftp", 'name="/i"', '<host name="h"/>'),
    ("sheepdog", 'name="i"', '<host name="h"/>'),
    ("vxhs", 'name="c6e1a3b8-4e0a-4a4b-9c1e-0123456789ab"', '<host name="h"/>'),
    ("nfs", 'name="/i"', '<host name="h"/><identity user="u" group="g"/>'),
    ("ssh", 'name="/i"', '<host name="h"/>'),
]

SECLABELS = {
    "none": "",
    "relabel-no": '<seclabel relabel="no"/>',
    "labelskip": '<seclabel labelskip="yes"/>',
    "label": '<seclabel><label>system_u:object_r:svirt_image_t:s0</label></seclabel>',
    "model-label": '<seclabel model="selinux" relabel="yes"><label>x</label></seclabel>',
    "two": '<seclabel model="dac" relabel="no"/><seclabel model="selinux" relabel="no"/>',
    "relabel-yes-alone": '<seclabel relabel="yes"/>',
}

TARGET_NAMES = [
    "hda", "hdz", "hdaa", "sda", "sdzz", "vda", "vdA", "vdJP", "xvda", "xvdJP",
    "xvdjp", "xvd0", "xvd_", "xvda1", "fda", "ubda", "ioemu:hda", "ioemu:xvdJP",
    "vd", "xvd", "xd", "sda-1", "vd a", "VDA", "ioemu:", "sd1", "hd_9", "vdé",
]
BUSES = [None, "ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd"]


def attrs(**kv):
    return "".join(' %s="%s"' % (k, v) for k, v in kv.items() if v is not None)


def disk(inner, dtype="file", device="disk", target='<target dev="vda" bus="virtio"/>'):
    return HEAD + '<disk type="%s" device="%s">%s%s</disk>' % (
        dtype, device, inner, target) + TAIL


def with_children(source, extra):
    """SOURCE (one element) with EXTRA put inside it."""
    if source.endswith("/>"):
        return source[:-2] + ">" + extra + "</source>"
    return source[:-len("</source>")] + extra + "</source>"


def backing(dtype, source, fmt="qcow2"):
    return ('<backingStore type="%s">%s<format type="%s"/><backingStore/></backingStore>'
            % (dtype, source, fmt))


def m_mirror():
    backings = {
        "none": "",
        "end": "<backingStore/>",
        "typed": backing("file", SOURCES["file"]),
        "untyped": '<backingStore><source file="/c.img"/><format type="raw"/></backingStore>',
    }
    for fil, job, fmt, ready, typ, src, felem, bs in itertools.product(
            [None, "/var/lib/m.img"], [None, "copy", "active-commit", "commit"],
            [None, "qcow2"], [None, "yes", "maybe"],
            [None] + list(SOURCES), [False, True], [False, True], list(backings)):
        if ready == "maybe" and (job == "commit" or typ not in (None, "file")):
            continue            # an invalid value once is enough
        children = []
        if src:
            children.append(("s", SOURCES[typ or "file"]))
        if felem:
            children.append(("f", '<format type="raw"/>'))
        if backings[bs]:
            children.append(("b", backings[bs]))
        # every order: libxml2 matches an interleave inside an interleave
        # in document order (tests/schema-diff.sh), so order matters
        for order in itertools.permutations(children):
            m = "<mirror%s>%s</mirror>" % (
                attrs(type=typ, file=fil, job=job, format=fmt, ready=ready),
                "".join(text for _, text in order))
            name = "mirror-%s-%s-%s-%s-%s-%s-%s-%s-%s" % (
                "file" if fil else "nofile", job or "nojob", fmt or "nofmt", ready or "noready",
                typ or "untyped", "src" if src else "nosrc", "fmtel" if felem else "nofmtel", bs,
                "".join(k for k, _ in order) or "empty")
            yield name, disk('<source file="/var/lib/a.img"/>' + m)


# the four places a disk's source stands: (place, wrap(dtype, source))
def places():
    def in_disk(dtype, source):
        return disk(source, dtype=dtype)

    def in_backing(dtype, source):
        return disk('<source file="/var/lib/a.img"/>' + backing(dtype, source), dtype="file")

    def in_mirror(dtype, source):
        return disk('<source file="/var/lib/a.img"/><mirror type="%s" job="copy">%s'
                    '<format type="raw"/></mirror>' % (dtype, source))

    def in_mirror_backing(dtype, source):
        return disk('<source file="/var/lib/a.img"/><mirror type="file" job="copy">'
                    '<source file="/var/lib/m.img"/><format type="qcow2"/>%s</mirror>'
                    % backing(dtype, source))
    return [("disk", in_disk), ("backing", in_backing), ("mirror", in_mirror),
            ("mirrorbacking", in_mirror_backing)]


def network_source(proto, name, hosts, extra_attrs="", extra=""):
    return '<source protocol="%s" %s%s>%s%s</source>' % (proto, name, extra_attrs, hosts, extra)


def m_seclabel():
    for (place, wrap), (dtype, source), (sl, label) in itertools.product(
            places(), SOURCES.items(), SECLABELS.items()):
        if dtype == "vhostuser" and place != "disk":
            continue            # a vhost-user disk has no chain
        yield "seclabel-%s-%s-%s" % (place, dtype, sl), wrap(dtype, with_children(source, label))
    # every protocol, with the label libvirt would take anywhere
    for (place, wrap), (proto, name, hosts) in itertools.product(places(), PROTOCOLS):
        src = network_source(proto, name, hosts, extra=SECLABELS["relabel-no"])
        yield "seclabel-%s-network-%s" % (place, proto), wrap("network", src)


def m_tls():
    forms = {"tls": ' tls="yes"', "tlsHostname": ' tlsHostname="h.example"',
             "both": ' tls="yes" tlsHostname="h.example"', "tls-bad": ' tls="maybe"'}
    for (place, wrap), (proto, name, hosts), (form, a) in itertools.product(
            places(), PROTOCOLS, forms.items()):
        yield ("tls-%s-%s-%s" % (place, proto, form),
               wrap("network", network_source(proto, name, hosts, extra_attrs=a)))


def m_target():
    for dev, bus in itertools.product(TARGET_NAMES, BUSES):
        t = "<target%s/>" % attrs(dev=dev, bus=bus)
        safe = dev.replace(":", "_").replace(" ", "_").encode("ascii", "replace").decode()
        safe = safe.replace("?", "_")
        # an address, so that a name the parser cannot place is still a
        # document libvirt's parser reads
        addr = '<address type="drive" controller="0" bus="0" target="0" unit="0"/>'
        yield ("target-%s-%s" % (safe, bus or "nobus"),
               disk('<source file="/var/lib/a.img"/>' + t + addr,
                    target=""))


def m_slice():
    values = ["0", "1", "4294967295", "4294967296", "18446744073709551615",
              "18446744073709551616", "999999999999999999999999", "-1", "01"]
    for (place, wrap), off, size in itertools.product(places()[:2], values, values):
        sl = '<slices><slice type="storage" offset="%s" size="%s"/></slices>' % (off, size)
        yield ("slice-%s-%s-%s" % (place, off, size),
               wrap("file", with_children(SOURCES["file"], sl)))
    for rate in values:
        yield ("rotation-%s" % rate,
               disk('<source file="/var/lib/a.img"/>',
                    target='<target dev="sda" bus="sata" rotation_rate="%s"/>' % rate))


# the children each source form may hold, for the order matrix
ENC = ('<encryption format="luks"><secret type="passphrase" '
       'uuid="0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f"/></encryption>')
SLICES = '<slices><slice type="storage" offset="0" size="1024"/></slices>'
LABEL = '<seclabel model="dac" relabel="no"/>'
CHILDREN = {
    "file": ('<source file="/var/lib/b.img">', [LABEL, ENC, SLICES]),
    "block": ('<source dev="/dev/sdb">', [LABEL, ENC, SLICES, '<reservations managed="yes"/>']),
    "dir": ('<source dir="/var/lib/d">', [ENC, SLICES]),
    "volume": ('<source pool="p" volume="v">', [LABEL, ENC, SLICES]),
    "nvme": ('<source type="pci" namespace="1">',
             ['<address domain="0x0000" bus="0x01" slot="0x00" function="0x0"/>', ENC, SLICES]),
    "nbd": ('<source protocol="nbd" name="e">', ['<host name="h"/>', ENC, SLICES]),
    "iscsi": ('<source protocol="iscsi" name="iqn.2000-01.c:t/1">',
              ['<host name="h"/>', '<auth username="u"><secret type="iscsi" usage="x"/></auth>',
               '<initiator><iqn name="iqn.2000-01.c:i"/></initiator>', SLICES]),
    "https": ('<source protocol="https" name="/i">',
              ['<host name="h"/>', '<cookies><cookie name="a">b</cookie></cookies>',
               '<readahead size="65536"/>', '<timeout seconds="10"/>', '<ssl verify="no"/>']),
    "rbd": ('<source protocol="rbd" name="p/i">',
            ['<host name="h"/>', '<config file="/etc/ceph/ceph.conf"/>', '<snapshot name="s"/>',
             '<auth username="u"><secret type="ceph" usage="x"/></auth>']),
    "nfs": ('<source protocol="nfs" name="/i">',
            ['<host name="h"/>', '<identity user="u" group="g"/>', SLICES]),
}


def m_order():
    for (place, wrap), (form, (head, kids)) in itertools.product(places(), CHILDREN.items()):
        dtype = form if form in SOURCES else "network"
        for k in range(2, min(len(kids), 4) + 1):
            for sub in itertools.permutations(range(len(kids)), k):
                src = head + "".join(kids[i] for i in sub) + "</source>"
                yield ("order-%s-%s-%s" % (place, form, "".join(map(str, sub))),
                       wrap(dtype, src))


# each kind of host device: (mode, type, its own attributes, its own children)
HOSTDEVS = [
    ("subsystem", "pci", "", ['<source><address domain="0x0000" bus="0x06" slot="0x12" '
                               'function="0x5"/></source>', '<driver name="vfio"/>',
                               '<teaming type="transient" persistent="ua-net0"/>']),
    ("subsystem", "usb", "", ['<source><vendor id="0x1234"/><product id="0xbeef"/></source>']),
    ("subsystem", "scsi", ' sgio="filtered"',
     ['<source><adapter name="scsi_host0"/><address bus="0" target="0" unit="0"/></source>']),
    ("subsystem", "scsi_host", ' model="virtio"',
     ['<source protocol="vhost" wwpn="naa.5123456789abcde0"/>']),
    ("subsystem", "mdev", ' model="vfio-pci"',
     ['<source><address uuid="c2177883-f1bb-47f0-914d-32a22e3a8804"/></source>']),
    ("capabilities", "storage", "", ['<source><block>/dev/sdf1</block></source>']),
    ("capabilities", "misc", "", ['<source><char>/dev/input/event3</char></source>']),
    ("capabilities", "net", "", ['<source><interface>eth0</interface></source>',
                                 '<ip address="192.168.122.2" prefix="24"/>',
                                 '<route gateway="192.168.122.1"/>']),
]
HOSTDEV_COMMON = ['<boot order="1"/>', '<alias name="ua-h"/>', '<readonly/>',
                  '<address type="pci" domain="0x0000" bus="0x00" slot="0x07" function="0x0"/>']


def subsets(items, least, most):
    for k in range(least, most + 1):
        yield from itertools.combinations(items, k)


def m_hostdev():
    for mode, typ, more, own in HOSTDEVS:
        for show_mode, managed in itertools.product([True, False], [None, "yes"]):
            if mode == "capabilities" and (not show_mode or managed):
                continue        # a capabilities device names its mode, has no managed=
            a = attrs(mode=mode if show_mode else None, type=typ, managed=managed) + more
            # the source and any of the device's other children, with one
            # or two of the common ones, in every order
            for extra, common in itertools.product(subsets(own[1:], 0, len(own) - 1),
                                                   subsets(HOSTDEV_COMMON, 1, 2)):
                kids = [own[0]] + list(extra) + list(common)
                for order in itertools.permutations(kids):
                    name = "".join(str((own + HOSTDEV_COMMON).index(k)) for k in order)
                    yield ("hostdev-%s-%s-%s-%s" % (typ, "mode" if show_mode else "nomode",
                                                    managed or "unmanaged", name),
                           HEAD + "<hostdev%s>%s</hostdev>" % (a, "".join(order)) + TAIL)


MATRICES = {"mirror": m_mirror, "seclabel": m_seclabel, "tls": m_tls,
            "target": m_target, "slice": m_slice, "order": m_order, "hostdev": m_hostdev}


def judge(schema, files):
    """{file: valid|invalid|timeout} by tests/schema-judge.py."""
    p = subprocess.run([sys.executable, os.path.join(TOP, "tests", "schema-judge.py"),
                        "--schema", schema], input="\n".join(files) + "\n",
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("schema-disk-matrix: cannot judge with %s: %s" % (schema, p.stderr.strip()))
    return dict(line.split("\t") for line in p.stdout.splitlines())


def messages(virtc, schemas, files):
    """virtc validate's first message per file."""
    env = dict(os.environ, VIRTC_SCHEMA_DIR=schemas)
    p = subprocess.run([virtc, "validate", "-q", "--type", "domain"] + files,
                       capture_output=True, text=True, env=env)
    first = {}
    for line in p.stderr.splitlines():
        f, _, rest = line.partition(":")
        if f in files and f not in first:
            first[f] = rest.split(": error: ", 1)[-1]
    return first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", default="/usr/share/libvirt/schemas")
    ap.add_argument("--schemas", default=os.environ.get("VIRTC_SCHEMA_DIR",
                                                        os.path.join(TOP, "schemas")))
    ap.add_argument("--virtc", default=os.path.join(TOP, "tools", "virtc"))
    ap.add_argument("--keep")
    ap.add_argument("matrix", nargs="*")
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.oracle, "domain.rng")):
        print("schema-disk-matrix: no libvirt schemas in %s (install libvirt0)" % a.oracle,
              file=sys.stderr)
        return 2
    status = 0
    tmp = tempfile.mkdtemp()
    try:
        for name in a.matrix or list(MATRICES):
            d = os.path.join(tmp, name)
            os.makedirs(d)
            files = []
            for doc, text in MATRICES[name]():
                f = os.path.join(d, doc + ".xml")
                with open(f, "w") as out:
                    out.write(text)
                files.append(f)
            lv = judge(os.path.join(a.oracle, "domain.rng"), files)
            vv = judge(os.path.join(a.schemas, "domain.rng"), files)
            diff = [f for f in files if lv[f] != vv[f]]
            print("schema-disk-matrix %s: %d/%d agree" % (name, len(files) - len(diff), len(files)))
            why = messages(a.virtc, a.schemas, diff) if diff else {}
            for f in diff:
                print("DIFF %s %s: libvirt says %s, virtc says %s%s" % (
                    name, os.path.basename(f), lv[f], vv[f],
                    ": " + why[f] if f in why else ""))
                if a.keep:
                    os.makedirs(os.path.join(a.keep, name), exist_ok=True)
                    shutil.copy(f, os.path.join(a.keep, name))
            if diff:
                status = 1
    finally:
        shutil.rmtree(tmp)
    return status


if __name__ == "__main__":
    sys.exit(main())
