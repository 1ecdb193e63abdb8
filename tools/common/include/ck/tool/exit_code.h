// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The exit codes shared by ckinfo, ckstrip, ckverify and ckclean (docs/tools.md).
// Never negative; a tool that looks at several files returns the worst.
#pragma once

#include <ck/result.h>

namespace ck::tool {

/// What a tool's exit status means. Ordered: a larger value is worse.
enum class ExitCode : int {
    Ok = 0,           ///< Every file was fine (or the action succeeded).
    CheckFailed = 1,  ///< A file is damaged, not an image, or fails the check (not resumable,
                      ///< mismatch, refused by --strict).
    Usage = 2,        ///< Bad command line: unknown option, missing argument, bad value.
    IoError = 3,      ///< A file could not be opened, read or written, or an internal error.
};

/// The worse of two exit codes (IoError > Usage > CheckFailed > Ok).
inline ExitCode worst(ExitCode a, ExitCode b)
{
    return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

/// The process exit status for `code`.
inline int to_int(ExitCode code)
{
    return static_cast<int>(code);
}

/// Maps a library error to an exit code: NotFound and Io (cannot open, read or
/// write) and Internal give IoError; InvalidArgument gives Usage; Corrupt and
/// Unsupported give CheckFailed; Ok gives Ok.
ExitCode exit_code_for(ErrorCode code);

/// The exit-code paragraph every tool shows at the end of --help.
const char* exit_code_help();

}  // namespace ck::tool
