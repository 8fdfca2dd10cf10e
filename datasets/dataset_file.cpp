#include "datasets/dataset_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "models/chain_params.hpp"

namespace pixforge::datasets {
namespace {

constexpr std::size_t kChunkRows = 4096;

// Every per-window column the reader uses, and what its values must be.
struct WindowColumn {
    const char* name;
    h5::Element element;
};
const WindowColumn kWindowColumns[] = {
    {"energy_keV", h5::Element::Real},  {"collected_keV", h5::Element::Real},
    {"t0_ns", h5::Element::Real},       {"line_index", h5::Element::Integer},
    {"n_pulses", h5::Element::Integer}, {"pileup", h5::Element::Integer},
};

// Bounds a stored window length must lie in (the config allows far less).
constexpr std::int64_t kMaxWindowSamples = 65536;
// More test lines than any spectrum has: a larger array is damage, not data.
constexpr std::size_t kMaxTestLines = 1024;

}  // namespace

struct DatasetWriter::Split {
    h5::Handle group;
    h5::AppendableDataset adc, energy, collected, t0, line, n_pulses, pileup, pulse_energy, pulse_time;
    // Row buffers, flushed every kChunkRows rows.
    std::vector<std::uint16_t> b_adc;
    std::vector<float> b_energy, b_collected, b_t0, b_pulse_energy, b_pulse_time;
    std::vector<std::int32_t> b_line, b_n;
    std::vector<std::uint8_t> b_pileup;
    std::size_t buffered = 0;
    // Stream only.
    h5::AppendableDataset stream_adc, truth_t0, truth_energy, truth_collected;
};

DatasetWriter::DatasetWriter(const std::string& path, const models::PixelChain& chain,
                             const Provenance& provenance, const std::string& resolved_config)
    : path_(path),
      target_(path),
      window_(chain.params().trigger.window),
      max_pulses_(chain.params().labels.max_pulses) {
    h5::silence_library_errors();
    try {
        file_ = h5::create_file(target_.temp().string());
    } catch (const PixError&) {
        throw PixError("DATA-010", fmt::format("{}: cannot create the output file (permissions?)", path));
    }
    const hid_t root = file_.id();
    h5::write_attribute(root, "schema", std::string(kDatasetSchema));
    h5::write_attribute(root, "schema_version", kDatasetSchemaVersion);
    h5::write_provenance(root, provenance, resolved_config, chain.params().seed);
    h5::write_attribute(root, "window_samples", static_cast<std::int64_t>(window_));
    h5::write_attribute(root, "pre_trigger_samples",
                        static_cast<std::int64_t>(chain.params().trigger.pre_trigger));
    h5::write_attribute(root, "sample_period_ns", chain.sample_period() * 1e9);
    h5::write_attribute(root, "adc_bits", static_cast<std::int64_t>(chain.params().adc.bits));
    h5::write_attribute(root, "baseline_code", chain.adc().baseline_code());
    h5::write_attribute(root, "ev_per_code", chain.ev_per_code());
    h5::write_attribute(root, "pair_energy_eV", chain.sensor().pair_energy_eV());
    h5::write_attribute(root, "noise_rms_e", chain.noise().rms());
    h5::write_attribute(root, "peaking_time_ns", chain.frontend().peaking_time() * 1e9);
    std::vector<double> lines;
    for (double e : chain.params().test_spectrum.lines_eV) lines.push_back(e * 1e-3);
    if (chain.params().test_spectrum.kind == models::SpectrumParams::Kind::Lines)
        h5::write_vector(root, "test_lines_keV", lines, "keV");
}

DatasetWriter::~DatasetWriter() {
    file_.close();  // before target_ removes an uncommitted temporary file
}

void DatasetWriter::begin_split(const std::string& name) {
    split_ = std::make_unique<Split>();
    Split& s = *split_;
    s.group = h5::create_group(file_.id(), name);
    const hid_t g = s.group.id();
    s.adc = h5::AppendableDataset(g, "adc", H5T_STD_U16LE, static_cast<size_t>(window_), kChunkRows / 4,
                                  "ADC code");
    s.energy = h5::AppendableDataset(g, "energy_keV", H5T_IEEE_F32LE, 0, kChunkRows, "keV");
    s.collected = h5::AppendableDataset(g, "collected_keV", H5T_IEEE_F32LE, 0, kChunkRows, "keV");
    s.t0 = h5::AppendableDataset(g, "t0_ns", H5T_IEEE_F32LE, 0, kChunkRows, "ns");
    s.line = h5::AppendableDataset(g, "line_index", H5T_STD_I32LE, 0, kChunkRows, "");
    s.n_pulses = h5::AppendableDataset(g, "n_pulses", H5T_STD_I32LE, 0, kChunkRows, "");
    s.pileup = h5::AppendableDataset(g, "pileup", H5T_STD_U8LE, 0, kChunkRows, "");
    s.pulse_energy = h5::AppendableDataset(g, "pulse_energy_keV", H5T_IEEE_F32LE,
                                           static_cast<size_t>(max_pulses_), kChunkRows, "keV");
    s.pulse_time = h5::AppendableDataset(g, "pulse_time_ns", H5T_IEEE_F32LE, static_cast<size_t>(max_pulses_),
                                         kChunkRows, "ns");
}

void DatasetWriter::append(const models::LabelledWindow& w) {
    Split& s = *split_;
    s.b_adc.insert(s.b_adc.end(), w.adc.begin(), w.adc.end());
    s.b_energy.push_back(static_cast<float>(w.energy_eV * 1e-3));
    s.b_collected.push_back(static_cast<float>(w.collected_eV * 1e-3));
    s.b_t0.push_back(static_cast<float>(w.t0_s * 1e9));
    s.b_line.push_back(w.line_index);
    s.b_n.push_back(w.n_pulses);
    s.b_pileup.push_back(w.pileup ? 1 : 0);
    s.b_pulse_energy.insert(s.b_pulse_energy.end(), w.pulse_energy_keV.begin(), w.pulse_energy_keV.end());
    s.b_pulse_time.insert(s.b_pulse_time.end(), w.pulse_time_ns.begin(), w.pulse_time_ns.end());
    if (++s.buffered == kChunkRows) flush_rows();
}

void DatasetWriter::flush_rows() {
    Split& s = *split_;
    s.adc.append(s.b_adc);
    s.energy.append(s.b_energy);
    s.collected.append(s.b_collected);
    s.t0.append(s.b_t0);
    s.line.append(s.b_line);
    s.n_pulses.append(s.b_n);
    s.pileup.append(s.b_pileup);
    s.pulse_energy.append(s.b_pulse_energy);
    s.pulse_time.append(s.b_pulse_time);
    for (auto* v : {&s.b_energy, &s.b_collected, &s.b_t0, &s.b_pulse_energy, &s.b_pulse_time}) v->clear();
    s.b_adc.clear();
    s.b_line.clear();
    s.b_n.clear();
    s.b_pileup.clear();
    s.buffered = 0;
    H5Fflush(file_.id(), H5F_SCOPE_LOCAL);
}

void DatasetWriter::end_split(const models::TriggerCounters& c, double rate_per_s) {
    flush_rows();
    const hid_t g = split_->group.id();
    h5::write_attribute(g, "windows", static_cast<std::int64_t>(split_->adc.rows()));
    h5::write_attribute(g, "input_rate_per_s", rate_per_s);
    h5::write_attribute(g, "pulses", static_cast<std::int64_t>(c.pulses));
    h5::write_attribute(g, "triggers", static_cast<std::int64_t>(c.triggers));
    h5::write_attribute(g, "lost_dead_time", static_cast<std::int64_t>(c.lost_dead_time));
    h5::write_attribute(g, "merged", static_cast<std::int64_t>(c.merged));
    h5::write_attribute(g, "below_threshold", static_cast<std::int64_t>(c.below_threshold));
    h5::write_attribute(g, "elapsed_s", c.elapsed_s);
    split_.reset();
}

void DatasetWriter::append_stream(const models::StreamChunk& chunk) {
    if (!stream_) {
        stream_ = std::make_unique<Split>();
        stream_->group = h5::create_group(file_.id(), "stream");
        const hid_t g = stream_->group.id();
        stream_->stream_adc = h5::AppendableDataset(g, "adc", H5T_STD_U16LE, 0, 65536, "ADC code");
        stream_->truth_t0 = h5::AppendableDataset(g, "truth_t0_ns", H5T_IEEE_F64LE, 0, 4096, "ns");
        stream_->truth_energy = h5::AppendableDataset(g, "truth_energy_keV", H5T_IEEE_F32LE, 0, 4096, "keV");
        stream_->truth_collected =
            h5::AppendableDataset(g, "truth_collected_keV", H5T_IEEE_F32LE, 0, 4096, "keV");
    }
    std::vector<double> t0_ns;
    std::vector<float> e_keV, c_keV;
    for (size_t i = 0; i < chunk.t0_s.size(); ++i) {
        t0_ns.push_back(chunk.t0_s[i] * 1e9);
        e_keV.push_back(static_cast<float>(chunk.energy_eV[i] * 1e-3));
        c_keV.push_back(static_cast<float>(chunk.collected_eV[i] * 1e-3));
    }
    stream_->stream_adc.append(chunk.adc);
    stream_->truth_t0.append(t0_ns);
    stream_->truth_energy.append(e_keV);
    stream_->truth_collected.append(c_keV);
}

void DatasetWriter::commit() {
    if (split_) throw std::logic_error("DatasetWriter::commit inside a split");
    stream_.reset();
    H5Fflush(file_.id(), H5F_SCOPE_GLOBAL);
    file_.close();
    target_.commit();
}

DatasetReader::DatasetReader(const std::string& path) : path_(path) {
    file_ = h5::open_file_readonly(path);
    const hid_t root = file_.id();
    const auto schema = h5::read_string_attribute(root, "schema");
    if (!schema || *schema != kDatasetSchema)
        throw PixError("DATA-002",
                       fmt::format("{}: not a pixforge dataset (attribute 'schema' is {}; expected \"{}\")",
                                   path, schema ? "\"" + *schema + "\"" : "missing", kDatasetSchema));
    const auto version = h5::read_int_attribute(root, "schema_version");
    if (!version || *version != kDatasetSchemaVersion)
        throw PixError(
            "DATA-003",
            fmt::format("{}: dataset schema version {}; this pixforge reads version {} "
                        "(regenerate it with pixforge dataset)",
                        path, version ? std::to_string(*version) : "missing", kDatasetSchemaVersion));
    const auto window = h5::read_int_attribute(root, "window_samples");
    const auto config = h5::read_string_attribute(root, "config");
    if (!window || !config)
        throw PixError("DATA-004", fmt::format("{}: attribute '{}' is missing", path,
                                               window ? "config" : "window_samples"));
    if (*window < 1 || *window > kMaxWindowSamples)
        throw PixError("DATA-004", fmt::format("{}: attribute 'window_samples' is {}; expected 1 to {}", path,
                                               *window, kMaxWindowSamples));
    window_ = static_cast<int>(*window);
    config_ = *config;
    for (const auto& split : kSplits) {
        if (h5::shape(root, split + "/adc").empty())
            throw PixError("DATA-004",
                           fmt::format("{}: '{}/adc' is missing or not [rows x {}] (truncated file?)", path,
                                       split, window_));
        const auto adc = h5::require_array(root, split + "/adc", 2, h5::Element::Integer);
        if (adc[1] != static_cast<hsize_t>(window_))
            throw PixError("DATA-004", fmt::format("{}: '{}/adc' is [{} x {}]; expected [rows x {}] "
                                                   "(window_samples)",
                                                   path, split, adc[0], adc[1], window_));
        for (const auto& column : kWindowColumns) {
            const std::string name = split + "/" + column.name;
            if (h5::shape(root, name).empty())
                throw PixError("DATA-004",
                               fmt::format("{}: '{}' is missing (truncated or damaged file)", path, name));
            const auto shape = h5::require_array(root, name, 1, column.element);
            if (shape[0] != adc[0])
                throw PixError("DATA-004",
                               fmt::format("{}: '{}' has {} rows where '{}/adc' has {} (truncated "
                                           "or damaged file)",
                                           path, name, shape[0], split, adc[0]));
        }
    }
    if (h5::exists(root, "test_lines_keV"))
        h5::read_vector(root, "test_lines_keV", lines_keV_, kMaxTestLines);
}

std::size_t DatasetReader::rows(const std::string& split) const {
    return static_cast<std::size_t>(h5::shape(file_.id(), split + "/adc")[0]);
}

void DatasetReader::read(const std::string& split, std::size_t first, std::size_t count,
                         WindowBatch& out) const {
    const hid_t root = file_.id();
    const std::string p = split + "/";
    out.rows = count;
    out.window = window_;
    h5::read_rows(root, p + "adc", first, count, out.adc);
    h5::read_rows(root, p + "energy_keV", first, count, out.energy_keV);
    h5::read_rows(root, p + "collected_keV", first, count, out.collected_keV);
    h5::read_rows(root, p + "t0_ns", first, count, out.t0_ns);
    h5::read_rows(root, p + "line_index", first, count, out.line_index);
    h5::read_rows(root, p + "n_pulses", first, count, out.n_pulses);
    h5::read_rows(root, p + "pileup", first, count, out.pileup);
}

models::TrainingSet training_set_facts(const DatasetReader& data) {
    models::TrainingSet set;
    set.source = data.path();
    set.chain_config = data.resolved_config();
    const models::ChainParams chain =
        models::chain_params_from_stored(data.resolved_config(), data.path() + ":/config");
    set.window = data.window();
    set.pre_trigger = chain.trigger.pre_trigger;
    set.adc_bits = chain.adc.bits;
    h5::Handle f = h5::open_file_readonly(data.path());
    set.pedestal =
        static_cast<int>(std::lround(h5::read_double_attribute(f.id(), "baseline_code").value_or(0)));
    return set;
}

models::TrainingSet read_training_set(const DatasetReader& data, std::size_t max_train) {
    models::TrainingSet set = training_set_facts(data);
    const auto read = [&](const std::string& split, std::size_t limit, models::TrainingSplit& out) {
        WindowBatch b;
        out.rows = limit ? std::min(limit, data.rows(split)) : data.rows(split);
        data.read(split, 0, out.rows, b);
        out.adc = std::move(b.adc);
        out.collected_keV = std::move(b.collected_keV);
        out.t0_ns = std::move(b.t0_ns);
        out.pileup = std::move(b.pileup);
    };
    read("train", max_train, set.train);
    read("validation", 0, set.validation);
    return set;
}

// The network records this run's config as the chain it was trained for (a candidate is later held
// against it: SIM-005..007), so that chain must be the one the dataset's windows come from.
void require_same_chain(const Config& config, const DatasetReader& data) {
    const models::ChainParams mine = models::chain_params_from(config);
    const models::ChainParams made =
        models::chain_params_from_stored(data.resolved_config(), data.path() + ":/config");
    auto refuse = [&](const char* key, const std::string& dataset_value, const std::string& config_value) {
        throw PixError(
            "DATA-005",
            fmt::format("{}: the dataset was made with {} = {}, the config has {} = {}; train with "
                        "the config the dataset was made with (--set {}={}) or regenerate the dataset",
                        data.path(), key, dataset_value, key, config_value, key, dataset_value));
    };
    const auto same = [](double a, double b) {
        return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
    };
    if (mine.trigger.window != data.window())
        refuse("trigger.window", std::to_string(data.window()), std::to_string(mine.trigger.window));
    if (mine.trigger.pre_trigger != made.trigger.pre_trigger)
        refuse("trigger.pre_trigger", std::to_string(made.trigger.pre_trigger),
               std::to_string(mine.trigger.pre_trigger));
    if (mine.adc.bits != made.adc.bits)
        refuse("adc.bits", std::to_string(made.adc.bits), std::to_string(mine.adc.bits));
    if (!same(mine.adc.baseline_e, made.adc.baseline_e))
        refuse("adc.baseline", fmt::format("{:.6g} e-", made.adc.baseline_e),
               fmt::format("{:.6g} e-", mine.adc.baseline_e));
    if (!same(mine.adc.full_scale_e, made.adc.full_scale_e))
        refuse("adc.full_scale", fmt::format("{:.6g} e-", made.adc.full_scale_e),
               fmt::format("{:.6g} e-", mine.adc.full_scale_e));
}

}  // namespace pixforge::datasets
