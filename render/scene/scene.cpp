// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/scene.h"

namespace ck::scene {

std::string SourceLoc::str() const
{
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

int Sampling::target_samples() const
{
    if (max_samples > 0)
        return max_samples;
    return pixel_samples_x * pixel_samples_y;
}

const char* bucket_order_name(BucketOrder order)
{
    switch (order) {
    case BucketOrder::Horizontal: return "horizontal";
    case BucketOrder::Vertical: return "vertical";
    case BucketOrder::ZigzagX: return "zigzag-x";
    case BucketOrder::ZigzagY: return "zigzag-y";
    case BucketOrder::Spiral: return "spiral";
    case BucketOrder::Random: return "random";
    case BucketOrder::Circle: return "circle";
    }
    return "horizontal";
}

}  // namespace ck::scene
