// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/file_report.h>

#include <ck/tool/diagnostics.h>
#include <ck/tool/file_type.h>
#include <ck/tool/json.h>

#include <exception>
#include <new>

namespace ck::tool {

namespace {

void put_u64(std::string& out, uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out += char((v >> (8 * i)) & 0xff);
}

void put_str(std::string& out, const std::string& s)
{
    put_u64(out, s.size());
    out += s;
}

class Reader {
public:
    explicit Reader(const std::string& bytes) : m_bytes(bytes) {}

    bool u64(uint64_t& v)
    {
        if (m_bytes.size() - m_pos < 8)
            return false;
        v = 0;
        for (int i = 0; i < 8; ++i)
            v |= uint64_t(static_cast<unsigned char>(m_bytes[m_pos + size_t(i)])) << (8 * i);
        m_pos += 8;
        return true;
    }
    bool str(std::string& s)
    {
        uint64_t n = 0;
        if (!u64(n) || n > m_bytes.size() - m_pos)
            return false;
        s.assign(m_bytes, m_pos, size_t(n));
        m_pos += size_t(n);
        return true;
    }
    bool list(std::vector<std::string>& v)
    {
        uint64_t n = 0;
        if (!u64(n) || n > m_bytes.size())
            return false;
        v.resize(size_t(n));
        for (std::string& s : v)
            if (!str(s))
                return false;
        return true;
    }
    bool done() const { return m_pos == m_bytes.size(); }

private:
    const std::string& m_bytes;
    size_t m_pos = 0;
};

constexpr uint64_t kMagic = 0x31726f7065526b63ull;  // "ckReport1"

}  // namespace

void FileReport::fail(ExitCode c, const std::string& problem)
{
    code = worst(code, c);
    errors.push_back(problem);
}

std::string serialize(const FileReport& r)
{
    std::string out;
    put_u64(out, kMagic);
    put_str(out, r.file);
    put_u64(out, uint64_t(to_int(r.code)));
    put_str(out, r.text);
    put_str(out, r.json);
    for (const auto* list : {&r.errors, &r.warnings, &r.notes}) {
        put_u64(out, list->size());
        for (const std::string& s : *list)
            put_str(out, s);
    }
    return out;
}

bool deserialize(const std::string& bytes, FileReport& r)
{
    Reader in(bytes);
    uint64_t magic = 0, code = 0;
    if (!in.u64(magic) || magic != kMagic || !in.str(r.file) || !in.u64(code) || code > 3 ||
        !in.str(r.text) || !in.str(r.json) || !in.list(r.errors) || !in.list(r.warnings) ||
        !in.list(r.notes) || !in.done())
        return false;
    r.code = static_cast<ExitCode>(code);
    return true;
}

FileReport run_file_isolated(const std::string& file, const std::function<FileReport()>& work,
                             const Limits& limits)
{
    const IsolatedResult run = run_isolated([&] { return serialize(work()); }, limits);

    FileReport report;
    if (!run.ok() || !deserialize(run.payload, report)) {
        report = FileReport{};
        report.file = file;
        const std::string why =
            run.ok() ? "internal error: the inspection sent back an unreadable report"
            : run.outcome == IsolatedResult::Outcome::Crashed ? "damaged: " + run.why
                                                              : run.why;
        report.fail(run.ok() ? ExitCode::IoError : ExitCode::CheckFailed, why);
        Json j;
        j["file"] = file;
        j["format"] = file_type_name(sniff_file(file).type);
        j["ok"] = false;
        report.json = json_text(j);
    }
    report.seconds = run.seconds;
    report.peak_rss_kib = run.peak_rss_kib;
    return report;
}

Json file_json(const FileReport& report)
{
    Json j = json_parse(report.json);
    if (!j.is_object()) {
        j = Json::object();
        j["file"] = report.file;
        j["format"] = file_type_name(sniff_file(report.file).type);
    }
    if (!j.contains("ok"))
        j["ok"] = report.code == ExitCode::Ok;
    j["exit_code"] = to_int(report.code);
    j["seconds"] = report.seconds;
    j["peak_memory_kib"] = report.peak_rss_kib;
    j["errors"] = report.errors;
    j["warnings"] = report.warnings;
    j["notes"] = report.notes;
    return j;
}

void print_file_report(const std::string& tool, const FileReport& report, bool quiet, bool json)
{
    if (!quiet && !json && !report.text.empty())
        print_out(report.text);
    for (const std::string& e : report.errors)
        print_error(tool, report.file, e);
    for (const std::string& w : report.warnings)
        print_warning(tool, report.file, w);
    if (!quiet)
        for (const std::string& n : report.notes)
            print_note(tool, report.file, n);
}

}  // namespace ck::tool
