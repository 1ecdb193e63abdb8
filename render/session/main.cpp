// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckrender: CLI11 -> RenderOptions -> one FrameSession per frame -> exit code.
#include "integrator/frame_renderer.h"
#include "scene/parser.h"
#include "session/checkpoint_config.h"
#include "session/cli_args.h"
#include "session/exit_codes.h"
#include "session/frame_session.h"
#include "session/output.h"
#include "scene/recovery_expectation.h"
#include "session/signals.h"

#include <ck/output_lock.h>

#include <CLI/CLI.hpp>
#include <OpenImageIO/imageio.h>
#include <embree3/rtcore_config.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <iostream>
#include <iterator>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace {

using ck::render::ExitCode;
using ck::render::FrameOutcome;

struct Options {
    std::string scene;
    int threads = 0;
    std::string frames;  ///< --frame: "5", "1-10", "1,3,5-7"; empty: every frame
    bool rman_progress = false;  ///< -progress: RenderMan's "R90000  NN%" lines on stdout
    bool json = false;           ///< --json: JSON lines on stdout (docs/json.md)
    std::string cwd;
    bool no_exitat = false;
    bool quiet = false;
    double progress = 5.0;
    std::string checkpoint;
    int recover = 0;
    bool rerender = false;
    bool allow_command = false;
    int resumable_exit_code = static_cast<int>(ExitCode::Resumable);
    std::string ini;
};

std::mutex g_print_mutex;  // one whole line at a time on stderr
bool g_live_line = false;  // a live progress line is on the terminal (guarded by the mutex)

void print_line(const std::string& line)
{
    std::lock_guard<std::mutex> lock(g_print_mutex);
    if (g_live_line) {
        std::fputs("\r\033[K", stderr);  // clear it; the next report redraws it
        g_live_line = false;
    }
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

// Progress for a person and for a farm (issue 9, item 6): on a terminal, one
// live line redrawn in place; otherwise plain lines every --progress seconds;
// with -progress, RenderMan's "R90000  NN%" lines on stdout as well, which
// Tractor, Deadline and other farm managers parse.
class ProgressSink {
public:
    ProgressSink(double interval, bool quiet, bool rman)
        : m_interval(quiet ? 0.0 : interval), m_rman(rman), m_tty(::isatty(STDERR_FILENO) != 0)
    {
    }

    bool wanted() const { return m_interval > 0 || m_rman; }

    void operator()(const ck::render::Progress& p)
    {
        if (p.frame != m_frame || m_first) {
            m_first = false;
            m_frame = p.frame;
            m_percent = -1;
            m_last_line = -1e30;
        }
        if (m_rman) {
            const int percent = int(100.0 * p.fraction);
            if (percent > m_percent) {
                m_percent = percent;
                std::lock_guard<std::mutex> lock(g_print_mutex);
                std::fprintf(stdout, "R90000  %d%%\n", percent);
                std::fflush(stdout);
            }
        }
        if (m_interval <= 0)
            return;
        const std::string text = "ckrender: " + ck::render::progress_text(p);
        if (m_tty) {
            // Redrawn at most five times a second, however fast increments go.
            const auto now = std::chrono::steady_clock::now();
            if (!p.end && now - m_last_draw < std::chrono::milliseconds(200))
                return;
            m_last_draw = now;
            std::lock_guard<std::mutex> lock(g_print_mutex);
            if (p.end) {
                if (g_live_line)
                    std::fputs("\r\033[K", stderr);
                g_live_line = false;
            } else {
                std::fprintf(stderr, "\r%s\033[K", text.c_str());
                g_live_line = true;
            }
            std::fflush(stderr);
            return;
        }
        // Plain lines: after a whole increment (or any time in bucket mode).
        if (!p.end && (p.increment_done || !p.incremental) &&
            p.frame_elapsed - m_last_line >= m_interval) {
            m_last_line = p.frame_elapsed;
            print_line(text);
        }
    }

private:
    double m_interval;
    bool m_rman;
    bool m_tty;
    bool m_first = true;
    int m_frame = 0;
    int m_percent = -1;
    double m_last_line = -1e30;
    std::chrono::steady_clock::time_point m_last_draw{};
};

int exit_code(ExitCode code)
{
    return static_cast<int>(code);
}

// What bounded the allocation that failed, for the out-of-memory message.
std::string memory_limit_text()
{
    std::string what;
    const uint64_t left = ck::render::available_memory_bytes(what);
    if (what.empty())
        return "no memory figures available";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.1f GiB left by %s", double(left) / double(1ull << 30),
                  what.c_str());
    return buf;
}

using Json = nlohmann::ordered_json;

double seconds_since(ck::render::Clock::time_point start)
{
    return std::chrono::duration<double>(ck::render::Clock::now() - start).count();
}

// --json (docs/json.md, "ckrender"): one JSON object per line on stdout, each
// line whole (under the print mutex, so an R90000 line of -progress never
// splits one). Events: "progress" every --progress seconds of a frame and at
// its end, "checkpoint" per checkpoint write, "frame" per frame, "summary" last.
class JsonLines {
public:
    explicit JsonLines(bool on, double interval, std::string scene)
        : m_on(on), m_interval(interval), m_scene(std::move(scene))
    {
    }

    bool on() const { return m_on; }

    void progress(const ck::render::Progress& p)
    {
        if (!m_on || m_interval <= 0)
            return;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (p.frame != m_frame) {
                m_frame = p.frame;
                m_last = -1e30;
            }
            const bool due = (p.increment_done || !p.incremental) &&
                             p.frame_elapsed - m_last >= m_interval;
            if (!due && !p.end)
                return;
            m_last = p.frame_elapsed;
        }
        Json j = head("progress");
        j["frame"] = p.frame;
        j["samples_fraction"] = p.fraction;
        j["seconds"] = p.frame_elapsed;
        j["eta_seconds"] = p.eta >= 0 ? Json(p.eta) : Json(nullptr);
        j["since_checkpoint_seconds"] =
            p.since_checkpoint >= 0 ? Json(p.since_checkpoint) : Json(nullptr);
        j["mode"] = p.incremental ? "incremental" : "bucket";
        j["increment"] = p.increment;
        j["target_samples"] = p.target;
        j["pixels_done"] = p.pixels_done;
        j["pixels"] = p.pixels;
        j["end"] = p.end;
        emit(j);
    }

    void checkpoint(const ck::render::CheckpointEvent& e)
    {
        if (!m_on)
            return;
        Json j = head("checkpoint");
        j["frame"] = e.frame;
        j["generation"] = e.generation;
        j["reason"] = e.reason;
        j["ok"] = e.ok;
        j["error"] = e.ok ? Json(nullptr) : Json(e.error);
        j["min_samples"] = e.min_samples;
        j["pixels_done"] = e.pixels_done;
        j["pixels"] = e.pixels;
        j["write_seconds"] = e.write_seconds;
        j["seconds"] = e.frame_elapsed;
        emit(j);
    }

    void frame(int number, const char* outcome, int code, double seconds,
               const std::vector<std::string>& outputs, const ck::render::FrameStats& stats)
    {
        if (!m_on)
            return;
        Json j = head("frame");
        j["file"] = m_scene;
        j["frame"] = number;
        j["outcome"] = outcome;
        j["exit_code"] = code;
        j["seconds"] = seconds;
        j["outputs"] = outputs;
        j["samples"] = stats.samples;
        j["checkpoints"] = stats.checkpoints;
        j["build_seconds"] = stats.build_seconds;
        j["render_seconds"] = stats.render_seconds;
        emit(j);
        ++m_frames;
    }

    void summary(int code, double seconds)
    {
        if (!m_on)
            return;
        Json j = head("summary");
        j["file"] = m_scene;
        j["exit_code"] = code;
        j["seconds"] = seconds;
        j["frames"] = m_frames;
        emit(j);
    }

private:
    static Json head(const char* event)
    {
        Json j;
        j["schema"] = "ckrender-json";
        j["schema_version"] = 1;
        j["tool"] = "ckrender";
        j["event"] = event;
        return j;
    }
    static void emit(const Json& j)
    {
        const std::string line =
            j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
        std::lock_guard<std::mutex> lock(g_print_mutex);
        std::fputs(line.c_str(), stdout);
        std::fflush(stdout);
    }

    bool m_on;
    double m_interval;
    std::string m_scene;
    std::mutex m_mutex;
    int m_frame = -1;
    double m_last = -1e30;
    int m_frames = 0;
};

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
        // The float state, plus a TIFF checkpoint's RGBA picture page.
        const double picture = d.format == ck::scene::ImageFormat::TIFF
                                   ? 4.0 * (d.bits == 8 ? 1.0 : d.bits == 16 ? 2.0 : 4.0)
                                   : 0.0;
        const double need = 2.0 * double(w.width()) * double(w.height()) *
                            (double(ck::scene::checkpoint_channels(d).size()) * 4.0 + picture);
        if (free_bytes < need)
            print_line("ckrender: warning: " + d.loc.str() + ": Display \"" + d.name + "\": " +
                       size_text(free_bytes) + " free, a checkpoint may need up to " +
                       size_text(need) + " (twice its size)");
    }
}

int run(const Options& options, JsonLines& json)
{
    const auto process_start = ck::render::Clock::now();
    // Debian's OIIO prints "OIIO DEBUG" lines unless told not to.
    OIIO::attribute("debug", 0);
    // The checkpoint writer encodes on its own thread (B4; commit.cpp asks for
    // one thread): without this OpenEXR compresses on a global pool of one
    // thread per core that competes with the render threads, and whose
    // hand-offs ThreadSanitizer cannot see when a full disk aborts a write.
    OIIO::attribute("exr_threads", -1);
    ck::render::install_signal_handlers();  // idempotent: main() did it first

    // A checkpoint-and-exit signal before any frame started: nothing to save,
    // nothing lost; stop with the resumable code (a scheduler requeues it).
    auto stopped_before_work = [&options]() {
        print_line("ckrender: stopped by signal " + std::to_string(ck::render::exit_signal()) +
                   " before rendering began; nothing was lost (run again, or resume with "
                   "-recover 1)");
        return options.resumable_exit_code;
    };

    auto ini = load_ini(options);
    if (!ini) {
        print_line("ckrender: error: " + ini.status().message());
        return exit_code(ExitCode::Usage);
    }
    for (const std::string& w : ini->warnings)
        print_line("ckrender: warning: " + w);

    // "-": a RIB on standard input (plain or gzip), as RenderMan reads it.
    ck::scene::ParseResult parsed;
    if (options.scene == "-") {
        const std::string text{std::istreambuf_iterator<char>(std::cin),
                               std::istreambuf_iterator<char>()};
        parsed = ck::scene::parse_rib_string(text, "<stdin>");
    } else {
        parsed = ck::scene::parse_rib_file(options.scene);
    }
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
    if (ck::render::exit_requested())
        return stopped_before_work();

    std::optional<ck::render::FrameSet> frame_set;
    if (!options.frames.empty()) {
        auto set = ck::render::FrameSet::parse(options.frames);
        if (!set) {
            print_line("ckrender: error: --frame: " + set.status().message());
            return exit_code(ExitCode::Usage);
        }
        frame_set = set.value();
    }

    // Everything that can be checked before rendering is checked now (B10).
    std::vector<const ck::scene::Frame*> frames;
    std::vector<ck::render::CheckpointConfig> configs;
    ck::render::CliCheckpoint cli{options.checkpoint, options.allow_command};
    std::vector<ck::render::InputFile> inputs;  // B10: never an output
    if (options.scene != "-")
        inputs.push_back({options.scene, "the scene file"});
    for (const std::string& path : ini.value().paths)
        inputs.push_back({path, "a settings file ckrender read"});
    for (const ck::scene::Frame& frame : parsed.scene.frames) {
        if (frame_set && !frame_set->contains(frame.number))
            continue;
        auto config = ck::render::resolve_checkpoint_config(ini.value(), frame.options, cli);
        if (!config) {
            print_line("ckrender: error: " + config.status().message());
            return exit_code(config.status().code() == ck::ErrorCode::Corrupt ? ExitCode::BadScene
                                                                              : ExitCode::Usage);
        }
        if (options.no_exitat)
            config->exitat.reset();  // --no-exitat: the command line wins (S13)
        if (ck::Status s = ck::scene::check_display_names(frame); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::BadScene);
        }
        if (ck::Status s = ck::render::check_inputs_not_outputs(frame, inputs); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::BadScene);
        }
        if (ck::Status s = ck::render::check_outputs_writable(frame); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::Io);
        }
        if (ck::Status s = ck::render::check_memory(frame); !s) {
            print_line("ckrender: error: " + s.message());
            return exit_code(ExitCode::Io);
        }
        if (config->enabled())
            warn_about_disk_room(frame);
        frames.push_back(&frame);
        configs.push_back(config.value());
    }
    if (frame_set) {
        std::vector<int> present;
        std::string list;
        for (const ck::scene::Frame& frame : parsed.scene.frames) {
            present.push_back(frame.number);
            list += (list.empty() ? "" : ", ") + std::to_string(frame.number);
        }
        if (frames.empty()) {
            print_line("ckrender: error: --frame " + frame_set->text() + ": " + options.scene +
                       " has no such frame (its frames: " + list + ")");
            return exit_code(ExitCode::Usage);
        }
        for (int missing : frame_set->missing(present))
            print_line("ckrender: warning: --frame: " + options.scene + " has no frame " +
                       std::to_string(missing));
    }

    // One render per output: refuse while another ckrender holds any of them.
    // Frames may write the same file one after the other: lock each file once.
    std::vector<std::string> outputs;
    std::set<std::string> locked;
    for (const ck::scene::Frame* frame : frames)
        for (const ck::scene::Display& d : frame->displays)
            if (locked.insert(ck::scene::output_identity(d.name)).second)
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
    auto sink = std::make_shared<ProgressSink>(options.progress, options.quiet,
                                               options.rman_progress);
    if (sink->wanted() || json.on())
        base.on_progress = [sink, &json](const ck::render::Progress& p) {
            if (sink->wanted())
                (*sink)(p);
            json.progress(p);
        };
    if (json.on())
        base.on_checkpoint = [&json](const ck::render::CheckpointEvent& e) { json.checkpoint(e); };
    base.use_signals = true;
    base.process_start = process_start;
    base.recover = options.recover != 0;
    base.rerender = options.rerender;
    base.renderer_id = renderer_id();
    base.before_write = [&lock] { return lock->renew(); };
    base.log = [quiet = options.quiet](const std::string& line) {
        if (!quiet || line.find("warning") != std::string::npos)
            print_line("ckrender: " + line);
    };

    bool any_exit_at = false;
    bool any_draft = false;
    for (size_t i = 0; i < frames.size(); ++i) {
        const ck::scene::Frame& frame = *frames[i];
        ck::render::RenderOptions render_options = base;
        render_options.checkpoint = configs[i];
        // S5: the first frame's time includes start-up (parsing).
        render_options.frame_start = i == 0 ? process_start : ck::render::Clock::now();

        if (ck::render::exit_requested() && i == 0)
            return stopped_before_work();
        ck::render::FrameSession session(frame, render_options);
        // Recovery first: a finished frame needs no acceleration structure.
        session.recover();
        if (session.needs_render()) {
            if (ck::Status s = session.build(ck::render::FrameRenderer::create); !s) {
                if (ck::render::exit_requested()) {
                    // The signal cancelled the build: nothing of this frame is lost.
                    print_line("ckrender: frame " + std::to_string(frame.number) +
                               ": stopped by signal " +
                               std::to_string(ck::render::exit_signal()) +
                               " while building the scene; nothing was lost, resume with "
                               "-recover 1");
                    return options.resumable_exit_code;
                }
                print_line("ckrender: error: frame " + std::to_string(frame.number) + ": " +
                           s.message());
                return exit_code(ExitCode::RenderFailed);
            }
        }
        ck::Status status;
        const FrameOutcome outcome = session.run(status);
        const std::string prefix = "ckrender: frame " + std::to_string(frame.number) + ": ";
        if (json.on()) {
            const char* id = "finished";
            int code = exit_code(ExitCode::Ok);
            switch (outcome) {
            case FrameOutcome::Finished: id = "finished"; break;
            case FrameOutcome::AlreadyDone: id = "already-done"; break;
            case FrameOutcome::ExitAt: id = "exit-at"; code = options.resumable_exit_code; break;
            case FrameOutcome::Interrupted: id = "interrupted"; code = options.resumable_exit_code; break;
            case FrameOutcome::Stopped: id = "stopped"; code = options.resumable_exit_code; break;
            case FrameOutcome::SignalBeforeWork:
                id = "signal-before-work";
                code = options.resumable_exit_code;
                break;
            case FrameOutcome::DraftExitAt: id = "draft-exit-at"; code = exit_code(ExitCode::Draft); break;
            case FrameOutcome::DraftInterrupted:
                id = "draft-interrupted";
                code = exit_code(ExitCode::Draft);
                break;
            case FrameOutcome::Failed: id = "failed"; code = exit_code(ExitCode::Io); break;
            }
            std::vector<std::string> names;
            for (const ck::scene::Display& d : frame.displays)
                names.push_back(d.name);
            json.frame(frame.number, id, code, seconds_since(render_options.frame_start), names,
                       session.stats());
        }
        switch (outcome) {
        case FrameOutcome::Finished:
            if (!options.quiet)
                for (const ck::scene::Display& d : frame.displays)
                    print_line(prefix + "wrote " + d.name);
            break;
        case FrameOutcome::AlreadyDone:
            break;  // recover() said why, in its own line
        case FrameOutcome::ExitAt:
            any_exit_at = true;
            print_line(prefix + "exit-at reached; checkpoint written, resume with -recover 1");
            break;
        case FrameOutcome::Interrupted:
            print_line(prefix + "stopped by signal " +
                       std::to_string(ck::render::exit_signal()) +
                       "; checkpoint written, resume with -recover 1");
            return options.resumable_exit_code;
        case FrameOutcome::DraftExitAt:
            any_draft = true;
            for (const ck::scene::Display& d : frame.displays)
                print_line(prefix + "wrote " + d.name + " as a draft");
            print_line(prefix + "exit-at reached; the outputs cannot hold a checkpoint, so the "
                                "image as it stands is written as a draft, which -recover 1 "
                                "cannot continue (it renders the frame again)");
            break;
        case FrameOutcome::DraftInterrupted:
            for (const ck::scene::Display& d : frame.displays)
                print_line(prefix + "wrote " + d.name + " as a draft");
            print_line(prefix + "stopped by signal " + std::to_string(ck::render::exit_signal()) +
                       "; the outputs cannot hold a checkpoint, so the image as it stands is "
                       "written as a draft, which -recover 1 cannot continue");
            return any_exit_at ? options.resumable_exit_code : exit_code(ExitCode::Draft);
        case FrameOutcome::Stopped:
            return options.resumable_exit_code;
        case FrameOutcome::SignalBeforeWork:
            print_line(prefix + "stopped by signal " +
                       std::to_string(ck::render::exit_signal()) +
                       " before any new sample; nothing to save and nothing lost, resume with "
                       "-recover 1");
            return options.resumable_exit_code;
        case FrameOutcome::Failed:
            print_line("ckrender: error: " + status.message());
            return exit_code(ExitCode::Io);
        }
    }
    // A frame that can resume outranks a draft: -recover 1 continues the one
    // and renders the other again.
    if (any_exit_at)
        return options.resumable_exit_code;
    return any_draft ? exit_code(ExitCode::Draft) : exit_code(ExitCode::Ok);
}

}  // namespace

int main(int argc, char** argv)
{
    // First of all: the ckrender launcher blocked the signals across the exec
    // (launcher.c); handlers now, then they are unblocked and any that came
    // during start-up arrives here.
    ck::render::install_signal_handlers();

    CLI::App app{"ckrender: a RIB path tracer with checkpoint and recovery.\n"
                 "Exit codes: 0 finished, 1 scene error, 2 usage error, 3 output I/O error,\n"
                 "4 renderer set-up failure, 5 outputs in use by another ckrender,\n"
                 "75 stopped with a resumable checkpoint, or by a signal before any work\n"
                 "(--resumable-exit-code), 128+N stopped by signal N without a checkpoint.",
                 "ckrender"};
    Options options;
    app.add_option("scene", options.scene, "RIB scene file (plain or gzip); - reads standard input")
        ->required()
        ->check([](const std::string& path) -> std::string {
            std::error_code ec;
            if (path == "-" || std::filesystem::is_regular_file(path, ec))
                return "";
            return std::filesystem::exists(path, ec) ? "not a regular file: " + path
                                                     : "no such file: " + path;
        });
    app.add_option("-t,--threads", options.threads,
                   "Render threads (default 0: every core; also RenderMan's -t:N)")
        ->check(CLI::Range(0, 4096));
    app.add_option("--frame", options.frames,
                   "Render only these FrameBegin numbers: 5, 1-10, 1,3,5-7 (also -frame)");
    app.add_option("--checkpoint", options.checkpoint,
                   "INTERVAL[,EXITAT]: checkpoint every INTERVAL (100i, 10m, 5m30s, \"1i 10m 1h\"), "
                   "stop with a checkpoint at EXITAT (also -checkpoint)");
    app.add_flag("--no-exitat", options.no_exitat,
                 "Ignore every exit-at (RIB, ini): render each frame to the end");
    app.add_option("--recover", options.recover,
                   "1: continue from the outputs' checkpoints when they match the scene "
                   "(also -recover)")
        ->check(CLI::Range(0, 1));
    app.add_flag("--rerender", options.rerender,
                 "With -recover 1: render frames again even when their finals match the scene "
                 "(checkpoints still resume)");
    app.add_flag("--allow-command", options.allow_command,
                 "Allow the post-checkpoint command (Option \"checkpoint\" \"string command\")");
    app.add_option("--resumable-exit-code", options.resumable_exit_code,
                   "Exit code when stopped with a resumable checkpoint")
        ->capture_default_str()
        ->check(CLI::Range(1, 255));
    app.add_option("--ini", options.ini,
                   "Settings file (default: $CKRENDER_INI, else ./ckrender.ini if present); "
                   "./rendermn.ini is read first");
    app.add_option("--cwd", options.cwd,
                   "Work in this directory: outputs and relative paths of the scene are found "
                   "there (also -cwd; the scene path itself is relative to where you are)");
    app.add_option("--progress", options.progress,
                   "Seconds between progress lines (0 turns them off)")
        ->capture_default_str();
    app.add_flag("--rman-progress", options.rman_progress,
                 "RenderMan's progress lines on stdout, \"R90000  NN%\", as farm managers parse "
                 "them (also -progress)");
    app.add_flag("--json", options.json,
                 "JSON lines on stdout: progress, checkpoint commits, a summary per frame and "
                 "per run (docs/json.md); -progress lines stay on stdout as well");
    app.add_flag("-q,--quiet", options.quiet, "Print only warnings and errors");
    app.set_version_flag("--version", std::string("ckrender ") + CK_VERSION);

    std::vector<std::string> args = ck::render::normalise_arguments(
        std::vector<std::string>(argv + 1, argv + argc));
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them in reverse
    try {
        app.parse(reversed);
    } catch (const CLI::Success& e) {
        return app.exit(e);  // --help, --version
    } catch (const CLI::ParseError& e) {
        print_line(std::string("ckrender: error: ") + e.what());
        if (const std::string hint = ck::render::interval_sequence_hint(args); !hint.empty())
            print_line("ckrender: hint: " + hint);
        print_line("ckrender: run 'ckrender --help' for the options");
        return exit_code(ExitCode::Usage);
    }

    // -cwd: the scene and --ini as given are relative to where ckrender was
    // started; everything the scene names is relative to the new directory.
    if (!options.cwd.empty()) {
        std::error_code ec;
        if (options.scene != "-")
            options.scene = std::filesystem::absolute(options.scene, ec).string();
        if (!options.ini.empty())
            options.ini = std::filesystem::absolute(options.ini, ec).string();
        if (::chdir(options.cwd.c_str()) != 0) {
            print_line("ckrender: error: --cwd: cannot change to " + options.cwd + ": " +
                       std::strerror(errno));
            return exit_code(ExitCode::Usage);
        }
    }
    JsonLines json(options.json, options.progress, options.scene);
    const auto start = ck::render::Clock::now();
    int code = exit_code(ExitCode::Io);
    try {
        code = run(options, json);
    } catch (const std::bad_alloc&) {
        // Anywhere (parse, build, render, write): one message, the resource
        // class's exit code, never an abort. Committed checkpoints stay as
        // they were; the write in flight, if any, left only its .part files.
        print_line("ckrender: error: out of memory (" + memory_limit_text() +
                   "); committed checkpoints are intact, resume with -recover 1 on a "
                   "machine with more memory");
    }
    json.summary(code, seconds_since(start));
    return code;
}
