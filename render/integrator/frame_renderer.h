// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The per-frame renderer: builds Embree geometry, lights and materials from a
// scene::Frame, then answers "what does sample s of pixel (x, y) see?".
// The session (render/session) owns the loop, the film and the threads; this
// class is stateless after construction and safe to call from many threads.
#pragma once

#include "scene/scene.h"

#include <ck/result.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace ck::render {

/// One camera sample's result: linear RGB radiance and coverage alpha.
struct PixelSample {
    float r = 0, g = 0, b = 0, a = 0;
};

struct RendererSettings {
    /// Set to true from another thread to make a long Embree BVH build give up early.
    const std::atomic<bool>* cancel = nullptr;
};

class FrameRenderer {
public:
    virtual ~FrameRenderer() = default;

    /// Builds everything needed to render `frame`. Fails with a clear message on
    /// an Embree error, a cancelled build, or an unreadable light map.
    static Result<std::unique_ptr<FrameRenderer>> create(const scene::Frame& frame,
                                                         const RendererSettings& settings);

    /// Radiance and alpha of one camera sample of pixel (x, y), in full-image
    /// pixel coordinates (0,0 = top left). A pure function of
    /// (frame, seed, x, y, sample_index): calling it twice gives the same bits.
    /// Thread-safe.
    virtual PixelSample render_sample(int x, int y, uint32_t sample_index) const = 0;

    /// Every film channel of the frame for the same sample (scene::film_channels
    /// order, components in turn: `values` holds their sum of floats) and the
    /// sample's camera-space depth `z` (+inf when the camera ray hits nothing).
    /// Ci and a are exactly what render_sample() gives. Thread-safe.
    virtual void render_channels(int x, int y, uint32_t sample_index, float* values,
                                 float& z) const = 0;

    /// How many samples so far came out NaN or infinite and were replaced by
    /// black (diagnostics only; never affects the image).
    virtual uint64_t invalid_sample_count() const { return 0; }
};

}  // namespace ck::render
