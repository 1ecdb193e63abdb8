// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// What ckclean removes (S16, S20, docs/tools.md): orphaned `NAME.part` files
// left by a writer that died during a checkpoint, and stale deep-data
// checkpoint files (`.ddc`) left after a normal finish. Scanning changes
// nothing; remove_cleanup_candidate() deletes one file after checking again.
//
// The rules:
// - `NAME.part` is ours when NAME is not empty and the file starts with the
//   OpenEXR or TIFF magic bytes, or is empty and NAME ends in .exr, .tif,
//   .tiff or .ddc (killed before the first byte), or NAME ends in .ddc. Any
//   other `.part` (a browser download, say) is not recognised and left alone.
// - `STEM.ddc` belongs to the outputs beside it whose name is STEM or
//   STEM.EXT (EXT neither ddc nor part), and to STEM.exr whether it exists or
//   not. It is stale when none of them exists, or every one that exists is a
//   final image (no ck:state). It is kept while any of them is a checkpoint
//   or an asfinal checkpoint (recovery needs it), or cannot be read.
// - Nothing is ever removed while a live ckrender holds the output it belongs
//   to (ck::output_in_use), nor a complete `.part` of a multi-display
//   checkpoint that is newer than its committed file: recovery may need it to
//   complete a commit interrupted between two renames (B2).
// - Only regular files count: symbolic links are never followed, removed or
//   descended into.
#pragma once

#include <ck/result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ck {

enum class CleanKind {
    OrphanedPart,  ///< NAME.part left by a writer that died during a checkpoint (S16).
    StaleDdc,      ///< A .ddc left after the render finished (S20).
};

/// "orphaned-part" or "stale-ddc".
const char* clean_kind_name(CleanKind kind);

/// One file ckclean would remove, or found and decided to keep.
struct CleanCandidate {
    std::string path;  ///< As found: the scanned directory joined with the name.
    CleanKind kind = CleanKind::OrphanedPart;
    /// The outputs it belongs to: NAME for NAME.part; for a .ddc, its outputs
    /// as the rules above say (STEM.exr first). Their output locks are checked.
    std::vector<std::string> outputs;
    std::string reason;      ///< One line: why it is orphaned or stale.
    uint64_t size = 0;       ///< Bytes.
    double age_seconds = 0;  ///< Since its last modification.
    /// Empty when it may be removed; otherwise why it is kept ("a live ckrender
    /// is rendering out.exr", "younger than 1h", ...).
    std::string keep;
};

struct CleanScanOptions {
    bool recursive = false;      ///< Descend into subdirectories (never through symlinks).
    double min_age_seconds = 0;  ///< Keep files modified less than this long ago.
    std::string min_age_text;    ///< How to say min_age_seconds in `keep` ("1h").
};

/// What a scan found.
struct CleanScan {
    std::vector<CleanCandidate> candidates;  ///< Sorted by path.
    /// Files and directories that could not be examined, one line each (the
    /// scan goes on past them).
    std::vector<std::string> problems;
};

/// Scans `dir` (and with options.recursive its subdirectories) for orphaned
/// .part and stale .ddc files. Changes nothing on disk.
/// Returns ErrorCode::NotFound when `dir` does not exist, ErrorCode::InvalidArgument
/// when it is not a directory, ErrorCode::Io when it cannot be listed.
Result<CleanScan> scan_for_cleanup(const std::string& dir, const CleanScanOptions& options);

/// Removes one candidate that scan_for_cleanup() said may go. Checks again
/// first: still a regular file (not a symlink), and no live render holds its
/// owner. Where the output's lock file exists, the output lock is held during
/// the unlink, so a ckrender cannot start on it meanwhile.
/// Returns ErrorCode::InvalidArgument when the candidate must now be kept (the
/// message says why), ErrorCode::NotFound when it is already gone,
/// ErrorCode::Io when the unlink fails.
Status remove_cleanup_candidate(const CleanCandidate& candidate);

}  // namespace ck
