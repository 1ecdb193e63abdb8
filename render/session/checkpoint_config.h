// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Where checkpoint settings come from (S13): ./rendermn.ini, then ckrender.ini,
// then the RIB's Option "checkpoint" (global, then the frame's own), then the
// command line; the later one wins, key by key. The post-checkpoint command is
// only ever enabled by the command line or an ini file, never by the RIB (S25).
#pragma once

#include "scene/scene.h"
#include "session/post_command.h"

#include <ck/interval.h>
#include <ck/result.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ck::render {

/// Settings read from ini files: key (after /ckrender/checkpoint/ or
/// /prman/checkpoint/) -> value text, with where each came from.
struct IniSettings {
    struct Entry {
        std::string value;
        std::string where;  ///< "file:line"
    };
    std::map<std::string, Entry> checkpoint;
    std::vector<std::string> paths;  ///< The files read, in order; empty when none.
    /// "file:line: ..." for settings RenderMan has and ckrender does not yet
    /// honour (/prman/checkpoint/ddccomplvl, skipdeepexr: no deep output);
    /// the caller prints each as a warning.
    std::vector<std::string> warnings;
};

/// Parses ini text. Lines: "/ckrender/checkpoint/KEY VALUE..." (or /prman/...),
/// blank lines and '#' comments; a '#' that starts a word outside quotes
/// starts a comment to the end of the line. Unknown keys under /ckrender/ or
/// /prman/checkpoint/, a missing value and a bad value (an interval that does
/// not parse, a boolean that is not one, an unterminated quote in a command)
/// are ErrorCode::InvalidArgument naming file:line; other namespaces are
/// ignored (a rendermn.ini holds many).
Result<IniSettings> parse_ini(const std::string& text, const std::string& name);

/// Reads an ini file; a missing file is ErrorCode::NotFound.
Result<IniSettings> read_ini(const std::string& path);

/// ckrender's settings files, in order, a later setting replacing an earlier
/// one key by key: ./rendermn.ini when present, then ckrender.ini from
/// `ini_option` (--ini) when given, else $CKRENDER_INI when set, else
/// ./ckrender.ini when present. A file named by --ini or $CKRENDER_INI must
/// exist (ErrorCode::NotFound); every error names the file (and line).
/// `allowcommand` is kept only from a file named by --ini that the user owns
/// and that neither group nor others can write; from any other file
/// (./rendermn.ini, ./ckrender.ini, $CKRENDER_INI) it is dropped with a
/// warning in `warnings` saying why (issue 10, item 5).
Result<IniSettings> load_settings_files(const std::string& ini_option);

/// What the command line said: -checkpoint INTERVAL[,EXITAT] and friends.
struct CliCheckpoint {
    std::string checkpoint;  ///< Raw -checkpoint value, empty when absent.
    bool allow_command = false;
};

/// S2: a bucket render to OpenEXR commits its finished buckets this often
/// when nothing else is asked (docs/checkpointing.md, "Bucket renders").
inline constexpr double kDefaultBucketIntervalSeconds = 60.0;

struct CheckpointConfig {
    std::vector<Interval> interval;  ///< Empty: no periodic checkpoints.
    std::optional<Interval> exitat;  ///< Per-frame limit (S9).
    bool asfinal = false;            ///< S14.
    std::string command;             ///< S25; empty = none.
    bool allow_command = false;      ///< Only from ini or command line.
    /// Longest one run of the command may take (commandtimeout). It applies
    /// when the caller copies it into CommandContext::timeout_seconds.
    double command_timeout = kDefaultCommandTimeoutSeconds;
    /// S2: how often a bucket render to OpenEXR commits its finished buckets
    /// when no time interval is given (/ckrender/checkpoint/bucketinterval);
    /// nullopt = never ("off").
    std::optional<double> bucket_interval = kDefaultBucketIntervalSeconds;

    /// Checkpointing is on when an interval or an exit-at is set.
    bool enabled() const { return !interval.empty() || exitat.has_value(); }
};

/// Combines the three sources for one frame. Errors name where the bad value
/// came from (ini file:line, RIB file:line:col, or "command line"); their code
/// says which: ErrorCode::Corrupt for the RIB (a scene error, exit 1),
/// ErrorCode::InvalidArgument for the ini file and the command line (exit 2).
Result<CheckpointConfig> resolve_checkpoint_config(const IniSettings& ini,
                                                   const scene::OptionMap& frame_options,
                                                   const CliCheckpoint& cli);

}  // namespace ck::render
