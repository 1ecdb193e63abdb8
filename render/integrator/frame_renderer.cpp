// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "integrator/frame_renderer.h"

#include "integrator/path_tracer.h"

namespace ck::render {

Result<std::unique_ptr<FrameRenderer>> FrameRenderer::create(const scene::Frame& frame,
                                                             const RendererSettings& settings)
{
    try {
        return PathTracer::build(frame, settings);
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::Internal, "out of memory while building the scene");
    }
}

}  // namespace ck::render
