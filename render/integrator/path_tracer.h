// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Unidirectional path tracer with next-event estimation and multiple
// importance sampling (power heuristic). See docs/rendering.md.
#pragma once

#include "accel/scene_geometry.h"
#include "camera/camera.h"
#include "integrator/bsdf.h"
#include "integrator/frame_renderer.h"
#include "integrator/lights.h"
#include "sampler/sampler.h"
#include "scene/lpe.h"

#include <atomic>
#include <memory>
#include <vector>

namespace ck::render {

/// Sampler dimensions: the filter uses the first two; each path vertex then
/// owns a fixed block, so a dimension never depends on what happened earlier.
/// Block layout: 0 light choice, 1-2 light sample, 3 lobe, 4-5 BSDF direction,
/// 6 roulette, 7 spare, 8 + 2i and 9 + 2i light i when every light is sampled.
constexpr uint32_t kFilterDimensions = 2;
constexpr uint32_t kDimensionsPerBounce = 16;
constexpr uint32_t kAllLightsOffset = 8;
/// Bounce from which Russian roulette may end a path.
constexpr int kRouletteDepth = 3;

class PathTracer final : public FrameRenderer {
public:
    static Result<std::unique_ptr<FrameRenderer>> build(const scene::Frame& frame,
                                                        const RendererSettings& settings);

    PixelSample render_sample(int x, int y, uint32_t sample_index) const override;
    void render_channels(int x, int y, uint32_t sample_index, float* values,
                         float& z) const override;
    uint64_t invalid_sample_count() const override
    {
        return m_invalid.load(std::memory_order_relaxed);
    }

private:
    PathTracer(const scene::Frame& frame);

    /// What the camera ray hit first (the geometric channels).
    struct FirstHit {
        bool hit = false;
        V3f p{0.0f, 0.0f, 0.0f};
        V3f ng{0.0f, 0.0f, 0.0f};
        V3f ns{0.0f, 0.0f, 0.0f};
        V2f st{0.0f, 0.0f};
        C3f albedo{0.0f, 0.0f, 0.0f};
        int id = 0;
        float t = 0.0f;
    };

    struct LpePaths;

    /// Radiance along a camera ray; alpha set to 1 when it hits visible
    /// geometry; `first`, when given, filled from the first hit; `lpe`, when
    /// given, receives each light path expression's share.
    C3f trace(Sampler& sampler, Ray ray, float& alpha, FirstHit* first = nullptr,
              LpePaths* lpe = nullptr) const;
    /// The camera ray and radiance of one sample (shared by both entry points).
    C3f camera_sample(int x, int y, uint32_t sample_index, float& alpha, Ray& ray,
                      FirstHit* first, LpePaths* lpe) const;
    /// The light group index (into scene::light_groups) of LightSet light `li`.
    int group_of_light(int li) const;
    const MaterialData& material_for(const ShapeRecord& shape) const;
    Ray spawn(const SurfaceHit& hit, const V3f& dir) const;
    /// Next-event estimate for light i (chosen with probability pmf), unweighted
    /// by the path throughput; with `lpe`, each lobe's share goes to the paths.
    C3f direct_light(size_t i, float pmf, const SurfaceHit& hit, const Bsdf& bsdf, float u1,
                     float u2, LpePaths* lpe) const;

    Camera m_camera;
    M44f m_world_to_camera;
    M44f m_camera_to_world;
    std::vector<scene::ChannelDecl> m_channels;  ///< scene::film_channels(frame)
    bool m_needs_first_hit = false;
    bool m_beauty_only = false;  ///< The channels are Ci, a: no per-channel work.
    std::vector<scene::LpeAutomaton> m_lpe;  ///< One per Lpe channel, in channel order.
    std::vector<int> m_scene_light_group;    ///< Per World::lights index: group or -1.
    int m_infinite_group = -1;               ///< The group of the dome / distant lights.
    int m_ambient_group = -1;                ///< The group of the ambient lights.
    FilterSampler m_filter;
    uint32_t m_seed = 0;
    int m_max_depth = 5;
    std::unique_ptr<SceneGeometry> m_geometry;
    std::unique_ptr<LightSet> m_lights;
    std::vector<MaterialData> m_materials;
    MaterialData m_default_material;
    MaterialData m_light_material;  ///< Shapes of Pxr area lights: emit, never scatter.
    mutable std::atomic<uint64_t> m_invalid{0};
};

}  // namespace ck::render
