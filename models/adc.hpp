// The pixel ADC: N bits over [0, full scale), signal in peak-normalised electrons (the shaped
// peak of Q electrons reads Q), rounding to the nearest code, saturation at both ends, optional
// differential non-linearity (random code widths, rms in LSB, total range preserved).
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "models/chain_params.hpp"

namespace pixforge::models {

class Adc {
  public:
    Adc(const AdcParams& params, std::uint64_t seed);

    std::uint16_t convert(double signal_e) const;
    double lsb_e() const { return lsb_e_; }
    int max_code() const { return max_code_; }
    // Code of the pedestal (the mean output with no signal), as a real number.
    double baseline_code() const { return params_.baseline_e / lsb_e_; }
    double sample_period() const { return 1.0 / params_.sampling_rate_Hz; }
    const AdcParams& params() const { return params_; }

  private:
    AdcParams params_;
    double lsb_e_;
    int max_code_;
    std::vector<double> transitions_;  // with DNL: input level (in LSB) where code k begins, k >= 1
};

}  // namespace pixforge::models
