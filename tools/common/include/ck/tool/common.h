// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Everything tools/common offers, for a tool's main.cpp.
#pragma once

#include <ck/tool/cli.h>
#include <ck/tool/diagnostics.h>
#include <ck/tool/exit_code.h>
#include <ck/tool/file_report.h>
#include <ck/tool/file_type.h>
#include <ck/tool/isolate.h>
#include <ck/tool/json.h>
