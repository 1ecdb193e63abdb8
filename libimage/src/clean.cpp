// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/clean.h>

#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>
#include <ck/commit.h>
#include <ck/output_lock.h>
#include <ck/recovery.h>
#include <ck/tiff_checkpoint.h>

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>

#include <sys/stat.h>
#include <unistd.h>

namespace ck {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDdcSuffix = ".ddc";
constexpr int kMaxDepth = 64;  // recursion guard (bind mounts can loop without symlinks)

bool ends_with_nocase(const std::string& name, const std::string& suffix)
{
    if (name.size() < suffix.size())
        return false;
    return std::equal(suffix.rbegin(), suffix.rend(), name.rbegin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

bool ends_with(const std::string& name, const std::string& suffix)
{
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

enum class Magic { None, OpenExr, Tiff };

// The first bytes of a file: what ckrender writes starts with one of these.
Magic file_magic(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    unsigned char m[4] = {0, 0, 0, 0};
    in.read(reinterpret_cast<char*>(m), 4);
    if (in.gcount() != 4)
        return Magic::None;
    if (m[0] == 0x76 && m[1] == 0x2f && m[2] == 0x31 && m[3] == 0x01)
        return Magic::OpenExr;
    const bool ii = m[0] == 'I' && m[1] == 'I' && (m[2] == 42 || m[2] == 43) && m[3] == 0;
    const bool mm = m[0] == 'M' && m[1] == 'M' && m[2] == 0 && (m[3] == 42 || m[3] == 43);
    return ii || mm ? Magic::Tiff : Magic::None;
}

// lstat without following links: regular file, its size and its age.
struct FileStat {
    bool exists = false;
    bool regular = false;
    uint64_t size = 0;
    double age_seconds = 0;
};

FileStat stat_file(const std::string& path)
{
    FileStat st;
    struct stat sb = {};
    if (::lstat(path.c_str(), &sb) != 0)
        return st;
    st.exists = true;
    st.regular = S_ISREG(sb.st_mode);
    st.size = uint64_t(sb.st_size);
    st.age_seconds = std::max(0.0, std::difftime(std::time(nullptr), sb.st_mtime));
    return st;
}

// What an output image is, as far as the .ddc rule cares.
enum class OutputState { Final, Checkpoint, Unreadable };

OutputState output_state(const std::string& path)
{
    const Magic magic = file_magic(path);
    if (magic != Magic::OpenExr && magic != Magic::Tiff)
        return OutputState::Unreadable;
    try {
        // Header only, through the reader the magic names whatever the name says.
        auto in = OIIO::ImageInput::create(magic == Magic::Tiff ? format::kTiffFormat
                                                                : format::kOpenExrFormat);
        OIIO::ImageSpec spec;
        if (!in || !in->open(path, spec))
            return OutputState::Unreadable;
        // A bucket render's TIFF checkpoint says so in its description.
        return has_checkpoint_state(spec) || is_tiff_checkpoint_spec(spec)
                   ? OutputState::Checkpoint
                   : OutputState::Final;
    } catch (const std::exception&) {
        return OutputState::Unreadable;
    }
}

std::string join(const std::string& dir, const std::string& name)
{
    return (fs::path(dir) / name).string();
}

// NAME.part of a multi-display checkpoint that is complete and newer than the
// committed NAME: check_recovery() may roll it forward (B2), so it stays.
// NAME.part that is a complete final image while NAME is still a checkpoint
// of a multi-display set: the final write was killed between its renames, and
// -recover 1 renames this final into place (B2), so it stays.
std::string final_roll_forward_keep(const std::string& part, const std::string& output)
{
    auto committed = read_checkpoint(output, {format::kWeightChannel});
    if (!committed || committed->header.display_count < 2)
        return {};
    if (!read_complete_final(part))
        return {};
    return "the finished image of a final write killed between its renames (its output is "
           "still a checkpoint): recovery renames it into place; run ckrender -recover 1 "
           "first";
}

std::string roll_forward_keep(const std::string& part, const std::string& output)
{
    auto image = read_checkpoint(part, {format::kWeightChannel});
    if (!image && image.status().code() == ErrorCode::NotFound)
        return final_roll_forward_keep(part, output);
    if (!image || image->header.display_count < 2)
        return {};
    const CheckpointHeader& p = image->header;
    if (file_magic(output) == Magic::Tiff) {
        // A TIFF checkpoint's header is in its description: read it whole.
        auto committed = read_checkpoint(output, {});
        if (committed && (committed->header.render_id != p.render_id ||
                          committed->header.generation >= p.generation))
            return {};
        if (!committed && committed.status().code() == ErrorCode::NotFound)
            return {};  // the output is a final: the render finished after this part
    }
    try {
        auto in = OIIO::ImageInput::create(format::kOpenExrFormat);
        OIIO::ImageSpec spec;
        if (in && file_magic(output) == Magic::OpenExr && in->open(output, spec)) {
            auto committed = get_checkpoint_attributes(spec);
            if (committed &&
                (committed->render_id != p.render_id || committed->generation >= p.generation))
                return {};
            if (!committed && committed.status().code() == ErrorCode::NotFound)
                return {};  // the output is a final: the render finished after this part
        }
    } catch (const std::exception&) {
    }
    return "a complete checkpoint (generation " + std::to_string(p.generation) + " of a " +
           std::to_string(p.display_count) +
           "-display set) newer than its output: recovery may need it to complete an "
           "interrupted commit; run ckrender -recover 1 first";
}

class Scanner {
public:
    Scanner(const CleanScanOptions& options, CleanScan& scan) : m_options(options), m_scan(scan) {}

    void scan_dir(const std::string& dir, int depth)
    {
        std::error_code ec;
        fs::directory_iterator it(dir, fs::directory_options::none, ec);
        if (ec) {
            m_scan.problems.push_back(dir + ": cannot list: " + ec.message());
            return;
        }
        std::vector<std::string> files, subdirs;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            const fs::file_status st = it->symlink_status(ec);
            if (ec)
                continue;
            const std::string name = it->path().filename().string();
            if (fs::is_regular_file(st))
                files.push_back(name);
            else if (fs::is_directory(st))
                subdirs.push_back(name);
            // Symbolic links and special files are never looked at.
        }
        if (ec)
            m_scan.problems.push_back(dir + ": cannot list: " + ec.message());
        std::sort(files.begin(), files.end());
        std::sort(subdirs.begin(), subdirs.end());

        for (const std::string& name : files) {
            if (ends_with(name, format::kPartSuffix))
                examine_part(dir, name);
            else if (ends_with_nocase(name, kDdcSuffix))
                examine_ddc(dir, name, files);
        }
        if (!m_options.recursive)
            return;
        if (depth >= kMaxDepth) {
            m_scan.problems.push_back(dir + ": directories nested too deep; not descending");
            return;
        }
        for (const std::string& name : subdirs)
            scan_dir(join(dir, name), depth + 1);
    }

private:
    // Fills size, age and the reasons to keep a file shared by both kinds.
    bool fill(CleanCandidate& c)
    {
        const FileStat st = stat_file(c.path);
        if (!st.exists || !st.regular)
            return false;
        c.size = st.size;
        c.age_seconds = st.age_seconds;
        for (const std::string& output : c.outputs)
            if (output_in_use(output)) {
                c.keep = "a live ckrender is rendering " + output;
                return true;
            }
        if (m_options.min_age_seconds > 0 && c.age_seconds < m_options.min_age_seconds)
            c.keep = "younger than " + m_options.min_age_text;
        return true;
    }

    void examine_part(const std::string& dir, const std::string& name)
    {
        const std::string final_name =
            name.substr(0, name.size() - std::strlen(format::kPartSuffix));
        if (final_name.empty())
            return;
        CleanCandidate c;
        c.path = join(dir, name);
        c.kind = CleanKind::OrphanedPart;

        // A tool's temporary file (ckstrip: OUT.ckstrip-PID-RANDOM.part) belongs
        // to OUT, not to a file called OUT.ckstrip-PID-RANDOM.
        if (const std::string output = tool_temp_output(name); !output.empty()) {
            examine_tool_temp(dir, name, output, c);
            return;
        }

        // Ours only when the content (or, for an empty file, the name) says so.
        const bool ddc = ends_with_nocase(final_name, kDdcSuffix);
        const Magic magic = file_magic(c.path);
        const FileStat st = stat_file(c.path);
        const bool image_name = ends_with_nocase(final_name, ".exr") ||
                                ends_with_nocase(final_name, ".tif") ||
                                ends_with_nocase(final_name, ".tiff");
        if (!ddc && magic == Magic::None && !(st.size == 0 && image_name))
            return;

        if (ddc) {
            c.outputs = ddc_outputs(dir, final_name.substr(0, final_name.size() - 4), {});
        } else {
            c.outputs = {join(dir, final_name)};
        }
        if (!fill(c))
            return;
        const bool committed = stat_file(join(dir, final_name)).regular;
        c.reason = committed ? "a writer died while writing a checkpoint; the committed " +
                                   final_name + " is intact"
                             : "a writer died while writing the first checkpoint of " + final_name;
        // OpenEXR checkpoints, and a bucket render's TIFF checkpoints (S2).
        if (c.keep.empty() && (magic == Magic::OpenExr || magic == Magic::Tiff))
            c.keep = roll_forward_keep(c.path, join(dir, final_name));
        m_scan.candidates.push_back(std::move(c));
    }

    // OUT.TOOL-PID-RANDOM.part: orphaned once nobody holds OUT's lock (the tool
    // holds it while it writes) and the process that made it is gone.
    void examine_tool_temp(const std::string& dir, const std::string& name,
                           const std::string& output, CleanCandidate& c)
    {
        const std::string rest = name.substr(output.size() + 1);  // TOOL-PID-RANDOM.part
        const std::string tool = rest.substr(0, rest.find('-'));
        const long pid = std::strtol(rest.c_str() + tool.size() + 1, nullptr, 10);
        const FileStat st = stat_file(c.path);
        if (file_magic(c.path) == Magic::None && st.size != 0)
            return;  // not an image of ours: someone else's file
        c.outputs = {join(dir, output)};
        if (!fill(c))
            return;
        if (c.keep.empty() && pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM))
            c.keep = "its " + tool + " (process " + std::to_string(pid) + ") is still running";
        const bool committed = stat_file(join(dir, output)).regular;
        c.reason = "a " + tool + " write that never finished (the process died)" +
                   (committed ? "; " + output + " is intact" : "");
        m_scan.candidates.push_back(std::move(c));
    }

    // The outputs of STEM.ddc: STEM.exr, and STEM or STEM.EXT images beside it.
    static std::vector<std::string> ddc_outputs(const std::string& dir, const std::string& stem,
                                                const std::vector<std::string>& files)
    {
        std::vector<std::string> outputs = {join(dir, stem + ".exr")};
        for (const std::string& f : files) {
            if (ends_with(f, format::kPartSuffix) || ends_with_nocase(f, kDdcSuffix))
                continue;
            const bool same_stem =
                f == stem ||
                (f.size() > stem.size() + 1 && f.compare(0, stem.size(), stem) == 0 &&
                 f[stem.size()] == '.' && f.find('.', stem.size() + 1) == std::string::npos);
            if (same_stem && join(dir, f) != outputs[0])
                outputs.push_back(join(dir, f));
        }
        return outputs;
    }

    void examine_ddc(const std::string& dir, const std::string& name,
                     const std::vector<std::string>& files)
    {
        CleanCandidate c;
        c.path = join(dir, name);
        c.kind = CleanKind::StaleDdc;
        const std::string stem = name.substr(0, name.size() - 4);
        c.outputs = ddc_outputs(dir, stem, files);
        if (!fill(c))
            return;

        // Stale only when no output beside it still needs it.
        std::string final_name;
        for (const std::string& output : c.outputs) {
            const FileStat st = stat_file(output);
            if (!st.exists)
                continue;
            if (!st.regular)
                return;  // a link or a directory of that name: not ours to judge
            const Magic magic = file_magic(output);
            if (magic == Magic::None && output != c.outputs[0])
                continue;  // not an image (a log file of the same stem)
            switch (output_state(output)) {
                case OutputState::Final:
                    if (final_name.empty())
                        final_name = fs::path(output).filename().string();
                    break;
                case OutputState::Checkpoint:
                    return;  // recovery needs the .ddc
                case OutputState::Unreadable:
                    m_scan.problems.push_back(c.path + ": kept: " + output +
                                              " cannot be read, so whether the render finished "
                                              "is unknown");
                    return;
            }
        }
        c.reason = "no output beside it (" + fs::path(c.outputs[0]).filename().string() +
                   " missing): nothing can resume from it";
        if (!final_name.empty())
            c.reason = "the render finished (" + final_name +
                       " is a final image); deep-data checkpoints are not deleted at a normal "
                       "finish";
        m_scan.candidates.push_back(std::move(c));
    }

    const CleanScanOptions& m_options;
    CleanScan& m_scan;
};

}  // namespace

const char* clean_kind_name(CleanKind kind)
{
    switch (kind) {
        case CleanKind::OrphanedPart:
            return "orphaned-part";
        case CleanKind::StaleDdc:
            return "stale-ddc";
    }
    return "unknown";
}

Result<CleanScan> scan_for_cleanup(const std::string& dir, const CleanScanOptions& options)
{
    std::error_code ec;
    const fs::file_status st = fs::status(dir, ec);  // the argument itself may be a link
    if (ec || !fs::exists(st)) {
        if (ec && ec != std::errc::no_such_file_or_directory)
            return Status{ErrorCode::Io, dir + ": " + ec.message()};
        return Status{ErrorCode::NotFound, dir + ": no such directory"};
    }
    if (!fs::is_directory(st))
        return Status{ErrorCode::InvalidArgument, dir + ": not a directory"};
    if (::access(dir.c_str(), R_OK | X_OK) != 0)
        return Status{ErrorCode::Io, dir + ": cannot list: " + std::strerror(errno)};

    CleanScan scan;
    try {
        Scanner(options, scan).scan_dir(dir, 0);
    } catch (const std::bad_alloc&) {
        return Status{ErrorCode::Internal, dir + ": out of memory while scanning"};
    } catch (const std::exception& e) {
        return Status{ErrorCode::Io, dir + ": " + e.what()};
    }
    std::sort(scan.candidates.begin(), scan.candidates.end(),
              [](const CleanCandidate& a, const CleanCandidate& b) { return a.path < b.path; });
    return scan;
}

Status remove_cleanup_candidate(const CleanCandidate& candidate)
{
    const FileStat st = stat_file(candidate.path);
    if (!st.exists)
        return Status{ErrorCode::NotFound, candidate.path + ": already gone"};
    if (!st.regular)
        return Status{ErrorCode::InvalidArgument,
                      candidate.path + ": no longer a regular file; left alone"};

    // Hold the outputs' locks during the unlink where ckrender has made a lock
    // file, so no render can start on them meanwhile; never create one.
    std::vector<std::string> lockable;
    for (const std::string& output : candidate.outputs) {
        const fs::path dir = fs::path(output).parent_path();
        std::error_code ec;
        if (fs::exists((dir.empty() ? fs::path(".") : dir) / kLockFileName, ec))
            lockable.push_back(output);
    }
    OutputLock lock;
    bool locked = false;
    if (!lockable.empty()) {
        auto acquired = OutputLock::acquire(lockable);
        if (acquired) {
            lock = std::move(acquired.value());
            locked = true;
        } else if (acquired.status().code() == ErrorCode::InvalidArgument) {
            return Status{ErrorCode::InvalidArgument,
                          candidate.path + ": left alone: " + acquired.status().message()};
        }
    }
    // The rest (no lock file, or one we may not open for writing) by looking.
    // Our own lock would show up here as "in use", so the locked ones are skipped.
    for (const std::string& output : candidate.outputs)
        if (!(locked && std::find(lockable.begin(), lockable.end(), output) != lockable.end()) &&
            output_in_use(output))
            return Status{ErrorCode::InvalidArgument,
                          candidate.path + ": left alone: a live ckrender is rendering " + output};

    if (::unlink(candidate.path.c_str()) != 0) {
        const int err = errno;
        if (err == ENOENT)
            return Status{ErrorCode::NotFound, candidate.path + ": already gone"};
        return Status{ErrorCode::Io, candidate.path + ": cannot remove: " + std::strerror(err)};
    }
    return {};
}

}  // namespace ck
