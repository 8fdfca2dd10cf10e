#include "models/estimators/estimator.hpp"

#include <algorithm>
#include <cmath>

namespace pixforge::models {

WindowContext::WindowContext(const PixelChain& c)
    : chain(c),
      length(c.params().trigger.window),
      pre_trigger(c.params().trigger.pre_trigger),
      period_s(c.sample_period()),
      baseline_code(c.adc().baseline_code()),
      ev_per_code(c.ev_per_code()),
      threshold_codes(c.threshold_codes()) {}

void WindowContext::subtract_baseline(const std::uint16_t* window, double* out) const {
    for (int i = 0; i < length; ++i) out[i] = window[i] - baseline_code;
}

ClassicalEstimator::ClassicalEstimator(std::string name, const WindowContext& context)
    : context_(context), name_(std::move(name)), gain_(context.ev_per_code) {}

Estimate ClassicalEstimator::estimate(const std::uint16_t* window) const {
    const RawEstimate raw = measure(window);
    return {gain_ * raw.amplitude + offset_, raw.time_s - time_correction(raw), raw.pileup_score};
}

void ClassicalEstimator::calibrate(const std::vector<CalibrationSample>& samples) {
    if (samples.size() < 10) return;
    std::vector<bool> use(samples.size(), true);
    for (int pass = 0; pass < 3; ++pass) {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (size_t i = 0; i < samples.size(); ++i) {
            if (!use[i]) continue;
            const double x = samples[i].raw.amplitude, y = samples[i].energy_eV;
            n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
        }
        const double det = n * sxx - sx * sx;
        if (n < 10 || det <= 0) break;
        gain_ = (n * sxy - sx * sy) / det;
        offset_ = (sy - gain_ * sx) / n;
        std::vector<double> residuals;
        for (size_t i = 0; i < samples.size(); ++i)
            residuals.push_back(std::fabs(gain_ * samples[i].raw.amplitude + offset_ - samples[i].energy_eV));
        const double scale = 1.4826 * median(residuals);
        for (size_t i = 0; i < samples.size(); ++i) use[i] = residuals[i] <= 5 * scale + 1e-9;
    }
    std::vector<double> offsets;
    for (const auto& s : samples) offsets.push_back(s.raw.time_s - s.t0_s);
    time_offset_s_ = median(offsets);
}

int argmax(const double* x, int n) {
    return static_cast<int>(std::max_element(x, x + n) - x);
}

std::pair<double, double> parabolic_peak(const double* x, int n, int i) {
    if (i <= 0 || i >= n - 1) return {x[i], static_cast<double>(i)};
    const double a = x[i - 1], b = x[i], c = x[i + 1];
    const double denom = a - 2 * b + c;
    if (denom >= 0) return {b, static_cast<double>(i)};
    const double delta = 0.5 * (a - c) / denom;
    return {b - 0.25 * (a - c) * delta, i + delta};
}

double area_over_peak(const double* x, int n, double peak) {
    double area = 0;
    for (int i = 0; i < n; ++i) area += x[i];
    return peak > 0 ? area / peak : 0.0;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

}  // namespace pixforge::models
