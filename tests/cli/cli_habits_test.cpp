// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// PRMan habits and clear command-line errors (issue 9, item 7), and progress
// a person and a farm can read (item 6), through the real ckrender.
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;

std::string frames_scene(const std::string& hider, const std::string& options = "")
{
    std::ostringstream rib;
    rib << "Format 16 12 1\n" << hider << options << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n";
    for (int f = 1; f <= 3; ++f)
        rib << "FrameBegin " << f << "\nDisplay \"f" << f << ".exr\" \"openexr\" \"rgba\"\n"
            << "WorldBegin\n  Light \"PxrDomeLight\" \"d\" \"color lightColor\" [0.5 0.5 0.5]\n"
            << "  Sphere 1 -1 1 360\nWorldEnd\nFrameEnd\n";
    return rib.str();
}

const std::string kIncremental =
    "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [4]\n";
const std::string kBucket = "Hider \"raytrace\" \"int maxsamples\" [4]\n";

struct Dir {
    TempDir dir;
    explicit Dir(const std::string& rib) { std::ofstream(dir.file("s.rib")) << rib; }
    ck::test::ProcessResult run(std::vector<std::string> args) const
    {
        args.insert(args.begin(), kRenderer);
        return run_process(args, dir.path().string());
    }
};

TEST(CliHabits, ErrorsNameTheOptionAndExit2)
{
    Dir d(frames_scene(kIncremental));
    auto r = d.run({"-t:abc", "s.rib"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.rfind("ckrender: error: --threads: ", 0), 0u) << r.err;
    EXPECT_LT(r.err.size(), 200u) << "no 300-digit ranges: " << r.err;

    r = d.run({"--no-such-option", "s.rib"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.rfind("ckrender: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("--no-such-option"), std::string::npos) << r.err;

    r = d.run({"missing.rib"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ckrender: error: scene: no such file: missing.rib"), std::string::npos)
        << r.err;
}

TEST(CliHabits, AnUnquotedIntervalSequenceGetsAHint)
{
    Dir d(frames_scene(kIncremental));
    auto r = d.run({"-checkpoint", "1i", "10m", "1h", "s.rib"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("ckrender: hint: -checkpoint: quote an interval sequence so the shell "
                         "keeps it one word: -checkpoint \"1i 10m 1h\""),
              std::string::npos)
        << r.err;
}

TEST(CliHabits, RenderManSpellings)
{
    Dir d(frames_scene(kIncremental));
    auto v = d.run({"-version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out.rfind("ckrender ", 0), 0u) << v.out;

    auto r = d.run({"-t:1", "-frame", "2-3", "-q", "s.rib"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(d.dir.file("f1.exr")));
    EXPECT_TRUE(fs::exists(d.dir.file("f2.exr")));
    EXPECT_TRUE(fs::exists(d.dir.file("f3.exr")));
}

TEST(CliHabits, FrameListsWarnForMissingFramesAndFailWhenNoneMatch)
{
    Dir d(frames_scene(kIncremental));
    auto r = d.run({"--frame", "1,3,9", "-q", "s.rib"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("ckrender: warning: --frame: s.rib has no frame 9"), std::string::npos)
        << r.err;
    EXPECT_TRUE(fs::exists(d.dir.file("f1.exr")));
    EXPECT_FALSE(fs::exists(d.dir.file("f2.exr")));
    EXPECT_TRUE(fs::exists(d.dir.file("f3.exr")));

    r = d.run({"--frame", "7-8", "s.rib"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ckrender: error: --frame 7-8: s.rib has no such frame (its frames: "
                         "1, 2, 3)"),
              std::string::npos)
        << r.err;
    r = d.run({"--frame", "5-2", "s.rib"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ckrender: error: --frame: the range \"5-2\" runs backwards"),
              std::string::npos)
        << r.err;
}

TEST(CliHabits, ARibOnStandardInput)
{
    Dir d(frames_scene(kIncremental));
    auto r = run_process({"/bin/sh", "-c", "\"$0\" -q --frame 1 - < s.rib", kRenderer},
                         d.dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(d.dir.file("f1.exr")));
}

TEST(CliHabits, CwdSetsWhereOutputsGo)
{
    Dir d(frames_scene(kIncremental));
    fs::create_directory(d.dir.file("shots"));
    auto r = d.run({"-cwd", "shots", "--frame", "1", "-q", "s.rib"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(d.dir.file("shots/f1.exr")));
    EXPECT_FALSE(fs::exists(d.dir.file("f1.exr")));
    r = d.run({"-cwd", "nowhere", "s.rib"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ckrender: error: --cwd: cannot change to nowhere"), std::string::npos)
        << r.err;
}

TEST(CliHabits, NoExitatSwitchesARibExitAtOff)
{
    const std::string exitat = "Option \"checkpoint\" \"string exitat\" [\"1i\"]\n";
    Dir d(frames_scene(kIncremental, exitat));
    EXPECT_EQ(d.run({"--frame", "1", "-q", "s.rib"}).exit_code, 75);
    auto r = d.run({"--frame", "1", "--no-exitat", "-q", "s.rib"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliHabits, S25CommandTimeoutFromTheRibStopsASlowCommand)
{
    const std::string options =
        "Option \"checkpoint\" \"string interval\" [\"1i\"] \"string command\" [\"sleep 30\"] "
        "\"string commandtimeout\" [\"1s\"]\n";
    Dir d(frames_scene(kIncremental, options));
    const auto start = std::chrono::steady_clock::now();
    auto r = d.run({"--allow-command", "--frame", "1", "-q", "s.rib"});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("sleep 30"), std::string::npos) << r.err;
    EXPECT_LT(seconds, 25.0) << "the 1 s limit did not apply: " << r.err;
}

TEST(CliHabits, RenderMansDeepSettingsInRendermnIniWarnAndDoNotStop)
{
    Dir d(frames_scene(kIncremental));
    std::ofstream(d.dir.file("rendermn.ini")) << "/prman/checkpoint/ddccomplvl 9\n"
                                                 "/prman/checkpoint/skipdeepexr 1\n";
    auto r = d.run({"--frame", "1", "-q", "s.rib"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("ckrender: warning: rendermn.ini:1: \"/prman/checkpoint/ddccomplvl\" "
                         "ignored: ckrender writes no deep output yet"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("rendermn.ini:2: "), std::string::npos) << r.err;
}

TEST(Progress, RenderManPercentLinesOnStdout)
{
    Dir d(frames_scene(kIncremental));
    auto r = d.run({"-progress", "--frame", "1", "s.rib"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    int last = -1, count = 0;
    while (std::getline(lines, line)) {
        ASSERT_EQ(line.rfind("R90000  ", 0), 0u) << line;
        ASSERT_EQ(line.back(), '%') << line;
        const int percent = std::atoi(line.c_str() + 8);
        EXPECT_GT(percent, last) << r.out;
        last = percent;
        ++count;
    }
    EXPECT_EQ(last, 100) << r.out;
    EXPECT_GE(count, 2) << r.out;
}

TEST(Progress, PlainLinesSayPercentElapsedAndTheLastCheckpoint)
{
    Dir d(frames_scene(kIncremental));
    auto r = d.run({"--progress", "1e-9", "-checkpoint", "1i", "--frame", "1", "s.rib"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("ckrender: frame 1: increment 1/4, 25.0% done, "), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(" elapsed, about "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("ckrender: frame 1: increment 3/4, 75.0% done, "), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(" s ago"), std::string::npos) << "the last checkpoint: " << r.err;
}

TEST(Progress, BucketModeSpeaksOfPixels)
{
    Dir d(frames_scene(kBucket));
    auto r = d.run({"--progress", "1e-9", "--frame", "1", "s.rib"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("of pixels done ("), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sampling starts"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("0 of 192 pixels done"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("0 samples per pixel"), std::string::npos) << r.err;
}

// Issue 10, item 5: an ini file is configuration, not permission. A
// ckrender.ini in the (scene's) working directory or one named by
// $CKRENDER_INI cannot allow the post-checkpoint command; an --ini file the
// user owns and only the user can write can, and so can --allow-command.
TEST(IniPermission, OnlyAnOwnedPrivateIniFileNamedByIniAllowsTheCommand)
{
    const std::string settings = "/ckrender/checkpoint/command touch ran-%r\n"
                                 "/ckrender/checkpoint/allowcommand 1\n";
    auto render = [](Dir& d, std::vector<std::string> args, std::vector<std::string> env) {
        fs::remove(d.dir.file("ran-finished"));
        args.insert(args.begin(), kRenderer);
        auto r = run_process(args, d.dir.path().string(), 60, env);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return std::make_pair(r, fs::exists(d.dir.file("ran-finished")));
    };
    const std::string ignored = "allowcommand ignored: ";
    {
        SCOPED_TRACE("./ckrender.ini");
        Dir d(frames_scene(kIncremental));
        std::ofstream(d.dir.file("ckrender.ini")) << settings;
        auto [r, ran] = render(d, {"--frame", "1", "s.rib"}, {"CKRENDER_INI="});
        EXPECT_FALSE(ran) << r.err;
        EXPECT_NE(r.err.find("ckrender: warning: ckrender.ini:2: " + ignored +
                             "it was found in the working directory"),
                  std::string::npos)
            << r.err;
        // The command itself still comes from there when the command line allows it.
        auto [r2, ran2] = render(d, {"--allow-command", "--frame", "1", "s.rib"}, {"CKRENDER_INI="});
        EXPECT_TRUE(ran2) << r2.err;
    }
    {
        SCOPED_TRACE("./rendermn.ini");
        Dir d(frames_scene(kIncremental));
        std::ofstream(d.dir.file("rendermn.ini")) << settings;
        auto [r, ran] = render(d, {"--frame", "1", "s.rib"}, {"CKRENDER_INI="});
        EXPECT_FALSE(ran) << r.err;
        EXPECT_NE(r.err.find("rendermn.ini:2: " + ignored), std::string::npos) << r.err;
    }
    {
        SCOPED_TRACE("$CKRENDER_INI");
        Dir d(frames_scene(kIncremental));
        std::ofstream(d.dir.file("farm.ini")) << settings;
        fs::permissions(d.dir.file("farm.ini"), fs::perms::owner_read | fs::perms::owner_write);
        auto [r, ran] = render(d, {"--frame", "1", "s.rib"}, {"CKRENDER_INI=farm.ini"});
        EXPECT_FALSE(ran) << r.err;
        EXPECT_NE(r.err.find("farm.ini:2: " + ignored + "it was named by $CKRENDER_INI"),
                  std::string::npos)
            << r.err;
    }
    {
        SCOPED_TRACE("--ini");
        Dir d(frames_scene(kIncremental));
        const std::string ini = d.dir.file("farm.ini");
        std::ofstream(ini) << settings;
        const auto mine = fs::perms::owner_read | fs::perms::owner_write;
        fs::permissions(ini, mine);
        auto [r, ran] = render(d, {"--ini", "farm.ini", "--frame", "1", "s.rib"}, {"CKRENDER_INI="});
        EXPECT_TRUE(ran) << r.err;
        EXPECT_EQ(r.err.find(ignored), std::string::npos) << r.err;

        fs::permissions(ini, mine | fs::perms::group_write);
        auto [r2, ran2] = render(d, {"--ini", "farm.ini", "--frame", "1", "s.rib"}, {"CKRENDER_INI="});
        EXPECT_FALSE(ran2) << r2.err;
        EXPECT_NE(r2.err.find(ignored + "farm.ini can be written by its group"), std::string::npos)
            << r2.err;

        fs::permissions(ini, mine | fs::perms::others_write);
        auto [r3, ran3] = render(d, {"--ini", "farm.ini", "--frame", "1", "s.rib"}, {"CKRENDER_INI="});
        EXPECT_FALSE(ran3) << r3.err;
        EXPECT_NE(r3.err.find(ignored + "farm.ini can be written by anyone"), std::string::npos)
            << r3.err;

        if (::geteuid() == 0) {  // root can give the file away: another user's file
            fs::permissions(ini, mine);
            ASSERT_EQ(::chown(ini.c_str(), 65534, 65534), 0);
            auto [r4, ran4] =
                render(d, {"--ini", "farm.ini", "--frame", "1", "s.rib"}, {"CKRENDER_INI="});
            EXPECT_FALSE(ran4) << r4.err;
            EXPECT_NE(r4.err.find(ignored + "farm.ini belongs to another user (uid 65534)"),
                      std::string::npos)
                << r4.err;
        }
    }
}

}  // namespace
