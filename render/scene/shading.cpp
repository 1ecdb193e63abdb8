// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Surfaces, Bxdfs and lights: classic shaders are baked into Material values
// with the current Cs/Os; light power is resolved to Light::color.
#include "scene/parser_impl.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ck::scene::detail {

namespace {

const char* const kClassicSurfaces[] = {"matte",    "plastic",        "metal",
                                        "shinymetal", "constant",     "paintedplastic",
                                        "defaultsurface", "null"};
const char* const kBxdfs[] = {"PxrDiffuse", "PxrConductor", "PxrDielectric", "PxrDisney",
                              "PxrSurface", "PxrConstant",  "PxrLightEmission"};

template <std::size_t N>
bool one_of(const std::string& name, const char* const (&list)[N])
{
    return std::find_if(std::begin(list), std::end(list),
                        [&](const char* s) { return name == s; }) != std::end(list);
}

/// Classic roughness (specular() with exponent 8/roughness, as PRMan and Aqsis use)
/// to scene.h's GGX roughness: Blinn exponent n maps to Beckmann alpha
/// sqrt(2 / (n + 2)), and GGX alpha = roughness^2, so roughness = (r / (4 + r))^(1/4).
float classic_roughness(float r)
{
    r = std::max(0.0f, r);
    return std::clamp(std::pow(r / (4.0f + r), 0.25f), 0.0f, 1.0f);
}

float average(C3f c) { return (c.x + c.y + c.z) / 3.0f; }

void append_bits(std::string& key, float f)
{
    char b[sizeof f];
    std::memcpy(b, &f, sizeof f);
    key.append(b, sizeof b);
}

void append_bits(std::string& key, C3f c)
{
    append_bits(key, c.x);
    append_bits(key, c.y);
    append_bits(key, c.z);
}

std::string material_key(const Material& m)
{
    std::string key = m.name;
    key += '\0';
    key += static_cast<char>(m.kind);
    key += static_cast<char>(m.two_sided);
    append_bits(key, m.diffuse_color);
    append_bits(key, m.specular_color);
    append_bits(key, m.roughness);
    append_bits(key, m.ka);
    append_bits(key, m.eta);
    append_bits(key, m.kappa);
    append_bits(key, m.ior);
    append_bits(key, m.reflection_color);
    append_bits(key, m.transmission_color);
    append_bits(key, m.metallic);
    append_bits(key, m.specular);
    append_bits(key, m.opacity);
    return key;
}

}  // namespace

// ---------------------------------------------------------------------------
// Surfaces

void Parser::warn_references(const Request& req, const ParamList& list)
{
    for (const ParsedParam& p : list.items) {
        if (p.cls != ParamClass::Reference)
            continue;
        m_rep.warn_once("reference:" + p.param.name, p.param.loc,
                        req.name + ": \"" + p.param.name +
                            "\" is a connection (reference), which is not supported; using the "
                            "parameter's default");
    }
}

void Parser::rq_surface(Request& req)
{
    std::size_t i = 0;
    auto binding = std::make_shared<ShaderBinding>();
    if (!get_string(req, i, binding->name, "shader name"))
        return;
    params(req, i, ParamUse::Shader, binding->params);
    binding->loc = req.loc;
    warn_references(req, binding->params);
    if (!one_of(binding->name, kClassicSurfaces))
        m_rep.warn_once("surface:" + binding->name, req.arg_loc(0),
                        "Surface \"" + binding->name +
                            "\" is not a built-in shader; using plastic with its Kd/Ks/roughness");
    m_state.surface = std::move(binding);
}

void Parser::rq_bxdf(Request& req)
{
    std::size_t i = 0;
    auto binding = std::make_shared<ShaderBinding>();
    binding->bxdf = true;
    if (!get_string(req, i, binding->name, "Bxdf name"))
        return;
    if ((req.args.size() - i) % 2 == 1)
        ++i;  // The handle.
    params(req, i, ParamUse::Shader, binding->params);
    binding->loc = req.loc;
    warn_references(req, binding->params);
    if (!one_of(binding->name, kBxdfs))
        m_rep.warn_once("bxdf:" + binding->name, req.arg_loc(0),
                        "Bxdf \"" + binding->name + "\" is not supported; using grey diffuse");
    m_state.surface = std::move(binding);
}

void Parser::rq_pattern(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_string(req, i, name, "pattern name"))
        return;
    ParamList pl;
    params(req, i + ((req.args.size() - i) % 2 == 1 ? 1 : 0), ParamUse::Shader, pl);
    m_rep.warn_once("pattern:" + name, req.arg_loc(0),
                    "Pattern \"" + name +
                        "\" is not evaluated; parameters connected to it use their defaults");
}

Material Parser::build_material(C3f cs, bool mesh_has_cs) const
{
    Material m;
    m.opacity = m_state.os;
    m.two_sided = m_state.sides == 2;
    const ShaderBinding* b = m_state.surface.get();
    C3f base = mesh_has_cs ? C3f(1, 1, 1) : cs;

    if (!b || !b->bxdf) {
        // Classic shaders: Cs/Os baked in.
        std::string name = b ? b->name : "defaultsurface";
        const ParamList empty;
        const ParamList& p = b ? b->params : empty;
        m.name = name;
        if (name == "null") {
            m.kind = MaterialKind::Null;
        } else if (name == "constant") {
            m.kind = MaterialKind::Constant;
            m.diffuse_color = base;
        } else if (name == "matte" || name == "defaultsurface") {
            bool def = name == "defaultsurface";
            m.kind = MaterialKind::Diffuse;
            m.ka = p.get_float("Ka", def ? 0.2f : 1.0f);
            m.diffuse_color = base * p.get_float("Kd", def ? 0.8f : 1.0f);
        } else if (name == "metal" || name == "shinymetal") {
            m.kind = MaterialKind::Metal;
            m.ka = p.get_float("Ka", 1.0f);
            m.diffuse_color = C3f(0, 0, 0);
            m.specular_color = base * p.get_float("Ks", 1.0f);
            m.roughness = classic_roughness(p.get_float("roughness", 0.1f));
        } else {
            // plastic, paintedplastic, and every unknown surface shader.
            m.kind = MaterialKind::Plastic;
            m.ka = p.get_float("Ka", 1.0f);
            m.diffuse_color = base * p.get_float("Kd", 0.5f);
            m.specular_color =
                p.get_color("specularcolor", C3f(1, 1, 1)) * p.get_float("Ks", 0.5f);
            m.roughness = classic_roughness(p.get_float("roughness", 0.1f));
        }
        return m;
    }

    // RIS Bxdfs: Cs is not part of the look.
    const ParamList& p = b->params;
    m.name = b->name;
    if (b->name == "PxrDiffuse") {
        m.kind = MaterialKind::Diffuse;
        m.diffuse_color = p.get_color("diffuseColor", C3f(0.18f, 0.18f, 0.18f));
    } else if (b->name == "PxrConductor") {
        m.kind = MaterialKind::Conductor;
        m.specular_color = p.get_color("tint", p.get_color("specularColor", C3f(1, 1, 1)));
        m.roughness = std::clamp(p.get_float("roughness", 0.2f), 0.0f, 1.0f);
        m.eta = p.get_color("refractionIndex", p.get_color("eta", C3f(4.3696842f, 2.916713f,
                                                                      1.654698f)));
        m.kappa = p.get_color("extinction",
                              p.get_color("kappa", C3f(5.20643f, 4.2313662f, 3.7549734f)));
        m.diffuse_color = C3f(0, 0, 0);
    } else if (b->name == "PxrDielectric") {
        m.kind = MaterialKind::Dielectric;
        C3f ior = p.get_color("refractionIndex",
                              p.get_color("ior", p.get_color("eta", C3f(1.5f, 1.5f, 1.5f))));
        m.ior = std::max(1.0001f, average(ior));
        m.roughness = std::clamp(p.get_float("roughness", 0.0f), 0.0f, 1.0f);
        m.reflection_color = p.get_color("reflectionColor", C3f(1, 1, 1));
        m.transmission_color = p.get_color("transmissionColor", C3f(1, 1, 1));
        m.diffuse_color = C3f(0, 0, 0);
    } else if (b->name == "PxrDisney") {
        m.kind = MaterialKind::Disney;
        m.diffuse_color = p.get_color("baseColor", C3f(0.2f, 0.5f, 0.8f));
        m.metallic = std::clamp(p.get_float("metallic", 0.0f), 0.0f, 1.0f);
        m.roughness = std::clamp(p.get_float("roughness", 0.25f), 0.0f, 1.0f);
        m.specular = std::max(0.0f, p.get_float("specular", 0.5f));
    } else if (b->name == "PxrSurface") {
        // Main lobes only: diffuse, primary specular, glass.
        m.diffuse_color = p.get_color("diffuseColor", C3f(0.18f, 0.18f, 0.18f)) *
                          p.get_float("diffuseGain", 1.0f);
        C3f spec = p.get_color("specularFaceColor", C3f(0, 0, 0));
        float refraction = p.get_float("refractionGain", 0.0f);
        if (refraction > 0.0f) {
            m.kind = MaterialKind::Dielectric;
            m.ior = std::max(1.0001f, p.get_float("glassIor", 1.5f));
            m.roughness = std::clamp(p.get_float("glassRoughness", 0.1f), 0.0f, 1.0f);
            m.transmission_color = C3f(refraction, refraction, refraction);
        } else if (spec.x > 0.0f || spec.y > 0.0f || spec.z > 0.0f) {
            m.kind = MaterialKind::Plastic;
            m.specular_color = spec;
            m.roughness = std::clamp(p.get_float("specularRoughness", 0.2f), 0.0f, 1.0f);
        } else {
            m.kind = MaterialKind::Diffuse;
        }
    } else if (b->name == "PxrConstant" || b->name == "PxrLightEmission") {
        m.kind = MaterialKind::Constant;
        m.diffuse_color = p.get_color("emitColor", p.get_color("lightColor", C3f(1, 1, 1)));
    } else {
        m.kind = MaterialKind::Diffuse;
        m.diffuse_color = C3f(0.18f, 0.18f, 0.18f);
    }
    return m;
}

int Parser::intern_material(const Material& m)
{
    std::string key = material_key(m);
    auto it = m_material_index.find(key);
    if (it != m_material_index.end())
        return it->second;
    std::vector<Material>& list = m_frame->world.materials;
    int index = static_cast<int>(list.size());
    list.push_back(m);
    m_material_index.emplace(std::move(key), index);
    return index;
}

// ---------------------------------------------------------------------------
// Lights

bool Parser::defer_light(Request& req)
{
    if (m_frame)
        return false;
    m_rep.warn_once("light-before-world", req.loc,
                    req.name + " before WorldBegin: placed in camera space");
    m_pending_lights.push_back({req, m_state.ctm, m_state});
    return true;
}

void Parser::rq_light(Request& req)
{
    std::size_t i = 0;
    std::string name;
    std::string handle;
    if (!get_string(req, i, name, "light shader name"))
        return;
    if ((req.args.size() - i) % 2 == 1 && !get_handle(req, i, handle))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    warn_references(req, pl);
    if (m_object) {
        m_rep.error(req.loc, "Light inside ObjectBegin/ObjectEnd is not allowed");
        return;
    }
    if (defer_light(req))
        return;

    Light light;
    light.shader = name;
    light.handle = handle;
    light.light_to_world = m_state.ctm;
    light.loc = req.loc;
    light.camera_visible = m_state.vis.camera;
    light.light_group = pl.get_string("lightGroup", "");
    float intensity = pl.get_float("intensity", 1.0f);
    float exposure = pl.get_float("exposure", 0.0f);
    light.color = pl.get_color("lightColor", C3f(1, 1, 1)) * (intensity * std::exp2(exposure));

    if (name == "PxrDomeLight" || name == "PxrEnvDayLight") {
        light.kind = LightKind::Dome;
        if (name == "PxrEnvDayLight")
            m_rep.warn_once("light:" + name, req.arg_loc(0),
                            "PxrEnvDayLight is approximated by a constant dome light");
        std::string map = pl.get_string("lightColorMap", "");
        if (!map.empty()) {
            std::string odd;
            std::string path = resolve_file(map, settings().texture_path, &odd);
            if (path.empty()) {
                const ParsedParam* p = pl.find("lightColorMap");
                m_rep.error(p ? p->param.loc : req.loc,
                            name + ": cannot find lightColorMap \"" + map + "\" (" +
                                (odd.empty() ? std::string() : odd + "; ") +
                                "searched the RIB's directory and the texture search path)");
            } else {
                light.map = path;
                add_asset(path);
            }
        }
    } else if (name == "PxrRectLight") {
        light.kind = LightKind::Rect;
    } else if (name == "PxrDiskLight") {
        light.kind = LightKind::Disk;
    } else if (name == "PxrSphereLight") {
        light.kind = LightKind::Sphere;
    } else if (name == "PxrDistantLight") {
        light.kind = LightKind::Distant;
        light.angle_extent_degrees = std::max(0.0f, pl.get_float("angleExtent", 0.53f));
    } else {
        m_rep.warn_once("light:" + name, req.arg_loc(0),
                        "Light \"" + name + "\" is not supported; skipped");
        return;
    }

    World& world = m_frame->world;
    int light_index = static_cast<int>(world.lights.size());
    if (light.kind == LightKind::Rect || light.kind == LightKind::Disk ||
        light.kind == LightKind::Sphere) {
        // The light's visible, emissive shape (docs/scene-format.md, "Light shapes").
        Shape shape;
        shape.loc = req.loc;
        shape.object_to_world = m_state.ctm;
        shape.identifier = m_state.identifier;
        bool mirrored = m_state.ctm.determinant() < 0.0f;
        if (light.kind == LightKind::Rect) {
            auto mesh = std::make_shared<TriangleMesh>();
            mesh->P = {V3f(-0.5f, -0.5f, 0), V3f(0.5f, -0.5f, 0), V3f(0.5f, 0.5f, 0),
                       V3f(-0.5f, 0.5f, 0)};
            mesh->st = {V2f(0, 0), V2f(1, 0), V2f(1, 1), V2f(0, 1)};
            // Wound so that cross(P1 - P0, P2 - P0) is -z: the emitting side.
            mesh->indices = {0, 2, 1, 0, 3, 2};
            shape.kind = ShapeKind::Mesh;
            shape.mesh = std::move(mesh);
            shape.reverse_orientation = mirrored;
        } else if (light.kind == LightKind::Disk) {
            shape.kind = ShapeKind::Disk;
            shape.quadric.radius = 0.5f;
            shape.quadric.height = 0.0f;
            // A disk's natural normal is +z (not flipped by mirroring); the light emits toward -z.
            shape.reverse_orientation = true;
        } else {
            shape.kind = ShapeKind::Sphere;
            shape.quadric.radius = 0.5f;
            shape.quadric.zmin = -0.5f;
            shape.quadric.zmax = 0.5f;
            shape.reverse_orientation = false;
        }
        Material black;
        black.kind = MaterialKind::Diffuse;
        black.name = name;
        black.diffuse_color = C3f(0, 0, 0);
        shape.material = intern_material(black);
        Emitter emitter;
        emitter.radiance = light.color;
        emitter.two_sided = false;
        emitter.light = light_index;
        shape.emitter = static_cast<int>(world.emitters.size());
        world.emitters.push_back(emitter);
        shape.visibility.camera = light.camera_visible;
        shape.visibility.indirect = true;
        shape.visibility.transmission = false;
        light.emitter = shape.emitter;
        light.shape = static_cast<int>(world.shapes.size());
        world.shapes.push_back(std::move(shape));
    }
    world.lights.push_back(std::move(light));
}

void Parser::rq_light_source(Request& req)
{
    std::size_t i = 0;
    std::string name;
    std::string handle;
    if (!get_string(req, i, name, "light shader name"))
        return;
    if ((req.args.size() - i) % 2 == 1 && !get_handle(req, i, handle))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    if (m_object) {
        m_rep.error(req.loc, "LightSource inside ObjectBegin/ObjectEnd is not allowed");
        return;
    }
    if (defer_light(req))
        return;

    Light light;
    light.shader = name;
    light.handle = handle;
    light.light_to_world = m_state.ctm;
    light.loc = req.loc;
    light.camera_visible = m_state.vis.camera;
    light.light_group = pl.get_string("lightGroup", "");
    light.color = pl.get_color("lightcolor", C3f(1, 1, 1)) * pl.get_float("intensity", 1.0f);
    light.from = pl.get_point("from", V3f(0, 0, 0));
    light.to = pl.get_point("to", V3f(0, 0, 1));

    std::string kind = name;
    if (kind != "pointlight" && kind != "distantlight" && kind != "spotlight" &&
        kind != "ambientlight") {
        // Unknown shaders map to the closest standard light by their parameters.
        if (pl.has("coneangle"))
            kind = "spotlight";
        else if (pl.has("to"))
            kind = "distantlight";
        else if (pl.has("from") || pl.has("intensity") || pl.has("lightcolor"))
            kind = "pointlight";
        else
            kind.clear();
        if (kind.empty()) {
            m_rep.warn_once("lightsource:" + name, req.arg_loc(0),
                            "LightSource \"" + name + "\" is not a built-in light; ignored");
            return;
        }
        m_rep.warn_once("lightsource:" + name, req.arg_loc(0),
                        "LightSource \"" + name + "\" is not a built-in light; treated as " + kind);
    }
    constexpr float kDegrees = 180.0f / static_cast<float>(M_PI);
    if (kind == "pointlight") {
        light.kind = LightKind::Point;
    } else if (kind == "distantlight") {
        light.kind = LightKind::Distant;
        if ((light.to - light.from).length() == 0.0f) {
            m_rep.error(req.loc, "LightSource \"" + name + "\": from and to are the same point");
            return;
        }
    } else if (kind == "spotlight") {
        light.kind = LightKind::Spot;
        // RenderMan gives the cone in radians; scene.h wants degrees.
        light.cone_angle_degrees = pl.get_float("coneangle", 30.0f / kDegrees) * kDegrees;
        light.cone_delta_angle_degrees =
            pl.get_float("conedeltaangle", 5.0f / kDegrees) * kDegrees;
        light.beam_distribution = pl.get_float("beamdistribution", 2.0f);
    } else {
        light.kind = LightKind::Ambient;
    }

    int index = static_cast<int>(m_classic_lights.size());
    m_classic_lights.push_back({std::move(light), false});
    if (!handle.empty())
        m_light_handles[handle] = index;
    if (m_state.lights_on.size() < m_classic_lights.size())
        m_state.lights_on.resize(m_classic_lights.size(), 0);
    m_state.lights_on[index] = 1;
}

void Parser::rq_area_light_source(Request& req)
{
    std::size_t i = 0;
    std::string name;
    std::string handle;
    if (!get_string(req, i, name, "light shader name"))
        return;
    if ((req.args.size() - i) % 2 == 1 && !get_handle(req, i, handle))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    m_state.area.on = true;
    m_state.area.radiance =
        pl.get_color("lightcolor", C3f(1, 1, 1)) * pl.get_float("intensity", 1.0f);
    m_state.area.handle = handle;
    if (!handle.empty())
        m_light_handles[handle] = -1;
}

void Parser::rq_illuminate(Request& req)
{
    std::size_t i = 0;
    std::string handle;
    std::vector<int> on;
    if (!get_handle(req, i, handle) || !get_ints(req, i, 1, on) || !no_more(req, i))
        return;
    auto it = m_light_handles.find(handle);
    if (it == m_light_handles.end()) {
        m_rep.error(req.arg_loc(0), "Illuminate: unknown light handle \"" + handle + "\"");
        return;
    }
    if (it->second < 0) {
        if (m_state.area.handle == handle)
            m_state.area.on = on[0] != 0;
        return;
    }
    std::size_t index = static_cast<std::size_t>(it->second);
    if (m_state.lights_on.size() <= index)
        m_state.lights_on.resize(index + 1, 0);
    m_state.lights_on[index] = on[0] != 0;
}

void Parser::finish_lights()
{
    // A classic light lights the whole scene if it was on when any geometry was
    // declared, or is still on at WorldEnd (docs/scene-format.md).
    for (std::size_t k = 0; k < m_classic_lights.size(); ++k) {
        bool on_now = k < m_state.lights_on.size() && m_state.lights_on[k];
        if (m_classic_lights[k].used || on_now)
            m_frame->world.lights.push_back(m_classic_lights[k].light);
    }
    m_classic_lights.clear();
}

}  // namespace ck::scene::detail
