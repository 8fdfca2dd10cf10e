#include "models/linear_system.hpp"

#include <stdexcept>

#include <unsupported/Eigen/MatrixFunctions>

namespace pixforge::models {

Eigen::MatrixXd LinearSystem::transition(double t) const {
    return (A * t).exp();
}

Eigen::MatrixXd LinearSystem::stationary_covariance() const {
    // Kronecker form: (I (x) A + A (x) I) vec(P) = -vec(B B'). The systems are small (< 40 states).
    const Eigen::Index n = A.rows();
    const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(n, n);
    Eigen::MatrixXd K = Eigen::MatrixXd::Zero(n * n, n * n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) {
            K.block(i * n, j * n, n, n) += A(i, j) * I;  // A (x) I acts on the column index
            if (i == j) K.block(i * n, j * n, n, n) += A;
        }
    const Eigen::MatrixXd Q = B * B.transpose();
    const Eigen::VectorXd q = Eigen::Map<const Eigen::VectorXd>(Q.data(), n * n);
    Eigen::VectorXd p = K.partialPivLu().solve(-q);
    Eigen::MatrixXd P = Eigen::Map<Eigen::MatrixXd>(p.data(), n, n);
    return 0.5 * (P + P.transpose());
}

CascadeBuilder::CascadeBuilder(int inputs)
    : inputs_(inputs), A_(0, 0), B_(0, inputs), c_(0), d_(Eigen::RowVectorXd::Zero(inputs)) {}

Eigen::Index CascadeBuilder::add_state() {
    const Eigen::Index n = A_.rows();
    A_.conservativeResize(n + 1, n + 1);
    A_.row(n).setZero();
    A_.col(n).setZero();
    B_.conservativeResize(n + 1, inputs_);
    B_.row(n).setZero();
    c_.conservativeResize(n + 1);
    c_(n) = 0;
    return n;
}

CascadeBuilder& CascadeBuilder::inputs(const std::vector<double>& weights) {
    for (int j = 0; j < inputs_; ++j) d_(j) = weights.at(static_cast<size_t>(j));
    return *this;
}

CascadeBuilder& CascadeBuilder::lowpass_bank(const std::vector<double>& taus,
                                             const std::vector<double>& gains) {
    if (static_cast<int>(taus.size()) != inputs_ || A_.rows() != 0)
        throw std::logic_error("lowpass_bank: one tau per input, as the first section");
    for (int j = 0; j < inputs_; ++j) {
        const Eigen::Index x = add_state();
        A_(x, x) = -1.0 / taus[static_cast<size_t>(j)];
        B_(x, j) = gains[static_cast<size_t>(j)];
    }
    c_ = Eigen::RowVectorXd::Ones(A_.rows());
    d_.setZero();
    return *this;
}

CascadeBuilder& CascadeBuilder::lowpass(double tau, double gain) {
    const Eigen::Index x = add_state();
    A_.row(x) += gain / tau * c_;
    A_(x, x) -= 1.0 / tau;
    B_.row(x) += gain / tau * d_;
    c_.setZero();
    c_(x) = 1.0;
    d_.setZero();
    return *this;
}

CascadeBuilder& CascadeBuilder::integrator(double tau_decay) {
    const Eigen::Index x = add_state();
    A_.row(x) += c_;
    if (tau_decay > 0) A_(x, x) -= 1.0 / tau_decay;
    B_.row(x) += d_;
    c_.setZero();
    c_(x) = 1.0;
    d_.setZero();
    return *this;
}

CascadeBuilder& CascadeBuilder::highpass(double tau) {
    const Eigen::Index w = add_state();
    A_.row(w) += c_ / tau;
    A_(w, w) -= 1.0 / tau;
    B_.row(w) += d_ / tau;
    c_(w) -= 1.0;
    return *this;
}

LinearSystem CascadeBuilder::output(double scale) const {
    if (d_.cwiseAbs().maxCoeff() > 0)
        throw std::logic_error("cascade output feeds its input straight through");
    return {A_, B_, scale * c_};
}

LinearSystem parallel_sum(const std::vector<LinearSystem>& systems) {
    Eigen::Index n = 0, m = 0;
    for (const auto& s : systems) {
        n += s.A.rows();
        m += s.B.cols();
    }
    LinearSystem out{Eigen::MatrixXd::Zero(n, n), Eigen::MatrixXd::Zero(n, m), Eigen::RowVectorXd::Zero(n)};
    Eigen::Index r = 0, c = 0;
    for (const auto& s : systems) {
        out.A.block(r, r, s.A.rows(), s.A.cols()) = s.A;
        out.B.block(r, c, s.B.rows(), s.B.cols()) = s.B;
        out.C.segment(r, s.C.size()) = s.C;
        r += s.A.rows();
        c += s.B.cols();
    }
    return out;
}

}  // namespace pixforge::models
