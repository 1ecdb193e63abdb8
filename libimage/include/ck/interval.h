// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The checkpoint interval notation (S6, S15), shared by ckrender's
// -checkpoint/exitat and ckclean's --older-than.
//
//   100i         100 increments
//   360s 6m 0.1h 5m60s 1d2h    wall-clock time; units s m h d combine and may be fractional
//   300          a bare positive number is seconds
//   -1           a negative number is increments (-1 = 1i)
//
// Errors: empty text, zero, unknown units ("10x"), signs inside a
// combination ("5m-3s"), mixing increments and time ("1i2s"), NaN/inf.
#pragma once

#include <ck/result.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ck {

struct Interval {
    enum class Kind { Seconds, Increments };
    Kind kind = Kind::Seconds;
    double seconds = 0;      ///< For Kind::Seconds: > 0.
    int64_t increments = 0;  ///< For Kind::Increments: > 0.

    bool is_time() const { return kind == Kind::Seconds; }
    /// "100i" or "360s" (seconds printed without trailing zeros).
    std::string str() const;
    bool operator==(const Interval& o) const
    {
        return kind == o.kind && seconds == o.seconds && increments == o.increments;
    }
};

/// Parses one interval. The error (ErrorCode::InvalidArgument) quotes the text
/// and says what is wrong with it.
Result<Interval> parse_interval(std::string_view text);

/// Parses a whitespace-separated sequence ("1i 10m 1h"); each entry is the wait
/// since the previous checkpoint and the last one repeats (S15). Empty text is
/// an error.
Result<std::vector<Interval>> parse_interval_sequence(std::string_view text);

}  // namespace ck
