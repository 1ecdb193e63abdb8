// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Checkpoint and recovery through the real ckrender process: SIGUSR1 and
// SIGTERM (S27, B6), kill -9 at random moments (B1, B2), exit-at slices (S9,
// S24), per-frame exit-at (S9), and the resumable exit code. Every finished
// image is compared bit for bit with an uninterrupted render.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "checkpoint_test_util.h"

#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>

#include <gtest/gtest.h>

#include <OpenImageIO/imagebuf.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
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
using ck::test::last_committed_samples;
using ck::test::resumed_from;

const std::string kRenderer = CK_RENDERER_PATH;

void write_text(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

// A small lit scene, incremental, `samples` per pixel.
std::string scene(const std::string& display, int samples, int res = 32,
                  const std::string& frame_options = "")
{
    std::ostringstream rib;
    rib << "Format " << res << " " << res << " 1\n"
        << "Display \"" << display << "\" \"openexr\" \"rgba\"\n"
        << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [" << samples << "]\n"
        << frame_options << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n"
        << "WorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.3 0.3 0.35]\n"
        << "  AttributeBegin\n"
        << "    Translate 0 2 0\n"
        << "    Rotate 90 1 0 0\n"
        << "    Light \"PxrRectLight\" \"key\" \"float intensity\" [6]\n"
        << "  AttributeEnd\n"
        << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
        << "  Sphere 1 -1 1 360\n"
        << "  Polygon \"P\" [-3 -1 -3  3 -1 -3  3 -1 3  -3 -1 3]\n"
        << "WorldEnd\n";
    return rib.str();
}

std::vector<float> pixels_of(const std::string& path)
{
    return ck::test::image_pixels(path);
}

bool is_checkpoint(const std::string& path)
{
    auto in = OIIO::ImageInput::open(path);
    return in && ck::has_checkpoint_state(in->spec());
}

// Renders `samples` uninterrupted into reference.exr and returns its pixels.
std::vector<float> reference(const TempDir& dir, int samples, int res = 32)
{
    write_text(dir.file("reference.rib"), scene("reference.exr", samples, res));
    auto r = run_process({kRenderer, "-q", "reference.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return pixels_of(dir.file("reference.exr"));
}

// Waits until `path` exists (a first checkpoint was committed) or the child exits.
bool wait_for_file(ChildProcess& child, const std::string& path, double seconds = 60)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (fs::exists(path))
            return true;
        if (!child.running())
            return fs::exists(path);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

void signal_then_resume(int signo)
{
    TempDir dir;
    const auto ref = reference(dir, 200);
    write_text(dir.file("s.rib"), scene("out.exr", 200));
    ChildProcess child({kRenderer, "-checkpoint", "1i", "-t", "2", "s.rib"}, dir.path().string());
    ASSERT_TRUE(wait_for_file(child, dir.file("out.exr")));
    child.signal(signo);
    auto r = child.wait();
    ASSERT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("stopped by signal " + std::to_string(signo)), std::string::npos) << r.err;
    auto ck = ck::read_checkpoint(dir.file("out.exr"), {"~w"});
    ASSERT_TRUE(ck.is_ok()) << ck.status().message();
    EXPECT_EQ(ck->header.reason, "exiting");
    EXPECT_LT(ck->header.min_samples, 200);

    auto resumed = run_process({kRenderer, "-recover", "1", "-t", "1", "s.rib"}, dir.path().string());
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("recover: resuming"), std::string::npos) << resumed.err;
    EXPECT_EQ(pixels_of(dir.file("out.exr")), ref);
}

TEST(CkrenderCheckpoint, S27Sigusr1CheckpointsExits75AndResumesBitIdentical)
{
    signal_then_resume(SIGUSR1);
}

TEST(CkrenderCheckpoint, B6SigtermIsTreatedLikeSigusr1)
{
    signal_then_resume(SIGTERM);
}

// The last "increment N/T" progress line in a log: N (increments completed), or -1.
int last_completed_increment(const std::string& log)
{
    const std::string key = ": increment ";
    size_t at = log.rfind(key);
    return at == std::string::npos ? -1 : std::atoi(log.c_str() + at + key.size());
}

// Kill storm (B1, B2; issue 5): SIGKILL at random moments of a render that
// checkpoints every increment, so many kills land inside a commit; after each,
// -recover 1 must resume from the last committed checkpoint (never from
// scratch, never losing a committed sample) and every finished image must be
// bit-identical to the uninterrupted render. CK_KILL_STORM=N sets the number
// of kills (default 8; docs/reliability.md runs 1000).
TEST(CkrenderCheckpoint, B1KillNineAtRandomMomentsThenRecoverIsBitIdentical)
{
    const char* env = std::getenv("CK_KILL_STORM");
    const int target_kills = env ? std::max(1, std::atoi(env)) : 8;
    TempDir dir;
    const auto ref = reference(dir, 300);
    write_text(dir.file("s.rib"), scene("out.exr", 300));
    std::mt19937 rng(20261121);  // fixed: the kill moments are reproducible
    std::uniform_int_distribution<int> delay_ms(0, 120);
    int kills = 0, resumes = 0, renders = 0, worst_lost_committed = 0, worst_lost_completed = 0;
    long lost_completed_sum = 0;
    int committed_before = -1;  // samples the last killed run had committed
    int completed_before = -1;  // increments the last killed run had completed (progress lines)
    while (kills < target_kills) {
        const bool had_checkpoint = fs::exists(dir.file("out.exr")) && is_checkpoint(dir.file("out.exr"));
        // No checkpoint on disk (none yet, or a kill after the final write left a
        // final image): this run starts over by the rules, and nothing committed
        // earlier can be lost by it.
        if (!had_checkpoint)
            committed_before = completed_before = -1;
        const std::string threads = std::to_string(1 + (kills + renders) % 2);
        // A progress line after every increment: the work a kill throws away is
        // what the killed run had completed beyond what the next run resumes from.
        ChildProcess child({kRenderer, "-checkpoint", "1i", "-recover", "1", "-t", threads,
                            "--progress", "1e-9", "s.rib"},
                           dir.path().string());
        // Kill while it samples and commits: after "sampling starts", at a random moment.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (child.running() && std::chrono::steady_clock::now() < deadline &&
               child.peek_err().find("sampling starts") == std::string::npos)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        if (child.running())
            child.signal(SIGKILL);
        auto r = child.wait();
        if (had_checkpoint) {
            const int from = resumed_from(r.err);
            EXPECT_GE(from, 0) << "started over although a checkpoint existed:\n" << r.err;
            if (from >= 0) {
                ++resumes;
                if (committed_before > from)
                    worst_lost_committed = std::max(worst_lost_committed, committed_before - from);
                if (completed_before > from) {
                    worst_lost_completed = std::max(worst_lost_completed, completed_before - from);
                    lost_completed_sum += completed_before - from;
                }
            }
        }
        if (r.exit_code == 128 + SIGKILL) {
            ++kills;
            // Anything committed earlier still counts if this run committed nothing.
            committed_before = std::max(committed_before, last_committed_samples(r.err));
            completed_before = std::max(completed_before, last_completed_increment(r.err));
            continue;
        }
        ASSERT_EQ(r.exit_code, 0) << r.err;
        // Finished: the image must equal the uninterrupted render; start again.
        ++renders;
        EXPECT_FALSE(is_checkpoint(dir.file("out.exr")));
        EXPECT_EQ(pixels_of(dir.file("out.exr")), ref) << "render " << renders << " after " << kills << " kills";
        fs::remove(dir.file("out.exr"));
        committed_before = completed_before = -1;
    }
    auto last = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
    ASSERT_EQ(last.exit_code, 0) << last.err;
    ++renders;
    EXPECT_EQ(pixels_of(dir.file("out.exr")), ref);
    EXPECT_EQ(worst_lost_committed, 0) << "a recovery went back past a committed checkpoint";
    // One interval (here one increment) of completed work at most: the next
    // checkpoint waits for the one in flight, so when increment k+2 is logged,
    // increment k+1 is committed. Work inside the increment in progress is lost too.
    EXPECT_LE(worst_lost_completed, 1) << "a kill lost more than one interval of completed work";
    std::printf("kill storm: %d kills, %d resumed runs, %d finished renders all bit-identical, "
                "committed samples lost: %d, completed increments lost: worst %d, mean %.2f "
                "per resume (plus the increment in progress)\n",
                kills, resumes, renders, worst_lost_committed, worst_lost_completed,
                resumes ? double(lost_completed_sum) / resumes : 0.0);
}

TEST(CkrenderCheckpoint, S24TimeSlicesEndBitIdentical)
{
    TempDir dir;
    // About 4 M samples. The slice is a quarter of the uninterrupted render
    // plus its start-up (exit-at counts start-up, S5), so there are several
    // slices on any machine, sanitizer builds included.
    write_text(dir.file("timing.rib"), scene("timing.exr", 1000, 64));
    auto timing = run_process({kRenderer, "timing.rib"}, dir.path().string());
    ASSERT_EQ(timing.exit_code, 0) << timing.err;
    const size_t starts = timing.err.find("sampling starts ");
    const size_t render = timing.err.find(": build ");
    ASSERT_NE(starts, std::string::npos);
    ASSERT_NE(render, std::string::npos);
    const double startup = std::atof(timing.err.c_str() + starts + 16);
    const double render_seconds =
        std::atof(timing.err.c_str() + timing.err.find(", render ", render) + 9);
    const std::string slice = std::to_string(startup + render_seconds / 4) + "s";
    const auto ref = pixels_of(dir.file("timing.exr"));

    write_text(dir.file("s.rib"), scene("out.exr", 1000, 64));
    int slices = 0;
    for (; slices < 60; ++slices) {
        auto r = run_process({kRenderer, "-checkpoint", "," + slice, "-recover", "1", "s.rib"},
                             dir.path().string());
        if (r.exit_code == 0)
            break;
        ASSERT_EQ(r.exit_code, 75) << r.err;
        EXPECT_NE(r.err.find("exit-at reached"), std::string::npos) << r.err;
    }
    EXPECT_GE(slices, 2) << "slices of " << slice << " did not split the render";
    EXPECT_EQ(pixels_of(dir.file("out.exr")), ref) << slices << " slices of " << slice;
}

TEST(CkrenderCheckpoint, S9PerFrameExitAtGoesOnToTheNextFrame)
{
    TempDir dir;
    const std::string f1 =
        scene("f1.exr", 50, 16, "Option \"checkpoint\" \"string exitat\" [\"3i\"]\n");
    const std::string f2 = scene("f2.exr", 20, 16);
    write_text(dir.file("frames.rib"),
               "FrameBegin 1\n" + f1 + "FrameEnd\nFrameBegin 2\n" + f2 + "FrameEnd\n");
    auto r = run_process({kRenderer, "frames.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 75) << r.err;
    auto ck = ck::read_checkpoint(dir.file("f1.exr"), {"~w"});
    ASSERT_TRUE(ck.is_ok()) << ck.status().message();
    EXPECT_EQ(ck->header.min_samples, 3);
    EXPECT_EQ(ck->header.frame, 1);
    EXPECT_FALSE(is_checkpoint(dir.file("f2.exr"))) << "frame 2 has no limit and finishes";
    EXPECT_TRUE(fs::exists(dir.file("f2.exr")));

    // A custom resumable exit code (B6).
    fs::remove(dir.file("f1.exr"));
    auto custom = run_process({kRenderer, "--resumable-exit-code", "99", "frames.rib"},
                              dir.path().string());
    EXPECT_EQ(custom.exit_code, 99) << custom.err;
}

TEST(CkrenderCheckpoint, RecoverOfAChangedSceneSaysWhatChanged)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene("out.exr", 40));
    auto first = run_process({kRenderer, "-checkpoint", ",2i", "s.rib"}, dir.path().string());
    ASSERT_EQ(first.exit_code, 75) << first.err;
    std::string changed = scene("out.exr", 40);
    changed.replace(changed.find("0.7 0.5 0.3"), 11, "0.2 0.5 0.3");
    write_text(dir.file("s.rib"), changed);
    auto r = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("starting from scratch: scene fingerprint mismatch: changed: materials"),
              std::string::npos)
        << r.err;
}

TEST(CkrenderCheckpoint, S23RecoversFromACopyInAnotherDirectory)
{
    TempDir dir, elsewhere;
    const auto ref = reference(dir, 60);
    write_text(dir.file("s.rib"), scene("out.exr", 60));
    auto first = run_process({kRenderer, "-checkpoint", ",7i", "s.rib"}, dir.path().string());
    ASSERT_EQ(first.exit_code, 75) << first.err;
    // Another machine: the scene and the checkpoint copied, nothing else.
    fs::copy_file(dir.file("s.rib"), elsewhere.file("s.rib"));
    fs::copy_file(dir.file("out.exr"), elsewhere.file("out.exr"));
    auto r = run_process({kRenderer, "-recover", "1", "-t", "1", "s.rib"},
                         elsewhere.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: resuming"), std::string::npos) << r.err;
    EXPECT_EQ(pixels_of(elsewhere.file("out.exr")), ref);
}

TEST(CkrenderCheckpoint, OneRenderPerOutputAndKillNineLeavesNoStaleLock)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene("out.exr", 100000));
    ChildProcess first({kRenderer, "-checkpoint", "1i", "s.rib"}, dir.path().string());
    ASSERT_TRUE(wait_for_file(first, dir.file("out.exr")));
    auto second = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
    EXPECT_EQ(second.exit_code, 5) << second.err;
    EXPECT_NE(second.err.find("out.exr is being rendered by another ckrender process"),
              std::string::npos)
        << second.err;
    first.signal(SIGKILL);
    first.wait();
    // The lock died with its holder: recovery just works.
    ChildProcess third({kRenderer, "-recover", "1", "-checkpoint", ",1i", "s.rib"},
                       dir.path().string());
    auto r = third.wait();
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("recover: resuming"), std::string::npos) << r.err;
}

TEST(CkrenderCheckpoint, BadIntervalIsAUsageErrorNamingTheText)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene("out.exr", 4));
    auto r = run_process({kRenderer, "-checkpoint", "5m-3s", "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("\"5m-3s\""), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("out.exr")));
}

}  // namespace

namespace {

std::string tiff_scene(int samples, bool incremental, const std::string& options = "")
{
    std::string rib = scene("out.tif", samples, 24, options);
    rib.replace(rib.find("\"openexr\""), 9, "\"tiff\"");
    if (!incremental)
        rib.replace(rib.find("\"int incremental\" [1]"), 21, "\"int incremental\" [0]");
    return rib;
}

// Issue 11, item 4 (S3, S11): exit-at on outputs that cannot hold a checkpoint
// ended with "stopped by signal 0", exit 128, and no image. It writes the
// image as it stands (a draft: -recover 1 renders the frame again) and exits 6.
TEST(CkrenderCheckpoint, S11ExitAtOnATiffWritesTheImageAsItStandsAndExits6)
{
    TempDir dir;
    write_text(dir.file("s.rib"),
               tiff_scene(24, true, "Option \"checkpoint\" \"string exitat\" [\"3i\"]\n"));
    auto r = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("wrote out.tif as a draft"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cannot continue"), std::string::npos) << r.err;
    // Three increments are three samples per pixel, as a render asked for 3 (B1).
    TempDir three;
    write_text(three.file("s.rib"), tiff_scene(3, true));
    ASSERT_EQ(run_process({kRenderer, "-t", "2", "s.rib"}, three.path().string()).exit_code, 0);
    EXPECT_EQ(pixels_of(dir.file("out.tif")), pixels_of(three.file("out.tif")));
}

// In bucket mode: the buckets done so far, the rest black with alpha 0.
// A bucket render to TIFF can hold a checkpoint (S2): exit-at writes one and
// exits with the resumable code; the picture page shows the buckets done so
// far, the rest black with alpha 0 (issue 11, item 2).
TEST(BucketMode, S11ExitAtOnABucketTiffWritesAResumableCheckpointAndExits75)
{
    TempDir bucket;
    write_text(bucket.file("s.rib"),
               tiff_scene(1000000, false, "Option \"checkpoint\" \"string exitat\" [\"1s\"]\n"));
    auto b = run_process({kRenderer, "-t", "2", "s.rib"}, bucket.path().string(), 30);
    EXPECT_EQ(b.exit_code, 75) << b.err;
    EXPECT_NE(b.err.find("exit-at reached; checkpoint written, resume with -recover 1"),
              std::string::npos)
        << b.err;
    auto state = ck::read_checkpoint(bucket.file("out.tif"), {});
    ASSERT_TRUE(state.is_ok()) << state.status().message();
    EXPECT_EQ(state->header.mode, ck::format::kModeBucket);
    const auto pixels = pixels_of(bucket.file("out.tif"));  // the first page
    ASSERT_EQ(pixels.size(), size_t(24 * 24 * 4));
    EXPECT_EQ(pixels.back(), 0.0f) << "the last pixel cannot be rendered in 1 s: alpha 0";
}

// S4, S14 for TIFF: a finished bucket render's TIFF is one plain page with
// its provenance record in the description, so -recover 1 skips the frame;
// with asfinal it stays a (two-page) checkpoint, also finished.
TEST(BucketMode, S4FinishedTiffIsPlainAndSkippedS14AsfinalStaysACheckpoint)
{
    TempDir dir;
    write_text(dir.file("s.rib"), tiff_scene(16, false));
    auto r = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string(), 60,
                         {"CKRENDER_INI="});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    {
        auto in = OIIO::ImageInput::open(dir.file("out.tif"));
        ASSERT_TRUE(in);
        EXPECT_FALSE(in->seek_subimage(1, 0)) << "a final TIFF has one page";
    }
    EXPECT_EQ(ck::read_checkpoint(dir.file("out.tif"), {}).status().code(), ck::ErrorCode::NotFound);
    auto again = run_process({kRenderer, "-t", "2", "-recover", "1", "s.rib"},
                             dir.path().string(), 60, {"CKRENDER_INI="});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.err.find("recover: finished: render"), std::string::npos) << again.err;
    EXPECT_NE(again.err.find("nothing to render"), std::string::npos) << again.err;

    TempDir asfinal;
    write_text(asfinal.file("s.rib"),
               tiff_scene(16, false, "Option \"checkpoint\" \"int asfinal\" [1]\n"));
    auto a = run_process({kRenderer, "-t", "2", "s.rib"}, asfinal.path().string(), 60,
                         {"CKRENDER_INI="});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    auto state = ck::read_checkpoint(asfinal.file("out.tif"), {});
    ASSERT_TRUE(state.is_ok()) << state.status().message();
    EXPECT_EQ(state->header.state, ck::format::kStateAsFinal);
    EXPECT_EQ(state->header.min_samples, 16);
    auto skip = run_process({kRenderer, "-t", "2", "-recover", "1", "s.rib"},
                            asfinal.path().string(), 60, {"CKRENDER_INI="});
    EXPECT_EQ(skip.exit_code, 0) << skip.err;
    EXPECT_NE(skip.err.find("recover: finished"), std::string::npos) << skip.err;
    EXPECT_EQ(pixels_of(asfinal.file("out.tif")), pixels_of(dir.file("out.tif")))
        << "the asfinal picture page is the final's picture";
}

// Issue 11, items 1 and 2 (S2, B1, B3): a TIFF bucket render stopped under
// one bucket order and size resumes under another (the state is per pixel)
// and ends bit-identical; a changed scene is refused with what changed.
TEST(BucketMode, ATiffResumesUnderAnotherOrderAndSizeAndRefusesAChangedScene)
{
    auto with_buckets = [](const std::string& order, int w, int h) {
        return "Option \"bucket\" \"string order\" [\"" + order +
               "\"]\nOption \"limits\" \"int[2] bucketsize\" [" + std::to_string(w) + " " +
               std::to_string(h) + "]\n";
    };
    TempDir ref;
    write_text(ref.file("s.rib"), tiff_scene(4000, false));
    ASSERT_EQ(run_process({kRenderer, "-t", "2", "s.rib"}, ref.path().string(), 120,
                          {"CKRENDER_INI="})
                  .exit_code,
              0);
    TempDir dir;
    write_text(dir.file("s.rib"), tiff_scene(4000, false, with_buckets("spiral", 4, 4)));
    auto first = run_process({kRenderer, "-t", "1", "-checkpoint", ",0.3s", "s.rib"},
                             dir.path().string(), 60, {"CKRENDER_INI="});
    ASSERT_EQ(first.exit_code, 75) << first.err;
    write_text(dir.file("s.rib"), tiff_scene(4000, false, with_buckets("random", 5, 7)));
    auto second = run_process({kRenderer, "-t", "2", "-recover", "1", "s.rib"},
                              dir.path().string(), 120, {"CKRENDER_INI="});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.err.find("recover: resuming render"), std::string::npos) << second.err;
    EXPECT_EQ(pixels_of(dir.file("out.tif")), pixels_of(ref.file("out.tif")));

    // B3: a checkpoint of this scene, then another material.
    write_text(dir.file("s.rib"), tiff_scene(4000, false));
    ASSERT_EQ(run_process({kRenderer, "-t", "1", "-checkpoint", ",0.3s", "s.rib"},
                          dir.path().string(), 60, {"CKRENDER_INI="})
                  .exit_code,
              75);
    std::string changed = tiff_scene(4000, false);
    changed.replace(changed.find("0.7 0.5 0.3"), 11, "0.2 0.5 0.3");
    write_text(dir.file("s.rib"), changed);
    auto refused = run_process({kRenderer, "-t", "1", "-recover", "1", "-checkpoint", ",0.3s",
                                "s.rib"},
                               dir.path().string(), 60, {"CKRENDER_INI="});
    EXPECT_EQ(refused.exit_code, 75) << refused.err;
    EXPECT_NE(refused.err.find("recover: starting from scratch: scene fingerprint mismatch"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("materials"), std::string::npos) << refused.err;
}

// The same for a stop signal: the image as it stands, exit 6 (not 128 + N:
// the signal was handled; not 75: there is nothing to resume).
TEST(CkrenderCheckpoint, ASigtermOnATiffWritesTheImageAsItStandsAndExits6)
{
    TempDir dir;
    write_text(dir.file("s.rib"), tiff_scene(100000, true));
    ChildProcess child({kRenderer, "-t", "2", "s.rib"}, dir.path().string());
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    child.signal(SIGTERM);
    auto r = child.wait(30);
    EXPECT_EQ(r.exit_code, 6) << r.err;
    EXPECT_NE(r.err.find("stopped by signal 15"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("wrote out.tif as a draft"), std::string::npos) << r.err;
    EXPECT_EQ(pixels_of(dir.file("out.tif")).size(), size_t(24 * 24 * 4));
}

}  // namespace

namespace {

std::string bucket_scene(const std::string& display, int samples, int res)
{
    std::string rib = scene(display, samples, res);
    rib.replace(rib.find("\"int incremental\" [1]"), 21, "\"int incremental\" [0]");
    return rib;
}

// Issue 11, item 1 (S2): a bucket render to OpenEXR is recoverable with no
// checkpoint option: it commits its finished buckets on a time interval
// (/ckrender/checkpoint/bucketinterval, 60 s by default), and -recover 1
// after a kill -9 renders only what is missing, bit-identical (B1).
// BucketMode.*: long bucket renders; not in the TSan job (docs/reliability.md,
// "Sanitizers": TBB's task memory reuse shows there as a race TSan cannot place).
TEST(BucketMode, S2ARenderToOpenExrIsRecoverableWithNoCheckpointOption)
{
    TempDir dir;
    write_text(dir.file("ref.rib"), bucket_scene("ref.exr", 512, 64));
    ASSERT_EQ(run_process({kRenderer, "-q", "ref.rib"}, dir.path().string()).exit_code, 0);
    const auto ref = pixels_of(dir.file("ref.exr"));

    write_text(dir.file("s.rib"), bucket_scene("out.exr", 512, 64));
    write_text(dir.file("ckrender.ini"), "/ckrender/checkpoint/bucketinterval 0.2s\n");
    ChildProcess child({kRenderer, "-t", "1", "s.rib"}, dir.path().string(), {"CKRENDER_INI="});
    ASSERT_TRUE(wait_for_file(child, dir.file("out.exr")));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    child.signal(SIGKILL);
    auto killed = child.wait();
    // The frame takes seconds on one thread; a render that finished before
    // the kill would test nothing, so it fails here rather than pass.
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
    EXPECT_NE(killed.err.find("finished buckets are committed every 0.2s"), std::string::npos)
        << killed.err;
    ASSERT_TRUE(is_checkpoint(dir.file("out.exr")));

    auto resumed = run_process({kRenderer, "-t", "2", "-recover", "1", "s.rib"},
                               dir.path().string(), 120, {"CKRENDER_INI="});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("recover: resuming render"), std::string::npos) << resumed.err;
    EXPECT_EQ(pixels_of(dir.file("out.exr")), ref);

    // The default, said once per frame; "off" turns it off; a bad value is a
    // usage error naming the line.
    std::filesystem::remove(dir.file("ckrender.ini"));
    auto plain = run_process({kRenderer, "s.rib"}, dir.path().string(), 120, {"CKRENDER_INI="});
    EXPECT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_NE(plain.err.find("finished buckets are committed every 60s"), std::string::npos)
        << plain.err;
    write_text(dir.file("ckrender.ini"), "/ckrender/checkpoint/bucketinterval off\n");
    auto off = run_process({kRenderer, "s.rib"}, dir.path().string(), 120, {"CKRENDER_INI="});
    EXPECT_EQ(off.exit_code, 0) << off.err;
    EXPECT_EQ(off.err.find("finished buckets are committed"), std::string::npos) << off.err;
    write_text(dir.file("ckrender.ini"), "# farm\n/ckrender/checkpoint/bucketinterval 10i\n");
    auto bad = run_process({kRenderer, "s.rib"}, dir.path().string(), 120, {"CKRENDER_INI="});
    EXPECT_EQ(bad.exit_code, 2) << bad.err;
    EXPECT_NE(bad.err.find("ckrender.ini:2: bucketinterval: expected a time"), std::string::npos)
        << bad.err;
}

}  // namespace

namespace {

// Found by the S2 test above: a periodic checkpoint that stopped the threads
// during the last buckets of a bucket render let the frame end with those
// buckets' remaining pixels never rendered (black, alpha 0, exit 0), since a
// bucket cut short still counted as done. A race: five renders with a
// checkpoint every 50 ms each must equal the undisturbed render.
TEST(BucketMode, TimeCheckpointsNeverEndAFrameWithUnrenderedPixels)
{
    TempDir dir;
    write_text(dir.file("ref.rib"), bucket_scene("ref.exr", 256, 48));
    ASSERT_EQ(run_process({kRenderer, "-q", "ref.rib"}, dir.path().string()).exit_code, 0);
    const auto ref = pixels_of(dir.file("ref.exr"));
    write_text(dir.file("s.rib"), bucket_scene("out.exr", 256, 48));
    for (int i = 0; i < 5; ++i) {
        auto r = run_process({kRenderer, "-q", "-t", "2", "-checkpoint", "0.05s", "s.rib"},
                             dir.path().string());
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(pixels_of(dir.file("out.exr")), ref) << "run " << i;
    }
}

}  // namespace

namespace {

// "... from N samples per pixel (S samples, ..." of a resume: S, or -1.
long long resumed_samples(const std::string& log)
{
    const size_t at = log.find("recover: resuming render");
    if (at == std::string::npos)
        return -1;
    const size_t paren = log.find(" per pixel (", at);
    return paren == std::string::npos ? -1 : std::atoll(log.c_str() + paren + 12);
}

// Pixels done in a log line "... (A of B)" or "..., A of B pixels done": the
// last A before `suffix`.
long long last_pixels(const std::string& log, const std::string& before, const std::string& suffix)
{
    long long found = -1;
    for (size_t at = log.find(before); at != std::string::npos; at = log.find(before, at + 1)) {
        const size_t end = log.find(suffix, at);
        const size_t nl = log.find('\n', at);
        if (end == std::string::npos || (nl != std::string::npos && end > nl))
            continue;
        // The number just before " of N" + suffix.
        const size_t of = log.rfind(" of ", end);
        if (of == std::string::npos || of < at)
            continue;
        size_t start = of;
        while (start > at && std::isdigit(static_cast<unsigned char>(log[start - 1])))
            --start;
        found = std::atoll(log.c_str() + start);
    }
    return found;
}

const char* const kStormDisplays[] = {"out8.tif", "outf.tif", "out.exr"};

// One frame, three displays: an 8-bit TIFF with alpha, a float TIFF without,
// an OpenEXR; 8x8 buckets in random order.
std::string storm_scene(int samples, int res)
{
    std::string rib = bucket_scene("out.exr", samples, res);
    const std::string display = "Display \"out.exr\" \"openexr\" \"rgba\"\n";
    rib.replace(rib.find(display), display.size(),
                "Display \"out8.tif\" \"tiff\" \"rgba\" \"int[4] quantize\" [0 255 0 255]\n"
                "Display \"+outf.tif\" \"tiff\" \"rgb\"\n"
                "Display \"+out.exr\" \"openexr\" \"rgba\"\n"
                "Option \"bucket\" \"string order\" [\"random\"]\n"
                "Option \"limits\" \"int[2] bucketsize\" [8 8]\n");
    return rib;
}

std::vector<std::vector<float>> storm_pixels(const TempDir& dir)
{
    std::vector<std::vector<float>> all;
    for (const char* name : kStormDisplays)
        all.push_back(pixels_of(dir.file(name)));
    return all;
}

// Issue 11, item 6 (S2, B1, B2): kill -9 at random moments of a bucket render
// to TIFF (8-bit and float) and OpenEXR at once, committing every 0.1 s, with
// 1 or 2 threads. After each kill -recover 1 resumes (never from scratch,
// never below what was committed), and every finished set is bit-identical to
// the uninterrupted render, TIFF finals plain (S4). CK_BUCKET_KILL_STORM=N
// sets the kills (default 5; docs/reliability.md runs 300). Prints the work a
// kill lost, in pixels: what the killed run had finished beyond what the next
// run resumed from.
TEST(BucketMode, B1KillNineStormOnTiffAndOpenExrBucketRendersIsBitIdentical)
{
    const char* env = std::getenv("CK_BUCKET_KILL_STORM");
    const int target_kills = env ? std::max(1, std::atoi(env)) : 5;
    constexpr int kSamples = 256, kRes = 96;
    TempDir ref_dir;
    write_text(ref_dir.file("s.rib"), storm_scene(kSamples, kRes));
    ASSERT_EQ(run_process({kRenderer, "-q", "s.rib"}, ref_dir.path().string(), 120,
                          {"CKRENDER_INI="})
                  .exit_code,
              0);
    const auto ref = storm_pixels(ref_dir);

    TempDir dir;
    write_text(dir.file("s.rib"), storm_scene(kSamples, kRes));
    write_text(dir.file("ckrender.ini"), "/ckrender/checkpoint/bucketinterval 0.1s\n");
    std::mt19937 rng(20261207);
    std::uniform_int_distribution<int> delay_ms(50, 700);
    int kills = 0, resumes = 0, renders = 0;
    long long worst_lost = 0, lost_sum = 0, lost_committed = 0;
    long long committed_before = -1, done_before = -1;
    auto check_finals = [&](const std::string& when) {
        for (const char* name : {"out8.tif", "outf.tif"}) {
            auto in = OIIO::ImageInput::open(dir.file(name));
            ASSERT_TRUE(in) << name;
            EXPECT_FALSE(in->seek_subimage(1, 0)) << name << ": a final TIFF has one page";
            EXPECT_TRUE(ck::read_checkpoint(dir.file(name), {}).status().code() ==
                        ck::ErrorCode::NotFound)
                << name << " is not a plain final " << when;
        }
        EXPECT_EQ(storm_pixels(dir), ref) << when;
    };
    while (kills < target_kills) {
        const bool had = ck::read_checkpoint(dir.file("out8.tif"), {}).is_ok();
        if (!had)
            committed_before = done_before = -1;
        const std::string threads = std::to_string(1 + (kills + renders) % 2);
        ChildProcess child({kRenderer, "-recover", "1", "-t", threads, "--progress", "1e-9",
                            "s.rib"},
                           dir.path().string(), {"CKRENDER_INI="});
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (child.running() && std::chrono::steady_clock::now() < deadline &&
               child.peek_err().find("sampling starts") == std::string::npos)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        if (child.running())
            child.signal(SIGKILL);
        auto r = child.wait();
        if (had) {
            const long long from = resumed_samples(r.err);
            EXPECT_GE(from, 0) << "started over although a checkpoint existed:\n" << r.err;
            if (from >= 0) {
                ++resumes;
                const long long from_pixels = from / kSamples;
                if (committed_before >= 0 && from < committed_before * kSamples) {
                    ++lost_committed;
                    ADD_FAILURE() << "resumed from " << from << " samples; " << committed_before
                                  << " pixels were committed:\n"
                                  << r.err;
                }
                if (done_before > from_pixels) {
                    worst_lost = std::max(worst_lost, done_before - from_pixels);
                    lost_sum += done_before - from_pixels;
                }
            }
        }
        if (r.exit_code == 128 + SIGKILL) {
            ++kills;
            committed_before =
                std::max(committed_before, last_pixels(r.err, "committed (", " pixels done"));
            done_before = std::max(done_before, last_pixels(r.err, "% of pixels done (", ")"));
            continue;
        }
        ASSERT_EQ(r.exit_code, 0) << r.err;
        ++renders;
        check_finals("after " + std::to_string(kills) + " kills");
        for (const char* name : kStormDisplays)
            fs::remove(dir.file(name));
        committed_before = done_before = -1;
    }
    auto last = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string(), 120,
                            {"CKRENDER_INI="});
    ASSERT_EQ(last.exit_code, 0) << last.err;
    ++renders;
    check_finals("at the end");
    EXPECT_EQ(lost_committed, 0) << "a resume went back past a committed checkpoint";
    std::printf("bucket kill storm: %d kills, %d resumed runs, %d finished sets (2 TIFF + 1 EXR) "
                "all bit-identical; finished pixels lost per kill: worst %lld, mean %.1f of %d "
                "(commits every 0.1 s)\n",
                kills, resumes, renders, worst_lost, resumes ? double(lost_sum) / resumes : 0.0,
                kRes * kRes);
}

}  // namespace
