// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "integrator/lights.h"

#include <OpenImageIO/imageio.h>
#include <OpenImageIO/texture.h>
#include <OpenImageIO/ustring.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ck::render {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
/// Importance-sampling grid resolution cap for dome maps.
constexpr int kDomeGridWidth = 512;
constexpr int kDomeGridHeight = 256;
/// Share of light selection that is uniform rather than power-based.
constexpr float kUniformSelection = 0.2f;

bool is_pxr(const std::string& shader)
{
    return shader.compare(0, 3, "Pxr") == 0;
}

float smoothstep(float lo, float hi, float x)
{
    if (hi <= lo)
        return x >= hi ? 1.0f : 0.0f;
    float t = clamp01((x - lo) / (hi - lo));
    return t * t * (3.0f - 2.0f * t);
}

/// Light-space direction <-> lat-long (u, v): +Y up, v = 0 at the top row,
/// u = 0.5 looks toward light-space -Z and u grows toward +X.
void direction_to_latlong(const V3f& d, float& u, float& v)
{
    float phi = std::atan2(d.x, -d.z);
    u = 0.5f + phi * (1.0f / kTwoPi);
    if (u >= 1.0f)
        u -= 1.0f;
    if (u < 0.0f)
        u += 1.0f;
    v = std::acos(std::min(1.0f, std::max(-1.0f, d.y))) * kInvPi;
}

V3f latlong_to_direction(float u, float v)
{
    float phi = (u - 0.5f) * kTwoPi;
    float theta = v * kPi;
    float st = std::sin(theta);
    return V3f(st * std::sin(phi), std::cos(theta), -st * std::cos(phi));
}

}  // namespace

/// A lat-long environment map: texture lookups plus a sampling distribution.
struct DomeMap {
    OIIO::ustring path;
    OIIO::TextureSystem::TextureHandle* handle = nullptr;
    int channels = 3;
    Distribution2D distribution;
    float mean_luminance = 0.0f;
};

struct LightSet::Textures {
    OIIO::TextureSystem* system = nullptr;
    ~Textures()
    {
        if (system)
            OIIO::TextureSystem::destroy(system, true);
    }
};

LightSet::~LightSet() = default;

namespace {

// The image format from the file's first bytes, or "" when it is none of
// those a light map comes in. Asking OIIO to guess instead tries every reader
// it has, and some read the whole file: a 300 MB file of zeros took 53 s to
// be refused (issue 10, item 7).
std::string map_format(const std::string& path, std::string& why)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        why = std::strerror(errno);
        return "";
    }
    struct stat st {};
    unsigned char m[16] = {};
    ssize_t n = -1;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        n = ::read(fd, m, sizeof m);
    else
        why = "not a regular file";
    ::close(fd);
    if (n < 0) {
        if (why.empty())
            why = std::strerror(errno);
        return "";
    }
    auto starts = [&](const char* magic, size_t len) {
        return size_t(n) >= len && std::memcmp(m, magic, len) == 0;
    };
    if (starts("\x76\x2f\x31\x01", 4))
        return "openexr";
    if (starts("II*\0", 4) || starts("MM\0*", 4) || starts("II+\0", 4) || starts("MM\0+", 4))
        return "tiff";
    if (starts("\x89PNG", 4))
        return "png";
    if (starts("\xff\xd8\xff", 3))
        return "jpeg";
    if (starts("#?", 2))
        return "hdr";
    why = "not an OpenEXR, TIFF, PNG, JPEG or Radiance HDR file (by its first bytes)";
    return "";
}

Status load_dome_map(OIIO::TextureSystem* ts, const std::string& path, DomeMap& map)
{
    auto cannot = [&](const std::string& why) {
        return Status(ErrorCode::Io, "cannot read dome light map \"" + path + "\": " + why);
    };
    std::string why;
    const std::string format = map_format(path, why);
    if (format.empty())
        return cannot(why);
    // The reader named by the file's signature, and the pixels a band of rows
    // at a time into the grid sums: never the whole map in memory.
    auto in = OIIO::ImageInput::create(format);
    OIIO::ImageSpec spec;
    if (!in || !in->open(path, spec))
        return cannot(in ? in->geterror() : OIIO::geterror());
    int w = spec.width;
    int h = spec.height;
    int nc = spec.nchannels;
    if (w <= 0 || h <= 0 || nc <= 0 || spec.depth > 1 || spec.deep)
        return Status(ErrorCode::Corrupt, "dome light map \"" + path + "\" is empty or not a flat 2D image");
    int gw = std::min(w, kDomeGridWidth);
    int gh = std::min(h, kDomeGridHeight);
    std::vector<double> sums(size_t(gw) * size_t(gh), 0.0);
    std::vector<int> counts(size_t(gw) * size_t(gh), 0);
    const int band = spec.tile_height > 0 ? spec.tile_height : 64;
    std::vector<float> rows;
    try {
        rows.resize(size_t(w) * size_t(band) * size_t(nc));
    } catch (const std::bad_alloc&) {
        return cannot("its rows do not fit in memory (" + std::to_string(w) + " pixels wide)");
    }
    for (int y0 = 0; y0 < h; y0 += band) {
        const int y1 = std::min(h, y0 + band);
        const bool ok =
            spec.tile_width > 0
                ? in->read_tiles(0, 0, spec.x, spec.x + w, spec.y + y0, spec.y + y1, spec.z,
                                 spec.z + 1, 0, nc, OIIO::TypeDesc::FLOAT, rows.data())
                : in->read_scanlines(0, 0, spec.y + y0, spec.y + y1, spec.z, 0, nc,
                                     OIIO::TypeDesc::FLOAT, rows.data());
        if (!ok)
            return cannot(in->geterror());
        for (int y = y0; y < y1; ++y) {
            int gy = int(int64_t(y) * gh / h);
            for (int x = 0; x < w; ++x) {
                int gx = int(int64_t(x) * gw / w);
                const float* px = &rows[(size_t(y - y0) * size_t(w) + size_t(x)) * size_t(nc)];
                float lum = nc >= 3 ? luminance(C3f(px[0], px[1], px[2])) : px[0];
                if (!std::isfinite(lum) || lum < 0.0f)
                    lum = 0.0f;
                size_t cell = size_t(gy) * size_t(gw) + size_t(gx);
                sums[cell] += double(lum);
                counts[cell] += 1;
            }
        }
    }
    in->close();
    double total = 0.0;
    for (size_t i = 0; i < sums.size(); ++i) {
        sums[i] = counts[i] > 0 ? sums[i] / counts[i] : 0.0;
        total += sums[i];
    }
    double mean = total / double(sums.size());
    map.mean_luminance = float(mean);
    // A small floor keeps every direction samplable: bilinear lookups bleed
    // across cell borders, so a zero-average cell may still see light.
    double floor = std::max(1e-3 * mean, 1e-12);
    std::vector<float> grid(sums.size());
    for (int y = 0; y < gh; ++y) {
        float sin_theta = std::sin(kPi * (float(y) + 0.5f) / float(gh));
        for (int x = 0; x < gw; ++x) {
            size_t cell = size_t(y) * size_t(gw) + size_t(x);
            grid[cell] = float((sums[cell] + floor) * double(sin_theta));
        }
    }
    map.distribution = Distribution2D(grid, gw, gh);

    map.path = OIIO::ustring(path);
    map.channels = nc >= 3 ? 3 : 1;
    map.handle = ts->get_texture_handle(map.path);
    if (!map.handle)
        return Status(ErrorCode::Io,
                      "cannot open dome light map \"" + path + "\": " + ts->geterror());
    return Status::ok();
}

}  // namespace

Result<std::unique_ptr<LightSet>> LightSet::create(const scene::World& world,
                                                   const SceneGeometry& geometry,
                                                   const std::vector<int>& light_shapes)
{
    std::unique_ptr<LightSet> set(new LightSet());
    set->m_emitters = world.emitters;
    set->m_scene_radius = geometry.scene_radius();
    float radius = geometry.scene_radius();
    std::vector<float> power;

    for (size_t li = 0; li < world.lights.size(); ++li) {
        const scene::Light& src = world.lights[li];
        LightEntry e;
        e.scene_light = int(li);
        e.color = src.color;
        e.light_to_world = src.light_to_world;
        e.world_to_light = src.light_to_world.inverse();
        e.camera_visible = src.camera_visible;
        const M44f& l2w = src.light_to_world;
        float p = 0.0f;
        switch (src.kind) {
            case scene::LightKind::Ambient:
                set->m_ambient += src.color;
                continue;
            case scene::LightKind::Dome: {
                e.type = LightType::Dome;
                e.hittable = true;
                float mean = 1.0f;
                if (!src.map.empty()) {
                    if (!set->m_textures) {
                        set->m_textures = std::make_unique<Textures>();
                        set->m_textures->system = OIIO::TextureSystem::create(false);
                        // Full resolution only and no automatic MIP generation: lookups
                        // are plain bilinear and identical on every call.
                        set->m_textures->system->attribute("automip", 0);
                    }
                    auto map = std::make_unique<DomeMap>();
                    Status st = load_dome_map(set->m_textures->system, src.map, *map);
                    if (!st.is_ok())
                        return Status(st.code(), src.loc.str() + ": " + st.message());
                    mean = map->mean_luminance;
                    e.map = map.get();
                    set->m_maps.push_back(std::move(map));
                }
                p = luminance(src.color) * mean * kPi * kPi * radius * radius;
                break;
            }
            case scene::LightKind::Rect:
            case scene::LightKind::Disk: {
                e.type = src.kind == scene::LightKind::Rect ? LightType::Rect : LightType::Disk;
                e.center = xform_point(l2w, V3f(0.0f, 0.0f, 0.0f));
                e.ex = xform_vector(l2w, V3f(1.0f, 0.0f, 0.0f));
                e.ey = xform_vector(l2w, V3f(0.0f, 1.0f, 0.0f));
                // Emits toward light-space -Z.
                e.normal = -normalize(xform_normal(e.world_to_light, V3f(0.0f, 0.0f, 1.0f)));
                float a = length(cross(e.ex, e.ey));
                e.area = src.kind == scene::LightKind::Rect ? a : 0.25f * kPi * a;
                p = luminance(src.color) * e.area * kPi;
                break;
            }
            case scene::LightKind::Sphere: {
                e.type = LightType::Sphere;
                e.center = xform_point(l2w, V3f(0.0f, 0.0f, 0.0f));
                // Uniform scale assumed: the radius is 0.5 times the mean axis length.
                float sx = length(xform_vector(l2w, V3f(1.0f, 0.0f, 0.0f)));
                float sy = length(xform_vector(l2w, V3f(0.0f, 1.0f, 0.0f)));
                float sz = length(xform_vector(l2w, V3f(0.0f, 0.0f, 1.0f)));
                e.radius = 0.5f * (sx + sy + sz) / 3.0f;
                e.area = 4.0f * kPi * e.radius * e.radius;
                p = luminance(src.color) * e.area * kPi;
                break;
            }
            case scene::LightKind::Distant: {
                e.type = LightType::Distant;
                V3f travel = is_pxr(src.shader) ? xform_vector(l2w, V3f(0.0f, 0.0f, -1.0f))
                                                : xform_vector(l2w, src.to - src.from);
                e.to_light = -normalize(travel);
                float half = 0.5f * std::max(0.0f, src.angle_extent_degrees) * kPi / 180.0f;
                if (half > 0.0f) {
                    e.cos_max = std::cos(half);
                    float s = std::sin(half);
                    e.one_minus_cos_max = s * s / (1.0f + e.cos_max);
                    // Irradiance at normal incidence E = L * pi * sin^2(half).
                    e.color = src.color * (1.0f / (kPi * s * s));
                    e.hittable = true;
                }
                p = luminance(src.color) * kPi * radius * radius;
                break;
            }
            case scene::LightKind::Point:
            case scene::LightKind::Spot: {
                e.type = src.kind == scene::LightKind::Point ? LightType::Point : LightType::Spot;
                e.center = xform_point(l2w, src.from);
                p = luminance(src.color) * 4.0f * kPi;
                if (e.type == LightType::Spot) {
                    e.axis = normalize(xform_vector(l2w, src.to - src.from));
                    float outer = src.cone_angle_degrees * kPi / 180.0f;
                    float inner =
                        (src.cone_angle_degrees - src.cone_delta_angle_degrees) * kPi / 180.0f;
                    e.cos_outer = std::cos(outer);
                    e.cos_inner = std::cos(std::max(0.0f, inner));
                    e.beam = src.beam_distribution;
                    p = luminance(src.color) * kTwoPi * (1.0f - 0.5f * (e.cos_outer + e.cos_inner));
                }
                break;
            }
        }
        // Rect/disk/sphere lights are hittable through their shape.
        if (e.type == LightType::Rect || e.type == LightType::Disk || e.type == LightType::Sphere) {
            int shape_index = li < light_shapes.size() ? light_shapes[li] : -1;
            const ShapeRecord* shape =
                shape_index >= 0 ? geometry.top_shape(size_t(shape_index)) : nullptr;
            e.shape = shape;
            e.hittable = shape && (shape->mask & kMaskIndirect);
        }
        set->m_lights.push_back(std::move(e));
        power.push_back(std::max(0.0f, p));
    }

    // Emissive geometry that is not the shape of a Light (AreaLightSource).
    for (size_t si = 0; si < world.shapes.size(); ++si) {
        const scene::Shape& shape = world.shapes[si];
        if (shape.emitter < 0 || shape.emitter >= int(world.emitters.size()))
            continue;
        const scene::Emitter& em = world.emitters[size_t(shape.emitter)];
        if (em.light >= 0)
            continue;
        const ShapeRecord* rec = geometry.top_shape(si);
        if (!rec || is_black(em.radiance))
            continue;
        LightEntry e;
        e.type = LightType::Shape;
        e.color = em.radiance;
        e.shape = rec;
        e.two_sided = em.two_sided;
        e.hittable = (rec->mask & kMaskIndirect) != 0;
        if (rec->kind == scene::ShapeKind::Mesh) {
            std::vector<float> areas(rec->indices.size() / 3);
            double total = 0.0;
            for (size_t t = 0; t < areas.size(); ++t) {
                const V3f& p0 = rec->P[rec->indices[3 * t]];
                const V3f& p1 = rec->P[rec->indices[3 * t + 1]];
                const V3f& p2 = rec->P[rec->indices[3 * t + 2]];
                areas[t] = 0.5f * length(cross(p1 - p0, p2 - p0));
                total += double(areas[t]);
            }
            if (total <= 0.0)
                continue;
            e.triangles = Distribution1D(areas);
            e.area = float(total);
        } else {
            e.quadric_area = quadric_area(*rec);
            e.det = std::fabs(linear_determinant(rec->object_to_space));
            if (e.quadric_area <= 0.0f || e.det <= 0.0f)
                continue;
            // World area (exact for similarity transforms; used for power only).
            e.area = e.quadric_area * std::pow(e.det, 2.0f / 3.0f);
        }
        power.push_back(luminance(em.radiance) * e.area * kPi * (em.two_sided ? 2.0f : 1.0f));
        set->m_lights.push_back(std::move(e));
    }

    // Link shapes to the light that samples them (for MIS on BSDF hits).
    for (size_t i = 0; i < set->m_lights.size(); ++i) {
        const ShapeRecord* rec = set->m_lights[i].shape;
        if (rec)
            const_cast<ShapeRecord*>(rec)->nee_light = int(i);
    }

    // Selection: mostly by power, partly uniform so no light starves.
    if (!power.empty()) {
        double total = 0.0;
        for (float w : power)
            total += double(w);
        std::vector<float> weights(power.size());
        for (size_t i = 0; i < power.size(); ++i) {
            double share = total > 0.0 ? double(power[i]) / total : 0.0;
            weights[i] =
                float((1.0 - kUniformSelection) * share + kUniformSelection / double(power.size()));
        }
        set->m_select = Distribution1D(weights);
    }
    return set;
}

size_t LightSet::choose(float u, float& pmf) const
{
    size_t i = m_select.sample_discrete(u);
    pmf = m_select.pmf(i);
    return i;
}

C3f LightSet::dome_radiance(const LightEntry& light, const V3f& dir, const V3f& n, float* pdf) const
{
    if (!light.map) {
        // Constant domes are sampled cosine-weighted around the shading point's normal.
        if (pdf)
            *pdf = std::max(0.0f, dot(dir, n)) * kInvPi;
        return light.color;
    }
    V3f d = normalize(xform_vector(light.world_to_light, dir));
    float u, v;
    direction_to_latlong(d, u, v);
    float rgb[3] = {0.0f, 0.0f, 0.0f};
    OIIO::TextureOpt opt;
    opt.interpmode = OIIO::TextureOpt::InterpBilinear;
    opt.mipmode = OIIO::TextureOpt::MipModeNoMIP;
    opt.swrap = OIIO::TextureOpt::WrapPeriodic;
    opt.twrap = OIIO::TextureOpt::WrapClamp;
    OIIO::TextureSystem* ts = m_textures->system;
    ts->texture(light.map->handle, ts->get_perthread_info(nullptr), opt, u, v, 0.0f, 0.0f, 0.0f,
                0.0f, light.map->channels, rgb);
    C3f value =
        light.map->channels == 3 ? C3f(rgb[0], rgb[1], rgb[2]) : C3f(rgb[0], rgb[0], rgb[0]);
    if (pdf) {
        float sin_theta = std::sin(v * kPi);
        *pdf = sin_theta > 0.0f ? light.map->distribution.pdf(u, v) / (2.0f * kPi * kPi * sin_theta)
                                : 0.0f;
    }
    return light.color * value;
}

bool LightSet::sample(size_t i, const V3f& p, const V3f& n, float u1, float u2,
                      LightSample& out) const
{
    const LightEntry& l = m_lights[i];
    out.delta = false;
    switch (l.type) {
        case LightType::Dome: {
            if (l.map) {
                float u, v, pdf_uv;
                l.map->distribution.sample(u1, u2, u, v, pdf_uv);
                float sin_theta = std::sin(v * kPi);
                if (!(pdf_uv > 0.0f) || sin_theta <= 0.0f)
                    return false;
                V3f d = latlong_to_direction(u, v);
                out.wi = normalize(xform_vector(l.light_to_world, d));
                out.radiance = dome_radiance(l, out.wi, n, nullptr);
                out.pdf = pdf_uv / (2.0f * kPi * kPi * sin_theta);
            } else {
                V3f local = sample_cosine_hemisphere(u1, u2);
                out.wi = normalize(Frame3(n).to_world(local));
                out.radiance = l.color;
                out.pdf = std::max(0.0f, dot(out.wi, n)) * kInvPi;
                if (!(out.pdf > 0.0f))
                    return false;
            }
            out.dist = kInf;
            return true;
        }
        case LightType::Distant: {
            out.dist = kInf;
            if (l.cos_max >= 1.0f) {
                out.wi = l.to_light;
                out.radiance = l.color;
                out.pdf = 1.0f;
                out.delta = true;
                return true;
            }
            V3f local = sample_uniform_cone(u1, u2, l.cos_max);
            out.wi = normalize(Frame3(l.to_light).to_world(local));
            out.radiance = l.color;
            out.pdf = 1.0f / (kTwoPi * l.one_minus_cos_max);
            return true;
        }
        case LightType::Point:
        case LightType::Spot: {
            V3f d = l.center - p;
            float d2 = dot(d, d);
            if (d2 <= 0.0f)
                return false;
            float dist = std::sqrt(d2);
            out.wi = d * (1.0f / dist);
            out.dist = dist;
            out.radiance = l.color * (1.0f / d2);
            if (l.type == LightType::Spot) {
                float cos_a = -dot(out.wi, l.axis);
                if (cos_a <= 0.0f)
                    return false;
                float atten = std::pow(cos_a, l.beam) * smoothstep(l.cos_outer, l.cos_inner, cos_a);
                if (atten <= 0.0f)
                    return false;
                out.radiance *= atten;
            }
            out.pdf = 1.0f;
            out.delta = true;
            return true;
        }
        case LightType::Rect:
        case LightType::Disk: {
            V3f q;
            if (l.type == LightType::Rect) {
                q = l.center + l.ex * (u1 - 0.5f) + l.ey * (u2 - 0.5f);
            } else {
                V2f d = sample_concentric_disk(u1, u2);
                q = l.center + l.ex * (0.5f * d.x) + l.ey * (0.5f * d.y);
            }
            V3f d = q - p;
            float d2 = dot(d, d);
            if (d2 <= 0.0f)
                return false;
            float dist = std::sqrt(d2);
            out.wi = d * (1.0f / dist);
            float cos_l = -dot(out.wi, l.normal);
            if (cos_l <= 0.0f)
                return false;
            out.dist = dist;
            out.radiance = l.color;
            out.pdf = d2 / (l.area * cos_l);
            return true;
        }
        case LightType::Sphere: {
            V3f d = l.center - p;
            float dc2 = dot(d, d);
            float r2 = l.radius * l.radius;
            if (dc2 <= r2)
                return false;  // Inside: only the back (non-emitting) side is visible.
            float dc = std::sqrt(dc2);
            float sin2_max = r2 / dc2;
            float cos_max = std::sqrt(std::max(0.0f, 1.0f - sin2_max));
            float one_minus = sin2_max / (1.0f + cos_max);
            float cos_t = 1.0f - u1 * one_minus;
            float sin2_t = std::max(0.0f, 1.0f - cos_t * cos_t);
            float phi = kTwoPi * u2;
            float sin_t = std::sqrt(sin2_t);
            V3f local(sin_t * std::cos(phi), sin_t * std::sin(phi), cos_t);
            out.wi = normalize(Frame3(d * (1.0f / dc)).to_world(local));
            float ds = dc * cos_t - std::sqrt(std::max(0.0f, r2 - dc2 * sin2_t));
            out.dist = std::max(0.0f, ds);
            out.radiance = l.color;
            out.pdf = 1.0f / (kTwoPi * one_minus);
            return true;
        }
        case LightType::Shape: {
            const ShapeRecord& s = *l.shape;
            V3f q(0.0f), nl(0.0f);
            float pdf_area;
            if (s.kind == scene::ShapeKind::Mesh) {
                float remapped = 0.0f;
                size_t t = l.triangles.sample_discrete(u1, &remapped);
                float su = std::sqrt(remapped);
                float b1 = 1.0f - su;
                float b2 = u2 * su;
                const V3f& p0 = s.P[s.indices[3 * t]];
                const V3f& p1 = s.P[s.indices[3 * t + 1]];
                const V3f& p2 = s.P[s.indices[3 * t + 2]];
                q = p0 * (1.0f - b1 - b2) + p1 * b1 + p2 * b2;
                nl = normalize(cross(p1 - p0, p2 - p0));
                pdf_area = 1.0f / l.area;
            } else {
                V3f po(0.0f), no(0.0f);
                sample_quadric(s, u1, u2, po, no);
                q = xform_point(s.object_to_space, po);
                V3f nw = xform_normal(s.space_to_object, normalize(no));
                float jac = l.det * length(nw);
                nl = normalize(nw);
                pdf_area = 1.0f / (l.quadric_area * jac);
            }
            if (s.reverse)
                nl = -nl;
            V3f d = q - p;
            float d2 = dot(d, d);
            if (d2 <= 0.0f)
                return false;
            float dist = std::sqrt(d2);
            out.wi = d * (1.0f / dist);
            float cos_l = -dot(out.wi, nl);
            if (l.two_sided)
                cos_l = std::fabs(cos_l);
            if (cos_l <= 0.0f)
                return false;
            out.dist = dist;
            out.radiance = l.color;
            out.pdf = pdf_area * d2 / cos_l;
            return true;
        }
    }
    return false;
}

C3f LightSet::emitted(const SurfaceHit& hit, const V3f& wo) const
{
    const ShapeRecord& s = *hit.shape;
    if (s.nee_light >= 0) {
        const LightEntry& l = m_lights[size_t(s.nee_light)];
        // Pxr area lights: the light's own definition decides the emitting side.
        if (l.type == LightType::Rect || l.type == LightType::Disk)
            return dot(wo, l.normal) > 0.0f ? l.color : C3f(0.0f, 0.0f, 0.0f);
        if (l.type == LightType::Sphere)
            return dot(wo, hit.p - l.center) > 0.0f ? l.color : C3f(0.0f, 0.0f, 0.0f);
    }
    if (s.emitter < 0 || s.emitter >= int(m_emitters.size()))
        return C3f(0.0f, 0.0f, 0.0f);
    const scene::Emitter& em = m_emitters[size_t(s.emitter)];
    if (em.two_sided || dot(wo, hit.ng) > 0.0f)
        return em.radiance;
    return C3f(0.0f, 0.0f, 0.0f);
}

float LightSet::pdf_hit(size_t i, const V3f& ref, const SurfaceHit& hit) const
{
    const LightEntry& l = m_lights[i];
    V3f d = hit.p - ref;
    float d2 = dot(d, d);
    if (d2 <= 0.0f)
        return 0.0f;
    V3f wi = d * (1.0f / std::sqrt(d2));
    switch (l.type) {
        case LightType::Rect:
        case LightType::Disk: {
            float cos_l = -dot(wi, l.normal);
            return cos_l > 0.0f ? d2 / (l.area * cos_l) : 0.0f;
        }
        case LightType::Sphere: {
            V3f c = l.center - ref;
            float dc2 = dot(c, c);
            float r2 = l.radius * l.radius;
            if (dc2 <= r2)
                return 0.0f;
            float sin2_max = r2 / dc2;
            float cos_max = std::sqrt(std::max(0.0f, 1.0f - sin2_max));
            return 1.0f / (kTwoPi * sin2_max / (1.0f + cos_max));
        }
        case LightType::Shape: {
            const ShapeRecord& s = *l.shape;
            float pdf_area;
            V3f n = hit.ng;
            if (s.kind == scene::ShapeKind::Mesh) {
                pdf_area = 1.0f / l.area;
            } else {
                V3f po = xform_point(s.space_to_object, hit.p);
                V3f no = s.kind == scene::ShapeKind::Sphere     ? po
                         : s.kind == scene::ShapeKind::Cylinder ? V3f(po.x, po.y, 0.0f)
                                                                : V3f(0.0f, 0.0f, 1.0f);
                V3f nw = xform_normal(s.space_to_object, normalize(no));
                pdf_area = 1.0f / (l.quadric_area * l.det * length(nw));
            }
            float cos_l = std::fabs(dot(wi, n));
            return cos_l > 0.0f ? pdf_area * d2 / cos_l : 0.0f;
        }
        default:
            return 0.0f;
    }
}

C3f LightSet::infinite_radiance(const V3f& dir, bool camera) const
{
    C3f sum(0.0f, 0.0f, 0.0f);
    for (const LightEntry& l : m_lights) {
        if (l.type == LightType::Dome) {
            if (camera && !l.camera_visible)
                continue;
            sum += dome_radiance(l, dir, V3f(0.0f, 0.0f, 1.0f), nullptr);
        } else if (l.type == LightType::Distant && l.cos_max < 1.0f && !camera) {
            if (dot(dir, l.to_light) >= l.cos_max)
                sum += l.color;
        }
    }
    return sum;
}

C3f LightSet::infinite_radiance_mis(const V3f& dir, float pdf_bsdf, const V3f& n) const
{
    C3f sum(0.0f, 0.0f, 0.0f);
    for (size_t i = 0; i < m_lights.size(); ++i) {
        const LightEntry& l = m_lights[i];
        C3f value(0.0f);
        float pdf = 0.0f;
        if (l.type == LightType::Dome) {
            value = dome_radiance(l, dir, n, &pdf);
        } else if (l.type == LightType::Distant && l.cos_max < 1.0f) {
            if (dot(dir, l.to_light) < l.cos_max)
                continue;
            value = l.color;
            pdf = 1.0f / (kTwoPi * l.one_minus_cos_max);
        } else {
            continue;
        }
        float w = power_heuristic(pdf_bsdf, selection_pmf(i) * pdf);
        sum += value * w;
    }
    return sum;
}

}  // namespace ck::render
