// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Lights for next-event estimation: dome (constant or lat-long map), rect, disk
// and sphere lights, emissive geometry (AreaLightSource), distant, point, spot.
// Ambient lights are not sampled; their sum is exposed for the integrator.
#pragma once

#include "accel/scene_geometry.h"
#include "integrator/distribution.h"
#include "integrator/rt_math.h"
#include "scene/scene.h"

#include <ck/result.h>

#include <memory>
#include <string>
#include <vector>

namespace ck::render {

enum class LightType { Dome, Rect, Disk, Sphere, Shape, Distant, Point, Spot };

struct DomeMap;  // lights.cpp

/// One light that next-event estimation can sample.
struct LightEntry {
    LightType type = LightType::Point;
    C3f color{1.0f, 1.0f, 1.0f};  ///< Radiance, intensity or irradiance (see type).
    int scene_light = -1;         ///< Index into World::lights, -1 for geometry emitters.
    bool hittable = false;        ///< BSDF rays can reach it (so MIS applies).

    // Rect / disk: centre, edge vectors, emission normal, area.
    V3f center{0.0f, 0.0f, 0.0f};
    V3f ex{0.0f, 0.0f, 0.0f};
    V3f ey{0.0f, 0.0f, 0.0f};
    V3f normal{0.0f, 0.0f, 1.0f};
    float area = 0.0f;
    // Sphere light.
    float radius = 0.0f;
    // Distant: unit direction toward the light; cone for an angular extent.
    V3f to_light{0.0f, 0.0f, 1.0f};
    float cos_max = 1.0f;
    float one_minus_cos_max = 0.0f;
    // Spot.
    V3f axis{0.0f, 0.0f, 1.0f};
    float cos_outer = 0.0f;
    float cos_inner = 1.0f;
    float beam = 0.0f;
    // Dome.
    M44f world_to_light;
    M44f light_to_world;
    const DomeMap* map = nullptr;
    bool camera_visible = true;
    // Shape emitter.
    const ShapeRecord* shape = nullptr;
    Distribution1D triangles;
    bool two_sided = false;
    float quadric_area = 0.0f;  ///< Object-space area of a quadric emitter.
    float det = 1.0f;           ///< |det| of a quadric's linear transform.

    bool is_delta() const
    {
        return type == LightType::Point || type == LightType::Spot ||
               (type == LightType::Distant && cos_max >= 1.0f);
    }
    bool is_infinite() const { return type == LightType::Dome || type == LightType::Distant; }
};

struct LightSample {
    V3f wi{0.0f, 0.0f, 1.0f};  ///< Unit direction from the shading point toward the light.
    float dist = 0.0f;         ///< Distance to the sampled point (infinity for infinite lights).
    C3f radiance{0.0f, 0.0f, 0.0f};  ///< Arriving radiance (irradiance or I/r^2 when delta).
    float pdf = 0.0f;  ///< Solid-angle pdf (1 for delta lights), not including selection.
    bool delta = false;
};

class LightSet {
public:
    /// Builds lights for `world`. Reads dome maps with OIIO (bilinear, no MIP).
    /// `light_shapes[i]` is the top-level shape index of World::lights[i]'s
    /// geometry (or -1); those records are linked to their light for MIS.
    static Result<std::unique_ptr<LightSet>> create(const scene::World& world,
                                                    const SceneGeometry& geometry,
                                                    const std::vector<int>& light_shapes);
    ~LightSet();

    size_t size() const { return m_lights.size(); }
    const LightEntry& light(size_t i) const { return m_lights[i]; }

    /// At most this many lights are all sampled at every vertex; more are chosen
    /// one at a time by power.
    static constexpr size_t kSampleAllLimit = 4;

    /// True when next-event estimation samples every light at each vertex.
    bool sample_all() const { return m_lights.size() <= kSampleAllLimit; }

    /// Chooses a light for u in [0,1); returns its index and selection probability.
    size_t choose(float u, float& pmf) const;

    /// Probability that NEE picks light i (1 when every light is sampled).
    float selection_pmf(size_t i) const { return sample_all() ? 1.0f : m_select.pmf(i); }

    /// Samples light i as seen from `p`, whose unit normal facing the viewer is
    /// `n` (constant domes sample the cosine-weighted hemisphere around it);
    /// false when it contributes nothing.
    bool sample(size_t i, const V3f& p, const V3f& n, float u1, float u2, LightSample& out) const;

    /// Emitted radiance of a hit on an emissive shape, toward `wo` (unit, away
    /// from the surface). Zero on the back of one-sided emitters.
    C3f emitted(const SurfaceHit& hit, const V3f& wo) const;

    /// Solid-angle pdf with which sample() of light i (the light of `hit`) would
    /// have produced the direction from `ref` to `hit`.
    float pdf_hit(size_t i, const V3f& ref, const SurfaceHit& hit) const;

    /// Radiance arriving along `dir` from infinite lights (domes, distant lights
    /// with an extent); `camera` selects only those visible to the camera.
    C3f infinite_radiance(const V3f& dir, bool camera) const;

    /// MIS-ready version: the radiance of each infinite light along `dir`,
    /// accumulated with weights from `pdf_bsdf`; `n` is the previous vertex's
    /// normal as passed to sample(). Returns sum_i L_i * w_i.
    C3f infinite_radiance_mis(const V3f& dir, float pdf_bsdf, const V3f& n) const;

    /// Sum of ambient light colours.
    const C3f& ambient() const { return m_ambient; }

private:
    LightSet() = default;
    /// Dome radiance along `dir`; with `pdf`, also sample()'s pdf seen from normal n.
    C3f dome_radiance(const LightEntry& light, const V3f& dir, const V3f& n, float* pdf) const;

    std::vector<LightEntry> m_lights;
    std::vector<scene::Emitter> m_emitters;
    std::vector<std::unique_ptr<DomeMap>> m_maps;
    Distribution1D m_select;
    C3f m_ambient{0.0f, 0.0f, 0.0f};
    float m_scene_radius = 1.0f;
    struct Textures;
    std::unique_ptr<Textures> m_textures;
};

}  // namespace ck::render
