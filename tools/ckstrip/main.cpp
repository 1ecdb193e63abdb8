// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckstrip IN -o OUT | ckstrip -o DIR FILE... | ckstrip --in-place FILE...
// Makes finals for comp from checkpoints (S31): removes ~w and the checkpoint
// metadata, keeps every other channel and attribute bit for bit (docs/tools.md).
// CLI11 -> Options -> one isolated strip_checkpoint() per file -> print -> exit code.
#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/output_lock.h>
#include <ck/strip.h>
#include <ck/tool/common.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace {

// "~w", or "~w, 16 other state channels": the sums' words are many.
std::string hidden_text(const std::vector<std::string>& removed)
{
    if (removed.size() == 1)
        return removed[0];
    return "~w, " + std::to_string(removed.size() - 1) + " other state channels";
}

namespace fs = std::filesystem;
using ck::tool::ExitCode;
using ck::tool::FileReport;

constexpr const char* kTool = "ckstrip";

struct Options {
    std::string output;
    bool in_place = false;
    bool to_dir = false;  ///< -o names a directory (existing, or given with a trailing slash).
    ck::StripOptions strip;
    ck::tool::CommonOptions common;
    ck::tool::Limits limits;
};

std::string join(const std::vector<std::string>& items)
{
    std::string out;
    for (const std::string& s : items)
        out += (out.empty() ? "" : " ") + s;
    return out;
}

// One file, inside the isolated child.
FileReport strip_one(const std::string& in, const std::string& out, const std::string& temp,
                     const Options& options)
{
    FileReport report;
    report.file = in;
    const ck::tool::FileSniff sniff = ck::tool::sniff_file(in);
    ck::tool::Json j;
    j["file"] = in;
    j["format"] = ck::tool::file_type_name(sniff.type);
    j["output"] = out;
    auto result = ck::Result<ck::StripResult>(ck::Status{});
    if (!ck::tool::is_image_type(sniff.type)) {
        const bool io = sniff.type == ck::tool::FileType::Missing ||
                        sniff.type == ck::tool::FileType::Unreadable ||
                        sniff.type == ck::tool::FileType::Directory;
        result = ck::Status{io ? ck::ErrorCode::NotFound : ck::ErrorCode::Corrupt,
                            ck::tool::describe_non_image(sniff)};
    } else {
        ck::StripOptions strip = options.strip;
        strip.max_memory_bytes = options.limits.max_memory_bytes;
        strip.temp_path = temp;
        result = ck::strip_checkpoint(in, out, strip);
    }

    if (!result) {
        std::string why = result.status().message();
        if (sniff.is_part)
            why += " (a .part file is an unfinished write)";
        report.fail(ck::tool::exit_code_for(result.status().code()), why);
        j["ok"] = false;
        j["action"] = "refused";
        report.json = ck::tool::json_text(j);
        return report;
    }

    const ck::StripResult& r = result.value();
    const std::string target = in == out ? in + " (in place)" : in + " -> " + out;
    const char* action = "stripped";
    switch (r.action) {
        case ck::StripAction::Stripped:
            report.text =
                target + ": " +
                (r.removed_channels.empty() ? std::string("removed ")
                                            : "stripped " + hidden_text(r.removed_channels) +
                                                  " and ") +
                std::to_string(r.removed_attributes.size()) + " checkpoint attributes; " +
                join(r.kept_channels) + " (" + r.output_type + "), " + r.compression +
                (r.provenance ? "; " + ck::provenance_summary(*r.provenance) : "") + "\n";
            if (r.removed_channels.empty())
                report.notes.push_back(
                    "checkpoint metadata without its state (no ~w channel): removed the "
                    "leftover keys");
            if (options.common.verbose > 0)
                report.text += "    removed: " + join(r.removed_channels) + " " +
                               join(r.removed_attributes) + "\n";
            break;
        case ck::StripAction::Copied:
            action = "copied";
            report.text = target + ": copied unchanged\n";
            report.notes.push_back(std::string("not a checkpoint (") + r.kind +
                                   "): copied unchanged (--strict refuses it)");
            break;
        case ck::StripAction::Unchanged:
            action = "unchanged";
            report.text = target + ": left unchanged\n";
            report.notes.push_back(std::string("not a checkpoint (") + r.kind +
                                   "): nothing to strip (--strict refuses it)");
            break;
    }
    j["ok"] = true;
    j["action"] = action;
    j["kind"] = r.kind;
    j["kept_channels"] = r.kept_channels;
    j["removed_channels"] = r.removed_channels;
    j["removed_attributes"] = r.removed_attributes;
    j["pixel_type"] = r.output_type;
    j["compression"] = r.compression;
    j["provenance"] =
        r.provenance ? ck::tool::provenance_json(*r.provenance) : ck::tool::Json(nullptr);
    report.json = ck::tool::json_text(j);
    return report;
}

// A refusal: nothing was written for `in`.
FileReport refused_report(const std::string& in, const std::string& out, ExitCode code,
                          const std::string& why)
{
    FileReport report;
    report.file = in;
    report.fail(code, why);
    ck::tool::Json j;
    j["file"] = in;
    j["format"] = ck::tool::file_type_name(ck::tool::sniff_file(in).type);
    j["output"] = out;
    j["ok"] = false;
    j["action"] = "refused";
    report.json = ck::tool::json_text(j);
    return report;
}

// The refusal when another process holds the output's lock.
FileReport locked_report(const std::string& in, const std::string& out)
{
    return refused_report(in, out, ExitCode::CheckFailed,
                          out + " is in use: a live ckrender (or ckstrip, ckclean) holds its "
                                "lock; nothing was written");
}

// Where each input goes; an empty list after printing a usage error.
std::vector<std::string> output_paths(const std::vector<std::string>& inputs, const Options& o)
{
    std::vector<std::string> outs;
    if (o.in_place == !o.output.empty()) {
        ck::tool::print_error(kTool, "", "give either -o OUT or --in-place");
        return outs;
    }
    std::error_code ec;
    // A trailing slash means a directory, made if missing (like cp -t, rsync).
    const bool to_dir =
        !o.output.empty() && (o.output.back() == '/' || fs::is_directory(o.output, ec));
    if (to_dir && !fs::is_directory(o.output, ec)) {
        fs::create_directories(o.output, ec);
        if (ec) {
            ck::tool::print_error(kTool, o.output, "cannot create the directory: " + ec.message());
            return outs;
        }
    }
    if (!o.in_place && !to_dir && inputs.size() > 1) {
        ck::tool::print_error(kTool, "",
                              "-o names one file; with several inputs use -o DIR/ "
                              "(a directory) or --in-place");
        return outs;
    }
    for (const std::string& in : inputs) {
        if (o.in_place)
            outs.push_back(in);
        else if (to_dir)
            outs.push_back((fs::path(o.output) / fs::path(in).filename()).string());
        else
            outs.push_back(o.output);
    }
    return outs;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{
        "ckstrip: make final images for comp from checkpoints. Removes the ~w channel,\n"
        "the checkpoint tag and every checkpoint-only attribute (ck:*,\n"
        "checkpointElapsed); keeps every other channel and attribute, and the colour\n"
        "pixels bit for bit. Output goes through NAME.part, fsync and rename, so\n"
        "--in-place is crash-safe. A file that is not a checkpoint is copied\n"
        "unchanged (with a note) or, with --strict, refused. In place, an unfinished\n"
        "checkpoint is refused (exit 1, file unchanged) unless --force: it is the only\n"
        "copy of the state a resume needs. An output that a live ckrender, ckstrip or\n"
        "ckclean holds is refused (exit 1). Finals made from checkpoints carry the\n"
        "provenance record: complete, or draft with N of M samples per pixel.",
        kTool};
    Options options;
    options.limits.timeout_seconds = 120;  // writing compresses; allow more than ckinfo
    std::vector<std::string> files;
    ck::tool::setup_app(app, kTool);
    app.add_option("files", files, "Checkpoint images (type found by magic bytes, not name)")
        ->required()
        ->type_name("FILE...");
    app.add_option("-o,--output", options.output,
                   "Output file (one input), or a directory: an existing one, or DIR/ with a "
                   "trailing slash (made if missing)")
        ->type_name("OUT");
    app.add_flag("--in-place", options.in_place,
                 "Replace each FILE by its stripped version (an unfinished checkpoint needs "
                 "--force)");
    app.add_flag("--force", options.strip.force,
                 "With --in-place, strip unfinished checkpoints too (their resume state is lost)");
    app.add_flag(
        "--half", options.strip.half,
        "Store colour as half (Z/ZBack keep their type; output is then not bit-identical)");
    app.add_option("--compression", options.strip.compression,
                   "OpenEXR compression of the output: none, rle, zips, zip, piz, pxr24, b44, "
                   "b44a, dwaa[:LEVEL], dwab[:LEVEL] (default: the input's)")
        ->check(CLI::Validator(
            [](std::string& name) {
                return ck::is_exr_compression(name) ? std::string()
                                                    : "unknown OpenEXR compression: " + name;
            },
            "NAME"))
        ->type_name("NAME");
    app.add_flag("--strict", options.strip.strict,
                 "Refuse (exit 1) files that are not checkpoints instead of copying them");
    ck::tool::add_common_flags(app, options.common);
    ck::tool::add_isolation_options(app, options.limits);
    if (auto done = ck::tool::parse_command_line(app, kTool, argc, argv))
        return ck::tool::to_int(*done);
    const std::vector<std::string> outputs = output_paths(files, options);
    if (outputs.empty()) {
        std::fprintf(stderr, "Run '%s --help' for the options and exit codes.\n", kTool);
        return ck::tool::to_int(ExitCode::Usage);
    }

    ck::tool::init_image_library();
    ExitCode result = ExitCode::Ok;
    const auto start = std::chrono::steady_clock::now();
    ck::tool::Json json = ck::tool::json_envelope(kTool);
    json["files"] = ck::tool::Json::array();
    for (size_t i = 0; i < files.size(); ++i) {
        const std::string& in = files[i];
        const std::string& out = outputs[i];
        // A child killed mid-write leaves out.part behind: remove it then,
        // unless it was there before (someone else's).
        std::error_code ec;
        if (!options.in_place && fs::equivalent(in, out, ec)) {
            // "-o DIR" naming the input's own directory would silently strip in place.
            const FileReport refused =
                refused_report(in, out, ExitCode::Usage,
                               "the output is the input itself (" + out +
                                   "); use --in-place to replace it");
            ck::tool::print_file_report(kTool, refused, options.common.quiet, options.common.json);
            result = ck::tool::worst(result, refused.code);
            json["files"].push_back(ck::tool::file_json(refused));
            continue;
        }
        // The output's lock, as ckrender and ckclean take it: no render (or other
        // ckstrip) writes this output meanwhile, and none starts until we are done.
        FileReport report;
        ck::OutputLock lock;
        auto acquired = ck::OutputLock::acquire({out});
        if (acquired) {
            lock = std::move(acquired.value());
        } else if (acquired.status().code() == ck::ErrorCode::InvalidArgument ||
                   ck::output_in_use(out)) {
            report = locked_report(in, out);
        }
        if (report.file.empty()) {
            // A unique temporary name: never ckrender's OUT.part, never a file
            // that exists. A child killed mid-write leaves it behind: remove it.
            const std::string temp = ck::tool_temp_path(out, kTool);
            report = ck::tool::run_file_isolated(
                in, [&] { return strip_one(in, out, temp, options); }, options.limits);
            if (report.code != ExitCode::Ok)
                fs::remove(temp, ec);
        }
        lock.release();
        ck::tool::print_file_report(kTool, report, options.common.quiet, options.common.json);
        result = ck::tool::worst(result, report.code);
        json["files"].push_back(ck::tool::file_json(report));
    }
    json["exit_code"] = ck::tool::to_int(result);
    json["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.common.json)
        ck::tool::print_out(ck::tool::json_text(json) + "\n");
    return ck::tool::to_int(result);
}
