// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/strip.h>

#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/inspect.h>
#include <ck/provenance.h>
#include <ck/safe_read.h>
#include <ck/tiff_checkpoint.h>

#include "attributes.h"

#include <OpenImageIO/imagebufalgo.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <string_view>

#include <unistd.h>

namespace ck {

namespace {

// Checkpoint state: ~w, the sums' words, the z keys (checkpoint_format.h).
bool is_hidden_channel(const std::string& name)
{
    return !name.empty() && name[0] == format::kHiddenChannelPrefix;
}

std::vector<std::string> hidden_channels(const OIIO::ImageSpec& spec)
{
    std::vector<std::string> names;
    for (int c = 0; c < spec.nchannels; ++c)
        if (is_hidden_channel(spec.channel_name(c)))
            names.push_back(spec.channel_name(c));
    return names;
}

}  // namespace

namespace {

using detail::is_checkpoint_key;

// Channels that --half leaves alone: depth keeps its precision.
bool keeps_precision(const std::string& name)
{
    return name == "Z" || name == "ZBack";
}

// Byte copy through a fresh temporary name, fsync, rename, dir fsync.
Status copy_atomically(const std::string& in, const std::string& out, const std::string& temp)
{
    if (Status s = copy_to_new_file(in, temp); !s)
        return s;
    return commit_file(temp, out);
}

bool same_file(const std::string& a, const std::string& b)
{
    std::error_code ec;
    return a == b || std::filesystem::equivalent(a, b, ec);
}

std::string types_text(const OIIO::ImageSpec& spec)
{
    std::string out;
    for (int c = 0; c < spec.nchannels; ++c) {
        const std::string t = spec.channelformat(c).c_str();
        if (out.find(t) == std::string::npos)
            out += (out.empty() ? "" : "/") + t;
    }
    return out;
}

// Writes `pixels` (float, every channel of `spec`) to the fresh name `temp`,
// fsynced, and renames it over `out`: crash-safe, in place too.
Status write_and_commit(const std::string& temp, const std::string& out, const char* format_name,
                        const OIIO::ImageSpec& spec, const OIIO::ImageBuf& pixels)
{
    ImageWrite write;
    write.path = out;
    write.format_name = format_name;
    write.spec = spec;
    write.pixels = static_cast<const float*>(pixels.localpixels());
    if (Status s = write_new_file(temp, write); !s)
        return s;
    return commit_file(temp, out);
}

// A bucket render's TIFF checkpoint (tiff_checkpoint.h): the final is the
// state's colour channels, at the picture page's pixel type and compression,
// in one page, what ckrender writes when the render finishes (S4).
Result<StripResult> strip_tiff_checkpoint(const std::string& in, const std::string& out,
                                          const std::string& temp, const StripOptions& options,
                                          const ImageReport& report, StripResult result)
{
    if (!options.compression.empty() || options.half)
        return Status{ErrorCode::InvalidArgument,
                      "--compression and --half apply to OpenEXR; a TIFF keeps its own pixel "
                      "type and compression"};
    auto image = read_tiff_checkpoint(in, {});
    if (!image)
        return image.status();
    auto opened = open_image(in, ImageFormat::Tiff);
    if (!opened)
        return opened.status();
    const OIIO::ImageSpec picture = (*opened)->spec(0, 0);
    (*opened)->close();

    OIIO::ImageSpec out_spec = stripped_spec(image->spec, result.kept_channels,
                                             result.removed_attributes);
    out_spec.set_format(picture.format);
    out_spec.attribute("compression", picture.get_string_attribute("compression", "zip"));
    out_spec.attribute("tiff:write_exif", 0);
    for (const char* key : {format::kSoftwareAttr, "PixelAspectRatio"})
        if (const OIIO::ParamValue* p = picture.find_attribute(key))
            out_spec.attribute(key, p->type(), p->data());
    result.removed_channels = hidden_channels(image->spec);
    result.compression = out_spec.get_string_attribute("compression");
    result.output_type = types_text(out_spec);
    // The provenance record, as for OpenEXR; the writer carries it in the
    // TIFF's description (tiff_checkpoint.h).
    if (report.header) {
        result.provenance = provenance_of(*report.header, format::kMadeByStrip);
        set_provenance_attributes(out_spec, *result.provenance);
    }
    // The kept channels, selected by name as for OpenEXR.
    const OIIO::ImageBuf state(image->spec, image->pixels.data());
    std::vector<int> order;
    for (const std::string& name : result.kept_channels)
        order.push_back(image->spec.channelindex(name));
    const OIIO::ImageBuf kept = OIIO::ImageBufAlgo::channels(state, int(order.size()), order, {},
                                                             result.kept_channels);
    if (kept.has_error() || kept.nchannels() != int(order.size()))
        return Status{ErrorCode::Internal, "cannot select channels: " + kept.geterror()};
    if (Status s = write_and_commit(temp, out, format::kTiffFormat, out_spec, kept); !s)
        return s;
    result.action = StripAction::Stripped;
    return result;
}

}  // namespace

bool is_exr_compression(const std::string& name)
{
    const std::string base = name.substr(0, name.find(':'));
    static const char* const kNames[] = {"none",  "rle", "zips", "zip",  "piz",
                                         "pxr24", "b44", "b44a", "dwaa", "dwab"};
    const bool known =
        std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return base == n; });
    if (!known)
        return false;
    if (base.size() == name.size())
        return true;
    // Only dwaa/dwab take a level.
    const std::string level = name.substr(base.size() + 1);
    return (base == "dwaa" || base == "dwab") && !level.empty() &&
           level.find_first_not_of("0123456789.") == std::string::npos;
}

OIIO::ImageSpec stripped_spec(const OIIO::ImageSpec& spec, std::vector<std::string>& kept,
                              std::vector<std::string>& removed)
{
    OIIO::ImageSpec out = spec;
    kept.clear();
    std::vector<OIIO::TypeDesc> formats;
    for (int c = 0; c < spec.nchannels; ++c) {
        const std::string name = spec.channel_name(c);
        if (is_hidden_channel(name))
            continue;
        kept.push_back(name);
        formats.push_back(spec.channelformat(c));
    }
    out.nchannels = int(kept.size());
    out.channelnames = kept;
    out.channelformats = formats;
    if (!formats.empty() && std::all_of(formats.begin(), formats.end(),
                                        [&](OIIO::TypeDesc t) { return t == formats[0]; })) {
        out.channelformats.clear();
        out.format = formats[0];
    }
    auto index_of = [&](const char* name) {
        auto it = std::find(kept.begin(), kept.end(), name);
        return it == kept.end() ? -1 : int(it - kept.begin());
    };
    out.alpha_channel = index_of("A");
    out.z_channel = index_of("Z");

    removed.clear();
    for (const OIIO::ParamValue& p : spec.extra_attribs)
        if (is_checkpoint_key(p.name().string()))
            removed.push_back(p.name().string());
    for (const std::string& name : removed)
        out.erase_attribute(name);
    return out;
}

Result<StripResult> strip_checkpoint(const std::string& in, const std::string& out,
                                     const StripOptions& options)
{
    if (!options.compression.empty() && !is_exr_compression(options.compression))
        return Status{ErrorCode::InvalidArgument,
                      "unknown OpenEXR compression \"" + options.compression + "\""};
    try {
        // 1. The input must be readable in full: never write from damaged pixels.
        InspectOptions inspect;
        inspect.read_pixels = true;
        inspect.max_memory_bytes = options.max_memory_bytes;
        auto report = inspect_image(in, inspect);
        if (!report)
            return report.status();
        if (report->damaged())
            return Status{ErrorCode::Corrupt, "damaged: " + report->problems.front()};

        StripResult result;
        result.kind = image_kind_name(report->kind);
        const std::string temp =
            options.temp_path.empty() ? tool_temp_path(out, "ckstrip") : options.temp_path;
        result.compression = report->compression;

        // 2. Not a checkpoint: copy unchanged, leave alone, or refuse.
        const bool checkpoint = report->kind == ImageKind::Checkpoint ||
                                report->kind == ImageKind::AsFinal ||
                                report->kind == ImageKind::OrphanedMetadata;
        if (report->kind == ImageKind::DeepCheckpoint)
            return Status{ErrorCode::Unsupported, "deep-data checkpoints cannot be stripped yet"};
        if (!checkpoint) {
            if (options.strict)
                return Status{ErrorCode::Unsupported, std::string("not a checkpoint (") +
                                                          result.kind + "); refused by --strict"};
            for (const ChannelInfo& c : report->channels)
                result.kept_channels.push_back(c.name);
            if (same_file(in, out)) {
                result.action = StripAction::Unchanged;
                return result;
            }
            if (Status s = copy_atomically(in, out, temp); !s)
                return s;
            result.action = StripAction::Copied;
            return result;
        }
        if (report->subimages > 1 && report->format != ImageFormat::Tiff)
            return Status{ErrorCode::Unsupported, "multi-part checkpoints cannot be stripped yet"};

        // 3. In place, an unfinished checkpoint is the only copy of the state a
        //    resume needs: refuse unless told (-o keeps the input, so it may).
        const bool unfinished = report->kind == ImageKind::Checkpoint && report->header &&
                                report->header->min_samples < report->header->target_samples;
        if (unfinished && same_file(in, out) && !options.force) {
            const CheckpointHeader& h = *report->header;
            return Status{ErrorCode::Unsupported,
                          "an unfinished checkpoint (" + std::to_string(h.min_samples) + " of " +
                              std::to_string(h.target_samples) +
                              " samples per pixel): stripping it in place discards the state a "
                              "resume needs; pass --force to strip it anyway, or -o OUT to keep "
                              "the checkpoint"};
        }

        // A bucket render's TIFF checkpoint: its own layout (tiff_checkpoint.h).
        if (report->format == ImageFormat::Tiff)
            return strip_tiff_checkpoint(in, out, temp, options, *report, result);

        // 4. Read every channel as float; float and half survive that exactly.
        auto input = open_image(in, report->format);
        if (!input)
            return input.status();
        const OIIO::ImageSpec spec = (*input)->spec(0, 0);
        for (int c = 0; c < spec.nchannels; ++c) {
            const OIIO::TypeDesc t = spec.channelformat(c);
            if (t != OIIO::TypeFloat && t != OIIO::TypeHalf)
                return Status{ErrorCode::Unsupported,
                              "channel \"" + std::string(spec.channel_name(c)) + "\" is " +
                                  t.c_str() +
                                  ": only half and float channels are stripped bit-exactly"};
        }
        auto buf = read_subimage(**input, 0, 0);
        if (!buf)
            return buf.status();
        (*input)->close();

        // 5. The output spec and the kept channels, selected by name (OIIO
        //    reorders channels on read, so positions mean nothing).
        OIIO::ImageSpec out_spec =
            stripped_spec(spec, result.kept_channels, result.removed_attributes);
        result.removed_channels = hidden_channels(spec);
        // A final made from a checkpoint says what it is: complete or a draft
        // of N of M samples, from which render (provenance.h). Leftover
        // metadata without ~w vouches for nothing and gets no record.
        erase_provenance_attributes(out_spec);
        if (report->header && report->kind != ImageKind::OrphanedMetadata) {
            result.provenance = provenance_of(*report->header, format::kMadeByStrip);
            set_provenance_attributes(out_spec, *result.provenance);
        }
        std::vector<int> order;
        for (const std::string& name : result.kept_channels)
            order.push_back(buf->spec().channelindex(name));
        OIIO::ImageBuf kept = OIIO::ImageBufAlgo::channels(buf.value(), int(order.size()), order,
                                                           {}, result.kept_channels);
        if (kept.has_error() || kept.nchannels() != int(order.size()))
            return Status{ErrorCode::Internal, "cannot select channels: " + kept.geterror()};

        if (options.half) {
            std::vector<OIIO::TypeDesc> formats;
            for (int c = 0; c < out_spec.nchannels; ++c)
                formats.push_back(keeps_precision(out_spec.channel_name(c))
                                      ? out_spec.channelformat(c)
                                      : OIIO::TypeDesc(OIIO::TypeHalf));
            out_spec.channelformats = formats;
            if (std::all_of(formats.begin(), formats.end(),
                            [](OIIO::TypeDesc t) { return t == OIIO::TypeHalf; })) {
                out_spec.channelformats.clear();
                out_spec.format = OIIO::TypeHalf;
            }
        }
        if (!options.compression.empty())
            out_spec.attribute("compression", options.compression);
        result.compression = out_spec.get_string_attribute("compression");
        result.output_type = types_text(out_spec);

        // 6. Write a fresh temporary file, fsync, rename: in place is crash-safe.
        if (Status s = write_and_commit(temp, out, format::kOpenExrFormat, out_spec, kept); !s)
            return s;
        result.action = StripAction::Stripped;
        return result;
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, "out of memory"};
    } catch (const std::exception& e) {
        return Status{ErrorCode::Internal, e.what()};
    }
}

}  // namespace ck
