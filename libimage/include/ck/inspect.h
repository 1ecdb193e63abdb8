// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// What an image file is and holds, for ckinfo (S30) and the other tools: its
// kind (checkpoint, asfinal checkpoint, deep-data checkpoint, final ckrender
// image, or an image that is not ours), layout, checkpoint metadata, resume
// history (B7), ~w statistics, and whether every pixel could be read.
#pragma once

#include <ck/checkpoint.h>
#include <ck/provenance.h>
#include <ck/result.h>
#include <ck/safe_read.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ck {

/// What a readable image is, from ckrender's point of view.
enum class ImageKind {
    Checkpoint,        ///< ck:state "checkpoint": resumable, not finished.
    AsFinal,           ///< ck:state "asfinal": finished but kept resumable (S14).
    DeepCheckpoint,    ///< A deep image that carries ck:state (S18).
    Final,             ///< Written by ckrender (Software), no checkpoint state.
    NotOurs,           ///< Any other image.
    OrphanedMetadata,  ///< ck: keys without the ~w state (another tool dropped ~w): not resumable.
};

/// "checkpoint", "asfinal checkpoint", "deep-data checkpoint", "final",
/// "not a ckrender image", "checkpoint metadata without its state".
const char* image_kind_name(ImageKind kind);

/// A stable one-word name for JSON: "checkpoint", "asfinal", "deep-checkpoint",
/// "final", "not-ours", "orphaned-metadata".
const char* image_kind_id(ImageKind kind);

/// A window in pixels (x, y of the first pixel; width and height).
struct PixelRect {
    int x = 0, y = 0, width = 0, height = 0;
};

/// One channel as stored.
struct ChannelInfo {
    std::string name;
    std::string type;  ///< "half", "float", "uint", ...
};

/// Samples per pixel, from the ~w channel.
struct WeightStats {
    double min = 0, mean = 0, max = 0;
    double sum = 0;                 ///< Sum of ~w (exact for counts below 2^53).
    uint64_t pixels = 0;            ///< Pixels in the data window.
    uint64_t pixels_at_target = 0;  ///< Pixels whose ~w reached ck:targetSamples.
    double fraction_done = 0;       ///< pixels_at_target / pixels.
};

/// One process's entry in the resume history (ck:history, B7): key/value pairs
/// in file order, values as text ("host", "threads", "elapsed", ...).
struct ResumeRecord {
    std::vector<std::pair<std::string, std::string>> fields;
    /// The value for `key`, or "" when absent.
    std::string get(const std::string& key) const;
};

/// What to do beyond reading the header.
struct InspectOptions {
    bool read_pixels = true;        ///< Read every subimage, level, chunk and tile in full.
    uint64_t max_memory_bytes = 0;  ///< Refuse files whose read would need more (0: no cap).
    bool keep_weights = false;      ///< Keep the ~w plane in ImageReport::weights_plane.
};

/// Everything inspect_image() found.
struct ImageReport {
    ImageFormat format = ImageFormat::None;
    ImageKind kind = ImageKind::NotOurs;
    uint64_t file_size = 0;
    int subimages = 1;
    int miplevels = 1;  ///< Of subimage 0.
    bool deep = false;
    bool tiled = false;
    int tile_width = 0, tile_height = 0;
    PixelRect data_window, display_window;
    std::vector<ChannelInfo> channels;  ///< Subimage 0, in the reader's order.
    std::string compression;
    std::string software;

    /// The parsed ck: metadata, when present and well formed.
    std::optional<CheckpointHeader> header;
    /// Every ck: attribute and checkpointElapsed, as "name" / value text, sorted by name.
    std::vector<std::pair<std::string, std::string>> checkpoint_attributes;
    std::optional<float> checkpoint_elapsed;  ///< checkpointElapsed (S21), when present.
    std::vector<ResumeRecord> history;        ///< Parsed ck:history (B7).
    /// The provenance record of a final (ckrender: keys), when present and intact.
    std::optional<FinalProvenance> provenance;

    bool pixels_checked = false;      ///< Every chunk/tile was read without error.
    bool state_hash_checked = false;  ///< ck:stateHash was compared (and matched unless damaged).
    std::optional<WeightStats> weights;  ///< When ~w was read.
    std::vector<float> weights_plane;    ///< ~w row by row over the data window (keep_weights).

    /// Damage found: non-empty means the file is damaged or inconsistent, even
    /// though its header could be read. Each is one line.
    std::vector<std::string> problems;
    /// Remarks that are not damage (e.g. "~w channel without checkpoint metadata").
    std::vector<std::string> notes;

    bool damaged() const { return !problems.empty(); }
    /// The number of ~w samples per pixel that checkpoints count towards.
    int target_samples() const { return header ? header->target_samples : 0; }
};

/// Inspects `path`: checks its structure against its size (safe_read.h), runs
/// OpenEXR's file check, reads the header with the reader forced by magic bytes,
/// parses the checkpoint metadata and history, and (options.read_pixels) reads
/// every subimage and level in full, computing ~w statistics and verifying
/// ck:stateHash and ck:samplesDone for checkpoints.
///
/// Returns an error only when nothing useful could be read: ErrorCode::NotFound
/// (cannot open), ErrorCode::Unsupported (not OpenEXR or TIFF), ErrorCode::Corrupt
/// (structure or header unreadable), ErrorCode::Internal (out of memory). Damage
/// found after the header was read is in ImageReport::problems instead, so the
/// caller can still show what the file claims to be. Never prints or exits.
Result<ImageReport> inspect_image(const std::string& path, const InspectOptions& options = {});

/// Parses a ck:history value: a JSON array of flat objects whose values are
/// strings or numbers. Returns ErrorCode::Corrupt for anything else.
Result<std::vector<ResumeRecord>> parse_resume_history(const std::string& json);

}  // namespace ck
