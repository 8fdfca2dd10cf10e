// Runs a strategy on a benchmark problem for a budget of evaluations and records the
// hypervolume after every evaluation and the time of every proposal.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "core/provenance.hpp"
#include "optimizer/problems.hpp"
#include "optimizer/strategy.hpp"

namespace pixforge::optimizer {

struct BenchmarkRun {
    std::string problem, strategy;
    std::uint64_t seed = 0;
    double max_hypervolume = 0;
    std::vector<double> hypervolume;       // after each evaluation
    std::vector<double> proposal_seconds;  // per proposal call
    std::vector<Trial> trials;

    // log10(HVmax - HV) after evaluation i, floored at -12 when the front is (numerically) reached.
    double log_gap(size_t i) const;
};

BenchmarkRun run_benchmark(const BenchmarkProblem& problem, const std::string& strategy, int evaluations,
                           std::uint64_t seed, const StrategyOptions& options, int batch = 1);

// Independent runs of one strategy on one problem (seeds 1..K), as pixforge bench-optimizer prints
// them: per seed and evaluation the hypervolume and log10 gap, then the median over seeds.
struct BenchmarkSeries {
    std::vector<BenchmarkRun> runs;

    double median_log_gap(size_t i) const;  // over the seeds, after evaluation i
    std::string json() const;
    void write_table(std::ostream& out) const;
};
// `progress` gets a line per finished seed.
BenchmarkSeries run_benchmark_seeds(const BenchmarkProblem& problem, const std::string& strategy,
                                    int evaluations, int seeds, const StrategyOptions& options, int batch,
                                    std::ostream* progress);

// One seed as a resumable study in `folder` (journal and HDF5 report, a line per trial on
// `progress`), its problem and budget recorded in the study's config; returns the study's summary
// line.
std::string run_benchmark_study(const BenchmarkProblem& problem, const std::string& strategy, int evaluations,
                                int batch, const StrategyOptions& options,
                                const std::filesystem::path& folder, bool resume,
                                const Provenance& provenance, std::ostream* progress);

}  // namespace pixforge::optimizer
