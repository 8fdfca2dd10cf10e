// Quantization-aware training of the in-pixel network family with LibTorch, and export to the
// QuantizedNetwork IR. This header is torch-free (pimpl); network_trainer.cpp is the project's
// only LibTorch translation unit, so only the pixforge_training library links torch.
//
// One forward function serves two modes:
//   train: float32 with fake quantization and straight-through gradients, formats live;
//   exact: float64 on the exported integers (every value on its fixed-point grid, sums exact
//          below 2^53), i.e. the quantized network evaluated with LibTorch ops. The integer
//          reference must equal it bit for bit (tests/test_training.cpp).
// Formats are power-of-two: weights get frac = bits - 1 - ceil(log2 max|w|) per layer; hidden
// activations frac = bits - ceil(log2 running max) (ReLU) or bits (clipped ReLU, range [0, 1));
// the input's frac is fixed from the training data so the first layer sees values near 1.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

#include "core/config.hpp"
#include "models/network/quantized_network.hpp"
#include "models/training/training_set.hpp"

namespace pixforge::models {

struct EpochLog {
    int epoch = 0;
    double train_loss = 0, validation_loss = 0, learning_rate = 0, seconds = 0;
};

struct TrainingLog {
    std::vector<EpochLog> epochs;
    int best_epoch = 0;
    double seconds = 0;
    std::size_t train_windows = 0, validation_windows = 0;
};

class NetworkTrainer {
  public:
    // Reads the [network] and [training] keys of `config`; learns from the set's train split (at
    // most training.max_windows of it) and stops early on its validation split.
    NetworkTrainer(const Config& config, const TrainingSet& data, std::ostream* progress);
    ~NetworkTrainer();

    // The content key of the network `config` trains on the dataset whose key is `dataset_key`:
    // every [network] and [training] setting and the seed, and nothing else.
    static std::string cache_key(const Config& config, const std::string& dataset_key);

    TrainingLog train();
    // The trained network as integers, at the configured bit widths.
    QuantizedNetwork export_network() const;
    // The same trained weights at other bit widths (post-training quantization sweeps).
    QuantizedNetwork export_network(const std::vector<int>& weight_bits,
                                    const std::vector<int>& activation_bits) const;
    // Float (unquantized) outputs, normalized units, for `n` windows: [n x heads].
    std::vector<float> float_outputs(const std::uint16_t* windows, std::size_t n) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The exported network evaluated with LibTorch in exact mode: output integers [n x outputs].
std::vector<std::int64_t> torch_exact_outputs(const QuantizedNetwork& net, const std::uint16_t* windows,
                                              std::size_t n, int window_length);

}  // namespace pixforge::models
