// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Polygons, primvars, triangulation, patches and NURBS.
#include "scene/parser.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ck::scene {
namespace {

using test::dump;
using test::errors_with;
using test::parse;
using test::scene_with;
using test::warnings_with;

const TriangleMesh* first_mesh(const ParseResult& r)
{
    if (r.scene.frames.empty() || r.scene.frames[0].world.shapes.empty())
        return nullptr;
    return r.scene.frames[0].world.shapes[0].mesh.get();
}

float mesh_area(const TriangleMesh& m)
{
    float a = 0.0f;
    for (std::size_t k = 0; k + 2 < m.indices.size(); k += 3) {
        V3f p0 = m.P[m.indices[k]], p1 = m.P[m.indices[k + 1]], p2 = m.P[m.indices[k + 2]];
        a += 0.5f * (p1 - p0).cross(p2 - p0).length();
    }
    return a;
}

/// Sum of the (unnormalised) triangle normals: the winding's direction times twice the area.
V3f normal_sum(const TriangleMesh& m)
{
    V3f n(0, 0, 0);
    for (std::size_t k = 0; k + 2 < m.indices.size(); k += 3) {
        V3f p0 = m.P[m.indices[k]], p1 = m.P[m.indices[k + 1]], p2 = m.P[m.indices[k + 2]];
        n += (p1 - p0).cross(p2 - p0);
    }
    return n;
}

void expect_valid(const TriangleMesh& m)
{
    EXPECT_EQ(m.indices.size() % 3, 0u);
    for (uint32_t i : m.indices)
        EXPECT_LT(i, m.P.size());
    EXPECT_TRUE(m.N.empty() || m.N.size() == m.P.size());
    EXPECT_TRUE(m.st.empty() || m.st.size() == m.P.size());
    EXPECT_TRUE(m.Cs.empty() || m.Cs.size() == m.P.size());
}

TEST(Geometry, PolygonKeepsWinding)
{
    ParseResult r = parse(scene_with("Polygon \"P\" [0 0 0 1 0 0 1 1 0 0 1 0] \"N\" [0 0 1 0 0 1 0 0 1 0 0 1]"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const TriangleMesh* m = first_mesh(r);
    ASSERT_NE(m, nullptr);
    expect_valid(*m);
    EXPECT_EQ(m->indices.size(), 6u);
    EXPECT_EQ(m->N.size(), 4u);
    EXPECT_NEAR(mesh_area(*m), 1.0f, 1e-6f);
    EXPECT_GT(normal_sum(*m).z, 0.0f);  // Counter-clockwise in xy: +z, as written.

    ParseResult cw = parse(scene_with("Polygon \"P\" [0 0 0 0 1 0 1 1 0 1 0 0]"));
    EXPECT_LT(normal_sum(*first_mesh(cw)).z, 0.0f);
}

TEST(Geometry, ConcavePolygonIsEarClipped)
{
    // An L shape: a fan from vertex 0 would leave the polygon.
    ParseResult r = parse(scene_with("Polygon \"P\" [0 0 0 2 0 0 2 1 0 1 1 0 1 2 0 0 2 0]"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const TriangleMesh* m = first_mesh(r);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->indices.size(), 12u);
    EXPECT_NEAR(mesh_area(*m), 3.0f, 1e-5f);
    EXPECT_NEAR(normal_sum(*m).z, 6.0f, 1e-5f);  // Every triangle keeps the winding.
}

TEST(Geometry, PointsPolygonsSharedVertices)
{
    ParseResult r = parse(scene_with(
        "PointsPolygons [3 4] [0 1 2 1 3 4 2] \"P\" [0 0 0 1 0 0 0 1 0 2 0 0 2 1 0] "
        "\"Cs\" [1 0 0 0 1 0 0 0 1 1 1 1 0 0 0] \"s\" [0 1 0 2 2] \"t\" [0 0 1 0 1]"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const TriangleMesh* m = first_mesh(r);
    ASSERT_NE(m, nullptr);
    expect_valid(*m);
    EXPECT_EQ(m->P.size(), 5u);
    EXPECT_EQ(m->indices.size(), 9u);
    EXPECT_EQ(m->Cs.size(), 5u);
    ASSERT_EQ(m->st.size(), 5u);
    EXPECT_EQ(m->st[3], V2f(2, 0));
    // With per-vertex Cs the material is resolved with Cs = 1.
    const Frame& f = r.scene.frames[0];
    EXPECT_FLOAT_EQ(f.world.materials[f.world.shapes[0].material].diffuse_color.x, 0.8f);
}

TEST(Geometry, FacevaryingAndUniformAreDeindexed)
{
    ParseResult r = parse(scene_with(
        "PointsPolygons [3 3] [0 1 2 0 2 3] \"P\" [0 0 0 1 0 0 1 1 0 0 1 0] "
        "\"facevarying float[2] st\" [0 0 1 0 1 1 0.5 0.5 0.6 0.6 0.7 0.7] "
        "\"uniform color Cs\" [1 0 0 0 1 0]"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const TriangleMesh* m = first_mesh(r);
    ASSERT_NE(m, nullptr);
    expect_valid(*m);
    EXPECT_EQ(m->P.size(), 6u);  // One vertex per corner.
    EXPECT_EQ(m->st[3], V2f(0.5f, 0.5f));
    EXPECT_EQ(m->Cs[0], C3f(1, 0, 0));
    EXPECT_EQ(m->Cs[5], C3f(0, 1, 0));
    EXPECT_EQ(m->P[3], V3f(0, 0, 0));
}

TEST(Geometry, ConstantCsGoesIntoTheMaterial)
{
    ParseResult r = parse(scene_with("Surface \"matte\"\n"
                                     "Polygon \"P\" [0 0 0 1 0 0 0 1 0] \"constant color Cs\" [0 0 1]"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = r.scene.frames[0];
    EXPECT_TRUE(first_mesh(r)->Cs.empty());
    EXPECT_EQ(f.world.materials[f.world.shapes[0].material].diffuse_color, C3f(0, 0, 1));
}

TEST(Geometry, ShortIndexArrayAndOutOfRangeAreErrors)
{
    ParseResult r = parse(scene_with("PointsPolygons [4 4] [1] \"P\" [0 0 0 1 0 0 1 1 0 0 1 0]"));
    auto e = errors_with(r, "nvertices adds up to 8 but the vertex index array has 1 entries");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.line, 3);
    EXPECT_TRUE(r.scene.frames[0].world.shapes.empty());

    ParseResult o = parse(scene_with("PointsPolygons [3] [0 1 7] \"P\" [0 0 0 1 0 0 1 1 0]"));
    EXPECT_EQ(errors_with(o, "vertex index 7 (entry 2) is out of range").size(), 1u) << dump(o);
    ParseResult n = parse(scene_with("PointsPolygons [3] [0 1 -1] \"P\" [0 0 0 1 0 0 1 1 0]"));
    EXPECT_EQ(errors_with(n, "vertex index -1").size(), 1u) << dump(n);
    ParseResult f = parse(scene_with("PointsPolygons [3] [0 1 2.5] \"P\" [0 0 0 1 0 0 1 1 0]"));
    EXPECT_EQ(errors_with(f, "must be integers").size(), 1u) << dump(f);
    ParseResult p = parse(scene_with("PointsPolygons [3] [0 1 2]"));
    EXPECT_EQ(errors_with(p, "\"P\" is missing").size(), 1u) << dump(p);
}

TEST(Geometry, PrimvarLengthMismatch)
{
    ParseResult r = parse(scene_with("Polygon \"P\" [0 0 0 1 0 0 0 1 0] \"Cs\" [1 0 0 0 1 0]"));
    auto e = errors_with(r, "varying \"Cs\" needs 9 values, found 6");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.column, 33);
    ASSERT_NE(first_mesh(r), nullptr);  // Built without the bad primvar.
    EXPECT_TRUE(first_mesh(r)->Cs.empty());

    ParseResult odd = parse(scene_with("Polygon \"P\" [0 0 0 1 0 0 0 1]"));
    EXPECT_EQ(errors_with(odd, "expects a multiple of 3 values, found 8").size(), 1u) << dump(odd);
}

TEST(Geometry, ZeroVertexPolygonsWarn)
{
    ParseResult r = parse(scene_with("PointsPolygons [0 3 2] [0 1 2 0 1] \"P\" [0 0 0 1 0 0 0 1 0]\n"
                                     "PointsPolygons [] [] \"P\" []"));
    EXPECT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(warnings_with(r, "2 polygon(s) with fewer than 3 vertices skipped").size(), 1u);
    EXPECT_EQ(warnings_with(r, "no triangles").size(), 1u);
    ASSERT_EQ(r.scene.frames[0].world.shapes.size(), 1u);
    EXPECT_EQ(first_mesh(r)->indices.size(), 3u);
}

TEST(Geometry, GeneralPolygonsWithHoles)
{
    ParseResult r = parse(scene_with(
        "PointsGeneralPolygons [2] [4 4] [0 1 2 3 4 5 6 7] \"P\" [0 0 0 4 0 0 4 4 0 0 4 0 "
        "1 1 0 1 3 0 3 3 0 3 1 0]\n"
        "GeneralPolygon [4 3] \"P\" [0 0 0 4 0 0 4 4 0 0 4 0 1 1 0 2 1 0 1 2 0]"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = r.scene.frames[0].world;
    ASSERT_EQ(w.shapes.size(), 2u);
    EXPECT_NEAR(mesh_area(*w.shapes[0].mesh), 12.0f, 1e-4f);
    EXPECT_NEAR(normal_sum(*w.shapes[0].mesh).z, 24.0f, 1e-4f);
    EXPECT_NEAR(mesh_area(*w.shapes[1].mesh), 15.5f, 1e-4f);
    expect_valid(*w.shapes[1].mesh);
}

TEST(Geometry, QuadricsAndTessellatedQuadrics)
{
    ParseResult r = parse(scene_with("Sphere 2 -3 1.5 180\nDisk 1 0.5 360\nCylinder 1 -1 1 270\n"
                                     "Cone 2 1 360\nTorus 1 0.25 0 360 360\n"
                                     "Paraboloid 1 0 1 360\nHyperboloid 1 0 0 0 1 1 360"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const World& w = r.scene.frames[0].world;
    ASSERT_EQ(w.shapes.size(), 7u);
    EXPECT_EQ(w.shapes[0].kind, ShapeKind::Sphere);
    EXPECT_FLOAT_EQ(w.shapes[0].quadric.zmin, -2.0f);  // Clamped to the radius.
    EXPECT_FLOAT_EQ(w.shapes[0].quadric.zmax, 1.5f);
    EXPECT_FLOAT_EQ(w.shapes[0].quadric.thetamax_degrees, 180.0f);
    EXPECT_EQ(w.shapes[1].kind, ShapeKind::Disk);
    EXPECT_FLOAT_EQ(w.shapes[1].quadric.height, 1.0f);
    EXPECT_FLOAT_EQ(w.shapes[1].quadric.radius, 0.5f);
    EXPECT_EQ(w.shapes[2].kind, ShapeKind::Cylinder);
    for (std::size_t k = 3; k < 7; ++k) {
        ASSERT_EQ(w.shapes[k].kind, ShapeKind::Mesh);
        expect_valid(*w.shapes[k].mesh);
        EXPECT_GT(mesh_area(*w.shapes[k].mesh), 0.0f);
    }
    // The cone's natural normal points away from its axis, like a cylinder's.
    const TriangleMesh& cone = *w.shapes[3].mesh;
    V3f p0 = cone.P[cone.indices[0]], p1 = cone.P[cone.indices[1]], p2 = cone.P[cone.indices[2]];
    V3f n = (p1 - p0).cross(p2 - p0);
    V3f c = (p0 + p1 + p2) / 3.0f;
    EXPECT_GT(n.x * c.x + n.y * c.y, 0.0f);
}

TEST(Geometry, BilinearAndBicubicPatches)
{
    ParseResult r = parse(scene_with(
        "Patch \"bilinear\" \"P\" [0 0 0 1 0 0 0 1 0 1 1 0]\n"
        "Patch \"bilinear\" \"P\" [0 0 0 1 0 0 0 1 0 1 1 1]\n"
        "Patch \"bicubic\" \"P\" [0 0 0 1 0 0 2 0 0 3 0 0 0 1 0 1 1 1 2 1 1 3 1 0 "
        "0 2 0 1 2 1 2 2 1 3 2 0 0 3 0 1 3 0 2 3 0 3 3 0]\n"
        "Basis \"b-spline\" 1 \"catmull-rom\" 1\n"
        "PatchMesh \"bicubic\" 4 \"nonperiodic\" 5 \"nonperiodic\" \"P\" [0 0 0 1 0 0 2 0 0 3 0 0 "
        "0 1 0 1 1 0 2 1 0 3 1 0 0 2 0 1 2 0 2 2 0 3 2 0 0 3 0 1 3 0 2 3 0 3 3 0 "
        "0 4 0 1 4 0 2 4 0 3 4 0]\n"
        "PatchMesh \"bilinear\" 3 \"periodic\" 2 \"nonperiodic\" \"P\" [1 0 0 0 1 0 -1 0 0 "
        "1 0 1 0 1 1 -1 0 1]\n"
        "Patch \"bicubic\" \"P\" [0 0 0]\nPatch \"hermite\" \"P\" [0 0 0]"));
    EXPECT_EQ(errors_with(r, "Patch \"bicubic\": \"P\" needs 48 values, found 3").size(), 1u)
        << dump(r);
    EXPECT_EQ(errors_with(r, "Patch: unknown type \"hermite\"").size(), 1u);
    const World& w = r.scene.frames[0].world;
    ASSERT_EQ(w.shapes.size(), 5u);
    EXPECT_EQ(w.shapes[0].mesh->indices.size(), 6u);  // Planar: two triangles.
    EXPECT_GT(w.shapes[1].mesh->indices.size(), 6u);  // Non-planar: a finer grid.
    const TriangleMesh& bez = *w.shapes[2].mesh;
    // Bezier patches interpolate their corner control points.
    EXPECT_EQ(bez.P.front(), V3f(0, 0, 0));
    EXPECT_EQ(bez.P.back(), V3f(3, 3, 0));
    for (std::size_t k = 0; k < 5; ++k)
        expect_valid(*w.shapes[k].mesh);
    EXPECT_EQ(w.shapes[4].mesh->indices.size(), 18u);  // 3 periodic x 1 patches, 2 triangles each.
}

TEST(Geometry, NuPatch)
{
    // Degree-1 NURBS over a unit square, with weights: an exact bilinear sheet.
    ParseResult r = parse(scene_with(
        "NuPatch 2 2 [0 0 1 1] 0 1 2 2 [0 0 1 1] 0 1 \"Pw\" [0 0 0 1 2 0 0 2 0 1 0 1 1 1 0 1]\n"
        "NuPatch 3 3 [0 0 0 1 1 1] 0 1 2 2 [0 0 1 1] 0 1 \"P\" [0 0 0 1 1 0 2 0 0 0 0 1 1 1 1 2 0 1]\n"
        "NuPatch 3 3 [0 0 1 1 1] 0 1 2 2 [0 0 1 1] 0 1 \"P\" [0 0 0]"));
    EXPECT_EQ(errors_with(r, "u knot vector needs 6 values, found 5").size(), 1u) << dump(r);
    const World& w = r.scene.frames[0].world;
    ASSERT_EQ(w.shapes.size(), 2u);
    const TriangleMesh& m = *w.shapes[0].mesh;
    expect_valid(m);
    EXPECT_EQ(m.P.front(), V3f(0, 0, 0));
    EXPECT_EQ(m.P.back(), V3f(1, 1, 0));
    EXPECT_NEAR(mesh_area(m), 1.0f, 1e-4f);
    // The quadratic one interpolates its end points and bulges toward the middle one.
    const TriangleMesh& q = *w.shapes[1].mesh;
    EXPECT_EQ(q.P.front(), V3f(0, 0, 0));
    EXPECT_EQ(q.P.back(), V3f(2, 0, 1));
}

TEST(Geometry, MeshesInsideObjectsAndOutsideWorld)
{
    ParseResult r = parse("Display \"o.exr\" \"exr\" \"rgb\"\nObjectBegin 3\n"
                          "Polygon \"P\" [0 0 0 1 0 0 0 1 0]\nObjectEnd\nSphere 1 -1 1 360\n"
                          "WorldBegin\nObjectInstance 3\nWorldEnd\n");
    EXPECT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(warnings_with(r, "outside WorldBegin").size(), 1u);
    const World& w = r.scene.frames[0].world;
    ASSERT_EQ(w.prototypes.size(), 1u);
    EXPECT_EQ(w.prototypes[0].shapes.size(), 1u);
    EXPECT_EQ(w.instances.size(), 1u);
    EXPECT_TRUE(w.shapes.empty());
}

}  // namespace
}  // namespace ck::scene
