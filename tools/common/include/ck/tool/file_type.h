// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// What a file is, by its first bytes rather than its name: damaged fuzz inputs
// have no extension, and a checkpoint being written is called NAME.exr.part.
#pragma once

#include <cstdint>
#include <string>

namespace ck::tool {

enum class FileType {
    Missing,     ///< No such file.
    Unreadable,  ///< Exists but cannot be opened or read (permissions, I/O error).
    Directory,   ///< A directory (or another non-regular file).
    Empty,       ///< Zero bytes.
    OpenExr,     ///< Starts with the OpenEXR magic 76 2F 31 01.
    Tiff,        ///< Starts with "II*\0" or "MM\0*" (classic TIFF; BigTIFF included).
    OtherImage,  ///< An image format the tools do not read (PNG, JPEG, PNM, ...): see image_name.
    Text,        ///< Printable text (not an image).
    Other,       ///< Some other binary data (not an image we read).
};

/// The result of looking at a file's first bytes.
struct FileSniff {
    FileType type = FileType::Missing;
    uint64_t size = 0;       ///< Bytes, when the file could be stat'ed.
    bool is_part = false;    ///< The name ends in ".part": an unfinished write (S16).
    std::string error;       ///< For Missing/Unreadable/Directory: why (strerror text).
    std::string image_name;  ///< For OtherImage: "a PNG image", "a JPEG image", ...
};

/// Looks at `path`: stat, then the first bytes. Never throws.
FileSniff sniff_file(const std::string& path);

/// True for the types an image tool can try to read (OpenExr, Tiff).
bool is_image_type(FileType type);

/// Short name: "openexr", "tiff", "text", "empty", "directory", "missing", ...
const char* file_type_name(FileType type);

/// A one-line problem for a file that is not an image we can read, e.g.
/// "not an image: empty file", "not an image: text file", "no such file".
/// Mentions an unfinished write for ".part" names. Empty for OpenExr/Tiff.
std::string describe_non_image(const FileSniff& sniff);

}  // namespace ck::tool
