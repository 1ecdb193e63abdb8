// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// What a frame's checkpoint set must look like for -recover 1 (S22, B3): the
// bridge from a parsed scene to libimage's ck::check_recovery(). It lives in
// ck_scene, not in the session, so ckverify can build exactly the expectation
// ckrender builds without linking the renderer (ckrender's session calls the
// same functions).
#pragma once

#include "scene/fingerprint.h"
#include "scene/scene.h"

#include <ck/recovery.h>

#include <string>
#include <vector>

namespace ck::scene {

/// A frame's data window in pixels: [x0, x1) x [y0, y1) of the full frame.
struct DataWindow {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;

    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
};

/// The crop window in pixels: each edge is ceil(resolution * crop), clamped to
/// the frame (RISpec CropWindow, the same rule as render::crop_pixel_window).
DataWindow crop_data_window(const Image& image);

/// The per-pixel sample target the renderer works towards: at least 1.
int recovery_target_samples(const Frame& frame);

/// The channels a display's checkpoint carries, in the order written: the
/// display's own (display_output_names), then the hidden state of its
/// averaged and summed channels (kSumWords "~sumK.NAME" per component), its
/// z keys ("~zmin", "~zmax") when a zmin or zmax channel needs them, then ~w
/// (docs/checkpoint-format.md, "Channels").
std::vector<std::string> checkpoint_channels(const Display& display);

/// The name of word `k` of the fixed-point sum behind output channel `name`.
std::string sum_channel_name(int k, const std::string& name);

/// True when a channel of this kind keeps exact sums (average, sum).
bool keeps_sums(const ChannelDecl& channel);

/// Empty when every display of the frame can hold a checkpoint (OpenEXR, S3);
/// otherwise one line naming the first display that cannot, with its RIB line.
std::string checkpoint_blocker(const Frame& frame);

/// The expectation ck::check_recovery() tests a frame's outputs against: one
/// entry per display (path as written in the RIB, relative paths to the
/// current directory), the fingerprint, the crop window and the target.
ExpectedFrame recovery_expectation(const Frame& frame, const Fingerprint& fingerprint);

}  // namespace ck::scene
