// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/cli_args.h"

#include <ck/interval.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <sstream>

namespace ck::render {

namespace {

bool all_digits(const std::string& s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string trim(const std::string& s)
{
    const size_t a = s.find_first_not_of(" \t");
    const size_t b = s.find_last_not_of(" \t");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// A frame number: optional minus, digits, within int.
bool parse_frame(const std::string& text, int& out)
{
    const std::string digits = !text.empty() && text[0] == '-' ? text.substr(1) : text;
    if (!all_digits(digits) || digits.size() > 9)
        return false;
    out = std::atoi(text.c_str());
    return true;
}

}  // namespace

std::vector<std::string> normalise_arguments(const std::vector<std::string>& args)
{
    std::vector<std::string> out;
    for (const std::string& a : args) {
        bool done = false;
        for (const char* name : {"-checkpoint", "-recover", "-frame", "-version", "-cwd"}) {
            const std::string n = name;
            if (a == n || a.rfind(n + "=", 0) == 0) {
                out.push_back("-" + a);
                done = true;
                break;
            }
        }
        if (done)
            continue;
        if (a == "-progress") {
            out.push_back("--rman-progress");
        } else if (a.rfind("-t:", 0) == 0) {
            out.push_back("-t");
            out.push_back(a.substr(3));  // CLI11 checks the number and names -t
        } else {
            out.push_back(a);
        }
    }
    return out;
}

Result<FrameSet> FrameSet::parse(const std::string& text)
{
    FrameSet set;
    set.m_text = text;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        item = trim(item);
        int lo = 0, hi = 0;
        // "a-b", where a may itself be negative ("-3-2").
        const size_t dash = item.find('-', 1);
        const bool ok = dash == std::string::npos
                            ? parse_frame(item, lo) && ((hi = lo), true)
                            : parse_frame(item.substr(0, dash), lo) &&
                                  parse_frame(item.substr(dash + 1), hi);
        if (!ok)
            return Status{ErrorCode::InvalidArgument,
                          "\"" + item + "\" is not a frame number or range (write 5, 1-10 or 1,3,5-7)"};
        if (hi < lo)
            return Status{ErrorCode::InvalidArgument,
                          "the range \"" + item + "\" runs backwards"};
        set.m_ranges.emplace_back(lo, hi);
    }
    if (set.m_ranges.empty())
        return Status{ErrorCode::InvalidArgument, "no frame given"};
    return set;
}

bool FrameSet::contains(int frame) const
{
    return std::any_of(m_ranges.begin(), m_ranges.end(),
                       [&](const auto& r) { return frame >= r.first && frame <= r.second; });
}

std::vector<int> FrameSet::missing(const std::vector<int>& present) const
{
    std::vector<int> out;
    for (const auto& r : m_ranges)
        if (r.first == r.second &&
            std::find(present.begin(), present.end(), r.first) == present.end())
            out.push_back(r.first);
    return out;
}

std::string interval_sequence_hint(const std::vector<std::string>& args)
{
    for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] != "--checkpoint")
            continue;
        std::string sequence = args[i + 1];
        size_t j = i + 2;
        for (; j + 1 < args.size(); ++j) {  // the last word is the scene
            if (!parse_interval(args[j]))
                break;
            sequence += " " + args[j];
        }
        if (j > i + 2)
            return "-checkpoint: quote an interval sequence so the shell keeps it one word: "
                   "-checkpoint \"" + sequence + "\"";
    }
    return "";
}

}  // namespace ck::render
