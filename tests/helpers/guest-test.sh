# guest-test.sh: sourced by the runtime tests that start guests of the
# system instance with the real QEMU: `gt_name=NAME; . guest-test.sh`
# (sh's "." takes no arguments) sets top, virtc, qemu, run, accel, tmp (a
# scratch directory, see scratch.sh) and the functions below, or prints
# "SKIP NAME" and exits when QEMU is missing or we are not root. A script
# puts what it must undo in scratch_cleanup(), which runs on every exit,
# killed or not: gt_stop for its guests, gt_userdel for its user.
top=$(cd "$(dirname "$0")/../.." && pwd)
virtc=$top/tools/virtc
qemu=/usr/bin/qemu-system-x86_64
run=/run/virtc/qemu
export VIRTC_SCHEMA_DIR="${VIRTC_SCHEMA_DIR:-$top/schemas}"
export VIRTC_PROFILE_DIR="${VIRTC_PROFILE_DIR:-$top/translators/qemu/profiles}"
unset VIRTC_QEMU_CONF
if [ ! -x "$qemu" ]; then echo "SKIP $gt_name: $qemu is not installed"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "SKIP $gt_name: the system instance needs root"; exit 0; fi
. "$top/tests/helpers/scratch.sh"
accel=qemu
[ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=kvm
# gt_accel_for USER: accel for a QEMU that runs as USER: TCG where that
# user cannot open /dev/kvm (a host whose /dev/kvm is root's alone)
gt_accel_for() {
    runuser -u "$1" -- sh -c '[ -r /dev/kvm ] && [ -w /dev/kvm ]' || accel=qemu
}

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

# gt_stop NAME...: the test's guests of the system instance stopped (forced)
# and their logs removed; a guest that does not run is no error
gt_stop() {
    for gt_g; do
        "$virtc" stop --force "$gt_g" >/dev/null 2>&1
        rm -f "/var/log/virtc/qemu/$gt_g.log"
    done
}
# gt_userdel USER [GROUP...]: removes the test's user (and its own group, and
# the GROUPs). QEMU runs as that user and may still be exiting when its
# supervisor is gone (a SIGKILL is delivered when the process is next
# scheduled, late on a loaded machine), and userdel refuses a user that has
# processes: so wait for them first, generously. A failure to clean up is
# a FAIL line, never silent.
gt_userdel() {
    gt_u=$1; shift
    if gt_uid=$(id -u "$gt_u" 2>/dev/null); then
        if ! wait_for "! pgrep -U $gt_uid >/dev/null" 600; then
            echo "FAIL $gt_name/cleanup: processes of the test user $gt_u outlived the test: $(pgrep -a -U "$gt_uid" | tr '\n' ' ')"
            for gt_p in $(pgrep -U "$gt_uid"); do kill -KILL "$gt_p" 2>/dev/null; done
            wait_for "! pgrep -U $gt_uid >/dev/null" 300
        fi
        gt_err=$(userdel "$gt_u" 2>&1) ||
            echo "FAIL $gt_name/cleanup: cannot remove the test user $gt_u: $gt_err"
    fi
    for gt_grp in "$gt_u" "$@"; do
        getent group "$gt_grp" >/dev/null || continue
        gt_err=$(groupdel "$gt_grp" 2>&1) ||
            echo "FAIL $gt_name/cleanup: cannot remove the test group $gt_grp: $gt_err"
    done
}
