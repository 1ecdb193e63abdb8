# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
#
# Compiler settings for our own targets, through INTERFACE targets linked PRIVATE.

# ck_warnings: the warning set every target of ours builds with.
add_library(ck_warnings INTERFACE)
target_compile_options(ck_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                             -Wnon-virtual-dtor -Wno-unused-parameter)
if(CK_WARNINGS_AS_ERRORS)
  target_compile_options(ck_warnings INTERFACE -Werror)
endif()

# ck_fp: determinism. No fused multiply-add contraction, no fast-math, so the
# same samples give the same bits with any compiler scheduling (docs/determinism.md).
add_library(ck_fp INTERFACE)
target_compile_options(ck_fp INTERFACE -ffp-contract=off -fno-fast-math)
if(CK_NATIVE_ARCH)
  target_compile_options(ck_fp INTERFACE -march=native)
endif()

if(CK_SANITIZE)
  add_compile_options(-fsanitize=${CK_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${CK_SANITIZE})
endif()

# A fuzzer is blind to code without coverage instrumentation: give it to every
# library (the fuzz targets themselves add -fsanitize=fuzzer for the driver).
if(CK_BUILD_FUZZERS)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# ck_add_tool(NAME SOURCES...): one executable in build/bin with our settings.
function(ck_add_executable name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE ck_warnings ck_fp)
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endfunction()
