// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/exit_code.h>

namespace ck::tool {

ExitCode exit_code_for(ErrorCode code)
{
    switch (code) {
        case ErrorCode::Ok:
            return ExitCode::Ok;
        case ErrorCode::InvalidArgument:
            return ExitCode::Usage;
        case ErrorCode::Corrupt:
        case ErrorCode::Unsupported:
            return ExitCode::CheckFailed;
        case ErrorCode::NotFound:
        case ErrorCode::Io:
        case ErrorCode::PartialCommit:
        case ErrorCode::Internal:
            return ExitCode::IoError;
    }
    return ExitCode::IoError;
}

const char* exit_code_help()
{
    return "Exit codes:\n"
           "  0  every file is fine\n"
           "  1  a file is damaged, not an image, or fails the check\n"
           "  2  usage error (bad option or argument)\n"
           "  3  I/O or internal error (a file cannot be opened, read or written)\n"
           "With several files, the worst code wins; one bad file does not stop the others.";
}

}  // namespace ck::tool
