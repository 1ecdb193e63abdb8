// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The RIB parser's internal state: request dispatch, graphics-state stack and
// frame building. The request handlers are split over parser.cpp (stream,
// archives, argument helpers), state.cpp (blocks, objects, transforms,
// attributes), options.cpp (camera, image, display,
// options), shading.cpp (materials and lights), geometry.cpp (quadrics and
// polygons) and patches.cpp (patches and NURBS).
#pragma once

#include "scene/params.h"
#include "scene/parser.h"
#include "scene/scene.h"
#include "scene/tokenizer.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ck::scene::detail {

/// Most values one request may carry (bounds memory on hostile input).
constexpr std::size_t kMaxValuesPerRequest = std::size_t(1) << 24;
/// Most requests replayed from archives per parse (bounds ReadArchive fan-out bombs).
constexpr std::size_t kMaxRequests = std::size_t(1) << 26;
/// Most archive reads (files and inline archives) per parse: ReadArchive fan-out
/// can otherwise grow exponentially with the include depth.
constexpr std::size_t kMaxArchiveReads = 10000;

/// The surface binding: a classic Surface or a RIS Bxdf, whichever came last.
struct ShaderBinding {
    bool bxdf = false;
    std::string name;
    ParamList params;
    SourceLoc loc;
};

struct AreaLightState {
    bool on = false;
    C3f radiance{1, 1, 1};
    std::string handle;
};

/// The graphics state saved by AttributeBegin.
struct GState {
    M44f ctm;
    C3f cs{1, 1, 1};
    C3f os{1, 1, 1};
    std::shared_ptr<const ShaderBinding> surface;
    AreaLightState area;
    bool inside = false;  ///< Orientation is the reverse of the current coordinate system's.
    int sides = 2;
    Visibility vis;
    std::string identifier;
    std::vector<char> lights_on;  ///< Classic light index -> switched on.
};

enum class BlockKind { Frame, World, Attribute, Transform, Object, Motion, Solid };

struct Block {
    BlockKind kind;
    SourceLoc loc;
    GState saved;
};

/// Per-frame settings given before WorldBegin.
struct FrameSettings {
    Camera camera;
    Image image;
    Sampling sampling;
    int max_depth = 5;
    std::vector<Display> displays;
    std::vector<ChannelDecl> channels;  ///< DisplayChannel declarations, in order.
    bool display_requested = false;  ///< Some Display request was given (even a rejected one).
    bool display_rejected = false;   ///< Some Display request was an error.
    std::string screen_display;      ///< The last screen display skipped, for messages.
    /// Quantize "rgba": 0 (float), 8 or 16 bits, for TIFF displays without
    /// their own "quantize"; -1 when no Quantize was given.
    int quantize_bits = -1;
    SourceLoc quantize_loc;
    std::string quantize_text;  ///< The request as written, for the OpenEXR note.
    OptionMap options;
    std::vector<std::string> archive_path;  ///< Option "searchpath" "archive", expanded.
    std::vector<std::string> texture_path;  ///< Option "searchpath" "texture", expanded.
    std::vector<std::string> assets;
};

struct ClassicLight {
    Light light;
    bool used = false;  ///< Was on when some geometry was declared.
};

/// A shape inside ObjectBegin/End, kept with its material value so it can be
/// instanced in any later world.
struct ProtoShape {
    Shape shape;
    Material material;
    bool has_emitter = false;
    Emitter emitter;
};

struct ObjectDef {
    std::string handle;
    SourceLoc loc;
    std::vector<ProtoShape> shapes;
};

/// A light request seen before WorldBegin, replayed at WorldBegin.
struct PendingLight {
    Request req;
    M44f ctm;  ///< Light to camera space.
    GState state;
};

struct BasisState {
    float u[4][4];
    float v[4][4];
    int ustep = 3;
    int vstep = 3;
};

class Parser {
public:
    Parser(const ParseOptions& options, ParseResult& result);

    /// Parses a whole top-level input whose bytes are already read.
    void parse_top(std::string data, const std::string& name);

private:
    using Handler = void (Parser::*)(Request&);
    static const std::unordered_map<std::string, Handler>& handlers();

    // Stream and archives (parser.cpp).
    void run(Tokenizer& tk);
    bool read_args(Tokenizer& tk, Request& req, Token& tok);
    void skip_args(Tokenizer& tk, Token& tok);
    void execute(Request& req);
    void finish();
    void include_file(const std::string& path, const Request& req);
    /// The first regular file `name` names in the search directories, or ""
    /// (then `*odd`, when given and still empty, gets the first candidate that
    /// exists but is not a regular file, as "DIR/NAME is a FIFO").
    std::string resolve_file(const std::string& name, const std::vector<std::string>& extra,
                             std::string* odd = nullptr) const;
    std::string current_dir() const;

    // Argument helpers (parser.cpp).
    bool get_numbers(const Request& req, std::size_t& i, std::size_t n, std::vector<float>& out);
    bool get_ints(const Request& req, std::size_t& i, std::size_t n, std::vector<int>& out);
    bool get_int_array(const Request& req, std::size_t& i, std::vector<int>& out,
                       const char* what);
    bool get_float_array(const Request& req, std::size_t& i, std::vector<float>& out,
                         const char* what);
    bool get_string(const Request& req, std::size_t& i, std::string& out, const char* what);
    bool get_handle(const Request& req, std::size_t& i, std::string& out);
    bool no_more(const Request& req, std::size_t i);
    bool params(const Request& req, std::size_t i, ParamUse use, ParamList& out);
    void ignore(const Request& req, const std::string& why);

    // Blocks and state (state.cpp).
    bool in_world() const { return m_frame != nullptr; }
    FrameSettings& settings() { return m_in_frame ? m_frame_settings : m_global; }
    void push_block(BlockKind kind, const SourceLoc& loc);
    bool pop_block(BlockKind kind, const Request& req);
    void concat(const M44f& m) { m_state.ctm = m * m_state.ctm; }
    bool csys_left_handed() const;
    void add_asset(const std::string& path);
    void end_world(const SourceLoc& loc);

    void rq_version(Request& req);
    void rq_declare(Request& req);
    void rq_read_archive(Request& req);
    void rq_archive_begin(Request& req);
    void rq_archive_end(Request& req);
    void rq_frame_begin(Request& req);
    void rq_frame_end(Request& req);
    void rq_world_begin(Request& req);
    void rq_world_end(Request& req);
    void rq_attribute_begin(Request& req);
    void rq_attribute_end(Request& req);
    void rq_transform_begin(Request& req);
    void rq_transform_end(Request& req);
    void rq_object_begin(Request& req);
    void rq_object_end(Request& req);
    void rq_object_instance(Request& req);
    void rq_motion_begin(Request& req);
    void rq_motion_end(Request& req);
    void rq_solid_begin(Request& req);
    void rq_solid_end(Request& req);
    void rq_identity(Request& req);
    void rq_transform(Request& req);
    void rq_concat_transform(Request& req);
    void rq_translate(Request& req);
    void rq_rotate(Request& req);
    void rq_scale(Request& req);
    void rq_skew(Request& req);
    void rq_coordinate_system(Request& req);
    void rq_coord_sys_transform(Request& req);
    void rq_orientation(Request& req);
    void rq_reverse_orientation(Request& req);
    void rq_sides(Request& req);
    void rq_attribute(Request& req);
    void rq_color(Request& req);
    void rq_opacity(Request& req);
    void rq_procedural(Request& req);
    void rq_if_begin(Request& req);
    void rq_else_if(Request& req);
    void rq_else(Request& req);
    void rq_if_end(Request& req);
    void rq_edit_begin(Request& req);
    void rq_edit_end(Request& req);
    void rq_ignore_silently(Request& req);
    void rq_ignore_warn(Request& req);

    // Options (options.cpp).
    void rq_format(Request& req);
    void rq_frame_aspect(Request& req);
    void rq_projection(Request& req);
    void rq_screen_window(Request& req);
    void rq_crop_window(Request& req);
    void rq_clipping(Request& req);
    void rq_exposure(Request& req);
    void rq_pixel_samples(Request& req);
    void rq_pixel_variance(Request& req);
    void rq_pixel_filter(Request& req);
    void rq_quantize(Request& req);
    /// 0 (float), 8 or 16 for quantize values one, min, max; -1 when unsupported.
    static int quantize_bits(float one, float lo, float hi);
    void warn_pixel_variance(const SourceLoc& loc, float variance, const std::string& what);
    void rq_display(Request& req);
    void rq_display_channel(Request& req);
    /// Resolves the channels d.mode names (DisplayChannel declarations, then
    /// built-ins); false after reporting an error at `loc`.
    bool resolve_display_channels(Display& d, const SourceLoc& loc);
    /// Parses a light path expression written at `loc` (the opening quote of
    /// the source string when `quoted`); false after reporting its error.
    bool check_lpe(const std::string& expr, const SourceLoc& loc, bool quoted);
    void rq_hider(Request& req);
    void rq_option(Request& req);
    void rq_integrator(Request& req);
    void rq_shutter(Request& req);
    void rq_depth_of_field(Request& req);
    bool camera_option_ok(const Request& req);
    std::vector<std::string> expand_searchpath(const std::string& value,
                                               const std::vector<std::string>& previous) const;

    // Shading and lights (shading.cpp).
    void rq_surface(Request& req);
    void rq_bxdf(Request& req);
    void rq_pattern(Request& req);
    void rq_light(Request& req);
    void rq_light_source(Request& req);
    void rq_area_light_source(Request& req);
    void rq_illuminate(Request& req);
    Material build_material(C3f cs, bool mesh_has_cs) const;
    int intern_material(const Material& m);
    void warn_references(const Request& req, const ParamList& list);
    void finish_lights();
    bool defer_light(Request& req);

    // Geometry (geometry.cpp, patches.cpp).
    void add_shape(Shape shape, const Request& req, const Material* fixed = nullptr,
                   const Emitter* fixed_emitter = nullptr);
    void add_mesh(TriangleMesh&& mesh, const Request& req, C3f constant_cs, bool has_cs);
    void rq_sphere(Request& req);
    void rq_disk(Request& req);
    void rq_cylinder(Request& req);
    void rq_cone(Request& req);
    void rq_paraboloid(Request& req);
    void rq_hyperboloid(Request& req);
    void rq_torus(Request& req);
    void rq_polygon(Request& req);
    void rq_general_polygon(Request& req);
    void rq_points_polygons(Request& req);
    void rq_points_general_polygons(Request& req);
    void rq_basis(Request& req);
    void rq_patch(Request& req);
    void rq_patch_mesh(Request& req);
    void rq_nu_patch(Request& req);
    void build_polygons(const Request& req, const std::vector<int>& nloops,
                        const std::vector<int>& nverts, const std::vector<int>& verts,
                        const ParamList& pl, bool general);

    const ParseOptions& m_options;
    ParseResult& m_result;
    Reporter m_rep;
    DeclTable m_decls;

    // Input stack.
    std::vector<std::string> m_files;       ///< Files being read, innermost last.
    std::vector<SourceLoc> m_include_chain;  ///< ReadArchive call sites, innermost last.
    std::size_t m_request_count = 0;
    std::size_t m_archive_reads = 0;

    // Frame and world.
    FrameSettings m_global;
    FrameSettings m_frame_settings;
    bool m_in_frame = false;
    int m_frame_number = 0;
    SourceLoc m_frame_loc;
    bool m_saw_world = false;
    std::unique_ptr<Frame> m_frame;  ///< The frame being built between WorldBegin and WorldEnd.
    std::map<std::string, int> m_material_index;
    std::map<std::string, int> m_world_protos;
    std::vector<ClassicLight> m_classic_lights;
    std::map<std::string, int> m_light_handles;  ///< -1 for area lights.
    std::vector<PendingLight> m_pending_lights;
    std::map<std::string, M44f> m_spaces;  ///< Named coordinate systems, object to camera.

    // Graphics state.
    GState m_state;
    std::vector<Block> m_blocks;

    // Objects, motion, archives, conditionals.
    std::map<std::string, ObjectDef> m_objects;
    ObjectDef* m_object = nullptr;  ///< Open ObjectBegin, or null.
    M44f m_object_inverse;          ///< Inverse of the CTM at ObjectBegin.
    bool m_motion = false;
    int m_motion_count = 0;
    int m_capture_depth = 0;
    std::string m_capture_name;
    SourceLoc m_capture_loc;
    std::vector<Request> m_capture;
    std::map<std::string, std::vector<Request>> m_inline_archives;
    struct IfState {
        bool taking = false;
        bool taken = false;
        bool parent_skipping = false;
        SourceLoc loc;
    };
    std::vector<IfState> m_ifs;
    int m_edit_depth = 0;
    BasisState m_basis;
};

/// The request that opens a block of this kind, for messages.
inline const char* block_name(BlockKind kind)
{
    switch (kind) {
    case BlockKind::Frame: return "FrameBegin";
    case BlockKind::World: return "WorldBegin";
    case BlockKind::Attribute: return "AttributeBegin";
    case BlockKind::Transform: return "TransformBegin";
    case BlockKind::Object: return "ObjectBegin";
    case BlockKind::Motion: return "MotionBegin";
    case BlockKind::Solid: return "SolidBegin";
    }
    return "?";
}

/// Triangulates a simple polygon (outer loop plus holes, each a list of 3D
/// points) by ear clipping after projecting onto its dominant plane. Holes are
/// bridged to the outer loop. Returns triangles as indices into the
/// concatenation of the loops; `holes_dropped` counts holes that could not be
/// bridged. Falls back to a fan when ear clipping fails.
std::vector<uint32_t> triangulate_loops(const std::vector<std::vector<V3f>>& loops,
                                        int& holes_dropped);

/// Builds the matrices of the standard bicubic bases. Returns false for an unknown name.
bool named_basis(const std::string& name, float m[4][4], int& step);

}  // namespace ck::scene::detail
