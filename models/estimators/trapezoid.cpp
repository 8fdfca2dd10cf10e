#include <algorithm>
#include <cmath>
#include <vector>

#include "models/estimators/classical.hpp"

namespace pixforge::models {

TrapezoidEstimator::TrapezoidEstimator(const WindowContext& c, int rise, int flat)
    : ClassicalEstimator("trapezoid", c), rise_(rise), flat_(flat) {
    const FrontEndParams& fe = c.chain.params().frontend;
    const double a = std::exp(-c.period_s / fe.shaper_tau_s);
    // Coefficients of (1 - a z^-1)^(n+1), by repeated convolution.
    fir_ = {1.0};
    for (int k = 0; k <= fe.shaper_order; ++k) {
        std::vector<double> next(fir_.size() + 1, 0.0);
        for (size_t i = 0; i < fir_.size(); ++i) {
            next[i] += fir_[i];
            next[i + 1] -= a * fir_[i];
        }
        fir_ = next;
    }
    // Width of one pulse's deconvolved lobe: FIR length + drift time + CSA rise, in samples.
    lobe_ =
        static_cast<int>(fir_.size()) +
        static_cast<int>(std::ceil((c.chain.sensor().max_drift_time() + 5 * fe.rise_time_s) / c.period_s));
}

void TrapezoidEstimator::deconvolve(const double* x, int n, std::vector<double>& u,
                                    std::vector<double>& step) const {
    u.assign(static_cast<size_t>(n), 0.0);
    step.resize(static_cast<size_t>(n));
    const int taps = static_cast<int>(fir_.size());
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < taps && k <= i; ++k) u[i] += fir_[k] * x[i - k];
        step[i] = (sum += u[i]);
    }
}

double TrapezoidEstimator::trapezoid_at(const std::vector<double>& step, int i) const {
    const int gap = rise_ + flat_;
    double late = 0, early = 0;
    for (int k = 0; k < rise_; ++k) {
        late += step[i - k];
        if (i - gap - k >= 0) early += step[i - gap - k];
    }
    return (late - early) / rise_;
}

Eigen::VectorXd TrapezoidEstimator::fixed_coefficients(int length, int at) const {
    Eigen::VectorXd c(length);
    std::vector<double> x(static_cast<size_t>(length)), u, step;
    for (int j = 0; j < length; ++j) {
        std::fill(x.begin(), x.end(), 0.0);
        x[static_cast<size_t>(j)] = 1.0;
        deconvolve(x.data(), length, u, step);
        c(j) = trapezoid_at(step, at);
    }
    return c;
}

RawEstimate TrapezoidEstimator::measure(const std::uint16_t* window) const {
    const int n = context_.length;
    std::vector<double> x(static_cast<size_t>(n)), u, step;
    context_.subtract_baseline(window, x.data());
    deconvolve(x.data(), n, u, step);
    double best = -1e300;
    for (int i = 2 * rise_ + flat_ - 1; i < n; ++i) best = std::max(best, trapezoid_at(step, i));
    // Arrival: where the step first crosses half the trapezoid height.
    const int main = argmax(u.data(), n);
    double time = main * context_.period_s;
    for (int i = 1; i < n; ++i) {
        if (step[i] >= 0.5 * best && step[i - 1] < 0.5 * best) {
            const double f = (0.5 * best - step[i - 1]) / (step[i] - step[i - 1]);
            time = (i - 1 + f) * context_.period_s;
            break;
        }
    }
    double second = 0;
    for (int i = 0; i < n; ++i)
        if (std::abs(i - main) > lobe_) second = std::max(second, u[i]);
    const double peak_u = u[main];
    return {best, time, peak_u > 0 ? second / peak_u : 0.0};
}

}  // namespace pixforge::models
