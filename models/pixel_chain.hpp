// One pixel's signal chain, assembled from ChainParams: sensor, front end, noise and ADC, plus
// the calibration constants that estimators and the trigger need (baseline code, electrons per
// code, sample period). Immutable and shared by generators running on different seeds.
#pragma once

#include "models/adc.hpp"
#include "models/chain_params.hpp"
#include "models/frontend.hpp"
#include "models/noise.hpp"
#include "models/sensor.hpp"

namespace pixforge::models {

// Response of the chain to one interaction, in peak-normalised electrons, at time t after it.
inline double pulse_response(const FrontEndResponse& fe, const InducedCurrent& cur, double t) {
    double v = 0;
    for (int c = 0; c < 2; ++c)
        if (cur.charge_e[c] != 0) v += cur.charge_e[c] * fe.rectangular(t, cur.duration_s[c]);
    return v;
}

class PixelChain {
  public:
    explicit PixelChain(const ChainParams& params);

    const ChainParams& params() const { return params_; }
    const SensorModel& sensor() const { return sensor_; }
    const FrontEndResponse& frontend() const { return frontend_; }
    const NoiseModel& noise() const { return noise_; }
    const Adc& adc() const { return adc_; }

    double sample_period() const { return adc_.sample_period(); }
    double electrons_per_code() const { return adc_.lsb_e(); }
    double ev_per_code() const { return adc_.lsb_e() * sensor_.pair_energy_eV(); }
    double threshold_codes() const { return params_.trigger.threshold_e / adc_.lsb_e(); }

  private:
    ChainParams params_;
    SensorModel sensor_;
    FrontEndResponse frontend_;
    NoiseModel noise_;
    Adc adc_;
};

}  // namespace pixforge::models
