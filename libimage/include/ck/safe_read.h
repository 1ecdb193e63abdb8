// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Reading images that may be hostile. Before any full decoder sees a file, its
// structure is checked against its size: every chunk the header promises needs
// an offset-table entry inside the file, the pixel bytes it claims must be
// something the file's bytes could decompress to, and the memory a read needs
// must fit the caller's cap. OpenEXR files also pass Imf::checkOpenEXRFile.
// Readers are created by format name, never by extension (a ".part" name or a
// fuzz file without extension would fool OIIO's guess and hide the real error).
#pragma once

#include <ck/result.h>

#include <OpenImageIO/imagebuf.h>
#include <OpenImageIO/imageio.h>

#include <cstdint>
#include <memory>
#include <string>

namespace ck {

/// An image file format, from the file's magic bytes.
enum class ImageFormat { None, OpenExr, Tiff };

/// The format named by the first bytes of `path` (OpenEXR 76 2F 31 01, TIFF
/// "II*\0"/"MM\0*"), or None (also when the file cannot be read).
ImageFormat detect_image_format(const std::string& path);

/// OIIO's plugin name for `format` ("openexr", "tiff"); "" for None.
const char* oiio_format_name(ImageFormat format);

/// What check_image_structure() learnt about the file.
struct StructureInfo {
    ImageFormat format = ImageFormat::None;
    uint64_t file_size = 0;
    uint64_t float_bytes = 0;  ///< Memory to hold the largest subimage as float.
};

/// Structural checks that need no pixel decoding. For OpenEXR (through
/// OpenEXRCore, which validates headers against the file size): every part's
/// header parses, its chunk offset table fits in the file, its uncompressed
/// size is within what its compression could expand the file to, and reading it
/// as float needs at most `max_memory_bytes` (0: no cap). For TIFF: every
/// directory, strip and tile lies inside the file and the image fits the cap.
/// Returns ErrorCode::NotFound when the file cannot be opened,
/// ErrorCode::Corrupt naming the first problem (e.g. "the header claims
/// 46340x46340 pixels (8.0 GiB) but the file has 464 bytes"), and
/// ErrorCode::Unsupported when it is neither OpenEXR nor TIFF.
Result<StructureInfo> check_image_structure(const std::string& path, uint64_t max_memory_bytes);

/// Runs OpenEXR's own validator, Imf::checkOpenEXRFile (reduced memory and
/// time, C++ read paths). Returns ErrorCode::Corrupt when it finds damage.
/// Its core-library check is left off: in OpenEXR 3.1.5 it rejects valid
/// mip-mapped tiled files and valid DWAA/DWAB files (docs/tools.md).
Status check_openexr_file(const std::string& path);

/// Opens `path` with the reader for `format` forced. Returns ErrorCode::Corrupt
/// with the reader's own message when the header cannot be read.
Result<std::unique_ptr<OIIO::ImageInput>> open_image(const std::string& path, ImageFormat format);

/// Reads one subimage and MIP level in full, every channel as float, into a
/// new ImageBuf (data window, channel order as the reader reports it).
/// Checks the read's return value and has_error(). Returns ErrorCode::Corrupt
/// naming the reader's error when any chunk, tile or strip cannot be read,
/// ErrorCode::Unsupported for deep images, ErrorCode::Internal on bad_alloc.
Result<OIIO::ImageBuf> read_subimage(OIIO::ImageInput& in, int subimage, int miplevel);

/// Reads a deep subimage in full (every chunk); Corrupt on any error.
Status read_deep_subimage(OIIO::ImageInput& in, int subimage);

}  // namespace ck
