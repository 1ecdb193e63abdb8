// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// TIFF checkpoints of bucket renders (issue 11, item 2; S2, S4, B2, B3): the
// picture page any viewer shows, the exact state at every bit depth, and
// refusal of truncated, altered and rewritten files with the rule that failed.
#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/inspect.h>
#include <ck/provenance.h>
#include <ck/recovery.h>
#include <ck/strip.h>
#include <ck/tiff_checkpoint.h>

#include "../../support/temp_dir.h"

#include <OpenImageIO/imageio.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace format = ck::format;
using ck::test::TempDir;

constexpr int kWidth = 48, kHeight = 40;  // several strips per page

ck::CheckpointHeader header_for(const std::string& name, uint64_t generation)
{
    ck::CheckpointHeader h;
    h.format_version = format::kFormatVersion;
    h.state = format::kStateCheckpoint;
    h.render_id = "0123456789abcdef0123456789abcdef";
    h.generation = generation;
    h.frame = 1;
    h.display_index = 0;
    h.display_count = 1;
    h.display_name = name;
    h.mode = format::kModeBucket;
    h.target_samples = 16;
    h.fingerprint = "00112233445566aa";
    h.fingerprint_parts = "camera=1;geometry=2";
    h.reason = format::kReasonCheckpoint;
    h.checkpoint_elapsed = 3.25f;
    h.total_elapsed = 7.125;
    // "oiio:" inside a value: OIIO's TIFF reader would take it as a hint.
    h.history = "[{\"host\":\"oiio:ConstantColor=1\"}]";
    h.seed = 7;
    h.renderer = "ckrender test";
    return h;
}

// The state of a half-finished bucket render: the left buckets done (16
// samples), one column partly sampled, the rest untouched (0 samples, black).
struct State {
    OIIO::ImageSpec spec;
    std::vector<float> pixels;
};

State make_state(bool alpha, const std::string& name, uint64_t generation = 1)
{
    const int nch = alpha ? 5 : 4;
    State s;
    s.spec = OIIO::ImageSpec(kWidth, kHeight, nch, OIIO::TypeFloat);
    s.spec.x = 2;
    s.spec.y = 3;
    s.spec.full_width = 64;
    s.spec.full_height = 50;
    s.spec.channelnames = {"R", "G", "B"};
    if (alpha)
        s.spec.channelnames.push_back("A");
    s.spec.channelnames.push_back(format::kWeightChannel);
    s.pixels.assign(size_t(kWidth) * kHeight * nch, 0.0f);
    uint64_t sum = 0;
    int lo = 16;
    for (int y = 0; y < kHeight; ++y)
        for (int x = 0; x < kWidth; ++x) {
            float* p = &s.pixels[(size_t(y) * kWidth + x) * nch];
            const int w = x < 20 ? 16 : x == 20 ? 5 : 0;
            if (w > 0) {
                // Values no 8-bit pixel holds exactly, and one above 1.
                p[0] = 0.1234567f + 0.001f * float(x);
                p[1] = 1.75f;
                p[2] = 1.0f / float(3 + y);
                if (alpha)
                    p[3] = 0.5f + 0.01f * float(y);
            }
            p[nch - 1] = float(w);
            sum += uint64_t(w);
            lo = std::min(lo, w);
        }
    ck::CheckpointHeader h = header_for(name, generation);
    h.samples_done = sum;
    h.min_samples = lo;
    h.state_hash = ck::state_hash(s.spec, s.pixels.data());
    ck::set_checkpoint_attributes(s.spec, h);
    return s;
}

ck::Status write_checkpoint(const std::string& path, State& s, OIIO::TypeDesc picture)
{
    ck::ImageWrite w;
    w.path = path;
    w.format_name = format::kTiffFormat;
    w.spec = s.spec;
    w.spec.set_format(picture);
    w.spec.attribute("compression", "zip");
    w.pixels = s.pixels.data();
    return ck::write_images_atomically({w});
}

std::vector<std::string> names(const State& s)
{
    return {s.spec.channelnames.begin(), s.spec.channelnames.end()};
}

std::string read_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class TiffDepth : public ::testing::TestWithParam<OIIO::TypeDesc::BASETYPE> {};

// Item 2: 8-, 16-bit and float displays all keep the exact float state, and
// the first page is an ordinary RGBA image: rendered pixels as the display
// stores them, unrendered ones black with alpha 0.
TEST_P(TiffDepth, TheStateSurvivesExactlyAndThePictureIsViewable)
{
    TempDir dir;
    const OIIO::TypeDesc type(GetParam());
    for (bool alpha : {true, false}) {
        State s = make_state(alpha, "out.tif");
        const std::string path = dir.file(alpha ? "rgba.tif" : "rgb.tif");
        ASSERT_TRUE(write_checkpoint(path, s, type).is_ok());
        auto back = ck::read_checkpoint(path, names(s));
        ASSERT_TRUE(back.is_ok()) << back.status().message();
        EXPECT_EQ(back->pixels, s.pixels);  // bit for bit, whatever the depth
        EXPECT_EQ(back->header.generation, 1u);
        EXPECT_EQ(back->header.history, "[{\"host\":\"oiio:ConstantColor=1\"}]");
        EXPECT_EQ(back->header.checkpoint_elapsed, 3.25f);
        EXPECT_EQ(back->spec.x, 2);
        EXPECT_EQ(back->spec.full_height, 50);

        auto in = OIIO::ImageInput::open(path);
        ASSERT_TRUE(in);
        const OIIO::ImageSpec page0 = in->spec();
        EXPECT_EQ(page0.nchannels, 4);
        EXPECT_EQ(page0.format, type);
        EXPECT_EQ(page0.x, 2);
        EXPECT_TRUE(ck::is_tiff_checkpoint_spec(page0));
        EXPECT_TRUE(in->seek_subimage(1, 0));
        std::vector<float> shown(size_t(kWidth) * kHeight * 4);
        ASSERT_TRUE(in->read_image(0, 0, 0, 4, OIIO::TypeFloat, shown.data()));
        const float* done = &shown[(size_t(5) * kWidth + 3) * 4];
        const float* empty = &shown[(size_t(5) * kWidth + 30) * 4];
        // 1.75 clamps to 1 in an 8- or 16-bit page; float keeps it.
        EXPECT_EQ(done[1], type == OIIO::TypeFloat ? 1.75f : 1.0f);
        EXPECT_GT(done[3], 0.0f);
        EXPECT_EQ(empty[0] + empty[1] + empty[2] + empty[3], 0.0f);
    }
}

INSTANTIATE_TEST_SUITE_P(Depths, TiffDepth,
                         ::testing::Values(OIIO::TypeDesc::UINT8, OIIO::TypeDesc::UINT16,
                                           OIIO::TypeDesc::FLOAT));

// Values JSON cannot hold as they are: a display named in Latin-1 (not
// UTF-8) and a non-finite time survive the description with every byte.
TEST(TiffCheckpoint, BytesThatAreNotUtf8AndNonFiniteNumbersSurvive)
{
    TempDir dir;
    const std::string latin1 = "caf\xe9.tif";
    State s = make_state(true, latin1);
    ck::CheckpointHeader h = ck::get_checkpoint_attributes(s.spec).value();
    h.checkpoint_elapsed = std::numeric_limits<float>::infinity();
    s.spec.extra_attribs.clear();
    ck::set_checkpoint_attributes(s.spec, h);
    const std::string path = dir.file("out.tif");
    ASSERT_TRUE(write_checkpoint(path, s, OIIO::TypeDesc::UINT8).is_ok());
    auto back = ck::read_checkpoint(path, names(s));
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    EXPECT_EQ(back->header.display_name, latin1);
    EXPECT_EQ(back->header.checkpoint_elapsed, std::numeric_limits<float>::infinity());
}

// A TIFF cut anywhere (a killed writer without our commit, a copy that ran out
// of disk) is refused, never read as zeros with success (traps, 7).
TEST(TiffCheckpoint, TruncatedAnywhereIsRefused)
{
    TempDir dir;
    State s = make_state(true, "out.tif");
    const std::string path = dir.file("out.tif");
    ASSERT_TRUE(write_checkpoint(path, s, OIIO::TypeDesc::UINT8).is_ok());
    const std::string bytes = read_bytes(path);
    ASSERT_GT(bytes.size(), 1000u);
    const std::string cut = dir.file("cut.tif");
    int refused = 0, tried = 0;
    for (size_t size = 0; size < bytes.size(); size += std::max<size_t>(1, bytes.size() / 400)) {
        write_bytes(cut, bytes.substr(0, size));
        auto r = ck::read_checkpoint(cut, names(s));
        ++tried;
        EXPECT_FALSE(r.is_ok()) << "cut at " << size << " of " << bytes.size() << " bytes";
        if (!r.is_ok())
            ++refused;
    }
    EXPECT_EQ(refused, tried);
}

// Edits another program could make: each refused, naming the rule.
TEST(TiffCheckpoint, AlteredPagesAndDescriptionAreRefusedWithTheRule)
{
    TempDir dir;
    State s = make_state(true, "out.tif");
    const std::string path = dir.file("out.tif");
    ASSERT_TRUE(write_checkpoint(path, s, OIIO::TypeDesc::UINT8).is_ok());

    // Both pages rewritten by OIIO itself, one value changed in one page.
    auto rewrite = [&](const std::string& out, int page, size_t index, float delta,
                       const std::string& description) {
        auto in = OIIO::ImageInput::open(path);
        ASSERT_TRUE(in);
        OIIO::ImageSpec specs[2] = {in->spec(0, 0), in->spec(1, 0)};
        std::vector<float> data[2];
        for (int p = 0; p < 2; ++p) {
            data[p].resize(size_t(specs[p].image_pixels()) * size_t(specs[p].nchannels));
            ASSERT_TRUE(in->read_image(p, 0, 0, specs[p].nchannels, OIIO::TypeFloat,
                                       data[p].data()));
        }
        if (page >= 0)
            data[page][index] += delta;
        if (!description.empty())
            specs[0].attribute("ImageDescription", description);
        auto o = OIIO::ImageOutput::create(out);
        ASSERT_TRUE(o);
        ASSERT_TRUE(o->open(out, 2, specs));
        ASSERT_TRUE(o->write_image(OIIO::TypeFloat, data[0].data()));
        ASSERT_TRUE(o->open(out, specs[1], OIIO::ImageOutput::AppendSubimage));
        ASSERT_TRUE(o->write_image(OIIO::TypeFloat, data[1].data()));
        ASSERT_TRUE(o->close());
    };
    auto message = [&](const std::string& file) {
        auto r = ck::read_checkpoint(file, names(s));
        return r.is_ok() ? std::string("accepted") : r.status().message();
    };

    rewrite(dir.file("same.tif"), -1, 0, 0.0f, "");
    EXPECT_EQ(message(dir.file("same.tif")), "accepted") << "an unchanged copy is the same state";

    rewrite(dir.file("painted.tif"), 0, 4 * 5, 0.5f, "");  // a touched-up picture pixel
    EXPECT_NE(message(dir.file("painted.tif")).find("the picture page does not match the state"),
              std::string::npos)
        << message(dir.file("painted.tif"));

    rewrite(dir.file("state.tif"), 1, 0, 1.0f / 1024.0f, "");  // one state value
    EXPECT_NE(message(dir.file("state.tif")).find("does not match ck:stateHash"),
              std::string::npos)
        << message(dir.file("state.tif"));

    auto in = OIIO::ImageInput::open(path);
    ASSERT_TRUE(in);
    std::string text = in->spec().get_string_attribute("ImageDescription");
    in.reset();
    const size_t at = text.find("\"ck:frame\":[\"int\",1]");
    ASSERT_NE(at, std::string::npos) << text;
    std::string edited = text;
    edited.replace(at, 20, "\"ck:frame\":[\"int\",2]");
    rewrite(dir.file("frame.tif"), -1, 0, 0.0f, edited);
    EXPECT_NE(message(dir.file("frame.tif")).find("ck:headerHash"), std::string::npos)
        << message(dir.file("frame.tif"));
    rewrite(dir.file("json.tif"), -1, 0, 0.0f, text.substr(0, text.size() / 2));
    EXPECT_NE(message(dir.file("json.tif")).find("damaged checkpoint description"),
              std::string::npos)
        << message(dir.file("json.tif"));

    // Only the first page kept (what oiiotool in.tif -o out.tif writes).
    {
        auto src = OIIO::ImageInput::open(path);
        ASSERT_TRUE(src);
        OIIO::ImageSpec spec = src->spec();
        std::vector<unsigned char> px(spec.image_bytes());
        ASSERT_TRUE(src->read_image(0, 0, 0, 4, spec.format, px.data()));
        auto o = OIIO::ImageOutput::create("tif");
        const std::string one = dir.file("one.tif");
        ASSERT_TRUE(o->open(one, spec));
        ASSERT_TRUE(o->write_image(spec.format, px.data()));
        ASSERT_TRUE(o->close());
        EXPECT_NE(message(one).find("the state page (the second page) is missing"),
                  std::string::npos)
            << message(one);
    }
}

// The same edits through the tools people use, when they are installed.
TEST(TiffCheckpoint, RewrittenByOiiotoolOrImageMagickIsNeverResumedWrongly)
{
    TempDir dir;
    State s = make_state(true, "out.tif");
    const std::string path = dir.file("out.tif");
    ASSERT_TRUE(write_checkpoint(path, s, OIIO::TypeDesc::UINT8).is_ok());
    struct Tool {
        const char* name;
        std::string command;
        std::string out;
    };
    const std::string in = "'" + path + "'";
    auto quoted = [](const std::string& p) { return "'" + p + "'"; };
    const std::vector<Tool> tools = {
        {"oiiotool", "oiiotool " + in + " -o " + quoted(dir.file("oiio.tif")), dir.file("oiio.tif")},
        {"oiiotool", "oiiotool -a " + in + " -o " + quoted(dir.file("oiio-a.tif")),
         dir.file("oiio-a.tif")},
        {"convert", "convert " + in + " " + quoted(dir.file("magick.tif")), dir.file("magick.tif")},
    };
    int ran = 0;
    for (const Tool& t : tools) {
        if (std::system((std::string("command -v ") + t.name + " >/dev/null 2>&1").c_str()) != 0)
            continue;
        if (std::system((t.command + " >/dev/null 2>&1").c_str()) != 0 || !fs::exists(t.out))
            continue;
        ++ran;
        auto r = ck::read_checkpoint(t.out, names(s));
        // Refused, or (a faithful copy) read as exactly the same state.
        if (r.is_ok())
            EXPECT_EQ(r->pixels, s.pixels) << t.command;
        else
            EXPECT_NE(r.status().code(), ck::ErrorCode::Io) << t.command << ": " << r.status().message();
        std::printf("%s: %s\n", t.command.substr(0, t.command.find(' ')).c_str(),
                    r.is_ok() ? "read back as the same state" : r.status().message().c_str());
    }
    if (ran == 0)
        GTEST_SKIP() << "neither oiiotool nor ImageMagick's convert is installed";
}

// ckinfo's view (S30): kind, samples and pixels done, from the state page.
TEST(TiffCheckpoint, InspectReportsTheStateAndStripMakesAPlainTiff)
{
    TempDir dir;
    State s = make_state(false, "out.tif");
    const std::string path = dir.file("out.tif");
    ASSERT_TRUE(write_checkpoint(path, s, OIIO::TypeDesc::UINT16).is_ok());
    auto report = ck::inspect_image(path, {});
    ASSERT_TRUE(report.is_ok()) << report.status().message();
    EXPECT_EQ(report->kind, ck::ImageKind::Checkpoint);
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    ASSERT_TRUE(report->weights.has_value());
    EXPECT_EQ(report->weights->pixels_at_target, uint64_t(20 * kHeight));
    EXPECT_EQ(report->weights->max, 16.0f);

    // ckstrip (S31, S4): one plain page at the display's depth, no state.
    ck::StripOptions options;
    auto stripped = ck::strip_checkpoint(path, dir.file("final.tif"), options);
    ASSERT_TRUE(stripped.is_ok()) << stripped.status().message();
    auto in = OIIO::ImageInput::open(dir.file("final.tif"));
    ASSERT_TRUE(in);
    EXPECT_FALSE(in->seek_subimage(1, 0));
    EXPECT_TRUE(in->seek_subimage(0, 0));
    EXPECT_EQ(in->spec().nchannels, 3);
    EXPECT_EQ(in->spec().format, OIIO::TypeDesc::UINT16);
    EXPECT_FALSE(ck::is_tiff_checkpoint_spec(in->spec()));
    // Its provenance record survives OIIO's TIFF writer in the description.
    auto provenance = ck::get_provenance_attributes(in->spec());
    ASSERT_TRUE(provenance.is_ok()) << provenance.status().message();
    EXPECT_EQ(provenance->made_by, format::kMadeByStrip);
    EXPECT_TRUE(provenance->is_draft());
    EXPECT_EQ(provenance->render_id, "0123456789abcdef0123456789abcdef");
    std::vector<uint16_t> px(size_t(kWidth) * kHeight * 3);
    ASSERT_TRUE(in->read_image(0, 0, 0, 3, OIIO::TypeDesc::UINT16, px.data()));
    EXPECT_EQ(px[0], uint16_t(0.1234567f * 65535.0f + 0.5f));
    // In place, an unfinished checkpoint is refused without --force.
    auto in_place = ck::strip_checkpoint(path, path, options);
    EXPECT_FALSE(in_place.is_ok());
}

// B2 across formats: a set whose TIFF and OpenEXR files come from two commits
// is refused as mixed, never resumed.
TEST(TiffCheckpoint, ATornSetIsMixedNotResumed)
{
    TempDir dir;
    State a = make_state(true, dir.file("a.tif"), 4);
    State b = make_state(true, dir.file("b.tif"), 4);
    for (State* s : {&a, &b}) {
        ck::CheckpointHeader h = ck::get_checkpoint_attributes(s->spec).value();
        h.display_count = 2;
        h.display_index = s == &a ? 0 : 1;
        s->spec.extra_attribs.clear();
        ck::set_checkpoint_attributes(s->spec, h);
    }
    ASSERT_TRUE(write_checkpoint(dir.file("a.tif"), a, OIIO::TypeDesc::UINT8).is_ok());
    ASSERT_TRUE(write_checkpoint(dir.file("b.tif"), b, OIIO::TypeFloat).is_ok());
    ck::ExpectedFrame e;
    e.frame = 1;
    e.displays = {{dir.file("a.tif"), names(a)}, {dir.file("b.tif"), names(b)}};
    e.fingerprint = "00112233445566aa";
    e.fingerprint_parts = "camera=1;geometry=2";
    e.x = 2;
    e.y = 3;
    e.width = kWidth;
    e.height = kHeight;
    e.full_width = 64;
    e.full_height = 50;
    e.target_samples = 16;
    EXPECT_EQ(ck::check_recovery(e).verdict, ck::RecoveryVerdict::Resumable)
        << ck::check_recovery(e).message;

    // b from the next commit, a not: the crash between two renames without
    // a's .part (removed by hand): mixed.
    ck::CheckpointHeader h = ck::get_checkpoint_attributes(b.spec).value();
    h.generation = 5;
    b.spec.extra_attribs.clear();
    ck::set_checkpoint_attributes(b.spec, h);
    ASSERT_TRUE(write_checkpoint(dir.file("b.tif"), b, OIIO::TypeFloat).is_ok());
    const ck::RecoveryCheck check = ck::check_recovery(e);
    EXPECT_EQ(check.verdict, ck::RecoveryVerdict::Mixed) << check.message;
}

}  // namespace
