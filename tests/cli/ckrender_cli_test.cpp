// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckrender's command-line contract (docs/cli.md): help, version, usage errors,
// bad scenes that touch nothing, outputs, thread-count and mode invariance.
#include "../support/read_image.h"
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include <gtest/gtest.h>

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imagebufalgo.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;

void write_text(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string read_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A small lit scene: a diffuse sphere on a plane, a rect light and a dome.
std::string small_scene(const std::string& display, const std::string& hider,
                        const std::string& extra_options = "", int res = 32)
{
    std::ostringstream rib;
    rib << "Format " << res << " " << res << " 1\n"
        << "Display \"" << display << "\" \"openexr\" \"rgba\"\n"
        << hider << "\n"
        << "PixelFilter \"box\" 1 1\n"
        << extra_options << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n"
        << "WorldBegin\n"
        << "  AttributeBegin\n"
        << "    Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.2 0.3 0.4]\n"
        << "  AttributeEnd\n"
        << "  AttributeBegin\n"
        << "    Translate 0 2 0\n"
        << "    Rotate 90 1 0 0\n"
        << "    Light \"PxrRectLight\" \"key\" \"float intensity\" [5]\n"
        << "  AttributeEnd\n"
        << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
        << "  Sphere 1 -1 1 360\n"
        << "  Polygon \"P\" [-3 -1 -3  3 -1 -3  3 -1 3  -3 -1 3]\n"
        << "WorldEnd\n";
    return rib.str();
}

const std::string kIncremental = "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [8]";
const std::string kBucket = "Hider \"raytrace\" \"int maxsamples\" [8]";

struct Pixels {
    OIIO::ImageSpec spec;
    std::vector<float> values;
};

Pixels read_pixels(const std::string& path)
{
    Pixels p;
    std::string error;
    if (!ck::test::read_float_pixels(path, p.spec, p.values, error))
        ADD_FAILURE() << path << ": " << error;
    return p;
}

TEST(CkrenderCli, HelpGoesToStdoutAndExitsZero)
{
    auto r = run_process({kRenderer, "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--threads"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("75"), std::string::npos) << "exit codes are listed in --help";
}

TEST(CkrenderCli, VersionPrintsTheVersion)
{
    auto r = run_process({kRenderer, "--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("ckrender "), std::string::npos) << r.out;
}

TEST(CkrenderCli, NoArgumentsIsAUsageError)
{
    auto r = run_process({kRenderer});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(r.err.empty());
}

TEST(CkrenderCli, MissingSceneIsAUsageError)
{
    TempDir dir;
    auto r = run_process({kRenderer, dir.file("nope.rib")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("nope.rib"), std::string::npos) << r.err;
}

TEST(CkrenderCli, BadSceneExitsOneAndTouchesNoImage)
{
    TempDir dir;
    const std::string precious = "an image that must survive";
    write_text(dir.file("out.exr"), precious);
    // Cut mid-string: an unterminated string at EOF.
    std::string rib = small_scene("out.exr", kIncremental);
    rib = rib.substr(0, rib.find("PxrDiffuse") + 4);
    write_text(dir.file("bad.rib"), rib);
    auto r = run_process({kRenderer, "bad.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("bad.rib:"), std::string::npos) << r.err;
    EXPECT_EQ(read_bytes(dir.file("out.exr")), precious);
    EXPECT_FALSE(fs::exists(dir.file("out.exr.part")));
}

TEST(CkrenderCli, RendersAFinalImageWithoutWeightChannel)
{
    TempDir dir;
    write_text(dir.file("s.rib"), small_scene("out.exr", kIncremental));
    auto r = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Pixels p = read_pixels(dir.file("out.exr"));
    EXPECT_EQ(p.spec.width, 32);
    EXPECT_EQ(p.spec.height, 32);
    EXPECT_EQ(p.spec.format, OIIO::TypeFloat);
    EXPECT_EQ(p.spec.channelindex("~w"), -1) << "finals carry no ~w (S4)";
    EXPECT_EQ(p.spec.nchannels, 4);
    // The lit sphere is brighter than black and alpha is 1 at the centre.
    const size_t centre = (16 * 32 + 16) * 4;
    EXPECT_GT(p.values[centre] + p.values[centre + 1] + p.values[centre + 2], 0.0f);
    EXPECT_EQ(p.values[centre + 3], 1.0f);
    EXPECT_FALSE(fs::exists(dir.file("out.exr.part")));
}

TEST(CkrenderCli, OneAndTwoThreadsGiveIdenticalBits)
{
    TempDir dir;
    write_text(dir.file("s1.rib"), small_scene("t1.exr", kIncremental));
    write_text(dir.file("s2.rib"), small_scene("t2.exr", kIncremental));
    ASSERT_EQ(run_process({kRenderer, "-t", "1", "s1.rib"}, dir.path().string()).exit_code, 0);
    ASSERT_EQ(run_process({kRenderer, "-t", "2", "s2.rib"}, dir.path().string()).exit_code, 0);
    Pixels a = read_pixels(dir.file("t1.exr"));
    Pixels b = read_pixels(dir.file("t2.exr"));
    ASSERT_FALSE(a.values.empty());
    EXPECT_EQ(a.values, b.values);
}

TEST(CkrenderCli, IncrementalAndBucketModesGiveIdenticalBits)
{
    TempDir dir;
    write_text(dir.file("i.rib"), small_scene("inc.exr", kIncremental));
    write_text(dir.file("b.rib"), small_scene("bucket.exr", kBucket));
    ASSERT_EQ(run_process({kRenderer, "i.rib"}, dir.path().string()).exit_code, 0);
    ASSERT_EQ(run_process({kRenderer, "b.rib"}, dir.path().string()).exit_code, 0);
    Pixels a = read_pixels(dir.file("inc.exr"));
    Pixels b = read_pixels(dir.file("bucket.exr"));
    ASSERT_FALSE(a.values.empty());
    EXPECT_EQ(a.values, b.values);
}

// Issue 11, item 3: Option "bucket" "string order" and Option "limits"
// "bucketsize" are honoured, and change no pixel: every order and size, in
// bucket and incremental mode, gives the bits of the default.
TEST(CkrenderCli, EveryBucketOrderAndSizeGivesIdenticalBits)
{
    TempDir dir;
    write_text(dir.file("ref.rib"), small_scene("ref.exr", kBucket, "", 40));
    ASSERT_EQ(run_process({kRenderer, "-t", "2", "ref.rib"}, dir.path().string()).exit_code, 0);
    const Pixels ref = read_pixels(dir.file("ref.exr"));
    ASSERT_FALSE(ref.values.empty());
    int n = 0;
    for (const char* order :
         {"horizontal", "vertical", "zigzag-x", "zigzag-y", "spiral", "random", "circle"})
        for (const char* size : {"16 16", "7 3", "64 64"})
            for (const std::string& hider : {kBucket, kIncremental}) {
                const std::string name = "o" + std::to_string(n++);
                const std::string options = std::string("Option \"bucket\" \"string order\" [\"") +
                                            order + "\"]\nOption \"limits\" \"int[2] bucketsize\" [" +
                                            size + "]\n";
                write_text(dir.file(name + ".rib"),
                           small_scene(name + ".exr", hider, options, 40));
                auto r = run_process({kRenderer, "-t", "2", name + ".rib"}, dir.path().string());
                ASSERT_EQ(r.exit_code, 0) << order << " " << size << "\n" << r.err;
                EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
                EXPECT_EQ(read_pixels(dir.file(name + ".exr")).values, ref.values)
                    << order << " " << size << " " << hider;
            }
}

// The order is the order the threads take: one thread, stopped by exit-at
// long before a bucket of a million samples per pixel could finish, has
// started the first bucket of the order and not the last.
TEST(CkrenderCli, TheFirstBucketOfTheOrderIsTheFirstRendered)
{
    for (const char* order : {"spiral", "horizontal"}) {
        SCOPED_TRACE(order);
        TempDir dir;
        const std::string options =
            std::string("Option \"bucket\" \"string order\" [\"") + order +
            "\"]\nOption \"limits\" \"int[2] bucketsize\" [16 16]\n"
            "Option \"checkpoint\" \"string exitat\" [\"1s\"]\n";
        write_text(dir.file("s.rib"),
                   small_scene("out.exr", "Hider \"raytrace\" \"int maxsamples\" [1000000]",
                               options, 48));
        auto r = run_process({kRenderer, "-t", "1", "s.rib"}, dir.path().string(), 60);
        ASSERT_EQ(r.exit_code, 75) << r.err;
        auto in = OIIO::ImageInput::open(dir.file("out.exr"));
        ASSERT_TRUE(in);
        const int wi = in->spec().channelindex("~w");
        ASSERT_GE(wi, 0);
        std::vector<float> w(48 * 48);
        ASSERT_TRUE(in->read_image(0, 0, wi, wi + 1, OIIO::TypeFloat, w.data()));
        const float centre = w[16 * 48 + 16];  // first pixel of the centre bucket
        const float corner = w[0];             // first pixel of the top-left bucket
        if (std::string(order) == "spiral") {
            EXPECT_GT(centre, 0.0f);
            EXPECT_EQ(corner, 0.0f);
        } else {
            EXPECT_GT(corner, 0.0f);
            EXPECT_EQ(centre, 0.0f);
        }
    }
}

TEST(CkrenderCli, ABadBucketOrderOrSizeIsASceneErrorAtItsParameter)
{
    TempDir dir;
    write_text(dir.file("o.rib"),
               small_scene("o.exr", kBucket, "Option \"bucket\" \"string order\" [\"diagonal\"]\n"));
    auto o = run_process({kRenderer, "o.rib"}, dir.path().string());
    EXPECT_EQ(o.exit_code, 1) << o.err;
    EXPECT_NE(o.err.find("o.rib:5:17: error: Option \"bucket\" \"order\": unknown order \"diagonal\""),
              std::string::npos)
        << o.err;
    write_text(dir.file("s.rib"),
               small_scene("s.exr", kBucket, "Option \"limits\" \"int[2] bucketsize\" [0 16]\n"));
    auto s = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(s.exit_code, 1) << s.err;
    EXPECT_NE(s.err.find("s.rib:5:17: error: Option \"limits\" \"bucketsize\": expected two whole"),
              std::string::npos)
        << s.err;
    EXPECT_FALSE(fs::exists(dir.file("o.exr")));
    EXPECT_FALSE(fs::exists(dir.file("s.exr")));
}

TEST(CkrenderCli, CropWindowSetsTheDataWindow)
{
    TempDir dir;
    write_text(dir.file("full.rib"), small_scene("full.exr", kIncremental));
    write_text(dir.file("crop.rib"),
               small_scene("crop.exr", kIncremental, "CropWindow 0.25 0.75 0.5 1\n"));
    ASSERT_EQ(run_process({kRenderer, "full.rib"}, dir.path().string()).exit_code, 0);
    auto r = run_process({kRenderer, "crop.rib"}, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Pixels full = read_pixels(dir.file("full.exr"));
    Pixels crop = read_pixels(dir.file("crop.exr"));
    EXPECT_EQ(crop.spec.x, 8);
    EXPECT_EQ(crop.spec.y, 16);
    EXPECT_EQ(crop.spec.width, 16);
    EXPECT_EQ(crop.spec.height, 16);
    EXPECT_EQ(crop.spec.full_width, 32);
    EXPECT_EQ(crop.spec.full_height, 32);
    // Cropped pixels equal the same pixels of the full render, bit for bit.
    for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 16; ++x)
            for (int c = 0; c < 4; ++c)
                ASSERT_EQ(crop.values[size_t((y * 16 + x) * 4 + c)],
                          full.values[size_t(((y + 16) * 32 + (x + 8)) * 4 + c)]);
}

TEST(CkrenderCli, PlusDisplayAddsATiffOutput)
{
    TempDir dir;
    std::string rib = small_scene("main.exr", kIncremental);
    rib.insert(rib.find("PixelFilter"), "Display \"+second.tif\" \"tiff\" \"rgb\"\n");
    write_text(dir.file("s.rib"), rib);
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Pixels exr = read_pixels(dir.file("main.exr"));
    Pixels tif = read_pixels(dir.file("second.tif"));
    ASSERT_EQ(tif.spec.nchannels, 3);
    ASSERT_EQ(tif.values.size() / 3, exr.values.size() / 4);
    for (size_t i = 0; i < tif.values.size() / 3; ++i)
        for (int c = 0; c < 3; ++c)
            ASSERT_EQ(tif.values[i * 3 + size_t(c)], exr.values[i * 4 + size_t(c)]);
}

TEST(CkrenderCli, FrameOptionRendersOneFrame)
{
    TempDir dir;
    std::string one = small_scene("f1.exr", kIncremental, "", 16);
    std::string two = small_scene("f2.exr", kIncremental, "", 16);
    write_text(dir.file("frames.rib"),
               "FrameBegin 1\n" + one + "FrameEnd\nFrameBegin 2\n" + two + "FrameEnd\n");
    auto r = run_process({kRenderer, "--frame", "2", "frames.rib"}, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("f1.exr")));
    EXPECT_TRUE(fs::exists(dir.file("f2.exr")));
    EXPECT_EQ(run_process({kRenderer, "--frame", "7", "frames.rib"}, dir.path().string()).exit_code,
              2);
    ASSERT_EQ(run_process({kRenderer, "frames.rib"}, dir.path().string()).exit_code, 0);
    EXPECT_TRUE(fs::exists(dir.file("f1.exr")));
}

TEST(CkrenderCli, MissingOutputDirectoryFailsBeforeRendering)
{
    TempDir dir;
    write_text(dir.file("s.rib"), small_scene("no/such/dir/out.exr", kIncremental));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("s.rib:2:"), std::string::npos) << "names the Display line: " << r.err;
    EXPECT_EQ(r.err.find("Msamples/s"), std::string::npos) << "nothing was rendered";
}

}  // namespace
