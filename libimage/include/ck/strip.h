// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Turning a checkpoint into a final image for comp (S31, ckstrip): remove the
// ~w channel, the checkpoint tag (ck:state) and every other checkpoint-only
// attribute (ck:*, checkpointElapsed); keep every other channel and attribute,
// and the colour pixels bit for bit.
#pragma once

#include <ck/provenance.h>
#include <ck/result.h>

#include <OpenImageIO/imageio.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ck {

/// How to strip.
struct StripOptions {
    bool half = false;  ///< Store float channels as half (Z, ZBack and integer channels stay).
    std::string compression;  ///< OpenEXR compression for the output ("zip", "piz", ...); empty:
                              ///< keep the input's.
    bool strict = false;      ///< Refuse an input that is not a checkpoint instead of copying it.
    uint64_t max_memory_bytes = 0;  ///< Refuse inputs whose read needs more (0: no cap).
    bool force = false;     ///< Strip an unfinished checkpoint in place (its resume state is lost).
    std::string temp_path;  ///< Where to write before the rename; empty: tool_temp_path(out).
};

/// What strip_checkpoint() did.
enum class StripAction {
    Stripped,   ///< A checkpoint was written out without its state.
    Copied,     ///< Not a checkpoint: copied byte for byte to the output.
    Unchanged,  ///< Not a checkpoint, in place: nothing to do.
};

struct StripResult {
    StripAction action = StripAction::Stripped;
    std::string kind;                             ///< image_kind_name() of the input.
    std::vector<std::string> kept_channels;       ///< In the output's order.
    std::vector<std::string> removed_channels;    ///< ~w.
    std::vector<std::string> removed_attributes;  ///< Every ck: key and checkpointElapsed.
    std::string output_type;                      ///< "float", "half", "half/float", ...
    std::string compression;                      ///< The output's compression.
    std::optional<FinalProvenance> provenance;    ///< The record written (checkpoints only).
};

/// True for OpenEXR compression names OIIO writes: none, rle, zips, zip, piz,
/// pxr24, b44, b44a, dwaa, dwab (dwaa/dwab may carry ":LEVEL").
bool is_exr_compression(const std::string& name);

/// `spec` without checkpoint state: the ~w channel and every checkpoint
/// attribute removed (`removed` lists them), alpha/z indices updated.
/// `kept` lists the remaining channels in order.
OIIO::ImageSpec stripped_spec(const OIIO::ImageSpec& spec, std::vector<std::string>& kept,
                              std::vector<std::string>& removed);

/// Reads `in` in full (every chunk checked, safe_read.h), and writes `out`
/// through a fresh temporary file (options.temp_path or tool_temp_path(), made
/// with O_EXCL | O_NOFOLLOW; flush, fsync, rename, directory fsync), so `out`
/// may be `in` (in place) and a crash leaves either the old file or the new
/// one. The output of a checkpoint carries a provenance record (complete, or
/// draft with N of M samples; made by ckstrip). An image whose ck: keys
/// survived without ~w loses the keys. A file that is not a checkpoint is
/// copied unchanged (the same way), left alone in place, or refused with
/// options.strict. In place (`out` is `in`), an unfinished checkpoint is
/// refused with ErrorCode::Unsupported unless options.force.
/// The caller holds the output's lock (output_lock.h).
/// Errors: ErrorCode::NotFound (cannot open `in`), ErrorCode::Corrupt (damaged
/// input: nothing is written), ErrorCode::Unsupported (not a checkpoint under
/// strict, a deep or multi-part checkpoint, integer channels), ErrorCode::
/// InvalidArgument (unknown compression), ErrorCode::Io (the write failed; no
/// output and no .part are left).
Result<StripResult> strip_checkpoint(const std::string& in, const std::string& out,
                                     const StripOptions& options);

}  // namespace ck
