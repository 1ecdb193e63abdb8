// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// A deliberate data race inside a tbb::parallel_for body, shaped like the
// render loop's tiles. scripts/sanitize.sh builds it with ThreadSanitizer and
// our suppression file and requires TSan to REPORT it: proof that the TBB
// suppressions (scripts/tsan.supp) cannot hide a race in a tile body.
// Two tasks first meet (relaxed atomics, which give TSan no ordering), so the
// racy writes really run on two threads even on a loaded machine.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace {

int g_counter = 0;  // racy on purpose
std::atomic<int> g_arrived{0};

__attribute__((noinline)) void racy_tile_body(size_t i)
{
    g_counter += int(i);
}

}  // namespace

int main()
{
    tbb::task_arena arena(2);
    arena.execute([] {
        tbb::parallel_for(tbb::blocked_range<size_t>(0, 2, 1),
                          [](const tbb::blocked_range<size_t>& r) {
                              g_arrived.fetch_add(1, std::memory_order_relaxed);
                              const auto deadline =
                                  std::chrono::steady_clock::now() + std::chrono::seconds(10);
                              while (g_arrived.load(std::memory_order_relaxed) < 2 &&
                                     std::chrono::steady_clock::now() < deadline)
                                  std::this_thread::yield();
                              for (size_t i = r.begin(); i != r.end(); ++i)
                                  for (int k = 0; k < 1000; ++k)
                                      racy_tile_body(i + size_t(k));
                          });
    });
    std::printf("%d %d\n", g_counter, g_arrived.load());
    return 0;
}
