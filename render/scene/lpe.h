// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// RenderMan-style light path expressions (docs/lpe.md): a parser for the text
// after "lpe:" and a compiler to a deterministic automaton the path tracer
// steps once per path vertex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ck::scene {

/// The type of one path vertex.
enum class LpeType : uint8_t {
    Camera,    ///< C: the camera, always the first event of a path.
    Reflect,   ///< R: reflection off a surface.
    Transmit,  ///< T: transmission through a surface (refraction, subsurface).
    Light,     ///< L: emission from a light; carries the light's group.
    Object,    ///< O: emission from an emissive object that is not a light.
};

/// How a scatter event (R, T) scattered. C, L and O events carry None.
enum class LpeScatter : uint8_t {
    None,
    Diffuse,   ///< D.
    Specular,  ///< S: glossy and mirror alike.
};

/// One path vertex as the automaton sees it.
struct LpeEvent {
    LpeType type;
    LpeScatter scatter = LpeScatter::None;
    /// For Light events, the index of the light's group in the table given to
    /// compile_lpe(), or -1 when the light has no group. Ignored for other types.
    int group = -1;
};

/// Why a text is not a light path expression.
struct LpeError {
    size_t offset = 0;    ///< 0-based byte offset into the text of the offending construct.
    std::string message;  ///< One line naming the construct, e.g. "unmatched ')'".
};

/// The largest n and m of a repetition {n} / {n,m} / {n,}.
inline constexpr int kLpeMaxRepeat = 16;
/// The most event patterns an expression may hold once its repetitions are
/// written out ({n,m} counts its operand max(n,m) times, {n,} n times).
inline constexpr int kLpeMaxPositions = 1024;
/// The most states an expression's automaton may need; parse_lpe() rejects
/// an expression above it, so compile_lpe() never exceeds it.
inline constexpr int kLpeMaxStates = 4096;

/// A parsed light path expression: its syntax tree and the light group names
/// it mentions. Copyable; a default-constructed one matches no path.
class LpeExpression {
public:
    /// The text it was parsed from (without "lpe:").
    const std::string& text() const { return m_text; }

    /// One event pattern: an event matches when its type is in `types`, its
    /// scattering kind in `scatters` and its label passes `label_mode`.
    struct Pattern {
        enum class LabelMode : uint8_t { Any, In, NotIn };
        uint8_t types = 0;     ///< Bit i: LpeType i.
        uint8_t scatters = 0;  ///< Bit i: LpeScatter i.
        LabelMode label_mode = LabelMode::Any;
        std::vector<int> labels;  ///< Indices into the expression's group names.
    };

    /// A node of the syntax tree.
    struct Node {
        enum class Kind : uint8_t { Event, Concat, Alt, Repeat };
        Kind kind = Kind::Event;
        size_t offset = 0;           ///< Where it starts in the text (Repeat: its operator).
        std::vector<Pattern> items;  ///< Event: the union of these (complemented if negate).
        bool negate = false;
        std::vector<int> children;  ///< Concat, Alt: the operands; Repeat: one.
        int min = 0;                ///< Repeat: at least min times...
        int max = -1;               ///< ...at most max times (-1: unbounded).
    };

private:
    friend bool parse_lpe(std::string_view, LpeExpression&, LpeError*);
    friend std::vector<std::string> lpe_group_names(const LpeExpression&);
    friend class LpeCompiler;

    std::string m_text;
    std::vector<Node> m_nodes;
    int m_root = -1;
    std::vector<std::string> m_groups;  // mentioned names, in order of first appearance
};

/// Parses the text after "lpe:" (docs/lpe.md has the grammar). On success
/// replaces `out` and returns true. On error returns false, leaves `out`
/// unchanged and, if `error` is non-null, fills it with the byte offset of the
/// offending construct and a one-line message. Rejects expressions whose
/// automaton would exceed kLpeMaxStates states or kLpeMaxPositions patterns.
bool parse_lpe(std::string_view text, LpeExpression& out, LpeError* error);

/// Every quoted light group name the expression mentions, in order of first appearance.
std::vector<std::string> lpe_group_names(const LpeExpression& expr);

/// A deterministic automaton over path events, minimal, with every state from
/// which no accepting state is reachable folded into kDead. Copyable;
/// concurrent reads are safe (all members are const).
class LpeAutomaton {
public:
    static constexpr int kDead = -1;  ///< No continuation can match.

    /// The state before any event; kDead for an expression that matches no path.
    int start() const { return m_start; }

    /// The state after `e`. step(kDead, e) == kDead. An event outside the
    /// alphabet (an R or T event without a scattering kind, or a light group
    /// index outside the table) leads to kDead. A table lookup: O(1), no allocation.
    int step(int state, const LpeEvent& e) const
    {
        if (state < 0 || state >= m_states)
            return kDead;
        const int sym = symbol(e);
        if (sym < 0)
            return kDead;
        return m_next[static_cast<size_t>(state) * static_cast<size_t>(m_symbols) +
                      static_cast<size_t>(sym)];
    }

    /// Whether a path that ends in `state` matches. accepts(kDead) == false.
    bool accepts(int state) const
    {
        return state >= 0 && state < m_states && m_accept[static_cast<size_t>(state)] != 0;
    }

    /// The number of live states (kDead not counted).
    int state_count() const { return m_states; }

    /// The alphabet's size: 7 + the number of light groups.
    int symbol_count() const { return m_symbols; }

private:
    friend class LpeCompiler;

    // Symbols: C, RD, RS, TD, TS, O, L without a group, then L of group g at 7 + g.
    int symbol(const LpeEvent& e) const
    {
        if (e.type == LpeType::Reflect || e.type == LpeType::Transmit) {
            if (e.scatter == LpeScatter::None)
                return -1;
            return (e.type == LpeType::Reflect ? 1 : 3) + (e.scatter == LpeScatter::Specular);
        }
        if (e.type != LpeType::Light)
            return e.type == LpeType::Camera ? 0 : e.type == LpeType::Object ? 5 : -1;
        if (e.group == -1)
            return 6;
        return e.group >= 0 && e.group < m_symbols - 7 ? 7 + e.group : -1;
    }

    int m_start = kDead;
    int m_states = 0;
    int m_symbols = 7;
    std::vector<int> m_next;        // m_states * m_symbols targets
    std::vector<uint8_t> m_accept;  // m_states flags
};

/// Compiles to a DFA over the concrete alphabet {C, RD, RS, TD, TS, O, L with
/// each group index 0..groups-1, L with no group}. `light_groups` is the table
/// of group names (index = LpeEvent::group). Names the expression mentions that
/// are not in the table are appended, in order of first appearance and unless
/// already there, to *unknown_groups (if non-null) and match nothing. Cannot
/// fail: parse_lpe() has already bounded the automaton's size.
LpeAutomaton compile_lpe(const LpeExpression& expr, const std::vector<std::string>& light_groups,
                         std::vector<std::string>* unknown_groups);

}  // namespace ck::scene
