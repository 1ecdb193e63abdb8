// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace ck {

/// What went wrong, coarse enough for a caller to choose an exit code.
enum class ErrorCode {
    Ok = 0,
    InvalidArgument,  ///< The caller passed something meaningless.
    NotFound,         ///< A file or key does not exist.
    Io,               ///< A read, write, flush, fsync or rename failed.
    PartialCommit,    ///< A commit failed after one or more renames: the new files are
                      ///< (partly) in place and recovery completes the commit (B2).
    Corrupt,          ///< The input exists but is damaged or malformed.
    Unsupported,      ///< The input is valid but uses something we do not handle.
    Internal,         ///< A bug or an exhausted resource (bad_alloc).
};

/// A success or a failure with a one-line, human-readable reason.
/// Library code returns this instead of printing, exiting or throwing.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(ErrorCode code, std::string message) : m_code(code), m_message(std::move(message)) {}

    static Status ok() { return {}; }

    bool is_ok() const { return m_code == ErrorCode::Ok; }
    explicit operator bool() const { return is_ok(); }
    ErrorCode code() const { return m_code; }
    /// The reason, empty on success.
    const std::string& message() const { return m_message; }

private:
    ErrorCode m_code = ErrorCode::Ok;
    std::string m_message;
};

/// A value or a Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Status status) : m_status(std::move(status)) {}  // NOLINT(google-explicit-constructor)

    bool is_ok() const { return m_value.has_value(); }
    explicit operator bool() const { return is_ok(); }
    const Status& status() const { return m_status; }

    /// The value; only call when is_ok().
    T& value() { return *m_value; }
    const T& value() const { return *m_value; }
    T& operator*() { return *m_value; }
    const T& operator*() const { return *m_value; }
    T* operator->() { return &*m_value; }
    const T* operator->() const { return &*m_value; }

private:
    std::optional<T> m_value;
    Status m_status;
};

}  // namespace ck
