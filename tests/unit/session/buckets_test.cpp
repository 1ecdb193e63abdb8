// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Bucket order and size (issue 11, item 3; docs/scene-format.md). The
// expected sequences are written out by hand from the definitions: a 3x2 grid
// of buckets, columns i = 0..2, rows j = 0..1, named by (i, j).
#include "session/frame_session.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace {

using ck::render::PixelWindow;
using ck::scene::BucketOrder;

// The (column, row) of each bucket in the order returned, for 8x8 buckets.
std::vector<std::pair<int, int>> cells(const PixelWindow& window, BucketOrder order)
{
    std::vector<std::pair<int, int>> out;
    for (const PixelWindow& b : ck::render::order_buckets(window, 8, 8, order))
        out.emplace_back((b.x0 - window.x0) / 8, (b.y0 - window.y0) / 8);
    return out;
}

using Cells = std::vector<std::pair<int, int>>;

TEST(BucketOrder, LinearOrdersOfA3By2Grid)
{
    const PixelWindow w{0, 0, 24, 16};
    EXPECT_EQ(cells(w, BucketOrder::Horizontal), (Cells{{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}}));
    EXPECT_EQ(cells(w, BucketOrder::Vertical), (Cells{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 0}, {2, 1}}));
    EXPECT_EQ(cells(w, BucketOrder::ZigzagX), (Cells{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {1, 1}, {0, 1}}));
    EXPECT_EQ(cells(w, BucketOrder::ZigzagY), (Cells{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {2, 0}, {2, 1}}));
}

TEST(BucketOrder, SpiralAndCircleStartAtTheCentre)
{
    // 3x3 buckets: the centre first, then its ring clockwise from the top.
    const PixelWindow w{0, 0, 24, 24};
    EXPECT_EQ(cells(w, BucketOrder::Spiral),
              (Cells{{1, 1}, {1, 0}, {2, 0}, {2, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}, {0, 0}}));
    // By distance: the centre, the four edge neighbours (distance 1, clockwise
    // from the top), then the four corners (distance 1.41).
    EXPECT_EQ(cells(w, BucketOrder::Circle),
              (Cells{{1, 1}, {1, 0}, {2, 1}, {1, 2}, {0, 1}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}));
}

TEST(BucketOrder, EveryOrderCoversEveryPixelOnceAndClipsTheEdges)
{
    const PixelWindow w{3, 5, 3 + 21, 5 + 10};  // 21x10, a crop window's offset
    for (BucketOrder order :
         {BucketOrder::Horizontal, BucketOrder::Vertical, BucketOrder::ZigzagX,
          BucketOrder::ZigzagY, BucketOrder::Spiral, BucketOrder::Random, BucketOrder::Circle}) {
        SCOPED_TRACE(ck::scene::bucket_order_name(order));
        std::set<std::pair<int, int>> seen;
        size_t pixels = 0;
        const auto buckets = ck::render::order_buckets(w, 8, 4, order);
        EXPECT_EQ(buckets.size(), size_t(3 * 3));
        for (const PixelWindow& b : buckets) {
            EXPECT_GE(b.x0, w.x0);
            EXPECT_LE(b.x1, w.x1);
            EXPECT_GE(b.y0, w.y0);
            EXPECT_LE(b.y1, w.y1);
            for (int y = b.y0; y < b.y1; ++y)
                for (int x = b.x0; x < b.x1; ++x) {
                    EXPECT_TRUE(seen.insert({x, y}).second) << x << "," << y << " twice";
                    ++pixels;
                }
        }
        EXPECT_EQ(pixels, size_t(21 * 10));
    }
    // The random order is a fixed one: the same every run.
    EXPECT_EQ(cells(w, BucketOrder::Random), cells(w, BucketOrder::Random));
    EXPECT_NE(cells(w, BucketOrder::Random), cells(w, BucketOrder::Horizontal));
}

}  // namespace
