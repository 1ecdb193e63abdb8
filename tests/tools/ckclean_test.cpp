// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckclean (S16, S20, S31, docs/tools.md): the command-line contract; it lists
// without deleting, deletes only with --delete, keeps a live render's files
// and a .part that recovery still needs, honours --older-than, and never
// touches anything else (other files, symlinks, what lies behind them).
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include <ck/output_lock.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;
using ck::test::ProcessResult;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
const std::string kClean = CK_CLEAN_PATH;

void write_text(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string scene(const std::vector<std::string>& displays, int samples)
{
    std::ostringstream rib;
    rib << "Format 16 16 1\n";
    for (size_t i = 0; i < displays.size(); ++i)
        rib << "Display \"" << (i ? "+" : "") << displays[i] << "\" \"openexr\" \"rgba\"\n";
    rib << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [" << samples << "]\n"
        << "Projection \"perspective\" \"fov\" [40]\nTranslate 0 0 5\nWorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.3 0.3 0.35]\n"
        << "  Sphere 1 -1 1 360\nWorldEnd\n";
    return rib.str();
}

ProcessResult render(const TempDir& dir, const std::string& rib, std::vector<std::string> args)
{
    write_text(dir.file("s.rib"), rib);
    args.insert(args.begin(), {kRenderer, "-t", "1"});
    args.push_back("s.rib");
    return run_process(args, dir.path().string());
}

ProcessResult clean(const TempDir& dir, std::vector<std::string> args)
{
    args.insert(args.begin(), kClean);
    return run_process(args, dir.path().string());
}

// Every entry under `root` (not following links) with its content or link target.
std::map<std::string, std::string> snapshot(const fs::path& root)
{
    std::map<std::string, std::string> files;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        const std::string rel = fs::relative(it->path(), root).string();
        if (it->is_symlink())
            files[rel] = "-> " + fs::read_symlink(it->path()).string();
        else if (it->is_regular_file())
            files[rel] = read_text(it->path().string());
        else
            files[rel] = "<dir>";
    }
    return files;
}

void set_age(const std::string& path, double seconds)
{
    struct timespec times[2];
    clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= time_t(seconds);
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
}

bool valid_json(const TempDir& dir, const std::string& json)
{
    const std::string file = dir.file("out.json");
    write_text(file, json);
    auto r = run_process(
        {"/usr/bin/python3", "-c", "import json,sys; json.load(open(sys.argv[1]))", file});
    fs::remove(file);
    return r.exit_code == 0;
}

// A directory as a killed render and a finished deep render leave it:
//   out.exr (checkpoint) + out.exr.part (orphan)    -> the .part goes
//   deep.exr (final) + deep.ddc                      -> stale, goes
//   lone.ddc (no output)                             -> stale, goes
//   live.exr (checkpoint) + live.ddc                 -> kept: recovery needs it
//   notes.txt, foo.zip.part (not ours), .ckrender.lock, a symlink x.exr.part
//   pointing outside, sub/y.exr.part (only with -r), a symlinked directory.
struct Tree {
    TempDir dir, outside;
};

void make_tree(Tree& t)
{
    const TempDir& d = t.dir;
    ASSERT_EQ(render(d, scene({"out.exr"}, 8), {"-checkpoint", ",2i"}).exit_code, 75);
    fs::copy_file(d.file("out.exr"), d.file("live.exr"));
    const std::string bytes = read_text(d.file("out.exr"));
    write_text(d.file("out.exr.part"), bytes.substr(0, bytes.size() / 2));
    ASSERT_EQ(render(d, scene({"deep.exr"}, 2), {}).exit_code, 0);
    write_text(d.file("deep.ddc"), "deep data of the last checkpoint");
    write_text(d.file("lone.ddc"), "deep data without its image");
    write_text(d.file("live.ddc"), "deep data a resume needs");
    write_text(d.file("notes.txt"), "keep me");
    write_text(d.file("foo.zip.part"), "a browser download, not ours");
    write_text(t.outside.file("precious.exr.part"), bytes);
    fs::create_symlink(t.outside.file("precious.exr.part"), d.file("x.exr.part"));
    fs::create_directory(d.file("sub"));
    write_text(d.file("sub/y.exr.part"), bytes.substr(0, 100));
    fs::create_directory_symlink(t.outside.path(), d.file("linked"));
    fs::remove(d.file("s.rib"));
}

TEST(CkcleanCli, HelpVersionNoArgumentsMissingAndNotADirectory)
{
    TempDir dir;
    auto help = run_process({kClean, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("Exit codes"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--delete"), std::string::npos) << help.out;
    auto version = run_process({kClean, "--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.out.find("ckclean "), std::string::npos);
    EXPECT_EQ(run_process({kClean}).exit_code, 2);
    auto missing = clean(dir, {"nowhere"});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_NE(missing.err.find("ckclean: error: nowhere: no such directory"), std::string::npos)
        << missing.err;
    // A file (a damaged image, say) is not a directory: a usage error, untouched.
    write_text(dir.file("damaged.exr.part"), "v/1\x01garbage");
    auto file = clean(dir, {"damaged.exr.part"});
    EXPECT_EQ(file.exit_code, 2) << file.err;
    EXPECT_NE(file.err.find("not a directory"), std::string::npos) << file.err;
    EXPECT_TRUE(fs::exists(dir.file("damaged.exr.part")));
}

TEST(CkcleanCli, OlderThanTakesTimesNotIncrements)
{
    TempDir dir;
    auto increments = clean(dir, {"--older-than", "3i", "."});
    EXPECT_EQ(increments.exit_code, 2);
    EXPECT_NE(increments.err.find("not increments"), std::string::npos) << increments.err;
    EXPECT_EQ(clean(dir, {"--older-than", "5m-3s", "."}).exit_code, 2);
    EXPECT_EQ(clean(dir, {"--older-than", "1h30m", "."}).exit_code, 0);
}

TEST(Ckclean, ListsWithoutDeleting)
{
    Tree t;
    make_tree(t);
    const auto before = snapshot(t.dir.path());
    auto r = clean(t.dir, {"."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(snapshot(t.dir.path()), before) << "listing must change nothing";
    for (const char* listed :
         {"out.exr.part: orphaned .part", "deep.ddc: stale .ddc", "lone.ddc: stale .ddc"})
        EXPECT_NE(r.out.find(listed), std::string::npos) << listed << "\n" << r.out;
    for (const char* unlisted :
         {"live.ddc", "notes.txt", "foo.zip.part", "x.exr.part", "y.exr.part", "precious"})
        EXPECT_EQ(r.out.find(unlisted), std::string::npos) << unlisted << "\n" << r.out;
    EXPECT_NE(r.out.find("3 file(s)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("run with --delete"), std::string::npos) << r.out;

    auto json = clean(t.dir, {"--json", "-r", "."});
    EXPECT_EQ(json.exit_code, 0);
    EXPECT_TRUE(valid_json(t.dir, json.out)) << json.out;
    EXPECT_NE(json.out.find("\"action\":\"would-remove\""), std::string::npos) << json.out;
}

TEST(Ckclean, DeletesOnlyWithDeleteAndNothingElse)
{
    Tree t;
    make_tree(t);
    auto expected = snapshot(t.dir.path());
    const auto outside = snapshot(t.outside.path());
    auto r = clean(t.dir, {"--delete", "."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const char* gone : {"out.exr.part", "deep.ddc", "lone.ddc"})
        expected.erase(gone);
    EXPECT_EQ(snapshot(t.dir.path()), expected);
    EXPECT_EQ(snapshot(t.outside.path()), outside) << "never through a symlink";
    EXPECT_NE(r.out.find("removed 3 file(s)"), std::string::npos) << r.out;

    // -r descends into sub/, still not into the symlinked directory.
    auto deep = clean(t.dir, {"--delete", "-r", "."});
    EXPECT_EQ(deep.exit_code, 0) << deep.err;
    expected.erase("sub/y.exr.part");
    EXPECT_EQ(snapshot(t.dir.path()), expected);
    EXPECT_EQ(snapshot(t.outside.path()), outside);
}

TEST(Ckclean, KeepsTheFilesOfALiveRender)
{
    Tree t;
    make_tree(t);
    // This process plays the live ckrender of out.exr and live.exr... and deep.exr.
    auto lock = ck::OutputLock::acquire({t.dir.file("out.exr"), t.dir.file("deep.exr")});
    ASSERT_TRUE(lock.is_ok()) << lock.status().message();
    auto r = clean(t.dir, {"--delete", "."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(t.dir.file("out.exr.part")));
    EXPECT_TRUE(fs::exists(t.dir.file("deep.ddc")));
    EXPECT_FALSE(fs::exists(t.dir.file("lone.ddc")));
    EXPECT_NE(r.err.find("a live ckrender is rendering"), std::string::npos) << r.err;
    lock->release();
    EXPECT_EQ(clean(t.dir, {"--delete", "."}).exit_code, 0);
    EXPECT_FALSE(fs::exists(t.dir.file("out.exr.part")));
}

TEST(Ckclean, KeepsAPartThatCompletesAnInterruptedCommit)
{
    TempDir dir;
    const std::string rib = scene({"a.exr", "b.exr"}, 12);
    ASSERT_EQ(render(dir, rib, {"-checkpoint", ",2i"}).exit_code, 75);
    fs::copy_file(dir.file("b.exr"), dir.file("b-gen1"));
    ASSERT_EQ(render(dir, rib, {"-recover", "1", "-checkpoint", ",4i"}).exit_code, 75);
    fs::rename(dir.file("b.exr"), dir.file("b.exr.part"));
    fs::rename(dir.file("b-gen1"), dir.file("b.exr"));
    auto r = clean(dir, {"--delete", "."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir.file("b.exr.part")));
    EXPECT_NE(r.err.find("interrupted commit"), std::string::npos) << r.err;
}

// Issue 11 (S2): the same for a bucket render's TIFF checkpoints, whose
// header is in the picture page's description.
TEST(Ckclean, KeepsATiffPartThatCompletesAnInterruptedCommit)
{
    TempDir dir;
    std::string rib = scene({"a.tif", "b.tif"}, 1000000);
    for (size_t at = rib.find("\"openexr\""); at != std::string::npos;
         at = rib.find("\"openexr\"", at))
        rib.replace(at, 9, "\"tiff\"");
    rib.replace(rib.find("\"int incremental\" [1]"), 21, "\"int incremental\" [0]");
    ASSERT_EQ(render(dir, rib, {"-checkpoint", ",0.3s"}).exit_code, 75);
    fs::copy_file(dir.file("b.tif"), dir.file("b-gen1"));
    ASSERT_EQ(render(dir, rib, {"-recover", "1", "-checkpoint", ",0.3s"}).exit_code, 75);
    fs::rename(dir.file("b.tif"), dir.file("b.tif.part"));
    fs::rename(dir.file("b-gen1"), dir.file("b.tif"));
    auto r = clean(dir, {"--delete", "."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir.file("b.tif.part")));
    EXPECT_NE(r.err.find("interrupted commit"), std::string::npos) << r.err;

    // Once the commit is completed (the rename -recover 1 does), a .part of
    // the same generation is an orphan and goes.
    fs::copy_file(dir.file("b.tif.part"), dir.file("b.tif"), fs::copy_options::overwrite_existing);
    auto again = clean(dir, {"--delete", "."});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_FALSE(fs::exists(dir.file("b.tif.part"))) << again.err;
}

TEST(Ckclean, KeepsTheFinalOfAFinalWriteKilledBetweenItsRenames)
{
    TempDir dir;
    const std::string rib = scene({"a.exr", "b.exr"}, 6);
    ASSERT_EQ(render(dir, rib, {"-checkpoint", ",2i"}).exit_code, 75);
    // The resumed run writes no checkpoint: its renames are the final write's.
    auto killed = run_process({kRenderer, "-t", "1", "-recover", "1", "s.rib"},
                              dir.path().string(), 120,
                              {"CKRENDER_FAULT_INJECT=commit.rename@2:kill"});
    ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
    auto r = clean(dir, {"--delete", "."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir.file("b.exr.part")));
    EXPECT_NE(r.err.find("final write killed between its renames"), std::string::npos) << r.err;
    // Once recovery has renamed it, there is nothing left to keep.
    ASSERT_EQ(render(dir, rib, {"-recover", "1"}).exit_code, 0);
    EXPECT_FALSE(fs::exists(dir.file("b.exr.part")));
}

TEST(Ckclean, OlderThanLeavesYoungerFiles)
{
    Tree t;
    make_tree(t);
    set_age(t.dir.file("deep.ddc"), 3 * 3600);
    auto r = clean(t.dir, {"--delete", "--older-than", "2h", "."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(t.dir.file("deep.ddc")));
    EXPECT_TRUE(fs::exists(t.dir.file("out.exr.part")));
    EXPECT_TRUE(fs::exists(t.dir.file("lone.ddc")));
    EXPECT_NE(r.err.find("younger than 2h"), std::string::npos) << r.err;
}

// ckstrip's temporary file OUT.ckstrip-PID-RANDOM.part belongs to OUT: kept while
// OUT's lock is held (a ckstrip at work), removed once it is orphaned.
TEST(CkcleanToolTemp, OrphanedCkstripTemporaryBelongsToItsOutput)
{
    TempDir dir;
    const std::string out = dir.file("shot.exr");
    write_text(out, std::string("\x76\x2f\x31\x01", 4) + std::string(60, '\0'));
    // PID 1 is alive but never a ckstrip of ours: use a PID that cannot exist.
    const std::string temp = dir.file("shot.exr.ckstrip-999999999-a1b2c3.part");
    write_text(temp, std::string("\x76\x2f\x31\x01", 4) + std::string(60, '\0'));
    {
        auto lock = ck::OutputLock::acquire({out});
        ASSERT_TRUE(lock) << lock.status().message();
        ProcessResult r = clean(dir, {"--delete", "."});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(fs::exists(temp)) << r.out << r.err;
        EXPECT_NE((r.out + r.err).find("shot.exr"), std::string::npos);
    }
    ProcessResult r = clean(dir, {"."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("a ckstrip write that never finished"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("shot.exr is intact"), std::string::npos) << r.out;
    r = clean(dir, {"--delete", "."});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(temp));
    EXPECT_TRUE(fs::exists(out));
}

TEST(CkcleanCli, NoSpecTagsInHelp)
{
    ProcessResult r = run_process({kClean, "--help"});
    EXPECT_EQ(r.exit_code, 0);
    for (const char* tag : {"S16", "S20", "B2"})
        EXPECT_EQ(r.out.find(tag), std::string::npos) << r.out;
}

}  // namespace
