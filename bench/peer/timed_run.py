#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
"""Runs one command and measures it on a machine other jobs may share. Used by run_peer.sh.

    timed_run.py --log LOG [--cwd DIR] [--start REGEX --end REGEX] -- CMD [ARGS...]

The command's stdout and stderr go to LOG. Its output is read as it comes (split on
CR and LF), and the first line matching --start and the first matching --end mark an
interval. For the whole process and for that interval it measures
  * wall seconds,
  * CPU seconds of the process (utime + stime of all its threads, /proc/PID/stat;
    for the whole process, from wait4's rusage),
  * cores used meanwhile by OTHER processes: (machine busy time from /proc/stat
    minus our CPU time) / wall.
It prints one line of shell-readable words and exits with the command's status:
    rc=0 wall=12.3 cpu=24.1 others=0.05 iv_wall=11.9 iv_cpu=23.6 iv_others=0.04
(iv_* are "-" when the marks were not both seen). Python 3 standard library only.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def machine_busy_s():
    """Seconds of CPU time the whole machine has spent busy (not idle or iowait)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[1:8])
    return (user + nice + system + irq + softirq) / HZ


def process_cpu_s(pid):
    """utime + stime of a live process (all threads), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split()  # skip "pid (comm) "
    return (int(rest[11]) + int(rest[12])) / HZ


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log", required=True)
    ap.add_argument("--cwd", default=None)
    ap.add_argument("--start", default=None, help="regex of the line that starts the interval")
    ap.add_argument("--end", default=None, help="regex of the line that ends the interval")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")

    marks = {}
    patterns = {k: re.compile(v) for k, v in (("start", a.start), ("end", a.end)) if v}
    t0 = time.perf_counter()
    busy0 = machine_busy_s()
    proc = subprocess.Popen(cmd, cwd=a.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    last_cpu = 0.0
    pending = b""
    with open(a.log, "wb") as log:
        while True:
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            log.write(chunk)
            pending += chunk
            lines = re.split(rb"[\r\n]", pending)
            pending = lines.pop()
            for raw in lines:
                if not patterns or len(marks) == len(patterns):
                    continue
                line = raw.decode("utf-8", "replace")
                for name, rx in patterns.items():
                    if name not in marks and rx.search(line):
                        cpu = process_cpu_s(proc.pid)
                        last_cpu = cpu if cpu is not None else last_cpu
                        marks[name] = (time.perf_counter(), last_cpu, machine_busy_s())
    _, status, usage = os.wait4(proc.pid, 0)
    t1 = time.perf_counter()
    busy1 = machine_busy_s()
    rc = os.waitstatus_to_exitcode(status)

    wall = t1 - t0
    cpu = usage.ru_utime + usage.ru_stime
    others = max(0.0, (busy1 - busy0 - cpu) / wall) if wall > 0 else 0.0
    out = [f"rc={rc}", f"wall={wall:.3f}", f"cpu={cpu:.3f}", f"others={others:.2f}"]
    if "start" in marks and "end" in marks and marks["end"][0] > marks["start"][0]:
        (ws, cs, bs), (we, ce, be) = marks["start"], marks["end"]
        iv_wall, iv_cpu = we - ws, ce - cs
        iv_others = max(0.0, (be - bs - iv_cpu) / iv_wall)
        out += [f"iv_wall={iv_wall:.3f}", f"iv_cpu={iv_cpu:.3f}", f"iv_others={iv_others:.2f}"]
    else:
        out += ["iv_wall=-", "iv_cpu=-", "iv_others=-"]
    print(" ".join(out))
    sys.exit(rc if 0 <= rc < 256 else 1)


if __name__ == "__main__":
    main()
