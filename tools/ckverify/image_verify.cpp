// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "image_verify.h"

#include <ck/tool/file_type.h>
#include <ck/tool/json_writer.h>
#include <ck/verify.h>

#include <cstdio>

namespace ck::verify {

namespace {

std::string percent_text(double fraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100.0);
    return buf;
}

std::string seconds_text(double seconds)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    return buf;
}

// "checkpoint, 32x32, 3 of 40 samples per pixel (min), 7.5% of pixels done, ..."
std::string summary(const ImageReport& r)
{
    std::string text = std::string(image_kind_name(r.kind)) + ", " +
                       std::to_string(r.data_window.width) + "x" +
                       std::to_string(r.data_window.height);
    if (r.deep)
        text += ", deep";
    if (r.header) {
        const CheckpointHeader& h = *r.header;
        text += ", " + std::to_string(h.min_samples) + " of " + std::to_string(h.target_samples) +
                " samples per pixel";
        if (r.weights)
            text += " (" + percent_text(r.weights->fraction_done) + " of pixels done)";
        text += ", render " + h.render_id.substr(0, 8) + " generation " +
                std::to_string(h.generation) + ", frame " + std::to_string(h.frame) + ", display " +
                std::to_string(h.display_index + 1) + " of " + std::to_string(h.display_count) +
                ", checkpointElapsed " + seconds_text(h.checkpoint_elapsed) + ", total " +
                seconds_text(h.total_elapsed);
    }
    return text;
}

void write_json(tool::JsonWriter& j, const std::string& path, const ImageVerification& v)
{
    const ImageReport& r = v.report;
    j.begin_object().field("file", path).field("type", "image");
    j.field("ok", v.ok()).field("kind", image_kind_id(r.kind));
    j.field("format", r.format == ImageFormat::Tiff ? "tiff" : "openexr");
    j.field("width", r.data_window.width).field("height", r.data_window.height);
    j.field("pixels_checked", r.pixels_checked).field("state_hash_checked", r.state_hash_checked);
    if (r.header) {
        const CheckpointHeader& h = *r.header;
        j.key("checkpoint").begin_object();
        j.field("state", h.state).field("render_id", h.render_id);
        j.field("generation", h.generation).field("frame", h.frame);
        j.field("display_index", h.display_index).field("display_count", h.display_count);
        j.field("display_name", h.display_name).field("min_samples", h.min_samples);
        j.field("target_samples", h.target_samples).field("samples_done", h.samples_done);
        j.field("checkpoint_elapsed", double(h.checkpoint_elapsed));
        j.field("total_elapsed", h.total_elapsed).field("reason", h.reason);
        j.end_object();
    }
    if (r.weights)
        j.key("weights")
            .begin_object()
            .field("min", r.weights->min)
            .field("mean", r.weights->mean)
            .field("max", r.weights->max)
            .field("fraction_done", r.weights->fraction_done)
            .end_object();
    j.key("problems").begin_array();
    for (const std::string& p : v.problems)
        j.value(p);
    j.end_array().end_object();
}

}  // namespace

tool::FileReport verify_image_file(const std::string& path, uint64_t max_memory_bytes, int verbose)
{
    tool::FileReport report;
    report.file = path;
    auto fail_json = [&](const std::string& why) {
        tool::JsonWriter j;
        j.begin_object().field("file", path).field("type", "image").field("ok", false);
        j.field("error", why).end_object();
        report.json = j.str();
        report.text = path + ": FAILED: " + why + "\n";
    };

    const tool::FileSniff sniff = tool::sniff_file(path);
    if (sniff.is_part)
        report.notes.push_back("a .part file: a checkpoint write that was never committed");

    auto verified = verify_image(path, max_memory_bytes);
    if (!verified) {
        const Status& s = verified.status();
        report.fail(tool::exit_code_for(s.code()), s.message());
        fail_json(s.message());
        return report;
    }
    const ImageVerification& v = verified.value();
    for (const std::string& p : v.problems)
        report.fail(tool::ExitCode::CheckFailed, p);
    if (!v.report.pixels_checked && v.problems.empty())
        report.fail(tool::ExitCode::CheckFailed, "the pixels could not be read in full");
    if (verbose > 0)
        for (const std::string& n : v.report.notes)
            report.notes.push_back(n);

    report.text = path + ": " + (report.code == tool::ExitCode::Ok ? "OK" : "FAILED") + ": " +
                  summary(v.report) + "\n";
    tool::JsonWriter j;
    write_json(j, path, v);
    report.json = j.str();
    return report;
}

}  // namespace ck::verify
