// A study's results as its journal records them (optimizer/study.hpp), for reports: every result
// in journal order, the feasible Pareto set and the hypervolume trace. Knows nothing of what the
// objectives mean; the co-design report (optimizer/codesign/codesign_report) builds on it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "optimizer/problems.hpp"

namespace pixforge::optimizer {

struct StudyRow {
    std::int64_t id = 0;
    bool ok = false, feasible = false;
    Vector objectives, constraints;  // one per name when ok
    double seconds = 0;
    std::string error;
};

struct JournalView {
    std::vector<StudyRow> rows;       // journal order
    std::vector<std::size_t> pareto;  // feasible, non-dominated; indices into rows, by objective 0
    std::vector<double> hv_trace;     // feasible hypervolume after each row
};

// STUDY-004 names the journal line of a result that is not what pixforge writes.
JournalView read_journal(const std::filesystem::path& study_dir, std::size_t objectives,
                         std::size_t constraints, const Vector& reference);

}  // namespace pixforge::optimizer
