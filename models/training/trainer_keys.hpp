// The [network] and [training] keys, declared outside the LibTorch file that reads them
// (network_trainer.cpp) so that a build without LibTorch knows the same config.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"
#include "models/network/quantized_network.hpp"
#include "models/training/training_set.hpp"

namespace pixforge::models {

// [network]: the architecture NetworkTrainer builds.
void declare_network_keys(ConfigSchema& schema);
// [training]: how NetworkTrainer trains.
void declare_training_keys(ConfigSchema& schema);

// The seed of the initial weights and the shuffling: training.seed, or run.seed when it is 0.
std::int64_t training_seed(const Config& config);

// The input stage of any network of the family, or of a classical filter built as one: samples
// network.window_first .. + window_length (0: to the window's end), less the baseline of
// 2^network.baseline_log2 pre-trigger samples. CFG-009 names the key that does not fit the windows.
InputSpec network_input_spec(const Config& config, const TrainingSet& data);

}  // namespace pixforge::models
