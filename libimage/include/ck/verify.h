// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckverify's check of one image file (S31): everything inspect_image() checks
// (structure against size, OpenEXR's own file check, every chunk read, the
// ck: metadata, ck:stateHash, ck:samplesDone, ck:minSamples), plus what a
// resume relies on in the pixel state itself: every ~w a whole number of
// samples between 0 and ck:targetSamples, an asfinal checkpoint finished, and
// the state stored losslessly.
#pragma once

#include <ck/inspect.h>
#include <ck/result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ck {

/// The extra consistency problems of a checkpoint that inspect_image() read
/// with keep_weights (one line each; empty when consistent or not a
/// checkpoint).
std::vector<std::string> checkpoint_state_problems(const ImageReport& report);

/// A file checked in full.
struct ImageVerification {
    ImageReport report;
    /// report.problems followed by checkpoint_state_problems(): non-empty
    /// means the file is damaged or inconsistent.
    std::vector<std::string> problems;

    bool ok() const { return problems.empty() && report.pixels_checked; }
};

/// Inspects `path` reading every pixel (refusing reads that would need more
/// than `max_memory_bytes`, 0: no cap) and checks its checkpoint state.
/// Errors as inspect_image(): NotFound, Unsupported (not OpenEXR or TIFF),
/// Corrupt (structure or header unreadable), Internal (out of memory).
Result<ImageVerification> verify_image(const std::string& path, uint64_t max_memory_bytes);

}  // namespace ck
