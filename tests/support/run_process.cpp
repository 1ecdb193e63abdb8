// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "run_process.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ck::test {

namespace {

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string temp_capture_file()
{
    std::string templ =
        (std::filesystem::temp_directory_path() / "ck-capture-XXXXXX").string();
    int fd = ::mkstemp(templ.data());
    if (fd >= 0)
        ::close(fd);
    return templ;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& cwd,
                           const std::vector<std::string>& env)
{
    // Capture through files, not pipes: no risk of a full pipe blocking the child.
    m_out_path = temp_capture_file();
    m_err_path = temp_capture_file();
    pid_t pid = ::fork();
    if (pid == 0) {
        int out_fd = ::open(m_out_path.c_str(), O_WRONLY | O_TRUNC);
        int err_fd = ::open(m_err_path.c_str(), O_WRONLY | O_TRUNC);
        int null_fd = ::open("/dev/null", O_RDONLY);
        if (out_fd < 0 || err_fd < 0 || null_fd < 0)
            ::_exit(126);
        ::dup2(null_fd, 0);
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0)
            ::_exit(126);
        for (const std::string& e : env)
            ::putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> args;
        for (const std::string& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    m_pid = pid;
    if (pid < 0)
        m_done = true;
}

ChildProcess::~ChildProcess()
{
    if (!m_done) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, &m_status, 0);
    }
    std::remove(m_out_path.c_str());
    std::remove(m_err_path.c_str());
}

void ChildProcess::signal(int signo)
{
    if (!m_done)
        ::kill(m_pid, signo);
}

bool ChildProcess::running()
{
    if (m_done)
        return false;
    if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid)
        m_done = true;
    return !m_done;
}

std::string ChildProcess::peek_err() const
{
    return slurp(m_err_path);
}

ProcessResult ChildProcess::wait(double timeout_seconds)
{
    ProcessResult result;
    if (m_pid < 0) {
        result.err = std::string("fork failed: ") + std::strerror(errno);
        return result;
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
    while (running()) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, &m_status, 0);
            m_done = true;
            break;
        }
        ::usleep(2000);
    }
    if (WIFEXITED(m_status))
        result.exit_code = WEXITSTATUS(m_status);
    else if (WIFSIGNALED(m_status))
        result.exit_code = 128 + WTERMSIG(m_status);
    result.out = slurp(m_out_path);
    result.err = slurp(m_err_path);
    return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd,
                          double timeout_seconds, const std::vector<std::string>& env)
{
    ChildProcess child(argv, cwd, env);
    return child.wait(timeout_seconds);
}

}  // namespace ck::test
