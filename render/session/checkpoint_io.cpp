// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/checkpoint_io.h"

#include "scene/recovery_expectation.h"

#include <ck/fixed_sum.h>

#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/recovery.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>
#include <optional>

namespace ck::render {

namespace {

// Lossless compressions a checkpoint may use (never dwaa/dwab/b44/pxr24 on state).
bool is_lossless(const std::string& compression)
{
    return compression == "none" || compression == "zip" || compression == "zips" ||
           compression == "piz" || compression == "rle";
}


}  // namespace

// The channel list, the S3 rule and the recovery expectation live in ck_scene
// (scene/recovery_expectation.h), so ckverify builds exactly what -recover 1 checks.
std::vector<std::string> checkpoint_channels(const scene::Display& display)
{
    return scene::checkpoint_channels(display);
}

bool frame_can_checkpoint(const scene::Frame& frame, std::string& why)
{
    why = scene::checkpoint_blocker(frame);
    return why.empty();
}

std::vector<OutputImage> checkpoint_images(const scene::Frame& frame, const FilmLayout& layout,
                                           const PixelWindow& window, const FilmState& state,
                                           const CheckpointHeader& base)
{
    // Sample statistics from the weights (identical for every display).
    uint64_t samples_done = 0;
    float min_weight = state.weights.empty() ? 0.0f : std::numeric_limits<float>::max();
    float max_weight = 0.0f;
    for (float w : state.weights) {
        samples_done += uint64_t(w);
        min_weight = std::min(min_weight, w);
        max_weight = std::max(max_weight, w);
    }
    // A resume with maxsamples lowered keeps the samples it has: the target
    // recorded is then what the pixels hold, so that no ~w exceeds it (the
    // rule read_checkpoint() applies to every ~w).
    const int target = std::max(base.target_samples, int(max_weight));

    std::vector<OutputImage> images;
    for (size_t index = 0; index < frame.displays.size(); ++index) {
        const scene::Display& display = frame.displays[index];
        OutputImage image;
        image.path = display.name;
        // A TIFF checkpoint keeps display_spec's format as its picture's type
        // (tiff_checkpoint.h); the state itself is always float32.
        image.format_name = display.format == scene::ImageFormat::TIFF ? format::kTiffFormat
                                                                       : format::kOpenExrFormat;
        image.spec = display_spec(frame, display, window);
        const std::vector<std::string> names = scene::checkpoint_channels(display);
        image.spec.nchannels = int(names.size());
        image.spec.channelnames.assign(names.begin(), names.end());
        image.spec.channelformats.clear();
        if (!is_lossless(display.compression))
            image.spec.attribute("compression", "zip");
        image.pixels = display_pixels(frame, index, layout, state, true);
        CheckpointHeader header = base;
        header.display_index = int(index);
        header.display_count = int(frame.displays.size());
        header.display_name = display.name;
        header.samples_done = samples_done;
        header.min_samples = int(min_weight);
        header.target_samples = target;
        header.state_hash = state_hash(image.spec, image.pixels.data());
        set_checkpoint_attributes(image.spec, header);
        images.push_back(std::move(image));
    }
    return images;
}

Status load_film(const scene::Frame& frame, const std::vector<CheckpointImage>& images,
                 Film& film)
{
    const FilmLayout& layout = film.layout();
    FilmState& state = film.state();
    const size_t npixels = film.pixel_count();
    const std::vector<scene::ChannelDecl> channels = scene::film_channels(frame);
    std::vector<bool> loaded(layout.channels().size(), false);
    bool zmin_loaded = false, zmax_loaded = false;
    const size_t nsum = size_t(layout.sum_count()), next = size_t(layout.extreme_count()),
                 nz = size_t(layout.zkey_count());
    auto damaged = [](const CheckpointImage& image, const std::string& why) {
        return Status{ErrorCode::Corrupt,
                      "damaged checkpoint " + image.header.display_name + ": " + why};
    };

    for (const CheckpointImage& image : images) {
        const size_t index = size_t(image.header.display_index);
        if (index >= frame.displays.size())
            continue;
        const scene::Display& display = frame.displays[index];
        const std::vector<int> film_ids = scene::display_film_channels(frame, index);
        const size_t nch = image.channel_names.size();
        const bool exact = image.header.format_version >= format::kFirstVersionWithSums;
        auto column = [&](const std::string& name) {
            for (size_t c = 0; c < nch; ++c)
                if (image.channel_names[c] == name)
                    return int(c);
            return -1;
        };
        const int wcol = column(format::kWeightChannel);
        if (wcol < 0)
            return damaged(image, "no ~w channel");
        for (size_t p = 0; p < npixels; ++p)
            state.weights[p] = image.pixels[p * nch + size_t(wcol)];
        for (size_t j = 0; j < film_ids.size(); ++j) {
            const size_t fc = size_t(film_ids[j]);
            const FilmChannel& ch = layout.channels()[fc];
            if (loaded[fc] || !ch.has_state())
                continue;
            const std::vector<std::string> names =
                scene::channel_output_names(display.channels[j], display.channels);
            std::vector<int> cols, words;
            for (const std::string& n : names) {
                cols.push_back(column(n));
                for (int k = 0; k < fixed::kSumWords; ++k)
                    words.push_back(exact ? column(scene::sum_channel_name(k, n)) : -1);
            }
            for (size_t k = 0; k < cols.size(); ++k)
                if (cols[k] < 0)
                    return damaged(image, "no channel " + names[k]);
            for (size_t p = 0; p < npixels; ++p) {
                const float* px = &image.pixels[p * nch];
                for (int k = 0; k < ch.components; ++k) {
                    if (ch.sum_offset >= 0) {
                        fixed::Sum sum = 0;
                        if (exact) {
                            float w[fixed::kSumWords];
                            for (int b = 0; b < fixed::kSumWords; ++b) {
                                const int col = words[size_t(k) * fixed::kSumWords + size_t(b)];
                                if (col < 0)
                                    return damaged(image, "no sum channels for " + names[size_t(k)]);
                                w[b] = px[col];
                            }
                            if (!fixed::decode(w, sum))
                                return damaged(image, "a sum word of " + names[size_t(k)] +
                                                          " is not a whole number in [0, 2^24)");
                        } else {
                            sum = fixed::sum_from_mean(px[cols[size_t(k)]], state.weights[p]);
                        }
                        state.sums[p * nsum + size_t(ch.sum_offset) + size_t(k)] = sum;
                    } else {
                        state.extremes[p * next + size_t(ch.extreme_offset) + size_t(k)] =
                            px[cols[size_t(k)]];
                    }
                }
            }
            loaded[fc] = true;
        }
        const int zmin_col = column(format::kZMinChannel), zmax_col = column(format::kZMaxChannel);
        if (layout.has_zmin() && !zmin_loaded && zmin_col >= 0) {
            for (size_t p = 0; p < npixels; ++p)
                state.zkeys[p * nz] = image.pixels[p * nch + size_t(zmin_col)];
            zmin_loaded = true;
        }
        if (layout.has_zmax() && !zmax_loaded && zmax_col >= 0) {
            for (size_t p = 0; p < npixels; ++p)
                state.zkeys[p * nz + (layout.has_zmin() ? 1 : 0)] =
                    image.pixels[p * nch + size_t(zmax_col)];
            zmax_loaded = true;
        }
    }
    for (size_t fc = 0; fc < loaded.size(); ++fc)
        if (!loaded[fc] && layout.channels()[fc].has_state())
            return {ErrorCode::Corrupt, "the checkpoint set holds no state for channel \"" +
                                            channels[fc].name + "\""};
    if ((layout.has_zmin() && !zmin_loaded) || (layout.has_zmax() && !zmax_loaded))
        return {ErrorCode::Corrupt, "the checkpoint set holds no z keys for its zmin/zmax channels"};

    // The float values a file shows must be the ones its state makes: an
    // edited picture channel is damage, never resumed (format version 3).
    for (const CheckpointImage& image : images) {
        if (image.header.format_version < format::kFirstVersionWithSums)
            continue;
        const size_t index = size_t(image.header.display_index);
        if (index >= frame.displays.size())
            continue;
        const std::vector<float> expect = display_pixels(frame, index, layout, state, false);
        const std::vector<std::string> names = scene::display_output_names(frame.displays[index]);
        const size_t nch = image.channel_names.size();
        for (size_t c = 0; c < names.size(); ++c) {
            int col = -1;
            for (size_t k = 0; k < nch; ++k)
                if (image.channel_names[k] == names[c])
                    col = int(k);
            for (size_t p = 0; p < npixels && col >= 0; ++p) {
                const float a = expect[p * names.size() + c];
                const float b = image.pixels[p * nch + size_t(col)];
                if (std::memcmp(&a, &b, sizeof a) != 0)
                    return damaged(image, "channel " + names[c] +
                                              " does not match the state it was written from "
                                              "(pixel " + std::to_string(p) + ")");
            }
        }
    }
    return {};
}

ExpectedFrame expected_frame(const scene::Frame& frame, const scene::Fingerprint& fingerprint,
                             int target_samples, const Film& film)
{
    ExpectedFrame e = scene::recovery_expectation(frame, fingerprint);
    // The film the pixels load into was sized by the same crop rule
    // (crop_pixel_window); take its window and the session's target as given.
    const PixelWindow& w = film.window();
    e.x = w.x0;
    e.y = w.y0;
    e.width = w.width();
    e.height = w.height();
    e.full_width = film.full_width();
    e.full_height = film.full_height();
    e.target_samples = target_samples;
    return e;
}

Recovery recover_frame(const scene::Frame& frame, const scene::Fingerprint& fingerprint,
                       int target_samples, Film& film)
{
    Recovery r;
    const ExpectedFrame expected = expected_frame(frame, fingerprint, target_samples, film);
    const RecoveryCheck check = check_recovery(expected);
    if (check.verdict == RecoveryVerdict::Finished && !check.roll_forward.empty()) {
        if (Status s = complete_interrupted_commit(check, expected); !s) {
            r.message = "cannot complete the interrupted final write: " + s.message();
            r.failed = true;
            return r;
        }
        for (size_t i : check.roll_forward)
            r.repaired.push_back(frame.displays[i].name);
        r.completed_final = true;
        r.header = check.header;
        r.message = "the frame was finished; its interrupted final write is now complete";
        return r;
    }
    if (check.verdict != RecoveryVerdict::Resumable) {
        r.message = check.message;
        r.finished = check.verdict == RecoveryVerdict::Finished;
        r.failed = check.verdict == RecoveryVerdict::Unreadable;
        return r;
    }
    if (Status s = complete_interrupted_commit(check, expected); !s) {
        r.message = "cannot complete the interrupted commit: " + s.message();
        r.failed = true;
        return r;
    }
    for (size_t i : check.roll_forward)
        r.repaired.push_back(frame.displays[i].name);

    if (Status s = load_film(frame, check.images, film); !s) {
        r.message = s.message();
        r.failed = true;
        return r;
    }
    const CheckpointHeader& h = check.header;
    r.resumed = true;
    r.header = h;
    r.message = "resuming render " + h.render_id.substr(0, 8) + " generation " +
                std::to_string(h.generation) + " from " + std::to_string(h.min_samples) +
                (h.min_samples == 1 ? " sample" : " samples") + " per pixel (" +
                std::to_string(h.samples_done) + " samples, " +
                std::to_string(int(std::lround(h.total_elapsed))) + " s so far)";
    return r;
}

std::string history_entry(const std::string& host, int pid, int threads,
                          const std::string& written, double elapsed, uint64_t samples_from,
                          uint64_t samples_to, const std::string& reason)
{
    nlohmann::ordered_json j;
    j["host"] = host;
    j["pid"] = pid;
    j["threads"] = threads;
    j["written"] = written;
    j["elapsed"] = std::round(elapsed * 1000.0) / 1000.0;
    j["samplesFrom"] = std::to_string(samples_from);
    j["samplesTo"] = std::to_string(samples_to);
    j["reason"] = reason;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string json_append(const std::string& array, const std::string& object)
{
    const auto parsed = nlohmann::ordered_json::parse(array, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_array())
        return "[" + object + "]";
    if (parsed.empty())
        return "[" + object + "]";
    // A valid non-empty array ends in ']' (after optional white space).
    const size_t close = array.find_last_of(']');
    return array.substr(0, close) + "," + object + "]";
}

CheckpointWriter::CheckpointWriter(const scene::Frame& frame, PixelWindow window,
                                   std::function<Status()> before_rename)
    : m_frame(frame),
      m_layout(scene::film_channels(frame)),
      m_window(window),
      m_before_rename(std::move(before_rename)),
      m_thread([this] { run(); })
{
}

CheckpointWriter::~CheckpointWriter()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

void CheckpointWriter::submit(Job job)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_cv.wait(lock, [&] { return !m_job && !m_running; });
    m_job = std::make_unique<Job>(std::move(job));
    m_cv.notify_all();
}

void CheckpointWriter::wait_idle()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_cv.wait(lock, [&] { return !m_job && !m_running; });
}

bool CheckpointWriter::busy() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_job || m_running;
}

Status CheckpointWriter::write_now(const FilmState& film_data,
                                   const CheckpointHeader& base) const
{
    std::vector<OutputImage> images =
        checkpoint_images(m_frame, m_layout, m_window, film_data, base);
    std::vector<ImageWrite> writes;
    for (const OutputImage& image : images)
        writes.push_back(image.write());
    return write_images_atomically(writes, m_before_rename);
}

void CheckpointWriter::run()
{
    for (;;) {
        std::unique_ptr<Job> job;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_cv.wait(lock, [&] { return m_quit || m_job; });
            if (!m_job)
                return;  // quit with nothing queued
            job = std::move(m_job);
            m_running = true;
        }
        const auto start = std::chrono::steady_clock::now();
        Status status;
        try {
            status = write_now(job->film_data, job->base);
        } catch (const std::bad_alloc&) {
            // On this thread an exception would end the process: report it as
            // the write error it is (issue 10, item 6).
            status = Status{ErrorCode::Io, "out of memory while writing the checkpoint"};
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (job->on_done)
            job->on_done(status, seconds);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_running = false;
        }
        m_cv.notify_all();
    }
}

}  // namespace ck::render
