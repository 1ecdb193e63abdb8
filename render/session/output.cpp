// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/output.h"

#include <ck/checkpoint_format.h>

#include "film/film.h"
#include "scene/recovery_expectation.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ck::render {

namespace {

// Float data deserves a lossless compression; zip is what compositors expect,
// in EXR and TIFF alike.
constexpr const char* kDefaultCompression = "zip";

std::string software_name()
{
    return std::string("ckrender ") + CK_VERSION;
}

}  // namespace

int display_channel_count(const scene::Display& display)
{
    return int(scene::display_output_names(display).size());
}

std::vector<float> display_pixels(const scene::Frame& frame, size_t index,
                                  const FilmLayout& layout, const FilmState& state,
                                  bool with_state)
{
    const scene::Display& display = frame.displays[index];
    const std::vector<int> film = scene::display_film_channels(frame, index);
    const size_t visible = scene::display_output_names(display).size();
    const size_t nch = with_state ? scene::checkpoint_channels(display).size() : visible;
    const size_t npixels = state.weights.size();
    const size_t zkeys = size_t(layout.zkey_count());
    bool zmin = false, zmax = false;
    for (const scene::ChannelDecl& c : display.channels) {
        zmin = zmin || (c.source != scene::ChannelSource::SampleCount &&
                        c.filter == scene::ChannelFilter::ZMin);
        zmax = zmax || (c.source != scene::ChannelSource::SampleCount &&
                        c.filter == scene::ChannelFilter::ZMax);
    }
    std::vector<float> out(npixels * nch);
    for (size_t p = 0; p < npixels; ++p) {
        float* dst = &out[p * nch];
        float* words = dst + visible;
        for (size_t j = 0; j < film.size(); ++j) {
            const FilmChannel& ch = layout.channels()[size_t(film[j])];
            channel_values(layout, state, p, size_t(film[j]), dst);
            dst += ch.components;
            if (!with_state || ch.sum_offset < 0)
                continue;
            for (int k = 0; k < ch.components; ++k) {
                fixed::encode(state.sums[p * size_t(layout.sum_count()) + size_t(ch.sum_offset) +
                                         size_t(k)],
                              words);
                words += fixed::kSumWords;
            }
        }
        if (!with_state)
            continue;
        if (zmin)
            *words++ = state.zkeys[p * zkeys];
        if (zmax)
            *words++ = state.zkeys[p * zkeys + (layout.has_zmin() ? 1 : 0)];
        *words = state.weights[p];
    }
    return out;
}

OIIO::ImageSpec display_spec(const scene::Frame& frame, const scene::Display& display,
                             const PixelWindow& window)
{
    const std::vector<std::string> names = scene::display_output_names(display);
    OIIO::ImageSpec spec(window.width(), window.height(), int(names.size()), OIIO::TypeFloat);
    spec.x = window.x0;
    spec.y = window.y0;
    spec.full_x = 0;
    spec.full_y = 0;
    spec.full_width = frame.image.xres;
    spec.full_height = frame.image.yres;
    spec.channelnames.assign(names.begin(), names.end());
    spec.alpha_channel = -1;
    for (size_t c = 0; c < names.size(); ++c)
        if (names[c] == "A")
            spec.alpha_channel = int(c);
        else if (names[c] == "Z")
            spec.z_channel = int(c);
    spec.attribute("compression", display.compression.empty()
                                      ? std::string(kDefaultCompression)
                                      : display.compression);
    spec.attribute(format::kSoftwareAttr, software_name());
    spec.attribute("PixelAspectRatio", frame.image.pixel_aspect);
    spec.attribute("worldtocamera", OIIO::TypeMatrix, &frame.camera.world_to_camera);
    if (display.format == scene::ImageFormat::TIFF) {
        spec.attribute("tiff:write_exif", 0);  // avoids a spurious libtiff error (traps, 7)
        // Quantized TIFF: OIIO rounds and clamps the float pixels on write.
        if (display.bits == 8)
            spec.set_format(OIIO::TypeDesc::UINT8);
        else if (display.bits == 16)
            spec.set_format(OIIO::TypeDesc::UINT16);
    }
    return spec;
}

std::vector<OutputImage> final_images(const scene::Frame& frame, const Film& film)
{
    std::vector<OutputImage> images;
    for (size_t index = 0; index < frame.displays.size(); ++index) {
        const scene::Display& display = frame.displays[index];
        OutputImage image;
        image.path = display.name;
        image.format_name = display.format == scene::ImageFormat::TIFF ? format::kTiffFormat
                                                                       : format::kOpenExrFormat;
        image.spec = display_spec(frame, display, film.window());
        image.pixels = display_pixels(frame, index, film.layout(), film.state(), false);
        images.push_back(std::move(image));
    }
    return images;
}

Status check_inputs_not_outputs(const scene::Frame& frame, const std::vector<InputFile>& inputs)
{
    std::vector<InputFile> all = inputs;
    for (const std::string& asset : frame.assets)
        all.push_back({asset, "a file the scene reads (an archive or a texture)"});
    for (const scene::Display& display : frame.displays) {
        struct stat out {};
        if (::stat(display.name.c_str(), &out) != 0)
            continue;  // nothing there yet: it cannot be an input
        for (const InputFile& input : all) {
            struct stat in {};
            if (::stat(input.path.c_str(), &in) != 0)
                continue;
            if (in.st_dev == out.st_dev && in.st_ino == out.st_ino)
                return {ErrorCode::InvalidArgument,
                        display.loc.str() + ": Display \"" + display.name + "\" is " + input.role +
                            ", " + input.path +
                            " (the same file); rendering would overwrite it. Name another output"};
        }
    }
    return {};
}

Status check_outputs_writable(const scene::Frame& frame)
{
    for (const scene::Display& display : frame.displays) {
        std::filesystem::path dir = std::filesystem::path(display.name).parent_path();
        if (dir.empty())
            dir = ".";
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            return {ErrorCode::Io, display.loc.str() + ": Display \"" + display.name +
                                       "\": directory " + dir.string() + " does not exist"};
        if (::access(dir.c_str(), W_OK) != 0)
            return {ErrorCode::Io, display.loc.str() + ": Display \"" + display.name +
                                       "\": directory " + dir.string() +
                                       " is not writable: " + std::strerror(errno)};
    }
    return {};
}

namespace {

// "Key:   1234 kB" lines of a /proc file, in bytes; nullopt when absent.
std::optional<uint64_t> proc_kib_field(const char* file, const std::string& key)
{
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, key.size(), key) != 0 || line.size() <= key.size() ||
            line[key.size()] != ':')
            continue;
        std::istringstream fields(line.substr(key.size() + 1));
        uint64_t kib = 0;
        if (fields >> kib)
            return kib * 1024;
    }
    return std::nullopt;
}

std::string gib_text(uint64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(1ull << 30));
    return buf;
}

}  // namespace

uint64_t frame_pixel_bytes(const scene::Frame& frame)
{
    const PixelWindow window = crop_pixel_window(frame.image);
    const uint64_t npixels = uint64_t(std::max(window.width(), 0)) *
                             uint64_t(std::max(window.height(), 0));
    uint64_t per_pixel = 2 * uint64_t(FilmLayout(scene::film_channels(frame)).bytes_per_pixel());
    uint64_t largest = 0;
    for (const scene::Display& display : frame.displays) {
        const uint64_t image = uint64_t(scene::checkpoint_channels(display).size()) * sizeof(float);
        per_pixel += image;
        largest = std::max(largest, image);
    }
    per_pixel += largest;
    if (npixels && per_pixel > std::numeric_limits<uint64_t>::max() / npixels)
        return std::numeric_limits<uint64_t>::max();
    return npixels * per_pixel;
}

uint64_t available_memory_bytes(std::string& what)
{
    uint64_t available = 0;
    what.clear();
    const auto mem = proc_kib_field("/proc/meminfo", "MemAvailable");
    if (mem) {
        available = *mem + proc_kib_field("/proc/meminfo", "SwapFree").value_or(0);
        what = "MemAvailable + SwapFree";
    }
    const uint64_t mapped = proc_kib_field("/proc/self/status", "VmSize").value_or(0);
    const uint64_t data = proc_kib_field("/proc/self/status", "VmData").value_or(0);
    auto cap = [&](int resource, uint64_t used, const char* name) {
        struct rlimit limit {};
        if (::getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
            return;
        const uint64_t left = uint64_t(limit.rlim_cur) > used ? uint64_t(limit.rlim_cur) - used : 0;
        if (what.empty() || left < available) {
            available = left;
            what = name;
        }
    };
    cap(RLIMIT_AS, mapped, "ulimit -v");
    cap(RLIMIT_DATA, data, "ulimit -d");
    return available;
}

Status check_memory(const scene::Frame& frame)
{
    std::string what;
    const uint64_t available = available_memory_bytes(what);
    const uint64_t need = frame_pixel_bytes(frame);
    if (what.empty() || need <= available)
        return {};
    const PixelWindow window = crop_pixel_window(frame.image);
    return {ErrorCode::Io,
            "frame " + std::to_string(frame.number) + ": " + std::to_string(window.width()) +
                "x" + std::to_string(window.height()) + " pixels with " +
                std::to_string(frame.displays.size()) +
                (frame.displays.size() == 1 ? " display" : " displays") + " need about " +
                gib_text(need) + " for the film and its images, and " + gib_text(available) +
                " is available (" + what + "); nothing was rendered or written"};
}

}  // namespace ck::render
