// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Requests and the structs they produce, and the error paths.
#include "scene/parser.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ck::scene {
namespace {

using test::dump;
using test::errors_with;
using test::parse;
using test::scene_with;
using test::warnings_with;

const Frame& only_frame(const ParseResult& r)
{
    static const Frame kEmpty;
    EXPECT_EQ(r.scene.frames.size(), 1u) << dump(r);
    return r.scene.frames.empty() ? kEmpty : r.scene.frames[0];
}

V3f xform(const M44f& m, V3f p)
{
    V3f out;
    m.multVecMatrix(p, out);
    return out;
}

void expect_near(V3f a, V3f b, float eps = 1e-5f)
{
    EXPECT_NEAR(a.x, b.x, eps);
    EXPECT_NEAR(a.y, b.y, eps);
    EXPECT_NEAR(a.z, b.z, eps);
}

// ---------------------------------------------------------------------------
// Transforms and camera

TEST(Parser, TranslateThenSphere)
{
    ParseResult r = parse(scene_with("Translate 1 2 3\nSphere 0.5 -0.5 0.5 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.shapes.size(), 1u);
    const Shape& s = f.world.shapes[0];
    EXPECT_EQ(s.kind, ShapeKind::Sphere);
    EXPECT_FLOAT_EQ(s.quadric.radius, 0.5f);
    EXPECT_FLOAT_EQ(s.object_to_world[3][0], 1.0f);
    EXPECT_FLOAT_EQ(s.object_to_world[3][1], 2.0f);
    EXPECT_FLOAT_EQ(s.object_to_world[3][2], 3.0f);
    EXPECT_FALSE(s.reverse_orientation);
    EXPECT_EQ(s.loc.line, 4);
}

TEST(Parser, CameraTransformAtWorldBeginThenIdentity)
{
    ParseResult r = parse(scene_with("Sphere 1 -1 1 360", "Translate 0 0 5\nRotate 90 0 1 0\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    // The last transform acts first: rotate, then translate 5 along camera z.
    expect_near(xform(f.camera.world_to_camera, V3f(0, 0, 0)), V3f(0, 0, 5));
    expect_near(xform(f.camera.world_to_camera, V3f(1, 0, 0)), V3f(0, 0, 4));
    EXPECT_EQ(f.world.shapes[0].object_to_world, M44f());
}

TEST(Parser, RotateAndConcatConventions)
{
    ParseResult r = parse(scene_with("Translate 1 0 0\nScale 2 2 2\nRotate 90 0 0 1\n"
                                     "Sphere 1 -1 1 360\n"
                                     "Identity\nConcatTransform [1 0 0 0 0 1 0 0 0 0 1 0 4 5 6 1]\n"
                                     "ConcatTransform [2 0 0 0 0 2 0 0 0 0 2 0 0 0 0 1]\n"
                                     "Disk 0 1 360\n"
                                     "Transform [1 0 0 0 0 1 0 0 0 0 1 0 7 0 0 1]\nCylinder 1 0 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.shapes.size(), 3u);
    // (1,0,0) -> rotate 90 about z -> (0,1,0) -> scale 2 -> (0,2,0) -> translate -> (1,2,0).
    expect_near(xform(f.world.shapes[0].object_to_world, V3f(1, 0, 0)), V3f(1, 2, 0));
    // Scale (written last) acts first, then the translation.
    expect_near(xform(f.world.shapes[1].object_to_world, V3f(1, 1, 1)), V3f(6, 7, 8));
    expect_near(xform(f.world.shapes[2].object_to_world, V3f(0, 0, 0)), V3f(7, 0, 0));
}

TEST(Parser, TransformAndAttributeStacks)
{
    ParseResult r = parse(scene_with("AttributeBegin\nTranslate 1 0 0\nColor [1 0 0]\n"
                                     "TransformBegin\nTranslate 0 1 0\nTransformEnd\n"
                                     "Sphere 1 -1 1 360\nAttributeEnd\nSphere 1 -1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.shapes.size(), 2u);
    expect_near(xform(f.world.shapes[0].object_to_world, V3f(0, 0, 0)), V3f(1, 0, 0));
    expect_near(xform(f.world.shapes[1].object_to_world, V3f(0, 0, 0)), V3f(0, 0, 0));
    const Material& m0 = f.world.materials[f.world.shapes[0].material];
    const Material& m1 = f.world.materials[f.world.shapes[1].material];
    EXPECT_FLOAT_EQ(m0.diffuse_color.y, 0.0f);
    EXPECT_GT(m1.diffuse_color.y, 0.0f);
}

TEST(Parser, Orientation)
{
    ParseResult r = parse(scene_with("Sphere 1 -1 1 360\n"
                                     "AttributeBegin\nReverseOrientation\nSphere 1 -1 1 360\nAttributeEnd\n"
                                     "AttributeBegin\nScale -1 1 1\nSphere 1 -1 1 360\nAttributeEnd\n"
                                     "AttributeBegin\nOrientation \"rh\"\nSphere 1 -1 1 360\nAttributeEnd\n"
                                     "AttributeBegin\nOrientation \"lh\"\nSphere 1 -1 1 360\nAttributeEnd\n"
                                     "AttributeBegin\nScale -1 1 1\nOrientation \"rh\"\n"
                                     "Sphere 1 -1 1 360\nAttributeEnd"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.shapes.size(), 6u);
    EXPECT_FALSE(f.world.shapes[0].reverse_orientation);
    EXPECT_TRUE(f.world.shapes[1].reverse_orientation);
    EXPECT_FALSE(f.world.shapes[2].reverse_orientation);  // A mirrored sphere stays outward.
    EXPECT_TRUE(f.world.shapes[3].reverse_orientation);
    EXPECT_FALSE(f.world.shapes[4].reverse_orientation);
    // rh in a mirrored (right-handed) space is "outside".
    EXPECT_FALSE(f.world.shapes[5].reverse_orientation);
}

TEST(Parser, MeshOrientationFollowsTheWorldSpaceWinding)
{
    const char* tri = "Polygon \"P\" [0 0 0 1 0 0 0 1 0]\n";
    ParseResult r = parse(scene_with(std::string(tri) + "AttributeBegin\nScale -1 1 1\n" + tri +
                                     "AttributeEnd\nAttributeBegin\nScale -1 1 1\n"
                                     "ReverseOrientation\n" + tri + "AttributeEnd\n"
                                     "AttributeBegin\nOrientation \"inside\"\n" + tri + "AttributeEnd"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    ASSERT_EQ(w.shapes.size(), 4u);
    EXPECT_FALSE(w.shapes[0].reverse_orientation);
    EXPECT_TRUE(w.shapes[1].reverse_orientation);  // The mirror flips cross(P1 - P0, P2 - P0).
    EXPECT_FALSE(w.shapes[2].reverse_orientation);
    EXPECT_TRUE(w.shapes[3].reverse_orientation);
}

TEST(Parser, CoordinateSystems)
{
    ParseResult r = parse(scene_with("AttributeBegin\nTranslate 3 0 0\nCoordinateSystem \"lamp\"\n"
                                     "AttributeEnd\nCoordSysTransform \"lamp\"\nSphere 1 -1 1 360\n"
                                     "CoordSysTransform \"camera\"\nSphere 1 -1 1 360",
                                     "Translate 0 0 5\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.shapes.size(), 2u);
    expect_near(xform(f.world.shapes[0].object_to_world, V3f(0, 0, 0)), V3f(3, 0, 0));
    expect_near(xform(f.world.shapes[1].object_to_world, V3f(0, 0, 0)), V3f(0, 0, -5));
}

// ---------------------------------------------------------------------------
// Options

TEST(Parser, CameraAndImageOptions)
{
    ParseResult r = parse(scene_with("", "Format 320 240 1\nProjection \"perspective\" \"fov\" 45\n"
                                         "ScreenWindow -2 2 -1 1\nCropWindow 0 0.5 0 1\n"
                                         "Clipping 0.1 100\nExposure 2 2.2\n"
                                         "PixelFilter \"box\" 1 1\nFrameAspectRatio 1.5\n"
                                         "Shutter 0 0.5\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    EXPECT_EQ(f.image.xres, 320);
    EXPECT_EQ(f.image.yres, 240);
    EXPECT_EQ(f.camera.projection, Projection::Perspective);
    EXPECT_FLOAT_EQ(f.camera.fov_degrees, 45.0f);
    EXPECT_TRUE(f.camera.screen_window_set);
    EXPECT_FLOAT_EQ(f.camera.screen_window[0], -2.0f);
    EXPECT_FLOAT_EQ(f.image.crop_window[1], 0.5f);
    EXPECT_FLOAT_EQ(f.camera.near_clip, 0.1f);
    EXPECT_FLOAT_EQ(f.camera.far_clip, 100.0f);
    EXPECT_FLOAT_EQ(f.image.exposure_gamma, 2.2f);
    EXPECT_EQ(f.image.filter.name, "box");
    EXPECT_FLOAT_EQ(f.image.frame_aspect, 1.5f);
    EXPECT_FLOAT_EQ(f.camera.shutter_close, 0.5f);
}

TEST(Parser, ProjectionDefaults)
{
    ParseResult r = parse(scene_with("", "Projection \"perspective\"\n"));
    EXPECT_FLOAT_EQ(only_frame(r).camera.fov_degrees, 90.0f);
    ParseResult o = parse(scene_with("", "Projection \"orthographic\"\n"));
    EXPECT_EQ(only_frame(o).camera.projection, Projection::Orthographic);
}

TEST(Parser, PixelSamplesAndHider)
{
    ParseResult r = parse(scene_with("", "PixelSamples 4 4\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(only_frame(r).sampling.target_samples(), 16);
    EXPECT_FALSE(only_frame(r).sampling.incremental);

    ParseResult h = parse(scene_with("", "PixelSamples 4 4\nPixelVariance 0.01\n"
                                         "Hider \"raytrace\" \"int incremental\" [1] "
                                         "\"int minsamples\" [4] \"int maxsamples\" 64 "
                                         "\"int seed\" [7]\n"));
    ASSERT_TRUE(h.ok()) << dump(h);
    const Sampling& s = only_frame(h).sampling;
    EXPECT_TRUE(s.incremental);
    EXPECT_EQ(s.min_samples, 4);
    EXPECT_EQ(s.max_samples, 64);
    EXPECT_EQ(s.target_samples(), 64);
    EXPECT_EQ(s.seed, 7u);
    EXPECT_FLOAT_EQ(s.pixel_variance, 0.01f);

    ParseResult b = parse(scene_with("", "Hider \"hidden\"\n"));
    EXPECT_FALSE(only_frame(b).sampling.incremental);
}

TEST(Parser, Displays)
{
    ParseResult r = parse(
        "Display \"a.tif\" \"file\" \"rgb\"\nDisplay \"+b.exr\" \"openexr\" \"rgba\" "
        "\"string exrcompression\" \"zip\" \"float dither\" [0.5]\n"
        "Display \"+c.tiff\" \"tiff\" \"Ci,a\"\nDisplay \"+d.exr\" \"exr\" \"Ci\"\n"
        "WorldBegin\nWorldEnd\n");
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.displays.size(), 4u) << dump(r);
    EXPECT_EQ(f.displays[0].name, "a.tif");
    EXPECT_EQ(f.displays[0].format, ImageFormat::TIFF);
    EXPECT_EQ(display_output_names(f.displays[0]), (std::vector<std::string>{"R", "G", "B"}));
    EXPECT_EQ(f.displays[1].name, "b.exr");
    EXPECT_EQ(f.displays[1].format, ImageFormat::OpenEXR);
    EXPECT_EQ(f.displays[1].compression, "zip");
    EXPECT_EQ(f.displays[1].params.size(), 2u);
    EXPECT_EQ(f.displays[2].format, ImageFormat::TIFF);
    // "Ci,a" is rgba, "Ci" is rgb.
    EXPECT_EQ(display_output_names(f.displays[2]),
              (std::vector<std::string>{"R", "G", "B", "A"}));
    EXPECT_EQ(display_output_names(f.displays[3]), (std::vector<std::string>{"R", "G", "B"}));
    // dither 0.5 is ignored (float pixels): one warning naming it.
    EXPECT_EQ(warnings_with(r, "parameter \"dither\"").size(), 1u) << dump(r);
    EXPECT_TRUE(r.ok());

    // Without '+', Display replaces the list.
    ParseResult p = parse("Display \"a.exr\" \"exr\" \"rgb\"\nDisplay \"b.exr\" \"exr\" \"rgb\"\n"
                          "WorldBegin\nWorldEnd\n");
    ASSERT_EQ(only_frame(p).displays.size(), 1u);
    EXPECT_EQ(only_frame(p).displays[0].name, "b.exr");
}

TEST(Parser, DefaultDisplayWarns)
{
    ParseResult r = parse("WorldBegin\nWorldEnd\n");
    EXPECT_TRUE(r.ok());
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.displays.size(), 1u);
    EXPECT_EQ(f.displays[0].name, "ckrender.exr");
    EXPECT_EQ(f.displays[0].type, "openexr");
    EXPECT_EQ(f.displays[0].mode, "rgba");
    EXPECT_EQ(warnings_with(r, "no Display").size(), 1u);
    EXPECT_EQ(f.number, 0);
}

TEST(Parser, CheckpointOptionRawAndPerFrameScoping)
{
    std::string rib =
        "Display \"out.exr\" \"openexr\" \"rgba\"\n"
        "Option \"checkpoint\" \"string interval\" [\"10s\"] \"string[2] command\" [\"a\" \"b\"] "
        "\"int[2] asfinal\" [1 0]\n"
        "FrameBegin 1\nOption \"checkpoint\" \"exitat\" \"2m\"\nWorldBegin\nWorldEnd\nFrameEnd\n"
        "FrameBegin 2\nWorldBegin\nWorldEnd\nFrameEnd\n";
    ParseResult r = parse(rib);
    ASSERT_TRUE(r.ok()) << dump(r);
    ASSERT_EQ(r.scene.frames.size(), 2u);
    const Frame& f1 = r.scene.frames[0];
    const Frame& f2 = r.scene.frames[1];
    EXPECT_EQ(f1.number, 1);
    EXPECT_EQ(f2.number, 2);
    const std::vector<Param>& c1 = f1.options.at("checkpoint");
    ASSERT_EQ(c1.size(), 4u);
    EXPECT_EQ(c1[0].name, "interval");
    EXPECT_EQ(c1[0].type, ParamType::String);
    EXPECT_EQ(c1[0].strings, std::vector<std::string>{"10s"});
    EXPECT_EQ(c1[1].name, "command");
    EXPECT_EQ(c1[1].array_size, 2);
    EXPECT_EQ(c1[1].strings, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(c1[2].type, ParamType::Int);
    EXPECT_EQ(c1[2].ints, (std::vector<int>{1, 0}));
    EXPECT_EQ(c1[3].name, "exitat");
    EXPECT_EQ(f2.options.at("checkpoint").size(), 3u);  // exitat was frame 1's only.
}

TEST(Parser, TraceDepthAndIntegrator)
{
    ParseResult r = parse(scene_with("", "Option \"trace\" \"int maxdepth\" [3]\n"));
    EXPECT_EQ(only_frame(r).max_depth, 3);
    ParseResult d = parse(scene_with(""));
    EXPECT_EQ(only_frame(d).max_depth, 5);
    ParseResult i = parse(scene_with("", "Integrator \"PxrPathTracer\" \"pt\" \"int maxPathLength\" [4]\n"
                                         "Integrator \"PxrPathTracer\" \"pt\" \"int maxPathLength\" [8]\n"));
    ASSERT_TRUE(i.ok()) << dump(i);
    EXPECT_EQ(only_frame(i).max_depth, 8);
}

TEST(Parser, SeveralFramesAndFrameScopedOptions)
{
    ParseResult r = parse("Format 100 50 1\nFrameBegin 3\nFormat 10 10 1\nWorldBegin\nWorldEnd\n"
                          "FrameEnd\nFrameBegin 4\nWorldBegin\nWorldEnd\nFrameEnd\n");
    ASSERT_EQ(r.scene.frames.size(), 2u);
    EXPECT_EQ(r.scene.frames[0].image.xres, 10);
    EXPECT_EQ(r.scene.frames[1].image.xres, 100);
    EXPECT_EQ(r.scene.frames[1].number, 4);
}

// ---------------------------------------------------------------------------
// Materials

TEST(Parser, UnknownSurfaceIsPlasticWithOneWarning)
{
    ParseResult r = parse(scene_with("Color [1 0.5 0.25]\nSurface \"wood2\" \"Kd\" 0.8 "
                                     "\"float txtscale\" 2\nSphere 1 -1 1 360\n"
                                     "Surface \"wood2\"\nSphere 1 -1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(warnings_with(r, "wood2").size(), 1u) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.shapes.size(), 2u);
    const Material& m = f.world.materials[f.world.shapes[0].material];
    EXPECT_EQ(m.kind, MaterialKind::Plastic);
    EXPECT_FLOAT_EQ(m.diffuse_color.x, 0.8f);
    EXPECT_FLOAT_EQ(m.diffuse_color.y, 0.4f);
    const Material& m2 = f.world.materials[f.world.shapes[1].material];
    EXPECT_FLOAT_EQ(m2.diffuse_color.x, 0.5f);  // Default Kd.
}

TEST(Parser, ClassicSurfaces)
{
    ParseResult r = parse(scene_with(
        "Color 0.5 0.5 0.5\nOpacity 1 1 1\n"
        "Surface \"matte\" \"Kd\" 0.5\nSphere 1 -1 1 360\nSphere 1 -1 1 360\n"
        "Surface \"plastic\" \"Ks\" 1 \"roughness\" 0.1 \"specularcolor\" [1 0 0]\nSphere 1 -1 1 360\n"
        "Surface \"metal\" \"Ks\" 0.5\nSphere 1 -1 1 360\nSurface \"constant\"\nSphere 1 -1 1 360\n"
        "Surface \"null\"\nSphere 1 -1 1 360\nSides 1\nSurface \"matte\" \"Kd\" 0.5\nSphere 1 -1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    ASSERT_EQ(w.shapes.size(), 7u);
    EXPECT_EQ(w.shapes[0].material, w.shapes[1].material);  // Deduplicated.
    auto mat = [&](int k) { return w.materials[w.shapes[k].material]; };
    EXPECT_EQ(mat(0).kind, MaterialKind::Diffuse);
    EXPECT_FLOAT_EQ(mat(0).diffuse_color.x, 0.25f);
    EXPECT_EQ(mat(2).kind, MaterialKind::Plastic);
    EXPECT_FLOAT_EQ(mat(2).specular_color.x, 1.0f);
    EXPECT_FLOAT_EQ(mat(2).specular_color.y, 0.0f);
    EXPECT_NEAR(mat(2).roughness, std::pow(0.1f / 4.1f, 0.25f), 1e-6f);
    EXPECT_EQ(mat(3).kind, MaterialKind::Metal);
    EXPECT_FLOAT_EQ(mat(3).specular_color.x, 0.25f);
    EXPECT_EQ(mat(4).kind, MaterialKind::Constant);
    EXPECT_EQ(mat(5).kind, MaterialKind::Null);
    EXPECT_FALSE(mat(6).two_sided);
    EXPECT_TRUE(mat(0).two_sided);
    EXPECT_EQ(w.materials.size(), 6u);
}

TEST(Parser, BxdfsAndScope)
{
    ParseResult r = parse(scene_with(
        "AttributeBegin\nBxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.1 0.2 0.3]\n"
        "Sphere 1 -1 1 360\nAttributeEnd\nSphere 1 -1 1 360\n"
        "Bxdf \"PxrDisney\" \"x\" \"color baseColor\" [1 0 0] \"float metallic\" [1]\nSphere 1 -1 1 360\n"
        "Bxdf \"PxrConductor\" \"c\" \"color tint\" [1 1 0] \"float roughness\" 0.3\nSphere 1 -1 1 360\n"
        "Bxdf \"PxrSurface\" \"s\" \"float diffuseGain\" 0.5 \"color diffuseColor\" [1 1 1] "
        "\"reference color specularFaceColor\" [\"tex:resultRGB\"]\nSphere 1 -1 1 360\n"
        "Bxdf \"PxrMystery\" \"m\"\nSphere 1 -1 1 360\nSphere 1 -1 1 360\n"
        "Bxdf \"PxrDielectric\" \"g\" \"float refractionIndex\" 1.33\nSphere 1 -1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    auto mat = [&](int k) { return w.materials[w.shapes[k].material]; };
    EXPECT_EQ(mat(0).kind, MaterialKind::Diffuse);
    EXPECT_FLOAT_EQ(mat(0).diffuse_color.z, 0.3f);
    EXPECT_EQ(mat(1).name, "defaultsurface");  // The Bxdf ended with its attribute block.
    EXPECT_EQ(mat(2).kind, MaterialKind::Disney);
    EXPECT_FLOAT_EQ(mat(2).metallic, 1.0f);
    EXPECT_EQ(mat(3).kind, MaterialKind::Conductor);
    EXPECT_FLOAT_EQ(mat(3).roughness, 0.3f);
    EXPECT_FLOAT_EQ(mat(3).specular_color.z, 0.0f);
    EXPECT_EQ(mat(4).kind, MaterialKind::Diffuse);  // Connected specular -> default (none).
    EXPECT_FLOAT_EQ(mat(4).diffuse_color.x, 0.5f);
    EXPECT_EQ(warnings_with(r, "specularFaceColor").size(), 1u);
    EXPECT_EQ(mat(5).kind, MaterialKind::Diffuse);
    EXPECT_FLOAT_EQ(mat(5).diffuse_color.x, 0.18f);
    EXPECT_EQ(warnings_with(r, "PxrMystery").size(), 1u);
    EXPECT_EQ(mat(7).kind, MaterialKind::Dielectric);
    EXPECT_FLOAT_EQ(mat(7).ior, 1.33f);
}

// ---------------------------------------------------------------------------
// Lights

TEST(Parser, RisLightColorAndShapes)
{
    ParseResult r = parse(scene_with(
        "AttributeBegin\nTranslate 0 5 0\nLight \"PxrRectLight\" \"r\" \"float intensity\" [2] "
        "\"float exposure\" [3] \"color lightColor\" [1 0.5 0.25]\nAttributeEnd\n"
        "AttributeBegin\nAttribute \"visibility\" \"int camera\" [0]\n"
        "Light \"PxrDiskLight\" \"d\"\nAttributeEnd\n"
        "Light \"PxrSphereLight\" \"s\" \"float intensity\" 4\n"
        "Light \"PxrDistantLight\" \"sun\" \"float angleExtent\" [1]\n"
        "Light \"PxrDomeLight\" \"dome\"\nSphere 1 -1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    ASSERT_EQ(w.lights.size(), 5u);
    const Light& rect = w.lights[0];
    EXPECT_EQ(rect.kind, LightKind::Rect);
    EXPECT_FLOAT_EQ(rect.color.x, 16.0f);
    EXPECT_FLOAT_EQ(rect.color.y, 8.0f);
    EXPECT_FLOAT_EQ(rect.color.z, 4.0f);
    EXPECT_FLOAT_EQ(rect.light_to_world[3][1], 5.0f);
    ASSERT_GE(rect.shape, 0);
    ASSERT_GE(rect.emitter, 0);
    const Shape& rs = w.shapes[static_cast<std::size_t>(rect.shape)];
    EXPECT_EQ(rs.kind, ShapeKind::Mesh);
    EXPECT_EQ(rs.emitter, rect.emitter);
    EXPECT_EQ(w.emitters[static_cast<std::size_t>(rect.emitter)].light, 0);
    EXPECT_FALSE(w.emitters[static_cast<std::size_t>(rect.emitter)].two_sided);
    EXPECT_FLOAT_EQ(w.emitters[static_cast<std::size_t>(rect.emitter)].radiance.x, 16.0f);
    // The rect's triangles face -z.
    const TriangleMesh& m = *rs.mesh;
    V3f n = (m.P[m.indices[1]] - m.P[m.indices[0]]).cross(m.P[m.indices[2]] - m.P[m.indices[0]]);
    EXPECT_LT(n.z, 0.0f);
    EXPECT_FALSE(rs.reverse_orientation);
    EXPECT_EQ(w.materials[static_cast<std::size_t>(rs.material)].diffuse_color, C3f(0, 0, 0));

    const Light& disk = w.lights[1];
    EXPECT_FALSE(disk.camera_visible);
    const Shape& ds = w.shapes[static_cast<std::size_t>(disk.shape)];
    EXPECT_EQ(ds.kind, ShapeKind::Disk);
    EXPECT_FLOAT_EQ(ds.quadric.radius, 0.5f);
    EXPECT_TRUE(ds.reverse_orientation);  // Natural +z, emits toward -z.
    EXPECT_FALSE(ds.visibility.camera);
    const Shape& ss = w.shapes[static_cast<std::size_t>(w.lights[2].shape)];
    EXPECT_EQ(ss.kind, ShapeKind::Sphere);
    EXPECT_FLOAT_EQ(w.lights[2].color.x, 4.0f);
    EXPECT_EQ(w.lights[3].kind, LightKind::Distant);
    EXPECT_FLOAT_EQ(w.lights[3].angle_extent_degrees, 1.0f);
    EXPECT_EQ(w.lights[4].kind, LightKind::Dome);
    EXPECT_EQ(w.lights[4].shape, -1);
    EXPECT_TRUE(w.lights[4].camera_visible);
}

TEST(Parser, DomeLightMapResolvedOrError)
{
    test::TempDir dir;
    dir.write("maps/sky.exr", "not really an exr");
    std::string main = dir.write(
        "scene.rib", scene_with("Light \"PxrDomeLight\" \"d\" \"string lightColorMap\" \"maps/sky.exr\"\n"
                                "Light \"PxrDomeLight\" \"e\" \"string lightColorMap\" \"sky.exr\"",
                                "Option \"searchpath\" \"texture\" [\"@:maps\"]\n"));
    ParseResult r = parse_rib_file(main);
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.lights.size(), 2u);
    EXPECT_NE(f.world.lights[0].map.find("sky.exr"), std::string::npos);
    EXPECT_EQ(f.world.lights[0].map, f.world.lights[1].map);
    ASSERT_EQ(f.assets.size(), 1u);

    ParseResult missing = parse(scene_with("Light \"PxrDomeLight\" \"d\"\n"
                                           "  \"string lightColorMap\" \"nowhere.exr\""));
    auto e = errors_with(missing, "nowhere.exr");
    ASSERT_EQ(e.size(), 1u) << dump(missing);
    EXPECT_EQ(e[0].loc.line, 4);
    EXPECT_EQ(e[0].loc.column, 3);
}

TEST(Parser, ClassicLights)
{
    ParseResult r = parse(scene_with(
        "LightSource \"pointlight\" 1 \"intensity\" 3 \"from\" [1 2 3]\n"
        "LightSource \"spotlight\" 2 \"coneangle\" 0.5 \"conedeltaangle\" 0.1 \"to\" [0 0 -1]\n"
        "LightSource \"distantlight\" \"key\" \"lightcolor\" [1 0 0] \"intensity\" 0.5\n"
        "LightSource \"ambientlight\" 4 \"intensity\" 0.2\n"
        "AttributeBegin\nLightSource \"pointlight\" 5\nAttributeEnd\n"
        "AttributeBegin\nLightSource \"pointlight\" 6\nSphere 1 -1 1 360\nAttributeEnd\n"
        "Illuminate 4 0\nIlluminate \"key\" 1\n"
        "LightSource \"shoulderlight\" 7 \"from\" [0 1 0] \"to\" [0 0 0]\n"
        "LightSource \"weird\" 8 \"foo\" 1\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    // 5 was switched off before any geometry; 8 is ignored; 4 is off at WorldEnd but lit the sphere.
    ASSERT_EQ(w.lights.size(), 6u);
    EXPECT_EQ(w.lights[0].kind, LightKind::Point);
    EXPECT_FLOAT_EQ(w.lights[0].color.x, 3.0f);
    expect_near(w.lights[0].from, V3f(1, 2, 3));
    EXPECT_EQ(w.lights[1].kind, LightKind::Spot);
    EXPECT_NEAR(w.lights[1].cone_angle_degrees, 0.5f * 180.0f / static_cast<float>(M_PI), 1e-4f);
    EXPECT_NEAR(w.lights[1].cone_delta_angle_degrees, 0.1f * 180.0f / static_cast<float>(M_PI),
                1e-4f);
    EXPECT_EQ(w.lights[2].kind, LightKind::Distant);
    EXPECT_EQ(w.lights[2].handle, "key");
    EXPECT_FLOAT_EQ(w.lights[2].color.x, 0.5f);
    EXPECT_FLOAT_EQ(w.lights[2].color.y, 0.0f);
    EXPECT_EQ(w.lights[3].kind, LightKind::Ambient);
    EXPECT_EQ(w.lights[4].handle, "6");
    EXPECT_EQ(w.lights[5].kind, LightKind::Distant);  // shoulderlight -> closest standard.
    EXPECT_EQ(warnings_with(r, "shoulderlight").size(), 1u);
    EXPECT_EQ(warnings_with(r, "weird").size(), 1u);
}

TEST(Parser, LightBeforeWorldIsInCameraSpace)
{
    ParseResult r = parse("Display \"o.exr\" \"exr\" \"rgb\"\n"
                          "LightSource \"pointlight\" 1 \"from\" [0 0 0]\nTranslate 0 0 5\nWorldBegin\n"
                          "Sphere 1 -1 1 360\nWorldEnd\n");
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    ASSERT_EQ(w.lights.size(), 1u);
    // Declared before the camera transform: the camera-space origin is world (0, 0, -5).
    expect_near(xform(w.lights[0].light_to_world, V3f(0, 0, 0)), V3f(0, 0, -5));
}

TEST(Parser, AreaLightSourceMakesEmitters)
{
    ParseResult r = parse(scene_with("AttributeBegin\nAreaLightSource \"arealight\" 1 "
                                     "\"intensity\" 2 \"lightcolor\" [1 1 0.5]\n"
                                     "Sphere 1 -1 1 360\nAttributeEnd\nSphere 1 -1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    ASSERT_EQ(w.shapes.size(), 2u);
    ASSERT_EQ(w.emitters.size(), 1u);
    EXPECT_EQ(w.shapes[0].emitter, 0);
    EXPECT_EQ(w.shapes[1].emitter, -1);
    EXPECT_FLOAT_EQ(w.emitters[0].radiance.z, 1.0f);
    EXPECT_EQ(w.emitters[0].light, -1);
}

// ---------------------------------------------------------------------------
// Objects, archives, attributes

TEST(Parser, ObjectInstances)
{
    ParseResult r = parse(scene_with(
        "Translate 10 0 0\nObjectBegin 1\nTranslate 0 1 0\nSphere 1 -1 1 360\nObjectEnd\n"
        "Identity\nObjectInstance \"1\"\nTranslate 0 0 2\nObjectInstance 1\n"
        "ObjectBegin \"two\"\nDisk 0 1 360\nObjectEnd\nObjectInstance \"two\""));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    EXPECT_TRUE(w.shapes.empty());
    ASSERT_EQ(w.prototypes.size(), 2u);
    ASSERT_EQ(w.instances.size(), 3u);
    EXPECT_EQ(w.instances[0].prototype, w.instances[1].prototype);
    const Shape& s = w.prototypes[0].shapes[0];
    // Relative to the CTM at ObjectBegin (Translate 10 0 0).
    expect_near(xform(s.object_to_world, V3f(0, 0, 0)), V3f(0, 1, 0));
    expect_near(xform(w.instances[1].object_to_world, V3f(0, 0, 0)), V3f(0, 0, 2));
    EXPECT_GE(s.material, 0);

    ParseResult bad = parse(scene_with("ObjectInstance 9"));
    auto e = errors_with(bad, "unknown object handle \"9\"");
    ASSERT_EQ(e.size(), 1u) << dump(bad);
    EXPECT_EQ(e[0].loc.line, 3);
}

TEST(Parser, ReadArchiveRelativeAndSearchPath)
{
    test::TempDir dir;
    dir.write("sub/part.rib", "Sphere 1 -1 1 360\nReadArchive \"inner.rib\"\n");
    dir.write("sub/inner.rib", "Disk 0 1 360\n");
    dir.write("lib/elsewhere.rib", "Cylinder 1 0 1 360\n");
    std::string main = dir.write(
        "main.rib", scene_with("ReadArchive \"sub/part.rib\"\nReadArchive \"elsewhere.rib\"",
                               "Option \"searchpath\" \"archive\" [\"lib:&\"]\n"));
    ParseResult r = parse_rib_file(main);
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only_frame(r);
    ASSERT_EQ(f.world.shapes.size(), 3u);
    EXPECT_EQ(f.world.shapes[1].kind, ShapeKind::Disk);
    EXPECT_NE(f.world.shapes[1].loc.file.find("inner.rib"), std::string::npos);
    EXPECT_EQ(f.assets.size(), 3u);

    // ParseOptions::searchpath is searched too.
    ParseOptions opt;
    opt.searchpath.push_back((dir.path() / "lib").string());
    ParseResult s = parse(scene_with("ReadArchive \"elsewhere.rib\""), "x.rib", opt);
    EXPECT_TRUE(s.ok()) << dump(s);
}

TEST(Parser, MissingArchiveAndRecursion)
{
    ParseResult r = parse(scene_with("  ReadArchive \"missing.rib\""));
    auto e = errors_with(r, "cannot find archive \"missing.rib\"");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.line, 3);
    EXPECT_EQ(e[0].loc.column, 3);

    test::TempDir dir;
    dir.write("a.rib", "Sphere 1 -1 1 360\nReadArchive \"b.rib\"\n");
    dir.write("b.rib", "ReadArchive \"a.rib\"\n");
    std::string main = dir.write("main.rib", scene_with("ReadArchive \"a.rib\""));
    ParseOptions opt;
    opt.max_include_depth = 8;
    ParseResult rec = parse_rib_file(main, opt);
    auto d = errors_with(rec, "include depth limit (8)");
    ASSERT_EQ(d.size(), 1u) << dump(rec);
    EXPECT_NE(d[0].message.find("a.rib:2:1 -> "), std::string::npos);
    EXPECT_EQ(only_frame(rec).world.shapes.size(), 4u);
}

TEST(Parser, InlineArchivesAndProcedurals)
{
    test::TempDir dir;
    dir.write("delayed.rib", "Disk 0 1 360\n");
    std::string main = dir.write(
        "main.rib", scene_with("ArchiveBegin \"geo\"\nSphere 1 -1 1 360\nArchiveEnd\n"
                               "ReadArchive \"geo\"\nReadArchive \"geo\"\n"
                               "Procedural \"DelayedReadArchive\" [\"delayed.rib\"] [-1 1 -1 1 -1 1]\n"
                               "Procedural \"RunProgram\" [\"rm -rf /\" \"\"] [-1 1 -1 1 -1 1]"));
    ParseResult r = parse_rib_file(main);
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = only_frame(r).world;
    ASSERT_EQ(w.shapes.size(), 3u);
    EXPECT_EQ(w.shapes[2].kind, ShapeKind::Disk);
    EXPECT_EQ(warnings_with(r, "RunProgram").size(), 1u);
}

TEST(Parser, VisibilityIdentifierAndMotion)
{
    ParseResult r = parse(scene_with(
        "Attribute \"identifier\" \"name\" [\"ball\"]\n"
        "Attribute \"visibility\" \"int camera\" [0] \"int transmission\" [0]\n"
        "MotionBegin [0 1]\nTranslate 1 0 0\nTranslate 2 0 0\nMotionEnd\nSphere 1 -1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Shape& s = only_frame(r).world.shapes.at(0);
    EXPECT_EQ(s.identifier, "ball");
    EXPECT_FALSE(s.visibility.camera);
    EXPECT_FALSE(s.visibility.transmission);
    EXPECT_TRUE(s.visibility.indirect);
    EXPECT_FLOAT_EQ(s.object_to_world[3][0], 1.0f);
    EXPECT_EQ(warnings_with(r, "MotionBegin").size(), 1u);
}

TEST(Parser, DeclareAndInference)
{
    ParseResult r = parse(scene_with("Declare \"gloss\" \"uniform color\"\n"
                                     "Surface \"shiny\" \"gloss\" [1 2 3] \"bumpy\" [0.5] \"mode\" \"x\"\n"
                                     "Surface \"shiny\" \"bumpy\" [0.25]\nSphere 1 -1 1 360"));
    EXPECT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(warnings_with(r, "\"bumpy\" is not declared").size(), 1u);
    EXPECT_EQ(warnings_with(r, "\"mode\" is not declared").size(), 1u);

    ParseResult bad = parse(scene_with("Declare \"gloss\" \"uniform color\"\n"
                                       "Surface \"shiny\" \"gloss\" [1 2]"));
    auto e = errors_with(bad, "\"gloss\" (color) expects 3 values, found 2");
    ASSERT_EQ(e.size(), 1u) << dump(bad);
    EXPECT_EQ(e[0].loc.line, 4);
    EXPECT_EQ(e[0].loc.column, 25);

    ParseResult inline_bad = parse(scene_with("Surface \"s\" \"uniform colour c\" [1 2 3]"));
    EXPECT_EQ(errors_with(inline_bad, "bad inline declaration").size(), 1u) << dump(inline_bad);
}

// ---------------------------------------------------------------------------
// Error paths

TEST(ParserErrors, RotateNaN)
{
    ParseResult r = parse(scene_with("Rotate NaN 0 1 0\nSphere 1 -1 1 360"));
    auto e = errors_with(r, "Rotate: expected 4 numbers");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    auto w = warnings_with(r, "unknown request \"NaN\"");
    ASSERT_EQ(w.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.line, 3);
    EXPECT_EQ(w[0].loc.line, 3);
    EXPECT_EQ(w[0].loc.column, 8);
    EXPECT_EQ(only_frame(r).world.shapes.size(), 1u);  // Parsing went on.
}

TEST(ParserErrors, TemplatePlaceholders)
{
    ParseResult r = parse(scene_with("ShadingRate SR", "PixelSamples SX SY\n"));
    auto e = errors_with(r, "PixelSamples: expected 2 numbers, found none");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].str(), "test.rib:2:1: error: PixelSamples: expected 2 numbers, found none");
    EXPECT_EQ(warnings_with(r, "unknown request \"SX\"").size(), 1u);
    EXPECT_EQ(warnings_with(r, "unknown request \"SR\"").size(), 1u);
}

TEST(ParserErrors, UnknownRequestsAndTypos)
{
    ParseResult r = parse(scene_with("TransforBegin\nTheWorld 1 2 [3] \"x\"\nSphere 1 -1 1 360"));
    EXPECT_TRUE(r.ok());
    auto w = warnings_with(r, "unknown request \"TransforBegin\"");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].str(), "test.rib:3:1: warning: unknown request \"TransforBegin\"");
    EXPECT_EQ(warnings_with(r, "unknown request \"TheWorld\"").size(), 1u);
    EXPECT_EQ(only_frame(r).world.shapes.size(), 1u);
}

TEST(ParserErrors, UnbalancedBlocks)
{
    ParseResult r = parse(scene_with("AttributeEnd\nAttributeBegin\nTransformBegin\nAttributeEnd\n"
                                     "TransformEnd\nAttributeEnd"));
    auto a = errors_with(r, "AttributeEnd without AttributeBegin (no open block)");
    ASSERT_EQ(a.size(), 1u) << dump(r);
    EXPECT_EQ(a[0].loc.line, 3);
    auto t = errors_with(r, "AttributeEnd does not match the open TransformBegin at test.rib:5:1");
    EXPECT_EQ(t.size(), 1u) << dump(r);

    ParseResult open = parse(scene_with("AttributeBegin\nSphere 1 -1 1 360"));
    auto o = errors_with(open, "AttributeBegin at test.rib:3:1 is still open");
    EXPECT_EQ(o.size(), 1u) << dump(open);
    EXPECT_EQ(errors_with(parse("WorldEnd"), "WorldEnd without WorldBegin").size(), 1u);
}

TEST(ParserErrors, EmptyAndArchiveOnlyInputs)
{
    for (const char* text : {"", "   \n# only a comment", "Sphere 1 -1 1 360\n"}) {
        ParseResult r = parse(text);
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(errors_with(r, "no WorldBegin").size(), 1u) << dump(r);
        EXPECT_TRUE(r.scene.frames.empty());
    }
}

TEST(ParserErrors, TruncatedInputs)
{
    ParseResult r = parse("Display \"a.exr\" \"exr\" \"rgb\"\nWorldBegin\nSurface \"plastic\" \"Kd");
    auto e = errors_with(r, "unterminated string");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.line, 3);
    EXPECT_EQ(e[0].loc.column, 19);
    EXPECT_EQ(errors_with(r, "WorldBegin is never closed").size(), 1u);
    ASSERT_EQ(r.scene.frames.size(), 1u);

    ParseResult arr = parse(scene_with("Polygon \"P\" [0 0 0 1 0 0\nSphere 1 -1 1 360"));
    EXPECT_EQ(errors_with(arr, "unterminated array").size(), 1u) << dump(arr);
}

TEST(ParserErrors, WrongArgumentTypes)
{
    ParseResult r = parse(scene_with("Sphere \"big\" -1 1 360\nTranslate 1 2\n"
                                     "Sides 1.5\nColor [1 0]\nFormat 10 10 1\nPolygon \"P\" [0 0 0 1 0 0 0 1 \"x\"]"));
    EXPECT_EQ(errors_with(r, "Sphere: expected 4 numbers, found a string").size(), 1u) << dump(r);
    EXPECT_EQ(errors_with(r, "Translate: expected 3 numbers, found 2").size(), 1u) << dump(r);
    EXPECT_EQ(errors_with(r, "Sides: expected integers").size(), 1u) << dump(r);
    EXPECT_EQ(errors_with(r, "Color: expected 3 numbers, found an array of 2").size(), 1u);
    EXPECT_EQ(warnings_with(r, "Format inside WorldBegin").size(), 1u);
    EXPECT_EQ(errors_with(r, "array mixes").size(), 1u);
}

TEST(ParserErrors, MaxErrorsStopsParsing)
{
    std::string body;
    for (int k = 0; k < 100; ++k)
        body += "Translate 1\n";
    ParseOptions opt;
    opt.max_errors = 5;
    ParseResult r = parse(scene_with(body), "t.rib", opt);
    EXPECT_LE(r.error_count(), 6);
    EXPECT_EQ(errors_with(r, "too many errors").size(), 1u);
}

TEST(ParserErrors, ArchiveFanOutIsBounded)
{
    // Each level reads the previous one twice: 2^30 spheres without a cap.
    std::string body = "ArchiveBegin \"l0\"\nSphere 1 -1 1 360\nArchiveEnd\n";
    for (int k = 1; k <= 30; ++k)
        body += "ArchiveBegin \"l" + std::to_string(k) + "\"\nReadArchive \"l" +
                std::to_string(k - 1) + "\"\nReadArchive \"l" + std::to_string(k - 1) +
                "\"\nArchiveEnd\n";
    body += "ReadArchive \"l30\"";
    ParseResult r = parse(scene_with(body));
    EXPECT_FALSE(r.ok());
    EXPECT_GE(errors_with(r, "archive reads").size(), 1u) << dump(r);
    EXPECT_LE(only_frame(r).world.shapes.size(), 10000u);
}

TEST(ParserErrors, BinaryByteInAsciiFile)
{
    ParseResult r = parse(std::string("WorldBegin\nSphere 1 -1 1 360\n\xA3\x01\x02WorldEnd\n"));
    auto e = errors_with(r, "binary RIB not supported (byte 0xA3 at offset 29)");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.line, 3);
}

TEST(ParserErrors, NeverCrashesOnPrefixesAndNoise)
{
    std::string rib =
        "##RenderMan RIB\nversion 3.04\nDeclare \"k\" \"uniform float\"\n"
        "Option \"searchpath\" \"archive\" [\"@:&\"]\nFormat 64 48 1\nProjection \"perspective\" \"fov\" 40\n"
        "FrameBegin 1\nDisplay \"a.exr\" \"openexr\" \"rgba\"\nTranslate 0 0 5\nWorldBegin\n"
        "LightSource \"spotlight\" 1 \"coneangle\" 0.3\nLight \"PxrRectLight\" \"r\" \"float exposure\" 2\n"
        "AttributeBegin\nSurface \"plastic\" \"k\" 1\nColor [1 0 0]\n"
        "PointsGeneralPolygons [2] [4 3] [0 1 2 3 4 5 6] \"P\" [0 0 0 4 0 0 4 4 0 0 4 0 1 1 0 2 1 0 1 2 0] "
        "\"facevarying float[2] st\" [0 0 1 0 1 1 0 1 0 0 1 0 1 1]\n"
        "ObjectBegin \"o\"\nPatch \"bilinear\" \"P\" [0 0 0 1 0 0 0 1 0 1 1 1]\nObjectEnd\n"
        "ObjectInstance \"o\"\nAttributeEnd\n"
        "NuPatch 2 2 [0 0 1 1] 0 1 2 2 [0 0 1 1] 0 1 \"Pw\" [0 0 0 1 1 0 0 1 0 1 0 1 1 1 0 1]\n"
        "WorldEnd\nFrameEnd\n";
    ParseResult full = parse(rib);
    ASSERT_TRUE(full.ok()) << dump(full);
    for (std::size_t n = 0; n < rib.size(); ++n) {
        ParseResult r = parse(std::string_view(rib).substr(0, n));
        EXPECT_LE(r.scene.frames.size(), 1u);
    }
    // Byte noise derived from the scene: flipped bytes must never crash or hang.
    uint32_t state = 12345u;
    for (int trial = 0; trial < 300; ++trial) {
        std::string noisy = rib;
        for (int k = 0; k < 8; ++k) {
            state = state * 1664525u + 1013904223u;
            std::size_t pos = (state >> 8) % noisy.size();
            state = state * 1664525u + 1013904223u;
            noisy[pos] = static_cast<char>((state >> 16) & 0x7F);
        }
        ParseResult r = parse(noisy);
        EXPECT_LE(r.scene.frames.size(), 2u);
    }
}

}  // namespace
}  // namespace ck::scene
