// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Furnace tests: a convex diffuse object of albedo rho inside a uniform dome of
// radiance 1 reflects exactly rho everywhere (it never sees itself), whatever
// the path depth. Background pixels see the dome (1) with alpha 0.
#include "test_scenes.h"

#include <cmath>

namespace ck::render::testing {
namespace {

constexpr int kRes = 16;
constexpr float kFov = 30.0f;
constexpr int kSamples = 48;

/// Direction of the camera ray through raster position (rx, ry) for base_frame.
V3f raster_dir(float rx, float ry)
{
    float t = std::tan(0.5f * kFov * kTestPi / 180.0f);
    float sx = -1.0f + 2.0f * rx / kRes;
    float sy = 1.0f - 2.0f * ry / kRes;
    return V3f(sx * t, sy * t, 1.0f).normalized();
}

bool hits_sphere(const V3f& dir, const V3f& c, float r)
{
    float along = dir.dot(c);
    float d2 = c.dot(c) - along * along;
    return along > 0 && d2 < r * r;
}

enum class Coverage { Inside, Outside, Edge };

Coverage classify(int x, int y, const V3f& c, float r)
{
    int hits = 0;
    for (int k = 0; k < 4; ++k)
        hits += hits_sphere(raster_dir(float(x + (k & 1)), float(y + (k >> 1))), c, r);
    return hits == 4 ? Coverage::Inside : hits == 0 ? Coverage::Outside : Coverage::Edge;
}

struct FurnaceResult {
    int inside = 0;
    int outside = 0;
    double mean = 0;       ///< Over every covered sample.
    double tolerance = 0;  ///< For `mean`.
};

/// Renders the furnace and checks every pixel; returns aggregate numbers.
FurnaceResult check_furnace(const scene::Frame& frame, float rho, float dome)
{
    FurnaceResult out;
    auto r = make_renderer(frame);
    if (!r)
        return out;
    const V3f center(0, 0, 5);
    double sum = 0, sum_var = 0;
    for (int y = 0; y < kRes; ++y) {
        for (int x = 0; x < kRes; ++x) {
            Coverage c = classify(x, y, center, 1.0f);
            if (c == Coverage::Edge)
                continue;
            PixelStats s = pixel_stats(*r, x, y, kSamples);
            if (c == Coverage::Outside) {
                ++out.outside;
                EXPECT_EQ(s.mean[0], dome) << x << "," << y;
                EXPECT_EQ(s.mean[2], dome) << x << "," << y;
                EXPECT_EQ(s.alpha, 0.0) << x << "," << y;
                continue;
            }
            ++out.inside;
            EXPECT_EQ(s.alpha, 1.0) << x << "," << y;
            double tol = noise_tolerance(s);
            for (int k = 0; k < 3; ++k)
                EXPECT_NEAR(s.mean[k], rho, tol) << "pixel " << x << "," << y << " ch " << k;
            sum += s.mean[0];
            sum_var += s.std_error * s.std_error;
        }
    }
    if (out.inside > 0) {
        out.mean = sum / out.inside;
        out.tolerance = 5.0 * std::sqrt(sum_var) / out.inside + 1e-3;
    }
    return out;
}

scene::Frame furnace_frame(float rho, int max_depth)
{
    scene::Frame frame = base_frame(kRes, kRes, kFov);
    frame.max_depth = max_depth;
    add_dome(frame, C3f(1, 1, 1));
    add_material(frame, scene::MaterialKind::Diffuse, C3f(rho, rho, rho));
    return frame;
}

class FurnaceTest : public ::testing::TestWithParam<float> {};

TEST_P(FurnaceTest, QuadricSphere)
{
    float rho = GetParam();
    scene::Frame frame = furnace_frame(rho, 5);
    add_sphere(frame, V3f(0, 0, 5), 1.0f, 0);
    FurnaceResult res = check_furnace(frame, rho, 1.0f);
    EXPECT_GT(res.inside, 20);
    EXPECT_GT(res.outside, 20);
    EXPECT_NEAR(res.mean, rho, res.tolerance);
}

TEST_P(FurnaceTest, TriangulatedSphere)
{
    float rho = GetParam();
    scene::Frame frame = furnace_frame(rho, 5);
    // Shading normals are present; a fine tessellation keeps them close to the facets.
    add_mesh(frame, uv_sphere(1.0f, 96, 48, true), translate(V3f(0, 0, 5)), 0);
    FurnaceResult res = check_furnace(frame, rho, 1.0f);
    EXPECT_GT(res.inside, 20);
    EXPECT_NEAR(res.mean, rho, res.tolerance + 2e-3);
}

INSTANTIATE_TEST_SUITE_P(Albedo, FurnaceTest, ::testing::Values(0.5f, 0.8f));

TEST(Furnace, WhiteFurnaceDeepPaths)
{
    // A convex object cannot see itself, so deep paths must add nothing.
    scene::Frame frame = furnace_frame(0.8f, 64);
    add_sphere(frame, V3f(0, 0, 5), 1.0f, 0);
    FurnaceResult res = check_furnace(frame, 0.8f, 1.0f);
    EXPECT_NEAR(res.mean, 0.8, res.tolerance);
}

TEST(Furnace, FlatFacetsAreExact)
{
    // Without shading normals the facets are exactly convex: still rho.
    scene::Frame frame = furnace_frame(0.5f, 5);
    add_mesh(frame, uv_sphere(1.0f, 24, 12, false), translate(V3f(0, 0, 5)), 0);
    auto r = make_renderer(frame);
    ASSERT_TRUE(r);
    PixelStats s = pixel_stats(*r, kRes / 2, kRes / 2, 2000);
    EXPECT_NEAR(s.mean[0], 0.5, noise_tolerance(s, 5.0, 1e-3));
}

TEST(Furnace, VertexColourMultipliesDiffuse)
{
    // Per-vertex Cs (0.25, 0.5, 1) on a white Lambert sphere: the furnace gives Cs.
    scene::Frame frame = furnace_frame(1.0f, 5);
    auto mesh = uv_sphere(1.0f, 24, 12, false);
    mesh->Cs.assign(mesh->P.size(), C3f(0.25f, 0.5f, 1.0f));
    add_mesh(frame, mesh, translate(V3f(0, 0, 5)), 0);
    auto r = make_renderer(frame);
    ASSERT_TRUE(r);
    PixelStats s = pixel_stats(*r, kRes / 2, kRes / 2, 500);
    EXPECT_NEAR(s.mean[0], 0.25, 2e-3);
    EXPECT_NEAR(s.mean[1], 0.5, 2e-3);
    EXPECT_NEAR(s.mean[2], 1.0, 2e-3);
}

TEST(Furnace, EnclosedDiffuseSphereConvergesToGeometricSeries)
{
    // Inside a closed diffuse sphere of albedo rho lit only by an emitting
    // interior of radiance Le: L = Le / (1 - rho) for infinite depth; with
    // max_depth bounces, L = Le * (1 - rho^(d+1)) / (1 - rho).
    const float rho = 0.5f;
    const int depth = 3;
    scene::Frame frame = base_frame(8, 8, 60.0f);
    frame.max_depth = depth;
    add_material(frame, scene::MaterialKind::Diffuse, C3f(rho, rho, rho));
    frame.world.emitters.push_back(scene::Emitter{C3f(1, 1, 1), true, -1});
    int s = add_sphere(frame, V3f(0, 0, 0), 3.0f, 0);
    frame.world.shapes[size_t(s)].emitter = 0;
    auto r = make_renderer(frame);
    ASSERT_TRUE(r);
    PixelStats st = pixel_stats(*r, 4, 4, 4000);
    double expected = (1.0 - std::pow(rho, depth + 1)) / (1.0 - rho);
    EXPECT_NEAR(st.mean[0], expected, noise_tolerance(st));
    EXPECT_EQ(st.alpha, 1.0);
}

}  // namespace
}  // namespace ck::render::testing
