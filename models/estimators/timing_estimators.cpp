#include <cmath>
#include <vector>

#include "models/estimators/classical.hpp"

namespace pixforge::models {
namespace {
// Linear interpolation of the index where y crosses `level` between i - 1 and i.
double crossing(const double* y, int i, double level) {
    const double d = y[i] - y[i - 1];
    return d != 0 ? i - 1 + (level - y[i - 1]) / d : static_cast<double>(i);
}
}  // namespace

CfdEstimator::CfdEstimator(const WindowContext& c, double fraction, int delay)
    : ClassicalEstimator("cfd", c), fraction_(fraction), delay_(delay) {}

RawEstimate CfdEstimator::measure(const std::uint16_t* window) const {
    const int n = context_.length;
    std::vector<double> x(static_cast<size_t>(n)), y(static_cast<size_t>(n), 0.0);
    context_.subtract_baseline(window, x.data());
    const int peak = argmax(x.data(), n);
    const auto [amplitude, index] = parabolic_peak(x.data(), n, peak);
    for (int i = delay_; i < n; ++i) y[i] = fraction_ * x[i] - x[i - delay_];
    // Search the + to - crossing from the leading edge (first sample above 20 % of the
    // amplitude): before the pulse, noise makes y cross zero at random.
    double time = index * context_.period_s;
    int start = delay_ + 1;
    while (start < peak && x[start] < 0.2 * amplitude) ++start;
    for (int i = start; i <= peak + delay_ && i < n; ++i) {
        if (y[i] <= 0 && y[i - 1] > 0) {
            time = crossing(y.data(), i, 0.0) * context_.period_s;
            break;
        }
    }
    return {amplitude, time, area_over_peak(x.data(), n, amplitude)};
}

LeadingEdgeEstimator::LeadingEdgeEstimator(const WindowContext& c, double threshold_codes)
    : ClassicalEstimator("leading_edge", c), threshold_codes_(threshold_codes) {}

RawEstimate LeadingEdgeEstimator::measure(const std::uint16_t* window) const {
    const int n = context_.length;
    std::vector<double> x(static_cast<size_t>(n));
    context_.subtract_baseline(window, x.data());
    const int peak = argmax(x.data(), n);
    const auto [amplitude, index] = parabolic_peak(x.data(), n, peak);
    // Below the timing threshold, fall back to half the amplitude.
    const double level = amplitude > threshold_codes_ ? threshold_codes_ : 0.5 * amplitude;
    double time = index * context_.period_s;
    for (int i = 1; i <= peak; ++i)
        if (x[i] >= level && x[i - 1] < level) {
            time = crossing(x.data(), i, level) * context_.period_s;
            break;
        }
    return {amplitude, time, area_over_peak(x.data(), n, amplitude)};
}

void LeadingEdgeEstimator::calibrate(const std::vector<CalibrationSample>& samples) {
    ClassicalEstimator::calibrate(samples);
    // Least squares of (t_raw - t0) = c0 + c1 / sqrt(A).
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& s : samples) {
        if (s.raw.amplitude <= 0) continue;
        const double x = 1.0 / std::sqrt(s.raw.amplitude), y = s.raw.time_s - s.t0_s;
        n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    const double det = n * sxx - sx * sx;
    if (n < 10 || det <= 0) return;
    walk_c1_ = (n * sxy - sx * sy) / det;
    walk_c0_ = (sy - walk_c1_ * sx) / n;
}

double LeadingEdgeEstimator::time_correction(const RawEstimate& raw) const {
    if (walk_c0_ == 0 && walk_c1_ == 0) return time_offset_s_;
    return walk_c0_ + walk_c1_ / std::sqrt(std::max(raw.amplitude, 1e-9));
}

}  // namespace pixforge::models
