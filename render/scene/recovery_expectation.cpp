// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/recovery_expectation.h"

#include <ck/checkpoint_format.h>

#include <algorithm>
#include <cmath>

namespace ck::scene {

DataWindow crop_data_window(const Image& image)
{
    auto clampi = [](int v, int lo, int hi) { return std::max(lo, std::min(v, hi)); };
    const float* c = image.crop_window;
    DataWindow w;
    w.x0 = clampi(int(std::ceil(float(image.xres) * c[0])), 0, image.xres);
    w.x1 = clampi(int(std::ceil(float(image.xres) * c[1])), 0, image.xres);
    w.y0 = clampi(int(std::ceil(float(image.yres) * c[2])), 0, image.yres);
    w.y1 = clampi(int(std::ceil(float(image.yres) * c[3])), 0, image.yres);
    return w;
}

int recovery_target_samples(const Frame& frame)
{
    return std::max(1, frame.sampling.target_samples());
}

std::vector<std::string> checkpoint_channels(const Display& display)
{
    std::vector<std::string> names = {"R", "G", "B"};
    if (display.mode != "rgb")
        names.push_back("A");
    names.push_back(format::kWeightChannel);
    return names;
}

std::string checkpoint_blocker(const Frame& frame)
{
    // S2: a bucket render to TIFF or OpenEXR can always be recovered; S3: an
    // incremental one only to OpenEXR.
    for (const Display& d : frame.displays)
        if (d.format != ImageFormat::OpenEXR &&
            (frame.sampling.incremental || d.format != ImageFormat::TIFF))
            return d.loc.str() + ": Display \"" + d.name +
                   "\" is not OpenEXR; an incremental render can only be checkpointed and "
                   "recovered to OpenEXR (a bucket render also to TIFF)";
    return {};
}

ExpectedFrame recovery_expectation(const Frame& frame, const Fingerprint& fingerprint)
{
    ExpectedFrame e;
    e.frame = frame.number;
    for (const Display& d : frame.displays)
        e.displays.push_back({d.name, checkpoint_channels(d)});
    e.fingerprint = fingerprint.hex();
    e.fingerprint_parts = fingerprint.parts_text();
    const DataWindow w = crop_data_window(frame.image);
    e.x = w.x0;
    e.y = w.y0;
    e.width = w.width();
    e.height = w.height();
    e.full_width = frame.image.xres;
    e.full_height = frame.image.yres;
    e.target_samples = recovery_target_samples(frame);
    return e;
}

}  // namespace ck::scene
