// The [network] and [training] keys, declared outside the LibTorch file that reads them
// (network_trainer.cpp) so that a build without LibTorch knows the same config.
#pragma once

#include "core/config_schema.hpp"

namespace pixforge::models {

// [network]: the architecture NetworkTrainer builds.
void declare_network_keys(ConfigSchema& schema);
// [training]: how NetworkTrainer trains.
void declare_training_keys(ConfigSchema& schema);

}  // namespace pixforge::models
