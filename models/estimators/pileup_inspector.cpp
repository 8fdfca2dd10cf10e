#include <algorithm>
#include <cmath>
#include <vector>

#include "models/estimators/classical.hpp"

namespace pixforge::models {

PileupInspectorEstimator::PileupInspectorEstimator(const WindowContext& c, int fast_length)
    : ClassicalEstimator("pileup_inspector", c), fast_length_(fast_length) {
    // Noise of x[i] - x[i-L] from the chain's autocovariance, plus quantization, in codes.
    const NoiseModel& noise = c.chain.noise();
    const double lsb = c.chain.electrons_per_code();
    const double var_e = 2 * (noise.autocovariance(0) - noise.autocovariance(fast_length));
    fast_noise_codes_ = std::sqrt(var_e / (lsb * lsb) + 2.0 / 12.0);
    // Edges closer than the pulse rise are one edge.
    const double rise = c.chain.frontend().peaking_time() + c.chain.sensor().max_drift_time();
    separation_ = std::max(2, static_cast<int>(std::ceil(rise / c.period_s)));
}

RawEstimate PileupInspectorEstimator::measure(const std::uint16_t* window) const {
    const int n = context_.length;
    std::vector<double> x(static_cast<size_t>(n)), fast(static_cast<size_t>(n), 0.0);
    context_.subtract_baseline(window, x.data());
    for (int i = fast_length_; i < n; ++i) fast[i] = x[i] - x[i - fast_length_];
    const int first = argmax(fast.data(), n);
    double second = 0;
    for (int i = 1; i + 1 < n; ++i) {
        const double f = fast[i];
        const bool local_max = f >= fast[i - 1] && f >= fast[i + 1];
        if (local_max && std::abs(i - first) >= separation_) second = std::max(second, f);
    }
    const auto [amplitude, index] = parabolic_peak(x.data(), n, argmax(x.data(), n));
    (void)index;
    // Time: where the fast filter first reaches half its maximum.
    double time = first * context_.period_s;
    const double half = 0.5 * fast[first];
    for (int i = 1; i <= first; ++i)
        if (fast[i] >= half && fast[i - 1] < half) {
            time = (i - 1 + (half - fast[i - 1]) / (fast[i] - fast[i - 1])) * context_.period_s;
            break;
        }
    return {amplitude, time, second / fast_noise_codes_};
}

}  // namespace pixforge::models
