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

#include <functional>
#include <string>
#include <vector>

namespace ck {

/// One image to write: float32 pixels, interleaved in spec.nchannels order,
/// covering spec's data window row by row; spec.format is the type stored
/// (OIIO converts). A TIFF whose spec carries ck:state is written as a TIFF
/// checkpoint (tiff_checkpoint.h): spec.format is then its picture's type.
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

/// A temporary name for a tool's write of `path` that never collides with
/// ckrender's `path.part`: `path.TOOL-PID-RANDOM.part` (e.g.
/// "out.exr.ckstrip-4242-9f3a1c.part"). is_tool_temp_path() recognises it.
std::string tool_temp_path(const std::string& path, const std::string& tool);

/// When `name` (a file name or path) is a tool_temp_path() of some output,
/// returns that output (same directory); "" otherwise.
std::string tool_temp_output(const std::string& name);

/// Writes one image to `temp`, a fresh name (tool_temp_path()): created with
/// O_EXCL | O_NOFOLLOW, so an existing file or a planted symbolic link of that
/// name is an error (ErrorCode::Io) and never written through. Flushed, checked
/// and fsynced like write_part(); on failure nothing is left under `temp`.
Status write_new_file(const std::string& temp, const ImageWrite& image);

/// Copies the bytes of `in` to `temp` the same way (O_EXCL | O_NOFOLLOW, fsync).
/// ErrorCode::NotFound when `in` cannot be opened, ErrorCode::Io otherwise.
Status copy_to_new_file(const std::string& in, const std::string& temp);

/// Renames `temp` over `path` and fsyncs the directory (ErrorCode::Io).
Status commit_file(const std::string& temp, const std::string& path);

/// Renames each part over its final path, then fsyncs every directory touched.
/// Returns ErrorCode::Io on the first failure (later renames are not attempted,
/// so the files already renamed stay renamed; callers detect mixed sets by
/// content, see DESIGN.md).
Status commit_parts(const std::vector<std::string>& finals);

/// Writes every image to its part file, and only when all succeeded renames them
/// into place and fsyncs the directories. On failure every part file is removed
/// and the previous final files are untouched. `before_rename`, when given, runs
/// once every part is written and before the first rename; its failure fails the
/// write the same way (ckrender renews its output locks there, so that a set that
/// becomes visible in a directory is always covered by a lock in that directory).
Status write_images_atomically(const std::vector<ImageWrite>& images,
                               const std::function<Status()>& before_rename = {});

}  // namespace ck
