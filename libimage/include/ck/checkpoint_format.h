// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The only place where checkpoint channel names, metadata keys and the format
// version are spelled. Everything else refers to these constants
// (docs/checkpoint-format.md).
#pragma once

namespace ck::format {

/// Per-pixel weight channel: the number of samples accumulated in the pixel.
/// Always float32 (half rounds counts above 2048).
inline constexpr const char* kWeightChannel = "~w";

/// Seconds from this process's start until the checkpoint began (S21).
inline constexpr const char* kCheckpointElapsed = "checkpointElapsed";

/// The suffix of a file being written; renamed over the final name on commit (S16).
inline constexpr const char* kPartSuffix = ".part";

/// OIIO format names forced when writing (a ".part" name would fool OIIO's
/// extension-based plugin choice; see notes on traps).
inline constexpr const char* kOpenExrFormat = "openexr";
inline constexpr const char* kTiffFormat = "tiff";

/// The Software attribute written into every image.
inline constexpr const char* kSoftwareAttr = "Software";

}  // namespace ck::format
