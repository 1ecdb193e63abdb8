#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# Side-by-side speed of ckrender and Blender Cycles on peer-bench S1 (the Cornell
# box), interleaved: ckrender, Cycles, ckrender, Cycles, ... so both see the same
# machine state. See bench/peer/README.md.
#
#   bench/peer/run_peer.sh [-c CKRENDER] [-n REPS] [-s SPP] [-t THREADS]
#                          [-w QUIET_WAIT] [-k KEEP_DIR] [-B BLENDER] [-p PEER_BENCH]
#
# Nothing is written into the repository or into peer-bench: the RIB copy, the
# images and the logs go to a temporary directory (removed at exit unless -k).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ckrender=./build/bin/ckrender
reps=3
spp=64
threads=2
quiet_wait=5
keep=""
blender=blender
peer_bench="$repo/../shared/peer-bench"

usage() {
    cat <<EOF
usage: $(basename "$0") [options]

Renders samples/cornell.rib with ckrender and peer-bench S1 with Blender Cycles,
REPS times each, interleaved, at SPP samples per pixel and THREADS threads, and
prints median [min, max] Msamples/s (= width*height*spp / render seconds) for each
and the ckrender/Cycles ratio.

  -c CKRENDER    ckrender binary (default ./build/bin/ckrender; relative paths are
                 taken from the repository root)
  -n REPS        renders per renderer (default $reps)
  -s SPP         samples per pixel for both (default $spp)
  -t THREADS     threads for both (default $threads)
  -w SECONDS     before each render, wait up to this long for the machine to be
                 idle (other processes < 0.25 cores; default $quiet_wait, 0 = don't)
  -k DIR         keep the images, logs and per-run CSV in DIR
  -B BLENDER     blender binary (default: blender on PATH)
  -p DIR         peer-bench directory (default: <repo>/../shared/peer-bench)
  -h             this help
EOF
}

while getopts "c:n:s:t:w:k:B:p:h" opt; do
    case $opt in
        c) ckrender=$OPTARG ;;
        n) reps=$OPTARG ;;
        s) spp=$OPTARG ;;
        t) threads=$OPTARG ;;
        w) quiet_wait=$OPTARG ;;
        k) keep=$OPTARG ;;
        B) blender=$OPTARG ;;
        p) peer_bench=$OPTARG ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }
for v in "$reps" "$spp" "$threads" "$quiet_wait"; do
    [[ $v =~ ^[0-9]+$ ]] || { echo "run_peer.sh: not a whole number: $v" >&2; exit 2; }
done
[ "$reps" -ge 1 ] && [ "$spp" -ge 1 ] && [ "$threads" -ge 1 ] ||
    { echo "run_peer.sh: -n, -s and -t must be at least 1" >&2; exit 2; }

die() { echo "run_peer.sh: error: $*" >&2; exit 1; }

# --- Inputs.
case $ckrender in /*) ;; *) ckrender="$repo/$ckrender" ;; esac
[ -x "$ckrender" ] || die "no ckrender at $ckrender (build it, or pass -c)"
command -v "$blender" >/dev/null ||
    die "no '$blender' (apt-get install -y --no-install-recommends blender, or pass -B)"
peer_bench=$(cd "$peer_bench" 2>/dev/null && pwd) || die "no peer-bench directory (pass -p)"
scene_json="$peer_bench/scenes/s1_cornell.json"
[ -f "$scene_json" ] && [ -f "$peer_bench/blender_render.py" ] ||
    die "$peer_bench does not hold scenes/s1_cornell.json and blender_render.py"
rib="$repo/samples/cornell.rib"
[ -f "$rib" ] || die "missing $rib"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ckpeer.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

# --- The RIB at SPP samples: a copy in the temp dir with the Hider's sample counts
# --- replaced (cornell.rib reads no other file, so the copy renders the same scene).
sed -E -e "s/(\"int (min|max)samples\") \[[0-9]+\]/\1 [$spp]/g" "$rib" > "$tmp/cornell.rib"
grep -Eq "^Hider .*\"int maxsamples\" \[$spp\]" "$tmp/cornell.rib" ||
    die "could not set maxsamples in the Hider line of $rib"
read -r width height < <(awk '$1 == "Format" { print $2, $3; exit }' "$tmp/cornell.rib")
[ -n "${width:-}" ] && [ -n "${height:-}" ] || die "no Format line in $rib"
pixels_spp=$((width * height * spp))

# --- Waiting for a quiet machine (from /proc/stat, in jiffies).
hz=$(getconf CLK_TCK)
busy_jiffies() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
wait_quiet() {
    # Waits up to $quiet_wait s for the machine's load to drop below 0.25 cores.
    local waited=0 b0 b1
    while [ "$waited" -lt "$quiet_wait" ]; do
        b0=$(busy_jiffies); sleep 1; b1=$(busy_jiffies)
        waited=$((waited + 1))
        awk -v d=$((b1 - b0)) -v hz="$hz" 'BEGIN { exit !(d / hz < 0.25) }' && return 0
    done
    return 0
}

# run_timed DIR LOG [--start RE --end RE] -- CMD...: runs CMD in DIR, output to LOG,
# through timed_run.py, and sets rc wall cpu others iv_wall iv_cpu iv_others (see there).
run_timed() {
    local dir=$1 log=$2; shift 2
    local words
    words=$(python3 -B "$here/timed_run.py" --cwd "$dir" --log "$log" "$@") || true
    rc=1 wall=0 cpu=0 others=0 iv_wall=- iv_cpu=- iv_others=-
    local w
    for w in $words; do
        case $w in
            rc=*|wall=*|cpu=*|others=*|iv_wall=*|iv_cpu=*|iv_others=*) eval "${w%%=*}=\${w#*=}" ;;
        esac
    done
}

# per_s SECONDS [THREADS]: Msamples/s for the whole image; with THREADS, SECONDS is CPU
# time and the figure is what THREADS uncontended cores would deliver.
per_s() {
    awk -v n="$pixels_spp" -v t="$1" -v k="${2:-1}" \
        'BEGIN { if (t == "-" || t <= 0) print "-"; else printf "%.4f", n / (t / k) / 1e6 }'
}

here="$repo/bench/peer"
csv="$tmp/runs.csv"
echo "renderer,rep,seconds,time_source,msamples_per_s,cpu_seconds,cpu_source,msamples_per_s_cpu_norm,process_wall_s,others_cores" > "$csv"

echo "ckrender: $ckrender ($("$ckrender" --version 2>/dev/null || echo 'version ?'))"
echo "cycles:   $("$blender" -b --factory-startup --version 2>/dev/null | head -n1)"
echo "scene:    $rib (${width}x${height}) vs $scene_json"
echo "settings: $spp spp, $threads threads, $reps reps each, interleaved; work dir $tmp"
echo

for ((rep = 0; rep < reps; rep++)); do
    # --- ckrender. It prints "frame N: build B s, render R s, S samples, X Msamples/s":
    # --- R excludes parsing, the BVH build and the image write. Without that line,
    # --- fall back to the whole process's wall time, and say so. CPU time: from its
    # --- "sampling starts" line to that line when both appear, else the whole process
    # --- (parsing and the BVH build take milliseconds on S1). CKRENDER_INI is dropped so
    # --- a user's settings file cannot turn on checkpoints during the benchmark.
    wait_quiet
    log="$tmp/ckrender_r$rep.log"
    run_timed "$tmp" "$log" --start 'frame [0-9-]+: sampling starts' \
        --end 'frame [0-9-]+: build [0-9.]+ s, render [0-9.]+ s' -- \
        env -u CKRENDER_INI "$ckrender" -t "$threads" cornell.rib
    [ "$rc" = 0 ] || { cat "$log" >&2; die "ckrender failed with status $rc (log above)"; }
    [ -f "$tmp/cornell.exr" ] && mv -f "$tmp/cornell.exr" "$tmp/ckrender_r$rep.exr"
    secs=$(sed -nE 's/.*frame [0-9-]+: build [0-9.]+ s, render ([0-9.]+) s.*/\1/p' "$log" | tail -n1)
    source="render"
    if [ -z "$secs" ]; then secs=$wall; source="process-wall"; fi
    if [ "$iv_cpu" != "-" ]; then csecs=$iv_cpu; csource="sampling-cpu"; else csecs=$cpu; csource="process-cpu"; fi
    fig=$(per_s "$secs"); cfig=$(per_s "$csecs" "$threads")
    echo "ckrender,$rep,$secs,$source,$fig,$csecs,$csource,$cfig,$wall,$others" >> "$csv"
    printf '  ckrender rep %d: %8.3f s (%s) %s Msamples/s; cpu-norm %s  [process %s s, others %s cores]\n' \
        "$rep" "$secs" "$source" "$fig" "$cfig" "$wall" "$others"

    # --- Cycles, through peer-bench's blender_render.py exactly as run_cycles.py calls
    # --- it, but with the output in the temp dir. Time: Cycles' own "Path Tracing" wall
    # --- time from --debug-cycles (what peer-bench's tables use: no start-up, scene sync
    # --- or BVH build); else the script's sampling time, Cycles' render time without
    # --- sync, the render operator's time, then the process wall time. CPU time: between
    # --- the "Sample 0/" and "Rendering in main loop is done" lines (as run_cycles.py).
    wait_quiet
    log="$tmp/cycles_r$rep.log"
    run_timed "$tmp" "$log" --start '\| Sample 0/' --end 'Rendering in main loop is done' -- \
        "$blender" -b --factory-startup --debug-cycles -t "$threads" \
        --python "$peer_bench/blender_render.py" -- --scene "$scene_json" --spp "$spp" \
        --out "$tmp/cycles_r$rep.exr" --threads "$threads"
    [ "$rc" = 0 ] || { tail -n 30 "$log" >&2; die "blender failed with status $rc (log tail above)"; }
    secs=$(sed -nE 's/^ *Path Tracing +([0-9.]+) +[0-9.]+.*/\1/p' "$log" | tail -n1)
    source="path-tracing"
    if [ -z "$secs" ]; then
        secs=$(sed -nE 's/.*PEERBENCH_RESULT .*"sampling_s": ([0-9.]+).*/\1/p' "$log" | tail -n1)
        source="sampling"
    fi
    if [ -z "$secs" ]; then
        secs=$(sed -nE 's/.*Render time \(without synchronization\): ([0-9.]+).*/\1/p' "$log" | tail -n1)
        source="render-wo-sync"
    fi
    if [ -z "$secs" ]; then
        secs=$(sed -nE 's/.*PEERBENCH_RESULT .*"render_op_s": ([0-9.]+).*/\1/p' "$log" | tail -n1)
        source="render-op"
    fi
    if [ -z "$secs" ]; then secs=$wall; source="process-wall"; fi
    if [ "$iv_cpu" != "-" ]; then csecs=$iv_cpu; csource="sampling-cpu"; else csecs=$cpu; csource="process-cpu"; fi
    fig=$(per_s "$secs"); cfig=$(per_s "$csecs" "$threads")
    echo "cycles,$rep,$secs,$source,$fig,$csecs,$csource,$cfig,$wall,$others" >> "$csv"
    printf '  cycles   rep %d: %8.3f s (%s) %s Msamples/s; cpu-norm %s  [process %s s, others %s cores]\n' \
        "$rep" "$secs" "$source" "$fig" "$cfig" "$wall" "$others"
done

# --- Summary: median [min, max] per renderer; the ratio of medians, and the median
# --- [min, max] of the per-pair ratios (pair i = ckrender rep i with Cycles rep i).
echo
python3 -B - "$csv" "$spp" "$threads" "$width" "$height" <<'PY'
import csv, statistics, sys
path, spp, threads, w, h = sys.argv[1:]
rows = list(csv.DictReader(open(path)))
def col(renderer, key):
    return [float(r[key]) for r in rows if r["renderer"] == renderer and r[key] not in ("", "-")]
def sources(renderer, key):
    return ", ".join(sorted({r[key] for r in rows if r["renderer"] == renderer}))
def fmt(xs):
    return f"{statistics.median(xs):.3f} [{min(xs):.3f}, {max(xs):.3f}]" if xs else "-"
def ratios(a, b):
    return [x / y for x, y in zip(a, b) if y > 0]
ck, cy = col("ckrender", "msamples_per_s"), col("cycles", "msamples_per_s")
ckc, cyc = col("ckrender", "msamples_per_s_cpu_norm"), col("cycles", "msamples_per_s_cpu_norm")
others = [float(r["others_cores"]) for r in rows]
print(f"S1 Cornell box, {w}x{h}, {spp} spp, {threads} threads, {len(ck)} interleaved pairs.")
print("Msamples/s = width*height*spp / seconds, median [min, max]. 'wall': render seconds;")
print(f"'cpu-norm': CPU seconds / {threads} threads, i.e. what {threads} uncontended cores deliver.")
print()
print("| | n | Msamples/s (wall) | Msamples/s (cpu-norm) |")
print("|---|---|---|---|")
print(f"| ckrender | {len(ck)} | {fmt(ck)} | {fmt(ckc)} |")
print(f"| Cycles | {len(cy)} | {fmt(cy)} | {fmt(cyc)} |")
if ck and cy:
    print(f"| ratio ckrender/Cycles, of the medians | | {statistics.median(ck) / statistics.median(cy):.2f} | "
          + (f"{statistics.median(ckc) / statistics.median(cyc):.2f} |" if ckc and cyc else "- |"))
    print(f"| ratio ckrender/Cycles, per interleaved pair | {len(ratios(ck, cy))} | {fmt(ratios(ck, cy))} | "
          f"{fmt(ratios(ckc, cyc))} |")
print()
print(f"timed: ckrender wall = {sources('ckrender', 'time_source')}, cpu = {sources('ckrender', 'cpu_source')}; "
      f"Cycles wall = {sources('cycles', 'time_source')}, cpu = {sources('cycles', 'cpu_source')}")
print("  render = ckrender's 'render R s' (no parse/BVH/EXR write); path-tracing = Cycles' --debug-cycles")
print("  'Path Tracing' wall time (no start-up/sync/BVH); sampling-cpu = CPU seconds from ckrender's")
print("  'sampling starts' to its timing line, or Cycles' 'Sample 0/' to 'Rendering in main loop is done';")
print("  process-* = the whole process (fallback)")
print(f"other processes' load during the runs: median {statistics.median(others):.2f} cores, "
      f"max {max(others):.2f} (0 = quiet; above ~0.2 the wall figures are unreliable, prefer cpu-norm)")
PY

# --- Do the two images agree? Mean RGB of the last pair (needs oiiotool).
last=$((reps - 1))
if command -v oiiotool >/dev/null && [ -f "$tmp/ckrender_r$last.exr" ] && [ -f "$tmp/cycles_r$last.exr" ]; then
    echo
    for r in ckrender cycles; do
        avg=$(oiiotool "$tmp/${r}_r$last.exr" --printstats 2>/dev/null |
              sed -nE 's/.*Stats Avg: *([-0-9.e]+) ([-0-9.e]+) ([-0-9.e]+).*/\1 \2 \3/p' | head -n1)
        printf 'mean RGB, %-8s rep %d: %s\n' "$r" "$last" "${avg:-?}"
    done
fi

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp -f "$tmp"/*.log "$tmp"/*.csv "$tmp"/cornell.rib "$keep"/
    cp -f "$tmp"/*.exr "$keep"/ 2>/dev/null || true
    echo
    echo "kept logs, images and runs.csv in $keep"
fi
