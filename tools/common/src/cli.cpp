// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include <ck/tool/cli.h>

#include <ck/tool/diagnostics.h>

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace ck::tool {

std::string version_string(const std::string& tool)
{
    return tool + " " + CK_VERSION;
}

void setup_app(CLI::App& app, const std::string& tool)
{
    app.set_version_flag("--version", version_string(tool), "Print the version and exit");
    app.footer(exit_code_help());
}

void add_common_flags(CLI::App& app, CommonOptions& options)
{
    app.add_flag("-v,--verbose", options.verbose, "More detail (repeat for even more)");
    app.add_flag("-q,--quiet", options.quiet, "Print only errors and warnings");
    app.add_flag("--json", options.json, "Machine-readable output (one JSON object) on stdout");
}

void add_isolation_options(CLI::App& app, Limits& limits)
{
    app.add_option("--timeout", limits.timeout_seconds,
                   "Seconds allowed per file before it is reported as damaged (0: no limit)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber)
        ->type_name("SECONDS");
    const std::string default_memory = format_bytes(limits.max_memory_bytes);
    app.add_option_function<std::string>(
           "--max-memory",
           [&limits](const std::string& text) { parse_bytes(text, limits.max_memory_bytes); },
           "Memory cap per file, e.g. 2G or 512M (0: no cap); a file needing more is "
           "reported as damaged [default: " +
               default_memory + "]")
        ->check(CLI::Validator(
            [](std::string& text) {
                uint64_t bytes = 0;
                return parse_bytes(text, bytes)
                           ? std::string()
                           : "not a size (use e.g. 2G, 512M, 4096K or bytes): " + text;
            },
            "SIZE"))
        ->type_name("SIZE");
}

std::optional<ExitCode> parse_command_line(CLI::App& app, const std::string& tool, int argc,
                                           char** argv)
{
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        app.exit(e);  // prints the help on stdout
        return ExitCode::Ok;
    } catch (const CLI::CallForAllHelp& e) {
        app.exit(e);
        return ExitCode::Ok;
    } catch (const CLI::CallForVersion& e) {
        app.exit(e);
        return ExitCode::Ok;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            app.exit(e);
            return ExitCode::Ok;
        }
        print_error(tool, "", e.what());
        std::fprintf(stderr, "Run '%s --help' for the options and exit codes.\n", tool.c_str());
        return ExitCode::Usage;
    }
    return std::nullopt;
}

void init_image_library()
{
    // Debian's OIIO is built without NDEBUG and prints "OIIO DEBUG" lines.
    OIIO::attribute("debug", 0);
    // One file at a time needs few threads, and each thread reserves stack and
    // malloc-arena address space that would count against --max-memory. Only
    // stored here; OpenEXR applies it when a reader is created (in the child).
    const int threads = int(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    OIIO::attribute("exr_threads", threads);
}

}  // namespace ck::tool
