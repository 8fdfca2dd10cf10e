#include "models/training/trainer_keys.hpp"

#include <fmt/format.h>

namespace pixforge::models {

// [network]: the architecture NetworkTrainer builds.
void declare_network_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(integer("network.window_first", "0", 0, 4095, "first window sample fed to the network"));
    s.add(integer("network.window_length", "0", 0, 4096,
                  "samples fed to the network (0 = to the end of the window)"));
    s.add(integer("network.baseline_log2", "2", 0, 10,
                  "baseline = mean of the first 2^k samples, by shift (0 = subtract the fixed pedestal)"));
    s.add(
        integer("network.conv_channels", "0", 0, 64, "channels of a 1-D convolution front layer (0 = none)"));
    s.add(integer("network.conv_kernel", "3", 1, 64, "kernel of the convolution front layer"));
    s.add(integer("network.conv_stride", "1", 1, 64, "stride of the convolution front layer"));
    s.add(
        list("network.hidden", Dimension::Dimensionless, "[16, 8]", 1, "widths of the hidden dense layers"));
    s.add(choice("network.activation", {"relu", "clipped_relu"},
                 "hidden activation (clipped_relu clips at 1.0)"));
    s.add(list("network.weight_bits", Dimension::Dimensionless, "[8]", 2,
               "weight bits: one value for every layer, or one per layer"));
    s.add(list("network.activation_bits", Dimension::Dimensionless, "[8]", 2,
               "activation bits of each hidden layer (one value, or one per hidden layer)"));
    s.add(integer("network.output_bits", "16", 4, 32, "bits of the output layer (signed)"));
    s.add(flag("network.head_energy", "true", "energy regression head"));
    s.add(flag("network.head_toa", "true", "time-of-arrival regression head"));
    s.add(flag("network.head_pileup", "true", "pile-up classification head (logit)"));
}

// [training]: how NetworkTrainer trains.
void declare_training_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(integer("training.seed", "0", 0, 1e15,
                  "seed of the initial weights and the shuffling (0: run.seed); the study retrains its "
                  "front with others (codesign.front_seeds)"));
    s.add(integer("training.epochs", "40", 1, 10000, "maximum training epochs"));
    s.add(integer("training.batch_size", "256", 1, 1e6, "mini-batch size"));
    s.add(real("training.learning_rate", Dimension::Dimensionless, "0.003", 1e-7, 1, "Adam learning rate"));
    s.add(
        integer("training.patience", "6", 1, 1000, "epochs without validation improvement before stopping"));
    s.add(integer("training.threads", "2", 1, 256, "LibTorch threads"));
    s.add(real("training.weight_energy", Dimension::Dimensionless, "1", 0, 1e6,
               "loss weight of the energy head"));
    s.add(real("training.weight_toa", Dimension::Dimensionless, "1", 0, 1e6, "loss weight of the ToA head"));
    s.add(real("training.weight_pileup", Dimension::Dimensionless, "0.5", 0, 1e6,
               "loss weight of the pile-up head"));
    s.add(flag("training.quantization_aware", "true",
               "train with fake quantization (false: float, then quantize)"));
    s.add(integer("training.max_windows", "0", 0, 1e10, "training windows used (0 = all)"));
}

std::int64_t training_seed(const Config& config) {
    const std::int64_t own = config.integer("training.seed");
    return own ? own : config.integer("run.seed");
}

InputSpec network_input_spec(const Config& c, const TrainingSet& data) {
    InputSpec input;
    input.first = static_cast<int>(c.integer("network.window_first"));
    const int len = static_cast<int>(c.integer("network.window_length"));
    input.length = len ? len : data.window - input.first;
    if (input.first + input.length > data.window)
        c.reject("network.window_length",
                 fmt::format("window_first + window_length exceeds the {} samples of {}", data.window,
                             data.source));
    input.baseline_log2 = static_cast<int>(c.integer("network.baseline_log2"));
    if ((1 << input.baseline_log2) > data.pre_trigger && input.baseline_log2 > 0)
        c.reject("network.baseline_log2",
                 "2^k baseline samples must lie before the trigger (trigger.pre_trigger)");
    input.adc_bits = data.adc_bits;
    input.pedestal = data.pedestal;
    return input;
}

}  // namespace pixforge::models
