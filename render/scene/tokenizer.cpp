// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/tokenizer.h"

#include <zlib.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <limits>
#include <system_error>

namespace ck::scene::detail {

namespace {

bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_delimiter(unsigned char c)
{
    return is_space(c) || c == '"' || c == '[' || c == ']' || c == '#';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string hex_byte(unsigned char c)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(c));
    return buf;
}

/// Matches rib-subset.md rule 5: [+-]? (digits[.digits*] | .digits) ([eE][+-]?digits)?
/// Returns false when `w` is not a number; `is_float` says whether it has a '.' or exponent.
bool match_number(std::string_view w, bool& is_float)
{
    std::size_t i = 0;
    is_float = false;
    if (i < w.size() && (w[i] == '+' || w[i] == '-'))
        ++i;
    std::size_t int_digits = 0;
    while (i < w.size() && is_digit(w[i])) {
        ++i;
        ++int_digits;
    }
    std::size_t frac_digits = 0;
    if (i < w.size() && w[i] == '.') {
        is_float = true;
        ++i;
        while (i < w.size() && is_digit(w[i])) {
            ++i;
            ++frac_digits;
        }
    }
    if (int_digits + frac_digits == 0)
        return false;
    if (i < w.size() && (w[i] == 'e' || w[i] == 'E')) {
        is_float = true;
        ++i;
        if (i < w.size() && (w[i] == '+' || w[i] == '-'))
            ++i;
        std::size_t exp_digits = 0;
        while (i < w.size() && is_digit(w[i])) {
            ++i;
            ++exp_digits;
        }
        if (exp_digits == 0)
            return false;
    }
    return i == w.size();
}

}  // namespace

bool is_gzip(std::string_view data)
{
    return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1F &&
           static_cast<unsigned char>(data[1]) == 0x8B;
}

bool gunzip_bytes(std::string_view in, std::string& out, std::string& error)
{
    out.clear();
    z_stream zs{};
    // 16 + MAX_WBITS: accept the gzip wrapper only (the caller checked the magic).
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        error = "cannot initialise zlib";
        return false;
    }

    std::size_t consumed = 0;
    bool member_done = false;
    char buf[65536];
    for (;;) {
        // zlib counts in uInt; feed at most 1 GiB at a time.
        std::size_t avail = in.size() - consumed;
        std::size_t chunk = avail < (std::size_t(1) << 30) ? avail : (std::size_t(1) << 30);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
        zs.avail_in = static_cast<uInt>(chunk);
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        int rc = inflate(&zs, Z_NO_FLUSH);
        consumed += chunk - zs.avail_in;
        std::size_t produced = sizeof buf - zs.avail_out;
        if (out.size() + produced > kMaxInputBytes) {
            inflateEnd(&zs);
            error = "decompressed size exceeds " + std::to_string(kMaxInputBytes >> 20) + " MiB";
            return false;
        }
        out.append(buf, produced);

        if (rc == Z_STREAM_END) {
            member_done = true;
            // Concatenated members are legal gzip; anything else after the end is ignored.
            std::string_view rest = in.substr(consumed);
            if (!is_gzip(rest))
                break;
            inflateReset(&zs);
            member_done = false;
            continue;
        }
        if (rc == Z_BUF_ERROR && produced == 0 && consumed == in.size())
            break;  // Input exhausted mid-member.
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            error = std::string("corrupt gzip data (") + (zs.msg ? zs.msg : "inflate failed") + ")";
            inflateEnd(&zs);
            return false;
        }
    }
    inflateEnd(&zs);
    if (!member_done) {
        error = "gzip stream is truncated (cut mid-member after " + std::to_string(in.size()) +
                " compressed bytes; the text decompressed so far ends here)";
        return false;
    }
    return true;
}

SourceLoc end_of_text(const std::string& file, std::string_view text)
{
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    return SourceLoc{file, line, static_cast<int>(text.size() - line_start) + 1};
}

bool read_rib_bytes(const std::string& path, std::string& out, std::string& error)
{
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        error = path + ": cannot open file";
        return false;
    }
    file.seekg(0, std::ios::end);
    std::streamoff size = file.tellg();
    if (size < 0) {
        error = path + ": cannot read file";
        return false;
    }
    if (static_cast<unsigned long long>(size) > kMaxInputBytes) {
        error = path + ": file is larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB";
        return false;
    }
    file.seekg(0, std::ios::beg);
    std::string raw(static_cast<std::size_t>(size), '\0');
    if (size > 0 && !file.read(raw.data(), size)) {
        error = path + ": read error";
        return false;
    }

    if (!is_gzip(raw)) {
        out = std::move(raw);
        return true;
    }
    std::string gz_error;
    if (!gunzip_bytes(raw, out, gz_error)) {
        error = path + ": " + gz_error;
        return false;
    }
    return true;
}

Tokenizer::Tokenizer(std::string data, std::string file)
    : m_data(std::move(data)), m_file(std::move(file))
{
}

void Tokenizer::newline_at(std::size_t next_pos)
{
    ++m_line;
    m_line_start = next_pos;
}

void Tokenizer::skip_space_and_comments()
{
    while (!at_end()) {
        char c = m_data[m_pos];
        if (c == '\n') {
            ++m_pos;
            newline_at(m_pos);
        } else if (c == '\r') {
            // CRLF counts once (at the LF); a lone CR (old Mac files) is a line end too.
            ++m_pos;
            if (at_end() || m_data[m_pos] != '\n')
                newline_at(m_pos);
        } else if (is_space(static_cast<unsigned char>(c))) {
            ++m_pos;
        } else if (c == '#') {
            // Comments and ## structure lines run to the end of the line (or input).
            while (!at_end() && m_data[m_pos] != '\n' && m_data[m_pos] != '\r')
                ++m_pos;
        } else {
            return;
        }
    }
}

Token Tokenizer::make_error(int line, int col, std::string message, bool fatal)
{
    Token t;
    t.kind = TokenKind::Error;
    t.text = std::move(message);
    t.line = line;
    t.column = col;
    t.fatal = fatal;
    if (fatal)
        m_dead = true;
    return t;
}

Token Tokenizer::next()
{
    if (m_dead)
        return Token{TokenKind::Eof, {}, 0.0, m_line, column(), false};
    skip_space_and_comments();

    Token t;
    t.line = m_line;
    t.column = column();
    if (at_end()) {
        t.kind = TokenKind::Eof;
        return t;
    }

    unsigned char c = static_cast<unsigned char>(m_data[m_pos]);
    if (c == '[') {
        ++m_pos;
        t.kind = TokenKind::ArrayBegin;
        return t;
    }
    if (c == ']') {
        ++m_pos;
        t.kind = TokenKind::ArrayEnd;
        return t;
    }
    if (c == '"') {
        ++m_pos;
        return read_string(t.line, t.column);
    }
    if (c >= 0x80) {
        // Binary RIB encodes tokens in bytes >= 0x80; v1 does not decode them (rule 10).
        return make_error(t.line, t.column,
                          "binary RIB not supported (byte " + hex_byte(c) + " at offset " +
                              std::to_string(m_pos) + ")",
                          true);
    }
    if (c < 0x20 || c == 0x7F) {
        ++m_pos;
        return make_error(t.line, t.column,
                          "unexpected control byte " + hex_byte(c) + " at offset " +
                              std::to_string(m_pos - 1),
                          false);
    }
    return read_word(t.line, t.column);
}

Token Tokenizer::read_string(int line, int col)
{
    Token t;
    t.kind = TokenKind::String;
    t.line = line;
    t.column = col;
    std::string& s = t.text;
    while (!at_end()) {
        char c = m_data[m_pos++];
        if (c == '"')
            return t;
        if (c == '\n') {
            newline_at(m_pos);
            s += c;
            continue;
        }
        if (c == '\r') {
            if (at_end() || m_data[m_pos] != '\n')
                newline_at(m_pos);
            s += c;
            continue;
        }
        if (c != '\\') {
            s += c;
            continue;
        }
        if (at_end())
            break;
        char e = m_data[m_pos];
        switch (e) {
        case '"': s += '"'; ++m_pos; break;
        case '\\': s += '\\'; ++m_pos; break;
        case 'n': s += '\n'; ++m_pos; break;
        case 't': s += '\t'; ++m_pos; break;
        case 'r': s += '\r'; ++m_pos; break;
        case 'b': s += '\b'; ++m_pos; break;
        case 'f': s += '\f'; ++m_pos; break;
        default:
            if (e >= '0' && e <= '7') {
                int value = 0;
                for (int k = 0; k < 3 && !at_end() && m_data[m_pos] >= '0' && m_data[m_pos] <= '7';
                     ++k)
                    value = value * 8 + (m_data[m_pos++] - '0');
                s += static_cast<char>(value & 0xFF);
            } else {
                // Unknown escapes stay verbatim so Windows paths (C:\dir\x) survive (rule 6).
                // The escaped character itself is read by the next loop turn.
                s += '\\';
            }
            break;
        }
    }
    return make_error(line, col, "unterminated string (starts here, runs to end of input)", true);
}

Token Tokenizer::read_word(int line, int col)
{
    std::size_t start = m_pos;
    bool numeric = m_data[m_pos] == '+' || m_data[m_pos] == '-' || m_data[m_pos] == '.' ||
                   is_digit(m_data[m_pos]);
    while (!at_end()) {
        unsigned char c = static_cast<unsigned char>(m_data[m_pos]);
        // MSVC prints NaN and infinity as 1.#QNAN, -1.#IND, 1.#INF: keep the '#' in the
        // word so they are rejected as numbers instead of read as "1." plus a comment.
        if (c == '#' && numeric && m_pos > start && m_data[m_pos - 1] == '.') {
            ++m_pos;
            continue;
        }
        if (is_delimiter(c) || c < 0x20 || c >= 0x7F)
            break;
        ++m_pos;
    }
    std::string_view word(m_data.data() + start, m_pos - start);

    Token t;
    t.line = line;
    t.column = col;
    if (!numeric) {
        t.kind = TokenKind::Name;
        t.text = std::string(word);
        return t;
    }

    bool is_float = false;
    if (!match_number(word, is_float))
        return make_error(line, col, "malformed number \"" + std::string(word) + "\"", false);

    std::string_view digits = word;
    if (!digits.empty() && digits[0] == '+')
        digits.remove_prefix(1);
    if (!is_float) {
        long long value = 0;
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc() || ptr != digits.data() + digits.size() ||
            value > std::numeric_limits<int>::max() || value < std::numeric_limits<int>::min())
            return make_error(line, col, "integer overflow \"" + std::string(word) + "\"", false);
        t.kind = TokenKind::Int;
        t.number = static_cast<double>(value);
        return t;
    }

    double value = 0.0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range) {
        // Underflow reads as zero; overflow is an error.
        bool tiny = word.find_first_of("eE") != std::string_view::npos &&
                    word.find("e-") != std::string_view::npos;
        if (!tiny && word.find("E-") == std::string_view::npos)
            return make_error(line, col, "number out of range \"" + std::string(word) + "\"",
                              false);
        value = 0.0;
    } else if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        return make_error(line, col, "malformed number \"" + std::string(word) + "\"", false);
    }
    if (value > std::numeric_limits<float>::max() || value < -std::numeric_limits<float>::max())
        return make_error(line, col, "number out of range \"" + std::string(word) + "\"", false);
    t.kind = TokenKind::Float;
    t.number = value;
    return t;
}

}  // namespace ck::scene::detail
