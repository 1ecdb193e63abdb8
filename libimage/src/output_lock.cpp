// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/output_lock.h>

#include <OpenImageIO/hash.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
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

// Locks the byte of `output` in the lock file open as `fd`; closes `fd` on failure.
Status lock_byte(int fd, const std::string& file, const std::string& output)
{
    struct flock fl = byte_lock(F_WRLCK, lock_offset(output));
    if (::fcntl(fd, F_OFD_SETLK, &fl) == 0)
        return {};
    const int err = errno;
    ::close(fd);
    if (err == EAGAIN || err == EACCES)
        return {ErrorCode::InvalidArgument, output + " is being rendered by another ckrender process"};
    return {ErrorCode::Io, file + ": cannot lock: " + std::strerror(err)};
}

}  // namespace

OutputLock::~OutputLock()
{
    release();
}

OutputLock::OutputLock(OutputLock&& other) noexcept : m_held(std::move(other.m_held))
{
    other.m_held.clear();
}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept
{
    if (this != &other) {
        release();
        m_held = std::move(other.m_held);
        other.m_held.clear();
    }
    return *this;
}

void OutputLock::release()
{
    for (const Held& held : m_held)
        ::close(held.fd);  // closing the description drops its OFD locks
    m_held.clear();
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
        if (Status s = lock_byte(fd, file, output); !s)
            return s;
        lock.m_held.push_back({fd, output});
    }
    return lock;
}

Status OutputLock::renew()
{
    for (Held& held : m_held) {
        const std::string file = lock_file_for(held.output);
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            continue;  // no directory to lock in: the write fails and says so
        struct stat now = {}, was = {};
        if (::fstat(fd, &now) == 0 && ::fstat(held.fd, &was) == 0 && now.st_dev == was.st_dev &&
            now.st_ino == was.st_ino) {
            ::close(fd);  // still the file we hold the lock on
            continue;
        }
        if (Status s = lock_byte(fd, file, held.output); !s)
            return s;
        ::close(held.fd);
        held.fd = fd;
    }
    return {};
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
