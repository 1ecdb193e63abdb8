// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// ckinfo's per-file work: inspect one file and turn the result into a report
// (summary line, -v details, JSON). Runs inside the isolated child.
#pragma once

#include <ck/tool/file_report.h>

#include <cstdint>
#include <string>

namespace ck::ckinfo {

struct Options {
    int verbose = 0;
    bool quiet = false;
    bool json = false;
    bool header_only = false;
    std::string heatmap;  ///< Output picture of ~w, or empty.
    tool::Limits limits;
};

/// Everything ckinfo says about `path`. `heatmap_path` is where to draw ~w
/// (empty: no picture).
tool::FileReport describe_file(const std::string& path, const Options& options,
                               const std::string& heatmap_path);

/// `heatmap` for input number `index` of `count`: unchanged for one input,
/// otherwise the input's file name inserted before the extension
/// (heat.png + shot.0001.exr -> heat.shot.0001.png).
std::string heatmap_path_for(const std::string& heatmap, const std::string& input, size_t count);

}  // namespace ck::ckinfo
