// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/fault.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

namespace ck::fault {

namespace {

struct Config {
    bool enabled = false;
    std::string point;
    long nth = 0;
    bool and_later = false;
    Action action = Action::None;
};

Config parse(const char* text)
{
    Config c;
    if (!text || !*text)
        return c;
    const std::string spec = text;
    const size_t at = spec.find('@');
    const size_t colon = spec.find(':', at == std::string::npos ? 0 : at);
    if (at == std::string::npos || colon == std::string::npos)
        return c;
    c.point = spec.substr(0, at);
    std::string count = spec.substr(at + 1, colon - at - 1);
    if (!count.empty() && count.back() == '+') {
        c.and_later = true;
        count.pop_back();
    }
    c.nth = std::strtol(count.c_str(), nullptr, 10);
    const std::string action = spec.substr(colon + 1);
    if (action == "kill")
        c.action = Action::Kill;
    else if (action == "eio")
        c.action = Action::Eio;
    else if (action == "enospc")
        c.action = Action::Enospc;
    c.enabled = c.nth > 0 && c.action != Action::None && !c.point.empty();
    return c;
}

const Config& config()
{
    static const Config c = parse(std::getenv("CKRENDER_FAULT_INJECT"));
    return c;
}

std::atomic<long> g_hits{0};

}  // namespace

Action hit(const char* point)
{
    const Config& c = config();
    if (!c.enabled || c.point != point)
        return Action::None;
    const long n = g_hits.fetch_add(1) + 1;
    if (n != c.nth && !(c.and_later && n > c.nth))
        return Action::None;
    if (c.action == Action::Kill)
        ::kill(::getpid(), SIGKILL);
    return c.action;
}

int error_number(Action action)
{
    switch (action) {
    case Action::Eio: return EIO;
    case Action::Enospc: return ENOSPC;
    default: return 0;
    }
}

}  // namespace ck::fault
