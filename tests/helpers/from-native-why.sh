# from-native-why.sh: sourced by tests/conformance-from-native-gen.sh and
# tests/conformance-from-native.sh (measure 4): why a round trip
# to-native -> from-native -> to-native that does not give the first
# command line again is not the reader's fault, when it is not.
# EMITTER / INVALID: patterns (grep -E) over "first warnings + reader's
# errors + the differing words", each with the reason printed. A case
# matches only after it was looked at: the reason says why it is not the
# reader's.
emitter_why() {
    while IFS='	' read -r pat why; do
        [ -n "$pat" ] && grep -Eq "$pat" "$1" && { echo "$why"; return 0; }
    done <<'EOF'
(cookie-secret|dh-cert-file|session-file)(=|')	by design: the first conversion puts document data (HTTP cookies, SEV certificates) in host files the command line only names, so the line does not hold it to read back
EOF
    return 1
}
invalid_why() {
    while IFS='	' read -r pat why; do
        [ -n "$pat" ] && grep -Eq "$pat" "$1" && { echo "$why"; return 0; }
    done <<'EOF'
duplicate (id|node name)	the domain puts two devices where one goes (same target, alias or address): the emitter writes both, the reader refuses the duplicate id
relative path '	the domain names a relative path, which QEMU opens from the directory it runs in: the reader reads it against that directory (--directory), as a script's path, so the line does not come back the same
names device '[^']*', which this command line does not have	the domain's <qemu:commandline> -set names a device the first command line gives no such id (the legacy profile writes no ids): QEMU refuses that line, and the reader rightly refuses a -set naming no device
emulator '[^']*' is not in PATH	the domain's <emulator> is no path on this host (a drive letter): read as the command QEMU runs, found through PATH
EOF
    return 1
}
