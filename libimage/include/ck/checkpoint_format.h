// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// The only place where checkpoint channel names, metadata keys and the format
// version are spelled. Everything else refers to these constants
// (docs/checkpoint-format.md).
#pragma once

namespace ck::format {

/// Per-pixel weight channel: the number of samples accumulated in the pixel.
/// Always float32 (half rounds counts above 2048).
inline constexpr const char* kWeightChannel = "~w";

/// Every channel whose name starts with this is checkpoint state, never a
/// picture: ckstrip removes them all (the weight, the sums, the z keys).
inline constexpr char kHiddenChannelPrefix = '~';
/// Word K (0 = least significant) of the exact fixed-point sum behind output
/// channel NAME is the channel "~sumK.NAME" (ck/fixed_sum.h).
inline constexpr const char* kSumChannelPrefix = "~sum";
/// Per pixel, the smallest (largest) sample z, kept for zmin (zmax) channels.
inline constexpr const char* kZMinChannel = "~zmin";
inline constexpr const char* kZMaxChannel = "~zmax";

/// Seconds from this process's start until the checkpoint began (S21).
inline constexpr const char* kCheckpointElapsed = "checkpointElapsed";

/// The suffix of a file being written; renamed over the final name on commit (S16).
inline constexpr const char* kPartSuffix = ".part";

/// OIIO format names forced when writing (a ".part" name would fool OIIO's
/// extension-based plugin choice; see notes on traps).
inline constexpr const char* kOpenExrFormat = "openexr";
inline constexpr const char* kTiffFormat = "tiff";

/// TIFF checkpoints (tiff_checkpoint.h): the key that opens the JSON
/// ImageDescription of the picture page, with the layout version as its value,
/// and the ImageDescription of the state page.
inline constexpr const char* kTiffCheckpointMarker = "ckrender-checkpoint";
inline constexpr int kTiffCheckpointVersion = 1;
inline constexpr const char* kTiffStatePageMarker = "ckrender checkpoint state";
/// A TIFF final's JSON ImageDescription carrying its provenance record.
inline constexpr const char* kTiffFinalMarker = "ckrender-final";
inline constexpr int kTiffFinalVersion = 1;

/// The Software attribute written into every image.
inline constexpr const char* kSoftwareAttr = "Software";

/// Version of the checkpoint layout below. A reader refuses newer versions.
/// 3: every channel of the display, the exact sums and z keys in hidden ~
/// channels, the channel names in ck:headerHash. 2: adds ck:headerHash
/// (required); R, G, B[, A] float means and ~w only. 1: no ck:headerHash;
/// still read, with only the pixels protected by ck:stateHash
/// (docs/checkpoint-format.md).
inline constexpr int kFormatVersion = 3;
/// The first version whose channel names are in ck:headerHash and whose
/// averaged channels carry their exact sums.
inline constexpr int kFirstVersionWithSums = 3;
/// The first version whose files must carry ck:headerHash.
inline constexpr int kFirstVersionWithHeaderHash = 2;

// ck: metadata, written on every checkpoint image (docs/checkpoint-format.md).
// Counters that can pass 2^31 are decimal strings: OIIO drops 64-bit ints.
inline constexpr const char* kKeyFormatVersion = "ck:formatVersion";      ///< int
inline constexpr const char* kKeyState = "ck:state";                      ///< string: kState*
inline constexpr const char* kKeyRenderId = "ck:renderId";                ///< string, 32 hex digits
inline constexpr const char* kKeyGeneration = "ck:generation";            ///< string, decimal u64
inline constexpr const char* kKeyFrame = "ck:frame";                      ///< int
inline constexpr const char* kKeyDisplayIndex = "ck:displayIndex";        ///< int, 0-based
inline constexpr const char* kKeyDisplayCount = "ck:displayCount";        ///< int
inline constexpr const char* kKeyDisplayName = "ck:displayName";          ///< string, as in the RIB
inline constexpr const char* kKeyMode = "ck:mode";                        ///< string: kMode*
inline constexpr const char* kKeyTargetSamples = "ck:targetSamples";      ///< int
inline constexpr const char* kKeySamplesDone = "ck:samplesDone";          ///< string, decimal u64 (sum of ~w)
inline constexpr const char* kKeyMinSamples = "ck:minSamples";            ///< int, smallest ~w
inline constexpr const char* kKeyFingerprint = "ck:fingerprint";          ///< string, hex
inline constexpr const char* kKeyFingerprintParts = "ck:fingerprintParts";  ///< string "part=hex;..."
inline constexpr const char* kKeyReason = "ck:reason";                    ///< string: kReason*
inline constexpr const char* kKeyTotalElapsed = "ck:totalElapsed";        ///< double, seconds over all resumes
inline constexpr const char* kKeyHistory = "ck:history";                  ///< string, JSON array (B7)
inline constexpr const char* kKeySeed = "ck:seed";                        ///< string, decimal u32
inline constexpr const char* kKeyRenderer = "ck:renderer";                ///< string: version, Embree, ISA
inline constexpr const char* kKeyStateHash = "ck:stateHash";              ///< string, 16 hex digits
inline constexpr const char* kKeyHeaderHash = "ck:headerHash";            ///< string, 16 hex digits (v2)

inline constexpr const char* kStateCheckpoint = "checkpoint";  ///< resumable, not finished
inline constexpr const char* kStateAsFinal = "asfinal";        ///< finished, kept resumable (S14)

inline constexpr const char* kModeIncremental = "incremental";
inline constexpr const char* kModeBucket = "bucket";

inline constexpr const char* kReasonCheckpoint = "checkpoint";  ///< periodic (S26 %r)
inline constexpr const char* kReasonExiting = "exiting";        ///< exit-at or a signal
inline constexpr const char* kReasonFinished = "finished";

// Provenance of a final image (docs/checkpoint-format.md, "Finals"): a small
// record in every final ckrender writes and every image ckstrip makes, so that
// -recover 1 can tell a finished frame that matches the scene from one that
// must render again. It is not checkpoint state (S4): no ~w, nothing to
// resume from. Its own namespace, so that a ck: key always means state.
inline constexpr const char* kProvenancePrefix = "ckrender:";
inline constexpr int kProvenanceVersion = 1;
inline constexpr const char* kKeyProvenance = "ckrender:provenance";          ///< int, version
inline constexpr const char* kKeyProvStatus = "ckrender:status";              ///< string: kStatus*
inline constexpr const char* kKeyProvRenderId = "ckrender:renderId";          ///< string, 32 hex digits
inline constexpr const char* kKeyProvGeneration = "ckrender:generation";      ///< string, decimal u64
inline constexpr const char* kKeyProvFrame = "ckrender:frame";                ///< int
inline constexpr const char* kKeyProvDisplayIndex = "ckrender:displayIndex";  ///< int, 0-based
inline constexpr const char* kKeyProvDisplayCount = "ckrender:displayCount";  ///< int
inline constexpr const char* kKeyProvDisplayName = "ckrender:displayName";    ///< string, as in the RIB
inline constexpr const char* kKeyProvSamples = "ckrender:samples";            ///< int, smallest ~w reached
inline constexpr const char* kKeyProvTargetSamples = "ckrender:targetSamples";  ///< int
inline constexpr const char* kKeyProvFingerprint = "ckrender:fingerprint";    ///< string, hex
inline constexpr const char* kKeyProvFingerprintParts = "ckrender:fingerprintParts";  ///< string
inline constexpr const char* kKeyProvRenderTime = "ckrender:renderTime";      ///< double, seconds over all processes
inline constexpr const char* kKeyProvRenderer = "ckrender:renderer";          ///< string
inline constexpr const char* kKeyProvMadeBy = "ckrender:madeBy";              ///< string: kMadeBy*
inline constexpr const char* kKeyProvHash = "ckrender:provenanceHash";        ///< string, 16 hex digits

inline constexpr const char* kStatusComplete = "complete";  ///< every pixel reached the target
inline constexpr const char* kStatusDraft = "draft";        ///< stopped early: N of M samples

inline constexpr const char* kMadeByRender = "ckrender";  ///< written by ckrender at a normal finish
inline constexpr const char* kMadeByStrip = "ckstrip";    ///< a checkpoint stripped by ckstrip

}  // namespace ck::format
