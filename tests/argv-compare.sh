#!/bin/sh
# argv-compare.sh: the devices and backends of QEMU command lines, as
# multisets, so two command lines can be compared without caring about
# order, addresses or option spelling (key=value or JSON).
#
#   argv-compare.sh --list A.args        one item a line, sorted:
#                                        "device DRIVER", "blockdev DRIVER",
#                                        "netdev TYPE", "chardev BACKEND",
#                                        "audiodev DRIVER", "object QOM-TYPE"
#   argv-compare.sh WANT.args GOT.args   what GOT lacks ("missing ITEM") and
#                                        has too many of ("extra ITEM");
#                                        exit 0 when the multisets agree,
#                                        1 when they differ, 2 on usage.
#
# A file is a shell command line (one line, or lines joined by
# backslash-newline, words quoted with '...' or "..." as a shell would).
# Left out on purpose, because they are other spellings of what -m and
# -name already say: the master-key secret object (id masterKey0) and the
# memory-backend-ram holding guest RAM (id pc.ram).
# Used by tests/conformance-qemu-devices.sh (to-native) and the from-native
# conformance (the same multisets read the other way).

items() {
    awk '
    # words: split a shell command line, honouring quotes and
    # backslash-newline continuations.
    { text = text $0 "\n" }
    END {
        n = 0; w = ""; inw = 0; q = ""
        len = length(text)
        for (i = 1; i <= len; i++) {
            c = substr(text, i, 1)
            if (q == "\047") {
                if (c == "\047") q = ""; else w = w c
                continue
            }
            if (q == "\"") {
                if (c == "\\" && i < len) { i++; w = w substr(text, i, 1); continue }
                if (c == "\"") q = ""; else w = w c
                continue
            }
            if (c == "\\" && i < len) {
                i++; d = substr(text, i, 1)
                if (d != "\n") { w = w d; inw = 1 }
                continue
            }
            if (c == " " || c == "\t" || c == "\n") {
                if (inw) { word[++n] = w; w = ""; inw = 0 }
                continue
            }
            inw = 1
            if (c == "\047" || c == "\"") { q = c; continue }
            w = w c
        }
        if (inw) word[++n] = w
        for (i = 1; i < n; i++) {
            opt = word[i]
            if (opt !~ /^-(device|blockdev|netdev|chardev|audiodev|object)$/) continue
            kind = substr(opt, 2); v = word[++i]
            if (kind == "device" || kind == "blockdev" || kind == "audiodev") key = "driver"
            else if (kind == "netdev") key = "type"
            else if (kind == "object") key = "qom-type"
            else key = "backend"
            t = field(v, key)
            if (kind == "object" && (t == "secret" && field(v, "id") == "masterKey0" ||
                                     t == "memory-backend-ram" && field(v, "id") == "pc.ram"))
                continue
            print kind " " t
        }
    }
    # field(V, KEY): KEY of a JSON object or of a key=value list whose
    # first element may be the value without its key (driver, type, backend).
    function field(v, key,    m, parts, k, j, s) {
        if (substr(v, 1, 1) == "{") {
            if (match(v, "\"" key "\":\"[^\"]*\"")) {
                s = substr(v, RSTART, RLENGTH)
                sub("^\"" key "\":\"", "", s); sub("\"$", "", s)
                return s
            }
            return "?"
        }
        # ",," is an escaped comma inside a value
        gsub(/,,/, "\001", v)
        m = split(v, parts, ",")
        for (j = 1; j <= m; j++) {
            k = parts[j]
            if (index(k, key "=") == 1) return substr(k, length(key) + 2)
        }
        if (m >= 1 && index(parts[1], "=") == 0) return parts[1]
        return "?"
    }' "$1" | LC_ALL=C sort
}

case $1 in
--list)
    [ $# -eq 2 ] || { echo "usage: $0 --list FILE" >&2; exit 2; }
    items "$2"
    exit 0 ;;
-*|"")
    echo "usage: $0 WANT.args GOT.args | --list FILE" >&2; exit 2 ;;
esac
[ $# -eq 2 ] || { echo "usage: $0 WANT.args GOT.args | --list FILE" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
items "$1" >"$tmp/want" || exit 2
items "$2" >"$tmp/got" || exit 2
# comm on sorted multisets: lines only in WANT are missing, only in GOT extra
LC_ALL=C comm -23 "$tmp/want" "$tmp/got" | sed 's/^/missing /' >"$tmp/diff"
LC_ALL=C comm -13 "$tmp/want" "$tmp/got" | sed 's/^/extra /' >>"$tmp/diff"
cat "$tmp/diff"
[ -s "$tmp/diff" ] && exit 1
exit 0
