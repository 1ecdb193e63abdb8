// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The rules every frame's display names obey before anything renders, shared
// by ckrender's preflight and ckverify's prediction of it (one rule, one word).
#pragma once

#include "scene/scene.h"

#include <ck/result.h>

#include <string>

namespace ck::scene {

/// The file a display writes, as one path for every spelling of it
/// (absolute, `.`, `..` and symbolic links of existing directories resolved).
std::string output_identity(const std::string& display_name);

/// Each display of a frame writes a file of its own: no two displays name the
/// same file, none names another's temporary `.part` file, none names an
/// existing directory, and NAME.part fits the file system's name limit. Returns ErrorCode::InvalidArgument (a scene error)
/// naming both RIB lines.
Status check_display_names(const Frame& frame);

}  // namespace ck::scene
