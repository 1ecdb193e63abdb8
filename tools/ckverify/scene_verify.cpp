// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene_verify.h"

#include "scene/fingerprint.h"
#include "scene/parser.h"
#include "scene/display_names.h"
#include "scene/recovery_expectation.h"

#include <ck/output_lock.h>
#include <ck/recovery.h>
#include <ck/tool/file_type.h>
#include <ck/tool/json.h>

#include <cmath>
#include <cstdio>

namespace ck::verify {

namespace {

std::string seconds_text(double seconds)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
    return buf;
}

std::string list_text(const std::vector<std::string>& items)
{
    std::string text;
    for (const std::string& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

// "from 3 samples per pixel of 40 (render 1a2b3c4d generation 2, 3072 samples,
// 0.4 s in this process, 1.2 s in total)"
std::string resume_point(const CheckpointHeader& h, int target)
{
    return "from " + std::to_string(h.min_samples) + " samples per pixel of " +
           std::to_string(target) + " (render " + h.render_id.substr(0, 8) + " generation " +
           std::to_string(h.generation) + ", " + std::to_string(h.samples_done) + " samples, " +
           seconds_text(h.checkpoint_elapsed) + " in its last process, " +
           seconds_text(h.total_elapsed) + " in total)";
}

Outcome outcome_of(const RecoveryCheck& check)
{
    switch (check.verdict) {
        case RecoveryVerdict::Resumable:
            if (!check.roll_forward.empty())
                return Outcome::InterruptedCommit;
            return check.part_files.empty() || check.after_interrupted_final ? Outcome::Resumable : Outcome::KilledDuringCheckpoint;
        case RecoveryVerdict::Finished:
            return Outcome::Finished;
        case RecoveryVerdict::FinalOutdated:
            return Outcome::FinalOutdated;
        case RecoveryVerdict::Unreadable:
            return Outcome::Unreadable;
        case RecoveryVerdict::Missing:
            return Outcome::Missing;
        case RecoveryVerdict::Damaged:
            return Outcome::Damaged;
        case RecoveryVerdict::Mixed:
            return Outcome::Mixed;
        case RecoveryVerdict::FingerprintMismatch:
            return Outcome::FingerprintMismatch;
        case RecoveryVerdict::DisplaySetChanged:
            return Outcome::DisplaySetChanged;
    }
    return Outcome::Damaged;
}

FrameVerdict judge_frame(const scene::Frame& frame)
{
    FrameVerdict v;
    v.frame = frame.number;
    v.target_samples = scene::recovery_target_samples(frame);
    for (const scene::Display& d : frame.displays) {
        v.displays.push_back(d.name);
        if (output_in_use(d.name))
            v.in_use.push_back(d.name);
    }

    // The same order as ckrender: S3 first, then the recovery rules.
    const std::string blocker = scene::checkpoint_blocker(frame);
    if (!blocker.empty()) {
        v.outcome = Outcome::NotCheckpointable;
        v.message = "outputs cannot hold a checkpoint (" + blocker + ")";
    } else {
        const ExpectedFrame expected =
            scene::recovery_expectation(frame, scene::fingerprint_frame(frame));
        const RecoveryCheck check = check_recovery(expected);
        v.outcome = outcome_of(check);
        v.message = check.message;
        v.after_interrupted_final = check.after_interrupted_final;
        v.part_files = check.part_files;
        for (size_t i : check.roll_forward)
            v.roll_forward.push_back(expected.displays[i].path);
        if (check.has_header)
            v.header = check.header;
    }
    if (!v.in_use.empty())
        v.outcome = Outcome::InProgress;
    return v;
}

std::string frame_line(const FrameVerdict& v)
{
    const std::string resume = v.header ? resume_point(*v.header, v.target_samples) : "";
    switch (v.outcome) {
        case Outcome::Resumable:
            if (v.after_interrupted_final)
                return v.message;
            return "resumable " + resume;
        case Outcome::KilledDuringCheckpoint:
            return "killed during a checkpoint (orphaned " + list_text(v.part_files) +
                   "); the previous checkpoint is intact: resumable " + resume;
        case Outcome::InterruptedCommit:
            return "killed between the renames of a commit: -recover 1 completes it from the "
                   ".part of " +
                   list_text(v.roll_forward) + ", then resumes " + resume;
        case Outcome::Finished:
            return v.message;
        case Outcome::FinalOutdated:
            return "would render again: " + v.message;
        case Outcome::Unreadable:
            return "would stop with an I/O error and change nothing: " + v.message;
        case Outcome::InProgress:
            return "render in progress: a live ckrender is rendering " + list_text(v.in_use) +
                   " (-recover 1 would be refused until it ends)";
        case Outcome::NotCheckpointable:
        case Outcome::Missing:
        case Outcome::FingerprintMismatch:
        case Outcome::Mixed:
        case Outcome::Damaged:
        case Outcome::DisplaySetChanged:
            break;
    }
    std::string line = "would start from scratch: " + v.message;
    if (!v.part_files.empty())
        line += " (orphaned " + list_text(v.part_files) + ": a writer died during a checkpoint)";
    return line;
}

tool::Json frame_json(const FrameVerdict& v)
{
    tool::Json j;
    j["frame"] = v.frame;
    j["outcome"] = outcome_id(v.outcome);
    j["loses_nothing"] = loses_nothing(v.outcome);
    j["message"] = v.message;
    j["target_samples"] = v.target_samples;
    j["displays"] = v.displays;
    j["part_files"] = v.part_files;
    j["roll_forward"] = v.roll_forward;
    j["in_use"] = v.in_use;
    // The pixel count is not at hand here: samples_fraction is null.
    j["checkpoint"] = v.header ? tool::checkpoint_json(*v.header, 0) : tool::Json(nullptr);
    return j;
}

}  // namespace

const char* outcome_id(Outcome outcome)
{
    switch (outcome) {
        case Outcome::Resumable:
            return "resumable";
        case Outcome::KilledDuringCheckpoint:
            return "killed-during-checkpoint";
        case Outcome::InterruptedCommit:
            return "interrupted-commit";
        case Outcome::Finished:
            return "finished";
        case Outcome::FinalOutdated:
            return "final-outdated";
        case Outcome::Unreadable:
            return "unreadable";
        case Outcome::InProgress:
            return "in-progress";
        case Outcome::Missing:
            return "missing";
        case Outcome::FingerprintMismatch:
            return "fingerprint-mismatch";
        case Outcome::Mixed:
            return "mixed";
        case Outcome::Damaged:
            return "damaged";
        case Outcome::DisplaySetChanged:
            return "display-set-changed";
        case Outcome::NotCheckpointable:
            return "not-checkpointable";
    }
    return "unknown";
}

bool loses_nothing(Outcome outcome)
{
    switch (outcome) {
        case Outcome::Resumable:
        case Outcome::KilledDuringCheckpoint:
        case Outcome::InterruptedCommit:
        case Outcome::Finished:
        case Outcome::InProgress:
            return true;
        default:
            return false;
    }
}

void verify_scene(const std::string& scene_path, int only_frame, int verbose,
                  tool::FileReport& report)
{
    report.file = scene_path;
    tool::Json j;
    j["file"] = scene_path;
    j["format"] = tool::file_type_name(tool::sniff_file(scene_path).type);

    // 1. The scene, through ckrender's own parser.
    const scene::ParseResult parsed = scene::parse_rib_file(scene_path);
    for (const scene::Diagnostic& d : parsed.diagnostics) {
        if (d.severity == scene::Diagnostic::Severity::Error)
            report.fail(tool::ExitCode::CheckFailed, d.loc.str() + ": " + d.message);
        else if (verbose > 0)
            report.warnings.push_back(d.loc.str() + ": " + d.message);
    }
    if (!parsed.ok()) {
        report.text = scene_path + ": the scene does not parse (" +
                      std::to_string(parsed.error_count()) +
                      " error(s)); ckrender would render nothing\n";
        j["ok"] = false;
        j["scene"] = tool::Json{{"frames", tool::Json::array()},
                                {"result", "the scene does not parse"}};
        report.json = tool::json_text(j);
        return;
    }

    // 1b. ckrender's preflight refuses bad display names (a directory, two
    // displays on one file, a name too long for its .part) before it looks at
    // any checkpoint (a scene error, exit 1): the same rules, the same words
    // (issue 10, item 9).
    std::vector<std::string> refusals;
    for (const scene::Frame& frame : parsed.scene.frames) {
        if (only_frame >= 0 && frame.number != only_frame)
            continue;
        if (Status s = scene::check_display_names(frame); !s)
            refusals.push_back(s.message());
    }
    if (!refusals.empty()) {
        for (const std::string& r : refusals)
            report.fail(tool::ExitCode::CheckFailed, r);
        report.text = scene_path + ": ckrender would refuse the scene and change nothing: " +
                      refusals.front() + "\n";
        j["ok"] = false;
        j["scene"] = tool::Json{{"frames", tool::Json::array()},
                                {"result", "ckrender would refuse the scene"}};
        report.json = tool::json_text(j);
        return;
    }

    // 2. Each frame, as -recover 1 would see it.
    std::vector<FrameVerdict> verdicts;
    for (const scene::Frame& frame : parsed.scene.frames)
        if (only_frame < 0 || frame.number == only_frame)
            verdicts.push_back(judge_frame(frame));
    if (verdicts.empty())
        report.fail(tool::ExitCode::CheckFailed, only_frame >= 0
                                                     ? "no frame " + std::to_string(only_frame)
                                                     : "the scene has no frames (no WorldBegin)");

    int lost = 0, unreadable = 0;
    tool::Json frames = tool::Json::array();
    for (const FrameVerdict& v : verdicts) {
        if (!loses_nothing(v.outcome))
            ++lost;
        if (v.outcome == Outcome::Unreadable)
            ++unreadable;
        report.text +=
            scene_path + ": frame " + std::to_string(v.frame) + ": " + frame_line(v) + "\n";
        if (verbose > 0)
            for (const std::string& d : v.displays)
                report.text += "    display " + d + "\n";
        frames.push_back(frame_json(v));
    }
    if (lost > 0)
        report.code = tool::worst(report.code, tool::ExitCode::CheckFailed);

    // 3. The scene's verdict (ckverify's last line says PASS or FAILURE).
    const size_t n = verdicts.size();
    std::string last;
    if (n == 0)
        last = "nothing to recover";
    else if (lost == 0)
        last = std::to_string(n) + (n == 1 ? " frame" : " frames") + ", nothing would be lost";
    else {
        // An unreadable checkpoint stops ckrender with an I/O error; it does
        // not start over, so it is not counted as such.
        const std::string of = " of " + std::to_string(n) + (n == 1 ? " frame" : " frames");
        const int scratch = lost - unreadable;
        if (scratch > 0)
            last = std::to_string(scratch) + of + " would start from scratch";
        if (unreadable > 0)
            last += (last.empty() ? std::to_string(unreadable) + of
                                  : ", " + std::to_string(unreadable)) +
                    " would stop with an I/O error";
    }
    report.text += scene_path + ": " + last + "\n";
    j["ok"] = n > 0 && lost == 0;
    j["scene"] = tool::Json{{"frames", std::move(frames)}, {"result", last}};
    report.json = tool::json_text(j);
}

}  // namespace ck::verify
