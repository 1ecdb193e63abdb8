// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// A small JSON writer for the tools' --json output (there is no JSON library
// among the dependencies). It tracks commas and nesting; the caller pairs
// begin/end calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ck::tool {

/// `text` as a JSON string literal, quotes included. Control characters are
/// escaped as \uXXXX; bytes >= 0x80 pass through (the input is taken as UTF-8).
std::string json_quote(std::string_view text);

/// Builds one JSON value in memory.
///
///     JsonWriter j;
///     j.begin_object().field("file", path).field("width", 1920);
///     j.key("channels").begin_array().value("R").value("G").end_array();
///     j.end_object();
///     print_out(j.str() + "\n");
class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();

    /// The key of the next value inside an object.
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(bool b);
    JsonWriter& value(int v) { return value(int64_t(v)); }
    JsonWriter& value(unsigned v) { return value(uint64_t(v)); }
    JsonWriter& value(int64_t v);
    JsonWriter& value(uint64_t v);
    /// Non-finite numbers (NaN, Inf) become null: JSON has no spelling for them.
    JsonWriter& value(double v);
    JsonWriter& null();
    /// Inserts an already serialised JSON value (e.g. one made by another JsonWriter).
    JsonWriter& raw(std::string_view json);

    /// key(name) then value(v).
    template <typename T>
    JsonWriter& field(std::string_view name, const T& v)
    {
        key(name);
        return value(v);
    }

    /// The text so far.
    const std::string& str() const { return m_out; }

private:
    void before_value();

    std::string m_out;
    std::vector<bool> m_first;  // one entry per open container: no element written yet
    bool m_after_key = false;
};

}  // namespace ck::tool
