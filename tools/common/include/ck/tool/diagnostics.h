// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Diagnostics on stderr, one whole line per problem: `tool: error: FILE: problem`.
#pragma once

#include <string>

namespace ck::tool {

/// Prints `tool: error: file: problem` (or `tool: error: problem` when `file`
/// is empty) to stderr. The line is built in full and written with one call,
/// so lines from several processes do not interleave.
void print_error(const std::string& tool, const std::string& file, const std::string& problem);

/// Same shape with `warning:`.
void print_warning(const std::string& tool, const std::string& file, const std::string& problem);

/// Same shape with `note:` (informational, e.g. "not a checkpoint; copied unchanged").
void print_note(const std::string& tool, const std::string& file, const std::string& problem);

/// Writes `text` (which should end in a newline) to stdout in one call and flushes.
void print_out(const std::string& text);

}  // namespace ck::tool
