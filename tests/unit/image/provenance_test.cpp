// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The provenance record of finals (S4: no checkpoint state; issue 9: finished
// frames stay finished): round trips through a spec and an EXR file, strict
// validation, and a hash that refuses any altered value.
#include <ck/checkpoint_format.h>
#include <ck/provenance.h>

#include "../../support/temp_dir.h"

#include <OpenImageIO/imagebuf.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace format = ck::format;

ck::CheckpointHeader header(int min_samples, int target)
{
    ck::CheckpointHeader h;
    h.format_version = format::kFormatVersion;
    h.state = format::kStateCheckpoint;
    h.render_id = "0123456789abcdef0123456789abcdef";
    h.generation = 5000000000ULL;
    h.frame = 7;
    h.display_index = 1;
    h.display_count = 2;
    h.display_name = "beauty.exr";
    h.mode = format::kModeIncremental;
    h.target_samples = target;
    h.min_samples = min_samples;
    h.fingerprint = "abc123";
    h.fingerprint_parts = "camera=1;geometry=2";
    h.total_elapsed = 98765.25;
    h.renderer = "ckrender test";
    return h;
}

TEST(Provenance, OfACheckpointSaysDraftOrComplete)
{
    const ck::FinalProvenance draft = ck::provenance_of(header(16, 64), format::kMadeByStrip);
    EXPECT_TRUE(draft.is_draft());
    EXPECT_EQ(draft.samples, 16);
    EXPECT_EQ(draft.target_samples, 64);
    EXPECT_EQ(ck::provenance_summary(draft), "draft, 16 of 64 samples per pixel");
    const ck::FinalProvenance done = ck::provenance_of(header(64, 64), format::kMadeByRender);
    EXPECT_FALSE(done.is_draft());
    EXPECT_EQ(ck::provenance_summary(done), "complete, 64 samples per pixel");
    EXPECT_EQ(ck::provenance_summary(ck::provenance_of(header(1, 1), format::kMadeByRender)),
              "complete, 1 sample per pixel");
}

TEST(Provenance, RoundTripThroughAnExrFile)
{
    ck::test::TempDir dir;
    const std::string path = dir.file("final.exr");
    OIIO::ImageSpec spec(4, 3, 3, OIIO::TypeFloat);
    const ck::FinalProvenance p = ck::provenance_of(header(16, 64), format::kMadeByStrip);
    ck::set_provenance_attributes(spec, p);
    OIIO::ImageBuf buf(spec);
    ASSERT_TRUE(buf.write(path));

    OIIO::ImageBuf back(path);
    ASSERT_TRUE(back.init_spec(path, 0, 0));
    auto read = ck::get_provenance_attributes(back.spec());
    ASSERT_TRUE(read.is_ok()) << read.status().message();
    EXPECT_EQ(read->render_id, p.render_id);
    EXPECT_EQ(read->generation, p.generation);  // past 2^32: kept as text
    EXPECT_EQ(read->frame, 7);
    EXPECT_EQ(read->display_index, 1);
    EXPECT_EQ(read->display_count, 2);
    EXPECT_EQ(read->display_name, "beauty.exr");
    EXPECT_EQ(read->samples, 16);
    EXPECT_EQ(read->target_samples, 64);
    EXPECT_EQ(read->status, format::kStatusDraft);
    EXPECT_EQ(read->fingerprint, "abc123");
    EXPECT_EQ(read->fingerprint_parts, "camera=1;geometry=2");
    EXPECT_EQ(read->render_seconds, 98765.25);
    EXPECT_EQ(read->made_by, format::kMadeByStrip);
}

TEST(Provenance, AbsentIsNotFound)
{
    OIIO::ImageSpec spec(4, 3, 3, OIIO::TypeFloat);
    auto read = ck::get_provenance_attributes(spec);
    ASSERT_FALSE(read.is_ok());
    EXPECT_EQ(read.status().code(), ck::ErrorCode::NotFound);
}

TEST(Provenance, AnyAlteredValueIsRefused)
{
    const ck::FinalProvenance p = ck::provenance_of(header(64, 64), format::kMadeByRender);
    // Each key changed to another value of its own type; the hash must catch it.
    const std::vector<const char*> ints = {format::kKeyProvFrame, format::kKeyProvDisplayIndex,
                                           format::kKeyProvSamples,
                                           format::kKeyProvTargetSamples};
    for (const char* key : ints) {
        OIIO::ImageSpec spec(4, 3, 3, OIIO::TypeFloat);
        ck::set_provenance_attributes(spec, p);
        spec.attribute(key, spec.get_int_attribute(key) == 0 ? 1 : 0);
        auto read = ck::get_provenance_attributes(spec);
        ASSERT_FALSE(read.is_ok()) << key;
        EXPECT_EQ(read.status().code(), ck::ErrorCode::Corrupt) << key;
    }
    const std::vector<const char*> strings = {
        format::kKeyProvStatus,      format::kKeyProvRenderId,
        format::kKeyProvFingerprint, format::kKeyProvFingerprintParts,
        format::kKeyProvDisplayName, format::kKeyProvGeneration};
    for (const char* key : strings) {
        OIIO::ImageSpec spec(4, 3, 3, OIIO::TypeFloat);
        ck::set_provenance_attributes(spec, p);
        spec.attribute(key, "1" + std::string(spec.get_string_attribute(key)));
        auto read = ck::get_provenance_attributes(spec);
        ASSERT_FALSE(read.is_ok()) << key;
        EXPECT_EQ(read.status().code(), ck::ErrorCode::Corrupt) << key;
    }
    // A missing key names itself.
    OIIO::ImageSpec spec(4, 3, 3, OIIO::TypeFloat);
    ck::set_provenance_attributes(spec, p);
    spec.erase_attribute(format::kKeyProvSamples);
    auto read = ck::get_provenance_attributes(spec);
    ASSERT_FALSE(read.is_ok());
    EXPECT_NE(read.status().message().find(format::kKeyProvSamples), std::string::npos);
}

TEST(Provenance, EraseRemovesEveryKeyAndOnlyThose)
{
    OIIO::ImageSpec spec(4, 3, 3, OIIO::TypeFloat);
    spec.attribute("Software", "x");
    spec.attribute(format::kKeyState, "checkpoint");  // a ck: key is not provenance
    ck::set_provenance_attributes(spec, ck::provenance_of(header(1, 4), format::kMadeByStrip));
    ck::erase_provenance_attributes(spec);
    for (const OIIO::ParamValue& a : spec.extra_attribs)
        EXPECT_NE(a.name().string().rfind(format::kProvenancePrefix, 0), 0u) << a.name();
    EXPECT_NE(spec.find_attribute("Software"), nullptr);
    EXPECT_NE(spec.find_attribute(format::kKeyState), nullptr);
}

}  // namespace
