// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The post-checkpoint command (S25, S26). The command line is split into
// arguments here and run with execvp: no shell ever sees it, so nothing in a
// substitution (or the command text) can inject shell syntax. Substitutions
// only produce digits and fixed words. The command runs in a process group of
// its own, with a time limit (docs/checkpointing.md): past it the whole group
// is stopped and the render goes on.
#pragma once

#include <ck/result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ck::render {

/// How long one run of the post-checkpoint command may take by default
/// (/ckrender/checkpoint/commandtimeout, Option "checkpoint" "string commandtimeout").
inline constexpr double kDefaultCommandTimeoutSeconds = 300.0;

/// After the time limit the command's process group gets SIGTERM, and SIGKILL
/// this many seconds later if the command is still running.
inline constexpr double kCommandKillGraceSeconds = 2.0;

/// Values for the substitutions of one run, and its time limit.
struct CommandContext {
    uint64_t increment = 0;  ///< %i, zero-padded to 5 digits.
    double elapsed = 0;      ///< %e, whole seconds, zero-padded to 6 digits.
    std::string reason;      ///< %r: finished, exiting or checkpoint.
    double timeout_seconds = kDefaultCommandTimeoutSeconds;  ///< > 0.
};

/// Splits a command line into arguments: whitespace separates; '...' is literal;
/// "..." allows \" and \\ escapes. Returns ErrorCode::InvalidArgument for an
/// unterminated quote or an empty command.
Result<std::vector<std::string>> split_command(const std::string& command);

/// Applies %i %e %r %% to one argument. An unknown %x is kept as written.
std::string substitute(const std::string& argument, const CommandContext& context);

/// Runs the command (split, substituted) in a new process group and waits for
/// it, at most context.timeout_seconds. Returns its exit status in `exit_code`
/// (128 + signal when killed). Fails with ErrorCode::Io when it cannot be
/// started, and when it ran past the time limit: the message then names the
/// command and the limit, and the process group has been stopped (SIGTERM,
/// then SIGKILL after kCommandKillGraceSeconds); the command is reaped.
/// A Ctrl-C (SIGINT) that ckrender receives while the command runs is passed
/// on to the command's group, as the terminal would have done.
Status run_command(const std::vector<std::string>& arguments, const CommandContext& context,
                   int& exit_code);

}  // namespace ck::render
