// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The commit protocol (DESIGN.md; S16, B2): parts, renames, exact round trips,
// and failures that leave the previous image untouched.
#include <ck/checkpoint_format.h>
#include <ck/commit.h>

#include "../../support/read_image.h"
#include "../../support/temp_dir.h"

#include <gtest/gtest.h>

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imagebufalgo.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>


namespace {

namespace fs = std::filesystem;

ck::ImageWrite make_image(const std::string& path, const std::string& format,
                          std::vector<float>& pixels, int w = 7, int h = 5)
{
    OIIO::ImageSpec spec(w, h, 4, OIIO::TypeFloat);
    spec.channelnames = {"R", "G", "B", "A"};
    spec.attribute("compression", "zip");
    pixels.resize(size_t(w * h * 4));
    // Values that half or lossy compression would change.
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = std::sin(float(i) * 0.731f) * 1234.5678f + 1e-7f * float(i);
    return {path, format, spec, pixels.data()};
}

std::vector<float> read_back(const std::string& path, const std::string& format)
{
    OIIO::ImageSpec spec;
    std::vector<float> out;
    std::string error;
    EXPECT_TRUE(ck::test::read_float_pixels(path, spec, out, error)) << path << ": " << error;
    (void)format;
    return out;
}

TEST(Commit, PartPathAppendsSuffix)
{
    EXPECT_EQ(ck::part_path("a/b.exr"), std::string("a/b.exr") + ck::format::kPartSuffix);
}

TEST(Commit, ExrRoundTripIsBitExactAndLeavesNoPart)
{
    ck::test::TempDir dir;
    std::vector<float> pixels;
    auto image = make_image(dir.file("out.exr"), ck::format::kOpenExrFormat, pixels);
    ASSERT_TRUE(ck::write_images_atomically({image}).is_ok());
    EXPECT_TRUE(fs::exists(dir.file("out.exr")));
    EXPECT_FALSE(fs::exists(ck::part_path(dir.file("out.exr"))));
    EXPECT_EQ(read_back(dir.file("out.exr"), "openexr"), pixels);
}

TEST(Commit, TiffRoundTripIsBitExact)
{
    ck::test::TempDir dir;
    std::vector<float> pixels;
    auto image = make_image(dir.file("out.tif"), ck::format::kTiffFormat, pixels);
    image.spec.attribute("tiff:write_exif", 0);
    ASSERT_TRUE(ck::write_images_atomically({image}).is_ok());
    EXPECT_EQ(read_back(dir.file("out.tif"), "tiff"), pixels);
}

TEST(Commit, PartNameDoesNotFoolFormatDetection)
{
    // "x.exr.part" must still be written as OpenEXR (traps, 3).
    ck::test::TempDir dir;
    std::vector<float> pixels;
    auto image = make_image(dir.file("x.exr"), ck::format::kOpenExrFormat, pixels);
    ASSERT_TRUE(ck::write_part(ck::part_path(image.path), image).is_ok());
    auto in = OIIO::ImageInput::create("openexr");
    ASSERT_TRUE(in);
    OIIO::ImageSpec spec;
    EXPECT_TRUE(in->open(ck::part_path(image.path), spec)) << in->geterror();
    EXPECT_EQ(spec.width, 7);
}

TEST(Commit, SeveralImagesCommitTogether)
{
    ck::test::TempDir dir;
    std::vector<float> a, b;
    auto ia = make_image(dir.file("a.exr"), ck::format::kOpenExrFormat, a);
    auto ib = make_image(dir.file("b.exr"), ck::format::kOpenExrFormat, b, 3, 3);
    ASSERT_TRUE(ck::write_images_atomically({ia, ib}).is_ok());
    EXPECT_EQ(read_back(dir.file("a.exr"), "openexr"), a);
    EXPECT_EQ(read_back(dir.file("b.exr"), "openexr"), b);
}

TEST(Commit, FailureKeepsPreviousImageAndRemovesParts)
{
    ck::test::TempDir dir;
    std::vector<float> good;
    auto first = make_image(dir.file("keep.exr"), ck::format::kOpenExrFormat, good);
    ASSERT_TRUE(ck::write_images_atomically({first}).is_ok());
    std::ifstream before_stream(dir.file("keep.exr"), std::ios::binary);
    std::string before((std::istreambuf_iterator<char>(before_stream)), {});

    // Second set: the first image is fine, the second cannot be created
    // (its directory does not exist), so nothing may change.
    std::vector<float> p1, p2;
    auto again = make_image(dir.file("keep.exr"), ck::format::kOpenExrFormat, p1, 2, 2);
    auto broken = make_image(dir.file("missing/dir/x.exr"), ck::format::kOpenExrFormat, p2);
    ck::Status s = ck::write_images_atomically({again, broken});
    EXPECT_FALSE(s.is_ok());
    EXPECT_EQ(s.code(), ck::ErrorCode::Io);
    EXPECT_NE(s.message().find("missing/dir/x.exr.part"), std::string::npos) << s.message();
    EXPECT_FALSE(fs::exists(ck::part_path(dir.file("keep.exr"))));

    std::ifstream after_stream(dir.file("keep.exr"), std::ios::binary);
    std::string after((std::istreambuf_iterator<char>(after_stream)), {});
    EXPECT_EQ(before, after);
}

TEST(Commit, UnknownFormatIsAnErrorNotACrash)
{
    ck::test::TempDir dir;
    std::vector<float> pixels;
    auto image = make_image(dir.file("x.img"), "no-such-format", pixels);
    ck::Status s = ck::write_images_atomically({image});
    EXPECT_FALSE(s.is_ok());
    EXPECT_FALSE(fs::exists(ck::part_path(dir.file("x.img"))));
    EXPECT_FALSE(fs::exists(dir.file("x.img")));
}

}  // namespace
