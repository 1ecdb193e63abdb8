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

}  // namespace ck::scene
