// Runs a regression suite (tb/regression_suite.hpp) through a work pool: each sub-stream is one
// isolated chain run (tb::ChainRunner) on a worker, whose matched samples come back as bytes and are
// flushed by the coordinator into OUT/runs/ at once, so an interrupted run resumes without redoing
// them. Sub-streams pool into jobs (in sub-stream order) and jobs into one row per design, scenario
// and rate (in seed order), which the golden figures are checked against: the merged figures are the
// same on one process and on any number of ranks.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/work_pool.hpp"
#include "tb/chain_samples.hpp"
#include "tb/chain_summary.hpp"
#include "tb/regression_suite.hpp"

namespace pixforge::tb {

// The pooled result of several chain runs: a job's sub-streams, or a row's jobs.
struct PooledRuns {
    bool complete = false;                // every run succeeded
    std::vector<std::string> failures;    // the runs that did not, each with its reason
    ChainSamples samples;                 // the runs that did, pooled
    std::optional<ChainSummary> summary;  // when complete
};

struct GoldenCheck {
    GoldenFigure golden;
    double measured = 0;  // NaN: not fitted, or the row did not complete
    bool pass = false;
    std::string detail;
};

struct RegressionRow {  // one design in one scenario at one rate, over every seed
    std::size_t design = 0, scenario = 0;
    std::string rate;
    std::vector<std::size_t> jobs;
    PooledRuns pooled;
    std::vector<GoldenCheck> checks;
    std::string waves;  // when it failed: the FST file of its events (suite.waves_on_failure), or why none
    bool passed() const;
};

struct RegressionResults {
    std::vector<RegressionJob> jobs;
    std::vector<PooledRuns> job_results;  // per job
    std::vector<RegressionRow> rows;
    std::size_t runs = 0, resumed = 0, failed_runs = 0;
    int workers = 1;
    double wall_s = 0;
    double flush_s = 0;   // coordinator: writing each result as it arrived (serial on rank 0)
    double merge_s = 0;   // coordinator: reading back, pooling and checking the goldens
    bool passed() const;  // every row complete and every golden figure within tolerance
    nlohmann::json to_json(const RegressionSuite& suite) const;
};

struct RegressionRequest {
    std::filesystem::path out;    // OUT: runs/, report.h5
    std::filesystem::path cache;  // candidate cache; empty: the default
    std::string command_line;     // for provenance
};

// Every rank calls it; only the coordinator gets results (workers get nothing once the coordinator
// is done). `progress`: one line per finished run, on the coordinator.
std::optional<RegressionResults> run_regression(const RegressionSuite& suite,
                                                const RegressionRequest& request, WorkPool& pool,
                                                std::ostream* progress);

// The figures of a row against its golden figures (one check each).
std::vector<GoldenCheck> check_goldens(const RegressionSuite& suite, const RegressionRow& row);

}  // namespace pixforge::tb
