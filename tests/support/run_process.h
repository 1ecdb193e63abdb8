// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Runs a program with arguments, no shell, and captures its exit status,
// stdout and stderr. For the command-line contract tests.
#pragma once

#include <string>
#include <vector>

namespace ck::test {

struct ProcessResult {
    int exit_code = -1;    ///< Exit status, or 128 + signal number when killed by a signal.
    std::string out;
    std::string err;
};

/// Runs argv[0] with argv in `cwd` (empty = current directory). Kills it with
/// SIGKILL after `timeout_seconds` (exit_code is then 128 + 9).
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = "",
                          double timeout_seconds = 120.0,
                          const std::vector<std::string>& env = {});

/// A child started in the background, for tests that signal or kill it.
class ChildProcess {
public:
    /// `env` holds extra "NAME=value" entries for the child's environment.
    ChildProcess(const std::vector<std::string>& argv, const std::string& cwd = "",
                 const std::vector<std::string>& env = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Sends a signal (no effect once the child was waited for).
    void signal(int signo);
    /// True while the child has not exited.
    bool running();
    /// The child's process id (-1 when fork failed).
    int pid() const { return m_pid; }
    /// What the child has written to stderr so far.
    std::string peek_err() const;
    /// Waits up to `timeout_seconds` (then SIGKILLs) and returns the result.
    ProcessResult wait(double timeout_seconds = 120.0);

private:
    int m_pid = -1;
    bool m_done = false;
    int m_status = 0;
    std::string m_out_path, m_err_path;
};

}  // namespace ck::test
