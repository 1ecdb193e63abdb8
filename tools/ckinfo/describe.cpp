// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "describe.h"

#include <ck/checkpoint_format.h>
#include <ck/heatmap.h>
#include <ck/inspect.h>
#include <ck/provenance.h>
#include <ck/tool/file_type.h>
#include <ck/tool/json.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace ck::ckinfo {

namespace {

using tool::ExitCode;
using tool::FileReport;
using tool::Json;

std::string fixed(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string number(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// "4 channels float" or "4 channels half/float".
std::string channel_summary(const ImageReport& r)
{
    std::string types;
    for (const ChannelInfo& c : r.channels)
        if (types.find(c.type) == std::string::npos)
            types += (types.empty() ? "" : "/") + c.type;
    return std::to_string(r.channels.size()) + " channel" + (r.channels.size() == 1 ? "" : "s") +
           " " + types;
}

double percent_done(const CheckpointHeader& h, const ImageReport& r)
{
    const double pixels = double(r.data_window.width) * double(r.data_window.height);
    const double wanted = pixels * double(h.target_samples);
    return wanted > 0 ? 100.0 * double(h.samples_done) / wanted : 0.0;
}

// The iinfo-style line.
std::string summary_line(const std::string& path, const ImageReport& r, bool header_only,
                         bool is_part)
{
    std::ostringstream s;
    s << path << ": " << r.data_window.width << "x" << r.data_window.height << ", "
      << image_kind_name(r.kind);
    const bool checkpoint = r.kind == ImageKind::Checkpoint || r.kind == ImageKind::AsFinal ||
                            r.kind == ImageKind::DeepCheckpoint;
    if (checkpoint && r.header) {
        const CheckpointHeader& h = *r.header;
        s << ", " << h.min_samples << "/" << h.target_samples << " samples ("
          << fixed(percent_done(h, r), 1) << "% done";
        // A bucket render finishes pixel by pixel: say how many (issue 11).
        if (h.mode == format::kModeBucket && r.weights)
            s << ", " << r.weights->pixels_at_target << " of " << r.weights->pixels
              << " pixels finished";
        s << ")";
    }
    if (r.checkpoint_elapsed)
        s << ", checkpointElapsed " << fixed(double(*r.checkpoint_elapsed), 1) << " s";
    if (!checkpoint) {
        if (r.kind == ImageKind::Final && !r.software.empty())
            s << " (" << r.software << ")";
        if (r.provenance)
            s << ", " << provenance_summary(*r.provenance);
        s << ", " << channel_summary(r);
        if (!r.compression.empty())
            s << ", " << r.compression;
    }
    if (r.deep && r.kind != ImageKind::DeepCheckpoint)
        s << ", deep";
    if (r.subimages > 1)
        s << ", " << r.subimages << " subimages";
    if (r.miplevels > 1)
        s << ", " << r.miplevels << " MIP levels";
    if (is_part)
        s << ", unfinished write (.part)";
    if (r.damaged())
        s << ", DAMAGED";
    else if (header_only)
        s << ", header only (pixels not read)";
    s << "\n";
    return s.str();
}

std::string window_text(const PixelRect& w)
{
    return std::to_string(w.width) + "x" + std::to_string(w.height) + " at (" +
           std::to_string(w.x) + ", " + std::to_string(w.y) + ")";
}

std::string verbose_block(const ImageReport& r, const tool::FileSniff& sniff, bool header_only)
{
    std::ostringstream s;
    const char* pad = "    ";
    s << pad << "format: " << tool::file_type_name(sniff.type) << ", " << (r.deep ? "deep " : "")
      << (r.tiled ? "tiled " + std::to_string(r.tile_width) + "x" + std::to_string(r.tile_height)
                  : std::string("scanline"))
      << ", " << (r.compression.empty() ? "unknown" : r.compression) << " compression, "
      << r.subimages << " subimage" << (r.subimages == 1 ? "" : "s") << ", " << r.file_size
      << " bytes\n";
    s << pad << "data window: " << window_text(r.data_window)
      << "; display window: " << window_text(r.display_window) << "\n";
    s << pad << "channels:";
    for (const ChannelInfo& c : r.channels)
        s << " " << c.name << " (" << c.type << ")";
    s << "\n";
    if (!r.software.empty())
        s << pad << "software: " << r.software << "\n";
    if (r.weights) {
        const WeightStats& w = *r.weights;
        s << pad << "samples per pixel (" << format::kWeightChannel << "): min " << number(w.min)
          << ", mean " << fixed(w.mean, 2) << ", max " << number(w.max);
        if (r.target_samples() > 0)
            s << "; " << fixed(100.0 * w.fraction_done, 1) << "% of pixels at the target "
              << r.target_samples() << " (" << w.pixels_at_target << " of " << w.pixels << ")";
        s << "\n";
    }
    s << pad << "pixels: "
      << (header_only        ? "not read (header only)"
          : r.damaged()      ? "damaged (see the errors)"
          : r.pixels_checked ? std::string("every chunk read") +
                                   (r.state_hash_checked ? "; ck:stateHash matches" : "")
                             : "not read")
      << "\n";
    for (const auto& [name, value] : r.checkpoint_attributes) {
        if (name == format::kKeyHistory)
            continue;  // shown below, one line per process
        s << pad << name << ": " << value << "\n";
    }
    if (r.provenance) {
        const FinalProvenance& p = *r.provenance;
        s << pad << "provenance: " << provenance_summary(p) << ", made by " << p.made_by
          << ", render " << p.render_id << " generation " << p.generation << ", frame " << p.frame
          << ", display " << (p.display_index + 1) << " of " << p.display_count << " ("
          << p.display_name << "), " << fixed(p.render_seconds, 1) << " s of rendering, "
          << p.renderer << "\n";
        s << pad << "scene fingerprint: " << p.fingerprint << "\n";
    }
    if (r.header) {
        const size_t n = r.history.size();
        s << pad << "resume history: " << n << " process" << (n == 1 ? "" : "es") << ", total "
          << fixed(r.header->total_elapsed, 1) << " s across resumes\n";
        for (size_t i = 0; i < n; ++i) {
            const ResumeRecord& h = r.history[i];
            s << pad << "  " << (i + 1) << ". host " << h.get("host") << ", " << h.get("threads")
              << " threads, samples " << h.get("samplesFrom") << " -> " << h.get("samplesTo")
              << ", " << h.get("elapsed") << " s, " << h.get("reason") << ", written "
              << h.get("written") << "\n";
        }
    }
    return s.str();
}

Json rect_json(const PixelRect& w)
{
    Json j;
    j["x"] = w.x;
    j["y"] = w.y;
    j["width"] = w.width;
    j["height"] = w.height;
    return j;
}

// The per-file object (docs/json.md, "ckinfo"); tools/common's file_json adds
// ok's neighbours: exit_code, seconds, errors, warnings, notes.
std::string json_report(const std::string& path, const ImageReport& r, const tool::FileSniff& sniff,
                        bool header_only)
{
    Json j;
    j["file"] = path;
    j["format"] = tool::file_type_name(sniff.type);
    j["ok"] = !r.damaged();
    j["kind"] = image_kind_id(r.kind);
    j["part_file"] = sniff.is_part;
    j["size_bytes"] = r.file_size;
    j["width"] = r.data_window.width;
    j["height"] = r.data_window.height;
    j["data_window"] = rect_json(r.data_window);
    j["display_window"] = rect_json(r.display_window);
    j["subimages"] = r.subimages;
    j["miplevels"] = r.miplevels;
    j["tiled"] = r.tiled;
    j["deep"] = r.deep;
    j["compression"] = r.compression;
    j["software"] = r.software;
    j["channels"] = Json::array();
    for (const ChannelInfo& c : r.channels)
        j["channels"].push_back(Json{{"name", c.name}, {"type", c.type}});
    j["checkpoint_elapsed_seconds"] =
        r.checkpoint_elapsed ? Json(double(*r.checkpoint_elapsed)) : Json(nullptr);
    const uint64_t pixels = uint64_t(r.data_window.width) * uint64_t(r.data_window.height);
    j["checkpoint"] = r.header ? tool::checkpoint_json(*r.header, pixels, &r.history) : Json(nullptr);
    j["provenance"] = r.provenance ? tool::provenance_json(*r.provenance) : Json(nullptr);
    j["weights"] = r.weights ? tool::weights_json(*r.weights) : Json(nullptr);
    j["header_only"] = header_only;
    j["pixels_checked"] = r.pixels_checked;
    j["state_hash_checked"] = r.state_hash_checked;
    return tool::json_text(j);
}

std::string error_json(const std::string& path, const tool::FileSniff& sniff)
{
    Json j;
    j["file"] = path;
    j["format"] = tool::file_type_name(sniff.type);
    j["ok"] = false;
    j["part_file"] = sniff.is_part;
    return tool::json_text(j);
}

}  // namespace

tool::FileReport describe_file(const std::string& path, const Options& options,
                               const std::string& heatmap_path)
{
    FileReport report;
    report.file = path;

    // What is it, by its magic bytes?
    const tool::FileSniff sniff = tool::sniff_file(path);
    if (!tool::is_image_type(sniff.type)) {
        const bool io = sniff.type == tool::FileType::Missing ||
                        sniff.type == tool::FileType::Unreadable ||
                        sniff.type == tool::FileType::Directory;
        const std::string why = tool::describe_non_image(sniff);
        report.fail(io ? ExitCode::IoError : ExitCode::CheckFailed, why);
        report.json = error_json(path, sniff);
        return report;
    }

    InspectOptions inspect;
    inspect.read_pixels = !options.header_only;
    inspect.max_memory_bytes = options.limits.max_memory_bytes;
    inspect.keep_weights = !heatmap_path.empty();
    auto result = inspect_image(path, inspect);
    if (!result) {
        std::string why = result.status().message();
        if (result.status().code() == ErrorCode::Corrupt)
            why = "damaged: " + why;
        if (sniff.is_part)
            why += " (a .part file is an unfinished write; the previous file is intact)";
        report.fail(tool::exit_code_for(result.status().code()), why);
        report.json = error_json(path, sniff);
        return report;
    }
    const ImageReport& r = result.value();

    report.text = summary_line(path, r, options.header_only, sniff.is_part);
    if (options.verbose > 0)
        report.text += verbose_block(r, sniff, options.header_only);
    report.json = json_report(path, r, sniff, options.header_only);
    for (const std::string& p : r.problems)
        report.fail(ExitCode::CheckFailed, "damaged: " + p);
    for (const std::string& n : r.notes)
        report.notes.push_back(n);
    if (sniff.is_part)
        report.notes.push_back(
            "a .part file is an unfinished write: the renderer died while "
            "writing it; the previous checkpoint is intact");

    if (!heatmap_path.empty()) {
        if (r.weights_plane.empty()) {
            report.warnings.push_back(std::string("no heatmap: no readable ") +
                                      format::kWeightChannel + " channel");
        } else if (Status s =
                       write_weight_heatmap(r.weights_plane, r.data_window.width,
                                            r.data_window.height, r.target_samples(), heatmap_path);
                   !s) {
            report.fail(ExitCode::IoError, s.message());
        } else {
            report.notes.push_back("wrote the ~w heatmap to " + heatmap_path);
        }
    }
    return report;
}

std::string heatmap_path_for(const std::string& heatmap, const std::string& input, size_t count)
{
    if (heatmap.empty() || count <= 1)
        return heatmap;
    const std::filesystem::path out(heatmap);
    const std::string name = std::filesystem::path(input).stem().string();
    std::filesystem::path made = out.parent_path() / (out.stem().string() + "." + name);
    made += out.extension();
    return made.string();
}

}  // namespace ck::ckinfo
