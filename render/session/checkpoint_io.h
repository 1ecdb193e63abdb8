// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// A frame's checkpoint set: one checkpoint image per display, all carrying the
// same render id and generation, written and committed together (S16, B2),
// read back together on recovery (S22, B1, B3), and the background writer
// that keeps compression and disk off the render threads (B4).
#pragma once

#include "film/film.h"
#include "scene/fingerprint.h"
#include "scene/scene.h"
#include "session/output.h"

#include <ck/checkpoint.h>
#include <ck/recovery.h>
#include <ck/result.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ck::render {

/// The channels a display's checkpoint carries, in the order written
/// (scene::checkpoint_channels).
std::vector<std::string> checkpoint_channels(const scene::Display& display);

/// True when every display of the frame can hold a checkpoint (OpenEXR, S3).
/// Otherwise `why` names the first display that cannot.
bool frame_can_checkpoint(const scene::Frame& frame, std::string& why);

/// Checkpoint images for every display of the frame from a film snapshot.
/// `base` supplies the fields common to the set; display index/name,
/// samples_done, min_samples and state_hash are filled in per image.
std::vector<OutputImage> checkpoint_images(const scene::Frame& frame, const FilmLayout& layout,
                                           const PixelWindow& window, const FilmState& state,
                                           const CheckpointHeader& base);

/// Loads the state of `film` from a resumable set's images (each naming its
/// display in its header): weights, exact sums (derived from the float means
/// for a version 1 or 2 file), kept values and z keys; then checks that every
/// version 3 file's own channels are exactly what that state shows.
/// ErrorCode::Corrupt names the file and the channel otherwise.
Status load_film(const scene::Frame& frame, const std::vector<CheckpointImage>& images,
                 Film& film);

/// The recovery expectations (libimage's ck::check_recovery) for a frame.
ExpectedFrame expected_frame(const scene::Frame& frame, const scene::Fingerprint& fingerprint,
                             int target_samples, const Film& film);

/// What -recover 1 found for a frame.
struct Recovery {
    bool resumed = false;
    /// Every display is a final that matches the scene and its settings (or an
    /// asfinal checkpoint at its target): nothing to render.
    bool finished = false;
    /// A file could not be read, or an interrupted commit could not be
    /// completed: the caller stops with an I/O error and touches nothing.
    bool failed = false;
    /// The frame was finished but killed between the renames of its final
    /// write; the finals were renamed into place and nothing is left to render.
    bool completed_final = false;
    /// One line: what was resumed, or which rule failed (S22, B3).
    std::string message;
    CheckpointHeader header;  ///< The recovered set's header (display 0), when resumed.
    /// Displays whose committed file lagged one generation and was rolled
    /// forward from its complete .part (a crash between renames).
    std::vector<std::string> repaired;
};

/// Examines the frame's outputs and, when they form a complete, consistent,
/// unfinished checkpoint set matching `fingerprint`, loads them into `film`.
/// Never modifies `film` otherwise. Files are not changed, except that a
/// verified `.part` of the newest generation is renamed over a lagging file.
Recovery recover_frame(const scene::Frame& frame, const scene::Fingerprint& fingerprint,
                       int target_samples, Film& film);

/// One process's ck:history record (B7, docs/checkpoint-format.md), as JSON
/// text: {"host", "pid", "threads", "written", "elapsed", "samplesFrom",
/// "samplesTo", "reason"}, the key order and types of every file written so
/// far (sample counts as decimal strings, elapsed in seconds to the millisecond).
std::string history_entry(const std::string& host, int pid, int threads,
                          const std::string& written, double elapsed, uint64_t samples_from,
                          uint64_t samples_to, const std::string& reason);

/// Appends one JSON object (text "{...}") to the JSON array text `array`. The
/// records already there keep their bytes. When `array` is empty or not a JSON
/// array (a hostile or damaged history), the result holds `object` alone.
std::string json_append(const std::string& array, const std::string& object);

/// One background thread that writes checkpoint sets in order. Render threads
/// hand it a film snapshot and go on; it builds the images, hashes, encodes,
/// writes the .part files, commits and then calls `on_done`.
class CheckpointWriter {
public:
    struct Job {
        FilmState film_data;
        CheckpointHeader base;
        /// Runs on the writer thread with the commit status and the seconds the
        /// write took (encode, write, fsync, rename).
        std::function<void(const Status&, double)> on_done;
    };

    /// `before_rename` runs on the writing thread once a set's .part files are
    /// written and before they are renamed into place (write_images_atomically).
    CheckpointWriter(const scene::Frame& frame, PixelWindow window,
                     std::function<Status()> before_rename = {});
    ~CheckpointWriter();
    CheckpointWriter(const CheckpointWriter&) = delete;
    CheckpointWriter& operator=(const CheckpointWriter&) = delete;

    /// Queues a job. If a job is still being written, waits for it first (so
    /// at most one is in flight and sets commit in generation order).
    void submit(Job job);

    /// Blocks until no job is queued or running.
    void wait_idle();

    /// True while a job is queued or being written.
    bool busy() const;

    /// Writes a set on the calling thread (for the final asfinal write and for
    /// synchronous checkpoints); same steps as a queued job.
    Status write_now(const FilmState& film_data, const CheckpointHeader& base) const;

private:
    void run();

    const scene::Frame& m_frame;
    FilmLayout m_layout;
    PixelWindow m_window;
    std::function<Status()> m_before_rename;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::unique_ptr<Job> m_job;
    bool m_running = false;
    bool m_quit = false;
    std::thread m_thread;
};

}  // namespace ck::render
