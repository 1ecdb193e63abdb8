// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// One render per output: the advisory output lock, and that it dies with its
// process (kill -9 leaves no stale lock).
#include <ck/output_lock.h>

#include "../../support/temp_dir.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include <sys/wait.h>
#include <unistd.h>

namespace {

TEST(OutputLock, SecondAcquireIsRefusedUntilRelease)
{
    ck::test::TempDir dir;
    const std::string a = dir.file("a.exr"), b = dir.file("b.exr");
    EXPECT_FALSE(ck::output_in_use(a));
    auto first = ck::OutputLock::acquire({a});
    ASSERT_TRUE(first.is_ok()) << first.status().message();
    EXPECT_TRUE(ck::output_in_use(a));
    EXPECT_FALSE(ck::output_in_use(b)) << "locks are per output";

    auto second = ck::OutputLock::acquire({b, a});
    ASSERT_FALSE(second.is_ok());
    EXPECT_EQ(second.status().code(), ck::ErrorCode::InvalidArgument);
    EXPECT_NE(second.status().message().find("a.exr"), std::string::npos);
    EXPECT_FALSE(ck::output_in_use(b)) << "all or nothing: b was released again";

    first->release();
    EXPECT_FALSE(ck::output_in_use(a));
    EXPECT_TRUE(ck::OutputLock::acquire({a, b}).is_ok());
}

TEST(OutputLock, RenewLocksAgainInADirectoryThatVanishedAndCameBack)
{
    ck::test::TempDir dir;
    const std::filesystem::path out = dir.path() / "out";
    std::filesystem::create_directory(out);
    const std::string a = (out / "a.exr").string();
    auto held = ck::OutputLock::acquire({a});
    ASSERT_TRUE(held.is_ok()) << held.status().message();
    EXPECT_TRUE(held->renew().is_ok()) << "nothing changed: nothing to do";
    EXPECT_TRUE(ck::output_in_use(a));

    std::filesystem::remove_all(out);
    EXPECT_TRUE(held->renew().is_ok()) << "no directory: nothing to lock, no error";
    std::filesystem::create_directory(out);
    EXPECT_FALSE(ck::output_in_use(a)) << "the held lock is on the removed file";
    ASSERT_TRUE(held->renew().is_ok());
    EXPECT_TRUE(ck::output_in_use(a));
    EXPECT_FALSE(ck::OutputLock::acquire({a}).is_ok());

    // Someone else locked the new directory's file first: renew says who.
    std::filesystem::remove_all(out);
    std::filesystem::create_directory(out);
    auto other = ck::OutputLock::acquire({a});
    ASSERT_TRUE(other.is_ok());
    ck::Status s = held->renew();
    EXPECT_EQ(s.code(), ck::ErrorCode::InvalidArgument);
    EXPECT_NE(s.message().find("a.exr is being rendered by another ckrender process"),
              std::string::npos)
        << s.message();
}

TEST(OutputLock, DiesWithItsProcess)
{
    ck::test::TempDir dir;
    const std::string out = dir.file("shot.exr");
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        auto lock = ck::OutputLock::acquire({out});
        char c = lock.is_ok() ? 'y' : 'n';
        (void)!::write(ready[1], &c, 1);
        ::pause();
        ::_exit(0);
    }
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ASSERT_EQ(c, 'y');
    EXPECT_TRUE(ck::output_in_use(out));
    EXPECT_FALSE(ck::OutputLock::acquire({out}).is_ok());
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    EXPECT_FALSE(ck::output_in_use(out)) << "a killed holder leaves no stale lock";
    EXPECT_TRUE(ck::OutputLock::acquire({out}).is_ok());
    ::close(ready[0]);
    ::close(ready[1]);
}

TEST(OutputLock, MissingDirectoryIsAnIoError)
{
    ck::test::TempDir dir;
    auto lock = ck::OutputLock::acquire({dir.file("no/such/dir/x.exr")});
    ASSERT_FALSE(lock.is_ok());
    EXPECT_EQ(lock.status().code(), ck::ErrorCode::Io);
}

}  // namespace
