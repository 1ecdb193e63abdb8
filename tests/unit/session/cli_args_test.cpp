// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckrender's RenderMan spellings, frame lists and the interval-sequence hint
// (issue 9, item 7; S13).
#include "session/cli_args.h"

#include <gtest/gtest.h>

namespace {

using ck::render::FrameSet;
using ck::render::interval_sequence_hint;
using ck::render::normalise_arguments;

using Args = std::vector<std::string>;

TEST(CliArgs, RenderManSpellingsBecomeCli11Ones)
{
    EXPECT_EQ(normalise_arguments({"-t:4", "-progress", "-frame", "3", "-version"}),
              (Args{"-t", "4", "--rman-progress", "--frame", "3", "--version"}));
    EXPECT_EQ(normalise_arguments({"-checkpoint=10m", "-recover", "1", "-cwd", "d", "-"}),
              (Args{"--checkpoint=10m", "--recover", "1", "--cwd", "d", "-"}));
    // Not RenderMan's spellings: left for CLI11 to judge.
    EXPECT_EQ(normalise_arguments({"-q", "--progress", "2", "-checkpointx"}),
              (Args{"-q", "--progress", "2", "-checkpointx"}));
}

TEST(CliArgs, FrameListsAndRanges)
{
    auto set = FrameSet::parse("1,3, 5-7");
    ASSERT_TRUE(set.is_ok()) << set.status().message();
    for (int f : {1, 3, 5, 6, 7})
        EXPECT_TRUE(set->contains(f)) << f;
    for (int f : {0, 2, 4, 8})
        EXPECT_FALSE(set->contains(f)) << f;
    EXPECT_EQ(set->missing({1, 2, 5}), (std::vector<int>{3}));

    auto negative = FrameSet::parse("-3--1");
    ASSERT_TRUE(negative.is_ok()) << negative.status().message();
    EXPECT_TRUE(negative->contains(-2));
    EXPECT_FALSE(negative->contains(0));
}

TEST(CliArgs, BadFrameListsNameTheItem)
{
    for (const char* bad : {"", "a", "1-", "5-2", "1,,2", "99999999999"}) {
        auto set = FrameSet::parse(bad);
        EXPECT_FALSE(set.is_ok()) << bad;
    }
    EXPECT_NE(FrameSet::parse("5-2").status().message().find("\"5-2\" runs backwards"),
              std::string::npos);
    EXPECT_NE(FrameSet::parse("1,x").status().message().find("\"x\""), std::string::npos);
}

TEST(CliArgs, AnUnquotedIntervalSequenceGetsAHint)
{
    EXPECT_EQ(interval_sequence_hint({"--checkpoint", "1i", "10m", "1h", "s.rib"}),
              "-checkpoint: quote an interval sequence so the shell keeps it one word: "
              "-checkpoint \"1i 10m 1h\"");
    EXPECT_EQ(interval_sequence_hint({"--checkpoint", "1i 10m 1h", "s.rib"}), "");
    EXPECT_EQ(interval_sequence_hint({"--checkpoint", "10m", "s.rib", "extra.rib"}), "");
}

}  // namespace
