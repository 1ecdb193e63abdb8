// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/safe_read.h>
#include <ck/file_kind.h>

#include <ck/checkpoint_format.h>

#include <OpenEXR/ImfCheckFile.h>
#include <OpenEXR/openexr.h>
#include <OpenImageIO/deepdata.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <set>
#include <vector>

namespace ck {

namespace {

// Room for headers, offset tables and small files, on top of any ratio.
constexpr uint64_t kSlackBytes = 64 * 1024;

std::string bytes_text(uint64_t bytes)
{
    char buf[48];
    if (bytes < 1024)
        std::snprintf(buf, sizeof buf, "%" PRIu64 " bytes", bytes);
    else if (bytes < (1ull << 20))
        std::snprintf(buf, sizeof buf, "%.1f KiB", double(bytes) / 1024.0);
    else if (bytes < (1ull << 30))
        std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / double(1ull << 20));
    else
        std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(1ull << 30));
    return buf;
}

Status corrupt(const std::string& why)
{
    return {ErrorCode::Corrupt, why};
}

// The most a compression can expand its bytes to. Generous: these only catch
// headers that promise far more pixels than the file could possibly hold
// (decompression bombs, fuzzed sizes), never a real image.
uint64_t max_expansion(exr_compression_t c)
{
    switch (c) {
        case EXR_COMPRESSION_NONE:
            return 1;
        case EXR_COMPRESSION_RLE:
            return 64;  // a run of up to 128 bytes costs 2
        case EXR_COMPRESSION_B44:
        case EXR_COMPRESSION_B44A:
            return 16;
        case EXR_COMPRESSION_ZIPS:
        case EXR_COMPRESSION_ZIP:
        case EXR_COMPRESSION_PXR24:
            return 1400;  // deflate's limit is about 1032:1, pxr24 adds 4:3
        default:
            return 1u << 14;  // piz, dwaa, dwab and anything newer
    }
}

// OpenEXRCore reports through a callback; keep the last message.
thread_local std::string t_exr_message;

void remember_exr_error(exr_const_context_t, exr_result_t code, const char* msg)
{
    t_exr_message = msg ? msg : exr_get_default_error_message(code);
}

// Closes an OpenEXRCore context on every path.
struct ExrContext {
    exr_context_t ctxt = nullptr;
    ~ExrContext()
    {
        if (ctxt)
            exr_finish(&ctxt);
    }
};

Result<StructureInfo> check_exr(const std::string& path, uint64_t file_size,
                                uint64_t max_memory_bytes)
{
    StructureInfo info;
    info.format = ImageFormat::OpenExr;
    info.file_size = file_size;

    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = remember_exr_error;
    ExrContext exr;
    t_exr_message.clear();
    exr_result_t rv = exr_start_read(&exr.ctxt, path.c_str(), &init);
    if (rv != EXR_ERR_SUCCESS) {
        exr.ctxt = nullptr;
        return corrupt("unreadable OpenEXR header: " +
                       (t_exr_message.empty() ? std::string(exr_get_default_error_message(rv))
                                              : t_exr_message));
    }
    int parts = 0;
    if (exr_get_count(exr.ctxt, &parts) != EXR_ERR_SUCCESS || parts < 1)
        return corrupt("OpenEXR file with no readable part");

    uint64_t table_bytes = 0;
    for (int p = 0; p < parts; ++p) {
        const std::string where = parts > 1 ? "part " + std::to_string(p) + ": " : "";
        exr_attr_box2i_t dw = {};
        exr_storage_t storage = EXR_STORAGE_SCANLINE;
        exr_compression_t compression = EXR_COMPRESSION_NONE;
        const exr_attr_chlist_t* channels = nullptr;
        int32_t chunks = 0;
        t_exr_message.clear();
        if (exr_get_data_window(exr.ctxt, p, &dw) != EXR_ERR_SUCCESS ||
            exr_get_storage(exr.ctxt, p, &storage) != EXR_ERR_SUCCESS ||
            exr_get_compression(exr.ctxt, p, &compression) != EXR_ERR_SUCCESS ||
            exr_get_channels(exr.ctxt, p, &channels) != EXR_ERR_SUCCESS || !channels)
            return corrupt(where + "header is missing a required attribute" +
                           (t_exr_message.empty() ? "" : ": " + t_exr_message));
        if (exr_get_chunk_count(exr.ctxt, p, &chunks) != EXR_ERR_SUCCESS || chunks < 0)
            return corrupt(where + "cannot count the chunks (bad data window or tile description)" +
                           (t_exr_message.empty() ? "" : ": " + t_exr_message));

        const int64_t width = int64_t(dw.max.x) - int64_t(dw.min.x) + 1;
        const int64_t height = int64_t(dw.max.y) - int64_t(dw.min.y) + 1;
        if (width < 1 || height < 1)
            return corrupt(where + "empty or inverted data window");
        const std::string size_text = std::to_string(width) + "x" + std::to_string(height);

        // Every chunk has an 8-byte entry in the offset table.
        table_bytes += uint64_t(chunks) * 8;
        if (table_bytes > file_size)
            return corrupt(where + "the header claims " + size_text + " pixels in " +
                           std::to_string(chunks) + " chunks, whose offset table alone needs " +
                           bytes_text(table_bytes) + ", but the file has " + bytes_text(file_size) +
                           " (truncated, or a damaged header)");

        // Uncompressed bytes (as stored) and as float in memory.
        uint64_t stored = 0, as_float = 0;
        const uint64_t pixels = uint64_t(width) * uint64_t(height);
        for (int c = 0; c < channels->num_channels; ++c) {
            const exr_attr_chlist_entry_t& ch = channels->entries[c];
            if (ch.x_sampling != 1 || ch.y_sampling != 1)
                return Status{ErrorCode::Unsupported,
                              where + "channel \"" +
                                  std::string(ch.name.str, size_t(ch.name.length)) +
                                  "\" is subsampled (luminance/chroma image); OpenImageIO "
                                  "cannot read such files"};
            const uint64_t xs = uint64_t(std::max(1, ch.x_sampling));
            const uint64_t ys = uint64_t(std::max(1, ch.y_sampling));
            const uint64_t samples =
                ((uint64_t(width) + xs - 1) / xs) * ((uint64_t(height) + ys - 1) / ys);
            stored += samples * (ch.pixel_type == EXR_PIXEL_HALF ? 2u : 4u);
            as_float += pixels * 4u;
        }
        const bool deep = storage == EXR_STORAGE_DEEP_SCANLINE || storage == EXR_STORAGE_DEEP_TILED;
        if (deep) {
            // The per-pixel sample-count table is what is known up front.
            stored = pixels * 4u;
            as_float = pixels * 4u;
        }
        const uint64_t limit = file_size * max_expansion(compression) + kSlackBytes;
        if (stored > limit)
            return corrupt(where + "the header claims " + size_text + " pixels (" +
                           bytes_text(stored) + " uncompressed), more than the file's " +
                           bytes_text(file_size) +
                           " could hold (decompression bomb or damaged header)");
        if (max_memory_bytes > 0 && as_float > max_memory_bytes)
            return Status{ErrorCode::Corrupt,
                          where + "reading " + size_text + " pixels needs " + bytes_text(as_float) +
                              ", more than the memory cap of " + bytes_text(max_memory_bytes)};
        info.float_bytes = std::max(info.float_bytes, as_float);
    }
    return info;
}

// The first chunk whose offset-table entry or chunk header is bad, or whose
// data runs past the end of the file, as a message naming the part (when there
// are several), the level (tiled), the scanline or tile and the chunk's index
// ("" when every chunk looks fine).
std::string first_bad_chunk(const std::string& path)
{
    exr_context_initializer_t init = EXR_DEFAULT_CONTEXT_INITIALIZER;
    init.error_handler_fn = remember_exr_error;
    ExrContext exr;
    if (exr_start_read(&exr.ctxt, path.c_str(), &init) != EXR_ERR_SUCCESS) {
        exr.ctxt = nullptr;
        return {};
    }
    std::error_code ec;
    const uint64_t file_size = std::filesystem::file_size(path, ec);
    int parts = 0;
    exr_get_count(exr.ctxt, &parts);
    for (int p = 0; p < parts; ++p) {
        const std::string part = parts > 1 ? "part " + std::to_string(p) + ": " : "";
        int32_t chunks = 0;
        exr_get_chunk_count(exr.ctxt, p, &chunks);
        const std::string of = " of " + std::to_string(chunks);
        // A chunk is bad when its header cannot be read or its data lies past the end.
        auto bad = [&](exr_result_t rc, const exr_chunk_info_t& c) {
            return rc != EXR_ERR_SUCCESS || (!ec && (c.data_offset > file_size ||
                                                     c.packed_size > file_size - c.data_offset));
        };
        auto why = [&](exr_result_t rc) {
            return std::string(" is missing or damaged (truncated, or the writer was killed)") +
                   (rc != EXR_ERR_SUCCESS && !t_exr_message.empty() ? ": " + t_exr_message : "");
        };
        exr_storage_t storage = EXR_STORAGE_TILED;
        if (exr_get_storage(exr.ctxt, p, &storage) != EXR_ERR_SUCCESS)
            continue;
        if (storage == EXR_STORAGE_SCANLINE) {
            exr_attr_box2i_t dw = {};
            int32_t lines = 0;
            if (exr_get_data_window(exr.ctxt, p, &dw) != EXR_ERR_SUCCESS ||
                exr_get_scanlines_per_chunk(exr.ctxt, p, &lines) != EXR_ERR_SUCCESS || lines < 1)
                continue;
            int64_t index = 0;
            for (int64_t y = dw.min.y; y <= dw.max.y; y += lines, ++index) {
                exr_chunk_info_t chunk = {};
                t_exr_message.clear();
                const exr_result_t rc = exr_read_scanline_chunk_info(exr.ctxt, p, int(y), &chunk);
                if (bad(rc, chunk))
                    return part + "the chunk for scanline " + std::to_string(y) + " (chunk " +
                           std::to_string(index) + of + ")" + why(rc);
            }
        } else if (storage == EXR_STORAGE_TILED) {
            uint32_t tw = 0, th = 0;
            exr_tile_level_mode_t mode = EXR_TILE_ONE_LEVEL;
            exr_tile_round_mode_t round = EXR_TILE_ROUND_DOWN;
            int32_t levels_x = 0, levels_y = 0;
            if (exr_get_tile_descriptor(exr.ctxt, p, &tw, &th, &mode, &round) != EXR_ERR_SUCCESS ||
                exr_get_tile_levels(exr.ctxt, p, &levels_x, &levels_y) != EXR_ERR_SUCCESS ||
                tw < 1 || th < 1)
                continue;
            int64_t index = 0;
            for (int ly = 0; ly < levels_y; ++ly)
                for (int lx = 0; lx < levels_x; ++lx) {
                    if (mode != EXR_TILE_RIPMAP_LEVELS && lx != ly)
                        continue;
                    int32_t w = 0, h = 0;
                    if (exr_get_level_sizes(exr.ctxt, p, lx, ly, &w, &h) != EXR_ERR_SUCCESS)
                        continue;
                    const std::string level =
                        levels_x > 1 || levels_y > 1
                            ? "level " + std::to_string(lx) +
                                  (mode == EXR_TILE_RIPMAP_LEVELS ? "," + std::to_string(ly) : "") +
                                  ", "
                            : "";
                    for (int ty = 0; ty < int((int64_t(h) + th - 1) / th); ++ty)
                        for (int tx = 0; tx < int((int64_t(w) + tw - 1) / tw); ++tx, ++index) {
                            exr_chunk_info_t chunk = {};
                            t_exr_message.clear();
                            const exr_result_t rc =
                                exr_read_tile_chunk_info(exr.ctxt, p, tx, ty, lx, ly, &chunk);
                            if (bad(rc, chunk))
                                return part + level + "the chunk for tile (" + std::to_string(tx) +
                                       ", " + std::to_string(ty) + ") (chunk " +
                                       std::to_string(index) + of + ")" + why(rc);
                        }
                }
        }
    }
    return {};
}

// --- TIFF: walk the directories, check every strip and tile lies in the file.

class TiffBytes {
public:
    TiffBytes(std::ifstream& in, uint64_t size, bool big_endian)
        : m_in(in), m_size(size), m_big(big_endian)
    {
    }
    bool read(uint64_t offset, void* out, size_t n)
    {
        if (offset > m_size || n > m_size - offset)
            return false;
        m_in.clear();
        m_in.seekg(std::streamoff(offset));
        m_in.read(static_cast<char*>(out), std::streamsize(n));
        return size_t(m_in.gcount()) == n;
    }
    bool u16(uint64_t offset, uint32_t& v)
    {
        unsigned char b[2];
        if (!read(offset, b, 2))
            return false;
        v = m_big ? (uint32_t(b[0]) << 8 | b[1]) : (uint32_t(b[1]) << 8 | b[0]);
        return true;
    }
    bool u32(uint64_t offset, uint32_t& v)
    {
        unsigned char b[4];
        if (!read(offset, b, 4))
            return false;
        v = m_big ? (uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3])
                  : (uint32_t(b[3]) << 24 | uint32_t(b[2]) << 16 | uint32_t(b[1]) << 8 | b[0]);
        return true;
    }
    uint64_t size() const { return m_size; }

private:
    std::ifstream& m_in;
    uint64_t m_size;
    bool m_big;
};

struct TiffEntry {
    uint32_t type = 0, count = 0;
    uint64_t value_offset = 0;  // where the values are (inline or elsewhere)
};

// Reads element i of a SHORT or LONG array entry.
bool tiff_value(TiffBytes& f, const TiffEntry& e, uint32_t i, uint32_t& v)
{
    if (e.type == 3)
        return f.u16(e.value_offset + uint64_t(i) * 2, v);
    if (e.type == 4)
        return f.u32(e.value_offset + uint64_t(i) * 4, v);
    return false;
}

Result<StructureInfo> check_tiff(const std::string& path, uint64_t file_size,
                                 uint64_t max_memory_bytes)
{
    StructureInfo info;
    info.format = ImageFormat::Tiff;
    info.file_size = file_size;

    std::ifstream in(path, std::ios::binary);
    unsigned char head[8];
    if (!in.read(reinterpret_cast<char*>(head), 8))
        return corrupt("TIFF header cut short");
    const bool big = head[0] == 'M';
    TiffBytes f(in, file_size, big);
    uint32_t magic = 0;
    f.u16(2, magic);
    if (magic == 43)
        return info;  // BigTIFF: left to the reader (in the isolated process)

    uint32_t ifd = 0;
    f.u32(4, ifd);
    std::set<uint32_t> seen;
    int directory = 0;
    while (ifd != 0) {
        const std::string where = "TIFF directory " + std::to_string(directory) + ": ";
        if (!seen.insert(ifd).second)
            return corrupt(where + "directories form a loop");
        if (directory++ > 10000)
            return corrupt("more than 10000 TIFF directories");
        uint32_t count = 0;
        if (!f.u16(ifd, count))
            return corrupt(where + "lies outside the file (offset " + std::to_string(ifd) + ")");
        if (uint64_t(ifd) + 2 + uint64_t(count) * 12 + 4 > file_size)
            return corrupt(where + "runs past the end of the file");

        TiffEntry offsets, counts;
        uint32_t width = 0, height = 0, spp = 1;
        for (uint32_t i = 0; i < count; ++i) {
            const uint64_t at = uint64_t(ifd) + 2 + uint64_t(i) * 12;
            uint32_t tag = 0;
            TiffEntry e;
            f.u16(at, tag);
            f.u16(at + 2, e.type);
            f.u32(at + 4, e.count);
            // Bytes per value of each TIFF 6 field type (BYTE .. IFD); every
            // value stored out of line must lie inside the file, whatever its
            // type (a TIFF cut inside its last ImageDescription otherwise read
            // back as a shorter text with success).
            static const uint8_t kTypeBytes[14] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};
            const uint64_t unit = e.type < 14 ? kTypeBytes[e.type] : 0;
            if (unit != 0 && uint64_t(e.count) * unit > 4) {
                uint32_t off = 0;
                f.u32(at + 8, off);
                e.value_offset = off;
                if (uint64_t(off) + uint64_t(e.count) * unit > file_size)
                    return corrupt(where + "tag " + std::to_string(tag) +
                                   " points past the end of the file");
            } else {
                e.value_offset = at + 8;
            }
            uint32_t v = 0;
            if (tag == 256 && tiff_value(f, e, 0, v))
                width = v;
            else if (tag == 257 && tiff_value(f, e, 0, v))
                height = v;
            else if (tag == 277 && tiff_value(f, e, 0, v))
                spp = v;
            else if (tag == 273 || tag == 324)  // StripOffsets, TileOffsets
                offsets = e;
            else if (tag == 279 || tag == 325)  // StripByteCounts, TileByteCounts
                counts = e;
        }
        if (offsets.count != counts.count)
            return corrupt(where + "has " + std::to_string(offsets.count) +
                           " strip/tile offsets but " + std::to_string(counts.count) +
                           " byte counts");
        for (uint32_t i = 0; i < offsets.count; ++i) {
            uint32_t off = 0, n = 0;
            if (!tiff_value(f, offsets, i, off) || !tiff_value(f, counts, i, n))
                return corrupt(where + "unreadable strip/tile table");
            if (uint64_t(off) + uint64_t(n) > file_size)
                return corrupt(where + "strip or tile " + std::to_string(i) + " (" +
                               std::to_string(n) + " bytes at offset " + std::to_string(off) +
                               ") runs past the end of the file (" + bytes_text(file_size) +
                               "): truncated or damaged");
        }
        const uint64_t as_float =
            uint64_t(width) * uint64_t(height) * uint64_t(std::max(1u, spp)) * 4;
        if (max_memory_bytes > 0 && as_float > max_memory_bytes)
            return corrupt(where + "reading " + std::to_string(width) + "x" +
                           std::to_string(height) + " pixels needs " + bytes_text(as_float) +
                           ", more than the memory cap of " + bytes_text(max_memory_bytes));
        info.float_bytes = std::max(info.float_bytes, as_float);

        uint32_t next = 0;
        if (!f.u32(uint64_t(ifd) + 2 + uint64_t(count) * 12, next))
            return corrupt(where + "cut short");
        ifd = next;
    }
    if (directory == 0)
        return corrupt("TIFF file with no image directory");
    return info;
}

}  // namespace

ImageFormat detect_image_format(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    unsigned char m[4] = {0, 0, 0, 0};
    in.read(reinterpret_cast<char*>(m), 4);
    if (in.gcount() != 4)
        return ImageFormat::None;
    if (m[0] == 0x76 && m[1] == 0x2f && m[2] == 0x31 && m[3] == 0x01)
        return ImageFormat::OpenExr;
    if ((m[0] == 'I' && m[1] == 'I' && (m[2] == 42 || m[2] == 43) && m[3] == 0) ||
        (m[0] == 'M' && m[1] == 'M' && m[2] == 0 && (m[3] == 42 || m[3] == 43)))
        return ImageFormat::Tiff;
    return ImageFormat::None;
}

const char* oiio_format_name(ImageFormat format)
{
    switch (format) {
        case ImageFormat::OpenExr:
            return format::kOpenExrFormat;
        case ImageFormat::Tiff:
            return format::kTiffFormat;
        case ImageFormat::None:
            break;
    }
    return "";
}

Result<StructureInfo> check_image_structure(const std::string& path, uint64_t max_memory_bytes)
{
    // A FIFO would block the open below until a writer came (a FIFO planted
    // at a .part hung ckverify and -recover 1: tests/checkpoint/hostile_sweep_test.cpp).
    if (const std::string kind = non_regular_kind(path); !kind.empty())
        return Status{ErrorCode::Io, "cannot read: it is " + kind + ", not a file"};
    std::ifstream probe(path, std::ios::binary | std::ios::ate);
    if (!probe) {
        const int err = errno;
        return Status{err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                      std::string("cannot open: ") + std::strerror(err)};
    }
    const auto end = probe.tellg();
    const uint64_t size = end < 0 ? 0 : uint64_t(end);
    probe.close();
    try {
        switch (detect_image_format(path)) {
            case ImageFormat::OpenExr:
                return check_exr(path, size, max_memory_bytes);
            case ImageFormat::Tiff:
                return check_tiff(path, size, max_memory_bytes);
            case ImageFormat::None:
                break;
        }
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, "out of memory while checking the file structure"};
    } catch (const std::exception& e) {
        return corrupt(e.what());
    }
    return Status{ErrorCode::Unsupported, "not an OpenEXR or TIFF file"};
}

Status check_openexr_file(const std::string& path)
{
    try {
        // Imf::checkOpenEXRFile returns true when it FOUND problems: its header
        // comment says the opposite, its code (and our corpus test) say this.
        const bool found_problems = Imf::checkOpenEXRFile(path.c_str(), /*reduceMemory=*/true,
                                                          /*reduceTime=*/true,
                                                          /*runCoreCheck=*/false);
        if (found_problems) {
            // Say which problem when it is the common one: a chunk missing or cut short.
            const std::string incomplete = first_bad_chunk(path);
            return corrupt(incomplete.empty()
                               ? "OpenEXR's file check (checkOpenEXRFile) found damaged or "
                                 "unreadable data"
                               : incomplete);
        }
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, "out of memory in OpenEXR's file check"};
    } catch (const std::exception& e) {
        return corrupt(std::string("OpenEXR's file check failed: ") + e.what());
    }
    return {};
}

Result<std::unique_ptr<OIIO::ImageInput>> open_image(const std::string& path, ImageFormat format)
{
    if (format == ImageFormat::None)
        return Status{ErrorCode::Unsupported, "not an OpenEXR or TIFF file"};
    try {
        // Forced reader: a ".part" name would make OIIO try every plugin and
        // report only "could not find a format reader".
        auto in = OIIO::ImageInput::create(oiio_format_name(format));
        if (!in)
            return Status{ErrorCode::Internal, "no " + std::string(oiio_format_name(format)) +
                                                   " reader: " + OIIO::geterror()};
        OIIO::ImageSpec spec;
        if (!in->open(path, spec)) {
            std::string why = in->geterror();
            return corrupt("cannot read the header: " + (why.empty() ? "unknown error" : why));
        }
        return std::unique_ptr<OIIO::ImageInput>(std::move(in));
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, "out of memory reading the header"};
    } catch (const std::exception& e) {
        return corrupt(std::string("cannot read the header: ") + e.what());
    }
}

Result<OIIO::ImageBuf> read_subimage(OIIO::ImageInput& in, int subimage, int miplevel)
{
    try {
        const OIIO::ImageSpec spec = in.spec(subimage, miplevel);
        if (spec.deep)
            return Status{ErrorCode::Unsupported, "deep image"};
        if (spec.nchannels < 1 || spec.width < 1 || spec.height < 1)
            return corrupt("no pixels (empty data window or no channels)");
        OIIO::ImageSpec float_spec = spec;
        float_spec.set_format(OIIO::TypeFloat);
        float_spec.channelformats.clear();
        OIIO::ImageBuf buf(float_spec);  // allocates: sizes were checked beforehand
        // Forget warnings left from opening (libtiff reports odd tags as errors);
        // what matters is whether this read fails.
        (void)in.geterror();
        if (!in.read_image(subimage, miplevel, 0, spec.nchannels, OIIO::TypeFloat,
                           buf.localpixels()) ||
            in.has_error()) {
            std::string why = in.geterror();
            return corrupt("cannot read the pixels" +
                           (subimage > 0 || miplevel > 0
                                ? " of subimage " + std::to_string(subimage) + " level " +
                                      std::to_string(miplevel)
                                : std::string()) +
                           ": " + (why.empty() ? "unknown error" : why));
        }
        return buf;
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, "out of memory reading the pixels"};
    } catch (const std::exception& e) {
        return corrupt(std::string("cannot read the pixels: ") + e.what());
    }
}

Status read_deep_subimage(OIIO::ImageInput& in, int subimage)
{
    try {
        OIIO::DeepData deep;
        if (!in.read_native_deep_image(subimage, 0, deep) || in.has_error()) {
            std::string why = in.geterror();
            return corrupt("cannot read the deep pixels: " + (why.empty() ? "unknown error" : why));
        }
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, "out of memory reading the deep pixels"};
    } catch (const std::exception& e) {
        return corrupt(std::string("cannot read the deep pixels: ") + e.what());
    }
    return {};
}

}  // namespace ck
