// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The film's running mean and weight, crop windows and tiling.
#include "film/film.h"
#include "sampler/sampler.h"
#include "session/frame_session.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace {

using ck::render::Film;
using ck::render::PixelSample;
using ck::render::PixelWindow;

TEST(Film, RunningMeanAndWeight)
{
    Film film(4, 4, {0, 0, 4, 4});
    film.add_sample(1, 2, {1, 2, 3, 1});
    film.add_sample(1, 2, {3, 4, 5, 0});
    const float* p = film.pixel(1, 2);
    EXPECT_FLOAT_EQ(p[0], 2.0f);
    EXPECT_FLOAT_EQ(p[1], 3.0f);
    EXPECT_FLOAT_EQ(p[2], 4.0f);
    EXPECT_FLOAT_EQ(p[3], 0.5f);
    EXPECT_EQ(film.weight(1, 2), 2.0f);
    EXPECT_EQ(film.weight(0, 0), 0.0f);
    EXPECT_EQ(film.min_weight(), 0.0f);
    EXPECT_EQ(film.total_weight(), 2.0);
}

TEST(Film, StateIsAPureFunctionOfTheSamples)
{
    // Two films fed the same per-pixel sequences, pixels visited in different
    // orders, hold identical bits: the property resume relies on (B1).
    Film a(3, 2, {0, 0, 3, 2}), b(3, 2, {0, 0, 3, 2});
    auto sample = [](int x, int y, int s) {
        ck::render::Sampler sampler(7, x, y, uint32_t(s));
        return PixelSample{sampler.get_1d() * 10, sampler.get_1d(), sampler.get_1d(), 1};
    };
    for (int s = 0; s < 9; ++s)
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 3; ++x)
                a.add_sample(x, y, sample(x, y, s));
    for (int x = 2; x >= 0; --x)
        for (int y = 1; y >= 0; --y)
            for (int s = 0; s < 9; ++s)
                b.add_sample(x, y, sample(x, y, s));
    EXPECT_EQ(a.data(), b.data());
}

TEST(Film, WindowOffsetAddressing)
{
    Film film(10, 10, {2, 3, 5, 7});
    EXPECT_EQ(film.pixel_count(), 12u);
    film.add_sample(4, 6, {5, 5, 5, 1});
    // Last pixel of the window is the last entry of the data.
    EXPECT_EQ(film.data()[film.data().size() - 1], 1.0f);
    auto rgb = film.interleaved(3, true);
    ASSERT_EQ(rgb.size(), 12u * 4u);
    EXPECT_EQ(rgb[11 * 4 + 0], 5.0f);
    EXPECT_EQ(rgb[11 * 4 + 3], 1.0f);
}

TEST(CropWindow, FollowsRiSpecRounding)
{
    ck::scene::Image image;
    image.xres = 640;
    image.yres = 480;
    EXPECT_TRUE((ck::render::crop_pixel_window(image) == PixelWindow{0, 0, 640, 480}));
    image.crop_window[0] = 0.25f;
    image.crop_window[1] = 0.5f;
    image.crop_window[2] = 0.1f;
    image.crop_window[3] = 0.3f;
    // x: ceil(160) .. ceil(320)-1 inclusive; y: ceil(48) .. ceil(144)-1.
    EXPECT_TRUE((ck::render::crop_pixel_window(image) == PixelWindow{160, 48, 320, 144}));
}

TEST(Tiles, CoverTheWindowExactlyOnce)
{
    PixelWindow window{3, 5, 40, 21};
    std::set<std::pair<int, int>> seen;
    for (const PixelWindow& t : ck::render::order_buckets(window, 16, 16, ck::scene::BucketOrder::Horizontal)) {
        EXPECT_LE(t.width(), 16);
        EXPECT_LE(t.height(), 16);
        for (int y = t.y0; y < t.y1; ++y)
            for (int x = t.x0; x < t.x1; ++x)
                EXPECT_TRUE(seen.insert({x, y}).second) << x << "," << y;
    }
    EXPECT_EQ(seen.size(), size_t(window.width() * window.height()));
}

TEST(Sampler, IsAPureFunctionOfItsKey)
{
    ck::render::Sampler a(1, 10, 20, 5), b(1, 10, 20, 5);
    for (int i = 0; i < 16; ++i)
        EXPECT_EQ(a.get_1d(), b.get_1d());
    // Reading dimensions in reverse gives the same values (pbrt's ConsistentValues).
    ck::render::Sampler c(1, 10, 20, 5);
    for (uint32_t d = 16; d-- > 0;) {
        c.set_dimension(d);
        ck::render::Sampler fresh(1, 10, 20, 5);
        fresh.set_dimension(d);
        EXPECT_EQ(c.get_1d(), fresh.get_1d());
    }
    // Another seed, pixel or sample index changes the stream.
    EXPECT_NE(ck::render::Sampler(2, 10, 20, 5).get_1d(), ck::render::Sampler(1, 10, 20, 5).get_1d());
    EXPECT_NE(ck::render::Sampler(1, 11, 20, 5).get_1d(), ck::render::Sampler(1, 10, 20, 5).get_1d());
    EXPECT_NE(ck::render::Sampler(1, 10, 20, 6).get_1d(), ck::render::Sampler(1, 10, 20, 5).get_1d());
    // x and y do not alias (the "x | y << 16" trap).
    EXPECT_NE(ck::render::Sampler(1, 20, 10, 5).get_1d(), ck::render::Sampler(1, 10, 20, 5).get_1d());
}

TEST(Sampler, IsRoughlyUniform)
{
    // Mean and variance of 64k draws across pixels are those of U[0,1).
    double sum = 0, sum2 = 0;
    const int n = 65536;
    for (int i = 0; i < n; ++i) {
        ck::render::Sampler s(3, i % 256, i / 256, 0);
        double u = s.get_1d();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
        sum2 += u * u;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    EXPECT_NEAR(mean, 0.5, 0.01);
    EXPECT_NEAR(var, 1.0 / 12.0, 0.005);
}

}  // namespace
