// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The scene of the commit-protocol fault tests: two displays, so every commit
// renames two files, and a checkpoint after every increment.
#pragma once

#include "../support/run_process.h"
#include "../support/temp_dir.h"
#include "checkpoint_test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ck::test {

inline const std::string kRendererPath = CK_RENDERER_PATH;
constexpr int kTwoDisplaySamples = 8;

inline std::string two_display_scene(const std::string& a, const std::string& b)
{
    std::ostringstream rib;
    rib << "Format 24 16 1\n"
        << "Display \"" << a << "\" \"openexr\" \"rgba\"\n"
        << "Display \"+" << b << "\" \"openexr\" \"rgb\"\n"
        << "Hider \"raytrace\" \"int incremental\" [1] \"int maxsamples\" [" << kTwoDisplaySamples
        << "]\n"
        << "Option \"checkpoint\" \"string interval\" [\"1i\"]\n"
        << "Projection \"perspective\" \"fov\" [40]\n"
        << "Translate 0 0 5\n"
        << "WorldBegin\n"
        << "  Light \"PxrDomeLight\" \"dome\" \"color lightColor\" [0.5 0.6 0.7]\n"
        << "  Bxdf \"PxrDiffuse\" \"d\" \"color diffuseColor\" [0.7 0.5 0.3]\n"
        << "  Sphere 1 -1 1 360\n"
        << "WorldEnd\n";
    return rib.str();
}

struct TwoDisplayReference {
    std::vector<float> a, b;
};

/// The uninterrupted render of the two-display scene, made in `dir`.
inline TwoDisplayReference render_two_display_reference(const TempDir& dir)
{
    std::ofstream(dir.file("ref.rib")) << two_display_scene("ref_a.exr", "ref_b.exr");
    auto r = run_process({kRendererPath, "-q", "ref.rib"}, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {image_pixels(dir.file("ref_a.exr")), image_pixels(dir.file("ref_b.exr"))};
}

inline std::string fault_env(const std::string& spec)
{
    return "CKRENDER_FAULT_INJECT=" + spec;
}

}  // namespace ck::test
