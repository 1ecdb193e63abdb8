// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The Embree view of a scene::World: triangle meshes, analytic quadrics (user
// geometry), and prototypes placed by instance geometry. Every ray query of the
// renderer goes through SceneGeometry::intersect / occluded.
#pragma once

#include "accel/embree_device.h"
#include "integrator/rt_math.h"
#include "scene/scene.h"

#include <ck/result.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace ck::render {

/// Ray classes, matched against each geometry's mask (Shape::visibility).
enum RayMask : unsigned {
    kMaskCamera = 1u,
    kMaskIndirect = 2u,
    kMaskShadow = 4u,
};

/// One renderable shape, with its data already in the space of the scene that
/// holds it (world space for World::shapes, prototype space for prototypes).
struct ShapeRecord {
    scene::ShapeKind kind = scene::ShapeKind::Mesh;
    int material = -1;      ///< Index into World::materials, -1 = default material.
    int emitter = -1;       ///< Index into World::emitters, -1 = not emissive.
    int light = -1;         ///< World::lights index when this is a Pxr area light's shape.
    int nee_light = -1;     ///< Index of the sampled light that covers it, -1 = none.
    bool reverse = false;   ///< Flip the geometric normal.
    unsigned mask = 0;      ///< RayMask bits this shape is visible to.
    bool top_level = true;  ///< False inside a prototype.
    int id = 0;             ///< Top-level shapes: index + 1 (the "id" channel); 0 in a prototype.

    // Mesh data (positions and normals transformed by object_to_world).
    std::vector<V3f> P;
    std::vector<V3f> N;
    std::vector<V2f> st;
    std::vector<C3f> Cs;
    std::vector<uint32_t> indices;

    // Quadric data.
    scene::Quadric quadric;
    float thetamax = 0.0f;  ///< Radians.
    M44f object_to_space;   ///< Object to the holding scene's space.
    M44f space_to_object;
};

/// The result of a ray query, resolved into world space.
struct SurfaceHit {
    float t = 0.0f;
    V3f p{0.0f, 0.0f, 0.0f};   ///< World position.
    V3f ng{0.0f, 0.0f, 1.0f};  ///< Unit geometric normal (orientation applied).
    V3f ns{0.0f, 0.0f, 1.0f};  ///< Unit shading normal, in ng's hemisphere.
    V2f st{0.0f, 0.0f};
    C3f color{1.0f, 1.0f, 1.0f};  ///< Per-vertex Cs, white when absent.
    const ShapeRecord* shape = nullptr;
    /// The "id" channel: the top-level shape's index + 1, or, for a shape an
    /// instance placed, shapes + extra shapes + the instance's index + 1.
    int id = 0;
    float offset = 0.0f;  ///< Ray-origin offset that clears this point's rounding error.
};

struct Ray {
    V3f org{0.0f, 0.0f, 0.0f};
    V3f dir{0.0f, 0.0f, 1.0f};  ///< Unit length.
    float tnear = 0.0f;
    float tfar = std::numeric_limits<float>::infinity();
};

class SceneGeometry {
public:
    /// Builds Embree scenes for `world`. `extra` holds additional world-space
    /// shapes (e.g. the shapes of area lights that the parser did not provide),
    /// appended after World::shapes; their records get indices shapes.size() + i.
    static Result<std::unique_ptr<SceneGeometry>> create(const scene::World& world,
                                                         const std::vector<scene::Shape>& extra,
                                                         const std::atomic<bool>* cancel);
    ~SceneGeometry();
    SceneGeometry(const SceneGeometry&) = delete;
    SceneGeometry& operator=(const SceneGeometry&) = delete;

    /// Closest hit for rays of class `mask`; false on a miss.
    bool intersect(const Ray& ray, unsigned mask, SurfaceHit& hit) const;

    /// True when anything visible to `mask` blocks the segment [tnear, tfar].
    bool occluded(const Ray& ray, unsigned mask) const;

    /// Record of top-level shape i (World::shapes then extra), null when the
    /// shape was dropped (Null material, zero opacity, empty mesh).
    ShapeRecord* top_shape(size_t i) const;

    /// Radius of the world bounding sphere (at least a small positive value).
    float scene_radius() const { return m_radius; }
    V3f scene_center() const { return m_center; }

    /// Offset for spawning rays from a point at `p`.
    float offset_for(const V3f& p) const;

    struct Impl;  ///< Embree objects and lookup tables (scene_geometry.cpp).

private:
    SceneGeometry() = default;
    std::unique_ptr<Impl> m_impl;
    float m_radius = 1.0f;
    V3f m_center{0.0f, 0.0f, 0.0f};
};

/// The geometric quantities of a quadric in its object space.
float quadric_area(const ShapeRecord& shape);

/// Uniform point (by object-space area) on a quadric, with its object-space
/// outward normal (before `reverse`).
void sample_quadric(const ShapeRecord& shape, float u1, float u2, V3f& p_obj, V3f& n_obj);

}  // namespace ck::render
