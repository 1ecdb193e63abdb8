// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/frame_session.h"

#include "session/output.h"

#include <ck/commit.h>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace ck::render {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string format_seconds(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

}  // namespace

std::vector<PixelWindow> make_tiles(const PixelWindow& window, int tile_size)
{
    std::vector<PixelWindow> tiles;
    for (int y = window.y0; y < window.y1; y += tile_size)
        for (int x = window.x0; x < window.x1; x += tile_size)
            tiles.push_back({x, y, std::min(x + tile_size, window.x1),
                             std::min(y + tile_size, window.y1)});
    return tiles;
}

FrameSession::FrameSession(const scene::Frame& frame, RenderOptions options)
    : m_frame(frame),
      m_options(std::move(options)),
      m_target(std::max(1, frame.sampling.target_samples())),
      m_film(frame.image.xres, frame.image.yres, crop_pixel_window(frame.image))
{
}

void FrameSession::log(const std::string& line) const
{
    if (m_options.log)
        m_options.log(line);
}

bool FrameSession::stop_requested() const
{
    return m_options.stop && m_options.stop->load(std::memory_order_relaxed);
}

Status FrameSession::build(const RendererFactory& factory)
{
    auto start = Clock::now();
    RendererSettings settings;
    settings.cancel = m_options.stop;
    auto renderer = factory(m_frame, settings);
    m_stats.build_seconds = seconds_since(start);
    if (!renderer)
        return renderer.status();
    m_renderer = std::move(renderer.value());
    return {};
}

void FrameSession::render_tile_incremental(const PixelWindow& tile, int increment)
{
    // One sample for each pixel that is at this increment; a pixel that is ahead
    // (after a mid-increment resume) or done is left alone.
    for (int y = tile.y0; y < tile.y1; ++y)
        for (int x = tile.x0; x < tile.x1; ++x) {
            float w = m_film.weight(x, y);
            if (w >= float(m_target) || w > float(increment))
                continue;
            m_film.add_sample(x, y, m_renderer->render_sample(x, y, uint32_t(w)));
        }
}

void FrameSession::render_tile_bucket(const PixelWindow& tile)
{
    // Each pixel to its target, samples in index order.
    for (int y = tile.y0; y < tile.y1; ++y)
        for (int x = tile.x0; x < tile.x1; ++x)
            for (float w = m_film.weight(x, y); w < float(m_target); w = m_film.weight(x, y))
                m_film.add_sample(x, y, m_renderer->render_sample(x, y, uint32_t(w)));
}

bool FrameSession::render()
{
    const std::vector<PixelWindow> tiles = make_tiles(m_film.window());
    const int threads = m_options.threads > 0 ? m_options.threads
                                              : tbb::this_task_arena::max_concurrency();
    tbb::task_arena arena(threads);
    const auto start = Clock::now();
    auto last_progress = start;
    const double before = m_film.total_weight();

    auto run_tiles = [&](auto&& body) {
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<size_t>(0, tiles.size(), 1),
                              [&](const tbb::blocked_range<size_t>& r) {
                                  for (size_t i = r.begin(); i != r.end(); ++i) {
                                      if (stop_requested())
                                          return;
                                      body(tiles[i]);
                                  }
                              });
        });
    };

    if (m_frame.sampling.incremental) {
        for (int increment = int(m_film.min_weight()); increment < m_target; ++increment) {
            if (stop_requested())
                break;
            run_tiles([&](const PixelWindow& tile) { render_tile_incremental(tile, increment); });
            if (m_options.progress_interval > 0 &&
                seconds_since(last_progress) >= m_options.progress_interval) {
                last_progress = Clock::now();
                log("frame " + std::to_string(m_frame.number) + ": increment " +
                    std::to_string(increment + 1) + "/" + std::to_string(m_target));
            }
        }
    } else {
        run_tiles([&](const PixelWindow& tile) { render_tile_bucket(tile); });
    }

    m_stats.render_seconds += seconds_since(start);
    m_stats.samples += uint64_t(m_film.total_weight() - before);
    const bool finished = m_film.pixel_count() == 0 || m_film.min_weight() >= float(m_target);

    log("frame " + std::to_string(m_frame.number) + ": build " +
        format_seconds(m_stats.build_seconds) + " s, render " +
        format_seconds(m_stats.render_seconds) + " s, " + std::to_string(m_stats.samples) +
        " samples, " +
        format_seconds(m_stats.render_seconds > 0
                           ? double(m_stats.samples) / m_stats.render_seconds * 1e-6
                           : 0.0) +
        " Msamples/s" + (finished ? "" : " (stopped early)"));
    return finished;
}

Status FrameSession::write_final() const
{
    auto images = final_images(m_frame, m_film);
    std::vector<ImageWrite> writes;
    for (const OutputImage& image : images)
        writes.push_back(image.write());
    return write_images_atomically(writes);
}

}  // namespace ck::render
