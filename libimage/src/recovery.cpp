// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/recovery.h>
#include <ck/tiff_checkpoint.h>

#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/safe_read.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace ck {

namespace {

namespace fs = std::filesystem;

struct DisplayFiles {
    std::optional<CheckpointImage> committed;
    std::optional<CheckpointImage> part;
    bool exists = false;
    std::string error;  ///< Why the committed file cannot be used.
    RecoveryVerdict error_verdict = RecoveryVerdict::Damaged;
    /// A complete final image (no checkpoint state), its spec, and its
    /// provenance record when it has a valid one.
    bool is_final = false;
    OIIO::ImageSpec final_spec;
    std::optional<FinalProvenance> provenance;
    std::string provenance_error;  ///< Why a record that is there cannot be used.
};

std::string spp_text(int n)
{
    return std::to_string(n) + (n == 1 ? " sample per pixel" : " samples per pixel");
}

std::string seconds_text(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, s < 10 ? "%.1f s" : "%.0f s", s);
    return buf;
}

std::string changed_text(const std::string& stored, const std::string& current)
{
    std::string what;
    for (const std::string& part : changed_fingerprint_parts(stored, current))
        what += (what.empty() ? "" : ", ") + part;
    return what.empty() ? "unknown" : what;
}

// Which display rule a file breaks: the same displays in another order (two
// display lines swapped) or another set of displays.
std::string display_change_text(const std::string& name, size_t index, size_t count,
                                int was_index, int was_count, const std::string& was_name)
{
    if (was_count == int(count) && was_name == name && was_index != int(index))
        return "display order changed: " + name + " was display " + std::to_string(was_index) +
               " of " + std::to_string(was_count) + ", the scene now makes it display " +
               std::to_string(index);
    return "display set changed: " + name + " was display " + std::to_string(was_index) +
           " of " + std::to_string(was_count) + " (\"" + was_name + "\"), the scene now has " +
           std::to_string(count) + (count == 1 ? " display" : " displays");
}

// Every display is a final: Finished when each one's provenance says it was
// rendered, complete, from this scene, as this display set, with at least the
// target samples; FinalOutdated with the first reason otherwise.
RecoveryCheck judge_finals(const ExpectedFrame& e, const std::vector<DisplayFiles>& files)
{
    RecoveryCheck check;
    auto outdated = [&](const std::string& why) {
        check.verdict = RecoveryVerdict::FinalOutdated;
        check.message = why;
        return check;
    };
    for (size_t i = 0; i < files.size(); ++i)
        if (!files[i].provenance)
            return outdated(e.displays[i].path + " is a final image without a provenance record" +
                            (files[i].provenance_error.empty()
                                 ? std::string(" (written by another tool or an older ckrender)")
                                 : " (" + files[i].provenance_error + ")") +
                            ", so it cannot be matched to the scene");
    const FinalProvenance& p0 = *files[0].provenance;
    check.provenance = p0;
    check.has_provenance = true;
    for (size_t i = 0; i < files.size(); ++i) {
        const FinalProvenance& p = *files[i].provenance;
        const OIIO::ImageSpec& spec = files[i].final_spec;
        const std::string& name = e.displays[i].path;
        if (p.render_id != p0.render_id)
            return outdated(name + " and " + e.displays[0].path +
                            " are finals of different renders (" + p.render_id.substr(0, 8) +
                            " and " + p0.render_id.substr(0, 8) + ")");
        if (p.frame != e.frame)
            return outdated(name + " is a final of frame " + std::to_string(p.frame));
        if (p.display_count != int(e.displays.size()) || p.display_index != int(i) ||
            p.display_name != name)
            return outdated(display_change_text(name, i, e.displays.size(), p.display_index,
                                                p.display_count, p.display_name));
        if (spec.x != e.x || spec.y != e.y || spec.width != e.width ||
            spec.height != e.height || spec.full_width != e.full_width ||
            spec.full_height != e.full_height)
            return outdated(name + " has another resolution or crop window");
        if (p.fingerprint != e.fingerprint)
            return outdated(name + " was rendered from another scene: changed: " +
                            changed_text(p.fingerprint_parts, e.fingerprint_parts));
        if (p.is_draft())
            return outdated(name + " is a draft (" + std::to_string(p.samples) + " of " +
                            spp_text(p.target_samples) + ", made by " + p.made_by +
                            (p.made_by == format::kMadeByStrip
                                 ? std::string(" from an unfinished checkpoint")
                                 : std::string()) +
                            "): it keeps no state to continue from");
        if (p.samples < e.target_samples)
            return outdated(name + " has " + spp_text(p.samples) + " and the scene now asks for " +
                            std::to_string(e.target_samples) +
                            "; a final keeps no state to continue from (asfinal keeps "
                            "finished images resumable)");
    }
    check.verdict = RecoveryVerdict::Finished;
    const size_t more = files.size() - 1;
    check.message = "finished: render " + p0.render_id.substr(0, 8) + " wrote " +
                    e.displays[0].path +
                    (more ? " and " + std::to_string(more) + " more display(s)" : std::string()) +
                    " with " + spp_text(p0.samples) + " (target " +
                    std::to_string(e.target_samples) + ") in " + seconds_text(p0.render_seconds) +
                    " from this scene; nothing to render";
    return check;
}

std::map<std::string, std::string> split_parts(const std::string& text)
{
    std::map<std::string, std::string> parts;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ';')) {
        size_t eq = item.find('=');
        if (eq != std::string::npos)
            parts[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return parts;
}

// The weight channel is always the last of ExpectedDisplay::channels.
float weight_at(const CheckpointImage& image, size_t pixel)
{
    const size_t nch = image.channel_names.size();
    return image.pixels[pixel * nch + nch - 1];
}

// A display's checkpoint with the channels the scene asks for; a version 1
// or 2 file, which holds R, G, B[, A] and ~w only, with those.
Result<CheckpointImage> read_display_checkpoint(const std::string& path, const ExpectedDisplay& d)
{
    auto image = read_checkpoint(path, d.channels);
    if (image || image.status().code() != ErrorCode::Unsupported || d.legacy_channels.empty())
        return image;
    auto legacy = read_checkpoint(path, d.legacy_channels);
    if (legacy && legacy->header.format_version < format::kFirstVersionWithSums)
        return legacy;
    return image;
}

// True when `part` is a complete final image of the expected window with
// `colour_channels` channels.
bool is_complete_final(const std::string& part, const ExpectedFrame& e, size_t colour_channels)
{
    auto spec = read_complete_final(part);
    return spec && spec->nchannels == int(colour_channels) && spec->x == e.x && spec->y == e.y &&
           spec->width == e.width && spec->height == e.height &&
           spec->full_width == e.full_width && spec->full_height == e.full_height;
}

}  // namespace

const char* verdict_name(RecoveryVerdict verdict)
{
    switch (verdict) {
    case RecoveryVerdict::Resumable: return "resumable";
    case RecoveryVerdict::Finished: return "finished";
    case RecoveryVerdict::FinalOutdated: return "final-outdated";
    case RecoveryVerdict::Unreadable: return "unreadable";
    case RecoveryVerdict::Missing: return "missing";
    case RecoveryVerdict::Damaged: return "damaged";
    case RecoveryVerdict::Mixed: return "mixed";
    case RecoveryVerdict::FingerprintMismatch: return "fingerprint-mismatch";
    case RecoveryVerdict::DisplaySetChanged: return "display-set-changed";
    }
    return "unknown";
}

std::vector<std::string> changed_fingerprint_parts(const std::string& stored,
                                                   const std::string& current)
{
    const auto then = split_parts(stored);
    std::vector<std::string> changed;
    std::stringstream ss(current);
    std::string item;
    while (std::getline(ss, item, ';')) {
        size_t eq = item.find('=');
        if (eq == std::string::npos)
            continue;
        const std::string name = item.substr(0, eq);
        auto it = then.find(name);
        if (it == then.end())
            changed.push_back(name + " (not recorded)");
        else if (it->second != item.substr(eq + 1))
            changed.push_back(name);
    }
    return changed;
}

RecoveryCheck check_recovery(const ExpectedFrame& expected)
{
    RecoveryCheck check;
    auto fail = [&](RecoveryVerdict verdict, const std::string& why) {
        check.verdict = verdict;
        check.message = why;
        check.images.clear();
        check.roll_forward.clear();
        return check;
    };
    if (expected.displays.empty())
        return fail(RecoveryVerdict::Missing, "the frame has no displays");

    // 1. Read what is there: each display's file and any .part beside it.
    std::vector<DisplayFiles> files(expected.displays.size());
    for (size_t i = 0; i < expected.displays.size(); ++i) {
        const ExpectedDisplay& d = expected.displays[i];
        const std::string part = part_path(d.path);
        std::error_code ec;
        files[i].exists = fs::exists(d.path, ec);
        if (files[i].exists) {
            auto image = read_display_checkpoint(d.path, d);
            if (image) {
                files[i].committed = std::move(image.value());
            } else if (image.status().code() == ErrorCode::NotFound) {
                // No checkpoint state: a final, whose every pixel must read
                // (a final that cannot be read is damage, not "finished").
                if (auto spec = read_complete_final(d.path)) {
                    files[i].is_final = true;
                    files[i].final_spec = spec.value();
                    files[i].error = d.path + " is a finished image (no checkpoint state)";
                    files[i].error_verdict = RecoveryVerdict::Finished;
                    if (auto p = get_provenance_attributes(spec.value()))
                        files[i].provenance = p.value();
                    else if (p.status().code() != ErrorCode::NotFound)
                        files[i].provenance_error = p.status().message();
                } else {
                    files[i].error = "unreadable final image: " + spec.status().message();
                }
            } else if (image.status().code() == ErrorCode::Io) {
                files[i].error = "cannot read " + image.status().message();
                files[i].error_verdict = RecoveryVerdict::Unreadable;
            } else if (image.status().code() == ErrorCode::Unsupported) {
                // Sound, but not this display's checkpoint (other channels).
                files[i].error = image.status().message();
                files[i].error_verdict = RecoveryVerdict::DisplaySetChanged;
            } else {
                files[i].error = "unreadable checkpoint: " + image.status().message();
            }
        }
        if (fs::exists(part, ec)) {
            check.part_files.push_back(part);
            if (auto image = read_display_checkpoint(part, d))
                files[i].part = std::move(image.value());
        }
    }
    for (size_t i = 0; i < files.size(); ++i)
        if (!files[i].exists && !files[i].part) {
            // A display added to the scene: its file is missing because the
            // set it belongs to had fewer displays. Name that rule.
            for (const DisplayFiles& f : files)
                if (f.committed && f.committed->header.display_count != int(files.size()))
                    return fail(RecoveryVerdict::DisplaySetChanged,
                                "display set changed: the checkpoint set has " +
                                    std::to_string(f.committed->header.display_count) +
                                    " display(s), the scene now has " +
                                    std::to_string(files.size()) + " (" +
                                    expected.displays[i].path + " has no checkpoint)");
            return fail(RecoveryVerdict::Missing, expected.displays[i].path + " is missing");
        }
    // A file that is there but cannot be read is never "finished" nor a reason
    // to start over: the caller stops and touches nothing.
    for (const DisplayFiles& f : files)
        if (f.error_verdict == RecoveryVerdict::Unreadable)
            return fail(RecoveryVerdict::Unreadable, f.error);

    // 1b. Every display a final: does its provenance match the scene now?
    if (std::all_of(files.begin(), files.end(), [](const DisplayFiles& f) { return f.is_final; })) {
        RecoveryCheck finals = judge_finals(expected, files);
        finals.part_files = check.part_files;
        return finals;
    }

    // 2. The newest generation that a committed file shows.
    const CheckpointHeader* newest = nullptr;
    for (const DisplayFiles& f : files)
        if (f.committed && (!newest || f.committed->header.generation > newest->generation))
            newest = &f.committed->header;
    if (!newest) {
        for (const DisplayFiles& f : files)
            if (!f.error.empty())
                return fail(f.error_verdict, f.error);
        return fail(RecoveryVerdict::Missing, "no committed checkpoint, only .part files");
    }
    const std::string render_id = newest->render_id;
    const uint64_t generation = newest->generation;

    // 2b. A crash between the renames of the final write (B2, found by the
    //     fault sweep): some displays are finals already, the others are still
    //     the newest checkpoint with their complete final in the `.part`.
    //     Renaming those finishes the frame; nothing needs rendering again.
    {
        std::vector<size_t> done, pending;
        for (size_t i = 0; i < files.size(); ++i) {
            const DisplayFiles& f = files[i];
            if (!f.committed && f.exists && f.error_verdict == RecoveryVerdict::Finished)
                done.push_back(i);
            else if (f.committed && f.committed->header.render_id == render_id &&
                     f.committed->header.generation == generation &&
                     is_complete_final(part_path(expected.displays[i].path), expected,
                                       expected.displays[i].final_channels))
                pending.push_back(i);
        }
        if (!done.empty() && !pending.empty() && done.size() + pending.size() == files.size()) {
            if (newest->fingerprint != expected.fingerprint)
                return fail(RecoveryVerdict::FingerprintMismatch,
                            "scene fingerprint mismatch (a final write was interrupted)");
            // The samples the interrupted final write was made with (its
            // finals' provenance); the checkpoint may be older than that.
            int final_samples = std::numeric_limits<int>::max();
            for (size_t i : done)
                if (files[i].provenance)
                    final_samples = std::min(final_samples, files[i].provenance->samples);
            if (final_samples < expected.target_samples) {
                // maxsamples was raised since: the displays still at their
                // checkpoint hold the whole state (every file of a generation
                // does), so the frame continues from them like any checkpoint;
                // the samples the finals had beyond it are rendered again (a
                // final keeps no state). Their .part finals are left to the
                // next commit, which replaces them (issue 10, item 8).
                // Every film channel must be held by some display still at
                // its checkpoint.
                std::set<int> held, needed;
                for (size_t i : pending)
                    held.insert(expected.displays[i].film_channels.begin(),
                                expected.displays[i].film_channels.end());
                for (const ExpectedDisplay& d : expected.displays)
                    needed.insert(d.film_channels.begin(), d.film_channels.end());
                if (!std::includes(held.begin(), held.end(), needed.begin(), needed.end()))
                    return fail(RecoveryVerdict::FinalOutdated,
                                "the final write at " + spp_text(final_samples) +
                                    " was interrupted and the scene now asks for " +
                                    std::to_string(expected.target_samples) +
                                    "; the displays still at their checkpoint do not hold "
                                    "every channel to continue from");
                for (size_t i : pending)
                    check.images.push_back(*files[i].committed);
                check.header = *newest;
                check.has_header = true;
                check.verdict = RecoveryVerdict::Resumable;
                check.after_interrupted_final = true;
                check.message = "resumable: render " + newest->render_id.substr(0, 8) +
                                " generation " + std::to_string(generation) + " at " +
                                spp_text(newest->min_samples) + " (its final write at " +
                                spp_text(final_samples) +
                                " was interrupted; the scene now asks for " +
                                std::to_string(expected.target_samples) + ")";
                return check;
            }
            check.header = *newest;
            check.has_header = true;
            check.verdict = RecoveryVerdict::Finished;
            check.roll_forward = pending;
            std::string names;
            for (size_t i : pending)
                names += (names.empty() ? "" : ", ") + expected.displays[i].path;
            check.message = "finished, but killed between the renames of its final write: "
                            "-recover 1 renames the final of " + names + " into place";
            return check;
        }
    }

    // 3. Every display at that render id and generation: committed, or as a
    //    verified .part left by a crash between renames (roll forward).
    std::vector<CheckpointImage*> chosen(files.size(), nullptr);
    for (size_t i = 0; i < files.size(); ++i) {
        DisplayFiles& f = files[i];
        auto matches = [&](const std::optional<CheckpointImage>& image) {
            return image && image->header.render_id == render_id &&
                   image->header.generation == generation;
        };
        if (matches(f.committed)) {
            chosen[i] = &*f.committed;
        } else if (matches(f.part)) {
            chosen[i] = &*f.part;
            check.roll_forward.push_back(i);
        } else if (f.is_final) {
            // A final beside checkpoints (ckstrip --in-place on one display):
            // the set cannot resume; say whose work a new render discards.
            const std::string what =
                f.provenance ? provenance_summary(*f.provenance) +
                                   (f.provenance->made_by == format::kMadeByStrip
                                        ? std::string(", stripped by ckstrip")
                                        : std::string())
                             : std::string("no provenance record");
            return fail(RecoveryVerdict::Mixed,
                        "mixed set: " + expected.displays[i].path + " is a final (" + what +
                            ") while " + newest->display_name + " is still a checkpoint at " +
                            spp_text(newest->min_samples) + " of " +
                            std::to_string(newest->target_samples) +
                            ": the set cannot resume, and rendering the frame again discards "
                            "that checkpoint (" + seconds_text(newest->total_elapsed) +
                            " of rendering)");
        } else if (f.committed) {
            return fail(RecoveryVerdict::Mixed,
                        "files from different checkpoints: " + expected.displays[i].path +
                            " is render " + f.committed->header.render_id.substr(0, 8) +
                            " generation " + std::to_string(f.committed->header.generation) +
                            ", expected render " + render_id.substr(0, 8) + " generation " +
                            std::to_string(generation));
        } else {
            return fail(f.error.empty() ? RecoveryVerdict::Missing : f.error_verdict,
                        f.error.empty() ? expected.displays[i].path + " is missing" : f.error);
        }
    }
    check.header = chosen[0]->header;
    check.has_header = true;
    const CheckpointHeader& h = check.header;

    // 4. Consistent with the scene and with the display set.
    if (h.fingerprint != expected.fingerprint) {
        return fail(RecoveryVerdict::FingerprintMismatch,
                    "scene fingerprint mismatch: changed: " +
                        changed_text(h.fingerprint_parts, expected.fingerprint_parts));
    }
    const size_t npixels = size_t(expected.width) * size_t(expected.height);
    for (size_t i = 0; i < chosen.size(); ++i) {
        const CheckpointHeader& hi = chosen[i]->header;
        const OIIO::ImageSpec& spec = chosen[i]->spec;
        const std::string& name = expected.displays[i].path;
        if (hi.frame != expected.frame)
            return fail(RecoveryVerdict::DisplaySetChanged,
                        name + " belongs to frame " + std::to_string(hi.frame));
        if (hi.display_count != int(expected.displays.size()) || hi.display_index != int(i) ||
            hi.display_name != name)
            return fail(RecoveryVerdict::DisplaySetChanged,
                        display_change_text(name, i, expected.displays.size(), hi.display_index,
                                            hi.display_count, hi.display_name));
        if (spec.x != expected.x || spec.y != expected.y || spec.width != expected.width ||
            spec.height != expected.height || spec.full_width != expected.full_width ||
            spec.full_height != expected.full_height ||
            chosen[i]->pixels.size() != npixels * chosen[i]->channel_names.size())
            return fail(RecoveryVerdict::DisplaySetChanged,
                        name + " has another resolution or crop window");
    }

    // 5. Weights agree across the files of one generation.
    for (size_t i = 1; i < chosen.size(); ++i)
        for (size_t p = 0; p < npixels; ++p)
            if (weight_at(*chosen[i], p) != weight_at(*chosen[0], p))
                return fail(RecoveryVerdict::Mixed,
                            "files from different checkpoints: ~w of " +
                                expected.displays[i].path + " differs from " +
                                expected.displays[0].path);

    // 6. Something left to do? An asfinal image that has every sample is a
    //    finished render (S14, S22). A plain checkpoint that has every sample is
    //    not: its process died after the last checkpoint and before the final
    //    write, and resuming it only writes the finals (found by the kill storm).
    if (h.state == format::kStateAsFinal && h.min_samples >= expected.target_samples)
        return fail(RecoveryVerdict::Finished,
                    "finished: " + expected.displays[0].path + " (asfinal) already has " +
                        spp_text(h.min_samples) + " (target " +
                        std::to_string(expected.target_samples) + "); nothing to render");

    for (CheckpointImage* image : chosen)
        check.images.push_back(std::move(*image));
    check.verdict = RecoveryVerdict::Resumable;
    check.message = "resumable: render " + h.render_id.substr(0, 8) + " generation " +
                    std::to_string(h.generation) + " at " + spp_text(h.min_samples) + " (" +
                    std::to_string(h.samples_done) + " samples, " +
                    std::to_string(int64_t(h.total_elapsed + 0.5)) + " s so far)";
    return check;
}

Result<OIIO::ImageSpec> read_complete_final(const std::string& path)
{
    auto structure = check_image_structure(path, 0);
    if (!structure)
        return structure.status();
    auto in = open_image(path, structure->format);
    if (!in)
        return in.status();
    const OIIO::ImageSpec spec = (*in)->spec();
    if (has_checkpoint_state(spec) || is_tiff_checkpoint_spec(spec))
        return Status{ErrorCode::Corrupt, path + ": a checkpoint, not a final image"};
    if (auto pixels = read_subimage(**in, 0, 0); !pixels)
        return pixels.status();
    return spec;
}

Status complete_interrupted_commit(const RecoveryCheck& check, const ExpectedFrame& expected)
{
    // Resumable: the newest checkpoint's .part files; Finished: the finals'.
    std::vector<std::string> finals;
    for (size_t i : check.roll_forward)
        finals.push_back(expected.displays[i].path);
    if (finals.empty())
        return {};
    return commit_parts(finals);
}

}  // namespace ck
