// A classical estimator's dedicated unit, the alternative to layers in a QuantizedNetwork
// (datasets/classical_hardware.hpp builds it, rtl_gen/peak_unit_writer.cpp makes it RTL): it follows
// the baseline-subtracted input samples x_0 .. x_{L-1} as they stream past, keeping no window, and
// gives two signed outputs with `frac_bits` fraction bits: the pulse's amplitude (ADC codes) and its
// time (samples after the first input sample).
//   peak      the largest sample (the first of equal ones) and its index;
//   vertex    (interpolate) the vertex of the parabola through the peak b and its neighbours a, c:
//             offset d = (c - a) / (2 (2b - a - c)), amplitude b + (c - a) d / 4; none at the
//             window's edges (as models::parabolic_peak);
//   time      the peak's (or the vertex's), or with cfd_delay > 0 a digital constant-fraction
//             discriminator: y_j = numerator x_j - 2^shift x_{j-delay}, its first + to - crossing
//             once a sample has reached arm_level, interpolated linearly; or with le_threshold > 0
//             a leading edge: the first sample at or above the threshold after one below it, the
//             crossing interpolated linearly, less the walk of the pulse's height (`walk`, a table
//             indexed by the peak sample's top bits, peak >> walk_shift); the peak's time when none.
//   trapezoid (trapezoid_rise > 0) the peak is sought in Jordanov's trapezoid instead of the samples:
//             z = FIR(deconvolution) applied to t, t_j = t_{j-1} + p_j, p_j = p_{j-1} + x_j -
//             x_{j-rise} - x_{j-gap} + x_{j-gap-rise} (gap = rise + flat, x before the window 0):
//             the sum of `rise` steps less the sum `gap` earlier, of the deconvolved signal, as
//             models::TrapezoidEstimator; its maximum over j >= rise - 1, where the later sum is
//             complete (the input samples start before the pulse: the earlier sum may reach before
//             them, where the signal is the baseline); integers throughout (the deconvolution's
//             taps carry the scale), no division.
// Every quotient is what a restoring divider of frac_bits rows gives (restoring_quotient); the
// hardware settles them with the window's last sample, so a window may follow the last at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pixforge::models {

struct PeakUnit {
    bool interpolate = false;
    int frac_bits = 0;                           // divider steps, and the outputs' fraction bits
    int cfd_delay = 0;                           // 0: the peak's time
    int cfd_numerator = 0, cfd_shift = 0;        // the CFD fraction numerator / 2^shift, below 1
    int arm_level = 1;                           // ADC codes above the baseline
    int le_threshold = 0;                        // leading edge, codes above the baseline; 0: none
    int walk_shift = 0;                          // the walk table's index: peak >> walk_shift
    std::vector<std::int32_t> walk;              // its entries, in 2^-frac_bits samples
    int trapezoid_rise = 0, trapezoid_flat = 0;  // rise 0: the peak of the samples themselves
    std::vector<std::int32_t> deconvolution;     // the trapezoid's FIR taps, integers

    int divisions() const { return (interpolate ? 1 : 0) + (crosses() ? 1 : 0); }
    bool crosses() const { return cfd_delay > 0 || le_threshold > 0; }  // a timing crossing
    bool trapezoid() const { return trapezoid_rise > 0; }
    // The first sample whose trapezoid's later sum is complete (rise - 1), 0 without one.
    int first_peak_sample() const { return trapezoid() ? trapezoid_rise - 1 : 0; }
    // "vertex, cfd 5/16 delay 2, 4 fraction bits"
    std::string describe() const;
    // NET-003 naming the first setting out of range for `input_length` samples of `adc_bits`.
    void validate(const std::string& where, int input_length, int adc_bits) const;
};

// Jordanov's trapezoid z of the samples x (PeakUnit::trapezoid), every sample.
std::vector<std::int64_t> trapezoid_of(const PeakUnit& u, const std::vector<std::int64_t>& x);

// Bits of each signed output for `adc_bits` codes over `length` samples.
int peak_unit_output_bits(const PeakUnit& u, int adc_bits, int length);

// What a restoring divider gives for 0 <= num <= den, den > 0, after `steps` steps: the first
// `steps` bits of num / den, floor(num 2^steps / den), or 2^steps - 1 when num = den.
std::int64_t restoring_quotient(std::int64_t num, std::int64_t den, int steps);

// The unit's two outputs (amplitude, time) for the input samples x.
void run_peak_unit(const PeakUnit& u, const std::vector<std::int64_t>& x, std::vector<std::int64_t>& out);

}  // namespace pixforge::models
