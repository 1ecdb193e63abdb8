# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# Every third-party dependency, found once, as imported targets (Debian 12 packages).

find_package(Imath CONFIG REQUIRED)
find_package(OpenEXR CONFIG REQUIRED)
find_package(OpenImageIO CONFIG REQUIRED)
# Debian 12 packaging bug: the OIIO target names /usr/include/opencv4, which only
# exists when libopencv-dev is installed. Drop it, or generation fails.
foreach(prop IN ITEMS INTERFACE_INCLUDE_DIRECTORIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES)
  get_target_property(dirs OpenImageIO::OpenImageIO ${prop})
  if(dirs)
    list(FILTER dirs EXCLUDE REGEX "opencv4")
    set_property(TARGET OpenImageIO::OpenImageIO PROPERTY ${prop} "${dirs}")
  endif()
endforeach()
find_package(TBB CONFIG REQUIRED)
find_package(embree 3 CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(zstd CONFIG REQUIRED)
# JSON: the tools' and ckrender's --json output, and ck:history (docs/json.md).
find_package(nlohmann_json 3.10 CONFIG REQUIRED)
find_package(Threads REQUIRED)
# xxHash's streaming API: fingerprints hash light maps and archives of any size
# in fixed memory, with the digest OIIO's one-shot XXH64 gives (issue 10, item 6).
find_package(PkgConfig REQUIRED)
pkg_check_modules(xxhash REQUIRED IMPORTED_TARGET libxxhash)
