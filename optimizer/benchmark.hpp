// Runs a strategy on a benchmark problem for a budget of evaluations and records the
// hypervolume after every evaluation and the time of every proposal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace pixforge::optimizer
