#!/usr/bin/env python3
"""schema-judge.py --schema RNG [--bound SECONDS] <FILES: libxml2's verdict
(xmllint --relaxng, what libvirt's virt-xml-validate gives) on each file of
the list, with a time bound per document.

Prints one line per file, in the list's order:
    FILE<TAB>valid | invalid | timeout
"invalid" also covers a file that is not well-formed XML (xmllint gives
it no verdict). Some documents send libxml2's RelaxNG validator into
exponential backtracking on libvirt's own schema (tests/schema-slow/):
xmllint then runs for minutes or hours on one document. The files are
judged by one xmllint run, as a batch (a run per file would compile the
schema each time); when no verdict comes within SECONDS of the previous
one, the document in progress is "timeout", the run is stopped and a new
one judges the files after it. Exits 2 when the schema does not compile.
Standard library only.
"""
import argparse
import os
import select
import subprocess
import sys
import time

# files per xmllint run: well under the argument-length limit
CHUNK = 400


def run(schema, files, bound, verdict):
    """Judge FILES with one xmllint run, filling VERDICT (file -> word).
    Returns the index of the first file left unjudged (a timeout stops
    the run), len(FILES) when every file got its verdict."""
    pos = {}
    for i, f in enumerate(files):
        pos.setdefault(f, []).append(i)
    p = subprocess.Popen(["xmllint", "--noout", "--relaxng", schema] + files,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    fd = p.stderr.fileno()
    buf = b""
    nxt = 0                     # the first file without a verdict
    last = time.monotonic()
    while True:
        left = bound - (time.monotonic() - last)
        ready = select.select([fd], [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            p.kill()
            p.wait()
            p.stderr.close()
            verdict[files[nxt]] = "timeout"
            return nxt + 1
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            if "failed to compile" in line:
                p.kill()
                print("schema-judge: %s" % line, file=sys.stderr)
                sys.exit(2)
            for tail, word in ((" validates", "valid"), (" fails to validate", "invalid"),
                               (None, "invalid")):
                if tail is None:
                    # "FILE:LINE: parser error : ...": not well-formed, no
                    # verdict line follows
                    f = line.split(":", 1)[0] if ": parser error :" in line else None
                else:
                    f = line[:-len(tail)] if line.endswith(tail) else None
                at = [i for i in pos.get(f, ()) if i >= nxt]
                if at:
                    # the files before it got no verdict: not well-formed
                    for g in files[nxt:at[0]]:
                        verdict.setdefault(g, "invalid")
                    verdict[f] = word
                    nxt = at[0] + 1
                    last = time.monotonic()
    p.wait()
    p.stderr.close()
    for g in files[nxt:]:
        verdict.setdefault(g, "invalid")
    return len(files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--bound", type=float, default=10.0,
                    help="seconds one document may take")
    a = ap.parse_args()
    files = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    verdict = {}
    for start in range(0, len(files), CHUNK):
        part = files[start:start + CHUNK]
        i = 0
        while i < len(part):
            i += run(a.schema, part[i:], a.bound, verdict)
    for f in files:
        print("%s\t%s" % (f, verdict[f]))


if __name__ == "__main__":
    main()
