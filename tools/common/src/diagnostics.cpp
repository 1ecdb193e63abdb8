// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/diagnostics.h>

#include <cstdio>

#include <unistd.h>

namespace ck::tool {

namespace {

// One write() per line: stderr is unbuffered, and a line printed in pieces
// could interleave with another process writing to the same terminal.
void write_all(int fd, const std::string& text)
{
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0)
            return;
        done += size_t(n);
    }
}

void print_line(const std::string& tool, const char* level, const std::string& file,
                const std::string& problem)
{
    std::string line = tool + ": " + level + ": ";
    if (!file.empty())
        line += file + ": ";
    // Keep it one line even when a library message carries newlines.
    for (char c : problem)
        line += (c == '\n' || c == '\r') ? ' ' : c;
    while (!line.empty() && line.back() == ' ')
        line.pop_back();
    line += '\n';
    std::fflush(stdout);  // keep stdout and stderr in order on a terminal
    write_all(2, line);
}

}  // namespace

void print_error(const std::string& tool, const std::string& file, const std::string& problem)
{
    print_line(tool, "error", file, problem);
}

void print_warning(const std::string& tool, const std::string& file, const std::string& problem)
{
    print_line(tool, "warning", file, problem);
}

void print_note(const std::string& tool, const std::string& file, const std::string& problem)
{
    print_line(tool, "note", file, problem);
}

void print_out(const std::string& text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

}  // namespace ck::tool
