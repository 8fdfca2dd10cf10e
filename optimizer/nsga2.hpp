// NSGA-II (Deb et al. 2002) on the unit cube with pagmo2's operators: fast non-dominated
// sorting, crowding distance, SBX crossover and polynomial mutation. Infeasible or failed
// trials rank behind every feasible one (constraint domination, by total violation).
//
// The population is replayed from the history: generation 0 is the first `population` trials
// (the shared Sobol design), and each later block of `population` trials is one offspring
// generation; survivors are the best `population` of parents plus offspring. So proposals depend
// only on the history and the seed, and a resumed study continues the same run.
#pragma once

#include "optimizer/strategy.hpp"

namespace pixforge::optimizer {

class Nsga2Strategy : public Strategy {
  public:
    Nsga2Strategy(const DesignSpace& space, const ProblemShape& shape, std::uint64_t seed, int population);
    std::string name() const override { return "nsga2"; }
    std::vector<std::vector<double>> propose(const std::vector<Trial>& history, int q) override;

  private:
    std::vector<size_t> survivors(const std::vector<Trial>& history, const std::vector<size_t>& pool) const;
    std::vector<std::vector<double>> offspring(const std::vector<Trial>& history,
                                               const std::vector<size_t>& parents, size_t generation) const;

    const DesignSpace& space_;
    ProblemShape shape_;
    std::uint64_t seed_;
    size_t population_;
};

}  // namespace pixforge::optimizer
