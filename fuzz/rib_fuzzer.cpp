// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// libFuzzer target for the RIB tokenizer and parser (issue 5). Any input must
// give diagnostics, never a crash, a hang or unbounded memory. ReadArchive
// requests resolve against a directory that does not exist, so the fuzzer
// only ever reads its own input.
#include "scene/parser.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ck::scene::ParseOptions options;
    options.max_errors = 20;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ck::scene::ParseResult result =
        ck::scene::parse_rib_string(text, "/nonexistent-ckrender-fuzz/input.rib", options);
    // Touch the result so the parse is not optimised away.
    return result.scene.frames.size() > 1000000 ? 1 : 0;
}
