// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckclean DIR... (S16, S20, S31, docs/tools.md): lists orphaned .part files
// and stale .ddc files, and deletes them only with --delete. The rules (what
// counts as ours, what a live render keeps) are ck::scan_for_cleanup()'s.
#include <ck/clean.h>
#include <ck/interval.h>
#include <ck/tool/common.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using ck::tool::ExitCode;

constexpr const char* kTool = "ckclean";

struct Options {
    std::vector<std::string> dirs;
    bool remove = false;
    bool recursive = false;
    std::string older_than;
    ck::tool::CommonOptions common;
};

std::string age_text(double seconds)
{
    char buf[32];
    if (seconds < 120)
        std::snprintf(buf, sizeof buf, "%.0f s", seconds);
    else if (seconds < 7200)
        std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
    else if (seconds < 172800)
        std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
    else
        std::snprintf(buf, sizeof buf, "%.1f days", seconds / 86400);
    return buf;
}

struct Totals {
    size_t files = 0;
    uint64_t bytes = 0;
    size_t kept = 0;
};

// One directory: scan, then list or remove; text to stdout, JSON (the
// per-file object of docs/json.md, "ckclean") into `json`.
ExitCode clean_dir(const std::string& dir, const Options& options,
                   const ck::CleanScanOptions& scan_options, ck::tool::Json& json,
                   Totals& totals)
{
    const auto start = std::chrono::steady_clock::now();
    json = ck::tool::Json::object();
    json["file"] = dir;
    json["format"] = ck::tool::file_type_name(ck::tool::sniff_file(dir).type);
    std::vector<std::string> errors, warnings;
    auto finish = [&](ExitCode code) {
        json["ok"] = code == ExitCode::Ok;
        json["exit_code"] = ck::tool::to_int(code);
        json["seconds"] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        json["errors"] = errors;
        json["warnings"] = warnings;
        json["notes"] = ck::tool::Json::array();
        return code;
    };
    auto scan = ck::scan_for_cleanup(dir, scan_options);
    if (!scan) {
        const ck::Status& s = scan.status();
        ck::tool::print_error(kTool, "", s.message());
        errors.push_back(s.message());
        json["candidates"] = ck::tool::Json::array();
        return finish(s.code() == ck::ErrorCode::InvalidArgument
                          ? ExitCode::Usage
                          : ck::tool::exit_code_for(s.code()));
    }

    ExitCode code = ExitCode::Ok;
    for (const std::string& problem : scan->problems) {
        ck::tool::print_warning(kTool, "", problem);
        warnings.push_back(problem);
        code = ck::tool::worst(code, ExitCode::IoError);
    }
    json["candidates"] = ck::tool::Json::array();
    for (const ck::CleanCandidate& c : scan->candidates) {
        std::string action = "would-remove";
        std::string why = c.keep;
        if (why.empty() && options.remove) {
            const ck::Status s = ck::remove_cleanup_candidate(c);
            if (s) {
                action = "removed";
            } else if (s.code() == ck::ErrorCode::Io) {
                action = "failed";
                ck::tool::print_error(kTool, "", s.message());
                errors.push_back(s.message());
                code = ck::tool::worst(code, ExitCode::IoError);
            } else {
                action = "kept";
                why = s.message();
            }
        } else if (!why.empty()) {
            action = "kept";
        }

        const std::string what =
            std::string(c.kind == ck::CleanKind::OrphanedPart ? "orphaned .part" : "stale .ddc") +
            ", " + ck::tool::format_bytes(c.size) + ", " + age_text(c.age_seconds) + " old";
        if (action == "kept") {
            ++totals.kept;
            if (!options.common.quiet && !options.common.json)
                ck::tool::print_note(kTool, c.path, "kept (" + what + "): " + why);
        } else if (action != "failed") {
            ++totals.files;
            totals.bytes += c.size;
            if (!options.common.quiet && !options.common.json)
                ck::tool::print_out(c.path + ": " + (action == "removed" ? "removed: " : "") +
                                    what + ": " + c.reason + "\n");
        }
        ck::tool::Json candidate;
        candidate["path"] = c.path;
        candidate["kind"] = ck::clean_kind_name(c.kind);
        candidate["action"] = action;
        candidate["reason"] = c.reason;
        candidate["keep"] = why;
        candidate["size_bytes"] = c.size;
        candidate["age_seconds"] = c.age_seconds;
        candidate["outputs"] = c.outputs;
        json["candidates"].push_back(std::move(candidate));
    }
    return finish(code);
}

}  // namespace

int main(int argc, char** argv)
{
    Options options;
    CLI::App app{
        "ckclean: find orphaned .part files (a writer died during a checkpoint) and\n"
        "stale deep-data checkpoints (.ddc left after a finished render). Lists\n"
        "them; removes them only with --delete. Never touches anything else, never\n"
        "follows symbolic links, and leaves the files of a live ckrender alone.",
        kTool};
    ck::tool::setup_app(app, kTool);
    app.add_option("dirs", options.dirs, "Directories to examine")->type_name("DIR")->required();
    app.add_flag("--delete", options.remove, "Remove what is listed (default: only list)");
    app.add_flag("-r,--recursive", options.recursive,
                 "Descend into subdirectories (never through symbolic links)");
    app.add_option("--older-than", options.older_than,
                   "Only files last modified at least this long ago, in the checkpoint "
                   "interval notation: 30m, 2h, 1d12h, 90 (seconds)")
        ->type_name("DURATION");
    ck::tool::add_common_flags(app, options.common);
    if (auto code = ck::tool::parse_command_line(app, kTool, argc, argv))
        return ck::tool::to_int(*code);

    ck::CleanScanOptions scan_options;
    scan_options.recursive = options.recursive;
    if (!options.older_than.empty()) {
        auto interval = ck::parse_interval(options.older_than);
        std::string why;
        if (!interval)
            why = interval.status().message();
        else if (!interval->is_time())
            why = "--older-than \"" + options.older_than +
                  "\": a file's age is a time (s, m, h, d), not increments";
        if (!why.empty()) {
            ck::tool::print_error(kTool, "", why);
            return ck::tool::to_int(ExitCode::Usage);
        }
        scan_options.min_age_seconds = interval->seconds;
        scan_options.min_age_text = options.older_than;
    }
    ck::tool::init_image_library();

    ExitCode worst = ExitCode::Ok;
    Totals totals;
    const auto start = std::chrono::steady_clock::now();
    ck::tool::Json json = ck::tool::json_envelope(kTool);
    json["files"] = ck::tool::Json::array();
    for (const std::string& dir : options.dirs) {
        ck::tool::Json one;
        worst = ck::tool::worst(worst, clean_dir(dir, options, scan_options, one, totals));
        json["files"].push_back(std::move(one));
    }

    const std::string size = ck::tool::format_bytes(totals.bytes);
    std::string summary =
        options.remove ? "removed " + std::to_string(totals.files) + " file(s), " + size
                       : std::to_string(totals.files) + " file(s), " + size + ", would be removed" +
                             (totals.files > 0 ? "; run with --delete to remove them" : "");
    if (totals.kept > 0)
        summary += "; " + std::to_string(totals.kept) + " kept";
    json["exit_code"] = ck::tool::to_int(worst);
    json["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    json["delete"] = options.remove;
    json["summary"] = summary;
    if (options.common.json)
        ck::tool::print_out(ck::tool::json_text(json) + "\n");
    else if (!options.common.quiet)
        ck::tool::print_out(summary + "\n");
    return ck::tool::to_int(worst);
}
