// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// DisplayChannel declarations, Display modes naming channels, built-in
// sources, channel filters, light path expression errors at file:line:col
// (issue 12; docs/scene-format.md, "Channels").
#include "scene/parser.h"
#include "scene/recovery_expectation.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ck::scene {
namespace {

using test::dump;
using test::errors_with;
using test::parse;
using test::warnings_with;

using Names = std::vector<std::string>;

std::string scene_with(const std::string& options)
{
    return "Format 8 8 1\n" + options + "WorldBegin\nWorldEnd\n";
}

const Frame& only(const ParseResult& r)
{
    static const Frame empty;
    EXPECT_EQ(r.scene.frames.size(), 1u) << dump(r);
    return r.scene.frames.empty() ? empty : r.scene.frames[0];
}

TEST(Channels, ModesNameBuiltInsInOrder)
{
    ParseResult r = parse(scene_with(
        "Display \"a.exr\" \"openexr\" \"Ci,a,z,Nn\"\n"
        "Display \"+b.exr\" \"openexr\" \"rgbaz\"\n"
        "Display \"+c.exr\" \"openexr\" \"z\"\n"
        "Display \"+d.exr\" \"openexr\" \"st,id,albedo,__Pworld,__Nworld,__depth,sampleCount,P,Ng\"\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only(r);
    ASSERT_EQ(f.displays.size(), 4u);
    EXPECT_EQ(display_output_names(f.displays[0]),
              (Names{"R", "G", "B", "A", "Z", "Nn.X", "Nn.Y", "Nn.Z"}));
    EXPECT_EQ(display_output_names(f.displays[1]), (Names{"R", "G", "B", "A", "Z"}));
    EXPECT_EQ(display_output_names(f.displays[2]), (Names{"Z"}));
    EXPECT_EQ(display_output_names(f.displays[3]),
              (Names{"st.X", "st.Y", "id", "albedo.R", "albedo.G", "albedo.B", "__Pworld.X",
                     "__Pworld.Y", "__Pworld.Z", "__Nworld.X", "__Nworld.Y", "__Nworld.Z",
                     "__depth", "sampleCount", "P.X", "P.Y", "P.Z", "Ng.X", "Ng.Y", "Ng.Z"}));
    // Depth-like channels default to zmin, as RenderMan's do.
    EXPECT_EQ(f.displays[2].channels[0].filter, ChannelFilter::ZMin);
    EXPECT_EQ(f.displays[3].channels[1].filter, ChannelFilter::ZMin);  // id
    EXPECT_EQ(f.displays[3].channels[0].filter, ChannelFilter::Average);
    // One film channel per distinct channel: Ci, a, z, Nn, then d's.
    const std::vector<ChannelDecl> film = film_channels(f);
    ASSERT_EQ(film.size(), 4u + 9u);
    EXPECT_EQ(display_film_channels(f, 1), (std::vector<int>{0, 1, 2}));
}

TEST(Channels, DisplayChannelDeclaresSourcesAndFilters)
{
    ParseResult r = parse(scene_with(
        "DisplayChannel \"float zfar\" \"string source\" \"float z\" \"string filter\" \"zmax\"\n"
        "DisplayChannel \"color diffuse\" \"string source\" [\"lpe:C<RD>[<L.>O]\"]\n"
        "DisplayChannel \"color nearest\" \"string source\" \"color Ci\" \"string filter\" [\"zmin\"]\n"
        "DisplayChannel \"float hits\" \"string source\" \"a\" \"string filter\" \"sum\"\n"
        "DisplayChannel \"float lo\" \"string source\" \"float a\" \"string filter\" \"min\"\n"
        "Display \"aov.exr\" \"openexr\" \"Ci,zfar,diffuse,nearest,hits,lo\"\n"
        "Display \"+diffuse.exr\" \"openexr\" \"diffuse\"\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    const Frame& f = only(r);
    ASSERT_EQ(f.displays.size(), 2u);
    const auto& c = f.displays[0].channels;
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c[1].source, ChannelSource::Z);
    EXPECT_EQ(c[1].filter, ChannelFilter::ZMax);
    EXPECT_EQ(c[2].source, ChannelSource::Lpe);
    EXPECT_EQ(c[2].lpe, "C<RD>[<L.>O]");
    EXPECT_EQ(c[3].source, ChannelSource::Ci);
    EXPECT_EQ(c[3].filter, ChannelFilter::ZMin);
    EXPECT_EQ(c[4].filter, ChannelFilter::Sum);
    EXPECT_EQ(c[5].filter, ChannelFilter::Min);
    EXPECT_EQ(display_output_names(f.displays[0]),
              (Names{"R", "G", "B", "zfar", "diffuse.R", "diffuse.G", "diffuse.B", "nearest.R",
                     "nearest.G", "nearest.B", "hits", "lo"}));
    // A lone colour channel is R, G, B: what a viewer shows.
    EXPECT_EQ(display_output_names(f.displays[1]), (Names{"R", "G", "B"}));
    // Its checkpoint: the channels, the sums' words, both z keys, ~w.
    const Names ck = checkpoint_channels(f.displays[0]);
    EXPECT_EQ(ck.back(), "~w");
    EXPECT_NE(std::find(ck.begin(), ck.end(), "~sum0.diffuse.R"), ck.end());
    EXPECT_NE(std::find(ck.begin(), ck.end(), "~sum3.hits"), ck.end());
    EXPECT_EQ(std::find(ck.begin(), ck.end(), "~sum0.lo"), ck.end());  // min keeps the value
    EXPECT_NE(std::find(ck.begin(), ck.end(), "~zmin"), ck.end());
    EXPECT_NE(std::find(ck.begin(), ck.end(), "~zmax"), ck.end());
    // 3 (Ci) + 3 (diffuse) + 1 (hits) averaged or summed components, 4 words each.
    EXPECT_EQ(ck.size(), 12u + 7u * 4u + 2u + 1u);
}

TEST(Channels, ALaterDeclarationReplacesTheEarlierOne)
{
    ParseResult r = parse(scene_with("DisplayChannel \"float d\" \"string source\" \"z\"\n"
                                     "DisplayChannel \"float d\" \"string source\" \"__depth\"\n"
                                     "Display \"o.exr\" \"openexr\" \"d\"\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(only(r).displays[0].channels[0].source, ChannelSource::Depth);
}

TEST(Channels, DeclarationErrorsNameTheRequest)
{
    struct Case {
        std::string line, needle;
    };
    const std::vector<Case> cases = {
        {"DisplayChannel \"diffuse\"", "expected \"TYPE NAME\""},
        {"DisplayChannel \"matrix m\"", "type \"matrix\" is not one ckrender writes"},
        {"DisplayChannel \"float n\" \"string source\" \"Nn\"", "has 3 component(s)"},
        {"DisplayChannel \"float q\" \"string source\" \"shadowmask\"", "not a built-in channel"},
        {"DisplayChannel \"float q\" \"string source\" \"z\" \"string filter\" \"median\"",
         "filter \"median\" is not one ckrender knows"},
        {"DisplayChannel \"float l\" \"string source\" \"lpe:CL\"", "light path expression gives a colour"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.line);
        ParseResult r = parse(scene_with(c.line + "\n"));
        EXPECT_EQ(errors_with(r, c.needle).size(), 1u) << dump(r);
    }
}

TEST(Channels, APixelFilterNameOrWidthWarnsOnceThatThePixelFilterApplies)
{
    ParseResult r = parse(scene_with(
        "PixelFilter \"gaussian\" 2 2\n"
        "DisplayChannel \"color c\" \"string source\" \"Ci\" \"string filter\" \"box\" "
        "\"float[2] filterwidth\" [1 1]\n"
        "DisplayChannel \"color g\" \"string source\" \"Ci\" \"string filter\" \"gaussian\" "
        "\"float[2] filterwidth\" [2 2]\n"
        "Display \"o.exr\" \"openexr\" \"c,g\"\n"));
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(warnings_with(r, "filter \"box\" is not applied").size(), 1u) << dump(r);
    EXPECT_EQ(warnings_with(r, "filterwidth is not applied").size(), 1u) << dump(r);
    EXPECT_EQ(only(r).displays[0].channels[0].filter, ChannelFilter::Average);
}

TEST(Channels, LpeSyntaxErrorsPointAtTheCharacter)
{
    // Column of the bad character: the quote after '[' is column 45, then
    // "lpe:" and the offset into the expression.
    const std::string line = "DisplayChannel \"color bad\" \"string source\" [\"lpe:C<RX>\"]";
    ParseResult r = parse(scene_with(line + "\n"));
    ASSERT_EQ(r.error_count(), 1) << dump(r);
    const auto e = errors_with(r, "light path expression \"lpe:C<RX>\"");
    ASSERT_EQ(e.size(), 1u) << dump(r);
    EXPECT_EQ(e[0].loc.str(), "test.rib:2:" + std::to_string(line.find('X') + 1)) << dump(r);
    // Without brackets the string starts at the quote itself.
    const std::string bare = "DisplayChannel \"color bad\" \"string source\" \"lpe:C<RD>U\"";
    ParseResult b = parse(scene_with(bare + "\n"));
    const auto eb = errors_with(b, "light path expression");
    ASSERT_EQ(eb.size(), 1u) << dump(b);
    EXPECT_EQ(eb[0].loc.str(), "test.rib:2:" + std::to_string(bare.find('U') + 1)) << dump(b);
}

TEST(Channels, AChannelWrittenTwiceIsAnError)
{
    ParseResult r = parse(scene_with("Display \"o.exr\" \"openexr\" \"Ci,rgb\"\n"));
    EXPECT_EQ(errors_with(r, "writes channel \"R\" twice").size(), 1u) << dump(r);
}

}  // namespace
}  // namespace ck::scene
