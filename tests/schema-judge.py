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
schema each time); when xmllint spends SECONDS of CPU time after the
previous verdict without giving the next one, the document in progress is
"timeout", the run is stopped and a new one judges the files after it.
The bound is on xmllint's own CPU time (user + system, from
/proc/PID/stat), not on wall time, so a busy machine gives the same
verdicts as an idle one: a document libxml2 backtracks on uses CPU the
whole time, one that waits for a core does not. Wall time bounds the wait
only as a safety, at WALL_FACTOR times the bound (a stopped xmllint), and
where /proc cannot tell (not Linux) wall time is the bound.
SCHEMA_JUDGE_XMLLINT names another xmllint (tests/runtime/schema-judge.sh
gives one that first sleeps). Exits 2 when the schema does not compile.
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
# how long, in wall time, a document may take at most: this many bounds
WALL_FACTOR = 30
# how often the child's CPU time is looked at while no verdict comes
TICK = 0.25
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid):
    """The CPU time (user + system) process pid has used, in seconds, or
    None when /proc does not say (the process is gone, or not Linux)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    # fields after the command name, which is in parentheses and may hold
    # spaces: state is the first, utime the 12th, stime the 13th
    rest = stat[stat.rfind(")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / TICKS_PER_SECOND


def spent(pid, since_cpu, since_wall):
    """How much of its bound the document in progress has used: the
    child's CPU time since the last verdict, or the wall time where the
    CPU time cannot be read."""
    cpu = cpu_seconds(pid)
    if cpu is None or since_cpu is None:
        return time.monotonic() - since_wall
    return cpu - since_cpu


def run(schema, files, bound, verdict):
    """Judge FILES with one xmllint run, filling VERDICT (file -> word).
    Returns the index of the first file left unjudged (a timeout stops
    the run), len(FILES) when every file got its verdict."""
    pos = {}
    for i, f in enumerate(files):
        pos.setdefault(f, []).append(i)
    xmllint = os.environ.get("SCHEMA_JUDGE_XMLLINT") or "xmllint"
    p = subprocess.Popen([xmllint, "--noout", "--relaxng", schema] + files,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    fd = p.stderr.fileno()
    buf = b""
    nxt = 0                     # the first file without a verdict
    last = time.monotonic()     # wall time of the last verdict
    last_cpu = cpu_seconds(p.pid)
    while True:
        ready = select.select([fd], [], [], TICK)[0]
        if not ready:
            if (spent(p.pid, last_cpu, last) < bound and
                    time.monotonic() - last < bound * WALL_FACTOR):
                continue
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
                    last_cpu = cpu_seconds(p.pid)
    p.wait()
    p.stderr.close()
    for g in files[nxt:]:
        verdict.setdefault(g, "invalid")
    return len(files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--bound", type=float, default=10.0,
                    help="CPU seconds xmllint may spend on one document")
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
