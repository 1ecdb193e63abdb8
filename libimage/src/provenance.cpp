// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/provenance.h>

#include <ck/checkpoint_format.h>
#include <ck/tiff_checkpoint.h>

#include "attributes.h"

#include <OpenImageIO/hash.h>

#include <algorithm>
#include <vector>

namespace ck {

namespace {

using detail::double_bits;
using detail::hex64;
using detail::put_record;
using detail::StrictReader;
using detail::u64_text;

constexpr uint64_t kProvenanceHashSeed = 0x636b70726f76ULL;  // "ckprov"

// Every field, one KEY=LENGTH:VALUE record each, in a fixed order: what
// ckrender:provenanceHash covers, so that a flipped value is never trusted.
std::string provenance_hash_text(const FinalProvenance& p)
{
    std::string t;
    put_record(t, format::kKeyProvenance, std::to_string(p.version));
    put_record(t, format::kKeyProvStatus, p.status);
    put_record(t, format::kKeyProvRenderId, p.render_id);
    put_record(t, format::kKeyProvGeneration, u64_text(p.generation));
    put_record(t, format::kKeyProvFrame, std::to_string(p.frame));
    put_record(t, format::kKeyProvDisplayIndex, std::to_string(p.display_index));
    put_record(t, format::kKeyProvDisplayCount, std::to_string(p.display_count));
    put_record(t, format::kKeyProvDisplayName, p.display_name);
    put_record(t, format::kKeyProvSamples, std::to_string(p.samples));
    put_record(t, format::kKeyProvTargetSamples, std::to_string(p.target_samples));
    put_record(t, format::kKeyProvFingerprint, p.fingerprint);
    put_record(t, format::kKeyProvFingerprintParts, p.fingerprint_parts);
    put_record(t, format::kKeyProvRenderTime, double_bits(p.render_seconds));
    put_record(t, format::kKeyProvRenderer, p.renderer);
    put_record(t, format::kKeyProvMadeBy, p.made_by);
    return t;
}

uint64_t provenance_hash(const FinalProvenance& p)
{
    const std::string text = provenance_hash_text(p);
    return OIIO::xxhash::XXH64(text.data(), text.size(), kProvenanceHashSeed);
}

bool starts_with_prefix(const std::string& name)
{
    const std::string prefix = format::kProvenancePrefix;
    return name.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

bool FinalProvenance::is_draft() const
{
    return status == format::kStatusDraft;
}

FinalProvenance provenance_of(const CheckpointHeader& h, const char* made_by)
{
    FinalProvenance p;
    p.version = format::kProvenanceVersion;
    p.status = h.min_samples >= h.target_samples ? format::kStatusComplete : format::kStatusDraft;
    p.render_id = h.render_id;
    p.generation = h.generation;
    p.frame = h.frame;
    p.display_index = h.display_index;
    p.display_count = h.display_count;
    p.display_name = h.display_name;
    p.samples = h.min_samples;
    p.target_samples = h.target_samples;
    p.fingerprint = h.fingerprint;
    p.fingerprint_parts = h.fingerprint_parts;
    p.render_seconds = h.total_elapsed;
    p.renderer = h.renderer;
    p.made_by = made_by;
    return p;
}

void set_provenance_attributes(OIIO::ImageSpec& spec, const FinalProvenance& p)
{
    spec.attribute(format::kKeyProvenance, p.version);
    spec.attribute(format::kKeyProvStatus, p.status);
    spec.attribute(format::kKeyProvRenderId, p.render_id);
    spec.attribute(format::kKeyProvGeneration, u64_text(p.generation));
    spec.attribute(format::kKeyProvFrame, p.frame);
    spec.attribute(format::kKeyProvDisplayIndex, p.display_index);
    spec.attribute(format::kKeyProvDisplayCount, p.display_count);
    spec.attribute(format::kKeyProvDisplayName, p.display_name);
    spec.attribute(format::kKeyProvSamples, p.samples);
    spec.attribute(format::kKeyProvTargetSamples, p.target_samples);
    spec.attribute(format::kKeyProvFingerprint, p.fingerprint);
    spec.attribute(format::kKeyProvFingerprintParts, p.fingerprint_parts);
    detail::set_double(spec, format::kKeyProvRenderTime, p.render_seconds);
    spec.attribute(format::kKeyProvRenderer, p.renderer);
    spec.attribute(format::kKeyProvMadeBy, p.made_by);
    spec.attribute(format::kKeyProvHash, hex64(provenance_hash(p)));
}

void erase_provenance_attributes(OIIO::ImageSpec& spec)
{
    std::vector<std::string> names;
    for (const OIIO::ParamValue& a : spec.extra_attribs)
        if (starts_with_prefix(a.name().string()))
            names.push_back(a.name().string());
    for (const std::string& name : names)
        spec.erase_attribute(name);
}

Result<FinalProvenance> get_provenance_attributes(const OIIO::ImageSpec& spec)
{
    if (spec.find_attribute(format::kKeyProvenance) == nullptr) {
        // A TIFF final keeps its record in its description (tiff_checkpoint.h).
        OIIO::ImageSpec lifted = spec;
        if (lift_provenance_from_description(lifted) &&
            lifted.find_attribute(format::kKeyProvenance) != nullptr)
            return get_provenance_attributes(lifted);
        return Status{ErrorCode::NotFound, "no provenance record (ckrender:provenance)"};
    }
    FinalProvenance p;
    StrictReader r(spec);
    if (!r.integer(format::kKeyProvenance, p.version))
        return Status{ErrorCode::Corrupt, r.error()};
    if (p.version < 1 || p.version > format::kProvenanceVersion)
        return Status{ErrorCode::Unsupported,
                      "provenance record version " + std::to_string(p.version) +
                          " (this build reads up to " +
                          std::to_string(format::kProvenanceVersion) + ")"};
    uint64_t stored = 0;
    const bool ok = r.str(format::kKeyProvStatus, p.status) &&
                    r.str(format::kKeyProvRenderId, p.render_id) &&
                    r.u64(format::kKeyProvGeneration, p.generation) &&
                    r.integer(format::kKeyProvFrame, p.frame) &&
                    r.integer(format::kKeyProvDisplayIndex, p.display_index) &&
                    r.integer(format::kKeyProvDisplayCount, p.display_count) &&
                    r.str(format::kKeyProvDisplayName, p.display_name) &&
                    r.integer(format::kKeyProvSamples, p.samples) &&
                    r.integer(format::kKeyProvTargetSamples, p.target_samples) &&
                    r.str(format::kKeyProvFingerprint, p.fingerprint) &&
                    r.str(format::kKeyProvFingerprintParts, p.fingerprint_parts) &&
                    r.real(format::kKeyProvRenderTime, p.render_seconds) &&
                    r.str(format::kKeyProvRenderer, p.renderer) &&
                    r.str(format::kKeyProvMadeBy, p.made_by) &&
                    r.u64(format::kKeyProvHash, stored, 16);
    if (!ok)
        return Status{ErrorCode::Corrupt, r.error()};
    if (stored != provenance_hash(p))
        return Status{ErrorCode::Corrupt, std::string("provenance record does not match ") +
                                              format::kKeyProvHash + " (damaged or altered)"};
    if (p.status != format::kStatusComplete && p.status != format::kStatusDraft)
        return Status{ErrorCode::Corrupt, "unknown ckrender:status \"" + p.status + "\""};
    if (p.display_count < 1 || p.display_index < 0 || p.display_index >= p.display_count ||
        p.target_samples < 1 || p.samples < 0 || p.render_id.empty())
        return Status{ErrorCode::Corrupt, "inconsistent provenance record"};
    return p;
}

std::string provenance_summary(const FinalProvenance& p)
{
    const auto spp = [](int n) {
        return std::to_string(n) + (n == 1 ? " sample per pixel" : " samples per pixel");
    };
    if (p.is_draft())
        return "draft, " + std::to_string(p.samples) + " of " + spp(p.target_samples);
    return "complete, " + spp(p.samples);
}

}  // namespace ck
