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

// One directory: scan, then list or remove; text to stdout, JSON into `json`.
ExitCode clean_dir(const std::string& dir, const Options& options,
                   const ck::CleanScanOptions& scan_options, ck::tool::JsonWriter& json,
                   Totals& totals)
{
    json.begin_object().field("dir", dir);
    auto scan = ck::scan_for_cleanup(dir, scan_options);
    if (!scan) {
        const ck::Status& s = scan.status();
        ck::tool::print_error(kTool, "", s.message());
        json.field("ok", false).field("error", s.message()).end_object();
        return s.code() == ck::ErrorCode::InvalidArgument ? ExitCode::Usage
                                                          : ck::tool::exit_code_for(s.code());
    }

    ExitCode code = ExitCode::Ok;
    for (const std::string& problem : scan->problems) {
        ck::tool::print_warning(kTool, "", problem);
        code = ck::tool::worst(code, ExitCode::IoError);
    }
    json.key("files").begin_array();
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
        json.begin_object().field("path", c.path).field("kind", ck::clean_kind_name(c.kind));
        json.field("action", action).field("reason", c.reason).field("keep", why);
        json.field("size", c.size).field("age_seconds", c.age_seconds);
        json.key("outputs").begin_array();
        for (const std::string& o : c.outputs)
            json.value(o);
        json.end_array().end_object();
    }
    json.end_array().field("ok", code == ExitCode::Ok).end_object();
    return code;
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
    ck::tool::JsonWriter json;
    json.begin_object().field("tool", kTool).field("version", ck::tool::version_string(kTool));
    json.field("delete", options.remove).key("dirs").begin_array();
    for (const std::string& dir : options.dirs)
        worst = ck::tool::worst(worst, clean_dir(dir, options, scan_options, json, totals));
    json.end_array();

    const std::string size = ck::tool::format_bytes(totals.bytes);
    std::string summary =
        options.remove ? "removed " + std::to_string(totals.files) + " file(s), " + size
                       : std::to_string(totals.files) + " file(s), " + size + ", would be removed" +
                             (totals.files > 0 ? "; run with --delete to remove them" : "");
    if (totals.kept > 0)
        summary += "; " + std::to_string(totals.kept) + " kept";
    json.field("summary", summary).field("exit_code", ck::tool::to_int(worst)).end_object();
    if (options.common.json)
        ck::tool::print_out(json.str() + "\n");
    else if (!options.common.quiet)
        ck::tool::print_out(summary + "\n");
    return ck::tool::to_int(worst);
}
