// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckverify on a scene: for every frame, what `ckrender -recover 1` would do
// with the outputs on disk now. The decision is libimage's ck::check_recovery()
// on the expectation ck_scene builds (scene/recovery_expectation.h), the very
// calls ckrender makes, so the two cannot disagree; this file only names the
// outcome and says it in words.
#pragma once

#include <ck/checkpoint.h>
#include <ck/tool/file_report.h>

#include <optional>
#include <string>
#include <vector>

namespace ck::verify {

/// What -recover 1 would do with one frame.
enum class Outcome {
    Resumable,               ///< Continues from the checkpoint.
    KilledDuringCheckpoint,  ///< Continues from the previous checkpoint; orphaned .part present.
    InterruptedCommit,       ///< Completes a commit cut between renames (B2), then continues.
    Finished,                ///< Nothing to do: the finals match the scene, samples all there.
    FinalOutdated,           ///< Renders again: the finals do not match the scene (says why).
    Unreadable,              ///< Stops with an I/O error, touching nothing: a file cannot be read.
    InProgress,              ///< A live ckrender holds the outputs (recovery would be refused).
    Missing,                 ///< Starts over: an output is missing.
    FingerprintMismatch,     ///< Starts over: the scene changed (says what).
    Mixed,                   ///< Starts over: files from different checkpoints.
    Damaged,                 ///< Starts over: an output cannot be read or fails its hash.
    DisplaySetChanged,       ///< Starts over: other displays, frame, resolution or crop.
    NotCheckpointable,       ///< Starts over: an output format cannot hold a checkpoint (S3).
};

/// A stable id for JSON: "resumable", "killed-during-checkpoint", ...
const char* outcome_id(Outcome outcome);

/// True when nothing would be lost (resume, finished, or still rendering).
bool loses_nothing(Outcome outcome);

struct FrameVerdict {
    int frame = 0;
    Outcome outcome = Outcome::Missing;
    /// check_recovery()'s line: for a start over, exactly the reason ckrender
    /// prints after "recover: starting from scratch: ".
    std::string message;
    std::vector<std::string> displays;      ///< Output paths, as the RIB names them.
    std::vector<std::string> part_files;    ///< .part files found beside them.
    std::vector<std::string> roll_forward;  ///< Displays whose .part -recover 1 renames into place.
    std::vector<std::string> in_use;        ///< Outputs a live ckrender holds.
    std::optional<CheckpointHeader> header;  ///< The checkpoint set's header (display 0).
    int target_samples = 0;                  ///< What the scene asks for now.
    /// Resumable from checkpoints left by a kill during a final write (the
    /// target was raised since): the line says so, from `message`.
    bool after_interrupted_final = false;
};

/// Parses `scene_path` with ckrender's parser and judges each frame (only
/// `only_frame` when it is >= 0). Fills `report` with one line per frame,
/// a JSON object, parser errors as `file:line:col: message`, and the exit code:
/// Ok when every frame loses nothing, CheckFailed otherwise or when the scene
/// does not parse. `verbose` adds a line per display.
void verify_scene(const std::string& scene_path, int only_frame, int verbose,
                  tool::FileReport& report);

}  // namespace ck::verify
