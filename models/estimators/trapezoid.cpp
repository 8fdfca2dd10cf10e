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

RawEstimate TrapezoidEstimator::measure(const std::uint16_t* window) const {
    const int n = context_.length;
    std::vector<double> x(static_cast<size_t>(n)), u(static_cast<size_t>(n), 0.0),
        step(static_cast<size_t>(n));
    context_.subtract_baseline(window, x.data());
    const int taps = static_cast<int>(fir_.size());
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        for (int k = 0; k < taps && k <= i; ++k) u[i] += fir_[k] * x[i - k];
        step[i] = (sum += u[i]);
    }
    // Trapezoid on the step: mean of `rise` samples minus the mean of `rise` samples rise+flat earlier.
    const int gap = rise_ + flat_;
    double best = -1e300;
    for (int i = gap + rise_ - 1; i < n; ++i) {
        double late = 0, early = 0;
        for (int k = 0; k < rise_; ++k) {
            late += step[i - k];
            early += step[i - gap - k];
        }
        best = std::max(best, (late - early) / rise_);
    }
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
