// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// What is at a path, before anything opens it. Opening a FIFO for reading
// blocks until a writer comes (forever, on a farm), and a device such as
// /dev/zero never ends: every reader of a user-named file asks first.
#pragma once

#include <string>

namespace ck {

/// "" when `path` is a regular file (symbolic links followed) or nothing is
/// there; otherwise what it is, for a message: "a directory", "a FIFO",
/// "a character device", "a block device", "a socket", "not a regular file".
std::string non_regular_kind(const std::string& path);

}  // namespace ck
