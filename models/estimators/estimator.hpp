// The interface every in-pixel estimator implements, classical or neural: one ADC window in,
// energy, time of arrival and a pile-up score out. Classical estimators measure a raw amplitude
// (ADC codes) and time, then a calibration fitted on training windows of known truth maps them
// to energy and to the true arrival time, as a physicist calibrates with known lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/pixel_chain.hpp"

namespace pixforge::models {

struct Estimate {
    double energy_eV = 0;
    double time_s = 0;        // arrival time relative to the first sample of the window
    double pileup_score = 0;  // larger = more likely piled up
};

class PulseEstimator {
  public:
    virtual ~PulseEstimator() = default;
    virtual const std::string& name() const = 0;
    virtual Estimate estimate(const std::uint16_t* window) const = 0;
};

// What every classical estimator knows about the chain, derived from it once.
struct WindowContext {
    explicit WindowContext(const PixelChain& chain);
    // Baseline-subtracted samples in ADC codes.
    void subtract_baseline(const std::uint16_t* window, double* out) const;

    const PixelChain& chain;
    int length;
    int pre_trigger;
    double period_s;
    double baseline_code;
    double ev_per_code;
    double threshold_codes;
};

struct RawEstimate {
    double amplitude = 0;  // ADC codes (or the estimator's own scale)
    double time_s = 0;     // uncalibrated
    double pileup_score = 0;
};

struct CalibrationSample {
    RawEstimate raw;
    double energy_eV;
    double t0_s;
};

class ClassicalEstimator : public PulseEstimator {
  public:
    ClassicalEstimator(std::string name, const WindowContext& context);

    const std::string& name() const final { return name_; }
    Estimate estimate(const std::uint16_t* window) const final;
    virtual RawEstimate measure(const std::uint16_t* window) const = 0;
    // Fits energy = gain * amplitude + offset (least squares, outliers beyond 5 sigma dropped)
    // and the time offset (median), on single-pulse windows of known truth.
    virtual void calibrate(const std::vector<CalibrationSample>& samples);

  protected:
    // Time correction for one measurement; estimators with walk correction override it.
    virtual double time_correction(const RawEstimate& raw) const {
        (void)raw;
        return time_offset_s_;
    }

    const WindowContext& context_;
    double time_offset_s_ = 0;

  private:
    std::string name_;
    double gain_ = 1, offset_ = 0;
};

// Shared measurements on baseline-subtracted samples.
int argmax(const double* x, int n);
// Vertex of the parabola through x[i-1], x[i], x[i+1]: {amplitude, fractional index}.
std::pair<double, double> parabolic_peak(const double* x, int n, int i);
// Area over peak: constant for one pulse shape, larger when pulses overlap.
double area_over_peak(const double* x, int n, double peak);
// Median of a copy.
double median(std::vector<double> v);

}  // namespace pixforge::models
