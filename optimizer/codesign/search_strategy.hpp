// How a co-design study searches, codesign.strategy (docs/strategies.md):
//   joint           every parameter at once, synthesis in the loop (optimizer.strategy proposes)
//   successive      the network for accuracy alone on one hardware point, then the hardware for
//                   the most accurate network (NAS, then ASIC)
//   semi_decoupled  the network on one hardware point for every objective, then the hardware for
//                   the best codesign.keep_networks networks only
// The space splits into hardware parameters (template, reuse, pipeline, clock_gating and any
// synthesis.* key) and network ones (the rest); codesign.proxy_hardware names the hardware point
// of the first phase. rank_agreement() measures the premise of the semi-decoupled search: that
// networks rank alike across hardware.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/config_schema.hpp"
#include "optimizer/design_space.hpp"
#include "optimizer/strategy.hpp"

namespace pixforge::codesign {

bool is_hardware_parameter(const std::string& name);

// The study's strategy for `budget` trials; OPT-006 for a proxy_hardware that names no hardware
// parameter of the space or a value it does not take, OPT-007 for a two-phase search over a space
// without both network and hardware parameters.
std::unique_ptr<optimizer::Strategy> make_search_strategy(const Config& config,
                                                          const optimizer::DesignSpace& space,
                                                          const optimizer::ProblemShape& shape,
                                                          std::uint64_t seed, int budget);

// The trials of the network phase of a successive or semi_decoupled search of `budget` trials.
int network_phase_trials(const Config& config, int budget);

// A design as the trials record it ("hidden_width=8, template=folded, reuse=4") split into its
// network part and its hardware part (each "name=value, ...").
std::pair<std::string, std::string> split_design(const std::string& design);

// How alike networks rank across the hardware points that evaluated at least three of the same
// networks: per objective, Spearman and Kendall's tau-b between every pair of such points.
struct RankAgreement {
    std::size_t hardware_points = 0, pairs = 0, networks = 0;
    std::vector<std::string> objectives;
    std::vector<double> spearman_mean, spearman_min, kendall_mean, kendall_min;  // per objective
    nlohmann::json to_json() const;
};
struct DesignResult {
    std::string design;
    std::vector<double> objectives;  // empty: failed
};
RankAgreement rank_agreement(const std::vector<DesignResult>& results,
                             const std::vector<std::string>& objectives);

// What a two-phase search (successive, semi_decoupled) spared: phase 1 ran `phase_one_trials`
// trials over `networks` networks on the proxy hardware; phase 2 ran `phase_two_trials` over `kept`
// of them on `hardware_points` points. Every phase-1 network on those points would have taken
// networks x hardware_points trials: `saved_trials` fewer than both phases took together with
// phase 1's, worth `saved_seconds` at phase 2's mean trial time.
struct PhaseSavings {
    std::size_t phase_one_trials = 0, phase_two_trials = 0, networks = 0, kept = 0, hardware_points = 0;
    std::int64_t coupled_trials = 0, saved_trials = 0;
    double seconds_per_trial = 0, saved_seconds = 0;
    nlohmann::json to_json() const;
};
// `designs` and `seconds` in the order the trials finished (the journal's: the phase is the number
// of finished trials), failed ones included.
PhaseSavings phase_savings(const std::vector<std::string>& designs, const std::vector<double>& seconds,
                           std::size_t network_trials);

void declare_search_keys(ConfigSchema& schema);

}  // namespace pixforge::codesign
