// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The film: per-pixel state for every channel a frame writes, in a form that
// a checkpoint stores without losing a bit (docs/determinism.md,
// docs/checkpoint-format.md).
//
// Each pixel holds its weight ~w (the samples taken) and, per channel:
// - average and sum channels: one exact fixed-point sum per component
//   (ck/fixed_sum.h), so the same samples in any order give the same bits;
// - min and max channels: the smallest or largest value per component;
// - zmin and zmax channels: the values of the sample nearest (farthest) in z,
//   with the pixel's smallest (largest) z kept beside them; equal z picks the
//   lexicographically smaller values, so the result never depends on order.
// The float means a viewer shows are computed from that state when an image
// is written. A pixel is only ever updated by one thread at a time.
#pragma once

#include "integrator/frame_renderer.h"
#include "scene/scene.h"

#include <ck/fixed_sum.h>

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

/// Where each film channel keeps its state.
struct FilmChannel {
    scene::ChannelSource source = scene::ChannelSource::Ci;
    scene::ChannelFilter filter = scene::ChannelFilter::Average;
    int components = 3;
    int value_offset = 0;    ///< First of its values in a sample's value array.
    int sum_offset = -1;     ///< First of its sums (average, sum), else -1.
    int extreme_offset = -1; ///< First of its kept values (min, max, zmin, zmax), else -1.
    bool has_state() const { return sum_offset >= 0 || extreme_offset >= 0; }
};

class FilmLayout {
public:
    FilmLayout() = default;
    explicit FilmLayout(const std::vector<scene::ChannelDecl>& channels);
    /// Ci then a: today's RGBA film.
    static FilmLayout rgba();

    const std::vector<FilmChannel>& channels() const { return m_channels; }
    int value_count() const { return m_values; }     ///< Floats per sample.
    int sum_count() const { return m_sums; }          ///< Sums per pixel.
    int extreme_count() const { return m_extremes; }  ///< Kept floats per pixel.
    /// Per pixel: the smallest z (when a zmin channel exists) then the largest
    /// (when a zmax channel exists).
    int zkey_count() const { return int(m_has_zmin) + int(m_has_zmax); }
    bool has_zmin() const { return m_has_zmin; }
    bool has_zmax() const { return m_has_zmax; }
    /// Every value is summed, in order (Ci, a and other average or sum
    /// channels only): add_sample's fast path.
    bool all_sums() const { return m_all_sums; }
    /// Bytes of state per pixel (weight, sums, kept values, z keys).
    size_t bytes_per_pixel() const;

private:
    std::vector<FilmChannel> m_channels;
    int m_values = 0, m_sums = 0, m_extremes = 0;
    bool m_has_zmin = false, m_has_zmax = false;
    bool m_all_sums = false;
};

/// The whole state of a film: what a checkpoint stores and a snapshot copies.
struct FilmState {
    std::vector<float> weights;        ///< One per pixel, row by row over the window.
    std::vector<fixed::Sum> sums;      ///< sum_count() per pixel.
    std::vector<float> extremes;       ///< extreme_count() per pixel.
    std::vector<float> zkeys;          ///< zkey_count() per pixel.

    bool operator==(const FilmState& o) const
    {
        return weights == o.weights && sums == o.sums && extremes == o.extremes &&
               zkeys == o.zkeys;
    }
};

/// The float32 values film channel `c` shows for pixel `p` (components floats
/// into `out`): the mean (average), the sum, the kept value, or the weight.
void channel_values(const FilmLayout& layout, const FilmState& state, size_t p, size_t c,
                    float* out);

class Film {
public:
    /// Values of the RGBA layout per sample: R, G, B, A.
    Film(int full_width, int full_height, PixelWindow window);
    Film(int full_width, int full_height, PixelWindow window, FilmLayout layout);

    int full_width() const { return m_full_width; }
    int full_height() const { return m_full_height; }
    const PixelWindow& window() const { return m_window; }
    const FilmLayout& layout() const { return m_layout; }
    size_t pixel_count() const { return size_t(m_window.width()) * size_t(m_window.height()); }
    size_t index(int x, int y) const
    {
        return size_t(y - m_window.y0) * size_t(m_window.width()) + size_t(x - m_window.x0);
    }

    /// Folds one sample into pixel (x, y) (full-image coordinates, inside the
    /// window): `values` holds layout().value_count() floats, `z` the sample's
    /// camera depth (+inf for a miss).
    void add_sample(int x, int y, const float* values, float z);
    /// RGBA layout only: R, G, B, A of one sample.
    void add_sample(int x, int y, const PixelSample& sample)
    {
        const float v[4] = {sample.r, sample.g, sample.b, sample.a};
        add_sample(x, y, v, 0.0f);
    }

    /// Asks the cache for pixel (x, y)'s state ahead of its sample: a pixel's
    /// sums span cache lines that an incremental pass over a large film would
    /// otherwise miss (bench/film). No effect on any value.
    void prefetch(int x, int y) const
    {
        const size_t p = index(x, y);
        __builtin_prefetch(&m_state.weights[p], 1);
        if (m_layout.sum_count()) {
            const fixed::Sum* s = &m_state.sums[p * size_t(m_layout.sum_count())];
            __builtin_prefetch(s, 1);
            __builtin_prefetch(reinterpret_cast<const char*>(s + m_layout.sum_count()) - 1, 1);
        }
    }

    /// Samples taken so far in pixel (x, y).
    float weight(int x, int y) const { return m_state.weights[index(x, y)]; }

    /// The values film channel `c` shows at (x, y).
    void values(int x, int y, size_t c, float* out) const
    {
        channel_values(m_layout, m_state, index(x, y), c, out);
    }

    const FilmState& state() const { return m_state; }
    FilmState& state() { return m_state; }

    /// Sum of all weights: the samples the film holds.
    double total_weight() const;

    /// Smallest weight over the window (0 for an empty film).
    float min_weight() const;

private:
    int m_full_width;
    int m_full_height;
    PixelWindow m_window;
    FilmLayout m_layout;
    FilmState m_state;
};

}  // namespace ck::render
