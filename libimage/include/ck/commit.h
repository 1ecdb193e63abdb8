// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Crash-safe image writes: every file is written to NAME.part through a FILE*
// we own, flushed, checked and fsynced; then all parts are renamed over their
// final names and each directory is fsynced (DESIGN.md, "The commit protocol").
// A crash leaves either the previous files or the new ones, never a
// half-written image under a final name.
#pragma once

#include <ck/result.h>

#include <OpenImageIO/imageio.h>

#include <string>
#include <vector>

namespace ck {

/// One image to write: float32 pixels, interleaved in spec.nchannels order,
/// covering spec's data window row by row.
struct ImageWrite {
    std::string path;         ///< Final path (the part file is path + ".part").
    std::string format_name;  ///< OIIO format: format::kOpenExrFormat or format::kTiffFormat.
    OIIO::ImageSpec spec;     ///< Channels, data window, attributes, compression.
    const float* pixels = nullptr;
};

/// path + ".part".
std::string part_path(const std::string& path);

/// Writes one image to `part` (not to its final name). Flushes, checks ferror and
/// fsyncs before returning. Returns ErrorCode::Io naming the file and the cause
/// (including errno text) if any byte may be missing; the part file is removed then.
Status write_part(const std::string& part, const ImageWrite& image);

/// Renames each part over its final path, then fsyncs every directory touched.
/// Returns ErrorCode::Io on the first failure (later renames are not attempted,
/// so the files already renamed stay renamed; callers detect mixed sets by
/// content, see DESIGN.md).
Status commit_parts(const std::vector<std::string>& finals);

/// Writes every image to its part file, and only when all succeeded renames them
/// into place and fsyncs the directories. On failure every part file is removed
/// and the previous final files are untouched.
Status write_images_atomically(const std::vector<ImageWrite>& images);

}  // namespace ck
