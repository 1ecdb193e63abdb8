// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The post-checkpoint command (S25, S26). The command line is split into
// arguments here and run with execvp: no shell ever sees it, so nothing in a
// substitution (or the command text) can inject shell syntax. Substitutions
// only produce digits and fixed words.
#pragma once

#include <ck/result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ck::render {

/// Values for the substitutions of one run.
struct CommandContext {
    uint64_t increment = 0;  ///< %i, zero-padded to 5 digits.
    double elapsed = 0;      ///< %e, whole seconds, zero-padded to 6 digits.
    std::string reason;      ///< %r: finished, exiting or checkpoint.
};

/// Splits a command line into arguments: whitespace separates; '...' is literal;
/// "..." allows \" and \\ escapes. Returns ErrorCode::InvalidArgument for an
/// unterminated quote or an empty command.
Result<std::vector<std::string>> split_command(const std::string& command);

/// Applies %i %e %r %% to one argument. An unknown %x is kept as written.
std::string substitute(const std::string& argument, const CommandContext& context);

/// Runs the command (split, substituted) and waits for it. Returns its exit
/// status in `exit_code` (128 + signal when killed). Fails with ErrorCode::Io
/// when it cannot be started.
Status run_command(const std::vector<std::string>& arguments, const CommandContext& context,
                   int& exit_code);

}  // namespace ck::render
