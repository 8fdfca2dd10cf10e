// QuantizedNetwork: the integer intermediate representation of a trained in-pixel network, the
// contract between training (LibTorch), the integer reference, and RTL generation. Saved as
// HDF5 with schema "pixforge.network" version 1 (docs/network_schema.md); the loader validates
// every field and rejects foreign, damaged or inconsistent files with NET-xxx errors.
//
// Input: ADC codes of window samples [first, first + length); the baseline (mean of the first
// 2^baseline_log2 samples, by round_shift, or the fixed pedestal) is subtracted: integers with 0
// fractional bits. Each layer: acc = sum w x + b (b already at the accumulator's frac), then
// y = saturate(round_shift(acc, acc_frac - out_frac)) to unsigned out_bits after ReLU (which the
// saturation implements), or signed out_bits for the linear output layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/network/peak_unit.hpp"

namespace pixforge::models {

enum class LayerKind { Dense, Conv1d };
enum class Activation { None, Relu, ClippedRelu };

struct QuantLayer {
    LayerKind kind = LayerKind::Dense;
    Activation activation = Activation::Relu;
    int in_channels = 1, in_length = 0;    // input: in_channels x in_length (dense: 1 x in_features)
    int out_channels = 0, out_length = 1;  // output: out_channels x out_length (dense: out x 1)
    int kernel = 1, stride = 1;            // conv only
    int weight_bits = 8, weight_frac = 0;
    int in_frac = 0;
    int out_bits = 8, out_frac = 0;
    int acc_bits = 32;                  // derived: no overflow possible
    std::vector<std::int32_t> weights;  // dense [out][in]; conv [out_ch][in_ch][kernel]
    std::vector<std::int64_t> bias;     // [out_channels], at frac weight_frac + in_frac

    int in_features() const { return in_channels * in_length; }
    int out_features() const { return out_channels * out_length; }
    int acc_frac() const { return weight_frac + in_frac; }
    std::int64_t macs() const;
};

struct InputSpec {
    int first = 0, length = 32;
    int baseline_log2 = 2;  // 0: subtract `pedestal`
    int pedestal = 0;       // ADC code
    int adc_bits = 10;
};

struct HeadSpec {
    std::string name;              // "energy" (eV), "toa" (s), "pileup" (logit)
    int output = 0;                // index into the last layer's outputs
    double scale = 1, offset = 0;  // physical = output_real * scale + offset
};

struct QuantizedNetwork {
    InputSpec input;
    std::vector<QuantLayer> layers;
    // A classical estimator's dedicated unit instead of layers (no layers then).
    std::optional<PeakUnit> peak_unit;
    std::vector<HeadSpec> heads;
    std::string config;        // resolved config it was trained with
    std::string dataset_hash;  // of the training data
    std::uint64_t seed = 0;

    int input_bits() const { return input.adc_bits + 1; }  // baseline-subtracted codes, signed
    // The values the network gives per window (the last layer's, or the peak unit's), their signed
    // bits and their fraction bits.
    int outputs() const;
    int output_bits() const;
    int output_frac() const;
    // Derives acc_bits of every layer from the weights and the input ranges (no overflow possible).
    void derive_accumulator_widths();
    // Throws NET-003 naming the first inconsistency.
    void validate(const std::string& where) const;
    // A short hash of the integer content (weights, formats), for RTL names and caches.
    std::string content_hash() const;
};

void save_network(const QuantizedNetwork& net, const std::string& path, const std::string& provenance_json);
QuantizedNetwork load_network(const std::string& path);

}  // namespace pixforge::models
