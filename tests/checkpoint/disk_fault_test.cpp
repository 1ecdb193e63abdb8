// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Full disk and I/O errors on a real filesystem (issue 5, item 2): a small
// tmpfs that fills up, a directory that turns read-only, a directory that vanishes.
//
// Each test renders with a checkpoint after every increment into out/, lets a
// first checkpoint commit, then stops ckrender (SIGSTOP) at a moment when no
// .part is on disk, breaks the directory, and lets it go on. The kernel's own
// errors (ENOSPC, EROFS or EACCES, ENOENT) must each give one warning per
// checkpoint, leave the last committed checkpoint readable and no .part behind;
// once the directory is repaired the next checkpoint commits and the final is
// bit-identical to an uninterrupted render. If it stays broken, the final fails
// with exit 3. A directory that came back is locked again (one render per
// output). Mounting needs root (or CAP_SYS_ADMIN): without it the tmpfs tests
// skip, and the read-only test falls back to chmod 0555.
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include "checkpoint_test_util.h"

#include <ck/checkpoint.h>

#include <gtest/gtest.h>

#include <OpenImageIO/imagebuf.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using ck::test::ChildProcess;
using ck::test::run_process;
using ck::test::spp_text;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
// 300 increments of 64x64: about two seconds in a Release build, with plenty
// of increments left after each step of a test. A checkpoint of this image
// (~10 KB) is larger than a stdio buffer, so a full disk shows inside the
// encoder, not only at the final flush.
constexpr int kSize = 64;
constexpr int kSamples = 300;
constexpr double kTimeout = 600;  // seconds; sanitizer builds are slow

std::string scene(bool checkpoints)
{
    std::ostringstream rib;
    rib << "Format " << kSize << " " << kSize << " 1\n"
        << "Display \"out/a.exr\" \"openexr\" \"rgba\"\n"
        << "Display \"+out/b.exr\" \"openexr\" \"rgb\"\n"
        << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [" << kSamples << "]\n";
    if (checkpoints)
        rib << "Option \"checkpoint\" \"string interval\" [\"1i\"]\n";
    rib << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n"
        << "WorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
        << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
        << "  Sphere 1 -1 1 360\n"
        << "WorldEnd\n";
    return rib.str();
}

std::vector<float> pixels_of(const fs::path& path)
{
    return ck::test::image_pixels(path.string());
}

struct Images {
    std::vector<float> a, b;
};

// The uninterrupted render, without checkpoints, once per test program.
const Images& reference()
{
    static const Images ref = [] {
        TempDir dir;
        fs::create_directory(dir.path() / "out");
        std::ofstream(dir.file("ref.rib")) << scene(false);
        auto r = run_process({kRenderer, "-q", "ref.rib"}, dir.path().string(), kTimeout);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return Images{pixels_of(dir.path() / "out/a.exr"), pixels_of(dir.path() / "out/b.exr")};
    }();
    return ref;
}

// What the log says about each checkpoint generation.
struct Log {
    std::vector<uint64_t> committed, failed;  // in the order logged
    std::vector<std::string> failure_lines;
};

Log parse(const std::string& err)
{
    Log log;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
        const std::string key = "checkpoint ";
        size_t at = line.find(key);
        while (at != std::string::npos &&
               (at + key.size() >= line.size() || !std::isdigit(static_cast<unsigned char>(line[at + key.size()]))))
            at = line.find(key, at + 1);
        if (at == std::string::npos)
            continue;
        size_t end = 0;
        const uint64_t n = std::stoull(line.substr(at + key.size()), &end);
        const std::string rest = line.substr(at + key.size() + end);
        if (rest.rfind(" committed", 0) == 0) {
            log.committed.push_back(n);
        } else if (rest.rfind(" was not written", 0) == 0) {
            log.failed.push_back(n);
            log.failure_lines.push_back(line);
        }
    }
    return log;
}

size_t count(const std::string& text, const std::string& what)
{
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// Every generation 1..last is either committed or reported as not written,
// exactly once: no silent failure, no repeated or extra warning.
void expect_each_checkpoint_reported_once(const Log& log, const std::string& err)
{
    std::vector<uint64_t> all = log.committed;
    all.insert(all.end(), log.failed.begin(), log.failed.end());
    std::sort(all.begin(), all.end());
    ASSERT_FALSE(all.empty()) << err;
    for (size_t i = 0; i < all.size(); ++i)
        ASSERT_EQ(all[i], i + 1) << "generation "
                                 << (all[i] > i + 1 ? std::to_string(i + 1) + " is not in the log"
                                                    : std::to_string(all[i]) + " is logged twice")
                                 << "\n" << err;
    EXPECT_EQ(count(err, "was not written"), log.failed.size()) << err;
}

// Polls the child's stderr until `done` holds; false when the child exits first
// or the time runs out.
bool wait_for(ChildProcess& child, const std::function<bool(const std::string&)>& done,
              double seconds = kTimeout)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        const bool alive = child.running();
        if (done(child.peek_err()))
            return true;
        if (!alive)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
}

bool failures_at_least(const std::string& err, size_t n)
{
    return parse(err).failed.size() >= n;
}

bool has_part(const fs::path& dir)
{
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".part")
            return true;
    return false;
}

// True when every thread of `pid` is stopped (state T in /proc).
bool all_threads_stopped(int pid)
{
    std::error_code ec;
    const fs::path tasks = fs::path("/proc") / std::to_string(pid) / "task";
    bool any = false;
    for (fs::directory_iterator it(tasks, ec), end; !ec && it != end; it.increment(ec)) {
        std::ifstream in(it->path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), {});
        const size_t paren = stat.rfind(')');
        if (paren == std::string::npos || paren + 2 >= stat.size())
            return false;
        const char state = stat[paren + 2];
        if (state != 'T' && state != 't')
            return false;
        any = true;
    }
    return any && !ec;
}

uint64_t last_committed(const std::string& err)
{
    const std::vector<uint64_t> c = parse(err).committed;
    return c.empty() ? 0 : *std::max_element(c.begin(), c.end());
}

// The generation of out/a.exr, 0 when there is no readable checkpoint.
uint64_t generation_on_disk(const fs::path& out)
{
    auto a = ck::read_checkpoint((out / "a.exr").string(), {"~w"});
    return a.is_ok() ? a->header.generation : 0;
}

// Stops the child at a moment when no commit is under way: every thread
// stopped, no .part in `dir`, and the set on disk is the last one the log
// calls committed (not one renamed into place whose directory fsync and log
// line are still to come). False when the child has exited (or never settles).
bool pause_between_commits(ChildProcess& child, const fs::path& dir)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kTimeout);
    while (std::chrono::steady_clock::now() < deadline) {
        child.signal(SIGSTOP);
        while (!all_threads_stopped(child.pid())) {
            if (!child.running())
                return false;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        if (!has_part(dir) && (!fs::exists(dir) || generation_on_disk(dir) ==
                                                       last_committed(child.peek_err())))
            return true;
        child.signal(SIGCONT);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

void resume(ChildProcess& child)
{
    child.signal(SIGCONT);
}

// A mount on `dir`, undone when it goes away (also when a test fails).
class Mount {
public:
    Mount() = default;
    Mount(const Mount&) = delete;
    Mount& operator=(const Mount&) = delete;
    ~Mount() { unmount(); }

    /// A tmpfs of `bytes` on `dir`; false with the errno text in `why`.
    bool tmpfs(const fs::path& dir, size_t bytes, std::string& why)
    {
        const std::string options = "size=" + std::to_string(bytes / 1024) + "k,mode=0755";
        if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
            why = std::strerror(errno);
            return false;
        }
        m_dir = dir;
        return true;
    }

    /// A read-only bind mount of `dir` stacked on itself: new lookups under
    /// `dir` meet a read-only mount (EROFS), while files already open (the
    /// renderer's output lock) stay on the writable one below. A plain
    /// `remount,ro` is refused (EBUSY) while any file on the filesystem is open
    /// for writing, and the lock file always is.
    bool read_only_over(const fs::path& dir, std::string& why)
    {
        if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) {
            why = std::strerror(errno);
            return false;
        }
        m_dir = dir;
        if (::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) !=
            0) {
            why = std::strerror(errno);
            unmount();
            return false;
        }
        return true;
    }

    bool unmount()
    {
        if (m_dir.empty())
            return true;
        const bool ok = ::umount2(m_dir.c_str(), 0) == 0 || ::umount2(m_dir.c_str(), MNT_DETACH) == 0;
        m_dir.clear();
        return ok;
    }

private:
    fs::path m_dir;
};

constexpr size_t kTmpfsBytes = 4 << 20;

// Writes `filler` until the filesystem it is on has at most `leave` bytes free
// (rounded down to a block). Returns the bytes free afterwards.
uint64_t fill(const fs::path& filler, uint64_t leave)
{
    struct statvfs vfs = {};
    if (::statvfs(filler.parent_path().c_str(), &vfs) != 0)
        return ~uint64_t(0);
    const uint64_t block = vfs.f_frsize;
    const uint64_t avail = uint64_t(vfs.f_bavail) * block;
    uint64_t left = avail > leave ? avail - leave / block * block : 0;
    const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return ~uint64_t(0);
    const std::vector<char> chunk(64 * 1024, 'x');
    while (left > 0) {
        const ssize_t n = ::write(fd, chunk.data(), std::min<uint64_t>(left, chunk.size()));
        if (n <= 0)
            break;  // ENOSPC: as full as it gets
        left -= uint64_t(n);
    }
    ::close(fd);
    if (::statvfs(filler.parent_path().c_str(), &vfs) != 0)
        return ~uint64_t(0);
    return uint64_t(vfs.f_bavail) * vfs.f_frsize;
}

// The generation of a committed checkpoint set: both files read back (hash
// checked) and from the same commit. 0 (with a test failure) when not.
uint64_t committed_generation(const fs::path& out)
{
    auto a = ck::read_checkpoint((out / "a.exr").string(), {"R", "G", "B", "A", "~w"});
    auto b = ck::read_checkpoint((out / "b.exr").string(), {"R", "G", "B", "~w"});
    EXPECT_TRUE(a.is_ok()) << a.status().message();
    EXPECT_TRUE(b.is_ok()) << b.status().message();
    if (!a.is_ok() || !b.is_ok())
        return 0;
    EXPECT_EQ(a->header.generation, b->header.generation);
    return a->header.generation;
}

const std::string kIntact = "the previous checkpoint is intact";
const std::string kNothingLeft = "no previous checkpoint is on disk";

// A render of scene(true) in dir/out that a test drives step by step.
class DiskFault : public ::testing::Test {
protected:
    void SetUp() override
    {
        out = dir.path() / "out";
        fs::create_directory(out);
        std::ofstream(dir.file("s.rib")) << scene(true);
    }

    void start() { child = std::make_unique<ChildProcess>(args(false), dir.path().string()); }

    std::vector<std::string> args(bool recover) const
    {
        std::vector<std::string> a = {kRenderer, "-t", "1", "--progress", "0"};
        if (recover)
            a.insert(a.end(), {"-recover", "1"});
        a.push_back("s.rib");
        return a;
    }

    // Waits for the first commit and stops the render between two commits.
    void run_to_first_checkpoint()
    {
        ASSERT_TRUE(wait_for(*child, [](const std::string& err) {
            return !parse(err).committed.empty();
        })) << "no checkpoint committed\n" << child->peek_err();
        ASSERT_TRUE(pause_between_commits(*child, out))
            << "the render ended before the test could stop it\n" << child->peek_err();
    }

    // Lets the broken render go on until it has failed `n` checkpoints, then
    // stops it between commits and checks that the last good set is untouched.
    void fail_checkpoints(size_t n, uint64_t good_generation, bool dir_exists = true)
    {
        resume(*child);
        ASSERT_TRUE(wait_for(*child, [n](const std::string& err) {
            return failures_at_least(err, n);
        })) << "fewer than " << n << " failed checkpoints\n" << child->peek_err();
        ASSERT_TRUE(pause_between_commits(*child, out))
            << "the render ended before the test could repair the directory; "
               "give it more increments\n" << child->peek_err();
        EXPECT_FALSE(has_part(out));
        if (dir_exists) {
            EXPECT_EQ(committed_generation(out), good_generation) << "the previous checkpoint";
        }
    }

    // A second ckrender on the same outputs, while the first holds them, is
    // refused (exit 5) and says why.
    void expect_second_render_refused() const
    {
        auto second = run_process(args(false), dir.path().string(), kTimeout);
        EXPECT_EQ(second.exit_code, 5) << second.err;
        EXPECT_NE(second.err.find("out/a.exr is being rendered by another ckrender process"),
                  std::string::npos)
            << second.err;
    }

    // Expectations for a render that was repaired and finished.
    void expect_repaired_and_finished(const ck::test::ProcessResult& r, uint64_t good_generation)
    {
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const Log log = parse(r.err);
        expect_each_checkpoint_reported_once(log, r.err);
        ASSERT_FALSE(log.failed.empty());
        const uint64_t first_failed = *std::min_element(log.failed.begin(), log.failed.end());
        const uint64_t last_failed = *std::max_element(log.failed.begin(), log.failed.end());
        EXPECT_EQ(first_failed, good_generation + 1) << r.err;
        // Retried at the next interval: the first checkpoint after the repair commits.
        EXPECT_NE(std::find(log.committed.begin(), log.committed.end(), last_failed + 1),
                  log.committed.end())
            << r.err;
        EXPECT_EQ(log.committed.size() + log.failed.size(), size_t(kSamples))
            << "one checkpoint per increment, whatever happened to it\n" << r.err;
        EXPECT_FALSE(has_part(out));
        EXPECT_EQ(pixels_of(out / "a.exr"), reference().a);
        EXPECT_EQ(pixels_of(out / "b.exr"), reference().b);
    }

    // Every failure line says why (the errno text), what is left on disk, and
    // that the render goes on.
    static void expect_failure_lines(const Log& log, const std::vector<std::string>& reasons,
                                     const std::string& left = kIntact)
    {
        for (const std::string& line : log.failure_lines) {
            EXPECT_NE(line.find("; " + left + " and the render goes on"), std::string::npos)
                << line;
            bool named = false;
            for (const std::string& reason : reasons)
                named = named || line.find(reason) != std::string::npos;
            EXPECT_TRUE(named) << line;
        }
    }

    TempDir dir;
    fs::path out;
    Mount mount;                          // unmounted before dir goes away
    std::unique_ptr<ChildProcess> child;  // killed before the mounts go away
};

TEST_F(DiskFault, FullTmpfsWarnsOncePerFailedCheckpointAndRetriesWhenRoomComesBack)
{
    std::string why;
    if (!mount.tmpfs(out, kTmpfsBytes, why))
        GTEST_SKIP() << "cannot mount a tmpfs (" << why
                     << "): needs root or CAP_SYS_ADMIN; WriteErrors.* cover the same path "
                        "with injected errors";
    start();
    ASSERT_NO_FATAL_FAILURE(run_to_first_checkpoint());
    const uint64_t good = committed_generation(out);
    const uint64_t smaller = std::min(fs::file_size(out / "a.exr"), fs::file_size(out / "b.exr"));
    // Room for less than half of the smaller file: no .part of the next set
    // fits, though one is written in part before the kernel says ENOSPC.
    ASSERT_LE(fill(out / "filler", smaller / 2), smaller / 2) << "could not fill the tmpfs";

    ASSERT_NO_FATAL_FAILURE(fail_checkpoints(3, good));
    fs::remove(out / "filler");
    resume(*child);
    auto r = child->wait(kTimeout);
    expect_repaired_and_finished(r, good);
    expect_failure_lines(parse(r.err), {"No space left on device"});
}

TEST_F(DiskFault, FullTmpfsToTheEndExitsThreeAndRecoverResumesFromTheLastGoodCheckpoint)
{
    std::string why;
    if (!mount.tmpfs(out, kTmpfsBytes, why))
        GTEST_SKIP() << "cannot mount a tmpfs (" << why
                     << "): needs root or CAP_SYS_ADMIN; WriteErrors.* cover the same path "
                        "with injected errors";
    start();
    ASSERT_NO_FATAL_FAILURE(run_to_first_checkpoint());
    const uint64_t good = committed_generation(out);
    const uint64_t smaller = std::min(fs::file_size(out / "a.exr"), fs::file_size(out / "b.exr"));
    ASSERT_LE(fill(out / "filler", smaller / 2), smaller / 2) << "could not fill the tmpfs";

    resume(*child);
    auto r = child->wait(kTimeout);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    const Log log = parse(r.err);
    expect_each_checkpoint_reported_once(log, r.err);
    // Nothing committed after the fill, and every later checkpoint said so once.
    EXPECT_EQ(*std::max_element(log.committed.begin(), log.committed.end()), good) << r.err;
    EXPECT_EQ(log.failed.size(), size_t(kSamples) - good) << r.err;
    expect_failure_lines(log, {"No space left on device"});
    EXPECT_EQ(count(r.err, "error: out/a.exr.part: write failed: No space left on device"), 1u)
        << "the final image's failure, said once\n" << r.err;
    EXPECT_FALSE(has_part(out));
    const uint64_t kept = committed_generation(out);
    EXPECT_EQ(kept, good) << "the last good checkpoint";
    auto a = ck::read_checkpoint((out / "a.exr").string(), {"~w"});
    ASSERT_TRUE(a.is_ok()) << a.status().message();

    fs::remove(out / "filler");
    auto recovered = run_process(args(true), dir.path().string(), kTimeout);
    ASSERT_EQ(recovered.exit_code, 0) << recovered.err;
    EXPECT_NE(recovered.err.find("recover: resuming render "), std::string::npos) << recovered.err;
    EXPECT_NE(recovered.err.find("generation " + std::to_string(good) + " from " +
                                 spp_text(a->header.min_samples)),
              std::string::npos)
        << recovered.err;
    EXPECT_FALSE(has_part(out));
    EXPECT_EQ(pixels_of(out / "a.exr"), reference().a);
    EXPECT_EQ(pixels_of(out / "b.exr"), reference().b);
}

// How this process can make a directory refuse the renderer's writes.
enum class ReadOnlyBy { Nothing, Mount, Chmod };

// Tries each way on a scratch directory: a read-only bind mount (root), else
// chmod 0555 (which root's CAP_DAC_OVERRIDE ignores).
ReadOnlyBy read_only_method(const fs::path& scratch, std::string& why)
{
    fs::create_directory(scratch);
    auto refuses = [&] {
        const fs::path probe = scratch / "probe";
        const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::close(fd);
            fs::remove(probe);
            return false;
        }
        return true;
    };
    {
        Mount m;
        std::string mount_why;
        if (m.read_only_over(scratch, mount_why) && refuses())
            return ReadOnlyBy::Mount;
        why = "read-only bind mount: " + (mount_why.empty() ? "no effect" : mount_why);
    }
    fs::permissions(scratch, fs::perms(0555));
    const bool chmod_works = refuses();
    fs::permissions(scratch, fs::perms(0755));
    if (chmod_works)
        return ReadOnlyBy::Chmod;
    why += "; chmod 0555: no effect (CAP_DAC_OVERRIDE)";
    return ReadOnlyBy::Nothing;
}

TEST_F(DiskFault, ReadOnlyDirectoryWarnsOncePerFailedCheckpointAndRetriesWhenWritable)
{
    std::string why;
    const ReadOnlyBy by = read_only_method(dir.path() / "scratch", why);
    if (by == ReadOnlyBy::Nothing)
        GTEST_SKIP() << "cannot make a directory read-only here: " << why;
    struct Writable {  // chmod 0755 again even when the test fails, so dir can be removed
        fs::path path;
        ~Writable() { std::error_code ec; fs::permissions(path, fs::perms(0755), ec); }
    } writable{out};
    start();
    ASSERT_NO_FATAL_FAILURE(run_to_first_checkpoint());
    const uint64_t good = committed_generation(out);
    if (by == ReadOnlyBy::Mount)
        ASSERT_TRUE(mount.read_only_over(out, why)) << why;
    else
        fs::permissions(out, fs::perms(0555));

    ASSERT_NO_FATAL_FAILURE(fail_checkpoints(3, good));
    if (by == ReadOnlyBy::Mount)
        ASSERT_TRUE(mount.unmount());
    else
        fs::permissions(out, fs::perms(0755));
    resume(*child);
    auto r = child->wait(kTimeout);
    expect_repaired_and_finished(r, good);
    expect_failure_lines(parse(r.err), {by == ReadOnlyBy::Mount ? "Read-only file system"
                                                                : "Permission denied"});
}

TEST_F(DiskFault, VanishedDirectoryWarnsWithItsPathAndCommitsOnceItIsBack)
{
    start();
    ASSERT_NO_FATAL_FAILURE(run_to_first_checkpoint());
    const uint64_t good = committed_generation(out);
    fs::remove_all(out);

    ASSERT_NO_FATAL_FAILURE(fail_checkpoints(3, good, false));
    fs::create_directory(out);
    // Once a checkpoint has committed in the new directory, the render holds
    // its output lock there too: a second ckrender on the same outputs refuses.
    resume(*child);
    const size_t failed = parse(child->peek_err()).failed.size();
    ASSERT_TRUE(wait_for(*child, [&](const std::string& err) {
        return last_committed(err) > good + failed;
    })) << "no checkpoint committed in the new directory\n" << child->peek_err();
    ASSERT_TRUE(pause_between_commits(*child, out)) << child->peek_err();
    expect_second_render_refused();
    resume(*child);
    auto r = child->wait(kTimeout);
    expect_repaired_and_finished(r, good);
    expect_failure_lines(parse(r.err), {"out/a.exr.part: cannot create: No such file or directory"},
                         kNothingLeft);
}

// Waits until every thread of the child is stopped (a `stop` fault); false
// when it exits first or the time runs out.
bool wait_until_stopped(ChildProcess& child)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kTimeout);
    while (std::chrono::steady_clock::now() < deadline) {
        if (all_threads_stopped(child.pid()))
            return true;
        if (!child.running())
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

// The directory comes back at the worst moment: after the writer last renewed
// its lock and before it creates the next set's .part files. Before, ckrender
// renewed its output locks before each write, so that set committed in the new
// directory with no lock there, and a second ckrender on the same outputs
// rendered over it (found by a clean-clone CI run of the test above, as a
// flake). Now the lock is renewed between the .part files and the renames.
TEST_F(DiskFault, ADirectoryThatComesBackDuringAWriteIsLockedBeforeTheSetAppears)
{
    // part.open hit 3: the second set's first .part (two displays per set);
    // commit.dirsync hit 2: that set renamed into place, not yet fsynced.
    child = std::make_unique<ChildProcess>(
        args(false), dir.path().string(),
        std::vector<std::string>{"CKRENDER_FAULT_INJECT=part.open@3:stop,commit.dirsync@2:stop"});
    ASSERT_TRUE(wait_until_stopped(*child)) << child->peek_err();
    ASSERT_EQ(committed_generation(out), 1u);
    fs::remove_all(out);
    fs::create_directory(out);
    resume(*child);
    ASSERT_TRUE(wait_until_stopped(*child)) << child->peek_err();
    ASSERT_EQ(generation_on_disk(out), 2u)
        << "the second set is in the new directory\n" << child->peek_err();
    expect_second_render_refused();
    resume(*child);
    auto r = child->wait(kTimeout);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(parse(r.err).failed.size(), 0u) << r.err;
    EXPECT_EQ(pixels_of(out / "a.exr"), reference().a);
    EXPECT_EQ(pixels_of(out / "b.exr"), reference().b);
}

TEST_F(DiskFault, VanishedDirectoryThatNeverComesBackExitsThreeNamingThePath)
{
    start();
    ASSERT_NO_FATAL_FAILURE(run_to_first_checkpoint());
    const uint64_t good = committed_generation(out);
    fs::remove_all(out);

    resume(*child);
    auto r = child->wait(kTimeout);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    const Log log = parse(r.err);
    expect_each_checkpoint_reported_once(log, r.err);
    EXPECT_EQ(log.failed.size(), size_t(kSamples) - good) << r.err;
    expect_failure_lines(log, {"out/a.exr.part: cannot create: No such file or directory"},
                         kNothingLeft);
    EXPECT_EQ(count(r.err, "error: out/a.exr.part: cannot create: No such file or directory"), 1u)
        << "the final image's failure, said once\n" << r.err;
    EXPECT_FALSE(fs::exists(out)) << "nothing may recreate the directory behind the user's back";
}

}  // namespace

namespace {

// Issue 11 (S2, B2): OIIO writes a TIFF checkpoint by name and checks none of
// its writes (commit.cpp), so a full disk must be caught by the structure
// check of the written .part: never a short TIFF renamed over a good one.
TEST_F(DiskFault, AFullDiskNeverCommitsAShortTiffCheckpoint)
{
    std::string why;
    if (!mount.tmpfs(out, kTmpfsBytes, why))
        GTEST_SKIP() << "cannot mount a tmpfs (" << why << "): needs root or CAP_SYS_ADMIN";
    std::ofstream(dir.file("t.rib"))
        << "Format 96 96 1\n"
        << "Display \"out/t.tif\" \"tiff\" \"rgba\" \"int[4] quantize\" [0 255 0 255]\n"
        << "Hider \"raytrace\" \"int incremental\" [0] \"int maxsamples\" [1000000]\n"
        << "Projection \"perspective\" \"fov\" [40]\nTranslate 0 0 5\nWorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
        << "  Sphere 1 -1 1 360\nWorldEnd\n";
    const std::string tif = (out / "t.tif").string();
    auto first = run_process({kRenderer, "-t", "2", "-checkpoint", ",0.5s", "t.rib"},
                             dir.path().string(), kTimeout, {"CKRENDER_INI="});
    ASSERT_EQ(first.exit_code, 75) << first.err;
    auto good = ck::read_checkpoint(tif, {});
    ASSERT_TRUE(good.is_ok()) << good.status().message();
    const auto good_pixels = good->pixels;
    // Room for a third of the next checkpoint.
    ASSERT_LE(fill(out / "filler", fs::file_size(tif) / 3), fs::file_size(tif) / 3);

    auto full = run_process({kRenderer, "-t", "2", "-recover", "1", "-checkpoint", ",0.5s",
                             "t.rib"},
                            dir.path().string(), kTimeout, {"CKRENDER_INI="});
    EXPECT_NE(full.exit_code, 0) << full.err;
    EXPECT_NE(full.exit_code, 75) << "no checkpoint could be written\n" << full.err;
    EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;
    EXPECT_FALSE(fs::exists(tif + ".part")) << full.err;
    auto kept = ck::read_checkpoint(tif, {});
    ASSERT_TRUE(kept.is_ok()) << "the previous checkpoint: " << kept.status().message();
    EXPECT_EQ(kept->header.generation, good->header.generation);
    EXPECT_EQ(kept->pixels, good_pixels);
}

}  // namespace
