// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Small vector helpers shared by the renderer core. Imath's row-vector
// convention throughout: p' = p * M.
#pragma once

#include <ImathColor.h>
#include <ImathMatrix.h>
#include <ImathVec.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ck::render {

using V2f = Imath::V2f;
using V3f = Imath::V3f;
using C3f = Imath::C3f;
using M44f = Imath::M44f;

constexpr float kPi = 3.14159265358979323846f;
constexpr float kInvPi = 0.31830988618379067154f;
constexpr float kTwoPi = 6.28318530717958647692f;
constexpr float kInv4Pi = 0.07957747154594766788f;

inline float dot(const V3f& a, const V3f& b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

inline V3f cross(const V3f& a, const V3f& b)
{
    return V3f(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}

inline float length(const V3f& v)
{
    return std::sqrt(dot(v, v));
}

inline V3f normalize(const V3f& v)
{
    float len = length(v);
    return len > 0.0f ? v * (1.0f / len) : V3f(0.0f, 0.0f, 1.0f);
}

inline float max_abs(const V3f& v)
{
    return std::max(std::fabs(v.x), std::max(std::fabs(v.y), std::fabs(v.z)));
}

inline float luminance(const C3f& c)
{
    return 0.2126f * c.x + 0.7152f * c.y + 0.0722f * c.z;
}

inline float max_component(const C3f& c)
{
    return std::max(c.x, std::max(c.y, c.z));
}

inline bool is_black(const C3f& c)
{
    return c.x <= 0.0f && c.y <= 0.0f && c.z <= 0.0f;
}

inline C3f mul(const C3f& a, const C3f& b)
{
    return C3f(a.x * b.x, a.y * b.y, a.z * b.z);
}

inline float clamp01(float v)
{
    return std::min(1.0f, std::max(0.0f, v));
}

/// A point through the affine part of a row-vector matrix.
inline V3f xform_point(const M44f& m, const V3f& p)
{
    return V3f(p.x * m[0][0] + p.y * m[1][0] + p.z * m[2][0] + m[3][0],
               p.x * m[0][1] + p.y * m[1][1] + p.z * m[2][1] + m[3][1],
               p.x * m[0][2] + p.y * m[1][2] + p.z * m[2][2] + m[3][2]);
}

/// A direction through the linear part of a row-vector matrix.
inline V3f xform_vector(const M44f& m, const V3f& v)
{
    return V3f(v.x * m[0][0] + v.y * m[1][0] + v.z * m[2][0],
               v.x * m[0][1] + v.y * m[1][1] + v.z * m[2][1],
               v.x * m[0][2] + v.y * m[1][2] + v.z * m[2][2]);
}

/// A normal through a matrix, given that matrix's INVERSE (normals transform by
/// the inverse transpose; in the row-vector convention that is M^-1 applied on
/// the other side).
inline V3f xform_normal(const M44f& inverse, const V3f& n)
{
    return V3f(inverse[0][0] * n.x + inverse[0][1] * n.y + inverse[0][2] * n.z,
               inverse[1][0] * n.x + inverse[1][1] * n.y + inverse[1][2] * n.z,
               inverse[2][0] * n.x + inverse[2][1] * n.y + inverse[2][2] * n.z);
}

/// Determinant of the upper 3x3 (linear) part.
inline float linear_determinant(const M44f& m)
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
           m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/// An orthonormal basis around a unit normal (Duff et al. 2017, branchless).
struct Frame3 {
    V3f s{1.0f, 0.0f, 0.0f};
    V3f t{0.0f, 1.0f, 0.0f};
    V3f n{0.0f, 0.0f, 1.0f};

    Frame3() = default;
    explicit Frame3(const V3f& normal) : n(normal)
    {
        float sign = std::copysign(1.0f, n.z);
        float a = -1.0f / (sign + n.z);
        float b = n.x * n.y * a;
        s = V3f(1.0f + sign * n.x * n.x * a, sign * b, -sign * n.x);
        t = V3f(b, sign + n.y * n.y * a, -n.y);
    }

    V3f to_local(const V3f& v) const { return V3f(dot(v, s), dot(v, t), dot(v, n)); }
    V3f to_world(const V3f& v) const { return s * v.x + t * v.y + n * v.z; }
};

/// Uniform disk sample by the concentric map (Shirley-Chiu).
inline V2f sample_concentric_disk(float u1, float u2)
{
    float ox = 2.0f * u1 - 1.0f;
    float oy = 2.0f * u2 - 1.0f;
    if (ox == 0.0f && oy == 0.0f)
        return V2f(0.0f, 0.0f);
    float r, theta;
    if (std::fabs(ox) > std::fabs(oy)) {
        r = ox;
        theta = (kPi / 4.0f) * (oy / ox);
    } else {
        r = oy;
        theta = (kPi / 2.0f) - (kPi / 4.0f) * (ox / oy);
    }
    return V2f(r * std::cos(theta), r * std::sin(theta));
}

/// Cosine-weighted hemisphere around +z; pdf = cos(theta) / pi.
inline V3f sample_cosine_hemisphere(float u1, float u2)
{
    V2f d = sample_concentric_disk(u1, u2);
    float z = std::sqrt(std::max(0.0f, 1.0f - d.x * d.x - d.y * d.y));
    return V3f(d.x, d.y, z);
}

/// Uniform direction on the unit sphere; pdf = 1 / (4 pi).
inline V3f sample_uniform_sphere(float u1, float u2)
{
    float z = 1.0f - 2.0f * u1;
    float r = std::sqrt(std::max(0.0f, 1.0f - z * z));
    float phi = kTwoPi * u2;
    return V3f(r * std::cos(phi), r * std::sin(phi), z);
}

/// Direction in a cone of half-angle acos(cos_max) around +z; pdf = 1/(2 pi (1-cos_max)).
inline V3f sample_uniform_cone(float u1, float u2, float cos_max)
{
    float cos_theta = 1.0f - u1 * (1.0f - cos_max);
    float sin_theta = std::sqrt(std::max(0.0f, 1.0f - cos_theta * cos_theta));
    float phi = kTwoPi * u2;
    return V3f(sin_theta * std::cos(phi), sin_theta * std::sin(phi), cos_theta);
}

/// Power heuristic (beta = 2) for two strategies.
inline float power_heuristic(float pdf_a, float pdf_b)
{
    float a = pdf_a * pdf_a;
    float b = pdf_b * pdf_b;
    if (a + b <= 0.0f)
        return 0.0f;
    // Guard against overflow of the squares for near-delta pdfs.
    if (!std::isfinite(a))
        return 1.0f;
    return a / (a + b);
}

}  // namespace ck::render
