// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Corrupt checkpoints (issue 5, item 4): truncation at every chunk boundary and
// byte flips at random offsets of a real checkpoint are never accepted as
// anything but the original (docs/reliability.md, "Corrupt checkpoints").
//
// The property checked for flips is not "every flip is rejected" (a flip in an
// attribute recovery never looks at may be harmless) but: for every damaged
// copy, ck::read_checkpoint either fails, or returns exactly the original state
// (pixels bit-identical, every header field and the data and display windows
// equal), and ck::check_recovery never resumes from anything else.
#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/recovery.h>

#include "../../support/temp_dir.h"

#include <OpenEXR/openexr.h>
#include <OpenImageIO/imageio.h>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace format = ck::format;

// Channels as the renderer asks for them (display mode rgba).
const std::vector<std::string> kChannels = {"R", "G", "B", "A", format::kWeightChannel};

// The data window is a crop window of a larger frame, as with ScreenWindow crops.
// 88 scanlines: six zip chunks of 16 lines, the last one partial (8 lines).
constexpr int kX = 8, kY = 4, kWidth = 40, kHeight = 88;
constexpr int kFullWidth = 80, kFullHeight = 104;
constexpr int kTarget = 64;
constexpr int kFrame = 7;
const char* const kFingerprint = "5f3e9a0c71b2d484";
const char* const kFingerprintParts =
    "camera=0b1c;image=9a2f;sampling=77e0;integrator=31d4;geometry=c0de;materials=4b1d;"
    "lights=e11e;assets=a55e";

// splitmix64: a fixed, portable sequence (std:: distributions differ between
// standard libraries, and the counts below are quoted in docs/reliability.md).
class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return next() % n; }

private:
    uint64_t m_state;
};

std::vector<unsigned char> read_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const unsigned char* data, size_t n)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), std::streamsize(n));
    out.close();
    ASSERT_TRUE(out) << "cannot write " << path;
}

// A header as FrameSession::make_header and checkpoint_images() build it.
ck::CheckpointHeader renderer_header(const std::string& display_name, uint64_t generation,
                                     const std::string& render_id)
{
    ck::CheckpointHeader h;
    h.format_version = format::kFormatVersion;
    h.state = format::kStateCheckpoint;
    h.render_id = render_id;
    h.generation = generation;
    h.frame = kFrame;
    h.display_index = 0;
    h.display_count = 1;
    h.display_name = display_name;
    h.mode = format::kModeIncremental;
    h.target_samples = kTarget;
    h.fingerprint = kFingerprint;
    h.fingerprint_parts = kFingerprintParts;
    h.reason = format::kReasonCheckpoint;
    h.checkpoint_elapsed = 41.25f + float(generation);
    h.total_elapsed = 3600.5 + double(generation);
    h.history =
        "[{\"host\":\"node17\",\"pid\":4242,\"threads\":2,\"written\":\"2026-01-02T03:04:05Z\","
        "\"elapsed\":41.250,\"samplesFrom\":\"0\",\"samplesTo\":\"" +
        std::to_string(generation * 1000) + "\",\"reason\":\"checkpoint\"}]";
    h.seed = 1234567u;
    h.renderer = "ckrender 0.1 (Embree 4, x86_64)";
    return h;
}

// Film-like state: running-mean colour and alpha, whole-number sample counts
// below the target (an unfinished incremental render), different per `salt`.
std::vector<float> film_pixels(uint64_t salt)
{
    Rng rng(0xc0ffee ^ salt);
    std::vector<float> px(size_t(kWidth) * size_t(kHeight) * 5);
    for (size_t p = 0; p < size_t(kWidth) * size_t(kHeight); ++p) {
        for (int c = 0; c < 3; ++c)
            px[p * 5 + size_t(c)] = float(rng.below(1u << 20)) / float(1u << 18);
        px[p * 5 + 3] = (rng.below(4) == 0) ? 0.5f : 1.0f;
        px[p * 5 + 4] = float(8 + rng.below(24));  // ~w
    }
    return px;
}

// Writes a checkpoint the way checkpoint_images() and write_images_atomically()
// do for a display "beauty.exr" in mode rgba with the default zip compression.
void write_renderer_checkpoint(const std::string& path, const std::string& display_name,
                               const std::vector<float>& pixels, uint64_t generation,
                               const std::string& render_id)
{
    OIIO::ImageSpec spec(kWidth, kHeight, 4, OIIO::TypeFloat);
    spec.x = kX;
    spec.y = kY;
    spec.full_x = 0;
    spec.full_y = 0;
    spec.full_width = kFullWidth;
    spec.full_height = kFullHeight;
    spec.channelnames = {"R", "G", "B", "A"};
    spec.alpha_channel = 3;
    spec.attribute("compression", "zip");
    spec.attribute(format::kSoftwareAttr, "ckrender 0.1");
    spec.attribute("PixelAspectRatio", 1.0f);
    const float world_to_camera[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0.5f, -2, 7.25f, 1};
    spec.attribute("worldtocamera", OIIO::TypeMatrix, world_to_camera);
    // OIIO stamps the time otherwise (capDate): fixed, the file is the same on
    // every run, and so are the counts the flip tests print.
    spec.attribute("DateTime", "2026:01:02 03:04:05");
    spec.nchannels = 5;
    spec.channelnames.push_back(format::kWeightChannel);
    spec.channelformats.clear();

    ck::CheckpointHeader h = renderer_header(display_name, generation, render_id);
    uint64_t samples = 0;
    float min_weight = 1e30f;
    for (size_t p = 0; p < size_t(kWidth) * size_t(kHeight); ++p) {
        samples += uint64_t(pixels[p * 5 + 4]);
        min_weight = std::min(min_weight, pixels[p * 5 + 4]);
    }
    h.samples_done = samples;
    h.min_samples = int(min_weight);
    h.state_hash = ck::state_hash(spec, pixels.data());
    ck::set_checkpoint_attributes(spec, h);
    ck::Status s =
        ck::write_images_atomically({{path, format::kOpenExrFormat, spec, pixels.data()}});
    ASSERT_TRUE(s.is_ok()) << s.message();
}

// What -recover 1 expects of the display at `path`.
ck::ExpectedFrame expected_frame(const std::string& path)
{
    ck::ExpectedFrame e;
    e.frame = kFrame;
    e.displays.push_back({path, kChannels});
    e.fingerprint = kFingerprint;
    e.fingerprint_parts = kFingerprintParts;
    e.x = kX;
    e.y = kY;
    e.width = kWidth;
    e.height = kHeight;
    e.full_width = kFullWidth;
    e.full_height = kFullHeight;
    e.target_samples = kTarget;
    return e;
}

// Where the chunks of a single-part scanline file lie, from OpenEXRCore.
struct ChunkLayout {
    uint64_t file_size = 0;
    uint64_t header_end = 0;  ///< Where the offset table starts.
    uint64_t table_end = 0;   ///< Where the first chunk starts.
    struct Chunk {
        int y = 0;
        uint64_t start = 0;  ///< The chunk's y coordinate field.
        uint64_t data = 0;   ///< Its compressed bytes (exr_chunk_info_t::data_offset).
        uint64_t end = 0;
    };
    std::vector<Chunk> chunks;
};

void silent(exr_const_context_t, exr_result_t, const char*) {}

int32_t le32(const std::vector<unsigned char>& b, uint64_t at)
{
    return int32_t(uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
                   uint32_t(b[at + 3]) << 24);
}

ChunkLayout chunk_layout(const std::string& path, const std::vector<unsigned char>& bytes)
{
    ChunkLayout layout;
    layout.file_size = bytes.size();
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = silent;
    exr_context_t ctxt = nullptr;
    EXPECT_EQ(exr_start_read(&ctxt, path.c_str(), &init), EXR_ERR_SUCCESS);
    if (!ctxt)
        return layout;
    int32_t count = 0, lines = 0;
    exr_attr_box2i_t dw = {};
    exr_storage_t storage = EXR_STORAGE_TILED;
    EXPECT_EQ(exr_get_storage(ctxt, 0, &storage), EXR_ERR_SUCCESS);
    EXPECT_EQ(storage, EXR_STORAGE_SCANLINE);
    EXPECT_EQ(exr_get_chunk_count(ctxt, 0, &count), EXR_ERR_SUCCESS);
    EXPECT_EQ(exr_get_scanlines_per_chunk(ctxt, 0, &lines), EXR_ERR_SUCCESS);
    EXPECT_EQ(exr_get_data_window(ctxt, 0, &dw), EXR_ERR_SUCCESS);
    std::vector<unsigned char> packed;
    for (int y = dw.min.y; lines > 0 && y <= dw.max.y; y += lines) {
        exr_chunk_info_t info = {};
        EXPECT_EQ(exr_read_scanline_chunk_info(ctxt, 0, y, &info), EXR_ERR_SUCCESS) << "y " << y;
        // Read it too: the layout must describe chunks the library can read.
        packed.resize(size_t(info.packed_size));
        EXPECT_EQ(exr_read_chunk(ctxt, 0, &info, packed.data()), EXR_ERR_SUCCESS) << "y " << y;
        ChunkLayout::Chunk c;
        c.y = info.start_y;
        // A single-part scanline chunk is int32 y, int32 packed size, then the data.
        c.data = info.data_offset;
        c.start = info.data_offset - 8;
        c.end = info.data_offset + info.packed_size;
        layout.chunks.push_back(c);
    }
    exr_finish(&ctxt);
    EXPECT_EQ(int(layout.chunks.size()), count);
    std::sort(layout.chunks.begin(), layout.chunks.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
    if (!layout.chunks.empty()) {
        layout.table_end = layout.chunks.front().start;
        layout.header_end = layout.table_end - 8 * uint64_t(count);
    }
    return layout;
}

// The outcome of reading one damaged copy.
enum class Outcome { OpenExr, StateHash, HeaderHash, HeaderCheck, Identical, Different };

struct Tally {
    int counts[6] = {0, 0, 0, 0, 0, 0};
    std::vector<std::string> different;  ///< What each accepted-but-different copy changed.

    void add(Outcome o) { ++counts[int(o)]; }
    int operator[](Outcome o) const { return counts[int(o)]; }
    int total() const
    {
        int n = 0;
        for (int c : counts)
            n += c;
        return n;
    }
    std::string text() const
    {
        std::ostringstream s;
        s << total() << " damaged copies: " << (*this)[Outcome::OpenExr]
          << " rejected by OpenEXR/open, " << (*this)[Outcome::StateHash]
          << " rejected by ck:stateHash, " << (*this)[Outcome::HeaderHash]
          << " rejected by ck:headerHash, " << (*this)[Outcome::HeaderCheck]
          << " rejected by the header checks, " << (*this)[Outcome::Identical]
          << " accepted and identical (harmless), " << (*this)[Outcome::Different]
          << " accepted with a DIFFERENT state";
        return s.str();
    }
};

// Which check refused the file, from read_checkpoint's message: the two
// hashes, the checks of get_checkpoint_attributes() and read_checkpoint() on
// the ck: keys and channels, or else OpenEXR/OIIO (magic, header parse,
// structure, completeness, decompression, chunk coordinates).
Outcome rejection(const std::string& message)
{
    auto has = [&](const char* text) { return message.find(text) != std::string::npos; };
    if (has("does not match ck:stateHash"))
        return Outcome::StateHash;
    if (has("does not match ck:headerHash"))
        return Outcome::HeaderHash;
    if (has("damaged OpenEXR header"))
        return Outcome::OpenExr;
    if (has(": attribute \"") || has("unknown ck:") || has("ck:displayIndex") ||
        has("inconsistent checkpoint counters") || has("checkpoint format version") ||
        has("not a checkpoint") || has("damaged checkpoint: no ck:state") ||
        (has(": channel \"") && has("\" missing")))
        return Outcome::HeaderCheck;
    return Outcome::OpenExr;
}

// "" when `got` is the same state as `want`; otherwise the first difference.
std::string difference(const ck::CheckpointImage& want, const ck::CheckpointImage& got)
{
    const ck::CheckpointHeader& a = want.header;
    const ck::CheckpointHeader& b = got.header;
#define CK_SAME(field)         \
    if (!(a.field == b.field)) \
        return "header field " #field;
    CK_SAME(format_version)
    CK_SAME(state)
    CK_SAME(render_id)
    CK_SAME(generation)
    CK_SAME(frame)
    CK_SAME(display_index)
    CK_SAME(display_count)
    CK_SAME(display_name)
    CK_SAME(mode)
    CK_SAME(target_samples)
    CK_SAME(samples_done)
    CK_SAME(min_samples)
    CK_SAME(fingerprint)
    CK_SAME(fingerprint_parts)
    CK_SAME(reason)
    CK_SAME(history)
    CK_SAME(seed)
    CK_SAME(renderer)
    CK_SAME(state_hash)
#undef CK_SAME
    // Bit-exact for floating-point fields (a NaN must not compare as "changed").
    if (std::memcmp(&a.checkpoint_elapsed, &b.checkpoint_elapsed, sizeof(float)) != 0)
        return "header field checkpoint_elapsed";
    if (std::memcmp(&a.total_elapsed, &b.total_elapsed, sizeof(double)) != 0)
        return "header field total_elapsed";
    const OIIO::ImageSpec& s = want.spec;
    const OIIO::ImageSpec& t = got.spec;
    if (s.x != t.x || s.y != t.y || s.width != t.width || s.height != t.height)
        return "data window";
    if (s.full_x != t.full_x || s.full_y != t.full_y || s.full_width != t.full_width ||
        s.full_height != t.full_height)
        return "display window";
    if (s.channelnames != t.channelnames || want.channel_names != got.channel_names)
        return "channel list";
    if (want.pixels.size() != got.pixels.size() ||
        std::memcmp(want.pixels.data(), got.pixels.data(), want.pixels.size() * sizeof(float)) != 0)
        return "pixels";
    return "";
}

// CK_CORRUPT_VERBOSE=1 prints why each damaged copy was refused.
bool verbose()
{
    static const bool on = [] {
        const char* env = std::getenv("CK_CORRUPT_VERBOSE");
        return env && std::string(env) == "1";
    }();
    return on;
}

class CheckpointCorruption : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_FALSE(m_dir.path().empty());
        // Display names are relative, as in most scenes, and the header holds
        // them: run in the temporary directory so that the header (and its
        // hashes) is the same on every run.
        m_cwd = fs::current_path();
        fs::current_path(m_dir.path());
        m_display = "beauty.exr";
        m_pristine = "pristine.exr";
        write_renderer_checkpoint(m_pristine, m_display, film_pixels(1), 12,
                                  "0123456789abcdef0123456789abcdef");
        m_bytes = read_bytes(m_pristine);
        ASSERT_GT(m_bytes.size(), 1000u);

        // The undamaged file, at the display's own path, is read and resumed:
        // the damaged copies below differ from it only by the damage.
        write_bytes(m_display, m_bytes.data(), m_bytes.size());
        auto image = ck::read_checkpoint(m_display, kChannels);
        ASSERT_TRUE(image.is_ok()) << image.status().message();
        m_original = image.value();
        ASSERT_EQ(m_original.spec.format, OIIO::TypeFloat);
        ASSERT_EQ(m_original.spec.get_string_attribute("compression"), "zip");
        ck::RecoveryCheck check = ck::check_recovery(expected_frame(m_display));
        ASSERT_EQ(check.verdict, ck::RecoveryVerdict::Resumable) << check.message;
    }

    // Reads the damaged copy now at m_display and classifies it. A copy that
    // is accepted must be exactly the original, and recovery must resume it
    // with that state; one that is refused must also be refused by recovery
    // (checked when `check_recovery`: recovery reads the file once more).
    Outcome judge(Tally& tally, const std::string& what, bool check_recovery)
    {
        auto image = ck::read_checkpoint(m_display, kChannels);
        Outcome outcome;
        if (!image) {
            outcome = rejection(image.status().message());
            if (verbose())
                std::printf("  %s: outcome %d: %s\n", what.c_str(), int(outcome),
                            image.status().message().c_str());
            EXPECT_NE(image.status().message().find("beauty.exr"), std::string::npos)
                << what << ": the message does not name the file: " << image.status().message();
        } else {
            const std::string diff = difference(m_original, image.value());
            outcome = diff.empty() ? Outcome::Identical : Outcome::Different;
            if (verbose())
                std::printf("  %s: accepted, %s\n", what.c_str(),
                            diff.empty() ? "identical" : ("different " + diff).c_str());
            if (!diff.empty()) {
                tally.different.push_back(what + " changed the " + diff);
                ADD_FAILURE() << what << " was accepted with a different " << diff;
            }
        }
        if (check_recovery || outcome == Outcome::Identical || outcome == Outcome::Different) {
            ck::RecoveryCheck check = ck::check_recovery(expected_frame(m_display));
            if (check.verdict == ck::RecoveryVerdict::Resumable) {
                EXPECT_EQ(outcome, Outcome::Identical)
                    << what << ": recovery would resume from a damaged file: " << check.message;
                if (!check.images.empty()) {
                    const std::string diff = difference(m_original, check.images[0]);
                    EXPECT_EQ(diff, "") << what << ": recovery resumed with a different state";
                }
            } else {
                EXPECT_NE(outcome, Outcome::Identical)
                    << what << ": an identical file was not resumed: " << check.message;
                EXPECT_EQ(check.verdict, ck::RecoveryVerdict::Damaged)
                    << what << ": " << check.message;
            }
        }
        tally.add(outcome);
        return outcome;
    }

    // XORs byte `at` of the copy at m_display with `mask` (in place: rewriting
    // the whole file each time would cost more than the read), judges it, and
    // puts the original byte back.
    void flip(Tally& tally, uint64_t at, unsigned char mask, const char* region, bool recovery)
    {
        ASSERT_NE(mask, 0);
        ASSERT_LT(at, m_bytes.size());
        if (m_fd < 0) {
            write_bytes(m_display, m_bytes.data(), m_bytes.size());
            m_fd = ::open(m_display.c_str(), O_WRONLY | O_CLOEXEC);
            ASSERT_GE(m_fd, 0) << m_display;
        }
        const unsigned char damaged = static_cast<unsigned char>(m_bytes[at] ^ mask);
        ASSERT_EQ(::pwrite(m_fd, &damaged, 1, off_t(at)), 1);
        char what[96];
        std::snprintf(what, sizeof what, "XOR 0x%02x at byte %llu (%s)", unsigned(mask),
                      static_cast<unsigned long long>(at), region);
        judge(tally, what, recovery);
        ASSERT_EQ(::pwrite(m_fd, &m_bytes[at], 1, off_t(at)), 1);
    }

    void TearDown() override
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_cwd.empty())
            fs::current_path(m_cwd);
    }

    const char* region(const ChunkLayout& layout, uint64_t at) const
    {
        if (at < layout.header_end)
            return "header";
        if (at < layout.table_end)
            return "offset table";
        for (const auto& c : layout.chunks)
            if (at >= c.start && at < c.data)
                return "chunk y/size field";
        return "chunk data";
    }

    ck::test::TempDir m_dir;
    std::string m_display;
    std::string m_pristine;
    std::vector<unsigned char> m_bytes;
    ck::CheckpointImage m_original;
    int m_fd = -1;   ///< The copy at m_display, open for flips.
    fs::path m_cwd;  ///< Restored after each test.
};

TEST_F(CheckpointCorruption, TheChunkLayoutCoversTheWholeFile)
{
    const ChunkLayout layout = chunk_layout(m_pristine, m_bytes);
    ASSERT_EQ(layout.chunks.size(), size_t((kHeight + 15) / 16)) << "zip: 16 scanlines per chunk";
    // The header ends with a null byte; the table, then the chunks in order, fill the rest.
    ASSERT_GT(layout.header_end, 8u);
    EXPECT_EQ(m_bytes[layout.header_end - 1], 0);
    uint64_t at = layout.table_end;
    for (const auto& c : layout.chunks) {
        EXPECT_EQ(c.start, at) << "chunk for y " << c.y << " does not follow the previous one";
        EXPECT_EQ(le32(m_bytes, c.start), c.y);
        EXPECT_EQ(uint64_t(le32(m_bytes, c.start + 4)), c.end - c.data);
        at = c.end;
    }
    EXPECT_EQ(at, layout.file_size);
}

TEST_F(CheckpointCorruption, TruncationAtEveryChunkBoundaryIsRefused)
{
    const ChunkLayout layout = chunk_layout(m_pristine, m_bytes);
    ASSERT_FALSE(layout.chunks.empty());
    std::set<uint64_t> cuts;
    auto around = [&](uint64_t at) {
        for (int64_t d = -1; d <= 1; ++d)
            if (int64_t(at) + d >= 0)
                cuts.insert(uint64_t(int64_t(at) + d));
    };
    around(0);
    around(8);  // magic and version
    around(layout.header_end);
    around(layout.table_end);
    for (const auto& c : layout.chunks) {
        around(c.start);
        around(c.data);  // after the chunk's y and size fields
        around(c.end);
    }
    cuts.erase(cuts.lower_bound(layout.file_size), cuts.end());  // not a truncation
    ASSERT_GE(cuts.size(), 6 * layout.chunks.size());  // a chunk ends where the next starts

    int refused = 0;
    for (uint64_t cut : cuts) {
        write_bytes(m_display, m_bytes.data(), size_t(cut));
        auto image = ck::read_checkpoint(m_display, kChannels);
        if (image.is_ok()) {
            ADD_FAILURE() << "truncated to " << cut << " of " << layout.file_size
                          << " bytes and accepted";
            continue;
        }
        ++refused;
        EXPECT_EQ(image.status().code(), ck::ErrorCode::Corrupt) << image.status().message();
        EXPECT_NE(image.status().message().find("beauty.exr"), std::string::npos)
            << "cut at " << cut << ": " << image.status().message();
        ck::RecoveryCheck check = ck::check_recovery(expected_frame(m_display));
        EXPECT_EQ(check.verdict, ck::RecoveryVerdict::Damaged)
            << "cut at " << cut << ": " << check.message;
        EXPECT_NE(check.message.find("unreadable checkpoint"), std::string::npos) << check.message;
    }
    std::printf(
        "[ truncate ] %zu cuts (%zu chunks, header %llu, table %llu, file %llu bytes): "
        "%d refused\n",
        cuts.size(), layout.chunks.size(), static_cast<unsigned long long>(layout.header_end),
        static_cast<unsigned long long>(layout.table_end - layout.header_end),
        static_cast<unsigned long long>(layout.file_size), refused);
    EXPECT_EQ(refused, int(cuts.size()));
}

// How many flips: the counts in docs/reliability.md are for the defaults;
// CK_CORRUPT_FLIPS=N runs N per random pass instead, and CK_CORRUPT_ALL_BITS=1
// flips every bit of the header and the offset table (about 12,000 reads).
int flips_per_pass()
{
    const char* env = std::getenv("CK_CORRUPT_FLIPS");
    return env && std::atoi(env) > 0 ? std::atoi(env) : 1000;
}

bool all_header_bits()
{
    const char* env = std::getenv("CK_CORRUPT_ALL_BITS");
    return env && std::string(env) == "1";
}

void report(const char* pass, const char* what, const Tally& tally)
{
    std::printf("[ %-8s ] %s: %s\n", pass, what, tally.text().c_str());
    for (const std::string& d : tally.different)
        std::printf("  %s\n", d.c_str());
    std::fflush(stdout);
}

// Random byte flips (XOR with a random non-zero byte) over the whole file, then
// every byte of the header and the offset table once.
TEST_F(CheckpointCorruption, ByteFlipsAreRefusedOrHarmless)
{
    const ChunkLayout layout = chunk_layout(m_pristine, m_bytes);
    ASSERT_FALSE(layout.chunks.empty());
    const int n = flips_per_pass();
    const auto start = std::chrono::steady_clock::now();
    Rng rng(20260105);
    Tally anywhere, header;
    for (int i = 0; i < n; ++i) {
        const uint64_t at = rng.below(m_bytes.size());
        const auto mask = static_cast<unsigned char>(1 + rng.below(255));
        flip(anywhere, at, mask, region(layout, at), i % 16 == 0);
    }
    for (uint64_t at = 0; at < layout.table_end; ++at) {
        const auto mask = static_cast<unsigned char>(1 + rng.below(255));
        flip(header, at, mask, region(layout, at), at % 16 == 0);
    }
    report("bytes", "random bytes anywhere", anywhere);
    report("bytes",
           ("every byte of the header and offset table (" + std::to_string(layout.table_end) + ")")
               .c_str(),
           header);
    std::printf("[ bytes    ] %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    EXPECT_EQ(anywhere.total(), n);
    EXPECT_EQ(header.total(), int(layout.table_end));
    EXPECT_EQ(anywhere[Outcome::Different], 0);
    EXPECT_EQ(header[Outcome::Different], 0);
    // Pixel chunks are most of the file: most random flips fail decompression.
    EXPECT_GT(anywhere[Outcome::OpenExr] + anywhere[Outcome::StateHash], n / 2);
    // Header values are protected by ck:headerHash, and some flips are harmless
    // (Software, worldtocamera...): both outcomes must be seen, or the test is
    // not flipping what it thinks it flips.
    EXPECT_GT(header[Outcome::HeaderHash], 0);
    EXPECT_GT(header[Outcome::Identical], 0);
}

// Single-bit flips: random bits over the whole file, then random bits of the
// header and the offset table (every one of them with CK_CORRUPT_ALL_BITS=1).
TEST_F(CheckpointCorruption, BitFlipsAreRefusedOrHarmless)
{
    const ChunkLayout layout = chunk_layout(m_pristine, m_bytes);
    ASSERT_FALSE(layout.chunks.empty());
    const int n = flips_per_pass();
    const auto start = std::chrono::steady_clock::now();
    Rng rng(77);
    Tally anywhere, header;
    for (int i = 0; i < n; ++i) {
        const uint64_t bit = rng.below(m_bytes.size() * 8);
        flip(anywhere, bit / 8, static_cast<unsigned char>(1u << (bit % 8)),
             region(layout, bit / 8), i % 16 == 0);
    }
    const uint64_t header_bits = layout.table_end * 8;
    const bool every = all_header_bits();
    const uint64_t count = every ? header_bits : uint64_t(n);
    for (uint64_t i = 0; i < count; ++i) {
        const uint64_t bit = every ? i : rng.below(header_bits);
        flip(header, bit / 8, static_cast<unsigned char>(1u << (bit % 8)), region(layout, bit / 8),
             i % 16 == 0);
    }
    report("bits", "random bits anywhere", anywhere);
    const std::string what =
        std::string(every ? "every bit of the header and offset table ("
                          : "random bits of the header and offset table (of ") +
        std::to_string(header_bits) + ")";
    report("bits", what.c_str(), header);
    std::printf("[ bits     ] %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    EXPECT_EQ(anywhere.total(), n);
    EXPECT_EQ(header.total(), int(count));
    EXPECT_EQ(anywhere[Outcome::Different], 0);
    EXPECT_EQ(header[Outcome::Different], 0);
    EXPECT_GT(header[Outcome::HeaderHash], 0);
}

// Reads `path` with OIIO: spec as stored and every channel as float, in
// spec.channelnames order.
void read_plain(const std::string& path, OIIO::ImageSpec& spec, std::vector<float>& pixels)
{
    auto in = OIIO::ImageInput::create(format::kOpenExrFormat);
    ASSERT_TRUE(in && in->open(path, spec)) << path;
    pixels.resize(size_t(spec.image_pixels()) * size_t(spec.nchannels));
    ASSERT_TRUE(in->read_image(0, 0, 0, spec.nchannels, OIIO::TypeFloat, pixels.data()))
        << in->geterror();
    in->close();
}

// Rewrites `path` with OIIO: `spec` (every attribute, ck: keys included) and `pixels`.
void write_plain(const std::string& path, const OIIO::ImageSpec& spec,
                 const std::vector<float>& pixels)
{
    auto out = OIIO::ImageOutput::create(format::kOpenExrFormat);
    ASSERT_TRUE(out && out->open(path, spec)) << path;
    ASSERT_TRUE(out->write_image(OIIO::TypeFloat, pixels.data())) << out->geterror();
    ASSERT_TRUE(out->close());
}

// A checkpoint whose pixels (or one channel of them) come from another valid
// checkpoint of the same render, under the original header, is refused by
// ck:stateHash; one that also carries the other checkpoint's ck:stateHash is
// refused by ck:headerHash.
TEST_F(CheckpointCorruption, PixelsFromAnotherCheckpointAreRefusedByTheHash)
{
    const std::string other = "other.exr";
    write_renderer_checkpoint(other, m_display, film_pixels(2), 13,
                              "0123456789abcdef0123456789abcdef");
    ASSERT_TRUE(ck::read_checkpoint(other, kChannels).is_ok());

    OIIO::ImageSpec spec_a, spec_b;
    std::vector<float> px_a, px_b;
    read_plain(m_pristine, spec_a, px_a);
    read_plain(other, spec_b, px_b);
    ASSERT_EQ(spec_a.channelnames, spec_b.channelnames);
    ASSERT_EQ(px_a.size(), px_b.size());
    const size_t nch = size_t(spec_a.nchannels);
    const size_t npixels = px_a.size() / nch;

    // The control: the same rewrite with the file's own pixels is accepted as is.
    write_plain(m_display, spec_a, px_a);
    {
        auto image = ck::read_checkpoint(m_display, kChannels);
        ASSERT_TRUE(image.is_ok()) << image.status().message();
        EXPECT_EQ(difference(m_original, image.value()), "");
        EXPECT_EQ(ck::check_recovery(expected_frame(m_display)).verdict,
                  ck::RecoveryVerdict::Resumable);
    }

    auto expect_refused = [&](const std::vector<float>& pixels, const OIIO::ImageSpec& spec,
                              const std::string& key, const std::string& what) {
        write_plain(m_display, spec, pixels);
        auto image = ck::read_checkpoint(m_display, kChannels);
        ASSERT_FALSE(image.is_ok()) << what << " was accepted";
        EXPECT_EQ(image.status().code(), ck::ErrorCode::Corrupt);
        EXPECT_NE(image.status().message().find("does not match " + key), std::string::npos)
            << what << ": " << image.status().message();
        EXPECT_NE(image.status().message().find("beauty.exr"), std::string::npos);
        ck::RecoveryCheck check = ck::check_recovery(expected_frame(m_display));
        EXPECT_EQ(check.verdict, ck::RecoveryVerdict::Damaged) << what << ": " << check.message;
    };

    // One channel at a time, ~w first: each from the other checkpoint.
    for (const std::string& name : {std::string(format::kWeightChannel), std::string("R"),
                                    std::string("G"), std::string("B"), std::string("A")}) {
        const int c = spec_a.channelindex(name);
        ASSERT_GE(c, 0) << name;
        std::vector<float> mixed = px_a;
        size_t differ = 0;
        for (size_t p = 0; p < npixels; ++p) {
            mixed[p * nch + size_t(c)] = px_b[p * nch + size_t(c)];
            differ += mixed[p * nch + size_t(c)] != px_a[p * nch + size_t(c)];
        }
        // Alpha takes two values, so a quarter of it differs at least.
        ASSERT_GT(differ, npixels / 4) << name << " is much the same in both checkpoints";
        expect_refused(mixed, spec_a, format::kKeyStateHash, "channel " + name + " of the other");
    }
    // Every pixel from the other checkpoint.
    expect_refused(px_b, spec_a, format::kKeyStateHash, "all pixels of the other");
    // One sample count off by one in one pixel.
    {
        std::vector<float> mixed = px_a;
        mixed[(npixels / 2) * nch + size_t(spec_a.channelindex(format::kWeightChannel))] += 1.0f;
        expect_refused(mixed, spec_a, format::kKeyStateHash, "one ~w off by one");
    }
    // The other's pixels with its own (matching) ck:stateHash, under this header.
    {
        OIIO::ImageSpec spec = spec_a;
        spec.attribute(format::kKeyStateHash, spec_b.get_string_attribute(format::kKeyStateHash));
        expect_refused(px_b, spec, format::kKeyHeaderHash,
                       "the other's pixels and ck:stateHash under this header");
    }
}

// The header hash: every header field and the windows, checked on read.
TEST(CorruptHeader, TheHeaderHashCoversEveryFieldAndTheWindows)
{
    OIIO::ImageSpec spec(kWidth, kHeight, 5, OIIO::TypeFloat);
    spec.x = kX;
    spec.y = kY;
    spec.full_width = kFullWidth;
    spec.full_height = kFullHeight;
    const ck::CheckpointHeader h =
        renderer_header("beauty.exr", 3, "00112233445566778899aabbccddeeff");
    ck::set_checkpoint_attributes(spec, h);
    ASSERT_TRUE(ck::get_checkpoint_attributes(spec).is_ok());
    EXPECT_EQ(spec.get_string_attribute(format::kKeyHeaderHash).size(), 16u);
    EXPECT_EQ(spec.get_int_attribute(format::kKeyFormatVersion), format::kFormatVersion);

    // Each change, made after the hash was written, must be refused by it.
    auto refused = [&](const char* what, auto change) {
        OIIO::ImageSpec s = spec;
        change(s);
        auto r = ck::get_checkpoint_attributes(s);
        ASSERT_FALSE(r.is_ok()) << what << " was accepted";
        EXPECT_NE(r.status().message().find("does not match ck:headerHash"), std::string::npos)
            << what << ": " << r.status().message();
    };
    refused("renderId", [](OIIO::ImageSpec& s) {
        s.attribute(format::kKeyRenderId, "10112233445566778899aabbccddeeff");
    });
    refused("generation", [](OIIO::ImageSpec& s) { s.attribute(format::kKeyGeneration, "2"); });
    refused("frame", [](OIIO::ImageSpec& s) { s.attribute(format::kKeyFrame, kFrame + 1); });
    refused("displayName",
            [](OIIO::ImageSpec& s) { s.attribute(format::kKeyDisplayName, "b.exr"); });
    refused("mode", [](OIIO::ImageSpec& s) { s.attribute(format::kKeyMode, format::kModeBucket); });
    refused("state",
            [](OIIO::ImageSpec& s) { s.attribute(format::kKeyState, format::kStateAsFinal); });
    refused("targetSamples",
            [](OIIO::ImageSpec& s) { s.attribute(format::kKeyTargetSamples, 65); });
    refused("minSamples", [](OIIO::ImageSpec& s) { s.attribute(format::kKeyMinSamples, 1); });
    refused("samplesDone", [](OIIO::ImageSpec& s) { s.attribute(format::kKeySamplesDone, "1"); });
    refused("fingerprint",
            [](OIIO::ImageSpec& s) { s.attribute(format::kKeyFingerprint, "5f3e9a0c71b2d485"); });
    refused("fingerprintParts",
            [](OIIO::ImageSpec& s) { s.attribute(format::kKeyFingerprintParts, "camera=0"); });
    refused("reason",
            [](OIIO::ImageSpec& s) { s.attribute(format::kKeyReason, format::kReasonExiting); });
    refused("seed", [](OIIO::ImageSpec& s) { s.attribute(format::kKeySeed, "1234568"); });
    refused("history", [](OIIO::ImageSpec& s) { s.attribute(format::kKeyHistory, "[]"); });
    refused("renderer", [](OIIO::ImageSpec& s) { s.attribute(format::kKeyRenderer, "other"); });
    refused("stateHash",
            [](OIIO::ImageSpec& s) { s.attribute(format::kKeyStateHash, "0000000000000001"); });
    refused("checkpointElapsed",
            [](OIIO::ImageSpec& s) { s.attribute(format::kCheckpointElapsed, 1.0f); });
    refused("totalElapsed", [](OIIO::ImageSpec& s) {
        const double v = std::nextafter(3603.5, 1e9);
        s.attribute(format::kKeyTotalElapsed, OIIO::TypeDesc::DOUBLE, &v);
    });
    refused("display count and index", [](OIIO::ImageSpec& s) {
        s.attribute(format::kKeyDisplayCount, 2);
        s.attribute(format::kKeyDisplayIndex, 1);
    });
    refused("data window", [](OIIO::ImageSpec& s) { s.x += 1; });
    // Version 3: the channel names (a renamed channel is damage, not a set change).
    refused("a channel name", [](OIIO::ImageSpec& s) { s.channelnames[1] = "H"; });
    refused("display window", [](OIIO::ImageSpec& s) { s.full_width += 1; });
    refused("the hash itself", [](OIIO::ImageSpec& s) {
        std::string t = s.get_string_attribute(format::kKeyHeaderHash);
        t[15] = t[15] == '0' ? '1' : '0';
        s.attribute(format::kKeyHeaderHash, t);
    });

    // Format version 2 requires the hash; a version 1 file (written before it
    // existed) is still read, and a hash that is present is always checked.
    OIIO::ImageSpec no_hash = spec;
    no_hash.erase_attribute(format::kKeyHeaderHash);
    auto r = ck::get_checkpoint_attributes(no_hash);
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("ck:headerHash"), std::string::npos)
        << r.status().message();

    ck::CheckpointHeader v1 = h;
    v1.format_version = 1;
    OIIO::ImageSpec old = spec;
    ck::set_checkpoint_attributes(old, v1);
    ASSERT_TRUE(ck::get_checkpoint_attributes(old).is_ok());
    old.attribute(format::kKeyFrame, kFrame + 1);
    EXPECT_FALSE(ck::get_checkpoint_attributes(old).is_ok()) << "a present hash is checked in v1";
    old.erase_attribute(format::kKeyHeaderHash);
    auto legacy = ck::get_checkpoint_attributes(old);
    ASSERT_TRUE(legacy.is_ok()) << legacy.status().message();
    EXPECT_EQ(legacy->format_version, 1);
    EXPECT_EQ(legacy->frame, kFrame + 1);
}

// A checkpoint written by a version-1 build (no ck:headerHash) still resumes.
TEST_F(CheckpointCorruption, AVersionOneCheckpointIsStillRead)
{
    OIIO::ImageSpec spec;
    std::vector<float> pixels;
    read_plain(m_pristine, spec, pixels);
    spec.attribute(format::kKeyFormatVersion, 1);
    spec.erase_attribute(format::kKeyHeaderHash);
    write_plain(m_display, spec, pixels);
    auto image = ck::read_checkpoint(m_display, kChannels);
    ASSERT_TRUE(image.is_ok()) << image.status().message();
    EXPECT_EQ(image->header.format_version, 1);
    EXPECT_EQ(ck::check_recovery(expected_frame(m_display)).verdict,
              ck::RecoveryVerdict::Resumable);
    // Its pixels are still protected by ck:stateHash.
    pixels[7] += 0.25f;
    write_plain(m_display, spec, pixels);
    image = ck::read_checkpoint(m_display, kChannels);
    ASSERT_FALSE(image.is_ok());
    EXPECT_NE(image.status().message().find("ck:stateHash"), std::string::npos);
}

// One bit in a string attribute's size field used to make OpenEXR's C++ reader
// allocate and clear up to 2 GiB before it failed; OpenEXRCore now refuses the
// header first (peak RSS of these tests: 1.3 GB before, 134 MiB after).
TEST_F(CheckpointCorruption, AnAttributeSizePastTheFileIsRefusedBeforeAnyAllocation)
{
    const std::string key = std::string(format::kKeyRenderer) + '\0' + "string" + '\0';
    const auto at = std::search(m_bytes.begin(), m_bytes.end(), key.begin(), key.end());
    ASSERT_NE(at, m_bytes.end());
    const size_t size_field = size_t(at - m_bytes.begin()) + key.size();
    ASSERT_EQ(le32(m_bytes, size_field), int32_t(std::strlen("ckrender 0.1 (Embree 4, x86_64)")));
    for (const unsigned char high : {0x40, 0x7f}) {  // 1 GiB and 2 GiB
        std::vector<unsigned char> bytes = m_bytes;
        bytes[size_field + 3] = high;
        write_bytes(m_display, bytes.data(), bytes.size());
        auto image = ck::read_checkpoint(m_display, kChannels);
        ASSERT_FALSE(image.is_ok());
        EXPECT_NE(image.status().message().find("damaged OpenEXR header"), std::string::npos)
            << image.status().message();
        EXPECT_NE(image.status().message().find("beauty.exr"), std::string::npos);
    }
}

// A flip that removes ck:state (the key's name damaged) leaves a file with ~w
// and other ck: keys: damaged, not "a finished image".
TEST_F(CheckpointCorruption, AMissingStateKeyIsDamageNotAFinishedImage)
{
    OIIO::ImageSpec spec;
    std::vector<float> pixels;
    read_plain(m_pristine, spec, pixels);
    spec.erase_attribute(format::kKeyState);
    write_plain(m_display, spec, pixels);
    auto image = ck::read_checkpoint(m_display, kChannels);
    ASSERT_FALSE(image.is_ok());
    EXPECT_EQ(image.status().code(), ck::ErrorCode::Corrupt) << image.status().message();
    ck::RecoveryCheck check = ck::check_recovery(expected_frame(m_display));
    EXPECT_EQ(check.verdict, ck::RecoveryVerdict::Damaged) << check.message;
}

}  // namespace
