// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckinfo: the shared tool contract (exit codes 0/1/2/3, one stderr line per
// problem, --json, magic bytes) and what it says about checkpoints and finals
// that ckrender writes in the test itself (S30).
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "image_test_util.h"
#include "tool_test_util.h"

#include <ck/checkpoint_format.h>

#include <OpenImageIO/imagebuf.h>

#include <ck/heatmap.h>

#include <OpenImageIO/imagebufalgo.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>

#include <filesystem>
#include <memory>

namespace {

namespace fs = std::filesystem;
using ck::test::contains;
using ck::test::lines_of;
using ck::test::ProcessResult;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kInfo = CK_INFO_PATH;
const std::string kRenderer = CK_RENDERER_PATH;

ProcessResult ckinfo(std::vector<std::string> args)
{
    args.insert(args.begin(), kInfo);
    return run_process(args, "", 120);
}

// One checkpoint (3 of 8 samples) and one final, rendered once for the suite.
class CkinfoTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir;
        s_checkpoint = ck::test::render_image(kRenderer, s_dir->path().string(), "ck.exr", 8, 3);
        s_final = ck::test::render_image(kRenderer, s_dir->path().string(), "final.exr", 2, 0);
    }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }
    void SetUp() override
    {
        ASSERT_FALSE(s_checkpoint.empty());
        ASSERT_FALSE(s_final.empty());
    }

    static TempDir* s_dir;
    static std::string s_checkpoint, s_final;
    TempDir m_tmp;
};

TempDir* CkinfoTest::s_dir = nullptr;
std::string CkinfoTest::s_checkpoint;
std::string CkinfoTest::s_final;

// --- CLI contract

TEST(CkinfoCli, HelpGoesToStdoutWithExitCodes)
{
    ProcessResult r = ckinfo({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "ckinfo")) << r.out;
    EXPECT_TRUE(contains(r.out, "Exit codes")) << r.out;
    EXPECT_TRUE(contains(r.out, "--heatmap")) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CkinfoCli, VersionPrintsNameAndVersion)
{
    ProcessResult r = ckinfo({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "ckinfo 0.")) << r.out;
}

TEST(CkinfoCli, NoArgumentsIsAUsageError)
{
    ProcessResult r = ckinfo({});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "ckinfo: error:")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CkinfoCli, UnknownOptionAndBadSizeAreUsageErrors)
{
    EXPECT_EQ(ckinfo({"--no-such-option", "x.exr"}).exit_code, 2);
    EXPECT_EQ(ckinfo({"--max-memory", "lots", "x.exr"}).exit_code, 2);
    EXPECT_EQ(ckinfo({"--timeout", "-1", "x.exr"}).exit_code, 2);
}

TEST(CkinfoCli, MissingFileIsAnIoError)
{
    TempDir tmp;
    const std::string path = tmp.file("nothing-here.exr");
    ProcessResult r = ckinfo({path});
    EXPECT_EQ(r.exit_code, 3);
    const auto err = lines_of(r.err);
    ASSERT_EQ(err.size(), 1u) << r.err;
    EXPECT_EQ(err[0].rfind("ckinfo: error: " + path + ": cannot open", 0), 0u) << err[0];
}

TEST(CkinfoCli, TextAndEmptyFilesAreNotImages)
{
    TempDir tmp;
    const std::string text = tmp.file("notes.exr");  // the name lies; the bytes decide
    const std::string empty = tmp.file("empty.exr");
    ck::test::write_file(text, "Display \"x.exr\" \"openexr\" \"rgba\"\n");
    ck::test::write_file(empty, "");
    ProcessResult r = ckinfo({text, empty});
    EXPECT_EQ(r.exit_code, 1);
    const auto err = lines_of(r.err);
    ASSERT_EQ(err.size(), 2u) << r.err;
    EXPECT_TRUE(contains(err[0], "not an image: a text file")) << err[0];
    EXPECT_TRUE(contains(err[1], "not an image: empty file")) << err[1];
}

// --- Checkpoints and finals from ckrender

TEST_F(CkinfoTest, CheckpointSummaryLine)
{
    ProcessResult r = ckinfo({s_checkpoint});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    const auto out = lines_of(r.out);
    ASSERT_EQ(out.size(), 1u) << r.out;
    EXPECT_TRUE(contains(out[0], s_checkpoint + ": 40x24, checkpoint, 3/8 samples (37.5% done)"))
        << out[0];
    EXPECT_TRUE(contains(out[0], "checkpointElapsed ")) << out[0];
}

TEST_F(CkinfoTest, VerboseShowsWeightsMetadataHistoryAndChannels)
{
    ProcessResult r = ckinfo({"-v", s_checkpoint});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "samples per pixel (~w): min 3, mean 3.00, max 3")) << r.out;
    EXPECT_TRUE(contains(r.out, "0.0% of pixels at the target 8 (0 of 960)")) << r.out;
    EXPECT_TRUE(contains(r.out, "channels: R (float) G (float) B (float) A (float) ~w (float)"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "zip compression")) << r.out;
    EXPECT_TRUE(contains(r.out, std::string(ck::format::kKeyTargetSamples) + ": 8")) << r.out;
    EXPECT_TRUE(contains(r.out, std::string(ck::format::kKeyState) + ": checkpoint")) << r.out;
    EXPECT_TRUE(contains(r.out, "resume history: 1 process, total ")) << r.out;
    EXPECT_TRUE(contains(r.out, "samples 0 -> 2880")) << r.out;  // 3 spp x 960 pixels
    EXPECT_TRUE(contains(r.out, "every chunk read; ck:stateHash matches")) << r.out;
}

TEST_F(CkinfoTest, FinalImage)
{
    ProcessResult r = ckinfo({s_final});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, s_final + ": 40x24, final (ckrender ")) << r.out;
    EXPECT_FALSE(contains(r.out, "checkpoint")) << r.out;
}

TEST_F(CkinfoTest, AsFinalCheckpoint)
{
    // S14: a finished render that keeps ~w and the checkpoint tag.
    const std::string asfinal =
        ck::test::render_image(kRenderer, m_tmp.path().string(), "asfinal.exr", 4, 0,
                               "Option \"checkpoint\" \"int asfinal\" [1]\n");
    ASSERT_FALSE(asfinal.empty());
    ProcessResult r = ckinfo({"-v", asfinal});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, asfinal + ": 40x24, asfinal checkpoint, 4/4 samples (100.0% done)"))
        << r.out;
    EXPECT_TRUE(contains(r.out, "100.0% of pixels at the target 4 (960 of 960)")) << r.out;

    // ckstrip makes it a plain final.
    const std::string out = m_tmp.file("stripped.exr");
    ASSERT_EQ(run_process({CK_STRIP_PATH, asfinal, "-o", out}).exit_code, 0);
    r = ckinfo({out});
    EXPECT_TRUE(contains(r.out, "final (ckrender")) << r.out;
}

TEST_F(CkinfoTest, HeaderOnlySaysSo)
{
    ProcessResult r = ckinfo({"--header-only", s_checkpoint});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "header only")) << r.out;
}

TEST_F(CkinfoTest, TruncatedCheckpointIsDamaged)
{
    const std::string bytes = ck::test::read_file(s_checkpoint);
    const std::string cut = m_tmp.file("cut.exr");
    ck::test::write_file(cut, bytes.substr(0, bytes.size() / 2));
    ProcessResult r = ckinfo({cut});
    EXPECT_EQ(r.exit_code, 1);
    const auto err = lines_of(r.err);
    ASSERT_EQ(err.size(), 1u) << r.err;
    EXPECT_EQ(err[0].rfind("ckinfo: error: " + cut + ": damaged", 0), 0u) << err[0];
}

TEST_F(CkinfoTest, HeaderPromisingMorePixelsThanTheFileHoldsIsDamaged)
{
    // Patch the data window to 46340x46340 (a decompression bomb's header):
    // refused from the sizes alone, before any decoder allocates.
    std::string bytes = ck::test::read_file(s_checkpoint);
    const std::string key = std::string("dataWindow") + '\0' + "box2i" + '\0';
    const size_t at = bytes.find(key);
    ASSERT_NE(at, std::string::npos);
    const size_t values = at + key.size() + 4;  // after the 4-byte attribute size
    const int32_t max_xy = 46339;
    std::memcpy(&bytes[values + 8], &max_xy, 4);
    std::memcpy(&bytes[values + 12], &max_xy, 4);
    const std::string bomb = m_tmp.file("bomb.exr");
    ck::test::write_file(bomb, bytes);
    ProcessResult r = ckinfo({bomb});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "damaged")) << r.err;
    EXPECT_TRUE(contains(r.err, "46340")) << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
}

TEST_F(CkinfoTest, AlteredPixelFailsTheStateHash)
{
    // Rewrite the checkpoint with one colour value changed and its metadata kept.
    auto in = OIIO::ImageInput::open(s_checkpoint);
    ASSERT_TRUE(in);
    OIIO::ImageSpec spec = in->spec();
    std::vector<float> px(size_t(spec.image_pixels()) * size_t(spec.nchannels));
    ASSERT_TRUE(in->read_image(0, 0, 0, spec.nchannels, OIIO::TypeFloat, px.data()));
    in->close();
    px[size_t(spec.channelindex("R"))] += 0.25f;
    const std::string altered = m_tmp.file("altered.exr");
    auto out = OIIO::ImageOutput::create("openexr");
    ASSERT_TRUE(out && out->open(altered, spec) && out->write_image(OIIO::TypeFloat, px.data()) &&
                out->close());

    ProcessResult r = ckinfo({altered});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "ck:stateHash")) << r.err;
    EXPECT_TRUE(contains(r.out, "DAMAGED")) << r.out;  // the header is still shown
}

TEST_F(CkinfoTest, PartFileAndNoExtensionAreRecognisedByMagic)
{
    const std::string part = m_tmp.file("shot.exr.part");
    const std::string bare = m_tmp.file("shot_without_extension");
    fs::copy_file(s_checkpoint, part);
    fs::copy_file(s_checkpoint, bare);
    ProcessResult r = ckinfo({part, bare});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto out = lines_of(r.out);
    ASSERT_EQ(out.size(), 2u) << r.out;
    EXPECT_TRUE(contains(out[0], "checkpoint, 3/8 samples")) << out[0];
    EXPECT_TRUE(contains(out[0], "unfinished write (.part)")) << out[0];
    EXPECT_TRUE(contains(out[1], "checkpoint, 3/8 samples")) << out[1];
    EXPECT_TRUE(contains(r.err, "ckinfo: note: " + part)) << r.err;
}

TEST_F(CkinfoTest, SeveralFilesOneBadExitsWithTheWorst)
{
    const std::string missing = m_tmp.file("missing.exr");
    const std::string text = m_tmp.file("text.exr");
    ck::test::write_file(text, "hello\n");
    ProcessResult r = ckinfo({s_checkpoint, text, s_final});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(lines_of(r.out).size(), 2u) << r.out;  // the good ones are still reported
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;

    r = ckinfo({s_checkpoint, missing, text});
    EXPECT_EQ(r.exit_code, 3);  // I/O beats damage
    EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
    EXPECT_EQ(lines_of(r.err).size(), 2u) << r.err;
}

TEST_F(CkinfoTest, JsonIsValidAndComplete)
{
    const std::string text = m_tmp.file("text.exr");
    ck::test::write_file(text, "hello\n");
    ProcessResult r = ckinfo({"--json", "-v", s_checkpoint, s_final, text});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(ck::test::is_valid_json(r.out, m_tmp.path().string()));
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r.out;
    ASSERT_EQ(j["files"].size(), 3u) << r.out;
    const auto& ck = j["files"][0];
    EXPECT_EQ(ck["kind"], "checkpoint") << r.out;
    EXPECT_EQ(j["files"][1]["kind"], "final") << r.out;
    EXPECT_EQ(ck["weights"]["min"], 3.0) << r.out;
    EXPECT_EQ(ck["weights"]["mean"], 3.0) << r.out;
    EXPECT_EQ(ck["weights"]["max"], 3.0) << r.out;
    EXPECT_EQ(ck["checkpoint"]["target_samples"], 8) << r.out;
    EXPECT_TRUE(ck["checkpoint"]["generation"].is_number_unsigned()) << r.out;
    EXPECT_TRUE(ck["checkpoint"]["samples_fraction"].is_number()) << r.out;
    EXPECT_EQ(j["files"][2]["exit_code"], 1) << r.out;
    EXPECT_EQ(j["exit_code"], 1) << r.out;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;  // diagnostics stay on stderr
}

TEST_F(CkinfoTest, HeatmapPictureHasTheImageAndALegend)
{
    const std::string png = m_tmp.file("heat.png");
    ProcessResult r = ckinfo({"--heatmap", png, s_checkpoint});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    OIIO::ImageBuf heat(png);
    ASSERT_TRUE(heat.read()) << heat.geterror();
    EXPECT_GE(heat.spec().width, 40);
    EXPECT_GT(heat.spec().height, 24);  // the legend bar sits under the picture
    // Every pixel has 3 of 8 samples: one colour over the picture.
    std::vector<float> a(3), b(3);
    heat.getpixel(0, 0, a.data(), 3);
    heat.getpixel(39, 23, b.data(), 3);
    EXPECT_EQ(a, b);

    r = ckinfo({"--heatmap", png, "--header-only", s_checkpoint});
    EXPECT_EQ(r.exit_code, 2);
}

// The heatmap tells adjacent sample counts apart: a render cut mid-increment
// (5 and 6 of 64) must show as two clearly different colours, not 3 levels apart.
double rgb8_distance(const std::array<float, 3>& a, const std::array<float, 3>& b)
{
    double d = 0;
    for (int i = 0; i < 3; ++i) {
        const double u = std::lround(a[i] * 255.0) - std::lround(b[i] * 255.0);
        d += u * u;
    }
    return std::sqrt(d);
}

TEST(CkinfoHeatmap, AdjacentSampleCountsGetVisiblyDifferentColours)
{
    for (int target : {8, 16, 64, 256}) {
        for (int k = 0; k < target; ++k)
            EXPECT_GE(rgb8_distance(ck::heatmap_count_colour(float(k), float(target)),
                                    ck::heatmap_count_colour(float(k + 1), float(target))),
                      40.0)
                << k << " and " << (k + 1) << " of " << target;
    }

    // The picture itself: left half 5, right half 6 of 64.
    TempDir tmp;
    const int w = 8, h = 4;
    std::vector<float> plane(size_t(w * h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            plane[size_t(y * w + x)] = x < w / 2 ? 5.0f : 6.0f;
    const std::string png = tmp.file("heat.png");
    ASSERT_TRUE(ck::write_weight_heatmap(plane, w, h, 64, png));
    OIIO::ImageBuf img(png);
    ASSERT_TRUE(img.read(0, 0, true, OIIO::TypeFloat)) << img.geterror();
    std::array<float, 3> five{}, six{};
    img.getpixel(0, 0, five.data(), 3);
    img.getpixel(w - 1, 0, six.data(), 3);
    EXPECT_GE(rgb8_distance(five, six), 40.0);
}

// When OpenEXR's file check fails on a tiled image, the message says which
// tile and chunk is bad (it used to say only that the check failed).
TEST(CkinfoDamage, TruncatedTiledImageNamesTheTileAndChunk)
{
    TempDir tmp;
    OIIO::ImageBuf img(OIIO::ImageSpec(64, 64, 4, OIIO::TypeFloat));
    img.set_write_tiles(16, 16);
    const float grey[4] = {0.5f, 0.25f, 0.125f, 1.0f};
    OIIO::ImageBufAlgo::fill(img, grey);
    const std::string whole = tmp.file("tiled.exr");
    ASSERT_TRUE(img.write(whole)) << img.geterror();
    const std::string bytes = ck::test::read_file(whole);
    const std::string cut = tmp.file("cut.exr");
    ck::test::write_file(cut, bytes.substr(0, bytes.size() - 8));
    ck::test::ProcessResult r = ck::test::run_process({CK_INFO_PATH, cut}, "", 60);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(ck::test::contains(r.err, "the chunk for tile (")) << r.err;
    EXPECT_TRUE(ck::test::contains(r.err, "(chunk ")) << r.err;
    EXPECT_TRUE(ck::test::contains(r.err, " of 16)")) << r.err;
}

}  // namespace
