// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The interval notation: every form of S6 and S15, and each error.
#include <ck/interval.h>

#include <gtest/gtest.h>

#include <string>

namespace {

double seconds_of(const char* text)
{
    auto r = ck::parse_interval(text);
    EXPECT_TRUE(r.is_ok()) << text << ": " << r.status().message();
    if (!r)
        return -1;
    EXPECT_TRUE(r->is_time()) << text;
    return r->seconds;
}

int64_t increments_of(const char* text)
{
    auto r = ck::parse_interval(text);
    EXPECT_TRUE(r.is_ok()) << text << ": " << r.status().message();
    if (!r)
        return -1;
    EXPECT_FALSE(r->is_time()) << text;
    return r->increments;
}

TEST(Interval, S6SameIntervalFourWays)
{
    EXPECT_DOUBLE_EQ(seconds_of("360s"), 360.0);
    EXPECT_DOUBLE_EQ(seconds_of("6m"), 360.0);
    EXPECT_DOUBLE_EQ(seconds_of("5m60s"), 360.0);
    EXPECT_DOUBLE_EQ(seconds_of("0.1h"), 360.0);
}

TEST(Interval, S6UnitsAndFractions)
{
    EXPECT_DOUBLE_EQ(seconds_of("1d"), 86400.0);
    EXPECT_DOUBLE_EQ(seconds_of("1d2h3m4s"), 86400.0 + 7200 + 180 + 4);
    EXPECT_DOUBLE_EQ(seconds_of(".5m"), 30.0);
    EXPECT_DOUBLE_EQ(seconds_of("1.m"), 60.0);
    EXPECT_DOUBLE_EQ(seconds_of("1.5h30m"), 7200.0);
}

TEST(Interval, S6BareAndNegativeNumbers)
{
    EXPECT_DOUBLE_EQ(seconds_of("300"), 300.0);
    EXPECT_DOUBLE_EQ(seconds_of("2.5"), 2.5);
    EXPECT_DOUBLE_EQ(seconds_of("+10"), 10.0);
    EXPECT_EQ(increments_of("-1"), 1);
    EXPECT_EQ(increments_of("-25"), 25);
    EXPECT_EQ(increments_of("100i"), 100);
    EXPECT_EQ(increments_of("1i"), 1);
}

TEST(Interval, S6ErrorsNameTheBadText)
{
    for (const char* text : {"10x", "5m-3s", "1i2s", "", "0", "0s", "0i", "-0", "s", "i", "m5",
                             "1.5i", "-1.5", "5 m", "nan", "inf", "1e3s", "--1", "5m3", "2si",
                             "-5m"}) {
        auto r = ck::parse_interval(text);
        EXPECT_FALSE(r.is_ok()) << "accepted \"" << text << "\"";
        if (!r) {
            EXPECT_EQ(r.status().code(), ck::ErrorCode::InvalidArgument);
            EXPECT_NE(r.status().message().find(std::string("\"") + text + "\""),
                      std::string::npos)
                << r.status().message();
        }
    }
}

TEST(Interval, S15SequenceLastEntryRepeats)
{
    auto r = ck::parse_interval_sequence("1i 15m 2h 2h 1h");
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    ASSERT_EQ(r->size(), 5u);
    EXPECT_EQ((*r)[0].increments, 1);
    EXPECT_DOUBLE_EQ((*r)[1].seconds, 900.0);
    EXPECT_DOUBLE_EQ((*r)[4].seconds, 3600.0);

    auto tabs = ck::parse_interval_sequence("  -1\t600 \n3600 ");
    ASSERT_TRUE(tabs.is_ok());
    ASSERT_EQ(tabs->size(), 3u);
    EXPECT_EQ((*tabs)[0].increments, 1);
}

TEST(Interval, S15SequenceErrors)
{
    EXPECT_FALSE(ck::parse_interval_sequence("").is_ok());
    EXPECT_FALSE(ck::parse_interval_sequence("   ").is_ok());
    auto r = ck::parse_interval_sequence("1i 10x 1h");
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("\"10x\""), std::string::npos) << r.status().message();
}

TEST(Interval, PrintsInCanonicalForm)
{
    EXPECT_EQ(ck::parse_interval("5m60s")->str(), "360s");
    EXPECT_EQ(ck::parse_interval("-3")->str(), "3i");
    EXPECT_EQ(ck::parse_interval("0.5")->str(), "0.5s");
}

}  // namespace
