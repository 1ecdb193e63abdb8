// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "image_verify.h"

#include <ck/tool/file_type.h>
#include <ck/tool/json.h>
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

// The per-file object (docs/json.md, "ckverify"): the checkpoint and weights
// objects are ckinfo's.
std::string image_json(const std::string& path, const tool::FileSniff& sniff,
                       const ImageVerification& v)
{
    const ImageReport& r = v.report;
    tool::Json j;
    j["file"] = path;
    j["format"] = tool::file_type_name(sniff.type);
    j["ok"] = v.ok();
    j["kind"] = image_kind_id(r.kind);
    j["part_file"] = sniff.is_part;
    j["width"] = r.data_window.width;
    j["height"] = r.data_window.height;
    j["pixels_checked"] = r.pixels_checked;
    j["state_hash_checked"] = r.state_hash_checked;
    const uint64_t pixels = uint64_t(r.data_window.width) * uint64_t(r.data_window.height);
    j["checkpoint"] = r.header ? tool::checkpoint_json(*r.header, pixels) : tool::Json(nullptr);
    j["weights"] = r.weights ? tool::weights_json(*r.weights) : tool::Json(nullptr);
    return tool::json_text(j);
}

}  // namespace

tool::FileReport verify_image_file(const std::string& path, uint64_t max_memory_bytes, int verbose)
{
    tool::FileReport report;
    report.file = path;
    const tool::FileSniff sniff = tool::sniff_file(path);
    auto fail_json = [&](const std::string& why) {
        tool::Json j;
        j["file"] = path;
        j["format"] = tool::file_type_name(sniff.type);
        j["ok"] = false;
        j["part_file"] = sniff.is_part;
        report.json = tool::json_text(j);
        report.text = path + ": FAILED: " + why + "\n";
    };

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
    report.json = image_json(path, sniff, v);
    return report;
}

}  // namespace ck::verify
