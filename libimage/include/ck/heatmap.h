// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// A picture of a checkpoint's ~w channel (samples per pixel) with a colour
// scale, for wranglers who would rather look than read (ckinfo --heatmap).
#pragma once

#include <ck/result.h>

#include <array>
#include <string>
#include <vector>

namespace ck {

/// The colour for `fraction` of the target sample count (clamped to 0..1), as
/// 8-bit sRGB: near-black blue at 0 samples, through purple, magenta and orange,
/// to pale yellow at the target (docs/tools.md shows the ramp).
std::array<float, 3> heatmap_colour(float fraction);

/// The colour of a pixel with `samples` of `scale` (the target): heatmap_colour()
/// of the fraction, with odd whole counts shaded (lighter on the dark half of the
/// ramp, darker on the light half) so that adjacent counts, such as 5 and 6 of 64,
/// never look alike (at least about 60 apart in 8-bit RGB).
std::array<float, 3> heatmap_count_colour(float samples, float scale);

/// Writes `weights` (width x height samples per pixel, row by row) as an 8-bit
/// image to `out_path` (format from its extension: .png, .tif, .jpg, ...). A
/// legend bar under the picture shows the ramp from 0 to `target` samples, with
/// white ticks at the smallest and largest count, and labels when OIIO can
/// render text. `target` <= 0 scales to the largest count instead.
/// Returns ErrorCode::InvalidArgument for an empty plane and ErrorCode::Io
/// naming the writer's error.
Status write_weight_heatmap(const std::vector<float>& weights, int width, int height, int target,
                            const std::string& out_path);

}  // namespace ck
