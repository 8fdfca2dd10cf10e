#include "optimizer/strategy.hpp"

#include <stdexcept>

#include "optimizer/bayesian.hpp"
#include "optimizer/nsga2.hpp"
#include "optimizer/simple_strategies.hpp"

namespace pixforge::optimizer {

bool feasible(const Trial& t) {
    if (!t.ok) return false;
    for (double c : t.constraints)
        if (c > 0) return false;
    return true;
}

std::vector<Vector> feasible_objectives(const std::vector<Trial>& history) {
    std::vector<Vector> out;
    for (const auto& t : history)
        if (feasible(t)) out.push_back(t.objectives);
    return out;
}

std::vector<std::string> strategy_names() {
    return {"bayesian", "sobol", "random", "nsga2"};
}

std::unique_ptr<Strategy> make_strategy(const std::string& name, const DesignSpace& space,
                                        const ProblemShape& shape, std::uint64_t seed,
                                        const StrategyOptions& options) {
    if (name == "bayesian") return std::make_unique<BayesianStrategy>(space, shape, seed, options);
    if (name == "sobol") return std::make_unique<SobolStrategy>(space, seed);
    if (name == "random") return std::make_unique<RandomStrategy>(space, seed);
    if (name == "nsga2") return std::make_unique<Nsga2Strategy>(space, shape, seed, options.population);
    throw std::invalid_argument("unknown strategy " + name);
}

}  // namespace pixforge::optimizer
