// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Scene builders and pixel statistics shared by the integrator tests. Frames
// are built directly as scene::Frame structs (no RIB parser involved).
#pragma once

#include "integrator/frame_renderer.h"
#include "scene/scene.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

namespace ck::render::testing {

using scene::C3f;
using scene::M44f;
using scene::V2f;
using scene::V3f;

constexpr float kTestPi = 3.14159265358979323846f;

inline M44f translate(const V3f& t)
{
    M44f m;
    m.setTranslation(t);
    return m;
}

inline M44f scale(const V3f& s)
{
    M44f m;
    m.setScale(s);
    return m;
}

/// Rotation about an axis (degrees), row-vector convention (p' = p * M).
inline M44f rotate(float degrees, const V3f& axis)
{
    M44f m;
    m.setAxisAngle(axis, degrees * kTestPi / 180.0f);
    return m;
}

/// A perspective camera at the origin looking down +z, box 1x1 filter.
inline scene::Frame base_frame(int xres, int yres, float fov_degrees = 30.0f)
{
    scene::Frame frame;
    frame.image.xres = xres;
    frame.image.yres = yres;
    frame.image.filter.name = "box";
    frame.image.filter.xwidth = 1.0f;
    frame.image.filter.ywidth = 1.0f;
    frame.camera.projection = scene::Projection::Perspective;
    frame.camera.fov_degrees = fov_degrees;
    frame.sampling.seed = 7;
    frame.max_depth = 5;
    return frame;
}

inline int add_material(scene::Frame& frame, scene::MaterialKind kind, const C3f& diffuse)
{
    scene::Material m;
    m.kind = kind;
    m.diffuse_color = diffuse;
    frame.world.materials.push_back(m);
    return int(frame.world.materials.size()) - 1;
}

inline int add_sphere(scene::Frame& frame, const V3f& center, float radius, int material)
{
    scene::Shape s;
    s.kind = scene::ShapeKind::Sphere;
    s.quadric.radius = radius;
    s.quadric.zmin = -radius;
    s.quadric.zmax = radius;
    s.object_to_world = translate(center);
    s.material = material;
    frame.world.shapes.push_back(s);
    return int(frame.world.shapes.size()) - 1;
}

/// A latitude/longitude triangulated sphere of `radius` at the origin.
inline std::shared_ptr<scene::TriangleMesh> uv_sphere(float radius, int nu, int nv, bool normals)
{
    auto mesh = std::make_shared<scene::TriangleMesh>();
    for (int j = 0; j <= nv; ++j) {
        float theta = kTestPi * float(j) / float(nv);
        for (int i = 0; i <= nu; ++i) {
            float phi = 2.0f * kTestPi * float(i) / float(nu);
            V3f n(std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi),
                  std::cos(theta));
            mesh->P.push_back(n * radius);
            if (normals)
                mesh->N.push_back(n);
        }
    }
    auto index = [nu](int i, int j) { return uint32_t(j * (nu + 1) + i); };
    for (int j = 0; j < nv; ++j) {
        for (int i = 0; i < nu; ++i) {
            uint32_t a = index(i, j), b = index(i + 1, j), c = index(i + 1, j + 1),
                     d = index(i, j + 1);
            if (j != 0)
                mesh->indices.insert(mesh->indices.end(), {a, b, c});
            if (j != nv - 1)
                mesh->indices.insert(mesh->indices.end(), {a, c, d});
        }
    }
    return mesh;
}

/// A quad with corners p0..p3 (two triangles p0 p1 p2, p0 p2 p3).
inline std::shared_ptr<scene::TriangleMesh> quad(const V3f& p0, const V3f& p1, const V3f& p2,
                                                 const V3f& p3)
{
    auto mesh = std::make_shared<scene::TriangleMesh>();
    mesh->P = {p0, p1, p2, p3};
    mesh->indices = {0, 1, 2, 0, 2, 3};
    return mesh;
}

inline int add_mesh(scene::Frame& frame, std::shared_ptr<scene::TriangleMesh> mesh,
                    const M44f& object_to_world, int material)
{
    scene::Shape s;
    s.kind = scene::ShapeKind::Mesh;
    s.mesh = std::move(mesh);
    s.object_to_world = object_to_world;
    s.material = material;
    frame.world.shapes.push_back(s);
    return int(frame.world.shapes.size()) - 1;
}

inline int add_dome(scene::Frame& frame, const C3f& color, const std::string& map = {})
{
    scene::Light l;
    l.kind = scene::LightKind::Dome;
    l.shader = "PxrDomeLight";
    l.color = color;
    l.map = map;
    frame.world.lights.push_back(l);
    return int(frame.world.lights.size()) - 1;
}

inline std::unique_ptr<FrameRenderer> make_renderer(const scene::Frame& frame)
{
    auto result = FrameRenderer::create(frame, RendererSettings{});
    EXPECT_TRUE(result.is_ok()) << result.status().message();
    if (!result.is_ok())
        return nullptr;
    return std::move(result.value());
}

/// Per-channel mean of n samples of a pixel, with the standard error of the mean.
struct PixelStats {
    double mean[3] = {0, 0, 0};
    double alpha = 0;
    double std_error = 0;  ///< Of the red channel's mean.
    int n = 0;
};

inline PixelStats pixel_stats(const FrameRenderer& r, int x, int y, int n, uint32_t first = 0)
{
    PixelStats s;
    double sum2 = 0;
    for (int i = 0; i < n; ++i) {
        PixelSample p = r.render_sample(x, y, first + uint32_t(i));
        s.mean[0] += p.r;
        s.mean[1] += p.g;
        s.mean[2] += p.b;
        s.alpha += p.a;
        sum2 += double(p.r) * double(p.r);
    }
    s.n = n;
    for (double& m : s.mean)
        m /= n;
    s.alpha /= n;
    double var = std::max(0.0, sum2 / n - s.mean[0] * s.mean[0]);
    s.std_error = std::sqrt(var / n);
    return s;
}

/// Tolerance for a mean of noisy samples: `sigmas` standard errors plus a small
/// absolute term for the residual bias of the method (kept far below the
/// effects the tests look for).
inline double noise_tolerance(const PixelStats& s, double sigmas = 5.0, double floor = 2e-3)
{
    return sigmas * s.std_error + floor;
}

}  // namespace ck::render::testing
