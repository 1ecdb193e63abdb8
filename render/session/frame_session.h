// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Renders one frame: builds the FrameRenderer, runs the sample loop over tiles
// with oneTBB, and writes the displays. Incremental mode (S1) adds one sample
// to every pixel per increment; bucket mode renders each tile to its target in
// turn. Both fill the same Film, and each pixel's next sample index is its own
// weight, so any prefix of the work is a valid, resumable state.
#pragma once

#include "film/film.h"
#include "integrator/frame_renderer.h"
#include "scene/scene.h"

#include <ck/result.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ck::render {

/// Edge length of the square tiles that the render loop hands to threads.
inline constexpr int kTileSize = 16;

struct RenderOptions {
    int threads = 0;  ///< Worker threads; 0 means every core.
    /// Receives progress and timing lines (without "ckrender: "); may be empty.
    std::function<void(const std::string&)> log;
    /// Seconds between progress lines; <= 0 turns them off.
    double progress_interval = 5.0;
    /// When set and true, the loop stops at the next tile boundary.
    const std::atomic<bool>* stop = nullptr;
};

struct FrameStats {
    double build_seconds = 0;   ///< FrameRenderer::create (BVH, light tables, maps).
    double render_seconds = 0;  ///< The sample loop.
    uint64_t samples = 0;       ///< Camera samples taken by this process.
};

class FrameSession {
public:
    FrameSession(const scene::Frame& frame, RenderOptions options);

    /// Makes the FrameRenderer for a frame (FrameRenderer::create in ckrender;
    /// tests pass their own).
    using RendererFactory = std::function<Result<std::unique_ptr<FrameRenderer>>(
        const scene::Frame&, const RendererSettings&)>;

    /// Builds the renderer through `factory`. Fails with the renderer's message.
    Status build(const RendererFactory& factory);

    /// Renders until every pixel has its target or the stop flag is raised.
    /// Returns true when every pixel reached its target.
    bool render();

    /// Writes every display as a final image (no ~w), crash-safely.
    Status write_final() const;

    const Film& film() const { return m_film; }
    Film& film() { return m_film; }
    const FrameStats& stats() const { return m_stats; }
    int target_samples() const { return m_target; }

private:
    void log(const std::string& line) const;
    bool stop_requested() const;
    void render_tile_incremental(const PixelWindow& tile, int increment);
    void render_tile_bucket(const PixelWindow& tile);

    const scene::Frame& m_frame;
    RenderOptions m_options;
    int m_target;
    Film m_film;
    std::unique_ptr<FrameRenderer> m_renderer;
    FrameStats m_stats;
};

/// The tiles of a window in scan order (rows of kTileSize, left to right).
std::vector<PixelWindow> make_tiles(const PixelWindow& window, int tile_size = kTileSize);

}  // namespace ck::render
