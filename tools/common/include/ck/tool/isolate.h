// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Runs work on a hostile file in a forked child process with a memory cap and a
// wall-clock budget. OpenImageIO 2.4 double-frees on some broken TIFFs, spins
// for minutes on some fuzzed EXRs and allocates more than 10 GB on others
// (../shared/corpus/README.md); in a child, none of that can crash or hang the
// tool, which reports the file as damaged and goes on to the next one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ck::tool {

/// Resource limits for one isolated run.
struct Limits {
    double timeout_seconds = 30.0;           ///< Wall clock; 0 = no limit.
    uint64_t max_memory_bytes = 4ull << 30;  ///< Address-space cap (RLIMIT_AS); 0 = no cap.
    bool keep_child_stderr = false;          ///< Let the child's stderr through (debugging).
};

/// How an isolated run ended, and what it sent back.
struct IsolatedResult {
    enum class Outcome {
        Ok,           ///< work() returned; `payload` holds its string.
        Crashed,      ///< Killed by a signal (or exited without a result); `signal` may be set.
        TimedOut,     ///< Still running after the budget; killed.
        OutOfMemory,  ///< An allocation failed under the cap (or the child died right after one).
    };
    Outcome outcome = Outcome::Crashed;
    std::string payload;       ///< work()'s return value when Ok.
    std::string why;           ///< One line for the user when not Ok, e.g.
                               ///< "the reader crashed (signal 11, SIGSEGV)", "gave up after 10 s",
                               ///< "needs more than 2 GiB of memory".
    int signal = 0;            ///< The signal that ended the child, if any.
    double seconds = 0;        ///< Wall time of the child.
    int64_t peak_rss_kib = 0;  ///< The child's peak resident memory (ru_maxrss).

    bool ok() const { return outcome == Outcome::Ok; }
};

/// Runs `work` in a forked child under `limits` and returns its string through
/// a pipe. In the child, std::bad_alloc from work() is reported as OutOfMemory
/// and any other exception as Crashed with its message. The child's stdout is
/// /dev/null and its stderr too (unless keep_child_stderr), so only the parent
/// prints. The child never returns into the caller: it ends with _exit.
///
/// Call it from a single-threaded parent (fork copies only the calling thread):
/// do all OIIO/OpenEXR work inside `work`; a thread pool started in the parent
/// (e.g. by OIIO::attribute("threads", n) or any OIIO image call) deadlocks the
/// child. The child sizes OIIO's pool itself before calling `work`. If fork itself fails, `work`
/// runs in this process instead (without the limits) rather than not at all.
IsolatedResult run_isolated(const std::function<std::string()>& work, const Limits& limits);

/// "2 GiB", "512 MiB", "1.5 GiB": for messages.
std::string format_bytes(uint64_t bytes);

/// Parses a size such as "2G", "2GiB", "512M", "4096K", "1000000" (bytes).
/// Returns false on anything else (including 0 with a unit-less empty string).
bool parse_bytes(const std::string& text, uint64_t& out);

}  // namespace ck::tool
