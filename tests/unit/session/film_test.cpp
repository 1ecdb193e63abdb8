// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The film's exact sums, filters and weight, crop windows and tiling.
#include "film/film.h"
#include "sampler/sampler.h"
#include "session/frame_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>

namespace {

using ck::render::Film;
using ck::render::PixelSample;
using ck::render::PixelWindow;

// The values film channel c of the film shows at (x, y).
std::vector<float> shown(const Film& film, int x, int y, size_t c)
{
    std::vector<float> v(size_t(film.layout().channels()[c].components));
    film.values(x, y, c, v.data());
    return v;
}

ck::scene::ChannelDecl channel(const std::string& name, int components,
                               ck::scene::ChannelSource source, ck::scene::ChannelFilter filter)
{
    ck::scene::ChannelDecl c;
    c.name = name;
    c.type = components == 3 ? "color" : "float";
    c.components = components;
    c.source = source;
    c.filter = filter;
    return c;
}

TEST(Film, MeanAndWeight)
{
    Film film(4, 4, {0, 0, 4, 4});
    film.add_sample(1, 2, PixelSample{1, 2, 3, 1});
    film.add_sample(1, 2, PixelSample{3, 4, 5, 0});
    EXPECT_EQ(shown(film, 1, 2, 0), (std::vector<float>{2.0f, 3.0f, 4.0f}));
    EXPECT_EQ(shown(film, 1, 2, 1), (std::vector<float>{0.5f}));
    EXPECT_EQ(film.weight(1, 2), 2.0f);
    EXPECT_EQ(film.weight(0, 0), 0.0f);
    EXPECT_EQ(shown(film, 0, 0, 0), (std::vector<float>{0.0f, 0.0f, 0.0f}));
    EXPECT_EQ(film.min_weight(), 0.0f);
    EXPECT_EQ(film.total_weight(), 2.0);
}

TEST(Film, SumsAreExactAndOrderIndependent)
{
    // B1 by construction, and B8's shard merge: the same samples in any order
    // (not just sample-index order) give the same bits. A float running mean
    // fails this (1e8 + 1 - 1e8 depends on the order).
    std::vector<PixelSample> samples;
    ck::render::Sampler sampler(3, 0, 0, 0);
    for (int s = 0; s < 200; ++s) {
        const float u = sampler.get_1d();
        const float big = s % 7 == 0 ? 1.0e7f : 1.0f;  // HDR fireflies among small values
        samples.push_back({u * big, u * 1e-6f, -u, u < 0.5f ? 1.0f : 0.0f});
    }
    Film a(1, 1, {0, 0, 1, 1}), b(1, 1, {0, 0, 1, 1}), c(1, 1, {0, 0, 1, 1});
    for (const PixelSample& p : samples)
        a.add_sample(0, 0, p);
    for (size_t i = samples.size(); i-- > 0;)
        b.add_sample(0, 0, samples[i]);
    for (size_t i = 0; i < samples.size(); ++i)  // a fixed permutation
        c.add_sample(0, 0, samples[(i * 37) % samples.size()]);
    EXPECT_TRUE(a.state() == b.state());
    EXPECT_TRUE(a.state() == c.state());
    EXPECT_EQ(shown(a, 0, 0, 0), shown(b, 0, 0, 0));
    // And the mean is right to float precision.
    double sum = 0;
    for (const PixelSample& p : samples)
        sum += double(p.r);
    EXPECT_NEAR(shown(a, 0, 0, 0)[0], sum / 200.0, 1e-6 * sum / 200.0);
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
    EXPECT_TRUE(a.state() == b.state());
}

TEST(Film, WindowOffsetAddressing)
{
    Film film(10, 10, {2, 3, 5, 7});
    EXPECT_EQ(film.pixel_count(), 12u);
    film.add_sample(4, 6, PixelSample{5, 5, 5, 1});
    // Last pixel of the window is the last entry of the state.
    EXPECT_EQ(film.state().weights.back(), 1.0f);
    EXPECT_EQ(film.state().weights.front(), 0.0f);
    EXPECT_EQ(shown(film, 4, 6, 0)[0], 5.0f);
}

TEST(Film, MinMaxZminZmaxFilters)
{
    using ck::scene::ChannelFilter;
    using ck::scene::ChannelSource;
    const ck::render::FilmLayout layout(
        {channel("lo", 1, ChannelSource::Id, ChannelFilter::Min),
         channel("hi", 1, ChannelSource::Id, ChannelFilter::Max),
         channel("near", 3, ChannelSource::Albedo, ChannelFilter::ZMin),
         channel("far", 1, ChannelSource::Id, ChannelFilter::ZMax),
         channel("n", 1, ChannelSource::Id, ChannelFilter::Sum)});
    ASSERT_EQ(layout.value_count(), 7);
    EXPECT_EQ(layout.zkey_count(), 2);
    struct S {
        float v[7];
        float z;
    };
    const std::vector<S> samples = {
        {{4, 4, 0.1f, 0.2f, 0.3f, 4, 1}, 5.0f},
        {{-2, -2, 0.7f, 0.8f, 0.9f, -2, 1}, 2.0f},
        {{9, 9, 0.5f, 0.5f, 0.5f, 9, 1}, 8.0f},
        {{1, 1, 0.6f, 0.0f, 0.0f, 1, 1}, 2.0f},  // ties the nearest z: the smaller values win
        {{3, 3, 0.0f, 0.0f, 0.0f, 3, 1}, std::numeric_limits<float>::infinity()},  // a miss
    };
    std::vector<size_t> order = {0, 1, 2, 3, 4};
    std::vector<ck::render::FilmState> states;
    do {
        Film film(1, 1, {0, 0, 1, 1}, layout);
        for (size_t i : order)
            film.add_sample(0, 0, samples[i].v, samples[i].z);
        EXPECT_EQ(shown(film, 0, 0, 0), (std::vector<float>{-2.0f}));
        EXPECT_EQ(shown(film, 0, 0, 1), (std::vector<float>{9.0f}));
        EXPECT_EQ(shown(film, 0, 0, 2), (std::vector<float>{0.6f, 0.0f, 0.0f}));
        EXPECT_EQ(shown(film, 0, 0, 3), (std::vector<float>{3.0f}));  // the miss is farthest
        EXPECT_EQ(shown(film, 0, 0, 4), (std::vector<float>{5.0f}));  // sum, not mean
        states.push_back(film.state());
    } while (std::next_permutation(order.begin(), order.end()));
    for (const auto& st : states)
        EXPECT_TRUE(st == states[0]);
}

TEST(FixedSum, WordsRoundTripEveryRange)
{
    using ck::fixed::Sum;
    const Sum big = (Sum(1) << 94) - 1;
    for (Sum s : {Sum(0), Sum(1), Sum(-1), Sum(123456789), -Sum(987654321) * 4294967296, big, -big,
                  Sum(ck::fixed::to_fixed(ck::fixed::kMaxMagnitude)) * 2147483647}) {
        float words[ck::fixed::kSumWords];
        ck::fixed::encode(s, words);
        for (float w : words) {
            EXPECT_GE(w, 0.0f);
            EXPECT_LT(w, 16777216.0f);
            EXPECT_EQ(w, std::floor(w));
        }
        Sum back = 0;
        ASSERT_TRUE(ck::fixed::decode(words, back));
        EXPECT_TRUE(back == s);
    }
    float bad[ck::fixed::kSumWords] = {0.5f, 0, 0, 0};
    Sum out = 0;
    EXPECT_FALSE(ck::fixed::decode(bad, out));
    bad[0] = 16777216.0f;
    EXPECT_FALSE(ck::fixed::decode(bad, out));
    bad[0] = -1.0f;
    EXPECT_FALSE(ck::fixed::decode(bad, out));
    // Clamping: values beyond 2^31 and NaN.
    EXPECT_EQ(ck::fixed::to_fixed(1e30f), ck::fixed::to_fixed(ck::fixed::kMaxMagnitude));
    EXPECT_EQ(ck::fixed::to_fixed(std::nanf("")), 0);
    EXPECT_EQ(ck::fixed::to_fixed(1.0f), int64_t(1) << 32);
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
