// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// Piecewise-constant 1D and 2D distributions for importance sampling (light
// selection, triangle selection, dome maps).
#pragma once

#include <cstddef>
#include <vector>

namespace ck::render {

class Distribution1D {
public:
    Distribution1D() = default;
    /// Weights must be >= 0; an all-zero (or empty) input gives a uniform distribution.
    explicit Distribution1D(const std::vector<float>& weights);

    size_t size() const { return m_pdf.size(); }
    bool empty() const { return m_pdf.empty(); }

    /// Probability of choosing index i.
    float pmf(size_t i) const { return i < m_pmf.size() ? m_pmf[i] : 0.0f; }

    /// Chooses an index for u in [0,1); `remapped` gets u rescaled to [0,1) within the bin.
    size_t sample_discrete(float u, float* remapped = nullptr) const;

    /// Continuous sample in [0,1) with density pdf (relative to [0,1]).
    float sample_continuous(float u, float& pdf, size_t& index) const;

    /// Density (relative to [0,1]) of the continuous variable at bin i.
    float density(size_t i) const { return i < m_pdf.size() ? m_pdf[i] : 0.0f; }

    /// Sum of the input weights divided by their count.
    float mean() const { return m_mean; }

private:
    std::vector<float> m_pmf;
    std::vector<float> m_pdf;
    std::vector<float> m_cdf;  ///< size()+1 entries, cdf[0] = 0, cdf[n] = 1.
    float m_mean = 0.0f;
};

/// A 2D distribution over [0,1]^2 from a width x height grid (row-major, v rows).
class Distribution2D {
public:
    Distribution2D() = default;
    Distribution2D(const std::vector<float>& grid, int width, int height);

    bool empty() const { return m_rows.empty(); }

    /// Samples (u, v) in [0,1)^2; pdf is relative to the unit square.
    void sample(float u1, float u2, float& u, float& v, float& pdf) const;

    /// Density relative to the unit square at (u, v).
    float pdf(float u, float v) const;

private:
    int m_width = 0;
    int m_height = 0;
    std::vector<Distribution1D> m_rows;  ///< Conditional p(u | v).
    Distribution1D m_marginal;           ///< p(v).
};

}  // namespace ck::render
