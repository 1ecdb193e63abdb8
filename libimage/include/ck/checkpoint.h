// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Checkpoint images: ordinary float OpenEXR files that also carry the weight
// channel ~w and the ck: metadata needed to resume (S4, S21, B3, B7). This
// header reads and writes that metadata and whole checkpoint images; the key
// names live in checkpoint_format.h.
#pragma once

#include <ck/result.h>

#include <OpenImageIO/imageio.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ck {

/// Everything a checkpoint file says about itself besides its pixels.
struct CheckpointHeader {
    int format_version = 0;   ///< format::kFormatVersion when written (1 files are still read).
    std::string state;        ///< format::kStateCheckpoint or kStateAsFinal.
    std::string render_id;    ///< Same for every file and every checkpoint of one render.
    uint64_t generation = 0;  ///< 1 for the first checkpoint, +1 per commit.
    int frame = 0;
    int display_index = 0;
    int display_count = 1;
    std::string display_name;
    std::string mode;         ///< format::kModeIncremental or kModeBucket.
    int target_samples = 0;
    uint64_t samples_done = 0;  ///< Sum of ~w over the data window.
    int min_samples = 0;        ///< Smallest ~w.
    std::string fingerprint;
    std::string fingerprint_parts;  ///< "camera=...;geometry=...;..." (what changed, B3).
    std::string reason;             ///< format::kReason*.
    float checkpoint_elapsed = 0;   ///< S21: this process only.
    double total_elapsed = 0;       ///< B7: every process of this render.
    std::string history;            ///< B7: JSON array of resume records.
    uint32_t seed = 0;
    std::string renderer;
    uint64_t state_hash = 0;        ///< XXH64 of the pixel state (see state_hash()).
};

/// Adds every ck: key and checkpointElapsed to `spec`, and ck:headerHash
/// (header_hash() of `header` and of spec's data and display windows, so call
/// this once the windows are final). header.format_version is written as given.
void set_checkpoint_attributes(OIIO::ImageSpec& spec, const CheckpointHeader& header);

/// Reads the ck: keys back. Returns ErrorCode::NotFound when the spec has no
/// ck:state (not a checkpoint), ErrorCode::Corrupt naming the first key that is
/// missing or malformed, or when ck:headerHash does not match the header read
/// (required from format version 2; checked whenever present),
/// ErrorCode::Unsupported for a newer format version.
Result<CheckpointHeader> get_checkpoint_attributes(const OIIO::ImageSpec& spec);

/// The canonical serialisation that ck:headerHash covers: every field of
/// `header` (ck:stateHash included, format_version as given) and spec's data
/// and display windows, one record `KEY=LENGTH:VALUE` plus a newline each, in a
/// fixed order (docs/checkpoint-format.md, "The header hash").
std::string header_hash_text(const OIIO::ImageSpec& spec, const CheckpointHeader& header);

/// XXH64 of header_hash_text() (seed "ckhead"): what ck:headerHash stores.
uint64_t header_hash(const OIIO::ImageSpec& spec, const CheckpointHeader& header);

/// True when `spec` carries ck:state (a checkpoint or an asfinal checkpoint).
bool has_checkpoint_state(const OIIO::ImageSpec& spec);

/// XXH64 of the pixel state: float32 values, row by row over the data window,
/// and within a pixel in ALPHABETICAL channel-name order (OpenEXR's own storage
/// order), so writer and reader agree whatever order OIIO presents channels in.
/// `pixels` are interleaved in spec.channelnames order.
uint64_t state_hash(const OIIO::ImageSpec& spec, const float* pixels);

/// What is wrong with a ~w plane, given the header it came with; empty when
/// nothing is. Every value must be a whole, finite sample count within
/// [0, ck:targetSamples], their sum ck:samplesDone and their smallest
/// ck:minSamples. `weights` holds `count` values `stride` floats apart, row by
/// row over a data window `width` pixels wide starting at (`x0`, `y0`), so a
/// bad value is named by its pixel. read_checkpoint() refuses a file with any
/// problem (a forged ~w of -1e30 once hung the resume) and ckverify reports the
/// same problems, so ckrender, ckverify on the file and on the scene agree.
std::vector<std::string> weight_problems(const float* weights, size_t count, size_t stride,
                                         const CheckpointHeader& header, int width, int x0,
                                         int y0);

/// `v` with every digit it needs: 108 as "108", 108.5 as "108.5", -1e30 as
/// "-1.0000000150474662e+30", so two numbers that differ never print the same.
std::string exact_number(double v);

/// A checkpoint image read in full: channels in `channel_names` order (the
/// order asked for), float32, interleaved over the data window.
struct CheckpointImage {
    OIIO::ImageSpec spec;    ///< As stored (channel order as OIIO reports it).
    CheckpointHeader header;
    std::vector<std::string> channel_names;
    std::vector<float> pixels;
};

/// Reads a checkpoint: checks the OpenEXR magic bytes and that every chunk is
/// present, reads the header, reads `channel_names` by name (OIIO reorders
/// channels on read; every channel when empty), and verifies ck:stateHash over
/// them. A TIFF is read as a TIFF checkpoint (tiff_checkpoint.h).
/// Errors: ErrorCode::NotFound (no such file, or an EXR without ck:state: not
/// a checkpoint), ErrorCode::Io (the file is there but cannot be opened:
/// permissions, EMFILE, EIO), ErrorCode::Corrupt (not an
/// EXR, incomplete, unreadable chunk, hash mismatch, missing channel or key),
/// ErrorCode::Unsupported (newer format), each naming the file.
Result<CheckpointImage> read_checkpoint(const std::string& path,
                                        const std::vector<std::string>& channel_names);

/// True when the first bytes of `path` are the OpenEXR magic number.
bool has_exr_magic(const std::string& path);

}  // namespace ck
