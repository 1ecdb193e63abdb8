// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Nothing silently wrong (docs/scene-format.md, "What ckrender cannot honour"):
// a display it cannot write is a scene error at the Display request, a screen
// display is skipped with one warning, and every ignored setting that changes
// the picture gets exactly one warning at its file:line:col.
#include "scene/parser.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ck::scene {
namespace {

using test::dump;
using test::errors_with;
using test::parse;
using test::warnings_with;

// A scene whose line 2 is `line2` (line 1 is Format).
std::string scene_line2(const std::string& line2, const std::string& more = "")
{
    return "Format 8 8 1\n" + line2 + "\n" + more + "WorldBegin\nWorldEnd\n";
}

// The 1-based column of `needle` in `line`.
int column_of(const std::string& line, const std::string& needle)
{
    return int(line.find(needle)) + 1;
}

void expect_one_error_at(const ParseResult& r, const std::string& loc, const std::string& needle)
{
    ASSERT_EQ(r.error_count(), 1) << dump(r);
    const std::vector<Diagnostic> e = errors_with(r, needle);
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.str(), loc) << dump(r);
}

void expect_one_warning_at(const ParseResult& r, const std::string& loc, const std::string& needle)
{
    const std::vector<Diagnostic> w = warnings_with(r, needle);
    ASSERT_EQ(w.size(), 1u) << dump(r);
    EXPECT_EQ(w[0].loc.str(), loc) << dump(r);
}

// ---------------------------------------------------------------------------
// Displays

TEST(UnsupportedDisplay, ChannelsNobodyDeclaredAreErrorsAtTheDisplay)
{
    // Never a copy of the beauty with exit 0: a channel ckrender does not know.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"diffuse", "channel \"diffuse\""},
        {"rgbq", "channel \"rgbq\""},
        {"Ci,a,specular", "channel \"specular\""},
    };
    for (const auto& [mode, named] : cases) {
        SCOPED_TRACE(mode);
        ParseResult r = parse(scene_line2("  Display \"depth.exr\" \"openexr\" \"" + mode + "\""));
        expect_one_error_at(r, "test.rib:2:3", named);
        EXPECT_EQ(errors_with(r, "neither declared by a DisplayChannel").size(), 1u) << dump(r);
        EXPECT_TRUE(warnings_with(r, "no Display").empty()) << "no fallback display: " << dump(r);
    }
}

TEST(UnsupportedDisplay, ATiffHoldsColourAndAlphaOnly)
{
    for (const std::string mode : {"z", "rgbaz", "Ci,a,Nn", "a", "st"}) {
        SCOPED_TRACE(mode);
        ParseResult r = parse(scene_line2("Display \"out.tif\" \"tiff\" \"" + mode + "\""));
        expect_one_error_at(r, "test.rib:2:1", "cannot be written to TIFF");
    }
    ParseResult ok = parse(scene_line2("Display \"out.tif\" \"tiff\" \"albedo\""));
    EXPECT_TRUE(ok.ok()) << dump(ok);
}

TEST(UnsupportedDisplay, AShaderOutputAsASourceIsAnError)
{
    // "color diffuse" with no source names a shader output variable: ckrender's
    // materials have none, so it is an error at the DisplayChannel.
    ParseResult r = parse(scene_line2("Display \"beauty.exr\" \"openexr\" \"rgba\"",
                                      "DisplayChannel \"color diffuse\"\n"
                                      "Display \"+diffuse.exr\" \"openexr\" \"diffuse\"\n"));
    const auto e = errors_with(r, "source \"diffuse\" is not a built-in channel");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.str(), "test.rib:3:16") << dump(r);
}

TEST(UnsupportedDisplay, TypesCkrenderCannotWriteAreErrors)
{
    for (const std::string type : {"deepexr", "zfile", "shadow", "texture", "png", "null"}) {
        SCOPED_TRACE(type);
        ParseResult r = parse(scene_line2("Display \"x.exr\" \"" + type + "\" \"rgba\""));
        expect_one_error_at(r, "test.rib:2:1", "type \"" + type + "\" cannot be written yet");
    }
}

TEST(UnsupportedDisplay, ScreenDisplaysAreSkippedWithOneWarning)
{
    for (const std::string type : {"it", "framebuffer", "x11", "windows"}) {
        SCOPED_TRACE(type);
        ParseResult r = parse(scene_line2("Display \"out.exr\" \"openexr\" \"rgba\"",
                                          "Display \"+preview\" \"" + type + "\" \"rgba\"\n"));
        ASSERT_TRUE(r.ok()) << dump(r);
        ASSERT_EQ(r.scene.frames.size(), 1u);
        ASSERT_EQ(r.scene.frames[0].displays.size(), 1u) << "no file named preview";
        EXPECT_EQ(r.scene.frames[0].displays[0].name, "out.exr");
        expect_one_warning_at(r, "test.rib:3:1", "ckrender writes no screen display");
        EXPECT_EQ(warnings_with(r, "\"preview\"").size(), 1u) << dump(r);
    }

    // A screen display with a mode ckrender cannot write is skipped all the same.
    ParseResult z = parse(scene_line2("Display \"out.exr\" \"openexr\" \"rgba\"",
                                      "Display \"+depth\" \"it\" \"z\"\n"));
    EXPECT_TRUE(z.ok()) << dump(z);

    // One warning, not one per frame.
    ParseResult frames = parse(
        "Display \"out.exr\" \"openexr\" \"rgba\"\n"
        "Display \"+preview\" \"it\" \"rgba\"\n"
        "FrameBegin 1\nWorldBegin\nWorldEnd\nFrameEnd\n"
        "FrameBegin 2\nWorldBegin\nWorldEnd\nFrameEnd\n");
    ASSERT_TRUE(frames.ok()) << dump(frames);
    EXPECT_EQ(warnings_with(frames, "screen display").size(), 1u) << dump(frames);
}

TEST(UnsupportedDisplay, AFrameWithOnlyScreenDisplaysIsAnError)
{
    ParseResult r = parse("Display \"preview\" \"it\" \"rgba\"\nWorldBegin\nWorldEnd\n");
    expect_one_error_at(r, "test.rib:2:1", "no file Display for this frame");
    EXPECT_EQ(errors_with(r, "Display \"preview\" \"it\" at test.rib:1:1 was skipped").size(), 1u)
        << dump(r);
    EXPECT_TRUE(warnings_with(r, "ckrender.exr").empty()) << dump(r);

    // Without '+' the screen display replaces the file display, as in RenderMan.
    ParseResult replaced = parse(
        "Display \"a.exr\" \"openexr\" \"rgba\"\n"
        "Display \"preview\" \"framebuffer\" \"rgb\"\n"
        "FrameBegin 1\nWorldBegin\nWorldEnd\nFrameEnd\n");
    expect_one_error_at(replaced, "test.rib:4:1", "no file Display for this frame");

    // A frame that adds a file display is fine.
    ParseResult added = parse(
        "Display \"preview\" \"it\" \"rgba\"\n"
        "FrameBegin 1\nDisplay \"+f.exr\" \"openexr\" \"rgba\"\n"
        "WorldBegin\nWorldEnd\nFrameEnd\n");
    EXPECT_TRUE(added.ok()) << dump(added);
}

TEST(UnsupportedDisplay, FileTypeWithAnotherExtensionWarnsOnce)
{
    ParseResult r = parse(scene_line2("Display \"untitled.hdr\" \"file\" \"rgb\""));
    ASSERT_TRUE(r.ok()) << dump(r);
    expect_one_warning_at(r, "test.rib:2:9", "extension \".hdr\"; writing OpenEXR");
    EXPECT_EQ(r.scene.frames.at(0).displays.at(0).format, ImageFormat::OpenEXR);
}

TEST(UnsupportedDisplay, PixelChangingDisplayParametersWarnOnce)
{
    const std::string line =
        "Display \"q.tif\" \"tiff\" \"rgb\" \"int[4] quantize\" [0 255 0 255] "
        "\"string filter\" \"box\" \"string compression\" \"lzw\"";
    ParseResult r = parse(scene_line2(line));
    ASSERT_TRUE(r.ok()) << dump(r);
    // An 8-bit TIFF is honoured (issue 11: 8- and 16-bit TIFF displays).
    EXPECT_TRUE(warnings_with(r, "quantize").empty()) << dump(r);
    EXPECT_EQ(r.scene.frames.at(0).displays.at(0).bits, 8);
    expect_one_warning_at(r, "test.rib:2:" + std::to_string(column_of(line, "\"string filter")),
                          "parameter \"filter\" is ignored");
    EXPECT_TRUE(warnings_with(r, "compression").empty()) << "compression is honoured";

    // OpenEXR stays float, and a depth other than 8, 16 or float is not written.
    for (const std::string& bad :
         {std::string("Display \"q.exr\" \"openexr\" \"rgb\" \"int[4] quantize\" [0 255 0 255]"),
          std::string("Display \"q.tif\" \"tiff\" \"rgb\" \"int[4] quantize\" [0 1023 0 1023]")}) {
        ParseResult b = parse(scene_line2(bad));
        ASSERT_TRUE(b.ok()) << dump(b);
        expect_one_warning_at(b, "test.rib:2:" + std::to_string(column_of(bad, "\"int[4] quantize")),
                              "parameter \"quantize\" is ignored:");
        EXPECT_EQ(b.scene.frames.at(0).displays.at(0).bits, 0);
    }

    // Float quantization is what ckrender writes: no warning.
    ParseResult f = parse(scene_line2(
        "Display \"q.exr\" \"openexr\" \"rgb\" \"int[4] quantize\" [0 0 0 0] \"float dither\" 0"));
    ASSERT_TRUE(f.ok()) << dump(f);
    EXPECT_EQ(f.warning_count(), 0) << dump(f);
}

// ---------------------------------------------------------------------------
// Settings that change the picture and are not honoured: exactly one warning each.

TEST(IgnoredSettings, PixelVarianceWarnsOnceWhenAdaptiveSamplingIsAskedFor)
{
    ParseResult r = parse(scene_line2("Display \"o.exr\" \"openexr\" \"rgba\"",
                                      "PixelVariance 0.01\nPixelVariance 0.02\n"
                                      "Hider \"raytrace\" \"float pixelvariance\" [0.05]\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    expect_one_warning_at(r, "test.rib:3:1", "PixelVariance 0.01 is ignored");
    EXPECT_EQ(warnings_with(r, "adaptive sampling").size(), 1u) << dump(r);
    EXPECT_EQ(warnings_with(r, "maxsamples").size(), 1u) << dump(r);

    ParseResult h = parse(scene_line2("Display \"o.exr\" \"openexr\" \"rgba\"",
                                      "Hider \"raytrace\" \"float pixelvariance\" [0.05]\n"));
    expect_one_warning_at(h, "test.rib:3:1", "Hider \"pixelvariance\" 0.05 is ignored");

    // PixelVariance 0 turns adaptive sampling off: nothing to warn about.
    ParseResult off =
        parse(scene_line2("Display \"o.exr\" \"openexr\" \"rgba\"", "PixelVariance 0\n"));
    EXPECT_EQ(off.warning_count(), 0) << dump(off);
}

TEST(IgnoredSettings, ExposureAndQuantize)
{
    ParseResult e =
        parse(scene_line2("Exposure 2 2.2", "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    ASSERT_TRUE(e.ok()) << dump(e);
    expect_one_warning_at(e, "test.rib:2:1", "Exposure 2 2.2 is not applied");
    ParseResult e1 = parse(scene_line2("Exposure 1 1", "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    EXPECT_EQ(e1.warning_count(), 0) << dump(e1);

    ParseResult q = parse(scene_line2("Quantize \"rgba\" 255 0 255 0.5",
                                      "Quantize \"rgba\" 65535 0 65535 0.5\n"
                                      "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    ASSERT_TRUE(q.ok()) << dump(q);
    // The last Quantize wins; OpenEXR stays float (one warning naming the
    // display); the dither amplitude is named once.
    expect_one_warning_at(q, "test.rib:3:1",
                          "Quantize \"rgba\" 65535 0 65535 0.5 is ignored for Display \"o.exr\"");
    EXPECT_EQ(warnings_with(q, "dither amplitude is ignored").size(), 1u) << dump(q);
    ParseResult qt = parse(scene_line2("Quantize \"rgba\" 65535 0 65535 0",
                                       "Display \"o.tif\" \"tiff\" \"rgba\"\n"
                                       "Display \"+p.tif\" \"tiff\" \"rgba\" \"float[4] quantize\" "
                                       "[0 255 0 255]\n"));
    ASSERT_TRUE(qt.ok()) << dump(qt);
    EXPECT_EQ(qt.warning_count(), 0) << dump(qt);
    EXPECT_EQ(qt.scene.frames.at(0).displays.at(0).bits, 16);
    EXPECT_EQ(qt.scene.frames.at(0).displays.at(1).bits, 8) << "the display's own wins";
    ParseResult odd = parse(scene_line2("Quantize \"rgba\" 1023 0 1023 0",
                                        "Display \"o.tif\" \"tiff\" \"rgba\"\n"));
    expect_one_warning_at(odd, "test.rib:2:1", "Quantize \"rgba\" 1023 0 1023 0 is ignored");
    EXPECT_EQ(odd.scene.frames.at(0).displays.at(0).bits, 0);
    ParseResult qf = parse(scene_line2("Quantize \"rgba\" 0 0 0 0",
                                       "Quantize \"z\" 255 0 255 0.5\n"
                                       "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    EXPECT_EQ(qf.warning_count(), 0) << dump(qf);
}

TEST(IgnoredSettings, PixelFiltersWithNegativeLobesAreApproximated)
{
    for (const std::string name : {"catmull-rom", "separable-catmull-rom", "sinc", "mitchell"}) {
        SCOPED_TRACE(name);
        ParseResult r = parse(scene_line2("PixelFilter \"" + name + "\" 3 3",
                                          "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
        ASSERT_TRUE(r.ok()) << dump(r);
        expect_one_warning_at(r, "test.rib:2:13", "approximated by a gaussian of the same width");
    }
    for (const std::string name : {"box", "triangle", "gaussian", "separable-gaussian"}) {
        ParseResult r = parse(scene_line2("PixelFilter \"" + name + "\" 2 2",
                                          "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
        EXPECT_EQ(r.warning_count(), 0) << dump(r);
    }
}

TEST(IgnoredSettings, HiderParameters)
{
    const std::string line =
        "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [4] "
        "\"int jitter\" [0] \"int minsamples\" [2] \"int seed\" [3]";
    ParseResult r = parse(scene_line2(line, "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.warning_count(), 1) << dump(r);
    expect_one_warning_at(r, "test.rib:2:" + std::to_string(column_of(line, "\"int jitter")),
                          "Hider \"raytrace\": parameter \"jitter\" is not supported");
}

TEST(IgnoredSettings, PathTracerParameters)
{
    const std::string line =
        "Integrator \"PxrPathTracer\" \"pt\" \"int maxPathLength\" [5] "
        "\"float clampLuminance\" [10] \"float maxIndirectRadiance\" [2] "
        "\"int allowCaustics\" [0]";
    ParseResult r = parse(scene_line2(line, "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.warning_count(), 3) << dump(r);
    EXPECT_EQ(r.scene.frames.at(0).max_depth, 5);
    const std::string at = "test.rib:2:";
    expect_one_warning_at(r, at + std::to_string(column_of(line, "\"float clampLuminance")),
                          "\"clampLuminance\" is ignored: ckrender does not clamp radiance");
    expect_one_warning_at(r, at + std::to_string(column_of(line, "\"float maxIndirectRadiance")),
                          "\"maxIndirectRadiance\" is ignored: ckrender does not clamp");
    expect_one_warning_at(r, at + std::to_string(column_of(line, "\"int allowCaustics")),
                          "\"allowCaustics\" is not supported");

    // Only maxPathLength: silent.
    ParseResult ok =
        parse(scene_line2("Integrator \"PxrPathTracer\" \"pt\" \"int maxPathLength\" [5]",
                          "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    EXPECT_EQ(ok.warning_count(), 0) << dump(ok);

    ParseResult other = parse(scene_line2("Integrator \"PxrVCM\" \"vcm\" \"int maxPathLength\" [3]",
                                          "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    expect_one_warning_at(other, "test.rib:2:12", "of its parameters only maxPathLength is used");
}

TEST(IgnoredSettings, OptionsAndAttributes)
{
    const std::string ri = "Option \"Ri\" \"int[2] FormatResolution\" [1920 1080]";
    ParseResult r = parse(scene_line2(ri,
                                      "Option \"trace\" \"int maxdepth\" [3] \"float bias\" [0.1]\n"
                                      "Display \"o.exr\" \"openexr\" \"rgba\"\n"
                                      "Option \"limits\" \"int[2] bucketsize\" [16 16]\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.warning_count(), 2) << dump(r);
    expect_one_warning_at(r, "test.rib:2:13",
                          "Option \"Ri\" \"FormatResolution\" is not supported");
    expect_one_warning_at(r, "test.rib:3:35", "Option \"trace\" \"bias\" is not supported");

    // The checkpoint options are read by the session, commandtimeout among them.
    ParseResult c = parse(scene_line2("Option \"checkpoint\" \"commandtimeout\" \"5m\"",
                                      "Display \"o.exr\" \"openexr\" \"rgba\"\n"));
    ASSERT_TRUE(c.ok()) << dump(c);
    EXPECT_EQ(c.warning_count(), 0) << dump(c);
    EXPECT_EQ(c.scene.frames.at(0).options.at("checkpoint").at(0).strings.at(0), "5m");

    ParseResult a = parse(
        "Display \"o.exr\" \"openexr\" \"rgba\"\nWorldBegin\n"
        "Attribute \"trace\" \"int maxdiffusedepth\" [1]\n"
        "Attribute \"trace\" \"int maxdiffusedepth\" [2]\n"
        "Attribute \"displacementbound\" \"float sphere\" [1]\nWorldEnd\n");
    ASSERT_TRUE(a.ok()) << dump(a);
    EXPECT_EQ(a.warning_count(), 1) << dump(a);
    expect_one_warning_at(a, "test.rib:3:19", "Attribute \"trace\" \"maxdiffusedepth\"");
}

TEST(IgnoredSettings, PartialOpacity)
{
    ParseResult r = parse(
        "Display \"o.exr\" \"openexr\" \"rgba\"\nWorldBegin\nOpacity 0.5 0.5 0.5\n"
        "Sphere 1 -1 1 360\nOpacity 0.2 0.2 0.2\nSphere 1 -1 1 360\nWorldEnd\n");
    ASSERT_TRUE(r.ok()) << dump(r);
    expect_one_warning_at(r, "test.rib:3:1", "partial opacity is not supported yet");

    ParseResult solid = parse(
        "Display \"o.exr\" \"openexr\" \"rgba\"\nWorldBegin\nOpacity 1 1 1\n"
        "Opacity 0 0 0\nSphere 1 -1 1 360\nWorldEnd\n");
    EXPECT_EQ(solid.warning_count(), 0) << dump(solid);

    ParseResult primvar = parse(
        "Display \"o.exr\" \"openexr\" \"rgba\"\nWorldBegin\n"
        "Polygon \"P\" [0 0 0 1 0 0 1 1 0] \"constant color Os\" [0.5 0.5 0.5]\nWorldEnd\n");
    ASSERT_TRUE(primvar.ok()) << dump(primvar);
    expect_one_warning_at(primvar, "test.rib:3:33", "\"Os\" primvar ignored");
}

}  // namespace
}  // namespace ck::scene
