// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Camera, image, display, sampling and Option requests.
#include "scene/parser_impl.h"
#include "scene/lpe.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace ck::scene::detail {

namespace {

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string extension(const std::string& name)
{
    return lower(std::filesystem::path(name).extension().string());
}

// A number as a user wrote it: "2", "0.5", "2.2" (no trailing zeros).
std::string number_text(float v)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", double(v));
    return text;
}

}  // namespace

bool Parser::camera_option_ok(const Request& req)
{
    // Camera and image requests are frozen at WorldBegin.
    if (!m_frame)
        return true;
    m_rep.warn_once("in-world:" + req.name, req.loc,
                    req.name + " inside WorldBegin/WorldEnd has no effect; ignored");
    return false;
}

void Parser::rq_format(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 3, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    // Integral floats ("640.") are accepted; fractional resolutions are not.
    if (v[0] != std::floor(v[0]) || v[1] != std::floor(v[1]) || v[0] < 1 || v[1] < 1 ||
        v[0] > 65536 || v[1] > 65536) {
        m_rep.error(req.loc, "Format: expected a positive integer resolution up to 65536, found " +
                                 std::to_string(v[0]) + " x " + std::to_string(v[1]));
        return;
    }
    Image& img = settings().image;
    img.xres = static_cast<int>(v[0]);
    img.yres = static_cast<int>(v[1]);
    img.pixel_aspect = v[2] > 0.0f ? v[2] : 1.0f;
}

void Parser::rq_frame_aspect(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 1, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    if (!(v[0] > 0.0f)) {
        m_rep.error(req.arg_loc(0), "FrameAspectRatio: expected a positive number");
        return;
    }
    settings().image.frame_aspect = v[0];
}

void Parser::rq_projection(Request& req)
{
    std::size_t i = 0;
    std::string type;
    if (!get_string(req, i, type, "projection type") || !camera_option_ok(req))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    Camera& cam = settings().camera;
    if (type == "orthographic") {
        cam.projection = Projection::Orthographic;
        return;
    }
    if (type != "perspective" && type != "PxrCamera")
        m_rep.warn_once("projection:" + type, req.arg_loc(0),
                        "Projection \"" + type + "\" is not supported; using perspective");
    cam.projection = Projection::Perspective;
    float fov = pl.get_float("fov", 90.0f);
    if (!(fov > 0.0f && fov < 180.0f)) {
        m_rep.error(req.loc, "Projection: fov must be in (0, 180) degrees, found " +
                                 std::to_string(fov));
        fov = 90.0f;
    }
    cam.fov_degrees = fov;
}

void Parser::rq_screen_window(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 4, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    Camera& cam = settings().camera;
    std::copy(v.begin(), v.end(), cam.screen_window);
    cam.screen_window_set = true;
}

void Parser::rq_crop_window(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 4, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    for (float& f : v)
        f = std::clamp(f, 0.0f, 1.0f);
    if (v[0] >= v[1] || v[2] >= v[3]) {
        m_rep.error(req.loc, "CropWindow: empty window");
        return;
    }
    std::copy(v.begin(), v.end(), settings().image.crop_window);
}

void Parser::rq_clipping(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 2, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    if (!(v[0] > 0.0f) || !(v[1] > v[0])) {
        m_rep.error(req.loc, "Clipping: expected 0 < near < far");
        return;
    }
    settings().camera.near_clip = v[0];
    settings().camera.far_clip = v[1];
}

void Parser::rq_exposure(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 2, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    settings().image.exposure_gain = v[0];
    settings().image.exposure_gamma = v[1] > 0.0f ? v[1] : 1.0f;
    if (v[0] != 1.0f || v[1] != 1.0f)
        m_rep.warn_once("exposure", req.loc,
                        "Exposure " + number_text(v[0]) + " " + number_text(v[1]) +
                            " is not applied yet: ckrender writes linear pixels, without "
                            "exposure gain or gamma");
}

void Parser::rq_pixel_samples(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 2, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    // Fractional counts occur in old files; round up, at least 1.
    int x = std::max(1, static_cast<int>(std::ceil(std::min(v[0], 4096.0f))));
    int y = std::max(1, static_cast<int>(std::ceil(std::min(v[1], 4096.0f))));
    settings().sampling.pixel_samples_x = x;
    settings().sampling.pixel_samples_y = y;
}

void Parser::rq_pixel_variance(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 1, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    settings().sampling.pixel_variance = std::max(0.0f, v[0]);
    warn_pixel_variance(req.loc, settings().sampling.pixel_variance, "PixelVariance");
}

void Parser::warn_pixel_variance(const SourceLoc& loc, float variance, const std::string& what)
{
    if (variance > 0.0f)
        m_rep.warn_once("pixel-variance", loc,
                        what + " " + number_text(variance) +
                            " is ignored: ckrender has no adaptive sampling yet, so every pixel "
                            "gets maxsamples (or PixelSamples x * y) samples");
}

int Parser::quantize_bits(float one, float lo, float hi)
{
    if (one == 0.0f)
        return 0;
    if (one == 255.0f && lo == 0.0f && hi == 255.0f)
        return 8;
    if (one == 65535.0f && lo == 0.0f && hi == 65535.0f)
        return 16;
    return -1;
}

void Parser::rq_quantize(Request& req)
{
    std::size_t i = 0;
    std::string type;
    std::vector<float> v;
    if (!get_string(req, i, type, "type") || !get_numbers(req, i, 4, v) || !no_more(req, i))
        return;
    // Depth is never written; "rgba" sets the depth of TIFF displays.
    if (type == "z")
        return;
    const std::string text = "Quantize \"" + type + "\" " + number_text(v[0]) + " " +
                             number_text(v[1]) + " " + number_text(v[2]) + " " +
                             number_text(v[3]);
    int bits = quantize_bits(v[0], v[1], v[2]);
    if (bits < 0) {
        m_rep.warn_once("quantize", req.loc,
                        text + " is ignored: ckrender writes 8-bit (255 0 255), 16-bit "
                               "(65535 0 65535) or float (0) pixels; writing 32-bit float");
        bits = 0;  // it replaces an earlier Quantize all the same
    }
    if (v[3] != 0.0f && bits > 0)
        m_rep.warn_once("quantize-dither", req.loc,
                        text + ": the dither amplitude is ignored; quantized pixels are "
                               "rounded, not dithered");
    FrameSettings& s = settings();
    s.quantize_bits = bits;
    s.quantize_loc = req.loc;
    s.quantize_text = text;
}

void Parser::rq_pixel_filter(Request& req)
{
    std::size_t i = 0;
    std::string name;
    std::vector<float> w;
    if (!get_string(req, i, name, "filter name") || !get_numbers(req, i, 2, w) ||
        !camera_option_ok(req))
        return;
    static const char* const kKnown[] = {"box", "gaussian", "triangle", "catmull-rom", "sinc",
                                         "mitchell"};
    std::string n = lower(name);
    if (n == "separable-catmull-rom")
        n = "catmull-rom";
    if (n == "separable-gaussian")
        n = "gaussian";
    if (std::find(std::begin(kKnown), std::end(kKnown), n) == std::end(kKnown)) {
        m_rep.warn_once("filter:" + name, req.arg_loc(0),
                        "PixelFilter \"" + name + "\" is not supported; using gaussian");
        n = "gaussian";
    } else if (n == "catmull-rom" || n == "sinc" || n == "mitchell") {
        // The film samples the filter with positive weights only (docs/rendering.md).
        m_rep.warn_once("filter:" + name, req.arg_loc(0),
                        "PixelFilter \"" + name + "\" is approximated by a gaussian of the same "
                        "width: ckrender cannot represent negative filter lobes");
    }
    PixelFilter& f = settings().image.filter;
    f.name = n;
    f.xwidth = w[0] > 0.0f ? w[0] : 1.0f;
    f.ywidth = w[1] > 0.0f ? w[1] : 1.0f;
}

namespace {

// Screen displays: ckrender writes files only, so these are skipped.
bool is_screen_display(const std::string& type)
{
    return type == "it" || type == "framebuffer" || type == "x11" || type == "windows";
}

std::string trim_spaces(const std::string& s)
{
    const std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The channels a display mode names: "Ci,a,z" lists them; a classic mode
// ("rgb", "rgba", "rgbz", "rgbaz", "a", "z", "az") spells them as letters;
// anything else ("Nn", "albedo", a DisplayChannel name) is one channel.
std::vector<std::string> mode_channels(const std::string& mode)
{
    std::vector<std::string> out;
    if (mode.find(',') != std::string::npos) {
        std::size_t start = 0;
        while (start <= mode.size()) {
            std::size_t end = mode.find(',', start);
            if (end == std::string::npos)
                end = mode.size();
            out.push_back(trim_spaces(mode.substr(start, end - start)));
            start = end + 1;
        }
        return out;
    }
    static const char* const kClassic[] = {"rgb", "rgba", "rgbz", "rgbaz", "a", "z", "az"};
    if (std::find(std::begin(kClassic), std::end(kClassic), mode) != std::end(kClassic)) {
        if (mode.rfind("rgb", 0) == 0)
            out.push_back("rgb");
        if (mode.find('a') != std::string::npos)
            out.push_back("a");
        if (mode.find('z') != std::string::npos)
            out.push_back("z");
        return out;
    }
    out.push_back(trim_spaces(mode));
    return out;
}

// The built-in channels a Display mode may name without a DisplayChannel.
struct BuiltIn {
    const char* name;
    const char* type;
    int components;
    ChannelSource source;
    ChannelFilter filter;
};

constexpr BuiltIn kBuiltIns[] = {
    {"Ci", "color", 3, ChannelSource::Ci, ChannelFilter::Average},
    {"a", "float", 1, ChannelSource::Alpha, ChannelFilter::Average},
    {"z", "float", 1, ChannelSource::Z, ChannelFilter::ZMin},
    {"Nn", "normal", 3, ChannelSource::Nn, ChannelFilter::Average},
    {"Ng", "normal", 3, ChannelSource::Ng, ChannelFilter::Average},
    {"P", "point", 3, ChannelSource::P, ChannelFilter::Average},
    {"st", "float[2]", 2, ChannelSource::St, ChannelFilter::Average},
    {"id", "float", 1, ChannelSource::Id, ChannelFilter::ZMin},
    {"albedo", "color", 3, ChannelSource::Albedo, ChannelFilter::Average},
    {"__Pworld", "point", 3, ChannelSource::PWorld, ChannelFilter::Average},
    {"__Nworld", "normal", 3, ChannelSource::NWorld, ChannelFilter::Average},
    {"__depth", "float", 1, ChannelSource::Depth, ChannelFilter::ZMin},
    {"sampleCount", "float", 1, ChannelSource::SampleCount, ChannelFilter::Average},
};

const BuiltIn* find_builtin(const std::string& name)
{
    for (const BuiltIn& b : kBuiltIns)
        if (name == b.name)
            return &b;
    return nullptr;
}

std::string builtin_list()
{
    std::string list;
    for (const BuiltIn& b : kBuiltIns)
        list += (list.empty() ? "" : ", ") + std::string(b.name);
    return list;
}

ChannelDecl builtin_channel(const BuiltIn& b, const SourceLoc& loc)
{
    ChannelDecl c;
    c.name = b.name;
    c.type = b.type;
    c.components = b.components;
    c.source = b.source;
    c.filter = b.filter;
    c.loc = loc;
    return c;
}

// Components of a DisplayChannel type; 0 when ckrender has no such type.
int type_components(const std::string& type)
{
    if (type == "color" || type == "normal" || type == "point" || type == "vector")
        return 3;
    if (type == "float[2]")
        return 2;
    if (type == "float" || type == "int" || type == "integer")
        return 1;
    return 0;
}

bool is_pixel_filter_name(const std::string& name)
{
    static const char* const kPixelFilters[] = {
        "box", "gaussian", "triangle", "catmull-rom", "sinc", "mitchell", "separable-catmull-rom",
        "separable-gaussian", "blackman-harris", "lanczos", "bessel", "disk"};
    return std::find(std::begin(kPixelFilters), std::end(kPixelFilters), name) !=
           std::end(kPixelFilters);
}

}  // namespace

void Parser::rq_display_channel(Request& req)
{
    std::size_t i = 0;
    std::string decl;
    if (!get_string(req, i, decl, "channel declaration") || !camera_option_ok(req))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    FrameSettings& s = settings();

    // "TYPE NAME", the way RenderMan declares a channel.
    const std::string text = trim_spaces(decl);
    const std::size_t space = text.find_first_of(" \t");
    if (space == std::string::npos) {
        m_rep.error(req.arg_loc(0), "DisplayChannel \"" + decl +
                                        "\": expected \"TYPE NAME\", e.g. \"color diffuse\"");
        return;
    }
    ChannelDecl c;
    c.type = text.substr(0, space);
    c.name = trim_spaces(text.substr(space + 1));
    c.loc = req.loc;
    c.components = type_components(c.type);
    if (c.components == 0 || c.name.empty() || c.name.find_first_of(" \t,") != std::string::npos) {
        m_rep.error(req.arg_loc(0),
                    "DisplayChannel \"" + decl + "\": " +
                        (c.components == 0 ? "type \"" + c.type +
                                                 "\" is not one ckrender writes (color, "
                                                 "float, float[2], int, normal, point, vector)"
                                           : std::string("expected one channel name")));
        return;
    }

    // The source: "lpe:...", a built-in ("Ci", "color Ci"), or the name itself.
    const ParsedParam* source_param = nullptr;
    for (const ParsedParam& p : pl.items)
        if (p.param.name == "source")
            source_param = &p;
    std::string source = c.name;
    SourceLoc source_loc = req.arg_loc(0);
    if (source_param) {
        if (source_param->param.strings.size() != 1) {
            m_rep.error(source_param->param.loc,
                        "DisplayChannel \"" + decl + "\": \"source\" takes one string");
            return;
        }
        source = trim_spaces(source_param->param.strings[0]);
        source_loc = source_param->value_loc;
    }
    const BuiltIn* builtin = nullptr;
    if (source.rfind("lpe:", 0) == 0) {
        c.source = ChannelSource::Lpe;
        c.lpe = source.substr(4);
        c.filter = ChannelFilter::Average;
        if (c.components != 3) {
            m_rep.error(req.arg_loc(0), "DisplayChannel \"" + decl +
                                            "\": a light path expression gives a colour; "
                                            "declare it \"color " + c.name + "\"");
            return;
        }
        if (!check_lpe(c.lpe, source_loc, source_param != nullptr))
            return;
    } else {
        std::string name = source;
        if (const std::size_t sp = source.find_last_of(" \t"); sp != std::string::npos)
            name = source.substr(sp + 1);  // "color Ci"
        builtin = find_builtin(name);
        if (!builtin) {
            m_rep.error(source_param ? source_param->param.loc : req.arg_loc(0),
                        "DisplayChannel \"" + decl + "\": source \"" + source +
                            "\" is not a built-in channel (" + builtin_list() +
                            ") or a light path expression (\"lpe:...\")");
            return;
        }
        if (builtin->components != c.components) {
            m_rep.error(req.arg_loc(0), "DisplayChannel \"" + decl + "\": source \"" +
                                            builtin->name + "\" has " +
                                            std::to_string(builtin->components) +
                                            " component(s), the declared type " +
                                            std::to_string(c.components));
            return;
        }
        c.source = builtin->source;
        c.filter = builtin->filter;
    }

    for (const ParsedParam& p : pl.items) {
        const std::string& name = p.param.name;
        if (name == "source")
            continue;
        if (name == "filter") {
            const std::string f = p.param.strings.empty() ? "" : lower(p.param.strings[0]);
            if (f == "average")
                c.filter = ChannelFilter::Average;
            else if (f == "sum")
                c.filter = ChannelFilter::Sum;
            else if (f == "min")
                c.filter = ChannelFilter::Min;
            else if (f == "max")
                c.filter = ChannelFilter::Max;
            else if (f == "zmin")
                c.filter = ChannelFilter::ZMin;
            else if (f == "zmax")
                c.filter = ChannelFilter::ZMax;
            else if (is_pixel_filter_name(f)) {
                // A pixel filter: the channel is averaged under the frame's
                // PixelFilter (importance-sampled, one for every channel).
                c.filter = ChannelFilter::Average;
                if (f != s.image.filter.name)
                    m_rep.warn_once("channel-filter:" + c.name, p.param.loc,
                                    "DisplayChannel \"" + decl + "\": filter \"" + f +
                                        "\" is not applied; every channel uses the PixelFilter (" +
                                        s.image.filter.name + ")");
            } else {
                m_rep.error(p.param.loc, "DisplayChannel \"" + decl + "\": filter \"" + f +
                                             "\" is not one ckrender knows (average, sum, min, "
                                             "max, zmin, zmax, or a pixel filter name)");
                return;
            }
            continue;
        }
        if (name == "filterwidth") {
            const std::vector<float> w = p.as_floats();
            if (w.size() == 2 && (w[0] != s.image.filter.xwidth || w[1] != s.image.filter.ywidth))
                m_rep.warn_once("channel-filterwidth:" + c.name, p.param.loc,
                                "DisplayChannel \"" + decl +
                                    "\": filterwidth is not applied; every channel uses the "
                                    "PixelFilter's width");
            continue;
        }
        m_rep.warn_once("channel-param:" + name, p.param.loc,
                        "DisplayChannel \"" + decl + "\": parameter \"" + name +
                            "\" is not supported; ignored");
    }
    if (c.source == ChannelSource::SampleCount && c.filter != ChannelFilter::Average)
        m_rep.warn_once("channel-samplecount-filter", req.loc,
                        "DisplayChannel \"" + decl +
                            "\": the sample count is the pixel's own; its filter is ignored");

    // A later declaration of the same name replaces the earlier one.
    auto& list = s.channels;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const ChannelDecl& o) { return o.name == c.name; }),
               list.end());
    list.push_back(std::move(c));
}

namespace {
}  // namespace

void Parser::rq_display(Request& req)
{
    std::size_t i = 0;
    Display d;
    if (!get_string(req, i, d.name, "name") || !get_string(req, i, d.type, "type") ||
        !get_string(req, i, d.mode, "mode") || !camera_option_ok(req))
        return;
    d.loc = req.loc;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    for (const ParsedParam& p : pl.items)
        d.params.push_back(p.param);
    d.compression = pl.get_string("exrcompression", pl.get_string("compression", ""));

    FrameSettings& s = settings();
    s.display_requested = true;
    bool add = !d.name.empty() && d.name[0] == '+';
    if (add)
        d.name.erase(0, 1);
    std::vector<Display>& list = s.displays;
    const std::string type = lower(d.type);

    // A screen display writes no file: skip it (a Display without '+' still
    // replaces the list, as it would in RenderMan).
    if (is_screen_display(type)) {
        m_rep.warn_once("screen-display:" + d.name + "\n" + d.type, req.loc,
                        "Display \"" + d.name + "\" \"" + d.type +
                            "\" skipped: ckrender writes no screen display, only image files");
        s.screen_display = "Display \"" + d.name + "\" \"" + d.type + "\" at " + req.loc.str();
        if (!add)
            list.clear();
        return;
    }

    if (d.name.empty()) {
        m_rep.error(req.arg_loc(0), "Display: empty output name");
        s.display_rejected = true;
        return;
    }
    // The name is used as a path as it is: no byte the C library would cut it
    // at or a terminal would act on, and it must name a file, not a directory.
    for (std::size_t k = 0; k < d.name.size(); ++k) {
        const unsigned char c = static_cast<unsigned char>(d.name[k]);
        if (c < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", c);
            m_rep.error(req.arg_loc(0), "Display: output name contains the control byte " +
                                            std::string(hex) + " at offset " + std::to_string(k));
            s.display_rejected = true;
            return;
        }
    }
    {
        const std::string base = d.name.substr(d.name.find_last_of('/') + 1);
        if (base.empty() || base == "." || base == "..") {
            m_rep.error(req.arg_loc(0),
                        "Display \"" + d.name + "\": names a directory, not an image file");
            s.display_rejected = true;
            return;
        }
    }

    // The types ckrender writes; the format comes from the type, or from the
    // extension for "file".
    const std::string ext = extension(d.name);
    if (type == "openexr" || type == "exr") {
        d.format = ImageFormat::OpenEXR;
    } else if (type == "tiff" || type == "tif") {
        d.format = ImageFormat::TIFF;
    } else if (type == "file") {
        if (ext == ".tif" || ext == ".tiff") {
            d.format = ImageFormat::TIFF;
        } else {
            d.format = ImageFormat::OpenEXR;
            if (ext != ".exr")
                m_rep.warn_once("display-ext:" + ext, req.arg_loc(0),
                                "Display \"" + d.name + "\": type \"file\" with extension \"" +
                                    ext + "\"; writing OpenEXR (ckrender's file format)");
        }
    } else {
        m_rep.error(req.loc, "Display \"" + d.name + "\": type \"" + d.type +
                                 "\" cannot be written yet (ckrender writes the types openexr, "
                                 "exr, tiff, tif and file; it, framebuffer, x11 and windows are "
                                 "skipped)");
        s.display_rejected = true;
        return;
    }

    if (!resolve_display_channels(d, req.loc)) {
        s.display_rejected = true;
        return;
    }

    // Parameters that would change the pixels and that the writer ignores.
    for (const ParsedParam& p : pl.items) {
        const std::string& name = p.param.name;
        if (name == "compression" || name == "exrcompression")
            continue;
        std::string what;
        if (name == "quantize") {
            // [zero one min max], as RenderMan's display drivers take it.
            const std::vector<float> q = p.as_floats();
            const int bits = q.size() == 4 ? quantize_bits(q[1], q[2], q[3]) : -1;
            if (bits == 0 || (bits > 0 && d.format == ImageFormat::TIFF)) {
                d.bits = bits;
                d.bits_given = true;
                continue;
            }
            what = bits > 0 ? "is ignored: OpenEXR displays are written as 32-bit float"
                            : "is ignored: ckrender writes 8-bit [0 255 0 255], 16-bit "
                              "[0 65535 0 65535] or float [0 0 0 0] pixels; writing 32-bit "
                              "float";
        } else if (name == "dither") {
            if (p.as_floats().empty() || p.as_floats()[0] == 0.0f)
                continue;
            what = "is ignored: ckrender writes 32-bit float pixels, without dither";
        } else if (name == "exrpixeltype") {
            what = "is ignored: ckrender writes 32-bit float pixels";
        } else if (name == "filter" || name == "filterwidth") {
            what = "is ignored: every display uses the PixelFilter";
        } else {
            what = "is not supported; ignored";
        }
        m_rep.warn_once("display-param:" + name, p.param.loc,
                        "Display \"" + d.name + "\": parameter \"" + name + "\" " + what);
    }

    if (!add)
        list.clear();
    list.push_back(std::move(d));
}

bool Parser::check_lpe(const std::string& expr, const SourceLoc& loc, bool quoted)
{
    LpeExpression parsed;
    LpeError error;
    if (parse_lpe(expr, parsed, &error))
        return true;
    // Column of the offending character: past the quote and "lpe:".
    SourceLoc at = loc;
    if (quoted)
        at.column += 1 + 4 + int(error.offset);
    m_rep.error(at, "light path expression \"lpe:" + expr + "\": " + error.message +
                        " (at character " + std::to_string(error.offset + 1) + ")");
    return false;
}

bool Parser::resolve_display_channels(Display& d, const SourceLoc& loc)
{
    const FrameSettings& s = settings();
    d.channels.clear();
    for (const std::string& name : mode_channels(d.mode)) {
        if (name.empty()) {
            m_rep.error(loc, "Display \"" + d.name + "\": mode \"" + d.mode +
                                 "\" has an empty channel name");
            return false;
        }
        const ChannelDecl* declared = nullptr;
        for (const ChannelDecl& c : s.channels)
            if (c.name == name)
                declared = &c;
        if (declared) {
            d.channels.push_back(*declared);
            continue;
        }
        const BuiltIn* b = find_builtin(name == "rgb" ? "Ci" : name);
        if (!b) {
            m_rep.error(loc, "Display \"" + d.name + "\": mode \"" + d.mode + "\" names channel \"" +
                                 name + "\", which is neither declared by a DisplayChannel "
                                 "before it nor a built-in channel (rgb, rgba, " +
                                 builtin_list() + ")");
            return false;
        }
        d.channels.push_back(builtin_channel(*b, loc));
    }
    const std::vector<std::string> names = display_output_names(d);
    for (size_t k = 0; k < names.size(); ++k)
        for (size_t j = 0; j < k; ++j)
            if (names[j] == names[k]) {
                m_rep.error(loc, "Display \"" + d.name + "\": mode \"" + d.mode +
                                     "\" writes channel \"" + names[k] + "\" twice");
                return false;
            }
    if (d.format == ImageFormat::TIFF) {
        // A TIFF holds a picture: one colour channel, then alpha.
        const bool picture =
            (d.channels.size() == 1 || d.channels.size() == 2) && d.channels[0].components == 3 &&
            names[0] == "R" && (d.channels.size() == 1 || names.back() == "A");
        if (!picture) {
            m_rep.error(loc, "Display \"" + d.name + "\": mode \"" + d.mode +
                                 "\" cannot be written to TIFF, which holds colour and alpha "
                                 "only (\"rgb\", \"rgba\", or one colour channel); write these "
                                 "channels to an OpenEXR display");
            return false;
        }
    }
    return true;
}

void Parser::rq_hider(Request& req)
{
    std::size_t i = 0;
    std::string type;
    if (!get_string(req, i, type, "hider type") || !camera_option_ok(req))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    Sampling& s = settings().sampling;
    if (type != "raytrace" && type != "hidden")
        m_rep.warn_once("hider:" + type, req.arg_loc(0),
                        "Hider \"" + type + "\" is not supported; using bucket mode");
    // Each Hider replaces the previous one.
    s.incremental = type == "raytrace" && pl.get_int("incremental", 0) != 0;
    s.min_samples = pl.get_int("minsamples", -1);
    s.max_samples = pl.get_int("maxsamples", -1);
    if (pl.has("seed"))
        s.seed = static_cast<uint32_t>(pl.get_int("seed", 0));
    if (pl.has("pixelvariance")) {
        s.pixel_variance = std::max(0.0f, pl.get_float("pixelvariance", 0.0f));
        warn_pixel_variance(req.loc, s.pixel_variance, "Hider \"pixelvariance\"");
    }
    // Parameters that change the picture but are not honoured. "depthfilter"
    // only shapes depth, which is never written.
    static const char* const kHonoured[] = {"incremental", "minsamples", "maxsamples", "seed",
                                            "pixelvariance", "depthfilter"};
    for (const ParsedParam& p : pl.items) {
        const std::string& name = p.param.name;
        if (std::find(std::begin(kHonoured), std::end(kHonoured), name) == std::end(kHonoured))
            m_rep.warn_once("hider-param:" + name, p.param.loc,
                            "Hider \"" + type + "\": parameter \"" + name +
                                "\" is not supported; ignored");
    }
    if (s.max_samples == 0 || s.max_samples < -1) {
        m_rep.error(req.loc, "Hider: maxsamples must be positive");
        s.max_samples = -1;
    }
}

std::vector<std::string> Parser::expand_searchpath(const std::string& value,
                                                   const std::vector<std::string>& previous) const
{
    // ':'-separated; '@' = the default (ParseOptions::searchpath), '&' = the previous value.
    // Relative entries are taken relative to the directory of the file that sets them.
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t end = value.find(':', start);
        if (end == std::string::npos)
            end = value.size();
        std::string entry = value.substr(start, end - start);
        start = end + 1;
        if (entry.empty())
            continue;
        if (entry == "@") {
            out.insert(out.end(), m_options.searchpath.begin(), m_options.searchpath.end());
        } else if (entry == "&") {
            out.insert(out.end(), previous.begin(), previous.end());
        } else {
            std::filesystem::path p(entry);
            out.push_back(p.is_absolute()
                              ? entry
                              : (std::filesystem::path(current_dir()) / p).lexically_normal().string());
        }
    }
    return out;
}

void Parser::rq_option(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_string(req, i, name, "option name"))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);

    // Inside a world the option changes that frame only (it is already snapshotted).
    OptionMap& map = m_frame ? m_frame->options : settings().options;
    std::vector<Param>& stored = map[name];
    for (const ParsedParam& p : pl.items) {
        auto same = std::find_if(stored.begin(), stored.end(),
                                 [&](const Param& q) { return q.name == p.param.name; });
        if (same != stored.end())
            *same = p.param;
        else
            stored.push_back(p.param);
    }

    FrameSettings& s = settings();
    if (name == "searchpath") {
        if (const ParsedParam* p = pl.find("archive"); p && !p->param.strings.empty())
            s.archive_path = expand_searchpath(p->param.strings[0], s.archive_path);
        if (const ParsedParam* p = pl.find("texture"); p && !p->param.strings.empty())
            s.texture_path = expand_searchpath(p->param.strings[0], s.texture_path);
        if (m_frame) {
            m_frame_settings.archive_path = s.archive_path;
            m_frame_settings.texture_path = s.texture_path;
        }
    } else if (name == "trace") {
        if (pl.has("maxdepth")) {
            int depth = std::max(0, pl.get_int("maxdepth", 5));
            (m_frame ? m_frame->max_depth : s.max_depth) = depth;
        }
    } else if (name == "user") {
        if (pl.has("seed")) {
            uint32_t seed = static_cast<uint32_t>(pl.get_int("seed", 0));
            (m_frame ? m_frame->sampling.seed : s.sampling.seed) = seed;
        }
    } else if (name == "bucket") {
        if (const ParsedParam* p = pl.find("order")) {
            const std::string order = p->param.strings.empty() ? "" : p->param.strings[0];
            static const BucketOrder kOrders[] = {
                BucketOrder::Horizontal, BucketOrder::Vertical, BucketOrder::ZigzagX,
                BucketOrder::ZigzagY,    BucketOrder::Spiral,   BucketOrder::Random,
                BucketOrder::Circle};
            bool known = false;
            for (BucketOrder o : kOrders)
                if (order == bucket_order_name(o)) {
                    (m_frame ? m_frame->sampling.bucket_order : s.sampling.bucket_order) = o;
                    known = true;
                }
            if (!known)
                m_rep.error(p->param.loc, "Option \"bucket\" \"order\": unknown order \"" + order +
                                              "\" (horizontal, vertical, zigzag-x, zigzag-y, "
                                              "spiral, random or circle)");
        }
    } else if (name == "limits") {
        if (const ParsedParam* p = pl.find("bucketsize")) {
            const std::vector<float> v = p->as_floats();
            if (v.size() != 2 || v[0] < 1 || v[1] < 1 || v[0] > 4096 || v[1] > 4096 ||
                v[0] != std::floor(v[0]) || v[1] != std::floor(v[1])) {
                m_rep.error(p->param.loc, "Option \"limits\" \"bucketsize\": expected two whole "
                                          "numbers from 1 to 4096 (\"int[2] bucketsize\" [w h])");
            } else {
                Sampling& sampling = m_frame ? m_frame->sampling : s.sampling;
                sampling.bucket_width = int(v[0]);
                sampling.bucket_height = int(v[1]);
            }
        }
    }

    // Options that change the picture and are not read. Option "Ri" is how
    // newer RenderMan writes Format, PixelVariance, PixelFilter and the like.
    for (const ParsedParam& p : pl.items) {
        const std::string& param = p.param.name;
        if (name == "Ri" || (name == "trace" && param != "maxdepth"))
            m_rep.warn_once("option:" + name + ":" + param, p.param.loc,
                            "Option \"" + name + "\" \"" + param + "\" is not supported; ignored" +
                                (name == "Ri" ? " (write the classic request instead, e.g. "
                                                "Format or PixelFilter)"
                                              : ""));
    }
}

void Parser::rq_integrator(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_string(req, i, name, "integrator name"))
        return;
    // RIS form: name, handle, then (name, value) pairs; an odd count means a handle.
    if ((req.args.size() - i) % 2 == 1)
        ++i;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    if (name != "PxrPathTracer") {
        m_rep.warn_once("integrator:" + name, req.arg_loc(0),
                        "Integrator \"" + name + "\" is approximated by path tracing (of its "
                        "parameters only maxPathLength is used)");
    } else {
        // ckrender's path tracer honours the path length only.
        for (const ParsedParam& p : pl.items) {
            const std::string& param = p.param.name;
            if (param == "maxPathLength")
                continue;
            const bool clamp = param == "clampLuminance" || param == "maxIndirectRadiance" ||
                               param == "clampDepth";
            m_rep.warn_once("integrator-param:" + param, p.param.loc,
                            "Integrator \"PxrPathTracer\": parameter \"" + param + "\" " +
                                (clamp ? "is ignored: ckrender does not clamp radiance"
                                       : "is not supported; ignored"));
        }
    }
    // The last Integrator wins.
    if (pl.has("maxPathLength")) {
        int depth = std::max(0, pl.get_int("maxPathLength", 5));
        (m_frame ? m_frame->max_depth : settings().max_depth) = depth;
    }
}

void Parser::rq_shutter(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 2, v) || !no_more(req, i) || !camera_option_ok(req))
        return;
    settings().camera.shutter_open = v[0];
    settings().camera.shutter_close = v[1];
}

void Parser::rq_depth_of_field(Request& req)
{
    ignore(req, "depth of field is not supported; rendering with a pinhole camera");
}

}  // namespace ck::scene::detail
