// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/recovery_expectation.h"

#include <ck/checkpoint_format.h>
#include <ck/fixed_sum.h>

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

std::string sum_channel_name(int k, const std::string& name)
{
    return std::string(format::kSumChannelPrefix) + std::to_string(k) + "." + name;
}

bool keeps_sums(const ChannelDecl& channel)
{
    return channel.source != ChannelSource::SampleCount &&
           (channel.filter == ChannelFilter::Average || channel.filter == ChannelFilter::Sum);
}

std::vector<std::string> checkpoint_channels(const Display& display)
{
    std::vector<std::string> names = display_output_names(display);
    bool zmin = false, zmax = false;
    for (const ChannelDecl& c : display.channels) {
        const std::vector<std::string> out = channel_output_names(c, display.channels);
        if (keeps_sums(c)) {
            for (const std::string& n : out)
                for (int k = 0; k < fixed::kSumWords; ++k)
                    names.push_back(sum_channel_name(k, n));
        }
        zmin = zmin || (c.source != ChannelSource::SampleCount && c.filter == ChannelFilter::ZMin);
        zmax = zmax || (c.source != ChannelSource::SampleCount && c.filter == ChannelFilter::ZMax);
    }
    if (zmin)
        names.push_back(format::kZMinChannel);
    if (zmax)
        names.push_back(format::kZMaxChannel);
    names.push_back(format::kWeightChannel);
    return names;
}

namespace {

// What a version 1 or 2 checkpoint of the display holds: those versions wrote
// Ci (and a) only, as R, G, B[, A] float means.
std::vector<std::string> legacy_channels(const Display& display)
{
    const auto& c = display.channels;
    const bool ci = !c.empty() && c[0].source == ChannelSource::Ci && c[0].name == "Ci" &&
                    c[0].filter == ChannelFilter::Average;
    const bool alpha = c.size() == 2 && c[1].source == ChannelSource::Alpha && c[1].name == "a" &&
                       c[1].filter == ChannelFilter::Average;
    if (!ci || c.size() > 2 || (c.size() == 2 && !alpha))
        return {};
    std::vector<std::string> names = {"R", "G", "B"};
    if (alpha)
        names.push_back("A");
    names.push_back(format::kWeightChannel);
    return names;
}

}  // namespace

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
    for (size_t i = 0; i < frame.displays.size(); ++i) {
        const Display& d = frame.displays[i];
        ExpectedDisplay ed;
        ed.path = d.name;
        ed.channels = checkpoint_channels(d);
        ed.legacy_channels = legacy_channels(d);
        ed.final_channels = display_output_names(d).size();
        ed.film_channels = display_film_channels(frame, i);
        e.displays.push_back(std::move(ed));
    }
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
