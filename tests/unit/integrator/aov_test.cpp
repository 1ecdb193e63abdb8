// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The channels a sample gives besides the beauty (issue 12): the light path
// expression split sums to Ci, light groups split the beauty, z and the
// geometric channels on an analytic scene.
#include "integrator/frame_renderer.h"
#include "scene/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace ck::render {
namespace {

scene::Frame parse_frame(const std::string& rib)
{
    const scene::ParseResult r = scene::parse_rib_string(rib, "aov.rib");
    std::string diags;
    for (const auto& d : r.diagnostics)
        diags += d.str() + "\n";
    EXPECT_TRUE(r.ok()) << diags;
    EXPECT_EQ(r.scene.frames.size(), 1u) << diags;
    return r.scene.frames.empty() ? scene::Frame{} : r.scene.frames[0];
}

std::unique_ptr<FrameRenderer> make(const scene::Frame& frame)
{
    auto r = FrameRenderer::create(frame, RendererSettings{});
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r.is_ok() ? std::move(r.value()) : nullptr;
}

// A box of diffuse, plastic, metal and glass objects, a constant (emissive
// object) sphere, two area lights in two groups and a dome in a third.
const char* const kLightingSplit = R"(
DisplayChannel "color directDiffuse" "string source" ["lpe:C<RD>[<L.>O]"]
DisplayChannel "color indirectDiffuse" "string source" ["lpe:C<RD>[DS]+[<L.>O]"]
DisplayChannel "color directSpecular" "string source" ["lpe:C<RS>[<L.>O]"]
DisplayChannel "color indirectSpecular" "string source" ["lpe:C<RS>[DS]+[<L.>O]"]
DisplayChannel "color subsurface" "string source" ["lpe:C<TD>[DS]*[<L.>O]"]
DisplayChannel "color transmissive" "string source" ["lpe:C<TS>[DS]*[<L.>O]"]
DisplayChannel "color emissive" "string source" ["lpe:C[<L.>O]"]
DisplayChannel "color key" "string source" ["lpe:C.*<L.'key'>"]
DisplayChannel "color fill" "string source" ["lpe:C.*<L.'fill'>"]
DisplayChannel "color env" "string source" ["lpe:C.*<L.'env'>"]
DisplayChannel "color objects" "string source" ["lpe:C.*O"]
Display "split.exr" "openexr" "Ci,directDiffuse,indirectDiffuse,directSpecular,indirectSpecular,subsurface,transmissive,emissive,key,fill,env,objects"
Format 24 16 1
PixelFilter "box" 1 1
Projection "perspective" "fov" [50]
Option "trace" "int maxdepth" [6]
WorldBegin
  AttributeBegin
    Translate 0 1.6 4
    Rotate -90 1 0 0
    Scale 1.5 1.5 1
    Light "PxrRectLight" "keylight" "float intensity" [6] "string lightGroup" ["key"]
  AttributeEnd
  AttributeBegin
    Translate -2 0 2
    Rotate -90 0 1 0
    Light "PxrRectLight" "filllight" "float intensity" [2] "string lightGroup" ["fill"]
  AttributeEnd
  Light "PxrDomeLight" "sky" "float intensity" [0.3] "string lightGroup" ["env"]
  AttributeBegin
    Bxdf "PxrDiffuse" "floor" "color diffuseColor" [0.7 0.6 0.5]
    Polygon "P" [-5 -1 0  5 -1 0  5 -1 10  -5 -1 10]
  AttributeEnd
  AttributeBegin
    Translate -1.1 -0.3 4
    Surface "plastic" "float roughness" [0.2]
    Sphere 0.6 -0.6 0.6 360
  AttributeEnd
  AttributeBegin
    Translate 0.2 -0.3 4.5
    Bxdf "PxrDielectric" "glass" "float glassIor" [1.5] "float glassRoughness" [0.3]
    Sphere 0.6 -0.6 0.6 360
  AttributeEnd
  AttributeBegin
    Translate 1.4 -0.3 4
    Bxdf "PxrConductor" "metal" "float specularRoughness" [0.3]
    Sphere 0.5 -0.5 0.5 360
  AttributeEnd
  AttributeBegin
    Translate 0.6 0.7 5
    Surface "constant"
    Color [0.5 0.9 0.4]
    Sphere 0.25 -0.25 0.25 360
  AttributeEnd
WorldEnd
)";

TEST(LpeChannels, TheLightingSplitAndTheLightGroupsEachSumToCi)
{
    const scene::Frame frame = parse_frame(kLightingSplit);
    auto r = make(frame);
    ASSERT_TRUE(r);
    const int nvalues = 3 * 12;
    std::vector<float> v(static_cast<size_t>(nvalues), 0.0f);
    double total[12] = {};
    double worst_split = 0, worst_groups = 0;
    for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 24; ++x)
            for (uint32_t s = 0; s < 16; ++s) {
                float z = 0;
                r->render_channels(x, y, s, v.data(), z);
                // Ci is exactly render_sample's.
                const PixelSample beauty = r->render_sample(x, y, s);
                ASSERT_EQ(v[0], beauty.r);
                ASSERT_EQ(v[2], beauty.b);
                for (int c = 0; c < 3; ++c) {
                    const double ci = v[size_t(c)];
                    double split = 0, groups = 0;
                    for (int k = 1; k <= 7; ++k)
                        split += v[size_t(3 * k + c)];
                    for (int k = 8; k <= 11; ++k)
                        groups += v[size_t(3 * k + c)];
                    const double tol = 1e-4 * ci + 1e-6;
                    worst_split = std::max(worst_split, std::fabs(split - ci) / (ci + 1e-3));
                    worst_groups = std::max(worst_groups, std::fabs(groups - ci) / (ci + 1e-3));
                    ASSERT_NEAR(split, ci, tol) << "pixel " << x << "," << y << " sample " << s
                                                << " component " << c;
                    ASSERT_NEAR(groups, ci, tol) << "pixel " << x << "," << y << " sample " << s;
                }
                for (int k = 0; k < 12; ++k)
                    total[k] += double(v[size_t(3 * k)]) + v[size_t(3 * k + 1)] + v[size_t(3 * k + 2)];
            }
    // Every part of the split has something in this scene but subsurface
    // (no diffuse transmission in ckrender's materials).
    for (int k : {1, 2, 3, 4, 6, 7, 8, 9, 10, 11})
        EXPECT_GT(total[k], 0.0) << "channel " << k << " is empty";
    EXPECT_EQ(total[5], 0.0);
    std::printf("worst relative split error %.3g, groups %.3g\n", worst_split, worst_groups);
}

TEST(LpeChannels, AnUnknownLightGroupWarnsOnce)
{
    const scene::ParseResult r = scene::parse_rib_string(
        "DisplayChannel \"color k\" \"string source\" [\"lpe:C.*<L.'nobody'>\"]\n"
        "Display \"o.exr\" \"openexr\" \"Ci,k\"\nFormat 4 4 1\nWorldBegin\n"
        "Light \"PxrDomeLight\" \"d\" \"string lightGroup\" [\"sky\"]\nWorldEnd\n",
        "g.rib");
    ASSERT_TRUE(r.ok());
    int warnings = 0;
    for (const auto& d : r.diagnostics)
        warnings += d.message.find("light group 'nobody'") != std::string::npos ? 1 : 0;
    EXPECT_EQ(warnings, 1);
}

TEST(GeometricChannels, APlaneAtAKnownDepth)
{
    // The camera looks down +z; a plane faces it at z = 5.
    const scene::Frame frame = parse_frame(R"(
Display "geo.exr" "openexr" "z,__depth,Nn,Ng,P,id,albedo,st,__Pworld"
Format 9 7 1
PixelFilter "box" 1 1
Projection "perspective" "fov" [40]
WorldBegin
  Bxdf "PxrDiffuse" "wall" "color diffuseColor" [0.25 0.5 0.75]
  Polygon "P" [-10 -10 5  10 -10 5  10 10 5  -10 10 5] "st" [0 0 1 0 1 1 0 1]
WorldEnd
)");
    auto r = make(frame);
    ASSERT_TRUE(r);
    std::vector<float> v(1 + 1 + 3 + 3 + 3 + 1 + 3 + 2 + 3);
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 9; ++x)
            for (uint32_t s = 0; s < 4; ++s) {
                float z = 0;
                r->render_channels(x, y, s, v.data(), z);
                EXPECT_NEAR(v[0], 5.0f, 1e-4f);  // z: camera-space depth
                EXPECT_EQ(z, v[0]);
                // __depth: the distance, 5 / cos of the angle off the axis.
                const float px = v[8], py = v[9], pz = v[10];
                EXPECT_NEAR(v[1], std::sqrt(px * px + py * py + pz * pz), 1e-4f);
                EXPECT_GE(v[1], v[0]);
                EXPECT_NEAR(pz, 5.0f, 1e-4f);
                // Both normals face the camera: -z in camera space.
                EXPECT_NEAR(std::fabs(v[4]), 1.0f, 1e-5f);
                EXPECT_NEAR(std::fabs(v[7]), 1.0f, 1e-5f);
                EXPECT_EQ(v[11], 1.0f);  // id of the only shape
                EXPECT_NEAR(v[12], 0.25f, 1e-6f);
                EXPECT_NEAR(v[14], 0.75f, 1e-6f);
                EXPECT_GE(v[15], 0.0f);
                EXPECT_LE(v[15], 1.0f);
                EXPECT_NEAR(v[19], 5.0f, 1e-4f);  // world = camera here
            }
}

TEST(GeometricChannels, AMissIsInfinitelyFarAndEmpty)
{
    const scene::Frame frame =
        parse_frame("Display \"m.exr\" \"openexr\" \"z,Nn,id\"\nFormat 4 4 1\nWorldBegin\nWorldEnd\n");
    auto r = make(frame);
    ASSERT_TRUE(r);
    float v[5];
    float z = 0;
    r->render_channels(1, 1, 0, v, z);
    EXPECT_TRUE(std::isinf(v[0]) && v[0] > 0);
    EXPECT_TRUE(std::isinf(z));
    EXPECT_EQ(v[1], 0.0f);
    EXPECT_EQ(v[4], 0.0f);
}

}  // namespace
}  // namespace ck::render
