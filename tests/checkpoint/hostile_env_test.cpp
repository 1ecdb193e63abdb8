// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Signals and limits that used to kill silently (issue 10, item 4):
// - `ulimit -f` sends SIGXFSZ on the write that crosses it, which killed
//   ckrender with 153; now the write fails with EFBIG and is reported like a
//   full disk (a failed checkpoint warns and the render goes on; a final that
//   cannot be written is exit 3, B7).
// - a log reader that goes away (`ckrender ... 2>&1 | head -c 1`) sent SIGPIPE
//   on the next log line, which killed the render with 141 and no checkpoint;
//   now the line is lost and the render finishes.
// - with stderr closed, the next file ckrender opened (the output lock) became
//   descriptor 2 and received the log lines; now closed standard descriptors
//   get /dev/null first.
// Each case runs under a time cap (run_process's timeout), so a hang fails too.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "checkpoint_test_util.h"

#include <ck/checkpoint.h>

#include <OpenImageIO/imageio.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ck::test::image_pixels;
using ck::test::read_file;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
const std::string kCore = (fs::path(CK_RENDERER_PATH).parent_path() / "ckrender-core").string();
constexpr int kTimeout = 120;
constexpr int kHangCap = 20;  ///< a case that blocks is killed here and fails

// 24 samples, a checkpoint after each: plenty of log lines and writes.
std::string scene(int size, const std::string& options = "")
{
    return options + "Format " + std::to_string(size) + " " + std::to_string(size) + " 1\n"
           "Display \"out.exr\" \"openexr\" \"rgba\"\n"
           "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [24]\n"
           "Projection \"perspective\" \"fov\" [40]\n"
           "Translate 0 0 5\n"
           "WorldBegin\n"
           "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
           "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
           "  Sphere 1 -1 1 360\n"
           "WorldEnd\n";
}

// The same scene rendered undisturbed, in its own directory: the pixels a
// disturbed render must still produce.
std::vector<float> reference_pixels(int size)
{
    TempDir ref;
    std::ofstream(ref.file("s.rib")) << scene(size);
    auto r = run_process({kRenderer, "-t", "2", "s.rib"}, ref.path().string(), kTimeout);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return image_pixels(ref.file("out.exr"));
}

// Runs `script` with bash, $0 being the renderer and $1 the core.
ck::test::ProcessResult shell(const TempDir& dir, const std::string& script)
{
    return run_process({"/bin/bash", "-c", script, kRenderer, kCore}, dir.path().string(),
                       kTimeout);
}

std::uintmax_t lock_size(const TempDir& dir)
{
    std::error_code ec;
    const auto size = fs::file_size(dir.path() / ".ckrender.lock", ec);
    return ec ? 0 : size;
}

TEST(HostileEnvironment, FileSizeLimitIsAWriteErrorNotADeath)
{
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << scene(96);
    // 8 KiB: smaller than any checkpoint or final of this frame.
    auto r = shell(dir, "ulimit -f 8; exec \"$0\" -t 2 -checkpoint 1i s.rib");
    EXPECT_EQ(r.exit_code, 3) << "153 is death by SIGXFSZ\n" << r.err;
    EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("ckrender: error: out.exr.part: write failed: File too large"),
              std::string::npos)
        << "the final's failure names the file\n"
        << r.err;
    // Every checkpoint failed the same way and was reported, none committed.
    EXPECT_EQ(r.err.find(" committed ("), std::string::npos) << r.err;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        EXPECT_NE(entry.path().extension(), ".part") << "left behind: " << entry.path();
}

TEST(HostileEnvironment, FileSizeLimitAfterACheckpointKeepsIt)
{
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << scene(96);
    // A first run stops after a checkpoint at 4 samples...
    auto first = shell(dir, "exec \"$0\" -t 2 -checkpoint 4i,4i s.rib");
    ASSERT_EQ(first.exit_code, 75) << first.err;
    const auto before = image_pixels(dir.file("out.exr"));
    ASSERT_FALSE(before.empty());
    // ...the resume cannot write anything: exit 3, the checkpoint untouched.
    auto r = shell(dir, "ulimit -f 8; exec \"$0\" -t 2 -checkpoint 1i -recover 1 s.rib");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
    EXPECT_EQ(image_pixels(dir.file("out.exr")), before) << "the last good checkpoint";
    // Room again: the recovery finishes the frame as if nothing happened.
    auto done = shell(dir, "exec \"$0\" -t 2 -recover 1 s.rib");
    ASSERT_EQ(done.exit_code, 0) << done.err;
    EXPECT_EQ(image_pixels(dir.file("out.exr")), reference_pixels(96))
        << "first:\n" << first.err << "limited:\n" << r.err << "resumed:\n" << done.err;
}

TEST(HostileEnvironment, ClosedLogPipeKeepsRendering)
{
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << scene(64);
    // The reader takes one byte and goes away; every later line is EPIPE.
    auto r = shell(dir, "\"$0\" -t 2 -checkpoint 1i s.rib 2>&1 | head -c 1 >/dev/null; "
                        "exit ${PIPESTATUS[0]}");
    EXPECT_EQ(r.exit_code, 0) << "141 is death by SIGPIPE\n" << r.err;
    EXPECT_EQ(image_pixels(dir.file("out.exr")), reference_pixels(64));
}

TEST(HostileEnvironment, ClosedProgressPipeKeepsRendering)
{
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << scene(64);
    // -progress writes RenderMan's "R90000  NN%" lines to stdout.
    auto r = shell(dir, "\"$0\" -t 2 -progress -checkpoint 1i s.rib 2>/dev/null | head -c 1 "
                        ">/dev/null; exit ${PIPESTATUS[0]}");
    EXPECT_EQ(r.exit_code, 0) << "141 is death by SIGPIPE\n" << r.err;
    EXPECT_EQ(image_pixels(dir.file("out.exr")), reference_pixels(64));
}

TEST(HostileEnvironment, ClosedStderrNeverWritesIntoTheLock)
{
    const auto expected = reference_pixels(64);
    // Through the launcher, and the core run directly: both must hold.
    for (const std::string program : {"$0", "$1"}) {
        TempDir dir;
        std::ofstream(dir.file("s.rib")) << scene(64);
        auto r = shell(dir, "exec 2>&-; \"" + program + "\" -t 2 -checkpoint 1i s.rib");
        EXPECT_EQ(r.exit_code, 0) << program;
        EXPECT_EQ(lock_size(dir), 0u) << program << ": log lines went into .ckrender.lock";
        EXPECT_EQ(image_pixels(dir.file("out.exr")), expected) << program;
    }
}

TEST(HostileEnvironment, AllStandardStreamsClosed)
{
    const auto expected = reference_pixels(64);
    for (const std::string program : {"$0", "$1"}) {
        TempDir dir;
        std::ofstream(dir.file("s.rib")) << scene(64);
        auto r = shell(dir, "exec 0<&- 1>&- 2>&-; \"" + program +
                                "\" -t 2 -progress -checkpoint 1i s.rib");
        EXPECT_EQ(r.exit_code, 0) << program;
        EXPECT_EQ(lock_size(dir), 0u) << program;
        EXPECT_EQ(image_pixels(dir.file("out.exr")), expected) << program;
        // No stray file took a log line either: only the scene, the lock, the image.
        for (const auto& entry : fs::directory_iterator(dir.path())) {
            const std::string name = entry.path().filename().string();
            EXPECT_TRUE(name == "s.rib" || name == ".ckrender.lock" || name == "out.exr")
                << program << ": " << name;
        }
    }
}

TEST(HostileEnvironment, PostCheckpointCommandGetsDefaultSignals)
{
    // ckrender ignores SIGPIPE and SIGXFSZ; the command it runs must not
    // inherit that (a `yes | head` in it would spin forever).
    TempDir dir;
    std::ofstream(dir.file("s.rib"))
        << scene(32, "Option \"checkpoint\" \"string command\" [\"./cmd.sh\"]\n");
    std::ofstream(dir.file("cmd.sh")) << "#!/bin/sh\n"
                                         "grep -E '^Sig(Ign|Cgt):' /proc/self/status > sig.txt\n";
    fs::permissions(dir.path() / "cmd.sh", fs::perms::owner_all);
    auto r = run_process({kRenderer, "-t", "2", "-checkpoint", "8i", "--allow-command", "s.rib"},
                         dir.path().string(), kTimeout);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(dir.file("sig.txt"));
    std::string line;
    unsigned long long ignored = ~0ull;
    while (std::getline(in, line))
        if (line.rfind("SigIgn:", 0) == 0)
            ignored = std::stoull(line.substr(7), nullptr, 16);
    ASSERT_NE(ignored, ~0ull) << "the command did not run\n" << r.err;
    EXPECT_EQ(ignored & (1ull << (SIGPIPE - 1)), 0u) << "SIGPIPE ignored in the command";
    EXPECT_EQ(ignored & (1ull << (SIGXFSZ - 1)), 0u) << "SIGXFSZ ignored in the command";
}

bool is_fifo(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

TEST(HostileEnvironment, FifoAtTheCheckpointIsAnIoErrorNotAHang)
{
    // Opening a FIFO for reading blocks until a writer comes: ckrender
    // -recover 1 and ckverify on the scene hung forever (SIGTERM could not
    // stop them inside open()).
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << scene(32);
    ASSERT_EQ(::mkfifo(dir.file("out.exr").c_str(), 0644), 0);
    auto r = run_process({kRenderer, "-recover", "1", "s.rib"}, dir.path().string(), kHangCap);
    EXPECT_EQ(r.exit_code, 3) << "137: it hung\n" << r.err;
    EXPECT_NE(r.err.find("out.exr: cannot read: it is a FIFO, not a file"), std::string::npos)
        << r.err;
    EXPECT_TRUE(is_fifo(dir.file("out.exr"))) << "touch nothing";
    auto v = run_process({CK_VERIFY_PATH, "s.rib"}, dir.path().string(), kHangCap);
    EXPECT_NE(v.exit_code, 137) << "ckverify hung\n" << v.out << v.err;
    EXPECT_NE(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE((v.out + v.err).find("FIFO"), std::string::npos) << v.out << v.err;
}

TEST(HostileEnvironment, FifoOrDeviceAsTheSettingsFileIsAUsageError)
{
    for (const std::string name : {"ckrender.ini", "rendermn.ini"}) {
        TempDir dir;
        std::ofstream(dir.file("s.rib")) << scene(32);
        ASSERT_EQ(::mkfifo(dir.file(name).c_str(), 0644), 0);
        auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), kHangCap);
        EXPECT_EQ(r.exit_code, 2) << name << ": 137 is a hang\n" << r.err;
        EXPECT_NE(r.err.find(name + ": cannot read settings: it is a FIFO, not a file"),
                  std::string::npos)
            << r.err;
        EXPECT_FALSE(fs::exists(dir.path() / "out.exr")) << name;
    }
    // $CKRENDER_INI=/dev/zero: endless, read into memory until bad_alloc.
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << scene(32);
    auto r = run_process({kRenderer, "s.rib"}, dir.path().string(), kHangCap,
                         {"CKRENDER_INI=/dev/zero"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("/dev/zero: cannot read settings: it is a character device, not a file"),
              std::string::npos)
        << r.err;
}


// Rewrites the checkpoint at `path` with ~w of its first pixel set to `w`, and
// every hash recomputed, as a forger would: only the ~w rule can catch it.
void forge_first_weight(const std::string& path, float w)
{
    auto in = OIIO::ImageInput::open(path);
    ASSERT_TRUE(in) << OIIO::geterror();
    OIIO::ImageSpec spec = in->spec();
    std::vector<float> pixels(size_t(spec.image_pixels()) * size_t(spec.nchannels));
    ASSERT_TRUE(in->read_image(0, 0, 0, spec.nchannels, OIIO::TypeFloat, pixels.data()));
    in->close();
    const int wi = spec.channelindex("~w");
    ASSERT_GE(wi, 0);
    pixels[size_t(wi)] = w;
    auto header = ck::get_checkpoint_attributes(spec);
    ASSERT_TRUE(header.is_ok()) << header.status().message();
    header->state_hash = ck::state_hash(spec, pixels.data());
    ck::set_checkpoint_attributes(spec, header.value());
    spec.set_format(OIIO::TypeFloat);
    const std::string forged = path + ".forged.exr";
    auto out = OIIO::ImageOutput::create(forged);
    ASSERT_TRUE(out && out->open(forged, spec));
    ASSERT_TRUE(out->write_image(OIIO::TypeFloat, pixels.data()));
    out->close();
    fs::rename(forged, path);
}

// Issue 10, item 7: a forged ~w of -1e30 (hashes recomputed to match) hung
// the resume, which rendered from -1e30 samples up to the target. Every bad
// ~w is damage, with one verdict from ckverify on the file, ckverify on the
// scene and ckrender (which, as for any damaged checkpoint, renders the frame
// again and says why), and nothing hangs.
TEST(HostileEnvironment, ForgedWeightsAreDamageNotAHang)
{
    const std::vector<std::pair<float, std::string>> forgeries = {
        {-1e30f, "-1.0000000150474662e+30"},
        {std::numeric_limits<float>::quiet_NaN(), "nan"},
        {2.5f, "2.5"},
        {1e9f, "1000000000"},
    };
    for (const auto& [w, spelled] : forgeries) {
        TempDir dir;
        std::ofstream(dir.file("s.rib"))
            << scene(16, "Option \"checkpoint\" \"string exitat\" [\"3i\"]\n");
        auto first = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string(), kTimeout);
        ASSERT_EQ(first.exit_code, 75) << first.err;
        forge_first_weight(dir.file("out.exr"), w);
        const std::string why = "~w at pixel (0, 0) is " + spelled +
                                ", not a whole sample count in [0, 24]";

        auto file = run_process({CK_VERIFY_PATH, "out.exr"}, dir.path().string(), kHangCap);
        EXPECT_EQ(file.exit_code, 1) << spelled << "\n" << file.out << file.err;
        EXPECT_NE((file.out + file.err).find(why), std::string::npos) << file.out << file.err;
        auto on_scene = run_process({CK_VERIFY_PATH, "s.rib"}, dir.path().string(), kHangCap);
        EXPECT_EQ(on_scene.exit_code, 1) << spelled << "\n" << on_scene.out << on_scene.err;
        EXPECT_NE((on_scene.out + on_scene.err).find(why), std::string::npos)
            << on_scene.out << on_scene.err;
        EXPECT_NE((on_scene.out + on_scene.err).find("damaged"), std::string::npos)
            << on_scene.out << on_scene.err;

        // The exit-at of 3 increments would stop a fresh render again: a render
        // that honours it exits 75 with 3 samples per pixel, not a hang.
        auto r = run_process({kRenderer, "-t", "2", "-recover", "1", "s.rib"},
                             dir.path().string(), kHangCap);
        EXPECT_EQ(r.exit_code, 75) << spelled << ": 137 is a hang\n" << r.err;
        EXPECT_NE(r.err.find("starting from scratch"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
        auto after = run_process({CK_VERIFY_PATH, "out.exr"}, dir.path().string(), kHangCap);
        EXPECT_EQ(after.exit_code, 0) << spelled << "\n" << after.out << after.err;
    }
}

}  // namespace

namespace {

// Issue 10, item 6: Format 65536 65536 ended in an uncaught std::bad_alloc
// (abort, exit 134) after the scene loaded. The film's size is checked
// against the memory there is before anything is allocated (B10).
TEST(HostileEnvironment, AFilmTooBigForMemoryIsRefusedBeforeRendering)
{
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << scene(65536);
    auto r = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string(), kHangCap);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("65536x65536 pixels with 1 display need about 1216.0 GiB"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("is available"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "out.exr"));
    EXPECT_FALSE(fs::exists(dir.path() / "out.exr.part"));

    // The same under `ulimit -v`: 1 GiB of address space cannot hold the
    // 4096x4096 film and its images (about 1.2 GiB), and the message names
    // the limit that decided. (A sanitizer's shadow memory needs terabytes of
    // address space: such a build cannot start under any `ulimit -v`.)
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "sanitizer builds cannot run under ulimit -v";
#endif
    TempDir capped;
    std::ofstream(capped.file("s.rib")) << scene(4096);
    auto v = shell(capped, "ulimit -v 1048576; exec \"$0\" -t 2 s.rib");
    EXPECT_EQ(v.exit_code, 3) << v.err;
    EXPECT_NE(v.err.find("is available (ulimit -v)"), std::string::npos) << v.err;
    EXPECT_FALSE(fs::exists(capped.path() / "out.exr"));
}

// A failed allocation anywhere else is one clear error with exit 3, never an
// abort, and the committed checkpoint stays as it was. Injected where the
// render threads work and where the checkpoint writer's thread encodes.
TEST(HostileEnvironment, OutOfMemoryIsAMessageNotACrash)
{
    TempDir dir;
    std::ofstream(dir.file("s.rib"))
        << scene(32, "Option \"checkpoint\" \"string exitat\" [\"3i\"]\n");
    ASSERT_EQ(run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string(), kTimeout)
                  .exit_code,
              75);
    const std::string committed = read_file(dir.file("out.exr"));
    auto r = run_process({kRenderer, "-t", "2", "-recover", "1", "--no-exitat", "s.rib"},
                         dir.path().string(), kHangCap,
                         {"CKRENDER_FAULT_INJECT=render.tile@5:enomem"});
    EXPECT_EQ(r.exit_code, 3) << "134 is an abort\n" << r.err;
    EXPECT_NE(r.err.find("ckrender: error: out of memory ("), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("committed checkpoints are intact"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(dir.file("out.exr")), committed) << "the checkpoint was changed";

    // On the writer's thread an exception used to end the process: now the
    // checkpoint fails like a full disk and the render finishes.
    TempDir writer;
    std::ofstream(writer.file("s.rib")) << scene(32);
    auto w = run_process({kRenderer, "-t", "2", "-checkpoint", "1i", "s.rib"},
                         writer.path().string(), kTimeout,
                         {"CKRENDER_FAULT_INJECT=part.write@1:enomem"});
    EXPECT_EQ(w.exit_code, 0) << "134 is an abort\n" << w.err;
    EXPECT_NE(w.err.find("out of memory while writing the checkpoint"), std::string::npos)
        << w.err;
    EXPECT_EQ(image_pixels(writer.file("out.exr")).size(), size_t(32 * 32 * 4));
}

}  // namespace

namespace {

std::string dome_scene(const std::string& map)
{
    return "Format 16 16 1\n"
           "Display \"out.exr\" \"openexr\" \"rgba\"\n"
           "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [2]\n"
           "WorldBegin\n"
           "  Light \"PxrDomeLight\" \"dome\" \"string lightColorMap\" [\"" + map + "\"]\n"
           "  Sphere 1 -1 1 360\n"
           "WorldEnd\n";
}

// Issue 10, item 7: a light map of zeros or garbage under a name OIIO does
// not know went through every reader OIIO has, some of which read the whole
// file (300 MB: 53 s). The reader is chosen by the file's first bytes now, so
// garbage is refused at once, and a real map under any name still renders.
TEST(HostileEnvironment, AGarbageLightMapIsRefusedAtOnceAndARealOneReadByItsSignature)
{
    TempDir dir;
    {
        std::ofstream zeros(dir.file("sky.tex"), std::ios::binary);
        const std::string block(1 << 20, '\0');
        for (int i = 0; i < 64; ++i)
            zeros << block;
    }
    std::ofstream(dir.file("s.rib")) << dome_scene("sky.tex");
    auto r = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string(), kHangCap);
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("cannot read dome light map \"sky.tex\": not an OpenEXR, TIFF, PNG, "
                         "JPEG or Radiance HDR file"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "out.exr"));

    // An OpenEXR map named .tex: read as what it is.
    {
        const int w = 8, h = 4;
        std::vector<float> pixels(size_t(w * h * 3), 0.5f);
        auto out = OIIO::ImageOutput::create("openexr");
        ASSERT_TRUE(out && out->open(dir.file("sky.tex"), OIIO::ImageSpec(w, h, 3, OIIO::TypeFloat)));
        ASSERT_TRUE(out->write_image(OIIO::TypeFloat, pixels.data()));
        out->close();
    }
    auto ok = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string(), kTimeout);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_TRUE(fs::exists(dir.path() / "out.exr"));
}

}  // namespace

namespace {

// Issue 10, item 7: a bucket render renders each pixel to its target before
// the next, and looked at stops only between pixels; with a huge maxsamples
// one pixel outlasted any exit-at or SIGTERM. It stops within a pixel now
// (B5), checkpoints, and the checkpoint resumes like any other.
TEST(HostileEnvironment, ABucketRenderWithAHugeSampleCountStopsWithinASecond)
{
    const std::string bucket =
        "Format 8 8 1\n"
        "Display \"out.exr\" \"openexr\" \"rgba\"\n"
        "Hider \"raytrace\" \"int incremental\" [0] \"int maxsamples\" [100000000]\n"
        "Projection \"perspective\" \"fov\" [40]\n"
        "Translate 0 0 5\n"
        "WorldBegin\n"
        "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
        "  Sphere 1 -1 1 360\n"
        "WorldEnd\n";
    {
        TempDir dir;
        std::ofstream(dir.file("s.rib"))
            << "Option \"checkpoint\" \"string exitat\" [\"1s\"]\n" + bucket;
        const auto start = std::chrono::steady_clock::now();
        auto r = run_process({kRenderer, "-t", "2", "s.rib"}, dir.path().string(), kHangCap);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        EXPECT_EQ(r.exit_code, 75) << "137 is a hang\n" << r.err;
        EXPECT_LT(seconds, 10.0) << "exit-at of 1 s";
        auto v = run_process({CK_VERIFY_PATH, "out.exr"}, dir.path().string(), kHangCap);
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    }
    TempDir dir;
    std::ofstream(dir.file("s.rib")) << bucket;
    ck::test::ChildProcess child({kRenderer, "-t", "2", "s.rib"}, dir.path().string());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const auto start = std::chrono::steady_clock::now();
    child.signal(SIGTERM);
    auto r = child.wait(kHangCap);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.exit_code, 75) << "137 is a hang\n" << r.err;
    EXPECT_LT(seconds, 5.0) << "SIGTERM to exit";
    auto v = run_process({CK_VERIFY_PATH, "s.rib"}, dir.path().string(), kHangCap);
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

}  // namespace
