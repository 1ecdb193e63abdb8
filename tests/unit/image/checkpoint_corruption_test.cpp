// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Corrupt checkpoints (issue 5, item 4): truncation at every chunk boundary and
// byte flips at random offsets of a real checkpoint are never accepted.
