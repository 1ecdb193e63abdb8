// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Checkpoint settings: ini, RIB and command line with their precedence (S13),
// sequences (S15), the schedule (S5, S10), and the post-checkpoint command's
// splitting and substitutions (S25, S26).
#include "session/checkpoint_config.h"
#include "session/post_command.h"
#include "session/schedule.h"

#include "../../support/temp_dir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace {

using namespace ck::render;

ck::scene::Param string_param(const std::string& name, std::vector<std::string> values,
                              int line = 7)
{
    ck::scene::Param p;
    p.name = name;
    p.type = ck::scene::ParamType::String;
    p.array_size = int(values.size());
    p.strings = std::move(values);
    p.loc = {"scene.rib", line, 9};
    return p;
}

ck::scene::Param int_param(const std::string& name, std::vector<int> values, int line = 8)
{
    ck::scene::Param p;
    p.name = name;
    p.type = ck::scene::ParamType::Int;
    p.array_size = int(values.size());
    p.ints = std::move(values);
    p.loc = {"scene.rib", line, 3};
    return p;
}

TEST(Ini, ParsesBothPrefixesAndIgnoresOtherSettings)
{
    auto ini = parse_ini("# comment\n/ckrender/checkpoint/interval 1i 10m 1h\n"
                         "/prman/checkpoint/exitat 30m\n/prman/searchpath/shader @\n\n"
                         "  /ckrender/checkpoint/asfinal yes  \n",
                         "ck.ini");
    ASSERT_TRUE(ini.is_ok()) << ini.status().message();
    EXPECT_EQ(ini->checkpoint.at("interval").value, "1i 10m 1h");
    EXPECT_EQ(ini->checkpoint.at("exitat").value, "30m");
    EXPECT_EQ(ini->checkpoint.at("exitat").where, "ck.ini:3");
    EXPECT_EQ(ini->checkpoint.at("asfinal").value, "yes");
    EXPECT_EQ(ini->checkpoint.count("searchpath"), 0u);
}

TEST(Ini, UnknownKeyNamesFileAndLine)
{
    auto ini = parse_ini("\n/ckrender/checkpoint/intervall 10m\n", "ck.ini");
    ASSERT_FALSE(ini.is_ok());
    EXPECT_NE(ini.status().message().find("ck.ini:2"), std::string::npos);
    EXPECT_FALSE(parse_ini("/ckrender/checkpoint/interval\n", "x").is_ok());
}

TEST(Ini, TrailingCommentIsAComment)
{
    // S13: ini lines. A '#' that starts a word outside quotes starts a comment.
    auto ini = parse_ini("/ckrender/checkpoint/interval 10m # every ten minutes\n"
                         "/ckrender/checkpoint/asfinal 1\t# keep it resumable\n"
                         "/ckrender/checkpoint/command sh -c 'echo \"# $0\"' a#b # note\n"
                         "/ckrender/checkpoint/exitat 5m#not a comment\n",
                         "ck.ini");
    ASSERT_FALSE(ini.is_ok()) << "5m#not is not a time";
    EXPECT_NE(ini.status().message().find("ck.ini:4"), std::string::npos)
        << ini.status().message();

    ini = parse_ini("/ckrender/checkpoint/interval 10m # every ten minutes\n"
                    "/ckrender/checkpoint/asfinal 1\t# keep it resumable\n"
                    "/ckrender/checkpoint/command sh -c 'echo \"# $0\"' a#b # note\n",
                    "ck.ini");
    ASSERT_TRUE(ini.is_ok()) << ini.status().message();
    EXPECT_EQ(ini->checkpoint.at("interval").value, "10m");
    EXPECT_EQ(ini->checkpoint.at("asfinal").value, "1");
    EXPECT_EQ(ini->checkpoint.at("command").value, "sh -c 'echo \"# $0\"' a#b");
    auto c = resolve_checkpoint_config(ini.value(), {}, {});
    ASSERT_TRUE(c.is_ok()) << c.status().message();
    EXPECT_DOUBLE_EQ(c->interval.at(0).seconds, 600);
    EXPECT_TRUE(c->asfinal);
}

TEST(Ini, BadValueNamesFileAndLine)
{
    // docs/cli.md: a bad ini value is a usage error naming file:line, found when
    // the file is read (before any scene is loaded).
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/ckrender/checkpoint/interval 10x", "\"10x\""},
        {"/prman/checkpoint/exitat 5m-3s", "exitat"},
        {"/ckrender/checkpoint/asfinal maybe", "asfinal"},
        {"/ckrender/checkpoint/allowcommand sure", "allowcommand"},
        {"/ckrender/checkpoint/commandtimeout 10i", "commandtimeout"},
        {"/ckrender/checkpoint/command echo 'open", "command"},
    };
    for (const auto& [line, named] : cases) {
        SCOPED_TRACE(line);
        auto ini = parse_ini("# settings\n" + line + "\n", "ck.ini");
        ASSERT_FALSE(ini.is_ok());
        EXPECT_EQ(ini.status().code(), ck::ErrorCode::InvalidArgument);
        EXPECT_EQ(ini.status().message().rfind("ck.ini:2: ", 0), 0u) << ini.status().message();
        EXPECT_NE(ini.status().message().find(named), std::string::npos)
            << ini.status().message();
    }
}

TEST(CheckpointConfig, CommandTimeoutDefaultIniAndRib)
{
    // S25's command gets a time limit: 300 s unless commandtimeout says otherwise.
    EXPECT_DOUBLE_EQ(resolve_checkpoint_config({}, {}, {}).value().command_timeout, 300.0);
    EXPECT_DOUBLE_EQ(kDefaultCommandTimeoutSeconds, 300.0);

    auto ini = parse_ini("/prman/checkpoint/commandtimeout 1m30s\n", "ck.ini");
    ASSERT_TRUE(ini.is_ok()) << ini.status().message();
    EXPECT_DOUBLE_EQ(resolve_checkpoint_config(ini.value(), {}, {}).value().command_timeout, 90.0);

    ck::scene::OptionMap rib;
    rib["checkpoint"] = {string_param("commandtimeout", {"0.5s"})};
    EXPECT_DOUBLE_EQ(resolve_checkpoint_config(ini.value(), rib, {}).value().command_timeout, 0.5)
        << "the RIB comes after the ini";
    rib["checkpoint"] = {int_param("commandtimeout", {20})};
    EXPECT_DOUBLE_EQ(resolve_checkpoint_config({}, rib, {}).value().command_timeout, 20.0)
        << "a bare number is seconds (S6)";

    rib["checkpoint"] = {string_param("commandtimeout", {"3i"}, 14)};
    auto r = resolve_checkpoint_config({}, rib, {});
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("scene.rib:14:9: commandtimeout"), std::string::npos)
        << r.status().message();
    rib["checkpoint"] = {string_param("commandtimeout", {"soon"})};
    EXPECT_FALSE(resolve_checkpoint_config({}, rib, {}).is_ok());
}

TEST(CheckpointConfig, PrecedenceIniThenRibThenCommandLine)
{
    auto ini = parse_ini("/ckrender/checkpoint/interval 1h\n/ckrender/checkpoint/exitat 2h\n"
                         "/ckrender/checkpoint/asfinal 1\n",
                         "ck.ini");
    ASSERT_TRUE(ini.is_ok());
    ck::scene::OptionMap rib;
    rib["checkpoint"] = {string_param("interval", {"10m"})};

    auto only_ini = resolve_checkpoint_config(ini.value(), {}, {});
    ASSERT_TRUE(only_ini.is_ok());
    EXPECT_DOUBLE_EQ(only_ini->interval.at(0).seconds, 3600);
    EXPECT_TRUE(only_ini->asfinal);

    auto with_rib = resolve_checkpoint_config(ini.value(), rib, {});
    ASSERT_TRUE(with_rib.is_ok());
    EXPECT_DOUBLE_EQ(with_rib->interval.at(0).seconds, 600);
    EXPECT_DOUBLE_EQ(with_rib->exitat->seconds, 7200) << "keys the RIB does not set stay";

    CliCheckpoint cli;
    cli.checkpoint = "5i,30m";
    auto all = resolve_checkpoint_config(ini.value(), rib, cli);
    ASSERT_TRUE(all.is_ok());
    EXPECT_EQ(all->interval.at(0).increments, 5);
    EXPECT_DOUBLE_EQ(all->exitat->seconds, 1800);
}

TEST(CheckpointConfig, S11ExitAtAlone)
{
    CliCheckpoint cli;
    cli.checkpoint = ",30m";
    auto c = resolve_checkpoint_config({}, {}, cli);
    ASSERT_TRUE(c.is_ok()) << c.status().message();
    EXPECT_TRUE(c->interval.empty());
    EXPECT_DOUBLE_EQ(c->exitat->seconds, 1800);
    EXPECT_TRUE(c->enabled());
    EXPECT_FALSE(resolve_checkpoint_config({}, {}, {}).value().enabled());
}

TEST(CheckpointConfig, S15RibSequences)
{
    ck::scene::OptionMap rib;
    rib["checkpoint"] = {string_param("interval", {"1i", "10m", "1h"})};
    auto s = resolve_checkpoint_config({}, rib, {});
    ASSERT_TRUE(s.is_ok());
    ASSERT_EQ(s->interval.size(), 3u);
    EXPECT_EQ(s->interval[0].increments, 1);

    rib["checkpoint"] = {int_param("interval", {-1, 600, 3600})};
    auto i = resolve_checkpoint_config({}, rib, {});
    ASSERT_TRUE(i.is_ok());
    ASSERT_EQ(i->interval.size(), 3u);
    EXPECT_EQ(i->interval[0].increments, 1);
    EXPECT_DOUBLE_EQ(i->interval[2].seconds, 3600);
}

TEST(CheckpointConfig, ErrorsNameTheirSource)
{
    ck::scene::OptionMap rib;
    rib["checkpoint"] = {string_param("interval", {"10x"}, 12)};
    auto r = resolve_checkpoint_config({}, rib, {});
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("scene.rib:12:9"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("\"10x\""), std::string::npos);

    CliCheckpoint cli;
    cli.checkpoint = "5m-3s";
    r = resolve_checkpoint_config({}, {}, cli);
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("command line"), std::string::npos);
    cli.checkpoint = "10m,";
    EXPECT_FALSE(resolve_checkpoint_config({}, {}, cli).is_ok());
}

TEST(CheckpointConfig, S25SceneCannotAllowCommands)
{
    ck::scene::OptionMap rib;
    rib["checkpoint"] = {string_param("command", {"touch x"}), int_param("allowcommand", {1})};
    auto r = resolve_checkpoint_config({}, rib, {});
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("allowcommand"), std::string::npos);

    rib["checkpoint"] = {string_param("command", {"touch x"})};
    auto c = resolve_checkpoint_config({}, rib, {});
    ASSERT_TRUE(c.is_ok());
    EXPECT_EQ(c->command, "touch x");
    EXPECT_FALSE(c->allow_command);

    CliCheckpoint cli;
    cli.allow_command = true;
    EXPECT_TRUE(resolve_checkpoint_config({}, rib, cli).value().allow_command);
    auto ini = parse_ini("/ckrender/checkpoint/allowcommand on\n", "ck.ini");
    EXPECT_TRUE(resolve_checkpoint_config(ini.value(), rib, {}).value().allow_command);
}

TEST(Schedule, S15SequenceWaitsSincePreviousAndLastRepeats)
{
    // 1i 15m 2h 1h: after the first increment, then 15 minutes later, then 2 h, then hourly.
    CheckpointSchedule s(ck::parse_interval_sequence("1i 15m 2h 1h").value());
    EXPECT_FALSE(s.increments_due(0));
    EXPECT_TRUE(s.increments_due(1));
    EXPECT_FALSE(s.time_due(1e6)) << "an increment entry is not time-based";
    s.taken(1, 100);
    EXPECT_FALSE(s.time_due(100 + 899));
    EXPECT_TRUE(s.time_due(100 + 900));
    s.taken(50, 1000);
    EXPECT_FALSE(s.time_due(1000 + 7199));
    EXPECT_TRUE(s.time_due(1000 + 7200));
    s.taken(90, 8200);
    EXPECT_TRUE(s.time_due(8200 + 3600));
    s.taken(99, 11800);
    EXPECT_TRUE(s.time_due(11800 + 3600)) << "the last entry repeats";
    EXPECT_FALSE(s.time_due(11800 + 3599));
}

TEST(Schedule, EveryIncrement)
{
    CheckpointSchedule s(ck::parse_interval_sequence("-1").value());
    for (uint64_t i = 1; i < 5; ++i) {
        EXPECT_TRUE(s.increments_due(i));
        s.taken(i, double(i));
        EXPECT_FALSE(s.increments_due(i));
    }
    EXPECT_FALSE(CheckpointSchedule().time_due(1e9));
}

TEST(PostCommand, SplitsWithoutAShell)
{
    auto a = split_command("cp  '%i file' \"a \\\"b\\\"\" $(rm -rf x);");
    ASSERT_TRUE(a.is_ok());
    ASSERT_EQ(a->size(), 6u);
    EXPECT_EQ((*a)[0], "cp");
    EXPECT_EQ((*a)[1], "%i file");
    EXPECT_EQ((*a)[2], "a \"b\"");
    EXPECT_EQ((*a)[3], "$(rm");
    EXPECT_EQ((*a)[4], "-rf");
    EXPECT_EQ((*a)[5], "x);");
    EXPECT_FALSE(split_command("echo 'open").is_ok());
    EXPECT_FALSE(split_command("   ").is_ok());
}

TEST(PostCommand, S26Substitutions)
{
    CommandContext ctx{42, 3.9, "exiting"};
    EXPECT_EQ(substitute("%i-%e-%r-%%-%q", ctx), "00042-000003-exiting-%-%q");
    ctx.increment = 1234567;
    ctx.elapsed = 1234567.2;
    EXPECT_EQ(substitute("%i %e", ctx), "1234567 1234567");
    EXPECT_EQ(substitute("100%", ctx), "100%");
}

TEST(PostCommand, RunsWithSubstitutedArgumentsAndNoShell)
{
    ck::test::TempDir dir;
    const std::string out = dir.file("args.txt");
    // A shell would expand $HOME and run the ';' command; exec must not.
    auto args = split_command("/bin/sh -c 'printf \"%s|%s\" \"$0\" \"$1\" > \"$2\"' "
                              "%r;$HOME %i " + out);
    ASSERT_TRUE(args.is_ok());
    int code = -1;
    ASSERT_TRUE(run_command(args.value(), {7, 1, "finished"}, code).is_ok());
    EXPECT_EQ(code, 0);
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "finished;$HOME|00007");

    int missing_code = 0;
    EXPECT_FALSE(run_command({"/nonexistent/program"}, {}, missing_code).is_ok());
}

// True once `pid` has exited (gone, or a zombie waiting for its new parent).
bool process_ended(int pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat)
        return true;
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t paren = text.rfind(')');
    return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] == 'Z';
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(PostCommand, S25TimeoutStopsTheCommandAndEverythingItStarted)
{
    ck::test::TempDir dir;
    const std::string pidfile = dir.file("child.pid");
    // The shell starts a grandchild and waits for it: both must go.
    auto args = split_command("/bin/sh -c 'sleep 30 & echo $! > \"$0\"; wait' " + pidfile);
    ASSERT_TRUE(args.is_ok());
    CommandContext ctx{1, 1, "checkpoint"};
    ctx.timeout_seconds = 0.5;
    int code = 0;
    const auto start = std::chrono::steady_clock::now();
    ck::Status s = run_command(args.value(), ctx, code);
    const double took = seconds_since(start);
    ASSERT_FALSE(s.is_ok()) << "a command past its time limit is reported";
    EXPECT_NE(s.message().find("did not finish within 0.5 s"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("/bin/sh -c sleep 30"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("the render goes on"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("(S"), std::string::npos) << "no spec tags: " << s.message();
    EXPECT_GE(took, 0.5);
    EXPECT_LT(took, 0.5 + kCommandKillGraceSeconds + 1.5);
    EXPECT_EQ(code, 128 + SIGTERM);

    std::ifstream in(pidfile);
    int grandchild = 0;
    ASSERT_TRUE(in >> grandchild) << "the command did not write its child's pid";
    const auto wait_start = std::chrono::steady_clock::now();
    while (!process_ended(grandchild) && seconds_since(wait_start) < 5)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(process_ended(grandchild)) << "the command's child " << grandchild
                                           << " survived the timeout";
    if (!process_ended(grandchild))
        ::kill(grandchild, SIGKILL);
}

TEST(PostCommand, S25TimeoutKillsACommandThatIgnoresSigterm)
{
    auto args = split_command("/bin/sh -c 'trap \"\" TERM; sleep 30; exit 0'");
    ASSERT_TRUE(args.is_ok());
    CommandContext ctx;
    ctx.timeout_seconds = 0.2;
    int code = 0;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(run_command(args.value(), ctx, code).is_ok());
    const double took = seconds_since(start);
    EXPECT_GE(took, 0.2 + kCommandKillGraceSeconds - 0.1) << "SIGTERM first, then the grace";
    EXPECT_LT(took, 0.2 + kCommandKillGraceSeconds + 1.5);
    EXPECT_EQ(code, 128 + SIGKILL);
}

TEST(PostCommand, S25CommandWithinItsTimeIsNotDisturbed)
{
    auto args = split_command("/bin/sh -c 'sleep 0.2; exit 3'");
    ASSERT_TRUE(args.is_ok());
    CommandContext ctx;
    ctx.timeout_seconds = 10;
    int code = 0;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(run_command(args.value(), ctx, code).is_ok());
    EXPECT_LT(seconds_since(start), 3.0);
    EXPECT_EQ(code, 3);
}

}  // namespace
