#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# Commit cost of bucket renders (issue 11, item 1; S2, B4) at 1920x1080, on
# samples/cornell.rib in bucket mode, for three displays: an 8-bit TIFF, a
# float TIFF and an OpenEXR. For each, interleaved runs of
#   off:  no commits (/ckrender/checkpoint/bucketinterval off)
#   on:   a commit every INTERVAL seconds (-checkpoint INTERVAL)
# give the render time with and without commits and the seconds each commit
# took on the writer thread. Prints medians, the measured overhead at
# INTERVAL, and that overhead scaled to the default interval of 60 s.
#
# usage: bench/checkpoint/run_bucket_commit_bench.sh [-c CKRENDER] [-n REPS] [-s SPP]
#                                                    [-t THREADS] [-i INTERVAL]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ckrender="$here/build/bin/ckrender"
reps=3
spp=48
threads=2
interval=5
while getopts "c:n:s:t:i:" opt; do
  case $opt in
    c) ckrender=$(realpath "$OPTARG") ;;
    n) reps=$OPTARG ;;
    s) spp=$OPTARG ;;
    t) threads=$OPTARG ;;
    i) interval=$OPTARG ;;
    *) sed -n 2,16p "$0"; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/ckbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

display_line() {
  case $1 in
    tiff8) echo 'Display "hd.tif" "tiff" "rgba" "int[4] quantize" [0 255 0 255]' ;;
    tifff) echo 'Display "hd.tif" "tiff" "rgba"' ;;
    exr) echo 'Display "hd.exr" "openexr" "rgba"' ;;
  esac
}
formats="tiff8 tifff exr"
for f in $formats; do
  sed -e 's/^Format .*/Format 1920 1080 1/' \
      -e "s/\"int maxsamples\" \[[0-9]*\]/\"int maxsamples\" [$spp]/" \
      -e "s/\"int minsamples\" \[[0-9]*\]/\"int minsamples\" [$spp]/" \
      -e 's/"int incremental" \[1\]/"int incremental" [0]/' \
      -e "s/^Display .*/$(display_line "$f" | sed 's/[&/]/\\&/g')/" \
      "$here/samples/cornell.rib" > "$work/$f.rib"
done
printf '/ckrender/checkpoint/bucketinterval off\n' > "$work/off.ini"

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.*$1.*/\\1/p" | head -1; }

for ((r = 0; r < reps; r++)); do
  for f in $formats; do
    rm -f "$work"/hd.*
    (cd "$work" && CKRENDER_INI="$work/off.ini" "$ckrender" -t "$threads" "$f.rib" 2> "$f.off.log")
    field 'render \([0-9.]*\) s,' < "$work/$f.off.log" >> "$work/$f.off"
    rm -f "$work"/hd.*
    (cd "$work" && CKRENDER_INI="$work/off.ini" "$ckrender" -t "$threads" -checkpoint "${interval}s" \
       "$f.rib" 2> "$f.on.log")
    field 'render \([0-9.]*\) s,' < "$work/$f.on.log" >> "$work/$f.on"
    sed -n 's/.*committed (checkpoint.*written in \([0-9.]*\) s.*/\1/p' "$work/$f.on.log" >> "$work/$f.write"
    grep -c 'committed (checkpoint' "$work/$f.on.log" >> "$work/$f.count" || true
  done
done

echo "bucket-mode commit cost, 1920x1080, $spp spp, $threads threads, $reps interleaved runs, commit every ${interval} s"
printf '%-6s %10s %10s %8s %12s %12s %14s\n' display "off (s)" "on (s)" commits "write (s)" "overhead" "at 60 s"
for f in $formats; do
  off=$(median < "$work/$f.off")
  on=$(median < "$work/$f.on")
  n=$(median < "$work/$f.count")
  w=$(median < "$work/$f.write")
  awk -v f="$f" -v off="$off" -v on="$on" -v n="$n" -v w="$w" -v i="$interval" 'BEGIN {
    over = 100 * (on - off) / off
    printf "%-6s %10.2f %10.2f %8d %12.3f %11.2f%% %13.2f%%\n", f, off, on, n, w, over, over * i / 60 }'
done
echo "write (s): median seconds per commit on the writer thread (encode, write, fsync, rename)"
echo "at 60 s: the overhead scaled to the default bucket interval (one commit a minute)"
