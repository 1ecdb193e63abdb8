// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The provenance record of a final image: which render made it, from which
// scene (fingerprint), with how many samples of how many, in how much time.
// Finals carry it instead of the checkpoint state (S4), so that -recover 1
// skips a frame whose finals match the scene and its settings and renders
// again, with the reason, when they do not (docs/checkpoint-format.md).
#pragma once

#include <ck/checkpoint.h>
#include <ck/result.h>

#include <OpenImageIO/imageio.h>

#include <cstdint>
#include <string>

namespace ck {

struct FinalProvenance {
    int version = 0;               ///< format::kProvenanceVersion when written.
    std::string status;            ///< format::kStatusComplete or kStatusDraft.
    std::string render_id;         ///< The render (and its checkpoints) that made the image.
    uint64_t generation = 0;       ///< The checkpoint generation it was made from (0: none).
    int frame = 0;
    int display_index = 0;
    int display_count = 1;
    std::string display_name;
    int samples = 0;               ///< Smallest samples per pixel reached.
    int target_samples = 0;        ///< The frame's target (maxsamples).
    std::string fingerprint;       ///< Fingerprint of the scene that was rendered.
    std::string fingerprint_parts;
    double render_seconds = 0;     ///< Over every process of the render (B7).
    std::string renderer;
    std::string made_by;           ///< format::kMadeByRender or kMadeByStrip.

    /// True when the status says draft (fewer samples than the target).
    bool is_draft() const;
};

/// The provenance of a checkpoint's state: status complete when every pixel
/// has the target, draft otherwise. `made_by` is one of format::kMadeBy*.
FinalProvenance provenance_of(const CheckpointHeader& header, const char* made_by);

/// Writes every ckrender: key, and ckrender:provenanceHash over them.
void set_provenance_attributes(OIIO::ImageSpec& spec, const FinalProvenance& provenance);

/// Removes every ckrender: key from `spec`.
void erase_provenance_attributes(OIIO::ImageSpec& spec);

/// Reads the record back. ErrorCode::NotFound when the spec has no
/// ckrender:provenance key; ErrorCode::Corrupt naming the first key that is
/// missing or malformed, or when ckrender:provenanceHash does not match;
/// ErrorCode::Unsupported for a newer version.
Result<FinalProvenance> get_provenance_attributes(const OIIO::ImageSpec& spec);

/// "draft, 16 of 64 samples per pixel" / "complete, 64 samples per pixel".
std::string provenance_summary(const FinalProvenance& provenance);

}  // namespace ck
