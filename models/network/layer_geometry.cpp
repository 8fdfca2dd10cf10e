#include "models/network/layer_geometry.hpp"

#include <stdexcept>

namespace pixforge::models {

std::vector<QuantLayer> layer_geometry(const NetworkShape& s) {
    std::vector<QuantLayer> layers;
    int channels = 1, length = s.window;
    if (s.conv_channels > 0) {
        if (s.conv_kernel > length)
            throw std::invalid_argument("convolution kernel longer than the input window");
        QuantLayer c;
        c.kind = LayerKind::Conv1d;
        c.activation = s.activation;
        c.in_channels = 1;
        c.in_length = length;
        c.kernel = s.conv_kernel;
        c.stride = s.conv_stride;
        c.out_channels = s.conv_channels;
        c.out_length = (length - c.kernel) / c.stride + 1;
        layers.push_back(c);
        channels = c.out_channels;
        length = c.out_length;
    }
    for (int width : s.hidden) {
        QuantLayer d;
        d.activation = s.activation;
        d.in_channels = 1;
        d.in_length = channels * length;
        d.out_channels = width;
        layers.push_back(d);
        channels = width;
        length = 1;
    }
    QuantLayer out;
    out.activation = Activation::None;
    out.in_length = channels * length;
    out.out_channels = s.outputs;
    layers.push_back(out);
    return layers;
}

}  // namespace pixforge::models
