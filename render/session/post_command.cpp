// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/post_command.h"

#include "session/signals.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace ck::render {

namespace {

using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point start)
{
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// True once the process has exited; it is left to be reaped (WNOWAIT), so its
// pid, which is also its process group's id, cannot be reused meanwhile.
bool has_exited(pid_t pid)
{
    siginfo_t info = {};
    for (;;) {
        if (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0)
            return info.si_pid == pid;
        if (errno != EINTR)
            return true;  // ECHILD: nothing left to wait for
    }
}

// Sleeps a little while polling the command: short at first, so quick
// commands cost little, then up to 50 ms.
void poll_pause(int& round)
{
    const int ms = std::min(50, 1 << std::min(round, 6));
    ++round;
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

std::string seconds_text(double s)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", s);
    return text;
}

}  // namespace

Result<std::vector<std::string>> split_command(const std::string& command)
{
    std::vector<std::string> args;
    std::string current;
    bool in_word = false;
    for (size_t i = 0; i < command.size(); ++i) {
        char c = command[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word)
                args.push_back(current);
            current.clear();
            in_word = false;
        } else if (c == '\'') {
            size_t end = command.find('\'', i + 1);
            if (end == std::string::npos)
                return Status{ErrorCode::InvalidArgument,
                              "unterminated ' in command: " + command};
            current.append(command, i + 1, end - i - 1);
            i = end;
            in_word = true;
        } else if (c == '"') {
            size_t j = i + 1;
            for (; j < command.size() && command[j] != '"'; ++j) {
                if (command[j] == '\\' && j + 1 < command.size() &&
                    (command[j + 1] == '"' || command[j + 1] == '\\'))
                    ++j;
                current.push_back(command[j]);
            }
            if (j >= command.size())
                return Status{ErrorCode::InvalidArgument,
                              "unterminated \" in command: " + command};
            i = j;
            in_word = true;
        } else {
            current.push_back(c);
            in_word = true;
        }
    }
    if (in_word)
        args.push_back(current);
    if (args.empty())
        return Status{ErrorCode::InvalidArgument, "empty command"};
    return args;
}

std::string substitute(const std::string& argument, const CommandContext& context)
{
    std::string out;
    char buf[32];
    for (size_t i = 0; i < argument.size(); ++i) {
        if (argument[i] != '%' || i + 1 == argument.size()) {
            out.push_back(argument[i]);
            continue;
        }
        char code = argument[++i];
        switch (code) {
        case 'i':
            std::snprintf(buf, sizeof buf, "%05llu", static_cast<unsigned long long>(context.increment));
            out += buf;
            break;
        case 'e':
            std::snprintf(buf, sizeof buf, "%06llu",
                          static_cast<unsigned long long>(std::max(0.0, std::floor(context.elapsed))));
            out += buf;
            break;
        case 'r':
            out += context.reason;
            break;
        case '%':
            out.push_back('%');
            break;
        default:
            out.push_back('%');
            out.push_back(code);
        }
    }
    return out;
}

Status run_command(const std::vector<std::string>& arguments, const CommandContext& context,
                   int& exit_code)
{
    std::vector<std::string> argv_strings;
    for (const std::string& a : arguments)
        argv_strings.push_back(substitute(a, context));
    std::vector<char*> argv;
    for (std::string& a : argv_strings)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // A process group of its own, so a timeout stops everything it started.
    posix_spawnattr_t attr;
    ::posix_spawnattr_init(&attr);
    // SIGPIPE and SIGXFSZ back at their defaults: ckrender ignores them
    // (signals.cpp), and an ignored signal would stay ignored in the command.
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGXFSZ);
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    ::posix_spawnattr_setsigdefault(&attr, &defaults);
    ::posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, argv[0], nullptr, &attr, argv.data(), environ);
    ::posix_spawnattr_destroy(&attr);
    if (rc != 0)
        return {ErrorCode::Io, "cannot run post-checkpoint command \"" + argv_strings[0] +
                                   "\": " + std::strerror(rc)};

    const auto start = SteadyClock::now();
    const double limit = context.timeout_seconds > 0 ? context.timeout_seconds
                                                     : kDefaultCommandTimeoutSeconds;
    // In its own group the command no longer sees the terminal's Ctrl-C: pass on
    // one that arrives while it runs.
    const bool interrupted_before = exit_signal() != 0;
    bool passed_on = false;
    bool timed_out = false;
    int round = 0;
    while (!has_exited(pid)) {
        if (seconds_since(start) >= limit) {
            timed_out = true;
            ::kill(-pid, SIGTERM);
            const auto term = SteadyClock::now();
            while (!has_exited(pid) && seconds_since(term) < kCommandKillGraceSeconds)
                poll_pause(round);
            break;
        }
        if (!passed_on && !interrupted_before && exit_signal() == SIGINT) {
            ::kill(-pid, SIGINT);
            passed_on = true;
        }
        poll_pause(round);
    }
    // Whatever is left of the group (the leader is not reaped yet, so the id
    // still names this group).
    if (timed_out)
        ::kill(-pid, SIGKILL);

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return {ErrorCode::Io, std::string("waiting for post-checkpoint command: ") +
                                       std::strerror(errno)};
    }
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (timed_out) {
        std::string text;
        for (const std::string& a : argv_strings)
            text += (text.empty() ? "" : " ") + a;
        return {ErrorCode::Io, "post-checkpoint command \"" + text + "\" did not finish within " +
                                   seconds_text(limit) +
                                   " s; it was stopped (with everything it started) and the "
                                   "render goes on"};
    }
    return {};
}

}  // namespace ck::render
