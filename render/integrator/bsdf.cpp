// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "integrator/bsdf.h"

#include <algorithm>
#include <cmath>

namespace ck::render {

namespace {

constexpr float kMinAlpha = 1e-3f;
/// Dielectrics at or below this roughness are treated as perfectly smooth.
constexpr float kSmoothRoughness = 0.03f;
constexpr float kPlasticIor = 1.5f;

// --- GGX (isotropic), in the local frame where the normal is +z ---------------

float ggx_d(float alpha, float cos_h)
{
    float a2 = alpha * alpha;
    float c2 = cos_h * cos_h;
    float denom = c2 * (a2 - 1.0f) + 1.0f;
    return a2 / (kPi * denom * denom);
}

float ggx_lambda(float alpha, const V3f& w)
{
    float c2 = w.z * w.z;
    if (c2 >= 1.0f)
        return 0.0f;
    float tan2 = std::max(0.0f, 1.0f - c2) / std::max(c2, 1e-12f);
    return 0.5f * (std::sqrt(1.0f + alpha * alpha * tan2) - 1.0f);
}

float ggx_g1(float alpha, const V3f& w)
{
    return 1.0f / (1.0f + ggx_lambda(alpha, w));
}

float ggx_g2(float alpha, const V3f& wo, const V3f& wi)
{
    return 1.0f / (1.0f + ggx_lambda(alpha, wo) + ggx_lambda(alpha, wi));
}

/// Visible-normal sampling (Heitz 2018): a half vector h with density
/// G1(wo) max(0, wo.h) D(h) / wo.z.
V3f ggx_sample_visible(float alpha, const V3f& wo, float u1, float u2)
{
    V3f vh = normalize(V3f(alpha * wo.x, alpha * wo.y, wo.z));
    float lensq = vh.x * vh.x + vh.y * vh.y;
    V3f t1 =
        lensq > 0.0f ? V3f(-vh.y, vh.x, 0.0f) * (1.0f / std::sqrt(lensq)) : V3f(1.0f, 0.0f, 0.0f);
    V3f t2 = cross(vh, t1);
    float r = std::sqrt(u1);
    float phi = kTwoPi * u2;
    float p1 = r * std::cos(phi);
    float p2 = r * std::sin(phi);
    float s = 0.5f * (1.0f + vh.z);
    p2 = (1.0f - s) * std::sqrt(std::max(0.0f, 1.0f - p1 * p1)) + s * p2;
    V3f nh = t1 * p1 + t2 * p2 + vh * std::sqrt(std::max(0.0f, 1.0f - p1 * p1 - p2 * p2));
    return normalize(V3f(alpha * nh.x, alpha * nh.y, std::max(1e-6f, nh.z)));
}

C3f schlick(const C3f& f0, float cos_i)
{
    float m = clamp01(1.0f - cos_i);
    float m5 = (m * m) * (m * m) * m;
    return f0 + (C3f(1.0f, 1.0f, 1.0f) - f0) * m5;
}

}  // namespace

float fresnel_dielectric(float cos_i, float eta)
{
    cos_i = clamp01(cos_i);
    if (eta <= 0.0f)
        return 1.0f;
    float sin2_t = (1.0f - cos_i * cos_i) / (eta * eta);
    if (sin2_t >= 1.0f)
        return 1.0f;
    float cos_t = std::sqrt(1.0f - sin2_t);
    float rs = (cos_i - eta * cos_t) / (cos_i + eta * cos_t);
    float rp = (eta * cos_i - cos_t) / (eta * cos_i + cos_t);
    return 0.5f * (rs * rs + rp * rp);
}

C3f fresnel_conductor(float cos_i, const C3f& eta, const C3f& kappa)
{
    cos_i = clamp01(cos_i);
    float c2 = cos_i * cos_i;
    float s2 = 1.0f - c2;
    C3f out;
    for (int k = 0; k < 3; ++k) {
        float e2 = eta[k] * eta[k];
        float k2 = kappa[k] * kappa[k];
        float t0 = e2 - k2 - s2;
        float a2b2 = std::sqrt(std::max(0.0f, t0 * t0 + 4.0f * e2 * k2));
        float t1 = a2b2 + c2;
        float a = std::sqrt(std::max(0.0f, 0.5f * (a2b2 + t0)));
        float t2 = 2.0f * cos_i * a;
        float rs = (t1 - t2) / std::max(t1 + t2, 1e-12f);
        float t3 = c2 * a2b2 + s2 * s2;
        float t4 = t2 * s2;
        float rp = rs * (t3 - t4) / std::max(t3 + t4, 1e-12f);
        out[k] = clamp01(0.5f * (rp + rs));
    }
    return out;
}

MaterialData make_material_data(const scene::Material& m)
{
    MaterialData d;
    d.kind = m.kind;
    d.diffuse = m.diffuse_color;
    d.specular = m.specular_color;
    float r = std::min(1.0f, std::max(0.0f, m.roughness));
    d.alpha = std::max(kMinAlpha, r * r);
    d.ka = m.ka;
    d.eta = m.eta;
    d.kappa = m.kappa;
    d.ior = m.ior > 0.0f ? m.ior : 1.5f;
    d.reflection = m.reflection_color;
    d.transmission = m.transmission_color;
    d.metallic = clamp01(m.metallic);
    d.smooth = r <= kSmoothRoughness;
    switch (m.kind) {
        case scene::MaterialKind::Constant:
            d.emission = m.diffuse_color * m.opacity;
            d.scatters = false;
            break;
        case scene::MaterialKind::Conductor:
            // The tint: specular_color when given, else white.
            if (is_black(d.specular))
                d.specular = C3f(1.0f, 1.0f, 1.0f);
            break;
        case scene::MaterialKind::Disney: {
            // F0 blends from a dielectric's 0.08 * specular to the base colour.
            C3f dielectric(0.08f * m.specular, 0.08f * m.specular, 0.08f * m.specular);
            d.specular = dielectric * (1.0f - d.metallic) + m.diffuse_color * d.metallic;
            break;
        }
        default:
            break;
    }
    return d;
}

Bsdf::Bsdf(const MaterialData& material, const V3f& ng, const V3f& ns, const V3f& wo,
           const C3f& color)
    : m_kind(material.kind), m_mat(&material)
{
    m_diffuse = material.diffuse * color;
    V3f n_geo = ng;
    V3f n_sh = ns;
    m_entering = dot(wo, ng) >= 0.0f;
    // Two-sided: face both normals toward the viewer. For glass this simply
    // puts the local +z on wo's side; m_entering remembers the real side.
    if (!m_entering) {
        n_geo = -n_geo;
        n_sh = -n_sh;
    }
    // A shading normal that puts wo below the surface falls back to the geometric one.
    if (dot(wo, n_sh) <= 1e-4f)
        n_sh = n_geo;
    m_ng = n_geo;
    m_frame = Frame3(n_sh);
    m_wo = m_frame.to_local(wo);
    m_wo.z = std::max(m_wo.z, 1e-6f);

    if (m_kind == scene::MaterialKind::Metal || m_kind == scene::MaterialKind::Disney)
        m_f0 = material.specular;
    if (m_kind == scene::MaterialKind::Disney)
        m_diffuse = m_diffuse * (1.0f - material.metallic);
    m_spec_prob = specular_probability();
}

float Bsdf::specular_probability() const
{
    float ws = 0.0f;
    float wd = 0.0f;
    switch (m_kind) {
        case scene::MaterialKind::Plastic: {
            float f = fresnel_dielectric(m_wo.z, kPlasticIor);
            ws = luminance(m_mat->specular) * f;
            wd = luminance(m_diffuse) * (1.0f - f);
            break;
        }
        case scene::MaterialKind::Disney:
            ws = luminance(schlick(m_f0, m_wo.z));
            wd = luminance(m_diffuse);
            break;
        case scene::MaterialKind::Metal:
        case scene::MaterialKind::Conductor:
            return 1.0f;
        default:
            return 0.0f;
    }
    if (ws <= 0.0f)
        return 0.0f;
    if (wd <= 0.0f)
        return 1.0f;
    return std::min(0.9f, std::max(0.1f, ws / (ws + wd)));
}

C3f Bsdf::eval_local(const V3f& wo, const V3f& wi, float& pdf, C3f* diffuse_part) const
{
    C3f f(0.0f, 0.0f, 0.0f);
    pdf = 0.0f;
    float pdf_diffuse = wi.z * kInvPi;
    if (diffuse_part)
        *diffuse_part = C3f(0.0f, 0.0f, 0.0f);
    if (m_kind == scene::MaterialKind::Diffuse) {
        pdf = pdf_diffuse;
        if (diffuse_part)
            *diffuse_part = m_diffuse * (wi.z * kInvPi);
        return m_diffuse * (wi.z * kInvPi);
    }

    // Specular lobe (every remaining reflective kind has one).
    float alpha = m_mat->alpha;
    V3f h = normalize(wo + wi);
    float cos_oh = dot(wo, h);
    float d = ggx_d(alpha, h.z);
    float g2 = ggx_g2(alpha, wo, wi);
    float spec_pdf = ggx_g1(alpha, wo) * d / (4.0f * wo.z);
    float common = d * g2 / (4.0f * wo.z);  // times F gives f * cos(wi)
    C3f fresnel(0.0f);
    switch (m_kind) {
        case scene::MaterialKind::Plastic:
            fresnel = m_mat->specular * fresnel_dielectric(cos_oh, kPlasticIor);
            break;
        case scene::MaterialKind::Metal:
        case scene::MaterialKind::Disney:
            fresnel = schlick(m_f0, cos_oh);
            break;
        case scene::MaterialKind::Conductor:
            fresnel = fresnel_conductor(cos_oh, m_mat->eta, m_mat->kappa) * m_mat->specular;
            break;
        default:
            return f;
    }
    f = fresnel * common;
    pdf = m_spec_prob * spec_pdf;

    // Diffuse base under the coat.
    if (m_kind == scene::MaterialKind::Plastic || m_kind == scene::MaterialKind::Disney) {
        float coat = m_kind == scene::MaterialKind::Plastic
                         ? max_component(m_mat->specular) * fresnel_dielectric(wo.z, kPlasticIor)
                         : 0.0f;
        const C3f base = m_diffuse * ((1.0f - std::min(1.0f, coat)) * wi.z * kInvPi);
        if (diffuse_part)
            *diffuse_part = base;
        f += base;
        pdf += (1.0f - m_spec_prob) * pdf_diffuse;
    }
    return f;
}

C3f Bsdf::eval(const V3f& wi_world, float& pdf) const
{
    pdf = 0.0f;
    if (is_delta() || !m_mat->scatters)
        return C3f(0.0f, 0.0f, 0.0f);
    V3f wi = m_frame.to_local(wi_world);
    if (m_kind == scene::MaterialKind::Dielectric) {
        // Reflection must stay on wo's side of the surface, transmission cross it.
        if ((wi.z > 0.0f) != (dot(wi_world, m_ng) > 0.0f))
            return C3f(0.0f, 0.0f, 0.0f);
        return eval_rough_dielectric(m_wo, wi, pdf);
    }
    if (wi.z <= 0.0f || dot(wi_world, m_ng) <= 0.0f)
        return C3f(0.0f, 0.0f, 0.0f);
    return eval_local(m_wo, wi, pdf);
}

void Bsdf::eval_lobes(const V3f& wi_world, C3f& diffuse, C3f& specular, bool& transmit) const
{
    diffuse = C3f(0.0f, 0.0f, 0.0f);
    specular = C3f(0.0f, 0.0f, 0.0f);
    transmit = dot(wi_world, m_ng) < 0.0f;
    float pdf = 0.0f;
    if (is_delta() || !m_mat->scatters)
        return;
    const C3f f = eval(wi_world, pdf);
    if (m_kind == scene::MaterialKind::Dielectric) {
        specular = f;  // rough glass: glossy reflection or transmission
        return;
    }
    if (is_black(f))
        return;
    C3f base(0.0f, 0.0f, 0.0f);
    eval_local(m_wo, m_frame.to_local(wi_world), pdf, &base);
    diffuse = base;
    specular = f - base;
}

bool Bsdf::sample(float u_lobe, float u1, float u2, BsdfSample& out) const
{
    if (!m_mat->scatters)
        return false;

    if (m_kind == scene::MaterialKind::Dielectric)
        return sample_dielectric(u_lobe, u1, u2, out);

    V3f wi(0.0f);
    if (u_lobe < m_spec_prob) {
        V3f h = ggx_sample_visible(m_mat->alpha, m_wo, u1, u2);
        wi = h * (2.0f * dot(m_wo, h)) - m_wo;
    } else {
        wi = sample_cosine_hemisphere(u1, u2);
    }
    if (wi.z <= 0.0f)
        return false;
    V3f wi_world = normalize(m_frame.to_world(wi));
    if (dot(wi_world, m_ng) <= 0.0f)
        return false;
    float pdf = 0.0f;
    C3f f = eval_local(m_wo, wi, pdf);
    if (!(pdf > 0.0f))
        return false;
    out.wi = wi_world;
    out.weight = f * (1.0f / pdf);
    out.pdf = pdf;
    out.delta = false;
    return true;
}

C3f Bsdf::eval_rough_dielectric(const V3f& wo, const V3f& wi, float& pdf) const
{
    // Walter et al. 2007 with visible-normal sampling; wo.z > 0 in this frame.
    pdf = 0.0f;
    C3f zero(0.0f, 0.0f, 0.0f);
    if (wi.z == 0.0f)
        return zero;
    float eta = m_entering ? m_mat->ior : 1.0f / m_mat->ior;
    bool reflect = wi.z > 0.0f;
    float etap = reflect ? 1.0f : eta;
    V3f h = wi * etap + wo;
    if (dot(h, h) == 0.0f)
        return zero;
    h = normalize(h);
    if (h.z < 0.0f)
        h = -h;
    float cos_oh = dot(wo, h);
    float cos_ih = dot(wi, h);
    // Discard back-facing microfacets.
    if (cos_oh <= 0.0f || cos_ih * wi.z <= 0.0f)
        return zero;
    float alpha = m_mat->alpha;
    float d = ggx_d(alpha, h.z);
    float g2 = ggx_g2(alpha, wo, V3f(wi.x, wi.y, std::fabs(wi.z)));
    float g1 = ggx_g1(alpha, wo);
    float fr = fresnel_dielectric(cos_oh, eta);
    float visible = g1 * d * cos_oh / wo.z;  // density of h
    if (reflect) {
        pdf = visible / (4.0f * cos_oh) * fr;
        return m_mat->reflection * (fr * d * g2 / (4.0f * wo.z));
    }
    float denom = cos_ih + cos_oh / etap;
    denom = denom * denom;
    if (denom <= 0.0f)
        return zero;
    float t = 1.0f - fr;
    float dwh_dwi = std::fabs(cos_ih) / denom;
    pdf = visible * dwh_dwi * t;
    // f * |cos(wi)|, with radiance scaled by 1 / eta^2 across the interface.
    float ft = t * d * g2 * std::fabs(cos_ih * cos_oh) / (wo.z * denom) / (etap * etap);
    return m_mat->transmission * ft;
}

bool Bsdf::sample_dielectric(float u_lobe, float u1, float u2, BsdfSample& out) const
{
    float eta = m_entering ? m_mat->ior : 1.0f / m_mat->ior;
    V3f h(0.0f, 0.0f, 1.0f);
    if (!m_mat->smooth)
        h = ggx_sample_visible(m_mat->alpha, m_wo, u1, u2);
    float cos_i = dot(m_wo, h);
    float fr = fresnel_dielectric(cos_i, eta);
    V3f wi(0.0f);
    bool reflect = u_lobe < fr;
    if (reflect) {
        wi = h * (2.0f * cos_i) - m_wo;
    } else {
        float sin2_t = (1.0f - cos_i * cos_i) / (eta * eta);
        float cos_t = std::sqrt(std::max(0.0f, 1.0f - sin2_t));
        wi = -m_wo * (1.0f / eta) + h * (cos_i / eta - cos_t);
    }
    if (m_mat->smooth) {
        out.weight = reflect ? m_mat->reflection : m_mat->transmission * (1.0f / (eta * eta));
        out.pdf = reflect ? fr : 1.0f - fr;
        out.wi = normalize(m_frame.to_world(wi));
        out.delta = true;
        return true;
    }
    if (reflect ? wi.z <= 0.0f : wi.z >= 0.0f)
        return false;
    V3f wi_world = normalize(m_frame.to_world(wi));
    if ((dot(wi_world, m_ng) > 0.0f) != reflect)
        return false;
    float pdf = 0.0f;
    C3f f = eval_rough_dielectric(m_wo, normalize(wi), pdf);
    if (!(pdf > 0.0f))
        return false;
    out.wi = wi_world;
    out.weight = f * (1.0f / pdf);
    out.pdf = pdf;
    out.delta = false;
    return true;
}

}  // namespace ck::render
