// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Light path expressions: a recursive-descent parser to a syntax tree, then
// Thompson NFA -> subset construction -> dead-state folding -> Moore
// minimisation. docs/lpe.md is the user-facing description.
#include "scene/lpe.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

namespace ck::scene {

using Pattern = LpeExpression::Pattern;
using Node = LpeExpression::Node;
using LabelMode = Pattern::LabelMode;

namespace {

constexpr uint8_t kAllTypes = 0x1f;     // C R T L O
constexpr uint8_t kAllScatters = 0x07;  // None D S
constexpr int kMaxDepth = 64;           // nesting of (...) before the parser gives up

uint8_t type_bit(LpeType t)
{
    return static_cast<uint8_t>(1u << static_cast<unsigned>(t));
}
uint8_t scatter_bit(LpeScatter s)
{
    return static_cast<uint8_t>(1u << static_cast<unsigned>(s));
}

// The event type or scattering kind a letter names, by its place in the enum.
bool type_of(char c, LpeType& out)
{
    const size_t i = std::string_view("CRTLO").find(c);
    out = static_cast<LpeType>(i);
    return i != std::string_view::npos;
}

bool scatter_of(char c, LpeScatter& out)
{
    const size_t i = std::string_view("DS").find(c);
    out = static_cast<LpeScatter>(i + 1);
    return i != std::string_view::npos;
}

bool is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// A byte as a message shows it: 'x' when printable, 0xNN otherwise.
std::string show(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f)
        return std::string("'") + c + "'";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", u);
    return buf;
}

const char kUnknownType[] = " (expected C, R, T, L, O, D, S or .)";
const char kLabelField[] = "a light group in <...> goes in the third field, e.g. <L.'key'>";

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    // Parses the whole text into nodes/groups; false with m_error on failure.
    bool run(std::vector<Node>& nodes, std::vector<std::string>& groups, int& root)
    {
        if (m_text.empty())
            return fail(0, "empty light path expression");
        root = parse_alt(0);
        if (root < 0)
            return false;
        if (m_pos < m_text.size()) {
            // parse_alt stops only at ')' or at the end.
            return fail(m_pos, "unmatched ')'");
        }
        nodes = std::move(m_nodes);
        groups = std::move(m_groups);
        return true;
    }

    const LpeError& error() const { return m_error; }

private:
    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    bool fail(size_t offset, std::string message)
    {
        if (!m_failed) {
            m_failed = true;
            m_error.offset = offset;
            m_error.message = std::move(message);
        }
        return false;
    }
    int fail_node(size_t offset, std::string message)
    {
        fail(offset, std::move(message));
        return -1;
    }

    // Adds a node, keeping count of the patterns it stands for once written out.
    int add(Node n, long positions)
    {
        if (positions > kLpeMaxPositions)
            return fail_node(n.offset, "expression too large: more than " +
                                           std::to_string(kLpeMaxPositions) +
                                           " event patterns once repetitions are written out");
        m_nodes.push_back(std::move(n));
        m_positions.push_back(positions);
        return static_cast<int>(m_nodes.size()) - 1;
    }

    int add_event(size_t offset, std::vector<Pattern> items, bool negate)
    {
        Node n;
        n.kind = Node::Kind::Event;
        n.offset = offset;
        n.items = std::move(items);
        n.negate = negate;
        return add(std::move(n), 1);
    }

    // A Concat or Alt of `children`, or the only child itself.
    int add_list(Node::Kind kind, size_t offset, std::vector<int> children)
    {
        if (children.size() == 1)
            return children[0];
        long positions = 0;
        for (int c : children)
            positions += m_positions[static_cast<size_t>(c)];
        Node n;
        n.kind = kind;
        n.offset = offset;
        n.children = std::move(children);
        return add(std::move(n), positions);
    }

    int group_index(const std::string& name)
    {
        auto it = std::find(m_groups.begin(), m_groups.end(), name);
        if (it != m_groups.end())
            return static_cast<int>(it - m_groups.begin());
        m_groups.push_back(name);
        return static_cast<int>(m_groups.size()) - 1;
    }

    // alt := concat ('|' concat)*
    int parse_alt(int depth)
    {
        const size_t start = m_pos;
        std::vector<int> alts;
        for (;;) {
            if (!at_end() && (peek() == '|'))
                return fail_node(m_pos, "empty alternative before '|'");
            const int c = parse_concat(depth);
            if (c < 0)
                return -1;
            alts.push_back(c);
            if (at_end() || peek() != '|')
                break;
            const size_t bar = m_pos++;
            if (at_end() || peek() == ')')
                return fail_node(bar, "empty alternative after '|'");
        }
        return add_list(Node::Kind::Alt, start, std::move(alts));
    }

    // concat := postfix+, ending at '|', ')' or the end.
    int parse_concat(int depth)
    {
        const size_t start = m_pos;
        std::vector<int> parts;
        while (!at_end() && peek() != '|' && peek() != ')') {
            const int p = parse_postfix(depth);
            if (p < 0)
                return -1;
            parts.push_back(p);
        }
        if (parts.empty())
            return fail_node(m_pos, "unmatched ')'");  // only a ')' can leave it empty
        return add_list(Node::Kind::Concat, start, std::move(parts));
    }

    // postfix := primary ('*' | '+' | '?' | '{n}' | '{n,m}' | '{n,}')*
    int parse_postfix(int depth)
    {
        int node = parse_primary(depth);
        while (node >= 0 && !at_end()) {
            const char c = peek();
            int lo = 0;
            int hi = -1;
            const size_t op = m_pos;
            if (c == '*') {
                ++m_pos;
            } else if (c == '+') {
                lo = 1;
                ++m_pos;
            } else if (c == '?') {
                hi = 1;
                ++m_pos;
            } else if (c == '{') {
                if (!parse_braces(lo, hi))
                    return -1;
            } else {
                break;
            }
            const long copies = hi < 0 ? std::max(lo, 1) : hi;
            Node n;
            n.kind = Node::Kind::Repeat;
            n.offset = op;
            n.children = {node};
            n.min = lo;
            n.max = hi;
            node = add(std::move(n), copies * m_positions[static_cast<size_t>(node)]);
        }
        return node;
    }

    // A number of a repetition, at most kLpeMaxRepeat.
    bool parse_count(int& out)
    {
        const size_t start = m_pos;
        long v = 0;
        while (!at_end() && is_digit(peek())) {
            v = std::min(v * 10 + (peek() - '0'), 1000000L);
            ++m_pos;
        }
        if (v > kLpeMaxRepeat)
            return fail(start, "repetition count " +
                                   std::string(m_text.substr(start, m_pos - start)) +
                                   " is too large (at most " + std::to_string(kLpeMaxRepeat) + ")");
        out = static_cast<int>(v);
        return true;
    }

    bool parse_braces(int& lo, int& hi)
    {
        const size_t open = m_pos++;
        const char kForms[] = " (a repetition is {n}, {n,m} or {n,})";
        if (at_end())
            return fail(open, "unclosed '{' (missing '}')");
        if (!is_digit(peek()))
            return fail(m_pos, "expected a number after '{'" + std::string(kForms));
        if (!parse_count(lo))
            return false;
        hi = lo;
        if (!at_end() && peek() == ',') {
            ++m_pos;
            hi = -1;
            if (!at_end() && is_digit(peek()) && !parse_count(hi))
                return false;
        }
        if (at_end())
            return fail(open, "unclosed '{' (missing '}')");
        if (peek() != '}')
            return fail(m_pos, "unexpected " + show(peek()) + " in a repetition" + kForms);
        ++m_pos;
        if (hi >= 0 && hi < lo)
            return fail(open, "repetition " + std::string(m_text.substr(open, m_pos - open)) +
                                  " has its maximum below its minimum");
        return true;
    }

    // A quoted light group name at m_pos; returns its index or -1.
    int parse_label()
    {
        const size_t quote = m_pos;
        const size_t close = m_text.find('\'', quote + 1);
        if (close == std::string_view::npos)
            return fail_node(quote, "unterminated quote (missing closing ')");
        if (close == quote + 1)
            return fail_node(quote, "empty light group name ''");
        m_pos = close + 1;
        return group_index(std::string(m_text.substr(quote + 1, close - quote - 1)));
    }

    // The pattern of a single-character atom (C R T L O D S .), or false.
    static bool atom_pattern(char c, Pattern& p)
    {
        LpeType t;
        LpeScatter s;
        if (type_of(c, t)) {
            p.types = type_bit(t);
            p.scatters = kAllScatters;
        } else if (scatter_of(c, s)) {
            p.types = kAllTypes;
            p.scatters = scatter_bit(s);
        } else if (c == '.') {
            p.types = kAllTypes;
            p.scatters = kAllScatters;
        } else {
            return false;
        }
        return true;
    }

    // A bare 'name' is <..'name'>: since only L events carry a group, the
    // lights of that group.
    bool label_pattern(Pattern& p)
    {
        const int g = parse_label();
        if (g < 0)
            return false;
        p.types = kAllTypes;
        p.scatters = kAllScatters;
        p.label_mode = LabelMode::In;
        p.labels = {g};
        return true;
    }

    std::string unexpected(char c, const char* where)
    {
        if (is_letter(c))
            return "unknown event type " + show(c) + kUnknownType;
        if (is_digit(c))
            return "unexpected digit " + show(c) + where +
                   " (lobe numbers such as D2 are not supported; digits belong in {n,m})";
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            return std::string("unexpected whitespace") + where;
        if (c == '"')
            return std::string("unexpected '\"'") + where +
                   " (light group names are quoted with ')";
        return "unexpected character " + show(c) + where;
    }

    int parse_primary(int depth)
    {
        const size_t at = m_pos;
        const char c = peek();
        Pattern p;
        if (atom_pattern(c, p)) {
            ++m_pos;
            return add_event(at, {p}, false);
        }
        switch (c) {
            case '\'':
                if (!label_pattern(p))
                    return -1;
                return add_event(at, {p}, false);
            case '<':
                if (!parse_event(p))
                    return -1;
                return add_event(at, {p}, false);
            case '[':
                return parse_set();
            case '(': {
                if (depth >= kMaxDepth)
                    return fail_node(at, "groups nested too deeply (at most " +
                                             std::to_string(kMaxDepth) + " levels)");
                ++m_pos;
                if (at_end())
                    return fail_node(at, "unclosed '(' (missing ')')");
                if (peek() == ')')
                    return fail_node(at, "empty group '()'");
                const int inner = parse_alt(depth + 1);
                if (inner < 0)
                    return -1;
                if (at_end())
                    return fail_node(at, "unclosed '(' (missing ')')");
                ++m_pos;  // ')'
                return inner;
            }
            case ']':
                return fail_node(at, "unmatched ']'");
            case '>':
                return fail_node(at, "unmatched '>'");
            case '}':
                return fail_node(at, "unmatched '}'");
            case '*':
            case '+':
            case '?':
            case '{':
                return fail_node(at, show(c) + " has nothing to repeat");
            case '^':
                return fail_node(at, "'^' outside a set (a complement is written [^...])");
            default:
                return fail_node(at, unexpected(c, ""));
        }
    }

    // [ items ] or [^ items ]: items are atoms, '.', <...> and 'name'.
    int parse_set()
    {
        const size_t open = m_pos++;
        bool negate = false;
        if (!at_end() && peek() == '^') {
            negate = true;
            ++m_pos;
        }
        std::vector<Pattern> items;
        for (;;) {
            if (at_end())
                return fail_node(open, "unclosed '[' (missing ']')");
            const char c = peek();
            if (c == ']')
                break;
            Pattern p;
            if (atom_pattern(c, p)) {
                ++m_pos;
            } else if (c == '<') {
                if (!parse_event(p))
                    return -1;
            } else if (c == '\'') {
                if (!label_pattern(p))
                    return -1;
            } else if (is_letter(c) || is_digit(c)) {
                return fail_node(m_pos, unexpected(c, " in a set"));
            } else {
                return fail_node(m_pos, "unexpected " + show(c) +
                                            " in a set (items are C, R, T, L, O, D, S, ., "
                                            "<...> or 'name')");
            }
            items.push_back(std::move(p));
        }
        if (items.empty())
            return fail_node(open, negate ? "empty set '[^]'" : "empty set '[]'");
        ++m_pos;  // ']'
        return add_event(open, std::move(items), negate);
    }

    // One field of <...>: '.', a single value, or a set [..] / [^..] of
    // values. `field` is 0 (type), 1 (scattering) or 2 (light group).
    bool parse_field(int field, Pattern& p)
    {
        static const char* const kWhat[] = {
            " is not an event type (the first field of <...> is C, R, T, L, O, . or a set [...])",
            " is not a scattering kind (the second field of <...> is D, S, . or a set [...])",
            " is not a light group (the third field of <...> is a quoted name such as 'key', . "
            "or a set [...])"};
        const char c = peek();
        if (c == '.') {
            ++m_pos;
            return true;  // the pattern starts out matching anything
        }
        const bool set = c == '[';
        const size_t open = m_pos;
        bool negate = false;
        if (set) {
            ++m_pos;
            if (!at_end() && peek() == '^') {
                negate = true;
                ++m_pos;
            }
        }
        uint8_t mask = 0;
        std::vector<int> labels;
        for (int n = 0;; ++n) {
            if (at_end())
                return fail(open,
                            set ? "unclosed '[' (missing ']')" : "unclosed '<' (missing '>')");
            const char v = peek();
            if (set && v == '>')
                return fail(open, "unclosed '[' (missing ']')");
            if (set && v == ']') {
                if (n == 0)
                    return fail(open, negate ? "empty set '[^]'" : "empty set '[]'");
                ++m_pos;
                break;
            }
            LpeType t;
            LpeScatter s;
            if (field == 0 && type_of(v, t)) {
                mask |= type_bit(t);
                ++m_pos;
            } else if (field == 1 && scatter_of(v, s)) {
                mask |= scatter_bit(s);
                ++m_pos;
            } else if (field == 2 && v == '\'') {
                const int g = parse_label();
                if (g < 0)
                    return false;
                labels.push_back(g);
            } else if (field < 2 && v == '\'') {
                return fail(m_pos, kLabelField);
            } else {
                return fail(m_pos, show(v) + kWhat[field]);
            }
            if (!set)
                break;
        }
        if (field == 0)
            p.types = negate ? static_cast<uint8_t>(kAllTypes & ~mask) : mask;
        else if (field == 1)
            p.scatters = negate ? static_cast<uint8_t>(kAllScatters & ~mask) : mask;
        else {
            p.label_mode = negate ? LabelMode::NotIn : LabelMode::In;
            p.labels = std::move(labels);
        }
        if ((field == 0 && p.types == 0) || (field == 1 && p.scatters == 0))
            return fail(open, "set " + std::string(m_text.substr(open, m_pos - open)) +
                                  " excludes every " +
                                  (field == 0 ? "event type" : "scattering kind"));
        return true;
    }

    // <type scatter label>, each field optional from the right.
    bool parse_event(Pattern& p)
    {
        const size_t open = m_pos++;
        p = Pattern{};
        p.types = kAllTypes;
        p.scatters = kAllScatters;
        size_t field_at[4] = {0, 0, 0, 0};  // where each field starts; then the '>'
        int fields = 0;
        for (;;) {
            if (at_end())
                return fail(open, "unclosed '<' (missing '>')");
            if (peek() == '>')
                break;
            if (fields == 3)
                return fail(m_pos,
                            "too many fields in <...> (at most three: type, scattering kind, "
                            "light group)");
            field_at[fields] = m_pos;
            if (!parse_field(fields, p))
                return false;
            ++fields;
        }
        if (fields == 0)
            return fail(open, "empty event '<>'");
        field_at[fields] = m_pos++;
        const auto text_of = [&](int f) {
            const size_t begin = field_at[static_cast<size_t>(f)];
            return std::string(m_text.substr(begin, field_at[static_cast<size_t>(f) + 1] - begin));
        };
        const auto quoted = [&](int f) { return "'" + text_of(f) + "'"; };

        // Only light events carry a group, and they do not scatter: a pattern
        // that asks for both, or for a scattering C, L or O, matches nothing.
        const auto scatterers =
            static_cast<uint8_t>(type_bit(LpeType::Reflect) | type_bit(LpeType::Transmit));
        const uint8_t none = scatter_bit(LpeScatter::None);
        if (p.label_mode == LabelMode::In) {
            if (!(p.types & type_bit(LpeType::Light)))
                return fail(field_at[2], "light group " + text_of(2) + " on event type " +
                                             quoted(0) +
                                             ": only L events carry a light group (object "
                                             "lpegroups are not supported)");
            if (!(p.scatters & none))
                return fail(field_at[2], "light group " + text_of(2) + " with scattering kind " +
                                             quoted(1) + ": light events do not scatter");
        }
        const auto still = static_cast<uint8_t>(
            type_bit(LpeType::Camera) | type_bit(LpeType::Light) | type_bit(LpeType::Object));
        const bool any_still = (p.types & still) && (p.scatters & none);
        const bool any_scatter = (p.types & scatterers) && (p.scatters & ~none);
        if (!any_still && !any_scatter)
            return fail(field_at[1], "event type " + quoted(0) + " with scattering kind " +
                                         quoted(1) +
                                         " matches no event (R and T events scatter D or S; C, L "
                                         "and O events do not scatter)");
        return true;
    }

    std::string_view m_text;
    size_t m_pos = 0;
    bool m_failed = false;
    LpeError m_error;
    std::vector<Node> m_nodes;
    std::vector<long> m_positions;  // per node, the patterns it stands for written out
    std::vector<std::string> m_groups;
};

}  // namespace

// Builds automata; a friend of LpeExpression and LpeAutomaton.
class LpeCompiler {
public:
    // One letter of an alphabet. label: -1 no group, -2 a group the
    // expression does not name, >= 0 an index into the expression's names.
    struct Symbol {
        LpeType type;
        LpeScatter scatter;
        int label;
    };

    // The seven letters every alphabet starts with (see LpeAutomaton::symbol).
    static std::vector<Symbol> base_alphabet()
    {
        return {{LpeType::Camera, LpeScatter::None, -1},
                {LpeType::Reflect, LpeScatter::Diffuse, -1},
                {LpeType::Reflect, LpeScatter::Specular, -1},
                {LpeType::Transmit, LpeScatter::Diffuse, -1},
                {LpeType::Transmit, LpeScatter::Specular, -1},
                {LpeType::Object, LpeScatter::None, -1},
                {LpeType::Light, LpeScatter::None, -1}};
    }

    // Builds the minimal DFA of `x` over `alphabet`; false if the subset
    // construction needs more than max_states states.
    static bool build(const LpeExpression& x, const std::vector<Symbol>& alphabet, int max_states,
                      LpeAutomaton& out);

    static const std::vector<std::string>& groups(const LpeExpression& x) { return x.m_groups; }

private:
    struct NState {
        int leaf = -1;  // symbol edge: the Event node it tests, to `next`
        int next = -1;
        std::vector<int> eps;
    };
    struct Frag {
        int start;
        int end;
    };

    static bool matches(const Pattern& p, const Symbol& s)
    {
        if (!(p.types & type_bit(s.type)) || !(p.scatters & scatter_bit(s.scatter)))
            return false;
        if (p.label_mode == LabelMode::Any)
            return true;
        const bool named =
            s.label >= 0 && std::find(p.labels.begin(), p.labels.end(), s.label) != p.labels.end();
        return p.label_mode == LabelMode::In ? named : !named;
    }

    class Nfa {
    public:
        explicit Nfa(const std::vector<Node>& nodes) : m_nodes(nodes) {}
        std::vector<NState> states;

        int add()
        {
            states.emplace_back();
            return static_cast<int>(states.size()) - 1;
        }
        void link(int from, int to) { states[static_cast<size_t>(from)].eps.push_back(to); }

        Frag build(int index)
        {
            const Node& n = m_nodes[static_cast<size_t>(index)];
            switch (n.kind) {
                case Node::Kind::Event: {
                    const int s = add();
                    const int e = add();
                    states[static_cast<size_t>(s)].leaf = index;
                    states[static_cast<size_t>(s)].next = e;
                    return {s, e};
                }
                case Node::Kind::Concat: {
                    Frag f = build(n.children[0]);
                    for (size_t i = 1; i < n.children.size(); ++i) {
                        const Frag g = build(n.children[i]);
                        link(f.end, g.start);
                        f.end = g.end;
                    }
                    return f;
                }
                case Node::Kind::Alt: {
                    const int s = add();
                    const int e = add();
                    for (int c : n.children) {
                        const Frag g = build(c);
                        link(s, g.start);
                        link(g.end, e);
                    }
                    return {s, e};
                }
                case Node::Kind::Repeat:
                    break;
            }

            // Repeat: min copies in a row, then either a loop (unbounded) or
            // max - min optional copies, each able to skip to the end.
            const int child = n.children[0];
            const int s = add();
            int cur = s;
            if (n.max < 0) {
                for (int i = 0; i + 1 < std::max(n.min, 1); ++i) {
                    const Frag g = build(child);
                    link(cur, g.start);
                    cur = g.end;
                }
                const Frag g = build(child);
                link(cur, g.start);
                link(g.end, g.start);
                if (n.min == 0) {
                    const int e = add();
                    link(cur, e);
                    link(g.end, e);
                    return {s, e};
                }
                return {s, g.end};
            }
            for (int i = 0; i < n.min; ++i) {
                const Frag g = build(child);
                link(cur, g.start);
                cur = g.end;
            }
            const int e = add();
            for (int i = n.min; i < n.max; ++i) {
                link(cur, e);
                const Frag g = build(child);
                link(cur, g.start);
                cur = g.end;
            }
            link(cur, e);
            return {s, e};
        }

    private:
        const std::vector<Node>& m_nodes;
    };
};

bool LpeCompiler::build(const LpeExpression& x, const std::vector<Symbol>& alphabet, int max_states,
                        LpeAutomaton& out)
{
    out = LpeAutomaton{};
    out.m_symbols = static_cast<int>(alphabet.size());
    if (x.m_root < 0)
        return true;

    // Thompson NFA.
    Nfa nfa(x.m_nodes);
    const Frag whole = nfa.build(x.m_root);
    const int accept = whole.end;

    // Letters whose every Event node answers alike behave alike: one column each.
    std::vector<int> leaves;
    for (size_t i = 0; i < x.m_nodes.size(); ++i)
        if (x.m_nodes[i].kind == Node::Kind::Event)
            leaves.push_back(static_cast<int>(i));
    std::map<std::vector<uint8_t>, int> column_ids;
    std::vector<std::vector<uint8_t>> columns;  // per class, indexed by node
    std::vector<int> class_of(alphabet.size());
    for (size_t a = 0; a < alphabet.size(); ++a) {
        std::vector<uint8_t> col(x.m_nodes.size(), 0);
        for (int leaf : leaves) {
            const Node& n = x.m_nodes[static_cast<size_t>(leaf)];
            bool any = false;
            for (const Pattern& p : n.items)
                any = any || matches(p, alphabet[a]);
            col[static_cast<size_t>(leaf)] = static_cast<uint8_t>(any != n.negate);
        }
        auto [it, fresh] = column_ids.emplace(col, static_cast<int>(columns.size()));
        if (fresh)
            columns.push_back(std::move(col));
        class_of[a] = it->second;
    }
    const size_t classes = columns.size();

    // Epsilon closure, keeping only the states that matter to a DFA state:
    // those with a symbol edge, and the accepting one.
    std::vector<int> mark(nfa.states.size(), -1);
    int generation = 0;
    std::vector<int> stack;
    auto closure = [&](std::vector<int> seeds) {
        ++generation;
        std::vector<int> kept;
        stack = std::move(seeds);
        while (!stack.empty()) {
            const int s = stack.back();
            stack.pop_back();
            if (mark[static_cast<size_t>(s)] == generation)
                continue;
            mark[static_cast<size_t>(s)] = generation;
            const NState& st = nfa.states[static_cast<size_t>(s)];
            if (st.leaf >= 0 || s == accept)
                kept.push_back(s);
            for (int e : st.eps)
                stack.push_back(e);
        }
        std::sort(kept.begin(), kept.end());
        return kept;
    };

    // Subset construction over the classes; the empty set is kDead.
    std::map<std::vector<int>, int> ids;
    std::vector<std::vector<int>> sets;
    std::vector<int> delta;  // sets.size() * classes
    sets.push_back(closure({whole.start}));
    ids.emplace(sets[0], 0);
    for (size_t d = 0; d < sets.size(); ++d) {
        for (size_t c = 0; c < classes; ++c) {
            std::vector<int> seeds;
            for (int s : sets[d]) {
                const NState& st = nfa.states[static_cast<size_t>(s)];
                if (st.leaf >= 0 && columns[c][static_cast<size_t>(st.leaf)])
                    seeds.push_back(st.next);
            }
            int target = LpeAutomaton::kDead;
            if (!seeds.empty()) {
                std::vector<int> set = closure(std::move(seeds));
                auto [it, fresh] = ids.emplace(set, static_cast<int>(sets.size()));
                if (fresh) {
                    if (static_cast<int>(sets.size()) >= max_states)
                        return false;
                    sets.push_back(std::move(set));
                }
                target = it->second;
            }
            delta.push_back(target);
        }
    }
    const size_t n = sets.size();
    std::vector<uint8_t> accepting(n, 0);
    for (size_t d = 0; d < n; ++d)
        accepting[d] = std::binary_search(sets[d].begin(), sets[d].end(), accept) ? 1 : 0;

    // Fold every state that cannot reach acceptance into kDead.
    std::vector<std::vector<int>> preds(n);
    for (size_t d = 0; d < n; ++d)
        for (size_t c = 0; c < classes; ++c)
            if (delta[d * classes + c] >= 0)
                preds[static_cast<size_t>(delta[d * classes + c])].push_back(static_cast<int>(d));
    std::vector<uint8_t> live(accepting);
    std::vector<int> work;
    for (size_t d = 0; d < n; ++d)
        if (live[d])
            work.push_back(static_cast<int>(d));
    while (!work.empty()) {
        const int d = work.back();
        work.pop_back();
        for (int p : preds[static_cast<size_t>(d)])
            if (!live[static_cast<size_t>(p)]) {
                live[static_cast<size_t>(p)] = 1;
                work.push_back(p);
            }
    }
    if (!live[0])
        return true;  // matches nothing: start() stays kDead

    // Moore minimisation of the live states: split blocks by their
    // acceptance and the blocks their transitions reach until stable.
    std::vector<int> block(n, -1);
    for (size_t d = 0; d < n; ++d)
        if (live[d])
            block[d] = accepting[d];
    size_t blocks = 0;
    for (;;) {
        std::map<std::vector<int>, int> signature_ids;
        std::vector<int> next_block(n, -1);
        for (size_t d = 0; d < n; ++d) {
            if (!live[d])
                continue;
            std::vector<int> sig{block[d]};
            for (size_t c = 0; c < classes; ++c) {
                const int t = delta[d * classes + c];
                sig.push_back(t >= 0 ? block[static_cast<size_t>(t)] : -1);
            }
            auto it = signature_ids.emplace(sig, static_cast<int>(signature_ids.size())).first;
            next_block[d] = it->second;
        }
        const bool stable = signature_ids.size() == blocks;
        blocks = signature_ids.size();
        block = std::move(next_block);
        if (stable)
            break;
    }

    // Number the blocks in breadth-first order from the start, so equal
    // expressions give equal tables.
    std::vector<int> rep(blocks, -1);  // a member state of each block
    for (size_t d = 0; d < n; ++d)
        if (block[d] >= 0 && rep[static_cast<size_t>(block[d])] < 0)
            rep[static_cast<size_t>(block[d])] = static_cast<int>(d);
    std::vector<int> number(blocks, -1);
    std::vector<int> order{block[0]};
    number[static_cast<size_t>(block[0])] = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        const size_t d = static_cast<size_t>(rep[static_cast<size_t>(order[i])]);
        for (size_t c = 0; c < classes; ++c) {
            const int t = delta[d * classes + c];
            if (t < 0 || block[static_cast<size_t>(t)] < 0)
                continue;
            const int b = block[static_cast<size_t>(t)];
            if (number[static_cast<size_t>(b)] < 0) {
                number[static_cast<size_t>(b)] = static_cast<int>(order.size());
                order.push_back(b);
            }
        }
    }

    // The table over the concrete letters.
    const size_t states = order.size();
    const size_t symbols = alphabet.size();
    out.m_start = 0;
    out.m_states = static_cast<int>(states);
    out.m_next.assign(states * symbols, LpeAutomaton::kDead);
    out.m_accept.assign(states, 0);
    for (size_t i = 0; i < states; ++i) {
        const size_t d = static_cast<size_t>(rep[static_cast<size_t>(order[i])]);
        out.m_accept[i] = accepting[d];
        for (size_t a = 0; a < symbols; ++a) {
            const int t = delta[d * classes + static_cast<size_t>(class_of[a])];
            if (t >= 0 && block[static_cast<size_t>(t)] >= 0)
                out.m_next[i * symbols + a] =
                    number[static_cast<size_t>(block[static_cast<size_t>(t)])];
        }
    }
    return true;
}

bool parse_lpe(std::string_view text, LpeExpression& out, LpeError* error)
{
    LpeExpression x;
    x.m_text = std::string(text);
    Parser parser(text);
    if (!parser.run(x.m_nodes, x.m_groups, x.m_root)) {
        if (error)
            *error = parser.error();
        return false;
    }

    // Bound the automaton for every group table at once: the letters are the
    // seven fixed ones, one light per named group and one light of a group
    // the expression does not name. Any table's letters behave like a subset
    // of these, so its subset construction reaches no more states.
    std::vector<LpeCompiler::Symbol> alphabet = LpeCompiler::base_alphabet();
    alphabet.push_back({LpeType::Light, LpeScatter::None, -2});
    for (size_t g = 0; g < x.m_groups.size(); ++g)
        alphabet.push_back({LpeType::Light, LpeScatter::None, static_cast<int>(g)});
    LpeAutomaton probe;
    if (!LpeCompiler::build(x, alphabet, kLpeMaxStates, probe)) {
        if (error)
            *error = {0, "expression too complex: its automaton needs more than " +
                             std::to_string(kLpeMaxStates) + " states"};
        return false;
    }
    out = std::move(x);
    return true;
}

std::vector<std::string> lpe_group_names(const LpeExpression& expr)
{
    return expr.m_groups;
}

LpeAutomaton compile_lpe(const LpeExpression& expr, const std::vector<std::string>& light_groups,
                         std::vector<std::string>* unknown_groups)
{
    const std::vector<std::string>& names = LpeCompiler::groups(expr);
    std::vector<LpeCompiler::Symbol> alphabet = LpeCompiler::base_alphabet();
    for (const std::string& g : light_groups) {
        auto it = std::find(names.begin(), names.end(), g);
        const int label = it == names.end() ? -2 : static_cast<int>(it - names.begin());
        alphabet.push_back({LpeType::Light, LpeScatter::None, label});
    }
    if (unknown_groups)
        for (const std::string& name : names)
            if (std::find(light_groups.begin(), light_groups.end(), name) == light_groups.end() &&
                std::find(unknown_groups->begin(), unknown_groups->end(), name) ==
                    unknown_groups->end())
                unknown_groups->push_back(name);

    // parse_lpe() ran the same construction over an alphabet whose letters
    // cover these, so the limit cannot be reached here; the doubled bound
    // only keeps a default-constructed or hand-built expression finite.
    LpeAutomaton out;
    (void)LpeCompiler::build(expr, alphabet, 2 * kLpeMaxStates, out);
    return out;
}

}  // namespace ck::scene
