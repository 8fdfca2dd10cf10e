// Acquisition functions for minimization with independent Gaussian predictions per output.
//
// Exact expected hypervolume improvement for any number of objectives over a box decomposition
// of the non-dominated region: a new point Y improves the hypervolume by sum over boxes of
// prod_j max(0, u_j - max(l_j, Y_j)), and with independent Y_j each factor's expectation has a
// closed form. The decomposition is a staircase (n+1 boxes) for 2 objectives and a grid
// (O(n^M) cells) beyond, so it is used up to 3 objectives; from 4 on the strategy switches to
// ParEGO (random Chebyshev scalarization + expected improvement).
#pragma once

#include <vector>

#include "optimizer/pareto.hpp"

namespace pixforge::optimizer {

class ExpectedHypervolumeImprovement {
  public:
    ExpectedHypervolumeImprovement(const std::vector<Vector>& front, const Vector& reference);
    double operator()(const Vector& mean, const Vector& sd) const;
    size_t boxes() const { return box_intervals_.size(); }

  private:
    size_t m_;
    // Per objective, the distinct (lower, upper) intervals the boxes use; boxes index into them.
    std::vector<std::vector<std::pair<double, double>>> intervals_;
    std::vector<std::vector<int>> box_intervals_;
    mutable std::vector<std::vector<double>> factor_;  // scratch: expectation per interval
};

// Probability that every constraint is <= 0.
double probability_of_feasibility(const Vector& mean, const Vector& sd);
// Expected improvement below `best` (minimization).
double expected_improvement(double best, double mean, double sd);
// Augmented Chebyshev scalarization of normalized objectives (ParEGO, rho = 0.05).
double chebyshev(const Vector& normalized, const Vector& weights);

}  // namespace pixforge::optimizer
