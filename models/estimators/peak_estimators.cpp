#include <vector>

#include "models/estimators/classical.hpp"

namespace pixforge::models {

RawEstimate MaxSampleEstimator::measure(const std::uint16_t* window) const {
    std::vector<double> x(static_cast<size_t>(context_.length));
    context_.subtract_baseline(window, x.data());
    const int i = argmax(x.data(), context_.length);
    return {x[i], i * context_.period_s, area_over_peak(x.data(), context_.length, x[i])};
}

RawEstimate ParabolicPeakEstimator::measure(const std::uint16_t* window) const {
    std::vector<double> x(static_cast<size_t>(context_.length));
    context_.subtract_baseline(window, x.data());
    const auto [amplitude, index] =
        parabolic_peak(x.data(), context_.length, argmax(x.data(), context_.length));
    return {amplitude, index * context_.period_s, area_over_peak(x.data(), context_.length, amplitude)};
}

}  // namespace pixforge::models
