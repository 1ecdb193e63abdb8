// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckverify (S31, docs/tools.md): the command-line contract, the integrity
// check of image files, and, for every outcome, that the verdict on a scene
// is what `ckrender -recover 1` then does. Every situation is built with the
// real ckrender in a temporary directory.
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include <ck/checkpoint.h>
#include <ck/output_lock.h>

#include <OpenImageIO/imagebufalgo.h>
#include <OpenImageIO/imageio.h>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using ck::test::ProcessResult;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
const std::string kVerify = CK_VERIFY_PATH;

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

// A small lit scene, incremental, `samples` per pixel, one line per display.
std::string scene(const std::vector<std::string>& displays, int samples,
                  const std::string& colour = "0.7 0.5 0.3")
{
    std::ostringstream rib;
    rib << "Format 24 24 1\n";
    for (size_t i = 0; i < displays.size(); ++i)
        rib << "Display \"" << (i ? "+" : "") << displays[i] << "\" \""
            << (displays[i].find(".tif") != std::string::npos ? "tiff" : "openexr")
            << "\" \"rgba\"\n";
    rib << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [" << samples << "]\n"
        << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n"
        << "WorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.3 0.3 0.35]\n"
        << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [" << colour << "]\n"
        << "  Sphere 1 -1 1 360\n"
        << "WorldEnd\n";
    return rib.str();
}

ProcessResult render(const TempDir& dir, const std::vector<std::string>& args)
{
    std::vector<std::string> argv = {kRenderer, "-t", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("s.rib");
    return run_process(argv, dir.path().string());
}

ProcessResult verify(const TempDir& dir, std::vector<std::string> args)
{
    args.insert(args.begin(), kVerify);
    return run_process(args, dir.path().string());
}

// The string value of the first `"key":"..."` in compact JSON (unescaped).
std::string json_string(const std::string& json, const std::string& key)
{
    const std::string open = "\"" + key + "\":\"";
    size_t p = json.find(open);
    if (p == std::string::npos)
        return "";
    std::string value;
    for (p += open.size(); p < json.size() && json[p] != '"'; ++p) {
        if (json[p] == '\\' && p + 1 < json.size())
            ++p;
        value += json[p];
    }
    return value;
}

// True when `json` parses as JSON (Python's parser, the reference).
bool valid_json(const TempDir& dir, const std::string& json)
{
    const std::string file = dir.file("out.json");
    write_text(file, json);
    auto r = run_process(
        {"/usr/bin/python3", "-c", "import json,sys; json.load(open(sys.argv[1]))", file});
    return r.exit_code == 0;
}

// ckverify's verdict on s.rib: exit code, outcome and message, JSON checked.
struct Verdict {
    int exit_code = -1;
    std::string outcome, message, json, text;
};

Verdict verdict_of(const TempDir& dir)
{
    Verdict v;
    auto r = verify(dir, {"--json", "s.rib"});
    v.exit_code = r.exit_code;
    v.json = r.out;
    EXPECT_TRUE(valid_json(dir, r.out)) << r.out;
    v.outcome = json_string(r.out, "outcome");
    v.message = json_string(r.out, "message");
    v.text = verify(dir, {"s.rib"}).out;
    return v;
}

// ckrender -recover 1 started from scratch, saying exactly ckverify's reason.
void expect_ckrender_starts_over(const TempDir& dir, const Verdict& v)
{
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: starting from scratch: " + v.message), std::string::npos)
        << "ckverify said: " << v.message << "\nckrender said:\n"
        << r.err;
    EXPECT_EQ(r.err.find("recover: resuming"), std::string::npos) << r.err;
}

// ckrender -recover 1 resumed the render ckverify named, from the same sample.
void expect_ckrender_resumes(const TempDir& dir, const Verdict& v)
{
    const std::string id = json_string(v.json, "render_id").substr(0, 8);
    ASSERT_EQ(id.size(), 8u) << v.json;
    const size_t g = v.json.find("\"generation\":");
    const size_t m = v.json.find("\"min_samples\":");
    ASSERT_NE(g, std::string::npos);
    ASSERT_NE(m, std::string::npos);
    const std::string generation = std::to_string(std::stoll(v.json.substr(g + 13)));
    const std::string samples = std::to_string(std::stoll(v.json.substr(m + 14)));
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: resuming render " + id + " generation " + generation + " from " +
                         samples + (samples == "1" ? " sample per pixel" : " samples per pixel")),
              std::string::npos)
        << v.json << "\n"
        << r.err;
}

// --- The command-line contract.

TEST(CkverifyCli, HelpVersionNoArguments)
{
    auto help = run_process({kVerify, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("Exit codes"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("-recover 1"), std::string::npos) << help.out;
    auto version = run_process({kVerify, "--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.out.find("ckverify "), std::string::npos) << version.out;
    auto none = run_process({kVerify});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("ckverify: error:"), std::string::npos) << none.err;
    auto bad = run_process({kVerify, "--no-such-option", "x.exr"});
    EXPECT_EQ(bad.exit_code, 2);
}

TEST(CkverifyCli, MissingEmptyTextAndDamagedFilesEachGetAnAnswer)
{
    TempDir dir;
    auto missing = verify(dir, {"nope.exr"});
    EXPECT_EQ(missing.exit_code, 3);
    EXPECT_NE(missing.err.find("ckverify: error: nope.exr:"), std::string::npos) << missing.err;

    write_text(dir.file("empty.exr"), "");
    auto empty = verify(dir, {"empty.exr"});
    EXPECT_EQ(empty.exit_code, 1);
    EXPECT_NE(empty.err.find("empty.exr"), std::string::npos) << empty.err;

    // A checkpoint cut short, as a killed writer leaves it.
    write_text(dir.file("s.rib"), scene({"out.exr"}, 20));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    const std::string bytes = read_text(dir.file("out.exr"));
    write_text(dir.file("cut"), bytes.substr(0, bytes.size() * 2 / 3));
    auto cut = verify(dir, {"cut"});
    EXPECT_EQ(cut.exit_code, 1) << cut.out << cut.err;
    EXPECT_NE(cut.err.find("ckverify: error: cut:"), std::string::npos) << cut.err;

    // One bad file does not stop the others; the worst code wins.
    auto several = verify(dir, {"out.exr", "cut", "nope.exr"});
    EXPECT_EQ(several.exit_code, 3);
    EXPECT_NE(several.out.find("out.exr: OK: checkpoint"), std::string::npos) << several.out;
    EXPECT_EQ(several.out.rfind("FAILURE"), several.out.rfind('\n', several.out.size() - 2) + 1)
        << "the last line says FAILURE:\n"
        << several.out;

    auto json = verify(dir, {"--json", "out.exr", "cut", "nope.exr", "empty.exr", "s.rib"});
    EXPECT_EQ(json.exit_code, 3);
    EXPECT_TRUE(valid_json(dir, json.out)) << json.out;
}

TEST(CkverifyCli, SceneThatDoesNotParseGivesFileLineColumn)
{
    TempDir dir;
    write_text(dir.file("s.rib"), "Format 8 8 1\nWorldBegin\nSphere \"a\"\nWorldEnd\n");
    auto r = verify(dir, {"s.rib"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("s.rib:3:8: Sphere: expected 4 numbers"), std::string::npos) << r.err;
}

// --- Image files.

TEST(CkverifyImages, CheckpointFinalAndPartAreCheckedInFull)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 6));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    auto ck = verify(dir, {"-v", "out.exr"});
    EXPECT_EQ(ck.exit_code, 0) << ck.err;
    EXPECT_NE(ck.out.find("out.exr: OK: checkpoint, 24x24, 2 of 6 samples per pixel"),
              std::string::npos)
        << ck.out;
    EXPECT_EQ(ck.out.substr(ck.out.size() - 5), "PASS\n") << ck.out;

    fs::copy_file(dir.file("out.exr"), dir.file("out.exr.part"));
    auto part = verify(dir, {"out.exr.part"});
    EXPECT_EQ(part.exit_code, 0) << part.err;
    EXPECT_NE(part.err.find("never committed"), std::string::npos) << part.err;

    ASSERT_EQ(render(dir, {}).exit_code, 0);
    auto final_image = verify(dir, {"out.exr"});
    EXPECT_EQ(final_image.exit_code, 0) << final_image.err;
    EXPECT_NE(final_image.out.find("out.exr: OK: final"), std::string::npos) << final_image.out;
}

TEST(CkverifyImages, AlteredPixelStateIsDamage)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 6));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    // Rewrite the checkpoint with one colour value changed and the metadata kept.
    // Every channel, in the order stored (the names are in ck:headerHash).
    auto image = ck::read_checkpoint(dir.file("out.exr"), {});
    ASSERT_TRUE(image.is_ok()) << image.status().message();
    OIIO::ImageSpec spec = image->spec;
    spec.channelformats.clear();
    std::vector<float> pixels = image->pixels;
    pixels[size_t(spec.channelindex("R"))] += 0.25f;
    auto out = OIIO::ImageOutput::create("openexr");
    ASSERT_TRUE(out && out->open(dir.file("altered.exr"), spec));
    ASSERT_TRUE(out->write_image(OIIO::TypeFloat, pixels.data()));
    out->close();
    auto r = verify(dir, {"altered.exr"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("ck:stateHash"), std::string::npos) << r.err;
}

// --- Scenes: every outcome, and ckrender -recover 1 agreeing with it.

TEST(CkverifyAgreesWithCkrender, Missing)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 4));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_EQ(v.outcome, "missing");
    EXPECT_NE(v.text.find("frame 0: would start from scratch: out.exr is missing"),
              std::string::npos)
        << v.text;
    expect_ckrender_starts_over(dir, v);
}

TEST(CkverifyAgreesWithCkrender, ResumableFromSampleNWithTimes)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 12));
    ASSERT_EQ(render(dir, {"-checkpoint", ",3i"}).exit_code, 75);
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.outcome, "resumable");
    EXPECT_NE(v.text.find("frame 0: resumable from 3 samples per pixel of 12"), std::string::npos)
        << v.text;
    EXPECT_NE(v.text.find("in total"), std::string::npos) << v.text;
    EXPECT_EQ(v.text.substr(v.text.size() - 5), "PASS\n") << v.text;
    expect_ckrender_resumes(dir, v);
}

TEST(CkverifyAgreesWithCkrender, Finished)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 4));
    ASSERT_EQ(render(dir, {}).exit_code, 0);
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.outcome, "finished");
    // ckrender skips the frame, in ckverify's words, and renders nothing.
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: " + v.message), std::string::npos)
        << "ckverify said: " << v.message << "\nckrender said:\n"
        << r.err;
    EXPECT_NE(v.message.find("nothing to render"), std::string::npos) << v.message;
    EXPECT_EQ(r.err.find("sampling starts"), std::string::npos) << r.err;
}

TEST(CkverifyAgreesWithCkrender, FingerprintMismatchSaysWhatChanged)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 12));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    write_text(dir.file("s.rib"), scene({"out.exr"}, 12, "0.2 0.5 0.3"));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_EQ(v.outcome, "fingerprint-mismatch");
    EXPECT_NE(v.message.find("changed: materials"), std::string::npos) << v.message;
    expect_ckrender_starts_over(dir, v);
}

TEST(CkverifyAgreesWithCkrender, Damaged)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 12));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    const std::string bytes = read_text(dir.file("out.exr"));
    write_text(dir.file("out.exr"), bytes.substr(0, bytes.size() / 2));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_EQ(v.outcome, "damaged");
    expect_ckrender_starts_over(dir, v);
}

// Two displays: checkpoint generation 1, keep a copy of b.exr, resume to
// generation 2. Returns the path of the generation-1 copy.
std::string two_generations(const TempDir& dir)
{
    write_text(dir.file("s.rib"), scene({"a.exr", "b.exr"}, 12));
    EXPECT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    fs::copy_file(dir.file("b.exr"), dir.file("b-gen1"));
    EXPECT_EQ(render(dir, {"-recover", "1", "-checkpoint", ",4i"}).exit_code, 75);
    return dir.file("b-gen1");
}

TEST(CkverifyAgreesWithCkrender, FilesFromDifferentCheckpoints)
{
    TempDir dir;
    const std::string gen1 = two_generations(dir);
    fs::copy_file(gen1, dir.file("b.exr"), fs::copy_options::overwrite_existing);
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_EQ(v.outcome, "mixed");
    EXPECT_NE(v.message.find("files from different checkpoints"), std::string::npos) << v.message;
    expect_ckrender_starts_over(dir, v);
}

TEST(CkverifyAgreesWithCkrender, KilledBetweenTheRenamesOfACommit)
{
    TempDir dir;
    const std::string gen1 = two_generations(dir);
    // b.exr renamed back to generation 1 with generation 2 still in its .part (B2).
    fs::rename(dir.file("b.exr"), dir.file("b.exr.part"));
    fs::copy_file(gen1, dir.file("b.exr"));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.outcome, "interrupted-commit");
    EXPECT_NE(v.text.find("completes it from the .part of b.exr"), std::string::npos) << v.text;
    auto check = run_process({kRenderer, "-t", "1", "-recover", "1", "s.rib"}, dir.path().string());
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.err.find("recover: completed the interrupted commit of b.exr"),
              std::string::npos)
        << check.err;
    EXPECT_NE(check.err.find("recover: resuming render"), std::string::npos) << check.err;
}

// Found by the fault sweep (tests/checkpoint/fault_sweep_test.cpp): a kill
// between the two renames of the final write left a.exr final and b.exr a
// checkpoint, and -recover 1 rendered the whole frame again.
TEST(CkverifyAgreesWithCkrender, KilledBetweenTheRenamesOfTheFinalWrite)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"a.exr", "b.exr"}, 6));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    // The resumed run writes no checkpoint: its renames are the final write's.
    auto killed = run_process({kRenderer, "-t", "1", "-recover", "1", "s.rib"},
                              dir.path().string(), 120,
                              {"CKRENDER_FAULT_INJECT=commit.rename@2:kill"});
    ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
    ASSERT_TRUE(fs::exists(dir.file("b.exr.part")));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 0) << v.text;
    EXPECT_EQ(v.outcome, "finished");
    EXPECT_NE(v.message.find("killed between the renames of its final write"), std::string::npos)
        << v.message;
    EXPECT_NE(v.message.find("renames the final of b.exr into place"), std::string::npos)
        << v.message;
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: completed the interrupted final write of b.exr"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("sampling starts"), std::string::npos) << "rendered again:\n" << r.err;
    EXPECT_FALSE(fs::exists(dir.file("b.exr.part")));
    EXPECT_EQ(verdict_of(dir).outcome, "finished");
}

// Issue 10, item 8: maxsamples raised after a kill between the renames of
// the final write kept the old sample count ("finished"). b.exr is still the
// last checkpoint, which holds the whole state: the frame continues from it
// to the new target, bit-identical to a render made at that target at once.
TEST(CkverifyAgreesWithCkrender, RaisedSamplesAfterAnInterruptedFinalWriteContinue)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"a.exr", "b.exr"}, 6));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    auto killed = run_process({kRenderer, "-t", "1", "-recover", "1", "s.rib"},
                              dir.path().string(), 120,
                              {"CKRENDER_FAULT_INJECT=commit.rename@2:kill"});
    ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
    write_text(dir.file("s.rib"), scene({"a.exr", "b.exr"}, 9));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.outcome, "resumable") << v.text;
    EXPECT_NE(v.message.find("(its final write at 6 samples per pixel was interrupted; the scene now asks for 9)"),
              std::string::npos)
        << v.message;
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("recover: resuming render"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("b.exr.part")));

    TempDir fresh;
    write_text(fresh.file("s.rib"), scene({"a.exr", "b.exr"}, 9));
    ASSERT_EQ(render(fresh, {}).exit_code, 0);
    for (const char* name : {"a.exr", "b.exr"}) {
        OIIO::ImageBuf got(dir.file(name)), want(fresh.file(name));
        const auto cmp = OIIO::ImageBufAlgo::compare(got, want, 0.0f, 0.0f);
        EXPECT_FALSE(cmp.error) << name;
        EXPECT_EQ(cmp.nfail, 0u) << name << " differs from a render at 9 samples at once";
        EXPECT_EQ(cmp.maxerror, 0.0) << name;
    }
}

TEST(CkverifyAgreesWithCkrender, KilledDuringACheckpointThePreviousOneIsIntact)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 12));
    ASSERT_EQ(render(dir, {"-checkpoint", ",3i"}).exit_code, 75);
    // What a writer killed half way through the next checkpoint leaves.
    const std::string bytes = read_text(dir.file("out.exr"));
    write_text(dir.file("out.exr.part"), bytes.substr(0, bytes.size() / 3));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.outcome, "killed-during-checkpoint");
    EXPECT_NE(v.text.find("killed during a checkpoint (orphaned out.exr.part); the previous "
                          "checkpoint is intact: resumable from 3 samples per pixel"),
              std::string::npos)
        << v.text;
    expect_ckrender_resumes(dir, v);
}

TEST(CkverifyAgreesWithCkrender, DisplaySetChanged)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"a.exr", "b.exr"}, 12));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    write_text(dir.file("s.rib"), scene({"b.exr", "a.exr"}, 12));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_EQ(v.outcome, "display-set-changed");
    expect_ckrender_starts_over(dir, v);
}

TEST(CkverifyAgreesWithCkrender, OutputThatCannotHoldACheckpoint)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.tif"}, 4));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_EQ(v.outcome, "not-checkpointable");
    auto r = render(dir, {"-recover", "1"});
    EXPECT_NE(r.err.find("recover: starting from scratch: outputs cannot hold a checkpoint"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(v.message.rfind("outputs cannot hold a checkpoint", 0), 0u) << v.message;
}

// Issue 11, item 5 (S2): a bucket render's TIFF and OpenEXR checkpoints:
// ckverify predicts the resume, and a TIFF another program rewrote is damage
// in both, with the same reason.
TEST(CkverifyAgreesWithCkrender, BucketTiffCheckpointsResumeAndARewrittenOneIsDamage)
{
    TempDir dir;
    std::string rib = scene({"a.tif", "b.exr"}, 1000000);
    rib.replace(rib.find("\"int incremental\" [1]"), 21, "\"int incremental\" [0]");
    write_text(dir.file("s.rib"), rib);
    ASSERT_EQ(render(dir, {"-checkpoint", ",0.5s"}).exit_code, 75);
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 0) << v.text;
    EXPECT_EQ(v.outcome, "resumable") << v.json;
    {
        ProcessResult r = run_process({kRenderer, "-t", "1", "-recover", "1", "-checkpoint",
                                       ",0.5s", "s.rib"},
                                      dir.path().string());
        EXPECT_EQ(r.exit_code, 75) << r.err;
        EXPECT_NE(r.err.find("recover: resuming render " + json_string(v.json, "render_id").substr(0, 8)),
                  std::string::npos)
            << r.err;
    }
    // The first page alone, as oiiotool in.tif -o out.tif writes it: the state is gone.
    {
        auto in = OIIO::ImageInput::open(dir.file("a.tif"));
        ASSERT_TRUE(in);
        OIIO::ImageSpec spec = in->spec();
        std::vector<float> px(size_t(spec.image_pixels()) * size_t(spec.nchannels));
        ASSERT_TRUE(in->read_image(0, 0, 0, spec.nchannels, OIIO::TypeFloat, px.data()));
        in.reset();
        auto out = OIIO::ImageOutput::create("tif");
        ASSERT_TRUE(out && out->open(dir.file("a.tif"), spec));
        ASSERT_TRUE(out->write_image(OIIO::TypeFloat, px.data()) && out->close());
    }
    const Verdict d = verdict_of(dir);
    EXPECT_EQ(d.exit_code, 1) << d.text;
    EXPECT_EQ(d.outcome, "damaged") << d.json;
    EXPECT_NE(d.message.find("the state page (the second page) is missing"), std::string::npos)
        << d.message;
    ProcessResult r = run_process({kRenderer, "-t", "1", "-recover", "1", "-checkpoint", ",0.5s",
                                   "s.rib"},
                                  dir.path().string());
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("recover: starting from scratch: " + d.message), std::string::npos)
        << "ckverify said: " << d.message << "\nckrender said:\n"
        << r.err;
}

TEST(CkverifyAgreesWithCkrender, RenderInProgress)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 12));
    ASSERT_EQ(render(dir, {"-checkpoint", ",3i"}).exit_code, 75);
    // This process plays the live ckrender: it holds the output lock.
    auto lock = ck::OutputLock::acquire({dir.file("out.exr")});
    ASSERT_TRUE(lock.is_ok()) << lock.status().message();
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.outcome, "in-progress");
    EXPECT_NE(v.text.find("render in progress"), std::string::npos) << v.text;
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("being rendered by another ckrender process"), std::string::npos) << r.err;
}

// A PNM or PNG is an image in a format the tools do not read: named, never
// parsed as RIB (a binary PPM of printable bytes looked like text before).
TEST(CkverifyImages, OtherImageFormatsAreNamedNeverParsedAsRib)
{
    TempDir dir;
    write_text(dir.file("pic.ppm"), "P6\n4 4\n255\n" + std::string(48, 'A'));
    write_text(dir.file("pic.png"), std::string("\x89PNG\r\n\x1a\n", 8) + std::string(40, '\0'));
    for (const char* name : {"pic.ppm", "pic.png"}) {
        auto r = verify(dir, {name});
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_NE(r.err.find("an image format ckinfo"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find(std::string(name) + ":1:"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("text"), std::string::npos) << r.err;
    }
}

// oiiotool --ch R,G,B,A keeps the ck: keys and drops ~w.
TEST(CkverifyImages, CheckpointMetadataWithoutItsState)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 6));
    ASSERT_EQ(render(dir, {"-checkpoint", ",2i"}).exit_code, 75);
    OIIO::ImageBuf in(dir.file("out.exr"));
    ASSERT_TRUE(in.read(0, 0, true, OIIO::TypeFloat));
    std::vector<int> order;
    for (const char* c : {"R", "G", "B", "A"})
        order.push_back(in.spec().channelindex(c));
    OIIO::ImageBuf rgba = OIIO::ImageBufAlgo::channels(in, 4, order, {}, {"R", "G", "B", "A"});
    ASSERT_TRUE(rgba.write(dir.file("shuffled.exr")));
    auto r = verify(dir, {"shuffled.exr"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.out.find("checkpoint metadata without its state"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("ckstrip removes the leftover keys"), std::string::npos) << r.err;
}

// Issue 10, item 9: a directory where a checkpoint belongs is one rule with
// one word in both programs: ckrender refuses the scene (exit 1) before it
// looks at checkpoints, and ckverify on the scene says exactly that.
TEST(CkverifyAgreesWithCkrender, ADirectoryInPlaceOfTheCheckpointRefusesTheScene)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 4));
    fs::create_directory(dir.file("out.exr"));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    const std::string refusal = "s.rib:2:1: Display \"out.exr\" is a directory, not an image file";
    EXPECT_NE(v.text.find("s.rib: ckrender would refuse the scene and change nothing: " + refusal),
              std::string::npos)
        << v.text;
    EXPECT_EQ(v.text.find("damaged"), std::string::npos) << v.text;
    EXPECT_EQ(v.text.find("from scratch"), std::string::npos) << v.text;
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("ckrender: error: " + refusal), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_directory(dir.file("out.exr")));
}

// The same shared rule for two displays that write one file, spelled two ways:
// ckverify predicts ckrender's refusal word for word, and nothing is written.
TEST(CkverifyAgreesWithCkrender, TwoDisplaysOnOneFileRefuseTheScene)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr", "./out.exr"}, 4));
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    const std::string refusal =
        "s.rib:3:1: Display \"./out.exr\" writes the same file as the Display at s.rib:2:1";
    EXPECT_NE(v.text.find("s.rib: ckrender would refuse the scene and change nothing: " + refusal),
              std::string::npos)
        << v.text;
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("ckrender: error: " + refusal), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("out.exr")));
}

// An unreadable checkpoint (here a FIFO) stops ckrender with an I/O error and
// changes nothing; ckverify's last line says so instead of "would start from
// scratch".
TEST(CkverifyAgreesWithCkrender, AnUnreadableCheckpointWouldStopNotStartOver)
{
    TempDir dir;
    write_text(dir.file("s.rib"), scene({"out.exr"}, 4));
    ASSERT_EQ(::mkfifo(dir.file("out.exr").c_str(), 0600), 0);
    const Verdict v = verdict_of(dir);
    EXPECT_EQ(v.exit_code, 1);
    EXPECT_EQ(v.outcome, "unreadable");
    EXPECT_NE(v.text.find("frame 0: would stop with an I/O error and change nothing: "),
              std::string::npos)
        << v.text;
    EXPECT_NE(v.text.find("s.rib: 1 of 1 frame would stop with an I/O error\n"), std::string::npos)
        << v.text;
    EXPECT_EQ(v.text.find("from scratch"), std::string::npos) << v.text;
    auto r = render(dir, {"-recover", "1"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("nothing was rendered or changed"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::is_fifo(fs::symlink_status(dir.file("out.exr"))));
}

}  // namespace
