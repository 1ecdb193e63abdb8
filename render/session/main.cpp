// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckrender: CLI11 -> RenderOptions -> one FrameSession per frame -> exit code.
#include "integrator/frame_renderer.h"
#include "scene/parser.h"
#include "session/checkpoint_config.h"
#include "session/exit_codes.h"
#include "session/frame_session.h"
#include "session/output.h"
#include "session/signals.h"

#include <ck/output_lock.h>

#include <CLI/CLI.hpp>
#include <OpenImageIO/imageio.h>
#include <embree3/rtcore_config.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <sys/statvfs.h>
#include <sys/utsname.h>

namespace {

using ck::render::ExitCode;
using ck::render::FrameOutcome;

struct Options {
    std::string scene;
    int threads = 0;
    int frame = -1;
    bool quiet = false;
    double progress = 5.0;
    std::string checkpoint;
    int recover = 0;
    bool allow_command = false;
    int resumable_exit_code = static_cast<int>(ExitCode::Resumable);
    std::string ini;
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

std::string renderer_id()
{
    struct utsname u = {};
    std::string machine = ::uname(&u) == 0 ? u.machine : "unknown";
    return std::string("ckrender ") + CK_VERSION + "; embree " + RTC_VERSION_STRING + "; " +
           machine;
}

// The settings files (checkpoint_config.h: ./rendermn.ini, then ckrender.ini).
ck::Result<ck::render::IniSettings> load_ini(const Options& options)
{
    return ck::render::load_settings_files(options.ini);
}

// "12.3 MiB": a size in the unit that keeps small figures readable.
std::string size_text(double bytes)
{
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    char text[32];
    std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    return text;
}

// B10: room for a checkpoint twice over (the .part and the previous file).
void warn_about_disk_room(const ck::scene::Frame& frame)
{
    const ck::render::PixelWindow w = ck::render::crop_pixel_window(frame.image);
    for (const ck::scene::Display& d : frame.displays) {
        std::filesystem::path dir = std::filesystem::path(d.name).parent_path();
        struct statvfs vfs = {};
        if (::statvfs(dir.empty() ? "." : dir.c_str(), &vfs) != 0)
            continue;
        const double free_bytes = double(vfs.f_bavail) * double(vfs.f_frsize);
        const double need = 2.0 * double(w.width()) * double(w.height()) *
                            double(ck::render::display_channel_count(d) + 1) * 4.0;
        if (free_bytes < need)
            print_line("ckrender: warning: " + d.loc.str() + ": Display \"" + d.name + "\": " +
                       size_text(free_bytes) + " free, a checkpoint may need up to " +
                       size_text(need) + " (twice its size, B10)");
    }
}

int run(const Options& options)
{
    const auto process_start = ck::render::Clock::now();
    // Debian's OIIO prints "OIIO DEBUG" lines unless told not to.
    OIIO::attribute("debug", 0);
    // The checkpoint writer encodes on its own thread (B4; commit.cpp asks for
    // one thread): without this OpenEXR compresses on a global pool of one
    // thread per core that competes with the render threads, and whose
    // hand-offs ThreadSanitizer cannot see when a full disk aborts a write.
    OIIO::attribute("exr_threads", -1);
    ck::render::install_signal_handlers();

    auto ini = load_ini(options);
    if (!ini) {
        print_line("ckrender: error: " + ini.status().message());
        return exit_code(ExitCode::Usage);
    }

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

    // Everything that can be checked before rendering is checked now (B10).
    std::vector<const ck::scene::Frame*> frames;
    std::vector<ck::render::CheckpointConfig> configs;
    ck::render::CliCheckpoint cli{options.checkpoint, options.allow_command};
    for (const ck::scene::Frame& frame : parsed.scene.frames) {
        if (options.frame >= 0 && frame.number != options.frame)
            continue;
        auto config = ck::render::resolve_checkpoint_config(ini.value(), frame.options, cli);
        if (!config) {
            print_line("ckrender: error: " + config.status().message());
            return exit_code(options.checkpoint.empty() ? ExitCode::BadScene : ExitCode::Usage);
        }
        if (ck::Status s = ck::render::check_display_names(frame); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::BadScene);
        }
        if (ck::Status s = ck::render::check_outputs_writable(frame); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::Io);
        }
        if (config->enabled())
            warn_about_disk_room(frame);
        frames.push_back(&frame);
        configs.push_back(config.value());
    }
    if (options.frame >= 0 && frames.empty()) {
        print_line("ckrender: error: " + options.scene + ": no frame " +
                   std::to_string(options.frame));
        return exit_code(ExitCode::Usage);
    }

    // One render per output: refuse while another ckrender holds any of them.
    // Frames may write the same file one after the other: lock each file once.
    std::vector<std::string> outputs;
    std::set<std::string> locked;
    for (const ck::scene::Frame* frame : frames)
        for (const ck::scene::Display& d : frame->displays)
            if (locked.insert(ck::render::output_identity(d.name)).second)
                outputs.push_back(d.name);
    auto lock = ck::OutputLock::acquire(outputs);
    if (!lock) {
        print_line("ckrender: error: " + lock.status().message());
        return exit_code(lock.status().code() == ck::ErrorCode::InvalidArgument ? ExitCode::Busy
                                                                                : ExitCode::Io);
    }

    ck::render::RenderOptions base;
    base.threads = options.threads;
    base.progress_interval = options.quiet ? 0.0 : options.progress;
    base.use_signals = true;
    base.process_start = process_start;
    base.recover = options.recover != 0;
    base.renderer_id = renderer_id();
    base.before_write = [&lock] { return lock->renew(); };
    base.log = [quiet = options.quiet](const std::string& line) {
        if (!quiet || line.find("warning") != std::string::npos)
            print_line("ckrender: " + line);
    };

    bool any_exit_at = false;
    for (size_t i = 0; i < frames.size(); ++i) {
        const ck::scene::Frame& frame = *frames[i];
        ck::render::RenderOptions render_options = base;
        render_options.checkpoint = configs[i];
        // S5: the first frame's time includes start-up (parsing).
        render_options.frame_start = i == 0 ? process_start : ck::render::Clock::now();

        ck::render::FrameSession session(frame, render_options);
        if (ck::Status s = session.build(ck::render::FrameRenderer::create); !s) {
            print_line("ckrender: error: frame " + std::to_string(frame.number) + ": " +
                       s.message());
            return exit_code(ExitCode::RenderFailed);
        }
        session.recover();
        ck::Status status;
        const FrameOutcome outcome = session.run(status);
        const std::string prefix = "ckrender: frame " + std::to_string(frame.number) + ": ";
        switch (outcome) {
        case FrameOutcome::Finished:
            if (!options.quiet)
                for (const ck::scene::Display& d : frame.displays)
                    print_line(prefix + "wrote " + d.name);
            break;
        case FrameOutcome::AlreadyDone:
            if (!options.quiet)
                print_line(prefix + "already finished; nothing to render");
            break;
        case FrameOutcome::ExitAt:
            any_exit_at = true;
            print_line(prefix + "exit-at reached; checkpoint written, resume with -recover 1");
            break;
        case FrameOutcome::Interrupted:
            print_line(prefix + "stopped by signal " +
                       std::to_string(ck::render::exit_signal()) +
                       "; checkpoint written, resume with -recover 1");
            return options.resumable_exit_code;
        case FrameOutcome::Aborted:
            print_line(prefix + "stopped by signal " +
                       std::to_string(ck::render::exit_signal()) + ": " + status.message());
            return 128 + ck::render::exit_signal();
        case FrameOutcome::Stopped:
            return options.resumable_exit_code;
        case FrameOutcome::Failed:
            print_line("ckrender: error: " + status.message());
            return exit_code(ExitCode::Io);
        }
    }
    return any_exit_at ? options.resumable_exit_code : exit_code(ExitCode::Ok);
}

// RenderMan spells some long options with one dash (-checkpoint, -recover).
std::vector<std::string> normalise_arguments(int argc, char** argv)
{
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        for (const char* name : {"-checkpoint", "-recover"}) {
            const std::string n = name;
            if (a == n || a.rfind(n + "=", 0) == 0)
                a = "-" + a;
        }
        args.push_back(a);
    }
    std::reverse(args.begin(), args.end());  // CLI11 takes them in reverse
    return args;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"ckrender: a RIB path tracer with checkpoint and recovery.\n"
                 "Exit codes: 0 finished, 1 scene error, 2 usage error, 3 output I/O error,\n"
                 "4 renderer set-up failure, 5 outputs in use by another ckrender,\n"
                 "75 stopped with a resumable checkpoint (--resumable-exit-code),\n"
                 "128+N stopped by signal N without a checkpoint.",
                 "ckrender"};
    Options options;
    app.add_option("scene", options.scene, "RIB scene file (plain or gzip)")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("-t,--threads", options.threads, "Render threads (default: every core)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--frame", options.frame, "Render only the frame with this FrameBegin number");
    app.add_option("--checkpoint", options.checkpoint,
                   "INTERVAL[,EXITAT]: checkpoint every INTERVAL (100i, 10m, 5m30s, \"1i 10m 1h\"), "
                   "stop with a checkpoint at EXITAT (also -checkpoint)");
    app.add_option("--recover", options.recover,
                   "1: continue from the outputs' checkpoints when they match the scene "
                   "(also -recover)")
        ->check(CLI::Range(0, 1));
    app.add_flag("--allow-command", options.allow_command,
                 "Allow the post-checkpoint command (Option \"checkpoint\" \"string command\")");
    app.add_option("--resumable-exit-code", options.resumable_exit_code,
                   "Exit code when stopped with a resumable checkpoint")
        ->capture_default_str()
        ->check(CLI::Range(1, 255));
    app.add_option("--ini", options.ini,
                   "Settings file (default: $CKRENDER_INI, else ./ckrender.ini if present)");
    app.add_option("--progress", options.progress,
                   "Seconds between progress lines (0 turns them off)")
        ->capture_default_str();
    app.add_flag("-q,--quiet", options.quiet, "Print only warnings and errors");
    app.set_version_flag("--version", std::string("ckrender ") + CK_VERSION);

    try {
        app.parse(normalise_arguments(argc, argv));
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : exit_code(ExitCode::Usage);
    }
    return run(options);
}
