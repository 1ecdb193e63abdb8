// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Checkpoint metadata and images: round trips, strict validation, and damage
// detection (S4, S21, B3, B7).
#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/inspect.h>

#include "../../support/temp_dir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace format = ck::format;

ck::CheckpointHeader sample_header()
{
    ck::CheckpointHeader h;
    h.format_version = format::kFormatVersion;
    h.state = format::kStateCheckpoint;
    h.render_id = "0123456789abcdef0123456789abcdef";
    h.generation = 5000000000ULL;  // past 2^32: must survive as text
    h.frame = 3;
    h.display_index = 1;
    h.display_count = 2;
    h.display_name = "beauty.exr";
    h.mode = format::kModeIncremental;
    h.target_samples = 256;
    h.samples_done = 123456789012ULL;
    h.min_samples = 17;
    h.fingerprint = "abc123";
    h.fingerprint_parts = "camera=1;geometry=2";
    h.reason = format::kReasonExiting;
    h.checkpoint_elapsed = 12.5f;
    h.total_elapsed = 98765.25;
    h.history = "[{\"host\":\"a\"}]";
    h.seed = 4000000000u;
    h.renderer = "ckrender test";
    h.state_hash = 0xfedcba9876543210ULL;
    return h;
}

TEST(CheckpointAttributes, RoundTripThroughSpec)
{
    OIIO::ImageSpec spec(2, 2, 5, OIIO::TypeFloat);
    const ck::CheckpointHeader h = sample_header();
    ck::set_checkpoint_attributes(spec, h);
    auto back = ck::get_checkpoint_attributes(spec);
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    EXPECT_EQ(back->generation, h.generation);
    EXPECT_EQ(back->samples_done, h.samples_done);
    EXPECT_EQ(back->seed, h.seed);
    EXPECT_EQ(back->state_hash, h.state_hash);
    EXPECT_EQ(back->total_elapsed, h.total_elapsed);
    EXPECT_EQ(back->checkpoint_elapsed, h.checkpoint_elapsed);
    EXPECT_EQ(back->display_name, h.display_name);
    EXPECT_EQ(back->history, h.history);
}

TEST(CheckpointAttributes, NotACheckpointAndMissingKeys)
{
    OIIO::ImageSpec plain(2, 2, 4, OIIO::TypeFloat);
    auto r = ck::get_checkpoint_attributes(plain);
    EXPECT_EQ(r.status().code(), ck::ErrorCode::NotFound);

    OIIO::ImageSpec spec(2, 2, 5, OIIO::TypeFloat);
    ck::set_checkpoint_attributes(spec, sample_header());
    spec.erase_attribute(format::kKeyGeneration);
    r = ck::get_checkpoint_attributes(spec);
    EXPECT_EQ(r.status().code(), ck::ErrorCode::Corrupt);
    EXPECT_NE(r.status().message().find(format::kKeyGeneration), std::string::npos);

    ck::set_checkpoint_attributes(spec, sample_header());
    spec.attribute(format::kKeyGeneration, "12x");
    EXPECT_EQ(ck::get_checkpoint_attributes(spec).status().code(), ck::ErrorCode::Corrupt);

    ck::set_checkpoint_attributes(spec, sample_header());
    spec.attribute(format::kKeyFormatVersion, format::kFormatVersion + 1);
    EXPECT_EQ(ck::get_checkpoint_attributes(spec).status().code(), ck::ErrorCode::Unsupported);

    ck::set_checkpoint_attributes(spec, sample_header());
    spec.attribute(format::kKeyDisplayIndex, 2);
    EXPECT_EQ(ck::get_checkpoint_attributes(spec).status().code(), ck::ErrorCode::Corrupt);
}

struct Written {
    std::vector<float> pixels;
    OIIO::ImageSpec spec;
};

// Writes a 9x6 R,G,B,A,~w checkpoint with a correct state hash.
Written write_checkpoint(const std::string& path)
{
    Written w;
    w.spec = OIIO::ImageSpec(9, 6, 5, OIIO::TypeFloat);
    w.spec.x = 3;
    w.spec.y = 2;
    w.spec.full_width = 20;
    w.spec.full_height = 10;
    // Written in an order OIIO will not give back: ~w first.
    w.spec.channelnames = {"~w", "R", "G", "B", "A"};
    w.spec.attribute("compression", "zip");
    w.pixels.resize(9 * 6 * 5);
    for (size_t i = 0; i < w.pixels.size(); ++i)
        w.pixels[i] = (i % 5 == 0) ? float(i % 7) : std::cos(float(i)) * 3.25f;
    ck::CheckpointHeader h = sample_header();
    // ~w (channel 0) consistent with the header: read_checkpoint checks it.
    h.samples_done = 0;
    h.min_samples = 6;
    for (size_t p = 0; p < 54; ++p) {
        h.samples_done += uint64_t(w.pixels[p * 5]);
        h.min_samples = std::min(h.min_samples, int(w.pixels[p * 5]));
    }
    h.state_hash = ck::state_hash(w.spec, w.pixels.data());
    ck::set_checkpoint_attributes(w.spec, h);
    EXPECT_TRUE(ck::write_images_atomically({{path, format::kOpenExrFormat, w.spec, w.pixels.data()}})
                    .is_ok());
    return w;
}

TEST(CheckpointImage, ReadsChannelsByNameBitExact)
{
    ck::test::TempDir dir;
    Written w = write_checkpoint(dir.file("ck.exr"));
    auto r = ck::read_checkpoint(dir.file("ck.exr"), {"R", "G", "B", "A", "~w"});
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    EXPECT_EQ(r->spec.x, 3);
    EXPECT_EQ(r->header.generation, 5000000000ULL);
    for (size_t p = 0; p < 54; ++p) {
        EXPECT_EQ(r->pixels[p * 5 + 4], w.pixels[p * 5 + 0]) << "~w of pixel " << p;
        for (int c = 0; c < 4; ++c)
            EXPECT_EQ(r->pixels[p * 5 + size_t(c)], w.pixels[p * 5 + size_t(c) + 1]);
    }
}

TEST(CheckpointImage, DetectsTruncationAtEveryTenthOfTheFile)
{
    ck::test::TempDir dir;
    write_checkpoint(dir.file("ck.exr"));
    const auto size = fs::file_size(dir.file("ck.exr"));
    for (int tenth = 0; tenth < 10; ++tenth) {
        fs::copy_file(dir.file("ck.exr"), dir.file("cut.exr"), fs::copy_options::overwrite_existing);
        fs::resize_file(dir.file("cut.exr"), size * uintmax_t(tenth) / 10);
        auto r = ck::read_checkpoint(dir.file("cut.exr"), {"R", "~w"});
        EXPECT_FALSE(r.is_ok()) << "cut at " << tenth << "/10 was accepted";
        EXPECT_NE(r.status().message().find("cut.exr"), std::string::npos);
    }
}

TEST(CheckpointImage, DetectsAFlippedPixelByte)
{
    ck::test::TempDir dir;
    write_checkpoint(dir.file("ck.exr"));
    // Uncompressed data would be easier to hit; with zip, flip bytes near the end
    // (pixel chunks) until the file still parses but the hash must catch it.
    const auto size = fs::file_size(dir.file("ck.exr"));
    int detected = 0, tried = 0;
    for (uintmax_t off = size - 1; off > size - 200 && off > 0; off -= 7) {
        fs::copy_file(dir.file("ck.exr"), dir.file("flip.exr"), fs::copy_options::overwrite_existing);
        std::fstream f(dir.file("flip.exr"), std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(std::streamoff(off));
        char c = 0;
        f.read(&c, 1);
        c = char(c ^ 0x10);
        f.seekp(std::streamoff(off));
        f.write(&c, 1);
        f.close();
        ++tried;
        if (!ck::read_checkpoint(dir.file("flip.exr"), {"R"}).is_ok())
            ++detected;
    }
    EXPECT_EQ(detected, tried);
}

TEST(CheckpointImage, NotAnExrAndMissingFile)
{
    ck::test::TempDir dir;
    std::ofstream(dir.file("text.exr")) << "hello";
    auto r = ck::read_checkpoint(dir.file("text.exr"), {"R"});
    EXPECT_EQ(r.status().code(), ck::ErrorCode::Corrupt);
    EXPECT_NE(r.status().message().find("not an OpenEXR"), std::string::npos);
    EXPECT_EQ(ck::read_checkpoint(dir.file("none.exr"), {"R"}).status().code(),
              ck::ErrorCode::NotFound);
}

TEST(CheckpointImage, MissingChannelIsReported)
{
    ck::test::TempDir dir;
    write_checkpoint(dir.file("ck.exr"));
    auto r = ck::read_checkpoint(dir.file("ck.exr"), {"R", "Z"});
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("\"Z\""), std::string::npos);
}

}  // namespace

namespace {

// ck:history through nlohmann-json: today's records read back field by field,
// and a hostile value is an error, never an exception or a crash.
TEST(ResumeHistory, ReadsTodaysRecordsAndRefusesHostileOnes)
{
    auto ok = ck::parse_resume_history(
        "[{\"host\":\"node17\",\"pid\":4242,\"threads\":2,\"written\":\"2026-01-02T03:04:05Z\","
        "\"elapsed\":41.250,\"samplesFrom\":\"0\",\"samplesTo\":\"1000\",\"reason\":\"checkpoint\"},"
        " {\"host\":\"a\\u00e9\"}]");
    ASSERT_TRUE(ok) << ok.status().message();
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_EQ((*ok)[0].get("host"), "node17");
    EXPECT_EQ((*ok)[0].get("pid"), "4242");
    EXPECT_EQ((*ok)[0].get("samplesTo"), "1000");
    EXPECT_EQ(std::stod((*ok)[0].get("elapsed")), 41.25);
    EXPECT_EQ((*ok)[1].get("host"), "a\xc3\xa9");
    EXPECT_TRUE(ck::parse_resume_history("[]"));
    for (const std::string& hostile :
         {std::string(""), std::string("["), std::string("{}"), std::string("[1]"),
          std::string("[{\"a\":[1]}]"), std::string("[{\"a\":{}}]"), std::string("[{\"a\":\"\xff\"}]"),
          std::string(100000, '['), std::string("[{\"a\":1}] trailing")}) {
        auto r = ck::parse_resume_history(hostile);
        EXPECT_FALSE(r) << hostile.substr(0, 40);
        if (!r) {
            EXPECT_EQ(r.status().code(), ck::ErrorCode::Corrupt);
        }
    }
}

// Issue 10, item 9: "sum of ~w (107990) does not match (107990)" told the
// user nothing. Counts that differ by a fraction print every digit.
TEST(InspectMessages, ASumOfWeightsThatDiffersByAFractionPrintsTheFraction)
{
    ck::test::TempDir dir;
    OIIO::ImageSpec spec(9, 6, 5, OIIO::TypeFloat);
    spec.channelnames = {"R", "G", "B", "A", "~w"};
    std::vector<float> pixels(9 * 6 * 5, 0.25f);
    for (size_t p = 0; p < 54; ++p)
        pixels[p * 5 + 4] = 2.0f;
    pixels[4] = 2.5f;  // a forged half sample: the sum is 108.5
    ck::CheckpointHeader h = sample_header();
    h.samples_done = 108;
    h.min_samples = 2;
    h.state_hash = ck::state_hash(spec, pixels.data());
    ck::set_checkpoint_attributes(spec, h);
    ASSERT_TRUE(ck::write_images_atomically(
                    {{dir.file("ck.exr"), format::kOpenExrFormat, spec, pixels.data()}})
                    .is_ok());
    auto report = ck::inspect_image(dir.file("ck.exr"));
    ASSERT_TRUE(report.is_ok()) << report.status().message();
    std::string all;
    for (const std::string& p : report->problems)
        all += p + "\n";
    EXPECT_NE(all.find("sum of ~w (108.5) does not match ck:samplesDone (108)"), std::string::npos)
        << all;
}

}  // namespace
