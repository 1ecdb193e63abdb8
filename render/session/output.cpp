// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/output.h"

#include <ck/checkpoint_format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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
    return display.mode == "rgb" ? 3 : 4;
}

OIIO::ImageSpec display_spec(const scene::Frame& frame, const scene::Display& display,
                             const PixelWindow& window)
{
    const int nchannels = display_channel_count(display);
    OIIO::ImageSpec spec(window.width(), window.height(), nchannels, OIIO::TypeFloat);
    spec.x = window.x0;
    spec.y = window.y0;
    spec.full_x = 0;
    spec.full_y = 0;
    spec.full_width = frame.image.xres;
    spec.full_height = frame.image.yres;
    spec.channelnames = {"R", "G", "B"};
    if (nchannels == 4) {
        spec.channelnames.push_back("A");
        spec.alpha_channel = 3;
    }
    spec.attribute("compression", display.compression.empty()
                                      ? std::string(kDefaultCompression)
                                      : display.compression);
    spec.attribute(format::kSoftwareAttr, software_name());
    spec.attribute("PixelAspectRatio", frame.image.pixel_aspect);
    spec.attribute("worldtocamera", OIIO::TypeMatrix, &frame.camera.world_to_camera);
    if (display.format == scene::ImageFormat::TIFF)
        spec.attribute("tiff:write_exif", 0);  // avoids a spurious libtiff error (traps, 7)
    return spec;
}

std::vector<OutputImage> final_images(const scene::Frame& frame, const Film& film)
{
    std::vector<OutputImage> images;
    for (const scene::Display& display : frame.displays) {
        OutputImage image;
        image.path = display.name;
        image.format_name = display.format == scene::ImageFormat::TIFF ? format::kTiffFormat
                                                                       : format::kOpenExrFormat;
        image.spec = display_spec(frame, display, film.window());
        image.pixels = film.interleaved(display_channel_count(display), false);
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

}  // namespace ck::render
