// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Helpers for the ckinfo, ckstrip and corpus tests: tiny scenes, checkpoints
// made by the real ckrender, damaged copies, and a JSON validity check.
#pragma once

#include "../support/run_process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ck::test {

inline void write_file(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A small lit incremental scene writing `display` (relative to the RIB's directory).
inline std::string tiny_scene(const std::string& display, int samples, int width = 40,
                              int height = 24, const std::string& options = "")
{
    std::ostringstream rib;
    rib << options << "Format " << width << " " << height << " 1\n"
        << "Display \"" << display << "\" \"openexr\" \"rgba\"\n"
        << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [" << samples << "]\n"
        << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n"
        << "WorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.3 0.3 0.35]\n"
        << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
        << "  Sphere 1 -1 1 360\n"
        << "WorldEnd\n";
    return rib.str();
}

/// Renders `name` in `dir` with ckrender: with `exit_after_increments` > 0 it
/// stops there with a checkpoint (exit 75), else it finishes (exit 0).
/// `options` are RIB lines put before the frame (e.g. an Option line).
/// Returns the image path, or "" after adding a test failure.
inline std::string render_image(const std::string& renderer, const std::string& dir,
                                const std::string& name, int samples, int exit_after_increments,
                                const std::string& options = "")
{
    const std::string rib = (std::filesystem::path(dir) / (name + ".rib")).string();
    write_file(rib, tiny_scene(name, samples, 40, 24, options));
    std::vector<std::string> argv = {renderer, "-q", "-t", "2"};
    if (exit_after_increments > 0) {
        argv.push_back("-checkpoint");
        argv.push_back("," + std::to_string(exit_after_increments) + "i");
    }
    argv.push_back(rib);
    ProcessResult r = run_process(argv, dir, 120);
    const int expected = exit_after_increments > 0 ? 75 : 0;
    if (r.exit_code != expected) {
        ADD_FAILURE() << "ckrender exited " << r.exit_code << " (expected " << expected
                      << "): " << r.err;
        return {};
    }
    return (std::filesystem::path(dir) / name).string();
}

/// True when `text` parses as JSON (checked by python3's json module). Skips
/// (returns true with a message) when python3 is not installed.
inline ::testing::AssertionResult is_valid_json(const std::string& text, const std::string& dir)
{
    const std::string python = "/usr/bin/python3";
    if (!std::filesystem::exists(python))
        return ::testing::AssertionSuccess() << "python3 missing: JSON not validated";
    const std::string path = (std::filesystem::path(dir) / "out.json").string();
    write_file(path, text);
    ProcessResult r =
        run_process({python, "-c", "import json,sys; json.load(open(sys.argv[1]))", path}, "", 60);
    if (r.exit_code == 0)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "invalid JSON (" << r.err << "):\n" << text;
}

/// The lines of `text`, without empty ones.
inline std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

/// True when `s` contains `part`.
inline bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

}  // namespace ck::test
