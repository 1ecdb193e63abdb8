// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The command-line pieces every tool shares: --version, the exit-code footer of
// --help, the standard flags (-v, -q, --json), the isolation limits (--timeout,
// --max-memory), and parsing that maps CLI11's errors onto ExitCode::Usage.
#pragma once

#include <ck/tool/exit_code.h>
#include <ck/tool/isolate.h>

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace ck::tool {

/// "ckinfo 0.1.0": the tool name and the project version.
std::string version_string(const std::string& tool);

/// Flags that every tool takes.
struct CommonOptions {
    int verbose = 0;     ///< -v (repeatable).
    bool quiet = false;  ///< -q: errors only.
    bool json = false;   ///< --json: machine-readable output on stdout.
};

/// Sets --version (prints version_string(tool) and exits 0) and appends the
/// exit-code list to --help.
void setup_app(CLI::App& app, const std::string& tool);

/// Adds -v/--verbose, -q/--quiet and --json.
void add_common_flags(CLI::App& app, CommonOptions& options);

/// Adds --timeout SECONDS (0 = none) and --max-memory SIZE (e.g. 2G, 512M; 0 =
/// no cap) bound to `limits`; their defaults are the values `limits` holds now.
void add_isolation_options(CLI::App& app, Limits& limits);

/// Parses argv. Returns std::nullopt when the tool should go on, or the exit
/// code to return now: Ok after --help (printed to stdout) or --version, Usage
/// after a parse error (printed to stderr as `tool: error: ...` and a usage line).
std::optional<ExitCode> parse_command_line(CLI::App& app, const std::string& tool, int argc,
                                           char** argv);

/// Once per process before image work: silences OIIO's debug chatter and
/// bounds OpenEXR's thread pool (applied when a reader is created). Safe in the
/// parent: it starts no thread. (OIIO's own pool is sized in each isolated
/// child by run_isolated(): a pool started before fork() deadlocks the child.)
void init_image_library();

}  // namespace ck::tool
