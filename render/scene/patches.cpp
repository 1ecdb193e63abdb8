// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Patches (bilinear and bicubic, single and meshes) and NURBS, tessellated to
// triangle grids with st = the surface's (u, v).
#include "scene/parser_impl.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ck::scene::detail {

namespace {

/// Rows of a 4x4 bicubic basis matrix (RISpec appendix, row-vector convention).
struct NamedBasis {
    const char* name;
    float scale;
    float m[4][4];
    int step;
};

const NamedBasis kBases[] = {
    {"bezier", 1.0f, {{-1, 3, -3, 1}, {3, -6, 3, 0}, {-3, 3, 0, 0}, {1, 0, 0, 0}}, 3},
    {"b-spline", 1.0f / 6.0f, {{-1, 3, -3, 1}, {3, -6, 3, 0}, {-3, 0, 3, 0}, {1, 4, 1, 0}}, 1},
    {"catmull-rom", 0.5f, {{-1, 3, -3, 1}, {2, -5, 4, -1}, {-1, 0, 1, 0}, {0, 2, 0, 0}}, 1},
    {"hermite", 1.0f, {{2, 1, -2, 1}, {-3, -2, 3, -1}, {0, 1, 0, 0}, {1, 0, 0, 0}}, 2},
    {"power", 1.0f, {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}, 4},
};

/// Weights of the 4 control points at t: [t^3 t^2 t 1] * B.
void cubic_weights(const float b[4][4], float t, float w[4])
{
    float pw[4] = {t * t * t, t * t, t, 1.0f};
    for (int i = 0; i < 4; ++i) {
        w[i] = 0.0f;
        for (int k = 0; k < 4; ++k)
            w[i] += pw[k] * b[k][i];
    }
}

/// Non-zero B-spline basis functions of degree p at u in knot span s (The NURBS Book A2.2).
void bspline_basis(const std::vector<float>& knot, int s, int p, float u, float* out)
{
    float left[32], right[32];
    out[0] = 1.0f;
    for (int j = 1; j <= p; ++j) {
        left[j] = u - knot[static_cast<std::size_t>(s + 1 - j)];
        right[j] = knot[static_cast<std::size_t>(s + j)] - u;
        float saved = 0.0f;
        for (int r = 0; r < j; ++r) {
            float denom = right[r + 1] + left[j - r];
            float temp = denom != 0.0f ? out[r] / denom : 0.0f;
            out[r] = saved + right[r + 1] * temp;
            saved = left[j - r] * temp;
        }
        out[j] = saved;
    }
}

int find_span(const std::vector<float>& knot, int n, int p, float u)
{
    // The span s in [p, n-1] with knot[s] <= u < knot[s+1] (the last non-empty one at the end).
    int s = p;
    for (int k = p; k < n; ++k)
        if (knot[static_cast<std::size_t>(k)] <= u &&
            knot[static_cast<std::size_t>(k)] < knot[static_cast<std::size_t>(k + 1)])
            s = k;
    return s;
}

/// Control points as homogeneous (x, y, z, w) from "P" or "Pw"; false if neither fits `count`.
bool control_points(const ParamList& pl, std::size_t count, std::vector<float>& hp,
                    std::string& error)
{
    hp.clear();
    if (const ParsedParam* p = pl.find("P")) {
        if (p->param.floats.size() != count * 3) {
            error = "\"P\" needs " + std::to_string(count * 3) + " values, found " +
                    std::to_string(p->param.floats.size());
            return false;
        }
        for (std::size_t k = 0; k < count; ++k)
            hp.insert(hp.end(), {p->param.floats[3 * k], p->param.floats[3 * k + 1],
                                 p->param.floats[3 * k + 2], 1.0f});
        return true;
    }
    if (const ParsedParam* p = pl.find("Pw")) {
        if (p->param.floats.size() != count * 4) {
            error = "\"Pw\" needs " + std::to_string(count * 4) + " values, found " +
                    std::to_string(p->param.floats.size());
            return false;
        }
        hp = p->param.floats;
        return true;
    }
    error = pl.has("Pz") ? "\"Pz\" height fields are not supported" : "\"P\" is missing";
    return false;
}

V3f project(const float* h)
{
    float w = h[3] != 0.0f ? h[3] : 1.0f;
    return V3f(h[0] / w, h[1] / w, h[2] / w);
}

/// Appends an (nu x nv) grid over f(u, v) to mesh (same winding as grid_mesh in geometry.cpp).
template <class F>
void append_grid(TriangleMesh& mesh, int nu, int nv, F f)
{
    uint32_t base = static_cast<uint32_t>(mesh.P.size());
    for (int j = 0; j <= nv; ++j) {
        for (int i = 0; i <= nu; ++i) {
            float u = static_cast<float>(i) / static_cast<float>(nu);
            float v = static_cast<float>(j) / static_cast<float>(nv);
            mesh.P.push_back(f(u, v));
            mesh.st.push_back(V2f(u, v));
        }
    }
    auto at = [&](int i, int j) { return base + static_cast<uint32_t>(j * (nu + 1) + i); };
    for (int j = 0; j < nv; ++j) {
        for (int i = 0; i < nu; ++i) {
            uint32_t a = at(i, j), b = at(i + 1, j), c = at(i + 1, j + 1), d = at(i, j + 1);
            mesh.indices.insert(mesh.indices.end(), {a, b, c, a, c, d});
        }
    }
}

C3f constant_cs(const ParamList& pl, C3f fallback)
{
    const ParsedParam* p = pl.find("Cs");
    if (p && p->cls == ParamClass::Constant && p->param.floats.size() == 3)
        return C3f(p->param.floats[0], p->param.floats[1], p->param.floats[2]);
    return fallback;
}

}  // namespace

bool named_basis(const std::string& name, float m[4][4], int& step)
{
    std::string n = name == "bspline" ? "b-spline" : (name == "catmullrom" ? "catmull-rom" : name);
    for (const NamedBasis& b : kBases) {
        if (n != b.name)
            continue;
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j)
                m[i][j] = b.m[i][j] * b.scale;
        step = b.step;
        return true;
    }
    return false;
}

void Parser::rq_basis(Request& req)
{
    // Basis ubasis ustep vbasis vstep; each basis is a name or 16 numbers.
    std::size_t i = 0;
    float m[2][4][4];
    int steps[2];
    for (int d = 0; d < 2; ++d) {
        if (i < req.args.size() && req.args[i].kind == Value::Kind::String) {
            if (!named_basis(req.args[i].strs[0], m[d], steps[d])) {
                m_rep.error(req.arg_loc(i), "Basis: unknown basis \"" + req.args[i].strs[0] + "\"");
                return;
            }
            ++i;
        } else {
            std::vector<float> v;
            if (!get_numbers(req, i, 16, v))
                return;
            for (int k = 0; k < 16; ++k)
                m[d][k / 4][k % 4] = v[static_cast<std::size_t>(k)];
        }
        std::vector<int> step;
        if (!get_ints(req, i, 1, step))
            return;
        if (step[0] < 1 || step[0] > 4) {
            m_rep.error(req.arg_loc(i - 1), "Basis: step must be 1 to 4");
            return;
        }
        steps[d] = step[0];
    }
    if (!no_more(req, i))
        return;
    std::memcpy(m_basis.u, m[0], sizeof m_basis.u);
    std::memcpy(m_basis.v, m[1], sizeof m_basis.v);
    m_basis.ustep = steps[0];
    m_basis.vstep = steps[1];
}

void Parser::rq_patch(Request& req)
{
    std::size_t i = 0;
    std::string type;
    if (!get_string(req, i, type, "patch type"))
        return;
    ParamList pl;
    params(req, i, ParamUse::Primvar, pl);
    if (type != "bilinear" && type != "bicubic") {
        m_rep.error(req.arg_loc(0), "Patch: unknown type \"" + type + "\"");
        return;
    }
    bool cubic = type == "bicubic";
    std::vector<float> hp;
    std::string error;
    if (!control_points(pl, cubic ? 16 : 4, hp, error)) {
        m_rep.error(req.loc, "Patch \"" + type + "\": " + error);
        return;
    }
    TriangleMesh mesh;
    if (cubic) {
        append_grid(mesh, 12, 12, [&](float u, float v) {
            float wu[4], wv[4];
            cubic_weights(m_basis.u, u, wu);
            cubic_weights(m_basis.v, v, wv);
            float h[4] = {0, 0, 0, 0};
            for (int j = 0; j < 4; ++j)
                for (int k = 0; k < 4; ++k)
                    for (int c = 0; c < 4; ++c)
                        h[c] += wv[j] * wu[k] * hp[static_cast<std::size_t>((j * 4 + k) * 4 + c)];
            return project(h);
        });
    } else {
        V3f p[4];
        for (int k = 0; k < 4; ++k)
            p[k] = project(&hp[static_cast<std::size_t>(k) * 4]);
        // A non-planar bilinear patch is curved: tessellate it finer.
        V3f n = (p[1] - p[0]).cross(p[2] - p[0]);
        float off = std::fabs(n.normalized().dot(p[3] - p[0]));
        float size = std::max((p[3] - p[0]).length(), (p[2] - p[1]).length());
        int res = off > 1e-4f * size ? 8 : 1;
        append_grid(mesh, res, res, [&](float u, float v) {
            return (p[0] * (1 - u) + p[1] * u) * (1 - v) + (p[2] * (1 - u) + p[3] * u) * v;
        });
    }
    add_mesh(std::move(mesh), req, constant_cs(pl, m_state.cs), false);
}

void Parser::rq_patch_mesh(Request& req)
{
    std::size_t i = 0;
    std::string type, uwrap, vwrap;
    std::vector<int> nu, nv;
    if (!get_string(req, i, type, "patch type") || !get_ints(req, i, 1, nu) ||
        !get_string(req, i, uwrap, "uwrap") || !get_ints(req, i, 1, nv) ||
        !get_string(req, i, vwrap, "vwrap"))
        return;
    ParamList pl;
    params(req, i, ParamUse::Primvar, pl);
    bool cubic = type == "bicubic";
    if (!cubic && type != "bilinear") {
        m_rep.error(req.arg_loc(0), "PatchMesh: unknown type \"" + type + "\"");
        return;
    }
    bool uper = uwrap == "periodic", vper = vwrap == "periodic";
    int cu = nu[0], cv = nv[0];
    int ustep = cubic ? m_basis.ustep : 1, vstep = cubic ? m_basis.vstep : 1;
    int need = cubic ? 4 : 2;
    if (cu < (uper ? 1 : need) || cv < (vper ? 1 : need) || cu > (1 << 16) || cv > (1 << 16) ||
        static_cast<long long>(cu) * cv > (1 << 24)) {
        m_rep.error(req.loc, "PatchMesh: bad control point counts " + std::to_string(cu) + " x " +
                                 std::to_string(cv));
        return;
    }
    int npu = uper ? cu / ustep : (cu - need) / ustep + 1;
    int npv = vper ? cv / vstep : (cv - need) / vstep + 1;
    std::vector<float> hp;
    std::string error;
    if (!control_points(pl, static_cast<std::size_t>(cu) * static_cast<std::size_t>(cv), hp,
                        error)) {
        m_rep.error(req.loc, "PatchMesh: " + error);
        return;
    }
    if (static_cast<long long>(npu) * npv > (1 << 20)) {
        m_rep.error(req.loc, "PatchMesh: too many patches");
        return;
    }
    int res = cubic ? (npu * npv > 256 ? 4 : 8) : 1;
    TriangleMesh mesh;
    for (int pv = 0; pv < npv; ++pv) {
        for (int pu = 0; pu < npu; ++pu) {
            auto cp = [&](int a, int b) {
                int x = (pu * ustep + a) % cu, y = (pv * vstep + b) % cv;
                return &hp[(static_cast<std::size_t>(y) * static_cast<std::size_t>(cu) +
                            static_cast<std::size_t>(x)) * 4];
            };
            append_grid(mesh, res, res, [&](float u, float v) {
                float h[4] = {0, 0, 0, 0};
                if (cubic) {
                    float wu[4], wv[4];
                    cubic_weights(m_basis.u, u, wu);
                    cubic_weights(m_basis.v, v, wv);
                    for (int j = 0; j < 4; ++j)
                        for (int k = 0; k < 4; ++k)
                            for (int c = 0; c < 4; ++c)
                                h[c] += wv[j] * wu[k] * cp(k, j)[c];
                } else {
                    float w[4] = {(1 - u) * (1 - v), u * (1 - v), (1 - u) * v, u * v};
                    const float* q[4] = {cp(0, 0), cp(1, 0), cp(0, 1), cp(1, 1)};
                    for (int k = 0; k < 4; ++k)
                        for (int c = 0; c < 4; ++c)
                            h[c] += w[k] * q[k][c];
                }
                return project(h);
            });
        }
    }
    add_mesh(std::move(mesh), req, constant_cs(pl, m_state.cs), false);
}

void Parser::rq_nu_patch(Request& req)
{
    // NuPatch nu uorder uknot umin umax nv vorder vknot vmin vmax params
    std::size_t i = 0;
    std::vector<int> nu, uorder, nv, vorder;
    std::vector<float> uknot, vknot, urange, vrange;
    if (!get_ints(req, i, 1, nu) || !get_ints(req, i, 1, uorder) ||
        !get_float_array(req, i, uknot, "uknot") || !get_numbers(req, i, 2, urange) ||
        !get_ints(req, i, 1, nv) || !get_ints(req, i, 1, vorder) ||
        !get_float_array(req, i, vknot, "vknot") || !get_numbers(req, i, 2, vrange))
        return;
    ParamList pl;
    params(req, i, ParamUse::Primvar, pl);

    auto check = [&](const char* dir, int n, int order, const std::vector<float>& knot,
                     const std::vector<float>& range) {
        if (order < 1 || order > 16 || n < order || n > (1 << 16)) {
            m_rep.error(req.loc, std::string("NuPatch: bad ") + dir + " count " +
                                     std::to_string(n) + " or order " + std::to_string(order));
            return false;
        }
        if (knot.size() != static_cast<std::size_t>(n + order)) {
            m_rep.error(req.loc, std::string("NuPatch: ") + dir + " knot vector needs " +
                                     std::to_string(n + order) + " values, found " +
                                     std::to_string(knot.size()));
            return false;
        }
        for (std::size_t k = 1; k < knot.size(); ++k) {
            if (knot[k] < knot[k - 1]) {
                m_rep.error(req.loc, std::string("NuPatch: ") + dir + " knots decrease");
                return false;
            }
        }
        float lo = knot[static_cast<std::size_t>(order - 1)];
        float hi = knot[static_cast<std::size_t>(n)];
        if (!(hi > lo) || !(range[1] > range[0])) {
            m_rep.error(req.loc, std::string("NuPatch: empty ") + dir + " parameter range");
            return false;
        }
        return true;
    };
    if (!check("u", nu[0], uorder[0], uknot, urange) ||
        !check("v", nv[0], vorder[0], vknot, vrange))
        return;
    if (static_cast<long long>(nu[0]) * nv[0] > (1 << 24)) {
        m_rep.error(req.loc, "NuPatch: too many control points");
        return;
    }
    std::vector<float> hp;
    std::string error;
    if (!control_points(pl, static_cast<std::size_t>(nu[0]) * static_cast<std::size_t>(nv[0]), hp,
                        error)) {
        m_rep.error(req.loc, "NuPatch: " + error);
        return;
    }

    int pu = uorder[0] - 1, pv = vorder[0] - 1;
    auto clamp_range = [](const std::vector<float>& knot, int n, int order, std::vector<float> r) {
        float lo = knot[static_cast<std::size_t>(order - 1)];
        float hi = knot[static_cast<std::size_t>(n)];
        r[0] = std::clamp(r[0], lo, hi);
        r[1] = std::clamp(r[1], lo, hi);
        return r;
    };
    urange = clamp_range(uknot, nu[0], uorder[0], urange);
    vrange = clamp_range(vknot, nv[0], vorder[0], vrange);
    int ures = std::clamp((nu[0] - pu) * 4, 4, 64);
    int vres = std::clamp((nv[0] - pv) * 4, 4, 64);
    TriangleMesh mesh;
    append_grid(mesh, ures, vres, [&](float s, float t) {
        float u = urange[0] + s * (urange[1] - urange[0]);
        float v = vrange[0] + t * (vrange[1] - vrange[0]);
        int su = find_span(uknot, nu[0], pu, u), sv = find_span(vknot, nv[0], pv, v);
        float bu[17], bv[17];
        bspline_basis(uknot, su, pu, u, bu);
        bspline_basis(vknot, sv, pv, v, bv);
        float h[4] = {0, 0, 0, 0};
        for (int b = 0; b <= pv; ++b) {
            for (int a = 0; a <= pu; ++a) {
                std::size_t idx = static_cast<std::size_t>(sv - pv + b) * static_cast<std::size_t>(nu[0]) +
                                  static_cast<std::size_t>(su - pu + a);
                for (int c = 0; c < 4; ++c)
                    h[c] += bu[a] * bv[b] * hp[idx * 4 + static_cast<std::size_t>(c)];
            }
        }
        return project(h);
    });
    add_mesh(std::move(mesh), req, constant_cs(pl, m_state.cs), false);
}

}  // namespace ck::scene::detail
