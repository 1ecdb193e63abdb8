#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# Checkpoint cost figures for issue 3 (B4, B5), on samples/cornell.rib at
# 1920x1080:
#   1. render time without checkpoints vs with a checkpoint every 10 s
#      (total overhead), and the render-thread stall ckrender reports;
#   2. time from SIGUSR1 to process exit (checkpoint committed);
#   3. time from process start to the first new sample, fresh vs -recover 1.
# Runs are interleaved so both sides see the same machine state; prints medians.
#
# usage: bench/checkpoint/run_checkpoint_bench.sh [-c CKRENDER] [-n REPS] [-s SPP] [-t THREADS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ckrender="$here/build/bin/ckrender"
reps=3
spp=48
threads=2
while getopts "c:n:s:t:" opt; do
  case $opt in
    c) ckrender=$(realpath "$OPTARG") ;;
    n) reps=$OPTARG ;;
    s) spp=$OPTARG ;;
    t) threads=$OPTARG ;;
    *) sed -n 2,14p "$0"; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/ckbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The Cornell box at 1080p, spp samples, output in the work dir.
sed -e 's/^Format .*/Format 1920 1080 1/' \
    -e "s/\"int maxsamples\" \[[0-9]*\]/\"int maxsamples\" [$spp]/" \
    -e 's/^Display .*/Display "hd.exr" "openexr" "rgba"/' \
    "$here/samples/cornell.rib" > "$work/hd.rib"

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.*$1.*/\\1/p" | head -1; }

: > "$work/plain" ; : > "$work/ckpt" ; : > "$work/stall_total" ; : > "$work/stall_max"
: > "$work/nckpt" ; : > "$work/exit" ; : > "$work/fresh_first" ; : > "$work/recover_first"
for ((r = 0; r < reps; r++)); do
  (cd "$work" && "$ckrender" -t "$threads" hd.rib 2> plain.log)
  field 'render \([0-9.]*\) s,' < "$work/plain.log" >> "$work/plain"
  field 'sampling starts \([0-9.]*\) s after' < "$work/plain.log" >> "$work/fresh_first"

  (cd "$work" && "$ckrender" -t "$threads" -checkpoint 10s hd.rib 2> ckpt.log)
  field 'render \([0-9.]*\) s,' < "$work/ckpt.log" >> "$work/ckpt"
  field 'stalled \([0-9.]*\) s in all' < "$work/ckpt.log" >> "$work/stall_total"
  field 'in all, \([0-9.]*\) s at most' < "$work/ckpt.log" >> "$work/stall_max"
  field ': \([0-9]*\) checkpoint(s)' < "$work/ckpt.log" >> "$work/nckpt"

  # SIGUSR1 halfway through a render, then time the exit; then recover.
  rm -f "$work/hd.exr"
  (cd "$work" && exec "$ckrender" -t "$threads" -checkpoint 10m hd.rib 2> sig.log) &
  pid=$!
  sleep 8
  t0=$(date +%s.%N)
  kill -USR1 "$pid"
  wait "$pid" || true
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}' >> "$work/exit"
  (cd "$work" && "$ckrender" -t "$threads" -recover 1 hd.rib 2> recover.log)
  field 'sampling starts \([0-9.]*\) s after' < "$work/recover.log" >> "$work/recover_first"
done

p=$(median < "$work/plain"); c=$(median < "$work/ckpt")
printf 'ckrender %s, samples/cornell.rib at 1920x1080, %s spp, %s threads, %s reps (medians)\n' \
  "$("$ckrender" --version)" "$spp" "$threads" "$reps"
printf 'render time, no checkpoints:          %s s\n' "$p"
printf 'render time, checkpoint every 10 s:   %s s  (%s checkpoints; overhead %.1f%%)\n' \
  "$c" "$(median < "$work/nckpt")" "$(awk -v p="$p" -v c="$c" 'BEGIN {print (c - p) / p * 100}')"
printf 'render-thread stall per render:       %s s in all, %s s at most per checkpoint\n' \
  "$(median < "$work/stall_total")" "$(median < "$work/stall_max")"
printf 'SIGUSR1 to exit (checkpoint written): %s s\n' "$(median < "$work/exit")"
printf 'start to first new sample, fresh:     %s s\n' "$(median < "$work/fresh_first")"
printf 'start to first new sample, recover:   %s s\n' "$(median < "$work/recover_first")"
