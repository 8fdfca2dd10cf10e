#include "models/noise.hpp"

#include <cmath>

namespace pixforge::models {
namespace {

// Scales the inputs of `sys` so its output ENC equals `enc_e`; returns false when enc_e is 0.
bool calibrate(LinearSystem& sys, double enc_e, double peak_per_electron) {
    if (enc_e <= 0) return false;
    const double var = sys.C * sys.stationary_covariance() * sys.C.transpose();
    sys.B *= enc_e * peak_per_electron / std::sqrt(var);
    return true;
}

// Symmetric square root that tolerates rounding-level negative eigenvalues.
Eigen::MatrixXd psd_factor(const Eigen::MatrixXd& m) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (m + m.transpose()));
    const Eigen::VectorXd vals = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    return eig.eigenvectors() * vals.asDiagonal();
}

}  // namespace

NoiseModel::NoiseModel(const NoiseParams& params, const FrontEndResponse& frontend, double sample_period_s)
    : params_(params), sample_period_(sample_period_s) {
    const double peak = frontend.peak();
    std::vector<LinearSystem> sources;
    LinearSystem parallel = frontend.current_system();
    if (calibrate(parallel, params.enc_parallel_e, peak)) sources.push_back(parallel);
    LinearSystem series = frontend.series_system();
    if (calibrate(series, params.enc_series_e, peak)) sources.push_back(series);
    if (params.enc_flicker_e > 0) {
        // Two Lorentzians per decade; equal variances (input gain ~ 1/sqrt(tau)) give 1/f.
        const double decades = std::log10(params.flicker_high_Hz / params.flicker_low_Hz);
        const int count = std::max(2, static_cast<int>(std::ceil(2 * decades)) + 1);
        std::vector<double> taus, gains;
        for (int i = 0; i < count; ++i) {
            const double f = params.flicker_low_Hz * std::pow(10.0, decades * i / (count - 1));
            taus.push_back(1.0 / (2 * M_PI * f));
            gains.push_back(1.0 / std::sqrt(taus.back()));
        }
        LinearSystem flicker = frontend.flicker_system(taus, gains);
        calibrate(flicker, params.enc_flicker_e, peak);
        sources.push_back(flicker);
    }
    enabled_ = params.enabled && !sources.empty();
    if (!enabled_) return;
    combined_ = parallel_sum(sources);
    covariance_ = combined_.stationary_covariance();
    phi_ = combined_.transition(sample_period_s);
}

double NoiseModel::enc_target() const {
    if (!params_.enabled) return 0.0;
    return std::sqrt(params_.enc_series_e * params_.enc_series_e +
                     params_.enc_parallel_e * params_.enc_parallel_e +
                     params_.enc_flicker_e * params_.enc_flicker_e);
}

double NoiseModel::autocovariance(int lag) const {
    if (!enabled_) return 0.0;
    auto& cache = acov_;
    if (cache.size() <= static_cast<size_t>(lag)) {
        Eigen::VectorXd v = covariance_ * combined_.C.transpose();
        for (size_t k = 0; k < cache.size(); ++k) v = phi_ * v;
        while (cache.size() <= static_cast<size_t>(lag)) {
            cache.push_back(combined_.C * v);
            v = phi_ * v;
        }
    }
    return cache[static_cast<size_t>(lag)];
}

NoiseModel::WindowSampler NoiseModel::window_sampler(int length) const {
    WindowSampler s;
    Eigen::MatrixXd cov(length, length);
    for (int i = 0; i < length; ++i)
        for (int j = 0; j < length; ++j) cov(i, j) = autocovariance(std::abs(i - j));
    if (enabled_) {
        Eigen::LLT<Eigen::MatrixXd> llt(cov);
        s.lower_ = llt.info() == Eigen::Success ? Eigen::MatrixXd(llt.matrixL()) : psd_factor(cov);
    } else {
        s.lower_ = Eigen::MatrixXd::Zero(length, length);
    }
    s.z_.resize(length);
    return s;
}

void NoiseModel::WindowSampler::draw(Rng& rng, double* out) const {
    const Eigen::Index n = lower_.rows();
    for (Eigen::Index i = 0; i < n; ++i) z_(i) = rng.normal();
    Eigen::Map<Eigen::VectorXd>(out, n).noalias() = lower_.triangularView<Eigen::Lower>() * z_;
}

double NoiseModel::WindowSampler::next(Rng& rng) {
    const Eigen::Index k = drawn_++;
    z_(k) = rng.normal();
    return lower_.row(k).head(k + 1).dot(z_.head(k + 1));
}

NoiseModel::Stream NoiseModel::stream(Rng& rng) const {
    Stream s;
    if (!enabled_) {
        s.c_ = Eigen::RowVectorXd::Zero(1);
        s.phi_ = s.innovation_ = Eigen::MatrixXd::Zero(1, 1);
        s.x_ = s.z_ = Eigen::VectorXd::Zero(1);
        return s;
    }
    s.phi_ = phi_;
    s.c_ = combined_.C;
    s.innovation_ = psd_factor(covariance_ - phi_ * covariance_ * phi_.transpose());
    s.z_.resize(covariance_.rows());
    for (Eigen::Index i = 0; i < s.z_.size(); ++i) s.z_(i) = rng.normal();
    s.x_ = psd_factor(covariance_) * s.z_;  // start in the stationary state
    return s;
}

double NoiseModel::Stream::next(Rng& rng) {
    const double y = c_ * x_;
    for (Eigen::Index i = 0; i < z_.size(); ++i) z_(i) = rng.normal();
    // In place, without the temporaries `x_ = phi_ * x_ + ...` would allocate on every sample.
    next_.noalias() = phi_ * x_;
    next_.noalias() += innovation_ * z_;
    x_.swap(next_);
    return y;
}

}  // namespace pixforge::models
