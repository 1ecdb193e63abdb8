// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Where checkpoint settings come from (S13): ckrender.ini, then the RIB's
// Option "checkpoint" (global, then the frame's own), then the command line;
// the later one wins, key by key. The post-checkpoint command is only ever
// enabled by the command line or the ini file, never by the RIB (S25).
#pragma once

#include "scene/scene.h"

#include <ck/interval.h>
#include <ck/result.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ck::render {

/// Settings read from ckrender.ini: key (after /ckrender/checkpoint/ or
/// /prman/checkpoint/) -> value text, with where each came from.
struct IniSettings {
    struct Entry {
        std::string value;
        std::string where;  ///< "file:line"
    };
    std::map<std::string, Entry> checkpoint;
    std::string path;  ///< The file read, empty when none.
};

/// Parses ini text. Lines: "/ckrender/checkpoint/KEY VALUE..." (or /prman/...),
/// blank lines and '#' comments. Unknown keys under /ckrender/ are errors
/// naming file:line; other namespaces are ignored (a rendermn.ini holds many).
Result<IniSettings> parse_ini(const std::string& text, const std::string& name);

/// Reads an ini file; a missing file is ErrorCode::NotFound.
Result<IniSettings> read_ini(const std::string& path);

/// What the command line said: -checkpoint INTERVAL[,EXITAT] and friends.
struct CliCheckpoint {
    std::string checkpoint;  ///< Raw -checkpoint value, empty when absent.
    bool allow_command = false;
};

struct CheckpointConfig {
    std::vector<Interval> interval;  ///< Empty: no periodic checkpoints.
    std::optional<Interval> exitat;  ///< Per-frame limit (S9).
    bool asfinal = false;            ///< S14.
    std::string command;             ///< S25; empty = none.
    bool allow_command = false;      ///< Only from ini or command line.

    /// Checkpointing is on when an interval or an exit-at is set.
    bool enabled() const { return !interval.empty() || exitat.has_value(); }
};

/// Combines the three sources for one frame. Errors (ErrorCode::InvalidArgument)
/// name where the bad value came from (ini file:line, RIB file:line:col, or
/// "command line").
Result<CheckpointConfig> resolve_checkpoint_config(const IniSettings& ini,
                                                   const scene::OptionMap& frame_options,
                                                   const CliCheckpoint& cli);

}  // namespace ck::render
