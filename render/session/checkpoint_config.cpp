// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "session/checkpoint_config.h"

#include "session/post_command.h"

#include <ck/file_kind.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace ck::render {

namespace {

const char* const kIniPrefixes[] = {"/ckrender/checkpoint/", "/prman/checkpoint/"};
const char* const kIniKeys[] = {"interval",     "exitat",         "asfinal",       "command",
                                "allowcommand", "commandtimeout", "bucketinterval"};

std::string trim(const std::string& s)
{
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return s.substr(b, e - b);
}

Status bad(const std::string& where, const std::string& why)
{
    return {ErrorCode::InvalidArgument, where + ": " + why};
}

// "true/yes/on/1" and "false/no/off/0".
bool parse_bool(const std::string& text, bool& out)
{
    std::string t;
    for (char c : text)
        t.push_back(char(std::tolower(static_cast<unsigned char>(c))));
    if (t == "1" || t == "true" || t == "yes" || t == "on") {
        out = true;
        return true;
    }
    if (t == "0" || t == "false" || t == "no" || t == "off") {
        out = false;
        return true;
    }
    return false;
}

// Cuts a trailing comment: a '#' that starts a word (at the start of the
// line or after a space or tab) outside '...' and "..." quotes.
std::string strip_comment(const std::string& line)
{
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (quote == '"' && c == '\\' && i + 1 < line.size())
                ++i;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'' || c == '"')
            quote = c;
        else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t'))
            return line.substr(0, i);
    }
    return line;
}

Status set_interval(CheckpointConfig& config, const std::string& text, const std::string& where)
{
    auto seq = parse_interval_sequence(text);
    if (!seq)
        return bad(where, seq.status().message());
    config.interval = seq.value();
    return {};
}

Status set_exitat(CheckpointConfig& config, const std::string& text, const std::string& where)
{
    auto one = parse_interval(trim(text));
    if (!one)
        return bad(where, "exitat: " + one.status().message());
    config.exitat = one.value();
    return {};
}

// A time in the interval notation (300s, 5m, 0.5h, or bare seconds); increments
// mean nothing for a command.
Status set_command_timeout(CheckpointConfig& config, const std::string& text,
                           const std::string& where)
{
    auto one = parse_interval(trim(text));
    if (!one)
        return bad(where, "commandtimeout: " + one.status().message());
    if (!one->is_time())
        return bad(where, "commandtimeout: expected a time such as 300s or 5m, found \"" +
                              trim(text) + "\" (a count of increments)");
    config.command_timeout = one->seconds;
    return {};
}

// One ini setting, applied to `config`: the same checks whether the value is
// only being validated (parse_ini) or used (resolve_checkpoint_config).
Status apply_ini_value(CheckpointConfig& config, const std::string& key, const std::string& value,
                       const std::string& where)
{
    if (key == "interval")
        return set_interval(config, value, where);
    if (key == "exitat")
        return set_exitat(config, value, where);
    if (key == "commandtimeout")
        return set_command_timeout(config, value, where);
    if (key == "bucketinterval") {
        const std::string text = trim(value);
        if (text == "off") {
            config.bucket_interval.reset();
            return {};
        }
        auto one = parse_interval(text);
        if (!one || !one->is_time())
            return bad(where, "bucketinterval: expected a time such as 60s or 2m, or off, found \"" +
                                  text + "\"");
        config.bucket_interval = one->seconds;
        return {};
    }
    if (key == "asfinal" && !parse_bool(value, config.asfinal))
        return bad(where, "asfinal: expected 0/1, true/false, yes/no or on/off, found \"" +
                              value + "\"");
    if (key == "allowcommand" && !parse_bool(value, config.allow_command))
        return bad(where, "allowcommand: expected 0/1, true/false, yes/no or on/off, found \"" +
                              value + "\"");
    if (key == "command") {
        if (auto args = split_command(value); !args)
            return bad(where, "command: " + args.status().message());
        config.command = value;
    }
    return {};
}

// Joins a RIB parameter's values into interval text: strings as written,
// ints as bare numbers (positive seconds, negative increments).
std::string param_text(const scene::Param& p)
{
    std::string text;
    auto add = [&](const std::string& s) {
        if (!text.empty())
            text.push_back(' ');
        text += s;
    };
    for (const std::string& s : p.strings)
        add(s);
    for (int v : p.ints)
        add(std::to_string(v));
    for (float v : p.floats) {
        std::ostringstream ss;
        ss << v;
        add(ss.str());
    }
    return text;
}

}  // namespace

Result<IniSettings> parse_ini(const std::string& text, const std::string& name)
{
    IniSettings ini;
    ini.paths.push_back(name);
    CheckpointConfig scratch;  // values are checked here, so a bad one names its line
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string where = name + ":" + std::to_string(number);
        std::string t = trim(strip_comment(line));
        if (t.empty() || t[0] == '#')
            continue;
        size_t space = t.find_first_of(" \t");
        std::string key = t.substr(0, space);
        std::string value = space == std::string::npos ? "" : trim(t.substr(space));
        const char* prefix = nullptr;
        for (const char* p : kIniPrefixes)
            if (key.rfind(p, 0) == 0)
                prefix = p;
        if (!prefix) {
            if (key.rfind("/ckrender/", 0) == 0)
                return bad(where, "unknown setting \"" + key + "\"");
            continue;  // another program's setting in a shared rendermn.ini
        }
        std::string sub = key.substr(std::string(prefix).size());
        bool known = false;
        for (const char* k : kIniKeys)
            known = known || sub == k;
        if (!known && (sub == "ddccomplvl" || sub == "skipdeepexr")) {
            // RenderMan's deep-data checkpoint settings (S18, S19): a real
            // rendermn.ini may carry them; ckrender writes no deep output yet.
            ini.warnings.push_back(where + ": \"" + key +
                                   "\" ignored: ckrender writes no deep output yet");
            continue;
        }
        if (!known)
            return bad(where, "unknown setting \"" + key + "\" (known: interval, exitat, "
                              "asfinal, command, allowcommand, commandtimeout, bucketinterval)");
        if (sub == "bucketinterval" && std::string(prefix) != "/ckrender/checkpoint/")
            return bad(where, "\"" + key + "\" is ckrender's own setting: write "
                              "/ckrender/checkpoint/bucketinterval");
        if (value.empty())
            return bad(where, "\"" + key + "\" needs a value");
        if (Status s = apply_ini_value(scratch, sub, value, where); !s)
            return s;
        ini.checkpoint[sub] = {value, where};
    }
    return ini;
}

Result<IniSettings> read_ini(const std::string& path)
{
    // A FIFO would block the open, /dev/zero would never end (issue 10).
    if (const std::string kind = ck::non_regular_kind(path); !kind.empty())
        return Status{ErrorCode::InvalidArgument, path + ": cannot read settings: it is " + kind +
                                                      ", not a file"};
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status{ErrorCode::NotFound, path + ": cannot open"};
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_ini(ss.str(), path);
}

namespace {

// Issue 10, item 5: an ini file is configuration, not permission. Only a file
// named with --ini, owned by the user running ckrender and writable by no one
// else, may allow the post-checkpoint command; in any other file the setting
// is dropped with one warning that says why. `how` says how the file was found.
void vet_allowcommand(IniSettings& ini, const std::string& path, const std::string& how)
{
    auto it = ini.checkpoint.find("allowcommand");
    if (it == ini.checkpoint.end())
        return;
    std::string why;
    struct stat st {};
    if (how != "--ini")
        why = "it was " + how;
    else if (::stat(path.c_str(), &st) != 0)
        why = path + " cannot be checked: " + std::strerror(errno);
    else if (st.st_uid != ::geteuid())
        why = path + " belongs to another user (uid " + std::to_string(st.st_uid) + ")";
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        why = path + " can be written by " +
              std::string((st.st_mode & S_IWOTH) ? "anyone" : "its group");
    if (why.empty())
        return;
    ini.warnings.push_back(it->second.where + ": allowcommand ignored: " + why +
                           "; only --allow-command, or an --ini file you own that only you "
                           "can write, allows the post-checkpoint command");
    ini.checkpoint.erase(it);
}

}  // namespace

Result<IniSettings> load_settings_files(const std::string& ini_option)
{
    IniSettings all;
    auto merge = [&all](const IniSettings& later) {
        for (const auto& [key, entry] : later.checkpoint)
            all.checkpoint[key] = entry;
        all.paths.insert(all.paths.end(), later.paths.begin(), later.paths.end());
        all.warnings.insert(all.warnings.end(), later.warnings.begin(), later.warnings.end());
    };
    auto read_optional = [&](const std::string& path) -> Status {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec))
            return {};
        auto ini = read_ini(path);
        if (!ini)
            return ini.status();
        vet_allowcommand(ini.value(), path, "found in the working directory");
        merge(ini.value());
        return {};
    };

    // 1. An existing RenderMan setup's rendermn.ini in the current directory.
    if (Status s = read_optional("rendermn.ini"); !s)
        return s;

    // 2. ckrender.ini: --ini, else $CKRENDER_INI (both must exist), else ./ckrender.ini.
    std::string path = ini_option;
    std::string how = "--ini";
    if (path.empty())
        if (const char* env = std::getenv("CKRENDER_INI"); env && *env) {
            path = env;
            how = "named by $CKRENDER_INI";
        }
    if (path.empty()) {
        if (Status s = read_optional("ckrender.ini"); !s)
            return s;
        return all;
    }
    auto ini = read_ini(path);
    if (!ini)
        return ini.status();
    vet_allowcommand(ini.value(), path, how);
    merge(ini.value());
    return all;
}

Result<CheckpointConfig> resolve_checkpoint_config(const IniSettings& ini,
                                                   const scene::OptionMap& frame_options,
                                                   const CliCheckpoint& cli)
{
    CheckpointConfig config;

    // 1. ini files (already merged in order).
    for (const auto& [key, entry] : ini.checkpoint) {
        if (Status s = apply_ini_value(config, key, entry.value, entry.where); !s)
            return s;
    }

    // 2. RIB Option "checkpoint" (the parser already applied frame scoping).
    if (auto it = frame_options.find("checkpoint"); it != frame_options.end()) {
        for (const scene::Param& p : it->second) {
            const std::string where = p.loc.str();
            Status s;
            if (p.name == "interval") {
                s = set_interval(config, param_text(p), where);
            } else if (p.name == "exitat") {
                s = set_exitat(config, param_text(p), where);
            } else if (p.name == "commandtimeout") {
                s = set_command_timeout(config, param_text(p), where);
            } else if (p.name == "asfinal") {
                if (p.ints.size() != 1)
                    s = bad(where, "asfinal: expected \"int asfinal\" [0|1]");
                else
                    config.asfinal = p.ints[0] != 0;
            } else if (p.name == "command") {
                if (p.strings.size() != 1)
                    s = bad(where, "command: expected \"string command\" [\"...\"]");
                else
                    config.command = p.strings[0];
            } else if (p.name == "allowcommand") {
                // Never from a scene (S25): say so instead of silently ignoring it.
                s = bad(where, "allowcommand cannot be set from a scene file; use "
                               "--allow-command or the ini setting");
            } else {
                s = bad(where, "unknown checkpoint option \"" + p.name + "\"");
            }
            // A scene error wherever the run's other settings come from: the
            // exit code follows the source (1 for the RIB), never whether
            // -checkpoint was given too (issue 10, item 9).
            if (!s)
                return Status{ErrorCode::Corrupt, s.message()};
        }
    }

    // 3. Command line: -checkpoint INTERVAL[,EXITAT].
    if (!cli.checkpoint.empty()) {
        const std::string where = "command line: -checkpoint";
        size_t comma = cli.checkpoint.find(',');
        std::string interval = trim(cli.checkpoint.substr(0, comma));
        std::string exitat =
            comma == std::string::npos ? std::string() : trim(cli.checkpoint.substr(comma + 1));
        if (comma != std::string::npos && exitat.empty())
            return bad(where, "nothing after the comma (expected INTERVAL,EXITAT)");
        if (!interval.empty()) {
            if (Status s = set_interval(config, interval, where); !s)
                return s;
        }
        if (!exitat.empty()) {
            if (Status s = set_exitat(config, exitat, where); !s)
                return s;
        }
        if (interval.empty() && exitat.empty())
            return bad(where, "empty");
    }
    if (cli.allow_command)
        config.allow_command = true;
    return config;
}

}  // namespace ck::render
