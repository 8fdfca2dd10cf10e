#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "models/estimators/classical.hpp"

namespace pixforge::models {

namespace {

// Cleland & Stern: the minimum-variance amplitude filter a (a.g = 1, a.g' = 0) and delay filter b
// (b.g = 0, b.g' = -1, so b.s = A * delay) for template samples g, slopes gp and the noise
// covariance's inverse applied to them (rg, rgp). Both zero when g and g' are degenerate.
std::pair<Eigen::VectorXd, Eigen::VectorXd> constrained_filters(const Eigen::VectorXd& g,
                                                                const Eigen::VectorXd& gp,
                                                                const Eigen::VectorXd& rg,
                                                                const Eigen::VectorXd& rgp) {
    Eigen::Matrix2d m;
    m << g.dot(rg), g.dot(rgp), gp.dot(rg), gp.dot(rgp);
    if (std::fabs(m.determinant()) < 1e-300)
        return {Eigen::VectorXd::Zero(g.size()), Eigen::VectorXd::Zero(g.size())};
    const Eigen::Vector2d la = m.inverse() * Eigen::Vector2d(1, 0);
    const Eigen::Vector2d lb = m.inverse() * Eigen::Vector2d(0, -1);
    return {la(0) * rg + la(1) * rgp, lb(0) * rg + lb(1) * rgp};
}

}  // namespace

OptimalFilterEstimator::OptimalFilterEstimator(const WindowContext& c)
    : ClassicalEstimator("optimal_filter", c) {
    const PixelChain& chain = c.chain;
    const FrontEndResponse& fe = chain.frontend();
    // Template: the mean response of 256 deposits at the middle of the training spectrum's
    // typical depth distribution (drift times vary), normalized to unit peak.
    Rng rng(chain.params().seed, "optimal_filter.template");
    std::vector<Deposit> deposits;
    for (int i = 0; i < 256; ++i) deposits.push_back(chain.sensor().deposit(10e3, rng));
    template_dt_ = c.period_s / kPhases;
    const int points = (c.length + 2) * kPhases;
    template_.assign(static_cast<size_t>(points), 0.0);
    for (int k = 0; k < points; ++k) {
        double sum = 0, charge = 0;
        for (const auto& d : deposits) {
            sum += pulse_response(fe, d.current, k * template_dt_);
            charge += d.collected_e;
        }
        template_[k] = sum / charge;
    }
    const double peak = *std::max_element(template_.begin(), template_.end());
    for (double& v : template_) v /= peak;
    template_peak_time_s_ =
        (std::max_element(template_.begin(), template_.end()) - template_.begin()) * template_dt_;
    template_slope_.assign(template_.size(), 0.0);
    for (size_t k = 1; k + 1 < template_.size(); ++k)
        template_slope_[k] = (template_[k + 1] - template_[k - 1]) / (2 * template_dt_);

    // Noise covariance of the window in codes^2: the chain's noise plus quantization.
    const int n = c.length;
    Eigen::MatrixXd cov(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) cov(i, j) = noise_codes2(i - j);
    inverse_covariance_ = cov.llt().solve(Eigen::MatrixXd::Identity(n, n));

    // Coefficients for every start sample and phase (Cleland & Stern constraints).
    for (int start = 0; start < n; ++start)
        for (int phase = 0; phase < kPhases; ++phase) {
            const double t0 = (start + static_cast<double>(phase) / kPhases) * c.period_s;
            Eigen::VectorXd g(n), gp(n);
            for (int i = 0; i < n; ++i) {
                g(i) = template_value(i * c.period_s - t0);
                gp(i) = template_slope(i * c.period_s - t0);
            }
            Coefficients co;
            co.g = g;
            std::tie(co.a, co.b) =
                constrained_filters(g, gp, inverse_covariance_ * g, inverse_covariance_ * gp);
            bank_.push_back(std::move(co));
        }
}

double OptimalFilterEstimator::noise_codes2(int lag) const {
    const PixelChain& chain = context_.chain;
    const double lsb = chain.electrons_per_code();
    return chain.noise().autocovariance(std::abs(lag)) / (lsb * lsb) + (lag == 0 ? 1.0 / 12.0 : 0.0);
}

double OptimalFilterEstimator::template_slope(double t) const {
    const double idx = t / template_dt_;
    return idx <= 0 || idx >= static_cast<double>(template_.size() - 1)
               ? 0.0
               : template_slope_[static_cast<size_t>(std::lround(idx))];
}

Eigen::VectorXd OptimalFilterEstimator::fixed_coefficients(int first, int length, int baseline,
                                                           double t0_s) const {
    const double T = context_.period_s, w = baseline > 0 ? 1.0 / baseline : 0.0;
    // What the hardware sees: y_i = s[first + i] - mean(s[0 .. baseline)), for the template, its
    // slope and the noise alike.
    const auto seen = [&](const auto& value) {
        double base = 0;
        for (int j = 0; j < baseline; ++j) base += value(j * T - t0_s);
        Eigen::VectorXd v(length);
        for (int i = 0; i < length; ++i) v(i) = value((first + i) * T - t0_s) - w * base;
        return v;
    };
    const Eigen::VectorXd g = seen([&](double t) { return template_value(t); });
    const Eigen::VectorXd gp = seen([&](double t) { return template_slope(t); });
    double base_base = 0;
    for (int j = 0; j < baseline; ++j)
        for (int k = 0; k < baseline; ++k) base_base += noise_codes2(j - k);
    Eigen::MatrixXd cov(length, length);
    for (int i = 0; i < length; ++i)
        for (int k = 0; k < length; ++k) {
            double cross = 0;
            for (int j = 0; j < baseline; ++j)
                cross += noise_codes2(first + i - j) + noise_codes2(first + k - j);
            cov(i, k) = noise_codes2(i - k) - w * cross + w * w * base_base;
        }
    const Eigen::LLT<Eigen::MatrixXd> llt(cov);
    return constrained_filters(g, gp, llt.solve(g), llt.solve(gp)).first;
}

double OptimalFilterEstimator::template_value(double t) const {
    if (t <= 0) return 0.0;
    const double idx = t / template_dt_;
    const auto i = static_cast<size_t>(idx);
    if (i + 1 >= template_.size()) return 0.0;
    const double f = idx - static_cast<double>(i);
    return (1 - f) * template_[i] + f * template_[i + 1];
}

const OptimalFilterEstimator::Coefficients& OptimalFilterEstimator::coefficients(double t0_s) const {
    const int n = context_.length;
    long slot = std::lround(t0_s / context_.period_s * kPhases);
    slot = std::clamp<long>(slot, 0, static_cast<long>(n) * kPhases - 1);
    return bank_[static_cast<size_t>(slot)];
}

double OptimalFilterEstimator::amplitude_variance(double t0_s) const {
    const Coefficients& co = coefficients(t0_s);
    return co.a.dot(inverse_covariance_.ldlt().solve(co.a));
}

RawEstimate OptimalFilterEstimator::measure(const std::uint16_t* window) const {
    const int n = context_.length;
    Eigen::VectorXd s(n);
    context_.subtract_baseline(window, s.data());
    const auto [peak_amplitude, peak_index] = parabolic_peak(s.data(), n, argmax(s.data(), n));
    double t0 = peak_index * context_.period_s - template_peak_time_s_;
    double amplitude = peak_amplitude;
    for (int iteration = 0; iteration < 3; ++iteration) {
        const Coefficients& co = coefficients(t0);
        amplitude = co.a.dot(s);
        if (amplitude <= 0) break;
        const double delay = std::clamp(co.b.dot(s) / amplitude, -context_.period_s, context_.period_s);
        t0 += delay;
    }
    const Coefficients& co = coefficients(t0);
    const Eigen::VectorXd residual = s - amplitude * co.g;
    const double chi2 = residual.dot(inverse_covariance_ * residual) / std::max(1, n - 2);
    return {amplitude, t0, chi2};
}

}  // namespace pixforge::models
