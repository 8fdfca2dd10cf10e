// What the trainer learns from, in memory: labelled ADC windows of the train and validation splits
// and the chain facts the network's input stage needs. datasets/ builds it from a dataset file
// (datasets::read_training_set), so the trainer depends on no file format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pixforge::models {

struct TrainingSplit {
    std::size_t rows = 0;
    std::vector<std::uint16_t> adc;    // rows x window ADC codes
    std::vector<float> collected_keV;  // the energy target: charge collected
    std::vector<float> t0_ns;          // the time-of-arrival target
    std::vector<std::uint8_t> pileup;  // the pile-up target: more than one pulse in the window
};

struct TrainingSet {
    std::string source;        // where it came from, for messages and provenance
    std::string chain_config;  // the resolved config of the chain that made the windows (TOML)
    int window = 0;            // samples per window
    int pre_trigger = 0;       // samples before the trigger sample
    int adc_bits = 0;
    int pedestal = 0;  // the ADC baseline code
    TrainingSplit train, validation;
};

}  // namespace pixforge::models
