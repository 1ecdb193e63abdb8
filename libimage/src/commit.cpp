// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/commit.h>

#include <ck/checkpoint_format.h>
#include <ck/fault.h>

#include <OpenImageIO/filesystem.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <new>
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

// Hands our FILE* to OIIO. OIIO's close() reports success even when the disk
// filled up, so the caller checks the stream itself afterwards.
bool encode_through(FILE* fp, const std::string& part, const ImageWrite& image, std::string& error)
{
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
    bool good = out->open(part, image.spec) &&
                out->write_image(OIIO::TypeFloat, image.pixels) && out->close();
    if (!good)
        error = proxy.error_number() != 0 ? "write failed: " + errno_text(proxy.error_number())
                                          : out->geterror();
    return good;
}

}  // namespace

std::string part_path(const std::string& path)
{
    return path + format::kPartSuffix;
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
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return {ErrorCode::Io, part + ": cannot create: " + errno_text(errno)};
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

Status write_images_atomically(const std::vector<ImageWrite>& images)
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
    return commit_parts(finals);
}

}  // namespace ck
