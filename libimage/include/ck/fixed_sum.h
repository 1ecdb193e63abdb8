// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Exact, order-independent sample sums (docs/determinism.md, "Fixed-point
// sums"). Every sample value of an averaged channel is rounded once to a
// signed fixed-point number with kFractionBits fraction bits and added to a
// per-pixel integer sum. Integer addition is associative, so the same samples
// added in any order, on any number of threads or machines, give the same
// bits: resume and the farm's sample-range shards merge exactly (B1, B8).
//
// Range: a sample value is clamped to +-kMaxMagnitude (just under 2^31), so a
// sample is below 2^63 in fixed point and a sum of fewer than 2^31 samples
// (every target is an int) is below 2^94: it always fits the 96 bits a
// checkpoint stores. Resolution: 2^-32 (about 2.3e-10) per sample.
//
// A checkpoint stores each sum as kSumWords float32 channels, each an exact
// integer in [0, 2^24): the 96-bit two's complement value, 24 bits a channel,
// least significant first. Float32 holds every such integer exactly, so the
// checkpoint stays an ordinary float OpenEXR or TIFF and the sum comes back
// bit for bit.
#pragma once

#include <cmath>
#include <cstdint>

namespace ck::fixed {

// GCC and Clang's 128-bit integers (__extension__: not ISO C++).
__extension__ typedef __int128 Sum;
__extension__ typedef unsigned __int128 USum;

inline constexpr int kFractionBits = 32;
inline constexpr double kScale = 4294967296.0;  ///< 2^kFractionBits
/// The largest float below 2^31: sample values are clamped to +-this.
inline constexpr float kMaxMagnitude = 2147483520.0f;
inline constexpr int kSumWords = 4;
inline constexpr int kWordBits = 24;
inline constexpr uint32_t kWordMask = (1u << kWordBits) - 1u;

/// One sample value in fixed point: clamped, then rounded to nearest (ties to
/// even, the default rounding mode). NaN counts as 0.
inline int64_t to_fixed(float v)
{
    if (!(v == v))
        return 0;
    if (v > kMaxMagnitude)
        v = kMaxMagnitude;
    else if (v < -kMaxMagnitude)
        v = -kMaxMagnitude;
    return int64_t(std::nearbyint(double(v) * kScale));
}

/// The float32 value of a sum: sum * 2^-32, rounded once to double, then to float.
inline float sum_value(Sum s)
{
    return float(double(s) / kScale);
}

/// The float32 mean of `weight` samples summing to `s`; 0 for no samples.
inline float mean_value(Sum s, float weight)
{
    if (!(weight > 0.0f))
        return 0.0f;
    return float(double(s) / kScale / double(weight));
}

/// The sum a float mean of `weight` samples stands for (a version-2
/// checkpoint holds only the mean): rounded, so resuming one is close to, not
/// bit-identical with, an uninterrupted render.
inline Sum sum_from_mean(float mean, float weight)
{
    const double v = std::nearbyint(double(mean) * double(weight) * kScale);
    if (!(v == v))
        return 0;
    const double limit = 19807040628566084398385987584.0;  // 2^94
    if (v >= limit)
        return (Sum(1) << 94) - 1;
    if (v <= -limit)
        return -((Sum(1) << 94) - 1);
    return Sum(v);
}

/// The kSumWords channel values of `s` (which fits 96 bits by construction).
inline void encode(Sum s, float* words)
{
    USum u = static_cast<USum>(s);
    for (int k = 0; k < kSumWords; ++k)
        words[k] = float(uint32_t(u >> (kWordBits * k)) & kWordMask);
}

/// The sum stored in `words`; false when a word is not an integer in
/// [0, 2^24) (a damaged or edited checkpoint).
inline bool decode(const float* words, Sum& s)
{
    USum u = 0;
    for (int k = 0; k < kSumWords; ++k) {
        const float w = words[k];
        if (!(w >= 0.0f && w <= float(kWordMask)) || w != std::floor(w))
            return false;
        u |= static_cast<USum>(uint32_t(w)) << (kWordBits * k);
    }
    const int bits = kSumWords * kWordBits;  // 96
    if ((u >> (bits - 1)) & 1u)
        u |= ~((static_cast<USum>(1) << bits) - 1);  // sign-extend
    s = static_cast<Sum>(u);
    return true;
}

}  // namespace ck::fixed
