// Limited-memory BFGS (two-loop recursion, memory 8) with a backtracking Armijo line search,
// for the smooth, unconstrained problems of GP hyperparameter fitting.
#pragma once

#include <Eigen/Dense>
#include <functional>

namespace pixforge::optimizer {

struct LbfgsResult {
    Eigen::VectorXd x;
    double value = 0;
    int iterations = 0;
};

// f returns the value and writes the gradient.
using Objective = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& gradient)>;
LbfgsResult minimize_lbfgs(const Objective& f, Eigen::VectorXd x0, int max_iterations = 100);

}  // namespace pixforge::optimizer
