#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
"""Writes samples/cornell.rib and samples/quickstart.rib from peer-bench S1.

    python3 samples/tools/gen_cornell.py [--peer-bench DIR] [--out-dir DIR]

Reads the scene description (scenes/s1_cornell.json) and the binary PLY files
of peer-bench S1, and writes the same scene as RenderMan RIB, so that ckrender
and Blender Cycles render exactly the same thing for the side-by-side speed
benchmark (bench/peer/). Python 3 standard library only.

Defaults are relative to this file: peer-bench is <repo>/../shared/peer-bench,
output goes to <repo>/samples. The generated RIB is committed; re-run this
script only when peer-bench S1 changes.

What is carried over, and how:
  * geometry: every triangle of every PLY except the emitter, bit for bit
    (float32 printed with %.9g round-trips exactly), as PointsPolygons;
  * materials: Lambert albedo -> Bxdf "PxrDiffuse" "color diffuseColor";
  * the one-sided quad emitter -> Light "PxrRectLight" with a transform that
    maps its unit square onto the quad and its local -Z onto the quad's normal;
  * camera: look-at in a right-handed +Z-up world -> a world-to-camera matrix
    into RenderMan's left-handed camera space (x right, y up, z forward);
  * bounces, filter, resolution, samples: see the comment written into the RIB.
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

PLY_TYPES = {
    "char": "b", "int8": "b", "uchar": "B", "uint8": "B",
    "short": "h", "int16": "h", "ushort": "H", "uint16": "H",
    "int": "i", "int32": "i", "uint": "I", "uint32": "I",
    "float": "f", "float32": "f", "double": "d", "float64": "d",
}


def read_ply(path):
    """Returns (vertices [(x, y, z)], triangles [(i, j, k)]) of a binary little-endian PLY."""
    with open(path, "rb") as f:
        data = f.read()
    end = data.find(b"end_header\n")
    if not data.startswith(b"ply\n") or end < 0:
        sys.exit(f"{path}: not a PLY file")
    body = end + len(b"end_header\n")
    elements = []  # [name, count, [(prop_name, fmt, list_count_fmt or None)]]
    for line in data[:end].decode("ascii").splitlines()[1:]:
        words = line.split()
        if not words or words[0] in ("comment", "obj_info"):
            continue
        if words[0] == "format":
            if words[1] != "binary_little_endian":
                sys.exit(f"{path}: only binary_little_endian PLY is supported, not {words[1]}")
        elif words[0] == "element":
            elements.append([words[1], int(words[2]), []])
        elif words[0] == "property":
            if words[1] == "list":
                elements[-1][2].append((words[4], PLY_TYPES[words[3]], PLY_TYPES[words[2]]))
            else:
                elements[-1][2].append((words[2], PLY_TYPES[words[1]], None))

    verts, tris = [], []
    pos = body
    for name, count, props in elements:
        for _ in range(count):
            row = {}
            for pname, fmt, count_fmt in props:
                if count_fmt is None:
                    (row[pname],) = struct.unpack_from("<" + fmt, data, pos)
                    pos += struct.calcsize(fmt)
                else:
                    (n,) = struct.unpack_from("<" + count_fmt, data, pos)
                    pos += struct.calcsize(count_fmt)
                    row[pname] = struct.unpack_from(f"<{n}{fmt}", data, pos)
                    pos += n * struct.calcsize(fmt)
            if name == "vertex":
                verts.append((row["x"], row["y"], row["z"]))
            elif name == "face":
                idx = row.get("vertex_indices", row.get("vertex_index"))
                for k in range(1, len(idx) - 1):  # fan-triangulate (S1 is all triangles)
                    tris.append((idx[0], idx[k], idx[k + 1]))
    return verts, tris


def sub(a, b):
    return [a[i] - b[i] for i in range(3)]


def dot(a, b):
    return sum(a[i] * b[i] for i in range(3))


def cross(a, b):
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def normalize(a):
    n = math.sqrt(dot(a, a))
    return [x / n for x in a]


def num(x):
    """Shortest text that reads back as the same float32 (and '0' for -0)."""
    x = struct.unpack("<f", struct.pack("<f", x))[0]
    if x == 0:
        return "0"
    for digits in range(1, 10):
        s = f"{x:.{digits}g}"
        if struct.unpack("<f", struct.pack("<f", float(s)))[0] == x:
            break
    if "e+" in s:  # %g writes 40 as 4e+01; RIB reads either, people read "40" better
        s = f"{float(s):f}".rstrip("0").rstrip(".")
    return s


def nums(values):
    return " ".join(num(v) for v in values)


def world_to_camera(eye, look_at, up):
    """Row-vector 4x4 (RIB order) taking right-handed world space to RenderMan camera space.

    Camera axes in world space: right r = f x up, true up u = r x f, forward f.
    p_cam = ((p - eye).r, (p - eye).u, (p - eye).f). The matrix has determinant -1: a
    right-handed world seen through a left-handed camera. That flip is what keeps the
    image from being mirrored (it plays the part of the usual `Scale -1 1 1`).
    """
    f = normalize(sub(look_at, eye))
    r = normalize(cross(f, up))
    u = cross(r, f)
    m = []
    for i in range(3):
        m += [r[i], u[i], f[i], 0.0]
    m += [-dot(eye, r), -dot(eye, u), -dot(eye, f), 1.0]
    return m


def rect_light_transform(light):
    """Returns RIB transform lines placing PxrRectLight's unit square on the JSON quad.

    PxrRectLight: the square [-0.5, 0.5]^2 in its local XY plane, emitting toward local -Z.
    We need local X -> one edge, local Y -> the other, local -Z -> the emitting normal,
    with the two edges ordered so the matrix keeps handedness (determinant > 0).
    """
    corner, eu, ev = light["corner"], light["edge_u"], light["edge_v"]
    normal = normalize(light["normal"])
    if dot(cross(eu, ev), normal) < 0:
        # eu x ev points along -normal = local +Z: (eu, ev, -normal) is right-handed.
        ex, ey = eu, ev
    else:
        ex, ey = ev, eu
    if abs(dot(ex, ey)) > 1e-6 * math.sqrt(dot(ex, ex) * dot(ey, ey)):
        sys.exit("the emitter quad is not a rectangle; use AreaLightSource geometry instead")
    center = [corner[i] + 0.5 * (eu[i] + ev[i]) for i in range(3)]
    lx, ly = math.sqrt(dot(ex, ex)), math.sqrt(dot(ey, ey))
    axis_aligned = (normalize(ex) == [1.0, 0.0, 0.0] and normalize(ey) == [0.0, 1.0, 0.0]
                    and normal == [0.0, 0.0, -1.0])
    if axis_aligned:
        return [f"Translate {nums(center)}", f"Scale {num(lx)} {num(ly)} 1"]
    m = ex + [0.0] + ey + [0.0] + [-c for c in normal] + [0.0] + center + [1.0]
    return [f"ConcatTransform [{nums(m)}]"]


def bounce_comment(integ):
    return f"""\
# Path length. peer-bench gives max_bounces = {integ['max_bounces']} in Cycles' convention: the camera
# ray plus up to {integ['max_bounces']} further bounce rays, i.e. at most {integ['max_bounces'] + 1} path segments from
# the camera and {integ['max_bounces'] + 1} surface vertices, with direct light (NEE + MIS) evaluated at
# each of them (Embree's tutorial calls this --max-path-length {integ['max_bounces'] + 1}). ckrender's
# depth counts scattering vertices (RenderMan's maxPathLength: 0 = emitters only, 1 = direct
# light only; NEE at every vertex below the limit, and the last BSDF ray still picks up
# emission for MIS, as Cycles' last bounce does), so the equivalent is {integ['max_bounces'] + 1}, not {integ['max_bounces']}
# (docs/rendering.md, "Path depth"). It is set in both places a RIB can say it, so the
# answer does not depend on which one wins; the matching image means above confirm it.
# Clamping, denoising, adaptive sampling: peer-bench uses none; ckrender has no clamping
# or denoising, and minsamples = maxsamples with PixelVariance 0 keeps adaptive sampling
# off. Russian roulette is on in both (each renderer's own rule; both are unbiased)."""


def write_rib(path, desc, objects, light, *, width, height, spp, display, title):
    cam = desc["camera"]
    integ = desc["integrator"]
    depth = integ["max_bounces"] + 1
    # The JSON gives the vertical FOV; RIB "fov" is across the shorter image axis.
    vfov = cam["vfov_deg"]
    if width >= height:
        fov = vfov
    else:
        fov = math.degrees(2 * math.atan(math.tan(math.radians(vfov) / 2) * width / height))
    m = world_to_camera(cam["eye"], cam["look_at"], cam["up"])
    ntri = sum(len(t) for _, _, _, t in objects)

    out = []
    w = out.append
    w("##RenderMan RIB")
    w(f"# {title}")
    w("#")
    w("# The Cornell box of peer-bench S1 (../shared/peer-bench/scenes/s1_cornell.json and its")
    w("# PLY files), as RIS RIB: the same camera, geometry, materials, emitter, bounce limit")
    w("# and pixel filter that Blender Cycles renders in the peer benchmark (bench/peer/).")
    w("# Shows: Bxdf \"PxrDiffuse\", Light \"PxrRectLight\" (one-sided, placed by its transform),")
    w("# PointsPolygons, a camera matrix from a right-handed world, incremental sampling.")
    w("# Generated by samples/tools/gen_cornell.py -- edit that script, not this file.")
    w("#")
    w(f"# {ntri} triangles plus the emitter quad ({ntri + 2} in peer-bench), "
      f"{len(objects)} objects, 1 light, no environment.")
    w("#")
    w("# Camera. The JSON camera is a look-at in a right-handed, +Z-up world:")
    w(f"#   eye {cam['eye']}, look_at {cam['look_at']}, up {cam['up']}, vertical FOV {vfov} deg.")
    w("# RenderMan camera space is left-handed (+x right, +y up, +z forward), so the")
    w("# world-to-camera matrix below has rows (r, u, f) per world axis -- right = f x up,")
    w("# up = r x f, forward f -- and determinant -1. The flip is what keeps the image unmirrored")
    w("# (the red wall, at world x = -1, is on the left as in Cycles).")
    w(f"# Projection fov is the full angle across the shorter image axis: {num(fov)} deg here.")
    w("#")
    w("# Emitter. The JSON quad (corner + two edges, normal -Z, 2 mm below the ceiling) is a")
    w("# rectangle, so it is a PxrRectLight: the unit square in local XY emitting toward local")
    w("# -Z, scaled to the quad's edges and moved to its centre. Radiance = intensity *")
    w("# 2^exposure * lightColor = the JSON radiance. PxrRectLight is one-sided and visible to")
    w("# camera rays, as the Cycles emitter is. In both renderers the emitter is also an")
    w("# occluder that never scatters (black from behind; the gap to the ceiling is 2 mm).")
    w("# Check: at 64 spp every 128x128 block's mean RGB matched a 128-spp Cycles 3.4.1 render")
    w("# of S1 to within 0.3 %, and the whole image to within 0.05 %.")
    w("#")
    for line in bounce_comment(integ).splitlines():
        w(line)
    w("#")
    w("# Pixel filter: box, 1 pixel wide (Cycles BOX, filter_width 1.0). Output is linear")
    w("# float RGB, like the Cycles EXR. Render: ./build/bin/ckrender samples/" + os.path.basename(path))
    w("")
    w("version 3.04")
    w(f'Display "{display}" "openexr" "rgb"')
    w(f"Format {width} {height} 1")
    w('PixelFilter "box" 1 1')
    w(f'Hider "raytrace" "int incremental" [1] "int minsamples" [{spp}] "int maxsamples" [{spp}]')
    w("PixelVariance 0")
    w(f'Option "trace" "int maxdepth" [{depth}]')
    w(f'Integrator "PxrPathTracer" "pathtracer" "int maxPathLength" [{depth}]')
    w(f'Projection "perspective" "fov" [{num(fov)}]')
    w("# world to camera: eye " + nums(cam["eye"]) + ", looking along +Y, +Z up")
    w(f"Transform [{nums(m[0:4])}")
    w(f"           {nums(m[4:8])}")
    w(f"           {nums(m[8:12])}")
    w(f"           {nums(m[12:16])}]")
    w("")
    w("WorldBegin")
    w("  AttributeBegin")
    w('    Attribute "identifier" "name" ["light"]')
    for line in rect_light_transform(light):
        w("    " + line)
    r = light["radiance"]
    w(f'    Light "PxrRectLight" "ceiling_light" "float intensity" [1] "float exposure" [0]')
    w(f'          "color lightColor" [{nums(r)}]')
    w("  AttributeEnd")
    for name, albedo, verts, tris in objects:
        w("")
        w("  AttributeBegin")
        w(f'    Attribute "identifier" "name" ["{name}"]')
        w(f'    Bxdf "PxrDiffuse" "{name}_material" "color diffuseColor" [{nums(albedo)}]')
        w(f"    PointsPolygons [{' '.join('3' for _ in tris)}]")
        w(f"      [{' '.join(' '.join(str(i) for i in t) for t in tris)}]")
        w('      "P" [')
        for v in verts:
            w(f"        {nums(v)}")
        w("      ]")
        w("  AttributeEnd")
    w("WorldEnd")
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer-bench", default=os.path.join(REPO, "..", "shared", "peer-bench"),
                    help="peer-bench directory (default: <repo>/../shared/peer-bench)")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "samples"))
    a = ap.parse_args()

    with open(os.path.join(a.peer_bench, "scenes", "s1_cornell.json")) as f:
        desc = json.load(f)
    if desc.get("handedness") != "right" or desc.get("up_axis") != "+Z":
        sys.exit("expected a right-handed +Z-up scene")

    emitters = [l for l in desc["lights"] if l["type"] == "quad_emitter"]
    if len(emitters) != 1 or len(desc["lights"]) != 1:
        sys.exit("expected exactly one quad emitter")
    light = emitters[0]
    if light.get("two_sided", False):
        sys.exit("PxrRectLight is one-sided; a two-sided emitter needs AreaLightSource geometry")
    if any(desc["environment"]["radiance"]):
        sys.exit("expected a black environment")

    objects = []
    for g in desc["geometry"]:
        path = os.path.join(a.peer_bench, g["file"])
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest != g["sha256"]:
            print(f"warning: {g['file']}: sha256 differs from the JSON", file=sys.stderr)
        if g["name"] == light["object"]:
            continue  # the emitter is the PxrRectLight's own shape
        mat = desc["materials"][g["material"]]
        if mat["type"] != "lambert":
            sys.exit(f"{g['name']}: material type {mat['type']} not handled")
        verts, tris = read_ply(path)
        if len(tris) != g["triangles"]:
            sys.exit(f"{g['file']}: {len(tris)} triangles, JSON says {g['triangles']}")
        objects.append((g["name"], mat["albedo"], verts, tris))

    cam = desc["camera"]
    write_rib(os.path.join(a.out_dir, "cornell.rib"), desc, objects, light,
              width=cam["width"], height=cam["height"], spp=64, display="cornell.exr",
              title="cornell.rib -- peer-bench S1 Cornell box, 512x512, 64 samples per pixel")
    write_rib(os.path.join(a.out_dir, "quickstart.rib"), desc, objects, light,
              width=cam["width"] // 2, height=cam["height"] // 2, spp=32, display="quickstart.exr",
              title="quickstart.rib -- the README's first render: cornell.rib at 256x256, 32 spp")


if __name__ == "__main__":
    main()
