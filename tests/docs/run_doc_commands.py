#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
"""Run every command line of README.md, samples/README.md and docs/*.md.

The docs test (docs/testing.md, "The docs test"). For each Markdown file:

- every fenced block whose language is sh, bash, shell or console is run, unless
  the last non-blank line before its opening fence is
  ``<!-- docs-test: skip REASON -->`` (REASON is required);
- in sh/bash/shell blocks every line is shell; lines are grouped into complete
  commands (a loop, a ``case``, a ``\\`` continuation is one command) with
  ``bash -n``; in console blocks only ``$ `` lines (and their continuations) are
  commands, the rest is output and is not checked;
- a command must exit 0, or the code its comment documents: ``# ... exits 75``
  (``exit 75`` is read the same way);
- the commands of one file run in order, in one bash process (so ``cd``,
  variables and ``$!`` carry over), in a fresh temporary directory holding
  ``samples/`` (a link to the source's), ``build/bin/`` (a link to the build's
  programs, which are also first on PATH) and ``shot.rib``, a small stand-in
  for the user's scene the guides call ``shot.rib``;
- a block that is not run but holds command lines of this project (a ``$ ``
  prompt, ``./build/bin/...``, ``bash scripts/...`` or a line starting with one
  of the five programs) must carry a skip comment with its reason, so that no
  command can silently escape the test;
- scripts/quickstart.sh must build every program README.md runs from
  ./build/bin/ (and ckrender-core beside ckrender).

Exit 0 when everything passed, 1 naming FILE:LINE of each failure, 2 on a usage
error. The summary says how many commands ran and which blocks were skipped why.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

RUNNABLE = {"sh", "bash", "shell", "console"}
PROGRAMS = ("ckrender", "ckinfo", "ckstrip", "ckverify", "ckclean")
SKIP_RE = re.compile(r"^\s*<!--\s*docs-test:\s*skip\b(.*?)-->\s*$")
FENCE_RE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)")
EXITS_RE = re.compile(r"#[^\n]*\bexits? (\d+)\b")
COMMANDISH_RE = re.compile(
    r"^\s*(\$ |\./build/|bash scripts/|(%s)(\s|$))" % "|".join(PROGRAMS))


class Block:
    def __init__(self, path, line, lang, lines, skip):
        self.path = path          # as shown in messages (relative to the source)
        self.line = line          # 1-based line of the opening fence
        self.lang = lang
        self.lines = lines        # [(line_number, text)]
        self.skip = skip          # None, or the reason text (may be "")


class Command:
    def __init__(self, path, line, text, expected, documented):
        self.path = path
        self.documented = documented   # the doc says the exit code
        self.line = line
        self.text = text
        self.expected = expected

    def where(self):
        return "%s:%d" % (self.path, self.line)

    def first_line(self):
        return self.text.strip().splitlines()[0]


def parse_blocks(path, shown):
    """Fenced blocks of one Markdown file, with the skip comment before each."""
    blocks = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    last_text = None   # the last non-blank line outside a fence
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m:
            if lines[i].strip():
                last_text = lines[i]
            i += 1
            continue
        indent, fence, lang = m.group(1), m.group(2), m.group(3).lower()
        start = i
        body = []
        i += 1
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence[0] * len(fence)) and stripped.strip(fence[0]) == "":
                break
            text = lines[i]
            if text.startswith(indent):
                text = text[len(indent):]
            body.append((i + 1, text))
            i += 1
        skip = None
        if last_text is not None:
            s = SKIP_RE.match(last_text)
            if s:
                skip = s.group(1).strip()
        blocks.append(Block(shown, start + 1, lang, body, skip))
        last_text = lines[start]
        i += 1
    return blocks


def is_complete(text):
    """True when bash parses TEXT as whole commands (no open loop, quote, \\)."""
    r = subprocess.run(["bash", "-n"], input=text, text=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0 and not text.rstrip("\n").endswith("\\")


def block_commands(block):
    """Split a runnable block into commands; returns (commands, errors)."""
    commands, errors = [], []
    pending, pending_line = [], None
    in_console_command = False
    for number, text in block.lines:
        if block.lang == "console":
            if text.startswith("$ "):
                text = text[2:]
                in_console_command = True
            elif not (in_console_command and pending):
                in_console_command = False
                continue   # output, not a command
        if not pending and (not text.strip() or text.strip().startswith("#")):
            continue       # a blank or comment line between commands
        if not pending:
            pending_line = number
        pending.append(text)
        joined = "\n".join(pending) + "\n"
        if is_complete(joined):
            m = EXITS_RE.search(joined)
            commands.append(Command(block.path, pending_line, joined,
                                    int(m.group(1)) if m else 0, bool(m)))
            pending = []
            in_console_command = False
    if pending:
        errors.append("%s:%d: incomplete shell command at the end of the block: %s"
                      % (block.path, pending_line, pending[0].strip()))
    return commands, errors


def make_workdir(base, source, bindir):
    work = tempfile.mkdtemp(prefix="docs-", dir=base)
    os.symlink(os.path.join(source, "samples"), os.path.join(work, "samples"))
    os.mkdir(os.path.join(work, "build"))
    os.symlink(bindir, os.path.join(work, "build", "bin"))
    # shot.rib: samples/quickstart.rib at 64x64 and 8 samples per pixel, writing
    # shot.exr; the Format, Hider and Display lines are rewritten (samples/README.md
    # keeps their shape for this).
    with open(os.path.join(source, "samples", "quickstart.rib"), encoding="utf-8") as f:
        rib = f.read()
    rib = re.sub(r'^Display "[^"]*"', 'Display "shot.exr"', rib, count=1, flags=re.M)
    rib = re.sub(r"^Format \d+ \d+", "Format 64 64", rib, count=1, flags=re.M)
    rib = re.sub(r'"int minsamples" \[\d+\]', '"int minsamples" [8]', rib, count=1)
    rib = re.sub(r'"int maxsamples" \[\d+\]', '"int maxsamples" [8]', rib, count=1)
    with open(os.path.join(work, "shot.rib"), "w", encoding="utf-8") as f:
        f.write(rib)
    return work


def run_file(commands, work, bindir, timeout):
    """Run one file's commands in order in one bash; returns per-command results."""
    results_path = os.path.join(work, ".docs-test-results")
    log_path = os.path.join(work, ".docs-test-log")
    script = ["cd %s || exit 99" % shquote(work)]
    for n, c in enumerate(commands):
        script.append("printf '\\n### [%d] %s\\n' >&2" % (n, c.where()))
        script.append("printf 'start %d\\n' >> %s" % (n, shquote(results_path)))
        script.append(c.text.rstrip("\n"))
        script.append("printf 'rc %d %%s\\n' \"$?\" >> %s" % (n, shquote(results_path)))
    env = dict(os.environ)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    for k in ("CKRENDER_INI",):
        env.pop(k, None)
    started = time.monotonic()
    timed_out = False
    with open(log_path, "w") as log:
        p = subprocess.Popen(["bash", "-c", "\n".join(script) + "\n"], cwd=work, env=env,
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(p.pid, 9)
            p.wait()
    seconds = time.monotonic() - started
    rcs, last_started = {}, None
    if os.path.exists(results_path):
        with open(results_path) as f:
            for line in f:
                parts = line.split()
                if parts[0] == "start":
                    last_started = int(parts[1])
                elif parts[0] == "rc":
                    rcs[int(parts[1])] = int(parts[2])
    with open(log_path, errors="replace") as f:
        log_text = f.read()
    return rcs, last_started, timed_out, seconds, log_text


def command_output(log_text, n):
    """The output of command N, from the log's ### markers."""
    m = re.search(r"^### \[%d\] [^\n]*\n(.*?)(?=^### \[\d+\] |\Z)" % n, log_text,
                  flags=re.M | re.S)
    return m.group(1).strip() if m else ""


def shquote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def check_quickstart(source):
    """scripts/quickstart.sh builds every program README.md runs from ./build/bin/."""
    errors = []
    with open(os.path.join(source, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(source, "scripts", "quickstart.sh"), encoding="utf-8") as f:
        quickstart = f.read()
    used = sorted(set(re.findall(r"\./build/bin/([A-Za-z0-9_-]+)", readme)))
    targets = set()
    for m in re.finditer(r"--target((?:\s+[A-Za-z0-9_-]+)+)", quickstart):
        targets.update(m.group(1).split())
    needed = set(used)
    if "ckrender" in needed:
        needed.add("ckrender-core")   # the launcher execs ckrender-core beside it
    for t in sorted(needed - targets):
        errors.append("scripts/quickstart.sh: does not build %s, which README.md runs as "
                      "./build/bin/%s (its --target list: %s)"
                      % (t, t.replace("-core", "") if t == "ckrender-core" else t,
                         " ".join(sorted(targets)) or "none"))
    return errors, used


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True, help="the repository root")
    ap.add_argument("--bin", required=True, help="the build's bin directory")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds allowed for one file's commands (default 300)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    ap.add_argument("--list", action="store_true", help="list the commands, run nothing")
    ap.add_argument("files", nargs="*",
                    help="Markdown files relative to --source (default: README.md, "
                         "samples/README.md, docs/*.md)")
    args = ap.parse_args()
    source = os.path.abspath(args.source)
    bindir = os.path.abspath(args.bin)
    if not os.path.isfile(os.path.join(bindir, "ckrender")):
        print("run_doc_commands: error: %s has no ckrender" % bindir, file=sys.stderr)
        return 2

    files = args.files or (["README.md", "samples/README.md"] + sorted(
        os.path.join("docs", n) for n in os.listdir(os.path.join(source, "docs"))
        if n.endswith(".md")))

    failures, skips, plan = [], [], []
    for shown in files:
        commands = []
        for b in parse_blocks(os.path.join(source, shown), shown):
            runnable = b.lang in RUNNABLE
            commandish = [n for n, t in b.lines if COMMANDISH_RE.match(t)]
            if b.skip is not None:
                if not b.skip:
                    failures.append("%s:%d: docs-test skip without a reason" % (shown, b.line))
                if runnable or commandish:
                    skips.append((shown, b.line, b.skip))
                continue
            if not runnable:
                if commandish:
                    failures.append(
                        "%s:%d: commands in a ```%s block that the docs test does not run: "
                        "make it ```sh (or console) to run them, or put "
                        "<!-- docs-test: skip REASON --> before it"
                        % (shown, commandish[0], b.lang or ""))
                continue
            cmds, errors = block_commands(b)
            failures.extend(errors)
            commands.extend(cmds)
        if commands:
            plan.append((shown, commands))

    errors, used = check_quickstart(source)
    failures.extend(errors)

    if args.list:
        for shown, commands in plan:
            for c in commands:
                print("%s: exits %d: %s" % (c.where(), c.expected, c.first_line()))
        for shown, line, reason in skips:
            print("%s:%d: skipped: %s" % (shown, line, reason))
        return 0

    base = tempfile.mkdtemp(prefix="ck-docs-test-")
    ran = 0
    try:
        for shown, commands in plan:
            work = make_workdir(base, source, bindir)
            rcs, last, timed_out, seconds, log = run_file(commands, work, bindir, args.timeout)
            print("%s: %d command(s) in %.1f s" % (shown, len(commands), seconds))
            for n, c in enumerate(commands):
                if n in rcs:
                    ran += 1
                    if rcs[n] != c.expected:
                        out = command_output(log, n)
                        failures.append(
                            "%s: `%s` exited %d, the doc says %d%s\n%s"
                            % (c.where(), c.first_line(), rcs[n], c.expected,
                               "" if c.documented else " (no '# exits N' comment)",
                               "\n".join("    | " + l for l in out.splitlines()[-15:])))
                elif timed_out and last == n:
                    failures.append("%s: `%s` did not finish within the file's %g s"
                                    % (c.where(), c.first_line(), args.timeout))
                else:
                    failures.append("%s: `%s` never ran (an earlier command ended the shell)"
                                    % (c.where(), c.first_line()))
    finally:
        if args.keep:
            print("kept %s" % base)
        else:
            shutil.rmtree(base, ignore_errors=True)

    print("docs test: %d command(s) run from %d file(s); %d block(s) skipped:"
          % (ran, len(plan), len(skips)))
    for shown, line, reason in skips:
        print("  %s:%d: %s" % (shown, line, reason))
    print("  quickstart.sh builds what README.md runs: %s" % ", ".join(used))
    for f in failures:
        print("FAIL %s" % f, file=sys.stderr)
    if failures:
        print("docs test: %d failure(s)" % len(failures), file=sys.stderr)
        return 1
    print("docs test: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
