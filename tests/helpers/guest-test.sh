# guest-test.sh: sourced by the runtime tests that start guests of the
# system instance with the real QEMU: `gt_name=NAME; . guest-test.sh`
# (sh's "." takes no arguments) sets top, virtc, qemu, run, accel and the
# functions below, or prints "SKIP NAME" and exits when QEMU is missing or
# we are not root.
top=$(cd "$(dirname "$0")/../.." && pwd)
virtc=$top/tools/virtc
qemu=/usr/bin/qemu-system-x86_64
run=/run/virtc/qemu
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
unset VIRTC_QEMU_CONF
if [ ! -x "$qemu" ]; then echo "SKIP $gt_name: $qemu is not installed"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "SKIP $gt_name: the system instance needs root"; exit 0; fi
accel=qemu
[ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=kvm

# ok STATUS WHAT [DETAIL]
ok() { if [ "$1" -eq 0 ]; then echo "PASS $gt_name/$2"; else echo "FAIL $gt_name/$2${3:+: $3}"; fi; }
# waits (up to $2 tenths of a second) until "$1" is true
wait_for() { i=0; while ! eval "$1"; do i=$((i + 1)); [ "$i" -ge "$2" ] && return 1; sleep 0.1; done; }
# a process that runs (a zombie waiting for init to reap it does not)
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
# domain NAME DISK [EXTRA-ELEMENTS [EXTRA-DEVICES]]: 64 MiB, one vCPU, an IDE disk
domain() {
    cat <<DOM
<domain type='$accel'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  $3
  <devices>
    <emulator>$qemu</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$2'/><target dev='hda' bus='ide'/></disk>
    $4
    <memballoon model='none'/>
  </devices>
</domain>
DOM
}
