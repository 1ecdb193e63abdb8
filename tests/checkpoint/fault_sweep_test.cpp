// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Every fault at every step (B2, issue 5 items 1 and 2; docs/reliability.md):
// for each step of the commit protocol (ck/fault.h) and each time the render
// reaches it, from the first checkpoint to the final images, a crash there
// (SIGKILL) and a write error there (EIO, ENOSPC). After a crash, -recover 1
// must finish bit-identical to an uninterrupted render without going back past
// a committed checkpoint; after a write error the render must go on and finish
// bit-identical, or, when the error hits the final images, exit 3 with a
// checkpoint that recovery finishes bit-identical.
#include "two_display_scene.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace ck::test;

const char* const kPoints[] = {"part.open", "part.write", "part.fsync", "commit.rename",
                               "commit.dirsync"};

void clean(const TempDir& dir)
{
    for (const char* name : {"a.exr", "b.exr", "a.exr.part", "b.exr.part"})
        fs::remove(dir.file(name));
}

// Runs -recover 1 and checks it finishes with the reference images. Returns
// true when every display was already a final image (a crash after the final
// renames) and recovery found the frame finished by the finals' provenance
// record, rendering nothing. Rendering such a frame again from scratch fails
// the test: that was the behaviour before finals carried provenance.
bool recover_and_compare(const TempDir& dir, const TwoDisplayReference& ref, int committed,
                         const std::string& what)
{
    auto rec = run_process({kRendererPath, "-recover", "1", "s.rib"}, dir.path().string());
    EXPECT_EQ(rec.exit_code, 0) << what << "\n" << rec.err;
    if (committed > 0) {
        EXPECT_EQ(rec.err.find("recover: starting from scratch"), std::string::npos)
            << what << "\n" << rec.err;
    }
    const bool found_finished =
        rec.err.find("recover: finished: render ") != std::string::npos;
    if (found_finished) {
        EXPECT_EQ(rec.err.find("sampling starts"), std::string::npos) << what << "\n" << rec.err;
    }
    const bool completed_final =
        rec.err.find("recover: completed the interrupted final write of") != std::string::npos;
    if (committed > 0 && !found_finished && !completed_final) {
        const int from = resumed_from(rec.err);
        EXPECT_GE(from, committed) << what << ": went back past the committed checkpoint ("
                                   << committed << " samples)\n" << rec.err;
    }
    EXPECT_EQ(image_pixels(dir.file("a.exr")), ref.a) << what;
    EXPECT_EQ(image_pixels(dir.file("b.exr")), ref.b) << what;
    return found_finished;
}

TEST(FaultSweep, ACrashAtEveryHitOfEveryCommitStepIsSurvived)
{
    TempDir dir;
    const TwoDisplayReference ref = render_two_display_reference(dir);
    std::ofstream(dir.file("s.rib")) << two_display_scene("a.exr", "b.exr");
    int injected = 0;
    for (const char* point : kPoints) {
        int hits = 0, finished = 0;
        for (int n = 1; n < 100; ++n) {
            clean(dir);
            const std::string spec = std::string(point) + "@" + std::to_string(n) + ":kill";
            auto crashed = run_process({kRendererPath, "s.rib"}, dir.path().string(), 120,
                                       {fault_env(spec)});
            if (crashed.exit_code == 0)
                break;  // the render reaches this step fewer than n times
            ASSERT_EQ(crashed.exit_code, 128 + 9) << spec << "\n" << crashed.err;
            ++hits;
            ++injected;
            if (recover_and_compare(dir, ref, last_committed_samples(crashed.err), spec)) {
                // Only a crash after both final renames leaves nothing but finals.
                ++finished;
                EXPECT_EQ(std::string(point), "commit.dirsync") << spec;
            }
            if (HasFailure())
                return;
        }
        // 8 checkpoints and the final images, two files each (one dirsync per commit).
        EXPECT_GE(hits, 9) << point;
        EXPECT_LE(finished, 1) << point;
        std::printf("fault sweep: %s: a crash at each of its %d hits survived (%d after the final "
                    "renames: found finished by the finals' provenance, nothing rendered)\n",
                    point, hits, finished);
    }
    std::printf("fault sweep: %d crashes injected, %d survived bit-identical\n", injected, injected);
}

class ErrorSweep : public ::testing::TestWithParam<const char*> {};

TEST_P(ErrorSweep, AWriteErrorAtEveryHitOfEveryCommitStepIsSurvived)
{
    const std::string action = GetParam();
    TempDir dir;
    const TwoDisplayReference ref = render_two_display_reference(dir);
    std::ofstream(dir.file("s.rib")) << two_display_scene("a.exr", "b.exr");
    int injected = 0, went_on = 0, final_failed = 0, partial = 0;
    for (const char* point : kPoints) {
        for (int n = 1; n < 100; ++n) {
            clean(dir);
            const std::string spec = std::string(point) + "@" + std::to_string(n) + ":" + action;
            auto r = run_process({kRendererPath, "s.rib"}, dir.path().string(), 120,
                                 {fault_env(spec)});
            // "was not written", or "was not fully committed" after a rename.
            const bool failed_checkpoint = r.err.find(" was not ") != std::string::npos;
            if (r.exit_code == 0 && !failed_checkpoint)
                break;  // no hit n: the render reaches this step fewer than n times
            ++injected;
            if (r.exit_code == 0) {
                // A checkpoint failed; the render said so once and went on.
                ++went_on;
                size_t warnings = 0;
                for (size_t at = r.err.find(" was not "); at != std::string::npos;
                     at = r.err.find(" was not ", at + 1))
                    ++warnings;
                EXPECT_EQ(warnings, 1u) << spec << "\n" << r.err;
                // After a rename the previous set is gone: the warning must say so.
                if (r.err.find("was not fully committed") != std::string::npos) {
                    EXPECT_EQ(r.err.find("previous checkpoint is intact"), std::string::npos)
                        << spec << "\n" << r.err;
                    ++partial;
                }
                EXPECT_EQ(image_pixels(dir.file("a.exr")), ref.a) << spec;
                EXPECT_EQ(image_pixels(dir.file("b.exr")), ref.b) << spec;
            } else {
                // The final images could not be written: exit 3, a checkpoint kept.
                ++final_failed;
                ASSERT_EQ(r.exit_code, 3) << spec << "\n" << r.err;
                // Only a failed directory fsync after both final renames leaves the
                // finals in place (exit 3: their durability is unknown); recovery
                // then finds them finished. Every other failure keeps a checkpoint.
                if (recover_and_compare(dir, ref, last_committed_samples(r.err), spec)) {
                    EXPECT_EQ(std::string(point), "commit.dirsync") << spec;
                }
            }
            EXPECT_FALSE(fs::exists(dir.file("a.exr.part")) && r.exit_code == 0) << spec;
            if (HasFailure())
                return;
        }
    }
    std::printf("error sweep (%s): %d injected: %d checkpoints failed (%d after a rename) and "
                "the render went on, %d final writes failed with exit 3 and recovered; all "
                "bit-identical\n",
                action.c_str(), injected, went_on, partial, final_failed);
}

INSTANTIATE_TEST_SUITE_P(Errno, ErrorSweep, ::testing::Values("eio", "enospc"));

}  // namespace

namespace {

// The two-display scene as a bucket render to TIFF (an 8-bit one with alpha,
// a float one without), committed every 0.1 s by default-free bucket commits.
std::string bucket_tiff_scene(const std::string& a, const std::string& b)
{
    std::string rib = two_display_scene(a, b);
    auto swap = [&](const std::string& from, const std::string& to) {
        const size_t at = rib.find(from);
        if (at != std::string::npos)
            rib.replace(at, from.size(), to);
    };
    swap("\"" + a + "\" \"openexr\" \"rgba\"",
         "\"" + a + "\" \"tiff\" \"rgba\" \"int[4] quantize\" [0 255 0 255]");
    swap("\"+" + b + "\" \"openexr\" \"rgb\"", "\"+" + b + "\" \"tiff\" \"rgb\"");
    swap("\"int incremental\" [1]", "\"int incremental\" [0]");
    swap("\"int maxsamples\" [" + std::to_string(kTwoDisplaySamples) + "]",
         "\"int maxsamples\" [4000]");
    swap("Option \"checkpoint\" \"string interval\" [\"1i\"]\n", "");
    return rib;
}

// Issue 11 (S2, B2): the crash sweep on a bucket render's TIFF checkpoints.
// Commits come by time here, so how often each step is reached varies from
// run to run; every hit that is reached is crashed at, and -recover 1 must
// finish bit-identical without starting over once a commit was made.
TEST(FaultSweep, ACrashAtEveryHitOfABucketTiffRenderIsSurvived)
{
    TempDir dir;
    std::ofstream(dir.file("ckrender.ini")) << "/ckrender/checkpoint/bucketinterval 0.1s\n";
    std::ofstream(dir.file("ref.rib")) << bucket_tiff_scene("ref_a.tif", "ref_b.tif");
    ASSERT_EQ(run_process({kRendererPath, "-q", "-t", "2", "ref.rib"}, dir.path().string(), 120,
                          {"CKRENDER_INI="})
                  .exit_code,
              0);
    const auto ref_a = image_pixels(dir.file("ref_a.tif"));
    const auto ref_b = image_pixels(dir.file("ref_b.tif"));
    std::ofstream(dir.file("s.rib")) << bucket_tiff_scene("a.tif", "b.tif");
    int injected = 0;
    for (const char* point : kPoints) {
        int hits = 0;
        for (int n = 1; n < 100; ++n) {
            for (const char* name : {"a.tif", "b.tif", "a.tif.part", "b.tif.part"})
                fs::remove(dir.file(name));
            const std::string spec = std::string(point) + "@" + std::to_string(n) + ":kill";
            auto crashed = run_process({kRendererPath, "-t", "1", "s.rib"}, dir.path().string(),
                                       120, {fault_env(spec), "CKRENDER_INI="});
            if (crashed.exit_code == 0)
                break;
            ASSERT_EQ(crashed.exit_code, 128 + 9) << spec << "\n" << crashed.err;
            ++hits;
            ++injected;
            auto rec = run_process({kRendererPath, "-t", "2", "-recover", "1", "s.rib"},
                                   dir.path().string(), 120, {"CKRENDER_INI="});
            EXPECT_EQ(rec.exit_code, 0) << spec << "\n" << rec.err;
            if (crashed.err.find(" committed (") != std::string::npos) {
                EXPECT_EQ(rec.err.find("recover: starting from scratch"), std::string::npos)
                    << spec << "\n" << crashed.err << rec.err;
            }
            EXPECT_EQ(image_pixels(dir.file("a.tif")), ref_a) << spec;
            EXPECT_EQ(image_pixels(dir.file("b.tif")), ref_b) << spec;
            if (HasFailure())
                return;
        }
        // The final write reaches every step (two files, one directory).
        EXPECT_GE(hits, std::string(point) == "commit.dirsync" ? 1 : 2) << point;
        std::printf("bucket TIFF fault sweep: %s: a crash at each of its %d hits survived\n", point,
                    hits);
    }
    std::printf("bucket TIFF fault sweep: %d crashes injected, all survived bit-identical\n",
                injected);
}

}  // namespace
