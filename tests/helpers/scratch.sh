# scratch.sh: sourced by a test script (`. "$(dirname "$0")/../helpers/scratch.sh"`,
# before any cd): tmp is a fresh directory /tmp/virtc-t-SCRIPT-PID.XXXXXX,
# removed on every exit, including when the script is killed (HUP, INT,
# PIPE, TERM: sh runs no EXIT trap for a signal it dies of, so each one is
# turned into an exit). A script with more to undo defines
# scratch_cleanup() (run first, before tmp goes; it may still use tmp).
# tests/check-leftovers.sh knows the name: the PID tells a leftover from the
# scratch of a test that still runs.
tmp=$(mktemp -d "/tmp/virtc-t-$(basename "$0" .sh)-$$.XXXXXX") || exit 1
scratch_cleanup() { :; }
trap 'scratch_cleanup; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM
