// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/interval.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ck {

namespace {

Status bad(std::string_view text, const std::string& why)
{
    return {ErrorCode::InvalidArgument,
            "bad interval \"" + std::string(text) + "\": " + why};
}

// Reads an unsigned decimal number ("12", "0.5", ".5", "1.") at text[pos];
// advances pos. Returns false when there is none.
bool read_number(std::string_view text, size_t& pos, double& value)
{
    size_t start = pos;
    bool digits = false;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        ++pos;
        digits = true;
    }
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            ++pos;
            digits = true;
        }
    }
    if (!digits) {
        pos = start;
        return false;
    }
    value = std::strtod(std::string(text.substr(start, pos - start)).c_str(), nullptr);
    return std::isfinite(value);
}

double unit_seconds(char unit)
{
    switch (unit) {
    case 's': return 1.0;
    case 'm': return 60.0;
    case 'h': return 3600.0;
    case 'd': return 86400.0;
    default: return 0.0;
    }
}

}  // namespace

std::string Interval::str() const
{
    if (kind == Kind::Increments)
        return std::to_string(increments) + "i";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", seconds);
    return std::string(buf) + "s";
}

Result<Interval> parse_interval(std::string_view text)
{
    if (text.empty())
        return bad(text, "empty");

    size_t pos = 0;
    bool negative = false;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        pos = 1;
    }

    double first = 0;
    if (!read_number(text, pos, first))
        return bad(text, "expected a number");

    Interval result;
    if (pos == text.size()) {
        // A bare number: seconds when positive, increments when negative.
        if (first == 0)
            return bad(text, "must not be zero");
        if (negative) {
            if (first != std::floor(first))
                return bad(text, "a negative number counts increments and must be whole");
            if (first > 1e15)
                return bad(text, "too many increments");
            result.kind = Interval::Kind::Increments;
            result.increments = int64_t(first);
        } else {
            result.seconds = first;
        }
        return result;
    }
    if (negative)
        return bad(text, "a sign is only allowed on a bare number");

    if (text[pos] == 'i') {
        if (pos + 1 != text.size())
            return bad(text, "increments (\"i\") cannot be combined with other units");
        if (first != std::floor(first))
            return bad(text, "increments must be a whole number");
        if (first == 0)
            return bad(text, "must not be zero");
        if (first > 1e15)
            return bad(text, "too many increments");
        result.kind = Interval::Kind::Increments;
        result.increments = int64_t(first);
        return result;
    }

    // One or more NUMBER UNIT pairs, units s, m, h, d.
    double total = 0;
    double value = first;
    for (;;) {
        if (pos == text.size())
            return bad(text, "missing unit after the last number (use s, m, h, d or i)");
        char unit = text[pos];
        if (unit == 'i')
            return bad(text, "increments (\"i\") cannot be combined with time units");
        double scale = unit_seconds(unit);
        if (scale == 0)
            return bad(text, std::string("unknown unit \"") + unit + "\" (use s, m, h, d or i)");
        total += value * scale;
        ++pos;
        if (pos == text.size())
            break;
        if (!read_number(text, pos, value))
            return bad(text, std::string("unexpected \"") + text[pos] +
                                 "\" (expected a number and a unit)");
    }
    if (total <= 0)
        return bad(text, "must not be zero");
    result.seconds = total;
    return result;
}

Result<std::vector<Interval>> parse_interval_sequence(std::string_view text)
{
    std::vector<Interval> out;
    size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
            ++pos;
        size_t end = pos;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
            ++end;
        if (end > pos) {
            auto one = parse_interval(text.substr(pos, end - pos));
            if (!one)
                return one.status();
            out.push_back(one.value());
        }
        pos = end;
    }
    if (out.empty())
        return Status{ErrorCode::InvalidArgument, "bad interval \"" + std::string(text) + "\": empty"};
    return out;
}

}  // namespace ck
