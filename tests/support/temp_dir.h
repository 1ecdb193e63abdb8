// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// A fresh directory under the system temp dir, removed with everything in it
// when the object goes away. Every test that touches files gets its own.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ck::test {

class TempDir {
public:
    TempDir()
    {
        std::string templ = (std::filesystem::temp_directory_path() / "ck-test-XXXXXX").string();
        char* made = ::mkdtemp(templ.data());
        if (made)
            m_path = made;
    }
    ~TempDir()
    {
        std::error_code ec;
        if (!m_path.empty())
            std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    /// path() / name, as a string.
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

}  // namespace ck::test
