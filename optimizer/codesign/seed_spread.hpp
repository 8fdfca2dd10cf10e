// How much a network's figures owe to its training seed: each network the study offers (its
// feasible Pareto set, or with nothing feasible its non-dominated designs) is retrained with
// codesign.front_seeds more seeds through every stage (STUDY/seeds/<k>/, TrialMetrics::retrain_of), and its
// objectives are compared across the seeds. A front whose spread is as large as the gaps between its designs,
// or between a network and a classical filter, is not a ranking yet.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "optimizer/codesign/trial_metrics.hpp"
#include "optimizer/pareto.hpp"

namespace pixforge::codesign {

struct SeedSpread {
    std::int64_t trial = 0;
    std::vector<std::int64_t> seeds;              // of the finished runs; the trial's own first
    std::vector<std::vector<double>> objectives;  // [run][objective], the trial's own first
    std::vector<double> mean, sd, min, max;       // per objective; sd NaN with one run
    std::size_t feasible = 0;                     // runs that meet every constraint
    std::size_t failed = 0;                       // retrains that failed at a stage

    nlohmann::json to_json(const std::vector<std::string>& objective_names) const;
};

// The designs a study offers, by id: its feasible non-dominated trials, or when none is feasible the
// non-dominated ones among those that finished (how far it is from its pixel). These are retrained.
std::vector<TrialMetrics> offered_front(const std::vector<TrialMetrics>& trials);
// The same rule on bare designs: the indices of the feasible non-dominated ones, or with none
// feasible of the non-dominated ones.
std::vector<std::size_t> offered_indices(const std::vector<optimizer::Vector>& objectives,
                                         const std::vector<bool>& feasible);

// One per finished trial of `front` (in its order) with its finished retrains among `retrains`;
// `trial_seed` is the training seed the trials themselves used.
std::vector<SeedSpread> seed_spreads(const std::vector<TrialMetrics>& front, std::int64_t trial_seed,
                                     const std::vector<TrialMetrics>& retrains);

}  // namespace pixforge::codesign
