// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "film/film.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ck::render {

PixelWindow crop_pixel_window(const scene::Image& image)
{
    auto clampi = [](int v, int lo, int hi) { return std::max(lo, std::min(v, hi)); };
    const float* c = image.crop_window;
    PixelWindow w;
    w.x0 = clampi(int(std::ceil(float(image.xres) * c[0])), 0, image.xres);
    w.x1 = clampi(int(std::ceil(float(image.xres) * c[1])), 0, image.xres);
    w.y0 = clampi(int(std::ceil(float(image.yres) * c[2])), 0, image.yres);
    w.y1 = clampi(int(std::ceil(float(image.yres) * c[3])), 0, image.yres);
    return w;
}

Film::Film(int full_width, int full_height, PixelWindow window)
    : m_full_width(full_width),
      m_full_height(full_height),
      m_window(window),
      m_data(size_t(std::max(0, window.width())) * size_t(std::max(0, window.height())) *
                 kValuesPerPixel,
             0.0f)
{
}

std::vector<float> Film::interleaved(int colour_channels, bool with_weight) const
{
    const int out_channels = colour_channels + (with_weight ? 1 : 0);
    std::vector<float> out(pixel_count() * size_t(out_channels));
    for (size_t i = 0, n = pixel_count(); i < n; ++i) {
        const float* src = &m_data[i * kValuesPerPixel];
        float* dst = &out[i * size_t(out_channels)];
        for (int c = 0; c < colour_channels; ++c)
            dst[c] = src[c];
        if (with_weight)
            dst[colour_channels] = src[kWeightOffset];
    }
    return out;
}

double Film::total_weight() const
{
    double sum = 0;
    for (size_t i = 0, n = pixel_count(); i < n; ++i)
        sum += double(m_data[i * kValuesPerPixel + kWeightOffset]);
    return sum;
}

float Film::min_weight() const
{
    if (pixel_count() == 0)
        return 0.0f;
    float lo = std::numeric_limits<float>::max();
    for (size_t i = 0, n = pixel_count(); i < n; ++i)
        lo = std::min(lo, m_data[i * kValuesPerPixel + kWeightOffset]);
    return lo;
}

}  // namespace ck::render
