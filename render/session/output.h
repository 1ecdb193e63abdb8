// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Turns the film into the images a frame's displays name.
#pragma once

#include "film/film.h"
#include "scene/display_names.h"
#include "scene/scene.h"

#include <ck/commit.h>
#include <ck/result.h>

#include <OpenImageIO/imageio.h>

#include <string>
#include <vector>

namespace ck::render {

/// One display's image, ready to write.
struct OutputImage {
    std::string path;
    std::string format_name;
    OIIO::ImageSpec spec;
    std::vector<float> pixels;

    ImageWrite write() const { return {path, format_name, spec, pixels.data()}; }
};

/// Channels a display's final has (scene::display_output_names).
int display_channel_count(const scene::Display& display);

/// Display `index`'s pixels from a film state, interleaved row by row over the
/// window: its own channels (what a final holds) and, with `with_state`, the
/// rest of scene::checkpoint_channels(): the sums' words, the z keys, ~w.
std::vector<float> display_pixels(const scene::Frame& frame, size_t index,
                                  const FilmLayout& layout, const FilmState& state,
                                  bool with_state);

/// The OIIO spec of a display: float32 channels, data window = the crop
/// window, display window = the full frame, compression (lossless by default),
/// Software and camera attributes.
OIIO::ImageSpec display_spec(const scene::Frame& frame, const scene::Display& display,
                             const PixelWindow& window);

/// Final images (S4: no ~w, no checkpoint state) for every display of the frame.
std::vector<OutputImage> final_images(const scene::Frame& frame, const Film& film);

/// A file the render reads, and what it is to the user ("the scene file").
struct InputFile {
    std::string path;
    std::string role;
};

/// B10: no display writes a file the render reads (the scene, an archive, a
/// texture, a settings file). Compared by identity (device and inode, after
/// symbolic links), so every spelling, symlink and hard link of an input is
/// refused. Returns ErrorCode::InvalidArgument (a scene error) naming the
/// display's RIB line and the input; inputs that cannot be stat'ed are skipped
/// (they were read, or their own error was reported already).
Status check_inputs_not_outputs(const scene::Frame& frame, const std::vector<InputFile>& inputs);

/// B10 (the part that needs no checkpoint): every display's directory exists
/// and is writable. Returns ErrorCode::Io naming the display and its RIB line.
Status check_outputs_writable(const scene::Frame& frame);

/// Bytes a frame's pixels need at the peak of a render (B10, issue 10 item 6):
/// the film and the checkpoint writer's copy of it (FilmLayout::bytes_per_pixel
/// each), every display's checkpoint image, and the largest of those once
/// more for the encoder. An estimate of the pixel data only: geometry and the
/// acceleration structure come on top.
uint64_t frame_pixel_bytes(const scene::Frame& frame);

/// What this process may still allocate: MemAvailable + SwapFree from
/// /proc/meminfo, capped by RLIMIT_AS and RLIMIT_DATA less what is mapped now.
/// `what` names the limit that decided ("MemAvailable + SwapFree", "ulimit -v").
/// 0 when nothing could be read (then there is no preflight).
uint64_t available_memory_bytes(std::string& what);

/// B10: refuses a frame whose pixel data alone cannot fit (Format 65536 65536
/// on a 24 GiB machine) before anything is allocated, with ErrorCode::Io
/// naming the Format, the need and what is available.
Status check_memory(const scene::Frame& frame);

}  // namespace ck::render
