// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Fault injection for the reliability tests (docs/reliability.md). Off unless
// the environment variable CKRENDER_FAULT_INJECT is set, as
//
//   POINT@N[+]:ACTION[,POINT@N[+]:ACTION...]
//
// POINT is a named step of the commit protocol (below), N the 1-based hit of
// that point at which to act ("+" = that hit and every later one), ACTION is
// `kill` (SIGKILL the process: a crash at exactly that step), `stop` (SIGSTOP
// the process there; it goes on from that step at SIGCONT, so a test can change
// the disk at exactly that moment), `eio` or `enospc` (the step fails with that
// errno), `enomem` (std::bad_alloc is thrown there, as a failed allocation
// would). Each rule counts its own hits. Points:
//   part.open     before a .part file is created
//   part.write    after the image is encoded, before fflush (a failed write)
//   part.fsync    before the .part is fsynced
//   commit.rename before each rename of a .part over its final name
//   commit.dirsync before the directories are fsynced
//   read.open     when a checkpoint is opened for reading (recovery, tools)
//   render.tile   before ckrender renders a tile (on a render thread)
#pragma once

namespace ck::fault {

enum class Action { None, Kill, Stop, Eio, Enospc, Enomem };

/// Counts a hit of `point` and returns what to do now. Kill never returns,
/// Enomem throws std::bad_alloc;
/// Stop returns Action::None once the process is continued.
/// Returns Action::None when injection is off (one getenv, then a branch).
Action hit(const char* point);

/// The errno for an injected failure (EIO or ENOSPC), 0 for Action::None.
int error_number(Action action);

}  // namespace ck::fault
