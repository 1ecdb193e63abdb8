// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/file_type.h>

#include <ck/checkpoint_format.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ck::tool {

namespace {

bool ends_with(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Text: no NUL and almost only printable ASCII, whitespace or UTF-8 bytes.
bool looks_like_text(const unsigned char* p, size_t n)
{
    size_t odd = 0;
    for (size_t i = 0; i < n; ++i) {
        const unsigned char c = p[i];
        if (c == 0)
            return false;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
            ++odd;
    }
    return odd * 20 <= n;
}

// Image formats we do not read, by their magic bytes: named, so that a PNG
// (or a binary PNM, whose pixels may look printable) is never called text.
const char* other_image_name(const unsigned char* p, size_t n)
{
    auto starts = [&](const char* magic, size_t len) {
        return n >= len && std::memcmp(p, magic, len) == 0;
    };
    if (starts("\x89PNG\r\n\x1a\n", 8))
        return "a PNG image";
    if (starts("\xff\xd8\xff", 3))
        return "a JPEG image";
    if (starts("GIF87a", 6) || starts("GIF89a", 6))
        return "a GIF image";
    if (n >= 12 && starts("RIFF", 4) && std::memcmp(p + 8, "WEBP", 4) == 0)
        return "a WebP image";
    if (starts("8BPS", 4))
        return "a Photoshop image";
    if (starts("#?RADIANCE", 10) || starts("#?RGBE", 6))
        return "a Radiance HDR image";
    if (starts("SDPX", 4) || starts("XPDS", 4))
        return "a DPX image";
    if (starts("\x80\x2a\x5f\xd7", 4))
        return "a Cineon image";
    if (starts("\x00\x00\x00\x0cjP  ", 8))
        return "a JPEG 2000 image";
    // PNM: P1..P7 then whitespace (P4/P5/P6 are binary, P1..P3 ASCII).
    if (n >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '7' &&
        (p[2] == '\n' || p[2] == ' ' || p[2] == '\r' || p[2] == '\t'))
        return p[1] == '7' ? "a PAM image" : "a PNM (PBM/PGM/PPM) image";
    return nullptr;
}

}  // namespace

FileSniff sniff_file(const std::string& path)
{
    FileSniff sniff;
    sniff.is_part = ends_with(path, format::kPartSuffix);

    struct stat st = {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        sniff.type = err == ENOENT || err == ENOTDIR ? FileType::Missing : FileType::Unreadable;
        sniff.error = std::strerror(err);
        return sniff;
    }
    if (!S_ISREG(st.st_mode)) {
        sniff.type = FileType::Directory;
        sniff.error = S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file";
        return sniff;
    }
    sniff.size = uint64_t(st.st_size);

    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sniff.type = FileType::Unreadable;
        sniff.error = std::strerror(errno);
        return sniff;
    }
    unsigned char head[512];
    ssize_t got = 0;
    while (got < ssize_t(sizeof head)) {
        ssize_t n = ::read(fd, head + got, sizeof head - size_t(got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            sniff.type = FileType::Unreadable;
            sniff.error = std::strerror(errno);
            ::close(fd);
            return sniff;
        }
        if (n == 0)
            break;
        got += n;
    }
    ::close(fd);

    const size_t n = size_t(got);
    if (n == 0) {
        sniff.type = FileType::Empty;
    } else if (n >= 4 && head[0] == 0x76 && head[1] == 0x2f && head[2] == 0x31 && head[3] == 0x01) {
        sniff.type = FileType::OpenExr;
    } else if (n >= 4 && ((head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) &&
                           head[3] == 0) ||
                          (head[0] == 'M' && head[1] == 'M' && head[2] == 0 &&
                           (head[3] == 42 || head[3] == 43)))) {
        sniff.type = FileType::Tiff;
    } else if (const char* image = other_image_name(head, n)) {
        sniff.type = FileType::OtherImage;
        sniff.image_name = image;
    } else if (looks_like_text(head, n)) {
        sniff.type = FileType::Text;
    } else {
        sniff.type = FileType::Other;
    }
    return sniff;
}

bool is_image_type(FileType type)
{
    return type == FileType::OpenExr || type == FileType::Tiff;
}

const char* file_type_name(FileType type)
{
    switch (type) {
        case FileType::Missing:
            return "missing";
        case FileType::Unreadable:
            return "unreadable";
        case FileType::Directory:
            return "directory";
        case FileType::Empty:
            return "empty";
        case FileType::OpenExr:
            return "openexr";
        case FileType::Tiff:
            return "tiff";
        case FileType::OtherImage:
            return "other-image";
        case FileType::Text:
            return "text";
        case FileType::Other:
            return "other";
    }
    return "other";
}

std::string describe_non_image(const FileSniff& sniff)
{
    std::string what;
    switch (sniff.type) {
        case FileType::OpenExr:
        case FileType::Tiff:
            return {};
        case FileType::Missing:
            return "cannot open: " + sniff.error;
        case FileType::Unreadable:
            return "cannot read: " + sniff.error;
        case FileType::Directory:
            return "not a file: " + sniff.error;
        case FileType::Empty:
            what = "not an image: empty file (0 bytes)";
            break;
        case FileType::OtherImage:
            what = "not an image the tools read: " + sniff.image_name +
                   ", an image format ckinfo, ckstrip and ckverify do not read (only OpenEXR "
                   "and TIFF)";
            break;
        case FileType::Text:
            what = "not an image: a text file";
            break;
        case FileType::Other:
            what = "not an image: neither OpenEXR nor TIFF (unknown magic bytes)";
            break;
    }
    if (sniff.is_part)
        what +=
            "; a .part file is an unfinished write (the writer died; the previous file is "
            "intact)";
    return what;
}

}  // namespace ck::tool
