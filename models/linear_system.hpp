// Continuous-time linear systems dx/dt = A x + B u, y = C x, built as cascades of first-order
// sections (CSA integrator, RC low-pass, CR high-pass). The pulse response and the noise of the
// analog front end both come from these matrices, so signal and noise see exactly the same
// filter. Discretization is exact (matrix exponential), never Euler.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace pixforge::models {

struct LinearSystem {
    Eigen::MatrixXd A;     // n x n
    Eigen::MatrixXd B;     // n x m (m independent inputs)
    Eigen::RowVectorXd C;  // 1 x n

    Eigen::Index states() const { return A.rows(); }
    // exp(A t)
    Eigen::MatrixXd transition(double t) const;
    // Stationary state covariance P for unit-intensity white inputs: A P + P A' + B B' = 0.
    Eigen::MatrixXd stationary_covariance() const;
};

// Builds a cascade. The "signal" between sections is a linear combination of states and inputs.
class CascadeBuilder {
  public:
    explicit CascadeBuilder(int inputs);

    // Signal = sum of weights[j] * u_j (direct, white).
    CascadeBuilder& inputs(const std::vector<double>& weights);
    // A bank of independent low-passes, one per input j: dx_j/dt = -x_j/tau_j + gain_j u_j; signal = sum x_j.
    CascadeBuilder& lowpass_bank(const std::vector<double>& taus, const std::vector<double>& gains);
    // dx/dt = (gain * signal - x) / tau; signal = x.
    CascadeBuilder& lowpass(double tau, double gain = 1.0);
    // dx/dt = signal - x / tau_decay (tau_decay <= 0: pure integrator); signal = x.
    CascadeBuilder& integrator(double tau_decay);
    // dw/dt = (signal - w) / tau; signal = signal - w.
    CascadeBuilder& highpass(double tau);
    // y = scale * signal; the signal must not feed inputs straight through.
    LinearSystem output(double scale) const;

  private:
    Eigen::Index add_state();

    int inputs_;
    Eigen::MatrixXd A_, B_;
    Eigen::RowVectorXd c_;  // signal's state part
    Eigen::RowVectorXd d_;  // signal's direct input part
};

// Block-diagonal union of systems with independent inputs and summed outputs.
LinearSystem parallel_sum(const std::vector<LinearSystem>& systems);

}  // namespace pixforge::models
