// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Quadrics and polygons. Polygons are triangulated by ear clipping and their
// primvars de-indexed so every TriangleMesh attribute is per vertex.
#include "scene/parser_impl.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ck::scene::detail {

namespace {

constexpr float kPi = static_cast<float>(M_PI);

/// A (nu x nv)-quad grid over f(u, v) with u, v in [0, 1]; st = (u, v). Each quad
/// (a, b, c, d) = ((i,j), (i+1,j), (i+1,j+1), (i,j+1)) gives (a,b,c) and (a,c,d), so
/// the geometric normal is dP/du x dP/dv, RenderMan's natural normal.
template <class F>
std::shared_ptr<TriangleMesh> grid_mesh(int nu, int nv, F f)
{
    auto mesh = std::make_shared<TriangleMesh>();
    for (int j = 0; j <= nv; ++j) {
        for (int i = 0; i <= nu; ++i) {
            float u = static_cast<float>(i) / static_cast<float>(nu);
            float v = static_cast<float>(j) / static_cast<float>(nv);
            mesh->P.push_back(f(u, v));
            mesh->st.push_back(V2f(u, v));
        }
    }
    auto at = [nu](int i, int j) { return static_cast<uint32_t>(j * (nu + 1) + i); };
    for (int j = 0; j < nv; ++j) {
        for (int i = 0; i < nu; ++i) {
            uint32_t a = at(i, j), b = at(i + 1, j), c = at(i + 1, j + 1), d = at(i, j + 1);
            mesh->indices.insert(mesh->indices.end(), {a, b, c, a, c, d});
        }
    }
    return mesh;
}

int sweep_segments(float thetamax_degrees)
{
    return std::clamp(static_cast<int>(std::ceil(std::fabs(thetamax_degrees) / 10.0f)), 1, 36);
}

float cross2(V2f a, V2f b, V2f c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }

bool inside_triangle(V2f p, V2f a, V2f b, V2f c)
{
    return cross2(a, b, p) >= 0.0f && cross2(b, c, p) >= 0.0f && cross2(c, a, p) >= 0.0f;
}

bool segments_cross(V2f a, V2f b, V2f c, V2f d)
{
    float d1 = cross2(a, b, c), d2 = cross2(a, b, d), d3 = cross2(c, d, a), d4 = cross2(c, d, b);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

float signed_area(const std::vector<V2f>& pts, const std::vector<uint32_t>& loop)
{
    float a = 0.0f;
    for (std::size_t k = 0; k < loop.size(); ++k) {
        V2f p = pts[loop[k]], q = pts[loop[(k + 1) % loop.size()]];
        a += p.x * q.y - q.x * p.y;
    }
    return 0.5f * a;
}

void fan(const std::vector<uint32_t>& poly, std::vector<uint32_t>& out)
{
    for (std::size_t k = 1; k + 1 < poly.size(); ++k)
        out.insert(out.end(), {poly[0], poly[k], poly[k + 1]});
}

/// Ear clipping of one counter-clockwise 2D polygon (indices into pts).
void ear_clip(const std::vector<V2f>& pts, std::vector<uint32_t> poly, std::vector<uint32_t>& out)
{
    constexpr std::size_t kMaxEarClip = 4096;  // Beyond this, a fan (O(n^3) worst case otherwise).
    if (poly.size() > kMaxEarClip) {
        fan(poly, out);
        return;
    }
    while (poly.size() > 3) {
        std::size_t n = poly.size();
        bool found = false;
        for (std::size_t k = 0; k < n && !found; ++k) {
            uint32_t ia = poly[(k + n - 1) % n], ib = poly[k], ic = poly[(k + 1) % n];
            V2f a = pts[ia], b = pts[ib], c = pts[ic];
            if (cross2(a, b, c) <= 0.0f)
                continue;  // Reflex or degenerate.
            bool blocked = false;
            for (std::size_t m = 0; m < n && !blocked; ++m) {
                uint32_t im = poly[m];
                V2f p = pts[im];
                if (im == ia || im == ib || im == ic || p == a || p == b || p == c)
                    continue;
                blocked = inside_triangle(p, a, b, c);
            }
            if (blocked)
                continue;
            out.insert(out.end(), {ia, ib, ic});
            poly.erase(poly.begin() + static_cast<std::ptrdiff_t>(k));
            found = true;
        }
        if (!found) {
            // Degenerate or self-intersecting input: finish with a fan.
            fan(poly, out);
            return;
        }
    }
    if (poly.size() == 3)
        out.insert(out.end(), {poly[0], poly[1], poly[2]});
}

}  // namespace

std::vector<uint32_t> triangulate_loops(const std::vector<std::vector<V3f>>& loops,
                                        int& holes_dropped)
{
    holes_dropped = 0;
    std::vector<uint32_t> out;
    if (loops.empty() || loops[0].size() < 3)
        return out;

    // Newell normal of the outer loop, and a 2D basis in which it winds counter-clockwise.
    const std::vector<V3f>& outer = loops[0];
    V3f n(0, 0, 0);
    for (std::size_t k = 0; k < outer.size(); ++k) {
        const V3f& p = outer[k];
        const V3f& q = outer[(k + 1) % outer.size()];
        n += V3f((p.y - q.y) * (p.z + q.z), (p.z - q.z) * (p.x + q.x), (p.x - q.x) * (p.y + q.y));
    }
    std::vector<uint32_t> poly(outer.size());
    std::iota(poly.begin(), poly.end(), 0u);
    if (n.length() <= 0.0f || !std::isfinite(n.length())) {
        fan(poly, out);
        holes_dropped = static_cast<int>(loops.size()) - 1;
        return out;
    }
    n.normalize();
    V3f helper = std::fabs(n.x) < 0.9f ? V3f(1, 0, 0) : V3f(0, 1, 0);
    V3f bu = helper.cross(n).normalized();
    V3f bv = n.cross(bu);
    std::vector<V2f> pts;
    for (const std::vector<V3f>& loop : loops)
        for (const V3f& p : loop)
            pts.emplace_back(p.dot(bu), p.dot(bv));
    if (signed_area(pts, poly) < 0.0f) {
        // bu x bv = -n in this basis order: mirror so the outer loop is counter-clockwise.
        for (V2f& p : pts)
            p.x = -p.x;
    }

    // Bridge each hole (clockwise) into the polygon, rightmost holes first.
    std::vector<std::vector<uint32_t>> holes;
    uint32_t base = static_cast<uint32_t>(outer.size());
    for (std::size_t h = 1; h < loops.size(); ++h) {
        std::vector<uint32_t> hole(loops[h].size());
        std::iota(hole.begin(), hole.end(), base);
        base += static_cast<uint32_t>(loops[h].size());
        if (hole.size() < 3) {
            ++holes_dropped;
            continue;
        }
        if (signed_area(pts, hole) > 0.0f)
            std::reverse(hole.begin(), hole.end());
        holes.push_back(std::move(hole));
    }
    auto max_x = [&](const std::vector<uint32_t>& loop) {
        return std::max_element(loop.begin(), loop.end(),
                                [&](uint32_t a, uint32_t b) { return pts[a].x < pts[b].x; }) -
               loop.begin();
    };
    std::sort(holes.begin(), holes.end(), [&](const auto& a, const auto& b) {
        return pts[a[max_x(a)]].x > pts[b[max_x(b)]].x;
    });
    for (std::size_t h = 0; h < holes.size(); ++h) {
        const std::vector<uint32_t>& hole = holes[h];
        std::size_t hi = static_cast<std::size_t>(max_x(hole));
        V2f hp = pts[hole[hi]];
        // The closest polygon vertex whose bridge crosses no edge.
        std::size_t best = poly.size();
        float best_d = 0.0f;
        for (std::size_t k = 0; k < poly.size(); ++k) {
            V2f op = pts[poly[k]];
            float d = (op - hp).length2();
            if (best < poly.size() && d >= best_d)
                continue;
            bool crosses = false;
            for (std::size_t e = 0; e < poly.size() && !crosses; ++e)
                crosses = segments_cross(hp, op, pts[poly[e]], pts[poly[(e + 1) % poly.size()]]);
            for (std::size_t g = h; g < holes.size() && !crosses; ++g)
                for (std::size_t e = 0; e < holes[g].size() && !crosses; ++e)
                    crosses = segments_cross(hp, op, pts[holes[g][e]],
                                             pts[holes[g][(e + 1) % holes[g].size()]]);
            if (!crosses) {
                best = k;
                best_d = d;
            }
        }
        if (best == poly.size()) {
            ++holes_dropped;
            continue;
        }
        std::vector<uint32_t> merged(poly.begin(), poly.begin() + static_cast<long>(best) + 1);
        for (std::size_t k = 0; k <= hole.size(); ++k)
            merged.push_back(hole[(hi + k) % hole.size()]);
        merged.insert(merged.end(), poly.begin() + static_cast<long>(best), poly.end());
        poly = std::move(merged);
    }
    ear_clip(pts, std::move(poly), out);
    return out;
}

// ---------------------------------------------------------------------------
// Shapes

void Parser::add_shape(Shape shape, const Request& req, const Material* fixed,
                       const Emitter* fixed_emitter)
{
    if (!m_frame && !m_object) {
        m_rep.warn_once("outside-world:geometry", req.loc,
                        req.name + ": geometry outside WorldBegin/WorldEnd is ignored");
        return;
    }
    shape.loc = req.loc;
    shape.identifier = m_state.identifier;
    shape.visibility = m_state.vis;
    shape.object_to_world = m_state.ctm;
    if (m_object)
        shape.object_to_world = m_state.ctm * m_object_inverse;
    // Front side = geometric normal flipped when true (scene.h). A mesh's world-space
    // cross product flips under a mirroring transform; a quadric's transformed normal does not.
    bool mirrored = shape.object_to_world.determinant() < 0.0f;
    shape.reverse_orientation =
        shape.kind == ShapeKind::Mesh ? m_state.inside != mirrored : m_state.inside;

    Material material = fixed ? *fixed : build_material(m_state.cs, false);
    bool emissive = fixed_emitter || m_state.area.on;
    Emitter emitter;
    if (fixed_emitter)
        emitter = *fixed_emitter;
    else if (m_state.area.on)
        emitter.radiance = m_state.area.radiance;

    if (m_object) {
        ProtoShape ps{std::move(shape), material, emissive, emitter};
        m_object->shapes.push_back(std::move(ps));
        return;
    }
    World& world = m_frame->world;
    shape.material = intern_material(material);
    if (emissive) {
        shape.emitter = static_cast<int>(world.emitters.size());
        world.emitters.push_back(emitter);
    }
    world.shapes.push_back(std::move(shape));
    for (std::size_t k = 0; k < m_state.lights_on.size(); ++k)
        if (m_state.lights_on[k])
            m_classic_lights[k].used = true;
}

void Parser::add_mesh(TriangleMesh&& mesh, const Request& req, C3f constant_cs, bool has_cs)
{
    if (mesh.indices.empty()) {
        m_rep.warning(req.loc, req.name + ": no triangles; skipped");
        return;
    }
    bool bxdf = m_state.surface && m_state.surface->bxdf;
    if (bxdf)
        mesh.Cs.clear();  // RIS materials do not read Cs.
    Material material = build_material(constant_cs, has_cs && !bxdf);
    Shape shape;
    shape.kind = ShapeKind::Mesh;
    shape.mesh = std::make_shared<const TriangleMesh>(std::move(mesh));
    add_shape(std::move(shape), req, &material);
}

#define CK_QUADRIC_ARGS(N)                                                                       \
    std::size_t i = 0;                                                                           \
    std::vector<float> v;                                                                        \
    if (!get_numbers(req, i, N, v))                                                              \
        return;                                                                                  \
    ParamList pl;                                                                                \
    params(req, i, ParamUse::Primvar, pl);                                                       \
    C3f cs = m_state.cs;                                                                         \
    if (const ParsedParam* p = pl.find("Cs"); p && p->param.floats.size() == 3)                  \
        cs = C3f(p->param.floats[0], p->param.floats[1], p->param.floats[2]);

void Parser::rq_sphere(Request& req)
{
    CK_QUADRIC_ARGS(4)
    float r = v[0];
    if (r == 0.0f || v[3] == 0.0f) {
        m_rep.warning(req.loc, "Sphere: zero radius or sweep; skipped");
        return;
    }
    Shape s;
    s.kind = ShapeKind::Sphere;
    s.quadric.radius = r;
    s.quadric.zmin = std::clamp(std::min(v[1], v[2]), -std::fabs(r), std::fabs(r));
    s.quadric.zmax = std::clamp(std::max(v[1], v[2]), -std::fabs(r), std::fabs(r));
    s.quadric.thetamax_degrees = std::clamp(v[3], -360.0f, 360.0f);
    Material m = build_material(cs, false);
    add_shape(std::move(s), req, &m);
}

void Parser::rq_disk(Request& req)
{
    CK_QUADRIC_ARGS(3)
    if (v[1] == 0.0f || v[2] == 0.0f) {
        m_rep.warning(req.loc, "Disk: zero radius or sweep; skipped");
        return;
    }
    Shape s;
    s.kind = ShapeKind::Disk;
    s.quadric.height = v[0];
    s.quadric.radius = v[1];
    s.quadric.thetamax_degrees = std::clamp(v[2], -360.0f, 360.0f);
    Material m = build_material(cs, false);
    add_shape(std::move(s), req, &m);
}

void Parser::rq_cylinder(Request& req)
{
    CK_QUADRIC_ARGS(4)
    if (v[0] == 0.0f || v[3] == 0.0f || v[1] == v[2]) {
        m_rep.warning(req.loc, "Cylinder: zero radius, height or sweep; skipped");
        return;
    }
    Shape s;
    s.kind = ShapeKind::Cylinder;
    s.quadric.radius = v[0];
    s.quadric.zmin = std::min(v[1], v[2]);
    s.quadric.zmax = std::max(v[1], v[2]);
    s.quadric.thetamax_degrees = std::clamp(v[3], -360.0f, 360.0f);
    Material m = build_material(cs, false);
    add_shape(std::move(s), req, &m);
}

void Parser::rq_cone(Request& req)
{
    CK_QUADRIC_ARGS(3)
    float h = v[0], r = v[1], theta = std::clamp(v[2], -360.0f, 360.0f) * kPi / 180.0f;
    auto mesh = grid_mesh(sweep_segments(v[2]), 8, [&](float u, float w) {
        float a = u * theta;
        return V3f((1 - w) * r * std::cos(a), (1 - w) * r * std::sin(a), w * h);
    });
    add_mesh(std::move(*mesh), req, cs, false);
}

void Parser::rq_paraboloid(Request& req)
{
    CK_QUADRIC_ARGS(4)
    float rmax = v[0], zmin = v[1], zmax = v[2];
    float theta = std::clamp(v[3], -360.0f, 360.0f) * kPi / 180.0f;
    if (zmax == 0.0f) {
        m_rep.warning(req.loc, "Paraboloid: zmax is 0; skipped");
        return;
    }
    auto mesh = grid_mesh(sweep_segments(v[3]), 8, [&](float u, float w) {
        float z = zmin + w * (zmax - zmin);
        float r = rmax * std::sqrt(std::max(0.0f, z / zmax));
        float a = u * theta;
        return V3f(r * std::cos(a), r * std::sin(a), z);
    });
    add_mesh(std::move(*mesh), req, cs, false);
}

void Parser::rq_hyperboloid(Request& req)
{
    CK_QUADRIC_ARGS(7)
    V3f p1(v[0], v[1], v[2]), p2(v[3], v[4], v[5]);
    float theta = std::clamp(v[6], -360.0f, 360.0f) * kPi / 180.0f;
    auto mesh = grid_mesh(sweep_segments(v[6]), 8, [&](float u, float w) {
        V3f p = p1 * (1 - w) + p2 * w;
        float a = u * theta, c = std::cos(a), s = std::sin(a);
        return V3f(p.x * c - p.y * s, p.x * s + p.y * c, p.z);
    });
    add_mesh(std::move(*mesh), req, cs, false);
}

void Parser::rq_torus(Request& req)
{
    CK_QUADRIC_ARGS(5)
    float rmaj = v[0], rmin = v[1];
    float phimin = v[2] * kPi / 180.0f, phimax = v[3] * kPi / 180.0f;
    float theta = std::clamp(v[4], -360.0f, 360.0f) * kPi / 180.0f;
    auto mesh = grid_mesh(sweep_segments(v[4]), sweep_segments(v[3] - v[2]), [&](float u, float w) {
        float phi = phimin + w * (phimax - phimin), a = u * theta;
        float r = rmaj + rmin * std::cos(phi);
        return V3f(r * std::cos(a), r * std::sin(a), rmin * std::sin(phi));
    });
    add_mesh(std::move(*mesh), req, cs, false);
}

#undef CK_QUADRIC_ARGS

// ---------------------------------------------------------------------------
// Polygons

void Parser::rq_polygon(Request& req)
{
    ParamList pl;
    if (!params(req, 0, ParamUse::Primvar, pl))
        return;
    const ParsedParam* p = pl.find("P");
    std::size_t n = p ? p->param.floats.size() / 3 : 0;
    if (!p) {
        m_rep.error(req.loc, "Polygon: required parameter \"P\" is missing");
        return;
    }
    std::vector<int> verts(n);
    std::iota(verts.begin(), verts.end(), 0);
    build_polygons(req, {1}, {static_cast<int>(n)}, verts, pl, false);
}

void Parser::rq_general_polygon(Request& req)
{
    std::size_t i = 0;
    std::vector<int> nverts;
    if (!get_int_array(req, i, nverts, "nvertices"))
        return;
    ParamList pl;
    if (!params(req, i, ParamUse::Primvar, pl))
        return;
    long long total = 0;
    for (int k : nverts)
        total += std::max(0, k);
    const ParsedParam* p = pl.find("P");
    if (!p || static_cast<long long>(p->param.floats.size() / 3) < total) {
        m_rep.error(req.loc, "GeneralPolygon: \"P\" must hold the " + std::to_string(total) +
                                 " points the loops need");
        return;
    }
    std::vector<int> verts(static_cast<std::size_t>(total));
    std::iota(verts.begin(), verts.end(), 0);
    build_polygons(req, {static_cast<int>(nverts.size())}, nverts, verts, pl, true);
}

void Parser::rq_points_polygons(Request& req)
{
    std::size_t i = 0;
    std::vector<int> nverts, verts;
    if (!get_int_array(req, i, nverts, "nvertices") || !get_int_array(req, i, verts, "vertices"))
        return;
    ParamList pl;
    params(req, i, ParamUse::Primvar, pl);  // Bad primvars are reported and left out.
    std::vector<int> nloops(nverts.size(), 1);
    build_polygons(req, nloops, nverts, verts, pl, false);
}

void Parser::rq_points_general_polygons(Request& req)
{
    std::size_t i = 0;
    std::vector<int> nloops, nverts, verts;
    if (!get_int_array(req, i, nloops, "nloops") || !get_int_array(req, i, nverts, "nvertices") ||
        !get_int_array(req, i, verts, "vertices"))
        return;
    ParamList pl;
    params(req, i, ParamUse::Primvar, pl);
    build_polygons(req, nloops, nverts, verts, pl, true);
}

}  // namespace ck::scene::detail
