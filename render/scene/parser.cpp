// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/parser.h"

#include "scene/parser_impl.h"

#include <ck/file_kind.h>

#include <cmath>
#include <filesystem>
#include <system_error>

namespace ck::scene {

std::string Diagnostic::str() const
{
    return loc.str() + (severity == Severity::Error ? ": error: " : ": warning: ") + message;
}

bool ParseResult::ok() const { return error_count() == 0; }

int ParseResult::error_count() const
{
    int n = 0;
    for (const Diagnostic& d : diagnostics)
        n += d.severity == Diagnostic::Severity::Error;
    return n;
}

int ParseResult::warning_count() const
{
    return static_cast<int>(diagnostics.size()) - error_count();
}

ParseResult parse_rib_file(const std::string& path, const ParseOptions& options)
{
    ParseResult result;
    result.scene.path = path;
    std::string data;
    std::string error;
    if (!detail::read_rib_bytes(path, data, error)) {
        // A gzip stream cut mid-member leaves the text decompressed so far in
        // `data`: point at its end, where the file was cut.
        result.diagnostics.push_back(
            {Diagnostic::Severity::Error, detail::end_of_text(path, data), error});
        return result;
    }
    detail::Parser parser(options, result);
    parser.parse_top(std::move(data), path);
    return result;
}

ParseResult parse_rib_string(std::string_view text, const std::string& name,
                             const ParseOptions& options)
{
    ParseResult result;
    result.scene.path = name;
    std::string data(text);
    // In-memory text may be gzip too (tests feed compressed bytes this way).
    if (detail::is_gzip(data)) {
        std::string plain;
        std::string error;
        if (!detail::gunzip_bytes(data, plain, error)) {
            result.diagnostics.push_back({Diagnostic::Severity::Error,
                                          detail::end_of_text(name, plain), name + ": " + error});
            return result;
        }
        data = std::move(plain);
    }
    detail::Parser parser(options, result);
    parser.parse_top(std::move(data), name);
    return result;
}

}  // namespace ck::scene

namespace ck::scene::detail {

namespace fs = std::filesystem;

namespace {

std::string describe_token(const Token& t)
{
    switch (t.kind) {
    case TokenKind::Int:
    case TokenKind::Float: return "a number";
    case TokenKind::String: return "a string";
    case TokenKind::ArrayBegin: return "'['";
    case TokenKind::ArrayEnd: return "']'";
    default: return "\"" + t.text + "\"";
    }
}

std::string describe_found(const Request& req, std::size_t i)
{
    std::size_t left = req.args.size() > i ? req.args.size() - i : 0;
    if (left == 0)
        return "found none";
    const Value& v = req.args[i];
    if (v.kind == Value::Kind::String)
        return "found a string";
    if (v.kind == Value::Kind::Array)
        return "found an array of " + std::to_string(v.size()) +
               (v.strings ? " strings" : " values");
    std::size_t numbers = 0;
    while (i + numbers < req.args.size() && req.args[i + numbers].kind == Value::Kind::Number)
        ++numbers;
    return "found " + std::to_string(numbers);
}

}  // namespace

Parser::Parser(const ParseOptions& options, ParseResult& result)
    : m_options(options),
      m_result(result),
      m_rep(result.diagnostics, options.max_errors > 0 ? options.max_errors : 1)
{
    int step = 3;
    named_basis("bezier", m_basis.u, step);
    named_basis("bezier", m_basis.v, step);
}

const std::unordered_map<std::string, Parser::Handler>& Parser::handlers()
{
    static const std::unordered_map<std::string, Handler> kTable = {
        // Stream and blocks.
        {"version", &Parser::rq_version},
        {"Declare", &Parser::rq_declare},
        {"ReadArchive", &Parser::rq_read_archive},
        {"ArchiveBegin", &Parser::rq_archive_begin},
        {"ArchiveEnd", &Parser::rq_archive_end},
        {"FrameBegin", &Parser::rq_frame_begin},
        {"FrameEnd", &Parser::rq_frame_end},
        {"WorldBegin", &Parser::rq_world_begin},
        {"WorldEnd", &Parser::rq_world_end},
        {"AttributeBegin", &Parser::rq_attribute_begin},
        {"AttributeEnd", &Parser::rq_attribute_end},
        {"TransformBegin", &Parser::rq_transform_begin},
        {"TransformEnd", &Parser::rq_transform_end},
        {"ObjectBegin", &Parser::rq_object_begin},
        {"ObjectEnd", &Parser::rq_object_end},
        {"ObjectInstance", &Parser::rq_object_instance},
        {"MotionBegin", &Parser::rq_motion_begin},
        {"MotionEnd", &Parser::rq_motion_end},
        {"SolidBegin", &Parser::rq_solid_begin},
        {"SolidEnd", &Parser::rq_solid_end},
        {"IfBegin", &Parser::rq_if_begin},
        {"ElseIf", &Parser::rq_else_if},
        {"Else", &Parser::rq_else},
        {"IfEnd", &Parser::rq_if_end},
        {"EditBegin", &Parser::rq_edit_begin},
        {"EditEnd", &Parser::rq_edit_end},
        {"EditAttributeBegin", &Parser::rq_edit_begin},
        {"EditAttributeEnd", &Parser::rq_edit_end},
        // Transforms.
        {"Identity", &Parser::rq_identity},
        {"Transform", &Parser::rq_transform},
        {"ConcatTransform", &Parser::rq_concat_transform},
        {"Translate", &Parser::rq_translate},
        {"Rotate", &Parser::rq_rotate},
        {"Scale", &Parser::rq_scale},
        {"Skew", &Parser::rq_skew},
        {"Perspective", &Parser::rq_ignore_warn},
        {"CoordinateSystem", &Parser::rq_coordinate_system},
        {"ScopedCoordinateSystem", &Parser::rq_coordinate_system},
        {"CoordSysTransform", &Parser::rq_coord_sys_transform},
        {"Orientation", &Parser::rq_orientation},
        {"ReverseOrientation", &Parser::rq_reverse_orientation},
        {"Sides", &Parser::rq_sides},
        // Attributes.
        {"Attribute", &Parser::rq_attribute},
        {"Color", &Parser::rq_color},
        {"Opacity", &Parser::rq_opacity},
        {"Matte", &Parser::rq_ignore_warn},
        {"Illuminate", &Parser::rq_illuminate},
        {"ShadingRate", &Parser::rq_ignore_silently},
        {"ShadingInterpolation", &Parser::rq_ignore_silently},
        {"GeometricApproximation", &Parser::rq_ignore_silently},
        {"GeometricRepresentation", &Parser::rq_ignore_silently},
        {"Detail", &Parser::rq_ignore_silently},
        {"DetailRange", &Parser::rq_ignore_silently},
        {"RelativeDetail", &Parser::rq_ignore_silently},
        {"ErrorHandler", &Parser::rq_ignore_silently},
        {"Quantize", &Parser::rq_quantize},
        {"ColorSamples", &Parser::rq_ignore_warn},
        {"TextureCoordinates", &Parser::rq_ignore_warn},
        {"Bound", &Parser::rq_ignore_silently},
        {"Interior", &Parser::rq_ignore_warn},
        {"Exterior", &Parser::rq_ignore_warn},
        {"Atmosphere", &Parser::rq_ignore_warn},
        {"Displacement", &Parser::rq_ignore_warn},
        {"Imager", &Parser::rq_ignore_warn},
        {"ShaderLayer", &Parser::rq_ignore_warn},
        {"ConnectShaderLayers", &Parser::rq_ignore_warn},
        {"Displace", &Parser::rq_ignore_warn},
        {"DisplayFilter", &Parser::rq_ignore_warn},
        {"SampleFilter", &Parser::rq_ignore_warn},
        {"LightFilter", &Parser::rq_ignore_warn},
        {"Camera", &Parser::rq_ignore_warn},
        {"Resource", &Parser::rq_ignore_silently},
        {"ResourceBegin", &Parser::rq_ignore_silently},
        {"ResourceEnd", &Parser::rq_ignore_silently},
        {"MakeTexture", &Parser::rq_ignore_warn},
        {"MakeShadow", &Parser::rq_ignore_warn},
        {"MakeCubeFaceEnvironment", &Parser::rq_ignore_warn},
        {"MakeLatLongEnvironment", &Parser::rq_ignore_warn},
        {"MakeBump", &Parser::rq_ignore_warn},
        {"TrimCurve", &Parser::rq_ignore_warn},
        {"Procedural", &Parser::rq_procedural},
        {"Procedural2", &Parser::rq_procedural},
        // Options.
        {"Format", &Parser::rq_format},
        {"FrameAspectRatio", &Parser::rq_frame_aspect},
        {"Projection", &Parser::rq_projection},
        {"ScreenWindow", &Parser::rq_screen_window},
        {"CropWindow", &Parser::rq_crop_window},
        {"Clipping", &Parser::rq_clipping},
        {"ClippingPlane", &Parser::rq_ignore_warn},
        {"Exposure", &Parser::rq_exposure},
        {"PixelSamples", &Parser::rq_pixel_samples},
        {"PixelVariance", &Parser::rq_pixel_variance},
        {"PixelFilter", &Parser::rq_pixel_filter},
        {"Display", &Parser::rq_display},
        {"DisplayChannel", &Parser::rq_display_channel},
        {"Hider", &Parser::rq_hider},
        {"Option", &Parser::rq_option},
        {"Integrator", &Parser::rq_integrator},
        {"Shutter", &Parser::rq_shutter},
        {"DepthOfField", &Parser::rq_depth_of_field},
        // Shading and lights.
        {"Surface", &Parser::rq_surface},
        {"Bxdf", &Parser::rq_bxdf},
        {"Pattern", &Parser::rq_pattern},
        {"Light", &Parser::rq_light},
        {"LightSource", &Parser::rq_light_source},
        {"AreaLightSource", &Parser::rq_area_light_source},
        // Geometry.
        {"Sphere", &Parser::rq_sphere},
        {"Disk", &Parser::rq_disk},
        {"Cylinder", &Parser::rq_cylinder},
        {"Cone", &Parser::rq_cone},
        {"Paraboloid", &Parser::rq_paraboloid},
        {"Hyperboloid", &Parser::rq_hyperboloid},
        {"Torus", &Parser::rq_torus},
        {"Polygon", &Parser::rq_polygon},
        {"GeneralPolygon", &Parser::rq_general_polygon},
        {"PointsPolygons", &Parser::rq_points_polygons},
        {"PointsGeneralPolygons", &Parser::rq_points_general_polygons},
        {"Basis", &Parser::rq_basis},
        {"Patch", &Parser::rq_patch},
        {"PatchMesh", &Parser::rq_patch_mesh},
        {"NuPatch", &Parser::rq_nu_patch},
        {"SubdivisionMesh", &Parser::rq_ignore_warn},
        {"HierarchicalSubdivisionMesh", &Parser::rq_ignore_warn},
        {"Curves", &Parser::rq_ignore_warn},
        {"Points", &Parser::rq_ignore_warn},
        {"Blobby", &Parser::rq_ignore_warn},
        {"Geometry", &Parser::rq_ignore_warn},
        {"Volume", &Parser::rq_ignore_warn},
        {"VPInterior", &Parser::rq_ignore_warn},
        {"System", &Parser::rq_ignore_warn},
    };
    return kTable;
}

// ---------------------------------------------------------------------------
// Stream

void Parser::parse_top(std::string data, const std::string& name)
{
    m_files.push_back(name);
    Tokenizer tk(std::move(data), name);
    run(tk);
    m_files.pop_back();
    finish();
}

void Parser::run(Tokenizer& tk)
{
    Token tok = tk.next();
    bool stray_reported = false;
    while (!m_rep.stopped()) {
        if (tok.kind == TokenKind::Eof)
            break;
        if (tok.kind == TokenKind::Error) {
            m_rep.error(tk.loc(tok), tok.text);
            tok = tk.next();
            continue;
        }
        if (tok.kind != TokenKind::Name) {
            // Arguments with no request: report once, then skip to the next request name.
            if (!stray_reported)
                m_rep.error(tk.loc(tok), "expected a request name, found " + describe_token(tok));
            stray_reported = true;
            tok = tk.next();
            continue;
        }
        stray_reported = false;

        Request req;
        req.name = tok.text;
        req.loc = tk.loc(tok);
        bool known = handlers().count(req.name) > 0;
        bool skipping = m_edit_depth > 0 || (!m_ifs.empty() && !m_ifs.back().taking);
        if (!known && m_capture_depth == 0 && !skipping) {
            // RISpec recovery: an unknown request is skipped up to the next request name.
            m_rep.warning(req.loc, "unknown request \"" + req.name + "\"");
            tok = tk.next();
            skip_args(tk, tok);
            continue;
        }
        tok = tk.next();
        if (!read_args(tk, req, tok))
            continue;
        if (++m_request_count > kMaxRequests) {
            m_rep.error(req.loc, "too many requests (archive fan-out?), giving up");
            m_rep.error(req.loc, "parsing stopped");
            return;
        }
        execute(req);
    }
}

void Parser::skip_args(Tokenizer& tk, Token& tok)
{
    // Malformed words in a skipped request are not worth an error of their own;
    // fatal problems (unterminated string, binary RIB) still are.
    while (tok.kind != TokenKind::Name && tok.kind != TokenKind::Eof) {
        if (tok.kind == TokenKind::Error && tok.fatal)
            m_rep.error(tk.loc(tok), tok.text);
        tok = tk.next();
    }
}

bool Parser::read_args(Tokenizer& tk, Request& req, Token& tok)
{
    bool ok = true;
    std::size_t total = 0;
    auto too_many = [&]() {
        if (total <= kMaxValuesPerRequest)
            return false;
        m_rep.error(req.loc, req.name + ": more than " + std::to_string(kMaxValuesPerRequest) +
                                 " values in one request");
        skip_args(tk, tok);
        return true;
    };
    for (;;) {
        if (tok.kind == TokenKind::Name || tok.kind == TokenKind::Eof)
            return ok;
        if (tok.kind == TokenKind::Error) {
            m_rep.error(tk.loc(tok), req.name + ": " + tok.text);
            ok = false;
            tok = tk.next();
            continue;
        }
        if (tok.kind == TokenKind::ArrayEnd) {
            m_rep.error(tk.loc(tok), req.name + ": unexpected ']'");
            ok = false;
            tok = tk.next();
            continue;
        }
        Value v;
        v.line = tok.line;
        v.column = tok.column;
        if (tok.kind == TokenKind::Int || tok.kind == TokenKind::Float) {
            v.kind = Value::Kind::Number;
            v.all_int = tok.kind == TokenKind::Int;
            v.nums.push_back(tok.number);
        } else if (tok.kind == TokenKind::String) {
            v.kind = Value::Kind::String;
            v.strs.push_back(std::move(tok.text));
        } else {
            // An array: numbers only or strings only, never nested (rule 7).
            v.kind = Value::Kind::Array;
            SourceLoc open = tk.loc(tok);
            for (;;) {
                tok = tk.next();
                if (tok.kind == TokenKind::ArrayEnd)
                    break;
                if (tok.kind == TokenKind::Int || tok.kind == TokenKind::Float) {
                    if (v.strings) {
                        m_rep.error(tk.loc(tok), req.name + ": array mixes strings and numbers");
                        ok = false;
                        continue;
                    }
                    v.all_int = v.all_int && tok.kind == TokenKind::Int;
                    v.nums.push_back(tok.number);
                } else if (tok.kind == TokenKind::String) {
                    if (!v.nums.empty()) {
                        m_rep.error(tk.loc(tok), req.name + ": array mixes numbers and strings");
                        ok = false;
                        continue;
                    }
                    v.strings = true;
                    v.strs.push_back(std::move(tok.text));
                } else if (tok.kind == TokenKind::Error) {
                    m_rep.error(tk.loc(tok), req.name + ": " + tok.text);
                    ok = false;
                    if (tok.fatal)
                        return false;
                } else if (tok.kind == TokenKind::ArrayBegin) {
                    m_rep.error(tk.loc(tok), req.name + ": nested '[' inside an array");
                    ok = false;
                } else {
                    // Name or Eof: the array was never closed.
                    m_rep.error(open, req.name + ": unterminated array (expected ']' before " +
                                          (tok.kind == TokenKind::Eof ? std::string("end of input")
                                                                      : describe_token(tok)) +
                                          ")");
                    return false;
                }
                if (++total > kMaxValuesPerRequest && too_many())
                    return false;
            }
        }
        ++total;
        if (too_many())
            return false;
        req.args.push_back(std::move(v));
        tok = tk.next();
    }
}

void Parser::execute(Request& req)
{
    const std::string& name = req.name;

    // Inside ArchiveBegin/End: record the requests for a later ReadArchive.
    if (m_capture_depth > 0) {
        if (name == "ArchiveBegin")
            ++m_capture_depth;
        if (name == "ArchiveEnd" && --m_capture_depth == 0) {
            m_inline_archives[m_capture_name] = std::move(m_capture);
            m_capture.clear();
            return;
        }
        m_capture.push_back(req);
        return;
    }

    // Skipped regions: only the requests that end them matter.
    if (m_edit_depth > 0 && name != "EditBegin" && name != "EditEnd" &&
        name != "EditAttributeBegin" && name != "EditAttributeEnd")
        return;
    bool conditional = name == "IfBegin" || name == "ElseIf" || name == "Else" || name == "IfEnd";
    if (!m_ifs.empty() && !m_ifs.back().taking && !conditional)
        return;

    // Inside MotionBegin/End only the first time sample of each request is used.
    if (m_motion && name != "MotionEnd" && m_motion_count++ > 0)
        return;

    (this->*handlers().at(name))(req);
}

void Parser::finish()
{
    SourceLoc end{m_files.empty() ? m_result.scene.path : m_files.front(), 1, 1};
    if (m_capture_depth > 0)
        m_rep.error(m_capture_loc, "ArchiveBegin \"" + m_capture_name + "\" is never closed");
    if (!m_ifs.empty())
        m_rep.error(m_ifs.back().loc, "IfBegin is never closed by IfEnd");
    for (auto it = m_blocks.rbegin(); it != m_blocks.rend(); ++it) {
        if (it->kind == BlockKind::World || it->kind == BlockKind::Frame)
            continue;
        m_rep.error(it->loc, std::string(block_name(it->kind)) + " is never closed");
    }
    if (m_frame) {
        m_rep.error(m_frame->loc.file.empty() ? end : m_frame->loc,
                    "WorldBegin is never closed by WorldEnd (truncated file?)");
        end_world(end);
    }
    if (m_in_frame)
        m_rep.error(m_frame_loc, "FrameBegin is never closed by FrameEnd");
    if (!m_saw_world)
        m_rep.error(end, "no WorldBegin: nothing to render (is this an archive?)");
}

std::string Parser::current_dir() const
{
    if (m_files.empty())
        return ".";
    fs::path dir = fs::path(m_files.back()).parent_path();
    return dir.empty() ? "." : dir.string();
}

std::string Parser::resolve_file(const std::string& name, const std::vector<std::string>& extra,
                                 std::string* odd) const
{
    std::error_code ec;
    auto regular = [&](const fs::path& candidate) {
        if (fs::is_regular_file(candidate, ec))
            return true;
        if (odd && odd->empty() && fs::exists(candidate, ec))
            *odd = candidate.lexically_normal().string() + " is " +
                   ck::non_regular_kind(candidate.string()) + ", not a file";
        return false;
    };
    fs::path p(name);
    if (p.is_absolute())
        return regular(p) ? name : std::string();
    std::vector<std::string> dirs;
    dirs.push_back(current_dir());
    dirs.insert(dirs.end(), m_options.searchpath.begin(), m_options.searchpath.end());
    dirs.insert(dirs.end(), extra.begin(), extra.end());
    for (const std::string& dir : dirs) {
        fs::path candidate = fs::path(dir) / p;
        if (regular(candidate))
            return candidate.lexically_normal().string();
    }
    return {};
}

void Parser::add_asset(const std::string& path)
{
    std::vector<std::string>& assets = m_frame ? m_frame->assets : settings().assets;
    for (const std::string& a : assets)
        if (a == path)
            return;
    assets.push_back(path);
}

void Parser::include_file(const std::string& path, const Request& req)
{
    if (static_cast<int>(m_include_chain.size()) >= m_options.max_include_depth) {
        std::string chain;
        for (const SourceLoc& l : m_include_chain)
            chain += l.str() + " -> ";
        chain += req.loc.str();
        m_rep.error(req.loc, "ReadArchive: include depth limit (" +
                                 std::to_string(m_options.max_include_depth) +
                                 ") exceeded, recursive archive? Chain: " + chain);
        return;
    }
    std::string data;
    std::string error;
    if (!read_rib_bytes(path, data, error)) {
        m_rep.error(req.loc, req.name + ": " + error);
        return;
    }
    add_asset(path);
    m_include_chain.push_back(req.loc);
    m_files.push_back(path);
    Tokenizer tk(std::move(data), path);
    run(tk);
    m_files.pop_back();
    m_include_chain.pop_back();
}

void Parser::rq_read_archive(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_string(req, i, name, "archive name"))
        return;

    if (++m_archive_reads > kMaxArchiveReads) {
        m_rep.error(req.loc, "ReadArchive: more than " + std::to_string(kMaxArchiveReads) +
                                 " archive reads in one parse (runaway archive fan-out?)");
        return;
    }

    // Inline archives (ArchiveBegin "name") come first.
    auto inline_it = m_inline_archives.find(name);
    if (inline_it != m_inline_archives.end()) {
        if (static_cast<int>(m_include_chain.size()) >= m_options.max_include_depth) {
            m_rep.error(req.loc, "ReadArchive: include depth limit (" +
                                     std::to_string(m_options.max_include_depth) +
                                     ") exceeded in inline archive \"" + name + "\"");
            return;
        }
        std::vector<Request> body = inline_it->second;  // Copy: the body may redefine it.
        m_include_chain.push_back(req.loc);
        for (Request& r : body) {
            if (m_rep.stopped() || ++m_request_count > kMaxRequests)
                break;
            execute(r);
        }
        m_include_chain.pop_back();
        return;
    }
    if (name.find(".zip!") != std::string::npos) {
        m_rep.error(req.arg_loc(0), req.name + ": zip archives not supported (\"" + name + "\")");
        return;
    }
    std::string odd;
    std::string path = resolve_file(name, settings().archive_path, &odd);
    if (m_frame && path.empty())
        path = resolve_file(name, m_frame_settings.archive_path, &odd);
    if (path.empty()) {
        m_rep.error(req.loc, req.name + ": cannot find archive \"" + name +
                                 "\" (" + (odd.empty() ? std::string() : odd + "; ") +
                                 "searched the including file's directory and the "
                                 "archive search path)");
        return;
    }
    include_file(path, req);
}

void Parser::rq_archive_begin(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_handle(req, i, name))
        return;
    m_capture_depth = 1;
    m_capture_name = name;
    m_capture_loc = req.loc;
    m_capture.clear();
}

void Parser::rq_archive_end(Request& req)
{
    m_rep.error(req.loc, "ArchiveEnd without ArchiveBegin");
}

void Parser::rq_procedural(Request& req)
{
    std::size_t i = 0;
    std::string kind;
    if (!get_string(req, i, kind, "procedural type"))
        return;
    if (kind == "DelayedReadArchive" || kind == "DelayedReadArchive2") {
        // Procedural "DelayedReadArchive" ["file"] [bound]: act as ReadArchive.
        std::string file;
        if (req.name == "Procedural2") {
            ParamList pl;
            params(req, 2, ParamUse::Shader, pl);
            file = pl.get_string("filename", "");
        } else if (i < req.args.size() && req.args[i].is_stringy() && !req.args[i].strs.empty()) {
            file = req.args[i].strs[0];
        }
        if (file.empty()) {
            m_rep.error(req.loc, req.name + " \"" + kind + "\": expected a file name");
            return;
        }
        Request archive;
        archive.name = "ReadArchive";
        archive.loc = req.loc;
        Value v;
        v.kind = Value::Kind::String;
        v.strs.push_back(file);
        v.line = req.loc.line;
        v.column = req.loc.column;
        archive.args.push_back(v);
        rq_read_archive(archive);
        return;
    }
    // Never run external programs or load plug-ins.
    m_rep.warn_once("procedural:" + kind, req.loc,
                    req.name + " \"" + kind + "\" is not supported; skipped");
}

// ---------------------------------------------------------------------------
// Argument helpers

bool Parser::get_numbers(const Request& req, std::size_t& i, std::size_t n,
                         std::vector<float>& out)
{
    out.clear();
    auto fail = [&]() {
        m_rep.error(req.arg_loc(i), req.name + ": expected " + std::to_string(n) +
                                        (n == 1 ? " number, " : " numbers, ") +
                                        describe_found(req, i));
        return false;
    };
    if (i < req.args.size() && req.args[i].kind == Value::Kind::Array) {
        const Value& v = req.args[i];
        if (v.strings || v.nums.size() != n)
            return fail();
        for (double d : v.nums)
            out.push_back(static_cast<float>(d));
        ++i;
        return true;
    }
    for (std::size_t k = 0; k < n; ++k) {
        if (i + k >= req.args.size() || req.args[i + k].kind != Value::Kind::Number)
            return fail();
    }
    for (std::size_t k = 0; k < n; ++k)
        out.push_back(static_cast<float>(req.args[i + k].nums[0]));
    i += n;
    return true;
}

bool Parser::get_ints(const Request& req, std::size_t& i, std::size_t n, std::vector<int>& out)
{
    std::size_t start = i;
    std::vector<float> f;
    if (!get_numbers(req, i, n, f))
        return false;
    for (std::size_t k = start; k < i; ++k) {
        if (!req.args[k].all_int) {
            m_rep.error(req.arg_loc(k), req.name + ": expected integers, found a float");
            return false;
        }
    }
    out.clear();
    for (std::size_t k = start; k < i; ++k)
        for (double d : req.args[k].nums)
            out.push_back(static_cast<int>(d));
    return true;
}

bool Parser::get_int_array(const Request& req, std::size_t& i, std::vector<int>& out,
                           const char* what)
{
    out.clear();
    if (i >= req.args.size() || !req.args[i].is_numeric()) {
        m_rep.error(req.arg_loc(i), req.name + ": expected an integer array (" + what + "), " +
                                        describe_found(req, i));
        return false;
    }
    const Value& v = req.args[i];
    if (!v.all_int) {
        m_rep.error(req.arg_loc(i), req.name + ": " + what + " must be integers, found a float");
        return false;
    }
    for (double d : v.nums)
        out.push_back(static_cast<int>(d));
    ++i;
    return true;
}

bool Parser::get_float_array(const Request& req, std::size_t& i, std::vector<float>& out,
                             const char* what)
{
    out.clear();
    if (i >= req.args.size() || !req.args[i].is_numeric()) {
        m_rep.error(req.arg_loc(i), req.name + ": expected a number array (" + what + "), " +
                                        describe_found(req, i));
        return false;
    }
    for (double d : req.args[i].nums)
        out.push_back(static_cast<float>(d));
    ++i;
    return true;
}

bool Parser::get_string(const Request& req, std::size_t& i, std::string& out, const char* what)
{
    if (i < req.args.size() && req.args[i].is_stringy() && req.args[i].strs.size() == 1) {
        out = req.args[i].strs[0];
        ++i;
        return true;
    }
    m_rep.error(req.arg_loc(i), req.name + ": expected a string (" + what + "), " +
                                    describe_found(req, i));
    return false;
}

bool Parser::get_handle(const Request& req, std::size_t& i, std::string& out)
{
    // Handles are ints or strings; both become string keys, so 1 and "1" match (rule 9).
    if (i < req.args.size()) {
        const Value& v = req.args[i];
        if (v.is_numeric() && v.nums.size() == 1) {
            if (!v.all_int) {
                m_rep.error(req.arg_loc(i), req.name + ": a handle must be an integer or a "
                                                       "string, found a float");
                return false;
            }
            out = std::to_string(static_cast<long long>(v.nums[0]));
            ++i;
            return true;
        }
        if (v.is_stringy() && v.strs.size() == 1) {
            out = v.strs[0];
            ++i;
            return true;
        }
    }
    m_rep.error(req.arg_loc(i), req.name + ": expected a handle (integer or string), " +
                                    describe_found(req, i));
    return false;
}

bool Parser::no_more(const Request& req, std::size_t i)
{
    if (i >= req.args.size())
        return true;
    m_rep.error(req.arg_loc(i), req.name + ": unexpected extra arguments (" +
                                    std::to_string(req.args.size() - i) + " more)");
    return false;
}

bool Parser::params(const Request& req, std::size_t i, ParamUse use, ParamList& out)
{
    return parse_param_list(req, i, m_decls, use, m_rep, out);
}

void Parser::ignore(const Request& req, const std::string& why)
{
    m_rep.warn_once("ignored:" + req.name, req.loc, req.name + ": " + why);
}

void Parser::rq_ignore_silently(Request&) {}

void Parser::rq_ignore_warn(Request& req)
{
    ignore(req, "not supported; ignored (warned once)");
}

void Parser::rq_version(Request&) {}

void Parser::rq_declare(Request& req)
{
    std::size_t i = 0;
    std::string name;
    std::string type;
    if (!get_string(req, i, name, "name") || !get_string(req, i, type, "type"))
        return;
    TypeSpec spec;
    std::string err;
    if (!parse_type_spec(type, spec, nullptr, err)) {
        m_rep.error(req.arg_loc(1), "Declare \"" + name + "\": bad type \"" + type + "\": " + err);
        return;
    }
    m_decls.declare(name, spec);
}

}  // namespace ck::scene::detail
