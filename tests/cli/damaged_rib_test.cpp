// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Hostile scenes (issue 5, item 5): hand-made RIBs in tests/cli/damaged-rib/
// that do what real files do wrong (../shared/notes/rib-subset.md, "Damaged RIB
// seen in real files"). Each is rendered by the real ckrender: it must give a
// diagnostic naming file:line:col, exit with the documented code, finish in
// bounded time and memory, and leave an existing image untouched.
#include "../support/run_process.h"
#include "../support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/resource.h>

namespace {

namespace fs = std::filesystem;
using ck::test::run_process;
using ck::test::TempDir;

const std::string kRenderer = CK_RENDERER_PATH;
const std::string kDamagedDir = CK_DAMAGED_RIB_DIR;

std::string read_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct DamagedRib {
    const char* file;
    int exit_code;           // 1: scene error, nothing rendered; 0: warned and rendered
    const char* diagnostic;  // must appear in stderr, starting with file:line:col
};

class DamagedRibTest : public ::testing::TestWithParam<DamagedRib> {};

TEST_P(DamagedRibTest, ClearDiagnosticBoundedRunNoImageLost)
{
    const DamagedRib c = GetParam();
    TempDir dir;
    for (const auto& entry : fs::directory_iterator(kDamagedDir))
        fs::copy_file(entry.path(), dir.path() / entry.path().filename());
    // Every scene names out.exr: a good image already there must survive a bad scene.
    const std::string precious = "an image that must survive a bad scene";
    {
        std::ofstream(dir.file("out.exr"), std::ios::binary) << precious;
    }

    auto r = run_process({kRenderer, "-t", "1", c.file}, dir.path().string(), 60);
    ASSERT_NE(r.exit_code, 128 + 9) << c.file << " did not finish in 60 s";
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_NE(r.err.find(c.diagnostic), std::string::npos)
        << "expected \"" << c.diagnostic << "\" in:\n" << r.err;
    EXPECT_EQ(r.err.find("Segmentation"), std::string::npos) << r.err;
    if (c.exit_code != 0) {
        EXPECT_NE(r.err.find("nothing was rendered and no image was written"), std::string::npos)
            << r.err;
        EXPECT_EQ(read_bytes(dir.file("out.exr")), precious);
    }
    EXPECT_FALSE(fs::exists(dir.file("out.exr.part")));

    // Bounded memory: this test process has run one ckrender (one test per
    // process under ctest), so the children's peak RSS is that run's.
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    EXPECT_LT(usage.ru_maxrss, 1L << 20) << "peak RSS " << usage.ru_maxrss << " KiB";
}

INSTANTIATE_TEST_SUITE_P(
    RealFileDamage, DamagedRibTest,
    ::testing::Values(
        // Cut at 4096 bytes inside a string: the error points at the string's start.
        DamagedRib{"cut_mid_string.rib", 1,
                   "cut_mid_string.rib:82:21: error: Surface: unterminated string"},
        DamagedRib{"unterminated_string_at_eof.rib", 1,
                   "unterminated_string_at_eof.rib:9:25: error: Bxdf: unterminated string"},
        // RISpec recovery: NaN is not a number, so Rotate lacks its arguments
        // and NaN reads as an unknown request, both on the same line.
        DamagedRib{"nan_values.rib", 1,
                   "nan_values.rib:8:3: error: Rotate: expected 4 numbers, found none"},
        DamagedRib{"nan_values.rib", 1, "nan_values.rib:8:10: warning: unknown request \"NaN\""},
        // A shell line is an unknown request: warned at its line, as RenderMan does,
        // and the scene after it renders.
        DamagedRib{"shell_line.rib", 0, "shell_line.rib:2:1: warning: unknown request \"set\""},
        DamagedRib{"misspelled_request.rib", 1,
                   "misspelled_request.rib:8:3: warning: unknown request \"TransforBegin\""},
        DamagedRib{"misspelled_request.rib", 1,
                   "misspelled_request.rib:11:3: error: TransformEnd without TransformBegin"},
        DamagedRib{"binary_byte.rib", 1,
                   "binary_byte.rib:8:17: error: Sphere: binary RIB not supported (byte 0xA3"},
        // Cut in half: Python's zlib decompresses the surviving bytes to text that
        // ends at line 165, column 13; the error points there.
        DamagedRib{"gzip_cut_mid_member.rib", 1,
                   "gzip_cut_mid_member.rib:165:13: error: gzip_cut_mid_member.rib: gzip stream is "
                   "truncated (cut mid-member"},
        DamagedRib{"readarchive_recursion.rib", 1,
                   "error: ReadArchive: include depth limit (32) exceeded, recursive archive? "
                   "Chain: readarchive_recursion.rib:8:3 -> recursion_geo_a.rib:3:1 -> "
                   "recursion_geo_b.rib:3:1 -> recursion_geo_a.rib:3:1"},
        DamagedRib{"array_lengths.rib", 1,
                   "array_lengths.rib:8:3: error: PointsPolygons: nvertices adds up to 6 but the "
                   "vertex index array has 4 entries"},
        DamagedRib{"array_lengths.rib", 1,
                   "array_lengths.rib:9:35: error: Polygon: varying \"Cs\" needs 9 values, found 6"}),
    [](const ::testing::TestParamInfo<DamagedRib>& param_info) {
        std::string name = param_info.param.file;
        name = name.substr(0, name.find('.')) + "_" + std::to_string(param_info.index);
        return name;
    });

}  // namespace
