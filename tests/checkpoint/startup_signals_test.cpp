// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Signals from the first millisecond (issue 9, item 4; S27, B6): SIGTERM,
// SIGUSR1 and SIGINT sent while ckrender is still starting (the dynamic loader
// mapping its libraries, parsing, the BVH build) never kill it with 128+N:
// they stop it with the resumable code, having lost nothing, and a later
// -recover 1 finishes the frame bit-identical. SIGHUP at start-up is honoured
// as soon as a checkpoint can be taken. Without the launcher (ckrender-core
// run directly) a SIGTERM in the first tens of milliseconds killed it (143).
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "checkpoint_test_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using ck::test::ChildProcess;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;

const char* kScene =
    "Format 128 96 1\n"
    "Display \"out.exr\" \"openexr\" \"rgba\"\n"
    "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [2048]\n"
    "Projection \"perspective\" \"fov\" [40]\n"
    "Translate 0 0 5\n"
    "WorldBegin\n"
    "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
    "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
    "  Sphere 1 -1 1 360\n"
    "WorldEnd\n";

struct Case {
    int signo;
    double delay;
    bool resume;  ///< also resume it and compare with the uninterrupted render
};

// Waits until the child's launcher has blocked the signals: a signal before
// the exec reaches the test's own fork, not ckrender, and one between the exec
// and the launcher's first call still kills it. That window is a few
// microseconds on an idle machine, but the scheduler can stretch it to
// milliseconds on a loaded one (CI saw 143 for a SIGTERM 1 ms after the exec);
// docs/cli.md says so. The cases start at the blocked mask, /proc's SigBlk.
bool launcher_blocked_signals(pid_t pid)
{
    const std::string proc = "/proc/" + std::to_string(pid);
    std::string name;
    std::ifstream(proc + "/comm") >> name;
    if (name == "ckrender-core")
        return true;  // past the launcher: the mask came with it
    if (name != "ckrender")
        return false;
    std::ifstream status(proc + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("SigBlk:", 0) == 0)
            return (std::stoull(line.substr(7), nullptr, 16) >> (SIGTERM - 1)) & 1u;
    return false;
}

void wait_for_exec(const ChildProcess& child)
{
    for (int i = 0; i < 100000; ++i) {
        if (launcher_blocked_signals(child.pid()))
            return;
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    ADD_FAILURE() << "the child never ran ckrender";
}

TEST(StartupSignals, NeverKilledAlwaysResumableAndResumedBitIdentical)
{
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << kScene;
    std::ofstream(dir.file("ref.rib")) << std::string(kScene).replace(
        std::string(kScene).find("out.exr"), 7, "ref.exr");
    ASSERT_EQ(run_process({kRenderer, "-q", "ref.rib"}, dir.path().string()).exit_code, 0);
    const std::vector<float> ref = ck::test::image_pixels(dir.file("ref.exr"));

    const std::vector<Case> cases = {
        {SIGTERM, 0.001, false}, {SIGTERM, 0.01, true}, {SIGTERM, 0.1, false},
        {SIGTERM, 0.5, true},    {SIGTERM, 1.0, false}, {SIGUSR1, 0.01, false},
        {SIGINT, 0.01, false},   {SIGHUP, 0.001, false}};
    for (const Case& c : cases) {
        std::remove(dir.file("out.exr").c_str());
        ChildProcess child({kRenderer, "-checkpoint", "1i", "-t", "2", "s.rib"},
                           dir.path().string());
        wait_for_exec(child);
        std::this_thread::sleep_for(std::chrono::duration<double>(c.delay));
        child.signal(c.signo);
        if (c.signo == SIGHUP) {
            // A checkpoint as soon as one can be taken, and the render goes on.
            for (int i = 0; i < 3000 && child.peek_err().find("checkpoint 1 committed") ==
                                            std::string::npos;
                 ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            EXPECT_TRUE(child.running());
            child.signal(SIGTERM);
        }
        auto r = child.wait();
        const std::string what = "signal " + std::to_string(c.signo) + " after " +
                                 std::to_string(c.delay) + " s";
        EXPECT_EQ(r.exit_code, 75) << what << "\n" << r.err;
        const int stop = c.signo == SIGHUP ? SIGTERM : c.signo;
        EXPECT_NE(r.err.find("stopped by signal " + std::to_string(stop)), std::string::npos)
            << what << "\n" << r.err;
        if (c.signo == SIGHUP) {
            EXPECT_NE(r.err.find("checkpoint 1 committed"), std::string::npos) << r.err;
        }
        std::printf("startup signals: %s: exit %d\n", what.c_str(), r.exit_code);
        if (!c.resume)
            continue;

        auto resumed = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string());
        ASSERT_EQ(resumed.exit_code, 0) << what << "\n" << resumed.err;
        EXPECT_EQ(ck::test::image_pixels(dir.file("out.exr")), ref) << what;
    }
}

}  // namespace
