// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Light units and conventions: a diffuse plane at z = 5 facing the camera, seen
// through a tiny orthographic window, so every sample shades (almost) the same
// point. Outgoing radiance must be rho / pi * E for the analytic irradiance E.
#include "test_scenes.h"

#include <cmath>

namespace ck::render::testing {
namespace {

constexpr float kRho = 0.5f;
constexpr float kPlaneZ = 5.0f;

scene::Frame plane_frame()
{
    scene::Frame frame = base_frame(4, 4);
    frame.camera.projection = scene::Projection::Orthographic;
    frame.camera.screen_window_set = true;
    const float w = 1e-3f;
    frame.camera.screen_window[0] = -w;
    frame.camera.screen_window[1] = w;
    frame.camera.screen_window[2] = -w;
    frame.camera.screen_window[3] = w;
    frame.max_depth = 1;  // direct lighting only
    add_material(frame, scene::MaterialKind::Diffuse, C3f(kRho, kRho, kRho));
    add_mesh(frame,
             quad(V3f(-50, -50, kPlaneZ), V3f(50, -50, kPlaneZ), V3f(50, 50, kPlaneZ),
                  V3f(-50, 50, kPlaneZ)),
             M44f(), 0);
    return frame;
}

/// Mean red radiance over all pixels, and its tolerance.
void measure(const scene::Frame& frame, int spp, double& mean, double& tol)
{
    auto r = make_renderer(frame);
    mean = 0;
    tol = 1;
    if (!r)
        return;
    double var = 0;
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 4; ++x) {
            PixelStats s = pixel_stats(*r, x, y, spp);
            mean += s.mean[0] / 16;
            var += s.std_error * s.std_error / 256;
        }
    }
    tol = 5.0 * std::sqrt(var) + 2e-3 * std::fabs(mean) + 1e-5;
}

/// Light-space rows that map light-space -Z to world +Z (toward the plane).
M44f face_plus_z()
{
    return M44f(1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1);
}

scene::Light classic(scene::LightKind kind, const char* shader, const C3f& color)
{
    scene::Light l;
    l.kind = kind;
    l.shader = shader;
    l.color = color;
    return l;
}

TEST(Lights, PointLightNormalAndOblique)
{
    for (V3f pos : {V3f(0, 0, 3), V3f(1.5f, 0, 3)}) {
        scene::Frame frame = plane_frame();
        scene::Light l = classic(scene::LightKind::Point, "pointlight", C3f(8, 8, 8));
        l.from = pos;
        frame.world.lights.push_back(l);
        V3f d = V3f(0, 0, kPlaneZ) - pos;
        double dist = d.length();
        double e = 8.0 * (2.0 / dist) / (dist * dist);
        double mean, tol;
        measure(frame, 8, mean, tol);
        EXPECT_NEAR(mean, kRho / kTestPi * e, tol) << "light at " << pos.x;
    }
}

TEST(Lights, PointLightFromIsInLightSpace)
{
    scene::Frame frame = plane_frame();
    scene::Light l = classic(scene::LightKind::Point, "pointlight", C3f(8, 8, 8));
    l.from = V3f(0, 0, 1);
    l.light_to_world = translate(V3f(0, 0, 2));  // world position (0, 0, 3)
    frame.world.lights.push_back(l);
    double mean, tol;
    measure(frame, 8, mean, tol);
    EXPECT_NEAR(mean, kRho / kTestPi * 2.0, tol);
}

TEST(Lights, ClassicDistantLight)
{
    const double e = 3.0;
    struct Case {
        V3f to;
        double cosine;
    };
    for (Case c :
         {Case{V3f(0, 0, 1), 1.0}, Case{V3f(1, 0, 1), std::sqrt(0.5)}, Case{V3f(0, 0, -1), 0.0}}) {
        scene::Frame frame = plane_frame();
        scene::Light l = classic(scene::LightKind::Distant, "distantlight", C3f(3, 3, 3));
        l.from = V3f(0, 0, 0);
        l.to = c.to;
        frame.world.lights.push_back(l);
        double mean, tol;
        measure(frame, 4, mean, tol);
        EXPECT_NEAR(mean, kRho / kTestPi * e * c.cosine, tol) << "to " << c.to.x << "," << c.to.z;
    }
}

TEST(Lights, PxrDistantLightEmitsDownMinusZ)
{
    // Identity transform: light travels along -Z, so it reaches only the back.
    for (bool flipped : {false, true}) {
        scene::Frame frame = plane_frame();
        scene::Light l = classic(scene::LightKind::Distant, "PxrDistantLight", C3f(3, 3, 3));
        if (flipped)
            l.light_to_world = face_plus_z();
        frame.world.lights.push_back(l);
        double mean, tol;
        measure(frame, 4, mean, tol);
        EXPECT_NEAR(mean, flipped ? kRho / kTestPi * 3.0 : 0.0, tol);
    }
}

TEST(Lights, DistantLightWithAngularExtentKeepsIrradiance)
{
    scene::Frame frame = plane_frame();
    scene::Light l = classic(scene::LightKind::Distant, "PxrDistantLight", C3f(3, 3, 3));
    l.light_to_world = face_plus_z();
    l.angle_extent_degrees = 10.0f;
    frame.world.lights.push_back(l);
    double mean, tol;
    measure(frame, 256, mean, tol);
    // A 10-degree disk at normal incidence: E = color exactly (irradiance units).
    EXPECT_NEAR(mean, kRho / kTestPi * 3.0, tol);
}

TEST(Lights, SpotLightCone)
{
    for (float x : {0.0f, 2.0f}) {  // on the axis, and 45 degrees off (outside the cone)
        scene::Frame frame = plane_frame();
        scene::Light l = classic(scene::LightKind::Spot, "spotlight", C3f(8, 8, 8));
        l.from = V3f(x, 0, 3);
        l.to = V3f(x, 0, 5);
        l.cone_angle_degrees = 30.0f;
        l.cone_delta_angle_degrees = 5.0f;
        frame.world.lights.push_back(l);
        double mean, tol;
        measure(frame, 4, mean, tol);
        EXPECT_NEAR(mean, x == 0.0f ? kRho / kTestPi * 2.0 : 0.0, tol);
    }
}

double rect_form_factor(double a, double b, double h)
{
    // Differential area to a parallel rectangle centred above it (sides 2a x 2b):
    // four corner rectangles of the classic catalogue formula.
    double x = a / h, y = b / h;
    double sx = std::sqrt(1 + x * x), sy = std::sqrt(1 + y * y);
    return 4.0 / (2.0 * kTestPi) * (x / sx * std::atan(y / sx) + y / sy * std::atan(x / sy));
}

/// Adds `count` grazing point lights around the plane. With more than four
/// lights in all, NEE chooses one light per vertex, so a MIS weight that forgets
/// the selection probability is caught; with fewer, every light is sampled.
/// Returns their summed contribution. Area lights below are hidden from the
/// camera, which looks through them.
double add_side_lights(scene::Frame& frame, int count = 4)
{
    const V3f spots[4] = {V3f(0, 8, kPlaneZ - 0.5f), V3f(0, -8, kPlaneZ - 0.5f),
                          V3f(8, 0, kPlaneZ - 0.5f), V3f(-8, 0, kPlaneZ - 0.5f)};
    double sum = 0;
    for (int i = 0; i < count; ++i) {
        scene::Light l = classic(scene::LightKind::Point, "pointlight", C3f(20, 20, 20));
        l.from = spots[i];
        frame.world.lights.push_back(l);
        V3f d = V3f(0, 0, kPlaneZ) - l.from;
        double dist = d.length();
        sum += kRho / kTestPi * 20.0 * (0.5 / dist) / (dist * dist);
    }
    return sum;
}

TEST(Lights, RectLightMatchesFormFactor)
{
    const float h = 1.0f, sx = 3.0f, sy = 2.0f, le = 2.0f;
    for (int variant = 0; variant < 3; ++variant) {
        bool with_shape = variant != 0;
        scene::Frame frame = plane_frame();
        // Variant 2 has two lights in all: both are sampled at every vertex.
        double side = add_side_lights(frame, variant == 2 ? 1 : 4);
        scene::Light l = classic(scene::LightKind::Rect, "PxrRectLight", C3f(le, le, le));
        l.camera_visible = false;
        l.light_to_world =
            face_plus_z() * scale(V3f(sx, sy, 1)) * translate(V3f(0, 0, kPlaneZ - h));
        if (with_shape) {
            // The parser's version: the light's shape is in World::shapes.
            l.emitter = 0;
            frame.world.emitters.push_back(
                scene::Emitter{C3f(le, le, le), false, int(frame.world.lights.size())});
            l.shape = add_mesh(frame,
                               quad(V3f(-0.5f, -0.5f, 0), V3f(0.5f, -0.5f, 0), V3f(0.5f, 0.5f, 0),
                                    V3f(-0.5f, 0.5f, 0)),
                               l.light_to_world, -1);
            frame.world.shapes.back().emitter = 0;
        }
        frame.world.lights.push_back(l);
        double expected = kRho * le * rect_form_factor(sx / 2, sy / 2, h) + side;
        double mean, tol;
        measure(frame, 400, mean, tol);
        EXPECT_NEAR(mean, expected, tol) << "variant " << variant;
    }
}

TEST(Lights, RectLightIsOneSided)
{
    scene::Frame frame = plane_frame();
    scene::Light l = classic(scene::LightKind::Rect, "PxrRectLight", C3f(2, 2, 2));
    l.camera_visible = false;
    // Identity orientation emits toward -Z: away from the plane.
    l.light_to_world = scale(V3f(3, 3, 1)) * translate(V3f(0, 0, kPlaneZ - 1));
    frame.world.lights.push_back(l);
    double mean, tol;
    measure(frame, 64, mean, tol);
    EXPECT_NEAR(mean, 0.0, 1e-6);
}

TEST(Lights, DiskLightMatchesFormFactor)
{
    const float h = 1.0f, diameter = 3.0f, le = 2.0f;
    scene::Frame frame = plane_frame();
    double side = add_side_lights(frame);
    scene::Light l = classic(scene::LightKind::Disk, "PxrDiskLight", C3f(le, le, le));
    l.camera_visible = false;
    l.light_to_world =
        face_plus_z() * scale(V3f(diameter, diameter, 1)) * translate(V3f(0, 0, kPlaneZ - h));
    frame.world.lights.push_back(l);
    double r = diameter / 2;
    double expected = kRho * le * r * r / (h * h + r * r) + side;
    double mean, tol;
    measure(frame, 400, mean, tol);
    EXPECT_NEAR(mean, expected, tol);
}

TEST(Lights, SphereLightMatchesFormFactor)
{
    const float d = 2.0f, diameter = 1.6f, le = 3.0f;
    scene::Frame frame = plane_frame();
    double side = add_side_lights(frame);
    scene::Light l = classic(scene::LightKind::Sphere, "PxrSphereLight", C3f(le, le, le));
    l.camera_visible = false;
    l.light_to_world = scale(V3f(diameter, diameter, diameter)) * translate(V3f(0, 0, kPlaneZ - d));
    frame.world.lights.push_back(l);
    double r = diameter / 2;
    double expected = kRho * le * (r / d) * (r / d) + side;
    double mean, tol;
    measure(frame, 400, mean, tol);
    EXPECT_NEAR(mean, expected, tol);
}

TEST(Lights, AreaLightSourceMeshAndQuadric)
{
    const float le = 2.0f;
    // One-sided emissive quad facing +z (its winding), 2 x 2 at distance 1.
    for (bool reversed : {false, true}) {
        scene::Frame frame = plane_frame();
        double side = add_side_lights(frame);
        frame.world.emitters.push_back(scene::Emitter{C3f(le, le, le), false, -1});
        int s = add_mesh(frame, quad(V3f(-1, -1, 4), V3f(1, -1, 4), V3f(1, 1, 4), V3f(-1, 1, 4)),
                         M44f(), 0);
        frame.world.shapes[size_t(s)].emitter = 0;
        frame.world.shapes[size_t(s)].reverse_orientation = reversed;
        frame.world.shapes[size_t(s)].visibility.camera = false;
        double expected = reversed ? side : kRho * le * rect_form_factor(1, 1, 1) + side;
        double mean, tol;
        measure(frame, 400, mean, tol);
        EXPECT_NEAR(mean, expected, tol) << "reversed " << reversed;
    }
    {
        // An emissive quadric sphere, scaled by its transform.
        scene::Frame frame = plane_frame();
        double side = add_side_lights(frame);
        frame.world.emitters.push_back(scene::Emitter{C3f(le, le, le), false, -1});
        int s = add_sphere(frame, V3f(0, 0, 0), 0.5f, 0);
        frame.world.shapes[size_t(s)].object_to_world =
            scale(V3f(2, 2, 2)) * translate(V3f(0, 0, kPlaneZ - 3));
        frame.world.shapes[size_t(s)].emitter = 0;
        frame.world.shapes[size_t(s)].visibility.camera = false;
        double expected = kRho * le * (1.0 / 3.0) * (1.0 / 3.0) + side;
        double mean, tol;
        measure(frame, 400, mean, tol);
        EXPECT_NEAR(mean, expected, tol);
    }
}

TEST(Lights, AmbientLightAddsKaTimesColour)
{
    scene::Frame frame = plane_frame();
    frame.world.materials[0].ka = 0.5f;
    frame.world.lights.push_back(
        classic(scene::LightKind::Ambient, "ambientlight", C3f(0.4f, 0.4f, 0.4f)));
    double mean, tol;
    measure(frame, 2, mean, tol);
    EXPECT_NEAR(mean, 0.5 * 0.4 * kRho, 1e-5);
}

TEST(Lights, ConstantSurfaceEmitsColourTimesOpacity)
{
    scene::Frame frame = plane_frame();
    frame.world.materials[0].kind = scene::MaterialKind::Constant;
    frame.world.materials[0].diffuse_color = C3f(0.25f, 0.5f, 0.75f);
    frame.world.materials[0].opacity = C3f(1, 1, 0.5f);
    auto r = make_renderer(frame);
    ASSERT_TRUE(r);
    PixelSample p = r->render_sample(1, 1, 0);
    EXPECT_FLOAT_EQ(p.r, 0.25f);
    EXPECT_FLOAT_EQ(p.g, 0.5f);
    EXPECT_FLOAT_EQ(p.b, 0.375f);
    EXPECT_EQ(p.a, 1.0f);
}

}  // namespace
}  // namespace ck::render::testing
