// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Polygon meshes: count and index validation, primvar classes, triangulation,
// and de-indexing into a per-vertex TriangleMesh.
#include "scene/parser_impl.h"

#include <algorithm>

namespace ck::scene::detail {

namespace {

const char* class_name(ParamClass c)
{
    switch (c) {
    case ParamClass::Constant: return "constant";
    case ParamClass::Uniform: return "uniform";
    case ParamClass::Varying: return "varying";
    case ParamClass::Vertex: return "vertex";
    case ParamClass::FaceVarying: return "facevarying";
    case ParamClass::FaceVertex: return "facevertex";
    case ParamClass::Reference: return "reference";
    }
    return "?";
}

/// A validated primvar: its floats, components and class.
struct Primvar {
    const std::vector<float>* data = nullptr;
    int comps = 0;
    ParamClass cls = ParamClass::Vertex;

    explicit operator bool() const { return data != nullptr; }
    bool per_corner() const
    {
        return cls == ParamClass::Uniform || cls == ParamClass::FaceVarying ||
               cls == ParamClass::FaceVertex;
    }
    /// Item index for corner `c` of face `f` whose point is `pt`.
    std::size_t item(std::size_t c, std::size_t f, std::size_t pt) const
    {
        switch (cls) {
        case ParamClass::Constant: return 0;
        case ParamClass::Uniform: return f;
        case ParamClass::FaceVarying:
        case ParamClass::FaceVertex: return c;
        default: return pt;
        }
    }
    const float* at(std::size_t c, std::size_t f, std::size_t pt) const
    {
        return data->data() + item(c, f, pt) * static_cast<std::size_t>(comps);
    }
};

}  // namespace

void Parser::build_polygons(const Request& req, const std::vector<int>& nloops,
                            const std::vector<int>& nverts, const std::vector<int>& verts,
                            const ParamList& pl, bool general)
{
    // Counts: nloops -> nverts -> verts must agree exactly.
    long long loops_total = 0;
    for (int n : nloops) {
        if (n < 0) {
            m_rep.error(req.loc, req.name + ": negative loop count " + std::to_string(n));
            return;
        }
        loops_total += n;
    }
    if (loops_total != static_cast<long long>(nverts.size())) {
        m_rep.error(req.loc, req.name + ": nloops adds up to " + std::to_string(loops_total) +
                                 " loops but nvertices has " + std::to_string(nverts.size()) +
                                 " entries");
        return;
    }
    long long corners = 0;
    for (int n : nverts) {
        if (n < 0) {
            m_rep.error(req.loc, req.name + ": negative vertex count " + std::to_string(n));
            return;
        }
        corners += n;
    }
    if (corners != static_cast<long long>(verts.size())) {
        m_rep.error(req.loc, req.name + ": nvertices adds up to " + std::to_string(corners) +
                                 " but the vertex index array has " +
                                 std::to_string(verts.size()) + " entries");
        return;
    }

    // Positions: P, or Pw divided by w.
    std::vector<V3f> points;
    if (const ParsedParam* p = pl.find("P")) {
        const std::vector<float>& f = p->param.floats;
        for (std::size_t k = 0; k + 2 < f.size(); k += 3)
            points.emplace_back(f[k], f[k + 1], f[k + 2]);
    } else if (const ParsedParam* pw = pl.find("Pw")) {
        const std::vector<float>& f = pw->param.floats;
        for (std::size_t k = 0; k + 3 < f.size(); k += 4) {
            float w = f[k + 3] != 0.0f ? f[k + 3] : 1.0f;
            points.emplace_back(f[k] / w, f[k + 1] / w, f[k + 2] / w);
        }
    } else {
        m_rep.error(req.loc, req.name + ": required parameter \"P\" is missing");
        return;
    }
    for (std::size_t k = 0; k < verts.size(); ++k) {
        if (verts[k] < 0 || static_cast<std::size_t>(verts[k]) >= points.size()) {
            m_rep.error(req.loc, req.name + ": vertex index " + std::to_string(verts[k]) +
                                     " (entry " + std::to_string(k) + ") is out of range; \"P\" has " +
                                     std::to_string(points.size()) + " points");
            return;
        }
    }

    // Primvars, with the count each class requires.
    std::size_t nfaces = nloops.size();
    auto primvar = [&](const char* name, int comps) {
        Primvar pv;
        const ParsedParam* p = pl.find(name);
        if (!p || p->param.type == ParamType::String)
            return pv;
        std::size_t items = 0;
        switch (p->cls) {
        case ParamClass::Constant: items = 1; break;
        case ParamClass::Uniform: items = nfaces; break;
        case ParamClass::FaceVarying:
        case ParamClass::FaceVertex: items = verts.size(); break;
        default: items = points.size(); break;
        }
        std::size_t want = items * static_cast<std::size_t>(comps);
        if (p->param.floats.size() != want) {
            m_rep.error(p->param.loc, req.name + ": " + class_name(p->cls) + " \"" + name +
                                          "\" needs " + std::to_string(want) + " values, found " +
                                          std::to_string(p->param.floats.size()) + "; ignored");
            return pv;
        }
        pv.data = &p->param.floats;
        pv.comps = comps;
        pv.cls = p->cls;
        return pv;
    };
    Primvar pv_n = primvar("N", 3);
    Primvar pv_cs = primvar("Cs", 3);
    Primvar pv_st = primvar("st", 2);
    Primvar pv_s = pv_st ? Primvar{} : primvar("s", 1);
    Primvar pv_t = pv_st ? Primvar{} : primvar("t", 1);
    // Os is not carried per vertex: partial values would be rendered opaque.
    if (const ParsedParam* os = pl.find("Os"); os) {
        bool partial = false;
        for (float v : os->param.floats)
            partial = partial || (v > 0.0f && v < 1.0f);
        if (partial)
            m_rep.warn_once("partial-opacity-primvar", os->param.loc,
                            req.name + ": \"Os\" primvar ignored: partial opacity is not "
                                       "supported yet; surfaces are opaque");
    }

    // Triangulate each face into corner indices.
    std::vector<uint32_t> tri;       // Corner index per triangle vertex.
    std::vector<uint32_t> tri_face;  // Face per triangle.
    std::size_t loop_at = 0;
    std::size_t corner_at = 0;
    int skipped = 0;
    int holes_dropped = 0;
    for (std::size_t f = 0; f < nfaces; ++f) {
        int nl = nloops[f];
        std::size_t face_corner = corner_at;
        std::vector<std::vector<V3f>> loops;
        std::vector<std::size_t> loop_start;
        for (int l = 0; l < nl; ++l) {
            int nv = nverts[loop_at + static_cast<std::size_t>(l)];
            loop_start.push_back(corner_at);
            std::vector<V3f> loop;
            for (int k = 0; k < nv; ++k)
                loop.push_back(points[static_cast<std::size_t>(verts[corner_at + k])]);
            corner_at += static_cast<std::size_t>(nv);
            loops.push_back(std::move(loop));
        }
        loop_at += static_cast<std::size_t>(nl);
        if (loops.empty() || loops[0].size() < 3) {
            ++skipped;
            continue;
        }
        if (!general)
            loops.resize(1);
        std::size_t before = tri.size();
        if (loops.size() == 1 && loops[0].size() == 3) {
            tri.insert(tri.end(), {static_cast<uint32_t>(face_corner),
                                   static_cast<uint32_t>(face_corner + 1),
                                   static_cast<uint32_t>(face_corner + 2)});
        } else {
            int dropped = 0;
            std::vector<uint32_t> local = triangulate_loops(loops, dropped);
            holes_dropped += dropped;
            // Local indices run over the concatenated loops, which are contiguous corners.
            for (uint32_t idx : local)
                tri.push_back(static_cast<uint32_t>(face_corner + idx));
        }
        for (std::size_t k = before; k < tri.size(); k += 3)
            tri_face.push_back(static_cast<uint32_t>(f));
    }
    if (skipped > 0)
        m_rep.warning(req.loc, req.name + ": " + std::to_string(skipped) +
                                   " polygon(s) with fewer than 3 vertices skipped");
    if (holes_dropped > 0)
        m_rep.warning(req.loc, req.name + ": " + std::to_string(holes_dropped) +
                                   " hole(s) could not be bridged and were filled");

    // De-index: shared vertices unless some primvar is per face or per corner.
    bool per_corner = (pv_n && pv_n.per_corner()) || (pv_cs && pv_cs.per_corner()) ||
                      (pv_st && pv_st.per_corner()) || (pv_s && pv_s.per_corner()) ||
                      (pv_t && pv_t.per_corner());
    bool constant_cs = pv_cs && pv_cs.cls == ParamClass::Constant;
    C3f cs = m_state.cs;
    if (constant_cs)
        cs = C3f((*pv_cs.data)[0], (*pv_cs.data)[1], (*pv_cs.data)[2]);
    bool mesh_cs = pv_cs && !constant_cs;
    bool has_st = pv_st || pv_s || pv_t;

    TriangleMesh mesh;
    auto emit_vertex = [&](std::size_t c, std::size_t f, std::size_t pt) {
        mesh.P.push_back(points[pt]);
        if (pv_n) {
            const float* n = pv_n.at(c, f, pt);
            mesh.N.emplace_back(n[0], n[1], n[2]);
        }
        if (mesh_cs) {
            const float* col = pv_cs.at(c, f, pt);
            mesh.Cs.emplace_back(col[0], col[1], col[2]);
        }
        if (has_st) {
            V2f st(0, 0);
            if (pv_st) {
                const float* v = pv_st.at(c, f, pt);
                st = V2f(v[0], v[1]);
            } else {
                if (pv_s)
                    st.x = *pv_s.at(c, f, pt);
                if (pv_t)
                    st.y = *pv_t.at(c, f, pt);
            }
            mesh.st.push_back(st);
        }
    };
    if (!per_corner) {
        for (std::size_t pt = 0; pt < points.size(); ++pt)
            emit_vertex(0, 0, pt);
        for (uint32_t c : tri)
            mesh.indices.push_back(static_cast<uint32_t>(verts[c]));
    } else {
        std::vector<int64_t> out_index(verts.size(), -1);
        for (std::size_t k = 0; k < tri.size(); ++k) {
            uint32_t c = tri[k];
            std::size_t f = tri_face[k / 3];
            if (out_index[c] < 0) {
                out_index[c] = static_cast<int64_t>(mesh.P.size());
                emit_vertex(c, f, static_cast<std::size_t>(verts[c]));
            }
            mesh.indices.push_back(static_cast<uint32_t>(out_index[c]));
        }
    }
    add_mesh(std::move(mesh), req, cs, mesh_cs);
}

}  // namespace ck::scene::detail
