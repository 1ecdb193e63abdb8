// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// render_sample(x, y, s) is a pure function: same bits on every call, from any
// thread, in any order.
#include "test_scenes.h"

#include <cstring>
#include <thread>
#include <vector>

namespace ck::render::testing {
namespace {

scene::Frame busy_frame()
{
    scene::Frame frame = base_frame(12, 10, 40.0f);
    frame.image.filter.name = "gaussian";
    frame.image.filter.xwidth = 2.0f;
    frame.image.filter.ywidth = 2.0f;
    frame.max_depth = 8;
    add_dome(frame, C3f(0.3f, 0.4f, 0.5f));
    int diffuse = add_material(frame, scene::MaterialKind::Diffuse, C3f(0.7f, 0.6f, 0.5f));
    int plastic = add_material(frame, scene::MaterialKind::Plastic, C3f(0.2f, 0.5f, 0.8f));
    frame.world.materials[size_t(plastic)].specular_color = C3f(0.5f, 0.5f, 0.5f);
    frame.world.materials[size_t(plastic)].roughness = 0.3f;
    int glass = add_material(frame, scene::MaterialKind::Dielectric, C3f(0, 0, 0));
    add_sphere(frame, V3f(-0.8f, 0, 5), 0.7f, plastic);
    add_sphere(frame, V3f(0.8f, 0, 5), 0.7f, glass);
    add_mesh(frame,
             quad(V3f(-5, -0.7f, 0), V3f(-5, -0.7f, 10), V3f(5, -0.7f, 10), V3f(5, -0.7f, 0)),
             M44f(), diffuse);
    scene::Light rect;
    rect.kind = scene::LightKind::Rect;
    rect.shader = "PxrRectLight";
    rect.color = C3f(5, 5, 5);
    // Rotated so that it faces the floor.
    rect.light_to_world = rotate(-90.0f, V3f(1, 0, 0)) * translate(V3f(0, 2.5f, 5));
    frame.world.lights.push_back(rect);
    return frame;
}

std::vector<PixelSample> render_order(const FrameRenderer& r, bool reverse)
{
    const int w = 12, h = 10, spp = 3;
    std::vector<PixelSample> out(size_t(w * h * spp));
    for (int i = 0; i < w * h * spp; ++i) {
        int k = reverse ? w * h * spp - 1 - i : i;
        int s = k % spp, x = (k / spp) % w, y = k / (spp * w);
        out[size_t(k)] = r.render_sample(x, y, uint32_t(s));
    }
    return out;
}

TEST(Determinism, SameBitsEveryCallAndThread)
{
    auto r = make_renderer(busy_frame());
    ASSERT_TRUE(r);
    std::vector<PixelSample> a = render_order(*r, false);
    std::vector<PixelSample> b = render_order(*r, true);
    std::vector<PixelSample> c, d;
    std::thread t1([&] { c = render_order(*r, true); });
    std::thread t2([&] { d = render_order(*r, false); });
    t1.join();
    t2.join();
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(PixelSample)));
    EXPECT_EQ(0, std::memcmp(a.data(), c.data(), a.size() * sizeof(PixelSample)));
    EXPECT_EQ(0, std::memcmp(a.data(), d.data(), a.size() * sizeof(PixelSample)));

    // The image is not trivially constant (the test would prove nothing).
    bool varies = false;
    for (const PixelSample& p : a)
        varies |= p.r != a[0].r;
    EXPECT_TRUE(varies);
    EXPECT_EQ(r->invalid_sample_count(), 0u);
}

TEST(Determinism, SecondRendererGivesSameBits)
{
    // A rebuilt renderer (as after a resume) reproduces the samples exactly.
    auto r1 = make_renderer(busy_frame());
    auto r2 = make_renderer(busy_frame());
    ASSERT_TRUE(r1 && r2);
    std::vector<PixelSample> a = render_order(*r1, false);
    std::vector<PixelSample> b = render_order(*r2, false);
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(PixelSample)));
}

TEST(Determinism, SeedChangesSamples)
{
    scene::Frame f = busy_frame();
    auto r1 = make_renderer(f);
    f.sampling.seed = 8;
    auto r2 = make_renderer(f);
    ASSERT_TRUE(r1 && r2);
    std::vector<PixelSample> a = render_order(*r1, false);
    std::vector<PixelSample> b = render_order(*r2, false);
    EXPECT_NE(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(PixelSample)));
}

}  // namespace
}  // namespace ck::render::testing
