// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/checkpoint.h>

#include <ck/checkpoint_format.h>
#include <ck/fault.h>
#include <ck/file_kind.h>
#include <ck/safe_read.h>
#include <ck/tiff_checkpoint.h>

#include "attributes.h"
#include "checkpoint_read.h"

#include <OpenEXR/ImfInputFile.h>
#include <OpenEXR/openexr.h>
#include <OpenImageIO/hash.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <limits>
#include <new>
#include <numeric>
#include <string_view>

namespace ck {

namespace {

using detail::double_bits;
using detail::float_bits;
using detail::hex64;
using detail::put_record;
using detail::set_double;
using detail::StrictReader;
using detail::u64_text;

constexpr uint64_t kHeaderHashSeed = 0x636b68656164ULL;  // "ckhead"

// A ~w channel or any ck: key: what a final image never has (ckstrip removes
// both), so a file with either but without ck:state is a damaged checkpoint.
bool has_checkpoint_traces(const OIIO::ImageSpec& spec)
{
    if (spec.channelindex(format::kWeightChannel) >= 0)
        return true;
    const std::string_view state = format::kKeyState;
    const std::string_view ns = state.substr(0, state.find(':') + 1);  // "ck:"
    for (const OIIO::ParamValue& p : spec.extra_attribs)
        if (p.name().string().compare(0, ns.size(), ns) == 0)
            return true;
    return false;
}

// OpenEXRCore reports some header damage through its error handler and still
// returns success (an attribute whose size runs past the file is skipped).
thread_local std::string t_header_error;

void note_header_error(exr_const_context_t, exr_result_t code, const char* message)
{
    if (t_header_error.empty())
        t_header_error = message ? message : exr_get_default_error_message(code);
}

// The first error OpenEXRCore reports while parsing the header of `path`,
// including those it recovers from; "" when the header parses cleanly.
std::string exr_header_error(const std::string& path)
{
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = note_header_error;
    t_header_error.clear();
    exr_context_t ctxt = nullptr;
    const exr_result_t rv = exr_start_read(&ctxt, path.c_str(), &init);
    if (rv == EXR_ERR_SUCCESS)
        exr_finish(&ctxt);
    else if (t_header_error.empty())
        t_header_error = exr_get_default_error_message(rv);
    return t_header_error;
}

}  // namespace

bool has_checkpoint_state(const OIIO::ImageSpec& spec)
{
    return spec.find_attribute(format::kKeyState) != nullptr;
}

void set_checkpoint_attributes(OIIO::ImageSpec& spec, const CheckpointHeader& h)
{
    spec.attribute(format::kKeyFormatVersion, h.format_version);
    spec.attribute(format::kKeyState, h.state);
    spec.attribute(format::kKeyRenderId, h.render_id);
    spec.attribute(format::kKeyGeneration, u64_text(h.generation));
    spec.attribute(format::kKeyFrame, h.frame);
    spec.attribute(format::kKeyDisplayIndex, h.display_index);
    spec.attribute(format::kKeyDisplayCount, h.display_count);
    spec.attribute(format::kKeyDisplayName, h.display_name);
    spec.attribute(format::kKeyMode, h.mode);
    spec.attribute(format::kKeyTargetSamples, h.target_samples);
    spec.attribute(format::kKeySamplesDone, u64_text(h.samples_done));
    spec.attribute(format::kKeyMinSamples, h.min_samples);
    spec.attribute(format::kKeyFingerprint, h.fingerprint);
    spec.attribute(format::kKeyFingerprintParts, h.fingerprint_parts);
    spec.attribute(format::kKeyReason, h.reason);
    spec.attribute(format::kCheckpointElapsed, h.checkpoint_elapsed);
    set_double(spec, format::kKeyTotalElapsed, h.total_elapsed);
    spec.attribute(format::kKeyHistory, h.history);
    spec.attribute(format::kKeySeed, u64_text(h.seed));
    spec.attribute(format::kKeyRenderer, h.renderer);
    spec.attribute(format::kKeyStateHash, hex64(h.state_hash));
    spec.attribute(format::kKeyHeaderHash, hex64(header_hash(spec, h)));
}

std::string header_hash_text(const OIIO::ImageSpec& spec, const CheckpointHeader& h)
{
    std::string t;
    t.reserve(1024 + h.history.size() + h.fingerprint_parts.size());
    put_record(t, format::kKeyFormatVersion, std::to_string(h.format_version));
    put_record(t, format::kKeyState, h.state);
    put_record(t, format::kKeyRenderId, h.render_id);
    put_record(t, format::kKeyGeneration, u64_text(h.generation));
    put_record(t, format::kKeyFrame, std::to_string(h.frame));
    put_record(t, format::kKeyDisplayIndex, std::to_string(h.display_index));
    put_record(t, format::kKeyDisplayCount, std::to_string(h.display_count));
    put_record(t, format::kKeyDisplayName, h.display_name);
    put_record(t, format::kKeyMode, h.mode);
    put_record(t, format::kKeyTargetSamples, std::to_string(h.target_samples));
    put_record(t, format::kKeySamplesDone, u64_text(h.samples_done));
    put_record(t, format::kKeyMinSamples, std::to_string(h.min_samples));
    put_record(t, format::kKeyFingerprint, h.fingerprint);
    put_record(t, format::kKeyFingerprintParts, h.fingerprint_parts);
    put_record(t, format::kKeyReason, h.reason);
    put_record(t, format::kCheckpointElapsed, float_bits(h.checkpoint_elapsed));
    put_record(t, format::kKeyTotalElapsed, double_bits(h.total_elapsed));
    put_record(t, format::kKeyHistory, h.history);
    put_record(t, format::kKeySeed, u64_text(h.seed));
    put_record(t, format::kKeyRenderer, h.renderer);
    put_record(t, format::kKeyStateHash, hex64(h.state_hash));
    put_record(t, "dataWindow",
               std::to_string(spec.x) + "," + std::to_string(spec.y) + "," +
                   std::to_string(spec.width) + "," + std::to_string(spec.height));
    put_record(t, "displayWindow",
               std::to_string(spec.full_x) + "," + std::to_string(spec.full_y) + "," +
                   std::to_string(spec.full_width) + "," + std::to_string(spec.full_height));
    if (h.format_version >= format::kFirstVersionWithSums) {
        // The channel names, sorted (OIIO may present them in another order):
        // a renamed channel is damage, never another channel set.
        std::vector<std::string> names(spec.channelnames.begin(), spec.channelnames.end());
        std::sort(names.begin(), names.end());
        std::string list;
        for (const std::string& n : names)
            list += std::to_string(n.size()) + ":" + n + ";";
        put_record(t, "channels", list);
    }
    return t;
}

uint64_t header_hash(const OIIO::ImageSpec& spec, const CheckpointHeader& h)
{
    const std::string text = header_hash_text(spec, h);
    return OIIO::xxhash::XXH64(text.data(), text.size(), kHeaderHashSeed);
}

Result<CheckpointHeader> get_checkpoint_attributes(const OIIO::ImageSpec& spec)
{
    if (!has_checkpoint_state(spec))
        return Status{ErrorCode::NotFound, "not a checkpoint (no ck:state attribute)"};

    CheckpointHeader h;
    StrictReader r(spec);
    if (!r.integer(format::kKeyFormatVersion, h.format_version))
        return Status{ErrorCode::Corrupt, r.error()};
    if (h.format_version > format::kFormatVersion || h.format_version < 1)
        return Status{ErrorCode::Unsupported,
                      "checkpoint format version " + std::to_string(h.format_version) +
                          " (this build reads up to " + std::to_string(format::kFormatVersion) +
                          ")"};
    uint64_t seed = 0;
    bool ok = r.str(format::kKeyState, h.state) && r.str(format::kKeyRenderId, h.render_id) &&
              r.u64(format::kKeyGeneration, h.generation) && r.integer(format::kKeyFrame, h.frame) &&
              r.integer(format::kKeyDisplayIndex, h.display_index) &&
              r.integer(format::kKeyDisplayCount, h.display_count) &&
              r.str(format::kKeyDisplayName, h.display_name) && r.str(format::kKeyMode, h.mode) &&
              r.integer(format::kKeyTargetSamples, h.target_samples) &&
              r.u64(format::kKeySamplesDone, h.samples_done) &&
              r.integer(format::kKeyMinSamples, h.min_samples) &&
              r.str(format::kKeyFingerprint, h.fingerprint) &&
              r.str(format::kKeyFingerprintParts, h.fingerprint_parts) &&
              r.str(format::kKeyReason, h.reason) &&
              r.real(format::kCheckpointElapsed, h.checkpoint_elapsed) &&
              r.real(format::kKeyTotalElapsed, h.total_elapsed) &&
              r.str(format::kKeyHistory, h.history) && r.u64(format::kKeySeed, seed) &&
              r.str(format::kKeyRenderer, h.renderer) &&
              r.u64(format::kKeyStateHash, h.state_hash, 16);
    if (!ok)
        return Status{ErrorCode::Corrupt, r.error()};
    if (seed > UINT32_MAX)
        return Status{ErrorCode::Corrupt, std::string("attribute \"") + format::kKeySeed +
                                              "\" out of range"};
    h.seed = uint32_t(seed);

    // The header hash: every value above and the windows, as read (B2, S22: a
    // flipped header value must not be trusted by recovery). Version 1 files
    // predate it; from version 2 it is required; whenever present it is checked.
    if (spec.find_attribute(format::kKeyHeaderHash) != nullptr) {
        uint64_t stored = 0;
        if (!r.u64(format::kKeyHeaderHash, stored, 16))
            return Status{ErrorCode::Corrupt, r.error()};
        if (stored != header_hash(spec, h))
            return Status{ErrorCode::Corrupt, std::string("checkpoint header does not match ") +
                                                  format::kKeyHeaderHash + " (damaged or altered)"};
    } else if (h.format_version >= format::kFirstVersionWithHeaderHash) {
        return Status{ErrorCode::Corrupt, std::string("attribute \"") + format::kKeyHeaderHash +
                                              "\" missing (required from format version " +
                                              std::to_string(format::kFirstVersionWithHeaderHash) +
                                              ")"};
    }

    // Values that must make sense together.
    if (h.state != format::kStateCheckpoint && h.state != format::kStateAsFinal)
        return Status{ErrorCode::Corrupt, "unknown ck:state \"" + h.state + "\""};
    if (h.mode != format::kModeIncremental && h.mode != format::kModeBucket)
        return Status{ErrorCode::Corrupt, "unknown ck:mode \"" + h.mode + "\""};
    if (h.display_count < 1 || h.display_index < 0 || h.display_index >= h.display_count)
        return Status{ErrorCode::Corrupt, "ck:displayIndex " + std::to_string(h.display_index) +
                                              " is not within ck:displayCount " +
                                              std::to_string(h.display_count)};
    if (h.target_samples < 1 || h.min_samples < 0 || h.generation == 0 || h.render_id.empty())
        return Status{ErrorCode::Corrupt, "inconsistent checkpoint counters"};
    return h;
}

uint64_t state_hash(const OIIO::ImageSpec& spec, const float* pixels)
{
    const int nch = spec.nchannels;
    std::vector<int> order(size_t(std::max(0, nch)));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return spec.channel_name(a) < spec.channel_name(b);
    });
    const size_t npixels = size_t(spec.image_pixels());
    // Hash one row at a time in canonical order, chaining the seed.
    uint64_t h = 0x636b73746174ULL;  // "ckstat"
    std::vector<float> row(size_t(spec.width) * size_t(nch));
    const size_t row_pixels = size_t(std::max(1, spec.width));
    for (size_t start = 0; start < npixels; start += row_pixels) {
        size_t count = std::min(row_pixels, npixels - start);
        for (size_t i = 0; i < count; ++i)
            for (int c = 0; c < nch; ++c)
                row[i * size_t(nch) + size_t(c)] = pixels[(start + i) * size_t(nch) + size_t(order[size_t(c)])];
        h = OIIO::xxhash::XXH64(row.data(), count * size_t(nch) * sizeof(float), h);
    }
    return h;
}

bool has_exr_magic(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[4] = {0, 0, 0, 0};
    in.read(reinterpret_cast<char*>(magic), 4);
    return in.gcount() == 4 && magic[0] == 0x76 && magic[1] == 0x2f && magic[2] == 0x31 &&
           magic[3] == 0x01;
}

Result<CheckpointImage> read_checkpoint(const std::string& path,
                                        const std::vector<std::string>& channel_names)
{
    auto fail = [&](ErrorCode code, const std::string& why) {
        return Status{code, path + ": " + why};
    };
    // A FIFO would block the open below until a writer came, a device would
    // never end: neither can be a checkpoint, and neither is "nothing there".
    if (const std::string kind = non_regular_kind(path); !kind.empty())
        return fail(ErrorCode::Io, "cannot read: it is " + kind + ", not a file");
    {
        std::ifstream probe(path, std::ios::binary);
        // Only a file that is not there is NotFound. One that is there but
        // cannot be opened (permissions, EMFILE, EIO) is an I/O error: never
        // "not a checkpoint", which recovery would take for a finished image.
        const int injected = fault::error_number(fault::hit("read.open"));
        if (!probe || injected) {
            const int err = injected ? injected : errno;
            return fail(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                        std::string("cannot open: ") + std::strerror(err));
        }
    }
    // A bucket render to TIFF keeps its state in a second page (tiff_checkpoint.h).
    if (detect_image_format(path) == ImageFormat::Tiff)
        return read_tiff_checkpoint(path, channel_names);
    if (!has_exr_magic(path))
        return fail(ErrorCode::Corrupt, "not an OpenEXR or TIFF file");

    // OpenEXRCore first: it checks every header attribute against the file
    // size, and check_image_structure() the chunk table and the pixel count.
    // The C++ reader below does neither: one flipped bit in a string
    // attribute's size made it allocate and clear up to 2 GiB before failing
    // (found by tests/unit/image/checkpoint_corruption_test.cpp).
    if (const std::string why = exr_header_error(path); !why.empty())
        return fail(ErrorCode::Corrupt, "damaged OpenEXR header: " + why);
    if (auto structure = check_image_structure(path, 0); !structure)
        return fail(structure.status().code(), structure.status().message());

    try {
        // Cheap completeness test first: a file killed mid-write has missing chunks.
        {
            Imf::InputFile exr(path.c_str());
            if (!exr.isComplete())
                return fail(ErrorCode::Corrupt, "incomplete: some chunks are missing "
                                                "(was the writer killed?)");
        }

        // Force the OpenEXR reader: a ".part" name would hide the real error.
        auto in = OIIO::ImageInput::create(format::kOpenExrFormat);
        OIIO::ImageSpec spec;
        if (!in || !in->open(path, spec))
            return fail(ErrorCode::Corrupt, in ? in->geterror() : OIIO::geterror());
        if (spec.deep)
            return fail(ErrorCode::Unsupported, "deep image, not a flat checkpoint");

        auto header = get_checkpoint_attributes(spec);
        if (!header && header.status().code() == ErrorCode::NotFound && has_checkpoint_traces(spec))
            return fail(ErrorCode::Corrupt,
                        std::string("damaged checkpoint: no ") + format::kKeyState +
                            " attribute, but a " + format::kWeightChannel +
                            " channel or other ck: metadata (not a finished image)");
        if (!header)
            return fail(header.status().code(), header.status().message());

        const size_t npixels = size_t(spec.image_pixels());
        const int nch = spec.nchannels;
        std::vector<float> all(npixels * size_t(nch));
        if (!in->read_image(0, 0, 0, nch, OIIO::TypeFloat, all.data()))
            return fail(ErrorCode::Corrupt, "cannot read pixels: " + in->geterror());
        in->close();

        if (state_hash(spec, all.data()) != header->state_hash)
            return fail(ErrorCode::Corrupt, "pixel state does not match ck:stateHash "
                                            "(damaged or altered)");

        return detail::select_checkpoint_channels(path, spec, header.value(), all, channel_names);
    } catch (const std::bad_alloc&) {
        return fail(ErrorCode::Corrupt, "too large to read (out of memory)");
    } catch (const std::exception& e) {
        return fail(ErrorCode::Corrupt, e.what());
    }
}

namespace detail {

Result<CheckpointImage> select_checkpoint_channels(const std::string& path,
                                                  const OIIO::ImageSpec& spec,
                                                  const CheckpointHeader& header,
                                                  const std::vector<float>& all,
                                                  const std::vector<std::string>& wanted)
{
    auto fail = [&](ErrorCode code, const std::string& why) {
        return Status{code, path + ": " + why};
    };
    const std::vector<std::string> channel_names =
        wanted.empty() ? std::vector<std::string>(spec.channelnames.begin(), spec.channelnames.end())
                       : wanted;
    const size_t npixels = size_t(spec.image_pixels());
    const int nch = spec.nchannels;
    CheckpointImage image;
        image.spec = spec;
        image.header = header;
        image.channel_names = channel_names;
        std::vector<int> index;
        for (const std::string& name : channel_names) {
            int i = spec.channelindex(name);
            if (i < 0) {
                // A sound checkpoint (its hashes matched) of a channel set
                // ckrender writes, but another one: the display's mode changed
                // (rgb to rgba), not damage. Any other name is damage (a bit
                // flip in a channel name passes the hashes).
                // From version 3 the names are in ck:headerHash: every name
                // that passed it was written so.
                const bool ours =
                    header.format_version >= format::kFirstVersionWithSums ||
                    std::all_of(spec.channelnames.begin(), spec.channelnames.end(),
                                [](const std::string& c) {
                                    return c == "R" || c == "G" || c == "B" || c == "A" ||
                                           c == format::kWeightChannel;
                                });
                if (!ours)
                    return fail(ErrorCode::Corrupt, "channel \"" + name + "\" missing");
                auto join = [](const std::vector<std::string>& names) {
                    std::string text;
                    for (const std::string& n : names)
                        text += (text.empty() ? "" : ",") + n;
                    return text;
                };
                return fail(ErrorCode::Unsupported,
                            "channel set changed: \"" + name +
                                "\" is not in the checkpoint (it has " +
                                join(std::vector<std::string>(spec.channelnames.begin(),
                                                              spec.channelnames.end())) +
                                "; the display now asks for " + join(channel_names) + ")");
            }
            index.push_back(i);
        }
        image.pixels.resize(npixels * index.size());
        for (size_t p = 0; p < npixels; ++p)
            for (size_t c = 0; c < index.size(); ++c)
                image.pixels[p * index.size() + c] = all[p * size_t(nch) + size_t(index[c])];
        // ~w is what resume trusts most: a forged value (-1e30, NaN, more than
        // the target) must be damage here, not a loop that never ends later.
        if (const int wi = spec.channelindex(format::kWeightChannel); wi >= 0) {
            const auto problems = weight_problems(all.data() + wi, npixels, size_t(nch),
                                                  image.header, spec.width, spec.x, spec.y);
            if (!problems.empty())
                return fail(ErrorCode::Corrupt, "damaged checkpoint: " + problems.front());
        }
    return image;
}

}  // namespace detail

std::string exact_number(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15)
        return std::to_string(int64_t(v));
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

std::vector<std::string> weight_problems(const float* weights, size_t count, size_t stride,
                                         const CheckpointHeader& header, int width, int x0,
                                         int y0)
{
    std::vector<std::string> problems;
    const double target = double(header.target_samples);
    size_t bad = 0, first_bad = 0;
    double sum = 0.0;
    double lo = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < count; ++i) {
        const double w = double(weights[i * stride]);
        const bool ok = std::isfinite(w) && w == std::floor(w) && w >= 0.0 && w <= target;
        if (!ok && bad++ == 0)
            first_bad = i;
        if (std::isfinite(w)) {
            sum += w;
            lo = std::min(lo, w);
        }
    }
    if (bad > 0) {
        const double w = double(weights[first_bad * stride]);
        const int px = width > 0 ? x0 + int(first_bad % size_t(width)) : x0;
        const int py = width > 0 ? y0 + int(first_bad / size_t(width)) : y0;
        problems.push_back(std::string(format::kWeightChannel) + " at pixel (" +
                           std::to_string(px) + ", " + std::to_string(py) + ") is " +
                           exact_number(w) + ", not a whole sample count in [0, " +
                           std::to_string(header.target_samples) + "]" +
                           (bad > 1 ? " (" + std::to_string(bad) + " such pixels)" : ""));
    }
    if (sum != double(header.samples_done))
        problems.push_back("sum of " + std::string(format::kWeightChannel) + " (" +
                           exact_number(sum) + ") does not match " + format::kKeySamplesDone +
                           " (" + std::to_string(header.samples_done) + ")");
    if (std::isfinite(lo) && lo != double(header.min_samples))
        problems.push_back("smallest " + std::string(format::kWeightChannel) + " (" +
                           exact_number(lo) + ") does not match " + format::kKeyMinSamples +
                           " (" + std::to_string(header.min_samples) + ")");
    return problems;
}

}  // namespace ck
