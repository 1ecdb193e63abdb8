// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/checkpoint_io.h"

#include "scene/recovery_expectation.h"

#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/recovery.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
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

std::vector<OutputImage> checkpoint_images(const scene::Frame& frame, const PixelWindow& window,
                                           const std::vector<float>& film_data,
                                           const CheckpointHeader& base)
{
    const size_t npixels = size_t(window.width()) * size_t(window.height());
    // Sample statistics from the weights (identical for every display).
    uint64_t samples_done = 0;
    float min_weight = npixels ? std::numeric_limits<float>::max() : 0.0f;
    float max_weight = 0.0f;
    for (size_t i = 0; i < npixels; ++i) {
        float w = film_data[i * Film::kValuesPerPixel + Film::kWeightOffset];
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
        const int colour = display_channel_count(display);
        OutputImage image;
        image.path = display.name;
        // A TIFF checkpoint keeps display_spec's format as its picture's type
        // (tiff_checkpoint.h); the state itself is always float32.
        image.format_name = display.format == scene::ImageFormat::TIFF ? format::kTiffFormat
                                                                       : format::kOpenExrFormat;
        image.spec = display_spec(frame, display, window);
        image.spec.nchannels = colour + 1;
        image.spec.channelnames.push_back(format::kWeightChannel);
        image.spec.channelformats.clear();
        if (!is_lossless(display.compression))
            image.spec.attribute("compression", "zip");
        image.pixels.resize(npixels * size_t(colour + 1));
        for (size_t i = 0; i < npixels; ++i) {
            const float* src = &film_data[i * Film::kValuesPerPixel];
            float* dst = &image.pixels[i * size_t(colour + 1)];
            for (int c = 0; c < colour; ++c)
                dst[c] = src[c];
            dst[colour] = src[Film::kWeightOffset];
        }
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

    // The film from the set: colour and ~w from display 0, alpha from the first
    // display that has it (all files of a generation hold the same state).
    const size_t npixels = film.pixel_count();
    const CheckpointImage& first = check.images[0];
    const size_t nch0 = first.channel_names.size();
    const CheckpointImage* alpha = nullptr;
    for (const CheckpointImage& image : check.images)
        if (image.channel_names.size() == 5) {
            alpha = &image;
            break;
        }
    std::vector<float>& data = film.data();
    for (size_t p = 0; p < npixels; ++p) {
        float* dst = &data[p * Film::kValuesPerPixel];
        for (size_t c = 0; c < 3; ++c)
            dst[c] = first.pixels[p * nch0 + c];
        dst[3] = alpha ? alpha->pixels[p * 5 + 3] : 0.0f;
        dst[Film::kWeightOffset] = first.pixels[p * nch0 + nch0 - 1];
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

Status CheckpointWriter::write_now(const std::vector<float>& film_data,
                                   const CheckpointHeader& base) const
{
    std::vector<OutputImage> images = checkpoint_images(m_frame, m_window, film_data, base);
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
