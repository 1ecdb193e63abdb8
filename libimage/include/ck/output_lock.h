// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// One render per output. ckrender holds an advisory lock for each output it
// writes; a second ckrender on the same output refuses, and ckclean leaves the
// .part files of a live render alone. The lock is an open-file-description
// lock (F_OFD_SETLK) on one byte of a hidden, empty `.ckrender.lock` file in
// the output's directory, at an offset derived from the output's file name.
// The kernel drops it when the process dies, so a kill -9 never leaves a
// stale lock behind.
#pragma once

#include <ck/result.h>

#include <string>
#include <vector>

namespace ck {

/// Name of the lock file created in each output directory.
inline constexpr const char* kLockFileName = ".ckrender.lock";

class OutputLock {
public:
    OutputLock() = default;
    ~OutputLock();
    OutputLock(OutputLock&& other) noexcept;
    OutputLock& operator=(OutputLock&& other) noexcept;
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

    /// Locks every output, or none. Returns ErrorCode::InvalidArgument naming
    /// the first output another process holds, ErrorCode::Io when the lock file
    /// cannot be created.
    static Result<OutputLock> acquire(const std::vector<std::string>& outputs);

    /// Locks again every output whose lock file was replaced since it was
    /// locked: its directory vanished and came back, and the new directory's
    /// lock file is not the one held. Call before each write, so the render
    /// keeps its outputs to itself in the new directory. An output whose
    /// directory is missing (or unwritable) is skipped: its write fails and
    /// says so. Returns ErrorCode::InvalidArgument naming the output when
    /// another process has locked it in the meantime.
    Status renew();

    /// Releases every lock (also done by the destructor and by process death).
    void release();

private:
    struct Held {
        int fd = -1;
        std::string output;  ///< The output path, as acquire() got it.
    };
    std::vector<Held> m_held;
};

/// True when a live process holds the lock for `output` (false when nobody
/// does or the lock file does not exist).
bool output_in_use(const std::string& output);

}  // namespace ck
