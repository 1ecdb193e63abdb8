// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "camera/camera.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>

namespace ck::render {

namespace {

constexpr int kTableSize = 256;

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

/// Cumulative table of a RenderMan gaussian over [-w/2, w/2]:
/// exp(-2 (2x/w)^2), i.e. sigma = w/4, truncated at 2 sigma.
std::vector<float> gaussian_cdf()
{
    std::vector<float> cdf(kTableSize + 1, 0.0f);
    double sum = 0.0;
    for (int i = 0; i < kTableSize; ++i) {
        double x = (double(i) + 0.5) / kTableSize * 2.0 - 1.0;  // in [-1, 1] = 2x/w
        sum += std::exp(-2.0 * x * x);
        cdf[size_t(i) + 1] = float(sum);
    }
    for (float& c : cdf)
        c = float(double(c) / sum);
    cdf[kTableSize] = 1.0f;
    return cdf;
}

/// Inverse CDF of the symmetric tent on [-1, 1].
float sample_tent(float u)
{
    if (u < 0.5f)
        return std::sqrt(2.0f * u) - 1.0f;
    return 1.0f - std::sqrt(2.0f - 2.0f * u);
}

}  // namespace

FilterSampler::FilterSampler(const scene::PixelFilter& filter)
{
    m_xwidth = filter.xwidth > 0.0f ? filter.xwidth : 1.0f;
    m_ywidth = filter.ywidth > 0.0f ? filter.ywidth : 1.0f;
    std::string name = lower(filter.name);
    if (name == "box") {
        m_kind = Kind::Box;
    } else if (name == "triangle") {
        m_kind = Kind::Triangle;
    } else {
        // gaussian; catmull-rom, sinc and mitchell have negative lobes that a
        // weight-1 film cannot represent, so they use a gaussian of the same width.
        m_kind = Kind::Tabulated;
        m_xcdf = gaussian_cdf();
        m_ycdf = gaussian_cdf();
    }
}

float FilterSampler::sample_axis(float u, float width, const std::vector<float>& cdf) const
{
    // Find the bin, then place the sample linearly inside it.
    auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
    int bin = std::clamp(int(it - cdf.begin()) - 1, 0, kTableSize - 1);
    float lo = cdf[size_t(bin)];
    float hi = cdf[size_t(bin) + 1];
    float frac = hi > lo ? (u - lo) / (hi - lo) : 0.5f;
    float x = (float(bin) + frac) / float(kTableSize);  // [0, 1]
    return (x - 0.5f) * width;
}

V2f FilterSampler::sample(float u1, float u2) const
{
    switch (m_kind) {
        case Kind::Box:
            return V2f((u1 - 0.5f) * m_xwidth, (u2 - 0.5f) * m_ywidth);
        case Kind::Triangle:
            return V2f(sample_tent(u1) * 0.5f * m_xwidth, sample_tent(u2) * 0.5f * m_ywidth);
        case Kind::Tabulated:
            break;
    }
    return V2f(sample_axis(u1, m_xwidth, m_xcdf), sample_axis(u2, m_ywidth, m_ycdf));
}

Camera::Camera(const scene::Camera& camera, const scene::Image& image)
    : m_projection(camera.projection)
{
    m_camera_to_world = camera.world_to_camera.inverse();
    m_xres = float(std::max(1, image.xres));
    m_yres = float(std::max(1, image.yres));

    // Default screen window from the frame aspect ratio.
    float aspect = image.frame_aspect > 0.0f
                       ? image.frame_aspect
                       : m_xres * (image.pixel_aspect > 0.0f ? image.pixel_aspect : 1.0f) / m_yres;
    if (camera.screen_window_set) {
        std::copy(camera.screen_window, camera.screen_window + 4, m_window);
    } else if (aspect >= 1.0f) {
        m_window[0] = -aspect;
        m_window[1] = aspect;
        m_window[2] = -1.0f;
        m_window[3] = 1.0f;
    } else {
        m_window[0] = -1.0f;
        m_window[1] = 1.0f;
        m_window[2] = -1.0f / aspect;
        m_window[3] = 1.0f / aspect;
    }
    float fov = std::clamp(camera.fov_degrees, 1e-4f, 179.99f);
    m_tan_half_fov = std::tan(0.5f * fov * kPi / 180.0f);
    m_near = std::max(0.0f, camera.near_clip);
    m_far = camera.far_clip > m_near ? camera.far_clip : std::numeric_limits<float>::infinity();
}

void Camera::generate_ray(float rx, float ry, V3f& org, V3f& dir, float& tnear, float& tfar) const
{
    // Raster -> screen window: x grows right, y grows up (raster y grows down).
    float sx = m_window[0] + (rx / m_xres) * (m_window[1] - m_window[0]);
    float sy = m_window[3] - (ry / m_yres) * (m_window[3] - m_window[2]);

    V3f o_cam(0.0f), d_cam(0.0f);
    if (m_projection == scene::Projection::Perspective) {
        o_cam = V3f(0.0f, 0.0f, 0.0f);
        d_cam = V3f(sx * m_tan_half_fov, sy * m_tan_half_fov, 1.0f);  // z = 1: left-handed, forward
    } else {
        o_cam = V3f(sx, sy, 0.0f);
        d_cam = V3f(0.0f, 0.0f, 1.0f);
    }
    // The clip planes bound camera-space z; z(t) = o.z + t * d.z with d.z = 1.
    float t0 = m_near - o_cam.z;
    float t1 = m_far - o_cam.z;

    org = xform_point(m_camera_to_world, o_cam);
    V3f d_world = xform_vector(m_camera_to_world, d_cam);
    float len = length(d_world);
    dir = d_world * (1.0f / len);
    tnear = t0 * len;
    tfar = std::isfinite(t1) ? t1 * len : std::numeric_limits<float>::infinity();
}

}  // namespace ck::render
