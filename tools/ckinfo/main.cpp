// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckinfo FILE...: what each image is and holds (S30), one line per file in the
// style of iinfo, with -v details, --json and a ~w --heatmap (docs/tools.md).
// CLI11 -> Options -> one isolated inspection per file -> print -> exit code.
#include "describe.h"

#include <ck/tool/common.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

constexpr const char* kTool = "ckinfo";

}  // namespace

int main(int argc, char** argv)
{
    using ck::tool::ExitCode;

    CLI::App app{
        "ckinfo: show what checkpoint images (and any OpenEXR or TIFF) hold: kind,\n"
        "resolution, samples done versus target, checkpointElapsed; with -v the\n"
        "checkpoint metadata, resume history, ~w statistics, channels and compression.\n"
        "Every pixel is read unless --header-only; each file is read in a separate\n"
        "process under --timeout and --max-memory, so a hostile file cannot crash or\n"
        "hang the tool.",
        kTool};
    ck::ckinfo::Options options;
    ck::tool::CommonOptions common;
    std::vector<std::string> files;
    ck::tool::setup_app(app, kTool);
    app.add_option("files", files, "Images to inspect (type found by magic bytes, not name)")
        ->required()
        ->type_name("FILE...");
    ck::tool::add_common_flags(app, common);
    app.add_flag("--header-only", options.header_only,
                 "Read headers only (fast; pixels are not checked, the line says so)");
    app.add_option("--heatmap", options.heatmap,
                   "Write a picture of ~w (samples per pixel) with a colour scale; with several "
                   "files the input's name is inserted before the extension")
        ->type_name("OUT.png");
    ck::tool::add_isolation_options(app, options.limits);
    if (auto done = ck::tool::parse_command_line(app, kTool, argc, argv))
        return ck::tool::to_int(*done);
    options.verbose = common.verbose;
    options.quiet = common.quiet;
    options.json = common.json;
    if (!options.heatmap.empty() && options.header_only) {
        ck::tool::print_error(kTool, "", "--heatmap needs the pixels; drop --header-only");
        return ck::tool::to_int(ExitCode::Usage);
    }

    ck::tool::init_image_library();
    ExitCode result = ExitCode::Ok;
    const auto start = std::chrono::steady_clock::now();
    ck::tool::Json json = ck::tool::json_envelope(kTool);
    json["files"] = ck::tool::Json::array();
    for (const std::string& file : files) {
        const std::string heatmap =
            ck::ckinfo::heatmap_path_for(options.heatmap, file, files.size());
        ck::tool::FileReport report = ck::tool::run_file_isolated(
            file, [&] { return ck::ckinfo::describe_file(file, options, heatmap); },
            options.limits);
        ck::tool::print_file_report(kTool, report, options.quiet, options.json);
        result = ck::tool::worst(result, report.code);
        json["files"].push_back(ck::tool::file_json(report));
    }
    json["exit_code"] = ck::tool::to_int(result);
    json["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.json)
        ck::tool::print_out(ck::tool::json_text(json) + "\n");
    return ck::tool::to_int(result);
}
