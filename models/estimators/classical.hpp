// The classical in-pixel estimators the network has to beat (notes/physics.md section 6).
#pragma once

#include <memory>
#include <vector>

#include <Eigen/Dense>

#include "core/config.hpp"
#include "models/estimators/estimator.hpp"

namespace pixforge::models {

// Amplitude and time of the largest sample.
class MaxSampleEstimator : public ClassicalEstimator {
  public:
    explicit MaxSampleEstimator(const WindowContext& c) : ClassicalEstimator("max_sample", c) {}
    RawEstimate measure(const std::uint16_t* window) const override;
};

// Vertex of the parabola through the largest sample and its neighbours.
class ParabolicPeakEstimator : public ClassicalEstimator {
  public:
    explicit ParabolicPeakEstimator(const WindowContext& c) : ClassicalEstimator("parabolic_peak", c) {}
    RawEstimate measure(const std::uint16_t* window) const override;
};

// Jordanov trapezoid on the shaped samples: the CR-RC^n shaping is undone by the FIR
// (1 - a z^-1)^(n+1), a = exp(-T_s/tau), then accumulated into a step and filtered by a
// trapezoid of `rise` and `flat` samples (the M -> infinity limit of Jordanov's recursion).
// The step height is the pulse area, insensitive to ballistic deficit. Time: where the step
// crosses half its height. Pile-up: a second lobe in the deconvolved signal.
class TrapezoidEstimator : public ClassicalEstimator {
  public:
    TrapezoidEstimator(const WindowContext& c, int rise, int flat);
    RawEstimate measure(const std::uint16_t* window) const override;
    // The trapezoid's output at sample `at` of `length` pedestal-subtracted samples, as the
    // coefficients of a fixed dot product over them (the whole filter is linear): the hardware
    // version samples the flat top a fixed delay after the trigger instead of taking the maximum.
    // The samples start before the pulse, so the step before the first is zero: the early average
    // may reach before it (at >= rise - 1), and the pedestal is its baseline.
    Eigen::VectorXd fixed_coefficients(int length, int at) const;
    int rise() const { return rise_; }
    int flat() const { return flat_; }
    // The taps of the deconvolution (1 - a z^-1)^(n+1).
    const std::vector<double>& deconvolution() const { return fir_; }

  private:
    // The deconvolved signal u and its running sum, the step, of n samples.
    void deconvolve(const double* x, int n, std::vector<double>& u, std::vector<double>& step) const;
    // Mean of `rise` steps ending at i minus the mean of `rise` steps rise + flat earlier (a step
    // before the first sample counts 0).
    double trapezoid_at(const std::vector<double>& step, int i) const;

    int rise_, flat_, lobe_;
    std::vector<double> fir_;
};

// Linearized optimal filter (Cleland & Stern): A = sum a_i s_i, A*delta = sum b_i s_i, with
// coefficients from the average pulse template and the exact noise covariance of the chain
// (plus quantization), precomputed for every start sample and 16 sub-sample phases. Two
// iterations refine the phase. Pile-up score: chi^2 per degree of freedom of the fit.
class OptimalFilterEstimator : public ClassicalEstimator {
  public:
    explicit OptimalFilterEstimator(const WindowContext& c);
    RawEstimate measure(const std::uint16_t* window) const override;
    // Amplitude variance (codes^2) of the filter for a pulse starting at t0 in the window: the
    // minimum-variance bound the test compares the measured resolution against.
    double amplitude_variance(double t0_s) const;
    // The amplitude filter of a fixed-coefficient hardware version: over samples
    // [first, first + length) less the mean of samples [0, baseline), for a pulse starting at t0
    // (a.g = 1 and a.g' = 0 on what the hardware sees, minimum variance under its exact noise).
    Eigen::VectorXd fixed_coefficients(int first, int length, int baseline, double t0_s) const;

  private:
    struct Coefficients {
        Eigen::VectorXd a, b, g;
    };
    const Coefficients& coefficients(double t0_s) const;
    double template_value(double t) const;
    double template_slope(double t) const;
    // Noise covariance of two samples `lag` apart in codes^2: the chain's noise plus quantization.
    double noise_codes2(int lag) const;

    static constexpr int kPhases = 16;
    double template_peak_time_s_ = 0;
    std::vector<double> template_, template_slope_;  // on a fine grid
    double template_dt_ = 0;
    Eigen::MatrixXd inverse_covariance_;
    std::vector<Coefficients> bank_;  // index: start sample * kPhases + phase
};

// Digital constant-fraction discriminator: zero crossing of f x[i] - x[i - d], linearly
// interpolated. Energy from the parabolic peak.
class CfdEstimator : public ClassicalEstimator {
  public:
    CfdEstimator(const WindowContext& c, double fraction, int delay);
    RawEstimate measure(const std::uint16_t* window) const override;

  private:
    double fraction_;
    int delay_;
};

// Leading edge: interpolated crossing of a fixed threshold, corrected for walk with
// t_walk(A) = c0 + c1 / sqrt(A) fitted on calibration data. Energy from the parabolic peak.
class LeadingEdgeEstimator : public ClassicalEstimator {
  public:
    LeadingEdgeEstimator(const WindowContext& c, double threshold_codes);
    RawEstimate measure(const std::uint16_t* window) const override;
    void calibrate(const std::vector<CalibrationSample>& samples) override;

  protected:
    double time_correction(const RawEstimate& raw) const override;

  private:
    double threshold_codes_;
    double walk_c0_ = 0, walk_c1_ = 0;
};

// Fast/slow pile-up inspector: a fast differentiator x[i] - x[i - L] finds rising edges; the
// score is the height of the second-largest separated edge in units of the fast filter's noise.
// Energy from the parabolic peak of the slow (shaped) signal, time from the first fast edge.
class PileupInspectorEstimator : public ClassicalEstimator {
  public:
    PileupInspectorEstimator(const WindowContext& c, int fast_length);
    RawEstimate measure(const std::uint16_t* window) const override;

  private:
    int fast_length_, separation_;
    double fast_noise_codes_;
};

// All classical estimators, configured from the [estimators] section.
std::vector<std::unique_ptr<ClassicalEstimator>> make_classical_estimators(const WindowContext& context,
                                                                           const Config& config);

// [estimators]: the settings of the classical estimators make_classical_estimators builds.
void declare_estimator_keys(ConfigSchema& schema);

}  // namespace pixforge::models
