// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckstrip (S31): the CLI contract, and stripping checkpoints that ckrender
// writes in the test: no ~w, no checkpoint metadata, every other attribute
// kept, colour bit-identical to the input and to `oiiotool --ch`, crash-safe
// --in-place, --half, --compression, --strict.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "image_test_util.h"
#include "tool_test_util.h"

#include <ck/checkpoint_format.h>

#include <OpenImageIO/half.h>

#include <gtest/gtest.h>

#include <filesystem>

namespace {

namespace fs = std::filesystem;
using ck::test::contains;
using ck::test::lines_of;
using ck::test::ProcessResult;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kStrip = CK_STRIP_PATH;
const std::string kInfo = CK_INFO_PATH;
const std::string kRenderer = CK_RENDERER_PATH;
const std::vector<std::string> kColour = {"R", "G", "B", "A"};

ProcessResult ckstrip(std::vector<std::string> args)
{
    args.insert(args.begin(), kStrip);
    return run_process(args, "", 120);
}

bool has_checkpoint_metadata(const OIIO::ImageSpec& spec)
{
    const std::string ns = std::string(ck::format::kKeyState).substr(0, 3);  // "ck:"
    for (const OIIO::ParamValue& p : spec.extra_attribs)
        if (p.name().string().rfind(ns, 0) == 0 || p.name() == ck::format::kCheckpointElapsed)
            return true;
    return false;
}

class CkstripTest : public ::testing::Test {
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
    // A private copy of the checkpoint, for destructive tests.
    std::string copy_of_checkpoint(const std::string& name)
    {
        const std::string path = m_tmp.file(name);
        fs::copy_file(s_checkpoint, path);
        return path;
    }

    static TempDir* s_dir;
    static std::string s_checkpoint, s_final;
    TempDir m_tmp;
};

TempDir* CkstripTest::s_dir = nullptr;
std::string CkstripTest::s_checkpoint;
std::string CkstripTest::s_final;

// --- CLI contract

TEST(CkstripCli, HelpVersionAndUsageErrors)
{
    ProcessResult r = ckstrip({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "--in-place")) << r.out;
    EXPECT_TRUE(contains(r.out, "Exit codes")) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;

    r = ckstrip({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "ckstrip 0.")) << r.out;

    EXPECT_EQ(ckstrip({}).exit_code, 2);
    EXPECT_EQ(ckstrip({"a.exr"}).exit_code, 2);  // neither -o nor --in-place
    EXPECT_EQ(ckstrip({"a.exr", "-o", "b.exr", "--in-place"}).exit_code, 2);  // both
    EXPECT_EQ(ckstrip({"a.exr", "b.exr", "-o", "c.exr"}).exit_code, 2);  // two inputs, one file
    EXPECT_EQ(ckstrip({"a.exr", "-o", "b.exr", "--compression", "jpeg"}).exit_code, 2);
}

TEST(CkstripCli, MissingInputIsAnIoError)
{
    TempDir tmp;
    ProcessResult r = ckstrip({tmp.file("missing.exr"), "-o", tmp.file("out.exr")});
    EXPECT_EQ(r.exit_code, 3);
    ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "ckstrip: error: " + tmp.file("missing.exr") + ": cannot open"))
        << r.err;
    EXPECT_FALSE(fs::exists(tmp.file("out.exr")));
}

// --- Stripping

TEST_F(CkstripTest, StripRemovesStateAndKeepsColourBitForBit)
{
    const std::string out = m_tmp.file("final_for_comp.exr");
    ProcessResult r = ckstrip({s_checkpoint, "-o", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    // 21 ck: keys (ck:headerHash since format version 2) and checkpointElapsed.
    EXPECT_TRUE(contains(r.out, "stripped ~w and 22 checkpoint attributes")) << r.out;

    const auto in = ck::test::read_channels(s_checkpoint, kColour);
    const auto got = ck::test::read_channels(out, kColour);
    ASSERT_TRUE(in.ok && got.ok);
    EXPECT_TRUE(ck::test::bit_identical(in.pixels, got.pixels));
    EXPECT_EQ(got.spec.nchannels, 4);
    EXPECT_LT(got.spec.channelindex(ck::format::kWeightChannel), 0);
    EXPECT_FALSE(has_checkpoint_metadata(got.spec));
    EXPECT_EQ(got.spec.format, OIIO::TypeFloat);
    // Everything else is kept.
    for (const char* name : {"Software", "DateTime", "compression", "worldToCamera"})
        EXPECT_EQ(got.spec.get_string_attribute(name), in.spec.get_string_attribute(name)) << name;
    EXPECT_EQ(got.spec.full_width, in.spec.full_width);
    EXPECT_EQ(got.spec.x, in.spec.x);

    // ckinfo now calls it a final.
    ProcessResult info = run_process({kInfo, out});
    EXPECT_EQ(info.exit_code, 0) << info.err;
    EXPECT_TRUE(contains(info.out, "final (ckrender")) << info.out;
}

TEST_F(CkstripTest, MatchesOiiotoolChannelSelection)
{
    const std::string oiiotool = "/usr/bin/oiiotool";
    if (!fs::exists(oiiotool))
        GTEST_SKIP() << "oiiotool is not installed (openimageio-tools)";
    const std::string ours = m_tmp.file("ours.exr");
    const std::string theirs = m_tmp.file("theirs.exr");
    ASSERT_EQ(ckstrip({s_checkpoint, "-o", ours}).exit_code, 0);
    ProcessResult r = run_process({oiiotool, s_checkpoint, "--ch", "R,G,B,A", "-o", theirs});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto a = ck::test::read_channels(ours, kColour);
    const auto b = ck::test::read_channels(theirs, kColour);
    ASSERT_TRUE(a.ok && b.ok);
    EXPECT_TRUE(ck::test::bit_identical(a.pixels, b.pixels));
    EXPECT_EQ(a.spec.nchannels, b.spec.nchannels);
    EXPECT_EQ(a.spec.format, b.spec.format);
}

TEST_F(CkstripTest, InPlaceLeavesNoPartAndRereads)
{
    const std::string a = copy_of_checkpoint("a.exr");
    const std::string b = copy_of_checkpoint("b.exr");
    const auto before = ck::test::read_channels(a, kColour);
    ProcessResult r = ckstrip({"--in-place", a, b});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& path : {a, b}) {
        EXPECT_FALSE(fs::exists(path + ck::format::kPartSuffix));
        const auto after = ck::test::read_channels(path, kColour);
        ASSERT_TRUE(after.ok);
        EXPECT_TRUE(ck::test::bit_identical(before.pixels, after.pixels));
        EXPECT_FALSE(has_checkpoint_metadata(after.spec));
    }
    // Nothing else appeared in the directory.
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(m_tmp.path()))
        ++files;
    EXPECT_EQ(files, 2u);
}

TEST_F(CkstripTest, HalfStoresColourAsHalf)
{
    const std::string out = m_tmp.file("half.exr");
    ASSERT_EQ(ckstrip({"--half", s_checkpoint, "-o", out}).exit_code, 0);
    const auto in = ck::test::read_channels(s_checkpoint, kColour);
    const auto got = ck::test::read_channels(out, kColour);
    ASSERT_TRUE(in.ok && got.ok);
    EXPECT_EQ(got.spec.format, OIIO::TypeHalf);
    ASSERT_EQ(in.pixels.size(), got.pixels.size());
    for (size_t i = 0; i < in.pixels.size(); ++i)
        ASSERT_EQ(got.pixels[i], float(half(in.pixels[i]))) << i;
}

TEST_F(CkstripTest, CompressionIsApplied)
{
    const std::string out = m_tmp.file("piz.exr");
    ASSERT_EQ(ckstrip({"--compression", "piz", s_checkpoint, "-o", out}).exit_code, 0);
    const auto got = ck::test::read_channels(out, kColour);
    const auto in = ck::test::read_channels(s_checkpoint, kColour);
    ASSERT_TRUE(got.ok && in.ok);
    EXPECT_EQ(got.spec.get_string_attribute("compression"), "piz");
    EXPECT_TRUE(ck::test::bit_identical(in.pixels, got.pixels));
}

TEST_F(CkstripTest, NonCheckpointIsCopiedOrRefusedWithStrict)
{
    const std::string out = m_tmp.file("copy.exr");
    ProcessResult r = ckstrip({s_final, "-o", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "ckstrip: note: " + s_final + ": not a checkpoint")) << r.err;
    EXPECT_EQ(ck::test::read_file(out), ck::test::read_file(s_final));

    const std::string strict_out = m_tmp.file("strict.exr");
    r = ckstrip({"--strict", s_final, "-o", strict_out});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "ckstrip: error: " + s_final + ": not a checkpoint")) << r.err;
    EXPECT_FALSE(fs::exists(strict_out));
}

TEST_F(CkstripTest, DamagedInputWritesNothing)
{
    const std::string bytes = ck::test::read_file(s_checkpoint);
    const std::string cut = m_tmp.file("cut.exr");
    ck::test::write_file(cut, bytes.substr(0, bytes.size() * 2 / 3));
    const std::string out = m_tmp.file("out.exr");
    ProcessResult r = ckstrip({cut, "-o", out});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "damaged")) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(out + ck::format::kPartSuffix));

    // In place, the damaged file is left exactly as it was.
    r = ckstrip({"--in-place", cut});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(ck::test::read_file(cut), bytes.substr(0, bytes.size() * 2 / 3));
}

TEST_F(CkstripTest, SequenceToDirectoryWithOneBadFileAndJson)
{
    const std::string part = copy_of_checkpoint("shot.0002.exr.part");
    const std::string bare = copy_of_checkpoint("shot_0003");
    const std::string text = m_tmp.file("notes.txt");
    ck::test::write_file(text, "not an image\n");
    const std::string outdir = m_tmp.file("comp");
    fs::create_directory(outdir);

    ProcessResult r = ckstrip({"--json", "-o", outdir, s_checkpoint, part, text, bare});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(ck::test::is_valid_json(r.out, m_tmp.path().string()));
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "ckstrip: error: " + text + ": not an image")) << r.err;
    for (const char* name : {"ck.exr", "shot.0002.exr.part", "shot_0003"}) {
        const auto got = ck::test::read_channels((fs::path(outdir) / name).string(), kColour);
        EXPECT_TRUE(got.ok) << name;
        EXPECT_FALSE(has_checkpoint_metadata(got.spec)) << name;
    }
    EXPECT_TRUE(contains(r.out, "\"action\":\"stripped\"")) << r.out;
    EXPECT_TRUE(contains(r.out, "\"action\":\"refused\"")) << r.out;
}

TEST_F(CkstripTest, OutputDirectoryThatWouldOverwriteTheInputIsRefused)
{
    const std::string in = copy_of_checkpoint("shot.exr");
    const std::string before = ck::test::read_file(in);
    ProcessResult r = ckstrip({"-o", m_tmp.path().string(), in});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "use --in-place")) << r.err;
    EXPECT_EQ(ck::test::read_file(in), before);
}

}  // namespace
