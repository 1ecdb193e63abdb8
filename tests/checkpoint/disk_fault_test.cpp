// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Full disk and I/O errors on a real filesystem (issue 5, item 2): a small
// tmpfs that fills up, a directory that turns read-only, a directory that vanishes.
