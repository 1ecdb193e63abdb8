// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/signals.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <initializer_list>

#include <fcntl.h>
#include <unistd.h>

namespace ck::render {

namespace {

std::atomic<int> g_exit_signal{0};
std::atomic<bool> g_exit_flag{false};  // the same request, as a cancel flag (BVH builds)
std::atomic<bool> g_checkpoint{false};
static_assert(std::atomic<int>::is_always_lock_free, "signal flags must be lock-free");
static_assert(std::atomic<bool>::is_always_lock_free, "signal flags must be lock-free");

extern "C" void on_exit_signal(int signo)
{
    int expected = 0;
    g_exit_signal.compare_exchange_strong(expected, signo);
    g_exit_flag.store(true);
}

extern "C" void on_checkpoint_signal(int)
{
    g_checkpoint.store(true);
}

void install(int signo, void (*handler)(int), int flags)
{
    struct sigaction sa = {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags | SA_RESTART;
    sigaction(signo, &sa, nullptr);
}

}  // namespace

void open_closed_standard_streams()
{
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd < 0)
            continue;
        if (null_fd != fd) {
            ::dup2(null_fd, fd);  // dup2 clears O_CLOEXEC on the copy
            ::close(null_fd);
        } else {
            ::fcntl(fd, F_SETFD, 0);
        }
    }
}

void install_signal_handlers()
{
    // Once: a second install would re-arm SIGINT's one-shot handler.
    static std::atomic<bool> installed{false};
    if (installed.exchange(true))
        return;
    open_closed_standard_streams();
    // A closed log pipe (SIGPIPE) or a file-size limit (SIGXFSZ, `ulimit -f`)
    // would kill the render without a checkpoint. Ignored, they become EPIPE
    // and EFBIG: a lost log line, and a write error reported like ENOSPC.
    // The post-checkpoint command gets them back at their defaults
    // (post_command.cpp).
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN);
    install(SIGHUP, on_checkpoint_signal, 0);
    install(SIGUSR1, on_exit_signal, 0);
    install(SIGTERM, on_exit_signal, 0);
    install(SIGINT, on_exit_signal, SA_RESETHAND);

    // The ckrender launcher blocked these before exec (launcher.c): a signal
    // that came while the libraries loaded is pending, and arrives now, at a
    // handler.
    sigset_t set;
    sigemptyset(&set);
    for (int signo : {SIGHUP, SIGUSR1, SIGTERM, SIGINT})
        sigaddset(&set, signo);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

bool exit_requested()
{
    return g_exit_signal.load(std::memory_order_relaxed) != 0;
}

bool take_checkpoint_request()
{
    return g_checkpoint.exchange(false);
}

bool checkpoint_requested()
{
    return g_checkpoint.load(std::memory_order_relaxed);
}

const std::atomic<bool>* exit_flag()
{
    return &g_exit_flag;
}

int exit_signal()
{
    return g_exit_signal.load();
}

void reset_signal_state()
{
    g_exit_signal.store(0);
    g_exit_flag.store(false);
    g_checkpoint.store(false);
}

}  // namespace ck::render
