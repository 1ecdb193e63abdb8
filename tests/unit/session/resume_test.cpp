// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Checkpoint and recovery in process, with a stand-in renderer so the tests
// are fast and exercise only the session: bit-identical resume after exit-at
// slices and mid-increment signals for any thread count (B1), each recovery
// refusal rule (S22, B3), commit roll-forward (B2), asfinal (S14), the
// post-checkpoint command (S25, S26).
#include "sampler/sampler.h"
#include "session/checkpoint_io.h"
#include "session/frame_session.h"
#include "session/signals.h"

#include <ck/checkpoint.h>
#include <ck/checkpoint_format.h>
#include <ck/commit.h>

#include "../../support/read_image.h"
#include "../../support/temp_dir.h"

#include <gtest/gtest.h>

#include <OpenImageIO/imagebuf.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace ck::render;
namespace format = ck::format;

// A renderer whose samples are a pure function of (x, y, s), like the real one.
// `on_sample` lets a test raise a signal after a number of samples.
class StandInRenderer : public FrameRenderer {
public:
    explicit StandInRenderer(std::function<void()> on_sample = {}) : m_on_sample(std::move(on_sample)) {}
    PixelSample render_sample(int x, int y, uint32_t s) const override
    {
        if (m_on_sample)
            m_on_sample();
        Sampler smp(99, x, y, s);
        float a = smp.get_1d(), b = smp.get_1d(), c = smp.get_1d();
        return {a * 3.0f, b * float(x + 1), c / float(y + 1), a < 0.9f ? 1.0f : 0.0f};
    }
    // The frames here hold Ci and a only.
    void render_channels(int x, int y, uint32_t s, float* values, float& z) const override
    {
        const PixelSample p = render_sample(x, y, s);
        values[0] = p.r;
        values[1] = p.g;
        values[2] = p.b;
        values[3] = p.a;
        z = 0.0f;
    }

private:
    std::function<void()> m_on_sample;
};

FrameSession::RendererFactory factory(std::function<void()> on_sample = {})
{
    return [on_sample](const ck::scene::Frame&, const RendererSettings&)
               -> ck::Result<std::unique_ptr<FrameRenderer>> {
        return std::unique_ptr<FrameRenderer>(new StandInRenderer(on_sample));
    };
}

ck::scene::Frame make_frame(const ck::test::TempDir& dir, int target = 12,
                            std::vector<std::string> names = {"beauty.exr"})
{
    ck::scene::Frame f;
    f.number = 1;
    f.image.xres = 37;  // not a multiple of the tile size
    f.image.yres = 21;
    f.sampling.incremental = true;
    f.sampling.max_samples = target;
    for (size_t i = 0; i < names.size(); ++i) {
        ck::scene::Display d;
        d.name = dir.file(names[i]);
        d.type = "openexr";
        d.mode = i == 0 ? "rgba" : "rgb";
        d.loc = {"test.rib", 3 + int(i), 1};
        d.channels = ck::scene::rgba_channels(d.loc);
        if (i != 0)
            d.channels.resize(1);
        f.displays.push_back(d);
    }
    return f;
}

struct Log {
    std::mutex mutex;
    std::string text;
    std::function<void(const std::string&)> sink()
    {
        return [this](const std::string& line) {
            std::lock_guard<std::mutex> lock(mutex);
            text += line + "\n";
        };
    }
};

FrameOutcome render(const ck::scene::Frame& frame, RenderOptions options,
                    FrameSession::RendererFactory make = factory(), Log* log = nullptr)
{
    if (log)
        options.log = log->sink();
    options.progress_interval = 0;
    FrameSession session(frame, options);
    EXPECT_TRUE(session.build(make).is_ok());
    session.recover();
    ck::Status status;
    FrameOutcome outcome = session.run(status);
    EXPECT_TRUE(status.is_ok()) << status.message();
    return outcome;
}

std::vector<float> pixels_of(const std::string& path, int* nchannels = nullptr)
{
    OIIO::ImageSpec spec;
    std::vector<float> v;
    std::string error;
    EXPECT_TRUE(ck::test::read_float_pixels(path, spec, v, error)) << path << ": " << error;
    if (nchannels)
        *nchannels = spec.nchannels;
    return v;
}

RenderOptions exit_after_increments(int n, int threads)
{
    RenderOptions o;
    o.threads = threads;
    o.checkpoint.exitat = ck::parse_interval("-" + std::to_string(n)).value();
    o.recover = true;
    return o;
}

std::vector<float> uninterrupted(const ck::test::TempDir& dir, int target = 12)
{
    ck::scene::Frame f = make_frame(dir, target, {"reference.exr"});
    RenderOptions o;
    o.threads = 2;
    EXPECT_EQ(render(f, o), FrameOutcome::Finished);
    return pixels_of(dir.file("reference.exr"));
}

TEST(Resume, B1ExitAtSlicesAreBitIdenticalForAnyThreadCount)
{
    ck::test::TempDir dir;
    const std::vector<float> reference = uninterrupted(dir);
    ck::scene::Frame f = make_frame(dir);
    // Slices of 5, 3 and 1 increments with 1, 2 and 3 threads, then finish.
    EXPECT_EQ(render(f, exit_after_increments(5, 1)), FrameOutcome::ExitAt);
    auto ck1 = ck::read_checkpoint(f.displays[0].name, {"R", "~w"});
    ASSERT_TRUE(ck1.is_ok()) << ck1.status().message();
    EXPECT_EQ(ck1->header.min_samples, 5);
    EXPECT_EQ(ck1->header.reason, format::kReasonExiting);
    EXPECT_EQ(render(f, exit_after_increments(3, 2)), FrameOutcome::ExitAt);
    EXPECT_EQ(render(f, exit_after_increments(1, 3)), FrameOutcome::ExitAt);
    auto ck3 = ck::read_checkpoint(f.displays[0].name, {"R", "~w"});
    ASSERT_TRUE(ck3.is_ok());
    EXPECT_EQ(ck3->header.min_samples, 9);
    EXPECT_EQ(ck3->header.render_id, ck1->header.render_id) << "one render across resumes";
    EXPECT_EQ(ck3->header.generation, 3u);
    EXPECT_GT(ck3->header.total_elapsed, 0.0);
    // B7: one history entry per process.
    EXPECT_NE(ck3->header.history.find("\"samplesFrom\":\"0\""), std::string::npos);
    EXPECT_EQ(std::count(ck3->header.history.begin(), ck3->header.history.end(), '{'), 3);

    RenderOptions finish;
    finish.recover = true;
    finish.threads = 2;
    EXPECT_EQ(render(f, finish), FrameOutcome::Finished);
    int nch = 0;
    EXPECT_EQ(pixels_of(f.displays[0].name, &nch), reference);
    EXPECT_EQ(nch, 4) << "the final has no ~w (S4)";
}

TEST(Resume, B1SignalMidIncrementIsBitIdentical)
{
    ck::test::TempDir dir;
    const std::vector<float> reference = uninterrupted(dir);
    ck::scene::Frame f = make_frame(dir);
    install_signal_handlers();
    for (int samples_before_signal : {200, 1777, 5000}) {
        reset_signal_state();
        auto counter = std::make_shared<std::atomic<int>>(0);
        auto hook = [counter, samples_before_signal] {
            if (counter->fetch_add(1) == samples_before_signal)
                std::raise(SIGUSR1);
        };
        RenderOptions o;
        o.threads = 2;
        o.use_signals = true;
        o.recover = true;
        EXPECT_EQ(render(f, o, factory(hook)), FrameOutcome::Interrupted);
        auto ck = ck::read_checkpoint(f.displays[0].name, {"~w"});
        ASSERT_TRUE(ck.is_ok()) << ck.status().message();
        EXPECT_EQ(ck->header.reason, format::kReasonExiting);
    }
    reset_signal_state();
    RenderOptions finish;
    finish.recover = true;
    finish.threads = 1;
    EXPECT_EQ(render(f, finish), FrameOutcome::Finished);
    EXPECT_EQ(pixels_of(f.displays[0].name), reference);
}

TEST(Resume, SighupCheckpointsAndCarriesOn)
{
    ck::test::TempDir dir;
    const std::vector<float> reference = uninterrupted(dir);
    ck::scene::Frame f = make_frame(dir);
    install_signal_handlers();
    reset_signal_state();
    auto counter = std::make_shared<std::atomic<int>>(0);
    auto hook = [counter] {
        if (counter->fetch_add(1) == 3000)
            std::raise(SIGHUP);
    };
    Log log;
    RenderOptions o;
    o.use_signals = true;
    o.threads = 2;
    EXPECT_EQ(render(f, o, factory(hook), &log), FrameOutcome::Finished);
    EXPECT_NE(log.text.find("checkpoint 1 committed (checkpoint"), std::string::npos) << log.text;
    EXPECT_EQ(pixels_of(f.displays[0].name), reference);
    reset_signal_state();
}

TEST(Resume, PeriodicCheckpointsEveryIncrement)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 6);
    Log log;
    RenderOptions o;
    o.checkpoint.interval = ck::parse_interval_sequence("1i").value();
    // Every write takes at least 50 ms (the hook runs inside it), so the cost
    // is far above 5% however fast or slow (TSan) the tiny render is: the
    // warning does not depend on the machine's timing.
    o.before_write = [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return ck::Status{};
    };
    EXPECT_EQ(render(f, o, factory(), &log), FrameOutcome::Finished);
    for (int g = 1; g <= 6; ++g)
        EXPECT_NE(log.text.find("checkpoint " + std::to_string(g) + " committed"), std::string::npos)
            << log.text;
    // S8: a checkpoint per increment of a tiny image costs far more than 5%: warned, once.
    const std::string says = "warning: checkpoint writes have taken ";
    const size_t warning = log.text.find(says);
    EXPECT_NE(warning, std::string::npos) << log.text;
    EXPECT_EQ(log.text.find(says, warning + 1), std::string::npos) << log.text;
    EXPECT_EQ(log.text.find("(S8)"), std::string::npos) << "no spec tags for users: " << log.text;
    // The finished render replaced the checkpoint with a final (S4).
    OIIO::ImageBuf buf(f.displays[0].name);
    ASSERT_TRUE(buf.read());
    EXPECT_EQ(buf.spec().channelindex(format::kWeightChannel), -1);
    EXPECT_FALSE(ck::has_checkpoint_state(buf.spec()));
}

TEST(Resume, SeveralDisplaysAreOneCheckpointSet)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 8, {"beauty.exr", "second.exr"});
    EXPECT_EQ(render(f, exit_after_increments(3, 2)), FrameOutcome::ExitAt);
    auto a = ck::read_checkpoint(f.displays[0].name, {"R", "G", "B", "A", "~w"});
    auto b = ck::read_checkpoint(f.displays[1].name, {"R", "G", "B", "~w"});
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    EXPECT_EQ(a->header.render_id, b->header.render_id);
    EXPECT_EQ(a->header.generation, b->header.generation);
    EXPECT_EQ(b->header.display_index, 1);
    EXPECT_EQ(b->header.display_count, 2);
    RenderOptions finish;
    finish.recover = true;
    EXPECT_EQ(render(f, finish), FrameOutcome::Finished);

    ck::test::TempDir ref_dir;
    ck::scene::Frame ref = make_frame(ref_dir, 8, {"beauty.exr", "second.exr"});
    EXPECT_EQ(render(ref, RenderOptions{}), FrameOutcome::Finished);
    EXPECT_EQ(pixels_of(f.displays[0].name), pixels_of(ref.displays[0].name));
    EXPECT_EQ(pixels_of(f.displays[1].name), pixels_of(ref.displays[1].name));
}

// Runs a recovery and returns the one line it logged.
std::string recover_line(const ck::scene::Frame& f, int exit_after = 2)
{
    Log log;
    RenderOptions o = exit_after_increments(exit_after, 2);
    render(f, o, factory(), &log);
    std::istringstream in(log.text);
    std::string line;
    while (std::getline(in, line))
        if (line.find("recover:") != std::string::npos)
            return line;
    return "";
}

TEST(RecoveryRefusal, MissingFile)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir);
    EXPECT_NE(recover_line(f).find("starting from scratch: " + f.displays[0].name + " is missing"),
              std::string::npos);
}

TEST(RecoveryRefusal, FinishedImage)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 4);
    EXPECT_EQ(render(f, RenderOptions{}), FrameOutcome::Finished);
    // Its final carries a provenance record that matches: nothing to render.
    const std::string line = recover_line(f);
    EXPECT_NE(line.find("recover: finished: render "), std::string::npos) << line;
    EXPECT_NE(line.find("nothing to render"), std::string::npos) << line;
}

TEST(RecoveryRefusal, FingerprintMismatchSaysWhatChanged)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir);
    EXPECT_EQ(render(f, exit_after_increments(2, 2)), FrameOutcome::ExitAt);
    // maxsamples is not part of the fingerprint: raising it continues (DESIGN.md).
    ck::scene::Frame more = f;
    more.sampling.max_samples = 20;
    EXPECT_NE(recover_line(more).find("recover: resuming"), std::string::npos);

    ck::scene::Frame changed = f;
    changed.camera.fov_degrees = 31.0f;
    changed.max_depth = 9;
    const std::string line = recover_line(changed);
    EXPECT_NE(line.find("fingerprint mismatch: changed: camera, integrator"), std::string::npos)
        << line;
}

TEST(RecoveryRefusal, FilesFromDifferentCheckpoints)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 12, {"a.exr", "b.exr"});
    EXPECT_EQ(render(f, exit_after_increments(2, 2)), FrameOutcome::ExitAt);
    fs::copy_file(f.displays[1].name, dir.file("b-gen1.exr"));
    RenderOptions more = exit_after_increments(2, 2);
    EXPECT_EQ(render(f, more), FrameOutcome::ExitAt);
    fs::copy_file(dir.file("b-gen1.exr"), f.displays[1].name, fs::copy_options::overwrite_existing);
    const std::string line = recover_line(f);
    EXPECT_NE(line.find("files from different checkpoints"), std::string::npos) << line;
}

TEST(RecoveryRefusal, DamagedFile)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir);
    EXPECT_EQ(render(f, exit_after_increments(2, 2)), FrameOutcome::ExitAt);
    fs::resize_file(f.displays[0].name, fs::file_size(f.displays[0].name) / 2);
    const std::string line = recover_line(f);
    EXPECT_NE(line.find("unreadable checkpoint"), std::string::npos) << line;
}

TEST(RecoveryRefusal, DisplaySetChanged)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 12, {"a.exr", "b.exr"});
    EXPECT_EQ(render(f, exit_after_increments(2, 2)), FrameOutcome::ExitAt);
    ck::scene::Frame fewer = f;
    fewer.displays.pop_back();
    EXPECT_NE(recover_line(fewer).find("display set changed"), std::string::npos);
}

TEST(Recovery, B2RollsForwardACommitInterruptedBetweenRenames)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 12, {"a.exr", "b.exr"});
    EXPECT_EQ(render(f, exit_after_increments(2, 2)), FrameOutcome::ExitAt);
    // Simulate a crash after renaming a.exr but before b.exr: generation 2 of
    // b stays as b.exr.part, b.exr is still generation 1.
    fs::copy_file(f.displays[1].name, dir.file("b-gen1.exr"));
    EXPECT_EQ(render(f, exit_after_increments(2, 2)), FrameOutcome::ExitAt);
    fs::rename(f.displays[1].name, ck::part_path(f.displays[1].name));
    fs::copy_file(dir.file("b-gen1.exr"), f.displays[1].name);
    Log log;
    RenderOptions finish;
    finish.recover = true;
    EXPECT_EQ(render(f, finish, factory(), &log), FrameOutcome::Finished);
    EXPECT_NE(log.text.find("completed the interrupted commit of " + f.displays[1].name),
              std::string::npos)
        << log.text;
    EXPECT_NE(log.text.find("generation 2 from 4 samples"), std::string::npos) << log.text;
    EXPECT_FALSE(fs::exists(ck::part_path(f.displays[1].name)));
}

TEST(Recovery, S14AsFinalKeepsStateAndMoreSamplesContinue)
{
    ck::test::TempDir dir;
    const std::vector<float> reference = uninterrupted(dir, 10);
    ck::scene::Frame f = make_frame(dir, 6);
    RenderOptions o;
    o.checkpoint.asfinal = true;
    EXPECT_EQ(render(f, o), FrameOutcome::Finished);
    auto af = ck::read_checkpoint(f.displays[0].name, {"~w"});
    ASSERT_TRUE(af.is_ok()) << af.status().message();
    EXPECT_EQ(af->header.state, format::kStateAsFinal);
    EXPECT_EQ(af->header.reason, format::kReasonFinished);
    // Raise maxsamples and recover: continues from 6 to 10, equal to a 10-sample render.
    f.sampling.max_samples = 10;
    RenderOptions more;
    more.recover = true;
    EXPECT_EQ(render(f, more), FrameOutcome::Finished);
    EXPECT_EQ(pixels_of(f.displays[0].name), reference);
}

TEST(Recovery, ACompleteCheckpointWithoutItsFinalIsResumedNotRestarted)
{
    // A process killed after its last checkpoint (every sample taken) but before
    // the final write: recovery must write the finals from it, not start over.
    ck::test::TempDir dir;
    const std::vector<float> reference = uninterrupted(dir, 4);
    ck::scene::Frame f = make_frame(dir, 8);
    EXPECT_EQ(render(f, exit_after_increments(4, 2)), FrameOutcome::ExitAt);
    f.sampling.max_samples = 4;  // the checkpoint now holds every sample
    Log log;
    RenderOptions o;
    o.recover = true;
    EXPECT_EQ(render(f, o, factory(), &log), FrameOutcome::Finished);
    EXPECT_NE(log.text.find("recover: resuming"), std::string::npos) << log.text;
    EXPECT_NE(log.text.find(", 0 samples,"), std::string::npos) << "nothing to render: " << log.text;
    EXPECT_EQ(pixels_of(f.displays[0].name), reference);
}

TEST(PostCheckpointCommand, RunsAfterEachCommitIncludingTheFinalWrite)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 3);
    RenderOptions o;
    o.checkpoint.interval = ck::parse_interval_sequence("1i").value();
    o.checkpoint.command = "/bin/sh -c 'echo \"$0\" >> \"$1\"' %i:%r " + dir.file("log.txt");
    o.checkpoint.allow_command = true;
    EXPECT_EQ(render(f, o), FrameOutcome::Finished);
    std::ifstream in(dir.file("log.txt"));
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "00001:checkpoint\n00002:checkpoint\n00003:checkpoint\n00003:finished\n");
}

TEST(PostCheckpointCommand, NotRunUnlessAllowed)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 2);
    Log log;
    RenderOptions o;
    o.checkpoint.interval = ck::parse_interval_sequence("1i").value();
    o.checkpoint.command = "/bin/sh -c 'touch \"$0\"' " + dir.file("ran");
    EXPECT_EQ(render(f, o, factory(), &log), FrameOutcome::Finished);
    EXPECT_FALSE(fs::exists(dir.file("ran")));
    EXPECT_NE(log.text.find("post-checkpoint command ignored"), std::string::npos);
}

TEST(Checkpointing, TiffOutputsCannotCheckpointS3)
{
    ck::test::TempDir dir;
    ck::scene::Frame f = make_frame(dir, 4, {"out.tif"});
    f.displays[0].format = ck::scene::ImageFormat::TIFF;
    Log log;
    RenderOptions o;
    o.checkpoint.interval = ck::parse_interval_sequence("1i").value();
    EXPECT_EQ(render(f, o, factory(), &log), FrameOutcome::Finished);
    EXPECT_NE(log.text.find("can only be checkpointed and recovered to OpenEXR"),
              std::string::npos)
        << log.text;
    EXPECT_EQ(log.text.find("(S3)"), std::string::npos) << "no spec tags in messages";
    EXPECT_EQ(log.text.find("committed"), std::string::npos);
}

}  // namespace
