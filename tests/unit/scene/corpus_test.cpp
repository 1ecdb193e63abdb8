// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The shared RIB corpus (shared/corpus/rib): lucille's parser regression files and
// RibTools' test scenes. Skipped when the corpus is not next to the checkout.
#include "scene/parser.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace ck::scene {
namespace {

namespace fs = std::filesystem;
using test::dump;
using test::errors_with;
using test::warnings_with;

fs::path corpus_dir()
{
    return fs::path(CK_RIB_CORPUS_DIR);
}

#define CK_REQUIRE_CORPUS()                                                                  \
    if (!fs::is_directory(corpus_dir()))                                                     \
    GTEST_SKIP() << "RIB corpus not found at " << corpus_dir().string()

ParseResult parse_corpus(const std::string& relative)
{
    return parse_rib_file((corpus_dir() / relative).string());
}

const std::string kLucille = "lucille/tests/ribparse/";
const std::string kScenes = "ribtools/DistribSrc/base/TestScenes/";

TEST(Corpus, LucilleUnknownRequest)
{
    CK_REQUIRE_CORPUS();
    ParseResult r = parse_corpus(kLucille + "unknown_protocol_20081119.rib");
    auto w = warnings_with(r, "unknown request \"TheWorld\"");
    ASSERT_EQ(w.size(), 1u) << dump(r);
    EXPECT_EQ(w[0].loc.line, 2);
    EXPECT_EQ(errors_with(r, "no WorldBegin").size(), 1u);
}

TEST(Corpus, LucilleIndexShortage)
{
    CK_REQUIRE_CORPUS();
    ParseResult r = parse_corpus(kLucille + "indices_shortage_20081221.rib");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(errors_with(r, "vertex index array has 1 entries").size(), 1u) << dump(r);
    EXPECT_EQ(errors_with(r, "expects a multiple of 3 values, found 1").size(), 1u) << dump(r);
}

TEST(Corpus, LucilleZeroPolygonsWarnOnly)
{
    CK_REQUIRE_CORPUS();
    ParseResult r = parse_corpus(kLucille + "zero_poly_20081209.rib");
    EXPECT_TRUE(r.ok()) << dump(r);
    ASSERT_EQ(r.scene.frames.size(), 1u);
    EXPECT_TRUE(r.scene.frames[0].world.shapes.empty());
    EXPECT_EQ(warnings_with(r, "no triangles").size(), 2u);
}

TEST(Corpus, LucilleEmptySceneAndDisplays)
{
    CK_REQUIRE_CORPUS();
    ParseResult e = parse_corpus(kLucille + "empty_scene_20081119.rib");
    EXPECT_TRUE(e.ok()) << dump(e);
    EXPECT_EQ(e.warning_count(), 0);
    ASSERT_EQ(e.scene.frames.size(), 1u);
    ParseResult d = parse_corpus(kLucille + "multiple_display_20081119.rib");
    EXPECT_TRUE(d.ok()) << dump(d);
    ASSERT_EQ(d.scene.frames.size(), 1u);
    ASSERT_EQ(d.scene.frames[0].displays.size(), 2u);
    EXPECT_EQ(d.scene.frames[0].displays[0].mode, "rgb");
    EXPECT_EQ(d.scene.frames[0].displays[1].name, "0002.tif");
    EXPECT_EQ(d.scene.frames[0].displays[1].format, ImageFormat::TIFF);
}

TEST(Corpus, LucilleEmptyStringParameter)
{
    CK_REQUIRE_CORPUS();
    // An archive-like file: a shader with an empty string parameter, no world.
    ParseResult r = parse_corpus(kLucille + "zero_string_param_20090212.rib");
    EXPECT_EQ(r.error_count(), 1) << dump(r);
    EXPECT_EQ(errors_with(r, "no WorldBegin").size(), 1u);
}

TEST(Corpus, RibToolsScenesParseWithWarningsOnly)
{
    CK_REQUIRE_CORPUS();
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(corpus_dir() / kScenes)) {
        if (entry.path().extension() != ".rib")
            continue;
        ++files;
        ParseResult r = parse_rib_file(entry.path().string());
        EXPECT_TRUE(r.ok()) << entry.path() << "\n" << dump(r);
        ASSERT_EQ(r.scene.frames.size(), 1u) << entry.path();
        EXPECT_FALSE(r.scene.frames[0].world.shapes.empty()) << entry.path();
    }
    EXPECT_EQ(files, 13);
}

TEST(Corpus, Teapot)
{
    CK_REQUIRE_CORPUS();
    ParseResult r = parse_corpus(kScenes + "uteapot.rib");
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(warnings_with(r, "unknown request \"set\"").size(), 1u);
    EXPECT_EQ(warnings_with(r, "\"wood2\"").size(), 1u);
    const Frame& f = r.scene.frames.at(0);
    EXPECT_EQ(f.world.shapes.size(), 32u);  // Bicubic Bezier patches.
    EXPECT_EQ(f.world.lights.size(), 4u);
    EXPECT_EQ(f.image.xres, 640);
    EXPECT_EQ(f.sampling.target_samples(), 4);
    EXPECT_FLOAT_EQ(f.camera.fov_degrees, 25.0f);
    EXPECT_EQ(f.displays.at(0).format, ImageFormat::TIFF);
}

TEST(Corpus, Killeroo)
{
    CK_REQUIRE_CORPUS();
    ParseResult r = parse_corpus(kScenes + "KillerooNURBS/killeroo.rib");
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = r.scene.frames.at(0);
    EXPECT_EQ(f.number, 1);
    EXPECT_EQ(f.world.shapes.size(), 89u);  // NuPatch surfaces.
    for (const Shape& s : f.world.shapes) {
        ASSERT_TRUE(s.mesh);
        EXPECT_FALSE(s.mesh->indices.empty());
    }
    EXPECT_FLOAT_EQ(f.camera.near_clip, 30.258f);
    EXPECT_EQ(warnings_with(r, "Displacement").size(), 1u);
}

}  // namespace
}  // namespace ck::scene
