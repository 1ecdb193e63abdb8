// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Camera conventions (left-handed camera space, y = 0 at the top row, fov across
// the shorter axis, screen window, clipping) and instancing.
#include "test_scenes.h"

#include "camera/camera.h"

#include <atomic>

#include <cmath>

namespace ck::render::testing {
namespace {

struct Centroid {
    double x = 0, y = 0;
    int count = 0;
};

/// Centroid of the pixels whose centre sample hits geometry.
Centroid coverage_centroid(const scene::Frame& frame)
{
    Centroid c;
    auto r = make_renderer(frame);
    if (!r)
        return c;
    for (int y = 0; y < frame.image.yres; ++y) {
        for (int x = 0; x < frame.image.xres; ++x) {
            if (r->render_sample(x, y, 0).a > 0) {
                c.x += x + 0.5;
                c.y += y + 0.5;
                ++c.count;
            }
        }
    }
    if (c.count) {
        c.x /= c.count;
        c.y /= c.count;
    }
    return c;
}

scene::Frame sphere_frame(int xres, int yres, float fov, const V3f& center, float radius)
{
    scene::Frame frame = base_frame(xres, yres, fov);
    frame.image.filter.xwidth = 1e-4f;  // sample pixel centres
    frame.image.filter.ywidth = 1e-4f;
    add_material(frame, scene::MaterialKind::Diffuse, C3f(0.5f, 0.5f, 0.5f));
    add_sphere(frame, center, radius, 0);
    return frame;
}

TEST(Camera, PlusXIsRightPlusYIsUp)
{
    Centroid right = coverage_centroid(sphere_frame(32, 32, 60, V3f(3, 0, 10), 1));
    ASSERT_GT(right.count, 0);
    EXPECT_GT(right.x, 20);
    EXPECT_NEAR(right.y, 16, 1);

    Centroid up = coverage_centroid(sphere_frame(32, 32, 60, V3f(0, 3, 10), 1));
    ASSERT_GT(up.count, 0);
    EXPECT_LT(up.y, 12);
    EXPECT_NEAR(up.x, 16, 1);
}

TEST(Camera, FovSpansTheShorterAxis)
{
    // Wide 40 x 20, fov 90: the screen window is [-2, 2] x [-1, 1] at z = 1.
    // A point at screen (1.2, 0.6) lands at raster (32, 4).
    Centroid c = coverage_centroid(sphere_frame(40, 20, 90, V3f(12, 6, 10), 1.5f));
    ASSERT_GT(c.count, 0);
    EXPECT_NEAR(c.x, 32, 1.0);
    EXPECT_NEAR(c.y, 4, 1.0);

    // Tall 20 x 40: window [-1, 1] x [-2, 2]; screen (0.6, 1.2) -> raster (16, 8).
    Centroid t = coverage_centroid(sphere_frame(20, 40, 90, V3f(6, 12, 10), 1.5f));
    ASSERT_GT(t.count, 0);
    EXPECT_NEAR(t.x, 16, 1.0);
    EXPECT_NEAR(t.y, 8, 1.0);
}

TEST(Camera, ScreenWindowOverridesDefault)
{
    // Window [0, 2] x [0, 2] at fov 90: screen (1, 1) is the image centre.
    scene::Frame frame = sphere_frame(32, 32, 90, V3f(10, 10, 10), 0.5f);
    frame.camera.screen_window_set = true;
    frame.camera.screen_window[0] = 0;
    frame.camera.screen_window[1] = 2;
    frame.camera.screen_window[2] = 0;
    frame.camera.screen_window[3] = 2;
    Centroid c = coverage_centroid(frame);
    ASSERT_GT(c.count, 0);
    EXPECT_NEAR(c.x, 16, 1.0);
    EXPECT_NEAR(c.y, 16, 1.0);
}

TEST(Camera, Orthographic)
{
    // Window [-4, 4]^2 maps camera-space x, y directly.
    scene::Frame frame = sphere_frame(32, 32, 60, V3f(2, 2, 10), 0.5f);
    frame.camera.projection = scene::Projection::Orthographic;
    frame.camera.screen_window_set = true;
    frame.camera.screen_window[0] = -4;
    frame.camera.screen_window[1] = 4;
    frame.camera.screen_window[2] = -4;
    frame.camera.screen_window[3] = 4;
    Centroid c = coverage_centroid(frame);
    ASSERT_GT(c.count, 0);
    EXPECT_NEAR(c.x, 24, 0.75);  // (2 + 4) / 8 * 32
    EXPECT_NEAR(c.y, 8, 0.75);   // (4 - 2) / 8 * 32
    // Radius 0.5 = 2 pixels: about pi * 4 pixels covered.
    EXPECT_NEAR(c.count, kTestPi * 4, 4);
}

TEST(Camera, WorldToCameraIsRowVector)
{
    // Translate 0 0 5 before WorldBegin puts the world origin 5 units ahead.
    scene::Frame frame = sphere_frame(16, 16, 60, V3f(0, 0, 0), 1);
    frame.camera.world_to_camera = translate(V3f(0, 0, 5));
    Centroid c = coverage_centroid(frame);
    ASSERT_GT(c.count, 0);
    EXPECT_NEAR(c.x, 8, 0.5);
    EXPECT_NEAR(c.y, 8, 0.5);
}

TEST(Camera, ClippingBoundsTheRay)
{
    // Sphere from z = 8 to z = 12 on the axis; look at the centre pixel.
    scene::Frame frame = sphere_frame(9, 9, 60, V3f(0, 0, 10), 2);
    auto alpha = [&frame] { return make_renderer(frame)->render_sample(4, 4, 0).a; };
    EXPECT_EQ(alpha(), 1.0f);
    frame.camera.far_clip = 7.0f;  // before the sphere
    EXPECT_EQ(alpha(), 0.0f);
    frame.camera.far_clip = 1e30f;
    frame.camera.near_clip = 9.0f;  // inside: the back wall at z = 12 is seen
    EXPECT_EQ(alpha(), 1.0f);
    frame.camera.far_clip = 11.0f;  // and now that is clipped too
    EXPECT_EQ(alpha(), 0.0f);
}

TEST(Instancing, InstancedSphereMatchesDirectOne)
{
    for (bool mesh : {false, true}) {
        scene::Frame direct = base_frame(16, 16, 40);
        direct.max_depth = 2;
        add_dome(direct, C3f(0.2f, 0.2f, 0.2f));
        scene::Light sun;
        sun.kind = scene::LightKind::Distant;
        sun.shader = "distantlight";
        sun.to = V3f(1, -1, 1);
        sun.color = C3f(2, 2, 2);
        direct.world.lights.push_back(sun);
        add_material(direct, scene::MaterialKind::Diffuse, C3f(0.6f, 0.5f, 0.4f));
        scene::Frame instanced = direct;

        M44f place = scale(V3f(1.5f, 1.5f, 1.5f)) * translate(V3f(0.3f, 0.2f, 6));
        scene::Shape shape;
        if (mesh) {
            shape.kind = scene::ShapeKind::Mesh;
            shape.mesh = uv_sphere(1.0f, 32, 16, true);
        } else {
            shape.kind = scene::ShapeKind::Sphere;
        }
        shape.material = 0;
        shape.object_to_world = place;
        direct.world.shapes.push_back(shape);

        shape.object_to_world = M44f();
        scene::Prototype proto;
        proto.handle = "ball";
        proto.shapes.push_back(shape);
        instanced.world.prototypes.push_back(proto);
        scene::Instance inst;
        inst.prototype = 0;
        inst.object_to_world = place;
        instanced.world.instances.push_back(inst);

        auto a = make_renderer(direct);
        auto b = make_renderer(instanced);
        ASSERT_TRUE(a && b);
        int covered = 0, mismatched = 0;
        for (int y = 0; y < 16; ++y) {
            for (int x = 0; x < 16; ++x) {
                PixelStats sa = pixel_stats(*a, x, y, 16);
                PixelStats sb = pixel_stats(*b, x, y, 16);
                covered += sa.alpha > 0;
                // Same samples, same geometry: only rounding at silhouettes may differ.
                if (std::fabs(sa.mean[0] - sb.mean[0]) > 1e-3 || sa.alpha != sb.alpha)
                    ++mismatched;
            }
        }
        EXPECT_GT(covered, 40) << "mesh " << mesh;
        EXPECT_LE(mismatched, 3) << "mesh " << mesh;
    }
}

TEST(Instancing, MissingPrototypeIsAnError)
{
    scene::Frame frame = base_frame(4, 4);
    scene::Instance inst;
    inst.prototype = 3;
    frame.world.instances.push_back(inst);
    auto result = FrameRenderer::create(frame, RendererSettings{});
    EXPECT_FALSE(result.is_ok());
}

TEST(Geometry, VisibilityAndNullMaterial)
{
    scene::Frame frame = sphere_frame(8, 8, 60, V3f(0, 0, 10), 8);
    frame.world.shapes[0].visibility.camera = false;
    EXPECT_EQ(coverage_centroid(frame).count, 0);
    frame.world.shapes[0].visibility.camera = true;
    frame.world.materials[0].kind = scene::MaterialKind::Null;
    EXPECT_EQ(coverage_centroid(frame).count, 0);
    frame.world.materials[0].kind = scene::MaterialKind::Diffuse;
    EXPECT_EQ(coverage_centroid(frame).count, 64);
}

TEST(Geometry, PartialQuadrics)
{
    // A hemisphere (z >= 0 in object space) seen from -z shows its inside only
    // through the open side; thetamax 180 keeps only y >= 0 (the top half).
    scene::Frame frame = sphere_frame(32, 32, 40, V3f(0, 0, 10), 2);
    frame.world.shapes[0].quadric.thetamax_degrees = 180.0f;
    Centroid c = coverage_centroid(frame);
    ASSERT_GT(c.count, 0);
    EXPECT_LT(c.y, 14);  // only the upper half of the disk of the sphere

    scene::Frame disk = sphere_frame(32, 32, 40, V3f(0, 0, 10), 2);
    disk.world.shapes[0].kind = scene::ShapeKind::Disk;
    disk.world.shapes[0].quadric.height = 0.0f;
    Centroid d = coverage_centroid(disk);
    EXPECT_NEAR(d.x, 16, 0.5);
    EXPECT_NEAR(d.y, 16, 0.5);

    scene::Frame cyl = sphere_frame(32, 32, 40, V3f(0, 0, 10), 2);
    cyl.world.shapes[0].kind = scene::ShapeKind::Cylinder;
    cyl.world.shapes[0].quadric.zmin = -1.0f;
    cyl.world.shapes[0].quadric.zmax = 1.0f;
    // Seen end-on, a cylinder is a ring: the centre pixel looks down its axis.
    auto r = make_renderer(cyl);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->render_sample(16, 16, 0).a, 0.0f);
    EXPECT_EQ(r->render_sample(16, 3, 0).a, 0.0f);
    // Radius 2 at distance 9..11: the ring spans raster x 24..25.8 at fov 40.
    EXPECT_EQ(r->render_sample(25, 16, 0).a, 1.0f);
}

/// Mean and variance of one axis of filter offsets over stratified u.
void offset_moments(const scene::PixelFilter& f, double& mean, double& var, double& max_abs)
{
    FilterSampler sampler(f);
    const int n = 20000;
    mean = var = max_abs = 0;
    for (int i = 0; i < n; ++i) {
        float u = (float(i) + 0.5f) / n;
        V2f o = sampler.sample(u, 0.5f);
        mean += o.x;
        var += double(o.x) * o.x;
        max_abs = std::max(max_abs, double(std::fabs(o.x)));
    }
    mean /= n;
    var = var / n - mean * mean;
}

TEST(Filter, OffsetsFollowTheFilterShape)
{
    double mean, var, max_abs;
    offset_moments({"box", 1, 1}, mean, var, max_abs);
    EXPECT_NEAR(mean, 0, 1e-4);
    EXPECT_NEAR(var, 1.0 / 12, 1e-4);
    EXPECT_LE(max_abs, 0.5);

    offset_moments({"triangle", 2, 2}, mean, var, max_abs);
    EXPECT_NEAR(mean, 0, 1e-4);
    EXPECT_NEAR(var, 1.0 / 6, 1e-3);  // tent of half-width 1
    EXPECT_LE(max_abs, 1.0);

    // RenderMan gaussian of width 2: sigma 0.5, truncated at 2 sigma.
    offset_moments({"gaussian", 2, 2}, mean, var, max_abs);
    EXPECT_NEAR(mean, 0, 1e-4);
    EXPECT_NEAR(var, 0.25 * 0.7737, 2e-3);
    EXPECT_LE(max_abs, 1.0);

    // Negative-lobed filters fall back to the gaussian of the same width.
    double gmean, gvar, gmax;
    offset_moments({"gaussian", 4, 4}, gmean, gvar, gmax);
    offset_moments({"mitchell", 4, 4}, mean, var, max_abs);
    EXPECT_EQ(var, gvar);
}

TEST(Build, CancelledBuildFails)
{
    scene::Frame frame = sphere_frame(4, 4, 60, V3f(0, 0, 10), 1);
    std::atomic<bool> cancel{true};
    RendererSettings settings;
    settings.cancel = &cancel;
    auto result = FrameRenderer::create(frame, settings);
    ASSERT_FALSE(result.is_ok());
    EXPECT_NE(result.status().message().find("cancelled"), std::string::npos);
    cancel = false;
    EXPECT_TRUE(FrameRenderer::create(frame, settings).is_ok());
}

}  // namespace
}  // namespace ck::render::testing
