// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/verify.h>

#include <ck/checkpoint_format.h>

#include <cmath>

namespace ck {

std::vector<std::string> checkpoint_state_problems(const ImageReport& report)
{
    std::vector<std::string> problems;
    if (!report.header || report.kind == ImageKind::DeepCheckpoint)
        return problems;
    const CheckpointHeader& h = *report.header;

    // Counts of samples: whole, within the target (inspect_image() already
    // reports NaN, infinity and negative values).
    uint64_t fractional = 0, over = 0;
    for (float w : report.weights_plane) {
        if (!std::isfinite(w) || w < 0)
            continue;
        if (w != std::floor(w))
            ++fractional;
        else if (w > float(h.target_samples))
            ++over;
    }
    if (fractional > 0)
        problems.push_back(std::to_string(fractional) + " pixel(s) have a ~w that is not a " +
                           "whole number of samples");
    if (over > 0)
        problems.push_back(std::to_string(over) + " pixel(s) have more samples than " +
                           format::kKeyTargetSamples + " (" + std::to_string(h.target_samples) +
                           ")");
    if (h.state == format::kStateAsFinal && h.min_samples < h.target_samples)
        problems.push_back("an asfinal checkpoint whose smallest ~w (" +
                           std::to_string(h.min_samples) + ") is below its target (" +
                           std::to_string(h.target_samples) + ")");

    // The state must survive a write and read bit for bit.
    const std::string& c = report.compression;
    if (c.rfind("dwa", 0) == 0 || c.rfind("b44", 0) == 0 || c == "pxr24")
        problems.push_back("checkpoint state stored with lossy compression \"" + c + "\"");
    for (const ChannelInfo& ch : report.channels)
        if (ch.type != "float" && ch.name != format::kWeightChannel)
            problems.push_back("channel " + ch.name + " stored as " + ch.type +
                               ", not float: a resume would not be bit-identical");
    return problems;
}

Result<ImageVerification> verify_image(const std::string& path, uint64_t max_memory_bytes)
{
    InspectOptions options;
    options.read_pixels = true;
    options.max_memory_bytes = max_memory_bytes;
    options.keep_weights = true;
    auto report = inspect_image(path, options);
    if (!report)
        return report.status();

    ImageVerification v;
    v.report = std::move(report.value());
    v.problems = v.report.problems;
    if (v.report.kind == ImageKind::OrphanedMetadata)
        v.problems.push_back(std::string("checkpoint metadata without its state (no ") +
                             format::kWeightChannel +
                             " channel): it cannot be resumed; ckstrip removes the leftover keys");
    for (std::string& p : checkpoint_state_problems(v.report))
        v.problems.push_back(std::move(p));
    v.report.weights_plane.clear();
    v.report.weights_plane.shrink_to_fit();
    return v;
}

}  // namespace ck
