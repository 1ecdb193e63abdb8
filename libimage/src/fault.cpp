// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/fault.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <unistd.h>

namespace ck::fault {

namespace {

struct Rule {
    std::string point;
    long nth = 0;
    bool and_later = false;
    Action action = Action::None;
    std::atomic<long> hits{0};
};

// One rule per comma-separated POINT@N[+]:ACTION; malformed rules are ignored.
std::vector<std::unique_ptr<Rule>> parse(const char* text)
{
    std::vector<std::unique_ptr<Rule>> rules;
    if (!text || !*text)
        return rules;
    std::string all = text;
    for (size_t begin = 0; begin <= all.size();) {
        size_t comma = all.find(',', begin);
        if (comma == std::string::npos)
            comma = all.size();
        const std::string spec = all.substr(begin, comma - begin);
        begin = comma + 1;
        const size_t at = spec.find('@');
        const size_t colon = spec.find(':', at == std::string::npos ? 0 : at);
        if (at == std::string::npos || colon == std::string::npos)
            continue;
        auto r = std::make_unique<Rule>();
        r->point = spec.substr(0, at);
        std::string count = spec.substr(at + 1, colon - at - 1);
        if (!count.empty() && count.back() == '+') {
            r->and_later = true;
            count.pop_back();
        }
        r->nth = std::strtol(count.c_str(), nullptr, 10);
        const std::string action = spec.substr(colon + 1);
        if (action == "kill")
            r->action = Action::Kill;
        else if (action == "stop")
            r->action = Action::Stop;
        else if (action == "eio")
            r->action = Action::Eio;
        else if (action == "enospc")
            r->action = Action::Enospc;
        else if (action == "enomem")
            r->action = Action::Enomem;
        if (r->nth > 0 && r->action != Action::None && !r->point.empty())
            rules.push_back(std::move(r));
    }
    return rules;
}

const std::vector<std::unique_ptr<Rule>>& rules()
{
    static const std::vector<std::unique_ptr<Rule>> r = parse(std::getenv("CKRENDER_FAULT_INJECT"));
    return r;
}

}  // namespace

Action hit(const char* point)
{
    const auto& all = rules();
    if (all.empty())
        return Action::None;
    Action result = Action::None;
    for (const auto& r : all) {
        if (r->point != point)
            continue;
        const long n = r->hits.fetch_add(1) + 1;
        if (n != r->nth && !(r->and_later && n > r->nth))
            continue;
        if (r->action == Action::Kill)
            ::kill(::getpid(), SIGKILL);
        if (r->action == Action::Enomem)
            throw std::bad_alloc();
        if (r->action == Action::Stop)
            std::raise(SIGSTOP);  // to this thread, so it stops before its next step; SIGCONT goes on
        else
            result = r->action;
    }
    return result;
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
