// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The deterministic sampler. Every number it returns is a pure function of
// (seed, pixel x, pixel y, sample index, dimension): never of the thread, the
// tile order, the clock or what was drawn before for another pixel. This is
// what makes a resumed render bit-identical to an uninterrupted one
// (docs/determinism.md).
#pragma once

#include <cstdint>

namespace ck::render {

/// Mixes 64 bits into 64 well-distributed bits (a bijection; the SplitMix64
/// finaliser constants, which are public-domain arithmetic).
constexpr uint64_t mix64(uint64_t z)
{
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ULL;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z;
}

/// Draws the dimensions of one camera sample in order. Construct one per
/// (pixel, sample index); dimension k of that sample is always the same value.
class Sampler {
public:
    Sampler(uint32_t seed, int x, int y, uint32_t sample_index)
        : m_key(mix64(mix64((uint64_t(seed) << 32) ^ uint32_t(x)) ^
                      ((uint64_t(uint32_t(y)) << 32) | sample_index)))
    {
    }

    /// A uniform float in [0, 1) for the next dimension.
    float get_1d() { return to_unit_float(value(m_dimension++)); }

    /// Two uniform floats in [0, 1).
    void get_2d(float& u, float& v)
    {
        u = get_1d();
        v = get_1d();
    }

    /// The dimension the next call will draw.
    uint32_t dimension() const { return m_dimension; }

    /// Jumps to a dimension, e.g. so each bounce starts at a fixed offset.
    void set_dimension(uint32_t dimension) { m_dimension = dimension; }

    /// The raw 64-bit value of a dimension, without advancing.
    uint64_t value(uint32_t dimension) const
    {
        return mix64(m_key + 0x9e3779b97f4a7c15ULL * (uint64_t(dimension) + 1));
    }

private:
    static float to_unit_float(uint64_t bits)
    {
        // 24 high bits -> [0, 1) exactly representable in float.
        return float(bits >> 40) * (1.0f / 16777216.0f);
    }

    uint64_t m_key;
    uint32_t m_dimension = 0;
};

}  // namespace ck::render
