// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The film: per-pixel state in exactly the form a checkpoint stores it.
// Each pixel holds a float32 running mean of R, G, B, A and a float32 weight
// `~w` (the number of samples taken). A pixel is only ever updated by one
// thread at a time and in sample-index order, so the state is a pure function
// of the samples, and a snapshot taken between any two tiles can be written
// and read back without losing a bit (docs/determinism.md).
#pragma once

#include "integrator/frame_renderer.h"
#include "scene/scene.h"

#include <cstddef>
#include <vector>

namespace ck::render {

/// A half-open rectangle of pixels [x0, x1) x [y0, y1) in full-image coordinates.
struct PixelWindow {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;

    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
    bool empty() const { return width() <= 0 || height() <= 0; }
    bool operator==(const PixelWindow& o) const
    {
        return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1;
    }
};

/// The pixels a frame renders: its CropWindow, rounded as RISpec says
/// (xmin = ceil(xres * cxmin), xmax = ceil(xres * cxmax) - 1, inclusive, clamped).
PixelWindow crop_pixel_window(const scene::Image& image);

class Film {
public:
    /// Values stored per pixel, in this order: R, G, B, A, weight.
    static constexpr int kValuesPerPixel = 5;
    static constexpr int kWeightOffset = 4;

    Film(int full_width, int full_height, PixelWindow window);

    int full_width() const { return m_full_width; }
    int full_height() const { return m_full_height; }
    const PixelWindow& window() const { return m_window; }
    size_t pixel_count() const { return size_t(m_window.width()) * size_t(m_window.height()); }

    /// Folds one sample into pixel (x, y) (full-image coordinates, inside the window).
    void add_sample(int x, int y, const PixelSample& sample)
    {
        float* p = pixel(x, y);
        float w = p[kWeightOffset] + 1.0f;
        float inv = 1.0f / w;
        p[0] += (sample.r - p[0]) * inv;
        p[1] += (sample.g - p[1]) * inv;
        p[2] += (sample.b - p[2]) * inv;
        p[3] += (sample.a - p[3]) * inv;
        p[kWeightOffset] = w;
    }

    /// Samples taken so far in pixel (x, y).
    float weight(int x, int y) const { return pixel(x, y)[kWeightOffset]; }

    /// The pixel's R, G, B, A, weight.
    float* pixel(int x, int y)
    {
        return &m_data[(size_t(y - m_window.y0) * size_t(m_window.width()) + size_t(x - m_window.x0)) *
                       kValuesPerPixel];
    }
    const float* pixel(int x, int y) const { return const_cast<Film*>(this)->pixel(x, y); }

    /// All pixels, row by row over the window, kValuesPerPixel floats each.
    const std::vector<float>& data() const { return m_data; }
    std::vector<float>& data() { return m_data; }

    /// Copies the first `colour_channels` values (3 = RGB, 4 = RGBA) of each
    /// pixel, followed by the weight when `with_weight`, interleaved, row by row.
    std::vector<float> interleaved(int colour_channels, bool with_weight) const;

    /// Sum of all weights: the samples the film holds.
    double total_weight() const;

    /// Smallest weight over the window (0 for an empty film).
    float min_weight() const;

private:
    int m_full_width;
    int m_full_height;
    PixelWindow m_window;
    std::vector<float> m_data;
};

}  // namespace ck::render
