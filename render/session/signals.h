// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Signals (S27, B6). The handlers only store to lock-free atomics; the render
// loop polls them between tiles.
//   SIGHUP            checkpoint and carry on
//   SIGUSR1, SIGTERM  checkpoint and exit with the resumable code
//   SIGINT            the same, once; a second Ctrl-C kills at once (SA_RESETHAND)
#pragma once

#include <atomic>

namespace ck::render {

enum class SignalRequest {
    None,
    Checkpoint,         ///< SIGHUP
    CheckpointAndExit,  ///< SIGUSR1, SIGTERM, SIGINT
};

/// Installs the handlers, then unblocks the four signals (the ckrender
/// launcher blocks them across the exec; launcher.c). Also: a closed standard
/// descriptor (0, 1, 2) gets /dev/null, so that no file ckrender opens later
/// (the output lock, a checkpoint) can receive log lines; SIGPIPE and SIGXFSZ
/// are ignored (a closed log pipe or `ulimit -f` is a failed write, not a
/// death). Idempotent.
void install_signal_handlers();

/// True when a checkpoint-and-exit signal has arrived (sticky).
bool exit_requested();

/// Takes a pending SIGHUP checkpoint request (returns true once per signal burst).
bool take_checkpoint_request();

/// True while a SIGHUP checkpoint request is pending (does not take it).
bool checkpoint_requested();

/// A flag that turns true with the first exit request, for code that takes a
/// cancel flag (the Embree build's progress monitor).
const std::atomic<bool>* exit_flag();

/// The signal number of the first exit request, 0 when none.
int exit_signal();

/// Forgets every request (tests).
void reset_signal_state();

}  // namespace ck::render
