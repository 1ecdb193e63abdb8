// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckrender's exit codes (docs/cli.md). Never negative.
#pragma once

namespace ck::render {

enum class ExitCode : int {
    Ok = 0,            ///< Every frame finished and every image was written.
    BadScene = 1,      ///< The scene failed to load (parse errors); nothing was written.
    Usage = 2,         ///< Bad command line.
    Io = 3,            ///< An output could not be written (or preflight failed).
    RenderFailed = 4,  ///< The renderer could not be built (Embree error, unreadable map).
    Busy = 5,          ///< Another ckrender is rendering one of the outputs (output lock).
    /// Stopped early (exit-at or a stop signal) on outputs that cannot hold a
    /// checkpoint (TIFF): the image as it stood was written, as a draft that
    /// -recover 1 cannot continue (S3). Not 75: nothing to resume.
    Draft = 6,
    Resumable = 75,    ///< Stopped with a resumable checkpoint (EX_TEMPFAIL; issue 3).
};

}  // namespace ck::render
