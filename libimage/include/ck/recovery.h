// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The recovery rules (S22, B2, B3) in one place: ckrender's -recover 1 and
// ckverify both call check_recovery(), so the verdict ckverify prints is the
// decision ckrender then makes.
#pragma once

#include <ck/checkpoint.h>
#include <ck/provenance.h>
#include <ck/result.h>

#include <string>
#include <vector>

namespace ck {

/// One display of a frame as the scene describes it now.
struct ExpectedDisplay {
    std::string path;                   ///< As the Display names it.
    /// Checkpoint channels: the display's own, its hidden state, ~w last.
    std::vector<std::string> channels;
    /// The channels a format version 1 or 2 checkpoint of this display has
    /// (R, G, B[, A], ~w), still resumed; empty when no such file can match.
    std::vector<std::string> legacy_channels;
    /// Channels a final of this display has.
    size_t final_channels = 0;
    /// Which of the frame's film channels the display holds (the same number
    /// in two displays is the same state); ids are the caller's.
    std::vector<int> film_channels;
};

/// What the scene says a frame's checkpoint set must match.
struct ExpectedFrame {
    int frame = 0;
    std::vector<ExpectedDisplay> displays;
    std::string fingerprint;        ///< Fingerprint::hex() of the scene now.
    std::string fingerprint_parts;  ///< Fingerprint::parts_text() of the scene now.
    int x = 0, y = 0, width = 0, height = 0;  ///< Data window (the crop window).
    int full_width = 0, full_height = 0;
    int target_samples = 1;
};

enum class RecoveryVerdict {
    Resumable,            ///< Complete, consistent, matching, unfinished: -recover 1 continues.
    /// Nothing to render: every display is a final whose provenance matches the
    /// scene and has the target samples, or an asfinal checkpoint at its target.
    /// -recover 1 skips the frame (unless told to render it again).
    Finished,
    /// Every display is a final, but they do not match the scene or its
    /// settings (no provenance record, another scene, a raised target, a draft,
    /// finals of different renders): the frame renders again (message says why).
    FinalOutdated,
    Unreadable,           ///< A file is there but cannot be opened: an I/O error, touch nothing.
    Missing,              ///< A display's file does not exist.
    Damaged,              ///< A file cannot be read or fails its state hash.
    Mixed,                ///< Files from different checkpoints (render id or generation).
    FingerprintMismatch,  ///< The scene changed since the checkpoint (message says what).
    DisplaySetChanged,    ///< Another display set, frame, resolution or crop window.
};

/// A short lower-case name: "resumable", "finished", "missing", ...
const char* verdict_name(RecoveryVerdict verdict);

struct RecoveryCheck {
    RecoveryVerdict verdict = RecoveryVerdict::Missing;
    /// One line: what would be resumed, or which rule failed.
    std::string message;
    /// Display 0's header of the chosen set (when one was found).
    CheckpointHeader header;
    bool has_header = false;
    /// With Finished or FinalOutdated from finals: display 0's provenance record.
    FinalProvenance provenance;
    bool has_provenance = false;
    /// When Resumable: one image per display, channels as ExpectedDisplay asks.
    std::vector<CheckpointImage> images;
    /// Displays whose committed file lags one generation behind the others and
    /// whose complete `.part` of the newest generation must be renamed into place
    /// (a crash between two renames of a commit, B2). With verdict Finished:
    /// displays whose final image waits in its `.part` (a crash between the
    /// renames of the final write); renaming them finishes the frame.
    std::vector<size_t> roll_forward;
    /// Every `.part` file found beside the displays (a writer was killed during a
    /// checkpoint; the committed files are what counts).
    std::vector<std::string> part_files;
    /// Resumable from the displays still at their checkpoint after a kill
    /// between the renames of a final write, because the target was raised
    /// since (their `.part` finals are replaced by the next commit).
    bool after_interrupted_final = false;
};

/// Reads every display's file (and any `.part` beside it) and applies the
/// recovery rules in order: missing, unreadable, finals (matching provenance:
/// Finished; otherwise FinalOutdated with the reason), damaged, interrupted
/// final write, mixed set (a final beside checkpoints names the display whose
/// work would be discarded), fingerprint, display set / frame / window,
/// finished samples. Changes nothing on disk. Never throws.
RecoveryCheck check_recovery(const ExpectedFrame& expected);

/// The spec of `path` when it is a complete final image: no checkpoint state,
/// every pixel readable. What a final write leaves in a `.part`, fsynced before
/// any rename (B2); recovery and ckclean both ask. ErrorCode::Corrupt or
/// NotFound otherwise.
Result<OIIO::ImageSpec> read_complete_final(const std::string& path);

/// Renames the `.part` files named by check.roll_forward over their displays
/// and fsyncs the directories (B2). Returns ErrorCode::Io on failure.
Status complete_interrupted_commit(const RecoveryCheck& check, const ExpectedFrame& expected);

/// The names of the fingerprint parts ("camera", "lights", ...) that differ
/// between two "name=hex;..." texts; a part missing from `stored` is reported
/// as "NAME (not recorded)".
std::vector<std::string> changed_fingerprint_parts(const std::string& stored,
                                                   const std::string& current);

}  // namespace ck
