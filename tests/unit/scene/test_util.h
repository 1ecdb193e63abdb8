// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Helpers for the scene tests: parsing strings, finding diagnostics, temp dirs, gzip.
#pragma once

#include "scene/parser.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace ck::scene::test {

inline ParseResult parse(std::string_view text, const std::string& name = "test.rib",
                         const ParseOptions& options = {})
{
    return parse_rib_string(text, name, options);
}

/// Diagnostics whose message contains `needle`.
inline std::vector<Diagnostic> find_diags(const ParseResult& r, const std::string& needle,
                                          Diagnostic::Severity sev)
{
    std::vector<Diagnostic> out;
    for (const Diagnostic& d : r.diagnostics)
        if (d.severity == sev && d.message.find(needle) != std::string::npos)
            out.push_back(d);
    return out;
}

inline std::vector<Diagnostic> errors_with(const ParseResult& r, const std::string& needle)
{
    return find_diags(r, needle, Diagnostic::Severity::Error);
}

inline std::vector<Diagnostic> warnings_with(const ParseResult& r, const std::string& needle)
{
    return find_diags(r, needle, Diagnostic::Severity::Warning);
}

/// Every diagnostic, one per line, for failure messages.
inline std::string dump(const ParseResult& r)
{
    std::string s;
    for (const Diagnostic& d : r.diagnostics)
        s += d.str() + "\n";
    return s;
}

/// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
public:
    TempDir()
    {
        static std::atomic<int> counter{0};
        auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        m_path = std::filesystem::temp_directory_path() /
                 ("ck_scene_test_" + std::to_string(stamp) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

    std::string write(const std::string& name, std::string_view bytes) const
    {
        std::filesystem::path p = m_path / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return p.string();
    }

private:
    std::filesystem::path m_path;
};

/// gzip-compresses `text` (one member).
inline std::string gzip(std::string_view text)
{
    z_stream zs{};
    deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// A minimal complete scene around `world_body`.
inline std::string scene_with(const std::string& world_body, const std::string& options = "")
{
    return "Display \"out.exr\" \"openexr\" \"rgba\"\n" + options + "WorldBegin\n" + world_body +
           "\nWorldEnd\n";
}

}  // namespace ck::scene::test
