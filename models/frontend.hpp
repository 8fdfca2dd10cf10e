// The analog front end: charge-sensitive amplifier (gain 1/C_f, rise time tau_r, feedback decay
// tau_f, optional pole-zero cancellation) followed by a CR-RC^n shaper with time constant tau.
//
// Output units: "peak-normalised electrons": an instantaneous charge of Q electrons through the
// ideal chain (tau_r = 0, pole-zero cancelled) peaks at exactly Q. Then the impulse response is
// the analytic h(t) = (n^n e^-n / n!)^-1 (t/tau)^n e^(-t/tau) / n!, peaking at t_p = n tau.
// volts_per_electron() converts to volts at the shaper output (unit shaper gain).
//
// The response is computed from the exact state-space model (matrix exponential on a fine grid,
// tau/64) and interpolated with cubic Hermite polynomials; a rectangular current of duration T
// gives (S(t) - S(t - T)) / T, S being the integral of the impulse response.
#pragma once

#include <vector>

#include "models/chain_params.hpp"
#include "models/linear_system.hpp"

namespace pixforge::models {

class FrontEndResponse {
  public:
    explicit FrontEndResponse(const FrontEndParams& params);

    // Response to a unit charge delivered instantly at t = 0.
    double impulse(double t) const;
    // Response to a unit charge spread evenly over [0, duration].
    double rectangular(double t, double duration) const;
    // Integral of the impulse response from 0 to t (the response to a unit current step).
    double step_integral(double t) const;

    double peaking_time() const { return peaking_time_; }  // of the impulse response
    double peak() const { return peak_; }                  // impulse response maximum
    // Time after which the response stays below 1e-6 of its peak.
    double length() const { return length_; }
    double volts_per_electron() const;

    // The state-space model from injected current (electrons/s) to the output.
    const LinearSystem& current_system() const { return current_system_; }
    // From a white charge added at the CSA output (series noise) to the output.
    const LinearSystem& series_system() const { return series_system_; }
    // Same downstream path for a bank of 1/f low-passes with time constants `taus` and gains.
    LinearSystem flicker_system(const std::vector<double>& taus, const std::vector<double>& gains) const;
    const FrontEndParams& params() const { return params_; }

  private:
    void add_shaping(CascadeBuilder& b, bool include_cr) const;
    void tabulate();

    FrontEndParams params_;
    double norm_;  // n! / (n^n e^-n)
    LinearSystem current_system_, series_system_;
    double dt_ = 0, length_ = 0, peak_ = 0, peaking_time_ = 0;
    std::vector<double> h_, dh_, s_;  // impulse response, its derivative, its integral on the grid
};

}  // namespace pixforge::models
