// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The hostile-environment sweep (issue 10, "Harnesses"). A frame is stopped by
// exit-at with two displays, an archive, a light map; then one thing about it
// is made hostile and `ckrender -recover 1` and `ckverify` run under a time
// cap:
//   - a FIFO, a socket, a device (a symbolic link to /dev/zero) or a directory
//     in place of every input (scene, archive, light map, ./ckrender.ini) and
//     every output (each display's checkpoint, a .part);
//   - limits and descriptors: `ulimit -f`, `ulimit -v`, `ulimit -n`, closed
//     stdout, closed stderr, a log pipe whose reader goes away, an unreadable
//     checkpoint (chmod 000, skipped as root, where it changes nothing).
// Each case must not hang (the cap), not die of a signal, print a message
// when it fails, and lose nothing: a run that exits 0 leaves finals equal to
// an undisturbed render's, any other leaves every checkpoint as it was. And
// ckverify on the scene must say what ckrender then does (for the cases
// ckverify can see: it does not read ckrender.ini or inherit the limits).
// The figures go to stdout. CK_HOSTILE_LONG=1 also crosses every hostile path
// with every limit.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "checkpoint_test_util.h"

#include <OpenImageIO/imageio.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ck::test::image_pixels;
using ck::test::read_file;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
constexpr int kTimeout = 120;
constexpr int kCap = 20;  ///< a case still running here is a hang

const std::string kScene =
    "Option \"checkpoint\" \"string exitat\" [\"2i\"]\n"
    "Format 20 16 1\n"
    "Display \"out.exr\" \"openexr\" \"rgba\"\n"
    "Display \"+aux.exr\" \"openexr\" \"rgb\"\n"
    "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [6]\n"
    "Projection \"perspective\" \"fov\" [40]\n"
    "Translate 0 0 5\n"
    "WorldBegin\n"
    "  Light \"PxrDomeLight\" \"dome\" \"string lightColorMap\" [\"sky.exr\"]\n"
    "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.4 0.2]\n"
    "  Sphere 1 -1 1 360\n"
    "  Translate 1.2 0 0\n"
    "  ReadArchive \"prop.rib\"\n"
    "WorldEnd\n";

const char* const kDisplays[] = {"out.exr", "aux.exr"};


void write_sky(const std::string& path)
{
    const int w = 8, h = 4;
    std::vector<float> pixels(size_t(w * h * 3));
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = 0.2f + 0.1f * float(i % 5);
    auto out = OIIO::ImageOutput::create("openexr");
    ASSERT_TRUE(out && out->open(path, OIIO::ImageSpec(w, h, 3, OIIO::TypeFloat)));
    ASSERT_TRUE(out->write_image(OIIO::TypeFloat, pixels.data()));
    out->close();
}

void write_inputs(const TempDir& dir)
{
    std::ofstream(dir.file("s.rib")) << kScene;
    std::ofstream(dir.file("prop.rib")) << "Sphere 0.4 -0.4 0.4 360\n";
    write_sky(dir.file("sky.exr"));
}

// How a path is made hostile.
enum class Kind { Fifo, Socket, Device, Directory };
const char* kind_name(Kind k)
{
    switch (k) {
    case Kind::Fifo: return "FIFO";
    case Kind::Socket: return "socket";
    case Kind::Device: return "device";
    case Kind::Directory: return "directory";
    }
    return "?";
}

bool make_hostile(const fs::path& path, Kind kind)
{
    std::error_code ec;
    fs::remove(path, ec);
    switch (kind) {
    case Kind::Fifo: return ::mkfifo(path.c_str(), 0644) == 0;
    case Kind::Device: return ::symlink("/dev/zero", path.c_str()) == 0;
    case Kind::Directory: return fs::create_directory(path, ec);
    case Kind::Socket: {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (fd < 0 || path.string().size() >= sizeof addr.sun_path)
            return false;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);  // the socket file stays, with nobody listening
        return ok;
    }
    }
    return false;
}

struct Case {
    std::string name;
    std::string path;    ///< made hostile ("" = none)
    Kind kind = Kind::Fifo;
    std::string limit;   ///< shell prefix before ckrender runs ("" = none)
    std::string suffix;  ///< shell text after the command (a pipe)
    bool chmod000 = false;
    bool verify_sees_it = true;  ///< ckverify meets the same situation
};

struct Tally {
    int run = 0, hang = 0, crash = 0, loss = 0, silent = 0, skipped = 0;
    int compared = 0, disagree = 0;
};

// What ckverify's outcome predicts of ckrender: "resume", "restart", "io"
// (exit 3, nothing touched), "scene" (ckrender refuses the scene: exit 1),
// "usage" (the scene path is not a file: exit 2).
std::string prediction(const nlohmann::json& report)
{
    if (report.is_discarded() || !report.contains("files") || report["files"].empty())
        return "?";
    const auto& file = report["files"][0];
    if (file.value("format", "") != "text")
        return "usage";  // not a scene file at all: ckrender's usage error
    if (!file.contains("scene") || !file["scene"].contains("frames") ||
        file["scene"]["frames"].empty())
        return "scene";
    const std::string outcome = file["scene"]["frames"][0].value("outcome", "");
    if (outcome == "resumable" || outcome == "killed-during-checkpoint" ||
        outcome == "interrupted-commit")
        return "resume";
    if (outcome == "unreadable")
        return "io";
    if (outcome == "display-set-changed" && file.value("exit_code", 0) == 1 &&
        file["scene"]["frames"][0].value("message", "").find("would refuse") != std::string::npos)
        return "scene";
    return "restart";
}

std::string what_ckrender_did(const ck::test::ProcessResult& r)
{
    if (r.exit_code == 0)
        return r.err.find("recover: resuming render") != std::string::npos ? "resume"
                                                                           : "restart";
    if (r.exit_code == 3)
        return "io";
    if (r.exit_code == 1)
        return "scene";
    if (r.exit_code == 2)
        return "usage";
    return "exit " + std::to_string(r.exit_code);
}

class HostileSweep : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_template = new TempDir;
        write_inputs(*s_template);
        auto r = run_process({kRenderer, "-t", "2", "s.rib"}, s_template->path().string(),
                             kTimeout, {"CKRENDER_INI="});
        ASSERT_EQ(r.exit_code, 75) << r.err;
        TempDir fresh;
        write_inputs(fresh);
        auto f = run_process({kRenderer, "-t", "2", "--no-exitat", "s.rib"},
                             fresh.path().string(), kTimeout, {"CKRENDER_INI="});
        ASSERT_EQ(f.exit_code, 0) << f.err;
        for (const char* d : kDisplays)
            s_reference[d] = image_pixels(fresh.file(d));
    }
    static void TearDownTestSuite()
    {
        delete s_template;
        s_template = nullptr;
    }

    // One case in a copy of the stopped frame.
    void run_case(const Case& c, Tally& tally)
    {
        SCOPED_TRACE(c.name);
        if (c.chmod000 && ::geteuid() == 0) {
            ++tally.skipped;  // root reads a mode-000 file: nothing hostile
            return;
        }
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        if (c.limit.find("ulimit -v") != std::string::npos) {
            ++tally.skipped;  // a sanitizer's shadow memory cannot start under ulimit -v
            return;
        }
#endif
        TempDir dir;
        for (const auto& entry : fs::directory_iterator(s_template->path()))
            fs::copy(entry.path(), dir.path() / entry.path().filename());
        std::map<std::string, std::string> before;
        for (const char* d : kDisplays)
            before[d] = read_file((dir.path() / d).string());
        if (!c.path.empty()) {
            ASSERT_TRUE(make_hostile(dir.path() / c.path, c.kind)) << std::strerror(errno);
        }
        if (c.chmod000)
            ::chmod(dir.file("out.exr").c_str(), 0);

        // ckverify first, on the state ckrender is about to meet.
        auto verified = run_process({CK_VERIFY_PATH, "--json", "s.rib"}, dir.path().string(), kCap);
        EXPECT_NE(verified.exit_code, 137) << "ckverify hung";
        EXPECT_LT(verified.exit_code, 128) << "ckverify killed by a signal";
        tally.hang += verified.exit_code == 137 ? 1 : 0;
        tally.crash += verified.exit_code > 128 && verified.exit_code != 137 ? 1 : 0;
        const std::string predicted =
            prediction(nlohmann::json::parse(verified.out, nullptr, false));

        ++tally.run;
        const std::string command = c.limit + " \"$0\" -t 2 -recover 1 --no-exitat s.rib" +
                                    (c.suffix.empty() ? "" : " " + c.suffix);
        auto r = run_process({"/bin/bash", "-c", command, kRenderer}, dir.path().string(), kCap,
                             {"CKRENDER_INI="});
        std::cout << "  " << c.name << ": ckrender exit " << r.exit_code << " ("
                  << what_ckrender_did(r) << "), ckverify predicted " << predicted
                  << (r.exit_code == 0 ? std::string()
                                       : ": " + r.err.substr(0, r.err.find('\n')))
                  << "\n";
        // The shell's own status is the renderer's (exec-like: last command),
        // except in a pipe, where PIPESTATUS carries it (see the suffix).
        const bool hung = r.exit_code == 137;
        const bool crashed = !hung && r.exit_code >= 128;
        tally.hang += hung ? 1 : 0;
        tally.crash += crashed ? 1 : 0;
        EXPECT_FALSE(hung) << "hung\n" << r.err;
        EXPECT_FALSE(crashed) << "killed by signal " << r.exit_code - 128 << "\n" << r.err;
        if (r.exit_code != 0 && r.exit_code != 75 && c.suffix.empty() &&
            c.limit.find("exec 2>&-") == std::string::npos) {
            const bool said = r.err.find("error") != std::string::npos;
            tally.silent += said ? 0 : 1;
            EXPECT_TRUE(said) << "failed without a message: exit " << r.exit_code;
        }

        // Nothing lost: finals right, or checkpoints as they were.
        if (c.chmod000)
            ::chmod(dir.file("out.exr").c_str(), 0644);
        bool lost = false;
        for (const char* d : kDisplays) {
            if (c.path == d)
                continue;  // the hostile thing itself
            if (r.exit_code == 0) {
                if (image_pixels(dir.file(d)) != s_reference[d]) {
                    lost = true;
                    ADD_FAILURE() << d << " differs from an undisturbed render";
                }
            } else if (read_file((dir.path() / d).string()) != before[d]) {
                lost = true;
                ADD_FAILURE() << d << " was changed by a run that failed (exit "
                              << r.exit_code << ")";
            }
        }
        tally.loss += lost ? 1 : 0;

        // ckverify's prediction, made before ckrender ran (above).
        if (c.verify_sees_it && !hung && !crashed) {
            ++tally.compared;
            const std::string did = what_ckrender_did(r);
            if (predicted != did)
                ++tally.disagree;
            EXPECT_EQ(predicted, did) << "ckverify: " << verified.out << "\nckrender: " << r.err;
        }
    }

    static TempDir* s_template;
    static std::map<std::string, std::vector<float>> s_reference;
};

TempDir* HostileSweep::s_template = nullptr;
std::map<std::string, std::vector<float>> HostileSweep::s_reference;

std::vector<Case> hostile_paths()
{
    std::vector<Case> cases;
    const std::vector<std::pair<std::string, bool>> paths = {
        {"s.rib", true},         {"prop.rib", true}, {"sky.exr", true},
        {"ckrender.ini", false}, {"out.exr", true},  {"aux.exr", true},
        {"out.exr.part", true},
    };
    for (const auto& [path, seen] : paths)
        for (Kind k : {Kind::Fifo, Kind::Socket, Kind::Device, Kind::Directory}) {
            Case c;
            c.name = std::string(kind_name(k)) + " at " + path;
            c.path = path;
            c.kind = k;
            c.verify_sees_it = seen;
            cases.push_back(c);
        }
    return cases;
}

std::vector<Case> limits()
{
    std::vector<Case> cases;
    auto add = [&](const std::string& name, const std::string& limit,
                   const std::string& suffix = "", bool chmod000 = false) {
        Case c;
        c.name = name;
        c.limit = limit;
        c.suffix = suffix;
        c.chmod000 = chmod000;
        c.verify_sees_it = false;
        cases.push_back(c);
    };
    add("ulimit -f 1 (1 KiB: every write fails)", "ulimit -f 1;");
    add("ulimit -v 1 GiB", "ulimit -v 1048576;");
    add("ulimit -n 12", "ulimit -n 12;");
    add("stdout closed", "exec 1>&-;");
    add("stderr closed", "exec 2>&-;");
    add("log pipe closed", "", "2>&1 | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}");
    add("checkpoint mode 000", "", "", true);
    return cases;
}

TEST_F(HostileSweep, NoHangNoCrashNoLossAndCkverifyAgrees)
{
    Tally tally;
    std::vector<Case> cases = hostile_paths();
    for (const Case& c : limits())
        cases.push_back(c);
    const char* long_mode = std::getenv("CK_HOSTILE_LONG");
    if (long_mode && *long_mode && std::string(long_mode) != "0")
        for (const Case& p : hostile_paths())
            for (const Case& l : limits()) {
                Case c = p;
                c.name = p.name + ", " + l.name;
                c.limit = l.limit;
                c.suffix = l.suffix;
                c.chmod000 = l.chmod000;
                c.verify_sees_it = false;
                cases.push_back(c);
            }
    for (const Case& c : cases)
        run_case(c, tally);
    std::cout << "hostile sweep: " << tally.run << " cases run (" << tally.skipped
              << " skipped), " << tally.hang << " hang, " << tally.crash << " crash, "
              << tally.loss << " lose data, " << tally.silent << " fail silently; ckverify "
              << "agreed with ckrender in " << tally.compared - tally.disagree << " of "
              << tally.compared << "\n";
}

}  // namespace
