#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# The README's first command: install what is missing, build (Release) the five
# programs the README uses (ckrender and the ckrender-core it execs, ckinfo,
# ckstrip, ckverify, ckclean), and
# render samples/quickstart.rib to quickstart.exr in the current directory.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$here/scripts/install-deps.sh"
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release -DCK_BUILD_TESTS=OFF
cmake --build "$here/build" -j"$(nproc)" --target ckrender ckrender-core ckinfo ckstrip ckverify ckclean
"$here/build/bin/ckrender" "$here/samples/quickstart.rib"
