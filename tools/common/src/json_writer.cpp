// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/json_writer.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ck::tool {

std::string json_quote(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

void JsonWriter::before_value()
{
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out += ',';
        m_first.back() = false;
    }
}

JsonWriter& JsonWriter::begin_object()
{
    before_value();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_object()
{
    m_out += '}';
    if (!m_first.empty())
        m_first.pop_back();
    return *this;
}

JsonWriter& JsonWriter::begin_array()
{
    before_value();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_array()
{
    m_out += ']';
    if (!m_first.empty())
        m_first.pop_back();
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    before_value();
    m_out += json_quote(name);
    m_out += ':';
    m_after_key = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
    before_value();
    m_out += json_quote(text);
    return *this;
}

JsonWriter& JsonWriter::value(bool b)
{
    before_value();
    m_out += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::value(int64_t v)
{
    before_value();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(uint64_t v)
{
    before_value();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(double v)
{
    before_value();
    if (!std::isfinite(v)) {
        m_out += "null";
        return *this;
    }
    // Shortest text that reads back as the same double.
    char buf[32];
    for (int precision = 6; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    m_out += buf;
    return *this;
}

JsonWriter& JsonWriter::null()
{
    before_value();
    m_out += "null";
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json)
{
    before_value();
    m_out += json;
    return *this;
}

}  // namespace ck::tool
