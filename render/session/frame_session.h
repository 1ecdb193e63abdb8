// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Renders one frame: builds the FrameRenderer, runs the sample loop over tiles
// with oneTBB, takes checkpoints, and writes the displays. Incremental mode
// (S1) adds one sample to every pixel per increment; bucket mode renders each
// tile to its target in turn. Both fill the same Film, and each pixel's next
// sample index is its own weight, so any prefix of the work is a valid,
// resumable state and a checkpoint can be cut at any tile boundary (B5).
#pragma once

#include "film/film.h"
#include "integrator/frame_renderer.h"
#include "scene/fingerprint.h"
#include "scene/scene.h"
#include "session/checkpoint_config.h"
#include "session/checkpoint_io.h"
#include "session/schedule.h"

#include <ck/checkpoint.h>
#include <ck/result.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace ck::render {

// The buckets' size and order come from the scene (Sampling::bucket_width,
// bucket_height, bucket_order: 16x16, horizontal by default).

using Clock = std::chrono::steady_clock;

/// Where a frame's render stands, for progress displays (issue 9, item 6).
struct Progress {
    int frame = 0;
    double fraction = 0;          ///< Samples taken / samples the frame needs, 0..1.
    double frame_elapsed = 0;     ///< Seconds since work on this frame began.
    double eta = -1;              ///< Seconds left at this process's rate; < 0 unknown.
    double since_checkpoint = -1; ///< Seconds since the last committed checkpoint; < 0 none.
    bool incremental = true;
    int increment = 0;            ///< Incremental: increments complete (or the one under way).
    bool increment_done = false;  ///< Incremental: reported at the end of `increment`.
    int target = 0;               ///< Samples per pixel wanted.
    size_t pixels_done = 0;       ///< Bucket: pixels at their target.
    size_t pixels = 0;            ///< Pixels in the data window.
    bool end = false;             ///< The frame's last report (finished or stopped).
};

/// One line of words for a progress report, without "ckrender: ", e.g.
/// "frame 1: increment 12/64, 18.8% done, 3.1 s elapsed, about 13 s left,
/// last checkpoint 1.2 s ago" or "frame 1: 42.0% of pixels done (...)".
std::string progress_text(const Progress& p);

/// One checkpoint set's write, committed or not (ckrender --json's
/// "checkpoint" event, docs/json.md).
struct CheckpointEvent {
    int frame = 0;
    uint64_t generation = 0;
    std::string reason;            ///< format::kReason*.
    bool ok = false;               ///< Committed.
    std::string error;             ///< Why not, when !ok.
    int min_samples = 0;           ///< Incremental: the smallest ~w written.
    size_t pixels_done = 0;        ///< Bucket: pixels at their target.
    size_t pixels = 0;
    double write_seconds = 0;      ///< Encoding and commit, on the writer thread.
    double frame_elapsed = 0;      ///< Seconds since work on this frame began.
};

struct RenderOptions {
    int threads = 0;  ///< Worker threads; 0 means every core.
    /// Receives progress, timing and checkpoint lines (without "ckrender: ").
    std::function<void(const std::string&)> log;
    /// Seconds between progress lines; <= 0 turns them off.
    double progress_interval = 5.0;
    /// Receives a progress report at most every progress_tick seconds, after
    /// every increment, and at the end of the frame; may be called from a
    /// render thread (one call at a time). When unset, a plain progress line
    /// goes to `log` every progress_interval seconds instead.
    std::function<void(const Progress&)> on_progress;
    double progress_tick = 0.25;
    /// Receives every checkpoint write's outcome (from the writer thread).
    std::function<void(const CheckpointEvent&)> on_checkpoint;
    /// When set and true, the loop stops at the next tile boundary (no checkpoint).
    const std::atomic<bool>* stop = nullptr;
    /// Poll the process's signal flags (S27). Off in unit tests.
    bool use_signals = false;
    /// Start of the process (checkpointElapsed, S21) and of work on this frame
    /// (intervals and exit-at, S5, S9).
    Clock::time_point process_start = Clock::now();
    Clock::time_point frame_start = Clock::now();
    CheckpointConfig checkpoint;
    bool recover = false;  ///< -recover 1 (S22).
    /// With recover: render frames again even when their finals match the scene.
    bool rerender = false;
    std::string renderer_id = "ckrender";  ///< Version, Embree and ISA, for ck:renderer.
    /// Runs in each checkpoint and final write once its .part files are written
    /// and before the first rename (on the writer thread for background
    /// checkpoints; writes never overlap); a failure is that write's failure.
    /// ckrender renews its output locks here (OutputLock::renew): the output
    /// directory may have vanished and come back, and a set that becomes
    /// visible in a directory must be covered by a lock in that directory.
    std::function<Status()> before_write;
};

struct FrameStats {
    double build_seconds = 0;   ///< FrameRenderer::create (BVH, light tables, maps).
    double render_seconds = 0;  ///< The sample loop.
    uint64_t samples = 0;       ///< Camera samples taken by this process.
    int checkpoints = 0;        ///< Checkpoint sets committed.
    double stall_seconds = 0;   ///< Render-thread time spent on checkpoints (snapshots).
    double max_stall_seconds = 0;
};

/// How a frame's render ended.
enum class FrameOutcome {
    Finished,     ///< Every pixel reached its target; finals (or asfinal) written.
    ExitAt,       ///< Exit-at reached; checkpoint written (S9). Go on to the next frame.
    Interrupted,  ///< A checkpoint-and-exit signal; checkpoint written. Stop everything.
    Stopped,      ///< The stop flag (no checkpoint).
    /// A checkpoint-and-exit signal before this process added any sample:
    /// nothing to save and nothing lost (any checkpoint on disk is intact).
    SignalBeforeWork,
    /// Exit-at reached, but the outputs cannot hold a checkpoint (TIFF): the
    /// image as it stood was written as a draft final (S3, S11). Go on to the
    /// next frame.
    DraftExitAt,
    /// A checkpoint-and-exit signal, and the outputs cannot hold a checkpoint:
    /// the image as it stood was written as a draft final. Stop everything.
    DraftInterrupted,
    Failed,       ///< An image could not be written; see the status.
    AlreadyDone,  ///< -recover 1 found the frame finished and completed its final write.
};

class FrameSession {
public:
    FrameSession(const scene::Frame& frame, RenderOptions options);
    ~FrameSession();

    /// Makes the FrameRenderer for a frame (FrameRenderer::create in ckrender;
    /// tests pass their own).
    using RendererFactory = std::function<Result<std::unique_ptr<FrameRenderer>>(
        const scene::Frame&, const RendererSettings&)>;

    /// Builds the renderer through `factory`. Fails with the renderer's message.
    Status build(const RendererFactory& factory);

    /// With options.recover, tries to continue from the outputs (S22) and logs
    /// one line saying what happened. Call before build() and run().
    void recover();

    /// False when recover() found nothing to render (the frame is finished) or
    /// failed; build() can then be skipped.
    bool needs_render() const { return !m_already_done && m_recover_failure.is_ok(); }

    /// Renders, checkpoints, and writes the final images. `status` explains Failed.
    FrameOutcome run(Status& status);

    const Film& film() const { return m_film; }
    const FrameStats& stats() const { return m_stats; }
    int target_samples() const { return m_target; }
    const scene::Fingerprint& fingerprint() const { return m_fingerprint; }

private:
    enum class LoopEnd { Done, ExitAt, Signal, Stop };

    void log(const std::string& line) const;
    double frame_elapsed() const;
    bool interrupt_pending() const;
    LoopEnd render_loop();
    /// Renders sample `sample_index` of pixel (x, y), every channel, into the film.
    void sample_pixel(int x, int y, uint32_t sample_index);
    void render_tile_incremental(const PixelWindow& tile, int increment);
    /// True when every pixel of the tile reached the target (false: stopped).
    bool render_tile_bucket(const PixelWindow& tile);
    CheckpointHeader make_header(const char* reason, const char* state);
    /// The header of the film's state now, at `generation` (make_header takes the next one).
    CheckpointHeader header_at(const char* reason, const char* state, uint64_t generation) const;
    /// Snapshots the film and writes a checkpoint set (in the background
    /// unless `sync`). Returns the commit status when synchronous.
    Status take_checkpoint(const char* reason, bool sync);
    /// Logs a commit (or its failure) and runs the post-checkpoint command.
    /// May run on the writer thread: touches no film or loop state.
    /// `pixels_done`: pixels at the target in the committed snapshot.
    void after_commit(const Status& status, uint64_t generation, const char* reason,
                      int min_samples, uint64_t pixels_done, double write_seconds);
    /// The finals (or the asfinal checkpoint). `draft`: stopped early on outputs
    /// that cannot hold a checkpoint; the image as it stands, no command run.
    Status write_final(bool draft = false);
    /// Builds a report and hands it on, if one is due (`force`: always).
    void report_progress(int increment, bool increment_done, bool force, bool end = false);
    /// From a render thread after a tile: a report when progress_tick has passed.
    void tile_done(uint64_t samples_added, size_t pixels_finished);
    void report_timing(bool finished);

    const scene::Frame& m_frame;
    RenderOptions m_options;
    int m_target;
    Film m_film;
    std::unique_ptr<FrameRenderer> m_renderer;
    FrameStats m_stats;
    scene::Fingerprint m_fingerprint;

    // Checkpoint state.
    bool m_can_checkpoint = false;
    std::string m_render_id;
    uint64_t m_generation = 0;
    double m_total_before = 0;      ///< Total elapsed of earlier processes (B7).
    std::string m_history_before = "[]";
    uint64_t m_samples_at_start = 0;
    uint64_t m_increments_done = 0;  ///< Complete increments in this process.
    CheckpointSchedule m_schedule;
    std::unique_ptr<CheckpointWriter> m_writer;
    bool m_run_command = false;
    std::vector<std::string> m_command;
    std::atomic<int> m_failed_writes{0};
    // Progress: counts kept by render threads, and when the next report is due.
    std::atomic<uint64_t> m_samples_added{0};
    std::atomic<size_t> m_pixels_finished{0};
    std::atomic<int64_t> m_next_report_ns{0};
    std::atomic<int> m_increment_now{0};
    std::atomic<double> m_last_commit{-1.0};  ///< frame_elapsed() at the last commit
    std::mutex m_progress_mutex;
    Clock::time_point m_render_start = Clock::now();
    double m_last_plain_line = -1e30;
    std::atomic<int> m_committed{0};
    // Touched only by after_commit(), which never runs twice at once (a
    // synchronous write first waits for the writer thread to be idle).
    double m_write_seconds = 0;
    bool m_cost_warned = false;
    bool m_already_done = false;  // recover() found the frame finished (or completed its final write)
    Status m_recover_failure;     // recover() could not read the outputs: run() fails with it
    bool m_busy_warned = false;  // S8: "still being written" said once per frame
};

/// The buckets of a window, `width` x `height` pixels (the last row and column
/// clipped), in the order the render threads take them (Option "bucket"
/// "string order", docs/scene-format.md). The order changes which buckets
/// finish first, never a pixel.
std::vector<PixelWindow> order_buckets(const PixelWindow& window, int width, int height,
                                       scene::BucketOrder order);

/// A new random render id: 32 hex digits.
std::string new_render_id();

}  // namespace ck::render
