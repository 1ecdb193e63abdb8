// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Camera, image, display, sampling and Option requests.
#include "scene/parser_impl.h"

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
    }
    PixelFilter& f = settings().image.filter;
    f.name = n;
    f.xwidth = w[0] > 0.0f ? w[0] : 1.0f;
    f.ywidth = w[1] > 0.0f ? w[1] : 1.0f;
}

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

    bool add = !d.name.empty() && d.name[0] == '+';
    if (add)
        d.name.erase(0, 1);
    if (d.name.empty()) {
        m_rep.error(req.arg_loc(0), "Display: empty output name");
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
            return;
        }
    }
    {
        const std::string base = d.name.substr(d.name.find_last_of('/') + 1);
        if (base.empty() || base == "." || base == "..") {
            m_rep.error(req.arg_loc(0),
                        "Display \"" + d.name + "\": names a directory, not an image file");
            return;
        }
    }

    // Format from the type, or from the extension for file-like types.
    std::string type = lower(d.type);
    std::string ext = extension(d.name);
    if (type == "openexr" || type == "exr" || type == "deepexr") {
        d.format = ImageFormat::OpenEXR;
    } else if (type == "tiff" || type == "tif") {
        d.format = ImageFormat::TIFF;
    } else {
        if (type != "file" && type != "framebuffer" && type != "it")
            m_rep.warn_once("display-type:" + d.type, req.arg_loc(1),
                            "Display type \"" + d.type + "\" is not supported; writing a file "
                            "(format from the extension)");
        if (ext == ".tif" || ext == ".tiff") {
            d.format = ImageFormat::TIFF;
        } else {
            d.format = ImageFormat::OpenEXR;
            if (ext != ".exr" && type == "file")
                m_rep.warn_once("display-ext:" + ext, req.arg_loc(0),
                                "Display \"" + d.name + "\": unknown extension \"" + ext +
                                    "\"; writing OpenEXR");
        }
    }
    if (d.mode != "rgb" && d.mode != "rgba") {
        m_rep.warning(req.arg_loc(2), "Display mode \"" + d.mode +
                                          "\" is not supported; writing rgba");
        d.mode = "rgba";
    }

    std::vector<Display>& list = settings().displays;
    if (!add)
        list.clear();
    list.push_back(std::move(d));
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
    if (pl.has("pixelvariance"))
        s.pixel_variance = std::max(0.0f, pl.get_float("pixelvariance", 0.0f));
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
    if (name != "PxrPathTracer")
        m_rep.warn_once("integrator:" + name, req.arg_loc(0),
                        "Integrator \"" + name + "\" is approximated by path tracing");
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
