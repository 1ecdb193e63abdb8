// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckverify on an image file: ck::verify_image() (every chunk read, metadata
// complete and consistent, ck:stateHash, ~w sane) turned into a report line
// and a JSON object. Runs inside tools/common's isolated child.
#pragma once

#include <ck/tool/file_report.h>

#include <cstdint>
#include <string>

namespace ck::verify {

/// Checks `path` in full and fills a report: one line, the JSON object, one
/// error per problem, and the exit code (Ok, CheckFailed for a damaged or
/// inconsistent file or one that is not an image, IoError when unreadable).
tool::FileReport verify_image_file(const std::string& path, uint64_t max_memory_bytes, int verbose);

}  // namespace ck::verify
