// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/params.h"

#include <cmath>
#include <cctype>
#include <cstdlib>

namespace ck::scene::detail {

// ---------------------------------------------------------------------------
// Reporter

void Reporter::error(const SourceLoc& loc, std::string message)
{
    if (m_stopped)
        return;
    m_out.push_back({Diagnostic::Severity::Error, loc, std::move(message)});
    if (++m_errors >= m_max_errors) {
        m_stopped = true;
        m_out.push_back({Diagnostic::Severity::Error, loc,
                         "too many errors (" + std::to_string(m_errors) + "), giving up"});
    }
}

void Reporter::warning(const SourceLoc& loc, std::string message)
{
    if (m_stopped)
        return;
    m_out.push_back({Diagnostic::Severity::Warning, loc, std::move(message)});
}

bool Reporter::warn_once(const std::string& key, const SourceLoc& loc, std::string message)
{
    if (!m_warned.insert(key).second)
        return false;
    warning(loc, std::move(message));
    return true;
}

// ---------------------------------------------------------------------------
// Types

namespace {

std::vector<std::string_view> split_words(std::string_view text)
{
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        if (i > start)
            words.push_back(text.substr(start, i - start));
    }
    return words;
}

bool parse_class(std::string_view w, ParamClass& cls)
{
    if (w == "constant")
        cls = ParamClass::Constant;
    else if (w == "uniform")
        cls = ParamClass::Uniform;
    else if (w == "varying")
        cls = ParamClass::Varying;
    else if (w == "vertex")
        cls = ParamClass::Vertex;
    else if (w == "facevarying")
        cls = ParamClass::FaceVarying;
    else if (w == "facevertex")
        cls = ParamClass::FaceVertex;
    else if (w == "reference")
        cls = ParamClass::Reference;
    else
        return false;
    return true;
}

bool parse_base_type(std::string_view w, TypeSpec& spec)
{
    struct Entry {
        const char* name;
        ParamType type;
        int components;
    };
    static const Entry kTypes[] = {
        {"float", ParamType::Float, 1},   {"int", ParamType::Int, 1},
        {"integer", ParamType::Int, 1},   {"string", ParamType::String, 1},
        {"color", ParamType::Color, 3},   {"point", ParamType::Point, 3},
        {"vector", ParamType::Vector, 3}, {"normal", ParamType::Normal, 3},
        {"hpoint", ParamType::HPoint, 4}, {"matrix", ParamType::Matrix, 16},
        {"mpoint", ParamType::Matrix, 16}, {"bool", ParamType::Bool, 1},
        {"float2", ParamType::Float, 2},  {"float3", ParamType::Float, 3},
        {"struct", ParamType::String, 1},
    };
    for (const Entry& e : kTypes) {
        if (w == e.name) {
            spec.type = e.type;
            spec.components = e.components;
            spec.type_name = e.name;
            spec.lenient = w == "struct";
            return true;
        }
    }
    return false;
}

}  // namespace

bool parse_type_spec(std::string_view text, TypeSpec& spec, std::string* name, std::string& error)
{
    spec = TypeSpec{};
    std::vector<std::string_view> words = split_words(text);
    std::size_t i = 0;
    if (i < words.size() && parse_class(words[i], spec.cls)) {
        spec.class_given = true;
        ++i;
    }
    if (i >= words.size()) {
        error = "missing type";
        return false;
    }

    // The type, possibly with [n] attached ("float[2]") or as the next word ("float [2]").
    std::string_view type_word = words[i++];
    std::string_view array_part;
    std::size_t bracket = type_word.find('[');
    if (bracket != std::string_view::npos) {
        array_part = type_word.substr(bracket);
        type_word = type_word.substr(0, bracket);
    } else if (i < words.size() && !words[i].empty() && words[i][0] == '[') {
        array_part = words[i++];
    }
    if (!parse_base_type(type_word, spec)) {
        error = "unknown type \"" + std::string(type_word) + "\"";
        return false;
    }
    if (!array_part.empty()) {
        if (array_part.size() < 3 || array_part.back() != ']') {
            error = "malformed array size \"" + std::string(array_part) + "\"";
            return false;
        }
        std::string digits(array_part.substr(1, array_part.size() - 2));
        char* end = nullptr;
        long n = std::strtol(digits.c_str(), &end, 10);
        if (end == digits.c_str() || *end != '\0' || n < 1 || n > (1 << 20)) {
            error = "bad array size \"" + std::string(array_part) + "\"";
            return false;
        }
        spec.array_size = static_cast<int>(n);
    }

    if (name) {
        if (i >= words.size()) {
            error = "missing parameter name";
            return false;
        }
        *name = std::string(words[i++]);
    }
    if (i != words.size()) {
        error = "unexpected \"" + std::string(words[i]) + "\"";
        return false;
    }
    return true;
}

DeclTable::DeclTable()
{
    // RenderMan's standard tokens plus the option, attribute and RIS names the parser uses.
    static const char* const kStandard[][2] = {
        {"Ka", "uniform float"}, {"Kd", "uniform float"}, {"Ks", "uniform float"},
        {"Kr", "uniform float"}, {"roughness", "uniform float"},
        {"specularcolor", "uniform color"}, {"intensity", "uniform float"},
        {"lightcolor", "uniform color"}, {"from", "uniform point"}, {"to", "uniform point"},
        {"coneangle", "uniform float"}, {"conedeltaangle", "uniform float"},
        {"beamdistribution", "uniform float"}, {"fov", "uniform float"},
        {"texturename", "uniform string"}, {"shadowname", "uniform string"},
        {"background", "uniform color"}, {"amplitude", "uniform float"},
        {"mindistance", "uniform float"}, {"maxdistance", "uniform float"},
        {"distance", "uniform float"},
        {"P", "vertex point"}, {"Pz", "vertex float"}, {"Pw", "vertex hpoint"},
        {"N", "varying normal"}, {"Np", "uniform normal"}, {"Cs", "varying color"},
        {"Os", "varying color"}, {"s", "varying float"}, {"t", "varying float"},
        {"st", "varying float[2]"}, {"width", "varying float"},
        {"constantwidth", "constant float"},
        // Options and attributes.
        {"name", "uniform string"}, {"sphere", "uniform float"},
        {"coordinatesystem", "uniform string"}, {"truedisplacement", "uniform int"},
        {"bucketsize", "uniform int[2]"}, {"gridsize", "uniform int"},
        {"texturememory", "uniform int"}, {"shader", "uniform string"},
        {"texture", "uniform string"}, {"archive", "uniform string"},
        {"procedural", "uniform string"}, {"display", "uniform string"},
        {"resource", "uniform string"}, {"maxdepth", "uniform int"},
        {"camera", "uniform int"}, {"indirect", "uniform int"},
        {"transmission", "uniform int"}, {"diffuse", "uniform int"},
        {"specular", "uniform int"}, {"trace", "uniform int"}, {"photon", "uniform int"},
        {"incremental", "uniform int"}, {"minsamples", "uniform int"},
        {"maxsamples", "uniform int"}, {"seed", "uniform int"},
        {"pixelvariance", "uniform float"}, {"jitter", "uniform int"},
        {"interval", "uniform string"}, {"exitat", "uniform string"},
        {"asfinal", "uniform int"}, {"command", "uniform string"},
        {"commandtimeout", "uniform string"},
        {"compression", "uniform string"}, {"exrcompression", "uniform string"},
        {"quantize", "uniform float[4]"}, {"dither", "uniform float"},
        {"origin", "uniform int[2]"}, {"maxdiffusedepth", "uniform int"},
        {"maxspeculardepth", "uniform int"}, {"order", "uniform string"},
        {"varsubst", "uniform string"}, {"endofframe", "uniform int"},
        // RIS.
        {"maxPathLength", "uniform int"}, {"exposure", "uniform float"},
        {"lightColor", "uniform color"}, {"lightColorMap", "uniform string"},
        {"lightGroup", "uniform string"},
        {"angleExtent", "uniform float"}, {"diffuseColor", "uniform color"},
        {"diffuseGain", "uniform float"}, {"baseColor", "uniform color"},
        {"metallic", "uniform float"}, {"emitColor", "uniform color"},
        {"specularFaceColor", "uniform color"}, {"specularEdgeColor", "uniform color"},
        {"specularRoughness", "uniform float"}, {"refractionGain", "uniform float"},
        {"glassIor", "uniform float"}, {"glassRoughness", "uniform float"},
        {"reflectionColor", "uniform color"}, {"transmissionColor", "uniform color"},
        {"tint", "uniform color"}, {"specularColor", "uniform color"},
    };
    for (const auto& entry : kStandard) {
        TypeSpec spec;
        std::string err;
        parse_type_spec(entry[1], spec, nullptr, err);
        m_table[entry[0]] = spec;
    }
    // RIS parameters written as a float in one shader and a colour in another: any numbers.
    for (const char* name : {"refractionIndex", "extinction", "ior", "eta", "kappa"}) {
        TypeSpec spec;
        spec.lenient = true;
        spec.type_name = "float or color";
        m_table[name] = spec;
    }
}

const TypeSpec* DeclTable::find(const std::string& name) const
{
    auto it = m_table.find(name);
    return it == m_table.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------
// Parameter lists

std::vector<float> ParsedParam::as_floats() const
{
    if (param.type == ParamType::Int || param.type == ParamType::Bool)
        return std::vector<float>(param.ints.begin(), param.ints.end());
    if (param.type == ParamType::String)
        return {};
    return param.floats;
}

const ParsedParam* ParamList::find(std::string_view name) const
{
    // The last occurrence wins, as when a parameter is repeated.
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
        if (it->param.name == name)
            return it->cls == ParamClass::Reference ? nullptr : &*it;
    }
    return nullptr;
}

float ParamList::get_float(std::string_view name, float def) const
{
    const ParsedParam* p = find(name);
    if (!p)
        return def;
    std::vector<float> v = p->as_floats();
    return v.empty() ? def : v[0];
}

int ParamList::get_int(std::string_view name, int def) const
{
    const ParsedParam* p = find(name);
    if (!p)
        return def;
    if (!p->param.ints.empty())
        return p->param.ints[0];
    if (!p->param.floats.empty())
        return static_cast<int>(p->param.floats[0]);
    return def;
}

C3f ParamList::get_color(std::string_view name, C3f def) const
{
    const ParsedParam* p = find(name);
    if (!p)
        return def;
    std::vector<float> v = p->as_floats();
    if (v.size() >= 3)
        return C3f(v[0], v[1], v[2]);
    if (v.size() == 1)
        return C3f(v[0], v[0], v[0]);
    return def;
}

V3f ParamList::get_point(std::string_view name, V3f def) const
{
    const ParsedParam* p = find(name);
    if (!p)
        return def;
    std::vector<float> v = p->as_floats();
    return v.size() >= 3 ? V3f(v[0], v[1], v[2]) : def;
}

std::string ParamList::get_string(std::string_view name, const std::string& def) const
{
    const ParsedParam* p = find(name);
    if (!p || p->param.strings.empty())
        return def;
    return p->param.strings[0];
}

namespace {

/// Infers a type for an undeclared name from its values.
TypeSpec infer_type(const Value& v)
{
    TypeSpec spec;
    if (v.is_stringy() && (v.kind == Value::Kind::String || v.strings)) {
        spec.type = ParamType::String;
        spec.type_name = "string";
    } else if (v.all_int && !v.nums.empty()) {
        spec.type = ParamType::Int;
        spec.type_name = "int";
    } else {
        spec.type = ParamType::Float;
        spec.type_name = "float";
    }
    std::size_t n = v.size();
    spec.array_size = n > 1 ? static_cast<int>(n) : 1;
    return spec;
}

std::string describe(const TypeSpec& spec)
{
    std::string s = spec.type_name;
    if (spec.array_size > 1)
        s += "[" + std::to_string(spec.array_size) + "]";
    return s;
}

}  // namespace

bool parse_param_list(const Request& req, std::size_t first, const DeclTable& decls,
                      ParamUse use, Reporter& reporter, ParamList& out)
{
    bool ok = true;
    std::size_t i = first;
    while (i < req.args.size()) {
        const Value& key = req.args[i];
        SourceLoc key_loc = req.arg_loc(i);
        if (key.kind != Value::Kind::String) {
            reporter.error(key_loc, req.name + ": expected a parameter name (string), found " +
                                        (key.kind == Value::Kind::Number ? "a number"
                                                                         : "an array"));
            return false;
        }
        if (i + 1 >= req.args.size()) {
            reporter.error(key_loc,
                           req.name + ": parameter \"" + key.strs[0] + "\" has no value");
            return false;
        }
        const Value& val = req.args[i + 1];
        SourceLoc val_loc = req.arg_loc(i + 1);
        i += 2;

        // Name: inline declaration, Declare'd name, or undeclared (inferred).
        const std::string& raw = key.strs[0];
        TypeSpec spec;
        std::string name = raw;
        bool inferred = false;
        if (raw.find_first_of(" \t\n") != std::string::npos) {
            std::string err;
            if (!parse_type_spec(raw, spec, &name, err)) {
                reporter.error(key_loc, req.name + ": bad inline declaration \"" + raw +
                                            "\": " + err);
                ok = false;
                continue;
            }
        } else if (const TypeSpec* declared = decls.find(raw)) {
            spec = *declared;
        } else {
            spec = infer_type(val);
            inferred = true;
            reporter.warn_once("undeclared:" + raw, key_loc,
                               req.name + ": parameter \"" + raw +
                                   "\" is not declared; assuming " + describe(spec));
        }

        ParsedParam pp;
        pp.param.name = name;
        pp.param.type = spec.type;
        pp.param.array_size = spec.array_size;
        pp.param.loc = key_loc;
        // The first character of the first string value ('[' skipped when
        // the value is an array written "[\"..."]").
        pp.value_loc = val_loc;
        if (val.kind == Value::Kind::Array)
            ++pp.value_loc.column;
        pp.cls = spec.cls;
        pp.components = spec.components;
        pp.inferred = inferred;

        // Reference parameters hold "handle:output" strings whatever their type.
        if (spec.cls == ParamClass::Reference) {
            if (!val.is_stringy()) {
                reporter.error(val_loc, req.name + ": reference parameter \"" + name +
                                            "\" expects a string \"handle:output\"");
                ok = false;
                continue;
            }
            pp.param.strings = val.strs;
            out.items.push_back(std::move(pp));
            continue;
        }

        bool want_string = spec.is_string();
        if (spec.lenient)
            want_string = val.kind == Value::Kind::String || val.strings;
        if (want_string) {
            if (!val.is_stringy()) {
                reporter.error(val_loc, req.name + ": parameter \"" + name +
                                            "\" expects strings, found numbers");
                ok = false;
                continue;
            }
            pp.param.type = ParamType::String;
            pp.param.strings = val.strs;
        } else {
            if (!val.is_numeric()) {
                reporter.error(val_loc, req.name + ": parameter \"" + name + "\" (" +
                                            describe(spec) + ") expects numbers, found strings");
                ok = false;
                continue;
            }
            if (spec.is_int()) {
                if (!val.all_int) {
                    reporter.error(val_loc, req.name + ": parameter \"" + name +
                                                "\" expects integers, found a float");
                    ok = false;
                    continue;
                }
                pp.param.ints.reserve(val.nums.size());
                for (double d : val.nums)
                    pp.param.ints.push_back(static_cast<int>(d));
            } else {
                if (spec.lenient)
                    pp.param.type = ParamType::Float;
                pp.param.floats.reserve(val.nums.size());
                for (double d : val.nums)
                    pp.param.floats.push_back(static_cast<float>(d));
            }
        }

        // Counts: one item for shader parameters, whole elements for primvars.
        std::size_t n = pp.count();
        std::size_t per_item = static_cast<std::size_t>(spec.values_per_item());
        if (!spec.lenient && !inferred) {
            bool bad = use == ParamUse::Shader ? n != per_item : n % spec.components != 0;
            if (bad) {
                std::string expect =
                    use == ParamUse::Shader
                        ? std::to_string(per_item)
                        : "a multiple of " + std::to_string(spec.components);
                reporter.error(val_loc, req.name + ": parameter \"" + name + "\" (" +
                                            describe(spec) + ") expects " + expect +
                                            " values, found " + std::to_string(n));
                ok = false;
                continue;
            }
        }
        out.items.push_back(std::move(pp));
    }
    return ok;
}

}  // namespace ck::scene::detail
