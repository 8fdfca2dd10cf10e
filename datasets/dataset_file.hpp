// The labelled-window dataset in HDF5, schema "pixforge.dataset" version 1 (docs/dataset_schema.md).
// Writing streams rows to disk in chunks (memory independent of size) into a temporary file that
// is renamed into place only when complete, so a failed run never leaves a half-written file
// or clobbers an older one. Reading validates the schema and rejects foreign, truncated or
// other-version files with DATA-xxx errors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/h5.hpp"
#include "core/provenance.hpp"
#include "models/pixel_chain.hpp"
#include "models/stream_generator.hpp"
#include "models/training/training_set.hpp"
#include "models/window_generator.hpp"

namespace pixforge::datasets {

inline constexpr const char* kDatasetSchema = "pixforge.dataset";
inline constexpr std::int64_t kDatasetSchemaVersion = 1;
inline const std::vector<std::string> kSplits = {"train", "validation", "test"};

class DatasetWriter {
  public:
    DatasetWriter(const std::string& path, const models::PixelChain& chain, const Provenance& provenance,
                  const std::string& resolved_config);
    ~DatasetWriter();  // removes the temporary file unless commit() succeeded

    void begin_split(const std::string& name);
    void append(const models::LabelledWindow& window);
    void end_split(const models::TriggerCounters& counters, double rate_per_s);
    void append_stream(const models::StreamChunk& chunk);
    // Flushes, closes and publishes the temporary file at its final path (core/atomic_file).
    void commit();

  private:
    struct Split;
    void flush_rows();

    std::string path_;
    AtomicFile target_;  // DATA-010 at once when the output folder does not exist
    h5::Handle file_;
    int window_, max_pulses_;
    std::unique_ptr<Split> split_;
    std::unique_ptr<Split> stream_;
};

// A block of rows of one split.
struct WindowBatch {
    std::size_t rows = 0;
    int window = 0;
    std::vector<std::uint16_t> adc;  // rows x window
    std::vector<float> energy_keV, collected_keV, t0_ns;
    std::vector<std::int32_t> line_index, n_pulses;
    std::vector<std::uint8_t> pileup;
};

class DatasetReader {
  public:
    explicit DatasetReader(const std::string& path);  // validates; throws DATA-xxx

    std::size_t rows(const std::string& split) const;
    int window() const { return window_; }
    const std::string& resolved_config() const { return config_; }
    const std::string& path() const { return path_; }
    std::vector<double> test_lines_keV() const { return lines_keV_; }
    void read(const std::string& split, std::size_t first, std::size_t count, WindowBatch& out) const;

  private:
    std::string path_;
    h5::Handle file_;
    int window_ = 0;
    std::string config_;
    std::vector<double> lines_keV_;
};

// DATA-005 unless `config` describes the chain the dataset's windows come from (window, pre-trigger,
// ADC bits, baseline and full scale): a network records the chain it was trained for.
void require_same_chain(const Config& config, const DatasetReader& data);

// The train and validation splits of a dataset file (at most `max_train` training windows, 0: all)
// with its chain facts, as the trainer takes them.
models::TrainingSet read_training_set(const DatasetReader& data, std::size_t max_train = 0);
// Its chain facts alone (window, pre-trigger, ADC bits, pedestal; no windows).
models::TrainingSet training_set_facts(const DatasetReader& data);

}  // namespace pixforge::datasets
