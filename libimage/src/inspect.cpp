// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/inspect.h>

#include <ck/checkpoint_format.h>
#include <ck/tiff_checkpoint.h>

#include "attributes.h"

#include <OpenImageIO/imagebufalgo.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <exception>
#include <new>
#include <string_view>

namespace ck {

namespace {

// A count as it is: an integer prints as one (107990), anything else with
// every digit a double has (107990.5, -1e+30), so two numbers that differ
// never print the same (issue 10, item 9).
using detail::is_checkpoint_key;

std::string type_name(OIIO::TypeDesc t)
{
    return t.c_str();
}

// Fills the layout fields from subimage 0's spec.
void describe_layout(const OIIO::ImageSpec& spec, ImageReport& report)
{
    report.deep = spec.deep;
    report.tiled = spec.tile_width > 0;
    report.tile_width = spec.tile_width;
    report.tile_height = spec.tile_height;
    report.data_window = {spec.x, spec.y, spec.width, spec.height};
    report.display_window = {spec.full_x, spec.full_y, spec.full_width, spec.full_height};
    report.channels.clear();
    for (int c = 0; c < spec.nchannels; ++c)
        report.channels.push_back({spec.channel_name(c), type_name(spec.channelformat(c))});
    report.compression = spec.get_string_attribute("compression");
    report.software = spec.get_string_attribute(format::kSoftwareAttr);
}

// Reads the ck: metadata and decides the kind.
void describe_checkpoint(const OIIO::ImageSpec& spec, ImageReport& report)
{
    for (const OIIO::ParamValue& p : spec.extra_attribs) {
        const std::string name = p.name().string();
        if (is_checkpoint_key(name))
            report.checkpoint_attributes.emplace_back(name, p.get_string(1 << 20));
    }
    std::sort(report.checkpoint_attributes.begin(), report.checkpoint_attributes.end());
    if (const OIIO::ParamValue* p =
            spec.find_attribute(format::kCheckpointElapsed, OIIO::TypeFloat))
        report.checkpoint_elapsed = p->get_float();

    const bool has_weights = spec.channelindex(format::kWeightChannel) >= 0;
    if (!has_checkpoint_state(spec)) {
        const std::string_view ours = "ckrender";
        report.kind = report.software.compare(0, ours.size(), ours) == 0 ? ImageKind::Final
                                                                         : ImageKind::NotOurs;
        if (has_weights)
            report.notes.push_back(
                "has a ~w channel but no checkpoint metadata (ck:state): "
                "it cannot be resumed");
        auto provenance = get_provenance_attributes(spec);
        if (provenance)
            report.provenance = provenance.value();
        else if (provenance.status().code() != ErrorCode::NotFound)
            report.notes.push_back("provenance record: " + provenance.status().message());
        return;
    }
    if (!spec.deep && !has_weights) {
        // Another tool kept the keys but dropped ~w (oiiotool --ch R,G,B,A):
        // the metadata describes a state that is gone. Not damage; not resumable.
        report.kind = ImageKind::OrphanedMetadata;
        report.notes.push_back(std::string("checkpoint metadata without its state: the ck: keys "
                                           "are there but the ") +
                               format::kWeightChannel +
                               " channel is not (another tool dropped it), so it cannot be "
                               "resumed; ckstrip removes the leftover keys");
        return;
    }

    const std::string state = spec.get_string_attribute(format::kKeyState);
    report.kind = spec.deep                        ? ImageKind::DeepCheckpoint
                  : state == format::kStateAsFinal ? ImageKind::AsFinal
                                                   : ImageKind::Checkpoint;
    auto header = get_checkpoint_attributes(spec);
    if (!header) {
        report.problems.push_back("checkpoint metadata: " + header.status().message());
    } else {
        report.header = header.value();
        auto history = parse_resume_history(header->history);
        if (history)
            report.history = history.value();
        else
            report.problems.push_back(std::string("checkpoint metadata: ") + format::kKeyHistory +
                                      " is not a valid resume history");
    }
    if (!report.checkpoint_elapsed)
        report.problems.push_back(std::string("checkpoint metadata: attribute \"") +
                                  format::kCheckpointElapsed + "\" missing");
    if (!spec.deep) {
        const int w = spec.channelindex(format::kWeightChannel);
        if (w < 0)
            report.problems.push_back(std::string("checkpoint without its ") +
                                      format::kWeightChannel + " channel");
        else if (spec.channelformat(w) != OIIO::TypeFloat)
            report.problems.push_back(std::string(format::kWeightChannel) + " is stored as " +
                                      type_name(spec.channelformat(w)) +
                                      ", not float (sample counts may be rounded)");
    }
}

// ~w statistics and the consistency of the pixel state with the metadata.
void check_weights(const OIIO::ImageBuf& buf, bool keep_plane, ImageReport& report)
{
    const OIIO::ImageSpec& spec = buf.spec();
    const int w = spec.channelindex(format::kWeightChannel);
    if (w < 0)
        return;

    // The ~w plane on its own, looked up by name (OIIO reorders channels on read).
    OIIO::ImageBuf plane = OIIO::ImageBufAlgo::channels(buf, 1, {w});
    OIIO::ImageBufAlgo::PixelStats stats = OIIO::ImageBufAlgo::computePixelStats(plane);
    if (plane.has_error() || stats.min.empty()) {
        report.problems.push_back("cannot compute ~w statistics: " + plane.geterror());
        return;
    }
    WeightStats ws;
    ws.min = stats.min[0];
    ws.max = stats.max[0];
    ws.mean = stats.avg[0];
    ws.pixels = uint64_t(spec.image_pixels());
    const float* values = static_cast<const float*>(plane.localpixels());
    const int target = report.target_samples();
    double sum = 0;
    for (uint64_t i = 0; i < ws.pixels; ++i) {
        sum += double(values[i]);
        if (target > 0 && values[i] >= float(target))
            ++ws.pixels_at_target;
    }
    ws.sum = sum;
    ws.fraction_done = ws.pixels ? double(ws.pixels_at_target) / double(ws.pixels) : 0.0;
    if (keep_plane)
        report.weights_plane.assign(values, values + ws.pixels);
    report.weights = ws;

    if (!report.header) {
        if (stats.nancount[0] > 0 || stats.infcount[0] > 0)
            report.problems.push_back("~w holds NaN or infinite values");
        if (ws.min < 0)
            report.problems.push_back("~w holds negative sample counts");
        return;
    }
    // The same rule read_checkpoint() applies before a resume (one verdict).
    for (std::string& problem : weight_problems(values, ws.pixels, 1, *report.header, spec.width,
                                                spec.x, spec.y))
        report.problems.push_back(std::move(problem));
}

// A bucket render's TIFF checkpoint (tiff_checkpoint.h): the state and the
// ck: keys are in the second page and the description, and reading them runs
// every check a resume runs.
void inspect_tiff_checkpoint(const std::string& path, const InspectOptions& options,
                             ImageReport& report)
{
    report.kind = ImageKind::Checkpoint;
    auto image = read_tiff_checkpoint(path, {});
    if (!image) {
        std::string why = image.status().message();
        if (why.compare(0, path.size() + 2, path + ": ") == 0)
            why.erase(0, path.size() + 2);
        report.problems.push_back(why);
        return;
    }
    describe_checkpoint(image->spec, report);
    std::string channels;
    for (const std::string& c : image->channel_names)
        channels += (channels.empty() ? "" : ",") + c;
    report.notes.push_back("TIFF checkpoint: the first page is the picture, the second the "
                           "exact state (" + channels + ", float)");
    OIIO::ImageBuf buf(image->spec, image->pixels.data());
    check_weights(buf, options.keep_weights, report);
    report.state_hash_checked = true;  // read_tiff_checkpoint() verified it
    report.pixels_checked = report.problems.empty();
}

void read_all_pixels(OIIO::ImageInput& in, const InspectOptions& options, ImageReport& report)
{
    for (int s = 0; s < report.subimages; ++s) {
        const OIIO::ImageSpec spec0 = in.spec(s, 0);
        if (spec0.deep) {
            if (Status st = read_deep_subimage(in, s); !st) {
                report.problems.push_back(st.message());
                return;
            }
            continue;
        }
        for (int m = 0;; ++m) {
            // The seek says whether the level exists (see the MIP count above).
            if (!in.seek_subimage(s, m))
                break;
            const OIIO::ImageSpec level = in.spec(s, m);
            if (level.undefined() || (m > 0 && level.width == 0))
                break;
            auto buf = read_subimage(in, s, m);
            if (!buf) {
                report.problems.push_back(buf.status().message());
                return;
            }
            if (s == 0 && m == 0) {
                check_weights(buf.value(), options.keep_weights, report);
                if (report.header && report.kind != ImageKind::DeepCheckpoint) {
                    // The state hash covers every channel as float32 (checkpoint.h).
                    const float* px = static_cast<const float*>(buf->localpixels());
                    report.state_hash_checked = true;
                    if (state_hash(buf->spec(), px) != report.header->state_hash)
                        report.problems.push_back(
                            "pixel state does not match ck:stateHash "
                            "(damaged or altered)");
                }
            }
            if (m > 10000)
                break;
        }
    }
    report.pixels_checked = report.problems.empty();
}

}  // namespace

const char* image_kind_name(ImageKind kind)
{
    switch (kind) {
        case ImageKind::Checkpoint:
            return "checkpoint";
        case ImageKind::AsFinal:
            return "asfinal checkpoint";
        case ImageKind::DeepCheckpoint:
            return "deep-data checkpoint";
        case ImageKind::Final:
            return "final";
        case ImageKind::NotOurs:
            return "not a ckrender image";
        case ImageKind::OrphanedMetadata:
            return "checkpoint metadata without its state";
    }
    return "not a ckrender image";
}

const char* image_kind_id(ImageKind kind)
{
    switch (kind) {
        case ImageKind::Checkpoint:
            return "checkpoint";
        case ImageKind::AsFinal:
            return "asfinal";
        case ImageKind::DeepCheckpoint:
            return "deep-checkpoint";
        case ImageKind::Final:
            return "final";
        case ImageKind::NotOurs:
            return "not-ours";
        case ImageKind::OrphanedMetadata:
            return "orphaned-metadata";
    }
    return "not-ours";
}

std::string ResumeRecord::get(const std::string& key) const
{
    for (const auto& [k, v] : fields)
        if (k == key)
            return v;
    return {};
}

Result<std::vector<ResumeRecord>> parse_resume_history(const std::string& json)
{
    // The non-throwing parse: a hostile file's history is an error, never an
    // exception (nlohmann's parser keeps its own stack, so deep nesting cannot
    // overflow ours).
    const nlohmann::ordered_json parsed =
        nlohmann::ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded())
        return Status{ErrorCode::Corrupt, "not JSON"};
    if (!parsed.is_array())
        return Status{ErrorCode::Corrupt, "not a JSON array of flat objects"};
    std::vector<ResumeRecord> records;
    records.reserve(parsed.size());
    for (const auto& object : parsed) {
        if (!object.is_object())
            return Status{ErrorCode::Corrupt, "not a JSON array of flat objects"};
        ResumeRecord record;
        for (const auto& [key, value] : object.items()) {
            if (value.is_structured())
                return Status{ErrorCode::Corrupt,
                              "not a JSON array of flat objects (\"" + key + "\" is nested)"};
            // Strings as they are; numbers, true, false and null as their JSON text.
            record.fields.emplace_back(
                key, value.is_string()
                         ? value.get<std::string>()
                         : value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        }
        records.push_back(std::move(record));
    }
    return records;
}

Result<ImageReport> inspect_image(const std::string& path, const InspectOptions& options)
{
    try {
        // 1. Structure against size, before any decoder allocates.
        auto structure = check_image_structure(path, options.max_memory_bytes);
        if (!structure)
            return structure.status();

        ImageReport report;
        report.format = structure->format;
        report.file_size = structure->file_size;

        // 2. OpenEXR's own validator reads every chunk through its C++ paths.
        if (report.format == ImageFormat::OpenExr && options.read_pixels) {
            if (Status s = check_openexr_file(path); !s)
                report.problems.push_back(s.message());
        }

        // 3. The header, with the reader forced by the magic bytes.
        auto in = open_image(path, report.format);
        if (!in) {
            if (!report.problems.empty())
                return Status{ErrorCode::Corrupt,
                              report.problems.front() + "; " + in.status().message()};
            return in.status();
        }
        OIIO::ImageInput& input = *in.value();
        const OIIO::ImageSpec spec = input.spec(0, 0);
        int subimages = 0;
        while (subimages < 10000 && !input.spec(subimages, 0).undefined())
            ++subimages;
        report.subimages = std::max(1, subimages);
        // seek_subimage, not spec(): OIIO 2.4's TIFF reader answers spec(0, m)
        // with subimage 0's spec for any MIP level m, so only the seek can tell.
        int levels = 0;
        while (levels < 64 && input.seek_subimage(0, levels))
            ++levels;
        report.miplevels = std::max(1, levels);
        describe_layout(spec, report);
        if (report.format == ImageFormat::Tiff && is_tiff_checkpoint_spec(spec)) {
            input.close();
            inspect_tiff_checkpoint(path, options, report);
            return report;
        }
        describe_checkpoint(spec, report);

        // 4. Every pixel, unless damage is already known (no need to feed a
        //    damaged file to the decoder).
        if (options.read_pixels && report.problems.empty())
            read_all_pixels(input, options, report);
        input.close();
        return report;
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, "out of memory"};
    } catch (const std::exception& e) {
        return Status{ErrorCode::Corrupt, e.what()};
    }
}

}  // namespace ck
