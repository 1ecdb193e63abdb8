// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The scene fingerprint (B3): a hash of everything that changes a frame's
// pixels, split into named parts so a mismatch can say what changed. It
// covers the camera, resolution, crop and filter, seed, path depth, geometry,
// materials, lights and the contents of referenced files (light maps). It
// leaves out what does not change pixels: checkpoint options, maxsamples,
// thread count, display names and formats, incremental vs bucket mode
// (both give the same bits, docs/determinism.md), and the settings that are
// stored but not applied yet (Exposure, PixelVariance).
#pragma once

#include "scene/scene.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ck::scene {

struct Fingerprint {
    /// (part name, hash) in a fixed order: camera, image, sampling, integrator,
    /// geometry, materials, lights, assets.
    std::vector<std::pair<std::string, uint64_t>> parts;

    /// One hash over all parts, as 16 hex digits.
    std::string hex() const;
    /// "camera=0123...;image=...;..." (what ck:fingerprintParts stores).
    std::string parts_text() const;
};

/// Computes the fingerprint of one frame. ck::changed_fingerprint_parts()
/// (libimage, ck/recovery.h) compares two parts_text() values. Referenced files are read to hash
/// their contents; an unreadable file hashes as "missing" (the renderer
/// reports the error itself).
Fingerprint fingerprint_frame(const Frame& frame);

}  // namespace ck::scene
