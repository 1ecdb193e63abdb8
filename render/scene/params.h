// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Request arguments, diagnostics and typed parameter lists (rib-subset.md rules 7-8):
// the Declare table, inline declarations "[class] type[[n]] name", and type
// inference for undeclared names.
#pragma once

#include "scene/parser.h"
#include "scene/scene.h"

#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ck::scene::detail {

/// Collects diagnostics, counts errors and remembers one-time warnings.
class Reporter {
public:
    Reporter(std::vector<Diagnostic>& out, int max_errors) : m_out(out), m_max_errors(max_errors) {}

    void error(const SourceLoc& loc, std::string message);
    void warning(const SourceLoc& loc, std::string message);
    /// Warns only the first time `key` is seen. Returns true when it warned.
    bool warn_once(const std::string& key, const SourceLoc& loc, std::string message);

    int error_count() const { return m_errors; }
    /// True once max_errors errors have been reported: parsing should stop.
    bool stopped() const { return m_stopped; }

private:
    std::vector<Diagnostic>& m_out;
    int m_max_errors;
    int m_errors = 0;
    bool m_stopped = false;
    std::set<std::string> m_warned;
};

/// One request argument: a bare number, a bare string, or a [ ] array.
struct Value {
    enum class Kind { Number, String, Array };
    Kind kind = Kind::Number;
    bool strings = false;  ///< Array of strings (an empty array has neither).
    bool all_int = true;   ///< Every number was written as an integer.
    std::vector<double> nums;
    std::vector<std::string> strs;
    int line = 0;
    int column = 0;

    bool is_numeric() const { return kind == Kind::Number || (kind == Kind::Array && !strings); }
    bool is_stringy() const
    {
        return kind == Kind::String || (kind == Kind::Array && (strings || nums.empty()));
    }
    std::size_t size() const { return strings || kind == Kind::String ? strs.size() : nums.size(); }
};

/// A request as read from the stream: its name, where it was written, and its arguments.
struct Request {
    std::string name;
    SourceLoc loc;
    std::vector<Value> args;

    SourceLoc arg_loc(std::size_t i) const
    {
        if (i >= args.size())
            return loc;
        return {loc.file, args[i].line, args[i].column};
    }
};

enum class ParamClass { Constant, Uniform, Varying, Vertex, FaceVarying, FaceVertex, Reference };

/// A declared parameter type: class, base type, components per element, [n].
struct TypeSpec {
    ParamClass cls = ParamClass::Uniform;
    bool class_given = false;
    ParamType type = ParamType::Float;
    int components = 1;  ///< Values per element: color/point/vector/normal 3, hpoint 4, matrix 16.
    int array_size = 1;  ///< [n], 1 when not an array.
    bool lenient = false;  ///< struct: any values accepted.
    std::string type_name;

    int values_per_item() const { return components * array_size; }
    bool is_string() const { return type == ParamType::String; }
    bool is_int() const { return type == ParamType::Int || type == ParamType::Bool; }
};

/// Parses "[class] type[[n]]" (when `name` is null) or "[class] type[[n]] name".
/// Returns false with a message when `text` is not a valid declaration.
bool parse_type_spec(std::string_view text, TypeSpec& spec, std::string* name, std::string& error);

/// The Declare table, seeded with RenderMan's standard tokens.
class DeclTable {
public:
    DeclTable();
    void declare(const std::string& name, const TypeSpec& spec) { m_table[name] = spec; }
    const TypeSpec* find(const std::string& name) const;

private:
    std::unordered_map<std::string, TypeSpec> m_table;
};

/// A parsed parameter: the raw scene Param plus its class and element size.
struct ParsedParam {
    Param param;
    ParamClass cls = ParamClass::Uniform;
    int components = 1;
    bool inferred = false;  ///< Undeclared name: the type was inferred from the values.
    /// Where the value starts: its opening quote (the one after '[' for an array).
    SourceLoc value_loc;

    std::size_t count() const
    {
        return param.type == ParamType::String
                   ? param.strings.size()
                   : (param.type == ParamType::Int || param.type == ParamType::Bool
                          ? param.ints.size()
                          : param.floats.size());
    }
    /// Values as floats (ints promoted).
    std::vector<float> as_floats() const;
};

class ParamList {
public:
    std::vector<ParsedParam> items;

    const ParsedParam* find(std::string_view name) const;
    bool has(std::string_view name) const { return find(name) != nullptr; }
    /// Typed lookups with defaults. A reference parameter reads as absent.
    float get_float(std::string_view name, float def) const;
    int get_int(std::string_view name, int def) const;
    C3f get_color(std::string_view name, C3f def) const;
    V3f get_point(std::string_view name, V3f def) const;
    std::string get_string(std::string_view name, const std::string& def) const;
};

/// How strictly to check value counts.
enum class ParamUse {
    Shader,  ///< Shader/option/attribute parameter: exactly one item of the declared size.
    Primvar  ///< Geometry: a multiple of the element size (the class decides the count later).
};

/// Parses the (name, value) pairs of `req` from argument `first` on. Reports
/// problems (unknown type, odd counts, strings vs numbers) at file:line:col and
/// skips the bad parameter. Undeclared names get a type inferred from their values
/// and one warning per name. Returns false if any parameter was bad.
bool parse_param_list(const Request& req, std::size_t first, const DeclTable& decls,
                      ParamUse use, Reporter& reporter, ParamList& out);

}  // namespace ck::scene::detail
