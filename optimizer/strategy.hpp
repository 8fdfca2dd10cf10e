// The interface every search strategy implements: given all trials so far, propose the next q
// points of the unit cube. A proposal depends only on the history and the strategy's seed, never
// on hidden state, so a study killed at any moment resumes with exactly the proposals it would
// have made (see study.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "optimizer/design_space.hpp"
#include "optimizer/pareto.hpp"

namespace pixforge::optimizer {

struct Trial {
    std::vector<double> u;  // snapped point
    Vector objectives;      // minimized
    Vector constraints;     // feasible when all <= 0
    bool ok = true;         // false: the evaluation failed; objectives are meaningless
};

struct ProblemShape {
    int objectives = 2;
    int constraints = 0;
    Vector reference;  // hypervolume reference point
};

class Strategy {
  public:
    virtual ~Strategy() = default;
    virtual std::string name() const = 0;
    virtual std::vector<std::vector<double>> propose(const std::vector<Trial>& history, int q) = 0;
};

struct StrategyOptions {
    int initial_points = 10;  // Sobol design before the model-based or evolutionary phase
    int population = 10;      // NSGA-II
    int candidates = 1024;    // Bayesian: Sobol candidates per proposal
};

// name: bayesian, sobol, random, nsga2.
std::unique_ptr<Strategy> make_strategy(const std::string& name, const DesignSpace& space,
                                        const ProblemShape& shape, std::uint64_t seed,
                                        const StrategyOptions& options = {});
std::vector<std::string> strategy_names();

// Trials that succeeded and satisfy every constraint.
std::vector<Vector> feasible_objectives(const std::vector<Trial>& history);
bool feasible(const Trial& t);

}  // namespace pixforge::optimizer
