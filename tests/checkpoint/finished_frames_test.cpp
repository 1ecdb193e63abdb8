// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Finished frames stay finished (issue 9, item 2; S4, S14, S22, B3): finals
// carry a provenance record, -recover 1 skips a frame whose finals match the
// scene and its settings and renders it again, with the reason, when they do
// not; ckverify predicts the same; --rerender forces a render; a file that
// cannot be read stops the render (exit 3) and is left untouched; a set with
// one display stripped says whose work a new render discards.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "checkpoint_test_util.h"

#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>
#include <ck/provenance.h>

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imagebufalgo.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
const std::string kVerify = CK_VERIFY_PATH;

void write_text(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Three frames, one display each; `samples` per pixel; `colour` of the sphere.
std::string three_frames(int samples, const std::string& colour = "0.7 0.5 0.3",
                         const std::string& options = "")
{
    std::ostringstream rib;
    rib << "Format 16 12 1\n"
        << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [" << samples << "]\n"
        << options << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n";
    for (int f = 1; f <= 3; ++f)
        rib << "FrameBegin " << f << "\n"
            << "Display \"f" << f << ".exr\" \"openexr\" \"rgba\"\n"
            << "WorldBegin\n"
            << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
            << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [" << colour << "]\n"
            << "  Sphere 1 -1 1 360\n"
            << "WorldEnd\nFrameEnd\n";
    return rib.str();
}

size_t count(const std::string& text, const std::string& what)
{
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

struct Rendered {
    TempDir dir;
    std::vector<std::string> bytes;  // f1..f3 as first written

    explicit Rendered(const std::string& rib, const std::vector<std::string>& extra = {})
    {
        write_text(dir.file("s.rib"), rib);
        std::vector<std::string> argv = {kRenderer, "-q"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back("s.rib");
        auto r = run_process(argv, dir.path().string());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        for (int f = 1; f <= 3; ++f)
            bytes.push_back(read_bytes(dir.file("f" + std::to_string(f) + ".exr")));
    }
    ck::test::ProcessResult recover(const std::vector<std::string>& extra = {}) const
    {
        std::vector<std::string> argv = {kRenderer, "-recover", "1"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back("s.rib");
        return run_process(argv, dir.path().string());
    }
    ck::test::ProcessResult verify() const
    {
        return run_process({kVerify, "s.rib"}, dir.path().string());
    }
    bool unchanged(int frame) const
    {
        return read_bytes(dir.file("f" + std::to_string(frame) + ".exr")) == bytes[size_t(frame - 1)];
    }
};

TEST(FinishedFrames, FinalsCarryAProvenanceRecordAndNoState)
{
    Rendered job(three_frames(4));
    OIIO::ImageBuf buf(job.dir.file("f2.exr"));
    ASSERT_TRUE(buf.init_spec(job.dir.file("f2.exr"), 0, 0));
    EXPECT_FALSE(ck::has_checkpoint_state(buf.spec()));  // S4
    EXPECT_LT(buf.spec().channelindex(ck::format::kWeightChannel), 0);
    auto p = ck::get_provenance_attributes(buf.spec());
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    EXPECT_EQ(p->status, ck::format::kStatusComplete);
    EXPECT_EQ(p->frame, 2);
    EXPECT_EQ(p->samples, 4);
    EXPECT_EQ(p->target_samples, 4);
    EXPECT_EQ(p->display_name, "f2.exr");
    EXPECT_EQ(p->made_by, ck::format::kMadeByRender);
    EXPECT_EQ(p->render_id.size(), 32u);
    EXPECT_FALSE(p->fingerprint.empty());
}

TEST(FinishedFrames, RequeueOfAFinishedJobRendersNothingAndTouchesNothing)
{
    Rendered job(three_frames(4));
    auto r = job.recover();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(count(r.err, "recover: finished: render "), 3u) << r.err;
    EXPECT_EQ(count(r.err, "nothing to render"), 3u) << r.err;
    EXPECT_EQ(r.err.find("sampling starts"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("starting from scratch"), std::string::npos) << r.err;
    for (int f = 1; f <= 3; ++f)
        EXPECT_TRUE(job.unchanged(f)) << f;

    // ckverify predicts exactly that, in the same words.
    auto v = job.verify();
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_EQ(count(v.out, ": finished: render "), 3u) << v.out;
    EXPECT_NE(v.out.find("nothing would be lost"), std::string::npos) << v.out;
}

TEST(FinishedFrames, AChangedSceneRendersAgainAndSaysWhatChanged)
{
    Rendered job(three_frames(4));
    write_text(job.dir.file("s.rib"), three_frames(4, "0.2 0.5 0.9"));
    auto v = job.verify();
    EXPECT_EQ(v.exit_code, 1) << v.out;
    EXPECT_NE(v.out.find("would render again: f1.exr was rendered from another scene: changed: "
                         "materials"),
              std::string::npos)
        << v.out;
    auto r = job.recover();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(count(r.err, "recover: starting from scratch: "), 3u) << r.err;
    EXPECT_NE(r.err.find("f2.exr was rendered from another scene: changed: materials"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(job.unchanged(1));
}

TEST(FinishedFrames, ARaisedMaxsamplesRendersAgainWithTheReason)
{
    Rendered job(three_frames(4));
    write_text(job.dir.file("s.rib"), three_frames(6));
    auto v = job.verify();
    EXPECT_NE(v.out.find("f3.exr has 4 samples per pixel and the scene now asks for 6"),
              std::string::npos)
        << v.out;
    auto r = job.recover();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: starting from scratch: f3.exr has 4 samples per pixel and "
                         "the scene now asks for 6"),
              std::string::npos)
        << r.err;
    OIIO::ImageBuf buf(job.dir.file("f3.exr"));
    ASSERT_TRUE(buf.init_spec(job.dir.file("f3.exr"), 0, 0));
    auto p = ck::get_provenance_attributes(buf.spec());
    ASSERT_TRUE(p.is_ok());
    EXPECT_EQ(p->samples, 6);
}

TEST(FinishedFrames, RerenderRendersFinishedFramesAgainBitIdentical)
{
    Rendered job(three_frames(4));
    const std::vector<float> before = ck::test::image_pixels(job.dir.file("f1.exr"));
    auto r = job.recover({"--rerender"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(count(r.err, "rendering again (--rerender)"), 3u) << r.err;
    EXPECT_EQ(count(r.err, "sampling starts"), 3u) << r.err;
    EXPECT_EQ(ck::test::image_pixels(job.dir.file("f1.exr")), before);  // B1: same pixels
    EXPECT_FALSE(job.unchanged(1));  // a new file (new render id), same picture
}

TEST(FinishedFrames, S14AsfinalAtItsTargetIsSkippedNotRestarted)
{
    const std::string asfinal = "Option \"checkpoint\" \"int asfinal\" [1]\n";
    Rendered job(three_frames(4, "0.7 0.5 0.3", asfinal));
    auto r = job.recover();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("starting from scratch"), std::string::npos) << r.err;
    EXPECT_EQ(count(r.err, "nothing to render"), 3u) << r.err;
    for (int f = 1; f <= 3; ++f)
        EXPECT_TRUE(job.unchanged(f)) << f;
}

TEST(FinishedFrames, AFinalWithoutProvenanceRendersAgainAndSaysWhy)
{
    Rendered job(three_frames(4));
    // Another tool's copy of f1.exr: the pixels, none of the record.
    OIIO::ImageBuf buf(job.dir.file("f1.exr"));
    ASSERT_TRUE(buf.read(0, 0, true, OIIO::TypeFloat));
    ck::erase_provenance_attributes(buf.specmod());
    ASSERT_TRUE(buf.write(job.dir.file("copy.exr")));
    fs::rename(job.dir.file("copy.exr"), job.dir.file("f1.exr"));
    auto r = job.recover();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("frame 1: recover: starting from scratch: f1.exr is a final image "
                         "without a provenance record"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(count(r.err, "nothing to render"), 2u) << r.err;
}

TEST(FinishedFrames, AnAlteredProvenanceRecordIsNotTrusted)
{
    Rendered job(three_frames(4));
    OIIO::ImageBuf buf(job.dir.file("f2.exr"));
    ASSERT_TRUE(buf.read(0, 0, true, OIIO::TypeFloat));
    buf.specmod().attribute(ck::format::kKeyProvSamples, 400);  // claims more than it has
    ASSERT_TRUE(buf.write(job.dir.file("copy.exr")));
    fs::rename(job.dir.file("copy.exr"), job.dir.file("f2.exr"));
    auto v = job.verify();
    EXPECT_NE(v.out.find("frame 2: would render again: f2.exr is a final image without a "
                         "provenance record (provenance record does not match"),
              std::string::npos)
        << v.out;
}

// Never lose finished work: a checkpoint that cannot be opened is an I/O
// error (exit 3), not "a finished image" to render over.
TEST(FinishedFrames, AnUnreadableCheckpointStopsWithExit3AndTouchesNothing)
{
    TempDir dir;
    write_text(dir.file("s.rib"), three_frames(8, "0.7 0.5 0.3",
                                               "Option \"checkpoint\" \"string exitat\" [\"2i\"]\n"));
    auto first = run_process({kRenderer, "-q", "s.rib"}, dir.path().string());
    ASSERT_EQ(first.exit_code, 75) << first.err;
    const std::string before = read_bytes(dir.file("f1.exr"));
    auto r = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string(), 120,
                         {"CKRENDER_FAULT_INJECT=read.open@1:eio"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("ckrender: error: frame 1: recover: cannot read f1.exr: cannot open: "
                         "Input/output error; nothing was rendered or changed"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(read_bytes(dir.file("f1.exr")), before);
    EXPECT_EQ(r.err.find("starting from scratch"), std::string::npos) << r.err;
}

// A set with one display stripped to a final and the other still a
// checkpoint: a verdict that says so, and names the work a new render discards.
TEST(FinishedFrames, AMixedSetNamesTheDisplayWhoseWorkIsDiscarded)
{
    TempDir dir;
    std::ostringstream rib;
    rib << "Format 16 12 1\n"
        << "Display \"a.exr\" \"openexr\" \"rgba\"\n"
        << "Display \"+b.exr\" \"openexr\" \"rgb\"\n"
        << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [8]\n"
        << "Option \"checkpoint\" \"string exitat\" [\"3i\"]\n"
        << "Projection \"perspective\" \"fov\" [40]\nTranslate 0 0 5\n"
        << "WorldBegin\n  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
        << "  Sphere 1 -1 1 360\nWorldEnd\n";
    write_text(dir.file("s.rib"), rib.str());
    ASSERT_EQ(run_process({kRenderer, "-q", "s.rib"}, dir.path().string()).exit_code, 75);

    // What ckstrip --in-place --force makes of a.exr: a draft final.
    auto ck = ck::read_checkpoint(dir.file("a.exr"), {"R", "G", "B", "A", "~w"});
    ASSERT_TRUE(ck.is_ok()) << ck.status().message();
    OIIO::ImageBuf buf(dir.file("a.exr"));
    ASSERT_TRUE(buf.read(0, 0, true, OIIO::TypeFloat));
    OIIO::ImageBuf stripped;
    ASSERT_TRUE(OIIO::ImageBufAlgo::channels(stripped, buf, 4, {}, {}, {"R", "G", "B", "A"}));
    OIIO::ImageSpec& spec = stripped.specmod();
    std::vector<std::string> drop;
    for (const OIIO::ParamValue& a : spec.extra_attribs)
        if (a.name().string().rfind("ck:", 0) == 0 || a.name() == "checkpointElapsed")
            drop.push_back(a.name().string());
    for (const std::string& name : drop)
        spec.erase_attribute(name);
    ck::set_provenance_attributes(spec, ck::provenance_of(ck->header, ck::format::kMadeByStrip));
    ASSERT_TRUE(stripped.write(dir.file("a2.exr")));
    fs::rename(dir.file("a2.exr"), dir.file("a.exr"));

    const std::string expected = "mixed set: a.exr is a final (draft, 3 of 8 samples per pixel, "
                                 "stripped by ckstrip) while b.exr is still a checkpoint at 3 "
                                 "samples per pixel of 8";
    auto v = run_process({kVerify, "s.rib"}, dir.path().string());
    EXPECT_EQ(v.exit_code, 1) << v.out;
    EXPECT_NE(v.out.find(expected), std::string::npos) << v.out;
    auto r = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("recover: starting from scratch: " + expected), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("discards that checkpoint"), std::string::npos) << r.err;
}

}  // namespace
