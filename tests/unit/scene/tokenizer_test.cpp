// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Tokenizer rules 1-7 and 10 of rib-subset.md, and gzip input.
#include "scene/tokenizer.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <vector>

namespace ck::scene {
namespace {

using detail::Token;
using detail::TokenKind;
using detail::Tokenizer;

std::vector<Token> tokens(const std::string& text)
{
    Tokenizer tk(text, "t.rib");
    std::vector<Token> out;
    for (int guard = 0; guard < 10000; ++guard) {
        Token t = tk.next();
        if (t.kind == TokenKind::Eof)
            break;
        out.push_back(t);
    }
    return out;
}

TEST(Tokenizer, NumberForms)
{
    auto t = tokens(".5 1. 1e-05 +1 -2 3.25E+2 7 -.25 0");
    ASSERT_EQ(t.size(), 9u);
    EXPECT_EQ(t[0].kind, TokenKind::Float);
    EXPECT_DOUBLE_EQ(t[0].number, 0.5);
    EXPECT_EQ(t[1].kind, TokenKind::Float);
    EXPECT_DOUBLE_EQ(t[1].number, 1.0);
    EXPECT_EQ(t[2].kind, TokenKind::Float);
    EXPECT_DOUBLE_EQ(t[2].number, 1e-05);
    EXPECT_EQ(t[3].kind, TokenKind::Int);
    EXPECT_DOUBLE_EQ(t[3].number, 1.0);
    EXPECT_EQ(t[4].kind, TokenKind::Int);
    EXPECT_DOUBLE_EQ(t[4].number, -2.0);
    EXPECT_EQ(t[5].kind, TokenKind::Float);
    EXPECT_DOUBLE_EQ(t[5].number, 325.0);
    EXPECT_EQ(t[6].kind, TokenKind::Int);
    EXPECT_EQ(t[7].kind, TokenKind::Float);
    EXPECT_DOUBLE_EQ(t[7].number, -0.25);
    EXPECT_EQ(t[8].kind, TokenKind::Int);
}

TEST(Tokenizer, NanAndInfinityAreNotNumbers)
{
    auto t = tokens("NaN inf 1.#QNAN -1.#IND 1e 1.2.3 --1");
    ASSERT_EQ(t.size(), 7u);
    EXPECT_EQ(t[0].kind, TokenKind::Name);  // Request names, then "unknown request".
    EXPECT_EQ(t[1].kind, TokenKind::Name);
    for (std::size_t k = 2; k < t.size(); ++k) {
        EXPECT_EQ(t[k].kind, TokenKind::Error) << k;
        EXPECT_NE(t[k].text.find("malformed number"), std::string::npos) << t[k].text;
        EXPECT_FALSE(t[k].fatal);
    }
}

TEST(Tokenizer, IntegerOverflowIsAnError)
{
    auto t = tokens("2147483647 -2147483648 2147483648 99999999999999999999 1e999");
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0].kind, TokenKind::Int);
    EXPECT_EQ(t[1].kind, TokenKind::Int);
    EXPECT_EQ(t[2].kind, TokenKind::Error);
    EXPECT_NE(t[2].text.find("integer overflow"), std::string::npos);
    EXPECT_EQ(t[3].kind, TokenKind::Error);
    EXPECT_EQ(t[4].kind, TokenKind::Error);
    EXPECT_NE(t[4].text.find("out of range"), std::string::npos);
}

TEST(Tokenizer, StringEscapes)
{
    auto t = tokens(R"("q\"b\\s\nn\tt\rr\bb\ff\101\60x C:\dir\x")");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].kind, TokenKind::String);
    EXPECT_EQ(t[0].text, std::string("q\"b\\s\nn\tt\rr\bb\ff") + "A0x C:\\dir\\x");
}

TEST(Tokenizer, StringWithRawNewlinesKeepsLineCount)
{
    auto t = tokens("\"a\nb\nc\" Sphere");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].text, "a\nb\nc");
    EXPECT_EQ(t[1].line, 3);
    EXPECT_EQ(t[1].column, 4);
}

TEST(Tokenizer, UnterminatedStringReportsItsStart)
{
    auto t = tokens("Surface\n  \"plastic\" \"Kd\n0.5");
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[2].kind, TokenKind::Error);
    EXPECT_TRUE(t[2].fatal);
    EXPECT_EQ(t[2].line, 2);
    EXPECT_EQ(t[2].column, 13);
    EXPECT_NE(t[2].text.find("unterminated string"), std::string::npos);
}

TEST(Tokenizer, CommentsInsideArrays)
{
    auto t = tokens("[1 # one\n 2 #two]\n 3]");
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0].kind, TokenKind::ArrayBegin);
    EXPECT_DOUBLE_EQ(t[1].number, 1.0);
    EXPECT_DOUBLE_EQ(t[2].number, 2.0);
    EXPECT_DOUBLE_EQ(t[3].number, 3.0);
    EXPECT_EQ(t[4].kind, TokenKind::ArrayEnd);
}

TEST(Tokenizer, CrLfAndAllWhitespace)
{
    auto t = tokens("A\r\nB\r\n\tC\f\vD\rE");
    ASSERT_EQ(t.size(), 5u);
    EXPECT_EQ(t[0].line, 1);
    EXPECT_EQ(t[1].line, 2);
    EXPECT_EQ(t[2].line, 3);
    EXPECT_EQ(t[2].column, 2);
    EXPECT_EQ(t[3].line, 3);
    EXPECT_EQ(t[3].text, "D");
    EXPECT_EQ(t[4].line, 4);  // A lone CR ends a line too.
}

TEST(Tokenizer, StructureCommentsAndNoFinalNewline)
{
    auto t = tokens("##RenderMan RIB-Structure 1.1\n##Frames 2\nWorldBegin # trailing comment");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].kind, TokenKind::Name);
    EXPECT_EQ(t[0].text, "WorldBegin");
    EXPECT_EQ(t[0].line, 3);
    auto u = tokens("Sphere 1");
    ASSERT_EQ(u.size(), 2u);
    EXPECT_EQ(u[1].kind, TokenKind::Int);
}

TEST(Tokenizer, BinaryByteIsAFatalError)
{
    std::string text = "WorldBegin\n\x81\x02 Sphere";
    auto t = tokens(text);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[1].kind, TokenKind::Error);
    EXPECT_TRUE(t[1].fatal);
    EXPECT_EQ(t[1].text, "binary RIB not supported (byte 0x81 at offset 11)");
}

TEST(Tokenizer, RequestNamesStopAtDelimiters)
{
    auto t = tokens("Color[1 0 0]Surface\"matte\"");
    ASSERT_EQ(t.size(), 8u);
    EXPECT_EQ(t[0].text, "Color");
    EXPECT_EQ(t[1].kind, TokenKind::ArrayBegin);
    EXPECT_EQ(t[5].kind, TokenKind::ArrayEnd);
    EXPECT_EQ(t[6].text, "Surface");
    EXPECT_EQ(t[7].kind, TokenKind::String);
}

TEST(Tokenizer, GzipDetectedByMagicWhateverTheName)
{
    test::TempDir dir;
    std::string rib = test::scene_with("Sphere 1 -1 1 360");
    std::string path = dir.write("scene.notgz", test::gzip(rib));
    ParseResult r = parse_rib_file(path);
    EXPECT_TRUE(r.ok()) << test::dump(r);
    ASSERT_EQ(r.scene.frames.size(), 1u);
    EXPECT_EQ(r.scene.frames[0].world.shapes.size(), 1u);
}

TEST(Tokenizer, GzipCutMidMemberIsAnErrorNamingTheFile)
{
    test::TempDir dir;
    std::string rib;
    for (int k = 0; k < 200; ++k)
        rib += "Translate " + std::to_string(k) + " 0 0\n";
    std::string gz = test::gzip(test::scene_with(rib + "Sphere 1 -1 1 360"));
    std::string path = dir.write("cut.rib", gz.substr(0, gz.size() / 2));
    ParseResult r = parse_rib_file(path);
    EXPECT_FALSE(r.ok());
    auto e = test::errors_with(r, "truncated");
    ASSERT_EQ(e.size(), 1u) << test::dump(r);
    EXPECT_NE(e[0].message.find(path), std::string::npos);
    EXPECT_TRUE(r.scene.frames.empty());
}

TEST(Tokenizer, GzipReadArchive)
{
    test::TempDir dir;
    dir.write("geo.rib.gz", test::gzip("Sphere 1 -1 1 360\n"));
    std::string main = dir.write("main.rib", test::scene_with("ReadArchive \"geo.rib.gz\""));
    ParseResult r = parse_rib_file(main);
    EXPECT_TRUE(r.ok()) << test::dump(r);
    ASSERT_EQ(r.scene.frames.size(), 1u);
    EXPECT_EQ(r.scene.frames[0].world.shapes.size(), 1u);
    ASSERT_EQ(r.scene.frames[0].assets.size(), 1u);
}

TEST(Tokenizer, MissingFileIsAnError)
{
    test::TempDir dir;
    ParseResult r = parse_rib_file((dir.path() / "nope.rib").string());
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(test::errors_with(r, "cannot open").size(), 1u);
}

}  // namespace
}  // namespace ck::scene
