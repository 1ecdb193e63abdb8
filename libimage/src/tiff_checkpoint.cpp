// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tiff_checkpoint.h>

#include <ck/checkpoint_format.h>
#include <ck/safe_read.h>

#include "attributes.h"

#include "checkpoint_read.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string_view>

namespace ck {

namespace {

using json = nlohmann::ordered_json;

// The compression of both pages: lossless (the picture is checked against the
// state, so it must read back as written) and fast, since a bucket render
// commits every minute: LZW, or none when the display asks for none. Measured
// at 1920x1080 on one core (bench/checkpoint/run_bucket_commit_bench.sh):
// OIIO's TIFF zip took 2.7 s (8-bit picture) and 3.5 s (float), LZW 0.5 s and
// 0.8 s, for files 18% larger. The final keeps the display's own compression.
std::string checkpoint_compression(const std::string& display)
{
    return display == "none" ? "none" : "lzw";
}

using detail::is_checkpoint_key;

// OIIO's TIFF reader takes "oiio:Name=value" hints out of an ImageDescription
// (measured: "oiio:ConstantColor=1" vanished from the text). JSON may spell
// any character of a string as \uXXXX, so no ':' after "oiio" is left for it
// to find; JSON's own syntax has no letters there, so only strings change.
std::string hide_oiio_hints(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ':' && i >= 4) {
            std::string tail = text.substr(i - 4, 4);
            for (char& c : tail)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            if (tail == "oiio") {
                out += "\\u003a";
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

bool is_provenance_key(std::string_view name)
{
    return name.substr(0, std::string_view(format::kProvenancePrefix).size()) ==
           format::kProvenancePrefix;
}

using KeyFilter = bool (*)(std::string_view);

void erase_description_keys(OIIO::ImageSpec& spec, KeyFilter keep)
{
    std::vector<std::string> names;
    for (const OIIO::ParamValue& p : spec.extra_attribs)
        if (keep(p.name().string()))
            names.push_back(p.name().string());
    for (const std::string& name : names)
        spec.erase_attribute(name);
}

std::string to_hex(const void* data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

bool from_hex(const std::string& text, std::string& out)
{
    if (text.size() % 2)
        return false;
    out.clear();
    for (size_t i = 0; i < text.size(); i += 2) {
        int v = 0;
        for (size_t k = i; k < i + 2; ++k) {
            const char c = text[k];
            const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        out += char(v);
    }
    return true;
}

// An IEEE-754 bit pattern as `digits` lower-case hex digits, most significant first.
std::string bits_hex(uint64_t bits, int digits)
{
    std::string out(size_t(digits), '0');
    for (int i = digits - 1; i >= 0; --i, bits >>= 4)
        out[size_t(i)] = "0123456789abcdef"[bits & 15];
    return out;
}

bool parse_bits(const std::string& text, size_t digits, uint64_t& bits)
{
    if (text.size() != digits || text.find_first_not_of("0123456789abcdef") != std::string::npos)
        return false;
    bits = std::strtoull(text.c_str(), nullptr, 16);
    return true;
}

// True when `text` is valid UTF-8, which JSON needs (an EXR attribute holds
// any bytes: a display named in Latin-1 must survive the round trip).
bool is_utf8(const std::string& text)
{
    try {
        (void)json(text).dump(-1, ' ', false, json::error_handler_t::strict);
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

// The attributes of `spec` that `keep` selects, as {"name": [type, value]}.
// Every value comes back with every bit: numbers as JSON numbers (exact for
// float and double), or, when JSON cannot hold them (NaN, infinities, bytes
// that are not UTF-8), as hex of their bytes ("float-bits", "double-bits",
// "string-hex").
json attributes_json(const OIIO::ImageSpec& spec, KeyFilter keep)
{
    json attributes = json::object();
    for (const OIIO::ParamValue& p : spec.extra_attribs) {
        const std::string name = p.name().string();
        if (!keep(name))
            continue;
        const OIIO::TypeDesc t = p.type();
        if (t == OIIO::TypeInt) {
            attributes[name] = json::array({"int", p.get_int()});
        } else if (t == OIIO::TypeFloat) {
            const float f = p.get_float();
            uint32_t bits;
            std::memcpy(&bits, &f, 4);
            attributes[name] = std::isfinite(f) ? json::array({"float", double(f)})
                                                : json::array({"float-bits", bits_hex(bits, 8)});
        } else if (t == OIIO::TypeDesc::DOUBLE) {
            const double d = *static_cast<const double*>(p.data());
            uint64_t bits;
            std::memcpy(&bits, &d, 8);
            attributes[name] = std::isfinite(d) ? json::array({"double", d})
                                                : json::array({"double-bits", bits_hex(bits, 16)});
        } else if (t == OIIO::TypeString) {
            const std::string text = p.get_string(1 << 24);
            attributes[name] = is_utf8(text)
                                   ? json::array({"string", text})
                                   : json::array({"string-hex", to_hex(text.data(), text.size())});
        }
    }
    return attributes;
}

// Sets on `spec` every {"name": [type, value]} of `attributes` that `keep`
// accepts; "" when all were well formed, else what was wrong.
std::string set_attributes_json(const json& attributes, KeyFilter keep, OIIO::ImageSpec& spec)
{
    if (!attributes.is_object())
        return "no attributes";
    for (const auto& [name, value] : attributes.items()) {
        if (!keep(name) || !value.is_array() || value.size() != 2 || !value[0].is_string())
            return "attribute \"" + name + "\" is malformed";
        const std::string type = value[0].get<std::string>();
        const json& v = value[1];
        if (type == "int" && v.is_number_integer() && v.get<int64_t>() >= INT32_MIN &&
            v.get<int64_t>() <= INT32_MAX)
            spec.attribute(name, int(v.get<int64_t>()));
        else if (type == "float" && v.is_number())
            spec.attribute(name, float(v.get<double>()));
        else if (type == "double" && v.is_number()) {
            const double d = v.get<double>();
            spec.attribute(name, OIIO::TypeDesc::DOUBLE, &d);
        } else if (type == "string" && v.is_string()) {
            spec.attribute(name, v.get<std::string>());
        } else if (v.is_string() && (type == "float-bits" || type == "double-bits")) {
            const bool single = type == "float-bits";
            uint64_t bits = 0;
            if (!parse_bits(v.get<std::string>(), single ? 8 : 16, bits))
                return "attribute \"" + name + "\" is malformed";
            if (single) {
                const uint32_t b32 = uint32_t(bits);
                float f;
                std::memcpy(&f, &b32, 4);
                spec.attribute(name, f);
            } else {
                double d;
                std::memcpy(&d, &bits, 8);
                spec.attribute(name, OIIO::TypeDesc::DOUBLE, &d);
            }
        } else if (type == "string-hex" && v.is_string()) {
            std::string bytes;
            if (!from_hex(v.get<std::string>(), bytes))
                return "attribute \"" + name + "\" is malformed";
            spec.attribute(name, bytes);
        } else {
            return "attribute \"" + name + "\" is malformed";
        }
    }
    return {};
}

std::string dump(const json& j)
{
    return hide_oiio_hints(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string description_of(const OIIO::ImageSpec& state)
{
    json j;
    j[format::kTiffCheckpointMarker] = format::kTiffCheckpointVersion;
    j["note"] = "ckrender checkpoint of an unfinished bucket render: unrendered pixels are black "
                "with alpha 0; the exact state is the second page. Resume with ckrender -recover 1; "
                "ckstrip makes a plain TIFF";
    j["attributes"] = attributes_json(state, is_checkpoint_key);
    j["dataWindow"] = json::array({state.x, state.y, state.width, state.height});
    j["displayWindow"] =
        json::array({state.full_x, state.full_y, state.full_width, state.full_height});
    json channels = json::array();
    for (const std::string& c : state.channelnames)
        channels.push_back(c);
    j["stateChannels"] = std::move(channels);
    return dump(j);
}

// The state spec a description stands for: its windows, channels and ck:
// attributes, as an OpenEXR checkpoint's spec would hold them.
Result<OIIO::ImageSpec> spec_of(const std::string& description)
{
    auto bad = [](const std::string& why) {
        return Status{ErrorCode::Corrupt, "damaged checkpoint description (ImageDescription): " +
                                              why};
    };
    const json j = json::parse(description, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return bad("not a JSON object");
    const auto version = j.find(format::kTiffCheckpointMarker);
    if (version == j.end() || !version->is_number_integer())
        return bad(std::string("no \"") + format::kTiffCheckpointMarker + "\" version");
    if (version->get<int64_t>() > format::kTiffCheckpointVersion)
        return Status{ErrorCode::Unsupported,
                      "TIFF checkpoint layout version " + std::to_string(version->get<int64_t>()) +
                          " is newer than this ckrender reads (" +
                          std::to_string(format::kTiffCheckpointVersion) + ")"};
    auto window = [&](const char* key, int out[4]) {
        const auto w = j.find(key);
        if (w == j.end() || !w->is_array() || w->size() != 4)
            return false;
        for (size_t i = 0; i < 4; ++i) {
            if (!(*w)[i].is_number_integer())
                return false;
            const int64_t v = (*w)[i].get<int64_t>();
            if (v < -(int64_t(1) << 30) || v > (int64_t(1) << 30))
                return false;
            out[i] = int(v);
        }
        return true;
    };
    int data[4], display[4];
    if (!window("dataWindow", data) || !window("displayWindow", display))
        return bad("no valid dataWindow or displayWindow");
    const auto channels = j.find("stateChannels");
    // R, G, B[, A], their sums' words (4 each) and ~w: at most 21; the bound
    // only keeps a forged description from asking for a huge page.
    if (channels == j.end() || !channels->is_array() || channels->size() < 2 ||
        channels->size() > 64)
        return bad("no valid stateChannels");
    OIIO::ImageSpec spec(data[2], data[3], int(channels->size()), OIIO::TypeFloat);
    spec.x = data[0];
    spec.y = data[1];
    spec.full_x = display[0];
    spec.full_y = display[1];
    spec.full_width = display[2];
    spec.full_height = display[3];
    spec.channelnames.clear();
    spec.alpha_channel = -1;
    for (const json& c : *channels) {
        if (!c.is_string())
            return bad("a state channel name is not a string");
        spec.channelnames.push_back(c.get<std::string>());
    }
    const auto attributes = j.find("attributes");
    if (attributes == j.end())
        return bad("no attributes");
    if (const std::string why = set_attributes_json(*attributes, is_checkpoint_key, spec);
        !why.empty())
        return bad(why);
    return spec;
}

bool picture_type_ok(OIIO::TypeDesc t)
{
    return t == OIIO::TypeDesc::UINT8 || t == OIIO::TypeDesc::UINT16 || t == OIIO::TypeFloat;
}

}  // namespace

void move_provenance_to_description(OIIO::ImageSpec& spec)
{
    if (spec.find_attribute(format::kKeyProvenance) == nullptr)
        return;
    json j;
    j[format::kTiffFinalMarker] = format::kTiffFinalVersion;
    j["note"] = "ckrender final image; its provenance record (which render, scene and samples "
                "made it) lets ckrender -recover 1 skip a finished frame";
    j["attributes"] = attributes_json(spec, is_provenance_key);
    erase_description_keys(spec, is_provenance_key);
    spec.attribute("ImageDescription", dump(j));
}

bool lift_provenance_from_description(OIIO::ImageSpec& spec)
{
    const std::string prefix = std::string("{\"") + format::kTiffFinalMarker + "\":";
    const std::string text = spec.get_string_attribute("ImageDescription");
    if (text.compare(0, prefix.size(), prefix) != 0)
        return false;
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object() || !j.contains("attributes"))
        return false;
    OIIO::ImageSpec lifted = spec;
    if (!set_attributes_json(j["attributes"], is_provenance_key, lifted).empty())
        return false;
    spec = lifted;
    return true;
}

bool is_tiff_checkpoint_spec(const OIIO::ImageSpec& spec)
{
    const std::string prefix = std::string("{\"") + format::kTiffCheckpointMarker + "\":";
    const std::string text = spec.get_string_attribute("ImageDescription");
    return text.compare(0, prefix.size(), prefix) == 0;
}

std::vector<unsigned char> tiff_checkpoint_picture(const OIIO::ImageSpec& state_spec,
                                                   const float* state, OIIO::TypeDesc type)
{
    const size_t npixels = size_t(state_spec.image_pixels());
    const size_t nch = size_t(state_spec.nchannels);
    const int r = state_spec.channelindex("R"), g = state_spec.channelindex("G"),
              b = state_spec.channelindex("B"), a = state_spec.channelindex("A"),
              w = state_spec.channelindex(format::kWeightChannel);
    std::vector<float> rgba(npixels * 4, 0.0f);
    for (size_t p = 0; p < npixels; ++p) {
        const float* s = state + p * nch;
        float* d = &rgba[p * 4];
        d[0] = r >= 0 ? s[r] : 0.0f;
        d[1] = g >= 0 ? s[g] : 0.0f;
        d[2] = b >= 0 ? s[b] : 0.0f;
        d[3] = a >= 0 ? s[a] : (w >= 0 && s[w] > 0.0f ? 1.0f : 0.0f);
    }
    std::vector<unsigned char> out(rgba.size() * type.size());
    OIIO::convert_pixel_values(OIIO::TypeFloat, rgba.data(), type, out.data(), int(rgba.size()));
    return out;
}

bool write_tiff_checkpoint(OIIO::ImageOutput& out, const std::string& name,
                           const ImageWrite& image, std::string& error)
{
    const OIIO::ImageSpec& state = image.spec;
    const OIIO::TypeDesc type = picture_type_ok(state.format) ? state.format : OIIO::TypeFloat;
    const std::string compression =
        checkpoint_compression(state.get_string_attribute("compression"));

    OIIO::ImageSpec picture(state.width, state.height, 4, type);
    picture.x = state.x;
    picture.y = state.y;
    picture.full_x = state.full_x;
    picture.full_y = state.full_y;
    picture.full_width = state.full_width;
    picture.full_height = state.full_height;
    picture.channelnames = {"R", "G", "B", "A"};
    picture.alpha_channel = 3;
    for (const OIIO::ParamValue& p : state.extra_attribs)
        if (!is_checkpoint_key(p.name().string()))
            picture.attribute(p.name().string(), p.type(), p.data());
    picture.attribute("compression", compression);
    picture.attribute("tiff:write_exif", 0);
    picture.attribute("ImageDescription", description_of(state));

    OIIO::ImageSpec page(state.width, state.height, state.nchannels, OIIO::TypeFloat);
    page.x = state.x;
    page.y = state.y;
    page.full_x = state.full_x;
    page.full_y = state.full_y;
    page.full_width = state.full_width;
    page.full_height = state.full_height;
    page.channelnames = state.channelnames;
    page.alpha_channel = -1;
    page.attribute("compression", compression);
    page.attribute("tiff:write_exif", 0);
    page.attribute("ImageDescription", format::kTiffStatePageMarker);
    if (const std::string software = state.get_string_attribute(format::kSoftwareAttr);
        !software.empty())
        page.attribute(format::kSoftwareAttr, software);

    const std::vector<unsigned char> pixels =
        tiff_checkpoint_picture(state, image.pixels, type);
    OIIO::ImageSpec specs[2] = {picture, page};
    const bool good = out.open(name, 2, specs) && out.write_image(type, pixels.data()) &&
                      out.open(name, page, OIIO::ImageOutput::AppendSubimage) &&
                      out.write_image(OIIO::TypeFloat, image.pixels) && out.close();
    if (!good)
        error = out.geterror();
    return good;
}

Result<CheckpointImage> read_tiff_checkpoint(const std::string& path,
                                             const std::vector<std::string>& channel_names)
{
    auto fail = [&](ErrorCode code, const std::string& why) {
        return Status{code, path + ": " + why};
    };
    try {
        // Every directory, strip and tile inside the file, before a decoder
        // sees it: a truncated TIFF otherwise reads as zeros with success.
        auto structure = check_image_structure(path, 0);
        if (!structure)
            return fail(structure.status().code() == ErrorCode::Unsupported ? ErrorCode::Corrupt
                                                                            : structure.status().code(),
                        structure.status().message());
        auto opened = open_image(path, ImageFormat::Tiff);
        if (!opened)
            return fail(opened.status().code(), opened.status().message());
        OIIO::ImageInput& in = *opened.value();
        const OIIO::ImageSpec picture = in.spec(0, 0);
        const OIIO::ImageSpec page = in.spec(1, 0);
        const bool has_state_page =
            !page.undefined() &&
            page.get_string_attribute("ImageDescription") == format::kTiffStatePageMarker;
        if (!is_tiff_checkpoint_spec(picture)) {
            if (has_state_page)
                return fail(ErrorCode::Corrupt,
                            "damaged checkpoint: it has ckrender's state page but its first page "
                            "lost the checkpoint description (rewritten by another program?)");
            return fail(ErrorCode::NotFound, "not a checkpoint (a plain TIFF)");
        }
        auto lifted = spec_of(picture.get_string_attribute("ImageDescription"));
        if (!lifted)
            return fail(lifted.status().code(), lifted.status().message());
        OIIO::ImageSpec spec = lifted.value();
        if (!has_state_page)
            return fail(ErrorCode::Corrupt,
                        "damaged checkpoint: the state page (the second page) is missing or not "
                        "ckrender's (rewritten by another program?)");
        if (!in.spec(2, 0).undefined())
            return fail(ErrorCode::Corrupt,
                        "damaged checkpoint: more than two pages (rewritten by another program?)");
        auto same_window = [&](const OIIO::ImageSpec& s) {
            return s.width == spec.width && s.height == spec.height && s.x == spec.x &&
                   s.y == spec.y;
        };
        if (!same_window(picture) || picture.nchannels != 4 || !picture_type_ok(picture.format))
            return fail(ErrorCode::Corrupt, "damaged checkpoint: the picture page is not the "
                                            "4-channel image of the data window its description "
                                            "names (edited by another program?)");
        if (!same_window(page) || page.nchannels != spec.nchannels ||
            page.format != OIIO::TypeFloat)
            return fail(ErrorCode::Corrupt,
                        "damaged checkpoint: the state page is not " +
                            std::to_string(spec.nchannels) +
                            " float32 channels over the data window (edited by another program?)");

        auto header = get_checkpoint_attributes(spec);
        if (!header && header.status().code() == ErrorCode::NotFound)
            return fail(ErrorCode::Corrupt, std::string("damaged checkpoint: no ") +
                                                format::kKeyState + " in its description");
        if (!header)
            return fail(header.status().code(), header.status().message());

        const size_t npixels = size_t(spec.image_pixels());
        std::vector<float> all(npixels * size_t(spec.nchannels));
        (void)in.geterror();
        if (!in.read_image(1, 0, 0, spec.nchannels, OIIO::TypeFloat, all.data()) ||
            in.has_error())
            return fail(ErrorCode::Corrupt, "cannot read the state page: " + in.geterror());
        if (state_hash(spec, all.data()) != header->state_hash)
            return fail(ErrorCode::Corrupt, "pixel state does not match ck:stateHash "
                                            "(damaged or altered)");
        std::vector<unsigned char> shown(npixels * 4 * picture.format.size());
        if (!in.read_image(0, 0, 0, 4, picture.format, shown.data()) || in.has_error())
            return fail(ErrorCode::Corrupt, "cannot read the picture page: " + in.geterror());
        in.close();
        if (shown != tiff_checkpoint_picture(spec, all.data(), picture.format))
            return fail(ErrorCode::Corrupt,
                        "the picture page does not match the state page (edited by another "
                        "program?)");
        return detail::select_checkpoint_channels(path, spec, header.value(), all, channel_names);
    } catch (const std::bad_alloc&) {
        return fail(ErrorCode::Corrupt, "too large to read (out of memory)");
    } catch (const std::exception& e) {
        return fail(ErrorCode::Corrupt, e.what());
    }
}

}  // namespace ck
