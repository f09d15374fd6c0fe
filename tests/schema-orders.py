#!/usr/bin/env python3
"""schema-orders.py: does virtc's schema judge the order of a container's
children as libvirt's does (under libxml2)?

libxml2's <interleave> is not RelaxNG's: when one part of an interleave is
itself an interleave over siblings (libvirt's <domain> groups <name>,
<uuid>, <genid> in one, the memory and CPU elements in another and the
on_* elements in a third), libxml2 relinks the children in document order
after matching that part, so a later part whose elements are split by it
no longer finds its own (tests/schema-order/README). libvirt's verdict,
what `virsh define --validate` and xmllint say, depends on the order of
the children; virtc's schema groups them the same way to give the same
verdict.

For each container it takes a pool of children, each valid alone in both
schemas, and makes documents of every order of small subsets and of
random orders of larger ones, then judges each with both schemas through
libxml2 (schema-gen.py's Judge) and requires the same verdict.

    schema-orders.py [--seed S] [--count N] [--virtc DIR] [--libvirt DIR]
                     [--validate VIRTC] [--check] [--show N] [--keep DIR]
                     [CONTAINER...]
    schema-orders.py --write DIR [--seed S] [--count N] [CONTAINER...]

CONTAINER (default all): domain, xen (where <bootloader> may stand), os,
features, cpu, devices, disk; storage pools (pool, pool-fs, pool-netfs,
pool-logical, pool-rbd: the top level of those types; pool-source-netfs,
pool-source-iscsi, pool-source-logical, pool-target, permissions),
volumes (volume, vol-target) and networks (network, network-ip,
network-dhcp, network-dns, network-forward), each judged with its kind's
schema. --write takes the domain containers only. --validate: also run VIRTC validate on every
document (its verdict must be the same; a refusal should say "out of
order", or "must come before" where the schema fixes the order). --check: make check's lines, PASS or FAIL per container.
COUNT bounds the documents per container (every order of every subset of
up to 3 children first, then random subsets and orders). Prints
    schema-orders CONTAINER: A/N agree (V valid, I invalid by both)
and one line per disagreement (the first SHOW):
    ORDERDIFF CONTAINER: libvirt says V, virtc says W: child, child, ...
Exits 1 when any document disagrees, 2 when it cannot run. --write DIR
only writes the documents there (CONTAINER-N.xml), for
tests/schema-prune-diff.sh."""

import argparse
import importlib.util
import itertools
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
UUID = "c7a5fdbd-edaf-9455-926a-d65c16db1809"

# Children of <domain>: name -> text; a name may appear twice (two of a
# zeroOrMore part). The os alternatives are separate pools (hvm, xen).
DOMAIN = {
    "name": "<name>demo</name>",
    "uuid": "<uuid>%s</uuid>" % UUID,
    "genid": "<genid/>",
    "title": "<title>t</title>",
    "description": "<description>d</description>",
    "metadata": "<metadata/>",
    "memory": "<memory>1048576</memory>",
    "maxMemory": "<maxMemory slots='2'>2097152</maxMemory>",
    "currentMemory": "<currentMemory>1048576</currentMemory>",
    "memoryBacking": "<memoryBacking><locked/></memoryBacking>",
    "vcpu": "<vcpu>2</vcpu>",
    "vcpus": "<vcpus><vcpu id='0' enabled='yes'/></vcpus>",
    "iothreads": "<iothreads>1</iothreads>",
    "iothreadids": "<iothreadids><iothread id='1'/></iothreadids>",
    "blkiotune": "<blkiotune><weight>500</weight></blkiotune>",
    "memtune": "<memtune><hard_limit>1048576</hard_limit></memtune>",
    "cputune": "<cputune><shares>1024</shares></cputune>",
    "numatune": "<numatune><memory mode='strict' nodeset='0'/></numatune>",
    "resource": "<resource><partition>/machine</partition></resource>",
    "cpu": "<cpu mode='host-model'/>",
    "sysinfo": "<sysinfo type='smbios'><bios><entry name='vendor'>v</entry></bios></sysinfo>",
    "sysinfo2": "<sysinfo type='fwcfg'><entry name='opt/a'>v</entry></sysinfo>",
    "os": "<os><type>hvm</type></os>",
    "idmap": "<idmap><uid start='0' target='1000' count='10'/></idmap>",
    "features": "<features><acpi/></features>",
    "clock": "<clock offset='utc'/>",
    "on_poweroff": "<on_poweroff>destroy</on_poweroff>",
    "on_reboot": "<on_reboot>restart</on_reboot>",
    "on_crash": "<on_crash>destroy</on_crash>",
    "on_lockfailure": "<on_lockfailure>poweroff</on_lockfailure>",
    "pm": "<pm><suspend-to-mem enabled='no'/></pm>",
    "perf": "<perf><event name='cmt' enabled='no'/></perf>",
    "devices": "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>",
    "seclabel": "<seclabel type='none' model='dac'/>",
    "seclabel2": "<seclabel type='none' model='selinux'/>",
    "keywrap": "<keywrap><cipher name='aes' state='on'/></keywrap>",
    "launchSecurity": "<launchSecurity type='s390-pv'/>",
    "qemu:commandline": "<qemu:commandline><qemu:arg value='-S'/></qemu:commandline>",
}
# Xen PV booting (type='xen' documents): host-side bootloader and <os>
XEN = {
    "bootloader": "<bootloader>/usr/bin/pygrub</bootloader>",
    "bootloader_args": "<bootloader_args>-q</bootloader_args>",
    "os": "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>",
}

DOMAIN_CONTAINERS = ["domain", "xen", "os", "features", "cpu", "devices", "disk"]


def load_judge():
    spec = importlib.util.spec_from_file_location(
        "schemagen", os.path.join(HERE, "schema-gen.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.Judge


def domain_doc(kids, pool, attrs="type='kvm'"):
    body = "\n  ".join(pool[k] for k in kids)
    return ("<domain %s xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
            "  %s\n</domain>\n" % (attrs, body)).encode()


def domain_docs(r, count):
    """<domain> documents: <name> and <os> (both schemas need them, or
    libvirt's parser does) with subsets of the other children, every
    order of each; with and without <domain id='N'> (the attribute is part
    of the id group in libvirt's schema, which changes what libxml2 does)."""
    others = [k for k in DOMAIN if k not in ("name", "os")]
    for attrs in ("type='kvm'", "type='kvm' id='3'"):
        yield from orders(r, count // 2, ["name", "os"], others, DOMAIN,
                          lambda kids, a=attrs: domain_doc(kids, DOMAIN, a))


def xen_docs(r, count):
    """Booting parts: Xen PV's and hvm's <os>, each with <bootloader>
    always there or among the others (its place is the question)."""
    others = ["uuid", "memory", "vcpu", "on_reboot", "devices", "bootloader_args", "genid"]
    for os_text in (XEN["os"], DOMAIN["os"]):
        pool = dict(DOMAIN, bootloader=XEN["bootloader"], bootloader_args=XEN["bootloader_args"], os=os_text)
        for fixed, rest in ((["name", "bootloader", "os"], others),
                            (["name", "os"], others + ["bootloader"])):
            yield from orders(r, count // 4, fixed, rest, pool,
                              lambda kids, p=pool: domain_doc(kids, p, "type='xen'"))


def orders(r, count, fixed, others, pool, make):
    """Every order of fixed + each subset of up to 2 of others (at most
    half of count), then random subsets of 3..7 in random orders, up to
    count documents; with 3 others or fewer, every order of every subset
    and no more."""
    n = 0
    seen = set()
    # a small pool (3 others or fewer) is tried whole, every order of it
    small = len(others) <= 3
    for k in range(0, len(others) + 1 if small else 3):
        for sub in itertools.combinations(others, k):
            for perm in itertools.permutations(list(fixed) + list(sub)):
                if n >= (count if small else count // 2):
                    break
                n += 1
                seen.add(perm)
                yield perm, make(perm)
    misses = 0
    while n < count and not small and misses < 1000:
        sub = r.sample(others, r.randint(3, min(7, len(others))))
        kids = list(fixed) + sub
        r.shuffle(kids)
        if tuple(kids) in seen:
            misses += 1     # a small pool runs out of new orders
            continue
        misses = 0
        seen.add(tuple(kids))
        n += 1
        yield tuple(kids), make(kids)


def inner_doc(template, kids, pool):
    return template.replace("@", "".join(pool[k] for k in kids)).encode()


# Other containers: a fixed domain holding the container, whose children
# are permuted. "@" marks where the children go.
INNER = {
    "os": ("<domain type='kvm'><name>d</name><os>@</os></domain>",
           ["type"],
           {"type": "<type arch='x86_64' machine='pc'>hvm</type>",
            "loader": "<loader readonly='yes' type='rom'>/usr/share/seabios/bios.bin</loader>",
            "nvram": "<nvram>/var/lib/nvram.fd</nvram>",
            "boot": "<boot dev='hd'/>", "boot2": "<boot dev='cdrom'/>",
            "bootmenu": "<bootmenu enable='yes'/>",
            "smbios": "<smbios mode='sysinfo'/>",
            "bios": "<bios useserial='yes'/>",
            "kernel": "<kernel>/boot/vmlinuz</kernel>",
            "initrd": "<initrd>/boot/initrd</initrd>",
            "cmdline": "<cmdline>console=ttyS0</cmdline>",
            "acpi": "<acpi><table type='slic'>/t.dat</table></acpi>",
            "firmware": "<firmware><feature enabled='yes' name='secure-boot'/></firmware>"}),
    "features": ("<domain type='kvm'><name>d</name><os><type>hvm</type></os><features>@</features></domain>",
                 [],
                 {"acpi": "<acpi/>", "apic": "<apic/>", "pae": "<pae/>",
                  "hap": "<hap/>", "viridian": "<viridian/>", "privnet": "<privnet/>",
                  "hyperv": "<hyperv mode='custom'><relaxed state='on'/></hyperv>",
                  "kvm": "<kvm><hidden state='on'/></kvm>",
                  "pvspinlock": "<pvspinlock state='on'/>",
                  "vmport": "<vmport state='off'/>", "smm": "<smm state='on'/>",
                  "gic": "<gic version='2'/>", "ioapic": "<ioapic driver='kvm'/>",
                  "vmcoreinfo": "<vmcoreinfo state='on'/>",
                  "htm": "<htm state='on'/>", "msrs": "<msrs unknown='ignore'/>",
                  "pmu": "<pmu state='on'/>", "ccf-assist": "<ccf-assist state='on'/>"}),
    "cpu": ("<domain type='kvm'><name>d</name><os><type>hvm</type></os><cpu match='exact'>@</cpu></domain>",
            ["model"],
            {"model": "<model fallback='allow'>Haswell</model>",
             "vendor": "<vendor>Intel</vendor>",
             "topology": "<topology sockets='1' dies='1' cores='2' threads='1'/>",
             "feature": "<feature policy='require' name='vmx'/>",
             "feature2": "<feature policy='disable' name='svm'/>",
             "cache": "<cache mode='passthrough'/>",
             "numa": "<numa><cell cpus='0-1' memory='1048576'/></numa>",
             "maxphysaddr": "<maxphysaddr mode='passthrough'/>"}),
    "devices": ("<domain type='kvm'><name>d</name><os><type>hvm</type></os><devices>@</devices></domain>",
                [],
                {"emulator": "<emulator>/usr/bin/qemu-system-x86_64</emulator>",
                 "disk": "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>",
                 "disk2": "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>",
                 "controller": "<controller type='usb' index='0'/>",
                 "interface": "<interface type='network'><source network='default'/></interface>",
                 "serial": "<serial type='pty'/>", "console": "<console type='pty'/>",
                 "input": "<input type='tablet' bus='usb'/>",
                 "graphics": "<graphics type='vnc'/>",
                 "video": "<video><model type='vga'/></video>",
                 "memballoon": "<memballoon model='virtio'/>",
                 "rng": "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
                 "watchdog": "<watchdog model='i6300esb'/>",
                 "sound": "<sound model='ich6'/>",
                 "hostdev": "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>",
                 "panic": "<panic model='isa'/>",
                 "tpm": "<tpm model='tpm-tis'><backend type='emulator'/></tpm>",
                 "channel": "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>",
                 "filesystem": "<filesystem type='mount'><source dir='/a'/><target dir='t'/></filesystem>",
                 "hub": "<hub type='usb'/>", "smartcard": "<smartcard mode='passthrough' type='spicevmc'/>",
                 "vsock": "<vsock model='virtio'><cid auto='yes'/></vsock>",
                 "iommu": "<iommu model='intel'/>", "lease": "<lease><lockspace>a</lockspace><key>k</key><target path='/p'/></lease>",
                 "redirdev": "<redirdev bus='usb' type='spicevmc'/>",
                 "parallel": "<parallel type='pty'/>", "shmem": "<shmem name='s'/>",
                 "nvram": "<nvram><address type='spapr-vio' reg='0x3000'/></nvram>",
                 "audio": "<audio id='1' type='none'/>"}),
    "disk": ("<domain type='kvm'><name>d</name><os><type>hvm</type></os><devices>"
             "<disk type='file' device='disk'>@</disk></devices></domain>",
             ["target"],
             {"target": "<target dev='vda' bus='virtio'/>",
              "source": "<source file='/a.img'/>",
              "driver": "<driver name='qemu' type='qcow2'/>",
              "serial": "<serial>abc</serial>", "wwn": "<wwn>0x5000c50015ea71ac</wwn>",
              "readonly": "<readonly/>", "shareable": "<shareable/>",
              "boot": "<boot order='1'/>", "alias": "<alias name='ua-d'/>",
              "address": "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>",
              "iotune": "<iotune><total_bytes_sec>100</total_bytes_sec></iotune>",
              "geometry": "<geometry cyls='16383' heads='16' secs='63'/>",
              "blockio": "<blockio logical_block_size='512'/>",
              "transient": "<transient/>", "vendor": "<vendor>V</vendor>",
              "product": "<product>P</product>",
              "backingStore": "<backingStore/>",
              "encryption": "<encryption format='luks'><secret type='passphrase' uuid='%s'/></encryption>" % UUID}),
}


# Storage pools, volumes and networks: the same, each judged with its own
# kind's schema (KIND). libvirt's schemas leave most of these orders free
# (interleaves, some holding interleaves, which libxml2 judges by their
# shape) and fix a few (an fs pool's <fs:mount_opts> comes last).
FS_NS = "xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'"
RBD_NS = "xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'"
POOL_TOP = {"name": "<name>p</name>", "uuid": "<uuid>%s</uuid>" % UUID,
            "capacity": "<capacity unit='GiB'>10</capacity>",
            "allocation": "<allocation>0</allocation>",
            "available": "<available>0</available>",
            "features": "<features><cow state='yes'/></features>"}
# libvirt's pool parser (virtc validate's front end) takes the cow feature
# on fs and dir pools only: the other types get an empty <features/>
NO_COW = "<features/>"
PERMISSIONS = "<permissions><mode>0700</mode><owner>0</owner><group>0</group></permissions>"
KIND = {}
OTHER = {
    "pool": ("<pool type='dir'>@</pool>", ["name", "target"],
             dict(POOL_TOP, source="<source/>",
                  target="<target><path>/var/lib/p</path></target>")),
    "pool-fs": ("<pool type='fs' %s>@</pool>" % FS_NS, ["name", "source", "target"],
                dict(POOL_TOP, source="<source><device path='/dev/sdb1'/><format type='ext4'/></source>",
                     target="<target><path>/mnt/p</path></target>",
                     mount_opts="<fs:mount_opts><fs:option name='sync'/></fs:mount_opts>")),
    "pool-netfs": ("<pool type='netfs' %s>@</pool>" % FS_NS, ["name", "source", "target"],
                   dict(POOL_TOP, features=NO_COW, source="<source><host name='nfs.example.com'/><dir path='/export'/></source>",
                        target="<target><path>/mnt/p</path></target>",
                        mount_opts="<fs:mount_opts><fs:option name='sync'/></fs:mount_opts>")),
    "pool-logical": ("<pool type='logical'>@</pool>", ["source", "target"],
                     dict(POOL_TOP, features=NO_COW, source="<source><name>vg</name><device path='/dev/sdb'/></source>",
                          target="<target><path>/dev/vg</path></target>")),
    "pool-rbd": ("<pool type='rbd' %s>@</pool>" % RBD_NS, ["source"],
                 dict(POOL_TOP, features=NO_COW, source="<source><name>rbdpool</name><host name='mon1.example.com'/></source>",
                      refresh="<refresh><volume allocation='capacity'/></refresh>",
                      config="<rbd:config_opts><rbd:option name='client_mount_timeout' value='45'/></rbd:config_opts>")),
    "pool-source-netfs": ("<pool type='netfs'><name>p</name><source>@</source>"
                          "<target><path>/mnt/p</path></target></pool>", ["host", "dir"],
                          {"host": "<host name='nfs.example.com'/>", "host2": "<host name='nfs2.example.com'/>",
                           "dir": "<dir path='/export'/>", "format": "<format type='nfs'/>",
                           "protocol": "<protocol ver='3'/>",
                           "vendor": "<vendor name='v'/>", "product": "<product name='p'/>"}),
    "pool-source-iscsi": ("<pool type='iscsi'><name>p</name><source>@</source>"
                          "<target><path>/dev/disk/by-path</path></target></pool>", ["host", "device"],
                          {"host": "<host name='iscsi.example.com' port='3260'/>",
                           "device": "<device path='iqn.2013-06.com.example:iscsi-pool'/>",
                           "auth": "<auth type='chap' username='admin'><secret usage='s'/></auth>",
                           "initiator": "<initiator><iqn name='iqn.2013-06.com.example:i'/></initiator>",
                           "vendor": "<vendor name='v'/>", "product": "<product name='p'/>"}),
    "pool-source-logical": ("<pool type='logical'><name>vg</name><source>@</source>"
                            "<target><path>/dev/vg</path></target></pool>", [],
                            {"name": "<name>vg</name>", "device": "<device path='/dev/sdb'/>",
                             "device2": "<device path='/dev/sdc'/>", "format": "<format type='lvm2'/>",
                             "vendor": "<vendor name='v'/>", "product": "<product name='p'/>"}),
    "pool-target": ("<pool type='dir'><name>p</name><target>@</target></pool>", ["path"],
                    {"path": "<path>/var/lib/p</path>", "permissions": PERMISSIONS}),
    "permissions": ("<pool type='dir'><name>p</name><target><path>/var/lib/p</path>"
                    "<permissions>@</permissions></target></pool>", [],
                    {"mode": "<mode>0700</mode>", "owner": "<owner>107</owner>",
                     "group": "<group>107</group>", "label": "<label>virt_image_t</label>"}),
    # a <capacity> always: libvirt's volume parser wants one
    "volume": ("<volume type='file'>@</volume>", ["name", "target", "capacity"],
               {"name": "<name>v.img</name>", "key": "<key>/var/lib/p/v.img</key>",
                "source": "<source/>", "capacity": "<capacity unit='G'>5</capacity>",
                "allocation": "<allocation>0</allocation>", "physical": "<physical>0</physical>",
                "target": "<target><path>/var/lib/p/v.img</path></target>",
                "backingStore": "<backingStore><path>/var/lib/p/b.img</path>"
                                "<format type='raw'/></backingStore>"}),
    "vol-target": ("<volume><name>v.img</name><capacity>1</capacity><target>@</target></volume>", [],
                   {"path": "<path>/var/lib/p/v.img</path>", "format": "<format type='qcow2'/>",
                    "permissions": PERMISSIONS,
                    "timestamps": "<timestamps><atime>1341933637.273190990</atime></timestamps>",
                    "compat": "<compat>1.1</compat>", "nocow": "<nocow/>",
                    "clusterSize": "<clusterSize unit='KiB'>64</clusterSize>",
                    "features": "<features><lazy_refcounts/></features>",
                    "encryption": "<encryption format='luks'><secret type='passphrase' uuid='%s'/></encryption>" % UUID}),
    # an <ip> always: libvirt's parser (virtc validate's front end) wants
    # one for forward mode nat and to reach the route's gateway
    "network": ("<network>@</network>", ["name", "ip"],
                {"name": "<name>n</name>", "uuid": "<uuid>%s</uuid>" % UUID,
                 "metadata": "<metadata/>",
                 "forward": "<forward mode='nat'/>", "bridge": "<bridge name='virbr9'/>",
                 "mtu": "<mtu size='9000'/>", "mac": "<mac address='52:54:00:a1:b2:c3'/>",
                 "domain": "<domain name='example.com'/>",
                 "dns": "<dns><forwarder addr='8.8.8.8'/></dns>",
                 "ip": "<ip address='192.168.150.1' netmask='255.255.255.0'/>",
                 "ip6": "<ip family='ipv6' address='2001:db8:ca2:2::1' prefix='64'/>",
                 "route": "<route address='192.168.222.0' prefix='24' gateway='192.168.150.2'/>",
                 "bandwidth": "<bandwidth><inbound average='1000'/></bandwidth>",
                 "portgroup": "<portgroup name='engineering'/>",
                 "port": "<port isolated='yes'/>"}),
    "network-ip": ("<network><name>n</name><ip address='192.168.150.1' netmask='255.255.255.0'>@</ip></network>", [],
                   {"dhcp": "<dhcp><range start='192.168.150.2' end='192.168.150.254'/></dhcp>",
                    "tftp": "<tftp root='/srv/tftp'/>"}),
    "network-dhcp": ("<network><name>n</name><ip address='192.168.150.1' netmask='255.255.255.0'>"
                     "<dhcp>@</dhcp></ip></network>", [],
                     {"range": "<range start='192.168.150.2' end='192.168.150.9'/>",
                      "range2": "<range start='192.168.150.20' end='192.168.150.29'/>",
                      "host": "<host mac='00:16:3e:77:e2:ed' ip='192.168.150.10'/>",
                      "host2": "<host mac='00:16:3e:77:e2:ee' ip='192.168.150.11'/>",
                      "bootp": "<bootp file='pxelinux.0'/>"}),
    "network-dns": ("<network><name>n</name><dns>@</dns></network>", [],
                    {"txt": "<txt name='example' value='v'/>",
                     "host": "<host ip='192.168.150.3'><hostname>h</hostname></host>",
                     "srv": "<srv service='name' protocol='tcp'/>",
                     "forwarder": "<forwarder addr='8.8.8.8'/>",
                     "forwarder2": "<forwarder domain='example.com'/>"}),
    # nat forwards through one <interface> at most, and needs an <ip>
    "network-forward": ("<network><name>n</name><ip address='192.168.150.1' netmask='255.255.255.0'/>"
                        "<forward mode='nat'>@</forward></network>", [],
                        {"nat": "<nat><port start='1024' end='65535'/></nat>",
                         "interface": "<interface dev='eth0'/>",
                         "pf": "<pf dev='eth2'/>",
                         "driver": "<driver name='vfio'/>"}),
}
for c in OTHER:
    KIND[c] = "network" if c.startswith("network") else "storagevol" if c.startswith("vol") else "storagepool"
INNER.update(OTHER)
CONTAINERS = DOMAIN_CONTAINERS + list(OTHER)


def kind_of(container):
    return KIND.get(container, "domain")


def inner_docs(container, r, count):
    template, fixed, pool = INNER[container]
    others = [k for k in pool if k not in fixed]
    yield from orders(r, count, fixed, others, pool,
                      lambda kids: inner_doc(template, kids, pool))


def docs(container, r, count):
    if container == "domain":
        return domain_docs(r, count)
    if container == "xen":
        return xen_docs(r, count)
    return inner_docs(container, r, count)


def validate_all(virtc, texts, kind="domain"):
    """virtc validate's verdict and first message for each text (bytes)."""
    tmp = tempfile.mkdtemp(prefix="virtc-orders-")
    try:
        names = []
        for i, t in enumerate(texts):
            names.append(os.path.join(tmp, "d%d.xml" % i))
            with open(names[-1], "wb") as f:
                f.write(t)
        first = {}
        for at in range(0, len(names), 400):
            batch = names[at:at + 400]
            out = subprocess.run([virtc, "validate", "--type", kind] + batch,
                                 capture_output=True, text=True).stderr
            for line in out.splitlines():
                name = line.split(":", 1)[0]
                if name in batch and name not in first:
                    first[name] = line.split(": error: ", 1)[-1]
        return [(n not in first, first.get(n, "")) for n in names]
    finally:
        shutil.rmtree(tmp)


def write_all(a):
    """--write: the documents alone, for other differentials
    (tests/schema-prune-diff.sh judges them with the pruned schema)."""
    os.makedirs(a.write, exist_ok=True)
    for container in a.containers or DOMAIN_CONTAINERS:
        if container not in DOMAIN_CONTAINERS:
            print("schema-orders: %s is not a domain container" % container, file=sys.stderr)
            return 2
        r = random.Random("%s/%d" % (container, a.seed))
        for n, (_, text) in enumerate(docs(container, r, a.count)):
            with open(os.path.join(a.write, "%s-%d.xml" % (container, n)), "wb") as f:
                f.write(text)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--virtc", default=os.path.join(HERE, "..", "schemas"))
    ap.add_argument("--libvirt", default="/usr/share/libvirt/schemas")
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--keep", default="")
    ap.add_argument("--validate", default="",
                    help="a virtc binary: also judge each document with its validate verb")
    ap.add_argument("--check", action="store_true",
                    help="make check's form: PASS or FAIL per container")
    ap.add_argument("--write", default="",
                    help="write every document to this directory (CONTAINER-N.xml), judge none")
    ap.add_argument("containers", nargs="*")
    a = ap.parse_args()
    if a.write:
        return write_all(a)
    if not os.path.exists(os.path.join(a.libvirt, "domain.rng")):
        if a.check:
            print("SKIP schema-orders: no libvirt schemas in %s (libvirt0)" % a.libvirt)
            return 0
        print("schema-orders: no libvirt schemas in %s" % a.libvirt, file=sys.stderr)
        return 2
    Judge = load_judge()
    judges = {}

    def judge(kind):
        if kind not in judges:
            judges[kind] = (Judge(os.path.join(a.virtc, kind + ".rng")),
                            Judge(os.path.join(a.libvirt, kind + ".rng")))
        return judges[kind]
    bad = 0
    for container in a.containers or CONTAINERS:
        if container not in CONTAINERS:
            print("schema-orders: unknown container %s" % container, file=sys.stderr)
            return 2
        r = random.Random("%s/%d" % (container, a.seed))
        n = agree = shown = valid = 0
        made = list(docs(container, r, a.count))
        ours, theirs = judge(kind_of(container))
        cli = validate_all(a.validate, [t for _, t in made], kind_of(container)) if a.validate else None
        said = explained = 0
        for i, (kids, text) in enumerate(made):
            n += 1
            lv, vv = theirs.valid(text), ours.valid(text)
            if cli:
                # the command's verdict must be the schema's, and a refusal
                # of children each valid alone should say what is out of order
                vv = vv and cli[i][0]
                said += not lv
                explained += not lv and ("out of order" in cli[i][1] or
                                         "must come before" in cli[i][1])
            if lv == vv:
                agree += 1
                valid += lv
                continue
            if shown < a.show:
                shown += 1
                print("ORDERDIFF %s: libvirt says %s, virtc says %s: %s%s" % (
                    container, "valid" if lv else "invalid", "valid" if vv else "invalid",
                    ", ".join(kids), " (id)" if b" id='3'" in text else ""))
            if a.keep:
                os.makedirs(a.keep, exist_ok=True)
                with open(os.path.join(a.keep, "%s-%d.xml" % (container, n)), "wb") as f:
                    f.write(text)
        bad += n - agree
        if a.check:
            print("%s schema-orders/%s: %d/%d agree with libvirt's schema" % (
                "PASS" if agree == n else "FAIL", container, agree, n))
            continue
        print("schema-orders %s: %d/%d agree (%d valid, %d invalid by both)%s" % (
            container, agree, n, valid, agree - valid,
            "; virtc validate says what is out of order for %d/%d refused" % (explained, said)
            if cli else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
