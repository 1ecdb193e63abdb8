// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// BSDF self-consistency: what sample() returns must agree with eval() and its
// pdf, because MIS combines both. A wrong pdf shows up as a mismatch between
// the importance-sampled albedo and a uniformly-sampled integral of eval().
#include "integrator/bsdf.h"
#include "sampler/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace ck::render {
namespace {

struct Case {
    const char* name;
    scene::MaterialKind kind;
    float roughness;
};

scene::Material material_for(const Case& c)
{
    scene::Material m;
    m.kind = c.kind;
    m.roughness = c.roughness;
    m.diffuse_color = C3f(0.6f, 0.5f, 0.4f);
    m.specular_color = C3f(0.9f, 0.8f, 0.7f);
    m.metallic = 0.5f;
    return m;
}

class BsdfConsistency : public ::testing::TestWithParam<Case> {};

TEST_P(BsdfConsistency, SampleMatchesEval)
{
    const Case c = GetParam();
    MaterialData data = make_material_data(material_for(c));
    const V3f n(0, 0, 1);
    for (float theta_deg : {10.0f, 45.0f, 75.0f, 130.0f}) {
        float th = theta_deg * kPi / 180.0f;
        V3f wo(std::sin(th), 0, std::cos(th));
        Bsdf bsdf(data, n, n, wo, C3f(1, 1, 1));
        const int count = 100000;

        // Importance-sampled albedo, and per-sample agreement with eval().
        double sampled = 0, sampled_sq = 0;
        int succeeded = 0;
        for (int i = 0; i < count; ++i) {
            Sampler s(1, i, 0, 0);
            float a = s.get_1d(), b = s.get_1d(), d = s.get_1d();
            BsdfSample bs;
            if (!bsdf.sample(a, b, d, bs))
                continue;
            ++succeeded;
            sampled += bs.weight.x;
            sampled_sq += double(bs.weight.x) * bs.weight.x;
            float pdf = 0;
            C3f f = bsdf.eval(bs.wi, pdf);
            ASSERT_NEAR(pdf, bs.pdf, 1e-3f * bs.pdf) << c.name;
            ASSERT_NEAR(f.x / pdf, bs.weight.x, 1e-3f * (1 + bs.weight.x)) << c.name;
        }
        sampled /= count;
        double sampled_sd =
            std::sqrt(std::max(0.0, sampled_sq / count - sampled * sampled) / count);

        // Uniform-sphere integrals of eval() and of the pdf.
        double integral = 0, pdf_integral = 0, integral_sq = 0, pdf_sq = 0;
        for (int i = 0; i < count; ++i) {
            Sampler s(2, i, 0, 0);
            float a = s.get_1d(), b = s.get_1d();
            float z = 1 - 2 * a;
            float r = std::sqrt(std::max(0.0f, 1 - z * z));
            V3f wi(r * std::cos(kTwoPi * b), r * std::sin(kTwoPi * b), z);
            float pdf = 0;
            C3f f = bsdf.eval(wi, pdf);
            const float sphere = 2 * kTwoPi;
            integral += f.x * sphere;
            integral_sq += double(f.x * sphere) * double(f.x * sphere);
            pdf_integral += pdf * sphere;
            pdf_sq += double(pdf * sphere) * double(pdf * sphere);
        }
        integral /= count;
        pdf_integral /= count;
        double sd = std::sqrt(std::max(0.0, integral_sq / count - integral * integral) / count);
        double pdf_sd =
            std::sqrt(std::max(0.0, pdf_sq / count - pdf_integral * pdf_integral) / count);
        EXPECT_NEAR(sampled, integral, 5 * (sd + sampled_sd) + 0.01)
            << c.name << " theta " << theta_deg;
        EXPECT_NEAR(pdf_integral, double(succeeded) / count, 5 * pdf_sd + 0.01)
            << c.name << " theta " << theta_deg;
        // Energy: at most 1, except light leaving glass (radiance gains eta^2 there).
        bool conserves = c.kind == scene::MaterialKind::Metal ||
                         c.kind == scene::MaterialKind::Conductor ||
                         (c.kind == scene::MaterialKind::Dielectric && theta_deg < 90.0f);
        if (conserves) {
            EXPECT_LE(sampled, 1.0 + 5 * sampled_sd) << c.name << " theta " << theta_deg;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Materials, BsdfConsistency,
    ::testing::Values(Case{"diffuse", scene::MaterialKind::Diffuse, 0.5f},
                      Case{"plastic_rough", scene::MaterialKind::Plastic, 0.7f},
                      Case{"plastic_glossy", scene::MaterialKind::Plastic, 0.35f},
                      Case{"metal", scene::MaterialKind::Metal, 0.5f},
                      Case{"conductor", scene::MaterialKind::Conductor, 0.4f},
                      Case{"disney", scene::MaterialKind::Disney, 0.5f},
                      Case{"rough_glass", scene::MaterialKind::Dielectric, 0.4f},
                      Case{"frosted_glass", scene::MaterialKind::Dielectric, 0.7f}),
    [](const ::testing::TestParamInfo<Case>& param) { return std::string(param.param.name); });

TEST(Bsdf, LambertAlbedo)
{
    scene::Material m;
    m.diffuse_color = C3f(0.5f, 0.5f, 0.5f);
    MaterialData data = make_material_data(m);
    const V3f n(0, 0, 1);
    Bsdf bsdf(data, n, n, V3f(0, 0, 1), C3f(1, 1, 1));
    float pdf = 0;
    C3f f = bsdf.eval(V3f(0, 0, 1), pdf);
    EXPECT_NEAR(f.x, 0.5f / kPi, 1e-6f);
    EXPECT_NEAR(pdf, 1.0f / kPi, 1e-6f);
    // Two-sided: seen from below, light from below reflects too.
    Bsdf below(data, n, n, V3f(0, 0, -1), C3f(1, 1, 1));
    f = below.eval(V3f(0, 0, -1), pdf);
    EXPECT_NEAR(f.x, 0.5f / kPi, 1e-6f);
    f = below.eval(V3f(0, 0, 1), pdf);
    EXPECT_EQ(f.x, 0.0f);
}

TEST(Bsdf, FresnelValues)
{
    EXPECT_NEAR(fresnel_dielectric(1.0f, 1.5f), 0.04f, 1e-6f);
    EXPECT_NEAR(fresnel_dielectric(0.0f, 1.5f), 1.0f, 1e-6f);
    // Total internal reflection from inside glass beyond the critical angle.
    EXPECT_EQ(fresnel_dielectric(0.5f, 1.0f / 1.5f), 1.0f);
    // A conductor with kappa = 0 is a dielectric.
    C3f f = fresnel_conductor(0.7f, C3f(1.5f, 1.5f, 1.5f), C3f(0, 0, 0));
    EXPECT_NEAR(f.x, fresnel_dielectric(0.7f, 1.5f), 1e-5f);
    // Silver-like: high normal reflectance.
    f = fresnel_conductor(1.0f, C3f(0.15f, 0.15f, 0.15f), C3f(3.6f, 3.6f, 3.6f));
    EXPECT_GT(f.x, 0.9f);
}

TEST(Bsdf, SmoothDielectricSplitsByFresnel)
{
    scene::Material m;
    m.kind = scene::MaterialKind::Dielectric;
    m.ior = 1.5f;
    m.roughness = 0.0f;
    MaterialData data = make_material_data(m);
    const V3f n(0, 0, 1);
    Bsdf bsdf(data, n, n, V3f(0, 0, 1), C3f(1, 1, 1));
    EXPECT_TRUE(bsdf.is_delta());
    BsdfSample r, t;
    ASSERT_TRUE(bsdf.sample(0.01f, 0.5f, 0.5f, r));  // u < F = 0.04: reflect
    EXPECT_NEAR(r.wi.z, 1.0f, 1e-6f);
    ASSERT_TRUE(bsdf.sample(0.5f, 0.5f, 0.5f, t));  // refract straight through
    EXPECT_NEAR(t.wi.z, -1.0f, 1e-6f);
    EXPECT_NEAR(t.weight.x, 1.0f / (1.5f * 1.5f), 1e-6f);
    // Oblique refraction obeys Snell's law.
    float th = 0.6f;
    Bsdf oblique(data, n, n, V3f(std::sin(th), 0, std::cos(th)), C3f(1, 1, 1));
    ASSERT_TRUE(oblique.sample(0.9f, 0.5f, 0.5f, t));
    float sin_t = std::sqrt(t.wi.x * t.wi.x + t.wi.y * t.wi.y);
    EXPECT_NEAR(sin_t * 1.5f, std::sin(th), 1e-5f);
}

}  // namespace
}  // namespace ck::render
