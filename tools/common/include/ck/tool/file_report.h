// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// What a tool says about one file, built in an isolated child and printed by
// the parent. ckinfo, ckstrip and ckverify share it: the child fills a
// FileReport, run_file_isolated() carries it back, print_file_report() prints it.
#pragma once

#include <ck/tool/exit_code.h>
#include <ck/tool/isolate.h>
#include <ck/tool/json.h>

#include <functional>
#include <string>
#include <vector>

namespace ck::tool {

/// The outcome for one file.
struct FileReport {
    std::string file;                   ///< The path as the user gave it.
    ExitCode code = ExitCode::Ok;       ///< This file's contribution to the exit status.
    std::string text;                   ///< Lines for stdout (human output), each ending in '\n'.
    std::string json;                   ///< The tool's fields for --json: a JSON object's text (see file_json).
    std::vector<std::string> errors;    ///< Problems: printed as `tool: error: FILE: problem`.
    std::vector<std::string> warnings;  ///< Printed as `tool: warning: FILE: ...`.
    std::vector<std::string> notes;     ///< Printed as `tool: note: FILE: ...` (unless -q).
    double seconds = 0;                 ///< Filled by run_file_isolated: child wall time.
    int64_t peak_rss_kib = 0;           ///< Filled by run_file_isolated: child peak memory.

    /// Adds an error and raises `code` to at least `c`.
    void fail(ExitCode c, const std::string& problem);
};

/// Serialises a report for the pipe (length-prefixed fields; any bytes allowed).
std::string serialize(const FileReport& report);
/// Parses serialize()'s output. Returns false when the bytes are not a report.
bool deserialize(const std::string& bytes, FileReport& report);

/// Runs `work` for `file` under `limits` in a child (run_isolated) and returns
/// its report. When the child crashes, runs out of time or memory, the report
/// says so ("damaged: the reader crashed (signal 11, SIGSEGV)", "gave up after
/// 10 s", "needs more than 4 GiB of memory") with ExitCode::CheckFailed, and
/// its json is a minimal object {"file", "format", "ok": false}.
FileReport run_file_isolated(const std::string& file, const std::function<FileReport()>& work,
                             const Limits& limits);

/// The per-file object of the tools' --json output (docs/json.md): report.json
/// (the tool's own fields, "file" and "format" first) with "ok" when it has
/// none, then "exit_code", "seconds", "peak_memory_kib" (known only in the
/// parent, after the child ended) and the "errors", "warnings" and "notes"
/// also printed on stderr. A report.json that is not a JSON object is replaced
/// by {"file", "format"}.
Json file_json(const FileReport& report);

/// Prints a report: text to stdout (unless quiet or json), then one stderr line
/// per error, warning and note (notes are dropped when quiet).
void print_file_report(const std::string& tool, const FileReport& report, bool quiet, bool json);

}  // namespace ck::tool
