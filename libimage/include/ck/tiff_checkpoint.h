// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Checkpoints of bucket renders to TIFF (S2, S4, S12). OIIO's TIFF writer
// drops custom attributes and renames ~w, and a killed TIFF reads back as
// garbage with success (notes on traps, 7), so a TIFF checkpoint is laid out
// for that writer (docs/checkpoint-format.md, "TIFF checkpoints"):
//   page 0  the picture: R, G, B, A at the display's pixel type, unrendered
//           pixels black with alpha 0, what any viewer shows; its
//           ImageDescription is a JSON object holding every ck: key;
//   page 1  the state: R, G, B[, A], ~w as float32, exact whatever the
//           display's bit depth, described by a fixed marker.
// Reading checks the structure against the file size, the header hash, the
// state hash, and that the picture is the one the state makes (so a TIFF
// another program rewrote is refused, never resumed).
#pragma once

#include <ck/checkpoint.h>
#include <ck/commit.h>
#include <ck/result.h>

#include <OpenImageIO/imageio.h>

#include <string>
#include <vector>

namespace ck {

/// TIFF finals: OIIO's TIFF writer drops the provenance record's ckrender:
/// keys (provenance.h), so for a TIFF they move into a JSON ImageDescription
/// ({"ckrender-final":1,...,"attributes":{...}}). Does nothing when `spec`
/// has no record.
void move_provenance_to_description(OIIO::ImageSpec& spec);

/// The reverse, on a spec read from a TIFF: sets the ckrender: keys its
/// description holds. False (spec unchanged) when it holds none or they are
/// malformed; get_provenance_attributes() then finds no record.
bool lift_provenance_from_description(OIIO::ImageSpec& spec);

/// True when `spec` (page 0 of a TIFF) carries ckrender's checkpoint
/// description: the file claims to be a checkpoint, sound or not.
bool is_tiff_checkpoint_spec(const OIIO::ImageSpec& spec);

/// Writes `image` as a two-page TIFF checkpoint through `out` (a TIFF writer
/// already created on our file handle). image.spec holds the state channels
/// (R, G, B[, A], ~w), the ck: attributes (set_checkpoint_attributes) and, as
/// spec.format, the picture's pixel type (uint8, uint16 or float); image.pixels
/// are the float32 state. Returns false with `error` set on failure.
bool write_tiff_checkpoint(OIIO::ImageOutput& out, const std::string& name,
                           const ImageWrite& image, std::string& error);

/// The picture page the state makes: R, G, B and A (the state's A, or 1 where
/// any sample was taken and 0 elsewhere for a display without alpha),
/// converted to `type` as OIIO converts float pixels. `state` is interleaved in
/// state_spec.channelnames order.
std::vector<unsigned char> tiff_checkpoint_picture(const OIIO::ImageSpec& state_spec,
                                                   const float* state, OIIO::TypeDesc type);

/// Reads a TIFF checkpoint (read_checkpoint() calls this for TIFF files):
/// the same contract, errors and checks, plus the two pages' layout and the
/// picture-against-state check. An empty `channel_names` reads every state
/// channel. A TIFF without the description is ErrorCode::NotFound (not a
/// checkpoint) unless it has the state page (Corrupt: a rewritten checkpoint).
Result<CheckpointImage> read_tiff_checkpoint(const std::string& path,
                                             const std::vector<std::string>& channel_names);

}  // namespace ck
