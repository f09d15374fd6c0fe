#!/bin/sh
# Installs the Debian packages virtc needs to build and test, only those that
# are missing. Uses sudo when not root. Set VIRTC_NO_DEPS=1 to skip.
set -e
[ -n "$VIRTC_NO_DEPS" ] && exit 0
# One package per line, sorted: additions from parallel work merge cleanly.
PKGS="
bison
clang
flex
gcc
jing
libapparmor-dev
libcap-ng-dev
libclang-rt-14-dev
libjson-c-dev
libselinux1-dev
libvirt0
libxml2-dev
libxml2-utils
libxslt1-dev
make
ovmf
pkg-config
pre-commit
qemu-system-x86
qemu-utils
valgrind
xsltproc
"
missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0
echo "virtc: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "virtc: not root and no sudo: install$missing by hand" >&2; exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
