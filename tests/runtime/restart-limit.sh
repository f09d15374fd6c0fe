#!/bin/sh
# The restart limit, with the real QEMU: a guest with on_poweroff (or
# on_crash) 'restart' whose boot sector powers the machine off (or panics)
# at once is restarted 5 times (the default; the crashing one 2 times, as
# qemu.conf's restart_limit_burst = 2 sets it), then left shut off
# (crashed), its QEMU kept stopped as 'preserve' keeps it, with the reason
# in its log and in `virtc status`; `virtc stop` ends it and nothing is
# left.
# Prints PASS/FAIL/SKIP lines.
gt_name=restart-limit
. "$(dirname "$0")/../helpers/guest-test.sh"

g=rlim-t-$$
log=/var/log/virtc/qemu/$g.log
scratch_cleanup() { gt_stop "$g"; }
# mov dx,0x604; mov ax,0x2000; out dx,ax; hlt; jmp hlt   (PIIX4 PM1a_CNT: S5)
printf '\272\004\006\270\000\040\357\364\353\375' > "$tmp/off.img"
# mov dx,0x505; mov al,1; out dx,al; hlt; jmp hlt   (pvpanic's "panicked" bit)
printf '\272\005\005\260\001\356\364\353\375' > "$tmp/panic.img"
for f in off panic; do
    truncate -s 510 "$tmp/$f.img"
    printf '\125\252' >> "$tmp/$f.img"
done
printf 'user = "root"\ngroup = "root"\n' > "$tmp/qemu.conf"
printf 'user = "root"\ngroup = "root"\nrestart_limit_burst = 2\nrestart_limit_interval = 600\n' > "$tmp/two.conf"
conf="--config $tmp/qemu.conf"

# check WHAT EVENT STATE N WINDOW: the guest started from $tmp/$WHAT.xml
# under $conf, restarted N times within WINDOW s at most
check() {
    n=$4
    why="restarted $n times within $5 s (the restart limit)"
    rm -f "$log"
    "$virtc" start $conf "$tmp/$1.xml" 2>"$tmp/err"
    ok $? "$1: started" "$(cat "$tmp/err")"
    wait_for "\"$virtc\" status $conf $g | grep -qx 'state: $3'" 1800
    ok $? "$1: after $n restarts the guest is left $3" "$("$virtc" status $conf "$g") $(tail -n 3 "$log")"
    [ "$(grep -c "started again, QEMU pid" "$log")" -eq "$n" ] &&
        [ "$(grep -c "$2, on_$2=restart" "$log")" -eq $((n + 1)) ]
    ok $? "$1: exactly $n restarts, for $((n + 1)) $2 events" "$(grep -c "started again" "$log") $(grep -c "on_$2=restart" "$log")"
    grep -q "not restarted: $why; left $3\$" "$log"
    ok $? "$1: the log says why" "$(tail -n 2 "$log")"
    out=$("$virtc" status $conf "$g")
    echo "$out" | grep -qx "reason: $why"
    ok $? "$1: status gives the reason" "$out"
    pid=$(cat "$run/$g.pid" 2>/dev/null)
    sleep 1
    alive "$pid" && [ "$(grep -c "started again" "$log")" -eq "$n" ]
    ok $? "$1: QEMU is kept, stopped, and not started again"
    "$virtc" stop $conf --force "$g" 2>"$tmp/err" && [ -z "$(ls "$run" | grep -F "$g.")" ] && ! alive "$pid"
    ok $? "$1: stop --force ends it, nothing left" "$(cat "$tmp/err") $(ls "$run" | grep -F "$g.")"
}

domain "$g" "$tmp/off.img" "<features><acpi/></features><on_poweroff>restart</on_poweroff>" > "$tmp/poweroff.xml"
check poweroff poweroff "shut off" 5 60
domain "$g" "$tmp/panic.img" "<on_crash>restart</on_crash>" "<panic model='isa'/>" > "$tmp/crash.xml"
"$virtc" plan --config "$tmp/two.conf" "$tmp/crash.xml" 2>"$tmp/err" |
    grep -q "<restart_limit burst='2' interval='600'/>"
ok $? "the plan carries qemu.conf's restart limit" "$(cat "$tmp/err")"
conf="--config $tmp/two.conf"
check crash crash crashed 2 600
