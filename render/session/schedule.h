// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The ckrender authors.
//
// When the next periodic checkpoint is due (S5, S10, S15). Each entry of the
// sequence is the wait since the previous checkpoint; the last one repeats.
// Time counts from the start of work on the frame, start-up included (S5).
#pragma once

#include <ck/interval.h>

#include <cstdint>
#include <vector>

namespace ck::render {

class CheckpointSchedule {
public:
    explicit CheckpointSchedule(std::vector<Interval> intervals = {})
        : m_intervals(std::move(intervals))
    {
    }

    bool empty() const { return m_intervals.empty(); }

    /// The entry the next checkpoint waits for (nullptr when empty).
    const Interval* current() const
    {
        if (m_intervals.empty())
            return nullptr;
        return &m_intervals[m_index < m_intervals.size() ? m_index : m_intervals.size() - 1];
    }

    /// True when a time-based entry has elapsed (checked between tiles).
    bool time_due(double elapsed) const
    {
        const Interval* c = current();
        return c && c->is_time() && elapsed - m_last_time >= c->seconds;
    }

    /// True when an increment-based entry is reached (checked after an increment).
    bool increments_due(uint64_t increments) const
    {
        const Interval* c = current();
        return c && !c->is_time() && increments - m_last_increments >= uint64_t(c->increments);
    }

    /// Records a checkpoint (periodic or requested) and moves to the next entry.
    void taken(uint64_t increments, double elapsed)
    {
        m_last_increments = increments;
        m_last_time = elapsed;
        if (m_index + 1 < m_intervals.size())
            ++m_index;
        else
            m_index = m_intervals.empty() ? 0 : m_intervals.size() - 1;
    }

private:
    std::vector<Interval> m_intervals;
    size_t m_index = 0;
    uint64_t m_last_increments = 0;
    double m_last_time = 0;
};

}  // namespace ck::render
