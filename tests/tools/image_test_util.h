// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Reading test images by channel name with the OpenEXR reader forced.
#pragma once

#include <OpenImageIO/imageio.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace ck::test {

/// An image's spec and the values of some channels, looked up by name.
struct ReadBack {
    OIIO::ImageSpec spec;
    std::vector<float> pixels;  ///< Interleaved in the order asked for.
    bool ok = false;
};

inline ReadBack read_channels(const std::string& path, const std::vector<std::string>& names)
{
    ReadBack r;
    auto in = OIIO::ImageInput::create("openexr");
    if (!in || !in->open(path, r.spec)) {
        ADD_FAILURE() << path << ": " << (in ? in->geterror() : OIIO::geterror());
        return r;
    }
    std::vector<float> all(size_t(r.spec.image_pixels()) * size_t(r.spec.nchannels));
    if (!in->read_image(0, 0, 0, r.spec.nchannels, OIIO::TypeFloat, all.data())) {
        ADD_FAILURE() << path << ": " << in->geterror();
        return r;
    }
    for (size_t p = 0; p < size_t(r.spec.image_pixels()); ++p)
        for (const std::string& name : names) {
            const int c = r.spec.channelindex(name);
            if (c < 0) {
                ADD_FAILURE() << path << ": no channel " << name;
                return r;
            }
            r.pixels.push_back(all[p * size_t(r.spec.nchannels) + size_t(c)]);
        }
    r.ok = true;
    return r;
}

/// True when the floats are equal bit for bit.
inline bool bit_identical(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

}  // namespace ck::test
