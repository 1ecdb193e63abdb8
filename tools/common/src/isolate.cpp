// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/isolate.h>

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <thread>

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif

namespace ck::tool {

namespace {

// The child talks to the parent in frames: one tag byte, an 8-byte length, the bytes.
constexpr char kTagResult = 'R';     // work() returned this string
constexpr char kTagOutOfMem = 'M';   // an allocation failed (sent from the new-handler)
constexpr char kTagException = 'E';  // work() threw this message
constexpr int kExitOutOfMemory = 86;
constexpr int kExitException = 87;

int g_report_fd = -1;  // the child's end of the pipe, for the new-handler

using Clock = std::chrono::steady_clock;

bool write_all(int fd, const char* data, size_t size)
{
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

// Async-signal-safe and allocation-free: usable from the new-handler.
void send_frame(int fd, char tag, const char* data, uint64_t size)
{
    char header[9];
    header[0] = tag;
    for (int i = 0; i < 8; ++i)
        header[1 + i] = char((size >> (8 * i)) & 0xff);
    if (write_all(fd, header, sizeof header) && size > 0)
        write_all(fd, data, size_t(size));
}

// Runs when operator new cannot get memory under the cap. Tell the parent first
// (the child may not survive the bad_alloc: a library may abort on it), then fail
// the allocation as usual.
void on_allocation_failure()
{
    send_frame(g_report_fd, kTagOutOfMem, nullptr, 0);
    std::set_new_handler(nullptr);
    throw std::bad_alloc();
}

[[noreturn]] void child_main(int fd, const std::function<std::string()>& work, const Limits& limits)
{
    // Only the parent prints: keep library chatter (libtiff warnings, glibc's
    // "double free detected") off the tool's output.
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
        ::dup2(null_fd, 0);
        ::dup2(null_fd, 1);
        if (!limits.keep_child_stderr)
            ::dup2(null_fd, 2);
    }

    // A crash on a hostile file must not leave core files around.
    struct rlimit no_core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    // AddressSanitizer and ThreadSanitizer reserve terabytes of address space
    // for their shadow memory, so an address-space cap would kill every child
    // of a sanitizer build; there the cap is off (docs/reliability.md).
    if (limits.max_memory_bytes > 0 && !kSanitizerBuild) {
        struct rlimit cap = {rlim_t(limits.max_memory_bytes), rlim_t(limits.max_memory_bytes)};
        ::setrlimit(RLIMIT_AS, &cap);
    }
#ifdef M_ARENA_MAX
    // Each malloc arena reserves 64 MiB of address space per thread; with a cap on
    // the address space that would count threads, not image bytes.
    ::mallopt(M_ARENA_MAX, 2);
#endif
    // OIIO's thread pool must start here, in the child: worker threads of a
    // pool started before fork() do not exist here and their locks never open.
    OIIO::attribute("threads", int(std::clamp(std::thread::hardware_concurrency(), 1u, 4u)));
    g_report_fd = fd;
    std::set_new_handler(on_allocation_failure);

    try {
        const std::string result = work();
        send_frame(fd, kTagResult, result.data(), result.size());
        ::_exit(0);
    } catch (const std::bad_alloc&) {
        send_frame(fd, kTagOutOfMem, nullptr, 0);
        ::_exit(kExitOutOfMemory);
    } catch (const std::exception& e) {
        send_frame(fd, kTagException, e.what(), std::strlen(e.what()));
        ::_exit(kExitException);
    } catch (...) {
        const char* what = "unknown exception";
        send_frame(fd, kTagException, what, std::strlen(what));
        ::_exit(kExitException);
    }
}

std::string signal_text(int sig)
{
    std::string text = "signal " + std::to_string(sig);
    const char* name = ::strsignal(sig);
    if (name)
        text += std::string(", ") + name;
    return text;
}

std::string seconds_text(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, s == std::floor(s) ? "%.0f" : "%.1f", s);
    return buf;
}

// Runs work() here, without limits, when fork() is not possible.
IsolatedResult run_inline(const std::function<std::string()>& work)
{
    IsolatedResult r;
    const auto start = Clock::now();
    try {
        r.payload = work();
        r.outcome = IsolatedResult::Outcome::Ok;
    } catch (const std::bad_alloc&) {
        r.outcome = IsolatedResult::Outcome::OutOfMemory;
        r.why = "ran out of memory";
    } catch (const std::exception& e) {
        r.outcome = IsolatedResult::Outcome::Crashed;
        r.why = std::string("the reader failed: ") + e.what();
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}

}  // namespace

IsolatedResult run_isolated(const std::function<std::string()>& work, const Limits& limits)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return run_inline(work);
    std::fflush(nullptr);  // nothing buffered may be written twice
    const auto start = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return run_inline(work);
    }
    if (pid == 0) {
        ::close(fds[0]);
        child_main(fds[1], work, limits);
    }
    ::close(fds[1]);

    // Read everything the child sends until it closes the pipe or the budget ends.
    std::string bytes;
    bool timed_out = false;
    const bool has_deadline = limits.timeout_seconds > 0;
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(has_deadline ? limits.timeout_seconds : 0.0));
    for (;;) {
        int wait_ms = -1;
        if (has_deadline) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) {
                timed_out = true;
                break;
            }
            wait_ms = int(std::min<int64_t>(left.count() + 1, 60000));
        }
        struct pollfd p = {fds[0], POLLIN, 0};
        const int rc = ::poll(&p, 1, wait_ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            break;
        if (rc == 0)
            continue;  // the loop re-checks the deadline
        char buf[65536];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;  // EOF: the child exited (or closed the pipe)
        bytes.append(buf, size_t(n));
    }
    ::close(fds[0]);

    // Reap it. A child that closed the pipe but lingers still gets the budget.
    int status = 0;
    struct rusage usage = {};
    for (;;) {
        if (timed_out)
            ::kill(pid, SIGKILL);
        const pid_t done = ::wait4(pid, &status, timed_out ? 0 : WNOHANG, &usage);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR)
            break;
        if (has_deadline && Clock::now() >= deadline)
            timed_out = true;
        else if (done == 0)
            ::usleep(1000);
    }

    IsolatedResult r;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.peak_rss_kib = int64_t(usage.ru_maxrss);

    // Unpack the frames.
    bool got_result = false;
    bool out_of_memory = false;
    std::string exception_text;
    size_t pos = 0;
    while (pos + 9 <= bytes.size()) {
        const char tag = bytes[pos];
        uint64_t size = 0;
        for (int i = 0; i < 8; ++i)
            size |= uint64_t(static_cast<unsigned char>(bytes[pos + 1 + size_t(i)])) << (8 * i);
        if (size > bytes.size() - pos - 9)
            break;  // cut short: the child died while sending
        std::string data = bytes.substr(pos + 9, size_t(size));
        pos += 9 + size_t(size);
        if (tag == kTagResult) {
            r.payload = std::move(data);
            got_result = true;
        } else if (tag == kTagOutOfMem) {
            out_of_memory = true;
        } else if (tag == kTagException) {
            exception_text = std::move(data);
        }
    }

    const bool exited = WIFEXITED(status);
    const int exit_status = exited ? WEXITSTATUS(status) : -1;
    if (WIFSIGNALED(status))
        r.signal = WTERMSIG(status);

    if (timed_out) {
        r.outcome = IsolatedResult::Outcome::TimedOut;
        r.why = "gave up after " + seconds_text(limits.timeout_seconds) +
                " s (the time budget, --timeout)";
    } else if (got_result && exited && exit_status == 0) {
        r.outcome = IsolatedResult::Outcome::Ok;
    } else if (out_of_memory || (exited && exit_status == kExitOutOfMemory)) {
        r.outcome = IsolatedResult::Outcome::OutOfMemory;
        r.why = limits.max_memory_bytes > 0
                    ? "needs more than " + format_bytes(limits.max_memory_bytes) +
                          " of memory (the cap, --max-memory)"
                    : "ran out of memory";
    } else if (!exception_text.empty()) {
        r.outcome = IsolatedResult::Outcome::Crashed;
        r.why = "the reader failed: " + exception_text;
    } else if (r.signal != 0) {
        r.outcome = IsolatedResult::Outcome::Crashed;
        r.why = "the reader crashed (" + signal_text(r.signal) + ")";
    } else {
        r.outcome = IsolatedResult::Outcome::Crashed;
        r.why = "the reader exited unexpectedly (status " + std::to_string(exit_status) + ")";
    }
    return r;
}

std::string format_bytes(uint64_t bytes)
{
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    else if (v == std::floor(v))
        std::snprintf(buf, sizeof buf, "%.0f %s", v, units[u]);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

bool parse_bytes(const std::string& text, uint64_t& out)
{
    if (text.empty() || !(text[0] >= '0' && text[0] <= '9'))
        return false;
    char* end = nullptr;
    errno = 0;
    const double number = std::strtod(text.c_str(), &end);
    if (errno != 0 || !std::isfinite(number) || number < 0)
        return false;
    std::string unit(end);
    for (char& c : unit)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    double scale = 1;
    if (unit.empty() || unit == "B")
        scale = 1;
    else if (unit == "K" || unit == "KB" || unit == "KIB")
        scale = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB")
        scale = 1024.0 * 1024.0;
    else if (unit == "G" || unit == "GB" || unit == "GIB")
        scale = 1024.0 * 1024.0 * 1024.0;
    else if (unit == "T" || unit == "TB" || unit == "TIB")
        scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
    else
        return false;
    const double bytes = number * scale;
    if (bytes > 1.8e19)
        return false;
    out = uint64_t(bytes);
    return true;
}

}  // namespace ck::tool
