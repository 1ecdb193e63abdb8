// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/checkpoint_io.h"

#include <ck/checkpoint_format.h>
#include <ck/commit.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>

namespace ck::render {

namespace {

namespace fs = std::filesystem;

// Lossless compressions a checkpoint may use (never dwaa/dwab/b44/pxr24 on state).
bool is_lossless(const std::string& compression)
{
    return compression == "none" || compression == "zip" || compression == "zips" ||
           compression == "piz" || compression == "rle";
}

struct DisplayFiles {
    std::optional<CheckpointImage> final_image;
    std::optional<CheckpointImage> part_image;
    std::string final_error;  ///< Why the final could not be used, if it exists.
};

}  // namespace

std::vector<std::string> checkpoint_channels(const scene::Display& display)
{
    std::vector<std::string> names = {"R", "G", "B"};
    if (display_channel_count(display) == 4)
        names.push_back("A");
    names.push_back(format::kWeightChannel);
    return names;
}

bool frame_can_checkpoint(const scene::Frame& frame, std::string& why)
{
    for (const scene::Display& d : frame.displays) {
        if (d.format != scene::ImageFormat::OpenEXR) {
            why = d.loc.str() + ": Display \"" + d.name +
                  "\" is not OpenEXR; an incremental render can only be checkpointed and "
                  "recovered to OpenEXR (S3)";
            return false;
        }
    }
    return true;
}

std::vector<OutputImage> checkpoint_images(const scene::Frame& frame, const PixelWindow& window,
                                           const std::vector<float>& film_data,
                                           const CheckpointHeader& base)
{
    const size_t npixels = size_t(window.width()) * size_t(window.height());
    // Sample statistics from the weights (identical for every display).
    uint64_t samples_done = 0;
    float min_weight = npixels ? std::numeric_limits<float>::max() : 0.0f;
    for (size_t i = 0; i < npixels; ++i) {
        float w = film_data[i * Film::kValuesPerPixel + Film::kWeightOffset];
        samples_done += uint64_t(w);
        min_weight = std::min(min_weight, w);
    }

    std::vector<OutputImage> images;
    for (size_t index = 0; index < frame.displays.size(); ++index) {
        const scene::Display& display = frame.displays[index];
        const int colour = display_channel_count(display);
        OutputImage image;
        image.path = display.name;
        image.format_name = format::kOpenExrFormat;
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
        header.state_hash = state_hash(image.spec, image.pixels.data());
        set_checkpoint_attributes(image.spec, header);
        images.push_back(std::move(image));
    }
    return images;
}

Recovery recover_frame(const scene::Frame& frame, const scene::Fingerprint& fingerprint,
                       int target_samples, Film& film)
{
    Recovery r;
    auto fail = [&](const std::string& why) {
        r.resumed = false;
        r.message = why;
        return r;
    };
    if (frame.displays.empty())
        return fail("no displays");

    // 1. Read what is there: each display's file and any .part beside it.
    std::vector<DisplayFiles> files(frame.displays.size());
    for (size_t i = 0; i < frame.displays.size(); ++i) {
        const scene::Display& d = frame.displays[i];
        const auto channels = checkpoint_channels(d);
        const std::string part = part_path(d.name);
        std::error_code ec;
        const bool has_final = fs::exists(d.name, ec);
        if (has_final) {
            auto img = read_checkpoint(d.name, channels);
            if (img)
                files[i].final_image = std::move(img.value());
            else if (img.status().code() == ErrorCode::NotFound)
                files[i].final_error = d.name + " is a finished image (no checkpoint state)";
            else
                files[i].final_error = "unreadable checkpoint: " + img.status().message();
        }
        if (fs::exists(part, ec)) {
            auto img = read_checkpoint(part, channels);
            if (img)
                files[i].part_image = std::move(img.value());
        }
        if (!has_final && !files[i].part_image)
            return fail(d.name + " is missing");
    }

    // 2. The newest generation of this render that a committed file shows.
    const CheckpointHeader* newest = nullptr;
    for (const DisplayFiles& f : files)
        if (f.final_image && (!newest || f.final_image->header.generation > newest->generation))
            newest = &f.final_image->header;
    if (!newest) {
        for (const DisplayFiles& f : files)
            if (!f.final_error.empty())
                return fail(f.final_error);
        return fail("no committed checkpoint (only .part files)");
    }
    const std::string render_id = newest->render_id;
    const uint64_t generation = newest->generation;

    // 3. Every display must have that render id and generation, committed, or
    //    as a verified .part left by a crash between renames (roll forward).
    std::vector<const CheckpointImage*> chosen(files.size(), nullptr);
    std::vector<bool> from_part(files.size(), false);
    for (size_t i = 0; i < files.size(); ++i) {
        const DisplayFiles& f = files[i];
        auto matches = [&](const std::optional<CheckpointImage>& img) {
            return img && img->header.render_id == render_id &&
                   img->header.generation == generation;
        };
        if (matches(f.final_image)) {
            chosen[i] = &*f.final_image;
        } else if (matches(f.part_image)) {
            chosen[i] = &*f.part_image;
            from_part[i] = true;
            r.repaired.push_back(frame.displays[i].name);
        } else if (f.final_image) {
            return fail("files from different checkpoints: " + frame.displays[i].name +
                        " is render " + f.final_image->header.render_id.substr(0, 8) +
                        " generation " + std::to_string(f.final_image->header.generation) +
                        ", expected render " + render_id.substr(0, 8) + " generation " +
                        std::to_string(generation));
        } else {
            return fail(f.final_error.empty() ? frame.displays[i].name + " is missing"
                                              : f.final_error);
        }
    }

    // 4. Consistent with the scene and with the display set.
    const CheckpointHeader& h = chosen[0]->header;
    if (h.fingerprint != fingerprint.hex()) {
        std::string what;
        for (const std::string& part : scene::changed_parts(h.fingerprint_parts, fingerprint))
            what += (what.empty() ? "" : ", ") + part;
        return fail("scene fingerprint mismatch: changed: " + (what.empty() ? "unknown" : what));
    }
    for (size_t i = 0; i < chosen.size(); ++i) {
        const CheckpointHeader& hi = chosen[i]->header;
        const OIIO::ImageSpec& spec = chosen[i]->spec;
        if (hi.frame != frame.number)
            return fail(frame.displays[i].name + " belongs to frame " + std::to_string(hi.frame));
        if (hi.display_count != int(frame.displays.size()) || hi.display_index != int(i) ||
            hi.display_name != frame.displays[i].name)
            return fail("display set changed: " + frame.displays[i].name + " was display " +
                        std::to_string(hi.display_index) + " of " +
                        std::to_string(hi.display_count) + " (\"" + hi.display_name + "\")");
        const PixelWindow& w = film.window();
        if (spec.x != w.x0 || spec.y != w.y0 || spec.width != w.width() ||
            spec.height != w.height() || spec.full_width != film.full_width() ||
            spec.full_height != film.full_height())
            return fail(frame.displays[i].name + " has another resolution or crop window");
        if (chosen[i]->pixels.size() / chosen[i]->channel_names.size() != film.pixel_count())
            return fail(frame.displays[i].name + " has the wrong number of pixels");
    }
    if (h.min_samples >= target_samples)
        return fail("finished: " + frame.displays[0].name + " already has " +
                    std::to_string(h.min_samples) + " samples per pixel (target " +
                    std::to_string(target_samples) + ")");

    // 5. Weights must agree across files of one generation.
    const size_t npixels = film.pixel_count();
    auto weight_of = [&](size_t display, size_t pixel) {
        const CheckpointImage& img = *chosen[display];
        const size_t nch = img.channel_names.size();
        return img.pixels[pixel * nch + nch - 1];
    };
    for (size_t i = 1; i < chosen.size(); ++i)
        for (size_t p = 0; p < npixels; ++p)
            if (weight_of(i, p) != weight_of(0, p))
                return fail("files from different checkpoints: ~w of " + frame.displays[i].name +
                            " differs from " + frame.displays[0].name);

    // 6. Roll lagging files forward, then load the film.
    for (size_t i = 0; i < chosen.size(); ++i) {
        if (from_part[i]) {
            std::vector<std::string> finals = {frame.displays[i].name};
            if (Status s = commit_parts(finals); !s)
                return fail("cannot complete the interrupted commit: " + s.message());
        }
    }
    size_t alpha_from = chosen.size();
    for (size_t i = 0; i < chosen.size(); ++i)
        if (chosen[i]->channel_names.size() == 5) {
            alpha_from = i;
            break;
        }
    std::vector<float>& data = film.data();
    const CheckpointImage& first = *chosen[0];
    const size_t nch0 = first.channel_names.size();
    for (size_t p = 0; p < npixels; ++p) {
        float* dst = &data[p * Film::kValuesPerPixel];
        for (int c = 0; c < 3; ++c)
            dst[c] = first.pixels[p * nch0 + size_t(c)];
        dst[3] = alpha_from < chosen.size() ? chosen[alpha_from]->pixels[p * 5 + 3] : 0.0f;
        dst[Film::kWeightOffset] = first.pixels[p * nch0 + nch0 - 1];
    }
    r.resumed = true;
    r.header = h;
    r.message = "resuming render " + h.render_id.substr(0, 8) + " generation " +
                std::to_string(h.generation) + " from " + std::to_string(h.min_samples) +
                " samples per pixel (" + std::to_string(h.samples_done) + " samples, " +
                std::to_string(int(std::lround(h.total_elapsed))) + " s so far)";
    return r;
}

std::string json_string(const std::string& text)
{
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out.push_back(char(c));
            }
        }
    }
    return out + "\"";
}

std::string json_append(const std::string& array, const std::string& object)
{
    size_t close = array.rfind(']');
    if (array.empty() || close == std::string::npos)
        return "[" + object + "]";
    std::string head = array.substr(0, close);
    bool empty = head.find_first_not_of(" \t\n[") == std::string::npos;
    return head + (empty ? "" : ",") + object + "]";
}

CheckpointWriter::CheckpointWriter(const scene::Frame& frame, PixelWindow window)
    : m_frame(frame), m_window(window), m_thread([this] { run(); })
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
    return write_images_atomically(writes);
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
        Status status = write_now(job->film_data, job->base);
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
