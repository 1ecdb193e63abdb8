// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Private to libimage: how typed metadata is written, read strictly and
// serialised for a hash. Shared by the checkpoint header (checkpoint.cpp) and
// the provenance record of finals (provenance.cpp).
#pragma once

#include <ck/checkpoint_format.h>

#include <OpenImageIO/imageio.h>

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace ck::detail {

/// A checkpoint-only key: the ck: namespace (taken from a key, so that keys
/// stay spelled only in checkpoint_format.h) or checkpointElapsed.
inline bool is_checkpoint_key(std::string_view name)
{
    const std::string_view state = format::kKeyState;
    const std::string_view ns = state.substr(0, state.find(':') + 1);  // "ck:"
    return name.substr(0, ns.size()) == ns || name == format::kCheckpointElapsed;
}

inline std::string u64_text(uint64_t v)
{
    return std::to_string(v);
}

inline std::string hex64(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
    return buf;
}

inline bool parse_u64(const std::string& text, uint64_t& out, int base = 10)
{
    if (text.empty() || text.size() > 20)
        return false;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), &end, base);
    if (errno != 0 || *end != '\0' || text[0] == '-' || text[0] == '+' || text[0] == ' ')
        return false;
    out = v;
    return true;
}

inline void set_double(OIIO::ImageSpec& spec, const char* key, double value)
{
    spec.attribute(key, OIIO::TypeDesc::DOUBLE, &value);
}

// One record of the header hash text: KEY=LENGTH:VALUE\n (LENGTH in bytes, so a
// value may hold any byte, '\n' and '=' included, without ambiguity).
inline void put_record(std::string& out, const char* key, const std::string& value)
{
    out += key;
    out += '=';
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '\n';
}

// Floating-point values by their bits, so that the hash sees exactly what is stored.
inline std::string float_bits(float v)
{
    uint32_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08" PRIx32, bits);
    return buf;
}

inline std::string double_bits(double v)
{
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    return hex64(bits);
}

// Reads a typed attribute strictly: it must exist with exactly this type.
class StrictReader {
public:
    explicit StrictReader(const OIIO::ImageSpec& spec) : m_spec(spec) {}

    bool str(const char* key, std::string& out)
    {
        const OIIO::ParamValue* p = m_spec.find_attribute(key, OIIO::TypeString);
        if (!p)
            return fail(key);
        out = p->get_string();
        return true;
    }
    bool integer(const char* key, int& out)
    {
        const OIIO::ParamValue* p = m_spec.find_attribute(key, OIIO::TypeInt);
        if (!p)
            return fail(key);
        out = p->get_int();
        return true;
    }
    bool real(const char* key, float& out)
    {
        const OIIO::ParamValue* p = m_spec.find_attribute(key, OIIO::TypeFloat);
        if (!p)
            return fail(key);
        out = p->get_float();
        return true;
    }
    bool real(const char* key, double& out)
    {
        const OIIO::ParamValue* p = m_spec.find_attribute(key, OIIO::TypeDesc::DOUBLE);
        if (!p)
            return fail(key);
        out = *static_cast<const double*>(p->data());
        return true;
    }
    bool u64(const char* key, uint64_t& out, int base = 10)
    {
        std::string text;
        if (!str(key, text))
            return false;
        if (!parse_u64(text, out, base))
            return fail(key, "is not a number: \"" + text + "\"");
        return true;
    }

    const std::string& error() const { return m_error; }

private:
    bool fail(const char* key, const std::string& why = "")
    {
        if (m_error.empty())
            m_error = std::string("attribute \"") + key + "\" " +
                      (why.empty() ? "missing or of the wrong type" : why);
        return false;
    }

    const OIIO::ImageSpec& m_spec;
    std::string m_error;
};

}  // namespace ck::detail
