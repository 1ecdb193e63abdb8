// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// RAII owners of Embree objects. Errors reported by Embree's device callback
// are recorded (never printed, never fatal) and checked after each commit.
#pragma once

#include <ck/result.h>

#include <embree3/rtcore.h>

#include <atomic>
#include <mutex>
#include <string>

namespace ck::render {

/// Owns an RTCDevice and the first error it reported.
class EmbreeDevice {
public:
    EmbreeDevice();
    ~EmbreeDevice();
    EmbreeDevice(const EmbreeDevice&) = delete;
    EmbreeDevice& operator=(const EmbreeDevice&) = delete;

    RTCDevice get() const { return m_device; }

    /// Ok, or the first error Embree reported since construction.
    Status status() const;

    /// True when ray masks are compiled into this Embree.
    bool ray_mask_supported() const;

private:
    static void error_callback(void* user, RTCError code, const char* message);

    RTCDevice m_device = nullptr;
    mutable std::mutex m_mutex;
    Status m_status;
};

/// Owns an RTCScene (released on destruction).
class EmbreeScene {
public:
    EmbreeScene() = default;
    explicit EmbreeScene(RTCScene scene) : m_scene(scene) {}
    ~EmbreeScene() { reset(); }
    EmbreeScene(EmbreeScene&& other) noexcept : m_scene(other.m_scene) { other.m_scene = nullptr; }
    EmbreeScene& operator=(EmbreeScene&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_scene = other.m_scene;
            other.m_scene = nullptr;
        }
        return *this;
    }
    EmbreeScene(const EmbreeScene&) = delete;
    EmbreeScene& operator=(const EmbreeScene&) = delete;

    RTCScene get() const { return m_scene; }

    void reset()
    {
        if (m_scene)
            rtcReleaseScene(m_scene);
        m_scene = nullptr;
    }

private:
    RTCScene m_scene = nullptr;
};

/// Commits `scene` with a progress monitor that stops the build when `cancel`
/// becomes true. Returns the device's recorded error, a cancellation, or Ok.
Status commit_scene(const EmbreeDevice& device, RTCScene scene, const std::atomic<bool>* cancel,
                    const std::string& what);

}  // namespace ck::render
