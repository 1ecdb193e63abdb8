// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "scene/fingerprint.h"

#include <OpenImageIO/hash.h>
#include <xxhash.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <type_traits>

namespace ck::scene {

namespace {

// Accumulates bytes for one part; values are appended in a fixed layout.
class Hasher {
public:
    template <typename T>
    void pod(const T& value)
    {
        static_assert(std::is_trivially_copyable_v<T>, "hash plain values only");
        const auto* p = reinterpret_cast<const unsigned char*>(&value);
        m_bytes.insert(m_bytes.end(), p, p + sizeof(T));
    }
    void str(const std::string& s)
    {
        pod(uint64_t(s.size()));
        m_bytes.insert(m_bytes.end(), s.begin(), s.end());
    }
    void matrix(const M44f& m)
    {
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c)
                pod(m[r][c]);
    }
    void vec(const V3f& v)
    {
        pod(v.x);
        pod(v.y);
        pod(v.z);
    }
    void color(const C3f& c)
    {
        pod(c.x);
        pod(c.y);
        pod(c.z);
    }
    template <typename T>
    void array(const std::vector<T>& v)
    {
        pod(uint64_t(v.size()));
        if (!v.empty()) {
            const auto* p = reinterpret_cast<const unsigned char*>(v.data());
            m_bytes.insert(m_bytes.end(), p, p + v.size() * sizeof(T));
        }
    }
    uint64_t digest() const { return OIIO::xxhash::XXH64(m_bytes.data(), m_bytes.size(), 0x636b66ULL); }

private:
    std::vector<unsigned char> m_bytes;
};

void hash_shape(Hasher& h, const Shape& s)
{
    h.pod(int(s.kind));
    h.pod(s.quadric.radius);
    h.pod(s.quadric.zmin);
    h.pod(s.quadric.zmax);
    h.pod(s.quadric.height);
    h.pod(s.quadric.thetamax_degrees);
    if (s.mesh) {
        h.array(s.mesh->P);
        h.array(s.mesh->N);
        h.array(s.mesh->st);
        h.array(s.mesh->Cs);
        h.array(s.mesh->indices);
    } else {
        h.pod(uint64_t(0));
    }
    h.matrix(s.object_to_world);
    // s.material is hashed with the materials: materials are interned by
    // value, so one colour edit renumbers other shapes' materials and must not
    // read as a geometry change.
    h.pod(s.emitter);
    h.pod(s.reverse_orientation);
    h.pod(s.visibility.camera);
    h.pod(s.visibility.indirect);
    h.pod(s.visibility.transmission);
}

std::string hex64(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
    return buf;
}

// XXH64 of the file's bytes (seed 0), read in fixed-size blocks: a 3 GB light
// map was read into memory twice here. A file that cannot be read hashes as
// "missing"; the renderer reports the real error when it loads the file.
uint64_t file_content_hash(const std::string& path)
{
    const uint64_t missing = XXH64("missing", 7, 0);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return missing;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);  // a FIFO or device would never end: not content
        return missing;
    }
    std::unique_ptr<XXH64_state_t, decltype(&XXH64_freeState)> state(XXH64_createState(),
                                                                     &XXH64_freeState);
    std::vector<char> block(size_t(1) << 20);
    bool ok = state && XXH64_reset(state.get(), 0) == XXH_OK;
    while (ok) {
        const ssize_t n = ::read(fd, block.data(), block.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        ok = XXH64_update(state.get(), block.data(), size_t(n)) == XXH_OK;
    }
    ::close(fd);
    return ok ? XXH64_digest(state.get()) : missing;
}

}  // namespace

std::string Fingerprint::hex() const
{
    Hasher all;
    for (const auto& [name, value] : parts) {
        all.str(name);
        all.pod(value);
    }
    return hex64(all.digest());
}

std::string Fingerprint::parts_text() const
{
    std::string text;
    for (const auto& [name, value] : parts) {
        if (!text.empty())
            text.push_back(';');
        text += name + "=" + hex64(value);
    }
    return text;
}

Fingerprint fingerprint_frame(const Frame& frame)
{
    Fingerprint fp;

    Hasher camera;
    camera.matrix(frame.camera.world_to_camera);
    camera.pod(int(frame.camera.projection));
    camera.pod(frame.camera.fov_degrees);
    camera.pod(frame.camera.screen_window);
    camera.pod(frame.camera.screen_window_set);
    camera.pod(frame.camera.near_clip);
    camera.pod(frame.camera.far_clip);
    fp.parts.emplace_back("camera", camera.digest());

    Hasher image;
    image.pod(frame.image.xres);
    image.pod(frame.image.yres);
    image.pod(frame.image.pixel_aspect);
    image.pod(frame.image.frame_aspect);
    image.pod(frame.image.crop_window);
    image.str(frame.image.filter.name);
    image.pod(frame.image.filter.xwidth);
    image.pod(frame.image.filter.ywidth);
    // Exposure is stored but not applied (docs/scene-format.md): not hashed.
    fp.parts.emplace_back("image", image.digest());

    // maxsamples, minsamples and the mode are left out on purpose (see header).
    Hasher sampling;
    sampling.pod(frame.sampling.seed);
    // PixelVariance changes no pixel until adaptive sampling exists: not hashed.
    fp.parts.emplace_back("sampling", sampling.digest());

    Hasher integrator;
    integrator.pod(frame.max_depth);
    fp.parts.emplace_back("integrator", integrator.digest());

    Hasher geometry;
    geometry.pod(uint64_t(frame.world.shapes.size()));
    for (const Shape& s : frame.world.shapes)
        hash_shape(geometry, s);
    geometry.pod(uint64_t(frame.world.prototypes.size()));
    for (const Prototype& p : frame.world.prototypes) {
        geometry.pod(uint64_t(p.shapes.size()));
        for (const Shape& s : p.shapes)
            hash_shape(geometry, s);
    }
    geometry.pod(uint64_t(frame.world.instances.size()));
    for (const Instance& i : frame.world.instances) {
        geometry.pod(i.prototype);
        geometry.matrix(i.object_to_world);
    }
    fp.parts.emplace_back("geometry", geometry.digest());

    Hasher materials;
    materials.pod(uint64_t(frame.world.materials.size()));
    for (const Material& m : frame.world.materials) {
        materials.pod(int(m.kind));
        materials.color(m.diffuse_color);
        materials.color(m.specular_color);
        materials.pod(m.roughness);
        materials.pod(m.ka);
        materials.color(m.eta);
        materials.color(m.kappa);
        materials.pod(m.ior);
        materials.color(m.reflection_color);
        materials.color(m.transmission_color);
        materials.pod(m.metallic);
        materials.pod(m.specular);
        materials.color(m.opacity);
        materials.pod(m.two_sided);
    }
    // Which material each surface has, in the order the geometry lists them.
    for (const Shape& s : frame.world.shapes)
        materials.pod(s.material);
    for (const Prototype& p : frame.world.prototypes)
        for (const Shape& s : p.shapes)
            materials.pod(s.material);
    fp.parts.emplace_back("materials", materials.digest());

    // Light maps are hashed by content (assets), not by path, so a scene copied
    // to another machine (S23) keeps its fingerprint.
    Hasher lights;
    lights.pod(uint64_t(frame.world.lights.size()));
    for (const Light& l : frame.world.lights) {
        lights.pod(int(l.kind));
        lights.matrix(l.light_to_world);
        lights.color(l.color);
        lights.pod(!l.map.empty());
        lights.vec(l.from);
        lights.vec(l.to);
        lights.pod(l.cone_angle_degrees);
        lights.pod(l.cone_delta_angle_degrees);
        lights.pod(l.beam_distribution);
        lights.pod(l.angle_extent_degrees);
        lights.pod(l.camera_visible);
        lights.pod(l.emitter);
        lights.pod(l.shape);
    }
    lights.pod(uint64_t(frame.world.emitters.size()));
    for (const Emitter& e : frame.world.emitters) {
        lights.color(e.radiance);
        lights.pod(e.two_sided);
        lights.pod(e.light);
    }
    fp.parts.emplace_back("lights", lights.digest());

    Hasher assets;
    for (const Light& l : frame.world.lights)
        if (!l.map.empty())
            assets.pod(file_content_hash(l.map));
    fp.parts.emplace_back("assets", assets.digest());
    return fp;
}

}  // namespace ck::scene
