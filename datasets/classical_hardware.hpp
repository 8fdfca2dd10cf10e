// The classical estimators as integer hardware in the same flow as a network: each is built as a
// QuantizedNetwork, so the pixel block, Verilator, synthesis, gate-level power and the SystemC chain
// run it exactly as they run a trained network, with its real latency (docs/classical_hardware.md).
//
//   optimal_filter  the fixed-coefficient dot product of the optimal filter
//                   (models::OptimalFilterEstimator::fixed_coefficients) over the network's input
//                   samples (network.window_first, window_length, baseline_log2), at the mean arrival
//                   time of the single-pulse training windows; `weight_bits` signed coefficients;
//                   one output, the energy, whose scale and offset are fitted on those windows
//                   through the integer reference (collected energy, least squares).
//   least_squares_fir the FIR over the same samples fitted to the collected energy of those windows.
//   trapezoid       Jordanov's trapezoid (estimators.trapezoid_rise, trapezoid_flat) after the
//                   CR-RC^n deconvolution, sampled at its flat top a fixed delay after the trigger:
//                   being linear, it is a fixed dot product over the input samples (the float
//                   estimator takes its maximum over the window instead).
//   max_sample      the largest input sample, exactly: a tree of pairwise maxima as ReLU layers with
//                   weights +-1 (max(a, b) = relu(a - b) + relu(b) - relu(-b)), a comparator tree
//                   once synthesized; no coefficients (weight_bits does not apply).
//
// The floating-point estimators (pixforge baseline) adapt the phase per pulse and also give time
// and a pile-up score; a fixed dot product gives energy alone (no toa or pileup head).
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "datasets/dataset_file.hpp"
#include "models/network/quantized_network.hpp"

namespace pixforge::datasets {

struct ClassicalHardware {
    std::string name = "optimal_filter";
    int weight_bits = 8;
};

std::vector<std::string> classical_hardware_names();
// Whether the filter has coefficients whose width ClassicalHardware::weight_bits sets (max_sample
// has none: its weights are +-1).
bool has_coefficients(const std::string& name);

// `config` describes the chain that made `data` (DATA-005 otherwise) and the input window.
// CLS-001 for an unknown name, CLS-002 when the coefficients cannot be represented in weight_bits.
models::QuantizedNetwork classical_network(const Config& config, const DatasetReader& data,
                                           const ClassicalHardware& spec);

}  // namespace pixforge::datasets
