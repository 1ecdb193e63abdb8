// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckrender: CLI11 -> RenderOptions -> one FrameSession per frame -> exit code.
#include "scene/parser.h"
#include "session/exit_codes.h"
#include "session/frame_session.h"
#include "session/output.h"

#include <CLI/CLI.hpp>
#include <OpenImageIO/imageio.h>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>

namespace {

using ck::render::ExitCode;

struct Options {
    std::string scene;
    int threads = 0;
    int frame = -1;
    bool quiet = false;
    double progress = 5.0;
};

std::mutex g_print_mutex;  // one whole line at a time on stderr

void print_line(const std::string& line)
{
    std::lock_guard<std::mutex> lock(g_print_mutex);
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

int exit_code(ExitCode code)
{
    return static_cast<int>(code);
}

int run(const Options& options)
{
    // Debian's OIIO prints "OIIO DEBUG" lines unless told not to.
    OIIO::attribute("debug", 0);

    ck::scene::ParseResult parsed = ck::scene::parse_rib_file(options.scene);
    for (const ck::scene::Diagnostic& d : parsed.diagnostics) {
        if (!options.quiet || d.severity == ck::scene::Diagnostic::Severity::Error)
            print_line(d.str());
    }
    if (!parsed.ok()) {
        print_line("ckrender: error: " + options.scene + ": " +
                   std::to_string(parsed.error_count()) +
                   " error(s); nothing was rendered and no image was written");
        return exit_code(ExitCode::BadScene);
    }

    ck::render::RenderOptions render_options;
    render_options.threads = options.threads;
    render_options.progress_interval = options.quiet ? 0.0 : options.progress;
    if (!options.quiet)
        render_options.log = [](const std::string& line) { print_line("ckrender: " + line); };

    int rendered = 0;
    for (const ck::scene::Frame& frame : parsed.scene.frames) {
        if (options.frame >= 0 && frame.number != options.frame)
            continue;
        ++rendered;
        if (ck::Status s = ck::render::check_outputs_writable(frame); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::Io);
        }
        ck::render::FrameSession session(frame, render_options);
        if (ck::Status s = session.build(ck::render::FrameRenderer::create); !s) {
            print_line("ckrender: error: frame " + std::to_string(frame.number) + ": " +
                       s.message());
            return exit_code(ExitCode::RenderFailed);
        }
        session.render();
        if (ck::Status s = session.write_final(); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::Io);
        }
        if (!options.quiet)
            for (const ck::scene::Display& d : frame.displays)
                print_line("ckrender: frame " + std::to_string(frame.number) + ": wrote " +
                           d.name);
    }
    if (options.frame >= 0 && rendered == 0) {
        print_line("ckrender: error: " + options.scene + ": no frame " +
                   std::to_string(options.frame));
        return exit_code(ExitCode::Usage);
    }
    return exit_code(ExitCode::Ok);
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"ckrender: a RIB path tracer with checkpoint and recovery.\n"
                 "Exit codes: 0 finished, 1 scene error, 2 usage error, 3 output I/O error,\n"
                 "4 renderer set-up failure, 75 stopped with a resumable checkpoint.",
                 "ckrender"};
    Options options;
    app.add_option("scene", options.scene, "RIB scene file (plain or gzip)")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("-t,--threads", options.threads, "Render threads (default: every core)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--frame", options.frame, "Render only the frame with this FrameBegin number");
    app.add_option("--progress", options.progress,
                   "Seconds between progress lines (0 turns them off)")
        ->capture_default_str();
    app.add_flag("-q,--quiet", options.quiet, "Print only errors");
    app.set_version_flag("--version", std::string("ckrender ") + CK_VERSION);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : exit_code(ExitCode::Usage);
    }
    return run(options);
}
