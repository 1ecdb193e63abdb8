// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// What the process-level checkpoint tests share: an image's pixels for
// bit-for-bit comparison, and the figures they read from ckrender's log.
#pragma once

#include "../support/read_image.h"

#include <gtest/gtest.h>


#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ck::test {

/// Every pixel of an image as float, or an empty vector (and a test failure).
/// Read past OIIO's ImageCache (read_image.h): tests read files ckrender replaces.
inline std::vector<float> image_pixels(const std::string& path)
{
    OIIO::ImageSpec spec;
    std::vector<float> v;
    std::string error;
    if (!read_float_pixels(path, spec, v, error)) {
        ADD_FAILURE() << path << ": " << error;
        return {};
    }
    return v;
}

/// A file's bytes ("" when it cannot be read), to check that nothing changed it.
inline std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The last "checkpoint N committed (..., K samples per pixel, written ..." in a log: K, or -1.
inline int last_committed_samples(const std::string& log)
{
    const size_t many = log.rfind(" samples per pixel, written");
    const size_t one = log.rfind(" sample per pixel, written");
    const size_t at = many == std::string::npos ? one
                      : one == std::string::npos ? many
                                                 : std::max(many, one);
    if (at == std::string::npos)
        return -1;
    const size_t start = log.rfind(", ", at);
    return start == std::string::npos ? -1 : std::atoi(log.c_str() + start + 2);
}

/// How ckrender's messages spell a sample count: "1 sample per pixel", "4 samples per pixel".
inline std::string spp_text(long long n)
{
    return std::to_string(n) + (n == 1 ? " sample per pixel" : " samples per pixel");
}

/// "recover: resuming render ... from R samples per pixel": R, or -1.
inline int resumed_from(const std::string& log)
{
    size_t at = log.find("recover: resuming");
    if (at == std::string::npos)
        return -1;
    at = log.find(" from ", at);
    return at == std::string::npos ? -1 : std::atoi(log.c_str() + at + 6);
}

}  // namespace ck::test
