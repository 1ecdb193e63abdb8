// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/frame_session.h"

#include "session/output.h"
#include "session/post_command.h"
#include "session/signals.h"

#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/fault.h>
#include <ck/provenance.h>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

#include <unistd.h>

namespace ck::render {

namespace {

// S8: the share of the frame's time spent writing checkpoints that earns a warning.
constexpr double kCheckpointCostWarning = 0.05;

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

// "3.1 s", "2 min 5 s", "1 h 3 min": a duration a person reads at a glance.
std::string duration_text(double s)
{
    char buf[48];
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%.1f s", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%d min %d s", int(s / 60), int(s) % 60);
    else
        std::snprintf(buf, sizeof buf, "%d h %d min", int(s / 3600), (int(s) % 3600) / 60);
    return buf;
}

std::string spp_text(int n)
{
    return std::to_string(n) + (n == 1 ? " sample per pixel" : " samples per pixel");
}

std::string host_name()
{
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "unknown";
    return buf;
}

std::string utc_now_iso()
{
    std::time_t t = std::time(nullptr);
    std::tm tm = {};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

std::string progress_text(const Progress& p)
{
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * p.fraction);
    std::string t = "frame " + std::to_string(p.frame) + ": ";
    if (p.incremental)
        t += std::string(p.increment_done ? "increment " : "in increment ") +
             std::to_string(p.increment) + "/" + std::to_string(p.target) + ", " + pct + " done";
    else
        t += std::string(pct) + " of pixels done (" + std::to_string(p.pixels_done) + " of " +
             std::to_string(p.pixels) + ")";
    t += ", " + duration_text(p.frame_elapsed) + " elapsed";
    if (p.eta >= 0 && !p.end)
        t += ", about " + duration_text(p.eta) + " left";
    if (p.since_checkpoint >= 0)
        t += ", last checkpoint " + duration_text(p.since_checkpoint) + " ago";
    return t;
}

std::vector<PixelWindow> order_buckets(const PixelWindow& window, int width, int height,
                                       scene::BucketOrder order)
{
    width = std::max(1, width);
    height = std::max(1, height);
    const int nx = std::max(0, (window.width() + width - 1) / width);
    const int ny = std::max(0, (window.height() + height - 1) / height);
    std::vector<std::pair<int, int>> cells;  // (column, row)
    cells.reserve(size_t(nx) * size_t(ny));
    using scene::BucketOrder;
    switch (order) {
    case BucketOrder::Vertical:
    case BucketOrder::ZigzagY:
        for (int i = 0; i < nx; ++i)
            for (int k = 0; k < ny; ++k)
                cells.emplace_back(i, order == BucketOrder::ZigzagY && i % 2 ? ny - 1 - k : k);
        break;
    default:
        for (int j = 0; j < ny; ++j)
            for (int k = 0; k < nx; ++k)
                cells.emplace_back(order == BucketOrder::ZigzagX && j % 2 ? nx - 1 - k : k, j);
        break;
    }
    if (order == BucketOrder::Spiral || order == BucketOrder::Circle) {
        // From the centre outwards: by square rings (spiral) or by distance
        // (circle), each ring clockwise from the top; ties in scan order.
        const double cx = (nx - 1) / 2.0, cy = (ny - 1) / 2.0;
        auto key = [&](const std::pair<int, int>& c) {
            const double dx = c.first - cx, dy = c.second - cy;
            const double ring = order == BucketOrder::Spiral
                                    ? std::ceil(std::max(std::fabs(dx), std::fabs(dy)) - 1e-9)
                                    : std::round(std::sqrt(dx * dx + dy * dy) * 4.0);
            double angle = std::atan2(dx, -dy);  // 0 at the top, clockwise
            if (angle < 0)
                angle += 2.0 * 3.14159265358979323846;
            return std::make_pair(ring, angle);
        };
        std::stable_sort(cells.begin(), cells.end(),
                         [&](const auto& a, const auto& b) { return key(a) < key(b); });
    } else if (order == BucketOrder::Random) {
        std::mt19937 shuffle(0x636b7264u);  // fixed: the same order every run
        std::shuffle(cells.begin(), cells.end(), shuffle);
    }
    std::vector<PixelWindow> buckets;
    buckets.reserve(cells.size());
    for (const auto& [i, j] : cells) {
        const int x = window.x0 + i * width, y = window.y0 + j * height;
        buckets.push_back({x, y, std::min(x + width, window.x1), std::min(y + height, window.y1)});
    }
    return buckets;
}

std::string new_render_id()
{
    // Identity, not sampling: randomness here never reaches a pixel.
    std::random_device rd;
    char buf[33];
    std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
    return buf;
}

FrameSession::FrameSession(const scene::Frame& frame, RenderOptions options)
    : m_frame(frame),
      m_options(std::move(options)),
      m_target(std::max(1, frame.sampling.target_samples())),
      m_film(frame.image.xres, frame.image.yres, crop_pixel_window(frame.image),
             FilmLayout(scene::film_channels(frame))),
      m_fingerprint(scene::fingerprint_frame(frame)),
      m_render_id(new_render_id())
{
    const std::string prefix = "frame " + std::to_string(m_frame.number) + ": ";
    const CheckpointConfig& config = m_options.checkpoint;
    std::string why;
    m_can_checkpoint = frame_can_checkpoint(frame, why);
    if (!m_can_checkpoint && (config.enabled() || m_options.recover))
        log(prefix + "warning: " + why + "; checkpointing is off for this frame");

    // S7: increment intervals mean nothing in bucket mode.
    std::vector<Interval> intervals = config.interval;
    if (!frame.sampling.incremental) {
        auto is_increments = [](const Interval& i) { return !i.is_time(); };
        if (std::any_of(intervals.begin(), intervals.end(), is_increments)) {
            log(prefix + "note: checkpoint intervals in increments are ignored in bucket mode "
                         "(a bucket render has no increments); time intervals still apply");
            intervals.erase(std::remove_if(intervals.begin(), intervals.end(), is_increments),
                            intervals.end());
        }
    }
    // S2: a bucket render that can hold a checkpoint keeps its finished
    // buckets on disk without being asked, unless a time interval was given.
    if (!frame.sampling.incremental && m_can_checkpoint && config.bucket_interval &&
        std::none_of(intervals.begin(), intervals.end(),
                     [](const Interval& i) { return i.is_time(); })) {
        Interval every;
        every.seconds = *config.bucket_interval;
        intervals.push_back(every);
        log(prefix + "bucket mode: finished buckets are committed every " + every.str() +
            ", so a kill loses at most that much work (-checkpoint TIME or "
            "/ckrender/checkpoint/bucketinterval changes it)");
    }
    m_schedule = CheckpointSchedule(std::move(intervals));

    if (!config.command.empty()) {
        if (!config.allow_command) {
            log(prefix + "warning: post-checkpoint command ignored: system commands are off "
                         "(enable with --allow-command or /ckrender/checkpoint/allowcommand)");
        } else if (auto args = split_command(config.command); !args) {
            log(prefix + "warning: post-checkpoint command ignored: " + args.status().message());
        } else {
            m_command = args.value();
            m_run_command = true;
        }
    }
    if (m_can_checkpoint)
        m_writer =
            std::make_unique<CheckpointWriter>(m_frame, m_film.window(), m_options.before_write);
}

FrameSession::~FrameSession()
{
    if (m_writer)
        m_writer->wait_idle();
}

void FrameSession::log(const std::string& line) const
{
    if (m_options.log)
        m_options.log(line);
}

double FrameSession::frame_elapsed() const
{
    return seconds_since(m_options.frame_start);
}

Status FrameSession::build(const RendererFactory& factory)
{
    auto start = Clock::now();
    RendererSettings settings;
    settings.cancel = m_options.stop;
    if (!settings.cancel && m_options.use_signals)
        settings.cancel = exit_flag();  // a signal during the BVH build stops it
    auto renderer = factory(m_frame, settings);
    m_stats.build_seconds = seconds_since(start);
    if (!renderer)
        return renderer.status();
    m_renderer = std::move(renderer.value());
    return {};
}

void FrameSession::recover()
{
    const std::string prefix = "frame " + std::to_string(m_frame.number) + ": ";
    if (m_options.recover) {
        if (!m_can_checkpoint) {
            log(prefix + "recover: starting from scratch: outputs cannot hold a checkpoint");
        } else {
            Recovery r = recover_frame(m_frame, m_fingerprint, m_target, m_film);
            if (r.failed) {
                // Never "start over" on what could not be read: stop, touch nothing.
                m_recover_failure = Status{ErrorCode::Io, prefix + "recover: " + r.message +
                                                              "; nothing was rendered or changed"};
            } else if (r.finished && m_options.rerender) {
                log(prefix + "recover: rendering again (--rerender), although its finals "
                             "match the scene");
            } else if (r.finished) {
                log(prefix + "recover: " + r.message);
                m_already_done = true;
            } else if (r.completed_final) {
                for (const std::string& name : r.repaired)
                    log(prefix + "recover: completed the interrupted final write of " + name);
                log(prefix + "recover: " + r.message);
                m_already_done = true;
            } else if (r.resumed) {
                m_render_id = r.header.render_id;
                m_generation = r.header.generation;
                m_total_before = r.header.total_elapsed;
                m_history_before = r.header.history;
                for (const std::string& name : r.repaired)
                    log(prefix + "recover: completed the interrupted commit of " + name);
                log(prefix + "recover: " + r.message);
                if (r.header.min_samples > m_target)
                    log(prefix + "warning: recover: the checkpoint already has " +
                        std::to_string(r.header.min_samples) +
                        " samples per pixel, more than maxsamples " + std::to_string(m_target) +
                        " asks for; the finals keep all of them (samples are never thrown "
                        "away; render without -recover 1 for exactly " +
                        std::to_string(m_target) + ")");
            } else {
                log(prefix + "recover: starting from scratch: " + r.message);
            }
        }
    }
    m_samples_at_start = uint64_t(m_film.total_weight());
}

bool FrameSession::interrupt_pending() const
{
    if (m_options.stop && m_options.stop->load(std::memory_order_relaxed))
        return true;
    if (m_options.use_signals && (exit_requested() || checkpoint_requested()))
        return true;
    const auto& exitat = m_options.checkpoint.exitat;
    if (!exitat && m_schedule.empty())
        return false;
    const double elapsed = frame_elapsed();
    if (exitat && exitat->is_time() && elapsed >= exitat->seconds)
        return true;
    return m_can_checkpoint && m_schedule.time_due(elapsed);
}

void FrameSession::sample_pixel(int x, int y, uint32_t sample_index)
{
    // Every channel of the frame from one camera path; RGBA needs 4 floats.
    constexpr int kStack = 64;
    const int n = m_film.layout().value_count();
    float stack[kStack];
    std::vector<float> heap;
    float* values = stack;
    if (n > kStack) {
        heap.resize(size_t(n));
        values = heap.data();
    }
    float z = 0.0f;
    m_renderer->render_channels(x, y, sample_index, values, z);
    m_film.add_sample(x, y, values, z);
}

void FrameSession::render_tile_incremental(const PixelWindow& tile, int increment)
{
    // One sample for each pixel that is at this increment; a pixel that is ahead
    // (after a mid-increment checkpoint or resume) or done is left alone.
    uint64_t added = 0;
    for (int y = tile.y0; y < tile.y1; ++y)
        for (int x = tile.x0; x < tile.x1; ++x) {
            if (x + 1 < tile.x1)
                m_film.prefetch(x + 1, y);
            else if (y + 1 < tile.y1)
                m_film.prefetch(tile.x0, y + 1);
            float w = m_film.weight(x, y);
            if (w >= float(m_target) || w > float(increment))
                continue;
            sample_pixel(x, y, uint32_t(w));
            ++added;
        }
    tile_done(added, 0);
}

bool FrameSession::render_tile_bucket(const PixelWindow& tile)
{
    // Each pixel to its target, samples in index order; a stop request is
    // honoured between pixels, so a bucket never delays an exit for long (B5).
    uint64_t added = 0;
    size_t finished = 0;  // pixels this call took to the target
    size_t skipped = 0;   // pixels that were there already
    for (int y = tile.y0; y < tile.y1 && !interrupt_pending(); ++y)
        for (int x = tile.x0; x < tile.x1; ++x) {
            if (interrupt_pending())
                break;
            float w = m_film.weight(x, y);
            if (w >= float(m_target)) {
                ++skipped;
                continue;
            }
            // Within a pixel too: a huge maxsamples must not outlast a stop (B5).
            // A pixel left part-sampled continues from its weight, which is the
            // index of its next sample, so the bits stay the same (B1).
            bool stopped = false;
            for (uint32_t n = 0; w < float(m_target); w = m_film.weight(x, y), ++n) {
                if ((n & 63u) == 63u && interrupt_pending()) {
                    stopped = true;
                    break;
                }
                sample_pixel(x, y, uint32_t(w));
                ++added;
            }
            if (stopped)
                break;
            ++finished;
        }
    tile_done(added, finished);
    // Whole only when every pixel is at the target: a tile a stop cut short
    // returns normally too, and counting it as done let a pass that a
    // periodic checkpoint interrupted end the frame with pixels never
    // rendered (a black hole in the final, exit 0).
    return finished + skipped == size_t(tile.width()) * size_t(tile.height());
}

void FrameSession::tile_done(uint64_t samples_added, size_t pixels_finished)
{
    m_samples_added.fetch_add(samples_added, std::memory_order_relaxed);
    m_pixels_finished.fetch_add(pixels_finished, std::memory_order_relaxed);
    report_progress(m_increment_now.load(std::memory_order_relaxed), false, false);
}

void FrameSession::report_progress(int increment, bool increment_done, bool force, bool end)
{
    if (!m_options.on_progress && m_options.progress_interval <= 0)
        return;
    const int64_t tick_ns = int64_t(m_options.progress_tick * 1e9);
    const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               Clock::now().time_since_epoch())
                               .count();
    if (!force) {
        // One render thread wins the report that is due; the others go on.
        int64_t due = m_next_report_ns.load(std::memory_order_relaxed);
        if (now_ns < due || !m_next_report_ns.compare_exchange_strong(due, now_ns + tick_ns))
            return;
    } else {
        m_next_report_ns.store(now_ns + tick_ns, std::memory_order_relaxed);
    }

    Progress p;
    p.frame = m_frame.number;
    p.incremental = m_frame.sampling.incremental;
    p.increment = increment;
    p.increment_done = increment_done;
    p.target = m_target;
    p.pixels = m_film.pixel_count();
    p.pixels_done = std::min(p.pixels, m_pixels_finished.load(std::memory_order_relaxed));
    const double need = double(p.pixels) * double(m_target);
    const uint64_t added = m_samples_added.load(std::memory_order_relaxed);
    p.fraction = need > 0 ? std::min(1.0, double(m_samples_at_start + added) / need) : 1.0;
    p.frame_elapsed = frame_elapsed();
    const double render_seconds = seconds_since(m_render_start);
    if (added > 0 && render_seconds > 0)
        p.eta = std::max(0.0, (need - double(m_samples_at_start + added)) /
                                  (double(added) / render_seconds));
    const double last = m_last_commit.load();
    if (last >= 0)
        p.since_checkpoint = std::max(0.0, p.frame_elapsed - last);
    p.end = end;

    std::lock_guard<std::mutex> lock(m_progress_mutex);
    if (m_options.on_progress) {
        m_options.on_progress(p);
    } else if (!end && (increment_done || !p.incremental) &&
               p.frame_elapsed - m_last_plain_line >= m_options.progress_interval) {
        m_last_plain_line = p.frame_elapsed;
        log(progress_text(p));
    }
}

FrameSession::LoopEnd FrameSession::render_loop()
{
    const std::vector<PixelWindow> tiles =
        order_buckets(m_film.window(), m_frame.sampling.bucket_width,
                      m_frame.sampling.bucket_height, m_frame.sampling.bucket_order);
    const int threads = m_options.threads > 0 ? m_options.threads
                                              : tbb::this_task_arena::max_concurrency();
    tbb::task_arena arena(threads);
    const std::string prefix = "frame " + std::to_string(m_frame.number) + ": ";

    // Runs `body` over every tile not skipped by an interrupt; true when all ran.
    // Runs `body` over every tile not skipped by an interrupt; true when all ran.
    // The gate and the counter are the pass's hand-offs made explicit: the
    // loop thread's release of `gate` before the pass and each chunk's release
    // on `chunks` after it, acquired on the other side, order the loop's own
    // state and the film across threads. TBB's join already does this, but
    // inside a library ThreadSanitizer cannot see; with these edges TSan checks
    // our code with no suppression that could hide a race in it.
    std::atomic<unsigned> gate{0};
    auto run_pass = [&](auto&& body) {
        std::atomic<size_t> done{0};
        std::atomic<size_t> chunks{0};
        // The buckets are taken in their order from one counter (a plain
        // parallel_for over them would split the order among the threads).
        std::atomic<size_t> next{0};
        // Released after everything the workers read was made.
        gate.fetch_add(1, std::memory_order_release);
        arena.execute([&] {
            // TBB splits the range among the threads as it likes; each index
            // only stands for one bucket to take, and which bucket is always
            // the next of the order, from the counter.
            tbb::parallel_for(tbb::blocked_range<size_t>(0, tiles.size(), 1),
                              [&](const tbb::blocked_range<size_t>& r) {
                                  (void)gate.load(std::memory_order_acquire);
                                  for (size_t k = r.begin(); k != r.end(); ++k) {
                                      if (interrupt_pending())
                                          break;
                                      const size_t i =
                                          next.fetch_add(1, std::memory_order_relaxed);
                                      (void)fault::hit("render.tile");
                                      if (body(tiles[i]))
                                          done.fetch_add(1, std::memory_order_relaxed);
                                  }
                                  chunks.fetch_add(1, std::memory_order_release);
                              });
        });
        (void)chunks.load(std::memory_order_acquire);
        return done.load() == tiles.size();
    };

    // Between passes: every request the tiles stopped for.
    const auto& exitat = m_options.checkpoint.exitat;
    auto handle_events = [&]() -> std::optional<LoopEnd> {
        if (m_options.stop && m_options.stop->load())
            return LoopEnd::Stop;
        if (m_options.use_signals && exit_requested())
            return LoopEnd::Signal;
        const double elapsed = frame_elapsed();
        if (exitat && exitat->is_time() && elapsed >= exitat->seconds)
            return LoopEnd::ExitAt;
        const bool hup = m_options.use_signals && take_checkpoint_request();
        if (hup && !m_can_checkpoint)
            log(prefix + "warning: SIGHUP ignored: the outputs cannot hold a checkpoint");
        if (m_can_checkpoint && (hup || m_schedule.time_due(elapsed))) {
            (void)take_checkpoint(format::kReasonCheckpoint, false);
            m_schedule.taken(m_increments_done, frame_elapsed());
        }
        return std::nullopt;
    };

    if (m_frame.sampling.incremental) {
        int increment = int(m_film.min_weight());
        m_increment_now.store(increment, std::memory_order_relaxed);
        while (increment < m_target) {
            const bool complete = run_pass(
                [&](const PixelWindow& tile) {
                    render_tile_incremental(tile, increment);  // never stops inside a tile
                    return true;
                });
            if (auto end = handle_events())
                return *end;
            if (!complete)
                continue;  // the same increment again: finished tiles skip their pixels
            ++increment;
            ++m_increments_done;
            m_increment_now.store(increment, std::memory_order_relaxed);
            if (m_can_checkpoint && m_schedule.increments_due(m_increments_done)) {
                (void)take_checkpoint(format::kReasonCheckpoint, false);
                m_schedule.taken(m_increments_done, frame_elapsed());
            }
            if (exitat && !exitat->is_time() && m_increments_done >= uint64_t(exitat->increments) &&
                increment < m_target)
                return LoopEnd::ExitAt;
            // After the checkpoint of this increment was handed over (which
            // waits for the one in flight): a line saying increment k is done
            // means increment k-1 is on disk.
            report_progress(increment, true, true);
        }
    } else {
        for (;;) {
            const bool complete =
                run_pass([&](const PixelWindow& tile) { return render_tile_bucket(tile); });
            if (auto end = handle_events())
                return *end;
            if (complete)
                break;
        }
    }
    return LoopEnd::Done;
}

CheckpointHeader FrameSession::make_header(const char* reason, const char* state)
{
    return header_at(reason, state, ++m_generation);
}

CheckpointHeader FrameSession::header_at(const char* reason, const char* state,
                                         uint64_t generation) const
{
    CheckpointHeader h;
    h.format_version = format::kFormatVersion;
    h.state = state;
    h.render_id = m_render_id;
    h.generation = generation;
    h.frame = m_frame.number;
    h.mode = m_frame.sampling.incremental ? format::kModeIncremental : format::kModeBucket;
    h.target_samples = m_target;
    h.fingerprint = m_fingerprint.hex();
    h.fingerprint_parts = m_fingerprint.parts_text();
    h.reason = reason;
    h.checkpoint_elapsed = float(seconds_since(m_options.process_start));
    const double elapsed = frame_elapsed();
    h.total_elapsed = m_total_before + elapsed;
    const int threads =
        m_options.threads > 0 ? m_options.threads : tbb::this_task_arena::max_concurrency();
    const std::string entry =
        history_entry(host_name(), int(::getpid()), threads, utc_now_iso(), elapsed,
                      m_samples_at_start, uint64_t(m_film.total_weight()), reason);
    h.history = json_append(m_history_before, entry);
    h.seed = m_frame.sampling.seed;
    h.renderer = m_options.renderer_id;
    return h;
}

Status FrameSession::take_checkpoint(const char* reason, bool sync)
{
    if (!m_writer)
        return {ErrorCode::Unsupported, "the outputs cannot hold a checkpoint"};
    const auto start = Clock::now();
    CheckpointHeader base = make_header(reason, format::kStateCheckpoint);
    const uint64_t generation = base.generation;
    const int min_samples = int(m_film.min_weight());
    FilmState snapshot = m_film.state();  // all that the render threads pay for (B4)
    // What this checkpoint holds, not what the film holds when its commit is
    // logged: the threads go on while the writer writes.
    uint64_t pixels_done = 0;
    for (float w : snapshot.weights)
        pixels_done += w >= float(m_target) ? 1 : 0;

    Status status;
    if (sync || m_run_command) {
        // S25: with a command the render waits for it anyway, so write here too.
        m_writer->wait_idle();
        const auto write_start = Clock::now();
        status = m_writer->write_now(snapshot, base);
        after_commit(status, generation, reason, min_samples, pixels_done,
                     seconds_since(write_start));
    } else {
        if (m_writer->busy() && !m_busy_warned) {
            m_busy_warned = true;
            log("frame " + std::to_string(m_frame.number) +
                ": warning: the previous checkpoint is still being written; waiting for it "
                "(checkpoints are more frequent than the disk allows; said once per frame)");
        }
        const std::string why = reason;
        m_writer->submit({std::move(snapshot), base,
                          [this, generation, why, min_samples, pixels_done](const Status& s,
                                                                            double seconds) {
                              after_commit(s, generation, why.c_str(), min_samples, pixels_done,
                                           seconds);
                          }});
    }
    const double stall = seconds_since(start);
    if (!sync) {
        m_stats.stall_seconds += stall;
        m_stats.max_stall_seconds = std::max(m_stats.max_stall_seconds, stall);
    }
    return status;
}

void FrameSession::after_commit(const Status& status, uint64_t generation, const char* reason,
                                int min_samples, uint64_t pixels_done, double write_seconds)
{
    const std::string prefix = "frame " + std::to_string(m_frame.number) + ": ";
    if (m_options.on_checkpoint) {
        CheckpointEvent e;
        e.frame = m_frame.number;
        e.generation = generation;
        e.reason = reason;
        e.ok = bool(status);
        e.error = status ? std::string() : status.message();
        e.min_samples = min_samples;
        e.pixels_done = pixels_done;
        e.pixels = m_film.pixel_count();
        e.write_seconds = write_seconds;
        e.frame_elapsed = frame_elapsed();
        m_options.on_checkpoint(e);
    }
    if (!status) {
        m_failed_writes.fetch_add(1);
        // Say what is left: nothing when none was written yet or its directory vanished.
        std::error_code ec;
        const bool kept = std::filesystem::exists(m_frame.displays.front().name, ec);
        const char* left = status.code() == ErrorCode::PartialCommit
                               ? ""  // the message says what is in place
                               : kept ? "; the previous checkpoint is intact"
                                      : "; no previous checkpoint is on disk";
        log(prefix + "warning: checkpoint " + std::to_string(generation) +
            (status.code() == ErrorCode::PartialCommit ? " was not fully committed: "
                                                       : " was not written: ") +
            status.message() + left + " and the render goes on");
        return;
    }
    m_committed.fetch_add(1);
    m_last_commit.store(frame_elapsed());
    log(prefix + "checkpoint " + std::to_string(generation) + " committed (" + reason + ", " +
        (m_frame.sampling.incremental
             ? spp_text(min_samples)
             : std::to_string(pixels_done) + " of " + std::to_string(m_film.pixel_count()) +
                   " pixels done") +
        ", written in " + format_seconds(write_seconds) + " s, " +
        duration_text(frame_elapsed()) + " into the frame)");

    // S8: say once when checkpoints cost more than a few percent of the render.
    m_write_seconds += write_seconds;
    const double spent = m_write_seconds;
    const double elapsed = frame_elapsed();
    if (m_committed.load() >= 2 && spent > kCheckpointCostWarning * elapsed &&
        !m_cost_warned) {
        m_cost_warned = true;
        log(prefix + "warning: checkpoint writes have taken " + format_seconds(spent) +
            " s of the frame's " + format_seconds(elapsed) + " s so far (" +
            std::to_string(int(100 * spent / elapsed)) +
            "%, on the writer thread beside the render); a longer interval would cost less");
    }
    if (m_run_command) {
        CommandContext ctx{uint64_t(min_samples), frame_elapsed(), reason};
        ctx.timeout_seconds = m_options.checkpoint.command_timeout;
        int code = 0;
        if (Status s = run_command(m_command, ctx, code); !s)
            log(prefix + "warning: " + s.message());
        else if (code != 0)
            log(prefix + "warning: post-checkpoint command exited with status " +
                std::to_string(code));
    }
}

Status FrameSession::write_final(bool draft)
{
    if (m_writer)
        m_writer->wait_idle();
    if (m_options.checkpoint.asfinal && m_can_checkpoint && !draft) {
        // S14: the final image is just another checkpoint, marked asfinal.
        CheckpointHeader base = make_header(format::kReasonFinished, format::kStateAsFinal);
        const auto write_start = Clock::now();
        Status s = m_writer->write_now(m_film.state(), base);
        after_commit(s, base.generation, format::kReasonFinished, int(m_film.min_weight()),
                     m_pixels_finished.load(), seconds_since(write_start));
        return s;
    }
    // Finals keep no checkpoint state (S4), only a provenance record, so that
    // -recover 1 can skip this frame later when the scene still matches.
    std::vector<ImageWrite> writes;
    std::vector<OutputImage> images = final_images(m_frame, m_film);
    CheckpointHeader state = header_at(format::kReasonFinished, format::kStateAsFinal, m_generation);
    state.min_samples = int(m_film.min_weight());
    FinalProvenance provenance = provenance_of(state, format::kMadeByRender);
    provenance.display_count = int(images.size());
    for (size_t i = 0; i < images.size(); ++i) {
        provenance.display_index = int(i);
        provenance.display_name = m_frame.displays[i].name;
        set_provenance_attributes(images[i].spec, provenance);
        writes.push_back(images[i].write());
    }
    Status s = write_images_atomically(writes, m_options.before_write);
    if (s && m_run_command && !draft) {
        CommandContext ctx{uint64_t(m_film.min_weight()), frame_elapsed(), format::kReasonFinished};
        ctx.timeout_seconds = m_options.checkpoint.command_timeout;
        int code = 0;
        if (Status c = run_command(m_command, ctx, code); !c)
            log("frame " + std::to_string(m_frame.number) + ": warning: " + c.message());
    }
    return s;
}

void FrameSession::report_timing(bool finished)
{
    if (m_writer)
        m_writer->wait_idle();
    m_stats.checkpoints = m_committed.load();
    log("frame " + std::to_string(m_frame.number) + ": build " +
        format_seconds(m_stats.build_seconds) + " s, render " +
        format_seconds(m_stats.render_seconds) + " s, " + std::to_string(m_stats.samples) +
        " samples, " +
        format_seconds(m_stats.render_seconds > 0
                           ? double(m_stats.samples) / m_stats.render_seconds * 1e-6
                           : 0.0) +
        " Msamples/s" + (finished ? "" : " (stopped early)"));
    if (m_stats.checkpoints > 0)
        log("frame " + std::to_string(m_frame.number) + ": " +
            std::to_string(m_stats.checkpoints) + " checkpoint(s); render threads stalled " +
            format_seconds(m_stats.stall_seconds) + " s in all, " +
            format_seconds(m_stats.max_stall_seconds) + " s at most");
}

FrameOutcome FrameSession::run(Status& status)
{
    if (!m_recover_failure.is_ok()) {
        status = m_recover_failure;
        return FrameOutcome::Failed;
    }
    if (m_already_done)
        return FrameOutcome::AlreadyDone;
    if (m_options.use_signals && exit_requested())
        return FrameOutcome::SignalBeforeWork;  // during start-up: nothing to save
    const auto start = Clock::now();
    m_render_start = start;
    const double samples_before = m_film.total_weight();
    size_t done = 0;  // pixels already at the target (after a recovery)
    const PixelWindow& win = m_film.window();
    for (int y = win.y0; y < win.y1; ++y)
        for (int x = win.x0; x < win.x1; ++x)
            done += m_film.weight(x, y) >= float(m_target) ? 1 : 0;
    m_pixels_finished.store(done);
    // Time to the first new sample: start-up, scene build and any recovery;
    // the frame's own time, and since ckrender started (S21 counts from there).
    log("frame " + std::to_string(m_frame.number) + ": sampling starts " +
        format_seconds(frame_elapsed()) + " s into the frame (" +
        format_seconds(seconds_since(m_options.process_start)) + " s after ckrender started), " +
        (m_frame.sampling.incremental
             ? "at " + spp_text(int(m_film.min_weight()))
             : std::to_string(done) + " of " + std::to_string(m_film.pixel_count()) +
                   " pixels done"));
    const LoopEnd end = render_loop();
    report_progress(m_increment_now.load(), false, true, true);
    m_stats.render_seconds += seconds_since(start);
    m_stats.samples += uint64_t(m_film.total_weight() - samples_before);

    switch (end) {
    case LoopEnd::Done:
        report_timing(true);
        status = write_final();
        return status ? FrameOutcome::Finished : FrameOutcome::Failed;
    case LoopEnd::Stop:
        report_timing(false);
        return FrameOutcome::Stopped;
    case LoopEnd::ExitAt:
    case LoopEnd::Signal:
        break;
    }
    report_timing(false);
    // A signal before any new sample: the outputs on disk are all there is,
    // and writing them again would add nothing.
    if (end == LoopEnd::Signal && m_film.total_weight() == double(m_samples_at_start))
        return FrameOutcome::SignalBeforeWork;
    if (!m_can_checkpoint) {
        // S3, S11: exit-at (or a stop signal) writes the result as it stands;
        // it cannot be resumed, and its provenance record says draft.
        status = write_final(true);
        if (!status)
            return FrameOutcome::Failed;
        return end == LoopEnd::ExitAt ? FrameOutcome::DraftExitAt : FrameOutcome::DraftInterrupted;
    }
    // The last checkpoint replaces the periodic ones (S10); it is written and
    // committed before the process moves on or exits.
    status = take_checkpoint(format::kReasonExiting, true);
    if (!status)
        return FrameOutcome::Failed;
    return end == LoopEnd::ExitAt ? FrameOutcome::ExitAt : FrameOutcome::Interrupted;
}

}  // namespace ck::render
