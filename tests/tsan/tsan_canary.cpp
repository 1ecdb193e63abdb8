// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// A deliberate data race inside a tbb::parallel_for body, shaped like the
// render loop's tiles. scripts/sanitize.sh builds it with ThreadSanitizer and
// our suppression file and requires TSan to REPORT it: proof that the TBB
// suppressions (scripts/tsan.supp) cannot hide a race in a tile body.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cstdio>

namespace {

int g_counter = 0;  // racy on purpose

__attribute__((noinline)) void racy_tile_body(size_t i)
{
    g_counter += int(i);
}

}  // namespace

int main()
{
    tbb::parallel_for(tbb::blocked_range<size_t>(0, 100000, 1),
                      [](const tbb::blocked_range<size_t>& r) {
                          for (size_t i = r.begin(); i != r.end(); ++i)
                              racy_tile_body(i);
                      });
    std::printf("%d\n", g_counter);
    return 0;
}
