// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Every tool's --json output (ckinfo, ckverify, ckstrip, ckclean, and
// ckrender's JSON lines) against docs/json-schema.json, on a checkpoint, a
// final, a damaged file and a missing file (docs/json.md). The validator is
// python3-jsonschema (scripts/install-deps.sh installs it): without it the
// tests fail, saying so.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "tool_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace {

using ck::test::ProcessResult;
using ck::test::TempDir;

const std::string kSchema = CK_JSON_SCHEMA;
const std::string kValidator = CK_JSON_VALIDATOR;

class JsonSchema : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir;
        const std::string dir = s_dir->path().string();
        s_checkpoint = ck::test::render_image(CK_RENDERER_PATH, dir, "ck.exr", 8, 3);
        s_final = ck::test::render_image(CK_RENDERER_PATH, dir, "final.exr", 2, 0);
        s_damaged = s_dir->file("damaged.exr");
        const std::string bytes = ck::test::read_file(s_checkpoint);
        ck::test::write_file(s_damaged, bytes.substr(0, bytes.size() * 2 / 3));
        s_missing = s_dir->file("missing.exr");
    }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }
    void SetUp() override
    {
        ASSERT_FALSE(s_checkpoint.empty());
        ASSERT_FALSE(s_final.empty());
    }

    // Runs `argv`, checks its exit code, validates stdout against the schema.
    nlohmann::json run_and_validate(const std::vector<std::string>& argv, int expected_exit,
                                    bool lines = false)
    {
        ProcessResult r = ck::test::run_process(argv, s_dir->path().string(), 120);
        EXPECT_EQ(r.exit_code, expected_exit) << r.err;
        validate(r.out, lines);
        if (lines)
            return {};
        return nlohmann::json::parse(r.out, nullptr, false);
    }

    void validate(const std::string& out, bool lines)
    {
        const std::string file = m_tmp.file("out" + std::to_string(m_count++) + ".json");
        ck::test::write_file(file, out);
        std::vector<std::string> argv = {"/usr/bin/python3", kValidator, kSchema};
        if (lines)
            argv.push_back("--lines");
        argv.push_back(file);
        ProcessResult v = ck::test::run_process(argv, "", 60);
        EXPECT_EQ(v.exit_code, 0) << "not valid against " << kSchema << ":\n"
                                  << v.out << v.err << "\noutput:\n"
                                  << out;
    }

    static TempDir* s_dir;
    static std::string s_checkpoint, s_final, s_damaged, s_missing;
    TempDir m_tmp;
    int m_count = 0;
};

TempDir* JsonSchema::s_dir = nullptr;
std::string JsonSchema::s_checkpoint, JsonSchema::s_final, JsonSchema::s_damaged,
    JsonSchema::s_missing;

// Every per-file object has file, exit_code and seconds; the envelope is one.
void expect_envelope(const nlohmann::json& j, const char* tool, size_t files)
{
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j["schema"], "ckrender-json");
    EXPECT_EQ(j["schema_version"], 1);
    EXPECT_EQ(j["tool"], tool);
    ASSERT_EQ(j["files"].size(), files) << j.dump();
    for (const auto& f : j["files"]) {
        EXPECT_TRUE(f["file"].is_string()) << f.dump();
        EXPECT_TRUE(f["exit_code"].is_number_integer()) << f.dump();
        EXPECT_TRUE(f["seconds"].is_number()) << f.dump();
    }
}

TEST_F(JsonSchema, CkinfoOnCheckpointFinalDamagedAndMissing)
{
    const auto j = run_and_validate(
        {CK_INFO_PATH, "--json", "-v", s_checkpoint, s_final, s_damaged, s_missing}, 3);
    expect_envelope(j, "ckinfo", 4);
    EXPECT_TRUE(j["files"][0]["checkpoint"]["generation"].is_number_unsigned()) << j.dump();
    EXPECT_TRUE(j["files"][0]["checkpoint"]["history"][0]["samples_to"].is_number()) << j.dump();
    run_and_validate({CK_INFO_PATH, "--json", "--header-only", s_checkpoint}, 0);
}

TEST_F(JsonSchema, CkverifyOnImagesAndAScene)
{
    const auto j = run_and_validate({CK_VERIFY_PATH, "--json", s_checkpoint, s_final, s_damaged,
                                     s_missing, s_dir->file("ck.exr.rib")},
                                    3);
    expect_envelope(j, "ckverify", 5);
    // The same checkpoint object as ckinfo's: generation a number.
    EXPECT_TRUE(j["files"][0]["checkpoint"]["generation"].is_number_unsigned()) << j.dump();
    EXPECT_TRUE(j["files"][4]["scene"]["frames"].is_array()) << j.dump();
}

TEST_F(JsonSchema, CkstripOnEveryKind)
{
    const std::string out = m_tmp.file("outdir");
    std::filesystem::create_directory(out);
    const auto j = run_and_validate(
        {CK_STRIP_PATH, "--json", "-o", out, s_checkpoint, s_final, s_damaged, s_missing}, 3);
    expect_envelope(j, "ckstrip", 4);
}

TEST_F(JsonSchema, CkcleanOnADirectoryAndAMissingOne)
{
    ck::test::write_file(m_tmp.file("x.exr.part"), "partial");
    const auto j = run_and_validate(
        {CK_CLEAN_PATH, "--json", m_tmp.path().string(), m_tmp.file("nope")}, 3);
    expect_envelope(j, "ckclean", 2);
}

TEST_F(JsonSchema, CkrenderJsonLines)
{
    const std::string dir = m_tmp.path().string();
    ck::test::write_file(m_tmp.file("s.rib"), ck::test::tiny_scene("s.exr", 6));
    // Stopped at a checkpoint, then resumed to the end; with -progress too.
    ProcessResult a = ck::test::run_process(
        {CK_RENDERER_PATH, "--json", "-t", "2", "--progress", "0.01", "-checkpoint", "1i,2i",
         "s.rib"},
        dir, 120);
    EXPECT_EQ(a.exit_code, 75) << a.err;
    validate(a.out, true);
    EXPECT_NE(a.out.find("\"event\":\"checkpoint\""), std::string::npos) << a.out;
    EXPECT_NE(a.out.find("\"event\":\"frame\""), std::string::npos) << a.out;
    ProcessResult b = ck::test::run_process(
        {CK_RENDERER_PATH, "--json", "-progress", "-t", "2", "-recover", "1", "s.rib"}, dir, 120);
    EXPECT_EQ(b.exit_code, 0) << b.err;
    validate(b.out, true);
    EXPECT_NE(b.out.find("R90000"), std::string::npos) << b.out;  // -progress is kept
    const std::vector<std::string> lines = ck::test::lines_of(b.out);
    ASSERT_FALSE(lines.empty());
    const auto last = nlohmann::json::parse(lines.back(), nullptr, false);
    EXPECT_EQ(last["event"], "summary") << b.out;
    EXPECT_EQ(last["exit_code"], 0) << b.out;
    for (const std::string& l : lines)  // every line is whole: JSON or R90000
        EXPECT_TRUE(l.rfind("{", 0) == 0 || l.rfind("R90000", 0) == 0) << l;
}

}  // namespace
