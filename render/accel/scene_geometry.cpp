// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "accel/scene_geometry.h"

#include <embree3/rtcore_ray.h>

#include <cmath>
#include <string>

namespace ck::render {

namespace {

constexpr double kTwoPiD = 6.28318530717958647692;

/// What a geometry ID of an Embree scene stands for.
struct GeomEntry {
    const ShapeRecord* shape = nullptr;  ///< A shape, or
    int instance = -1;                   ///< an instance (index into instances).
};

struct InstanceRecord {
    M44f to_world;
    M44f to_local;
    int prototype = -1;
    int id = 0;  ///< The "id" channel value of every shape it places.
};

bool is_invisible_material(const scene::World& world, const scene::Shape& shape)
{
    if (shape.material < 0 || shape.material >= int(world.materials.size()))
        return false;
    const scene::Material& m = world.materials[size_t(shape.material)];
    if (m.kind == scene::MaterialKind::Null)
        return true;
    return m.opacity.x <= 0.0f && m.opacity.y <= 0.0f && m.opacity.z <= 0.0f;
}

unsigned visibility_mask(const scene::World& world, const scene::Shape& shape)
{
    unsigned mask = 0;
    bool camera = shape.visibility.camera;
    if (shape.emitter >= 0 && shape.emitter < int(world.emitters.size())) {
        int light = world.emitters[size_t(shape.emitter)].light;
        if (light >= 0 && light < int(world.lights.size()) &&
            !world.lights[size_t(light)].camera_visible)
            camera = false;
    }
    if (camera)
        mask |= kMaskCamera;
    if (shape.visibility.indirect)
        mask |= kMaskIndirect;
    if (shape.visibility.transmission)
        mask |= kMaskShadow;
    return mask;
}

// --- Quadric user geometry ---------------------------------------------------

void quadric_object_bounds(const ShapeRecord& s, V3f& lo, V3f& hi)
{
    const scene::Quadric& q = s.quadric;
    float r = std::fabs(q.radius);
    switch (s.kind) {
        case scene::ShapeKind::Sphere:
        case scene::ShapeKind::Cylinder:
            lo = V3f(-r, -r, std::min(q.zmin, q.zmax));
            hi = V3f(r, r, std::max(q.zmin, q.zmax));
            if (s.kind == scene::ShapeKind::Sphere) {
                lo.z = std::max(lo.z, -r);
                hi.z = std::min(hi.z, r);
            }
            break;
        default:
            lo = V3f(-r, -r, q.height);
            hi = V3f(r, r, q.height);
            break;
    }
}

void quadric_bounds(const RTCBoundsFunctionArguments* args)
{
    const auto* s = static_cast<const ShapeRecord*>(args->geometryUserPtr);
    V3f lo(0.0f), hi(0.0f);
    quadric_object_bounds(*s, lo, hi);
    V3f blo(1e30f), bhi(-1e30f);
    for (int i = 0; i < 8; ++i) {
        V3f c((i & 1) ? hi.x : lo.x, (i & 2) ? hi.y : lo.y, (i & 4) ? hi.z : lo.z);
        V3f w = xform_point(s->object_to_space, c);
        for (int k = 0; k < 3; ++k) {
            blo[k] = std::min(blo[k], w[k]);
            bhi[k] = std::max(bhi[k], w[k]);
        }
    }
    // Pad so that rounding in the intersector never falls outside the box.
    float pad = 1e-5f * (std::max(max_abs(blo), max_abs(bhi)) + 1e-6f);
    RTCBounds* b = args->bounds_o;
    b->lower_x = blo.x - pad;
    b->lower_y = blo.y - pad;
    b->lower_z = blo.z - pad;
    b->upper_x = bhi.x + pad;
    b->upper_y = bhi.y + pad;
    b->upper_z = bhi.z + pad;
}

bool phi_inside(double x, double y, double thetamax)
{
    if (thetamax >= kTwoPiD)
        return true;
    double phi = std::atan2(y, x);
    if (phi < 0.0)
        phi += kTwoPiD;
    return phi <= thetamax;
}

/// Object-space ray/quadric test in double precision. Returns the nearest valid
/// t in (tnear, tfar), or a negative value.
double intersect_quadric(const ShapeRecord& s, const double o[3], const double d[3], double tnear,
                         double tfar)
{
    const scene::Quadric& q = s.quadric;
    double r = std::fabs(double(q.radius));
    double thetamax = double(s.thetamax);

    if (s.kind == scene::ShapeKind::Disk) {
        if (d[2] == 0.0)
            return -1.0;
        double t = (double(q.height) - o[2]) / d[2];
        if (!(t > tnear && t < tfar))
            return -1.0;
        double x = o[0] + t * d[0];
        double y = o[1] + t * d[1];
        if (x * x + y * y > r * r)
            return -1.0;
        return phi_inside(x, y, thetamax) ? t : -1.0;
    }

    double a, b, c;
    if (s.kind == scene::ShapeKind::Sphere) {
        a = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        b = 2.0 * (o[0] * d[0] + o[1] * d[1] + o[2] * d[2]);
        c = o[0] * o[0] + o[1] * o[1] + o[2] * o[2] - r * r;
    } else {
        a = d[0] * d[0] + d[1] * d[1];
        b = 2.0 * (o[0] * d[0] + o[1] * d[1]);
        c = o[0] * o[0] + o[1] * o[1] - r * r;
    }
    if (a == 0.0)
        return -1.0;
    double disc = b * b - 4.0 * a * c;
    if (disc < 0.0)
        return -1.0;
    // Numerically stable roots.
    double root = std::sqrt(disc);
    double qq = b < 0.0 ? -0.5 * (b - root) : -0.5 * (b + root);
    double t0 = qq / a;
    double t1 = qq != 0.0 ? c / qq : t0;
    if (t0 > t1)
        std::swap(t0, t1);

    double zlo = std::min(double(q.zmin), double(q.zmax));
    double zhi = std::max(double(q.zmin), double(q.zmax));
    for (double t : {t0, t1}) {
        if (!(t > tnear && t < tfar))
            continue;
        double x = o[0] + t * d[0];
        double y = o[1] + t * d[1];
        double z = o[2] + t * d[2];
        if (z < zlo || z > zhi)
            continue;
        if (!phi_inside(x, y, thetamax))
            continue;
        return t;
    }
    return -1.0;
}

void to_object(const ShapeRecord& s, const V3f& org, const V3f& dir, double o[3], double d[3])
{
    const M44f& m = s.space_to_object;
    for (int k = 0; k < 3; ++k) {
        o[k] = double(org.x) * m[0][k] + double(org.y) * m[1][k] + double(org.z) * m[2][k] +
               double(m[3][k]);
        d[k] = double(dir.x) * m[0][k] + double(dir.y) * m[1][k] + double(dir.z) * m[2][k];
    }
}

void quadric_intersect(const RTCIntersectFunctionNArguments* args)
{
    const auto* s = static_cast<const ShapeRecord*>(args->geometryUserPtr);
    RTCRayN* rays = RTCRayHitN_RayN(args->rayhit, args->N);
    RTCHitN* hits = RTCRayHitN_HitN(args->rayhit, args->N);
    for (unsigned i = 0; i < args->N; ++i) {
        if (args->valid[i] != -1)
            continue;
        if ((RTCRayN_mask(rays, args->N, i) & s->mask) == 0)
            continue;
        V3f org(RTCRayN_org_x(rays, args->N, i), RTCRayN_org_y(rays, args->N, i),
                RTCRayN_org_z(rays, args->N, i));
        V3f dir(RTCRayN_dir_x(rays, args->N, i), RTCRayN_dir_y(rays, args->N, i),
                RTCRayN_dir_z(rays, args->N, i));
        double o[3], d[3];
        to_object(*s, org, dir, o, d);
        double t = intersect_quadric(*s, o, d, double(RTCRayN_tnear(rays, args->N, i)),
                                     double(RTCRayN_tfar(rays, args->N, i)));
        if (t < 0.0)
            continue;
        RTCRayN_tfar(rays, args->N, i) = float(t);
        // Ng is recomputed when the hit is resolved; Embree only needs a value.
        RTCHitN_Ng_x(hits, args->N, i) = 0.0f;
        RTCHitN_Ng_y(hits, args->N, i) = 0.0f;
        RTCHitN_Ng_z(hits, args->N, i) = 1.0f;
        RTCHitN_u(hits, args->N, i) = 0.0f;
        RTCHitN_v(hits, args->N, i) = 0.0f;
        RTCHitN_primID(hits, args->N, i) = args->primID;
        RTCHitN_geomID(hits, args->N, i) = args->geomID;
        RTCHitN_instID(hits, args->N, i, 0) = args->context->instID[0];
    }
}

void quadric_occluded(const RTCOccludedFunctionNArguments* args)
{
    const auto* s = static_cast<const ShapeRecord*>(args->geometryUserPtr);
    RTCRayN* rays = args->ray;
    for (unsigned i = 0; i < args->N; ++i) {
        if (args->valid[i] != -1)
            continue;
        if ((RTCRayN_mask(rays, args->N, i) & s->mask) == 0)
            continue;
        V3f org(RTCRayN_org_x(rays, args->N, i), RTCRayN_org_y(rays, args->N, i),
                RTCRayN_org_z(rays, args->N, i));
        V3f dir(RTCRayN_dir_x(rays, args->N, i), RTCRayN_dir_y(rays, args->N, i),
                RTCRayN_dir_z(rays, args->N, i));
        double o[3], d[3];
        to_object(*s, org, dir, o, d);
        double t = intersect_quadric(*s, o, d, double(RTCRayN_tnear(rays, args->N, i)),
                                     double(RTCRayN_tfar(rays, args->N, i)));
        if (t >= 0.0)
            RTCRayN_tfar(rays, args->N, i) = -std::numeric_limits<float>::infinity();
    }
}

}  // namespace

// --- SceneGeometry -------------------------------------------------------------

struct SceneGeometry::Impl {
    EmbreeDevice device;
    std::vector<std::unique_ptr<ShapeRecord>> records;
    std::vector<ShapeRecord*> top_shapes;
    std::vector<GeomEntry> top_geoms;
    std::vector<std::vector<GeomEntry>> proto_geoms;
    std::vector<InstanceRecord> instances;
    std::vector<EmbreeScene> proto_scenes;
    EmbreeScene top;
};

namespace {

/// Builds the record of one shape and attaches its Embree geometry to `scene`.
/// Returns null when the shape contributes nothing.
ShapeRecord* add_shape(SceneGeometry::Impl& impl, const scene::World& world,
                       const scene::Shape& shape, bool top_level, RTCScene scene,
                       std::vector<GeomEntry>& geoms, int light_of_shape)
{
    bool is_light_shape = light_of_shape >= 0;
    if (!is_light_shape && is_invisible_material(world, shape))
        return nullptr;

    auto record = std::make_unique<ShapeRecord>();
    ShapeRecord& r = *record;
    r.kind = shape.kind;
    r.material = shape.material;
    r.emitter = shape.emitter;
    r.light = light_of_shape;
    r.reverse = shape.reverse_orientation;
    r.mask = visibility_mask(world, shape);
    r.top_level = top_level;
    r.object_to_space = shape.object_to_world;
    r.space_to_object = shape.object_to_world.inverse();
    if (r.mask == 0)
        return nullptr;

    RTCDevice device = impl.device.get();
    RTCGeometry geom = nullptr;
    if (shape.kind == scene::ShapeKind::Mesh) {
        if (!shape.mesh || shape.mesh->indices.size() < 3 || shape.mesh->P.empty())
            return nullptr;
        const scene::TriangleMesh& mesh = *shape.mesh;
        size_t nv = mesh.P.size();
        size_t nt = mesh.indices.size() / 3;
        M44f normal_inverse = r.space_to_object;
        // One spare vertex: Embree reads the last vertex with a 16-byte load.
        r.P.resize(nv + 1, V3f(0.0f, 0.0f, 0.0f));
        for (size_t i = 0; i < nv; ++i)
            r.P[i] = xform_point(shape.object_to_world, mesh.P[i]);
        if (mesh.N.size() == nv) {
            r.N.resize(nv);
            for (size_t i = 0; i < nv; ++i)
                r.N[i] = normalize(xform_normal(normal_inverse, mesh.N[i]));
        }
        if (mesh.st.size() == nv)
            r.st = mesh.st;
        if (mesh.Cs.size() == nv)
            r.Cs = mesh.Cs;
        r.indices.resize(nt * 3);
        for (size_t i = 0; i < nt * 3; ++i) {
            uint32_t index = mesh.indices[i];
            // An out-of-range index makes a degenerate triangle rather than a crash.
            r.indices[i] = index < nv ? index : 0u;
        }

        // Embree reads the record's own arrays (shared buffers): no second copy.
        geom = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_TRIANGLE);
        if (!geom)
            return nullptr;
        rtcSetSharedGeometryBuffer(geom, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3, r.P.data(),
                                   0, sizeof(V3f), nv);
        rtcSetSharedGeometryBuffer(geom, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3,
                                   r.indices.data(), 0, 3 * sizeof(uint32_t), nt);
    } else {
        r.quadric = shape.quadric;
        float thetamax = std::fabs(shape.quadric.thetamax_degrees) * (kPi / 180.0f);
        r.thetamax = std::min(thetamax, kTwoPi);
        if (r.quadric.radius == 0.0f || r.thetamax <= 0.0f)
            return nullptr;
        geom = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_USER);
        if (!geom)
            return nullptr;
        rtcSetGeometryUserPrimitiveCount(geom, 1);
        rtcSetGeometryUserData(geom, &r);
        rtcSetGeometryBoundsFunction(geom, &quadric_bounds, nullptr);
        rtcSetGeometryIntersectFunction(geom, &quadric_intersect);
        rtcSetGeometryOccludedFunction(geom, &quadric_occluded);
    }
    rtcSetGeometryMask(geom, r.mask);
    rtcCommitGeometry(geom);
    unsigned id = rtcAttachGeometry(scene, geom);
    rtcReleaseGeometry(geom);
    if (geoms.size() <= id)
        geoms.resize(size_t(id) + 1);
    geoms[id].shape = &r;
    impl.records.push_back(std::move(record));
    return &r;
}

int light_of(const scene::World& world, const scene::Shape& shape)
{
    if (shape.emitter < 0 || shape.emitter >= int(world.emitters.size()))
        return -1;
    return world.emitters[size_t(shape.emitter)].light;
}

}  // namespace

SceneGeometry::~SceneGeometry()
{
    if (m_impl) {
        // Scenes first, then geometry data, then the device (member order).
        m_impl->top.reset();
        m_impl->proto_scenes.clear();
    }
}

Result<std::unique_ptr<SceneGeometry>> SceneGeometry::create(const scene::World& world,
                                                             const std::vector<scene::Shape>& extra,
                                                             const std::atomic<bool>* cancel)
{
    std::unique_ptr<SceneGeometry> geometry(new SceneGeometry());
    geometry->m_impl = std::make_unique<Impl>();
    Impl& impl = *geometry->m_impl;
    Status device_status = impl.device.status();
    if (!device_status.is_ok())
        return device_status;
    RTCDevice device = impl.device.get();

    // Prototypes: one Embree scene each.
    impl.proto_scenes.reserve(world.prototypes.size());
    impl.proto_geoms.resize(world.prototypes.size());
    for (size_t p = 0; p < world.prototypes.size(); ++p) {
        EmbreeScene scene(rtcNewScene(device));
        for (const scene::Shape& shape : world.prototypes[p].shapes)
            add_shape(impl, world, shape, false, scene.get(), impl.proto_geoms[p],
                      light_of(world, shape));
        Status status = commit_scene(impl.device, scene.get(), cancel,
                                     "prototype \"" + world.prototypes[p].handle + "\"");
        if (!status.is_ok())
            return status;
        impl.proto_scenes.push_back(std::move(scene));
    }

    // Top level: shapes, extra shapes, then instances.
    impl.top = EmbreeScene(rtcNewScene(device));
    RTCScene top = impl.top.get();
    size_t total = world.shapes.size() + extra.size();
    impl.top_shapes.assign(total, nullptr);
    for (size_t i = 0; i < total; ++i) {
        const scene::Shape& shape =
            i < world.shapes.size() ? world.shapes[i] : extra[i - world.shapes.size()];
        impl.top_shapes[i] =
            add_shape(impl, world, shape, true, top, impl.top_geoms, light_of(world, shape));
        if (impl.top_shapes[i])
            impl.top_shapes[i]->id = int(i) + 1;
    }
    for (size_t i = 0; i < world.instances.size(); ++i) {
        const scene::Instance& inst = world.instances[i];
        if (inst.prototype < 0 || inst.prototype >= int(world.prototypes.size()))
            return Status(ErrorCode::InvalidArgument,
                          inst.loc.str() + ": instance refers to prototype " +
                              std::to_string(inst.prototype) + ", which does not exist");
        if (impl.proto_geoms[size_t(inst.prototype)].empty())
            continue;
        RTCGeometry geom = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_INSTANCE);
        if (!geom)
            break;
        rtcSetGeometryInstancedScene(geom, impl.proto_scenes[size_t(inst.prototype)].get());
        rtcSetGeometryTimeStepCount(geom, 1);
        // Imath's row-vector matrix, row i = image of basis vector i, has the same
        // memory layout as Embree's column-major matrix.
        rtcSetGeometryTransform(geom, 0, RTC_FORMAT_FLOAT4X4_COLUMN_MAJOR,
                                &inst.object_to_world[0][0]);
        rtcCommitGeometry(geom);
        unsigned id = rtcAttachGeometry(top, geom);
        rtcReleaseGeometry(geom);
        if (impl.top_geoms.size() <= id)
            impl.top_geoms.resize(size_t(id) + 1);
        impl.top_geoms[id].instance = int(impl.instances.size());
        InstanceRecord record;
        record.to_world = inst.object_to_world;
        record.to_local = inst.object_to_world.inverse();
        record.prototype = inst.prototype;
        record.id = int(total + i) + 1;
        impl.instances.push_back(record);
    }
    Status status = commit_scene(impl.device, top, cancel, "the scene");
    if (!status.is_ok())
        return status;

    RTCBounds bounds;
    rtcGetSceneBounds(top, &bounds);
    if (bounds.lower_x <= bounds.upper_x) {
        V3f lo(bounds.lower_x, bounds.lower_y, bounds.lower_z);
        V3f hi(bounds.upper_x, bounds.upper_y, bounds.upper_z);
        geometry->m_center = (lo + hi) * 0.5f;
        geometry->m_radius = std::max(0.5f * length(hi - lo), 1e-6f);
    }
    return geometry;
}

ShapeRecord* SceneGeometry::top_shape(size_t i) const
{
    return i < m_impl->top_shapes.size() ? m_impl->top_shapes[i] : nullptr;
}

float SceneGeometry::offset_for(const V3f& p) const
{
    return 2e-5f * std::max(max_abs(p), 1e-2f * m_radius);
}

namespace {

void init_ray(const Ray& ray, unsigned mask, RTCRay& r)
{
    r.org_x = ray.org.x;
    r.org_y = ray.org.y;
    r.org_z = ray.org.z;
    r.tnear = ray.tnear;
    r.dir_x = ray.dir.x;
    r.dir_y = ray.dir.y;
    r.dir_z = ray.dir.z;
    r.time = 0.0f;
    r.tfar = ray.tfar;
    r.mask = mask;
    r.id = 0;
    r.flags = 0;
}

}  // namespace

bool SceneGeometry::occluded(const Ray& ray, unsigned mask) const
{
    RTCIntersectContext context;
    rtcInitIntersectContext(&context);
    RTCRay r;
    init_ray(ray, mask, r);
    rtcOccluded1(m_impl->top.get(), &context, &r);
    return r.tfar < 0.0f;
}

bool SceneGeometry::intersect(const Ray& ray, unsigned mask, SurfaceHit& hit) const
{
    RTCIntersectContext context;
    rtcInitIntersectContext(&context);
    RTCRayHit rh;
    init_ray(ray, mask, rh.ray);
    rh.hit.geomID = RTC_INVALID_GEOMETRY_ID;
    rh.hit.instID[0] = RTC_INVALID_GEOMETRY_ID;
    rtcIntersect1(m_impl->top.get(), &context, &rh);
    if (rh.hit.geomID == RTC_INVALID_GEOMETRY_ID)
        return false;

    // Which shape, and which instance (if any) placed it.
    const Impl& impl = *m_impl;
    const InstanceRecord* inst = nullptr;
    const ShapeRecord* s = nullptr;
    if (rh.hit.instID[0] != RTC_INVALID_GEOMETRY_ID) {
        inst = &impl.instances[size_t(impl.top_geoms[rh.hit.instID[0]].instance)];
        s = impl.proto_geoms[size_t(inst->prototype)][rh.hit.geomID].shape;
    } else {
        s = impl.top_geoms[rh.hit.geomID].shape;
    }
    hit.shape = s;
    hit.id = inst ? inst->id : s->id;
    hit.t = rh.ray.tfar;
    hit.color = C3f(1.0f, 1.0f, 1.0f);

    V3f p(0.0f), ng(0.0f), ns(0.0f);
    if (s->kind == scene::ShapeKind::Mesh) {
        // Rebuild the point from barycentrics: more accurate than org + t * dir.
        size_t tri = rh.hit.primID;
        uint32_t i0 = s->indices[3 * tri + 0];
        uint32_t i1 = s->indices[3 * tri + 1];
        uint32_t i2 = s->indices[3 * tri + 2];
        float u = rh.hit.u;
        float v = rh.hit.v;
        float w = 1.0f - u - v;
        const V3f& p0 = s->P[i0];
        const V3f& p1 = s->P[i1];
        const V3f& p2 = s->P[i2];
        p = p0 * w + p1 * u + p2 * v;
        ng = cross(p1 - p0, p2 - p0);
        ns = s->N.empty() ? ng : s->N[i0] * w + s->N[i1] * u + s->N[i2] * v;
        if (!s->st.empty())
            hit.st = s->st[i0] * w + s->st[i1] * u + s->st[i2] * v;
        else
            hit.st = V2f(u, v);
        if (!s->Cs.empty())
            hit.color = s->Cs[i0] * w + s->Cs[i1] * u + s->Cs[i2] * v;
    } else {
        // Object-space point, projected back onto the surface for accuracy.
        V3f pw = ray.org + ray.dir * hit.t;
        V3f ps = inst ? xform_point(inst->to_local, pw) : pw;
        V3f po = xform_point(s->space_to_object, ps);
        V3f no(0.0f);
        float r = std::fabs(s->quadric.radius);
        if (s->kind == scene::ShapeKind::Sphere) {
            float len = length(po);
            if (len > 0.0f)
                po *= r / len;
            no = po;
        } else if (s->kind == scene::ShapeKind::Cylinder) {
            float len = std::sqrt(po.x * po.x + po.y * po.y);
            if (len > 0.0f) {
                po.x *= r / len;
                po.y *= r / len;
            }
            no = V3f(po.x, po.y, 0.0f);
        } else {
            po.z = s->quadric.height;
            no = V3f(0.0f, 0.0f, 1.0f);
        }
        float phi = std::atan2(po.y, po.x);
        if (phi < 0.0f)
            phi += kTwoPi;
        float zspan = s->quadric.zmax - s->quadric.zmin;
        float sv = s->kind == scene::ShapeKind::Disk
                       ? 1.0f - std::sqrt(po.x * po.x + po.y * po.y) / std::max(r, 1e-30f)
                       : (zspan != 0.0f ? (po.z - s->quadric.zmin) / zspan : 0.0f);
        hit.st = V2f(s->thetamax > 0.0f ? phi / s->thetamax : 0.0f, sv);
        p = xform_point(s->object_to_space, po);
        ng = xform_normal(s->space_to_object, no);
        ns = ng;
    }
    if (inst) {
        p = xform_point(inst->to_world, p);
        ng = xform_normal(inst->to_local, ng);
        ns = xform_normal(inst->to_local, ns);
    }
    ng = normalize(ng);
    ns = normalize(ns);
    if (s->reverse)
        ng = -ng;
    if (dot(ns, ng) < 0.0f)
        ns = -ns;
    hit.p = p;
    hit.ng = ng;
    hit.ns = ns;
    hit.offset = offset_for(p);
    return true;
}

// --- Quadric sampling ----------------------------------------------------------

float quadric_area(const ShapeRecord& s)
{
    const scene::Quadric& q = s.quadric;
    float r = std::fabs(q.radius);
    switch (s.kind) {
        case scene::ShapeKind::Sphere: {
            float zlo = std::max(std::min(q.zmin, q.zmax), -r);
            float zhi = std::min(std::max(q.zmin, q.zmax), r);
            return s.thetamax * r * std::max(0.0f, zhi - zlo);
        }
        case scene::ShapeKind::Cylinder:
            return s.thetamax * r * std::fabs(q.zmax - q.zmin);
        case scene::ShapeKind::Disk:
            return 0.5f * s.thetamax * r * r;
        default:
            return 0.0f;
    }
}

void sample_quadric(const ShapeRecord& s, float u1, float u2, V3f& p_obj, V3f& n_obj)
{
    const scene::Quadric& q = s.quadric;
    float r = std::fabs(q.radius);
    float phi = u2 * s.thetamax;
    float c = std::cos(phi);
    float sn = std::sin(phi);
    switch (s.kind) {
        case scene::ShapeKind::Sphere: {
            // Archimedes: z uniform gives uniform area on the sphere.
            float zlo = std::max(std::min(q.zmin, q.zmax), -r);
            float zhi = std::min(std::max(q.zmin, q.zmax), r);
            float z = zlo + u1 * (zhi - zlo);
            float rho = std::sqrt(std::max(0.0f, r * r - z * z));
            p_obj = V3f(rho * c, rho * sn, z);
            n_obj = p_obj;
            break;
        }
        case scene::ShapeKind::Cylinder: {
            float z = q.zmin + u1 * (q.zmax - q.zmin);
            p_obj = V3f(r * c, r * sn, z);
            n_obj = V3f(c, sn, 0.0f);
            break;
        }
        default: {
            float rho = r * std::sqrt(u1);
            p_obj = V3f(rho * c, rho * sn, q.height);
            n_obj = V3f(0.0f, 0.0f, 1.0f);
            break;
        }
    }
}

}  // namespace ck::render
