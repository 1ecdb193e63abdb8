// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/commit.h>

#include <ck/checkpoint_format.h>
#include <ck/fault.h>
#include <ck/safe_read.h>
#include <ck/tiff_checkpoint.h>

#include <OpenImageIO/filesystem.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <new>
#include <random>
#include <vector>
#include <set>

#include <fcntl.h>
#include <unistd.h>

namespace ck {

namespace {

std::string errno_text(int err)
{
    return std::strerror(err);
}

std::string parent_dir(const std::string& path)
{
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

// fsync a directory so that the renames inside it are durable.
Status fsync_dir(const std::string& dir)
{
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return {ErrorCode::Io, dir + ": cannot open directory to sync: " + errno_text(errno)};
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0)
        return {ErrorCode::Io, dir + ": directory fsync failed: " + errno_text(err)};
    return {};
}

// Our FILE* as OIIO's proxy, remembering why the first short write fell short:
// when the disk fills in the middle of an image (larger than the stdio buffer),
// OIIO fails with "File output failed." and the errno is lost by the time it
// returns, so the caller could not say "No space left on device".
class WriteFile : public OIIO::Filesystem::IOFile {
public:
    explicit WriteFile(FILE* fp) : IOFile(fp, OIIO::Filesystem::IOProxy::Write) {}
    size_t write(const void* buf, size_t size) override
    {
        errno = 0;
        return note(IOFile::write(buf, size), size);
    }
    size_t pwrite(const void* buf, size_t size, int64_t offset) override
    {
        errno = 0;
        return note(IOFile::pwrite(buf, size, offset), size);
    }
    int error_number() const { return m_errno; }

private:
    size_t note(size_t done, size_t wanted)
    {
        if (done != wanted && m_errno == 0)
            m_errno = errno != 0 ? errno : EIO;
        return done;
    }
    int m_errno = 0;
};

// A bucket render's TIFF checkpoint: two pages (tiff_checkpoint.h). OIIO's
// TIFF writer appends a page by closing the file and opening it again by name
// in libtiff's "a" mode; through our handle that second open starts a new
// file (measured with OIIO 2.4.7: only the last page survived). So OIIO writes
// `part`, the fresh file of ours the caller created (O_EXCL | O_NOFOLLOW), by
// name. Since nothing then checks its writes, the written structure is
// checked against the file's size before the caller fsyncs it: a disk that
// filled up mid-write leaves a short file whose directories or strips run past
// its end, a part that fails here and is never renamed into place. (A full
// read-back doubled the commit's cost at 1920x1080; a short write is the
// failure to catch, and the state hash catches any other damage on reading.)
bool encode_tiff_checkpoint(const std::string& part, const ImageWrite& image, std::string& error)
{
    auto out = OIIO::ImageOutput::create(format::kTiffFormat);
    if (!out) {
        error = "no TIFF writer: " + OIIO::geterror();
        return false;
    }
    out->threads(1);
    errno = 0;
    if (!write_tiff_checkpoint(*out, part, image, error)) {
        // OIIO's message ("Could not open ...") hides why libtiff failed;
        // the errno its last system call left usually says (ENOSPC, EIO).
        const int err = errno;
        if (err != 0)
            error += std::string(": ") + errno_text(err);
        return false;
    }
    auto structure = check_image_structure(part, 0);
    if (!structure) {
        error = "the written checkpoint is incomplete (" + structure.status().message() +
                "); is the disk full?";
        return false;
    }
    return true;
}

// Hands our FILE* to OIIO. OIIO's close() reports success even when the disk
// filled up, so the caller checks the stream itself afterwards.
bool encode_through(FILE* fp, const std::string& part, const ImageWrite& image, std::string& error)
{
    if (image.format_name == format::kTiffFormat && has_checkpoint_state(image.spec))
        return encode_tiff_checkpoint(part, image, error);
    WriteFile proxy(fp);  // we keep ownership of fp
    // Create by format name: "x.exr.part" would make OIIO look for a "part" plugin.
    auto out = OIIO::ImageOutput::create(image.format_name, &proxy);
    if (!out) {
        error = "no image writer for format \"" + image.format_name + "\": " + OIIO::geterror();
        return false;
    }
    if (!out->supports("ioproxy")) {
        error = "image writer \"" + image.format_name + "\" cannot write through our file handle";
        return false;
    }
    // Our own worker threads already fill the cores; keep the encoder on this thread.
    out->threads(1);
    OIIO::ImageSpec spec = image.spec;
    if (image.format_name == format::kTiffFormat)
        move_provenance_to_description(spec);  // OIIO's TIFF writer drops ckrender: keys
    const bool good = out->open(part, spec) && out->write_image(OIIO::TypeFloat, image.pixels) &&
                      out->close();
    const std::string why = good ? std::string() : out->geterror();
    if (!good)
        error = proxy.error_number() != 0 ? "write failed: " + errno_text(proxy.error_number())
                                          : why;
    return good;
}

}  // namespace

std::string part_path(const std::string& path)
{
    return path + format::kPartSuffix;
}

std::string tool_temp_path(const std::string& path, const std::string& tool)
{
    // The random part keeps two runs of one PID namespace (containers) apart.
    std::random_device device;
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, "-%ld-%06x", long(::getpid()),
                  unsigned(device()) & 0xffffffu);
    return path + "." + tool + suffix + format::kPartSuffix;
}

std::string tool_temp_output(const std::string& name)
{
    // NAME.TOOL-PID-HEX.part, TOOL lower-case letters, PID digits, HEX six hex digits.
    const std::string part = format::kPartSuffix;
    if (name.size() <= part.size() || name.compare(name.size() - part.size(), part.size(), part))
        return {};
    const std::string stem = name.substr(0, name.size() - part.size());
    const size_t hex = stem.rfind('-');
    if (hex == std::string::npos || stem.size() - hex - 1 != 6 ||
        stem.find_first_not_of("0123456789abcdef", hex + 1) != std::string::npos)
        return {};
    const size_t pid = stem.rfind('-', hex - 1);
    if (pid == std::string::npos || pid + 1 == hex ||
        stem.substr(pid + 1, hex - pid - 1).find_first_not_of("0123456789") != std::string::npos)
        return {};
    const size_t dot = stem.rfind('.', pid);
    if (dot == std::string::npos || dot == 0 || dot + 1 == pid ||
        stem.substr(dot + 1, pid - dot - 1).find_first_not_of("abcdefghijklmnopqrstuvwxyz") !=
            std::string::npos)
        return {};
    const std::string output = stem.substr(0, dot);
    // The output's own name must not be empty or end in a slash.
    if (output.back() == '/')
        return {};
    return output;
}

namespace {

// Opens `path` as a new file of ours: never an existing file, never through a link.
int create_new(const std::string& path)
{
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
}

Status encode_to_new(const std::string& part, int fd, const ImageWrite& image);

}  // namespace

Status write_new_file(const std::string& temp, const ImageWrite& image)
{
    const int fd = create_new(temp);
    if (fd < 0)
        return {ErrorCode::Io, temp + ": cannot create: " + errno_text(errno)};
    return encode_to_new(temp, fd, image);
}

Status copy_to_new_file(const std::string& in, const std::string& temp)
{
    FILE* src = std::fopen(in.c_str(), "rb");
    if (!src)
        return {ErrorCode::NotFound, in + ": cannot open: " + errno_text(errno)};
    const int fd = create_new(temp);
    if (fd < 0) {
        const int err = errno;
        std::fclose(src);
        return {ErrorCode::Io, temp + ": cannot create: " + errno_text(err)};
    }
    std::string error;
    std::vector<char> buf(1 << 20);
    for (;;) {
        const size_t n = std::fread(buf.data(), 1, buf.size(), src);
        size_t done = 0;
        while (done < n) {
            const ssize_t w = ::write(fd, buf.data() + done, n - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                error = "write failed: " + errno_text(w < 0 ? errno : EIO);
                break;
            }
            done += size_t(w);
        }
        if (!error.empty())
            break;
        if (n < buf.size()) {
            if (std::ferror(src))
                error = in + ": read failed";
            break;
        }
    }
    std::fclose(src);
    if (error.empty() && ::fsync(fd) != 0)
        error = "fsync failed: " + errno_text(errno);
    if (::close(fd) != 0 && error.empty())
        error = "close failed: " + errno_text(errno);
    if (!error.empty()) {
        std::remove(temp.c_str());
        return {ErrorCode::Io, temp + ": " + error};
    }
    return {};
}

Status commit_file(const std::string& temp, const std::string& path)
{
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(temp.c_str());
        return {ErrorCode::Io, path + ": cannot rename " + temp + " into place: " + errno_text(err)};
    }
    return fsync_dir(parent_dir(path));
}

Status write_part(const std::string& part, const ImageWrite& image)
{
    if (int injected = fault::error_number(fault::hit("part.open")))
        return {ErrorCode::Io, part + ": cannot create: " + errno_text(injected)};
    // A leftover .part is garbage by now; unlink it rather than open it, so a
    // symbolic link planted under that name is removed, never written through,
    // and O_EXCL | O_NOFOLLOW create a fresh file of our own.
    if (::unlink(part.c_str()) != 0 && errno != ENOENT)
        return {ErrorCode::Io, part + ": cannot replace the old temporary file: " + errno_text(errno)};
    const int fd = create_new(part);
    if (fd < 0)
        return {ErrorCode::Io, part + ": cannot create: " + errno_text(errno)};
    return encode_to_new(part, fd, image);
}

namespace {

// Encodes `image` into the new file `fd` (named `part`), flushes, checks and
// fsyncs it; removes it on any failure.
Status encode_to_new(const std::string& part, int fd, const ImageWrite& image)
{
    FILE* fp = ::fdopen(fd, "wb");
    if (!fp) {
        const int err = errno;
        ::close(fd);
        std::remove(part.c_str());
        return {ErrorCode::Io, part + ": cannot create: " + errno_text(err)};
    }

    std::string error;
    bool good = false;
    try {
        good = encode_through(fp, part, image, error);
    } catch (const std::bad_alloc&) {
        error = "out of memory while encoding";
    } catch (const std::exception& e) {
        error = e.what();
    }

    // The stream, not OIIO, says whether every byte reached the kernel.
    int err = 0;
    if (good && (err = fault::error_number(fault::hit("part.write"))) != 0) {
        good = false;
        error = "write failed: " + errno_text(err);
    }
    if (good && (std::fflush(fp) != 0 || std::ferror(fp))) {
        err = errno;
        good = false;
        error = "write failed: " + errno_text(err ? err : EIO);
    }
    if (good && (err = fault::error_number(fault::hit("part.fsync"))) != 0) {
        good = false;
        error = "fsync failed: " + errno_text(err);
    }
    if (good && ::fsync(::fileno(fp)) != 0) {
        good = false;
        error = "fsync failed: " + errno_text(errno);
    }
    if (std::fclose(fp) != 0 && good) {
        good = false;
        error = "close failed: " + errno_text(errno);
    }
    if (!good) {
        std::remove(part.c_str());
        return {ErrorCode::Io, part + ": " + (error.empty() ? "write failed" : error)};
    }
    return {};
}

}  // namespace

Status commit_parts(const std::vector<std::string>& finals)
{
    std::set<std::string> dirs;
    // A failure after the first rename leaves the commit half done: say so, so
    // that nobody reports the previous set as intact (recovery rolls it forward).
    std::string renamed;
    auto failed = [&](const std::string& why) -> Status {
        if (renamed.empty())
            return {ErrorCode::Io, why};
        return {ErrorCode::PartialCommit,
                why + " (after renaming " + renamed +
                    " into place; -recover 1 completes this commit from the remaining .part)"};
    };
    for (const std::string& path : finals) {
        std::string part = part_path(path);
        if (int injected = fault::error_number(fault::hit("commit.rename")))
            return failed(path + ": cannot rename " + part + " into place: " + errno_text(injected));
        if (std::rename(part.c_str(), path.c_str()) != 0)
            return failed(path + ": cannot rename " + part + " into place: " + errno_text(errno));
        renamed += (renamed.empty() ? "" : ", ") + path;
        dirs.insert(parent_dir(path));
    }
    auto dirsync_failed = [&](const std::string& why) -> Status {
        return {ErrorCode::PartialCommit,
                why + " (every file is renamed into place, but the renames may not survive a "
                      "power loss)"};
    };
    if (int injected = fault::error_number(fault::hit("commit.dirsync")))
        return dirsync_failed("directory fsync failed: " + errno_text(injected));
    for (const std::string& dir : dirs) {
        if (Status s = fsync_dir(dir); !s)
            return dirsync_failed(s.message());
    }
    return {};
}

Status write_images_atomically(const std::vector<ImageWrite>& images,
                               const std::function<Status()>& before_rename)
{
    std::vector<std::string> finals;
    for (const ImageWrite& image : images) {
        Status s = write_part(part_path(image.path), image);
        if (!s) {
            // Leave nothing behind: the previous final files stay as they were.
            for (const std::string& done : finals)
                std::remove(part_path(done).c_str());
            return s;
        }
        finals.push_back(image.path);
    }
    if (before_rename) {
        if (Status s = before_rename(); !s) {
            for (const std::string& done : finals)
                std::remove(part_path(done).c_str());
            return s;
        }
    }
    return commit_parts(finals);
}

}  // namespace ck
