#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# The sanitizer and fuzzing jobs (docs/reliability.md), run by .ci/run after
# the test suite:
#   1. AddressSanitizer + UndefinedBehaviorSanitizer build, whole test suite;
#   2. ThreadSanitizer build, the render loop, background writer and signal tests;
#   3. libFuzzer on the RIB parser for FUZZ_SECONDS (default 60) from a seed corpus.
# Any sanitizer report or fuzzer crash fails the script.
# usage: scripts/sanitize.sh [asan] [tsan] [fuzz]   (default: all three)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc)
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(asan tsan fuzz)
bash "$here/scripts/install-deps.sh" --sanitizers

for step in "${steps[@]}"; do
  case $step in
  asan)
    cmake -S "$here" -B "$here/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCK_SANITIZE=address,undefined -DCK_BUILD_TESTS=ON
    cmake --build "$here/build-asan" -j"$jobs"
    # new_delete_type_mismatch=0: OIIO 2.4's own TextureSystem::destroy frees
    # its implementation through the base type (inside libOpenImageIO, not ours).
    # Excluded: the corpus runs and the isolated-crash test, which feed hostile
    # files to the uninstrumented OIIO on purpose; under ASan its crashes turn
    # into sanitizer reports and the children run without a memory cap. They
    # run in the normal build (scripts/test.sh).
    (cd "$here/build-asan" &&
      ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:new_delete_type_mismatch=0 \
      LSAN_OPTIONS=suppressions="$here/scripts/lsan.supp":print_suppressions=0 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ctest --output-on-failure -j"$jobs" --timeout 900 \
        -E '^(Corpus\.|RunIsolated\.ACrashIsReportedNotInherited)')
    ;;
  tsan)
    cmake -S "$here" -B "$here/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCK_SANITIZE=thread -DCK_BUILD_TESTS=ON
    # First prove the suppressions cannot hide a race in a tile body.
    g++ -std=c++17 -O1 -g -fsanitize=thread "$here/tests/tsan/tsan_canary.cpp" -ltbb \
      -o "$here/build-tsan-canary"
    # TSan exits non-zero when it reports, as it must here: keep the output, not the status.
    canary_out=$(TSAN_OPTIONS=suppressions="$here/scripts/tsan.supp" "$here/build-tsan-canary" 2>&1 || true)
    if grep -q "in racy_tile_body" <<< "$canary_out"; then
      echo "tsan: the canary race is reported through scripts/tsan.supp (good)"
    else
      echo "tsan: scripts/tsan.supp hides the canary race; the suppressions are too broad" >&2
      exit 1
    fi
    rm -f "$here/build-tsan-canary"
    cmake --build "$here/build-tsan" -j"$jobs" --target ck_session_tests ck_checkpoint_tests ckrender
    (cd "$here/build-tsan" &&
      TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions="$here/scripts/tsan.supp" \
      ctest --output-on-failure -j"$jobs" --timeout 900 \
        -R '^(Resume|Recovery|RecoveryRefusal|PostCheckpointCommand|Checkpointing|CkrenderCheckpoint|WriteErrors|CommitSteps|DiskFault)')
    ;;
  fuzz)
    CC=clang CXX=clang++ cmake -S "$here" -B "$here/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCK_SANITIZE=address,undefined -DCK_BUILD_TESTS=OFF -DCK_BUILD_FUZZERS=ON
    cmake --build "$here/build-fuzz" -j"$jobs" --target ck_rib_fuzzer
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/ckfuzz.XXXXXX")
    trap 'rm -rf "$corpus"' EXIT
    cp "$here"/samples/*.rib "$corpus"/
    if [ -d "$here/../shared/corpus/rib" ]; then
      find "$here/../shared/corpus/rib" -name '*.rib' -exec cp {} "$corpus"/ \;
    fi
    cp "$here"/tests/cli/damaged-rib/* "$corpus"/
    # -rss_limit_mb and -timeout turn unbounded memory and hangs into failures.
    (cd "$corpus" && ASAN_OPTIONS=detect_leaks=1 "$here/build-fuzz/bin/ck_rib_fuzzer" \
      -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
      -dict="$here/fuzz/rib.dict" -print_final_stats=1 "$corpus")
    ;;
  *) echo "sanitize.sh: unknown step $step" >&2; exit 2 ;;
  esac
done
