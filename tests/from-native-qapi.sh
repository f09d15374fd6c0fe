#!/bin/sh
# Nothing is dropped (issue 9): every property of the QAPI options the
# from-native reader reads for disks (QEMU's BlockdevOptions* for the
# drivers below, the -object types a disk names) is listed here with what
# must come of it:
#   model:TEXT  the domain says it: TEXT appears in the domain outside
#               <qemu:commandline>, and nothing is kept as pass-through;
#   kept        the domain has no place for it: the disk's -device and the
#               options it names are kept as <qemu:commandline> (the
#               property's text is in a <qemu:arg>), and a warning names it;
#   whole:TEXT  the node's driver itself has no place (ssh: libvirt 9.0's
#               domain format has no ssh protocol): the disk is kept whole,
#               TEXT among its words, and the warning says why.
# A row is NAME|OPTIONS: the property under test sits in OPTIONS, a whole
# command line after "qemu-system-x86_64 -machine pc -m 64 -nodefaults".
# The kept check wants a -device among the kept words: rows of kept
# options without a device (an SEV certificate file, a pflash graph) are
# golden cases (tests/golden/qemu-from-native/kept-*).
# Part of make check: prints PASS or FAIL lines.
top=$(cd "$(dirname "$0")/.." && pwd)
VIRTC=${VIRTC:-$top/tools/virtc}
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
. "$(dirname "$0")/helpers/scratch.sh"

# the usual disk: a protocol node s0, a format node f0, a virtio disk
F='-blockdev driver=file,filename=/srv/a.img,node-name=s0'
R='-blockdev driver=raw,file=s0,node-name=f0'
Q='-blockdev driver=qcow2,file=s0,node-name=f0'
V='-device virtio-blk-pci,drive=f0,id=virtio-disk0'
LUN='-device virtio-scsi-pci,id=scsi0 -device scsi-block,bus=scsi0.0,drive=f0,id=scsi0-0-0-0'
SEC='-object secret,id=sec0,format=raw,file=/etc/vm/key'
TLS='-object tls-creds-x509,id=tls0,dir=/etc/pki/qemu,endpoint=client'
PR='-object pr-manager-helper,id=pr-helper0,path=/var/run/vm/pr-helper0.sock'

pass=0
# check_kept NAME WHAT TEXT WARNING WHY [device]: TEXT is among the kept
# <qemu:arg> words (WHAT names it in the failure), a warning matches WARNING
# (WHY says what is missing otherwise), no <disk> is modelled beside it, and
# with "device" the disk's -device is kept too.
check_kept() {
    if ! grep "<qemu:arg value='" "$tmp/out.xml" | grep -qF -- "$3"; then
        echo "FAIL from-native-qapi $1: $2 is not kept as <qemu:commandline>"
    elif [ "$6" = device ] && ! grep "<qemu:arg value='" "$tmp/out.xml" | grep -q "'-device'"; then
        echo "FAIL from-native-qapi $1: the disk's -device is not kept with it"
    elif ! grep -q -- "$4" "$tmp/err"; then
        echo "FAIL from-native-qapi $1: $5"
    elif grep -q '<disk' "$tmp/model.xml"; then
        echo "FAIL from-native-qapi $1: the disk is both modelled and kept"
    else
        echo "PASS from-native-qapi $1"
    fi
}

row() { # row NAME EXPECT OPTIONS...
    name=$1 expect=$2
    shift 2
    echo "/usr/bin/qemu-system-x86_64 -machine pc -m 64 -nodefaults $*" >"$tmp/in.args"
    if ! "$VIRTC" domxml-from-native qemu-argv "$tmp/in.args" >"$tmp/out.xml" 2>"$tmp/err"; then
        echo "FAIL from-native-qapi $name: $(grep -m1 'error:' "$tmp/err")"
        return
    fi
    sed '/<qemu:commandline>/,$d' "$tmp/out.xml" >"$tmp/model.xml"
    case $expect in
    model:*)
        text=${expect#model:}
        if ! grep -qF -- "$text" "$tmp/model.xml"; then
            echo "FAIL from-native-qapi $name: the domain does not say $text"
        elif grep -q '<qemu:commandline>' "$tmp/out.xml"; then
            echo "FAIL from-native-qapi $name: modelled, yet something is kept: $(grep -m1 'warning' "$tmp/err")"
        else
            echo "PASS from-native-qapi $name"
        fi ;;
    kept:*)
        key=${expect#kept:}
        check_kept "$name" "$key" "$key=" "'$key'" "no warning names '$key'" device ;;
    whole:*)
        text=${expect#whole:}
        check_kept "$name" "$text" "$text" "has no place in the domain model" \
            "no warning says why it is kept" ;;
    esac
}

# BlockdevOptionsBase, on any node
row base-discard        "model:discard='unmap'"       "-blockdev driver=file,filename=/srv/a.img,node-name=s0,discard=unmap $R $V"
row base-detect-zeroes  "model:detect_zeroes='unmap'" "$F -blockdev driver=raw,file=s0,node-name=f0,detect-zeroes=unmap $V"
row base-read-only      "model:<readonly/>"           "$F -blockdev driver=raw,file=s0,node-name=f0,read-only=on -device virtio-blk-pci,drive=f0,id=d0"
row base-cache          "model:cache='none'"          "-blockdev driver=file,filename=/srv/a.img,node-name=s0,cache.direct=on,cache.no-flush=off $R $V"
row base-force-share    "kept:force-share"            "$F -blockdev driver=raw,file=s0,node-name=f0,read-only=on,force-share=on $V"
# file / host_device
row file-filename       "model:file='/srv/a.img'"     "$F $R $V"
row file-aio            "model:io='native'"           "-blockdev driver=file,filename=/srv/a.img,node-name=s0,aio=native,cache.direct=on $R $V"
row file-locking        "kept:locking"                "-blockdev driver=file,filename=/srv/a.img,node-name=s0,locking=off $R $V"
row file-drop-cache     "kept:drop-cache"             "-blockdev driver=file,filename=/srv/a.img,node-name=s0,drop-cache=off $R $V"
row file-aio-max-batch  "kept:aio-max-batch"          "-blockdev driver=file,filename=/srv/a.img,node-name=s0,aio-max-batch=16 $R $V"
row host-device-pr      "model:<reservations managed='yes'/>" "$PR -blockdev driver=host_device,filename=/dev/sdb,node-name=s0,pr-manager=pr-helper0 $R $LUN"
row host-device-pr-own  "model:path='/run/pr.sock'"   "-object pr-manager-helper,id=pr1,path=/run/pr.sock -blockdev driver=host_device,filename=/dev/sdb,node-name=s0,pr-manager=pr1 $R $LUN"
# raw, qcow2, luks
row raw-slice           "model:<slice type='storage' offset='512' size='4096'/>" "$F -blockdev driver=raw,file=s0,node-name=f0,offset=512,size=4096 $V"
row qcow2-cache-size    "model:<max_size unit='bytes'>65536</max_size>" "$F -blockdev driver=qcow2,file=s0,node-name=f0,cache-size=65536 $V"
row qcow2-slice         "model:offset='1024' size='8192'" "$F -blockdev driver=raw,file=s0,node-name=sl,offset=1024,size=8192 -blockdev driver=qcow2,file=sl,node-name=f0 $V"
row qcow2-backing       "model:<source file='/srv/base.img'/>" "-blockdev driver=file,filename=/srv/base.img,node-name=b0 -blockdev driver=raw,file=b0,node-name=bf,read-only=on $F -blockdev driver=qcow2,file=s0,node-name=f0,backing=bf $V"
row qcow2-backing-end   "model:<backingStore/>"       "$F -blockdev '{\"driver\":\"qcow2\",\"file\":\"s0\",\"node-name\":\"f0\",\"backing\":null}' $V"
row qcow2-l2-cache-size "kept:l2-cache-size"          "$F -blockdev driver=qcow2,file=s0,node-name=f0,l2-cache-size=1048576 $V"
row qcow2-lazy-refcounts "kept:lazy-refcounts"        "$F -blockdev driver=qcow2,file=s0,node-name=f0,lazy-refcounts=on $V"
row qcow2-data-file     "kept:data-file"              "$F -blockdev driver=file,filename=/srv/d.raw,node-name=d0 -blockdev driver=qcow2,file=s0,node-name=f0,data-file=d0 $V"
row qcow2-encrypt       "model:<encryption format='luks'>" "$SEC $F -blockdev driver=qcow2,file=s0,node-name=f0,encrypt.format=luks,encrypt.key-secret=sec0 $V"
row luks-key-secret     "model:<encryption format='luks'>" "$SEC $F -blockdev driver=luks,file=s0,node-name=f0,key-secret=sec0 $V"
# network protocols
row nbd-server          "model:<host name='nbd.example' port='10809'/>" "-blockdev driver=nbd,server.type=inet,server.host=nbd.example,server.port=10809,export=vm,node-name=s0 $R $V"
row nbd-tls             "model:tls='yes'"             "$TLS -blockdev driver=nbd,server.type=inet,server.host=nbd.example,server.port=10809,tls-creds=tls0,node-name=s0 $R $V"
row nbd-tls-hostname    "model:tlsHostname='h.example'" "$TLS -blockdev driver=nbd,server.type=inet,server.host=nbd.example,server.port=10809,tls-creds=tls0,tls-hostname=h.example,node-name=s0 $R $V"
row nbd-reconnect-delay "kept:reconnect-delay"        "-blockdev driver=nbd,server.type=inet,server.host=nbd.example,server.port=10809,reconnect-delay=5,node-name=s0 $R $V"
row nbd-dirty-bitmap    "kept:x-dirty-bitmap"         "-blockdev driver=nbd,server.type=inet,server.host=nbd.example,server.port=10809,x-dirty-bitmap=b,node-name=s0 $R $V"
row tls-priority        "kept:priority"               "-object tls-creds-x509,id=tls0,dir=/etc/pki/qemu,endpoint=client,priority=NORMAL -blockdev driver=nbd,server.type=inet,server.host=nbd.example,server.port=10809,tls-creds=tls0,node-name=s0 $R $V"
row iscsi-target        "model:name='iqn.2024-01.org.example:t/2'" "-blockdev driver=iscsi,portal=192.0.2.1:3260,target=iqn.2024-01.org.example:t,lun=2,transport=tcp,node-name=s0 $R $V"
row iscsi-chap          "model:<auth username='u1'>"  "$SEC -blockdev driver=iscsi,portal=192.0.2.1:3260,target=iqn.2024-01.org.example:t,lun=2,transport=tcp,user=u1,password-secret=sec0,node-name=s0 $R $V"
row iscsi-initiator     "model:<iqn name='iqn.2024-01.org.example:me'/>" "-blockdev driver=iscsi,portal=192.0.2.1:3260,target=iqn.2024-01.org.example:t,lun=2,transport=tcp,initiator-name=iqn.2024-01.org.example:me,node-name=s0 $R $V"
row iscsi-header-digest "kept:header-digest"          "-blockdev driver=iscsi,portal=192.0.2.1:3260,target=iqn.2024-01.org.example:t,lun=2,transport=tcp,header-digest=crc32c,node-name=s0 $R $V"
row iscsi-timeout       "kept:timeout"                "-blockdev driver=iscsi,portal=192.0.2.1:3260,target=iqn.2024-01.org.example:t,lun=2,transport=tcp,timeout=10,node-name=s0 $R $V"
row rbd-namespace       "model:name='pool/ns/img'"    "-blockdev driver=rbd,pool=pool,namespace=ns,image=img,node-name=s0 $R $V"
row rbd-snapshot        "model:<snapshot name='snap1'/>" "-blockdev driver=rbd,pool=pool,image=img,snapshot=snap1,node-name=s0 $R $V"
row rbd-conf            "model:<config file='/etc/ceph/c.conf'/>" "-blockdev driver=rbd,pool=pool,image=img,conf=/etc/ceph/c.conf,node-name=s0 $R $V"
row rbd-cephx           "model:<secret type='ceph'"   "$SEC -blockdev driver=rbd,pool=pool,image=img,user=admin,auth-client-required.0=cephx,auth-client-required.1=none,key-secret=sec0,node-name=s0 $R $V"
row rbd-encrypt         "kept:encrypt.format"         "-blockdev driver=rbd,pool=pool,image=img,encrypt.format=luks,encrypt.key-secret=x,node-name=s0 $R $V"
row http-url            "model:<host name='web.example' port='8080'/>" "-blockdev driver=http,url=http://web.example:8080/i.iso,node-name=s0 $R $V"
row https-query         "model:query='a=1'"           "-blockdev driver=https,url=https://web.example/i.iso?a=1,node-name=s0 $R $V"
row http-timeout        "model:<timeout seconds='20'/>" "-blockdev driver=http,url=http://web.example/i.iso,timeout=20,node-name=s0 $R $V"
row http-readahead      "model:<readahead size='65536'/>" "-blockdev driver=http,url=http://web.example/i.iso,readahead=65536,node-name=s0 $R $V"
row https-sslverify     "model:<ssl verify='no'/>"    "-blockdev driver=https,url=https://web.example/i.iso,sslverify=off,node-name=s0 $R $V"
row http-cookie-data    "model:<cookie name='k'>v</cookie>" "-object secret,id=c0,data=k=v -blockdev driver=http,url=http://web.example/i.iso,cookie-secret=c0,node-name=s0 $R $V"
row http-cookie-file    "kept:cookie-secret"          "-object secret,id=c0,format=raw,file=/etc/vm/cookies -blockdev driver=http,url=http://web.example/i.iso,cookie-secret=c0,node-name=s0 $R $V"
row http-username       "kept:username"               "-blockdev driver=http,url=http://web.example/i.iso,username=me,node-name=s0 $R $V"
row http-proxy-username "kept:proxy-username"         "-blockdev driver=http,url=http://web.example/i.iso,proxy-username=me,node-name=s0 $R $V"
row ssh-path            "whole:driver=ssh"            "-blockdev driver=ssh,server.host=ssh.example,server.port=22,path=/srv/i.img,node-name=s0 $R $V"
row ssh-user            "whole:user=me"               "-blockdev driver=ssh,server.host=ssh.example,server.port=22,path=/srv/i.img,user=me,node-name=s0 $R $V"
row ssh-host-key-check  "whole:host-key-check.mode=none" "-blockdev driver=ssh,server.host=ssh.example,server.port=22,path=/srv/i.img,host-key-check.mode=none,node-name=s0 $R $V"
row gluster-volume      "model:name='vol/dir/i.img'"  "-blockdev driver=gluster,volume=vol,path=dir/i.img,server.0.type=inet,server.0.host=g.example,server.0.port=24007,node-name=s0 $R $V"
row gluster-debug       "kept:debug"                  "-blockdev driver=gluster,volume=vol,path=dir/i.img,server.0.type=inet,server.0.host=g.example,server.0.port=24007,debug=4,node-name=s0 $R $V"
row gluster-logfile     "kept:logfile"                "-blockdev driver=gluster,volume=vol,path=dir/i.img,server.0.type=inet,server.0.host=g.example,server.0.port=24007,logfile=/tmp/g.log,node-name=s0 $R $V"
# local drivers
row nvme-device         "model:<address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>" "-blockdev driver=nvme,device=0000:03:00.0,namespace=2,node-name=s0 $R $V"
row vvfat-dir           "model:dir='/srv/files'"      "-blockdev driver=vvfat,dir=/srv/files,rw=off,node-name=s0 -blockdev driver=raw,file=s0,node-name=f0,read-only=on $V"
row vvfat-label         "kept:label"                  "-blockdev driver=vvfat,dir=/srv/files,label=DATA,node-name=s0 $R $V"
row vvfat-fat-type      "kept:fat-type"               "-blockdev driver=vvfat,dir=/srv/files,fat-type=16,node-name=s0 $R $V"
# filters
row copy-on-read        "model:copy_on_read='on'"     "$F $R -blockdev driver=copy-on-read,file=f0,node-name=c0 -device virtio-blk-pci,drive=c0,id=virtio-disk0"
row copy-on-read-bottom "kept:bottom"                 "$F $R -blockdev driver=copy-on-read,file=f0,node-name=c0,bottom=s0 -device virtio-blk-pci,drive=c0,id=virtio-disk0"
row throttle-group      "kept:throttle-group"         "-object throttle-group,id=tg0,x-iops-total=100 $F $R -blockdev driver=throttle,file=f0,node-name=t0,throttle-group=tg0 -device virtio-blk-pci,drive=t0,id=virtio-disk0"
# objects a disk names
row secret-keyid        "model:<encryption format='luks'>" "-object secret,id=sec0,data=abc,keyid=masterKey0,iv=AAAA,format=base64 $F -blockdev driver=luks,file=s0,node-name=f0,key-secret=sec0 $V"
# vhost-user disks (the -chardev socket a vhost-user-blk-pci names)
row vhost-user-path     "model:<source type='unix' path='/run/v.sock'"  "-chardev socket,id=c0,path=/run/v.sock -device vhost-user-blk-pci,chardev=c0,id=virtio-disk0"
row vhost-user-queues   "model:queues='2'"            "-chardev socket,id=c0,path=/run/v.sock -device vhost-user-blk-pci,chardev=c0,num-queues=2,id=virtio-disk0"
row vhost-user-reconnect "model:<reconnect enabled='yes' timeout='5'/>" "-chardev socket,id=c0,path=/run/v.sock,reconnect=5 -device vhost-user-blk-pci,chardev=c0,id=virtio-disk0"
row vhost-user-server   "kept:server"                 "-chardev socket,id=c0,path=/run/v.sock,server=on,wait=off -device vhost-user-blk-pci,chardev=c0,id=virtio-disk0"
# SCSI host devices over iSCSI (scsi-generic on a driver=iscsi node)
row scsi-generic-iscsi  "model:<hostdev type='scsi' mode='subsystem'>" "-device virtio-scsi-pci,id=scsi0 -blockdev driver=iscsi,portal=192.0.2.1:3260,target=iqn.2024-01.org.example:t,lun=2,transport=tcp,node-name=h0 -device scsi-generic,drive=h0,id=hostdev0,bus=scsi0.0,channel=0,scsi-id=0,lun=2"
row scsi-generic-local  "kept:filename"               "-device virtio-scsi-pci,id=scsi0 -blockdev driver=host_device,filename=/dev/sg2,node-name=h0 -device scsi-generic,drive=h0,id=hostdev0,bus=scsi0.0,channel=0,scsi-id=0,lun=2"
# firmware and confidential guests (-machine properties and what they name)
row pflash-nvram-iscsi  "model:<nvram type='network'>" "-blockdev driver=file,filename=/usr/share/OVMF/OVMF_CODE.fd,node-name=c0 -blockdev driver=raw,file=c0,node-name=c0f,read-only=on -blockdev driver=iscsi,portal=192.0.2.1:3260,target=iqn.2024-01.org.example:v,lun=1,transport=tcp,node-name=v0 -blockdev driver=raw,file=v0,node-name=v0f -machine q35,pflash0=c0f,pflash1=v0f"
row machine-smm         "model:<smm state='on'/>"     "-machine q35,smm=on"
row global-pflash-secure "model:secure='yes'"         "-blockdev driver=file,filename=/usr/share/OVMF/OVMF_CODE.fd,node-name=c0 -blockdev driver=raw,file=c0,node-name=c0f,read-only=on -machine q35,pflash0=c0f,smm=on -global driver=cfi.pflash01,property=secure,value=on"
row sev-guest           "model:<policy>0x0007</policy>" "-machine q35,confidential-guest-support=s0 -object sev-guest,id=s0,cbitpos=47,reduced-phys-bits=1,policy=7"
