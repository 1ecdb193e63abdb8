#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# The film's cost (issue 12, items 4 and 6), on samples/cornell.rib:
#   1. speed: an RGBA-only frame with the build under test (NEW) against a build
#      of older code (OLD, e.g. the commit before the film change), and NEW with
#      a full AOV set (beauty, z, Nn, P, id, albedo, the 7-channel LPE lighting
#      split, two light groups: 3 displays), interleaved OLD, NEW, NEW+AOV, ...
#      REPS times; median [min, max] Msamples/s from each run's "render X s";
#   2. checkpoint size and write time at 1920x1080 (1 spp, exit-at after the
#      first increment), RGBA only and with the full AOV set, with OLD and NEW.
# Without -a the OLD column is left out.
#
# usage: bench/film/run_film_bench.sh [-a OLD_CKRENDER] [-b NEW_CKRENDER] [-n REPS]
#                                     [-s SPP] [-t THREADS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
new="$here/build/bin/ckrender"
old=""
reps=3
spp=64
threads=2
while getopts "a:b:n:s:t:" opt; do
  case $opt in
    a) old=$(realpath "$OPTARG") ;;
    b) new=$(realpath "$OPTARG") ;;
    n) reps=$OPTARG ;;
    s) spp=$OPTARG ;;
    t) threads=$OPTARG ;;
    *) sed -n 2,17p "$0"; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/ckfilm.XXXXXX")
trap 'rm -rf "$work"' EXIT

aov_block='DisplayChannel "color directDiffuse" "string source" ["lpe:C<RD>[<L.>O]"]
DisplayChannel "color indirectDiffuse" "string source" ["lpe:C<RD>[DS]+[<L.>O]"]
DisplayChannel "color directSpecular" "string source" ["lpe:C<RS>[<L.>O]"]
DisplayChannel "color indirectSpecular" "string source" ["lpe:C<RS>[DS]+[<L.>O]"]
DisplayChannel "color transmissive" "string source" ["lpe:C<TS>[DS]*[<L.>O]"]
DisplayChannel "color subsurface" "string source" ["lpe:C<TD>[DS]*[<L.>O]"]
DisplayChannel "color emissive" "string source" ["lpe:C[<L.>O]"]
DisplayChannel "color key" "string source" ["lpe:C.*<L.'"'"'key'"'"'>"]
DisplayChannel "color rest" "string source" ["lpe:C.*<L.'"'"'rest'"'"'>"]
Display "OUT.exr" "openexr" "rgba"
Display "+OUT_data.exr" "openexr" "z,Nn,P,id,albedo"
Display "+OUT_light.exr" "openexr" "directDiffuse,indirectDiffuse,directSpecular,indirectSpecular,transmissive,subsurface,emissive,key,rest"'

# make_rib NAME MODE(rgba|aov) XRES YRES SPP
make_rib() {
  local name=$1 mode=$2 xres=$3 yres=$4 s=$5
  local display
  if [[ $mode == aov ]]; then display=${aov_block//OUT/$name}
  else display="Display \"$name.exr\" \"openexr\" \"rgba\""; fi
  awk -v disp="$display" -v fmt="Format $xres $yres 1" -v s="$s" '
    /^Display / { print disp; next }
    /^Format / { print fmt; next }
    /^Hider / { print "Hider \"raytrace\" \"int incremental\" [1] \"int minsamples\" [" s "] \"int maxsamples\" [" s "]"; next }
    /Light "PxrRectLight"/ { sub(/Light "PxrRectLight" "[^"]*"/, "& \"string lightGroup\" [\"key\"]") }
    { print }' "$here/samples/cornell.rib" > "$work/$name.rib"
}

msps() {  # Msamples/s from a log
  sed -n 's/.* \([0-9.]*\) Msamples\/s.*/\1/p' "$1" | tail -1
}

median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f [%.3f, %.3f]", m, a[1], a[NR]}'; }

make_rib rgba rgba 512 512 "$spp"
make_rib aov aov 512 512 "$spp"
: > "$work/old.txt"; : > "$work/new.txt"; : > "$work/aov.txt"
: > "$work/old.cpu"; : > "$work/new.cpu"; : > "$work/aov.cpu"
for ((i = 0; i < reps; ++i)); do
  if [[ -n $old ]]; then
    (cd "$work" && /usr/bin/time -f %U -a -o old.cpu "$old" -t "$threads" rgba.rib 2> old.log)
    msps "$work/old.log" >> "$work/old.txt"
  fi
  (cd "$work" && /usr/bin/time -f %U -a -o new.cpu "$new" -t "$threads" rgba.rib 2> new.log)
  msps "$work/new.log" >> "$work/new.txt"
  (cd "$work" && /usr/bin/time -f %U -a -o aov.cpu "$new" -t "$threads" aov.rib 2> aov.log)
  msps "$work/aov.log" >> "$work/aov.txt"
done
echo "cornell 512x512, $spp spp, $threads threads, $reps interleaved runs: Msamples/s (wall) and user CPU seconds, median [min, max]"
[[ -n $old ]] && echo "  OLD  RGBA:       $(median < "$work/old.txt") Msamples/s, $(median < "$work/old.cpu") s CPU  ($old)"
echo "  NEW  RGBA:       $(median < "$work/new.txt") Msamples/s, $(median < "$work/new.cpu") s CPU  ($new)"
echo "  NEW  full AOVs:  $(median < "$work/aov.txt") Msamples/s, $(median < "$work/aov.cpu") s CPU  (3 displays, 32 channels, 9 LPEs)"
if [[ -n $old ]]; then
  awk -v o="$(median < "$work/old.txt" | cut -d' ' -f1)" -v n="$(median < "$work/new.txt" | cut -d' ' -f1)" \
      -v a="$(median < "$work/aov.txt" | cut -d' ' -f1)" \
      'BEGIN { printf "  NEW/OLD RGBA: %.3f; NEW full AOV / OLD RGBA: %.3f\n", n / o, a / o }'
fi

echo "checkpoint at 1920x1080 (after 1 increment), written in / bytes on disk:"
ck_one() {  # BINARY NAME MODE
  local bin=$1 name=$2 mode=$3
  make_rib "$name" "$mode" 1920 1080 4
  (cd "$work" && rm -f "$name"*.exr && "$bin" -t "$threads" -checkpoint ,1i "$name.rib" 2> "$name.log" || true)
  local secs bytes
  secs=$(sed -n 's/.*written in \([0-9.]*\) s.*/\1/p' "$work/$name.log" | tail -1)
  bytes=$(cat "$work/$name"*.exr | wc -c)
  echo "  $name: ${secs:-?} s, $bytes bytes"
}
[[ -n $old ]] && ck_one "$old" old_rgba rgba
ck_one "$new" new_rgba rgba
ck_one "$new" new_aov aov
