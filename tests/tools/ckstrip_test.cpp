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
#include <ck/commit.h>
#include <ck/output_lock.h>
#include <ck/provenance.h>

#include <OpenImageIO/half.h>
#include <OpenImageIO/imagebufalgo.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

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
    EXPECT_TRUE(contains(r.out, "stripped ~w, 16 other state channels and 22 checkpoint attributes")) << r.out;

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
    ProcessResult r = ckstrip({"--in-place", "--force", a, b});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& path : {a, b}) {
        EXPECT_FALSE(fs::exists(path + ck::format::kPartSuffix));
        const auto after = ck::test::read_channels(path, kColour);
        ASSERT_TRUE(after.ok);
        EXPECT_TRUE(ck::test::bit_identical(before.pixels, after.pixels));
        EXPECT_FALSE(has_checkpoint_metadata(after.spec));
    }
    // Nothing else appeared in the directory but the output lock ckrender uses too.
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(m_tmp.path()))
        files += e.path().filename() != ck::kLockFileName;
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

// --- Issue 9: in-place safety, provenance, directories, temporary names, leftovers

TEST_F(CkstripTest, InPlaceRefusesAnUnfinishedCheckpointWithoutForce)
{
    const std::string in = copy_of_checkpoint("shot.exr");
    const std::string before = ck::test::read_file(in);
    ProcessResult r = ckstrip({"--in-place", in});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "ckstrip: error: " + in +
                                    ": an unfinished checkpoint (3 of 8 "
                                    "samples per pixel)"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "discards the state a resume needs")) << r.err;
    EXPECT_TRUE(contains(r.err, "--force")) << r.err;
    EXPECT_EQ(ck::test::read_file(in), before);

    // -o keeps the input, so it needs no --force.
    EXPECT_EQ(ckstrip({in, "-o", m_tmp.file("comp.exr")}).exit_code, 0);
    // --force strips it.
    r = ckstrip({"--in-place", "--force", in});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(has_checkpoint_metadata(ck::test::read_channels(in, kColour).spec));
}

TEST_F(CkstripTest, TakesTheOutputLockLikeCkrender)
{
    const std::string in = copy_of_checkpoint("live.exr");
    const std::string before = ck::test::read_file(in);
    auto lock = ck::OutputLock::acquire({in});
    ASSERT_TRUE(lock) << lock.status().message();
    ProcessResult r = ckstrip({"--in-place", "--force", in});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "in use")) << r.err;
    EXPECT_EQ(ck::test::read_file(in), before);
    const std::string out = m_tmp.file("locked_out.exr");
    auto out_lock = ck::OutputLock::acquire({out});
    ASSERT_TRUE(out_lock);
    EXPECT_EQ(ckstrip({s_checkpoint, "-o", out}).exit_code, 1);
    EXPECT_FALSE(fs::exists(out));
    lock->release();
    EXPECT_EQ(ckstrip({"--in-place", "--force", in}).exit_code, 0);
}

TEST_F(CkstripTest, WritesTheProvenanceRecordAndCkinfoShowsIt)
{
    const std::string out = m_tmp.file("draft.exr");
    ProcessResult r = ckstrip({s_checkpoint, "-o", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "draft, 3 of 8 samples per pixel")) << r.out;
    const auto got = ck::test::read_channels(out, kColour);
    ASSERT_TRUE(got.ok);
    auto record = ck::get_provenance_attributes(got.spec);
    ASSERT_TRUE(record) << record.status().message();
    EXPECT_EQ(record->status, ck::format::kStatusDraft);
    EXPECT_EQ(record->samples, 3);
    EXPECT_EQ(record->target_samples, 8);
    EXPECT_EQ(record->made_by, ck::format::kMadeByStrip);

    ProcessResult info = run_process({kInfo, out}, "", 60);
    EXPECT_EQ(info.exit_code, 0) << info.err;
    EXPECT_TRUE(contains(info.out, "draft, 3 of 8 samples per pixel")) << info.out;
    info = run_process({kInfo, "-v", out}, "", 60);
    EXPECT_TRUE(contains(info.out, "made by ckstrip")) << info.out;
    // ckrender's own final: complete.
    info = run_process({kInfo, s_final}, "", 60);
    EXPECT_TRUE(contains(info.out, "complete, 2 samples per pixel")) << info.out;
}

TEST_F(CkstripTest, TrailingSlashMeansADirectoryMadeIfMissing)
{
    const std::string dir = m_tmp.file("comp") + "/";
    ProcessResult r = ckstrip({"-o", dir, s_checkpoint});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_directory(m_tmp.file("comp")));
    EXPECT_TRUE(ck::test::read_channels(m_tmp.file("comp") + "/ck.exr", kColour).ok);
    // An existing directory without the slash works too.
    r = ckstrip({"-o", m_tmp.file("comp"), s_final});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(m_tmp.file("comp") + "/final.exr"));
}

TEST(CkstripTempName, NeverCkrendersPartAndRecognisedForItsOutput)
{
    const std::string temp = ck::tool_temp_path("dir/out.exr", "ckstrip");
    EXPECT_NE(temp, ck::part_path("dir/out.exr"));
    EXPECT_TRUE(
        std::regex_match(temp, std::regex(R"(dir/out\.exr\.ckstrip-[0-9]+-[0-9a-f]{6}\.part)")))
        << temp;
    EXPECT_EQ(ck::tool_temp_output(temp), "dir/out.exr");
    EXPECT_EQ(ck::tool_temp_output("out.exr.part"), "");
    EXPECT_EQ(ck::tool_temp_output("download.part"), "");
}

TEST_F(CkstripTest, NeverWritesThroughAPlantedLink)
{
    // A link planted at ckrender's temporary name (the old ckstrip wrote there).
    const std::string victim = m_tmp.file("victim.txt");
    ck::test::write_file(victim, "precious\n");
    const std::string out = m_tmp.file("copy.exr");
    fs::create_symlink(victim, ck::part_path(out));
    ProcessResult r = ckstrip({s_final, "-o", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ck::test::read_file(victim), "precious\n");
    EXPECT_EQ(ck::test::read_file(out), ck::test::read_file(s_final));

    // write_new_file() refuses an existing name, link or not.
    const std::string temp = ck::tool_temp_path(out, "ckstrip");
    fs::create_symlink(victim, temp);
    ck::ImageWrite w;
    w.path = out;
    w.format_name = ck::format::kOpenExrFormat;
    w.spec = OIIO::ImageSpec(1, 1, 1, OIIO::TypeFloat);
    const float px = 1.0f;
    w.pixels = &px;
    EXPECT_FALSE(ck::write_new_file(temp, w));
    EXPECT_EQ(ck::test::read_file(victim), "precious\n");
}

TEST_F(CkstripTest, CheckpointKeysWithoutTheirStateAreCleaned)
{
    // What `oiiotool in.exr --ch R,G,B,A -o out.exr` makes: the ck: keys, no ~w.
    OIIO::ImageBuf in(s_checkpoint);
    ASSERT_TRUE(in.read(0, 0, true, OIIO::TypeFloat)) << in.geterror();
    std::vector<int> order;
    for (const std::string& c : kColour)
        order.push_back(in.spec().channelindex(c));
    OIIO::ImageBuf shuffled = OIIO::ImageBufAlgo::channels(in, 4, order, {}, kColour);
    const std::string orphan = m_tmp.file("shuffled.exr");
    ASSERT_TRUE(shuffled.write(orphan));
    ASSERT_TRUE(has_checkpoint_metadata(ck::test::read_channels(orphan, kColour).spec));

    ProcessResult info = run_process({kInfo, orphan}, "", 60);
    EXPECT_EQ(info.exit_code, 0) << info.err;
    EXPECT_TRUE(contains(info.out, "checkpoint metadata without its state")) << info.out;
    EXPECT_FALSE(contains(info.out, "DAMAGED")) << info.out;

    const std::string out = m_tmp.file("clean.exr");
    ProcessResult r = ckstrip({orphan, "-o", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto got = ck::test::read_channels(out, kColour);
    ASSERT_TRUE(got.ok);
    EXPECT_FALSE(has_checkpoint_metadata(got.spec));
    EXPECT_TRUE(
        ck::test::bit_identical(got.pixels, ck::test::read_channels(orphan, kColour).pixels));
    // In place needs no --force: there is no state left to lose.
    EXPECT_EQ(ckstrip({"--in-place", orphan}).exit_code, 0);
    EXPECT_FALSE(has_checkpoint_metadata(ck::test::read_channels(orphan, kColour).spec));
}

TEST_F(CkstripTest, OtherImageFormatsAreNamedNotText)
{
    // A binary PPM whose pixels are printable bytes looked like text before.
    const std::string ppm = m_tmp.file("pic.ppm");
    ck::test::write_file(ppm, "P6\n4 4\n255\n" + std::string(48, 'A'));
    const std::string png = m_tmp.file("pic.png");
    ck::test::write_file(png, std::string("\x89PNG\r\n\x1a\n", 8) + std::string(40, '\0'));
    for (const auto& [file, name] :
         {std::pair<std::string, std::string>{ppm, "a PNM"}, {png, "a PNG image"}}) {
        for (const std::string& tool : {kInfo, kStrip}) {
            std::vector<std::string> args = {tool, file};
            if (tool == kStrip)
                args = {tool, file, "-o", m_tmp.file("out.exr")};
            ProcessResult r = run_process(args, "", 60);
            EXPECT_EQ(r.exit_code, 1) << r.err;
            EXPECT_TRUE(contains(r.err, name)) << r.err;
            EXPECT_TRUE(contains(r.err, "an image format ckinfo")) << r.err;
            EXPECT_FALSE(contains(r.err, "text file")) << r.err;
        }
    }
}

TEST(CkstripCli, NoSpecTagsInWhatUsersRead)
{
    const std::regex tag(R"(\b[SB][0-9]{1,2}\b)");
    for (const char* path : {CK_STRIP_PATH, CK_INFO_PATH}) {
        ProcessResult r = run_process({path, "--help"}, "", 60);
        EXPECT_FALSE(std::regex_search(r.out, tag)) << r.out;
    }
    TempDir tmp;
    const std::string part = tmp.file("x.exr.part");
    ck::test::write_file(part, std::string("\x76\x2f\x31\x01", 4) + std::string(64, '\0'));
    ProcessResult r = run_process({CK_INFO_PATH, part}, "", 60);
    EXPECT_FALSE(std::regex_search(r.err + r.out, tag)) << r.err;
}

}  // namespace
