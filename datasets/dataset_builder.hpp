// `pixforge dataset`: generates the train, validation and test splits (and optionally a
// continuous stream) of one chain and writes them with DatasetWriter. Each split has its own
// random stream derived from the seed; train and validation use [spectrum], test uses
// [test_spectrum] (lines, for resolution per line).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/config.hpp"
#include "core/provenance.hpp"
#include "models/pixel_chain.hpp"

namespace pixforge::datasets {

struct SplitSizes {
    std::uint64_t train = 0, validation = 0, test = 0;
};
SplitSizes split_sizes(const Config& config, std::uint64_t total_windows);

struct BuildSummary {
    std::uint64_t windows = 0;
    std::uint64_t stream_samples = 0;
    double seconds = 0;
};

// The content key of the dataset `config` makes: a hash of every setting the windows depend on
// (the chain, the labels, the dataset's sizes and seed), and of nothing else.
std::string dataset_cache_key(const Config& config);

BuildSummary build_dataset(const Config& config, const models::PixelChain& chain, const SplitSizes& sizes,
                           const std::string& out_path, const Provenance& provenance, std::ostream* progress);

// The chain of `config` and `total_windows` windows (0: dataset.windows) split by its fractions.
BuildSummary build_dataset(const Config& config, std::uint64_t total_windows, const std::string& out_path,
                           const Provenance& provenance, std::ostream* progress);

// [dataset]: the keys split_sizes and build_dataset read.
void declare_dataset_keys(ConfigSchema& schema);

}  // namespace pixforge::datasets
