#!/bin/sh
# Part of make conformance: this host's capabilities document against
# libvirt's capability.rng (tests/runtime/caps-libvirt.sh report).
echo "== capabilities on this host ($(uname -m), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1))"
sh "$(dirname "$0")/runtime/caps-libvirt.sh" report
