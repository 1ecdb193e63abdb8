// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Materials as BSDFs: Lambert, plastic (diffuse + GGX dielectric coat), metal
// (GGX, Schlick), conductor (GGX, complex Fresnel), smooth or rough (GGX)
// dielectric, and a
// simplified Disney. A plain struct with a switch: no virtual calls per sample.
#pragma once

#include "integrator/rt_math.h"
#include "scene/scene.h"

namespace ck::render {

/// A scene material with everything precomputed that does not depend on the hit.
struct MaterialData {
    scene::MaterialKind kind = scene::MaterialKind::Diffuse;
    C3f diffuse{0.18f, 0.18f, 0.18f};
    C3f specular{0.0f, 0.0f, 0.0f};  ///< Coat tint / F0 / conductor tint.
    float alpha = 0.01f;             ///< GGX alpha = roughness^2, clamped.
    float ka = 0.0f;
    C3f eta{1.0f, 1.0f, 1.0f};
    C3f kappa{0.0f, 0.0f, 0.0f};
    float ior = 1.5f;
    C3f reflection{1.0f, 1.0f, 1.0f};
    C3f transmission{1.0f, 1.0f, 1.0f};
    float metallic = 0.0f;
    bool smooth = false;             ///< Dielectric: delta lobes (roughness ~ 0).
    C3f emission{0.0f, 0.0f, 0.0f};  ///< Constant: radiance emitted.
    bool scatters = true;            ///< False for Constant and for light shapes.
};

MaterialData make_material_data(const scene::Material& material);

struct BsdfSample {
    V3f wi{0.0f, 0.0f, 1.0f};      ///< World direction, unit.
    C3f weight{0.0f, 0.0f, 0.0f};  ///< f * |cos| / pdf.
    float pdf = 0.0f;
    bool delta = false;
};

class Bsdf {
public:
    /// Sets up the BSDF at a hit, seen from direction `wo` (unit, pointing away
    /// from the surface). `color` multiplies the diffuse albedo (vertex Cs).
    Bsdf(const MaterialData& material, const V3f& ng, const V3f& ns, const V3f& wo,
         const C3f& color);

    /// True when every lobe is a delta (no light sampling possible).
    bool is_delta() const { return m_kind == scene::MaterialKind::Dielectric && m_mat->smooth; }

    /// f * |cos(wi)| and the solid-angle pdf that sample() would have for wi.
    C3f eval(const V3f& wi, float& pdf) const;

    /// eval() split by lobe for light path expressions: `diffuse` and
    /// `specular` (glossy and mirror) parts of f * |cos(wi)|, and whether wi
    /// crosses the surface (a T event rather than R). Their sum is eval()'s
    /// value to float rounding.
    void eval_lobes(const V3f& wi, C3f& diffuse, C3f& specular, bool& transmit) const;

    /// True when the material is a dielectric (its lobes are specular; a
    /// direction through the surface is a transmission).
    bool is_dielectric() const { return m_kind == scene::MaterialKind::Dielectric; }

    /// Draws wi; false when the path should end (absorbed or below the surface).
    bool sample(float u_lobe, float u1, float u2, BsdfSample& out) const;

    /// The diffuse albedo at the hit, vertex colour applied (the "albedo" channel).
    const C3f& diffuse_albedo() const { return m_diffuse; }

    /// The unit geometric normal facing wo (for ray offsets).
    const V3f& facing_normal() const { return m_ng; }

private:
    C3f eval_local(const V3f& wo, const V3f& wi, float& pdf, C3f* diffuse_part = nullptr) const;
    C3f eval_rough_dielectric(const V3f& wo, const V3f& wi, float& pdf) const;
    bool sample_dielectric(float u_lobe, float u1, float u2, BsdfSample& out) const;
    float specular_probability() const;

    scene::MaterialKind m_kind;
    const MaterialData* m_mat;
    Frame3 m_frame;
    V3f m_ng{0.0f, 0.0f, 1.0f};  ///< Geometric normal flipped to wo's side (reflective materials).
    V3f m_wo{0.0f, 0.0f, 1.0f};  ///< Local wo.
    C3f m_diffuse{0.0f, 0.0f, 0.0f};  ///< Diffuse albedo with vertex colour.
    C3f m_f0{0.0f, 0.0f, 0.0f};       ///< Metal / Disney F0.
    float m_spec_prob = 0.0f;
    bool m_entering = true;  ///< Dielectric: wo is on the side ng points to.
};

/// Unpolarised Fresnel reflectance of a dielectric interface; eta = n_t / n_i.
float fresnel_dielectric(float cos_i, float eta);

/// Fresnel reflectance of a conductor with complex IOR eta + i kappa (per channel).
C3f fresnel_conductor(float cos_i, const C3f& eta, const C3f& kappa);

}  // namespace ck::render
