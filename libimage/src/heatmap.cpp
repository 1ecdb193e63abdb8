// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/heatmap.h>

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imagebufalgo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <new>

namespace ck {

namespace {

constexpr int kLegendHeight = 44;  // bar, ticks and a line of labels
constexpr int kMinWidth = 320;     // room for the labels under small images

struct Stop {
    float at;
    float rgb[3];
};

// Perceptually ordered, dark to light, readable in greyscale too.
constexpr Stop kRamp[] = {
    {0.00f, {0.02f, 0.02f, 0.12f}},  // nothing rendered
    {0.25f, {0.23f, 0.06f, 0.50f}},  // purple
    {0.50f, {0.72f, 0.18f, 0.42f}},  // magenta
    {0.75f, {0.97f, 0.52f, 0.16f}},  // orange
    {1.00f, {0.99f, 0.98f, 0.70f}},  // at the target: pale yellow
};

}  // namespace

std::array<float, 3> heatmap_colour(float fraction)
{
    const float t = std::isfinite(fraction) ? std::clamp(fraction, 0.0f, 1.0f) : 0.0f;
    for (size_t i = 1; i < std::size(kRamp); ++i) {
        if (t <= kRamp[i].at) {
            const Stop& a = kRamp[i - 1];
            const Stop& b = kRamp[i];
            const float u = (t - a.at) / (b.at - a.at);
            return {a.rgb[0] + u * (b.rgb[0] - a.rgb[0]), a.rgb[1] + u * (b.rgb[1] - a.rgb[1]),
                    a.rgb[2] + u * (b.rgb[2] - a.rgb[2])};
        }
    }
    const Stop& last = kRamp[std::size(kRamp) - 1];
    return {last.rgb[0], last.rgb[1], last.rgb[2]};
}

std::array<float, 3> heatmap_count_colour(float samples, float scale)
{
    std::array<float, 3> c = heatmap_colour(scale > 0 ? samples / scale : 0.0f);
    // Adjacent counts (a render cut mid-increment: 5 and 6 of 64) sit 1/64 of
    // the ramp apart, a few 8-bit levels. Odd whole counts are shaded, lighter
    // on the dark half of the ramp and darker on the light half, so any two
    // neighbours differ clearly while the hue still reads 0 -> target.
    if (std::isfinite(samples) && samples >= 0 && samples == std::floor(samples) &&
        std::fmod(samples, 2.0f) == 1.0f) {
        constexpr float kShade = 0.25f;
        const float luma = 0.2126f * c[0] + 0.7152f * c[1] + 0.0722f * c[2];
        for (float& v : c)
            v = luma > 0.35f ? v * (1.0f - kShade) : v + kShade * (1.0f - v);
    }
    return c;
}

Status write_weight_heatmap(const std::vector<float>& weights, int width, int height, int target,
                            const std::string& out_path)
{
    if (width < 1 || height < 1 || weights.size() != size_t(width) * size_t(height))
        return {ErrorCode::InvalidArgument, "no ~w samples to draw"};
    try {
        float lo = weights[0], hi = weights[0];
        for (float w : weights) {
            lo = std::min(lo, w);
            hi = std::max(hi, w);
        }
        const float scale = target > 0 ? float(target) : std::max(hi, 1.0f);

        const int out_w = std::max(width, kMinWidth);
        const int out_h = height + kLegendHeight;
        OIIO::ImageBuf img(OIIO::ImageSpec(out_w, out_h, 3, OIIO::TypeFloat));
        const float background[3] = {0.15f, 0.15f, 0.15f};
        OIIO::ImageBufAlgo::fill(img, background);

        // The picture, one pixel per pixel of the data window.
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                const auto c =
                    heatmap_count_colour(weights[size_t(y) * size_t(width) + size_t(x)], scale);
                img.setpixel(x, y, c.data(), 3);
            }

        // The legend: the ramp from 0 to the target, ticks at min and max.
        const int margin = 8;
        const int bar_y = height + 6, bar_h = 12;
        const int bar_w = out_w - 2 * margin;
        for (int x = 0; x < bar_w; ++x) {
            const auto c = heatmap_colour(float(x) / float(std::max(1, bar_w - 1)));
            for (int y = bar_y; y < bar_y + bar_h; ++y)
                img.setpixel(margin + x, y, c.data(), 3);
        }
        const float white[3] = {1.0f, 1.0f, 1.0f};
        for (float value : {lo, hi}) {
            const int x =
                margin + int(std::lround(std::clamp(value / scale, 0.0f, 1.0f) * float(bar_w - 1)));
            for (int y = bar_y - 3; y < bar_y + bar_h + 3; ++y)
                img.setpixel(x, y, white, 3);
        }

        // Labels need a font; without one the bar still reads left (0) to right (target).
        char right[64], middle[96];
        std::snprintf(right, sizeof right, "%g spp%s", double(scale),
                      target > 0 ? " (target)" : "");
        std::snprintf(middle, sizeof middle, "min %g  max %g", double(lo), double(hi));
        const int text_y = bar_y + bar_h + 16;
        const std::vector<float> text_colour = {1.0f, 1.0f, 1.0f};
        for (const char* font : {"DejaVuSans", "LiberationSans-Regular", ""}) {
            if (!OIIO::ImageBufAlgo::render_text(img, margin, text_y, "0", 13, font, text_colour))
                continue;  // this font is not installed; try the next
            OIIO::ImageBufAlgo::render_text(img, out_w / 2, text_y, middle, 13, font, text_colour,
                                            OIIO::ImageBufAlgo::TextAlignX::Center);
            OIIO::ImageBufAlgo::render_text(img, out_w - margin, text_y, right, 13, font,
                                            text_colour, OIIO::ImageBufAlgo::TextAlignX::Right);
            break;
        }
        (void)img.geterror();  // reading clears it: a missing font is not a failure

        img.specmod().attribute("oiio:ColorSpace", "sRGB");
        if (!img.write(out_path, OIIO::TypeUInt8))
            return {ErrorCode::Io, out_path + ": cannot write the heatmap: " + img.geterror()};
    } catch (const std::bad_alloc&) {
        return {ErrorCode::Internal, "out of memory drawing the heatmap"};
    } catch (const std::exception& e) {
        return {ErrorCode::Io, out_path + ": " + e.what()};
    }
    return {};
}

}  // namespace ck
