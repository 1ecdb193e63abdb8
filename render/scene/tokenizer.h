// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// RIB input and tokenizer (docs/scene-format.md, rib-subset.md rules 1-7 and 10).
// Input is read as bytes and gunzipped when it starts with 1F 8B, whatever the
// file name. The tokenizer never throws; problems come back as Error tokens.
#pragma once

#include "scene/scene.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace ck::scene::detail {

/// Largest RIB input accepted after decompression (bounds memory on gzip bombs).
constexpr std::size_t kMaxInputBytes = std::size_t(1) << 30;

/// Reads a file as bytes, gunzipping it when it starts with the gzip magic.
/// Returns false with a message (which names the file) on any failure,
/// including a gzip stream cut mid-member.
bool read_rib_bytes(const std::string& path, std::string& out, std::string& error);

/// Gunzips `in` (one or more gzip members). Returns false with a message on
/// corrupt or truncated data, or when the output would exceed kMaxInputBytes.
bool gunzip_bytes(std::string_view in, std::string& out, std::string& error);

/// The line and column just past the end of `text` (1-based), for errors
/// about input that stops early, such as a gzip stream cut mid-member.
SourceLoc end_of_text(const std::string& file, std::string_view text);

/// True when `data` starts with the gzip magic bytes 1F 8B.
bool is_gzip(std::string_view data);

enum class TokenKind {
    Name,        ///< Request name.
    Int,         ///< Integer number (value in `number`).
    Float,       ///< Floating-point number (value in `number`).
    String,      ///< Decoded string (value in `text`).
    ArrayBegin,  ///< [
    ArrayEnd,    ///< ]
    Eof,         ///< End of input.
    Error,       ///< Malformed input; message in `text`.
};

struct Token {
    TokenKind kind = TokenKind::Eof;
    std::string text;  ///< Name, decoded string, or error message.
    double number = 0.0;
    int line = 0;
    int column = 0;
    /// For Error tokens: true when the rest of the input cannot be tokenized
    /// (unterminated string, binary RIB), false for a bad word that was skipped.
    bool fatal = false;
};

/// Splits RIB text into tokens with 1-based line and column numbers.
class Tokenizer {
public:
    Tokenizer(std::string data, std::string file);

    /// The next token; Eof forever once the input is exhausted or after a fatal error.
    Token next();

    const std::string& file() const { return m_file; }

    /// "file" plus the token's line and column.
    SourceLoc loc(const Token& token) const { return {m_file, token.line, token.column}; }

private:
    bool at_end() const { return m_pos >= m_data.size(); }
    int column() const { return static_cast<int>(m_pos - m_line_start) + 1; }
    void skip_space_and_comments();
    void newline_at(std::size_t next_pos);
    Token read_string(int line, int col);
    Token read_word(int line, int col);
    Token make_error(int line, int col, std::string message, bool fatal);

    std::string m_data;
    std::string m_file;
    std::size_t m_pos = 0;
    std::size_t m_line_start = 0;
    int m_line = 1;
    bool m_dead = false;
};

}  // namespace ck::scene::detail
