// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/display_names.h"

#include <ck/checkpoint_format.h>

#include <filesystem>
#include <map>

#include <unistd.h>

namespace ck::scene {

std::string output_identity(const std::string& display_name)
{
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(display_name, ec);
    std::filesystem::path p = std::filesystem::weakly_canonical(absolute, ec);
    if (ec)
        p = absolute.lexically_normal();
    return p.string();
}

Status check_display_names(const Frame& frame)
{
    std::map<std::string, const Display*> files;  // identity -> display
    for (const Display& display : frame.displays) {
        const std::string id = output_identity(display.name);
        const std::string what = display.loc.str() + ": Display \"" + display.name + "\"";
        std::error_code ec;
        if (std::filesystem::is_directory(id, ec))
            return {ErrorCode::InvalidArgument, what + " is a directory, not an image file"};
        // A leftover NAME.part of any other kind is unlinked before each
        // write; a directory cannot be, and failed only at the final write,
        // after the whole render (found by tests/checkpoint/hostile_sweep_test.cpp).
        if (std::filesystem::is_directory(
                std::filesystem::symlink_status(id + format::kPartSuffix, ec)))
            return {ErrorCode::InvalidArgument,
                    what + ": " + display.name + format::kPartSuffix +
                        ", where ckrender writes this display's temporary file, is a "
                        "directory; move it away"};
        // Issue 10, item 9: every write goes through NAME.part, so a file
        // name the file system takes but NAME.part it does not (251-255 bytes
        // on most) would fail only at the first write, after rendering.
        const std::filesystem::path file = std::filesystem::path(id).filename();
        const std::string dir = std::filesystem::path(id).parent_path().string();
        long name_max = ::pathconf(dir.empty() ? "." : dir.c_str(), _PC_NAME_MAX);
        if (name_max <= 0)
            name_max = 255;
        const size_t part_len = file.string().size() + std::string(format::kPartSuffix).size();
        if (part_len > static_cast<size_t>(name_max))
            return {ErrorCode::InvalidArgument,
                    what + ": the file name is " + std::to_string(file.string().size()) +
                        " bytes; with the \"" + format::kPartSuffix +
                        "\" ckrender writes through it is " + std::to_string(part_len) +
                        ", over this file system's limit of " + std::to_string(name_max) +
                        " bytes. Use a shorter name"};
        if (auto it = files.find(id); it != files.end())
            return {ErrorCode::InvalidArgument, what + " writes the same file as the Display at " +
                                                    it->second->loc.str()};
        files.emplace(id, &display);
    }
    for (const auto& [id, display] : files) {
        auto it = files.find(id + format::kPartSuffix);
        if (it != files.end())
            return {ErrorCode::InvalidArgument,
                    it->second->loc.str() + ": Display \"" + it->second->name +
                        "\" is the temporary file ckrender writes for the Display at " +
                        display->loc.str() + "; rename one of them"};
    }
    return {};
}

}  // namespace ck::scene
