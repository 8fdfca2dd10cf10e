// The classical estimators as integer hardware in the same flow as a network: each is built as a
// QuantizedNetwork (layers or a peak unit), so the pixel block, Verilator, synthesis, gate-level power and
// the SystemC chain run it exactly as they run a trained network, with its real latency
// (docs/classical_hardware.md).
//
//   optimal_filter  the fixed-coefficient dot product of the optimal filter
//                   (models::OptimalFilterEstimator::fixed_coefficients) over the network's input
//                   samples (network.window_first, window_length, baseline_log2), at the mean arrival
//                   time of the single-pulse training windows; `bits` signed coefficients;
//                   one output, the energy, whose scale and offset are fitted on those windows
//                   through the integer reference (collected energy, least squares).
//   least_squares_fir the FIR over the same samples fitted to the collected energy of those windows.
//   trapezoid       Jordanov's trapezoid (estimators.trapezoid_rise, trapezoid_flat) after the
//                   CR-RC^n deconvolution, sampled at its flat top a fixed delay after the trigger:
//                   being linear, it is a fixed dot product over the input samples (the float
//                   estimator takes its maximum over the window instead).
//   leading_edge    the parabolic peak's amplitude, timed by the interpolated crossing of
//                   estimators.leading_edge_threshold less the walk c1 / sqrt(A), fitted on the
//                   calibration windows and tabled over the peak's top 5 bits.
//   trapezoid_recursive the same trapezoid by Jordanov's recursion on a peak unit, its largest value
//                   over the window as the float estimator takes it; `bits`-bit deconvolution taps;
//                   energy only (its peak lies anywhere on the flat top).
//   max_sample      the largest input sample and its index, on a peak unit (models/network/peak_unit.hpp):
//                   a comparator and a few registers that follow the samples as they stream past.
//   parabolic_peak  the vertex of the parabola through the peak and its neighbours, on a peak unit
//                   whose restoring divider gives `bits` fraction bits of amplitude and time.
//   cfd             the parabolic peak's amplitude, timed by a digital constant-fraction
//                   discriminator (estimators.cfd_fraction to 1/16, cfd_delay), armed at the
//                   trigger's threshold, its crossing interpolated by the divider.
//
// The floating-point estimators (pixforge baseline) adapt the phase per pulse and also give time
// and a pile-up score; a fixed dot product gives energy alone (no toa or pileup head); a peak unit
// gives energy and time (its toa head: the sample period per output unit, offset calibrated).
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "datasets/dataset_file.hpp"
#include "models/network/quantized_network.hpp"

namespace pixforge::datasets {

struct ClassicalHardware {
    std::string name = "optimal_filter";
    int bits = 8;  // signed bits of each coefficient (linear filters), fraction bits (peak units)
};

std::vector<std::string> classical_hardware_names();
// Whether ClassicalHardware::bits sets anything (max_sample neither multiplies nor divides).
bool takes_bits(const std::string& name);
// Whether the design is a peak unit (the streaming template only) rather than a linear filter.
bool is_peak_unit(const std::string& name);
// "optimal_filter, 6-bit coefficients", "cfd, 4 fraction bits", "max_sample".
std::string describe(const ClassicalHardware& spec);

// `config` describes the chain that made `data` (DATA-005 otherwise) and the input window.
// CLS-001 for an unknown name, CLS-002 when the coefficients cannot be represented in weight_bits.
models::QuantizedNetwork classical_network(const Config& config, const DatasetReader& data,
                                           const ClassicalHardware& spec);

}  // namespace pixforge::datasets
