// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/json.h>

#include <cerrno>
#include <cstdlib>

namespace ck::tool {

namespace {

// A history value as a number when all of it is one; otherwise the text.
Json number_or_text(const std::string& text)
{
    if (text.empty())
        return text;
    errno = 0;
    char* end = nullptr;
    if (text.find_first_of(".eE") == std::string::npos) {
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (errno == 0 && end && *end == '\0')
            return v;
        errno = 0;
        const unsigned long long u = std::strtoull(text.c_str(), &end, 10);
        if (errno == 0 && end && *end == '\0' && text[0] != '-')
            return u;
    }
    errno = 0;
    const double d = std::strtod(text.c_str(), &end);
    if (errno == 0 && end && *end == '\0')
        return d;
    return text;
}

}  // namespace

Json json_envelope(const std::string& tool)
{
    Json j;
    j["schema"] = kJsonSchemaName;
    j["schema_version"] = kJsonSchemaVersion;
    j["tool"] = tool;
    j["version"] = std::string(CK_VERSION);
    return j;
}

std::string json_text(const Json& value)
{
    return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Json json_parse(const std::string& text)
{
    return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

Json resume_history_json(const std::vector<ResumeRecord>& history)
{
    static const std::pair<const char*, const char*> kRenamed[] = {
        {"samplesFrom", "samples_from"},
        {"samplesTo", "samples_to"},
        {"elapsed", "elapsed_seconds"},
    };
    Json out = Json::array();
    for (const ResumeRecord& record : history) {
        Json r = Json::object();
        for (const auto& [key, value] : record.fields) {
            std::string name = key;
            for (const auto& [from, to] : kRenamed)
                if (key == from)
                    name = to;
            const bool numeric = name == "samples_from" || name == "samples_to" ||
                                 name == "elapsed_seconds" || name == "pid" || name == "threads";
            r[name] = numeric ? number_or_text(value) : Json(value);
        }
        out.push_back(std::move(r));
    }
    return out;
}

Json checkpoint_json(const CheckpointHeader& h, uint64_t pixels,
                     const std::vector<ResumeRecord>* history)
{
    Json j;
    j["format_version"] = h.format_version;
    j["state"] = h.state;
    j["render_id"] = h.render_id;
    j["generation"] = h.generation;
    j["frame"] = h.frame;
    j["display_index"] = h.display_index;
    j["display_count"] = h.display_count;
    j["display_name"] = h.display_name;
    j["mode"] = h.mode;
    j["target_samples"] = h.target_samples;
    j["samples_done"] = h.samples_done;
    j["min_samples"] = h.min_samples;
    const double wanted = double(pixels) * double(h.target_samples);
    j["samples_fraction"] = wanted > 0 ? Json(double(h.samples_done) / wanted) : Json(nullptr);
    j["fingerprint"] = h.fingerprint;
    j["fingerprint_parts"] = h.fingerprint_parts;
    j["reason"] = h.reason;
    j["checkpoint_elapsed_seconds"] = double(h.checkpoint_elapsed);
    j["total_elapsed_seconds"] = h.total_elapsed;
    j["seed"] = h.seed;
    j["renderer"] = h.renderer;
    if (history)
        j["history"] = resume_history_json(*history);
    return j;
}

Json weights_json(const WeightStats& w)
{
    Json j;
    j["min"] = w.min;
    j["mean"] = w.mean;
    j["max"] = w.max;
    j["pixels"] = w.pixels;
    j["pixels_at_target"] = w.pixels_at_target;
    j["pixels_done_fraction"] = w.fraction_done;
    return j;
}

Json provenance_json(const FinalProvenance& p)
{
    return Json{{"status", p.status},
                {"summary", provenance_summary(p)},
                {"samples", p.samples},
                {"target_samples", p.target_samples},
                {"made_by", p.made_by},
                {"render_id", p.render_id},
                {"generation", p.generation},
                {"frame", p.frame},
                {"display_index", p.display_index},
                {"display_count", p.display_count},
                {"display_name", p.display_name},
                {"fingerprint", p.fingerprint},
                {"render_seconds", p.render_seconds},
                {"renderer", p.renderer}};
}

}  // namespace ck::tool
