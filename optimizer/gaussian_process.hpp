// Gaussian-process regression for one objective or constraint: Matern-5/2 kernel with automatic
// relevance determination (one length scale per input feature), constant mean, a noise term.
// Outputs are standardized; inputs are the design space's features (already in [0,1]).
// Hyperparameters maximize the marginal likelihood plus weak log-normal priors (MAP), by
// multi-start L-BFGS with analytic gradients. A Cholesky that fails gets growing jitter.
#pragma once

#include <Eigen/Dense>
#include <cstdint>

namespace pixforge::optimizer {

class GaussianProcess {
  public:
    struct Options {
        int restarts = 2;         // random starts besides the prior mean
        int max_iterations = 60;  // per start
    };

    // Fits hyperparameters and conditions on (X rows, y). Deterministic for `seed`.
    void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::uint64_t seed, Options options);
    // Conditions on one more observation with the current hyperparameters (kriging believer).
    void add_observation(const Eigen::VectorXd& x, double y);
    // Latent mean and variance (not including observation noise), in the units of y.
    void predict(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const;

    const Eigen::VectorXd& hyperparameters() const { return theta_; }  // log l_1..D, log sf^2, log sn^2
    double negative_log_posterior() const { return nlp_; }
    std::size_t observations() const { return static_cast<std::size_t>(X_.rows()); }

    // Negative log posterior of theta and its gradient, for the data set last given to fit().
    double objective(const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) const;

  private:
    Eigen::MatrixXd kernel(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                           const Eigen::VectorXd& theta) const;
    void condition();  // Cholesky and weights for theta_

    Eigen::MatrixXd X_;
    Eigen::VectorXd y_;  // standardized
    double y_mean_ = 0, y_scale_ = 1;
    Eigen::VectorXd theta_;
    Eigen::MatrixXd L_;
    Eigen::VectorXd alpha_;
    double nlp_ = 0;
};

}  // namespace pixforge::optimizer
