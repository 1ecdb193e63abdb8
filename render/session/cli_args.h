// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckrender's command line before and around CLI11: RenderMan's spellings
// (-checkpoint, -recover, -t:N, -progress, -frame, -version, -cwd), frame
// lists (1-10, 1,3,5-7), and the hint for an unquoted interval sequence.
#pragma once

#include <ck/result.h>

#include <string>
#include <utility>
#include <vector>

namespace ck::render {

/// RenderMan's spellings rewritten to the ones CLI11 parses, in order:
/// `-checkpoint`, `-recover`, `-frame`, `-version`, `-cwd` (one dash) become
/// their two-dash forms (`-checkpoint=10m` too); `-t:N` becomes `-t N`;
/// `-progress` (RenderMan's percentage lines) becomes `--rman-progress`.
/// Everything else, `-` (a RIB on standard input) included, is left as is.
std::vector<std::string> normalise_arguments(const std::vector<std::string>& args);

/// Frames to render: single numbers and inclusive ranges.
class FrameSet {
public:
    /// Parses "5", "1-10", "1,3,5-7" (spaces allowed around commas). Returns
    /// ErrorCode::InvalidArgument quoting the bad item: not a number, a range
    /// that runs backwards, or an empty list.
    static Result<FrameSet> parse(const std::string& text);

    bool empty() const { return m_ranges.empty(); }
    bool contains(int frame) const;
    /// Every single frame named (not ranges) that `present` lacks, in order.
    std::vector<int> missing(const std::vector<int>& present) const;
    const std::string& text() const { return m_text; }

private:
    std::vector<std::pair<int, int>> m_ranges;
    std::string m_text;
};

/// When `args` (normalised) give `--checkpoint V` followed by words that are
/// themselves intervals (`-checkpoint 1i 10m 1h scene.rib`: the shell split
/// the sequence), the hint to quote it; "" otherwise.
std::string interval_sequence_hint(const std::vector<std::string>& args);

}  // namespace ck::render
