#include "optimizer/gaussian_process.hpp"

#include <cmath>
#include <limits>

#include "core/random.hpp"
#include "optimizer/lbfgs.hpp"

namespace pixforge::optimizer {
namespace {

constexpr double kSqrt5 = 2.23606797749979;
constexpr double kMinNoise = 1e-6;  // standardized units
// Weak priors: length scale ~ logN(log 0.5, 1), signal variance ~ logN(0, 1), noise ~ logN(log 1e-3, 2).
constexpr double kLengthMean = -0.6931471805599453, kLengthSd = 1.0;
constexpr double kSignalMean = 0.0, kSignalSd = 1.0;
constexpr double kNoiseMean = -6.907755278982137, kNoiseSd = 2.0;

double noise_variance(double log_noise) {
    return kMinNoise + std::exp(log_noise);
}

// Cholesky with growing jitter when K is not numerically positive definite.
bool robust_cholesky(Eigen::MatrixXd K, Eigen::MatrixXd& L) {
    double jitter = 0;
    for (int attempt = 0; attempt < 8; ++attempt) {
        Eigen::LLT<Eigen::MatrixXd> llt(K);
        if (llt.info() == Eigen::Success) {
            L = llt.matrixL();
            return true;
        }
        const double next = jitter == 0 ? 1e-8 * std::max(1.0, K.diagonal().mean()) : jitter * 10;
        K.diagonal().array() += next - jitter;
        jitter = next;
    }
    return false;
}

}  // namespace

Eigen::MatrixXd GaussianProcess::kernel(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                                        const Eigen::VectorXd& theta) const {
    const Eigen::Index d = A.cols();
    const Eigen::ArrayXd inv_l = (-theta.head(d)).array().exp();
    const double sf2 = std::exp(theta(d));
    const Eigen::MatrixXd As = A * inv_l.matrix().asDiagonal(), Bs = B * inv_l.matrix().asDiagonal();
    Eigen::MatrixXd r2 = (-2.0 * As * Bs.transpose()).colwise() + As.rowwise().squaredNorm();
    r2.rowwise() += Bs.rowwise().squaredNorm().transpose();
    const Eigen::ArrayXXd r = r2.array().max(0.0).sqrt();
    return (sf2 * (1 + kSqrt5 * r + 5.0 / 3.0 * r.square()) * (-kSqrt5 * r).exp()).matrix();
}

double GaussianProcess::objective(const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) const {
    const Eigen::Index n = X_.rows(), d = X_.cols();
    Eigen::MatrixXd K = kernel(X_, X_, theta);
    const Eigen::MatrixXd Kf = K;
    const double sn2 = noise_variance(theta(d + 1));
    K.diagonal().array() += sn2;
    Eigen::MatrixXd L;
    if (!robust_cholesky(K, L)) return std::numeric_limits<double>::infinity();
    const Eigen::VectorXd alpha =
        L.transpose().triangularView<Eigen::Upper>().solve(L.triangularView<Eigen::Lower>().solve(y_));
    double nlp = 0.5 * y_.dot(alpha) + L.diagonal().array().log().sum() + 0.5 * n * std::log(2 * M_PI);
    auto prior = [&](double x, double mean, double sd) { return 0.5 * (x - mean) * (x - mean) / (sd * sd); };
    for (Eigen::Index j = 0; j < d; ++j) nlp += prior(theta(j), kLengthMean, kLengthSd);
    nlp += prior(theta(d), kSignalMean, kSignalSd) + prior(theta(d + 1), kNoiseMean, kNoiseSd);
    if (!gradient) return nlp;
    // dNLP/dtheta = -1/2 tr((alpha alpha' - K^-1) dK/dtheta) + prior terms.
    const Eigen::MatrixXd Kinv = L.transpose().triangularView<Eigen::Upper>().solve(
        L.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(n, n)));
    const Eigen::MatrixXd W = alpha * alpha.transpose() - Kinv;
    gradient->resize(d + 2);
    // Length scales: dK/dlog l_k = sf2 (5/3)(1 + sqrt5 r) e^{-sqrt5 r} (dx_k / l_k)^2.
    const Eigen::ArrayXd inv_l = (-theta.head(d)).array().exp();
    const double sf2 = std::exp(theta(d));
    const Eigen::MatrixXd Xs = X_ * inv_l.matrix().asDiagonal();
    Eigen::MatrixXd r2 = (-2.0 * Xs * Xs.transpose()).colwise() + Xs.rowwise().squaredNorm();
    r2.rowwise() += Xs.rowwise().squaredNorm().transpose();
    const Eigen::ArrayXXd r = r2.array().max(0.0).sqrt();
    const Eigen::ArrayXXd common = W.array() * (sf2 * 5.0 / 3.0 * (1 + kSqrt5 * r) * (-kSqrt5 * r).exp());
    for (Eigen::Index k = 0; k < d; ++k) {
        const Eigen::VectorXd col = Xs.col(k);
        Eigen::ArrayXXd diff2 = (col.replicate(1, n) - col.transpose().replicate(n, 1)).array().square();
        (*gradient)(k) = -0.5 * (common * diff2).sum() + (theta(k) - kLengthMean) / (kLengthSd * kLengthSd);
    }
    (*gradient)(d) =
        -0.5 * (W.array() * Kf.array()).sum() + (theta(d) - kSignalMean) / (kSignalSd * kSignalSd);
    (*gradient)(d + 1) =
        -0.5 * W.trace() * (sn2 - kMinNoise) + (theta(d + 1) - kNoiseMean) / (kNoiseSd * kNoiseSd);
    return nlp;
}

void GaussianProcess::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::uint64_t seed,
                          Options options) {
    X_ = X;
    y_mean_ = y.mean();
    const double var = (y.array() - y_mean_).square().mean();
    y_scale_ = var > 1e-300 ? std::sqrt(var) : 1.0;
    y_ = (y.array() - y_mean_) / y_scale_;
    const Eigen::Index d = X.cols();
    Eigen::VectorXd start(d + 2);
    start.head(d).setConstant(kLengthMean);
    start(d) = kSignalMean;
    start(d + 1) = kNoiseMean;
    Rng rng(seed, "gp.restarts");
    const Objective f = [this](const Eigen::VectorXd& t, Eigen::VectorXd& g) { return objective(t, &g); };
    LbfgsResult best = minimize_lbfgs(f, start, options.max_iterations);
    for (int r = 0; r < options.restarts; ++r) {
        Eigen::VectorXd s(d + 2);
        for (Eigen::Index j = 0; j < d; ++j) s(j) = kLengthMean + kLengthSd * rng.normal();
        s(d) = kSignalMean + kSignalSd * rng.normal();
        s(d + 1) = kNoiseMean + kNoiseSd * rng.normal();
        LbfgsResult candidate = minimize_lbfgs(f, s, options.max_iterations);
        if (candidate.value < best.value) best = candidate;
    }
    theta_ = best.x;
    nlp_ = best.value;
    condition();
}

void GaussianProcess::condition() {
    const Eigen::Index d = X_.cols();
    Eigen::MatrixXd K = kernel(X_, X_, theta_);
    K.diagonal().array() += noise_variance(theta_(d + 1));
    if (!robust_cholesky(K, L_)) {
        // Hopeless conditioning: fall back to a large noise so predictions stay finite.
        K.diagonal().array() += 1.0;
        robust_cholesky(K, L_);
    }
    alpha_ = L_.transpose().triangularView<Eigen::Upper>().solve(L_.triangularView<Eigen::Lower>().solve(y_));
}

void GaussianProcess::add_observation(const Eigen::VectorXd& x, double y) {
    X_.conservativeResize(X_.rows() + 1, Eigen::NoChange);
    X_.row(X_.rows() - 1) = x.transpose();
    y_.conservativeResize(y_.size() + 1);
    y_(y_.size() - 1) = (y - y_mean_) / y_scale_;
    condition();
}

void GaussianProcess::predict(const Eigen::MatrixXd& Xs, Eigen::VectorXd& mean,
                              Eigen::VectorXd& variance) const {
    const Eigen::Index d = X_.cols();
    const Eigen::MatrixXd Ks = kernel(Xs, X_, theta_);
    mean = (Ks * alpha_).array() * y_scale_ + y_mean_;
    const Eigen::MatrixXd V = L_.triangularView<Eigen::Lower>().solve(Ks.transpose());
    const double sf2 = std::exp(theta_(d));
    variance =
        ((sf2 - V.colwise().squaredNorm().array()).max(1e-12) * y_scale_ * y_scale_).matrix().transpose();
}

}  // namespace pixforge::optimizer
