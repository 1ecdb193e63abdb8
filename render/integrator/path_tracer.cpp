// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "integrator/path_tracer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ck::render {

namespace {

/// The unit square of a rect light (light-space XY plane).
std::shared_ptr<const scene::TriangleMesh> unit_square()
{
    auto mesh = std::make_shared<scene::TriangleMesh>();
    mesh->P = {V3f(-0.5f, -0.5f, 0.0f), V3f(0.5f, -0.5f, 0.0f), V3f(0.5f, 0.5f, 0.0f),
               V3f(-0.5f, 0.5f, 0.0f)};
    mesh->indices = {0, 1, 2, 0, 2, 3};
    return mesh;
}

}  // namespace

/// The light path expressions' view of one camera path: a few weighted
/// branches, each with every expression's automaton state. A scatter vertex
/// splits a branch by lobe (diffuse and specular parts of the sampled
/// direction's f / pdf, which add up to the path's throughput), branches with
/// the same states merge, and a branch whose every expression is dead goes.
/// Each emission adds weight * radiance to the expressions that accept.
struct PathTracer::LpePaths {
    static constexpr int kMaxExpressions = scene::kMaxLpeChannels;
    static constexpr int kMaxBranches = 32;
    struct Branch {
        int state[kMaxExpressions];
        C3f weight;
    };
    const std::vector<scene::LpeAutomaton>* automata = nullptr;
    int n = 0;
    int count = 0;
    Branch branch[kMaxBranches];
    C3f out[kMaxExpressions];

    void start()
    {
        n = int(automata->size());
        count = 1;
        const scene::LpeEvent camera{scene::LpeType::Camera};
        for (int k = 0; k < n; ++k) {
            out[k] = C3f(0.0f, 0.0f, 0.0f);
            const scene::LpeAutomaton& a = (*automata)[size_t(k)];
            branch[0].state[k] = a.step(a.start(), camera);
        }
        branch[0].weight = C3f(1.0f, 1.0f, 1.0f);
    }

    /// Radiance `x` (not yet weighted by the throughput) reaching the path
    /// after the events `events` (a scatter, then the emission, or just the emission).
    void emit(const scene::LpeEvent* events, int nevents, const C3f& x)
    {
        for (int b = 0; b < count; ++b)
            for (int k = 0; k < n; ++k) {
                const scene::LpeAutomaton& a = (*automata)[size_t(k)];
                int s = branch[b].state[k];
                for (int e = 0; e < nevents; ++e)
                    s = a.step(s, events[e]);
                if (a.accepts(s))
                    out[k] += branch[b].weight * x;
            }
    }

    /// The path scatters: `parts[i]` of the throughput multiplier goes with event `events[i]`.
    void scatter(const scene::LpeEvent* events, const C3f* parts, int nparts)
    {
        Branch next[kMaxBranches];
        int m = 0;
        for (int b = 0; b < count; ++b)
            for (int i = 0; i < nparts; ++i) {
                if (is_black(parts[i]))
                    continue;
                Branch nb;
                bool live = false;
                for (int k = 0; k < n; ++k) {
                    nb.state[k] = (*automata)[size_t(k)].step(branch[b].state[k], events[i]);
                    live = live || nb.state[k] != scene::LpeAutomaton::kDead;
                }
                if (!live)
                    continue;
                nb.weight = branch[b].weight * parts[i];
                int j = 0;
                while (j < m && !std::equal(nb.state, nb.state + n, next[j].state))
                    ++j;
                if (j < m) {
                    next[j].weight += nb.weight;
                } else if (m < kMaxBranches) {
                    next[m++] = nb;
                } else {
                    next[m - 1].weight += nb.weight;  // beyond the cap: docs/lpe.md
                }
            }
        count = m;
        std::copy(next, next + m, branch);
    }

    void scale(float f)
    {
        for (int b = 0; b < count; ++b)
            branch[b].weight *= f;
    }
};

PathTracer::PathTracer(const scene::Frame& frame)
    : m_camera(frame.camera, frame.image),
      m_filter(frame.image.filter),
      m_seed(frame.sampling.seed),
      m_max_depth(std::max(0, frame.max_depth))
{
    m_world_to_camera = frame.camera.world_to_camera;
    m_channels = scene::film_channels(frame);
    for (const scene::ChannelDecl& c : m_channels)
        m_needs_first_hit = m_needs_first_hit || (c.source != scene::ChannelSource::Ci &&
                                                  c.source != scene::ChannelSource::Alpha &&
                                                  c.source != scene::ChannelSource::SampleCount) ||
                           c.filter == scene::ChannelFilter::ZMin ||
                           c.filter == scene::ChannelFilter::ZMax;
    m_camera_to_world = m_world_to_camera.inverse();
    // The fast path gives no z: only for Ci and a averaged (a zmin Ci needs z).
    m_beauty_only = m_channels.size() == 2 && m_channels[0].source == scene::ChannelSource::Ci &&
                    m_channels[1].source == scene::ChannelSource::Alpha &&
                    m_channels[0].filter == scene::ChannelFilter::Average &&
                    m_channels[1].filter == scene::ChannelFilter::Average;
    const std::vector<std::string> groups = scene::light_groups(frame.world);
    for (const scene::ChannelDecl& c : m_channels) {
        if (c.source != scene::ChannelSource::Lpe)
            continue;
        scene::LpeExpression expr;
        scene::parse_lpe(c.lpe, expr, nullptr);  // the parser has checked it
        m_lpe.push_back(scene::compile_lpe(expr, groups, nullptr));
    }
    auto group_index = [&](const std::string& name) {
        for (size_t g = 0; g < groups.size(); ++g)
            if (groups[g] == name)
                return int(g);
        return -1;
    };
    for (const scene::Light& l : frame.world.lights) {
        m_scene_light_group.push_back(l.light_group.empty() ? -1 : group_index(l.light_group));
        // Domes and distant lights reach escaped rays together, ambient
        // lights every surface: each set takes the group of its first member.
        const bool infinite = l.kind == scene::LightKind::Dome || l.kind == scene::LightKind::Distant;
        if (infinite && m_infinite_group < 0)
            m_infinite_group = m_scene_light_group.back();
        if (l.kind == scene::LightKind::Ambient && m_ambient_group < 0)
            m_ambient_group = m_scene_light_group.back();
    }
    m_materials.reserve(frame.world.materials.size());
    for (const scene::Material& m : frame.world.materials)
        m_materials.push_back(make_material_data(m));
    m_default_material = make_material_data(scene::Material{});
    m_light_material.scatters = false;
    m_light_material.emission = C3f(0.0f, 0.0f, 0.0f);
}

Result<std::unique_ptr<FrameRenderer>> PathTracer::build(const scene::Frame& frame,
                                                         const RendererSettings& settings)
{
    std::unique_ptr<PathTracer> tracer(new PathTracer(frame));
    const scene::World& world = frame.world;

    // Area lights without a shape get one here, so BSDF rays can hit them.
    std::vector<scene::Shape> extra;
    std::vector<int> light_shapes(world.lights.size(), -1);
    for (size_t i = 0; i < world.lights.size(); ++i) {
        const scene::Light& light = world.lights[i];
        bool area = light.kind == scene::LightKind::Rect || light.kind == scene::LightKind::Disk ||
                    light.kind == scene::LightKind::Sphere;
        if (!area)
            continue;
        if (light.shape >= 0 && light.shape < int(world.shapes.size())) {
            light_shapes[i] = light.shape;
            continue;
        }
        scene::Shape shape;
        shape.object_to_world = light.light_to_world;
        shape.emitter = light.emitter;
        shape.visibility.camera = light.camera_visible;
        if (light.kind == scene::LightKind::Rect) {
            shape.kind = scene::ShapeKind::Mesh;
            shape.mesh = unit_square();
        } else if (light.kind == scene::LightKind::Disk) {
            shape.kind = scene::ShapeKind::Disk;
            shape.quadric.radius = 0.5f;
            shape.quadric.height = 0.0f;
        } else {
            shape.kind = scene::ShapeKind::Sphere;
            shape.quadric.radius = 0.5f;
            shape.quadric.zmin = -0.5f;
            shape.quadric.zmax = 0.5f;
        }
        shape.loc = light.loc;
        light_shapes[i] = int(world.shapes.size() + extra.size());
        extra.push_back(std::move(shape));
    }

    auto geometry = SceneGeometry::create(world, extra, settings.cancel);
    if (!geometry)
        return geometry.status();
    tracer->m_geometry = std::move(geometry.value());
    for (size_t i = 0; i < light_shapes.size(); ++i) {
        if (light_shapes[i] < 0)
            continue;
        if (ShapeRecord* rec = tracer->m_geometry->top_shape(size_t(light_shapes[i])))
            rec->light = int(i);
    }

    auto lights = LightSet::create(world, *tracer->m_geometry, light_shapes);
    if (!lights)
        return lights.status();
    tracer->m_lights = std::move(lights.value());
    return std::unique_ptr<FrameRenderer>(std::move(tracer));
}

const MaterialData& PathTracer::material_for(const ShapeRecord& shape) const
{
    if (shape.light >= 0)
        return m_light_material;
    if (shape.material >= 0 && shape.material < int(m_materials.size()))
        return m_materials[size_t(shape.material)];
    return m_default_material;
}

Ray PathTracer::spawn(const SurfaceHit& hit, const V3f& dir) const
{
    // Step off the surface on the side the ray leaves from.
    V3f n = dot(dir, hit.ng) >= 0.0f ? hit.ng : -hit.ng;
    Ray ray;
    ray.org = hit.p + n * hit.offset;
    ray.dir = dir;
    ray.tnear = 0.0f;
    ray.tfar = std::numeric_limits<float>::infinity();
    return ray;
}

int PathTracer::group_of_light(int li) const
{
    if (li < 0 || size_t(li) >= m_lights->size())
        return -1;
    const int sl = m_lights->light(size_t(li)).scene_light;
    return sl >= 0 && size_t(sl) < m_scene_light_group.size() ? m_scene_light_group[size_t(sl)]
                                                               : -1;
}

C3f PathTracer::trace(Sampler& sampler, Ray ray, float& alpha, FirstHit* first,
                      LpePaths* lpe) const
{
    using scene::LpeEvent;
    using scene::LpeScatter;
    using scene::LpeType;
    if (lpe)
        lpe->start();
    const SceneGeometry& geometry = *m_geometry;
    const LightSet& lights = *m_lights;
    C3f radiance(0.0f, 0.0f, 0.0f);
    C3f beta(1.0f, 1.0f, 1.0f);
    bool specular = false;
    float prev_pdf = 0.0f;
    V3f prev_p(0.0f, 0.0f, 0.0f);
    V3f prev_n(0.0f, 0.0f, 1.0f);
    unsigned mask = kMaskCamera;
    alpha = 0.0f;

    for (int depth = 0;; ++depth) {
        SurfaceHit hit;
        if (!geometry.intersect(ray, mask, hit)) {
            // Escaped: infinite lights. Camera rays see camera-visible domes only.
            C3f le(0.0f, 0.0f, 0.0f);
            if (depth == 0)
                radiance += (le = lights.infinite_radiance(ray.dir, true));
            else if (specular)
                radiance += beta * (le = lights.infinite_radiance(ray.dir, false));
            else
                radiance += beta * (le = lights.infinite_radiance_mis(ray.dir, prev_pdf, prev_n));
            if (lpe && !is_black(le)) {
                const LpeEvent l{LpeType::Light, LpeScatter::None, m_infinite_group};
                lpe->emit(&l, 1, le);
            }
            break;
        }
        if (depth == 0) {
            alpha = 1.0f;
            if (first) {
                first->hit = true;
                first->p = hit.p;
                first->ng = hit.ng;
                first->ns = hit.ns;
                first->st = hit.st;
                first->id = hit.id;
                first->t = hit.t;
            }
        }
        V3f wo = -ray.dir;
        const ShapeRecord& shape = *hit.shape;

        // Emission, MIS-weighted against the light sampling of the previous vertex.
        if (shape.emitter >= 0 || shape.nee_light >= 0) {
            C3f le = lights.emitted(hit, wo);
            if (!is_black(le)) {
                int li = shape.nee_light;
                float mis = 1.0f;
                if (depth == 0 || specular || li < 0) {
                    radiance += beta * le;
                } else {
                    float pdf_light =
                        lights.selection_pmf(size_t(li)) * lights.pdf_hit(size_t(li), prev_p, hit);
                    mis = power_heuristic(prev_pdf, pdf_light);
                    radiance += beta * le * mis;
                }
                if (lpe) {
                    const int group = li >= 0 ? group_of_light(li)
                                      : shape.light >= 0 && size_t(shape.light) < m_scene_light_group.size()
                                          ? m_scene_light_group[size_t(shape.light)]
                                          : -1;
                    const LpeEvent l{LpeType::Light, LpeScatter::None, group};
                    lpe->emit(&l, 1, le * mis);
                }
            }
        }

        const MaterialData& material = material_for(shape);
        if (!material.scatters) {
            radiance += beta * material.emission;
            if (lpe && !is_black(material.emission)) {
                const LpeEvent o{LpeType::Object};
                lpe->emit(&o, 1, material.emission);
            }
            break;
        }
        if (material.ka > 0.0f) {
            radiance += beta * lights.ambient() * material.diffuse * hit.color * material.ka;
            if (lpe) {
                const LpeEvent ev[2] = {{LpeType::Reflect, LpeScatter::Diffuse},
                                        {LpeType::Light, LpeScatter::None, m_ambient_group}};
                lpe->emit(ev, 2, lights.ambient() * material.diffuse * hit.color * material.ka);
            }
        }
        if (depth >= m_max_depth)
            break;

        Bsdf bsdf(material, hit.ng, hit.ns, wo, hit.color);
        if (depth == 0 && first)
            first->albedo = bsdf.diffuse_albedo();
        sampler.set_dimension(kFilterDimensions + uint32_t(depth) * kDimensionsPerBounce);
        float u_light = sampler.get_1d();
        float u_l1 = sampler.get_1d();
        float u_l2 = sampler.get_1d();
        float u_lobe = sampler.get_1d();
        float u_b1 = sampler.get_1d();
        float u_b2 = sampler.get_1d();
        float u_rr = sampler.get_1d();

        // Next-event estimation: every light when there are few, else one by power.
        if (!bsdf.is_delta() && lights.size() > 0) {
            if (lights.sample_all()) {
                uint32_t base =
                    kFilterDimensions + uint32_t(depth) * kDimensionsPerBounce + kAllLightsOffset;
                for (size_t li = 0; li < lights.size(); ++li) {
                    sampler.set_dimension(base + 2 * uint32_t(li));
                    float u1 = sampler.get_1d();
                    float u2 = sampler.get_1d();
                    radiance += beta * direct_light(li, 1.0f, hit, bsdf, u1, u2, lpe);
                }
            } else {
                float pmf = 0.0f;
                size_t li = lights.choose(u_light, pmf);
                if (pmf > 0.0f)
                    radiance += beta * direct_light(li, pmf, hit, bsdf, u_l1, u_l2, lpe);
            }
        }

        // Continue the path by sampling the BSDF.
        BsdfSample bs;
        if (!bsdf.sample(u_lobe, u_b1, u_b2, bs))
            break;
        beta *= bs.weight;
        if (lpe) {
            // The sampled direction's f / pdf, split by lobe.
            C3f parts[2] = {C3f(0.0f, 0.0f, 0.0f), bs.weight};
            bool transmit = dot(bs.wi, bsdf.facing_normal()) < 0.0f;
            if (!bs.delta && !bsdf.is_dielectric() && bs.pdf > 0.0f) {
                // The diffuse share, evaluated again (it is smooth in the
                // direction); the rest of bs.weight is specular, so the parts
                // add up to the throughput whatever the glossy lobe does
                // between the sampled and the re-evaluated direction.
                C3f fd, fs;
                bsdf.eval_lobes(bs.wi, fd, fs, transmit);
                parts[0] = fd * (1.0f / bs.pdf);
                parts[1] = bs.weight - parts[0];
                for (int c = 0; c < 3; ++c)
                    if (parts[1][c] < 0.0f) {  // rounding: never a negative share
                        parts[0][c] = bs.weight[c];
                        parts[1][c] = 0.0f;
                    }
            }
            const LpeType type = transmit ? LpeType::Transmit : LpeType::Reflect;
            const LpeEvent ev[2] = {{type, LpeScatter::Diffuse}, {type, LpeScatter::Specular}};
            lpe->scatter(ev, parts, 2);
        }
        if (is_black(beta))
            break;
        specular = bs.delta;
        prev_pdf = bs.pdf;
        prev_p = hit.p;
        prev_n = bsdf.facing_normal();

        if (depth + 1 >= kRouletteDepth) {
            float survive = std::min(1.0f, std::max(0.05f, max_component(beta)));
            if (u_rr >= survive)
                break;
            beta *= 1.0f / survive;
            if (lpe)
                lpe->scale(1.0f / survive);
        }
        ray = spawn(hit, bs.wi);
        mask = kMaskIndirect;
    }
    return radiance;
}

C3f PathTracer::direct_light(size_t li, float pmf, const SurfaceHit& hit, const Bsdf& bsdf,
                             float u1, float u2, LpePaths* lpe) const
{
    C3f zero(0.0f, 0.0f, 0.0f);
    LightSample ls;
    if (!m_lights->sample(li, hit.p, bsdf.facing_normal(), u1, u2, ls) || !(ls.pdf > 0.0f) ||
        is_black(ls.radiance))
        return zero;
    float pdf_bsdf = 0.0f;
    C3f f = bsdf.eval(ls.wi, pdf_bsdf);
    if (is_black(f))
        return zero;
    Ray shadow = spawn(hit, ls.wi);
    if (std::isfinite(ls.dist)) {
        V3f target = hit.p + ls.wi * ls.dist;
        shadow.tfar = ls.dist - 2.0f * (m_geometry->offset_for(target) + hit.offset);
    }
    // A light closer than the offsets is taken as unoccluded.
    if (shadow.tfar > 0.0f && m_geometry->occluded(shadow, kMaskShadow))
        return zero;
    const LightEntry& light = m_lights->light(li);
    float w = (ls.delta || !light.hittable) ? 1.0f : power_heuristic(pmf * ls.pdf, pdf_bsdf);
    if (lpe) {
        C3f fd, fs;
        bool transmit = false;
        bsdf.eval_lobes(ls.wi, fd, fs, transmit);
        const scene::LpeType type = transmit ? scene::LpeType::Transmit : scene::LpeType::Reflect;
        const scene::LpeEvent light_event{scene::LpeType::Light, scene::LpeScatter::None,
                                          group_of_light(int(li))};
        const float k = w / (pmf * ls.pdf);
        const scene::LpeEvent d[2] = {{type, scene::LpeScatter::Diffuse}, light_event};
        const scene::LpeEvent sp[2] = {{type, scene::LpeScatter::Specular}, light_event};
        if (!is_black(fd))
            lpe->emit(d, 2, fd * ls.radiance * k);
        if (!is_black(fs))
            lpe->emit(sp, 2, fs * ls.radiance * k);
    }
    return f * ls.radiance * (w / (pmf * ls.pdf));
}

C3f PathTracer::camera_sample(int x, int y, uint32_t sample_index, float& alpha, Ray& ray,
                              FirstHit* first, LpePaths* lpe) const
{
    Sampler sampler(m_seed, x, y, sample_index);
    float u1 = sampler.get_1d();
    float u2 = sampler.get_1d();
    V2f offset = m_filter.sample(u1, u2);

    m_camera.generate_ray(float(x) + 0.5f + offset.x, float(y) + 0.5f + offset.y, ray.org, ray.dir,
                          ray.tnear, ray.tfar);
    alpha = 0.0f;
    C3f c = trace(sampler, ray, alpha, first, lpe);
    if (!std::isfinite(c.x) || !std::isfinite(c.y) || !std::isfinite(c.z)) {
        // Never let a NaN or infinity reach the film.
        m_invalid.fetch_add(1, std::memory_order_relaxed);
        c = C3f(0.0f, 0.0f, 0.0f);
        if (lpe)
            for (int k = 0; k < lpe->n; ++k)
                lpe->out[k] = C3f(0.0f, 0.0f, 0.0f);  // the beauty's parts go with it
    }
    return C3f(std::max(0.0f, c.x), std::max(0.0f, c.y), std::max(0.0f, c.z));
}

PixelSample PathTracer::render_sample(int x, int y, uint32_t sample_index) const
{
    float alpha = 0.0f;
    Ray ray;
    const C3f c = camera_sample(x, y, sample_index, alpha, ray, nullptr, nullptr);
    PixelSample out;
    out.r = c.x;
    out.g = c.y;
    out.b = c.z;
    out.a = alpha;
    return out;
}

namespace {

inline float finite_or_zero(float v)
{
    return std::isfinite(v) ? v : 0.0f;
}

inline void put3(float* out, const V3f& v)
{
    out[0] = finite_or_zero(v.x);
    out[1] = finite_or_zero(v.y);
    out[2] = finite_or_zero(v.z);
}

}  // namespace

void PathTracer::render_channels(int x, int y, uint32_t sample_index, float* values,
                                 float& z) const
{
    using scene::ChannelSource;
    if (m_beauty_only) {  // Ci then a, exactly render_sample's: no per-channel work
        const PixelSample p = render_sample(x, y, sample_index);
        values[0] = p.r;
        values[1] = p.g;
        values[2] = p.b;
        values[3] = p.a;
        z = std::numeric_limits<float>::infinity();
        return;
    }
    float alpha = 0.0f;
    Ray ray;
    FirstHit first;
    LpePaths paths;
    paths.automata = &m_lpe;
    LpePaths* lpe = m_lpe.empty() ? nullptr : &paths;
    const C3f c =
        camera_sample(x, y, sample_index, alpha, ray, m_needs_first_hit ? &first : nullptr, lpe);
    int next_lpe = 0;
    const float inf = std::numeric_limits<float>::infinity();
    // Camera space: depth along the view axis, and the hit's distance.
    V3f p_cam(0.0f, 0.0f, 0.0f);
    z = inf;
    if (first.hit) {
        p_cam = xform_point(m_world_to_camera, first.p);
        z = std::isfinite(p_cam.z) ? p_cam.z : inf;
    }
    float* out = values;
    for (const scene::ChannelDecl& ch : m_channels) {
        switch (ch.source) {
        case ChannelSource::Ci:
            out[0] = c.x;
            out[1] = c.y;
            out[2] = c.z;
            break;
        case ChannelSource::Alpha: out[0] = alpha; break;
        case ChannelSource::Z: out[0] = z; break;
        case ChannelSource::Depth:
            out[0] = first.hit ? finite_or_zero(first.t * length(ray.dir)) : inf;
            break;
        case ChannelSource::Nn:
            put3(out, first.hit ? normalize(xform_normal(m_camera_to_world, first.ns))
                                : V3f(0.0f, 0.0f, 0.0f));
            break;
        case ChannelSource::Ng:
            put3(out, first.hit ? normalize(xform_normal(m_camera_to_world, first.ng))
                                : V3f(0.0f, 0.0f, 0.0f));
            break;
        case ChannelSource::P: put3(out, p_cam); break;
        case ChannelSource::PWorld: put3(out, first.hit ? first.p : V3f(0.0f, 0.0f, 0.0f)); break;
        case ChannelSource::NWorld: put3(out, first.hit ? first.ns : V3f(0.0f, 0.0f, 0.0f)); break;
        case ChannelSource::St:
            out[0] = finite_or_zero(first.st.x);
            out[1] = finite_or_zero(first.st.y);
            break;
        case ChannelSource::Id: out[0] = float(first.id); break;
        case ChannelSource::Albedo:
            put3(out, V3f(first.albedo.x, first.albedo.y, first.albedo.z));
            break;
        case ChannelSource::SampleCount: out[0] = 0.0f; break;
        case ChannelSource::Lpe: {
            const C3f v = paths.out[next_lpe++];
            out[0] = std::isfinite(v.x) ? std::max(0.0f, v.x) : 0.0f;
            out[1] = std::isfinite(v.y) ? std::max(0.0f, v.y) : 0.0f;
            out[2] = std::isfinite(v.z) ? std::max(0.0f, v.z) : 0.0f;
            break;
        }
        }
        out += ch.components;
    }
}

}  // namespace ck::render
