// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// A scene cannot make ckrender write outside the paths its displays name
// (issue 5, item 5; docs/reliability.md): the only files a render creates are
// its displays' images (through `NAME.part`, renamed into place) and the
// `.ckrender.lock` beside them; names that are directories, carry control
// bytes, or collide with another display or its `.part` are scene errors; a
// symbolic link planted at a `.part` name is never written through. A display
// that is one of the render's inputs (the scene file, an archive, a light map,
// a settings file), by any spelling or link, is refused before rendering
// (B10; issue 10, item 2).
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;

std::string scene(const std::string& displays, const std::string& world_extra = "")
{
    return "Format 12 8 1\n" + displays +
           "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [6]\n"
           "Projection \"perspective\" \"fov\" [40]\nTranslate 0 0 5\nWorldBegin\n"
           "  Light \"PxrDomeLight\" \"dome\"\n  Sphere 1 -1 1 360\n" +
           world_extra + "WorldEnd\n";
}

void write_text(const fs::path& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_bytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Every path under `root` (symbolic links not followed).
std::set<std::string> tree(const fs::path& root)
{
    std::set<std::string> paths;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it)
        paths.insert(fs::relative(it->path(), root).string());
    return paths;
}

std::set<std::string> created(const std::set<std::string>& before, const std::set<std::string>& after)
{
    std::set<std::string> out;
    for (const std::string& p : after)
        if (!before.count(p))
            out.insert(p);
    return out;
}

// The scene lives in root/shots/a/; its displays climb out with "..".
TEST(OutputPaths, DotDotNamesWriteExactlyTheNamedFilesAndNothingElse)
{
    TempDir root;
    fs::create_directories(root.path() / "shots" / "a");
    fs::create_directories(root.path() / "renders");
    const fs::path cwd = root.path() / "shots" / "a";
    write_text(cwd / "s.rib", scene("Display \"../../renders/beauty.exr\" \"openexr\" \"rgba\"\n"
                                    "Display \"+../a/../../renders/./diffuse.exr\" \"openexr\" \"rgb\"\n"));
    const auto before = tree(root.path());
    auto r = run_process({kRenderer, "-checkpoint", "1i", "s.rib"}, cwd.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("checkpoint 3 committed"), std::string::npos) << r.err;
    const std::set<std::string> expected = {"renders/beauty.exr", "renders/diffuse.exr",
                                            "renders/.ckrender.lock"};
    EXPECT_EQ(created(before, tree(root.path())), expected);
}

TEST(OutputPaths, NamesThatAreDirectoriesAreSceneErrors)
{
    TempDir dir;
    fs::create_directories(dir.path() / "sub");
    for (const std::string name : {".", "..", "sub/", "sub/..", "sub"}) {
        write_text(dir.path() / "s.rib", scene("Display \"" + name + "\" \"openexr\" \"rgba\"\n"));
        const auto before = tree(dir.path());
        auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
        EXPECT_EQ(r.exit_code, 1) << name << "\n" << r.err;
        EXPECT_NE(r.err.find("s.rib:2:"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("directory, not an image file"), std::string::npos) << r.err;
        EXPECT_EQ(created(before, tree(dir.path())), std::set<std::string>{}) << name;
    }
}

TEST(OutputPaths, ControlBytesInANameAreSceneErrors)
{
    TempDir dir;
    // RIB octal escapes: a NUL would cut the name short in every C call.
    write_text(dir.path() / "s.rib",
               scene("Display \"safe.exr\\000/../../elsewhere.exr\" \"openexr\" \"rgba\"\n"));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("s.rib:2:9: error: Display: output name contains the control byte 0x00 "
                         "at offset 8"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "safe.exr"));
}

TEST(OutputPaths, TwoDisplaysOfOneFileAreASceneError)
{
    TempDir dir;
    fs::create_directories(dir.path() / "sub");
    for (const std::string second : {"a.exr", "./a.exr", "sub/../a.exr"}) {
        write_text(dir.path() / "s.rib", scene("Display \"a.exr\" \"openexr\" \"rgba\"\n"
                                               "Display \"+" + second + "\" \"openexr\" \"rgb\"\n"));
        auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
        EXPECT_EQ(r.exit_code, 1) << second << "\n" << r.err;
        EXPECT_NE(r.err.find("s.rib:3:1: Display \"" + second +
                             "\" writes the same file as the Display at s.rib:2:1"),
                  std::string::npos)
            << r.err;
        EXPECT_FALSE(fs::exists(dir.path() / "a.exr"));
    }
}

TEST(OutputPaths, ADisplayNamedAfterAnotherOnesPartFileIsASceneError)
{
    TempDir dir;
    write_text(dir.path() / "s.rib", scene("Display \"a.exr\" \"openexr\" \"rgba\"\n"
                                           "Display \"+a.exr.part\" \"openexr\" \"rgb\"\n"));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("s.rib:3:1: Display \"a.exr.part\" is the temporary file ckrender writes "
                         "for the Display at s.rib:2:1"),
              std::string::npos)
        << r.err;
}

TEST(OutputPaths, ASymlinkPlantedAtThePartNameIsNeverWrittenThrough)
{
    TempDir dir, elsewhere;
    const fs::path victim = elsewhere.path() / "victim.txt";
    write_text(victim, "must stay as it is");
    fs::create_symlink(victim, dir.path() / "out.exr.part");
    write_text(dir.path() / "s.rib", scene("Display \"out.exr\" \"openexr\" \"rgba\"\n"));
    auto r = run_process({kRenderer, "-checkpoint", "1i", "s.rib"}, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(victim), "must stay as it is");
    EXPECT_FALSE(fs::is_symlink(dir.path() / "out.exr")) << "the link was renamed into place";
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "out.exr"));
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir.path() / "out.exr.part")));
}

TEST(OutputPaths, FramesThatWriteOneFileInTurnDoNotLockThemselvesOut)
{
    TempDir dir;
    const std::string frame = scene("Display \"a.exr\" \"openexr\" \"rgba\"\n");
    write_text(dir.path() / "s.rib",
               "FrameBegin 1\n" + frame + "FrameEnd\nFrameBegin 2\n" + frame + "FrameEnd\n");
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir.path() / "a.exr"));
}

// --- Inputs are never outputs (B10; issue 10, item 2) ---------------------

// Runs `argv` in `dir` and checks the refusal: exit 1 naming the Display's RIB
// line and the input's role, every file byte-identical, nothing created.
void expect_refused(const TempDir& dir, const std::vector<std::string>& argv,
                    const std::string& where, const std::string& role)
{
    std::map<std::string, std::string> bytes;
    for (const std::string& p : tree(dir.path()))
        if (fs::is_regular_file(dir.path() / p))
            bytes[p] = read_bytes(dir.path() / p);
    const auto before = tree(dir.path());
    auto r = run_process(argv, dir.path().string(), 60, {"CKRENDER_INI="});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("ckrender: error: " + where + ": Display \""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is " + role), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rendering would overwrite it"), std::string::npos) << r.err;
    EXPECT_EQ(created(before, tree(dir.path())), std::set<std::string>{});
    for (const auto& [p, content] : bytes)
        EXPECT_EQ(read_bytes(dir.path() / p), content) << p << " was changed";
}

TEST(OutputPaths, ADisplayThatIsTheSceneFileIsRefusedByEverySpelling)
{
    TempDir dir;
    fs::create_directories(dir.path() / "sub");
    // The scene names itself three ways; a symlink and a hard link name it too.
    for (const std::string name : {"s.rib", "./sub/../s.rib", "link.rib", "hard.rib"}) {
        write_text(dir.path() / "s.rib", scene("Display \"" + name + "\" \"openexr\" \"rgba\"\n"));
        fs::remove(dir.path() / "link.rib");
        fs::remove(dir.path() / "hard.rib");
        fs::create_symlink("s.rib", dir.path() / "link.rib");
        fs::create_hard_link(dir.path() / "s.rib", dir.path() / "hard.rib");
        SCOPED_TRACE(name);
        expect_refused(dir, {kRenderer, "s.rib"}, "s.rib:2:1", "the scene file");
    }
}

TEST(OutputPaths, ADisplayThatIsAnArchiveIsRefused)
{
    TempDir dir;
    write_text(dir.path() / "part.rib", "Sphere 0.5 -0.5 0.5 360\n");
    write_text(dir.path() / "s.rib", scene("Display \"part.rib\" \"openexr\" \"rgba\"\n",
                                           "  ReadArchive \"part.rib\"\n"));
    expect_refused(dir, {kRenderer, "s.rib"}, "s.rib:2:1",
                   "a file the scene reads (an archive or a texture)");
}

TEST(OutputPaths, ADisplayThatIsTheLightMapIsRefused)
{
    TempDir dir;
    // A real light map first: ckrender's own output.
    write_text(dir.path() / "make.rib", scene("Display \"env.exr\" \"openexr\" \"rgba\"\n"));
    ASSERT_EQ(run_process({kRenderer, "make.rib"}, dir.path().string()).exit_code, 0);
    fs::remove(dir.path() / ".ckrender.lock");
    std::string s = scene("Display \"env.exr\" \"openexr\" \"rgba\"\n");
    const std::string dome = "\"PxrDomeLight\" \"dome\"";
    s.replace(s.find(dome), dome.size(), dome + " \"string lightColorMap\" [\"env.exr\"]");
    write_text(dir.path() / "s.rib", s);
    expect_refused(dir, {kRenderer, "s.rib"}, "s.rib:2:1",
                   "a file the scene reads (an archive or a texture)");
}

TEST(OutputPaths, ADisplayThatIsTheSettingsFileIsRefused)
{
    TempDir dir;
    write_text(dir.path() / "farm.ini", "/ckrender/checkpoint/interval 1i\n");
    write_text(dir.path() / "s.rib", scene("Display \"farm.ini\" \"openexr\" \"rgba\"\n"));
    expect_refused(dir, {kRenderer, "--ini", "farm.ini", "s.rib"}, "s.rib:2:1",
                   "a settings file ckrender read");
}

TEST(OutputPaths, AnOutputThatIsNoInputStillRenders)
{
    // The check compares identities, not names: a display beside the scene,
    // with the scene's stem, renders as before.
    TempDir dir;
    write_text(dir.path() / "s.rib", scene("Display \"s.exr\" \"openexr\" \"rgba\"\n"));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "s.exr"));
}

// Issue 10, item 9: a name the file system takes but whose NAME.part it does
// not (251-255 bytes under NAME_MAX 255) is a scene error before rendering,
// not exit 3 after the whole render; 250 bytes still renders.
TEST(OutputPaths, ANameTooLongForItsPartFileIsASceneErrorBeforeRendering)
{
    TempDir dir;
    for (size_t length : {251u, 255u}) {
        const std::string name = std::string(length - 4, 'n') + ".exr";
        write_text(dir.path() / "s.rib", scene("Display \"" + name + "\" \"openexr\" \"rgba\"\n"));
        const auto before = tree(dir.path());
        auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
        EXPECT_EQ(r.exit_code, 1) << length << "\n" << r.err;
        EXPECT_NE(r.err.find("s.rib:2:1: Display \""), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("the file name is " + std::to_string(length) + " bytes"),
                  std::string::npos)
            << r.err;
        EXPECT_EQ(r.err.find("increment"), std::string::npos) << "it rendered first: " << r.err;
        EXPECT_EQ(created(before, tree(dir.path())), std::set<std::string>{}) << length;
    }
    const std::string fits = std::string(246, 'n') + ".exr";  // 250 + ".part" = 255
    write_text(dir.path() / "s.rib", scene("Display \"" + fits + "\" \"openexr\" \"rgba\"\n"));
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::is_regular_file(dir.path() / fits));
}

}  // namespace
