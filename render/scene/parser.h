// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// RIB reader: tokenizer + parser producing a SceneDescription. It never prints
// and never exits; diagnostics come back with file:line:col.
#pragma once

#include "scene/scene.h"

#include <string>
#include <string_view>
#include <vector>

namespace ck::scene {

struct Diagnostic {
    enum class Severity { Warning, Error };
    Severity severity = Severity::Error;
    SourceLoc loc;
    std::string message;

    /// "file:line:col: warning: message" or "file:line:col: error: message".
    std::string str() const;
};

struct ParseOptions {
    /// Extra directories searched by ReadArchive and texture lookups before
    /// Option "searchpath" takes over (the directory of the including file is
    /// always searched first).
    std::vector<std::string> searchpath;
    int max_errors = 20;          ///< Stop parsing after this many errors.
    int max_include_depth = 32;   ///< ReadArchive nesting limit (catches recursion).
};

struct ParseResult {
    SceneDescription scene;
    std::vector<Diagnostic> diagnostics;

    /// True when no diagnostic is an error.
    bool ok() const;
    int error_count() const;
    int warning_count() const;
};

/// Parses a RIB file (plain or gzip, detected by magic bytes).
ParseResult parse_rib_file(const std::string& path, const ParseOptions& options = {});

/// Parses RIB text held in memory; `name` is used in diagnostics and as the base
/// for relative ReadArchive paths (its directory).
ParseResult parse_rib_string(std::string_view text, const std::string& name,
                             const ParseOptions& options = {});

}  // namespace ck::scene
