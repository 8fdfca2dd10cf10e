// Two-phase searches over a space split into an algorithm part (the network) and a hardware part,
// as published co-design work compares them with a joint search (docs/strategies.md):
//
//   successive      phase 1 searches the algorithm for objective 0 alone (accuracy), ignoring
//                   every constraint, on one hardware point; phase 2 searches the hardware for
//                   the most accurate algorithm (the NAS-then-ASIC baseline of NASAIC, DAC 2020).
//   semi_decoupled  phase 1 searches the algorithm for every objective and constraint on one
//                   hardware point (the proxy); the best `keep` algorithms (non-dominated sorting,
//                   feasible first) go on; phase 2 searches the hardware for those alone, each
//                   hardware point with all of them, so that their ranks can be compared across
//                   hardware (Lu, Yan, Shi, Ren, tinyML 2022).
//
// Each phase runs an inner strategy (bayesian, sobol, ...) on its own sub-space: phase 1 on the
// algorithm's parameters, phase 2 on the hardware's, where a hardware point's objectives are the
// mean over the kept algorithms and its constraints their best (the premise being that hardware
// moves every algorithm alike). Proposals depend only on the history and the seed, as every
// strategy's must (study.hpp): the phase is the number of finished trials.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "optimizer/strategy.hpp"

namespace pixforge::optimizer {

struct PhasedOptions {
    std::vector<std::size_t> hardware;  // the space's hardware parameters (the rest: the algorithm)
    std::vector<double> proxy;          // a point of the space whose hardware coordinates phase 1 uses
    int algorithm_trials = 16;          // phase 1's budget
    int keep = 1;                       // algorithms phase 2 searches the hardware for
    bool accuracy_only = false;         // phase 1 on objective 0 alone, constraints ignored
    std::string inner = "bayesian";
    StrategyOptions inner_options;
};

class PhasedStrategy : public Strategy {
  public:
    // std::invalid_argument when a hardware parameter depends on an algorithm one or the reverse,
    // when either part is empty, or when the proxy is not a point of the space.
    PhasedStrategy(std::string name, const DesignSpace& space, const ProblemShape& shape, std::uint64_t seed,
                   PhasedOptions options);
    ~PhasedStrategy() override;
    std::string name() const override { return name_; }
    std::vector<std::vector<double>> propose(const std::vector<Trial>& history, int q) override;

    // The algorithms phase 2 searches the hardware for, as points of the space (hardware
    // coordinates at the proxy), best first; empty during phase 1.
    std::vector<std::vector<double>> kept(const std::vector<Trial>& history) const;
    // Whether two points share their algorithm coordinates / their hardware coordinates.
    bool same_algorithm(const std::vector<double>& a, const std::vector<double>& b) const;
    bool same_hardware(const std::vector<double>& a, const std::vector<double>& b) const;

  private:
    struct Part;
    std::vector<std::vector<double>> propose_algorithms(const std::vector<Trial>& history, int q);
    std::vector<std::vector<double>> propose_hardware(const std::vector<Trial>& history, int q);

    std::string name_;
    const DesignSpace& space_;
    ProblemShape shape_;
    std::uint64_t seed_;
    PhasedOptions options_;
    std::unique_ptr<Part> algorithm_, hardware_;
};

}  // namespace pixforge::optimizer
