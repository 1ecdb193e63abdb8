// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Reading an image file in a test, past OIIO's shared ImageCache.
//
// An ImageBuf made from a file name reads through the shared ImageCache,
// keyed by the name. A test that reads a checkpoint, lets ckrender replace it
// and reads it again got the old pixels back about one run in eight under load
// (HostileEnvironment.FileSizeLimitAfterACheckpointKeepsIt in CI). These read
// the file itself, with an ImageInput, every time.
#pragma once

#include <OpenImageIO/imageio.h>

#include <string>
#include <vector>

namespace ck::test {

/// The first subimage of `path` as float pixels in `spec`, or false with
/// `error` set.
inline bool read_float_pixels(const std::string& path, OIIO::ImageSpec& spec,
                              std::vector<float>& pixels, std::string& error)
{
    auto in = OIIO::ImageInput::open(path);
    if (!in) {
        error = OIIO::geterror();
        return false;
    }
    spec = in->spec();
    pixels.resize(size_t(spec.image_pixels()) * size_t(spec.nchannels));
    if (!in->read_image(0, 0, 0, spec.nchannels, OIIO::TypeFloat, pixels.data())) {
        error = in->geterror();
        return false;
    }
    return true;
}

}  // namespace ck::test
