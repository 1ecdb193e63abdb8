// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// tools/common: isolated runs (crash, hang, memory cap), JSON output, magic
// bytes, sizes, exit codes.
#include "../support/temp_dir.h"
#include "tool_test_util.h"

#include <ck/tool/common.h>

#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>
#include <vector>

#include <unistd.h>

namespace {

using ck::test::contains;
using ck::test::TempDir;
using namespace ck::tool;
using Outcome = IsolatedResult::Outcome;

Limits quick_limits()
{
    Limits limits;
    limits.timeout_seconds = 2;
    limits.max_memory_bytes = 512ull << 20;
    return limits;
}

TEST(RunIsolated, ReturnsThePayload)
{
    IsolatedResult r = run_isolated([] { return std::string(3 << 20, 'x'); }, quick_limits());
    EXPECT_EQ(r.outcome, Outcome::Ok) << r.why;
    EXPECT_EQ(r.payload.size(), size_t(3 << 20));
    EXPECT_GT(r.peak_rss_kib, 0);
}

TEST(RunIsolated, ACrashIsReportedNotInherited)
{
    IsolatedResult r = run_isolated(
        []() -> std::string {
            std::raise(SIGSEGV);
            return "unreachable";
        },
        quick_limits());
    EXPECT_EQ(r.outcome, Outcome::Crashed);
    EXPECT_EQ(r.signal, SIGSEGV);
    EXPECT_TRUE(contains(r.why, "crashed (signal 11")) << r.why;
}

TEST(RunIsolated, AHangIsKilledAtTheBudget)
{
    IsolatedResult r = run_isolated(
        []() -> std::string {
            for (;;)
                ::pause();
        },
        quick_limits());
    EXPECT_EQ(r.outcome, Outcome::TimedOut);
    EXPECT_EQ(r.why, "gave up after 2 s (the time budget, --timeout)");
    EXPECT_LT(r.seconds, 10.0);
}

TEST(RunIsolated, AllocationsBeyondTheCapAreOutOfMemory)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "sanitizer builds run the child without an address-space cap";
#endif
    IsolatedResult r = run_isolated(
        [] {
            std::vector<char> big(size_t(2) << 30);
            return std::string(1, big[12345]);
        },
        quick_limits());
    EXPECT_EQ(r.outcome, Outcome::OutOfMemory);
    EXPECT_EQ(r.why, "needs more than 512 MiB of memory (the cap, --max-memory)");
}

TEST(RunIsolated, ExceptionsAreReported)
{
    IsolatedResult r =
        run_isolated([]() -> std::string { throw std::runtime_error("boom"); }, quick_limits());
    EXPECT_EQ(r.outcome, Outcome::Crashed);
    EXPECT_TRUE(contains(r.why, "boom")) << r.why;
}

TEST(RunFileIsolated, ReportsSurviveThePipeAndFailuresBecomeDamage)
{
    FileReport ok = run_file_isolated(
        "a.exr",
        [] {
            FileReport r;
            r.file = "a.exr";
            r.text = "a.exr: fine\n";
            r.json = "{\"file\":\"a.exr\"}";
            r.notes = {"note one", std::string("with\0nul", 8)};
            r.fail(ExitCode::CheckFailed, "bad\nline");
            return r;
        },
        quick_limits());
    EXPECT_EQ(ok.code, ExitCode::CheckFailed);
    EXPECT_EQ(ok.text, "a.exr: fine\n");
    ASSERT_EQ(ok.notes.size(), 2u);
    EXPECT_EQ(ok.notes[1], std::string("with\0nul", 8));
    ASSERT_EQ(ok.errors.size(), 1u);
    const Json usage = file_json(ok);
    EXPECT_EQ(usage["file"], "a.exr");
    EXPECT_EQ(usage["ok"], false);
    EXPECT_EQ(usage["exit_code"], 1);
    EXPECT_TRUE(usage["seconds"].is_number()) << json_text(usage);
    EXPECT_EQ(usage["errors"], Json::array({"bad\nline"})) << json_text(usage);

    FileReport crashed = run_file_isolated(
        "b.exr", []() -> FileReport { std::abort(); }, quick_limits());
    EXPECT_EQ(crashed.code, ExitCode::CheckFailed);
    ASSERT_EQ(crashed.errors.size(), 1u);
    EXPECT_TRUE(contains(crashed.errors[0], "damaged: the reader crashed (signal 6"))
        << crashed.errors[0];
    EXPECT_TRUE(contains(crashed.json, "\"ok\":false")) << crashed.json;
}

TEST(Json, EscapesNonFiniteAndNonUtf8)
{
    Json j;
    j["s"] = "a\"b\\c\n\x01";
    j["n"] = 3;
    j["x"] = 0.1;
    j["list"] = Json::array({true, nullptr, 1.0 / 0.0});
    j["bad"] = std::string("\xff.exr");
    j["empty"] = Json::object();
    EXPECT_EQ(json_text(j),
              "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":3,\"x\":0.1,"
              "\"list\":[true,null,null],\"bad\":\"\xef\xbf\xbd.exr\",\"empty\":{}}");
    EXPECT_TRUE(json_parse("{\"a\":").is_discarded());
    EXPECT_EQ(json_envelope("ckinfo")["schema"], kJsonSchemaName);
}

TEST(SniffFile, MagicBytesNotNames)
{
    TempDir tmp;
    ck::test::write_file(tmp.file("exr.tif"), std::string("\x76\x2f\x31\x01\x02\0\0\0", 8));
    ck::test::write_file(tmp.file("tiff.exr"), std::string("II*\0\x08\0\0\0", 8));
    ck::test::write_file(tmp.file("bigendian"), std::string("MM\0*\0\0\0\x08", 8));
    ck::test::write_file(tmp.file("text.exr"), "hello world\n");
    ck::test::write_file(tmp.file("empty.exr"), "");
    ck::test::write_file(tmp.file("blob.exr.part"), std::string("\x89PNG\r\n\x1a\n\0\0", 10));
    ck::test::write_file(tmp.file("binary"), std::string("\x01\x02\0\x03\xfe\xfd", 6));
    // A binary PPM whose pixel bytes are all printable is an image, not text.
    ck::test::write_file(tmp.file("pic"), "P6\n4 4\n255\n" + std::string(48, 'A'));
    ck::test::write_file(tmp.file("photo"), std::string("\xff\xd8\xff\xe0\0\x10JFIF", 10));
    EXPECT_EQ(sniff_file(tmp.file("exr.tif")).type, FileType::OpenExr);
    EXPECT_EQ(sniff_file(tmp.file("tiff.exr")).type, FileType::Tiff);
    EXPECT_EQ(sniff_file(tmp.file("bigendian")).type, FileType::Tiff);
    EXPECT_EQ(sniff_file(tmp.file("text.exr")).type, FileType::Text);
    EXPECT_EQ(sniff_file(tmp.file("empty.exr")).type, FileType::Empty);
    const FileSniff part = sniff_file(tmp.file("blob.exr.part"));
    EXPECT_EQ(part.type, FileType::OtherImage);
    EXPECT_EQ(part.image_name, "a PNG image");
    EXPECT_TRUE(contains(describe_non_image(part), "a PNG image, an image format ckinfo"))
        << describe_non_image(part);
    EXPECT_TRUE(part.is_part);
    EXPECT_EQ(sniff_file(tmp.file("binary")).type, FileType::Other);
    const FileSniff pic = sniff_file(tmp.file("pic"));
    EXPECT_EQ(pic.type, FileType::OtherImage);
    EXPECT_TRUE(contains(pic.image_name, "PNM")) << pic.image_name;
    EXPECT_FALSE(contains(describe_non_image(pic), "text")) << describe_non_image(pic);
    EXPECT_EQ(sniff_file(tmp.file("photo")).image_name, "a JPEG image");
    EXPECT_TRUE(contains(describe_non_image(part), "unfinished write")) << describe_non_image(part);
    EXPECT_EQ(sniff_file(tmp.file("missing")).type, FileType::Missing);
    EXPECT_EQ(sniff_file(tmp.path().string()).type, FileType::Directory);
}

TEST(ExitCodes, WorstWinsAndErrorsMap)
{
    EXPECT_EQ(worst(ExitCode::Ok, ExitCode::CheckFailed), ExitCode::CheckFailed);
    EXPECT_EQ(worst(ExitCode::IoError, ExitCode::CheckFailed), ExitCode::IoError);
    EXPECT_EQ(exit_code_for(ck::ErrorCode::Corrupt), ExitCode::CheckFailed);
    EXPECT_EQ(exit_code_for(ck::ErrorCode::NotFound), ExitCode::IoError);
    EXPECT_EQ(exit_code_for(ck::ErrorCode::InvalidArgument), ExitCode::Usage);
}

TEST(ParseBytes, UnitsAndErrors)
{
    uint64_t v = 0;
    EXPECT_TRUE(parse_bytes("2G", v));
    EXPECT_EQ(v, 2ull << 30);
    EXPECT_TRUE(parse_bytes("512MiB", v));
    EXPECT_EQ(v, 512ull << 20);
    EXPECT_TRUE(parse_bytes("0", v));
    EXPECT_EQ(v, 0u);
    EXPECT_FALSE(parse_bytes("lots", v));
    EXPECT_FALSE(parse_bytes("-1G", v));
    EXPECT_FALSE(parse_bytes("3X", v));
    EXPECT_EQ(format_bytes(2ull << 30), "2 GiB");
}

}  // namespace
