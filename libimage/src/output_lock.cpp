// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/output_lock.h>

#include <OpenImageIO/hash.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

namespace ck {

namespace {

namespace fs = std::filesystem;

std::string lock_file_for(const std::string& output)
{
    fs::path dir = fs::path(output).parent_path();
    return ((dir.empty() ? fs::path(".") : dir) / kLockFileName).string();
}

// One byte per output name; a collision only makes two outputs share a lock.
off_t lock_offset(const std::string& output)
{
    const std::string name = fs::path(output).filename().string();
    return off_t(OIIO::xxhash::XXH64(name.data(), name.size(), 0x6c6f636bULL) &
                 0x3fffffffffffffffULL);
}

struct flock byte_lock(short type, off_t offset)
{
    struct flock fl = {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = offset;
    fl.l_len = 1;
    fl.l_pid = 0;  // required for OFD locks
    return fl;
}

}  // namespace

OutputLock::~OutputLock()
{
    release();
}

OutputLock::OutputLock(OutputLock&& other) noexcept : m_fds(std::move(other.m_fds))
{
    other.m_fds.clear();
}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept
{
    if (this != &other) {
        release();
        m_fds = std::move(other.m_fds);
        other.m_fds.clear();
    }
    return *this;
}

void OutputLock::release()
{
    for (int fd : m_fds)
        ::close(fd);  // closing the description drops its OFD locks
    m_fds.clear();
}

Result<OutputLock> OutputLock::acquire(const std::vector<std::string>& outputs)
{
    OutputLock lock;
    for (const std::string& output : outputs) {
        const std::string file = lock_file_for(output);
        int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return Status{ErrorCode::Io,
                          file + ": cannot open the output lock: " + std::strerror(errno)};
        struct flock fl = byte_lock(F_WRLCK, lock_offset(output));
        if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
            const int err = errno;
            ::close(fd);
            if (err == EAGAIN || err == EACCES)
                return Status{ErrorCode::InvalidArgument,
                              output + " is being rendered by another ckrender process"};
            return Status{ErrorCode::Io, file + ": cannot lock: " + std::strerror(err)};
        }
        lock.m_fds.push_back(fd);
    }
    return lock;
}

bool output_in_use(const std::string& output)
{
    const std::string file = lock_file_for(output);
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct flock fl = byte_lock(F_WRLCK, lock_offset(output));
    const bool held = ::fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    ::close(fd);
    return held;
}

}  // namespace ck
