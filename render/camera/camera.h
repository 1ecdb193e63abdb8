// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The RenderMan camera (perspective or orthographic, screen window, clipping)
// and pixel-filter importance sampling.
#pragma once

#include "integrator/rt_math.h"
#include "scene/scene.h"

#include <vector>

namespace ck::render {

/// Draws pixel-offsets distributed like the pixel filter (filter importance
/// sampling): the film then averages samples with weight 1.
class FilterSampler {
public:
    explicit FilterSampler(const scene::PixelFilter& filter);

    /// Offset from the pixel centre, in pixels, for two uniform numbers.
    V2f sample(float u1, float u2) const;

private:
    enum class Kind { Box, Triangle, Tabulated };

    float sample_axis(float u, float width, const std::vector<float>& cdf) const;

    Kind m_kind = Kind::Box;
    float m_xwidth = 1.0f;
    float m_ywidth = 1.0f;
    std::vector<float> m_xcdf;  ///< Tabulated: cumulative filter weight over kTableSize bins.
    std::vector<float> m_ycdf;
};

class Camera {
public:
    Camera(const scene::Camera& camera, const scene::Image& image);

    /// World-space primary ray through raster position (rx, ry) (pixels, y down,
    /// (0,0) = top-left corner of the image). tnear/tfar come from the clipping planes.
    void generate_ray(float rx, float ry, V3f& org, V3f& dir, float& tnear, float& tfar) const;

    /// The screen window in use (left, right, bottom, top).
    const float* screen_window() const { return m_window; }

private:
    scene::Projection m_projection;
    M44f m_camera_to_world;
    float m_window[4];
    float m_tan_half_fov = 1.0f;
    float m_xres = 1.0f;
    float m_yres = 1.0f;
    float m_near = 0.0f;
    float m_far = 1e30f;
};

}  // namespace ck::render
