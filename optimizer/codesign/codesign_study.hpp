// The co-design study (`pixforge optimize`): the study's dataset and classical baseline, trials
// proposed by the strategy and evaluated by the TrialPipeline (in parallel, journaled, resumable
// after kill -9), then the rate sweep of the most accurate feasible design, the report, and under
// theory guidance the check of the proxies' Pareto set with synthesis. Its files are listed in
// docs/study_schema.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "core/work_pool.hpp"
#include "optimizer/codesign/trial_metrics.hpp"
#include "optimizer/study.hpp"

namespace pixforge::codesign {

struct StudyRequest {
    std::filesystem::path config;
    std::vector<std::string> overrides;
    std::filesystem::path out;    // the study folder
    std::filesystem::path cache;  // empty: the default
    std::string guidance = "synthesis";
    int workers = 0;  // 0: one per core
    int budget = 0;   // 0: optimizer.evaluations
    bool resume = false;
    bool print_summary = true;         // the study's summary on `out` at the end
    std::string command_line;          // for provenance
    std::filesystem::path executable;  // pixforge, for the isolated chain runs
    // The ranks of an MPI job (optimizer/codesign/pooled_trials.hpp): rank 0 runs the study and hands
    // out its trials, the others evaluate them. Null or in one process: `workers` threads.
    WorkPool* pool = nullptr;
};

// Where a study stands after a finished trial.
struct StudyStatus {
    std::size_t done = 0, budget = 0, pareto = 0;
    double hypervolume = 0, elapsed_s = 0, eta_s = 0;
    std::vector<std::string> objective_names;
};
using TrialListener =
    std::function<void(const optimizer::TrialRecord&, const TrialMetrics&, const StudyStatus&)>;

// Every check of the request's settings that a study makes before it writes anything (the config,
// objectives and references, the space and its keys, the search strategy over that space), without
// running it: so that a command running several studies refuses bad input before the first.
void check_study_request(const StudyRequest& request);

// `progress` gets what the study is doing between trials (dataset, baseline, sweep); `on_trial`
// follows each finished trial; `warnings` gets what failed without stopping the study. Writes the
// report, prints its summary, and under theory guidance checks the front (STUDY/theory_check.json).
void run_codesign_study(const StudyRequest& request, std::ostream* progress, const TrialListener& on_trial,
                        std::ostream& warnings, std::ostream& out);

// The two ways a finished trial is shown: a progress block for people, a JSON line for scripts.
std::string trial_progress_text(const optimizer::TrialRecord& r, const TrialMetrics& m, const StudyStatus& s);
std::string trial_json_line(const optimizer::TrialRecord& r, const TrialMetrics& m, const StudyStatus& s);

}  // namespace pixforge::codesign
