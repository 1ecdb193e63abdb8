// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
#include "integrator/distribution.h"

#include <algorithm>
#include <cmath>

namespace ck::render {

Distribution1D::Distribution1D(const std::vector<float>& weights)
{
    size_t n = weights.size();
    if (n == 0)
        return;
    // Accumulate in double so the table does not depend on summation luck.
    std::vector<double> cdf(n + 1, 0.0);
    for (size_t i = 0; i < n; ++i) {
        double w = std::isfinite(weights[i]) ? std::max(0.0, double(weights[i])) : 0.0;
        cdf[i + 1] = cdf[i] + w;
    }
    double total = cdf[n];
    m_mean = float(total / double(n));
    m_pmf.resize(n);
    m_pdf.resize(n);
    m_cdf.resize(n + 1);
    for (size_t i = 0; i <= n; ++i)
        m_cdf[i] = total > 0.0 ? float(cdf[i] / total) : float(double(i) / double(n));
    m_cdf[n] = 1.0f;
    for (size_t i = 0; i < n; ++i) {
        double p = total > 0.0 ? (cdf[i + 1] - cdf[i]) / total : 1.0 / double(n);
        m_pmf[i] = float(p);
        m_pdf[i] = float(p * double(n));
    }
}

size_t Distribution1D::sample_discrete(float u, float* remapped) const
{
    size_t n = m_pmf.size();
    if (n == 0)
        return 0;
    // Last index i with cdf[i] <= u, skipping zero-probability bins.
    auto it = std::upper_bound(m_cdf.begin(), m_cdf.end(), u);
    size_t i = size_t(std::max<std::ptrdiff_t>(0, (it - m_cdf.begin()) - 1));
    i = std::min(i, n - 1);
    while (m_pmf[i] <= 0.0f && i > 0)
        --i;
    if (remapped) {
        float lo = m_cdf[i];
        float width = m_cdf[i + 1] - lo;
        float r = width > 0.0f ? (u - lo) / width : 0.0f;
        *remapped = std::min(std::max(r, 0.0f), 0.99999994f);
    }
    return i;
}

float Distribution1D::sample_continuous(float u, float& pdf, size_t& index) const
{
    float r = 0.0f;
    index = sample_discrete(u, &r);
    pdf = m_pdf.empty() ? 0.0f : m_pdf[index];
    float x = (float(index) + r) / float(m_pdf.size());
    return std::min(x, 0.99999994f);
}

Distribution2D::Distribution2D(const std::vector<float>& grid, int width, int height)
    : m_width(width), m_height(height)
{
    if (width <= 0 || height <= 0 || grid.size() < size_t(width) * size_t(height))
        return;
    std::vector<float> row_weights(static_cast<size_t>(height), 0.0f);
    m_rows.reserve(size_t(height));
    for (int y = 0; y < height; ++y) {
        std::vector<float> row(grid.begin() + std::ptrdiff_t(y) * width,
                               grid.begin() + std::ptrdiff_t(y + 1) * width);
        m_rows.emplace_back(row);
        row_weights[size_t(y)] = m_rows.back().mean();
    }
    m_marginal = Distribution1D(row_weights);
}

void Distribution2D::sample(float u1, float u2, float& u, float& v, float& pdf) const
{
    float pdf_v = 0.0f;
    float pdf_u = 0.0f;
    size_t row = 0;
    size_t col = 0;
    v = m_marginal.sample_continuous(u2, pdf_v, row);
    u = m_rows[row].sample_continuous(u1, pdf_u, col);
    pdf = pdf_u * pdf_v;
}

float Distribution2D::pdf(float u, float v) const
{
    if (m_rows.empty())
        return 0.0f;
    int x = std::clamp(int(u * float(m_width)), 0, m_width - 1);
    int y = std::clamp(int(v * float(m_height)), 0, m_height - 1);
    return m_marginal.density(size_t(y)) * m_rows[size_t(y)].density(size_t(x));
}

}  // namespace ck::render
