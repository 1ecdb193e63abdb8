// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Every channel in every checkpoint (issue 12, B9, B1): a frame with a full
// AOV set (depth, normals, ids, LPE lighting, light groups, min/max/sum and
// zmin/zmax filters) over two displays resumes bit-identical after exit-at
// slices, SIGUSR1 and kill -9, incremental and bucket; a changed channel set
// is refused naming the channel; a version 2 checkpoint still resumes.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "checkpoint_test_util.h"

#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>

#include <gtest/gtest.h>

#include <OpenImageIO/imageio.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using ck::test::ChildProcess;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
const std::string kVerify = CK_VERIFY_PATH;

void write_text(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

const char* const kAovMode =
    "Ci,a,z,Nn,__depth,id,albedo,diffuse,key,fill,zfar,alo,hits,sampleCount";

std::string aov_scene(int samples, bool incremental, const std::string& aov_mode = kAovMode)
{
    std::ostringstream rib;
    rib << "Format 40 30 1\n"
        << "DisplayChannel \"color diffuse\" \"string source\" [\"lpe:C<RD>.*[<L.>O]\"]\n"
        << "DisplayChannel \"color key\" \"string source\" [\"lpe:C.*<L.'key'>\"]\n"
        << "DisplayChannel \"color fill\" \"string source\" [\"lpe:C.*<L.'fill'>\"]\n"
        << "DisplayChannel \"float zfar\" \"string source\" \"z\" \"string filter\" \"zmax\"\n"
        << "DisplayChannel \"float alo\" \"string source\" \"a\" \"string filter\" \"min\"\n"
        << "DisplayChannel \"float hits\" \"string source\" \"a\" \"string filter\" \"sum\"\n"
        << "Display \"beauty.exr\" \"openexr\" \"rgba\"\n"
        << "Display \"+aovs.exr\" \"openexr\" \"" << aov_mode << "\"\n"
        << "Hider \"raytrace\" \"int incremental\" [" << (incremental ? 1 : 0)
        << "] \"int maxsamples\" [" << samples << "]\n"
        << "Option \"limits\" \"bucketsize\" [8 8]\n"
        << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n"
        << "WorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.3 0.3 0.35] "
           "\"string lightGroup\" [\"fill\"]\n"
        << "  AttributeBegin\n"
        << "    Translate 0 2 0\n"
        << "    Rotate 90 1 0 0\n"
        << "    Light \"PxrRectLight\" \"k\" \"float intensity\" [6] \"string lightGroup\" [\"key\"]\n"
        << "  AttributeEnd\n"
        << "  Surface \"plastic\" \"float roughness\" [0.2]\n"
        << "  Sphere 1 -1 1 360\n"
        << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
        << "  Polygon \"P\" [-3 -1 -3  3 -1 -3  3 -1 3  -3 -1 3]\n"
        << "WorldEnd\n";
    return rib.str();
}

struct Images {
    std::vector<float> beauty, aovs;
    bool operator==(const Images& o) const { return beauty == o.beauty && aovs == o.aovs; }
};

Images images_of(const TempDir& dir)
{
    return {ck::test::image_pixels(dir.file("beauty.exr")), ck::test::image_pixels(dir.file("aovs.exr"))};
}

Images reference(int samples, bool incremental, std::string* log = nullptr)
{
    TempDir dir;
    write_text(dir.file("s.rib"), aov_scene(samples, incremental));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (log)
        *log = r.err;
    return images_of(dir);
}

// A quarter of the render after its start-up (exit-at counts start-up), from
// an uninterrupted run's log: several slices on any machine.
std::string quarter_slice(const std::string& log)
{
    const size_t starts = log.find("sampling starts ");
    const size_t build = log.find(": build ");
    if (starts == std::string::npos || build == std::string::npos)
        return "1s";
    const double startup = std::atof(log.c_str() + starts + 16);
    const double render = std::atof(log.c_str() + log.find(", render ", build) + 9);
    return std::to_string(startup + render / 4) + "s";
}

TEST(AovCheckpoint, TheCheckpointHoldsEveryChannelAndItsHiddenState)
{
    TempDir dir;
    write_text(dir.file("s.rib"), aov_scene(8, true));
    auto r = run_process({kRenderer, "-checkpoint", ",3i", "s.rib"}, dir.path().string());
    ASSERT_EQ(r.exit_code, 75) << r.err;
    auto in = OIIO::ImageInput::open(dir.file("aovs.exr"));
    ASSERT_TRUE(in);
    const OIIO::ImageSpec& spec = in->spec();
    for (const char* name : {"R", "A", "Z", "Nn.X", "__depth", "id", "albedo.G", "diffuse.R",
                             "key.B", "fill.R", "zfar", "alo", "hits", "sampleCount", "~w",
                             "~sum0.R", "~sum3.diffuse.B", "~sum1.hits", "~zmin", "~zmax"})
        EXPECT_GE(spec.channelindex(name), 0) << name;
    // min and zmin/zmax channels keep their value, not sums.
    EXPECT_LT(spec.channelindex("~sum0.alo"), 0);
    EXPECT_LT(spec.channelindex("~sum0.Z"), 0);
    EXPECT_EQ(spec.get_int_attribute(ck::format::kKeyFormatVersion), ck::format::kFormatVersion);
    // The final (after resuming) has the channels and none of the state.
    auto done = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
    ASSERT_EQ(done.exit_code, 0) << done.err;
    auto fin = OIIO::ImageInput::open(dir.file("aovs.exr"));
    ASSERT_TRUE(fin);
    EXPECT_EQ(fin->spec().nchannels, 3 + 1 + 1 + 3 + 1 + 1 + 3 + 3 + 3 + 3 + 1 + 1 + 1 + 1);
    for (const auto& name : fin->spec().channelnames)
        EXPECT_NE(name[0], '~') << name;
}

void exit_at_slices_are_bit_identical(bool incremental)
{
    const int samples = incremental ? 24 : 600;
    std::string log;
    const Images ref = reference(samples, incremental, &log);
    TempDir dir;
    write_text(dir.file("s.rib"), aov_scene(samples, incremental));
    int slices = 0;
    // Incremental: 5 increments a slice; bucket: a quarter of the render.
    const std::string exitat = incremental ? ",5i" : "," + quarter_slice(log);
    for (; slices < 200; ++slices) {
        auto r = run_process({kRenderer, "-checkpoint", exitat, "-recover", "1", "-t",
                              std::to_string(1 + slices % 2), "s.rib"},
                             dir.path().string());
        if (r.exit_code == 0)
            break;
        ASSERT_EQ(r.exit_code, 75) << r.err;
    }
    EXPECT_GE(slices, 2) << "slices of " << exitat << " did not split the render";
    EXPECT_TRUE(images_of(dir) == ref) << slices << " slices of " << exitat;
}

TEST(AovCheckpoint, IncrementalExitAtSlicesEndBitIdentical)
{
    exit_at_slices_are_bit_identical(true);
}

TEST(AovCheckpoint, BucketExitAtSlicesEndBitIdentical)
{
    exit_at_slices_are_bit_identical(false);
}

bool wait_for_file(ChildProcess& child, const std::string& path)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        if (fs::exists(path))
            return true;
        if (!child.running())
            return fs::exists(path);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

TEST(AovCheckpoint, Sigusr1AndKillNineResumeBitIdentical)
{
    const Images ref = reference(200, true);
    TempDir dir;
    write_text(dir.file("s.rib"), aov_scene(200, true));
    {
        ChildProcess child({kRenderer, "-checkpoint", "2i", "-t", "2", "s.rib"}, dir.path().string());
        ASSERT_TRUE(wait_for_file(child, dir.file("aovs.exr")));
        child.signal(SIGUSR1);
        ASSERT_EQ(child.wait().exit_code, 75);
    }
    std::mt19937 rng(20261207);
    std::uniform_int_distribution<int> delay_ms(0, 150);
    int kills = 0;
    for (int run = 0; run < 40; ++run) {
        ChildProcess child({kRenderer, "-checkpoint", "1i", "-recover", "1", "-t",
                            std::to_string(1 + run % 2), "s.rib"},
                           dir.path().string());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (child.running() && std::chrono::steady_clock::now() < deadline &&
               child.peek_err().find("sampling starts") == std::string::npos)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (kills < 4) {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
            if (child.running())
                child.signal(SIGKILL);
        }
        auto r = child.wait();
        if (r.exit_code == 128 + SIGKILL) {
            ++kills;
            continue;
        }
        ASSERT_EQ(r.exit_code, 0) << r.err;
        break;
    }
    EXPECT_TRUE(images_of(dir) == ref) << "after SIGUSR1 and " << kills << " kills";
}

TEST(AovCheckpoint, AChangedChannelSetIsRefusedNamingTheChannel)
{
    TempDir dir;
    write_text(dir.file("s.rib"), aov_scene(12, true, "Ci,a,z"));
    ASSERT_EQ(run_process({kRenderer, "-checkpoint", ",3i", "s.rib"}, dir.path().string()).exit_code,
              75);
    write_text(dir.file("s.rib"), aov_scene(12, true, "Ci,a,Nn"));
    auto v = run_process({kVerify, "s.rib"}, dir.path().string());
    EXPECT_NE(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE((v.out + v.err).find("\"Nn.X\" is not in the checkpoint"), std::string::npos)
        << v.out << v.err;
    auto r = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
    EXPECT_NE(r.err.find("\"Nn.X\" is not in the checkpoint"), std::string::npos) << r.err;
}

TEST(AovCheckpoint, AVersion2CheckpointStillResumes)
{
    // Version 2 wrote R, G, B, A float means and ~w. Make one from a version 3
    // checkpoint of an RGBA frame and resume it.
    TempDir dir;
    std::ostringstream rib;
    rib << "Format 24 16 1\nDisplay \"old.exr\" \"openexr\" \"rgba\"\n"
        << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [16]\n"
        << "Projection \"perspective\" \"fov\" [40]\nTranslate 0 0 5\nWorldBegin\n"
        << "Light \"PxrDomeLight\" \"dome\"\nSphere 1 -1 1 360\nWorldEnd\n";
    write_text(dir.file("s.rib"), rib.str());
    ASSERT_EQ(run_process({kRenderer, "-q", "s.rib"}, dir.path().string()).exit_code, 0);
    const std::vector<float> ref = ck::test::image_pixels(dir.file("old.exr"));
    fs::remove(dir.file("old.exr"));
    ASSERT_EQ(run_process({kRenderer, "-checkpoint", ",5i", "s.rib"}, dir.path().string()).exit_code,
              75);
    auto v3 = ck::read_checkpoint(dir.file("old.exr"), {"R", "G", "B", "A", "~w"});
    ASSERT_TRUE(v3.is_ok()) << v3.status().message();
    OIIO::ImageSpec spec(v3->spec.width, v3->spec.height, 5, OIIO::TypeFloat);
    spec.x = v3->spec.x;
    spec.y = v3->spec.y;
    spec.full_width = v3->spec.full_width;
    spec.full_height = v3->spec.full_height;
    spec.channelnames = {"R", "G", "B", "A", "~w"};
    spec.attribute("compression", "zip");
    ck::CheckpointHeader h = v3->header;
    h.format_version = 2;
    h.state_hash = ck::state_hash(spec, v3->pixels.data());
    ck::set_checkpoint_attributes(spec, h);
    {
        auto out = OIIO::ImageOutput::create("openexr");
        ASSERT_TRUE(out && out->open(dir.file("old.exr"), spec));
        ASSERT_TRUE(out->write_image(OIIO::TypeFloat, v3->pixels.data()));
        out->close();
    }
    auto r = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: resuming"), std::string::npos) << r.err;
    // The sums come back from the float means: the same picture to float
    // precision, not bit for bit.
    const std::vector<float> got = ck::test::image_pixels(dir.file("old.exr"));
    ASSERT_EQ(got.size(), ref.size());
    for (size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], ref[i], 1e-5f * std::fabs(ref[i]) + 1e-7f) << i;
}

}  // namespace
