// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "film/film.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ck::render {

using scene::ChannelFilter;
using scene::ChannelSource;

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

FilmLayout::FilmLayout(const std::vector<scene::ChannelDecl>& channels)
{
    for (const scene::ChannelDecl& decl : channels) {
        FilmChannel c;
        c.source = decl.source;
        c.filter = decl.filter;
        c.components = decl.components;
        c.value_offset = m_values;
        m_values += c.components;
        if (c.source != ChannelSource::SampleCount) {
            if (c.filter == ChannelFilter::Average || c.filter == ChannelFilter::Sum) {
                c.sum_offset = m_sums;
                m_sums += c.components;
            } else {
                c.extreme_offset = m_extremes;
                m_extremes += c.components;
                m_has_zmin = m_has_zmin || c.filter == ChannelFilter::ZMin;
                m_has_zmax = m_has_zmax || c.filter == ChannelFilter::ZMax;
            }
        }
        m_channels.push_back(c);
    }
    m_all_sums = m_sums == m_values && m_extremes == 0;
}

FilmLayout FilmLayout::rgba()
{
    return FilmLayout(scene::rgba_channels({}));
}

size_t FilmLayout::bytes_per_pixel() const
{
    return sizeof(float) + size_t(m_sums) * sizeof(fixed::Sum) +
           size_t(m_extremes + zkey_count()) * sizeof(float);
}

void channel_values(const FilmLayout& layout, const FilmState& state, size_t p, size_t c,
                    float* out)
{
    const FilmChannel& ch = layout.channels()[c];
    const float w = state.weights[p];
    if (ch.source == ChannelSource::SampleCount) {
        out[0] = w;
        return;
    }
    if (ch.sum_offset >= 0) {
        const fixed::Sum* s = &state.sums[p * size_t(layout.sum_count()) + size_t(ch.sum_offset)];
        for (int k = 0; k < ch.components; ++k)
            out[k] = ch.filter == ChannelFilter::Sum ? fixed::sum_value(s[k])
                                                     : fixed::mean_value(s[k], w);
        return;
    }
    const float* e =
        &state.extremes[p * size_t(layout.extreme_count()) + size_t(ch.extreme_offset)];
    for (int k = 0; k < ch.components; ++k)
        out[k] = w > 0.0f ? e[k] : 0.0f;
}

Film::Film(int full_width, int full_height, PixelWindow window)
    : Film(full_width, full_height, window, FilmLayout::rgba())
{
}

Film::Film(int full_width, int full_height, PixelWindow window, FilmLayout layout)
    : m_full_width(full_width),
      m_full_height(full_height),
      m_window(window),
      m_layout(std::move(layout))
{
    const size_t n =
        size_t(std::max(0, window.width())) * size_t(std::max(0, window.height()));
    m_state.weights.assign(n, 0.0f);
    m_state.sums.assign(n * size_t(m_layout.sum_count()), 0);
    m_state.extremes.assign(n * size_t(m_layout.extreme_count()), 0.0f);
    m_state.zkeys.assign(n * size_t(m_layout.zkey_count()), 0.0f);
}

namespace {

// A kept value: NaN becomes 0 and -0 becomes +0, so that every comparison
// below is a total order and the result never depends on the sample order.
inline float kept(float v)
{
    return (v == v && v != 0.0f) ? v : 0.0f;
}

// True when `a` comes before `b` (components compared in turn).
inline bool lex_less(const float* a, const float* b, int n)
{
    for (int k = 0; k < n; ++k) {
        if (a[k] < b[k])
            return true;
        if (b[k] < a[k])
            return false;
    }
    return false;
}

}  // namespace

void Film::add_sample(int x, int y, const float* values, float z)
{
    const size_t p = index(x, y);
    const float w = m_state.weights[p];
    if (m_layout.all_sums()) {
        // Values and sums in the same order (an RGBA film): no per-channel work.
        const int n = m_layout.sum_count();
        fixed::Sum* sums = &m_state.sums[p * size_t(n)];
        for (int k = 0; k < n; ++k)
            sums[k] += fixed::to_fixed(values[k]);
        m_state.weights[p] = w + 1.0f;
        return;
    }
    const bool first = w == 0.0f;
    if (!(z == z))
        z = std::numeric_limits<float>::infinity();
    fixed::Sum* sums = m_layout.sum_count()
                           ? &m_state.sums[p * size_t(m_layout.sum_count())]
                           : nullptr;
    float* extremes = m_layout.extreme_count()
                          ? &m_state.extremes[p * size_t(m_layout.extreme_count())]
                          : nullptr;
    float* zkeys = m_layout.zkey_count() ? &m_state.zkeys[p * size_t(m_layout.zkey_count())]
                                         : nullptr;
    const float zmin = zkeys && m_layout.has_zmin() ? zkeys[0] : 0.0f;
    const float zmax = zkeys && m_layout.has_zmax() ? zkeys[m_layout.has_zmin() ? 1 : 0] : 0.0f;

    for (const FilmChannel& ch : m_layout.channels()) {
        const float* v = values + ch.value_offset;
        if (ch.sum_offset >= 0) {
            for (int k = 0; k < ch.components; ++k)
                sums[ch.sum_offset + k] += fixed::to_fixed(v[k]);
            continue;
        }
        if (ch.extreme_offset < 0)
            continue;
        float* e = extremes + ch.extreme_offset;
        float s[3];
        for (int k = 0; k < ch.components; ++k)
            s[k] = kept(v[k]);
        bool take = first;
        switch (ch.filter) {
        case ChannelFilter::Min:
            for (int k = 0; k < ch.components; ++k)
                e[k] = first ? s[k] : std::min(e[k], s[k]);
            continue;
        case ChannelFilter::Max:
            for (int k = 0; k < ch.components; ++k)
                e[k] = first ? s[k] : std::max(e[k], s[k]);
            continue;
        case ChannelFilter::ZMin:
            take = take || z < zmin || (z == zmin && lex_less(s, e, ch.components));
            break;
        case ChannelFilter::ZMax:
            take = take || z > zmax || (z == zmax && lex_less(s, e, ch.components));
            break;
        default: break;
        }
        if (take)
            std::copy(s, s + ch.components, e);
    }
    if (m_layout.has_zmin())
        zkeys[0] = first ? z : std::min(zmin, z);
    if (m_layout.has_zmax())
        zkeys[m_layout.has_zmin() ? 1 : 0] = first ? z : std::max(zmax, z);
    m_state.weights[p] = w + 1.0f;
}

double Film::total_weight() const
{
    double sum = 0;
    for (float w : m_state.weights)
        sum += double(w);
    return sum;
}

float Film::min_weight() const
{
    if (m_state.weights.empty())
        return 0.0f;
    return *std::min_element(m_state.weights.begin(), m_state.weights.end());
}

}  // namespace ck::render
