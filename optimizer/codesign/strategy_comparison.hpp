// `pixforge compare-strategies`: every search strategy on the same pixel, the same trial budget
// and the same seeds (docs/strategies.md). Each (strategy, seed) is a co-design study in
// OUT/<strategy>/seed-<s>/ that shares one cache, so strategies that evaluate the same design share
// its dataset, training, build and synthesis; a rerun resumes them. The strategies:
//   joint            codesign.strategy joint, synthesis in the loop
//   joint_theory     the same under theory guidance (proxies, then the front synthesized)
//   successive       codesign.strategy successive
//   semi_decoupled   codesign.strategy semi_decoupled
// Each run is scored on what it answers a designer, with the real (synthesized) objectives and the
// study's hypervolume reference: its feasible Pareto set (the theory-guided run: its front once
// synthesized; the successive run: the front of its hardware phase), or, with nothing feasible,
// the non-dominated designs it found, each a spec violation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pixforge::codesign {

struct ComparisonRequest {
    std::filesystem::path config;
    std::vector<std::string> overrides;
    std::filesystem::path out, cache, executable;
    int budget = 24, workers = 0;
    std::vector<std::uint64_t> seeds{1, 2};
    std::vector<std::string> strategies{"joint", "joint_theory", "successive", "semi_decoupled"};
    std::string command_line;
};

std::vector<std::string> comparison_strategies();

// The scores of one finished study (STUDY-006 when it is not one).
struct RunScore {
    std::string strategy;
    std::uint64_t seed = 0;
    double hypervolume = 0;
    double best_accuracy = 0;  // objective 0 of the answer within the specs (NaN: none)
    double seconds = 0;        // the stages' time of every trial, summed (two workers halve the wall time)
    std::size_t trials = 0, feasible = 0, answer = 0, violations = 0;
    nlohmann::json rank_agreement;
    nlohmann::json to_json() const;
};
// `reference`: the synthesis-guided hypervolume reference (codesign.reference), for every strategy
// alike (a theory-guided study records its proxies' reference).
RunScore score_study(const std::filesystem::path& study_dir, const std::string& strategy, std::uint64_t seed,
                     const std::vector<double>& reference);

// Runs (or resumes) every study, writes OUT/comparison.json and prints the table to `out`.
void compare_strategies(const ComparisonRequest& q, std::ostream* progress, std::ostream& out);

}  // namespace pixforge::codesign
