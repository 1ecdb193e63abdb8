// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The tools' --json output, through nlohmann-json. One schema for every tool
// and for ckrender --json (docs/json.md, docs/json-schema.json): this header
// spells the envelope and the objects several tools share, so that a name,
// type or unit is decided once.
#pragma once

#include <ck/checkpoint.h>
#include <ck/inspect.h>
#include <ck/provenance.h>

#include <nlohmann/json.hpp>

#include <string>

namespace ck::tool {

/// Objects keep their keys in insertion order (stable, documented order).
using Json = nlohmann::ordered_json;

inline constexpr const char* kJsonSchemaName = "ckrender-json";  ///< "schema" in every object.
inline constexpr int kJsonSchemaVersion = 1;                      ///< "schema_version".

/// The head of a tool's one JSON object:
/// {"schema", "schema_version", "tool", "version"}; the caller adds "files",
/// "exit_code" and "seconds".
Json json_envelope(const std::string& tool);

/// Compact JSON text. Bytes that are not UTF-8 (a file name can be anything)
/// become U+FFFD instead of throwing; NaN and infinities become null.
std::string json_text(const Json& value);

/// Parses `text`; a discarded value (is_discarded()) when it is not JSON.
/// Never throws.
Json json_parse(const std::string& text);

/// The checkpoint metadata, the same object in ckinfo and ckverify:
/// generation and sample counts as numbers, times in seconds
/// ("*_seconds"), the share of samples done as "samples_fraction" (0..1;
/// null when `pixels` is 0, i.e. unknown). With `history`, the resume
/// history as objects with normalised names (resume_history_json).
Json checkpoint_json(const CheckpointHeader& header, uint64_t pixels,
                     const std::vector<ResumeRecord>* history = nullptr);

/// ~w statistics: {"min", "mean", "max", "pixels", "pixels_at_target",
/// "pixels_done_fraction"}.
Json weights_json(const WeightStats& weights);

/// ck:history's records with the schema's names and types: samplesFrom ->
/// samples_from (number), elapsed -> elapsed_seconds (number), pid and
/// threads as numbers; unknown keys are kept as written.
Json resume_history_json(const std::vector<ResumeRecord>& history);

/// A final's provenance record (provenance.h), the same object in ckinfo and
/// ckstrip: {"status", "summary", "samples", "target_samples", "made_by",
/// "render_id", "generation", "frame", "display_index", "display_count",
/// "display_name", "fingerprint", "render_seconds", "renderer"}.
Json provenance_json(const FinalProvenance& provenance);

}  // namespace ck::tool
