// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/post_command.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace ck::render {

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

    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
    if (rc != 0)
        return {ErrorCode::Io, "cannot run post-checkpoint command \"" + argv_strings[0] +
                                   "\": " + std::strerror(rc)};
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return {ErrorCode::Io, std::string("waiting for post-checkpoint command: ") +
                                       std::strerror(errno)};
    }
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {};
}

}  // namespace ck::render
