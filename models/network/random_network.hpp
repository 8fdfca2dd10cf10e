// Random QuantizedNetworks of chosen shapes and bit widths, for RTL tests and hardware-cost sweeps
// (no training needed):
// random weights over the full range, formats chosen so outputs neither vanish nor always saturate.
#pragma once

#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "models/network/layer_geometry.hpp"
#include "models/network/quantized_network.hpp"

namespace pixforge::models {

struct NetShape {
    int conv_channels = 0, conv_kernel = 3, conv_stride = 1;
    std::vector<int> hidden;
    int outputs = 3;
    int weight_bits = 8, activation_bits = 8;
};

inline QuantizedNetwork random_network(const NetShape& s, std::uint64_t seed, int window = 32) {
    Rng rng(seed, "random network");
    QuantizedNetwork n;
    n.input = {0, window, 2, 0, 10};
    int frac_in = 0, in_bits = 11;
    auto fill = [&](QuantLayer& l, int taps) {
        const std::int64_t wmax = (std::int64_t{1} << (l.weight_bits - 1)) - 1;
        for (int i = 0; i < l.out_channels * taps; ++i)
            l.weights.push_back(
                static_cast<std::int32_t>(static_cast<std::int64_t>(rng.next() % (2 * wmax + 2)) - wmax - 1));
        for (int o = 0; o < l.out_channels; ++o)
            l.bias.push_back(static_cast<std::int64_t>(rng.next() % 2001) - 1000);
        l.weight_frac = l.weight_bits - 1;
        l.in_frac = frac_in;
        // Typical |acc| ~ sqrt(taps) * 2^(wb-1) * 2^(in_bits-1) / 2: aim the output range at it.
        const double typical =
            std::log2(std::sqrt(static_cast<double>(taps))) + l.weight_bits - 1 + in_bits - 2;
        l.out_frac = l.acc_frac() - static_cast<int>(typical) + l.out_bits - 1;
        frac_in = l.out_frac;
        in_bits = l.out_bits + 1;
    };
    NetworkShape shape{window, s.conv_channels, s.conv_kernel, s.conv_stride, s.hidden, s.outputs};
    std::vector<QuantLayer> layers = layer_geometry(shape);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        QuantLayer& l = layers[i];
        const bool output = i + 1 == layers.size();
        l.weight_bits = s.weight_bits;
        l.out_bits = output ? 16 : s.activation_bits;
        fill(l, l.kind == LayerKind::Conv1d ? l.kernel : l.in_length);
        n.layers.push_back(l);
    }
    n.derive_accumulator_widths();
    n.validate("random network");
    return n;
}

}  // namespace pixforge::models
