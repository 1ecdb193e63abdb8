// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Every tool over every file of ../shared/corpus (fuzzer crashers, truncated
// files, decompression bombs, broken TIFFs, valid images, text). For each file:
// an exit code in {0, 1, 3} (never a signal, never a usage error), a stderr
// line naming it when the code is not 0, and an answer within the per-file
// budget. Files go to each tool in batches, as a user would pass them; the
// tools isolate every file in a child with a time budget and memory cap. The
// summary (files, exit codes, slowest file, peak memory) is printed at the end.
#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "tool_test_util.h"

#include <ck/tool/json.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <sys/resource.h>

namespace {

namespace fs = std::filesystem;
using ck::test::ProcessResult;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kCorpus = CK_CORPUS_DIR;
constexpr size_t kBatch = 40;           // files per tool invocation
constexpr double kPerFileSeconds = 10;  // the tools' --timeout in this test
const char* const kMemoryCap = "2G";    // the tools' --max-memory in this test

std::vector<std::string> corpus_files()
{
    std::vector<std::string> files;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(kCorpus, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file())
            files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    return files;
}

// One file's figures, from the tool's --json output.
struct FileResult {
    int exit_code = -1;
    double seconds = 0;
    long peak_kib = 0;
};

// Finds `"key":NUMBER` after `from` in `json`.
bool number_after(const std::string& json, size_t from, const std::string& key, double& out)
{
    const std::string needle = "\"" + key + "\":";
    const size_t at = json.find(needle, from);
    if (at == std::string::npos)
        return false;
    out = std::strtod(json.c_str() + at + needle.size(), nullptr);
    return true;
}

bool find_file_result(const std::string& json, const std::string& file, FileResult& r)
{
    const size_t at = json.find("{\"file\":" + ck::tool::json_text(ck::tool::Json(file)));
    if (at == std::string::npos)
        return false;
    double code = -1, seconds = 0, kib = 0;
    // exit_code, seconds and peak_memory_kib close each file's object.
    if (!number_after(json, at, "exit_code", code) || !number_after(json, at, "seconds", seconds))
        return false;
    number_after(json, at, "peak_memory_kib", kib);
    r = {int(code), seconds, long(kib)};
    return true;
}

struct Summary {
    size_t files = 0;
    std::map<int, size_t> codes;
    std::string slowest_file;
    double slowest = 0;
    std::string biggest_file;
    long peak_kib = 0;
    double wall = 0;
    long process_peak_kib = 0;  ///< Largest RSS of any process, this test included.
};

void print_summary(const std::string& tool, const Summary& s)
{
    std::string codes;
    for (const auto& [code, n] : s.codes)
        codes += " exit " + std::to_string(code) + ": " + std::to_string(n) + ";";
    std::printf(
        "[corpus] %s: %zu files;%s slowest %.2f s (%s); peak memory %.1f MiB (%s); "
        "largest process %.1f MiB; total %.1f s\n",
        tool.c_str(), s.files, codes.c_str(), s.slowest,
        fs::relative(s.slowest_file, kCorpus).c_str(), double(s.peak_kib) / 1024.0,
        fs::relative(s.biggest_file, kCorpus).c_str(), double(s.process_peak_kib) / 1024.0, s.wall);
    std::fflush(stdout);
}

// Runs `tool` (with `extra` arguments) over the corpus in batches and checks
// the contract for each file.
Summary run_over_corpus(const std::string& tool, const std::string& path,
                        const std::vector<std::string>& extra, bool per_file_json,
                        const std::string& clean_after_batch = "")
{
    const std::vector<std::string> files = corpus_files();
    Summary summary;
    const auto start = std::chrono::steady_clock::now();
    for (size_t first = 0; first < files.size(); first += kBatch) {
        const size_t last = std::min(files.size(), first + kBatch);
        // Every tool takes the shared isolation options (tools/common).
        std::vector<std::string> argv = {path, "--timeout", "10", "--max-memory", kMemoryCap};
        if (per_file_json)
            argv.push_back("--json");
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.insert(argv.end(), files.begin() + long(first), files.begin() + long(last));

        // The outer budget: every file may use its whole time budget, plus start-up.
        const double budget = double(last - first) * (kPerFileSeconds + 2) + 60;
        const auto batch_start = std::chrono::steady_clock::now();
        ProcessResult r = run_process(argv, "", budget);
        const double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
        EXPECT_LT(took, budget) << tool << " hung on files " << first << "-" << last;
        EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 3)
            << tool << " exited " << r.exit_code << " on files " << first << "-" << last << "\n"
            << r.err;
        for (const std::string& line : ck::test::lines_of(r.err))
            EXPECT_EQ(line.rfind(tool + ": ", 0), 0u) << tool << ": stray stderr output: " << line;
        if (!clean_after_batch.empty()) {
            std::error_code ec;
            for (const auto& e : fs::directory_iterator(clean_after_batch, ec))
                fs::remove_all(e.path(), ec);
        }
        if (!per_file_json) {
            summary.files += last - first;
            summary.codes[r.exit_code] += last - first;
            continue;
        }

        for (size_t i = first; i < last; ++i) {
            const std::string& file = files[i];
            FileResult fr;
            if (!find_file_result(r.out, file, fr)) {
                ADD_FAILURE() << tool << ": no JSON result for " << file;
                continue;
            }
            ++summary.files;
            ++summary.codes[fr.exit_code];
            EXPECT_TRUE(fr.exit_code == 0 || fr.exit_code == 1 || fr.exit_code == 3)
                << tool << ": " << file << " gave " << fr.exit_code;
            if (fr.exit_code != 0) {
                EXPECT_TRUE(ck::test::contains(r.err, tool + ": error: " + file + ": "))
                    << tool << ": no error line for " << file;
            }
            EXPECT_LT(fr.seconds, kPerFileSeconds + 1) << tool << ": " << file;
            if (fr.seconds > summary.slowest) {
                summary.slowest = fr.seconds;
                summary.slowest_file = file;
            }
            if (fr.peak_kib > summary.peak_kib) {
                summary.peak_kib = fr.peak_kib;
                summary.biggest_file = file;
            }
        }
    }
    summary.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // ru_maxrss over every waited-for descendant (the tool and its per-file
    // children): what the cap bounds, however the tool reports itself.
    struct rusage usage = {};
    ::getrusage(RUSAGE_CHILDREN, &usage);
    summary.process_peak_kib = long(usage.ru_maxrss);
    EXPECT_LT(summary.process_peak_kib, 2l << 20) << tool << ": a process passed the 2 GiB cap";
    return summary;
}

class Corpus : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!fs::is_directory(kCorpus))
            GTEST_SKIP() << "no corpus at " << kCorpus << " (../shared/corpus)";
    }
};

TEST_F(Corpus, CkinfoAnswersEveryFile)
{
    const Summary s = run_over_corpus("ckinfo", CK_INFO_PATH, {}, true);
    EXPECT_GT(s.files, 400u);
    print_summary("ckinfo", s);
    RecordProperty("ckinfo_slowest_seconds", std::to_string(s.slowest));
    RecordProperty("ckinfo_peak_memory_kib", std::to_string(s.peak_kib));
}

TEST_F(Corpus, CkstripAnswersEveryFile)
{
    TempDir out;
    const Summary s = run_over_corpus("ckstrip", CK_STRIP_PATH, {"-o", out.path().string()}, true,
                                      out.path().string());
    EXPECT_GT(s.files, 400u);
    print_summary("ckstrip", s);
}

#ifdef CK_VERIFY_PATH
// The other tools share the contract; per-file figures come from their own JSON.
TEST_F(Corpus, CkverifyAnswersEveryFile)
{
    const Summary s = run_over_corpus("ckverify", CK_VERIFY_PATH, {}, false);
    print_summary("ckverify", s);
}
#endif

}  // namespace
