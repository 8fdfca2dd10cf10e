// The shape of the in-pixel network family, in one place: an optional 1-D convolution over the
// input window, dense hidden layers, and a linear output layer with one output per head. The
// trainer and the random networks of the RTL tests and hardware sweeps both build their layers
// here (kinds, sizes and activations; no weights and no fixed-point formats).
#pragma once

#include <vector>

#include "models/network/quantized_network.hpp"

namespace pixforge::models {

struct NetworkShape {
    int window = 32;  // input samples
    int conv_channels = 0, conv_kernel = 3, conv_stride = 1;
    std::vector<int> hidden;  // widths of the dense hidden layers
    int outputs = 3;
    Activation activation = Activation::Relu;  // of the hidden layers
};

// std::invalid_argument when a convolution kernel is longer than the window.
std::vector<QuantLayer> layer_geometry(const NetworkShape& shape);

}  // namespace pixforge::models
