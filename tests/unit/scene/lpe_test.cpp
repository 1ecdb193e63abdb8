// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Light path expressions (docs/lpe.md): every construct against explicit
// paths, every error's message and offset, and RenderMan's default AOV
// expressions checked to partition every short path.
#include "scene/lpe.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace ck::scene {
namespace {

const std::vector<std::string> kGroups = {"a", "b"};

// One event from its spelling: C RD RS TD TS O, L (no group), L0, L1, ...
LpeEvent event(const std::string& tok)
{
    if (tok == "C")
        return {LpeType::Camera};
    if (tok == "O")
        return {LpeType::Object};
    if (tok == "RD")
        return {LpeType::Reflect, LpeScatter::Diffuse};
    if (tok == "RS")
        return {LpeType::Reflect, LpeScatter::Specular};
    if (tok == "TD")
        return {LpeType::Transmit, LpeScatter::Diffuse};
    if (tok == "TS")
        return {LpeType::Transmit, LpeScatter::Specular};
    if (tok == "L")
        return {LpeType::Light};
    if (tok.size() > 1 && tok[0] == 'L')
        return {LpeType::Light, LpeScatter::None, std::stoi(tok.substr(1))};
    ADD_FAILURE() << "bad event spelling " << tok;
    return {LpeType::Camera};
}

std::vector<LpeEvent> path(const std::string& text)
{
    std::istringstream in(text);
    std::vector<LpeEvent> out;
    for (std::string tok; in >> tok;)
        out.push_back(event(tok));
    return out;
}

LpeAutomaton compile(const std::string& text, const std::vector<std::string>& groups = kGroups)
{
    LpeExpression x;
    LpeError err;
    if (!parse_lpe(text, x, &err)) {
        ADD_FAILURE() << "\"" << text << "\" did not parse: " << err.offset << ": " << err.message;
        return {};
    }
    return compile_lpe(x, groups, nullptr);
}

bool accepts(const LpeAutomaton& a, const std::vector<LpeEvent>& events)
{
    int s = a.start();
    for (const LpeEvent& e : events)
        s = a.step(s, e);
    return a.accepts(s);
}

// Checks `text` against paths it must and must not match.
void expect_matches(const std::string& text, const std::vector<std::string>& yes,
                    const std::vector<std::string>& no)
{
    SCOPED_TRACE(text);
    const LpeAutomaton a = compile(text);
    for (const std::string& p : yes)
        EXPECT_TRUE(accepts(a, path(p))) << "should match: " << p;
    for (const std::string& p : no)
        EXPECT_FALSE(accepts(a, path(p))) << "should not match: " << p;
}

std::vector<std::string> all_paths();

LpeError parse_error(const std::string& text)
{
    LpeExpression x;
    LpeError err;
    EXPECT_FALSE(parse_lpe(text, x, &err)) << "\"" << text << "\" parsed";
    return err;
}

TEST(LpeMatch, TypeAtoms)
{
    expect_matches("CRL", {"C RD L", "C RS L0", "C RD L1"},
                   {"C TD L", "C RD O", "C L", "C RD RD L"});
    expect_matches("CTO", {"C TD O", "C TS O"}, {"C TS L", "C RD O"});
    expect_matches("CO", {"C O"}, {"C L", "C RD O"});
    expect_matches("CL", {"C L", "C L0", "C L1"}, {"C O", "C"});
}

TEST(LpeMatch, ScatterAtoms)
{
    expect_matches("CDL", {"C RD L", "C TD L"}, {"C RS L", "C TS L", "C L"});
    expect_matches("CSO", {"C RS O", "C TS O"}, {"C RD O", "C TD O"});
}

TEST(LpeMatch, Dot)
{
    expect_matches("C.L", {"C RD L", "C TS L", "C O L", "C L L"}, {"C L", "C RD RD L", "C RD O"});
}

TEST(LpeMatch, AngleOneField)
{
    expect_matches("C<R>L", {"C RD L", "C RS L"}, {"C TD L"});
    expect_matches("C<T><O>", {"C TD O", "C TS O"}, {"C RS O", "C TS L"});
    expect_matches("C<.>L", {"C RD L", "C TS L"}, {"C L"});
}

TEST(LpeMatch, AngleTwoFields)
{
    expect_matches("C<RD><L.>", {"C RD L", "C RD L0"}, {"C RS L", "C TD L", "C RD O"});
    expect_matches("C<.S>O", {"C RS O", "C TS O"}, {"C RD O", "C TD O"});
    expect_matches("C<T.>L", {"C TD L", "C TS L"}, {"C RD L"});
    expect_matches("C<..>L", {"C RD L", "C TS L", "C O L"}, {"C L"});
}

TEST(LpeMatch, AngleThreeFields)
{
    expect_matches("C.*<L.'b'>", {"C L1", "C RD L1", "C TS RS L1"},
                   {"C L0", "C RD L0", "C RD L", "C RD O"});
    expect_matches("C.*<..'a'>", {"C L0", "C RD L0"}, {"C L1", "C L", "C O"});
    expect_matches("C<RD.>L", {"C RD L"}, {"C RS L"});
}

TEST(LpeMatch, AngleFieldSets)
{
    expect_matches("C<R[DS]>L", {"C RD L", "C RS L"}, {"C TD L"});
    expect_matches("C<[RT]D>L", {"C RD L", "C TD L"}, {"C RS L", "C TS L"});
    expect_matches("C<.[^D]>L", {"C RS L", "C TS L", "C O L"}, {"C RD L", "C TD L"});
    expect_matches("C<[^R]S>L", {"C TS L"}, {"C RS L", "C TD L"});
    expect_matches("C<L.[^'a']>", {"C L", "C L1"}, {"C L0", "C O"});
    expect_matches("C<L.['a''b']>", {"C L0", "C L1"}, {"C L", "C O"});
}

TEST(LpeMatch, Set)
{
    expect_matches("C[RD]L", {"C RD L", "C RS L", "C TD L"}, {"C TS L", "C L"});
    expect_matches("C[<RD><TS>]L", {"C RD L", "C TS L"}, {"C RS L", "C TD L"});
    expect_matches("C[<L.>O]", {"C L", "C L0", "C O"}, {"C RD L", "C"});
    expect_matches("C['a'O]", {"C L0", "C O"}, {"C L1", "C L"});
    expect_matches("C[.]L", {"C RD L", "C O L"}, {"C L"});
}

TEST(LpeMatch, ComplementSet)
{
    expect_matches("C[^D]L", {"C RS L", "C TS L", "C O L", "C L L"}, {"C RD L", "C TD L"});
    expect_matches("C[^<RD>O]*L", {"C L", "C RS TD TS L"}, {"C RD L", "C RS O L", "C TS RD L"});
    expect_matches("C.*[^'a']", {"C L", "C L1", "C O", "C RD L1"}, {"C L0", "C RD L0"});
}

TEST(LpeMatch, Group)
{
    expect_matches("C(<RD><RS>)+L", {"C RD RS L", "C RD RS RD RS L"},
                   {"C RD L", "C RD RS RD L", "C L"});
    expect_matches("C(D(S))L", {"C RD RS L", "C TD TS L"}, {"C RS RD L"});
}

TEST(LpeMatch, Alternation)
{
    expect_matches("C<RD>L|C<RS>O", {"C RD L", "C RS O"}, {"C RD O", "C RS L"});
    // '|' binds loosest: CD|SL is (CD)|(SL), not C(D|S)L.
    expect_matches("CD|SL", {"C RD", "RS L"}, {"C RD L", "C RS L"});
    expect_matches("C(D|S)L", {"C RD L", "C RS L"}, {"C RD", "RS L"});
}

TEST(LpeMatch, Star)
{
    expect_matches("C<RD>*L", {"C L", "C RD L", "C RD RD RD L"}, {"C RS L", "C RD RS L"});
}

TEST(LpeMatch, Plus)
{
    expect_matches("C<RD>+L", {"C RD L", "C RD RD RD L"}, {"C L", "C RS L"});
}

TEST(LpeMatch, Optional)
{
    expect_matches("C<RD>?L", {"C L", "C RD L"}, {"C RD RD L", "C RS L"});
}

TEST(LpeMatch, RepeatExactly)
{
    expect_matches("C<RD>{2}L", {"C RD RD L"}, {"C RD L", "C RD RD RD L", "C L"});
    expect_matches("C.{0}L", {"C L"}, {"C RD L"});
    expect_matches("C(D{2}){2}L", {"C RD TD RD TD L"}, {"C RD RD RD L", "C RD RD RD RD RD L"});
}

TEST(LpeMatch, RepeatRange)
{
    expect_matches("C.{1,3}L", {"C RD L", "C RD RS L", "C RD RS TD L"}, {"C L", "C RD RS TD TS L"});
    expect_matches("C.{2,}L", {"C RD RS L", "C RD RS TD TS RD L"}, {"C L", "C RD L"});
    expect_matches("C.{0,1}L", {"C L", "C RD L"}, {"C RD RD L"});
    std::string sixteen = "C";
    for (int i = 0; i < 16; ++i)
        sixteen += " RD";
    expect_matches("C.{16}L", {sixteen + " L"}, {sixteen + " RD L", "C RD L"});
}

TEST(LpeMatch, BareQuotedGroup)
{
    // A bare 'name' is <..'name'>, which only light events of that group match.
    expect_matches("C.*'a'", {"C L0", "C RD TS L0"}, {"C L1", "C L", "C O", "C RD"});
    expect_matches("C<RD>'b'", {"C RD L1"}, {"C RD L0", "C RS L1"});
}

TEST(LpeMatch, EquivalentSpellings)
{
    // Spellings RenderMan documents as the same must give the same automaton.
    const std::vector<std::vector<std::string>> same = {
        {"C.L", "C<..>L", "C<[RT][DS]>L"},
        {"CR[LO]", "C<R.>[LO]", "C<R[DS]>[LO]"},
        {"CD[LO]", "C<.D>[LO]", "C<[RT]D>[LO]"},
        {"CDSL", "C(DS)L", "CD(SL)"},
        {"C.*<L.'a'>", "C.*'a'", "C.*<..'a'>"},
        {"C<RD>[<L.>O]", "C<RD>(<L.>|O)", "C<RD>([<L.>O])"}};
    std::vector<std::vector<LpeEvent>> paths;
    for (const std::string& p : all_paths())
        paths.push_back(path(p));
    for (const auto& spellings : same) {
        const LpeAutomaton first = compile(spellings[0]);
        for (size_t i = 1; i < spellings.size(); ++i) {
            const LpeAutomaton other = compile(spellings[i]);
            EXPECT_EQ(other.state_count(), first.state_count()) << spellings[i];
            for (const auto& p : paths)
                EXPECT_EQ(accepts(other, p), accepts(first, p))
                    << spellings[0] << " vs " << spellings[i];
        }
    }
}

TEST(LpeParse, GroupNamesInOrderOfFirstAppearance)
{
    LpeExpression x;
    ASSERT_TRUE(parse_lpe("C.*<L.'key'>|C'rim'|C[<L.'key'>]|C<L.[^'fill']>", x, nullptr));
    EXPECT_EQ(lpe_group_names(x), (std::vector<std::string>{"key", "rim", "fill"}));
    EXPECT_EQ(x.text(), "C.*<L.'key'>|C'rim'|C[<L.'key'>]|C<L.[^'fill']>");

    ASSERT_TRUE(parse_lpe("C[DS]*[<L.>O]", x, nullptr));
    EXPECT_TRUE(lpe_group_names(x).empty());
}

TEST(LpeParse, FailureLeavesTheOutputUntouched)
{
    LpeExpression x;
    ASSERT_TRUE(parse_lpe("C'a'", x, nullptr));
    LpeError err;
    EXPECT_FALSE(parse_lpe("C<'b'", x, &err));
    EXPECT_FALSE(parse_lpe("C<'b'", x, nullptr));  // a null error is allowed
    EXPECT_EQ(x.text(), "C'a'");
    EXPECT_EQ(lpe_group_names(x), (std::vector<std::string>{"a"}));
}

struct ErrorCase {
    const char* text;
    size_t offset;
    const char* message;
};

TEST(LpeError, MessagesAndOffsets)
{
    const std::string unknown = " (expected C, R, T, L, O, D, S or .)";
    const std::string forms = " (a repetition is {n}, {n,m} or {n,})";
    const std::string no_event =
        " matches no event (R and T events scatter D or S; C, L and O events do not scatter)";
    const std::vector<ErrorCase> cases = {
        {"", 0, "empty light path expression"},
        {"CUL", 1, "unknown event type 'U'"},
        {"CVL", 1, "unknown event type 'V'"},
        {"C.*B", 3, "unknown event type 'B'"},
        {"CAL", 1, "unknown event type 'A'"},
        {"CGL", 1, "unknown event type 'G'"},
        {"C[DU]L", 3, "unknown event type 'U'"},
        {"shadows;C<.D>L", 0, "unknown event type 's'"},
        {"CD2L", 2,
         "unexpected digit '2' (lobe numbers such as D2 are not supported; digits belong in "
         "{n,m})"},
        {"C[D2]L", 3,
         "unexpected digit '2' in a set (lobe numbers such as D2 are not supported; digits "
         "belong in {n,m})"},
        {"C;L", 1, "unexpected character ';'"},
        {"C D L", 1, "unexpected whitespace"},
        {"C\"a\"", 1, "unexpected '\"' (light group names are quoted with ')"},
        {"C(RD", 1, "unclosed '(' (missing ')')"},
        {"C(", 1, "unclosed '(' (missing ')')"},
        {"CRD)L", 3, "unmatched ')'"},
        {")", 0, "unmatched ')'"},
        {"C()L", 1, "empty group '()'"},
        {"C[]L", 1, "empty set '[]'"},
        {"C[^]L", 1, "empty set '[^]'"},
        {"C[DS", 1, "unclosed '[' (missing ']')"},
        {"C[D(S)]L", 3,
         "unexpected '(' in a set (items are C, R, T, L, O, D, S, ., <...> or 'name')"},
        {"CD]L", 2, "unmatched ']'"},
        {"C^DL", 1, "'^' outside a set (a complement is written [^...])"},
        {"C<RD", 1, "unclosed '<' (missing '>')"},
        {"C<>L", 1, "empty event '<>'"},
        {"CRD>L", 3, "unmatched '>'"},
        {"C<DR>L", 2,
         "'D' is not an event type (the first field of <...> is C, R, T, L, O, . or a set [...])"},
        {"C<UD>L", 2,
         "'U' is not an event type (the first field of <...> is C, R, T, L, O, . or a set [...])"},
        {"C<RR>L", 3,
         "'R' is not a scattering kind (the second field of <...> is D, S, . or a set [...])"},
        {"C<RDX>L", 4,
         "'X' is not a light group (the third field of <...> is a quoted name such as 'key', . or "
         "a set [...])"},
        {"C<[RX]D>L", 4,
         "'X' is not an event type (the first field of <...> is C, R, T, L, O, . or a set [...])"},
        {"C<[RT>L", 2, "unclosed '[' (missing ']')"},
        {"C<[]D>L", 2, "empty set '[]'"},
        {"C<[^CRTLO]>L", 2, "set [^CRTLO] excludes every event type"},
        {"C<R[^.]>L", 5,
         "'.' is not a scattering kind (the second field of <...> is D, S, . or a set [...])"},
        {"C<L.'key'.>", 9,
         "too many fields in <...> (at most three: type, scattering kind, light group)"},
        {"C<'key'>", 2, "a light group in <...> goes in the third field, e.g. <L.'key'>"},
        {"C<L'key'>", 3, "a light group in <...> goes in the third field, e.g. <L.'key'>"},
        {"C.*<L.'key>", 6, "unterminated quote (missing closing ')"},
        {"C.*'key", 3, "unterminated quote (missing closing ')"},
        {"C.*''", 3, "empty light group name ''"},
        {"C<R.'key'>L", 4,
         "light group 'key' on event type 'R': only L events carry a light group (object "
         "lpegroups are not supported)"},
        {"C<.D'key'>", 4,
         "light group 'key' with scattering kind 'D': light events do not scatter"},
        {"C.*<LD>", 5, ""},
        {"C<CS>L", 3, ""},
        {"C<[LO]D>", 6, ""},
        {"C<R[^DS]>L", 3, ""},
        {"*CL", 0, "'*' has nothing to repeat"},
        {"C|+L", 2, "'+' has nothing to repeat"},
        {"C(?)L", 2, "'?' has nothing to repeat"},
        {"{2}", 0, "'{' has nothing to repeat"},
        {"C|", 1, "empty alternative after '|'"},
        {"|CL", 0, "empty alternative before '|'"},
        {"C(|D)L", 2, "empty alternative before '|'"},
        {"C(D|)L", 3, "empty alternative after '|'"},
        {"C.{17}L", 3, "repetition count 17 is too large (at most 16)"},
        {"C.{2,99}L", 5, "repetition count 99 is too large (at most 16)"},
        {"C.{3,2}L", 2, "repetition {3,2} has its maximum below its minimum"},
        {"C.{x}L", 3, "expected a number after '{'"},
        {"C.{,2}L", 3, "expected a number after '{'"},
        {"C.{2", 2, "unclosed '{' (missing '}')"},
        {"C.{", 2, "unclosed '{' (missing '}')"},
        {"C.{2x}L", 4, "unexpected 'x' in a repetition"},
        {"CDL}", 3, "unmatched '}'"},
    };
    for (const ErrorCase& c : cases) {
        SCOPED_TRACE(c.text);
        const LpeError err = parse_error(c.text);
        EXPECT_EQ(err.offset, c.offset);
        std::string want = c.message;
        if (want.rfind("unknown event type", 0) == 0)
            want += unknown;
        else if (want.rfind("expected a number", 0) == 0 || want.rfind("unexpected 'x'", 0) == 0)
            want += forms;
        else if (want.empty()) {
            // The type/scatter mismatch: rebuild its fields from the text.
            const std::string t = c.text;
            const size_t open = t.find('<');
            const size_t close = t.find('>');
            const size_t at = c.offset;
            want = "event type '" + t.substr(open + 1, at - open - 1) + "' with scattering kind '" +
                   t.substr(at, close - at) + "'" + no_event;
        }
        EXPECT_EQ(err.message, want);
    }
}

TEST(LpeError, TooManyPatternsOnceWrittenOut)
{
    // 16 * 16 * 16 copies of '.' at the third repetition, whose '{' is at 14.
    const LpeError err = parse_error("(((.{16}){16}){16})");
    EXPECT_EQ(err.offset, 14u);
    EXPECT_EQ(
        err.message,
        "expression too large: more than 1024 event patterns once repetitions are written out");
    LpeExpression x;
    EXPECT_TRUE(parse_lpe("((.{16}){16})", x, nullptr));  // 256 is fine
}

TEST(LpeError, TooManyStates)
{
    // "a D exactly 13 events before the end" needs a state per pattern of the
    // last 13 events: 2^13 > 4096.
    const LpeError err = parse_error("C.*D.{12}L");
    EXPECT_EQ(err.offset, 0u);
    EXPECT_EQ(err.message, "expression too complex: its automaton needs more than 4096 states");
    LpeExpression x;
    EXPECT_TRUE(parse_lpe("C.*D.{6}L", x, nullptr));
}

TEST(LpeError, NestingDepth)
{
    const std::string ok = std::string(64, '(') + "C" + std::string(64, ')');
    LpeExpression x;
    EXPECT_TRUE(parse_lpe(ok, x, nullptr));
    const LpeError err = parse_error(std::string(65, '(') + "C" + std::string(65, ')'));
    EXPECT_EQ(err.offset, 64u);
    EXPECT_EQ(err.message, "groups nested too deeply (at most 64 levels)");
}

// RenderMan's basic LPEs (RenderMan 21-23 documentation, "Basic LPEs").
struct Aov {
    const char* name;
    const char* lpe;
};
const std::vector<Aov> kLightingAovs = {
    {"emissive", "C[<L.>O]"},
    {"directDiffuse", "C<RD>[<L.>O]"},
    {"indirectDiffuse", "C<RD>[DS]+[<L.>O]"},
    {"subsurface", "C<TD>[DS]*[<L.>O]"},
    {"directSpecular", "C<RS>[<L.>O]"},
    {"indirectSpecular", "C<RS>[DS]+[<L.>O]"},
    {"transmissive", "C<TS>[DS]*[<L.>O]"},
};
// The same set as later RenderMan versions spell it (.+ and .* for [DS]+ and [DS]*).
const std::vector<Aov> kLightingAovsDot = {
    {"emissive", "C[<L.>O]"},
    {"directDiffuse", "C<RD>[<L.>O]"},
    {"indirectDiffuse", "C<RD>.+[<L.>O]"},
    {"subsurface", "C<TD>.*[<L.>O]"},
    {"directSpecular", "C<RS>[<L.>O]"},
    {"indirectSpecular", "C<RS>.+[<L.>O]"},
    {"transmissive", "C<TS>.*[<L.>O]"},
};

// Every path C (RD|RS|TD|TS){0..5} (L | L0 | L1 | O).
std::vector<std::string> all_paths()
{
    const char* const kScatter[] = {"RD", "RS", "TD", "TS"};
    std::vector<std::string> out;
    for (int n = 0; n <= 5; ++n)
        for (int code = 0; code < (1 << (2 * n)); ++code)
            for (const char* end : {"L", "L0", "L1", "O"}) {
                std::string p = "C";
                for (int i = 0; i < n; ++i)
                    p += std::string(" ") + kScatter[(code >> (2 * i)) & 3];
                out.push_back(p + " " + end);
            }
    return out;
}

void expect_partition(const std::vector<Aov>& aovs)
{
    std::vector<LpeAutomaton> automata;
    for (const Aov& a : aovs)
        automata.push_back(compile(a.lpe));
    const LpeAutomaton beauty = compile("C[DS]*[<L.>O]");
    const LpeAutomaton everything = compile("C.*");
    const std::vector<std::string> paths = all_paths();
    ASSERT_EQ(paths.size(), 4u * (1 + 4 + 16 + 64 + 256 + 1024));
    for (const std::string& p : paths) {
        const std::vector<LpeEvent> events = path(p);
        std::string matched;
        int count = 0;
        for (size_t i = 0; i < aovs.size(); ++i)
            if (accepts(automata[i], events)) {
                ++count;
                matched += std::string(" ") + aovs[i].name;
            }
        EXPECT_EQ(count, 1) << p << " matched by" << matched;
        EXPECT_TRUE(accepts(beauty, events)) << p;
        EXPECT_TRUE(accepts(everything, events)) << p;
    }
}

TEST(LpeDefaults, LightingAovsPartitionEveryPath)
{
    expect_partition(kLightingAovs);
}

TEST(LpeDefaults, LaterSpellingsPartitionEveryPath)
{
    expect_partition(kLightingAovsDot);
}

TEST(LpeDefaults, EachAovMatchesItsOwnPaths)
{
    expect_matches("C<RD>[<L.>O]", {"C RD L", "C RD O", "C RD L1"}, {"C RD RD L", "C TD L", "C L"});
    expect_matches("C<RD>[DS]+[<L.>O]", {"C RD RS L", "C RD TD TS O"}, {"C RD L", "C RS RD L"});
    expect_matches("C<RS>[<L.>O]", {"C RS L0", "C RS O"}, {"C RS RD L", "C RD L"});
    expect_matches("C<RS>[DS]+[<L.>O]", {"C RS RD L", "C RS RS RS O"}, {"C RS L", "C RD RS L"});
    expect_matches("C<TD>[DS]*[<L.>O]", {"C TD L", "C TD RS TS O"}, {"C TS L", "C RD TD L"});
    expect_matches("C<TS>[DS]*[<L.>O]", {"C TS L", "C TS TS RD O"}, {"C TD L", "C RS TS L"});
    expect_matches("C[<L.>O]", {"C L", "C L0", "C O"}, {"C RD L", "C"});
}

TEST(LpeDefaults, PerGroupBeautiesSplitLightPathsByGroup)
{
    const LpeAutomaton a = compile("C.*<L.'a'>");
    const LpeAutomaton b = compile("C.*<L.'b'>");
    for (const std::string& p : all_paths()) {
        const std::vector<LpeEvent> events = path(p);
        const LpeEvent& last = events.back();
        const bool in_a = last.type == LpeType::Light && last.group == 0;
        const bool in_b = last.type == LpeType::Light && last.group == 1;
        EXPECT_EQ(accepts(a, events), in_a) << p;
        EXPECT_EQ(accepts(b, events), in_b) << p;
    }
}

TEST(LpeAutomaton, DeadStateAfterAWrongTurn)
{
    const LpeAutomaton dd = compile("C<RD>[<L.>O]");
    int s = dd.start();
    s = dd.step(s, event("C"));
    ASSERT_NE(s, LpeAutomaton::kDead);
    s = dd.step(s, event("RD"));
    ASSERT_NE(s, LpeAutomaton::kDead);
    EXPECT_FALSE(dd.accepts(s));
    EXPECT_EQ(dd.step(s, event("RS")), LpeAutomaton::kDead);

    // Past the emission nothing can follow either.
    const int lit = dd.step(s, event("L0"));
    EXPECT_TRUE(dd.accepts(lit));
    EXPECT_EQ(dd.step(lit, event("O")), LpeAutomaton::kDead);

    // kDead is absorbing and never accepts.
    for (const char* e : {"C", "RD", "RS", "TD", "TS", "O", "L", "L0", "L1"})
        EXPECT_EQ(dd.step(LpeAutomaton::kDead, event(e)), LpeAutomaton::kDead) << e;
    EXPECT_FALSE(dd.accepts(LpeAutomaton::kDead));

    // A branch that still waits for something no event can be (a complement
    // of everything, a group the table lacks) is dead as soon as it is taken,
    // though its NFA states are not gone.
    for (const char* text : {"C(<RD>[^.]|<RS>L)", "C(<RD>'nope'|<RS>L)", "C(<RD>[^.].*|<RS>L)"}) {
        SCOPED_TRACE(text);
        const LpeAutomaton a = compile(text);
        const int c = a.step(a.start(), event("C"));
        EXPECT_EQ(a.step(c, event("RD")), LpeAutomaton::kDead);
        EXPECT_TRUE(a.accepts(a.step(a.step(c, event("RS")), event("L"))));
    }

    // A path that does not start at the camera is dead at once.
    EXPECT_EQ(dd.step(dd.start(), event("RD")), LpeAutomaton::kDead);

    // The beauty never dies on a path from the camera.
    const LpeAutomaton all = compile("C.*");
    int t = all.step(all.start(), event("C"));
    for (int i = 0; i < 100; ++i)
        t = all.step(t, event(i % 2 ? "TS" : "RD"));
    EXPECT_NE(t, LpeAutomaton::kDead);
}

TEST(LpeAutomaton, MinimalStateCounts)
{
    // start, after C, after C<RD>, accepted.
    EXPECT_EQ(compile("C<RD>[<L.>O]").state_count(), 4);
    EXPECT_EQ(compile("C(<RD>|<RD>)(L|O|L)").state_count(), 4);
    // start, camera-or-scattered (one loop), accepted.
    EXPECT_EQ(compile("C[DS]*[<L.>O]").state_count(), 3);
    EXPECT_EQ(compile("C.*").state_count(), 2);
    EXPECT_EQ(compile("C").symbol_count(), 9);
    EXPECT_EQ(compile("C", {}).symbol_count(), 7);
}

TEST(LpeAutomaton, EventsOutsideTheAlphabetAreDead)
{
    const LpeAutomaton all = compile("C.*");
    const int s = all.step(all.start(), event("C"));
    EXPECT_EQ(all.step(s, LpeEvent{LpeType::Reflect, LpeScatter::None}), LpeAutomaton::kDead);
    EXPECT_EQ(all.step(s, LpeEvent{LpeType::Light, LpeScatter::None, 2}), LpeAutomaton::kDead);
    EXPECT_EQ(all.step(s, LpeEvent{LpeType::Light, LpeScatter::None, -5}), LpeAutomaton::kDead);
    EXPECT_EQ(all.step(1000, event("C")), LpeAutomaton::kDead);
}

TEST(LpeAutomaton, UnknownGroupsMatchNothingAndAreReported)
{
    LpeExpression x;
    ASSERT_TRUE(parse_lpe("C.*<L.'key'>|C.*'nope'|C.*'gone'", x, nullptr));
    std::vector<std::string> unknown = {"gone"};
    const LpeAutomaton a = compile_lpe(x, {"fill", "key"}, &unknown);
    EXPECT_EQ(unknown, (std::vector<std::string>{"gone", "nope"}));
    EXPECT_TRUE(accepts(a, path("C RD L1")));
    EXPECT_FALSE(accepts(a, path("C RD L0")));
    EXPECT_FALSE(accepts(a, path("C RD L")));

    // An expression that can match nothing starts dead.
    ASSERT_TRUE(parse_lpe("C.*'nope'", x, nullptr));
    const LpeAutomaton none = compile_lpe(x, {"fill"}, nullptr);
    EXPECT_EQ(none.start(), LpeAutomaton::kDead);
    EXPECT_EQ(none.state_count(), 0);
    EXPECT_FALSE(accepts(none, path("C L0")));

    // A duplicated table name: both indices are that group.
    ASSERT_TRUE(parse_lpe("C'k'", x, nullptr));
    const LpeAutomaton dup = compile_lpe(x, {"k", "j", "k"}, nullptr);
    EXPECT_TRUE(accepts(dup, path("C L0")));
    EXPECT_FALSE(accepts(dup, path("C L1")));
    EXPECT_TRUE(accepts(dup, path("C L2")));
}

TEST(LpeAutomaton, DefaultConstructedMatchesNothing)
{
    const LpeExpression x;
    const LpeAutomaton a = compile_lpe(x, kGroups, nullptr);
    EXPECT_EQ(a.start(), LpeAutomaton::kDead);
    EXPECT_FALSE(accepts(a, path("C L")));
    const LpeAutomaton b;
    EXPECT_EQ(b.start(), LpeAutomaton::kDead);
    EXPECT_EQ(b.step(b.start(), event("C")), LpeAutomaton::kDead);
}

TEST(LpeAutomaton, CopiesAgree)
{
    const LpeAutomaton a = compile("C<RD>[DS]+[<L.>O]");
    const LpeAutomaton copy = a;  // NOLINT(performance-unnecessary-copy-initialization)
    for (const std::string& p : all_paths())
        EXPECT_EQ(accepts(copy, path(p)), accepts(a, path(p))) << p;
}

}  // namespace
}  // namespace ck::scene
