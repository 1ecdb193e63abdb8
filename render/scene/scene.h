// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The scene description: what the RIB parser produces and the renderer consumes.
// It is plain data, with no Embree or OIIO types, so ckverify can link the parser
// without the renderer. Everything is already resolved: transforms are matrices,
// classic shaders are baked into Material values with their Cs/Os, light power is
// already intensity * 2^exposure * colour.
//
// Conventions (RenderMan's, see docs/scene-format.md):
// - Matrices are Imath::M44f acting on ROW vectors, exactly as RIB writes them:
//   p_world = p_object * object_to_world.
// - Camera space is left-handed: +x right, +y up, +z forward into the image.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ImathColor.h>
#include <ImathMatrix.h>
#include <ImathVec.h>

namespace ck::scene {

using V2f = Imath::V2f;
using V3f = Imath::V3f;
using C3f = Imath::C3f;
using M44f = Imath::M44f;

/// Where something came from in the input: file, 1-based line and column.
struct SourceLoc {
    std::string file;
    int line = 0;
    int column = 0;

    /// "file:line:col".
    std::string str() const;
};

// ---------------------------------------------------------------------------
// Typed parameters, as written in the RIB (kept raw for options such as
// Option "checkpoint" that the parser does not interpret itself).

enum class ParamType { Float, Int, String, Color, Point, Vector, Normal, HPoint, Matrix, Bool };

struct Param {
    std::string name;         ///< Bare name, e.g. "interval" (no class/type prefix).
    ParamType type = ParamType::Float;
    int array_size = 1;       ///< Declared [n], 1 when not an array.
    std::vector<float> floats;  ///< Float-like types (Float, Color, Point, ... Matrix).
    std::vector<int> ints;      ///< Int and Bool.
    std::vector<std::string> strings;
    SourceLoc loc;            ///< Where the parameter name was written.
};

/// Options grouped by the RIB Option name: options["checkpoint"] holds the
/// parameters of every Option "checkpoint" in effect, later ones replacing
/// earlier ones with the same name.
using OptionMap = std::map<std::string, std::vector<Param>>;

// ---------------------------------------------------------------------------
// Camera and image.

enum class Projection { Perspective, Orthographic };

struct Camera {
    M44f world_to_camera;  ///< The transform current at WorldBegin.
    Projection projection = Projection::Orthographic;  ///< RISpec default when none is given.
    float fov_degrees = 90.0f;  ///< Full angle across the shorter image axis.
    /// left, right, bottom, top of the screen window. When screen_window_set is
    /// false the renderer uses the default: [-aspect, aspect, -1, 1] for wide
    /// frames, [-1, 1, -1/aspect, 1/aspect] for tall ones.
    float screen_window[4] = {-1, 1, -1, 1};
    bool screen_window_set = false;
    float near_clip = 1e-4f;  ///< Clipping near, far (camera-space z).
    float far_clip = 1e30f;
    /// Shutter open, close (stored only: no motion blur; the parser uses the first
    /// time sample of MotionBegin/End).
    float shutter_open = 0.0f;
    float shutter_close = 0.0f;
};

struct PixelFilter {
    std::string name = "gaussian";  ///< box, gaussian, triangle, catmull-rom, sinc, mitchell.
    float xwidth = 2.0f;
    float ywidth = 2.0f;
};

struct Image {
    int xres = 640;
    int yres = 480;
    float pixel_aspect = 1.0f;
    float frame_aspect = -1.0f;  ///< FrameAspectRatio, or -1 when not given.
    /// CropWindow xmin, xmax, ymin, ymax in NDC (0..1, y down).
    float crop_window[4] = {0, 1, 0, 1};
    PixelFilter filter;
    float exposure_gain = 1.0f;   ///< Exposure gain gamma (stored only; not applied yet).
    float exposure_gamma = 1.0f;
};

enum class ImageFormat { OpenEXR, TIFF };

// ---------------------------------------------------------------------------
// Channels (DisplayChannel, Display modes; docs/scene-format.md, "Channels").

/// Where a channel's per-sample value comes from.
enum class ChannelSource {
    Ci,           ///< beauty colour
    Alpha,        ///< "a": coverage
    Z,            ///< "z": camera-space depth of the first hit (+inf on a miss)
    Nn,           ///< shading normal, camera space
    Ng,           ///< geometric normal, camera space
    P,            ///< first hit position, camera space
    St,           ///< surface parameters s, t
    Id,           ///< a stable per-object integer (1-based; 0 on a miss)
    Albedo,       ///< diffuse albedo of the first hit
    PWorld,       ///< "__Pworld": first hit position, world space
    NWorld,       ///< "__Nworld": shading normal, world space
    Depth,        ///< "__depth": distance from the camera to the first hit (+inf on a miss)
    SampleCount,  ///< "sampleCount": the pixel's samples (its ~w)
    Lpe,          ///< "lpe:...": a light path expression (docs/lpe.md)
};

/// The most light path expression channels one frame may write.
inline constexpr int kMaxLpeChannels = 16;

/// How a pixel combines its samples' values ("string filter").
enum class ChannelFilter { Average, Sum, Min, Max, ZMin, ZMax };

const char* channel_filter_name(ChannelFilter filter);

/// One channel a display writes: a built-in used by name in a Display mode, or
/// a DisplayChannel declaration.
struct ChannelDecl {
    std::string name;       ///< As declared: "Ci", "z", "diffuse", "lightgroup_key".
    std::string type;       ///< "color", "float", "normal", "point", "vector", "float[2]".
    int components = 3;     ///< 1, 2 or 3.
    ChannelSource source = ChannelSource::Ci;
    std::string lpe;        ///< The expression after "lpe:" when source is Lpe.
    ChannelFilter filter = ChannelFilter::Average;
    SourceLoc loc;          ///< The DisplayChannel, or the Display naming a built-in.

    /// Same values in the film: name, type, source, expression and filter.
    bool same_film_channel(const ChannelDecl& o) const
    {
        return name == o.name && type == o.type && components == o.components &&
               source == o.source && lpe == o.lpe && filter == o.filter;
    }
};

/// The output channel names of one channel inside `display_channels`: a lone
/// colour channel is R, G, B; Ci is R, G, B and a is A everywhere; z is Z;
/// otherwise NAME.R/.G/.B (colour), NAME.X/.Y/.Z (point, vector, normal),
/// NAME.X/.Y (float[2]) or NAME (float).
std::vector<std::string> channel_output_names(const ChannelDecl& channel,
                                              const std::vector<ChannelDecl>& display_channels);

/// One output image. Display "+name" adds another one to the frame.
struct Display {
    std::string name;         ///< Output path as written in the RIB.
    std::string type;         ///< Type as written: "openexr", "exr", "tiff", "file", ...
    ImageFormat format = ImageFormat::OpenEXR;  ///< From the type, or from the extension for "file".
    /// The mode as written ("rgba", "Ci,a,z", "diffuse", ...).
    std::string mode = "rgba";
    /// The channels the mode names, in order (at least one).
    std::vector<ChannelDecl> channels;
    std::string compression;  ///< "compression"/"exrcompression" parameter, empty = default.
    /// Stored pixel depth: 0 for 32-bit float, 8 or 16 for a quantized TIFF
    /// (Display "quantize" [0 255 0 255], or the frame's Quantize "rgba" 255 0 255).
    int bits = 0;
    bool bits_given = false;  ///< The Display's own "quantize" set `bits`.
    std::vector<Param> params;  ///< Every parameter, raw.
    SourceLoc loc;
};

/// RenderMan's bucket orders (Option "bucket" "string order").
enum class BucketOrder { Horizontal, Vertical, ZigzagX, ZigzagY, Spiral, Random, Circle };

/// "horizontal", "vertical", "zigzag-x", "zigzag-y", "spiral", "random", "circle".
const char* bucket_order_name(BucketOrder order);

struct Sampling {
    bool incremental = false;  ///< Hider "raytrace" "int incremental" [1].
    int min_samples = -1;      ///< Hider "int minsamples"; -1 when not given.
    int max_samples = -1;      ///< Hider "int maxsamples"; -1 when not given.
    int pixel_samples_x = 2;   ///< PixelSamples (used when max_samples is not given).
    int pixel_samples_y = 2;
    float pixel_variance = 0.0f;
    uint32_t seed = 0;         ///< Option "user"/Hider "int seed"; part of the fingerprint.
    /// Option "bucket" "string order" and Option "limits" "int[2] bucketsize":
    /// the order and size of the buckets (tiles) the render threads take.
    /// Neither changes a pixel (the state is per pixel), so neither is in the
    /// fingerprint.
    BucketOrder bucket_order = BucketOrder::Horizontal;
    int bucket_width = 16;
    int bucket_height = 16;

    /// The per-pixel sample target: max_samples, else pixel_samples_x * pixel_samples_y.
    int target_samples() const;
};

// ---------------------------------------------------------------------------
// Materials.

enum class MaterialKind {
    Diffuse,     ///< PxrDiffuse, classic matte: Lambert with diffuse_color.
    Plastic,     ///< classic plastic (and the unknown-shader fallback): diffuse + glossy dielectric coat.
    Metal,       ///< classic metal / shinymetal: glossy conductor tinted by specular_color.
    Conductor,   ///< PxrConductor: GGX conductor with complex IOR (eta, kappa) and tint.
    Dielectric,  ///< PxrDielectric: smooth or rough glass.
    Disney,      ///< PxrDisney: base colour, metallic, roughness, specular.
    Constant,    ///< classic constant: emits diffuse_color * opacity, scatters nothing.
    Null,        ///< classic null: invisible to every ray.
};

/// A resolved material: classic Cs/Os/Kd/Ks are already multiplied in.
struct Material {
    MaterialKind kind = MaterialKind::Diffuse;
    std::string name;               ///< Shader name as written, for messages.
    C3f diffuse_color{0.18f, 0.18f, 0.18f};  ///< Diffuse albedo (Kd*Cs, diffuseColor, baseColor).
    C3f specular_color{0, 0, 0};    ///< Specular tint (Ks*specularcolor, Ks*Cs for metal, tint).
    float roughness = 0.1f;         ///< GGX roughness in [0,1] (alpha = roughness^2).
    float ka = 0.0f;                ///< Classic Ka, multiplies ambientlight.
    // Conductor.
    C3f eta{0.2f, 0.92f, 1.1f};     ///< Conductor refractive index per channel (gold-ish default).
    C3f kappa{3.9f, 2.45f, 2.14f};  ///< Conductor extinction per channel.
    // Dielectric.
    float ior = 1.5f;
    C3f reflection_color{1, 1, 1};
    C3f transmission_color{1, 1, 1};
    // Disney.
    float metallic = 0.0f;
    float specular = 0.5f;
    // Every material.
    C3f opacity{1, 1, 1};           ///< Os; only 0 vs non-zero matters to the renderer.
    bool two_sided = true;          ///< Sides 2.
};

// ---------------------------------------------------------------------------
// Geometry.

/// A triangle mesh. N, st and Cs are either empty or have one entry per P.
/// The parser triangulates polygons and de-indexes facevarying data, so
/// everything here is per vertex.
struct TriangleMesh {
    std::vector<V3f> P;
    std::vector<V3f> N;
    std::vector<V2f> st;
    std::vector<C3f> Cs;
    std::vector<uint32_t> indices;  ///< 3 per triangle, each < P.size().
};

enum class ShapeKind { Sphere, Disk, Cylinder, Mesh };

/// RISpec quadric parameters. Sphere: radius, zmin, zmax, thetamax.
/// Disk: height, radius, thetamax. Cylinder: radius, zmin, zmax, thetamax.
struct Quadric {
    float radius = 1.0f;
    float zmin = -1.0f;
    float zmax = 1.0f;
    float height = 0.0f;
    float thetamax_degrees = 360.0f;
};

struct Visibility {
    bool camera = true;
    bool indirect = true;      ///< Seen by reflection/refraction rays.
    bool transmission = true;  ///< Casts shadows.
};

struct Shape {
    ShapeKind kind = ShapeKind::Mesh;
    Quadric quadric;                          ///< For Sphere, Disk, Cylinder.
    std::shared_ptr<const TriangleMesh> mesh;  ///< For Mesh.
    M44f object_to_world;                     ///< Object space to world (or to prototype space).
    int material = -1;                        ///< Index into World::materials.
    int emitter = -1;                         ///< Index into World::emitters, -1 when not emissive.
    /// Flip the geometric normal Ng (Orientation, ReverseOrientation and, for meshes, the
    /// handedness of object_to_world already combined). The front (outside) of the
    /// surface is Ng when false and -Ng when true; one-sided emitters emit toward the
    /// front and Sides 1 culls the back. Ng is:
    /// - Mesh: cross(P1 - P0, P2 - P0) of each triangle with its points already in world
    ///   space (a mirroring object_to_world flips it; the parser accounts for that here);
    /// - Sphere/Cylinder: away from the z axis, Disk: +z, in object space, carried to
    ///   world space by the inverse transpose of object_to_world (mirroring does not
    ///   flip it, so here only Orientation/ReverseOrientation count).
    /// For prototype shapes it is computed with the prototype-relative matrix.
    bool reverse_orientation = false;
    Visibility visibility;
    std::string identifier;                   ///< Attribute "identifier" "name".
    SourceLoc loc;
};

/// ObjectBegin/End: shapes whose object_to_world is relative to the CTM at ObjectBegin.
struct Prototype {
    std::string handle;
    std::vector<Shape> shapes;
    SourceLoc loc;
};

/// ObjectInstance: the prototype placed with the CTM current at ObjectInstance.
struct Instance {
    int prototype = -1;  ///< Index into World::prototypes.
    M44f object_to_world;
    SourceLoc loc;
};

// ---------------------------------------------------------------------------
// Lights.

/// Emission attached to geometry (AreaLightSource, or the shape of a Pxr area light).
struct Emitter {
    C3f radiance{1, 1, 1};   ///< Emitted radiance (already intensity * 2^exposure * colour).
    bool two_sided = false;  ///< Emits from both faces.
    int light = -1;          ///< Index into World::lights when it came from a Light request.
};

enum class LightKind {
    Dome,      ///< PxrDomeLight: infinite, constant colour or lat-long map.
    Rect,      ///< PxrRectLight: 1x1 quad in its xy plane at the origin, emitting toward local -z.
    Disk,      ///< PxrDiskLight: unit-diameter disk in the xy plane.
    Sphere,    ///< PxrSphereLight: unit-diameter sphere.
    Distant,   ///< PxrDistantLight, distantlight: direction with an angular extent (0 = delta).
    Point,     ///< pointlight: 1/r^2 falloff.
    Spot,      ///< spotlight.
    Ambient,   ///< ambientlight: adds Ka * colour to classic surfaces.
};

struct Light {
    LightKind kind = LightKind::Point;
    std::string shader;       ///< Name as written, e.g. "PxrRectLight".
    std::string handle;
    M44f light_to_world;      ///< The CTM at the Light / LightSource request.
    C3f color{1, 1, 1};       ///< intensity * 2^exposure * lightColor (radiance for area/dome
                              ///< lights, radiant intensity for point/spot, irradiance for distant).
    // Dome.
    std::string map;          ///< lightColorMap, resolved through the texture search path; empty = constant.
    // Classic point, spot and distant lights, in light space.
    V3f from{0, 0, 0};
    V3f to{0, 0, 1};
    float cone_angle_degrees = 30.0f;        ///< spotlight coneangle (converted from radians).
    float cone_delta_angle_degrees = 5.0f;   ///< spotlight conedeltaangle.
    float beam_distribution = 2.0f;
    float angle_extent_degrees = 0.0f;       ///< PxrDistantLight angleExtent.
    bool camera_visible = true;              ///< Attribute "visibility" "int camera".
    int emitter = -1;                        ///< For Rect/Disk/Sphere: the Emitter of its shape.
    int shape = -1;                          ///< For Rect/Disk/Sphere: index into World::shapes.
    std::string light_group;                 ///< "string lightGroup": for LPE labels <L.'name'>.
    SourceLoc loc;
};

// ---------------------------------------------------------------------------
// One frame: everything needed to render it.

struct World {
    std::vector<Material> materials;
    std::vector<Shape> shapes;
    std::vector<Prototype> prototypes;
    std::vector<Instance> instances;
    std::vector<Light> lights;
    std::vector<Emitter> emitters;
};

/// The light group names of a world's lights, in order of first use: the
/// table light path expressions are compiled against (LpeEvent::group).
std::vector<std::string> light_groups(const World& world);

/// Ci and a, the channels of the default "rgba" mode.
std::vector<ChannelDecl> rgba_channels(const SourceLoc& loc);

struct Frame {
    int number = 0;          ///< FrameBegin N, or 0 for a file without FrameBegin.
    SourceLoc loc;           ///< FrameBegin, or the WorldBegin of an implicit frame.
    Camera camera;
    Image image;
    Sampling sampling;
    int max_depth = 5;       ///< Option "trace" "int maxdepth".
    /// File displays only (screen displays are skipped). At least one when the parse has
    /// no error: the parser adds "ckrender.exr" when no Display was given.
    std::vector<Display> displays;
    OptionMap options;       ///< Every Option in effect for this frame, raw.
    std::vector<std::string> assets;  ///< Resolved paths of files the frame reads (maps, archives).
    World world;
};

/// The channels the film of `frame` holds: every display's channels, in
/// display order, each film channel once (same_film_channel).
std::vector<ChannelDecl> film_channels(const Frame& frame);

/// For each channel of display `index`, its position in film_channels(frame).
std::vector<int> display_film_channels(const Frame& frame, size_t index);

/// The output channel names of a display, in order (one per component).
std::vector<std::string> display_output_names(const Display& display);

struct SceneDescription {
    std::string path;        ///< The top-level file.
    std::vector<Frame> frames;
};

}  // namespace ck::scene
