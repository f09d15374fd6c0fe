#!/bin/sh
# make install into a DESTDIR: the files land where they should, the
# installed binary works from its data files, and a program builds against
# the installed header, library and pkg-config file.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../helpers/scratch.sh"
ok() { if [ "$1" -eq 0 ]; then echo "PASS install/$2"; else echo "FAIL install/$2${3:+: $3}"; fi; }

make -s -C "$top" install DESTDIR="$tmp/root" PREFIX=/usr/local >"$tmp/log" 2>&1
ok $? "make install" "$(tail -n 3 "$tmp/log")"
r=$tmp/root/usr/local
for f in bin/virtc lib/libvirtc.a lib/pkgconfig/virtc.pc include/virtc/ir.h \
         include/virtc/qemu/argv.h share/man/man1/virtc.1 share/virtc/schemas/domain.rng \
         share/virtc/qemu-profiles/legacy.xml share/virtc/xsl/junit.xsl; do
    test -f "$r/$f"; ok $? "installs $f"
done
# the installed layout, found through the overrides a DESTDIR needs
out=$(cd "$tmp" && VIRTC_SCHEMA_DIR=$r/share/virtc/schemas VIRTC_PROFILE_DIR=$r/share/virtc/qemu-profiles \
      "$r/bin/virtc" domxml-to-native qemu-argv --caps legacy --test-env "$top/examples/demo.xml" 2>/dev/null)
case "$out" in *"-name demo"*) ok 0 "installed binary converts" ;; *) ok 1 "installed binary converts" "$out" ;; esac
# every installed header compiles on its own
( cd "$r/include/virtc" && find . -name '*.h' | sed 's|^\./||' | sort ) |
    sed 's|.*|#include <&>|' >"$tmp/t.c"
cat >>"$tmp/t.c" <<'EOC'
int main(void) { ir_domain *d = ir_domain_new(); qemu_caps *c = qemu_caps_new();
                 qemu_caps_free(c); ir_domain_free(d); return 0; }
EOC
# virtc.pc as it would be without DESTDIR: only its prefix line moves
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$r|" "$r/lib/pkgconfig/virtc.pc" >"$tmp/pc/virtc.pc"
flags=$(PKG_CONFIG_PATH=$tmp/pc pkg-config --cflags --libs --static virtc)
# shellcheck disable=SC2086
cc -o "$tmp/t" "$tmp/t.c" $flags 2>"$tmp/cc" && "$tmp/t"
ok $? "builds against the installed library" "$(head -n 3 "$tmp/cc")"
