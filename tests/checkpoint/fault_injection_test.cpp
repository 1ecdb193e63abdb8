// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Faults at every step of the commit protocol (B2, docs/reliability.md): a
// crash (SIGKILL through CKRENDER_FAULT_INJECT) at each step, then -recover 1
// must resume from the last committed checkpoint (never from scratch, losing
// at most one interval) and finish bit-identical. Injected write errors
// (ENOSPC, EIO): the render says so, keeps going and retries; a final image
// that cannot be written exits 3 with the last good checkpoint intact.
#include "two_display_scene.h"

#include <ck/checkpoint.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using ck::test::run_process;
using ck::test::spp_text;
using ck::test::TempDir;
using namespace ck::test;

struct KillCase {
    const char* spec;       // CKRENDER_FAULT_INJECT
    int resume_from;        // samples per pixel the recovery must resume from
    bool rolled_forward;    // the interrupted commit is completed on recovery
};

class CrashAtCommitStep : public ::testing::TestWithParam<KillCase> {};

TEST_P(CrashAtCommitStep, RecoverResumesFromTheLastCommitAndEndsBitIdentical)
{
    const KillCase c = GetParam();
    TempDir dir;
    const TwoDisplayReference ref = render_two_display_reference(dir);
    std::ofstream(dir.file("s.rib")) << two_display_scene("a.exr", "b.exr");

    auto crashed = run_process({kRendererPath, "s.rib"}, dir.path().string(), 120, {fault_env(c.spec)});
    ASSERT_EQ(crashed.exit_code, 128 + 9) << c.spec << "\n" << crashed.err;

    auto recovered = run_process({kRendererPath, "-recover", "1", "s.rib"}, dir.path().string());
    ASSERT_EQ(recovered.exit_code, 0) << recovered.err;
    EXPECT_NE(recovered.err.find("recover: resuming render "), std::string::npos) << recovered.err;
    EXPECT_NE(recovered.err.find("from " + spp_text(c.resume_from)),
              std::string::npos)
        << c.spec << ": lost more than one interval?\n" << recovered.err;
    EXPECT_EQ(recovered.err.find("completed the interrupted commit") != std::string::npos,
              c.rolled_forward)
        << recovered.err;
    EXPECT_EQ(image_pixels(dir.file("a.exr")), ref.a);
    EXPECT_EQ(image_pixels(dir.file("b.exr")), ref.b);
}

// Two files per commit, one commit per increment: commit k (k samples) hits
// part.* at 2k-1 and 2k, commit.rename at 2k-1 and 2k, commit.dirsync at k.
INSTANTIATE_TEST_SUITE_P(
    CommitSteps, CrashAtCommitStep,
    ::testing::Values(KillCase{"part.open@5:kill", 2, false},    // commit 3, before a.exr.part
                      KillCase{"part.open@6:kill", 2, false},    // commit 3, a written, before b
                      KillCase{"part.write@6:kill", 2, false},   // commit 3, b encoded, not flushed
                      KillCase{"part.fsync@5:kill", 2, false},   // commit 3, a before fsync
                      KillCase{"commit.rename@5:kill", 2, false},  // commit 3, before any rename
                      KillCase{"commit.rename@6:kill", 3, true},   // commit 3, between the renames
                      KillCase{"commit.dirsync@3:kill", 3, false}),  // commit 3 renamed, no dir fsync
    [](const ::testing::TestParamInfo<KillCase>& param_info) {
        std::string name = param_info.param.spec;
        for (char& ch : name)
            if (!std::isalnum(static_cast<unsigned char>(ch)))
                ch = '_';
        return name;
    });

TEST(WriteErrors, AFailedCheckpointIsReportedOnceAndTheRenderGoesOn)
{
    TempDir dir;
    const TwoDisplayReference ref = render_two_display_reference(dir);
    std::ofstream(dir.file("s.rib")) << two_display_scene("a.exr", "b.exr");
    // The 5th part write (commit 3, display a) fails with ENOSPC.
    auto r = run_process({kRendererPath, "s.rib"}, dir.path().string(), 120,
                         {fault_env("part.write@5:enospc")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("checkpoint 3 was not written"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("checkpoint 4 committed"), std::string::npos) << "retried at the next interval";
    EXPECT_FALSE(fs::exists(dir.file("a.exr.part")));
    EXPECT_EQ(image_pixels(dir.file("a.exr")), ref.a);
    EXPECT_EQ(image_pixels(dir.file("b.exr")), ref.b);
}

TEST(WriteErrors, AFinalThatCannotBeWrittenExitsThreeWithTheLastCheckpointIntact)
{
    TempDir dir;
    const TwoDisplayReference ref = render_two_display_reference(dir);
    std::ofstream(dir.file("s.rib")) << two_display_scene("a.exr", "b.exr");
    // Every write from commit 3 on fails with EIO, the final images included.
    auto r = run_process({kRendererPath, "s.rib"}, dir.path().string(), 120,
                         {fault_env("part.write@5+:eio")});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("Input/output error"), std::string::npos) << r.err;
    auto a = ck::read_checkpoint(dir.file("a.exr"), {"R", "~w"});
    ASSERT_TRUE(a.is_ok()) << a.status().message();
    EXPECT_EQ(a->header.generation, 2u);
    EXPECT_EQ(a->header.min_samples, 2);

    auto recovered = run_process({kRendererPath, "-recover", "1", "s.rib"}, dir.path().string());
    ASSERT_EQ(recovered.exit_code, 0) << recovered.err;
    EXPECT_NE(recovered.err.find("from 2 samples per pixel"), std::string::npos) << recovered.err;
    EXPECT_EQ(image_pixels(dir.file("a.exr")), ref.a);
    EXPECT_EQ(image_pixels(dir.file("b.exr")), ref.b);
}

}  // namespace
