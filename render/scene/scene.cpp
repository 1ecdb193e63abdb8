// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/scene.h"

#include <algorithm>

namespace ck::scene {

std::string SourceLoc::str() const
{
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

int Sampling::target_samples() const
{
    if (max_samples > 0)
        return max_samples;
    return pixel_samples_x * pixel_samples_y;
}

const char* bucket_order_name(BucketOrder order)
{
    switch (order) {
    case BucketOrder::Horizontal: return "horizontal";
    case BucketOrder::Vertical: return "vertical";
    case BucketOrder::ZigzagX: return "zigzag-x";
    case BucketOrder::ZigzagY: return "zigzag-y";
    case BucketOrder::Spiral: return "spiral";
    case BucketOrder::Random: return "random";
    case BucketOrder::Circle: return "circle";
    }
    return "horizontal";
}

const char* channel_filter_name(ChannelFilter filter)
{
    switch (filter) {
    case ChannelFilter::Average: return "average";
    case ChannelFilter::Sum: return "sum";
    case ChannelFilter::Min: return "min";
    case ChannelFilter::Max: return "max";
    case ChannelFilter::ZMin: return "zmin";
    case ChannelFilter::ZMax: return "zmax";
    }
    return "average";
}

std::vector<std::string> channel_output_names(const ChannelDecl& channel,
                                              const std::vector<ChannelDecl>& display_channels)
{
    if (channel.source == ChannelSource::Ci && channel.name == "Ci")
        return {"R", "G", "B"};
    if (channel.source == ChannelSource::Alpha && channel.name == "a")
        return {"A"};
    if (channel.source == ChannelSource::Z && channel.name == "z")
        return {"Z"};
    if (channel.components == 1)
        return {channel.name};
    const bool colour = channel.type == "color";
    if (colour && display_channels.size() == 1)
        return {"R", "G", "B"};
    if (channel.components == 2)
        return {channel.name + ".X", channel.name + ".Y"};
    if (colour)
        return {channel.name + ".R", channel.name + ".G", channel.name + ".B"};
    return {channel.name + ".X", channel.name + ".Y", channel.name + ".Z"};
}

std::vector<std::string> light_groups(const World& world)
{
    std::vector<std::string> groups;
    for (const Light& l : world.lights)
        if (!l.light_group.empty() &&
            std::find(groups.begin(), groups.end(), l.light_group) == groups.end())
            groups.push_back(l.light_group);
    return groups;
}

std::vector<ChannelDecl> rgba_channels(const SourceLoc& loc)
{
    ChannelDecl ci;
    ci.name = "Ci";
    ci.type = "color";
    ci.components = 3;
    ci.source = ChannelSource::Ci;
    ci.loc = loc;
    ChannelDecl a;
    a.name = "a";
    a.type = "float";
    a.components = 1;
    a.source = ChannelSource::Alpha;
    a.loc = loc;
    return {ci, a};
}

std::vector<ChannelDecl> film_channels(const Frame& frame)
{
    std::vector<ChannelDecl> out;
    for (const Display& d : frame.displays)
        for (const ChannelDecl& c : d.channels) {
            bool found = false;
            for (const ChannelDecl& o : out)
                found = found || o.same_film_channel(c);
            if (!found)
                out.push_back(c);
        }
    return out;
}

std::vector<int> display_film_channels(const Frame& frame, size_t index)
{
    const std::vector<ChannelDecl> film = film_channels(frame);
    std::vector<int> out;
    for (const ChannelDecl& c : frame.displays[index].channels)
        for (size_t k = 0; k < film.size(); ++k)
            if (film[k].same_film_channel(c)) {
                out.push_back(int(k));
                break;
            }
    return out;
}

std::vector<std::string> display_output_names(const Display& display)
{
    std::vector<std::string> out;
    for (const ChannelDecl& c : display.channels)
        for (std::string& n : channel_output_names(c, display.channels))
            out.push_back(std::move(n));
    return out;
}

}  // namespace ck::scene
