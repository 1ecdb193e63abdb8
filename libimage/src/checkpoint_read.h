// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Private to libimage: the last steps of reading a checkpoint, shared by the
// OpenEXR reader (checkpoint.cpp) and the TIFF reader (tiff_checkpoint.cpp).
#pragma once

#include <ck/checkpoint.h>
#include <ck/result.h>

#include <string>
#include <vector>

namespace ck::detail {

/// Picks `channel_names` (every channel when empty) out of `all` (every channel of `spec`, interleaved,
/// float32, hashes already verified), and checks the ~w plane against the
/// header (weight_problems()). A channel ckrender writes that is not there is
/// ErrorCode::Unsupported ("channel set changed"), any other name Corrupt.
Result<CheckpointImage> select_checkpoint_channels(const std::string& path,
                                                  const OIIO::ImageSpec& spec,
                                                  const CheckpointHeader& header,
                                                  const std::vector<float>& all,
                                                  const std::vector<std::string>& channel_names);

}  // namespace ck::detail
