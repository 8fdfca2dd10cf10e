#include "models/adc.hpp"

#include <algorithm>
#include <cmath>

namespace pixforge::models {

Adc::Adc(const AdcParams& params, std::uint64_t seed) : params_(params) {
    max_code_ = (1 << params.bits) - 1;
    lsb_e_ = params.full_scale_e / (max_code_ + 1);
    if (params.dnl_lsb > 0) {
        // Code widths 1 + N(0, dnl), rescaled so the transitions still span the ideal range.
        Rng rng(seed, "adc.dnl");
        std::vector<double> widths(static_cast<size_t>(max_code_ - 1));
        double total = 0;
        for (double& w : widths) total += (w = std::max(0.05, 1.0 + params.dnl_lsb * rng.normal()));
        const double scale = (max_code_ - 1) / total;
        transitions_.push_back(0.5);
        for (double w : widths) transitions_.push_back(transitions_.back() + w * scale);
    }
}

std::uint16_t Adc::convert(double signal_e) const {
    const double x = signal_e / lsb_e_;
    if (!transitions_.empty()) {
        const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), x);
        return static_cast<std::uint16_t>(it - transitions_.begin());
    }
    if (!(x > -0.5)) return 0;  // also catches NaN
    return static_cast<std::uint16_t>(
        std::min(static_cast<double>(max_code_), x + 0.5));  // truncation = floor here
}

}  // namespace pixforge::models
