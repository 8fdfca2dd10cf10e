// Multi-objective Bayesian optimization. After a scrambled Sobol design, each proposal fits one
// GP per objective and per constraint on the successful trials, then maximizes
//   exact EHVI x probability of feasibility           (2-3 objectives, a feasible trial exists)
//   ParEGO expected improvement x feasibility          (4+ objectives)
//   probability of feasibility                         (no feasible trial yet)
// over the mixed space: Sobol candidates plus perturbations of the current Pareto set, the best
// refined by a local search (Gaussian steps on continuous coordinates, cell moves on discrete
// ones). Batches of q use the kriging believer: each chosen point joins the GPs at its
// predicted mean before the next is chosen. Every random choice derives from (seed, trials), so
// proposals are reproducible from the history alone.
#pragma once

#include "optimizer/gaussian_process.hpp"
#include "optimizer/strategy.hpp"

namespace pixforge::optimizer {

class BayesianStrategy : public Strategy {
  public:
    BayesianStrategy(const DesignSpace& space, const ProblemShape& shape, std::uint64_t seed,
                     StrategyOptions options);
    std::string name() const override { return "bayesian"; }
    std::vector<std::vector<double>> propose(const std::vector<Trial>& history, int q) override;

  private:
    struct Models;
    std::vector<double> best_point(Models& models, const std::vector<Trial>& history,
                                   const std::vector<Vector>& front, std::uint64_t seed) const;

    const DesignSpace& space_;
    ProblemShape shape_;
    std::uint64_t seed_;
    StrategyOptions options_;
};

}  // namespace pixforge::optimizer
