// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "accel/embree_device.h"

namespace ck::render {

namespace {

const char* error_name(RTCError code)
{
    switch (code) {
        case RTC_ERROR_NONE:
            return "no error";
        case RTC_ERROR_UNKNOWN:
            return "unknown error";
        case RTC_ERROR_INVALID_ARGUMENT:
            return "invalid argument";
        case RTC_ERROR_INVALID_OPERATION:
            return "invalid operation";
        case RTC_ERROR_OUT_OF_MEMORY:
            return "out of memory";
        case RTC_ERROR_UNSUPPORTED_CPU:
            return "unsupported CPU";
        case RTC_ERROR_CANCELLED:
            return "cancelled";
    }
    return "error";
}

bool progress_monitor(void* ptr, double /*n*/)
{
    const auto* cancel = static_cast<const std::atomic<bool>*>(ptr);
    return !(cancel && cancel->load(std::memory_order_relaxed));
}

}  // namespace

EmbreeDevice::EmbreeDevice()
{
    // No config string: Embree picks the ISA; verbose output stays off.
    m_device = rtcNewDevice(nullptr);
    if (!m_device) {
        m_status = Status(ErrorCode::Internal, std::string("embree: cannot create device: ") +
                                                   error_name(rtcGetDeviceError(nullptr)));
        return;
    }
    rtcSetDeviceErrorFunction(m_device, &EmbreeDevice::error_callback, this);
}

EmbreeDevice::~EmbreeDevice()
{
    if (m_device)
        rtcReleaseDevice(m_device);
}

Status EmbreeDevice::status() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_status;
}

bool EmbreeDevice::ray_mask_supported() const
{
    return m_device && rtcGetDeviceProperty(m_device, RTC_DEVICE_PROPERTY_RAY_MASK_SUPPORTED) != 0;
}

void EmbreeDevice::error_callback(void* user, RTCError code, const char* message)
{
    auto* self = static_cast<EmbreeDevice*>(user);
    std::lock_guard<std::mutex> lock(self->m_mutex);
    // Keep the first error: later ones are usually consequences of it.
    if (!self->m_status.is_ok())
        return;
    ErrorCode ck_code = code == RTC_ERROR_OUT_OF_MEMORY     ? ErrorCode::Internal
                        : code == RTC_ERROR_UNSUPPORTED_CPU ? ErrorCode::Unsupported
                                                            : ErrorCode::Internal;
    self->m_status = Status(ck_code, std::string("embree: ") + error_name(code) +
                                         (message ? std::string(": ") + message : std::string()));
}

Status commit_scene(const EmbreeDevice& device, RTCScene scene, const std::atomic<bool>* cancel,
                    const std::string& what)
{
    rtcSetSceneProgressMonitorFunction(scene, &progress_monitor,
                                       const_cast<std::atomic<bool>*>(cancel));
    rtcCommitScene(scene);
    rtcSetSceneProgressMonitorFunction(scene, nullptr, nullptr);
    if (cancel && cancel->load(std::memory_order_relaxed))
        return Status(ErrorCode::Internal, "render cancelled while building " + what);
    Status status = device.status();
    if (!status.is_ok())
        return Status(status.code(), status.message() + " (while building " + what + ")");
    return Status::ok();
}

}  // namespace ck::render
