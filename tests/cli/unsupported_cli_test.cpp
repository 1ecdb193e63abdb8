// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Nothing silently wrong, through the real ckrender binary: displays it cannot
// write are scene errors that touch no file (docs/scene-format.md), screen
// displays are skipped with one warning, and the settings files (S13,
// docs/cli.md): ./rendermn.ini then ckrender.ini, trailing comments, and a bad
// value as a usage error naming file:line.
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include <gtest/gtest.h>

#include <OpenImageIO/imageio.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
// Tests place their ckrender.ini in the working directory; an inherited
// $CKRENDER_INI must not replace it (an empty value counts as unset).
const std::vector<std::string> kNoIniEnv = {"CKRENDER_INI="};

void write_text(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string read_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

size_t count(const std::string& text, const std::string& needle)
{
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

// A tiny lit scene; line 2 holds the displays.
std::string scene(const std::string& displays)
{
    return "Format 8 8 1\n" + displays +
           "\nHider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [2]\n"
           "Projection \"perspective\" \"fov\" [40]\nTranslate 0 0 5\nWorldBegin\n"
           "  Light \"PxrDomeLight\" \"dome\"\n  Sphere 1 -1 1 360\nWorldEnd\n";
}

// The channel names of an image, empty when it cannot be opened.
std::vector<std::string> channels(const std::string& path)
{
    auto in = OIIO::ImageInput::open(path);
    if (!in)
        return {};
    return in->spec().channelnames;
}

bool has_weight_channel(const std::string& path)
{
    for (const std::string& c : channels(path))
        if (c == "~w")
            return true;
    return false;
}

TEST(UnsupportedCli, AChannelNobodyDeclaredIsASceneErrorAndTouchesNoFile)
{
    // Depth, normals and albedo are channels now (channels_test.cpp); a name
    // that is neither declared nor built in, or depth in a TIFF, is still a
    // scene error that writes nothing.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"depth.exr", "diffuse"}, {"depth.exr", "Ci,a,specular"}, {"depth.tif", "rgbaz"}};
    for (const auto& [name, mode] : cases) {
        SCOPED_TRACE(mode);
        TempDir dir;
        const std::string precious = "an image that must survive";
        write_text(dir.file(name), precious);
        write_text(dir.file("s.rib"), scene("Display \"" + name + "\" \"file\" \"" + mode + "\""));
        auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find("s.rib:2:1: error: Display \"" + name + "\": mode \"" + mode + "\""),
                  std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("nothing was rendered"), std::string::npos) << r.err;
        EXPECT_EQ(read_bytes(dir.file(name)), precious);
        EXPECT_FALSE(fs::exists(dir.file(name + ".part")));
    }
}

TEST(UnsupportedCli, DeepAndOtherTypesAreSceneErrors)
{
    for (const std::string type : {"deepexr", "png", "zfile"}) {
        SCOPED_TRACE(type);
        TempDir dir;
        write_text(dir.file("s.rib"), scene("Display \"x.exr\" \"" + type + "\" \"rgba\""));
        auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find("s.rib:2:1: error: Display \"x.exr\": type \"" + type + "\""),
                  std::string::npos)
            << r.err;
        EXPECT_FALSE(fs::exists(dir.file("x.exr"))) << "a flat image was written";
    }
}

TEST(UnsupportedCli, ScreenDisplayIsSkippedWithOneWarning)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene("Display \"out.exr\" \"openexr\" \"rgba\"\n"
                                        "Display \"+preview\" \"it\" \"rgba\""));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir.file("out.exr")));
    EXPECT_FALSE(fs::exists(dir.file("preview"))) << "an EXR named preview was written";
    EXPECT_EQ(count(r.err, "ckrender writes no screen display"), 1u) << r.err;
    EXPECT_NE(r.err.find("s.rib:3:1: warning: Display \"preview\" \"it\" skipped"),
              std::string::npos)
        << r.err;
}

TEST(UnsupportedCli, OnlyAScreenDisplayIsASceneError)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene("Display \"preview\" \"it\" \"rgba\""));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("no file Display for this frame"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("preview")));
    EXPECT_FALSE(fs::exists(dir.file("ckrender.exr")));
}

// ---------------------------------------------------------------------------
// Settings files (S13, S14 as the observable setting)

TEST(UnsupportedCli, RendermnIniIsReadAndCkrenderIniWins)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene("Display \"out.exr\" \"openexr\" \"rgba\""));

    // ./rendermn.ini alone: asfinal keeps ~w in the final image.
    write_text(dir.file("rendermn.ini"),
               "/prman/searchpath/shader @\n"
               "/prman/checkpoint/asfinal 1\n");
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has_weight_channel(dir.file("out.exr"))) << "rendermn.ini was not read";

    // ckrender.ini comes after rendermn.ini: its asfinal 0 wins.
    write_text(dir.file("ckrender.ini"), "/ckrender/checkpoint/asfinal 0\n");
    fs::remove(dir.file("out.exr"));
    r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_FALSE(channels(dir.file("out.exr")).empty());
    EXPECT_FALSE(has_weight_channel(dir.file("out.exr"))) << "ckrender.ini did not win";

    // --ini replaces ./ckrender.ini, still after rendermn.ini.
    write_text(dir.file("other.ini"), "# no settings\n");
    fs::remove(dir.file("out.exr"));
    r = run_process({kRenderer, "--ini", "other.ini", "s.rib"}, dir.path().string(), 60, kNoIniEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has_weight_channel(dir.file("out.exr"))) << "rendermn.ini's asfinal applies";
}

TEST(UnsupportedCli, TrailingIniCommentIsAComment)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene("Display \"out.exr\" \"openexr\" \"rgba\""));
    write_text(dir.file("ckrender.ini"), "/ckrender/checkpoint/asfinal 1   # keep it resumable\n");
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(has_weight_channel(dir.file("out.exr")));
}

TEST(UnsupportedCli, BadIniValueIsAUsageErrorNamingFileAndLine)
{
    for (const std::string file : {"ckrender.ini", "rendermn.ini"}) {
        SCOPED_TRACE(file);
        TempDir dir;
        write_text(dir.file("s.rib"), scene("Display \"out.exr\" \"openexr\" \"rgba\""));
        write_text(dir.file(file), "# settings\n/prman/checkpoint/interval 10x\n");
        auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), 60, kNoIniEnv);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find(file + ":2: "), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("\"10x\""), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(dir.file("out.exr")));
    }
}

// Issue 10, item 9: a bad Option "checkpoint" in the RIB was exit 1 alone and
// exit 2 when -checkpoint was given too. The code follows the source of the
// error: the RIB is a scene error (1), the command line a usage error (2).
TEST(UnsupportedCli, ABadCheckpointOptionHasOneExitCodeWithOrWithoutTheCommandLine)
{
    TempDir dir;
    write_text(dir.file("s.rib"), "Option \"checkpoint\" \"string interval\" [\"10x\"]\n" +
                                      scene("Display \"out.exr\" \"openexr\" \"rgba\""));
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, std::vector<std::string>{"-checkpoint", "5i"},
          std::vector<std::string>{"-checkpoint", ",2i"}}) {
        std::vector<std::string> argv = {kRenderer};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back("s.rib");
        auto r = run_process(argv, dir.path().string(), 60, kNoIniEnv);
        EXPECT_EQ(r.exit_code, 1) << extra.size() << " extra arguments\n" << r.err;
        EXPECT_NE(r.err.find("s.rib:1:"), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(dir.file("out.exr")));
    }
    // And a bad -checkpoint with a good scene stays a usage error.
    write_text(dir.file("s.rib"), scene("Display \"out.exr\" \"openexr\" \"rgba\""));
    auto r = run_process({kRenderer, "-checkpoint", "10x", "s.rib"}, dir.path().string(), 60,
                         kNoIniEnv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("command line: -checkpoint"), std::string::npos) << r.err;
}

}  // namespace
