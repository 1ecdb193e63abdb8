// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Lat-long dome maps read through OIIO: orientation (+Y up), rotation by
// light_to_world, and importance sampling that keeps the right mean.
#include "test_scenes.h"

#include <OpenImageIO/imageio.h>

#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

namespace ck::render::testing {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir()
    {
        std::string pattern = (fs::temp_directory_path() / "ck_dome_XXXXXX").string();
        m_path = mkdtemp(pattern.data()) ? pattern : std::string();
    }
    ~TempDir()
    {
        std::error_code ec;
        if (!m_path.empty())
            fs::remove_all(m_path, ec);
    }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

constexpr int kMapW = 128;
constexpr int kMapH = 64;

/// Writes an RGB float lat-long EXR whose texel (x, y) is f(x, y).
bool write_map(const std::string& path, const std::function<C3f(int, int)>& f)
{
    std::vector<float> pixels(size_t(kMapW * kMapH * 3));
    for (int y = 0; y < kMapH; ++y)
        for (int x = 0; x < kMapW; ++x) {
            C3f c = f(x, y);
            size_t i = size_t(y * kMapW + x) * 3;
            pixels[i] = c.x;
            pixels[i + 1] = c.y;
            pixels[i + 2] = c.z;
        }
    auto out = OIIO::ImageOutput::create("openexr");
    if (!out)
        return false;
    OIIO::ImageSpec spec(kMapW, kMapH, 3, OIIO::TypeDesc::FLOAT);
    if (!out->open(path, spec))
        return false;
    bool ok = out->write_image(OIIO::TypeDesc::FLOAT, pixels.data());
    return out->close() && ok;
}

/// A diffuse plane y = 0 facing up, seen from above through a tiny
/// orthographic window.
scene::Frame upward_plane_frame(float rho)
{
    scene::Frame frame = base_frame(4, 4);
    frame.camera.projection = scene::Projection::Orthographic;
    frame.camera.screen_window_set = true;
    for (int i = 0; i < 4; ++i)
        frame.camera.screen_window[i] = (i % 2 == 0) ? -1e-3f : 1e-3f;
    // Camera at (0, 5, 0) looking down: camera x -> world x, y -> world z, z -> world -y.
    M44f camera_to_world(1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 5, 0, 1);
    frame.camera.world_to_camera = camera_to_world.inverse();
    frame.max_depth = 1;
    add_material(frame, scene::MaterialKind::Diffuse, C3f(rho, rho, rho));
    add_mesh(frame, quad(V3f(-50, 0, -50), V3f(-50, 0, 50), V3f(50, 0, 50), V3f(50, 0, -50)),
             M44f(), 0);
    return frame;
}

double mean_red(const scene::Frame& frame, int spp, double& tol)
{
    auto r = make_renderer(frame);
    tol = 1;
    if (!r)
        return -1;
    double mean = 0, var = 0;
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            PixelStats s = pixel_stats(*r, x, y, spp);
            mean += s.mean[0] / 16;
            var += s.std_error * s.std_error / 256;
        }
    tol = 5 * std::sqrt(var) + 3e-3 * std::fabs(mean) + 1e-4;
    return mean;
}

TEST(DomeMap, UpperHemisphereLightsUpwardPlane)
{
    TempDir dir;
    std::string path = dir.file("upper.exr");
    ASSERT_TRUE(
        write_map(path, [](int, int y) { return y < kMapH / 2 ? C3f(2, 2, 2) : C3f(0, 0, 0); }));
    const float rho = 0.5f;
    scene::Frame frame = upward_plane_frame(rho);
    add_dome(frame, C3f(1, 1, 1), path);
    double tol;
    double mean = mean_red(frame, 64, tol);
    // E = pi * 2 from the upper hemisphere: L = rho * 2.
    EXPECT_NEAR(mean, rho * 2.0, tol);

    // Turned upside down by light_to_world (180 degrees about x), the light is below.
    frame.world.lights[0].light_to_world = rotate(180.0f, V3f(1, 0, 0));
    mean = mean_red(frame, 64, tol);
    EXPECT_NEAR(mean, 0.0, 1e-3);
}

TEST(DomeMap, ImportanceSamplingKeepsTheMean)
{
    TempDir dir;
    std::string path = dir.file("spot.exr");
    // A bright band of columns (a "sun" in azimuth) over a dim sky, upper half only.
    auto texel = [](int x, int y) {
        if (y >= kMapH / 2)
            return C3f(0, 0, 0);
        return (x >= 40 && x < 44) ? C3f(40, 20, 10) : C3f(0.5f, 0.5f, 0.5f);
    };
    ASSERT_TRUE(write_map(path, texel));
    // E = integral of L cos over the upper hemisphere = pi * (mean over azimuth),
    // as the map does not vary with elevation there; bilinear wrap keeps the mean.
    double red_mean = (4 * 40.0 + (kMapW - 4) * 0.5) / kMapW;
    const float rho = 0.5f;
    scene::Frame frame = upward_plane_frame(rho);
    add_dome(frame, C3f(1, 1, 1), path);
    double tol;
    double mean = mean_red(frame, 256, tol);
    EXPECT_NEAR(mean, rho * red_mean, tol);
}

TEST(DomeMap, ConstantMapEqualsConstantDome)
{
    TempDir dir;
    std::string path = dir.file("flat.exr");
    ASSERT_TRUE(write_map(path, [](int, int) { return C3f(0.7f, 0.7f, 0.7f); }));
    // Furnace-like: a sphere seen from the front, all pixels averaged.
    auto render = [](const std::string& map, const C3f& color, double& tol) {
        scene::Frame frame = base_frame(8, 8, 20.0f);
        add_material(frame, scene::MaterialKind::Diffuse, C3f(0.5f, 0.5f, 0.5f));
        add_sphere(frame, V3f(0, 0, 10), 1.5f, 0);
        add_dome(frame, color, map);
        auto r = make_renderer(frame);
        double mean = 0, var = 0;
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) {
                PixelStats s = pixel_stats(*r, x, y, 32);
                mean += s.mean[0] / 64;
                var += s.std_error * s.std_error / (64.0 * 64.0);
            }
        tol = 5 * std::sqrt(var);
        return mean;
    };
    double tol_map, tol_const;
    double with_map = render(path, C3f(1, 1, 1), tol_map);
    double constant = render("", C3f(0.7f, 0.7f, 0.7f), tol_const);
    EXPECT_NEAR(with_map, constant, tol_map + tol_const + 1e-3);
}

TEST(DomeMap, MissingMapIsAnError)
{
    scene::Frame frame = base_frame(4, 4);
    add_dome(frame, C3f(1, 1, 1), "/nonexistent/dir/sky.exr");
    auto result = FrameRenderer::create(frame, RendererSettings{});
    ASSERT_FALSE(result.is_ok());
    EXPECT_NE(result.status().message().find("sky.exr"), std::string::npos);
}

TEST(DomeMap, CameraSeesDomeWithAlphaZero)
{
    TempDir dir;
    std::string path = dir.file("up.exr");
    // Top rows bright: a camera looking straight up (+Y) sees 3.
    ASSERT_TRUE(write_map(path, [](int, int y) { return y < 4 ? C3f(3, 3, 3) : C3f(0, 0, 0); }));
    scene::Frame frame = base_frame(4, 4, 5.0f);
    M44f camera_to_world(1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1);  // z -> +Y
    frame.camera.world_to_camera = camera_to_world.inverse();
    add_dome(frame, C3f(1, 1, 1), path);
    auto r = make_renderer(frame);
    ASSERT_TRUE(r);
    PixelSample p = r->render_sample(2, 2, 0);
    EXPECT_NEAR(p.r, 3.0f, 1e-4);
    EXPECT_EQ(p.a, 0.0f);
    frame.world.lights[0].camera_visible = false;
    auto hidden = make_renderer(frame);
    EXPECT_EQ(hidden->render_sample(2, 2, 0).r, 0.0f);
}

}  // namespace
}  // namespace ck::render::testing
