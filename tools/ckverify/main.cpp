// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckverify SCENE.rib | FILE... (S31, docs/tools.md): for a scene, what
// `ckrender -recover 1` would do with each frame; for an image, whether it is
// intact in full and what checkpoint state it holds. Each argument is judged
// in an isolated child (a hostile file can crash or hang the image reader).
#include "image_verify.h"
#include "scene_verify.h"

#include <ck/tool/common.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace {

using ck::tool::ExitCode;

constexpr const char* kTool = "ckverify";

struct Options {
    std::vector<std::string> files;
    int frame = -1;
    ck::tool::CommonOptions common;
    ck::tool::Limits limits;
};

// gzip's magic bytes: a compressed RIB (the parser reads it; tools/common's
// sniffing files it under "other binary data").
bool has_gzip_magic(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char m[2] = {0, 0};
    in.read(m, 2);
    return in.gcount() == 2 && static_cast<unsigned char>(m[0]) == 0x1f &&
           static_cast<unsigned char>(m[1]) == 0x8b;
}

// What an argument is: an image by its magic bytes, else a RIB scene (plain
// text or gzip), else something ckverify cannot judge.
ck::tool::FileReport verify_one(const std::string& file, const Options& options)
{
    const ck::tool::FileSniff sniff = ck::tool::sniff_file(file);
    if (ck::tool::is_image_type(sniff.type))
        return ck::tool::run_file_isolated(
            file,
            [&] {
                ck::tool::init_image_library();
                return ck::verify::verify_image_file(file, options.limits.max_memory_bytes,
                                                     options.common.verbose);
            },
            options.limits);

    const bool scene = sniff.type == ck::tool::FileType::Text ||
                       (sniff.type == ck::tool::FileType::Other && has_gzip_magic(file));
    if (scene)
        return ck::tool::run_file_isolated(
            file,
            [&] {
                ck::tool::init_image_library();
                ck::tool::FileReport report;
                ck::verify::verify_scene(file, options.frame, options.common.verbose, report);
                return report;
            },
            options.limits);

    ck::tool::FileReport report;
    report.file = file;
    const bool io =
        sniff.type == ck::tool::FileType::Missing || sniff.type == ck::tool::FileType::Unreadable;
    std::string why = ck::tool::describe_non_image(sniff);
    if (!io)
        why += " (neither an OpenEXR/TIFF image nor a RIB scene)";
    report.fail(io ? ExitCode::IoError : ExitCode::CheckFailed, why);
    ck::tool::Json j;
    j["file"] = file;
    j["format"] = ck::tool::file_type_name(sniff.type);
    j["ok"] = false;
    report.json = ck::tool::json_text(j);
    report.text = file + ": FAILED: " + why + "\n";
    return report;
}

}  // namespace

int main(int argc, char** argv)
{
    Options options;
    CLI::App app{
        "ckverify: can this render be recovered, and are these checkpoint files intact?\n"
        "Given a RIB scene, says for every frame what `ckrender -recover 1` would do\n"
        "(resume from sample N, finished, or start from scratch and why). Given image\n"
        "files, checks each in full and reports its checkpoint state. Files are told\n"
        "apart by their first bytes: OpenEXR and TIFF are images, text or gzip is RIB.",
        kTool};
    ck::tool::setup_app(app, kTool);
    app.add_option("files", options.files, "RIB scenes or image files (checkpoints, .part files)")
        ->type_name("SCENE.rib|FILE")
        ->required();
    app.add_option("--frame", options.frame,
                   "Scenes: only the frame with this FrameBegin number (as ckrender --frame)")
        ->type_name("N");
    ck::tool::add_common_flags(app, options.common);
    ck::tool::add_isolation_options(app, options.limits);
    if (auto code = ck::tool::parse_command_line(app, kTool, argc, argv))
        return ck::tool::to_int(*code);
    // No image work in this process: init_image_library() runs in each child.
    // Called here, it would start OIIO's thread pool before fork(), and a
    // child inherits the pool's state without its threads: OIIO then spins
    // forever in thread_pool::is_worker() (seen on DisplayWindow/t01.exr).

    ExitCode worst = ExitCode::Ok;
    size_t failed = 0;
    const auto start = std::chrono::steady_clock::now();
    ck::tool::Json json = ck::tool::json_envelope(kTool);
    json["files"] = ck::tool::Json::array();
    for (const std::string& file : options.files) {
        ck::tool::FileReport report = verify_one(file, options);
        if (options.common.verbose > 0 && report.peak_rss_kib > 0)
            report.notes.push_back("checked in " + std::to_string(report.seconds) +
                                   " s, peak memory " +
                                   ck::tool::format_bytes(uint64_t(report.peak_rss_kib) * 1024));
        ck::tool::print_file_report(kTool, report, options.common.quiet, options.common.json);
        json["files"].push_back(ck::tool::file_json(report));
        worst = ck::tool::worst(worst, report.code);
        failed += report.code != ExitCode::Ok;
    }

    // The last line, idiff style: PASS or FAILURE.
    const std::string verdict =
        worst == ExitCode::Ok
            ? "PASS"
            : "FAILURE: " + std::to_string(failed) + " of " + std::to_string(options.files.size()) +
                  (options.files.size() == 1 ? " argument" : " arguments") + " failed the check";
    json["exit_code"] = ck::tool::to_int(worst);
    json["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    json["result"] = verdict;
    if (options.common.json)
        ck::tool::print_out(ck::tool::json_text(json) + "\n");
    else if (!options.common.quiet)
        ck::tool::print_out(verdict + "\n");
    return ck::tool::to_int(worst);
}
