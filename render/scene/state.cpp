// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Graphics state: frame/world/attribute/transform blocks, objects, conditionals,
// transforms and attributes.
#include "scene/parser_impl.h"
#include "scene/lpe.h"

#include <algorithm>
#include <cmath>

namespace ck::scene::detail {

// ---------------------------------------------------------------------------
// Blocks

void Parser::push_block(BlockKind kind, const SourceLoc& loc)
{
    m_blocks.push_back({kind, loc, m_state});
}

bool Parser::pop_block(BlockKind kind, const Request& req)
{
    if (m_blocks.empty()) {
        m_rep.error(req.loc, req.name + " without " + block_name(kind) + " (no open block)");
        return false;
    }
    const Block& top = m_blocks.back();
    bool any_open = false;
    for (const Block& b : m_blocks)
        any_open = any_open || b.kind == kind;
    if (!any_open) {
        m_rep.error(req.loc, req.name + " without " + block_name(kind) + " (no open block)");
        return false;
    }
    if (top.kind != kind) {
        m_rep.error(req.loc, req.name + " does not match the open " + block_name(top.kind) +
                                 " at " + top.loc.str());
        return false;
    }
    return true;
}

void Parser::rq_frame_begin(Request& req)
{
    if (m_in_frame || m_frame) {
        m_rep.error(req.loc, "FrameBegin inside an open " +
                                 std::string(m_frame ? "WorldBegin" : "FrameBegin") + " block");
        return;
    }
    std::size_t i = 0;
    std::vector<int> n;
    m_frame_number = static_cast<int>(m_result.scene.frames.size());
    if (!req.args.empty() && get_ints(req, i, 1, n))
        m_frame_number = n[0];
    m_in_frame = true;
    m_frame_loc = req.loc;
    m_frame_settings = m_global;
    push_block(BlockKind::Frame, req.loc);
}

void Parser::rq_frame_end(Request& req)
{
    if (m_frame) {
        m_rep.error(req.loc, "FrameEnd inside WorldBegin/WorldEnd (missing WorldEnd)");
        end_world(req.loc);
    }
    if (!pop_block(BlockKind::Frame, req))
        return;
    m_state = m_blocks.back().saved;
    m_blocks.pop_back();
    m_in_frame = false;
    m_pending_lights.clear();
}

void Parser::rq_world_begin(Request& req)
{
    if (m_frame) {
        m_rep.error(req.loc, "WorldBegin inside an open WorldBegin at " + m_frame->loc.str());
        return;
    }
    m_saw_world = true;
    FrameSettings& s = settings();
    auto frame = std::make_unique<Frame>();
    frame->number = m_in_frame ? m_frame_number : static_cast<int>(m_result.scene.frames.size());
    frame->loc = m_in_frame ? m_frame_loc : req.loc;
    frame->camera = s.camera;
    frame->camera.world_to_camera = m_state.ctm;
    frame->image = s.image;
    frame->sampling = s.sampling;
    frame->max_depth = s.max_depth;
    frame->displays = s.displays;
    // Quantize "rgba" sets the depth of every TIFF display without its own.
    if (s.quantize_bits >= 0)
        for (Display& d : frame->displays) {
            if (d.bits_given)
                continue;
            if (d.format == ImageFormat::TIFF)
                d.bits = s.quantize_bits;
            else if (s.quantize_bits > 0)
                m_rep.warn_once("quantize-exr:" + d.name, s.quantize_loc,
                                s.quantize_text + " is ignored for Display \"" + d.name +
                                    "\": OpenEXR displays are written as 32-bit float");
        }
    frame->options = s.options;
    frame->assets = s.assets;
    if (frame->displays.empty() && s.display_requested) {
        // Every Display was rejected (already reported) or was a screen display.
        if (!s.display_rejected)
            m_rep.error(req.loc, "no file Display for this frame: ckrender writes no screen "
                                 "display (" + s.screen_display +
                                 " was skipped), so nothing would be written; add a file "
                                 "display, e.g. Display \"+frame.exr\" \"openexr\" \"rgba\"");
    } else if (frame->displays.empty()) {
        m_rep.warning(req.loc, "no Display given; writing \"ckrender.exr\" (openexr, rgba)");
        Display d;
        d.name = "ckrender.exr";
        d.type = "openexr";
        d.format = ImageFormat::OpenEXR;
        d.mode = "rgba";
        d.loc = req.loc;
        d.channels = rgba_channels(req.loc);
        frame->displays.push_back(d);
    }
    m_frame = std::move(frame);
    m_material_index.clear();
    m_world_protos.clear();
    m_classic_lights.clear();
    m_light_handles.clear();

    push_block(BlockKind::World, req.loc);
    m_state.ctm = M44f();
    m_state.lights_on.clear();

    // Lights given before WorldBegin live in camera space.
    std::vector<PendingLight> pending = std::move(m_pending_lights);
    m_pending_lights.clear();
    M44f camera_to_world = m_frame->camera.world_to_camera.inverse();
    for (PendingLight& p : pending) {
        GState saved = m_state;
        m_state.ctm = p.ctm * camera_to_world;
        m_state.vis = p.state.vis;
        execute(p.req);
        std::vector<char> on = m_state.lights_on;
        m_state = saved;
        m_state.lights_on = on;
    }
}

void Parser::end_world(const SourceLoc& loc)
{
    if (!m_frame)
        return;
    // Classic lights are decided with the light switches as they are at WorldEnd.
    finish_lights();
    // Close whatever is still open inside the world.
    while (!m_blocks.empty() && m_blocks.back().kind != BlockKind::World) {
        if (m_blocks.back().kind == BlockKind::Object)
            m_object = nullptr;
        m_blocks.pop_back();
    }
    if (!m_blocks.empty()) {
        m_state = m_blocks.back().saved;
        m_blocks.pop_back();
    }
    m_motion = false;
    // A light group an expression names must be some light's: otherwise the
    // channel would be black without a word.
    {
        const std::vector<std::string> groups = light_groups(m_frame->world);
        int expressions = 0;
        for (const ChannelDecl& c : film_channels(*m_frame)) {
            if (c.source != ChannelSource::Lpe)
                continue;
            if (++expressions == kMaxLpeChannels + 1)
                m_rep.error(c.loc, "DisplayChannel \"" + c.name + "\": more than " +
                                       std::to_string(kMaxLpeChannels) +
                                       " light path expression channels in one frame");
            LpeExpression expr;
            if (!parse_lpe(c.lpe, expr, nullptr))
                continue;
            for (const std::string& g : lpe_group_names(expr))
                if (std::find(groups.begin(), groups.end(), g) == groups.end())
                    m_rep.warn_once("lpe-group:" + c.name + ":" + g, c.loc,
                                    "DisplayChannel \"" + c.name + "\": light group '" + g +
                                        "' is not the \"lightGroup\" of any light in this "
                                        "frame; its part of the channel is black");
        }
    }
    m_result.scene.frames.push_back(std::move(*m_frame));
    m_frame.reset();
}

void Parser::rq_world_end(Request& req)
{
    if (!m_frame) {
        m_rep.error(req.loc, "WorldEnd without WorldBegin (no open block)");
        return;
    }
    if (!m_blocks.empty() && m_blocks.back().kind != BlockKind::World) {
        const Block& top = m_blocks.back();
        m_rep.error(req.loc, "WorldEnd: " + std::string(block_name(top.kind)) + " at " +
                                 top.loc.str() + " is still open");
    }
    end_world(req.loc);
}

void Parser::rq_attribute_begin(Request& req) { push_block(BlockKind::Attribute, req.loc); }

void Parser::rq_attribute_end(Request& req)
{
    if (!pop_block(BlockKind::Attribute, req))
        return;
    m_state = m_blocks.back().saved;
    m_blocks.pop_back();
}

void Parser::rq_transform_begin(Request& req) { push_block(BlockKind::Transform, req.loc); }

void Parser::rq_transform_end(Request& req)
{
    if (!pop_block(BlockKind::Transform, req))
        return;
    // Only the transform (and with it the orientation's reference frame) is restored.
    m_state.ctm = m_blocks.back().saved.ctm;
    m_blocks.pop_back();
}

void Parser::rq_solid_begin(Request& req)
{
    ignore(req, "CSG is not supported; rendering the union of the solids");
    push_block(BlockKind::Solid, req.loc);
}

void Parser::rq_solid_end(Request& req)
{
    if (!pop_block(BlockKind::Solid, req))
        return;
    m_blocks.pop_back();
}

void Parser::rq_motion_begin(Request& req)
{
    if (m_motion) {
        m_rep.error(req.loc, "MotionBegin inside MotionBegin");
        return;
    }
    ignore(req, "motion blur is not supported; using the first time sample");
    m_motion = true;
    m_motion_count = 0;
    push_block(BlockKind::Motion, req.loc);
}

void Parser::rq_motion_end(Request& req)
{
    if (!pop_block(BlockKind::Motion, req))
        return;
    m_blocks.pop_back();
    m_motion = false;
}

void Parser::rq_object_begin(Request& req)
{
    if (m_object) {
        m_rep.error(req.loc, "ObjectBegin inside the ObjectBegin at " + m_object->loc.str());
        return;
    }
    std::size_t i = 0;
    std::string handle;
    if (!get_handle(req, i, handle))
        return;
    push_block(BlockKind::Object, req.loc);
    ObjectDef& def = m_objects[handle];
    def = ObjectDef{handle, req.loc, {}};
    m_world_protos.erase(handle);
    m_object = &def;
    m_object_inverse = m_state.ctm.inverse();
}

void Parser::rq_object_end(Request& req)
{
    if (!pop_block(BlockKind::Object, req))
        return;
    m_state = m_blocks.back().saved;
    m_blocks.pop_back();
    m_object = nullptr;
}

void Parser::rq_object_instance(Request& req)
{
    std::size_t i = 0;
    std::string handle;
    if (!get_handle(req, i, handle))
        return;
    auto it = m_objects.find(handle);
    if (it == m_objects.end()) {
        m_rep.error(req.arg_loc(0), "ObjectInstance: unknown object handle \"" + handle + "\"");
        return;
    }
    if (m_object) {
        ignore(req, "nested instancing inside ObjectBegin is not supported; skipped");
        return;
    }
    if (!m_frame) {
        m_rep.warn_once("outside-world:ObjectInstance", req.loc,
                        "ObjectInstance outside WorldBegin/WorldEnd ignored");
        return;
    }
    World& world = m_frame->world;
    auto pit = m_world_protos.find(handle);
    int index;
    if (pit != m_world_protos.end()) {
        index = pit->second;
    } else {
        // First use in this world: copy the prototype in, interning its materials.
        Prototype proto;
        proto.handle = handle;
        proto.loc = it->second.loc;
        for (const ProtoShape& ps : it->second.shapes) {
            Shape s = ps.shape;
            s.material = intern_material(ps.material);
            if (ps.has_emitter) {
                s.emitter = static_cast<int>(world.emitters.size());
                world.emitters.push_back(ps.emitter);
            }
            proto.shapes.push_back(std::move(s));
        }
        index = static_cast<int>(world.prototypes.size());
        world.prototypes.push_back(std::move(proto));
        m_world_protos[handle] = index;
    }
    Instance inst;
    inst.prototype = index;
    inst.object_to_world = m_state.ctm;
    inst.loc = req.loc;
    world.instances.push_back(inst);
    for (std::size_t k = 0; k < m_state.lights_on.size(); ++k)
        if (m_state.lights_on[k])
            m_classic_lights[k].used = true;
}

// ---------------------------------------------------------------------------
// Conditionals and edits

void Parser::rq_if_begin(Request& req)
{
    bool parent_skipping = !m_ifs.empty() && !m_ifs.back().taking;
    if (!parent_skipping)
        ignore(req, "conditions are not evaluated; taking the Else branch");
    m_ifs.push_back({false, false, parent_skipping, req.loc});
}

void Parser::rq_else_if(Request& req)
{
    if (m_ifs.empty()) {
        m_rep.error(req.loc, "ElseIf without IfBegin");
        return;
    }
    m_ifs.back().taking = false;
}

void Parser::rq_else(Request& req)
{
    if (m_ifs.empty()) {
        m_rep.error(req.loc, "Else without IfBegin");
        return;
    }
    IfState& s = m_ifs.back();
    s.taking = !s.parent_skipping && !s.taken;
    s.taken = true;
}

void Parser::rq_if_end(Request& req)
{
    if (m_ifs.empty()) {
        m_rep.error(req.loc, "IfEnd without IfBegin");
        return;
    }
    m_ifs.pop_back();
}

void Parser::rq_edit_begin(Request& req)
{
    if (m_edit_depth == 0)
        ignore(req, "edits are not supported; the body is skipped");
    ++m_edit_depth;
}

void Parser::rq_edit_end(Request& req)
{
    if (m_edit_depth == 0) {
        m_rep.error(req.loc, req.name + " without EditBegin");
        return;
    }
    --m_edit_depth;
}

// ---------------------------------------------------------------------------
// Transforms

namespace {

M44f rotation(float degrees, V3f axis)
{
    // Rodrigues' formula, written for row vectors (p' = p * M) as RIB uses.
    float len = axis.length();
    M44f m;
    if (len <= 0.0f)
        return m;
    axis /= len;
    double a = static_cast<double>(degrees) * M_PI / 180.0;
    float c = static_cast<float>(std::cos(a));
    float s = static_cast<float>(std::sin(a));
    float t = 1.0f - c;
    float x = axis.x, y = axis.y, z = axis.z;
    // Column-vector rotation R; the row-vector matrix is its transpose.
    float r[3][3] = {{t * x * x + c, t * x * y - s * z, t * x * z + s * y},
                     {t * x * y + s * z, t * y * y + c, t * y * z - s * x},
                     {t * x * z - s * y, t * y * z + s * x, t * z * z + c}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            m[i][j] = r[j][i];
    return m;
}

}  // namespace

bool Parser::csys_left_handed() const
{
    // The current coordinate system relative to (left-handed) camera space.
    float det = m_state.ctm.determinant();
    if (m_frame)
        det *= m_frame->camera.world_to_camera.determinant();
    return det >= 0.0f;
}

void Parser::rq_identity(Request& req)
{
    if (no_more(req, 0))
        m_state.ctm = M44f();
}

void Parser::rq_transform(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 16, v) || !no_more(req, i))
        return;
    m_state.ctm = M44f(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                       v[12], v[13], v[14], v[15]);
}

void Parser::rq_concat_transform(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 16, v) || !no_more(req, i))
        return;
    concat(M44f(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                v[13], v[14], v[15]));
}

void Parser::rq_translate(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 3, v) || !no_more(req, i))
        return;
    M44f m;
    m.setTranslation(V3f(v[0], v[1], v[2]));
    concat(m);
}

void Parser::rq_rotate(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 4, v) || !no_more(req, i))
        return;
    concat(rotation(v[0], V3f(v[1], v[2], v[3])));
}

void Parser::rq_scale(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 3, v) || !no_more(req, i))
        return;
    M44f m;
    m.setScale(V3f(v[0], v[1], v[2]));
    concat(m);
}

void Parser::rq_skew(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 7, v) || !no_more(req, i))
        return;
    ignore(req, "Skew is not supported; ignored");
}

void Parser::rq_coordinate_system(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_string(req, i, name, "space name"))
        return;
    M44f to_camera = m_state.ctm;
    if (m_frame)
        to_camera = m_state.ctm * m_frame->camera.world_to_camera;
    m_spaces[name] = to_camera;
}

void Parser::rq_coord_sys_transform(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_string(req, i, name, "space name"))
        return;
    M44f world_to_camera = m_frame ? m_frame->camera.world_to_camera : M44f();
    M44f camera_to_current = m_frame ? world_to_camera.inverse() : M44f();
    if (name == "camera") {
        m_state.ctm = camera_to_current;
    } else if (name == "world") {
        m_state.ctm = m_frame ? M44f() : m_state.ctm;
    } else if (name == "object" || name == "shader") {
        // Already there.
    } else if (auto it = m_spaces.find(name); it != m_spaces.end()) {
        m_state.ctm = it->second * camera_to_current;
    } else {
        m_rep.error(req.arg_loc(0), "CoordSysTransform: unknown coordinate system \"" + name +
                                        "\"");
    }
}

void Parser::rq_orientation(Request& req)
{
    std::size_t i = 0;
    std::string o;
    if (!get_string(req, i, o, "orientation"))
        return;
    if (o == "outside")
        m_state.inside = false;
    else if (o == "inside")
        m_state.inside = true;
    else if (o == "lh")
        m_state.inside = !csys_left_handed();
    else if (o == "rh")
        m_state.inside = csys_left_handed();
    else
        m_rep.error(req.arg_loc(0), "Orientation: expected \"outside\", \"inside\", \"lh\" or "
                                    "\"rh\", found \"" + o + "\"");
}

void Parser::rq_reverse_orientation(Request& req)
{
    if (no_more(req, 0))
        m_state.inside = !m_state.inside;
}

void Parser::rq_sides(Request& req)
{
    std::size_t i = 0;
    std::vector<int> n;
    if (!get_ints(req, i, 1, n) || !no_more(req, i))
        return;
    if (n[0] != 1 && n[0] != 2) {
        m_rep.error(req.arg_loc(0), "Sides: expected 1 or 2, found " + std::to_string(n[0]));
        return;
    }
    m_state.sides = n[0];
}

// ---------------------------------------------------------------------------
// Attributes

void Parser::rq_attribute(Request& req)
{
    std::size_t i = 0;
    std::string name;
    if (!get_string(req, i, name, "attribute name"))
        return;
    ParamList pl;
    params(req, i, ParamUse::Shader, pl);
    if (name == "identifier") {
        m_state.identifier = pl.get_string("name", m_state.identifier);
    } else if (name == "visibility") {
        m_state.vis.camera = pl.get_int("camera", m_state.vis.camera) != 0;
        m_state.vis.transmission = pl.get_int("transmission", m_state.vis.transmission) != 0;
        // Older RenderMan spells indirect visibility "diffuse"/"specular"/"trace".
        int indirect = pl.get_int("indirect", -1);
        if (indirect < 0 && (pl.has("diffuse") || pl.has("specular") || pl.has("trace")))
            indirect = pl.get_int("diffuse", 0) | pl.get_int("specular", 0) |
                       pl.get_int("trace", 0);
        if (indirect >= 0)
            m_state.vis.indirect = indirect != 0;
    }
    // Per-object trace settings change the picture and are not honoured: the
    // path depth is one number per frame. Every other attribute (displacementbound,
    // dice, shade, user, ...) has no effect on a ray tracer without displacement
    // or shaders, and is accepted and ignored.
    if (name == "trace")
        for (const ParsedParam& p : pl.items)
            m_rep.warn_once("attribute:trace:" + p.param.name, p.param.loc,
                            "Attribute \"trace\" \"" + p.param.name +
                                "\" is not supported; ignored (the path depth comes from "
                                "maxPathLength or Option \"trace\" \"maxdepth\")");
}

void Parser::rq_color(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 3, v) || !no_more(req, i))
        return;
    m_state.cs = C3f(v[0], v[1], v[2]);
}

void Parser::rq_opacity(Request& req)
{
    std::size_t i = 0;
    std::vector<float> v;
    if (!get_numbers(req, i, 3, v) || !no_more(req, i))
        return;
    m_state.os = C3f(v[0], v[1], v[2]);
    // The renderer only tells 0 (invisible) from anything else (opaque).
    const bool partial = (v[0] > 0.0f && v[0] < 1.0f) || (v[1] > 0.0f && v[1] < 1.0f) ||
                         (v[2] > 0.0f && v[2] < 1.0f);
    if (partial)
        m_rep.warn_once("partial-opacity", req.loc,
                        "Opacity: partial opacity is not supported yet; surfaces are opaque "
                        "unless their opacity is 0");
}

}  // namespace ck::scene::detail
